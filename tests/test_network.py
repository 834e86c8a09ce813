"""Networks built node by node: the Mazur 2-2-2 worked example by hand, batches, and every wiring error."""

import math
import random

import pytest

import tinygraph as tg
from tinygraph.engine.node import nodes_below

# Matt Mazur's "A Step by Step Backpropagation Example": inputs, weights w1..w8, biases, targets.
I1, I2 = 0.05, 0.10
W = [None, 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
B1, B2 = 0.35, 0.60
T1, T2 = 0.01, 0.99


def build_mazur():
    """The 2-2-2 sigmoid network, neuron by neuron (each neuron has its own bias node)."""
    net = tg.Network("mazur")
    i1, i2 = net.input("i1"), net.input("i2")
    h1 = net.neuron("h1", activation="sigmoid", bias=B1)
    h2 = net.neuron("h2", activation="sigmoid", bias=B1)
    o1 = net.neuron("o1", activation="sigmoid", bias=B2)
    o2 = net.neuron("o2", activation="sigmoid", bias=B2)
    syn = {
        1: net.connect(i1, h1, weight=W[1]), 2: net.connect(i2, h1, weight=W[2]),
        3: net.connect(i1, h2, weight=W[3]), 4: net.connect(i2, h2, weight=W[4]),
        5: net.connect(h1, o1, weight=W[5]), 6: net.connect(h2, o1, weight=W[6]),
        7: net.connect(h1, o2, weight=W[7]), 8: net.connect(h2, o2, weight=W[8]),
    }
    return net, syn


def by_hand():
    """The same network computed with math.exp only: every value and gradient, written out."""
    s = lambda x: 1.0 / (1.0 + math.exp(-x))  # noqa: E731
    net_h1 = W[1] * I1 + W[2] * I2 + B1
    net_h2 = W[3] * I1 + W[4] * I2 + B1
    h1, h2 = s(net_h1), s(net_h2)
    net_o1 = W[5] * h1 + W[6] * h2 + B2
    net_o2 = W[7] * h1 + W[8] * h2 + B2
    o1, o2 = s(net_o1), s(net_o2)
    E = 0.5 * (o1 - T1) ** 2 + 0.5 * (o2 - T2) ** 2
    # dE/dO and the deltas dE/dnet
    dE_do1, dE_do2 = o1 - T1, o2 - T2
    d_o1, d_o2 = dE_do1 * o1 * (1 - o1), dE_do2 * o2 * (1 - o2)
    dE_dh1 = d_o1 * W[5] + d_o2 * W[7]
    dE_dh2 = d_o1 * W[6] + d_o2 * W[8]
    d_h1, d_h2 = dE_dh1 * h1 * (1 - h1), dE_dh2 * h2 * (1 - h2)
    grads = {1: d_h1 * I1, 2: d_h1 * I2, 3: d_h2 * I1, 4: d_h2 * I2,
             5: d_o1 * h1, 6: d_o1 * h2, 7: d_o2 * h1, 8: d_o2 * h2}
    bias_grads = {"h1": d_h1, "h2": d_h2, "o1": d_o1, "o2": d_o2}
    return dict(h1=h1, h2=h2, o1=o1, o2=o2, E=E, net_h1=net_h1, net_o1=net_o1,
                dE_dO={"h1": dE_dh1, "h2": dE_dh2, "o1": dE_do1, "o2": dE_do2},
                delta={"h1": d_h1, "h2": d_h2, "o1": d_o1, "o2": d_o2},
                grads=grads, bias_grads=bias_grads)


def close(a, b, tol=1e-14):
    return abs(a - b) <= tol * max(1.0, abs(b))


def test_mazur_forward_matches_hand_and_published_values():
    net, _ = build_mazur()
    hand = by_hand()
    out = net.forward({"i1": I1, "i2": I2})
    assert list(out) == ["o1", "o2"]
    for name in ("h1", "h2", "o1", "o2"):
        assert close(net[name].value, hand[name])
    assert close(net["h1"].net_input, hand["net_h1"])
    assert close(net["o1"].net_input, hand["net_o1"])
    loss = tg.squared_error(out, {"o1": T1, "o2": T2})
    assert close(loss.value, hand["E"])
    # The numbers published with the worked example (to the digits shown there).
    assert abs(net["h1"].value - 0.593269992) < 1e-9
    assert abs(net["h2"].value - 0.596884378) < 1e-9
    assert abs(out["o1"].value - 0.75136507) < 1e-8
    assert abs(out["o2"].value - 0.772928465) < 1e-9
    assert abs(loss.value - 0.298371109) < 1e-9


def test_mazur_every_gradient_and_neuron_state_matches_hand():
    net, syn = build_mazur()
    hand = by_hand()
    loss = tg.squared_error(net.forward({"i1": I1, "i2": I2}), {"o1": T1, "o2": T2})
    loss.backward()
    for k in range(1, 9):
        assert close(syn[k].grad, hand["grads"][k]), k
    for name in ("h1", "h2", "o1", "o2"):
        n = net[name]
        assert close(n.bias.grad, hand["bias_grads"][name])
        assert close(n.grad, hand["dE_dO"][name])       # dE/d(output)
        assert close(n.delta, hand["delta"][name])      # dE/d(net input), the text's delta
    assert net["i1"].delta is None                      # inputs have no net input
    # Published: dE/dw5 = 0.082167041, dE/dw1 = 0.000438568
    assert abs(syn[5].grad - 0.082167041) < 1e-9
    assert abs(syn[1].grad - 0.000438568) < 1e-9


def test_mazur_one_sgd_step_matches_hand():
    net, syn = build_mazur()
    hand = by_hand()
    opt = tg.SGD(net.parameters(), lr=0.5)
    opt.zero_grad()
    tg.squared_error(net.forward({"i1": I1, "i2": I2}), {"o1": T1, "o2": T2}).backward()
    opt.step()
    for k in range(1, 9):
        assert close(syn[k].value, W[k] - 0.5 * hand["grads"][k]), k
    for name, b in (("h1", B1), ("h2", B1), ("o1", B2), ("o2", B2)):
        assert close(net[name].bias.value, b - 0.5 * hand["bias_grads"][name])
    # Published updated weights (the example keeps its biases fixed; weights do not depend on that).
    published = {1: 0.149780716, 2: 0.19956143, 3: 0.24975114, 4: 0.29950229,
                 5: 0.35891648, 6: 0.408666186, 7: 0.511301270, 8: 0.561370121}
    for k, w in published.items():
        assert abs(syn[k].value - w) < 1e-8, k


def test_gradients_match_central_differences():
    net = tg.MLP([3, 4, 2], seed=7)
    x = {"x1": 0.3, "x2": -0.8, "x3": 0.5}
    t = {"o1": 0.2, "o2": 0.7}
    params = net.parameters()
    tg.gradcheck(lambda *ps: tg.squared_error(net.forward(x), t), params)


def test_batch_gradients_are_sum_of_single_sample_gradients():
    net = tg.MLP([2, 3, 2], seed=3)
    data = [((0.0, 0.0), (0.1, 0.9)), ((0.0, 1.0), (0.9, 0.1)), ((1.0, 0.0), (0.8, 0.3)),
            ((1.0, 1.0), (0.2, 0.6))]
    params = net.parameters()
    total = [0.0] * len(params)
    for x, t in data:
        net.zero_grad()
        tg.squared_error(net.forward(list(x)), list(t)).backward()
        total = [a + p.grad for a, p in zip(total, params)]
    net.zero_grad()
    outs = [net.forward(list(x)) for x, _ in data]
    batch = tg.squared_error(outs, [list(t) for _, t in data])
    batch.backward()
    for p, g in zip(params, total):
        assert abs(p.grad - g) <= 1e-14 * max(1.0, abs(g)), p.name
    assert any(abs(g) > 1e-3 for g in total)        # the test is not vacuous
    # the neurons show the latest pass, the last sample
    last = net.forward([1.0, 1.0])
    assert net["o1"].value == last["o1"].value


def test_neuron_state_shows_latest_pass():
    net, _ = build_mazur()
    assert net["h1"].value is None and net["h1"].delta is None
    net.forward({"i1": 1.0, "i2": 0.0})
    first = net["h1"].value
    net.forward({"i1": 0.0, "i2": 1.0})
    assert net["h1"].value != first
    assert net["i2"].value == 1.0


def test_a_neuron_added_after_a_pass_has_no_value_until_the_next_pass():
    net, syn = build_mazur()
    net.forward({"i1": 1.0, "i2": 0.0})
    extra = net.neuron("extra", bias=0.5)
    net.connect("h1", extra, weight=1.0)
    assert extra.value is None and extra.net_input is None and net["h1"].value is not None
    net.forward({"i1": 1.0, "i2": 0.0})
    assert extra.value == 1.0 / (1.0 + math.exp(-(net["h1"].value + 0.5)))


def test_skip_connection_and_any_dag():
    net = tg.Network("skip")
    x = net.input("x")
    h = net.neuron("h", activation="tanh", bias=0.1)
    o = net.neuron("o", activation="linear", bias=None)
    net.connect(x, h, weight=0.5)
    net.connect(h, o, weight=2.0)
    net.connect(x, o, weight=-1.0)               # skips the hidden layer
    y = net.forward({"x": 0.7})["o"]
    assert close(y.value, 2.0 * math.tanh(0.5 * 0.7 + 0.1) - 0.7)
    assert [[n.name for n in layer] for layer in net.layers()] == [["x"], ["h"], ["o"]]
    tg.gradcheck(lambda *ps: net.forward({"x": 0.7})["o"] ** 2, net.parameters())


def test_parameters_fixed_and_no_bias():
    net = tg.Network("p")
    x = net.input("x")
    h = net.neuron("h", bias=0.5, train_bias=False)
    o = net.neuron("o", bias=None)
    s1 = net.connect(x, h, weight=1.0)
    s2 = net.connect(h, o, weight=2.0, trainable=False)
    assert o.bias is None
    assert net.parameters() == [s1]
    assert net.parameters(include_fixed=True) == [h.bias, s1, s2]
    opt = tg.SGD(net.parameters(include_fixed=True), lr=1.0)
    tg.squared_error(net.forward({"x": 1.0}), 0.0).backward()
    assert h.bias.grad != 0.0 and s2.grad != 0.0
    opt.step()
    assert h.bias.value == 0.5 and s2.value == 2.0 and s1.value != 1.0


def test_mlp_names_seed_and_errors():
    a = tg.MLP([2, 3, 1], seed=1)
    b = tg.MLP([2, 3, 1], seed=1)
    c = tg.MLP([2, 3, 1], seed=2)
    assert [n.name for n in a.inputs] == ["x1", "x2"]
    assert [n.name for n in a.hidden] == ["h1", "h2", "h3"]
    assert [n.name for n in a.outputs] == ["o1"]
    assert [p.value for p in a.parameters()] == [p.value for p in b.parameters()]
    assert [p.value for p in a.parameters()] != [p.value for p in c.parameters()]
    deep = tg.MLP([2, 2, 2, 1], activation="relu", output_activation="linear")
    assert [n.name for n in deep.hidden] == ["h1_1", "h1_2", "h2_1", "h2_2"]
    assert deep["o1"].activation.name == "linear"
    for bad in ([2], [2, 0, 1], [2, "3", 1], [2, 1.5]):
        with pytest.raises(ValueError, match="MLP"):
            tg.MLP(bad)


# -- errors a learner meets -------------------------------------------------------

def small():
    net = tg.Network("n")
    net.input("x1"), net.input("x2")
    net.neuron("h"), net.neuron("o")
    net.connect("x1", "h", weight=0.1)
    net.connect("x2", "h", weight=0.2)
    net.connect("h", "o", weight=0.3)
    return net


def test_cycle_is_refused_naming_the_loop():
    net = small()
    with pytest.raises(tg.GraphError, match=r"cycle \(o -> h -> o\)"):
        net.connect("o", "h", weight=1.0)
    with pytest.raises(tg.GraphError, match="itself"):
        net.connect("h", "h", weight=1.0)
    assert len(net.synapses) == 3                  # nothing was added


def test_duplicate_names_and_synapses():
    net = small()
    with pytest.raises(tg.GraphError, match="already has a neuron named 'h'"):
        net.neuron("h")
    with pytest.raises(tg.GraphError, match="already has a neuron named 'x1'"):
        net.input("x1")
    with pytest.raises(tg.GraphError, match="already connected"):
        net.connect("x1", "h", weight=5.0)


def test_connect_into_input_is_refused():
    net = small()
    with pytest.raises(tg.GraphError, match="cannot connect into 'x2': it is an input"):
        net.connect("h", "x2", weight=1.0)


def test_unknown_activation_suggests_the_right_one():
    net = tg.Network()
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'\. Did you mean 'sigmoid'\?"):
        net.neuron("h", activation="sigmod")
    assert "h" not in net


def test_neuron_without_incoming_synapse_is_refused_at_forward():
    net = small()
    net.neuron("lonely")
    with pytest.raises(tg.GraphError, match="'lonely' has no incoming synapse"):
        net.forward({"x1": 1.0, "x2": 2.0})


def test_missing_and_unknown_input_names():
    net = small()
    with pytest.raises(tg.NameNotFoundError) as e:
        net.forward({"x1": 1.0, "X2": 2.0})
    msg = str(e.value)
    assert "missing 'x2'" in msg and "unknown 'X2'" in msg and "x1, x2" in msg
    assert not msg.startswith('"')                  # a plain message, not a repr-quoted KeyError
    assert isinstance(e.value, KeyError)
    with pytest.raises(KeyError, match="missing 'x2'"):
        net.forward({"x1": 1.0})
    with pytest.raises(tg.NameNotFoundError) as e:
        net.forward({"x1": 1.0, "x2": 2.0, "h": 3.0, ("x1",): 4.0})
    assert str(e.value) == ("forward() of 'n': unknown 'h' (a neuron, not an input); unknown ('x1',). "
                            "The inputs are x1, x2.")


def test_wrong_number_of_values_and_bad_values():
    net = small()
    with pytest.raises(ValueError, match="got 3 values for 2 inputs"):
        net.forward([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"input 'x1'.*float\('0.5'\)"):
        net.forward({"x1": "0.5", "x2": 1.0})
    with pytest.raises(ValueError, match="finite"):
        net.forward({"x1": float("nan"), "x2": 1.0})
    with pytest.raises(TypeError, match="dict"):
        net.forward("x1")


def test_lookup_errors_name_the_culprit():
    net = small()
    with pytest.raises(tg.NameNotFoundError, match="no neuron named 'hh'. Did you mean 'h'"):
        net["hh"]
    with pytest.raises(KeyError, match="no synapse 'x1' -> 'o'"):
        net.synapse("x1", "o")
    assert net.synapse("x1", "h").value == 0.1
    other = tg.Network("other")
    stranger = other.input("z")
    with pytest.raises(tg.GraphError, match="belongs to network 'other'"):
        net.connect(stranger, "h")
    with pytest.raises(TypeError, match="weight of x1 -> o"):
        net.connect("x1", "o", weight="0.4")


def test_no_value_before_forward():
    net = small()
    with pytest.raises(tg.GraphError, match="run net.forward"):
        net["h"] * 2.0


def test_random_networks_agree_with_gradcheck():
    rng = random.Random(11)
    for sizes in ([1, 1], [2, 2, 2], [3, 2, 2, 1]):
        net = tg.MLP(sizes, activation="tanh", seed=rng.randrange(1000))
        x = [rng.uniform(-1, 1) for _ in net.inputs]
        t = [rng.uniform(-1, 1) for _ in net.outputs]
        tg.gradcheck(lambda *ps: tg.mse(net.forward(x), t), net.parameters())


# -- values set by hand: forward names the weight or bias --------------------------------------

def test_forward_names_a_weight_set_to_a_string():
    net = tg.MLP([2, 2, 1])
    net.synapse("x1", "h1").value = "1"
    with pytest.raises(TypeError, match=r"w_x1_h1\.value is the str '1': set weights to numbers") as e:
        net.forward([1.0, 0.0])
    assert e.value.__cause__ is None and e.value.__suppress_context__


def test_forward_names_a_nan_bias_instead_of_blaming_the_learning_rate():
    net = tg.MLP([2, 2, 1])
    net["h2"].bias.value = float("nan")
    with pytest.raises(ValueError, match=r"θ_h2\.value is nan") as e:
        net.forward([1.0, 0.0])
    assert "learning rate" not in str(e.value)


@pytest.mark.parametrize("bad, error, words", [
    (10 ** 400, "NotFiniteError", "w_x2_h1.value is an integer of 401 digits, too large for a float"),
    (float("inf"), "NotFiniteError", "w_x2_h1.value is inf"),
    (None, "WrongTypeError", "w_x2_h1.value is the NoneType None"),
    ([1.0, 2.0], "WrongTypeError", "w_x2_h1.value is the list [1.0, 2.0]"),
], ids=["10**400", "inf", "None", "list"])
def test_forward_names_any_weight_set_by_hand_to_a_bad_value(bad, error, words):
    net = tg.MLP([2, 2, 1])
    net.synapse("x2", "h1").value = bad
    with pytest.raises(tg.TinygraphError) as e:
        net.forward([1.0, 1.0])
    assert type(e.value).__name__ == error and words in str(e.value)


def test_forward_names_an_array_set_by_hand_as_an_input_nodes_value():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    x = tg.Node(1.0, name="x_in")
    x.value = np.array([1.0, 2.0])
    with pytest.raises(tg.TinygraphError, match=r"x_in\.value is the ndarray array\(\[1\., 2\.\]\)"):
        tg.MLP([2, 2, 1]).forward([x, 1.0])


def test_a_neurons_value_and_grad_are_read_only_views_of_the_latest_pass():
    net = tg.MLP([2, 2, 1])
    outs = net.forward([1.0, 0.0])
    with pytest.raises(AttributeError):
        net["h1"].value = 3
    with pytest.raises(AttributeError):
        net["o1"].grad = 0.0
    assert net["o1"].value == outs["o1"].value and net["o1"].grad is None
    (outs["o1"] * 2.0).backward()
    assert net["o1"].grad == 2.0


def test_a_neuron_in_any_op_stands_for_its_latest_output_node():
    net = tg.MLP([2, 2, 1], activation="tanh")
    out = net.forward([1.0, -2.0])["o1"]
    h, o = net["h1"], net["o1"]
    w = net.synapses[0]
    for f in (lambda n: n + 1.0, lambda n: 1.0 + n, lambda n: n - w, lambda n: w - n, lambda n: n * w,
              lambda n: w * n, lambda n: n / 2.0, lambda n: 2.0 / n, lambda n: n ** 2.0, lambda n: 2.0 ** n,
              lambda n: -n, lambda n: abs(n), lambda n: n.exp(), lambda n: (n * n).log(), lambda n: n.sigmoid(),
              lambda n: n.relu(), lambda n: n.tanh(), lambda n: n.sign(), lambda n: tg.tanh(n),
              lambda n: tg.weighted_sum([w], [n]), lambda n: n * h):
        y = f(o)
        assert o not in nodes_below(y) and out in nodes_below(y)
        assert y.value == f(out).value


def test_deepcopy_and_copy_give_an_equal_independent_network():
    import copy
    net, _ = build_mazur()
    net.neuron("z", activation="tanh", bias=0.25, train_bias=False)
    net.connect("i1", "z", weight=-0.5, name="wz", trainable=False)
    for dup in (copy.deepcopy(net), net.copy()):
        assert dup is not net and dup.name == net.name and list(dup.neurons) == list(net.neurons)
        assert [(type(p).__name__, p.name, p.value, p.trainable) for p in dup.parameters(include_fixed=True)] \
            == [(type(p).__name__, p.name, p.value, p.trainable) for p in net.parameters(include_fixed=True)]
        assert dup["z"].activation is net["z"].activation
        x = {"i1": I1, "i2": I2}
        assert {k: v.value for k, v in dup.forward(x).items()} == {k: v.value for k, v in net.forward(x).items()}
        dup.synapse("i1", "h1").value = 7.0
        dup["h1"].bias.value = -3.0
        assert net.synapse("i1", "h1").value == W[1] and net["h1"].bias.value == B1
        assert all(a is not b for a, b in zip(dup.parameters(include_fixed=True), net.parameters(include_fixed=True)))


def test_connecting_a_neuron_of_a_same_named_network_says_another_network():
    a, b = tg.Network("n"), tg.Network("n")
    x = a.input("x")
    b.neuron("y")
    with pytest.raises(tg.GraphError, match=r"another network \(also named 'n'\)"):
        b.connect(x, "y")


@pytest.mark.parametrize("bad", [2, "2,2,1", None])
def test_mlp_with_a_single_number_asks_for_a_list(bad):
    with pytest.raises(TypeError, match=r"list of layer sizes, e\.g\. MLP\(\[2, 2, 1\]\)"):
        tg.MLP(bad)


def test_grad_and_delta_are_unknown_until_a_backward_pass_reaches_them():
    net = tg.MLP([3, 5, 2], seed=1)
    out = net.forward([0.1, 0.2, 0.3])
    h = net["h1"]
    assert h.value is not None and h.grad is None and h.delta is None    # not a fake 0.0
    svg_before = tg.draw_network(net, deltas=True, grads=True).source
    assert "δ ?" in svg_before and "∂E/∂w ?" in svg_before and "δ 0<" not in svg_before
    tg.squared_error(out, {"o1": 0.0, "o2": 1.0}).backward()
    assert h.grad is not None and h.delta is not None and h.delta != 0.0
    svg_after = tg.draw_network(net, deltas=True, grads=True).source
    assert "δ ?" not in svg_after and "∂E/∂w ?" not in svg_after


# -- threads ---------------------------------------------------------------------------------

def _run_in_threads(work, n_threads):
    """Run work(k) in n_threads threads started together, switching threads as often as Python can."""
    import sys
    import threading
    barrier = threading.Barrier(n_threads)
    errors = []

    def run(k):
        try:
            barrier.wait(timeout=10)
            work(k)
        except BaseException as e:              # noqa: BLE001 -- reported by the main thread
            errors.append(e)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)                 # interleave the threads' passes as finely as possible
    try:
        threads = [threading.Thread(target=run, args=(k,)) for k in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]


def test_forward_from_several_threads_at_once_gives_each_its_own_right_outputs():
    net = tg.MLP([2, 16, 16, 1], seed=0)
    samples = [[i / 10.0, 1.0 - i / 7.0] for i in range(40)]
    expected = [net.forward(x)["o1"].value for x in samples]
    assert len(set(expected)) == len(samples)             # each sample has its own output
    got = {}

    def work(k):
        for _ in range(10):
            for i in range(k, len(samples), 4):
                x = samples[i] if i % 2 else dict(zip(("x1", "x2"), samples[i]))
                value = net.forward(x)["o1"].value
                assert got.setdefault(i, value) == value
    _run_in_threads(work, 4)
    assert [got[i] for i in range(len(samples))] == expected
    # the neurons show one whole pass (the last one to finish), never a mix of two
    x = [n.value for n in net.inputs]
    twin = net.copy()
    twin.forward(x)
    assert [n.value for n in net] == [n.value for n in twin]
    assert [n.net_input for n in net] == [n.net_input for n in twin]


def test_a_failed_forward_leaves_the_neurons_as_they_were():
    net, syn = build_mazur()
    net.forward({"i1": 0.05, "i2": 0.10})
    before = [(n.value, n.net_input) for n in net]
    syn[8].value = float("nan")
    with pytest.raises(ValueError, match="w_h2_o2"):
        net.forward({"i1": 1.0, "i2": 1.0})
    assert [(n.value, n.net_input) for n in net] == before


def test_net_zero_grad_during_a_paused_step_through_is_refused_on_resume():
    from tinygraph.demos import worked_example
    net, inputs, targets = worked_example.build()
    E = tg.squared_error(net.forward(inputs), targets)
    walk = tg.backprop_steps(E)
    for _ in range(4):
        next(walk)
    net.zero_grad()
    with pytest.raises(tg.GraphError, match="net.zero_grad"):
        list(walk)
