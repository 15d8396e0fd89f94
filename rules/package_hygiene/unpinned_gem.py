"""IL6015 unpinned-gem."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.package_managers import GEM
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import is_local_or_variable, pin_violation


@rule(
    code="IL6015",
    name="unpinned-gem",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3028",),
    instructions=("RUN",),
    mentions=GEM.commands,
)
def unpinned_gem(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`gem install` without a version.

    ## Why
    `gem install rails` installs the newest release of the day. Give `-v` (one gem) or
    `gem:version` (several); application gems belong in a Gemfile.lock with `bundle install`.

    ## Bad
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler
    ```

    ## Good
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler -v 2.5.22
    ```
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install bundler:2.5.22 rake:13.2.1
    ```
    ```dockerfile
    FROM ruby:3.4-slim
    RUN gem install --file Gemfile
    ```

    ## Fix
    Add `-v <version>` or write `gem:<version>`.
    """
    for run in runs(ctx):
        for script, command in run.commands(*GEM.commands):
            if subcommand(command) not in GEM.installs or command.has_option("-v", "--version", "-g", "--file"):
                continue
            packages = run.package_words(command, command.positionals()[1:])
            pin = GEM.pin_separator  # rails:7.1.3
            unpinned = [p for p in packages if pin not in p and not is_local_or_variable(p) and not p.endswith(".gem")]
            if unpinned:
                yield pin_violation(script, command, "gem install", unpinned, f"{unpinned[0]}{pin}<version>")
