"""How the engine reports a declaration it cannot use: every problem, each with its place.

Problems quote parts of the file (names, keys). What they quote is cut to a length and how many
are listed is capped, so a hostile file (a megabyte key repeated through YAML aliases) cannot
turn one error message into gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from logscale_fleet.errors import InvalidInputError

MAX_QUOTED = 80
MAX_LISTED = 50


T = TypeVar("T")


def unique_items(
    items: Sequence[Any],
    check_item: Callable[[int, Any, list[str]], tuple[str | None, T | None]],
    problems: list[str],
    where: str = "",
) -> list[T]:
    """The valid items of a section whose names must be unique. `check_item(index, item,
    problems)` returns (the item's name if valid, the item if wholly valid); a repeated name
    is reported even when the item has other problems too."""
    declared: list[T] = []
    first_item: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        name, checked = check_item(index, item, problems)
        if name is not None and name in first_item:
            problems.append(
                f"{where}item {index}: name: {quoted(name)} is already declared by item "
                f"{first_item[name]} (names must be unique)"
            )
            continue
        if name is not None:
            first_item[name] = index
        if checked is not None:
            declared.append(checked)
    return declared


def mapping_item(
    where: str,
    item: Any,
    known_keys: Sequence[str],
    problems: list[str],
    *,
    shape: str = "a table with a name",
) -> bool:
    """Whether `item` is a mapping (else the problem is recorded); its unknown keys recorded."""
    if not isinstance(item, dict):
        problems.append(f"{where}: must be {shape}, not {kind_of(item)}")
        return False
    for key in item:
        if key not in known_keys:
            problems.append(f"{where}: unknown key {quoted(key)} (known: {', '.join(known_keys)})")
    return True


def checked_text(
    where: str,
    key: str,
    value: Any,
    rule: Callable[[str, str], Any] | None,
    problems: list[str],
) -> Any:
    """`value` if it is text that passes `rule` (a facade input rule taking (value, argument);
    None: any text), else None with the problem recorded."""
    if not isinstance(value, str):
        # YAML reads `123456` and `1.9` as numbers and `yes` as a boolean.
        problems.append(f"{where}: {key}: must be text, not {kind_of(value)}; quote it")
        return None
    if rule is None:
        return value
    try:
        return rule(value, key)
    except InvalidInputError as exc:
        problems.append(f"{where}: {key}: {exc.rule}")
        return None


def quoted(value: Any) -> str:
    """`repr(value)`, cut to MAX_QUOTED characters: for names and keys inside messages."""
    if isinstance(value, str) and len(value) > MAX_QUOTED:
        # Cut before repr: repr of a huge string would itself be huge.
        return repr(value[:MAX_QUOTED]) + f"\u2026 ({len(value):,} characters)"
    text = repr(value) if isinstance(value, str) else _short(value)
    return text if len(text) <= MAX_QUOTED + 2 else text[:MAX_QUOTED] + "\u2026"


def _short(value: Any) -> str:
    # Never repr a container: it may be an alias-expanded monster.
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)[: MAX_QUOTED + 2]
    return f"<{type(value).__name__}>"


class DeclarationError(InvalidInputError):
    """The declaration cannot be planned; `problems` lists every reason, each located
    (`item 3: name: must not be empty`). An InvalidInputError: the CLI exits 2."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = [f"{source}: {problem}" for problem in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            shown.append(f"{source}: ... and {len(self.problems) - MAX_LISTED:,} more problems")
        if len(self.problems) == 1:
            message = shown[0]
        else:
            message = f"{source} has {len(self.problems):,} problems:\n  " + "\n  ".join(shown)
        super().__init__("declaration", message)
        # The whole text, not "invalid declaration: ...": it already names the file.
        self.message = message
        self.args = (message,)

    def __str__(self) -> str:
        return self.message


def kind_of(value: Any) -> str:
    """What a parsed value is, in the words a message uses."""
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
        type(None): "nothing",
    }
    return names.get(type(value), type(value).__name__)
