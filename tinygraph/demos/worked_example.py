"""Mazur's worked example: the delta rule by hand on a 2-2-2 sigmoid network.

Inputs i1 = 0.05, i2 = 0.10; hidden h1, h2 and outputs o1, o2 are sigmoid
neurons; weights (Mazur's w1..w8) 0.15, 0.20, 0.25, 0.30 into the hidden
layer and 0.40, 0.45, 0.50, 0.55 into the outputs; biases 0.35 (hidden) and
0.60 (outputs); targets 0.01 and 0.99.  The demo runs one forward pass, the
error E = 1/2 sum_k (O_k - t_k)^2, every delta and gradient by the delta rule's
formulas next to what ``backward()`` computed, and one update w <- w - eta dE/dw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..stepping.deltas import delta_rule
from ..learning.losses import squared_error
from ..networks.network import Network
from ..learning.training import SGD
from .output import out_paths, report_files, save_network, table

NAME = "worked-example"
SUMMARY = "a 2-2-2 network: forward pass, every delta and gradient, one update"

INPUTS = {"i1": 0.05, "i2": 0.10}
TARGETS = {"o1": 0.01, "o2": 0.99}
LR = 0.5
# (src, dst, weight, Mazur's name for it)
WEIGHTS = [("i1", "h1", 0.15, "w1"), ("i2", "h1", 0.20, "w2"),
           ("i1", "h2", 0.25, "w3"), ("i2", "h2", 0.30, "w4"),
           ("h1", "o1", 0.40, "w5"), ("h2", "o1", 0.45, "w6"),
           ("h1", "o2", 0.50, "w7"), ("h2", "o2", 0.55, "w8")]
BIASES = {"h1": 0.35, "h2": 0.35, "o1": 0.60, "o2": 0.60}


def build_network() -> Network:
    """The 2-2-2 sigmoid network, built neuron by neuron."""
    net = Network("worked-example")
    for name in INPUTS:
        net.input(name)
    for name, bias in BIASES.items():
        net.neuron(name, activation="sigmoid", bias=bias)
    for src, dst, w, _ in WEIGHTS:
        net.connect(src, dst, weight=w)
    return net


def build() -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets): the default network of ``tinygraph step``."""
    return build_network(), dict(INPUTS), dict(TARGETS)


def _decimals(values, most: int = 6) -> int:
    """The fewest decimals (at most ``most``) that write every one of ``values`` exactly."""
    for d in range(most + 1):
        if all(float(f"{v:.{d}f}") == v for v in values):
            return d
    return most


def _f(v: float) -> str:
    return f"{v:.9f}"


def run(out: Union[str, Path, None] = None, fast: bool = False, lr: float = LR) -> dict:
    """Print the forward pass, every delta and gradient with its formula, and one update.

    The column "by hand" is the delta rule's formulas worked in plain floats (``tg.delta_rule``), the
    column "backward()" the engine's generic chain rule: they agree to rounding.
    """
    folder, main = out_paths(out, "worked-example.svg", others=("worked-example-after.svg",))
    files: List[Path] = []
    net, inputs, targets = build()
    E = squared_error(net.forward(inputs), targets)
    net.zero_grad()
    E.backward()
    rule = delta_rule(net, inputs, targets)           # the delta rule's formulas, by hand
    save_network(net, main, files, title="worked example: forward values, deltas and gradients",
                 deltas=True, grads=True)

    O = {n.name: n.value for n in net}
    print("Worked example: a 2-2-2 sigmoid network, one step of backprop by the delta rule's formulas")
    print(f"  inputs {', '.join(f'{k} = {v:g}' for k, v in inputs.items())}; "
          f"targets {', '.join(f't_{k} = {v:g}' for k, v in targets.items())}; learning rate η = {lr:g}")
    print()

    print("Forward pass:  net_j = Σ_i W_ij O_i + θ_j,   O_j = s(net_j) = 1 / (1 + e^−net_j)")
    rows = []
    # fixed decimals, so that 0.593270 is not printed as 0.59327 beside 0.596884: the given numbers
    # (weights, biases, inputs) with as few as show them exactly, computed outputs with 6
    given = [s.value for s in net.synapses] + [n.bias.value for n in net if n.bias is not None]
    dg = _decimals(given + list(inputs.values()))
    for n in net:
        if n.is_input:
            continue
        terms = " + ".join(f"{s.value:.{dg}f}*{s.src.value:.{dg if s.src.is_input else 6}f}"
                           for s in n.incoming)
        rows.append([n.name, f"{terms} + {n.bias.value:.{dg}f}", _f(n.net_input), _f(n.value)])
    print(table(rows, ["neuron", "net input", "net_j", "O_j"], "llrr"))
    parts = " + ".join(f"(O_{k} − {t:g})²" for k, t in targets.items())
    print(f"Error:  E = ½ Σ_k (O_k − t_k)² = ½ [{parts}] = {_f(E.value)}")
    print()

    # Deltas by the delta rule's formulas, next to the engine's.
    rows = []
    for k, t in targets.items():
        o = O[k]
        rows.append([f"δ_{k}", "O_k (1 − O_k) (O_k − t_k)",
                     f"{o:.6f} * {1 - o:.6f} * {o - t:.6f}", _f(rule.deltas[k]), _f(net[k].delta)])
    for j in [n.name for n in net.hidden]:
        o = O[j]
        terms = " + ".join(f"{rule.deltas[s.dst.name]:.6f}*{s.value:g}" for s in net[j].outgoing)
        rows.append([f"δ_{j}", "O_j (1 − O_j) Σ_k δ_k W_jk",
                     f"{o:.6f} * {1 - o:.6f} * ({terms})", _f(rule.deltas[j]), _f(net[j].delta)])
    print("Deltas δ = ∂E/∂net (the error's slope at each neuron's net input), output layer first:")
    print(table(rows, ["δ", "formula", "numbers", "by hand", "backward()"], "lllrr"))
    print()

    # Gradients and the update.
    grads_by_hand: Dict[str, float] = {}
    old, mazur = {}, {}
    rows = []
    for src, dst, _, label in WEIGHTS:
        s = net.synapse(src, dst)
        grads_by_hand[s.name] = rule.weight_grads[s.name]
        old[s.name] = s.value
        mazur[s.name] = label
        rows.append([f"{s.name} ({label})", f"δ_{dst} O_{src}", _f(grads_by_hand[s.name]), _f(s.grad),
                     _f(s.value - lr * s.grad)])
    for name in BIASES:
        b = net[name].bias
        grads_by_hand[b.name] = rule.bias_grads[name]
        old[b.name] = b.value
        rows.append([b.name, f"δ_{name}", _f(grads_by_hand[b.name]), _f(b.grad), _f(b.value - lr * b.grad)])
    print(f"Gradients ∂E/∂W_jk = δ_k O_j and ∂E/∂θ_k = δ_k (the bias is the weight of an input fixed at 1);\n"
          f"update w ← w − η ∂E/∂w with η = {lr:g}:")
    print(table(rows, ["parameter", "formula", "by hand", "backward()", "new value"], "llrrr"))

    worst = max([abs(grads_by_hand[p.name] - p.grad) for p in net.parameters()]
                + [abs(d - net[n].delta) for n, d in rule.deltas.items()])
    print(f"Largest difference between the delta rule's formulas (tg.delta_rule) and backward(): {worst:.1e}")

    grads = {p.name: p.grad for p in net.parameters()}
    SGD(net.parameters(), lr=lr).step()        # w ← w − η ∂E/∂w on every trainable weight and bias
    new = {p.name: p.value for p in net.parameters()}
    E_after = squared_error(net.forward(inputs), targets).value
    print(f"After one update E = {_f(E_after)} (was {_f(E.value)})")
    save_network(net, folder / "worked-example-after.svg", files,
                 title=f"worked example after one update (η = {lr:g}): E = {E_after:.6f}")
    report_files(files, folder)
    return {"outputs": O, "E": E.value, "E_after": E_after, "deltas": dict(rule.deltas), "grads": grads,
            "grads_by_hand": grads_by_hand, "old": old, "new": new, "mazur_names": mazur,
            "max_difference": worst, "files": files, "out": folder}
