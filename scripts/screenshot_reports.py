"""Regenerate docs/analyze-report.png (shown in the README): the analyze HTML report of a real image.

Usage:

    python scripts/screenshot_reports.py              # a real image, built with the local engine
    python scripts/screenshot_reports.py --synthetic  # the synthetic image of the browser tests

Needs Chromium (like tests/integration/test_browser.py). The default needs a Docker engine with the base image
``busybox:local`` (``bash scripts/ensure-docker.sh`` makes both): the script writes DEMO_DOCKERFILE
into a temporary build context, builds it with ``network_mode="none"`` (nothing is pulled), tags it
``DEMO_TAG``, runs ``imagelint analyze DEMO_TAG --dockerfile Dockerfile`` on it (so the layers show
their Dockerfile lines), screenshots the HTML report and removes the image (``--keep`` keeps it).
The Dockerfile wastes bytes the ways real ones do: 3 MB written by one RUN and deleted by a later one,
an apk cache left in /var/cache/apk, and a ``chmod`` that copies a library up into a new layer.

``--synthetic`` renders the archive of tests/report_fixtures.py instead (an apt cache, a compiler,
30 MB written and deleted, and the hostile names the reporters must show as text); no engine needed.
"""

from __future__ import annotations

import argparse
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

WIDTH, HEIGHT, MAX_HEIGHT = 1100, 1500, 2400  # the summary, the per-layer chart and the size by directory
DEMO_TAG = "imagelint-demo/shop-api:1.4"
DEMO_DOCKERFILE = """\
FROM busybox:local
COPY server.sh /app/server
RUN mkdir -p /app/lib && dd if=/dev/zero of=/app/lib/libshop.so bs=1000 count=800
RUN mkdir -p /var/cache/apk \\
    && for i in 1 2 3 4 5; do dd if=/dev/zero of=/var/cache/apk/pkg$i.apk bs=1000 count=120; done
RUN dd if=/dev/zero of=/app/dataset.bin bs=1000 count=3000 && sh /app/server --index /app/dataset.bin
RUN rm /app/dataset.bin
RUN chmod 755 /app/lib/libshop.so
EXPOSE 8080
CMD ["/app/server"]
"""
DEMO_FILES = {"server.sh": '#!/bin/sh\n# a stand-in for the real server\necho "indexing $2"\n'}


def build_demo_image(work_dir: Path) -> str:
    """Build DEMO_DOCKERFILE with the local engine (no network); returns the tag."""
    import docker

    context = work_dir / "context"
    context.mkdir()
    (context / "Dockerfile").write_text(DEMO_DOCKERFILE)
    for name, text in DEMO_FILES.items():
        (context / name).write_text(text)
    client = docker.from_env()
    try:
        client.images.get("busybox:local")
    except docker.errors.ImageNotFound:
        raise SystemExit("screenshot_reports: busybox:local is missing; run `bash scripts/ensure-docker.sh`") from None
    client.images.build(path=str(context), tag=DEMO_TAG, network_mode="none", rm=True, forcerm=True, pull=False)
    return DEMO_TAG


def demo_report(work_dir: Path):
    from imagelint.analyze import run_analyze
    from imagelint.settings import Settings

    tag = build_demo_image(work_dir)
    dockerfile = work_dir / "Dockerfile"  # relative to the current directory: "built from Dockerfile"
    dockerfile.write_text(DEMO_DOCKERFILE)
    return run_analyze(tag, Settings(), dockerfile=Path("Dockerfile"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="render the test fixture's image, no engine needed")
    parser.add_argument("--keep", action="store_true", help="keep the demo image after the screenshot")
    args = parser.parse_args(argv)
    binary = find_chromium()
    if binary is None:
        print("screenshot_reports: Chromium is not installed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        os.chdir(work_dir)
        if args.synthetic:
            from tests.report_fixtures import image_report

            report = image_report(work_dir)
        else:
            report = demo_report(work_dir)
        try:
            stream = io.StringIO()
            render("html", report, stream)
            page_file = work_dir / "analyze-report.html"
            page_file.write_text(stream.getvalue(), encoding="utf-8")
            with chromium(binary, work_dir / "browser") as browser:
                page = browser.open(page_file.as_uri(), width=WIDTH, height=HEIGHT)
                # down to the end of the size by directory (the layer chart and the directories stay whole)
                bottom = page.evaluate(
                    "Math.ceil(document.querySelector('section.directories').getBoundingClientRect().bottom) + 16"
                )
                height = min(max(HEIGHT, bottom), MAX_HEIGHT)
                page.resize(WIDTH, height)
                page.settle()
                clip = {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}
                data = page.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})["data"]
        finally:
            if not args.synthetic and not args.keep:
                import docker

                docker.from_env().images.remove(DEMO_TAG, force=True)
    target = REPO / "docs" / "analyze-report.png"
    target.write_bytes(base64.b64decode(data))
    print(f"wrote {target.relative_to(REPO)} ({target.stat().st_size // 1000} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
