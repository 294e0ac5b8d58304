"""`tokens apply FILE --dry-run` with generated YAML and TOML: valid, broken and hostile.

Every document either yields a plan (exit 0, JSON, nothing changed on the server) or exit 2
with one error line that names the file and, for a problem in an item, the first such item.
Which of the two is decided independently of the CLI's checker: the test parses the file
itself and applies the declaration rules written out below (the facade's own name and id rules
decide single values), then compares.
"""

from __future__ import annotations

import math
import string
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies
from hypothesis import given, settings
from hypothesis import strategies as st

from logscale_fleet import InvalidInputError
from logscale_fleet._core.validation import check_id, check_name
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.cli.conftest import DOCS_CONFIG_ID, LINUX_CONFIG_ID, WINDOWS_CONFIG_ID, Run
from tests.reliability.conftest import BOUNDED, assert_clean_outcome

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_IDS = [LINUX_CONFIG_ID, WINDOWS_CONFIG_ID, DOCS_CONFIG_ID]
CONFIG_NAMES = ["linux-syslog", "windows-events", "docs-example"]
ITEM_KEYS = ("name", "config_id", "config_name")

# -- documents --------------------------------------------------------------------------------

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
names = st.one_of(
    st.sampled_from(["web", "spare", "default", "stray", "w", " web", "web\t", ""]),
    st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=10),
    st.text(max_size=20),
    junk,
)
config_ids = st.one_of(st.sampled_from(CONFIG_IDS), st.text(max_size=12), junk)
config_names = st.one_of(st.sampled_from(CONFIG_NAMES), st.text(max_size=12), junk)
# Valid items, so that plans are made too and the problem sits in a later item.
good_items = st.fixed_dictionaries(
    {"name": st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=10)},
    optional={"config_id": st.sampled_from(CONFIG_IDS)},
) | st.fixed_dictionaries(
    {
        "name": st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=10),
        "config_name": st.sampled_from(CONFIG_NAMES),
    }
)
# A valid item with one key too many: a typo, camelCase from the API docs, a stray space.
misspelt_items = st.builds(
    lambda item, key, value: {**item, key: value},
    good_items,
    st.sampled_from(["configId", "config", "Name", "name ", "token"]),
    scalars,
)
items = st.one_of(
    good_items,
    good_items,
    misspelt_items,
    st.fixed_dictionaries(
        {"name": names},
        optional={"config_id": config_ids, "config_name": config_names, "configId": junk},
    ),
    st.fixed_dictionaries({}, optional={"config_id": config_ids, "note": junk}),
    junk,
)
item_lists = st.lists(items, max_size=6)
documents = st.one_of(
    item_lists,
    st.fixed_dictionaries({"tokens": item_lists}),
    st.fixed_dictionaries({"tokens": st.one_of(item_lists, junk)}, optional={"token": junk}),
    junk,
)


def toml_text(document: object) -> str:
    """A TOML document for `document` (a top-level list goes under `tokens`). TOML has no
    null, so the documents generated for it hold none."""
    table = document if isinstance(document, dict) else {"tokens": document}
    return "".join(f"{_toml_string(key)} = {_toml_value(value)}\n" for key, value in table.items())


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    raise TypeError(type(value))


def _toml_string(text: str) -> str:
    escaped = "".join(
        "\\" + ch if ch in '"\\' else f"\\u{ord(ch):04X}" if ord(ch) < 0x20 or ch == "\x7f" else ch
        for ch in text
    )
    return f'"{escaped}"'


# -- the oracle -------------------------------------------------------------------------------


def parsed(path: Path) -> tuple[bool, Any]:
    """(parsed?, document) the way `tokens apply` reads files: by extension, else TOML first."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False, None
    parsers = {".yaml": [_yaml], ".yml": [_yaml], ".toml": [_toml]}.get(path.suffix, [_toml, _yaml])
    for parse in parsers:
        try:
            return True, parse(text)
        except Exception:  # noqa: S112 - any failure to parse: try the next format
            continue
    return False, None


def _yaml(text: str) -> Any:
    document = yaml.safe_load(text)
    if _contains_itself(document, set()):
        # An alias inside the node it names: infinite when expanded, so not a readable file.
        raise ValueError("self-referential YAML")
    return document


def _contains_itself(value: Any, path: set[int]) -> bool:
    if not isinstance(value, (list, dict)):
        return False
    if id(value) in path:
        return True
    path.add(id(value))
    children = value.values() if isinstance(value, dict) else value
    found = any(_contains_itself(child, path) for child in children)
    path.discard(id(value))
    return found


def _toml(text: str) -> Any:
    return tomllib.loads(text)


def _passes(rule: Any, value: Any, argument: str) -> bool:
    if not isinstance(value, str):
        return False
    try:
        rule(value, argument)
    except InvalidInputError:
        return False
    return True


def first_problem(document: Any) -> tuple[bool, int | None]:
    """(has a problem?, the 1-based index of the first item with one, if an item has one).

    The declaration rules: a list of tables, or a table whose only key is `tokens` holding
    one; each table has a valid `name`, at most one of a valid `config_id` / `config_name`
    naming a configuration that exists (exactly once, for names), no other key; names unique.
    """
    document_problem = False
    if document is None or document == {}:
        return True, None
    if isinstance(document, dict):
        document_problem = set(document) != {"tokens"}
        entries = document.get("tokens")
    else:
        entries = document
    if not isinstance(entries, list):
        return True, None
    seen: set[str] = set()
    for index, item in enumerate(entries, start=1):
        if not isinstance(item, dict):
            return True, index
        name = item.get("name")
        name_ok = _passes(check_name, name, "name")
        config_id, config_name = item.get("config_id"), item.get("config_name")
        bad = (
            any(key not in ITEM_KEYS for key in item)
            or not name_ok
            or (config_id is not None and not _passes(check_id, config_id, "config_id"))
            or (config_name is not None and not _passes(check_name, config_name, "config_name"))
            or (config_id is not None and config_name is not None)
            or (name_ok and name in seen)
        )
        if name_ok and isinstance(name, str):
            seen.add(name)
        if bad:
            return True, index
    if document_problem:
        return True, None
    # Only once the whole file is well-formed are configurations looked up on the server.
    for index, item in enumerate(entries, start=1):
        if item.get("config_id") is not None and item["config_id"] not in CONFIG_IDS:
            return True, index
        if item.get("config_name") is not None and item["config_name"] not in CONFIG_NAMES:
            return True, index
    return False, None


def declared_names(document: Any) -> list[str]:
    entries = document["tokens"] if isinstance(document, dict) else document
    return [item["name"] for item in entries]


# -- the property -----------------------------------------------------------------------------


def server_state(sandbox: ThreadedSandbox) -> list[tuple[str, str, str | None]]:
    return [(t.name, t.token, t.config_id) for t in sandbox.store.install_tokens.all()]


def check_apply(cli: Run, sandbox: ThreadedSandbox, path: Path, prune: bool) -> None:
    sandbox.reset()
    sandbox.store.install_tokens.create("web", config_id=DOCS_CONFIG_ID)
    sandbox.store.install_tokens.create("stray")
    before = server_state(sandbox)
    extra = ("--prune",) if prune else ()
    result = cli("--timeout", "5", "-o", "json", "tokens", "apply", str(path), "--dry-run", *extra)
    assert_clean_outcome(result, {0, 2})
    assert server_state(sandbox) == before  # a dry run changes nothing, whatever the file

    readable, document = parsed(path)
    problem, item = first_problem(document) if readable else (True, None)
    if problem:
        assert result.code == 2, (result, document)
        assert result.json()["error"]["exitCode"] == 2  # the error document, no plan
        assert str(path) in result.err  # names the file
        if item is not None:
            assert f"item {item}:" in result.err, (result.err, document)
        return
    assert result.code == 0, (result.err, document)
    plan = result.json()
    assert plan["dryRun"] is True
    assert plan["file"] == str(path)
    declared = declared_names(document)
    changes = plan["changes"]
    written = [c["name"] for c in changes if c["action"] != "delete"]
    # Every declared token is either changed or already in sync, once.
    assert sorted(written + [u["name"] for u in plan["unchanged"]]) == sorted(declared)
    deleted = {c["name"] for c in changes if c["action"] == "delete"}
    # --prune deletes what is not declared, except the default install token.
    assert deleted == ({"web", "stray"} - set(declared) if prune else set())
    assert sum(plan["summary"].values()) == len(changes) + len(plan["unchanged"])


@settings(BOUNDED, max_examples=30)
@given(document=documents, suffix=st.sampled_from([".yaml", ".yml", ""]), prune=st.booleans())
def test_generated_yaml(
    cli: Run,
    served: ThreadedSandbox,
    tmp_path_factory: pytest.TempPathFactory,
    document: Any,
    suffix: str,
    prune: bool,
) -> None:
    path = tmp_path_factory.mktemp("apply") / f"tokens{suffix}"
    text = yaml.safe_dump(document, allow_unicode=True)
    # Lone surrogates (as undecodable file names produce) make the file invalid UTF-8.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check_apply(cli, served, path, prune)


toml_documents = st.one_of(
    st.lists(items, max_size=6), st.fixed_dictionaries({"tokens": st.lists(items, max_size=6)})
)


@settings(BOUNDED, max_examples=30)
@given(document=toml_documents, suffix=st.sampled_from([".toml", ""]), prune=st.booleans())
def test_generated_toml(
    cli: Run,
    served: ThreadedSandbox,
    tmp_path_factory: pytest.TempPathFactory,
    document: Any,
    suffix: str,
    prune: bool,
) -> None:
    path = tmp_path_factory.mktemp("apply") / f"tokens{suffix}"
    path.write_bytes(toml_text(document).encode("utf-8", "surrogatepass"))
    check_apply(cli, served, path, prune)


@settings(BOUNDED, max_examples=30)
@given(
    content=st.one_of(
        st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
        st.sampled_from(
            [b"tokens:\n  - name: web\n  - name: web\n", b"tokens = [", b"---\n...\n---\n"]
        ),
    ),
    suffix=st.sampled_from([".yaml", ".toml", ""]),
)
def test_arbitrary_bytes(
    cli: Run,
    served: ThreadedSandbox,
    tmp_path_factory: pytest.TempPathFactory,
    content: bytes,
    suffix: str,
) -> None:
    path = tmp_path_factory.mktemp("apply") / f"tokens{suffix}"
    path.write_bytes(content)
    check_apply(cli, served, path, prune=True)


def _many(count: int, duplicate_last: bool = False) -> bytes:
    lines = ["tokens:"] + [f"  - name: host-{i:05d}" for i in range(count)]
    if duplicate_last:
        lines.append("  - name: host-00000")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("many.yaml", _many(1500)),
        ("many-with-duplicate.yaml", _many(1500, duplicate_last=True)),
        ("long-name.yaml", b"- name: " + b"x" * 300_000 + b"\n"),
        ("deep.yaml", b"tokens: " + b"[" * 800 + b"]" * 800 + b"\n"),
        ("deep-block.yaml", b"tokens:\n" + b"".join(b"  " * i + b"-\n" for i in range(3000))),
        ("deep.toml", b"tokens = " + b"[" * 5000 + b"]" * 5000 + b"\n"),
        ("deep-tables.toml", b"tokens = [" + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"]\n"),
        ("deep-keys.toml", b"[" + b".".join([b"a"] * 5000) + b"]\n"),
        ("aliases.yaml", b"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\ntokens: [*b, *b, *b]\n"),
        ("recursive.yaml", b"tokens: &t [*t]\n"),
        ("invalid-utf8.yaml", b"- name: web\xff\n"),
        ("utf16.yaml", "- name: web\n".encode("utf-16")),
        ("empty.toml", b""),
        ("nul.yaml", b"- name: web\x00\n"),
    ],
)
def test_hostile_files(
    cli: Run, served: ThreadedSandbox, tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    check_apply(cli, served, path, prune=True)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.toml", b"tokens = " + b"[" * 5000 + b"]" * 5000 + b"\n"),
        ("deep.yaml", b"tokens:\n" + b"".join(b"  " * i + b"-\n" for i in range(3000))),
    ],
)
def test_deep_nesting_is_named_as_the_problem(
    cli: Run, served: ThreadedSandbox, tmp_path: Path, name: str, content: bytes
) -> None:
    # Both parsers recurse per level; running out of stack is the file's problem, said so.
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("tokens", "apply", str(path), "--dry-run")
    assert_clean_outcome(result, {2})
    assert f"{path}: invalid {name[-4:].upper()}: nested too deeply" in result.err
