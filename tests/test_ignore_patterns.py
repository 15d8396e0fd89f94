""".dockerignore matching (imagelint.ignore_patterns): what the Docker SDK's build leaves out, without the SDK."""

from __future__ import annotations

import random
import re
import warnings

import pytest

from imagelint.ignore_patterns import IgnorePatterns


@pytest.mark.parametrize(
    ("lines", "path", "excluded"),
    [
        (["build"], "build", True),
        (["build"], "build/x/y.o", True),  # below an excluded folder
        (["build"], "src/build", False),  # patterns are anchored at the context root
        (["*.log"], "app.log", True),
        (["*.log"], "logs/app.log", False),  # "*" stays within one folder name
        (["**/*.log"], "logs/deep/app.log", True),
        (["**/*.log"], "app.log", True),  # "**" spans zero folders too
        (["node_modules", "!node_modules/keep"], "node_modules/keep", False),
        (["node_modules", "!node_modules/keep"], "node_modules/other", True),
        (["!keep", "*"], "keep", True),  # the last matching pattern wins
        (["/secrets/"], "secrets/key.pem", True),  # leading and trailing slashes do not matter
        (["a/../b"], "b", True),  # ".." drops the part before it
        (["."], "anything", False),  # "." is ignored
        (["*.PEM"], "key.pem", True),  # case is ignored
        (["[!a]*"], "b.txt", True),
        (["[!a]*"], "a.txt", False),
        (["?.txt"], "a.txt", True),
        (["?.txt"], "ab.txt", False),
        (["*", "!.dockerignore"], ".dockerignore", False),
        (["*"], ".dockerignore", False),  # always sent
        (["[z-a]"], "z", False),  # not a valid class: matches nothing, does not raise
    ],
)
def test_dockerignore_lines_exclude_what_docker_build_leaves_out(lines, path, excluded):
    assert IgnorePatterns(lines).matches(path) is excluded


def test_gives_the_docker_sdk_answers_on_generated_patterns():
    """The SDK's PatternMatcher is the reference (imagelint reimplements it to start quickly)."""
    build = pytest.importorskip("docker.utils.build")
    rng = random.Random(20261202)
    pattern_pieces = ["a", "b", "B", "*", "**", "?", "/", "[", "]", "!", "-", ".", "..", "\\", "^", "x", "[a-b]", "[!a]", "c.txt"]
    path_pieces = ["a", "b", "B", "x", "/", ".", "..", "c.txt", "A", "-", "^", "[", "]", "!", "\\"]
    compared = 0
    for _ in range(3000):
        lines = ["".join(rng.choices(pattern_pieces, k=rng.randint(1, 6))) for _ in range(rng.randint(1, 3))]
        paths = ["".join(rng.choices(path_pieces, k=rng.randint(1, 6))) for _ in range(5)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "[[" and the like: Python's warning about future set syntax
            try:
                reference = build.PatternMatcher(lines)
                expected = [reference.matches(p) for p in paths]
            except re.error:
                continue  # the SDK raises on an invalid class; imagelint matches nothing (tested above)
            ours = IgnorePatterns(lines)
            assert [ours.matches(p) for p in paths] == expected, (lines, paths)
        compared += 1
    assert compared > 2500
