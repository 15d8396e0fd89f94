"""The reporters: every format for a lint and an image report, their contracts (SARIF 2.1.0 schema,
GitHub workflow commands, JUnit XML, GitLab Code Quality), stable fingerprints, escaping of hostile
input and masking of secrets. The HTML page in a real browser: tests/integration/test_browser.py."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from imagelint.findings import Finding, Severity
from imagelint.fixes import Fix
from imagelint.report import FileResult, ImageDetails, Report
from imagelint.reporters import FORMATS, render
from imagelint.fingerprint import relative_path
from imagelint.reporters._common import locate
from imagelint.secrets import mask_secrets
from imagelint.reporters.github_format import escape_data, escape_property
from imagelint.rule import registered_rules
from tests.support.report_fixtures import (
    AWS_KEY,
    GITHUB_TOKEN,
    IMAGE_TAG,
    PASSWORD,
    SECRETS,
    XSS_FILE,
    XSS_LABEL,
    image_report,
    lint_report,
)


def rendered(format_name: str, report) -> str:
    stream = io.StringIO()
    render(format_name, report, stream)
    return stream.getvalue()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def lint(in_tmp):
    return lint_report(in_tmp)


@pytest.fixture
def image(in_tmp):
    return image_report(in_tmp)


@pytest.fixture
def bare_image(in_tmp):
    return image_report(in_tmp, with_dockerfile=False)


@pytest.fixture(scope="session")
def sarif_schema(schemas_dir) -> dict:
    return json.loads((schemas_dir / "sarif-schema-2.1.0.json").read_text())


def validate_sarif(document: dict, schema: dict) -> None:
    import jsonschema

    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)


# --- every format, both report kinds -----------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("kind", ["lint", "image", "bare_image"])
def test_every_format_renders_both_reports_without_leaking_secrets(format_name, kind, request):
    report = request.getfixturevalue(kind)
    text = rendered(format_name, report)
    assert text.strip()
    for secret in SECRETS:
        assert secret not in text, f"{format_name} shows the secret {secret}"
    if format_name in ("json", "sarif", "gitlab"):
        json.loads(text)
    if format_name in ("junit", "html"):  # markup formats: hostile text only ever escaped
        assert "<script>alert" not in text and "<img src=x" not in text
    if format_name == "junit":
        ET.fromstring(text.encode())


def test_lint_and_image_reports_are_one_model_told_apart_by_the_image_part(lint, image, bare_image):
    assert type(lint) is type(image) is type(bare_image) is Report
    assert lint.image is None
    assert isinstance(image.image, ImageDetails) and image.image.name == IMAGE_TAG and image.image.dockerfile
    assert bare_image.image.dockerfile is None
    assert rendered("text", image).startswith(f"Image: {IMAGE_TAG} ")
    # Without its image part the same findings render as a lint report does.
    as_lint = rendered("text", _without_image(image))
    assert not as_lint.startswith("Image:") and as_lint.rstrip().endswith(f"in {len(image.results)} files")
    assert json.loads(rendered("json", _without_image(image)))["summary"]["findings"] == len(image.findings)


def _without_image(report: Report) -> Report:
    return Report(report.results, report.rules, report.errors, report.notes, report.skipped)


def test_lint_json_still_validates_against_its_schema(lint):
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("imagelint").joinpath("schemas/lint-report.schema.json").read_text())
    jsonschema.validate(json.loads(rendered("json", lint)), schema)


# --- SARIF -------------------------------------------------------------------------------------------


def test_sarif_lint_is_schema_valid_and_describes_every_rule(lint, sarif_schema):
    document = json.loads(rendered("sarif", lint))
    validate_sarif(document, sarif_schema)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "imagelint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in lint.rules]
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    il5002 = by_id["IL5002"]
    rule = registered_rules()["IL5002"]
    assert il5002["name"] == rule.name
    assert il5002["shortDescription"]["text"] == rule.summary
    assert il5002["fullDescription"]["text"] == " ".join(rule.doc.sections["Why"].split())
    assert "## Bad" in il5002["help"]["markdown"] and il5002["help"]["text"]
    assert il5002["defaultConfiguration"]["level"] == "warning"
    assert il5002["properties"]["family"] == "base-image" and "base-image" in il5002["properties"]["tags"]
    assert by_id["IL7003"]["properties"]["security-severity"]

    results = run["results"]
    assert len(results) == len(lint.findings)
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["imagelint/v1"]
    latest = next(r for r in results if r["ruleId"] == "IL5002")
    location = latest["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "Dockerfile"
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert location["region"] == {"startLine": 1, "endLine": 1, "startColumn": 6}
    info = next(r for r in results if r["ruleId"] == "IL6011")
    assert info["level"] == "note"
    secret = next(r for r in results if r["ruleId"] == "IL7003")
    assert secret["level"] == "error" and AWS_KEY not in secret["message"]["text"]


def test_sarif_image_findings_point_at_dockerfile_lines_or_the_image(image, bare_image, sarif_schema):
    joined = json.loads(rendered("sarif", image))
    validate_sarif(joined, sarif_schema)
    results = {r["ruleId"]: r for r in joined["runs"][0]["results"]}
    hidden = results["IL9001"]["locations"][0]
    assert hidden["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"  # relative, though given absolute
    assert hidden["physicalLocation"]["region"]["startLine"] == 4
    assert hidden["logicalLocations"][0]["name"] == IMAGE_TAG
    on_image = results["IL7102"]["locations"][0]
    assert "physicalLocation" not in on_image
    assert on_image["logicalLocations"] == [{"name": IMAGE_TAG, "fullyQualifiedName": IMAGE_TAG, "kind": "resource"}]
    assert joined["runs"][0]["properties"]["image"]["name"] == IMAGE_TAG
    rule_ids = [rule["id"] for rule in joined["runs"][0]["tool"]["driver"]["rules"]]
    assert "IL9001" in rule_ids and "IL5002" in rule_ids  # image rules and the Dockerfile's rules ran

    bare = json.loads(rendered("sarif", bare_image))
    validate_sarif(bare, sarif_schema)
    assert all("physicalLocation" not in r["locations"][0] for r in bare["runs"][0]["results"])


def test_sarif_records_run_errors_as_notifications(in_tmp, sarif_schema):
    report = lint_report(in_tmp, {"Dockerfile": "FROM alpine:3.22\n"})
    report.errors.append("missing: no such file or directory")
    document = json.loads(rendered("sarif", report))
    validate_sarif(document, sarif_schema)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "missing: no such file or directory"


def _fingerprints(report) -> dict[tuple[str, int], str]:
    """(rule, occurrence) -> fingerprint, independent of line numbers."""
    seen: dict[str, int] = {}
    out = {}
    for item in locate(report):
        n = seen.get(item.finding.rule, 0)
        seen[item.finding.rule] = n + 1
        out[(item.finding.rule, n)] = item.fingerprint
    return out


def test_fingerprints_survive_unrelated_edits_and_change_with_the_offending_line(in_tmp):
    original = "FROM alpine:latest\nRUN apt-get update\nRUN apt-get install -y curl\nCMD python app.py\n"
    before = _fingerprints(lint_report(in_tmp, {"Dockerfile": original}))
    moved = "# a comment\n\n" + original.replace("CMD", "ENV A=1\nCMD")
    after = _fingerprints(lint_report(in_tmp, {"Dockerfile": moved}))
    assert before == after
    assert len(set(before.values())) == len(before)

    edited = original.replace("alpine:latest", "debian:latest")
    changed = _fingerprints(lint_report(in_tmp, {"Dockerfile": edited}))
    assert changed[("IL5002", 0)] != before[("IL5002", 0)]
    assert changed[("IL1002", 0)] == before[("IL1002", 0)]


def test_identical_findings_get_distinct_fingerprints(in_tmp):
    report = lint_report(in_tmp, {"Dockerfile": "FROM alpine:latest AS a\nFROM alpine:latest AS a2\nFROM alpine:latest\n"})
    prints = [item.fingerprint for item in locate(report) if item.finding.rule == "IL5002"]
    assert len(prints) == 3 and len(set(prints)) == 3


def test_image_fingerprints_ignore_the_tag(in_tmp):
    report = image_report(in_tmp, with_dockerfile=False)
    first = {item.finding.rule: item.fingerprint for item in locate(report)}
    retagged = "example/shop-api:1.5"
    image = report.image._replace(analysis=replace(report.image.analysis, name=retagged))
    results = [FileResult(retagged, [f._replace(file=retagged) for f in r.findings], r.error, r.lines, r.target) for r in report.results]
    retagged_report = Report(results, report.rules, report.errors, report.notes, report.skipped, image)
    assert {item.finding.rule: item.fingerprint for item in locate(retagged_report)} == first


def test_relative_paths(in_tmp):
    assert relative_path(str(in_tmp / "sub" / "Dockerfile")) == "sub/Dockerfile"
    assert relative_path("./sub/../Dockerfile") == "Dockerfile"
    assert relative_path("-") == "-"
    assert relative_path("/elsewhere/Dockerfile") == "/elsewhere/Dockerfile"


def test_sarif_uri_is_percent_encoded_and_absolute_paths_outside_are_file_uris(in_tmp, sarif_schema):
    report = lint_report(in_tmp, {"my dir/Dockerfile": "FROM alpine:latest\n"})
    outside = Finding("IL5002", "latest-base-image-tag", "base-image", Severity.WARNING, "m", "/elsewhere/Dockerfile", 1, 1, 6)
    report.results.append(FileResult("/elsewhere/Dockerfile", [outside]))
    document = json.loads(rendered("sarif", report))
    validate_sarif(document, sarif_schema)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert "my%20dir/Dockerfile" in uris and "file:///elsewhere/Dockerfile" in uris


# --- github ------------------------------------------------------------------------------------------


def test_github_escaping():
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def _hostile_report(tmp_path: Path) -> Report:
    message = f"value {XSS_LABEL} & \"quoted\"\n::error::injected, 100% \x1b[31m"
    finding = Finding("IL8002", "shell-form-entrypoint", "correctness", Severity.WARNING, message, "we,ird:name", 3, 4, 2,
                      fix=Fix.advice("line one\nline two"))  # fmt: skip
    rule = registered_rules()["IL8002"]
    return Report(results=[FileResult("we,ird:name", [finding])], rules=[rule])


def test_github_annotations(lint, tmp_path):
    lines = rendered("github", lint).splitlines()
    assert len(lines) == len(lint.findings)
    assert "::warning file=Dockerfile,line=1,endLine=1,col=6,title=IL5002 latest-base-image-tag::" in "\n".join(lines)
    assert any(line.startswith("::notice ") for line in lines)  # info -> notice
    assert any(line.startswith("::error ") for line in lines)

    hostile = rendered("github", _hostile_report(tmp_path))
    assert hostile.count("\n") == 1  # the message cannot start a second command
    assert hostile.startswith("::warning file=we%2Cird%3Aname,line=3,endLine=4,col=2,title=IL8002 shell-form-entrypoint::")
    assert "%0A::error::injected, 100%25" in hostile and "%0Afix: line one%0Aline two" in hostile
    assert "\x1b" not in hostile and "100%25 \\x1b[31m" in hostile  # the runner's log is a terminal


def test_github_image_findings_without_a_line_have_no_file(bare_image):
    lines = rendered("github", bare_image).splitlines()
    assert lines and all(" file=" not in line for line in lines)
    assert all(f"::{IMAGE_TAG}: " in line for line in lines)


# --- junit -------------------------------------------------------------------------------------------


def test_junit_one_testcase_per_rule_per_file(lint):
    root = ET.fromstring(rendered("junit", lint).encode())
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["Dockerfile", "clean.Dockerfile"]
    for suite in suites:
        assert len(suite.findall("testcase")) == len(lint.rules) == int(suite.get("tests"))
    failures = 0
    for suite in suites:
        failing = {case.get("name").split()[0] for case in suite.findall("testcase") if case.find("failure") is not None}
        assert failing == {f.rule for f in lint.findings if f.file == suite.get("name")}
        failures += len(failing)
    assert int(root.get("failures")) == failures
    latest = next(c for c in suites[0].findall("testcase") if c.get("name").startswith("IL5002"))
    assert "line 1:6: warning: base image 'alpine:latest'" in latest.find("failure").text


def test_junit_escapes_markup_and_drops_control_characters(tmp_path):
    text = rendered("junit", _hostile_report(tmp_path))
    root = ET.fromstring(text.encode())  # well-formed despite <, &, quotes and ESC
    failure = root.find("testsuite/testcase/failure")
    assert XSS_LABEL in failure.text and "\x1b" not in text
    assert "<script>" not in text


def test_junit_unlintable_file_is_a_test_error(in_tmp):
    report = lint_report(in_tmp, {"Dockerfile": "FROM alpine:3.22\n"})
    report.results.append(FileResult("broken.Dockerfile", error="broken.Dockerfile: not a Dockerfile"))
    root = ET.fromstring(rendered("junit", report).encode())
    assert root.get("errors") == "1"
    assert root.find("testsuite[@name='broken.Dockerfile']/testcase/error").get("message") == "broken.Dockerfile: not a Dockerfile"


def test_junit_image_report_has_an_image_suite_and_a_dockerfile_suite(image):
    root = ET.fromstring(rendered("junit", image).encode())
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names[0] == IMAGE_TAG and names[1].endswith("Dockerfile")
    image_suite = root.find("testsuite")
    hidden = next(c for c in image_suite.findall("testcase") if c.get("name").startswith("IL9001"))
    assert hidden.find("failure") is not None and ":4: warning:" in hidden.find("failure").text


# --- gitlab ------------------------------------------------------------------------------------------


def test_gitlab_code_quality(lint, image):
    issues = json.loads(rendered("gitlab", lint))
    assert len(issues) == len(lint.findings)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] in ("Dockerfile", "clean.Dockerfile")
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["IL7003"]["severity"] == "critical" and by_rule["IL5002"]["severity"] == "major"
    assert by_rule["IL6011"]["severity"] == "minor"
    sarif = json.loads(rendered("sarif", lint))["runs"][0]["results"]
    assert {r["partialFingerprints"]["imagelint/v1"] for r in sarif} == {i["fingerprint"] for i in issues}

    image_issues = {i["check_name"]: i for i in json.loads(rendered("gitlab", image))}
    assert image_issues["IL9001"]["location"] == {"path": "Dockerfile", "lines": {"begin": 4, "end": 4}}
    assert image_issues["IL7102"]["location"]["path"] == IMAGE_TAG


# --- HTML --------------------------------------------------------------------------------------------


def test_html_lint_page_escapes_and_masks(lint):
    page = rendered("html", lint)
    assert page.startswith("<!DOCTYPE html>")
    assert XSS_LABEL not in page and "LABEL x=&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in page
    assert PASSWORD not in page and "DB_PASSWORD=hu***" not in page and "DB_PASSWORD=hunt***" in page
    assert AWS_KEY not in page and "AKIA***" in page
    assert page.count("<script") == 1  # only the report's own script
    assert not re.search(r"""\s(?:src|href)=["']?(?:https?:)?//""", page)  # nothing to fetch
    assert "Fix first" in page and "Files, worst first" in page
    assert 'id="rule-IL5002"' in page and 'href="#rule-IL5002"' in page
    assert 'data-severity="warning" data-family="base-image"' in page


def test_html_csp_allows_exactly_the_inline_script(lint):
    import base64
    import hashlib
    import html

    page = rendered("html", lint)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in policy and f"script-src 'sha256-{digest}'" in policy


def test_html_image_page(image):
    page = rendered("html", image)
    assert XSS_FILE not in page and "&lt;img src=x onerror=alert(1)&gt;.txt" in page  # in the file-tree data, escaped
    assert XSS_LABEL not in page
    assert GITHUB_TOKEN not in page
    assert "Size per layer" in page and "Wasted bytes by directory" in page and "Leftovers" in page
    # The two deleted files of /app are one row, not two.
    assert '<td class="num">30.0 MB</td><td class="num">2</td><td class="path"><code>/app/</code></td>' in page
    assert page.count('class="file-tree" data-layer=') == 5 and 'data-layer="4"' in page
    assert page.count('class="layer-row"') == 5  # one per layer (metadata-only steps are in the steps table)
    assert "Dockerfile line 4" in page and "RUN fetch-data /app" in page
    assert "/var/lib/apt/lists" in page
    assert "Size by top-level directory" in page and "does not break the size down" not in page
    assert page.count('<span class="dir-path">') == 4  # /var, /app, /bin, /usr
    assert '<code>/app</code></span> <span class="dir-size">4.0 MB (30.0 MB wasted)</span>' in page


def test_text_image_report_has_the_directory_table(image):
    text = rendered("text", image)
    table = text.split("Size by top-level directory:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split() for line in table[2:]] == [
        ["/var", "18.0", "MB", "1"], ["/app", "4.0", "MB", "30.0", "MB", "1"], ["/bin", "1.0", "MB", "2"], ["/usr", "900", "kB", "1"],
    ]  # fmt: skip


def test_lint_with_html_is_the_only_import_of_jinja2(in_tmp):
    import subprocess
    import sys

    (in_tmp / "Dockerfile").write_text("FROM alpine:3.22\n")
    code = (
        "import io, sys\n"
        "from imagelint.config import Settings\n"
        "from imagelint.lint import run_lint\n"
        "from imagelint.reporters import FORMATS, render\n"
        "report = run_lint(['Dockerfile'], Settings())\n"
        "for name in FORMATS:\n"
        "    if name != 'html':\n"
        "        render(name, report, io.StringIO())\n"
        "print('jinja2' in sys.modules)\n"
        "render('html', report, io.StringIO())\n"
        "print('jinja2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=in_tmp)
    assert result.stdout.split() == ["False", "True"], result.stderr


# --- masking source lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("ENV DB_PASSWORD=hunter2-Correct-Horse", "ENV DB_PASSWORD=hunt***"),
        ('ENV DB_PASSWORD="two words here"', 'ENV DB_PASSWORD="two ***"'),
        ("ENV DB_PASSWORD hunter2-Correct-Horse", "ENV DB_PASSWORD hunt***"),
        (f"RUN curl -H 'x' https://api/?k=1 && echo {GITHUB_TOKEN}", "RUN curl -H 'x' https://api/?k=1 && echo ghp_***"),
        ("RUN git clone https://ci:pa55w0rd-long@gitlab.example.com/x.git", "RUN git clone https://ci:pa55***@gitlab.example.com/x.git"),
        ("RUN mysql --password=s3cr3t-pa55 db", "RUN mysql --password=s3*** db"),
        ("ENV PASSWORD_FILE=/run/secrets/db", "ENV PASSWORD_FILE=/run/secrets/db"),
        ("ENV API_TOKEN=$API_TOKEN", "ENV API_TOKEN=$API_TOKEN"),
        ("ARG USERNAME=vscode", "ARG USERNAME=vscode"),
        ("RUN echo PATH=/usr/bin", "RUN echo PATH=/usr/bin"),
    ],
)
def test_mask_secrets(line, masked):
    assert mask_secrets([line]) == [masked]


def test_mask_private_key_blocks_and_every_literal_on_secret_lines():
    lines = ["RUN cat > /k <<EOF", "-----BEGIN RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA", "-----END RSA PRIVATE KEY-----", "EOF"]
    assert mask_secrets(lines) == ["RUN cat > /k <<EOF", "-----BEGIN RSA PRIVATE KEY-----", "***", "-----END RSA PRIVATE KEY-----", "EOF"]
    one_line = 'ENV KEY="-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----"'
    assert mask_secrets([one_line]) == ['ENV KEY="-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----"']
    assert mask_secrets(["ENV NOT_A_NAME_WE_KNOW=value-here"], {1}) == ["ENV NOT_A_NAME_WE_KNOW=va***"]
    assert mask_secrets(["ENV NOT_A_NAME_WE_KNOW=value-here"]) == ["ENV NOT_A_NAME_WE_KNOW=value-here"]


# --- edge cases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
def test_clean_run_and_stdin(in_tmp, format_name, monkeypatch):
    import sys

    from imagelint.settings import Settings
    from imagelint.lint import run_lint

    clean = lint_report(in_tmp, {"Dockerfile": 'FROM alpine:3.22@sha256:' + "a" * 64 + '\nUSER 10001\nCMD ["sh"]\n'})
    stdin = run_lint(["-"], Settings(), stdin=io.BytesIO(b"FROM alpine:latest\n"))
    assert stdin.findings and stdin.findings[0].file == "-"
    for report in (clean, stdin):
        text = rendered(format_name, report)
        assert text.strip() or format_name == "github"
    if format_name == "html":
        assert "No findings" in rendered("html", clean)
        assert "FROM alpine:latest" in rendered("html", stdin)  # stdin text is kept for excerpts


def test_html_lint_page_lists_errors_and_unlintable_files(in_tmp):
    report = lint_report(in_tmp, {"Dockerfile": "FROM alpine:latest\n"})
    report.results.append(FileResult("broken.Dockerfile", error="broken.Dockerfile: <b>not</b> a Dockerfile"))
    page = rendered("html", report)
    assert "broken.Dockerfile: &lt;b&gt;not&lt;/b&gt; a Dockerfile" in page and "not linted" in page


def test_reporters_and_baseline_share_fingerprints(in_tmp):
    from imagelint.fingerprint import SourceLines, fingerprints

    report = lint_report(in_tmp, {"Dockerfile": "FROM alpine:latest\nRUN apt-get update\nCMD python app.py\n"})
    expected = fingerprints(report.findings, SourceLines({r.file: r.lines for r in report.results}))
    assert [item.fingerprint for item in locate(report)] == expected
