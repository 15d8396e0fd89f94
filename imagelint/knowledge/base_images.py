"""What imagelint knows about well-known base images: names, deprecated images, what they run
and as whom, slim variants. Their end-of-life versions are in :mod:`imagelint.knowledge.end_of_life`.
"""

from __future__ import annotations

import re

from imagelint.dockerfile import ImageRef
from imagelint.lazy_pattern import LazyPattern

DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "hub.docker.com"})


# Registries that mirror Docker Hub's official images under a prefix.
_HUB_MIRRORS = {"public.ecr.aws": "docker/library/", "mirror.gcr.io": ""}


def hub_name(ref: ImageRef) -> str | None:
    """``python`` for ``python``, ``docker.io/library/python`` or the ECR/GCR mirrors; None for other registries."""
    registry = (ref.registry or "docker.io").lower()
    if registry in DOCKER_HUB:
        return ref.name.lower()
    prefix = _HUB_MIRRORS.get(registry)
    if prefix is not None and ref.repository.lower().startswith(prefix):
        return ref.repository.lower().removeprefix(prefix).removeprefix("library/")
    return None


def repository_with_registry(ref: ImageRef) -> str:
    """``gcr.io/distroless/static`` for ``gcr.io/distroless/static:nonroot@sha256:...``: the image's
    name as written, without tag or digest."""
    return f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository


def official_image(ref: ImageRef) -> str | None:
    """The name of a Docker Hub official image (``python``, ``library/python``, its mirrors),
    whose Dockerfile is public and known; None for any other image, or a name left to an ARG."""
    name = hub_name(ref)
    return name if name and "/" not in name and not ref.unresolved else None


def tag_tokens(tag: str | None) -> list[str]:
    return [t for t in re.split(r"[-_]", tag.lower())] if tag else []


# Compiled at import, unlike the (lazy) patterns here: every FROM with a tag uses it.
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?")


def major_minor(tag: str | None) -> tuple[int, int | None] | None:
    match = _VERSION.match(tag or "")
    if not match:
        return None
    return int(match.group(1)), (int(match.group(2)) if match.group(2) is not None else None)


# --- deprecated images -----------------------------------------------------------------------------

# Docker Hub repositories whose maintainers stopped publishing them, with the successor.
DEPRECATED_HUB_IMAGES = {
    "openjdk": "no updates since July 2022 (only early-access builds); use eclipse-temurin, amazoncorretto or another OpenJDK distribution",
    "java": "no updates since 2017; use eclipse-temurin",
    "adoptopenjdk": "no updates since AdoptOpenJDK moved to Eclipse Adoptium in 2021; use eclipse-temurin",
    "jenkins": "no updates since 2018; use jenkins/jenkins:lts",
    "django": "no updates since 2016; build FROM python instead",
    "rails": "no updates since 2016; build FROM ruby instead",
    "celery": "no updates since 2017; install celery FROM python instead",
    "iojs": "no updates since io.js merged back into Node.js in 2016; use node",
    "sentry": "no updates since 2020; use getsentry/sentry",
    "piwik": "renamed in 2018; use matomo",
    "clearlinux": "discontinued with Clear Linux OS in July 2025; use another distribution",
}
# The old Docker Hub homes of Microsoft images; they moved to mcr.microsoft.com in 2018-2019.
_MICROSOFT_MOVED = "moved to mcr.microsoft.com in 2019 and no longer updated on Docker Hub; use the mcr.microsoft.com image"


def deprecation(ref: ImageRef) -> str | None:
    name = hub_name(ref)
    if name is None:
        return None
    if name in DEPRECATED_HUB_IMAGES:
        return DEPRECATED_HUB_IMAGES[name]
    if name.startswith("adoptopenjdk/"):
        return DEPRECATED_HUB_IMAGES["adoptopenjdk"]
    if name.startswith("microsoft/") and name.split("/", 1)[1] in (
        "dotnet", "aspnetcore", "aspnetcore-build", "aspnet", "windowsservercore", "nanoserver", "mssql-server-linux",
        "dotnet-framework", "iis", "powershell",
    ):  # fmt: skip
        return _MICROSOFT_MOVED
    if "/" not in name and "onbuild" in tag_tokens(ref.tag):
        return "an ONBUILD variant, removed from official images in 2017; use the plain tag and write the steps out"
    return None


# --- what an official image runs, and as whom, when a Dockerfile built FROM it does not say ------

# Official images whose Dockerfile ends with a non-root USER, which images built FROM them inherit.
NONROOT_OFFICIAL_IMAGES = frozenset({"memcached", "haproxy", "elasticsearch", "kibana", "logstash", "sonarqube"})
# Images of other publishers whose Dockerfile ends with a non-root USER (Grafana's 472, the
# Prometheus images' nobody, Jenkins' jenkins, Keycloak's and Elastic's 1000).
_NONROOT_IMAGES = LazyPattern(
    r"^(?:(?:docker\.io/)?(?:grafana/grafana(?:-oss|-enterprise)?|prom/(?:prometheus|alertmanager|node-exporter|pushgateway)"
    r"|jenkins/jenkins)|quay\.io/keycloak/keycloak|docker\.elastic\.co/(?:elasticsearch|kibana|logstash)/[^/]+)$"
)
# Tags and names of images built to run as non-root: distroless :nonroot, .NET chiseled and
# distroless tags, rootless and unprivileged variants (docker:dind-rootless, nginxinc/nginx-unprivileged).
# (A distroless repository alone is not: gcr.io/distroless/static runs as root, its :nonroot tag not.)
_NONROOT_TAGS = ("nonroot", "chiseled", "distroless")
_NONROOT_NAMES = ("rootless", "unprivileged")
# Official images whose ENTRYPOINT starts as root, takes ownership of the data directory and then
# runs the server as its own user with gosu: only when the command is the server (or its options
# alone, ``-c config``), and only while a Dockerfile keeps that ENTRYPOINT.
ROOT_DROPPING_ENTRYPOINTS = {
    "postgres": frozenset({"postgres"}),
    "mysql": frozenset({"mysqld"}),
    "mariadb": frozenset({"mariadbd", "mysqld"}),
    "redis": frozenset({"redis-server"}),
    "mongo": frozenset({"mongod"}),
}

# Environment variables a base image may set, which only the builder sees (it reads the image's
# config): names every image or runtime has, and the conventions images follow for what they
# install (``$JAVA_HOME``, ``$NODE_VERSION``, ``$PHP_INI_DIR``, ``$PGDATA``).
_IMAGE_ENV_NAMES = frozenset(
    "PATH HOME HOSTNAME USER SHELL PWD TERM TZ LANG LANGUAGE LD_LIBRARY_PATH LD_PRELOAD PKG_CONFIG_PATH "
    "MANPATH CLASSPATH PYTHONPATH PYTHONUNBUFFERED PYTHONDONTWRITEBYTECODE GPG_KEY GOPATH GOROOT GOTOOLCHAIN "
    "GOFLAGS CGO_ENABLED GEM_HOME PGDATA PG_MAJOR PG_VERSION CATALINA_HOME CATALINA_BASE VIRTUAL_ENV DEBIAN_FRONTEND "
    "NB_USER NB_UID NB_GID container".split()  # NB_*: the Jupyter images' notebook user
)
_IMAGE_ENV_PATTERN = LazyPattern(
    r"^(?:LC_\w+|XDG_\w+|SSL_CERT_\w+|NVIDIA_\w+|CUDA_\w+|CONDA_\w+|MAMBA_\w+|PIP_\w+|NPM_CONFIG_\w+|BUNDLE_\w+|"
    r"DOTNET_\w+|ASPNETCORE_\w+|APP_UID|PHP_\w+|APACHE_\w+|NGINX_\w+|JAVA_\w+|JDK_\w+|JRE_\w+|MAVEN_\w+|"
    r"GRADLE_\w+|RUST\w*|CARGO_\w+|[A-Z][A-Z0-9]*_(?:VERSION|MAJOR|MINOR|HOME|ROOT|PREFIX|SHA\d*|CHECKSUM|URL|OPTS))$"
)


# Official images whose config sets PATH and nothing else in ENV.
_PATH_ONLY_IMAGES = frozenset({"alpine", "debian", "ubuntu", "busybox"})


def known_env(ref: ImageRef) -> frozenset[str] | None:
    """Every ENV name an image sets, when that is known (the distribution images set only
    PATH); None for the others."""
    return frozenset({"PATH"}) if official_image(ref) in _PATH_ONLY_IMAGES else None


def may_be_image_env(name: str) -> bool:
    """Whether a base image may well set ``name`` in its ENV (so a Dockerfile may use it
    without defining it): ``PATH``, ``JAVA_HOME``, ``NODE_VERSION``, ``LC_ALL``..."""
    return name in _IMAGE_ENV_NAMES or _IMAGE_ENV_PATTERN.match(name) is not None


# Kinds of default command: images that wait for the user's own commands rather than run a service.
SHELL = "a shell"
INTERPRETER = "an interactive interpreter"
BUILD_TOOL = "the build tool"
_DEFAULT_COMMANDS = {
    **dict.fromkeys(
        ("debian", "ubuntu", "alpine", "busybox", "fedora", "centos", "rockylinux", "almalinux", "oraclelinux",
         "amazonlinux", "buildpack-deps", "golang", "rust", "gcc"),
        SHELL,
    ),
    **dict.fromkeys(
        ("python", "pypy", "node", "ruby", "erlang", "elixir", "haskell", "julia", "r-base", "perl"), INTERPRETER
    ),
    **dict.fromkeys(("maven", "gradle"), BUILD_TOOL),
    "httpd": "httpd-foreground",
    "nginx": "nginx",
}  # fmt: skip


# Images of other registries that run as root unless a Dockerfile says otherwise (their non-root
# variants, ``:nonroot`` and ``-chiseled`` tags, are told apart by tag), and set no CMD: a
# Dockerfile built FROM them that sets none gets the shell of the distribution they are built on.
_ROOT_IMAGES_WITHOUT_CMD = LazyPattern(
    r"^(?:mcr\.microsoft\.com/dotnet/(?:core/)?(?:runtime-deps|runtime|aspnet|sdk)|gcr\.io/distroless/.+)$"
)


def runs_as_root_by_default(ref: ImageRef) -> bool:
    """Whether the image, used as it is, runs as root: official Docker Hub images (but those of
    :data:`NONROOT_OFFICIAL_IMAGES`) and the Microsoft and distroless images above."""
    if ref.unresolved or not ref.repository:
        return False  # ``FROM ${BASE}``: any image
    name = official_image(ref)
    if name is not None:
        return name not in NONROOT_OFFICIAL_IMAGES
    written = repository_with_registry(ref)
    return bool(_ROOT_IMAGES_WITHOUT_CMD.match(written.lower()))


# --- the UIDs of the users base images bring ------------------------------------------------------

# Users the official images' own Dockerfiles create, with the UID they give them (in every variant).
_OFFICIAL_IMAGE_USERS = {
    "node": {"node": "1000"},
    "nginx": {"nginx": "101"},
}
# Official images on a distribution whose ``nobody`` is not 65534 (Amazon Linux 2, Oracle Linux 7
# and CentOS 7 give it 99), or not known here.
_OTHER_NOBODY = frozenset({"amazonlinux", "oraclelinux", "centos", "clearlinux", "photon", "mageia", "sl"})
# distroless and Chainguard images: ``nonroot`` 65532 and ``nobody`` 65534 in every one.
_DISTROLESS = LazyPattern(r"^(?:gcr\.io/distroless|cgr\.dev/chainguard)/")
_UBUNTU_WITH_USER = frozenset({"noble", "oracular", "plucky", "questing", "latest", "rolling", "devel"})


def known_uid(ref: ImageRef, user: str) -> str | None:
    """The UID ``user`` has in the image ``ref`` as published (``node`` in ``node:22``: 1000,
    ``nonroot`` in distroless: 65532, ``nobody`` in Debian or Alpine: 65534); None when unknown."""
    if ref.unresolved or not ref.repository:
        return None
    written = repository_with_registry(ref)
    if _DISTROLESS.match(written.lower()):
        return {"nonroot": "65532", "nobody": "65534"}.get(user)
    name = official_image(ref)
    if name is None:
        return None
    tokens = tag_tokens(ref.tag)
    if user in _OFFICIAL_IMAGE_USERS.get(name, {}):
        return _OFFICIAL_IMAGE_USERS[name][user]
    if user == "nobody" and name not in _OTHER_NOBODY:
        return "65534"
    if user == "www-data" and name in ("debian", "ubuntu", "php", "httpd"):
        return "82" if any(t.startswith("alpine") for t in tokens) else "33"  # php's and httpd's Alpine variants add it as 82
    if user == "ubuntu" and name == "ubuntu":
        version = major_minor(ref.tag)  # the images ship the user from 23.04 on
        untagged = not tokens or tokens[0] in _UBUNTU_WITH_USER
        return "1000" if untagged or (version is not None and version >= (23, 4)) else None
    return None


def runs_as_non_root(ref: ImageRef) -> bool:
    """Whether the image, as published, ends with a non-root USER that images built FROM it
    inherit: :data:`NONROOT_OFFICIAL_IMAGES`, the other publishers' images above, a ``nonroot``,
    ``chiseled`` or ``distroless`` tag, a ``rootless`` or ``unprivileged`` image."""
    if ref.unresolved or not ref.repository:
        return False
    tag = (ref.tag or "").lower()
    repository = ref.repository.lower()
    if any(marker in tag for marker in (*_NONROOT_TAGS, *_NONROOT_NAMES)) or any(marker in repository for marker in _NONROOT_NAMES):
        return True
    if official_image(ref) in NONROOT_OFFICIAL_IMAGES:
        return True
    written = repository_with_registry(ref)
    return bool(_NONROOT_IMAGES.match(written.lower()))


def default_command(ref: ImageRef) -> str | None:
    """What an official image runs when the Dockerfile sets no CMD: :data:`SHELL`,
    :data:`INTERPRETER` or :data:`BUILD_TOOL`, or the server program it starts (``php-fpm``,
    ``nginx``); None when not known."""
    name = hub_name(ref)
    tokens = tag_tokens(ref.tag)
    if name is None and ref.registry and _ROOT_IMAGES_WITHOUT_CMD.match(f"{ref.registry}/{ref.repository}".lower()):
        return SHELL if ref.registry == "mcr.microsoft.com" else None  # distroless has no shell
    if name == "php":
        return "php-fpm" if "fpm" in tokens else "apache2-foreground" if "apache" in tokens else INTERPRETER
    if name in ("eclipse-temurin", "openjdk"):
        # A JDK from Java 9 on starts jshell; a JRE (or Java 8) keeps the OS image's shell.
        version = major_minor(ref.tag)
        return INTERPRETER if "jre" not in tokens and version is not None and version[0] >= 9 else SHELL
    return _DEFAULT_COMMANDS.get(name) if name else None


# --- full images where a smaller runtime variant exists -------------------------------------------

_SMALL_TOKENS = ("slim", "alpine", "distroless", "windowsservercore", "nanoserver", "minimal", "jre", "chiseled", "busybox")
_RUNTIME_LANGUAGES = frozenset({"python", "node", "ruby", "perl"})
_TOOLCHAINS = {
    "golang": "a runtime image such as gcr.io/distroless/static, alpine or scratch, copying the binary from a build stage",
    "rust": "a runtime image such as debian:bookworm-slim or gcr.io/distroless/cc, copying the binary from a build stage",
    "maven": "an eclipse-temurin JRE image (eclipse-temurin:<version>-jre), copying the jar from a build stage",
    "gradle": "an eclipse-temurin JRE image (eclipse-temurin:<version>-jre), copying the jar from a build stage",
}


def smaller_variant(ref: ImageRef) -> str | None:
    """A smaller image that can run what this full one runs, or None when it is already small."""
    tokens = tag_tokens(ref.tag)
    name = hub_name(ref)
    # Toolchains stay toolchains in every variant: golang:1.22-alpine still ships the compiler.
    if name in _TOOLCHAINS:
        return _TOOLCHAINS[name]
    if ref.registry == "mcr.microsoft.com" and re.match(r"dotnet/(core/)?sdk$", ref.repository.lower()):
        return f"mcr.microsoft.com/dotnet/aspnet:{ref.tag or '<version>'} (or dotnet/runtime)"
    if name in ("eclipse-temurin", "openjdk"):
        if "jre" in tokens:
            return None
        version = major_minor(ref.tag)
        flavour = "-alpine" if any(t.startswith("alpine") for t in tokens) else ""
        return f"eclipse-temurin:{version[0] if version else '<version>'}-jre{flavour}"
    if any(token.startswith(_SMALL_TOKENS) for token in tokens):
        return None
    if name in _RUNTIME_LANGUAGES:
        return f"{name}:{_with_slim(ref.tag)}"
    return None


def _with_slim(tag: str | None) -> str:
    """``3.12`` -> ``3.12-slim``; ``3.12-bookworm`` -> ``3.12-slim-bookworm``."""
    if not tag or tag == "latest":
        return "slim"
    parts = tag.split("-")
    return "-".join([parts[0], "slim", *parts[1:]])
