"""IL9004 compiler-in-final-image."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9004", name="compiler-in-final-image", family="image", severity="warning", target="image")
def compiler_in_final_image(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """The final image holds a compiler toolchain (gcc, clang, rustc, go, javac...).

    ## Why
    Compilers are needed to build, not to run. In the image you ship they add tens to hundreds of
    megabytes and give an intruder a ready-made toolchain.

    ## Bad
    ```dockerfile
    FROM python:3.12
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Good
    ```dockerfile
    FROM python:3.12 AS build
    RUN pip wheel --wheel-dir /wheels -r requirements.txt
    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/*
    ```

    ## Fix
    Build in a builder stage and copy only the artifacts into a slim or distroless final stage.
    """
    compilers = ctx.analysis.compilers
    if not compilers:
        return
    names = ", ".join(item.path for item in compilers[:4]) + (f" and {len(compilers) - 4} more" if len(compilers) > 4 else "")
    first = compilers[0]
    yield ctx.violation(
        f"the final image holds compilers ({names}), installed by {ctx.describe(first.layer)}; "
        "build in a separate stage and copy only the results",
        first.layer,
    )
