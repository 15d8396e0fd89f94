"""Commands that describe rather than check: ``parse``, ``rules``, ``explain``, ``config from-hadolint``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from imagelint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    OutputFormat,
    UsageError,
    app,
)


@app.command()
def parse(
    paths: Annotated[list[str], typer.Argument(help="Dockerfiles to parse; '-' reads stdin.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
) -> None:
    """Print the parsed instruction stream (for debugging rules and for tools).

    Examples:

      imagelint parse Dockerfile

      imagelint parse --format text Dockerfile
    """
    from imagelint.dockerfile import DockerfileInputError, load, parse_bytes, read_stdin

    documents = []
    errors = []
    for given in paths:
        try:
            dockerfile = parse_bytes(read_stdin(sys.stdin), "-") if given == "-" else load(given, given)
        except DockerfileInputError as err:
            errors.append(str(err))
            continue
        documents.append({"file": given, "instructions": [_instruction_json(i) for i in dockerfile.instructions]})
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(documents, indent=2, ensure_ascii=False))
    else:
        for document in documents:
            for item in document["instructions"]:
                typer.echo(f"{document['file']}:{item['line']}-{item['end_line']}: {item['instruction']} {item['value']}")
    for error in errors:
        typer.echo(f"imagelint: {error}", err=True)
    raise typer.Exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _instruction_json(instruction) -> dict:
    return {
        "instruction": instruction.keyword,
        "line": instruction.line,
        "end_line": instruction.end_line,
        "flags": list(instruction.flags),
        "value": instruction.value,
        "heredocs": [{"name": h.name, "content": h.content} for h in instruction.heredocs],
        "stage": instruction.stage,
    }


@app.command("rules")
def list_rules(
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    hadolint: Annotated[
        bool, typer.Option("--hadolint", help="List hadolint's rules instead: each one's imagelint equivalent, or why there is none.")
    ] = False,
) -> None:
    """List every rule with its code, family, default severity and BuildKit and hadolint equivalents.

    The JSON form also gives each rule's checkov equivalents. The text form ends with the
    hadolint rules that have no imagelint equivalent, and why.

    Examples:

      imagelint rules

      imagelint rules --format json

      imagelint rules --hadolint
    """
    from imagelint.rule import registered_rules

    registry = registered_rules()
    if hadolint:
        _list_hadolint_rules(registry, output_format)
        return
    rules = list(registry.values())
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in rules], indent=2))
        return
    typer.echo(_rules_table(rules, _output_width()), nl=False)
    typer.echo(_hadolint_footer(registry, _output_width()), nl=False)


def _list_hadolint_rules(registry, output_format: OutputFormat) -> None:
    """``imagelint rules --hadolint``: every hadolint rule with its status."""
    from imagelint.knowledge.hadolint_rules import coverage

    entries = coverage(registry)
    if output_format is OutputFormat.json:
        shape = [
            {"code": e.code, "severity": e.severity, "checks": e.meaning, "equivalents": [r.code for r in e.equivalents],
             "not_covered": e.not_covered, "differences": e.differences}
            for e in entries
        ]  # fmt: skip
        typer.echo(json.dumps(shape, indent=2))
        return
    width = _output_width() - 1
    lines = []
    for entry in entries:
        lines += _hanging(f"{entry.code}  {entry.severity:<7}  ", entry.status, width)
    typer.echo("\n".join(lines))


def _hadolint_footer(registry, width: int) -> str:
    """What the table cannot show: the hadolint rules no imagelint rule declares, and why."""
    from imagelint.knowledge.hadolint_rules import HADOLINT_VERSION, coverage

    entries = coverage(registry)
    missing = [e for e in entries if not e.equivalents]
    lines = ["", *_hanging("", f"hadolint {HADOLINT_VERSION}: {len(entries) - len(missing)} of its {len(entries)} rules have an "
             "imagelint equivalent (the buildkit/hadolint column); 'imagelint rules --hadolint' lists them all. Without one:", width - 1)]  # fmt: skip
    for entry in missing:
        lines += _hanging(f"  {entry.code}  ", entry.not_covered or "", width - 1)
    return "\n".join(lines) + "\n"


def _hanging(head: str, text: str, width: int) -> list[str]:
    """``head`` then ``text`` wrapped to ``width``, continuation lines indented under the text."""
    import textwrap

    return textwrap.wrap(head + text, width, subsequent_indent=" " * len(head), break_on_hyphens=False) or [head]


SUMMARY_MIN_WIDTH = 30  # a narrower summary column is too hard to read: each rule is laid out on its own lines


def _output_width() -> int:
    """The terminal's width (``COLUMNS`` when set); 120 when the output is not a terminal."""
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def _wrapped(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))  # a longer token than width is split


def _rules_table(rules, width: int) -> str:
    """Every rule, fitted to ``width`` columns, nothing cut: names and families wrap at their
    hyphens, summaries at spaces. Wide enough, a table whose last column is the summary (each
    BuildKit check, then each hadolint code, on a line of its own); narrower, each rule's summary
    and equivalents under its code, wrapped to the width."""
    import textwrap

    from tabulate import tabulate

    equivalents = max((len(name) for r in rules for name in r.equivalent_names), default=0)
    # tabulate makes a column at least its header plus 2 wide, and puts 2 spaces between columns
    fixed = 6 + 20 + 12 + len("severity") + 2 + max(equivalents, len("buildkit/hadolint") + 2) + 5 * 2
    summary_width = width - fixed - 1
    if summary_width >= SUMMARY_MIN_WIDTH:
        # Summaries wrap at spaces only: `trusted-registries` stays whole, as the option is written.
        rows = [
            [r.code, r.name, r.family, str(r.severity), "\n".join((*r.buildkit, *r.hadolint)), _wrapped(r.summary, summary_width)]
            for r in rules
        ]
        headers = ["code", "name", "family", "severity", "buildkit/hadolint", "summary"]
        widths = [None, 20, 12, None, None, None]
        return tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=widths, disable_numparse=True) + "\n"
    lines = []
    indent = " " * 8
    for r in rules:
        lines += textwrap.wrap(f"{r.code:<8}{r.name}  {r.family}  {r.severity}", width - 1, subsequent_indent=indent)
        same = "; ".join(f"{tool} {' '.join(names)}" for tool, names in (("BuildKit", r.buildkit), ("hadolint", r.hadolint)) if names)
        for text in (r.summary, f"same as {same}" if same else ""):
            if text:
                lines += [indent + line for line in _wrapped(text, width - 1 - len(indent)).splitlines()]
    return "\n".join(lines) + "\n"


@app.command()
def explain(
    code: Annotated[
        str,
        typer.Argument(help="Rule code (IL1001) or name, or a BuildKit check (JSONArgsRecommended) or hadolint code (DL3025)."),
    ],
) -> None:
    """Show a rule's full documentation: why it matters, a bad and a good example, how to fix.

    A BuildKit check name or a hadolint code shows every imagelint rule that declares it.

    Examples:

      imagelint explain IL1002

      imagelint explain latest-base-image-tag

      imagelint explain JSONArgsRecommended

      imagelint explain DL3025
    """
    from imagelint.rule import registered_rules, rules_called

    rules = registered_rules()
    found = rules_called(code, rules)
    if not found:
        _explain_other(code.strip(), rules)
        return
    for position, rule in enumerate(found):
        if position:
            typer.echo("")
        equivalents = ", ".join(f"{tool} {' '.join(ids)}" for tool, ids in rule.equivalents().items() if ids)
        typer.echo(f"{rule.code} {rule.name} ({rule.family}, {rule.severity})")
        if equivalents:
            typer.echo(f"Equivalent: {equivalents}")
        typer.echo("")
        typer.echo(rule.doc.markdown)


def _explain_other(code: str, rules) -> None:
    """``explain`` of a name no imagelint rule answers to: a ShellCheck code is explained in one
    line; anything else is an error that says what it is (exit 2)."""
    from imagelint.knowledge.hadolint_rules import hadolint_rule
    from imagelint.pragmas import BUILDKIT_CHECKS
    from imagelint.settings import did_you_mean
    from imagelint.shellcheck import is_shellcheck_code

    if is_shellcheck_code(code.upper()):
        typer.echo(
            f"{code.upper()} is a ShellCheck check: 'imagelint lint --shellcheck' (or shellcheck = true) reports it in RUN"
            f" scripts, and --ignore {code.upper()} or '# imagelint ignore={code.upper()}' silences it; ShellCheck's wiki"
            f" page {code.upper()} explains it"
        )
        return
    if code in BUILDKIT_CHECKS:
        raise UsageError(f"BuildKit's {code} has no imagelint equivalent yet (see docs/migrating.md)")
    hadolint = hadolint_rule(code, rules)
    if hadolint is not None and hadolint.removed:
        raise UsageError(f"hadolint removed {hadolint.code} before 2.15: {hadolint.meaning}")
    if hadolint is not None:  # one no imagelint rule declares
        raise UsageError(
            f"hadolint's {hadolint.code} ({hadolint.meaning}) has no imagelint equivalent: {hadolint.not_covered}"
            " (see 'imagelint rules --hadolint')"
        )
    known = {*rules, *(rule.name for rule in rules.values())}
    raise UsageError(f"no rule '{code}'{did_you_mean(code, known)} (see 'imagelint rules')")


config_app = typer.Typer(
    help="Work with configuration files.", no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(config_app, name="config")


@config_app.command("from-hadolint")
def config_from_hadolint(
    path: Annotated[
        Optional[Path], typer.Argument(help="The hadolint config (default: .hadolint.yaml or .hadolint.yml here).")
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the config to this file instead of printing it.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    pyproject: Annotated[
        bool, typer.Option("--pyproject", help="Print a [tool.imagelint] table to paste into pyproject.toml.")
    ] = False,
) -> None:
    """Convert a hadolint config (.hadolint.yaml) into imagelint's.

    DL codes become the imagelint rules that declare them as equivalents; what cannot be
    converted (ShellCheck codes, label checks, output options) is listed in comments. Without a
    config of its own, imagelint reads .hadolint.yaml directly; converting makes it explicit.

    Examples:

      imagelint config from-hadolint

      imagelint config from-hadolint .hadolint.yaml --output .imagelint.toml

      imagelint config from-hadolint --pyproject >> pyproject.toml
    """
    from imagelint import hadolint_config
    from imagelint.rule import registered_rules

    source = path or hadolint_config.find(Path.cwd())
    if source is None:
        raise UsageError(f"no {' or '.join(hadolint_config.CONFIG_NAMES)} in this directory; name the file")
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    if output is not None and output.name == "pyproject.toml":
        raise UsageError("--output pyproject.toml would replace the whole file; use --pyproject and paste the table")
    text = hadolint_config.to_toml(hadolint_config.load(source, registered_rules()), pyproject=pyproject)
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise UsageError(f"{output}: already exists (use --force to overwrite it)")
    from imagelint.output import atomic_writer

    try:
        with atomic_writer(output) as stream:
            stream.write(text)
    except OSError as err:
        raise UsageError(f"{output}: cannot write ({err.strerror})") from None
    typer.echo(f"imagelint: wrote {output}", err=True)
