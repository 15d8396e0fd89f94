"""IL4004 stage-name-not-lowercase: stage names that are not lower case and the kebab-case suggestion."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, passes


def fixed(text: str) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL4004"]], Settings()).fixed


@pytest.mark.parametrize(("name", "suggestion"), [("goBuilder", "go-builder"), ("BASE", "base"), ("getRuntime", "get-runtime")])
def test_stage_name_casing_suggests_kebab_case(name, suggestion):
    (finding,) = catches("IL4004", f"FROM golang:1.22 AS {name}\n")
    assert f"'{suggestion}'" in finding.message
    # the fix only lower-cases: a kebab-case rename would break `--target {name}`
    assert finding.fix.applicability == "safe"
    assert fixed(f"FROM golang:1.22 AS {name}\n") == f"FROM golang:1.22 AS {name.lower()}\n"


def test_fix_lower_cases_every_reference():
    text = (
        "FROM golang:1.22 AS goBuilder\n"
        "RUN go build -o /out/app .\n"
        "FROM goBuilder AS Test\n"
        "RUN --mount=type=cache,target=/root/.cache,from=GOBUILDER go test ./...\n"
        "FROM alpine:3.20\n"
        "COPY --from=goBuilder /out/app /app\n"
        "COPY --from=test /x /x\n"
        "ONBUILD COPY --from=goBuilder /a /a\n"
    )
    assert fixed(text) == (
        "FROM golang:1.22 AS gobuilder\n"
        "RUN go build -o /out/app .\n"
        "FROM gobuilder AS test\n"
        "RUN --mount=type=cache,target=/root/.cache,from=gobuilder go test ./...\n"
        "FROM alpine:3.20\n"
        "COPY --from=gobuilder /out/app /app\n"
        "COPY --from=test /x /x\n"
        "ONBUILD COPY --from=goBuilder /a /a\n"  # names a stage of the build that uses this image
    )


def test_fix_keeps_continuations_crlf_and_the_backtick_escape():
    text = "FROM golang:1.22 \\\r\n    AS Build\r\nFROM alpine:3.20\r\nCOPY --chown=1:1 \\\r\n    --from=Build /out /out\r\n"
    assert fixed(text) == (
        "FROM golang:1.22 \\\r\n    AS build\r\nFROM alpine:3.20\r\nCOPY --chown=1:1 \\\r\n    --from=build /out /out\r\n"
    )
    text = "# escape=`\nFROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY `\n  --from=Build /out /out\n"
    assert fixed(text) == "# escape=`\nFROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY `\n  --from=build /out /out\n"


def test_a_reference_the_fix_cannot_find_as_written_leaves_the_suggestion():
    text = 'FROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY --from="Build" /out /out\n'
    finding = catches("IL4004", text)[0]
    assert finding.fix.applicability == "display-only"
    assert fixed(text) == text


def test_fixing_twice_is_fixing_once():
    once = fixed("FROM golang:1.22 AS Build\nFROM Build AS Final\nCOPY --from=BUILD /a /a\n")
    assert once == "FROM golang:1.22 AS build\nFROM build AS final\nCOPY --from=build /a /a\n"
    assert fixed(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS go-builder\n",
        "FROM golang:1.22 as builder\n",
        "FROM golang:1.22\n",
        "ARG NAME=Build\nFROM golang:1.22 AS ${NAME}\n",
        "FROM golang:1.22 AS build_2\n",
    ],
)
def test_lowercase_stage_names(text):
    passes("IL4004", text)
