"""The Dockerfile model: bytes in, instructions and stages out, as BuildKit's parser sees them.

This is the only module that imports ``dockerfile_parse``. That library's own instruction splitter is
not faithful to BuildKit (it turns heredoc bodies into instructions and mis-expands ``${A:-b}``), so
the line structure below follows BuildKit's ``parser.Parse`` step by step, and dockerfile-parse is
used for what it does right: quote-aware word and ``key=value`` splitting.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from dockerfile_parse.util import WordSplitter, extract_key_values

from imagelint.variables import Scope, expand

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
# Instructions whose arguments BuildKit tries as a JSON array first (exec form).
JSON_CAPABLE = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})

_DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_TOKEN_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_BOM = "\ufeff"


class DockerfileInputError(Exception):
    """The input cannot be read as a Dockerfile at all (binary, unreadable). One line, names the file."""


@dataclass(frozen=True, slots=True)
class Directive:
    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Heredoc:
    name: str
    content: str
    chomp: bool  # <<-EOF: leading tabs are stripped from the body
    expand: bool  # unquoted delimiter: variables in the body are expanded
    fd: int | None
    line: int  # first body line
    end_line: int  # the terminator's line


@dataclass(frozen=True, slots=True)
class ParseProblem:
    line: int
    end_line: int
    message: str


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    text: str  # without the leading '#', stripped


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A FROM reference split the way the Docker reference grammar does."""

    raw: str  # as written, before ARG expansion
    resolved: str  # after expanding ARGs declared before the first FROM
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None
    unresolved: bool  # still holds a variable that no default resolves

    @property
    def name(self) -> str:
        """Repository without registry, e.g. ``library/python`` -> ``python``."""
        return self.repository.removeprefix("library/")

    @property
    def is_scratch(self) -> bool:
        return self.resolved.lower() == "scratch"


@dataclass(eq=False, slots=True)
class Instruction:
    keyword: str  # upper case: RUN
    written_keyword: str  # as written: run
    line: int
    end_line: int
    flags: list[str]
    value: str  # arguments after the flags, as BuildKit keeps them (continuations joined)
    original: str  # the whole logical line, keyword included
    value_offset: int  # where ``value`` starts inside ``original``
    segments: list[tuple[int, int, int]]  # (offset in original, physical line, column) per piece
    heredocs: list[Heredoc] = field(default_factory=list)
    stage: int = -1  # index of the stage; -1 before the first FROM
    index: int = 0  # position among all instructions
    json_args: list[str] | None = None  # exec (JSON) form arguments
    trigger: Instruction | None = None  # the instruction an ONBUILD wraps
    scope: Scope | None = None  # ARG/ENV visible when this instruction runs

    @property
    def is_exec_form(self) -> bool:
        return self.json_args is not None

    def flag(self, name: str) -> str | None:
        """Value of ``--name=value`` (``""`` for a bare ``--name``), or None when absent."""
        prefix = f"--{name}"
        for flag in self.flags:
            if flag == prefix:
                return ""
            if flag.startswith(prefix + "="):
                return flag[len(prefix) + 1 :]
        return None

    def flag_values(self, name: str) -> list[str]:
        prefix = f"--{name}="
        return [f[len(prefix) :] for f in self.flags if f.startswith(prefix)]

    def position(self, value_offset: int) -> tuple[int, int]:
        """Physical (line, column), both 1-based, of a character of ``value``."""
        offset = self.value_offset + value_offset
        starts = [s[0] for s in self.segments]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        seg_offset, line, column = self.segments[i]
        return line, column + (offset - seg_offset)

    def words(self) -> list[str]:
        """Arguments split on whitespace with quotes removed (no variable expansion)."""
        if self.json_args is not None:
            return list(self.json_args)
        return list(WordSplitter(self.value).split(dequote=True))

    def key_values(self) -> list[tuple[str, str]]:
        """ENV/LABEL/ARG pairs, quotes removed. Legacy ``ENV key value`` gives one pair."""
        return split_key_values(self.value)

    @property
    def is_legacy_key_value(self) -> bool:
        """``ENV key value`` (no '='), which BuildKit still accepts but deprecates."""
        if self.keyword not in ("ENV", "LABEL"):
            return False
        words = _TOKEN_WHITESPACE.split(self.value.strip(), 1)
        return bool(words[0]) and "=" not in words[0]


@dataclass(eq=False, slots=True)
class Stage:
    index: int
    name: str | None  # lower-cased, as BuildKit resolves ``--from`` names
    written_name: str | None
    base: ImageRef
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)  # FROM first
    platform: str | None = None
    parent: Stage | None = None  # the earlier stage this one is built FROM, if any
    final_scope: Scope | None = None  # ARG/ENV in force at the end of the stage

    @property
    def line(self) -> int:
        return self.from_instruction.line


@dataclass(eq=False, slots=True)
class Dockerfile:
    path: str
    text: str
    lines: list[str]
    directives: list[Directive]
    escape: str
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: Scope
    comments: list[Comment]
    problems: list[ParseProblem]

    def directive(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_by_name(self, name: str) -> Stage | None:
        lowered = name.lower()
        return next((s for s in self.stages if s.name == lowered), None)


# --- reading -------------------------------------------------------------------------------


def decode(data: bytes, path: str) -> tuple[str, list[ParseProblem]]:
    """Bytes to text. Binary input is refused; invalid UTF-8 is kept readable and reported."""
    if b"\x00" in data[:8192]:
        raise DockerfileInputError(f"{path}: not a Dockerfile (binary content)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        problem = ParseProblem(line, line, f"invalid UTF-8 (byte 0x{data[err.start]:02x}); the file should be UTF-8")
        return data.decode("utf-8", errors="replace"), [problem]


def load(path: str | Path, display_path: str | None = None) -> Dockerfile:
    shown = display_path or str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DockerfileInputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise DockerfileInputError(f"{shown}: is a directory") from None
    except OSError as err:
        raise DockerfileInputError(f"{shown}: cannot read ({err.strerror})") from None
    return parse_bytes(data, shown)


def parse_bytes(data: bytes, path: str = "Dockerfile") -> Dockerfile:
    text, problems = decode(data, path)
    return parse(text, path, problems)


# --- BuildKit's line structure --------------------------------------------------------------


def _continuation_regex(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    # Same as BuildKit: a trailing escape char not itself escaped, or an escape alone on a line.
    return re.compile(rf"([^{e}]){e}[ \t]*$|^{e}[ \t]*$")


def _split_lines(text: str) -> list[str]:
    """Physical lines without their terminators (BuildKit strips any trailing \\r and \\n)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _is_comment(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("#")


def parse(text: str, path: str = "Dockerfile", problems: list[ParseProblem] | None = None) -> Dockerfile:
    problems = list(problems or [])
    if text.startswith(_BOM):
        text = text[1:]
    lines = _split_lines(text)
    directives: list[Directive] = []
    comments: list[Comment] = []
    instructions: list[Instruction] = []
    escape = "\\"
    continuation = _continuation_regex(escape)
    directives_done = False
    seen_directives: set[str] = set()

    def directive_line(raw: str, number: int) -> bool:
        """BuildKit looks at every line until the first non-directive one."""
        nonlocal directives_done, escape, continuation
        if directives_done:
            return False
        match = _DIRECTIVE.match(raw)
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
                continuation = _continuation_regex(escape)
            else:
                problems.append(ParseProblem(number, number, f"invalid escape token '{value}': use ` or \\"))
        return True

    i = 0
    total = len(lines)
    while i < total:
        raw = lines[i]
        number = i + 1
        i += 1
        stripped = raw.lstrip()
        is_directive = directive_line(stripped, number)
        if _is_comment(stripped):
            if not is_directive:
                comments.append(Comment(number, stripped[1:].strip()))
            continue
        indent = len(raw) - len(stripped)
        joined, ended = _trim_continuation(stripped, continuation)
        if ended and not joined:
            continue
        start_line = number
        segments = [(0, number, indent + 1)]
        pieces = [joined]
        length = len(joined)
        while not ended and i < total:
            raw = lines[i]
            number = i + 1
            i += 1
            directive_line(raw, number)
            if _is_comment(raw):
                comments.append(Comment(number, raw.lstrip()[1:].strip()))
                continue
            if not raw.strip():
                continue  # BuildKit skips empty continuation lines (and warns)
            piece, ended = _trim_continuation(raw, continuation)
            segments.append((length, number, 1))
            pieces.append(piece)
            length += len(piece)
        logical = "".join(pieces)
        instruction = _instruction_from_line(logical, segments, start_line, number, problems)
        if instruction is None:
            continue
        target = instruction.trigger or instruction
        if target.keyword in HEREDOC_INSTRUCTIONS and target.json_args is None and "<<" in logical:
            i = _read_heredocs(target, logical, lines, i, problems)
            instruction.end_line = target.end_line = max(instruction.end_line, i)
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
    _build_stages(dockerfile)
    return dockerfile


def _trim_continuation(line: str, continuation: re.Pattern[str]) -> tuple[str, bool]:
    match = continuation.search(line)
    if not match:
        return line, True
    return line[: match.start()] + (match.group(1) or ""), False


def _instruction_from_line(
    logical: str,
    segments: list[tuple[int, int, int]],
    start_line: int,
    end_line: int,
    problems: list[ParseProblem],
) -> Instruction | None:
    leading = len(logical) - len(logical.lstrip(" \t\v\f\r"))
    parts = _TOKEN_WHITESPACE.split(logical.strip(" \t\v\f\r\n"), maxsplit=1)
    written = parts[0]
    keyword = written.upper()
    rest = parts[1] if len(parts) == 2 else ""
    rest_offset = logical.find(rest, leading + len(written)) if rest else len(logical)
    value_rel, flags = extract_builder_flags(rest)
    value = value_rel.strip()
    value_offset = rest_offset + (len(rest) - len(value_rel)) + (len(value_rel) - len(value_rel.lstrip()))
    instruction = Instruction(
        keyword=keyword,
        written_keyword=written,
        line=start_line,
        end_line=end_line,
        flags=flags,
        value=value,
        original=logical,
        value_offset=value_offset,
        segments=segments,
    )
    if keyword == "ONBUILD":
        instruction.flags = []
        sub = _instruction_from_line(rest, _shift_segments(segments, rest_offset), start_line, end_line, problems)
        if sub is not None and sub.value == "" and sub.written_keyword == "":
            sub = None
        instruction.value = rest.strip()
        instruction.value_offset = rest_offset
        instruction.trigger = sub
        if sub is None:
            problems.append(ParseProblem(start_line, end_line, "ONBUILD needs an instruction to run"))
        return instruction
    if keyword in JSON_CAPABLE:
        instruction.json_args = _json_args(value)
    return instruction


def _shift_segments(segments: list[tuple[int, int, int]], offset: int) -> list[tuple[int, int, int]]:
    """Segments of a substring of the logical line that starts at ``offset``."""
    shifted = []
    for seg_offset, line, column in segments:
        if seg_offset + 0 <= offset:
            shifted = [(0, line, column + (offset - seg_offset))]
        else:
            shifted.append((seg_offset - offset, line, column))
    return shifted


def _json_args(value: str) -> list[str] | None:
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return parsed
    return None


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """Leading ``--flag[=value]`` words, as BuildKit's extractBuilderFlags splits them."""
    words: list[str] = []
    word: list[str] = []
    in_word = in_quote = False
    quote = ""
    blank_ok = False
    pos = 0
    n = len(line)
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if not in_word and not in_quote:
            if pos == n:
                break
            if ch.isspace():
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return line[pos:], words
            in_word = True
        if pos == n:
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(text)
            break
        if in_word and not in_quote:
            if ch.isspace():
                in_word = False
                text = "".join(word)
                if text != "--" and (blank_ok or text):
                    words.append(text)
                word = []
                blank_ok = False
                if text == "--":
                    return line[pos:], words
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                in_quote = True
                blank_ok = True
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # inside quotes
        if ch == quote:
            in_quote = False
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        word.append(ch)
        pos += 1
    return "", words


def _raw_words(line: str) -> list[str]:
    """Whitespace-separated words keeping quotes and escapes, like BuildKit's raw shell lexer."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    has_word = False
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if quote:
            current.append(ch)
            if ch == "\\" and quote == '"' and i + 1 < n:
                current.append(line[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = ""
            i += 1
            continue
        if ch in " \t\r\n":
            if has_word:
                words.append("".join(current))
                current, has_word = [], False
            i += 1
            continue
        has_word = True
        current.append(ch)
        if ch == "\\" and i + 1 < n:
            current.append(line[i + 1])
            i += 2
            continue
        if ch in ("'", '"'):
            quote = ch
        i += 1
    if has_word:
        words.append("".join(current))
    return words


def _heredoc_specs(line: str) -> list[tuple[str, bool, bool, int | None]]:
    specs = []
    for word in _raw_words(line):
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        unquoted = list(WordSplitter(rest).split(dequote=True))
        if len(unquoted) != 1:
            continue
        name = unquoted[0]
        expand = not any(q in rest for q in ("'", '"'))
        fd = int(match.group(1)) if match.group(1) else None
        specs.append((name, match.group(2) == "-", expand, fd))
    return specs


def _read_heredocs(
    instruction: Instruction, logical: str, lines: list[str], i: int, problems: list[ParseProblem]
) -> int:
    """Consume each heredoc body after the instruction; returns the index of the next line to read."""
    for name, chomp, expand_vars, fd in _heredoc_specs(logical):
        body: list[str] = []
        first = i + 1
        terminated = False
        while i < len(lines):
            raw = lines[i]
            i += 1
            candidate = raw.lstrip("\t") if chomp else raw
            if candidate == name:
                terminated = True
                break
            body.append(raw + "\n")
        if not terminated:
            problems.append(
                ParseProblem(instruction.line, max(i, instruction.line), f"unterminated heredoc '{name}': no line '{name}' ends it")
            )
        instruction.heredocs.append(Heredoc(name, "".join(body), chomp, expand_vars, fd, first, i))
        instruction.end_line = max(instruction.end_line, i)
    return i


# --- values ------------------------------------------------------------------------------------


def split_key_values(value: str) -> list[tuple[str, str]]:
    """``a=1 b="x y"`` pairs (or the legacy ``key value with spaces``), quotes removed."""
    try:
        return [(k, v) for k, v in extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)]
    except (ValueError, IndexError):
        return []


def arg_declarations(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``ARG A B=1`` -> [("A", None), ("B", "1")]."""
    result: list[tuple[str, str | None]] = []
    for word in WordSplitter(instruction.value).split(dequote=False):
        name, sep, default = word.partition("=")
        if not name:
            continue
        result.append((name, list(WordSplitter(default).split(dequote=True))[0] if sep and default else ("" if sep else None)))
    return result


_DIGEST = re.compile(r"@([A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})$")


def parse_image_ref(raw: str, resolved: str, unresolved: bool) -> ImageRef:
    ref = resolved
    digest = None
    if "@" in ref:
        ref, _, digest = ref.partition("@")
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, _, tag = ref.rpartition(":")
    registry = None
    first, sep, remainder = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, ref = first, remainder
    return ImageRef(
        raw=raw,
        resolved=resolved,
        registry=registry,
        repository=ref,
        tag=tag or None,
        digest=digest or None,
        unresolved=unresolved,
    )


def _build_stages(dockerfile: Dockerfile) -> None:
    """Assign stages, resolve FROM references and track ARG/ENV scopes."""
    global_args = dockerfile.global_args
    scope = Scope()  # instructions before the first FROM see only earlier global ARGs
    stage: Stage | None = None
    for index, instruction in enumerate(dockerfile.instructions):
        instruction.index = index
        keyword = instruction.keyword
        if keyword == "FROM":
            stage = _new_stage(dockerfile, instruction, len(dockerfile.stages))
            dockerfile.stages.append(stage)
            scope = stage.parent.final_scope.child_for_stage() if stage.parent and stage.parent.final_scope else Scope()
            scope.globals = global_args
        if stage is None:
            instruction.stage = -1
            instruction.scope = global_args.copy()
            if keyword == "ARG":
                for name, default in arg_declarations(instruction):
                    value = expand(default, global_args) if default is not None else None
                    global_args.declare_arg(name, value.text if value is not None else None)
            continue
        instruction.stage = stage.index
        stage.instructions.append(instruction)
        if keyword == "ARG":
            scope = scope.copy()
            for name, default in arg_declarations(instruction):
                value = expand(default, scope).text if default is not None else None
                scope.declare_arg(name, value)
        elif keyword == "ENV":
            scope = scope.copy()
            for name, value in instruction.key_values():
                scope.set_env(name, expand(value, scope).text)
        instruction.scope = scope
        stage.final_scope = scope


def _new_stage(dockerfile: Dockerfile, instruction: Instruction, index: int) -> Stage:
    words = _TOKEN_WHITESPACE.split(instruction.value.strip()) if instruction.value.strip() else []
    image_word = words[0] if words else ""
    written_name = None
    if len(words) >= 3 and words[1].lower() == "as":
        written_name = words[2]
    elif len(words) not in (0, 1):
        dockerfile.problems.append(
            ParseProblem(instruction.line, instruction.end_line, "FROM takes an image, optionally followed by 'AS name'")
        )
    if not words:
        dockerfile.problems.append(ParseProblem(instruction.line, instruction.end_line, "FROM needs an image"))
    expanded = expand(image_word, dockerfile.global_args)
    base = parse_image_ref(image_word, expanded.text, bool(expanded.undefined))
    stage = Stage(
        index=index,
        name=written_name.lower() if written_name else None,
        written_name=written_name,
        base=base,
        from_instruction=instruction,
        platform=instruction.flag("platform"),
    )
    if not base.registry and base.tag is None and base.digest is None:
        stage.parent = dockerfile.stage_by_name(base.repository)
    return stage
