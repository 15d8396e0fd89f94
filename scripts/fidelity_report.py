"""Fidelity of imagelint's Dockerfile model against BuildKit's own parser, over the shared corpus.

The oracle is the PyPI package ``dockerfile`` (a test dependency), which wraps BuildKit's Go parser
(BuildKit v0.12.5 in dockerfile 3.4.0). For every corpus Dockerfile that BuildKit accepts, each
instruction must agree on: name, first and last line, flags, heredoc names (so their number too) and
whether the arguments are in exec (JSON) form. Files BuildKit rejects are counted separately, with how
many of them imagelint reports a parse problem for.

    python scripts/fidelity_report.py [CORPUS_FILES_DIR] [--all]

tests/model/test_fidelity.py imports this file for the same comparison, so keep its functions importable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dockerfile as oracle

from imagelint.dockerfile import Dockerfile, DockerfileInputError, parse_bytes

REPO_ROOT = Path(__file__).resolve().parents[1]
# The corpus listing is shared with the other scripts (scripts/corpus.py); this file is also
# loaded by path from the tests, so its folder is put on the import path explicitly.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS_FILES, corpus_dockerfiles  # noqa: E402

# One comparable item per instruction:
# (INSTRUCTION, line, end_line, flags, heredoc names, exec form).
Item = tuple[str, int, int, tuple[str, ...], tuple[str, ...], bool | None]


def model_items(model: Dockerfile) -> list[Item]:
    items = []
    for ins in model.instructions:
        if ins.keyword == "ONBUILD":
            # The oracle reports the ONBUILD node's own flags (``ONBUILD --x RUN y`` -> ['--x']) but
            # the exec form and heredocs of its trigger node, and BuildKit never fills that node's
            # heredocs: it attaches them to the ONBUILD node. Their bodies still count in end_line.
            heredocs: tuple[str, ...] = ()
            exec_form: bool | None = ins.trigger is not None and ins.trigger.is_exec_form
        else:
            heredocs = tuple(h.name for h in ins.heredocs)
            exec_form = ins.is_exec_form
        if ins.keyword == "HEALTHCHECK":
            exec_form = None  # BuildKit's flag is about the CMD after the type word; the model keeps it unsplit
        items.append((ins.keyword, ins.line, ins.end_line, tuple(ins.flags), heredocs, exec_form))
    return items


def oracle_items(commands: tuple[oracle.Command, ...]) -> list[Item]:
    return [
        (
            (c.cmd or "").upper(),  # a lone continuation line at the end gives a node without a name
            c.start_line,
            c.end_line,
            tuple(c.flags),
            tuple(h.name for h in c.heredocs),
            None if (c.cmd or "").upper() == "HEALTHCHECK" else bool(c.json),
        )
        for c in commands
    ]


@dataclass
class FileResult:
    path: Path
    accepted: bool  # by BuildKit
    oracle_error: str = ""
    model_problems: int = 0
    model_error: str = ""  # imagelint refused or crashed
    difference: str = ""  # first differing item, empty when they agree

    @property
    def agrees(self) -> bool:
        return self.accepted and not self.difference and not self.model_error


def first_difference(ours: list[Item], theirs: list[Item]) -> str:
    for index, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"item {index}: imagelint {a} != BuildKit {b}"
    if len(ours) != len(theirs):
        index = min(len(ours), len(theirs))
        extra = ours[index] if len(ours) > index else theirs[index]
        return f"imagelint has {len(ours)} instructions, BuildKit {len(theirs)}; first unmatched: {extra}"
    return ""


def compare_file(path: Path) -> FileResult:
    data = path.read_bytes()
    try:
        model = parse_bytes(data, str(path))
    except DockerfileInputError as err:
        model, model_error = None, f"refused: {err}"
    except Exception as err:  # noqa: BLE001 - a crash is exactly what this report must show
        model, model_error = None, f"crashed: {type(err).__name__}: {err}"
    else:
        model_error = ""
    try:
        commands = oracle.parse_file(str(path))
    except (oracle.GoParseError, UnicodeDecodeError) as err:  # the wrapper cannot return non-UTF-8 text
        result = FileResult(path, accepted=False, oracle_error=str(err).splitlines()[0] if str(err) else "")
    else:
        result = FileResult(path, accepted=True)
        if model is not None:
            result.difference = first_difference(model_items(model), oracle_items(commands))
    result.model_error = model_error
    result.model_problems = len(model.problems) if model is not None else 0
    return result


def compare_corpus(files_dir: Path = CORPUS_FILES) -> Iterator[FileResult]:
    for path in corpus_dockerfiles(files_dir):
        yield compare_file(path)


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    args = [a for a in argv if a != "--all"]
    files_dir = Path(args[0]) if args else CORPUS_FILES
    if not files_dir.is_dir():
        print(f"no corpus at {files_dir}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = list(compare_corpus(files_dir))
    elapsed = time.perf_counter() - started
    accepted = [r for r in results if r.accepted]
    agreeing = [r for r in accepted if r.agrees]
    disagreeing = [r for r in accepted if not r.agrees]
    rejected = [r for r in results if not r.accepted]
    crashed = [r for r in results if r.model_error.startswith("crashed")]

    def rel(path: Path) -> str:
        return str(path.relative_to(files_dir))

    print(f"files:                  {len(results)}  ({elapsed:.1f}s)")
    print(f"accepted by BuildKit:   {len(accepted)}")
    print(f"  agreeing:             {len(agreeing)}")
    print(f"  disagreeing:          {len(disagreeing)}")
    print(f"rejected by BuildKit:   {len(rejected)}")
    print(f"  imagelint reports a parse problem: {sum(1 for r in rejected if r.model_problems)}")
    print(f"imagelint crashes:      {len(crashed)}")
    if disagreeing:
        print("\ndisagreements:")
        for r in disagreeing if show_all else disagreeing[:50]:
            print(f"  {rel(r.path)}: {r.model_error or r.difference}")
        if not show_all and len(disagreeing) > 50:
            print(f"  ... {len(disagreeing) - 50} more (--all)")
    if rejected:
        print("\nrejected by BuildKit (imagelint problems in brackets):")
        for r in rejected:
            print(f"  {rel(r.path)}: {r.oracle_error} [{r.model_problems}]{' ' + r.model_error if r.model_error else ''}")
    for r in crashed:
        print(f"CRASH {rel(r.path)}: {r.model_error}")
    return 0 if not disagreeing and not crashed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
