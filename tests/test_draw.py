"""draw_network and draw_graph: what a reader sees in the SVG, with both engines, and the DOT text."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

import tinygraph as tg
from tinygraph.draw.dot import HIGHLIGHT_FILL, NEGATIVE, POSITIVE, html, number, quote
from tinygraph.draw.render import ENV_VAR

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NASTY = 'a "q" \\ <b> & c\nθδηλ'


# -- nets the text talks about --------------------------------------------------

def multiplier(lam=0.001):
    """Lin-Tegmark-Rolnick: 2 inputs, 4 sigmoid hidden, 1 linear output (no bias) computing x*y."""
    b = math.log(2 + math.sqrt(3))
    s = 1 / (1 + math.exp(-b))
    mu = 1 / (4 * lam ** 2 * s * (1 - s) * (1 - 2 * s))
    net = tg.Network("multiplier")
    x, y = net.input("x"), net.input("y")
    out_signs = []
    for i, (sx, sy, so) in enumerate([(1, 1, 1), (-1, -1, 1), (1, -1, -1), (-1, 1, -1)], 1):
        h = net.neuron(f"h{i}", activation="sigmoid", bias=b)
        net.connect(x, h, weight=sx * lam)
        net.connect(y, h, weight=sy * lam)
        out_signs.append((h, so))
    out = net.neuron("xy", activation="linear", bias=None)
    for h, so in out_signs:
        net.connect(h, out, weight=so * mu)
    return net


def xor_net():
    net = tg.Network("xor")
    x1, x2 = net.input("x1"), net.input("x2")
    h1, h2 = net.neuron("h1", bias=-10.0), net.neuron("h2", bias=30.0)
    o = net.neuron("o", bias=-30.0)
    for src, dst, w in [(x1, h1, 20), (x2, h1, 20), (x1, h2, -20), (x2, h2, -20), (h1, o, 20), (h2, o, 20)]:
        net.connect(src, dst, weight=w)
    return net


def net_222_after_backward():
    net = tg.MLP([2, 2, 2], seed=1)
    out = net.forward({"x1": 0.05, "x2": 0.10})
    loss = 0.5 * ((out["o1"] - 0.01) ** 2 + (out["o2"] - 0.99) ** 2)
    loss.backward()
    return net, loss


def small_loss():
    a, b, c, f = (tg.Node(v, name=n) for v, n in [(2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")])
    e = a * b
    d = e + c
    L = d * f
    L.name = "L"
    out = (L + 1.0).sigmoid()
    out.name = "loss"
    out.backward()
    return out, dict(a=a, b=b, c=c, f=f, e=e, d=d, L=L)


# -- engines and SVG reading ---------------------------------------------------

# `engine` (each Graphviz engine in turn) is a fixture in conftest.py.


def groups(svg):
    """{id: <g>} for the nodes and edges of a rendered SVG (parsed as XML)."""
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(SVG + "g") if g.get("id")}


def texts(el):
    return [t.text or "" for t in el.iter(SVG + "text")]


def strokes(el, tag):
    return [e.get("stroke", "").lower() for e in el.iter(SVG + tag)]


# -- draw_network ------------------------------------------------------------

def test_multiplier_every_weight_readable(engine):
    net = multiplier()
    net.forward({"x": 1.5, "y": -2.0})
    d = tg.draw_network(net, title="four neurons multiply")
    assert d.png().startswith(PNG_SIGNATURE)
    g = groups(d.svg())
    neurons = [k for k in g if re.fullmatch(r"n\d+", k)]
    assert len(neurons) == 7
    for k in neurons:
        (circle,) = list(g[k].iter(SVG + "ellipse"))
        assert circle.get("rx") == circle.get("ry")            # a circle
    assert len(net.synapses) == 12
    for i, s in enumerate(net.synapses):
        edge = g[f"s{i}"]
        assert number(s.value) in texts(edge)                   # its weight, in its own edge
        colour = POSITIVE if s.value > 0 else NEGATIVE
        assert colour.lower() in strokes(edge, "path")
        assert colour.lower() in [t.get("fill", "").lower() for t in edge.iter(SVG + "text")]
        assert list(edge.iter(SVG + "polyline")), "the label is linked to its edge"
    assert {"0.001", "-0.001", "2.598e+06", "-2.598e+06"} <= {number(s.value) for s in net.synapses}
    # values once known; the linear output really is x*y
    out = net["xy"]
    assert abs(out.value - (-3.0)) < 1e-3
    assert f"= {number(out.value)}" in texts(g["n6"])
    for i, n in enumerate(["x", "y", "h1", "h2", "h3", "h4", "xy"]):
        assert n in texts(g[f"n{i}"])
        if net[n].bias is not None:
            assert f"θ {number(net[n].bias.value)}" in texts(g[f"n{i}"])
    assert "a_legend" in g


def test_edge_width_grows_with_weight(engine):
    net = multiplier()
    g = groups(tg.draw_network(net).svg())
    width = {i: float(next(g[f"s{i}"].iter(SVG + "path")).get("stroke-width", "1")) for i in range(12)}
    small = [width[i] for i, s in enumerate(net.synapses) if abs(s.value) < 1]
    big = [width[i] for i, s in enumerate(net.synapses) if abs(s.value) > 1]
    assert max(small) < min(big)


def test_xor_png_and_svg(engine, tmp_path):
    net = xor_net()
    net.forward([1.0, 0.0])
    d = tg.draw_network(net, title="XOR")
    assert d.save(tmp_path / "xor.png").read_bytes().startswith(PNG_SIGNATURE)
    g = groups(d.save(tmp_path / "xor.svg").read_text(encoding="utf-8"))
    assert sum(1 for k in g if re.fullmatch(r"n\d+", k)) == 5
    assert [number(s.value) for s in net.synapses] == [t for i in range(6) for t in texts(g[f"s{i}"])]


def test_before_forward_no_values():
    net = xor_net()
    src = tg.draw_network(net).source
    assert "= " not in re.sub(r"legend.*", "", src, flags=re.S)
    assert "θ -10" in src


def test_outputs_in_the_last_column():
    net = tg.Network("skip")
    x = net.input("x")
    h = net.neuron("h")
    o1, o2 = net.neuron("o1"), net.neuron("o2")
    net.connect(x, h, weight=1.0)
    net.connect(h, o1, weight=1.0)
    net.connect(x, o2, weight=1.0)                  # an output at depth 1
    src = tg.draw_network(net).source
    ids = {n: f"n{i}" for i, n in enumerate(["x", "h", "o1", "o2"])}
    assert f"{{rank=same; {ids['o1']}; {ids['o2']};}}" in src


def test_deltas_and_grads_after_backward(engine):
    net, loss = net_222_after_backward()
    d = tg.draw_network(net, deltas=True, grads=True)
    g = groups(d.svg())
    order = ["x1", "x2", "h1", "h2", "o1", "o2"]
    for i, name in enumerate(order):
        n = net[name]
        t = texts(g[f"n{i}"])
        if not n.is_input:
            assert n.delta is not None and n.delta != 0
            assert f"δ {number(n.delta)}" in t
            assert f"∂E/∂θ {number(n.bias.grad)}" in t
    for i, s in enumerate(net.synapses):
        t = texts(g[f"s{i}"])
        assert number(s.value) in t and f"∂E/∂w {number(s.grad)}" in t
    # the text's formula: dE/dW_jk = delta_k O_j
    s = net.synapse("h1", "o1")
    assert math.isclose(s.grad, net["o1"].delta * net["h1"].value, rel_tol=1e-12)


def test_highlight_and_known(engine):
    net, _ = net_222_after_backward()
    s_h1o1, s_h2o1 = net.synapse("h1", "o1"), net.synapse("h2", "o1")
    known = [net["o1"], net["o1"].bias, s_h1o1]
    d = tg.draw_network(net, deltas=True, grads=True, highlight=[net["o1"], s_h1o1], known=known)
    g = groups(d.svg())
    ids = {n: f"n{i}" for i, n in enumerate(["x1", "x2", "h1", "h2", "o1", "o2"])}
    o1 = next(g[ids["o1"]].iter(SVG + "ellipse"))
    assert o1.get("fill").lower() == HIGHLIGHT_FILL.lower() and float(o1.get("stroke-width")) >= 3
    o2 = next(g[ids["o2"]].iter(SVG + "ellipse"))
    assert o2.get("fill").lower() != HIGHLIGHT_FILL.lower()
    assert f"δ {number(net['o1'].delta)}" in texts(g[ids["o1"]])
    assert "δ ?" in texts(g[ids["o2"]]) and "δ ?" in texts(g[ids["h1"]])
    i1, i2 = net.synapses.index(s_h1o1), net.synapses.index(s_h2o1)
    hl_edge, plain_edge = g[f"s{i1}"], g[f"s{i2}"]
    assert f"∂E/∂w {number(s_h1o1.grad)}" in texts(hl_edge)
    assert "∂E/∂w ?" in texts(plain_edge)
    colour = POSITIVE if s_h1o1.value > 0 else NEGATIVE
    assert "#000000" in strokes(hl_edge, "path") and colour.lower() in strokes(hl_edge, "path")
    assert HIGHLIGHT_FILL.lower() in [p.get("fill", "").lower() for p in hl_edge.iter(SVG + "polygon")]
    assert "#000000" not in strokes(plain_edge, "path")
    assert "not computed yet" in texts(g["a_legend"])


def test_highlighting_a_bias_marks_its_lines_only(engine):
    net, _ = net_222_after_backward()
    b = net["h1"].bias
    g = groups(tg.draw_network(net, grads=True, highlight=[b]).svg())
    h1 = g["n2"]
    assert next(h1.iter(SVG + "ellipse")).get("fill").lower() != HIGHLIGHT_FILL.lower()
    assert HIGHLIGHT_FILL.lower() in [p.get("fill", "").lower() for p in h1.iter(SVG + "polygon")]
    assert f"θ {number(b.value)}" in texts(h1) and f"∂E/∂θ {number(b.grad)}" in texts(h1)
    assert HIGHLIGHT_FILL.lower() not in [p.get("fill", "").lower() for p in g["n3"].iter(SVG + "polygon")]


def test_huge_network_is_refused_unless_allowed(tmp_path, monkeypatch):
    net = tg.MLP([60, 90, 2], seed=0)          # 5580 synapses
    with pytest.raises(tg.GraphError, match="allow_large=True"):
        tg.draw_network(net)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "no-engine-here"))
    src = tg.draw_network(net, allow_large=True).save(tmp_path / "net.gv").read_text(encoding="utf-8")
    assert len(re.findall(r'-> n\d+ \[id="s\d+"', src)) == 5580


def test_network_options_and_errors():
    net, _ = net_222_after_backward()
    assert "legend" not in tg.draw_network(net, legend=False).source
    assert "rankdir=TB" in tg.draw_network(net, rankdir="TB").source
    assert "= " not in tg.draw_network(net, values=False, legend=False).source
    with pytest.raises(ValueError, match="rankdir"):
        tg.draw_network(net, rankdir="sideways")
    with pytest.raises(TypeError, match="draw_graph"):
        tg.draw_network(tg.Node(1.0))
    with pytest.raises(TypeError, match="highlight"):
        tg.draw_network(net, highlight=["h1"])
    with pytest.raises(TypeError, match="known"):
        tg.draw_network(net, known=[1.0])


def test_network_dot_is_deterministic():
    a, b = multiplier(), multiplier()
    a.forward([1.0, 2.0])
    b.forward([1.0, 2.0])
    assert tg.draw_network(a, deltas=True, grads=True).source == tg.draw_network(b, deltas=True, grads=True).source


# -- draw_graph --------------------------------------------------------------

def test_graph_of_a_small_loss(engine, tmp_path):
    out, n = small_loss()
    d = tg.draw_graph(out, title="a small loss")
    assert d.save(tmp_path / "g.png").read_bytes().startswith(PNG_SIGNATURE)
    g = groups(d.svg())
    records = [k for k in g if re.fullmatch(r"g\d+", k)]
    ops = [k for k in g if re.fullmatch(r"g\d+_op", k)]
    assert len(records) == 9 and len(ops) == 5
    everything = [t for k in records for t in texts(g[k])]
    for node in [out, n["L"], n["d"], n["e"], n["a"], n["b"], n["c"], n["f"]]:
        assert f"value {number(node.value)}" in everything
        assert f"grad {number(node.grad)}" in everything
    for name in ["a", "b", "c", "f", "L", "loss"]:
        assert name in everything
    op_texts = [t for k in ops for t in texts(g[k])]
    assert sorted(op_texts) == sorted(["sigmoid", "+ 1", "*", "+", "*"])
    assert texts(g["g0"]) == ["loss", f"value {number(out.value)}", "grad 1"]   # the root comes first


def test_graph_dot_is_byte_identical_for_the_same_graph():
    out1, _ = small_loss()
    out2, _ = small_loss()                    # same graph, new objects
    s1 = tg.draw_graph(out1).source
    assert s1 == tg.draw_graph(out1).source == tg.draw_graph(out2).source
    net, loss = net_222_after_backward()
    assert tg.draw_graph(loss).source == tg.draw_graph(loss).source
    assert "0x" not in s1                     # no id() leaked into the text


def test_graph_highlight_edges_and_known(engine):
    out, n = small_loss()
    L, d, f = n["L"], n["d"], n["f"]
    dg = tg.draw_graph(out, highlight=[L], highlight_edges=[(L, d), (L, f)], known=[out, L, d, f])
    src = dg.source
    g = groups(dg.svg())
    ids = {}
    for k, el in g.items():
        if re.fullmatch(r"g\d+", k):
            t = texts(el)
            ids[t[0] if not t[0].startswith("value") else t[0] + t[1]] = k
    assert "grad ?" in texts(g[ids["a"]]) and f"grad {number(f.grad)}" in texts(g[ids["f"]])
    assert f"grad {number(L.grad)}" in texts(g[ids["L"]])
    assert HIGHLIGHT_FILL.lower() in [p.get("fill", "").lower() for p in g[ids["L"]].iter(SVG + "polygon")]
    assert HIGHLIGHT_FILL.lower() not in [p.get("fill", "").lower() for p in g[ids["a"]].iter(SVG + "polygon")]
    thick = re.findall(r"(g\d+) -> (g\d+_op) \[color=\"#000000\", penwidth=3.5", src)
    assert sorted(thick) == sorted([(ids["f"], ids["L"] + "_op"), (ids[f"value {number(d.value)}grad {number(d.grad)}"],
                                                                 ids["L"] + "_op")])


def test_graph_marks_operand_order_of_minus_divide_power(engine):
    x, w = tg.Node(2.0, name="x"), tg.Node(3.0, name="w")
    z = (1.0 - x / w) ** w
    g = groups(tg.draw_graph(z).svg())
    ops = {texts(el)[0]: k for k, el in g.items() if k.endswith("_op")}
    assert {"a ** b", "a - b", "a / b"} <= set(ops)
    src = tg.draw_graph(z).source
    # x / w: the edge from x is a, from w is b
    names = {texts(el)[0]: k for k, el in g.items() if re.fullmatch(r"g\d+", k)}
    div = ops["a / b"]
    assert f'{names["x"]} -> {div} [label="a"' in src and f'{names["w"]} -> {div} [label="b"' in src
    assert sum(1 for k, el in g.items() if k.startswith("edge") or el.get("class") == "edge"
               if texts(el) in (["a"], ["b"])) == 6


def test_graph_without_grads_and_neuron_root():
    net, loss = net_222_after_backward()
    assert "grad" not in tg.draw_graph(loss, grads=False).source
    src = tg.draw_graph(net["o1"]).source                      # a Neuron draws its output's graph
    assert "<B>o1</B>" in src and "<B>w_x1_h1</B>" in src and "<B>θ_h1</B>" in src
    assert "sigmoid" in src


def test_graph_too_big_is_refused_with_ways_out(tmp_path, monkeypatch):
    x = tg.Node(1.0, name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0001 + 0.5
    with pytest.raises(tg.GraphError) as e:
        tg.draw_graph(y, max_nodes=1000)
    msg = str(e.value)
    assert "draw_network" in msg and ".gv" in msg and "allow_large=True" in msg
    d = tg.draw_graph(y, allow_large=True)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "no-engine-here"))
    assert d.save(tmp_path / "big.gv").read_text(encoding="utf-8").count("value ") == 6001


def test_graph_with_far_reaching_edges_is_refused():
    # a weight reused along a long chain: few nodes, but every use spans many ranks (slow to lay out)
    ws = [tg.Node(0.5 + i / 100, name=f"w{i}") for i in range(40)]
    acc = ws[0]
    for i in range(1, 200):
        acc = (acc * ws[i % 40]).tanh()
    with pytest.raises(tg.GraphError, match="span many ranks"):
        tg.draw_graph(acc)
    assert tg.draw_graph(acc, allow_large=True).source.startswith("digraph")


def test_graph_errors():
    net = xor_net()
    with pytest.raises(TypeError, match="draw_network"):
        tg.draw_graph(net)
    with pytest.raises(tg.GraphError, match="forward"):
        tg.draw_graph(net["o"])
    out, _ = small_loss()
    with pytest.raises(TypeError, match="pairs"):
        tg.draw_graph(out, highlight_edges=[out])
    with pytest.raises(ValueError, match="max_nodes"):
        tg.draw_graph(out, max_nodes=0)


# -- safety: awkward names -------------------------------------------------------

@pytest.mark.parametrize("which", ["network", "graph"])
def test_awkward_names_come_out_right(engine, which):
    if which == "network":
        net = tg.Network("n")
        x = net.input(NASTY)
        o = net.neuron("o&<>'", activation="linear", bias=None)
        net.connect(x, o, weight=-0.5)
        net.forward([2.0])
        d = tg.draw_network(net, title='T "<&>" \\ η')
    else:
        a = tg.Node(1.0, name=NASTY)
        out = a * 2.0 + 1.0
        out.name = "o&<>'"
        out.backward()
        d = tg.draw_graph(out, title='T "<&>" \\ η')
    all_text = [t for t in ET.fromstring(d.svg()).iter(SVG + "text")]
    words = [t.text for t in all_text]
    assert 'a "q" \\ <b> & c' in words and "θδηλ" in words     # the newline became a line break
    assert "o&<>'" in words and 'T "<&>" \\ η' in words


def test_escaping_helpers():
    assert html('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert html("a\nb") == "a<BR/>b"
    assert html("bell\x07") == "bell\\x07"
    assert quote('say "hi" \\ now\n') == '"say \\"hi\\" \\\\ now\\n"'
    assert number(120000.0) == "1.2e+05" and number(-0.001) == "-0.001" and number(0.0) == "0"
    assert number(None) == "?" and number(2.5981e6) == "2.598e+06" and number(0.78862) == "0.7886"


# -- what a reader sees: sizes, the legend, crowded nets ------------------------------

def neuron_circles(g):
    """{name: (cx, cy, r, [(text, x, y, size), ...])} for the neurons in an SVG's groups."""
    out = {}
    for k, el in g.items():
        if re.fullmatch(r"n\d+", k):
            (c,) = list(el.iter(SVG + "ellipse"))
            ts = [(t.text or "", float(t.get("x")), float(t.get("y")), float(t.get("font-size")))
                  for t in el.iter(SVG + "text")]
            out[ts[0][0]] = (float(c.get("cx")), float(c.get("cy")), float(c.get("rx")), ts)
    return out


def box(el):
    """(xmin, ymin, xmax, ymax) of every polygon point inside ``el``."""
    pts = [tuple(map(float, p.split(","))) for pg in el.iter(SVG + "polygon") for p in pg.get("points").split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("case", ["multiplier", "multiplier after forward", "worked example, backward"])
def test_every_neuron_is_a_circle_big_enough_for_its_text(engine, case):
    from tinygraph.demos import multiplier, worked_example
    from tinygraph.draw.dot import text_width
    if case.startswith("multiplier"):
        net, inputs, _ = multiplier.build()
        if case.endswith("forward"):
            net.forward(inputs)
        d = tg.draw_network(net)
        names = {"x", "y", "h1", "h2", "h3", "h4", "out"}
    else:
        net, inputs, targets = worked_example.build()
        tg.squared_error(net.forward(inputs), targets).backward()
        d = tg.draw_network(net, deltas=True, grads=True)
        names = {"i1", "i2", "h1", "h2", "o1", "o2"}
    circles = neuron_circles(groups(d.svg()))
    assert set(circles) == names
    for name, (cx, cy, r, ts) in circles.items():
        assert r >= 0.9 * 72 / 2 - 0.5                       # at least 0.9 inch across
        for text, x, y, size in ts:
            # the engine's own measure: the text (anchored at its start, centred) lies inside the circle
            half = cx - x
            assert math.hypot(half, y - cy) < r and math.hypot(half, y - size - cy) < r, (name, text)
            # and by a wide font's measure (a PNG renderer may draw DejaVu Sans), with room to spare
            half = text_width(text, size, bold=(text == name)) / 2
            assert r >= half + 4, (name, text)
            assert math.hypot(half, max(abs(y - cy), abs(y - size - cy))) < r - 2, (name, text)
    if "out" in circles:
        assert [t[0] for t in circles["out"][3]][:2] == ["out", "linear"]


def test_thick_edges_get_smaller_arrowheads():
    net = multiplier()
    src = tg.draw_network(net).source
    pairs = [(float(p), float(a)) for p, a in re.findall(r"penwidth=([\d.]+), arrowsize=([\d.]+)", src)]
    assert len(pairs) == 12
    thin = [a for p, a in pairs if p < 1]
    thick = [a for p, a in pairs if p > 3.5]
    assert thin and thick and max(thick) < min(thin)
    assert min(thick) >= 0.45                      # still an arrowhead, not a blob


def legend_texts(d):
    g = groups(d.svg())
    return " ".join(texts(g["a_legend"])) if "a_legend" in g else ""


def test_legend_lists_only_what_is_shown(engine):
    net = xor_net()                                      # weights +20 and -20, biases, no forward yet
    before = legend_texts(tg.draw_network(net))
    assert "positive weight" in before and "negative weight" in before and "bias" in before
    assert "value" not in before and "δ" not in before and "∂E/∂w" not in before and "not computed" not in before
    net.forward([1.0, 0.0])
    assert "the neuron's value" in legend_texts(tg.draw_network(net))
    assert "the neuron's value" not in legend_texts(tg.draw_network(net, values=False))

    pos = tg.Network("pos")                              # positive weights only, no bias
    x = pos.input("x")
    o = pos.neuron("o", activation="linear", bias=None)
    pos.connect(x, o, weight=2.0)
    text = legend_texts(tg.draw_network(pos))
    assert "positive weight" in text
    assert "negative weight" not in text and "bias" not in text and "θ" not in text

    net2, _ = net_222_after_backward()
    full = legend_texts(tg.draw_network(net2, deltas=True, grads=True))
    assert "δ" in full and "∂E/∂w" in full and "∂E/∂θ" in full and "not computed yet" not in full
    assert "not computed yet" in legend_texts(tg.draw_network(net2, deltas=True, known=[]))
    assert "this step" not in full


def test_legend_is_a_caption_under_the_neurons_and_moves_none_of_them(engine):
    net, _ = net_222_after_backward()
    with_legend = groups(tg.draw_network(net, deltas=True, grads=True, title="T").svg())
    without = groups(tg.draw_network(net, deltas=True, grads=True, title="T", legend=False).svg())
    a, b = neuron_circles(with_legend), neuron_circles(without)
    assert set(a) == set(b)
    dx = a["x1"][0] - b["x1"][0]
    dy = a["x1"][1] - b["x1"][1]
    for name in a:                                       # the same layout, at most shifted as a whole
        assert abs(a[name][0] - b[name][0] - dx) < 1 and abs(a[name][1] - b[name][1] - dy) < 1
        assert abs(a[name][2] - b[name][2]) < 0.01
    x0, y0, x1, y1 = box(with_legend["a_legend"])
    lowest = max(cy + r for cx, cy, r, _ in a.values())  # SVG y grows downwards
    leftmost = min(cx - r for cx, cy, r, _ in a.values())
    assert y0 > lowest                                   # under every neuron ...
    assert y0 - lowest < 72                              # ... close by, not floating far away
    assert x0 < leftmost + 36                            # at the left edge, where a caption starts
    # the title heads the caption: under the neurons, over the legend
    (title,) = [t for t in with_legend["graph0"].iter(SVG + "text") if t.text == "T"]
    assert lowest < float(title.get("y")) < y0


@pytest.mark.parametrize("title", [None, "a title"])
def test_columns_keep_build_order_top_to_bottom(engine, title):
    from tinygraph.demos import multiplier as demo
    net, inputs, _ = demo.build()
    net.forward(inputs)
    c = neuron_circles(groups(tg.draw_network(net, title=title).svg()))
    assert c["x"][1] < c["y"][1]                               # SVG y grows downwards
    assert c["h1"][1] < c["h2"][1] < c["h3"][1] < c["h4"][1]
    assert c["x"][0] < c["h1"][0] < c["out"][0]                # inputs left, output right


def test_circles_keep_their_size_while_a_step_through_reveals_numbers():
    net, _ = net_222_after_backward()
    widths = lambda src: re.findall(r'id="(n\d+)".*?(?:width=([\d.]+))?, fillcolor', src)
    full = widths(tg.draw_network(net, deltas=True, grads=True).source)
    none_known = widths(tg.draw_network(net, deltas=True, grads=True, known=[]).source)
    bias_step = widths(tg.draw_network(net, deltas=True, grads=True, highlight=[net["h1"].bias], known=[]).source)
    assert full == none_known == bias_step
    assert len(full) == 6 and all(w for k, w in full[2:])    # the hidden and output circles are sized


def test_known_values_blank_the_values_not_yet_computed(engine):
    net, _ = net_222_after_backward()
    ids = {n: f"n{i}" for i, n in enumerate(["x1", "x2", "h1", "h2", "o1", "o2"])}
    known = [net["x1"], net["x2"], net["h1"]]
    d = tg.draw_network(net, deltas=True, grads=True, known=[], known_values=known)
    g = groups(d.svg())
    for name in ("x1", "x2", "h1"):
        assert f"= {number(net[name].value)}" in texts(g[ids[name]])
    for name in ("h2", "o1", "o2"):
        t = texts(g[ids[name]])
        assert "= ?" in t and f"= {number(net[name].value)}" not in t
    assert "not computed yet" in texts(g["a_legend"])
    # the circles keep the size the real numbers need
    full = neuron_circles(groups(tg.draw_network(net, deltas=True, grads=True, known=[]).svg()))
    part = neuron_circles(g)
    assert {k: v[2] for k, v in full.items()} == {k: v[2] for k, v in part.items()}
    # None shows every value, as before
    assert "= ?" not in tg.draw_network(net, known_values=None).source
    with pytest.raises(TypeError, match="known_values takes Neurons"):
        tg.draw_network(net, known_values=[net.synapse("h1", "o1")])


def test_big_nets_drop_edge_labels_unless_asked(engine):
    from tinygraph.draw.network import EDGE_LABEL_LIMIT
    big = tg.MLP([2, 16, 16, 1], activation="relu", output_activation="linear")
    assert len(big.synapses) == 304 > EDGE_LABEL_LIMIT
    big.forward([0.5, -0.3])
    d = tg.draw_network(big)
    src = d.source
    assert "label=<<TABLE" not in src.split("graph [label=")[0]       # no edge label anywhere
    s0 = big.synapses[0]
    assert f"tooltip=\"{s0.src.name} → {s0.dst.name}: w = {number(s0.value)}\"" in src
    g = groups(d.svg())
    assert sum(1 for k in g if re.fullmatch(r"n\d+", k)) == 35
    assert sum(1 for k in g if re.fullmatch(r"s\d+", k)) == 304
    assert "not written on the 304 edges" in " ".join(texts(g["a_legend"]))
    assert f"<B>{number(s0.value)}</B>" in tg.draw_network(big, edge_labels=True).source
    assert "gradient of the error E" not in tg.draw_network(big, grads=True).source   # no ∂E/∂w drawn
    assert "gradient of the error E" in tg.draw_network(big, grads=True, edge_labels=True).source
    # the limit itself: 40 synapses are labelled, 41 are not
    for extra in (False, True):
        net = tg.Network("fan")
        x = net.input("x")
        o = net.neuron("o")
        for i in range(20):
            h = net.neuron(f"h{i}")
            net.connect(x, h, weight=0.5 + i)
            net.connect(h, o, weight=-0.25 - i)
        if extra:
            net.connect(x, o, weight=1.0)
        assert len(net.synapses) == 40 + extra
        assert ("<B>0.5</B>" in tg.draw_network(net).source) == (not extra)
    with pytest.raises(TypeError, match="edge_labels"):
        tg.draw_network(big, edge_labels="yes")


def test_edge_labels_sit_on_a_background_no_line_crosses(engine):
    net = multiplier()
    g = groups(tg.draw_network(net).svg())
    for i in range(12):
        fills = [p.get("fill", "").lower() for p in g[f"s{i}"].iter(SVG + "polygon")]
        assert "white" in fills or "#ffffff" in fills


def test_a_diagram_hands_its_dot_text_to_the_graphviz_package():
    import graphviz
    d = tg.draw_graph(tg.Node(2.0, name="a") * 3.0)
    src = d.to_graphviz()
    assert isinstance(src, graphviz.Source)
    assert src.source == d.source
