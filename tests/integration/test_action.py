"""The CI recipes run as their CI would run them: the GitHub Action (action.yml), the GitLab CI
template (ci/gitlab/imagelint.gitlab-ci.yml) and the Makefile recipe of docs/ci.md.

Each `run:` / `script:` is taken from the YAML, its `${{ inputs.X }}` and `${{ github.action_path }}`
expressions are substituted the way Actions does (any other expression fails the test: this file
would not know what it means), and bash runs it in a temporary repository. The install step runs
too, with a `pip` on PATH that checks what it is given is an installable project
(`pip install --dry-run --no-deps`) without changing the test environment; the imagelint that runs
is this checkout's, already installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.image_archives import docker_save, write_archive

REPO = Path(__file__).resolve().parents[2]
BAD = "FROM alpine:latest\nUSER app\nCMD [\"sh\"]\n"  # IL5002 warning
CLEAN = "FROM alpine:3.22\nUSER app\nCMD [\"sh\"]\n"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


@pytest.fixture(scope="module")
def action_path(tmp_path_factory) -> Path:
    """This checkout's files (tracked and untracked, minus ignored), as Actions checks out the action."""
    root = tmp_path_factory.mktemp("action")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def tools(tmp_path_factory) -> Path:
    """A bin directory whose `pip` records its arguments and dry-runs the install."""
    bin_dir = tmp_path_factory.mktemp("bin")
    pip = bin_dir / "pip"
    pip.write_text(
        "#!/bin/bash\n"
        'printf "%s\\n" "$*" >> "$TEST_PIP_CALLS"\n'
        '[ "$1" = install ] || exit 97\n'
        "shift\n"
        f'exec "{sys.executable}" -m pip install --dry-run --no-deps --no-build-isolation --quiet "$@"\n'
    )
    pip.chmod(0o755)
    return bin_dir


def environment(tools: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HADOLINT_", "GITHUB_", "IMAGELINT_"))}
    env["PATH"] = os.pathsep.join([str(tools), str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(NO_COLOR="1", TEST_PIP_CALLS=str(tmp_path / "pip.log"), **extra)
    return env


def substitute(text: str, inputs: dict[str, str], action_path: Path) -> str:
    def value(match: re.Match) -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(action_path)
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        raise AssertionError(f"action.yml uses ${{{{ {expression} }}}} in a run step; the test cannot evaluate it")

    return EXPRESSION.sub(value, text)


def run_action(workdir: Path, tools: Path, action_path: Path, **given: str):
    """Every `run:` step of action.yml, in order, as Actions runs a composite action with these
    inputs (`with:`); stops at the first failing step. Returns (exit code, outputs, stdout+stderr)."""
    spec = action()
    unknown = set(given) - set(spec["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    inputs = {name: str(given.get(name, meta.get("default", ""))) for name, meta in spec["inputs"].items()}
    output_file = workdir.parent / f"{workdir.name}-github-output"
    output_file.write_text("")
    log = []
    code = 0
    for step in spec["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step["shell"] == "bash"
        script = workdir.parent / f"{workdir.name}-step.sh"
        script.write_text(substitute(step["run"], inputs, action_path))
        env = environment(tools, workdir, GITHUB_OUTPUT=str(output_file), GITHUB_ACTION_PATH=str(action_path))
        env.update({name: substitute(str(value), inputs, action_path) for name, value in step.get("env", {}).items()})
        # What Actions runs for `shell: bash`.
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                cwd=workdir, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
        log.append(result.stdout + result.stderr)
        code = result.returncode
        if code != 0:
            break
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
    return code, outputs, "".join(log)


@pytest.fixture
def repo(tmp_path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    (work / "Dockerfile").write_text(BAD)
    return work


def test_the_install_step_installs_the_checked_out_action(repo, tools, action_path):
    code, _, log = run_action(repo, tools, action_path, **{"fail-on": "never"})
    assert code == 0, log
    assert (repo / "pip.log").read_text().splitlines() == [f"install {action_path}"]


def test_findings_fail_the_step_with_annotations(repo, tools, action_path):
    code, outputs, log = run_action(repo, tools, action_path)
    assert code == 1, log
    assert "::warning file=Dockerfile,line=1" in log and "IL5002" in log
    assert outputs["exit-code"] == "1"
    assert "lint-sarif" not in outputs and not list(repo.glob("*.sarif"))  # no SARIF unless asked


def test_clean_dockerfile_and_fail_on(repo, tools, action_path):
    assert run_action(repo, tools, action_path, **{"fail-on": "error"})[0] == 0
    (repo / "Dockerfile").write_text(CLEAN)
    code, outputs, log = run_action(repo, tools, action_path, format="text")
    assert code == 0, log
    assert outputs["exit-code"] == "0"


def test_upload_sarif_writes_the_report_the_upload_step_names(repo, tools, action_path):
    code, outputs, log = run_action(repo, tools, action_path, **{"upload-sarif": "true"})
    assert code == 1, log
    assert outputs["lint-sarif"] == "imagelint.sarif"
    sarif = json.loads((repo / "imagelint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert "IL5002" in {result["ruleId"] for result in sarif["runs"][0]["results"]}

    uploads = [step for step in action()["runs"]["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    lint_upload = next(step for step in uploads if step["with"]["category"] == "imagelint")
    assert lint_upload["with"]["sarif_file"] == "${{ steps.imagelint.outputs.lint-sarif }}"
    # Uploaded even though the findings failed the imagelint step, and only when asked.
    assert lint_upload["if"].startswith("always() && inputs.upload-sarif == 'true'")


def test_named_sarif_file_and_paths(repo, tools, action_path):
    (repo / "services" / "api").mkdir(parents=True)
    (repo / "services" / "api" / "Dockerfile").write_text(BAD)
    (repo / "Dockerfile").write_text(CLEAN)
    code, outputs, log = run_action(repo, tools, action_path, paths="services Dockerfile", **{"sarif-file": "out/lint.sarif"})
    assert code == 1, log
    assert outputs["lint-sarif"] == "out/lint.sarif"
    results = json.loads((repo / "out" / "lint.sarif").read_text())["runs"][0]["results"]
    uri = {id(r): r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert set(uri.values()) == {"Dockerfile", "services/api/Dockerfile"}  # both paths were linted
    assert {uri[id(r)] for r in results if r["ruleId"] == "IL5002"} == {"services/api/Dockerfile"}


def test_bad_arguments_exit_2_and_write_no_sarif(repo, tools, action_path):
    code, outputs, log = run_action(repo, tools, action_path, args="--no-such-option", **{"upload-sarif": "true"})
    assert code == 2, log
    assert outputs["exit-code"] == "2"
    assert "lint-sarif" not in outputs  # the upload steps are skipped: nothing to upload


def test_nothing_to_do_is_an_error(repo, tools, action_path):
    code, _, log = run_action(repo, tools, action_path, paths="")
    assert code == 2
    assert "::error title=imagelint::nothing to do" in log


def test_image_analysis_with_a_budget(repo, tools, action_path):
    write_archive(repo / "app.tar", docker_save([[("file", "app/data.bin", 50_000)]]))
    (repo / "Dockerfile").write_text(CLEAN)
    given = {"paths": "", "image": "docker-archive:app.tar", "dockerfile": "Dockerfile", "format": "text", "fail-on": "error"}
    code, outputs, log = run_action(repo, tools, action_path, **given, **{"analyze-args": "--max-size 100MB"})
    assert code == 0, log
    code, outputs, log = run_action(repo, tools, action_path, **given,
                                    **{"analyze-args": "--max-size 10kB", "upload-sarif": "true"})  # fmt: skip
    assert code == 1, log
    assert outputs["image-sarif"] == "imagelint-image.sarif"
    assert "lint-sarif" not in outputs
    assert json.loads((repo / "imagelint-image.sarif").read_text())["runs"][0]["results"]


def test_lint_and_analyze_together_exit_with_the_worse_code(repo, tools, action_path):
    write_archive(repo / "app.tar", docker_save([[("file", "app/data.bin", 10)]]))
    code, outputs, log = run_action(repo, tools, action_path, image="docker-archive:missing.tar", **{"sarif-file": "r.sarif"})
    assert code == 2, log  # lint found a warning (1), the image is missing (2)
    assert outputs["lint-sarif"] == "r.sarif" and "image-sarif" not in outputs


# --- GitLab CI ----------------------------------------------------------------------------------

GITLAB = REPO / "ci" / "gitlab" / "imagelint.gitlab-ci.yml"


def run_gitlab_job(workdir: Path, tools: Path, action_path: Path, **variables: str) -> subprocess.CompletedProcess:
    job = yaml.safe_load(GITLAB.read_text())["imagelint"]
    env = environment(tools, workdir)
    env.update({name: str(value) for name, value in job["variables"].items()})
    env.update(IMAGELINT_PACKAGE=str(action_path), **variables)
    # GitLab runs the script lines in one shell and stops at the first that fails.
    script = "set -eo pipefail\n" + "\n".join(job["script"]) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def test_gitlab_template_writes_the_code_quality_report(repo, tools, action_path):
    job = yaml.safe_load(GITLAB.read_text())["imagelint"]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"

    result = run_gitlab_job(repo, tools, action_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Dockerfile:1:6: IL5002 warning" in result.stdout  # the text report in the job log
    issues = json.loads((repo / report).read_text())
    assert {issue["check_name"] for issue in issues} >= {"IL5002"}
    assert {issue["location"]["path"] for issue in issues} == {"Dockerfile"}
    assert (repo / "pip.log").read_text().splitlines() == [f"install --quiet {action_path}"]

    (repo / "Dockerfile").write_text(CLEAN)
    result = run_gitlab_job(repo, tools, action_path, IMAGELINT_ARGS="--fail-on error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "IL5002" not in {issue["check_name"] for issue in json.loads((repo / report).read_text())}


# --- Makefile -----------------------------------------------------------------------------------


def makefile_recipe() -> str:
    text = (REPO / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```make\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/ci.md should show one ```make block"
    return blocks[0]


def test_makefile_recipe(repo, tools):
    recipe = makefile_recipe()
    assert "\t" in recipe, "a Makefile recipe line starts with a tab"
    (repo / "Makefile").write_text(recipe)
    env = environment(tools, repo)
    if shutil.which("make", path=env["PATH"]) is None:
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "lint-docker"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0, result.stdout + result.stderr  # a finding fails the target
    assert "IL5002" in result.stdout
    junit = (repo / "imagelint.xml").read_text()
    assert "<testsuite" in junit and "IL5002" in junit

    (repo / "Dockerfile").write_text(CLEAN)
    result = subprocess.run(["make", "lint-docker"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
