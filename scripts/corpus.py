"""The shared third-party corpus (../shared/corpus): which of its files the scripts and benchmarks read.

The corpus is test data that is never copied into this repository; see its README for the naming.
"""

from __future__ import annotations

from pathlib import Path

CORPUS_FILES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "files"


def corpus_files(files_dir: Path = CORPUS_FILES) -> list[Path]:
    """Every file of the corpus (Dockerfiles, template sources, .dockerignore files), sorted."""
    manifest = files_dir.parent / "MANIFEST.tsv"
    if manifest.is_file():
        rows = manifest.read_text(encoding="utf-8").splitlines()[1:]
        paths = [files_dir.parent / row.split("\t", 1)[0] for row in rows if row.strip()]
    else:
        paths = [p for p in files_dir.rglob("*") if p.is_file()]
    return sorted(paths)


def is_template(path: Path) -> bool:
    return "template" in path.name.lower()


def is_dockerignore(path: Path) -> bool:
    return path.name.endswith(".dockerignore")


def corpus_dockerfiles(files_dir: Path = CORPUS_FILES) -> list[Path]:
    """Every corpus Dockerfile, except template sources and .dockerignore files."""
    return [p for p in corpus_files(files_dir) if not is_template(p) and not is_dockerignore(p)]
