"""Reports checked in a real browser (issue 6 item 8, issue 11 item 8): headless Chromium driven
over the DevTools protocol, one browser for the module.

Opens ``index.html`` and the pages of a tiny batch (a good one and a failed one), then every page of
the demo suite (``demo_suite`` in the root conftest.py: the five reports on demo data, the segment
report on CDNOW, their index.html). On each page: every image loaded, is drawn with at least 1.8
image pixels per CSS pixel (sharp on high-density screens) and has alternative text; no console
error, exception or error log entry; nothing requested from the network; no horizontal overflow in
a 1280 px wide window, nor in a 390 px one; every table shows all its columns at 1280 px and, on a phone,
scrolls inside a box marked by edge shadows; every
relative link points to a file that exists. A last test plants each fault in a page and checks that the checks see it.
Needs Debian's ``chromium`` (the Makefile's set-up installs it); the protocol is spoken with
``websocket-client``, which Jupyter already installs.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
import urllib.parse
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
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

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


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One Chromium for every page of the module (a start costs about a second)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (make setup does it)")
    b = Browser(binary, tmp_path_factory.mktemp("chromium") / "profile")
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


#: What the checks read from an open page: the window, the document's widths, every image and every
#: link that is not to the web, an anchor or a data: URI (``a.href`` is resolved against the page).
PAGE_FACTS = """(() => {
  const d = document.documentElement;
  return {
    innerWidth: window.innerWidth, scrollWidth: d.scrollWidth, clientWidth: d.clientWidth,
    images: Array.from(document.images).map(i => ({
      loaded: i.complete && i.naturalWidth > 0, natural: i.naturalWidth,
      shown: i.getBoundingClientRect().width, alt: i.getAttribute('alt') || '',
      src: (i.getAttribute('src') || '').slice(0, 40)})),
    links: Array.from(document.querySelectorAll('a[href]'))
      .filter(a => !/^(https?:|#|data:)/i.test(a.getAttribute('href')))
      .map(a => ({href: a.getAttribute('href'), url: a.href})),
  };
})()"""
#: Width of the window the pages are checked in (CHROMIUM_FLAGS' --window-size).
WINDOW_WIDTH = 1280
#: Image pixels per CSS pixel a figure needs to look sharp on a 2x screen (retina PNGs give 2.0).
MIN_DENSITY = 1.8


def page_faults(browser: Browser) -> tuple[list[str], dict]:
    """Everything wrong with the page open in ``browser``, one line each, and the facts read."""
    facts = browser.evaluate(PAGE_FACTS)
    faults = list(browser.problems())
    if facts["scrollWidth"] > facts["clientWidth"]:
        faults.append(f"page overflows sideways: scrollWidth {facts['scrollWidth']} > clientWidth {facts['clientWidth']}")
    for n, img in enumerate(facts["images"], start=1):
        if not img["loaded"]:
            faults.append(f"image {n} did not load: {img['src']}")
        elif img["shown"] and img["natural"] < MIN_DENSITY * img["shown"]:
            faults.append(f"image {n} is soft: {img['natural']} px shown at {img['shown']:.0f} CSS px")
        if not img["alt"].strip():
            faults.append(f"image {n} has no alternative text")
    for link in facts["links"]:
        url = urllib.parse.urlsplit(link["url"])
        target = Path(urllib.parse.unquote(url.path))
        if url.scheme != "file" or not target.is_file():
            faults.append(f"link to a missing file: {link['href']}")
    return faults, facts


DEMO_PAGES = ["index", "overview", "segments", "clv", "feedback", "retention", "cdnow/index", "cdnow/segments__dataset=cdnow_master"]


@pytest.mark.parametrize("stem", DEMO_PAGES)
def test_every_demo_page_renders_clean_in_chromium(demo_suite, browser, stem):
    """Issue 11.8: each page of the demo suite at 1280 px: images loaded, sharp and described, no
    console errors, nothing from the network, no sideways scrolling, no dead relative link."""
    path = demo_suite.out / f"{stem}.html"
    assert path in demo_suite.pages
    browser.open(path)
    faults, facts = page_faults(browser)
    assert faults == [], f"{stem}.html: {faults}"
    assert facts["innerWidth"] == WINDOW_WIDTH
    n_img = path.read_text(encoding="utf-8").count("<img ")
    assert len(facts["images"]) == n_img  # every image of the file was seen
    if stem.endswith("index"):
        # an index links every page of its folder, its executed notebook and the files the reports wrote
        folder = stem.rpartition("/")[0]
        own = [s.rpartition("/")[2] for s in DEMO_PAGES if s.rpartition("/")[0] == folder and not s.endswith("index")]
        hrefs = {link["href"] for link in facts["links"]}
        assert {f"{s}.html" for s in own} <= hrefs
        assert {f"{s}.ipynb" for s in own} <= hrefs
        assert any(h.startswith("segments") and h.endswith(".csv") for h in hrefs)
    else:
        assert n_img >= 3, f"{stem}.html shows {n_img} figures"
        assert all(img["alt"].startswith("Figure: ") for img in facts["images"])
    if stem in {"segments", "retention"}:  # reports that write files link them from the page
        assert any(link["href"].startswith(f"{stem}/") for link in facts["links"])


#: A phone held upright (CSS px): pages and index must not scroll sideways there either.
PHONE_WIDTH = 390


def test_demo_pages_fit_a_phone_width(demo_suite, browser):
    """At 390 px only the wide tables and the index table scroll, inside their own box."""
    browser.call("Emulation.setDeviceMetricsOverride", width=PHONE_WIDTH, height=900, deviceScaleFactor=1,
                 mobile=False)
    try:
        widths = {}
        for path in demo_suite.pages:
            browser.open(path)
            widths[path.name] = browser.evaluate(
                "[window.innerWidth, document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert all(inner == PHONE_WIDTH for inner, _, _ in widths.values()), widths
    assert {name: w for name, w in widths.items() if w[1] > w[2]} == {}


#: Every table of the open page, where its header cells end, and the box that scrolls it if any: the
#: nearest ancestor whose ``overflow-x`` is auto or scroll and whose content is wider than it, with
#: whether that box shows the scroll cue (shadows drawn by gradients, attached locally, at its edges).
TABLE_FACTS = """(() => {
  const limit = document.documentElement.clientWidth;  // the window less its vertical scroll bar
  return Array.from(document.querySelectorAll('table')).map(t => {
    let box = t.parentElement, scroller = null;
    for (; box && box !== document.body; box = box.parentElement) {
      const cs = getComputedStyle(box);
      if (/auto|scroll/.test(cs.overflowX) && box.scrollWidth > box.clientWidth + 1) { scroller = box; break; }
    }
    const row = t.tHead ? t.tHead.rows[t.tHead.rows.length - 1] : t.rows[0];
    const heads = row ? Array.from(row.cells) : [];
    const cs = scroller ? getComputedStyle(scroller) : null;
    return {
      limit, right: t.getBoundingClientRect().right, columns: heads.length,
      header: heads.map(h => h.innerText.trim()).join(' | ').slice(0, 80),
      hidden: heads.filter(h => h.getBoundingClientRect().right > Math.min(limit,
        scroller ? scroller.getBoundingClientRect().right : limit) + 0.5).map(h => h.innerText.trim()),
      scrolls: scroller !== null,
      cue: cs !== null && /gradient/.test(cs.backgroundImage) && /local/.test(cs.backgroundAttachment),
    };
  });
})()"""


def test_every_demo_table_shows_all_its_columns_at_1280_px(demo_suite, browser):
    """Issue 20.11: at 1280 px the data-quality detail, NPS by segment and theme, mean CLV, the model
    comparison and the win-back list (its "Because" column) ran 1,400-2,500 px wide and hid their
    right-hand columns in a scroll box with no cue. Now, on every page of the demo suite, every table
    ends inside the page (its right edge within the window less its scroll bar) and no header cell lies
    beyond the window or its box: headers and text cells wrap, wide tables are set smaller, so no table
    needs its scroll box at this width."""
    needs_box, hidden, seen = [], [], 0
    for path in demo_suite.pages:
        browser.open(path)
        for n, t in enumerate(browser.evaluate(TABLE_FACTS), start=1):
            seen += 1
            where = f"{path.relative_to(demo_suite.out)} table {n} ({t['columns']} columns: {t['header']})"
            if t["hidden"]:
                hidden.append(f"{where}: out of view {t['hidden']}")
            if t["scrolls"] or t["right"] > t["limit"]:
                needs_box.append(f"{where}: right edge {t['right']:.0f} px, window {t['limit']} px")
    assert seen >= 40  # every page's tables were read (the demo suite shows about 60)
    assert hidden == [], "\n".join(hidden)
    assert needs_box == [], "\n".join(needs_box)


def test_tables_wider_than_a_phone_scroll_in_a_marked_box(demo_suite, browser):
    """Issue 20.11: where a table cannot fit (a 390 px phone), it scrolls inside its own box, never the
    page, and that box shows the cue (edge shadows) that more columns lie beyond the edge."""
    browser.call("Emulation.setDeviceMetricsOverride", width=PHONE_WIDTH, height=900, deviceScaleFactor=1,
                 mobile=False)
    try:
        scrolling, unmarked = 0, []
        for path in demo_suite.pages[1:6]:  # the five demo reports (the index has its own table box)
            browser.open(path)
            for n, t in enumerate(browser.evaluate(TABLE_FACTS), start=1):
                if t["right"] > t["limit"] + 0.5 and not t["scrolls"]:
                    unmarked.append(f"{path.name} table {n}: wider than the page and not in a scroll box")
                elif t["scrolls"]:
                    scrolling += 1
                    if not t["cue"]:
                        unmarked.append(f"{path.name} table {n} ({t['header']}): scroll box without a cue")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert scrolling >= 10  # the phone does need the boxes: the check ran on real scrolling tables
    assert unmarked == [], "\n".join(unmarked)


def test_page_checks_see_each_planted_fault(demo_suite, browser):
    """The checks above can fail: plant a broken image, a soft one, a dead link and a too-wide block
    in a demo page and each is reported."""
    browser.open(demo_suite.out / "overview.html")
    assert page_faults(browser)[0] == []
    browser.evaluate("""(() => {
      const main = document.querySelector('main') || document.body;
      main.insertAdjacentHTML('beforeend',
        '<img id="broken" src="no-such-figure.png" alt="Figure: missing">' +
        '<img id="soft" width="600" alt="" src="' + document.images[0].src + '">' +
        '<a href="segments/no-such-file.csv">gone</a>' +
        '<div style="width: 2000px">too wide</div>');
      document.getElementById('soft').style.width = (document.images[0].naturalWidth * 0.9) + 'px';
      document.getElementById('soft').style.maxWidth = 'none';
      console.error('planted error');
    })()""")
    # wait until the missing image has failed to load
    browser.call("Runtime.evaluate", awaitPromise=True, expression="""new Promise(done => {
      const img = document.getElementById('broken');
      if (img.complete) done(); else img.addEventListener('error', () => done()); })""")
    faults = "\n".join(page_faults(browser)[0])
    assert "page overflows sideways" in faults
    assert "did not load: no-such-figure.png" in faults
    assert "is soft" in faults and "has no alternative text" in faults
    assert "link to a missing file: segments/no-such-file.csv" in faults
    assert "console.error: ['planted error']" in faults


# ----------------------------------------------------------------------------- hostile inputs (issue 18.1)

HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
           '=HYPERLINK("http://x")', '@SUM(1)']
#: Strings that would be markup if they reached a page unescaped.
HOSTILE_MARKUP = HOSTILE[:3]


def _cycle(n: int, first: tuple = ()) -> list[str]:
    values = [*first, *HOSTILE]
    return [values[i % len(values)] for i in range(n)]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Hostile strings in every text column of every input (customers city and loyalty_tier,
    transactions category, feedback channel and comment), in the transactions file's name, in a
    segment scheme's names; the overview, retention and feedback reports on them in
    one batch, the segments report (its transactions given as ``-p transactions=...csv``) in another."""
    from types import SimpleNamespace

    from crmlib import datasets

    root = tmp_path_factory.mktemp("hostile")
    ds = datasets.make_crm_dataset(n_customers=150, seed=3)
    ds.customers["city"] = _cycle(len(ds.customers))
    ds.customers["loyalty_tier"] = _cycle(len(ds.customers), ("Gold",))
    ds.transactions["category"] = _cycle(len(ds.transactions), ("books",))
    ds.feedback["channel"] = _cycle(len(ds.feedback), ("web",))
    ds.feedback["comment"] = [f"{c} {h}" for c, h in zip(ds.feedback["comment"].fillna(""), _cycle(len(ds.feedback)))]
    paths = ds.write(root / "data")
    tx = paths["transactions"].rename(paths["transactions"].with_name(f"{HOSTILE[1]}=tx.csv"))
    out = root / "reports"
    inputs = {"transactions": str(tx), "customers": str(paths["customers"]), "feedback": str(paths["feedback"])}
    first = run_reports(["overview", "retention", "feedback"], out, inputs=inputs, progress=False,
                        options={"currency": "INR"})
    scheme = [[HOSTILE[1], 1, 5, 1, 2], [HOSTILE[3], 1, 5, 3, 4], [HOSTILE[2], 1, 5, 5, 5]]
    second = run_reports(["segments"], out, params={"transactions": [str(tx)], "scheme": [scheme]},
                         inputs={"customers": inputs["customers"], "feedback": inputs["feedback"]},
                         progress=False, options={"currency": "INR"})
    reports = first.reports + second.reports
    return SimpleNamespace(out=out, reports=reports, pages=[out / "index.html"] + [r.html_path for r in reports])


#: What the page holds that could run: script elements, on* attributes, script URLs; and its text.
ACTIVE_FACTS = """(() => ({
  scripts: document.querySelectorAll('script').length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
    .filter(a => /^on/i.test(a.name)).map(a => e.tagName + '[' + a.name + ']')),
  scriptUrls: Array.from(document.querySelectorAll('[href],[src]'))
    .map(e => e.getAttribute('href') || e.getAttribute('src')).filter(u => /^\\s*(javascript|vbscript):/i.test(u)),
  planted: Array.from(document.querySelectorAll('img,svg')).filter(e => e.getAttribute('src') === 'x' || e.hasAttribute('onload')).length,
  text: document.body.innerText,
}))()"""


def test_a_hostile_currency_is_refused_before_any_page(tmp_path):
    """--currency '<script>...' reached the pages (issue 18.1); currencies are now ISO 4217 codes or a
    known symbol, checked before any kernel starts, so nothing is written."""
    from crmlib.exceptions import DataError

    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\na,2024-01-01,10\nb,2024-02-01,20\n")
    with pytest.raises(DataError, match="ISO 4217"):
        run_reports(["overview"], tmp_path / "out", inputs={"transactions": str(tx)}, progress=False,
                    options={"currency": HOSTILE[0]})
    assert not list((tmp_path / "out").rglob("*.html")) if (tmp_path / "out").exists() else True


def test_hostile_inputs_run_no_script_in_any_page(hostile_run, browser):
    """Issue 18.1 (94 dialogs before): every report ran; on every page no dialog opened, no script
    element, no on* attribute, no script URL and no planted element is in the DOM; the planted
    strings show as text; the page's source never holds them unescaped."""
    assert [r.status for r in hostile_run.reports] == ["ok"] * 4, [r.error for r in hostile_run.reports]
    shown = ""
    for path in hostile_run.pages:
        browser.open(path)
        facts = browser.evaluate(ACTIVE_FACTS)
        dialogs = [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
        assert dialogs == [], f"{path.name}: {dialogs}"
        assert (facts["scripts"], facts["handlers"], facts["scriptUrls"], facts["planted"]) == (0, [], [], 0), path.name
        source = path.read_text(encoding="utf-8")
        assert not [h for h in HOSTILE_MARKUP if h in source], path.name
        assert "Content-Security-Policy" in source or path.name == "index.html"
        shown += facts["text"]
    for planted in HOSTILE:  # the values are there, as text (tables of cities, tiers, categories, segments)
        assert planted in shown, planted


def test_hostile_inputs_reach_no_csv_as_a_formula(hostile_run):
    """Issue 18.2: every CSV the reports wrote (segments/user_data_import.csv, retention/winback.csv,
    segments.csv, segment-moves.csv, cohorts, audiences...) holds no cell a spreadsheet runs."""
    import csv

    files = sorted(hostile_run.out.rglob("*.csv"))
    names = {f.name for f in files}
    assert {"user_data_import.csv", "winback.csv"} <= names, names
    formulas = []
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            formulas += [(f.name, cell) for row in csv.reader(fh) for cell in row
                         if cell.startswith(("=", "+", "@", "\t", "\r"))
                         or (cell.startswith("-") and not re.fullmatch(r"-\d[\d.eE+-]*", cell))]
    assert formulas == []
    assert any("'=HYPERLINK" in f.read_text(encoding="utf-8") for f in files)  # the values are kept, as text
