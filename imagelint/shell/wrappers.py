"""What the first words of a simple command mean: wrapper programs that run the rest of their argv
(``sudo``, ``env``, ``xargs``...), the script string a shell runs (``sh -c '...'``, ``eval``), and the
options a script's own ``set`` commands turn on.
"""

from __future__ import annotations

from imagelint.shell.model import ASSIGNMENT, Word
from imagelint.shell.options import takes_next_word

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

# Programs whose argument can be a script of its own (see ``inner_script``).
SCRIPT_RUNNERS = SHELLS | {"su", "runuser", "eval"}

# ``set -o NAME`` spellings of options that also have a letter, so callers need check only one name.
_SET_LETTERS = {
    "allexport": "a", "notify": "b", "noclobber": "C", "errexit": "e", "errtrace": "E",
    "noglob": "f", "hashall": "h", "keyword": "k", "monitor": "m", "noexec": "n",
    "onecmd": "t", "nounset": "u", "verbose": "v", "xtrace": "x", "braceexpand": "B",
    "histexpand": "H", "physical": "P", "privileged": "p", "functrace": "T",
}  # fmt: skip


def strip_wrappers(words: list[Word], i: int, assignments: list[tuple[str, str]]) -> tuple[int, list[str]]:
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
            if takes_next_word(a, value_options):
                j += 1
        if stop:
            break
        if name == "env" or name == "sudo":
            while j < n and ASSIGNMENT.match(words[j].raw):
                found_env.append(tuple(words[j].value.split("=", 1)))  # type: ignore[arg-type]
                j += 1
        j += positional
        if j >= n:
            break  # `sudo -i`, `env`, `exec >log`: the wrapper itself is the command
        wrappers.append(name)
        assignments.extend(found_env)
        i = j
    return i, wrappers


def inner_script(argv: list[Word]) -> int | None:
    """Index in argv of a script string the command runs: `sh -c '...'`, `su -c`, `eval '...'`."""
    name = argv[0].value.rsplit("/", 1)[-1]
    n = len(argv)
    if name == "busybox" and n > 1 and argv[1].value in SHELLS:
        argv = argv[1:]
        inner = inner_script(argv)
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


def apply_set(sets: set[str], args: list[str]) -> None:
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
