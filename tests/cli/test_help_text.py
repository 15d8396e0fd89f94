"""Help as a person reads it in an 80-column terminal: metavars, not Python types; choice lists
never folded mid-word; ``imagelint rules`` wrapped to the width, never cut."""

from __future__ import annotations

import re

import pytest

from imagelint.rule import registered_rules
from tests.support.cli import run

PYTHON_TYPE = re.compile(r"<(bool|str|int|float|path|list\[[^\]]*\])>")
BOX_LINE = re.compile(r"^│(.*)│$")


def help_at_80(*command: str) -> str:
    result = run(*command, "--help", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    return result.stdout.decode()


def option_rows(text: str) -> dict[str, str]:
    """Each option of the help panels -> everything its row says (continuation lines joined)."""
    rows: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        boxed = BOX_LINE.match(line)
        if not boxed:
            continue
        cells = boxed.group(1).split()
        if cells and (cells[0].startswith("-") or cells[0].isupper()):
            current = cells[0]
            rows[current] = " ".join(cells)
        elif current and cells:
            rows[current] += " " + " ".join(cells)
    return rows


@pytest.mark.parametrize("command", [["lint"], ["analyze"], ["fix"]])
def test_help_shows_metavars_and_bare_flags_not_python_types(command):
    text = help_at_80(*command)
    assert not PYTHON_TYPE.search(text), PYTHON_TYPE.search(text).group(0)
    assert max(len(line) for line in text.splitlines()) <= 80
    rows = option_rows(text)
    assert rows["--help"].split()[:3] == ["--help", "-h", "Show"]  # a flag: nothing between it and its help
    assert rows["--select" if "--select" in rows else "--context"].split()[1] in ("RULES", "-c")


def test_lint_help_names_its_arguments_and_values():
    text = help_at_80("lint")
    assert "Usage: imagelint lint [OPTIONS] [PATHS]..." in text
    rows = option_rows(text)
    assert rows["PATHS"].startswith("PATHS Dockerfiles or directories")
    assert rows["--quiet"].split()[:3] == ["--quiet", "-q", "Only"]
    assert rows["--format"].split()[:3] == ["--format", "-f", "FORMAT"]
    assert rows["--select"].split()[:2] == ["--select", "RULES"]
    assert rows["--severity"].split()[:2] == ["--severity", "RULE=LEVEL"]
    assert rows["--trusted-registry"].split()[:2] == ["--trusted-registry", "REGISTRY"]
    assert rows["--shellcheck"].split()[:2] == ["--shellcheck", "Also"]


@pytest.mark.parametrize("command", [["lint"], ["analyze"]])
def test_choice_lists_are_whole_words_at_80_columns(command):
    rows = option_rows(help_at_80(*command))
    fail_on = rows["--fail-on"]
    assert fail_on.split()[1] == "LEVEL"
    assert "error, warning, info, style or never" in fail_on
    # No choice is cut in two across lines (typer folded "style" into "sty" + "le").
    for line in help_at_80(*command).splitlines():
        assert not re.search(r"\|sty\s*│?$", line), line


def test_rules_wraps_summaries_to_the_terminal_width_and_cuts_nothing():
    for columns in ("80", "100"):
        out = run("rules", env={"COLUMNS": columns}).stdout.decode()
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= int(columns), columns
        flat = " ".join(" ".join(line.split()) for line in lines)
        for rule in registered_rules().values():
            assert " ".join(rule.summary.split()) in flat, (columns, rule.code)
        il8002 = lines.index(next(line for line in lines if line.startswith("IL8002")))
        assert "BuildKit JSONArgsRecommended; hadolint DL3025" in " ".join(lines[il8002 : il8002 + 5])
