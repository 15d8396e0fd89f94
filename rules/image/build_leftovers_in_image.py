"""IL9003 build-leftovers-in-image."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule
from imagelint.rules.image.shared import PACKAGE_CATEGORIES, leftover_findings

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9003", name="build-leftovers-in-image", family="image", severity="info", target="image",
      options={"min-bytes": 10_000}, fixes=("unsafe",))  # fmt: skip
def build_leftovers_in_image(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The image keeps build debris: `.git` folders, `__pycache__` folders, files in `/tmp`.

    ## Why
    A `.git` folder ships the project's whole history (and sometimes credentials in its config);
    temporary files and bytecode caches are rebuilt on demand. Reported from `min-bytes` (default
    10 kB) of visible files per folder and layer.

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    ENV PYTHONDONTWRITEBYTECODE=1
    COPY . /app
    ```
    ```context
    .dockerignore = .git\\n__pycache__\\n
    ```

    ## Fix
    Keep `.git` and caches out with `.dockerignore`, delete temporary files in the `RUN` that made
    them, and set `PYTHONDONTWRITEBYTECODE=1` where bytecode is written at build time.

    With the Dockerfile that built the image, `imagelint fix --image IMAGE Dockerfile --unsafe`
    appends `rm -rf` of them to the RUN that wrote them: the folder itself when that RUN created it,
    else what that RUN put in it. Leftovers a COPY brought in are for `.dockerignore`
    (`imagelint fix --dockerignore`).

    ## Fix safety
    Unsafe: a later step, or the application, may still read the files (a `.git` folder for a
    version string, `/tmp` files a later RUN uses, bytecode that saves start-up time).
    """
    minimum = rule.options["min-bytes"]
    yield from leftover_findings(ctx, minimum, lambda category: category not in PACKAGE_CATEGORIES, "unsafe")
