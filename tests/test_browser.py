"""Reports checked in a real browser (issue 6 item 8): headless Chromium driven over the DevTools protocol.

Opens ``index.html`` and one report page from a fresh batch, asserts that every image loaded,
that the page logged no console errors or exceptions and requested nothing from the network,
and saves a screenshot of each under the test's temporary folder. Needs Debian's ``chromium``
(the Makefile's set-up installs it); the protocol is spoken with ``websocket-client``, which
Jupyter already installs.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from crmlib.reports import run_reports

TINY = Path(__file__).parent / "notebooks" / "tiny.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the network is closed; these stop Chromium trying
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1280,1400",
]


class Browser:
    """A headless Chromium and a DevTools-protocol session on its first tab."""

    def __init__(self, binary: str, profile: Path):
        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not start (exit code {self.proc.returncode})")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
        targets = json.loads(opener.open(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        import websocket

        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
            if msg.get("method") == method:
                return msg
        raise TimeoutError(method)

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", url=path.as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"]

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries and requests that left the machine."""
        found = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in {"error", "assert"}:
                found.append(f"console.{p['type']}: {[a.get('value') for a in p.get('args', [])]}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
                found.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    found.append(f"network request: {url}")
        return found

    def close(self) -> None:
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def browser(tmp_path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (make setup does it)")
    b = Browser(binary, tmp_path / "chromium-profile")
    yield b
    b.close()


IMAGES = "Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0, alt: i.alt, w: i.naturalWidth}))"


def test_index_and_report_render_in_chromium_offline(tmp_path, browser):
    out = tmp_path / "reports"
    batch = run_reports([TINY], out, params={"region": ["North", "Nowhere"]}, progress=False)
    assert [r.status for r in batch.reports] == ["ok", "failed"]

    browser.open(batch.index_path)
    assert browser.evaluate("document.querySelectorAll('tr.report').length") == 2
    links = browser.evaluate("Array.from(document.querySelectorAll('tr.report td:first-child > a')).map(a => a.href)")
    assert sorted(link.rsplit("/", 1)[1] for link in links) == ["tiny__region=North.html", "tiny__region=Nowhere.html"]
    assert browser.problems() == []
    shot = browser.screenshot(tmp_path / "index.png")
    assert shot.stat().st_size > 5_000  # a real picture of the page, not an empty canvas

    for stem in ("tiny__region=North", "tiny__region=Nowhere"):
        browser.open(out / f"{stem}.html")
        images = browser.evaluate(IMAGES)
        if stem.endswith("North"):
            assert len(images) == 1 and images[0]["w"] > 100
            assert images[0]["alt"] == "Figure: Spend per customer"
        assert all(img["ok"] for img in images), images
        assert browser.evaluate("document.querySelector('h1').textContent") == "Tiny sales report"
        assert browser.problems() == []
        shot = browser.screenshot(tmp_path / f"{stem}.png")
        assert shot.stat().st_size > 5_000
    # the failed page shows its error in the visible header
    assert "no customers in region" in browser.evaluate("document.querySelector('.crmlib-error').innerText")
