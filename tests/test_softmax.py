"""Many classes as nodes: tg.softmax, tg.cross_entropy, softmax output layers, and batch mode alike."""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

import tinygraph as tg
from tinygraph.errors import BadValueError, GraphError, TinygraphError
from tinygraph.formatting import fmt


def central_difference(f, xs, i, h=1e-6):
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


def softmax_by_hand(zs):
    m = max(zs)
    es = [math.exp(z - m) for z in zs]
    return [e / sum(es) for e in es]


def test_softmax_values_and_local_slopes():
    nets = [tg.Node(1.0), tg.Node(2.0), tg.Node(0.5)]
    outs = tg.softmax(nets)
    want = softmax_by_hand([1.0, 2.0, 0.5])
    assert [o.value for o in outs] == pytest.approx(want, rel=1e-15)
    for k, o in enumerate(outs):
        assert o.op == "softmax"
        assert o.parents == tuple(nets)
        assert o.local_grads == pytest.approx([want[k] * ((j == k) - want[j]) for j in range(3)], rel=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=5), st.data())
def test_cross_entropy_of_softmax_matches_central_differences_and_the_by_hand_delta(zs, data):
    c = data.draw(st.integers(0, len(zs) - 1))
    t = [1.0 if k == c else 0.0 for k in range(len(zs))]

    def error(values):
        return tg.cross_entropy(tg.softmax([tg.Node(v) for v in values]), t).value

    nets = [tg.Node(z) for z in zs]
    outs = tg.softmax(nets)
    E = tg.cross_entropy(outs, t)
    E.backward()
    O = softmax_by_hand(zs)
    assert E.value == pytest.approx(-math.log(O[c]) if O[c] > 0 else math.inf, rel=1e-9)
    for k, n in enumerate(nets):
        assert n.grad == pytest.approx(O[k] - t[k], abs=1e-12)                   # delta_k = O_k - t_k
        assert n.grad == pytest.approx(central_difference(error, zs, k), abs=1e-6)


def test_net_inputs_of_plus_minus_1000_give_a_finite_error_and_gradients():
    nets = [tg.Node(1000.0), tg.Node(-1000.0), tg.Node(0.0)]
    outs = tg.softmax(nets)
    assert [o.value for o in outs] == [1.0, 0.0, 0.0]
    E = tg.cross_entropy(outs, [0.0, 1.0, 0.0])
    assert E.value == 2000.0
    E.backward()
    assert [n.grad for n in nets] == [1.0, -1.0, 0.0]


def test_an_output_that_underflows_to_0_with_target_0_gives_a_finite_error_and_gradients():
    nets = [tg.Node(0.0), tg.Node(800.0), tg.Node(-800.0)]      # O = (e^-800, 1, 0): the last is exactly 0.0
    outs = tg.softmax(nets)
    assert outs[2].value == 0.0
    E = tg.cross_entropy(outs, [0.0, 1.0, 0.0])
    E.backward()
    assert E.value == 0.0 and [n.grad for n in nets] == [0.0, 0.0, 0.0]


def test_a_class_name_is_a_one_hot_target_and_the_output_deltas_are_O_minus_t():
    net = tg.MLP([3, 4, 3], activation="tanh", output_activation="softmax", seed=0)
    out = net.forward([1.0, 2.0, 3.0])
    assert sum(o.value for o in out.values()) == pytest.approx(1.0, abs=1e-15)
    E = tg.cross_entropy(out, "o2")
    assert E.value == pytest.approx(-math.log(out["o2"].value), rel=1e-14)
    E.backward()
    for name, neuron in zip(("o1", "o2", "o3"), net.outputs):
        assert neuron.delta == pytest.approx(out[name].value - (name == "o2"), abs=1e-15)
    assert net["o2"].grad == pytest.approx(-1.0 / out["o2"].value, rel=1e-14)    # dE/dO_k = -t_k / O_k
    assert net["o1"].grad == 0.0


def test_weights_of_a_softmax_network_match_central_differences():
    net = tg.MLP([2, 3, 3], activation="tanh", output_activation="softmax", seed=4)
    samples = [([0.3, -1.2], "o1"), ([1.5, 0.2], "o3"), ([-0.7, 0.9], "o2")]

    def error():
        return tg.cross_entropy([net.forward(x) for x, _ in samples], [t for _, t in samples]).value

    net.zero_grad()
    E = tg.cross_entropy([net.forward(x) for x, _ in samples], [t for _, t in samples])
    E.backward()
    for p in net.parameters():
        v = p.value
        p.value = v + 1e-6
        up = error()
        p.value = v - 1e-6
        down = error()
        p.value = v
        assert p.grad == pytest.approx((up - down) / 2e-6, abs=1e-7)


def test_node_by_node_softmax_layer_and_what_is_refused():
    net = tg.Network("three")
    net.input("x")
    for k in ("a", "b", "c"):
        net.neuron(k, activation="softmax")
        net.connect("x", k, weight=float(ord(k) - 97))
    out = net.forward({"x": 1.0})
    assert [out[k].value for k in "abc"] == pytest.approx(softmax_by_hand([0.0, 1.0, 2.0]), rel=1e-15)

    mixed = tg.Network("mixed")
    mixed.input("x")
    mixed.neuron("a", activation="softmax")
    mixed.neuron("b", activation="sigmoid")
    mixed.connect("x", "a")
    mixed.connect("x", "b")
    with pytest.raises(GraphError, match="only some outputs"):
        mixed.forward({"x": 1.0})

    alone = tg.Network("alone")
    alone.input("x")
    alone.neuron("a", activation="softmax")
    alone.connect("x", "a")
    with pytest.raises(GraphError, match="always 1.0"):
        alone.forward({"x": 1.0})
    with pytest.raises(BadValueError, match="whole layer"):
        tg.activate(tg.Node(1.0), "softmax")


def test_cross_entropy_refuses_bad_targets_clearly():
    outs = tg.softmax([tg.Node(0.0), tg.Node(1.0)])
    with pytest.raises(BadValueError, match="add up to"):
        tg.cross_entropy(outs, [1.0, 1.0])
    with pytest.raises(BadValueError, match="in \\[0, 1\\]"):
        tg.cross_entropy(outs, [2.0, -1.0])
    net = tg.MLP([1, 2], output_activation="softmax")
    with pytest.raises(BadValueError, match="o3"):
        tg.cross_entropy(net.forward([1.0]), "o3")
    with pytest.raises(TinygraphError):
        tg.cross_entropy([tg.Node(1.5), tg.Node(-0.5)], [1.0, 0.0])


def test_save_load_and_copy_keep_the_softmax_layer(tmp_path):
    net = tg.MLP([2, 3, 3], activation="tanh", output_activation="softmax", seed=1)
    path = str(tmp_path / "net.json")
    net.save(path)
    for other in (tg.Network.load(path), net.copy()):
        a, b = net.forward([0.4, -0.2]), other.forward([0.4, -0.2])
        assert {k: v.value for k, v in a.items()} == {k: v.value for k, v in b.items()}
        assert [n.activation.name for n in other.outputs] == ["softmax"] * 3


def test_train_with_cross_entropy_learns_three_classes():
    rng = random.Random(0)
    centres = {"o1": (-2.0, 0.0), "o2": (2.0, 0.0), "o3": (0.0, 2.5)}
    data = []
    for _ in range(10):
        for name, (cx, cy) in centres.items():
            t = {k: 1.0 if k == name else 0.0 for k in centres}
            data.append(([cx + rng.gauss(0, 0.4), cy + rng.gauss(0, 0.4)], t))
    net = tg.MLP([2, 4, 3], activation="tanh", output_activation="softmax", seed=0)
    history = tg.train(net, data, loss="ce", lr=0.5, max_epochs=200, verbose=False)
    assert history.loss == "cross_entropy"
    assert history.final < 0.1 * history[0]
    right = sum(max(net.forward(x).items(), key=lambda kv: kv[1].value)[0] == max(t, key=t.get) for x, t in data)
    assert right == len(data)
    named = [(x, max(t, key=t.get)) for x, t in data]         # the class's name as the target
    again = tg.MLP([2, 4, 3], activation="tanh", output_activation="softmax", seed=0)
    assert list(tg.train(again, named, loss="cross_entropy", lr=0.5, max_epochs=5, verbose=False)) == \
        list(history)[:6]
    with pytest.raises(BadValueError, match="'o4' is not the name of an output"):
        tg.train(again, [([0.0, 0.0], "o4")], loss="ce")


def test_batch_mode_gives_the_node_engines_numbers():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    net = tg.MLP([3, 5, 4], activation="tanh", output_activation="softmax", seed=3)
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(9, 3))
    Y = np.eye(4)[rng.integers(0, 4, size=9)]
    outs = [net.forward(list(x)) for x in X]
    net.zero_grad()
    E = tg.cross_entropy(outs, [list(y) for y in Y])
    E.backward()
    g_node = [p.grad for p in net.parameters()]
    bn = tg.compile_network(net)
    E_b, g_b = bn.loss_and_grads(X, Y, loss="cross_entropy", write_grads=False)
    assert E_b == pytest.approx(E.value, abs=1e-12)
    assert np.abs(np.array(g_node) - g_b).max() < 1e-12
    O = bn.forward(X)
    assert np.abs(O - np.array([[o[k].value for k in o] for o in outs])).max() < 1e-12
    # the probabilities' gradient through the softmax's Jacobian (mse on a softmax layer) agrees as well
    E_m, g_m = bn.loss_and_grads(X, Y, loss="mse", write_grads=False)
    net.zero_grad()
    tg.mse([net.forward(list(x)) for x in X], [list(y) for y in Y]).backward()
    assert np.abs(np.array([p.grad for p in net.parameters()]) - g_m).max() < 1e-12


def random_softmax_net(seed, sizes):
    rng = random.Random(seed)
    net = tg.MLP(sizes, activation=rng.choice(["tanh", "sigmoid", "relu"]), output_activation="softmax", seed=seed)
    for p in net.parameters():
        p.value = rng.uniform(-2.0, 2.0)
    return net, rng


@pytest.mark.parametrize("seed", range(6))
def test_gradients_agree_with_torch_cross_entropy_and_nll_loss(seed):
    torch = pytest.importorskip("torch", reason="needs torch: pip install \"tinygraph[torch]\"")
    from tinygraph.torch_bridge.convert import locate
    net, rng = random_softmax_net(seed, [3, 5, 4] if seed % 2 else [2, 4, 3, 5])
    k = len(net.outputs)
    X = [[rng.uniform(-2, 2) for _ in net.inputs] for _ in range(7)]
    classes = [rng.randrange(k) for _ in X]
    net.zero_grad()
    E = tg.cross_entropy([net.forward(x) for x in X], [net.outputs[c].name for c in classes])
    E.backward()
    module = tg.to_torch(net, dtype=torch.float64)
    assert isinstance(module[-1], torch.nn.Softmax) and module[-1].dim == 1
    logits = module[:-1]
    x, c = torch.tensor(X, dtype=torch.float64), torch.tensor(classes)
    for error in (torch.nn.CrossEntropyLoss()(logits(x), c),
                  torch.nn.NLLLoss()(torch.nn.LogSoftmax(dim=1)(logits(x)), c)):
        assert abs(error.item() - E.value) < 1e-12
        logits.zero_grad()
        error.backward()
        for p, label, tensor, index in locate(net, module):
            assert abs(tensor.grad[index].item() - p.grad) < 1e-12, label


def test_compare_with_torch_and_from_torch_read_softmax_layers():
    torch = pytest.importorskip("torch", reason="needs torch: pip install \"tinygraph[torch]\"")
    net, rng = random_softmax_net(7, [3, 4, 3])
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(5)]
    T = [[1.0 if j == i % 3 else 0.0 for j in range(3)] for i in range(5)]
    report = tg.compare_with_torch(net, X, T, error="cross_entropy")
    assert report.ok and report.gradients
    odd = tg.Network("odd")                         # not layered: the module of one parameter per synapse
    odd.input("x")
    odd.input("y")
    for k in ("a", "b", "c"):
        odd.neuron(k, activation="softmax")
    for i, (s, d) in enumerate([("x", "a"), ("y", "b"), ("x", "c"), ("y", "c")]):
        odd.connect(s, d, weight=0.5 * i - 0.7)
    assert tg.compare_with_torch(odd, [[0.3, -1.0], [1.0, 2.0]], [[1, 0, 0], [0, 0, 1]],
                                 error="ce").ok
    for last in (torch.nn.Softmax(dim=1), torch.nn.LogSoftmax(dim=1)):
        seq = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3), last).double()
        back = tg.from_torch(seq)
        assert [n.activation.name for n in back.outputs] == ["softmax"] * 3
        assert tg.compare_with_torch(back, X, T, error="cross_entropy", module=seq).ok
    with pytest.raises(tg.TorchBridgeError, match="last layer"):
        tg.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Softmax(dim=1), torch.nn.Linear(4, 2)))
    with pytest.raises(tg.TorchBridgeError, match="dim=1"):
        tg.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Softmax(dim=0)))


def test_delta_rule_states_O_minus_t_for_a_softmax_layer_and_agrees_with_backward():
    net = tg.MLP([2, 3, 3], activation="sigmoid", output_activation="softmax", seed=5)
    x, t = [0.4, -1.1], {"o1": 0.0, "o2": 0.0, "o3": 1.0}
    rule = tg.delta_rule(net, x, t)
    out = net.forward(x)
    net.zero_grad()
    E = tg.cross_entropy(out, t)
    E.backward()
    assert rule.error == pytest.approx(E.value, abs=1e-12)
    for n in net.outputs:
        assert rule.deltas[n.name] == out[n.name].value - t[n.name]
        assert rule.deltas[n.name] == pytest.approx(n.delta, abs=1e-12)
    for n in net.hidden:
        assert rule.deltas[n.name] == pytest.approx(n.delta, abs=1e-12)
    for s in net.synapses:
        assert rule.weight_grads[s.name] == pytest.approx(s.grad, abs=1e-12)
    from tinygraph.stepping.formulas import SoftmaxDelta
    assert str(SoftmaxDelta("o1", 0.25, 1.0)).startswith("δ_o1 = O_o1 - t_o1")


def test_network_steps_tell_a_softmax_layer_with_the_cross_entropy():
    net = tg.MLP([2, 2, 3], output_activation="softmax", seed=1)
    steps = tg.network_steps(net, [0.5, 0.2], {"o1": 0.0, "o2": 1.0, "o3": 0.0}, check=True)
    text = "\n".join(map(str, steps))
    assert "softmax O_k = e^net_k / Σ_j e^net_j: Σ_j e^net_j = e^" in text
    assert "E = - t_o2·ln O_o2" in text
    deltas = [s for s in steps if s.kind == "output delta"]
    assert [s.formula for s in deltas][0].startswith("δ_o1 = O_o1 - t_o1")
    for s, n in zip(deltas, net.outputs):
        assert s.number == pytest.approx(n.value - (n.name == "o2"), abs=1e-15)
    assert "as the walk found" in text and "not the walk's" not in text


def test_network_steps_give_the_softmax_once_its_layers_net_inputs_are_known():
    net = tg.MLP([2, 2, 3], output_activation="softmax", seed=1)
    steps = tg.network_steps(net, [0.5, 0.2], {"o1": 0.0, "o2": 1.0, "o3": 0.0})
    forward = {s.subject.name: s for s in steps if s.kind == "forward"}
    o1, o2, o3 = net.outputs
    for name in ("o1", "o2"):                    # net_o3 is not known yet: no probability, none drawn
        assert "once the softmax layer's net inputs are all known" in str(forward[name])
        assert "e^" not in str(forward[name])
        assert not {"o1", "o2", "o3"} & {n.name for n in forward[name].known_values}
    last = str(forward["o3"])
    total = sum(math.exp(n.net_input) for n in net.outputs)
    assert f"Σ_j e^net_j = e^{fmt(o1.net_input)} + e^{fmt(o2.net_input)} + e^{fmt(o3.net_input)} = {fmt(total)}" in last
    for n in net.outputs:
        assert f"O_{n.name} = e^{fmt(n.net_input)} / {fmt(total)} = {fmt(n.value)}" in last
    assert {"o1", "o2", "o3"} <= {x.name for x in forward["o3"].highlight}      # its formula reads them all


def test_draw_network_shows_softmax_outputs_as_probabilities():
    net = tg.MLP([2, 3, 3], activation="tanh", output_activation="softmax", seed=1)
    out = net.forward([0.5, 0.2])
    dot = str(tg.draw_network(net))
    for name in ("o1", "o2", "o3"):
        assert f"p = {out[name].value:.4g}" in dot
    assert "probability of the class" in dot
    assert "p = " not in str(tg.draw_network(tg.MLP([2, 2, 1], seed=0)))


def test_explain_writes_out_a_softmax_layer_with_its_by_hand_deltas():
    net = tg.MLP([2, 2, 3], output_activation="softmax", seed=1)
    doc = tg.explain(net, [0.5, 0.2], "o2", pictures=False)
    for n in net.outputs:
        assert doc.values[("delta", n.name)] == pytest.approx(n.value - (n.name == "o2"), abs=1e-15)
