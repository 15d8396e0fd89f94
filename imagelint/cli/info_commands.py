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
    from imagelint.dockerfile import DockerfileInputError, load, parse_bytes

    documents = []
    errors = []
    for given in paths:
        try:
            dockerfile = parse_bytes(sys.stdin.buffer.read(), "-") if given == "-" else load(given, given)
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
) -> None:
    """List every rule with its code, family, default severity and BuildKit and hadolint equivalents.

    The JSON form also gives each rule's checkov equivalents.

    Examples:

      imagelint rules

      imagelint rules --format json
    """
    from imagelint.rule import registered_rules

    rules = list(registered_rules().values())
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in rules], indent=2))
        return
    from tabulate import tabulate

    # At 120 columns: names and families wrap at their hyphens and summaries at spaces (nothing is
    # cut); each BuildKit check, then each hadolint code, is one word on a line of its own.
    rows = [[r.code, r.name, r.family, str(r.severity), "\n".join((*r.buildkit, *r.hadolint)), r.summary] for r in rules]
    headers = ["code", "name", "family", "severity", "buildkit/hadolint", "summary"]
    widths = [None, 20, 12, None, None, 31]
    typer.echo(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=widths, disable_numparse=True))


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
    from imagelint.pragmas import BUILDKIT_CHECKS
    from imagelint.rule import registered_rules, rules_called

    rules = registered_rules()
    found = rules_called(code, rules)
    if not found:
        if code in BUILDKIT_CHECKS:
            raise UsageError(f"BuildKit's {code} has no imagelint equivalent yet (see docs/migrating.md)")
        raise UsageError(f"no rule '{code}' (see 'imagelint rules')")
    for position, rule in enumerate(found):
        if position:
            typer.echo("")
        equivalents = ", ".join(f"{tool} {' '.join(ids)}" for tool, ids in rule.equivalents().items() if ids)
        typer.echo(f"{rule.code} {rule.name} ({rule.family}, {rule.severity})")
        if equivalents:
            typer.echo(f"Equivalent: {equivalents}")
        typer.echo("")
        typer.echo(rule.doc.markdown)


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
