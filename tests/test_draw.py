"""draw_network and draw_graph: what a reader sees in the SVG, with both engines, and the DOT text."""

import math
import xml.etree.ElementTree as ET

import pytest

import tinygraph as tg
from tinygraph.draw.dot import (HIGHLIGHT_FILL, NEGATIVE, POSITIVE, html, neuron_id, number, quote, svg_id,
                                synapse_id)
from tinygraph.draw.render import ENV_VAR

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


def fills(el, tag="polygon"):
    return [e.get("fill", "").lower() for e in el.iter(SVG + tag)]


def classes(el):
    return set((el.get("class") or "").split())


def lit(g):
    """The ids of the SVG groups with the class "highlight"."""
    return {k for k, el in g.items() if "highlight" in classes(el)}


def neurons_of(g):
    """{neuron name (its first text): <g>} of the neuron groups (ids neuron-...)."""
    return {texts(el)[0]: el for k, el in g.items() if k.startswith("neuron-")}


def path_points(el):
    """The points of the first <path> in ``el`` (its d attribute: M x,y C x,y x,y x,y ...)."""
    d = next(el.iter(SVG + "path")).get("d")
    nums = d.replace("M", " ").replace("C", " ").replace(",", " ").split()
    return [(float(x), float(y)) for x, y in zip(nums[::2], nums[1::2])]


def box(el):
    """(xmin, ymin, xmax, ymax) of every polygon point inside ``el`` (else of its ellipse or path)."""
    pts = [tuple(map(float, p.split(","))) for pg in el.iter(SVG + "polygon") for p in pg.get("points").split()]
    for e in el.iter(SVG + "ellipse"):
        cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))
        pts += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    if not pts:
        pts = path_points(el)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


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
    d = tg.draw_network(net, allow_large=True)
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


# -- draw_graph --------------------------------------------------------------

def graph_boxes(g):
    """{first text of the box (its name, or 'value ...'): <g>} of a draw_graph SVG's node boxes."""
    return {texts(el)[0]: el for k, el in g.items() if k.startswith("node-")}


def test_graph_of_a_small_loss(engine, tmp_path):
    out, n = small_loss()
    d = tg.draw_graph(out, title="a small loss")
    assert d.save(tmp_path / "g.png").read_bytes().startswith(PNG_SIGNATURE)
    g = groups(d.svg())
    records = [k for k in g if k.startswith("node-")]
    ops = [k for k in g if k.startswith("op-")]
    assert len(records) == 9 and len(ops) == 5
    assert sorted(records) == sorted(f"node-{i}" for i in range(9))
    everything = [t for k in records for t in texts(g[k])]
    for node in [out, n["L"], n["d"], n["e"], n["a"], n["b"], n["c"], n["f"]]:
        assert f"value {number(node.value)}" in everything
        assert f"grad {number(node.grad)}" in everything
    for name in ["a", "b", "c", "f", "L", "loss"]:
        assert name in everything
    op_texts = [t for k in ops for t in texts(g[k])]
    assert sorted(op_texts) == sorted(["sigmoid", "+ 1", "*", "+", "*"])
    assert texts(g["node-0"]) == ["loss", f"value {number(out.value)}", "grad 1"]   # the root comes first
    assert texts(g["op-0"]) == ["sigmoid"] and "result-0" in g and "operand-0-0" in g
    assert "a small loss" in texts(g["graph0"])


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
    g = groups(dg.svg())
    boxes = graph_boxes(g)
    assert "grad ?" in texts(boxes["a"]) and f"grad {number(f.grad)}" in texts(boxes["f"])
    assert f"grad {number(L.grad)}" in texts(boxes["L"])
    assert HIGHLIGHT_FILL.lower() in fills(boxes["L"])
    assert HIGHLIGHT_FILL.lower() not in fills(boxes["a"])
    # L is node K; its op's two operands d and f are the edges operand-K-0 and operand-K-1
    k = boxes["L"].get("id").split("-")[1]
    assert lit(g) == {f"node-{k}", f"operand-{k}-0", f"operand-{k}-1"}
    thick = {e.attrs["id"]: (dg.graph.nodes[e.tail]["id"], e.attrs["penwidth"]) for e in dg.graph.edges
             if e.attrs.get("class") == "highlight"}
    d_box = boxes[f"value {number(d.value)}"].get("id")
    assert thick == {f"operand-{k}-0": (d_box, 3.5), f"operand-{k}-1": (boxes["f"].get("id"), 3.5)}


def test_graph_boxes_keep_their_size_while_grads_appear(engine):
    out, n = small_loss()
    none = groups(tg.draw_graph(out, known=[]).svg())
    some = groups(tg.draw_graph(out, known=[out, n["L"]], highlight=[n["L"]],
                                highlight_edges=[(n["L"], n["d"])]).svg())
    for k, el in none.items():
        if k.startswith(("node-", "op-")):
            assert box(el) == box(some[k]), k


def test_graph_marks_operand_roles_of_minus_divide_power(engine):
    x, w = tg.Node(2.0, name="x"), tg.Node(3.0, name="w")
    z = (1.0 - x / w) ** w
    d = tg.draw_graph(z)
    g = groups(d.svg())
    ops = {texts(el)[0]: k for k, el in g.items() if k.startswith("op-")}
    assert {"**", "-", "/"} <= set(ops)
    # x / w: the edge from x is the numerator, from w the denominator
    boxes = graph_boxes(g)
    k = ops["/"].split("-")[1]
    assert texts(g[f"operand-{k}-0"]) == ["numerator"] and texts(g[f"operand-{k}-1"]) == ["denominator"]
    tails = {e.attrs["id"]: d.graph.nodes[e.tail]["id"] for e in d.graph.edges}
    assert tails[f"operand-{k}-0"] == boxes["x"].get("id") and tails[f"operand-{k}-1"] == boxes["w"].get("id")
    roles = {t for k, el in g.items() if k.startswith("operand-") for t in texts(el)}
    assert roles == {"numerator", "denominator", "minuend", "subtrahend", "base", "exponent"}


def test_graph_operand_roles_never_clash_with_names(engine):
    # b / a: the op must not read "a / b", and the edge from the node named b must not say "a"
    a, b = tg.Node(2.0, name="a"), tg.Node(3.0, name="b")
    q = b / a
    g = groups(tg.draw_graph(q).svg())
    assert texts(g["op-0"]) == ["/"]
    boxes = graph_boxes(g)
    edges = {k: texts(el) for k, el in g.items() if k.startswith("operand-")}
    d = tg.draw_graph(q)
    tails = {e.attrs["id"]: d.graph.nodes[e.tail]["id"] for e in d.graph.edges}
    by_tail = {tails[k]: t for k, t in edges.items()}
    assert by_tail[boxes["b"].get("id")] == ["numerator"] and by_tail[boxes["a"].get("id")] == ["denominator"]
    assert not {"a", "b"} & {t for t in edges.values() for t in t}


def test_graph_weighted_sum_pairs_each_weight_with_its_input(engine):
    net = tg.Network("n")
    x1, x2 = net.input("x1"), net.input("x2")
    h = net.neuron("h", activation="sigmoid", bias=0.35)
    net.connect(x1, h, weight=0.15)
    net.connect(x2, h, weight=0.2)
    loss = tg.squared_error(net.forward({"x1": 0.05, "x2": 0.1}), {"h": 0.0})
    d = tg.draw_graph(loss)
    g = groups(d.svg())
    ws = next(k for k, el in g.items() if k.startswith("op-") and texts(el)[0] == "weighted_sum")
    assert texts(g[ws]) == ["weighted_sum", "w_x1_h · x1", "w_x2_h · x2", "+ θ_h"]
    k = ws.split("-")[1]
    # both edges of a pair end at their row's port; the bias at its own
    ports = {e.attrs["id"]: (d.graph.nodes[e.tail]["id"], e.attrs["headport"]) for e in d.graph.edges
             if e.attrs.get("id", "").startswith(f"operand-{k}-")}
    boxes = {texts(el)[0]: el.get("id") for k_, el in g.items() if k_.startswith("node-")}
    assert ports == {f"operand-{k}-0": (boxes["w_x1_h"], "p0:w"), f"operand-{k}-1": (boxes["x1"], "p0:w"),
                     f"operand-{k}-2": (boxes["w_x2_h"], "p1:w"), f"operand-{k}-3": (boxes["x2"], "p1:w"),
                     f"operand-{k}-4": (boxes["θ_h"], "pb:w")}
    # the neuron's net input, activation and parameters are drawn in one box labelled with it
    clusters = {el.get("id"): texts(el) for el in ET.fromstring(d.svg()).iter(SVG + "g")
                if "cluster" in classes(el)}
    assert [t for t in clusters.values()] == [["neuron h"]]
    (key, members, _), = d.graph.clusters
    ids = {d.graph.nodes[m]["id"] for m in members}
    assert {boxes["net_h"], boxes["h"], boxes["w_x1_h"], boxes["w_x2_h"], boxes["θ_h"]} <= ids
    assert boxes["x1"] not in ids


def test_graph_without_grads_and_neuron_root():
    net, loss = net_222_after_backward()
    g = groups(tg.draw_graph(loss, grads=False).svg())
    assert not [t for el in graph_boxes(g).values() for t in texts(el) if t.startswith("grad")]
    g = groups(tg.draw_graph(net["o1"]).svg())                 # a Neuron draws its output's graph
    assert {"o1", "w_x1_h1", "θ_h1"} <= set(graph_boxes(g))
    assert "sigmoid" in [t for k, el in g.items() if k.startswith("op-") for t in texts(el)]


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
    assert d.save(tmp_path / "big.gv").read_text(encoding="utf-8") == d.source
    assert sum(1 for a in d.graph.nodes.values() if a["id"].startswith("node-")) == 6001


def test_a_network_loss_graph_too_big_to_read_is_refused_with_ways_out():
    net = tg.MLP([2, 16, 16, 1], seed=0)
    loss = tg.squared_error(net.forward({"x1": 0.5, "x2": -0.3}), {"o1": 1.0})
    with pytest.raises(tg.GraphError) as e:
        tg.draw_graph(loss)
    msg = str(e.value)
    assert "too many to read" in msg and "draw_network(net)" in msg and "draw_graph(net['NAME'])" in msg
    assert "max_nodes" in msg
    assert tg.draw_graph(loss, max_nodes=1000).source.startswith("digraph")


def test_graph_with_far_reaching_edges_is_refused():
    # a weight reused along a long chain: few nodes, but every use spans many ranks (slow to lay out)
    ws = [tg.Node(0.5 + i / 100, name=f"w{i}") for i in range(40)]
    acc = ws[0]
    for i in range(1, 200):
        acc = (acc * ws[i % 40]).tanh()
    with pytest.raises(tg.GraphError, match="more than 200 nodes"):
        tg.draw_graph(acc)                        # too many to read, first
    with pytest.raises(tg.GraphError, match="span many ranks"):
        tg.draw_graph(acc, max_nodes=1000)
    assert tg.draw_graph(acc, allow_large=True).source.startswith("digraph")


def test_graph_errors():
    net = xor_net()
    with pytest.raises(TypeError, match="draw_network"):
        tg.draw_graph(net)
    with pytest.raises(tg.GraphError, match="forward"):
        tg.draw_graph(net["o"])
    out, _ = small_loss()
    with pytest.raises(tg.WrongTypeError, match="pairs"):
        tg.draw_graph(out, highlight_edges=[out])
    with pytest.raises(tg.BadValueError, match="max_nodes"):
        tg.draw_graph(out, max_nodes=0)


# -- what a drawing is given: options and numbers checked, each refusal naming its culprit ---------

try:
    import numpy as np
except ImportError:                 # numpy is optional: its cases are left out
    np = None

NUMPY_ARRAY = [] if np is None else [np.array([1.0, 2.0]), np.array(3.0)]


def _options(draw):
    """(option, a bad value, the error, words the message must hold) for draw_network or draw_graph."""
    flags = ("values", "deltas", "grads", "legend", "allow_large") if draw == "network" else ("grads", "allow_large",
                                                                                               "stacked")
    cases = []
    for flag in flags:
        for bad in [1, 0, "no", 0.5] + NUMPY_ARRAY + ([] if flag == "stacked" else [None]):
            cases.append((flag, bad, tg.WrongTypeError, [flag, "True, False" if flag == "stacked" else "True or False"]))
    for bad in ["sideways", "lr", ""]:
        cases.append(("rankdir", bad, tg.BadValueError, ["rankdir", repr(bad), "'LR'"]))
    for bad in [None, 1.0, ["LR"]] + NUMPY_ARRAY:
        cases.append(("rankdir", bad, tg.WrongTypeError, ["rankdir", type(bad).__name__ if bad is not None else "None"]))
    for bad in [3, 0.5, ["a"], b"title"] + NUMPY_ARRAY:
        cases.append(("title", bad, tg.WrongTypeError, ["title", "a str", type(bad).__name__]))
    for bad in [0.5, 1.0, "abc", [1.0], {"v": 1.0}, True] + NUMPY_ARRAY:
        shown = ("float 1.0" if isinstance(bad, list) else "str 'v'" if isinstance(bad, dict)
                 else "float64" if np is not None and isinstance(bad, np.ndarray) and bad.ndim else repr(bad)[:6])
        for option in (("highlight", "known", "known_values") if draw == "network" else ("highlight", "known")):
            cases.append((option, bad, tg.WrongTypeError, [option, shown]))
    if draw == "network":
        for bad in [1, 0, "yes", 2.0] + NUMPY_ARRAY:
            cases.append(("edge_labels", bad, tg.WrongTypeError, ["edge_labels", "True, False or None"]))
    else:
        for bad in [0.5, "abc", [1.0], [(1.0, 2.0)]] + NUMPY_ARRAY:
            cases.append(("highlight_edges", bad, tg.WrongTypeError, ["highlight_edges", "(child, parent) pairs"]))
        for bad in [0, -3]:
            cases.append(("max_nodes", bad, tg.BadValueError, ["max_nodes", "positive int", str(bad)]))
        for bad in [2.5, 200.0, "200", None, True] + NUMPY_ARRAY:
            cases.append(("max_nodes", bad, tg.WrongTypeError, ["max_nodes", "positive int",
                                                                 "None" if bad is None else type(bad).__name__]))
    return cases


@pytest.mark.parametrize("draw, option, bad, error, words",
                         [("network",) + c for c in _options("network")] + [("graph",) + c for c in _options("graph")],
                         ids=lambda x: repr(x)[:20])
def test_a_bad_option_is_refused_naming_the_option_and_the_value(draw, option, bad, error, words):
    if draw == "network":
        net, _ = net_222_after_backward()
        call = lambda: tg.draw_network(net, **{option: bad})        # noqa: E731
    else:
        out, _ = small_loss()
        call = lambda: tg.draw_graph(out, **{option: bad})          # noqa: E731
    with pytest.raises(error) as e:
        call()
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_options_that_may_be_none_or_numpy_take_them():
    net, _ = net_222_after_backward()
    plain = tg.draw_network(net).source
    assert tg.draw_network(net, highlight=None).source == plain          # None: nothing highlighted
    assert tg.draw_network(net, title="").source == plain
    out, _ = small_loss()
    assert tg.draw_graph(out, highlight=None, highlight_edges=None).source == tg.draw_graph(out).source
    assert tg.draw_graph(out, max_nodes=10 ** 400).source == tg.draw_graph(out).source   # no limit to speak of
    if np is not None:      # numpy's bools and ints are taken like Python's
        assert tg.draw_network(net, values=np.bool_(True), grads=np.bool_(False)).source == plain
        assert tg.draw_network(net, edge_labels=np.bool_(True)).source == tg.draw_network(net, edge_labels=True).source
        assert tg.draw_graph(out, max_nodes=np.int64(50), grads=np.bool_(True)).source == tg.draw_graph(out).source
        with pytest.raises(tg.GraphError, match="max_nodes"):
            tg.draw_graph(out, max_nodes=np.int8(3))


NOT_FINITE = [float("nan"), float("inf"), -float("inf"), 10 ** 400]
NOT_A_NUMBER = ["abc", "1.5", None, [1.0], {"v": 1.0}, 1 + 2j, object()] + NUMPY_ARRAY


def _refused(call, error, culprit):
    with pytest.raises(error) as e:
        call()
    assert culprit in str(e.value), str(e.value)
    assert "finite" in str(e.value), str(e.value)


@pytest.mark.parametrize("bad", NOT_FINITE + NOT_A_NUMBER, ids=lambda x: repr(x)[:12])
def test_a_weight_bias_or_value_set_by_hand_to_no_finite_number_is_refused_naming_it(bad):
    error = tg.NotFiniteError if isinstance(bad, (int, float)) else tg.WrongTypeError
    net, _ = net_222_after_backward()
    net.synapse("x1", "h1").value = bad
    _refused(lambda: tg.draw_network(net), error, "w_x1_h1.value")
    net, _ = net_222_after_backward()
    net["h2"].bias.value = bad
    _refused(lambda: tg.draw_network(net, edge_labels=False), error, "θ_h2.value")
    net, _ = net_222_after_backward()
    net.synapse("h1", "o2").grad = bad
    assert tg.draw_network(net).source                       # grads not drawn: not read
    _refused(lambda: tg.draw_network(net, grads=True), error, "w_h1_o2.grad")
    out, nodes = small_loss()
    nodes["b"].value = bad
    _refused(lambda: tg.draw_graph(out), error, "b.value")
    out, nodes = small_loss()
    nodes["e"].grad = bad
    _refused(lambda: tg.draw_graph(out), error, "grad")
    assert tg.draw_graph(out, grads=False).source             # grads not drawn: not read
    with pytest.raises(error, match=r"check\[w_x1_h1\]"):
        net, _ = net_222_after_backward()
        tg.draw_network(net, grads=True, check={net.synapse("x1", "h1"): bad})


def test_a_weight_set_by_hand_to_another_kind_of_real_number_is_drawn_as_its_float():
    from fractions import Fraction
    kinds = [Fraction(1, 3), 2] + ([] if np is None else [np.float32(1 / 3), np.int64(2)])
    for w in kinds:
        net, _ = net_222_after_backward()
        s = net.synapse("x1", "h1")
        s.value = w
        d = tg.draw_network(net)
        text = " ".join(ln for a in d.graph.nodes.values() for ln in [str(a.get("label", ""))])
        assert number(float(w)) in text
        pen = d.graph.find(synapse_id("x1", "h1") + "-tail").attrs["penwidth"]
        assert type(pen) is float and math.isfinite(pen)
        assert "nan" not in d.source and "inf" not in d.source


# -- names drawn literally, ids ---------------------------------------------------

#: names that Graphviz, XML or HTML would read as something else: (name, the text drawn for it)
NAMES = [
    ("\\N and \\G", "\\N and \\G"),
    ("C:\\Gradients\\Node", "C:\\Gradients\\Node"),
    ("\\n \\l \\r \\E \\T \\H \\L \\x", "\\n \\l \\r \\E \\T \\H \\L \\x"),
    ("a\\\\b \\\\N", "a\\\\b \\\\N"),
    ("ends in \\", "ends in \\"),
    ("\"quoted\" and 'single'", "\"quoted\" and 'single'"),
    ("<b>bold</b> &amp; &lt; &#92; &#x41;", "<b>bold</b> &amp; &lt; &#92; &#x41;"),
    ("a & b < c > d ]]>", "a & b < c > d ]]>"),
    ("bell\x07 tab\t cr\r del\x7f", "bell\\x07 tab\\t cr\\r del\\x7f"),    # control characters shown as text
    ("two\nlines", "two\nlines"),                                      # a newline is a line break
    ("神经元 ニューロン 뉴런", "神经元 ニューロン 뉴런"),
    ("عصبون שלום", "عصبون שלום"),
    ("🧠 neuron 👍🏽 e\u0301 ñ ß Ω θ", "🧠 neuron 👍🏽 e\u0301 ñ ß Ω θ"),
    ("{}[];=,->-- %s {0} $x", "{}[];=,->-- %s {0} $x"),
    ("  two  spaces ", "  two  spaces "),
]


def drawn_texts(svg):
    """Every <text> of an SVG as a reader sees it: the lines of each label, Graphviz's no-break
    spaces (how it keeps a run of spaces) read as spaces."""
    return [(t.text or "").replace("\xa0", " ") for t in ET.fromstring(svg).iter(SVG + "text")]


def shown_as(words, text):
    """True if ``text`` (its lines, for a name with a newline) is among the drawn ``words``."""
    lines = text.split("\n")
    return all(line in words for line in lines)


def nasty_net():
    """One input, a hidden neuron per awkward name, one output; after a forward and backward pass."""
    net = tg.Network(NAMES[0][0])
    x = net.input("x")
    o = net.neuron("out", activation="linear", bias=None)
    for k, (name, _) in enumerate(NAMES):
        h = net.neuron(name, bias=0.1 * k)
        net.connect(x, h, weight=0.5)
        net.connect(h, o, weight=-0.25)
    tg.squared_error(net.forward({"x": 1.0}), {"out": 0.5}).backward()
    return net


def test_network_draws_every_name_exactly(engine):
    net = nasty_net()
    for name, text in NAMES:
        d = tg.draw_network(net, title=name, deltas=True, grads=True)
        svg = d.svg()
        words = drawn_texts(svg)
        assert shown_as(words, text), (name, words)
        g = groups(svg)
        assert shown_as([t.replace("\xa0", " ") for t in texts(g[neuron_id(name)])], text)
        assert texts(g[neuron_id(name)])[-1].startswith("δ")        # the label's other lines intact
    # the tooltips of a big net, where weights are not written on the edges, name both ends exactly
    svg = tg.draw_network(net, edge_labels=False).svg()
    tips = [a.get("{http://www.w3.org/1999/xlink}title").replace("\xa0", " ") for a in ET.fromstring(svg).iter(SVG + "a")]
    for name, _ in NAMES:
        if "\n" not in name and "\t" not in name and "\r" not in name and "\x07" not in name:
            assert f"x → {name}: w = 0.5" in tips, name


def test_graph_draws_every_name_exactly(engine):
    leaves = [tg.Node(1.0 + k, name=name) for k, (name, _) in enumerate(NAMES)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    total.name = NAMES[1][0]
    total.backward()
    for name, text in NAMES[:3]:
        words = drawn_texts(tg.draw_graph(total, title=name).svg())
        assert shown_as(words, text), (name, words)
    words = drawn_texts(tg.draw_graph(total).svg())
    for name, text in NAMES:
        assert shown_as(words, text), (name, words)


def test_escaping_helpers():
    assert html('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert html("a\nb") == "a<BR/>b"
    assert html("bell\x07") == "bell\\\\x07"                  # \x07 shown, its backslash doubled for Graphviz
    assert html("\\N") == "\\\\N"
    assert quote('say "hi" \\N & now\n') == '"say \\"hi\\" \\\\\\\\N &amp; now\\n"'
    assert number(120000.0) == "1.2e+05" and number(-0.001) == "-0.001" and number(0.0) == "0"
    assert number(None) == "?" and number(2.5981e6) == "2.598e+06" and number(0.78862) == "0.7886"


def test_ids_are_valid_and_different_for_different_names():
    import string
    names = [n for n, _ in NAMES] + ["a", "a-b", "a_b", "a__b", "a_2d_b", "A", "_", "-", "x1", "θ", "", "h1 "]
    ids = [svg_id(n) for n in names]
    assert len(set(ids)) == len(names)
    allowed = set(string.ascii_letters + string.digits + "_")
    assert all(set(i) <= allowed for i in ids)                 # CSS-, XML- and HTML-safe, no '-'
    assert svg_id("h1") == "h1" and svg_id("w_x1") == "w__x1" and svg_id("a-b") == "a_2d_b"
    assert neuron_id("h1") == "neuron-h1" and synapse_id("x", "h1") == "synapse-x-h1"
    # the '-' joining parts never comes from a name: (a-b, c) and (a, b-c) differ
    assert synapse_id("a-b", "c") != synapse_id("a", "b-c")
    pairs = [(a, b) for a in names[:8] for b in names[:8] if a != b]
    assert len({synapse_id(a, b) for a, b in pairs}) == len(pairs)


def test_every_neuron_and_synapse_has_its_id(engine):
    net = nasty_net()
    g = groups(tg.draw_network(net, highlight=[net[NAMES[3][0]], net.synapses[4]]).svg())
    for name in net.neurons:
        assert neuron_id(name) in g and classes(g[neuron_id(name)]) >= {"node"}
    for s in net.synapses:
        assert {sid(s), sid(s) + "-tail", sid(s) + "-head"} <= set(g)
    s = net.synapses[4]
    assert lit(g) == {neuron_id(NAMES[3][0]), sid(s), sid(s) + "-tail", sid(s) + "-head"}
    big = groups(tg.draw_network(net, edge_labels=False, highlight=[s]).svg())
    assert all(sid(t) in big for t in net.synapses) and lit(big) == {sid(s)}


# -- what a reader sees: sizes, the legend, crowded nets ------------------------------

def text_rows(el):
    """[(text, x, y, font size, bold)] of the <text>s in ``el``."""
    return [(t.text or "", float(t.get("x")), float(t.get("y")), float(t.get("font-size")),
             t.get("font-weight") == "bold" or "Bold" in (t.get("font-family") or "")) for t in el.iter(SVG + "text")]


def neuron_circles(g):
    """{name: (cx, cy, r, [(text, x, y, size), ...])} for the neurons in an SVG's groups."""
    out = {}
    for k, el in g.items():
        if k.startswith("neuron-"):
            (c,) = list(el.iter(SVG + "ellipse"))
            ts = [row[:4] for row in text_rows(el)]
            out[ts[0][0]] = (float(c.get("cx")), float(c.get("cy")), float(c.get("rx")), ts)
    return out


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
    from tinygraph.draw.network import EDGE_LABEL_LIMIT
    big = tg.MLP([2, 16, 16, 1], activation="relu", output_activation="linear")
    assert len(big.synapses) == 304 > EDGE_LABEL_LIMIT
    big.forward([0.5, -0.3])
    d = tg.draw_network(big)
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
    labelled = tg.draw_network(big, edge_labels=True)
    assert labelled.graph.find(sid(s0))["shape"] == "box"
    assert "gradient of the error E" not in legend_texts(tg.draw_network(big, grads=True))   # no ∂E/∂w drawn
    assert "gradient of the error E" in legend_texts(tg.draw_network(big, grads=True, edge_labels=True))
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
        boxed = isinstance(tg.draw_network(net).graph.find(synapse_id("x", "h0")), dict)
        assert boxed == (not extra)
    with pytest.raises(TypeError, match="edge_labels"):
        tg.draw_network(big, edge_labels="yes")


def test_edge_labels_sit_on_a_background_no_line_crosses(engine):
    net = multiplier()
    g = groups(tg.draw_network(net).svg())
    for s in net.synapses:
        background = fills(g[sid(s)], "path") + fills(g[sid(s)])
        assert "white" in background or "#ffffff" in background


def test_a_diagram_hands_its_dot_text_to_the_graphviz_package():
    import graphviz
    d = tg.draw_graph(tg.Node(2.0, name="a") * 3.0)
    src = d.to_graphviz()
    assert isinstance(src, graphviz.Source)
    assert src.source == d.source


def test_no_drawing_module_reads_dot_or_svg_with_regular_expressions():
    """DOT is built from structure and SVG read as XML: no module under tinygraph/draw imports re."""
    import ast
    from pathlib import Path
    import tinygraph.draw
    for path in Path(tinygraph.draw.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) else [])
            assert "re" not in names and "regex" not in names, path.name
