"""One neuron multiplies three bits (Lin, Tegmark and Rolnick 2017, Eq. 13).

For bits b1, b2, b3 in {0, 1}: b1*b2*b3 = lim_{beta -> inf} s(beta (b1 + b2 + b3) - 2.5 beta)
with the logistic sigmoid s.  The net input is beta (sum - 2.5): negative unless
all three bits are 1.  With a 0/1 step activation ("heaviside": 0 below zero,
1 otherwise) the same neuron is exact for every beta > 0.  The ±1 step of the 'famous model',
"sign", gives -1/+1; heaviside is (sign + 1) / 2, registered here as its own
activation so one neuron does it.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..engine.activations import activation_names, get_activation, register_activation
from ..networks.network import Network
from .output import out_paths, report_files, save_network, table

NAME = "three-bits"
SUMMARY = "one neuron multiplies three bits: s(beta(b1+b2+b3) - 2.5 beta), exact with a step"

BETAS = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
INPUTS = list(itertools.product((0, 1), repeat=3))
PRODUCTS = [b1 * b2 * b3 for b1, b2, b3 in INPUTS]       # b1·b2·b3, the neuron's target for each input


def heaviside():
    """The 0/1 step, (sign(x) + 1) / 2: 0 for x < 0, 1 otherwise (registered as "heaviside" on first use)."""
    if "heaviside" not in activation_names():
        return register_activation("heaviside", lambda x: 0.0 if x < 0 else 1.0, lambda x: 0.0)
    return get_activation("heaviside")


def build_network(beta: float = 10.0, activation: str = "sigmoid") -> Network:
    """Three inputs b1, b2, b3, each with weight beta, into one neuron with bias -2.5 beta."""
    act = heaviside() if activation == "heaviside" else activation
    net = Network("three-bits")
    bits = [net.input(f"b{i}") for i in (1, 2, 3)]
    out = net.neuron("and3", activation=act, bias=-2.5 * beta)
    for b in bits:
        net.connect(b, out, weight=beta)
    return net


def build(beta: float = 10.0) -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """(net, inputs, targets) for ``tinygraph step three-bits``: all bits 1, target 1."""
    return build_network(beta), {"b1": 1.0, "b2": 1.0, "b3": 1.0}, {"and3": 1.0}


def outputs(net: Network) -> List[float]:
    """The neuron's output for each of the 8 inputs, in the order 000, 001, ..., 111."""
    return [net.forward({"b1": a, "b2": b, "b3": c})["and3"].value for a, b, c in INPUTS]


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Print the neuron's output for all 8 inputs as beta grows, and with a step; draw the neuron."""
    folder, main = out_paths(out, "three-bits.svg")
    files: List[Path] = []
    betas = BETAS[:4] if fast else BETAS
    print("One neuron multiplies three bits: s(β(b1 + b2 + b3) − 2.5β) → b1·b2·b3 as β grows")
    print("(three inputs with weight β into one sigmoid neuron with bias −2.5β)")
    print()
    by_beta = {}
    for beta in betas:
        by_beta[beta] = outputs(build_network(beta))
    step = outputs(build_network(1.0, activation="heaviside"))
    rows = []
    for k, (bits, prod) in enumerate(zip(INPUTS, PRODUCTS)):
        rows.append([" ".join(map(str, bits)), str(prod)] + [f"{by_beta[beta][k]:.6f}" for beta in betas]
                    + [f"{step[k]:g}"])
    header = ["b1 b2 b3", "b1·b2·b3"] + [f"β = {beta:g}" for beta in betas] + ["step"]
    print(table(rows, header))
    errors = {beta: max(abs(o - p) for o, p in zip(by_beta[beta], PRODUCTS)) for beta in betas}
    print("max error: " + ", ".join(f"β = {beta:g}: {e:.2e}" for beta, e in errors.items()))
    exact = all(o == p for o, p in zip(step, PRODUCTS))
    print("With the 0/1 step as activation (\"heaviside\" = (sign + 1)/2: 0 below zero, 1 otherwise) it is "
          + ("exact for all 8 inputs." if exact else "NOT exact: something is wrong."))
    print("The worst inputs are 110, 101, 011 (and 111): their net input is only β/2 from zero, "
          "so the error there is s(−β/2).")
    print()

    net = build_network(10.0)
    net.forward({"b1": 1, "b2": 1, "b3": 0})

    save_network(net, main, files, title="one neuron multiplies three bits, β = 10: b1 b2 b3 = 1 1 0")
    report_files(files, folder)
    return {"betas": betas, "outputs": by_beta, "errors": errors, "step": step, "exact": exact,
            "files": files, "out": folder}
