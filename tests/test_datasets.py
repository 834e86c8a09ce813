"""Small data sets made on the spot (tinygraph/datasets.py): the one two-moons generator."""

import math

import pytest

from tinygraph import bench, datasets
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
