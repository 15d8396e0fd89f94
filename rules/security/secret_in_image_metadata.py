"""IL7102 secret-in-image-metadata."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imagelint.rule import Rule, Violation, rule

if TYPE_CHECKING:
    from imagelint.image.context import ImageContext


@rule(code="IL7102", name="secret-in-image-metadata", family="security", severity="error", target="image")
def secret_in_image_metadata(ctx: ImageContext, rule: Rule) -> Iterator[Violation]:
    """A secret-looking value is stored in the image's ENV or recorded in its build history.

    ## Why
    Anyone who can pull the image reads its environment (`docker inspect`) and its history
    (`docker history --no-trunc`), build arguments included. Deleting the variable later does not
    remove it from the history. The value is shown as REDACTED in every output of imagelint.

    ## Bad
    ```dockerfile
    FROM alpine:3.20
    ENV DB_PASSWORD=hunter2-but-longer
    ```

    ## Good
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=secret,id=db_password cat /run/secrets/db_password > /dev/null
    ```

    ## Fix
    Pass secrets at run time (environment, mounted files) or use build secrets
    (`RUN --mount=type=secret`), never `ENV` or `ARG`; then rotate the exposed credential.
    """
    from imagelint.image.secrets import find_secrets

    for secret in find_secrets(ctx.image):  # imagelint.analyze has already registered them for redaction
        row = ctx.row_of_history(secret.history_index) if secret.history_index is not None else None
        if secret.where == "build step":
            what = f"{ctx.describe(row)} contains {secret.kind} (REDACTED)"
        elif secret.where == "build argument":
            what = f"build argument {secret.name} holds {secret.kind} (REDACTED), recorded in the history by {ctx.describe(row)}"
        else:
            what = f"ENV {secret.name} holds {secret.kind} (REDACTED)"
        yield ctx.violation(f"{what}; anyone who pulls the image can read it: pass secrets at run time", row)
