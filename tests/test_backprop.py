"""Tests for tinygraph.backprop: the step-through of the real backward walk, the text's
network-level steps (checked against the delta-rule formulas worked independently here),
the HTML page and the `tinygraph step` command."""

import math
import os
import re

import pytest
from hypothesis import given, strategies as st

import tinygraph as tg
from tinygraph.draw.page import html_page, write_html
from tinygraph.formatting import fmt
from tinygraph.network_steps import NetworkStep, network_steps
from tinygraph.steps import Step, backprop_steps
from tinygraph.cli import main
from tinygraph.demos import worked_example
from tinygraph.draw.dot import HIGHLIGHT, HIGHLIGHT_FILL
from tinygraph.node import nodes_below

# -- helpers ----------------------------------------------------------------------------


def tangled():
    """A graph with sharing (x used four times, y*y with the same parent twice) and several ops."""
    x, y, z = tg.Node(0.7, name="x"), tg.Node(-1.3, name="y"), tg.Node(2.0, name="z")
    a = x * y + x
    b = (a * x).sigmoid() + y * y
    c = (b / z - x).tanh() * 3.0 + (z ** 2.0).log() + (-a).exp()
    return c, (x, y, z)


def worked():
    net, inputs, targets = worked_example.build()
    out = net.forward(inputs)
    return net, tg.squared_error(out, targets), inputs, targets


def backward_grads(root):
    """d root / d node for every node, by plain backward() on fresh gradients."""
    root.zero_grad()
    root.backward()
    return {n: n.grad for n in nodes_below(root)}


# -- backprop_steps: the real walk --------------------------------------------------------

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
    assert h1.startswith("dE/dh1 = dE/dnet_o")             # the text's sum over k of delta_k W_jk
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


# -- network_steps: the text's recipe on the 2-2-2 network -----------------------------------

W = {("i1", "h1"): 0.15, ("i2", "h1"): 0.20, ("i1", "h2"): 0.25, ("i2", "h2"): 0.30,
     ("h1", "o1"): 0.40, ("h2", "o1"): 0.45, ("h1", "o2"): 0.50, ("h2", "o2"): 0.55}
B = {"h1": 0.35, "h2": 0.35, "o1": 0.60, "o2": 0.60}
T = {"o1": 0.01, "o2": 0.99}


def by_hand():
    """The text's formulas, in plain floats: O, delta_k = O_k(1-O_k)(O_k-t_k),
    delta_j = O_j(1-O_j) sum_k delta_k W_jk, dE/dW_jk = delta_k O_j, dE/dtheta_k = delta_k."""
    O = {"i1": 0.05, "i2": 0.10}
    for j in ("h1", "h2", "o1", "o2"):
        s = sum(w * O[src] for (src, dst), w in W.items() if dst == j) + B[j]
        O[j] = 1.0 / (1.0 + math.exp(-s))
    E = 0.5 * sum((O[k] - T[k]) ** 2 for k in T)
    d = {k: O[k] * (1 - O[k]) * (O[k] - T[k]) for k in T}
    for j in ("h1", "h2"):
        d[j] = O[j] * (1 - O[j]) * sum(d[k] * W[(j, k)] for k in T)
    gw = {key: d[key[1]] * O[key[0]] for key in W}
    return O, E, d, gw


def test_network_steps_follow_the_text_and_match_the_delta_rule():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, lr=0.5)
    O, E, d, gw = by_hand()
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    assert all(s.total == len(steps) for s in steps)
    assert [s.stage for s in steps] == sorted(s.stage for s in steps)      # the text's order 1..5
    kinds = [s.kind for s in steps]
    assert kinds[:6] == ["input", "forward", "forward", "forward", "forward", "error"]
    assert kinds[6:8] == ["output delta"] * 2 and kinds[8:10] == ["hidden delta"] * 2
    assert kinds.count("weight gradient") == 8 and kinds.count("bias gradient") == 4
    assert kinds.count("update") == 12 and len(steps) == 34

    err = steps[5]
    assert err.number == pytest.approx(E, rel=1e-12) and err.number == pytest.approx(0.298371109, abs=1e-9)
    for s in steps:
        if s.kind == "forward":
            assert s.subject.value == pytest.approx(O[s.subject.name], rel=1e-12)
        elif s.kind in ("output delta", "hidden delta"):
            assert s.number == pytest.approx(d[s.subject.name], rel=1e-12)
            walk_node = s.subject.net_node
            assert s.walk_step.node is walk_node and s.walk_step.grad == s.number
        elif s.kind == "weight gradient":
            syn = s.subject
            assert s.walk_step.node is syn
            assert s.number == pytest.approx(gw[(syn.src.name, syn.dst.name)], rel=1e-12)
        elif s.kind == "bias gradient":
            assert s.number == pytest.approx(d[s.subject.neuron.name], rel=1e-12)
        elif s.kind == "update":
            p = s.subject
            grad = gw[(p.src.name, p.dst.name)] if isinstance(p, tg.Synapse) else d[p.neuron.name]
            assert s.number == pytest.approx(p.value - 0.5 * grad, rel=1e-12)
    # the by-hand numbers are the published ones
    upd = {s.subject.name: s.number for s in steps if s.kind == "update"}
    assert upd[net.synapse("h1", "o1").name] == pytest.approx(0.35891648, abs=1e-8)
    assert upd[net.synapse("i1", "h1").name] == pytest.approx(0.149780716, abs=1e-9)

    # and they agree with the delta-rule helper too
    rule = tg.delta_rule(net, inputs, targets)
    for s in steps:
        if s.kind.endswith("delta"):
            assert s.number == pytest.approx(rule.deltas[s.subject.name], rel=1e-12)
        elif s.kind == "weight gradient":
            assert s.number == pytest.approx(rule.weight_grads[s.subject.name], rel=1e-12)


def test_network_step_lines_show_formula_and_numbers():
    net, inputs, targets = worked_example.build()
    lines = {(s.kind, getattr(s.subject, "name", None)): str(s) for s in network_steps(net, inputs, targets)}
    assert lines[("output delta", "o1")] == \
        "δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1) = 0.7514·(1 - 0.7514)·(0.7514 - 0.01) = 0.1385"
    w5, w7 = net.synapse("h1", "o1").name, net.synapse("h1", "o2").name
    assert lines[("hidden delta", "h1")] == (
        f"δ_h1 = O_h1(1 - O_h1) (δ_o1·{w5} + δ_o2·{w7}) = "
        "0.5933·(1 - 0.5933)·(0.1385·0.4 + (-0.0381)·0.5) = 0.008771")
    assert lines[("weight gradient", w5)] == f"dE/d{w5} = δ_o1·O_h1 = 0.1385·0.5933 = 0.08217"
    assert lines[("bias gradient", "θ_o1")] == "dE/dθ_o1 = δ_o1·1 = 0.1385·1 = 0.1385"
    assert lines[("update", w5)] == f"{w5} ← {w5} - η·dE/d{w5} = 0.4 - 0.5·0.08217 = 0.3589"
    assert lines[("forward", "h1")].endswith("O_h1 = sigmoid(net_h1) = sigmoid(0.3775) = 0.5933")


def test_network_steps_apply_does_the_text_update():
    net, inputs, targets = worked_example.build()
    twin, _, _ = worked_example.build()
    rule = tg.delta_rule(twin, inputs, targets)
    rule.update(0.5)
    before = [p.value for p in net.parameters()]
    network_steps(net, inputs, targets)
    assert [p.value for p in net.parameters()] == before          # not applied by default
    network_steps(net, inputs, targets, lr=0.5, apply=True)
    for p, q in zip(net.parameters(), twin.parameters()):
        assert p.value == pytest.approx(q.value, rel=1e-12)


def test_general_form_for_other_activations_and_linear_outputs():
    net = tg.Network("mixed")
    x = net.input("x")
    h = net.neuron("h", activation="tanh", bias=0.1)
    o = net.neuron("o", activation="linear", bias=None)
    net.connect(x, h, weight=0.8)
    net.connect(h, o, weight=-1.5)
    steps = network_steps(net, {"x": 0.5}, {"o": 2.0})
    th = math.tanh(0.8 * 0.5 + 0.1)
    out = -1.5 * th
    d_o = out - 2.0
    d_h = (1 - th ** 2) * d_o * -1.5
    by = {s.kind: s for s in steps}
    assert by["output delta"].number == pytest.approx(d_o, rel=1e-12)
    assert "linear" in str(by["output delta"])
    assert by["hidden delta"].number == pytest.approx(d_h, rel=1e-12)
    assert "f'(net_h)" in str(by["hidden delta"])
    assert [s.kind for s in steps].count("bias gradient") == 1


def test_network_steps_reject_wrong_things_clearly():
    net, inputs, targets = worked_example.build()
    with pytest.raises(TypeError, match="Network"):
        network_steps(worked()[1], inputs, targets)
    with pytest.raises(TypeError, match="targets"):
        network_steps(net, inputs)
    with pytest.raises(KeyError, match="o3"):
        network_steps(net, inputs, {"o1": 0.1, "o3": 0.2})
    with pytest.raises(TypeError, match="learning rate"):
        network_steps(net, inputs, targets, lr="0.5")
    with pytest.raises(ValueError, match="positive"):
        network_steps(net, inputs, targets, lr=-1)
    with pytest.raises(ValueError, match="2 outputs"):
        network_steps(net, inputs, [0.1])


# -- frames and the page --------------------------------------------------------------------

def test_network_frames_highlight_the_step_and_show_only_known_gradients():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    d7 = steps[6]                                        # delta of o1: nothing else known yet
    assert d7.kind == "output delta" and d7.highlight[0] is net["o1"] and d7.known == [net["o1"]]
    src = d7.diagram().source
    assert src.count("?") > 0                            # unknown gradients are blank
    last = steps[-1]
    assert set(last.known) >= set(net.parameters())
    assert last.diagram().source.count("?") < src.count("?")


def frame_neurons(step):
    """{neuron name: (circle radius, [texts])} in the step's rendered SVG frame."""
    import xml.etree.ElementTree as ET
    svg = "{http://www.w3.org/2000/svg}"
    out = {}
    for g in ET.fromstring(step.diagram().svg()).iter(svg + "g"):
        if re.fullmatch(r"n\d+", g.get("id") or ""):
            ts = [t.text or "" for t in g.iter(svg + "text")]
            out[ts[0]] = (float(next(g.iter(svg + "ellipse")).get("rx")), ts)
    return out


def test_forward_frames_show_only_the_values_computed_so_far():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    kinds = [s.kind for s in steps[:7]]
    assert kinds == ["input"] + ["forward"] * 4 + ["error", "output delta"]
    assert [s.subject.name for s in steps[1:5]] == ["h1", "h2", "o1", "o2"]
    frames = [frame_neurons(s) for s in steps[:7]]
    from tinygraph.draw.dot import number
    value = {n: f"= {number(net[n].value)}" for n in ["i1", "i2", "h1", "h2", "o1", "o2"]}
    order = ["h1", "h2", "o1", "o2"]
    for k, frame in enumerate(frames[:5]):           # step 1: the inputs; then one more neuron a step
        for n in ["i1", "i2"] + order[:k]:
            assert value[n] in frame[n][1], (k, n)
        for n in order[k:]:
            assert "= ?" in frame[n][1] and value[n] not in frame[n][1], (k, n)
    for frame in frames[5:]:                         # the error, then the backward pass: every value
        assert all(value[n] in frame[n][1] and "= ?" not in frame[n][1] for n in value)
    # the circles keep their size while the values appear
    radii = [{n: r for n, (r, _) in f.items()} for f in frames]
    assert all(r == radii[0] for r in radii)


def test_graph_frames_highlight_the_node_and_its_edges():
    root, _ = tangled()
    steps = list(backprop_steps(root))
    s = steps[2]
    assert s.known == [t.node for t in steps[:3]]
    diagram = s.diagram()
    assert isinstance(diagram, tg.Diagram) and diagram.source.startswith(("digraph", "strict"))
    gid = {n: f"g{i}" for i, n in enumerate(nodes_below(root))}     # draw_graph's numbering
    assert any(len(t.node.parents) == 2 for t in steps)
    for t in steps:                  # each step's box, and exactly its edges to its parents, highlighted
        source = t.diagram().source
        boxes = re.findall(rf'^  (g\d+) \[.*BGCOLOR="{HIGHLIGHT_FILL}"', source, re.M)
        assert boxes == [gid[t.node]], t
        thick = re.findall(rf'(g\d+) -> (g\d+)_op \[color="{HIGHLIGHT}", penwidth=3.5', source)
        assert sorted(thick) == sorted((gid[p], gid[t.node]) for p in t.node.parents), t


def test_page_escapes_user_names_and_stores_frames_once(tmp_path, steps_json, script_tag_network):
    bad = "<script>alert(1)</script>"
    net, h, steps = script_tag_network("</script><script>alert(2)</script>", out="o&amp;")
    assert h.name == bad
    page = html_page(steps, title=net.name)
    assert bad not in page and "alert(2)</script>" not in page
    assert page.count("<script") == 2                     # the JSON block and the player's own script
    data = steps_json(page)
    assert len(data) == len(steps)
    assert any(bad in d["text"] for d in data)           # the text survives, exactly, as data
    assert [d["text"] for d in data] == [str(s) for s in steps]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page   # in the SVG, as escaped text
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; step by step" not in page
    assert "<title>backprop through &lt;/script&gt;" in page or "<title>&lt;/script&gt;" in page
    size = write_html(tmp_path / "p.html", steps)
    assert size == (tmp_path / "p.html").stat().st_size


def test_page_is_self_contained(tmp_path):
    net, inputs, targets = worked_example.build()
    page = html_page(network_steps(net, inputs, targets))
    assert not re.search(r'\s(?:src|href)="(?:https?:)?//', page)      # nothing fetched from a network
    assert "@import" not in page and "url(http" not in page
    for key in ("ArrowRight", "ArrowLeft", "Home", "End", '"n"', '"p"'):
        assert key in page
    assert "step 1 of 34" in page


def test_wide_graph_frames_scroll_to_the_step_node():
    root, _ = tangled()
    page = html_page(list(backprop_steps(root)))
    frames = re.findall(r'<div class="frame[^"]*" data-frame="\d+"[^>]*>.*?</div>', page)
    assert len(frames) == len(list(backprop_steps(root)))
    assert all('class="hl"' in f for f in frames)          # each frame marks its highlighted node


# -- the command line -------------------------------------------------------------------------

def test_cli_step_prints_the_steps(capsys):
    assert main(["step"]) == 0
    out = capsys.readouterr().out
    assert "[34/34]" in out and "δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1)" in out
    assert "= 0.1385" in out and "5. update" in out


def test_cli_step_html_writes_a_page(tmp_path, capsys, steps_json):
    path = tmp_path / "steps.html"
    assert main(["step", "worked-example", "--html", str(path)]) == 0
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "step 1 of 34" in page
    assert len(steps_json(page)) == 34
    assert f"wrote {path}" in capsys.readouterr().out


def test_cli_step_unknown_name_lists_the_networks(capsys):
    assert main(["step", "worked-exampel"]) == 2
    err = capsys.readouterr().err
    assert "worked-exampel" in err and "Did you mean 'worked-example'" in err and "multiplier" in err
    assert "Traceback" not in err


def test_cli_step_html_into_a_missing_folder_fails_clearly(tmp_path, capsys):
    assert main(["step", "--html", str(tmp_path / "nope" / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_step_multiplier_uses_the_general_form(capsys):
    assert main(["step", "multiplier"]) == 0
    out = capsys.readouterr().out
    assert "δ_out = (O_out - t_out)   (linear: f' = 1)" in out
    assert "11.99995 - 12" in out                        # digits enough to show the difference


def test_cli_interactive_advances_on_enter_and_quits_on_q(monkeypatch, capsys):
    answers = iter(["", "", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["step", "--interactive"]) == 0
    out = capsys.readouterr().out
    assert "[3/34]" in out and "[4/34]" not in out


def test_cli_interactive_stops_at_end_of_input(monkeypatch, capsys):
    def eof(prompt=""):
        raise EOFError
    monkeypatch.setattr("builtins.input", eof)
    assert main(["step", "-i"]) == 0
    out = capsys.readouterr().out
    assert "[1/34]" in out and "[2/34]" not in out


def test_cli_step_bad_learning_rate_is_a_message_not_a_traceback(capsys):
    assert main(["step", "--lr", "-1"]) == 2
    err = capsys.readouterr().err
    assert "learning rate" in err and "Traceback" not in err


def test_page_with_the_bundled_graphviz_pure_engine(tmp_path, monkeypatch):
    from tinygraph.draw import find_engine
    from tinygraph.errors import RenderError
    try:
        find_engine("graphviz-pure")
    except RenderError as e:
        pytest.skip(f"graphviz-pure not installed: {e}")
    monkeypatch.setenv("TINYGRAPH_DOT", "graphviz-pure")
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    size = write_html(tmp_path / "pure.html", steps)
    page = (tmp_path / "pure.html").read_text(encoding="utf-8")
    assert size > 10_000 and page.count('class="frame') >= 2 and "<use " in page


def test_network_steps_with_another_error_use_the_general_form():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, error=tg.mse)
    O, _, _, _ = by_hand()
    by = {(s.kind, getattr(s.subject, "name", "")): s for s in steps}
    for k in ("o1", "o2"):
        s = by[("output delta", k)]
        # mse = mean_k (O_k - t_k)^2 over 2 outputs, so dE/dO_k = (O_k - t_k)
        assert s.number == pytest.approx(O[k] * (1 - O[k]) * (O[k] - T[k]), rel=1e-12)
        assert f"dE/dO_{k}" in str(s)
    one = tg.Network("one")
    one.connect(one.input("x"), one.neuron("y"), weight=0.3)
    assert network_steps(one, {"x": 1.0}, 0.5)[-1].kind == "update"      # one output: a number will do


def test_update_lines_show_a_small_change_instead_of_hiding_it():
    net = tg.Network("steep")
    net.connect(net.input("x"), net.neuron("y", bias=-25.0), weight=10.0)
    upd = [s for s in network_steps(net, {"x": 1.0}, {"y": 0.0}) if s.kind == "update"]
    w = upd[0]
    assert w.subject.value == 10.0 and w.number < 10.0 and w.number > 9.9999
    shown = str(w).rsplit(" = ", 1)[1]
    assert shown != "10" and float(shown) == pytest.approx(w.number, abs=1e-6)


# -- the page: where it goes, and how long it takes ----------------------------------------------

@pytest.mark.parametrize("html, says", [
    ("", "give a file name, e.g. --html steps.html"),
    ("page.svg", "the step player is an HTML page"),
    ("nope/x.html", "the folder"),
    (".", "it is a folder"),
])
def test_cli_step_html_bad_places_say_what_to_do(tmp_path, capsys, monkeypatch, html, says):
    monkeypatch.chdir(tmp_path)
    assert main(["step", "xor", "--html", html]) == 2
    err = capsys.readouterr().err
    assert says in err and ".tmp" not in err and "Traceback" not in err
    if html == "nope/x.html":
        assert "'nope/x.html'" in err and "does not exist" in err
    assert list(tmp_path.iterdir()) == []               # nothing left behind


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a Linux /proc")
def test_cli_step_html_where_no_file_can_be_made_names_the_path(capsys):
    assert main(["step", "xor", "--html", "/proc/steps.html"]) == 2
    err = capsys.readouterr().err
    assert "cannot write '/proc/steps.html'" in err and "folder you can write to" in err
    assert ".tmp" not in err


def test_cli_step_html_not_writable_says_so(tmp_path, capsys):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["step", "xor", "--html", str(folder / "s.html")]) == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in capsys.readouterr().err


def test_cli_step_html_shows_progress_and_warns_on_big_nets(tmp_path, capsys, monkeypatch):
    import tinygraph.cli as cli
    import tinygraph.draw.page as page
    monkeypatch.setattr(page, "PROGRESS_AFTER", 0.0)     # the real threshold is a second of drawing
    monkeypatch.setattr(cli, "BIG_NET", 5)                 # the real one is 60 synapses
    assert main(["step", "worked-example", "--html", str(tmp_path / "s.html")]) == 0
    err = capsys.readouterr().err
    assert "note: worked-example has 8 synapses, so the page gets 34 frames" in err
    assert "drawing the page's 34 frames" in err and err.count("drawing") == 1   # not a tty: one line


def test_progress_on_a_terminal_rewrites_one_line():
    import io
    from tinygraph.console import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True
    stream = Tty()
    tell = Progress(3, after=0.0, stream=stream)
    for k in (1, 2, 3):
        tell(k)
    tell.close()
    text = stream.getvalue()
    assert text.startswith("\rdrawing frame ") and text.endswith("drawing frame 3/3...\n")


def frame_edge_texts(step):
    """All texts of the step's rendered SVG frame."""
    import xml.etree.ElementTree as ET
    return [t.text or "" for t in ET.fromstring(step.diagram().svg()).iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("apply", [False, True])
def test_update_frames_show_the_new_weights_made_so_far(apply):
    from tinygraph.draw.dot import number
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, apply=apply)
    ups = [s for s in steps if s.kind == "update"]
    old = {s.subject: s.subject.value if not apply else None for s in ups}
    first, second = ups[0].subject, ups[1].subject
    before = dict(zip([s.subject for s in ups], [s.numbers.split(" - ")[0] for s in ups]))
    assert before[first] == fmt(0.15) and before[second] == fmt(0.2)      # w1, w2 of the text
    texts = " ".join(frame_edge_texts(ups[0]))
    assert number(ups[0].number) in texts                                   # w1 drawn with its new value
    assert number(0.2) in texts and number(ups[1].number) not in texts      # w2 not updated yet
    texts = " ".join(frame_edge_texts(ups[1]))
    assert number(ups[0].number) in texts and number(ups[1].number) in texts
    grad_frame = " ".join(frame_edge_texts(steps[ups[0].index - 2]))       # before the update: old weights
    assert number(0.15) in grad_frame and number(ups[0].number) not in grad_frame
    # drawing changes nothing in the real network: old weights, or the new ones with apply=True
    for s in ups:
        assert s.subject.value == (s.number if apply else old[s.subject])


def test_cli_step_multiplier_takes_a_small_learning_rate_and_says_why(capsys):
    assert main(["step", "multiplier"]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[:2]
    assert "η = 1e-06" in head[0]
    assert head[1].startswith("η = 1e-06 here, not 0.5:") and "would take w_" in head[1]
    from tinygraph.demos import build_for_steps
    _, net, inputs, targets, _ = build_for_steps("multiplier")
    steps = network_steps(net, inputs, targets, lr=1e-6)
    for s in steps:
        if s.kind == "update":                       # every update small next to its weight
            assert abs(s.number - s.subject.value) <= 0.1 * abs(s.subject.value), s
    assert main(["step", "multiplier", "--lr", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "η = 0.5." in out and "here, not" not in out
    assert main(["step", "xor"]) == 0
    assert "learning rate η = 0.5." in capsys.readouterr().out


def test_cli_interactive_with_piped_input_keeps_lines_apart():
    import subprocess
    import sys
    for feed, last in [("\n\nq\n", "[3/26]"), ("\n", "[2/26]")]:
        run = subprocess.run([sys.executable, "-m", "tinygraph", "step", "xor", "-i"], input=feed,
                             capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert run.returncode == 0, run.stderr
        out = run.stdout
        assert out.endswith("\n"), out[-80:]
        lines = out.splitlines()
        assert all(not (l.startswith("   (Enter") and "[" in l) for l in lines), out
        assert any(l.startswith(last) for l in lines)
        assert lines[-1].startswith("   (Enter") or lines[-1].startswith("[")


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


@pytest.mark.parametrize("name", ["worked-example", "three-bits"])
def test_network_page_frames_keep_every_neuron_in_place(name):
    """Labels that grow as numbers appear (edge labels, the highlighted bias, a legend wider than
    the drawing) must not move the neurons: one size, one place per neuron in every frame."""
    from tinygraph.demos import build_for_steps
    from tinygraph.draw.page import _svgs
    _, net, inputs, targets, _ = build_for_steps(name)
    svgs = _svgs(network_steps(net, inputs, targets))
    places, sizes = set(), set()
    for svg in svgs:
        sizes.add(re.search(r'<svg width="([^"]*)" height="([^"]*)"', svg).groups())
        tx, ty = map(float, re.search(r"translate\(([-0-9.]+) ([-0-9.]+)\)", svg).groups())
        found = re.findall(r'<g id="(n\d+)" class="node">.*?<ellipse[^>]*? cx="([-0-9.]+)" cy="([-0-9.]+)" '
                           r'rx="([0-9.]+)"', svg, re.S)
        assert len(found) == len(net.neurons)
        places.add(tuple((n, round(tx + float(x), 1), round(ty + float(y), 1), rx) for n, x, y, rx in found))
    assert len(places) == 1, places
    assert len({w for w, _ in sizes}) == 1, sizes      # heights may differ (legend rows): the player pads
