"""imagelint's own Dockerfile: multi-stage, slim, non-root, and clean by imagelint's own rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from imagelint.dockerfile import load

REPO = Path(__file__).resolve().parents[2]
# A digest pin (IL5003, info) belongs to the release that publishes the image, not to the source tree.
ALLOWED_INFO = {"IL5003"}


def lint(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IMAGELINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "imagelint", "lint", *args], cwd=REPO, capture_output=True, text=True, env=env)


def test_lints_clean_at_the_default_threshold():
    result = lint("Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr
    findings = json.loads(lint("Dockerfile", "--format", "json", "--select", "ALL").stdout)["findings"]
    assert {f["rule"] for f in findings} <= ALLOWED_INFO, findings
    assert all(f["severity"] in ("info", "style") for f in findings)


def test_shape():
    dockerfile = load(REPO / "Dockerfile")
    froms = [i for i in dockerfile.instructions if i.keyword == "FROM"]
    assert len(froms) >= 2, "multi-stage: the wheel is built in its own stage"
    assert all("slim" in i.words()[0] for i in froms)
    final = [i for i in dockerfile.instructions if i.stage == froms[-1].stage]
    users = [i.value for i in final if i.keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the final stage runs as a non-root user"
    entrypoint = [i for i in final if i.keyword == "ENTRYPOINT"]
    assert entrypoint and entrypoint[-1].json_args == ["imagelint"]


def test_build_stage_copies_everything_the_wheel_needs():
    """Every package folder and file pyproject.toml refers to is copied into the build stage (and so
    not excluded by .dockerignore, which the lint's IL3004/IL3005 rules check)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    needed = {"pyproject.toml", project["project"]["readme"]}
    needed |= {path.rstrip("/") for path in project["tool"]["setuptools"]["package-dir"].values()}
    needed |= {"LICENSE"} if (REPO / "LICENSE").exists() else set()
    dockerfile = load(REPO / "Dockerfile")
    copied = {
        word.rstrip("/")
        for i in dockerfile.instructions
        if i.keyword == "COPY" and i.flag("from") is None
        for word in i.words()[:-1]
    }
    missing = {path for path in needed if not any(path == c or path.startswith(c + "/") for c in copied)}
    assert not missing, f"not copied into the build stage: {sorted(missing)}"


def test_ci_lints_it_after_the_tests():
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip() and not line.startswith("#")]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert commands[0] == "bash scripts/test.sh"
    assert any(line.endswith("imagelint lint Dockerfile") for line in commands[1:])
