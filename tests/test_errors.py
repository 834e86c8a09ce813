"""Bad input and impossible math: each gives a clear tinygraph error naming what was wrong.

Never a deep traceback from inside the engine, never a silent nan or inf.
"""

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.errors import (BadValueError, DomainError, NameNotFoundError, NodeOverflowError,
                             NodeZeroDivisionError, NotFiniteError, TinygraphError, WrongTypeError, check_names)


def test_error_classes_subclass_the_builtin_ones():
    assert issubclass(DomainError, ValueError) and issubclass(DomainError, TinygraphError)
    assert issubclass(NodeZeroDivisionError, ZeroDivisionError) and issubclass(NodeZeroDivisionError, ValueError)
    assert issubclass(NodeOverflowError, OverflowError) and issubclass(NodeOverflowError, ValueError)
    assert tg.DomainError is DomainError and tg.NodeZeroDivisionError is NodeZeroDivisionError
    assert tg.NodeOverflowError is NodeOverflowError and tg.TinygraphError is TinygraphError
    assert issubclass(WrongTypeError, TypeError) and issubclass(WrongTypeError, TinygraphError)
    assert issubclass(BadValueError, ValueError) and issubclass(BadValueError, TinygraphError)
    assert issubclass(NotFiniteError, BadValueError)
    assert issubclass(NameNotFoundError, KeyError) and issubclass(NameNotFoundError, TinygraphError)


# -- check_names: the one matcher of names a user gave against the expected ones ----------

def _names_error(given, expected, what="inputs", where="", note=None):
    with pytest.raises(NameNotFoundError) as info:
        check_names(given, expected, what, where, note)
    return str(info.value)


@pytest.mark.parametrize("given", [["x1", "x2"], ["x2", "x1"], {"x2": 0, "x1": 1}, ("x2", "x1")])
def test_check_names_accepts_exactly_the_expected_names_in_any_order(given):
    assert check_names(given, ["x1", "x2"], "inputs") is None
    assert check_names(iter(given), ("x1", "x2"), "inputs") is None


def test_check_names_says_what_is_missing_what_is_unknown_and_what_exists():
    msg = _names_error({"x1": 1.0, "X2": 2.0}, ["x1", "x2"], "inputs", "forward() of 'xor'")
    assert msg == ("forward() of 'xor': missing 'x2'; unknown 'X2' (did you mean 'x2'?). "
                   "The inputs are x1, x2.")
    assert _names_error(["x1"], ["x1", "x2"]) == "missing 'x2'. The inputs are x1, x2."
    assert _names_error(["zzz"], ["x1"]) == "missing 'x1'; unknown 'zzz'. The inputs are x1."  # no close name
    assert _names_error(["a"], [], "targets") == "unknown 'a'. The targets are (none)."


def test_check_names_note_replaces_the_hint_for_an_unknown_name():
    def note(name):
        return " (a neuron, not an input)" if name == "h1" else ""
    msg = _names_error(["x1", "h1", "x22"], ["x1", "x2"], note=note)
    assert "unknown 'h1' (a neuron, not an input)" in msg
    assert "unknown 'x22' (did you mean 'x2'?)" in msg          # an empty note keeps the hint


def test_check_names_error_is_a_key_error_with_a_plain_message():
    with pytest.raises(KeyError) as info:
        check_names(["y"], ["x"], "inputs")
    assert str(info.value).startswith("missing 'x'") and isinstance(info.value, TinygraphError)


@pytest.mark.parametrize("odd", [["x1", 2], [None], [("x",)], [["x1"]], [{"x1"}], [1.5]], ids=repr)
def test_check_names_reports_names_that_are_not_strings_or_not_hashable(odd):
    msg = _names_error(odd, ["x1", "x2"])
    assert f"unknown {odd[-1]!r}" in msg and msg.endswith("The inputs are x1, x2.")


def test_check_names_reports_a_name_given_twice():
    assert _names_error(["x1", "x2", "x1"], ["x1", "x2"]) == "'x1' given more than once. The inputs are x1, x2."


def test_check_names_quotes_names_that_would_read_ambiguously():
    assert _names_error(["a"], ["a, b", " ", "c"], "outputs").endswith("The outputs are 'a, b', ' ', 'c'.")
    odd = ["p\nq", "it's"]
    assert _names_error([], odd).endswith(f"The inputs are {odd[0]!r}, {odd[1]!r}.")


def test_check_names_keeps_long_lists_short_and_is_fast():
    import time
    expected = [f"x{i}" for i in range(784)]
    start = time.perf_counter()
    msg = _names_error([f"pixel{i}" for i in range(784)], expected)
    assert time.perf_counter() - start < 2.0                    # not 784 x 784 similarity searches
    assert "missing 'x0', 'x1', 'x2', 'x3', 'x4' and 779 more" in msg
    assert msg.count("unknown") == 6 and "779 more unknown" in msg
    assert msg.endswith("x10, x11, ... (784 in all).") and len(msg) < 600


# -- values that are not numbers ----------------------------------------------------------

@pytest.mark.parametrize("bad, words", [
    ("abc", ["str", "'abc'", "float("]),
    ("1.5", ["str", "'1.5'"]),
    (None, ["NoneType", "None"]),
    (1 + 2j, ["complex", "real"]),
    ([1, 2], ["list", "one Node per element"]),
    ((1.0,), ["tuple"]),
    ({"v": 1}, ["dict"]),
    (object(), ["object"]),
])
def test_not_a_number_is_a_type_error(bad, words):
    with pytest.raises(TypeError) as info:
        tg.Node(bad)
    message = str(info.value)
    assert "Node" in message
    for w in words:
        assert w in message


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 10 ** 400])
def test_nan_and_inf_are_value_errors(bad):
    with pytest.raises(ValueError, match="finite"):
        tg.Node(bad)


def test_numpy_nan_and_arrays():
    np = pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    with pytest.raises(ValueError, match="finite"):
        tg.Node(np.float32("nan"))
    with pytest.raises(TypeError, match="ndarray"):
        tg.Node(np.array([1.0, 2.0]))


def test_a_node_as_a_value_says_to_use_it_directly():
    with pytest.raises(TypeError, match="use it directly"):
        tg.Node(tg.Node(1.0))


def test_a_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a string"):
        tg.Node(1.0, name=3)


OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("bad", ["2", None, 1j, [1.0], float("nan"), float("inf")], ids=repr)
def test_bad_operands_on_either_side(op, bad):
    x = tg.Node(2.0, name="x")
    expected = ValueError if isinstance(bad, float) else TypeError
    for call in (lambda: op(x, bad), lambda: op(bad, x)):
        with pytest.raises(expected) as info:
            call()
        assert type(bad).__name__ in str(info.value) or "finite" in str(info.value)


# -- domain errors: name the op and the node ------------------------------------------------

@given(st.floats(max_value=0.0, allow_nan=False, allow_infinity=False))
def test_log_of_non_positive(v):
    x = tg.Node(v, name="learning_rate")
    for call in (x.log, lambda: tg.log(x)):
        with pytest.raises(DomainError) as info:
            call()
        assert "'log'" in str(info.value) and "learning_rate" in str(info.value)
    with pytest.raises(ValueError):
        tg.log(v)


def test_log_of_an_unnamed_node_describes_it():
    x = tg.Node(2.0)
    with pytest.raises(DomainError, match=r"'log'.*'-'.*-1"):
        (x - 3.0).log()


def test_division_by_a_zero_node():
    x, z = tg.Node(3.0, name="x"), tg.Node(0.0, name="zero")
    with pytest.raises(NodeZeroDivisionError) as info:
        x / z
    assert "'/'" in str(info.value) and "zero" in str(info.value) and "x" in str(info.value)
    with pytest.raises(ZeroDivisionError, match="'/'.*zero"):
        2 / z
    with pytest.raises(ZeroDivisionError, match="'/'.*zero"):
        z / z


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, False])
def test_division_by_the_number_zero(zero):
    x = tg.Node(3.0, name="x")
    with pytest.raises(NodeZeroDivisionError, match=r"'/'.*x.*0"):
        x / zero


def test_zero_to_a_negative_power():
    z = tg.Node(0.0, name="z")
    for call in (lambda: z ** -1, lambda: z ** -0.5, lambda: z ** tg.Node(-1.0), lambda: 0 ** tg.Node(-1.0, name="p")):
        with pytest.raises(NodeZeroDivisionError, match=r"'\*\*'.*zero"):
            call()
    with pytest.raises(ZeroDivisionError, match="z"):
        z ** -1


def test_zero_to_a_power_below_one_has_an_infinite_slope():
    z = tg.Node(0.0, name="z")
    with pytest.raises(DomainError, match=r"'\*\*'.*z"):
        z ** 0.5
    assert (z ** 1.5).value == 0.0 and (z ** 0).value == 1.0


def test_negative_base_to_a_fractional_power():
    x = tg.Node(-2.0, name="x")
    with pytest.raises(DomainError, match=r"'\*\*'.*x"):
        x ** 0.5
    with pytest.raises(DomainError, match=r"'\*\*'.*x"):
        x ** tg.Node(2.0)                    # a Node exponent needs ln(base)
    assert (x ** 3).value == -8.0 and (x ** -2).value == 0.25


# -- overflow: decided behaviour is to raise, naming the op --------------------------------

def test_exp_overflow_raises():
    assert math.isfinite(tg.Node(709.0).exp().value)
    x = tg.Node(710.0, name="big")
    for call in (x.exp, lambda: tg.exp(x), lambda: tg.exp(1000)):
        with pytest.raises(NodeOverflowError, match="'exp'") as info:
            call()
        assert isinstance(info.value, OverflowError)
    with pytest.raises(NodeOverflowError, match="big"):
        x.exp()


@pytest.mark.parametrize("op, a, b", [
    (operator.mul, 1e200, 1e200), (operator.add, 1e308, 1e308), (operator.sub, -1e308, 1e308),
    (operator.truediv, 1e300, 1e-300), (operator.pow, 10.0, 400.0), (operator.pow, 1e-200, -2.0),
])
def test_overflowing_results_raise(op, a, b):
    sym = {"mul": "*", "add": "+", "sub": "-", "truediv": "/", "pow": "**"}[op.__name__]
    x, y = tg.Node(a, name="x"), tg.Node(b, name="y")
    for call in (lambda: op(x, y), lambda: op(x, b), lambda: op(a, y)):
        with pytest.raises(NodeOverflowError) as info:
            call()
        assert f"'{sym}'" in str(info.value)


def test_x_times_y_overflow_names_both():
    x, y = tg.Node(1e200, name="x"), tg.Node(1e200, name="y")
    with pytest.raises(NodeOverflowError, match=r"'\*'.*x.*y"):
        x * y


@pytest.mark.parametrize("v", [1000.0, -1000.0, 1e308, -1e308, 710.0, -710.0, 5e-324, -5e-324, 0.0])
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_sigmoid_and_tanh_never_overflow(name, v):
    x = tg.Node(v)
    y = getattr(x, name)()
    y.backward()
    assert math.isfinite(y.value) and math.isfinite(x.grad) and x.grad >= 0.0
    low = 0.0 if name == "sigmoid" else -1.0
    assert low <= y.value <= 1.0
    if abs(v) >= 1000:
        assert y.value == (1.0 if v > 0 else low) and x.grad == 0.0


# -- no silent nan or inf anywhere ------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]
UNARY = ["exp", "log", "sigmoid", "relu", "tanh", "sign", "__neg__"]


def _all_finite(out, *leaves):
    out.backward()
    assert math.isfinite(out.value)
    assert all(math.isfinite(g) for g in out.local_grads)
    assert all(math.isfinite(n.grad) for n in leaves)


@given(finite, finite, st.sampled_from(BINARY), st.sampled_from(["node", "number", "number on the left"]))
def test_binary_ops_give_finite_results_or_a_tinygraph_error(a, b, op, form):
    x, y = tg.Node(a, name="x"), tg.Node(b, name="y")
    try:
        out = {"node": lambda: op(x, y), "number": lambda: op(x, b), "number on the left": lambda: op(a, y)}[form]()
    except (DomainError, NodeZeroDivisionError, NodeOverflowError) as e:
        assert str(e)
        return
    _all_finite(out, x, y)


@given(finite, st.sampled_from(UNARY))
def test_functions_give_finite_results_or_a_tinygraph_error(a, name):
    x = tg.Node(a, name="x")
    try:
        out = getattr(x, name)()
    except DomainError as e:
        assert "x" in str(e)
        return
    _all_finite(out, x)


@pytest.mark.parametrize("build, op", [
    (lambda: tg.Node(0.0, name="x") / tg.Node(1e-310, name="eps"), "/"),   # d/dx = 1/eps = inf
    (lambda: tg.Node(1.0, name="x") / tg.Node(1e-200, name="eps"), "/"),   # d/deps = -x/eps^2 = -inf
    (lambda: tg.Node(0.0, name="x") / 1e-310, "/"),
    (lambda: tg.Node(1e-320, name="x").log(), "log"),                       # 1/x = inf
    (lambda: tg.Node(1e308, name="x") ** tg.Node(1.0, name="p"), "**"),     # x^p ln x = inf
    (lambda: tg.Node(1e-200, name="x") ** -1.5, "**"),                      # -1.5 x^-2.5 = -inf
])
def test_a_slope_too_large_for_a_float_raises(build, op):
    # the value is finite but its derivative is not: no silent inf in the gradients
    with pytest.raises(NodeOverflowError) as info:
        build()
    assert f"'{op}'" in str(info.value) and "x" in str(info.value)
