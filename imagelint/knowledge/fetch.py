"""Shell facts about downloads: which commands fetch, where the bytes go, what runs them.

Shared by the security rules (a script piped into a shell) and the correctness rules (a failed
download masked by a pipe).
"""

from __future__ import annotations

import re

from imagelint.shell import SHELLS, Command

FETCHERS = frozenset({"curl", "wget", "fetch"})
_INTERPRETERS = {
    # name: (options that take a value, options that give the program inline instead of on stdin)
    "python": (frozenset({"-W", "-X", "-Q"}), frozenset({"-c", "-m"})),
    "perl": (frozenset({"-I", "-M", "-m", "-x"}), frozenset({"-e", "-E"})),
    "ruby": (frozenset({"-I", "-r", "-C", "-E"}), frozenset({"-e"})),
    "node": (frozenset({"-r", "--require"}), frozenset({"-e", "--eval", "-p", "--print"})),
    "php": (frozenset({"-d", "-c", "-z"}), frozenset({"-r", "-R", "-B", "-E", "-F"})),
}
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def interpreter(command: Command) -> str | None:
    name = command.name
    if name in SHELLS and name != "busybox":
        return name
    base = re.sub(r"[\d.]+$", "", name)  # python3.12 -> python
    return base if base in _INTERPRETERS else None


def reads_program_from_stdin(command: Command) -> bool:
    """``sh``, ``bash -s -- -y``, ``python3 -``, ``php -- --install-dir=/x``: the program comes from stdin."""
    kind = interpreter(command)
    if kind is None:
        return False
    value_options, inline = _INTERPRETERS.get(kind, (_SHELL_VALUE_OPTIONS, frozenset({"-c"})))
    args = command.args
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("--", "-", "/dev/stdin", "/proc/self/fd/0"):
            return True
        if not arg.startswith(("-", "+")) or len(arg) < 2:
            return False  # a script file (or a -c string's value)
        key = arg.split("=", 1)[0]
        if key in inline or (kind in SHELLS and not arg.startswith("--") and "c" in arg[1:] and arg[0] == "-"):
            return False
        if kind in SHELLS and not arg.startswith("--") and "s" in arg[1:]:
            return True
        i += 2 if key in value_options and "=" not in arg else 1
    return True


def writes_to_stdout(command: Command) -> bool:
    if command.name == "wget":
        return command.option_value("-O", "--output-document") == "-"
    if command.name == "curl":
        output = command.option_value("-o", "--output")
        return (output is None or output == "-") and not command.has_option("-O", "--remote-name", "--remote-name-all")
    return command.name == "fetch" and command.option_value("-o") == "-"
