"""IL8013 variable-used-in-same-instruction: a variable used in the ARG/ENV defining it, the legacy form."""

from __future__ import annotations

from tests.support.helpers import catches, passes


def test_points_at_the_reference():
    finding = catches("IL8013", "FROM alpine:3.20\nENV A=1 \\\n    B=${A}/x\n")[0]
    assert (finding.line, finding.column) == (3, 7)


def test_arg_with_two_names():
    catches("IL8013", "FROM alpine:3.20\nARG MAJOR=3 VERSION=${MAJOR}.1\n")


def test_promoting_args_to_env_is_fine():
    passes("IL8013", "FROM alpine:3.20\nARG OS=ubuntu\nARG V=20\nENV OS=$OS V=$V OS_VER=$OS$V\n")
    passes("IL8013", "FROM alpine:3.20\nARG TIKA_VERSION\nENV TIKA_VERSION=$TIKA_VERSION URL=https://x/${TIKA_VERSION}.jar\n")


def test_self_reference_and_separate_instructions_are_fine():
    passes("IL8013", "FROM alpine:3.20\nENV PATH=/opt/bin:$PATH LANG=C.UTF-8\n")
    passes("IL8013", "FROM alpine:3.20\nENV A=1\nENV B=$A\n")


def test_legacy_form_is_one_variable():
    passes("IL8013", "FROM alpine:3.20\nENV A $A:/x B=1\n")
