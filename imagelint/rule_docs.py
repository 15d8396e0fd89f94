"""A rule's documentation, parsed from its check's docstring, in fixed sections::

    One-line summary.

    ## Why
    ...
    ## Bad
    ```dockerfile
    FROM python
    ```
    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ```
    ## Fix
    ...

Bad and Good examples are linted by the test suite: every Bad block must trigger the rule and no
Good block may. A ```toml block beside an example holds ``[tool.imagelint]`` settings for it
(for rules that only act when configured, such as trusted registries). An image rule's Bad/Good
sections are optional and illustrate the Dockerfile that leads to the problem (the image tests
exercise them). A ```context block beside an example lists build-context files (``path`` or
``path = content``) for rules that look at the build context.

Only commands that show documentation (``explain``, ``rules``, SARIF, the language server) import
this module: a lint never needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Example:
    dockerfile: str
    context: dict[str, str] | None  # build-context files, or None when the example needs none
    config: str | None = None  # ``[tool.imagelint]`` settings (TOML) the example is linted with


@dataclass(frozen=True, slots=True)
class RuleDoc:
    summary: str
    sections: dict[str, str]
    bad: tuple[Example, ...]
    good: tuple[Example, ...]

    @property
    def markdown(self) -> str:
        parts = [self.summary, ""]
        for title, body in self.sections.items():
            parts += [f"## {title}", body.strip(), ""]
        return "\n".join(parts).strip() + "\n"



def parse_doc(docstring: str, code: str, *, examples_required: bool = True) -> RuleDoc:
    summary, _, body = docstring.partition("\n")
    if not summary.strip():
        raise ValueError(f"rule {code} has no docstring summary")
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(body))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        sections[match.group(1)] = body[match.end() : end].strip("\n")
    required = ("Why", "Bad", "Good", "Fix") if examples_required else ("Why", "Fix")
    for section in required:
        if section not in sections:
            raise ValueError(f"rule {code}: docstring lacks a '## {section}' section")
    return RuleDoc(
        summary=summary.strip(),
        sections=sections,
        bad=_examples(sections["Bad"], code) if "Bad" in sections else (),
        good=_examples(sections["Good"], code) if "Good" in sections else (),
    )


def _examples(section: str, code: str) -> tuple[Example, ...]:
    """Dockerfile blocks, each with the ```context and ```toml blocks around it.

    A context or toml block belongs to the Dockerfile block just before it when that one has none
    of its own yet, otherwise to the next one.
    """
    examples: list[Example] = []
    pending: dict[str, object] = {}
    for match in _FENCE.finditer(section):
        kind, body = match.group(1), match.group(2)
        if kind in ("context", "toml"):
            key = "context" if kind == "context" else "config"
            value = _context_files(body) if kind == "context" else body
            if examples and getattr(examples[-1], key) is None:
                examples[-1] = replace(examples[-1], **{key: value})
            else:
                pending[key] = value
        elif kind == "dockerfile":
            examples.append(Example(body, pending.get("context"), pending.get("config")))
            pending = {}
    if not examples:
        raise ValueError(f"rule {code}: an examples section has no ```dockerfile block")
    return tuple(examples)


def _context_files(body: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for line in body.splitlines():
        if not line.strip():
            continue
        path, sep, content = line.partition(" = ")
        files[path.strip()] = content.replace("\\n", "\n") + ("\n" if sep and content else "")
    return files
