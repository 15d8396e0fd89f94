"""Edits in Dockerfile terms, for rules that attach a fix: replace a word of an instruction, add to the
end of a RUN, rewrite or remove a whole instruction. Every edit is an exact range of the source
(:class:`~imagelint.fixes.Edit`), so whatever the fix does not touch stays byte for byte: comments,
blank lines, indentation, continuation style, the escape character, CRLF line endings, heredocs.

Offsets are those the model and the shell model use: ``value`` offsets of an
:class:`~imagelint.dockerfile.Instruction`, and script offsets of a
:class:`~imagelint.context.RunScript` (which also maps heredoc bodies).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from imagelint.fixes import Edit

if TYPE_CHECKING:
    from imagelint.context import LintContext, RunScript
    from imagelint.dockerfile import Dockerfile, Instruction
    from imagelint.knowledge.steps import Step
    from imagelint.shell import Command, Word


def _original_position(instruction: Instruction, offset: int) -> tuple[int, int]:
    """(line, column) of an offset into ``instruction.original`` (the keyword is at offset 0)."""
    starts = [segment[0] for segment in instruction.segments]
    i = max(0, bisect.bisect_right(starts, offset) - 1)
    segment_offset, line, column = instruction.segments[i]
    return line, column + (offset - segment_offset)


def replace_value(instruction: Instruction, start: int, end: int, content: str) -> Edit:
    """Replace ``instruction.value[start:end]`` (both on one physical line, or spanning lines)."""
    line, column = instruction.position(start)
    if end == start:
        return Edit(line, column, line, column, content)
    end_line, end_column = instruction.position(end - 1)
    return Edit(line, column, end_line, end_column + 1, content)


def insert_in_value(instruction: Instruction, offset: int, content: str) -> Edit:
    return replace_value(instruction, offset, offset, content)


def replace_keyword(instruction: Instruction, keyword: str) -> Edit:
    """The instruction's keyword as written (``run``) replaced by ``keyword``."""
    line, column = _original_position(instruction, 0)
    return Edit(line, column, line, column + len(instruction.written_keyword), keyword)


def replace_whole_value(instruction: Instruction, content: str) -> Edit:
    """Everything after the keyword and flags, to the end of the instruction's last line."""
    return replace_value(instruction, 0, len(instruction.value), content)


def replace_in_script(script: RunScript, start: int, end: int, content: str) -> Edit:
    """Replace ``script.script.text[start:end]`` (a RUN's command line or one of its heredoc bodies)."""
    line, column = script.position(start)
    if end == start:
        return Edit(line, column, line, column, content)
    end_line, end_column = script.position(end - 1)
    return Edit(line, column, end_line, end_column + 1, content)


def word_is_exact(script: RunScript, word: Word) -> bool:
    """Whether the word's offsets point at its text as written. They do for ordinary commands; a
    word inside a string run by ``sh -c "..."`` may carry escapes that shift them, and an edit
    there could land beside its target, so fixes leave such words alone."""
    return script.script.text[word.start : word.end] == word.raw


def insert_after_word(script: RunScript, command: Command, word: int, content: str) -> Edit | None:
    """``content`` (e.g. `` -y``) right after the ``word``-th word of ``command``; None when the
    word's place in the source is not exact (see :func:`word_is_exact`)."""
    target = command.words[word]
    if not word_is_exact(script, target):
        return None
    return replace_in_script(script, target.end, target.end, content)


def word_index(command: Command, value: str) -> int | None:
    """Index of the first word after the command name whose value is ``value`` (a subcommand)."""
    return next((i for i, w in enumerate(command.words) if i > 0 and w.value == value), None)


def append_to_command_line(dockerfile: Dockerfile, instruction: Instruction, command: str) -> Edit:
    """`` && command`` at the end of a shell-form RUN, written the way the RUN already is: on the same
    line for a one-line RUN, else on a continuation line indented like the RUN's last line."""
    end = len(instruction.value.rstrip())
    if instruction.line == instruction.end_line:
        return insert_in_value(instruction, end, f" && {command}")
    last = dockerfile.lines[instruction.end_line - 1]
    indent = last[: len(last) - len(last.lstrip(" \t"))]
    return insert_in_value(instruction, end, f" {dockerfile.escape}{newline(dockerfile)}{indent}&& {command}")


def remove_instruction(dockerfile: Dockerfile, instruction: Instruction) -> Edit:
    """The instruction's whole lines, line ending included (heredoc bodies end the instruction too)."""
    last = instruction.end_line
    for heredoc in instruction.heredocs:
        last = max(last, getattr(heredoc, "end_line", last))
    return Edit(instruction.line, 1, last + 1, 1, "")


def replace_instruction(dockerfile: Dockerfile, instruction: Instruction, text: str) -> Edit:
    """The instruction's whole lines replaced by ``text`` (which brings its own line endings)."""
    edit = remove_instruction(dockerfile, instruction)
    return Edit(edit.line, edit.column, edit.end_line, edit.end_column, text)


def newline(dockerfile: Dockerfile) -> str:
    """The file's line ending: CRLF when its first line ends so, else LF."""
    first = dockerfile.text.split("\n", 1)[0]
    return "\r\n" if first.endswith("\r") else "\n"


def replace_in_original(instruction: Instruction, start: int, end: int, content: str) -> Edit:
    """Replace ``instruction.original[start:end]``: the keyword is at offset 0, the flags sit before
    ``instruction.value_offset`` (for edits inside a flag, e.g. ``--from=NAME``)."""
    line, column = _original_position(instruction, start)
    if end == start:
        return Edit(line, column, line, column, content)
    end_line, end_column = _original_position(instruction, end - 1)
    return Edit(line, column, end_line, end_column + 1, content)


def flag_offset(instruction: Instruction, flag: str) -> int | None:
    """Offset in ``instruction.original`` of one of its flags (``--from=build`` as in
    ``instruction.flags``), or None when it is not written so there (quoted, say)."""
    text, end = instruction.original, instruction.value_offset
    found = text.find(flag, len(instruction.written_keyword), end)
    while found >= 0:
        after = found + len(flag)
        if text[found - 1].isspace() and (after >= end or text[after].isspace()):
            return found
        found = text.find(flag, found + 1, end)
    return None


# --- moving and removing whole commands of a RUN (the layer-merging and cache-order fixes) ---

_LIST_CONNECTORS = ("&&", ";", "||", "|", "|&", "&")


def plain_list(script: RunScript) -> list[Command] | None:
    """The top-level commands of a RUN's command line when it is a plain list (``a && b; c | d``):
    nothing but connectors between them, nothing before the first or after the last (no comment,
    no trailing ``;``), and every nested command (``$(...)``, a ``sh -c`` string) inside one of
    them. None for anything else (compound commands, subshells, heredocs, parse trouble): a
    command cut out of, or added to, such a script could change what the rest means."""
    if script.heredoc_index is not None or script.instruction.heredocs or script.script.incomplete:
        return None
    text, commands = script.script.text, script.script.commands
    top = [c for c in commands if c.depth == 0 and not c.subshell]
    if not top or text[: top[0].start].strip() or text[top[-1].end :].strip():
        return None
    if any(c.depth and not any(t.start <= c.start and c.end <= t.end for t in top) for c in commands):
        return None
    if any(text[a.end : b.start].strip() not in _LIST_CONNECTORS for a, b in zip(top, top[1:])):
        return None
    return top


def connector_between(script: RunScript, before: Command, after: Command) -> str:
    """The connector written between two consecutive commands of a :func:`plain_list`."""
    return script.script.text[before.end : after.start].strip()


def command_source(script: RunScript, command: Command) -> str | None:
    """The command's text as the shell receives it (prefixes and redirections included), or None
    when its words are not where the model says (see :func:`word_is_exact`)."""
    if not all(word_is_exact(script, word) for word in command.raw_words or command.words):
        return None
    return script.script.text[command.start : command.end]


def remove_commands(dockerfile: Dockerfile, script: RunScript, top: list[Command], first: int, last: int) -> Edit | None:
    """``top[first..last]`` (commands of :func:`plain_list`) cut out with one connector next to
    them, keeping the weaker one (``a && rm x; b`` -> ``a; b``); the whole instruction when they
    are all of it. None when a connector around them is not ``&&`` or ``;`` (a pipe, ``||``) or
    when a comment line sits inside the text to remove."""
    if first == 0 and last == len(top) - 1:
        return remove_instruction(dockerfile, script.instruction)
    joints = range(max(first, 1), min(last + 2, len(top)))  # connectors before top[k]
    if any(connector_between(script, top[k - 1], top[k]) not in ("&&", ";") for k in joints):
        return None
    if first == 0:
        start, end = top[first].start, top[last + 1].start
    elif last == len(top) - 1:
        start, end = top[first - 1].end, top[last].end
    elif connector_between(script, top[last], top[last + 1]) == ";" and connector_between(script, top[first - 1], top[first]) != ";":
        start, end = top[first - 1].end, top[last].end  # keep the ``;`` after them
    else:
        start, end = top[first].start, top[last + 1].start
    edit = replace_in_script(script, start, end, "")
    if any(dockerfile.lines[n - 1].lstrip().startswith("#") for n in range(edit.line + 1, edit.end_line)):
        return None
    return edit


def insert_before(instruction: Instruction, text: str) -> Edit:
    """``text`` (whole lines, with their line endings) inserted before the instruction's first line."""
    return Edit(instruction.line, 1, instruction.line, 1, text)


def insert_after(instruction: Instruction, end: int, content: str) -> Edit:
    """``content`` right after ``instruction.value[end - 1]``, on that character's line (where
    :func:`insert_in_value` at ``end`` could land on the next line of a continued instruction)."""
    line, column = instruction.position(end - 1)
    return Edit(line, column + 1, line, column + 1, content)


# Builtins whose effect outlives the command: what runs after them in the same shell sees it
# (its directory, variables, functions, limits, open files), or that end the shell, so nothing after
# them runs. ``set`` is left to the callers, which allow it where it changes nothing that follows.
_SHELL_STATE = frozenset(
    {"cd", "pushd", "popd", "export", "unset", "source", ".", "alias", "unalias", "umask", "shopt",
     "trap", "ulimit", "readonly", "declare", "typeset", "local", "let", "read", "mapfile", "readarray",
     "getopts", "eval", "hash", "enable", "exec", "exit", "return", "logout"}
)  # fmt: skip


def changes_shell_state(commands: list[Command]) -> bool:
    """Whether commands change the shell that later commands of the same script inherit (a
    directory change, exported or assigned variables (``FOO=1`` alone), ``source``, ``exec >log``),
    or end it before them (``exit``, ``exec prog``)."""
    return any(not c.words or c.name in _SHELL_STATE or "exec" in c.wrappers for c in commands)


def editable_run(ctx: LintContext, step: Step) -> bool:
    """Whether a RUN step can take part in a fix that moves commands: written in its stage (not an
    ONBUILD trigger), shell form, run by a POSIX shell (the default or a SHELL naming one)."""
    from imagelint.shell import SHELLS

    instruction = step.instruction
    if instruction.keyword != "RUN" or instruction.is_exec_form or ctx.is_trigger(instruction):
        return False
    shell = ctx.shell_in_force(step.stage, instruction)
    return shell is None or shell[0].replace("\\", "/").rsplit("/", 1)[-1] in SHELLS
