"""IL6019 wget-without-progress-option."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext, RunScript
from imagelint.dockerfile import Stage
from imagelint.edits import insert_after_word
from imagelint.fixes import Fix
from imagelint.knowledge.base_images import hub_name, tag_tokens
from imagelint.knowledge.package_managers import APK
from imagelint.knowledge.runs import Run, runs, subcommand, written_config
from imagelint.rule import Rule, Violation, rule
from imagelint.shell import Command

# Progress styles that keep a download to a few lines of log when wget does not write to a
# terminal. Plain "dot" is the default there (a line per 50 KB), and "bar" without ":force" falls
# back to it.
_SHORT_STYLES = ("dot:binary", "dot:mega", "dot:giga", "bar:force")
# Short options of GNU wget that take a value: what follows them in a cluster is that value.
_VALUE_LETTERS = frozenset("OoaPtTUeiBwQlARD")
_SETTINGS = ("progress =", "progress=", "verbose = off", "verbose=off", "quiet = on", "quiet=on")
# Files too small for their progress to matter: signatures, checksums and keys (a line or two).
_SMALL_FILES = (
    ".asc", ".sig", ".sign", ".gpg", ".key", ".pub", ".pem", ".crt", ".md5", ".sha1", ".sha256", ".sha512", "sums",
)  # fmt: skip


@rule(
    code="IL6019",
    name="wget-without-progress-option",
    family="package-hygiene",
    severity="info",
    hadolint=("DL3047",),
    fixes=("safe",),
    instructions=("RUN",),
    mentions=("wget",),
)
def wget_without_progress_option(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """GNU `wget` without `-nv`, `-q` or a short `--progress` style fills the build log with dots.

    ## Why
    When its output is not a terminal, as in a build, GNU wget draws progress as dots: one line
    for every 50 KB. A 60 MB download writes 1,181 lines (89 KB) into the build log, which CI
    systems cut off or slow down on, burying the lines that matter. `-nv` (`--no-verbose`) prints
    one line per file and still prints errors; `--progress=dot:giga` prints a dot per megabyte.
    `--progress=bar` does not help: without a terminal wget falls back to dots.

    BusyBox's wget (Alpine and BusyBox images, unless `apk add wget` installs GNU wget) prints a
    single progress line and rejects `--progress`, so it is not reported there, nor is PowerShell's
    `wget` (Invoke-WebRequest) on Windows images. Logging to a file (`-o`, `-a`) and `wgetrc`
    settings written earlier in the image count as choosing quiet output. Signatures, checksums and
    keys (`.asc`, `.sig`, `.gpg`, `.sha256`, ...) are too small for their progress to matter.

    ## Bad
    ```dockerfile
    FROM debian:12-slim
    RUN wget -O /tmp/tool.tgz https://example.com/tool.tgz
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN apk add --no-cache wget && wget --progress=bar https://example.com/tool.tgz
    ```

    ## Good
    ```dockerfile
    FROM debian:12-slim
    RUN wget -nv -O /tmp/tool.tgz https://example.com/tool.tgz
    RUN wget --progress=dot:giga https://example.com/big.iso && wget -qO- https://example.com/x.sh | sh
    ```
    ```dockerfile
    FROM alpine:3.22
    RUN wget -O /tmp/tool.tgz https://example.com/tool.tgz
    ```

    ## Fix
    `imagelint fix` adds `-nv` right after `wget`: the same download, one line of log, errors
    still shown (BusyBox's wget accepts `-nv` too). Where that word cannot be placed exactly
    (escapes inside a `sh -c "..."` string) it only shows the advice.
    """
    for run in runs(ctx):
        stage = ctx.stage_of(run.instruction)
        if stage is not None and ctx.is_windows(stage):
            continue  # PowerShell's wget is Invoke-WebRequest
        for script, command in run.commands("wget"):
            problem = _noisy(command)
            if problem is None or _busybox_wget(ctx, run, command) or written_config(ctx, run.instruction, *_SETTINGS):
                continue
            yield script.violation(problem, command, fix=_add_no_verbose(script, command))


def _noisy(command: Command) -> str | None:
    """Why this wget call fills the build log, or None when its output is kept short."""
    args = command.args
    if command.has_option("--version", "-V", "--help", "-h", value_options=()):
        return None
    if command.has_option("--quiet", "--no-verbose", "--output-file", "--append-output", value_options=()):
        return None
    if any(_short_options_quiet(arg) for arg in args):
        return None
    urls = [arg for arg in command.positionals() if "://" in arg or arg.startswith("$")]
    if urls and all(url.rstrip("\"'").lower().endswith(_SMALL_FILES) for url in urls):
        return None  # a signature or key: a line or two of progress
    executed = [value.replace(" ", "").lower() for value in command.option_values("-e", "--execute")]
    if any(value.startswith(("progress=", "verbose=off", "quiet=on")) for value in executed):
        return None
    styles = command.option_values("--progress")
    if styles:
        style = styles[-1].lower()
        if style.startswith(_SHORT_STYLES):
            return None
        return (
            f"wget --progress={style} still prints a line per 50 KB when the output is not a terminal, "
            "as in a build; use -nv or --progress=dot:giga"
        )
    return "wget prints a progress line per 50 KB into the build log; add -nv (or --progress=dot:giga)"


def _short_options_quiet(arg: str) -> bool:
    """A cluster of GNU wget's short options that makes its output short: ``-q``, ``-nv`` (``-n``
    takes the rest of the word: ``-qnv``), or ``-o``/``-a`` (log to a file)."""
    if len(arg) < 2 or arg[0] != "-" or arg[1] == "-":
        return False
    for index, letter in enumerate(arg[1:], start=1):
        if letter == "q":
            return True
        if letter == "n":
            return "v" in arg[index + 1 :]
        if letter in ("o", "a"):
            return True
        if letter in _VALUE_LETTERS:
            return False
    return False


def _busybox_wget(ctx: LintContext, run: Run, command: Command) -> bool:
    """Whether this is BusyBox's wget: an Alpine or BusyBox image that did not install GNU wget
    (``apk add wget``) in any RUN up to this command."""
    stage = ctx.stage_of(run.instruction)
    if stage is None or not _busybox_based(ctx, stage):
        return False
    for other in runs(ctx):
        written_in = other.instruction.stage
        if written_in < 0 or other.instruction.index > run.instruction.index:
            continue
        if not ctx.is_built_from(stage, ctx.stages[written_in]):
            continue
        for _, apk in other.commands(*APK.commands):
            if other is run and apk.start > command.start:
                break
            names = apk.positionals()[1:]
            installed = {name.split(APK.pin_separator)[0].split("~")[0] for name in names}
            if subcommand(apk) in APK.installs and "wget" in installed:
                return False
    return True


def _busybox_based(ctx: LintContext, stage: Stage) -> bool:
    root = ctx.root_stage(stage).base
    name = hub_name(root) or root.name.lower()
    tokens = tag_tokens(root.tag)
    return name in ("alpine", "busybox") or name.endswith("/alpine") or any(t.startswith("alpine") for t in tokens)


def _add_no_verbose(script: RunScript, command: Command) -> Fix | str:
    """`` -nv`` after the program name: the download is the same, wget's log is one line and its
    errors are still printed. GNU wget, wget2 and BusyBox's wget all accept it."""
    if command.has_option("-v", "--verbose", "-d", "--debug", value_options=()):
        return "wget -nv ... (and drop -v)"
    edit = insert_after_word(script, command, 0, " -nv")
    if edit is None:
        return "wget -nv ..."
    return Fix("add -nv to wget", "safe", (edit,))
