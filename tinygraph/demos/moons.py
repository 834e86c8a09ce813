"""A 2-16-16-1 ReLU network learns two interleaving half-moons (max-margin loss + L2, SGD).

The data are generated on the spot (``tinygraph.data.datasets.make_moons``, no
download): the upper moon (cos t, sin t) has label +1, the lower moon
(1 - cos t, 1/2 - sin t) label -1, t evenly spaced over [0, pi], plus Gaussian
noise.  The error is the hinge (max-margin) loss
mean max(0, 1 - y s) over the samples plus alpha * (sum of squared weights);
full-batch gradient descent with a learning rate falling from 1.0 to 0.1.
With numpy installed the same network runs in batch mode
(``tg.compile_network``) for speed; without it, on the node engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..data import datasets
from ..learning.batch import compile_network
from ..errors import BadValueError
from ..learning.losses import hinge, l2
from ..networks.network import MLP, Network
from ..learning.training import SGD
from .output import out_paths, pyplot, report_files, save_figure

NAME = "moons"
SUMMARY = "a 2-16-16-1 ReLU network learns two moons (hinge loss + L2, SGD)"

N, STEPS, WIDTH = 100, 100, 16
N_FAST, STEPS_FAST = 40, 20
ALPHA = 1e-4          # weight of the L2 penalty
NOISE = 0.1
DATA_SEED, NET_SEED = 0, 1

Point = Tuple[float, float, float]      # x1, x2, label (+1 or -1)


def make_moons(n: int = N, noise: float = NOISE, seed: int = DATA_SEED) -> List[Point]:
    """n points on two interleaving half-circles, (x1, x2, label): +1 on the upper moon, -1 on the lower.

    The points of ``tinygraph.data.datasets.make_moons`` (the one generator), as triples.
    """
    X, Y = datasets.make_moons(n, noise, seed)
    return [(x1, x2, y) for (x1, x2), y in zip(X, Y)]


def build_network(width: int = WIDTH, seed: int = NET_SEED) -> Network:
    """The 2-width-width-1 network: ReLU hidden layers, a linear output (the score)."""
    return MLP([2, width, width, 1], activation="relu", output_activation="linear", seed=seed, name="moons")


def build() -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets) for ``tinygraph step moons``: the untrained network on the first point."""
    x, y, label = make_moons(1)[0]
    return build_network(), {"x1": x, "x2": y}, {"o1": label}


def _lr(k: int, steps: int) -> float:
    return 1.0 - 0.9 * k / steps


def train_nodes(net: Network, data: List[Point], steps: int, alpha: float = ALPHA) -> List[Tuple[float, float]]:
    """Full-batch SGD on the node engine; returns (loss, accuracy) before each step and after the last."""
    opt = SGD(net.parameters(), lr=1.0)
    labels = [{"o1": lab} for _, _, lab in data]
    history = []
    for k in range(steps + 1):
        outs = [net.forward({"x1": x, "x2": y}) for x, y, _ in data]
        loss = hinge(outs, labels) + alpha * l2(net.parameters())
        acc = sum((o["o1"].value > 0) == (lab > 0) for o, (_, _, lab) in zip(outs, data)) / len(data)
        history.append((loss.value, acc))
        if k == steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.lr = _lr(k, steps)
        opt.step()
    return history


def scores_nodes(net: Network, points: List[Tuple[float, float]]) -> List[float]:
    """The network's score at each point, on the node engine."""
    return [net.forward({"x1": x, "x2": y})["o1"].value for x, y in points]


def _numpy():
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def run(out: Union[str, Path, None] = None, fast: bool = False, engine: str = "auto") -> dict:
    """Generate the moons, train, print accuracy; plot the decision boundary.

    ``engine``: "batch" (numpy), "nodes" (the scalar engine) or "auto" (batch when numpy is installed).
    """
    if engine not in ("auto", "batch", "nodes"):
        raise BadValueError(f"engine must be 'auto', 'batch' or 'nodes', got {engine!r}")
    have_numpy = _numpy() is not None            # batch mode needs numpy and nothing else
    if engine == "auto":
        engine = "batch" if have_numpy else "nodes"
    folder, main = out_paths(out, "moons.png", plot=True)
    files: List[Path] = []
    n, steps = (N_FAST, STEPS_FAST) if fast else (N, STEPS)
    data = make_moons(n)
    net = build_network()
    print(f"Two moons, {n} points (noise {NOISE:g}); a 2-{WIDTH}-{WIDTH}-1 ReLU network "
          f"({len(net.parameters())} weights and biases)")
    print(f"error: hinge mean max(0, 1 − y·score) + {ALPHA:g}·Σw²; full-batch SGD for {steps} steps, "
          f"η from 1.0 down to {_lr(steps, steps):.1f}; engine: "
          + ("batch mode (numpy)" if engine == "batch" else "the node engine"))
    if engine == "nodes" and not fast:
        print("  (the node engine takes a minute or so here"
              + ("" if have_numpy else '; pip install "tinygraph[fast]" for batch mode') + ")")
    if engine == "batch":
        history, score_fn = _train_batch(net, data, steps)
    else:
        history = train_nodes(net, data, steps)
        score_fn = lambda pts: scores_nodes(net, pts)  # noqa: E731
    loss0, acc0 = history[0]
    loss1, acc1 = history[-1]
    for k in sorted({0, steps // 4, steps // 2, 3 * steps // 4, steps}):
        print(f"  step {k:3d}: error {history[k][0]:.4f}, accuracy {history[k][1]:.0%}")
    print(f"Accuracy on the {n} training points: {acc1:.0%} (was {acc0:.0%} before training).")
    test = make_moons(100 if fast else 400, seed=DATA_SEED + 1)
    test_scores = score_fn([(x, y) for x, y, _ in test])
    test_acc = sum((s > 0) == (lab > 0) for s, (_, _, lab) in zip(test_scores, test)) / len(test)
    print(f"Accuracy on {len(test)} fresh points from the same moons: {test_acc:.0%}.")

    plt = pyplot()
    if plt is not None:
        g = 25 if fast else 81 if engine == "batch" else 51
        xs = [-1.5 + 4.0 * i / (g - 1) for i in range(g)]
        ys = [-1.2 + 2.8 * j / (g - 1) for j in range(g)]
        z = score_fn([(x, y) for y in ys for x in xs])
        Z = [z[j * g:(j + 1) * g] for j in range(g)]
        fig, ax = plt.subplots(figsize=(6, 4.4))
        lim = max(1.0, max(abs(v) for v in z))
        ax.contourf(xs, ys, Z, levels=[-lim, -1, 0, 1, lim], colors=["#F4B183", "#FBE5D6", "#DEEBF7", "#9DC3E6"])
        ax.contour(xs, ys, Z, levels=[0], colors="black", linewidths=1.5)
        for lab, c, m in ((1.0, "#0072B2", "o"), (-1.0, "#D55E00", "s")):
            px = [p[0] for p in data if p[2] == lab]
            py = [p[1] for p in data if p[2] == lab]
            ax.scatter(px, py, c=c, marker=m, s=22, edgecolors="black", linewidths=0.5,
                       label=f"label {lab:+g}")
        ax.set_title(f"two moons: decision boundary (score = 0) after {steps} steps, "
                     f"training accuracy {acc1:.0%}", fontsize=10)
        ax.text(0.01, 0.01, "light bands: inside the margin, |score| < 1", transform=ax.transAxes,
                fontsize=8, va="bottom")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(loc="upper right", fontsize=8)
        save_figure(fig, main, files)
    report_files(files, folder)
    return {"engine": engine, "n": n, "steps": steps, "history": history, "accuracy": acc1,
            "accuracy_before": acc0, "test_accuracy": test_acc, "files": files, "out": folder}


def _train_batch(net: Network, data: List[Point], steps: int, alpha: float = ALPHA):
    """The same training in batch mode (numpy, tg.compile_network): (history, score function).

    The weights end up in ``net`` as with the node engine; the errors and accuracies match it.
    """
    np = _numpy()
    bn = compile_network(net)
    X = np.array([[x, y] for x, y, _ in data], dtype=float)
    Y = np.array([[lab] for _, _, lab in data], dtype=float)
    history = []
    for k in range(steps + 1):
        scores = bn.forward(X)[:, 0]
        acc = float(np.mean((scores > 0) == (Y[:, 0] > 0)))
        if k == steps:
            E, _ = bn.loss_and_grads(X, Y, loss="hinge", l2=alpha, write_grads=False)
        else:
            E = bn.step(X, Y, loss="hinge", lr=_lr(k, steps), l2=alpha)
        history.append((float(E), acc))
    bn.push()

    def scores_batch(points: List[Tuple[float, float]]) -> List[float]:
        return bn.forward(np.array(points, dtype=float))[:, 0].tolist()

    return history, scores_batch
