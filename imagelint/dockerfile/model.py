"""The Dockerfile model: the instructions, stages and parse problems that :func:`~imagelint.dockerfile.parse`
produces, as BuildKit's parser sees them. Plain data with a few read-only helpers; nothing here parses lines.

Every ``imagelint lint`` imports this module, so its classes are cheap to define: hand-written
:class:`~imagelint.records.Record` s and slotted classes rather than dataclasses (see
:mod:`imagelint.records` for why).
"""

from __future__ import annotations

import bisect

from imagelint.dockerfile.syntax import TOKEN_WHITESPACE
from imagelint.dockerfile.words import split_key_values, split_words
from imagelint.records import Record
from imagelint.variables import Scope


class Directive(Record):
    __slots__ = ("name", "value", "line")

    def __init__(self, name: str, value: str, line: int) -> None:
        self.name = name
        self.value = value
        self.line = line


class Heredoc(Record):
    __slots__ = ("name", "content", "chomp", "expand", "fd", "line", "end_line")

    def __init__(
        self,
        name: str,
        content: str,
        chomp: bool,  # <<-EOF: leading tabs are stripped from the body
        expand: bool,  # unquoted delimiter: variables in the body are expanded
        fd: int | None,
        line: int,  # first body line
        end_line: int,  # the terminator's line
    ) -> None:
        self.name = name
        self.content = content
        self.chomp = chomp
        self.expand = expand
        self.fd = fd
        self.line = line
        self.end_line = end_line


class ParseProblem(Record):
    __slots__ = ("line", "end_line", "message")

    def __init__(self, line: int, end_line: int, message: str) -> None:
        self.line = line
        self.end_line = end_line
        self.message = message


class Comment(Record):
    __slots__ = ("line", "text")

    def __init__(
        self,
        line: int,
        text: str,  # without the leading '#', stripped
    ) -> None:
        self.line = line
        self.text = text


class ImageRef(Record):
    """A FROM reference split the way the Docker reference grammar does."""

    __slots__ = ("raw", "resolved", "registry", "repository", "tag", "digest", "unresolved")

    def __init__(
        self,
        raw: str,  # as written, before ARG expansion
        resolved: str,  # after expanding ARGs declared before the first FROM
        registry: str | None,
        repository: str,
        tag: str | None,
        digest: str | None,
        unresolved: bool,  # still holds a variable that no default resolves
    ) -> None:
        self.raw = raw
        self.resolved = resolved
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.unresolved = unresolved

    @property
    def name(self) -> str:
        """Repository without registry, e.g. ``library/python`` -> ``python``."""
        return self.repository.removeprefix("library/")

    @property
    def is_scratch(self) -> bool:
        return self.resolved.lower() == "scratch"


class Mount(Record):
    """One ``RUN --mount=...`` flag, read as BuildKit reads it: comma-separated ``key=value`` fields."""

    __slots__ = ("fields",)

    def __init__(
        self,
        fields: dict[str, str],  # keys lower-cased, values unquoted; a bare ``key`` is "true"
    ) -> None:
        self.fields = fields

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


class Instruction:
    """One instruction as BuildKit's parser reads it. The parser fills ``stage``, ``index``,
    ``json_args``, ``trigger``, ``scope`` and ``end_line`` (for heredocs) after building it."""

    __slots__ = (
        "keyword",  # upper case: RUN
        "written_keyword",  # as written: run
        "line",
        "end_line",
        "flags",
        "value",  # arguments after the flags, as BuildKit keeps them (continuations joined)
        "original",  # the whole logical line, keyword included
        "value_offset",  # where ``value`` starts inside ``original``
        "segments",  # (offset in original, physical line, column) per piece
        "heredocs",
        "stage",  # index of the stage; -1 before the first FROM
        "index",  # position among all instructions
        "json_args",  # exec (JSON) form arguments
        "trigger",  # the instruction an ONBUILD wraps
        "scope",  # ARG/ENV visible when this instruction runs
        # words() and key_values() run a quote-aware splitter that dominates the lint time when every
        # rule calls it again; ``value`` never changes once parsed, so they are split once.
        "_words",
        "_key_values",
    )

    def __init__(
        self,
        keyword: str,
        written_keyword: str,
        line: int,
        end_line: int,
        flags: list[str],
        value: str,
        original: str,
        value_offset: int,
        segments: list[tuple[int, int, int]],
        heredocs: list[Heredoc] | None = None,
        stage: int = -1,
        index: int = 0,
        json_args: list[str] | None = None,
        trigger: Instruction | None = None,
        scope: Scope | None = None,
    ) -> None:
        self.keyword = keyword
        self.written_keyword = written_keyword
        self.line = line
        self.end_line = end_line
        self.flags = flags
        self.value = value
        self.original = original
        self.value_offset = value_offset
        self.segments = segments
        self.heredocs: list[Heredoc] = [] if heredocs is None else heredocs
        self.stage = stage
        self.index = index
        self.json_args = json_args
        self.trigger = trigger
        self.scope = scope
        self._words: tuple[str, ...] | None = None
        self._key_values: tuple[tuple[str, str], ...] | None = None

    def __repr__(self) -> str:
        return f"Instruction({self.keyword} at line {self.line}: {self.value!r})"

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
        words = TOKEN_WHITESPACE.split(self.value.strip(), 1)
        return bool(words[0]) and "=" not in words[0]


class Stage:
    __slots__ = (
        "index",
        "name",  # lower-cased, as BuildKit resolves ``--from`` names
        "written_name",
        "base",
        "from_instruction",
        "instructions",  # FROM first
        "platform",
        "parent",  # the earlier stage this one is built FROM, if any
        "final_scope",  # ARG/ENV in force at the end of the stage
    )

    def __init__(
        self,
        index: int,
        name: str | None,
        written_name: str | None,
        base: ImageRef,
        from_instruction: Instruction,
        instructions: list[Instruction] | None = None,
        platform: str | None = None,
        parent: Stage | None = None,
        final_scope: Scope | None = None,
    ) -> None:
        self.index = index
        self.name = name
        self.written_name = written_name
        self.base = base
        self.from_instruction = from_instruction
        self.instructions: list[Instruction] = [] if instructions is None else instructions
        self.platform = platform
        self.parent = parent
        self.final_scope = final_scope

    def __repr__(self) -> str:
        return f"Stage({self.index}, {self.written_name or self.base.raw!r} at line {self.line})"

    @property
    def line(self) -> int:
        return self.from_instruction.line


class Dockerfile:
    __slots__ = (
        "path",
        "text",
        "lines",
        "directives",
        "escape",
        "instructions",
        "stages",
        "global_args",
        "comments",
        "problems",
        # Name -> the first stage of that name, for the stages indexed so far (stages are appended
        # while the file is read): looking names up one by one in a file of N stages cost N².
        "_stage_names",
        "_stages_named",
    )

    def __init__(
        self,
        path: str,
        text: str,
        lines: list[str],
        directives: list[Directive],
        escape: str,
        instructions: list[Instruction],
        stages: list[Stage],
        global_args: Scope,
        comments: list[Comment],
        problems: list[ParseProblem],
    ) -> None:
        self.path = path
        self.text = text
        self.lines = lines
        self.directives = directives
        self.escape = escape
        self.instructions = instructions
        self.stages = stages
        self.global_args = global_args
        self.comments = comments
        self.problems = problems
        self._stage_names: dict[str, Stage] = {}
        self._stages_named = 0

    def __repr__(self) -> str:
        return f"Dockerfile({self.path!r}, {len(self.instructions)} instructions)"

    def directive(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_by_name(self, name: str) -> Stage | None:
        if self._stages_named != len(self.stages):
            if self._stages_named > len(self.stages):
                self._stage_names.clear()
                self._stages_named = 0
            for stage in self.stages[self._stages_named :]:
                if stage.name is not None:
                    self._stage_names.setdefault(stage.name, stage)
            self._stages_named = len(self.stages)
        return self._stage_names.get(name.lower())
