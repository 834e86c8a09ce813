"""Named activations (tinygraph/engine/activations.py): built-ins by name, user-registered ones, errors."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.errors import NotFiniteError, WrongTypeError
from tinygraph.engine import activations


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the activation registry, so registrations here do not leak into other tests."""
    monkeypatch.setattr(activations, "_REGISTRY", dict(activations._REGISTRY))
    return activations._REGISTRY


def real(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _sig(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def softplus(v):
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


BUILTIN = {
    # name (and aliases): value and slope by hand
    "sigmoid": (_sig, lambda v: _sig(v) * (1 - _sig(v))),
    "relu": (lambda v: max(v, 0.0), lambda v: 1.0 if v > 0 else 0.0),
    "ramp": (lambda v: max(v, 0.0), lambda v: 1.0 if v > 0 else 0.0),
    "tanh": (math.tanh, lambda v: 1 / math.cosh(v) ** 2),
    "sign": (lambda v: -1.0 if v < 0 else 1.0, lambda v: 0.0),
    "step": (lambda v: -1.0 if v < 0 else 1.0, lambda v: 0.0),
    "linear": (lambda v: v, lambda v: 1.0),
    "identity": (lambda v: v, lambda v: 1.0),
}


@pytest.mark.parametrize("name", sorted(BUILTIN))
@given(v=real(-20, 20).filter(lambda v: abs(v) > 1e-3))
def test_builtin_activations_by_name(name, v):
    f, df = BUILTIN[name]
    forms = (lambda x: tg.activate(x, name), lambda x: tg.get_activation(name)(x),
             lambda x: tg.activate(x, name.upper()))
    for act in forms:
        x = tg.Node(v)
        y = act(x) * 1.0
        y.backward()
        assert math.isclose(y.value, f(v), rel_tol=1e-12, abs_tol=1e-300)
        # the slopes 1 - t^2 and s (1 - s) are exact to ~1e-16 absolute (not relative) in the tails
        assert math.isclose(x.grad, df(v), rel_tol=1e-12, abs_tol=1e-15)
    tg.gradcheck(lambda a: forms[0](a) * 1.0, [tg.Node(v)], rtol=1e-6)


def test_builtin_names_and_aliases():
    names = tg.activation_names()
    for n in BUILTIN:
        assert n in names
    assert names == sorted(names)
    assert tg.get_activation("ramp") is tg.get_activation("relu")
    assert tg.get_activation("step") is tg.get_activation("sign")
    assert tg.get_activation(" Sigmoid ").name == "sigmoid"
    act = tg.get_activation("tanh")
    assert tg.get_activation(act) is act


def test_builtins_make_the_same_nodes_as_the_methods():
    x = tg.Node(0.3)
    for name in ["sigmoid", "relu", "tanh", "sign"]:
        y = tg.activate(x, name)
        assert (y.op, y.value, y.parents, y.local_grads) == (name, getattr(x, name)().value, (x,),
                                                            getattr(x, name)().local_grads)


def test_linear_is_the_node_itself():
    x = tg.Node(0.3)
    assert tg.activate(x, "linear") is x
    assert tg.activate(2.5, "linear").value == 2.5


def test_activate_takes_plain_numbers():
    y = tg.activate(0.0, "sigmoid")
    assert isinstance(y, tg.Node) and y.value == 0.5
    with pytest.raises(TypeError, match="str"):
        tg.activate("0.5", "sigmoid")


# -- user activations ---------------------------------------------------------------------

def test_register_softplus_and_use_it_by_name(registry):
    act = tg.register_activation("softplus", softplus, _sig)
    assert isinstance(act, tg.Activation) and act.name == "softplus"
    assert tg.get_activation("softplus") is act and tg.get_activation("SoftPlus") is act
    assert "softplus" in tg.activation_names()
    x = tg.Node(0.7, name="x")
    y = tg.activate(x, "softplus")
    assert (y.op, y.parents, y.value) == ("softplus", (x,), softplus(0.7))
    y.backward()
    assert x.grad == _sig(0.7)


@given(v=real(-30, 30))
def test_registered_activation_gradchecks(v):
    saved = dict(activations._REGISTRY)
    try:
        if "softplus_h" not in activations._REGISTRY:
            tg.register_activation("softplus_h", softplus, _sig)
        x = tg.Node(v)
        tg.gradcheck(lambda a: tg.activate(a, "softplus_h") * a, [x], rtol=1e-6)
        assert math.isclose(x.grad, _sig(v) * v + softplus(v), rel_tol=1e-9, abs_tol=1e-12)
    finally:
        activations._REGISTRY.clear()
        activations._REGISTRY.update(saved)


def test_registered_activation_in_a_network(registry):
    tg.register_activation("softplus", softplus, _sig)
    net = tg.Network("sp")
    net.input("x")
    h = net.neuron("h", activation="softplus", bias=0.2)
    s = net.connect("x", "h", weight=-1.5)
    out = net.forward({"x": 0.4})["h"]
    assert out.value == softplus(-1.5 * 0.4 + 0.2) and h.value == out.value
    out.backward()
    assert math.isclose(s.grad, _sig(-0.4) * 0.4) and math.isclose(h.bias.grad, _sig(-0.4))
    assert math.isclose(h.delta, _sig(-0.4))


def test_registered_activation_on_a_neuron_uses_its_output(registry):
    tg.register_activation("softplus", softplus, _sig)
    net = tg.Network("n")
    net.input("x")
    h = net.neuron("h", activation="sigmoid", bias=0.0)
    s = net.connect("x", "h", weight=2.0)
    net.forward({"x": 0.25})
    y = tg.activate(h, "softplus")
    assert y.parents == (h.output,)
    y.backward()
    hv = _sig(0.5)
    assert math.isclose(s.grad, _sig(hv) * hv * (1 - hv) * 0.25)


def test_duplicate_names_are_refused(registry):
    tg.register_activation("softplus", softplus, _sig)
    with pytest.raises(ValueError, match="softplus.*already exists.*replace=True"):
        tg.register_activation("softplus", softplus, _sig)
    with pytest.raises(ValueError, match="already exists"):
        tg.register_activation("SOFTPLUS", softplus, _sig)
    doubled = tg.register_activation("softplus", lambda v: 2 * softplus(v), lambda v: 2 * _sig(v), replace=True)
    assert tg.get_activation("softplus") is doubled and tg.activate(0.0, "softplus").value == 2 * math.log(2)
    for builtin in ["sigmoid", "relu", "ramp", "step", "linear", "identity"]:
        with pytest.raises(ValueError, match="already exists"):
            tg.register_activation(builtin, softplus, _sig, replace=True)


@pytest.mark.parametrize("typo, suggestion", [("sigmod", "sigmoid"), ("tahn", "tanh"), ("rellu", "relu"),
                                              ("softplsu", "softplus")])
def test_unknown_name_suggests_the_close_match(registry, typo, suggestion):
    tg.register_activation("softplus", softplus, _sig)
    for call in (lambda: tg.get_activation(typo), lambda: tg.activate(1.0, typo)):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert f"unknown activation {typo!r}" in message and f"Did you mean {suggestion!r}" in message
        assert "register_activation" in message
    net = tg.Network("n")
    with pytest.raises(ValueError, match=f"Did you mean {suggestion!r}"):
        net.neuron("h", activation=typo)


def test_unknown_name_without_a_close_match_lists_the_known_ones():
    with pytest.raises(ValueError, match="Known: .*sigmoid") as info:
        tg.get_activation("zzzzzz")
    assert "Did you mean" not in str(info.value)


def test_activation_given_by_something_else():
    with pytest.raises(TypeError, match="by name"):
        tg.get_activation(3)


@pytest.mark.parametrize("name, f, df", [("", softplus, _sig), ("  ", softplus, _sig), (3, softplus, _sig),
                                         ("mine", 1.0, _sig), ("mine", softplus, None)])
def test_register_refuses_bad_arguments(registry, name, f, df):
    with pytest.raises(TypeError):
        tg.register_activation(name, f, df)


def test_a_user_activation_outside_its_domain(registry):
    tg.register_activation("logact", math.log, lambda v: 1 / v)
    x = tg.Node(-1.0, name="net_h")
    with pytest.raises(tg.DomainError, match="'logact'.*net_h"):
        tg.activate(x, "logact")
    tg.register_activation("blowup", math.exp, lambda v: math.inf)
    with pytest.raises(tg.NodeOverflowError, match="'blowup'.*net_h"):
        tg.activate(x, "blowup")
    tg.register_activation("returns_none", lambda v: None, lambda v: 0.0)
    with pytest.raises(TypeError, match="'returns_none'.*return a number.*net_h"):
        tg.activate(x, "returns_none")
    tg.register_activation("returns_text", lambda v: "one", lambda v: 0.0)
    with pytest.raises(ValueError, match="'returns_text'.*net_h"):
        tg.activate(x, "returns_text")


# -- the functions themselves at their edges --------------------------------------------------

@given(real(-1.7e308, 1.7e308))
def test_sigmoid_and_tanh_finite_for_every_finite_input(v):
    for name in ["sigmoid", "tanh"]:
        x = tg.Node(v)
        y = tg.activate(x, name)
        y.backward()
        assert math.isfinite(y.value) and math.isfinite(x.grad) and 0.0 <= x.grad <= 1.0
        assert (0.0 if name == "sigmoid" else -1.0) <= y.value <= 1.0


@given(real(-50, 50))
def test_sigmoid_symmetry(v):
    assert math.isclose(tg.sigmoid(v).value + tg.sigmoid(-v).value, 1.0, rel_tol=1e-15)


def test_a_registered_activation_refuses_a_bad_value_too(registry):
    tg.register_activation("softsign_test", lambda v: v / (1 + abs(v)), lambda v: 1 / (1 + abs(v)) ** 2)
    x = tg.Node(0.5, name="x")
    for value, error in [(float("nan"), NotFiniteError), (math.inf, NotFiniteError),
                         ("abc", WrongTypeError)]:
        x.value = value                    # softsign(inf) would be a finite 1.0
        with pytest.raises(error, match="x.value is"):
            tg.activate(x, "softsign_test")
