"""Regenerate docs/analyze-report.png (shown in the README) from the test image of the browser tests.

Usage: python scripts/screenshot_reports.py   (needs Chromium, like tests/test_browser.py)

The image is the synthetic one in tests/report_fixtures.py: an apt cache, a compiler, 30 MB written
in one layer and deleted in a later one, and the hostile names the reporters must show as text.
"""

from __future__ import annotations

import base64
import io
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from imagelint.reporters import render  # noqa: E402
from tests.browser import chromium, find_chromium  # noqa: E402
from tests.report_fixtures import image_report  # noqa: E402

WIDTH, HEIGHT = 1100, 1500  # the summary and the per-layer chart


def main() -> int:
    binary = find_chromium()
    if binary is None:
        print("screenshot_reports: Chromium is not installed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        os.chdir(work_dir)
        stream = io.StringIO()
        render("html", image_report(work_dir), stream)
        page_file = work_dir / "analyze-report.html"
        page_file.write_text(stream.getvalue(), encoding="utf-8")
        with chromium(binary, work_dir / "browser") as browser:
            page = browser.open(page_file.as_uri(), width=WIDTH, height=HEIGHT)
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "scale": 1}
            data = page.send("Page.captureScreenshot", {"format": "png", "clip": clip})["data"]
    target = REPO / "docs" / "analyze-report.png"
    target.write_bytes(base64.b64decode(data))
    print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
