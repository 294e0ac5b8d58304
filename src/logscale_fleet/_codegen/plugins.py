"""ariadne-codegen plugins (named in codegen.toml `plugins`)."""

from __future__ import annotations

import ast
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import GraphQLSchema, OperationDefinitionNode

BASE_MODEL_CLASS = "class BaseModel(PydanticBaseModel):\n"
ADDED_IMPORTS = "from collections.abc import Iterator\nfrom typing import Any, Optional\n"

# Field names (snake_case, as generated) whose values are secrets: the install token, its JWT, and
# the install commands, which embed the token.
SECRET_FIELDS = ("token", "jwt_token", "linux_command", "windows_command", "macos_command")

REDACTING_REPR = f"""
    # Added by logscale_fleet._codegen.plugins.RedactSecretsPlugin: install tokens, JWTs and the
    # install commands that embed them never show in reprs, str(), logs or tracebacks. Read the
    # attribute (or model_dump()) to get the value.
    def __repr_args__(self) -> Iterator[tuple[Optional[str], Any]]:
        for name, value in super().__repr_args__():
            if name in _SECRET_FIELDS and isinstance(value, str):
                yield name, _REDACTED
            else:
                yield name, value


class _Redacted:
    def __repr__(self) -> str:
        return "'***'"


_REDACTED = _Redacted()
_SECRET_FIELDS = frozenset({SECRET_FIELDS!r})
"""


class RedactSecretsPlugin(Plugin):
    """Teach the generated `BaseModel` to mask secret fields in its repr."""

    def copy_code(self, copied_code: str) -> str:
        if BASE_MODEL_CLASS not in copied_code:
            return copied_code
        # The class is the last definition of ariadne-codegen's base_model.py; appending the
        # method to the end of the file keeps it inside the class. Fail loudly if that changes.
        tail = copied_code.split(BASE_MODEL_CLASS, 1)[1]
        if any(line and not line[0].isspace() for line in tail.splitlines()):
            raise RuntimeError("RedactSecretsPlugin: BaseModel is no longer last in base_model.py")
        first_import = "from pydantic import BaseModel as PydanticBaseModel\n"
        code = copied_code.replace(
            first_import,
            f"{ADDED_IMPORTS}\n{first_import}",
        )
        return code.rstrip("\n") + "\n" + REDACTING_REPR


class OperationTablePlugin(Plugin):
    """Append `OPERATIONS` to the generated client: operation name -> (kind, method name).

    The operation registry (`logscale_fleet._core.operations`) reads each operation's kind from
    this table, so whether an operation is a query or a mutation comes from its document and
    cannot be mistyped by hand.
    """

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        self._operations: dict[str, tuple[str, str]] = {}

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        if operation_definition.name is None:
            raise RuntimeError("OperationTablePlugin: every operation in queries/ needs a name")
        kind = operation_definition.operation.value
        self._operations[operation_definition.name.value] = (kind, method_def.name)
        return method_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        # Sorted: the generated file must not depend on the order queries/ is read in.
        entries = sorted(self._operations.items())
        table = ast.AnnAssign(
            target=ast.Name(id="OPERATIONS", ctx=ast.Store()),
            annotation=ast.parse("dict[str, tuple[str, str]]", mode="eval").body,
            value=ast.Dict(
                keys=[ast.Constant(name) for name, _ in entries],
                values=[
                    ast.Tuple(elts=[ast.Constant(kind), ast.Constant(method)], ctx=ast.Load())
                    for _, (kind, method) in entries
                ],
            ),
            simple=1,
        )
        module.body.append(table)
        return module


RESULT_TYPE_HELPER = '''
# Added by logscale_fleet._codegen.plugins.CachedResultTypesPlugin.
_RESULT_TYPES: dict[str, Any] = {}


def _result_type(path: str) -> Any:
    """The result model at `path` (".module:Name"), imported on first use and kept: an import
    statement in every call cost more than the rest of the method's own work."""
    try:
        return _RESULT_TYPES[path]
    except KeyError:
        module, name = path.split(":")
        found = getattr(import_module(module, __package__), name)
        _RESULT_TYPES[path] = found
        return found
'''
RESULT_LOCAL = "result_model"


class CachedResultTypesPlugin(Plugin):
    """Turn each method's `from .module import Result` into a lookup of a kept class.

    ariadne-codegen's `lazy_imports` (its ClientForwardRefsPlugin, which must come before this
    one in codegen.toml) moves each result model's import into the method that returns it, so
    importing the client loads no models. An import statement runs on every call, though, and
    for an already-loaded relative module it costs a few microseconds; `_result_type` finds the
    class in a dict instead. The local keeps its type for mypy through its annotation (local
    annotations are never evaluated at run time).
    """

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        client = next(
            (n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "Client"), None
        )
        if client is None:
            raise RuntimeError("CachedResultTypesPlugin: no Client class in the client module")
        rewritten = 0
        for method in client.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                rewritten += self._rewrite(method)
        if rewritten:
            # Before the `gql` function, after the imports and the TYPE_CHECKING block.
            at = next(
                i
                for i, n in enumerate(module.body)
                if isinstance(n, ast.FunctionDef) and n.name == "gql"
            )
            module.body[at:at] = ast.parse(RESULT_TYPE_HELPER).body
            module.body.insert(
                0, ast.ImportFrom(module="importlib", names=[ast.alias("import_module")], level=0)
            )
        return module

    def _rewrite(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
        first = method.body[0] if method.body else None
        if not (
            isinstance(first, ast.ImportFrom)
            and first.module is not None
            and first.module.startswith(".")
            and len(first.names) == 1
            and first.names[0].asname is None
        ):
            return 0
        names = {a.arg for a in (*method.args.args, *method.args.kwonlyargs)}
        if RESULT_LOCAL in names:
            raise RuntimeError(
                f"CachedResultTypesPlugin: {method.name} has an argument named {RESULT_LOCAL}"
            )
        class_name = first.names[0].name
        method.body[0] = ast.AnnAssign(
            target=ast.Name(id=RESULT_LOCAL, ctx=ast.Store()),
            annotation=ast.Subscript(
                value=ast.Name(id="type", ctx=ast.Load()),
                slice=ast.Name(id=class_name, ctx=ast.Load()),
                ctx=ast.Load(),
            ),
            value=ast.Call(
                func=ast.Name(id="_result_type", ctx=ast.Load()),
                args=[ast.Constant(f"{first.module}:{class_name}")],
                keywords=[],
            ),
            simple=1,
        )
        for statement in method.body[1:]:
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and node.id == class_name:
                    node.id = RESULT_LOCAL
        return 1
