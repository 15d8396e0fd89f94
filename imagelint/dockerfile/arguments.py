"""One logical line to an :class:`~imagelint.dockerfile.model.Instruction`, as BuildKit's
newNodeFromLine does it: ``splitCommand`` for the keyword, ``extractBuilderFlags`` for the flags, then
the keyword's own line parser (exec-form JSON, ``parseNameVal`` for ENV/LABEL) and the errors it raises.
"""

from __future__ import annotations

import json
import re

from imagelint.dockerfile.model import Instruction, ParseProblem
from imagelint.dockerfile.syntax import GO_SPACE, JSON_CAPABLE, TOKEN_WHITESPACE

_HEALTHCHECK_TYPE = re.compile(r"[\t\n\v\f\r \x85\xa0]+")


def instruction_from_line(
    logical: str,
    segments: list[tuple[int, int, int]],
    start_line: int,
    end_line: int,
    escape: str,
    problems: list[ParseProblem],
) -> Instruction:
    """BuildKit's newNodeFromLine: keyword, flags, arguments, then the keyword's own line parser."""
    # splitCommand: TrimSpace (Unicode), split off the keyword at ASCII whitespace, then the flags.
    leading = len(logical) - len(logical.lstrip(GO_SPACE))
    body = logical.strip(GO_SPACE)
    separator = TOKEN_WHITESPACE.search(body)
    if separator:
        written, rest, rest_offset = body[: separator.start()], body[separator.end() :], leading + separator.end()
    else:
        written, rest, rest_offset = body, "", len(logical)
    after_flags, flags = extract_builder_flags(rest)
    value = after_flags.strip(GO_SPACE)
    value_offset = rest_offset + (len(rest) - len(after_flags)) + (len(after_flags) - len(after_flags.lstrip(GO_SPACE)))
    keyword = written.upper()
    # keyword, written keyword, line, end line, flags, value, original, value offset, segments:
    # given by position, as every instruction of every file is built here.
    instruction = Instruction(keyword, written, start_line, end_line, flags, value, logical, value_offset, segments)

    if keyword == "ONBUILD":
        # The flags before the trigger belong to ONBUILD itself (``ONBUILD --x RUN y``): BuildKit's
        # parser keeps them there, and the build then rejects them. The trigger is parsed like a line.
        if value:
            trigger_segments = _shift_segments(segments, value_offset)
            instruction.trigger = instruction_from_line(value, trigger_segments, start_line, end_line, escape, problems)
        else:
            problems.append(ParseProblem(start_line, end_line, "ONBUILD needs an instruction to run"))
    elif keyword in JSON_CAPABLE:
        try:
            instruction.json_args = _json_array(value)
        except _NotStringArray:
            problems.append(ParseProblem(start_line, end_line, f"{keyword}: {_NOT_STRING_ARRAY}"))
    elif keyword == "HEALTHCHECK":
        # ``HEALTHCHECK CMD [...]``: BuildKit parses what follows the type word as maybe-JSON.
        # The model keeps HEALTHCHECK's arguments unsplit (no json_args), but the error is BuildKit's.
        parts = _HEALTHCHECK_TYPE.split(value, maxsplit=1)
        try:
            _json_array(parts[1] if len(parts) == 2 else "")
        except _NotStringArray:
            problems.append(ParseProblem(start_line, end_line, f"HEALTHCHECK: {_NOT_STRING_ARRAY}"))
    elif keyword in ("ENV", "LABEL"):
        message = _name_value_error(keyword, value, escape)
        if message:
            problems.append(ParseProblem(start_line, end_line, message))
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
    text = value.lstrip(GO_SPACE)
    if not text.startswith("["):
        return None
    try:
        parsed, _end = _JSON.raw_decode(text)
    except ValueError:
        return None
    except RecursionError:
        # Arrays nested past Python's recursion limit (about 1,000 deep): Go's decoder goes to
        # 10,000 and then fails, which makes the line shell form; taken as shell form here too.
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
        if len(TOKEN_WHITESPACE.split(value, maxsplit=1)) < 2:
            return f"{keyword} {words[0]} has no value: BuildKit rejects it; write {keyword} {words[0]}=value"
        return None
    for word in words:
        if "=" not in word:
            return f"{keyword}: {word!r} is not name=value; BuildKit rejects the instruction"
    return None


_NOT_GO_SPACE = "\x1c\x1d\x1e\x1f"  # str.isspace() but not Go's unicode.IsSpace


def _parse_words(text: str, escape: str) -> list[str]:
    """BuildKit's parseWords: split on Unicode space outside quotes, keeping quotes and escapes."""
    if "'" not in text and '"' not in text and escape not in text and not any(c in text for c in _NOT_GO_SPACE):
        # Nothing quoted or escaped: the words are the runs of non-space, which str.split() finds
        # (its space is Go's unicode.IsSpace plus the four separators checked for above).
        return text.split()
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
            if ch in GO_SPACE:
                pos += 1
                continue
            in_word = True
        if not quote:
            if ch in GO_SPACE:
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
_ASCII_BYTE_SPACE = "\t\n\v\f\r "


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """Leading ``--flag[=value]`` words and the rest of the line, as BuildKit's extractBuilderFlags.

    BuildKit walks the line byte by byte and turns each byte into a character, so in a flag a
    non-ASCII character comes out as its UTF-8 bytes read as Latin-1 (``--chown=ü`` becomes
    ``--chown=Ã¼``), and the continuation bytes 0x85 and 0xA0 count as spaces (``--a=à`` ends
    after ``Ã``). The flags keep that mangling: it is what the build then uses.
    """
    ascii_only = line.isascii()
    if ascii_only:
        # Most lines have no flags: then the rest is the line after its leading space.
        rest = line.lstrip(_ASCII_BYTE_SPACE)
        if not rest.startswith("--"):
            return rest, []
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
