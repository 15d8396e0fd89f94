"""IL9001 hidden-bytes-in-layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule
from imagelint.units import format_size

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL9001", name="hidden-bytes-in-layer", family="image", severity="warning", target="image",
      options={"min-bytes": 1_000_000}, fixes=("unsafe",))  # fmt: skip
def hidden_bytes_in_layer(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """A layer ships bytes that a later layer deletes or replaces: they are pulled but never seen.

    ## Why
    Deleting or changing a file in a later layer does not shrink the image: the first layer still
    carries the bytes, every pull downloads them, and the later layer adds a whiteout or a second copy
    (a `chmod`, `chown` or `touch` copies the whole file). Reported per layer that shipped the bytes,
    from `min-bytes` (default 1 MB) up.

    ## Bad
    ```dockerfile
    FROM debian:12
    RUN curl -o /tmp/sdk.tar.gz https://example.com/sdk.tar.gz && tar -xzf /tmp/sdk.tar.gz -C /opt
    RUN rm /tmp/sdk.tar.gz
    ```

    ## Good
    ```dockerfile
    FROM debian:12
    RUN curl -o /tmp/sdk.tar.gz https://example.com/sdk.tar.gz && tar -xzf /tmp/sdk.tar.gz -C /opt \\
        && rm /tmp/sdk.tar.gz
    ```

    ## Fix
    Create and remove temporary files in the same `RUN`; set modes and owners with `COPY --chmod`/
    `--chown` instead of a later `RUN chmod`; or build in one stage and `COPY --from` the result.

    With the Dockerfile that built the image (`imagelint fix --image IMAGE Dockerfile --unsafe`),
    imagelint moves the deletion into the RUN that wrote the files (`&& rm -rf PATH` appended there,
    the `rm` dropped from the later RUN, and that RUN removed when the deletion was all it did); a
    file that the later RUN replaces or copies up (`chmod`, `dd of=`) cannot be separated, so that RUN
    is merged into the writing one. Both must be shell-form RUNs of the same stage, matched to the
    layers.

    ## Fix safety
    Unsafe: deleting earlier is only right when nothing between the two RUNs reads those files.
    imagelint refuses when a layer in between touches the paths or a RUN in between (or a command
    before the `rm`) names them, but a script can read a file without naming it. A merge runs the
    second RUN's commands before the metadata instructions that stood between the two, and makes
    one layer of two (a cache miss rebuilds both).
    """
    minimum = rule.options["min-bytes"]
    planner = ctx.fixes
    for row in ctx.analysis.layers:
        if row.index is None or row.wasted_bytes < minimum or not row.wasted_bytes:
            continue
        hider, hidden = max(row.hidden_by.items(), key=lambda item: (item[1], -item[0]))
        others = " (and later layers)" if len(row.hidden_by) > 1 else ""
        by = "itself" if hider == row.index else ctx.describe(hider)
        yield ctx.violation(
            f"{ctx.describe(row)} ships {format_size(row.wasted_bytes)} that are deleted or replaced by {by}{others}; "
            "create and clean up files in the same RUN",
            row,
            fix=planner.hidden_bytes_fix(row) if planner is not None else None,
        )
