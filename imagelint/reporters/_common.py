"""What the machine-readable reporters (sarif, github, junit, gitlab) and the HTML report share:
where a finding is (a path relative to the current directory, or the image itself), the source
lines around it with secret values masked, and a fingerprint that survives unrelated edits.

Both report kinds are accepted: a lint report (``LintReport``) and an image report (``ImageReport``,
``kind == "image"``) whose findings sit either at a Dockerfile line or on the image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagelint.findings import Finding
from imagelint.fingerprint import STDIN, Fingerprinter, anchor, relative_path
from imagelint.fingerprint import read_lines
from imagelint.rules._secrets import find_tokens, is_literal_secret_value, is_secret_name, redact

EXCERPT_CONTEXT = 2  # lines shown before and after a finding's lines


def is_image_report(report) -> bool:
    return getattr(report, "kind", "lint") == "image"


def run_errors(report) -> list[str]:
    return list(report.all_errors) if hasattr(report, "all_errors") else list(report.errors)


def run_notes(report) -> list[str]:
    return list(getattr(report, "notes", []))


def image_name(report) -> str | None:
    return report.analysis.name if is_image_report(report) else None


def on_image(report, finding: Finding) -> bool:
    """True for an image finding that no Dockerfile line carries: it is about the image as a whole."""
    return is_image_report(report) and finding.line is None and finding.file == report.analysis.name


# --- source lines ---------------------------------------------------------------------------------

# NAME=value, the value bare or quoted (ENV, ARG, LABEL, shell assignments, URL query strings).
_ASSIGNMENT = re.compile(r"""(?<![\w$])([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'\\]+)""")
# ENV NAME value (the legacy space form of ENV).
_ENV_SPACE_FORM = re.compile(r"^(\s*ENV\s+)([A-Za-z_][\w.-]*)(\s+)(\S.*?)(\s*\\?)$", re.IGNORECASE)
# --password value / --token=value on a command line.
_OPTION = re.compile(r"""(?<![\w-])--?([A-Za-z][\w-]*)(=|\s+)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'\\-][^\s"'\\]*)""")
_KEY_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")


def _unquoted(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def _masked_value(value: str) -> str:
    quote = value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else ""
    return f"{quote}{redact(_unquoted(value))}{quote}"


def _mask_line(line: str, *, every_literal: bool) -> str:
    """Mask what looks like a secret value; with ``every_literal``, every literal assigned value."""

    def assignment(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        plain = _unquoted(value)
        literal = bool(plain) and not plain.startswith("$") and "***" not in plain  # "***": masked already
        if literal and (every_literal or (is_secret_name(name) and is_literal_secret_value(plain))):
            return f"{name}={_masked_value(value)}"
        return match.group(0)

    def option(match: re.Match[str]) -> str:
        name, separator, value = match.groups()
        plain = _unquoted(value)
        if is_secret_name(name) and not plain.startswith("$") and "***" not in plain and is_literal_secret_value(plain):
            return f"{match.group(0)[: match.start(3) - match.start(0)]}{_masked_value(value)}"
        return match.group(0)

    for token in reversed(find_tokens(line)):
        line = line[: token.start] + redact(token.text) + line[token.end :]
    line = _ASSIGNMENT.sub(assignment, line)
    line = _OPTION.sub(option, line)
    space_form = _ENV_SPACE_FORM.match(line)
    if space_form and "=" not in space_form.group(2):
        keyword, name, gap, value, tail = space_form.groups()
        if not value.startswith("$") and "***" not in value and (every_literal or (is_secret_name(name) and is_literal_secret_value(value))):
            line = f"{keyword}{name}{gap}{redact(value)}{tail}"
    return line


def mask_secrets(lines: list[str], secret_lines: set[int] = frozenset()) -> list[str]:
    """The lines with secret values masked the way finding messages show them (``AKIA***``).

    Masked everywhere: known token formats, passwords in URLs, literal values of credential-named
    variables and options, private-key blocks. On ``secret_lines`` (1-based; where a secret finding
    points) every literal assigned value is masked as well, so nothing a secret rule saw is shown.
    """
    masked: list[str] = []
    in_key = False
    for number, line in enumerate(lines, start=1):
        every_literal = number in secret_lines
        if in_key:
            end = _KEY_END.search(line)
            if end is None:
                masked.append("***" if line.strip() else line)
                continue
            in_key = False
            masked.append(("***" if line[: end.start()].strip() else "") + line[end.start() :])
            continue
        begin = _KEY_BEGIN.search(line)
        if begin is None:
            masked.append(_mask_line(line, every_literal=every_literal))
            continue
        body = line[begin.end() :]
        end = _KEY_END.search(body)
        if end is not None:  # a whole key on one line
            body = ("***" if body[: end.start()].strip() else "") + body[end.start() :]
        else:
            in_key = True
            body = "***" if body.strip() else body
        masked.append(_mask_line(line[: begin.start()], every_literal=every_literal) + begin.group(0) + body)
    return masked


def is_secret_finding(finding: Finding) -> bool:
    return finding.family == "security" and "secret" in finding.name


class Sources:
    """Masked source lines of the files a report's findings point at.

    Lint reports carry each linted file's lines; any other file (a ``.dockerignore``, the Dockerfile
    of an image report) is read from disk on first use. A file that cannot be read has no lines.
    """

    def __init__(self, report) -> None:
        self._given: dict[str, list[str]] = {
            result.file: list(result.lines) for result in getattr(report, "results", []) if getattr(result, "lines", None)
        }
        self._secret_lines: dict[str, set[int]] = {}
        for finding in report.findings:
            if is_secret_finding(finding) and finding.line is not None:
                lines = range(finding.line, (finding.end_line or finding.line) + 1)
                self._secret_lines.setdefault(finding.file, set()).update(lines)
        self._masked: dict[str, list[str] | None] = {}
        self._image = image_name(report)

    def lines(self, file: str) -> list[str] | None:
        if file not in self._masked:
            raw = self._given.get(file)
            if raw is None and file not in (STDIN, self._image):
                raw = read_lines(file)
            self._masked[file] = None if raw is None else mask_secrets(raw, self._secret_lines.get(file, set()))
        return self._masked[file]

    def line(self, file: str, number: int | None) -> str | None:
        lines = self.lines(file)
        if lines is None or number is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def excerpt(self, finding: Finding) -> list[tuple[int, str, bool]]:
        """``(line number, text, is one of the finding's lines)`` around the finding; empty when unknown."""
        lines = self.lines(finding.file)
        if lines is None or finding.line is None or not 1 <= finding.line <= len(lines):
            return []
        last = min(max(finding.end_line or finding.line, finding.line), len(lines))
        start, stop = max(1, finding.line - EXCERPT_CONTEXT), min(len(lines), last + EXCERPT_CONTEXT)
        return [(n, lines[n - 1], finding.line <= n <= last) for n in range(start, stop + 1)]


# --- fingerprints ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with what every reporter derives from it, in the report's order."""

    finding: Finding
    path: str | None  # relative path of the file; None for a finding on the image itself
    fingerprint: str


def _image_repository(name: str) -> str:
    """``registry:5000/team/app:1.2@sha256:...`` -> ``registry:5000/team/app``: stable across new tags."""
    name = name.split("@", 1)[0]
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > last_slash else name


def locate(report, sources: Sources | None = None) -> list[Located]:
    """Every finding with its path and fingerprint (:mod:`imagelint.fingerprint`, over the masked line text).

    Findings on the image hash the image's repository name (not its tag) instead of a file and a line.
    """
    sources = sources or Sources(report)
    fingerprint = Fingerprinter()
    located: list[Located] = []
    for finding in report.findings:
        if on_image(report, finding):
            repository = _image_repository(finding.file)
            located.append(Located(finding, None, fingerprint(finding.rule, "image:" + repository, repository)))
            continue
        path = relative_path(finding.file)
        text = anchor(sources.line(finding.file, finding.line), finding.line)
        located.append(Located(finding, path, fingerprint(finding.rule, path, text)))
    return located
