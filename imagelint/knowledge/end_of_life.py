"""End-of-life releases of the common base images, for IL5006.

A dated snapshot, **checked on** :data:`CHECKED_ON`: every date comes from the project's own
published lifecycle (the same dates endoflife.date lists), named above each table: python.org
PEP 602 and the release PEPs, nodejs/Release, ruby-lang.org, php.net supported versions, the Go
release policy (two newest minors), the .NET support policy, Eclipse Adoptium's support roadmap,
erlang.org, elixir-lang.org, postgresql.org versioning, Oracle MySQL lifetime support,
mariadb.org maintenance policy, MongoDB lifecycles, tomcat.apache.org, alpinelinux.org
releases, the Debian LTS wiki, the Ubuntu release cycle, the Fedora schedule and the Amazon
Linux FAQ. A release whose end is announced but whose date is not confirmed here is left out.
tests/knowledge/test_end_of_life.py fails once the table is more than six months old: check the
dates again, add the releases that ended since, and move CHECKED_ON.
"""

from __future__ import annotations

import re

from imagelint.dockerfile import ImageRef
from imagelint.knowledge.base_images import hub_name, major_minor, tag_tokens
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record

CHECKED_ON = "2026-12-02"


class EndOfLife(Record):
    __slots__ = ("what", "since", "advice")

    def __init__(
        self,
        what: str,  # "Python 3.8"
        since: str,  # "2024-10-07", or a phrase such as "before 2022"
        advice: str,  # "a supported python tag such as python:3.13-slim"
    ) -> None:
        self.what = what
        self.since = since
        self.advice = advice

    @property
    def when(self) -> str:
        return f"since {self.since}" if self.since[:1].isdigit() else self.since


# --- language runtimes: Docker Hub official images, keyed by major[.minor] -------------------------

# (major, minor) -> EOL date. A minor of None stands for the whole major line.
_PYTHON = {
    (2, None): "2020-01-01", (3, 0): "2009-06-27", (3, 1): "2012-04-09", (3, 2): "2016-02-20",
    (3, 3): "2017-09-29", (3, 4): "2019-03-18", (3, 5): "2020-09-13", (3, 6): "2021-12-23",
    (3, 7): "2023-06-27", (3, 8): "2024-10-07", (3, 9): "2025-10-31", (3, 10): "2026-10-31",
}  # fmt: skip
_NODE = {
    0: "2016-12-31", 4: "2018-04-30", 5: "2016-06-30", 6: "2019-04-30", 7: "2017-06-30", 8: "2019-12-31",
    9: "2018-06-30", 10: "2021-04-30", 11: "2019-06-01", 12: "2022-04-30", 13: "2020-06-01",
    14: "2023-04-30", 15: "2021-06-01", 16: "2023-09-11", 17: "2022-06-01", 18: "2025-04-30",
    19: "2023-06-01", 20: "2026-04-30", 21: "2024-06-01", 23: "2025-06-01", 25: "2026-06-01",
}  # fmt: skip
# Node LTS codenames are tags too (node:hydrogen-slim is Node 18).
_NODE_CODENAMES = {
    "argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16,
    "hydrogen": 18, "iron": 20,
}  # fmt: skip
_RUBY = {
    (1, None): "2015-02-23", (2, 0): "2016-02-24", (2, 1): "2017-03-31", (2, 2): "2018-03-31",
    (2, 3): "2019-03-31", (2, 4): "2020-03-31", (2, 5): "2021-03-31", (2, 6): "2022-04-12",
    (2, 7): "2023-03-31", (3, 0): "2024-04-23", (3, 1): "2025-03-26", (3, 2): "2026-03-31",
}  # fmt: skip
_PHP = {
    (5, None): "2018-12-31", (7, 0): "2019-01-10", (7, 1): "2019-12-01", (7, 2): "2020-11-30",
    (7, 3): "2021-12-06", (7, 4): "2022-11-28", (8, 0): "2023-11-26", (8, 1): "2025-12-31",
}  # fmt: skip
# Go supports the two newest minor releases (February and August each year).
_GOLANG = {
    18: "2023-02-01", 19: "2023-08-08", 20: "2024-02-06", 21: "2024-08-13", 22: "2025-02-11",
    23: "2025-08-12", 24: "2026-02-10", 25: "2026-08-11",
}  # fmt: skip
# .NET: 8 (LTS) and 9 (STS, extended to 24 months) both ended on 2026-11-10.
_DOTNET = {
    1: "2019-06-27", 2: "2021-08-21", 3: "2022-12-13", 5: "2022-05-10", 6: "2024-11-12",
    7: "2024-05-14", 8: "2026-11-10", 9: "2026-11-10",
}  # fmt: skip
# Eclipse Temurin feature releases that are not LTS get updates for six months only.
_TEMURIN_LTS = frozenset({8, 11, 17, 21, 25})
_TEMURIN_LATEST = 27
# Erlang/OTP: the OTP team maintains the three newest major releases, so release N ends when N+3
# ships (release dates: erlang.org downloads). OTP 26 ends with OTP 29, not listed until its date is.
_ERLANG = {
    17: "2017-06-21", 18: "2018-06-19", 19: "2019-05-14", 20: "2020-05-13", 21: "2021-05-12",
    22: "2022-05-18", 23: "2023-05-16", 24: "2024-05-20", 25: "2025-05-21",
}  # fmt: skip
# Elixir: security fixes for the five newest minor branches, so 1.N ends when 1.N+5 ships
# (release dates: elixir-lang.org). 1.14 ends with 1.19, not listed until its date is.
_ELIXIR = {
    (1, 5): "2020-01-27", (1, 6): "2020-10-06", (1, 7): "2021-05-19", (1, 8): "2021-12-03",
    (1, 9): "2022-09-01", (1, 10): "2023-06-19", (1, 11): "2023-12-22", (1, 12): "2024-06-12",
    (1, 13): "2024-12-19",
}  # fmt: skip
# Java releases Eclipse Adoptium (and every other OpenJDK build) supports for years; the others
# get updates until the next release, six months later.
_JAVA_LTS = _TEMURIN_LTS
# Official images that carry a JDK and name its version in the tag: gradle:8.10-jdk23,
# maven:3.9-eclipse-temurin-24, tomcat:10.1-jre19, jruby:9.4-jdk22, flink:1.17-java11.
_JAVA_TAGGED_IMAGES = frozenset({"gradle", "maven", "tomcat", "jetty", "clojure", "groovy", "jruby", "flink", "storm"})
_JDK_TAG = LazyPattern(r"^(?:jdk|jre|java)(\d+)$")
_JDK_DISTRIBUTIONS = frozenset(
    {"temurin", "openjdk", "corretto", "amazoncorretto", "sapmachine", "semeru", "liberica", "zulu", "graalvm"}
)

# Gradle: the current major release and the one before it get fixes, so major N ends when N+2
# ships (gradle.org feature lifecycle; release dates: gradle.org/releases).
_GRADLE = {(4, None): "2019-11-08", (5, None): "2021-04-09", (6, None): "2023-02-13", (7, None): "2025-07-31"}

# --- servers: Docker Hub official images, keyed by major[.minor] ----------------------------------

# PostgreSQL: five years per major (postgresql.org/support/versioning, "final release").
_POSTGRES = {
    (9, 3): "2018-11-08", (9, 4): "2020-02-13", (9, 5): "2021-02-11", (9, 6): "2021-11-11",
    (10, None): "2022-11-10", (11, None): "2023-11-09", (12, None): "2024-11-21", (13, None): "2025-11-13",
    (14, None): "2026-11-12",
}  # fmt: skip
# MySQL: Oracle's lifetime support (end of extended support) for the LTS-style lines; the short
# "innovation" releases (8.1-8.3, 9.x but the LTS ones) are not listed.
_MYSQL = {(5, 5): "2018-12-31", (5, 6): "2021-02-28", (5, 7): "2023-10-31", (8, 0): "2026-04-30"}
# MariaDB: end of community maintenance of the long-term releases (mariadb.org maintenance policy).
_MARIADB = {
    (10, 2): "2022-05-23", (10, 3): "2023-05-25", (10, 4): "2024-06-18", (10, 5): "2025-06-24",
    (10, 6): "2026-07-06",
}  # fmt: skip
# MongoDB: end of life per major release (mongodb.com legal/support-policy/lifecycles).
_MONGO = {
    (3, 6): "2021-04-30", (4, 0): "2022-04-30", (4, 2): "2023-04-30", (4, 4): "2024-02-29",
    (5, 0): "2024-10-31", (6, 0): "2025-07-31",
}  # fmt: skip
# Apache Tomcat: end of support announced per line (tomcat.apache.org "End of life" pages); the
# whole 8 line ends with 8.5.
_TOMCAT = {
    (6, None): "2016-12-31", (7, None): "2021-03-31", (8, 0): "2018-06-30", (8, 5): "2024-03-31",
    (8, None): "2024-03-31", (10, 0): "2022-10-31",
}  # fmt: skip

# --- operating systems: repositories and the codename/version tokens other images put in tags ----

_ALPINE = {
    (3, 12): "2022-05-01", (3, 13): "2022-11-01", (3, 14): "2023-05-01", (3, 15): "2023-11-01",
    (3, 16): "2024-05-23", (3, 17): "2024-11-22", (3, 18): "2025-05-09", (3, 19): "2025-11-01",
    (3, 20): "2026-04-01", (3, 21): "2026-11-01",
}  # fmt: skip
_ALPINE_OLDEST_TRACKED = (3, 12)
# Debian: end of LTS (the free extended support). Bookworm (12) is in LTS until 2028-06-30.
_DEBIAN = {
    "wheezy": (7, "2018-05-31"), "jessie": (8, "2020-06-30"), "stretch": (9, "2022-06-30"),
    "buster": (10, "2024-06-30"), "bullseye": (11, "2026-08-31"),
}  # fmt: skip
# Ubuntu: end of standard support. LTS: five years; interim releases: nine months.
_UBUNTU = {
    "trusty": ("14.04", "2019-04-30"), "xenial": ("16.04", "2021-04-30"), "bionic": ("18.04", "2023-05-31"),
    "cosmic": ("18.10", "2019-07-18"), "disco": ("19.04", "2020-01-23"), "eoan": ("19.10", "2020-07-17"),
    "focal": ("20.04", "2025-05-31"), "groovy": ("20.10", "2021-07-22"), "hirsute": ("21.04", "2022-01-20"),
    "impish": ("21.10", "2022-07-14"), "kinetic": ("22.10", "2023-07-20"), "lunar": ("23.04", "2024-01-25"),
    "mantic": ("23.10", "2024-07-11"), "oracular": ("24.10", "2025-07-10"), "plucky": ("25.04", "2026-01-15"),
    "questing": ("25.10", "2026-07-09"),
}  # fmt: skip
_UBUNTU_BY_VERSION = {version: (name, since) for name, (version, since) in _UBUNTU.items()}
_CENTOS = {"6": "2020-11-30", "7": "2024-06-30", "8": "2021-12-31"}
_CENTOS_STREAM = {"8": "2024-05-31"}
_FEDORA = {n: d for n, d in [(36, "2023-05-16"), (37, "2023-12-05"), (38, "2024-05-21"), (39, "2024-11-26"), (40, "2025-05-13"), (41, "2025-12-15"), (42, "2026-05-13")]}
_AMAZONLINUX = {"1": "2023-12-31", "2018.03": "2023-12-31", "2": "2026-06-30"}


def _versioned(table: dict, version: tuple[int, int | None] | None) -> str | None:
    if version is None:
        return None
    major, minor = version
    if (major, None) in table:
        return table[(major, None)]
    if minor is None:
        return None  # `python:3` follows the newest 3.x
    return table.get((major, minor))


def end_of_life(ref: ImageRef) -> EndOfLife | None:
    """The end of life a base image reference has reached, if any (as of the table's date)."""
    name = hub_name(ref)
    tag = ref.tag
    tokens = tag_tokens(tag)
    version = major_minor(tag)

    if name == "python" and (since := _versioned(_PYTHON, version)):
        return EndOfLife(f"Python {_dotted(version)}", since, "a supported python tag such as python:3.13-slim")
    if name == "node":
        major = version[0] if version else next((_NODE_CODENAMES[t] for t in tokens if t in _NODE_CODENAMES), None)
        if major is not None and major in _NODE:
            label = f"Node.js {major}" if major else f"Node.js 0.{version[1] if version and version[1] is not None else 'x'}"
            return EndOfLife(label, _NODE[major], "an active LTS line such as node:22 or node:24")
    if name == "ruby" and (since := _versioned(_RUBY, version)):
        return EndOfLife(f"Ruby {_dotted(version)}", since, "a supported ruby tag such as ruby:3.4-slim")
    if name == "php" and (since := _versioned(_PHP, version)):
        return EndOfLife(f"PHP {_dotted(version)}", since, "a supported php tag such as php:8.4")
    if name == "golang" and version and version[0] == 1 and version[1] in _GOLANG:
        return EndOfLife(f"Go 1.{version[1]}", _GOLANG[version[1]], "one of the two newest Go releases")
    if _is_dotnet(ref) and version and version[0] in _DOTNET:
        return EndOfLife(f".NET {version[0]}", _DOTNET[version[0]], "a supported .NET tag such as 10.0")
    if name == "eclipse-temurin" and version and version[0] < _TEMURIN_LATEST and version[0] not in _TEMURIN_LTS:
        return EndOfLife(f"Java {version[0]} (not an LTS release)", "when the next Java release shipped", "an LTS tag such as eclipse-temurin:21 or :25")
    if name in _SERVICES and (found := _service(name, version)):
        return found
    if name == "erlang" and version and version[0] in _ERLANG:
        return EndOfLife(f"Erlang/OTP {version[0]}", _ERLANG[version[0]], "one of the three newest OTP releases such as erlang:28")
    if name == "elixir" and (found := _elixir(version, tokens)):
        return found
    if name in _JAVA_TAGGED_IMAGES and (found := _java_variant(name, tokens)):
        return found
    if name == "centos" or (ref.registry == "quay.io" and ref.repository == "centos/centos"):
        return _centos(ref, tokens)
    if name == "fedora" and version and version[1] is None and version[0] in _FEDORA:
        return EndOfLife(f"Fedora {version[0]}", _FEDORA[version[0]], "a supported Fedora release")
    if name == "amazonlinux" and tag:
        key = "2018.03" if tag.startswith("2018.03") else tag.split(".")[0].split("-")[0]
        if key in _AMAZONLINUX:
            return EndOfLife(f"Amazon Linux {key}", _AMAZONLINUX[key], "amazonlinux:2023")
    if re.search(r"(^|/)ubi7(/|-|$)", ref.repository):
        return EndOfLife("Red Hat UBI 7 (RHEL 7)", "2024-06-30", "ubi9")
    if name == "alpine" and version and version[0] == 3:
        found = _alpine(version)
        if found:
            return found
    if name in ("debian", "ubuntu") and version:
        found = _os_version(name, tag or "")
        if found:
            return found
    return _os_token(tokens)


# name -> (what to call it, its table, advice)
_SERVICES = {
    "postgres": ("PostgreSQL", _POSTGRES, "a supported postgres tag such as postgres:17"),
    "mysql": ("MySQL", _MYSQL, "mysql:8.4 (the LTS line)"),
    "mariadb": ("MariaDB", _MARIADB, "mariadb:11.4 (a long-term release)"),
    "mongo": ("MongoDB", _MONGO, "a supported mongo tag such as mongo:8.0"),
    "tomcat": ("Apache Tomcat", _TOMCAT, "tomcat:10.1 or tomcat:11.0"),
    "gradle": ("Gradle", _GRADLE, "a gradle tag of the current major release, such as gradle:9-jdk21"),
}


def _service(name: str, version: tuple[int, int | None] | None) -> EndOfLife | None:
    """A server image's release line, matched exactly (``postgres:9.6``, ``tomcat:8.5``) or as
    a whole major line (``postgres:13``, ``tomcat:8``); ``mysql:8`` follows 8.4 and is not one."""
    if version is None:
        return None
    label, table, advice = _SERVICES[name]
    key = version if version in table else (version[0], None)
    return EndOfLife(f"{label} {_dotted(key)}", table[key], advice) if key in table else None


def _elixir(version: tuple[int, int | None] | None, tokens: list[str]) -> EndOfLife | None:
    """``elixir:1.13`` itself, or the Erlang/OTP it runs on (``elixir:1.16-otp-24-alpine``)."""
    if version is not None and version in _ELIXIR:
        return EndOfLife(f"Elixir {_dotted(version)}", _ELIXIR[version], "one of the five newest Elixir releases such as elixir:1.18")
    for previous, token in zip(tokens, tokens[1:]):
        if previous == "otp" and token.isdigit() and int(token) in _ERLANG:
            return EndOfLife(f"Erlang/OTP {token}", _ERLANG[int(token)], "an elixir tag on a supported OTP release")
    return None


def _java_variant(name: str, tokens: list[str]) -> EndOfLife | None:
    """The JDK a tool image's tag names, when it is a release that is not LTS and a newer one
    has shipped: ``gradle:8.10-jdk23``, ``maven:3.9-eclipse-temurin-24``, ``tomcat:9.0-jre19``."""
    for previous, token in zip(["", *tokens], tokens):
        match = _JDK_TAG.match(token)
        major = int(match.group(1)) if match else int(token) if previous in _JDK_DISTRIBUTIONS and token.isdigit() else None
        if major is not None and 8 < major < _TEMURIN_LATEST and major not in _JAVA_LTS:
            return EndOfLife(
                f"Java {major} (not an LTS release) in a {name} image",
                "when the next Java release shipped",
                f"a {name} tag with an LTS JDK such as jdk21 or jdk25",
            )
    return None


def _dotted(version: tuple[int, int | None] | None) -> str:
    if version is None:
        return ""
    return f"{version[0]}" if version[1] is None else f"{version[0]}.{version[1]}"


def _is_dotnet(ref: ImageRef) -> bool:
    repository = ref.repository.lower()
    if ref.registry == "mcr.microsoft.com":
        # The runtime images only: dotnet/monitor and friends have versions of their own.
        return bool(re.fullmatch(r"dotnet/(core/|nightly/)?(sdk|aspnet|runtime|runtime-deps)", repository))
    return hub_name(ref) in ("microsoft/dotnet", "microsoft/aspnetcore", "microsoft/aspnetcore-build")


def _centos(ref: ImageRef, tokens: list[str]) -> EndOfLife | None:
    tag = (ref.tag or "latest").lower()
    if tag.startswith("stream"):
        stream = tag.removeprefix("stream").split("-")[0]
        since = _CENTOS_STREAM.get(stream)
        return EndOfLife(f"CentOS Stream {stream}", since, "quay.io/centos/centos:stream9 or a RHEL rebuild (rockylinux, almalinux)") if since else None
    major = tag.split(".")[0].removeprefix("centos")
    since = _CENTOS.get(major, "2024-06-30")  # `centos`/`centos:latest` is CentOS 8, and every line has ended
    label = f"CentOS Linux {major}" if major in _CENTOS else "CentOS Linux"
    return EndOfLife(label, since, "rockylinux, almalinux or quay.io/centos/centos:stream9")


def _alpine(version: tuple[int, int | None]) -> EndOfLife | None:
    minor = version[1]
    if minor is None:
        return None
    if (3, minor) in _ALPINE:
        return EndOfLife(f"Alpine 3.{minor}", _ALPINE[(3, minor)], "a supported alpine tag such as alpine:3.22")
    if (3, minor) < _ALPINE_OLDEST_TRACKED:
        return EndOfLife(f"Alpine 3.{minor}", "before 2022", "a supported alpine tag such as alpine:3.22")
    return None


def _os_version(name: str, tag: str) -> EndOfLife | None:
    if name == "debian":
        major = major_minor(tag)
        for codename, (number, since) in _DEBIAN.items():
            if major and major[0] == number:
                return EndOfLife(f"Debian {number} ({codename})", since, "debian:bookworm-slim or debian:trixie-slim")
        return None
    match = re.match(r"^(\d\d\.\d\d)", tag)
    if match and match.group(1) in _UBUNTU_BY_VERSION:
        codename, since = _UBUNTU_BY_VERSION[match.group(1)]
        return EndOfLife(f"Ubuntu {match.group(1)} ({codename})", since, "ubuntu:24.04")
    if match and match.group(1) < "14.04":
        return EndOfLife(f"Ubuntu {match.group(1)}", "before 2019", "ubuntu:24.04")
    return None


def _os_token(tokens: list[str]) -> EndOfLife | None:
    """Operating-system codenames inside any image's tag: ``python:3.11-slim-buster``, ``...-ubuntu20.04``."""
    for token in tokens:
        if token in _DEBIAN:
            number, since = _DEBIAN[token]
            return EndOfLife(f"Debian {number} ({token})", since, "a bookworm or trixie variant of the image")
        if token in _UBUNTU:
            version, since = _UBUNTU[token]
            return EndOfLife(f"Ubuntu {version} ({token})", since, "a variant based on a supported Ubuntu LTS")
        match = re.fullmatch(r"alpine(3)\.(\d+)", token)
        if match:
            found = _alpine((3, int(match.group(2))))
            if found:
                return EndOfLife(found.what, found.since, "a variant based on a supported Alpine release")
        match = re.fullmatch(r"ubuntu(\d\d\.\d\d)", token)
        if match and match.group(1) in _UBUNTU_BY_VERSION:
            codename, since = _UBUNTU_BY_VERSION[match.group(1)]
            return EndOfLife(f"Ubuntu {match.group(1)} ({codename})", since, "a variant based on a supported Ubuntu LTS")
        match = re.fullmatch(r"centos(\d)", token)
        if match and match.group(1) in _CENTOS:
            return EndOfLife(f"CentOS Linux {match.group(1)}", _CENTOS[match.group(1)], "a variant based on a supported distribution")
    return None
