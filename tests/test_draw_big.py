"""Big layers in draw_network (tinygraph/draw/big.py): strips, weight matrices, pixel pictures.

A column of more than BIG_LAYER neurons is a strip of small boxes (one node per
neuron, id neuron-NAME), the synapses into or out of it a matrix node whose
cells carry the ids synapse-SRC-DST; small networks are drawn as before.
"""

import random
import re

import pytest

import tinygraph as tg
from tinygraph.draw.big import BIG_LAYER, CELL_MARK, heat, pixel_grid, plain_cell_ids
from tinygraph.draw.dot import neuron_id, synapse_id
from tinygraph.draw.render import find_engine

from chromium import browser_test
from helpers import NAMES, SVG, groups, nasty_net, shown_as, texts


def layered(inputs, hidden, outputs, seed=0, name="big"):
    """A fully connected inputs-hidden-outputs network (sigmoid), forward and backward run once."""
    rng = random.Random(seed)
    net = tg.Network(name)
    xs = [net.input(n) for n in inputs]
    hs = [net.neuron(f"h{i + 1}", activation="sigmoid", bias=rng.uniform(-1, 1)) for i in range(hidden)]
    os_ = [net.neuron(n, activation="sigmoid", bias=0.1) for n in outputs]
    for a, layer in ((xs, hs), (hs, os_)):
        for s in a:
            for t in layer:
                net.connect(s, t, weight=rng.gauss(0, 0.7))
    out = net.forward({n: rng.uniform(-2, 2) for n in inputs})
    E = tg.squared_error(out, {n: 1.0 for n in outputs})
    E.backward()
    return net


def breast_cancer_like():
    return layered([f"measure_{i}" for i in range(30)], 8, ["diagnosis"])


def digits_like():
    return layered([f"pixel_{r}_{c}" for r in range(8) for c in range(8)], 16, [f"digit_{k}" for k in range(10)])


def cell_ids(attrs):
    """The ids of the cells in a node's HTML label."""
    return re.findall(rf'ID="{CELL_MARK}([^"]+)"', str(attrs.get("label", "")))


def engines():
    """Both Graphviz engines where present: the system dot and graphviz-pure."""
    out = []
    for name in ("dot", "graphviz-pure"):
        try:
            find_engine(name)
            out.append(name)
        except Exception:
            how = "apt-get install graphviz" if name == "dot" else "pip install graphviz-pure"
            out.append(pytest.param(name, marks=pytest.mark.skip(reason=f"{name} is not installed ({how})")))
    return out


# -- structure -----------------------------------------------------------------------------

def test_small_network_has_no_strip_and_no_matrix():
    from tinygraph.demos import step_networks
    net, x, t = step_networks()["worked-example"]()
    net.forward(x)
    g = tg.draw_network(net, deltas=True).graph
    assert all(a.get("shape", "circle") == "circle" for k, a in g.nodes.items() if k.startswith("n"))
    assert not any(str(a.get("id", "")).startswith("weights-") for a in g.nodes.values())
    assert CELL_MARK not in g.source()


def test_thirty_inputs_are_a_strip_and_their_weights_a_matrix():
    net = breast_cancer_like()
    g = tg.draw_network(net, deltas=True, grads=True).graph
    by_id = {a.get("id"): a for a in g.nodes.values()}
    for i in range(30):
        box = by_id[neuron_id(f"measure_{i}")]
        assert box["shape"] == "box" and box["height"] < 0.2          # a strip's box, not a circle
    matrix = by_id["weights-0-1"]
    assert sorted(cell_ids(matrix)) == sorted(synapse_id(s.src.name, s.dst.name) for s in net.synapses
                                              if s.src.is_input)
    for i in range(8):                                                # the small layers keep their neurons
        assert neuron_id(f"h{i + 1}") in by_id
    # the 8 synapses into the output are edges with their weights written in boxes
    assert all(synapse_id(f"h{i + 1}", "diagnosis") in by_id for i in range(8))
    assert g.find(synapse_id("measure_0", "h1")) is None              # not an edge: a cell


def test_pixel_inputs_are_a_picture_and_each_hidden_neuron_a_picture_of_its_weights():
    net = digits_like()
    g = tg.draw_network(net).graph
    by_id = {a.get("id"): a for a in g.nodes.values()}
    assert sorted(cell_ids(by_id["pixels"])) == sorted(neuron_id(f"pixel_{r}_{c}") for r in range(8) for c in range(8))
    assert len(cell_ids(by_id["weights-0-1"])) == 64 * 16
    assert len(cell_ids(by_id["weights-1-2"])) == 16 * 10           # 16 hidden: a strip, into a matrix
    assert by_id[neuron_id("h3")]["shape"] == "box"
    assert not any(neuron_id(f"pixel_{r}_{c}") in by_id for r in range(8) for c in range(8))


def test_sixty_four_inputs_not_named_as_pixels_are_a_strip():
    net = layered([f"x{i}" for i in range(64)], 3, ["o"])
    by_id = {a.get("id"): a for a in tg.draw_network(net).graph.nodes.values()}
    assert "pixels" not in by_id and by_id[neuron_id("x63")]["shape"] == "box"


def test_pixel_grid_needs_every_pixel_of_a_grid():
    full = [f"pixel_{r}_{c}" for r in range(4) for c in range(5)]
    assert pixel_grid(full)[:2] == (4, 5)
    assert pixel_grid(full[:-1]) is None
    assert pixel_grid(full[:-1] + ["x"]) is None
    assert pixel_grid(["pixel_0_0", "pixel_0_1"]) is None


def test_a_layer_of_the_limit_stays_circles():
    net = layered([f"x{i}" for i in range(BIG_LAYER)], 2, ["o"])
    g = tg.draw_network(net).graph
    assert not any(str(a.get("id", "")).startswith("weights-") for a in g.nodes.values())
    net = layered([f"x{i}" for i in range(BIG_LAYER + 1)], 2, ["o"])
    assert any(str(a.get("id", "")).startswith("weights-") for a in tg.draw_network(net).graph.nodes.values())


def test_highlighted_matrix_synapse_and_strip_neuron():
    net = breast_cancer_like()
    s = net.synapses[3]
    g = tg.draw_network(net, highlight=[s, net["measure_7"]]).graph
    by_id = {a.get("id"): a for a in g.nodes.values()}
    assert by_id["weights-0-1"].get("class") == "highlight"
    assert by_id[neuron_id("measure_7")].get("class") == "highlight"
    sid = synapse_id(s.src.name, s.dst.name)
    lit = re.search(rf'<TD[^>]*ID="{CELL_MARK}{sid}"[^>]*>', str(by_id["weights-0-1"]["label"])).group(0)
    assert "#F0E442" in lit                                           # drawn yellow, as every highlight
    assert by_id[neuron_id("measure_8")].get("class") is None


def test_heat_colours_sign_and_size():
    assert heat(0.0, 1.0) == "#FFFFFF" and heat(1.0, 1.0) == "#0072B2" and heat(-1.0, 1.0) == "#D55E00"
    assert heat(0.1, 1.0) not in ("#FFFFFF", "#0072B2") and heat(5.0, 1.0) == "#0072B2"


def test_plain_cell_ids_undoes_graphviz_prefix_only_for_marked_cells():
    svg = (b'<g id="a_tgcell_synapse&#45;x&#45;h"><a xlink:href="#synapse-x-h">'
           b'<g id="a_synapse&#45;h&#45;o"><a xlink:title="w">')
    out = plain_cell_ids(svg)
    assert b'<g id="synapse&#45;x&#45;h">' in out and b'<g id="a_synapse&#45;h&#45;o">' in out


# -- rendered: ids, in both engines ------------------------------------------------------------

@pytest.mark.parametrize("engine", engines())
def test_every_neuron_and_synapse_has_its_id_in_the_svg(engine):
    for net in (breast_cancer_like(), digits_like()):
        s = net.synapses[0]
        svg = tg.draw_network(net, deltas=True, grads=True, highlight=[s]).svg(engine=engine)
        ids = re.findall(r'<g id="([^"]+)"', svg.replace("&#45;", "-"))
        for n in net:
            assert ids.count(neuron_id(n.name)) == 1, n.name
        for s2 in net.synapses:
            sid = synapse_id(s2.src.name, s2.dst.name)
            assert ids.count(sid) == 1 or (ids.count(f"{sid}-tail") == 1 and ids.count(sid) == 1), sid
        assert re.search(r'<g id="weights&#45;0&#45;1" class="node highlight"', svg)
        assert not re.search(r'id="a_tgcell_', svg)


@pytest.mark.parametrize("engine", engines())
def test_breast_cancer_like_picture_fits_a_screen(engine):
    """Drawn as the training page draws it: the picture is at most about a screen tall (the strip of
    30 names, not 30 circles), so the page scales it by no more than it can read."""
    d = tg.draw_network(breast_cancer_like(), values=False, title="epoch 0")
    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', d.svg(engine=engine))
    w, h = float(m.group(1)), float(m.group(2))
    assert h < 600 and w < 800, (w, h)


@pytest.mark.parametrize("engine", engines())
def test_awkward_names_in_a_strip_and_a_matrix_are_drawn_exactly(engine):
    """Names with backslashes, markup, quotes, newlines and other scripts: a strip's box writes each
    exactly, a matrix's cells keep their ids and their tooltips name both ends."""
    import xml.etree.ElementTree as ET
    net = nasty_net("names")
    assert len(NAMES) > BIG_LAYER
    svg = tg.draw_network(net, deltas=True, grads=True, highlight=[net.synapses[6]]).svg(engine=engine)
    g = groups(svg)
    for name, text in NAMES:
        box = [t.replace("\xa0", " ") for t in texts(g[neuron_id(name)])]
        assert shown_as(box, text), (name, box)
        assert synapse_id("x", name) in g and synapse_id(name, "out") in g
    tips = [a.get("{http://www.w3.org/1999/xlink}title").replace("\xa0", " ")
            for a in ET.fromstring(svg).iter(SVG + "a") if a.get("{http://www.w3.org/1999/xlink}title")]
    for name, _ in NAMES:
        if not any(c in name for c in "\n\t\r\x07"):
            assert any(t.startswith(f"x → {name}: w = 0.5") for t in tips), name


# -- in the pages ---------------------------------------------------------------------------

def test_step_player_of_a_big_network_highlights_a_matrix_cell(tmp_path):
    from tinygraph.stepping.page import html_page
    net = layered([f"m{i}" for i in range(14)], 2, ["o"], seed=3)
    steps = list(tg.network_steps(net, {f"m{i}": 0.1 * i for i in range(14)}, {"o": 1.0}))
    first = [s for s in steps if any(p is net.synapses[0] for p in s.group or ())][:1]   # its matrix at once
    assert first and first[0].kind == "weight gradients"
    page = html_page(steps[:3] + first)
    assert 'data-id="weights-0-1"' in page and 'id="tgp' in page
    assert re.search(r'<use data-s="\d+" href="#tgp\d+" class="highlight"/>', page)


SMALLEST_TEXT = """(() => {
  const frame = [...document.querySelectorAll('.frame')].find(d => !d.hidden);
  const svg = frame.querySelector('svg'), box = svg.getBoundingClientRect(), sizes = [];
  for (const u of svg.querySelectorAll('use')) {
    const part = document.querySelector(u.getAttribute('href')), m = u.getScreenCTM();
    for (const t of part.querySelectorAll('text')) {
      if (/^[hx]\\d+$/.test(t.textContent)) {
        sizes.push(parseFloat(t.getAttribute('font-size')) * Math.hypot(m.a, m.b));
      }
    }
  }
  return {right: box.right, bottom: box.bottom, smallest: Math.min(...sizes), n: sizes.length};
})()"""


@browser_test
def test_training_page_of_thirty_inputs_fits_and_reads_in_chromium(browser, tmp_path):
    from tinygraph.draw.training_page import training_page
    rng = random.Random(0)
    rows = [[rng.gauss(0, 1) for _ in range(30)] for _ in range(40)]
    data = [(r, [1.0 if sum(r[:5]) > 0 else 0.0]) for r in rows]
    net = tg.MLP([30, 8, 1], activation="tanh", output_activation="sigmoid", seed=1)
    h = tg.train(net, data, loss="bce", lr=0.3, max_epochs=6, record=3, verbose=False)
    path = tmp_path / "bc.html"
    training_page(h).save(path)
    browser.call("Emulation.setDeviceMetricsOverride", width=1366, height=768, deviceScaleFactor=1, mobile=False)
    try:
        browser.open(path)
        got = browser.js(SMALLEST_TEXT)
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert got["n"] >= 30 + 8                                          # the 30 names and the hidden neurons
    assert got["right"] <= 1366 and got["bottom"] <= 768                # fits, no scrolling
    assert got["smallest"] >= 9.0, got                                  # about a 10 px name, not the 5 px of before


@browser_test
def test_playground_cell_and_box_of_a_big_network_select_their_synapse_and_neuron(browser):
    """The playground finds what was clicked by its id: a matrix cell is its synapse, a strip's box
    its neuron; editing the cell's weight changes that synapse in the engine."""
    import time
    from tinygraph.playground import play
    net = breast_cancer_like()
    server = play(net, {f"measure_{i}": 0.1 * i for i in range(30)}, {"diagnosis": 1.0}, open_browser=False)
    try:
        browser.events.clear()
        browser.call("Page.navigate", url=server.url)
        browser.wait_event("Page.loadEventFired")
        deadline = time.monotonic() + 20
        while not browser.js("!!window.tgUpdates") and time.monotonic() < deadline:
            time.sleep(0.05)
        sid = synapse_id("measure_4", "h3")
        clicked = browser.js(f"""(() => {{
          const g = document.getElementById({sid!r});
          g.querySelector('path,polygon').dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
          return [!!document.getElementById('edit-weight'), document.getElementById('editor').textContent];
        }})()""")
        assert clicked[0] and "measure_4" in clicked[1] and "h3" in clicked[1], clicked
        box = browser.js(f"""(() => {{
          const g = document.getElementById({neuron_id('measure_9')!r});
          g.querySelector('path,polygon,text').dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
          return document.getElementById('editor').textContent;
        }})()""")
        assert "measure_9" in box, box
    finally:
        server.stop()


# -- a big network stepped a layer at a time (network_steps groups what is drawn as one) ---------

def test_a_grouped_gradient_step_shows_its_matrix_as_gradients_on_a_yellow_ground():
    from helpers import pixel_net
    from tinygraph.draw.colours import HIGHLIGHT_FILL
    net, x, t = pixel_net()                                   # pixels -> h1..h13 (a strip) -> a, b, c
    steps = tg.network_steps(net, x, t)
    step = next(s for s in steps if s.kind == "weight gradients" and s.group[0].dst.name == "a")
    node = step.diagram().graph.find("weights-1-2")
    label = str(node["label"])
    top = max(abs(p.grad) for p in net.synapses)             # every matrix's gradients are known by now
    for p in step.group:
        cid = synapse_id(p.src.name, p.dst.name)
        assert re.search(rf'ID="{CELL_MARK}{re.escape(cid)}"[^>]*BGCOLOR="{heat(p.grad, top)}"', label), cid
    assert node["class"] == "highlight" and f'BGCOLOR="{HIGHLIGHT_FILL}"' in label.split("<TR>")[0]
    assert f'BGCOLOR="{HIGHLIGHT_FILL}" BORDER=' not in label          # no cell yellow: the heat map reads
    first = str(steps[0].diagram().graph.find("weights-1-2")["label"])   # before: the weights
    w = step.group[0]
    cid = synapse_id(w.src.name, w.dst.name)
    top_w = max(abs(p.value) for p in net.synapses)
    assert re.search(rf'ID="{CELL_MARK}{re.escape(cid)}"[^>]*BGCOLOR="{heat(w.value, top_w)}"', first)
    # one neuron's step (the forward pass of a) lights its column's cells, as before
    one = next(s for s in steps if s.kind == "forward" and s.subject is net["a"]).diagram().graph.find("weights-1-2")
    lit_cells = re.findall(rf'ID="{CELL_MARK}(synapse-[^"]+)"[^>]*BGCOLOR="{HIGHLIGHT_FILL}"', str(one["label"]))
    assert sorted(lit_cells) == sorted(synapse_id(f"h{j}", "a") for j in range(1, 14))


def test_a_grouped_delta_step_writes_the_strip_as_deltas_and_the_picture_keeps_its_pixels():
    from helpers import pixel_net
    from tinygraph.draw.colours import HIGHLIGHT, HIGHLIGHT_FILL
    from tinygraph.draw.labels import number
    net, x, t = pixel_net()
    steps = tg.network_steps(net, x, t)
    deltas = next(s for s in steps if s.kind == "hidden deltas")
    g = deltas.diagram().graph
    for h in deltas.group:
        label = str(g.find(neuron_id(h.name))["label"])
        assert f"δ {number(h.delta)}" in label and g.find(neuron_id(h.name))["class"] == "highlight"
        assert f"δ {number(h.delta)}" not in str(steps[1].diagram().graph.find(neuron_id(h.name))["label"])
    assert "δ " in str(g.find(neuron_id("a"))["label"])         # a small column's box writes its δ too
    forward = steps[1].diagram().graph.find("pixels")             # the layer's forward pass reads every pixel
    label = str(forward["label"])
    assert forward["class"] == "highlight" and f'COLOR="{HIGHLIGHT}" BGCOLOR="{HIGHLIGHT_FILL}"' in label
    assert f'BGCOLOR="{HIGHLIGHT_FILL}" BORDER=' not in label      # the digit still shows, in its colours


def test_the_step_page_of_a_big_network_is_one_layout_of_shared_parts():
    """Every frame is drawn in one layout (a rounded box whose bias alone is lit, or a matrix on a
    yellow ground, keeps its outline), and a matrix is stored once per look, not once per frame."""
    from helpers import pixel_net
    from tinygraph.stepping.page import html_page
    net, x, t = pixel_net()
    steps = tg.network_steps(net, x, t)
    page = html_page(steps)
    assert page.count('<div class="frame"') == 1
    assert page.count('data-id="weights-0-1"') <= 12 and page.count('data-id="pixels"') == 2
