"""``imagelint fix --dockerignore``: the lines it would add (with the bytes each keeps out of the build
context), writing them without touching the rest of the file, and never excluding what a COPY needs."""

from __future__ import annotations

import os
import stat

import pytest

from imagelint.dockerignore_fix import HEADER, DockerignoreError, plan_dockerignore, write_dockerignore
from tests.support.cli import no_traceback, one_line_error, run


def context(tmp_path, files: dict[str, str | bytes], dockerfile: str = "FROM busybox:local\nCOPY app.py /app/\n"):
    for name, content in {"Dockerfile": dockerfile, "app.py": "print(1)\n", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return tmp_path


def test_shows_then_writes_then_nothing_left(tmp_path):
    context(tmp_path, {
        ".git/objects/pack/p.pack": b"x" * 4_200_000,
        ".git/HEAD": "ref: refs/heads/main\n",
        "web/node_modules/left-pad/index.js": "module.exports = 1\n",
        ".env": "DATABASE_URL=postgres://admin:hunter2@db/prod\n",
        "dump.sql": b"y" * 2_000_000,
        "notes.txt": "small files stay\n",
    })  # fmt: skip
    shown = run("fix", "--dockerignore", cwd=tmp_path)
    no_traceback(shown)
    assert shown.returncode == 1, shown.stderr.decode()
    assert shown.stdout.decode() == ".git  (4.2 MB)\nweb/node_modules  (19 B)\n.env  (46 B)\ndump.sql  (2.0 MB)\n"
    assert "would add 4 lines in a new .dockerignore, keeping 6.2 MB out of the build context" in shown.stderr.decode()
    assert not (tmp_path / ".dockerignore").exists()

    written = run("fix", "--dockerignore", "--write", "Dockerfile", cwd=tmp_path)
    assert written.returncode == 0, written.stderr.decode()
    assert written.stdout == b""
    assert (tmp_path / ".dockerignore").read_text() == f"{HEADER}\n.git\nweb/node_modules\n.env\ndump.sql\n"
    assert stat.S_IMODE((tmp_path / ".dockerignore").stat().st_mode) == 0o666 & ~_umask()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    again = run("fix", "--dockerignore", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == b"" and b"nothing to add" in again.stderr


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_existing_file_keeps_its_lines_comments_and_line_endings(tmp_path):
    existing = b"# build context\r\n*.log\r\n\r\n!keep.log"  # CRLF, no newline at the end
    context(tmp_path, {".dockerignore": existing, ".git/HEAD": "ref\n", ".venv/pyvenv.cfg": "home = /usr\n"})
    os.chmod(tmp_path / ".dockerignore", 0o600)
    result = run("fix", "--dockerignore", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / ".dockerignore").read_bytes() == existing + f"\r\n{HEADER}\r\n.git\r\n.venv\r\n".encode()
    assert stat.S_IMODE((tmp_path / ".dockerignore").stat().st_mode) == 0o600


def test_a_folder_name_found_in_several_places_is_one_line(tmp_path):
    context(tmp_path, {
        "a/__pycache__/m.pyc": "x", "b/c/__pycache__/n.pyc": "yy",
        "x/X.csproj": "", "x/bin/x.dll": "1", "y/Y.csproj": "", "y/bin/y.dll": "22", "src/bin/tool": "z",
    }, "FROM busybox:local\nCOPY . /app\n")  # fmt: skip
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    assert [(a.pattern, a.paths, a.bytes) for a in plan.additions] == [
        ("**/__pycache__", ("a/__pycache__", "b/c/__pycache__"), 3),
        # build output beside a .csproj; src/bin is not, so no **/bin
        ("x/bin", ("x/bin",), 1),
        ("y/bin", ("y/bin",), 2),
    ]


@pytest.mark.parametrize(
    ("dockerfile", "kept"),
    [
        ("COPY .env dump.sql /app/\n", [(".env", "COPY at line 2 takes .env")]),
        ("COPY *.sql /app/\nCOPY .git/HEAD /rev\n", [(".git", "COPY at line 3 takes .git/HEAD")]),
        ("RUN --mount=type=bind,source=dump.sql,target=/d.sql true\n", []),
    ],
)
def test_never_excludes_what_the_dockerfile_copies(tmp_path, dockerfile, kept):
    context(tmp_path, {".git/HEAD": "ref\n", ".env": "TOKEN=abc\n", "dump.sql": b"y" * 2_000_000},
            "FROM busybox:local\n" + dockerfile)  # fmt: skip
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    assert plan.kept == kept
    patterns = [a.pattern for a in plan.additions]
    assert "dump.sql" not in patterns  # copied, globbed or mounted by every variant: never a candidate
    shown = run("fix", "--dockerignore", cwd=tmp_path)
    for path, why in kept:
        assert f"imagelint: not excluding {path}: {why}\n" in shown.stderr.decode()


def test_a_whole_context_copy_takes_every_large_file_but_not_dev_folders(tmp_path):
    context(tmp_path, {".git/HEAD": "ref\n", "model.bin": b"m" * 3_000_000}, "FROM busybox:local\nCOPY . /app\n")
    assert [a.pattern for a in plan_dockerignore(tmp_path / "Dockerfile").additions] == [".git"]


def test_a_line_that_would_undo_an_exception_is_not_added(tmp_path):
    context(tmp_path, {".dockerignore": "docs\n!node_modules/keep.js\n", "node_modules/keep.js": "1", "node_modules/x.js": "2"})
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    assert plan.additions == [] and plan.kept == [("node_modules", f"line 2 of {tmp_path / '.dockerignore'} brings part of it back")]


def test_the_dockerfiles_own_ignore_file_is_the_one_extended(tmp_path):
    context(tmp_path, {"Dockerfile.dockerignore": "*.md\n", ".git/HEAD": "ref\n"})
    assert run("fix", "--dockerignore", "--write", cwd=tmp_path).returncode == 0
    assert (tmp_path / "Dockerfile.dockerignore").read_text() == f"*.md\n{HEADER}\n.git\n"
    assert not (tmp_path / ".dockerignore").exists()


def test_an_explicit_context_and_a_dockerfile_outside_it(tmp_path):
    context(tmp_path / "ctx", {".git/HEAD": "ref\n"})
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "Dockerfile").write_text("FROM busybox:local\nCOPY app.py /app/\n")
    result = run("fix", "--dockerignore", "--context", "ctx", "--write", "ci/Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "ctx" / ".dockerignore").read_text() == f"{HEADER}\n.git\n"


def test_names_with_wildcard_characters_match_only_themselves(tmp_path):
    context(tmp_path, {"data*?.bin": b"d" * 1_500_000, "#notes": b"n" * 1_500_000, "[x].bin": b"x" * 1_500_000})
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    assert [a.pattern for a in plan.additions] == ["[#]notes", "data[*][?].bin"]
    assert plan.kept == [("[x].bin", "its name cannot be written as a .dockerignore line both the engine and the Docker SDK read")]


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path):
    context(tmp_path, {".dockerignore": "*.log\n", ".git/HEAD": "ref\n"})
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    (tmp_path / ".dockerignore").write_text("*.log\n*.tmp\n")
    with pytest.raises(DockerignoreError, match="changed on disk since it was read"):
        write_dockerignore(plan)
    assert (tmp_path / ".dockerignore").read_text() == "*.log\n*.tmp\n"


def test_a_file_created_meanwhile_is_not_overwritten(tmp_path):
    context(tmp_path, {".git/HEAD": "ref\n"})
    plan = plan_dockerignore(tmp_path / "Dockerfile")
    (tmp_path / ".dockerignore").write_text("mine\n")
    with pytest.raises(DockerignoreError, match="created by something else meanwhile"):
        write_dockerignore(plan)
    assert (tmp_path / ".dockerignore").read_text() == "mine\n"


def test_errors_are_one_line(tmp_path):
    context(tmp_path, {".dockerignore": b"caf\xe9\n", ".git/HEAD": "ref\n"})
    one_line_error(run("fix", "--dockerignore", "--write", cwd=tmp_path), ".dockerignore", "not valid UTF-8")
    one_line_error(run("fix", "--dockerignore", "missing/Dockerfile", cwd=tmp_path), "no such Dockerfile")
    one_line_error(run("fix", "--dockerignore", "-", cwd=tmp_path), "need a Dockerfile path")
