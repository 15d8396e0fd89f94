"""IL8024 invalid-label-key."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.labels import ImageLabel, labels_of
from imagelint.rule import Rule, Violation, rule

# Docker's guidelines for label keys: lower-case letters, digits, "." and "-", starting with a
# letter, with no ".." or "--". As hadolint 2.15.1's DL3048 (measured), a key may also end in a
# digit and hold "_": no tool mistakes `build_id`, and renaming it would break whoever reads it.
_KEY = re.compile(r"[a-z](?:[a-z0-9._-]*[a-z0-9])?")
# Namespaces Docker keeps for itself, and the labels in them Docker asks images to set (the
# metadata of Docker Desktop extensions).
RESERVED_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")
DOCKER_DEFINED_PREFIXES = ("com.docker.extension.", "com.docker.desktop.extension.")


@rule(
    code="IL8024",
    name="invalid-label-key",
    family="correctness",
    severity="style",
    hadolint=("DL3048",),
    instructions=("LABEL",),
)
def invalid_label_key(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A label key breaks Docker's key format, or sits in a namespace Docker reserves.

    ## Why
    Docker's guidelines for label keys: lower-case letters, digits, `.` and `-` (`_` is accepted
    too, as hadolint does), beginning with a letter and ending with a letter or digit, no `..` or
    `--`, and your own reverse-DNS prefix (`org.opencontainers.image.*` for the OCI annotations).
    `com.docker.*`, `io.docker.*` and `org.dockerproject.*` are Docker's, except the labels Docker
    asks extensions to set (`com.docker.extension.*`, `com.docker.desktop.extension.*`). Keys that
    follow this are the ones tools look up; `Version` and `version` are two different labels to
    them. Only the labels of the image you ship are checked, and keys that come from a build
    argument are left alone.

    ## Bad
    ```dockerfile
    FROM alpine:3.22
    LABEL Description="Fluentd log forwarder"
    ```
    ```dockerfile
    FROM alpine:3.22
    LABEL com.docker.build.host="ci-7"
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.22
    LABEL org.opencontainers.image.description="Fluentd log forwarder" maintainer="jane@example.com"
    ```
    ```dockerfile
    FROM alpine:3.22
    LABEL com.docker.desktop.extension.api.version=">= 0.2.2" com.docker.extension.publisher-url="https://example.com"
    ```

    ## Fix
    Rename the key (`org.opencontainers.image.description` for a description). Whoever reads the
    old key has to read the new one: imagelint does not rename it for you.
    """
    for stage in ctx.final_lineage:
        for instruction in stage.instructions:
            if instruction.keyword != "LABEL":
                continue
            for label in labels_of(instruction):
                problem = key_problem(label)
                if problem:
                    yield Violation(problem, label.instruction, offset=label.offset, end_offset=label.end_offset)


def key_problem(label: ImageLabel) -> str | None:
    key = label.key
    if key.startswith(RESERVED_PREFIXES) and not key.startswith(DOCKER_DEFINED_PREFIXES):
        namespace = key.split(".", 2)
        reserved = ".".join(namespace[:2])
        return f"label key {key} is in the {reserved}.* namespace Docker reserves; use your own reverse-DNS prefix"
    if _KEY.fullmatch(key) and ".." not in key and "--" not in key:
        return None
    suggestion = re.sub(r"[-.]{2,}", lambda m: m.group(0)[0], re.sub(r"[^a-z0-9._-]+", "-", key.lower())).strip("._-")
    hint = f" (e.g. {suggestion})" if suggestion and suggestion != key and _KEY.fullmatch(suggestion) else ""
    return f"label key {key} is not in Docker's key format; use lower-case letters, digits, '.', '-' and '_'{hint}"
