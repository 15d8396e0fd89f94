"""IL6008 node-package-cache-left: npm/yarn caches left in the layer and build stages."""

from __future__ import annotations

import pytest

from tests.rules.package_hygiene.cases import NODE, fix_of, fixed
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

# --- the fix: the tool's cache cleanup at the end of the RUN --------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        (NODE + "COPY package*.json ./\nRUN npm ci --omit=dev", NODE + "COPY package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force"),
        (
            NODE + "COPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile --production",
            NODE + "COPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile --production && yarn cache clean",
        ),
        (NODE + "RUN npm install -g pm2@5.4.2", NODE + "RUN npm install -g pm2@5.4.2 && npm cache clean --force"),
        (NODE + "RUN npm ci && (cd admin && npm run build)", NODE + "RUN npm ci && (cd admin && npm run build) && npm cache clean --force"),
    ],
)
def test_fix_appends_the_cleanup(text, result):
    assert fixed("IL6008", text + "\n") == result + "\n"
    assert fix_of("IL6008", text + "\n").applicability == "safe"


def test_fix_every_tool_of_a_run_in_rounds():
    text = NODE + "RUN npm install -g yarn@1.22.22 && yarn install\n"
    assert fixed("IL6008", text) == NODE + "RUN npm install -g yarn@1.22.22 && yarn install && npm cache clean --force && yarn cache clean\n"


def test_fix_continues_a_multi_line_run_in_its_style():
    text = NODE + "RUN npm ci \\\n && npm run build\n"
    assert fixed("IL6008", text) == NODE + "RUN npm ci \\\n && npm run build \\\n && npm cache clean --force\n"


def test_fix_keeps_crlf():
    text = "FROM node:22-slim\r\nRUN npm ci \\\r\n && npm run build\r\n"
    assert fixed("IL6008", text) == "FROM node:22-slim\r\nRUN npm ci \\\r\n && npm run build \\\r\n && npm cache clean --force\r\n"


def test_fix_with_backtick_escape():
    text = "# escape=`\n" + NODE + "RUN npm ci `\n && npm run build\n"
    assert fixed("IL6008", text) == "# escape=`\n" + NODE + "RUN npm ci `\n && npm run build `\n && npm cache clean --force\n"


@pytest.mark.parametrize(
    "text",
    [
        NODE + "COPY . .\nRUN yarn install --frozen-lockfile",  # may bring a .yarnrc.yml
        NODE + "COPY package.json yarn.lock .yarnrc.yml ./\nRUN yarn install",
        NODE + "RUN corepack enable\nCOPY package.json yarn.lock ./\nRUN yarn install",
        "FROM debian:12-slim\nRUN yarn install",  # whose yarn?
    ],
)
def test_fix_is_unsafe_where_the_cache_may_still_be_needed(text):
    text += "\n"
    assert fix_of("IL6008", text).applicability == "unsafe"
    assert fixed("IL6008", text) == text


def test_fix_is_unsafe_when_a_later_run_installs_offline():
    text = NODE + "RUN npm ci\nRUN npm ci --offline\n"
    assert fix_of("IL6008", text).applicability == "unsafe"
    assert fixed("IL6008", text) == NODE + "RUN npm ci\nRUN npm ci --offline && npm cache clean --force\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN pnpm install --frozen-lockfile",  # store prune keeps what the project uses
        "RUN npm ci --cache /tmp/npm-cache",  # a cleanup would empty another cache
        "RUN YARN_CACHE_FOLDER=/tmp/yarn yarn install",
        "RUN su node -c 'npm ci'",  # installs as node, would clean root's cache
        "RUN gosu node npm ci",
        "RUN (cd app && npm ci)",  # a child shell's PATH may be the only one with npm
        "RUN /opt/node/bin/npm ci",
        "RUN npm ci; # deps",
        "ONBUILD RUN npm ci",
    ],
)
def test_fix_falls_back_to_the_message_when_the_cleanup_would_miss(run):
    text = NODE + run + "\n"
    assert fix_of("IL6008", text) is None
    assert fixed("IL6008", text, unsafe=True) == text
