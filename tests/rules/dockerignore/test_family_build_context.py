"""BuildContext additions the build-context rules rely on: walking the context and measuring/matching paths."""

from __future__ import annotations

from tests.support.helpers import write_context


def test_build_context_walk_leaves_out_ignored_entries_but_searches_exceptions(tmp_path):
    from imagelint.buildcontext import BuildContext

    write_context(
        tmp_path,
        {
            ".dockerignore": "node_modules\n!node_modules/keep\nlogs\n",
            "node_modules/keep/a.js": "x",
            "node_modules/drop/b.js": "x",
            "logs/x.log": "x",
            "src/app.py": "x",
        },
    )
    walked = [relative for relative, _ in BuildContext(tmp_path).walk()]
    assert "src/app.py" in walked and "node_modules/keep/a.js" in walked
    assert not any(p.startswith(("logs", "node_modules/drop")) for p in walked)
    assert "node_modules" not in walked  # ignored itself, only searched for exceptions
    pruned = [relative for relative, _ in BuildContext(tmp_path).walk(prune=lambda r, e: r == "src")]
    assert "src" in pruned and "src/app.py" not in pruned


def test_build_context_measure_and_matches(tmp_path):
    from imagelint.buildcontext import BuildContext

    write_context(tmp_path, {".dockerignore": "**/*.tmp\n", "data/a.bin": "x" * 100, "data/b.bin": "y" * 50, "data/c.tmp": "z" * 999})
    context = BuildContext(tmp_path)
    assert context.measure("data") == (150, True)
    assert context.measure("data", limit_files=1) == (100, False)
    assert context.measure("data/a.bin") == (100, True)
    assert context.matches(["**/*.bin"], "data/a.bin") and not context.matches(["*.bin"], "data/a.bin")
    assert context.matches(["data"], "data/a.bin")  # a folder pattern covers what is below it
    assert not context.matches([], "data/a.bin") and not context.matches(["*"], "")
