"""File contents and a lint helper shared by the build-context rule tests."""

from __future__ import annotations

import os
from pathlib import Path

from imagelint import engine
from imagelint.dockerfile import parse
from imagelint.rule import registered_rules
from imagelint.settings import Settings

PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def lint_in(code: str, text: str, root: Path, *, dockerfile: str = "Dockerfile", explicit: bool = False, context: Path | None = None):
    """Lint a Dockerfile written at root/dockerfile, the way `imagelint lint` does."""
    path = root / dockerfile
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    shown = os.path.relpath(path, root)
    findings, crashes = engine.lint(
        parse(text, shown),
        [registered_rules()[code]],
        Settings(),
        context_dir=context or path.parent,
        context_explicit=explicit,
        dockerfile_path=path,
    )
    assert not crashes
    return findings
