"""hadolint's rule catalogue, and imagelint's answer to each rule: the imagelint rules that declare it
(``hadolint=`` on a rule), or why none does, and where an equivalent deliberately reads the case
differently.

Stored once, used by ``imagelint rules``, ``imagelint explain DLxxxx``, the ``.hadolint.yaml``
reader, docs/migrating.md and docs/hadolint-comparison.md (both generated from it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imagelint.rule import Rule

HADOLINT_VERSION = "2.15.1"

# hadolint 2.15.1's rules (src/Hadolint/Rule/DL*.hs): code -> (default severity, what it checks).
# DL1000 is hadolint's parse-error code, not a rule; DL3005, DL3017, DL3031 and DL3039 were removed.
HADOLINT_RULES: dict[str, tuple[str, str]] = {
    "DL1001": ("ignore", 'Inline `# hadolint ignore=` pragma used (opt-in "no pragmas" policy)'),
    "DL3000": ("error", "WORKDIR must be absolute"),
    "DL3001": ("info", "Pointless commands in RUN (ssh, vim, shutdown, service, ps, free, top, kill, mount)"),
    "DL3002": ("warning", "Last USER should not be root (checked per stage)"),
    "DL3003": ("warning", "Use WORKDIR, not `cd`"),
    "DL3004": ("error", "Do not use sudo"),
    "DL3006": ("warning", "Tag the image explicitly"),
    "DL3007": ("warning", "Do not use `:latest`"),
    "DL3008": ("warning", "Pin versions in `apt-get install`"),
    "DL3009": ("info", "Delete /var/lib/apt/lists after install (cache/tmpfs mount accepted)"),
    "DL3010": ("info", "COPY of an archive that a later RUN extracts: use ADD"),
    "DL3011": ("error", "EXPOSE port outside 0–65535"),
    "DL3012": ("error", "Multiple HEALTHCHECK"),
    "DL3013": ("warning", "Pin versions in pip"),
    "DL3014": ("warning", "`apt-get install` without `-y`"),
    "DL3015": ("info", "Missing `--no-install-recommends`"),
    "DL3016": ("warning", "Pin versions in npm"),
    "DL3018": ("warning", "Pin versions in `apk add`"),
    "DL3019": ("info", "`apk add` without `--no-cache`"),
    "DL3020": ("error", "Use COPY instead of ADD for files/folders"),
    "DL3021": ("error", "COPY with more than 2 args: destination must end in `/`"),
    "DL3022": ("warning", "`COPY --from` must name an earlier FROM alias"),
    "DL3023": ("error", "`COPY --from` names its own stage"),
    "DL3024": ("error", "FROM aliases must be unique"),
    "DL3025": ("warning", "Use JSON (exec) form for CMD/ENTRYPOINT (HEALTHCHECK too since 2.15)"),
    "DL3026": ("error", "FROM image not from an allowed registry (`trustedRegistries`)"),
    "DL3027": ("warning", "Do not use `apt`; use apt-get/apt-cache"),
    "DL3028": ("warning", "Pin versions in `gem install`"),
    "DL3029": ("warning", "Do not use `FROM --platform`"),
    "DL3030": ("warning", "`yum install` without `-y`"),
    "DL3032": ("warning", "`yum clean all` missing"),
    "DL3033": ("warning", "Pin versions in yum"),
    "DL3034": ("warning", "`zypper install` without `-y`"),
    "DL3035": ("warning", "Do not use `zypper dist-upgrade`"),
    "DL3036": ("warning", "`zypper clean` missing"),
    "DL3037": ("warning", "Pin versions in zypper"),
    "DL3038": ("warning", "`dnf install` without `-y`"),
    "DL3040": ("warning", "`dnf clean all` missing"),
    "DL3041": ("warning", "Pin versions in dnf"),
    "DL3042": ("warning", "pip without `--no-cache-dir` (or `PIP_NO_CACHE_DIR`)"),
    "DL3043": ("error", "ONBUILD triggering ONBUILD/FROM/MAINTAINER"),
    "DL3044": ("error", "ENV refers to a variable defined in the same ENV statement"),
    "DL3045": ("warning", "COPY to a relative destination with no WORKDIR set"),
    "DL3046": ("warning", "`useradd` without `-l` and with a high UID (huge sparse lastlog)"),
    "DL3047": ("info", "`wget` without `--progress` (bloated logs)"),
    "DL3048": ("style", "Invalid label key"),
    "DL3049": ("info", "Required label missing (label-schema)"),
    "DL3050": ("info", "Superfluous label (strict-labels)"),
    "DL3051": ("warning", "Label is empty"),
    "DL3052": ("warning", "Label is not a valid URL"),
    "DL3053": ("warning", "Label is not RFC3339 time"),
    "DL3054": ("warning", "Label is not an SPDX license"),
    "DL3055": ("warning", "Label is not a git hash"),
    "DL3056": ("warning", "Label is not semver"),
    "DL3057": ("ignore", "HEALTHCHECK missing (opt-in)"),
    "DL3058": ("warning", "Label is not an RFC5322 email"),
    "DL3059": ("info", "Consecutive RUNs: consider merging (only if same flags and ≤2 commands each)"),
    "DL3060": ("info", "`yarn cache clean` missing after `yarn install`"),
    "DL3061": ("error", "File must begin with FROM, ARG or a comment"),
    "DL3062": ("warning", "Pin versions in `go install` (`@version`)"),
    "DL3063": ("warning", "Stage name is a reserved word (`scratch`, `context`)"),
    "DL3064": ("warning", "Sensitive-looking ARG/ENV name (known list + substrings such as password, token, username)"),
    "DL3065": ("warning", "`FROM --platform=$TARGETPLATFORM` is redundant"),
    "DL3066": ("info", "USER with a non-numeric UID"),
    "DL3067": ("warning", "`COPY --from=<stage> / /`: copies a whole filesystem"),
    "DL4000": ("error", "MAINTAINER is deprecated"),
    "DL4001": ("warning", "Both wget and curl used"),
    "DL4003": ("warning", "Multiple CMD"),
    "DL4004": ("error", "Multiple ENTRYPOINT"),
    "DL4005": ("warning", "Use SHELL instead of relinking /bin/sh"),
    "DL4006": ("warning", "Set `-o pipefail` (via SHELL) before a RUN with a pipe"),
}


# Codes hadolint once had and removed before 2.15: a config or pragma may still name them.
REMOVED_RULES: dict[str, str] = {
    "DL3005": "`apt-get upgrade`",
    "DL3017": "`apk upgrade`",
    "DL3031": "`yum update`",
    "DL3039": "`dnf upgrade`",
}
_REMOVED_ANSWER = "hadolint removed this rule; imagelint's IL6005 upgrade-all-packages reports such upgrades (at info)"

# Why no imagelint rule declares these codes.
NOT_COVERED: dict[str, str] = {
    "DL1001": (
        "a policy on pragmas rather than a check of the Dockerfile: `disable-ignore-pragma = true` in the "
        "config (or hadolint's `disable-ignore-pragma: true`) makes every inline ignore do nothing, which "
        "enforces the same policy without a finding per comment"
    ),
    "DL3057": (
        "hadolint ships it switched off, and Kubernetes and most orchestrators ignore HEALTHCHECK, so a "
        "Dockerfile rule would be noise for most images; `imagelint analyze` reports a built image without "
        "HEALTHCHECK as IL9005 image-without-healthcheck"
    ),
}

# Where an equivalent deliberately reads a case differently from hadolint 2.15.1, by DL code.
# docs/hadolint-comparison.md shows these next to the documented examples the two tools disagree on.
DIFFERENCES: dict[str, str] = {
    "DL3000": "A relative WORKDIR after an absolute one (inherited from a parent stage too), or one whose variable "
    "expands to an absolute path, is well defined: BuildKit resolves it against the previous WORKDIR, and its own "
    "WorkdirRelativePath check stays silent there. hadolint reports every WORKDIR whose text is not absolute.",
    "DL3001": "A command with a job at build time is left alone: a service started and then used in the same RUN "
    "(initialising a database), `kill` or `ps` after the same RUN sent a process to the background, vim run as a "
    "script, ssh over a forwarded agent (`--mount=type=ssh`). imagelint also reports `ifconfig` (named in DL3001's "
    "message, missing from its check), shutdown's siblings, and commands behind a path (`/usr/bin/vim`) or `sudo`.",
    "DL3002": "hadolint reports only an explicit `USER root`; IL7001 also reports a final stage that sets no USER at "
    "all (hadolint #328, #359), and checks only the stage that ships, not builder stages (hadolint #405, #1068).",
    "DL3003": "Only a RUN that starts by `cd`-ing into one directory for the whole script is reported; scripts that "
    "move around (into a just-unpacked source tree, into /tmp for a download) are what `cd` is for.",
    "DL3006": "imagelint resolves ARG defaults in FROM (hadolint #339): `ARG BASE=python` / `FROM ${BASE}` is an "
    "untagged image, which hadolint cannot see.",
    "DL3007": "imagelint resolves ARG defaults in FROM (hadolint #339): `ARG TAG=latest` / `FROM node:${TAG}` is "
    ":latest, which hadolint cannot see.",
    "DL3010": "hadolint knows only tar archives; imagelint also reports a zip that a later RUN unzips (the copy "
    "then stays in a layer just the same).",
    "DL3011": "`EXPOSE 8080:80` is a hadolint parse error (DL1000, nothing else is checked); imagelint parses it "
    "and reports the host:container mapping EXPOSE cannot do.",
    "DL3014": "`-o APT::Get::Assume-Yes=true` and an apt.conf line written earlier (`APT::Get::Assume-Yes \"true\";`) "
    "answer the prompt as `-y` does.",
    "DL3015": "An apt.conf line written earlier (`APT::Install-Recommends \"0\";`) does what the option does, and a "
    "builder stage's packages never reach the image.",
    "DL3016": "`yarn add` and `pnpm add` name packages as `npm install` does, so imagelint checks them too.",
    "DL3018": "Packages the build computes (`runDeps=\"$(scanelf --needed ...)\"; apk add $runDeps`) are not names "
    "anyone can pin.",
    "DL3019": "The cache is judged as what stays in the layer: `rm -rf /var/cache/apk/*` in the same RUN keeps it "
    "out, `apk update` writes the index even when the add uses `--no-cache`, and builder stages do not ship.",
    "DL3022": "imagelint resolves ARG defaults in `COPY --from=${BUILDER}`; hadolint reads the unexpanded name as an "
    "unknown stage.",
    "DL3025": "A shell-form CMD is right when the SHELL is PowerShell or cmd (there is no exec form to use instead), "
    "and `CMD exec app ...` already replaces the shell with the program, so signals reach it.",
    "DL3029": "Only a constant platform is reported, and not in a stage whose name marks it as per-platform "
    "(`AS fetch-amd64`), as BuildKit's FromPlatformFlagConstDisallowed does; a platform from a build argument is "
    "whatever the build passes.",
    "DL3035": "IL6005 reports every whole-system upgrade (`apt-get upgrade`, `apk upgrade`, `dnf upgrade`, zypper's "
    "`dist-upgrade`, at info), as hadolint did before it removed DL3005/DL3017/DL3031/DL3039.",
    "DL3038": "microdnf never asks for confirmation, so it needs no `-y`; hadolint reads it as dnf.",
    "DL3040": "A BuildKit cache mount on /var/cache/dnf keeps the cache out of the layer (hadolint #1139).",
    "DL3041": "Package groups (`@development-tools`), local .rpm files and capabilities (`perl(JSON)`) are not "
    "package names with a version to pin.",
    "DL3042": "`rm -rf /root/.cache/pip` in the same RUN keeps the cache out of the layer, and a builder stage's "
    "cache never reaches the image.",
    "DL3046": "hadolint reads only `-u`; `--uid 1000000` makes the same multi-gigabyte sparse lastlog file.",
    "DL3047": "BusyBox's wget (Alpine and BusyBox images that did not install GNU wget) prints one progress line "
    "in a build and rejects `--progress` (`unrecognized option`), so it is not reported there and the fix adds "
    "`-nv`, which every wget accepts; `--progress=bar` still prints a line per 50 KB without a terminal (GNU wget "
    "1.21: 595 lines for 30 MB), so it is reported.",
    "DL3048": "hadolint skips a LABEL whose value holds a variable, the legacy `LABEL key value` form and quoted "
    "keys, which imagelint checks like any other; the labels Docker asks Desktop extensions to set "
    "(`com.docker.extension.*`) are Docker's own use of its namespace. Only the shipped image's labels count.",
    "DL3052": "A value from a build argument (`LABEL org.opencontainers.image.url=$URL`) is known only to the build; "
    "hadolint checks the text `$URL` itself.",
    "DL3053": "A value from a build argument is left to the build. imagelint follows RFC 3339's grammar strictly: "
    "hadolint also accepts `+0200` offsets and `12:00:00.Z`.",
    "DL3054": "imagelint accepts SPDX license expressions (`MIT OR Apache-2.0`, `... WITH ...-exception`, "
    "`LicenseRef-...`), which the OCI `licenses` annotation asks for, with identifiers matched without regard to "
    "case as the SPDX specification says; hadolint accepts one case-exact current identifier only. A value from "
    "a build argument is left to the build.",
    "DL3055": "Abbreviated hashes longer than 7 digits (git prints more in large repositories) and 64-digit SHA-256 "
    "object names are git hashes too; a value from a build argument is left to the build.",
    "DL3056": "imagelint follows Semantic Versioning 2.0.0 strictly (no leading zeros, no empty pre-release or "
    "build part, which hadolint accepts); a value from a build argument is left to the build.",
    "DL3058": "`Jane Doe <jane@example.com>` is an RFC 5322 mailbox (the usual maintainer label); hadolint accepts "
    "a bare address only. A value from a build argument is left to the build.",
    "DL3059": "Only two small consecutive installs with the same package manager are reported, never in builder "
    "stages: merging unrelated steps hurts caching (hadolint #715, #1056). `mode = \"any\"` gives DL3059's behaviour.",
    "DL3060": "npm's and pnpm's caches are left in the layer the same way as yarn's, so imagelint checks them too.",
    "DL3061": "hadolint cannot parse these files at all (DL1000, and nothing else is checked); imagelint reports the "
    "syntax error at its line and lints the rest.",
    "DL3062": "`go get` in GOPATH mode of a package copied into GOPATH, and a tool whose version go.mod pins, need "
    "no `@version`.",
    "DL3064": "Public key fingerprints (`GPG_KEY`), `*_FILE` paths and build arguments that only a builder stage "
    "uses are not secrets in the image.",
    "DL3066": "Only the user the shipped image runs as matters to Kubernetes' runAsNonRoot; a builder stage's USER, "
    "or one a later USER replaces, is not reported.",
    "DL3067": "Copying a whole filesystem into `FROM scratch`, or from a stage that itself starts from scratch "
    "(tool images such as tonistiigi/xx), doubles nothing.",
    "DL4005": "What counts is the link replacing /bin/sh (or /usr/bin/sh, the same file on merged-/usr systems, "
    "which hadolint misses); hadolint reports any `ln` that mentions /bin/sh, such as a compatibility link to it. "
    "A builder stage's /bin/sh is not the image's.",
    "DL4006": "`set -o pipefail` inside the RUN protects its pipes as well as a SHELL does, and only pipes whose "
    "failure would really be lost are reported.",
}


@dataclass(frozen=True)
class HadolintRule:
    """One hadolint rule and what imagelint has for it."""

    code: str
    severity: str  # hadolint's default severity ("ignore": off unless configured)
    meaning: str
    equivalents: tuple[Rule, ...]  # imagelint rules that declare this code
    not_covered: str | None  # why no imagelint rule covers it (None when one does)
    differences: str | None  # where the equivalents deliberately differ from hadolint
    removed: bool = False  # a code hadolint removed before 2.15

    @property
    def status(self) -> str:
        """One line: the equivalents, or why there is none."""
        if self.equivalents:
            return ", ".join(f"{rule.code} {rule.name}" for rule in self.equivalents)
        return f"not covered: {self.not_covered}"


def hadolint_rule(code: str, rules: Mapping[str, Rule]) -> HadolintRule | None:
    """What imagelint has for hadolint's ``code`` (any case; a removed code too), or None when
    hadolint 2.15 never had such a rule. ``rules`` is the registry (code -> rule)."""
    wanted = code.strip().upper()
    equivalents = tuple(rule for rule in rules.values() if wanted in rule.hadolint)
    if wanted in HADOLINT_RULES:
        severity, meaning = HADOLINT_RULES[wanted]
        reason = None if equivalents else NOT_COVERED.get(wanted, "no imagelint rule yet")
        return HadolintRule(wanted, severity, meaning, equivalents, reason, DIFFERENCES.get(wanted))
    if wanted in REMOVED_RULES:
        return HadolintRule(wanted, "removed", REMOVED_RULES[wanted], equivalents, _REMOVED_ANSWER, None, True)
    return None


def coverage(rules: Mapping[str, Rule]) -> list[HadolintRule]:
    """Every rule of hadolint 2.15.1, in code order, with imagelint's answer."""
    found = (hadolint_rule(code, rules) for code in sorted(HADOLINT_RULES))
    return [entry for entry in found if entry is not None]
