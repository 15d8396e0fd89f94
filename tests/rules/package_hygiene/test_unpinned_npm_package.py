"""IL6014 unpinned-npm-package: npm packages without a version."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import NODE
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN npm ci",
        "RUN npm install",
        "RUN npm install --omit=dev",
        "RUN npm install -g pm2@5.4.2 @angular/cli@18.2.1",
        "RUN npm install -g typescript@^5.6",
        "RUN npm install ./plugin ../lib /abs/path file:../x",
        "RUN npm install https://example.com/pkg.tgz github:user/repo#v1.0.0",
        "RUN npm install --prefix /app --registry https://registry.example.com",
        "RUN yarn add react@18.3.1",
        "RUN pnpm add -D vitest@2.1.5",
        "RUN npm install -g $TOOLS",
    ],
)
def test_npm_pin_passes(run):
    passes("IL6014", NODE + run)


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("RUN npm install -g pm2", "pm2"),
        ("RUN npm install -g npm@latest", "npm@latest"),
        ("RUN npm i -g @angular/cli", "@angular/cli"),
        ("RUN yarn global add typescript", "typescript"),
        ("RUN pnpm add -g zx@next", "zx@next"),
        ("RUN su node -c 'npm install -g http-server'", "http-server"),
    ],
)
def test_npm_pin_catches(run, names):
    assert names in catches("IL6014", NODE + run)[0].message
