"""Errors (losses): values and gradients by hand, every accepted shape, and mismatches named."""

import math

import pytest

import tinygraph as tg


def nodes(*values):
    return [tg.Node(v, name=f"o{i + 1}") for i, v in enumerate(values)]


def test_squared_error_value_and_gradient_by_hand():
    o1, o2 = nodes(0.75, 0.2)
    loss = tg.squared_error({"o1": o1, "o2": o2}, {"o1": 0.01, "o2": 0.99})
    assert loss.value == pytest.approx(0.5 * (0.74 ** 2 + 0.79 ** 2), rel=1e-15)
    loss.backward()
    assert o1.grad == pytest.approx(0.74, rel=1e-15)      # dE/dO = O - t
    assert o2.grad == pytest.approx(-0.79, rel=1e-15)
    assert loss.name == "E"


def test_squared_error_accepts_list_number_node_and_network_outputs():
    o1, o2 = nodes(0.5, -1.0)
    expect = 0.5 * ((0.5 - 1.0) ** 2 + (-1.0 - 2.0) ** 2)
    assert tg.squared_error([o1, o2], [1.0, 2.0]).value == expect
    assert tg.squared_error([o1, o2], {"o2": 2.0, "o1": 1.0}).value == expect   # by node name
    assert tg.squared_error(o1, 1.0).value == 0.125
    assert tg.squared_error(o1, [1.0]).value == 0.125
    assert tg.squared_error(o1, {"o1": 1}).value == 0.125
    t = tg.Node(1.0)
    loss = tg.squared_error(o1, t)              # a Node target gets a gradient too
    loss.backward()
    assert t.grad == 0.5
    net = tg.MLP([1, 1], seed=0)
    out = net.forward([0.3])
    assert tg.squared_error(out, 0.2).value == 0.5 * (out["o1"].value - 0.2) ** 2
    assert tg.squared_error(net["o1"], 0.2).value == 0.5 * (out["o1"].value - 0.2) ** 2  # a Neuron


def test_batch_is_summed_and_mean_is_over_all_terms():
    a, b = nodes(1.0, 2.0)
    c, d = nodes(3.0, 5.0)
    outs = [{"o1": a, "o2": b}, {"o1": c, "o2": d}]
    tgts = [{"o1": 0.0, "o2": 0.0}, [1.0, 1.0]]
    assert tg.squared_error(outs, tgts).value == 0.5 * (1 + 4 + 4 + 16)
    assert tg.mse(outs, tgts).value == (1 + 4 + 4 + 16) / 4
    loss = tg.mse(outs, tgts)
    loss.backward()
    assert d.grad == 2 * 4.0 / 4


def test_mismatched_names_are_named():
    o1, o2 = nodes(0.1, 0.2)
    out = {"o1": o1, "o2": o2}
    with pytest.raises(tg.NameNotFoundError) as e:
        tg.squared_error(out, {"o1": 0.0, "O2": 1.0})
    msg = str(e.value)
    assert msg.startswith("squared_error: the targets: missing 'o2'; unknown 'O2' (did you mean 'o2'?)")
    assert "The outputs are o1, o2" in msg
    assert isinstance(e.value, KeyError) and not msg.startswith('"')
    with pytest.raises(KeyError, match="mse: the targets: missing 'o2'"):
        tg.mse(out, {"o1": 0.0})


def test_mismatched_lengths_and_types():
    o1, o2 = nodes(0.1, 0.2)
    with pytest.raises(ValueError, match=r"2 outputs \(o1, o2\) but 3 targets"):
        tg.squared_error({"o1": o1, "o2": o2}, [1, 2, 3])
    with pytest.raises(ValueError, match="one target number for 2 outputs"):
        tg.squared_error({"o1": o1, "o2": o2}, 1.0)
    with pytest.raises(ValueError, match="2 samples of outputs but 1 of targets"):
        tg.squared_error([{"o1": o1}, {"o1": o2}], [{"o1": 1}])
    with pytest.raises(TypeError, match=r"target for 'o1'.*float\('1'\)"):
        tg.squared_error({"o1": o1}, {"o1": "1"})
    with pytest.raises(TypeError, match="did you swap them"):
        tg.squared_error({"o1": 0.5}, {"o1": o1})
    with pytest.raises(TypeError, match="outputs must be"):
        tg.squared_error("o1", 1.0)
    with pytest.raises(ValueError, match="no outputs"):
        tg.squared_error({}, {})
    with pytest.raises(TypeError, match="batch of 2 samples"):
        tg.squared_error([{"o1": o1}, {"o1": o2}], 1.0)


def test_hinge_by_hand_and_labels_checked():
    s1, s2, s3 = nodes(0.3, -2.0, 1.5)
    # per sample relu(1 - y s): 0.7, 0 (y=-1, s=-2), 0 ; mean over the 3 samples
    loss = tg.hinge([{"o1": s1}, {"o1": s2}, {"o1": s3}], [1, -1, 1])
    assert loss.value == pytest.approx(0.7 / 3, rel=1e-15)
    loss.backward()
    assert s1.grad == pytest.approx(-1 / 3) and s2.grad == 0.0 and s3.grad == 0.0
    wrong = tg.hinge(tg.Node(0.5), -1)          # on the wrong side: 1 + 0.5
    assert wrong.value == 1.5
    with pytest.raises(ValueError, match=r"-1 or \+1, got 0.0; for 0/1 labels use 2\*y - 1"):
        tg.hinge(s1, 0)
    with pytest.raises(ValueError, match="-1 or"):
        tg.hinge(s1, 0.5)


def bce_by_hand(p, t):
    return -(t * math.log(p) + (1 - t) * math.log(1 - p))


def test_bce_from_probabilities_by_hand():
    p1, p2 = nodes(0.8, 0.3)
    loss = tg.binary_cross_entropy([p1, p2], [1.0, 0.25])
    assert loss.value == pytest.approx((bce_by_hand(0.8, 1.0) + bce_by_hand(0.3, 0.25)) / 2, rel=1e-14)
    loss.backward()
    # d/dp = (p - t) / (p (1 - p)), halved by the mean
    assert p2.grad == pytest.approx((0.3 - 0.25) / (0.3 * 0.7) / 2, rel=1e-12)
    assert p1.grad == pytest.approx((0.8 - 1.0) / (0.8 * 0.2) / 2, rel=1e-12)


def test_bce_probabilities_clamped_not_infinite():
    p = tg.Node(1.0)                              # a saturated sigmoid output
    loss = tg.binary_cross_entropy(p, 0.0)
    assert loss.value == pytest.approx(-math.log(1e-12), rel=1e-3)
    loss.backward()
    assert p.grad == 0.0                           # the clamp is flat
    assert tg.binary_cross_entropy(tg.Node(1.0), 1.0).value == 0.0
    with pytest.raises(ValueError, match="not a probability.*from_logits=True"):
        tg.binary_cross_entropy(tg.Node(2.5), 1.0)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\].*use hinge"):
        tg.binary_cross_entropy(tg.Node(0.5), -1.0)


@pytest.mark.parametrize("z", [-30.0, -3.0, -0.5, 0.0, 0.5, 3.0, 30.0])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_bce_from_logits_value_and_slope(z, t):
    node = tg.Node(z)
    loss = tg.binary_cross_entropy(node, t, from_logits=True)
    # ln(1 + e^z) - t z, written without cancellation
    expect = (1 - t) * z + math.log1p(math.exp(-z)) if z >= 0 else math.log1p(math.exp(z)) - t * z
    assert loss.value == pytest.approx(expect, rel=1e-12, abs=1e-15)
    loss.backward()
    assert node.grad == pytest.approx(1 / (1 + math.exp(-z)) - t, rel=1e-12, abs=1e-15)


def test_bce_from_logits_is_stable_for_huge_scores():
    for z, t, expect in ((1000.0, 0.0, 1000.0), (1000.0, 1.0, 0.0), (-1000.0, 1.0, 1000.0),
                         (-1000.0, 0.0, 0.0)):
        node = tg.Node(z)
        loss = tg.binary_cross_entropy(node, t, from_logits=True)
        assert loss.value == pytest.approx(expect, abs=1e-12)
        loss.backward()
        assert math.isfinite(node.grad)
        assert node.grad == pytest.approx((1.0 if z > 0 else 0.0) - t, abs=1e-12)


def test_l2_value_and_gradient():
    net = tg.MLP([2, 2, 1], seed=4)
    ps = net.parameters()
    loss = tg.l2(net)
    assert loss.value == pytest.approx(sum(p.value ** 2 for p in ps), rel=1e-14)
    loss.backward()
    for p in ps:
        assert p.grad == 2 * p.value
    with pytest.raises(ValueError, match="empty"):
        tg.l2([])
    with pytest.raises(TypeError, match="parameter 1 must be a Node"):
        tg.l2([ps[0], 3.0])


def test_losses_agree_with_central_differences():
    net = tg.MLP([2, 3, 2], activation="tanh", output_activation="linear", seed=9)
    x = [0.4, -0.6]
    cases = [
        lambda *ps: tg.squared_error(net.forward(x), [0.1, -0.3]),
        lambda *ps: tg.mse(net.forward(x), {"o1": 0.5, "o2": 0.0}),
        lambda *ps: tg.hinge(net.forward(x), [1, -1]),
        lambda *ps: tg.binary_cross_entropy(net.forward(x), [1.0, 0.2], from_logits=True),
        lambda *ps: tg.squared_error(net.forward(x), [0.1, -0.3]) + tg.l2(net) * 0.01,
    ]
    for f in cases:
        tg.gradcheck(f, net.parameters())
