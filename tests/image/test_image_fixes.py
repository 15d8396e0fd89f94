"""The image rules' fixes (imagelint.image.layer_fixes) on images built in memory: which edits the
layers justify, which they do not, and ``imagelint fix --image`` applying them (fixer.fix_image)."""

from __future__ import annotations

import pytest

from imagelint.analyze import run_analyze
from imagelint.findings import Finding, Severity
from imagelint.fixer import combine_fixes, fix_image
from imagelint.fixes import Edit, Fix, apply_fixes
from imagelint.settings import Settings
from tests.support.cli import no_traceback, one_line_error, run
from tests.support.image_archives import docker_save

BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox"), ("dir", "tmp")]
# IL9001 reports from 1 MB by default; these images hide less.
ANY_SIZE = Settings(rule_options={"IL9001": {"min-bytes": 1}})


def RUN(command: str) -> dict:
    return {"created_by": f"/bin/sh -c {command}"}


def NOP(instruction: str) -> dict:
    return {"created_by": f"/bin/sh -c #(nop)  {instruction}", "empty_layer": True}


def analyzed(tmp_path, layers, history, dockerfile, settings=ANY_SIZE):
    """The report of ``analyze docker-archive:... --dockerfile`` for an image with these layers
    (the base first) and history entries after the base's."""
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save([BASE, *layers], history=[{"created_by": None}, *history]))
    path = tmp_path / "Dockerfile"
    path.write_bytes(dockerfile.encode())
    return run_analyze(f"docker-archive:{archive}", settings, dockerfile=path), archive, path


def fixes_of(report, code: str) -> list[Fix | None]:
    return [f.fix for f in report.findings if f.rule == code]


def fixed(report, text: str, code: str) -> str:
    (fix,) = fixes_of(report, code)
    assert fix is not None
    result, applied = apply_fixes(text, [fix])
    assert applied == [fix]
    return result


# --- IL9001: deletions moved, replacements merged --------------------------------------------------

DELETED = "FROM busybox:local\nRUN mkdir -p /data && dd of=/data/big.bin\nRUN rm /data/big.bin\nCMD [\"ls\"]\n"


def test_a_deletion_moves_into_the_run_that_wrote_the_file_and_the_empty_run_goes(tmp_path):
    layers = [[("dir", "data"), ("file", "data/big.bin", 5000)], [("whiteout", "data/big.bin")]]
    history = [RUN("mkdir -p /data && dd of=/data/big.bin"), RUN("rm /data/big.bin"), NOP('CMD ["ls"]')]
    report, _, path = analyzed(tmp_path, layers, history, DELETED)
    (finding,) = [f for f in report.findings if f.rule == "IL9001"]
    assert (finding.file, finding.line) == (str(path), 2)
    assert finding.fix.applicability == "unsafe"
    assert finding.fix.description == (
        "delete /data/big.bin in the RUN at line 2 that writes it, not at line 3 "
        "(the RUN at line 3 is removed: that was all it did); saves 5.0 kB"
    )
    assert fixed(report, DELETED, "IL9001") == (
        "FROM busybox:local\nRUN mkdir -p /data && dd of=/data/big.bin && rm -rf /data/big.bin\nCMD [\"ls\"]\n"
    )


def test_the_rm_leaves_the_later_run_and_its_continuation_lines_keep_their_shape(tmp_path):
    text = (
        "FROM busybox:local\n"
        "RUN mkdir /o \\\n    && dd of=/o/old\n"
        "LABEL a=b\n"
        "RUN rm -rf /o \\\n    && mkdir /o && dd of=/o/new\n"
    )
    layers = [[("dir", "o"), ("file", "o/old", 3000)], [("dir", "o"), ("opaque", "o"), ("file", "o/new", 10)]]
    history = [RUN("mkdir /o     && dd of=/o/old"), NOP("LABEL a=b"), RUN("rm -rf /o     && mkdir /o && dd of=/o/new")]
    report, _, _ = analyzed(tmp_path, layers, history, text)
    assert fixed(report, text, "IL9001") == (
        "FROM busybox:local\n"
        "RUN mkdir /o \\\n    && dd of=/o/old \\\n    && rm -rf /o\n"
        "LABEL a=b\n"
        "RUN mkdir /o && dd of=/o/new\n"
    )


def test_an_rm_in_the_middle_or_at_the_end_and_a_path_that_needs_quotes(tmp_path):
    text = "FROM busybox:local\nRUN dd of='/my file' && dd of=/b\nRUN echo a && rm '/my file' /b && echo b\n"
    layers = [[("file", "my file", 4000), ("file", "b", 1000)], [("whiteout", "my file"), ("whiteout", "b")]]
    history = [RUN("dd of='/my file' && dd of=/b"), RUN("echo a && rm '/my file' /b && echo b")]
    report, _, _ = analyzed(tmp_path, layers, history, text)
    assert fixed(report, text, "IL9001") == (
        "FROM busybox:local\nRUN dd of='/my file' && dd of=/b && rm -rf '/my file' /b\nRUN echo a && echo b\n"
    )
    text = "FROM busybox:local\nRUN dd of=/b\nRUN echo a; rm /b\n"
    report, _, _ = analyzed(tmp_path, [[("file", "b", 1000)], [("whiteout", "b")]], [RUN("dd of=/b"), RUN("echo a; rm /b")], text)
    assert fixed(report, text, "IL9001") == "FROM busybox:local\nRUN dd of=/b && rm -rf /b\nRUN echo a\n"


def test_a_replaced_file_merges_the_later_run_into_the_writing_one(tmp_path):
    text = "FROM busybox:local\nRUN mkdir /app && dd of=/app/x\nLABEL a=b\nRUN chmod 600 /app/x\nCMD [\"sh\"]\n"
    layers = [[("dir", "app"), ("file", "app/x", 3000)], [("dir", "app"), ("file", "app/x", 3000)]]
    history = [RUN("mkdir /app && dd of=/app/x"), NOP("LABEL a=b"), RUN("chmod 600 /app/x"), NOP('CMD ["sh"]')]
    report, _, _ = analyzed(tmp_path, layers, history, text)
    (fix,) = fixes_of(report, "IL9001")
    assert fix.description == "merge the RUN at line 4 into the RUN at line 2, whose files it replaces; saves 3.0 kB"
    assert fixed(report, text, "IL9001") == (
        "FROM busybox:local\nRUN mkdir /app && dd of=/app/x && chmod 600 /app/x\nLABEL a=b\nCMD [\"sh\"]\n"
    )


def test_a_merged_run_with_or_lists_is_grouped(tmp_path):
    text = "FROM busybox:local\nRUN dd of=/x\nRUN chmod 600 /x || true\n"
    report, _, _ = analyzed(tmp_path, [[("file", "x", 3000)], [("file", "x", 3000)]], [RUN("dd of=/x"), RUN("chmod 600 /x || true")], text)
    assert fixed(report, text, "IL9001") == "FROM busybox:local\nRUN dd of=/x && { chmod 600 /x || true; }\n"


def test_an_rm_that_something_before_it_reads_is_merged_not_moved(tmp_path):
    text = "FROM busybox:local\nRUN dd of=/data.tar\nRUN tar -xf /data.tar && rm /data.tar\n"
    layers = [[("file", "data.tar", 3000)], [("file", "out", 10), ("whiteout", "data.tar")]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("dd of=/data.tar"), RUN("tar -xf /data.tar && rm /data.tar")], text)
    assert fixed(report, text, "IL9001") == "FROM busybox:local\nRUN dd of=/data.tar && tar -xf /data.tar && rm /data.tar\n"


@pytest.mark.parametrize(
    ("middle", "middle_history", "middle_layer"),
    [
        ("ENV MODE=1\n", NOP("ENV MODE=1"), None),  # the later RUN would lose MODE
        ("RUN touch /y\n", RUN("touch /y"), [("file", "y", 0)]),  # merging two of three RUNs reorders them
    ],
)
def test_no_merge_across_what_changes_how_a_run_runs(tmp_path, middle, middle_history, middle_layer):
    text = f"FROM busybox:local\nRUN dd of=/x\n{middle}RUN chmod 600 /x\n"
    layers = [[("file", "x", 3000)], *([middle_layer] if middle_layer else []), [("file", "x", 3000)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("dd of=/x"), middle_history, RUN("chmod 600 /x")], text)
    assert fixes_of(report, "IL9001") == [None]


def test_no_merge_after_a_cd_and_no_move_when_a_layer_between_writes_there(tmp_path):
    text = "FROM busybox:local\nRUN cd /tmp && dd of=/x\nRUN chmod 600 /x\n"
    report, _, _ = analyzed(tmp_path, [[("file", "x", 3000)], [("file", "x", 3000)]], [RUN("cd /tmp && dd of=/x"), RUN("chmod 600 /x")], text)
    assert fixes_of(report, "IL9001") == [None]
    text = "FROM busybox:local\nRUN mkdir /d && dd of=/d/a\nCOPY b /d/b\nRUN rm -rf /d\n"
    layers = [[("dir", "d"), ("file", "d/a", 3000)], [("dir", "d"), ("file", "d/b", 5)], [("whiteout", "d")]]
    history = [RUN("mkdir /d && dd of=/d/a"), {"created_by": "/bin/sh -c #(nop) COPY file:abc in /d/b "}, RUN("rm -rf /d")]
    report, _, _ = analyzed(tmp_path, layers, history, text)
    assert fixes_of(report, "IL9001") == [None, None]  # deleting /d earlier would keep /d/b (and /d/b: a COPY)


@pytest.mark.parametrize(
    ("first", "second", "recorded"),
    [
        ('RUN ["dd", "of=/x"]', "RUN rm /x", "dd of=/x"),  # exec form: nothing to append to
        ("RUN dd of=/x # write it", "RUN rm /x", "dd of=/x # write it"),  # `&& rm` would be a comment
        ("RUN dd of=/x;", "RUN rm /x", "dd of=/x;"),  # nor after a `;`
    ],
)
def test_no_fix_when_the_text_cannot_take_it(tmp_path, first, second, recorded):
    text = f"FROM busybox:local\n{first}\n{second}\n"
    second_recorded = second.removeprefix("RUN ")
    report, _, _ = analyzed(tmp_path, [[("file", "x", 3000)], [("whiteout", "x")]], [RUN(recorded), RUN(second_recorded)], text)
    assert [f.rule for f in report.findings if f.rule == "IL9001"] == ["IL9001"]
    assert fixes_of(report, "IL9001") == [None]


def test_an_rm_of_what_only_the_shell_knows_is_merged(tmp_path):
    text = "FROM busybox:local\nRUN dd of=/x\nRUN rm $TARGET\n"
    report, _, _ = analyzed(tmp_path, [[("file", "x", 3000)], [("whiteout", "x")]], [RUN("dd of=/x"), RUN("rm $TARGET")], text)
    assert fixed(report, text, "IL9001") == "FROM busybox:local\nRUN dd of=/x && rm $TARGET\n"


def test_no_fix_without_a_confident_join_or_across_stages(tmp_path):
    layers = [[("dir", "data"), ("file", "data/big.bin", 5000)], [("whiteout", "data/big.bin")]]
    history = [RUN("something else"), RUN("rm /data/big.bin"), NOP('CMD ["ls"]')]
    report, _, _ = analyzed(tmp_path, layers, history, DELETED)
    assert fixes_of(report, "IL9001") == [None]
    assert any(f.rule == "IL9006" for f in report.findings)
    text = "FROM busybox:local AS base\nRUN dd of=/x\nFROM base\nRUN rm /x\n"
    report, _, _ = analyzed(tmp_path, [[("file", "x", 3000)], [("whiteout", "x")]], [RUN("dd of=/x"), RUN("rm /x")], text)
    assert fixes_of(report, "IL9001") == [None]


def test_without_a_dockerfile_findings_have_no_fix(tmp_path):
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save([BASE, [("file", "x", 3000)], [("whiteout", "x")]], history=[{"created_by": None}, RUN("dd of=/x"), RUN("rm /x")]))
    report = run_analyze(f"docker-archive:{archive}", ANY_SIZE)
    assert [(f.rule, f.fix) for f in report.findings if f.rule == "IL9001"] == [("IL9001", None)]


# --- IL9002 / IL9003: cleanups at the end of the RUN that left them -----------------------------------

APT = "FROM busybox:local\nRUN apt-get update && apt-get install -y curl\n"
LISTS = [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/x_Packages", 50_000)]


def test_package_lists_are_removed_in_the_installing_run_a_safe_fix(tmp_path):
    report, _, _ = analyzed(tmp_path, [LISTS], [RUN("apt-get update && apt-get install -y curl")], APT)
    (fix,) = fixes_of(report, "IL9002")
    assert fix.applicability == "safe"
    assert fixed(report, APT, "IL9002") == "FROM busybox:local\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"


def test_no_cache_fix_when_a_later_run_still_uses_the_manager(tmp_path):
    text = "FROM busybox:local\nRUN apt-get update\nRUN apt-get install -y curl\n"
    layers = [LISTS, [("file", "usr/bin/curl", 10)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("apt-get update"), RUN("apt-get install -y curl")], text)
    assert fixes_of(report, "IL9002") == [None]


def test_the_managers_own_clean_command_when_the_run_runs_it(tmp_path):
    text = "FROM busybox:local\nRUN dnf install -y curl\n"
    layers = [[("dir", "var/cache/dnf"), ("file", "var/cache/dnf/repo.solv", 40_000)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("dnf install -y curl")], text)
    assert fixed(report, text, "IL9002") == "FROM busybox:local\nRUN dnf install -y curl && dnf clean all\n"
    text = "FROM busybox:local\nRUN pip install flask\n"
    layers = [[("dir", "root/.cache/pip"), ("file", "root/.cache/pip/wheel", 40_000)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("pip install flask")], text)
    assert fixed(report, text, "IL9002") == "FROM busybox:local\nRUN pip install flask && rm -rf /root/.cache/pip/*\n"


def test_leftovers_are_removed_by_path_an_unsafe_fix(tmp_path):
    text = "FROM busybox:local\nRUN git clone x /src && make -C /src\n"
    layers = [[("dir", "src/.git"), ("file", "src/.git/pack", 30_000), ("file", "tmp/build.log", 20_000), ("file", "src/app", 5)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("git clone x /src && make -C /src")], text)
    fixes = fixes_of(report, "IL9003")
    assert len(fixes) == 2 and fixes[0] is fixes[1] and fixes[0].applicability == "unsafe"  # one cleanup for the layer
    assert fixed_once(text, fixes) == "FROM busybox:local\nRUN git clone x /src && make -C /src && rm -rf /src/.git /tmp/build.log\n"


def test_many_files_in_a_kept_folder_become_a_glob(tmp_path):
    text = "FROM busybox:local\nRUN make\n"
    layers = [[("file", f"tmp/f{i:02}", 2000) for i in range(12)]]
    report, _, _ = analyzed(tmp_path, layers, [RUN("make")], text)
    assert fixed(report, text, "IL9003") == "FROM busybox:local\nRUN make && rm -rf /tmp/*\n"


def test_a_copy_that_brought_leftovers_gets_no_fix(tmp_path):
    text = "FROM busybox:local\nCOPY . /app\n"
    layers = [[("dir", "app/.git"), ("file", "app/.git/pack", 30_000)]]
    report, _, _ = analyzed(tmp_path, layers, [{"created_by": "/bin/sh -c #(nop) COPY dir:abc in /app "}], text)
    assert fixes_of(report, "IL9003") == [None]


def fixed_once(text: str, fixes: list[Fix]) -> str:
    findings = [Finding("IL9003", "n", "image", Severity.parse("info"), "m", "Dockerfile", 1, 1, 1, fix) for fix in fixes]
    groups = combine_fixes(findings, text)
    assert len(groups) == 1
    return apply_fixes(text, [groups[0][0]])[0]


# --- combining fixes, and fix --image ----------------------------------------------------------------


def finding_with(fix: Fix) -> Finding:
    return Finding("IL9001", "n", "image", Severity.parse("warning"), "m", "Dockerfile", 1, 1, 1, fix)


def test_fixes_appending_to_one_place_are_combined_and_repeated_edits_made_once():
    text = "FROM x\nRUN a\nRUN b\n"
    move = Fix("move", "unsafe", (Edit(2, 6, 2, 6, " && rm -rf /x"), Edit(3, 1, 4, 1, "")))
    clean = Fix("clean", "safe", (Edit(2, 6, 2, 6, " && rm -rf /var/lib/apt/lists/*"),))
    again = Fix("clean", "safe", (Edit(2, 6, 2, 6, " && rm -rf /var/lib/apt/lists/*"),))
    other = Fix("other", "safe", (Edit(3, 5, 3, 6, "c"),))  # inside the removed RUN: collides
    groups = combine_fixes([finding_with(f) for f in (move, clean, again, other)], text)
    assert [(fix.description, fix.applicability, len(members)) for fix, members in groups] == [
        ("move; clean", "unsafe", 3), ("other", "safe", 1)
    ]
    result, applied = apply_fixes(text, [fix for fix, _ in groups])
    assert result == "FROM x\nRUN a && rm -rf /x && rm -rf /var/lib/apt/lists/*\n" and len(applied) == 1


def test_fix_image_applies_image_fixes_once_then_the_dockerfile_rules(tmp_path):
    text = "FROM busybox:local\r\nRUN apt-get update && apt-get install curl\r\nRUN dd of=/x\r\nRUN rm /x\r\n"
    layers = [LISTS, [("file", "x", 3000)], [("whiteout", "x")]]
    history = [RUN("apt-get update && apt-get install curl"), RUN("dd of=/x"), RUN("rm /x")]
    _, archive, path = analyzed(tmp_path, layers, history, text)
    settings = ANY_SIZE.with_cli(select=("image", "IL6001"))  # the other Dockerfile rules' fixes aside
    run_, unmatched = fix_image(f"docker-archive:{archive}", path, settings, unsafe=True, write=True)
    assert unmatched is None and not run_.errors and run_.written == [str(path)]
    (outcome,) = run_.outcomes
    assert {f.rule for f in outcome.applied} >= {"IL9001", "IL9002", "IL6001"}  # IL6001: `-y`, a Dockerfile rule
    assert path.read_bytes() == (
        b"FROM busybox:local\r\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\r\n"
        b"RUN dd of=/x && rm -rf /x\r\n"
    )


def test_fix_image_safe_only_counts_what_unsafe_would_add(tmp_path):
    _, archive, path = analyzed(tmp_path, [[("file", "x", 3000)], [("whiteout", "x")]], [RUN("dd of=/x"), RUN("rm /x")], "FROM busybox:local\nRUN dd of=/x\nRUN rm /x\n")
    run_, _ = fix_image(f"docker-archive:{archive}", path, ANY_SIZE.with_cli(select=("image",)))
    (outcome,) = run_.outcomes
    assert not outcome.changed and outcome.unsafe_available() == 1


def test_fix_image_on_the_command_line(tmp_path):
    (tmp_path / ".imagelint.toml").write_text("[rules.IL9001]\nmin-bytes = 1\n")
    _, archive, path = analyzed(tmp_path, [[("file", "x", 3000)], [("whiteout", "x")]], [RUN("dd of=/x"), RUN("rm /x")], "FROM busybox:local\nRUN dd of=/x\nRUN rm /x\n")
    shown = run("fix", "--image", f"docker-archive:{archive}", "--unsafe", "--select", "image", cwd=tmp_path)
    no_traceback(shown)
    assert shown.returncode == 1, shown.stderr.decode()
    assert shown.stdout.decode() == (
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,2 @@\n FROM busybox:local\n-RUN dd of=/x\n-RUN rm /x\n+RUN dd of=/x && rm -rf /x\n"
    )
    assert "would fix 1 finding in 1 file (IL9001 1)" in shown.stderr.decode()
    written = run("fix", "--image", f"docker-archive:{archive}", "--unsafe", "--select", "image", "--write", str(path), cwd=tmp_path)
    assert written.returncode == 0 and path.read_text() == "FROM busybox:local\nRUN dd of=/x && rm -rf /x\n"
    stale = run("fix", "--image", f"docker-archive:{archive}", "--unsafe", "--select", "image", cwd=tmp_path)
    assert stale.returncode == 0 and "no image fixes: layers are not matched" in stale.stderr.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--image", "docker-archive:missing.tar"), "missing.tar"),
        (("--image", "x", "-"), "need a Dockerfile path"),
        (("--image", "x", "a", "b"), "takes one Dockerfile"),
        (("--image", "x", "--dockerignore"), "cannot be combined"),
        (("--platform", "linux/amd64"), "--platform needs --image"),
        (("--image", "x", "nowhere/Dockerfile"), "no such Dockerfile"),
    ],
)
def test_fix_image_usage_errors_are_one_line(tmp_path, args, message):
    (tmp_path / "Dockerfile").write_text("FROM busybox:local\n")
    one_line_error(run("fix", *args, cwd=tmp_path), message)


def test_a_fix_that_would_write_a_redacted_secret_is_never_applied(tmp_path):
    text = "FROM busybox:local\nENV API_TOKEN=s3cr3t-value\nRUN dd of=/x\nRUN chmod 600 /x && echo s3cr3t-value\n"
    layers = [[("file", "x", 3000)], [("file", "x", 3000)]]
    history = [NOP("ENV API_TOKEN=s3cr3t-value"), RUN("dd of=/x"), RUN("chmod 600 /x && echo s3cr3t-value")]
    report, archive, path = analyzed(tmp_path, layers, history, text)
    (fix,) = fixes_of(report, "IL9001")
    assert "REDACTED" in fix.edits[0].content  # what reports show
    run_, _ = fix_image(f"docker-archive:{archive}", path, ANY_SIZE.with_cli(select=("image",)), unsafe=True)
    assert not run_.outcomes[0].changed
