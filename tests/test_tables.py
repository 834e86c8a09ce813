"""A learner's CSV: read with clear errors, standardised, trained on (both engines), saved and predicted."""

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygraph as tg
from tinygraph.data.tables import DataFileError, Scaling, predict_table, read_table, train_table

DEMOS = os.path.join(os.path.dirname(__file__), "..", "demos")


def write(tmp_path, text, name="data.csv", binary=False):
    p = tmp_path / name
    if binary:
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


GOOD = "x1,x2,label\n0.1,2,a\n0.5,3,b\n0.9,1,a\n0.3,5,b\n"


def test_reads_a_two_label_target_as_a_classifier(tmp_path):
    t = read_table(write(tmp_path, GOOD), "label")
    assert t.inputs == ["x1", "x2"] and t.rows[1] == [0.5, 3.0]
    assert t.labels == ("a", "b") and t.targets == [0.0, 1.0, 0.0, 1.0] and t.classifier
    r = read_table(write(tmp_path, "x,y\n1,0.5\n2,0.7\n3,0.2\n"), "y")
    assert not r.classifier and r.targets == [0.5, 0.7, 0.2]
    z = read_table(write(tmp_path, "x;y\n1;0\n2;1\n"), "y")          # ; separated, 0/1 target
    assert z.classifier and z.labels == ("0", "1")


@pytest.mark.parametrize("text, target, words", [
    ("", "y", ["empty"]),
    ("   \n\n", "y", ["empty"]),
    ("1,2,0\n3,4,1\n", "y", ["no header", "x1,x2,label"]),
    ("a,b,c\n1,2,0\n2,3,1\n", "label", ["no column 'label'", "'a', 'b', 'c'"]),
    ("x1,x2,y\n1,2,0\n3,4\n", "y", ["row 2", "line 3", "2 cells", "header has 3"]),
    ("x1,x2,y\n1,2,0\n3,four,1\n", "y", ["row 2", "'x2'", "'four' is not a number"]),
    ("x1,x2,y\n1,7,0\n1,7,1\n", "y", ["every input column holds one value in every row", "add an input"]),
    ("x1,y\n4,0\n4,1\n", "y", ["the column 'x1' is 4 in every row", "nothing tells the samples apart"]),
    ("x1,x2,y\n1,nan,0\n3,2,1\n", "y", ["row 1", "'x2'", "nan", "finite"]),
    ("x1,x2,y\n1,inf,0\n3,2,1\n", "y", ["'x2'", "inf", "finite"]),
    ("x1,y\n1,a\n2,a\n3,a\n", "y", ["1 different value", "'a'", "2 to 50 classes"]),
    ("x1,y\n1,0\n", "y", ["1 data row", "at least two"]),
    ("x1,x1,y\n1,2,0\n2,3,1\n", "y", ["two columns are named 'x1'"]),
])
def test_bad_data_is_refused_with_what_and_where(tmp_path, text, target, words):
    with pytest.raises(DataFileError) as e:
        read_table(write(tmp_path, text), target)
    assert isinstance(e.value, ValueError)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_a_column_that_never_changes_is_kept_with_weight_0_and_changes_nothing(tmp_path):
    rows = "".join(f"{x},5,{(x * 3) % 7},{int(x % 4 < 2)}\n" for x in range(40))
    table = read_table(write(tmp_path, "a,still,b,y\n" + rows), "y")
    assert table.inputs == ["a", "still", "b"] and table.constant == ("still",)
    fit = train_table(table, hidden=[3], epochs=30, engine="node")
    net = fit.net
    assert [s.value for s in net["still"].outgoing] == [0.0, 0.0, 0.0]      # it never learned: it cannot help
    assert net.scaling.stds[1] == 1.0 and net.scaling.means[1] == 5.0      # standardised to 0, no divide by 0
    header, rows = predict_table(net, write(tmp_path, "a,still,b\n3,5,2\n3,99,2\n", name="new.csv"))
    assert header[:3] == ["a", "still", "b"] and [r[1] for r in rows] == ["5", "99"]
    assert rows[0][3:] == rows[1][3:] and all(math.isfinite(float(v)) for v in rows[0][3:4])  # 99 changes nothing
    net.save(str(tmp_path / "net.json"))
    again = tg.Network.load(str(tmp_path / "net.json"))
    assert predict_table(again, write(tmp_path, "a,still,b\n3,5,2\n", name="one.csv"))[1][0] == rows[0]


def test_digits_train_on_the_command_line_with_their_blank_corner_pixels(tmp_path, capsys):
    from tinygraph.cli import main
    assert main(["train", "digits", "--target", "digit", "--epochs", "30", "--save", str(tmp_path / "d.json")]) == 0
    out = capsys.readouterr().out
    assert "3 columns never change (pixel_0_0, pixel_4_0, pixel_4_7), so they cannot help" in out
    assert "accuracy: train" in out and "saved the network" in out
    net = tg.Network.load(str(tmp_path / "d.json"))
    assert len(net.inputs) == 64 and all(s.value == 0.0 for s in net["pixel_0_0"].outgoing)


def test_three_numbers_as_a_classifier_and_files_that_are_not_text(tmp_path):
    many = "x,y\n" + "".join(f"{i},{i}\n" for i in range(60))
    with pytest.raises(DataFileError, match="60 different values.*regression on the numbers"):
        read_table(write(tmp_path, many), "y", classify=True)
    with pytest.raises(DataFileError, match="not a text file"):
        read_table(write(tmp_path, b"\x89PNG\r\n\x1a\n\0\0\0IHDR", "pic.csv", binary=True), "y")
    with pytest.raises(DataFileError, match="not a UTF-8 text file"):
        read_table(write(tmp_path, b"x,y\n\xff\xfe,1\n", "latin.csv", binary=True), "y")
    with pytest.raises(DataFileError, match="no such file"):
        read_table(tmp_path / "missing.csv", "y")
    with pytest.raises(DataFileError, match="folder"):
        read_table(tmp_path, "y")


def test_scaling_standardises_and_round_trips():
    s = Scaling.fit(["a", "b"], [[1.0, 10.0], [3.0, 30.0]], "y", ("no", "yes"))
    assert s.apply([1.0, 10.0]) == [-1.0, -1.0] and s.apply([2.0, 20.0]) == [0.0, 0.0]
    back = Scaling.from_dict(s.to_dict())
    assert (back.names, back.means, back.stds, back.labels) == (s.names, s.means, s.stds, s.labels)
    with pytest.raises(ValueError):
        Scaling.from_dict({"inputs": {"a": [0.0, 0.0]}})


def test_batch_and_node_engines_give_the_same_weights(tmp_path):
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    t = read_table(os.path.join(DEMOS, "circle.csv"), "label")
    small = t._replace(rows=t.rows[:40], targets=t.targets[:40])
    a = train_table(small, hidden=[4], epochs=60, seed=2, engine="node", record=7)
    b = train_table(small, hidden=[4], epochs=60, seed=2, engine="batch", record=7)
    assert a.engine == "node" and b.engine == "batch"
    wa, wb = [p.value for p in a.net.parameters()], [p.value for p in b.net.parameters()]
    assert max(abs(x - y) for x, y in zip(wa, wb)) < 1e-9
    assert len(a.history) == len(b.history) == 61
    assert [s.epoch for s in a.history.snapshots] == [s.epoch for s in b.history.snapshots]
    assert max(abs(x - y) for x, y in zip(a.history, b.history)) < 1e-9


def test_circle_classifier_reaches_the_expected_test_accuracy():
    t = read_table(os.path.join(DEMOS, "circle.csv"), "label")
    assert len(t.rows) == 300 and t.inputs == ["x1", "x2"]
    fit = train_table(t, hidden=[6], epochs=300, lr=0.5, seed=0)
    assert fit.n_test == 60 and fit.test_accuracy >= 0.93, fit      # a disc in a ring: nearly separable


def test_saved_network_keeps_its_scaling_and_predicts(tmp_path):
    t = read_table(write(tmp_path, GOOD), "label")
    fit = train_table(t, hidden=[2], epochs=20, test_fraction=0.0, engine="node")
    path = tmp_path / "net.json"
    fit.net.save(path)
    net = tg.Network.load(path)
    assert net.scaling.means == fit.net.scaling.means and net.scaling.labels == ("a", "b")
    head, rows = predict_table(net, write(tmp_path, "x2,x1\n2,0.1\n", "rows.csv"))
    assert head == ["x1", "x2", "label", "class"] and rows[0][3] in ("a", "b")
    want = fit.net.forward(dict(zip(["x1", "x2"], fit.net.scaling.apply([0.1, 2.0]))))["label"].value
    assert float(rows[0][2]) == pytest.approx(want, rel=1e-5)
    plain = tg.MLP([2, 1])                            # a network without scaling saves and loads as before
    plain.save(tmp_path / "plain.json")
    assert "scaling" not in (tmp_path / "plain.json").read_text()
    assert getattr(tg.Network.load(tmp_path / "plain.json"), "scaling", None) is None


# -- the scaling is part of the network ---------------------------------------------------------------

def _trained(tmp_path, text=GOOD, target="label"):
    fit = train_table(read_table(write(tmp_path, text), target), hidden=[2], epochs=10, test_fraction=0.0,
                      engine="node")
    return fit.net


def test_the_scaling_is_kept_by_copy_deepcopy_and_a_save(tmp_path):
    import copy
    net = _trained(tmp_path)
    for twin in (net.copy(), copy.deepcopy(net)):
        assert twin.scaling is not net.scaling                    # its own, so changing one leaves the other
        assert (twin.scaling.names, twin.scaling.means, twin.scaling.stds, twin.scaling.labels) == (
            net.scaling.names, net.scaling.means, net.scaling.stds, net.scaling.labels)
        twin.save(tmp_path / "twin.json")
        head, rows = predict_table(tg.Network.load(tmp_path / "twin.json"), write(tmp_path, "x1,x2\n0.5,3\n", "r.csv"))
        assert head == ["x1", "x2", "label", "class"] and rows[0][3] in ("a", "b")
    assert tg.Network("plain").scaling is None and tg.MLP([2, 1]).copy().scaling is None


def test_explain_of_a_regression_gives_its_output_and_error_in_the_datas_units(tmp_path):
    from tinygraph.explanation import explain
    text = "size,price\n" + "".join(f"{30 + 4 * i},{1000 * (30 + 4 * i) + (7919 * i) % 9000}\n" for i in range(30))
    net = train_table(read_table(write(tmp_path, text), "price"), hidden=[3], epochs=20, engine="node").net
    doc = explain(net, {"size": 100}, {"price": 120000}, data_units=True, pictures=False)
    sc = net.scaling
    o = net["price"].value                               # the forward pass of the sample (standardised)
    head, rows = predict_table(net, write(tmp_path, "size\n100\n", "one.csv"))
    assert doc.values[("units", "price")] == pytest.approx(float(rows[0][head.index("price")]), rel=1e-5)
    assert doc.values[("units", "price")] == sc.unscale(o)
    assert doc.values[("errorunits",)] == pytest.approx(0.5 * (sc.unscale(o) - 120000) ** 2, rel=1e-9)
    page = doc.html()
    assert "In price&#x27;s own units" in page or "In price's own units" in page
    ex = doc.as_exercise(["forward", "error"])             # the numbers in the data's units are blanks too
    assert ("units", "price") in ex.blanks and ("errorunits",) in ex.blanks
    assert ex.answers[ex.blanks[("errorunits",)]] == doc.values[("errorunits",)]
    assert "Answer key" in ex.answer_key.markdown()


def test_explain_standardises_a_sample_in_the_datas_units_and_says_so(tmp_path):
    net = _trained(tmp_path)
    s = net.scaling
    doc = tg.explain(net.copy(), {"x1": 0.5, "x2": 3.0}, {"label": 1.0}, data_units=True, pictures=False)
    text = doc.markdown()
    assert "standardised" in text and "(x - mean) / std" in text
    step = doc.steps[0]
    scaled = (0.5 - s.means[0]) / s.stds[0]
    assert step.net["x1"].value == scaled                      # computed on the standardised value
    assert f"x1 = (0.5 - " in text
    same = tg.explain(net.copy(), dict(zip(s.names, s.apply([0.5, 3.0]))), {"label": 1.0}, pictures=False)
    assert "these inputs are standardised values" in same.markdown()
    assert same.steps[0].net["x1"].value == scaled


def test_explain_on_the_command_line_takes_the_datas_units(tmp_path, capsys):
    from tinygraph.cli import main
    net = _trained(tmp_path)
    net.save(tmp_path / "n.json")
    assert main(["explain", str(tmp_path / "n.json"), "--inputs", "x1=0.5", "x2=3", "--targets", "label=1",
                 "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert "the sample, given in the data's own units, is standardised first" in out
    scaled = (0.5 - net.scaling.means[0]) / net.scaling.stds[0]
    assert f"{scaled:.6f}"[:7] in out


# -- predict: the learner's file, read as train reads it ----------------------------------------------

def test_predict_keeps_the_learners_labels_beside_the_prediction(tmp_path):
    net = _trained(tmp_path)
    rows_csv = write(tmp_path, "label,x2,x1,class\nb,3,0.5,mine\na,1,0.9,mine\n", "rows.csv")
    head, rows = predict_table(net, rows_csv)
    assert head == ["x1", "x2", "label", "class", "label_predicted", "class_predicted"]
    assert [r[2] for r in rows] == ["b", "a"] and [r[3] for r in rows] == ["mine", "mine"]     # kept as given
    want = net.forward(dict(zip(["x1", "x2"], net.scaling.apply([0.5, 3.0]))))["label"].value
    assert float(rows[0][4]) == pytest.approx(want, rel=1e-5) and rows[0][5] in ("a", "b")
    again = write(tmp_path, "x1,x2,label,label_predicted,class\n0.5,3,b,0.1,a\n", "again.csv")   # predict's output
    head, rows = predict_table(net, again)
    assert head == ["x1", "x2", "label", "class", "label_predicted", "class_predicted"]
    assert rows[0][2:4] == ["b", "a"] and rows[0][4] != "0.1"


def test_predict_reads_the_file_as_train_does(tmp_path):
    net = _trained(tmp_path)
    head, rows = predict_table(net, write(tmp_path, "x1;x2\n0.5;3\n0.1;2\n", "semi.csv"))
    assert head == ["x1", "x2", "label", "class"] and len(rows) == 2
    with pytest.raises(DataFileError, match="two columns are named 'x1'"):
        predict_table(net, write(tmp_path, "x1,x2,x1\n0.5,3,7\n", "twice.csv"))
    with pytest.raises(DataFileError, match=r"row 2 \(line 3\), column 'x2': '1_0' is not a number"):
        predict_table(net, write(tmp_path, "x1,x2\n0.5,3\n0.1,1_0\n", "under.csv"))
    with pytest.raises(DataFileError, match=r"row 1 \(line 2\), column 'x1' is nan"):
        predict_table(net, write(tmp_path, "x1,x2\nnan,3\n", "nan.csv"))


def test_a_scaling_for_other_inputs_is_one_clear_error(tmp_path, capsys):
    from tinygraph.cli import main
    net = _trained(tmp_path)
    net.scaling = Scaling(["a", "x2"], [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(tg.TinygraphError, match="scaling for 'a', 'x2' but its inputs are 'x1', 'x2'"):
        predict_table(net, write(tmp_path, "x1,x2\n0.5,3\n", "rows.csv"))
    net.save(tmp_path / "n.json")                     # saved so: the file is refused when it is loaded
    assert main(["predict", str(tmp_path / "n.json"), str(tmp_path / "rows.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "n.json" in err and "'a', 'x2'" in err and "Traceback" not in err


def test_predict_on_the_command_line_reads_a_semicolon_file_and_keeps_the_labels(tmp_path, capsys):
    from tinygraph.cli import main
    _trained(tmp_path, GOOD.replace(",", ";")).save(tmp_path / "n.json")
    write(tmp_path, "x1;x2;label\n0.5;3;b\n", "rows.csv")
    assert main(["predict", str(tmp_path / "n.json"), str(tmp_path / "rows.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "x1,x2,label,label_predicted,class" and out[1].startswith("0.5,3,b,")


# -- CSV numbers are plain decimals -------------------------------------------------------------------

@pytest.mark.parametrize("cell, value", [("3", 3.0), (" -0.5 ", -0.5), ("+2", 2.0), ("1e3", 1000.0), (".25", 0.25),
                                         ("7.", 7.0), ("-1.5E-2", -0.015), ("0012", 12.0)])
def test_plain_decimals_are_numbers(tmp_path, cell, value):
    t = read_table(write(tmp_path, f"x,y\n{cell},0\n9,1\n"), "y")
    assert t.rows[0] == [value]


@pytest.mark.parametrize("cell, words", [
    ("1_0", ["'1_0' is not a number", "plain decimals", "no _ between digits"]),
    ("\u0661", ["'\u0661' is not a number", "the digits 0-9"]),                  # Arabic-Indic one
    ("\uff13", ["is not a number", "the digits 0-9"]),                          # full-width three
    ("0x10", ["'0x10' is not a number"]),
    ("1 000", ["'1 000' is not a number"]),
    ("NaN", ["is NaN", "finite"]),
    ("-Infinity", ["is -Infinity", "finite"]),
    ("1e999", ["is 1e999", "finite"]),
])
def test_other_numbers_are_refused_with_the_row_and_column(tmp_path, cell, words):
    with pytest.raises(DataFileError) as e:
        read_table(write(tmp_path, f"x,y\n5,0\n{cell},1\n"), "y")
    assert "row 2 (line 3), column 'x'" in str(e.value)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_a_decimal_comma_gets_a_hint(tmp_path):
    with pytest.raises(DataFileError, match=r"'1,5' is not a number \(a decimal comma\? write the number with a "
                                            r"point, 1.5\)"):
        read_table(write(tmp_path, "x;y\n2;0\n1,5;1\n"), "y")


@settings(max_examples=200)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_as_python_or_a_spreadsheet_writes_it_reads_back(x):
    from tinygraph.data.tables import parse_number
    for text in (repr(x), f"{x:.17g}", f"{x:.6f}", f"{x:E}"):
        assert parse_number(text) == float(text)


# -- a regression in the data's own units: the target standardised for training, undone on output ------

def _prices(tmp_path, n=120, seed=4):
    """A target in the tens of thousands (as prices or salaries are): 20000 + 9000 x1 - 4000 x2 + noise."""
    import random
    rng = random.Random(seed)
    lines = ["x1,x2,price"]
    for _ in range(n):
        x1, x2 = rng.uniform(0, 10), rng.uniform(-5, 5)
        lines.append(f"{x1:.4f},{x2:.4f},{20000 + 9000 * x1 - 4000 * x2 + rng.gauss(0, 3000):.2f}")
    return write(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("engine", ["node", "batch"])
def test_a_regression_of_large_numbers_trains_at_the_defaults(tmp_path, engine):
    if engine == "batch":
        pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    t = read_table(_prices(tmp_path), "price")
    fit = train_table(t, epochs=150 if engine == "node" else 500, engine=engine)
    s = fit.net.scaling
    assert s.scales_target and s.target_std > 1000
    # errors in the data's units (squared), and far below predicting the mean
    assert fit.baseline_error > 1e8 and fit.test_error < 0.2 * fit.baseline_error
    # the network itself learns numbers near 0 ...
    x = dict(zip(t.inputs, s.apply(t.rows[0])))
    assert abs(fit.net.forward(x)["price"].value) < 5
    # ... and predict gives them back in the data's units, also after a save
    fit.net.save(tmp_path / "net.json")
    net = tg.Network.load(tmp_path / "net.json")
    assert net.scaling.target_std == s.target_std and net.scaling.target_mean == s.target_mean
    head, rows = predict_table(net, tmp_path / "data.csv")
    got = [float(r[head.index("price_predicted")]) for r in rows]
    assert all(abs(g - y) < 15000 for g, y in zip(got, t.targets))


def test_the_baseline_is_the_error_of_predicting_the_training_mean(tmp_path):
    t = read_table(_prices(tmp_path, n=50), "price")
    fit = train_table(t, hidden=[2], epochs=5, engine="node", test_fraction=0.2, seed=0)
    import random
    order = list(range(50))
    random.Random(0).shuffle(order)
    test, train = order[:10], order[10:]
    mean = sum(t.targets[i] for i in train) / len(train)
    want = sum((t.targets[i] - mean) ** 2 for i in test) / len(test)
    assert fit.baseline_error == pytest.approx(want, rel=1e-9)
    assert fit.net.scaling.target_mean == pytest.approx(mean, rel=1e-12)


def test_a_target_scaling_round_trips_and_is_checked():
    s = Scaling(["a"], [1.0], [2.0], "y", target_mean=100.0, target_std=20.0)
    assert s.unscale(s.scale_target(137.0)) == pytest.approx(137.0)
    back = Scaling.from_dict(s.to_dict())
    assert (back.target_mean, back.target_std) == (100.0, 20.0)
    assert not Scaling.from_dict(Scaling(["a"], [1.0], [2.0]).to_dict()).scales_target
    with pytest.raises(tg.BadValueError, match="target"):
        Scaling(["a"], [1.0], [2.0], target_mean=1.0)
    with pytest.raises(tg.BadValueError, match="target"):
        Scaling(["a"], [1.0], [2.0], target_mean=1.0, target_std=0.0)
    with pytest.raises(tg.BadValueError, match="target_scale"):
        Scaling.from_dict({"inputs": {"a": [0, 1]}, "target_scale": [1.0]})


def test_a_diverging_run_is_one_line_that_says_what_to_change(tmp_path, capsys):
    from tinygraph.cli import main
    assert main(["train", str(_prices(tmp_path)), "--target", "price", "--lr", "80", "--epochs", "300"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "diverged" in err and "--lr 8" in err and "Traceback" not in err


# -- many classes: labels or a few whole numbers, softmax outputs, a confusion matrix ------------------

def test_three_labels_or_a_few_whole_numbers_are_classes(tmp_path):
    t = read_table(write(tmp_path, "x,y\n1,b\n2,c\n3,a\n4,b\n"), "y")
    assert t.labels == ("a", "b", "c") and t.classes == 3 and t.targets == [1.0, 2.0, 0.0, 1.0] and not t.codes
    codes = "x,y\n" + "".join(f"{i},{(i * 7) % 3 + 1}\n" for i in range(9))
    c = read_table(write(tmp_path, codes), "y")
    assert c.labels == ("1", "2", "3") and c.codes and c.targets[:3] == [0.0, 1.0, 2.0]
    r = read_table(write(tmp_path, codes), "y", classify=False)          # --regression
    assert not r.classifier and r.targets[:3] == [1.0, 2.0, 3.0]
    few = read_table(write(tmp_path, "x,y\n1,5\n2,7\n3,2\n"), "y")   # every number once: amounts
    assert not few.classifier
    same = read_table(write(tmp_path, "x,y\n1,1\n2,1.0\n3,2\n4,2\n5,3\n6,3\n7,3\n8,1\n9,2\n"), "y")
    assert same.labels == ("1", "2", "3") and same.targets[:2] == [0.0, 0.0]
    two = read_table(write(tmp_path, "x,y\n" + "".join(f"{i},{2 + 2 * (i % 2)}\n" for i in range(8))), "y")
    assert two.labels == ("2", "4") and two.classes == 2 and two.targets[:2] == [0.0, 1.0]


def test_iris_and_wine_train_as_softmax_classifiers_near_the_baselines():
    for name, target, least in (("iris", "species", 0.95), ("wine", "class", 0.94)):
        t = read_table(name, target)
        fit = train_table(t)
        assert [n.activation.name for n in fit.net.outputs] == ["softmax"] * 3, name
        assert fit.history.loss == "cross_entropy"
        assert fit.test_accuracy >= least, (name, fit.test_accuracy)
        assert sum(map(sum, fit.confusion)) == fit.n_test
        right = sum(fit.confusion[k][k] for k in range(3))
        assert fit.test_accuracy == right / fit.n_test
        per = fit.class_accuracy()
        assert all(a == fit.confusion[k][k] / sum(fit.confusion[k]) for k, a in enumerate(per))


@pytest.mark.parametrize("engine", ["node", "batch"])
def test_both_engines_train_the_same_softmax_classifier(tmp_path, engine):
    if engine == "batch":
        pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    t = read_table("iris", "species")
    a = train_table(t, hidden=[3], epochs=40, engine="node")
    b = train_table(t, hidden=[3], epochs=40, engine=engine)
    for p, q in zip(a.net.parameters(), b.net.parameters()):
        assert p.value == pytest.approx(q.value, abs=1e-9)
    assert a.confusion == b.confusion


def test_predict_writes_each_class_probability_and_the_label_beside_the_input(tmp_path):
    fit = train_table(read_table("iris", "species"), epochs=200)
    fit.net.save(tmp_path / "iris.json")
    net = tg.Network.load(tmp_path / "iris.json")
    rows = ("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,class,species_setosa\n"
            "5.1,3.5,1.4,0.2,mine,x\n6.7,3.0,5.2,2.3,mine,y\n")
    head, out = predict_table(net, write(tmp_path, rows, "new.csv"))
    probs = ["species_setosa_predicted", "species_versicolor", "species_virginica"]
    # the file's own columns named like a prediction are kept as they are; the predictions get new names
    assert head == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm",
                    "class", "species_setosa"] + probs + ["class_predicted"]
    for r in out:
        p = [float(r[head.index(c)]) for c in probs]
        assert sum(p) == pytest.approx(1.0, abs=1e-5) and r[4] == "mine" and r[5] in "xy"
    assert [r[-1] for r in out] == ["setosa", "virginica"]


def test_the_terminal_says_codes_are_classes_and_shows_the_confusion_matrix(capsys):
    from tinygraph.cli import main
    assert main(["train", "wine", "--target", "class", "--epochs", "100"]) == 0
    out = capsys.readouterr().out
    assert "classifier of 3 classes" in out and "add --regression to predict the numbers instead" in out
    assert "13-8-3 network" in out and "accuracy: train" in out
    lines = out.splitlines()
    k = next(i for i, ln in enumerate(lines) if "rows: the true class" in ln)
    assert lines[k + 1].split() == ["0", "1", "2", "right"]
    counts = [[int(c) for c in lines[k + 2 + i].split()[1:4]] for i in range(3)]
    assert sum(map(sum, counts)) == 36
    assert main(["train", "wine", "--target", "class", "--regression", "--epochs", "20"]) == 0
    out = capsys.readouterr().out
    assert "regression" in out and "predicting the mean" in out and "right" not in out
    assert main(["train", "wine", "--target", "class", "--regression", "--classify"]) == 2
