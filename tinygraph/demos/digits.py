"""Handwritten digits: a 64-16-10 network with softmax outputs reads 8x8 pictures of the digits 0-9.

The data are the 1,797 8x8 images of the UCI optical-recognition digits (as
scikit-learn ships them; in tinygraph: ``tinygraph data digits``), each pixel
a darkness 0-16, here divided by 16.  The network: 64 inputs (one per pixel),
16 tanh hidden neurons, 10 softmax outputs O_k = e^(net_k) / sum_j e^(net_j),
the probability that the picture shows the digit k, trained on the
cross-entropy E = -sum_k t_k ln O_k (delta_k = O_k - t_k at the outputs) by
gradient descent on mini-batches of 32 images.  A fifth of the images are
held out: the accuracy on them is what the network learned, not what it
remembered.

With numpy installed the same network runs in batch mode (``tg.compile_network``:
30 epochs in a few seconds); without it, on the node engine, which is much
slower per image, so the demo then trains for fewer epochs (and says so).

Pictures: held-out digits with the network's probabilities, each hidden
neuron's 64 incoming weights as an 8x8 image (what the neuron looks for), the
confusion matrix, and the held-out digits it gets wrong.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple, Union

from ..data import datasets
from ..data.tables import layered_network
from .output import report_files
from .pictures import ORANGE, confusion_matrix, image_grid, save_svg, svg_paths

NAME = "digits"
SUMMARY = "a 64-16-10 softmax network reads handwritten digits (1,797 real 8x8 images)"

SIDE, HIDDEN, CLASSES = 8, 16, 10
BATCH, LR = 32, 0.3
EPOCHS_BATCH, EPOCHS_NODE, EPOCHS_FAST = 30, 12, 4
TEST_FRACTION, SEED = 0.2, 0
OUTPUTS = [f"digit_{k}" for k in range(CLASSES)]


def load() -> Tuple[List[str], List[List[float]], List[int]]:
    """(pixel names, images with darkness 0..1 row by row, digits)."""
    data = datasets.load("digits")
    return data.inputs, [[v / 16.0 for v in row] for row in data.rows], [int(t) for t in data.targets]


def split(n: int, seed: int = SEED) -> Tuple[List[int], List[int]]:
    """(training rows, held-out rows): a seeded shuffle, a fifth held out."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    cut = int(round(n * TEST_FRACTION))
    return order[cut:], order[:cut]


def build_network(pixels: Sequence[str], hidden: int = HIDDEN, seed: int = SEED) -> Any:
    """64 inputs (the pixels) -> ``hidden`` tanh neurons -> 10 softmax outputs digit_0 .. digit_9."""
    return layered_network(pixels, [hidden], "tanh", OUTPUTS, "softmax", seed, title="digits")


def build() -> Tuple[Any, Dict[str, float], Dict[str, float]]:
    """What ``tinygraph step digits`` steps through: the untrained 64-16-10 network and the first
    image (a 0), its target 1 for its digit and 0 for the others.  Its 64 inputs and 16 hidden
    neurons are big layers, stepped a layer (and a matrix of weights) at a time."""
    pixels, images, digits = load()
    return (build_network(pixels), dict(zip(pixels, images[0])),
            {o: float(k == digits[0]) for k, o in enumerate(OUTPUTS)})


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _batches(train: List[int], epoch: int) -> List[List[int]]:
    order = list(train)
    random.Random(1000 + epoch).shuffle(order)
    return [order[i:i + BATCH] for i in range(0, len(order), BATCH)]


def train_batch(net: Any, images: List[List[float]], digits: List[int], train: List[int], epochs: int) -> List[float]:
    """Mini-batch gradient descent in numpy batch mode; returns the cross-entropy over the training
    images after each epoch.  The weights end up in ``net``."""
    from ..learning.batch import compile_network
    np = _numpy()
    bn = compile_network(net)
    X = np.array(images, dtype=float)
    Y = np.eye(CLASSES)[digits]
    errors = []
    for epoch in range(epochs):
        for b in _batches(train, epoch):
            bn.step(X[b], Y[b], loss="cross_entropy", lr=LR)
        E, _ = bn.loss_and_grads(X[train], Y[train], loss="cross_entropy", write_grads=False)
        errors.append(float(E))
    bn.push()
    return errors


def train_nodes(net: Any, images: List[List[float]], digits: List[int], train: List[int], epochs: int,
                pixels: Sequence[str]) -> List[float]:
    """The same training on the node engine (every number a Node); returns the mean cross-entropy of
    the mini-batches of each epoch (as they were before their step)."""
    from ..learning.losses import cross_entropy
    from ..learning.training import SGD
    opt = SGD(net.parameters(), lr=LR)
    errors = []
    for epoch in range(epochs):
        total = 0.0
        for b in _batches(train, epoch):
            outs = [net.forward(dict(zip(pixels, images[i]))) for i in b]
            E = cross_entropy(outs, [OUTPUTS[digits[i]] for i in b])
            opt.zero_grad()
            E.backward()
            opt.step()
            total += E.value * len(b)
        errors.append(total / len(train))
    return errors


def probabilities(net: Any, pixels: Sequence[str], images: List[List[float]]) -> List[List[float]]:
    """Each image's 10 class probabilities (batch mode when numpy is there, else the node engine)."""
    np = _numpy()
    if np is not None:
        from ..learning.batch import compile_network
        return compile_network(net).forward(np.array(images, dtype=float)).tolist()
    return [[o.value for o in (lambda out: [out[k] for k in OUTPUTS])(net.forward(dict(zip(pixels, img))))]
            for img in images]


def run(out: Union[str, Path, None] = None, fast: bool = False, engine: str = "auto") -> dict:
    """Train on 80% of the digits, print the held-out accuracy, draw what the network sees and gets wrong.

    ``engine``: "batch" (numpy), "nodes" (the scalar engine) or "auto" (batch when numpy is installed)."""
    from ..errors import BadValueError
    if engine not in ("auto", "batch", "nodes"):
        raise BadValueError(f"engine must be 'auto', 'batch' or 'nodes', got {engine!r}")
    if engine == "auto":
        engine = "batch" if _numpy() is not None else "nodes"
    others = ["digits-hidden.svg", "digits-confusion.svg", "digits-wrong.svg"]
    folder, main = svg_paths(out, "digits-samples.svg", others)
    files: List[Path] = []
    pixels, images, digits = load()
    train, test = split(len(images))
    if fast:
        train = train[:400]
    epochs = EPOCHS_FAST if fast else EPOCHS_BATCH if engine == "batch" else EPOCHS_NODE
    net = build_network(pixels)
    print(f"Handwritten digits: {len(images)} images of 8x8 pixels (darkness 0-16, divided by 16); "
          f"{len(train)} to train on, {len(test)} held out")
    print(f"a 64-{HIDDEN}-10 network: tanh hidden neurons, softmax outputs (the probability of each digit), "
          f"{len(net.parameters())} weights and biases")
    print(f"error: cross-entropy -Σ t_k ln O_k; gradient descent on mini-batches of {BATCH}, η = {LR:g}, "
          f"{epochs} epochs; engine: "
          + ("batch mode (numpy)" if engine == "batch" else
             "the node engine (numpy is not installed, or not asked for: fewer epochs than batch mode's "
             f"{EPOCHS_BATCH}, as every number is a Node here)"))
    if engine == "batch":
        errors = train_batch(net, images, digits, train, epochs)
    else:
        errors = train_nodes(net, images, digits, train, epochs, pixels)
    for k in sorted({0, len(errors) // 2, len(errors) - 1}):
        print(f"  epoch {k + 1:3d}: cross-entropy {errors[k]:.4f}")
    probs = probabilities(net, pixels, [images[i] for i in test])
    said = [max(range(CLASSES), key=lambda k: p[k]) for p in probs]
    truth = [digits[i] for i in test]
    counts = [[0] * CLASSES for _ in range(CLASSES)]
    for t, s in zip(truth, said):
        counts[t][s] += 1
    accuracy = sum(counts[k][k] for k in range(CLASSES)) / len(test)
    train_said = [max(range(CLASSES), key=lambda k: p[k])
                  for p in probabilities(net, pixels, [images[i] for i in train])]
    train_accuracy = sum(s == digits[i] for s, i in zip(train_said, train)) / len(train)
    print(f"Accuracy: {train_accuracy:.1%} on the {len(train)} training images, "
          f"{accuracy:.1%} on the {len(test)} held out (guessing would get 10%).")
    per = [counts[k][k] / sum(counts[k]) if sum(counts[k]) else math.nan for k in range(CLASSES)]
    print("  per digit: " + ", ".join(f"{k}: {a:.0%}" for k, a in enumerate(per)))
    wrong = [j for j in range(len(test)) if said[j] != truth[j]]

    def caption(j: int) -> List[str]:
        p = probs[j]
        top = sorted(range(CLASSES), key=lambda k: -p[k])
        return [f"{top[0]}: {p[top[0]]:.0%}", f"{top[1]}: {p[top[1]]:.0%}"]

    shown = list(range(min(24, len(test))))
    save_svg(image_grid([images[test[j]] for j in shown], [caption(j) for j in shown], SIDE,
                        f"Held-out digits and what the network says: {accuracy:.1%} right on {len(test)}",
                        note="under each image: the most probable digit and the runner-up, with their "
                             "probabilities; an orange frame: wrong",
                        frames=[ORANGE if said[j] != truth[j] else None for j in shown]), main, files)
    hidden = [n for n in net.layers()[1]]
    weights = []
    for n in hidden:
        w = {s.src.name: s.weight for s in n.incoming}
        big = max(abs(v) for v in w.values()) or 1.0
        weights.append([w[p] / big for p in pixels])
    save_svg(image_grid(weights, [[n.name] for n in hidden], SIDE, "What each hidden neuron looks for",
                        note="its 64 incoming weights as an 8x8 image: blue pixels push it up, orange down "
                             "(each scaled by its largest |w|)", signed=True, pixel=9.0),
             folder / others[0], files)
    save_svg(confusion_matrix([str(k) for k in range(CLASSES)], counts,
                              f"Held-out digits: true (rows) against predicted (columns), {accuracy:.1%} right"),
             folder / others[1], files)
    shown_wrong = wrong[:32]
    save_svg(image_grid([images[test[j]] for j in shown_wrong],
                        [[f"true {truth[j]}"] + caption(j) for j in shown_wrong], SIDE,
                        f"The held-out digits it gets wrong ({len(wrong)} of {len(test)}"
                        + (f", the first {len(shown_wrong)} shown)" if len(wrong) > len(shown_wrong) else ")"),
                        note="the true digit, then what the network says, with its probabilities"),
             folder / others[2], files)
    report_files(files, folder)
    return {"engine": engine, "epochs": epochs, "errors": errors, "accuracy": train_accuracy,
            "test_accuracy": accuracy, "confusion": counts, "wrong": len(wrong), "n_train": len(train),
            "n_test": len(test), "files": files, "out": folder, "net": net}
