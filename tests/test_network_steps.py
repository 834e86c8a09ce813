"""Tests for tinygraph/network_steps.py: the text's five steps on a Network, checked against
the delta-rule formulas worked independently here."""

import math

import pytest

import tinygraph as tg
from tinygraph.network_steps import network_steps
from tinygraph.demos import worked_example


def worked():
    net, inputs, targets = worked_example.build()
    out = net.forward(inputs)
    return net, tg.squared_error(out, targets), inputs, targets


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
