"""The JSON reports' text is exactly what ``json.dumps(readable_document(...), indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import enum
import json

import pytest

from imagelint.reporters.json_text import indented_json, report_text
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
