"""``imagelint analyze`` as a library call: read the image, analyze it, match it to a Dockerfile,
run the image rules (and the Dockerfile rules), and build the report. Raises; never prints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from imagelint import engine
from imagelint.settings import Settings
from imagelint.dockerfile import load
from imagelint.findings import Finding
from imagelint.image.analysis import analyze, with_dockerfile_lines, with_redacted_commands
from imagelint.image.budgets import Budgets
from imagelint.image.context import ImageContext
from imagelint.image.join import join
from imagelint.image.layer_files import layer_files
from imagelint.image.secrets import find_secrets
from imagelint.image.sources import LoadOptions, StartedLoad, parse_reference
from imagelint.report import FileResult, ImageDetails, Report
from imagelint.rule import Rule


def run_analyze(
    reference: str,
    settings: Settings,
    *,
    budgets: Budgets | None = None,
    dockerfile: Path | None = None,
    context: Path | None = None,
    target: str | None = None,
    platform: str | None = None,
    pull: bool = False,
    on_pull_progress: Callable[[dict], None] | None = None,
    insecure_registry: bool = False,
    files: bool = False,
    max_changes: int | None = None,
    keep_tree: bool = False,
    file_tree: bool = False,
    started: StartedLoad | None = None,
) -> Report:
    """Everything ``imagelint analyze`` reports about one image: a :class:`~imagelint.report.Report`
    with its :class:`~imagelint.report.ImageDetails`; one result for the image rules' findings and,
    with ``dockerfile``, one for the Dockerfile rules'.

    ``platform`` (``os/arch[/variant]``) picks an image of a multi-platform index (``oci:``,
    ``registry:``, archives; default: this machine's) and is checked against single-platform images;
    ``insecure_registry`` lets a ``registry:`` source use plain HTTP; ``files``: the report also
    holds every layer's entries (:mod:`imagelint.image.layer_files`, for ``--format csv --files``).
    ``max_changes``: the report also holds each layer's changed paths, at most that many of each
    kind, and the tree summary (:mod:`imagelint.image.changes`, for the JSON and HTML reports);
    ``keep_tree`` keeps the whole change index there too (``imagelint explore``), ``file_tree``
    every layer's changes, unbounded (the HTML report's file trees). ``started``: the read of this
    very reference, begun earlier (:func:`~imagelint.image.sources.start_image`), finished here.

    Errors (no daemon, image not found, unreadable archive or Dockerfile) are raised as
    :class:`~imagelint.docker_engine.EngineError`, :class:`~imagelint.image.model.ImageError` or
    :class:`~imagelint.dockerfile.DockerfileInputError`, each with a one-line message.
    """
    source = parse_reference(reference)
    parsed = load(dockerfile, str(dockerfile)) if dockerfile is not None else None  # fail before the slow part
    options = LoadOptions(platform=platform, pull=pull, on_progress=on_pull_progress, insecure_registry=insecure_registry)
    image = started.finish() if started is not None else source.load(options)
    analysis = analyze(image)

    matched = None
    if parsed is not None:
        matched = join(parsed, image.history, target)
        analysis = with_dockerfile_lines(analysis, matched.lines)

    ctx = ImageContext(
        image=image,
        analysis=analysis,
        budgets=budgets or Budgets(),
        join=matched,
        dockerfile_path=str(dockerfile) if dockerfile is not None else None,
        dockerfile=parsed,
    )
    for secret in find_secrets(image):  # whatever rules are selected, secrets never reach an output
        ctx.keep_secret(secret.value, secret.name)

    image_rules = engine.select_rules(settings, target="image")
    findings, errors = _run_image_rules(ctx, image_rules, settings)
    rules = list(image_rules)
    dockerfile_results: list[FileResult] = []
    if parsed is not None:
        dockerfile_rules = engine.select_rules(settings)
        lint_findings, crashes = engine.lint(
            parsed,
            dockerfile_rules,
            settings,
            context_dir=context if context is not None else dockerfile.parent,  # type: ignore[union-attr]
            context_explicit=context is not None,
            dockerfile_path=dockerfile,
            target=target,
        )
        reported = {f.rule for f in lint_findings}
        deferring = {r.code for r in image_rules if r.defers_to in reported}
        findings = [f for f in findings if f.rule not in deferring]
        dockerfile_results.append(FileResult(str(dockerfile), [_redacted(f, ctx) for f in lint_findings]))
        errors += crashes
        rules += dockerfile_rules
    results = [FileResult(analysis.name, sorted(findings, key=Finding.sort_key), target="image"), *dockerfile_results]
    details = ImageDetails(with_redacted_commands(analysis, ctx.redact), dockerfile=str(dockerfile) if dockerfile else None,
                           files=layer_files(image) if files else None,
                           changes=_changes(image, analysis, max_changes, keep_tree, file_tree) if max_changes is not None else None)  # fmt: skip
    return Report(results, rules, errors, image=details)


def _changes(image, analysis, max_changes: int, keep_tree: bool, file_tree: bool):
    from imagelint.image.changes import image_changes  # only the reports that show them pay for it

    wasted_at = {f.path: f.wasted_bytes for f in analysis.inefficient_files if f.wasted_bytes}
    return image_changes(image, wasted_at, max_changes, keep_index=keep_tree, file_tree=file_tree)


def _run_image_rules(ctx: ImageContext, rules: list[Rule], settings: Settings) -> tuple[list[Finding], list[str]]:
    findings: list[Finding] = []
    errors: list[str] = []
    for rule, violations in engine.run_checks(rules, ctx, ctx.analysis.name, errors, settings.rule_options):
        findings.extend(_redacted(engine.finding(rule, violation, settings, file=ctx.analysis.name), ctx) for violation in violations)
    return findings, errors


def _redacted(finding: Finding, ctx: ImageContext) -> Finding:
    message = ctx.redact(finding.message)
    fix = finding.fix.with_text(ctx.redact) if finding.fix else finding.fix
    return finding if (message, fix) == (finding.message, finding.fix) else finding._replace(message=message, fix=fix)
