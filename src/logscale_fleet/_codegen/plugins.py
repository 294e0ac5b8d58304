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
