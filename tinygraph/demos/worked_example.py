"""The text's backprop, worked by hand on a 2-2-2 sigmoid network (Mazur's classic numbers).

Inputs i1 = 0.05, i2 = 0.10; hidden h1, h2 and outputs o1, o2 are sigmoid
neurons; weights (Mazur's w1..w8) 0.15, 0.20, 0.25, 0.30 into the hidden
layer and 0.40, 0.45, 0.50, 0.55 into the outputs; biases 0.35 (hidden) and
0.60 (outputs); targets 0.01 and 0.99.  The demo runs one forward pass, the
error E = 1/2 sum_k (O_k - t_k)^2, every delta and gradient by the text's
formulas next to what ``backward()`` computed, and one update w <- w - eta dE/dw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..deltas import delta_rule
from ..losses import squared_error
from ..network import Network
from ..training import SGD
from ._common import out_paths, report_files, save_diagram, table

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
    for name in ("h1", "h2", "o1", "o2"):
        net.neuron(name, activation="sigmoid", bias=BIASES[name])
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
    """Print the forward pass, every delta and gradient with its formula, and one update."""
    folder, main = out_paths(out, "worked-example.svg", others=("worked-example-after.svg",))
    files: List[Path] = []
    net, inputs, targets = build()
    outputs = net.forward(inputs)
    E = squared_error(outputs, targets)
    net.zero_grad()
    E.backward()

    def draw(title, **kw):
        def make():
            from .. import draw_network
            return draw_network(net, title=title, **kw)
        return make

    save_diagram(draw("worked example: forward values, deltas and gradients", deltas=True, grads=True),
                 main, files)

    O = {n.name: n.value for n in net}
    print("Worked example: a 2-2-2 sigmoid network, one step of backprop by the text's formulas")
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

    # Deltas by the text's formulas, next to the engine's.
    by_hand: Dict[str, float] = {}
    rows = []
    for k, t in targets.items():
        o = O[k]
        by_hand[k] = o * (1 - o) * (o - t)
        rows.append([f"δ_{k}", "O_k (1 − O_k) (O_k − t_k)",
                     f"{o:.6f} * {1 - o:.6f} * {o - t:.6f}", _f(by_hand[k]), _f(net[k].delta)])
    for j in ("h1", "h2"):
        o = O[j]
        back = sum(by_hand[s.dst.name] * s.value for s in net[j].outgoing)
        by_hand[j] = o * (1 - o) * back
        terms = " + ".join(f"{by_hand[s.dst.name]:.6f}*{s.value:g}" for s in net[j].outgoing)
        rows.append([f"δ_{j}", "O_j (1 − O_j) Σ_k δ_k W_jk",
                     f"{o:.6f} * {1 - o:.6f} * ({terms})", _f(by_hand[j]), _f(net[j].delta)])
    print("Deltas δ = ∂E/∂net (the error's slope at each neuron's net input), output layer first:")
    print(table(rows, ["δ", "formula", "numbers", "by hand", "backward()"], "lllrr"))
    print()

    # Gradients and the update.
    grads_by_hand: Dict[str, float] = {}
    old = {}
    rows = []
    mazur = {}
    for src, dst, _, label in WEIGHTS:
        s = net.synapse(src, dst)
        g = by_hand[dst] * O[src]
        grads_by_hand[s.name] = g
        old[s.name] = s.value
        mazur[s.name] = label
        rows.append([f"{s.name} ({label})", f"δ_{dst} O_{src}", _f(g), _f(s.grad),
                     _f(s.value - lr * s.grad)])
    for name in ("h1", "h2", "o1", "o2"):
        b = net[name].bias
        grads_by_hand[b.name] = by_hand[name]
        old[b.name] = b.value
        rows.append([b.name, f"δ_{name}", _f(by_hand[name]), _f(b.grad), _f(b.value - lr * b.grad)])
    print(f"Gradients ∂E/∂W_jk = δ_k O_j and ∂E/∂θ_k = δ_k (the bias is the weight of an input fixed at 1);\n"
          f"update w ← w − η ∂E/∂w with η = {lr:g}:")
    print(table(rows, ["parameter", "formula", "by hand", "backward()", "new value"], "llrrr"))

    worst = max(abs(grads_by_hand[p.name] - p.grad) for p in net.parameters())
    worst = max([worst] + [abs(by_hand[n] - net[n].delta) for n in by_hand])
    print(f"Largest difference between the text's formulas and backward(): {worst:.1e}")
    check = _check_delta_rule(net, inputs, targets)
    print(f"tg.delta_rule (the same formulas, written once as code) agrees with backward() to {check:.1e}")

    grads = {p.name: p.grad for p in net.parameters()}
    SGD(net.parameters(), lr=lr).step()        # w ← w − η ∂E/∂w on every trainable weight and bias
    new = {p.name: p.value for p in net.parameters()}
    E_after = squared_error(net.forward(inputs), targets).value
    print(f"After one update E = {_f(E_after)} (was {_f(E.value)})")
    net.forward(inputs)
    save_diagram(draw(f"worked example after one update (η = {lr:g}): E = {E_after:.6f}"),
                 folder / "worked-example-after.svg", files)
    report_files(files, folder)
    return {"outputs": O, "E": E.value, "E_after": E_after, "deltas": {n: net_delta for n, net_delta in
                                                                         by_hand.items()},
            "grads": grads, "grads_by_hand": grads_by_hand, "old": old, "new": new, "mazur_names": mazur,
            "max_difference": worst, "delta_rule_difference": check, "files": files, "out": folder}


def _check_delta_rule(net: Network, inputs, targets):
    """Largest difference between tg.delta_rule (the text's formulas as code) and backward()."""
    rule = delta_rule(net, inputs, targets)
    diffs = [abs(rule.weight_grads[s.name] - s.grad) for s in net.synapses]
    diffs += [abs(rule.bias_grads[n.name] - n.bias.grad) for n in net if n.bias is not None]
    diffs += [abs(d - net[name].delta) for name, d in rule.deltas.items()]
    return max(diffs)
