"""``imagelint diff A B`` as a user and a CI see it: formats, the growth gate's exit codes, one-line errors."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib.resources import files

import jsonschema
import pytest

from tests.support.cli import no_traceback, one_line_error, run
from tests.support.image_archives import docker_save

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000)]
HOSTILE = "app/a|b`c<script>alert(1)</script>.js"


@pytest.fixture
def archives(tmp_path):
    before = docker_save([BASE, [("dir", "app"), ("file", "app/main.js", 1000), ("file", "app/old.js", 200)]],
                         history=[{"created_by": "base"}, {"created_by": "/bin/sh -c make"}], config={"Env": ["MODE=dev"]})  # fmt: skip
    after = docker_save([BASE, [("dir", "app"), ("file", "app/main.js", 1800), ("file", HOSTILE, 50)]],
                        history=[{"created_by": "base"}, {"created_by": "/bin/sh -c make"}], config={"Env": ["MODE=prod"]},
                        tag="synthetic/image:2")  # fmt: skip
    (tmp_path / "a.tar").write_bytes(before)
    (tmp_path / "b.tar").write_bytes(after)
    return f"docker-archive:{tmp_path / 'a.tar'}", f"docker-archive:{tmp_path / 'b.tar'}"


def test_json_validates_against_the_shipped_schema(archives, tmp_path):
    result = run("diff", *archives, "--format", "json", "--max-growth", "1MB", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    document = json.loads(result.stdout)
    schema = json.loads(files("imagelint").joinpath("schemas/diff-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert list(document) == ["version", "before", "after", "size", "wasted_bytes", "layers", "files", "directories", "config", "budget", "findings"]
    assert document["size"] == {"before": 2200, "after": 2850, "delta": 650, "percent": pytest.approx(650 / 2200 * 100, abs=1e-4)}
    assert document["files"]["grown"] == {"count": 1, "bytes": 800}
    assert [c["path"] for c in document["files"]["changes"]] == ["/app/main.js", "/app/old.js", "/" + HOSTILE]
    assert document["budget"] == {"max_growth": "1MB", "exceeded": False} and document["findings"] == []
    assert document["config"] == [{"setting": "ENV", "key": "MODE", "change": "changed", "before": "dev", "after": "prod"}]


def test_the_schema_rejects_a_document_that_breaks_it(archives, tmp_path):
    document = json.loads(run("diff", *archives, "-f", "json", cwd=tmp_path).stdout)
    document["files"]["changes"][0]["change"] = "renamed"
    schema = json.loads(files("imagelint").joinpath("schemas/diff-report.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(document)


def test_growth_gate_fails_the_run_and_says_so(archives, tmp_path):
    result = run("diff", *archives, "--max-growth", "10%", cwd=tmp_path)
    assert result.returncode == 1
    text = result.stdout.decode()
    assert "max-growth error: image grew by 650 B (+29.5 %: 2.2 kB -> 2.9 kB), over --max-growth 10% by 19.5 percentage points" in text
    document = json.loads(run("diff", *archives, "-f", "json", "--max-growth", "600", cwd=tmp_path).stdout)
    assert document["budget"] == {"max_growth": "600", "exceeded": True}
    assert document["findings"][0]["message"].endswith("50 B more than --max-growth 600 allows")
    assert run("diff", *archives, "--max-growth", "650", cwd=tmp_path).returncode == 0  # exactly at the budget passes
    assert run("diff", archives[1], archives[0], "--max-growth", "0", cwd=tmp_path).returncode == 0  # shrinking


def test_text_report(archives, tmp_path):
    result = run("diff", *archives, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == b""
    text = result.stdout.decode()
    assert "Size:          2.2 kB -> 2.9 kB (+650 B, +29.5 %)" in text
    assert "Layers:        1 shared, 1 added, 1 removed" in text
    assert re.search(r"\+650 B  1.2 kB -> 1.9 kB  layer 1 -> 1  RUN make", text)
    assert "Files:         1 added (+50 B), 1 removed (-200 B), 1 grown (+800 B), 0 shrunk" in text
    assert "ENV MODE: dev -> prod" in text


def test_markdown_comment_keeps_paths_inert(archives, tmp_path):
    result = run("diff", *archives, "-f", "markdown", "--max-growth", "100", cwd=tmp_path)
    assert result.returncode == 1
    text = result.stdout.decode()
    assert text.startswith("### imagelint diff\n")
    assert "> **max-growth error**: image grew by 650 B" in text
    assert "| size | 2.2 kB | 2.9 kB | **+650 B** (+29.5 %) |" in text
    # the path is one code span in one cell: the pipe escaped, a longer fence around the backtick
    assert "| added | ``/app/a\\|b`c<script>alert(1)</script>.js`` | – | 50 B | +50 B |" in text
    rows = [line for line in text.splitlines() if line.startswith("| added |")]
    assert len(rows) == 1 and rows[0].replace("\\|", "").count("|") == 6


def test_html_is_one_self_contained_page(archives, tmp_path):
    out = tmp_path / "diff.html"
    result = run("diff", *archives, "--format", f"html:{out}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    page = out.read_text()
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]  # the one inline script, allowed by its hash
    assert base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() in policy
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(?:src|href)=["']https?:""", page)
    assert 'id="side-A"' in page and 'id="side-B"' in page
    assert 'id="figure-size-delta">+650 B<' in page
    assert re.search(r'<li class="removed"><span class="num">1.2 kB</span> layer 1', page)
    assert re.search(r'<li class="added"><span class="num">1.9 kB</span> layer 1', page)


def test_several_formats_from_one_run(archives, tmp_path):
    result = run("diff", *archives, "-f", "text", "-f", f"markdown:{tmp_path / 'c.md'}", "-f", f"json:{tmp_path / 'd.json'}", cwd=tmp_path)
    assert result.returncode == 0
    assert "Size:" in result.stdout.decode()
    assert (tmp_path / "c.md").read_text().startswith("### imagelint diff")
    assert json.loads((tmp_path / "d.json").read_text())["version"] == 1


def test_max_changes_option(archives, tmp_path):
    document = json.loads(run("diff", *archives, "-f", "json", "--max-changes", "1", cwd=tmp_path).stdout)
    assert [c["path"] for c in document["files"]["changes"]] == ["/app/main.js"]
    assert document["files"]["left_out"] == 2 and document["files"]["max_changes"] == 1


@pytest.mark.parametrize(
    "extra, fragments",
    [
        (["--max-growth", "lots"], ["--max-growth: 'lots' is not a size"]),
        (["--format", "sarif"], ["--format: unknown format 'sarif'", "text, json, html, markdown"]),
        (["--max-changes", "-1"], ["--max-changes"]),
    ],
)
def test_bad_options_are_one_line(archives, tmp_path, extra, fragments):
    result = run("diff", *archives, *extra, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert all(fragment in result.stderr.decode() for fragment in fragments), result.stderr.decode()


def test_missing_image_is_one_line(archives, tmp_path):
    one_line_error(run("diff", archives[0], f"docker-archive:{tmp_path / 'nope.tar'}", cwd=tmp_path), "nope.tar: no such file")
    one_line_error(run("diff", archives[0], "oci:", cwd=tmp_path), "oci: needs a path")


def test_a_report_never_replaces_an_input(archives, tmp_path):
    before = (tmp_path / "a.tar").read_bytes()
    one_line_error(run("diff", *archives, "-o", str(tmp_path / "a.tar"), cwd=tmp_path), "is an input of this run")
    assert (tmp_path / "a.tar").read_bytes() == before


def test_quiet_leaves_stderr_empty(archives, tmp_path):
    result = run("diff", *archives, "-q", "--max-growth", "1", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == b""


def test_any_two_sources_mix(tmp_path):
    from tests.support.image_archives import oci_layout

    layers = [BASE, [("dir", "app"), ("file", "app/main.js", 1000)]]
    history = [{"created_by": "base"}, {"created_by": "/bin/sh -c make"}]
    (tmp_path / "a.tar").write_bytes(docker_save(layers, history=history))
    oci_layout(tmp_path / "layout", [{"layers": layers + [[("file", "app/extra.js", 64)]], "history": history + [{"created_by": "/bin/sh -c more"}]}])
    document = json.loads(run("diff", f"docker-archive:{tmp_path / 'a.tar'}", f"oci:{tmp_path / 'layout'}", "-f", "json", cwd=tmp_path).stdout)
    # the same layer bytes have the same digest whichever the source: only the extra layer differs
    assert [layer["index"] for layer in document["layers"]["shared"]] == [0, 1]
    assert [(layer["index"], layer["command"]) for layer in document["layers"]["added"]] == [(2, "RUN more")]
    assert document["layers"]["removed"] == [] and document["size"]["delta"] == 64
