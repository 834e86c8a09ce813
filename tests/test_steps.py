"""Tests for tinygraph/stepping/steps.py: backprop_steps, the real backward walk told node by node."""

import re

import pytest
from hypothesis import given, strategies as st

import tinygraph as tg
from tinygraph.formatting import fmt
from tinygraph.stepping.steps import backprop_steps
from tinygraph.demos import worked_example
from tinygraph.engine.node import nodes_below

from helpers import tangled, worked


def backward_grads(root):
    """d root / d node for every node, by plain backward() on fresh gradients."""
    root.zero_grad()
    root.backward()
    return {n: n.grad for n in nodes_below(root)}


@pytest.mark.parametrize("make", [tangled, lambda: worked()[1:3]])
def test_after_the_last_step_every_grad_equals_backward(make):
    root = make()[0]
    for n in nodes_below(root):
        n.grad = 123.0                                  # stale gradients: zero_grad=True clears them
    steps = list(backprop_steps(root))
    walked = {n: n.grad for n in nodes_below(root)}
    assert {s.node for s in steps} == set(walked)       # one step per node, each once
    assert len(steps) == len(walked)
    assert walked == backward_grads(root)               # exactly: the same walk, the same floats
    for s in steps:
        assert s.grad == walked[s.node]                 # the step's grad was already final


@given(st.lists(st.tuples(st.sampled_from(["+", "-", "*", "sig", "tanh", "c*", "+c"]),
                          st.integers(0, 10 ** 6), st.integers(0, 10 ** 6)), min_size=1, max_size=25),
       st.lists(st.floats(-2, 2), min_size=1, max_size=4))
def test_random_graphs_walk_to_the_same_grads_as_backward(ops, values):
    nodes = [tg.Node(v, name=f"x{i}") for i, v in enumerate(values)]
    for op, i, j in ops:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append({"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "sig": a.sigmoid,
                      "tanh": a.tanh, "c*": lambda: a * 0.5, "+c": lambda: a + 1.5}[op]())
    root = nodes[-1]
    steps = list(backprop_steps(root))
    walked = {n: n.grad for n in nodes_below(root)}
    assert walked == backward_grads(root)
    assert len({s.name for s in steps}) == len(steps)
    for s in steps:
        assert s.seed + sum(c.amount for c in s.received) == s.grad


@pytest.mark.slow
def test_a_deep_chain_steps_without_recursion():
    x = tg.Node(0.5, name="x")
    y = x
    for _ in range(50_000):
        y = (y * 0.99999).tanh()
    n = 0
    for n, s in enumerate(backprop_steps(y), 1):
        pass
    assert n == 100_001 and s.node is x
    g = x.grad
    y.backward()
    assert x.grad == 2 * g                              # backward() on top adds the same again


def test_each_step_is_the_sum_of_what_it_received_and_sends_grad_times_local():
    root, _ = tangled()
    steps = list(backprop_steps(root))
    index = {s.node: s.index for s in steps}
    assert steps[0].node is root and steps[0].is_root and steps[0].grad == 1.0
    for s in steps:
        total = s.seed
        for c in s.received:
            assert c.parent is s.node
            assert index[c.child] < s.index             # every consumer came first
            total += c.amount
        assert total == s.grad                          # the chain rule: sum over consumers
        assert [c.parent for c in s.sent] == list(s.node.parents)
        for c, local in zip(s.sent, s.node.local_grads):
            assert c.local == local and c.child_grad == s.grad
    # every contribution sent is received exactly once
    assert sum(len(s.sent) for s in steps) == sum(len(s.received) for s in steps)


def test_breaking_early_leaves_yielded_nodes_complete_and_the_rest_partial():
    root, _ = tangled()
    final = backward_grads(root)
    for stop in (1, 3, 7):
        it = backprop_steps(root)
        done = [next(it) for _ in range(stop)]
        it.close()
        yielded = {s.node for s in done}
        for s in done:
            assert s.node.grad == final[s.node]
        sent = {}
        for s in done:
            for c in s.sent:
                sent[c.parent] = sent.get(c.parent, 0.0) + c.amount
        others = [n for n in nodes_below(root) if n not in yielded]
        assert others
        for n in others:
            assert n.grad == pytest.approx(sent.get(n, 0.0), abs=1e-15)
        assert any(n.grad != final[n] for n in others)   # really partial, not silently finished
    list(backprop_steps(root))                           # a full walk afterwards is right again
    assert {n: n.grad for n in nodes_below(root)} == final


def test_zero_grad_false_accumulates_like_backward_and_says_so():
    x, y = tg.Node(2.0, name="x"), tg.Node(3.0, name="y")
    f = x * y
    f.backward()
    steps = {s.name: s for s in backprop_steps(f, zero_grad=False)}
    assert x.grad == 6.0 and y.grad == 4.0               # what a second backward() gives
    assert steps["x"].carried == 3.0 and steps["x"].grad == 6.0
    assert "(earlier passes)" in str(steps["x"])
    assert str(steps["x"]).endswith("= 6")
    list(backprop_steps(f))                              # default: fresh gradients
    assert x.grad == 3.0 and y.grad == 2.0


def test_step_lines_name_the_chain_rule_with_numbers():
    net, loss, _, _ = worked()
    steps = {s.name: s for s in backprop_steps(loss)}
    w5 = net.synapse("h1", "o1").name
    line = str(steps[w5])
    # the form DESIGN.md shows: through the neuron's net input, dnet/dw = O_h1
    assert line == f"dE/d{w5} = dE/dnet_o1 · dnet_o1/d{w5} = 0.1385 · 0.5933 = 0.08217"
    assert str(steps["E"]) == "dE/dE = 1   (the walk starts at E)"
    assert str(steps["net_o1"]) == "dE/dnet_o1 = dE/do1 · do1/dnet_o1 = 0.7414 · 0.1868 = 0.1385"
    h1 = str(steps["h1"])                                # two consumers: a sum of two products
    assert h1.startswith("dE/dh1 = dE/dnet_o")             # the delta rule's sum over k of delta_k W_jk
    assert "dE/dnet_o1 · dnet_o1/dh1" in h1 and "dE/dnet_o2 · dnet_o2/dh1" in h1
    assert re.search(r"= \(-0\.0381\) · 0\.5 \+ 0\.1385 · 0\.4 = \(-0\.01905\) \+ 0\.0554 = 0\.03635$", h1) \
        or re.search(r"= 0\.1385 · 0\.4 \+ \(-0\.0381\) · 0\.5 = 0\.0554 \+ \(-0\.01905\) = 0\.03635$", h1), h1
    assert steps["net_o1"].sent_lines() == [
        "adds to dE/dw_h1_o1: dE/dnet_o1 · dnet_o1/dw_h1_o1 = 0.1385 · 0.5933 = 0.08217",
        "adds to dE/dh1: dE/dnet_o1 · dnet_o1/dh1 = 0.1385 · 0.4 = 0.0554",
        "adds to dE/dw_h2_o1: dE/dnet_o1 · dnet_o1/dw_h2_o1 = 0.1385 · 0.5969 = 0.08267",
        "adds to dE/dh2: dE/dnet_o1 · dnet_o1/dh2 = 0.1385 · 0.45 = 0.06232",
        "adds to dE/dθ_o1: dE/dnet_o1 · dnet_o1/dθ_o1 = 0.1385 · 1 = 0.1385"]


def test_stand_in_names_are_readable_and_unique():
    net, inputs, targets = worked_example.build()
    a, b = net.forward(inputs), net.forward({"i1": 0.5, "i2": -0.2})   # two passes, one loss
    loss = tg.squared_error([a, b], [targets, targets])
    names = [s.name for s in backprop_steps(loss)]
    assert len(names) == len(set(names))
    assert "o1" in names and "o1[2]" in names and "w_h1_o1" in names
    x = tg.Node(1.5)
    deep = x
    for _ in range(12):
        deep = deep * 1.1 + 0.2
    steps = list(backprop_steps(deep))
    assert all(len(s.name) <= 32 for s in steps)
    assert len({s.name for s in steps}) == len(steps)


def test_fmt_keeps_four_significant_digits():
    assert fmt(0.138498562) == "0.1385" and fmt(0.082167041) == "0.08217"
    assert fmt(0.5) == "0.5" and fmt(1.0) == "1" and fmt(-0.0381) == "-0.0381" and fmt(0.0) == "0"
    assert fmt(4.386e-6) == "4.386e-06" and fmt(2.5e7) == "2.5e+07"


def test_backprop_steps_says_what_it_needs():
    net, _, _, _ = worked()
    with pytest.raises(TypeError, match="network_steps"):
        backprop_steps(net)
    with pytest.raises(TypeError, match="squared_error"):
        backprop_steps({"o1": tg.Node(1.0)})
    with pytest.raises(TypeError, match="str"):
        backprop_steps("loss")
    neuron = net["o1"]                                   # a Neuron stands for its latest output
    assert list(backprop_steps(neuron))[0].node is neuron.output


def test_a_node_feeding_the_root_reads_as_its_local_derivative():
    o = tg.Node(0.26, name="o")
    E = 0.5 * (o - 0.01) ** 2
    steps = list(backprop_steps(E))
    sq = steps[1]
    assert str(sq) == ("dE/d((o - 0.01)^2) = 0.5   (E's own local derivative: "
                       "(o - 0.01)^2 feeds E directly)")
    assert "dE/dE" not in str(sq) and "dE/dE" not in steps[0].sent_lines()[0]
    assert str(steps[2]) == "dE/d(o - 0.01) = dE/d((o - 0.01)^2) · d((o - 0.01)^2)/d(o - 0.01) = 0.5 · 0.5 = 0.25"
    x = tg.Node(2.0, name="x")                       # fed to the root and further down: a sum
    last = list(backprop_steps(x * x * 3.0 + x))[-1]
    assert str(last) == ("dE/dx = local dE/dx + dE/d(x·x) · d(x·x)/dx + dE/d(x·x) · d(x·x)/dx = "
                         "1 + 3 · 2 + 3 · 2 = 1 + 6 + 6 = 13")


# -- the walk made visible in the graph frames ------------------------------------------------

def _frame(step):
    """(badges, flows, received) of a graph frame's structure: node id -> "walk N" text shown (or None);
    operand edge id -> the amount written on it ("← 3", or None while not sent); the ids of the edges
    drawn as bringing the step's node its gradient (class "received")."""
    from tinygraph.draw.graph import BADGE_FILL, FLOW_COLOUR
    g = step.diagram().graph
    badges = {}
    for a in g.nodes.values():
        if a["id"].startswith("node-"):
            label = str(a["label"])
            k = label.find("walk ")
            badges[a["id"]] = label[k:label.index("<", k)] if BADGE_FILL in label else None
    flows = {}
    for e in g.edges:
        if e.attrs["id"].startswith("operand-"):
            label = str(e.attrs["label"])
            k = label.find("← ")
            flows[e.attrs["id"]] = label[k:label.index("<", k)] if FLOW_COLOUR in label else None
    received = {e.attrs["id"] for e in g.edges if e.attrs.get("class") == "received"}
    return badges, flows, received


def test_graph_frames_number_each_node_when_the_walk_finishes_it():
    root, _ = tangled()
    steps = list(backprop_steps(root))
    num = {n: i for i, n in enumerate(nodes_below(root))}
    for s in (steps[0], steps[5], steps[-1]):
        badges, _, _ = _frame(s)
        want = {f"node-{num[t.node]}": f"walk {t.index}" for t in steps[:s.index]}
        assert {k: v for k, v in badges.items() if v} == want
        assert all(badges[f"node-{num[t.node]}"] is None for t in steps[s.index:])


def test_a_node_used_twice_shows_both_contributions_adding_up():
    x = tg.Node(3.0, name="x")
    y = x * x + x
    y.name = "y"
    steps = list(backprop_steps(y))
    sx = steps[-1]
    assert sx.node is x and str(sx).endswith("= 1 + 3 + 3 = 7")
    badges, flows, received = _frame(sx)
    # y is node 0, x*x node 1, x node 2: x sends along operand-1-0, operand-1-1 (into *) and operand-0-1 (into +)
    assert received == {"operand-0-1", "operand-1-0", "operand-1-1"}
    assert {k: flows[k] for k in received} == {"operand-0-1": "← 1", "operand-1-0": "← 3", "operand-1-1": "← 3"}
    assert sum(float(flows[k][2:]) for k in received) == x.grad == 7.0
    # one step earlier: x*x received its 1 from y and has just sent 3 and 3 back to x
    _, flows, received = _frame(steps[1])
    assert flows["operand-0-0"] == "← 1" and received == {"operand-0-0"}
    assert flows["operand-1-0"] == flows["operand-1-1"] == "← 3"
    _, flows, received = _frame(steps[0])             # at the root: only y has sent
    assert flows["operand-1-0"] is None and flows["operand-0-1"] == "← 1" and received == set()


def test_graph_frames_keep_their_sizes_while_the_walk_goes(engine):
    import xml.etree.ElementTree as ET
    root, _ = tangled()
    steps = list(backprop_steps(root))
    sizes = set()
    for s in (steps[0], steps[7], steps[-1]):
        svg = ET.fromstring(s.diagram().svg())
        sizes.add((svg.get("width"), svg.get("height")))
    assert len(sizes) == 1
