"""Batch mode (tinygraph.learning.batch): the same gradients as the node engine, over a whole batch."""

import math
import random
import sys

import pytest

import tinygraph as tg

np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")

from tinygraph.learning import batch  # noqa: E402
from tinygraph.learning.losses import LOSSES, get_loss, loss_names  # noqa: E402


def node_engine(net, X, Y, loss, l2=0.0, from_logits=False):
    """The error over the batch and every parameter's gradient, by the node engine (one forward per sample)."""
    for p in net.parameters(include_fixed=True):
        p.grad = 0.0
    outputs = [net.forward([float(v) for v in x]) for x in X]
    names = [o.name for o in net.outputs]
    targets = [dict(zip(names, map(float, np.atleast_1d(y)))) for y in Y]
    fn = get_loss(loss).function                 # the same registry, names and aliases as batch mode
    E = fn(outputs, targets, from_logits=True) if from_logits else fn(outputs, targets)
    if l2:
        E = E + l2 * tg.l2(net)
    E.backward()
    return E.value, np.array([p.grad for p in net.parameters(include_fixed=True)])


def assert_close(batch_value, node_value, rel=1e-12):
    """Equal to 1e-12 relative (an exact zero must be matched by something below 1e-300)."""
    a, b = np.asarray(batch_value, dtype=float), np.asarray(node_value, dtype=float)
    err = np.abs(a - b)
    ok = err <= rel * np.abs(b) + 1e-300
    assert ok.all(), f"worst relative difference {np.max(err / np.maximum(np.abs(b), 1e-300)):.3g}"


def check(net, X, Y, loss, l2=0.0, from_logits=False):
    bn = tg.compile_network(net)
    E_b, g_b = bn.loss_and_grads(X, Y, loss=loss, l2=l2, from_logits=from_logits, write_grads=False)
    E_n, g_n = node_engine(net, X, Y, loss, l2, from_logits)
    assert_close(E_b, E_n)
    assert_close(g_b, g_n)
    assert np.abs(g_n).max() > 0.0          # the comparison is not vacuous
    return bn


def data(net, n, seed, kind="real"):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.5, 1.5, size=(n, len(net.inputs)))
    k = len(net.outputs)
    if kind == "labels":
        Y = rng.choice([-1.0, 1.0], size=(n, k))
    elif kind == "prob":
        Y = rng.uniform(0.0, 1.0, size=(n, k))
    elif kind == "onehot":
        Y = np.eye(k)[rng.integers(0, k, size=n)]
    else:
        Y = rng.normal(size=(n, k))
    return X, Y


@pytest.mark.parametrize("sizes, act, out_act", [
    ([2, 3, 1], "sigmoid", "sigmoid"),
    ([3, 5, 4, 2], "tanh", "linear"),
    ([1, 8, 1], "relu", "linear"),
    ([4, 6, 6, 3], "relu", "sigmoid"),
    ([2, 4, 3], "sign", "tanh"),
    ([2, 2, 2], "linear", "relu"),
])
def test_mlp_gradients_equal_the_node_engine(sizes, act, out_act):
    net = tg.MLP(sizes, activation=act, output_activation=out_act, seed=sum(sizes))
    for i, p in enumerate(net.parameters()):          # non-zero biases too
        if isinstance(p, tg.Bias):
            p.value = 0.1 * ((i % 5) - 2)
    X, Y = data(net, 13, seed=len(sizes))
    bn = check(net, X, Y, "squared_error")
    assert bn.layered


def skip_net():
    """A DAG: a skip connection from x1 to the output, mixed activations at one depth, a neuron without
    a bias, a fixed synapse and a fixed bias."""
    net = tg.Network("dag")
    x1, x2 = net.input("x1"), net.input("x2")
    h1 = net.neuron("h1", activation="tanh", bias=0.1)
    h2 = net.neuron("h2", activation="sigmoid", bias=-0.2)
    g = net.neuron("g", activation="relu", bias=None)
    o1 = net.neuron("o1", activation="linear", bias=0.05)
    o2 = net.neuron("o2", activation="sigmoid", bias=0.3, train_bias=False)
    net.connect(x1, h1, 0.7)
    net.connect(x2, h1, -0.4)
    net.connect(x2, h2, 0.9)
    net.connect(h1, g, 1.3)
    net.connect(x2, g, 0.5, trainable=False)
    net.connect(h1, o1, 0.6)
    net.connect(g, o1, -0.8)
    net.connect(x1, o1, 0.25)                     # skip: input straight to an output
    net.connect(h2, o2, 1.1)
    net.connect(g, o2, 0.45)
    return net


def test_skip_connection_dag_gradients_equal_the_node_engine():
    net = skip_net()
    X, Y = data(net, 11, seed=3)
    bn = check(net, X, Y, "squared_error", l2=1e-3)
    assert not bn.layered


@pytest.mark.parametrize("loss, kind, out_act, from_logits", [
    ("squared_error", "real", "sigmoid", False),
    ("mse", "real", "linear", False),
    ("hinge", "labels", "linear", False),
    ("binary_cross_entropy", "prob", "linear", True),
    ("binary_cross_entropy", "prob", "sigmoid", False),
])
@pytest.mark.parametrize("l2", [0.0, 1e-2])
def test_each_loss_equals_the_node_engine(loss, kind, out_act, from_logits, l2):
    net = tg.MLP([3, 5, 2], activation="tanh", output_activation=out_act, seed=7)
    X, Y = data(net, 17, seed=11, kind=kind)
    if loss == "binary_cross_entropy":
        Y[0, 0], Y[1, 1] = 0.0, 1.0                 # 0/1 labels take the engine's one-term path
    check(net, X, Y, loss, l2=l2, from_logits=from_logits)


@pytest.mark.parametrize("name", loss_names())
def test_every_loss_name_and_alias_works_in_both_modes_alike(name):
    kind, out_act = {"hinge": ("labels", "linear"), "binary_cross_entropy": ("prob", "sigmoid"),
                     "bce": ("prob", "sigmoid"), "cross_entropy": ("onehot", "softmax"),
                     "ce": ("onehot", "softmax")}.get(name, ("real", "tanh"))
    net = tg.MLP([2, 3, 2], activation="tanh", output_activation=out_act, seed=2)
    X, Y = data(net, 6, seed=4, kind=kind)
    check(net, X, Y, name)
    assert set(batch.LOSSES) == set(LOSSES)
    h = tg.train(net, [(list(x), list(y)) for x, y in zip(X, Y)], loss=name, max_epochs=1, verbose=False)
    assert h.loss == get_loss(name).name


def test_batch_mode_applies_each_activations_own_array_form():
    from tinygraph.engine import activations
    z = np.linspace(-3, 3, 13)
    for name in ("sigmoid", "relu", "tanh", "sign", "linear"):
        act = activations.get_activation(name)
        h = act.array(np, z)
        assert h.tolist() == pytest.approx([act.f(v) for v in z.tolist()], rel=1e-15, abs=1e-300)
        assert act.array_slope(np, z, h).tolist() == pytest.approx([act.df(v) for v in z.tolist()], rel=1e-12, abs=1e-15)


def test_hinge_on_the_dag_and_bce_from_logits_far_from_zero():
    net = skip_net()
    X, Y = data(net, 9, seed=5, kind="labels")
    check(net, X, Y, "hinge", l2=1e-4)
    net = tg.MLP([2, 3, 1], activation="relu", output_activation="linear", seed=2)
    for p in net.parameters():
        p.value *= 8.0                              # large logits: both branches of the stable form
    X, Y = data(net, 15, seed=6, kind="prob")
    check(net, X, Y, "binary_cross_entropy", from_logits=True)


def test_registered_activation_is_vectorised():
    name = "softplus_batch_test"
    try:
        act = tg.get_activation(name)
    except ValueError:
        act = tg.register_activation(name, lambda x: math.log1p(math.exp(x)), lambda x: 1.0 / (1.0 + math.exp(-x)))
    net = tg.MLP([2, 4, 1], activation=act, output_activation="linear", seed=4)
    X, Y = data(net, 7, seed=8)
    check(net, X, Y, "mse")


def test_registered_activation_failure_names_the_neuron():
    name = "sqrt_batch_test"
    try:
        act = tg.get_activation(name)
    except ValueError:
        act = tg.register_activation(name, math.sqrt, lambda x: 0.5 / math.sqrt(x))
    net = tg.MLP([1, 2, 1], activation=act, output_activation="linear", seed=0)
    bn = tg.compile_network(net)
    with pytest.raises(tg.DomainError, match="sqrt_batch_test.*neuron 'h"):
        bn.forward([[-5.0], [3.0]])


def test_grads_are_added_like_backward_and_sgd_works_unchanged():
    net = tg.MLP([2, 3, 1], activation="sigmoid", seed=1)
    twin = tg.MLP([2, 3, 1], activation="sigmoid", seed=1)
    X, Y = data(net, 6, seed=2)
    bn = tg.compile_network(net)
    opt = tg.SGD(net.parameters(), lr=0.5)
    for _ in range(3):
        opt.zero_grad()
        bn.loss_and_grads(X, Y, loss="squared_error")
        opt.step()
    twin_opt = tg.SGD(twin.parameters(), lr=0.5)
    for _ in range(3):
        twin_opt.zero_grad()
        node_engine(twin, X, Y, "squared_error")      # zeroes, then backward
        twin_opt.step()
    assert_close([p.value for p in net.parameters()], [p.value for p in twin.parameters()])
    # loss_and_grads adds into .grad, as backward() does
    before = [p.grad for p in net.parameters()]
    _, g = bn.loss_and_grads(X, Y)
    assert_close([p.grad for p in net.parameters()], np.array(before) + g)


def test_train_reduces_the_error_and_leaves_the_weights_in_the_network():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([0.0, 1.0, 1.0, 0.0])
    net = tg.MLP([2, 3, 1], activation="sigmoid", seed=3)
    bn = tg.compile_network(net)
    history = bn.train(X, Y, loss="squared_error", lr=2.0, epochs=3000, until=0.01)
    assert history[-1] < history[0] / 10
    assert history.converged and history.final < 0.01
    # the Network now holds the trained weights: the node engine agrees with batch mode
    outs = [net.forward(list(x))["o1"].value for x in X]
    assert_close(bn.forward(X)[:, 0], outs)
    assert [round(o) for o in outs] == [0, 1, 1, 0]
    E, _ = node_engine(net, X, Y, "squared_error")
    assert E == pytest.approx(history.final, rel=1e-12)


def test_moons_training_in_batch_mode():
    from tinygraph.data.datasets import make_moons
    X, Y = make_moons(100, seed=0)
    net = tg.MLP([2, 16, 16, 1], activation="relu", output_activation="linear", seed=0)
    history = tg.compile_network(net).train(X, Y, loss="hinge", lr=0.1, epochs=300, l2=1e-4)
    assert history.final < 0.5 * history[0]
    scores = [net.forward(x)["o1"].value for x in X]
    accuracy = np.mean([(s > 0) == (y > 0) for s, y in zip(scores, Y)])
    assert accuracy >= 0.9


def test_step_is_not_lost_when_the_network_is_used_next():
    net = tg.MLP([2, 2, 1], activation="tanh", seed=5)
    X, Y = data(net, 5, seed=1)
    bn = tg.compile_network(net)
    E0 = bn.step(X, Y, loss="mse", lr=0.1)
    w_arrays = bn.depths[1].sources[0][1].copy()
    assert net.synapse("x1", "h1").value != w_arrays[0, 0]     # the step moved the arrays only
    out = bn.forward(X)                              # writes the stepped weights into the net first
    assert net.synapse("x1", "h1").value == w_arrays[0, 0]
    E1, _ = bn.loss_and_grads(X, Y, loss="mse", write_grads=False)
    assert E1 < E0
    assert out.shape == (5, 1)
    # pull() reads the net: a change made node by node is seen by batch mode
    net.synapse("x1", "h1").value = 0.123
    bn.pull()
    assert bn.depths[1].sources[0][1][0, 0] == 0.123


def test_clear_errors():
    net = tg.MLP([2, 3, 1], activation="sigmoid", seed=0)
    bn = tg.compile_network(net)
    with pytest.raises(ValueError, match=r"shape \(samples, 2\).*x1, x2"):
        bn.forward([[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="X must be numbers"):
        bn.forward([["a", "b"]])
    with pytest.raises(ValueError, match="nan or an infinity"):
        bn.forward([[1.0, float("nan")]])
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 1\)"):
        bn.loss_and_grads([[0, 0], [1, 1]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="-1 or \\+1.*2\\*y - 1"):
        bn.loss_and_grads([[0, 0], [1, 1]], [0.0, 1.0], loss="hinge")
    with pytest.raises(ValueError, match="Did you mean 'mse'"):
        bn.loss_and_grads([[0, 0]], [1.0], loss="msee")
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        bn.loss_and_grads([[0, 0]], [2.0], loss="bce")
    with pytest.raises(TypeError, match="needs a tinygraph Network"):
        tg.compile_network("net.json")
    empty = tg.Network("empty")
    empty.input("x")
    with pytest.raises(tg.GraphError, match="no output neuron"):
        tg.compile_network(empty)
    with pytest.raises(ValueError, match=r"lr \(the learning rate\) must be > 0"):
        bn.train([[0, 0]], [1.0], lr=0.0)
    with pytest.raises(ValueError, match="epochs"):
        bn.train([[0, 0]], [1.0], epochs=-1)
    net.synapse("x1", "h1").trainable = False
    with pytest.raises(tg.GraphError, match="changed.*compile it again"):
        bn.forward([[0.0, 1.0]])
    net.synapse("x1", "h1").trainable = True
    bn.forward([[0.0, 1.0]])
    net.neuron("extra", activation="tanh")
    net.connect("h1", "extra", 0.5)
    with pytest.raises(tg.GraphError, match="changed.*compile it again"):
        bn.forward([[0.0, 1.0]])


def test_divergence_keeps_the_networks_weights():
    from tinygraph.learning.training import DivergenceError
    net = tg.MLP([1, 4, 1], activation="linear", seed=0)
    before = [p.value for p in net.parameters()]
    bn = tg.compile_network(net)
    with pytest.raises(DivergenceError, match="smaller lr"):
        bn.train([[1.0], [2.0]], [1.0, -1.0], loss="squared_error", lr=1e6, epochs=500)
    assert [p.value for p in net.parameters()] == before


def test_without_numpy_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ImportError, match=r'pip install "tinygraph\[fast\]"'):
        batch._numpy()


def test_random_dags_equal_the_node_engine():
    """Random feed-forward wirings (any source earlier in build order) with random activations."""
    rng = random.Random(42)
    acts = ["sigmoid", "tanh", "relu", "linear"]
    for trial in range(5):
        net = tg.Network(f"random{trial}", seed=trial)
        nodes = [net.input(f"x{i}") for i in range(rng.randint(1, 3))]
        for j in range(rng.randint(2, 6)):
            n = net.neuron(f"n{j}", activation=rng.choice(acts), bias=rng.uniform(-0.5, 0.5))
            srcs = rng.sample(nodes, rng.randint(1, min(3, len(nodes))))
            for s in srcs:
                net.connect(s, n, rng.uniform(-1.2, 1.2))
            nodes.append(n)
        X, Y = data(net, 8, seed=trial)
        check(net, X, Y, "squared_error", l2=1e-3)
