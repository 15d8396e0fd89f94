"""The pre-commit hooks, run by the real pre-commit against this checkout.

pre-commit installs a hook's environment from a git repository at a revision. The checkout under
test may have uncommitted files, so the module snapshots the working tree (tracked and untracked,
minus ignored files) into a temporary repository and points a project's .pre-commit-config.yaml
at it. The hook environment (pip install of imagelint from PyPI dependencies) is built once, in a
PRE_COMMIT_HOME shared by the tests of this module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from imagelint.discovery import NOT_DOCKERFILE_SUFFIXES, is_dockerfile_name

REPO = Path(__file__).resolve().parents[2]
BAD = "FROM alpine:latest\nUSER app\nCMD [\"sh\"]\n"
CLEAN = "FROM alpine:3.22\nUSER app\nCMD [\"sh\"]\n"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def hooks() -> list[dict]:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's working tree committed in a throwaway repository: (path, commit)."""
    root = tmp_path_factory.mktemp("imagelint-snapshot")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # deleted but still in the index: skip
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "snapshot", cwd=root)
    return root, git("rev-parse", "HEAD", cwd=root)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path, snapshot, pre_commit_home):
    """A git project whose pre-commit config uses both imagelint hooks from the snapshot."""
    repo, rev = snapshot
    git("init", "-q", cwd=tmp_path)
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "imagelint"}]}]}
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git("add", ".pre-commit-config.yaml", cwd=tmp_path)
    return tmp_path


def run_hooks(project: Path, pre_commit_home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("IMAGELINT_DEBUG", None)
    return subprocess.run([*PRE_COMMIT, "run", *args], cwd=project, capture_output=True, text=True, env=env, timeout=900)


def use_hook(project: Path, hook_id: str) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    config["repos"][0]["hooks"] = [{"id": hook_id}]
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git("add", ".pre-commit-config.yaml", cwd=project)


def test_hook_definitions():
    by_id = {hook["id"]: hook for hook in hooks()}
    assert set(by_id) == {"imagelint", "imagelint-context"}
    main = by_id["imagelint"]
    assert main["language"] == "python" and main["entry"] == "imagelint lint"
    assert main.get("pass_filenames", True)
    context = by_id["imagelint-context"]
    assert context["pass_filenames"] is False and context["always_run"] is True


def test_hook_takes_exactly_what_the_directory_walk_takes():
    """The hook lints the names `imagelint lint DIR` takes (Dockerfile-app included) and none it
    skips (Dockerfile.template, Dockerfile.dockerignore, backups, documents)."""
    hook = next(h for h in hooks() if h["id"] == "imagelint")
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def hook_lints(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for suffix in NOT_DOCKERFILE_SUFFIXES:
        assert not hook_lints(f"api/Dockerfile{suffix}"), f"the hook would lint Dockerfile{suffix}"
    names = ("Dockerfile", "dockerfile", "Containerfile", "Dockerfile.prod", "Dockerfile-ubi9", "Dockerfile_app",
             "web.Dockerfile", "web.dockerfile", "Containerfile.dev", "app.containerfile", "Dockerfiles", "README",
             "my-Dockerfile", "Dockerfile.md", "notes.txt", "DockerfileX")  # fmt: skip
    for name in names:
        for path in (name, f"api/{name}"):
            assert hook_lints(path) == is_dockerfile_name(name), path


def test_bad_dockerfile_fails_clean_one_passes(project, pre_commit_home):
    (project / "Dockerfile").write_text(BAD)
    git("add", "Dockerfile", cwd=project)
    result = run_hooks(project, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "imagelint" in result.stdout and "Failed" in result.stdout
    assert "Dockerfile:1:6: IL5002 warning:" in result.stdout

    (project / "Dockerfile").write_text(CLEAN)
    git("add", "Dockerfile", cwd=project)
    result = run_hooks(project, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_only_changed_dockerfiles_are_linted(project, pre_commit_home):
    (project / "api").mkdir()
    (project / "web").mkdir()
    (project / "api" / "Dockerfile").write_text(BAD)
    (project / "web" / "Containerfile").write_text(BAD)
    git("add", "-A", cwd=project)
    git("commit", "-q", "--no-verify", "-m", "two Dockerfiles with findings", cwd=project)

    (project / "web" / "Containerfile").write_text(BAD + "# changed\n")
    git("add", "web/Containerfile", cwd=project)
    result = run_hooks(project, pre_commit_home)  # the staged files, as on `git commit`
    assert result.returncode == 1, result.stdout + result.stderr
    assert "web/Containerfile:1:6: IL5002" in result.stdout
    assert "api/Dockerfile" not in result.stdout

    # A commit that changes no Dockerfile skips the hook.
    git("commit", "-q", "--no-verify", "-m", "change", cwd=project)
    (project / "README.md").write_text("hello\n")
    git("add", "README.md", cwd=project)
    result = run_hooks(project, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no files to check" in result.stdout.lower()


def test_git_commit_is_refused_then_accepted(project, pre_commit_home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)}
    subprocess.run([*PRE_COMMIT, "install"], cwd=project, check=True, capture_output=True, env=env)
    (project / "Dockerfile").write_text(BAD)
    git("add", "Dockerfile", cwd=project)
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-m", "add Dockerfile"]
    refused = subprocess.run(commit, cwd=project, capture_output=True, text=True, env={**env, "NO_COLOR": "1"})
    assert refused.returncode != 0
    assert "IL5002" in refused.stdout + refused.stderr
    (project / "Dockerfile").write_text(CLEAN)
    git("add", "Dockerfile", cwd=project)
    accepted = subprocess.run(commit, cwd=project, capture_output=True, text=True, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_context_hook_lints_the_whole_repository_when_dockerignore_goes(project, pre_commit_home):
    """Deleting .dockerignore changes no Dockerfile, yet makes `COPY . .` send secrets: only the
    context variant sees it."""
    use_hook(project, "imagelint-context")
    app = project / "app"
    app.mkdir()
    (app / "Dockerfile").write_text("FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nUSER app\nCMD [\"sh\"]\n")
    (app / ".dockerignore").write_text(".env\n.git\n")
    (app / ".env").write_text("API_TOKEN=abc\n")
    (app / "compose.yaml").write_text("services:\n  app:\n    build: .\n")
    git("add", "-A", cwd=project)
    assert run_hooks(project, pre_commit_home).returncode == 0
    git("commit", "-q", "--no-verify", "-m", "app", cwd=project)

    git("rm", "-q", "app/.dockerignore", cwd=project)
    result = run_hooks(project, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "app/Dockerfile:3:1: IL3001" in result.stdout


def documented_configs() -> dict[str, dict]:
    """The .pre-commit-config.yaml blocks of README.md and docs/ci.md."""
    configs = {}
    for name in ("README.md", "docs/ci.md"):
        blocks = [b for b in re.findall(r"```yaml\n(.*?)```", (REPO / name).read_text(), re.S) if ".pre-commit-config.yaml" in b]
        assert len(blocks) == 1, f"{name} should show one .pre-commit-config.yaml"
        configs[name] = yaml.safe_load(textwrap.dedent(blocks[0]))
    return configs


def test_documented_rev_is_a_commit_until_releases_are_tagged():
    """A documented `rev: v0.1.0` would not resolve: no such tag exists. The docs say what to put."""
    tags = set(git("tag", "--list", cwd=REPO).split())
    for name, config in documented_configs().items():
        rev = config["repos"][0]["rev"]
        assert rev in tags or rev == "<commit sha>", f"{name}: rev {rev!r} is neither a tag of this repository nor '<commit sha>'"
    assert "git ls-remote" in (REPO / "docs" / "ci.md").read_text()
    # Every other place that shows a `rev:` for imagelint says the same.
    for name in ("docs/migrating.md", ".pre-commit-hooks.yaml"):
        revs = re.findall(r"^\s*#?\s*rev: (\S+)", (REPO / name).read_text(), re.M)
        assert revs and all(rev in tags or rev == "<commit" for rev in revs), f"{name}: {revs}"


def test_documented_config_at_head_runs(tmp_path, pre_commit_home):
    """The documented config, with `repo:` this checkout and `rev:` its HEAD (what `git ls-remote`
    gives a user): pre-commit clones that commit, installs the hook and fails on a finding."""
    config = documented_configs()["docs/ci.md"]
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == ["imagelint"]
    config["repos"][0].update(repo=str(REPO), rev=git("rev-parse", "HEAD", cwd=REPO))
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (tmp_path / "Dockerfile").write_text(BAD)
    git("add", "-A", cwd=tmp_path)
    result = run_hooks(tmp_path, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Dockerfile:1:6: IL5002 warning:" in result.stdout

    (tmp_path / "Dockerfile").write_text(CLEAN)
    git("add", "Dockerfile", cwd=tmp_path)
    result = run_hooks(tmp_path, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
