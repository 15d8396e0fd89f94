"""What a shell command installs, fetches or removes, for the cache-order and layer-merging rules.

:func:`pip_command` (is this pip, and which words are pip's?) serves every family. Three more
questions, answered from the shell model (never from the RUN text):

* :func:`dependency_install` — does the command install a project's dependencies from its
  manifest (``npm ci``, ``pip install -r requirements.txt``, ``go mod download``), or build it in a
  way that downloads them (``go build``, ``cargo build``, ``mvn package``)? Which files must be
  copied first so that step is cached until the dependencies change?
* :func:`named_install` / :func:`package_removal` — which packages, named on the command line, a
  package manager installs or removes (``apt-get install -y curl``, ``apk del .build-deps``).
* :func:`download_target` — the file a ``curl``/``wget`` writes.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from imagelint.shell import Command

_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)*)?$")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)*)?$")


def pip_command(command: Command, name: str | None = None) -> Command | None:
    """The pip part of ``pip3 install ...``, ``python3 -m pip install ...`` or ``python -I -mpip ...``
    (``name``: the command's name, when the caller has it already)."""
    name = command.name if name is None else name
    if not name.startswith(("pip", "python")):
        return None
    if _PIP.match(name):
        return command
    if not _PYTHON.match(name):
        return None
    words = command.words
    for i in range(1, len(words) - 1):
        value = words[i].value
        if value == "-m" and words[i + 1].value == "pip":
            return replace(command, words=words[i + 1 :])
        if value == "-mpip":
            return replace(command, words=words[i:])
        if not value.startswith("-"):
            return None  # ``python script.py -m pip`` runs a script
    return None


def _is_local_path(arg: str) -> bool:
    """A positional that names a file or directory rather than a package: ``.``, ``./x``, ``/x.whl``."""
    return arg in (".", "..") or arg.startswith(("./", "../", "/", ".[", "~")) or arg.endswith(
        (".whl", ".tar.gz", ".zip", ".deb", ".rpm", ".apk", ".gem", ".tgz")
    )


# --- dependency installs --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DependencyInstall:
    command: Command
    tool: str  # how to name it in a message: "npm ci", "pip install -r requirements.txt"
    ecosystem: str  # "node", "python", "go"... steps of one ecosystem share a dependency cache
    manifests: tuple[str, ...]  # what to COPY before it
    kind: str  # "manifest": installs what a manifest lists; "project": installs the project
    # itself (its dependencies with it); "build": compiles, downloading dependencies on the way


_NODE_LOCKS = {
    "npm": ("package.json", "package-lock.json"),
    "yarn": ("package.json", "yarn.lock"),
    "pnpm": ("package.json", "pnpm-lock.yaml"),
    "bun": ("package.json", "bun.lock"),
}
_JVM_OFFLINE = ("-o", "--offline")


def dependency_install(command: Command) -> DependencyInstall | None:
    """The dependency install (or dependency-downloading build) a command runs, if any."""
    name = command.name
    if name not in DEPENDENCY_TOOLS and not name.startswith(("pip", "python")):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        return _pip_install(command, pip)
    handler = _HANDLERS.get(name) or (_gradle if name in ("gradle", "gradlew") else None)
    if handler is None and name in ("mvn", "mvnw"):
        handler = _maven
    return handler(command, command.subcommand()) if handler else None


def _install(command: Command, tool: str, ecosystem: str, manifests: tuple[str, ...], kind: str = "manifest") -> DependencyInstall:
    return DependencyInstall(command, tool, ecosystem, manifests, kind)


def _pip_install(command: Command, pip: Command) -> DependencyInstall | None:
    sub = pip.subcommand()
    if sub not in ("install", "download", "wheel"):
        return None
    requirements = pip.option_values("-r", "--requirement")
    if requirements:
        names = tuple(dict.fromkeys(requirements))
        return _install(command, f"pip {sub} -r {' '.join(names)}", "python", names)
    editable = pip.option_values("-e", "--editable")
    local = [a for a in pip.positionals()[1:] if _is_local_path(a) and not a.endswith(".whl")] + [
        e for e in editable if _is_local_path(e)
    ]
    if local and sub == "install":
        if pip.has_option("--no-deps"):
            return None  # installs only the project, on top of dependencies installed earlier
        return _install(command, f"pip install {local[0]}", "python", ("pyproject.toml", "requirements.txt"), "project")
    return None


def _uv(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "sync":
        return _install(command, "uv sync", "python", ("pyproject.toml", "uv.lock"))
    if sub == "pip":
        positionals = command.positionals(("-r", "--requirement", "-c", "--constraint", "-p", "--python"))
        verb = positionals[1] if len(positionals) > 1 else None
        requirements = command.option_values("-r", "--requirement", value_options=("-r", "--requirement"))
        if verb == "sync" and len(positionals) > 2:
            requirements.append(positionals[2])
        if verb in ("install", "sync") and requirements:
            names = tuple(dict.fromkeys(requirements))
            return _install(command, f"uv pip {verb} -r {' '.join(names)}", "python", names)
        if verb == "install" and any(_is_local_path(a) for a in positionals[2:]) and not command.has_option("--no-deps"):
            return _install(command, "uv pip install .", "python", ("pyproject.toml", "uv.lock"), "project")
    return None


def _poetry(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "install" and not command.has_option("--only-root"):
        return _install(command, "poetry install", "python", ("pyproject.toml", "poetry.lock"))
    return None


def _pipenv(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "sync" or (sub == "install" and len(command.positionals()) == 1):
        return _install(command, f"pipenv {sub}", "python", ("Pipfile", "Pipfile.lock"))
    return None


def _pdm(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub in ("install", "sync"):
        return _install(command, f"pdm {sub}", "python", ("pyproject.toml", "pdm.lock"))
    return None


def _conda(command: Command, sub: str | None) -> DependencyInstall | None:
    positionals = command.positionals(("-f", "--file", "-n", "--name", "-p", "--prefix", "-c", "--channel"))
    files = command.option_values("-f", "--file", value_options=("-f", "--file", "-n", "--name", "-p", "--prefix", "-c", "--channel"))
    if positionals[:2] in (["env", "create"], ["env", "update"]) or (sub in ("install", "create", "update") and files):
        names = tuple(files) or ("environment.yml",)
        return _install(command, f"{command.name} {' '.join(positionals[:2])} -f {names[0]}", "conda", names)
    return None


def _node(command: Command, sub: str | None) -> DependencyInstall | None:
    name = command.name
    if command.has_option("-g", "--global") or (name == "yarn" and sub == "global"):
        return None
    packages = [a for a in command.positionals()[1:] if a != "."]
    if name == "npm" and sub in ("ci", "clean-install", "install-clean"):
        return _install(command, f"npm {sub}", "node", _NODE_LOCKS["npm"])
    if name == "npm" and sub in ("install", "i", "add", "isntall") and not packages:
        return _install(command, f"npm {sub}", "node", _NODE_LOCKS["npm"])
    if name == "yarn" and (sub is None or (sub == "install" and not packages)):
        return _install(command, "yarn install" if sub else "yarn", "node", _NODE_LOCKS["yarn"])
    if name == "pnpm" and (sub == "fetch" or (sub in ("install", "i") and not packages)):
        return _install(command, f"pnpm {sub}", "node", _NODE_LOCKS["pnpm"] if sub != "fetch" else ("pnpm-lock.yaml",))
    if name == "bun" and sub in ("install", "i") and not packages:
        return _install(command, f"bun {sub}", "node", _NODE_LOCKS["bun"])
    return None


def _go(command: Command, sub: str | None) -> DependencyInstall | None:
    positionals = command.positionals()
    manifests = ("go.mod", "go.sum")
    if positionals[:2] in (["mod", "download"], ["mod", "tidy"]):
        return _install(command, f"go mod {positionals[1]}", "go", manifests)
    if any(v == "vendor" for v in command.option_values("-mod")) or any("-mod=vendor" in a for a in command.args):
        return None  # vendored modules: nothing to download
    if sub in ("build", "install", "test", "get", "run", "vet", "generate"):
        if sub == "install" and any("@" in a for a in positionals[1:]):
            return None  # ``go install tool@v1.2``: a pinned tool, not the project's modules
        return _install(command, f"go {sub}", "go", manifests, "build")
    return None


def _bundle(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub in (None, "install"):
        return _install(command, "bundle install", "ruby", ("Gemfile", "Gemfile.lock"))
    return None


def _composer(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "install" or (sub == "update" and len(command.positionals()) == 1):
        return _install(command, f"composer {sub}", "php", ("composer.json", "composer.lock"))
    return None


def _cargo(command: Command, sub: str | None) -> DependencyInstall | None:
    manifests = ("Cargo.toml", "Cargo.lock")
    if sub == "fetch":
        return _install(command, "cargo fetch", "rust", manifests)
    if sub == "install" and not command.has_option("--path"):
        return None  # ``cargo install ripgrep``: a named crate
    if sub in ("build", "install", "test", "run", "b", "t"):
        return _install(command, f"cargo {sub}", "rust", manifests, "build")
    return None


def _maven(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub is None or command.has_option(*_JVM_OFFLINE):
        return None
    return _install(command, f"{command.name} {sub}", "jvm", ("pom.xml",), "build")


def _gradle(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub is None or command.has_option("--offline"):
        return None
    return _install(command, f"{command.name} {sub}", "jvm", ("build.gradle", "settings.gradle", "gradle/"), "build")


def _dotnet(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "restore":
        return _install(command, "dotnet restore", "dotnet", ("*.csproj",))
    if sub in ("build", "publish", "test", "pack") and not command.has_option("--no-restore"):
        return _install(command, f"dotnet {sub}", "dotnet", ("*.csproj",), "build")
    return None


def _mix(command: Command, sub: str | None) -> DependencyInstall | None:
    if sub == "deps.get":
        return _install(command, "mix deps.get", "elixir", ("mix.exs", "mix.lock"))
    return None


_HANDLERS = {
    "uv": _uv,
    "poetry": _poetry,
    "pipenv": _pipenv,
    "pdm": _pdm,
    "conda": _conda,
    "mamba": _conda,
    "micromamba": _conda,
    "npm": _node,
    "yarn": _node,
    "pnpm": _node,
    "bun": _node,
    "go": _go,
    "bundle": _bundle,
    "composer": _composer,
    "cargo": _cargo,
    "dotnet": _dotnet,
    "mix": _mix,
}


DEPENDENCY_TOOLS = frozenset(_HANDLERS) | {"gradle", "gradlew", "mvn", "mvnw"}


# --- named packages -------------------------------------------------------------------------------

# OS package managers: program -> (package family, subcommands that install named packages, that remove them).
OS_PACKAGE_MANAGERS = {
    "apt-get": ("apt", {"install"}, {"remove", "purge", "autoremove"}),
    "apt": ("apt", {"install"}, {"remove", "purge", "autoremove"}),
    "aptitude": ("apt", {"install"}, {"remove", "purge"}),
    "apk": ("apk", {"add"}, {"del"}),
    "yum": ("rpm", {"install", "groupinstall"}, {"remove", "erase", "autoremove"}),
    "dnf": ("rpm", {"install", "groupinstall"}, {"remove", "erase", "autoremove"}),
    "microdnf": ("rpm", {"install"}, {"remove"}),
    "tdnf": ("rpm", {"install"}, {"remove", "erase", "autoremove"}),
    "zypper": ("rpm", {"install", "in"}, {"remove", "rm"}),
}
_VERSION_SPEC = re.compile(r"[<>=!~;@\[].*$")


@dataclass(frozen=True, slots=True)
class Packages:
    command: Command
    manager: str  # apt, apk, rpm, pip, npm, gem
    packages: tuple[str, ...]  # normalised names (no versions)
    local: bool  # a positional names a local file (``./x.deb``, ``/tmp/x.whl``)


def _normalise(manager: str, package: str) -> str:
    if manager == "apt":
        package = package.split("=", 1)[0].split("/", 1)[0].split(":", 1)[0]
    elif manager == "apk":
        package = re.split(r"[=<>~]", package, maxsplit=1)[0]
    elif manager == "pip":
        package = _VERSION_SPEC.sub("", package).lower().replace("_", "-")
    elif manager == "npm" and package.startswith("@"):
        package = "@" + package[1:].split("@", 1)[0]
    elif manager == "npm":
        package = package.split("@", 1)[0]
    return package


def os_package_family(command: Command, *, removing: bool = False, name: str | None = None) -> str | None:
    """The family (apt, apk, rpm) of an OS package-manager call that installs named packages
    (``apt-get install``, ``apk add``), or with ``removing`` removes them (``apk del``, ``dnf remove``)."""
    manager = OS_PACKAGE_MANAGERS.get(command.name if name is None else name)
    if manager is None:
        return None
    family, installs, removes = manager
    return family if command.subcommand() in (removes if removing else installs) else None


def named_install(command: Command, name: str | None = None) -> Packages | None:
    """Packages named on an install command line (OS managers, pip, ``npm -g``, gem)."""
    name = command.name if name is None else name
    if name not in OS_PACKAGE_MANAGERS and name not in ("npm", "gem") and not name.startswith(("pip", "python")):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        if pip.subcommand() != "install" or pip.option_values("-r", "--requirement", "-e", "--editable"):
            return None
        args = pip.positionals()[1:]
        return _packages(command, "pip", args)
    if name in OS_PACKAGE_MANAGERS:
        family = os_package_family(command, name=name)
        return _packages(command, family, command.positionals()[1:]) if family else None
    if name == "npm" and command.has_option("-g", "--global") and command.subcommand() in ("install", "i", "add"):
        return _packages(command, "npm", command.positionals()[1:])
    if name == "gem" and command.subcommand() == "install":
        return _packages(command, "gem", command.positionals()[1:])
    return None


def _packages(command: Command, manager: str, args: list[str]) -> Packages | None:
    local = any(_is_local_path(a) or "$(" in a or "`" in a for a in args)
    names = tuple(_normalise(manager, a) for a in args if not _is_local_path(a))
    if not names and not local:
        return None
    return Packages(command, manager, names, local)


def installed_names(command: Command, name: str | None = None) -> tuple[str, set[str]] | None:
    """(manager, names a later removal may use) for an install: packages, plus apk's ``--virtual``."""
    name = command.name if name is None else name
    found = named_install(command, name)
    if found is None:
        return None
    names = set(found.packages)
    if name == "apk":
        names.update(command.option_values("-t", "--virtual"))
    return found.manager, names


def package_removal(command: Command, name: str | None = None) -> tuple[str, list[str]] | None:
    """(manager, names) of a command that removes named packages."""
    name = command.name if name is None else name
    if name not in OS_PACKAGE_MANAGERS and name != "npm" and not name.startswith(("pip", "python")):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        if pip.subcommand() != "uninstall":
            return None
        return "pip", [_normalise("pip", a) for a in pip.positionals()[1:]]
    if name in OS_PACKAGE_MANAGERS:
        family = os_package_family(command, removing=True, name=name)
        return (family, [_normalise(family, a) for a in command.positionals()[1:]]) if family else None
    if name == "npm" and command.has_option("-g", "--global") and command.subcommand() in ("uninstall", "rm", "remove", "un"):
        return "npm", [_normalise("npm", a) for a in command.positionals()[1:]]
    return None


# --- downloads ------------------------------------------------------------------------------------

URL = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


def urls(command: Command) -> list[str]:
    return [a for a in command.args if URL.match(a)]


def download_target(command: Command, cwd: str) -> str | None:
    """The file a ``curl -o``/``curl -O``/``wget`` command writes (absolute), when it writes one."""
    if command.name == "curl":
        output = command.option_value("-o", "--output")
        if output and output != "-":
            return posixpath.normpath(posixpath.join(cwd, output))
        if command.has_option("-O", "--remote-name"):
            found = urls(command)
            directory = command.option_value("--output-dir") or cwd
            if found:
                return posixpath.normpath(posixpath.join(cwd, directory, _url_basename(found[0])))
        return None
    if command.name == "wget":
        output = command.option_value("-O", "--output-document")
        if output == "-" or (output is None and command.has_option("--spider")):
            return None
        if output:
            return posixpath.normpath(posixpath.join(cwd, output))
        found = urls(command)
        if found:
            directory = command.option_value("-P", "--directory-prefix") or cwd
            return posixpath.normpath(posixpath.join(cwd, directory, _url_basename(found[0])))
    return None


def _url_basename(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return posixpath.basename(path) or "index.html"
