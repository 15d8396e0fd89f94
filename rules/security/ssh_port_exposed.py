"""IL7010 ssh-port-exposed."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.security.shared import value_offset
from imagelint.variables import expand


@rule(
    code="IL7010",
    name="ssh-port-exposed",
    family="security",
    severity="warning",
    checkov=("CKV_DOCKER_1",),
    instructions=("EXPOSE",),
)
def ssh_port_exposed(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """The image EXPOSEs port 22: it runs an SSH server.

    ## Why
    An SSH daemon in a container is one more service with credentials to manage and attack, and
    it is not needed to get a shell: `docker exec` and `kubectl exec` do that with the platform's
    access control.

    ## Bad
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    EXPOSE 22
    CMD ["/usr/sbin/sshd", "-D"]
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 80 443
    ```
    ```dockerfile
    FROM gitea/gitea:1.22
    EXPOSE 2222
    ```

    ## Fix
    Drop the SSH server and `EXPOSE 22`; use `docker exec` / `kubectl exec` for shell access.
    """
    for instruction in ctx.of("EXPOSE"):
        if instruction.stage not in ctx.shipped_stages:
            continue
        for word in instruction.words():
            text = expand(word, instruction.scope).text if instruction.scope is not None and "$" in word else word
            port = text.split("/", 1)[0]
            low, _, high = port.partition("-")
            if low.isdigit() and (int(low) == 22 or (high.isdigit() and int(low) <= 22 <= int(high))):
                yield Violation(
                    "EXPOSE 22 publishes an SSH server; drop sshd and use docker exec / kubectl exec for shell access",
                    instruction,
                    offset=value_offset(instruction, word),
                )
