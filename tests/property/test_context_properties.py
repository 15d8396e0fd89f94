""".dockerignore matching against Docker's own matcher, the automaton against the regular
expression it replaces, and the bounded context glob against Path.glob."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.support.fuzz_targets import run_case, target


@given(target("dockerignore-vs-docker").strategy)
def test_dockerignore_matching_gives_the_docker_sdk_answer(case):
    pytest.importorskip("docker.utils.build")
    run_case("dockerignore-vs-docker", case)


@given(target("dockerignore-automaton").strategy)
def test_the_pattern_automaton_accepts_what_the_regex_matches(case):
    run_case("dockerignore-automaton", case)


@given(target("context-glob").strategy)
def test_the_context_glob_lists_what_path_glob_lists(case):
    run_case("context-glob", case)
