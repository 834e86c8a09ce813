"""Small data sets made on the spot (tinygraph/data/datasets.py): the one two-moons generator."""

import math

import pytest

from tinygraph import bench
from tinygraph.data import datasets
from tinygraph.demos import moons


def test_make_moons_is_seeded_and_labelled():
    X, Y = datasets.make_moons(30, seed=4)
    assert (X, Y) == datasets.make_moons(30, seed=4)
    assert len(X) == len(Y) == 30 and all(len(x) == 2 for x in X)
    assert sorted(set(Y)) == [-1.0, 1.0] and Y.count(1.0) == 15
    assert X != datasets.make_moons(30, seed=5)[0]


def test_without_noise_the_points_lie_on_the_two_half_circles():
    X, Y = datasets.make_moons(40, noise=0.0, seed=0)
    for (x1, x2), y in zip(X, Y):
        if y > 0:                                   # upper moon: (cos t, sin t)
            assert math.isclose(math.hypot(x1, x2), 1.0) and x2 >= -1e-12
        else:                                       # lower moon: (1 - cos t, 1/2 - sin t)
            assert math.isclose(math.hypot(x1 - 1.0, x2 - 0.5), 1.0) and x2 <= 0.5 + 1e-12
    ends = sorted(x for x, y in zip(X, Y) if y > 0)
    assert ends[0] == pytest.approx([-1.0, 0.0], abs=1e-12) and ends[-1] == pytest.approx([1.0, 0.0], abs=1e-12)


def test_the_demo_and_the_benchmark_use_the_same_points():
    X, Y = datasets.make_moons(50, seed=3)
    assert moons.make_moons(50, seed=3) == [(x1, x2, y) for (x1, x2), y in zip(X, Y)]
    assert bench.make_moons(50, seed=3) == (X, Y)


@pytest.mark.parametrize("kw, words", [
    ({"n": 0}, "n"), ({"n": 2.5}, "n"), ({"n": True}, "n"),
    ({"noise": -0.1}, "noise"), ({"noise": float("nan")}, "noise"), ({"noise": "0.1"}, "noise"),
])
def test_bad_arguments_are_clear_errors(kw, words):
    with pytest.raises((TypeError, ValueError), match=words):
        datasets.make_moons(**kw)


# -- the named data sets: shipped inside the package, named wherever a CSV file goes ------------------------

import gzip  # noqa: E402
import os  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from tinygraph.cli import main, play_start  # noqa: E402
from tinygraph.errors import NameNotFoundError  # noqa: E402
from tinygraph.data.tables import DataFileError, read_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tinygraph" / "data"


@pytest.mark.parametrize("name", ["circle", "spiral"])
def test_circle_and_spiral_are_computed_and_are_the_demos_files(name):
    text = datasets.load_csv_text(name)
    assert text == (ROOT / "demos" / f"{name}.csv").read_text(encoding="utf-8")
    assert not (DATA / f"{name}.csv.gz").exists()           # computed, not stored


@pytest.mark.parametrize("name, rows, inputs, target, counts", [
    ("circle", 300, 2, "label", {"0": 150, "1": 150}),
    ("spiral", 400, 2, "label", {"0": 200, "1": 200}),
    ("digits", 1797, 64, "digit", {"0": 178, "1": 182, "2": 177, "3": 183, "4": 181, "5": 182, "6": 181,
                                   "7": 179, "8": 174, "9": 180}),
    ("breast-cancer", 569, 30, "diagnosis", {"malignant": 212, "benign": 357}),
    ("iris", 150, 4, "species", {"setosa": 50, "versicolor": 50, "virginica": 50}),
    ("wine", 178, 13, "class", {"0": 59, "1": 71, "2": 48}),
])
def test_each_data_set_has_its_published_shape_and_classes(name, rows, inputs, target, counts):
    info = datasets.data_set(name)
    d = datasets.load(name)
    assert (info.rows, info.inputs, info.target) == (rows, inputs, target)
    assert (len(d.rows), len(d.inputs), d.target) == (rows, inputs, target)
    assert all(len(r) == inputs and all(math.isfinite(v) for v in r) for r in d.rows)
    assert dict(Counter(d.targets)) == counts
    assert d.target not in d.inputs and len(set(d.inputs)) == inputs
    assert all(c.replace("_", "").isalnum() and c == c.lower() for c in d.inputs)   # usable as neuron names
    assert info.source and info.licence and info == next(i for i in datasets.data_sets() if i.name == name)


def test_the_classic_sets_hold_scikit_learns_numbers():
    digits = datasets.load("digits")
    assert digits.inputs[:2] == ["pixel_0_0", "pixel_0_1"] and digits.inputs[-1] == "pixel_7_7"
    assert {v for r in digits.rows for v in r} == set(float(k) for k in range(17))     # pixels 0-16
    assert digits.rows[0][:8] == [0, 0, 5, 13, 9, 1, 0, 0] and digits.targets[0] == "0"
    cancer = datasets.load("breast-cancer")
    assert cancer.inputs[0] == "mean_radius" and cancer.inputs[-1] == "worst_fractal_dimension"
    assert cancer.rows[0][:4] == [17.99, 10.38, 122.8, 1001.0] and cancer.targets[0] == "malignant"
    iris = datasets.load("iris")
    assert iris.inputs == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
    assert iris.rows[0] == [5.1, 3.5, 1.4, 0.2]
    wine = datasets.load("wine")
    assert wine.inputs[-2:] == ["od280_od315_of_diluted_wines", "proline"] and wine.rows[0][-1] == 1065.0


def test_the_shipped_files_are_small_package_data():
    files = sorted(DATA.glob("*.csv.gz"))
    assert [f.name for f in files] == ["breast-cancer.csv.gz", "digits.csv.gz", "iris.csv.gz", "wine.csv.gz"]
    assert sum(f.stat().st_size for f in files) < 300 * 1024
    for f in files:                                          # gzip written without a time stamp: reproducible
        assert f.read_bytes()[4:8] == b"\0\0\0\0"
        assert gzip.decompress(f.read_bytes()).decode("utf-8").count("\n") > 100
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert "[options.package_data]\ntinygraph = data/*.csv.gz" in setup


def test_the_library_never_imports_scikit_learn():
    for path in (ROOT / "tinygraph").rglob("*.py"):
        assert "sklearn" not in path.read_text(encoding="utf-8"), path


def test_make_data_writes_the_same_bytes(tmp_path, monkeypatch):
    pytest.importorskip("sklearn", reason="needs sklearn: pip install scikit-learn (only to re-make the shipped data sets)")
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "demos" / "make_data.py")
    make_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_data)
    monkeypatch.setattr(make_data, "OUT", str(tmp_path))
    make_data.main()
    for f in DATA.glob("*.csv.gz"):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


@pytest.mark.parametrize("given, name", [("circle", "circle"), ("circle.csv", "circle"), ("Breast-Cancer", "breast-cancer"),
                                         ("demos/circle.csv", None), ("circles", None), ("", None), (3, None)])
def test_shipped_name_reads_a_bare_name_never_a_path(given, name):
    assert datasets.shipped_name(given) == name


def test_an_unknown_name_is_one_error_with_the_closest_name_and_the_list():
    with pytest.raises(NameNotFoundError, match=r"no data set named 'cirle'\. Did you mean 'circle'\?.*"
                                                r"circle, spiral, digits, breast-cancer, iris, wine"):
        datasets.load_csv_text("cirle")
    with pytest.raises(NameNotFoundError):
        datasets.load("mnist")


def test_read_table_takes_a_name_and_a_real_file_of_that_name_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = read_table("wine", "alcohol")
    assert len(t.rows) == 178 and t.path == "wine" and t.labels is None and t.inputs[-1] == "class"
    t = read_table("breast-cancer.csv", "diagnosis")
    assert t.labels == ("benign", "malignant") and len(t.inputs) == 30
    (tmp_path / "circle").write_text("x1,x2,label\n0,1,0\n1,0,1\n2,2,1\n")
    assert len(read_table("circle", "label").rows) == 3            # the file here
    assert len(read_table("circle.csv", "label").rows) == 300      # no file of that name: the shipped one


@pytest.mark.parametrize("path, words", [
    ("cirle", "no such file, and no data set of that name (did you mean 'circle'?)"),
    (os.path.join("demos", "circle.csv"), "tinygraph ships a data set named 'circle': give just circle"),
    ("nothing-here.csv", "tinygraph data lists the data sets"),
])
def test_a_missing_file_points_at_the_data_set_it_may_mean(path, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataFileError) as e:
        read_table(path, "label")
    assert words in str(e.value)


# -- the command line: tinygraph data, and names where a CSV file goes

def test_tinygraph_data_lists_every_data_set(capsys):
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    for info in datasets.data_sets():
        assert f"{info.name} " in out and f"target {info.target}" in out
    assert "tinygraph data NAME --out NAME.csv" in out


def test_tinygraph_data_name_describes_it_with_source_and_licence(capsys):
    assert main(["data", "breast-cancer"]) == 0
    out = capsys.readouterr().out
    assert "569 rows; 30 inputs: mean_radius" in out and "malignant (212 rows), benign (357 rows)" in out
    assert "licence CC BY 4.0" in out and "Breast Cancer Wisconsin" in out
    assert "tinygraph data breast-cancer --out breast-cancer.csv" in out


def test_tinygraph_data_out_writes_the_file_and_keeps_a_different_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "wine", "--out", "wine.csv"]) == 0
    assert (tmp_path / "wine.csv").read_text(encoding="utf-8") == datasets.load_csv_text("wine")
    assert "wrote wine.csv (178 rows" in capsys.readouterr().out
    assert main(["data", "wine", "--out", "wine.csv"]) == 0                 # the same data: nothing to do
    assert "already holds the data set 'wine'" in capsys.readouterr().out
    (tmp_path / "mine.csv").write_text("my own work\n")
    assert main(["data", "wine", "--out", "mine.csv"]) == 2
    assert "--force" in capsys.readouterr().err and (tmp_path / "mine.csv").read_text() == "my own work\n"
    assert main(["data", "wine", "--out", "mine.csv", "--force"]) == 0
    assert (tmp_path / "mine.csv").read_text(encoding="utf-8") == datasets.load_csv_text("wine")
    assert main(["data", "iris", "--out", str(tmp_path)]) == 0              # a folder: NAME.csv inside it
    assert (tmp_path / "iris.csv").exists()
    capsys.readouterr()
    assert main(["data", "iris", "--out", "-"]) == 0
    assert capsys.readouterr().out == datasets.load_csv_text("iris")


@pytest.mark.parametrize("argv, words", [
    (["data", "cirle"], "Did you mean 'circle'?"),
    (["data", "--out", "x.csv"], "name it, e.g. tinygraph data circle --out circle.csv"),
])
def test_tinygraph_data_mistakes_are_one_line(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_train_and_predict_take_a_name_and_say_which_data_they_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "circle", "--target", "label", "--hidden", "3", "--epochs", "20", "--save", "c.json"]) == 0
    assert capsys.readouterr().out.startswith(
        "circle (the data set shipped with tinygraph; no file of that name here): 300 rows; inputs x1, x2")
    assert main(["predict", "c.json", "circle"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "x1,x2,label,label_predicted,class" and len(out.splitlines()) == 301
    assert "rows: circle (the data set shipped with tinygraph" in err
    assert main(["data", "circle", "--out", "circle.csv"]) == 0
    capsys.readouterr()
    assert main(["train", "circle.csv", "--target", "label", "--hidden", "3", "--epochs", "5"]) == 0
    assert capsys.readouterr().out.startswith("circle.csv (the file here; tinygraph also ships a data set 'circle')")


def test_play_takes_a_data_set_name_with_a_target(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    start = play_start("spiral", "label")
    assert len(start.data) == 400 and list(start.inputs) == ["x1", "x2"]
    assert "data: spiral (the data set shipped with tinygraph" in capsys.readouterr().out
    (tmp_path / "spiral.csv").write_text("x1,x2,label\n0,1,0\n1,0,1\n2,2,1\n")
    start = play_start("spiral", "label")                   # the playground reads spiral.csv: said so
    assert len(start.data) == 3 and "differs from the shipped 'spiral'" in capsys.readouterr().out


def test_a_missing_data_file_says_the_install_is_incomplete(monkeypatch, capsys):
    import importlib.resources
    real = importlib.resources.files

    def without_data(package):
        return real(package).joinpath("no-such-folder") if package == "tinygraph.data" else real(package)
    monkeypatch.setattr(importlib.resources, "files", without_data)
    with pytest.raises(FileNotFoundError, match="the data set 'iris' should be inside tinygraph.*reinstall"):
        datasets.load_csv_text("iris")
    assert main(["data", "iris"]) == 2 and "this install is incomplete" in capsys.readouterr().err
