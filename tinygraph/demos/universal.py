"""Simple networks approximate functions as closely as you like: sin(x) with more and more ramps.

A 1-n-1 network with ReLU (ramp) hidden neurons and a linear output computes a
piecewise-linear function with a kink wherever a hidden neuron's net input
crosses 0.  Putting the kinks at n evenly spaced points t_i of [a, b]
(hidden neuron i: weight 1, bias -t_i) and giving each the change of slope of
f there as its output weight makes the network draw f's chords:

    g(x) = f(a) + sum_i c_i relu(x - t_i),   c_i = slope_i - slope_(i-1),

so max |g - f| <= h^2/8 max |f''| with h = (b - a)/n: doubling the hidden
neurons divides the error by about 4.  Every number is computed by running the
network forward with the engine.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Dict, List, Tuple, Union

from ..errors import BadValueError
from ..networks.network import Network
from .output import out_paths, pyplot, report_files, save_figure, save_network, table

NAME = "universal"
SUMMARY = "more hidden neurons fit sin(x) as closely as you like"

A, B = -math.pi, math.pi
WIDTHS = [3, 6, 12, 24, 48]
WIDTHS_FAST = [3, 6, 12]
GRID = 601          # points where the error is measured
GRID_FAST = 201


def build_network(width: int, f: Callable[[float], float] = math.sin, a: float = A, b: float = B) -> Network:
    """A 1-width-1 ReLU network whose output is the chord-by-chord interpolant of f on [a, b]."""
    if not isinstance(width, int) or width < 1:
        raise BadValueError(f"width must be a positive int, got {width!r}")
    h = (b - a) / width
    # (a (n - i) + b i) / n rather than a + i h: on a symmetric [a, b] the knots are then exact mirror images
    knots = _snap([(a * (width - i) + b * i) / width for i in range(width + 1)])
    values = _snap([f(t) for t in knots])
    slopes = [(values[i + 1] - values[i]) / h for i in range(width)]
    changes = _snap([slopes[i] - (slopes[i - 1] if i else 0.0) for i in range(width)])
    net = Network(f"universal-{width}")
    x = net.input("x")
    out = net.neuron("y", activation="linear", bias=values[0])
    hidden = []
    for i in range(width):
        hn = net.neuron(f"h{i + 1}", activation="relu", bias=-knots[i])    # kink at x = t_i
        net.connect(x, hn, weight=1.0)
        hidden.append(hn)
    for hn, c in zip(hidden, changes):
        net.connect(hn, out, weight=c)
    return net


def _snap(values: List[float], rel: float = 1e-12) -> List[float]:
    """``values`` with those below rel * max |v| set to exactly 0.0.

    Values that are mathematically zero (sin(-pi), the change of slope at an
    inflection point) come out of floating point as +-1e-16 or so; the diagram
    and ``tinygraph step`` would show that noise as weights like -2.22e-16.
    Rounding noise is ~1e-16 relative, genuine values here are far above 1e-12.
    """
    big = max((abs(v) for v in values), default=0.0)
    return [0.0 if abs(v) < rel * big else v for v in values]


def build(width: int = 6) -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets) for ``tinygraph step universal``: width 6 at x = 1, target sin(1)."""
    return build_network(width), {"x": 1.0}, {"y": math.sin(1.0)}


def evaluate(net: Network, xs: List[float]) -> List[float]:
    """The network's output at each x (one forward pass each)."""
    return [net.forward({"x": x})["y"].value for x in xs]


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Fit sin on [-pi, pi] with 1, 2, 4, ... hidden ramps; print the max error; plot the fits."""
    folder, main = out_paths(out, "universal.svg", others=("universal.png",))
    files: List[Path] = []
    widths = WIDTHS_FAST if fast else WIDTHS
    n = GRID_FAST if fast else GRID
    xs = [A + (B - A) * k / (n - 1) for k in range(n)]
    target = [math.sin(x) for x in xs]
    print("A 1-n-1 network (n ReLU hidden neurons, linear output) fits sin(x) on [-π, π]: hidden neuron i")
    print("puts a kink at t_i (weight 1, bias −t_i); its output weight is the change of slope there.")
    rows, errors, bounds, fits = [], [], [], {}
    prev = None
    for w in widths:
        net = build_network(w)
        ys = evaluate(net, xs)
        fits[w] = ys
        err = max(abs(y - t) for y, t in zip(ys, target))
        bound = ((B - A) / w) ** 2 / 8          # h^2/8 max|sin''|
        errors.append((w, err))
        bounds.append(bound)
        rows.append([str(w), f"{err:.2e}", f"{bound:.2e}", "" if prev is None else f"{prev / err:.2f}"])
        prev = err
    print(table(rows, ["hidden", "max |fit − sin|", "bound h²/8", "fell by"]))
    print("Each doubling of the hidden layer divides the error by about 4: as closely as you like.")

    net = build_network(6)
    net.forward({"x": 1.0})

    save_network(net, main, files, title="sin(x) on [-π, π] with 6 hidden ramps (x = 1)")
    plt = pyplot()
    if plt is not None:
        # constrained layout: the right panel's y label must not run into the left panel
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
        ax1.plot(xs, target, color="black", lw=2.5, label="sin(x)")
        colors = ["#D55E00", "#009E73", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9"]
        for w, c in zip(widths[:3], colors):
            ax1.plot(xs, fits[w], color=c, lw=1.4, label=f"{w} hidden")
        ax1.set_title("target vs fit")
        ax1.set_xlabel("x")
        ax1.legend(fontsize=8)
        ax1.grid(alpha=0.3)
        ax2.loglog(widths, [e for _, e in errors], "o-", color="#0072B2", label="max error")
        ax2.loglog(widths, bounds, "--", color="#D55E00",
                   label="h²/8 (slope −2)")
        ax2.set_xticks(widths)
        ax2.set_xticks([], minor=True)
        ax2.set_xticklabels([str(w) for w in widths])
        ax2.set_xlabel("hidden neurons")
        ax2.set_ylabel("max |fit − sin|")
        ax2.set_title("error falls like 1/n²")
        ax2.legend(fontsize=8)
        ax2.grid(alpha=0.3, which="both")
        save_figure(fig, folder / "universal.png", files)
    report_files(files, folder)
    return {"widths": widths, "errors": errors, "files": files, "out": folder}
