"""Header values quoted in error messages: redacted, escaped, bounded."""

from __future__ import annotations

from logscale_fleet._core.header_text import MAX_SHOWN, shown_header, shown_location

SECRET = "install-token-0123456789abcdef"


def test_a_header_is_redacted_escaped_and_cut() -> None:
    assert shown_header(f"text/html; x={SECRET}", [SECRET]) == "text/html; x=***"
    assert shown_header("a\x1b[2Jb\r\n") == "a\\x1b[2Jb\\x0d\\x0a"
    long = shown_header("x" * 10_000)
    assert long == "x" * MAX_SHOWN + "..."


def test_a_location_loses_user_info_query_and_fragment() -> None:
    shown = shown_location(
        f"http://user:{SECRET}@evil.example:8080/graphql?token={SECRET}#{SECRET}"
    )
    assert shown == "http://evil.example:8080/graphql"
    assert shown_location("/relative/path?jwt=x") == "/relative/path"
    assert shown_location("http://[::1]:99/x") == "http://[::1]:99/x"
    assert SECRET not in shown_location(f"http://h:bad/{SECRET}?q", [SECRET])
