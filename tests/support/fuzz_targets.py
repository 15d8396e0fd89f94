"""Properties every input must keep, as (strategy, check) pairs: tests/property/ runs each with a
few examples, bench/fuzz.py runs the same targets for as long as a nightly job wants.

A check raises AssertionError when the property fails; any other exception is a crash. The
properties: any text or bytes give findings or a clean error (never another exception) within
``SECONDS_PER_CASE``, reported lines are inside the file, the ``.dockerignore`` matcher gives
Docker's answers and its automaton the regular expression's, and the context glob gives
``Path.glob``'s answers on trees without links.

To add a target (the image-side tar/OCI ones, say): append ``FuzzTarget(name, strategy, check)``
to ``TARGETS``; both runners pick it up.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.support import image_fuzz

SECONDS_PER_CASE = 10.0  # generous: one case takes milliseconds; a super-linear path takes far longer


@dataclass(frozen=True)
class FuzzTarget:
    name: str
    strategy: st.SearchStrategy
    check: Callable[[object], None]


def timed(check: Callable[[object], None]) -> Callable[[object], None]:
    """``check`` that also fails when one case takes more than SECONDS_PER_CASE."""

    def run(example: object) -> None:
        started = time.monotonic()
        check(example)
        elapsed = time.monotonic() - started
        assert elapsed < SECONDS_PER_CASE, f"{elapsed:.1f} s for one case"

    run.__name__ = check.__name__
    return run


# --- generators -----------------------------------------------------------------------------------

# Pieces that reach every corner of the parsers: quotes, escapes, variables and their modifiers,
# heredoc markers, JSON brackets, shell operators and keywords, continuations, odd Unicode.
_WORDS = [
    "a", "b", "x.txt", "/app", ".", "..", "*", "**", "?", "[a-z]", "$A", "${A}", "${A:-x}", "${A:+y}",
    "${A-", "${", "}", "$(", ")", "`", "'", '"', "\\", "\\\n", "<<EOF", "<<-EOF", "<<'EOF'", "EOF", "[",
    "]", '["a"', '"b"]', ",", "&&", "||", "|", ";", "&", "(", "if", "then", "fi", "for", "do", "done",
    "case", "esac", "{", "sh", "-c", "apt-get", "install", "-y", "update", "rm", "-rf", "/var/lib/apt/lists/*",
    "pip", "npm", "curl", "|", "sudo", "find", "-exec", "-execdir", "{}", "\\;", "+", "exec", "exit",
    "--mount=type=cache,target=/root", "--from=s0", "--chown=1:1",
    "=", "A=1", "#", "é", "\u202e", "\x00", "\t", " ",
]  # fmt: skip
_KEYWORDS = [
    "FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "USER", "CMD", "ENTRYPOINT", "SHELL", "LABEL",
    "EXPOSE", "VOLUME", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL", "MAINTAINER", "from", "run", "RUNN", "#",
    "# syntax=docker/dockerfile:1", "# escape=`",
]  # fmt: skip

words = st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join)
instructions = st.tuples(st.sampled_from(_KEYWORDS), words).map(lambda pair: f"{pair[0]} {pair[1]}")
# A Dockerfile-like text: mostly instructions (a FROM first, often a stage name), with heredoc
# bodies, blank lines and arbitrary text mixed in.
dockerfile_texts = st.one_of(
    st.lists(
        st.one_of(instructions, instructions, words, st.just(""), st.just("EOF"), st.text(max_size=30)),
        max_size=25,
    ).map(lambda lines: "\n".join(["FROM alpine:3.20 AS s0", *lines]) + "\n"),
    st.text(max_size=400),
)
dockerfile_bytes = st.one_of(st.binary(max_size=400), dockerfile_texts.map(lambda text: text.encode("utf-8", "surrogatepass")))
shell_texts = st.one_of(st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join), st.text(max_size=200))

_VARIABLE_PIECES = ["$A", "$B", "${A}", "${A:-", "${B:+", "${C-", "${A#x}", "}", "'", "\\$", "$", "x", "{", " "]
variable_texts = st.lists(st.sampled_from(_VARIABLE_PIECES), max_size=30).map("".join)
scopes = st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), st.one_of(st.none(), variable_texts), max_size=4)

# .dockerignore lines and context paths from small alphabets, so that they often match.
_PATTERN_PIECES = ["a", "b", "B", "*", "**", "?", "/", "[", "]", "!", "-", ".", "..", "x", "[a-b]", "[!a]", "c.txt"]
_PATH_PIECES = ["a", "b", "B", "x", "/", ".", "c.txt", "A", "-", "[", "]", "!"]
ignore_lines = st.lists(st.lists(st.sampled_from(_PATTERN_PIECES), min_size=1, max_size=8).map("".join), max_size=6)
context_paths = st.lists(st.sampled_from(_PATH_PIECES), min_size=1, max_size=10).map("".join).filter(
    lambda p: p.strip("/") not in ("", ".")
)

toml_texts = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(["[rules]", "[tool.imagelint]", "select = ['IL']", "ignore = [", "]", "fail-on = 'error'", "x = 1",
                         "[rules.IL2001]", "builder-stages = true", "severity = {", "}", '"', "'", "= ", "[[a]]"]),
        max_size=10,
    ).map("\n".join),
)  # fmt: skip
yaml_texts = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(["ignored:", "  - DL3008", "- x", "override:", "  error: [DL3001]", "&a [1, 2]", "*a", "<<: *a",
                         "trustedRegistries: docker.io", "failure-threshold: warning", "{", "}", "[", "]", "'", "!!python/object:x", ": "]),
        max_size=10,
    ).map("\n".join),
)  # fmt: skip


# --- checks -------------------------------------------------------------------------------------------


def _rules():
    from imagelint.rule import registered_rules

    return [rule for rule in registered_rules().values() if rule.target == "dockerfile"]


def check_every_rule_on_text(text: str) -> None:
    """Parse and lint with every rule: findings only, no crashed rule, lines inside the file."""
    from imagelint.dockerfile import parse
    from imagelint.engine import lint
    from imagelint.settings import Settings

    dockerfile = parse(text, "Dockerfile")
    findings, crashes = lint(dockerfile, _rules(), Settings())
    assert not [c for c in crashes if "internal error" in c], crashes
    last = max(1, len(dockerfile.lines))
    for finding in findings:
        if finding.line is not None:
            assert 1 <= finding.line <= last, (finding.rule, finding.line, last)
            assert finding.line <= (finding.end_line or finding.line) <= last, (finding.rule, finding.end_line, last)


def check_bytes_load(data: bytes) -> None:
    """Any bytes: a Dockerfile model or the one input error (binary content)."""
    from imagelint.dockerfile import DockerfileInputError, parse_bytes

    try:
        dockerfile = parse_bytes(data, "Dockerfile")
    except DockerfileInputError as err:
        assert str(err).startswith("Dockerfile: "), err
        return
    for instruction in dockerfile.instructions:
        assert 1 <= instruction.line <= instruction.end_line <= max(1, len(dockerfile.lines))


def check_shell_model(text: str) -> None:
    """parse_script never raises and every command's span is inside the text."""
    from imagelint.shell import parse_script

    for escape in ("\\", "`"):
        script = parse_script(text, escape=escape)
        for command in script.commands:
            assert 0 <= command.start <= command.end <= len(text), (command.start, command.end, len(text))
            for word in command.words:
                assert 0 <= word.start <= word.end <= len(text)


def check_variable_expansion(case: tuple[str, dict]) -> None:
    """expand never raises, keeps text without ``$`` as it is and stays under the value limit."""
    from imagelint.limits import VARIABLE_BYTES
    from imagelint.variables import Scope, expand

    text, values = case
    scope = Scope()
    for name, value in values.items():
        scope.declare_arg(name, value)
    expansion = expand(text, scope)
    if "$" not in text:
        assert expansion.text == text
    assert len(expansion.text) <= max(len(text), VARIABLE_BYTES.value()) + 1
    assert set(expansion.undefined) <= set(expansion.used)


def check_dockerignore_matches_docker(case: tuple[list[str], str]) -> None:
    """imagelint's matcher gives the Docker SDK's answer (where the SDK does not raise)."""
    import warnings

    from docker.utils.build import PatternMatcher

    from imagelint.ignore_patterns import IgnorePatterns

    lines, path = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" from re on patterns like "[[a]"
        try:
            expected = bool(PatternMatcher(lines).matches(path))
        except (re.error, IndexError):
            return  # the SDK raises on some invalid classes; imagelint matches nothing there
        matcher = IgnorePatterns(lines)
        assert matcher.matches(path) == expected, (lines, path)
        hits = matcher.hits(path)
    # the lines' one-by-one answers fold to the same verdict (the last matching line wins)
    folded = False
    for line, hit in zip(lines, hits):
        if hit:
            folded = not line.startswith("!")
    assert folded == expected or matcher.always_sent(path), (lines, path)


def check_automaton_is_the_regex(case: tuple[str, str]) -> None:
    """The non-backtracking automaton accepts exactly what the regular expression matches."""
    import warnings

    from imagelint.ignore_patterns import _tokens
    from imagelint.pattern_automaton import Automaton

    pattern, name = case
    tokens = _tokens(pattern.lower())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            regex = re.compile("^" + "".join(t.regex for t in tokens) + "$")
        except re.error:
            return
    assert bool(Automaton(tokens).match(name)) == bool(regex.match(name)), (pattern, name)


def check_glob_is_path_glob(case: tuple[list[str], str]) -> None:
    """On a tree without links, the bounded context glob lists what Path.glob lists."""
    from imagelint.context_glob import glob_context

    files, pattern = case
    root = Path(tempfile.mkdtemp(prefix="imagelint-glob-"))
    try:
        for relative in files:
            path = root / relative
            if any(p.is_file() for p in [*path.parents][: len(Path(relative).parts) - 1]):
                continue  # a file where a folder is wanted
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text("x")
        try:
            expected = sorted(str(p.relative_to(root)) for p in root.glob(pattern))
        except (ValueError, OSError, NotImplementedError):
            return
        assert glob_context(root, pattern) == expected, (files, pattern)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def check_toml_config(text: str) -> None:
    """A config TOML gives settings or one ConfigError naming the file."""
    from imagelint.config import load_settings
    from imagelint.rule import registered_rules
    from imagelint.settings import ConfigError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".imagelint.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_settings(path, registered_rules())
        except ConfigError as err:
            assert str(err).startswith(str(path)), err
            assert "\n" not in str(err).strip(), err


def check_hadolint_config(text: str) -> None:
    """A .hadolint.yaml gives a conversion or one ConfigError naming the file."""
    from imagelint import hadolint_config
    from imagelint.rule import registered_rules
    from imagelint.settings import ConfigError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".hadolint.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            hadolint_config.load(path, registered_rules())
        except ConfigError as err:
            assert str(path) in str(err), err


_NAMES = st.sampled_from(["a", "b", "c.txt", ".h", "d.py", "A"])
glob_cases = st.tuples(
    st.lists(st.lists(_NAMES, min_size=1, max_size=4).map("/".join), max_size=8),
    st.lists(st.sampled_from(["*", "**", "a", "b", "*.txt", "?", "[ab]", "c.txt", ".*", "d.py"]), min_size=1, max_size=4).map("/".join),
)
automaton_cases = st.tuples(
    st.lists(st.sampled_from(["a", "b", "/", "*", "**", "**/", "?", "[ab]", "[!a]", "\\", "."]), min_size=1, max_size=10).map("".join),
    st.lists(st.sampled_from(["a", "b", "/", ".", "\n", "c"]), max_size=14).map("".join),
)

TARGETS: list[FuzzTarget] = [
    FuzzTarget("every-rule", dockerfile_texts, timed(check_every_rule_on_text)),
    FuzzTarget("dockerfile-bytes", dockerfile_bytes, timed(check_bytes_load)),
    FuzzTarget("shell-model", shell_texts, timed(check_shell_model)),
    FuzzTarget("variable-expansion", st.tuples(variable_texts, scopes), timed(check_variable_expansion)),
    FuzzTarget("dockerignore-vs-docker", st.tuples(ignore_lines, context_paths), timed(check_dockerignore_matches_docker)),
    FuzzTarget("dockerignore-automaton", automaton_cases, timed(check_automaton_is_the_regex)),
    FuzzTarget("context-glob", glob_cases, timed(check_glob_is_path_glob)),
    FuzzTarget("config-toml", toml_texts, timed(check_toml_config)),
    FuzzTarget("hadolint-yaml", yaml_texts, timed(check_hadolint_config)),
    # The image readers (tests/support/image_fuzz.py): damaged docker save archives and OCI layouts.
    FuzzTarget("docker-archive", image_fuzz.damaged_docker_archives(), timed(image_fuzz.check_docker_archive)),
    FuzzTarget("oci-layout", image_fuzz.damaged_oci_layouts(), timed(image_fuzz.check_oci_layout)),
]


CASES: Counter[str] = Counter()  # cases run per target in this process (the test summary prints it)


def target(name: str) -> FuzzTarget:
    return next(t for t in TARGETS if t.name == name)


def run_case(name: str, example: object) -> None:
    """One case of a target, counted."""
    CASES[name] += 1
    target(name).check(example)

