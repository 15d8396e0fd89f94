"""Runs the selected rules over one parsed Dockerfile in one pass and returns its findings.

Order of work: the rules whose firing conditions the file meets (:func:`rules_that_may_fire`) yield
violations -> inline pragmas and BuildKit's ``# check=skip=`` directive
drop suppressed ones -> the others become findings (file, line, column, configured severity, or
error under ``# check=error=true`` for a rule with a BuildKit equivalent) through :func:`finding`,
the one place a finding is made (``imagelint analyze`` makes its image findings there too).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from imagelint import pragmas
from imagelint.settings import Settings
from imagelint.context import LintContext, LintOptions
from imagelint.dockerfile import Dockerfile, Instruction
from imagelint.findings import Finding, Severity
from imagelint.fixes import Fix
from imagelint.rule import Rule, Violation, registered_rules


def select_rules(settings: Settings, rules: dict[str, Rule] | None = None, *, target: str = "dockerfile") -> list[Rule]:
    """The rules ``settings`` select among those that check ``target`` (a Dockerfile or an image)."""
    rules = rules if rules is not None else registered_rules()
    rules = {code: rule for code, rule in rules.items() if rule.target == target}

    def matches(rule: Rule, selectors: Iterable[str]) -> bool:
        return any(s in ("ALL", rule.family, *rule.aliases) for s in selectors)

    chosen = [r for r in rules.values() if not settings.select or matches(r, settings.select)]
    return [r for r in chosen if not matches(r, settings.ignore)]


def lint(
    dockerfile: Dockerfile,
    rules: list[Rule],
    settings: Settings,
    *,
    context_dir: Path | None = None,
    context_explicit: bool = False,
    dockerfile_path: Path | None = None,
    target: str | None = None,
    named_contexts: tuple[str, ...] = (),
    build_args: Mapping[str, str] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Findings for one file, plus messages for rules that crashed on it (and for a ``# check=``
    directive that does not parse). ``build_args``: the values a Compose service builds it with."""
    options = LintOptions(
        trusted_registries=settings.trusted_registries,
        target=target,
        named_contexts=named_contexts,
        label_schema=settings.label_schema,
        strict_labels=settings.strict_labels,
    )
    context = LintContext(
        dockerfile,
        context_dir=context_dir,
        context_explicit=context_explicit,
        dockerfile_path=dockerfile_path,
        options=options,
    )
    suppressions = pragmas.Suppressions() if settings.disable_ignore_pragma else pragmas.collect(dockerfile)
    findings: list[Finding] = []
    crashes: list[str] = []
    try:
        directive = pragmas.check_directive(dockerfile)
    except pragmas.CheckDirectiveError as err:
        crashes.append(str(err))  # docker build refuses the file; imagelint lints it without the directive
        directive = pragmas.CheckDirective()
    rules = rules_that_may_fire(rules, dockerfile, build_args)
    for rule, violations in run_checks(rules, context, dockerfile.path, crashes, settings.rule_options):
        if not violations or directive.skips(rule):
            continue  # most rules find nothing in a file: the names a pragma may use are not needed
        codes = pragmas.names(rule)
        for violation in violations:
            if suppressions.suppresses(codes, violation.instruction):
                continue
            made = finding(rule, violation, settings, file=dockerfile.path)
            if directive.makes_error(rule):
                made = made._replace(severity=Severity.ERROR)
            findings.append(made)
    if settings.shellcheck:
        findings += shellcheck_findings(context, settings, suppressions, crashes)
    context.forget_facts()
    findings.sort(key=Finding.sort_key)
    return findings, crashes


def rules_that_may_fire(rules: list[Rule], dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None) -> list[Rule]:
    """The rules whose declared conditions (``Rule.instructions``, ``Rule.mentions``) this file meets:
    the others cannot find anything in it, so they are neither run nor, on a first run, imported.

    This runs for every rule on every file, so it is one loop with no call per rule: on the corpus
    a method and a generator per rule cost a third as much as the searches themselves."""
    kinds = {instruction.keyword for instruction in dockerfile.instructions}
    kinds.update(i.trigger.keyword for i in dockerfile.instructions if i.trigger is not None)
    folded = dockerfile.text.lower()
    if build_args:
        folded += "\n" + "\n".join(build_args.values()).lower()
    _MentionPatterns.files_checked += 1
    contains: dict[str, bool] = {}  # each word searched for once: several rules mention the same words
    chosen = []
    for rule in rules:
        if rule.instructions and rule.instructions.isdisjoint(kinds):
            continue
        words = rule.mentions
        if words:
            pattern = _MentionPatterns.for_words(words)
            if pattern is not None:
                if pattern.search(folded) is None:
                    continue
            else:
                for word in words:
                    found = contains.get(word)
                    if found is None:
                        found = contains[word] = word in folded
                    if found:
                        break
                else:
                    continue
        chosen.append(rule)
    return chosen


class _MentionPatterns:
    """One compiled pattern for a rule that mentions many words, once a run has checked a few files.

    Searching a word costs about 2 µs in a Dockerfile of average size, and a file holds none of the
    words of most such rules, so each is searched in vain: one pattern scan for all of IL7003's 25
    secret prefixes takes a sixth of the time. Compiling a pattern costs about as much as searching
    its words in fifteen files, so patterns are compiled only once a run has checked that many word
    by word: a one-file run (pre-commit) compiles none."""

    MANY_WORDS = 20
    FILES_FIRST = 15
    files_checked = 0
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}

    @classmethod
    def for_words(cls, words: tuple[str, ...]) -> re.Pattern[str] | None:
        if len(words) < cls.MANY_WORDS or cls.files_checked <= cls.FILES_FIRST:
            return None
        pattern = cls.compiled.get(words)
        if pattern is None:
            pattern = cls.compiled[words] = re.compile("|".join(map(re.escape, words)))
        return pattern


def shellcheck_findings(
    context: LintContext, settings: Settings, suppressions: pragmas.Suppressions, crashes: list[str]
) -> list[Finding]:
    """ShellCheck's findings on the RUN scripts (``--shellcheck``), selected, ignored, pragma-silenced
    and given severities like the rules' findings; ShellCheck failing is reported in ``crashes``."""
    from imagelint import shellcheck

    include = shellcheck.selected_codes(settings.select)
    if include is None:
        return []  # --select names neither ShellCheck nor anything that covers it
    program = shellcheck.find_program()
    if program is None:
        crashes.append(f"{context.dockerfile.path}: {shellcheck.MISSING_PROGRAM}")
        return []
    exclude = tuple(code for code in settings.ignore if shellcheck.is_shellcheck_code(code))
    if any(name in ("ALL", shellcheck.NAME, shellcheck.FAMILY) for name in settings.ignore):
        return []
    try:
        comments = shellcheck.check(context, program, include=include, exclude=exclude)
    except shellcheck.ShellcheckError as err:
        crashes.append(str(err))
        return []
    found = []
    for comment in comments:
        if suppressions.suppresses({comment.code, shellcheck.NAME, shellcheck.FAMILY, "ALL"}, comment.instruction):
            continue
        found.append(
            Finding(
                rule=comment.code,
                name=shellcheck.NAME,
                family=shellcheck.FAMILY,
                severity=settings.severity.get(comment.code, comment.severity),
                message=comment.message,
                file=context.dockerfile.path,
                line=comment.line,
                end_line=comment.end_line,
                column=comment.column,
            )
        )
    return found


def run_checks(
    rules: list[Rule], context, where: str, crashes: list[str], rule_options: dict[str, dict]
) -> Iterator[tuple[Rule, list[Violation]]]:
    """Each rule's violations on ``context`` (a Dockerfile's or an image's), each check given its
    rule with the configured ``rule_options`` in force.

    A rule that raises is a bug in imagelint: it is reported in ``crashes`` and skipped, so it does
    not cost the user the other rules' results (``IMAGELINT_DEBUG=1`` raises instead).
    """
    for rule in rules:
        try:
            violations = list(rule.check(context, rule.configured(rule_options.get(rule.code, {}))))
        except Exception as err:
            if os.environ.get("IMAGELINT_DEBUG"):
                raise
            crashes.append(f"{where}: internal error in rule {rule.code} ({type(err).__name__}: {err}); please report it")
            continue
        yield rule, violations


def finding(rule: Rule, violation: Violation, settings: Settings, *, file: str) -> Finding:
    """What ``rule``'s ``violation`` is reported as: in ``file`` (a Dockerfile's path, an image's name)
    unless the violation names another, at its line and column, with the configured severity (no
    higher than the violation's ``severity_cap``)."""
    line, column, end_line = _location(violation, violation.instruction)
    severity = settings.severity.get(rule.code, rule.severity)
    if violation.severity_cap is not None:
        severity = min(severity, violation.severity_cap)
    return Finding(
        rule=rule.code,
        name=rule.name,
        family=rule.family,
        severity=severity,
        message=violation.message,
        file=violation.file or file,
        line=line,
        end_line=end_line,
        column=column,
        fix=Fix.advice(violation.fix) if isinstance(violation.fix, str) else violation.fix,
    )


def _location(violation: Violation, instruction: Instruction | None) -> tuple[int | None, int | None, int | None]:
    if violation.line is not None:
        return violation.line, violation.column, violation.end_line or violation.line
    if instruction is None:
        return None, None, None
    if violation.offset is not None:
        line, column = instruction.position(violation.offset)
        end = violation.end_offset if violation.end_offset is not None else violation.offset
        end_line, _ = instruction.position(max(violation.offset, end - 1))
        return line, column, end_line
    return instruction.line, instruction.segments[0][2], instruction.end_line
