"""Data sets for learning, all without a download: made on the spot (the two moons, the circle, the
two spirals) or shipped inside the package (handwritten digits, breast cancer, iris, wine).

``make_moons`` is the one generator of the two-moons data that the moons
demo, the benchmark and the tests use, so they all see the same points.

The named data sets (``data_sets()``) are CSV tables with a header row and a
target column, the same everywhere: ``load_csv_text(name)`` is the file's
text (what ``tinygraph data NAME --out FILE.csv`` writes), ``load(name)`` its
columns as numbers, and the command line and ``tinygraph.data.tables.read_table``
accept a name wherever they take a CSV file (a real file of that name wins).
``circle`` and ``spiral`` are computed by ``make_circle``/``make_spiral``
with fixed seeds; the other four are gzip CSV files in ``tinygraph/data``,
written from scikit-learn's copies by ``demos/make_data.py`` (their sources
and licences are in the README).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from ..errors import BadValueError, IncompleteInstallError, NameNotFoundError, listed, did_you_mean
from ..engine.checks import check_value

__all__ = ["make_moons", "make_circle", "make_spiral", "DataSetInfo", "DataSet", "data_sets", "data_set",
           "shipped_name", "load_csv_text", "load"]


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Tuple[List[List[float]], List[float]]:
    """Two interleaving half circles, like scikit-learn's ``make_moons``: ``(X, Y)``.

    The upper moon (cos t, sin t) has label +1, the lower moon
    (1 - cos t, 1/2 - sin t) label -1, with t evenly spaced over [0, pi]
    (n // 2 points on the upper moon, the rest on the lower); Gaussian noise
    of standard deviation ``noise`` is added to each coordinate and the points
    are shuffled.  ``X[i]`` is the point [x1, x2], ``Y[i]`` its label.  The same
    ``seed`` gives the same points.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise BadValueError(f"make_moons: n (the number of points) must be a whole number >= 1, got {n!r}")
    noise = check_value(noise, "make_moons: noise")
    if noise < 0.0:
        raise BadValueError(f"make_moons: noise must be >= 0, got {noise!r}")
    rng = random.Random(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    points: List[Tuple[List[float], float]] = []
    for i in range(n_upper):
        t = math.pi * i / max(n_upper - 1, 1)
        points.append(([math.cos(t), math.sin(t)], 1.0))
    for i in range(n_lower):
        t = math.pi * i / max(n_lower - 1, 1)
        points.append(([1.0 - math.cos(t), 0.5 - math.sin(t)], -1.0))
    for x, _ in points:
        x[0] += rng.gauss(0.0, noise)
        x[1] += rng.gauss(0.0, noise)
    rng.shuffle(points)
    return [x for x, _ in points], [y for _, y in points]


def _count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise BadValueError(f"{what}: n (the number of points) must be a whole number >= 2, got {n!r}")
    return n


def make_circle(n: int = 300, noise: float = 0.05, seed: int = 0) -> Tuple[List[List[float]], List[float]]:
    """A disc inside a ring (the playground's "circle"): ``(X, Y)``, label 1 for the n // 2 points within
    radius 0.5 of the origin, 0 for the rest, at radius 0.7 to 1; ``noise`` moves each coordinate."""
    n = _count(n, "make_circle")
    noise = check_value(noise, "make_circle: noise")
    rng = random.Random(seed)
    points: List[Tuple[List[float], float]] = []
    for i in range(n):
        inner = i < n // 2
        r = rng.uniform(0.0, 0.5) if inner else rng.uniform(0.7, 1.0)
        t = rng.uniform(0.0, 2.0 * math.pi)
        points.append(([r * math.cos(t) + rng.gauss(0.0, noise), r * math.sin(t) + rng.gauss(0.0, noise)],
                       1.0 if inner else 0.0))
    rng.shuffle(points)
    return [x for x, _ in points], [y for _, y in points]


def make_spiral(n: int = 400, noise: float = 0.03, turns: float = 1.25, seed: int = 0
                ) -> Tuple[List[List[float]], List[float]]:
    """Two interleaved spirals (the playground's "spiral"): ``(X, Y)``, label 1 on one arm, 0 on the
    other, each arm ``turns`` turns from the centre out to radius 1."""
    n = _count(n, "make_spiral")
    noise = check_value(noise, "make_spiral: noise")
    rng = random.Random(seed)
    points: List[Tuple[List[float], float]] = []
    for i in range(n):
        arm = i % 2
        f = (i // 2) / max(1, (n - 1) // 2)
        r = 0.05 + 0.95 * f
        t = 2.0 * math.pi * turns * f + math.pi * arm
        points.append(([r * math.cos(t) + rng.gauss(0.0, noise), r * math.sin(t) + rng.gauss(0.0, noise)],
                       float(1 - arm)))
    rng.shuffle(points)
    return [x for x, _ in points], [y for _, y in points]


# -- the named data sets ---------------------------------------------------------------------------

UCI_LICENCE = "CC BY 4.0"


class DataSetInfo(NamedTuple):
    """What a named data set is: its name, target column, size (rows, input columns), one line
    saying what it holds, where it comes from and under which licence."""

    name: str
    target: str
    rows: int
    inputs: int
    summary: str
    source: str
    licence: str


_INFO = [
    DataSetInfo("circle", "label", 300, 2, "points in a disc (label 1) inside a ring (label 0)",
                "computed by tinygraph: make_circle(300, noise=0.05, seed=1)", "MIT, with tinygraph"),
    DataSetInfo("spiral", "label", 400, 2, "two interleaved spirals (labels 1 and 0)",
                "computed by tinygraph: make_spiral(400, noise=0.03, seed=2)", "MIT, with tinygraph"),
    DataSetInfo("digits", "digit", 1797, 64, "handwritten digits 0-9 as 8x8 images, pixels 0-16 "
                "(pixel_ROW_COLUMN)",
                "UCI ML repository, Optical Recognition of Handwritten Digits (scikit-learn's load_digits)",
                UCI_LICENCE),
    DataSetInfo("breast-cancer", "diagnosis", 569, 30, "tumours: 30 measurements of cell nuclei, diagnosis "
                "malignant or benign",
                "UCI ML repository, Breast Cancer Wisconsin (Diagnostic) (scikit-learn's load_breast_cancer)",
                UCI_LICENCE),
    DataSetInfo("iris", "species", 150, 4, "iris flowers: 4 measurements in cm, species setosa, versicolor "
                "or virginica", "UCI ML repository, Iris (scikit-learn's load_iris)", UCI_LICENCE),
    DataSetInfo("wine", "class", 178, 13, "wines: 13 chemical measurements, class 0, 1 or 2 (the cultivar)",
                "UCI ML repository, Wine (scikit-learn's load_wine)", UCI_LICENCE),
]
_BY_NAME: Dict[str, DataSetInfo] = {d.name: d for d in _INFO}


def _point_csv(made: Tuple[List[List[float]], List[float]]) -> str:
    """Points (x1, x2) and 0/1 labels as CSV text, four decimals (as demos/make_csv.py wrote them)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["x1", "x2", "label"])
    for (a, b), y in zip(*made):
        w.writerow([f"{a:.4f}", f"{b:.4f}", int(y)])
    return buf.getvalue()


_COMPUTED: Dict[str, Callable[[], str]] = {
    "circle": lambda: _point_csv(make_circle(300, noise=0.05, seed=1)),
    "spiral": lambda: _point_csv(make_spiral(400, noise=0.03, seed=2)),
}


def data_sets() -> List[DataSetInfo]:
    """The named data sets, in the order ``tinygraph data`` lists them."""
    return list(_INFO)


def shipped_name(source: object) -> Optional[str]:
    """The data set ``source`` names ("circle", "circle.csv", "Circle"), or None if it names none.
    A path with a folder in it ("demos/circle.csv") names a file, never a shipped data set."""
    if not isinstance(source, str) or "/" in source or "\\" in source:
        return None
    name = source.strip().lower()
    if name.endswith(".csv"):
        name = name[:-4]
    return name if name in _BY_NAME else None


def data_set(name: str) -> DataSetInfo:
    """The description of the data set ``name``; NameNotFoundError (with the closest name) if there is
    none of that name."""
    key = shipped_name(name)
    if key is None:
        known = [d.name for d in _INFO]
        raise NameNotFoundError(f"no data set named {name!r}.{did_you_mean(name, known)} The data sets are "
                                f"{listed(known)} (tinygraph data lists them).")
    return _BY_NAME[key]


def load_csv_text(name: str) -> str:
    """The data set ``name`` as CSV text: a header row naming the columns, then one row per sample."""
    info = data_set(name)
    if info.name in _COMPUTED:
        return _COMPUTED[info.name]()
    from importlib.resources import files
    place = files(__package__).joinpath(f"{info.name}.csv.gz")
    try:
        raw = place.read_bytes()
    except OSError:
        raise IncompleteInstallError(f"the data set {info.name!r} should be inside tinygraph ({place}) but is not: "
                                "this install is incomplete; reinstall it with pip install --force-reinstall "
                                "tinygraph (or pip install . in a checkout)") from None
    return gzip.decompress(raw).decode("utf-8")


class DataSet(NamedTuple):
    """A data set's columns: the input columns' names and their values per row (floats), the target
    column's name and its value per row as written (text: "malignant", "3", ...)."""

    name: str
    inputs: List[str]
    rows: List[List[float]]
    target: str
    targets: List[str]


def load(name: str) -> DataSet:
    """The data set ``name`` read into numbers: ``load("digits").rows[0]`` is the first image's 64 pixels
    and ``.targets[0]`` its digit, "0"."""
    info = data_set(name)
    lines = list(csv.reader(io.StringIO(load_csv_text(info.name))))
    header = lines[0]
    t = header.index(info.target)
    inputs = [h for j, h in enumerate(header) if j != t]
    rows = [[float(c) for j, c in enumerate(line) if j != t] for line in lines[1:]]
    return DataSet(info.name, inputs, rows, info.target, [line[t] for line in lines[1:]])
