"""Small helpers for rule tests: lint a snippet with one rule, optionally with a build context."""

from __future__ import annotations

import textwrap
from pathlib import Path

from imagelint import engine
from imagelint.settings import Settings
from imagelint.dockerfile import parse
from imagelint.findings import Finding
from imagelint.rule import registered_rules


def write_context(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def lint_snippet(
    code: str,
    text: str,
    *,
    context: dict[str, str] | None = None,
    tmp_path: Path | None = None,
    settings: Settings | None = None,
    target: str | None = None,
) -> list[Finding]:
    """Findings of one rule (or all rules when ``code`` is "ALL") on a Dockerfile snippet."""
    rules = registered_rules()
    selected = list(rules.values()) if code == "ALL" else [rules[code]]
    dockerfile = parse(textwrap.dedent(text), "Dockerfile")
    context_dir = None
    if context is not None:
        assert tmp_path is not None, "a build context needs tmp_path"
        context_dir = tmp_path
        write_context(tmp_path, context)
    findings, crashes = engine.lint(
        dockerfile, selected, settings or Settings(), context_dir=context_dir, dockerfile_path=None, target=target
    )
    assert not crashes, crashes
    return findings


def catches(code: str, text: str, **kwargs) -> list[Finding]:
    findings = [f for f in lint_snippet(code, text, **kwargs) if f.rule == code]
    assert findings, f"{code} should fire on:\n{textwrap.dedent(text)}"
    return findings


def passes(code: str, text: str, **kwargs) -> None:
    findings = [f for f in lint_snippet(code, text, **kwargs) if f.rule == code]
    assert not findings, f"{code} should not fire, got: {[f.message for f in findings]}"


def unmapped_hadolint_code() -> str:
    """A hadolint rule no imagelint rule declares as its equivalent (skips when there is none left)."""
    import pytest

    from imagelint.knowledge.hadolint_rules import HADOLINT_RULES

    mapped = {code for rule in registered_rules().values() for code in rule.hadolint}
    unmapped = sorted(set(HADOLINT_RULES) - mapped)
    if not unmapped:
        pytest.skip("every hadolint rule has an imagelint equivalent")
    return unmapped[0]
