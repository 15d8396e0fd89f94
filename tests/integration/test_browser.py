"""The HTML reports in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

Each page must load with no console error and no request beyond its own file, show its figures and
chart, keep the hostile payloads (a ``<script>`` label, an ``<img onerror>`` file name) as inert text,
filter findings, fit a phone-sized screen and print. Screenshots are kept in test-artifacts/.

Without Chromium (``apt-get install chromium``; scripts/test.sh installs it as root on Debian) these
tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from imagelint.reporters import render
from tests.support.report_fixtures import (
    IMAGE_SIZE_TEXT,
    IMAGE_TAG,
    IMAGE_WASTED_TEXT,
    SECRETS,
    XSS_FILE,
    XSS_LABEL,
    image_report,
    lint_report,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = (390, 844)


def write_page(report, path: Path) -> str:
    stream = io.StringIO()
    render("html", report, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path.resolve().as_uri()


def assert_quiet_and_offline(page, url: str) -> None:
    assert page.errors == [], page.errors
    assert page.dialogs == [], f"a payload ran: {page.dialogs}"
    assert page.requests == [url], f"requests beyond the page itself: {page.requests}"


def assert_payloads_inert(page) -> None:
    assert page.evaluate("document.scripts.length") == 1  # the report's own script only
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length") == 0
    assert page.evaluate("typeof window.__imagelintPwned") == "undefined"


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


@pytest.fixture
def lint_page(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = write_page(lint_report(tmp_path), tmp_path / "lint-report.html")
    page = browser.open(url)
    yield page, url
    browser.close_page(page)


@pytest.fixture
def analyze_page(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = write_page(image_report(tmp_path), tmp_path / "analyze-report.html")
    page = browser.open(url)
    yield page, url
    browser.close_page(page)


def test_the_harness_sees_dialogs_errors_and_requests(browser, tmp_path):
    """Without this, the assertions below could pass on a harness that sees nothing."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><title>bad</title><script>alert('ran'); console.error('boom');</script>"
        '<img src="http://127.0.0.1:9/pixel.png">'
    )
    page = browser.open(bad.resolve().as_uri())
    page.settle(1.0)
    try:
        assert page.dialogs == ["alert: ran"]
        assert "boom" in page.errors
        assert "http://127.0.0.1:9/pixel.png" in page.requests
    finally:
        browser.close_page(page)


def test_lint_report(lint_page):
    page, url = lint_page
    assert_quiet_and_offline(page, url)
    assert_payloads_inert(page)
    text = visible_text(page)
    assert "1 error, 5 warnings" in text and "Fix first" in text and "Files, worst first" in text
    assert "IL7003" in text and "hardcoded-secret" in text
    assert f'LABEL x="{XSS_LABEL}"' in text  # the payload is shown, as text
    for secret in SECRETS:
        assert secret not in text
    count = page.evaluate("document.querySelectorAll('.finding').length")
    assert count > 5 and f"Showing {count} of {count} findings" in text
    page.screenshot(ARTIFACTS / "lint-report.png")


def test_lint_filters_and_rule_docs(lint_page):
    page, _ = lint_page
    total = page.evaluate("document.querySelectorAll('.finding').length")
    warnings = page.evaluate("document.querySelectorAll('.finding.sev-warning').length")
    assert total > warnings > 0
    page.evaluate("document.querySelector('input[name=severity][value=warning]').click()")
    assert page.evaluate("[...document.querySelectorAll('.finding.sev-warning')].every(e => e.offsetParent === null)")
    assert page.evaluate("[...document.querySelectorAll('.finding:not(.sev-warning)')].every(e => e.offsetParent !== null)")
    assert page.evaluate("document.getElementById('shown').textContent") == f"Showing {total - warnings} of {total} findings"
    page.evaluate("document.querySelector('input[name=family][value=security]').click()")
    assert page.evaluate("[...document.querySelectorAll('.finding[data-family=security]')].every(e => e.offsetParent === null)")

    assert page.evaluate("document.getElementById('rule-IL5002').open") is False
    page.evaluate("document.querySelector('a[href=\"#rule-IL5002\"]').click()")
    page.settle()
    assert page.evaluate("document.getElementById('rule-IL5002').open") is True
    assert "## Bad" in page.evaluate("document.querySelector('#rule-IL5002 pre').innerText")
    assert page.errors == []


def test_lint_report_on_a_phone_and_in_print(lint_page):
    page, _ = lint_page
    page.resize(*PHONE, mobile=True)
    page.settle()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    page.screenshot(ARTIFACTS / "lint-report-phone.png")
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.evaluate("getComputedStyle(document.getElementById('filters')).display") == "none"
    page.send("Emulation.setEmulatedMedia", {"media": ""})
    assert page.pdf().startswith(b"%PDF")


def test_analyze_report(analyze_page):
    page, url = analyze_page
    assert_quiet_and_offline(page, url)
    assert_payloads_inert(page)
    text = visible_text(page)
    assert IMAGE_TAG in text
    figures = page.evaluate(
        "['figure-size', 'figure-wasted', 'figure-efficiency'].map(id => document.getElementById(id).innerText)"
    )
    assert figures == [IMAGE_SIZE_TEXT, IMAGE_WASTED_TEXT, "44.3%"]
    assert "Size per layer" in text and "Wasted bytes by directory" in text and "Leftovers" in text
    assert "Layers that waste most" in text and "30.0 MB wasted by layer 2 (Dockerfile line 4)" in text
    assert "dive's efficiency" in text
    assert XSS_LABEL in text
    for secret in SECRETS:
        assert secret not in text
    page.screenshot(ARTIFACTS / "analyze-report.png")


def test_analyze_chart_is_drawn(analyze_page):
    page, _ = analyze_page
    rows = page.evaluate(
        """[...document.querySelectorAll('.layer-row')].map(row => ({
            head: row.querySelector('.layer-head').innerText,
            command: row.querySelector('.command').innerText,
            track: row.querySelector('rect.track').getBoundingClientRect().width,
            visible: row.querySelector('rect.visible').getBoundingClientRect().width,
            wasted: row.querySelector('rect.wasted').getBoundingClientRect().width,
        }))"""
    )
    assert len(rows) == 5
    fetch = rows[2]
    assert "Layer 2" in fetch["head"] and "30.0 MB wasted (100%)" in fetch["head"] and "Dockerfile line 4" in fetch["head"]
    assert fetch["command"] == "RUN fetch-data /app"
    assert fetch["wasted"] == pytest.approx(fetch["track"], rel=0.01) and fetch["visible"] < 1  # the biggest layer, all wasted
    apt = rows[1]
    assert "Dockerfile line 2" in apt["head"] and apt["wasted"] < 1
    assert apt["visible"] == pytest.approx(fetch["track"] * 18.9 / 30.0, rel=0.02)


def test_analyze_directories_are_drawn(analyze_page):
    page, _ = analyze_page
    rows = page.evaluate(
        """[...document.querySelectorAll('.dir-chart li')].map(row => ({
            text: row.innerText.replace(/\\s+/g, ' ').trim(),
            bar: row.querySelector('rect.visible').getBoundingClientRect().width,
            wasted: row.querySelector('rect.wasted').getBoundingClientRect().width,
            wasted_x: row.querySelector('rect.wasted').getBoundingClientRect().left
                - row.querySelector('svg.bar').getBoundingClientRect().left,
            track: row.querySelector('svg.bar').getBoundingClientRect().width,
        }))"""
    )
    assert [row["text"] for row in rows] == ["/var 18.0 MB", "/app 4.0 MB (30.0 MB wasted)", "/bin 1.0 MB", "/usr 900 kB"]
    # One scale for visible and wasted bytes: /app's 4 + 30 MB fill its bar, the wasted part after the visible one.
    app = rows[1]
    assert app["bar"] + app["wasted"] == pytest.approx(app["track"], rel=0.01)
    assert app["wasted"] == pytest.approx(app["track"] * 30 / 34, rel=0.02) and app["wasted_x"] == pytest.approx(app["bar"], abs=1)
    assert rows[0]["bar"] == pytest.approx(app["track"] * 18 / 34, rel=0.02) and rows[0]["wasted"] == 0
    assert "Size by top-level directory" in visible_text(page)
    assert "does not break the size down" not in visible_text(page)


def test_analyze_file_tree_is_built_on_demand(analyze_page):
    page, url = analyze_page
    assert page.evaluate("document.querySelectorAll('ul.tree').length") == 0  # nothing built before a click
    rows = page.evaluate("[...document.querySelectorAll('.wasted-paths tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' ').trim())")
    assert rows == ["30.0 MB 2 /app/"]  # the two deleted files of /app are one row
    page.evaluate("document.querySelector('.file-tree[data-layer=\"2\"] .tree-toggle').click()")
    page.settle()
    top = page.evaluate(
        "[...document.querySelectorAll('.file-tree[data-layer=\"2\"] > ul.tree > li')]"
        ".map(li => [li.querySelector('.tree-dir').innerText, li.querySelector('.tree-size').innerText])"
    )
    assert top == [["app/", "30.0 MB"]]  # a folder's size: what the layer changed below it
    page.evaluate("document.querySelector('.file-tree[data-layer=\"2\"] .tree-dir').click()")
    page.settle()
    files = page.evaluate(
        "[...document.querySelectorAll('.file-tree[data-layer=\"2\"] ul.tree ul.tree > li')]"
        ".map(li => [li.querySelector('.mark').innerText, li.querySelector('.tree-file').innerText, li.querySelector('.tree-size').innerText,"
        " (li.querySelector('.tree-hidden') || {}).innerText || ''])"
    )
    assert files == [[ "+", XSS_FILE, "5.0 kB", "hidden by layer 4"], ["+", "data.bin", "30.0 MB", "hidden by layer 4"]]
    page.evaluate("document.querySelector('.file-tree[data-layer=\"4\"] .tree-toggle').click()")
    page.evaluate("document.querySelector('.file-tree[data-layer=\"4\"] .tree-dir').click()")
    page.settle()
    removed = page.evaluate("[...document.querySelectorAll('.file-tree[data-layer=\"4\"] ul.tree ul.tree .mark')].map(m => m.innerText)")
    assert removed == ["-", "-"]
    assert_quiet_and_offline(page, url)
    assert_payloads_inert(page)  # the hostile name was made a text node, not markup
    page.screenshot(ARTIFACTS / "analyze-report-tree.png")


def test_analyze_report_on_a_phone(analyze_page):
    page, _ = analyze_page
    page.resize(*PHONE, mobile=True)
    page.settle()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.evaluate("document.querySelector('.layer-row svg').getBoundingClientRect().width") > 300
    page.screenshot(ARTIFACTS / "analyze-report-phone.png")
    assert page.pdf().startswith(b"%PDF")


def test_analyze_page_of_100000_files_builds_only_what_is_opened(browser, tmp_path, monkeypatch):
    """Every layer's changed paths are in the page, but a layer's tree is made when asked, one folder at a time."""
    import time

    from imagelint.analyze import run_analyze
    from imagelint.settings import Settings
    from tests.support.generated_images import many_files, spread_sizes, write_saved_image

    def deletions():
        yield ("whiteout", "m/3")  # a folder of 1,000 files, deleted whole

    archive = tmp_path / "big.tar"
    with archive.open("wb") as out:
        write_saved_image(out, [many_files(100_000, size=spread_sizes(20)), deletions], tag="example/many:1")
    monkeypatch.chdir(tmp_path)
    report = run_analyze(f"docker-archive:{archive}", Settings(), max_changes=1000, file_tree=True)
    url = write_page(report, tmp_path / "big.html")
    opening = time.monotonic()
    page = browser.open(url)
    print(f"100,000-file page: loaded in {time.monotonic() - opening:.2f} s")
    try:
        assert page.evaluate("document.querySelectorAll('ul.tree li').length") == 0
        started = time.monotonic()
        page.evaluate("document.querySelector('.file-tree[data-layer=\"0\"] .tree-toggle').click()")
        page.evaluate("document.querySelector('.file-tree[data-layer=\"0\"] .tree-dir').click()")  # /m: its 100 folders
        page.settle()
        assert page.evaluate("document.querySelectorAll('.file-tree[data-layer=\"0\"] li').length") == 1 + 100
        folder = page.evaluate("[...document.querySelectorAll('.file-tree[data-layer=\"0\"] .tree-dir')].find(b => b.innerText === '3/') !== undefined")
        assert folder
        page.evaluate("[...document.querySelectorAll('.file-tree[data-layer=\"0\"] .tree-dir')].find(b => b.innerText === '3/').click()")
        page.settle()
        assert page.evaluate("document.querySelectorAll('.file-tree[data-layer=\"0\"] li').length") == 1 + 100 + 1000
        hidden = page.evaluate("document.querySelectorAll('.file-tree[data-layer=\"0\"] .tree-hidden').length")
        assert hidden == 1000  # the deleted folder's files say which layer hides them
        print(f"100,000-file page: opened 1,101 entries in {time.monotonic() - started:.2f} s")  # a figure, not a bound
        assert_quiet_and_offline(page, url)
    finally:
        browser.close_page(page)
