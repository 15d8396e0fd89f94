"""The small parsers behind ``imagelint analyze``: references, sizes, .dive-ci files, history lines,
the Dockerfile join, and the image rules on synthetic images (no Docker needed)."""

from __future__ import annotations

import json

import pytest

from imagelint.settings import Settings
from imagelint.dockerfile import parse
from imagelint.image.budgets import BudgetError, Budgets, load_dive_ci, parse_fraction, parse_percent, parse_size
from imagelint.image.history import parse_created_by
from imagelint.image.join import join
from imagelint.image.model import HistoryEntry, ImageError
from imagelint.image.sources import (
    SOURCES,
    DaemonSource,
    DockerArchiveSource,
    ImageSource,
    LoadOptions,
    OciSource,
    RegistrySource,
    parse_reference,
)
from imagelint.units import format_size
from tests.support.image_archives import docker_save


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("busybox:local", "docker", "busybox:local"),
        ("registry:2", "docker", "registry:2"),  # the registry image, not the planned registry: source
        ("localhost:5000/team/app:1.0", "docker", "localhost:5000/team/app:1.0"),
        ("app@sha256:" + "a" * 64, "docker", "app@sha256:" + "a" * 64),
        ("958ce540dd6c", "docker", "958ce540dd6c"),
        ("docker://alpine:3.20", "docker", "alpine:3.20"),
        ("docker-archive:/tmp/x.tar", "docker-archive", "/tmp/x.tar"),
        ("docker-archive://rel/x.tar.gz", "docker-archive", "rel/x.tar.gz"),
        ("oci:/tmp/layout", "oci", "/tmp/layout"),
        ("oci-archive:build/image.tar", "oci", "build/image.tar"),
        ("oci:1.0", "docker", "oci:1.0"),  # the image "oci", unless a file named 1.0 is here
        ("oci:./1.0", "oci", "./1.0"),
        ("registry:localhost:5000/app", "registry", "localhost:5000/app"),
        ("registry:registry.example.com/org/app:1.2@sha256:" + "b" * 64, "registry", "registry.example.com/org/app:1.2@sha256:" + "b" * 64),
        ("registry://127.0.0.1:5000/a/b", "registry", "127.0.0.1:5000/a/b"),
    ],
)
def test_references(text, kind, value):
    reference = parse_reference(text)
    assert (reference.kind, reference.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("busybox:local", DaemonSource),
        ("docker://alpine:3.20", DaemonSource),
        ("registry:2", DaemonSource),
        ("oci:1.0", DaemonSource),
        ("docker-archive:x.tar", DockerArchiveSource),
        ("docker-tar:x.tar", DockerArchiveSource),
        ("oci:./layout", OciSource),
        ("oci-archive:build/image.tar", OciSource),
        ("registry:registry.example.com/org/app:1", RegistrySource),
    ],
)
def test_each_source_is_picked_by_its_prefix(text, source):
    picked = parse_reference(text)
    assert type(picked) is source and isinstance(picked, ImageSource)
    assert picked.kind == source.kind and picked.text == text


def test_every_prefixed_source_is_in_the_table_and_in_the_help():
    assert {source.kind for source in SOURCES} == {"docker-archive", "oci", "registry", "podman"}
    for source in SOURCES:
        assert source.schemes and source.form
    with pytest.raises(ImageError) as raised:
        parse_reference("Not A Reference")
    assert str(raised.value) == (
        "'Not A Reference' is not an image reference; use NAME[:TAG], NAME@DIGEST, an image ID, "
        "docker-archive:PATH, oci:PATH[:TAG], registry:HOST/REPO[:TAG] or podman:NAME[:TAG]"
    )


def test_a_bad_platform_fails_before_any_source_is_read(tmp_path):
    with pytest.raises(ImageError, match="expected os/arch"):
        LoadOptions(platform="amd64")
    missing = parse_reference(f"docker-archive:{tmp_path / 'absent.tar'}")
    with pytest.raises(ImageError, match="no such file"):
        missing.load(LoadOptions(platform="linux/amd64"))


def test_oci_tag_suffix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert parse_reference("oci:layout:v1").tag == "v1" and parse_reference("oci:layout:v1").value == "layout"
    (tmp_path / "odd:name").mkdir()  # a path that exists as written is never split
    assert (parse_reference("oci:odd:name").value, parse_reference("oci:odd:name").tag) == ("odd:name", None)


@pytest.mark.parametrize(
    ("text", "host", "repository", "reference", "api_host"),
    [
        ("127.0.0.1:5000/imagelint-test/x:1", "127.0.0.1:5000", "imagelint-test/x", "1", "127.0.0.1:5000"),
        ("localhost/app", "localhost", "app", "latest", "localhost"),
        ("docker.io/alpine:3.20", "docker.io", "library/alpine", "3.20", "registry-1.docker.io"),
        ("ghcr.io/o/a:1@sha256:" + "c" * 64, "ghcr.io", "o/a", "sha256:" + "c" * 64, "ghcr.io"),
        ("[::1]:5000/a", "[::1]:5000", "a", "latest", "[::1]:5000"),
    ],
)
def test_registry_references(text, host, repository, reference, api_host):
    from imagelint.image.reference import parse_registry_reference

    parsed = parse_registry_reference(text)
    assert (parsed.host, parsed.repository, parsed.reference, parsed.api_host) == (host, repository, reference, api_host)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Busybox:latest", "is not an image reference"),
        ("a:b:c", "is not an image reference"),
        ("https://example.com/x", "is not an image reference"),
        ("", "empty image reference"),
        ("registry:library/alpine", "needs the registry host and repository"),
        ("registry:localhost:5000", "needs the registry host and repository"),
        ("registry:localhost:5000/App", "is not a registry reference"),
        ("oci:", "needs a path"),
        ("docker-archive:", "needs a file path"),
    ],
)
def test_bad_references(text, message):
    with pytest.raises(ImageError, match=message):
        parse_reference(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20MB", 20_000_000), ("5MiB", 5 * 1024 * 1024), ("50KB", 50_000), ("20Mb", 20_000_000), ("1,000", 1000),
     ("1.5 GB", 1_500_000_000), ("12", 12), ("2k", 2000), ("3Ki", 3072), ("0", 0)],
)  # fmt: skip
def test_sizes_parse_like_dive(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["abc", "10XB", "MB", "-5MB"])
def test_bad_sizes(text):
    with pytest.raises(BudgetError):
        parse_size(text)


def test_fractions_and_percents():
    assert parse_fraction("0.9", "x") == 0.9 and parse_fraction("90%", "x") == 0.9
    assert parse_percent("10", "x") == 10 and parse_percent("12.5%", "x") == 12.5
    for bad in ("1.5", "abc"):
        with pytest.raises(BudgetError):
            parse_fraction(bad, "--min-efficiency")
    with pytest.raises(BudgetError, match="outside 0-100"):
        parse_percent("150", "--max-wasted-percent")


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (700_000, "700 kB"), (1_982_256, "2.0 MB"), (18_200_000, "18.2 MB"),
     (999_999, "1.0 MB"), (3_000_000_000, "3.0 GB")],
)  # fmt: skip
def test_format_size(count, text):
    assert format_size(count) == text


def test_dive_ci_file(tmp_path):
    path = tmp_path / ".dive-ci"
    path.write_text(
        "# team budget\nrules:\n  lowestEfficiency: 0.95  # a comment\n  highestWastedBytes: '50KB'\n"
        "  highestUserWastedPercent: disabled\nother: ignored\n"
    )
    rules = load_dive_ci(path)
    assert (rules.lowest_efficiency, rules.highest_wasted_bytes, rules.highest_user_wasted_percent) == (0.95, 50_000, None)
    path.write_text("rules: {highest-wasted-bytes: 20MB}\n")  # dive's newer kebab-case keys, flow style
    rules = load_dive_ci(path)
    assert (rules.lowest_efficiency, rules.highest_wasted_bytes, rules.highest_user_wasted_percent) == (0.9, 20_000_000, 0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  lowestEfficiency: 1.5\n", "outside the allowed range"),
        ("rules:\n  highestWastedBytes: lots\n", "highestWastedBytes"),
        ("rules:\n  highestUserWastedPercent: abc\n", "not a number"),
        ("rules: [0.5]\n", "'rules' must be a mapping"),
        ("rules:\n  lowestEfficiency: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_dive_ci_files(tmp_path, text, message):
    path = tmp_path / ".dive-ci"
    path.write_text(text)
    with pytest.raises(BudgetError, match=message):
        load_dive_ci(path)
    with pytest.raises(BudgetError, match="no such .dive-ci file"):
        load_dive_ci(tmp_path / "missing")


@pytest.mark.parametrize(
    ("created_by", "keyword", "text", "args"),
    [
        ("/bin/sh -c #(nop)  ENV A=b C=d e", "ENV", "A=b C=d e", ()),
        ("/bin/sh -c #(nop) COPY file:abc in /payload.bin ", "COPY", "file:abc in /payload.bin", ()),
        ("/bin/sh -c apt-get update", "RUN", "apt-get update", ()),
        ("|2 TOKEN=s3 X=1 /bin/sh -c echo $X", "RUN", "echo $X", (("TOKEN", "s3"), ("X", "1"))),
        ("|1 X=1 echo exec", "RUN", "echo exec", (("X", "1"),)),
        ("RUN /bin/sh -c make # buildkit", "RUN", "make", ()),
        ("RUN |1 V=2 /bin/sh -c make # buildkit", "RUN", "make", (("V", "2"),)),
        ("RUN --mount=type=cache,target=/root/.cache /bin/sh -c pip install x # buildkit", "RUN", "pip install x", ()),
        ("COPY app.py /app/ # buildkit", "COPY", "app.py /app/", ()),
        ("WORKDIR /app", "WORKDIR", "/app", ()),
        (None, None, "", ()),
        ("", None, "", ()),
    ],
)
def test_history_lines(created_by, keyword, text, args):
    step = parse_created_by(created_by)
    assert (step.keyword, step.text, step.build_args) == (keyword, text, args)


# --- the Dockerfile join ----------------------------------------------------------------------------------

CLASSIC_HISTORY = [
    None,  # the imported base
    "/bin/sh -c #(nop)  ARG X=1",
    "|1 X=1 /bin/sh -c mkdir /app     && echo two > /app/t",
    "/bin/sh -c #(nop)  LABEL k=v",
    "/bin/sh -c #(nop) COPY file:2cc6 in /app/ ",
    '/bin/sh -c #(nop)  CMD ["sh"]',
]
DOCKERFILE = """\
FROM busybox:local
ARG X=1
RUN mkdir /app \\
    && echo two > /app/t
LABEL k=v
COPY a.txt /app/
CMD ["sh"]
"""


def history(lines):
    return [HistoryEntry(created_by=line, empty_layer=False) for line in lines]


def test_join_matches_every_instruction_from_the_end():
    result = join(parse(DOCKERFILE), history(CLASSIC_HISTORY))
    assert result.confident
    assert {index: instruction.line for index, instruction in result.matched.items()} == {1: 2, 2: 3, 3: 5, 4: 6, 5: 7}
    assert result.lines == {1: 2, 2: 3, 3: 5, 4: 6, 5: 7}


def test_join_tolerates_a_missing_arg_entry():
    lines = [line for line in CLASSIC_HISTORY if not (line or "").endswith("ARG X=1")]
    result = join(parse(DOCKERFILE), history(lines))
    assert result.confident and 0 not in result.matched


def test_join_refuses_to_guess():
    other = DOCKERFILE.replace("echo two", "echo three")
    result = join(parse(other), history(CLASSIC_HISTORY))
    assert not result.confident and not result.matched
    assert "line 3" in result.problem and "was the image built from this Dockerfile" in result.problem
    longer = "FROM busybox:local\nRUN a\nRUN b\n"
    result = join(parse(longer), history([None, "/bin/sh -c b"]))
    assert "line 2" in result.problem


def test_join_follows_the_stage_chain():
    text = "FROM busybox:local AS base\nRUN a\nFROM alpine:3 AS other\nRUN z\nFROM base\nRUN b\n"
    result = join(parse(text), history([None, "/bin/sh -c a", "/bin/sh -c b"]))
    assert {i: ins.line for i, ins in result.matched.items()} == {1: 2, 2: 6}


# --- image rules on synthetic images ----------------------------------------------------------------------


def image_report(layers, *, config=None, history_lines=None, budgets=None, settings=None, dockerfile_text=None, tmp_path=None):
    from imagelint.analyze import run_analyze

    history = None if history_lines is None else [
        {"created_by": line, **({"empty_layer": True} if "#(nop)" in (line or "") and "COPY" not in line else {})}
        for line in history_lines
    ]  # fmt: skip
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_save(layers, config=config, history=history))
    dockerfile = None
    if dockerfile_text is not None:
        dockerfile = tmp_path / "Dockerfile"
        dockerfile.write_text(dockerfile_text)
    return run_analyze(f"docker-archive:{archive}", settings or Settings(), budgets=budgets, dockerfile=dockerfile)


BASE = [("dir", "bin"), ("file", "bin/busybox", 1000), ("symlink", "bin/sh", "busybox")]


def codes(report):
    return sorted(f.rule for f in report.findings)


def test_rules_on_a_clean_image(tmp_path):
    config = {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}, "ExposedPorts": {"8080/tcp": {}}}
    assert codes(image_report([BASE], config=config, tmp_path=tmp_path)) == []


def test_rules_on_a_careless_image(tmp_path):
    layers = [
        BASE,
        [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/x_Packages", 20_000), ("file", "usr/bin/gcc", 5)],
        [("file", "big.bin", 2_000_000)],
        [("whiteout", "big.bin")],
    ]
    config = {"User": "0", "ExposedPorts": {"22/tcp": {}}, "Env": ["PATH=/bin", "DB_PASSWORD=s3cr3t-hunter2"]}
    history = [None, "/bin/sh -c apt-get update", "/bin/sh -c fetch big.bin", "/bin/sh -c rm big.bin"]
    report = image_report(layers, config=config, history_lines=history, tmp_path=tmp_path)
    assert codes(report) == ["IL7101", "IL7102", "IL7103", "IL9001", "IL9002", "IL9004", "IL9005"]
    messages = {f.rule: f.message for f in report.findings}
    assert messages["IL9001"].startswith("layer 2 (`RUN fetch big.bin`) ships 2.0 MB that are deleted or replaced by layer 3")
    assert "left 20.0 kB of apt package lists in /var/lib/apt/lists" in messages["IL9002"]
    assert "s3cr3t-hunter2" not in json.dumps(report.to_dict()) and "REDACTED" in messages["IL7102"]
    assert all(f.file == report.image.analysis.name and f.line is None for f in report.findings)


def test_secret_build_args_are_redacted_everywhere(tmp_path):
    history = [None, "|1 NPM_TOKEN=abcd1234efgh /bin/sh -c npm ci"]
    report = image_report([BASE, [("file", "x", 1)]], history_lines=history, tmp_path=tmp_path)
    document = json.dumps(report.to_dict())
    assert "abcd1234efgh" not in document
    assert report.image.analysis.layers[1].created_by == "|1 NPM_TOKEN=REDACTED /bin/sh -c npm ci"
    assert any(f.rule == "IL7102" and "build argument NPM_TOKEN" in f.message for f in report.findings)
    # Redaction does not depend on the rule being selected.
    quiet = image_report([BASE, [("file", "x", 1)]], history_lines=history, tmp_path=tmp_path, settings=Settings(ignore=("IL7102",)))
    assert "abcd1234efgh" not in json.dumps(quiet.to_dict())


def test_budgets(tmp_path):
    from imagelint.image.budgets import DiveCiRules

    layers = [BASE, [("file", "f", 500)], [("file", "f", 600)]]
    budgets = Budgets(max_wasted_bytes=100, max_wasted_percent=10, min_efficiency=0.9, max_size=1500,
                      dive_ci=DiveCiRules(lowest_efficiency=0.9, highest_wasted_bytes=999, highest_user_wasted_percent=0.5))  # fmt: skip
    report = image_report(layers, budgets=budgets, tmp_path=tmp_path)
    messages = {f.rule: f.message for f in report.findings if f.rule.startswith("IL91")}
    # shipped 2100, hidden 500 (23.81%), efficiency 1600/2100; dive: /f is [500, 600]: wasted 1100,
    # efficiency (1000 + 500) / (1000 + 1100), user 1100 / 1100.
    assert messages == {
        "IL9101": "wasted bytes 500 (500 B) exceed --max-wasted-bytes 100 (100 B) by 400 bytes",
        "IL9102": "wasted bytes are 23.81% of the image, over --max-wasted-percent 10% by 13.81 points",
        "IL9103": "efficiency 0.7619 is below --min-efficiency 0.9 by 0.1381",
        "IL9104": "image size 2100 (2.1 kB) exceeds --max-size 1500 (1.5 kB) by 600 bytes",
        "IL9111": "dive lowestEfficiency: dive's efficiency 0.7143 is below 0.9 by 0.1857 (dive defaults)",
        "IL9112": "dive highestWastedBytes: wasted-bytes=1100 > threshold=999 (by 101 bytes, dive defaults)",
        "IL9113": "dive highestUserWastedPercent: 1.0000 > threshold 0.5 (dive defaults)",
    }
    assert all(f.severity.name == "ERROR" for f in report.findings if f.rule.startswith("IL91"))
    relaxed = Budgets(max_wasted_bytes=500, max_size=2100, min_efficiency=0.76, dive_ci=DiveCiRules(None, None, None))
    assert not [f for f in image_report(layers, budgets=relaxed, tmp_path=tmp_path).findings if f.rule.startswith("IL91")]


def test_findings_at_dockerfile_lines(tmp_path):
    layers = [BASE, [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/x_Packages", 50_000)]]
    history = [None, "/bin/sh -c apt-get update", '/bin/sh -c #(nop)  CMD ["sh"]']
    text = "FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n"
    report = image_report(layers, history_lines=history, dockerfile_text=text, tmp_path=tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "IL9002"]
    assert (finding.file, finding.line) == (str(tmp_path / "Dockerfile"), 2)
    assert finding.message.startswith("line 2: `RUN apt-get update` left 50.0 kB of apt package lists")
    assert [row.dockerfile_line for row in report.image.analysis.layers] == [None, 2, 3]
    assert {f.family for f in report.findings} >= {"image", "security"}
    assert any(f.rule == "IL7001" for f in report.findings)  # the Dockerfile rules ran too, and IL7001
    assert not any(f.rule == "IL7101" for f in report.findings)  # reports the root user at its line


def test_an_image_report_has_a_result_for_the_image_and_one_for_its_dockerfile(tmp_path):
    layers = [BASE, [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/x_Packages", 50_000)]]
    history = [None, "/bin/sh -c apt-get update", '/bin/sh -c #(nop)  CMD ["sh"]']
    text = "FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n"
    report = image_report(layers, history_lines=history, dockerfile_text=text, tmp_path=tmp_path)
    assert report.image is not None and report.image.dockerfile == str(tmp_path / "Dockerfile")
    on_image, on_dockerfile = report.results
    assert (on_image.file, on_image.target, on_dockerfile.file, on_dockerfile.target) == (
        report.image.name, "image", str(tmp_path / "Dockerfile"), "dockerfile"
    )
    assert {f.rule for f in on_image.findings} <= {rule.code for rule in report.rules_for(on_image)}
    assert {f.rule for f in on_dockerfile.findings} <= {rule.code for rule in report.rules_for(on_dockerfile)}
    assert sorted(report.findings, key=lambda f: f.sort_key()) == report.findings == sorted(
        [*on_image.findings, *on_dockerfile.findings], key=lambda f: f.sort_key()
    )
    assert [row.command for row in report.image.analysis.layers] == ["", "RUN apt-get update", 'CMD ["sh"]']
    bare = image_report(layers, history_lines=history, tmp_path=tmp_path)
    assert [r.target for r in bare.results] == ["image"] and bare.image.dockerfile is None


def test_image_and_dockerfile_findings_are_made_in_one_place(tmp_path, monkeypatch):
    from imagelint import engine

    made: list[str] = []
    make = engine.finding

    def recording(rule, violation, settings, *, file):
        made.append(rule.code)
        return make(rule, violation, settings, file=file)

    monkeypatch.setattr(engine, "finding", recording)
    layers = [BASE, [("dir", "var/lib/apt/lists"), ("file", "var/lib/apt/lists/x_Packages", 50_000)]]
    history = [None, "/bin/sh -c apt-get update", '/bin/sh -c #(nop)  CMD ["sh"]']
    report = image_report(layers, history_lines=history, dockerfile_text="FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n", tmp_path=tmp_path)
    assert {f.rule for f in report.findings} <= set(made)
    assert {"IL9002", "IL7001"} <= set(made)  # an image rule's and a Dockerfile rule's


def test_unmatched_dockerfile_is_said_not_guessed(tmp_path):
    history = [None, "/bin/sh -c something else"]
    report = image_report([BASE, [("file", "x", 1)]], history_lines=history, dockerfile_text="FROM x:1\nRUN make\n", tmp_path=tmp_path)
    (note,) = [f for f in report.findings if f.rule == "IL9006"]
    assert "line 2 `RUN make` does not match the image's build step `RUN something else`" in note.message
    assert all(row.dockerfile_line is None for row in report.image.analysis.layers)
