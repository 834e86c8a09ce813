"""Four neurons multiply two numbers (Lin, Tegmark and Rolnick 2017, Eq. 11 and Fig. 2).

For a smooth activation s with s''(b) != 0,

    s(b+u+v) + s(b-u-v) - s(b+u-v) - s(b-u+v) = 4 s''(b) u v + O(|u|^4 + |v|^4),

so a 2-4-1 network with input weights +-lam, biases b, output weights +-mu and
mu = 1 / (4 lam^2 s''(b)) outputs x*y (1 + O(lam^2 (x^2 + y^2))).  For the
logistic sigmoid s''(0) = 0, so the bias is shifted to b = ln(2 + sqrt(3)),
where |s''| is largest.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..engine.activations import SIGMOID
from ..networks.network import Network
from ..engine.node import Node
from .output import out_paths, report_files, save_network, table

NAME = "multiplier"
SUMMARY = "four neurons multiply two numbers: x*y from sigmoids (Lin-Tegmark-Rolnick)"
# The multiplier's first-layer weights are ±0.001 and their gradients near 100: η = 0.5 would move
# them a hundred thousand times their size, so its step-through uses a small η.
STEP_LR = 1e-6

B = math.log(2.0 + math.sqrt(3.0))        # where |s''| of the logistic sigmoid is largest
LAM = 1e-3                                # the input scale used for the table and the picture
PAIRS = [(3.0, 4.0), (-1.5, 2.0), (0.5, 0.25), (-2.0, -3.0), (1.2, -0.7)]
# The input scales for the error table: four halvings (error / 4 each), then decades down to where
# floating-point cancellation wins (mu ~ 1/lam^2 multiplies rounding errors of the sigmoids).
LAMS = [0.1, 0.05, 0.025, 0.0125, 0.00625, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]


_sigmoid = SIGMOID.f                        # the logistic function, as the engine defines it


def second_derivative(b: float = B) -> float:
    """s''(b) of the logistic sigmoid: s (1 - s) (1 - 2 s)."""
    s = _sigmoid(b)
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def second_derivative_numeric(b: float = B, h: float = 1e-4) -> float:
    """s''(b) from a central difference of the engine's s' (the sigmoid node's local slope)."""
    slope = lambda z: Node(z).sigmoid().local_grads[0]          # noqa: E731
    return (slope(b + h) - slope(b - h)) / (2.0 * h)


def build_network(lam: float = LAM, b: float = B) -> Network:
    """The multiplier, built node by node exactly as in the paper's table."""
    mu = 1.0 / (4.0 * lam * lam * second_derivative(b))
    net = Network("multiplier")
    x = net.input("x")
    y = net.input("y")
    #            weight from x, weight from y, weight to the output
    rows = [("h1", +lam, +lam, +mu),
            ("h2", -lam, -lam, +mu),
            ("h3", +lam, -lam, -mu),
            ("h4", -lam, +lam, -mu)]
    hidden = []
    for name, wx, wy, _ in rows:
        h = net.neuron(name, activation="sigmoid", bias=b)
        net.connect(x, h, weight=wx)
        net.connect(y, h, weight=wy)
        hidden.append(h)
    out = net.neuron("out", activation="linear", bias=None)   # linear output, no bias
    for h, (_, _, _, wo) in zip(hidden, rows):
        net.connect(h, out, weight=wo)
    return net


def build(lam: float = LAM) -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets) for ``tinygraph step multiplier``: x = 3, y = 4, target x*y = 12."""
    x, y = PAIRS[0]
    return build_network(lam), {"x": x, "y": y}, {"out": x * y}


def multiply(net: Network, x: float, y: float) -> Tuple[float, float, float]:
    """The network's output for (x, y) and, from backward(), d(out)/dx and d(out)/dy."""
    out = net.forward({"x": x, "y": y})["out"]
    out.backward()
    return out.value, net["x"].grad, net["y"].grad


def max_error(lam: float, pairs=PAIRS) -> float:
    """max |net(x, y) - x*y| over the pairs, for the input scale lam."""
    net = build_network(lam)
    return max(abs(net.forward({"x": x, "y": y})["out"].value - x * y) for x, y in pairs)


def change(before: float, after: float) -> str:
    """How an error changed, in words: 'fell by 3.948' or, when it grew, 'rose ×23.99'."""
    if after <= before:
        return f"fell by {before / after:.4g}" if after > 0 else "fell to 0"
    return f"rose ×{after / before:.4g}"


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Print the multiplier's table, error law and gradients; write multiplier.svg."""
    folder, main = out_paths(out, "multiplier.svg")
    files: List[Path] = []
    s2 = second_derivative()
    s2_num = second_derivative_numeric()
    net = build_network(LAM)
    mu = net.synapse("h1", "out").weight         # μ as build_network computed it
    print("Four neurons multiply two numbers (Lin, Tegmark & Rolnick 2017)")
    print(f"  inputs x, y; 4 sigmoid neurons with input weights ±λ and bias b = ln(2 + √3) = {B:.6f},")
    print(f"  where s''(b) = s(1−s)(1−2s) = {s2:.9f}  (central difference of s': {s2_num:.9f});")
    print(f"  a linear output, no bias, weights ±μ with μ = 1/(4 λ² s''(b)) = {mu:.6g} at λ = {LAM:g}")
    print()

    rows, pairs_out = [], []
    for x, y in PAIRS:
        o, dx, dy = multiply(net, x, y)
        pairs_out.append({"x": x, "y": y, "product": x * y, "output": o, "d_out_dx": dx, "d_out_dy": dy})
        rows.append([f"{x:g}", f"{y:g}", f"{x * y:g}", f"{o:.9f}", f"{o - x * y:.2e}", f"{dx:.6f}"])
    print(f"x·y against the network's output (λ = {LAM:g}), and ∂out/∂x from backward(), "
          "which should be close to y:")
    print(table(rows, ["x", "y", "x·y", "network", "error", "∂out/∂x"]))
    print()

    lams = LAMS[:8] if fast else LAMS            # fast still shows where cancellation takes over
    errs = []
    erows = []
    prev = None
    for lam in lams:
        e = max_error(lam)
        errs.append((lam, e))
        ratio = ["", ""] if prev is None else [change(prev[1], e), f"fell by {(prev[0] / lam) ** 2:.4g}"]
        erows.append([f"{lam:g}", f"{e:.3e}", f"{e / lam ** 2:.4g}"] + ratio)
        prev = (lam, e)
    best = min(errs, key=lambda t: t[1])
    print("The error max |network − x·y| over those pairs as λ shrinks: it falls like λ²")
    print("(error/λ² stays put) until floating-point cancellation takes over:")
    print(table(erows, ["λ", "max error", "error/λ²", "change", "λ² law says"], "rrrll"))
    print(f"Smallest error {best[1]:.2e} at λ = {best[0]:g}; below that, μ ~ 1/λ² magnifies "
          "the rounding errors of the four sigmoids.")
    print()

    x, y = PAIRS[0]
    net.zero_grad()
    net.forward({"x": x, "y": y})["out"].backward()

    save_network(net, main, files, labels_at="head", title=f"four neurons multiply: λ = {LAM:g}, μ = {mu:.6g}, b = {B:.4f}; "
                                         f"x = {x:g}, y = {y:g}")
    report_files(files, folder)
    return {"s2": s2, "s2_numeric": s2_num, "mu": mu, "pairs": pairs_out, "errors": errs,
            "files": files, "out": folder}
