"""What crosses the pipe from the workers, and how the files are split among them."""

from __future__ import annotations

import pickle

import pytest

from imagelint import lint_workers
from imagelint.findings import Finding, Severity
from imagelint.fixes import Edit, Fix
from imagelint.lint import TargetOutcome
from imagelint.report import FileResult


@pytest.mark.parametrize("lines", [[], [""], ["", ""], ["FROM alpine", "RUN true"], ["a\r", "b\rc"], ["held\nnewline", "x"]])
def test_an_outcome_comes_back_from_a_worker_as_it_was(lines):
    fix = Fix("add it", "safe", (Edit(1, 1, 1, 1, "x"),))
    finding = Finding("IL0001", "name", "correctness", Severity.WARNING, "message", "Dockerfile", 1, 1, 1, fix)
    outcome = TargetOutcome(FileResult("Dockerfile", [finding], None, list(lines)), ["a note"], ["a crash"], 0.25)
    back = pickle.loads(pickle.dumps(outcome))
    assert back.result.lines == lines
    assert back.result.findings == [finding] and back.result.findings[0].severity is Severity.WARNING
    assert (back.result.file, back.result.error, back.result.target) == ("Dockerfile", None, "dockerfile")
    assert (back.notes, back.crashes, back.seconds) == (["a note"], ["a crash"], 0.25)


def test_a_failed_outcome_keeps_its_error():
    outcome = pickle.loads(pickle.dumps(TargetOutcome(FileResult("broken", error="broken: not a Dockerfile"))))
    assert outcome.result.error == "broken: not a Dockerfile" and outcome.result.lines == []


@pytest.mark.parametrize("files", [32, 33, 100, 1000, 2929])
@pytest.mark.parametrize("workers", [2, 4])
def test_chunks_cover_every_file_in_order_and_shrink_toward_the_end(files, workers):
    chunks = lint_workers.chunked(list(range(files)), workers)
    assert [n for chunk in chunks for n in chunk] == list(range(files))
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes) <= lint_workers.MAX_CHUNK
    assert min(sizes[:-1] or [lint_workers.MIN_CHUNK]) >= lint_workers.MIN_CHUNK
