"""IL6017 unpinned-go-install."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.runs import Run, runs, subcommand
from imagelint.knowledge.steps import expand_word, is_under, resolve
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import first_word
from imagelint.shell import Command

_GO_MOVING = frozenset({"latest", "master", "main", "head", "upgrade", "patch"})
# Where GOPATH is when no ENV names it: the golang images set /go, go itself defaults to ~/go.
_DEFAULT_GOPATHS = ("/go", "/root/go")


@rule(
    code="IL6017",
    name="unpinned-go-install",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3062",),
    instructions=("RUN",),
    mentions=("go",),
)
def unpinned_go_install(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`go install pkg@latest` (or `@master`): a moving version.

    ## Why
    `@latest` and branch names resolve to whatever was pushed last, bypassing go.sum, and so does
    `go get pkg` without a version (it means `@upgrade`, or the default branch in GOPATH mode).
    Name a release (`@v1.2.3`) or a commit. `go install pkg` without `@` builds the version your
    `go.mod` requires (hadolint reports it anyway) and is fine; so is `go run pkg@v1.2.3`, and a
    GOPATH-mode `go get` of a package whose source a COPY put in `$GOPATH/src` (`COPY . /go/src/app`
    then `go get -d -v ./...`, or `go get github.com/x/app` after `COPY . /go/src/github.com/x/app`):
    it builds the copied source.

    ## Bad
    ```dockerfile
    FROM golang:1.25
    RUN go install golang.org/x/tools/gopls@latest
    ```
    ```dockerfile
    FROM golang:1.25
    RUN go get github.com/spf13/cobra
    ```

    ## Good
    ```dockerfile
    FROM golang:1.25
    RUN go install golang.org/x/tools/gopls@v0.16.1
    ```
    ```dockerfile
    FROM golang:1.25
    COPY . /src
    WORKDIR /src
    RUN go install ./cmd/... && go run github.com/google/wire/cmd/wire@v0.6.0
    ```
    ```dockerfile
    FROM golang:1.10
    COPY . /go/src/github.com/example/app
    RUN go get -d -v github.com/example/app/... && go install github.com/example/app/cmd/app
    ```
    ```dockerfile
    FROM golang:1.25
    COPY go.mod go.sum ./
    # the tool's version comes from go.mod
    RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2
    ```

    ## Fix
    Replace `@latest` with a version tag such as `@v1.2.3`.
    """
    for run in runs(ctx):
        copied: list[str] | None = None  # COPY/ADD destinations before this RUN, worked out when needed
        for script, command in run.commands("go"):
            verb = subcommand(command)
            if verb not in ("install", "run", "get"):
                continue
            for package in command.positionals()[1:]:
                if "$" in package or package.startswith((".", "/")) or package in ("all", "std", "cmd"):
                    continue
                if verb == "get" and "@" not in package:
                    copied = _copied_destinations(ctx, run) if copied is None else copied
                    if _in_copied_gopath(run, command, package, copied):
                        continue  # GOPATH mode: the source was copied in, go get only builds it
                path, at, version = package.rpartition("@")
                if at and version.lower() in _GO_MOVING:
                    message = f"go {verb} {package} uses the moving version '@{version}'; pin a release ({path}@v1.2.3)"
                elif not at and verb == "get" and "." in package.split("/", 1)[0]:
                    # `go get pkg` means pkg@upgrade (module mode) or the default branch (GOPATH mode).
                    message = f"go get {package} fetches whatever is newest; pin a release ({package}@v1.2.3)"
                else:
                    continue
                yield script.violation(message, command, word=first_word(command, package))
                break


def _copied_destinations(ctx: LintContext, run: Run) -> list[str]:
    """Where the COPY/ADD instructions before a RUN, in its stage and the stages it is built
    FROM, put files (absolute; those hidden by a variable with no value left out)."""
    stage = ctx.stage_of(run.instruction)
    if stage is None:
        return []
    destinations = []
    workdir = "/"
    for link in reversed(ctx.lineage(stage)):  # the oldest stage first: WORKDIR carries over
        for instruction in link.instructions:
            if link is stage and instruction.index >= run.instruction.index:
                break
            words = instruction.words()
            if instruction.keyword == "WORKDIR" and words:
                expanded = expand_word(words[0], instruction.scope)
                workdir = resolve(expanded, workdir) if expanded else workdir
            elif instruction.keyword in ("COPY", "ADD") and len(words) >= 2:
                expanded = expand_word(words[-1], instruction.scope)
                if expanded:
                    destinations.append(resolve(expanded, workdir))
    return destinations


def _in_copied_gopath(run: Run, command: Command, package: str, copied: list[str]) -> bool:
    """Whether ``go get <package>`` names a package whose source a COPY put in GOPATH/src
    (``COPY . /go/src/github.com/x/app``, then ``go get github.com/x/app/...``)."""
    gopath = run.shell_value("GOPATH", command)
    gopaths = gopath.split(":") if gopath else _DEFAULT_GOPATHS
    name = package.removesuffix("/...")
    for root in gopaths:
        source = resolve(f"src/{name}", root)
        if any(is_under(destination, f"{root.rstrip('/')}/src") and is_under(source, destination) for destination in copied):
            return True
    return False
