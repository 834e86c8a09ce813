"""Benchmarks: how fast tinygraph is, against the interpreter's floor and micrograd.

Run ``python -m tinygraph.bench`` (``--quick`` for a short run, ``--repeat N``
for more runs).  Every figure is the median of several runs, and every ratio
is the median of ratios taken within one round (the implementations run one
after the other in each round), so the machine's speed cancels out.  Times
are this process's CPU time (``--wall`` for the wall clock), so other load on
the machine does not count.  The node engine is timed as users run it (the
garbage collector on) and inside ``tg.gc_paused()``.

What is measured:

* **moons step**: micrograd's own demo -- an MLP 2-16-16-1 with ReLU, 100
  two-moons points, the max-margin loss mean(relu(1 - y*score)) + 1e-4 *
  sum(p*p), one full-batch SGD step (forward, backward, update).  Run by
  tinygraph's node engine twice: through the network API (``net.forward``,
  one ``weighted_sum`` node per neuron) and built the way micrograd's own
  ``nn.py`` builds it (one ``*`` and one ``+`` node per synapse), which shows
  the engine's cost per op beside micrograd's; by the same math written by
  hand in plain Python floats (the interpreter's floor); by micrograd 0.1.0
  when it is installed (with Python's garbage collector on, as users run it,
  and off); and, when numpy is installed, by hand-written numpy (the
  vectorised floor) and by tinygraph's batch mode.  All start from the same
  weights, and their losses are checked to agree, so they really compute the
  same thing.
* **chain**: x <- x*1.0001 + 0.0001, a million times, then backward; against
  plain floats that keep their own tape of inputs and walk it back by hand.
* **wide sum**: sum of 100,000 products a_i*b_i, then backward.
* **bytes per node**: tracemalloc over building the chain, over its node count.
* **digits epoch**: one epoch of the digits demo's network (64-16-10, tanh, softmax
  outputs, cross-entropy averaged over mini-batches of 32, SGD) over the 1,438
  training images of the 8x8 digits: on the node engine (``net.forward`` per
  image, ``tg.cross_entropy``, ``backward``, ``SGD``) against the same math in
  plain Python floats (hand-written loops, a hand-written backward), and in batch
  mode (``tg.compile_network``) against hand-written numpy.  All start from the
  same weights, take the same batches, and their losses are checked to agree.
* **step-player pages**: ``network_steps`` and ``html_page`` for small and big
  networks (a big layer stepped at once), with each page's frames and size.
"""

from __future__ import annotations

import argparse
import functools
import gc
import random
import statistics
import sys
import time
import tracemalloc
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .data.datasets import load as load_data, make_moons
from .networks.network import MLP, Network
from .learning.losses import cross_entropy
from .engine.node import Node, gc_paused
from .learning.training import SGD

__all__ = ["make_moons", "main"]

ALPHA = 1e-4          # the L2 coefficient of micrograd's demo
LR = 0.05             # a constant step size, so every implementation takes the same steps

Matrix = List[List[float]]


# -- shared starting weights (the data: tinygraph.data.datasets.make_moons) --------------

def _layer_weights(net: Network) -> List[Tuple[Matrix, List[float]]]:
    """Per layer of a layered net: (W[j][i], b[j]) with W[j][i] the weight from input i to neuron j."""
    layers = net.layers()
    out = []
    for prev, layer in zip(layers, layers[1:]):
        W = []
        for dst in layer:
            row = {syn.src: syn.value for syn in dst.incoming}
            W.append([row[src] for src in prev])
        out.append((W, [dst.bias.value for dst in layer]))
    return out


def _build_net(seed: int) -> Network:
    return MLP([2, 16, 16, 1], activation="relu", output_activation="linear", seed=seed)


# -- the moons step, five ways -------------------------------------------------

class NodeEngineStep:
    """tinygraph's node engine: net.forward per sample, the loss as Node ops, backward, update."""

    name = "tinygraph nodes"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        self.net, self.X, self.Y = net, X, Y
        self.params = net.parameters()

    def step(self) -> float:
        net, params = self.net, self.params
        data = None
        for x, y in zip(self.X, self.Y):
            score = net.forward(x)["o1"]
            margin = (score * -y + 1.0).relu()           # relu(1 - y*score)
            data = margin if data is None else data + margin
        reg = None
        for p in params:
            sq = p * p
            reg = sq if reg is None else reg + sq
        loss = data * (1.0 / len(self.X)) + reg * ALPHA
        net.zero_grad()
        loss.backward()
        for p in params:
            p.value -= LR * p.grad
        return loss.value


class NodeOpsStep:
    """tinygraph's node engine built the way micrograd's nn.py builds its MLP: each neuron's net input
    is b + w1*x1 + w2*x2 + ..., one '*' and one '+' node per synapse (no weighted_sum), the inputs
    made into Nodes as micrograd's demo makes them Values.  This is the engine's cost per op."""

    name = "tinygraph * and + nodes"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        self.layers = [([[Node(w) for w in row] for row in W], [Node(bj) for bj in b])
                       for W, b in _layer_weights(net)]
        self.params = [p for W, b in self.layers for row, bj in zip(W, b) for p in (*row, bj)]
        self.X, self.Y = X, Y

    def step(self) -> float:
        last = len(self.layers) - 1
        data = None
        for x, y in zip(self.X, self.Y):
            h = [Node(v) for v in x]
            for k, (W, b) in enumerate(self.layers):
                out = []
                for row, bj in zip(W, b):
                    act = bj
                    for w, xi in zip(row, h):
                        act = act + w * xi                   # micrograd: sum((wi*xi ...), self.b)
                    out.append(act if k == last else act.relu())
                h = out
            margin = (h[0] * -y + 1.0).relu()                # relu(1 - y*score)
            data = margin if data is None else data + margin
        reg = None
        for p in self.params:
            sq = p * p
            reg = sq if reg is None else reg + sq
        loss = data * (1.0 / len(self.X)) + reg * ALPHA
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        for p in self.params:
            p.value -= LR * p.grad
        return loss.value


class PlainFloatStep:
    """The same math by hand in plain Python floats: forward, then a hand-written backward."""

    name = "plain floats (floor)"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        (self.W1, self.b1), (self.W2, self.b2), (W3, b3) = _layer_weights(net)
        self.w3, self.b3 = W3[0], b3[0]
        self.X, self.Y = X, Y

    def step(self) -> float:
        W1, b1, W2, b2, w3, b3 = self.W1, self.b1, self.W2, self.b2, self.w3, self.b3
        n = len(self.X)
        gW1 = [[0.0] * len(r) for r in W1]
        gb1 = [0.0] * len(b1)
        gW2 = [[0.0] * len(r) for r in W2]
        gb2 = [0.0] * len(b2)
        gw3 = [0.0] * len(w3)
        gb3 = 0.0
        data = 0.0
        for x, y in zip(self.X, self.Y):
            # forward
            z1 = [b + sum(w * xi for w, xi in zip(row, x)) for row, b in zip(W1, b1)]
            h1 = [z if z > 0.0 else 0.0 for z in z1]
            z2 = [b + sum(w * h for w, h in zip(row, h1)) for row, b in zip(W2, b2)]
            h2 = [z if z > 0.0 else 0.0 for z in z2]
            s = b3 + sum(w * h for w, h in zip(w3, h2))
            m = 1.0 - y * s
            if m <= 0.0:
                continue                          # relu is flat here: no gradient from this point
            data += m
            # backward: d(loss)/d(score) = -y / n
            ds = -y / n
            gb3 += ds
            for j, h in enumerate(h2):
                gw3[j] += ds * h
            dz2 = [ds * w if z > 0.0 else 0.0 for w, z in zip(w3, z2)]
            dh1 = [0.0] * len(h1)
            for j, d in enumerate(dz2):
                if d != 0.0:
                    gb2[j] += d
                    grow, row = gW2[j], W2[j]
                    for k, h in enumerate(h1):
                        grow[k] += d * h
                        dh1[k] += d * row[k]
            for k, (d, z) in enumerate(zip(dh1, z1)):
                if z > 0.0:
                    gb1[k] += d
                    grow = gW1[k]
                    for i, xi in enumerate(x):
                        grow[i] += d * xi
        # L2 term: alpha * sum p^2, gradient 2 alpha p; then the SGD update
        reg = 0.0
        for W, gW in ((W1, gW1), (W2, gW2)):
            for row, grow in zip(W, gW):
                for i, w in enumerate(row):
                    reg += w * w
                    row[i] = w - LR * (grow[i] + 2.0 * ALPHA * w)
        for b, gb in ((b1, gb1), (b2, gb2)):
            for j, v in enumerate(b):
                reg += v * v
                b[j] = v - LR * (gb[j] + 2.0 * ALPHA * v)
        for j, w in enumerate(w3):
            reg += w * w
            w3[j] = w - LR * (gw3[j] + 2.0 * ALPHA * w)
        reg += b3 * b3
        self.b3 = b3 - LR * (gb3 + 2.0 * ALPHA * b3)
        return data / n + ALPHA * reg


class MicrogradStep:
    """micrograd 0.1.0's own MLP and demo loss, with the same starting weights."""

    name = "micrograd 0.1.0"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        from micrograd.engine import Value
        from micrograd.nn import MLP as MgMLP
        self.Value = Value
        self.model = MgMLP(2, [16, 16, 1])
        for layer, (W, b) in zip(self.model.layers, _layer_weights(net)):
            for neuron, row, bj in zip(layer.neurons, W, b):
                for wv, w in zip(neuron.w, row):
                    wv.data = w
                neuron.b.data = bj
        self.X, self.Y = X, Y

    def step(self) -> float:
        # micrograd's demo.ipynb, loss() and the update, with a constant learning rate
        Value, model = self.Value, self.model
        inputs = [list(map(Value, x)) for x in self.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return total.data


class NumpyStep:
    """The same math by hand in numpy over the whole batch (the vectorised floor)."""

    name = "numpy by hand (floor)"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        import numpy as np
        self.np = np
        (W1, b1), (W2, b2), (W3, b3) = _layer_weights(net)
        self.W1, self.b1 = np.array(W1).T.copy(), np.array(b1)   # [in, out] so that h = x @ W + b
        self.W2, self.b2 = np.array(W2).T.copy(), np.array(b2)
        self.W3, self.b3 = np.array(W3).T.copy(), np.array(b3)
        self.X, self.Y = np.array(X, dtype=float), np.array(Y, dtype=float)[:, None]

    def step(self) -> float:
        np = self.np
        X, Y, W1, b1, W2, b2, W3, b3 = self.X, self.Y, self.W1, self.b1, self.W2, self.b2, self.W3, self.b3
        n = X.shape[0]
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0.0)
        s = h2 @ W3 + b3
        m = 1.0 - Y * s
        reg = (W1 * W1).sum() + (b1 * b1).sum() + (W2 * W2).sum() + (b2 * b2).sum() \
            + (W3 * W3).sum() + (b3 * b3).sum()
        loss = np.maximum(m, 0.0).sum() / n + ALPHA * reg
        ds = np.where(m > 0.0, -Y / n, 0.0)
        dz2 = (ds @ W3.T) * (z2 > 0.0)
        dz1 = (dz2 @ W2.T) * (z1 > 0.0)
        a2 = 2.0 * ALPHA
        W3 -= LR * (h2.T @ ds + a2 * W3)
        b3 -= LR * (ds.sum(0) + a2 * b3)
        W2 -= LR * (h1.T @ dz2 + a2 * W2)
        b2 -= LR * (dz2.sum(0) + a2 * b2)
        W1 -= LR * (X.T @ dz1 + a2 * W1)
        b1 -= LR * (dz1.sum(0) + a2 * b1)
        return float(loss)


class BatchModeStep:
    """tinygraph's batch mode: the same Network compiled to numpy, one SGD step over the batch."""

    name = "tinygraph batch mode"

    def __init__(self, net: Network, X: Sequence[Sequence[float]], Y: Sequence[float]) -> None:
        import numpy as np
        from .learning.batch import compile_network
        self.bn = compile_network(net)
        self.X, self.Y = np.array(X, dtype=float), np.array(Y, dtype=float)[:, None]

    def step(self) -> float:
        return self.bn.step(self.X, self.Y, loss="hinge", lr=LR, l2=ALPHA)


# -- timing helpers -------------------------------------------------------------

_clock = time.process_time      # CPU time of this process: other load on the machine does not count


def _timed(f: Callable[[], object], paused: bool = False) -> Tuple[float, object]:
    """(seconds, result) of f(); ``paused``: inside tg.gc_paused(), else with the collector as it is."""
    if paused:
        with gc_paused():
            t0 = _clock()
            r = f()
            return _clock() - t0, r
    t0 = _clock()
    r = f()
    return _clock() - t0, r


def _target(value: float, relation: str, limit: float, unit: str = "x") -> str:
    """'(target <= 10x: met)' or '(target <= 10x: MISSED)'."""
    met = value <= limit if relation == "<=" else value >= limit
    return f"(target {relation} {limit:g}{unit}: {'met' if met else 'MISSED'})"


def _fmt(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} us"


def _has(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def _gc_collections() -> int:
    return sum(s["collections"] for s in gc.get_stats())


# -- the benchmarks ------------------------------------------------------------

def bench_moons(points: int, repeat: int, out=print) -> Dict[str, float]:
    X, Y = make_moons(points, seed=0)
    makers: List[Tuple[str, Callable, bool]] = [
        ("tinygraph nodes", NodeEngineStep, False),
        ("tinygraph nodes, gc paused", NodeEngineStep, True),
        ("tinygraph * and + nodes", NodeOpsStep, False),
        ("tinygraph * and + nodes, gc paused", NodeOpsStep, True),
        ("plain floats (floor)", PlainFloatStep, False),
    ]
    if _has("micrograd"):
        makers += [("micrograd 0.1.0", MicrogradStep, False), ("micrograd 0.1.0, gc off", MicrogradStep, True)]
    if _has("numpy"):
        makers += [("numpy by hand (floor)", NumpyStep, False), ("tinygraph batch mode", BatchModeStep, False)]
    runners = [(label, cls(_build_net(0), X, Y), paused) for label, cls, paused in makers]
    timed_steps: Dict[str, int] = {label: 0 for label, _, _ in runners}
    losses: Dict[str, List[float]] = {label: [] for label, _, _ in runners}
    gcs: Dict[str, int] = {label: 0 for label, _, _ in runners}
    rounds: Dict[str, List[float]] = {label: [] for label, _, _ in runners}   # each round's median
    # Every runner takes the same sequence of SGD steps from the same weights.  In
    # each round, each runner starts from a collected heap, takes one untimed
    # step, then a run of `inner` steps timed together, as in a training loop
    # (so the collector's work, which comes in bursts, is spread over the run);
    # rounds interleave the runners so that drift in the machine's speed hits
    # all of them alike.
    for _ in range(repeat):
        for label, r, paused in runners:
            inner = 50 if label.startswith(("numpy", "tinygraph batch")) else 3
            gc.collect()
            losses[label].append(_timed(r.step, paused)[1])
            c0 = _gc_collections()
            dt, run = _timed(lambda: [r.step() for _ in range(inner)], paused)
            gcs[label] += _gc_collections() - c0
            losses[label] += run
            timed_steps[label] += inner
            rounds[label].append(dt / inner)
    med = {label: statistics.median(ts) for label, ts in rounds.items()}

    def ratio(a: str, b: str) -> float:
        """The median over rounds of a's time / b's time in the same round."""
        return statistics.median(x / y for x, y in zip(rounds[a], rounds[b]))

    out(f"moons step: MLP 2-16-16-1 ReLU, {points} points, max-margin loss + {ALPHA:g}*L2, "
        f"full-batch SGD (forward+backward+update); median of {repeat} runs of 3 steps (numpy: 50)")
    ref_loss = losses["plain floats (floor)"]
    for label, _, _ in runners:
        # the k-th step of each runner starts from the same weights: compare their losses
        k = min(len(ref_loss), len(losses[label]))
        agree = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(losses[label][:k], ref_loss[:k]))
        note = f"loss agrees to {agree:.0e}" if agree > 0 else "loss agrees exactly"
        if agree > 1e-9:
            note = f"LOSS DISAGREES by {agree:.1e}"
        out(f"  {label:34s} {_fmt(med[label])}/step   gc collections/step {gcs[label] / timed_steps[label]:6.1f}"
            f"   ({note})")
    TG, FL, TGP = "tinygraph nodes", "plain floats (floor)", "tinygraph nodes, gc paused"
    OPS, OPSP = "tinygraph * and + nodes", "tinygraph * and + nodes, gc paused"
    out("  ratios (median over rounds of the ratio within a round); 'nodes': the network API, one weighted_sum")
    out("  node per neuron; '* and + nodes': built as micrograd's nn.py builds it, one '*' and one '+' per synapse:")
    out(f"    tinygraph nodes / plain floats                {ratio(TG, FL):7.2f}x   {_target(ratio(TG, FL), '<=', 10)}")
    out(f"    tinygraph nodes, gc paused / plain floats     {ratio(TGP, FL):7.2f}x")
    out(f"    tinygraph * and + nodes / plain floats        {ratio(OPS, FL):7.2f}x")
    out(f"    tinygraph * and + nodes / tinygraph nodes     {ratio(OPS, TG):7.2f}x")
    if "micrograd 0.1.0" in med:
        MG, MGO = "micrograd 0.1.0", "micrograd 0.1.0, gc off"
        out(f"    micrograd / tinygraph nodes (both gc on)      {ratio(MG, TG):7.2f}x   {_target(ratio(MG, TG), '>=', 20)}")
        out(f"    micrograd / tinygraph nodes, gc paused        {ratio(MG, TGP):7.2f}x")
        out(f"    micrograd / * and + nodes (both gc on)        {ratio(MG, OPS):7.2f}x   (the same ops, one for one)")
        out(f"    micrograd gc off / * and + nodes gc paused    {ratio(MGO, OPSP):7.2f}x")
        out(f"    micrograd gc off / tinygraph gc paused        {ratio(MGO, TGP):7.2f}x")
        out(f"    micrograd gc on / gc off                      {ratio(MG, MGO):7.2f}x")
    else:
        out("    micrograd not installed (pip install micrograd==0.1.0 to compare)")
    out(f"    tinygraph nodes gc on / gc paused             {ratio(TG, TGP):7.2f}x")
    out(f"    tinygraph * and + nodes gc on / gc paused     {ratio(OPS, OPSP):7.2f}x")
    if "numpy by hand (floor)" in med:
        NP, BM = "numpy by hand (floor)", "tinygraph batch mode"
        out(f"    batch mode / numpy by hand                    {ratio(BM, NP):7.2f}x   {_target(ratio(BM, NP), '<=', 2)}")
        out(f"    tinygraph nodes / batch mode                  {ratio(TG, BM):7.0f}x")
    else:
        out("    numpy not installed: no batch mode (pip install \"tinygraph[fast]\")")
    return med


def _node_chain(steps: int) -> Node:
    x = Node(1.0, name="x0")
    for _ in range(steps):
        x = x * 1.0001 + 0.0001
    return x


def _float_chain(steps: int) -> Tuple[float, List[float]]:
    """The plain-float chain, keeping a tape of every step's input for the backward pass."""
    tape = []
    x = 1.0
    for _ in range(steps):
        tape.append(x)
        x = x * 1.0001 + 0.0001
    return x, tape


def _float_chain_backward(tape: List[float]) -> float:
    """d(x_n)/d(x_0), walking the tape back: each step's local slope d(x*a + c)/dx = a."""
    g = 1.0
    for _x in reversed(tape):
        g = g * 1.0001                   # the slope does not depend on the input here, but we walk it
    return g


# -- one epoch of the digits network, four ways -------------------------------------------

DIGITS_LR, DIGITS_BATCH = 0.3, 32       # the digits demo's learning rate and mini-batch


def _digits(images: Optional[int] = None) -> Tuple[Network, List[List[float]], List[int], List[List[int]]]:
    """The digits demo's network (seeded), the images (darkness 0..1) and digits, and one epoch's
    mini-batches of 32 over the training images (a seeded fifth held out, as the demo does);
    ``images``: only the first that many training images (a quick run)."""
    data = load_data("digits")
    X = [[v / 16.0 for v in row] for row in data.rows]
    T = [int(t) for t in data.targets]
    order = list(range(len(X)))
    random.Random(0).shuffle(order)
    train = order[int(round(len(X) * 0.2)):][:images]
    net = MLP([len(X[0]), 16, 10], activation="tanh", output_activation="softmax", seed=0)
    return net, X, T, [train[i:i + DIGITS_BATCH] for i in range(0, len(train), DIGITS_BATCH)]


class DigitsNodeEpoch:
    """The node engine as the digits demo trains on it: a forward pass per image, the batch's
    cross-entropy as a Node, backward, an SGD step per batch."""

    def __init__(self, net: Network, X: List[List[float]], T: List[int], batches: List[List[int]]) -> None:
        self.net, self.X, self.T, self.batches = net, X, T, batches
        self.classes = [n.name for n in net.outputs]
        self.opt = SGD(net.parameters(), lr=DIGITS_LR)

    def epoch(self) -> float:
        net, X, opt, total, n = self.net, self.X, self.opt, 0.0, 0
        for b in self.batches:
            E = cross_entropy([net.forward(X[i]) for i in b], [self.classes[self.T[i]] for i in b])
            opt.zero_grad()
            E.backward()
            opt.step()
            total, n = total + E.value * len(b), n + len(b)
        return total / n


class DigitsPlainEpoch:
    """The same epoch by hand in plain Python floats: tanh, softmax, the cross-entropy, and the
    backward pass written out (delta_k = (O_k - t_k)/B, delta_j = (1 - h_j^2) sum_k delta_k W_kj)."""

    def __init__(self, net: Network, X: List[List[float]], T: List[int], batches: List[List[int]]) -> None:
        (self.W1, self.b1), (self.W2, self.b2) = _layer_weights(net)
        self.X, self.T, self.batches = X, T, batches

    def epoch(self) -> float:
        import math
        W1, b1, W2, b2, X, T = self.W1, self.b1, self.W2, self.b2, self.X, self.T
        exp, log, tanh = math.exp, math.log, math.tanh
        total, n = 0.0, 0
        for b in self.batches:
            gW1 = [[0.0] * len(r) for r in W1]
            gb1 = [0.0] * len(b1)
            gW2 = [[0.0] * len(r) for r in W2]
            gb2 = [0.0] * len(b2)
            scale = 1.0 / len(b)
            E = 0.0
            for i in b:
                x, t = X[i], T[i]
                h = [tanh(bj + sum(w * xi for w, xi in zip(row, x))) for row, bj in zip(W1, b1)]
                z = [bk + sum(w * hj for w, hj in zip(row, h)) for row, bk in zip(W2, b2)]
                m = max(z)
                e = [exp(v - m) for v in z]
                s = sum(e)
                E += m + log(s) - z[t]                       # -ln O_t, by log-sum-exp
                d2 = [(ek / s - (1.0 if k == t else 0.0)) * scale for k, ek in enumerate(e)]
                dh = [0.0] * len(h)
                for k, d in enumerate(d2):
                    gb2[k] += d
                    grow, row = gW2[k], W2[k]
                    for j, hj in enumerate(h):
                        grow[j] += d * hj
                        dh[j] += d * row[j]
                for j, hj in enumerate(h):
                    d = (1.0 - hj * hj) * dh[j]
                    gb1[j] += d
                    grow = gW1[j]
                    for q, xq in enumerate(x):
                        grow[q] += d * xq
            for W, gW, bb, gb in ((W1, gW1, b1, gb1), (W2, gW2, b2, gb2)):
                for row, grow in zip(W, gW):
                    for q, g in enumerate(grow):
                        row[q] -= DIGITS_LR * g
                for j, g in enumerate(gb):
                    bb[j] -= DIGITS_LR * g
            total, n = total + E, n + len(b)
        return total / n


class DigitsNumpyEpoch:
    """The same epoch by hand in numpy, a mini-batch at a time (the vectorised floor)."""

    def __init__(self, net: Network, X: List[List[float]], T: List[int], batches: List[List[int]]) -> None:
        import numpy as np
        self.np = np
        (W1, b1), (W2, b2) = _layer_weights(net)
        self.W1, self.b1 = np.array(W1).T.copy(), np.array(b1)      # [in, out]: h = x @ W + b
        self.W2, self.b2 = np.array(W2).T.copy(), np.array(b2)
        self.X, self.Y = np.array(X, dtype=float), np.eye(10)[T]
        self.batches = [np.array(b) for b in batches]

    def epoch(self) -> float:
        np, W1, b1, W2, b2 = self.np, self.W1, self.b1, self.W2, self.b2
        total, n = 0.0, 0
        for b in self.batches:
            X, Y = self.X[b], self.Y[b]
            h = np.tanh(X @ W1 + b1)
            z = h @ W2 + b2
            m = z.max(axis=1, keepdims=True)
            e = np.exp(z - m)
            s = e.sum(axis=1, keepdims=True)
            total += float(((m + np.log(s) - z) * Y).sum())
            d2 = (e / s - Y) / len(b)
            d1 = (d2 @ W2.T) * (1.0 - h * h)
            W2 -= DIGITS_LR * (h.T @ d2)
            b2 -= DIGITS_LR * d2.sum(0)
            W1 -= DIGITS_LR * (X.T @ d1)
            b1 -= DIGITS_LR * d1.sum(0)
            n += len(b)
        return total / n


class DigitsBatchEpoch:
    """tinygraph's batch mode: the Network compiled to numpy, one step per mini-batch."""

    def __init__(self, net: Network, X: List[List[float]], T: List[int], batches: List[List[int]]) -> None:
        import numpy as np
        from .learning.batch import compile_network
        self.bn = compile_network(net)
        self.X, self.Y = np.array(X, dtype=float), np.eye(10)[T]
        self.batches = [np.array(b) for b in batches]

    def epoch(self) -> float:
        total, n = 0.0, 0
        for b in self.batches:
            total += self.bn.step(self.X[b], self.Y[b], loss="cross_entropy", lr=DIGITS_LR) * len(b)
            n += len(b)
        return total / n


def bench_digits(repeat: int, images: Optional[int] = None, out=print) -> Dict[str, float]:
    """One epoch of the digits network: the node engine against plain floats, batch mode against
    numpy by hand.  Each round runs all four one after the other (the node engine with the
    collector on, as users run it), each going on from the weights its previous epoch left; a
    ratio is the median over rounds of the two times of one round."""
    net, X, T, batches = _digits(images)
    makers: List[Tuple[str, Callable]] = [("tinygraph nodes", DigitsNodeEpoch),
                                          ("plain floats (floor)", DigitsPlainEpoch)]
    if _has("numpy"):
        makers += [("tinygraph batch mode", DigitsBatchEpoch), ("numpy by hand (floor)", DigitsNumpyEpoch)]
    runners = [(label, cls(net.copy(), X, T, batches)) for label, cls in makers]
    rounds: Dict[str, List[float]] = {label: [] for label, _ in runners}
    losses: Dict[str, List[float]] = {label: [] for label, _ in runners}
    for _ in range(repeat):
        for label, r in runners:
            gc.collect()
            dt, loss = _timed(r.epoch)
            rounds[label].append(dt)
            losses[label].append(loss)
    med = {label: statistics.median(ts) for label, ts in rounds.items()}
    n = sum(len(b) for b in batches)
    out(f"digits epoch: MLP 64-16-10 tanh + softmax, cross-entropy, SGD lr {DIGITS_LR:g} on mini-batches of "
        f"{DIGITS_BATCH}, {n} images ({len(batches)} steps); median of {repeat} epochs")
    ref = losses["plain floats (floor)"]
    for label, _ in runners:
        agree = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(losses[label], ref))
        note = "loss agrees exactly" if agree == 0 else f"loss agrees to {agree:.0e}"
        if agree > 1e-9:
            note = f"LOSS DISAGREES by {agree:.1e}"
        out(f"  {label:34s} {_fmt(med[label])}/epoch   {note}")

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(rounds[a], rounds[b]))

    result = {"nodes / plain floats": ratio("tinygraph nodes", "plain floats (floor)")}
    out(f"  tinygraph nodes / plain floats       {result['nodes / plain floats']:6.2f}x")
    if "numpy by hand (floor)" in rounds:
        result["batch mode / numpy"] = ratio("tinygraph batch mode", "numpy by hand (floor)")
        out(f"  tinygraph batch mode / numpy by hand {result['batch mode / numpy']:6.2f}x")
    return result


def bench_chain(steps: int, repeat: int, out=print) -> Dict[str, float]:
    t: Dict[str, List[float]] = {k: [] for k in ("fwd", "bwd", "free", "pfwd", "pbwd", "ffwd", "fbwd")}
    for _ in range(repeat):
        for paused in (False, True):
            gc.collect()
            dt, root = _timed(lambda: _node_chain(steps), paused)
            t["pfwd" if paused else "fwd"].append(dt)
            dt, _ = _timed(root.backward, paused)
            t["pbwd" if paused else "bwd"].append(dt)
            first = root
            while not first.is_leaf:
                first = first.parents[0]
            g_nodes = first.grad
            del first
            t0 = _clock()
            del root                      # freeing the chain: by reference counting, no collector
            if not paused:
                t["free"].append(_clock() - t0)
        gc.collect()
        dt, (_, tape) = _timed(lambda: _float_chain(steps))
        t["ffwd"].append(dt)
        dt, g_floats = _timed(functools.partial(_float_chain_backward, tape))
        t["fbwd"].append(dt)
        tape = []
        if abs(g_nodes - g_floats) > 1e-9 * abs(g_floats):
            raise AssertionError(f"chain gradients disagree: nodes {g_nodes!r}, floats {g_floats!r}")
    m = {k: statistics.median(v) for k, v in t.items()}
    ops = 2 * steps
    fl = m["ffwd"] + m["fbwd"]
    flr = [f + b for f, b in zip(t["ffwd"], t["fbwd"])]
    r_on = statistics.median((f + b) / x for f, b, x in zip(t["fwd"], t["bwd"], flr))
    r_paused = statistics.median((f + b) / x for f, b, x in zip(t["pfwd"], t["pbwd"], flr))
    out(f"chain: x <- x*1.0001 + 0.0001, {steps:,} steps ({ops:,} nodes), then backward; median of {repeat}")
    for label, f, b in (("tinygraph nodes", m["fwd"], m["bwd"]), ("  ..., gc paused", m["pfwd"], m["pbwd"])):
        out(f"  {label:16s} forward {_fmt(f)}  backward {_fmt(b)}  total {_fmt(f + b)}  "
            f"= {(f + b) / ops * 1e9:4.0f} ns/node ({f / ops * 1e9:.0f} forward, {b / ops * 1e9:.0f} backward)")
    out(f"  plain floats     forward {_fmt(m['ffwd'])}  backward {_fmt(m['fbwd'])}  total {_fmt(fl)}  "
        f"(keeping a tape of inputs)")
    out(f"  freeing the chain afterwards (reference counting): {_fmt(m['free'])}")
    out(f"  ratio nodes / floats (forward+backward, within a round): {r_on:.2f}x gc on {_target(r_on, '<=', 20)}, "
        f"{r_paused:.2f}x gc paused")
    return m


def bench_wide(width: int, repeat: int, out=print) -> Dict[str, float]:
    rng = random.Random(1)
    a_vals = [rng.uniform(-1, 1) for _ in range(width)]
    b_vals = [rng.uniform(-1, 1) for _ in range(width)]
    a_nodes = [Node(v) for v in a_vals]
    b_nodes = [Node(v) for v in b_vals]

    def nodes_both():
        acc = a_nodes[0] * b_nodes[0]
        for a, b in zip(a_nodes[1:], b_nodes[1:]):
            acc = acc + a * b
        acc.backward()
        return acc.value

    def floats_both():
        s = 0.0
        for a, b in zip(a_vals, b_vals):
            s += a * b
        # by hand: d(sum)/d(a_i) = b_i, d(sum)/d(b_i) = a_i
        return s, list(b_vals), list(a_vals)

    t: Dict[str, List[float]] = {"on": [], "paused": [], "floats": []}
    for _ in range(repeat):
        for mode in ("on", "paused"):
            for p in a_nodes:
                p.grad = 0.0
            for p in b_nodes:
                p.grad = 0.0
            gc.collect()
            dt, _ = _timed(nodes_both, mode == "paused")
            t[mode].append(dt)
        dt, (sf, ga, gb) = _timed(floats_both)
        t["floats"].append(dt)
        if a_nodes[-1].grad != ga[-1] or b_nodes[-1].grad != gb[-1]:
            raise AssertionError("wide-sum gradients disagree")
    m = {k: statistics.median(v) for k, v in t.items()}
    ops = 2 * width - 1
    out(f"wide sum: sum of {width:,} products a_i*b_i ({ops:,} nodes), then backward; median of {repeat}")
    out(f"  tinygraph nodes  forward+backward {_fmt(m['on'])} gc on, {_fmt(m['paused'])} gc paused "
        f"({m['paused'] / ops * 1e9:.0f} ns/node)")
    out(f"  plain floats     sum and gradients {_fmt(m['floats'])}")
    r_on = statistics.median(a / b for a, b in zip(t["on"], t["floats"]))
    r_paused = statistics.median(a / b for a, b in zip(t["paused"], t["floats"]))
    out(f"  ratio nodes / floats (within a round): {r_on:.1f}x gc on, {r_paused:.1f}x gc paused")
    return m


def bench_memory(steps: int, out=print) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = _node_chain(steps)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    nodes = 2 * steps + 1
    per = (after - before) / nodes
    del root
    out(f"bytes per node: {per:.1f} (tracemalloc over building a {nodes:,}-node chain; "
        f"{_target(per, '<=', 200, ' bytes')}; Node.__basicsize__ = {Node.__basicsize__} + a float of {sys.getsizeof(1.5)} "
        f"+ the collector's header)")
    if _has("micrograd"):
        from micrograd.engine import Value
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            x = Value(1.0)
            for _ in range(min(steps, 20000)):
                x = x * 1.0001 + 0.0001          # each constant is a Value too, as in micrograd
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        out(f"  micrograd 0.1.0: {(after - before) / (4 * min(steps, 20000) + 1):.1f} bytes per Value "
            f"(same chain, {min(steps, 20000):,} steps; its constants are Values too)")
        del x
    return per


def _tumour_sample(net: Network) -> Tuple[List[float], List[float]]:
    """The first tumour of the breast-cancer data, standardised over all 569, and its diagnosis."""
    data = load_data("breast-cancer")
    cols = list(zip(*data.rows))
    means = [sum(c) / len(c) for c in cols]
    stds = [max(1e-12, (sum((v - m) ** 2 for v in c) / len(c)) ** 0.5) for c, m in zip(cols, means)]
    x = [(v - m) / sd for v, m, sd in zip(data.rows[0], means, stds)]
    return x, [1.0 if data.targets[0] == "malignant" else 0.0]


def bench_pages(repeat: int, out=print, big: bool = True) -> Dict[str, float]:
    """Wall-clock time and size of step-player pages (Graphviz runs in its own process, so the
    process's CPU time would miss it): a 2-2-2 sigmoid network (the worked example's shape, 37 steps),
    the moons demo's 2-16-16-1 ReLU network, and (``big``) the tumour demo's 30-8-1 and the digits
    demo's 64-16-10 softmax network, whose big layers are stepped at once; the 30-8-1 once more
    with every weight a step of its own (``big_layers=False``, as before), timed once.  The digits
    network one weight at a time (2,477 frames) is not drawn: it ran for over 15 minutes and
    10 GB of memory before it was stopped."""
    from .stepping.page import html_page
    from .stepping.narrative import network_steps
    X, Y = make_moons(1)
    cases = [("2-2-2 sigmoid", MLP([2, 2, 2], activation="sigmoid", seed=0), [0.05, 0.1], [0.01, 0.99], 0.01,
              True, repeat),
             ("2-16-16-1 ReLU", MLP([2, 16, 16, 1], activation="relu", output_activation="linear", seed=0),
              X[0], [Y[0]], 0.01, True, repeat)]
    if big:                    # at the learning rate tinygraph step uses for them
        tumours = MLP([30, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
        digits, images, labels, _ = _digits(1)
        cases += [("30-8-1 tumours", tumours, *_tumour_sample(tumours), 0.5, True, repeat),
                  ("30-8-1, each w", tumours, *_tumour_sample(tumours), 0.5, False, 1),
                  ("64-16-10 digits", digits, images[0], [float(k == labels[0]) for k in range(10)], 0.5, True,
                   repeat)]
    out("step-player pages: network_steps + html_page, wall clock, median of "
        f"{repeat} (each writes every frame of one training step; 'each w': one step per weight, timed once)")
    result = {}
    for label, net, x, t, lr, at_once, runs in cases:
        times, size, frames = [], 0, 0
        for _ in range(runs):
            start = time.perf_counter()
            steps = network_steps(net, x, t, lr=lr, big_layers=at_once)
            page = html_page(steps)
            times.append(time.perf_counter() - start)
            size, frames = len(page.encode("utf-8")), len(steps)
        t_med = statistics.median(times)
        result[label] = t_med
        out(f"  {label:<16} {frames:4d} frames  {_fmt(t_med):>10}   {size / 1e6:6.2f} MB")
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the benchmarks and print the results."""
    p = argparse.ArgumentParser(prog="python -m tinygraph.bench",
                                description="tinygraph speed and memory against plain floats and micrograd")
    p.add_argument("--quick", action="store_true", help="fewer runs and a 100,000-step chain")
    p.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 7, quick 3)")
    p.add_argument("--chain", type=int, default=None, help="chain length (default 1,000,000)")
    p.add_argument("--wide", type=int, default=100_000, help="products in the wide sum (default 100,000)")
    p.add_argument("--points", type=int, default=100, help="two-moons points (default 100)")
    p.add_argument("--digits", type=int, default=None,
                   help="training images in the digits epoch (default all 1,438; quick 320)")
    p.add_argument("--no-pages", action="store_true", help="skip timing the step-player pages")
    p.add_argument("--wall", action="store_true",
                   help="time with the wall clock (default: this process's CPU time, robust to other load)")
    args = p.parse_args(argv)
    global _clock
    _clock = time.perf_counter if args.wall else time.process_time
    repeat = args.repeat if args.repeat is not None else (3 if args.quick else 7)
    chain = args.chain if args.chain is not None else (100_000 if args.quick else 1_000_000)
    digits = args.digits if args.digits is not None else (320 if args.quick else None)
    if repeat < 1 or chain < 1 or args.wide < 1 or args.points < 2 or (digits is not None and digits < 1):
        p.error("--repeat, --chain, --wide and --digits must be >= 1, --points >= 2")
    print(f"tinygraph bench: Python {sys.version.split()[0]}, gc {'on' if gc.isenabled() else 'off'}, "
          f"thresholds {gc.get_threshold()}, {'wall clock' if args.wall else 'CPU time of this process'}")
    bench_moons(args.points, repeat)
    print()
    bench_chain(chain, repeat)
    print()
    bench_wide(args.wide, repeat)
    print()
    bench_memory(chain)
    print()
    bench_digits(max(1, min(repeat, 5)), images=digits)
    if not args.no_pages:
        print()
        bench_pages(max(1, min(repeat, 3)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
