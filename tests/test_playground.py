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

from chromium import browser_test

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
    from tinygraph.cli import play_start
    assert play_start("xor").title == "xor"
    with pytest.raises(PlayError, match="no file named 'xor'"):
        start_for("xor")                               # the library knows no demos: the command line does
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


def test_play_a_table_with_hidden_layers_and_an_activation(tmp_path):
    from tinygraph.cli import _parser
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    args = _parser().parse_args(["play", str(csv), "--target", "y", "--hidden", "3,2", "--activation", "relu"])
    net = start_for(args.source, args.target, hidden=args.hidden, activation=args.activation).network()
    assert [len(layer) for layer in net.layers()] == [2, 3, 2, 1]
    assert {n.activation.name for n in net.hidden} == {"relu"}
    assert [len(layer) for layer in start_for(str(csv), "y").network().layers()] == [2, 4, 1]
    with pytest.raises(tg.TinygraphError, match="unknown activation 'wiggly'"):
        start_for(str(csv), "y", activation="wiggly")
    from tinygraph.cli import play_start
    with pytest.raises(PlayError, match="DATA.csv"):
        play_start("xor", hidden=[2])


def test_the_cli_play_prints_the_address_and_stops_on_ctrl_c():
    import os
    import signal
    import subprocess
    import sys
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Ctrl-C as a terminal sends it: a suite started in the background (`cmd &` in a script) ignores SIGINT,
    # and a child would inherit that and never stop
    p = subprocess.Popen([sys.executable, "-m", "tinygraph", "play", "xor", "--no-browser"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
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


# -- changing the layers ------------------------------------------------------------------------

def built(orig, layers, new_acts, rng=None):
    """The network a structure change should make, built in Python: ``layers`` of names; what ``orig``
    has keeps its weights and biases; new neurons (``new_acts``: name -> activation) get bias 0; new
    synapses weights from ``rng`` (default a new random.Random(0), as each session has), uniform in +-sqrt(3/fan_in), layer by layer, receiver by
    receiver, sender by sender."""
    import math
    import random
    rng = rng or random.Random(0)
    net = tg.Network(orig.name)
    for n in layers[0]:
        net.input(n)
    for d in range(1, len(layers)):
        for n in layers[d]:
            if n in new_acts:
                net.neuron(n, activation=new_acts[n], bias=0.0)
            else:
                net.neuron(n, activation=orig[n].activation, bias=orig[n].bias.value)
        bound = math.sqrt(3 / len(layers[d - 1]))
        for n in layers[d]:
            for src in layers[d - 1]:
                kept = src in orig and n in orig and any(s.src.name == src for s in orig[n].incoming)
                net.connect(src, n, weight=orig.synapse(src, n).value if kept else rng.uniform(-bound, bound))
    return net


def same_numbers(server, view, ref, x, t):
    """The view (then backward) shows exactly what ``ref`` computes."""
    from tinygraph.draw import neuron_id, synapse_id
    from tinygraph.formatting import fmt
    assert view["layers"] == [[n.name for n in layer] for layer in ref.layers()]
    out = ref.forward(x)
    for o in ref.outputs:
        assert output(view, o.name) == out[o.name].value
    loss = tg.squared_error(out, t)
    assert float(view["loss"]["value"]) == loss.value
    loss.backward()
    view = post(server, "backward")[1]
    for s in ref.synapses:
        item = view["items"][synapse_id(s.src.name, s.dst.name)]
        assert item["weight"] == repr(s.value) and item["grad"] == fmt(s.grad)
    for n in ref.hidden + ref.outputs:
        assert view["items"][neuron_id(n.name)]["delta"] == fmt(n.delta)
    assert len(view["items"]) == len(ref.neurons) + 3 * len(ref.synapses)
    post(server, "backward", show=False)


def test_add_a_hidden_neuron(worked):
    server, net, x, t = worked
    status, view, _ = post(server, "add-neuron", layer=1)
    assert status == 200 and "h3" in view["note"]
    same_numbers(server, view, built(net, [["i1", "i2"], ["h1", "h2", "h3"], ["o1", "o2"]],
                                     {"h3": net["h1"].activation}), x, t)


def test_remove_a_hidden_neuron_but_never_the_last_of_a_layer(worked):
    server, net, x, t = worked
    status, view, _ = post(server, "remove-neuron", layer=1, name="h1")
    assert status == 200
    same_numbers(server, view, built(net, [["i1", "i2"], ["h2"], ["o1", "o2"]], {}), x, t)
    status, answer, _ = post(server, "remove-neuron", layer=1)
    assert status == 400 and "last neuron of layer 1" in answer["error"]
    assert post(server, "state")[1]["layers"] == [["i1", "i2"], ["h2"], ["o1", "o2"]]


def test_add_a_hidden_layer(worked):
    server, net, x, t = worked
    status, view, _ = post(server, "add-layer", at=2, size=2)
    assert status == 200
    act = net["h1"].activation
    same_numbers(server, view, built(net, [["i1", "i2"], ["h1", "h2"], ["h2_1", "h2_2"], ["o1", "o2"]],
                                     {"h2_1": act, "h2_2": act}), x, t)


def test_remove_a_hidden_layer():
    net = tg.MLP([2, 3, 2, 1], activation="tanh", seed=4)
    x, t = {"x1": 0.3, "x2": -0.7}, {"o1": 0.5}
    server = play(net, x, t, open_browser=False)
    try:
        import random
        rng = random.Random(0)
        status, view, _ = post(server, "remove-layer", layer=1)
        assert status == 200
        once = built(net, [["x1", "x2"], ["h2_1", "h2_2"], ["o1"]], {}, rng)
        same_numbers(server, view, once, x, t)
        status, view, _ = post(server, "remove-layer", layer=1)
        same_numbers(server, view, built(once, [["x1", "x2"], ["o1"]], {}, rng), x, t)
        status, answer, _ = post(server, "remove-layer", layer=1)
        assert status == 400 and "no hidden layer" in answer["error"]
    finally:
        server.stop()


def test_layer_changes_refused_leave_the_state_unchanged(worked):
    server = worked[0]
    before = post(server, "state")[1]
    for action, body, words in [("add-neuron", {"layer": 0}, "numbered 1 to 1"),
                                ("add-neuron", {"layer": "two"}, "not a number"),
                                ("remove-neuron", {"layer": 1, "name": "o1"}, "not a neuron of layer 1"),
                                ("add-layer", {"at": 3}, "from 1"),
                                ("add-layer", {"at": 1, "size": 99}, "from 1 to 16"),
                                ("remove-layer", {"layer": 2}, "numbered 1 to 1")]:
        status, answer, _ = post(server, action, **body)
        assert status == 400 and words in answer["error"], (action, answer)
    after = post(server, "state")[1]
    assert after["items"] == before["items"] and after["layers"] == before["layers"]
    # the next new neuron still gets the first weights of the generator (its state was put back)
    view = post(server, "add-neuron", layer=1)[1]
    same_numbers(server, view, built(worked[1], [["i1", "i2"], ["h1", "h2", "h3"], ["o1", "o2"]],
                                     {"h3": worked[1]["h1"].activation}), worked[2], worked[3])


def test_a_network_not_in_layers_says_which_synapse_breaks_them():
    net = tg.Network("skip")
    net.input("a")
    net.neuron("h")
    net.neuron("o")
    net.connect("a", "h", weight=0.5)
    net.connect("h", "o", weight=0.5)
    net.connect("a", "o", weight=0.5)
    server = play(net, open_browser=False)
    try:
        view = post(server, "state")[1]
        assert view["layers"] is None and "a → o skips from layer 0 to layer 2" in view["not_layered"]
        status, answer, _ = post(server, "add-neuron", layer=1)
        assert status == 400 and "a → o" in answer["error"]
    finally:
        server.stop()


def test_the_error_curve_marks_the_last_epoch(worked):
    from tinygraph.draw.training_page import RecordedRun, error_curve
    server, net, x, t = worked
    view = post(server, "train", epochs=40)[1]
    history = tg.train(net, [(x, t)], lr=0.5, max_epochs=40, record=1, verbose=False)
    run = RecordedRun(history, net)
    run.evaluate()
    marks = error_curve(run)[1]
    assert view["curve_mark"] == marks[-1] and view["curve_mark"] != marks[0]


# -- in a real browser ------------------------------------------------------------------------

def goto(b, url):
    b.events.clear()
    b.call("Page.navigate", url=url)
    b.wait_event("Page.loadEventFired")
    b.wait_for("window.tgUpdates >= 1")


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
    browser.wait_for(f"window.tgUpdates > {n}")
    shown = browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)")
    net.synapse("h1", "o1").value = -1.25
    out = net.forward(x)
    assert [float(v) for v in shown] == [out["o1"].value, out["o2"].value]
    assert browser.js("document.getElementById('error-value').dataset.value") == \
        repr(tg.squared_error(out, t).value)
    # a bad value: the message shows, the numbers stay
    n = browser.js("window.tgUpdates")
    type_into(browser, "edit-weight", "lots")
    browser.wait_for("document.getElementById('message').className === 'error'")
    assert "not a number" in browser.js("document.getElementById('message').textContent")
    assert browser.js("window.tgUpdates") == n
    assert browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)") == shown
    # backward shows every delta and gradient
    browser.js("document.getElementById('backward').click()")
    browser.wait_for("document.getElementById('picture').textContent.includes('∂E/∂w')")
    # a second tab (another sessionStorage) starts from the network as it was
    browser.js("sessionStorage.clear()")
    goto(browser, server.url)
    again = browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)")
    assert float(again[0]) != float(shown[0])
    # the layer buttons: one more neuron in hidden layer 1, numbers from the engine
    n = browser.js("window.tgUpdates")
    browser.js("document.getElementById('add-neuron-1').click()")
    browser.wait_for(f"window.tgUpdates > {n}")
    key, fresh, x, t, lr = build_for_steps("worked-example")
    ref = built(fresh, [["i1", "i2"], ["h1", "h2", "h3"], ["o1", "o2"]], {"h3": fresh["h1"].activation})
    out = ref.forward(x)
    shown = browser.js("[...document.querySelectorAll('#outputs .output')].map(e => e.dataset.value)")
    assert [float(v) for v in shown] == [out["o1"].value, out["o2"].value]
    assert browser.js("!!document.getElementById('neuron-h3')")
    # training: the orange marker sits at the last epoch
    n = browser.js("window.tgUpdates")
    browser.js("document.getElementById('train').click()")
    browser.wait_for(f"window.tgUpdates > {n}")
    dot = browser.js("[document.querySelector('#train-box #dot').getAttribute('cx'), "
                     "document.querySelector('#train-box #mark').getAttribute('x1')]")
    right = browser.js("document.querySelector('#train-box polyline').getAttribute('points').split(' ').pop()")
    assert float(dot[0]) == float(dot[1]) == float(right.split(",")[0])


@browser_test
def test_a_duplicated_tab_gets_its_own_session(browser, worked):
    server = worked[0]
    goto(browser, server.url)
    mine = browser.js("window.tgSession")
    # a page opened from this one starts with a copy of its sessionStorage, as a duplicated tab does
    r = browser.call("Runtime.evaluate", expression=f"window.copy = window.open({json.dumps(server.url)}); !!window.copy",
                     userGesture=True, returnByValue=True)
    assert r["result"]["value"]
    try:
        browser.wait_for("window.copy.tgUpdates >= 1")
        assert browser.js("window.copy.sessionStorage.length") == 1
        other = browser.js("window.copy.tgSession")
        assert other and other != mine and browser.js("window.tgSession") == mine
    finally:
        browser.js("window.copy && window.copy.close()")
    # a reload keeps the tab's own session: nobody else holds it
    goto(browser, server.url)
    assert browser.js("window.tgSession") == mine


# -- issue 21: a server that slow clients cannot stall, a bound on work, a nesting bomb -----------------

def _slow_client(port, stop, interval=2.0):
    """A client that sends a request one header line every ``interval`` seconds, never finishing."""
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(b"GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)
        k = 0
        while not stop.wait(interval):
            s.sendall(b"X-Slow-%d: still here\r\n" % k)
            k += 1
    except OSError:
        pass                                  # the server gave up on it: as it should
    finally:
        s.close()


def test_32_slow_clients_do_not_stall_a_normal_request(worked):
    server = worked[0]
    stop = threading.Event()
    clients = [threading.Thread(target=_slow_client, args=(server.port, stop), daemon=True) for _ in range(32)]
    for c in clients:
        c.start()
    try:
        time.sleep(1.0)                        # every slow client is connected and trickling
        start = time.monotonic()
        status, view, _ = post(server, "state")
        took = time.monotonic() - start
        assert status == 200 and "outputs" in view
        assert took < 2.0, f"a normal request took {took:.1f} s behind 32 slow clients"
    finally:
        stop.set()
        for c in clients:
            c.join(10)


def test_a_request_that_trickles_in_is_cut_off_at_the_deadline_for_the_whole_request(worked, monkeypatch):
    import socket
    from tinygraph.playground import server as module
    monkeypatch.setattr(module, "REQUEST_SECONDS", 1.5)
    server = worked[0]
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\n")
    closed = None
    for k in range(20):                        # a line every 0.4 s: each read is quick, the whole is not
        time.sleep(0.4)
        try:
            s.sendall(b"X-Slow: %d\r\n" % k)
        except OSError:
            closed = time.monotonic() - start
            break
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed = time.monotonic() - start
                break
        except BlockingIOError:
            pass
        finally:
            s.setblocking(True)
    s.close()
    assert closed is not None and closed < 4.0, "the server kept a trickling request past its deadline"


def test_a_json_nesting_bomb_gets_a_clear_400(worked):
    server = worked[0]
    for bomb in (b"[" * 30000 + b"]" * 30000, b'{"a":' * 10000 + b"1" + b"}" * 10000):
        assert len(bomb) < 64 * 1024
        status, answer, _ = request(server, "POST", "/api/state", raw=bomb)
        assert status == 400, answer
        assert "nested" in answer["error"] and "Recursion" not in answer["error"]
    status, answer, _ = request(server, "POST", "/api/state", raw=b'{"session": "' + b"[" * 500 + b'"}')
    assert status == 400 and "nested" not in answer["error"]      # brackets inside a string are text


def test_training_on_big_data_is_refused_at_once_with_what_to_do(tmp_path):
    rows = ["x,y,label"] + [f"{i % 97 / 97:.3f},{i % 89 / 89:.3f},{i % 2}" for i in range(2000)]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n")
    from tinygraph.playground import PlaygroundServer
    server = PlaygroundServer(start_for(str(tmp_path / "big.csv"), "label", hidden=[4]))
    try:
        start = time.monotonic()
        status, answer, _ = post(server, "train", epochs=100)
        assert status == 400 and "at most" in answer["error"] and "epochs" in answer["error"], answer
        assert time.monotonic() - start < 5.0
    finally:
        server.stop()
