"""A 2-2-1 sigmoid network learns XOR by the delta rule and gradient descent.

E = 1/2 sum over the four samples of (O - t)^2; every weight and bias moves by
-eta dE/dw (the gradients from backward(), i.e. the delta rule's deltas); repeat
until E is below the threshold.  XOR is the classic function one neuron
cannot compute (it is not linearly separable) but two hidden neurons can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..learning.losses import squared_error
from ..networks.network import MLP, Network
from ..learning.training import train
from .output import out_paths, pyplot, report_files, save_figure, save_network, table

NAME = "xor"
SUMMARY = "a 2-2-1 sigmoid network learns XOR by backprop until E is below a threshold"

SEED = 0
LR = 0.5            # the same with --fast: the run takes under a second, and its numbers should not depend on it
THRESHOLD = 0.01
MAX_EPOCHS = 20000
DATA = [({"x1": float(a), "x2": float(b)}, {"o1": float(a ^ b)}) for a in (0, 1) for b in (0, 1)]


def build_network(seed: int = SEED) -> Network:
    """The 2-2-1 sigmoid network with seeded random weights (inputs x1, x2; hidden h1, h2; output o1)."""
    return MLP([2, 2, 1], activation="sigmoid", seed=seed, name="xor")


def build() -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets) for ``tinygraph step xor``: the untrained network on x1 = 1, x2 = 0."""
    inputs, targets = DATA[2]
    return build_network(), dict(inputs), dict(targets)


def outputs(net: Network) -> List[float]:
    """The network's output for 00, 01, 10, 11."""
    return [net.forward(x)["o1"].value for x, _ in DATA]


def error(net: Network) -> float:
    """E = 1/2 sum over the samples of (O - t)^2: the squared error over all four samples."""
    return squared_error([net.forward(x) for x, _ in DATA], [t for _, t in DATA]).value


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Train the 2-2-1 network on XOR until E < 0.01; print before/after; draw it and the error curve.

    ``fast`` is accepted like every demo's, but this run is the same either way (it is already quick).
    """
    # the trained network is the main picture
    folder, main = out_paths(out, "xor-after.svg", others=("xor-before.svg", "xor-error.png"))
    files: List[Path] = []
    net = build_network()
    before = outputs(net)
    E0 = error(net)

    net.forward(DATA[2][0])
    save_network(net, folder / "xor-before.svg", files,
                 title=f"XOR before training (seed {SEED}): E = {E0:.4f}; showing x1 = 1, x2 = 0")

    print(f"A 2-2-1 sigmoid network learns XOR: E = 1/2 sum (O - t)^2 over the 4 samples, "
          f"w <- w - {LR:g} dE/dw, until E < {THRESHOLD:g}")
    history = train(net, DATA, loss="squared_error", lr=LR, until=THRESHOLD, max_epochs=MAX_EPOCHS)
    after = outputs(net)
    E1 = history.final                     # the error of the trained network, measured by train
    learned = history.converged and all((o > 0.5) == bool(t["o1"]) for o, (_, t) in zip(after, DATA))
    rows = [[f"{int(x['x1'])} {int(x['x2'])}", f"{t['o1']:g}", f"{b:.4f}", f"{a:.4f}"]
            for (x, t), b, a in zip(DATA, before, after)]
    print(table(rows, ["x1 x2", "target", "before", "after"]))
    print(f"E went from {E0:.4f} to {E1:.6f} in {history.epochs} epochs: XOR is "
          + ("learned." if learned else f"NOT learned within {MAX_EPOCHS} epochs."))
    print("Weights after training: " + ", ".join(f"{s.name} = {s.value:.3f}" for s in net.synapses))
    print()

    net.forward(DATA[2][0])
    save_network(net, main, files, title=f"XOR after {history.epochs} epochs: E = {E1:.6f}; showing x1 = 1, x2 = 0")
    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.semilogy(range(len(history)), list(history), color="#0072B2", lw=1.8, label="E")
        ax.axhline(THRESHOLD, color="#D55E00", ls="--", lw=1, label=f"threshold {THRESHOLD:g}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("E = 1/2 Σ (O − t)²")
        ax.set_title(f"XOR, 2-2-1 sigmoid network, η = {LR:g}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        save_figure(fig, folder / "xor-error.png", files)
    report_files(files, folder)
    return {"before": before, "after": after, "E_before": E0, "E_after": E1, "epochs": history.epochs,
            "history": list(history), "learned": learned, "files": files, "out": folder}
