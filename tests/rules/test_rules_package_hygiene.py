"""package-hygiene rules: prompts, recommends, caches, upgrades, pinning, wget+curl."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, lint_snippet, passes

DEB = "FROM debian:12-slim\n"
ALPINE = "FROM alpine:3.22\n"
PY = "FROM python:3.13-slim\n"
NODE = "FROM node:22-slim\n"
EL = "FROM rockylinux:9\n"


def only(code: str, text: str, **kwargs):
    return [f for f in lint_snippet(code, text, **kwargs) if f.rule == code]


# --- IL6001 apt-get-install-without-yes ------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get install -y curl",
        "RUN apt-get -qq install curl",
        "RUN apt-get -q -q install curl",
        "RUN apt-get --quiet=2 install curl",
        "RUN apt-get -q=2 install curl",
        "RUN apt-get install --yes curl",
        "RUN apt-get -o APT::Get::Assume-Yes=1 install curl",
        "RUN yes | apt-get install curl",
        "RUN apt-get update",
        "RUN apt-get -o Dpkg::Options::=--force-confnew -y install curl",
        "RUN sudo apt-get install -y curl",
        "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF",
    ],
)
def test_apt_yes_passes(run):
    passes("IL6001", DEB + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get -q install curl",  # one -q does not imply -y
        "RUN DEBIAN_FRONTEND=noninteractive apt-get install curl",
        "RUN apt-get dist-upgrade",
        "RUN sh -c 'apt-get update && apt-get install curl'",
        "ONBUILD RUN apt-get install curl",
    ],
)
def test_apt_yes_catches(run):
    catches("IL6001", DEB + run)


def test_apt_yes_points_at_the_command_line():
    text = DEB + "RUN set -eux; \\\n    apt-get update; \\\n    apt-get install \\\n        curl\n"
    finding = catches("IL6001", text)[0]
    assert (finding.line, finding.column) == (4, 5)


def test_apt_yes_in_heredoc_points_at_body_line():
    finding = catches("IL6001", DEB + "RUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n")[0]
    assert (finding.line, finding.column) == (5, 1)


# --- IL6002 apt-get-install-with-recommends ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get install -y --no-install-recommends curl",
        DEB + "RUN apt-get install -y -o APT::Install-Recommends=0 curl",
        DEB + "RUN apt-get install -y -o apt::install-recommends=false curl",
        DEB + "RUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/00norecommends\n"
        "RUN apt-get install -y curl",
        DEB + "RUN cat > /etc/apt/apt.conf.d/01norec <<EOF\nAPT::Install-Recommends \"0\";\nEOF\n"
        "RUN apt-get install -y curl",
        # builder stage: recommends never ship
        "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12-slim\nCOPY --from=build /x /x",
        DEB + "RUN apt-get update",
    ],
)
def test_recommends_passes(text):
    passes("IL6002", text)


def test_recommends_config_only_counts_in_lineage():
    text = (
        "FROM debian:12 AS other\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/x\n"
        "FROM debian:12-slim\nRUN apt-get install -y curl\n"
    )
    catches("IL6002", text)


def test_recommends_checks_parent_stage_of_final():
    text = "FROM debian:12-slim AS base\nRUN apt-get install -y curl\nFROM base\nCMD [\"curl\"]\n"
    assert catches("IL6002", text)[0].line == 2


def test_recommends_catches_in_target_stage():
    text = "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\n"
    passes("IL6002", text)
    catches("IL6002", text, target="build")


# --- IL6003 apt-lists-left-in-layer -----------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /var/cache/apt/*",
        "RUN apt-get update && apt-get install -y curl && apt-get dist-clean",
        "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl",
        "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update",
        "RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update",
        "RUN apt-get install -y curl",  # no update: no new lists in this layer
        "RUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF",
    ],
)
def test_apt_lists_passes(run):
    passes("IL6003", DEB + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl && apt-get clean",  # clean keeps the lists
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl",
        "RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update",
        "RUN apt update && apt install -y curl",
    ],
)
def test_apt_lists_catches(run):
    catches("IL6003", DEB + run)


def test_apt_lists_removal_in_a_later_run_does_not_count():
    text = DEB + "RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert catches("IL6003", text)[0].line == 2


def test_apt_lists_builder_stage_exempt():
    passes("IL6003", "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\n")


# --- IL6004 apt-instead-of-apt-get -------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y curl",
        "RUN apt-cache search curl",
        "RUN echo apt install curl",
        "RUN apt-key adv --recv-keys ABC",
        "RUN add-apt-repository ppa:deadsnakes/ppa",
    ],
)
def test_apt_passes(run):
    passes("IL6004", DEB + run)


def test_apt_catches_with_replacement():
    findings = catches("IL6004", DEB + "RUN apt update && apt show curl\n")
    assert ["apt-get update" in findings[0].message, "apt-cache show" in findings[1].message] == [True, True]


# --- IL6005 upgrade-all-packages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get install -y --only-upgrade openssl",
        DEB + "RUN apt-get upgrade -y libssl3",
        ALPINE + "RUN apk add --no-cache --upgrade busybox",
        ALPINE + "RUN apk upgrade --no-cache openssl",
        EL + "RUN yum -y update openssl",
        "FROM debian:12 AS build\nRUN apt-get update && apt-get -y upgrade\nFROM scratch",
        DEB + "RUN apt-get update",
    ],
)
def test_upgrade_passes(text):
    passes("IL6005", text)


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN apt-get -qq -y dist-upgrade",
        DEB + "RUN apt-get full-upgrade -y",
        ALPINE + "RUN apk upgrade --no-cache",
        EL + "RUN yum update -y && yum clean all",
        "FROM fedora:43\nRUN dnf -y upgrade --refresh",
        "FROM opensuse/leap:15.6\nRUN zypper -n dup",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf update -y",
    ],
)
def test_upgrade_catches(text):
    assert catches("IL6005", text)[0].severity.name == "INFO"


# --- IL6006 apk-add-without-no-cache ------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache curl",
        "RUN apk --no-cache add curl",
        "RUN apk add --update curl && rm -rf /var/cache/apk/*",
        "RUN apk update && apk add curl && rm -rf /var/cache/apk/*",
        "RUN --mount=type=cache,target=/var/cache/apk apk add curl",
        "RUN --mount=type=cache,target=/etc/apk/cache apk add --update curl",
        "RUN apk add --no-cache --virtual .deps gcc && apk add --no-network --virtual .rundeps libgcc && apk del .deps",
        "RUN apk del curl",
        "RUN apk info",
    ],
)
def test_apk_cache_passes(run):
    passes("IL6006", ALPINE + run)


@pytest.mark.parametrize(
    ("run", "words"),
    [
        ("RUN apk add curl", "apk add without --no-cache"),
        ("RUN apk update && apk add --no-cache curl", "apk update stores"),
        ("RUN apk add --update curl", "apk add without --no-cache"),
        ("RUN apk upgrade", "apk upgrade without --no-cache"),
    ],
)
def test_apk_cache_catches(run, words):
    assert words in catches("IL6006", ALPINE + run)[0].message


def test_apk_cache_one_finding_per_run_and_location():
    text = ALPINE + "RUN set -eux; \\\n  apk update; \\\n  apk add curl; \\\n  apk add git\n"
    findings = catches("IL6006", text)
    assert [(f.line, f.column) for f in findings] == [(3, 3)]


def test_apk_cache_builder_stage_exempt():
    passes("IL6006", "FROM alpine:3.22 AS build\nRUN apk add build-base\nFROM alpine:3.22\nCOPY --from=build /a /a\n")


# --- IL6007 pip-install-without-no-cache-dir -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN pip install --no-cache-dir flask==3.0.3",
        PY + "RUN python3 -m pip install --no-cache-dir -r requirements.txt",
        PY + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3",
        PY + "ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask==3.0.3",  # pip: any boolean disables the cache
        PY + "ENV PIP_NO_CACHE_DIR=0\nRUN pip install flask==3.0.3",
        PY + "ARG PIP_NO_CACHE_DIR=true\nRUN pip install flask==3.0.3",
        PY + "RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3",
        PY + "RUN export PIP_NO_CACHE_DIR=1 && pip install flask==3.0.3",
        PY + "RUN pip config set global.no-cache-dir false\nRUN pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.cache pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/cache/pip PIP_CACHE_DIR=/cache/pip pip install flask==3.0.3",
        PY + "ENV PIP_CACHE_DIR=/tmp/pip\nRUN pip install flask==3.0.3 && rm -rf /tmp/pip",
        PY + "RUN pip install --cache-dir /tmp/pc flask==3.0.3 && rm -rf /tmp/pc",
        PY + "RUN pip install flask==3.0.3 && rm -rf ~/.cache/pip",
        PY + "RUN pip install flask==3.0.3 && pip cache purge",
        PY + "RUN pip --version && pip list",
        "FROM python:3.13 AS build\nRUN pip install -r requirements.txt\nFROM python:3.13-slim\nCOPY --from=build /x /x",
        PY + "RUN pipx install black==24.10.0",
    ],
)
def test_pip_cache_passes(text):
    passes("IL6007", text)


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN pip install flask==3.0.3",
        PY + "RUN pip3.13 install -U pip",
        PY + "RUN python -I -m pip install flask==3.0.3",
        PY + "ENV PIP_NO_CACHE_DIR=\nRUN pip install flask==3.0.3",
        PY + "RUN --mount=type=cache,target=/root/.npm pip install flask==3.0.3",
        PY + "RUN pip install --no-cache-dir flask==3.0.3\nRUN pip install gunicorn==23.0.0",
        PY + "ONBUILD RUN pip install -r requirements.txt",
    ],
)
def test_pip_cache_catches(text):
    catches("IL6007", text)


def test_pip_cache_location_in_multiline_run():
    text = PY + "RUN python -m venv /venv \\\n && . /venv/bin/activate \\\n && pip install \\\n      click==8.1.7\n"
    finding = catches("IL6007", text)[0]
    assert (finding.line, finding.column) == (4, 5)


# --- IL6008 node-package-cache-left --------------------------------------------------------------


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


# --- IL6009 rpm-install-without-yes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd",
        EL + "RUN yum install --assumeyes httpd",
        EL + "RUN dnf --setopt=assumeyes=True install httpd",
        EL + "RUN echo 'assumeyes=1' >> /etc/yum.conf\nRUN yum install httpd",
        EL + "RUN yum clean all && yum makecache && yum info httpd",
        EL + "RUN yes | yum install httpd",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install shadow-utils",
        "FROM opensuse/leap:15.6\nRUN zypper -n in curl",
        "FROM opensuse/leap:15.6\nRUN zypper --non-interactive --gpg-auto-import-keys ref && zypper -n up",
        "FROM opensuse/leap:15.6\nRUN zypper install --no-confirm curl",
        "FROM photon:5.0\nRUN tdnf install -y tar",
    ],
)
def test_rpm_yes_passes(text):
    passes("IL6009", text)


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum install httpd",
        EL + "RUN yum -q update",
        EL + "RUN yum groupinstall 'Development Tools'",
        "FROM fedora:43\nRUN dnf remove vim-minimal",
        "FROM opensuse/leap:15.6\nRUN zypper install -n curl",  # after the subcommand, -n is --name
        "FROM photon:5.0\nRUN tdnf install tar",
    ],
)
def test_rpm_yes_catches(text):
    catches("IL6009", text)


def test_rpm_yes_location():
    text = EL + "RUN yum -y install httpd \\\n && yum update \\\n && yum clean all\n"
    finding = catches("IL6009", text)[0]
    assert (finding.line, finding.column) == (3, 5) and "yum update" in finding.message


# --- IL6010 rpm-cache-left -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd && yum clean all",
        EL + "RUN yum -y install httpd && yum clean all && rm -rf /var/cache/yum",
        EL + "RUN yum -y install httpd && rm -rf /var/cache/yum /var/cache/dnf",
        EL + "RUN dnf -y install httpd && dnf clean metadata",
        EL + "RUN --mount=type=cache,target=/var/cache/dnf dnf -y install httpd",
        EL + "RUN --mount=type=cache,target=/var/cache dnf -y install httpd",
        EL + "RUN yum -y install httpd && rm -rf /var/cache/*",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar && microdnf clean all",
        "FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper cc -a",
        "FROM photon:5.0\nRUN tdnf install -y tar && tdnf clean all",
        "FROM rockylinux:9 AS build\nRUN dnf -y install gcc\nFROM scratch\nCOPY --from=build /a /a",
        EL + "RUN yum clean all",
    ],
)
def test_rpm_cache_passes(text):
    passes("IL6010", text)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (EL + "RUN yum -y install httpd", "yum clean all"),
        (EL + "RUN dnf -y install httpd && dnf clean packages", "dnf clean all"),
        (EL + "RUN yum -y install httpd\nRUN yum clean all", "yum clean all"),
        ("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar", "microdnf clean all"),
        ("FROM opensuse/leap:15.6\nRUN zypper -n refresh && zypper -n install curl", "zypper clean -a"),
    ],
)
def test_rpm_cache_catches(text, clean):
    assert clean in catches("IL6010", text)[0].message


# --- IL6011 unpinned-apt-package --------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get install -y curl=7.88.1-10+deb12u8",
        "RUN apt-get install -y \"curl=${CURL_VERSION}\"",  # hadolint#928
        "RUN apt-get install -y ./vendor/tool.deb /tmp/other.deb",  # hadolint#345
        "RUN apt-get install -y -t bookworm-backports golang/bookworm-backports",
        "RUN apt-get install -y linux-headers-$(uname -r)",
        "RUN apt-get install -y $UNKNOWN_PACKAGES",
        "RUN apt-get update && apt-get -y build-dep python3",
        "RUN deps='curl=7.88.1-10+deb12u8' && apt-get install -y $deps",
    ],
)
def test_apt_pin_passes(run):
    passes("IL6011", DEB + run)


def test_apt_pin_expands_script_variables():
    text = DEB + "RUN buildDeps='gcc make' set -x && apt-get install -y --no-install-recommends $buildDeps\n"
    assert "gcc, make" in catches("IL6011", text)[0].message


def test_apt_pin_one_finding_per_command_pointing_at_first_package():
    text = DEB + "RUN apt-get update && apt-get install -y --no-install-recommends \\\n    ca-certificates=20230311 \\\n    curl \\\n    git\n"
    findings = catches("IL6011", text)
    assert len(findings) == 1 and (findings[0].line, findings[0].column) == (4, 5)
    assert "curl, git" in findings[0].message


# --- IL6012 unpinned-apk-package ------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apk add --no-cache curl=8.14.1-r1",
        "RUN apk add --no-cache 'curl>8.0' \"git<3\"",
        "RUN apk add --no-cache curl~8.14",
        "RUN apk add --no-cache --virtual .build-deps gcc=14.2.0-r6",
        "RUN apk add --no-cache -t .deps gcc=14.2.0-r6",
        "RUN apk add --allow-untrusted /tmp/pkg.apk",
        "RUN apk add --no-cache ${PACKAGES}",
        "RUN apk del curl",
    ],
)
def test_apk_pin_passes(run):
    passes("IL6012", ALPINE + run)


def test_apk_pin_catches_and_ignores_virtual_name():
    finding = catches("IL6012", ALPINE + "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\n")[0]
    assert "gcc, musl-dev" in finding.message and ".build-deps" not in finding.message


# --- IL6013 unpinned-pip-package -------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN pip install --no-cache-dir flask==3.0.3",
        "RUN pip install --no-cache-dir 'flask>=3,<4' 'requests~=2.32' 'six!=1.0'",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "RUN pip install --no-cache-dir --requirement=requirements.txt",
        "RUN pip install --no-cache-dir .",
        "RUN pip install --no-cache-dir -e .",
        "RUN pip install --no-cache-dir --editable ./pkg",
        "RUN pip install --no-cache-dir /wheels/app-1.0-py3-none-any.whl",
        "RUN pip install --no-cache-dir ./dist/app.tar.gz",
        "RUN pip install --no-cache-dir -c constraints.txt flask",
        "RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple --trusted-host pypi.example.com flask==3.0.3",
        "RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu torch==2.5.1",
        "RUN pip install --no-cache-dir --target /deps --platform manylinux2014_x86_64 --only-binary=:all: numpy==2.1.3",
        "RUN pip install --no-cache-dir git+https://github.com/org/repo.git@v1.2.0",
        "RUN pip install --no-cache-dir 'pkg @ https://example.com/pkg-1.0.tar.gz'",
        "RUN pip install --no-cache-dir \"tensorflow${TF_POSTFIX}\"",
        "ENV PIP_CONSTRAINT=/constraints.txt\nRUN pip install --no-cache-dir flask",
        "RUN pip download flask",
    ],
)
def test_pip_pin_passes(run):
    passes("IL6013", PY + run)


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("RUN pip install --no-cache-dir flask gunicorn", "flask, gunicorn"),
        ("RUN pip install --no-cache-dir -r requirements.txt extra-tool", "extra-tool"),
        ("RUN pip install --no-cache-dir git+https://github.com/org/repo.git", "git+https://github.com/org/repo.git"),
        ("RUN python3 -m pip install --no-cache-dir --upgrade pip", "pip"),
        ("RUN pip install --no-cache-dir --progress-bar off awscli", "awscli"),
    ],
)
def test_pip_pin_catches(run, names):
    assert names in catches("IL6013", PY + run)[0].message


# --- IL6014 unpinned-npm-package -------------------------------------------------------------------


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


# --- IL6015 unpinned-gem -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN gem install bundler -v 2.5.22",
        "RUN gem install bundler --version '~> 2.5'",
        "RUN gem install bundler:2.5.22",
        "RUN gem install --no-document ./vendor/tool-1.0.gem",
        "RUN gem install -g Gemfile",
        "RUN gem update --system 3.5.23",
        "RUN bundle install",
    ],
)
def test_gem_pin_passes(run):
    passes("IL6015", "FROM ruby:3.4-slim\n" + run)


def test_gem_pin_catches():
    assert "fpm" in catches("IL6015", "FROM ruby:3.4-slim\nRUN gem install --no-document fpm\n")[0].message


# --- IL6016 unpinned-rpm-package ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        EL + "RUN yum -y install httpd-2.4.57",
        EL + "RUN yum -y install nodejs-18.16.0-1.module_el8.x86_64",
        EL + "RUN yum -y install epel-release-9-7.el9",
        EL + "RUN yum -y install /tmp/vendor.rpm https://example.com/x.rpm",
        EL + "RUN dnf -y install @development-tools 'perl(JSON)'",
        EL + "RUN yum -y groupinstall 'Development Tools'",
        EL + "RUN yum -y group install 'Development Tools'",
        EL + "RUN dnf -y module install nodejs:20",
        EL + "RUN yum -y install kernel-devel-$(uname -r) MariaDB-server-${MARIADB_VERSION}",
        "FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 'git>=2.40'",
        "FROM opensuse/leap:15.6\nRUN zypper -n install -t pattern devel_basis",
    ],
)
def test_rpm_pin_passes(text):
    passes("IL6016", text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (EL + "RUN yum -y install httpd gcc-c++", "httpd, gcc-c++"),
        (EL + "RUN yum -y install java-17-openjdk", "java-17-openjdk"),  # a name, not a version
        (EL + "RUN dnf -y install python3.11-devel", "python3.11-devel"),
        ("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar", "tar"),
        ("FROM opensuse/leap:15.6\nRUN zypper -n in curl", "curl"),
    ],
)
def test_rpm_pin_catches(text, names):
    assert names in catches("IL6016", text)[0].message


# --- IL6017 unpinned-go-install ----------------------------------------------------------------------

GO = "FROM golang:1.26\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@v0.16.1",
        "RUN go install github.com/x/y/cmd/z@8f3c1a2",
        "RUN go install ./cmd/...",
        "RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2",  # version from go.mod
        "RUN go run github.com/google/wire/cmd/wire@v0.6.0",  # hadolint#1134
        "RUN go install github.com/x/y@${Y_VERSION}",
        "RUN go get ./... && go mod download",
        "RUN go build -o /app ./cmd/app",
    ],
)
def test_go_pin_passes(run):
    passes("IL6017", GO + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@latest",
        "RUN go install github.com/x/y@master",
        "RUN go run github.com/x/y/cmd/gen@main",
        "RUN go get github.com/spf13/cobra",
        "RUN go get -u -v github.com/golang/lint/golint",
    ],
)
def test_go_pin_catches(run):
    catches("IL6017", GO + run)


# --- IL6018 wget-and-curl -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        DEB + "RUN curl -fsSLo /a https://example.com/a\nRUN curl -fsSLo /b https://example.com/b",
        # builder stage uses wget, the image only curl
        "FROM alpine:3.22 AS fetch\nRUN wget -q https://example.com/a\nFROM alpine:3.22\nRUN apk add --no-cache curl && curl -fsS https://example.com",
        # curl is installed and removed in the same RUN (docker-library style)
        ALPINE + "RUN apk add --no-cache --virtual .fetch curl && curl -fsSLO https://example.com/a && apk del .fetch\n"
        "RUN wget -q https://example.com/b",
        DEB + "RUN apt-mark showmanual > /tmp/m && apt-get install -y wget && wget https://example.com/a "
        "&& apt-mark auto '.*' > /dev/null && apt-get purge -y --auto-remove\nRUN curl -fsS https://example.com",
        DEB + "RUN apt-get install -y wget && wget -q https://example.com/a && apt-get remove -y wget\n"
        "RUN curl -fsS https://example.com",
    ],
)
def test_wget_curl_passes(text):
    passes("IL6018", text)


def test_wget_curl_catches_once_at_second_tool():
    text = DEB + "RUN wget -q https://example.com/a\nRUN curl -fsSLO https://example.com/b\nRUN curl -fsSLO https://example.com/c\n"
    findings = catches("IL6018", text)
    assert len(findings) == 1 and findings[0].line == 3 and "line 2" in findings[0].message


def test_wget_curl_across_parent_stage():
    text = "FROM debian:12-slim AS base\nRUN wget -q https://example.com/a\nFROM base\nRUN curl -fsS https://example.com\n"
    assert catches("IL6018", text)[0].line == 4


# --- shared behaviour ------------------------------------------------------------------------------


def test_hadolint_ignore_pragma_covers_grouped_rule():
    text = EL + "# hadolint ignore=DL3040\nRUN dnf -y install httpd\n"
    assert not only("IL6010", text)


def test_imagelint_ignore_pragma():
    assert not only("IL6006", ALPINE + "# imagelint ignore=IL6006\nRUN apk add curl\n")


def test_exec_form_run_is_not_a_shell_script():
    passes("IL6001", DEB + 'RUN ["apt-get", "install", "curl"]')


@pytest.mark.parametrize("code", [f"IL60{n:02d}" for n in range(1, 19)])
def test_rules_do_not_crash_on_odd_input(code):
    text = (
        "FROM debian:12-slim\nRUN apt-get install -y 'unterminated\nRUN <<EOF\napk add\nEOF\n"
        "RUN --mount=type=cache apt-get update\nONBUILD RUN pip install\nRUN [\"npm\", \"ci\"]\nRUN yum\nRUN go get\n"
    )
    lint_snippet(code, text)


def test_wget_curl_temporary_package_list_in_variable():
    text = DEB + (
        "RUN fetchDeps='wget' && apt-get install -y $fetchDeps && wget -q https://example.com/gosu "
        "&& apt-get purge -y --auto-remove $fetchDeps\nRUN curl -fsS https://example.com\n"
    )
    passes("IL6018", text)


def test_pragma_above_onbuild_reaches_its_trigger():
    text = DEB + "# imagelint ignore=IL6001\nONBUILD RUN apt-get install curl\n"
    assert not only("IL6001", text)
    text = "# imagelint ignore=IL6001\n" + DEB + "ONBUILD RUN apt-get install curl\n"
    assert only("IL6001", text)[0].line == 3
