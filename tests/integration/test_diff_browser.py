"""The ``imagelint diff`` HTML page in headless Chromium: quiet, offline, hostile names inert, side by side."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from imagelint.image.archive import read_saved_image
from imagelint.image.diff import GrowthBudget, diff_images
from imagelint.reporters.diff_formats import render_diff
from tests.support.image_archives import docker_save
from tests.support.report_fixtures import XSS_FILE, XSS_LABEL

PHONE = (390, 844)
BASE = [("dir", "bin"), ("file", "bin/busybox", 1000)]


@pytest.fixture
def diff_page(browser, tmp_path):
    def image(layers, labels, commands):
        saved = docker_save(layers, history=[{"created_by": c} for c in commands], config={"Labels": labels})
        return read_saved_image(io.BytesIO(saved), origin="test")

    before = image([BASE, [("dir", "app"), ("file", "app/main.js", 1000)]], {"x": "1"}, ["base", "/bin/sh -c make"])
    after = image([BASE, [("dir", "app"), ("file", "app/main.js", 3000), ("file", f"app/{XSS_FILE}", 10)]], {"x": XSS_LABEL},
                  ["base", "/bin/sh -c make"])  # fmt: skip
    stream = io.StringIO()
    render_diff("html", diff_images(before, after, budget=GrowthBudget.parse("1kB")), stream)
    path = tmp_path / "diff.html"
    path.write_text(stream.getvalue(), encoding="utf-8")
    url = path.resolve().as_uri()
    page = browser.open(url)
    yield page, url
    browser.close_page(page)


def test_diff_page(diff_page):
    page, url = diff_page
    assert page.errors == [], page.errors
    assert page.dialogs == [], f"a payload ran: {page.dialogs}"
    assert page.requests == [url]
    assert page.evaluate("document.scripts.length") == 1 and page.evaluate("document.images.length") == 0
    text = page.evaluate("document.body.innerText")
    assert f"/app/{XSS_FILE}" in text and XSS_LABEL in text  # shown as text, never run
    assert "max-growth error: image grew by 2.0 kB" in text
    assert page.evaluate("document.getElementById('figure-size-delta').innerText") == "+2.0 kB"
    # side by side on a wide screen: B's column starts right of A's
    left = page.evaluate("[document.getElementById('side-A').getBoundingClientRect().left, document.getElementById('side-B').getBoundingClientRect().left]")
    assert left[1] > left[0]
    page.screenshot(Path(__file__).resolve().parents[2] / "test-artifacts" / "diff-report.png")


def test_diff_page_on_a_phone(diff_page):
    page, _ = diff_page
    page.resize(*PHONE, mobile=True)
    page.settle()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
