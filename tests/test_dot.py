"""Tests for tinygraph/draw/dot.py: the option checks every drawing shares (each refusal names its culprit),
numbers set by hand, escaping, ids, and DOT built from structure (no regular expressions in tinygraph/draw)."""

import math

import pytest

import tinygraph as tg
from tinygraph.draw.dot import html, neuron_id, number, quote, svg_id, synapse_id

from helpers import NAMES, net_222_after_backward, small_loss


# -- what a drawing is given: options and numbers checked, each refusal naming its culprit ---------

try:
    import numpy as np
except ImportError:                 # numpy is optional: its cases are left out
    np = None


NUMPY_ARRAY = [] if np is None else [np.array([1.0, 2.0]), np.array(3.0)]


def _options(draw):
    """(option, a bad value, the error, words the message must hold) for draw_network or draw_graph."""
    flags = ("values", "deltas", "grads", "legend", "allow_large") if draw == "network" else ("grads", "allow_large",
                                                                                               "stacked")
    cases = []
    for flag in flags:
        for bad in [1, 0, "no", 0.5] + NUMPY_ARRAY + ([] if flag == "stacked" else [None]):
            cases.append((flag, bad, tg.WrongTypeError, [flag, "True, False" if flag == "stacked" else "True or False"]))
    for bad in ["sideways", "lr", ""]:
        cases.append(("rankdir", bad, tg.BadValueError, ["rankdir", repr(bad), "'LR'"]))
    for bad in [None, 1.0, ["LR"]] + NUMPY_ARRAY:
        cases.append(("rankdir", bad, tg.WrongTypeError, ["rankdir", type(bad).__name__ if bad is not None else "None"]))
    for bad in [3, 0.5, ["a"], b"title"] + NUMPY_ARRAY:
        cases.append(("title", bad, tg.WrongTypeError, ["title", "a str", type(bad).__name__]))
    for bad in [0.5, 1.0, "abc", [1.0], {"v": 1.0}, True] + NUMPY_ARRAY:
        shown = ("float 1.0" if isinstance(bad, list) else "str 'v'" if isinstance(bad, dict)
                 else "float64" if np is not None and isinstance(bad, np.ndarray) and bad.ndim else repr(bad)[:6])
        for option in (("highlight", "known", "known_values") if draw == "network" else ("highlight", "known")):
            cases.append((option, bad, tg.WrongTypeError, [option, shown]))
    if draw == "network":
        for bad in [1, 0, "yes", 2.0] + NUMPY_ARRAY:
            cases.append(("edge_labels", bad, tg.WrongTypeError, ["edge_labels", "True, False or None"]))
    else:
        for bad in [0.5, "abc", [1.0], [(1.0, 2.0)]] + NUMPY_ARRAY:
            cases.append(("highlight_edges", bad, tg.WrongTypeError, ["highlight_edges", "(child, parent) pairs"]))
        for bad in [0, -3]:
            cases.append(("max_nodes", bad, tg.BadValueError, ["max_nodes", "positive int", str(bad)]))
        for bad in [2.5, 200.0, "200", None, True] + NUMPY_ARRAY:
            cases.append(("max_nodes", bad, tg.WrongTypeError, ["max_nodes", "positive int",
                                                                 "None" if bad is None else type(bad).__name__]))
    return cases


@pytest.mark.parametrize("draw, option, bad, error, words",
                         [("network",) + c for c in _options("network")] + [("graph",) + c for c in _options("graph")],
                         ids=lambda x: repr(x)[:20])
def test_a_bad_option_is_refused_naming_the_option_and_the_value(draw, option, bad, error, words):
    if draw == "network":
        net, _ = net_222_after_backward()
        call = lambda: tg.draw_network(net, **{option: bad})        # noqa: E731
    else:
        out, _ = small_loss()
        call = lambda: tg.draw_graph(out, **{option: bad})          # noqa: E731
    with pytest.raises(error) as e:
        call()
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_options_that_may_be_none_or_numpy_take_them():
    net, _ = net_222_after_backward()
    plain = tg.draw_network(net).source
    assert tg.draw_network(net, highlight=None).source == plain          # None: nothing highlighted
    assert tg.draw_network(net, title="").source == plain
    out, _ = small_loss()
    assert tg.draw_graph(out, highlight=None, highlight_edges=None).source == tg.draw_graph(out).source
    assert tg.draw_graph(out, max_nodes=10 ** 400).source == tg.draw_graph(out).source   # no limit to speak of
    if np is not None:      # numpy's bools and ints are taken like Python's
        assert tg.draw_network(net, values=np.bool_(True), grads=np.bool_(False)).source == plain
        assert tg.draw_network(net, edge_labels=np.bool_(True)).source == tg.draw_network(net, edge_labels=True).source
        assert tg.draw_graph(out, max_nodes=np.int64(50), grads=np.bool_(True)).source == tg.draw_graph(out).source
        with pytest.raises(tg.GraphError, match="max_nodes"):
            tg.draw_graph(out, max_nodes=np.int8(3))


NOT_FINITE = [float("nan"), float("inf"), -float("inf"), 10 ** 400]


NOT_A_NUMBER = ["abc", "1.5", None, [1.0], {"v": 1.0}, 1 + 2j, object()] + NUMPY_ARRAY


def _refused(call, error, culprit):
    with pytest.raises(error) as e:
        call()
    assert culprit in str(e.value), str(e.value)
    assert "finite" in str(e.value), str(e.value)


@pytest.mark.parametrize("bad", NOT_FINITE + NOT_A_NUMBER, ids=lambda x: repr(x)[:12])
def test_a_weight_bias_or_value_set_by_hand_to_no_finite_number_is_refused_naming_it(bad):
    error = tg.NotFiniteError if isinstance(bad, (int, float)) else tg.WrongTypeError
    net, _ = net_222_after_backward()
    net.synapse("x1", "h1").value = bad
    _refused(lambda: tg.draw_network(net), error, "w_x1_h1.value")
    net, _ = net_222_after_backward()
    net["h2"].bias.value = bad
    _refused(lambda: tg.draw_network(net, edge_labels=False), error, "θ_h2.value")
    net, _ = net_222_after_backward()
    net.synapse("h1", "o2").grad = bad
    assert tg.draw_network(net).source                       # grads not drawn: not read
    _refused(lambda: tg.draw_network(net, grads=True), error, "w_h1_o2.grad")
    out, nodes = small_loss()
    nodes["b"].value = bad
    _refused(lambda: tg.draw_graph(out), error, "b.value")
    out, nodes = small_loss()
    nodes["e"].grad = bad
    _refused(lambda: tg.draw_graph(out), error, "grad")
    assert tg.draw_graph(out, grads=False).source             # grads not drawn: not read
    with pytest.raises(error, match=r"check\[w_x1_h1\]"):
        net, _ = net_222_after_backward()
        tg.draw_network(net, grads=True, check={net.synapse("x1", "h1"): bad})


def test_a_weight_set_by_hand_to_another_kind_of_real_number_is_drawn_as_its_float():
    from fractions import Fraction
    kinds = [Fraction(1, 3), 2] + ([] if np is None else [np.float32(1 / 3), np.int64(2)])
    for w in kinds:
        net, _ = net_222_after_backward()
        s = net.synapse("x1", "h1")
        s.value = w
        d = tg.draw_network(net)
        text = " ".join(ln for a in d.graph.nodes.values() for ln in [str(a.get("label", ""))])
        assert number(float(w)) in text
        pen = d.graph.find(synapse_id("x1", "h1") + "-tail").attrs["penwidth"]
        assert type(pen) is float and math.isfinite(pen)
        assert "nan" not in d.source and "inf" not in d.source


# -- escaping and ids -------------------------------------------------------------

def test_escaping_helpers():
    assert html('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert html("a\nb") == "a<BR/>b"
    assert html("bell\x07") == "bell\\\\x07"                  # \x07 shown, its backslash doubled for Graphviz
    assert html("\\N") == "\\\\N"
    assert quote('say "hi" \\N & now\n') == '"say \\"hi\\" \\\\\\\\N &amp; now\\n"'
    assert number(120000.0) == "1.2e+05" and number(-0.001) == "-0.001" and number(0.0) == "0"
    assert number(None) == "?" and number(2.5981e6) == "2.598e+06" and number(0.78862) == "0.7886"


def test_ids_are_valid_and_different_for_different_names():
    import string
    names = [n for n, _ in NAMES] + ["a", "a-b", "a_b", "a__b", "a_2d_b", "A", "_", "-", "x1", "θ", "", "h1 "]
    ids = [svg_id(n) for n in names]
    assert len(set(ids)) == len(names)
    allowed = set(string.ascii_letters + string.digits + "_")
    assert all(set(i) <= allowed for i in ids)                 # CSS-, XML- and HTML-safe, no '-'
    assert svg_id("h1") == "h1" and svg_id("w_x1") == "w__x1" and svg_id("a-b") == "a_2d_b"
    assert neuron_id("h1") == "neuron-h1" and synapse_id("x", "h1") == "synapse-x-h1"
    # the '-' joining parts never comes from a name: (a-b, c) and (a, b-c) differ
    assert synapse_id("a-b", "c") != synapse_id("a", "b-c")
    pairs = [(a, b) for a in names[:8] for b in names[:8] if a != b]
    assert len({synapse_id(a, b) for a, b in pairs}) == len(pairs)


def test_no_drawing_module_reads_dot_or_svg_with_regular_expressions():
    """DOT is built from structure and SVG read as XML: no module under tinygraph/draw imports re."""
    import ast
    from pathlib import Path
    import tinygraph.draw
    for path in Path(tinygraph.draw.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) else [])
            assert "re" not in names and "regex" not in names, path.name
