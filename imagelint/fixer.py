"""``imagelint fix`` as a library call: lint, apply the fixes that apply, lint again, until nothing more
applies; then show the change as a unified diff, or write it back safely.

Fixes are applied in rounds because two fixes may touch the same text (``apt-get install`` gets both
``-y`` and ``--no-install-recommends``): the first round applies what does not overlap, the next
round lints the result again and applies what is left. Rounds are bounded, and a round that changes
nothing ends the loop, so a rule whose fix does not remove its finding cannot loop forever.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.findings import Finding
from imagelint.fixes import apply_fixes
from imagelint.rule import Rule
from imagelint.settings import Settings

MAX_ROUNDS = 10
_BOM = "\ufeff"


class FixWriteError(Exception):
    """A fixed file could not be written back; the message names it. The original is untouched."""


@dataclass
class FixOutcome:
    """What fixing one file did."""

    shown: str  # the file as named to the user
    original: str
    fixed: str
    applied: list[Finding] = field(default_factory=list)  # findings whose fix was applied, every round
    remaining: list[Finding] = field(default_factory=list)  # findings of the fixed text
    crashes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def unsafe_available(self) -> int:
        """Findings left that ``--unsafe`` would fix."""
        return sum(1 for f in self.remaining if f.fix is not None and f.fix.applicability == "unsafe")

    def by_rule(self) -> Counter:
        return Counter(f.rule for f in self.applied)

    def diff(self) -> str:
        """A unified diff of the change (``--- a/FILE`` / ``+++ b/FILE``), empty when nothing changed."""
        if not self.changed:
            return ""
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.fixed.splitlines(keepends=True),
            fromfile=f"a/{self.shown.lstrip('/')}",
            tofile=f"b/{self.shown.lstrip('/')}",
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def fix_text(
    text: str,
    shown: str,
    rules: list[Rule],
    settings: Settings,
    *,
    unsafe: bool = False,
    context_dir: Path | None = None,
    context_explicit: bool = False,
    dockerfile_path: Path | None = None,
    target: str | None = None,
) -> FixOutcome:
    """Apply every fix of ``rules`` that applies (safe ones, and unsafe ones with ``unsafe``)."""
    bom = _BOM if text.startswith(_BOM) else ""
    current = text[len(bom) :]
    outcome = FixOutcome(shown, text, text)

    def lint(source: str) -> list[Finding]:
        findings, crashes = engine.lint(
            parse(source, shown),
            rules,
            settings,
            context_dir=context_dir,
            context_explicit=context_explicit,
            dockerfile_path=dockerfile_path,
            target=target,
        )
        outcome.crashes.extend(c for c in crashes if c not in outcome.crashes)
        return findings

    findings = lint(current)
    for _ in range(MAX_ROUNDS):
        fixable = [f for f in findings if f.fix is not None and f.fix.applies(unsafe=unsafe) and f.file == shown]
        if not fixable:
            break
        fixed, applied = apply_fixes(current, [f.fix for f in fixable])
        if fixed == current:
            break
        applied_ids = {id(fix) for fix in applied}
        outcome.applied.extend(f for f in fixable if id(f.fix) in applied_ids)
        current = fixed
        findings = lint(current)
    outcome.fixed = bom + current
    outcome.remaining = findings
    return outcome


def read_for_fixing(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its text. Only UTF-8 is rewritten: anything else could not be written
    back byte for byte."""
    data = path.read_bytes()
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FixWriteError(f"{path}: not valid UTF-8 (byte {err.start}); not fixed") from None


def write_fixed(path: Path, original: bytes, text: str) -> None:
    """Replace the file's content with ``text``, atomically, keeping its mode and (through a
    symlink) the link itself; refused when the file changed since it was read."""
    real = Path(os.path.realpath(path))
    try:
        current = real.read_bytes()
    except OSError as err:
        raise FixWriteError(f"{path}: cannot read it again before writing ({err.strerror})") from None
    if current != original:
        raise FixWriteError(f"{path}: changed on disk since it was read; not overwritten (run imagelint fix again)")
    mode = stat.S_IMODE(real.stat().st_mode)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as err:
        raise FixWriteError(f"{path}: cannot write beside it ({err.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            raise FixWriteError(f"{path}: cannot write ({err.strerror or err}); the original is unchanged") from None
        raise


@dataclass
class FixRun:
    """``imagelint fix`` over paths: one outcome per Dockerfile, and the errors of those it could not fix."""

    outcomes: list[FixOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def applied(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.applied]

    @property
    def changed(self) -> list[FixOutcome]:
        return [o for o in self.outcomes if o.changed]


def fix_paths(
    paths: list[str],
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = False,
    context: Path | None = None,
    target: str | None = None,
) -> FixRun:
    """Fix every Dockerfile ``paths`` stand for (as ``lint`` finds them); with ``write``, write each
    changed file back (atomically; a file changed meanwhile is left alone and reported)."""
    from imagelint.discovery import discover

    rules = engine.select_rules(settings)
    found = discover(paths)
    run = FixRun(errors=list(found.errors))
    seen: set[Path] = set()
    for item in found.targets:
        if item.path is None:
            continue  # Compose's dockerfile_inline has no file to fix
        resolved = item.path.resolve()
        if resolved in seen:
            continue  # several Compose services build it: fix it once
        seen.add(resolved)
        try:
            original, text = read_for_fixing(item.path)
        except (OSError, FixWriteError) as err:
            run.errors.append(str(err) if isinstance(err, FixWriteError) else f"{item.shown}: cannot read ({err.strerror})")
            continue
        context_dir = item.context or context or item.path.parent
        outcome = fix_text(
            text,
            item.shown,
            rules,
            settings,
            unsafe=unsafe,
            context_dir=context_dir,
            context_explicit=item.context is not None or context is not None,
            dockerfile_path=item.path,
            target=item.stage or target,
        )
        run.outcomes.append(outcome)
        run.errors.extend(outcome.crashes)
        if write and outcome.changed:
            try:
                write_fixed(item.path, original, outcome.fixed)
                run.written.append(item.shown)
            except FixWriteError as err:
                run.errors.append(str(err))
    return run
