"""IL2001 chmod-after-copy: chmod/chown of copied files later, the COPY flag fix, builder stages."""

from __future__ import annotations

import pytest

from imagelint.settings import Settings
from tests.support.helpers import catches, lint_snippet, passes


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
    assert finding.fix.description == "COPY --chown=node:node ..."
    finding = catches("IL2001", "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod 0755 /run.sh\n")[0]
    assert finding.fix.description == "COPY --chmod=0755 ..."


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
