"""IL7013 hardcoded-password-in-run."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.user_accounts import USERADD_VALUE_OPTIONS
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import at_command_start


@rule(
    code="IL7013",
    name="hardcoded-password-in-run",
    family="security",
    severity="warning",
    checkov=("CKV2_DOCKER_17",),
    instructions=("RUN",),
    mentions=("openssl", "passwd", "useradd", "usermod"),
)
def hardcoded_password_in_run(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """A RUN sets an account password from a literal (`echo 'root:pw' | chpasswd`, `useradd -p`, `openssl passwd pw`).

    ## Why
    The password is readable in the Dockerfile, in the image history and (as a hash) in
    `/etc/shadow` of every container: every copy of the image shares it. Containers rarely need
    account passwords at all.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd -m app && echo 'app:Sup3rS3cret' | chpasswd
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd -m -p "$(openssl passwd -6 hunter2)" app
    ```

    ## Good
    ```dockerfile
    FROM ubuntu:24.04
    RUN useradd --create-home --shell /usr/sbin/nologin app
    ```
    ```dockerfile
    FROM ubuntu:24.04
    RUN --mount=type=secret,id=app_password \\
        echo "app:$(cat /run/secrets/app_password)" | chpasswd
    ```

    ## Fix
    Do not give accounts passwords in the image; if one is needed, set it at run time or from a
    build secret (`RUN --mount=type=secret`).
    """
    for run in ctx.run_scripts:
        for pipeline in run.script.pipelines():
            for index, command in enumerate(pipeline):
                if command.name not in ("chpasswd", "passwd"):
                    continue
                if command.name == "passwd" and not command.has_option("--stdin"):
                    continue
                feeds = [c for c in pipeline[:index] if c.name in ("echo", "printf")]
                texts = [" ".join(a for a in c.args if not a.startswith("-")) for c in feeds]
                texts += [r.target.value for r in command.redirects if r.op == "<<<" and r.target is not None]
                if any(_literal_password_line(t, command.name) for t in texts):
                    yield at_command_start(
                        run,
                        feeds[0] if feeds else command,
                        f"{command.name} sets a password written in the Dockerfile; avoid account passwords or read it "
                        "from RUN --mount=type=secret",
                    )
        for command in run.commands("useradd", "usermod"):
            password = command.option_value("-p", "--password", value_options=USERADD_VALUE_OPTIONS)
            if password and not password.startswith("$(") and "`" not in password and (
                "$" not in password or re.match(r"^\$(?:1|2[aby]?|5|6|y)\$", password)
            ):
                yield at_command_start(
                    run,
                    command,
                    f"{command.name} -p sets a password hash written in the Dockerfile; avoid account passwords in images",
                )
        for command in run.commands("openssl"):
            positionals = command.positionals(value_options={"-salt", "-in"})
            if positionals[:1] == ["passwd"] and len(positionals) > 1 and "$" not in positionals[-1]:
                yield at_command_start(
                    run, command, "openssl passwd hashes a password written in the Dockerfile; avoid account passwords in images"
                )


def _literal_password_line(text: str, program: str) -> bool:
    """``user:password`` (chpasswd) or ``password`` (passwd --stdin) with no variable or substitution."""
    text = text.strip().replace("\\n", "\n")
    if not text or "$" in text or "`" in text:
        return False
    if program == "passwd":
        return True
    return any(":" in line and line.split(":", 1)[1].strip() for line in text.splitlines())
