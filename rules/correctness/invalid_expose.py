"""IL8010 invalid-expose."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.rule import Rule, Violation, rule
from imagelint.variables import expand


@rule(
    code="IL8010",
    name="invalid-expose",
    family="correctness",
    severity="error",
    hadolint=("DL3011",),
    buildkit=("ExposeInvalidFormat", "ExposeProtoCasing"),
    instructions=("EXPOSE",),
)
def invalid_expose(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """EXPOSE with a port outside 0-65535, a `host:container` mapping, an IP address or a bad protocol.

    ## Why
    EXPOSE documents which ports the container listens on; it cannot publish or map them
    (`docker run -p` does). `EXPOSE 8080:80` and `EXPOSE 0.0.0.0:80` are not what they look like,
    and an out-of-range port or an unknown protocol fails the build. Protocols are lower case
    (`80/tcp`, `53/udp`).

    ## Bad
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 8080:80
    ```
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 80/TCP 70000
    ```

    ## Good
    ```dockerfile
    FROM nginx:1.27
    ARG PORT=8080
    EXPOSE 80 443/tcp 53/udp 8000-8010 ${PORT}
    ```

    ## Fix
    List container ports only (`EXPOSE 80/tcp`) and publish them at run time with `-p 8080:80`.
    """
    for instruction in ctx.of("EXPOSE"):
        for word in instruction.words():
            text = word
            if "$" in word:
                expansion = expand(word, instruction.scope) if instruction.scope is not None else None
                if expansion is None or expansion.undefined or not expansion.text:
                    continue
                text = expansion.text
            problem = _expose_problem(text)
            if problem is not None:
                yield Violation(f"EXPOSE {word}: {problem}", instruction, offset=instruction.value.find(word))


def _expose_problem(text: str) -> str | None:
    port, slash, protocol = text.partition("/")
    if slash and protocol.lower() not in ("tcp", "udp", "sctp"):
        return f"unknown protocol '{protocol}'; use tcp, udp or sctp"
    if slash and protocol != protocol.lower():
        return f"write the protocol in lower case ({port}/{protocol.lower()})"
    if ":" in port:
        return "EXPOSE takes container ports only; it cannot map or bind them, publish with docker run -p instead"
    low, dash, high = port.partition("-")
    for part in (low, high) if dash else (low,):
        if not part.isdigit():
            return "not a port number; write a number from 0 to 65535"
        if int(part) > 65535:
            return "port out of range; ports go from 0 to 65535"
    return None
