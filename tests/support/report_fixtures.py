"""Finished reports to render in the reporter and browser tests: a lint report and an image report
(a synthetic ``docker save`` archive, joined to its Dockerfile), both carrying hostile input.

The hostile parts: a ``LABEL`` whose value is a ``<script>``, a file in a layer named like an ``<img>``
with an ``onerror`` handler, a literal password and an AWS key in the Dockerfile, a GitHub token in
the image's ENV. Every reporter must show them as text (or masked), never as markup.
"""

from __future__ import annotations

from pathlib import Path

from imagelint.settings import Settings
from tests.support.image_archives import docker_save

XSS_LABEL = "<script>alert(1)</script>"
XSS_FILE = "<img src=x onerror=alert(1)>.txt"
PASSWORD = "hunter2-Correct-Horse"
AWS_KEY = "AKIAZ7ABCDEFGH234567"
GITHUB_TOKEN = "ghp_" + "Zq8" * 12 + "AB"
SECRETS = (PASSWORD, AWS_KEY, GITHUB_TOKEN)

LINT_DOCKERFILE = f"""FROM alpine:latest
LABEL x="{XSS_LABEL}"
ENV DB_PASSWORD={PASSWORD}
RUN apt-get update
RUN apt-get install -y curl
ENV AWS_ACCESS_KEY_ID={AWS_KEY}
CMD python app.py
"""
CLEAN_DOCKERFILE = 'FROM alpine:3.22\nRUN adduser -D -u 10001 app\nUSER 10001\nCMD ["sh"]\n'

IMAGE_DOCKERFILE = f"""FROM busybox:local
RUN apt-get update && apt-get install -y gcc
LABEL x="{XSS_LABEL}"
RUN fetch-data /app
COPY server /app/server
RUN rm -f /app/data.bin /app/*.txt
CMD ["/app/server"]
"""
_BASE = [("dir", "bin"), ("file", "bin/busybox", 1_000_000), ("symlink", "bin/sh", "busybox")]
IMAGE_LAYERS = [
    _BASE,
    [("dir", "var"), ("dir", "var/lib"), ("dir", "var/lib/apt"), ("dir", "var/lib/apt/lists"),
     ("file", "var/lib/apt/lists/deb.debian.org_dists_bookworm_main", 18_000_000),
     ("dir", "usr"), ("dir", "usr/bin"), ("file", "usr/bin/gcc", 900_000)],
    [("dir", "app"), ("file", "app/data.bin", 30_000_000), ("file", "app/" + XSS_FILE, 5_000)],
    [("dir", "app"), ("file", "app/server", 4_000_000)],
    [("whiteout", "app/data.bin"), ("whiteout", "app/" + XSS_FILE)],
]  # fmt: skip
IMAGE_HISTORY = [
    {"created_by": "/bin/sh -c #(nop) ADD file:4b1c0e in / "},
    {"created_by": "RUN /bin/sh -c apt-get update && apt-get install -y gcc # buildkit"},
    {"created_by": f"LABEL x={XSS_LABEL}", "empty_layer": True},
    {"created_by": "RUN /bin/sh -c fetch-data /app # buildkit"},
    {"created_by": "COPY server /app/server # buildkit"},
    {"created_by": "RUN /bin/sh -c rm -f /app/data.bin /app/*.txt # buildkit"},
    {"created_by": 'CMD ["/app/server"]', "empty_layer": True},
]
IMAGE_CONFIG = {"Env": ["PATH=/usr/bin:/bin", f"API_TOKEN={GITHUB_TOKEN}"], "Cmd": ["/app/server"]}
IMAGE_TAG = "example/shop-api:1.4"
IMAGE_SIZE_TEXT = "53.9 MB"  # format_size of the layers above
IMAGE_WASTED_TEXT = "30.0 MB"


def lint_report(directory: Path, files: dict[str, str] | None = None):
    """Lint ``files`` (name -> text; default: the hostile Dockerfile and a clean one) written into
    ``directory``, with paths relative to it: call with ``directory`` as the current directory."""
    from imagelint.lint import run_lint

    files = files if files is not None else {"Dockerfile": LINT_DOCKERFILE, "clean.Dockerfile": CLEAN_DOCKERFILE}
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return run_lint(list(files), Settings())


def image_archive(directory: Path) -> Path:
    path = directory / "image.tar"
    path.write_bytes(docker_save(IMAGE_LAYERS, history=IMAGE_HISTORY, config=IMAGE_CONFIG, tag=IMAGE_TAG))
    return path


def image_report(directory: Path, *, with_dockerfile: bool = True):
    """The analysis of the synthetic image; with its Dockerfile (``directory/Dockerfile``) joined."""
    from imagelint.analyze import run_analyze

    archive = image_archive(directory)
    dockerfile = None
    if with_dockerfile:
        dockerfile = directory / "Dockerfile"
        dockerfile.write_text(IMAGE_DOCKERFILE)
    # As `analyze --format json --format html` makes it: with each layer's changes and file tree.
    return run_analyze(f"docker-archive:{archive}", Settings(), dockerfile=dockerfile, max_changes=1000, file_tree=True)
