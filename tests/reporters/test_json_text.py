"""The JSON reports' text is exactly what ``json.dumps(readable_document(...), indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import enum
import io
import json

import pytest

from imagelint.findings import Finding, Severity
from imagelint.fixes import Edit, Fix
from imagelint.report import FileResult, Report
from imagelint.reporters import json_format
from imagelint.reporters.json_text import findings_text, indented_json, report_text
from imagelint.reporters.readable import readable_document


class Level(enum.IntEnum):
    LOW = 1


DOCUMENTS = [
    {},
    [],
    "text",
    7,
    None,
    {"empty": [], "nothing": {}, "nested": [[]], "in a list": [{}]},
    {"scalars": [1, -2, 2.5, -0.0, 1e300, 1e-7, True, False, None, ""]},
    {"escapes": 'quote " backslash \\ newline \n tab \t control \x01 line separator \u2028 é ☃'},
    {"tuple": (1, (2, 3), ()), "enum": Level.LOW, "enum key list": [Level.LOW]},
    {1: "int key", 2.5: "float key", True: "bool key", None: "null key"},
    {"nan": float("nan"), "infinity": [float("inf"), float("-inf")]},
    {"deep": {"a": {"b": [{"c": [1, {"d": "e"}]}]}}},
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_same_text_as_json_dumps(document):
    assert indented_json(document) == json.dumps(document, indent=2, ensure_ascii=False)
    assert report_text(document) == json.dumps(readable_document(document), indent=2, ensure_ascii=False)


def test_names_that_are_not_utf8_are_made_readable_as_before():
    document = {"file": "svc-\udcff/Dockerfile", "svc-\udcfe": ["\ud800 lone"], "plain": "é"}
    expected = json.dumps(readable_document(document), indent=2, ensure_ascii=False)
    assert report_text(document) == expected
    assert "svc-\\\\xff/Dockerfile" in expected


def test_what_json_refuses_it_refuses_the_same_way():
    circular: list = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json(circular)
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented_json({"value": object()})


FINDINGS = [
    Finding("IL6001", "apt-lists-left", "package-hygiene", Severity.WARNING, 'quote " and é', "a/Dockerfile", 3, 5, 1),
    Finding("IL6001", "apt-lists-left", "package-hygiene", Severity.WARNING, "again", "a/Dockerfile", 9, None, None),
    Finding(
        "IL8001", "lowercase-keyword", "correctness", Severity.STYLE, "fix me", "b/Dockerfile", 1, 1, 1,
        Fix("uppercase it", "safe", (Edit(1, 1, 1, 5, "FROM\n\t"), Edit(2, 1, 2, 4, "RUN"))),
    ),
    Finding("IL5001", "pin", "base-image", Severity.ERROR, "advice", "c/Dockerfile", None, None, None, Fix.advice("pin it")),
]


@pytest.mark.parametrize("level", [0, 1, 3])
def test_findings_are_written_as_their_dicts_would_be(level):
    expected = indented_json([f.to_dict() for f in FINDINGS])
    written = findings_text(FINDINGS, level)
    assert written == expected.replace("\n", "\n" + "  " * level)
    assert findings_text([], level) == "[]"


def report_of(findings: list[Finding]) -> Report:
    return Report(results=[FileResult("a/Dockerfile", findings)], rules=[], notes=["a note"])


@pytest.mark.parametrize("findings", [FINDINGS, [], [FINDINGS[0]._replace(file="svc-\udcff/Dockerfile")]])
def test_the_json_report_is_its_document_as_json_dumps_writes_it(findings):
    stream = io.StringIO()
    json_format.render(report_of(findings), stream)
    document = report_of(findings).to_dict()
    assert stream.getvalue() == json.dumps(readable_document(document), indent=2, ensure_ascii=False) + "\n"
