"""`schema check --format github`: GitHub Actions workflow commands.

Each finding is one `::error file=...,line=...,col=...,title=...::message` (or `::warning`)
line, which Actions turns into an annotation on that line of the pull request; advice given once
is a `::notice`, and the summary (the matrix and the result) follows as plain log lines.
"""

from __future__ import annotations

from logscale_fleet.schema.annotations import Annotation, annotations_of
from logscale_fleet.schema.check import CheckReport
from logscale_fleet.schema.report import hints, summary_lines

NOTICE_TITLE = "logscale-fleet schema check"


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF are encoded (the runner decodes them)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: str | int | None) -> str:
    shown = ",".join(
        f"{name}={escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None
    )
    return f"::{level}{' ' + shown if shown else ''}::{escape_data(message)}"


def annotation_line(annotation: Annotation) -> str:
    return command(
        annotation.level.value,
        annotation.message,
        file=annotation.file,
        line=annotation.line,
        col=annotation.column,
        title=annotation.title,
    )


def render_github(report: CheckReport, *, prefix: str = "") -> str:
    lines = [annotation_line(a) for a in annotations_of(report, prefix=prefix)]
    lines += [command("notice", hint, title=NOTICE_TITLE) for hint in hints(report)]
    lines += summary_lines(report)
    return "\n".join(lines) + "\n"


def render_github_error(message: str) -> str:
    """A failure before any check ran (bad input): one error annotation."""
    return command("error", message, title=NOTICE_TITLE) + "\n"
