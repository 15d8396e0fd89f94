"""IL6013 unpinned-pip-package: pip packages without a version."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import PY
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN pip install --no-cache-dir flask==3.0.3",
        "RUN pip install --no-cache-dir 'flask>=3,<4' 'requests~=2.32' 'six!=1.0'",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "RUN pip install --no-cache-dir --requirement=requirements.txt",
        "RUN pip install --no-cache-dir .",
        "RUN pip install --no-cache-dir -e .",
        "RUN pip install --no-cache-dir --editable ./pkg",
        "RUN pip install --no-cache-dir /wheels/app-1.0-py3-none-any.whl",
        "RUN pip install --no-cache-dir ./dist/app.tar.gz",
        "RUN pip install --no-cache-dir -c constraints.txt flask",
        "RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple --trusted-host pypi.example.com flask==3.0.3",
        "RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu torch==2.5.1",
        "RUN pip install --no-cache-dir --target /deps --platform manylinux2014_x86_64 --only-binary=:all: numpy==2.1.3",
        "RUN pip install --no-cache-dir git+https://github.com/org/repo.git@v1.2.0",
        "RUN pip install --no-cache-dir 'pkg @ https://example.com/pkg-1.0.tar.gz'",
        "RUN pip install --no-cache-dir \"tensorflow${TF_POSTFIX}\"",
        "ENV PIP_CONSTRAINT=/constraints.txt\nRUN pip install --no-cache-dir flask",
        "RUN pip download flask",
    ],
)
def test_pip_pin_passes(run):
    passes("IL6013", PY + run)


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("RUN pip install --no-cache-dir flask gunicorn", "flask, gunicorn"),
        ("RUN pip install --no-cache-dir -r requirements.txt extra-tool", "extra-tool"),
        ("RUN pip install --no-cache-dir git+https://github.com/org/repo.git", "git+https://github.com/org/repo.git"),
        ("RUN python3 -m pip install --no-cache-dir --upgrade pip", "pip"),
        ("RUN pip install --no-cache-dir --progress-bar off awscli", "awscli"),
    ],
)
def test_pip_pin_catches(run, names):
    assert names in catches("IL6013", PY + run)[0].message
