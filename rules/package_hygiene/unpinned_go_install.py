"""IL6017 unpinned-go-install."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.runs import runs, subcommand
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.package_hygiene.shared import first_word

_GO_MOVING = frozenset({"latest", "master", "main", "head", "upgrade", "patch"})


@rule(code="IL6017", name="unpinned-go-install", family="package-hygiene", severity="info", hadolint=("DL3062",))
def unpinned_go_install(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """`go install pkg@latest` (or `@master`): a moving version.

    ## Why
    `@latest` and branch names resolve to whatever was pushed last, bypassing go.sum, and so does
    `go get pkg` without a version (it means `@upgrade`, or the default branch in GOPATH mode).
    Name a release (`@v1.2.3`) or a commit. `go install pkg` without `@` builds the version your
    `go.mod` requires (hadolint reports it anyway) and is fine; so is `go run pkg@v1.2.3`.

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
    FROM golang:1.25
    COPY go.mod go.sum ./
    # the tool's version comes from go.mod
    RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2
    ```

    ## Fix
    Replace `@latest` with a version tag such as `@v1.2.3`.
    """
    for run in runs(ctx):
        for script, command in run.commands("go"):
            verb = subcommand(command)
            if verb not in ("install", "run", "get"):
                continue
            for package in command.positionals()[1:]:
                if "$" in package or package.startswith((".", "/")) or package in ("all", "std", "cmd"):
                    continue
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
