"""The playground's data and continuous training (tinygraph/playground/lab.py, driven through Session):
data sets, noise, the train/test split, mini-batch steps checked against central differences, both
error curves, the decision surface, a layout that stays put, and the page in headless Chromium."""

import http.client
import io
import json
import re
import time
from contextlib import redirect_stdout

import pytest

import tinygraph as tg
from tinygraph.cli import play_start
from tinygraph.demos import build_for_steps
from tinygraph.playground import PlayError, PlaygroundServer, play
from tinygraph.playground.state import Session, Start

from chromium import browser_test

SID_A = "a" * 24


def post(server, action, **body):
    """(status, JSON answer, response) of one POST to the playground ``server``, with its token."""
    body.setdefault("session", SID_A)
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    c.request("POST", f"/api/{action}", body=json.dumps(body).encode(),
              headers={"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
                       "X-Tinygraph-Token": server.token})
    r = c.getresponse()
    doc = json.loads(r.read().decode())
    c.close()
    return r.status, doc, r


def goto(b, url):
    b.events.clear()
    b.call("Page.navigate", url=url)
    b.wait_event("Page.loadEventFired")
    b.wait_for("window.tgUpdates >= 1")


def mlp_session(sizes=(2, 8, 8, 1), dataset="moons", lr=0.5):
    net = tg.MLP(list(sizes), activation="tanh", output_activation="sigmoid", seed=0)
    return Session(Start(net, lr=lr, dataset=dataset))


def params(session):
    return [p.value for p in session.net.parameters()]


def test_play_moons_trains_on_the_whole_data_set_and_measures_both_errors():
    s = Session(play_start("moons"))
    v = s.apply("state", {})
    lab = v["lab"]
    assert lab["name"] == "moons" and lab["train_size"] == 140 and lab["test_size"] == 60
    assert len(lab["points"]) == 200 and {p[2] for p in lab["points"]} == {0.0, 1.0}
    v = s.apply("play", {"epochs": 30, "picture": False})
    lab = v["lab"]
    assert lab["epoch"] == 30 and v["svg"] is None
    assert [e for e, _ in lab["train_curve"]] == [0, 30] == [e for e, _ in lab["test_curve"]]
    assert lab["train_curve"][-1][1] < 0.5 * lab["train_curve"][0][1]
    assert lab["test_curve"][-1][1] < 0.5 * lab["test_curve"][0][1]
    # the errors are the engine's: mean ½(O − t)² over the training points, by the node engine
    train = s.lab.samples(s.net, True)
    out = s.net.outputs[0].name
    mean = sum(0.5 * (s.net.forward(x)[out].value - t[out]) ** 2 for x, t in train) / len(train)
    assert lab["train_curve"][-1][1] == pytest.approx(mean, rel=1e-9)


def test_the_batch_engine_and_the_node_engine_train_to_the_same_numbers():
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    fast, slow = mlp_session(), mlp_session()
    vf = fast.apply("play", {"epochs": 2, "picture": False})
    vs = slow.apply("play", {"epochs": 2, "picture": False, "fast": False})
    assert vf["engine"] == "batch (numpy)" and vs["engine"] == "nodes"
    assert params(fast) == pytest.approx(params(slow), abs=1e-9)
    assert vf["lab"]["test_curve"][-1][1] == pytest.approx(vs["lab"]["test_curve"][-1][1], rel=1e-9)


@pytest.mark.parametrize("fast", [True, False])
def test_one_step_moves_each_parameter_by_minus_lr_times_the_mean_gradient(fast):
    if fast:
        pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    s = mlp_session((2, 3, 1), lr=0.3)
    s.apply("data", {"name": "circle", "n": 40, "batch": 1000})        # one batch: the whole training set
    train = s.lab.samples(s.net, True)
    out = s.net.outputs[0].name
    ps = s.net.parameters()
    before = [p.value for p in ps]

    def mean_error():
        return sum(0.5 * (s.net.forward(x)[out].value - t[out]) ** 2 for x, t in train) / len(train)
    h, grads = 1e-6, []
    for p in ps:                        # central differences of the mean error over the batch
        v = p.value
        p.value = v + h
        up = mean_error()
        p.value = v - h
        down = mean_error()
        p.value = v
        grads.append((up - down) / (2 * h))
    s.apply("play", {"epochs": 1, "picture": False, "fast": fast})
    assert params(s) == pytest.approx([b - 0.3 * g for b, g in zip(before, grads)], abs=1e-8)


def test_data_sets_noise_and_split_and_bad_values_change_nothing():
    s = mlp_session()
    v = s.apply("data", {"name": "xor", "noise": "0.3", "ratio": 0.5, "n": 100})
    lab = v["lab"]
    assert lab["name"] == "xor" and lab["noise"] == 0.3 and lab["train_size"] == 50 == lab["test_size"]
    assert set(lab["choices"]) == {"moons", "circle", "spiral", "xor"}
    # two inputs standardised to mean 0
    assert abs(sum(p[0] for p in lab["points"]) / 100) < 1e-3
    before = json.dumps(s.apply("state", {})["lab"])
    for body, words in (({"name": "mnist"}, "moons, circle, spiral, xor"), ({"noise": "lots"}, "not a number"),
                        ({"noise": 3}, "from 0 to 1"), ({"ratio": 1}, "0.1 to 0.9"), ({"n": 5}, "20 to"),
                        ({"batch": 0}, "batch size")):
        with pytest.raises(PlayError, match=words):
            s.apply("data", body)
        assert json.dumps(s.apply("state", {})["lab"]) == before
    with pytest.raises(PlayError, match="epochs"):
        s.apply("play", {"epochs": 0})


def test_picking_data_for_a_network_that_does_not_fit_builds_one_that_does():
    key, net, x, t, lr = build_for_steps("worked-example")        # 2 inputs, 2 outputs
    s = Session(Start(net, x, t, lr=lr))
    assert s.apply("state", {})["lab"] is None
    with pytest.raises(PlayError, match="pick a data set"):
        s.apply("play", {"epochs": 1})
    v = s.apply("data", {"name": "spiral"})
    assert [len(layer) for layer in v["layers"]] == [2, 2, 1]
    assert "x1, x2" in v["note"] and v["lab"]["fits"] and v["lab"]["surface"]["grid"] ** 2 == \
        len(v["lab"]["surface"]["values"])
    # the sample shown (and stepped through) is the first training point
    assert [i["value"] for i in v["inputs"]] == [repr(s.lab.samples(s.net, True)[0][0][k]) for k in ("x1", "x2")]


def test_a_csv_of_a_circle_plays_a_circle():
    with redirect_stdout(io.StringIO()):
        s = Session(play_start("circle.csv", "label"))
    v = s.apply("state", {})
    assert v["lab"]["name"] == "csv" and v["lab"]["choices"][0] == "csv"
    v = s.apply("play", {"epochs": 150, "picture": False})
    S = v["lab"]["surface"]
    g, vals = S["grid"], S["values"]
    centre = vals[(g // 2) * g + g // 2]
    corners = [vals[0], vals[g - 1], vals[-g], vals[-1]]
    assert centre > 0.9 and max(corners) < 0.2          # inside the disc, outside in every corner: no band


def test_activation_per_layer():
    s = mlp_session()
    v = s.apply("layer-activation", {"layer": 2, "activation": "relu"})
    assert v["layer_activations"] == [None, "tanh", "relu", "sigmoid"]
    for body, words in (({"layer": 0, "activation": "relu"}, "layer: from 1"),
                        ({"layer": 1, "activation": "softplus"}, "choose one of")):
        with pytest.raises(PlayError, match=words):
            s.apply("layer-activation", body)


def positions(svg):
    """Each neuron's circle centre and each weight box's corners in the SVG."""
    out = {}
    for m in re.finditer(r'<g id="(neuron-[^"]+|synapse-[^"]+?)" class="node">.*?(cx="[^"]+" cy="[^"]+"|points="[^"]+")',
                         svg, re.S):
        out[m.group(1)] = m.group(2)
    return out


def test_the_picture_keeps_its_layout_through_backward_a_step_and_training():
    s = mlp_session((2, 3, 1))
    first = positions(s.apply("state", {})["svg"])
    assert len(first) == 6 + 9
    for action, body in (("backward", {}), ("step", {}), ("play", {"epochs": 20}), ("backward", {"show": False})):
        assert positions(s.apply(action, body)["svg"]) == first, action


def test_every_error_says_what_it_is_over():
    key, net, x, t, lr = build_for_steps("worked-example")
    data = [(x, t), ({"i1": 0.1, "i2": 0.2}, t)]
    s = Session(Start(net, x, t, lr=lr, data=data))
    assert "summed over the 2 samples" in s.apply("train", {"epochs": 3})["note"]
    s = Session(Start(net, x, t, lr=lr))
    assert "of the one sample" in s.apply("train", {"epochs": 3})["note"]


def test_the_server_plays_and_picks_data():
    with redirect_stdout(io.StringIO()):
        server = PlaygroundServer(play_start("moons"))
    try:
        status, v, _ = post(server, "data", name="circle", noise=0.1)
        assert status == 200 and v["lab"]["name"] == "circle"
        status, v, _ = post(server, "play", epochs=3, picture=False)
        assert status == 200 and v["lab"]["epoch"] == 3 and v["svg"] is None
        status, v, _ = post(server, "play", epochs="x")
        assert status == 400 and "epochs" in v["error"]
    finally:
        server.stop()


# -- in a real browser ------------------------------------------------------------------------

@pytest.fixture
def moons():
    """The brief's network: 2-8-8-1 on 200 moons points (the step player for it builds in a few seconds)."""
    net = tg.MLP([2, 8, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    server = PlaygroundServer(Start(net, lr=0.5, dataset="moons", title="moons 2-8-8-1"))
    try:
        yield server
    finally:
        server.stop()


def epoch(b):
    return b.js("window.tgLab ? window.tgLab.epoch : -1")


@browser_test
def test_play_trains_continuously_and_pause_stops_it(browser, moons):
    browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768, deviceScaleFactor=1, mobile=False)
    goto(browser, moons.url)
    n = browser.js("window.tgUpdates")
    browser.js("document.getElementById('play').click()")
    browser.wait_for(f"window.tgUpdates >= {n + 4}")
    assert browser.js("window.tgPlaying") and epoch(browser) >= 10
    assert browser.js("document.getElementById('train-error').textContent") not in ("", "–")
    browser.js("document.getElementById('play').click()")
    browser.wait_for("!window.tgPlaying")
    time.sleep(0.5)
    stopped = epoch(browser)
    time.sleep(0.5)
    assert epoch(browser) == stopped
    # paused, the picture is the engine's: every synapse is in it, and the step player opens on the sample
    assert browser.js("[...document.querySelectorAll('#picture [id^=synapse-]')].filter("
                      "(g) => !/-(tail|head)$/.test(g.id)).length") == 2 * 8 + 8 * 8 + 8
    # the network, the decision surface and both error curves fit 1366x768 without scrolling
    assert browser.js("document.documentElement.scrollHeight <= 768 && document.documentElement.scrollWidth <= 1366")
    for box in ("picture-box", "surface", "curves"):
        assert browser.js(f"document.getElementById('{box}').getBoundingClientRect().bottom <= 768"), box
    browser.js("document.getElementById('walk').click()")
    browser.wait_for("document.querySelector('#steps-box iframe').contentDocument && "
                      "document.querySelector('#steps-box iframe').contentDocument.title.includes('step by step')", timeout=60)


@browser_test
def test_a_click_lands_where_aimed_after_backward(browser):
    key, net, x, t, lr = build_for_steps("worked-example")
    server = play(net, x, t, lr=lr, open_browser=False)
    try:
        browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768, deviceScaleFactor=1, mobile=False)
        goto(browser, server.url)
        box = "JSON.stringify((({x, y, width, height}) => [x, y, width, height])(" \
              "document.getElementById('synapse-h1-o1').getBoundingClientRect()))"
        before = json.loads(browser.js(box))
        n = browser.js("window.tgUpdates")
        browser.js("document.getElementById('backward').click()")
        browser.wait_for(f"window.tgUpdates > {n} && document.getElementById('picture').textContent.includes('∂E/∂w')")
        after = json.loads(browser.js(box))
        assert after == pytest.approx(before, abs=0.5)
        # a click at the centre of where the weight was selects that weight
        cx, cy = before[0] + before[2] / 2, before[1] + before[3] / 2
        for kind in ("mousePressed", "mouseReleased"):
            browser.call("Input.dispatchMouseEvent", type=kind, x=cx, y=cy, button="left", clickCount=1)
        browser.wait_for("!!document.getElementById('edit-weight')")
        assert "h1 → o1" in browser.js("document.getElementById('editor').textContent")
        # zoomed in, the zoom stays through a redraw, and a click still lands on its target
        vb = "document.querySelector('#picture svg').getAttribute('viewBox')"
        whole = browser.js(vb)
        browser.js("document.getElementById('zoom-in').click()")
        zoomed = browser.js(vb)
        assert zoomed != whole
        n = browser.js("window.tgUpdates")
        browser.js("document.getElementById('step').click()")
        browser.wait_for(f"window.tgUpdates > {n}")
        assert browser.js(vb) == zoomed
        r = json.loads(browser.js(box.replace("synapse-h1-o1", "neuron-h2")))
        for kind in ("mousePressed", "mouseReleased"):
            browser.call("Input.dispatchMouseEvent", type=kind, x=r[0] + r[2] / 2, y=r[1] + r[3] / 2,
                         button="left", clickCount=1)
        browser.wait_for("document.getElementById('editor').textContent.includes('h2 (hidden)')")
    finally:
        server.stop()


def test_play_with_a_data_set_names_one_and_needs_a_network_for_the_plane():
    server = play(tg.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid"), dataset="xor",
                  open_browser=False)
    try:
        status, v, _ = post(server, "state")
        assert status == 200 and v["lab"]["name"] == "xor"
    finally:
        server.stop()
    with pytest.raises(PlayError, match="choose one of moons, circle, spiral, xor"):
        play(tg.MLP([2, 4, 1]), dataset="mnist", open_browser=False)
    with pytest.raises(PlayError, match="2 inputs and 1 output"):
        play(tg.MLP([3, 4, 1]), dataset="moons", open_browser=False)


def test_a_point_of_the_plane_becomes_the_sample_shown():
    s = mlp_session()
    v = s.apply("state", {})
    k = next(i for i, p in enumerate(v["lab"]["points"]) if not p[3])          # a test point
    x, y = s.lab.points[k]
    v = s.apply("sample", {"x": x + 1e-3, "y": y - 1e-3})
    assert v["lab"]["chosen"] == k and "test" in v["note"]
    assert [float(i["value"]) for i in v["inputs"]] == [x, y]
    assert float(v["outputs"][0]["target"]) == s.lab.labels[k]
    with pytest.raises(PlayError, match="not a number"):
        s.apply("sample", {"x": "left", "y": 0})
