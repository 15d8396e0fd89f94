"""Compose projects: each service's build is linted with the context and target Compose uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.compose import ComposeError, is_compose_name, read

SECRET_COPY = "FROM python:3.13-slim AS base\nWORKDIR /app\nCOPY . .\nUSER app\nCMD [\"python\", \"app.py\"]\n"
STAGES = (
    "FROM python:3.13-slim AS base\nWORKDIR /app\nCOPY app.py .\n"
    "FROM base AS prod\nUSER app\nCMD [\"python\", \"app.py\"]\n"
    "FROM base AS debug\nCMD [\"python\", \"-m\", \"pdb\", \"app.py\"]\n"
)


def run(*args: str, cwd: Path, env: dict | None = None):
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("IMAGELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "imagelint", *args], cwd=cwd, capture_output=True, text=True, env=environment)


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def project(tmp_path) -> Path:
    """A sample project: the Dockerfiles live in docker/, the contexts are the service folders."""
    write(
        tmp_path,
        {
            "compose.yaml": (
                "x-python: &python\n"
                "  context: ./services/api\n"
                "  dockerfile: ../../docker/api.Dockerfile\n"
                "services:\n"
                "  api:\n"
                "    build:\n"
                "      <<: *python\n"
                "      target: prod\n"
                "  worker:\n"
                "    build: ./services/worker\n"
                "  db:\n"
                "    image: postgres:16\n"
            ),
            "docker/api.Dockerfile": STAGES,
            "services/api/app.py": "print('api')\n",
            "services/api/.dockerignore": ".git\n",
            "services/worker/Dockerfile": SECRET_COPY,
            "services/worker/app.py": "print('worker')\n",
            "services/worker/.env": "API_TOKEN=s3cr3t-value\n",
        },
    )
    return tmp_path


def test_compose_file_names():
    for name in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "compose.prod.yaml",
                 "docker-compose.override.yml"):  # fmt: skip
        assert is_compose_name(name), name
    for name in ("values.yaml", "compose.json", "mkdocs.yml", "Dockerfile"):
        assert not is_compose_name(name), name


def test_read_resolves_contexts_dockerfiles_and_targets(project):
    builds = {b.service: b for b in read(project / "compose.yaml", "compose.yaml").builds}
    assert set(builds) == {"api", "worker"}
    assert builds["api"].context == project / "services" / "api"
    assert builds["api"].dockerfile == project / "docker" / "api.Dockerfile"
    assert builds["api"].target == "prod"
    assert builds["worker"].dockerfile == project / "services" / "worker" / "Dockerfile"
    assert builds["worker"].target is None


def test_lint_compose_uses_each_services_context(project):
    result = run("lint", "compose.yaml", "-f", "json", "--fail-on", "never", cwd=project)
    assert result.returncode == 0, result.stderr
    by_file = {}
    for finding in findings(result):
        by_file.setdefault(finding["file"], set()).add(finding["rule"])
    # The worker's context holds a .env and has no .dockerignore: COPY . . sends it.
    assert {"IL3001", "IL3002"} <= by_file["services/worker/Dockerfile"]
    # The api Dockerfile lives outside its context: its COPY app.py is found in services/api;
    # with docker/ as the context the source is missing (IL3005).
    assert "IL3005" not in by_file.get("docker/api.Dockerfile", set())
    wrong = run("lint", "docker/api.Dockerfile", "--context", "docker", "-f", "json", "--fail-on", "never", cwd=project)
    assert "IL3005" in {f["rule"] for f in findings(wrong)}


def test_lint_compose_uses_the_target(project):
    """Target prod sets a USER; linting to the last stage (debug) would say it runs as root."""
    result = run("lint", "compose.yaml", "-f", "json", "--select", "IL7001", "--fail-on", "never", cwd=project)
    assert [f for f in findings(result) if f["file"] == "docker/api.Dockerfile"] == []
    plain = run("lint", "docker/api.Dockerfile", "-f", "json", "--select", "IL7001", "--fail-on", "never", cwd=project)
    assert [f["rule"] for f in findings(plain)] == ["IL7001"]


def test_directory_walk_lints_compose_builds_once_with_their_context(project):
    result = run("lint", ".", "-f", "json", "--fail-on", "never", cwd=project)
    document = json.loads(result.stdout)
    assert "IL3005" not in {f["rule"] for f in document["findings"] if f["file"] == "docker/api.Dockerfile"}
    assert document["summary"]["files"] == 2  # api.Dockerfile (by compose) and the worker's Dockerfile
    keys = [(f["file"], f["rule"], f["line"], f["column"]) for f in document["findings"]]
    assert len(keys) == len(set(keys))


def test_one_dockerfile_built_by_two_services_is_one_file_without_duplicates(tmp_path):
    write(
        tmp_path,
        {
            "docker-compose.yml": (
                "services:\n"
                "  prod: {build: {context: ., target: prod}}\n"
                "  debug: {build: {context: ., target: debug}}\n"
            ),
            "Dockerfile": STAGES.replace("FROM python:3.13-slim", "FROM python:latest"),
            "app.py": "",
            ".dockerignore": ".git\n",
        },
    )
    result = run("lint", "docker-compose.yml", "-f", "json", "--fail-on", "never", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == 1
    assert [f["rule"] for f in document["findings"]].count("IL5002") == 1
    assert "IL7001" in {f["rule"] for f in document["findings"]}  # the debug target runs as root


def test_inline_dockerfile_and_interpolation(tmp_path):
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n"
                "  app:\n"
                "    build:\n"
                "      context: ${APP_DIR:-./app}\n"
                "      dockerfile: ${DOCKERFILE}\n"
                "  tool:\n"
                "    build:\n"
                "      context: .\n"
                "      dockerfile_inline: |\n"
                "        FROM alpine:latest\n"
                "        USER app\n"
            ),
            ".env": "DOCKERFILE=Containerfile\n",
            "app/Containerfile": "FROM alpine:latest\nUSER app\n",
        },
    )
    result = run("lint", "compose.yaml", "-f", "json", "--select", "IL5002", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert sorted((f["file"], f["line"]) for f in findings(result)) == [
        ("app/Containerfile", 1),
        ("compose.yaml#services.tool.build.dockerfile_inline", 1),
    ]
    moved = run("lint", "compose.yaml", "-f", "json", "--select", "IL5002", cwd=tmp_path, env={"APP_DIR": "./elsewhere"})
    assert moved.returncode == 2
    assert "compose.yaml: app: Dockerfile elsewhere/Containerfile not found" in moved.stderr


def test_compose_path_outside_the_current_directory_keeps_the_given_prefix(project):
    result = run("lint", str(project / "compose.yaml"), "-f", "json", "--fail-on", "never", cwd=project.parent)
    files = {f["file"] for f in findings(result)}
    assert str(project / "docker" / "api.Dockerfile") in files


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services: [\n", "not a Compose file"),
        ("version: '3'\n", "no 'services' mapping"),
        ("services:\n  db:\n    image: postgres\n", "no service has a 'build' section"),
        ("services:\n  a:\n    build: 42\n", None),
    ],
)
def test_bad_compose_file_named_explicitly_is_exit_2(tmp_path, text, message):
    write(tmp_path, {"compose.yaml": text})
    result = run("lint", "compose.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message is None or message in result.stderr


def test_bad_compose_file_in_a_walk_is_a_note(tmp_path):
    write(tmp_path, {"compose.yaml": "services: [\n", "Dockerfile": "FROM alpine:3.22\nUSER app\nCMD [\"sh\"]\n"})
    result = run("lint", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note: compose.yaml: not a Compose file" in result.stderr


def test_remote_context_is_a_note(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    build: https://github.com/docker/rootfs.git#main\n"})
    project = read(tmp_path / "compose.yaml", "compose.yaml")
    assert project.builds == []
    assert "remote build context https://github.com/docker/rootfs.git#main was not linted" in project.notes[0]


def test_required_variable(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    build: ${CTX:?set CTX}\n"})
    with pytest.raises(ComposeError, match="required variable CTX is not set"):
        read(tmp_path / "compose.yaml", "compose.yaml")


def test_lint_without_compose_does_not_import_yaml(tmp_path):
    write(tmp_path, {"Dockerfile": "FROM alpine:3.22\nUSER app\n"})
    code = (
        "import sys\nfrom imagelint.cli import main\n"
        f"sys.argv = ['imagelint', 'lint', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('yaml' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_missing_dockerfile_is_an_error_when_named_and_a_note_in_a_walk(tmp_path):
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  gone:\n    build: ./gone\n  remote:\n    build: https://example.com/app.git\n",
            "Dockerfile": "FROM alpine:3.22\nUSER app\nCMD [\"sh\"]\n",
        },
    )
    named = run("lint", "compose.yaml", cwd=tmp_path)
    assert named.returncode == 2
    assert "compose.yaml: gone: Dockerfile gone/Dockerfile not found" in named.stderr
    assert "remote build context https://example.com/app.git was not linted" in named.stderr
    walked = run("lint", ".", cwd=tmp_path)
    assert walked.returncode == 0, walked.stdout + walked.stderr
    assert "note: compose.yaml: gone: Dockerfile gone/Dockerfile not found" in walked.stderr
