"""IL6007 pip-install-without-no-cache-dir: pip install without --no-cache-dir, locations in multi-line RUNs."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import PY, fix_of, fixed
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN pip install --no-cache-dir flask==3.0.3",
        PY + "RUN python3 -m pip install --no-cache-dir -r requirements.txt",
        PY + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3",
        PY + "ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask==3.0.3",  # pip: any boolean disables the cache
        PY + "ENV PIP_NO_CACHE_DIR=0\nRUN pip install flask==3.0.3",
        PY + "ARG PIP_NO_CACHE_DIR=true\nRUN pip install flask==3.0.3",
        PY + "RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3",
        PY + "RUN export PIP_NO_CACHE_DIR=1 && pip install flask==3.0.3",
        PY + "RUN pip config set global.no-cache-dir false\nRUN pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.cache pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/cache/pip PIP_CACHE_DIR=/cache/pip pip install flask==3.0.3",
        PY + "ENV PIP_CACHE_DIR=/tmp/pip\nRUN pip install flask==3.0.3 && rm -rf /tmp/pip",
        PY + "RUN pip install --cache-dir /tmp/pc flask==3.0.3 && rm -rf /tmp/pc",
        PY + "RUN pip install flask==3.0.3 && rm -rf ~/.cache/pip",
        PY + "RUN pip install flask==3.0.3 && pip cache purge",
        PY + "RUN pip --version && pip list",
        "FROM python:3.13 AS build\nRUN pip install -r requirements.txt\nFROM python:3.13-slim\nCOPY --from=build /x /x",
        PY + "RUN pipx install black==24.10.0",
    ],
)
def test_pip_cache_passes(text):
    passes("IL6007", text)


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN pip install flask==3.0.3",
        PY + "RUN pip3.13 install -U pip",
        PY + "RUN python -I -m pip install flask==3.0.3",
        PY + "ENV PIP_NO_CACHE_DIR=\nRUN pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.npm pip install flask==3.0.3",
        PY + "RUN pip install --no-cache-dir flask==3.0.3\nRUN pip install gunicorn==23.0.0",
        PY + "ONBUILD RUN pip install -r requirements.txt",
    ],
)
def test_pip_cache_catches(text):
    catches("IL6007", text)


def test_pip_cache_location_in_multiline_run():
    text = PY + "RUN python -m venv /venv \\\n && . /venv/bin/activate \\\n && pip install \\\n      click==8.1.7\n"
    finding = catches("IL6007", text)[0]
    assert (finding.line, finding.column) == (4, 5)

# --- the fix: --no-cache-dir after install ----------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "result"),
    [
        ("RUN pip install flask==3.0.3", "RUN pip install --no-cache-dir flask==3.0.3"),
        ("RUN python -m pip install -r requirements.txt", "RUN python -m pip install --no-cache-dir -r requirements.txt"),
        ("RUN python3 -mpip install flask==3.0.3", "RUN python3 -mpip install --no-cache-dir flask==3.0.3"),
        ("RUN pip3 --disable-pip-version-check install x==1", "RUN pip3 --disable-pip-version-check install --no-cache-dir x==1"),
    ],
)
def test_fix_adds_no_cache_dir_after_install(run, result):
    assert fixed("IL6007", PY + run + "\n") == PY + result + "\n"
    assert fix_of("IL6007", PY + run + "\n").applicability == "safe"


def test_fix_in_a_multi_line_run():
    text = PY + "RUN pip install --upgrade pip==24.0 \\\n    && pip install \\\n        flask==3.0.3\n"
    assert fixed("IL6007", text) == (
        PY + "RUN pip install --no-cache-dir --upgrade pip==24.0 \\\n    && pip install --no-cache-dir \\\n        flask==3.0.3\n"
    )


def test_fix_keeps_crlf():
    text = "FROM python:3.13-slim\r\nRUN pip install \\\r\n    flask==3.0.3\r\n"
    assert fixed("IL6007", text) == "FROM python:3.13-slim\r\nRUN pip install --no-cache-dir \\\r\n    flask==3.0.3\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + PY + "RUN pip install `\n    flask==3.0.3\n"
    assert fixed("IL6007", text) == "# escape=`\n" + PY + "RUN pip install --no-cache-dir `\n    flask==3.0.3\n"


def test_fix_falls_back_to_advice_when_install_is_not_exact():
    text = PY + 'RUN sh -c "pip \\"install\\" flask==3.0.3"\n'
    assert fix_of("IL6007", text).applicability == "display-only"
    assert fixed("IL6007", text, unsafe=True) == text


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.13-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base AS app\nRUN pip install flask==3.0.3\n",
        "FROM python:3.13-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base AS deps\nFROM deps\nRUN pip install flask==3.0.3\n",
        "FROM python:3.13-slim AS base\nRUN pip config set global.no-cache-dir true\nFROM base\nRUN pip install flask==3.0.3\n",
    ],
)
def test_parent_stage_that_disables_the_cache_is_silent(text):
    passes("IL6007", text)


def test_message_is_hedged_for_a_base_image_of_unknown_env():
    text = "FROM registry.example.com/team/python:3.13\nRUN pip install flask==3.0.3\n"
    message = catches("IL6007", text)[0].message
    assert "unless the base image registry.example.com/team/python:3.13 sets PIP_NO_CACHE_DIR" in message
    text = "FROM python:3.13-slim AS base\nFROM base\nRUN pip install flask==3.0.3\n"
    assert "unless" not in catches("IL6007", text)[0].message  # official python sets no PIP_NO_CACHE_DIR
