"""The bridge to PyTorch and ONNX (tinygraph/torch_bridge): to_torch, from_torch, compare_with_torch,
to_onnx and export; exact round trips, agreement to 1e-12 in float64, and clear errors.

Tests that need torch (or onnx, onnxruntime) take the fixture of that name and skip when it is not
installed; the tests of what happens without them run everywhere.
"""

import math
import os
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.demos import step_networks
from tinygraph.torch_bridge import (EXTRA, MissingDependencyError, TorchBridgeError, export, parameter_name,
                                    run_onnx, tinygraph_name, to_onnx)
from tinygraph.torch_bridge.names import parameter_names

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


NEEDS = 'the torch extra is not installed (pip install "tinygraph[torch]": torch, onnx, onnxruntime)'


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason=NEEDS)


@pytest.fixture(scope="module")
def onnxruntime(torch):
    pytest.importorskip("onnx", reason=NEEDS)
    return pytest.importorskip("onnxruntime", reason=NEEDS)


def state(net):
    """Everything a round trip must keep: names, activations, and every weight and bias as exact hex."""
    neurons = [(n.name, n.is_input, None if n.is_input else n.activation.name,
                None if n.bias is None else (n.bias.value.hex(), n.bias.trainable)) for n in net]
    synapses = [(s.src.name, s.dst.name, s.name, s.value.hex(), s.trainable) for s in net.synapses]
    params = [(type(p).__name__, p.name) for p in net.parameters(include_fixed=True)]
    return net.name, neurons, synapses, params


def irregular():
    """Skip connections, a neuron fed from two layers, per-neuron activations, no bias, fixed weights,
    and names torch could not take as they are."""
    net = tg.Network("irregular")
    x1, x2 = net.input("x1"), net.input("x.2")
    h1 = net.neuron("h1", activation="tanh", bias=0.1)
    h2 = net.neuron("h2", activation="relu", bias=None)
    g = net.neuron("g", activation="sign", bias=-0.05)
    o1 = net.neuron("o1", activation="sigmoid", bias=0.3, train_bias=False)
    o2 = net.neuron("o2", activation="linear", bias=-0.2)
    net.connect(x1, h1, 0.5)
    net.connect(x2, h1, -0.7, name="w 2")
    net.connect(x1, h2, 1.1)
    net.connect(h1, g, 1.5)
    net.connect(x2, g, -0.2, name="forward")                 # an nn.Module method's name
    net.connect(h1, o1, 0.9, trainable=False)
    net.connect(h2, o1, -0.6)
    net.connect(x2, o1, 0.4)                                  # input straight to an output
    net.connect(g, o2, 0.25, name="w 2")                      # a name used twice
    net.connect(h2, o2, 0.75)
    return net


def check(result, tol=1e-12):
    assert result.ok, str(result)
    assert result.worst() <= tol
    assert result.gradients, "no gradient was compared"


# -- without the extra ------------------------------------------------------------------------------

def test_importing_tinygraph_never_imports_torch():
    code = ("import sys, tinygraph as tg; tg.to_torch; tg.from_torch; tg.compare_with_torch; "
            "tg.MissingDependencyError; import tinygraph.torch_bridge; tg.Network.load; tg.draw_network; "
            "assert not {'torch', 'onnx', 'onnxruntime'} & set(sys.modules), sorted(sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert run.returncode == 0, run.stderr


def test_without_torch_every_function_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)        # `import torch` now fails as if not installed
    net = tg.MLP([2, 2, 1])
    calls = [lambda: tg.to_torch(net), lambda: tg.from_torch(object()),
             lambda: tg.compare_with_torch(net, {"x1": 0.0, "x2": 1.0}, {"o1": 1.0}),
             lambda: to_onnx(net, tmp_path / "n.onnx"), lambda: export(net, torch_path=tmp_path / "n.pt")]
    for call in calls:
        with pytest.raises(MissingDependencyError) as e:
            call()
        assert isinstance(e.value, ImportError) and isinstance(e.value, tg.TinygraphError)
        assert EXTRA in str(e.value) and 'pip install "tinygraph[torch]"' in str(e.value)
        assert "torch" in str(e.value)
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("missing", ["onnx", "onnxruntime"])
def test_without_onnx_or_onnxruntime_the_error_names_it(torch, monkeypatch, tmp_path, missing):
    net = tg.MLP([2, 2, 1])
    path = tmp_path / "n.onnx"
    if missing == "onnxruntime":
        pytest.importorskip("onnx", reason=NEEDS)
        to_onnx(net, path)
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(MissingDependencyError, match=f"needs {missing}, which is not installed") as e:
        to_onnx(net, path) if missing == "onnx" else run_onnx(path, [[0.0, 1.0]])
    assert EXTRA in str(e.value)


# -- parameter names ----------------------------------------------------------------------------------

def test_parameter_names_keep_plain_names_and_write_the_others_reversibly():
    assert parameter_name("w_h1_o1") == "w_h1_o1"
    assert parameter_name("θ_h1") == "θ_h1"
    assert parameter_name("w h1.o1") == "_w_20_h1_2e_o1"
    assert parameter_name("_x") == "__5f_x"
    assert parameter_name("forward", reserved={"forward"}) == "_forward"
    assert parameter_name("class") == "_class"
    assert parameter_names(["w", "w", "w"]) == ["w", "_w_n2", "_w_n3"]
    for name in ["w h1.o1", "_x", "class", "", "ﬁ", "1st"]:
        assert tinygraph_name(parameter_name(name)) == name
    assert tinygraph_name("_w_n2") == "w"
    with pytest.raises(ValueError):
        tinygraph_name("_w_zz_")


@given(st.lists(st.text(max_size=8), max_size=6))
def test_parameter_names_are_valid_distinct_and_read_back(names):
    made = parameter_names(names, reserved={"forward", "training"})
    assert len(set(made)) == len(made)
    for name, p in zip(names, made):
        assert p and "." not in p and p not in {"forward", "training"}
        assert p.isidentifier() or p.startswith("_")
        assert tinygraph_name(p) == name


# -- tinygraph -> torch -------------------------------------------------------------------------------

def test_a_layered_network_becomes_linear_layers_with_its_weights(torch):
    net = tg.MLP([2, 3, 2], activation="tanh", output_activation="sigmoid", seed=4)
    m = tg.to_torch(net)
    assert [type(layer).__name__ for layer in m] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert m[0].weight.dtype == torch.float64
    assert m[2].weight[1, 2].item() == net.synapse("h3", "o2").value     # weight[j, i]: dst j, src i
    assert m[0].bias[1].item() == net["h2"].bias.value
    x = torch.tensor([[0.3, -0.8]], dtype=torch.float64)
    out = net.forward({"x1": 0.3, "x2": -0.8})
    assert m(x)[0].tolist() == pytest.approx([out["o1"].value, out["o2"].value], abs=1e-15)
    m32 = tg.to_torch(net, dtype=torch.float32)
    assert m32[0].weight.dtype == torch.float32


def test_a_linear_layer_and_a_layer_without_biases(torch):
    net = tg.MLP([2, 2, 1], activation="relu", output_activation="linear")
    for n in net.outputs:
        net._params.remove(n.bias)      # a layer without biases, as the multiplier's output has
        n.bias = None
    m = tg.to_torch(net)
    assert [type(layer).__name__ for layer in m] == ["Linear", "ReLU", "Linear"]
    assert m[2].bias is None
    mult, _, _ = step_networks()["multiplier"]()
    assert [type(layer).__name__ for layer in tg.to_torch(mult)] == ["Linear", "Sigmoid", "Linear"]


def test_to_torch_leaves_torch_random_numbers_alone(torch):
    torch.manual_seed(3)
    a = torch.rand(3)
    torch.manual_seed(3)
    tg.to_torch(tg.MLP([4, 8, 8, 2]))
    assert torch.equal(torch.rand(3), a)


def test_any_wiring_gets_one_parameter_per_synapse_named_after_it(torch):
    net = irregular()
    m = tg.to_torch(net)
    assert type(m).__name__ == "NetworkModule"
    sd = m.state_dict()
    assert sd["w_h1_g"].item() == 1.5 and sd["θ_h1"].item() == 0.1
    assert sd["_w_20_2"].item() == -0.7 and sd["_w_20_2_n2"].item() == 0.25        # "w 2", twice
    assert sd["_forward"].item() == -0.2                                          # not the method
    assert sd["_w_5f_x_2e_2_5f_o1"].item() == 0.4                                 # "w_x.2_o1"
    assert {tinygraph_name(k) for k in sd} == {p.name for p in net.parameters(include_fixed=True)}
    trained = dict(m.named_parameters())
    fixed = dict(m.named_buffers())
    assert set(fixed) == {"w_h1_o1", "θ_o1"}                 # trainable=False: buffers, never trained
    assert not set(fixed) & set(trained)
    assert len(trained) == len(net.parameters())
    assert all(p.dtype == torch.float64 and p.dim() == 0 for p in sd.values())
    with pytest.raises(TorchBridgeError, match="not layered"):
        tg.to_torch(net, layers=True)
    assert type(tg.to_torch(tg.MLP([2, 2, 1]), layers=False)).__name__ == "NetworkModule"


def test_the_module_takes_inputs_in_order_and_checks_their_shape(torch):
    net = irregular()
    m = tg.to_torch(net)
    rows = [[0.2, -0.4], [0.5, 0.1], [-1.0, 1.0]]
    got = m(torch.tensor(rows, dtype=torch.float64))
    assert tuple(got.shape) == (3, 2)
    for row, y in zip(rows, got.tolist()):
        out = net.forward(dict(zip(["x1", "x.2"], row)))
        assert y == pytest.approx([out["o1"].value, out["o2"].value], abs=1e-15)
    assert tuple(m(torch.tensor(rows[0], dtype=torch.float64)).shape) == (2,)
    with pytest.raises(TorchBridgeError, match=r"shape \(batch, 2\) whose columns are its inputs x1, x\.2"):
        m(torch.zeros(3, 5, dtype=torch.float64))


def test_an_activation_torch_does_not_know_is_refused_by_name(torch):
    name = "softplus_for_the_torch_test"
    if name not in tg.activation_names():
        tg.register_activation(name, lambda v: math.log1p(math.exp(v)), lambda v: 1 / (1 + math.exp(-v)))
    net = tg.MLP([2, 2, 1])
    net.neuron("odd", activation=name, bias=0.2)
    net.connect("h1", "odd", 0.5)
    with pytest.raises(TorchBridgeError) as e:
        tg.to_torch(net)
    assert "'odd'" in str(e.value) and repr(name) in str(e.value) and "activations=" in str(e.value)
    softplus = torch.nn.functional.softplus
    m = tg.to_torch(net, activations={name: softplus})
    check(tg.compare_with_torch(net, {"x1": 0.3, "x2": 0.9}, {"o1": 0.5, "odd": 1.0}, module=m))
    layered = tg.MLP([2, 3, 1], activation=name, output_activation="linear")
    seq = tg.to_torch(layered, activations={name: softplus})
    assert type(seq[1]).__name__ == "NamedActivation"
    check(tg.compare_with_torch(layered, [0.1, -0.3], [0.7], module=seq))
    assert state(tg.from_torch(seq)) == state(layered)


def test_an_activation_object_not_registered_by_its_name_is_refused(torch):
    net = tg.MLP([1, 1])
    net.connect("x1", net.neuron("own", activation=tg.Activation("own_act", math.sin, math.cos)), 1.0)
    with pytest.raises(TorchBridgeError, match="'own'.*'own_act' that is not registered.*register_activation"):
        tg.to_torch(net, activations={"own_act": lambda x: x.sin()})


def test_a_network_that_computes_nothing_is_refused(torch):
    net = tg.Network("empty")
    net.input("x")
    with pytest.raises(tg.GraphError, match="no output"):
        tg.to_torch(net)
    net.neuron("lonely")
    with pytest.raises(tg.GraphError, match="'lonely' has no incoming synapse"):
        tg.to_torch(net)
    with pytest.raises(TypeError, match="takes a tinygraph Network"):
        tg.to_torch(torch.nn.Linear(2, 2))


# -- the proof: every demo network and random DAGs agree to 1e-12 ------------------------------------

@pytest.mark.parametrize("layers", [None, False], ids=["auto", "per-synapse"])
@pytest.mark.parametrize("demo", sorted(step_networks()))
def test_every_demo_network_agrees_with_its_torch_twin(torch, demo, layers):
    net, inputs, targets = step_networks()[demo]()
    before = state(net)
    m = tg.to_torch(net, layers=layers)
    result = tg.compare_with_torch(net, inputs, targets, module=m)
    check(result)
    assert len(result.gradients) == len(net.parameters())
    assert state(net) == before and all(p.grad == 0.0 for p in net.parameters())    # net untouched
    assert all(p.grad is None for p in m.parameters())                               # module untouched
    assert state(tg.from_torch(m)) == before                                          # bit-exact back


@st.composite
def dags(draw):
    """A random feed-forward network: any fan-in from earlier neurons, any activation, some fixed weights."""
    weight = st.floats(-2.5, 2.5, allow_nan=False)
    net = tg.Network("dag")
    nodes = [net.input(f"x{i + 1}") for i in range(draw(st.integers(1, 3)))]
    for k in range(draw(st.integers(1, 6))):
        act = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear", "sign"]))
        bias = draw(st.one_of(st.none(), weight))
        n = net.neuron(f"n{k}", activation=act, bias=bias, train_bias=draw(st.booleans()))
        srcs = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4, unique_by=id))
        for s in srcs:
            net.connect(s, n, draw(weight), trainable=draw(st.sampled_from([True, True, True, False])))
        nodes.append(n)
    rows = draw(st.lists(st.lists(st.floats(-2, 2, allow_nan=False), min_size=len(net.inputs),
                                  max_size=len(net.inputs)), min_size=1, max_size=3))
    targets = [[draw(st.floats(-1, 1, allow_nan=False)) for _ in net.outputs] for _ in rows]
    return net, rows, targets


@settings(max_examples=60)
@given(dags())
def test_random_dag_networks_agree_with_their_torch_twins(torch, case):
    net, rows, targets = case
    for layers in (None, False):
        m = tg.to_torch(net, layers=layers)
        result = tg.compare_with_torch(net, rows, targets, module=m)
        assert result.ok, str(result)
        assert len(result.gradients) == len(net.parameters())
        assert state(tg.from_torch(m)) == state(net)


def test_layered_random_networks_round_trip_bit_exact(torch):
    rng = random.Random(7)
    for seed in range(5):
        net = tg.MLP([rng.randint(1, 4) for _ in range(rng.randint(2, 5))], seed=seed,
                     activation=rng.choice(["sigmoid", "tanh", "relu"]), output_activation="linear")
        for p in net.parameters():
            p.value = rng.uniform(-5, 5) * 10.0 ** rng.randint(-300, 300)       # every float bit matters
        m = tg.to_torch(net)
        assert type(m).__name__ == "Sequential"
        assert state(tg.from_torch(m)) == state(net)


def test_the_step_and_the_ramp_at_zero_as_tinygraph_has_them(torch):
    net = tg.Network("zero")
    x = net.input("x")
    for act in ("sign", "relu"):
        net.connect(x, net.neuron(act, activation=act, bias=None), 1.0)
    for layers in (None, False):
        m = tg.to_torch(net, layers=layers)
        assert m(torch.tensor([[0.0], [-0.5]], dtype=torch.float64)).tolist() == [[1.0, 0.0], [-1.0, 0.0]]
        check(tg.compare_with_torch(net, [[0.0], [2.0]], [[0.5, 0.5], [0.5, 0.5]], module=m))


def test_the_multiplier_is_judged_by_the_size_of_its_sums(torch):
    from tinygraph.torch_bridge.compare import Row, term_sizes
    net, inputs, _ = step_networks()["multiplier"]()
    size = term_sizes(net, inputs)["out"]
    assert 1e7 < size < 1e8                     # four terms of about 2.6e6 * 0.8, for an output of 12
    row = Row("out", 12.0, 12.0 + 3e-10, size)
    assert row.scaled < 1e-16 and Row("out", 12.0, 12.0 + 3e-10).scaled > 1e-12


@pytest.mark.parametrize("error, targets", [("squared_error", [[0.2, 0.9], [0.5, 0.1]]),
                                            ("mse", [[0.2, 0.9], [0.5, 0.1]]),
                                            ("hinge", [[1.0, -1.0], [-1.0, 1.0]]),
                                            ("binary_cross_entropy", [[0.0, 1.0], [1.0, 0.3]]),
                                            ("bce", [[0.0, 1.0], [1.0, 0.3]])])
def test_every_error_agrees(torch, error, targets):
    net = tg.MLP([3, 4, 2], seed=2)
    rows = [[0.1, -0.5, 0.9], {"x1": 1.0, "x2": 0.0, "x3": -1.0}]
    result = tg.compare_with_torch(net, rows, targets, error=error)
    check(result)
    assert result.samples == 2 and len(result.outputs) == 4


def test_a_difference_is_reported_with_its_place(torch):
    net, inputs, targets = step_networks()["worked-example"]()
    m = tg.to_torch(net)
    with torch.no_grad():
        m[2].weight[0, 1] += 1e-9
    result = tg.compare_with_torch(net, inputs, targets, module=m)
    assert not result.ok and not result
    text = str(result)
    assert "agree within 1e-12: NO" in text
    assert result.largest("outputs")[1] == "o1"                     # w_h2_o1 feeds o1 only
    assert 1e-11 < result.largest("outputs")[0] < 1e-9
    assert [r.tinygraph == r.torch for r in result.outputs] == [False, True]
    label = result.largest("gradients")[1]
    assert label in text and label.endswith("])") and ("weight[" in label or "bias[" in label)
    assert "tinygraph vs torch (float64, 1 sample, squared_error)" in text


def test_compare_in_float32_and_its_errors(torch):
    net = tg.MLP([2, 3, 1], seed=1)
    result = tg.compare_with_torch(net, {"x1": 0.3, "x2": -0.2}, {"o1": 0.7}, dtype=torch.float32)
    assert result.ok and result.tolerance == 1e-5 and result.dtype == "float32"
    assert result.largest_difference > 0            # float32 is not float64
    with pytest.raises(ValueError, match="unknown error 'squared'. Did you mean 'squared_error'"):
        tg.compare_with_torch(net, {"x1": 0.3, "x2": -0.2}, {"o1": 0.7}, error="squared")
    with pytest.raises(tg.NameNotFoundError, match="x3"):
        tg.compare_with_torch(net, {"x1": 0.3, "x3": -0.2}, {"o1": 0.7})
    with pytest.raises(TorchBridgeError, match="do not match the layers"):
        tg.compare_with_torch(net, {"x1": 0.3, "x2": -0.2}, {"o1": 0.7}, module=torch.nn.Linear(2, 1))


# -- torch -> tinygraph -------------------------------------------------------------------------------

def test_a_torch_trained_sequential_comes_back_drawable_and_steppable(torch):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2), torch.nn.ReLU(),
                            torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    opt = torch.optim.SGD(m.parameters(), lr=0.5)
    for _ in range(5):
        opt.zero_grad()
        ((m(X) - Y) ** 2).mean().backward()
        opt.step()
    net = tg.from_torch(m)
    assert [n.name for n in net] == ["x1", "x2", "h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "o1"]
    assert [net[n].activation.name for n in ("h1_1", "h2_1", "o1")] == ["tanh", "relu", "sigmoid"]
    assert net.synapse("h1_3", "h2_2").value == m[2].weight[1, 2].item()     # float32 -> float exactly
    assert net["o1"].bias.value == m[4].bias[0].item()
    source = tg.draw_network(net).source
    assert "h1_3" in source and "o1" in source
    E = tg.squared_error(net.forward({"x1": 1.0, "x2": 0.0}), {"o1": 1.0})
    steps = list(tg.backprop_steps(E))
    assert len(steps) > 10
    assert net.synapse("h2_2", "o1").grad != 0.0 or net["h2_2"].value == 0.0
    check(tg.compare_with_torch(net, X.tolist(), Y.tolist(), module=m))         # run in float64


def test_from_torch_linear_layers_without_activation_or_bias(torch):
    m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 2, bias=False), torch.nn.Identity())
    net = tg.from_torch(m)
    assert [(n.name, n.activation.name, n.bias is None) for n in net if not n.is_input] == [
        ("h1", "linear", False), ("h2", "linear", False), ("h3", "linear", False),
        ("o1", "linear", True), ("o2", "linear", True)]
    assert len(net.parameters()) == 3 + 6 + 6
    check(tg.compare_with_torch(net, [0.5, -1.0], [0.0, 1.0], module=m))
    bare = tg.from_torch(torch.nn.Linear(3, 2))
    assert [n.name for n in bare] == ["x1", "x2", "x3", "o1", "o2"]
    nested = tg.from_torch(torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU()),
                                               torch.nn.Linear(2, 1)), name="nested")
    assert nested.name == "nested" and nested["h1"].activation.name == "relu"


def test_from_torch_keeps_frozen_tensors_fixed(torch):
    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1))
    m[0].weight.requires_grad_(False)
    net = tg.from_torch(m)
    assert [s.trainable for s in net.synapses] == [False] * 4 + [True] * 2
    assert all(n.bias.trainable for n in net if not n.is_input)
    result = tg.compare_with_torch(net, [0.5, -1.0], [0.3], module=m)
    check(result)
    assert len(result.gradients) == 2 + 2 + 1


def test_a_changed_sequential_from_to_torch_comes_back_as_it_now_is(torch):
    net, _, _ = step_networks()["worked-example"]()
    m = tg.to_torch(net)
    assert state(tg.from_torch(m)) == state(net)              # its own names: i1, i2, h1, h2, o1, o2
    m[1] = torch.nn.Tanh()
    back = tg.from_torch(m)
    assert back["h1"].activation.name == "tanh"               # the module wins; the names are MLP's
    assert [n.name for n in back] == ["x1", "x2", "h1", "h2", "o1", "o2"]


@pytest.mark.parametrize("make, words", [
    (lambda nn: nn.Sequential(), ["empty"]),
    (lambda nn: nn.Sequential(nn.Sigmoid(), nn.Linear(2, 1)), ["module 0 (Sigmoid)", "before any nn.Linear"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)), ["module 1 (Dropout)", "training"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(), nn.Linear(3, 1)), ["module 1 (LeakyReLU)"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Tanh()),
     ["module 2 (Tanh)", "module 1, Sigmoid", "one activation"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), ["module 1 (Linear(4, 1))", "module 0 gives 3"]),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1), nn.Linear(3, 1)), ["module 1 (Softmax)", "last layer"]),
    (lambda nn: nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ELU())), ["module 0.1 (ELU)"]),
    (lambda nn: nn.Conv1d(1, 1, 1), ["nn.Sequential", "Conv1d"]),
])
def test_from_torch_says_which_module_it_cannot_map_and_why(torch, make, words):
    with pytest.raises(TorchBridgeError) as e:
        tg.from_torch(make(torch.nn))
    for w in words:
        assert w in str(e.value)


def test_from_torch_reads_an_activation_object_at_every_place_it_stands(torch):
    act = torch.nn.Sigmoid()                                  # one object after every layer: a common habit
    m = torch.nn.Sequential(torch.nn.Linear(2, 3), act, torch.nn.Linear(3, 1), act).double()
    net = tg.from_torch(m)
    assert [net[n].activation.name for n in ("h1", "o1")] == ["sigmoid", "sigmoid"]
    want = m(torch.tensor([[0.5, -0.25]], dtype=torch.float64)).item()
    assert net.forward([0.5, -0.25])["o1"].value == pytest.approx(want, abs=1e-15)
    check(tg.compare_with_torch(net, [0.5, -0.25], [1.0], module=m))       # against the original module
    tanh = torch.nn.Tanh()
    deep = torch.nn.Sequential(torch.nn.Linear(1, 2), tanh, torch.nn.Sequential(torch.nn.Linear(2, 2), tanh),
                               torch.nn.Linear(2, 1), tanh)
    assert [n.activation.name for n in tg.from_torch(deep) if not n.is_input] == ["tanh"] * 5


@pytest.mark.parametrize("make, where", [
    (lambda nn, L: nn.Sequential(L, L), "module 1 (Linear(2, 2)) is the same object as module 0"),
    (lambda nn, L: nn.Sequential(L, nn.Tanh(), L), "module 2 (Linear(2, 2)) is the same object as module 0"),
    (lambda nn, L: nn.Sequential(L, nn.Tanh(), L, nn.Tanh()),
     "module 2 (Linear(2, 2)) is the same object as module 0"),
    (lambda nn, L: nn.Sequential(nn.Sequential(L, nn.ReLU()), nn.Sequential(L, nn.ReLU())),
     "module 1.0 (Linear(2, 2)) is the same object as module 0.0"),
])
def test_from_torch_refuses_one_linear_in_two_places_naming_both(torch, make, where):
    with pytest.raises(TorchBridgeError) as e:
        tg.from_torch(make(torch.nn, torch.nn.Linear(2, 2)))
    assert where in str(e.value) and "weight of its own" in str(e.value)


def test_from_torch_proves_its_network_computes_what_the_module_computes(torch):
    class Doubled(torch.nn.Linear):                           # a Linear by type, not by what it computes
        def forward(self, x):
            return 2 * super().forward(x)

    with pytest.raises(TorchBridgeError, match="the module gives .* but the network read from its layers gives"):
        tg.from_torch(torch.nn.Sequential(Doubled(2, 1)))
    hooked = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
    hooked[1].register_forward_hook(lambda module, inputs, output: output * 0.5)
    with pytest.raises(TorchBridgeError, match="a hook"):
        tg.from_torch(hooked)
    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh())
    state_before = torch.random.get_rng_state()
    net = tg.from_torch(m)
    assert torch.equal(torch.random.get_rng_state(), state_before)     # the proof draws no torch random numbers
    assert all(n.value is None for n in net)                           # and leaves no forward pass behind


def test_compare_with_the_original_module_sees_a_network_that_differs(torch):
    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1)).double()
    net = tg.from_torch(m)
    net.synapses[0].value += 1e-3                               # the network no longer is the module
    assert not tg.compare_with_torch(net, [0.5, -0.25], [1.0], module=m).ok
    assert tg.compare_with_torch(net, [0.5, -0.25], [1.0]).ok        # its own twin agrees, of course


def test_from_torch_refuses_a_weight_that_is_not_finite(torch):
    m = torch.nn.Linear(2, 1)
    with torch.no_grad():
        m.weight[0, 1] = float("nan")
    with pytest.raises(TorchBridgeError, match=r"module 0's weight\[0, 1\] is nan"):
        tg.from_torch(m)


# -- ONNX and files -----------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: step_networks()["xor"]()[0], irregular], ids=["layered", "irregular"])
def test_onnx_runs_in_onnxruntime_with_the_same_outputs(onnxruntime, tmp_path, make):
    import onnx
    torch = sys.modules["torch"]
    net = make()
    rng = random.Random(1)
    rows = [[rng.uniform(-2, 2) for _ in net.inputs] for _ in range(5)]
    want = [[o.value for o in net.forward(r).values()] for r in rows]
    path = to_onnx(net, tmp_path / "net.onnx")                           # float64
    got = run_onnx(path, rows)
    assert max(abs(a - b) for ra, rb in zip(want, got) for a, b in zip(ra, rb)) <= 1e-12
    meta = {p.key: p.value for p in onnx.load(path).metadata_props}
    assert meta["tinygraph.inputs"] == '["' + '", "'.join(n.name for n in net.inputs) + '"]'
    path32 = to_onnx(net, tmp_path / "net32.onnx", dtype=torch.float32)
    got32 = run_onnx(path32, rows)                                       # float32: about 1e-7 relative
    assert max(abs(a - b) / max(1.0, abs(a)) for ra, rb in zip(want, got32) for a, b in zip(ra, rb)) <= 1e-6
    assert sorted(os.listdir(tmp_path)) == ["net.onnx", "net32.onnx"]    # no temporary file left


def test_export_writes_and_checks_both_files(onnxruntime, tmp_path):
    torch = sys.modules["torch"]
    net, _, _ = step_networks()["multiplier"]()
    saved = tmp_path / "mult.json"
    net.save(saved)
    report = export(saved, torch_path=tmp_path / "mult.pt", onnx_path=tmp_path / "mult.onnx", check=True)
    assert report.ok, str(report)
    text = str(report)
    assert "weights_only=False" in text and "agree within 1e-12: yes" in text and "onnxruntime" in text
    assert report.torch_check.samples == 8
    loaded = torch.load(tmp_path / "mult.pt", weights_only=False)
    assert state(tg.from_torch(loaded)) == state(net)
    r2 = export(irregular(), torch_path=tmp_path / "irr.pt", check=True)
    assert r2.ok and "tinygraph NetworkModule" in str(r2)
    assert state(tg.from_torch(torch.load(tmp_path / "irr.pt", weights_only=False))) == state(irregular())


def test_export_refuses_bad_paths(torch, tmp_path):
    net = tg.MLP([1, 1])
    with pytest.raises(ValueError, match="torch_path .* and/or onnx_path"):
        export(net)
    with pytest.raises(ValueError, match="file name is empty"):
        export(net, torch_path=" ")
    with pytest.raises(ValueError, match="is a folder"):
        export(net, torch_path=tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        export(net, torch_path=tmp_path / "no" / "n.pt")
    with pytest.raises(tg.NetworkFileError):
        export(tmp_path / "missing.json", torch_path=tmp_path / "n.pt")


# -- a network trained on a table: its input scaling goes with it -------------------------------------

def _table_network(tmp_path, columns, rows, epochs=30):
    """A network trained on a CSV (as `tinygraph train --save` does), saved and loaded back."""
    from tinygraph.data.tables import read_table, train_table
    lines = [",".join(columns)] + [",".join(repr(v) for v in r) for r in rows]
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fit = train_table(read_table(data, columns[-1]), hidden=[4], epochs=epochs, seed=1)
    fit.net.save(tmp_path / "net.json")
    return tg.Network.load(tmp_path / "net.json"), data


def _wide_rows(n=60, seed=3):
    """30 inputs of very different scales (1e-3 to 1e3, means far from 0), as in the breast-cancer data."""
    rng = random.Random(seed)
    scales = [10.0 ** (k % 7 - 3) for k in range(30)]
    rows = []
    for _ in range(n):
        label = rng.random() < 0.4
        rows.append([s * (5.0 + rng.gauss(1.5 if label else 0.0, 1.0)) for s in scales] + [int(label)])
    return [f"f{k + 1}" for k in range(30)] + ["diagnosis"], rows


def _price_rows(n=60, seed=5):
    """A regression with targets in the thousands: the network learns the standardised target."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a, b = rng.uniform(0, 10), rng.uniform(-5, 5)
        rows.append([a, b, 2000.0 * a - 300.0 * b + 15000.0 + rng.gauss(0, 50)])
    return ["rooms", "distance", "price"], rows


@pytest.mark.parametrize("which", ["circle", "wide", "regression"])
def test_exported_files_take_raw_rows_and_give_predicts_numbers(onnxruntime, tmp_path, which):
    from tinygraph.data.tables import predict_table
    torch = sys.modules["torch"]
    if which == "circle":
        with open(os.path.join(ROOT, "demos", "circle.csv")) as f:
            lines = f.read().split()
        columns = lines[0].split(",")
        table = [[float(v) for v in line.split(",")] for line in lines[1:121]]
    elif which == "wide":
        columns, table = _wide_rows()
    else:
        columns, table = _price_rows()
    net, data = _table_network(tmp_path, columns, table)
    assert net.scaling is not None
    head, predicted = predict_table(net, data)                 # the raw rows, standardised by predict
    out = columns[-1] + "_predicted"                           # (the file has the true labels in columns[-1])
    want = [float(r[head.index(out)]) for r in predicted]
    raw = [r[:-1] for r in table]
    report = export(tmp_path / "net.json", torch_path=tmp_path / "net.pt", onnx_path=tmp_path / "net.onnx",
                    check=True)
    assert report.ok, str(report)
    assert "in the data's own units" in str(report)
    got_onnx = [r[0] for r in run_onnx(tmp_path / "net.onnx", raw)]
    module = torch.load(tmp_path / "net.pt", weights_only=False)
    with torch.no_grad():
        got_torch = module(torch.tensor(raw, dtype=torch.float64))[:, 0].tolist()
    # a regression's output in the data's own units, as predict gives it (the identity for a classifier)
    exact = [net.scaling.unscale(net.forward(dict(zip(net.scaling.names, net.scaling.apply(r))))[columns[-1]].value)
             for r in raw]
    assert net.scaling.scales_target == (which == "regression")
    size = net.scaling.target_std if net.scaling.scales_target else 1.0
    assert max(abs(a - b) for a, b in zip(exact, got_onnx)) <= 1e-12 * max(1.0, size)
    assert max(abs(a - b) for a, b in zip(exact, got_torch)) <= 1e-12 * max(1.0, size)
    assert max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(want, got_onnx)) <= 5e-6   # predict writes 6 digits
    back = tg.from_torch(module)                               # the scaling comes back from the file
    assert (back.scaling.means, back.scaling.stds) == (net.scaling.means, net.scaling.stds)
    assert (back.scaling.target_mean, back.scaling.target_std) == (net.scaling.target_mean, net.scaling.target_std)
    assert back.scaling.labels == net.scaling.labels and state(back) == state(net)


def test_to_torch_with_the_scaling_and_compare_with_it(torch, tmp_path):
    net, _ = _table_network(tmp_path, *_wide_rows(n=30), epochs=5)
    plain, scaled = tg.to_torch(net), tg.to_torch(net, scaling=True)
    assert type(scaled[0]).__name__ == "Standardise" and len(scaled) == len(plain) + 1
    row = [[v * 1.5 + 2 for v in range(30)]]
    x = torch.tensor(row, dtype=torch.float64)
    want = net.forward(net.scaling.apply(row[0]))["diagnosis"].value
    assert scaled(x).item() == pytest.approx(want, abs=1e-12)
    standardised = torch.tensor([net.scaling.apply(row[0])], dtype=torch.float64)
    assert plain(standardised).item() == pytest.approx(want, abs=1e-12)   # the plain twin: what forward takes
    check(tg.compare_with_torch(net, net.scaling.apply(row[0]), [1.0], module=scaled))
    wired = tg.to_torch(net, layers=False, scaling=True)               # any wiring: Standardise, NetworkModule
    assert scaled(x).item() == pytest.approx(wired(x).item(), abs=1e-12)
    assert tg.from_torch(wired).scaling.means == net.scaling.means


def test_a_standardise_layer_anywhere_but_first_is_refused(torch, tmp_path):
    net, _ = _table_network(tmp_path, *_wide_rows(n=30), epochs=2)
    m = tg.to_torch(net, scaling=True)
    with pytest.raises(TorchBridgeError, match=r"module 1 \(Standardise\).*only be the first"):
        tg.from_torch(torch.nn.Sequential(m[1], m[0], *list(m)[2:]))


def test_export_errors_are_tinygraph_errors_naming_the_file_not_a_temporary_one(torch, tmp_path, monkeypatch):
    import tempfile
    from tinygraph.torch_bridge.export import ExportWriteError
    net = tg.MLP([1, 1])
    with pytest.raises(tg.TinygraphError, match="is a folder"):
        export(net, torch_path=tmp_path)

    real_open = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(ExportWriteError) as e:
        export(net, torch_path=tmp_path / "n.pt")
    assert str(tmp_path / "n.pt") in str(e.value) and ".tmp" not in str(e.value)
    assert isinstance(e.value, OSError) and os.listdir(tmp_path) == []
