"""IL8025 missing-required-label: each required label the shipped image lacks, at its FROM."""

from __future__ import annotations

from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes

SOURCE = Settings(label_schema={"org.opencontainers.image.source": "url", "maintainer": "text"})


def test_one_finding_per_missing_label_at_the_final_from():
    findings = catches("IL8025", "FROM alpine:3.22 AS build\nRUN true\nFROM alpine:3.22\nCOPY --from=build /x /x\n", settings=SOURCE)
    assert [f.line for f in findings] == [3, 3]
    assert "no label org.opencontainers.image.source" in findings[0].message
    assert "an absolute URL" in findings[0].message
    assert findings[1].message.endswith("add LABEL maintainer=...")


def test_a_label_set_in_a_parent_stage_counts():
    passes(
        "IL8025",
        'FROM alpine:3.22 AS base\nLABEL org.opencontainers.image.source="https://example.com/x" maintainer=me\nFROM base\n',
        settings=SOURCE,
    )


def test_a_label_set_only_in_a_builder_stage_does_not():
    text = 'FROM alpine:3.22 AS build\nLABEL maintainer=me\nFROM alpine:3.22\nLABEL org.opencontainers.image.source="https://example.com/x"\n'
    assert [f.message for f in catches("IL8025", text, settings=SOURCE)] == [
        "the image has no label maintainer, which the label schema requires; add LABEL maintainer=..."
    ]


def test_silent_without_a_schema_and_with_variable_keys():
    passes("IL8025", "FROM alpine:3.22\n")
    passes("IL8025", "FROM alpine:3.22\nARG KEY\nLABEL $KEY=x\n", settings=SOURCE)


def test_an_empty_label_is_present_not_missing():
    text = 'FROM alpine:3.22\nLABEL org.opencontainers.image.source="" maintainer=""\n'
    assert not [f for f in lint_snippet("IL8025", text, settings=SOURCE)]
