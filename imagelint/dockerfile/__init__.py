"""The Dockerfile model: bytes in, instructions and stages out, as BuildKit's parser sees them.

The line structure follows BuildKit's parser step by step: ``parser.Parse`` for lines, directives,
continuations and heredoc bodies, ``splitCommand``/``extractBuilderFlags`` for the keyword and flags,
the line parsers for exec form and the errors they raise, and the shell lexer for finding heredocs.
dockerfile-parse is used only for what it does right: quote-aware word and ``key=value`` splitting
of arguments (its own instruction splitter turns heredoc bodies into instructions).

tests/model/test_fidelity.py holds this to BuildKit's own parser over the whole corpus.

The modules, each importing only those above it:

- :mod:`~imagelint.dockerfile.syntax`: BuildKit's vocabulary (instruction and directive names,
  Go's idea of a space character).
- :mod:`~imagelint.dockerfile.words`: quote-aware word and ``key=value`` splitting of arguments,
  dockerfile-parse's splitting done in one pass (tests/model/test_words.py holds it to
  ``dockerfile_parse``'s results).
- :mod:`~imagelint.dockerfile.model`: the data: :class:`Dockerfile`, :class:`Stage`,
  :class:`Instruction`, :class:`Heredoc`, :class:`ImageRef`, :class:`Mount`, :class:`ParseProblem`...
- :mod:`~imagelint.dockerfile.arguments`: one logical line to an :class:`Instruction` (keyword,
  ``--flags``, exec-form JSON, the ENV/LABEL checks).
- :mod:`~imagelint.dockerfile.heredocs`: BuildKit's shell lexer as heredoc detection uses it, and
  reading heredoc bodies.
- :mod:`~imagelint.dockerfile.stages`: FROM references, stages and the ARG/ENV scopes.
- :mod:`~imagelint.dockerfile.parser`: :func:`parse`, BuildKit's ``Parse`` loop over the lines.
- :mod:`~imagelint.dockerfile.loader`: :func:`load`/:func:`parse_bytes` (files and bytes) and
  :class:`DockerfileInputError`.

Import from this package (``from imagelint.dockerfile import Instruction``); the submodules are
its implementation and never import it.
"""

from __future__ import annotations

from imagelint.dockerfile.arguments import extract_builder_flags
from imagelint.dockerfile.loader import DockerfileInputError, decode, load, parse_bytes, read_stdin
from imagelint.dockerfile.model import (
    Comment,
    Directive,
    Dockerfile,
    Heredoc,
    ImageRef,
    Instruction,
    Mount,
    ParseProblem,
    Stage,
)
from imagelint.dockerfile.parser import parse
from imagelint.dockerfile.stages import arg_declarations, parse_image_ref
from imagelint.dockerfile.syntax import HEREDOC_INSTRUCTIONS, JSON_CAPABLE, KNOWN_DIRECTIVES, KNOWN_INSTRUCTIONS
from imagelint.dockerfile.words import split_key_values, split_words

__all__ = [
    "HEREDOC_INSTRUCTIONS",
    "JSON_CAPABLE",
    "KNOWN_DIRECTIVES",
    "KNOWN_INSTRUCTIONS",
    "Comment",
    "Directive",
    "Dockerfile",
    "DockerfileInputError",
    "Heredoc",
    "ImageRef",
    "Instruction",
    "Mount",
    "ParseProblem",
    "Stage",
    "arg_declarations",
    "decode",
    "extract_builder_flags",
    "load",
    "parse",
    "parse_bytes",
    "parse_image_ref",
    "read_stdin",
    "split_key_values",
    "split_words",
]
