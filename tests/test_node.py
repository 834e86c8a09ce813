"""The engine (tinygraph/engine/node.py): every op's value and derivatives, graph structure, backward.

Each op is checked twice on hypothesis-generated inputs: against central
differences (tg.gradcheck, 1e-6 relative) and against its derivative written
out by hand with math.* below.
"""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.errors import NotFiniteError, WrongTypeError
from tinygraph.engine.node import walk


def real(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo, hi, gap=1e-3):
    return real(lo, hi).filter(lambda v: abs(v) > gap)


def nodes_below(root):
    """Every node below root, found through .parents (without running a backward walk)."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for p in stack.pop().parents:
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
    return list(seen.values())


def close(a, b, rel=1e-9, abs_=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def check(f, values, value, grads, rel=1e-9):
    """f(*nodes): its value equals ``value``, backward() gives ``grads`` (by hand), and gradcheck passes."""
    nodes = [tg.Node(v, name=f"x{i}") for i, v in enumerate(values)]
    out = f(*nodes)
    assert type(out.value) is float
    assert close(out.value, value, rel), (out.value, value)
    out.backward()
    for n, g in zip(nodes, grads):
        assert close(n.grad, g, rel, 1e-12 * max(1.0, abs(g))), (n.name, n.grad, g)
    result = tg.gradcheck(f, nodes, rtol=1e-6)
    assert result.ok
    assert [n.value for n in nodes] == [float(v) for v in values]   # gradcheck restored them
    for a, g in zip(result.analytic, grads):
        assert close(a, g, rel, 1e-12 * max(1.0, abs(g)))


# -- binary ops, Node with Node ----------------------------------------------------

@given(real(-10, 10), real(-10, 10))
def test_add(a, b):
    check(lambda x, y: x + y, [a, b], a + b, [1.0, 1.0])


@given(real(-10, 10), real(-10, 10))
def test_sub(a, b):
    check(lambda x, y: x - y, [a, b], a - b, [1.0, -1.0])


@given(real(-10, 10), real(-10, 10))
def test_mul(a, b):
    check(lambda x, y: x * y, [a, b], a * b, [b, a])


@given(real(-10, 10), away_from_zero(-10, 10, gap=0.1))
def test_div(a, b):
    check(lambda x, y: x / y, [a, b], a / b, [1 / b, -a / b ** 2])


@given(real(0.1, 5), real(-3, 3))
def test_pow_node_exponent_differentiates_in_both(a, b):
    check(lambda x, y: x ** y, [a, b], a ** b, [b * a ** (b - 1), a ** b * math.log(a)])


@given(real(0.1, 5), real(0.1, 3))
def test_pow_with_the_same_node_in_base_and_exponent(a, b):
    # x ** x: both parents are the same node, so both slopes add up: x^x (ln x + 1)
    check(lambda x: x ** x, [a], a ** a, [a ** a * (math.log(a) + 1)])
    # (x y) ** x: d/dx = (xy)^x (ln(xy) + 1), d/dy = (xy)^x x / y
    check(lambda x, y: (x * y) ** x, [a, b], (a * b) ** a,
          [(a * b) ** a * (math.log(a * b) + 1), (a * b) ** a * a / b], rel=1e-8)


def test_pow_node_exponent_at_zero_base():
    # 0 ** y is 0 for y >= 1, flat in y; d/dx is y 0^(y-1)
    x, y = tg.Node(0.0), tg.Node(2.0)
    z = x ** y
    z.backward()
    assert (z.value, x.grad, y.grad) == (0.0, 0.0, 0.0)
    x, y = tg.Node(0.0), tg.Node(1.0)
    z = x ** y
    z.backward()
    assert (z.value, x.grad, y.grad) == (0.0, 1.0, 0.0)


# -- plain numbers on either side ----------------------------------------------------

@given(real(-10, 10), real(-10, 10))
def test_number_plus_node_and_node_plus_number(a, c):
    check(lambda x: c + x, [a], c + a, [1.0])
    check(lambda x: x + c, [a], a + c, [1.0])


@given(real(-10, 10), real(-10, 10))
def test_number_minus_node(a, c):
    check(lambda x: c - x, [a], c - a, [-1.0])
    check(lambda x: x - c, [a], a - c, [1.0])
    check(lambda x: 1 - x, [a], 1 - a, [-1.0])


@given(real(-10, 10), real(-10, 10))
def test_number_times_node(a, c):
    check(lambda x: c * x, [a], c * a, [c])
    check(lambda x: x * c, [a], a * c, [c])


@given(away_from_zero(-10, 10, gap=0.1), away_from_zero(-10, 10, gap=0.1))
def test_number_divided_by_node_and_node_by_number(a, c):
    check(lambda x: 2 / x, [a], 2 / a, [-2 / a ** 2])
    check(lambda x: c / x, [a], c / a, [-c / a ** 2])
    check(lambda x: x / c, [a], a / c, [1 / c])


@given(real(-5, 5))
def test_number_to_the_power_of_node(a):
    check(lambda x: 2 ** x, [a], 2 ** a, [2 ** a * math.log(2)])
    check(lambda x: 0.5 ** x, [a], 0.5 ** a, [0.5 ** a * math.log(0.5)])


@given(real(-5, 5))
def test_node_to_integer_powers(a):
    check(lambda x: x ** 3, [a], a ** 3, [3 * a ** 2])
    check(lambda x: x ** 2, [a], a ** 2, [2 * a])
    check(lambda x: x ** 1, [a], a, [1.0])
    check(lambda x: x ** 0, [a], 1.0, [0.0])


@given(away_from_zero(-5, 5, gap=0.1))
def test_node_to_negative_power(a):
    check(lambda x: x ** -2, [a], a ** -2, [-2 * a ** -3])
    check(lambda x: x ** -1, [a], 1 / a, [-1 / a ** 2])


@given(real(0.05, 5), real(-2.5, 2.5))
def test_node_to_fractional_power(a, c):
    check(lambda x: x ** c, [a], a ** c, [c * a ** (c - 1)])
    check(lambda x: x ** 0.5, [a], math.sqrt(a), [0.5 / math.sqrt(a)])


@given(real(-10, 10))
def test_unary_minus(a):
    check(lambda x: -x, [a], -a, [-1.0])
    check(lambda x: -(-x), [a], a, [1.0])


@given(st.lists(real(-10, 10), min_size=1, max_size=30))
def test_sum_of_nodes_starting_from_zero(values):
    def f(*xs):
        return sum(xs)

    check(f, values, math.fsum(values), [1.0] * len(values), rel=1e-6)
    assert sum([tg.Node(1.0)], 0).parents[0].value == 1.0


# -- functions: methods and module-level -------------------------------------------

def _sig(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


FUNCTIONS = {
    # name: (domain, value, derivative), all written out by hand
    "exp": (real(-20, 20), math.exp, math.exp),
    "log": (real(0.01, 100), math.log, lambda v: 1 / v),
    "sigmoid": (real(-30, 30), _sig, lambda v: _sig(v) * (1 - _sig(v))),
    "relu": (away_from_zero(-10, 10), lambda v: max(0.0, v), lambda v: 1.0 if v > 0 else 0.0),
    "tanh": (real(-10, 10), math.tanh, lambda v: 1 / math.cosh(v) ** 2),
    "sign": (away_from_zero(-10, 10), lambda v: -1.0 if v < 0 else 1.0, lambda v: 0.0),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("form", ["method", "module function", "composed"])
@given(data=st.data())
def test_functions(name, form, data):
    domain, value, slope = FUNCTIONS[name]
    a = data.draw(domain, label="x")
    if form == "method":
        check(lambda x: getattr(x, name)(), [a], value(a), [slope(a)])
    elif form == "module function":
        check(lambda x: getattr(tg, name)(x), [a], value(a), [slope(a)])
    else:
        # f(x) * x: the product rule through the function, x used twice
        check(lambda x: getattr(tg, name)(x) * x, [a], value(a) * a, [slope(a) * a + value(a)], rel=1e-8)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_module_functions_take_plain_numbers(name):
    _, value, _ = FUNCTIONS[name]
    out = getattr(tg, name)(2)
    assert isinstance(out, tg.Node) and out.value == value(2.0) and out.op == name
    with pytest.raises(TypeError, match="str"):
        getattr(tg, name)("2")


def test_relu_and_sign_at_zero():
    x = tg.Node(0.0)
    r = x.relu()
    r.backward()
    assert (r.value, x.grad) == (0.0, 0.0)          # slope at the kink taken as 0
    assert tg.Node(0.0).sign().value == 1.0          # the text's step: +1 for x >= 0
    assert tg.Node(-0.0).sign().value == 1.0
    assert tg.Node(-1e-300).sign().value == -1.0


# -- structure: parents, op, const, local_grads -------------------------------------

def test_leaf_structure():
    x = tg.Node(2.5, name="x")
    assert (x.value, x.grad, x.name, x.op, x.parents, x.local_grads, x.const) == (2.5, 0.0, "x", "", (), (), None)
    assert x.is_leaf and tg.Node(1).name is None


def test_parents_are_a_tuple_in_order():
    x, y = tg.Node(2.0, name="x"), tg.Node(3.0, name="y")
    for op, sym in [(lambda a, b: a + b, "+"), (lambda a, b: a - b, "-"), (lambda a, b: a * b, "*"),
                    (lambda a, b: a / b, "/"), (lambda a, b: a ** b, "**")]:
        xy, yx = op(x, y), op(y, x)
        assert type(xy.parents) is tuple
        assert xy.op == yx.op == sym
        assert xy.parents[0] is x and xy.parents[1] is y
        assert yx.parents[0] is y and yx.parents[1] is x
        assert xy.const is None and not xy.is_leaf
    z = x * x
    assert z.parents == (x, x) and z.local_grads == (2.0, 2.0)


def test_local_grads_are_the_partial_derivatives():
    x, y = tg.Node(2.0), tg.Node(3.0)
    assert (x + y).local_grads == (1.0, 1.0)
    assert (x - y).local_grads == (1.0, -1.0)
    assert (x * y).local_grads == (3.0, 2.0)
    assert (x / y).local_grads == (1 / 3, -2 / 9)
    p = (x ** y).local_grads
    assert close(p[0], 3 * 2.0 ** 2) and close(p[1], 8 * math.log(2))
    assert x.exp().local_grads == (math.exp(2.0),)
    assert x.log().local_grads == (0.5,)
    assert x.tanh().local_grads == (1 - math.tanh(2.0) ** 2,)
    assert (-x).local_grads == (-1.0,)
    assert x.sign().local_grads == (0.0,)


def test_numbers_are_folded_in_as_constants():
    x = tg.Node(2.0, name="x")
    cases = [(x + 1.0, "+", 1.0, 3.0, 1.0), (1 + x, "+", 1.0, 3.0, 1.0), (x - 0.5, "-", 0.5, 1.5, 1.0),
             (x * 4, "*", 4.0, 8.0, 4.0), (4 * x, "*", 4.0, 8.0, 4.0), (x / 4, "/", 4.0, 0.5, 0.25),
             (x ** 3, "**", 3.0, 8.0, 12.0)]
    for node, op, const, value, local in cases:
        assert node.parents == (x,)
        assert (node.op, node.const, node.value, node.local_grads) == (op, const, value, (local,))
        assert type(node.const) is float
    for node in [x.exp(), x.log(), x.sigmoid(), x.relu(), x.tanh(), x.sign(), -x]:
        assert node.parents == (x,) and node.const is None


def test_op_names():
    x = tg.Node(0.5)
    assert [f(x).op for f in (tg.exp, tg.log, tg.sigmoid, tg.relu, tg.tanh, tg.sign)] == \
        ["exp", "log", "sigmoid", "relu", "tanh", "sign"]
    assert (-x).op == "neg"


def test_number_on_the_left_keeps_the_order_visible():
    x = tg.Node(2.0, name="x")
    for node, value in [(1 - x, -1.0), (2 / x, 1.0), (2 ** x, 4.0)]:
        left, right = node.parents
        assert right is x and left.is_leaf and left.value == float(node.parents[0].value)
        assert node.value == value
    assert (1 - x).parents[0].value == 1.0 and (2 / x).parents[0].value == 2.0


def test_same_expression_gives_the_same_structure_every_time():
    def build():
        a, b = tg.Node(1.5, name="a"), tg.Node(-0.5, name="b")
        c = (a * b + a).tanh() - b ** 2
        return [(n.op, n.name, n.value, tuple(p.value for p in n.parents)) for n in walk(c)]

    assert build() == build()


# -- backward ------------------------------------------------------------------------

def test_a_node_used_twice_accumulates():
    x = tg.Node(3.0)
    y = x * x + x                          # 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_diamond():
    x = tg.Node(1.5)
    a, b = x * 2.0, x * 3.0
    c = a * b                              # 6 x^2
    c.backward()
    assert close(x.grad, 12 * 1.5)
    assert (a.grad, b.grad) == (b.value, a.value)


def test_second_backward_leaves_double_interior_recomputed():
    # documented in Node.backward: leaves accumulate, interior nodes are recomputed
    x, y = tg.Node(0.3, name="x"), tg.Node(-1.2, name="y")
    z = x * y
    out = (z.sigmoid() + z * z).exp()
    out.backward()
    first = (x.grad, y.grad, z.grad, out.grad)
    out.backward()
    assert (x.grad, y.grad) == (2 * first[0], 2 * first[1])
    assert (z.grad, out.grad) == (first[2], first[3])
    assert "accumulate" in tg.Node.backward.__doc__ and "recomputed" in tg.Node.backward.__doc__


def test_two_roots_sharing_a_subgraph():
    x = tg.Node(2.0)
    z = x * x
    l1, l2 = z + 1.0, z * 3.0
    l1.backward()
    assert (z.grad, x.grad) == (1.0, 4.0)
    l2.backward()
    assert z.grad == 3.0                   # interior: this backward's own value
    assert x.grad == 4.0 + 12.0            # leaf: both add up


def test_zero_grad_resets_everything_below():
    x, y = tg.Node(0.3), tg.Node(0.7)
    a = x * y
    out = (a + x).tanh() * a
    unrelated = tg.Node(5.0)
    unrelated.grad = 1.5
    out.backward()
    below = nodes_below(out)
    assert all(n.grad != 0.0 for n in (x, y, a, out))
    out.zero_grad()
    assert all(n.grad == 0.0 for n in below) and x.grad == y.grad == a.grad == out.grad == 0.0
    assert unrelated.grad == 1.5
    out.backward()
    assert close(x.grad, (1 - math.tanh(0.51) ** 2) * (0.7 + 1) * 0.21 + math.tanh(0.51) * 0.7)


def test_backward_of_a_leaf():
    x = tg.Node(4.0)
    x.backward()
    assert x.grad == 1.0


def test_walk_visits_each_node_once_after_all_its_consumers():
    x, y = tg.Node(1.0), tg.Node(2.0)
    a = x * y
    b = a + x
    c = a * b
    d = (c + b).tanh()
    order = list(walk(d))
    assert order[0] is d
    assert len(order) == len(set(map(id, order))) == 7     # x y a b c c+b d
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert pos[id(n)] < pos[id(p)]


def test_deep_chain_without_recursion():
    # deeper than the recursion limit: the walk and zero_grad must be iterative
    x = tg.Node(0.0)
    y = x
    for _ in range(20_000):
        y = y + 1.0
    y.backward()
    assert (y.value, x.grad) == (20_000.0, 1.0)
    y.zero_grad()
    assert x.grad == 0.0


@pytest.mark.slow
def test_chain_of_a_million_ops():
    a, b, steps = 1.0001, 0.0001, 500_000          # two ops a step: 1,000,000 ops
    x0 = tg.Node(0.5, name="x0")
    x = x0
    for _ in range(steps):
        x = x * a + b
    an = a ** steps
    assert math.isclose(x.value, an * 0.5 + b * (an - 1) / (a - 1), rel_tol=1e-8)
    x.backward()
    assert math.isclose(x0.grad, an, rel_tol=1e-8)   # d x_n / d x_0 = a^n
    assert sum(1 for _ in walk(x)) == 2 * steps + 1
    x.zero_grad()
    assert x0.grad == 0.0
    del x                                          # freeing a million-deep chain must not crash either


def test_wide_sum_of_100_000_nodes():
    xs = [tg.Node(i * 1e-3) for i in range(100_000)]
    s = sum(xs)
    assert math.isclose(s.value, 1e-3 * 99_999 * 100_000 / 2, rel_tol=1e-9)
    (s * 2.0).backward()
    assert all(x.grad == 2.0 for x in xs)


# -- values that are accepted ----------------------------------------------------------

def test_ints_bools_and_numpy_values_are_stored_as_float():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    for v, expect in [(3, 3.0), (True, 1.0), (False, 0.0), (np.float32(1.5), 1.5), (np.float64(-2.25), -2.25),
                      (np.int64(7), 7.0), (np.int32(-1), -1.0), (10 ** 20, 1e20)]:
        n = tg.Node(v)
        assert type(n.value) is float and n.value == expect
        assert type((tg.Node(1.0) + v).value) is float
        assert type((tg.Node(1.0) + v).const) is float
        assert type((v * tg.Node(1.0)).value) is float
    assert type(tg.Node(2) .grad) is float


@given(st.integers(-10 ** 6, 10 ** 6))
def test_integer_values(i):
    n = tg.Node(i)
    assert type(n.value) is float and n.value == i


# -- a Neuron used in arithmetic -----------------------------------------------------

def _net():
    net = tg.Network("n")
    net.input("x")
    h = net.neuron("h", activation="sigmoid", bias=0.1)
    s = net.connect("x", h, weight=0.5)
    return net, h, s


def test_neuron_before_any_forward_is_a_clear_error():
    net, h, s = _net()
    for use in [lambda: h * 2, lambda: 2 * h, lambda: s * h, lambda: tg.sigmoid(h), lambda: h + tg.Node(1.0),
                lambda: 1 - h, lambda: h.exp(), lambda: tg.activate(h, "tanh")]:
        with pytest.raises(tg.GraphError, match=r"'h'.*forward"):
            use()


NEURON_USES = {
    # name: (expression in h and the synapse s, its derivative d/dh, its partial d/ds with h fixed)
    "h * 2": (lambda h, s: h * 2, lambda hv, sv: 2.0, lambda hv, sv: 0.0),
    "2 * h": (lambda h, s: 2 * h, lambda hv, sv: 2.0, lambda hv, sv: 0.0),
    "s * h": (lambda h, s: s * h, lambda hv, sv: sv, lambda hv, sv: hv),
    "h * s": (lambda h, s: h * s, lambda hv, sv: sv, lambda hv, sv: hv),
    "1 - h": (lambda h, s: 1 - h, lambda hv, sv: -1.0, lambda hv, sv: 0.0),
    "h - 1": (lambda h, s: h - 1, lambda hv, sv: 1.0, lambda hv, sv: 0.0),
    "2 / h": (lambda h, s: 2 / h, lambda hv, sv: -2 / hv ** 2, lambda hv, sv: 0.0),
    "h / s": (lambda h, s: h / s, lambda hv, sv: 1 / sv, lambda hv, sv: -hv / sv ** 2),
    "h ** 2": (lambda h, s: h ** 2, lambda hv, sv: 2 * hv, lambda hv, sv: 0.0),
    "2 ** h": (lambda h, s: 2 ** h, lambda hv, sv: 2 ** hv * math.log(2), lambda hv, sv: 0.0),
    "-h": (lambda h, s: -h, lambda hv, sv: -1.0, lambda hv, sv: 0.0),
    "h + h": (lambda h, s: h + h, lambda hv, sv: 2.0, lambda hv, sv: 0.0),
    "sigmoid(h)": (lambda h, s: tg.sigmoid(h), lambda hv, sv: _sig(hv) * (1 - _sig(hv)), lambda hv, sv: 0.0),
    "h.tanh()": (lambda h, s: h.tanh(), lambda hv, sv: 1 - math.tanh(hv) ** 2, lambda hv, sv: 0.0),
    "exp(h)": (lambda h, s: tg.exp(h), lambda hv, sv: math.exp(hv), lambda hv, sv: 0.0),
    "h.log()": (lambda h, s: h.log(), lambda hv, sv: 1 / hv, lambda hv, sv: 0.0),
    "activate(h)": (lambda h, s: tg.activate(h, "tanh"), lambda hv, sv: 1 - math.tanh(hv) ** 2,
                    lambda hv, sv: 0.0),
}


@pytest.mark.parametrize("use", sorted(NEURON_USES))
def test_neuron_in_arithmetic_uses_its_latest_output(use):
    expr, d_dh, d_ds = NEURON_USES[use]
    net, h, s = _net()
    net.forward({"x": 5.0})                          # an older pass, to be ignored
    net.forward({"x": 0.8})
    out = expr(h, s)
    hv, sv = h.value, s.value
    assert h.output.value == hv == _sig(0.5 * 0.8 + 0.1)
    assert not any(isinstance(n, tg.Neuron) for n in nodes_below(out))   # the graph holds output nodes
    out.backward()
    dh = d_dh(hv, sv)
    slope = hv * (1 - hv)                            # sigmoid'
    assert close(h.grad, dh)
    assert close(s.grad, dh * slope * 0.8 + d_ds(hv, sv))
    assert close(h.bias.grad, dh * slope)

    def f(w, b):
        net.forward({"x": 0.8})
        return expr(h, s)

    s.grad = h.bias.grad = 0.0
    tg.gradcheck(f, [s, h.bias])


def test_walk_and_backward_from_a_neuron_start_at_its_latest_output():
    net, h, s = _net()
    net.forward({"x": 0.8})
    order = list(walk(h))
    assert order[0] is h.output and not any(isinstance(n, tg.Neuron) for n in order)
    hv = h.value
    assert close(s.grad, hv * (1 - hv) * 0.8)
    s.grad = 0.0
    h.backward()
    assert close(s.grad, hv * (1 - hv) * 0.8)


def test_a_node_yielded_by_walk_already_holds_its_final_gradient():
    # what the step-through relies on: stopping early leaves the yielded nodes final
    def build():
        x, y = tg.Node(0.4, name="x"), tg.Node(-0.9, name="y")
        a = x * y
        return (a.tanh() * x + a.exp() / (y * y)).sigmoid()

    full = build()
    full.backward()
    expected = [n.grad for n in walk(full)]          # a second walk: interior grads are recomputed
    # (leaves accumulate: after two backward passes theirs are doubled)
    partial = build()
    stop = len(expected) // 2 + 1
    for k, n in enumerate(walk(partial)):
        assert (2 * n.grad if n.is_leaf else n.grad) == expected[k]
        if k == stop:
            break                                    # leave the walk early


# -- a Node is not a float: math.* would cut the graph --------------------------------------

def test_math_functions_refuse_a_node_instead_of_cutting_the_graph():
    x = tg.Node(1.0, name="x")
    with pytest.raises(TypeError, match="x.value"):
        math.tanh(x)
    with pytest.raises(TypeError):
        float(x)


def test_format_spec_formats_the_value():
    assert f"{tg.Node(1.5):.2f}" == "1.50"
    assert f"{tg.Node(-0.25, name='w'):+.1e}" == "-2.5e-01"
    assert f"{tg.Node(2.0, name='w')}" == repr(tg.Node(2.0, name="w"))


# -- values set by hand are refused by the next op that reads them ---------------------------------

BAD_VALUES = {
    # value: (the error's class, the words that name it)
    "nan": (float("nan"), NotFiniteError, "x.value is nan"),
    "inf": (math.inf, NotFiniteError, "x.value is inf"),
    "-inf": (-math.inf, NotFiniteError, "x.value is -inf"),
    "huge int": (10 ** 400, NotFiniteError, "x.value is an integer too large for a float"),
    "str": ("abc", WrongTypeError, r"x.value is the str 'abc', not a number; .*float\('abc'\)"),
    "None": (None, WrongTypeError, "x.value is the NoneType None, not a number"),
    "list": ([1.0, 2.0], WrongTypeError, "x.value is the list .*one Node per element"),
    "complex": (1j, WrongTypeError, "x.value is the complex 1j.*real numbers only"),
    "Node": (tg.Node(2.0), WrongTypeError, "x.value is the Node .*use it directly"),
}

OPS_ON_X = {
    "x + y": lambda x, y: x + y, "y + x": lambda x, y: y + x, "x + 1": lambda x, y: x + 1.0,
    "1 + x": lambda x, y: 1 + x, "x - y": lambda x, y: x - y, "y - x": lambda x, y: y - x,
    "x - 1": lambda x, y: x - 1.0, "1 - x": lambda x, y: 1 - x, "x * y": lambda x, y: x * y,
    "y * x": lambda x, y: y * x, "x * 2": lambda x, y: x * 2.0, "x * 0": lambda x, y: x * 0.0,
    "x / y": lambda x, y: x / y, "y / x": lambda x, y: y / x, "x / 2": lambda x, y: x / 2.0,
    "2 / x": lambda x, y: 2.0 / x, "x ** 2": lambda x, y: x ** 2, "x ** -1": lambda x, y: x ** -1,
    "y ** x": lambda x, y: y ** x, "x ** y": lambda x, y: x ** y, "2 ** x": lambda x, y: 2 ** x,
    "-x": lambda x, y: -x, "abs(x)": lambda x, y: abs(x), "exp": lambda x, y: x.exp(), "log": lambda x, y: x.log(),
    "sigmoid": lambda x, y: x.sigmoid(), "relu": lambda x, y: x.relu(), "tanh": lambda x, y: x.tanh(),
    "sign": lambda x, y: x.sign(), "tg.relu": lambda x, y: tg.relu(x), "activate tanh": lambda x, y: tg.activate(x, "tanh"),
    "weighted_sum": lambda x, y: tg.weighted_sum([x, y], [y, y], y),
    "weighted_sum input": lambda x, y: tg.weighted_sum([y, y], [y, x]),
}


@pytest.mark.parametrize("op", sorted(OPS_ON_X))
@pytest.mark.parametrize("bad", sorted(BAD_VALUES))
def test_a_value_set_by_hand_that_is_not_a_finite_number_is_refused_naming_the_node(op, bad):
    value, error, words = BAD_VALUES[bad]
    x, y = tg.Node(0.5, name="x"), tg.Node(2.0, name="y")
    x.value = value
    with pytest.raises(error, match=words) as e:
        OPS_ON_X[op](x, y)
    message = str(e.value)
    assert isinstance(e.value, tg.TinygraphError)
    assert "set by hand" in message and "too large for a float, although" not in message
    assert "learning rate" not in message
    if not isinstance(value, (float, int)):
        assert isinstance(e.value, TypeError)
    else:
        assert isinstance(e.value, ValueError) and not isinstance(e.value, OverflowError)


@pytest.mark.parametrize("bad", [float("nan"), math.inf, -math.inf, "abc", None, [1.0], 1j, 10 ** 400], ids=repr)
def test_a_bad_number_in_an_op_is_named_too(bad):
    x = tg.Node(0.5, name="x")
    for op in [lambda: x + bad, lambda: bad + x, lambda: x * bad, lambda: bad * x, lambda: x / bad,
               lambda: x ** bad, lambda: x - bad]:
        with pytest.raises((NotFiniteError, WrongTypeError)) as e:
            op()
        assert "finite" in str(e.value) or "not a number" in str(e.value)


def test_no_op_turns_a_nan_or_inf_into_a_finite_looking_number():
    # what happened before: relu(nan) = 0.0, sign(nan) = 1.0, tanh(inf) = 1.0, exp(-inf) = 0.0, 2 / inf = 0.0
    for value in (float("nan"), math.inf, -math.inf):
        for f in (tg.relu, tg.sign, tg.tanh, tg.sigmoid, tg.exp, lambda n: 2.0 / n, lambda n: n ** -1.0,
                  lambda n: 0.5 ** n, lambda n: n * 0.0):
            x = tg.Node(1.0, name="x")
            x.value = value
            with pytest.raises(NotFiniteError):
                f(x)


def test_values_that_are_fine_numbers_are_still_accepted_when_set_by_hand():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    x = tg.Node(1.0, name="x")
    for value in (3, True, np.float64(0.25), np.int64(2), Fraction(1, 4)):
        x.value = value
        for out in (x * 2.0, x + x, x.relu(), -x, x.tanh(), x ** 2.0, tg.weighted_sum([x], [x])):
            assert type(out.value) is float
    x.value = np.float64(2.5)
    assert (x ** 2.0).value == 6.25


def test_a_numpy_array_value_is_refused_and_a_float32_taken_as_a_float():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    x = tg.Node(1.0, name="x")
    for value in (np.array(5.0), np.array([1.0, 2.0])):
        x.value = value
        for op in (lambda: x * 2.0, lambda: -x, lambda: tg.weighted_sum([x], [tg.Node(1.0)])):
            with pytest.raises(WrongTypeError, match="x.value is the ndarray"):
                op()
    v = float(np.float32(1.1))
    for op, right in ((lambda: x * 2.0, v * 2.0), (lambda: x + tg.Node(1.0), v + 1.0), (lambda: x ** 2.0, v * v),
                      (lambda: -x, -v), (lambda: tg.weighted_sum([x], [x]), v * v), (lambda: x.relu(), v)):
        x.value = np.float32(1.1)                  # computing in float32 would lose digits from the 8th on:
        assert op().value == right                 # it is taken as the Python float it stands for
    x.value = np.float32(1.1)
    x * 2.0
    assert type(x.value) is float                  # (in place, the first time an op meets it)
    with pytest.raises(WrongTypeError, match="the number in '\\*' is the ndarray"):
        np.array([1.0, 2.0]) * tg.Node(1.0)        # numpy leaves it to Node, which refuses the array


def test_real_overflow_keeps_its_message():
    big = tg.Node(1e300, name="big")
    with pytest.raises(tg.NodeOverflowError, match="too large for a float") as e:
        big * big
    assert "set by hand" not in str(e.value)


@pytest.mark.parametrize("grad, error, words", [
    (float("nan"), NotFiniteError, "x.grad was nan before this backward pass"),
    (math.inf, NotFiniteError, "x.grad was inf before this backward pass"),
    (-math.inf, NotFiniteError, "x.grad was -inf before this backward pass"),
    ("abc", WrongTypeError, "x.grad is the str 'abc'"),
    (None, WrongTypeError, "x.grad is the NoneType None"),
])
def test_backward_into_a_grad_set_by_hand_to_a_non_number_says_so_not_overflow(grad, error, words):
    x = tg.Node(1.0, name="x")
    y = x * 2.0
    x.grad = grad
    with pytest.raises(error, match=words) as e:
        y.backward()
    assert "set by hand" in str(e.value) and "too large" not in str(e.value)
    x.grad = 0.0
    y.backward()                                   # with the grad set right, it works
    assert x.grad == 2.0


def test_a_gradient_too_large_for_a_float_is_an_error_not_a_silent_inf():
    b = tg.Node(1e-300, name="b")
    y = b * 1.5e308 + b * 1.5e308          # value 3e8 is fine; dy/db = 3e308 is not
    assert y.value == pytest.approx(3e8)
    with pytest.raises(tg.NodeOverflowError, match=r"gradient .* with respect to b .* inf"):
        y.backward()


def test_comparisons_compare_values_and_equality_stays_identity():
    a, b = tg.Node(2.0, name="a"), tg.Node(2.0, name="b")
    assert a > 1 and a >= 2 and a < 3.5 and a <= b and not a < b and 1 < a
    assert a != b and a == a and len({a, b}) == 2            # still usable as keys
    assert max([tg.Node(1.0), a, tg.Node(-4.0)]) is a
    with pytest.raises(TypeError, match="number compared with a Node"):
        a < "3"


def test_abs_is_an_op_with_the_sign_as_its_slope():
    for v, slope in [(-2.5, -1.0), (3.0, 1.0), (0.0, 0.0)]:
        x = tg.Node(v)
        y = abs(x) * 2.0
        y.backward()
        assert y.value == 2.0 * builtins_abs(v) and x.grad == 2.0 * slope
    tg.gradcheck(lambda x: abs(x * x - 1.0), [tg.Node(0.3)])


builtins_abs = abs


# -- a paused step-through cannot be silently disturbed ---------------------------------------------

def _net_and_loss():
    net = tg.MLP([2, 2, 1], seed=0)
    return net, tg.squared_error(net.forward([0.5, -1.0]), [0.3])


def _backward_grads():
    net, loss = _net_and_loss()
    loss.backward()
    return [p.grad for p in net.parameters()]


DISTURBANCES = {
    "another backward pass": (lambda net, loss: loss.backward(), "another backward pass ran"),
    "zero_grad() on the error": (lambda net, loss: loss.zero_grad(), r"zero_grad\(\) set the gradients back to 0"),
    "zero_grad() on an output": (lambda net, loss: net["o1"].zero_grad(), r"zero_grad\(\) set the gradients"),
    "a second step-through": (lambda net, loss: next(iter(tg.backprop_steps(loss))), "another backward pass ran"),
}


@pytest.mark.parametrize("paused_after", [1, 2, 4, 7])
@pytest.mark.parametrize("what", sorted(DISTURBANCES))
def test_disturbing_a_paused_step_through_is_refused_on_resume(what, paused_after):
    disturb, words = DISTURBANCES[what]
    net, loss = _net_and_loss()
    shown = []
    with pytest.raises(tg.GraphError, match=f"interrupted: while it was paused, {words}") as e:
        for k, step in enumerate(tg.backprop_steps(loss)):
            shown.append((step.node, step.grad))
            if k == paused_after:
                disturb(net, loss)
    assert "start it again" in str(e.value)
    # every step shown before the refusal was right: the same numbers as an undisturbed walk
    _, fresh = _net_and_loss()
    right = [s.grad for s in tg.backprop_steps(fresh)]
    assert [g for _, g in shown] == right[:len(shown)]


def test_a_new_forward_pass_while_paused_leaves_the_results_of_backward():
    net, loss = _net_and_loss()
    for k, _ in enumerate(tg.backprop_steps(loss)):
        if k == 2:
            net.forward([3.0, 4.0])             # new nodes for the neurons; the paused graph is untouched
    assert [p.grad for p in net.parameters()] == _backward_grads()


def test_a_walk_left_early_does_not_block_what_comes_after():
    net, loss = _net_and_loss()
    for k, _ in enumerate(tg.backprop_steps(loss)):
        if k == 2:
            break
    loss.zero_grad()
    loss.backward()
    assert [p.grad for p in net.parameters()] == _backward_grads()


def test_another_walk_through_a_second_parent_only_is_refused_too():
    # walk 2 reaches b (p's second parent) from a node outside walk 1's graph, and not a:
    # without a check on b, walk 1 would lose b's count and end without ever yielding b, u or v
    u, v, a = tg.Node(0.5, name="u"), tg.Node(-1.5, name="v"), tg.Node(2.0, name="a")
    b = u * v
    p = a * b
    s = p + (a * 3.0)
    steps = walk(s)
    assert next(steps) is s
    (b * 3.0).backward()                              # another backward pass, over b, u and v only
    with pytest.raises(tg.GraphError, match="another backward pass ran over the same nodes"):
        list(steps)


def test_a_node_compares_with_infinity_but_not_with_nan():
    x = tg.Node(3.0, name="x")
    assert x < math.inf and x > -math.inf and not x > math.inf
    best = math.inf
    assert x < best                                  # the usual "best so far" loop works
    with pytest.raises(NotFiniteError, match="compared with nan"):
        x < float("nan")                             # would be False whatever x is


# -- the engine is the ground floor ---------------------------------------------------------------

def _imports_of(module: str) -> set:
    """The tinygraph modules (by last name) that tinygraph/<module>.py imports, at any level (functions too)."""
    import ast
    import pathlib
    source = (pathlib.Path(tg.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
    found = set()
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.ImportFrom) and (n.level or (n.module or "").split(".")[0] == "tinygraph"):
            found |= {n.module.split(".")[-1]} if n.module and n.module != "tinygraph" else {a.name for a in n.names}
        elif isinstance(n, ast.Import):
            found |= {a.name.split(".")[-1] for a in n.names if a.name.startswith("tinygraph.")}
    assert "noqa: E402" not in source, f"{module}.py imports below its code"
    return found


def test_the_engine_imports_only_what_lies_below_it():
    # errors <- checks <- diagnosis <- node <- activations: each imports only modules to its left
    below = {"errors": set(), "engine/checks": {"errors"}, "engine/diagnosis": {"errors", "checks"},
             "engine/node": {"errors", "checks", "diagnosis"},
             "engine/activations": {"errors", "checks", "diagnosis", "node"}}
    for module, allowed in below.items():
        assert _imports_of(module) <= allowed, (module, _imports_of(module) - allowed)
    assert _imports_of("engine/node") >= {"errors", "checks", "diagnosis"}     # the reader reads


def test_diagnosis_is_not_called_while_ops_succeed(monkeypatch):
    from tinygraph.engine import diagnosis

    def never(*args, **kwargs):
        raise AssertionError("diagnosis called on a good op")
    for name in diagnosis.__all__:
        monkeypatch.setattr(diagnosis, name, never)
    x, y = tg.Node(0.5, name="x"), tg.Node(2.0, name="y")
    z = (x * y + 1.0 - x / y) ** 2.0 + (-x).exp() + abs(y).log() + (x ** y) + 2.0 / y
    z = z.sigmoid() + z.relu() + z.tanh() + z.sign() + tg.weighted_sum([x, y], [y, x], x) + tg.activate(z, "ramp")
    z.backward()
    assert math.isfinite(z.value) and x.grad != 0.0
