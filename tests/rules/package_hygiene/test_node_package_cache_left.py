"""IL6008 node-package-cache-left: npm/yarn caches left in the layer and build stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import NODE
from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN npm ci --omit=dev && npm cache clean --force",
        "RUN npm install -g pm2@5.4.2 && npm cache clean --force",
        "RUN --mount=type=cache,target=/root/.npm npm ci",
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci",
        "RUN npm ci && rm -rf ~/.npm",
        "RUN npm ci --cache /tmp/npm && rm -rf /tmp/npm",
        "RUN yarn install --frozen-lockfile && yarn cache clean",
        "RUN yarn install --production && rm -rf \"$(yarn cache dir)\"",
        "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
        "RUN yarn --version && npm --version",
        "RUN yarn build && npm run test",
        "RUN yarn global bin && yarn global list",
        "RUN pnpm install --frozen-lockfile && pnpm store prune",
        "RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile",
    ],
)
def test_node_cache_passes(run):
    passes("IL6008", NODE + run)


@pytest.mark.parametrize(
    ("run", "tool"),
    [
        ("RUN npm ci --omit=dev", "npm ci"),
        ("RUN npm i -g typescript@5.6.3", "npm i"),
        ("RUN yarn", "yarn install"),
        ("RUN yarn global add @vue/cli@5.0.8", "yarn global add"),
        ("RUN pnpm install --prod", "pnpm install"),
        ("RUN npm ci && yarn cache clean", "npm ci"),  # the wrong tool's cleanup
    ],
)
def test_node_cache_catches(run, tool):
    assert catches("IL6008", NODE + run)[0].message.startswith(tool)


def test_node_cache_build_stage_exempt():
    text = "FROM node:22 AS build\nRUN npm ci && npm run build\nFROM nginx:1.27-alpine\nCOPY --from=build /dist /html\n"
    passes("IL6008", text)
