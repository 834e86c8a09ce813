"""Shared test settings: hypothesis profiles ("ci", the default, and "dev" for a deeper search),
the `engine` fixture that runs a test once per Graphviz engine, and the step pages' helpers
(`steps_json`, `script_tag_network`).

Pick a profile with HYPOTHESIS_PROFILE=dev python -m pytest tests.
"""

import json
import os
import re
import shutil

import pytest
from hypothesis import HealthCheck, settings

import tinygraph as tg
from tinygraph.stepping.narrative import network_steps
from tinygraph.draw.render import ENV_VAR, find_engine

settings.register_profile("ci", deadline=None, max_examples=100, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["dot", "graphviz-pure"])
def engine(request, monkeypatch, tmp_path):
    """Each engine, found the way a user's machine would find it (dot hidden from PATH for pure)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    if request.param == "dot":
        if shutil.which("dot") is None:
            pytest.skip("system Graphviz `dot` is not installed (apt-get install graphviz)")
    else:
        empty = tmp_path / "empty-bin"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
    assert find_engine().kind == request.param
    return request.param


SCRIPT_NAME = "<script>alert(1)</script>"      # a neuron's name that a careless page would run


@pytest.fixture
def steps_json():
    """steps_json(page): the step data a step-player page carries in its JSON script block."""
    def extract(page: str):
        m = re.search(r'<script type="application/json" id="steps">(.*?)</script>', page, re.S)
        return json.loads(m.group(1))
    return extract


@pytest.fixture
def script_tag_network():
    """script_tag_network(net_name, out="o"): a 1-1-1 network whose hidden neuron is named
    SCRIPT_NAME, as (net, that neuron, network_steps on one sample)."""
    def make(net_name: str, out: str = "o"):
        net = tg.Network(net_name)
        x = net.input("x")
        h = net.neuron(SCRIPT_NAME, bias=0.2)
        o = net.neuron(out, bias=0.1)
        net.connect(x, h, weight=0.5)
        net.connect(h, o, weight=-0.4)
        return net, h, network_steps(net, {"x": 1.0}, {out: 0.3})
    return make


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (see tests/chromium.py); alert() is recorded in
    window.__alerts instead of shown, so a test can see that a page ran no script it should not."""
    from chromium import Browser
    b = Browser()
    try:
        b.call("Page.enable")
        b.call("Runtime.enable")
        b.call("Page.addScriptToEvaluateOnNewDocument",
               source="window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };")
        yield b
    finally:
        b.close()
