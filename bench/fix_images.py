"""Benchmark: what ``imagelint fix`` saves on real builds (prints figures; not a test).

    python bench/fix_images.py [--cases ../shared/reference/dive-cases] [--rounds 3] [--markdown] [--keep]

For each reference case c1..c8 (c8 gets a 200,000-byte ``payload.bin`` beside its Dockerfile), in a
temporary copy of its folder:

1. ``docker build --network=none`` from ``busybox:local`` with the classic builder;
2. ``imagelint fix --image IMAGE --unsafe --write Dockerfile`` with ``IL9001`` ``min-bytes = 1`` (the
   cases hide 100 kB to 1 MB; the default threshold is 1 MB);
3. build again; while the fixed Dockerfile still changes (fixes that overlapped wait for the
   rebuilt image), fix and build again, up to ``--rounds`` fixes;

and prints the image size (file bytes of every layer) and the wasted (hidden) bytes before and after,
as ``imagelint analyze`` computes them, and the number of fix rounds that changed the file.

Then a generated build context: a small ``app.txt`` the Dockerfile copies, a ``.git`` folder and a
big file it never copies. ``imagelint fix --dockerignore --write`` writes the ``.dockerignore``; the
row gives the bytes of the files the context sends before and after (``imagelint.buildcontext``) and
what the classic builder printed ("Sending build context to Docker daemon").

Images are tagged ``imagelint-bench/fix-<case>:before``/``:after`` and removed at the end unless
``--keep``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from imagelint.analyze import run_analyze  # noqa: E402
from imagelint.buildcontext import BuildContext  # noqa: E402
from imagelint.settings import Settings  # noqa: E402
from imagelint.units import format_size  # noqa: E402

CASES = ("c1-delete", "c2-overwrite", "c3-chmod", "c4-rmdir", "c5-opaque", "c6-basechmod", "c7-mixed", "c8-duplayer")
CONFIG = "[rules.IL9001]\nmin-bytes = 1\n"
GIT_BYTES = 3_000_000
BIG_FILE_BYTES = 20_000_000
SENDING = re.compile(r"Sending build context to Docker daemon\s+(\S+)")


def imagelint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def build(folder: Path, tag: str) -> str:
    """Build with the classic builder, no network; returns its output."""
    result = subprocess.run(
        ["docker", "build", "--network=none", "-t", tag, "."],
        cwd=folder, capture_output=True, text=True, env={**os.environ, "DOCKER_BUILDKIT": "0"}, timeout=600,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"docker build of {folder} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def measure(tag: str) -> tuple[int, int]:
    analysis = run_analyze(tag, Settings()).image.analysis  # type: ignore[union-attr]
    return analysis.size, analysis.wasted_bytes


def fix_case(case: str, cases: Path, work: Path, rounds: int) -> dict:
    folder = work / case
    shutil.copytree(cases / case, folder)
    if case == "c8-duplayer":
        (folder / "payload.bin").write_bytes(os.urandom(200_000))
    (folder / ".imagelint.toml").write_text(CONFIG)
    before_tag = f"imagelint-bench/fix-{case}:before"
    after_tag = f"imagelint-bench/fix-{case}:after"
    build(folder, before_tag)
    size_before, wasted_before = measure(before_tag)
    tag, changed = before_tag, 0
    for _ in range(rounds):
        text = (folder / "Dockerfile").read_text()
        result = imagelint("fix", "--image", tag, "--unsafe", "--write", "Dockerfile", cwd=folder)
        if result.returncode != 0:
            raise SystemExit(f"imagelint fix on {case} failed ({result.returncode}):\n{result.stderr}")
        if (folder / "Dockerfile").read_text() == text:
            break
        changed += 1
        build(folder, after_tag)
        tag = after_tag
    if tag == before_tag:  # nothing fixed: the "after" image is the same build
        build(folder, after_tag)
    size_after, wasted_after = measure(after_tag)
    return {
        "case": case, "size_before": size_before, "size_after": size_after, "wasted_before": wasted_before,
        "wasted_after": wasted_after, "rounds": changed, "dockerfile": (folder / "Dockerfile").read_text(),
    }  # fmt: skip


def context_case(work: Path) -> dict:
    folder = work / "context"
    (folder / ".git" / "objects" / "pack").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / ".git" / "objects" / "pack" / "pack-1.pack").write_bytes(os.urandom(GIT_BYTES))
    (folder / "dataset.bin").write_bytes(os.urandom(BIG_FILE_BYTES))
    (folder / "app.txt").write_text("hello\n")
    (folder / "Dockerfile").write_text('FROM busybox:local\nCOPY app.txt /app.txt\nCMD ["cat", "/app.txt"]\n')
    sent_before = SENDING.search(build(folder, "imagelint-bench/fix-context:before"))
    bytes_before, _ = BuildContext(folder, folder / "Dockerfile").measure("")
    result = imagelint("fix", "--dockerignore", "--write", "Dockerfile", cwd=folder)
    if result.returncode != 0:
        raise SystemExit(f"imagelint fix --dockerignore failed:\n{result.stderr}")
    sent_after = SENDING.search(build(folder, "imagelint-bench/fix-context:after"))
    bytes_after, _ = BuildContext(folder, folder / "Dockerfile").measure("")
    return {
        "bytes_before": bytes_before, "bytes_after": bytes_after,
        "sent_before": sent_before.group(1) if sent_before else "?", "sent_after": sent_after.group(1) if sent_after else "?",
        "dockerignore": (folder / ".dockerignore").read_text(),
    }  # fmt: skip


def table(rows: list[dict], context: dict) -> str:
    lines = [
        "| case | image size before | after | wasted bytes before | after | saved | fix rounds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        saved = row["size_before"] - row["size_after"]
        lines.append(
            f"| {row['case']} | {row['size_before']:,} | {row['size_after']:,} | {row['wasted_before']:,} | "
            f"{row['wasted_after']:,} | {saved:,} | {row['rounds']} |"
        )
    saved = context["bytes_before"] - context["bytes_after"]
    lines += [
        "",
        "| build context | files sent before | after | saved | docker build printed before | after |",
        "|---|---:|---:|---:|---:|---:|",
        f"| `.git` ({GIT_BYTES:,} B) + `dataset.bin` ({BIG_FILE_BYTES:,} B), `fix --dockerignore` | "
        f"{context['bytes_before']:,} | {context['bytes_after']:,} | {saved:,} | {context['sent_before']} | {context['sent_after']} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, default=REPO_ROOT.parent / "shared" / "reference" / "dive-cases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="also print the Dockerfiles as fixed")
    parser.add_argument("--keep", action="store_true", help="keep the images")
    args = parser.parse_args()
    if not args.cases.is_dir():
        raise SystemExit(f"{args.cases}: no reference cases there")
    started = datetime.now(timezone.utc)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="imagelint-fix-bench-") as temporary:
        work = Path(temporary)
        try:
            for case in CASES:
                rows.append(fix_case(case, args.cases, work, args.rounds))
                row = rows[-1]
                print(f"{case}: size {format_size(row['size_before'])} -> {format_size(row['size_after'])}, "
                      f"wasted {row['wasted_before']:,} -> {row['wasted_after']:,}", file=sys.stderr)  # fmt: skip
            context = context_case(work)
        finally:
            if not args.keep:
                tags = [f"imagelint-bench/fix-{c}:{s}" for c in (*CASES, "context") for s in ("before", "after")]
                subprocess.run(["docker", "rmi", "-f", *tags], capture_output=True)
    print(f"{platform.node()}: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{started:%Y-%m-%d %H:%M} UTC, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print()
    print(table(rows, context))
    if args.markdown:
        for row in rows:
            print(f"\n{row['case']}, fixed:\n```dockerfile\n{row['dockerfile']}```")
        print(f"\n.dockerignore written:\n```\n{context['dockerignore']}```")


if __name__ == "__main__":
    main()
