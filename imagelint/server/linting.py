"""What the language server asks of imagelint, with no LSP in it: lint a document's text in memory
as ``imagelint lint`` would lint the file, fix what is safe as ``imagelint fix`` would, and find a
rule's documentation from a code written in the text.

The rule registry is loaded once, when the server starts, and one lint warms up what rules load on
first use; settings are read again for every lint (a millisecond), so an edited ``.imagelint.toml``
counts from the next keystroke.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from imagelint import engine
from imagelint.config import project_settings
from imagelint.discovery import is_dockerfile_name
from imagelint.dockerfile import parse
from imagelint.findings import Finding
from imagelint.fixer import fix_text
from imagelint.fixes import Fix
from imagelint.rule import Rule, registered_rules, rules_called
from imagelint.settings import ConfigError, Settings

DOCKERFILE_LANGUAGE = "dockerfile"
# A rule code as written in pragmas: "# imagelint ignore=IL6001", "# hadolint ignore=DL3008,DL3015".
CODE_PATTERN = re.compile(r"\b(?:IL|DL)\d{4}\b", re.IGNORECASE)
# A comment that lists rules by name: an ignore pragma or BuildKit's check directive.
PRAGMA_LINE = re.compile(r"\s*#\s*(?:(?:imagelint|hadolint)\s+ignore\s*=|check\s*=)", re.IGNORECASE)
RULE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def is_dockerfile(language_id: str | None, path: str | None) -> bool:
    """A document the server lints: the client says it is a Dockerfile, or its name is one that
    ``imagelint lint`` takes in a directory walk."""
    if (language_id or "").lower() == DOCKERFILE_LANGUAGE:
        return True
    return bool(path) and is_dockerfile_name(Path(path).name)


@dataclass
class Checked:
    """One lint of one document's text."""

    text: str
    shown: str  # the name findings carry for this file (its path when it is on disk)
    path: Path | None  # the file on disk, for file: URIs
    settings: Settings
    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    config_error: str | None = None

    @property
    def context_dir(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def own(self) -> list[Finding]:
        """The findings in this document (not in its .dockerignore)."""
        return [f for f in self.findings if f.file == self.shown]

    def has_safe_fix(self) -> bool:
        return any(f.fix is not None and f.fix.edits and f.fix.applies(unsafe=False) for f in self.own())


class Linter:
    """The rules, loaded once per server, and the calls that use them."""

    def __init__(self) -> None:
        self.registry: dict[str, Rule] = registered_rules()

    def warm_up(self) -> None:
        """Lint a small Dockerfile with a build context once, so the modules rules import on first
        use (the .dockerignore matcher, shell parsing) are loaded before the user's first file."""
        with tempfile.TemporaryDirectory(prefix="imagelint-server-") as folder:
            path = Path(folder) / "Dockerfile"
            (Path(folder) / ".dockerignore").write_text(".git\n")
            text = "FROM debian:12-slim\nRUN apt-get update && apt-get install curl && pip install flask\nCOPY . /app\n"
            path.write_text(text)
            self.fix_all(self.check(text, path))

    def settings(self, folder: Path) -> tuple[Settings, str | None]:
        """The settings ``imagelint lint`` would use for a file in ``folder``; the defaults (and
        why) when the config there is broken."""
        try:
            return project_settings(None, folder, self.registry), None
        except ConfigError as err:
            return Settings(), f"{err}; using the default settings until it is fixed"

    def check(self, text: str, path: Path | None, *, name: str = "Dockerfile", folder: Path | None = None) -> Checked:
        """Lint ``text`` as the file ``path`` (its folder is the build context), or, for a
        document not on disk, as ``name`` with no build context and the settings of ``folder``."""
        shown = str(path) if path is not None else name
        settings_dir = path.parent if path is not None else (folder or Path.cwd())
        settings, error = self.settings(settings_dir)
        checked = Checked(text, shown, path, settings, engine.select_rules(settings, self.registry), config_error=error)
        checked.findings, checked.crashes = engine.lint(
            parse(text, shown),
            checked.rules,
            settings,
            context_dir=checked.context_dir,
            dockerfile_path=path,
        )
        return checked

    def fix_all(self, checked: Checked) -> str | None:
        """The text with every safe fix applied (``imagelint fix``), or None when that changes nothing."""
        if not checked.has_safe_fix():
            return None
        outcome = fix_text(
            checked.text,
            checked.shown,
            checked.rules,
            checked.settings,
            unsafe=False,
            context_dir=checked.context_dir,
            dockerfile_path=checked.path,
        )
        return outcome.fixed if outcome.changed else None

    def rules_for_code(self, code: str) -> list[Rule]:
        """The imagelint rule of an IL code, or the rules that declare a hadolint DL code."""
        return rules_called(code, self.registry)


def fix_title(fix: Fix) -> str:
    """A quick fix's title: the fix's description, marked when applying it may change the image."""
    return fix.description + (" (unsafe)" if fix.applicability == "unsafe" else "")


def code_at(line: str, index: int) -> tuple[str, int, int] | None:
    """The rule code written around character ``index`` of ``line``: (code, start, end). In a
    pragma or BuildKit check directive a rule name or a BuildKit check name counts too
    (``# imagelint ignore=shell-form-entrypoint``, ``# check=skip=JSONArgsRecommended``)."""
    for match in CODE_PATTERN.finditer(line):
        if match.start() <= index <= match.end():
            return match.group(0).upper(), match.start(), match.end()
    pragma = PRAGMA_LINE.match(line)
    if pragma:
        for match in RULE_WORD.finditer(line, pragma.end()):
            if match.start() <= index <= match.end():
                return match.group(0), match.start(), match.end()
    return None


def rule_markdown(rules: list[Rule]) -> str:
    """The documentation of ``rules`` as hover Markdown, one after the other."""
    parts = []
    for rule in rules:
        also = f" (hadolint {', '.join(rule.hadolint)})" if rule.hadolint else ""
        parts.append(f"**{rule.code}** `{rule.name}`: {rule.severity}, {rule.family}{also}\n\n{rule.doc.markdown}")
    return "\n---\n\n".join(parts)

