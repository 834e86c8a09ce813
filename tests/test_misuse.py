"""Misuse: random bad values thrown at the public API (issue 11, item 7).

Every call site below takes one value ``v`` from a user: a Node's value, an operand, a target, a
learning rate, a file name, a drawing option, ...  The contract, checked for each site over random
values of every kind (nan, inf, huge, tiny, text, None, numpy scalars, bools, lists, complex, ...):

* a value that is fine for the site gives a result that is finite and equal to the math (or, where
  the math itself overflows or leaves its domain, an error of tinygraph's own);
* any other value gives an error from tinygraph's hierarchy (``tg.TinygraphError``) whose message
  names the culprit: the value itself or the parameter's name;
* never a nan or inf result, never a bare Python error from deep inside.

A property test draws sites and values at random; a sweep tries every site with every fixed value
of every kind.
"""

from __future__ import annotations

import json
import math
import operator
import os
import tempfile
import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.errors import TinygraphError

try:
    import numpy as np
except ImportError:                                          # numpy is optional: its kinds are left out
    np = None

NAN, INF = float("nan"), float("inf")

# -- the values, by kind -----------------------------------------------------------------------

#: each kind's fixed values (a kind's strategy draws from them, plus random ones for some kinds)
FIXED: Dict[str, List[Any]] = {
    "fine": [0.5, -2.0, 0, 3],
    "huge": [1e308, -1e308, 1.7976931348623157e308, -8.98846567431158e307],
    "tiny": [5e-324, -5e-324, 2.2250738585072014e-308, 1e-310],
    "nan": [NAN, -NAN],
    "inf": [INF, -INF],
    "bigint": [10 ** 400, -(10 ** 400)],
    "str": ["abc", "1.5", "nan", "", " ", "x1"],
    "None": [None],
    "bool": [True, False],
    "list": [[1.0], [], [NAN], (1.0,), [1.0, 2.0]],
    "complex": [1 + 2j, complex(1.0, 0.0), -1j],
    "fraction": [Fraction(1, 3), Fraction(-7, 2)],
    "decimal": [Decimal("0.5"), Decimal("NaN")],
    "dict": [{}, {"v": 1.0}],
    "object": [object()],
}
if np is not None:
    FIXED.update({
        "numpy": [np.float64(2.5), np.float32(0.5), np.int64(3), np.int8(-2), np.float16(1.5)],
        "numpy nan": [np.float64("nan"), np.float32("nan")],
        "numpy inf": [np.float64("inf"), np.float32("-inf")],
        "numpy bool": [np.bool_(True), np.bool_(False)],
        "numpy array": [np.array([1.0, 2.0]), np.array(3.0)],
    })
RANDOM = {"fine": st.one_of(st.floats(-50.0, 50.0, allow_nan=False), st.integers(-20, 20)),
          "str": st.text(max_size=6)}
KINDS: Dict[str, st.SearchStrategy] = {
    kind: st.sampled_from(values) | RANDOM[kind] if kind in RANDOM else st.sampled_from(values)
    for kind, values in FIXED.items()}

#: kinds of value that are real, finite numbers
NUMBER_KINDS = {"fine", "huge", "tiny", "bool", "fraction", "numpy"}


def kind_of(v: Any) -> str:
    """The kind a value belongs to (the keys of KINDS)."""
    if np is not None:
        if isinstance(v, np.ndarray):
            return "numpy array"
        if isinstance(v, np.bool_):
            return "numpy bool"
        if isinstance(v, np.generic):
            f = float(v)
            return "numpy nan" if f != f else "numpy inf" if math.isinf(f) else "numpy"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "bigint" if abs(v) > 1e308 else "fine"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if math.isinf(v):
            return "inf"
        return "huge" if abs(v) > 1e307 else "tiny" if 0 < abs(v) < 1e-300 else "fine"
    for kind, types in (("str", str), ("None", type(None)), ("list", (list, tuple)), ("complex", complex),
                        ("fraction", Fraction), ("decimal", Decimal), ("dict", dict)):
        if isinstance(v, types):
            return kind
    return "object"


def is_number(v: Any) -> Optional[bool]:
    """True for a real, finite number; None (either answer is right) for numpy's bool and a finite
    Decimal, which are not numbers.Real but hold a number; False for anything else."""
    kind = kind_of(v)
    if kind in NUMBER_KINDS:
        return True
    if kind == "numpy bool" or (kind == "decimal" and v.is_finite()):
        return None
    return False


def real_where(v: Any, cond: Callable[[float], bool]) -> Optional[bool]:
    """is_number(v), narrowed to the numbers for which cond(float(v)) holds."""
    n = is_number(v)
    if n is False:
        return False
    ok = bool(cond(float(v)))
    return ok if n else (None if ok else False)


# -- the call sites ------------------------------------------------------------------------------

class Site(NamedTuple):
    """One way a user hands tinygraph a value ``v``.

    call(v): what the user does; returns the result to check.
    accepts(v): True if v is fine here, False if it must be refused, None if either is fine.
    expected(v): the right result (a float or a list of floats) for an accepted v, or None to only
        check that the result is finite; raising ArithmeticError/ValueError means the math itself
        overflows or leaves its domain, so a tinygraph error is right too.
    names: words that name the culprit in an error message (besides the value itself).
    kinds: the kinds of value tried here (default: all).
    """
    call: Callable[[Any], Any]
    accepts: Callable[[Any], Optional[bool]]
    expected: Optional[Callable[[Any], Any]]
    names: Tuple[str, ...]
    kinds: Optional[Tuple[str, ...]] = None


SITES: Dict[str, Site] = {}


def site(name: str, accepts: Callable[[Any], Optional[bool]] = is_number, expected=None, names=(), kinds=None):
    def register(call):
        SITES[name] = Site(call, accepts, expected, tuple(names), kinds)
        return call
    return register


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def finite(x: float) -> float:
    if not math.isfinite(x):
        raise OverflowError("the math overflows")
    return x


def log_math(a: float) -> float:
    finite(1.0 / a)                        # its slope 1/a must be a float too
    return math.log(a)


UNARY = {"exp": lambda a: finite(math.exp(a)), "log": log_math, "sigmoid": sigmoid,
         "relu": lambda a: max(0.0, a), "tanh": math.tanh, "sign": lambda a: -1.0 if a < 0 else 1.0,
         "neg": lambda a: -a}
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


def apply(x: Any, op: str) -> Any:
    return -x if op == "neg" else getattr(x, op)()


def binary_math(a: float, b: float, op: str, node: str = "a") -> float:
    """a op b as floats, raising where tinygraph must refuse: the value or a slope is not a float.

    ``node`` says which operands are Nodes ("a", "b" or "ab"): only their slopes are computed.
    """
    if op == "**":
        if a < 0 and b != int(b):
            raise ValueError("a negative base to a fractional power")
        if "b" in node and a < 0:
            raise ValueError("the slope in the exponent, a ** b ln a, needs a >= 0")
        value = finite(float(a ** b))
        if "a" in node:
            if a == 0 and b < 1 and b != 0:
                raise ValueError("the slope of 0 ** b for b < 1 is infinite")
            finite(b * a ** (b - 1) if b != 0 and a != 0 else 0.0)
        if "b" in node and a > 0:
            finite(value * math.log(a))
        return value
    if op == "/":
        if "a" in node:
            finite(1.0 / b)
        if "b" in node:
            finite(a / (b * b))
    return finite(float(BINARY[op](a, b)))


# The engine: a Node's value, the ops, the module functions, activate

site("Node(v)", expected=lambda v: float(v), names=())(lambda v: tg.Node(v, name="x_in"))

for _op, _f in UNARY.items():
    site(f"x.{_op}() with x = Node(v)", expected=lambda v, f=_f: f(float(v)), names=("x_in",))(
        lambda v, op=_op: apply(tg.Node(v, name="x_in"), op))

    def _by_hand(v, op=_op):
        x = tg.Node(1.0, name="x_in")
        x.value = v
        return apply(x, op)
    site(f"x.{_op}() after x.value = v", expected=lambda v, f=_f: f(float(v)), names=("x_in",))(_by_hand)

    if _op != "neg":
        site(f"tg.{_op}(v)", expected=lambda v, f=_f: f(float(v)), names=(_op,))(
            lambda v, op=_op: getattr(tg, op)(v))

for _sym in BINARY:
    site(f"x {_sym} v", expected=lambda v, s=_sym: binary_math(1.5, float(v), s, node="a"), names=(_sym,))(
        lambda v, s=_sym: BINARY[s](tg.Node(1.5, name="x_in"), v))
    site(f"v {_sym} x", expected=lambda v, s=_sym: binary_math(float(v), 1.5, s, node="b"), names=(_sym,))(
        lambda v, s=_sym: BINARY[s](v, tg.Node(1.5, name="x_in")))

    def _binary_by_hand(v, s=_sym):
        x = tg.Node(1.0, name="x_in")
        x.value = v
        return BINARY[s](x, 2.0)
    site(f"x {_sym} 2.0 after x.value = v", expected=lambda v, s=_sym: binary_math(float(v), 2.0, s),
         names=("x_in",))(_binary_by_hand)


@site("backward() after x.grad = v (a leaf)", expected=lambda v: float(v) + 2.0, names=("x_in", "grad"))
def _grad_by_hand(v):
    x = tg.Node(1.0, name="x_in")
    x.grad = v
    (x * 2.0).backward()
    return x.grad


@site("tg.activate(v, 'tanh')", expected=lambda v: math.tanh(float(v)), names=("tanh", "activate"))
def _activate_value(v):
    return tg.activate(v, "tanh")


ACTIVATIONS = set(tg.activation_names()) | {"ramp", "step"}


@site("tg.activate(Node(0.5), v) (the activation's name)",
      accepts=lambda v: isinstance(v, str) and v.strip().lower() in ACTIVATIONS, names=("activation",))
def _activate_name(v):
    return tg.activate(tg.Node(0.5, name="x_in"), v)


# Losses

def _out(value=0.3):
    return {"o": tg.Node(value, name="o_out")}


site("tg.squared_error(outputs, {'o': v}) (a target)", expected=lambda v: 0.5 * finite((0.3 - float(v)) ** 2),
     names=("target",))(lambda v: tg.squared_error(_out(), {"o": v}))
site("tg.squared_error(outputs, v) (the targets)",
     accepts=lambda v: None if kind_of(v) == "list" else is_number(v),                 # [v] is a list of targets
     names=("target",))(lambda v: tg.squared_error(_out(), v))
site("tg.mse([outputs], [[v]])", expected=lambda v: finite((0.3 - float(v)) ** 2),
     names=("target",))(lambda v: tg.mse([_out()], [[v]]))


@site("tg.squared_error after output.value = v", expected=lambda v: 0.5 * finite((float(v) - 0.1) ** 2),
      names=("o_out",))
def _loss_output_by_hand(v):
    outputs = _out()
    outputs["o"].value = v
    return tg.squared_error(outputs, {"o": 0.1})


site("tg.hinge(outputs, {'o': v}) (a label)",
     accepts=lambda v: None if kind_of(v) == "bool" else real_where(v, lambda a: a in (-1.0, 1.0)),
     expected=lambda v: max(0.0, 1.0 - float(v) * 0.3), names=("label",))(lambda v: tg.hinge(_out(), {"o": v}))
site("tg.binary_cross_entropy(outputs, {'o': v}) (a target)",
     accepts=lambda v: real_where(v, lambda a: 0.0 <= a <= 1.0),
     expected=lambda v: -(float(v) * math.log(0.3) + (1 - float(v)) * math.log(0.7)),
     names=("target",))(lambda v: tg.binary_cross_entropy(_out(), {"o": v}))
site("tg.binary_cross_entropy(outputs, {'o': v}, from_logits=True)",
     accepts=lambda v: real_where(v, lambda a: 0.0 <= a <= 1.0),
     names=("target",))(lambda v: tg.binary_cross_entropy(_out(), {"o": v}, from_logits=True))


@site("tg.l2([w]) after w.value = v", expected=lambda v: finite(float(v) ** 2), names=("w_l2",))
def _l2_by_hand(v):
    w = tg.Node(1.0, name="w_l2")
    w.value = v
    return tg.l2([w])


site("tg.l2(v) (the parameters)", accepts=lambda v: False, names=("l2",))(lambda v: tg.l2(v))


# A network's forward pass: a 2-1 sigmoid network, o = sigmoid(0.5 x1 - 0.25 x2 + 0.1)

def tiny_net():
    net = tg.Network("tiny")
    net.input("x1"), net.input("x2")
    net.neuron("o", activation="sigmoid", bias=0.1)
    net.connect("x1", "o", weight=0.5)
    net.connect("x2", "o", weight=-0.25)
    return net


def tiny_math(x1=1.0, x2=1.0, w1=0.5, w2=-0.25, b=0.1):
    return sigmoid(finite(finite(w1 * x1) + finite(w2 * x2) + b))


site("net.forward({'x1': v, 'x2': 1.0})", expected=lambda v: tiny_math(x1=float(v)), names=("x1",))(
    lambda v: tiny_net().forward({"x1": v, "x2": 1.0})["o"])
site("net.forward([1.0, v])", expected=lambda v: tiny_math(x2=float(v)), names=("x2",))(
    lambda v: tiny_net().forward([1.0, v])["o"])
site("net.forward(v) (the inputs)", accepts=lambda v: None if kind_of(v) == "list" else False,
     names=("forward",))(lambda v: tiny_net().forward(v))


@site("net.forward after a weight's value = v", expected=lambda v: tiny_math(w1=float(v)), names=("w_x1_o",))
def _forward_weight_by_hand(v):
    net = tiny_net()
    net.synapse("x1", "o").value = v
    return net.forward({"x1": 1.0, "x2": 1.0})["o"]


@site("net.forward after a bias's value = v", expected=lambda v: tiny_math(b=float(v)), names=("θ_o",))
def _forward_bias_by_hand(v):
    net = tiny_net()
    net["o"].bias.value = v
    return net.forward({"x1": 1.0, "x2": 1.0})["o"]


@site("net.forward({'x1': Node, ...}) after that Node's value = v", expected=lambda v: tiny_math(x1=float(v)),
      names=("xin",))
def _forward_node_by_hand(v):
    x = tg.Node(1.0, name="xin")
    x.value = v
    return tiny_net().forward({"x1": x, "x2": 1.0})["o"]


site("net.connect(x1, o, weight=v)", accepts=lambda v: True if v is None else is_number(v),  # None: random
     expected=lambda v: None if v is None else float(v), names=("weight",))(
    lambda v: _fresh_for_connect().connect("x1", "o", weight=v).value)
site("net.neuron('h', bias=v)", accepts=lambda v: True if v is None else is_number(v),          # None: no bias
     expected=lambda v: None if v is None else float(v), names=("bias",))(
    lambda v: _bias_of(tg.Network("n").neuron("h", bias=v)))


def _bias_of(neuron):
    return None if neuron.bias is None else neuron.bias.value


def _fresh_for_connect():
    net = tg.Network("n")
    net.input("x1")
    net.neuron("o")
    return net


# The optimizer: SGD on one parameter p (value 1.0, grad 0.5)

_UNSET = object()


def _sgd(lr=0.1, momentum=0.0, value=1.0, grad=0.5, set_lr=_UNSET):
    p = tg.Node(1.0, name="p_w")
    opt = tg.SGD([p], lr=lr, momentum=momentum)
    p.value, p.grad = value, grad
    if set_lr is not _UNSET:
        opt.lr = set_lr
    opt.step()
    return p.value


def positive(v):
    return None if kind_of(v) in ("bool", "numpy bool") else real_where(v, lambda a: a > 0)


site("tg.SGD(params, lr=v)", accepts=positive, expected=lambda v: finite(1.0 - float(v) * 0.5), names=("lr",))(
    lambda v: _sgd(lr=v))
site("opt.lr = v, then opt.step()", accepts=positive, expected=lambda v: finite(1.0 - float(v) * 0.5),
     names=("lr",))(lambda v: _sgd(set_lr=v))
site("tg.SGD(params, momentum=v)",
     accepts=lambda v: None if kind_of(v) in ("bool", "numpy bool") else real_where(v, lambda a: 0 <= a < 1),
     expected=lambda v: 1.0 - 0.1 * 0.5, names=("momentum",))(lambda v: _sgd(momentum=v))
site("opt.step() after p.value = v", expected=lambda v: finite(float(v) - 0.1 * 0.5), names=("p_w",))(
    lambda v: _sgd(value=v))
site("opt.step() after p.grad = v", expected=lambda v: finite(1.0 - 0.1 * float(v)), names=("p_w",))(
    lambda v: _sgd(grad=v))


# Training: tg.train on a 2-1 network, three epochs

DATA = [({"x1": a, "x2": b}, {"o1": float(a ^ b)}) for a in (0, 1) for b in (0, 1)]


def _train(**kw):
    args = dict(data=DATA, lr=0.5, max_epochs=3, verbose=False)
    args.update(kw)
    return list(tg.train(tg.MLP([2, 1], seed=0), **args))


site("tg.train(lr=v)", accepts=positive, names=("lr",))(lambda v: _train(lr=v))
site("tg.train(until=v)",
     accepts=lambda v: True if v is None else None if kind_of(v) in ("bool", "numpy bool") else is_number(v),
     names=("until",))(lambda v: _train(until=v))
site("tg.train(max_epochs=v)",
     accepts=lambda v: (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 20) or (
         None if kind_of(v) in ("bool", "numpy", "numpy bool") else False),
     names=("max_epochs",), kinds=tuple(k for k in KINDS if k not in ("fine", "bigint")) + ("small int",))(
    lambda v: _train(max_epochs=v))
site("tg.train(momentum=v)",
     accepts=lambda v: None if kind_of(v) in ("bool", "numpy bool") else real_where(v, lambda a: 0 <= a < 1),
     names=("momentum",))(lambda v: _train(momentum=v))
site("tg.train(data=v)", accepts=lambda v: False, names=("data",))(lambda v: _train(data=v))
site("tg.train(data=[({'x1': v, 'x2': 0}, {'o1': 1})])", names=("x1",))(
    lambda v: _train(data=[({"x1": v, "x2": 0.0}, {"o1": 1.0})]))
site("tg.train(data=[({'x1': 0, 'x2': 1}, {'o1': v})])", names=("o1", "target"))(
    lambda v: _train(data=[({"x1": 0.0, "x2": 1.0}, {"o1": v})]))
site("tg.train(loss=v)", accepts=lambda v: isinstance(v, str) and v.strip().lower() in (
    "squared_error", "mse", "hinge", "binary_cross_entropy", "bce") or False, names=("loss",))(
    lambda v: _train(loss=v))


# Saving and loading

class _InFolder:
    """Run inside a fresh temporary folder (file names the fuzzer makes up land there)."""

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.old = os.getcwd()
        os.chdir(self.tmp.name)
        return self.tmp.name

    def __exit__(self, *exc):
        os.chdir(self.old)
        self.tmp.cleanup()


def _save_load(v):
    with _InFolder():
        net = tg.MLP([2, 2, 1], seed=1)
        net.save(v)
        back = tg.Network.load(v)
        return [p.value for p in back.parameters()] == [p.value for p in net.parameters()]


def _good_name(v):
    if not isinstance(v, str):
        return None if isinstance(v, os.PathLike) else False
    base = os.path.basename(v)
    stem, suffix = os.path.splitext(base)
    if not v.strip() or "\0" in v or suffix in ("", ".") or base in ("", ".", "..") or suffix.lower() in (
            ".png", ".svg", ".pdf", ".gv", ".dot", ".jpg", ".jpeg"):
        return False
    return None if os.sep in v or len(v.encode()) > 200 else True


site("net.save(v); tg.Network.load(v)", accepts=_good_name, expected=lambda v: True, names=(),
     kinds=("path", "str", "None", "bool", "list", "fine", "bytes", "object"))(_save_load)


@site("tg.Network.load(a file holding the bytes v)", accepts=lambda v: False, names=("cannot load",),
      kinds=("bytes",))
def _load_bytes(v):
    with _InFolder():
        with open("net.json", "wb") as f:
            f.write(v)
        return tg.Network.load("net.json")


@site("tg.Network.load(a file holding the JSON value v)", accepts=lambda v: False, names=("cannot load",),
      kinds=("json",))
def _load_json(v):
    with _InFolder():
        with open("net.json", "w") as f:
            json.dump(v, f)
        return tg.Network.load("net.json")


def _good_doc():
    from tinygraph.networks.saving import network_to_dict
    return network_to_dict(tg.MLP([2, 2, 1], seed=1))


_FIELDS = [("name",), ("version",), ("neurons",), ("synapses",), ("neurons", 0), ("neurons", 2),
           ("neurons", 2, "name"), ("neurons", 2, "kind"), ("neurons", 2, "activation"), ("neurons", 2, "bias"),
           ("neurons", 2, "bias_trainable"), ("neurons", 2, "param"), ("synapses", 0), ("synapses", 1, "src"),
           ("synapses", 1, "dst"), ("synapses", 1, "weight"), ("synapses", 1, "name"), ("synapses", 1, "trainable"),
           ("synapses", 1, "param")]


@site("tg.Network.load(a saved file with one field set to the JSON value v)", accepts=lambda v: None,
      names=("cannot load",), kinds=("json field",))
def _load_field(v):
    where, value = v
    doc = _good_doc()
    target = doc
    for k in where[:-1]:
        target = target[k]
    target[where[-1]] = value
    with _InFolder():
        with open("net.json", "w") as f:
            json.dump(doc, f)                    # NaN and Infinity too: Python's json reads them back
        net = tg.Network.load("net.json")
    try:
        outputs = [o.value for o in net.forward([0.5, -0.5]).values()]
    except (tg.GraphError, TinygraphError, KeyError):     # a file may hold a network that cannot run (yet)
        outputs = []
    return [p.value for p in net.parameters()] + outputs


# Drawing: build the DOT text only (.source), no rendering

def _drawn_net():
    net = tg.MLP([2, 2, 1], seed=3)
    net.forward([0.5, -0.5])
    return net


def _draw_net(**kw):
    return tg.draw_network(_drawn_net(), **kw).source


def _graph_root():
    x = tg.Node(0.5, name="x_in")
    return (x * 2.0 + 1.0).sigmoid()


def _draw_graph(**kw):
    return tg.draw_graph(_graph_root(), **kw).source


def either(v):
    return None


for _opt in ("values", "deltas", "grads", "legend", "allow_large"):
    site(f"tg.draw_network(net, {_opt}=v)", accepts=either, names=(_opt,))(lambda v, o=_opt: _draw_net(**{o: v}))
site("tg.draw_network(net, title=v)", accepts=either, names=("title",))(lambda v: _draw_net(title=v))
site("tg.draw_network(net, rankdir=v)", accepts=lambda v: isinstance(v, str) and v in ("LR", "TB", "RL", "BT"),
     names=("rankdir",))(lambda v: _draw_net(rankdir=v))
site("tg.draw_network(net, edge_labels=v)",
     accepts=lambda v: True if v is None or isinstance(v, bool) else (None if kind_of(v) in ("fine", "numpy bool")
                                                                      else False),
     names=("edge_labels",))(lambda v: _draw_net(edge_labels=v))
for _opt in ("highlight", "known", "known_values"):
    site(f"tg.draw_network(net, {_opt}=v)", accepts=lambda v: None if kind_of(v) in ("list", "str", "dict", "None")
         else False, names=(_opt,))(lambda v, o=_opt: _draw_net(**{o: v}))


@site("tg.draw_network(net) after a weight's value = v", accepts=either, names=("w_x1_h1",))
def _draw_weight_by_hand(v):
    net = _drawn_net()
    net.synapse("x1", "h1").value = v
    return tg.draw_network(net).source


for _opt in ("grads", "allow_large"):
    site(f"tg.draw_graph(node, {_opt}=v)", accepts=either, names=(_opt,))(lambda v, o=_opt: _draw_graph(**{o: v}))
site("tg.draw_graph(node, title=v)", accepts=either, names=("title",))(lambda v: _draw_graph(title=v))
site("tg.draw_graph(node, max_nodes=v)",
     accepts=lambda v: (isinstance(v, int) and not isinstance(v, bool) and v >= 5) or (
         None if kind_of(v) in ("numpy", "fine") or (isinstance(v, int) and v > 0) else False),
     names=("max_nodes",))(lambda v: _draw_graph(max_nodes=v))
for _opt in ("highlight", "highlight_edges", "known"):
    site(f"tg.draw_graph(node, {_opt}=v)", accepts=lambda v: None if kind_of(v) in ("list", "str", "dict", "None")
         else False, names=(_opt,))(lambda v, o=_opt: _draw_graph(**{o: v}))


@site("tg.draw_graph(node) after node.value = v", accepts=either, names=("x_in",))
def _draw_graph_by_hand(v):
    x = tg.Node(0.5, name="x_in")
    root = (x * 2.0 + 1.0).sigmoid()
    x.value = v
    return tg.draw_graph(root).source


# The extra kinds that only some sites use
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids,
                                                                                     max_size=3),
                           max_leaves=6)
PATH_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).filter(
    lambda s: not s.startswith(os.sep) and ".." not in s)             # stay inside the temporary folder
PATH_NAMES = ["", " ", "\t", "net", "net.", ".", "./", "no/such/net.json", "net.json", "a\0b.json", "net.png",
              "x" * 300 + ".json", "net.json/", "sub/../net.json", "ünï cødé.json", "net.json ", "-", "NUL.json"]
EXTRA_KINDS = {
    "small int": st.integers(0, 5),
    "bytes": st.binary(max_size=40) | st.sampled_from([b"", b"\xff\xfe", b"{", bytes(range(256))]),
    "json": JSON_VALUES,
    "json field": st.tuples(st.sampled_from(_FIELDS), JSON_VALUES | st.sampled_from([NAN, INF, -INF, 10 ** 400,
                                                                                     1e308, -5e-324])),
    "path": st.one_of(PATH_TEXT, PATH_TEXT.map(lambda s: s + ".json"),
                      st.sampled_from(PATH_NAMES)),
}
ALL_KINDS = {**KINDS, **EXTRA_KINDS}
FIXED.update({
    "small int": [0, 2],
    "bytes": [b"", b"\xff\xfe", b"{", bytes(range(256)), b"\x00" * 8],
    "json": [None, 3, "x", [], {}, {"format": "tinygraph-network"}, {"format": "tinygraph-network", "version": 1},
             {"format": "tinygraph-network", "version": 1, "name": "n", "neurons": [{}], "synapses": []}],
    "json field": [(where, value) for where in _FIELDS for value in (None, "x", -1, NAN, 10 ** 400, [], {})],
    "path": PATH_NAMES,
})


def kinds_for(name: str) -> Tuple[str, ...]:
    s = SITES[name]
    return tuple(k for k in (s.kinds or tuple(KINDS)) if k in ALL_KINDS)


# -- the contract ----------------------------------------------------------------------------------

def _numbers(result: Any) -> List[float]:
    """Every number in a result, to check each is finite."""
    if isinstance(result, tg.Node):
        return [result.value, result.grad]
    if isinstance(result, dict):
        return [x for v in result.values() for x in _numbers(v)]
    if isinstance(result, (list, tuple)):
        return [x for v in result for x in _numbers(v)]
    if isinstance(result, (bool, str)) or result is None:
        return []
    if isinstance(result, (int, float)):
        return [result]
    if isinstance(result, tg.Network):
        return [p.value for p in result.parameters()]
    return []


def _spellings(v: Any) -> List[str]:
    out = [repr(v), str(v)]
    try:
        f = float(v)
        out += [repr(f), str(f)]
    except Exception:  # noqa: BLE001 -- not every value has a float
        pass
    if len(repr(v)) > 20:                      # a long value may be shown cut short
        out.append(repr(v)[:20])
    if kind_of(v) == "bigint":                 # or described: 10**400 has too many digits to show
        out += ["integer too large", "digits"]
    return [s for s in out if s.strip()]


def names_culprit(message: str, name: str, v: Any) -> bool:
    return any(w in message for w in list(SITES[name].names) + _spellings(v))


def violation(name: str, v: Any) -> Optional[str]:
    """None if site ``name`` keeps the contract for ``v``, else what went wrong, as "[category] details".

    Categories: [class] a built-in error (not tinygraph's) although its message names the culprit;
    [bare] any other error that is not tinygraph's; [unnamed] a tinygraph error that does not name the
    culprit; [silent] a bad value accepted; [nonfinite] a result that is not a finite float; [wrong] a
    result that is not the math; [refused] a fine value refused.
    """
    s = SITES[name]
    ok = s.accepts(v)
    try:
        with warnings.catch_warnings():         # e.g. TrainingWarning for a huge lr: a warning is no error
            warnings.simplefilter("ignore")
            result = s.call(v)
    except TinygraphError as e:
        message = str(e)
        if not names_culprit(message, name, v):
            return f"[unnamed] {type(e).__name__} does not name {' or '.join(s.names)} or {v!r}: {message}"
        if ok and s.expected is not None:
            try:
                right = s.expected(v)
            except (ArithmeticError, ValueError):
                return None                         # the math itself fails: an error is right
            return f"[refused] a fine value, with {type(e).__name__}: {message} (the math gives {right!r})"
        if ok and s.expected is None and not isinstance(e, (ArithmeticError, tg.DomainError)):
            return f"[refused] a fine value, with {type(e).__name__}: {message}"
        return None
    except Exception as e:  # noqa: BLE001 -- the point: any other error breaks the contract
        category = "class" if isinstance(e, (TypeError, ValueError)) and names_culprit(str(e), name, v) else "bare"
        return f"[{category}] {type(e).__module__}.{type(e).__name__}: {e}"[:400]
    if ok is False:
        return f"[silent] accepted the bad value and returned {result!r}"[:300]
    if isinstance(result, str):                 # DOT text: a picture may show "nan", its geometry may not
        broken = [t for t in ("=nan", "=inf", "=-inf", "max nan", "max inf") if t in result]
        if broken:
            return f"[nonfinite] the DOT text has {broken[0]!r}"
    bad = [x for x in _numbers(result) if not (isinstance(x, (int, float)) and math.isfinite(x))]
    if bad:
        return f"[nonfinite] returned {bad[:3]!r}"
    if ok and s.expected is not None:
        try:
            right = s.expected(v)
        except (ArithmeticError, ValueError) as e:
            return f"[nonfinite] returned {result!r} where the math fails ({e})"
        got = result.value if isinstance(result, tg.Node) else result
        if right is None:
            return None
        if isinstance(right, float) and not math.isclose(got, right, rel_tol=1e-9, abs_tol=1e-300):
            return f"[wrong] returned {got!r}, the math gives {right!r}"
        if not isinstance(right, float) and got != right:
            return f"[wrong] returned {got!r}, expected {right!r}"
    return None


PAIRS = [(name, kind) for name in sorted(SITES) for kind in kinds_for(name)]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAIRS).flatmap(lambda p: st.tuples(st.just(p[0]), ALL_KINDS[p[1]])))
def test_bad_values_give_a_right_result_or_a_tinygraph_error_naming_the_culprit(case):
    name, v = case
    problem = violation(name, v)
    assert problem is None, f"{name} with v = {v!r}: {problem}"


def test_every_site_with_every_fixed_value_of_every_kind():
    # the deterministic sweep beside the random search: each (site, kind), each fixed value
    problems = [f"{name} with v = {v!r}: {p}" for name, kind in PAIRS for v in FIXED.get(kind, [])
                for p in [violation(name, v)] if p]
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} in all)"


# -- issue 21: one network trained from two threads ---------------------------------------------------

def test_a_second_training_of_one_network_at_once_is_refused_naming_the_other_thread():
    """Deterministic: thread A's loss waits inside its first epoch while the main thread tries to train."""
    import threading

    import tinygraph as tg
    from tinygraph.learning.losses import squared_error

    net = tg.MLP([2, 2, 1], activation="sigmoid", seed=0)
    data = [({"x1": a, "x2": b}, {"o1": float(a ^ b)}) for a in (0, 1) for b in (0, 1)]
    inside, go = threading.Event(), threading.Event()

    def waiting_loss(outputs, targets):
        inside.set()
        assert go.wait(30)
        return sum((squared_error(o, t) for o, t in zip(outputs, targets)), tg.Node(0.0))

    done = {}
    a = threading.Thread(target=lambda: done.setdefault("a", tg.train(net, data, loss=waiting_loss, lr=0.5,
                                                                           max_epochs=3)), name="trainer-A")
    a.start()
    try:
        assert inside.wait(30)
        before = [p.value for p in net.parameters()]
        with pytest.raises(tg.GraphError) as e:
            tg.train(net, data, lr=0.5, max_epochs=3)
        assert "trainer-A" in str(e.value) and "net.copy()" in str(e.value)
        assert [p.value for p in net.parameters()] == before          # the refused one changed nothing
    finally:
        go.set()
        a.join(30)
    assert done["a"].epochs == 3
    tg.train(net, data, lr=0.5, max_epochs=1)                         # once A is done, training works again


def test_a_training_that_fails_lets_the_network_train_again():
    import tinygraph as tg
    net = tg.MLP([2, 1], seed=0)
    with pytest.raises(tg.TinygraphError):
        tg.train(net, [({"x1": 0.0, "x2": 1.0}, {"o1": math.nan})])
    assert tg.train(net, [({"x1": 0.0, "x2": 1.0}, {"o1": 1.0})], max_epochs=2).epochs == 2


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a disk that is always full)")
def test_a_safe_write_on_a_full_disk_names_the_file_and_leaves_the_old_one(tmp_path):
    from tinygraph.draw.files import WholeFile
    target = tmp_path / "page.html"
    target.write_text("the old page")
    f = WholeFile(target)
    f.file.close()
    f.file = open("/dev/full", "wb", buffering=0)           # every write: ENOSPC, as on a full disk
    with pytest.raises(OSError) as e:
        f.write(b"x" * 100)
    assert str(target) in str(e.value) and "disk is full" in str(e.value) and ".tmp" not in str(e.value)
    assert e.value.errno == 28
    assert target.read_text() == "the old page" and [p.name for p in tmp_path.iterdir()] == ["page.html"]


# -- issue 21: names that differ only by Unicode normalisation; a Node in an `if` ------------------------

NFC_E, NFD_E = "\u00e9", "e\u0301"          # é as one code point, and as e with a combining accent


def test_a_name_that_only_looks_like_an_existing_one_is_refused_with_its_code_points():
    net = tg.Network("n")
    net.input(NFC_E)
    with pytest.raises(tg.GraphError) as e:
        net.input(NFD_E)
    assert "U+00E9" in str(e.value) and "U+0065 U+0301" in str(e.value)


def test_a_look_alike_input_name_is_told_apart_in_the_message():
    net = tg.Network("n")
    o = net.neuron("o", activation="linear")
    net.connect(net.input(NFC_E), o)
    with pytest.raises(tg.TinygraphError) as e:
        net.forward({NFD_E: 1.0})
    msg = str(e.value)
    assert "U+00E9" in msg and "U+0065 U+0301" in msg and "looks like" in msg
    assert net.forward({NFC_E: 1.0})["o"].value == o.value


def test_check_names_lists_look_alike_names_with_their_code_points():
    from tinygraph.errors import check_names
    with pytest.raises(tg.TinygraphError) as e:
        check_names([NFD_E], [NFC_E, NFD_E], "inputs")
    assert str(e.value).count("U+") == 3 + 1            # missing é (U+00E9); the list: both, one in two points


@pytest.mark.parametrize("value", [0.0, 1.0, -2.5])
def test_a_node_in_an_if_is_refused_saying_to_compare_its_value(value):
    loss = tg.Node(value, name="loss")
    for use in (bool, lambda n: not n, lambda n: 1 if n else 0, lambda n: n and True):
        with pytest.raises(TypeError) as e:
            use(loss)
        assert isinstance(e.value, tg.TinygraphError) and ".value" in str(e.value) and "loss" in str(e.value)
    assert loss is not None and (loss.value < 0.01) == (value < 0.01)
