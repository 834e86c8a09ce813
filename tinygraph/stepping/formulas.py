"""The delta rule's formulas for one step of backprop, each stated once: how it is written and how it is computed.

The delta rule is backpropagation for layered sigmoid networks with the squared error, as Rumelhart,
Hinton and Williams stated it ("Learning representations by back-propagating errors", Nature 1986;
their "generalized delta rule"): the formulas below, with f'(net) written O (1 - O) for the sigmoid.
tinygraph says "the delta rule" for exactly these formulas, and "the recipe" for the six steps that
apply them (:data:`tinygraph.stepping.narrative.STAGES`).

For a neuron k fed by neurons j through synapses with weights w_jk, and the error E
over the output neurons k with targets t_k:

    net_k    = Σ_j w_jk O_j + θ_k       NetInput
    O_k      = f(net_k)                 Output
    E        = ½ Σ_k (O_k - t_k)²       SquaredError
    δ_k      = f'(net_k) (O_k - t_k)    OutputDelta   (another error: f'(net_k) dE/dO_k)
    δ_j      = f'(net_j) Σ_k δ_k w_jk   HiddenDelta   (k: the neurons j feeds)
    dE/dw_jk = δ_k O_j                  WeightGradient
    dE/dθ_k  = δ_k · 1                  BiasGradient  (the bias is the weight of an input fixed at 1)
    w        ← w - η dE/dw              Update

f and its slope f' come from the activation table (:func:`tinygraph.get_activation`);
for the sigmoid the delta rule writes f'(net) as O (1 - O), which is what it equals.

Each formula here is a small class made from names and numbers: ``value`` is
what the numbers give, ``formula`` the formula in symbols with the names put in
(``δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1)``), ``numbers`` the same with the
numbers put in, and ``str()`` the whole line ``formula = numbers = value``.
``GENERAL`` is the formula as the delta rule states it.  :func:`tinygraph.delta_rule`
computes with these classes; :func:`tinygraph.network_steps` and the worked example
(:mod:`tinygraph.explanation`) write them out with the numbers the backward walk
found, each made from a built Network's neuron, synapse or bias by the functions
at the end (:func:`net_input_of`, :func:`hidden_delta_of`, :func:`gradient_of`, ...).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, List, Mapping, Optional, Sequence, Tuple, Union

from ..engine.activations import Activation, get_activation
from ..errors import WrongTypeError
from ..formatting import fmt, operand, pair

if TYPE_CHECKING:
    from ..networks.network import Bias, Neuron, Synapse

ActivationLike = Union[str, Activation]

__all__ = ["Formula", "NetInput", "Output", "SquaredError", "OutputDelta", "HiddenDelta",
           "WeightGradient", "BiasGradient", "Update", "activate", "slope", "FORMULAS",
           "CrossEntropy", "SoftmaxDelta", "SoftmaxOutput", "SOFTMAX_FORMULAS",
           "net_input_of", "output_of", "squared_error_of", "cross_entropy_of", "output_delta_of", "hidden_delta_of", "feeding",
           "gradient_of", "ForEvery", "abridged"]


def activate(activation: ActivationLike, net: float) -> float:
    """O = f(net): the activation (a name or an Activation) at the net input ``net``."""
    return get_activation(activation).f(net)


def slope(activation: ActivationLike, net: float) -> float:
    """f'(net): the activation's slope at the net input ``net``, from the activation table."""
    return get_activation(activation).df(net)


def _name_of(activation: ActivationLike) -> str:
    return get_activation(activation).name


def _minus(a: float, b: float) -> str:
    """``a - b`` with both written to enough digits to tell apart; a negative b in parentheses."""
    a_s, b_s = pair(a, b)
    return f"{a_s} - {'(' + b_s + ')' if b < 0 else b_s}"


class Formula:
    """One of the delta rule's formulas with its names and numbers put in (see the module docstring)."""

    GENERAL = ""
    value: float

    @property
    def formula(self) -> str:
        raise NotImplementedError

    @property
    def numbers(self) -> str:
        raise NotImplementedError

    @property
    def shown(self) -> str:
        """The value as written."""
        return fmt(self.value)

    def __str__(self) -> str:
        return f"{self.formula} = {self.numbers} = {self.shown}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class NetInput(Formula):
    """net_k = Σ_j w_jk O_j + θ_k.  ``terms``: one (weight's name, w_jk, source neuron's name j, O_j)
    per incoming synapse; ``bias``: (its name, θ_k), or None for a neuron without one.
    ``lhs`` is what it is written as (``net_k``; a linear neuron's output is its net input: ``O_k``)."""

    GENERAL = "net_k = Σ_j w_jk O_j + θ_k"

    def __init__(self, k: str, terms: Sequence[Tuple[str, float, str, float]],
                 bias: Optional[Tuple[str, float]] = None, lhs: str = "") -> None:
        self.k, self.terms, self.bias = k, list(terms), bias
        self.lhs = lhs or f"net_{k}"
        total = 0.0
        for i, (_, w, _, o) in enumerate(self.terms):
            total = w * o if i == 0 else total + w * o
        if bias is not None:
            total = total + bias[1]
        self.value = total

    @property
    def formula(self) -> str:
        parts = [f"{w_name}·O_{j}" for w_name, _, j, _ in self.terms]
        if self.bias is not None:
            parts.append(self.bias[0])
        return f"{self.lhs} = {' + '.join(parts)}"

    @property
    def numbers(self) -> str:
        parts = [f"{operand(w)}·{operand(o)}" for _, w, _, o in self.terms]
        if self.bias is not None:
            parts.append(operand(self.bias[1]))
        return " + ".join(parts)


class Output(Formula):
    """O_k = f(net_k): the neuron's activation at its net input."""

    GENERAL = "O_k = f(net_k)"

    def __init__(self, k: str, activation: ActivationLike, net: float) -> None:
        self.k, self.activation, self.net = k, _name_of(activation), net
        self.value = activate(activation, net)

    @property
    def formula(self) -> str:
        return f"O_{self.k} = {self.activation}(net_{self.k})"

    @property
    def numbers(self) -> str:
        return f"{self.activation}({fmt(self.net)})"


class SquaredError(Formula):
    """E = ½ Σ_k (O_k - t_k)².  ``outputs``: one (name, O_k, t_k) per output neuron."""

    GENERAL = "E = ½ Σ_k (O_k - t_k)²"

    def __init__(self, outputs: Sequence[Tuple[str, float, float]]) -> None:
        self.outputs = list(outputs)
        self.value = 0.5 * sum((o - t) ** 2 for _, o, t in self.outputs)

    @property
    def formula(self) -> str:
        return self.GENERAL

    @property
    def numbers(self) -> str:
        return " + ".join(f"½ ({_minus(o, t)})²" for _, o, t in self.outputs)


class _Delta(Formula):
    """δ = f'(net) · (what comes back): the slope as the delta rule writes it, times the factor from above."""

    def __init__(self, j: str, activation: ActivationLike, o: float, slope: float, back: float) -> None:
        self.j, self.activation, self.o, self.slope = j, _name_of(activation), o, slope
        self.value = slope * back

    def _back(self) -> Tuple[str, str]:
        raise NotImplementedError

    @property
    def formula(self) -> str:
        j, back = self.j, self._back()[0]
        if self.activation == "sigmoid":
            return f"δ_{j} = O_{j}(1 - O_{j}) {back}"
        if self.activation == "linear":
            return f"δ_{j} = {back}   (linear: f' = 1)"
        return f"δ_{j} = f'(net_{j}) {back}"

    @property
    def numbers(self) -> str:
        back = self._back()[1]
        if self.activation == "sigmoid":
            return f"{fmt(self.o)}·(1 - {fmt(self.o)})·{back}"
        if self.activation == "linear":
            return back
        return f"{operand(self.slope)}·{back}"


class OutputDelta(_Delta):
    """δ_k = f'(net_k) (O_k - t_k) for an output neuron k and the squared error (``t`` its target);
    for another error, δ_k = f'(net_k) dE/dO_k (``dE_dO`` instead of ``t``).  ``slope`` is f'(net_k)."""

    GENERAL = "δ_k = f'(net_k) (O_k - t_k)"

    def __init__(self, k: str, activation: ActivationLike, o: float, slope: float, t: Optional[float] = None,
                 dE_dO: Optional[float] = None) -> None:
        if (t is None) == (dE_dO is None):
            raise WrongTypeError("OutputDelta takes the target t (squared error) or dE_dO (another error), one of them")
        self.t, self.dE_dO = t, dE_dO
        super().__init__(k, activation, o, slope, o - t if dE_dO is None else dE_dO)

    def _back(self) -> Tuple[str, str]:
        k = self.j
        if self.dE_dO is None:
            return f"(O_{k} - t_{k})", f"({_minus(self.o, self.t)})"
        return f"dE/dO_{k}", operand(self.dE_dO)


class HiddenDelta(_Delta):
    """δ_j = f'(net_j) Σ_k δ_k w_jk for a hidden neuron j.  ``back``: one (k, δ_k, weight's name, w_jk)
    per neuron k that j feeds.  ``slope`` is f'(net_j)."""

    GENERAL = "δ_j = f'(net_j) Σ_k δ_k w_jk"

    def __init__(self, j: str, activation: ActivationLike, o: float, slope: float,
                 back: Sequence[Tuple[str, float, str, float]]) -> None:
        self.back = list(back)
        total = 0.0
        for i, (_, d, _, w) in enumerate(self.back):
            total = d * w if i == 0 else total + d * w
        super().__init__(j, activation, o, slope, total)

    def _back(self) -> Tuple[str, str]:
        return ("(" + " + ".join(f"δ_{k}·{w_name}" for k, _, w_name, _ in self.back) + ")",
                "(" + " + ".join(f"{operand(d)}·{operand(w)}" for _, d, _, w in self.back) + ")")


class WeightGradient(Formula):
    """dE/dw_jk = δ_k O_j for the synapse ``w`` from neuron j to neuron k."""

    GENERAL = "dE/dw_jk = δ_k O_j"

    def __init__(self, w: str, k: str, delta_k: float, j: str, o_j: float) -> None:
        self.w, self.k, self.delta_k, self.j, self.o_j = w, k, delta_k, j, o_j
        self.value = delta_k * o_j

    @property
    def formula(self) -> str:
        return f"dE/d{self.w} = δ_{self.k}·O_{self.j}"

    @property
    def numbers(self) -> str:
        return f"{operand(self.delta_k)}·{operand(self.o_j)}"


class BiasGradient(Formula):
    """dE/dθ_k = δ_k · 1: the bias ``theta`` of neuron k is the weight of an input fixed at 1."""

    GENERAL = "dE/dθ_k = δ_k · 1"

    def __init__(self, theta: str, k: str, delta_k: float) -> None:
        self.theta, self.k, self.delta_k = theta, k, delta_k
        self.value = delta_k * 1.0

    @property
    def formula(self) -> str:
        return f"dE/d{self.theta} = δ_{self.k}·1"

    @property
    def numbers(self) -> str:
        return f"{operand(self.delta_k)}·1"


class Update(Formula):
    """w ← w - η dE/dw for the weight or bias ``w`` (its value ``old``, its gradient ``grad``)."""

    GENERAL = "w ← w - η dE/dw"

    def __init__(self, w: str, old: float, grad: float, lr: float) -> None:
        self.w, self.old, self.grad, self.lr = w, old, grad, lr
        self.value = old - lr * grad

    @property
    def formula(self) -> str:
        return f"{self.w} ← {self.w} - η·dE/d{self.w}"

    @property
    def numbers(self) -> str:
        return f"{pair(self.old, self.value)[0]} - {fmt(self.lr)}·{operand(self.grad)}"

    @property
    def shown(self) -> str:
        """The new value with digits enough to differ from the old one (10 -> 10.00002, not 10 -> 10)."""
        return pair(self.old, self.value)[1]


#: the delta rule's formulas in the order of the recipe, as it states them
FORMULAS = (NetInput, Output, SquaredError, OutputDelta, HiddenDelta, WeightGradient, BiasGradient, Update)


# -- many classes: a softmax output layer with the cross-entropy -----------------------------

class CrossEntropy(Formula):
    """E = -Σ_k t_k ln O_k for a softmax output layer.  ``outputs``: one (name, net_k, O_k, t_k) per output.

    ln O_k is computed from the net inputs, ln O_k = net_k - ln Σ_j e^(net_j) (log-sum-exp), so a
    probability that rounds to 0 still gives a finite error.
    """

    GENERAL = "E = -Σ_k t_k ln O_k"

    def __init__(self, outputs: Sequence[Tuple[str, float, float, float]]) -> None:
        self.outputs = list(outputs)
        nets = [z for _, z, _, _ in self.outputs]
        m = max(nets)
        lse = m + math.log(sum(math.exp(z - m) for z in nets))
        self.value = sum(t * (lse - z) for _, z, _, t in self.outputs if t)

    @property
    def formula(self) -> str:
        return "E = " + " ".join(f"- t_{k}·ln O_{k}" for k, _, _, t in self.outputs if t).lstrip()

    @property
    def numbers(self) -> str:
        return " ".join(f"- {fmt(t)}·ln {fmt(o)}" for _, _, o, t in self.outputs if t)


class SoftmaxDelta(Formula):
    """δ_k = O_k - t_k for an output neuron k of a softmax layer with the cross-entropy.

    The softmax's slopes dO_i/dnet_k = O_i (1[i=k] - O_k) and the error's dE/dO_i = -t_i / O_i give
    δ_k = Σ_i (-t_i / O_i) O_i (1[i=k] - O_k) = O_k Σ_i t_i - t_k = O_k - t_k (the targets add up to 1).
    """

    GENERAL = "δ_k = O_k - t_k"

    def __init__(self, k: str, o: float, t: float) -> None:
        self.j, self.o, self.t = k, o, t
        self.value = o - t

    @property
    def formula(self) -> str:
        return f"δ_{self.j} = O_{self.j} - t_{self.j}   (softmax with cross-entropy)"

    @property
    def numbers(self) -> str:
        return _minus(self.o, self.t)


class SoftmaxOutput(Formula):
    """O_k = e^net_k / Σ_j e^net_j for neuron k of a softmax layer.  ``layer``: (name, net_j) for every neuron j
    of the layer, k among them.  Computed with the log-sum-exp shift, as tinygraph.engine.node.softmax."""

    GENERAL = "O_k = e^net_k / Σ_j e^net_j"

    def __init__(self, k: str, layer: Sequence[Tuple[str, float]]) -> None:
        self.k, self.layer = k, list(layer)
        m = max(z for _, z in self.layer)
        es = {j: math.exp(z - m) for j, z in self.layer}
        self.value = es[k] / sum(es.values())

    @property
    def formula(self) -> str:
        return f"O_{self.k} = e^net_{self.k} / (" + " + ".join(f"e^net_{j}" for j, _ in self.layer) + ")"

    @property
    def numbers(self) -> str:
        net = dict(self.layer)[self.k]
        return f"e^{operand(net)} / (" + " + ".join(f"e^{operand(z)}" for _, z in self.layer) + ")"


#: the formulas that change for a softmax output layer with the cross-entropy (the others stay)
SOFTMAX_FORMULAS = (SoftmaxOutput, CrossEntropy, SoftmaxDelta)


# -- a big layer's formulas at once -----------------------------------------------------------

def abridged(text: str, keep: int = 4) -> str:
    """A long sum written with its first ``keep`` terms, how many are left out, and its last term:
    ``a + b + c + d + … (60 more) + θ``.  Short sums are returned as they are."""
    parts = text.split(" + ")
    if len(parts) <= keep + 2:
        return text
    return " + ".join(parts[:keep]) + f" + … ({len(parts) - keep - 1} more) + " + parts[-1]


class ForEvery:
    """One of the formulas above for every neuron (or weight, or bias) of a big layer at once.

    A layer of more than a dozen neurons is stepped through as a whole (see
    :mod:`tinygraph.stepping.narrative`): a 64-16-10 network has 1,184 weights, and a
    step per weight is a thousand frames nobody reads, while the picture
    already draws the layer as one strip and its weights as one heat map.  So
    the formula is written once with its index (``general``, e.g.
    ``δ_j = f'(net_j) Σ_k δ_k w_jk``) and ``where`` it holds (``for every j
    of h1 … h16``), then worked out with the numbers for a few named
    examples: ``items`` are (label, value, the line worked out) per member,
    in the order the examples should be picked (the caller puts the largest
    first); ``values`` are the members' numbers in that order.
    """

    EXAMPLES = 3

    def __init__(self, general: str, where: str, items: Sequence[Tuple[str, float, str]], picture: str) -> None:
        self.general, self.where, self.items, self.picture = general, where, list(items), picture
        self.values = [v for _, v, _ in self.items]

    @property
    def formula(self) -> str:
        return f"{self.general}   for every {self.where}"

    @property
    def examples(self) -> str:
        """The first item worked out, the next ones' values, and where the rest are."""
        if not self.items:
            return ""
        first, more = self.items[0], self.items[1:self.EXAMPLES]
        text = f"e.g. {first[2]}"
        if more:
            text += "; " + ", ".join(f"{label} = {fmt(v)}" for label, v, _ in more)
        return text + f"; all {len(self.items)} in {self.picture}"

    def __str__(self) -> str:
        return f"{self.formula}:   {self.examples}"

    def __repr__(self) -> str:
        return f"ForEvery({self.formula!r}, {len(self.items)} items)"


# -- the formulas of a built Network, with the numbers it holds now -------------------------
# The step-through's narrative (tinygraph.stepping.narrative) and the worked-example document
# (tinygraph.explanation) both write these out; each is put together from a neuron,
# synapse or bias here, once.

def net_input_of(n: Neuron) -> NetInput:
    """net_n of neuron ``n``: its synapses' weights, their sources' outputs and its bias
    (written O_n = ... for a linear neuron, whose net input is its output)."""
    bias = None if n.bias is None else (n.bias.name, n.bias.value)
    return NetInput(n.name, [(s.name, s.value, s.src.name, s.src.value) for s in n.incoming], bias,
                    lhs=f"O_{n.name}" if n.output is n.net_node else "")


def output_of(n: Neuron) -> Optional[Formula]:
    """O_n = f(net_n) of neuron ``n``, or None for a linear neuron (its net input is its output);
    O_n = e^net_n / Σ_j e^net_j for a neuron of a softmax layer."""
    if n.activation.name == "softmax" and n.activation is get_activation("softmax"):
        return SoftmaxOutput(n.name, [(j.name, j.net_input) for j in n.network.softmax_layer()])
    return None if n.output is n.net_node else Output(n.name, n.activation, n.net_input)


def cross_entropy_of(outputs: Sequence[Neuron], targets: Mapping[str, float]) -> CrossEntropy:
    """E = -Σ_k t_k ln O_k of the softmax ``outputs`` against ``targets`` (by name)."""
    return CrossEntropy([(n.name, n.net_input, n.value, targets[n.name]) for n in outputs])


def squared_error_of(outputs: Sequence[Neuron], targets: Mapping[str, float]) -> SquaredError:
    """E = ½ Σ_k (O_k - t_k)² over the output neurons ``outputs``, ``targets`` by output name."""
    return SquaredError([(k.name, k.value, targets[k.name]) for k in outputs])


def output_delta_of(n: Neuron, slope: float, t: Optional[float] = None) -> OutputDelta:
    """δ of output neuron ``n`` with f'(net_n) = ``slope``: by its target ``t`` (the squared error),
    or, with ``t`` None, by dE/dO_n, the gradient the backward walk left on its output."""
    if t is not None:
        return OutputDelta(n.name, n.activation, n.value, slope, t=t)
    return OutputDelta(n.name, n.activation, n.value, slope, dE_dO=n.grad)


def feeding(n: Neuron) -> List[Synapse]:
    """The synapses out of neuron ``n`` whose destination has a delta: the terms of its hidden delta."""
    return [s for s in n.outgoing if s.dst.delta is not None]


def hidden_delta_of(n: Neuron, slope: float) -> HiddenDelta:
    """δ of hidden neuron ``n`` with f'(net_n) = ``slope``, from the deltas of the neurons it feeds."""
    return HiddenDelta(n.name, n.activation, n.value, slope,
                       [(s.dst.name, s.dst.delta, s.name, s.value) for s in feeding(n)])


def gradient_of(p: Union[Synapse, Bias]) -> Formula:
    """dE/dw of a synapse (δ of its destination times its source's output), or dE/dθ of a bias."""
    if hasattr(p, "src"):
        return WeightGradient(p.name, p.dst.name, p.dst.delta or 0.0, p.src.name, p.src.value)
    return BiasGradient(p.name, p.neuron.name, p.neuron.delta or 0.0)
