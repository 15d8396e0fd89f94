"""imagelint.knowledge.package_managers: the one module that names package-manager programs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from imagelint.knowledge import package_managers as pm
from imagelint.knowledge.installs import named_install, package_removal
from imagelint.shell import KNOWN_VALUE_OPTIONS, parse_script

REPO_ROOT = Path(__file__).resolve().parents[2]
HOME = "imagelint/knowledge/package_managers.py"
# Generated from the rule modules (their ``mentions``), which ask the module themselves.
GENERATED = "imagelint/rule_index.py"

# Strings that spell a package-manager program but mean something else.
NOT_PROGRAMS = {
    ("imagelint/image/leftovers.py", "apt-cache"): "the name of a leftover category in reports",
    ("rules/image/shared.py", "apt-cache"): "the same leftover category",
    ("imagelint/knowledge/base_images.py", "gradle"): "the gradle image on Docker Hub",
    ("imagelint/knowledge/end_of_life.py", "gradle"): "the gradle image on Docker Hub and its lifecycle",
    ("rules/multi_stage/final_stage_on_build_toolchain.py", "gradle"): "the gradle image on Docker Hub",
    ("rules/multi_stage/build_tools_in_final_stage.py", "cargo"): "the distributions' cargo package",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _program_names_spelled() -> dict[tuple[str, str], list[int]]:
    """(file, program) -> lines, for every string constant outside docstrings equal to a program name."""
    spelled: dict[tuple[str, str], list[int]] = {}
    for top in ("imagelint", "rules"):
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if relative in (HOME, GENERATED):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value in pm.PACKAGE_MANAGER_COMMANDS
                    and id(node) not in docstrings
                ):
                    spelled.setdefault((relative, node.value), []).append(node.lineno)
    return spelled


def test_only_package_managers_module_spells_their_programs():
    spelled = _program_names_spelled()
    offenders = [f"{file}:{lines[0]}: {name!r}" for (file, name), lines in sorted(spelled.items()) if (file, name) not in NOT_PROGRAMS]
    assert not offenders, "ask imagelint.knowledge.package_managers instead of spelling:\n" + "\n".join(offenders)


def test_not_programs_list_is_current():
    spelled = _program_names_spelled()
    stale = [f"{file}: {name!r}" for file, name in NOT_PROGRAMS if (file, name) not in spelled]
    assert not stale, "no longer spelled there, remove from NOT_PROGRAMS:\n" + "\n".join(stale)


def test_lookups():
    assert pm.manager("pip3") is pm.PIP
    assert pm.manager("mvnw") is pm.MAVEN
    assert pm.manager("ls") is None
    assert pm.family_of("microdnf") == pm.family_of("yum")
    assert pm.family_of("zypper") != pm.family_of("dnf")
    assert pm.family_of("curl") is None
    assert pm.family_commands(pm.family_of("apt-get")) == {"apt-get", "apt", "aptitude", "apt-cache"}


def test_named_sets():
    assert pm.OS_PACKAGE_MANAGERS == {"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"}
    assert pm.APT_FRONTENDS == {"apt-get", "apt", "aptitude"}  # apt-cache only queries
    assert pm.RPM_FRONTENDS == {"yum", "dnf", "microdnf", "tdnf"}
    assert pm.RPM_INSTALLERS == pm.RPM_FRONTENDS | {"zypper"}
    assert pm.LOW_LEVEL_COMMANDS == {"dpkg", "rpm"}
    assert pm.BUILD_TOOL_COMMANDS == {"cargo", "mvn", "mvnw", "gradle", "gradlew"}
    every = [command for m in pm.MANAGERS for command in m.commands]
    assert len(every) == len(set(every)) == len(pm.PACKAGE_MANAGER_COMMANDS)


def test_records_are_consistent():
    for m in pm.MANAGERS:
        assert m.commands and m.kind in (pm.OS, pm.LOW_LEVEL, pm.LANGUAGE), m
        assert not (m.index_updates or m.index_installs) or m.index, f"{m.name}: index verbs without an index"
        assert not (m.cache_clean or m.cache_filling) or m.cache_dirs, f"{m.name}: a cache without a directory"
        assert not (m.installs or m.removes) or m.namespace, f"{m.name}: installs without a namespace"
        assert not m.prompting or m.assume_yes_options, f"{m.name}: prompts without a way to answer"


def test_package_installers_are_the_records_that_install():
    assert {pm.APT_GET, pm.APTITUDE, pm.APK, pm.MICRODNF, pm.TDNF, pm.ZYPPER} <= pm.PACKAGE_INSTALLERS
    assert {pm.PIP, pm.NPM, pm.YARN, pm.PNPM, pm.GEM, pm.COMPOSER, pm.CONDA, pm.MICROMAMBA} <= pm.PACKAGE_INSTALLERS
    assert not {pm.CARGO, pm.MAVEN, pm.GRADLE, pm.APT_CACHE, pm.DPKG} & pm.PACKAGE_INSTALLERS


def test_every_index_update_is_known():
    """aptitude, microdnf and tdnf refresh an index like apt-get and dnf (IL1002 follows them all)."""
    for program, subcommand in [("aptitude", "update"), ("microdnf", "makecache"), ("tdnf", "makecache"), ("zypper", "ref")]:
        index, verb = pm.index_use(program, subcommand)
        assert verb == "update" and program in pm.index_commands(index)
    assert pm.index_commands("apt") == {"apt-get", "apt", "aptitude"}


def test_index_use():
    assert pm.index_use("apt-get", "update") == ("apt", "update")
    assert pm.index_use("aptitude", "install") == pm.index_use("apt", "install") == ("apt", "install")
    assert pm.index_use("microdnf", "makecache") == pm.index_use("dnf", "makecache")
    assert pm.index_use("yum", "makecache") != pm.index_use("dnf", "makecache")  # their own caches
    assert pm.index_use("zypper", "ref") == ("zypper", "update")
    assert pm.index_use("apk", "del") is None
    assert pm.index_use("apt-cache", "update") is None
    assert pm.index_use("npm", "install") is None


@pytest.mark.parametrize(
    ("name", "pip", "maybe"),
    [("pip", True, True), ("pip3.12", True, True), ("pipenv", False, True), ("python3", False, True), ("npm", False, False)],
)
def test_pip_programs(name, pip, maybe):
    assert pm.is_pip(name) is pip
    assert pm.may_run_pip(name) is maybe


@pytest.mark.parametrize(
    ("namespace", "spec", "bare"),
    [
        ("deb", "curl=8.5.0-2", "curl"),
        ("deb", "gcc:amd64", "gcc"),
        ("deb", "nginx/bookworm-backports", "nginx"),
        ("apk", "curl~8.5", "curl"),
        ("pypi", "Flask_Login>=1.0", "flask-login"),
        ("pypi", "requests[socks]", "requests"),
        ("npm", "@scope/pkg@1.2.3", "@scope/pkg"),
        ("npm", "left-pad@latest", "left-pad"),
        ("rpm", "nodejs-18.16.0", "nodejs-18.16.0"),
    ],
)
def test_bare_package_name(namespace, spec, bare):
    assert pm.bare_package_name(namespace, spec) == bare


def test_shell_reads_value_options_from_here():
    for command, options in pm.VALUE_OPTIONS.items():
        assert KNOWN_VALUE_OPTIONS[command] is options
    assert set(pm.VALUE_OPTIONS) <= pm.PACKAGE_MANAGER_COMMANDS
    assert "--virtual" in KNOWN_VALUE_OPTIONS["apk"]
    assert pm.PIP.value_options <= pm.PIP_INSTALL_VALUE_OPTIONS


def _command(text: str):
    (command,) = parse_script(text).commands
    return command


def test_value_options_reach_the_command_model():
    assert _command("apt-get -o Acquire::Retries=3 install -y curl").subcommand() == "install"
    assert _command("dnf --setopt=tsflags=nodocs --enablerepo crb install -y gcc").subcommand() == "install"
    assert _command("apk add -t .build-deps gcc").positionals() == ["add", "gcc"]


def test_dnf_and_zypper_install_the_same_package_names():
    dnf = named_install(_command("dnf install -y openssl-devel"))
    zypper = package_removal(_command("zypper -n remove openssl-devel"))
    assert dnf is not None and zypper is not None
    assert (dnf.manager, dnf.packages) == (zypper[0], tuple(zypper[1]))


def test_npm_installs_named_packages_only_globally():
    assert named_install(_command("npm install -g typescript")).packages == ("typescript",)
    assert named_install(_command("npm install typescript")) is None
