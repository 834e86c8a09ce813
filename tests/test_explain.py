"""Tests for tinygraph/explanation (tg.explain), what the document says: its numbers (the backward walk's,
checked against delta_rule), its order, each activation's and error's own formulas, the exercise and
its answer key, the error curve, and the `tinygraph explain` command.  What is said is read from the
parsed HTML (each equation as one line of its MathML, see explanation_cases.linear); how each format
writes it is tested in test_explanation_formats.py, and that the LaTeX compiles in test_latex.py."""

import math
import os
import re
import subprocess
import sys
import xml.dom.minidom as minidom
from pathlib import Path

import pytest

import tinygraph as tg
from tinygraph.stepping import formulas
from tinygraph.demos import worked_example
from tinygraph.explanation import CATEGORIES, explain
from tinygraph.explanation.curve import MAX_POINTS, Curve
from tinygraph.explanation.equations import GENERAL, Symbols, written
from tinygraph.explanation.notation import Num, Style, number_text

from explanation_cases import (case, html_lines, read_html, read_latex, read_markdown, skip_network, softmax_network,
                               tokens)

ROOT = Path(__file__).resolve().parents[1]

# Mazur's published values for the 2-2-2 example, at the precision he prints them
# (his w5 and w1 are tinygraph's w_h1_o1 and w_i1_h1).
PUBLISHED = {"E": "0.298371109", "delta_o1": "0.138498562", "dE/dw5": "0.082167041", "w5 after": "0.35891648",
             "dE/dw1": "0.000438568"}


@pytest.fixture(scope="module")
def worked():
    net, inputs, targets = worked_example.build()
    return net, explain(net, inputs, targets, lr=worked_example.LR)


def lines(doc, kind=None):
    """The document's blocks as (kind, text), from its HTML; only those of ``kind`` if given."""
    out = html_lines(doc.html())
    return [text for k, text in out if k == kind] if kind else out


def equation_of(doc, start, nth=0):
    """The ``nth`` displayed equation (0: the first) whose line starts with ``start``."""
    found = [text for text in lines(doc, "equation") if text.startswith(start)]
    assert len(found) > nth, (start, found)
    return found[nth]


# -- the worked example -----------------------------------------------------------------------


def test_worked_example_shows_the_published_values_in_every_format(worked):
    net, doc = worked
    for text, read in ((doc.html(), read_html), (doc.markdown(), read_markdown), (doc.latex(), read_latex)):
        numbers = {n for block in read(text) if block[0] == "equation" for n in block[2]}
        for what, value in PUBLISHED.items():
            assert value in numbers, f"{what} = {value} is not a number of any equation"
    # and they are the numbers of the quantities they are published for
    index = Symbols(net).index
    v = doc.values
    assert f"{v[('error',)]:.9f}" == PUBLISHED["E"]
    assert f"{v[('delta', 'o1')]:.9f}" == PUBLISHED["delta_o1"]
    assert f"{v[('grad', index[id(net.synapse('h1', 'o1'))])]:.9f}" == PUBLISHED["dE/dw5"]
    assert f"{v[('new', index[id(net.synapse('h1', 'o1'))])]:.8f}" == PUBLISHED["w5 after"]
    assert f"{v[('grad', index[id(net.synapse('i1', 'h1'))])]:.9f}" == PUBLISHED["dE/dw1"]
    # each where it belongs: E's equation ends in E, w5's update in its new value
    assert equation_of(doc, "E=½∑_{k}").endswith("=" + PUBLISHED["E"])
    assert equation_of(doc, "E=½∑_{k}", 1).endswith("=0.280471447")           # after the step
    assert equation_of(doc, "δ_{o1}=").split("  ")[0].endswith("=" + PUBLISHED["delta_o1"])
    assert equation_of(doc, "[∂E/∂W_{h1,o1}]=").split("  ")[0].endswith("=" + PUBLISHED["dE/dw5"])
    assert equation_of(doc, "W_{h1,o1}←").endswith("=" + PUBLISHED["w5 after"])
    assert equation_of(doc, "[∂E/∂W_{i1,h1}]=").split("  ")[0].endswith("=" + PUBLISHED["dE/dw1"])


def test_the_numbers_are_the_walks_and_the_weights_stay(worked):
    net, inputs, targets = worked_example.build()
    before = [p.value for p in net.parameters()]
    doc = explain(net, inputs, targets)
    assert [p.value for p in net.parameters()] == before           # explain changes no weight
    index = Symbols(net).index
    for n in net.neurons.values():
        if not n.is_input:
            assert doc.values[("delta", n.name)] == n.delta        # the walk's number, not a copy by hand
    for p in net.parameters():
        assert doc.values[("grad", index[id(p)])] == p.grad
        assert doc.values[("new", index[id(p)])] == pytest.approx(p.value - 0.5 * p.grad, abs=1e-15)
    walk = {s.subject.name: s.number for s in doc.steps if s.kind in ("output delta", "hidden delta")}
    assert walk == {n: doc.values[("delta", n)] for n in walk}
    rule = tg.delta_rule(net, inputs, targets)
    for name, d in rule.deltas.items():
        assert doc.values[("delta", name)] == pytest.approx(d, rel=1e-12)
    assert "(tinygraph.delta_rule), gives the same error, deltas and gradients" in lines(doc, "para")[-1]


def test_the_document_follows_the_order_of_the_delta_rule(worked):
    _, doc = worked
    heads = lines(doc, "heading")
    assert heads == ["Backpropagation worked out: worked-example", "1. The network and the sample",
                     "2. The forward pass", "3. The error", "4. The output deltas", "5. The hidden deltas",
                     "6. The gradients", "7. The update", "8. The forward pass with the new weights",
                     "9. Repeat until the error is small", "How these numbers were checked"]
    # each equation symbolic first, then with the numbers, then its value; the output after the net input
    assert equation_of(doc, "net_{h1}=") == ("net_{h1}=W_{i1,h1}O_{i1}+W_{i2,h1}O_{i2}+θ_{h1} ; "
                                             "=0.15·0.05+0.2·0.1+0.35=0.3775 ; "
                                             "O_{h1}=σ(net_{h1})=σ(0.3775)=0.593269992")
    assert "δ_{j}=f′(net_{j})∑_{k}δ_{k}W_{j,k}" in lines(doc, "equation")      # the general form first
    assert equation_of(doc, "δ_{h1}=") == (
        "δ_{h1}=O_{h1}(1−O_{h1})(δ_{o1}W_{h1,o1}+δ_{o2}W_{h1,o2}) ; "
        "=0.593269992·(1−0.593269992)·(0.138498562·0.4+(−0.038098237)·0.5) ; =0.008771355  "
        "(backward walk, step 22 of 28)")
    paras = lines(doc, "para")
    assert any("train() gets there after 397 epochs" in p for p in paras)
    assert any("from E=0.298371109 to E=0.280471447" in p for p in paras)
    assert not any("the text" in p.lower() for p in paras)        # the source is named, not "the text"


def test_every_formula_of_the_delta_rule_has_a_written_form():
    assert set(GENERAL) == set(formulas.FORMULAS) | set(formulas.SOFTMAX_FORMULAS)
    net, inputs, targets = worked_example.build()
    net.forward(inputs)
    h1, o1 = net["h1"], net["o1"]
    s = net.synapse("h1", "o1")
    made = [formulas.NetInput("h1", [(x.name, x.value, x.src.name, 0.5) for x in h1.incoming], ("θ_h1", 0.35)),
            formulas.Output("h1", "sigmoid", 0.3),
            formulas.SquaredError([("o1", 0.7, 0.01), ("o2", 0.7, 0.99)]),
            formulas.OutputDelta("o1", "sigmoid", 0.7, 0.21, t=0.01),
            formulas.HiddenDelta("h1", "sigmoid", 0.5, 0.25, [("o1", 0.1, s.name, 0.4), ("o2", -0.1, "w", 0.5)]),
            formulas.WeightGradient(s.name, "o1", 0.1, "h1", 0.5),
            formulas.BiasGradient("θ_o1", "o1", 0.1),
            formulas.Update(s.name, 0.4, 0.08, 0.5)]
    subjects = [h1, h1, None, o1, h1, s, o1.bias, s]
    assert {type(f) for f in made} == set(formulas.FORMULAS)
    style = Style("tex")
    for f, subject in zip(made, subjects):
        w = written(f, Symbols(net), subject, ("x",))
        assert w.value.value == f.value
        assert w.lhs.tex(style) and all(m.tex(style) for m in w.symbols + w.numbers)


@pytest.mark.parametrize("label", ["worked-example", "multiplier", "tanh-mlp", "skip"])
def test_each_network_is_explained_with_its_own_activations(label):
    _, net, x, t, lr = case(label)
    doc = explain(net, x, t, lr=lr)
    for st in doc.steps:
        if st.kind in ("output delta", "hidden delta"):
            assert doc.values[("delta", st.subject.name)] == st.number
    paras = lines(doc, "para")
    if label == "multiplier":
        assert equation_of(doc, "δ_{out}=") == ("δ_{out}=(O_{out}−t_{out}) ; =(11.99995−12)=−4.99997×10^{−5}  "
                                                "linear: f′ = 1 (backward walk, step 4 of 30)")   # f′ = 1 left out
        assert "(it is written for sigmoid neurons)" in paras[-1]
    if label == "tanh-mlp":
        assert "For tanh (h1, h2, h3): f′(net_{j})=1−tanh(net_{j})^{2}=1−O_{j}^{2}." in paras
        assert equation_of(doc, "δ_{h1}=").startswith("δ_{h1}=(1−O_{h1}^{2})(δ_{o1}W_{h1,o1})")
    if label == "skip":
        # h1 feeds h2 and, skipping it, o: its delta sums over both; h2's delta is worked out first
        assert equation_of(doc, "δ_{h1}=").startswith("δ_{h1}=O_{h1}(1−O_{h1})(δ_{h2}W_{h1,h2}+δ_{o}W_{h1,o})")
        assert "a synapse here skips a layer" in paras[-1]
        eqs = lines(doc, "equation")
        first = {name: next(i for i, e in enumerate(eqs) if e.startswith(f"δ_{{{name}}}=")) for name in ("h1", "h2")}
        assert first["h2"] < first["h1"]


def test_other_activations_write_their_own_slope():
    tg.register_activation("softsign_explained", lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2)
    net = tg.Network("acts")
    x = net.input("x")
    r = net.neuron("r", activation="ramp", bias=0.1)
    st = net.neuron("s", activation="step", bias=0.0)
    c = net.neuron("c", activation="softsign_explained", bias=0.0)
    o = net.neuron("o", activation="linear", bias=0.0)
    for h in (r, st, c):
        net.connect(x, h, weight=0.5)
        net.connect(h, o, weight=0.3)
    doc = explain(net, [1.0], [0.2])
    slopes = next(p for p in lines(doc, "para") if p.startswith("For the ramp"))
    assert slopes.startswith("For the ramp max(0, x) (r): f′(net_{j})=1 if net_{j}>0 else 0: the error flows "
                             "back only through")
    assert "the step (s): f′(net_{j})=0: the step is flat" in slopes
    assert "the activation softsign_explained (c): f′(net_{j})=softsign_explained′(net_{j})" in slopes
    assert "linear: f′ = 1" in equation_of(doc, "δ_{o}=")


# -- a softmax output layer with the cross-entropy ---------------------------------------------


def test_a_softmax_layer_is_written_out_and_every_number_is_the_engines():
    net, x, right = softmax_network()
    before = [p.value for p in net.parameters()]
    doc = explain(net, x, right)
    assert [p.value for p in net.parameters()] == before
    # the same step by the engine alone: forward, cross_entropy, backward()
    check = net.copy()
    check.zero_grad()
    out = check.forward(x)
    E = tg.cross_entropy(out, right)
    E.backward()
    o2, z2 = check["o2"].value, check["o2"].net_input
    t = {n.name: float(n.name == right) for n in check.outputs}
    v = doc.values
    assert v[("error",)] == E.value
    assert v[("expsum",)] == pytest.approx(sum(math.exp(n.net_input) for n in check.outputs), rel=1e-15)
    for n in check.outputs:
        assert v[("out", n.name)] == n.value
        assert v[("delta", n.name)] == pytest.approx(n.value - t[n.name], abs=1e-15) == n.delta
    for n in check.hidden:
        assert v[("delta", n.name)] == n.delta
    index = Symbols(net).index
    for p, q in zip(net.parameters(), check.parameters()):
        assert v[("grad", index[id(p)])] == q.grad
        assert v[("new", index[id(p)])] == p.value - 0.5 * q.grad
    # the error after the step is the engine's too
    for p, q in zip(net.parameters(), check.parameters()):
        q.value = p.value - 0.5 * q.grad
    assert v[("error2",)] == tg.cross_entropy(check.forward(x), right).value

    eqs = lines(doc, "equation")
    assert "O_{k}=[e^{net_{k}}/∑_{j}e^{net_{j}}]" in eqs
    assert "E=−∑_{k}t_{k}ln(O_{k})" in eqs
    assert equation_of(doc, "E=−t_{o2}").startswith(f"E=−t_{{o2}}ln(O_{{o2}})=−1·ln({o2:.9g})=")
    soft = equation_of(doc, "∑_{j}e^{net_{j}}=")
    assert soft.startswith("∑_{j}e^{net_{j}}=e^{net_{o1}}+e^{net_{o2}}+e^{net_{o3}} ; =e^{")
    total = f"{v[('expsum',)]:.9f}"
    assert soft.endswith("=" + total)
    assert equation_of(doc, "O_{o2}=") == f"O_{{o2}}=[e^{{net_{{o2}}}}/∑_{{j}}e^{{net_{{j}}}}]=[e^{{{z2:.9g}}}/{total}]={o2:.9g}"
    assert equation_of(doc, "O_{o3}=").endswith("  (the probabilities add up to 1)")
    # why δ_k = O_k - t_k: the chain rule through every O_i, the softmax's slopes, the error's -t_i / O_i
    why = equation_of(doc, "δ_{k}=")
    assert why.startswith("δ_{k}=[∂E/∂net_{k}]=∑_{i}[∂E/∂O_{i}][∂O_{i}/∂net_{k}] ; =∑_{i}(−[t_{i}/O_{i}])O_{i}(")
    assert why.endswith("=O_{k}−t_{k}  (the targets add up to 1)")
    assert equation_of(doc, "δ_{o2}=").startswith(f"δ_{{o2}}=O_{{o2}}−t_{{o2}}={o2:.9g}−1=−")
    assert equation_of(doc, "δ_{o1}=").startswith("δ_{o1}=O_{o1}−t_{o1}=")
    assert equation_of(doc, "δ_{h1}=").startswith("δ_{h1}=O_{h1}(1−O_{h1})(δ_{o1}W_{h1,o1}+δ_{o2}W_{h1,o2}+δ_{o3}W_{h1,o3})")
    paras = lines(doc, "para")
    assert any("o1, o2, o3: the softmax" in p for p in paras)
    assert any("(1 for the right class, 0 for the others)" in p for p in paras)
    assert "(tinygraph.delta_rule), gives the same error, deltas and gradients" in paras[-1]
    assert "4. The output deltas" in lines(doc, "heading")


def test_a_softmax_layer_of_many_classes_writes_long_sums_over_lines():
    net = tg.MLP([3, 4, 6], activation="tanh", output_activation="softmax", seed=3)
    doc = explain(net, [0.5, -0.2, 0.1], [0, 0, 0, 1, 0, 0], pictures=False)
    soft = equation_of(doc, "∑_{j}e^{net_{j}}=")
    assert soft.startswith("∑_{j}e^{net_{j}}=e^{net_{o1}}+e^{net_{o2}}+⋯+e^{net_{o6}} ; =e^{")   # symbols elided
    assert soft.count("e^{") == 1 + 3 + 6                       # in symbols elided, every number written out
    hidden = equation_of(doc, "δ_{h1}=")
    assert hidden.startswith("δ_{h1}=(1−O_{h1}^{2})(δ_{o1}W_{h1,o1}+δ_{o2}W_{h1,o2}+⋯+δ_{o6}W_{h1,o6}) ; =")
    assert hidden.count(" ; ") >= 3                           # the bracketed sum broken over lines
    assert "E=−t_{o4}ln(O_{o4})" in equation_of(doc, "E=−t")
    assert "{O}_{k}(\\mathbf{1}[k=j]-{O}_{j})" in doc.latex()      # the softmax's slopes, with 1[k = j]


def test_a_softmax_layer_with_net_inputs_near_1000_is_written_finite():
    net = tg.MLP([2, 3], output_activation="softmax", seed=0)
    for s in net.synapses:
        s.value *= 800
    doc = explain(net, [1.0, 1.0], "o2", pictures=False)
    out = net.forward([1.0, 1.0])
    z = [n.net_input for n in net.outputs]
    m = max(z)
    assert m > 700 and out["o2"].value == 0.0                     # e^net overflows; O_o2 rounds to 0
    assert all(math.isfinite(v) for v in doc.values.values())
    assert doc.values[("error",)] == pytest.approx(m - z[1], rel=1e-12)      # -ln O_o2 = m - net_o2 + ln(1 + ...)
    def shown(x):
        sign, digits, _ = number_text(x)
        return ("−" if sign else "") + digits
    soft = equation_of(doc, "∑_{j}e^{net_{j}−m}=")
    assert f"(m = {number_text(m)[1]}, the largest net input" in soft and soft.endswith("no power overflows a float)")
    e = equation_of(doc, "E=−t_{o2}")
    assert "ln(0)" not in e and f"=−1·({shown(z[1])}−{shown(m)})={shown(doc.values[('error',)])}" in e
    # the note says how, in words that survive Markdown's \tag*{} (which drops _ and ^: no "O_k" read "Ok")
    assert "is 0) (each ln O worked from the net inputs: the net input minus the ln of the sum of e to each net " \
           "input, so no O is rounded to 0)}" in doc.markdown()


def test_softmax_explain_refuses_what_it_cannot_write_clearly():
    net, x, right = softmax_network()
    with pytest.raises(tg.errors.BadValueError, match="cross-entropy.*not 'mse'"):
        explain(net, x, right, error="mse")
    with pytest.raises(tg.errors.BadValueError, match="'o9' is not a class.*o1, o2, o3"):
        explain(net, x, "o9")
    with pytest.raises(tg.errors.BadValueError, match="softmax output layer, and this network has none"):
        explain(skip_network()[0], {"x1": 1.0, "x2": 0.5}, {"o": 0.9}, error="cross_entropy")
    doc = explain(net, x, {"o1": 0.0, "o2": 1.0, "o3": 0.0}, error="cross_entropy")   # its own error, named
    assert doc.values[("delta", "o2")] == net["o2"].delta


def test_cli_explains_a_saved_softmax_network_with_a_class_label(tmp_path):
    table = tmp_path / "flowers.csv"
    table.write_text("a,b,kind\n" + "".join(f"{i % 5},{(i * 7) % 3},{['x', 'y', 'z'][i % 3]}\n" for i in range(30)),
                     encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "tinygraph", "train", "flowers.csv", "--target", "kind", "--epochs",
                        "5", "--save", "net.json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = run_cli("net.json", "--inputs", "a=1", "b=2", "--targets", "y", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    net = tg.Network.load(str(tmp_path / "net.json"))
    names = [n.name for n in net.outputs]
    eqs = [text for kind, text in html_lines(page) if kind == "equation"]
    assert any(e.startswith(f"E=−t_{{{names[1]}}}ln(O_{{{names[1]}}})") for e in eqs)      # y is the second class
    assert any(e.startswith(f"δ_{{{names[0]}}}=O_{{{names[0]}}}−t_{{{names[0]}}}") for e in eqs)
    r = run_cli("net.json", "--inputs", "a=1", "b=2", "--targets", "w", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 2 and "'w' is not a class" in r.stderr and "x, y, z" in r.stderr
    # with no sample, the example names a class (as --targets takes one), not a made-up value per output
    r = run_cli("net.json", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 2 and "--inputs a=... b=... --targets x\n" in r.stderr, r.stderr


def test_cli_explains_a_saved_softmax_network_whose_classes_are_numbers(tmp_path):
    """--targets 3 for a network trained on digits-like codes is the class '3' (its hint says so too)."""
    table = tmp_path / "codes.csv"
    table.write_text("a,b,kind\n" + "".join(f"{i % 5},{(i * 7) % 3},{i % 3 + 1}\n" for i in range(30)),
                     encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "tinygraph", "train", "codes.csv", "--target", "kind", "--epochs",
                        "5", "--save", "net.json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = run_cli("net.json", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 2 and "--inputs a=... b=... --targets 1\n" in r.stderr, r.stderr
    r = run_cli("net.json", "--inputs", "a=1", "b=2", "--targets", "2", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    names = [n.name for n in tg.Network.load(str(tmp_path / "net.json")).outputs]
    eqs = [text for kind, text in html_lines((tmp_path / "f.html").read_text(encoding="utf-8")) if kind == "equation"]
    assert any(e.startswith(f"E=−t_{{{names[1]}}}ln(O_{{{names[1]}}})") for e in eqs)      # 2 is the second class
    r = run_cli("net.json", "--inputs", "a=1", "b=2", "--targets", "7", "--out", "f.html", cwd=tmp_path)
    assert r.returncode == 2 and "1 values for the network's 3 outputs" in r.stderr, r.stderr


@pytest.mark.parametrize("error", ["mse", "bce", "hinge", "function"])
def test_other_errors_give_their_slope_from_the_walk(error):
    net, x, t = skip_network()
    if error == "hinge":
        t = {"o": 1.0}
    err = (lambda outs, tt: (outs["o"] - 0.3) ** 2) if error == "function" else error
    doc = explain(net, x, t, error=err)
    o = net["o"]
    assert doc.values[("dEdO", "o")] == o.grad
    if error == "mse":
        assert "[∂E/∂O_{k}]=[2/n](O_{k}−t_{k})" in lines(doc, "equation")
        assert equation_of(doc, "[∂E/∂O_{o}]=").startswith("[∂E/∂O_{o}]=[2/n](O_{o}−t_{o})=[2/1](0.558842135−0.9)=")
    if error == "function":
        assert equation_of(doc, "[∂E/∂O_{o}]=").endswith("(from the backward walk)")
    assert "written for the squared error" in lines(doc, "para")[-1]


def test_bad_arguments_say_what_to_do():
    net, x, t = skip_network()
    with pytest.raises(ValueError, match="unknown error 'cross'.*Known: squared_error"):
        explain(net, x, t, error="cross")
    with pytest.raises(tg.errors.WrongTypeError, match="needs a tinygraph Network"):
        explain("net", x, t)
    with pytest.raises(tg.NameNotFoundError, match="missing 'x2'"):
        explain(net, {"x1": 1.0}, t)
    with pytest.raises(tg.errors.BadValueError, match="decimals"):
        explain(net, x, t, decimals=0)
    with pytest.raises(ValueError, match="cannot leave 'weights!' blank"):
        explain(net, x, t).as_exercise(["weights!"])


def test_fixed_parameters_keep_their_values_and_biasless_neurons_have_no_theta():
    net = tg.Network("fixed")
    x = net.input("x")
    h = net.neuron("h", bias=0.2, train_bias=False)
    o = net.neuron("o", bias=None)
    net.connect(x, h, weight=0.5, trainable=False)
    net.connect(h, o, weight=-0.7)
    doc = explain(net, [1.0], [0.3])
    assert "Fixed (not trainable), so they keep their values: θ_{h} and W_{x,h}." in lines(doc, "para")
    updates = [e for e in lines(doc, "equation") if "←" in e and not e.startswith(("W←", "θ_{k}"))]
    assert [u.split("←")[0] for u in updates] == ["W_{h,o}"]        # the one trainable weight, nothing else
    assert not any("θ_{o}" in e for e in lines(doc, "equation"))     # o has no bias
    assert {k[0] for k in doc.as_exercise(["new weights"]).blanks} == {"new"}
    assert len(doc.as_exercise(["new weights"]).blanks) == 1          # only the one trainable weight


# -- the exercise -----------------------------------------------------------------------------

BLANK = re.compile(r"\\boxed\{\\;\\text\{\((\d+)\)\}\\;\}")


def _fillers(exercise_math, full_math):
    """(label, what the full text has where the exercise has blank number label), in reading order:
    everything else must be the same, character for character."""
    out = []
    for ex, full in zip(exercise_math, full_math):
        pieces = BLANK.split(ex)              # text, label, text, label, ..., text
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(pieces))
        m = re.fullmatch(pattern, full, re.S)
        assert m, (ex, full)
        out += list(zip([int(x) for x in pieces[1::2]], m.groups()))
    return out


def _number(filler):
    s = filler.strip()
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if "\\times 10^{" in s:
        m, e = s.split("\\times 10^{")
        return float(m) * 10 ** int(e.rstrip("}"))
    return float(s)


@pytest.mark.parametrize("label", ["worked-example", "skip", "softmax"])
def test_exercise_blanks_are_exactly_where_the_key_has_answers(label):
    _, net, x, t, lr = case(label)
    full = explain(net, x, t, lr=lr)
    ex = full.as_exercise()
    key = ex.answer_key
    assert key is not None and full.answer_key is None and ex.is_exercise
    from tinygraph.explanation import markdown as md_format

    def math(blanks):
        """The math of the exercise's blocks, with these blanks (none: the full numbers)."""
        text = md_format.render(ex.blocks, Style("md", blanks=blanks), lambda f: "x.svg", lambda f: "")
        return [tk.content for tk in tokens(text) if tk.type.startswith("math")]
    ex_math, full_math = math(ex.blanks), math({})
    assert ex.markdown() == md_format.render(ex.blocks, Style("md", blanks=ex.blanks), ex._data_uri, str)
    assert len(ex_math) == len(full_math)
    fillers = _fillers(ex_math, full_math)
    labels = [lab for lab, _ in fillers]
    answers = ex.answers
    # the blanks are numbered in reading order, and each number has an answer in the key
    assert sorted(set(labels)) == list(range(1, len(answers) + 1)) == sorted(answers)
    assert [lab for i, lab in enumerate(labels) if lab not in labels[:i]] == sorted(set(labels))
    for lab, filler in fillers:                       # what the blank hides is the key's answer
        assert abs(_number(filler) - answers[lab]) <= 5e-10 + 1e-5 * abs(answers[lab])   # as written
    # the key: one entry per blank, each with the working that ends in the answer
    key_md = key.markdown()
    entries = re.findall(r"\*\*\\\((\d+)\\\)\*\* \$(.*?)\$, from:\n\n\$\$\n(.*?)\n\$\$", key_md, re.S)
    assert [int(n) for n, _, _ in entries] == sorted(answers)
    style = Style("md")
    for n, answer, working in entries:
        shown = Num(answers[int(n)], paren=False).tex(style)
        assert answer.endswith("=" + shown)
        assert shown in working
    # what is blank: every delta, gradient and new weight, nothing else
    kinds = {k[0] for k in ex.blanks}
    assert kinds == {"delta", "grad", "new"}
    assert not BLANK.search(full.markdown()) and not BLANK.search(key_md)
    # the pictures that would give the answers away are left out
    assert "network-backward" not in ex.markdown("files") and "network-after" not in ex.markdown("files")


def test_exercise_in_html_and_chosen_blanks(worked):
    _, doc = worked
    ex = doc.as_exercise(["error", "deltas"])
    kinds = {k[0] for k in ex.blanks}
    assert kinds == {"error", "delta"}
    page = ex.html()
    labels = sorted({int(x) for x in re.findall(r'class="blank" data-blank="(\d+)"', page)})
    assert labels == sorted(ex.answers) and len(labels) == 1 + 4     # E and the 4 deltas
    assert "0.298371109" not in page                                  # E is nowhere, not even in words
    assert "0.298371109" in ex.answer_key.html()
    assert set(CATEGORIES) >= {"deltas", "gradients", "new weights"}


# -- the error curve --------------------------------------------------------------------------


def test_error_curve_is_svg_with_a_log_axis_when_the_error_falls_far():
    errors = [0.3 * 0.98 ** k for k in range(1200)]
    c = Curve(errors, until=0.001)
    assert c.log and len(c.points) <= MAX_POINTS + 1
    doc = minidom.parseString(c.svg())
    assert doc.documentElement.tagName == "svg"
    assert len(doc.getElementsByTagName("polyline")) == 1
    assert "threshold 0.001" in c.svg() and "\\begin{tikzpicture}" in c.tikz()
    flat = Curve([0.5, 0.4, 0.35], until=0.3)
    assert not flat.log and flat.yticks[0][1] == "0"


def test_numbers_are_written_with_nine_decimals_or_as_powers_of_ten():
    assert number_text(0.29837110876) == ("", "0.298371109", None)
    assert number_text(0.35891647972) == ("", "0.35891648", None)
    assert number_text(-0.0000438568) == ("-", "4.38568", -5)
    assert number_text(12.0) == ("", "12", None) and number_text(0.0) == ("", "0", None)
    assert number_text(2.598e6) == ("", "2.598", 6)


# -- the command line -------------------------------------------------------------------------


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tinygraph", "explain", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_writes_each_format_and_the_exercise(tmp_path):
    r = run_cli("worked-example", "--format", "html", "--out", "w.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote w.html" in r.stdout
    assert equation_of_page((tmp_path / "w.html").read_text(encoding="utf-8"), "E=½").endswith(PUBLISHED["E"])
    r = run_cli("worked-example", "--exercise", "--out", "ex.md", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ex-key.md").is_file() and "answer key" in r.stdout
    assert "\\boxed" in (tmp_path / "ex.md").read_text(encoding="utf-8")
    r = run_cli("xor", "--out", "-", "--format", "tex", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("\\documentclass")
    r = run_cli("worked-example", "--out", "w.tex", "--format", "html", cwd=tmp_path)
    assert r.returncode == 2 and "drop one of them" in r.stderr


def equation_of_page(page, start):
    return next(text for kind, text in html_lines(page) if kind == "equation" and text.startswith(start))


def test_cli_explains_a_saved_network_with_its_sample(tmp_path):
    net, x, t = skip_network()
    net.save(str(tmp_path / "skip.json"))
    r = run_cli("skip.json", "--out", "s.md", cwd=tmp_path)
    assert r.returncode == 2 and "--inputs x1=... x2=... --targets o=..." in r.stderr
    r = run_cli("skip.json", "--inputs", "x1=1", "x2=0.5", "--targets", "0.9", "--out", "s.html", "--lr", "0.1",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    paras = [text for kind, text in html_lines(page) if kind == "para"]
    assert any("the learning rate η=0.1." in p for p in paras) and "skips a layer" in paras[-1]
    r = run_cli("skip.json", "--inputs", "1,abc", "--targets", "0.9", cwd=tmp_path)
    assert r.returncode == 2 and "'abc' is not a number" in r.stderr
    r = run_cli("no-such-net", cwd=tmp_path)
    assert r.returncode == 2 and "worked-example" in r.stderr
