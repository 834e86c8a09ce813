"""gradcheck itself, and random expression graphs checked with it.

The random graphs reuse nodes (diamonds, a node feeding both sides of an op)
and go deep-ish.  Each graph is checked twice: by tg.gradcheck (central
differences, 1e-6 relative) and against exact derivatives from an independent
forward-mode evaluation of the same program with dual numbers.
"""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.engine import activations


# -- gradcheck --------------------------------------------------------------------------

def test_gradcheck_reports_analytic_and_numeric():
    x, y = tg.Node(1.5, name="x"), tg.Node(-0.5, name="y")
    result = tg.gradcheck(lambda a, b: a * b + a.exp(), [x, y])
    assert result.ok and bool(result)
    assert result.analytic == [-0.5 + math.exp(1.5), 1.5]
    assert all(math.isclose(n, a, rel_tol=1e-7) for n, a in zip(result.numeric, result.analytic))
    assert result.numeric != result.analytic           # numeric is really computed, not copied
    assert result.max_error <= 1e-6 and len(result.errors) == 2
    assert (x.grad, y.grad) == tuple(result.analytic)  # the inputs hold the analytic gradient
    assert "passed" in str(result)


@pytest.fixture
def wrong_square(monkeypatch):
    """An activation x^2 registered with the wrong derivative 3x (in a private registry)."""
    monkeypatch.setattr(activations, "_REGISTRY", dict(activations._REGISTRY))
    tg.register_activation("wrong_square", lambda v: v * v, lambda v: 3 * v)


def test_gradcheck_catches_a_wrong_derivative(wrong_square):
    a, b = tg.Node(0.5, name="a"), tg.Node(2.0, name="b")

    def f(x, y):
        return x * 0.1 + tg.activate(y, "wrong_square")

    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(f, [a, b])
    message = str(info.value)
    assert "FAILED" in message and "input 1 'b'" in message and "2.0" in message
    assert "6.0" in message and "4.0" in message                 # backward 3*2 vs the true 2*2
    assert isinstance(info.value, AssertionError)
    assert (a.value, b.value) == (0.5, 2.0)                      # inputs restored

    result = tg.gradcheck(f, [a, b], raise_on_error=False)
    assert not result.ok and result.worst == 1
    assert result.analytic[1] == 6.0 and math.isclose(result.numeric[1], 4.0, rel_tol=1e-8)
    assert math.isclose(result.analytic[0], 0.1) and math.isclose(result.numeric[0], 0.1, rel_tol=1e-8)
    assert math.isclose(result.max_error, 2.0 / 6.0)
    assert (a.value, b.value) == (0.5, 2.0)


def test_gradcheck_tolerance_is_respected(wrong_square):
    b = tg.Node(1e-4)           # 3x vs 2x differ by 1e-4 here: fails at 1e-6, passes at 1e-3
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda y: tg.activate(y, "wrong_square"), [b], atol=0.0)
    assert tg.gradcheck(lambda y: tg.activate(y, "wrong_square"), [b], rtol=1e-3, atol=0.0).ok


def test_gradcheck_restores_values_when_f_fails_on_the_way():
    x = tg.Node(5e-7, name="x")          # x - h is negative: log fails mid-check
    with pytest.raises(tg.DomainError, match="log"):
        tg.gradcheck(lambda a: a.log(), [x])
    assert x.value == 5e-7


def test_gradcheck_bad_arguments():
    with pytest.raises(TypeError, match="input 0 is float"):
        tg.gradcheck(lambda a: a, [1.0])
    with pytest.raises(TypeError, match="must return a Node"):
        tg.gradcheck(lambda a: 1.0, [tg.Node(1.0)])


def test_gradcheck_zeroes_input_grads_first():
    x = tg.Node(2.0)
    x.grad = 100.0
    assert tg.gradcheck(lambda a: a * a, [x]).analytic == [4.0]


# -- random expression graphs -------------------------------------------------------------
#
# Every op below maps values in [-2, 2] into [-2, 2], so graphs of any depth stay in a
# range where no op leaves its domain and relu/sign never sit on their kink.

def module(name, x):
    """tg.<name>(x), the module-level function; a Dual answers with its own method."""
    return getattr(x, name)() if isinstance(x, Dual) else getattr(tg, name)(x)


UNARY = {
    "sigmoid": lambda a: a.sigmoid(),
    "tanh": lambda a: module("tanh", a),
    "exp": lambda a: a.tanh().exp() - 1.0,
    "log": lambda a: module("log", 1.0 + a * a),
    "relu_on": lambda a: (a + 2.5).relu() * 0.4,
    "relu_off": lambda a: module("relu", a - 2.5) + a,
    "sign": lambda a: (a + 2.5).sign() * a,
    "neg": lambda a: -a,
    "cube": lambda a: a.tanh() ** 3,
    "square": lambda a: a.sigmoid() ** 2,
    "rsub": lambda a: (1 - a) * 0.5,
    "rdiv": lambda a: 2 / (3 + a),
    "rpow": lambda a: 2 ** a.tanh(),
    "scale": lambda a: 0.75 * a,
    "sqrt": lambda a: (a * a + 1.0) ** 0.5 - 1.0,
}
BINARY = {
    "add": lambda a, b: (a + b) * 0.5,
    "sub": lambda a, b: (a - b) / 2,
    "mul": lambda a, b: a.tanh() * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "pow": lambda a, b: (1.0 + a.sigmoid()) ** b.tanh(),
    "sum": lambda a, b: sum([a, b, a]) * 0.25,
}


class Dual:
    """a + a' e with e^2 = 0: forward-mode derivatives, independent of tinygraph's backward."""

    def __init__(self, v, d=0.0):
        self.v, self.d = v, d

    @staticmethod
    def lift(o):
        return o if isinstance(o, Dual) else Dual(float(o))

    def __add__(self, o):
        o = Dual.lift(o)
        return Dual(self.v + o.v, self.d + o.d)

    __radd__ = __add__

    def __sub__(self, o):
        o = Dual.lift(o)
        return Dual(self.v - o.v, self.d - o.d)

    def __rsub__(self, o):
        return Dual.lift(o) - self

    def __mul__(self, o):
        o = Dual.lift(o)
        return Dual(self.v * o.v, self.d * o.v + self.v * o.d)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = Dual.lift(o)
        return Dual(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v ** 2)

    def __rtruediv__(self, o):
        return Dual.lift(o) / self

    def __pow__(self, o):
        if isinstance(o, Dual):       # a^b = e^(b ln a)
            return (o * self.log()).exp()
        return Dual(self.v ** o, o * self.v ** (o - 1) * self.d)

    def __rpow__(self, o):
        return (self * math.log(o)).exp()

    def __neg__(self):
        return Dual(-self.v, -self.d)

    def exp(self):
        e = math.exp(self.v)
        return Dual(e, e * self.d)

    def log(self):
        return Dual(math.log(self.v), self.d / self.v)

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.v))
        return Dual(s, s * (1 - s) * self.d)

    def tanh(self):
        return Dual(math.tanh(self.v), self.d / math.cosh(self.v) ** 2)

    def relu(self):
        return Dual(self.v, self.d) if self.v > 0 else Dual(0.0, 0.0)

    def sign(self):
        return Dual(-1.0 if self.v < 0 else 1.0, 0.0)


OPS = sorted(UNARY) + sorted(BINARY)


@st.composite
def programs(draw, max_ops=30):
    """(input values, steps): each step applies an op to earlier nodes, picked anywhere (reuse,
    diamonds, the same node on both sides) or among the last two (depth).

    Each step is drawn as three small integers, which keeps generation fast and shrinks a
    failure toward op 0 on node 0."""
    values = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4))
    raw = draw(st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 63), st.integers(0, 63)),
                        min_size=1, max_size=max_ops))
    steps = []
    for k, (op, i, j) in enumerate(raw):
        avail = len(values) + k

        def pick(r):
            # even r: anywhere; odd r: one of the two latest nodes
            return (r // 2) % avail if r % 2 == 0 else avail - 1 - (r // 2) % min(2, avail)

        name = OPS[op]
        steps.append((name, pick(i)) if name in UNARY else (name, pick(i), pick(j)))
    return values, steps


def run(steps, inputs):
    nodes = list(inputs)
    for op, *args in steps:
        fn = UNARY[op] if len(args) == 1 else BINARY[op]
        nodes.append(fn(*(nodes[i] for i in args)))
    # the last node, plus a little of every node made, so every node reaches the output
    return nodes[-1] + 0.1 * sum(nodes[len(inputs):]), nodes


def check_program(values, steps):
    xs = [tg.Node(v, name=f"x{i}") for i, v in enumerate(values)]
    out, nodes = run(steps, xs)
    assert all(-2.0 <= n.value <= 2.0 for n in nodes)        # the ops keep their promise
    result = tg.gradcheck(lambda *a: run(steps, a)[0], xs, rtol=1e-6)
    assert [x.value for x in xs] == values
    for i in range(len(values)):
        duals = [Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(values)]
        exact, _ = run(steps, duals)
        assert math.isclose(exact.v, out.value, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(result.analytic[i], exact.d, rel_tol=1e-9, abs_tol=1e-12), (i, exact.d)
    # the walk: each node once, after every node computed from it (reverse topological order)
    order = list(tg.walk(out))
    pos = {id(n): k for k, n in enumerate(order)}
    assert len(pos) == len(order) and order[0] is out
    for n in order:
        for p in n.parents:
            assert pos[id(n)] < pos[id(p)]
    return out


@given(programs())
def test_random_graphs(program):
    # hypothesis shrinks a failure to the smallest graph that shows it
    check_program(*program)


@settings(max_examples=40)
@given(st.integers(0, 2 ** 32 - 1))
def test_deep_random_graphs(seed):
    # 150 binary ops, each on the latest node and one earlier node: deep, with long-range reuse
    # (drawn from a seed: one hypothesis draw instead of 300 keeps this fast)
    rng = random.Random(seed)
    values = [rng.uniform(-2, 2), rng.uniform(-2, 2)]
    ops = sorted(BINARY)
    steps = [(rng.choice(ops), 1 + k, rng.randrange(2 + k)) for k in range(150)]
    check_program(values, steps)


def test_every_op_appears_in_the_generator():
    names = set(UNARY) | set(BINARY)
    assert len(names) == len(UNARY) + len(BINARY) == 21


def test_message_shows_the_raw_difference_not_only_the_error_beyond_atol():
    # analytic and numeric differ by 3e-10, below atol: the error beyond atol is 0, the difference is not
    r = tg.GradcheckResult([1.0], [1.0 + 3e-10], [0.0], 0, 1e-6, ["x"], [0.5])
    text = str(r)
    assert "difference 3e-10" in text and "beyond atol 0" in text and "passed" in text


def test_central_difference_nudges_and_restores():
    from tinygraph.engine.gradcheck import central_difference
    x = tg.Node(1.5, name="x")
    calls = []

    def f():
        calls.append(x.value)
        return x.value ** 3

    assert math.isclose(central_difference(f, x, 1e-4), 3 * 1.5 ** 2, rel_tol=1e-7)
    assert calls == [1.5 + 1e-4, 1.5 - 1e-4] and x.value == 1.5

    def boom():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        central_difference(boom, x)
    assert x.value == 1.5
