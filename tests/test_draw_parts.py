"""tinygraph/draw/dot.py only builds DOT: what a drawing is given is checked in draw/options.py, its
numbers are written by draw/labels.py, its text is measured by draw/metrics.py, its colours are in
draw/colours.py; every name dot.py exported before is still importable from it."""

import ast
import math
from pathlib import Path

import pytest

from tinygraph.draw import colours, dot, labels, metrics, options
from tinygraph.errors import BadValueError, NotFiniteError, WrongTypeError

DOT_PY = Path(dot.__file__)

HOMES = {colours: ["POSITIVE", "NEGATIVE", "ZERO", "HIGHLIGHT", "HIGHLIGHT_FILL"],
         options: ["check_flag", "check_choice", "check_text", "check_count", "drawn", "drawn_value"],
         labels: ["number"], metrics: ["text_width"]}


def test_every_name_dot_exported_is_still_there_and_lives_in_its_home():
    for home, names in HOMES.items():
        assert sorted(home.__all__) == sorted(names)
        for name in names:
            assert name in dot.__all__
            assert getattr(dot, name) is getattr(home, name), name        # one object, imported by dot


def test_dot_py_defines_only_what_builds_dot():
    tree = ast.parse(DOT_PY.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert defined == {"_unprintable", "_visible", "Html", "html", "quote", "svg_id", "neuron_id", "synapse_id",
                       "_value", "_attrs", "Edge", "Graph", "font"}
    constants = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    assert constants == {"_HTML_ESCAPES", "HIGHLIGHT_CLASS", "Value", "__all__"}


def test_the_option_checks_name_what_was_wrong():
    with pytest.raises(WrongTypeError, match="values must be True or False, got the str 'no'"):
        options.check_flag("no", "values")
    assert options.check_flag(None, "legend", none="automatic") is None
    with pytest.raises(BadValueError, match="rankdir must be 'LR' or 'TB', got 'lr'"):
        options.check_choice("lr", "rankdir", ["LR", "TB"])
    with pytest.raises(WrongTypeError, match="title must be text"):
        options.check_text(3, "title")
    with pytest.raises(BadValueError, match="must be a positive int, got 0"):
        options.check_count(0, "columns")
    with pytest.raises(NotFiniteError, match="w.value"):
        options.drawn_value(math.nan, "w.value", "Set it to a number")


def test_labels_and_metrics():
    assert [labels.number(v) for v in (None, 0.0, 120000.0, -0.5, 1 / 3)] == ["?", "0", "1.2e+05", "-0.5", "0.3333"]
    assert metrics.text_width("mm", 10) > metrics.text_width("ii", 10) > 0
    assert metrics.text_width("x", 10, bold=True) > metrics.text_width("x", 10)
