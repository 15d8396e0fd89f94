"""A model of the POSIX-shell commands inside ``RUN`` instructions.

Rules ask questions like "does this ``apt-get install`` pass ``-y``?" or "is ``curl`` piped into
``sh``?". Answering them by substring search gets quoting, ``&&`` chains, ``sh -c`` strings and
``sudo`` prefixes wrong, so this module turns a script into a flat list of simple commands (argv,
env prefixes, wrappers, redirections, how each is joined to the previous one, how deeply nested).

It is not a full shell parser: it recognises enough of the grammar to find every command a script
runs and never raises. Malformed input gives a best-effort result with ``Script.incomplete`` set.

Design notes:

* Linear time, no recursion. One regular expression matches most tokens whole (possessive
  quantifiers, so it never backtracks); a hand-written lexer takes over only for ``$(``, ``${``,
  backticks and malformed text. The end of a ``$(...)`` is found once by an iterative bracket
  scanner that records every bracket it passes (and every bracket left unclosed), so inner levels
  never rescan. Nested scripts (substitutions, ``sh -c`` strings) go on a work queue, not the stack.
* Work is bounded on adversarial input: scripts nested deeper than ``MAX_DEPTH`` are skipped, and
  text that must be copied to be parsed again (``sh -c`` strings, escaped backtick bodies) is
  charged to a budget proportional to the input. Either sets ``Script.incomplete``.
* Offsets always point into the text given to :func:`parse_script`. Inner scripts of ``sh -c '...'``
  or backticks are parsed from their unquoted text and mapped back character by character.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "KNOWN_VALUE_OPTIONS",
    "MAX_DEPTH",
    "SHELLS",
    "WRAPPERS",
    "Command",
    "Redirect",
    "Script",
    "Word",
    "parse_script",
]

MAX_DEPTH = 50
_WORK_FACTOR = 4

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})

# Programs that run the rest of their argv as a command. Each maps to (options taking a value,
# number of positional arguments before the command). ``xargs`` is included because rules about
# ``apt-get install`` or ``rm`` apply just as much to ``... | xargs apt-get install``; a rule that
# cares can still see it in ``Command.wrappers``.
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (
        frozenset(
            "-u -g -h -p -C -D -r -t -U -T -R --user --group --host --prompt --close-from --chdir "
            "--role --type --other-user --command-timeout --chroot".split()
        ),
        0,
    ),
    "doas": (frozenset({"-u", "-C"}), 0),
    "env": (frozenset({"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "nohup": (frozenset(), 0),
    "time": (frozenset({"-f", "-o", "--format", "--output"}), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "builtin": (frozenset(), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"}), 0),
    "xargs": (
        frozenset(
            "-a -d -E -I -L -n -P -s --arg-file --delimiter --eof --max-args --max-procs "
            "--max-chars --max-lines --replace --process-slot-var".split()
        ),
        0,
    ),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "eatmydata": (frozenset(), 0),
    "fakeroot": (frozenset({"-l", "-s", "-i", "--lib", "--faked"}), 0),
}

# Options that take a separate value, per program, so that ``subcommand()`` and ``has_option()``
# do not mistake ``apt-get -o Foo=1 install`` for the subcommand ``Foo=1`` or read ``tar -C/opt``
# as containing ``-o``. Callers can pass their own set instead.
_V = lambda s: frozenset(s.split())  # noqa: E731
_APT = _V("-o --option -t --target-release --default-release -c --config-file -a --host-architecture")
_YUM = _V(
    "-c --config -x --exclude --enablerepo --disablerepo --installroot --releasever --setopt -d "
    "--debuglevel -e --errorlevel --repo --repoid --forcearch --downloaddir --destdir"
)
_PIP = _V(
    "-r --requirement -c --constraint -i --index-url --extra-index-url -f --find-links -t --target "
    "--prefix --root -e --editable --trusted-host --platform --python-version --implementation "
    "--abi --only-binary --no-binary --progress-bar --cache-dir --src --upgrade-strategy --log "
    "--proxy --retries --timeout --cert --client-cert --report --config-settings -C"
)
KNOWN_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "apt-get": _APT,
    "apt": _APT,
    "apt-cache": _APT,
    "aptitude": _APT,
    "apk": _V(
        "-X --repository -p --root -t --virtual --repositories-file --keys-dir --arch --cache-dir "
        "--cache-max-age"
    ),
    "yum": _YUM,
    "dnf": _YUM,
    "microdnf": _YUM,
    "tdnf": _YUM,
    "zypper": _V("-r --repo -t --type --root -p --plus-repo -R --reposd-dir -C --cache-dir"),
    "pip": _PIP,
    "pip3": _PIP,
    "npm": _V("--prefix -w --workspace --registry --cache --loglevel --omit --include --tag"),
    "yarn": _V("--cwd --cache-folder --modules-folder --registry --network-timeout --mutex"),
    "gem": _V("-v --version -i --install-dir -n --bindir --source -s --platform"),
    "git": _V(
        "-C -c --git-dir --work-tree --namespace -b --branch --depth -o --origin --config "
        "--reference --separate-git-dir -j --jobs --filter --shallow-since --template"
    ),
    "curl": _V(
        "-o --output -H --header -d --data --data-binary --data-raw --data-urlencode -u --user -A "
        "--user-agent -e --referer -X --request -x --proxy -m --max-time --connect-timeout --retry "
        "--retry-delay --retry-max-time -w --write-out -T --upload-file -F --form -b --cookie -c "
        "--cookie-jar -r --range -C --continue-at -K --config --cacert --capath -E --cert --key "
        "--resolve --interface -y --speed-time -Y --speed-limit -z --time-cond --output-dir "
        "--proto --proto-redir --limit-rate --max-filesize --url -U --proxy-user --netrc-file"
    ),
    "wget": _V(
        "-O --output-document -o --output-file -a --append-output -P --directory-prefix -t --tries "
        "-T --timeout -U --user-agent --header -e --execute -i --input-file -B --base --user "
        "--password --post-data --post-file --ca-certificate --ca-directory --certificate "
        "--private-key --limit-rate -w --wait -Q --quota -l --level -A --accept -R --reject -D "
        "--domains --progress"
    ),
    "tar": _V(
        "-f --file -C --directory -T --files-from -X --exclude-from --exclude -b --blocking-factor "
        "--owner --group --mode --transform --strip-components -I --use-compress-program -H "
        "--format -g --listed-incremental -N --newer -K -L -V --label"
    ),
    "go": _V(
        "-o -C -ldflags -gcflags -tags -mod -modfile -p -pkgdir -asmflags -buildmode -compiler "
        "-exec -overlay -pgo -toolexec"
    ),
}
del _V

# Programs whose single-dash options are whole words (``go build -ldflags``, ``find -name``), so
# ``-ldflags`` must not be read as ``-l -d -f ...``.
_SINGLE_DASH_LONG = frozenset(
    {"go", "find", "java", "javac", "gcc", "g++", "cc", "c++", "clang", "clang++", "ld", "dotnet", "ffmpeg"}
)

# ``set -o NAME`` spellings of options that also have a letter, so callers need check only one name.
_SET_LETTERS = {
    "allexport": "a", "notify": "b", "noclobber": "C", "errexit": "e", "errtrace": "E",
    "noglob": "f", "hashall": "h", "keyword": "k", "monitor": "m", "noexec": "n",
    "onecmd": "t", "nounset": "u", "verbose": "v", "xtrace": "x", "braceexpand": "B",
    "histexpand": "H", "physical": "P", "privileged": "p", "functrace": "T",
}  # fmt: skip

_RESERVED = frozenset(
    {"if", "then", "elif", "else", "fi", "while", "until", "for", "select", "do", "done", "case",
     "esac", "{", "}", "!", "function"}
)  # fmt: skip

_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_WS = re.compile(r"[ \t\r\f\v]+")
_OP = re.compile(r"&&|\|\||;;&|;;|;&|\|&|[;&|()]")
# One match per token for everything but `$(`, `${`, backticks, `$'...'` and malformed input,
# which the hand-written lexer handles. Quantifiers are possessive so a failed match never
# backtracks (no blow-up on long words). Words must end where a word ends; otherwise the slow
# path takes over from the same position.
_FAST = re.compile(
    r"""[ \t\r\f\v]*+(?:
      (?P<r>(?P<fd>\d++|\{[A-Za-z_][A-Za-z0-9_]*+\})?+
            (?P<rop><<<|<<-|<<|<>|<&|>&|>>|>\||<(?!\()|>(?!\())|&>>|&>)
    | (?P<p>(?!\#)[^ \t\n\r\f\v'"\\$`|&;<>()]++)(?![^ \t\n\r\f\v;&|)<>])
    | (?P<w>(?!\#)(?:[^ \t\n\r\f\v'"\\$`|&;<>()]++|'[^']*+'|"(?:[^"\\$`]++|\\[^\n]|\$(?![({]))*+"
                    |\\[^\n]|\$(?![({'"]))++)
      (?![^ \t\n\r\f\v;&|)<>])
    | (?P<o>&&|\|\||;;&|;;|;&|\|&|[;&|)]|\((?!\())
    | (?P<n>\n)
    | (?P<c>\#[^\n]*+)
    )?+""",
    re.X,
)  # groups: 1 r, 2 fd, 3 rop, 4 p (plain word), 5 w (word with quotes), 6 o, 7 n, 8 c
_UNQUOTE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)""", re.S)
_DQ_ESCAPE = re.compile(r"\\([$`\"\\])")


def _unquote_part(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return m.group(1)
    if m.group(2) is not None:
        return _DQ_ESCAPE.sub(r"\1", m.group(2))
    return m.group(3)


_REDIR = re.compile(r"(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)")
_ANSI_BODY = re.compile(r"(?:[^'\\]+|\\.)*", re.S)
_ANSI_ESC = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|.)", re.S)
_ANSI_SIMPLE = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip
_SEPARATOR_OPS = frozenset({";", "\n", "&", ";;", ";&", ";;&"})
_CONTINUING_OPS = frozenset({"&&", "||", "|", "|&"})


# --- public model ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    value: str  # quotes and escapes removed; $VAR, ${..}, $(..) and `..` kept as written
    raw: str  # as written in the script it came from
    start: int  # offset of the first character in the text given to parse_script
    end: int  # offset after the last character
    quoted: bool  # any part was quoted or backslash-escaped (so it is never a keyword)


@dataclass(frozen=True, slots=True)
class Redirect:
    op: str  # '>', '>>', '<', '<<', '<<-', '<<<', '>&', '<&', '&>', '&>>', '<>', '>|'
    fd: str | None  # '2' in '2>/dev/null'; None when not written
    target: Word | None  # the file, fd ('1' in '2>&1') or here-document delimiter
    start: int
    end: int
    body: str | None = None  # here-document text (without the terminator line)


@dataclass(slots=True)
class Command:
    """One simple command.

    ``raw_words`` is everything as written (env prefixes and wrappers included); ``words`` is the
    argv of the program that actually runs, so ``sudo -E DEBIAN_FRONTEND=x env A=1 apt-get ...``
    has ``name == 'apt-get'``, ``wrappers == ['sudo', 'env']``.
    """

    words: list[Word]
    assignments: list[tuple[str, str]]  # VAR=value prefixes, and those given to `env`
    wrappers: list[str]  # names of stripped wrapper programs, outermost first (see WRAPPERS)
    start: int  # span of the whole simple command, prefixes and redirections included
    end: int
    connector: str | None  # '&&', '||', ';', '|', '|&', '&', '\n', ';;'..., None for a script's first
    pipeline: int  # commands joined by '|' share it; numbered in source order
    depth: int  # 0 at top level; +1 per enclosing compound command, substitution or `sh -c` string
    raw_words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    subshell: bool = False  # runs in a child shell: ( ... ), $( ... ), `...`, `sh -c '...'`
    # Rules ask for ``name`` millions of times on a corpus; remember it for the current first word.
    _name_cache: tuple[Word, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        if not self.words:
            return ""
        first = self.words[0]
        cache = self._name_cache
        if cache is None or cache[0] is not first:
            cache = self._name_cache = (first, _basename(first.value))
        return cache[1]

    @property
    def args(self) -> list[str]:
        return [w.value for w in self.words[1:]]

    def _option_args(self) -> list[str]:
        args = self.args
        # Old-style bundled options: `tar xzf file.tgz` means `tar -xzf file.tgz`.
        if args and self.name == "tar" and args[0][:1].isalpha() and args[0].isalpha():
            args[0] = "-" + args[0]
        return args

    def _value_options(self, value_options: Iterable[str] | None) -> frozenset[str] | set[str]:
        if value_options is None:
            return KNOWN_VALUE_OPTIONS.get(self.name, frozenset())
        return value_options if isinstance(value_options, (set, frozenset)) else set(value_options)

    def has_option(self, *names: str, value_options: Iterable[str] | None = None) -> bool:
        """Whether any of the options is given: ``-y``, ``--yes``, ``-qy`` (has ``-y``), ``--opt=x``.

        Single-letter names are also looked for inside combined short options, but not past a
        letter that takes a value (``tar -C/opt`` has no ``-o``); ``value_options`` overrides the
        built-in table of such options (``KNOWN_VALUE_OPTIONS``). Stops at ``--``.
        """
        wanted = set(names)
        letters = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        vo = self._value_options(value_options)
        whole_words = self.name in _SINGLE_DASH_LONG
        args = self._option_args()
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                break
            if len(a) < 2 or a[0] != "-":
                continue
            key = a.split("=", 1)[0]
            if key in wanted:
                return True
            if a[1] == "-" or whole_words:
                if key == a and key in vo:
                    i += 1
                continue
            for k in range(1, len(a)):
                ch = a[k]
                if ch in letters:
                    return True
                if "-" + ch in vo:
                    if k == len(a) - 1:
                        i += 1
                    break
        return False

    def option_values(self, *names: str, value_options: Iterable[str] | None = None) -> list[str]:
        """Every value given to these options: ``--target=x``, ``--target x``, ``-t x``, ``-tx``."""
        wanted = set(names)
        letters = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        vo = set(self._value_options(value_options)) | wanted
        whole_words = self.name in _SINGLE_DASH_LONG
        args = self._option_args()
        out: list[str] = []
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                break
            if len(a) < 2 or a[0] != "-":
                continue
            key, eq, val = a.partition("=")
            if a[1] == "-" or whole_words or key in wanted:
                if key in wanted:
                    if eq:
                        out.append(val)
                    elif i < n:
                        out.append(args[i])
                if not eq and key in vo:
                    i += 1
                continue
            for k in range(1, len(a)):
                ch = a[k]
                if "-" + ch in vo:
                    rest = a[k + 1 :]
                    if not rest and i < n:
                        rest = args[i]
                        i += 1
                    if ch in letters:
                        out.append(rest)
                    break
        return out

    def option_value(self, *names: str, value_options: Iterable[str] | None = None) -> str | None:
        """The value of the last of these options given (the one most programs honour), or None."""
        values = self.option_values(*names, value_options=value_options)
        return values[-1] if values else None

    def positionals(self, value_options: Iterable[str] | None = None) -> list[str]:
        """Arguments that are not options nor option values (everything after ``--`` counts)."""
        vo = self._value_options(value_options)
        whole_words = self.name in _SINGLE_DASH_LONG
        args = self._option_args()
        out: list[str] = []
        i, n = 0, len(args)
        while i < n:
            a = args[i]
            i += 1
            if a == "--":
                out.extend(args[i:])
                break
            if len(a) < 2 or a[0] != "-":
                out.append(a)
                continue
            if a[1] == "-" or whole_words:
                if "=" not in a and a in vo:
                    i += 1
                continue
            for k in range(1, len(a)):
                if "-" + a[k] in vo:
                    if k == len(a) - 1:
                        i += 1
                    break
        return out

    def subcommand(self, value_options: Iterable[str] | None = None) -> str | None:
        """The first positional argument: ``update`` in ``apt-get -q -o X=1 update``."""
        positionals = self.positionals(value_options)
        return positionals[0] if positionals else None


@dataclass
class Script:
    """Every simple command of a script, in source order, nested ones included.

    Included: bodies of ``if``/``while``/``until``/``for``/``case``/``{ }``/``( )`` and functions
    (keywords are not commands), ``$(...)``, backticks, ``<(...)``, ``${X:-$(...)}``, and the string
    run by ``sh -c``/``bash -c``/``su -c``/``eval '...'``. Not included: here-document bodies
    (see ``Redirect.body``) and ``(( ... ))`` arithmetic. A word computed at run time keeps its
    text as its name (``$(which python) -V`` is named ``$(which python)``).

    ``sets`` is the result of the script's own ``set`` commands, in order (``set -e ... set +e``
    leaves ``e`` off), ignoring those in child shells; ``-o errexit`` style names become letters.
    """

    text: str
    commands: list[Command] = field(default_factory=list)  # source order, nested ones included
    sets: frozenset[str] = frozenset()  # options on after the script's own `set`s: 'e', 'pipefail'
    incomplete: bool = False  # malformed input or nesting past MAX_DEPTH: the model is partial

    def pipelines(self) -> list[list[Command]]:
        groups: dict[int, list[Command]] = {}
        for command in self.commands:
            groups.setdefault(command.pipeline, []).append(command)
        return list(groups.values())

    def find(self, *names: str) -> Iterator[Command]:
        wanted = set(names)
        return (c for c in self.commands if c.name in wanted)


def parse_script(text: str, *, escape: str = "\\") -> Script:
    """Parse the shell script of a RUN (its joined command line or a heredoc body). Never raises.

    ``escape`` is the Dockerfile's escape character. When it is not a backslash the script is
    almost certainly for a Windows shell, so a backslash is literal (``C:\\dir``), the escape
    character escapes instead, and backticks are not command substitution.
    """
    if not isinstance(text, str):
        text = str(text)
    if escape not in ("\\", "`") and (len(escape) != 1 or escape.isspace() or escape.isalnum()):
        escape = "\\"
    parser = _Parser(escape)
    try:
        parser.run(text)
    except Exception:  # noqa: BLE001 - a linter must survive anything; keep what was parsed
        parser.incomplete = True
    return parser.result(text)


# --- implementation ----------------------------------------------------------------------------


class _Ctx:
    """One text being lexed: the script itself, or the unquoted string of `sh -c` / backticks."""

    __slots__ = ("text", "close", "map")

    def __init__(self, text: str, mapper: Callable[[int], int] | None = None) -> None:
        self.text = text
        self.close: dict[int, int] = {}  # opening bracket offset -> its closing bracket offset
        self.map = mapper  # offset in text -> offset in the root text (None: identity)


def _runs_mapper(runs: list[tuple[int, int]], parent: Callable[[int], int] | None) -> Callable[[int], int]:
    keys = [r[0] for r in runs]
    offsets = [r[1] for r in runs]

    def mapper(i: int) -> int:
        k = bisect.bisect_right(keys, i) - 1
        o = offsets[k] + (i - keys[k]) if k >= 0 else (offsets[0] if offsets else 0)
        return o if parent is None else parent(o)

    return mapper


class _Rx:
    __slots__ = ("plain", "dq", "code", "bt", "bt_body", "dq_escapable")

    def __init__(self, esc: str) -> None:
        e = re.escape(esc)
        backtick = "`" if esc == "\\" else ""
        self.plain = re.compile(rf"[^ \t\n\r\f\v'\"$|&;<>(){e}{backtick}]+")
        self.dq = re.compile(rf"[^\"${e}{backtick}]+")
        self.code = re.compile(rf"[^'\"$(){{}}#{e}{backtick}]+")
        self.bt = re.compile(r"[^`\\]+")
        self.bt_body = re.compile(r"(?:[^`\\]+|\\.)*", re.S)
        self.dq_escapable = '$`"\\\n' if esc == "\\" else None  # None: escapes anything


_RX: dict[str, _Rx] = {}

# Token shapes (tuples are much cheaper than objects in the hot loop):
#   word:     ('w', start, end, value, quoted, runs, subs)
#   operator: ('o', op, start, end)
#   redirect: ('r', op, fd, start, end, heredoc)   heredoc: [delimiter, strip_tabs, body] or None
#   arith:    ('a', start, end)                    `(( ... ))` command
# ``runs`` maps the value back to the text: (value index, text offset) where each verbatim run
# starts. ``subs`` lists nested scripts found in the word: (ctx, start, end).


class _Parser:
    def __init__(self, escape: str) -> None:
        self.esc = escape
        rx = _RX.get(escape)
        if rx is None:
            rx = _RX[escape] = _Rx(escape)
        self.rx = rx
        self.incomplete = False
        self.commands: list[Command] = []
        self.jobs: deque[tuple[_Ctx, int, int, int, bool]] = deque()  # (ctx, start, end, depth, subshell)
        self.next_pipe = 0
        self.nested_jobs = 0
        # Each character of a text is lexed once (nested $(...) are skipped by the outer level and
        # lexed by their own job), but an `sh -c` string or escaped backtick body is copied into
        # a new text and lexed again. Crafted nesting like `sh -c "$(sh -c "$(...)")"` would do
        # that per level; charging new texts against this budget keeps the total work linear.
        self.budget = 0

    # -- driver ---------------------------------------------------------------------------------

    def run(self, text: str) -> None:
        self.budget = _WORK_FACTOR * len(text) + 100_000
        self.jobs.append((_Ctx(text), 0, len(text), 0, False))
        while self.jobs:
            ctx, start, end, depth, subshell = self.jobs.popleft()
            self.nested_jobs += depth > 0
            if depth > MAX_DEPTH:
                self.incomplete = True
                continue
            tokens = self.lex(ctx, start, end)
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
                    _apply_set(sets, command.args)
        return Script(text, commands, frozenset(sets), self.incomplete)

    # -- lexer ----------------------------------------------------------------------------------

    def lex(self, ctx: _Ctx, pos: int, lim: int) -> list[tuple]:
        text = ctx.text
        esc = self.esc
        toks: list[tuple] = []
        append = toks.append
        heredocs: list[list] = []  # here-documents whose body starts after the next newline
        want: list | None = None  # here-document waiting for its delimiter word
        ws = _WS.match
        fast = _FAST.match if esc == "\\" else None
        unquote = _UNQUOTE.sub
        while pos < lim:
            if fast is not None:
                m = fast(text, pos, lim)
                g = m.lastindex
                if g == 4 or g == 5:
                    # A word followed by "(" fails these patterns: `a=(...)` and `f()` go slow.
                    s, pos = m.span(g)
                    if g == 4:
                        tok = ("w", s, pos, m.group(4), False, None, None)
                    else:
                        raw = m.group(5)
                        q = raw[0]
                        if (
                            (q == "'" or q == '"')
                            and raw[-1] == q
                            and raw.count(q) == 2
                            and (q == "'" or "\\" not in raw)
                        ):
                            value = raw[1:-1]  # one quoted string, nothing to unescape
                        elif "'" in raw or '"' in raw or "\\" in raw:
                            value = unquote(_unquote_part, raw)
                        else:
                            value = raw
                        tok = ("w", s, pos, value, value is not raw, None, None)
                    append(tok)
                    if want is not None:
                        want[0] = tok[3]
                        heredocs.append(want)
                        want = None
                    continue
                if g == 6:
                    s, pos = m.span(6)
                    append(("o", m.group(6), s, pos))
                    want = None
                    continue
                if g == 7:
                    pos = m.end()
                    append(("o", "\n", pos - 1, pos))
                    want = None
                    if heredocs:
                        pos = self._heredoc_bodies(text, pos, lim, heredocs)
                        heredocs = []
                    continue
                if g == 8:
                    pos = m.end()
                    continue
                if g == 1:
                    s, pos = m.span(1)
                    op = m.group(3) or m.group(1)
                    heredoc = [None, op == "<<-", None] if op == "<<" or op == "<<-" else None
                    append(("r", op, m.group(2), s, pos, heredoc))
                    want = heredoc
                    continue
                pos = m.end()
                if pos >= lim:
                    break
            c = text[pos]
            if c in " \t\r\f\v":
                pos = ws(text, pos, lim).end()
                continue
            if c == "\n":
                append(("o", "\n", pos, pos + 1))
                pos += 1
                want = None
                if heredocs:
                    pos = self._heredoc_bodies(text, pos, lim, heredocs)
                    heredocs = []
                continue
            if c == "#":
                nl = text.find("\n", pos, lim)
                pos = lim if nl < 0 else nl
                continue
            nxt = text[pos + 1] if pos + 1 < lim else ""
            if c in "&|;()":
                want = None
                if c == "&" and nxt == ">":
                    op = "&>>" if text.startswith(">>", pos + 1) and pos + 2 < lim else "&>"
                    end = pos + len(op)
                    append(("r", op, None, pos, end, None))
                    pos = end
                    continue
                if c == "(" and nxt == "(":
                    close = self._arith_command(ctx, pos, lim)
                    if close >= 0:
                        append(("a", pos, close + 1))
                        pos = close + 1
                        continue
                m = _OP.match(text, pos, lim)
                op = m.group()
                append(("o", op, pos, m.end()))
                pos = m.end()
                continue
            if c in "<>0123456789{" and not ((c == "<" or c == ">") and nxt == "("):
                m = _REDIR.match(text, pos, lim)
                if m is not None:
                    op = m.group(2)
                    want = [None, op == "<<-", None] if op in ("<<", "<<-") else None
                    append(("r", op, m.group(1), pos, m.end(), want))
                    pos = m.end()
                    continue
            if c == esc and nxt == "\n":
                pos += 2
                continue
            tok = self._word(ctx, pos, lim)
            if tok[2] <= pos:  # cannot happen; guarantees progress on any input
                tok = ("w", pos, pos + 1, c, False, [(0, pos)], None)
            pos = tok[2]
            if pos < lim and text[pos] == "(" and _ASSIGN.fullmatch(text, tok[1], pos):
                tok, pos = self._array(ctx, tok, lim)
            append(tok)
            if want is not None:
                want[0] = tok[3]
                heredocs.append(want)
                want = None
        return toks

    def _array(self, ctx: _Ctx, tok: tuple, lim: int) -> tuple[tuple, int]:
        """Extend an `name=` word over the `( ... )` of an array assignment."""
        o = tok[2]
        close = ctx.close.get(o)
        found = None
        if close is None:
            close, found = self._scan(ctx, o, lim, ")")
        if close < 0:
            self.incomplete = True
            close = lim - 1
        end = close + 1
        _, s, _, value, quoted, runs, subs = tok
        if runs is not None:
            runs = runs + [(len(value), o)]
        if found:
            subs = (subs or []) + found
        return ("w", s, end, value + ctx.text[o:end], quoted, runs, subs), end

    def _heredoc_bodies(self, text: str, pos: int, lim: int, heredocs: list[list]) -> int:
        for heredoc in heredocs:
            delimiter, strip_tabs = heredoc[0], heredoc[1]
            body_start = pos
            while True:
                if pos >= lim:
                    heredoc[2] = text[body_start:lim]
                    self.incomplete = True
                    return lim
                nl = text.find("\n", pos, lim)
                line_end = lim if nl < 0 else nl
                line = text[pos:line_end]
                if strip_tabs:
                    line = line.lstrip("\t")
                if line == delimiter or line.rstrip("\r") == delimiter:
                    heredoc[2] = text[body_start:pos]
                    pos = min(line_end + 1, lim)
                    break
                pos = line_end + 1
        return pos

    def _word(self, ctx: _Ctx, pos: int, lim: int) -> tuple:
        text = ctx.text
        rx = self.rx
        plain = rx.plain.match
        dq = rx.dq.match
        esc = self.esc
        backticks = esc == "\\"
        escapable = rx.dq_escapable
        start = pos
        parts: list[str] = []
        runs: list[tuple[int, int]] = []
        vlen = 0
        quoted = False
        in_dq = False
        subs: list | None = None
        while pos < lim:
            if in_dq:
                m = dq(text, pos, lim)
                if m is not None:
                    e = m.end()
                    runs.append((vlen, pos))
                    parts.append(text[pos:e])
                    vlen += e - pos
                    pos = e
                    if pos >= lim:
                        break
                c = text[pos]
                if c == '"':
                    in_dq = False
                    pos += 1
                    continue
                if c == esc:
                    n = text[pos + 1] if pos + 1 < lim else ""
                    if n == "\n":
                        pos += 2
                    elif n and (escapable is None or n in escapable):
                        runs.append((vlen, pos + 1))
                        parts.append(n)
                        vlen += 1
                        pos += 2
                    else:
                        runs.append((vlen, pos))
                        parts.append(c)
                        vlen += 1
                        pos += 1
                    continue
                if c == "$":
                    e, found = self._dollar(ctx, pos, lim)
                elif c == "`":
                    e, found = self._backtick(ctx, pos, lim)
                else:
                    e, found = pos + 1, None
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if found:
                    if subs is None:
                        subs = found
                    else:
                        subs.extend(found)
                continue
            m = plain(text, pos, lim)
            if m is not None:
                e = m.end()
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if pos >= lim:
                    break
            c = text[pos]
            if c == "'":
                q = text.find("'", pos + 1, lim)
                if q < 0:
                    self.incomplete = True
                    q = lim
                runs.append((vlen, pos + 1))
                parts.append(text[pos + 1 : q])
                vlen += q - pos - 1
                pos = min(q + 1, lim)
                quoted = True
            elif c == '"':
                in_dq = True
                quoted = True
                pos += 1
            elif c == esc:
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "\n":
                    pos += 2
                    continue
                if n == "":
                    runs.append((vlen, pos))
                    parts.append(c)
                    vlen += 1
                    pos += 1
                    continue
                runs.append((vlen, pos + 1))
                parts.append(n)
                vlen += 1
                pos += 2
                quoted = True
            elif c == "$":
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "'":
                    m = _ANSI_BODY.match(text, pos + 2, lim)
                    e = m.end()
                    if e >= lim:
                        self.incomplete = True
                    value = _ansi_decode(text[pos + 2 : e])
                    runs.append((vlen, pos + 2))
                    parts.append(value)
                    vlen += len(value)
                    pos = min(e + 1, lim)
                    quoted = True
                elif n == '"':
                    in_dq = True
                    quoted = True
                    pos += 2
                else:
                    e, found = self._dollar(ctx, pos, lim)
                    runs.append((vlen, pos))
                    parts.append(text[pos:e])
                    vlen += e - pos
                    pos = e
                    if found:
                        if subs is None:
                            subs = found
                        else:
                            subs.extend(found)
            elif c == "`" and backticks:
                e, found = self._backtick(ctx, pos, lim)
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if found:
                    if subs is None:
                        subs = found
                    else:
                        subs.extend(found)
            elif (c == "<" or c == ">") and pos == start and pos + 1 < lim and text[pos + 1] == "(":
                # Process substitution <(cmd) / >(cmd): a word whose inside is a script.
                close = ctx.close.get(pos + 1)
                if close is None:
                    close, _ = self._scan(ctx, pos + 1, lim, ")")
                if close < 0:
                    self.incomplete = True
                    found, e = [(ctx, pos + 2, lim)], lim
                else:
                    found, e = [(ctx, pos + 2, close)], close + 1
                runs.append((vlen, pos))
                parts.append(text[pos:e])
                vlen += e - pos
                pos = e
                if subs is None:
                    subs = found
                else:
                    subs.extend(found)
            else:
                break
        if in_dq:
            self.incomplete = True
        value = parts[0] if len(parts) == 1 else "".join(parts)
        return ("w", start, pos, value, quoted, runs, subs)

    def _dollar(self, ctx: _Ctx, pos: int, lim: int) -> tuple[int, list | None]:
        """End of the `$...` construct at pos, and the scripts inside it."""
        text = ctx.text
        n = text[pos + 1] if pos + 1 < lim else ""
        if n == "(":
            o = pos + 1
            close = ctx.close.get(o)
            if close is None:
                close, _ = self._scan(ctx, o, lim, ")")
            if close < 0:
                self.incomplete = True
                if o + 1 < lim and text[o + 1] == "(":
                    return lim, None
                return lim, [(ctx, o + 1, lim)]
            if o + 1 < close and text[o + 1] == "(" and ctx.close.get(o + 1) == close - 1:
                return close + 1, None  # $(( arithmetic ))
            return close + 1, [(ctx, o + 1, close)]
        if n == "{":
            close, found = self._scan(ctx, pos + 1, lim, "}")
            if close < 0:
                self.incomplete = True
                return lim, found or None
            return close + 1, found or None
        return pos + 1, None

    def _backtick(self, ctx: _Ctx, pos: int, lim: int) -> tuple[int, list | None]:
        text = ctx.text
        e = self.rx.bt_body.match(text, pos + 1, lim).end()
        if e >= lim or text[e] != "`":
            self.incomplete = True
            close, end = lim, lim
        else:
            close, end = e, e + 1
        body = text[pos + 1 : close]
        if "\\" not in body:
            return end, [(ctx, pos + 1, close)]
        # Inside backticks, \\ \` and \$ stand for the character itself.
        pieces: list[str] = []
        runs: list[tuple[int, int]] = []
        vlen = 0
        i = pos + 1
        while i < close:
            j = text.find("\\", i, close)
            if j < 0:
                j = close
            if j > i:
                runs.append((vlen, i))
                pieces.append(text[i:j])
                vlen += j - i
            if j >= close:
                break
            n = text[j + 1] if j + 1 < close else ""
            if n in ("\\", "`", "$"):
                runs.append((vlen, j + 1))
                pieces.append(n)
                vlen += 1
                i = j + 2
            else:
                runs.append((vlen, j))
                pieces.append("\\")
                vlen += 1
                i = j + 1
        inner = "".join(pieces)
        self.budget -= len(inner)
        if self.budget < 0:
            self.incomplete = True
            return end, None
        sub = _Ctx(inner, _runs_mapper(runs, ctx.map))
        return end, [(sub, 0, len(inner))]

    def _arith_command(self, ctx: _Ctx, pos: int, lim: int) -> int:
        """Close offset of a `(( ... ))` command starting at pos, or -1 if it is `( (` subshells."""
        close = ctx.close.get(pos)
        if close is None:
            close, _ = self._scan(ctx, pos, lim, ")")
        if close > 0 and ctx.close.get(pos + 1) == close - 1:
            return close
        return -1

    def _scan(self, ctx: _Ctx, open_at: int, lim: int, closer: str) -> tuple[int, list]:
        """Offset of the bracket closing the one at open_at (-1 if none), iteratively.

        Records the close of every bracket passed on the way in ``ctx.close`` so lexing the inner
        text later never scans it again. Also returns the command substitutions directly inside
        (used for ``${VAR:-$(cmd)}``, whose inside is not lexed as a script).
        """
        text = ctx.text
        cache = ctx.close
        rx = self.rx
        code = rx.code.match
        dqm = rx.dq.match
        btm = rx.bt.match
        esc = self.esc
        backticks = esc == "\\"
        stack: list[tuple[str, int, bool]] = [(closer, open_at, False)]
        depth_cs = 0  # command substitutions open above the base
        found: list = []
        pos = open_at + 1
        while pos < lim:
            mode = stack[-1][0]
            if mode == '"':
                m = dqm(text, pos, lim)
                if m is not None:
                    pos = m.end()
                    if pos >= lim:
                        break
                c = text[pos]
                if c == '"':
                    stack.pop()
                    pos += 1
                elif c == esc:
                    pos += 2
                elif c == "$":
                    n = text[pos + 1] if pos + 1 < lim else ""
                    if n == "(":
                        stack.append((")", pos + 1, True))
                        depth_cs += 1
                        pos += 2
                    elif n == "{":
                        stack.append(("}", pos + 1, False))
                        pos += 2
                    else:
                        pos += 1
                elif c == "`":
                    stack.append(("`", pos, False))
                    pos += 1
                else:
                    pos += 1
                continue
            if mode == "`":
                m = btm(text, pos, lim)
                if m is not None:
                    pos = m.end()
                    if pos >= lim:
                        break
                c = text[pos]
                if c == "`":
                    stack.pop()
                    pos += 1
                else:
                    pos += 2
                continue
            m = code(text, pos, lim)
            if m is not None:
                pos = m.end()
                if pos >= lim:
                    break
            c = text[pos]
            if c == "'":
                q = text.find("'", pos + 1, lim)
                if q < 0:
                    break
                pos = q + 1
            elif c == '"':
                stack.append(('"', pos, False))
                pos += 1
            elif c == esc:
                pos += 2
            elif c == "$":
                n = text[pos + 1] if pos + 1 < lim else ""
                if n == "(":
                    stack.append((")", pos + 1, True))
                    depth_cs += 1
                    pos += 2
                elif n == "{":
                    stack.append(("}", pos + 1, False))
                    pos += 2
                elif n == "'":
                    pos = _ANSI_BODY.match(text, pos + 2, lim).end() + 1
                else:
                    pos += 1
            elif c == "`" and backticks:
                stack.append(("`", pos, False))
                pos += 1
            elif c == "(" and mode == ")":
                stack.append((")", pos, False))
                pos += 1
            elif c == ")" or c == "}":
                if mode == c:
                    _, opened, is_cs = stack.pop()
                    cache[opened] = pos
                    if is_cs:
                        depth_cs -= 1
                        if depth_cs == 0:
                            found.append((ctx, opened + 1, pos))
                    if not stack:
                        return pos, found
                pos += 1
            elif c == "#" and mode == ")" and (pos == 0 or text[pos - 1] in " \t\n;&|("):
                nl = text.find("\n", pos, lim)
                pos = lim if nl < 0 else nl
            else:
                pos += 1
        for mode, opened, _ in stack:  # unclosed: remember, so inner levels do not rescan
            if mode == ")" or mode == "}":
                cache[opened] = -1
        return -1, found

    # -- grammar --------------------------------------------------------------------------------

    def parse(self, toks: list[tuple], ctx: _Ctx, base_depth: int, base_subshell: bool) -> None:
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
                            if inherit is not None:
                                p = inherit
                            elif connector in ("|", "|&"):
                                p = pipe
                            else:
                                p = self.next_pipe
                                self.next_pipe += 1
                            pipe = inherit = p
                            frames.append([opens[0], opens[1], p, False])
                            open_kinds[opens[0]] += 1
                            fresh = after_compound = False
                            started = True
                        continue
                    if inherit is not None:
                        p = inherit
                        inherit = None
                    elif connector == "|" or connector == "|&":
                        p = pipe
                    else:
                        p = self.next_pipe
                        self.next_pipe += 1
                    pipe = p
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
                    if inherit is not None:
                        p = inherit
                    elif connector in ("|", "|&"):
                        p = pipe
                    else:
                        p = self.next_pipe
                        self.next_pipe += 1
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
                    if inherit is not None:
                        p = inherit
                        inherit = None
                    elif connector == "|" or connector == "|&":
                        p = pipe
                    else:
                        p = self.next_pipe
                        self.next_pipe += 1
                    pipe = p
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

    def _emit(self, ctx: _Ctx, cur: list) -> None:
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
                w = _new(Word)
                _set_value(w, t[3])
                _set_raw(w, t[3] if t[5] is None and not t[4] else text[t[1] : t[2]])
                _set_start(w, t[1])
                _set_end(w, t[2])
                _set_quoted(w, t[4])
                words.append(w)
        else:
            words = [_word_of(t, text, mp) for t in wtoks]
            nested = [t for t in wtoks if t[6]] or None
        assignments: list[tuple[str, str]] = []
        k = 0
        nw = len(wtoks)
        while k < nw and "=" in wtoks[k][3]:
            t = wtoks[k]
            m = _ASSIGN.match(text, t[1], t[2])
            if m is None:
                break
            assignments.append((text[t[1] : m.end() - 1].rstrip("+"), t[3].partition("=")[2]))
            k += 1
        first = k
        wrappers: list[str] = []
        if k < nw and ((v := wtoks[k][3]) in WRAPPERS or "/" in v and _base(v) in WRAPPERS):
            first, wrappers = _strip_wrappers(words, k, assignments)
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
        inner = None
        if argv and ((v := argv[0].value) in _SCRIPT_RUNNERS or "/" in v and _base(v) in _SCRIPT_RUNNERS):
            script_at = _inner_script(argv)
            if script_at is not None:
                inner = wtoks[first + script_at]  # its $(...) belong to the inner script
                value = inner[3]
                self.budget -= len(value)
                if self.budget < 0:
                    # Too much copying: still parse its $(...) in place, which costs no copy.
                    self.incomplete = True
                    inner = None
                else:
                    runs = inner[5]
                    if runs is None:  # lexed by the fast path, which keeps no runs: redo this word
                        runs = self._word(ctx, inner[1], inner[2])[5]
                    sub = _Ctx(value, _runs_mapper(runs, mp))
                    same_shell = argv[0].value == "eval"
                    self.jobs.append((sub, 0, len(value), depth + 1, subshell or not same_shell))
        if nested is not None:
            for t in nested:
                if t is not inner:
                    self._queue_subs(t, depth + 1)


_SCRIPT_RUNNERS = SHELLS | {"su", "runuser", "eval"}
_new = object.__new__
# Word is frozen; its generated __init__ goes through object.__setattr__ per field, which is twice
# as slow as the slot descriptors. Words are the most numerous objects, so build them directly.
_set_value, _set_raw, _set_start, _set_end, _set_quoted = (
    Word.__dict__[name].__set__ for name in ("value", "raw", "start", "end", "quoted")
)


def _source_order(command: Command) -> tuple[int, int]:
    return command.start, command.depth


def _base(value: str) -> str:
    return value.rsplit("/", 1)[-1] if "/" in value else value


def _redirect(op: str, fd: str | None, target: Word | None, start: int, end: int, body: str | None) -> Redirect:
    r = _new(Redirect)
    _r_op(r, op)
    _r_fd(r, fd)
    _r_target(r, target)
    _r_start(r, start)
    _r_end(r, end)
    _r_body(r, body)
    return r


_r_op, _r_fd, _r_target, _r_start, _r_end, _r_body = (
    Redirect.__dict__[name].__set__ for name in ("op", "fd", "target", "start", "end", "body")
)


def _word_of(t: tuple, text: str, mp: Callable[[int], int] | None) -> Word:
    s, e = t[1], t[2]
    w = _new(Word)
    _set_value(w, t[3])
    _set_raw(w, text[s:e])
    if mp is None:
        _set_start(w, s)
        _set_end(w, e)
    else:
        ms = mp(s)
        _set_start(w, ms)
        _set_end(w, mp(e - 1) + 1 if e > s else ms)
    _set_quoted(w, t[4])
    return w


def _basename(value: str) -> str:
    base = value.rsplit("/", 1)[-1]
    # `$(which python)` or `${PY:-/usr/bin/python}` is computed at run time: keep it whole.
    if base.count(")") > base.count("(") or base.count("}") > base.count("{") or base.count("`") % 2:
        return value
    return base


def _ansi_decode(body: str) -> str:
    if "\\" not in body:
        return body

    def replace(m: re.Match[str]) -> str:
        s = m.group(1)
        c = s[0]
        if c in _ANSI_SIMPLE and len(s) == 1:
            return _ANSI_SIMPLE[c]
        try:
            if c == "x" and len(s) > 1:
                return chr(int(s[1:], 16))
            if c in "uU" and len(s) > 1:
                return chr(int(s[1:], 16))
            if c in "01234567":
                return chr(int(s, 8) & 0xFF)
        except (ValueError, OverflowError):
            pass
        return m.group(0)

    return _ANSI_ESC.sub(replace, body)


def _strip_wrappers(words: list[Word], i: int, assignments: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """Index of the real program in words (from i), and the wrappers skipped on the way."""
    wrappers: list[str] = []
    n = len(words)
    while i < n:
        name = words[i].value.rsplit("/", 1)[-1]
        spec = WRAPPERS.get(name)
        if spec is None:
            break
        value_options, positional = spec
        j = i + 1
        found_env: list[tuple[str, str]] = []
        stop = False
        while j < n:
            a = words[j].value
            if a == "--":
                j += 1
                break
            if name == "env" and a == "-":
                j += 1
                continue
            if len(a) < 2 or a[0] != "-":
                break
            if name == "command" and a in ("-v", "-V"):
                stop = True  # `command -v x` asks whether x exists; it runs nothing
                break
            j += 1
            if a[1] == "-":
                if "=" not in a and a in value_options:
                    j += 1
                continue
            for k in range(1, len(a)):
                if "-" + a[k] in value_options:
                    if k == len(a) - 1:
                        j += 1
                    break
        if stop:
            break
        if name == "env" or name == "sudo":
            while j < n and _ASSIGN.match(words[j].raw):
                found_env.append(tuple(words[j].value.split("=", 1)))  # type: ignore[arg-type]
                j += 1
        j += positional
        if j >= n:
            break  # `sudo -i`, `env`, `exec >log`: the wrapper itself is the command
        wrappers.append(name)
        assignments.extend(found_env)
        i = j
    return i, wrappers


def _inner_script(argv: list[Word]) -> int | None:
    """Index in argv of a script string the command runs: `sh -c '...'`, `su -c`, `eval '...'`."""
    name = argv[0].value.rsplit("/", 1)[-1]
    n = len(argv)
    if name == "busybox" and n > 1 and argv[1].value in SHELLS:
        argv = argv[1:]
        inner = _inner_script(argv)
        return None if inner is None else inner + 1
    if name in SHELLS and name != "busybox":
        has_c = False
        j = 1
        while j < n:
            a = argv[j].value
            if a == "--":
                j += 1
                break
            if len(a) < 2 or a[0] not in "-+":
                break
            j += 1
            if a[:2] == "--":
                if a in ("--rcfile", "--init-file"):
                    j += 1
                continue
            letters = a[1:]
            if "c" in letters:
                has_c = True
            if letters.endswith("o") or letters == "O":
                j += 1  # -o pipefail
        if has_c and j < n:
            return j
        return None
    if name in ("su", "runuser"):
        for j in range(1, n):
            a = argv[j].value
            if a in ("-c", "--command") or (len(a) > 2 and a[0] == "-" and a[1] != "-" and a.endswith("c")):
                return j + 1 if j + 1 < n else None
            if a.startswith("--command="):
                return None  # value shares the word with the option; rare enough to skip
        return None
    if name == "eval" and n == 2:
        return 1
    return None


def _apply_set(sets: set[str], args: list[str]) -> None:
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        i += 1
        if a in ("--", "-") or len(a) < 2 or a[0] not in "-+":
            break
        on = a[0] == "-"
        for ch in a[1:]:
            if ch == "o":
                if i < n and args[i][:1] not in ("-", "+"):
                    long = args[i]
                    i += 1
                    name = _SET_LETTERS.get(long, long)
                    (sets.add if on else sets.discard)(name)
            else:
                (sets.add if on else sets.discard)(ch)
