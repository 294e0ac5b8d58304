"""The control-character check's ASCII fast path answers as the per-character rule does."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from logscale_fleet._core.validation import _control_character

CONTROL_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")


def by_category(value: str) -> str | None:
    for ch in value:
        if unicodedata.category(ch) in CONTROL_CATEGORIES:
            return f"U+{ord(ch):04X}"
    return None


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
@example("web servers")
@example("tab\there")
@example("del\x7f")
@example("nbsp\u00a0and zero width\u200b")
@example("")
def test_the_fast_path_agrees_with_the_per_character_rule(value: str) -> None:
    assert _control_character(value) == by_category(value)


def test_every_ascii_character_is_judged_by_its_category() -> None:
    for code in range(0x80):
        assert _control_character(chr(code)) == by_category(chr(code)), hex(code)
