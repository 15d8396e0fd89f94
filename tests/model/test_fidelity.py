"""The fidelity gate: imagelint reads every corpus Dockerfile the way BuildKit's own parser does.

The oracle is the ``dockerfile`` package (a test dependency wrapping BuildKit's Go parser). The comparison
itself lives in scripts/fidelity_report.py, which prints the same figures for humans.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHOWN_FAILURES = 20


def _required() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _fidelity_report() -> ModuleType:
    """scripts/fidelity_report.py as a module (it imports the oracle, so skip or fail without it)."""
    try:
        import dockerfile  # noqa: F401
    except ImportError as exc:
        message = f"the BuildKit oracle (PyPI package 'dockerfile') is not installed: {exc}"
        if _required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = "imagelint_fidelity_report"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "fidelity_report.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.mark.corpus
def test_model_agrees_with_buildkit_on_every_accepted_corpus_file(corpus_dir: Path) -> None:
    """Instruction, lines, flags, heredocs and exec form match BuildKit on every file it accepts."""
    report = _fidelity_report()
    files_dir = corpus_dir / "files"
    results = list(report.compare_corpus(files_dir))
    accepted = [r for r in results if r.accepted]
    assert len(results) > 1000, f"only {len(results)} Dockerfiles found under {files_dir}"
    assert accepted, "BuildKit accepted no corpus file: is the oracle working?"

    # imagelint must never crash, including on the files BuildKit rejects.
    failures = [r for r in results if r.model_error or (r.accepted and r.difference)]
    if failures:
        lines = [
            f"{len(failures)} of {len(results)} corpus files: imagelint disagrees with BuildKit or crashes"
            f" ({len(accepted)} accepted by BuildKit); first {min(SHOWN_FAILURES, len(failures))}:"
        ]
        for result in failures[:SHOWN_FAILURES]:
            lines.append(f"  {result.path.relative_to(files_dir)}: {result.model_error or result.difference}")
        lines.append("Run `python scripts/fidelity_report.py` for the whole list.")
        pytest.fail("\n".join(lines), pytrace=False)


def test_parse_command_prints_the_instruction_stream_as_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from imagelint.cli import app

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM alpine:3.20 AS build\n"
        "COPY --chmod=644 <<EOF /etc/motd\n"
        "hello\n"
        "EOF\n"
        "RUN echo a \\\n"
        "    && echo b\n"
    )
    result = CliRunner().invoke(app, ["parse", str(dockerfile), "--format", "json"])
    assert result.exit_code == 0, result.output

    documents = json.loads(result.stdout)
    assert isinstance(documents, list) and len(documents) == 1  # one document per PATH
    document = documents[0]
    assert set(document) == {"file", "instructions"}
    assert document["file"] == str(dockerfile)
    for item in document["instructions"]:
        assert set(item) == {"instruction", "line", "end_line", "flags", "value", "heredocs", "stage"}
        assert isinstance(item["instruction"], str) and isinstance(item["value"], str)
        assert isinstance(item["line"], int) and isinstance(item["end_line"], int) and isinstance(item["stage"], int)
        assert all(isinstance(flag, str) for flag in item["flags"])
        for heredoc in item["heredocs"]:
            assert set(heredoc) == {"name", "content"}

    assert [(i["instruction"], i["line"], i["end_line"], i["stage"]) for i in document["instructions"]] == [
        ("FROM", 1, 1, 0),
        ("COPY", 2, 4, 0),
        ("RUN", 5, 6, 0),
    ]
    copy = document["instructions"][1]
    assert copy["flags"] == ["--chmod=644"]
    assert copy["value"] == "<<EOF /etc/motd"
    assert copy["heredocs"] == [{"name": "EOF", "content": "hello\n"}]
