"""``imagelint diff A B``: what changed between two images, as one frozen value.

:func:`diff_images` takes two loaded images (and their analyses, when already made) and returns an
:class:`ImageDiff`; it reads nothing and prints nothing. What is compared:

- the totals: shipped bytes (``size``) and hidden bytes (``wasted_bytes``) of each image;
- layers by digest (the uncompressed ``diff_id``, the same whatever the source): shared, added
  (only in B) and removed (only in A), counted as multisets, so a layer B ships twice is added once;
- build steps: the layers of A and B aligned by their recorded command (history ``created_by``, in
  order, as a sequence alignment); a pair whose command agrees but whose layer differs is a step
  that changed, with its size change. Steps whose command changed are in the added/removed layers;
- files of the final filesystems (non-directories, hard-linked bytes counted once as the analysis
  counts them): added, removed, grown and shrunk, with byte deltas, the biggest changes first,
  at most ``max_changes`` listed (the counts and byte totals always cover all of them);
- directories (the top two levels) by growth, from the same file sizes;
- the runtime config: ENV, ENTRYPOINT, CMD, USER, WORKDIR, labels and exposed ports;
- a growth budget (``--max-growth 10MB`` or ``5%``): when B's size exceeds A's by more, the
  diff carries a finding (severity error) saying by how much.

Secret-looking values (:mod:`.secrets`: ENV values, build arguments, tokens in commands) are
``REDACTED`` in every text the diff holds, as in ``imagelint analyze``.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from imagelint.image.analysis import Analysis, LayerRow, analyze
from imagelint.image.budgets import BudgetError, parse_size
from imagelint.image.filesystem import LayerStack
from imagelint.image.model import Image
from imagelint.image.secrets import find_secrets
from imagelint.units import format_size

DEFAULT_MAX_CHANGES = 1000
TOP_DIRECTORIES = 10
DIRECTORY_DEPTH = 2  # "/usr" and "/usr/lib": deep enough to say where, shallow enough to stay short
REDACTED = "REDACTED"
_SHORTEST_REDACTED_ANYWHERE = 4  # as in analyze: a shorter value is replaced only after NAME=
GROWTH_RULE = "max-growth"

FILE_CHANGE_KINDS = ("added", "removed", "grown", "shrunk")


# --- the growth budget ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthBudget:
    """``--max-growth``: a number of bytes (``10MB``, ``5MiB``, ``1500000``) or a percentage of A's
    size (``5%``)."""

    text: str
    max_bytes: int | None = None
    max_percent: float | None = None

    @classmethod
    def parse(cls, text: str) -> GrowthBudget:
        value = str(text).strip()
        if value.endswith("%"):
            try:
                percent = float(value[:-1])
            except ValueError:
                raise BudgetError(f"--max-growth: '{text}' is not a percentage (e.g. 5%)") from None
            if not 0 <= percent < float("inf"):
                raise BudgetError(f"--max-growth: '{text}' must be a percentage of 0 or more")
            return cls(value, max_percent=percent)
        try:
            return cls(value, max_bytes=parse_size(value))
        except BudgetError as err:
            raise BudgetError(f"--max-growth: {err}; or give a percentage of the first image (5%)") from None

    def excess(self, before: int, after: int) -> int | float | None:
        """By how much ``after`` exceeds the budget (bytes, or percentage points); None when within it."""
        growth = after - before
        if self.max_bytes is not None:
            return growth - self.max_bytes if growth > self.max_bytes else None
        percent = _percent(growth, before)
        assert self.max_percent is not None
        return percent - self.max_percent if percent > self.max_percent else None


def _percent(delta: int, base: int) -> float:
    if base:
        return 100.0 * delta / base
    return 0.0 if delta <= 0 else float("inf")


# --- the result -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageSide:
    """One of the two images, as the diff shows it."""

    name: str
    id: str
    platform: str  # "linux/amd64"
    size: int
    wasted_bytes: int
    layer_count: int
    files: int  # non-directories of the final filesystem

    def to_dict(self) -> dict:
        return {"name": self.name, "id": self.id, "platform": self.platform, "size": self.size,
                "wasted_bytes": self.wasted_bytes, "layer_count": self.layer_count, "files": self.files}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Change:
    """A number before and after."""

    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    @property
    def percent(self) -> float:
        """The change as a percentage of ``before`` (infinite when growing from 0)."""
        return _percent(self.delta, self.before)

    def to_dict(self) -> dict:
        percent = self.percent
        return {"before": self.before, "after": self.after, "delta": self.delta,
                "percent": None if percent == float("inf") else round(percent, 4)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LayerRef:
    """A layer of A or B: its position in that image's layer list, digest, size and command."""

    index: int
    digest: str | None
    size: int
    command: str  # the recorded instruction ("RUN make"); "" when the history recorded none

    def to_dict(self) -> dict:
        return {"index": self.index, "digest": self.digest, "size": self.size, "command": self.command}


@dataclass(frozen=True, slots=True)
class StepChange:
    """A build step both images recorded (same command, in the same order) whose layer differs."""

    command: str
    before: LayerRef
    after: LayerRef

    @property
    def delta(self) -> int:
        return self.after.size - self.before.size

    def to_dict(self) -> dict:
        return {"command": self.command, "before": self.before.to_dict(), "after": self.after.to_dict(), "delta": self.delta}


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str  # absolute: "/app/main.js"
    kind: str  # one of FILE_CHANGE_KINDS
    before: int | None  # bytes in A (None: absent)
    after: int | None  # bytes in B (None: absent)

    @property
    def delta(self) -> int:
        return (self.after or 0) - (self.before or 0)

    def to_dict(self) -> dict:
        return {"path": self.path, "change": self.kind, "before": self.before, "after": self.after, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class FileTotals:
    """Every file change of one kind: how many and the bytes they add up to (signed)."""

    count: int = 0
    bytes: int = 0

    def to_dict(self) -> dict:
        return {"count": self.count, "bytes": self.bytes}


@dataclass(frozen=True, slots=True)
class DirectoryChange:
    path: str  # "/usr/lib"
    before: int  # visible bytes below it in A
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    def to_dict(self) -> dict:
        return {"path": self.path, "before": self.before, "after": self.after, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One setting that differs. For ENV and LABEL, ``key`` is the variable or label; for EXPOSE the
    port (``8080/tcp``) and before/after are the port or None; otherwise ``key`` is None and the values
    are as ``docker inspect`` shows them (JSON for ENTRYPOINT and CMD)."""

    setting: str  # "ENV", "LABEL", "EXPOSE", "ENTRYPOINT", "CMD", "USER", "WORKDIR"
    key: str | None
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"

    def to_dict(self) -> dict:
        return {"setting": self.setting, "key": self.key, "change": self.kind, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class DiffFinding:
    """What a budget found; shaped like an ``imagelint`` finding of an image (no file line)."""

    rule: str
    severity: str
    message: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message}


@dataclass(frozen=True, slots=True)
class ImageDiff:
    before: ImageSide
    after: ImageSide
    size: Change
    wasted_bytes: Change
    shared_layers: tuple[LayerRef, ...]  # B's positions
    added_layers: tuple[LayerRef, ...]  # in B only
    removed_layers: tuple[LayerRef, ...]  # in A only
    changed_steps: tuple[StepChange, ...]  # in B's order
    file_totals: tuple[tuple[str, FileTotals], ...]  # per FILE_CHANGE_KINDS, in that order
    file_changes: tuple[FileChange, ...]  # the biggest changes first (by |delta|, then path)
    files_left_out: int  # changes not in ``file_changes`` (over max_changes)
    max_changes: int
    directories: tuple[DirectoryChange, ...]  # biggest growth first; shrinking ones last
    config: tuple[ConfigChange, ...]
    budget: GrowthBudget | None = None
    findings: tuple[DiffFinding, ...] = ()
    before_layers: tuple[LayerRef, ...] = ()  # every layer of A, for side-by-side views
    after_layers: tuple[LayerRef, ...] = ()

    @property
    def totals(self) -> dict[str, FileTotals]:
        return dict(self.file_totals)

    @property
    def changed_files(self) -> int:
        return sum(totals.count for _, totals in self.file_totals)

    @property
    def identical(self) -> bool:
        """Nothing to show: same layers, files and config."""
        return not (self.added_layers or self.removed_layers or self.changed_files or self.config) and self.size.delta == 0

    def to_dict(self) -> dict:
        """The document of ``imagelint diff --format json`` (imagelint/schemas/diff-report.schema.json)."""
        return {
            "version": 1,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "size": self.size.to_dict(),
            "wasted_bytes": self.wasted_bytes.to_dict(),
            "layers": {
                "shared": [layer.to_dict() for layer in self.shared_layers],
                "added": [layer.to_dict() for layer in self.added_layers],
                "removed": [layer.to_dict() for layer in self.removed_layers],
                "changed_steps": [step.to_dict() for step in self.changed_steps],
            },
            "files": {
                **{kind: totals.to_dict() for kind, totals in self.file_totals},
                "changes": [change.to_dict() for change in self.file_changes],
                "left_out": self.files_left_out,
                "max_changes": self.max_changes,
            },
            "directories": [item.to_dict() for item in self.directories],
            "config": [item.to_dict() for item in self.config],
            "budget": None if self.budget is None else {"max_growth": self.budget.text, "exceeded": bool(self.findings)},
            "findings": [finding.to_dict() for finding in self.findings],
        }


# --- comparing -------------------------------------------------------------------------------------


def diff_images(
    before: Image,
    after: Image,
    *,
    before_analysis: Analysis | None = None,
    after_analysis: Analysis | None = None,
    max_changes: int = DEFAULT_MAX_CHANGES,
    budget: GrowthBudget | None = None,
) -> ImageDiff:
    """Compare image ``before`` (A) with image ``after`` (B); see the module's docstring."""
    if max_changes < 0:
        raise ValueError("max_changes must be 0 or more")
    first = before_analysis or analyze(before)
    second = after_analysis or analyze(after)
    redact = _redactor(before, after)
    first_tree, second_tree = _final_tree(before), _final_tree(after)
    first_files, second_files = first_tree.files, second_tree.files

    changes, totals = _file_changes(first_files, second_files)
    changes.sort(key=lambda change: (-abs(change.delta), change.path))
    size = Change(first.size, second.size)
    findings: tuple[DiffFinding, ...] = ()
    if budget is not None and (excess := budget.excess(first.size, second.size)) is not None:
        findings = (DiffFinding(GROWTH_RULE, "error", _growth_message(size, budget, excess)),)
    layers_a, layers_b = _layer_refs(first, redact), _layer_refs(second, redact)
    shared, added, removed = _layers_by_digest(layers_a, layers_b)
    return ImageDiff(
        before=_side(first, len(first_files)),
        after=_side(second, len(second_files)),
        size=size,
        wasted_bytes=Change(first.wasted_bytes, second.wasted_bytes),
        shared_layers=shared,
        added_layers=added,
        removed_layers=removed,
        changed_steps=_changed_steps(first, second, redact),
        file_totals=tuple((kind, totals[kind]) for kind in FILE_CHANGE_KINDS),
        file_changes=tuple(changes[:max_changes]),
        files_left_out=max(0, len(changes) - max_changes),
        max_changes=max_changes,
        directories=_directories(first_tree.directories, second_tree.directories),
        config=tuple(_config_changes(before.runtime_config, after.runtime_config, redact)),
        budget=budget,
        findings=findings,
        before_layers=tuple(layers_a),
        after_layers=tuple(layers_b),
    )


def _side(analysis: Analysis, files: int) -> ImageSide:
    platform = "/".join(part for part in (analysis.os, analysis.architecture) if part) or "unknown"
    return ImageSide(analysis.name, analysis.id, platform, analysis.size, analysis.wasted_bytes, analysis.layer_count, files)


def _growth_message(size: Change, budget: GrowthBudget, excess: int | float) -> str:
    percent = size.percent
    shown = "from nothing" if percent == float("inf") else f"{percent:+.1f} %"
    grew = f"image grew by {format_size(size.delta)} ({shown}: {format_size(size.before)} -> {format_size(size.after)})"
    if budget.max_bytes is not None:
        return f"{grew}, {format_size(excess)} more than --max-growth {budget.text} allows"
    over = "" if excess == float("inf") else f" by {excess:.1f} percentage points"
    return f"{grew}, over --max-growth {budget.text}{over}"


def _redactor(*images: Image) -> Callable[[str], str]:
    secrets = sorted({(s.name, s.value) for image in images for s in find_secrets(image) if s.value},
                     key=lambda pair: len(pair[1]), reverse=True)  # fmt: skip

    def redact(text: str) -> str:
        for name, value in secrets:
            if name:
                text = text.replace(f"{name}={value}", f"{name}={REDACTED}")
            if len(value) >= _SHORTEST_REDACTED_ANYWHERE:
                text = text.replace(value, REDACTED)
        return text

    return redact


@dataclass(frozen=True, slots=True)
class _FinalTree:
    files: dict[str, int]  # relative path -> visible bytes, every non-directory
    directories: dict[str, int]  # "/usr", "/usr/lib" (the top DIRECTORY_DEPTH levels) -> visible bytes below


def _final_tree(image: Image) -> _FinalTree:
    """The final filesystem, with the stacking the analysis uses (whiteouts, opaque directories, hard
    links counted once). Directory sums go by path index, one lookup per directory, not per file."""
    paths = image.paths
    stack = LayerStack(paths)
    for layer in image.layers:
        stack.apply(layer.entries)
    parents, path_of = paths.parents, paths.path
    files: dict[str, int] = {}
    by_parent: dict[int, int] = {}  # directory index -> visible bytes directly in it
    for index, size, _layer, _code in stack.visible():
        files[path_of(index)] = size
        if size:
            parent = parents[index]
            by_parent[parent] = by_parent.get(parent, 0) + size
    directories: dict[str, int] = {}
    for directory, size in by_parent.items():
        chain = []  # the directory and its ancestors, innermost first, root excluded
        while directory > 0:
            chain.append(directory)
            directory = parents[directory]
        for ancestor in chain[-DIRECTORY_DEPTH:]:
            key = "/" + path_of(ancestor)
            directories[key] = directories.get(key, 0) + size
    return _FinalTree(files, directories)


def _file_changes(before: dict[str, int], after: dict[str, int]) -> tuple[list[FileChange], dict[str, FileTotals]]:
    changes: list[FileChange] = []
    counts: Counter[str] = Counter()
    sums: Counter[str] = Counter()

    def note(change: FileChange) -> None:
        changes.append(change)
        counts[change.kind] += 1
        sums[change.kind] += change.delta

    for path, size in after.items():
        old = before.get(path)
        if old is None:
            note(FileChange("/" + path, "added", None, size))
        elif size != old:
            note(FileChange("/" + path, "grown" if size > old else "shrunk", old, size))
    for path, size in before.items():
        if path not in after:
            note(FileChange("/" + path, "removed", size, None))
    return changes, {kind: FileTotals(counts[kind], sums[kind]) for kind in FILE_CHANGE_KINDS}


def _directories(before: dict[str, int], after: dict[str, int]) -> tuple[DirectoryChange, ...]:
    rows = [DirectoryChange(path, before.get(path, 0), after.get(path, 0)) for path in before.keys() | after.keys()]
    rows = [row for row in rows if row.delta]
    growing = sorted((row for row in rows if row.delta > 0), key=lambda row: (-row.delta, row.path))[:TOP_DIRECTORIES]
    shrinking = sorted((row for row in rows if row.delta < 0), key=lambda row: (row.delta, row.path))
    return tuple(growing + shrinking[: TOP_DIRECTORIES - len(growing)])


def _layer_refs(analysis: Analysis, redact: Callable[[str], str]) -> list[LayerRef]:
    return [LayerRef(row.index, row.digest, row.size, redact(row.command)) for row in _layer_rows(analysis)]


def _layer_rows(analysis: Analysis) -> list[LayerRow]:
    return [row for row in analysis.layers if not row.empty and row.index is not None]


def _layers_by_digest(first: list[LayerRef], second: list[LayerRef]) -> tuple[tuple[LayerRef, ...], ...]:
    available = Counter(layer.digest for layer in first if layer.digest)
    shared, added = [], []
    for layer in second:
        if layer.digest and available[layer.digest] > 0:
            available[layer.digest] -= 1
            shared.append(layer)
        else:
            added.append(layer)
    wanted = Counter(layer.digest for layer in second if layer.digest)
    removed = []
    for layer in first:
        if layer.digest and wanted[layer.digest] > 0:
            wanted[layer.digest] -= 1
        else:
            removed.append(layer)
    return tuple(shared), tuple(added), tuple(removed)


def _step_key(row: LayerRow) -> str:
    """What makes two recorded steps the same build step: the command, whitespace aside."""
    return " ".join(row.command.split())


def _changed_steps(before: Analysis, after: Analysis, redact) -> tuple[StepChange, ...]:
    first, second = _layer_rows(before), _layer_rows(after)
    keys_a, keys_b = [_step_key(row) for row in first], [_step_key(row) for row in second]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    steps = []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            old, new = first[block.a + offset], second[block.b + offset]
            if not keys_a[block.a + offset]:
                continue  # nothing recorded: no step to name
            if old.digest is not None and old.digest == new.digest:
                continue
            command = redact(old.command)
            steps.append(StepChange(command, LayerRef(old.index, old.digest, old.size, command),  # type: ignore[arg-type]
                                    LayerRef(new.index, new.digest, new.size, command)))  # type: ignore[arg-type]  # fmt: skip
    return tuple(steps)


# --- config ----------------------------------------------------------------------------------------


def _env(config: dict) -> dict[str, str]:
    pairs = (str(item).partition("=") for item in config.get("Env") or [])
    return {name: value for name, _, value in pairs}


def _json(value) -> str | None:
    return None if value in (None, []) else json.dumps(value, ensure_ascii=False)


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def _config_changes(before: dict, after: dict, redact: Callable[[str], str]) -> Iterable[ConfigChange]:
    yield from _mapping_changes("ENV", _env(before), _env(after), redact)
    for setting, key, shown in (("ENTRYPOINT", "Entrypoint", _json), ("CMD", "Cmd", _json),
                                ("USER", "User", _text), ("WORKDIR", "WorkingDir", _text)):  # fmt: skip
        old, new = shown(before.get(key)), shown(after.get(key))
        if old != new:
            yield ConfigChange(setting, None, None if old is None else redact(old), None if new is None else redact(new))
    labels_before, labels_after = before.get("Labels") or {}, after.get("Labels") or {}
    yield from _mapping_changes("LABEL", {str(k): str(v) for k, v in labels_before.items()},
                                {str(k): str(v) for k, v in labels_after.items()}, redact)  # fmt: skip
    ports_before, ports_after = set(before.get("ExposedPorts") or {}), set(after.get("ExposedPorts") or {})
    for port in sorted(ports_before ^ ports_after, key=_port_order):
        yield ConfigChange("EXPOSE", port, port if port in ports_before else None, port if port in ports_after else None)


def _mapping_changes(setting: str, before: dict[str, str], after: dict[str, str], redact) -> Iterable[ConfigChange]:
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old != new:
            yield ConfigChange(setting, key, None if old is None else redact(f"{key}={old}").partition("=")[2],
                               None if new is None else redact(f"{key}={new}").partition("=")[2])  # fmt: skip


def _port_order(port: str) -> tuple[int, str]:
    number, _, protocol = port.partition("/")
    return (int(number) if number.isdigit() else 0, protocol)

