"""The Dockerfile model on tiny inline Dockerfiles: BuildKit's line structure and what is built on it.

Where BuildKit's answer is the point, the test compares with the oracle (the ``dockerfile`` package,
which wraps BuildKit's Go parser). The oracle is BuildKit v0.12.5; the few places where the model
follows current BuildKit instead are tested with expected values and say so.
"""

from __future__ import annotations

import time

import pytest

from imagelint.dockerfile import Dockerfile, parse, parse_bytes


def _oracle():
    return pytest.importorskip("dockerfile", reason="the BuildKit oracle (PyPI package 'dockerfile') is a test dependency")


def items(model: Dockerfile) -> list[tuple]:
    """(INSTRUCTION, line, end_line, flags, heredoc names, exec form), as tests/model/test_fidelity.py compares."""
    result = []
    for ins in model.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" else ins
        heredocs = () if ins.keyword == "ONBUILD" else tuple(h.name for h in ins.heredocs)
        result.append((ins.keyword, ins.line, ins.end_line, tuple(ins.flags), heredocs, target is not None and target.is_exec_form))
    return result


def oracle_items(text: str) -> list[tuple]:
    return [
        ((c.cmd or "").upper(), c.start_line, c.end_line, tuple(c.flags), tuple(h.name for h in c.heredocs), bool(c.json))
        for c in _oracle().parse_string(text)
    ]


def assert_like_buildkit(text: str) -> Dockerfile:
    model = parse(text)
    assert items(model) == oracle_items(text)
    return model


def rejected_by_buildkit(text: str) -> bool:
    oracle = _oracle()
    try:
        oracle.parse_string(text)
    except oracle.GoParseError:
        return True
    return False


# --- directives and the escape character -------------------------------------------------------------


def test_backtick_escape_directive_continues_lines_with_backticks() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir C:\\ `\n    && echo done\nCOPY a.txt C:\\dest\\\n"
    model = assert_like_buildkit(text)
    assert model.escape == "`"
    assert [d.name for d in model.directives] == ["escape"]
    run = model.instructions[1]
    assert (run.line, run.end_line) == (3, 4)
    assert run.value == "dir C:\\     && echo done"  # the backslash is an ordinary character now
    assert model.instructions[2].value == "a.txt C:\\dest\\"  # and no longer continues a line


def test_directives_are_read_only_at_the_very_top() -> None:
    for text in (
        "# a comment\n# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN b `\nc\n",
        "\n# escape=`\nFROM a\nRUN b `\nc\n",
        "FROM a\n# escape=`\nRUN b `\nc\n",
    ):
        model = assert_like_buildkit(text)
        assert model.directives == []
        assert model.escape == "\\"
        assert [i.keyword for i in model.instructions][-2:] == ["RUN", "C"]  # the backtick continued nothing
        assert any(c.text.startswith(("syntax", "escape")) for c in model.comments)


def test_directives_at_the_top_are_not_comments() -> None:
    text = "# syntax=docker/dockerfile:1.7\n#  Escape = ` \nFROM a\nRUN b `\n  c\n"
    model = assert_like_buildkit(text)
    assert [(d.name, d.value, d.line) for d in model.directives] == [("syntax", "docker/dockerfile:1.7", 1), ("escape", "`", 2)]
    assert model.comments == []
    assert model.instructions[1].value == "b   c"


def test_check_directive_keeps_the_directive_block_open() -> None:
    # Current BuildKit knows `check`; the oracle (v0.12.5) does not and would stop reading directives.
    model = parse("# check=skip=JSONArgsRecommended\n# escape=`\nFROM a\nRUN b `\nc\n")
    assert [d.name for d in model.directives] == ["check", "escape"]
    assert model.escape == "`"
    assert [(i.keyword, i.line, i.end_line) for i in model.instructions] == [("FROM", 3, 3), ("RUN", 4, 5)]


def test_bad_directives_are_problems() -> None:
    assert rejected_by_buildkit("# escape=x\nFROM a\n")
    assert [p.line for p in parse("# escape=x\nFROM a\n").problems] == [1]
    assert rejected_by_buildkit("# syntax=a\n# syntax=b\nFROM a\n")
    assert [p.line for p in parse("# syntax=a\n# syntax=b\nFROM a\n").problems] == [2]


# --- continuations, comments, line endings --------------------------------------------------------------


def test_comment_and_empty_lines_inside_a_continuation_are_skipped() -> None:
    text = "FROM a\nRUN apt-get update \\\n  # install things\n\n   \n  && apt-get install -y curl \\\n#end\n  && true\nUSER x\n"
    model = assert_like_buildkit(text)
    run = model.instructions[1]
    assert (run.line, run.end_line) == (2, 8)
    assert run.value == "apt-get update   && apt-get install -y curl   && true"
    assert [(c.line, c.text) for c in model.comments] == [(3, "install things"), (7, "end")]


def test_continuation_edge_cases_match_buildkit() -> None:
    for text in (
        "FROM a\nRUN a \\\\\nRUN b\n",  # an escaped backslash does not continue
        "FROM a\nRUN a \\ \t\nb\n",  # blanks after the backslash
        "FROM a\n\\\nRUN b\n",  # a backslash alone on a line
        "FROM a\nRUN a \\\n",  # continued into the end of the file
        "FROM a\nRUN a \\\n# only a comment after it\n",
        "   FROM a\n\tRUN b \\\n\t  c\n",  # indentation
    ):
        assert_like_buildkit(text)


def test_lone_continuation_at_the_end_is_an_instruction_without_a_name() -> None:
    model = assert_like_buildkit("FROM a\n\\\n")
    assert [(i.keyword, i.line) for i in model.instructions] == [("FROM", 1), ("", 2)]


def test_crlf_line_endings() -> None:
    text = "FROM a\r\nRUN echo one \\\r\n  two\r\n\r\nCOPY <<EOF /x\r\nbody\r\nEOF\r\nUSER me\r\n"
    model = assert_like_buildkit(text)
    assert model.instructions[1].value == "echo one   two"
    assert model.instructions[3].value == "me"
    # Heredoc bodies are copied as read, like BuildKit does: a CRLF file gives CRLF content.
    assert model.instructions[2].heredocs[0].content == "body\r\n"


def test_byte_order_mark_is_dropped() -> None:
    data = "\ufeff# escape=`\nFROM a\nRUN b `\nc\n".encode()
    model = parse_bytes(data)
    assert model.escape == "`"
    assert items(model) == oracle_items(data.decode())
    assert model.instructions[0].line == 2


# --- heredocs ---------------------------------------------------------------------------------------------


def test_heredoc_forms() -> None:
    text = (
        "FROM a\n"
        "RUN <<EOF\napt-get update\nEOF\n"
        "RUN <<-EOT bash\n\techo tab\n\tEOT\n"
        "COPY <<\"EOF\" /etc/conf\n$NOT_EXPANDED\nEOF\n"
        "RUN 3<<X cat <&3\nfd three\nX\n"
    )
    model = assert_like_buildkit(text)
    run, chomp, quoted, fd = (i.heredocs[0] for i in model.instructions[1:])
    assert (run.name, run.content, run.expand, run.line, run.end_line) == ("EOF", "apt-get update\n", True, 3, 4)
    assert (chomp.name, chomp.chomp, chomp.content) == ("EOT", True, "\techo tab\n")  # tabs go at build time
    assert (quoted.name, quoted.expand, quoted.content) == ("EOF", False, "$NOT_EXPANDED\n")
    assert (fd.name, fd.fd) == ("X", 3)
    assert model.instructions[2].end_line == 7


def test_two_heredocs_in_one_copy_are_read_in_order() -> None:
    text = "FROM a\nCOPY <<one.txt <<two.txt /dest/\nfirst\none.txt\nsecond\ntwo.txt\nRUN ls\n"
    model = assert_like_buildkit(text)
    copy = model.instructions[1]
    assert [(h.name, h.content) for h in copy.heredocs] == [("one.txt", "first\n"), ("two.txt", "second\n")]
    assert (copy.line, copy.end_line) == (2, 6)


def test_line_right_after_a_heredoc_terminator_is_an_instruction() -> None:
    # hadolint #960: the instruction right after the terminator was swallowed.
    text = "FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo after\nEXPOSE 80\n"
    model = assert_like_buildkit(text)
    assert [(i.keyword, i.line) for i in model.instructions] == [("FROM", 1), ("RUN", 2), ("RUN", 5), ("EXPOSE", 6)]


def test_heredoc_markers_that_are_not_heredocs() -> None:
    for text in (
        'FROM a\nRUN echo "<<EOF"\nRUN b\n',  # quoted
        'FROM a\nRUN ["cat", "<<EOF"]\nRUN b\n',  # exec form
        "FROM a\nCMD <<EOF\nRUN b\n",  # CMD has no heredocs
        "FROM a\nRUN cat <<<EOF\nRUN b\n",  # here-string
        "FROM a\nRUN <<EOF 'unclosed\nRUN b\n",  # the line does not lex: BuildKit finds no heredoc
    ):
        model = assert_like_buildkit(text)
        assert all(not i.heredocs for i in model.instructions)


def test_heredoc_with_blank_after_the_marker_follows_current_buildkit() -> None:
    # BuildKit >= 0.22 reads `<< EOF` as a heredoc; the oracle (v0.12.5) and older builders do not.
    model = parse("FROM a\nRUN cat << EOF > /f\nbody\nEOF\nRUN b\n")
    assert [(h.name, h.content) for h in model.instructions[1].heredocs] == [("EOF", "body\n")]
    assert [(i.keyword, i.line, i.end_line) for i in model.instructions] == [("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 5)]


def test_onbuild_heredoc() -> None:
    text = "FROM a\nONBUILD RUN <<EOF\necho later\nEOF\nRUN now\n"
    model = assert_like_buildkit(text)
    onbuild = model.instructions[1]
    assert (onbuild.line, onbuild.end_line) == (2, 4)
    assert onbuild.trigger is not None
    assert [(h.name, h.content) for h in onbuild.trigger.heredocs] == [("EOF", "echo later\n")]


def test_unterminated_heredoc_is_a_problem_and_the_rest_is_still_parsed() -> None:
    text = "FROM a\nRUN <<EOF\necho never ends\nUSER nobody\n"
    assert rejected_by_buildkit(text)
    model = parse(text)
    assert [(p.line, "unterminated heredoc" in p.message) for p in model.problems] == [(2, True)]
    run = model.instructions[1]
    assert run.heredocs == [] and run.end_line == 2
    assert [(i.keyword, i.line) for i in model.instructions][-1] == ("USER", 4)


# --- instruction line: keyword, flags, arguments ----------------------------------------------------


def test_json_form_and_shell_form() -> None:
    text = (
        "FROM a\n"
        'CMD ["python", "-m", "http.server"]\n'
        "CMD python -m http.server\n"
        "ENTRYPOINT ['single', 'quotes']\n"  # not JSON: shell form
        'RUN ["a", "b"] trailing words\n'  # Go's JSON decoder stops after the array
        "COPY [\"a b\", \"/dst/\"]\n"
        "SHELL []\n"
    )
    model = assert_like_buildkit(text)
    cmd_exec, cmd_shell, entrypoint, run, copy, shell = model.instructions[1:]
    assert cmd_exec.json_args == ["python", "-m", "http.server"] and cmd_exec.is_exec_form
    assert cmd_shell.json_args is None and cmd_shell.words() == ["python", "-m", "http.server"]
    assert entrypoint.json_args is None
    assert run.json_args == ["a", "b"]
    assert copy.json_args == ["a b", "/dst/"]
    assert shell.json_args == []


def test_json_array_of_non_strings_is_a_problem() -> None:
    text = "FROM a\nCMD [\"a\", 1]\nRUN ok\n"
    assert rejected_by_buildkit(text)
    model = parse(text)
    assert [p.line for p in model.problems] == [2]
    assert [i.keyword for i in model.instructions] == ["FROM", "CMD", "RUN"]


def test_env_without_value_is_a_problem() -> None:
    for text in ("FROM a\nENV NAME\n", "FROM a\nLABEL a=1 b\n"):
        assert rejected_by_buildkit(text)
        assert [p.line for p in parse(text).problems] == [2]
    assert parse("FROM a\nENV NAME some value\nLABEL a=1 b=\"x y\"\n").problems == []


def test_flags_with_quotes_and_escapes() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        'COPY --from=build --chown="app user:app" --chmod=0755 /out /bin/\n'
        "RUN --mount=type=cache,target='/root/.cache/go build' --network=none go build\n"
        "COPY --link -- --not-a-flag /dst\n"
        "ADD --checksum=sha256:abc\\ def x /y\n"
    )
    model = assert_like_buildkit(text)
    from_, copy, run, copy2, add = model.instructions
    assert from_.flags == ["--platform=$BUILDPLATFORM"] and from_.value == "golang:1.22 AS build"
    assert copy.flags == ["--from=build", "--chown=app user:app", "--chmod=0755"]
    assert copy.flag("chown") == "app user:app" and copy.flag("link") is None
    assert run.flags == ["--mount=type=cache,target=/root/.cache/go build", "--network=none"]
    assert run.value == "go build"
    assert copy2.flags == ["--link"] and copy2.value == "--not-a-flag /dst"
    assert add.flags == ["--checksum=sha256:abc def"]


def test_non_ascii_flag_values_are_read_byte_by_byte_like_buildkit() -> None:
    # BuildKit turns each byte of a flag into a character: what it uses is the Latin-1 reading.
    text = "FROM a\nCOPY --chown=jürgen x /y\n"
    model = assert_like_buildkit(text)
    assert model.instructions[1].flags == ["--chown=jÃ¼rgen"]
    assert model.instructions[1].value == "x /y"


def test_lowercase_and_mixed_case_keywords() -> None:
    text = "from alpine as Base\nRun echo hi\ncopy --from=base a b\nonbuild run make\n"
    model = assert_like_buildkit(text)
    assert [(i.keyword, i.written_keyword) for i in model.instructions] == [
        ("FROM", "from"), ("RUN", "Run"), ("COPY", "copy"), ("ONBUILD", "onbuild"),
    ]
    assert model.stages[0].name == "base" and model.stages[0].written_name == "Base"
    assert model.instructions[3].trigger is not None and model.instructions[3].trigger.keyword == "RUN"


def test_onbuild_flags_belong_to_onbuild_and_the_trigger_has_its_own() -> None:
    text = "FROM a\nONBUILD --odd COPY --from=builder /a /b\n"
    model = assert_like_buildkit(text)
    onbuild = model.instructions[1]
    assert onbuild.flags == ["--odd"]
    assert onbuild.value == "COPY --from=builder /a /b"
    assert onbuild.trigger is not None
    assert (onbuild.trigger.keyword, onbuild.trigger.flags, onbuild.trigger.value) == ("COPY", ["--from=builder"], "/a /b")


def test_arguments_are_trimmed_of_unicode_space_like_buildkit() -> None:
    model = assert_like_buildkit("FROM a\nRUN\u00a0echo\u00a0hi\u00a0\nUSER  me\u2003\n")
    assert model.instructions[1].keyword == "RUN\u00a0ECHO\u00a0HI"  # no ASCII blank: one word
    assert model.instructions[2].value == "me"


# --- stages and ARG-resolved FROM ---------------------------------------------------------------------


def test_from_resolves_global_args_and_defaults() -> None:
    model = parse(
        "ARG TAG=3.12\nARG BASE\n"
        "FROM python:${TAG} AS Build\n"
        "FROM ${BASE:-debian}:${CODENAME:-bookworm}-slim\n"
        "FROM ${UNDEFINED}\n"
    )
    build, debian, unresolved = (s.base for s in model.stages)
    assert (build.raw, build.resolved, build.repository, build.tag) == ("python:${TAG}", "python:3.12", "python", "3.12")
    assert (debian.resolved, debian.repository, debian.tag) == ("debian:bookworm-slim", "debian", "bookworm-slim")
    assert unresolved.unresolved


def test_stage_indexes_names_and_parents() -> None:
    text = (
        "ARG V=1\n"
        "FROM golang:1.22 AS Builder\nRUN go build\n"
        "FROM builder AS test\nRUN go test\n"
        "FROM gcr.io/distroless/static\nCOPY --from=Builder /app /app\n"
    )
    model = assert_like_buildkit(text)
    assert [(s.index, s.name, s.line) for s in model.stages] == [(0, "builder", 2), (1, "test", 4), (2, None, 6)]
    assert [i.stage for i in model.instructions] == [-1, 0, 0, 1, 1, 2, 2]
    assert model.stages[1].parent is model.stages[0]
    assert model.stages[2].base.registry == "gcr.io"
    assert model.stage_by_name("BUILDER") is model.stages[0]
    assert model.final_stage is model.stages[2]


# --- positions and size ---------------------------------------------------------------------------------


def test_position_maps_value_offsets_to_physical_lines_and_columns() -> None:
    model = parse("FROM a\n  RUN --mount=type=cache,target=/c echo one \\\n  # note\n\n    two \\\n three\n")
    run = model.instructions[1]
    assert run.value == "echo one     two  three"
    assert run.position(0) == (2, 36)  # 'echo' after the indentation and the flag
    assert run.position(run.value.index("one")) == (2, 41)
    assert run.position(run.value.index("two")) == (5, 5)
    assert run.position(run.value.index("three")) == (6, 2)


def test_position_inside_an_onbuild_trigger() -> None:
    model = parse("FROM a\nONBUILD RUN make \\\n    install\n")
    trigger = model.instructions[1].trigger
    assert trigger is not None
    assert trigger.position(0) == (2, 13)
    assert trigger.position(trigger.value.index("install")) == (3, 5)


def test_a_one_megabyte_single_line_run_parses_quickly() -> None:
    text = "FROM a\nRUN " + "echo 'some words' && " * 50_000 + "true\nUSER me\n"
    assert len(text) > 1_000_000
    started = time.perf_counter()
    model = parse(text)
    elapsed = time.perf_counter() - started
    assert [(i.keyword, i.line) for i in model.instructions] == [("FROM", 1), ("RUN", 2), ("USER", 3)]
    assert elapsed < 2.0, f"parsing took {elapsed:.2f}s"
