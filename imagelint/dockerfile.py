"""The Dockerfile model: bytes in, instructions and stages out, as BuildKit's parser sees them.

This is the only module that imports ``dockerfile_parse``. That library's own instruction splitter is
not faithful to BuildKit (it turns heredoc bodies into instructions and mis-expands ``${A:-b}``), so
the line structure below follows BuildKit's parser step by step: ``parser.Parse`` for lines,
directives, continuations and heredoc bodies, ``splitCommand``/``extractBuilderFlags`` for the
keyword and flags, the line parsers for exec form and the errors they raise, and the shell lexer
for finding heredocs. dockerfile-parse is used for what it does right: quote-aware word and
``key=value`` splitting of arguments.

tests/test_fidelity.py holds this to BuildKit's own parser over the whole corpus.
"""

from __future__ import annotations

import bisect
import dataclasses
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

# Go's unicode.IsSpace, which BuildKit uses to trim lines and arguments (Python's str.isspace
# differs: it also counts \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# After the '#' and any space: ``name = value`` (RE2's \s is [\t\n\f\r ]).
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_TOKEN_WHITESPACE = re.compile(r"[\t\v\f\r ]+")  # BuildKit's reWhitespace (ASCII only)
# A heredoc word: optional fd, <<, optional -, then the name. Current BuildKit (>= 0.22) allows
# blanks between << and the name (``<< EOF``); earlier releases did not.
_HEREDOC_WORD = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")
_HEALTHCHECK_TYPE = re.compile(r"[\t\n\v\f\r \x85\xa0]+")
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


@dataclass(frozen=True, slots=True)
class Mount:
    """One ``RUN --mount=...`` flag, read as BuildKit reads it: comma-separated ``key=value`` fields."""

    fields: dict[str, str]  # keys lower-cased, values unquoted; a bare ``key`` is "true"

    @property
    def type(self) -> str:
        return self.fields.get("type", "bind")

    @property
    def target(self) -> str | None:
        return self.fields.get("target") or self.fields.get("dst") or self.fields.get("destination")

    @property
    def from_stage(self) -> str | None:
        """The ``from=`` value: the stage (or image) a bind or cache mount reads from."""
        return self.fields.get("from") or None


def _parse_mount(spec: str) -> Mount:
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if key:
            fields[key] = value.strip().strip("\"'") if sep else "true"
    return Mount(fields)


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
    # words() and key_values() run a quote-aware splitter that dominates the lint time when every
    # rule calls it again; ``value`` never changes once parsed, so they are split once.
    _words: tuple[str, ...] | None = field(default=None, init=False, repr=False)
    _key_values: tuple[tuple[str, str], ...] | None = field(default=None, init=False, repr=False)

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
        if self._words is None:
            self._words = tuple(self.json_args if self.json_args is not None else split_words(self.value))
        return list(self._words)

    def key_values(self) -> list[tuple[str, str]]:
        """ENV/LABEL/ARG pairs, quotes removed. Legacy ``ENV key value`` gives one pair."""
        if self._key_values is None:
            self._key_values = tuple(split_key_values(self.value))
        return list(self._key_values)

    def mounts(self) -> list[Mount]:
        """The ``--mount`` flags of a RUN."""
        return [_parse_mount(spec) for spec in self.flag_values("mount")]

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
#
# Everything below follows BuildKit's frontend/dockerfile/parser (Parse, splitCommand,
# extractBuilderFlags, the line parsers, heredocsFromLine) and its shell lexer. Where BuildKit
# versions differ, this follows current BuildKit; the differences from older releases are noted.


def _continuation_regex(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    # Same as BuildKit: a trailing escape char not itself escaped, or an escape alone on a line.
    return re.compile(rf"([^{e}]){e}[ \t]*\Z|^{e}[ \t]*\Z")


def _split_lines(text: str) -> tuple[list[str], list[str]]:
    """Physical lines as BuildKit's scanner yields them, split on ``\\n`` only.

    Returns the lines with every trailing ``\\r``/``\\n`` trimmed (BuildKit's trimNewline), and the same
    lines as read, line ending included: heredoc bodies are copied from those byte for byte, so a
    CRLF file gives heredoc content with ``\\r\\n`` just as BuildKit does.
    """
    parts = text.split("\n")
    raw = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        raw.append(parts[-1])
    return [line.rstrip("\r\n") for line in raw], raw


def _is_comment(line: str) -> bool:
    return line.lstrip(_GO_SPACE).startswith("#")


def _match_directive(line: str) -> re.Match[str] | None:
    """``# name=value``: BuildKit cuts the '#', trims Unicode space, then matches the rest."""
    if not line.startswith("#"):
        return None
    return _DIRECTIVE.match(line[1:].lstrip(_GO_SPACE))


def parse(text: str, path: str = "Dockerfile", problems: list[ParseProblem] | None = None) -> Dockerfile:
    problems = list(problems or [])
    if text.startswith(_BOM):
        text = text[1:]
    lines, raw_lines = _split_lines(text)
    directives: list[Directive] = []
    comments: list[Comment] = []
    instructions: list[Instruction] = []
    escape = "\\"
    continuation = _continuation_regex(escape)
    directives_done = False
    seen_directives: set[str] = set()

    def directive_line(line: str, number: int) -> bool:
        """BuildKit tries every line (continuation lines too) until the first non-directive one."""
        nonlocal directives_done, escape, continuation
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
        stripped = raw.lstrip(_GO_SPACE)  # the first line of an instruction is left-trimmed
        is_directive = directive_line(stripped, number)
        if stripped.startswith("#"):
            if not is_directive:
                comments.append(Comment(number, stripped[1:].strip(_GO_SPACE)))
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
            raw = lines[i]  # continuation lines are not left-trimmed
            number = i + 1
            i += 1
            directive_line(raw, number)
            if _is_comment(raw):
                comments.append(Comment(number, raw.lstrip(_GO_SPACE)[1:].strip(_GO_SPACE)))
                continue
            if not raw.lstrip(_GO_SPACE):
                continue  # BuildKit skips empty continuation lines (and warns)
            piece, ended = _trim_continuation(raw, continuation)
            segments.append((length, number, 1))
            pieces.append(piece)
            length += len(piece)
        logical = "".join(pieces)
        instruction = _instruction_from_line(logical, segments, start_line, number, escape, problems)
        # BuildKit looks for heredocs on RUN/COPY/ADD (also behind ONBUILD) in shell form only.
        target = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
        if (
            target is not None
            and target.keyword in HEREDOC_INSTRUCTIONS
            and target.json_args is None
            and "<<" in logical
        ):
            i = _read_heredocs(target, logical, lines, raw_lines, i, problems)
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
    escape: str,
    problems: list[ParseProblem],
) -> Instruction:
    """BuildKit's newNodeFromLine: keyword, flags, arguments, then the keyword's own line parser."""
    # splitCommand: TrimSpace (Unicode), split off the keyword at ASCII whitespace, then the flags.
    leading = len(logical) - len(logical.lstrip(_GO_SPACE))
    body = logical.strip(_GO_SPACE)
    separator = _TOKEN_WHITESPACE.search(body)
    if separator:
        written, rest, rest_offset = body[: separator.start()], body[separator.end() :], leading + separator.end()
    else:
        written, rest, rest_offset = body, "", len(logical)
    after_flags, flags = extract_builder_flags(rest)
    value = after_flags.strip(_GO_SPACE)
    value_offset = rest_offset + (len(rest) - len(after_flags)) + (len(after_flags) - len(after_flags.lstrip(_GO_SPACE)))
    keyword = written.upper()
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

    def reject(message: str) -> None:
        problems.append(ParseProblem(start_line, end_line, message))

    if keyword == "ONBUILD":
        # The flags before the trigger belong to ONBUILD itself (``ONBUILD --x RUN y``): BuildKit's
        # parser keeps them there, and the build then rejects them. The trigger is parsed like a line.
        if value:
            trigger_segments = _shift_segments(segments, value_offset)
            instruction.trigger = _instruction_from_line(value, trigger_segments, start_line, end_line, escape, problems)
        else:
            reject("ONBUILD needs an instruction to run")
    elif keyword in JSON_CAPABLE:
        try:
            instruction.json_args = _json_array(value)
        except _NotStringArray:
            reject(f"{keyword}: {_NOT_STRING_ARRAY}")
    elif keyword == "HEALTHCHECK":
        # ``HEALTHCHECK CMD [...]``: BuildKit parses what follows the type word as maybe-JSON.
        # The model keeps HEALTHCHECK's arguments unsplit (no json_args), but the error is BuildKit's.
        parts = _HEALTHCHECK_TYPE.split(value, maxsplit=1)
        try:
            _json_array(parts[1] if len(parts) == 2 else "")
        except _NotStringArray:
            reject(f"HEALTHCHECK: {_NOT_STRING_ARRAY}")
    elif keyword in ("ENV", "LABEL"):
        message = _name_value_error(keyword, value, escape)
        if message:
            reject(message)
    return instruction


def _shift_segments(segments: list[tuple[int, int, int]], offset: int) -> list[tuple[int, int, int]]:
    """Segments of a substring of the logical line that starts at ``offset``."""
    shifted = []
    for seg_offset, line, column in segments:
        if seg_offset <= offset:
            shifted = [(0, line, column + (offset - seg_offset))]
        else:
            shifted.append((seg_offset - offset, line, column))
    return shifted


class _NotStringArray(ValueError):
    pass


_NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


def _reject_json_constant(name: str) -> None:
    raise ValueError(f"not JSON: {name}")  # Python accepts NaN/Infinity, Go's encoding/json does not


_JSON = json.JSONDecoder(parse_constant=_reject_json_constant)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_array(value: str) -> list[str] | None:
    """BuildKit's parseJSON: the exec-form arguments, or None for shell form.

    Like Go's ``json.Decoder.Decode`` only the first JSON value counts: ``CMD ["a"] b`` is exec form
    ``["a"]`` with ``b`` ignored. An array holding anything but strings is an error, not shell form.
    """
    text = value.lstrip(_GO_SPACE)
    if not text.startswith("["):
        return None
    try:
        parsed, _end = _JSON.raw_decode(text)
    except ValueError:
        return None
    if not all(isinstance(item, str) for item in parsed):
        raise _NotStringArray
    # Go decodes an unpaired \ud800 escape as U+FFFD; Python would keep an unencodable surrogate.
    return [_LONE_SURROGATE.sub("\ufffd", item) for item in parsed]


def _name_value_error(keyword: str, value: str, escape: str) -> str | None:
    """What BuildKit's parseNameVal rejects in ENV/LABEL, or None."""
    words = _parse_words(value, escape)
    if not words:
        return None
    if "=" not in words[0]:
        # Legacy ``ENV name value``: needs something after the name.
        if len(_TOKEN_WHITESPACE.split(value, maxsplit=1)) < 2:
            return f"{keyword} {words[0]} has no value: BuildKit rejects it; write {keyword} {words[0]}=value"
        return None
    for word in words:
        if "=" not in word:
            return f"{keyword}: {word!r} is not name=value; BuildKit rejects the instruction"
    return None


def _parse_words(text: str, escape: str) -> list[str]:
    """BuildKit's parseWords: split on Unicode space outside quotes, keeping quotes and escapes."""
    words: list[str] = []
    word: list[str] = []
    in_word = False
    quote = ""
    blank_ok = False
    pos = 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        if not in_word:
            if ch in _GO_SPACE:
                pos += 1
                continue
            in_word = True
        if not quote:
            if ch in _GO_SPACE:
                if blank_ok or word:
                    words.append("".join(word))
                word, blank_ok, in_word = [], False, False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote, blank_ok = ch, True
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue  # an escape at the very end is dropped
                word.append(ch)  # outside quotes the escape stays, with the character it escapes
                pos += 1
                ch = text[pos]
            word.append(ch)
            pos += 1
            continue
        if ch == quote:
            quote = ""
        elif ch == escape and quote != "'":  # nothing escapes inside single quotes
            if pos + 1 == n:
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = text[pos]
        word.append(ch)
        pos += 1
    if in_word and (blank_ok or word):
        words.append("".join(word))
    return words


# unicode.IsSpace of a single byte turned into a rune: ASCII space plus NEL and NBSP.
_BYTE_SPACE = frozenset("\t\n\v\f\r \x85\xa0")


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """Leading ``--flag[=value]`` words and the rest of the line, as BuildKit's extractBuilderFlags.

    BuildKit walks the line byte by byte and turns each byte into a character, so in a flag a
    non-ASCII character comes out as its UTF-8 bytes read as Latin-1 (``--chown=ü`` becomes
    ``--chown=Ã¼``), and the continuation bytes 0x85 and 0xA0 count as spaces (``--a=à`` ends
    after ``Ã``). The flags keep that mangling: it is what the build then uses.
    """
    ascii_only = line.isascii()
    data = line if ascii_only else line.encode("utf-8", "surrogatepass").decode("latin-1")

    def rest_from(pos: int) -> str:
        if ascii_only:
            return line[pos:]
        # Back from a byte offset to a character offset (rounded down to the character holding it).
        return line[len(data[:pos].encode("latin-1").decode("utf-8", "ignore")) :]

    words: list[str] = []
    word: list[str] = []
    in_word = False
    quote = ""
    blank_ok = False
    pos = 0
    n = len(data)
    while pos < n:
        ch = data[pos]
        if not in_word:
            if ch in _BYTE_SPACE:
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or data[pos + 1] != "-":
                return rest_from(pos), words  # the first word that is not a --flag ends the flags
            in_word = True
        if not quote:
            if ch in _BYTE_SPACE:
                text = "".join(word)
                if text == "--":
                    return rest_from(pos), words  # `--` ends the flags and is dropped
                if blank_ok or text:
                    words.append(text)
                word, blank_ok, in_word = [], False, False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote, blank_ok = ch, True
                pos += 1
                continue
            if ch == "\\":  # always backslash here, whatever the escape directive says
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = data[pos]
            word.append(ch)
            pos += 1
            continue
        if ch == quote:
            quote = ""
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                quote = ""
                pos += 1
                continue
            pos += 1
            ch = data[pos]
        word.append(ch)
        pos += 1
    if in_word:
        text = "".join(word)
        if text != "--" and (blank_ok or text):
            words.append(text)
    return "", words


# --- heredocs ----------------------------------------------------------------------------------


class _LexError(ValueError):
    pass


class _ShellWords:
    """BuildKit's shell lexer (shell.Lex) as its heredoc detection uses it: words of a line with an
    empty environment and SkipUnsetEnv, so ``$X`` and ``${X:-y}`` stay as written. The escape is
    always a backslash. Lexing errors (an unclosed quote, a bad ``${}``) raise ``_LexError``.
    """

    # Runs of characters with no meaning to the lexer, consumed in one step (big RUN lines).
    _PLAIN = re.compile("[^$<'\"\\\\" + re.escape(_GO_SPACE) + "]+")

    def __init__(self, text: str, *, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.pos = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def words(self) -> list[str]:
        return self._process(None, self.raw_escapes)[1]

    def _peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def _next(self) -> str | None:
        ch = self._peek()
        if ch is not None:
            self.pos += 1
        return ch

    def _process(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        """processStopOn: read up to ``stop`` (or the end) and return (text, words)."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            result: list[str] = []
            words = _Words()
            while (ch := self._peek()) is not None:
                if stop is not None and ch == stop:
                    self.pos += 1
                    return "".join(result), words.get()
                if ch == "$":
                    text = self._dollar()
                    result.append(text)
                    words.add_string(text)  # variable values are word-split
                    continue
                if ch in ("<", "'", '"'):
                    text = self._heredoc_marker() if ch == "<" else self._quoted(ch)
                    result.append(text)
                    words.add_raw(text)
                    continue
                if stop is None:
                    plain = self._PLAIN.match(self.text, self.pos)
                    if plain:
                        result.append(plain.group())
                        words.add_raw(plain.group())
                        self.pos = plain.end()
                        continue
                self.pos += 1
                if ch == "\\":
                    if self.raw_escapes:
                        words.add_raw(ch)
                        result.append(ch)
                    ch = self._next()
                    if ch is None:
                        break
                    words.add_raw(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
            if stop is not None:
                raise _LexError(f"no matching {stop}")
            return "".join(result), words.get()
        finally:
            self.raw_escapes = saved

    def _quoted(self, quote: str) -> str:
        self.pos += 1
        out = [quote] if self.raw_quotes else []
        while True:
            ch = self._peek()
            if ch is None:
                raise _LexError(f"no matching {quote}")
            if ch == quote:
                self.pos += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if quote == '"' and ch == "$":
                out.append(self._dollar())
                continue
            self.pos += 1
            if quote == '"' and ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                following = self._peek()
                if following is None:
                    continue  # the loop then fails on the missing closing quote
                if following in ('"', "$", "\\"):
                    ch = self._next()
            out.append(ch)

    def _dollar(self) -> str:
        self.pos += 1
        if self._peek() != "{":
            return "$" + self._name()
        self.pos += 1
        first = self._peek()
        if first is None:
            raise _LexError("missing '}'")
        if first in "{}:":
            raise _LexError("bad substitution")
        name = self._name()
        ch = self._next()
        if ch == "}":
            return "${" + name + "}"
        if ch is not None and ch in ":+-?#%":
            modifier = ch
            if ch == ":":
                ch = self._next()
                modifier += ch or ""
            word, _ = self._process("}", ch in ("#", "%"))
            return "${" + name + modifier + word + "}"
        if ch == "/":
            if self._peek() == "/":
                self.pos += 1
            pattern, _ = self._process("/", True)
            replacement, _ = self._process("}", True)
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        raise _LexError("unsupported modifier")

    def _name(self) -> str:
        start = self.pos
        ch = self._peek()
        if ch is not None and ch.isdecimal():
            while (ch := self._peek()) is not None and ch.isdecimal():
                self.pos += 1
            return self.text[start : self.pos]
        if ch is not None and ch in "@*#?-$!0":
            self.pos += 1
            return ch
        while (ch := self._peek()) is not None and (ch.isalpha() or ch.isdecimal() or ch == "_"):
            self.pos += 1
        return self.text[start : self.pos]

    def _heredoc_marker(self) -> str:
        """``<<`` keeps the blanks after it in its word, so ``<< EOF`` is one word (BuildKit >= 0.22)."""
        self.pos += 1
        if self._peek() != "<":
            return "<"
        self.pos += 1
        start = self.pos
        while self._peek() in (" ", "\t", "\r"):
            self.pos += 1
        return "<<" + self.text[start : self.pos]


class _Words:
    """The lexer's word collector: unquoted Unicode space separates words, empty words vanish."""

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch in _GO_SPACE:
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word, self.in_word = "", False
        else:
            self.add_raw(ch)

    def add_raw(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def get(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word, self.in_word = "", False
        return self.words


def _heredoc_specs(line: str) -> list[tuple[str, bool, bool, int | None]]:
    """(name, chomp, expand, fd) of each heredoc BuildKit finds on the (joined) instruction line."""
    try:
        words = _ShellWords(line, raw_quotes=True, raw_escapes=True).words()
    except _LexError:
        return []  # BuildKit ignores the error: such a line just has no heredocs
    specs = []
    for word in words:
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        # The name is the single word ``rest`` lexes to; it is quoted (no expansion of the body)
        # when lexing with quotes kept gives more quote characters than lexing without.
        names = _ShellWords(rest, raw_quotes=False, raw_escapes=False).words()
        if len(names) != 1:
            continue
        raw_names = _ShellWords(rest, raw_quotes=True, raw_escapes=False).words()
        if len(raw_names) != 1:
            raise _LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
        quotes = names[0].count("'") + names[0].count('"')
        raw_quotes = raw_names[0].count("'") + raw_names[0].count('"')
        fd = int(match.group(1)) if match.group(1) else None
        specs.append((names[0], match.group(2) == "-", quotes == raw_quotes, fd))
    return specs


def _read_heredocs(
    instruction: Instruction,
    logical: str,
    lines: list[str],
    raw_lines: list[str],
    i: int,
    problems: list[ParseProblem],
) -> int:
    """Consume each heredoc body after the instruction; returns the index of the next line to read.

    BuildKit rejects a file with an unterminated heredoc. Here the problem is recorded at the
    instruction, that heredoc and any later one are dropped, and parsing goes on right after the
    last complete heredoc, so the rest of the file is still linted.
    """
    try:
        specs = _heredoc_specs(logical)
    except _LexError as err:
        problems.append(ParseProblem(instruction.line, instruction.end_line, str(err)))
        return i
    for name, chomp, expand_vars, fd in specs:
        first = i + 1
        end = i
        while end < len(lines):
            candidate = lines[end].lstrip("\t") if chomp else lines[end]
            end += 1
            if candidate == name:
                break
        else:
            problems.append(
                ParseProblem(
                    instruction.line,
                    instruction.end_line,
                    f"unterminated heredoc '{name}': no line '{name}' ends it",
                )
            )
            return i
        content = "".join(raw_lines[first - 1 : end - 1])
        instruction.heredocs.append(Heredoc(name, content, chomp, expand_vars, fd, first, end))
        instruction.end_line = end
        i = end
    return i


# --- values ------------------------------------------------------------------------------------


# Text with none of these needs no quote-aware splitting: plain str.split() gives the same words.
_QUOTING = re.compile(r"[\\'\"]")


def split_words(value: str) -> list[str]:
    """Whitespace-separated words with quotes and escapes removed (dockerfile-parse's splitter)."""
    if not _QUOTING.search(value):
        return value.split()
    return list(WordSplitter(value).split(dequote=True))


def split_key_values(value: str) -> list[tuple[str, str]]:
    """``a=1 b="x y"`` pairs (or the legacy ``key value with spaces``), quotes removed."""
    if not _QUOTING.search(value):
        words = value.split()
        if words and all("=" in word for word in words):
            # The common case (``A=1 B=2``), split directly: the quote-aware splitter dominates parse time.
            return [tuple(word.split("=", 1)) for word in words]  # type: ignore[misc]
    try:
        return [(k, v) for k, v in extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)]
    except (ValueError, IndexError):
        return []


def arg_declarations(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``ARG A B=1`` -> [("A", None), ("B", "1")]."""
    result: list[tuple[str, str | None]] = []
    quoted = bool(_QUOTING.search(instruction.value))
    for word in WordSplitter(instruction.value).split(dequote=False) if quoted else instruction.value.split():
        name, sep, default = word.partition("=")
        if not name:
            continue
        if sep and default and quoted:
            default = split_words(default)[0] if split_words(default) else ""
        result.append((name, default if sep else None))
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
            _place_trigger(instruction)
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
        _place_trigger(instruction)
        stage.final_scope = scope


def _place_trigger(instruction: Instruction) -> None:
    """An ONBUILD trigger runs in a child image, but its text is checked where it is written: it
    gets the ONBUILD's stage, index (so pragmas above the ONBUILD reach it) and scope."""
    trigger = instruction.trigger
    if trigger is not None:
        trigger.stage, trigger.index, trigger.scope = instruction.stage, instruction.index, instruction.scope


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
    # The builder lexes FROM's word like a shell word, so quotes around parts of it disappear.
    expanded = dataclasses.replace(expanded, text=expanded.text.replace('"', "").replace("'", ""))
    base = parse_image_ref(image_word, expanded.text, bool(expanded.undefined or expanded.unset))
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
