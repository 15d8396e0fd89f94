"""``imagelint fix`` proven on the real engine: build from busybox:local, fix, build again, and measure
with imagelint's own analysis that the image still runs its command and lost exactly the bytes the
Dockerfile wasted (numbers derived from what each test writes: dd writes zeros, ``bs=1000``).

Every build uses the classic builder with no network. The base's bytes cancel out: only differences
of image size and wasted bytes are asserted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from imagelint.analyze import run_analyze
from imagelint.buildcontext import BuildContext
from imagelint.image.analysis import Analysis
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.cli import no_traceback, run

pytestmark = pytest.mark.docker
TEST_IMAGE_REPO = "imagelint-test"  # as tests/conftest.py tags its images


@pytest.fixture
def build_folder(docker_client, busybox_base):
    """``build_folder(folder) -> tag``: ``docker build --network=none`` of a folder as it is on disk
    (its .dockerignore included); the tags are removed at the end of the test."""
    import docker

    tags: list[str] = []

    def build(folder: Path) -> str:
        tag = f"{TEST_IMAGE_REPO}/fix-{uuid.uuid4().hex[:12]}:latest"
        try:
            docker_client.images.build(path=str(folder), tag=tag, network_mode="none", rm=True, forcerm=True, pull=False)
        except docker.errors.BuildError as exc:
            output = "".join(str(chunk.get("stream") or chunk.get("error") or "") for chunk in exc.build_log)
            pytest.fail(f"docker build of {folder} failed: {exc.msg}\n{output}", pytrace=False)
        tags.append(tag)
        return tag

    yield build
    for tag in tags:
        try:
            docker_client.images.remove(tag, force=True)
        except docker.errors.APIError:
            pass


# IL9001 reports from 1 MB; these cases hide less.
ANY_HIDDEN_BYTES = {".imagelint.toml": "[rules.IL9001]\nmin-bytes = 1\n"}


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return folder


def analysis(tag: str) -> Analysis:
    report = run_analyze(tag, Settings())
    assert report.image is not None
    return report.image.analysis


def output_of(docker_client, tag: str) -> bytes:
    """What ``docker run --rm --network=none IMAGE`` prints."""
    return docker_client.containers.run(tag, remove=True, network_mode="none")


def fix(folder: Path, *args: str) -> str:
    """``imagelint fix ARGS --write Dockerfile`` in the folder; returns the fixed Dockerfile."""
    before = (folder / "Dockerfile").read_text()
    result = run("fix", *args, "--write", "Dockerfile", cwd=folder)
    no_traceback(result)
    assert result.returncode == 0, result.stderr.decode()
    after = (folder / "Dockerfile").read_text()
    assert after != before, f"nothing was fixed: {result.stderr.decode()}"
    return after


def rebuild_after_fix(docker_client, build_folder, folder: Path, *fix_args: str) -> tuple[Analysis, Analysis, str]:
    """Build, fix with ``fix_args``, build again; the image prints the same before and after."""
    before_tag = build_folder(folder)
    before = analysis(before_tag)
    printed = output_of(docker_client, before_tag)
    fixed = fix(folder, *[a.replace("{image}", before_tag) for a in fix_args])
    after_tag = build_folder(folder)
    assert output_of(docker_client, after_tag) == printed
    return before, analysis(after_tag), fixed


def test_files_deleted_by_a_later_run_are_deleted_where_written(docker_client, build_folder, tmp_path):
    # Line 2 writes 1,000,000 bytes that line 3 deletes: all wasted. Fixed, line 2 deletes them
    # itself, line 3 is gone: nothing wasted, 1,000,000 bytes smaller.
    folder = write(tmp_path, {"Dockerfile": (
        "FROM busybox:local\n"
        "RUN mkdir -p /data && dd if=/dev/zero of=/data/big.bin bs=1000 count=1000 && echo kept > /data/note\n"
        "RUN rm /data/big.bin\n"
        'CMD ["sh", "-c", "ls /data && cat /data/note"]\n'
    )})  # fmt: skip
    before, after, fixed = rebuild_after_fix(docker_client, build_folder, folder, "--image", "{image}", "--unsafe", "--select", "image")
    assert before.wasted_bytes == 1_000_000 and after.wasted_bytes == 0
    assert before.size - after.size == 1_000_000
    assert "&& rm -rf /data/big.bin\n" in fixed and "RUN rm /data/big.bin" not in fixed
    assert output_of(docker_client, build_folder(folder)) == b"note\nkept\n"


def test_without_unsafe_the_deletion_is_not_moved(build_folder, tmp_path):
    folder = write(tmp_path, {"Dockerfile": "FROM busybox:local\nRUN dd if=/dev/zero of=/big bs=1000 count=1000\nRUN rm /big\n"})
    tag = build_folder(folder)
    result = run("fix", "--image", tag, "--select", "image", "Dockerfile", cwd=folder)
    no_traceback(result)
    assert result.returncode == 0 and result.stdout == b""
    assert "nothing to fix; 1 more with --unsafe" in result.stderr.decode()


def test_deletion_among_other_commands_and_a_recreated_folder(docker_client, build_folder, tmp_path):
    # Line 2 writes 400,000 + 100,000 bytes under /o; line 3 empties /o (an opaque directory) and writes
    # 50,000 new bytes there. The `rm -rf /o` moves up, the rest of line 3 stays.
    folder = write(tmp_path, {**ANY_HIDDEN_BYTES, "Dockerfile": (
        "FROM busybox:local\n"
        "RUN mkdir /o && dd if=/dev/zero of=/o/old1 bs=1000 count=400 && dd if=/dev/zero of=/o/old2 bs=1000 count=100\n"
        "RUN rm -rf /o \\\n"
        "    && mkdir /o && dd if=/dev/zero of=/o/new bs=1000 count=50\n"
        'CMD ["ls", "/o"]\n'
    )})  # fmt: skip
    before, after, fixed = rebuild_after_fix(docker_client, build_folder, folder, "--image", "{image}", "--unsafe", "--select", "image")
    assert (before.wasted_bytes, after.wasted_bytes) == (500_000, 0)
    assert before.size - after.size == 500_000
    assert "count=100 && rm -rf /o\nRUN mkdir /o && dd" in fixed


def test_a_replaced_file_merges_the_two_runs(docker_client, build_folder, tmp_path):
    # Line 2 writes 300,000 bytes, line 4 copies them up (chmod): the first copy is wasted. The chmod
    # cannot be separated from the file, so line 4 joins line 2 (across the LABEL).
    folder = write(tmp_path, {**ANY_HIDDEN_BYTES, "Dockerfile": (
        "FROM busybox:local\n"
        "RUN mkdir /app && dd if=/dev/zero of=/app/x.bin bs=1000 count=300\n"
        "LABEL purpose=chmod-test\n"
        "RUN chmod 600 /app/x.bin\n"
        'CMD ["stat", "-c", "%a %s", "/app/x.bin"]\n'
    )})  # fmt: skip
    before, after, fixed = rebuild_after_fix(docker_client, build_folder, folder, "--image", "{image}", "--unsafe", "--select", "image")
    assert (before.wasted_bytes, after.wasted_bytes) == (300_000, 0)
    assert before.size - after.size == 300_000
    assert fixed.count("RUN ") == 1 and "count=300 && chmod 600 /app/x.bin\n" in fixed


def test_package_lists_and_build_leftovers_are_cleaned_in_their_run(docker_client, build_folder, tmp_path):
    # One RUN leaves 50,000 bytes of (imitation) apt lists, a 30,000-byte .git folder it created and a
    # 20,000-byte file in /tmp. The lists are a safe fix, the rest needs --unsafe.
    text = (
        "FROM busybox:local\n"
        "RUN mkdir -p /var/lib/apt/lists /src/.git /tmp \\\n"
        "    && dd if=/dev/zero of=/var/lib/apt/lists/x_Packages bs=1000 count=50 \\\n"
        "    && dd if=/dev/zero of=/src/.git/pack bs=1000 count=30 \\\n"
        "    && dd if=/dev/zero of=/tmp/build.log bs=1000 count=20 \\\n"
        "    && echo built > /src/app\n"
        'CMD ["cat", "/src/app"]\n'
    )
    folder = write(tmp_path, {"Dockerfile": text})
    before, safe, fixed = rebuild_after_fix(docker_client, build_folder, folder, "--image", "{image}", "--select", "image")
    assert before.size - safe.size == 50_000
    assert fixed == text.replace("> /src/app\n", "> /src/app \\\n    && rm -rf /var/lib/apt/lists/*\n")
    _, unsafe, fixed = rebuild_after_fix(docker_client, build_folder, folder, "--image", "{image}", "--unsafe", "--select", "image")
    assert safe.size - unsafe.size == 30_000 + 20_000
    assert fixed.endswith("    && rm -rf /var/lib/apt/lists/* \\\n    && rm -rf /src/.git /tmp/build.log\nCMD [\"cat\", \"/src/app\"]\n")
    assert not [item for item in unsafe.leftovers if item.visible_bytes]


def test_copied_archive_removed_later_is_fixed_by_the_lint_rule_fix_image_cannot(docker_client, build_folder, tmp_path):
    """A COPY'd archive that a later RUN extracts and deletes still ships in the COPY layer. The gap:
    `fix --image` only moves deletions between RUNs, so it changes nothing here (IL9001 reports the
    COPY, without a fix). IL2004 (copied-archive-extracted-later) has a fix, ADD of the archive:
    `imagelint fix --unsafe` must remove the waste. Should IL2004/IL2005 lose their fixes, the test
    stops after checking that they still report it."""
    import io
    import tarfile

    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo("app/hello.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    archive_bytes = archive.getvalue()
    folder = write(tmp_path, {
        "app.tar": archive_bytes,
        "Dockerfile": (
            "FROM busybox:local\n"
            "COPY app.tar /tmp/app.tar\n"
            "RUN mkdir -p /opt && tar -xf /tmp/app.tar -C /opt && rm /tmp/app.tar\n"
            'CMD ["cat", "/opt/app/hello.txt"]\n'
        ),
    })  # fmt: skip
    text = (folder / "Dockerfile").read_text()
    tag = build_folder(folder)
    before = analysis(tag)
    assert before.wasted_bytes == len(archive_bytes)
    write(folder, ANY_HIDDEN_BYTES)
    result = run("fix", "--image", tag, "--unsafe", "--select", "image", "Dockerfile", cwd=folder)
    no_traceback(result)
    assert result.returncode == 0 and result.stdout == b"", result.stderr.decode()  # the gap
    assert "nothing to fix" in result.stderr.decode()
    analyzed = run("analyze", tag, "--dockerfile", "Dockerfile", "--select", "IL9001", "-f", "json", "--fail-on", "never", cwd=folder)
    (hidden,) = [f for f in json.loads(analyzed.stdout)["findings"] if f["rule"] == "IL9001"]
    assert (hidden["line"], hidden["fix"]) == (2, None)  # found at the COPY, which no image fix edits

    layer_rules = [registered_rules()[code] for code in ("IL2004", "IL2005")]
    lint = run("lint", "Dockerfile", "--select", "IL2004,IL2005", "--format", "json", cwd=folder)
    assert b'"IL2004"' in lint.stdout or b'"IL2005"' in lint.stdout  # reported, at the COPY's RUN
    if not any(rule.fixes for rule in layer_rules):
        return  # nothing fixes it yet: the finding above is all a user gets
    printed = output_of(docker_client, tag)
    result = run("fix", "--unsafe", "--write", "--select", "IL2004,IL2005", "Dockerfile", cwd=folder)
    assert result.returncode == 0, result.stderr.decode()
    assert (folder / "Dockerfile").read_text() != text
    after_tag = build_folder(folder)
    assert output_of(docker_client, after_tag) == printed
    after = analysis(after_tag)
    assert after.wasted_bytes == 0 and before.size - after.size >= len(archive_bytes)


def test_dockerignore_keeps_git_and_a_large_file_out_of_the_build_context(docker_client, build_folder, tmp_path):
    git_bytes, large_bytes = 700_000, 2_500_000
    folder = write(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".git/objects/pack/pack-1.pack": os.urandom(git_bytes),
        "dataset.bin": os.urandom(large_bytes),
        "app.txt": "hello\n",
        "Dockerfile": 'FROM busybox:local\nCOPY app.txt /app.txt\nCMD ["cat", "/app.txt"]\n',
    })  # fmt: skip
    git_total = git_bytes + len("ref: refs/heads/main\n")
    sent_before, files_before = context_bytes(folder), BuildContext(folder, folder / "Dockerfile").measure("")[0]
    printed_before = classic_builder_sent(folder)
    printed = output_of(docker_client, build_folder(folder))

    shown = run("fix", "--dockerignore", "Dockerfile", cwd=folder)
    no_traceback(shown)
    assert shown.returncode == 1, shown.stderr.decode()
    assert shown.stdout.decode() == ".git  (700 kB)\ndataset.bin  (2.5 MB)\n"
    assert not (folder / ".dockerignore").exists()
    written = run("fix", "--dockerignore", "--write", "Dockerfile", cwd=folder)
    assert written.returncode == 0, written.stderr.decode()
    assert (folder / ".dockerignore").read_text() == "# added by imagelint fix --dockerignore\n.git\ndataset.bin\n"

    sent_after, files_after = context_bytes(folder), BuildContext(folder, folder / "Dockerfile").measure("")[0]
    assert files_before - files_after == git_total + large_bytes - len((folder / ".dockerignore").read_bytes())
    assert sent_before - sent_after >= git_total + large_bytes  # the tar also loses their headers
    assert output_of(docker_client, build_folder(folder)) == printed  # what the image needs is still sent
    if printed_before is not None:  # the docker CLI is there: what the classic builder itself says
        printed_after = classic_builder_sent(folder)
        assert printed_after is not None and printed_before - printed_after >= (git_total + large_bytes) * 0.99


def context_bytes(folder: Path) -> int:
    """The bytes of the build context tar the Docker SDK sends for this folder (as images.build does)."""
    from docker import utils

    ignore = folder / ".dockerignore"
    exclude = None
    if ignore.exists():
        exclude = [line.strip() for line in ignore.read_text().splitlines() if line.strip() and not line.strip().startswith("#")]
    with utils.tar(str(folder), exclude=exclude, dockerfile=(None, None)) as context:
        context.seek(0, os.SEEK_END)
        return context.tell()


_UNITS = {"B": 1, "kB": 1000, "MB": 1000**2, "GB": 1000**3}


def classic_builder_sent(folder: Path) -> float | None:
    """"Sending build context to Docker daemon  2.5MB" from `docker build` with the classic builder, in
    bytes (3 significant digits); None when no docker CLI is installed."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    tag = f"{TEST_IMAGE_REPO}/fix-cli-{uuid.uuid4().hex[:12]}:latest"
    result = subprocess.run(
        [docker, "build", "--network=none", "-t", tag, "."],
        cwd=folder, capture_output=True, text=True, env={**os.environ, "DOCKER_BUILDKIT": "0"}, timeout=300,
    )  # fmt: skip
    subprocess.run([docker, "rmi", "-f", tag], capture_output=True)
    found = re.search(r"Sending build context to Docker daemon\s+([\d.]+)([kMG]?B)", result.stdout + result.stderr)
    assert result.returncode == 0 and found, result.stdout + result.stderr
    return float(found.group(1)) * _UNITS[found.group(2)]
