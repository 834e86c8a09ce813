"""The playground: its server's safety rules, the sessions, and the page in a real headless Chromium.

The browser tests reuse the DevTools harness of tests/test_player.py (a standard-library websocket).
"""

import http.client
import json
import threading
import time

import pytest

import tinygraph as tg
from tinygraph.demos import build_for_steps
from tinygraph.playground import PlayError, play, start_for
from tinygraph.playground.server import MAX_BODY
from tinygraph.playground.state import Start

from test_player import Browser, browser_test

SID_A = "a" * 24
SID_B = "b" * 24


@pytest.fixture
def worked():
    key, net, x, t, lr = build_for_steps("worked-example")
    server = play(net, x, t, lr=lr, open_browser=False)
    try:
        yield server, net, x, t
    finally:
        server.stop()


def request(server, method, path, body=None, token=True, host=None, headers=None, raw=None):
    """(status, JSON answer or text) of one request to ``server``."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    h = {"Host": host or f"127.0.0.1:{server.port}"}
    if method == "POST":
        h["Content-Type"] = "application/json"
        if token:
            h["X-Tinygraph-Token"] = server.token if token is True else token
    elif token:
        path += ("&" if "?" in path else "?") + "token=" + (server.token if token is True else token)
    h.update(headers or {})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode()
    c.close()
    try:
        return r.status, json.loads(text), r
    except ValueError:
        return r.status, text, r


def post(server, action, **body):
    body.setdefault("session", SID_A)
    return request(server, "POST", f"/api/{action}", body)


def output(view, name):
    return float(next(o["value"] for o in view["outputs"] if o["name"] == name))


def test_every_answer_is_no_store_with_a_strict_policy(worked):
    server = worked[0]
    for status, _, r in (request(server, "GET", "/"), request(server, "GET", "/", token=False),
                         post(server, "state")):
        assert r.getheader("Cache-Control") == "no-store"
        csp = r.getheader("Content-Security-Policy")
        assert "default-src 'none'" in csp and "unsafe-eval" not in csp
        assert "script-src 'nonce-" in csp or "script-src 'none'" in csp
        assert r.getheader("Referrer-Policy") == "no-referrer"
    assert server.url.startswith("http://127.0.0.1:") and f"token={server.token}" in server.url
    assert server.httpd.server_address[0] == "127.0.0.1"


def test_without_the_token_or_with_another_host_it_is_refused_and_still_answers(worked):
    server = worked[0]
    assert request(server, "GET", "/", token=False)[0] == 403
    assert request(server, "GET", "/", token="wrong")[0] == 403
    status, answer, _ = request(server, "POST", "/api/state", {"session": SID_A}, token=False)
    assert status == 403 and "token" in answer["error"]
    assert request(server, "GET", "/", host="evil.example:80")[0] == 403          # DNS rebinding
    assert request(server, "GET", "/", host=f"evil.example:{server.port}")[0] == 403
    assert request(server, "POST", "/api/state", {"session": SID_A}, host="evil.example")[0] == 403
    assert request(server, "POST", "/api/state", {"session": SID_A},
                   headers={"Origin": "http://evil.example"})[0] == 403
    assert request(server, "POST", "/api/state", raw=b"session=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 415
    status, page, _ = request(server, "GET", "/")
    assert status == 200 and "tinygraph playground" in page
    assert request(server, "GET", "/", host=f"localhost:{server.port}")[0] == 200
    assert post(server, "state")[0] == 200


def test_bad_values_get_a_message_and_change_nothing(worked):
    server, net, x, t = worked
    before = post(server, "state")[1]
    cases = [("weight", {"src": "h1", "dst": "o1", "value": "abc"}, "not a number"),
             ("weight", {"src": "h1", "dst": "o1", "value": "nan"}, "nan"),
             ("weight", {"src": "h1", "dst": "o1", "value": "1e300"}, "too big"),
             ("weight", {"src": "h1", "dst": "o1", "value": "inf"}, "too big"),
             ("weight", {"src": "h1", "dst": "o1", "value": True}, "number"),
             ("weight", {"src": "h1", "dst": "h2", "value": "1"}, "no synapse"),
             ("weight", {"src": "nope", "dst": "o1", "value": "1"}, "no neuron named 'nope'"),
             ("bias", {"name": "i1", "value": "1"}, "no bias"),
             ("input", {"name": "o1", "value": "1"}, "not an input"),
             ("target", {"name": "h1", "value": "1"}, "not an output"),
             ("colour", {"name": "h1", "value": "1"}, "say what to change")]
    for kind, fields, words in cases:
        status, answer, _ = post(server, "set", kind=kind, **fields)
        assert status == 400 and words in answer["error"], (kind, fields, answer)
    assert post(server, "activation", name="h1", activation="wiggly")[0] == 400
    assert post(server, "train", epochs="0")[0] == 400
    assert post(server, "fly")[0] == 400
    assert request(server, "POST", "/api/state", raw=b"{not json")[0] == 400
    assert request(server, "POST", "/api/state", raw=b"[1, 2]")[0] == 400
    assert request(server, "POST", "/api/state", {"session": "short"})[0] == 400
    status, answer, _ = request(server, "POST", "/api/state", raw=b"x" * (MAX_BODY + 1))
    assert status == 413 and "too large" in answer["error"]
    after = post(server, "state")[1]
    assert after["loss"] == before["loss"] and after["items"] == before["items"]


def test_a_change_gives_the_engines_numbers(worked):
    server, net, x, t = worked
    status, view, _ = post(server, "set", kind="weight", src="h1", dst="o1", value="0.9")
    assert status == 200
    net.synapse("h1", "o1").value = 0.9              # the same change, in Python
    out = net.forward(x)
    assert output(view, "o1") == out["o1"].value and output(view, "o2") == out["o2"].value
    loss = tg.squared_error(out, t)
    assert float(view["loss"]["value"]) == loss.value
    view = post(server, "backward")[1]
    net.zero_grad()
    loss.backward()
    from tinygraph.formatting import fmt
    assert view["items"]["synapse-h1-o1"]["grad"] == fmt(net.synapse("h1", "o1").grad)
    assert view["items"]["neuron-h1"]["delta"] == fmt(net["h1"].delta)
    status, view, _ = post(server, "step")
    assert status == 200 and "SGD step" in view["note"]
    assert post(server, "reset")[1]["items"]["synapse-h1-o1"]["weight"] == "0.4"


def test_two_sessions_stay_independent(worked):
    server = worked[0]
    a = post(server, "set", session=SID_A, kind="input", name="i1", value="1")[1]
    b = post(server, "state", session=SID_B)[1]
    assert a["inputs"][0]["value"] == "1.0" and b["inputs"][0]["value"] == "0.05"
    b = post(server, "set", session=SID_B, kind="bias", name="o1", value="-2")[1]
    assert post(server, "state", session=SID_A)[1]["items"]["neuron-o1"]["bias"] == "0.6"
    assert b["items"]["neuron-o1"]["bias"] == "-2.0"


def test_the_number_of_sessions_is_bounded():
    key, net, x, t, lr = build_for_steps("xor")
    server = play(net, x, t, open_browser=False)
    try:
        server.sessions.most = 3
        for i in range(6):
            assert post(server, "state", session=f"{i:024d}")[0] == 200
        assert len(server.sessions) == 3
    finally:
        server.stop()


def test_200_requests_from_8_threads_are_all_answered_correctly(worked):
    server, net, x, t = worked
    weights = [round(0.1 * k, 1) for k in range(-4, 5)]
    expected = {}
    for w in weights:
        m = net.copy()
        m.synapse("h2", "o2").value = w
        expected[w] = m.forward(x)["o2"].value
    wrong, errors = [], []

    def worker(k):
        sid = f"thread{k:02d}" + "x" * 16
        for i in range(25):
            w = weights[(k + i) % len(weights)]
            try:
                status, view, _ = post(server, "set", session=sid, kind="weight", src="h2", dst="o2", value=str(w))
                if status != 200 or output(view, "o2") != expected[w]:
                    wrong.append((k, i, status))
            except Exception as e:       # a refused or dropped connection
                errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors and not wrong
    assert post(server, "state")[0] == 200


def test_start_for_a_demo_a_file_and_a_table(tmp_path):
    assert start_for("xor").title == "xor"
    net = tg.MLP([2, 2, 1])
    net.save(tmp_path / "n.json")
    assert start_for(str(tmp_path / "n.json")).inputs == {"x1": 0.5, "x2": 0.5}
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    s = start_for(str(csv), target="y")
    assert len(s.data) == 4 and set(s.targets) == {"y"}
    with pytest.raises(PlayError, match="--target"):
        start_for(str(csv))
    with pytest.raises(PlayError, match="Network"):
        Start("not a net")


def test_the_cli_play_prints_the_address_and_stops_on_ctrl_c():
    import os
    import signal
    import subprocess
    import sys
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen([sys.executable, "-m", "tinygraph", "play", "xor", "--no-browser"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        assert "http://127.0.0.1:" in line and "?token=" in line
        url = line[line.index("http://"):].split()[0]
        import urllib.request
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
        assert p.returncode == 0 and "stopped" in out and "Traceback" not in err
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


# -- in a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    b = Browser()
    try:
        b.call("Page.enable")
        b.call("Runtime.enable")
        yield b
    finally:
        b.close()


def goto(b, url):
    b.events.clear()
    b.call("Page.navigate", url=url)
    b.wait_event("Page.loadEventFired")
    wait_for(b, "window.tgUpdates >= 1")


def wait_for(b, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b.js(f"!!({condition})"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the page never got to {condition}")


def type_into(b, element_id, text):
    """Type ``text`` into the box and press Enter, as a learner would."""
    b.js(f"document.getElementById({json.dumps(element_id)}).focus(); "
         f"document.getElementById({json.dumps(element_id)}).select()")
    b.call("Input.insertText", text=text)
    b.key("Enter", "Enter", 13, "\r")


CLICK_SYNAPSE = """((id) => {
  const g = document.getElementById(id);
  g.querySelector('path,polygon,text').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  return !!document.getElementById('edit-weight');
})"""


@browser_test
def test_change_a_weight_in_the_page_and_read_the_engines_output(browser, worked):
    server, net, x, t = worked
    goto(browser, server.url)
    assert browser.js("document.getElementById('outputs').querySelector('.output').dataset.value") == \
        repr(net.forward(x)["o1"].value)
    assert browser.js(CLICK_SYNAPSE + "('synapse-h1-o1')")
    n = browser.js("window.tgUpdates")
    type_into(browser, "edit-weight", "-1.25")
    wait_for(browser, f"window.tgUpdates > {n}")
    shown = browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)")
    net.synapse("h1", "o1").value = -1.25
    out = net.forward(x)
    assert [float(v) for v in shown] == [out["o1"].value, out["o2"].value]
    assert browser.js("document.getElementById('error-value').dataset.value") == \
        repr(tg.squared_error(out, t).value)
    # a bad value: the message shows, the numbers stay
    n = browser.js("window.tgUpdates")
    type_into(browser, "edit-weight", "lots")
    wait_for(browser, "document.getElementById('message').className === 'error'")
    assert "not a number" in browser.js("document.getElementById('message').textContent")
    assert browser.js("window.tgUpdates") == n
    assert browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)") == shown
    # backward shows every delta and gradient
    browser.js("document.getElementById('backward').click()")
    wait_for(browser, "document.getElementById('picture').textContent.includes('∂E/∂w')")
    # a second tab (another sessionStorage) starts from the network as it was
    browser.js("sessionStorage.clear()")
    goto(browser, server.url)
    again = browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)")
    assert float(again[0]) != float(shown[0])
