"""IL2001 chmod-after-copy: chmod/chown of copied files later, the COPY flag fix, builder stages."""

from __future__ import annotations

import pytest

from imagelint.fixer import fix_text
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes


def fixed(text: str, *, unsafe: bool = True, context_dir=None) -> str:
    return fix_text(text, "Dockerfile", [registered_rules()["IL2001"]], Settings(), unsafe=unsafe, context_dir=context_dir).fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nRUN chmod +x /usr/local/bin/docker-entrypoint.sh\n",
        # ``COPY x /usr/local/bin`` (no slash): the file lands inside when the directory exists
        "FROM alpine:3.20\nCOPY run.sh /usr/local/bin\nRUN chmod 755 /usr/local/bin/run.sh\n",
        "FROM alpine:3.20\nCOPY helpers /opt/helpers\nRUN chown -R 1001:0 /opt/helpers\n",
        "FROM alpine:3.20\nCOPY . /app\nRUN cd /app && chmod +x bin/start\n",
        "FROM alpine:3.20\nENV APP=/srv/app\nCOPY app/ $APP/\nRUN chown -R app $APP\n",
        "FROM alpine:3.20\nCOPY --from=build /out/ /opt/app/\nRUN chgrp -R 0 /opt\n",
    ],
)
def test_chmod_after_copy_catches(text):
    catches("IL2001", text)


def test_chmod_after_copy_reports_once_per_run_at_the_first_command():
    text = (
        "FROM alpine:3.20\nCOPY a.sh /usr/local/bin/\nCOPY b/ /opt/b/\n"
        "RUN set -eux; \\\n    chmod +x /usr/local/bin/a.sh; \\\n    chown -R app /opt/b\n"
    )
    findings = catches("IL2001", text)
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == (5, 5)
    assert "and 1 more in this RUN" in findings[0].message


def test_chmod_after_copy_suggests_the_copy_flag():
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R node:node /srv/app\n")[0]
    assert (finding.fix.description, finding.fix.applicability) == ("use COPY --chown=node:node instead of chown", "unsafe")
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod 0755 /run.sh\n")[0]
    assert (finding.fix.description, finding.fix.applicability) == ("use COPY --chmod=0755 instead of chmod", "unsafe")
    # a RUN between: only advice
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN echo\nRUN chmod 0755 /run.sh\n")[0]
    assert (finding.fix.description, finding.fix.applicability) == ("COPY --chmod=0755 ...", "display-only")


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY --chmod=755 run.sh /usr/local/bin/\n",
        # a directory's own mode or owner: the files inside are not rewritten
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown app /srv/app\n",
        "FROM alpine:3.20\nCOPY . /app\nRUN chmod 755 /app\n",
        "FROM alpine:3.20\nCOPY --from=upstream /opt/conda /opt/conda\nRUN chmod =2775 /opt/conda\n",
        "FROM alpine:3.20\nCOPY --from=upstream /srv/share /srv/share\nRUN chmod g+s /srv/share\n",
        # other paths
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN mkdir /data && chown -R app /data\n",
        "FROM alpine:3.20\nCOPY run.sh /usr/local/bin\nRUN chmod +x /usr/local/bin/other\n",
        # chmod before the copy
        "FROM alpine:3.20\nRUN mkdir -p /srv/app && chown app /srv/app\nCOPY app/ /srv/app/\n",
        # builder stages never ship their layers
        "FROM golang:1.23 AS build\nCOPY . /src\nRUN chmod -R +x /src/scripts\nFROM alpine:3.20\nCOPY --from=build /src/bin/app /app\n",
        # a path we cannot resolve
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R app \"$(mktemp -d)\"\n",
    ],
)
def test_chmod_after_copy_passes(text):
    passes("IL2001", text)


def test_chmod_after_copy_in_builder_stages_when_configured():
    text = "FROM golang:1.23 AS build\nCOPY . /src\nRUN chmod -R +x /src/scripts\nFROM alpine:3.20\nCOPY --from=build /src/bin/app /app\n"
    settings = Settings(rule_options={"IL2001": {"builder-stages": True}})
    assert [f for f in lint_snippet("IL2001", text, settings=settings) if f.rule == "IL2001"]


# --- the fix: COPY --chown/--chmod instead of the command ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM node:22-slim\nCOPY app/ /srv/app/\nRUN chown -R node:node /srv/app\n",
            "FROM node:22-slim\nCOPY --chown=node:node app/ /srv/app/\n",
        ),
        (  # relative to the WORKDIR; the RUN keeps its other commands
            "FROM alpine:3.20\nWORKDIR /usr/local/bin\nCOPY entrypoint.sh .\nRUN chmod 755 entrypoint.sh && entrypoint.sh --check\n",
            "FROM alpine:3.20\nWORKDIR /usr/local/bin\nCOPY --chmod=755 entrypoint.sh .\nRUN entrypoint.sh --check\n",
        ),
        (  # every source of the COPY, a COPY elsewhere between, continuation lines
            "FROM alpine:3.20\nCOPY --from=build /out/a.sh /out/b.sh /usr/local/bin/\nCOPY x.conf /etc/x.conf\n"
            "RUN set -eux; \\\n    chmod 0755 /usr/local/bin/a.sh /usr/local/bin/b.sh; \\\n    echo ok\n",
            "FROM alpine:3.20\nCOPY --from=build --chmod=0755 /out/a.sh /out/b.sh /usr/local/bin/\nCOPY x.conf /etc/x.conf\n"
            "RUN set -eux; \\\n    echo ok\n",
        ),
        (
            "FROM node:22-slim\r\nCOPY . /srv/app\r\nRUN chown -R node:node /srv/app \\\r\n  && npm ci\r\n",
            "FROM node:22-slim\r\nCOPY --chown=node:node . /srv/app\r\nRUN npm ci\r\n",
        ),
        (
            "# escape=`\nFROM node:22-slim\nCOPY . /srv/app\nRUN chown -R node:node /srv/app `\n  && npm ci\n",
            "# escape=`\nFROM node:22-slim\nCOPY --chown=node:node . /srv/app\nRUN npm ci\n",
        ),
        (  # chown and chmod: two rounds
            "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chown app:app /run.sh && chmod 0750 /run.sh\n",
            "FROM alpine:3.20\nCOPY --chown=app:app --chmod=0750 run.sh /run.sh\n",
        ),
    ],
)
def test_chmod_after_copy_fix_sets_the_copy_flag(text, expected):
    assert fixed(text) == expected
    assert fixed(expected) == expected
    assert fixed(text, unsafe=False) == text


def test_chmod_after_copy_fix_asks_the_build_context_whether_a_source_is_a_file(tmp_path):
    text = "FROM alpine:3.20\nCOPY tool /usr/local/bin/tool\nRUN chmod 755 /usr/local/bin/tool\n"
    (tmp_path / "tool").write_text("#!/bin/sh\n")
    assert fixed(text, context_dir=tmp_path) == "FROM alpine:3.20\nCOPY --chmod=755 tool /usr/local/bin/tool\n"
    assert fixed(text) == text  # without a context, a name without an extension may be a directory


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n",  # symbolic: depends on the context's mode
        "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod 777 /run.sh\n",  # IL7009 would flag --chmod=777
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R app /srv/app\n",  # no group: chown keeps it
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R --from=root app:app /srv/app\n",
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chmod 755 /srv/app/bin/run\n",  # inside the copy
        "FROM eclipse-temurin:21-jre\nCOPY --from=build /out/app.jar /opt/app/\nRUN chown -R 1001:0 /opt\n",  # above it
        "FROM alpine:3.20\nCOPY a.sh b.sh /usr/local/bin/\nRUN chmod 755 /usr/local/bin/a.sh\n",  # not every source
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN npm ci\nRUN chown -R app:app /srv/app\n",  # a RUN between
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN mkdir /srv/app/logs && chown -R app:app /srv/app\n",
        "FROM alpine:3.20\nCOPY --chown=root:app app/ /srv/app/\nRUN chown -R app:app /srv/app\n",  # already set
        "FROM alpine:3.20\nADD app.tar.gz /srv/app/\nRUN chown -R app:app /srv/app\n",
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R $USER:app /srv/app\n",
        "FROM alpine:3.20\nCOPY app/ /srv/app/\nRUN chown -R app:app /srv/app | tee /log\n",
    ],
)
def test_chmod_after_copy_fix_keeps_the_advice(text):
    findings = catches("IL2001", text)
    assert all(f.fix is None or f.fix.applicability == "display-only" for f in findings)
    assert fixed(text) == text
    assert "777" not in str([f.fix for f in findings])
