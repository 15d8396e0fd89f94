"""LazyPattern stands where a compiled ``re.Pattern`` would, and compiles only when first used."""

from __future__ import annotations

import re

from imagelint.lazy_pattern import LazyPattern


def test_nothing_is_compiled_until_the_first_match():
    pattern = LazyPattern(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    assert pattern._compiled is None and pattern.pattern == r"(?P<word>[a-z]+)-(\d+)"
    assert pattern.search("x ABC-12 y").group("word") == "ABC"
    assert pattern._compiled is not None


def test_it_answers_as_the_compiled_pattern_does():
    text = "a-1 b-22 c-333"
    lazy, real = LazyPattern(r"([a-z])-(\d+)"), re.compile(r"([a-z])-(\d+)")
    assert lazy.findall(text) == real.findall(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.sub(r"\2\1", text) == real.sub(r"\2\1", text)
    assert lazy.split(text, maxsplit=1) == real.split(text, maxsplit=1)
    assert lazy.fullmatch("a-1") and not lazy.match(" a-1")
    assert lazy.groups == 2 and lazy.flags == real.flags


def test_a_bad_pattern_fails_where_it_is_first_used():
    pattern = LazyPattern(r"(unclosed")
    try:
        pattern.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("a malformed pattern must raise re.error on first use")
