"""Tie history entries (and so layers) to the Dockerfile instructions that made them.

Every instruction after ``FROM`` leaves one history entry, with or without a layer (``empty_layer``);
the base image's entries come first. So the final stage's instructions (with those of the stages it
is built ``FROM``) are matched against the *last* history entries, newest first: the keyword must
agree, and a RUN's recorded command must be the Dockerfile's, whitespace aside. ``ARG`` may be
missing (BuildKit records no entry for it). Anything else that disagrees means this Dockerfile did
not build this image, or built it differently: then nothing is matched, and the reason says why,
rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from imagelint.dockerfile import Dockerfile, Instruction, Stage
from imagelint.image.history import parse_created_by, shorten
from imagelint.image.model import HistoryEntry

_OPTIONAL = frozenset({"ARG"})


@dataclass
class Join:
    matched: dict[int, Instruction] = field(default_factory=dict)  # history index -> instruction
    problem: str | None = None  # why nothing could be matched with confidence

    @property
    def confident(self) -> bool:
        return self.problem is None

    @property
    def lines(self) -> dict[int, int]:
        """History index -> the Dockerfile line of the instruction that made that entry."""
        return {index: instruction.line for index, instruction in self.matched.items()}


def join(dockerfile: Dockerfile, history: list[HistoryEntry], target: str | None = None) -> Join:
    stage = dockerfile.stage_by_name(target) if target else dockerfile.final_stage
    if stage is None:
        problem = f"stage '{target}' is not in {dockerfile.path}" if target else f"{dockerfile.path} has no FROM"
        return Join(problem=problem)
    instructions = [i for s in _stage_chain(stage) for i in s.instructions if i.keyword != "FROM"]
    if not history:
        return Join(problem="the image has no build history to match against the Dockerfile")
    matched: dict[int, Instruction] = {}
    entry_index = len(history) - 1
    for instruction in reversed(instructions):
        if entry_index >= 0 and _matches(instruction, history[entry_index]):
            matched[entry_index] = instruction
            entry_index -= 1
        elif instruction.keyword in _OPTIONAL:
            continue
        elif entry_index < 0:
            return Join(problem=f"the image history has fewer steps than {dockerfile.path} (line {instruction.line} and before are missing)")
        else:
            recorded = parse_created_by(history[entry_index].created_by).display or "(nothing recorded)"
            return Join(
                problem=(
                    f"line {instruction.line} `{shorten(instruction.original, 50)}` does not match the image's build step "
                    f"`{shorten(recorded, 50)}`; was the image built from this Dockerfile?"
                )
            )
    return Join(matched=matched)


def _stage_chain(stage: Stage) -> list[Stage]:
    """The stage and the stages it is built FROM, oldest first."""
    chain = []
    current: Stage | None = stage
    while current is not None and current not in chain:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def _matches(instruction: Instruction, entry: HistoryEntry) -> bool:
    step = parse_created_by(entry.created_by)
    keyword = instruction.keyword
    if keyword == "RUN":
        if instruction.is_exec_form:
            recorded = step.text if step.keyword == "RUN" else (entry.created_by or "")
            return _same_words(recorded, " ".join(instruction.json_args or []))
        written = _run_text(instruction)
        return step.keyword == "RUN" and _same_words(step.text, written, heredoc=bool(instruction.heredocs))
    return step.keyword == keyword


def _run_text(instruction: Instruction) -> str:
    if instruction.heredocs:  # builders record the heredoc bodies too: compare the first line only
        return instruction.value.split("\n", 1)[0]
    return instruction.value


def _same_words(recorded: str, written: str, *, heredoc: bool = False) -> bool:
    recorded_words, written_words = recorded.split(), written.split()
    if recorded_words == written_words:
        return True
    # A heredoc RUN is recorded with its body after the first line.
    return heredoc and bool(written_words) and recorded_words[: len(written_words)] == written_words
