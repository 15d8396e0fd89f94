"""IL6004 apt-instead-of-apt-get."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.edits import insert_after_word, replace_in_script, word_index, word_is_exact
from imagelint.fixes import Fix
from imagelint.knowledge.package_managers import APT, APT_CACHE, APT_GET
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import apt_option
from imagelint.shell import Command

_APT_CACHE_VERBS = frozenset({"search", "show", "policy", "showsrc", "depends", "rdepends"})
# Subcommands apt-get has with the same meaning as apt's. `upgrade` differs by one default: apt
# lets it install new dependencies, which apt-get does with --with-new-pkgs.
_SAME_IN_APT_GET = frozenset({"install", "update", "remove", "purge", "autoremove", "dist-upgrade", "clean", "upgrade"})
_UPGRADE_ALLOWS_NEW = "--with-new-pkgs"


def _use_apt_get(script: RunScript, command: Command, verb: str) -> Fix | None:
    """The ``apt`` word replaced by ``apt-get`` (a path kept: ``/usr/bin/apt-get``); for
    ``upgrade`` also ``--with-new-pkgs``, apt's default there."""
    word = command.words[0]
    index = word_index(command, verb)
    if index is None or not word_is_exact(script, word) or word.raw != word.value or not word.raw.endswith(APT.name):
        return None
    edits = [replace_in_script(script, word.end - len(APT.name), word.end, APT_GET.name)]
    explicit = command.has_option(_UPGRADE_ALLOWS_NEW, "--without-new-pkgs")
    if verb == "upgrade" and not explicit and apt_option(command, "APT::Get::Upgrade-Allow-New") is None:
        added = insert_after_word(script, command, index, f" {_UPGRADE_ALLOWS_NEW}")
        if added is None:
            return None
        edits.append(added)
    return Fix(f"use {APT_GET.name} {verb}", "safe", tuple(edits))


@rule(
    code="IL6004",
    name="apt-instead-of-apt-get",
    family="package-hygiene",
    severity="warning",
    hadolint=("DL3027",),
    checkov=("CKV_DOCKER_9",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=APT.commands,
)
def apt_instead_of_apt_get(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`apt` in a RUN: its command line is for people, not scripts.

    ## Why
    `apt` warns "apt does not have a stable CLI interface. Use with caution in scripts": its
    output, prompts and defaults may change between releases (it also shows progress bars that
    clutter build logs). `apt-get` and `apt-cache` are the stable interfaces for scripts.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt update && apt install -y curl
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && rm -rf /var/lib/apt/lists/*
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-cache policy curl
    ```

    ## Fix
    Use `apt-get` (or `apt-cache` for search/show/policy) with the same arguments.
    `imagelint fix` replaces `apt` by `apt-get` for the subcommands apt-get has with the same
    meaning: `install`, `update`, `remove`, `purge`, `autoremove`, `dist-upgrade`, `clean`, and
    `upgrade`, which gets `--with-new-pkgs` (apt upgrades a package even when that needs a new
    dependency; apt-get holds it back unless told). apt-get keeps downloaded `.deb` files where
    apt deletes them, but the official Debian and Ubuntu images empty that cache after every
    install. Other subcommands (`show`, `search`, `list`, `full-upgrade`), and an `apt` that
    cannot be placed exactly (escapes inside a `sh -c "..."` string), only get the advice.
    """
    for run in runs(ctx):
        for script, command in run.commands(*APT.commands):
            if not command.args:
                continue
            verb = subcommand(command) or ""
            tool = APT_CACHE.name if verb in _APT_CACHE_VERBS else APT_GET.name
            fix = _use_apt_get(script, command, verb) if verb in _SAME_IN_APT_GET else None
            yield script.violation(
                f"'apt {verb}' uses apt's interactive interface, which is not stable in scripts; use {tool} {verb}".rstrip(),
                command,
                fix=fix or f"{tool} {verb}".rstrip(),
            )
