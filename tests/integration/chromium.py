"""Headless Chromium driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``): no
driver, no websocket library, no port. Tests open a page, run JavaScript in it, and see every request
the page makes (``requests``).

The protocol's messages are JSON texts ending in a NUL byte; Chromium reads them from its file
descriptor 3 and writes to its descriptor 4.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

# The binary itself: Debian's /usr/bin/chromium is a shell script that sources settings first.
BINARIES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
TIMEOUT = 60.0


def binary() -> Optional[Path]:
    return next((path for path in BINARIES if path.exists()), None)


class Chromium:
    """One headless browser with one page; ``with Chromium() as browser:``."""

    def __init__(self, width: int = 1400, height: int = 1000) -> None:
        found = binary()
        if found is None:
            raise FileNotFoundError("no Chromium at %s" % " or ".join(map(str, BINARIES)))
        self.profile = tempfile.TemporaryDirectory()  # pylint: disable=consider-using-with  # closed in close()
        to_browser, self._writer = os.pipe()
        self._reader, from_browser = os.pipe()

        def descriptors() -> None:  # in the child: the pipes as descriptors 3 and 4, inherited across exec
            reading, writing = os.dup(to_browser), os.dup(from_browser)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # ended in close()
            [str(found), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--remote-debugging-pipe", "--window-size=%d,%d" % (width, height),
             "--user-data-dir=%s" % self.profile.name, "about:blank"],
            preexec_fn=descriptors, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.requests: list[str] = []  # the URL of every request the page made
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=self.session)
        self.call("Network.enable", session=self.session)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._reader], [], [], remaining)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._reader, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _note(self, message: dict[str, Any]) -> dict[str, Any]:
        if message.get("method") == "Network.requestWillBeSent":
            self.requests.append(message["params"]["request"]["url"])
        return message

    def call(self, method: str, params: Optional[dict[str, Any]] = None, session: Optional[str] = None) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile are noted)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._note(self._receive(deadline))
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError("%s failed: %s" % (method, answer["error"]))
                return answer["result"]

    def open(self, url: str) -> None:
        """Load ``url`` and wait until its load event."""
        self.call("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + TIMEOUT
        while self._note(self._receive(deadline)).get("method") != "Page.loadEventFired":
            pass

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-like values only)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                           session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError("the page's JavaScript failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                try:
                    self.call("Browser.close")
                except (OSError, EOFError, TimeoutError, RuntimeError):
                    pass
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            for descriptor in (self._writer, self._reader):
                try:
                    os.close(descriptor)
                except OSError:
                    pass
            self.profile.cleanup()
