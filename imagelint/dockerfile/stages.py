"""Stages and scopes: FROM references split into an :class:`~imagelint.dockerfile.model.ImageRef`,
instructions assigned to their stage, and the ARG/ENV scope each instruction sees.
"""

from __future__ import annotations


from imagelint.dockerfile.model import Dockerfile, ImageRef, Instruction, ParseProblem, Stage
from imagelint.dockerfile.syntax import TOKEN_WHITESPACE
from imagelint.dockerfile.words import split_arg_declarations
from imagelint.lazy_pattern import LazyPattern
from imagelint.limits import EXPANDED_BYTES, NESTING, over_limit_message
from imagelint.variables import ExpansionBudget, Scope, expand


def arg_declarations(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``ARG A B=1`` -> [("A", None), ("B", "1")]."""
    return split_arg_declarations(instruction.value)


_DIGEST = LazyPattern(r"@([A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})$")


def parse_image_ref(raw: str, resolved: str, unresolved: bool) -> ImageRef:
    ref = resolved
    digest = None
    if "@" in ref:
        ref, _, digest = ref.partition("@")
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, _, tag = ref.rpartition(":")
    registry = None
    first, sep, remainder = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, ref = first, remainder
    return ImageRef(
        raw=raw,
        resolved=resolved,
        registry=registry,
        repository=ref,
        tag=tag or None,
        digest=digest or None,
        unresolved=unresolved,
    )


def build_stages(dockerfile: Dockerfile, build_args: dict[str, str] | None = None) -> None:
    """Assign stages, resolve FROM references and track ARG/ENV scopes. ``build_args`` are given
    as ``docker build --build-arg NAME=value`` gives them: the value of every ``ARG NAME``, over its
    default; a name no ARG declares changes nothing."""
    build_args = build_args or {}
    global_args = dockerfile.global_args
    budget = global_args.budget = ExpansionBudget(EXPANDED_BYTES.value())
    scope = Scope(budget=budget)  # instructions before the first FROM see only earlier global ARGs
    stage: Stage | None = None
    for index, instruction in enumerate(dockerfile.instructions):
        instruction.index = index
        keyword = instruction.keyword
        if keyword == "FROM":
            stage = _new_stage(dockerfile, instruction, len(dockerfile.stages))
            dockerfile.stages.append(stage)
            scope = stage.parent.final_scope.child_for_stage() if stage.parent and stage.parent.final_scope else Scope(budget=budget)
            scope.globals = global_args
        if stage is None:
            instruction.stage = -1
            instruction.scope = global_args.copy()
            if keyword == "ARG":
                for name, default in arg_declarations(instruction):
                    value = _value(dockerfile, instruction, name, default, global_args)
                    global_args.declare_arg(name, build_args.get(name, value))
            _place_trigger(instruction)
            continue
        instruction.stage = stage.index
        stage.instructions.append(instruction)
        if keyword == "ARG":
            scope = scope.copy()
            for name, default in arg_declarations(instruction):
                value = _value(dockerfile, instruction, name, default, scope)
                scope.declare_arg(name, build_args.get(name, value))
        elif keyword == "ENV":
            scope = scope.copy()
            for name, value in instruction.key_values():
                scope.set_env(name, _value(dockerfile, instruction, name, value, scope) or "")
        instruction.scope = scope
        _place_trigger(instruction)
        stage.final_scope = scope


def _value(dockerfile: Dockerfile, instruction: Instruction, name: str, written: str | None, scope: Scope) -> str | None:
    """An ARG default or ENV value expanded; None (unknown, as for ``ARG NAME`` alone) when it runs
    into a limit, which is reported at the instruction (an ENV value becomes empty)."""
    if written is None:
        return None
    expansion = expand(written, scope)
    if expansion.over_limit is None:
        return expansion.text
    if expansion.over_limit is NESTING:
        what = f"{instruction.keyword} {name} nests ${{...}} deeper than"
    elif expansion.over_limit is EXPANDED_BYTES:
        what = f"{instruction.keyword} {name}: the values this file expands add up to more than"
    else:
        what = f"{instruction.keyword} {name} expands to a value longer than"
    message = over_limit_message(what, expansion.over_limit, "its value is taken as unknown")
    dockerfile.problems.append(ParseProblem(instruction.line, instruction.end_line, message))
    return None


def _place_trigger(instruction: Instruction) -> None:
    """An ONBUILD trigger runs in a child image, but its text is checked where it is written: it
    gets the ONBUILD's stage, index (so pragmas above the ONBUILD reach it) and scope."""
    trigger = instruction.trigger
    if trigger is not None:
        trigger.stage, trigger.index, trigger.scope = instruction.stage, instruction.index, instruction.scope


def _new_stage(dockerfile: Dockerfile, instruction: Instruction, index: int) -> Stage:
    words = TOKEN_WHITESPACE.split(instruction.value.strip()) if instruction.value.strip() else []
    image_word = words[0] if words else ""
    written_name = None
    if len(words) >= 3 and words[1].lower() == "as":
        written_name = words[2]
    elif len(words) not in (0, 1):
        dockerfile.problems.append(
            ParseProblem(instruction.line, instruction.end_line, "FROM takes an image, optionally followed by 'AS name'")
        )
    if not words:
        dockerfile.problems.append(ParseProblem(instruction.line, instruction.end_line, "FROM needs an image"))
    expanded = expand(image_word, dockerfile.global_args)
    # The builder lexes FROM's word like a shell word, so quotes around parts of it disappear.
    resolved = expanded.text.replace('"', "").replace("'", "")
    base = parse_image_ref(image_word, resolved, bool(expanded.undefined or expanded.unset))
    stage = Stage(
        index=index,
        name=written_name.lower() if written_name else None,
        written_name=written_name,
        base=base,
        from_instruction=instruction,
        platform=instruction.flag("platform"),
    )
    if not base.registry and base.tag is None and base.digest is None:
        stage.parent = dockerfile.stage_by_name(base.repository)
    return stage
