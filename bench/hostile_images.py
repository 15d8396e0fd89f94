"""Hostile images, daemons and registries (issue #15): what each costs ``imagelint analyze`` in wall
time and peak RSS, and how it ends (prints figures; not a test).

    python bench/hostile_images.py [--only NAME,...] [--cap 60] [--timeout SECONDS]
                                   [--python-path DIR] [--memory-limit-mb 8000] [--markdown]

Each case is built here (tests/support/hostile_cases.py, tests/support/hostile_servers.py: servers
on 127.0.0.1 only) and run once as a fresh ``python -m imagelint analyze`` child, measured with
``os.wait4`` (the figure ``/usr/bin/time -v`` shows). A run still going after ``--cap`` seconds is
killed and shown as such: several of these cases hung before the fix. ``--timeout`` sets
``IMAGELINT_NETWORK_TIMEOUT`` (default: unset, so imagelint's own 30 s); ``--python-path`` runs
another copy of imagelint (e.g. an unchanged checkout's tree, for before/after figures);
``--memory-limit-mb`` caps the child's address space so a case that once took gigabytes cannot
take the machine (it then ends in MemoryError: shown as its last line).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import hostile_cases  # noqa: E402
from tests.support.hostile_servers import (  # noqa: E402
    Answer,
    HostileServer,
    RegistryImage,
    daemon_routes,
    json_answer,
    registry_routes,
    run_measured,
    token_routes,
)
from tests.support.image_archives import docker_save, image_config, layer_tar  # noqa: E402

DRIP = 5.0  # seconds between bytes, as in the issue
ENDLESS = b"x" * (1 << 20)


class Case:
    def __init__(self, name: str, what: str, start: Callable[[Path, list], tuple[str, dict]]) -> None:
        self.name, self.what, self.start = name, what, start


def _daemon(**misbehave: Answer) -> Callable[[Path, list], tuple[str, dict]]:
    def start(work: Path, servers: list) -> tuple[str, dict]:
        layers = [[("file", "app/a", 3000)]]
        config_hex = hashlib.sha256(json.dumps(image_config([layer_tar(layers[0])])).encode()).hexdigest()
        server = HostileServer(daemon_routes(docker_save(layers), "sha256:" + config_hex, **misbehave))
        servers.append(server)
        return "hostile/image:1", {"DOCKER_HOST": f"tcp://{server.host}", "DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": ""}

    return start


def _registry(token: Answer | None = None, **misbehave: Answer) -> Callable[[Path, list], tuple[str, dict]]:
    def start(work: Path, servers: list) -> tuple[str, dict]:
        layers = [layer_tar([("file", "app/a", 3000)])]
        realm = None
        if token is not None:
            tokens = HostileServer(token_routes(token=token))
            servers.append(tokens)
            realm = f"http://{tokens.host}/token"
        server = HostileServer(registry_routes(RegistryImage.of(image_config(layers), layers), token_realm=realm, **misbehave))
        servers.append(server)
        return f"registry:{server.host}/hostile/image:1", {}

    return start


def _file(build: Callable[[Path], str], name: str) -> Callable[[Path, list], tuple[str, dict]]:
    def start(work: Path, servers: list) -> tuple[str, dict]:
        return build(work / name), {}

    return start


CASES = [
    Case("daemon-drip", "daemon drips /version, 1 byte / 5 s", _daemon(version=json_answer({"ApiVersion": "1.41"}, drip=DRIP))),
    Case("daemon-silent", "daemon never answers /version", _daemon(version=Answer(silent=True))),
    Case("daemon-endless-inspect", "daemon sends an endless inspect body",
         _daemon(inspect=Answer(body=b'{"Id": "', endless=ENDLESS))),
    Case("daemon-stalled-save", "daemon's docker save stream drips", _daemon(save=Answer(body=b"x" * 4096, drip=DRIP))),
    Case("registry-drip", "registry drips /v2/", _registry(ping=json_answer({}, drip=DRIP))),
    Case("registry-silent", "registry never answers /v2/", _registry(ping=Answer(silent=True))),
    Case("registry-endless-layer", "layer blob that never ends", _registry(layer=Answer(body=layer_tar([("file", "app/a", 3000)]),
                                                                                       endless=b"\0" * (1 << 20)))),
    Case("registry-drip-layer", "layer blob drips", _registry(layer=Answer(body=layer_tar([("file", "app/a", 3000)]), drip=DRIP))),
    Case("registry-endless-ping", "endless /v2/ body", _registry(ping=Answer(body=b"{", endless=ENDLESS))),
    Case("registry-endless-token", "endless token body", _registry(token=Answer(body=b'{"token": "', endless=ENDLESS))),
    Case("registry-endless-manifest", "endless manifest body", _registry(manifest=Answer(body=b"{", endless=ENDLESS))),
    Case("unreferenced-json", "2.4 MB gzip archive, 40 unreferenced 60 MiB JSON members",
         _file(hostile_cases.unreferenced_json_archive, "unreferenced.tar.gz")),
    Case("layer-100000-times", "one layer listed 100,000 times", _file(hostile_cases.repeated_layer_archive, "layers.tar")),
    Case("history-600000", "600,000 history entries", _file(hostile_cases.long_history_archive, "history.tar")),
    Case("oci-config-dev-zero", "OCI config blob -> /dev/zero", _file(hostile_cases.device_config_layout, "layout")),
    Case("deep-manifest", "manifest.json nested 100,000 deep", _file(hostile_cases.deep_manifest_archive, "deep.tar")),
    Case("deep-config", "config value nested 100,000 deep", _file(hostile_cases.deep_config_archive, "deep-config.tar")),
    Case("deep-index", "OCI index.json nested 100,000 deep", _file(hostile_cases.deep_index_layout, "deep-layout")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--cap", type=float, default=60.0, help="kill a run after this many seconds")
    parser.add_argument("--timeout", help="IMAGELINT_NETWORK_TIMEOUT for the runs")
    parser.add_argument("--python-path", help="run the imagelint package found in this directory")
    parser.add_argument("--memory-limit-mb", type=int, default=8000)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    chosen = set(options.only.split(",")) if options.only else None
    env = {"IMAGELINT_NETWORK_TIMEOUT": options.timeout} if options.timeout else {}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    for case in CASES:
        if chosen is not None and case.name not in chosen:
            continue
        work = Path(tempfile.mkdtemp(prefix=f"imagelint-hostile-{case.name}-"))
        servers: list = []
        try:
            reference, case_env = case.start(work, servers)
            measured = run_measured("analyze", reference, cwd=work, env={**env, **case_env}, timeout=options.cap,
                                    python_path=options.python_path, memory_limit_mb=options.memory_limit_mb)  # fmt: skip
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(work, ignore_errors=True)
        ending = f"killed after {options.cap:g} s" if measured.timed_out else f"exit {measured.returncode}"
        last = (measured.error_lines or [""])[-1][:160]
        rows.append((case.name, case.what, f"{measured.seconds:.1f}", f"{measured.peak_rss_mb:.0f}", ending, last))
        print(f"{case.name:28} {measured.seconds:7.1f} s {measured.peak_rss_mb:7.0f} MB  {ending:18} {last}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if options.markdown:
        print("\n| case | what | wall s | peak RSS MB | ends | last line |\n|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")


if __name__ == "__main__":
    main()
