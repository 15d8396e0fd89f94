"""Hostile lint-side inputs (issue #15), built on demand in a folder, and a runner that measures
one ``python -m imagelint`` child: tests/cli/test_hostile_lint_inputs.py asserts on them,
bench/hostile_inputs.py prints their figures (before/after with ``python_path``).

Nothing large is committed: every case is written when it runs (the 10 MB line too).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE = "FROM alpine:3.20\n"


@dataclass
class Outcome:
    code: int  # -9 when it was killed at the cap
    stdout: str
    stderr: str
    wall: float
    cpu: float  # user + system seconds of the imagelint process
    peak_mb: float  # its largest resident set
    killed: bool = False

    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_measured(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    env: dict | None = None,
    cap: float = 120,
    python_path: str | None = None,
    memory_limit_mb: int | None = None,
) -> Outcome:
    """``python -m imagelint ARGS`` in ``cwd``, measured with ``os.wait4`` (its own rusage, what
    ``/usr/bin/time -v`` shows); killed after ``cap`` seconds. ``stdin``: a file (``/dev/zero``)
    to read from; ``python_path``: run the imagelint found there (another checkout, for before
    figures); ``memory_limit_mb``: its address-space limit, so a runaway case cannot take the machine."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    if python_path:
        environment["PYTHONPATH"] = python_path

    def limit() -> None:
        if memory_limit_mb is not None:
            size = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        source = open(stdin, "rb") if stdin else subprocess.DEVNULL  # noqa: SIM115 - closed below
        try:
            started = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", "imagelint", *args], cwd=cwd, stdin=source, stdout=out, stderr=err,
                env=environment, preexec_fn=limit if memory_limit_mb is not None else None,
            )  # fmt: skip
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                process.kill()

            timer = threading.Timer(cap, kill)
            timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            timer.cancel()
            wall = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin:
                source.close()
        out.seek(0)
        err.seek(0)
        return Outcome(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # kilobytes on Linux
            killed.is_set(),
        )


# --- the inputs ----------------------------------------------------------------------------------------


def chain_of_stages(count: int) -> str:
    return "FROM alpine:3.20 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\nRUN echo {i}\n" for i in range(1, count))


def busy_chain_of_stages(count: int) -> str:
    """Every stage declares, copies, installs, cleans up in a later layer and changes user."""
    stages = ["FROM debian:12 AS s0\n"]
    for i in range(1, count):
        stages.append(
            f"FROM s{i - 1} AS s{i}\nARG V{i}=x\nENV E{i}=$V{i}\nWORKDIR /w{i}\nCOPY f{i} ./\n"
            f"RUN apt-get update && apt-get install -y p{i} && chmod 600 f{i}\nUSER u{i}\nRUN rm -rf /var/lib/apt/lists\n"
        )
    return "".join(stages)


def stages_from_one_stage(chain: int, children: int) -> str:
    head = ["FROM debian:12 AS s0\n"] + [f"FROM s{i - 1} AS s{i}\nRUN echo {i}\n" for i in range(1, chain)]
    return "".join(head + [f"FROM s{chain - 1} AS t{i}\nRUN echo {i}\n" for i in range(children)])


def context_with_dockerignore(folder: Path, ignore: str) -> None:
    """A context 25 folders deep (a path a pattern can nearly match) with 20 files on top."""
    deep = folder.joinpath(*["a"] * 25)
    deep.mkdir(parents=True, exist_ok=True)
    (deep / "file.txt").write_text("x")
    for i in range(20):
        (folder / f"f{i}.txt").write_text("x")
    (folder / ".dockerignore").write_text(ignore)


DOCKERIGNORES = {
    "30-chained-double-stars": "**/" * 30 + "x\n",
    "a-run-of-40-stars": "a" + "*" * 40 + "b\n",
    "stars-between-letters": "*a" * 30 + "\n" + "a/" * 12 + "**/*z*z*z*z*z*z\n",
    "100000-patterns": "".join(f"pattern{i}/*.log\n" for i in range(100_000)),
    "100000-alternating-exceptions": "".join("f1.txt\n" if i % 2 == 0 else "!f1.txt\n" for i in range(100_000)),
}
DOCKERIGNORE_COPIES = BASE + "COPY . /app\nCOPY a/ /b/\nCOPY f1.txt /c/\n"


def context_with_link_loops(folder: Path) -> str:
    """Four links back to their own folder (4^14 paths for 14 wildcards) and one up to the
    context's root; ``.dockerignore`` excludes them, so IL3004 looks at what the wildcards name."""
    source = folder / "src"
    source.mkdir()
    for i in range(4):
        (source / f"loop{i}").symlink_to(".")
    (source / "up").symlink_to("..")
    (source / "f.txt").write_text("x")
    (folder / ".dockerignore").write_text("src\n")
    wildcards = "/".join(["*"] * 14)
    return BASE + f"COPY src/{wildcards}.txt /x/\nCOPY src/**/*.txt /y/\n"


HEREDOCS = {
    "10000-heredoc-runs": BASE + "".join(f"RUN <<EOF\necho {i}\nEOF\n" for i in range(10_000)),
    "one-run-10000-heredocs": BASE + "RUN " + " ".join("<<EOF" for _ in range(10_000)) + "\n" + "echo x\nEOF\n" * 10_000,
    "10000-unterminated-heredocs": BASE + "RUN <<EOF\n" * 10_000,
    "heredoc-line-of-300000-quoted-words": BASE + "RUN <<EOF echo " + "'a'" * 300_000 + "\nhi\nEOF\n",
}


def ten_mb_shell_line() -> str:
    command = "echo hello && "
    return BASE + "RUN " + command * ((9_900_000 - len(BASE)) // len(command)) + "true\n"


def doubling_args(count: int = 40) -> str:
    args = "ARG A0=x\n" + "".join(f"ARG A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, count))
    return BASE + args + f"ENV BIG=${{A{count - 1}}}${{A{count - 1}}}\nRUN echo $A{count - 1}\n"


def billion_laughs(key: str) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join([*lines, f"{key}: *l9"]) + "\n"


NESTED = {
    "command-substitutions": BASE + "RUN " + "echo $( " * 20_000 + ")" * 20_000 + "\n",
    "subshells": BASE + "RUN " + "( " * 20_000 + "true" + " )" * 20_000 + "\n",
    "if-blocks": BASE + "RUN " + "if true; then " * 5_000 + "true" + "; fi" * 5_000 + "\n",
    "quoted-substitutions": BASE + "RUN echo " + '"$(echo ' * 5_000 + ')"' * 5_000 + "\n",
    "json-arrays": BASE + "CMD " + "[" * 20_000 + "]" * 20_000 + "\n",
    "heredoc-line-variables": BASE + "RUN <<EOF echo " + "${B:-" * 20_000 + "x" + "}" * 20_000 + "\nhi\nEOF\n",
    "arg-variables": BASE + "ARG A=" + "${B:-" * 5_000 + "x" + "}" * 5_000 + "\nRUN echo $A\n",
}


@dataclass(frozen=True)
class LintCase:
    """One input: ``build(folder)`` writes its files and returns imagelint's arguments."""

    name: str
    build: Callable[[Path], list[str]]
    stdin: str | None = None
    env: dict = field(default_factory=dict)


def _dockerfile(text: str, *more: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / "Dockerfile").write_text(text, encoding="utf-8")
        return ["lint", "Dockerfile", "-f", "json", "-o", "report.json", "--fail-on", "never", *more]

    return build


def _with_context(prepare: Callable[[Path], str | None], text: str | None = None) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        written = prepare(folder)
        return _dockerfile(written if written is not None else text or BASE)(folder)

    return build


def _file_and_lint(name: str, content: bytes, *args: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(content)
        (folder / "Dockerfile").write_text(BASE)
        return list(args) or ["lint", "Dockerfile"]

    return build


def _non_utf8_names(folder: Path) -> list[str]:
    path = os.fsencode(folder) + b"/svc-\xff"
    os.mkdir(path)
    with open(path + b"/Dockerfile", "w") as handle:
        handle.write(BASE + "RUN apt-get install curl\n")
    return ["lint", ".", "-f", "sarif", "-o", "report.sarif", "--fail-on", "never"]


CASES: list[LintCase] = [
    LintCase("stages: chain of 1,000", _dockerfile(chain_of_stages(1000))),
    LintCase("stages: chain of 5,000", _dockerfile(chain_of_stages(5000))),
    LintCase("stages: busy chain of 2,000", _dockerfile(busy_chain_of_stages(2000))),
    LintCase("stages: 2,000 built from a 2,000 chain", _dockerfile(stages_from_one_stage(2000, 2000))),
    *(
        LintCase(f"dockerignore: {name}", _with_context(lambda f, i=ignore: context_with_dockerignore(f, i), DOCKERIGNORE_COPIES))
        for name, ignore in DOCKERIGNORES.items()
    ),
    LintCase("context: symlink loops, glob COPY", _with_context(context_with_link_loops)),
    *(LintCase(f"heredocs: {name}", _dockerfile(text)) for name, text in HEREDOCS.items()),
    LintCase("shell: 10 MB line of commands", _dockerfile(ten_mb_shell_line())),
    LintCase("variables: 40 doubling ARGs", _dockerfile(doubling_args())),
    LintCase("stdin: /dev/zero", lambda folder: ["lint", "-"], stdin="/dev/zero"),
    LintCase("stdin: /dev/urandom", lambda folder: ["lint", "-"], stdin="/dev/urandom"),
    LintCase("config: .hadolint.yaml billion laughs", _file_and_lint(".hadolint.yaml", billion_laughs("ignored").encode())),
    LintCase("config: .imagelint.toml not UTF-8", _file_and_lint(".imagelint.toml", b'[rules]\nx = "\xff"\n', "lint", "Dockerfile", "--config", ".imagelint.toml")),
    LintCase("config: .imagelint.toml nested 5,000 deep", _file_and_lint(".imagelint.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "lint", "Dockerfile", "--config", ".imagelint.toml")),
    LintCase("config: .dive-ci not UTF-8", _file_and_lint(".dive-ci", b"rules:\n  lowestEfficiency: \xff\n", "analyze", "docker-archive:image.tar", "--dive-ci", ".dive-ci")),
    LintCase("names: not UTF-8, --format sarif", _non_utf8_names),
    *(LintCase(f"nesting: {name}", _dockerfile(text)) for name, text in NESTED.items()),
]  # fmt: skip
