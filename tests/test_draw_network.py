"""Tests for tinygraph/draw/network.py: draw_network as a reader sees the SVG, with both engines: weights on
the edges, values, deltas and gradients, highlights, names drawn exactly, sizes, the legend, crowded nets."""

import math
import xml.etree.ElementTree as ET

import pytest

import tinygraph as tg
from tinygraph.draw.dot import HIGHLIGHT_FILL, NEGATIVE, POSITIVE, neuron_id, number, synapse_id
from tinygraph.draw.render import ENV_VAR

from helpers import (NAMES, nasty_net, PNG_SIGNATURE, SVG, box, classes, drawn_texts, fills, groups, lit, net_222_after_backward,
                     neuron_circles, path_points, shown_as, text_rows, texts, xor_net)


# -- four neurons that multiply (Lin, Tegmark and Rolnick) ------------------------------------

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


def strokes(el, tag):
    return [e.get("stroke", "").lower() for e in el.iter(SVG + tag)]


def neurons_of(g):
    """{neuron name (its first text): <g>} of the neuron groups (ids neuron-...)."""
    return {texts(el)[0]: el for k, el in g.items() if k.startswith("neuron-")}


def near(point, b, slack=4.0):
    x, y = point
    return b[0] - slack <= x <= b[2] + slack and b[1] - slack <= y <= b[3] + slack


def sid(s):
    return synapse_id(s.src.name, s.dst.name)


# -- draw_network ------------------------------------------------------------

def test_multiplier_every_weight_readable(engine):
    net = multiplier()
    net.forward({"x": 1.5, "y": -2.0})
    d = tg.draw_network(net, title="four neurons multiply")
    assert d.png().startswith(PNG_SIGNATURE)
    g = groups(d.svg())
    names = ["x", "y", "h1", "h2", "h3", "h4", "xy"]
    assert sorted(k for k in g if k.startswith("neuron-")) == sorted(neuron_id(n) for n in names)
    for name in names:
        (circle,) = list(g[neuron_id(name)].iter(SVG + "ellipse"))
        assert circle.get("rx") == circle.get("ry")            # a circle
    assert len(net.synapses) == 12
    for s in net.synapses:
        label, tail, head = g[sid(s)], g[sid(s) + "-tail"], g[sid(s) + "-head"]
        assert texts(label) == [number(s.value)]                # its weight, in its own box
        colour = (POSITIVE if s.value > 0 else NEGATIVE).lower()
        assert colour in strokes(tail, "path") and colour in strokes(head, "path")
        assert [t.get("fill", "").lower() for t in label.iter(SVG + "text")] == [colour]
        # the box sits on its edge: the line from the source ends at it, the line to the target starts there
        b = box(label)
        assert near(path_points(tail)[-1], b) and near(path_points(head)[0], b)
        assert not list(tail.iter(SVG + "polygon")) and list(head.iter(SVG + "polygon"))   # one arrowhead
    assert {"0.001", "-0.001", "2.598e+06", "-2.598e+06"} <= {number(s.value) for s in net.synapses}
    # values once known; the linear output really is x*y
    out = net["xy"]
    assert abs(out.value - (-3.0)) < 1e-3
    assert f"= {number(out.value)}" in texts(g[neuron_id("xy")])
    for n in names:
        assert texts(g[neuron_id(n)])[0] == n
        if net[n].bias is not None:
            assert f"θ {number(net[n].bias.value)}" in texts(g[neuron_id(n)])
    assert "a_legend" in g


def test_weight_boxes_never_overlap_one_another_or_a_neuron(engine):
    from tinygraph.demos import multiplier as demo, worked_example
    for make in (demo.build, worked_example.build):
        net, inputs, _ = make()
        net.forward(inputs)
        g = groups(tg.draw_network(net).svg())
        shapes = [box(g[sid(s)]) for s in net.synapses]
        for n in net.neurons.values():
            cx, cy, r = (float(next(g[neuron_id(n.name)].iter(SVG + "ellipse")).get(k)) for k in ("cx", "cy", "rx"))
            shapes.append((cx - r, cy - r, cx + r, cy + r))
        for i, a in enumerate(shapes):
            for b in shapes[:i]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_the_drawing_is_built_as_structure():
    net, _ = net_222_after_backward()
    d = tg.draw_network(net, grads=True)
    graph = d.graph
    ids = {attrs["id"]: key for key, attrs in graph.nodes.items()}
    for n in net.neurons.values():
        assert ids[neuron_id(n.name)]                             # one node per neuron
    for s in net.synapses:
        box = ids[sid(s)]
        edges = [(e.tail, e.head, e.attrs["id"]) for e in graph.edges if e.attrs.get("id", "").startswith(sid(s))]
        assert sorted(edges) == sorted([(ids[neuron_id(s.src.name)], box, sid(s) + "-tail"),
                                        (box, ids[neuron_id(s.dst.name)], sid(s) + "-head")])
        assert graph.find(sid(s))["fontcolor"] == (POSITIVE if s.value > 0 else NEGATIVE)
    # each column on one rank, inputs first
    ranks = [[graph.nodes[k]["id"] for k in r] for r in graph.ranks]
    assert ranks == [[neuron_id(n) for n in col] for col in (["x1", "x2"], ["h1", "h2"], ["o1", "o2"])]
    assert d.source == graph.source()
    assert d.sizes.circles.keys() == net.neurons.keys()


def test_edge_width_grows_with_weight(engine):
    net = multiplier()
    g = groups(tg.draw_network(net).svg())
    width = {s: float(next(g[sid(s) + "-head"].iter(SVG + "path")).get("stroke-width", "1")) for s in net.synapses}
    small = [width[s] for s in net.synapses if abs(s.value) < 1]
    big = [width[s] for s in net.synapses if abs(s.value) > 1]
    assert max(small) < min(big)


def test_xor_png_and_svg(engine, tmp_path):
    net = xor_net()
    net.forward([1.0, 0.0])
    d = tg.draw_network(net, title="XOR")
    assert d.save(tmp_path / "xor.png").read_bytes().startswith(PNG_SIGNATURE)
    g = groups(d.save(tmp_path / "xor.svg").read_text(encoding="utf-8"))
    assert set(neurons_of(g)) == {"x1", "x2", "h1", "h2", "o"}
    assert [number(s.value) for s in net.synapses] == [t for s in net.synapses for t in texts(g[sid(s)])]


def test_before_forward_no_values():
    net = xor_net()
    g = groups(tg.draw_network(net).svg())
    shown = [t for el in neurons_of(g).values() for t in texts(el)]
    assert not [t for t in shown if t.startswith("=")]
    assert "θ -10" in shown


def test_outputs_in_the_last_column():
    net = tg.Network("skip")
    x = net.input("x")
    h = net.neuron("h")
    o1, o2 = net.neuron("o1"), net.neuron("o2")
    net.connect(x, h, weight=1.0)
    net.connect(h, o1, weight=1.0)
    net.connect(x, o2, weight=1.0)                  # an output at depth 1
    graph = tg.draw_network(net).graph
    ranks = [[graph.nodes[k]["id"] for k in r] for r in graph.ranks]
    assert ranks[-1] == [neuron_id("o1"), neuron_id("o2")]


def test_deltas_and_grads_after_backward(engine):
    net, loss = net_222_after_backward()
    d = tg.draw_network(net, deltas=True, grads=True)
    g = groups(d.svg())
    for name, n in net.neurons.items():
        t = texts(g[neuron_id(name)])
        if not n.is_input:
            assert n.delta is not None and n.delta != 0
            assert f"δ {number(n.delta)}" in t
            assert f"∂E/∂θ {number(n.bias.grad)}" in t
    for s in net.synapses:
        assert texts(g[sid(s)]) == [number(s.value), f"∂E/∂w {number(s.grad)}"]
    # the text's formula: dE/dW_jk = delta_k O_j
    s = net.synapse("h1", "o1")
    assert math.isclose(s.grad, net["o1"].delta * net["h1"].value, rel_tol=1e-12)


def test_highlight_and_known(engine):
    net, _ = net_222_after_backward()
    s_h1o1, s_h2o1 = net.synapse("h1", "o1"), net.synapse("h2", "o1")
    known = [net["o1"], net["o1"].bias, s_h1o1]
    d = tg.draw_network(net, deltas=True, grads=True, highlight=[net["o1"], s_h1o1], known=known)
    g = groups(d.svg())
    assert lit(g) == {neuron_id("o1"), sid(s_h1o1), sid(s_h1o1) + "-tail", sid(s_h1o1) + "-head"}
    o1 = next(g[neuron_id("o1")].iter(SVG + "ellipse"))
    assert o1.get("fill").lower() == HIGHLIGHT_FILL.lower() and float(o1.get("stroke-width")) >= 3
    o2 = next(g[neuron_id("o2")].iter(SVG + "ellipse"))
    assert o2.get("fill").lower() != HIGHLIGHT_FILL.lower()
    assert f"δ {number(net['o1'].delta)}" in texts(g[neuron_id("o1")])
    assert "δ ?" in texts(g[neuron_id("o2")]) and "δ ?" in texts(g[neuron_id("h1")])
    assert f"∂E/∂w {number(s_h1o1.grad)}" in texts(g[sid(s_h1o1)])
    assert "∂E/∂w ?" in texts(g[sid(s_h2o1)])
    colour = POSITIVE if s_h1o1.value > 0 else NEGATIVE
    for part in ("-tail", "-head"):
        hl_edge, plain_edge = g[sid(s_h1o1) + part], g[sid(s_h2o1) + part]
        assert "#000000" in strokes(hl_edge, "path") and colour.lower() in strokes(hl_edge, "path")
        assert "#000000" not in strokes(plain_edge, "path")
    assert HIGHLIGHT_FILL.lower() in fills(g[sid(s_h1o1)], "path") + fills(g[sid(s_h1o1)])
    assert HIGHLIGHT_FILL.lower() not in fills(g[sid(s_h2o1)], "path") + fills(g[sid(s_h2o1)])
    assert "not computed yet" in texts(g["a_legend"])


def test_highlighting_a_bias_marks_its_lines_only(engine):
    net, _ = net_222_after_backward()
    b = net["h1"].bias
    g = groups(tg.draw_network(net, grads=True, highlight=[b]).svg())
    h1 = g[neuron_id("h1")]
    assert lit(g) == {neuron_id("h1")}                     # the neuron that holds the bias
    assert next(h1.iter(SVG + "ellipse")).get("fill").lower() != HIGHLIGHT_FILL.lower()
    assert HIGHLIGHT_FILL.lower() in fills(h1)
    assert f"θ {number(b.value)}" in texts(h1) and f"∂E/∂θ {number(b.grad)}" in texts(h1)
    assert HIGHLIGHT_FILL.lower() not in fills(g[neuron_id("h2")])


def test_huge_network_is_refused_unless_allowed(tmp_path, monkeypatch):
    net = tg.MLP([60, 90, 2], seed=0)          # 5580 synapses
    with pytest.raises(tg.GraphError, match="allow_large=True"):
        tg.draw_network(net)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "no-engine-here"))
    d = tg.draw_network(net, allow_large=True, big_layers=False)     # every synapse an edge
    assert d.save(tmp_path / "net.gv").read_text(encoding="utf-8") == d.source
    assert sum(1 for e in d.graph.edges if e.attrs.get("id", "").startswith("synapse-")) == 5580


def test_network_options_and_errors():
    net, _ = net_222_after_backward()
    assert "label" not in tg.draw_network(net, legend=False).graph.graph_attrs
    assert tg.draw_network(net, rankdir="TB").graph.graph_attrs["rankdir"] == "TB"
    g = groups(tg.draw_network(net, values=False, legend=False).svg())
    assert not [t for el in neurons_of(g).values() for t in texts(el) if t.startswith("=")]
    with pytest.raises(tg.BadValueError, match="rankdir"):
        tg.draw_network(net, rankdir="sideways")
    with pytest.raises(tg.WrongTypeError, match="draw_graph"):
        tg.draw_network(tg.Node(1.0))
    with pytest.raises(tg.WrongTypeError, match=r"highlight .* got the str 'h1'; for the neuron named 'h1', pass net\['h1'\]"):
        tg.draw_network(net, highlight=["h1"])
    with pytest.raises(tg.WrongTypeError, match="known"):
        tg.draw_network(net, known=[1.0])
    with pytest.raises(tg.WrongTypeError, match="sizes"):
        tg.draw_network(net, sizes={"h1": 2.0})


def test_network_dot_is_deterministic():
    a, b = multiplier(), multiplier()
    a.forward([1.0, 2.0])
    b.forward([1.0, 2.0])
    assert tg.draw_network(a, deltas=True, grads=True).source == tg.draw_network(b, deltas=True, grads=True).source


# -- names drawn literally, ids ---------------------------------------------------

def test_network_draws_every_name_exactly(engine):
    net = nasty_net()
    for name, text in NAMES:
        d = tg.draw_network(net, title=name, deltas=True, grads=True, big_layers=False)
        svg = d.svg()
        words = drawn_texts(svg)
        assert shown_as(words, text), (name, words)
        g = groups(svg)
        assert shown_as([t.replace("\xa0", " ") for t in texts(g[neuron_id(name)])], text)
        assert texts(g[neuron_id(name)])[-1].startswith("δ")        # the label's other lines intact
    # the tooltips of a big net, where weights are not written on the edges, name both ends exactly
    svg = tg.draw_network(net, edge_labels=False, big_layers=False).svg()
    tips = [a.get("{http://www.w3.org/1999/xlink}title").replace("\xa0", " ") for a in ET.fromstring(svg).iter(SVG + "a")]
    for name, _ in NAMES:
        if "\n" not in name and "\t" not in name and "\r" not in name and "\x07" not in name:
            assert f"x → {name}: w = 0.5" in tips, name


def test_every_neuron_and_synapse_has_its_id(engine):
    net = nasty_net()
    g = groups(tg.draw_network(net, highlight=[net[NAMES[3][0]], net.synapses[4]], big_layers=False).svg())
    for name in net.neurons:
        assert neuron_id(name) in g and classes(g[neuron_id(name)]) >= {"node"}
    for s in net.synapses:
        assert {sid(s), sid(s) + "-tail", sid(s) + "-head"} <= set(g)
    s = net.synapses[4]
    assert lit(g) == {neuron_id(NAMES[3][0]), sid(s), sid(s) + "-tail", sid(s) + "-head"}
    big = groups(tg.draw_network(net, edge_labels=False, highlight=[s], big_layers=False).svg())
    assert all(sid(t) in big for t in net.synapses) and lit(big) == {sid(s)}


# -- what a reader sees: sizes, the legend, crowded nets ------------------------------

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


@pytest.mark.parametrize("grads", [False, True])
def test_weight_boxes_hold_their_text_in_a_wide_font(engine, grads):
    from tinygraph.draw.dot import text_width
    net, _ = net_222_after_backward()
    net.synapses[0].value = -0.012345678
    d = tg.draw_network(net, grads=grads, known=net.synapses[:2])
    g = groups(d.svg())
    for s in net.synapses:
        x0, y0, x1, y1 = box(g[sid(s)])
        rows = text_rows(g[sid(s)])
        assert len(rows) == (2 if grads else 1)
        for text, x, y, size, _ in rows:
            wide = text_width(text, size, bold=(text == number(s.value)))
            assert wide + 4 <= x1 - x0, (text, x1 - x0)         # DejaVu Sans fits, with a margin
            assert y0 < y - size * 0.8 and y < y1               # and each line lies inside, top to bottom


def test_thick_edges_get_smaller_arrowheads():
    net = multiplier()
    heads = [e.attrs for e in tg.draw_network(net).graph.edges if e.attrs.get("id", "").endswith("-head")]
    pairs = [(a["penwidth"], a["arrowsize"]) for a in heads]
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

    def widths(d):
        return {a["id"]: a["width"] for a in d.graph.nodes.values()}
    full = widths(tg.draw_network(net, deltas=True, grads=True))
    none_known = widths(tg.draw_network(net, deltas=True, grads=True, known=[]))
    bias_step = widths(tg.draw_network(net, deltas=True, grads=True, highlight=[net["h1"].bias], known=[]))
    assert full == none_known == bias_step
    assert len(full) == 6 + 8 and all(full[neuron_id(n)] > 0.9 for n in ["h1", "h2", "o1", "o2"])


def test_sizes_keep_one_layout_for_many_drawings(engine):
    """Drawings that differ in what they show, drawn with the widest of their Sizes, put every
    neuron and every weight box at the same place, in a picture of the same size."""
    from tinygraph.draw.network import Sizes
    net, _ = net_222_after_backward()
    s = net.synapse("h1", "o1")
    kinds = [dict(known=[]), dict(known=[], highlight=[net["h1"].bias]), dict(highlight=[net["o1"], s]),
             dict(known=[], known_values=[net["x1"]]), dict(known=[net["o1"]])]
    first = [tg.draw_network(net, deltas=True, grads=True, **kw) for kw in kinds]
    s.value = -123456.789                                       # an update: a wider weight
    first.append(tg.draw_network(net, deltas=True, grads=True))
    widest = Sizes.widest(d.sizes for d in first)
    assert widest.legend == set().union(*(d.sizes.legend for d in first))
    assert widest.caption == max(d.sizes.caption for d in first)
    # sizes given are sizes drawn (never smaller than a shape's own need)
    big = tg.draw_network(net, sizes=Sizes({"o1": 3.0}, {sid(s): (200.0, 50.0)}))
    assert big.graph.find(neuron_id("o1"))["width"] == 3.0 and big.graph.find(neuron_id("o2"))["width"] < 3.0
    assert big.graph.find(sid(s))["width"] == round(200 / 72, 3)
    places = set()
    for kw in kinds + [{}]:
        svg = tg.draw_network(net, deltas=True, grads=True, sizes=widest, **kw).svg()
        root = ET.fromstring(svg)
        g = groups(svg)
        shapes = tuple((k, box(el)) for k, el in sorted(g.items()) if k.startswith(("neuron-", "synapse-"))
                       and not k.endswith(("-tail", "-head")))
        places.add((root.get("width"), root.get("height"), shapes))
    assert len(places) == 1


def test_known_values_blank_the_values_not_yet_computed(engine):
    net, _ = net_222_after_backward()
    known = [net["x1"], net["x2"], net["h1"]]
    d = tg.draw_network(net, deltas=True, grads=True, known=[], known_values=known)
    g = groups(d.svg())
    for name in ("x1", "x2", "h1"):
        assert f"= {number(net[name].value)}" in texts(g[neuron_id(name)])
    for name in ("h2", "o1", "o2"):
        t = texts(g[neuron_id(name)])
        assert "= ?" in t and f"= {number(net[name].value)}" not in t
    assert "not computed yet" in texts(g["a_legend"])
    # the circles keep the size the real numbers need
    full = neuron_circles(groups(tg.draw_network(net, deltas=True, grads=True, known=[]).svg()))
    part = neuron_circles(g)
    assert {k: v[2] for k, v in full.items()} == {k: v[2] for k, v in part.items()}
    # None shows every value, as before
    assert "= ?" not in drawn_texts(tg.draw_network(net, known_values=None).svg())
    with pytest.raises(TypeError, match="known_values takes Neurons"):
        tg.draw_network(net, known_values=[net.synapse("h1", "o1")])


def test_big_nets_drop_edge_labels_unless_asked(engine):
    """Every synapse an edge (big_layers=False; test_draw_big.py has the strips and matrices)."""
    from tinygraph.draw.network import EDGE_LABEL_LIMIT
    big = tg.MLP([2, 16, 16, 1], activation="relu", output_activation="linear")
    assert len(big.synapses) == 304 > EDGE_LABEL_LIMIT
    big.forward([0.5, -0.3])
    d = tg.draw_network(big, big_layers=False)
    assert not [a for a in d.graph.nodes.values() if a["id"].startswith("synapse-")]   # no weight boxes
    s0 = big.synapses[0]
    edge = d.graph.find(sid(s0))
    assert edge.attrs["tooltip"] == f"{s0.src.name} → {s0.dst.name}: w = {number(s0.value)}"
    g = groups(d.svg())
    assert sum(1 for k in g if k.startswith("neuron-")) == 35
    assert sum(1 for k in g if k.startswith("synapse-")) == 304
    tips = [a.get("{http://www.w3.org/1999/xlink}title") for a in g[sid(s0)].iter(SVG + "a")]
    assert tips == [edge.attrs["tooltip"]]
    assert "not written on the 304 edges" in " ".join(texts(g["a_legend"]))
    labelled = tg.draw_network(big, big_layers=False, edge_labels=True)
    assert labelled.graph.find(sid(s0))["shape"] == "box"
    assert "gradient of the error E" not in legend_texts(tg.draw_network(big, big_layers=False, grads=True))   # no ∂E/∂w drawn
    assert "gradient of the error E" in legend_texts(tg.draw_network(big, big_layers=False, grads=True, edge_labels=True))
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
        boxed = isinstance(tg.draw_network(net, big_layers=False).graph.find(synapse_id("x", "h0")), dict)
        assert boxed == (not extra)
    with pytest.raises(TypeError, match="edge_labels"):
        tg.draw_network(big, big_layers=False, edge_labels="yes")


def test_edge_labels_sit_on_a_background_no_line_crosses(engine):
    net = multiplier()
    g = groups(tg.draw_network(net).svg())
    for s in net.synapses:
        background = fills(g[sid(s)], "path") + fills(g[sid(s)])
        assert "white" in background or "#ffffff" in background
