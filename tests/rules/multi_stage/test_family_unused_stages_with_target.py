"""IL4005 unused-unnamed-stage and IL4006 unused-named-stage: both are silent with a build target."""

from __future__ import annotations

from tests.support.helpers import passes


def test_unused_stage_rules_are_silent_with_a_target(tmp_path):
    text = "FROM ubuntu:24.04\nFROM node:22 AS assets\nRUN npm run build\nFROM alpine:3.20 AS app\n"
    passes("IL4005", text, target="app")
    passes("IL4006", text, target="app")
