"""ariadne-codegen plugins (named in codegen.toml `plugins`)."""

from __future__ import annotations

from ariadne_codegen.plugins.base import Plugin

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
