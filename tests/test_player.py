"""The HTML step player in a real headless Chromium, driven over the DevTools protocol.

Only the standard library: Chromium is started with --remote-debugging-port=0,
the port is read from DevToolsActivePort, and a minimal websocket client
(handshake + text frames) sends Runtime.evaluate / Input.dispatchKeyEvent.
Those tests are marked ``browser`` and skipped when /usr/bin/chromium is absent
(CI installs it; see .ci/run).  The page's checks that need no browser come first.
"""

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tinygraph.draw.page import write_html
from tinygraph.narrative import network_steps
from tinygraph.demos import worked_example

CHROMIUM = os.environ.get("TINYGRAPH_CHROMIUM", "/usr/bin/chromium")
needs_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"headless browser test: {CHROMIUM} not found (apt-get install chromium)"),
]


def browser_test(f):
    for mark in needs_browser:
        f = mark(f)
    return f
TIMEOUT = 15.0


def test_player_refuses_svg_that_could_run_code(steps_json):
    from tinygraph.draw.player import player_html as page
    from tinygraph.errors import RenderError
    ok = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g><text>hi</text></g></svg>'
    for evil in ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg"><g onload="alert(1)"/></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
                 '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
                 "<svg><unclosed></svg>"):
        with pytest.raises(RenderError):
            page([evil], [{"text": "x"}])
    html = page([ok, ok, ok], [{"text": "a"}, {"text": "b"}, {"text": "c"}])
    assert html.count('class="frame"') == 1               # identical frames stored once
    assert [d["frame"] for d in steps_json(html)] == [0, 0, 0]
    with pytest.raises(ValueError):
        page([ok], [])
    with pytest.raises(ValueError, match="frame"):
        page([ok], [{"text": "a", "frame": 3}])


def test_frames_are_plain_svg_parts_each_stored_once():
    from tinygraph.draw.player import player_html as page
    a = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" viewBox="0 0 10 10"><g id="graph0">'
         '<g id="n1"><text font-family="Helvetica" text-anchor="start">a &amp; b</text></g>'
         '<g id="n2"><text>two</text></g></g></svg>')
    b = a.replace("two", "three")
    html = page([a, b], [{"text": "1"}, {"text": "2"}])
    assert html.count("a &amp; b") == 1                   # the shared part is stored once
    assert html.count("<use ") == 4 and "three" in html and "two" in html
    assert 'text-anchor="start"' not in html and ".tgf0{font-family:Helvetica}" in html


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: client text frames, server replies."""

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        assert url.startswith("ws://"), url
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the websocket handshake")
            head += chunk
        head, _, self.buf = head.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"websocket handshake refused: {head[:200]!r}")

    def send(self, text: str) -> None:
        data = text.encode()
        n = len(data)
        header = bytes([0x81])                                      # FIN + text frame
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)                                        # clients must mask
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("DevTools closed the websocket")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self) -> str:
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            op = b0 & 0x0F
            if op == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if op == 0x9:                                           # ping -> pong
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            if op in (0x1, 0x0, 0x2):
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class Browser:
    """A headless Chromium with one page, driven over DevTools."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="tinygraph-chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--window-size=1100,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ws = None
        self.events = []
        self.next_id = 0
        try:
            port = self._port()
            deadline = time.monotonic() + TIMEOUT
            while True:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            if not pages:
                raise RuntimeError("Chromium started but shows no page to drive")
            self.ws = WebSocket(pages[0]["webSocketDebuggerUrl"])
        except BaseException:
            self.close()
            raise

    def _port(self) -> int:
        path = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"Chromium exited with code {self.proc.returncode} at start:\n{err}")
            try:
                text = path.read_text()
            except OSError:
                text = ""
            if "\n" in text and text.split("\n", 1)[0].strip().isdigit():
                return int(text.split("\n", 1)[0])
            time.sleep(0.05)
        raise RuntimeError(f"Chromium did not open its DevTools port within {TIMEOUT} s")

    def call(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method} failed: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
        raise TimeoutError(f"no answer to {method} within {TIMEOUT} s")

    def wait_event(self, method: str) -> dict:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            self.events.append(msg)
        raise TimeoutError(f"no {method} within {TIMEOUT} s")

    def js(self, expression: str):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError(f"JavaScript error in {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_event("Page.loadEventFired")

    def key(self, key: str, code: str, vk: int, text: str = "") -> None:
        for kind in ("keyDown", "keyUp"):
            params = dict(type=kind, key=key, code=code, windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)
            if text and kind == "keyDown":
                params["text"] = text
            self.call("Input.dispatchKeyEvent", **params)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    try:
        b.call("Page.enable")
        b.call("Runtime.enable")
        # Record any alert() instead of showing it: the XSS test looks at this list.
        b.call("Page.addScriptToEvaluateOnNewDocument",
               source="window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };")
        yield b
    finally:
        b.close()


STATE = """(() => {
  const shown = [...document.querySelectorAll('#frames > .frame')].filter(f => !f.hidden);
  const svg = shown.length ? shown[0].querySelector('svg') : null;
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const g = svg ? svg.querySelector('g') : null;
  return {shown: shown.map(f => f.dataset.frame), line: document.getElementById('line').textContent,
          counter: document.getElementById('counter').textContent,
          width: box.width, height: box.height, drawn: g ? g.getBBox().width : 0,
          step: window.player ? window.player.step() : null};
})()"""


def state(b):
    return b.js(STATE)


def open_demo_page(browser, tmp_path, demo):
    """The steps of a demo network (a module with build()), written as a page open in the browser."""
    net, inputs, targets = demo.build()
    steps = network_steps(net, inputs, targets)
    page = tmp_path / "steps.html"
    write_html(page, steps)
    browser.open(page)
    return steps


@browser_test
def test_player_steps_with_buttons_and_keys(browser, tmp_path):
    steps = open_demo_page(browser, tmp_path, worked_example)
    n = len(steps)

    s1 = state(browser)
    assert s1["counter"] == f"step 1 of {n}"
    assert s1["line"] == str(steps[0])
    assert len(s1["shown"]) == 1 and s1["width"] > 100 and s1["height"] > 100
    assert s1["drawn"] > 100                               # the <use> parts really draw

    browser.js("document.getElementById('next').click()")
    s2 = state(browser)
    assert s2["counter"] == f"step 2 of {n}" and s2["line"] == str(steps[1])
    assert s2["shown"] != s1["shown"] and len(s2["shown"]) == 1

    browser.key("ArrowRight", "ArrowRight", 39)
    s3 = state(browser)
    assert s3["step"] == 3 and s3["line"] == str(steps[2]) and s3["shown"] != s2["shown"]

    browser.key("n", "KeyN", 78, text="n")
    assert state(browser)["line"] == str(steps[3])
    browser.key("ArrowLeft", "ArrowLeft", 37)
    browser.key("p", "KeyP", 80, text="p")
    assert state(browser)["line"] == str(steps[1])

    browser.key("End", "End", 35)
    last = state(browser)
    assert last["counter"] == f"step {n} of {n}" and last["line"] == str(steps[-1])
    assert browser.js("document.getElementById('next').disabled") is True
    browser.js("document.getElementById('next').click()")   # past the end: stays
    assert state(browser)["step"] == n

    browser.key("Home", "Home", 36)
    assert state(browser)["counter"] == f"step 1 of {n}"
    browser.js("document.getElementById('last').click()")
    assert state(browser)["step"] == n
    browser.js("document.getElementById('first').click()")
    browser.js("document.getElementById('prev').click()")   # before the start: stays
    assert state(browser)["step"] == 1
    browser.js("document.getElementById('next').click(); document.getElementById('next').click();"
               "document.getElementById('prev').click()")
    assert state(browser)["line"] == str(steps[1])

    delta = next(i for i, s in enumerate(steps) if s.kind == "output delta")
    browser.js(f"window.player.show({delta + 1})")
    assert state(browser)["line"] == str(steps[delta]) and "δ_o1" in str(steps[delta])


@browser_test
def test_a_script_tag_for_a_name_shows_as_text_and_runs_nothing(browser, tmp_path, script_tag_network):
    bad = "<script>alert(1)</script>"
    net, h, steps = script_tag_network("<img src=x onerror=alert(3)></script><script>alert(2)</script>")
    assert h.name == bad
    page = tmp_path / "evil.html"
    write_html(page, steps, title=net.name)
    browser.open(page)

    assert browser.js("window.__alerts.length") == 0
    assert browser.js("document.scripts.length") == 2       # the JSON data and the player itself
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.querySelector('h1').textContent") == net.name
    shown_in_svg = browser.js("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
    assert bad in shown_in_svg                              # the name, drawn literally
    forward = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.subject is h)
    browser.js(f"window.player.show({forward + 1})")
    line = state(browser)["line"]
    assert bad in line and line == str(steps[forward])
    for _ in range(len(steps)):                             # every frame, still nothing runs
        browser.key("ArrowRight", "ArrowRight", 39)
    assert browser.js("window.__alerts.length") == 0
    assert browser.js("document.scripts.length") == 2


def test_parts_keep_their_ids_as_data_and_highlights_as_a_class():
    from tinygraph.draw.player import player_html as page
    a = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2000pt" '
         'viewBox="0 0 10 10"><g id="graph0">'
         '<g id="neuron-h1" class="node highlight"><defs><linearGradient id="grad"/></defs>'
         '<ellipse fill="url(#grad)"/><a xlink:href="#grad"><text font-family="x;}&lt;/style&gt;">h1</text></a></g>'
         '<g id="neuron-h2" class="node"><text>h2</text></g></g></svg>')
    html = page([a, a.replace("node highlight", "node")], [{"text": "1"}, {"text": "2"}])
    assert 'data-id="neuron-h1"' in html and ' id="neuron-h1"' not in html     # ids stay unique in the page
    assert html.count('data-id="neuron-h1"') == 2 and html.count('data-id="neuron-h2"') == 1
    assert 'id="tgp0-grad"' in html and 'url(#tgp0-grad)' in html and 'xlink:href="#tgp0-grad"' in html
    assert html.count('class="highlight"/>') == 1                            # the <use> of the lit part
    assert "</style>" not in html.split("<body")[1].split("<script")[0]       # an odd font is not in the CSS
    assert 'font-family="x;}&lt;/style&gt;"' in html
    assert html.count('class="frame wide"') == 2                               # 2000pt: scrolled, not shrunk


def test_frames_keep_the_size_they_were_drawn():
    from tinygraph.draw.player import player_html as page
    def frame(w, h, word):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
                f'viewBox="0.00 0.00 {w - 0.2} {h - 0.2}"><g id="graph0"><text>{word}</text></g></svg>')
    html = page([frame(644, 443, "a"), frame(710, 443, "b")], [{"text": "1"}, {"text": "2"}])
    assert 'width="644pt" height="443pt" viewBox="0.00 0.00 643.8 442.8"' in html
    assert 'width="710pt" height="443pt" viewBox="0.00 0.00 709.8 442.8"' in html


NODE_CENTRES = """(() => {
  const f = [...document.querySelectorAll('#frames > .frame')].find(f => !f.hidden);
  const out = {};
  for (const u of f.querySelectorAll('use')) {
    const node = document.getElementById(u.getAttribute('href').slice(1)).querySelector('[data-id^="neuron-"]');
    if (node) { const r = u.getBoundingClientRect();
                out[node.dataset.id] = [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]; }
  }
  return out;
})()"""


@browser_test
def test_neurons_stay_at_the_same_place_from_step_to_step(browser, tmp_path):
    from tinygraph.demos import xor
    steps = open_demo_page(browser, tmp_path, xor)
    first = size = None
    for k in range(1, len(steps) + 1):
        browser.js(f"window.player.show({k})")
        centres = browser.js(NODE_CENTRES)
        s = state(browser)
        assert len(centres) == 5 and s["step"] == k, centres
        first = first or centres
        size = size or (s["width"], s["height"])
        assert centres == first, (k, centres, first)              # every neuron at the same pixel
        assert (s["width"], s["height"]) == size, k                # and the picture the same size
