"""The playground's data and training loop: a data set of points in the plane, a train/test split, and
mini-batch training that reports both errors and the decision surface, as plain JSON-able numbers.

Nothing here speaks HTTP: :class:`Lab` is driven by :class:`~tinygraph.playground.state.Session`
(the local server calls it, and an in-browser page could call the same methods through Pyodide).

Every number is the engine's.  With numpy present the steps run in batch mode
(:func:`tinygraph.learning.batch.compile_network`, the same Network's weights as arrays, the same numbers to
about 1e-12); without it the node engine does each step.  One step on a batch of B samples moves
every weight and bias by -η times the *mean* over the batch of ∂E/∂w, with E = ½ Σ (O − t)² per
sample, so the batch size does not change the step's scale.  Both error curves are the mean E per
sample (over the training samples, over the test samples), so they can be compared.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..data.datasets import make_circle, make_moons, make_spiral
from ..formatting import fmt
from ..learning.losses import squared_error
from ..networks.network import Network
from ..learning.training import SGD
from .errors import PlayError
from .numbers import number

__all__ = ["Lab", "GENERATED", "GRID", "MAX_POINTS", "MAX_PLAY_WORK"]

#: the data sets the lab can make, with noise
GENERATED = ("moons", "circle", "spiral", "xor")
#: the decision surface: the network's output at GRID x GRID points of the input plane
GRID = 24
MAX_POINTS = 1000
#: one play request does at most this many (epochs x training samples)
MAX_PLAY_WORK = 200_000
#: the error curves keep at most this many points (older ones are thinned)
CURVE_POINTS = 400


def _xor(n: int, noise: float, seed: int) -> Tuple[List[List[float]], List[float]]:
    """Points in the four quadrants of [-1, 1]^2, label 1 where x1 and x2 have the same sign."""
    rng = random.Random(seed)
    xs, ys = [], []
    for _ in range(n):
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
        a += 0.08 if a > 0 else -0.08          # a small gap around the axes, as TensorFlow Playground's
        b += 0.08 if b > 0 else -0.08
        y = 1.0 if a * b > 0 else 0.0
        xs.append([a + rng.gauss(0, noise), b + rng.gauss(0, noise)])
        ys.append(y)
    return xs, ys


def _make(name: str, n: int, noise: float, seed: int) -> Tuple[List[List[float]], List[float]]:
    if name == "moons":
        return make_moons(n, noise=noise, seed=seed)
    if name == "circle":
        return make_circle(n, noise=noise, seed=seed)
    if name == "spiral":
        return make_spiral(n, noise=noise, seed=seed)
    return _xor(n, noise, seed)


def _standardised(rows: List[List[float]]) -> List[List[float]]:
    """Each column to mean 0, standard deviation 1 (the network's scaling), so every data set suits one η."""
    cols = list(zip(*rows))
    means = [sum(c) / len(c) for c in cols]
    stds = [max((sum((v - m) ** 2 for v in c) / len(c)) ** 0.5, 1e-12) for c, m in zip(cols, means)]
    return [[(v - m) / s for v, m, s in zip(r, means, stds)] for r in rows]


class Lab:
    """A data set in the plane split into training and test samples, and the errors measured on both."""

    def __init__(self, csv: Optional[Sequence[Tuple[Sequence[float], float]]] = None,
                 csv_name: str = "your CSV") -> None:
        #: the learner's data (already scaled), when the playground was started on a CSV file with 2 inputs
        self.csv = [(list(x), float(t)) for x, t in csv] if csv else None
        self.csv_name = csv_name
        self.name = "csv" if self.csv else "moons"
        self.noise = 0.1
        self.ratio = 0.7
        self.batch = 10
        self.n = 200
        self.seed = 0
        self.clear()
        self.points: List[List[float]] = []
        self.labels: List[float] = []
        self.is_train: List[bool] = []
        self.chosen: Optional[int] = None

    def _compiled(self, net: Network) -> Any:
        """The network in batch mode (kept while its structure stays; its weights are read afresh each
        use), or None without numpy or for a network batch mode cannot hold."""
        bn = self.__dict__.get("_bn")
        if bn is not None and bn.net is net and bn._shape_of(net) == bn._structure:
            return bn
        try:
            import numpy  # noqa: F401
            from ..learning.batch import compile_network
            bn = compile_network(net)
        except Exception:                   # no numpy, or a network batch mode refuses: the node engine
            bn = None
        self._bn = bn
        return bn

    def choices(self) -> List[str]:
        return (["csv"] if self.csv else []) + list(GENERATED)

    def clear(self) -> None:
        self.train_curve: List[Tuple[int, float]] = []
        self.test_curve: List[Tuple[int, float]] = []
        self.epoch = 0

    def pick(self, name: Any = None, noise: Any = None, ratio: Any = None, n: Any = None,
             seed: Any = None) -> None:
        """Make the data set ``name`` (with ``noise``, ``n`` points) and split it (``ratio`` for training)."""
        if name is not None:
            if name not in self.choices():
                raise PlayError(f"data set: choose one of {', '.join(self.choices())}, got {str(name)[:40]!r}")
            self.name = name
        if noise is not None:
            x = number(noise, "noise")
            if not 0 <= x <= 1:
                raise PlayError("noise: a number from 0 to 1 (the spread of each point), e.g. 0.1")
            self.noise = x
        if ratio is not None:
            x = number(ratio, "training share")
            if not 0.1 <= x <= 0.9:
                raise PlayError("training share: from 0.1 to 0.9 of the points train, the rest test; e.g. 0.7")
            self.ratio = x
        if n is not None:
            x = number(n, "points")
            if x != int(x) or not 20 <= x <= MAX_POINTS:
                raise PlayError(f"points: a whole number from 20 to {MAX_POINTS}, e.g. 200")
            self.n = int(x)
        if seed is not None:
            x = number(seed, "seed")
            if x != int(x) or x < 0:
                raise PlayError("seed: a whole number from 0, e.g. 1")
            self.seed = int(x)
        if self.name == "csv":
            rows = [x for x, _ in self.csv]
            self.points, self.labels = rows, [t for _, t in self.csv]
        else:
            rows, labels = _make(self.name, self.n, self.noise, self.seed)
            self.points = _standardised(rows)
            self.labels = [1.0 if y > 0 else 0.0 for y in labels]      # moons are -1/+1: 0/1 as the others
        order = list(range(len(self.points)))
        random.Random(self.seed + 1).shuffle(order)
        cut = max(1, min(len(order) - 1, round(self.ratio * len(order))))
        train = set(order[:cut])
        self.is_train = [i in train for i in range(len(self.points))]
        self.chosen = min(train)            # the sample shown: the first training point
        self.clear()

    def set_batch(self, size: Any) -> None:
        x = number(size, "batch size")
        if x != int(x) or x < 1:
            raise PlayError("batch size: a whole number from 1 (one sample per step) up, e.g. 10")
        self.batch = int(x)

    # -- the samples as the network sees them ---------------------------------------------------
    def samples(self, net: Network, train: bool) -> List[Tuple[Dict[str, float], Dict[str, float]]]:
        ins = [n.name for n in net.inputs]
        out = net.outputs[0].name
        return [({ins[0]: p[0], ins[1]: p[1]}, {out: t})
                for p, t, tr in zip(self.points, self.labels, self.is_train) if tr == train]

    @staticmethod
    def fits(net: Network) -> bool:
        return len(net.inputs) == 2 and len(net.outputs) == 1

    # -- training ---------------------------------------------------------------------------------
    def play(self, net: Network, lr: float, epochs: int, fast: bool = True) -> str:
        """Train ``net`` for ``epochs`` epochs of mini-batch SGD on the training samples; record both errors.
        Returns which engine did the arithmetic ("batch (numpy)" or "nodes")."""
        train = self.samples(net, True)
        if epochs * len(train) > MAX_PLAY_WORK:
            raise PlayError(f"{epochs} epochs over {len(train)} samples at once is too much; at most "
                            f"{max(1, MAX_PLAY_WORK // len(train))}")
        if not self.train_curve:
            self._measure(net)
        order = list(range(len(train)))
        rng = random.Random(self.seed * 7919 + self.epoch)
        engine = "nodes"
        bn = self._compiled(net) if fast else None
        if bn is not None:
            import numpy as np
            engine = "batch (numpy)"
            ins = [n.name for n in net.inputs]
            out = net.outputs[0].name
            X = np.array([[x[k] for k in ins] for x, _ in train], dtype=float)
            Y = np.array([[t[out]] for _, t in train], dtype=float)
            bn.pull()
        params = net.parameters()
        for _ in range(epochs):
            rng.shuffle(order)
            for start in range(0, len(order), self.batch):
                chunk = order[start:start + self.batch]
                if bn is not None:
                    idx = np.array(chunk)
                    bn.step(X[idx], Y[idx], loss="squared_error", lr=lr / len(chunk))
                else:
                    net.zero_grad()
                    outs = [net.forward(train[i][0]) for i in chunk]
                    loss = squared_error(outs, [train[i][1] for i in chunk])
                    loss.backward()
                    SGD(params, lr=lr / len(chunk)).step()
            self.epoch += 1
        if bn is not None:
            bn.push()
        self._measure(net)
        return engine

    def _errors(self, net: Network, samples: List[Tuple[Dict[str, float], Dict[str, float]]]) -> Optional[float]:
        if not samples:
            return None
        outs = self.outputs(net, [[x[n.name] for n in net.inputs] for x, _ in samples])
        out = net.outputs[0].name
        return sum(0.5 * (o - t[out]) ** 2 for o, (_, t) in zip(outs, samples)) / len(samples)

    def _measure(self, net: Network) -> None:
        for curve, train in ((self.train_curve, True), (self.test_curve, False)):
            e = self._errors(net, self.samples(net, train))
            if e is not None:
                curve.append((self.epoch, e))
            if len(curve) > CURVE_POINTS:          # keep the first and the last, every other one between
                curve[:] = curve[:1] + curve[1:-1:2] + curve[-1:]

    def outputs(self, net: Network, rows: List[List[float]]) -> List[float]:
        """The network's output for each row of the two inputs (batch mode when numpy is there)."""
        bn = self._compiled(net)
        if bn is not None:
            import numpy as np
            return [float(v) for v in bn.forward(np.array(rows, dtype=float))[:, 0]]
        ins = [n.name for n in net.inputs]
        out = net.outputs[0].name
        return [net.forward(dict(zip(ins, r)))[out].value for r in rows]

    def surface(self, net: Network) -> Dict[str, Any]:
        """The output over the plane: GRID x GRID values, row by row from the top (largest x2)."""
        xs = [p[0] for p in self.points] or [0.0]
        ys = [p[1] for p in self.points] or [0.0]
        pad_x = 0.1 * (max(xs) - min(xs) or 1)
        pad_y = 0.1 * (max(ys) - min(ys) or 1)
        x0, x1, y0, y1 = min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y
        rows = [[x0 + (x1 - x0) * (i + 0.5) / GRID, y1 - (y1 - y0) * (j + 0.5) / GRID]
                for j in range(GRID) for i in range(GRID)]
        values = self.outputs(net, rows)
        return {"grid": GRID, "x": [x0, x1], "y": [y0, y1],
                "values": [round(v, 5) for v in values]}

    def view(self, net: Network) -> Dict[str, Any]:
        """What the page shows of the data: the choices, the settings, the points, both curves, the surface."""
        doc: Dict[str, Any] = {
            "name": self.name, "choices": self.choices(), "csv_name": self.csv_name,
            "noise": self.noise, "ratio": self.ratio, "batch": self.batch, "n": self.n, "seed": self.seed,
            "epoch": self.epoch, "fits": self.fits(net), "chosen": self.chosen,
            "points": [[round(p[0], 4), round(p[1], 4), t, 1 if tr else 0]
                       for p, t, tr in zip(self.points, self.labels, self.is_train)],
            "train_size": sum(self.is_train), "test_size": len(self.is_train) - sum(self.is_train),
            "train_curve": [[e, v] for e, v in self.train_curve],
            "test_curve": [[e, v] for e, v in self.test_curve],
            "train_shown": fmt(self.train_curve[-1][1]) if self.train_curve else None,
            "test_shown": fmt(self.test_curve[-1][1]) if self.test_curve else None,
        }
        if self.fits(net) and self.points:
            doc["surface"] = self.surface(net)
        return doc
