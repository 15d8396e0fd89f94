"""BuildKit's line structure: text in, a :class:`~imagelint.dockerfile.model.Dockerfile` out.

This follows BuildKit's frontend/dockerfile/parser ``Parse`` step by step: physical lines, parser
directives, comments, continuations (with the escape directive's character), then each logical line
goes to :mod:`~imagelint.dockerfile.arguments` (splitCommand, extractBuilderFlags, the line parsers)
and :mod:`~imagelint.dockerfile.heredocs` (heredocsFromLine and the bodies), and the finished
instructions to :mod:`~imagelint.dockerfile.stages`. Where BuildKit versions differ, this follows
current BuildKit; the differences from older releases are noted.
"""

from __future__ import annotations

import re

from imagelint.dockerfile.arguments import instruction_from_line
from imagelint.dockerfile.heredocs import read_heredocs
from imagelint.dockerfile.model import Comment, Directive, Dockerfile, Instruction, ParseProblem
from imagelint.dockerfile.stages import build_stages
from imagelint.dockerfile.syntax import GO_SPACE, HEREDOC_INSTRUCTIONS, KNOWN_DIRECTIVES
from imagelint.lazy_pattern import LazyPattern
from imagelint.variables import Scope

# After the '#' and any space: ``name = value`` (RE2's \s is [\t\n\f\r ]).
_DIRECTIVE = LazyPattern(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_BOM = "\ufeff"


def _split_lines(text: str) -> list[str]:
    """Physical lines as BuildKit's scanner yields them, split on ``\\n`` only, with every trailing
    ``\\r`` trimmed (BuildKit's trimNewline)."""
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()  # the text's final newline ends the last line, it starts no new one
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    return lines


def _raw_lines(text: str) -> list[str]:
    """The physical lines as read, line ending included: heredoc bodies are copied from those byte
    for byte, so a CRLF file gives heredoc content with ``\\r\\n`` just as BuildKit does."""
    parts = text.split("\n")
    raw = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        raw.append(parts[-1])
    return raw


def _match_directive(line: str) -> re.Match[str] | None:
    """``# name=value``: BuildKit cuts the '#', trims Unicode space, then matches the rest."""
    if not line.startswith("#"):
        return None
    return _DIRECTIVE.match(line[1:].lstrip(GO_SPACE))


def parse(
    text: str, path: str = "Dockerfile", problems: list[ParseProblem] | None = None, *, build_args: dict[str, str] | None = None
) -> Dockerfile:
    problems = list(problems or [])
    if text.startswith(_BOM):
        text = text[1:]
    lines = _split_lines(text)
    raw_lines: list[str] | None = None  # made for the first heredoc: few files have one
    directives: list[Directive] = []
    comments: list[Comment] = []
    instructions: list[Instruction] = []
    escape = "\\"
    directives_done = False
    seen_directives: set[str] = set()
    unterminated_heredocs: dict[tuple[str, bool], int] = {}

    def directive_line(line: str, number: int) -> bool:
        """BuildKit tries every line (continuation lines too) until the first non-directive one."""
        nonlocal directives_done, escape
        if directives_done:
            return False
        match = _match_directive(line)
        if not match or match.group(1).lower() not in KNOWN_DIRECTIVES:
            directives_done = True
            return False
        name, value = match.group(1).lower(), match.group(2)
        if name in seen_directives:
            problems.append(ParseProblem(number, number, f"only one '{name}' parser directive can be used"))
            return True
        seen_directives.add(name)
        directives.append(Directive(name, value, number))
        if name == "escape":
            if value in ("\\", "`"):
                escape = value
            else:
                problems.append(ParseProblem(number, number, f"invalid escape token '{value}': use ` or \\"))
        return True

    i = 0
    total = len(lines)
    while i < total:
        raw = lines[i]
        number = i + 1
        i += 1
        stripped = raw.lstrip(GO_SPACE)  # the first line of an instruction is left-trimmed
        if not stripped:
            directives_done = True  # a blank line ends the parser directives, and is skipped
            continue
        is_directive = not directives_done and directive_line(stripped, number)
        if stripped.startswith("#"):
            if not is_directive:
                comments.append(Comment(number, stripped[1:].strip(GO_SPACE)))
            continue
        indent = len(raw) - len(stripped)
        joined, ended = _trim_continuation(stripped, escape)
        if ended and not joined:
            continue
        start_line = number
        segments = [(0, number, indent + 1)]
        pieces = [joined]
        length = len(joined)
        while not ended and i < total:
            raw = lines[i]  # continuation lines are not left-trimmed
            number = i + 1
            i += 1
            if not directives_done:
                directive_line(raw, number)
            left_trimmed = raw.lstrip(GO_SPACE)
            if left_trimmed.startswith("#"):
                comments.append(Comment(number, left_trimmed[1:].strip(GO_SPACE)))
                continue
            if not left_trimmed:
                continue  # BuildKit skips empty continuation lines (and warns)
            piece, ended = _trim_continuation(raw, escape)
            segments.append((length, number, 1))
            pieces.append(piece)
            length += len(piece)
        logical = "".join(pieces)
        instruction = instruction_from_line(logical, segments, start_line, number, escape, problems)
        # BuildKit looks for heredocs on RUN/COPY/ADD (also behind ONBUILD) in shell form only.
        target = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
        if (
            target is not None
            and target.keyword in HEREDOC_INSTRUCTIONS
            and target.json_args is None
            and "<<" in logical
        ):
            if raw_lines is None:
                raw_lines = _raw_lines(text)
            i = read_heredocs(target, logical, lines, raw_lines, i, problems, unterminated_heredocs)
            instruction.end_line = target.end_line
        instructions.append(instruction)

    dockerfile = Dockerfile(
        path=path,
        text=text,
        lines=lines,
        directives=directives,
        escape=escape,
        instructions=instructions,
        stages=[],
        global_args=Scope(),
        comments=comments,
        problems=problems,
    )
    if not instructions:
        problems.append(ParseProblem(max(1, len(lines)), max(1, len(lines)), "file with no instructions"))
    build_stages(dockerfile, build_args)
    return dockerfile


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """The line without its continuation escape, and whether the instruction ends on it.

    BuildKit's continuation pattern is ``([^E])E[ \t]*$|^E[ \t]*$`` for the escape character E:
    a trailing escape (spaces and tabs after it allowed) that is not itself escaped, or an escape
    alone on the line. Matched here with string methods: every line of a file goes through this.
    """
    kept = line.rstrip(" \t")
    if not kept.endswith(escape):
        return line, True
    if len(kept) == 1:
        return "", False  # the escape alone on its line
    if kept[-2] == escape:
        return line, True  # an escaped escape: a literal character, the instruction ends here
    return kept[:-1], False
