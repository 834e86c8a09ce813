"""The delta rule for sigmoid networks, worked out in plain floats (no graph, no backward()).

For a layered network of sigmoid neurons and the squared error
E = 1/2 sum_k (O_k - t_k)^2:

    delta_k = O_k (1 - O_k) (O_k - t_k)              for an output neuron k
    delta_j = O_j (1 - O_j) sum_k delta_k W_jk       for a hidden neuron j (k: the neurons j feeds)
    dE/dW_jk = delta_k O_j,   dE/dtheta_k = delta_k  (the bias is the weight of an input fixed at 1)

With a softmax output layer (every output neuron's activation "softmax") the
error is the cross-entropy E = -sum_k t_k ln O_k, and the output deltas are the
by-hand result delta_k = O_k - t_k; the hidden layers are as above.

``delta_rule`` computes every one of these from plain floats, layer by layer
from the outputs back, with the formulas of :mod:`tinygraph.stepping.formulas` (their
one home), so it can be set beside what ``loss.backward()`` finds by the
generic chain rule: they agree to rounding (the tests check 1e-12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Sequence, Union

from ..engine.activations import SOFTMAX as soft_act
from ..engine.checks import check_rate, named_values
from ..errors import BadValueError, GraphError
from .formulas import (BiasGradient, CrossEntropy, HiddenDelta, NetInput, OutputDelta, SoftmaxDelta, SquaredError,
                       Update, WeightGradient, activate, slope)
from ..networks.network import Network, Synapse

__all__ = ["delta_rule", "DeltaRule"]


@dataclass
class DeltaRule:
    """Everything the delta rule's formulas give for one sample.

    ``values``: O for every neuron (inputs too); ``net_inputs``: sum_i W_ij O_i + theta_j;
    ``deltas``: the delta δ = dE/d(net input) for every non-input neuron; ``weight_grads``: dE/dW by
    synapse name; ``bias_grads``: dE/dtheta by neuron name; ``error``: E.
    """

    values: Dict[str, float]
    net_inputs: Dict[str, float]
    deltas: Dict[str, float]
    weight_grads: Dict[str, float]
    bias_grads: Dict[str, float]
    error: float
    network: Optional[Network] = field(default=None, repr=False, compare=False)

    def grad(self, src: str, dst: str) -> float:
        """dE/dW for the synapse src -> dst (= delta_dst * O_src)."""
        return self.weight_grads[self.network.synapse(src, dst).name]

    def update(self, lr: float) -> None:
        """The recipe's update on the network: W <- W - lr dE/dW, theta <- theta - lr dE/dtheta (trainable ones)."""
        lr = check_rate(lr)
        for syn in self.network.synapses:
            if syn.trainable:
                syn.value = Update(syn.name, syn.value, self.weight_grads[syn.name], lr).value
        for name, g in self.bias_grads.items():
            b = self.network[name].bias
            if b.trainable:
                b.value = Update(b.name, b.value, g, lr).value

    def __str__(self) -> str:
        lines = [f"E = {self.error:.6g}"]
        for name, d in self.deltas.items():
            lines.append(f"delta_{name} = {d:.6g}   (O = {self.values[name]:.6g})")
        for name, g in self.weight_grads.items():
            lines.append(f"dE/d{name} = {g:.6g}")
        for name, g in self.bias_grads.items():
            lines.append(f"dE/dθ_{name} = {g:.6g}")
        return "\n".join(lines)


def _check_layered_sigmoid(net: Network) -> None:
    """Refuse networks the delta rule's formulas do not cover, naming what is in the way."""
    soft = set(net.softmax_layer())               # a softmax output layer (GraphError if not a whole layer)
    other = [f"{n.name!r} ({n.activation.name})" for n in net.neurons.values()
             if not n.is_input and n.activation.name != "sigmoid" and n not in soft]
    if other:
        raise GraphError(f"delta_rule uses the delta rule's formulas for sigmoid neurons (slope O (1 - O)), but "
                         f"{', '.join(other)} {'is' if len(other) == 1 else 'are'} not sigmoid; "
                         "use loss.backward() for other activations")
    lonely = [n.name for n in net.neurons.values() if not n.is_input and not n.incoming]
    if lonely:
        raise GraphError(f"neuron {lonely[0]!r} has no incoming synapse, so it computes nothing; "
                         f"connect something into it with net.connect(src, {lonely[0]!r}, weight=...)")
    seen: Dict[str, Synapse] = {}
    for s in net.synapses:
        if s.name in seen:
            raise GraphError(f"two synapses are named {s.name!r} ({seen[s.name].src.name} -> "
                             f"{seen[s.name].dst.name} and {s.src.name} -> {s.dst.name}); delta_rule reports "
                             "dE/dW by synapse name, so give them different names")
        seen[s.name] = s
    depth = {n: d for d, layer in enumerate(net.layers()) for n in layer}
    for s in net.synapses:
        if depth[s.dst] != depth[s.src] + 1:
            raise GraphError(f"delta_rule follows the delta rule's layer-by-layer formulas, but synapse {s.name} "
                             f"({s.src.name} in layer {depth[s.src]} -> {s.dst.name} in layer {depth[s.dst]}) "
                             "skips a layer; use loss.backward() for networks with skip connections")


def delta_rule(net: Network, inputs: Union[Mapping[str, float], Sequence[float]],
               targets: Union[Mapping[str, float], Sequence[float], float]) -> DeltaRule:
    """Compute O, every delta, dE/dW and dE/dtheta for one sample by the delta rule's formulas.

    ``net`` must be layered (every synapse goes from one layer to the next) with
    sigmoid neurons; the error is the squared error E = 1/2 sum_k (O_k - t_k)^2 -- or, for a softmax
    output layer, the cross-entropy E = -sum_k t_k ln O_k with delta_k = O_k - t_k.
    ``inputs`` and ``targets`` are dicts by name (or lists in the order of
    ``net.inputs`` / ``net.outputs``).  Does not touch the network's nodes.
    """
    _check_layered_sigmoid(net)
    soft = net.softmax_layer()
    outputs = net.outputs
    if not outputs:
        raise GraphError(f"network {net.name!r} has no output neuron yet")
    x = named_values(inputs, [n.name for n in net.inputs], "inputs", "delta_rule")
    t = named_values(targets, [n.name for n in outputs], "outputs", "delta_rule targets")

    # Forward, neuron by neuron: net_k = sum_j w_jk O_j + theta_k,  O_k = f(net_k).
    O: Dict[str, float] = {}
    net_in: Dict[str, float] = {}
    order = net.order()
    for n in order:
        if n.is_input:
            O[n.name] = x[n.name]
            continue
        bias = None if n.bias is None else (n.bias.name, n.bias.value)
        net_in[n.name] = NetInput(n.name, [(s.name, s.value, s.src.name, O[s.src.name]) for s in n.incoming],
                                  bias).value
        if n.activation is not soft_act:
            O[n.name] = activate(n.activation, net_in[n.name])
    if soft:                                                 # O_k = e^net_k / sum_j e^net_j, the layer at once
        m = max(net_in[k.name] for k in soft)
        e = {k.name: math.exp(net_in[k.name] - m) for k in soft}
        total = sum(e.values())
        O.update((k, v / total) for k, v in e.items())
        check_targets = sum(t.values())
        if any(not 0.0 <= v <= 1.0 for v in t.values()) or abs(check_targets - 1.0) > 1e-9:
            raise BadValueError(f"delta_rule targets for a softmax layer must be probabilities that add up to 1 "
                                f"(1 for the right class, 0 for the others); got {t}")
        error = CrossEntropy([(k.name, net_in[k.name], O[k.name], t[k.name]) for k in outputs]).value
    else:
        error = SquaredError([(k.name, O[k.name], t[k.name]) for k in outputs]).value

    # Backward, from the outputs to the first hidden layer.
    delta: Dict[str, float] = {}
    for n in reversed(order):
        if n.is_input:
            continue
        if n.activation is soft_act:                         # softmax with cross-entropy: O_k - t_k
            delta[n.name] = SoftmaxDelta(n.name, O[n.name], t[n.name]).value
            continue
        o, f1 = O[n.name], slope(n.activation, net_in[n.name])
        if not n.outgoing:                                   # output neuron k
            delta[n.name] = OutputDelta(n.name, n.activation, o, f1, t=t[n.name]).value
        else:                                                # hidden neuron j
            back = [(s.dst.name, delta[s.dst.name], s.name, s.value) for s in n.outgoing]
            delta[n.name] = HiddenDelta(n.name, n.activation, o, f1, back).value

    weight_grads = {s.name: WeightGradient(s.name, s.dst.name, delta[s.dst.name], s.src.name, O[s.src.name]).value
                    for s in net.synapses}
    bias_grads = {n.name: BiasGradient(n.bias.name, n.name, delta[n.name]).value
                  for n in net.neurons.values() if not n.is_input and n.bias is not None}
    deltas = {n.name: delta[n.name] for n in net.neurons.values() if not n.is_input}
    return DeltaRule(values=O, net_inputs=net_in, deltas=deltas, weight_grads=weight_grads,
                     bias_grads=bias_grads, error=error, network=net)
