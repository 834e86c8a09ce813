"""Small data sets made on the spot (no download): the two moons, the circle, the two spirals.

``make_moons`` is the one generator of the two-moons data that the moons
demo, the benchmark and the tests use, so they all see the same points.
"""

from __future__ import annotations

import math
import random
from typing import List, Tuple

from .errors import BadValueError
from .checks import check_value

__all__ = ["make_moons", "make_circle", "make_spiral"]


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
