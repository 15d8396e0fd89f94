"""``imagelint fix`` as a library call: lint, apply the fixes that apply, lint again, until nothing more
applies; then show the change as a unified diff, or write it back safely.

Fixes are applied in rounds because two fixes may touch the same text (``apt-get install`` gets both
``-y`` and ``--no-install-recommends``): the first round applies what does not overlap, the next
round lints the result again and applies what is left. Rounds are bounded, and a round that changes
nothing ends the loop, so a rule whose fix does not remove its finding cannot loop forever.

``fix --image`` (:func:`fix_image`) first applies the image rules' fixes, found by analyzing the
image the Dockerfile built (:func:`imagelint.analyze.run_analyze`), in one round: the image cannot
be analyzed again until it is rebuilt. Fixes that add to the same place (two cleanups at the end of
one RUN) are combined, the same edit made by several findings is made once, and fixes that still
overlap wait for the next ``fix --image`` on the rebuilt image. Then the Dockerfile rules' rounds run
on the result, as for ``imagelint fix``.
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
from imagelint.fixes import Edit, Fix, TextPositions, apply_fixes, overlaps
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
    # fix --image: image findings whose fix applies but overlapped another (fixed once rebuilt),
    # and those whose fix needs --unsafe.
    deferred: list[Finding] = field(default_factory=list)
    image_remaining: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def unsafe_available(self) -> int:
        """Findings left that ``--unsafe`` would fix."""
        return sum(1 for f in [*self.remaining, *self.image_remaining] if f.fix is not None and f.fix.applicability == "unsafe")

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
    return data, decode_for_fixing(data, str(path))


def decode_for_fixing(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FixWriteError(f"{shown}: not valid UTF-8 (byte {err.start}); not fixed") from None


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

    def add(self, outcome: FixOutcome, path: Path, original: bytes, *, write: bool) -> None:
        """Record a file's outcome; with ``write``, write it back (``original``: the bytes read)."""
        self.outcomes.append(outcome)
        self.errors.extend(outcome.crashes)
        if write and outcome.changed:
            try:
                write_fixed(path, original, outcome.fixed)
                self.written.append(outcome.shown)
            except FixWriteError as err:
                self.errors.append(str(err))


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
        run.add(outcome, item.path, original, write=write)
    return run


# --- fix --image --------------------------------------------------------------------------------


@dataclass
class _Group:
    edits: list[Edit]
    descriptions: list[str]
    applicability: str
    findings: list[Finding]


def combine_fixes(findings: list[Finding], text: str) -> list[tuple[Fix, list[Finding]]]:
    """Fixes of ``findings`` (all made against ``text``) grouped so that one round applies as many as
    possible: a fix whose edits each either repeat an edit of a group, insert at the same point as
    one of its insertions, or touch nothing of it, and that shares at least one edit or point with
    it, joins that group (a repeated edit is made once; insertions at one point are concatenated in
    file order, a repeated insertion kept once). Every other fix is a group of its own; groups that
    still overlap are left to :func:`~imagelint.fixes.apply_fixes`."""
    positions = TextPositions(text)

    def span(edit: Edit) -> tuple[int, int]:
        return positions.offset(edit.line, edit.column), positions.offset(edit.end_line, edit.end_column)

    groups: list[_Group] = []
    with_edits = [f for f in findings if f.fix is not None and f.fix.edits]
    for finding in sorted(with_edits, key=lambda f: min((e.line, e.column) for e in f.fix.edits)):  # type: ignore[union-attr]
        fix = finding.fix
        assert fix is not None
        for group in groups:
            merged = _merged(group.edits, fix.edits, span)
            if merged is None:
                continue
            group.edits = merged
            if fix.description not in group.descriptions:
                group.descriptions.append(fix.description)
            if fix.applicability == "unsafe":
                group.applicability = "unsafe"
            group.findings.append(finding)
            break
        else:
            groups.append(_Group(list(fix.edits), [fix.description], fix.applicability, [finding]))
    return [(Fix("; ".join(g.descriptions), g.applicability, tuple(g.edits)), g.findings) for g in groups]


def _merged(group: list[Edit], new: tuple[Edit, ...], span) -> list[Edit] | None:
    """``group`` with ``new`` folded in; None when they share nothing or an edit collides."""
    result = list(group)
    shared = False
    for edit in new:
        start, end = span(edit)
        for index, other in enumerate(result):
            other_start, other_end = span(other)
            if (start, end, edit.content) == (other_start, other_end, other.content):
                shared = True  # the same edit: made once
                break
            if start == end == other_start == other_end:
                shared = True  # two insertions at one point: one after the other
                if not other.content.endswith(edit.content):
                    result[index] = Edit(other.line, other.column, other.end_line, other.end_column, other.content + edit.content)
                break
            if overlaps(start, end, (other_start, other_end)):
                return None
        else:
            result.append(edit)
    return result if shared else None


def fix_image(
    reference: str,
    dockerfile: Path,
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = False,
    context: Path | None = None,
    target: str | None = None,
    platform: str | None = None,
) -> tuple[FixRun, str | None]:
    """``imagelint fix --image``: the image rules' fixes for the Dockerfile that built ``reference``,
    then the Dockerfile rules' fixes; returns the run and, when the layers could not be matched to
    the Dockerfile (so no image fix is possible), why. Raises what ``run_analyze`` raises."""
    from imagelint.analyze import run_analyze
    from imagelint.image.context import REDACTED

    shown = str(dockerfile)
    run = FixRun()
    try:
        original, text = read_for_fixing(dockerfile)
    except OSError as err:
        run.errors.append(f"{shown}: cannot read ({err.strerror})")
        return run, None
    report = run_analyze(reference, settings, dockerfile=dockerfile, context=context, target=target, platform=platform)
    run.errors.extend(report.errors)
    on_image = [f for result in report.results if result.target == "image" for f in result.findings]
    unmatched = next((f.message for f in on_image if f.name == "layers-not-matched-to-dockerfile"), None)
    # A fix whose text went through the secret redaction (a merged RUN naming a value the image's
    # config holds) would write REDACTED into the Dockerfile: never applied.
    mine = [
        f for f in on_image
        if f.file == shown and f.fix is not None and f.fix.edits
        and not any(REDACTED in e.content and REDACTED not in text for e in f.fix.edits)
    ]  # fmt: skip
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    applicable = [f for f in mine if f.fix.applies(unsafe=unsafe)]  # type: ignore[union-attr]
    groups = combine_fixes(applicable, body)
    fixed, applied = apply_fixes(body, [fix for fix, _ in groups])
    applied_ids = {id(fix) for fix in applied}
    done = [f for fix, members in groups if id(fix) in applied_ids for f in members]
    outcome = fix_text(
        bom + fixed,
        shown,
        engine.select_rules(settings),
        settings,
        unsafe=unsafe,
        context_dir=context or dockerfile.parent,
        context_explicit=context is not None,
        dockerfile_path=dockerfile,
        target=target,
    )
    outcome.original = text
    outcome.applied[:0] = done
    outcome.deferred = [f for fix, members in groups if id(fix) not in applied_ids for f in members]
    outcome.image_remaining = [f for f in mine if f not in applicable]
    run.add(outcome, dockerfile, original, write=write)
    return run, unmatched
