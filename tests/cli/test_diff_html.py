"""`entitle diff --format html` in headless Chromium: the page renders without console errors or
failed requests, fetches nothing, and draws both charts (cost per rule, base against reform;
the histogram of the change per household); a screenshot is taken and checked.

Run by ctest as: python3 test_diff_html.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
Chromium (Debian's `chromium`, installed by scripts/setup) is driven over the DevTools protocol
on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, messages ending in a NUL byte), with the
Python standard library only. Without Chromium the test fails under CI (CI set in the
environment) and is skipped (exit 77) elsewhere.
"""
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
BASE = os.path.join(ROOT, "rules", "wuhan-2012")
REFORMS = os.path.join(ROOT, "examples", "reforms")
POPULATION = os.path.join(ROOT, "tests", "data", "diff", "population.jsonl")
SCREENSHOT = os.path.join(BUILD, "diff-report.png")
TIMEOUT = 60  # seconds for the whole browser session; Chromium starts in about one
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


class Browser:
    """A headless Chromium and one DevTools session on a page."""

    def __init__(self, binary, profile):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def pipes_at_3_and_4():
            # Through fresh numbers first: dup2 onto the same number keeps close-on-exec.
            inbound, outbound = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=pipes_at_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT
        self.session = None

    def _read_message(self):
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=True):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open_page(self):
        """A new tab, and this session attached to it."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]

    def wait_for(self, method):
        while True:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(self._read_message())

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def png_pixels(data):
    """(width, height, channels, rows of pixel bytes) of an 8-bit RGB or RGBA PNG."""
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is a PNG")
    pos, idat = 8, b""
    width = height = colour = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}.get(colour, 0)
    check(channels > 0, f"an RGB(A) screenshot (colour type {colour})")
    raw, rows = zlib.decompress(idat), []
    stride = width * channels
    previous = bytearray(stride)
    for y in range(height if channels else 0):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # the five PNG filters, undone
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def test_report_renders(browser, page):
    browser.open_page()
    browser.call("Runtime.enable")
    browser.call("Log.enable")
    browser.call("Network.enable")
    browser.call("Page.enable")
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": False})
    browser.call("Page.navigate", {"url": "file://" + page})
    browser.wait_for("Page.loadEventFired")
    state = json.loads(browser.call("Runtime.evaluate", {"returnByValue": True, "expression": """
      JSON.stringify((() => {
        const box = (e) => e ? e.getBoundingClientRect() : {width: 0, height: 0};
        const cost = document.querySelector('svg#cost-chart');
        const histogram = document.querySelector('svg#change-histogram');
        const bars = (svg, sel) => svg ? [...svg.querySelectorAll(sel)].map(r => box(r)) : [];
        return {
          cost: box(cost), histogram: box(histogram),
          base_bars: bars(cost, 'rect.base').map(b => b.width),
          reform_bars: bars(cost, 'rect.reform').map(b => b.width),
          bins: bars(histogram, 'rect.bin').map(b => b.height),
          labels: histogram ? [...histogram.querySelectorAll('text')].map(t => t.textContent) : [],
          scripts: document.scripts.length,
          external: [...document.querySelectorAll('[src],[href]')]
              .map(e => e.getAttribute('src') || e.getAttribute('href'))
              .filter(u => !u.startsWith('data:') && !u.startsWith('#')),
          resources: performance.getEntriesByType('resource').length,
          title: document.title,
          rows: document.querySelectorAll('table#rules tbody tr').length,
          gains: document.querySelectorAll('#gains details').length,
        };
      })())"""})["result"]["value"])
    shot = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"})["data"])
    with open(SCREENSHOT, "wb") as f:
        f.write(shot)

    problems = []
    for e in browser.events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert",
                                                                             "warning"):
            problems.append(params)
        elif method == "Runtime.exceptionThrown":
            problems.append(params)
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(params["entry"])
        elif method == "Network.loadingFailed":
            problems.append(params)
    check(not problems, f"no console errors, exceptions or failed loads: {problems}")
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    check(requests == ["file://" + page], f"the page loads nothing but itself: {requests}")
    check(state["scripts"] == 0 and state["external"] == [] and state["resources"] == 0,
          f"self-contained: no script, no external reference: {state}")
    check(state["title"].startswith("entitle diff: wuhan-2012-family-support → "), state["title"])
    check(state["cost"]["width"] > 500 and state["cost"]["height"] > 100,
          f"the cost chart is drawn: {state['cost']}")
    check(len(state["base_bars"]) == len(state["reform_bars"]) == 4,
          f"four cash rules pay something, a base and a reform bar each: {state['base_bars']}")
    # Within the care_allowance_70 panel (a year's cash), 3600 against 7200.
    check(any(abs(r - 2 * b) <= 1 for b, r in zip(state["base_bars"], state["reform_bars"])
              if b > 0), "the reform's allowance bar is twice the base's")
    check(state["histogram"]["width"] > 500 and state["histogram"]["height"] > 100,
          f"the histogram is drawn: {state['histogram']}")
    check(len(state["bins"]) == 2 and all(h > 10 for h in state["bins"]),
          f"two bins of change (+1200, +2400), both visible: {state['bins']}")
    check("+1,200.00" in state["labels"] and "+2,400.00" in state["labels"],
          "the bins are labelled")
    check(state["rows"] == 23, f"one table row per rule and the total ({state['rows']})")
    check(state["gains"] == 2, "the two households that gain are listed")

    width, height, channels, rows = png_pixels(shot)
    check((width, height) == (1100, 1400), f"screenshot size {width}x{height}")
    seen = {}
    for row in rows[::2]:
        for x in range(0, len(row), channels * 2):
            colour = row[x:x + 3]
            seen[colour] = seen.get(colour, 0) + 1
    # The reform's blue (#2b6cb0) and the gains' green (#2f855a), in more than a few pixels.
    check(seen.get(b"\x2b\x6c\xb0", 0) > 200, "reform bars are painted in the screenshot")
    check(seen.get(b"\x2f\x85\x5a", 0) > 200, "histogram bars are painted in the screenshot")


def main():
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        if os.environ.get("CI"):
            print("FAIL: chromium is not installed (scripts/setup installs it)")
            sys.exit(1)
        print("SKIP: chromium is not installed (scripts/setup installs it)")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="entitle-diff-html-")
    page = os.path.join(work, "report.html")
    p = subprocess.run([ENTITLE, "diff", "--base", BASE, "--reform",
                        os.path.join(REFORMS, "care-allowance-200"), "--as-of", "2014-06-01",
                        "--format", "html", "--output", page, POPULATION], capture_output=True)
    check(p.returncode == 0, f"entitle diff --format html exits 0: {p.stderr.decode()}")
    browser = Browser(binary, os.path.join(work, "profile"))
    try:
        test_report_renders(browser, page)
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all diff html checks passed; screenshot:", SCREENSHOT)


main()
