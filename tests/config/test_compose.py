"""Compose projects: each service's build is linted with the context and target Compose uses."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.compose import ComposeError, read
from imagelint.discovery import is_compose_name

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


# --- build args, named contexts, extends, several files, include, interpolation ---------------------

ARG_TAG = "ARG TAG=3.13-slim\nFROM python:${TAG}\nUSER app\nCMD [\"python\"]\n"


def rules_by_file(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in findings(result):
        out.setdefault(finding["file"], []).append(finding["rule"])
    return out


@pytest.mark.parametrize(
    ("args", "env"),
    [
        ("      args:\n        TAG: latest\n", {}),
        ("      args:\n        - TAG=latest\n", {}),
        ("      args:\n        - TAG\n", {"TAG": "latest"}),  # no value: the environment's
        ("      args:\n        TAG: ${PY_TAG:-latest}\n", {}),
    ],
)
def test_build_args_set_the_arg_values_rules_see(tmp_path, args, env):
    write(tmp_path, {"compose.yaml": "services:\n  app:\n    build:\n      context: .\n" + args, "Dockerfile": ARG_TAG})
    result = run("lint", "compose.yaml", "-f", "json", "--select", "IL5002", "--fail-on", "never", cwd=tmp_path, env=env)
    assert [(f["rule"], f["line"]) for f in findings(result)] == [("IL5002", 2)], result.stderr
    plain = run("lint", "Dockerfile", "-f", "json", "--select", "IL5002", "--fail-on", "never", cwd=tmp_path)
    assert findings(plain) == []


def test_an_arg_without_a_value_and_not_in_the_environment_is_not_passed(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  app:\n    build:\n      context: .\n      args: [TAG]\n", "Dockerfile": ARG_TAG})
    environment = {k: v for k, v in os.environ.items() if k != "TAG"}
    result = subprocess.run(
        [sys.executable, "-m", "imagelint", "lint", "compose.yaml", "-f", "json", "--select", "IL5002"],
        cwd=tmp_path, capture_output=True, text=True, env={**environment, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert read(tmp_path / "compose.yaml", "compose.yaml").builds[0].args == ()


def test_additional_contexts_are_not_unknown_stages(tmp_path):
    dockerfile = "FROM alpine:3.22\nCOPY --from=builder /out/app /app\nUSER app\nCMD [\"/app\"]\n"
    compose = "services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        builder: ./tools\n"
    write(tmp_path, {"compose.yaml": compose, "Dockerfile": dockerfile, "tools/app": ""})
    result = run("lint", "compose.yaml", "-f", "json", "--select", "IL4001", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = compose.replace("        builder: ./tools\n", "        - builder=docker-image://example.com/tools:1\n")
    write(tmp_path, {"compose.yaml": listed})
    assert run("lint", "compose.yaml", "-f", "json", "--select", "IL4001", cwd=tmp_path).returncode == 0
    plain = run("lint", "Dockerfile", "-f", "json", "--select", "IL4001", "--fail-on", "never", cwd=tmp_path)
    assert [f["rule"] for f in findings(plain)] == ["IL4001"]


def test_extends_in_the_same_file_and_from_another_file(tmp_path):
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n"
                "  base:\n"
                "    build: {context: ./app, target: prod, args: {TAG: latest}}\n"
                "  debug:\n"
                "    extends: base\n"
                "    build: {target: debug}\n"
                "  shared:\n"
                "    extends: {file: common/services.yaml, service: tool}\n"
            ),
            "app/Dockerfile": STAGES,
            "app/app.py": "",
            "common/services.yaml": "services:\n  tool:\n    build: ./tool\n",  # relative to common/
            "common/tool/Dockerfile": "FROM alpine:3.22\nUSER app\n",
        },
    )
    builds = {b.service: b for b in read(tmp_path / "compose.yaml", "compose.yaml").builds}
    assert builds["debug"].context == tmp_path / "app"
    assert (builds["debug"].target, builds["debug"].args) == ("debug", (("TAG", "latest"),))
    assert builds["shared"].dockerfile == tmp_path / "common" / "tool" / "Dockerfile"
    result = run("lint", "compose.yaml", "-f", "json", "--select", "IL7001", "--fail-on", "never", cwd=tmp_path)
    assert rules_by_file(result) == {"app/Dockerfile": ["IL7001"]}  # the debug target runs as root


def test_extends_loop_is_exit_2(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  a: {extends: b, build: .}\n  b: {extends: a}\n", "Dockerfile": "FROM alpine:3.22\n"})
    result = run("lint", "compose.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "goes round in a circle" in result.stderr


def test_several_compose_files_merge_later_over_earlier(project):
    write(project, {"compose.prod.yaml": "services:\n  api:\n    build:\n      target: debug\n"})
    merged = run("lint", "-F", "compose.yaml", "-F", "compose.prod.yaml", "-f", "json", "--select", "IL7001", "--fail-on", "never", cwd=project)
    assert rules_by_file(merged) == {"docker/api.Dockerfile": ["IL7001"]}, merged.stderr  # the override's target
    assert {f["file"] for f in findings(run("lint", "-F", "compose.yaml", "-f", "json", "--fail-on", "never", cwd=project))} >= {
        "services/worker/Dockerfile"
    }
    missing = run("lint", "-F", "compose.yaml", "-F", "nope.yaml", cwd=project)
    assert missing.returncode == 2 and "nope.yaml: no such Compose file" in missing.stderr


def test_a_walk_merges_the_default_override_file(project):
    write(project, {"compose.override.yaml": "services:\n  api:\n    build:\n      target: debug\n"})
    result = run("lint", ".", "-f", "json", "--select", "IL7001", "--fail-on", "never", cwd=project)
    assert rules_by_file(result) == {"docker/api.Dockerfile": ["IL7001"]}, result.stderr


def test_include_loads_another_project_with_its_own_folder(tmp_path):
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - backend/compose.yaml\nservices:\n  web:\n    build: ./web\n",
            "web/Dockerfile": "FROM alpine:3.22\nUSER app\n",
            "backend/compose.yaml": "services:\n  api:\n    build:\n      context: .\n      target: ${API_TARGET}\n",
            "backend/.env": "API_TARGET=prod\n",  # the included project's own .env
            "backend/Dockerfile": STAGES,
            "backend/app.py": "",
        },
    )
    builds = {b.service: b for b in read(tmp_path / "compose.yaml", "compose.yaml").builds}
    assert builds["api"].context == tmp_path / "backend"
    assert builds["api"].target == "prod"
    assert builds["api"].source == "backend/compose.yaml"
    result = run("lint", "compose.yaml", "-f", "json", "--fail-on", "never", "-v", cwd=tmp_path)
    assert "(backend/compose.yaml: api; context backend, target prod)" in result.stderr


def test_profiles_do_not_hide_services(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  debug:\n    profiles: [debug]\n    build: .\n", "Dockerfile": "FROM alpine:3.22\n"})
    assert [b.service for b in read(tmp_path / "compose.yaml", "compose.yaml").builds] == ["debug"]


SPEC_ENV = {"SET": "value", "EMPTY": "", "FOO": "foo"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${SET}", "value"),
        ("$SET", "value"),
        ("${SET:-default}", "value"),
        ("${EMPTY:-default}", "default"),
        ("${UNSET:-default}", "default"),
        ("${EMPTY-default}", ""),
        ("${UNSET-default}", "default"),
        ("${SET:?error}", "value"),
        ("${EMPTY?error}", ""),
        ("${SET:+replacement}", "replacement"),
        ("${EMPTY:+replacement}", ""),
        ("${EMPTY+replacement}", "replacement"),
        ("${UNSET+replacement}", ""),
        ("${VARIABLE:-${FOO}}", "foo"),  # the spec's nested examples
        ("${VARIABLE:-${FOO:-default}}", "foo"),
        ("${VARIABLE:-${UNSET:-default}}", "default"),
        ("${SET?$FOO}", "value"),
        ("$$VAR_NOT_INTERPOLATED_BY_COMPOSE", "$VAR_NOT_INTERPOLATED_BY_COMPOSE"),
        ("a$SET-b", "avalue-b"),
        ("cost: 5$ or $1", "cost: 5$ or $1"),  # no name after '$': kept
        ("${UNSET}", ""),
    ],
)
def test_interpolation_follows_the_compose_spec(tmp_path, monkeypatch, text, expected):
    from imagelint.compose import Interpolator

    for name in ("UNSET", "VARIABLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in SPEC_ENV.items():
        monkeypatch.setenv(name, value)
    assert Interpolator(tmp_path / ".env").expand(text, "compose.yaml") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${UNSET:?set it}", "required variable UNSET is not set (set it)"),
        ("${EMPTY:?}", "required variable EMPTY is not set"),
        ("${UNSET?$FOO is needed}", "required variable UNSET is not set (foo is needed)"),
        ("${SET/foo/bar}", "invalid interpolation '${SET/foo/bar}'"),
        ("${SET", "no closing brace"),
    ],
)
def test_interpolation_errors(tmp_path, monkeypatch, text, message):
    from imagelint.compose import Interpolator

    monkeypatch.delenv("UNSET", raising=False)
    for name, value in SPEC_ENV.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ComposeError, match=re.escape(message)):
        Interpolator(tmp_path / ".env").expand(text, "compose.yaml")


def test_env_file_values_and_precedence(tmp_path, monkeypatch):
    from imagelint.compose import Interpolator

    write(tmp_path, {".env": "export A=1 # comment\nB='lit $x'\nC=\"two\\nlines\"\nD=from-file\n"})
    monkeypatch.setenv("D", "from-environment")
    variables = Interpolator(tmp_path / ".env")
    assert [variables.values[n] for n in "ABCD"] == ["1", "lit $x", "two\nlines", "from-environment"]


def test_unset_variable_outside_the_build_section_costs_nothing(tmp_path):
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    build: .\n    environment:\n      P: ${DB_PASSWORD:?required}\n", "Dockerfile": "FROM alpine:3.22\n"})
    assert [b.service for b in read(tmp_path / "compose.yaml", "compose.yaml").builds] == ["a"]
