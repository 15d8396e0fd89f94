"""A model of the POSIX-shell commands inside ``RUN`` instructions.

Rules ask questions like "does this ``apt-get install`` pass ``-y``?" or "is ``curl`` piped into
``sh``?". Answering them by substring search gets quoting, ``&&`` chains, ``sh -c`` strings and
``sudo`` prefixes wrong, so this package turns a script into a flat list of simple commands (argv,
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

The modules, each importing only those above it:

- :mod:`~imagelint.shell.options`: which options of which programs take a value
  (``KNOWN_VALUE_OPTIONS``).
- :mod:`~imagelint.shell.model`: the data: :class:`Script`, :class:`Command` (with its option
  queries), :class:`Word`, :class:`Redirect`.
- :mod:`~imagelint.shell.wrappers`: wrapper programs (``sudo``, ``env``...), the script of
  ``sh -c``/``eval``, and ``set`` options.
- :mod:`~imagelint.shell.scanner`: the texts being lexed (offset maps) and the bracket scanner.
- :mod:`~imagelint.shell.lexer`: text to tokens.
- :mod:`~imagelint.shell.parser`: :func:`parse_script`, tokens to commands, and the work queue of
  nested scripts.

Import from this package (``from imagelint.shell import Command``); the submodules are its
implementation and never import it.
"""

from __future__ import annotations

from imagelint.shell.model import Command, Redirect, Script, Word
from imagelint.shell.options import KNOWN_VALUE_OPTIONS
from imagelint.shell.parser import MAX_DEPTH, RecentScripts, parse_script
from imagelint.shell.wrappers import SHELLS, WRAPPERS

__all__ = [
    "KNOWN_VALUE_OPTIONS",
    "MAX_DEPTH",
    "SHELLS",
    "WRAPPERS",
    "Command",
    "RecentScripts",
    "Redirect",
    "Script",
    "Word",
    "parse_script",
]
