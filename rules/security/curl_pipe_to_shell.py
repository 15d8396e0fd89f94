"""IL7004 curl-pipe-to-shell."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.fetch import FETCHERS, interpreter, reads_program_from_stdin, writes_to_stdout
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start
from imagelint.shell import Command


@rule(
    code="IL7004",
    name="curl-pipe-to-shell",
    family="security",
    severity="warning",
    instructions=("RUN",),
    mentions=tuple(sorted(FETCHERS)),
)
def curl_pipe_to_shell(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A script downloaded and run in one go (`curl ... | sh`, `bash <(curl ...)`) with no check of what was fetched.

    ## Why
    Whatever the server (or anyone in between, or whoever took over the domain) returns is executed
    as root in the build, and a truncated download runs half a script. Nothing pins what you ran,
    so the same Dockerfile builds different images over time.

    ## Bad
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN bash <(curl -fsSL https://sh.rustup.rs) -y
    ```

    ## Good
    ```dockerfile
    FROM debian:bookworm-slim
    ARG RUSTUP_SHA256=6aeece6993e902708983b209d04c0d1dbb14ebb405ddb87def578d41f920f56d
    RUN curl -fsSLo rustup-init.sh https://sh.rustup.rs \\
        && echo "$RUSTUP_SHA256  rustup-init.sh" | sha256sum -c - \\
        && sh rustup-init.sh -y && rm rustup-init.sh
    ```
    ```dockerfile
    FROM debian:bookworm-slim
    RUN curl -fsSL https://api.github.com/repos/cli/cli/releases/latest | python3 -c "import json,sys; print(json.load(sys.stdin)['tag_name'])"
    ```

    ## Fix
    Download to a file, verify it against a pinned checksum or signature, then run it. Better,
    install the tool from a package or copy it from an official image (`COPY --from=...`).
    """
    for run in ctx.run_scripts:
        commands = run.script.commands
        fetchers = [c for c in commands if c.name in FETCHERS]
        if not fetchers:
            continue  # most scripts download nothing: no pipeline or substitution to look at
        for pipeline in run.script.pipelines():
            fetcher = next((c for c in pipeline if c.name in FETCHERS and writes_to_stdout(c)), None)
            if fetcher is None:
                continue
            after = pipeline[pipeline.index(fetcher) + 1 :]
            runner = next((c for c in after if reads_program_from_stdin(c)), None)
            if runner is not None:
                yield at_command_start(
                    run,
                    fetcher,
                    f"'{fetcher.name} ... | {runner.name}' runs a downloaded script unchecked; download it to a file, "
                    "verify its checksum or signature, then run it",
                )
        deepest = max(fetcher.depth for fetcher in fetchers)
        for runner in commands:
            if runner.depth >= deepest:
                continue  # no fetch is nested inside it (the cheap test first)
            if interpreter(runner) is None and runner.name not in ("source", "."):
                continue
            for fetcher in fetchers:
                if fetcher.depth > runner.depth and _substituted_as_program(runner, fetcher):
                    yield at_command_start(
                        run,
                        runner,
                        f"'{runner.name}' runs the output of {fetcher.name} unchecked; download it to a file, verify "
                        "its checksum or signature, then run it",
                    )
                    break


def _substituted_as_program(runner: Command, fetcher: Command) -> bool:
    """``bash <(curl ...)``, ``source <(curl ...)``, ``sh -c "$(curl ...)"``: the fetch *is* the program."""
    for index, word in enumerate(runner.words[1:], start=1):
        if not (word.start <= fetcher.start < word.end):
            continue
        if word.raw.startswith("<("):
            return not any(not w.value.startswith("-") for w in runner.words[1:index])
        previous = runner.words[index - 1].value
        return previous.startswith("-") and "c" in previous[1:] and word.value.lstrip().startswith(("$(", "`"))
    return False
