"""The delta rule's formulas agree with backward() on random sigmoid networks, and refuse what they do not cover."""

import random

import pytest

import tinygraph as tg
from tinygraph.demos import worked_example

from helpers import by_hand


def agree(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(b))


def compare_with_backward(net, x, t):
    rule = tg.delta_rule(net, x, t)
    net.zero_grad()
    loss = tg.squared_error(net.forward(x), t)
    loss.backward()
    assert agree(rule.error, loss.value)
    for n in net.neurons.values():
        assert agree(rule.values[n.name], n.value), n.name
        if not n.is_input:
            assert agree(rule.deltas[n.name], n.delta), n.name
            assert agree(rule.net_inputs[n.name], n.net_input), n.name
            if n.bias is not None:
                assert agree(rule.bias_grads[n.name], n.bias.grad), n.name
    for s in net.synapses:
        assert agree(rule.weight_grads[s.name], s.grad), s.name
        assert rule.grad(s.src.name, s.dst.name) == rule.weight_grads[s.name]
    return rule


@pytest.mark.parametrize("sizes", [[1, 1], [2, 2, 2], [3, 5, 2], [4, 3, 3, 1], [2, 4, 3, 2, 3]])
def test_delta_rule_equals_backward_on_random_sigmoid_mlps(sizes):
    rng = random.Random(hash(tuple(sizes)) % 1000)
    for trial in range(3):
        net = tg.MLP(sizes, seed=rng.randrange(10 ** 6))
        for p in net.parameters():
            p.value = rng.uniform(-3.0, 3.0)
        x = [rng.uniform(-2.0, 2.0) for _ in net.inputs]
        t = [rng.random() for _ in net.outputs]
        rule = compare_with_backward(net, x, t)
        assert any(abs(g) > 1e-4 for g in rule.weight_grads.values())   # not a vacuous comparison


def test_delta_rule_on_the_worked_example_matches_hand():
    net, inputs, targets = worked_example.build()
    O, E, delta, grads = by_hand()
    rule = tg.delta_rule(net, inputs, targets)
    for name in ("h1", "h2", "o1", "o2"):
        assert agree(rule.values[name], O[name], 1e-14)
        assert agree(rule.deltas[name], delta[name], 1e-14)
        assert agree(rule.bias_grads[name], delta[name], 1e-14)
    for (src, dst), g in grads.items():
        assert agree(rule.grad(src, dst), g, 1e-14)
    assert agree(rule.error, E, 1e-14) and agree(rule.error, 0.298371109, 1e-9)
    assert "delta_o1" in str(rule) and "dE/dw_h1_o1" in str(rule)


def test_hand_built_net_with_fixed_and_missing_biases():
    net = tg.Network("mixed")
    net.input("a"), net.input("b")
    net.neuron("h1", bias=None)
    net.neuron("h2", bias=0.3, train_bias=False)
    net.neuron("out", bias=-0.2)
    for src, dst, w in (("a", "h1", 0.7), ("b", "h1", -1.1), ("a", "h2", 0.4), ("h1", "out", 1.3),
                        ("h2", "out", -0.9)):
        net.connect(src, dst, weight=w, trainable=(src != "h2"))
    rule = compare_with_backward(net, [0.5, -0.25], 0.8)
    assert set(rule.bias_grads) == {"h2", "out"}


def test_update_is_the_sgd_step():
    net = tg.MLP([2, 3, 2], seed=2)
    twin = tg.MLP([2, 3, 2], seed=2)
    x, t = [0.2, 0.9], [0.0, 1.0]
    tg.delta_rule(net, x, t).update(0.5)
    opt = tg.SGD(twin.parameters(), lr=0.5)
    tg.squared_error(twin.forward(x), t).backward()
    opt.step()
    for p, q in zip(net.parameters(), twin.parameters()):
        assert agree(p.value, q.value, 1e-15)
    assert [p.value for p in net.parameters()] != [p.value for p in tg.MLP([2, 3, 2], seed=2).parameters()]


def test_refuses_other_activations():
    net = tg.MLP([2, 2, 1], activation="tanh", output_activation="sigmoid")
    with pytest.raises(tg.GraphError, match=r"'h1' \(tanh\), 'h2' \(tanh\) are not sigmoid"):
        tg.delta_rule(net, [0, 1], [1])


def test_refuses_skip_connections():
    net = tg.MLP([2, 2, 1], seed=0)
    net.connect("x1", "o1", weight=0.5)
    with pytest.raises(tg.GraphError, match=r"w_x1_o1 \(x1 in layer 0 -> o1 in layer 2\) skips a layer"):
        tg.delta_rule(net, [0, 1], [1])


def test_bad_inputs_and_targets_are_named():
    net = tg.MLP([2, 1], seed=0)
    with pytest.raises(KeyError, match="missing 'x2'"):
        tg.delta_rule(net, {"x1": 1.0}, [1.0])
    with pytest.raises(ValueError, match="2 values for the network's 1 outputs"):
        tg.delta_rule(net, [1.0, 0.0], [1.0, 0.0])
    net.neuron("lonely")
    with pytest.raises(tg.GraphError, match="'lonely' has no incoming synapse"):
        tg.delta_rule(net, [1.0, 0.0], {"o1": 1.0, "lonely": 0.0})
