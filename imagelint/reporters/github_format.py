"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::warning file=Dockerfile,line=3,endLine=3,col=5,title=IL1002 package-index-update-alone::message``.
Everything in a command comes from untrusted text, so data is escaped (``%``, CR, LF) and property
values also escape ``:`` and ``,``: a message can never end the command early or start a new one.
The runner's log is a terminal too, so control characters quoted from a Dockerfile or an image are
shown as visible escapes (:func:`imagelint.terminal.printable`).
Findings on an image (no Dockerfile line) carry no ``file``: GitHub shows them on the run's summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from imagelint.findings import Severity
from imagelint.reporters._common import Sources, locate
from imagelint.terminal import printable

if TYPE_CHECKING:
    from imagelint.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.STYLE: "notice"}


def shown(text: str) -> str:
    """``text`` with control characters made visible, line breaks kept (an annotation may hold
    several lines; :func:`escape_data` encodes them)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: dict[str, object] | None = None) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items() if value is not None)
    return f"::{name}{' ' + fields if fields else ''}::{escape_data(message)}\n"


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    for item in locate(report, Sources(report)):
        finding = item.finding
        properties: dict[str, object] = {}
        if item.path is not None and item.path != "-":
            properties["file"] = shown(item.path)
            if finding.line is not None:
                properties["line"] = finding.line
                properties["endLine"] = max(finding.end_line or finding.line, finding.line)
                properties["col"] = finding.column
        properties["title"] = f"{finding.rule} {finding.name}"
        message = shown(finding.message)
        if item.path is None or item.path == "-":
            message = f"{shown(finding.file)}: {message}"
        if finding.fix:
            message += f"\nfix: {shown(finding.fix.shown)}"
        stream.write(command(COMMANDS[finding.severity], message, properties))
    for error in report.all_errors:
        stream.write(command("error", shown(error), {"title": "imagelint"}))
