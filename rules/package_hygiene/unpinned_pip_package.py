"""IL6013 unpinned-pip-package."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import PIP
from imagelint.knowledge.runs import Run, runs, shorten, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import PIP_VALUE_OPTIONS, first_word, is_local_or_variable
from imagelint.shell import Command

_PIP_VERSIONED = re.compile(r"(===?|~=|!=|<=?|>=?|@)")


_PIP_VCS = ("git+", "hg+", "svn+", "bzr+")


def _pip_unpinned(run: Run, pip: Command) -> list[str]:
    if pip.has_option("-c", "--constraint", value_options=PIP_VALUE_OPTIONS):
        return []
    unpinned = []
    for package in run.package_words(pip, pip.positionals(PIP_VALUE_OPTIONS)[1:]):
        url = package.split(" @ ", 1)[-1].strip()
        if url.startswith(_PIP_VCS) and "$" not in url:
            # A VCS URL is pinned by a ref after the last path segment: repo.git@v1.2 (git@host is a user).
            if "@" not in url.split("#", 1)[0].rsplit("/", 1)[-1]:
                unpinned.append(package)
            continue
        if _PIP_VERSIONED.search(package) or is_local_or_variable(package):
            continue
        if package.endswith((".whl", ".tar.gz", ".zip", ".tgz")):
            continue
        unpinned.append(package)
    return unpinned


@rule(
    code="IL6013",
    name="unpinned-pip-package",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3013",),
    instructions=("RUN",),
    mentions=(PIP.name,),  # pip3, pip3.12, python -m pip, -mpip: every way to run pip names it
)
def unpinned_pip_package(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`pip install` of packages without a version specifier.

    ## Why
    `pip install flask` installs the newest Flask of the day, and its newest dependencies. A new
    major release can break the image without any change in the repository. Pin in the command
    (`flask==3.0.3`), or better, install from a requirements or lock file (`-r requirements.txt`,
    ideally with hashes) or under a constraints file (`-c`, `PIP_CONSTRAINT`). Local paths
    (`.`, `./pkg`, wheels), `-e .` and `-r` files are not packages from the index and are not
    reported.

    ## Bad
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask gunicorn
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir flask==3.0.3 "gunicorn>=22,<23"
    ```
    ```dockerfile
    FROM python:3.13-slim
    COPY . /src
    RUN pip install --no-cache-dir -r /src/requirements.txt && pip install --no-cache-dir --no-deps -e /src
    ```
    ```dockerfile
    FROM python:3.13-slim
    RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple -c constraints.txt flask
    ```

    ## Fix
    Add `==<version>` to each package, or install from a pinned requirements file.
    """
    for run in runs(ctx):
        if not run.pip_commands or run.env("PIP_CONSTRAINT"):
            continue
        for script, _, pip in run.pip_commands:
            if subcommand(pip, PIP_VALUE_OPTIONS) != "install":
                continue
            unpinned = _pip_unpinned(run, pip)
            if unpinned:
                yield script.violation(
                    f"pip installs {shorten(unpinned)} without a version; pin {'it' if len(unpinned) == 1 else 'them'} "
                    f"({unpinned[0]}==<version>) or install from a pinned requirements file",
                    pip,
                    word=first_word(pip, unpinned[0]),
                )
