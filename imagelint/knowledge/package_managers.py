"""Package managers: the one place that names their programs and knows their command lines.

Every rule that asks "is this an ``apt-get install``?", "where does ``dnf`` keep its cache?" or
"which options of ``pip`` take a value?" asks this module instead of spelling tool names. Each
manager is one :class:`PackageManager` record; named sets (``OS_PACKAGE_MANAGERS``,
``RPM_FRONTENDS``...) and lookups (:func:`manager`, :func:`family_of`) are derived from the
records, so adding a manager (or a new program name for one) is done in ``MANAGERS`` alone.

A field holds only what the rules model: an empty set means "not modelled", not "does not exist"
(``gem uninstall`` exists, yet no rule follows gem removals).

Pure data and tiny lookups, no imports from the rest of imagelint: ``imagelint.shell`` builds its
option table from :data:`VALUE_OPTIONS`.
"""

from __future__ import annotations

import re

from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record

__all__ = [
    "APK", "APT", "APTITUDE", "APT_CACHE", "APT_FRONTENDS", "APT_GET", "BUILD_TOOL_COMMANDS", "BUN", "BUNDLER",
    "CARGO", "COMPOSER", "CONDA", "DNF", "DPKG", "GEM", "GRADLE", "LANGUAGE", "LOW_LEVEL", "LOW_LEVEL_COMMANDS",
    "MANAGERS", "MAVEN", "MICRODNF", "MICROMAMBA", "NODE_PACKAGE_MANAGERS", "NPM", "OS", "OS_PACKAGE_MANAGERS",
    "PACKAGE_INSTALLERS", "PACKAGE_MANAGER_COMMANDS", "PDM", "PIP", "PIPENV", "PIP_INSTALL_VALUE_OPTIONS", "PIP_MODULE", "PNPM",
    "POETRY", "PackageManager", "RPM", "RPM_CACHES", "RPM_FRONTENDS", "RPM_INSTALLERS", "TDNF", "UV",
    "UV_PIP_SUBCOMMAND", "VALUE_OPTIONS", "YARN", "YUM", "ZYPPER", "bare_package_name", "family_commands",
    "family_of", "index_commands", "index_use", "is_pip", "manager", "may_run_pip",
]  # fmt: skip

# Kinds of package manager.
OS = "os"  # installs distribution packages from repositories (apt-get, apk, dnf)
LOW_LEVEL = "low-level"  # installs package files, no repositories (dpkg, rpm)
LANGUAGE = "language"  # a language ecosystem's installer or build tool (pip, npm, cargo)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class PackageManager(Record):
    __slots__ = (
        "commands",
        "family",
        "kind",
        "ecosystem",
        "namespace",
        "value_options",
        "installs",
        "removes",
        "installer",
        "global_options",
        "global_subcommand",
        "virtual_package_options",
        "index",
        "index_updates",
        "index_installs",
        "upgrades_all",
        "prompting",
        "assume_yes_options",
        "non_interactive_options",
        "cache_filling",
        "cache_dirs",
        "cache_clean",
        "no_cache_options",
        "manifests",
        "clean_installs",
        "lockfile_fetches",
        "project_installs",
        "bare_installs",
        "pin_separator",
        "arch_separator",
        "dev_package_suffix",
    )

    def __init__(
        self,
        commands: tuple[str, ...],  # program names that run it, the usual one first: ("pip", "pip3")
        family: str,  # commands of one family share a command line and a cache: "apt", "rpm", "conda"
        kind: str,  # OS, LOW_LEVEL or LANGUAGE
        ecosystem: str | None = None,  # whose dependencies it fetches: "python", "node"...; steps of one share a cache
        namespace: str | None = None,  # where package names come from: apt-get and aptitude both install "deb" names
        value_options: frozenset[str] = frozenset(),  # options that take a separate value (``-o X=1``)
        # Subcommands that install (remove) packages named on the command line into the image itself,
        # not into a project: ``apt-get install curl``, ``npm -g install x``, ``gem install rails``.
        installs: frozenset[str] = frozenset(),
        removes: frozenset[str] = frozenset(),
        # Its installs add packages or tools rather than build a project (pip, npm, gem, conda...;
        # not cargo or gradle): two RUNs of them in a row are one step split in two. OS managers that
        # install are installers without saying so (PACKAGE_INSTALLERS).
        installer: bool = False,
        global_options: tuple[str, ...] = (),  # needed for an install to be system-wide (``npm -g``)
        global_subcommand: str | None = None,  # the same as a subcommand (``yarn global add``)
        virtual_package_options: tuple[str, ...] = (),  # name a group of installed packages (``apk add -t .deps``)
        # The package index: tools with the same ``index`` read one index (apt-get, apt and aptitude).
        index: str | None = None,
        index_updates: frozenset[str] = frozenset(),  # refresh the index: ``apt-get update``, ``dnf makecache``
        index_installs: frozenset[str] = frozenset(),  # install from the index (and so need it fresh)
        upgrades_all: frozenset[str] = frozenset(),  # upgrade every installed package when none is named
        prompting: frozenset[str] = frozenset(),  # ask for confirmation unless told not to
        assume_yes_options: tuple[str, ...] = (),  # answer that confirmation: ``-y``
        non_interactive_options: tuple[str, ...] = (),  # global options that also answer it (``zypper -n``)
        # Caches the tool leaves in a layer, and how to avoid them.
        cache_filling: frozenset[str] = frozenset(),  # subcommands that fill the cache
        cache_dirs: tuple[str, ...] = (),  # where, the one to mount first
        cache_clean: str | None = None,  # the command that empties it, as advice
        no_cache_options: tuple[str, ...] = (),  # keep it from being written at all
        manifests: tuple[str, ...] = (),  # files that list a project's dependencies, a lockfile last
        # Dependency installs of a project (see knowledge.installs.dependency_install).
        clean_installs: frozenset[str] = frozenset(),  # install exactly the lockfile, always (``npm ci``)
        lockfile_fetches: frozenset[str] = frozenset(),  # download from the lockfile alone (``pnpm fetch``)
        project_installs: frozenset[str] = frozenset(),  # install the manifest's dependencies when no package is named
        bare_installs: bool = False,  # the command alone installs them (``yarn``)
        # Package names.
        pin_separator: str | None = None,  # between name and version in a pinned spec: ``curl=8.5.0-2``
        arch_separator: str | None = None,  # before an architecture qualifier: ``gcc:amd64``
        dev_package_suffix: str | None = None,  # packages of headers for compiling: ``libssl-dev``
    ) -> None:
        self.commands = commands
        self.family = family
        self.kind = kind
        self.ecosystem = ecosystem
        self.namespace = namespace
        self.value_options = value_options
        self.installs = installs
        self.removes = removes
        self.installer = installer
        self.global_options = global_options
        self.global_subcommand = global_subcommand
        self.virtual_package_options = virtual_package_options
        self.index = index
        self.index_updates = index_updates
        self.index_installs = index_installs
        self.upgrades_all = upgrades_all
        self.prompting = prompting
        self.assume_yes_options = assume_yes_options
        self.non_interactive_options = non_interactive_options
        self.cache_filling = cache_filling
        self.cache_dirs = cache_dirs
        self.cache_clean = cache_clean
        self.no_cache_options = no_cache_options
        self.manifests = manifests
        self.clean_installs = clean_installs
        self.lockfile_fetches = lockfile_fetches
        self.project_installs = project_installs
        self.bare_installs = bare_installs
        self.pin_separator = pin_separator
        self.arch_separator = arch_separator
        self.dev_package_suffix = dev_package_suffix

    @property
    def name(self) -> str:
        return self.commands[0]

    # Compared and hashed by identity, not field by field: each record is one manager,
    # and rules key dictionaries on managers, where hashing thirty fields each time would cost.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


# --- value-taking options ----------------------------------------------------------------------

_APT_VALUE_OPTIONS = _words("-o --option -t --target-release --default-release -c --config-file -a --host-architecture")
_YUM_VALUE_OPTIONS = _words(
    "-c --config -x --exclude --enablerepo --disablerepo --installroot --releasever --setopt -d "
    "--debuglevel -e --errorlevel --repo --repoid --forcearch --downloaddir --destdir"
)
_PIP_VALUE_OPTIONS = _words(
    "-r --requirement -c --constraint -i --index-url --extra-index-url -f --find-links -t --target "
    "--prefix --root -e --editable --trusted-host --platform --python-version --implementation "
    "--abi --only-binary --no-binary --progress-bar --cache-dir --src --upgrade-strategy --log "
    "--proxy --retries --timeout --cert --client-cert --report --config-settings -C"
)

# --- OS package managers -----------------------------------------------------------------------

_APT_INDEX = dict(
    index="apt",
    index_updates=_words("update"),
    index_installs=_words("install upgrade dist-upgrade build-dep source full-upgrade"),
)
_APT_PACKAGES = dict(namespace="deb", pin_separator="=", arch_separator=":", dev_package_suffix="-dev")
_APT_UPGRADES = _words("upgrade dist-upgrade full-upgrade")
# What apt leaves in a layer is the package lists: the base images' docker-clean hook empties /var/cache/apt.
_APT_LISTS = ("/var/lib/apt/lists",)

APT_GET = PackageManager(
    ("apt-get",), "apt", OS, value_options=_APT_VALUE_OPTIONS,
    installs=_words("install"), removes=_words("remove purge autoremove"), upgrades_all=_APT_UPGRADES,
    prompting=_words("install upgrade dist-upgrade full-upgrade build-dep reinstall"),
    assume_yes_options=("-y", "--yes", "--assume-yes"), cache_dirs=_APT_LISTS,
    **_APT_INDEX, **_APT_PACKAGES,
)  # fmt: skip
APT = PackageManager(
    ("apt",), "apt", OS, value_options=_APT_VALUE_OPTIONS,
    installs=_words("install"), removes=_words("remove purge autoremove"), upgrades_all=_APT_UPGRADES,
    cache_dirs=_APT_LISTS, **_APT_INDEX, **_APT_PACKAGES,
)  # fmt: skip
APTITUDE = PackageManager(
    ("aptitude",), "apt", OS, value_options=_APT_VALUE_OPTIONS,
    installs=_words("install"), removes=_words("remove purge"), cache_dirs=_APT_LISTS,
    **_APT_INDEX, **_APT_PACKAGES,
)  # fmt: skip
APT_CACHE = PackageManager(("apt-cache",), "apt", OS, value_options=_APT_VALUE_OPTIONS)  # queries only
APK = PackageManager(
    ("apk",), "apk", OS, namespace="apk",
    value_options=_words(
        "-X --repository -p --root -t --virtual --repositories-file --keys-dir --arch --cache-dir --cache-max-age"
    ),
    installs=_words("add"), removes=_words("del"), virtual_package_options=("-t", "--virtual"),
    index="apk", index_updates=_words("update"), index_installs=_words("add upgrade fix"),
    upgrades_all=_words("upgrade"), cache_filling=_words("add update upgrade"),
    cache_dirs=("/var/cache/apk", "/etc/apk/cache"), no_cache_options=("--no-cache",),
    pin_separator="=", dev_package_suffix="-dev",
)  # fmt: skip

# yum and its successors share a command line; cache directories differ (yum is dnf on EL8 and later).
_RPM_INDEX = dict(
    index_updates=_words("makecache"),
    index_installs=_words("install update upgrade groupinstall reinstall"),
)
_RPM_PACKAGES = dict(namespace="rpm", pin_separator="-", dev_package_suffix="-devel")
_RPM_PROMPTING = _words(
    "install groupinstall localinstall reinstall update upgrade remove erase downgrade distro-sync autoremove swap "
    "group module builddep upgrade-minimal update-minimal"
)
_RPM_CACHE_FILLING = _words(
    "install groupinstall localinstall reinstall update upgrade makecache distro-sync downgrade builddep group "
    "module swap upgrade-minimal update-minimal"
)
_DNF_UPGRADES = _words("update upgrade distro-sync upgrade-minimal update-minimal")
_RPM_COMMON = dict(value_options=_YUM_VALUE_OPTIONS, cache_filling=_RPM_CACHE_FILLING, **_RPM_INDEX, **_RPM_PACKAGES)

YUM = PackageManager(
    ("yum",), "rpm", OS, index="yum", installs=_words("install groupinstall"),
    removes=_words("remove erase autoremove"), upgrades_all=_DNF_UPGRADES, prompting=_RPM_PROMPTING,
    assume_yes_options=("-y", "--assumeyes"), cache_dirs=("/var/cache/yum", "/var/cache/dnf"),
    cache_clean="yum clean all", **_RPM_COMMON,
)  # fmt: skip
DNF = PackageManager(
    ("dnf",), "rpm", OS, index="dnf", installs=_words("install groupinstall"),
    removes=_words("remove erase autoremove"), upgrades_all=_DNF_UPGRADES, prompting=_RPM_PROMPTING,
    assume_yes_options=("-y", "--assumeyes"), cache_dirs=("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"),
    cache_clean="dnf clean all", **_RPM_COMMON,
)  # fmt: skip
MICRODNF = PackageManager(  # never prompts
    ("microdnf",), "rpm", OS, index="dnf", installs=_words("install"), removes=_words("remove"),
    upgrades_all=_words("update upgrade distro-sync"), cache_dirs=("/var/cache/yum", "/var/cache/dnf"),
    cache_clean="microdnf clean all", **_RPM_COMMON,
)  # fmt: skip
TDNF = PackageManager(
    ("tdnf",), "rpm", OS, index="dnf", installs=_words("install"), removes=_words("remove erase autoremove"),
    upgrades_all=_words("update upgrade distro-sync"), prompting=_RPM_PROMPTING,
    assume_yes_options=("-y", "--assumeyes"), cache_dirs=("/var/cache/tdnf",), cache_clean="tdnf clean all",
    **_RPM_COMMON,
)  # fmt: skip
ZYPPER = PackageManager(
    ("zypper",), "zypper", OS, namespace="rpm",
    value_options=_words("-r --repo -t --type --root -p --plus-repo -R --reposd-dir -C --cache-dir"),
    installs=_words("install in"), removes=_words("remove rm"),
    index="zypper", index_updates=_words("refresh ref"), index_installs=_words("install in update up dist-upgrade dup"),
    upgrades_all=_words("update up dist-upgrade dup patch"),
    prompting=_words("install in remove rm update up dist-upgrade dup patch source-install si install-new-recommends inr"),
    assume_yes_options=("-y", "--no-confirm"), non_interactive_options=("-n", "--non-interactive"),
    cache_filling=_words(
        "install in update up dist-upgrade dup patch refresh ref source-install si install-new-recommends inr"
    ),
    cache_dirs=("/var/cache/zypp",), cache_clean="zypper clean -a", pin_separator="=", dev_package_suffix="-devel",
)  # fmt: skip

# Every cache directory the yum family may fill, in the order findings name them (which tool
# fills which is in each record's ``cache_dirs``).
RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/tdnf")

# --- low-level package tools -------------------------------------------------------------------

DPKG = PackageManager(("dpkg",), "dpkg", LOW_LEVEL, namespace="deb")
RPM = PackageManager(("rpm",), "rpm-file", LOW_LEVEL, namespace="rpm")

# --- language package managers and build tools -------------------------------------------------

_NODE_GLOBAL = ("-g", "--global")

PIP = PackageManager(
    ("pip", "pip3"), "pip", LANGUAGE, ecosystem="python", namespace="pypi", value_options=_PIP_VALUE_OPTIONS,
    installer=True, installs=_words("install"), removes=_words("uninstall"), cache_dirs=("/root/.cache/pip",),
    no_cache_options=("--no-cache-dir",), manifests=("pyproject.toml", "requirements.txt"),
)  # fmt: skip
UV = PackageManager(("uv",), "uv", LANGUAGE, ecosystem="python", manifests=("pyproject.toml", "uv.lock"))
POETRY = PackageManager(("poetry",), "poetry", LANGUAGE, ecosystem="python", manifests=("pyproject.toml", "poetry.lock"))
PIPENV = PackageManager(("pipenv",), "pipenv", LANGUAGE, ecosystem="python", manifests=("Pipfile", "Pipfile.lock"))
PDM = PackageManager(("pdm",), "pdm", LANGUAGE, ecosystem="python", manifests=("pyproject.toml", "pdm.lock"))
CONDA = PackageManager(("conda", "mamba"), "conda", LANGUAGE, ecosystem="conda", installer=True, manifests=("environment.yml",))
# A standalone reimplementation of conda's command line.
MICROMAMBA = PackageManager(
    ("micromamba",), "conda", LANGUAGE, ecosystem="conda", installer=True, manifests=("environment.yml",)
)
NPM = PackageManager(
    ("npm",), "npm", LANGUAGE, ecosystem="node", namespace="npm", installer=True,
    value_options=_words("--prefix -w --workspace --registry --cache --loglevel --omit --include --tag"),
    installs=_words("install i add"), removes=_words("uninstall rm remove un"), global_options=_NODE_GLOBAL,
    # npm accepts abbreviations and misspellings of install (`npm isntall` works).
    cache_filling=_words(
        "install i in ins inst insta instal isnt isnta isntal isntall add ci clean-install ic install-clean "
        "isntall-clean update up upgrade install-ci-test cit it install-test"
    ),
    cache_dirs=("/root/.npm",), cache_clean="npm cache clean --force",
    manifests=("package.json", "package-lock.json"), clean_installs=_words("ci clean-install install-clean"),
    project_installs=_words("install i add isntall"), pin_separator="@",
)  # fmt: skip
YARN = PackageManager(
    ("yarn",), "yarn", LANGUAGE, ecosystem="node", installer=True,
    value_options=_words("--cwd --cache-folder --modules-folder --registry --network-timeout --mutex"),
    global_options=_NODE_GLOBAL, global_subcommand="global", cache_filling=_words("install add"),
    cache_dirs=("/usr/local/share/.cache/yarn", "/root/.cache/yarn"), cache_clean="yarn cache clean",
    manifests=("package.json", "yarn.lock"), project_installs=_words("install"), bare_installs=True,
    pin_separator="@",
)  # fmt: skip
PNPM = PackageManager(
    ("pnpm",), "pnpm", LANGUAGE, ecosystem="node", installer=True, global_options=_NODE_GLOBAL,
    cache_filling=_words("install i add update up upgrade fetch"), cache_dirs=("/root/.local/share/pnpm/store",),
    cache_clean="pnpm store prune", manifests=("package.json", "pnpm-lock.yaml"),
    lockfile_fetches=_words("fetch"), project_installs=_words("install i"), pin_separator="@",
)  # fmt: skip
BUN = PackageManager(
    ("bun",), "bun", LANGUAGE, ecosystem="node", global_options=_NODE_GLOBAL,
    manifests=("package.json", "bun.lock"), project_installs=_words("install i"),
)  # fmt: skip
GEM = PackageManager(
    ("gem",), "gem", LANGUAGE, ecosystem="ruby", namespace="rubygems", installer=True,
    value_options=_words("-v --version -i --install-dir -n --bindir --source -s --platform"),
    installs=_words("install"), pin_separator=":",
)  # fmt: skip
BUNDLER = PackageManager(("bundle",), "bundler", LANGUAGE, ecosystem="ruby", manifests=("Gemfile", "Gemfile.lock"))
COMPOSER = PackageManager(
    ("composer",), "composer", LANGUAGE, ecosystem="php", installer=True, manifests=("composer.json", "composer.lock")
)
CARGO = PackageManager(("cargo",), "cargo", LANGUAGE, ecosystem="rust", manifests=("Cargo.toml", "Cargo.lock"))
MAVEN = PackageManager(("mvn", "mvnw"), "maven", LANGUAGE, ecosystem="jvm", manifests=("pom.xml",))
GRADLE = PackageManager(
    ("gradle", "gradlew"), "gradle", LANGUAGE, ecosystem="jvm", manifests=("build.gradle", "settings.gradle", "gradle/")
)

# ``go``, ``dotnet`` and ``mix`` fetch dependencies too, but as subcommands of a compiler: they are
# toolchains, not package managers, and knowledge.installs handles them itself.

MANAGERS: tuple[PackageManager, ...] = (
    APT_GET, APT, APT_CACHE, APTITUDE, APK, YUM, DNF, MICRODNF, TDNF, ZYPPER, DPKG, RPM,
    PIP, UV, POETRY, PIPENV, PDM, CONDA, MICROMAMBA, NPM, YARN, PNPM, BUN, GEM, BUNDLER, COMPOSER, CARGO, MAVEN, GRADLE,
)  # fmt: skip

# --- lookups -----------------------------------------------------------------------------------

_BY_COMMAND: dict[str, PackageManager] = {command: m for m in MANAGERS for command in m.commands}


def _commands(*managers: PackageManager) -> frozenset[str]:
    return frozenset(command for m in managers for command in m.commands)


# Every program name of every package manager.
PACKAGE_MANAGER_COMMANDS = frozenset(_BY_COMMAND)
# OS package managers that install from repositories: apt-get, apk, dnf, zypper... (not apt-cache).
OS_PACKAGE_MANAGERS = _commands(*(m for m in MANAGERS if m.kind == OS and m.installs))
# The apt tools that install packages (apt-get, apt, aptitude).
APT_FRONTENDS = _commands(*(m for m in MANAGERS if m.family == APT_GET.family and m.installs))
# yum and its successors, which share one command line (zypper, also for RPMs, has its own).
RPM_FRONTENDS = _commands(*(m for m in MANAGERS if m.family == YUM.family))
# Every OS package manager that installs RPMs from repositories: the yum family and zypper.
RPM_INSTALLERS = _commands(*(m for m in MANAGERS if m.kind == OS and m.namespace == RPM.namespace))
# dpkg and rpm: install package files, without repositories.
LOW_LEVEL_COMMANDS = _commands(*(m for m in MANAGERS if m.kind == LOW_LEVEL))
# npm, yarn, pnpm: the node package managers whose caches, pins and settings the rules know (not bun).
NODE_PACKAGE_MANAGERS = _commands(NPM, YARN, PNPM)
# Package managers whose RUNs install packages or tools: the OS installers and the language ones
# marked ``installer`` (build tools such as cargo or gradle are not).
PACKAGE_INSTALLERS: frozenset[PackageManager] = frozenset(m for m in MANAGERS if (m.kind == OS and m.installs) or m.installer)
# Package managers that compile the project they install for (``cargo build``, ``mvn package``).
BUILD_TOOL_COMMANDS = _commands(CARGO, MAVEN, GRADLE)

# pip's value-taking options beyond the common ones of VALUE_OPTIONS, for rules that read a whole
# ``pip install`` command line.
PIP_INSTALL_VALUE_OPTIONS = PIP.value_options | _words(
    "--global-option --install-option --build-option --log-file --exists-action --python --use-feature "
    "--use-deprecated --keyring-provider --group --root-user-action -b --build --config-setting"
)

# Options that take a separate value, per program: the package-manager rows of
# imagelint.shell's KNOWN_VALUE_OPTIONS.
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    command: m.value_options for m in MANAGERS if m.value_options for command in m.commands
}


def manager(command_name: str) -> PackageManager | None:
    """The package manager a program name runs (``pip3`` -> PIP), or None."""
    return _BY_COMMAND.get(command_name)


def family_commands(family: str) -> frozenset[str]:
    """Every program of a family: ``"rpm"`` -> yum, dnf, microdnf, tdnf."""
    return _commands(*(m for m in MANAGERS if m.family == family))


def family_of(command_name: str) -> str | None:
    """The family of a package-manager program (``microdnf`` -> ``"rpm"``), or None."""
    found = _BY_COMMAND.get(command_name)
    return found.family if found is not None else None


def index_use(command_name: str, subcommand: str | None) -> tuple[str, str] | None:
    """(index, ``"update"`` or ``"install"``) for a package-index refresh (``apt-get update``,
    ``dnf makecache``) or an install from the index (``apk add``); tools sharing an index give the same one."""
    found = _BY_COMMAND.get(command_name)
    if found is None or found.index is None:
        return None
    if subcommand in found.index_updates:
        return found.index, "update"
    if subcommand in found.index_installs:
        return found.index, "install"
    return None


def index_commands(index: str) -> frozenset[str]:
    """Every program that reads a package index (:func:`index_use`'s first value): ``"apt"`` ->
    apt-get, apt, aptitude."""
    return _commands(*(m for m in MANAGERS if m.index == index))


# ``python -m pip`` runs pip as a module; ``uv pip install`` is uv's pip-compatible interface.
PIP_MODULE = "pip"
UV_PIP_SUBCOMMAND = "pip"

_PIP_PROGRAM = re.compile(r"^pip(?:\d+(?:\.\d+)*)?$")
_PIP_RUNNER_PREFIXES = ("pip", "python")  # pip itself, or an interpreter running ``-m pip``


def is_pip(command_name: str) -> bool:
    """``pip``, ``pip3``, ``pip3.12``."""
    return _PIP_PROGRAM.match(command_name) is not None


def may_run_pip(command_name: str) -> bool:
    """A cheap first test: pip itself or a python interpreter (which may run ``-m pip``)."""
    return command_name.startswith(_PIP_RUNNER_PREFIXES)


_PYPI_VERSION = LazyPattern(r"[<>=!~;@\[].*$")
_APK_VERSION = LazyPattern(r"[=<>~]")


def bare_package_name(namespace: str, spec: str) -> str:
    """A package spec without its version, release or qualifiers, as a later removal names it:
    ``curl=8.5.0-2`` -> ``curl``, ``gcc:amd64`` -> ``gcc``, ``Flask_Login>=1`` -> ``flask-login``."""
    if namespace == "deb":
        return spec.split("=", 1)[0].split("/", 1)[0].split(":", 1)[0]
    if namespace == "apk":
        return _APK_VERSION.split(spec, maxsplit=1)[0]
    if namespace == "pypi":
        return _PYPI_VERSION.sub("", spec).lower().replace("_", "-")
    if namespace == "npm" and spec.startswith("@"):
        return "@" + spec[1:].split("@", 1)[0]
    if namespace == "npm":
        return spec.split("@", 1)[0]
    return spec
