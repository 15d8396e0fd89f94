"""Quote-aware word splitting (imagelint.dockerfile.words) gives dockerfile-parse's words, faster."""

from __future__ import annotations

import random

import pytest

from imagelint.dockerfile.words import quote_aware_words, split_arg_declarations, split_key_values, split_words

PIECES = ["a", "b", "=", " ", "  ", "\t", "'", '"', "\\", "$", "{", "}", "x=1", "key", "é", "\u00a0"]


def _values(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randint(0, 12))) for _ in range(count)]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('a "b c" d', ["a", "b c", "d"]),
        ("a 'b \\\" c'", ["a", 'b \\" c']),  # no escaping inside single quotes
        ('"x\\"y" "x\\ny"', ['x"y', "x\\ny"]),  # inside double quotes only \" is an escape
        ("d\\ e f", ["d e", "f"]),
        ('a "" b', ["a", "", "b"]),
    ],
)
def test_words_are_split_outside_quotes_and_escapes(value, words):
    assert split_words(value) == words


def test_key_values_keep_quoted_spaces_and_the_legacy_form():
    assert split_key_values('a="x y" b=c') == [("a", "x y"), ("b", "c")]
    assert split_key_values('maintainer "Jane Doe" <jane@example.com>') == [("maintainer", 'Jane Doe <jane@example.com>')]
    assert split_key_values('a=1 "b"') == []  # a word without "=": not pairs


def test_the_same_words_as_dockerfile_parse():
    util = pytest.importorskip("dockerfile_parse.util")
    for value in _values(2000, 20261202):
        assert quote_aware_words(value) == list(util.WordSplitter(value).split(dequote=True)), repr(value)
        assert quote_aware_words(value, dequote=False) == list(util.WordSplitter(value).split(dequote=False)), repr(value)
        assert "".join(quote_aware_words(value, split=False)) == util.WordSplitter(value).dequote(), repr(value)
        try:
            expected = util.extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)
        except (ValueError, IndexError):
            expected = []
        assert split_key_values(value) == [tuple(pair) for pair in expected], repr(value)


def test_arg_declarations():
    assert split_arg_declarations('A B=1 C="x y"') == [("A", None), ("B", "1"), ("C", "x y")]
