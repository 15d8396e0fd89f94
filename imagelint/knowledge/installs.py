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

from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.package_managers import PackageManager
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record
from imagelint.shell import Command

_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)*)?$")


def pip_command(command: Command, name: str | None = None) -> Command | None:
    """The pip part of ``pip3 install ...``, ``python3 -m pip install ...`` or ``python -I -mpip ...``
    (``name``: the command's name, when the caller has it already)."""
    name = command.name if name is None else name
    if not pm.may_run_pip(name):
        return None
    if pm.is_pip(name):
        return command
    if not _PYTHON.match(name):
        return None
    words = command.words
    for i in range(1, len(words) - 1):
        value = words[i].value
        if value == "-m" and words[i + 1].value == pm.PIP_MODULE:
            return command.with_words(words[i + 1 :])
        if value == "-m" + pm.PIP_MODULE:
            return command.with_words(words[i:])
        if not value.startswith("-"):
            return None  # ``python script.py -m pip`` runs a script
    return None


def _is_local_path(arg: str) -> bool:
    """A positional that names a file or directory rather than a package: ``.``, ``./x``, ``/x.whl``."""
    return arg in (".", "..") or arg.startswith(("./", "../", "/", ".[", "~")) or arg.endswith(
        (".whl", ".tar.gz", ".zip", ".deb", ".rpm", ".apk", ".gem", ".tgz")
    )


# --- dependency installs --------------------------------------------------------------------------


class DependencyInstall(Record):
    __slots__ = ("command", "tool", "ecosystem", "manifests", "kind", "named")

    def __init__(
        self,
        command: Command,
        tool: str,  # how to name it in a message: "npm ci", "pip install -r requirements.txt"
        ecosystem: str,  # "node", "python", "go"... steps of one ecosystem share a dependency cache
        manifests: tuple[str, ...],  # what to COPY before it
        kind: str,  # "manifest": installs what a manifest lists; "project": installs the project
        # itself (its dependencies with it); "build": compiles, downloading dependencies on the way
        named: bool = False,  # the manifests are paths named on the command line (``pip install -r x``),
    ) -> None:
        self.command = command
        self.tool = tool
        self.ecosystem = ecosystem
        self.manifests = manifests
        self.kind = kind
        self.named = named


_JVM_OFFLINE = ("-o", "--offline")


def dependency_install(command: Command) -> DependencyInstall | None:
    """The dependency install (or dependency-downloading build) a command runs, if any."""
    name = command.name
    if name not in DEPENDENCY_TOOLS and not pm.may_run_pip(name):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        return _pip_install(command, pip)
    manager = pm.manager(name)
    if manager is not None and manager in _HANDLERS:
        return _HANDLERS[manager](command, command.subcommand(), manager)
    toolchain = _TOOLCHAIN_HANDLERS.get(name)
    return toolchain(command, command.subcommand()) if toolchain else None


def _install(
    command: Command, tool: str, ecosystem: str, manifests: tuple[str, ...], kind: str = "manifest", *, named: bool = False
) -> DependencyInstall:
    return DependencyInstall(command, tool, ecosystem, manifests, kind, named)


def _pip_install(command: Command, pip: Command) -> DependencyInstall | None:
    sub = pip.subcommand()
    if sub not in ("install", "download", "wheel"):
        return None
    requirements = pip.option_values("-r", "--requirement")
    if requirements:
        names = tuple(dict.fromkeys(requirements))
        return _install(command, f"pip {sub} -r {' '.join(names)}", pm.PIP.ecosystem, names, named=True)
    editable = pip.option_values("-e", "--editable")
    local = [a for a in pip.positionals()[1:] if _is_local_path(a) and not a.endswith(".whl")] + [
        e for e in editable if _is_local_path(e)
    ]
    if local and sub == "install":
        if pip.has_option("--no-deps"):
            return None  # installs only the project, on top of dependencies installed earlier
        return _install(command, f"pip install {local[0]}", pm.PIP.ecosystem, pm.PIP.manifests, "project")
    return None


def _uv(command: Command, sub: str | None, uv: PackageManager) -> DependencyInstall | None:
    if sub == "sync":
        return _install(command, "uv sync", uv.ecosystem, uv.manifests)
    if sub == pm.UV_PIP_SUBCOMMAND:
        positionals = command.positionals(("-r", "--requirement", "-c", "--constraint", "-p", "--python"))
        verb = positionals[1] if len(positionals) > 1 else None
        requirements = command.option_values("-r", "--requirement", value_options=("-r", "--requirement"))
        if verb == "sync" and len(positionals) > 2:
            requirements.append(positionals[2])
        if verb in ("install", "sync") and requirements:
            names = tuple(dict.fromkeys(requirements))
            return _install(command, f"uv pip {verb} -r {' '.join(names)}", uv.ecosystem, names, named=True)
        if verb == "install" and any(_is_local_path(a) for a in positionals[2:]) and not command.has_option("--no-deps"):
            return _install(command, "uv pip install .", uv.ecosystem, uv.manifests, "project")
    return None


def _poetry(command: Command, sub: str | None, poetry: PackageManager) -> DependencyInstall | None:
    if sub == "install" and not command.has_option("--only-root"):
        return _install(command, "poetry install", poetry.ecosystem, poetry.manifests)
    return None


def _pipenv(command: Command, sub: str | None, pipenv: PackageManager) -> DependencyInstall | None:
    if sub == "sync" or (sub == "install" and len(command.positionals()) == 1):
        return _install(command, f"pipenv {sub}", pipenv.ecosystem, pipenv.manifests)
    return None


def _pdm(command: Command, sub: str | None, pdm: PackageManager) -> DependencyInstall | None:
    if sub in ("install", "sync"):
        return _install(command, f"pdm {sub}", pdm.ecosystem, pdm.manifests)
    return None


def _conda(command: Command, sub: str | None, conda: PackageManager) -> DependencyInstall | None:
    positionals = command.positionals(("-f", "--file", "-n", "--name", "-p", "--prefix", "-c", "--channel"))
    files = command.option_values("-f", "--file", value_options=("-f", "--file", "-n", "--name", "-p", "--prefix", "-c", "--channel"))
    if positionals[:2] in (["env", "create"], ["env", "update"]) or (sub in ("install", "create", "update") and files):
        names = tuple(files) or conda.manifests
        return _install(command, f"{command.name} {' '.join(positionals[:2])} -f {names[0]}", conda.ecosystem, names)
    return None


def _node(command: Command, sub: str | None, node: PackageManager) -> DependencyInstall | None:
    """npm, yarn, pnpm and bun: installs of the whole manifest (a named package is not one)."""
    name = command.name
    if command.has_option(*node.global_options) or (node.global_subcommand is not None and sub == node.global_subcommand):
        return None
    packages = [a for a in command.positionals()[1:] if a != "."]
    if sub in node.clean_installs:
        return _install(command, f"{name} {sub}", node.ecosystem, node.manifests)
    if sub in node.lockfile_fetches:
        return _install(command, f"{name} {sub}", node.ecosystem, node.manifests[-1:])
    if (sub in node.project_installs or (sub is None and node.bare_installs)) and not packages:
        return _install(command, f"{name} {sub}" if sub else name, node.ecosystem, node.manifests)
    return None


def _bundle(command: Command, sub: str | None, bundler: PackageManager) -> DependencyInstall | None:
    if sub in (None, "install"):
        return _install(command, "bundle install", bundler.ecosystem, bundler.manifests)
    return None


def _composer(command: Command, sub: str | None, composer: PackageManager) -> DependencyInstall | None:
    if sub == "install" or (sub == "update" and len(command.positionals()) == 1):
        return _install(command, f"composer {sub}", composer.ecosystem, composer.manifests)
    return None


def _cargo(command: Command, sub: str | None, cargo: PackageManager) -> DependencyInstall | None:
    if sub == "fetch":
        return _install(command, "cargo fetch", cargo.ecosystem, cargo.manifests)
    if sub == "install" and not command.has_option("--path"):
        return None  # ``cargo install ripgrep``: a named crate
    if sub in ("build", "install", "test", "run", "b", "t"):
        return _install(command, f"cargo {sub}", cargo.ecosystem, cargo.manifests, "build")
    return None


def _maven(command: Command, sub: str | None, maven: PackageManager) -> DependencyInstall | None:
    if sub is None or command.has_option(*_JVM_OFFLINE):
        return None
    return _install(command, f"{command.name} {sub}", maven.ecosystem, maven.manifests, "build")


def _gradle(command: Command, sub: str | None, gradle: PackageManager) -> DependencyInstall | None:
    if sub is None or command.has_option("--offline"):
        return None
    return _install(command, f"{command.name} {sub}", gradle.ecosystem, gradle.manifests, "build")


# --- toolchains whose dependency download is a subcommand of the compiler ---


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
    pm.UV: _uv,
    pm.POETRY: _poetry,
    pm.PIPENV: _pipenv,
    pm.PDM: _pdm,
    pm.CONDA: _conda,
    pm.MICROMAMBA: _conda,
    pm.NPM: _node,
    pm.YARN: _node,
    pm.PNPM: _node,
    pm.BUN: _node,
    pm.BUNDLER: _bundle,
    pm.COMPOSER: _composer,
    pm.CARGO: _cargo,
    pm.MAVEN: _maven,
    pm.GRADLE: _gradle,
}


_TOOLCHAIN_HANDLERS = {"go": _go, "dotnet": _dotnet, "mix": _mix}


DEPENDENCY_TOOLS = frozenset(command for manager in _HANDLERS for command in manager.commands) | frozenset(_TOOLCHAIN_HANDLERS)


# --- named packages -------------------------------------------------------------------------------


class Packages(Record):
    __slots__ = ("command", "manager", "packages", "local")

    def __init__(
        self,
        command: Command,
        manager: str,  # where the names come from (PackageManager.namespace): "deb", "apk", "rpm", "pypi", "npm"...
        packages: tuple[str, ...],  # normalised names (no versions)
        local: bool,  # a positional names a local file (``./x.deb``, ``/tmp/x.whl``)
    ) -> None:
        self.command = command
        self.manager = manager
        self.packages = packages
        self.local = local


def os_package_manager(command: Command, *, removing: bool = False, name: str | None = None) -> PackageManager | None:
    """The OS package manager (apt-get, apk, dnf...) of a call that installs named packages
    (``apt-get install``, ``apk add``), or with ``removing`` removes them (``apk del``, ``dnf remove``)."""
    manager = pm.manager(command.name if name is None else name)
    if manager is None or manager.kind != pm.OS:
        return None
    return manager if command.subcommand() in (manager.removes if removing else manager.installs) else None


def _system_wide(command: Command, manager: PackageManager) -> bool:
    """Whether a language manager's install goes into the image rather than a project (``npm -g``)."""
    return not manager.global_options or command.has_option(*manager.global_options)


def named_install(command: Command, name: str | None = None) -> Packages | None:
    """Packages named on an install command line (OS managers, pip, ``npm -g``, gem)."""
    name = command.name if name is None else name
    manager = pm.manager(name)
    if (manager is None or not manager.installs) and not pm.may_run_pip(name):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        if pip.subcommand() not in pm.PIP.installs or pip.option_values("-r", "--requirement", "-e", "--editable"):
            return None
        args = pip.positionals()[1:]
        return _packages(command, pm.PIP.namespace, args)
    if manager is None:
        return None
    if manager.kind == pm.OS:
        found = os_package_manager(command, name=name)
        return _packages(command, found.namespace, command.positionals()[1:]) if found else None
    if command.subcommand() in manager.installs and _system_wide(command, manager):
        return _packages(command, manager.namespace, command.positionals()[1:])
    return None


def _packages(command: Command, namespace: str, args: list[str]) -> Packages | None:
    local = any(_is_local_path(a) or "$(" in a or "`" in a for a in args)
    names = tuple(pm.bare_package_name(namespace, a) for a in args if not _is_local_path(a))
    if not names and not local:
        return None
    return Packages(command, namespace, names, local)


def installed_names(command: Command, name: str | None = None) -> tuple[str, set[str]] | None:
    """(manager, names a later removal may use) for an install: packages, plus apk's ``--virtual``."""
    name = command.name if name is None else name
    found = named_install(command, name)
    if found is None:
        return None
    names = set(found.packages)
    manager = pm.manager(name)
    if manager is not None and manager.virtual_package_options:
        names.update(command.option_values(*manager.virtual_package_options))
    return found.manager, names


def package_removal(command: Command, name: str | None = None) -> tuple[str, list[str]] | None:
    """(manager, names) of a command that removes named packages."""
    name = command.name if name is None else name
    manager = pm.manager(name)
    if (manager is None or not manager.removes) and not pm.may_run_pip(name):
        return None
    pip = pip_command(command, name)
    if pip is not None:
        if pip.subcommand() not in pm.PIP.removes:
            return None
        return pm.PIP.namespace, [pm.bare_package_name(pm.PIP.namespace, a) for a in pip.positionals()[1:]]
    if manager is None:
        return None
    if manager.kind == pm.OS:
        found = os_package_manager(command, removing=True, name=name)
        return (found.namespace, [pm.bare_package_name(found.namespace, a) for a in command.positionals()[1:]]) if found else None
    if command.subcommand() in manager.removes and _system_wide(command, manager):
        return manager.namespace, [pm.bare_package_name(manager.namespace, a) for a in command.positionals()[1:]]
    return None


# --- downloads ------------------------------------------------------------------------------------

URL = LazyPattern(r"^(?:https?|ftp)://", re.IGNORECASE)


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
