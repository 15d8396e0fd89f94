"""The shell grammar: :func:`parse_script`, from tokens to the commands of a :class:`~imagelint.shell.model.Script`.

The driver keeps a work queue of texts to parse (the script, then every nested script found in it:
substitutions, ``sh -c`` strings), lexes each with :class:`~imagelint.shell.lexer.Lexer` and walks
the tokens with a stack of open compound commands (``if``, loops, ``case``, ``{ }``, ``( )``),
emitting one :class:`Command` per simple command.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from imagelint.shell.lexer import Lexer
from imagelint.shell.model import ASSIGNMENT, Command, Redirect, Script, Word
from imagelint.shell.scanner import Ctx, runs_mapper
from imagelint.shell.wrappers import SCRIPT_RUNNERS, WRAPPERS, apply_set, inner_script, strip_wrappers

MAX_DEPTH = 50
_WORK_FACTOR = 4

_RESERVED = frozenset(
    {"if", "then", "elif", "else", "fi", "while", "until", "for", "select", "do", "done", "case",
     "esac", "{", "}", "!", "function"}
)  # fmt: skip
_SEPARATOR_OPS = frozenset({";", "\n", "&", ";;", ";&", ";;&"})
_CONTINUING_OPS = frozenset({"&&", "||", "|", "|&"})


def parse_script(text: str, *, escape: str = "\\", max_tokens: int | None = None) -> Script:
    """Parse the shell script of a RUN (its joined command line or a heredoc body). Never raises.

    ``escape`` is the Dockerfile's escape character. When it is not a backslash the script is
    almost certainly for a Windows shell, so a backslash is literal (``C:\\dir``), the escape
    character escapes instead, and backticks are not command substitution. ``max_tokens`` bounds
    the words and operators modelled: the rest of a longer script is left out, and the script is
    ``truncated`` (and ``incomplete``).
    """
    if not isinstance(text, str):
        text = str(text)
    if escape not in ("\\", "`") and (len(escape) != 1 or escape.isspace() or escape.isalnum()):
        escape = "\\"
    parser = _Parser(escape)
    parser.lexer.token_room = max_tokens
    try:
        parser.run(text)
    except Exception:  # noqa: BLE001 - a linter must survive anything; keep what was parsed
        parser.incomplete = True
    return parser.result(text)


class RecentScripts:
    """The last scripts parsed, by text, handed out again instead of being parsed anew.

    The Dockerfiles of one repository repeat their RUN lines (an image's variants, one per base or
    version): in ../shared/corpus, 47% of the RUN text linted repeats a RUN of the last few files.
    A parsed script is never changed after :func:`parse_script` made it, so it can be shared.
    Only scripts of at most :attr:`MAX_TOKENS` words and operators are kept, at most
    :attr:`MAX_SCRIPTS` of them (a few megabytes). A caller passes one ``taken`` set per file, where
    each script handed out is recorded: one file never gets the same object twice, as its facts tell
    RUNs apart by identity.
    """

    MAX_SCRIPTS = 64
    MAX_TOKENS = 500

    def __init__(self) -> None:
        self._scripts: dict[tuple[str, str], Script] = {}  # oldest first
        self._lock = threading.Lock()  # a language server may lint on several threads

    def parse(self, text: str, escape: str, max_tokens: int, taken: set[int]) -> Script:
        """:func:`parse_script` of ``text``, or the same script parsed recently; recorded in ``taken``."""
        key = (text, escape)
        with self._lock:
            script = self._scripts.pop(key, None)
            if script is not None:
                self._scripts[key] = script  # the newest now
        # A kept script serves only with fewer tokens than the room left (parsing again would cut
        # nothing: it would give this very script) and when the file does not hold it already.
        if script is None or script.tokens >= max_tokens or id(script) in taken:
            script = parse_script(text, escape=escape, max_tokens=max_tokens)
            if script.tokens <= self.MAX_TOKENS and not script.truncated:
                with self._lock:
                    self._scripts[key] = script
                    if len(self._scripts) > self.MAX_SCRIPTS:
                        del self._scripts[next(iter(self._scripts))]
        taken.add(id(script))
        return script


class _Parser:
    """Parses one script and every script nested in it, from a work queue rather than by recursion."""

    def __init__(self, escape: str) -> None:
        self.lexer = Lexer(escape)
        self.incomplete = False  # malformed grammar, or nesting past MAX_DEPTH (the lexer has its own)
        self.commands: list[Command] = []
        self.jobs: deque[tuple[Ctx, int, int, int, bool]] = deque()  # (ctx, start, end, depth, subshell)
        self.next_pipe = 0
        self.nested_jobs = 0
        self.tokens = 0  # words and operators lexed, nested scripts included

    # -- driver ---------------------------------------------------------------------------------

    def run(self, text: str) -> None:
        self.lexer.budget = _WORK_FACTOR * len(text) + 100_000
        self.jobs.append((Ctx(text), 0, len(text), 0, False))
        while self.jobs:
            ctx, start, end, depth, subshell = self.jobs.popleft()
            self.nested_jobs += depth > 0
            if depth > MAX_DEPTH:
                self.incomplete = True
                continue
            tokens = self.lexer.lex(ctx, start, end)
            self.tokens += len(tokens)
            if self.lexer.token_room is not None:
                self.lexer.token_room -= len(tokens)
            self.parse(tokens, ctx, depth, subshell)

    def result(self, text: str) -> Script:
        commands = self.commands
        if self.nested_jobs:  # one script alone already emits its commands in source order
            commands.sort(key=_source_order)
        renumber: dict[int, int] = {}
        for command in commands:
            command.pipeline = renumber.setdefault(command.pipeline, len(renumber))
        sets: set[str] = set()
        for command in commands:
            if command.words and not command.subshell and not command.wrappers:
                first = command.words[0].value
                if first == "set" or first.endswith("/set"):
                    apply_set(sets, command.args)
        truncated = self.lexer.truncated
        return Script(text, commands, frozenset(sets), self.incomplete or self.lexer.incomplete or truncated, truncated, self.tokens)

    # -- grammar --------------------------------------------------------------------------------

    def parse(self, toks: list[tuple], ctx: Ctx, base_depth: int, base_subshell: bool) -> None:
        frames: list[list] = []  # [kind, state, pipeline, is_paren]
        open_kinds = dict.fromkeys(("if", "loop", "for", "case", "{", "("), 0)
        cur: list | None = None  # [word toks, redirects, start, end, connector, pipeline, depth, subshell]
        connector: str | None = None
        fresh = False  # connector was just set and no command has started since
        pipe = -1
        inherit: int | None = None  # pipeline a just-opened compound passes to its first command
        parens = 0
        after_compound = False  # redirections right after `done`/`}`/`)` belong to the compound
        in_test = False  # inside [[ ... ]], where && || ( ) < > are operands
        started = False  # a command or compound has begun: separators before it join nothing
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            kind = t[0]
            if kind == "w":
                if cur is None:
                    if frames:
                        f = frames[-1]
                        fk, fs = f[0], f[1]
                        if fk == "for" and fs == "head" or fk == "case" and fs == "head":
                            if fk == "case" and t[3] == "in" and not t[4]:
                                f[1] = "pattern"
                            self._queue_subs(t, base_depth + len(frames) + 1)
                            i += 1
                            continue
                        if fk == "case" and fs == "pattern":
                            if t[3] == "esac" and not t[4]:
                                pipe, closed = self._close(frames, ("case",), pipe, open_kinds)
                                parens -= closed
                                inherit, after_compound = None, True
                            i += 1
                            continue
                    if not t[4] and t[3] in _RESERVED:
                        v = t[3]
                        i += 1
                        opens = None
                        if v == "if":
                            opens = ("if", "cond")
                        elif v in ("while", "until"):
                            opens = ("loop", "cond")
                        elif v in ("for", "select"):
                            opens = ("for", "head")
                        elif v == "case":
                            opens = ("case", "head")
                        elif v == "{":
                            opens = ("{", "body")
                        elif v == "do":
                            if frames and frames[-1][0] in ("for", "loop"):
                                frames[-1][1] = "body"
                            else:
                                self.incomplete = True
                        elif v in ("then", "elif", "else"):
                            if not frames or frames[-1][0] != "if":
                                self.incomplete = True
                        elif v in ("fi", "done", "esac", "}"):
                            kinds = {"fi": ("if",), "done": ("for", "loop"), "esac": ("case",), "}": ("{",)}[v]
                            pipe, closed = self._close(frames, kinds, pipe, open_kinds)
                            parens -= closed
                            inherit, after_compound = None, True
                        elif v == "function":
                            if i < n and toks[i][0] == "w":
                                i += 1
                            if i + 1 < n and toks[i][:2] == ("o", "(") and toks[i + 1][:2] == ("o", ")"):
                                i += 2
                        # "!" just negates the status of what follows.
                        if opens is not None:
                            p = self._pipeline(connector, pipe, inherit)
                            pipe = inherit = p
                            frames.append([opens[0], opens[1], p, False])
                            open_kinds[opens[0]] += 1
                            fresh = after_compound = False
                            started = True
                        continue
                    p = self._pipeline(connector, pipe, inherit)
                    pipe, inherit = p, None
                    cur = [[t], [], t[1], t[2], connector, p, base_depth + len(frames), base_subshell or parens > 0]
                    fresh = after_compound = False
                    started = True
                    if t[3] == "[[" and not t[4]:
                        in_test = True
                    i += 1
                    continue
                cur[0].append(t)
                cur[3] = t[2]
                if in_test and t[3] == "]]" and not t[4]:
                    in_test = False
                i += 1
                continue
            if kind == "o":
                op = t[1]
                if in_test and cur is not None and op not in _SEPARATOR_OPS:
                    cur[0].append(("w", t[2], t[3], op, False, [(0, t[2])], None))
                    cur[3] = t[3]
                    i += 1
                    continue
                in_test = False
                top = frames[-1] if frames else None
                if op == "(":
                    if (
                        cur is not None
                        and len(cur[0]) == 1
                        and not cur[1]
                        and i + 1 < n
                        and toks[i + 1][:2] == ("o", ")")
                    ):
                        cur = None  # `name() compound`: a function definition, not a command
                        i += 2
                        continue
                    if top is not None and top[0] == "case" and top[1] == "pattern":
                        i += 1
                        continue
                    if cur is not None:
                        self.incomplete = True
                        self._emit(ctx, cur)
                        cur = None
                    p = self._pipeline(connector, pipe, inherit)
                    pipe = inherit = p
                    frames.append(["(", "body", p, True])
                    open_kinds["("] += 1
                    parens += 1
                    fresh = after_compound = False
                    started = True
                    i += 1
                    continue
                if cur is not None:
                    self._emit(ctx, cur)
                    cur = None
                if op == ")":
                    if top is not None and top[0] == "case" and top[1] == "pattern":
                        top[1] = "body"
                    else:
                        pipe, closed = self._close(frames, ("(",), pipe, open_kinds)
                        parens -= closed
                        inherit, after_compound = None, True
                    i += 1
                    continue
                if top is not None and top[0] == "case" and top[1] == "pattern" and op in ("|", "\n"):
                    i += 1
                    continue
                if op in (";;", ";&", ";;&"):
                    if top is not None and top[0] == "case":
                        top[1] = "pattern"
                    else:
                        self.incomplete = True
                if op == "\n" and fresh and connector in _CONTINUING_OPS:
                    i += 1
                    continue
                if top is not None and top[0] == "for" and top[1] == "head" and op in (";", "\n"):
                    top[1] = "wait"
                if started:
                    connector = op
                    fresh = True
                after_compound = False
                i += 1
                continue
            if kind == "r":
                target = None
                if i + 1 < n and toks[i + 1][0] == "w":
                    target = toks[i + 1]
                    i += 2
                else:
                    i += 1
                    if not in_test:
                        self.incomplete = True
                if in_test and cur is not None:
                    # `[[ a < b ]]` compares strings; the operator and its operand stay words.
                    op_text = ctx.text[t[3] : t[4]]
                    cur[0].append(("w", t[3], t[4], op_text, False, [(0, t[3])], None))
                    if target is not None:
                        cur[0].append(target)
                    cur[3] = target[2] if target is not None else t[4]
                    continue
                if cur is None:
                    if after_compound:
                        if target is not None:
                            self._queue_subs(target, base_depth + len(frames) + 1)
                        continue
                    p = self._pipeline(connector, pipe, inherit)
                    pipe, inherit = p, None
                    cur = [[], [], t[3], t[4], connector, p, base_depth + len(frames), base_subshell or parens > 0]
                    fresh = False
                    started = True
                cur[1].append((t, target))
                cur[3] = target[2] if target is not None else t[4]
                continue
            # arithmetic command (( ... )): evaluates, runs nothing
            if cur is not None:
                self._emit(ctx, cur)
                cur = None
            after_compound = True
            i += 1
        if cur is not None:
            self._emit(ctx, cur)
        if frames:
            self.incomplete = True

    def _pipeline(self, connector: str | None, pipe: int, inherit: int | None) -> int:
        """The pipeline of a command or compound starting here: the one a just-opened compound passes
        to its first command, the one before a ``|``, or else a new one."""
        if inherit is not None:
            return inherit
        if connector == "|" or connector == "|&":
            return pipe
        self.next_pipe += 1
        return self.next_pipe - 1

    def _close(
        self, frames: list[list], kinds: tuple[str, ...], pipe: int, open_kinds: dict[str, int]
    ) -> tuple[int, int]:
        """Pop the innermost frame of one of these kinds; returns (its pipeline, parens closed).

        Frames above it were left open (malformed input) and go too. The counts make a stray
        closer O(1) and every frame is popped once, so closing is linear overall.
        """
        if not any(open_kinds[k] for k in kinds):
            self.incomplete = True
            return pipe, 0
        k = len(frames) - 1
        while frames[k][0] not in kinds:
            k -= 1
        if k != len(frames) - 1:
            self.incomplete = True
        pipe = frames[k][2]
        parens = 0
        for f in frames[k:]:
            open_kinds[f[0]] -= 1
            parens += f[3]
        del frames[k:]
        return pipe, parens

    def _queue_subs(self, tok: tuple, depth: int) -> None:
        subs = tok[6]
        if subs:
            for sctx, s, e in subs:
                self.jobs.append((sctx, s, e, depth, True))

    def _emit(self, ctx: Ctx, cur: list) -> None:
        wtoks, rtoks, start, end, connector, pipe, depth, subshell = cur
        text = ctx.text
        mp = ctx.map
        nested = None  # word tokens with scripts inside ($(...), backticks)
        if mp is None:
            words = []
            for t in wtoks:
                if t[6]:
                    if nested is None:
                        nested = [t]
                    else:
                        nested.append(t)
                raw = t[3] if t[5] is None and not t[4] else text[t[1] : t[2]]
                words.append(_new_record(Word, (t[3], raw, t[1], t[2], t[4])))
        else:
            words = [_word_of(t, text, mp) for t in wtoks]
            nested = [t for t in wtoks if t[6]] or None
        assignments: list[tuple[str, str]] = []
        k = 0
        nw = len(wtoks)
        while k < nw and "=" in wtoks[k][3]:
            t = wtoks[k]
            m = ASSIGNMENT.match(text, t[1], t[2])
            if m is None:
                break
            assignments.append((text[t[1] : m.end() - 1].rstrip("+"), t[3].partition("=")[2]))
            k += 1
        first = k
        wrappers: list[str] = []
        if k < nw and ((v := wtoks[k][3]) in WRAPPERS or "/" in v and _base(v) in WRAPPERS):
            first, wrappers = strip_wrappers(words, k, assignments)
        argv = words[first:] if first else words
        redirects: list[Redirect] = []
        for r, target in rtoks:
            heredoc = r[5]
            tw = None if target is None else _word_of(target, text, mp)
            rs, re_ = r[3], (target[2] if target is not None else r[4])
            if mp is not None:
                rs, re_ = mp(rs), mp(re_ - 1) + 1
            redirects.append(_redirect(r[1], r[2], tw, rs, re_, heredoc[2] if heredoc else None))
            if target is not None and target[6]:
                self._queue_subs(target, depth + 1)
        if mp is not None:
            start, end = mp(start), mp(end - 1) + 1 if end > start else mp(start)
        self.commands.append(
            Command(argv, assignments, wrappers, start, end, connector, pipe, depth, words, redirects, subshell)
        )
        inner = self._queue_inner_script(ctx, argv, wtoks, first, depth, subshell)
        inners = None
        if argv and _base(argv[0].value) == "find":
            inners = self._emit_find_execs(ctx, argv, wtoks, first, assignments, wrappers, (start, end), depth, words)
            if inner is not None:
                inners.add(id(inner))
        if nested is not None:
            for t in nested:
                if t is not inner and (inners is None or id(t) not in inners):
                    self._queue_subs(t, depth + 1)

    def _queue_inner_script(
        self, ctx: Ctx, argv: list[Word], wtoks: list[tuple], first: int, depth: int, subshell: bool
    ) -> tuple | None:
        """Queue the script string ``argv`` runs (``sh -c '...'``, ``eval '...'``), if any, as a
        nested job; returns its word token, whose ``$(...)`` belong to that script."""
        if not argv or not ((v := argv[0].value) in SCRIPT_RUNNERS or "/" in v and _base(v) in SCRIPT_RUNNERS):
            return None
        script_at = inner_script(argv)
        if script_at is None:
            return None
        inner = wtoks[first + script_at]
        value = inner[3]
        self.lexer.budget -= len(value)
        if self.lexer.budget < 0:
            # Too much copying: still parse its $(...) in place, which costs no copy.
            self.incomplete = True
            return None
        runs = inner[5]
        if runs is None:  # lexed by the fast path, which keeps no runs: redo this word
            runs = self.lexer.word(ctx, inner[1], inner[2])[5]
        sub = Ctx(value, runs_mapper(runs, ctx.map))
        same_shell = argv[0].value == "eval"
        self.jobs.append((sub, 0, len(value), depth + 1, subshell or not same_shell))
        return inner

    def _emit_find_execs(
        self,
        ctx: Ctx,
        argv: list[Word],
        wtoks: list[tuple],
        first: int,
        assignments: list[tuple[str, str]],
        wrappers: list[str],
        span: tuple[int, int],
        depth: int,
        raw_words: list[Word],
    ) -> set[int]:
        """A command for each program ``find`` runs (``-exec chmod 777 {} +``, ``-execdir``, ``-ok``),
        one level deeper, in a child process; ``find`` is the last of its wrappers, as ``xargs`` is.
        Rules about ``rm`` or ``chmod`` see them like any other. Returns the ids of the word tokens
        that hold a script such a program runs (``-exec sh -c '...' {} \\;``)."""
        inners: set[int] = set()
        i, n = 1, len(argv)
        while i < n:
            if argv[i].value not in _FIND_EXEC or argv[i].quoted:
                i += 1
                continue
            begin = i + 1
            stop = begin
            # The program's argv ends at `;` (written `\;` or quoted) or at a `+` right after `{}`.
            while stop < n and argv[stop].value != ";" and not (argv[stop].value == "+" and argv[stop - 1].value == "{}"):
                stop += 1
            i = stop + 1
            if begin >= stop or argv[begin].value == "{}":
                continue
            program = argv[begin:stop]
            own_assignments = list(assignments)
            skipped, own_wrappers = strip_wrappers(program, 0, own_assignments)
            program = program[skipped:]
            self.commands.append(
                Command(
                    program,
                    own_assignments,
                    [*wrappers, "find", *own_wrappers],
                    *span,
                    None,
                    self._pipeline(None, -1, None),
                    depth + 1,
                    raw_words,
                    [],
                    True,
                )
            )
            inner = self._queue_inner_script(ctx, program, wtoks, first + begin + skipped, depth + 1, True)
            if inner is not None:
                inners.add(id(inner))
        return inners


_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})


# Words and redirects are named tuples, and words the most numerous objects: built straight from
# their fields' tuple, they skip the keyword handling of the generated constructor.
_new_record = tuple.__new__


def _source_order(command: Command) -> tuple[int, int]:
    return command.start, command.depth


def _base(value: str) -> str:
    return value.rsplit("/", 1)[-1] if "/" in value else value


def _redirect(op: str, fd: str | None, target: Word | None, start: int, end: int, body: str | None) -> Redirect:
    return _new_record(Redirect, (op, fd, target, start, end, body))


def _word_of(t: tuple, text: str, mp: Callable[[int], int] | None) -> Word:
    s, e = t[1], t[2]
    if mp is None:
        return _new_record(Word, (t[3], text[s:e], s, e, t[4]))
    ms = mp(s)
    return _new_record(Word, (t[3], text[s:e], ms, mp(e - 1) + 1 if e > s else ms, t[4]))
