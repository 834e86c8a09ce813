"""Tests for tinygraph/draw/graph.py: draw_graph, every op node with its value and gradient, with both engines."""

import xml.etree.ElementTree as ET

import pytest

import tinygraph as tg
from tinygraph.draw.dot import HIGHLIGHT_FILL, number
from tinygraph.draw.render import ENV_VAR

from helpers import (NAMES, PNG_SIGNATURE, SVG, box, classes, drawn_texts, fills, groups, lit, net_222_after_backward,
                     shown_as, small_loss, texts, xor_net)


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


# -- names drawn literally ---------------------------------------------------------

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
