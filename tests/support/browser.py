"""Drive Debian's headless Chromium over the DevTools protocol, for tests/integration/test_browser.py.

No browser is downloaded and no driver is needed: Chromium is started with a fresh profile, every
background service off, and DevTools on a port of 127.0.0.1 that it picks itself (it writes the port
to ``DevToolsActivePort`` in the profile). One websocket (``websocket-client``) carries every command
in flattened session mode. Each page records what a test asserts on: the requests it made, console
messages, uncaught exceptions, log entries (CSP violations land there) and JavaScript dialogs
(``alert``), which are dismissed so a page can never hang on one.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser")
TIMEOUT = 30.0
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class BrowserError(RuntimeError):
    pass


@dataclass
class Page:
    browser: Browser
    session: str
    target: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    dialogs: list[str] = field(default_factory=list)
    loaded: bool = False

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, session=self.session)

    def on_event(self, method: str, params: dict) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.console.append((params["type"], text))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.log.append((entry["level"], entry.get("text", "")))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(f"{params['type']}: {params['message']}")
            self.browser.post("Page.handleJavaScriptDialog", {"accept": False}, session=self.session)
        elif method == "Page.loadEventFired":
            self.loaded = True

    @property
    def errors(self) -> list[str]:
        """Everything that counts as an error on the page: console errors, exceptions, error log entries."""
        return (
            [text for kind, text in self.console if kind in ("error", "assert")]
            + self.exceptions
            + [text for level, text in self.log if level == "error"]
        )

    def evaluate(self, expression: str):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def resize(self, width: int, height: int, *, mobile: bool = False) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        params: dict = {"format": "png"}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self) -> bytes:
        return base64.b64decode(self.send("Page.printToPDF", {"printBackground": True})["data"])

    def settle(self, seconds: float = 0.3) -> None:
        """Let late events (console messages, dialogs) arrive."""
        self.browser.pump(time.monotonic() + seconds)


class Browser:
    def __init__(self, binary: str, profile: Path, log_path: Path) -> None:
        self._ids = itertools.count(1)
        self._pages: dict[str, Page] = {}
        self._replies: dict[int, dict] = {}
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: close() ends the renderers too
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise BrowserError(f"Chromium did not start (exit {self.process.returncode}); see {log_path}")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        import websocket

        self._socket = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=TIMEOUT, suppress_origin=True)

    def post(self, method: str, params: dict | None = None, *, session: str | None = None) -> int:
        message_id = next(self._ids)
        message: dict = {"id": message_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        return message_id

    def send(self, method: str, params: dict | None = None, *, session: str | None = None) -> dict:
        message_id = self.post(method, params, session=session)
        deadline = time.monotonic() + TIMEOUT
        while message_id not in self._replies:
            if time.monotonic() > deadline:
                raise BrowserError(f"no reply to {method} within {TIMEOUT} s")
            self._receive_one()
        reply = self._replies.pop(message_id)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def pump(self, until: float) -> None:
        import websocket

        while time.monotonic() < until:
            self._socket.settimeout(max(0.01, until - time.monotonic()))
            try:
                self._receive_one()
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self._socket.settimeout(TIMEOUT)

    def _receive_one(self) -> None:
        message = json.loads(self._socket.recv())
        if "id" in message:
            self._replies[message["id"]] = message
            return
        page = self._pages.get(message.get("sessionId", ""))
        if page is not None:
            page.on_event(message["method"], message.get("params", {}))

    def open(self, url: str, *, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        self._pages[session] = page
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        page.resize(width, height, mobile=mobile)
        page.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + TIMEOUT
        while not page.loaded:
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not finish loading within {TIMEOUT} s")
            self._receive_one()
        page.settle()
        return page

    def close_page(self, page: Page) -> None:
        with contextlib.suppress(Exception):
            self.send("Target.closeTarget", {"targetId": page.target})
        self._pages.pop(page.session, None)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # helpers left over in the group
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


@contextlib.contextmanager
def chromium(binary: str, workdir: Path) -> Iterator[Browser]:
    profile = workdir / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    browser = Browser(binary, profile, workdir / "chromium.log")
    try:
        yield browser
    finally:
        browser.close()
