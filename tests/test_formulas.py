"""Tests for tinygraph/stepping/formulas.py: each of the delta rule's formulas, written and computed once."""

import math

import pytest

from tinygraph.stepping import formulas
from tinygraph.stepping.formulas import (BiasGradient, HiddenDelta, NetInput, Output, OutputDelta, SquaredError, Update,
                                WeightGradient)


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_net_input_and_output():
    f = NetInput("h1", [("w1", 0.15, "i1", 0.05), ("w2", 0.2, "i2", 0.1)], ("θ_h1", 0.35))
    assert f.value == pytest.approx(0.15 * 0.05 + 0.2 * 0.1 + 0.35, rel=1e-15)
    assert str(f) == "net_h1 = w1·O_i1 + w2·O_i2 + θ_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775"
    lin = NetInput("y", [("w", -2.0, "x", 0.5)], lhs="O_y")              # no bias; a linear neuron's output
    assert str(lin) == "O_y = w·O_x = (-2)·0.5 = -1"
    o = Output("h1", "sigmoid", 0.3775)
    assert o.value == pytest.approx(sig(0.3775), rel=1e-15)
    assert str(o) == "O_h1 = sigmoid(net_h1) = sigmoid(0.3775) = 0.5933"
    assert Output("h", "ramp", -1.0).value == 0.0 and Output("h", "ramp", -1.0).activation == "relu"


def test_the_slope_comes_from_the_activation_table():
    for x in (-3.0, -0.2, 0.0, 0.7, 5.0):
        s = sig(x)
        assert formulas.slope("sigmoid", x) == pytest.approx(s * (1 - s), rel=1e-12)   # the delta rule's O(1 - O)
        assert formulas.slope("tanh", x) == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-12)
        assert formulas.slope("linear", x) == 1.0
        assert formulas.activate("sigmoid", x) == pytest.approx(s, rel=1e-15)
    assert formulas.slope("relu", 2.0) == 1.0 and formulas.slope("relu", -2.0) == 0.0


def test_squared_error():
    f = SquaredError([("o1", 0.75, 0.01), ("o2", 0.77, 0.99)])
    assert f.value == pytest.approx(0.5 * (0.74 ** 2 + 0.22 ** 2), rel=1e-14)
    assert str(f) == "E = ½ Σ_k (O_k - t_k)² = ½ (0.75 - 0.01)² + ½ (0.77 - 0.99)² = 0.298"
    assert SquaredError([("o", 0.5, -1.0)]).numbers == "½ (0.5 - (-1))²"       # a negative target bracketed


def test_output_delta_for_sigmoid_linear_and_other_units():
    o = 0.7514
    f = OutputDelta("o1", "sigmoid", o, o * (1 - o), t=0.01)
    assert f.value == pytest.approx(o * (1 - o) * (o - 0.01), rel=1e-15)
    assert str(f) == "δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1) = 0.7514·(1 - 0.7514)·(0.7514 - 0.01) = 0.1385"
    lin = OutputDelta("out", "linear", 11.99995, 1.0, t=12.0)
    assert str(lin) == "δ_out = (O_out - t_out)   (linear: f' = 1) = (11.99995 - 12) = -5e-05"
    th = OutputDelta("y", "tanh", 0.5, 0.75, t=-1.0)
    assert th.value == 0.75 * 1.5
    assert str(th) == "δ_y = f'(net_y) (O_y - t_y) = 0.75·(0.5 - (-1)) = 1.125"
    other = OutputDelta("o1", "sigmoid", o, o * (1 - o), dE_dO=0.3)           # another error: dE/dO given
    assert other.value == pytest.approx(o * (1 - o) * 0.3, rel=1e-15)
    assert other.formula == "δ_o1 = O_o1(1 - O_o1) dE/dO_o1"
    with pytest.raises(TypeError, match="one of them"):
        OutputDelta("o1", "sigmoid", o, 0.2)
    with pytest.raises(TypeError, match="one of them"):
        OutputDelta("o1", "sigmoid", o, 0.2, t=0.0, dE_dO=1.0)


def test_hidden_delta_sums_over_the_neurons_it_feeds():
    o = 0.5933
    f = HiddenDelta("h1", "sigmoid", o, o * (1 - o), [("o1", 0.1385, "w5", 0.4), ("o2", -0.0381, "w7", 0.5)])
    assert f.value == pytest.approx(o * (1 - o) * (0.1385 * 0.4 - 0.0381 * 0.5), rel=1e-14)
    assert str(f) == ("δ_h1 = O_h1(1 - O_h1) (δ_o1·w5 + δ_o2·w7) = "
                      "0.5933·(1 - 0.5933)·(0.1385·0.4 + (-0.0381)·0.5) = 0.008771")
    relu = HiddenDelta("h", "relu", 2.0, 1.0, [("y", -0.5, "w", 3.0)])
    assert str(relu) == "δ_h = f'(net_h) (δ_y·w) = 1·((-0.5)·3) = -1.5"


def test_gradients_and_the_update():
    g = WeightGradient("w5", "o1", 0.1385, "h1", 0.5933)
    assert g.value == 0.1385 * 0.5933 and str(g) == "dE/dw5 = δ_o1·O_h1 = 0.1385·0.5933 = 0.08217"
    b = BiasGradient("θ_o1", "o1", -0.0381)
    assert b.value == -0.0381 and str(b) == "dE/dθ_o1 = δ_o1·1 = (-0.0381)·1 = -0.0381"
    u = Update("w5", 0.4, 0.08217, 0.5)
    assert u.value == 0.4 - 0.5 * 0.08217 and str(u) == "w5 ← w5 - η·dE/dw5 = 0.4 - 0.5·0.08217 = 0.3589"
    tiny = Update("w", 10.0, -2e-5, 1.0)                    # a change fmt() would hide: digits enough to see it
    assert str(tiny) == "w ← w - η·dE/dw = 10 - 1·(-2e-05) = 10.00002"


def test_each_formula_states_the_texts_general_form():
    assert [f.GENERAL for f in formulas.FORMULAS] == [
        "net_k = Σ_j w_jk O_j + θ_k", "O_k = f(net_k)", "E = ½ Σ_k (O_k - t_k)²",
        "δ_k = f'(net_k) (O_k - t_k)", "δ_j = f'(net_j) Σ_k δ_k w_jk", "dE/dw_jk = δ_k O_j",
        "dE/dθ_k = δ_k · 1", "w ← w - η dE/dw"]


def test_a_long_sum_is_abridged_to_its_first_terms_and_its_last():
    from tinygraph.stepping.formulas import abridged
    assert abridged("a + b + c + d + e + f") == "a + b + c + d + e + f"            # short: as it is
    assert abridged(" + ".join(f"t{i}" for i in range(64)) + " + θ") == "t0 + t1 + t2 + t3 + … (60 more) + θ"


def test_for_every_writes_the_formula_once_and_works_out_the_first_examples():
    from tinygraph.stepping.formulas import ForEvery
    items = [("δ_h2", -0.5, "δ_h2 = 2·(-0.25) = -0.5"), ("δ_h1", 0.25, "..."), ("δ_h3", 0.125, "..."),
             ("δ_h4", 0.0625, "...")]
    each = ForEvery("δ_j = f'(net_j) Σ_k δ_k w_jk", "j of h1 … h4 (4)", items, "the strip")
    assert each.formula == "δ_j = f'(net_j) Σ_k δ_k w_jk   for every j of h1 … h4 (4)"
    assert each.examples == "e.g. δ_h2 = 2·(-0.25) = -0.5; δ_h1 = 0.25, δ_h3 = 0.125; all 4 in the strip"
    assert each.values == [-0.5, 0.25, 0.125, 0.0625] and str(each).startswith(each.formula + ":   e.g.")
    assert ForEvery("x", "y", [], "z").examples == ""
