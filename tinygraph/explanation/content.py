"""What an explanation says: one training step of a network on one sample, in the order the delta rule
is derived, each formula in symbols and then with the network's numbers, all taken from the real backward walk.

:func:`build` runs :func:`tinygraph.network_steps` (the forward pass, the error, the
walk, the update, the forward pass again and ``train`` until the error is small),
writes each of its steps with the formulas of :mod:`tinygraph.stepping.formulas` (through
:mod:`.equations`), and checks every delta and gradient twice: against its own
formula worked from the numbers shown, and, for layered sigmoid networks and the
squared error, against :func:`tinygraph.delta_rule` (the delta rule worked in
plain floats).  A disagreement is a bug in tinygraph, and says so.
"""

from __future__ import annotations

import copy
from typing import Callable, Dict, Hashable, List, Mapping, Optional, Sequence, Tuple, Union

from ..stepping import formulas as F
from ..learning import losses
from ..engine.activations import get_activation
from ..engine.checks import named_values
from ..stepping.deltas import delta_rule
from ..draw import draw_network
from ..errors import BadValueError, GraphError, TinygraphError, WrongTypeError, did_you_mean, user_facing
from ..stepping.narrative import REPEAT_UNTIL, NetworkStep, check_update, network_steps
from ..networks.network import Bias, Network, Neuron
from ..engine.node import Node
from ..data.tables import scaling_of
from .blocks import Block, Display, Figure, Heading, Named, Para, Part, Strong
from .curve import Curve
from .equations import (ACTIVATIONS, ERRORS, ETA, GENERAL, SOFTMAX_DERIVATION, ActivationForm, ErrorForm, Equation,
                        Symbols, Written, W, activation_form, dE, delta, equation, fprime, indicator,
                        TINY, net as net_sym, O, softmax_shift, softmax_slope, softmax_sum_written, target, theta,
                        written, J, K)
from .notation import DOT, EQ, MINUS, PLUS, Frac, Id, M, Name, Num, Paren, Row, Sup, Words, joined, number_pair, number_text

E = Id("E")

__all__ = ["build", "Built", "CATEGORIES", "DEFAULT_BLANKS", "TOLERANCE", "Sample", "ErrorChoice"]

#: a sample's inputs (or targets): values by neuron name, or a list in the order of net.inputs (net.outputs)
Sample = Union[Mapping[str, float], Sequence[float]]
#: the error to explain: None (the squared error), a name ("mse", "bce", "hinge"), or a function
#: error(outputs, targets) returning a Node
ErrorChoice = Union[None, str, Callable[..., Node]]

#: what an exercise can leave blank: category -> the kinds of quantity in it
CATEGORIES: Dict[str, Tuple[str, ...]] = {
    "forward": ("net", "out", "expsum", "units"),
    "error": ("error", "dEdO", "errorunits"),
    "deltas": ("delta",),
    "gradients": ("grad",),
    "new weights": ("new",),
}
#: what an exercise leaves blank unless told otherwise
DEFAULT_BLANKS = ("deltas", "gradients", "new weights")
#: how closely the walk, the formulas and delta_rule must agree (relative, or absolute near 0)
TOLERANCE = 1e-9


class ExplainCheckError(TinygraphError, ArithmeticError):
    """The numbers of the backward walk and of the delta rule's formulas disagree: a bug in tinygraph."""


def _agree(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


class _Error:
    """The error the explanation uses: its written form and the function network_steps calls.
    ``softmax``: the network has a softmax output layer, whose error is the cross-entropy."""

    def __init__(self, error: ErrorChoice, softmax: bool = False) -> None:
        fns = {"mse": losses.mse, "binary_cross_entropy": losses.binary_cross_entropy,
               "bce": losses.binary_cross_entropy, "hinge": losses.hinge}
        self.fn: Optional[Callable[..., Node]] = None
        self.softmax = softmax
        key = error.strip().lower().replace("-", "_") if isinstance(error, str) else None
        if softmax:
            if error is not None and key not in ("cross_entropy", "ce"):
                raise user_facing(BadValueError(
                    f"explain: a softmax output layer is written out with its own error, the cross-entropy "
                    f"E = -Σ_k t_k ln O_k (whose output deltas are O_k - t_k), not {error!r}: leave error out "
                    "(or give error='cross_entropy')"))
            self.form, self.squared, self.named = ERRORS["cross_entropy"], False, True
            return
        if key in ("cross_entropy", "ce"):
            raise user_facing(BadValueError(
                "explain: the cross-entropy E = -Σ_k t_k ln O_k is the error of a softmax output layer, and this "
                "network has none: build it with output_activation='softmax' (one output per class), or choose "
                "squared_error, mse, bce or hinge"))
        if error is None or (isinstance(error, str) and error.strip().lower() in ("squared_error", "sse")):
            self.form, self.squared = ERRORS["squared_error"], True
        elif isinstance(error, str):
            key = error.strip().lower()
            if key not in fns:
                raise user_facing(BadValueError(
                    f"explain: unknown error {error!r}.{did_you_mean(key, list(fns) + ['squared_error'])} "
                    "Known: squared_error (½ Σ (O - t)², the default), mse, binary_cross_entropy (bce), hinge; "
                    "or pass a function error(outputs, targets) that returns a Node"))
            self.form, self.squared, self.fn = ERRORS[key], False, fns[key]
        elif callable(error):
            name = getattr(error, "__name__", "") or "error"
            self.form = ErrorForm("<lambda>" if name == "<lambda>" else name, None, None)
            self.squared, self.fn = False, error
        else:
            raise user_facing(WrongTypeError(f"explain: error must be a name (squared_error, mse, bce, hinge) "
                                             f"or a function error(outputs, targets); got {type(error).__name__} {error!r}"))
        self.named = self.form.general is not None


class Built:
    """What :func:`build` makes: ``title``, ``blocks``, ``answers`` (key -> (symbol, value, the
    Display that computes it)), ``blankable`` (category -> keys) and the ``steps``."""

    def __init__(self) -> None:
        self.title = ""
        self.blocks: List[Block] = []
        self.answers: Dict[Hashable, Tuple[M, float, Display]] = {}
        self.steps: List[NetworkStep] = []
        self.values: Dict[Hashable, float] = {}


def _count(k: int, noun: str, plural: str = "") -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {plural or noun + 's'}"


def _names(items: Sequence[Neuron]) -> List[Part]:
    """Parts: the names of ``items``, each printed as given, separated by commas (… for a long list)."""
    names = [n.name for n in items]
    cut = len(names) > 8
    if cut:
        names = names[:6] + [names[-1]]
    out: List[Part] = []
    for i, name in enumerate(names):
        if i:
            out.append(", … , " if cut and i == len(names) - 1 else ", ")
        out.append(Named(name))
    return out


def _inline_list(pairs: Sequence[M]) -> List[Part]:
    """Parts: a, b and c (each inline math)."""
    out: List[Part] = []
    for i, m in enumerate(pairs):
        if i:
            out.append(" and " if i == len(pairs) - 1 else ", ")
        out.append(m)
    return out


def _walk_note(step: NetworkStep) -> str:
    return "" if step.walk_index is None else f"(backward walk, step {step.walk_index} of {step.walk_total})"


def build(net: Network, inputs: Sample, targets: object, lr: float = 0.5, error: ErrorChoice = None,
          until: Optional[float] = None, drawing: bool = True, data_units: bool = False, update: str = "all") -> Built:
    """The explanation of one training step of ``net`` on one sample (see the module docstring).
    ``targets``: a Sample, or whatever a user's error function takes."""
    if not isinstance(net, Network):
        raise user_facing(WrongTypeError(f"explain() needs a tinygraph Network, got {type(net).__name__}"))
    soft = net.softmax_layer()
    err = _Error(error, softmax=bool(soft))
    if soft:
        targets = _one_hot(net, targets)
    until = REPEAT_UNTIL if until is None else until
    raw = None
    if net.scaling is not None:          # trained on a table: the document shows the data's own units too
        raw, inputs = _units(net, inputs, data_units)
        if data_units and net.scaling.scales_target and targets is not None and error is None:
            given_t = named_values(targets, [n.name for n in net.outputs], "outputs", "explain targets")
            targets = {k: net.scaling.scale_target(v) for k, v in given_t.items()}   # as the network learned them
    update = check_update(update)
    steps = network_steps(net, inputs, targets, lr=lr, error=err.fn, until=until, update=update, big_layers=False)
    builder = _Builder(net, inputs, targets, steps, err, float(lr), float(until), drawing)
    builder.update = update
    builder.raw, builder.data_units = raw, data_units
    return builder.run()


def _one_hot(net: Network, targets: object) -> object:
    """A softmax layer's targets: the right class (an output's name, or for a network trained on a table
    the class's label) as one-hot targets by name; anything else as given (network_steps checks it)."""
    if isinstance(targets, str):
        names = [n.name for n in net.outputs]
        labels = list(getattr(net.scaling, "labels", None) or ())     # a table's classes, one per output
        right = targets
        if targets not in names and len(labels) == len(names) and targets in labels:
            right = names[labels.index(targets)]
        if right not in names:
            known = names + [x for x in labels if x not in names] if len(labels) == len(names) else names
            raise user_facing(BadValueError(
                f"explain: the target {targets!r} is not a class of {net.name!r}: name one of "
                f"{', '.join(known)}, or give a target per output.{did_you_mean(targets, known)}"))
        return {name: 1.0 if name == right else 0.0 for name in names}
    return targets


def _units(net: Network, inputs: Sample, data_units: bool) -> Tuple[Dict[str, float], Dict[str, float]]:
    """(the sample in the data's own units, the same standardised with the network's input scaling), by name;
    ``inputs`` are in the first units when ``data_units``, else in the second."""
    from ..engine.checks import named_values
    means, stds = scaling_of(net)
    given = named_values(inputs, [n.name for n in net.inputs], "inputs", "explain inputs")
    if data_units:
        return given, {n.name: (given[n.name] - m) / sd for n, m, sd in zip(net.inputs, means, stds)}
    return {n.name: given[n.name] * sd + m for n, m, sd in zip(net.inputs, means, stds)}, given


class _Builder:
    def __init__(self, net: Network, inputs: Sample, targets: object, steps: List[NetworkStep], err: _Error, lr: float,
                 until: float, drawing: bool) -> None:
        self.net, self.inputs, self.targets, self.steps, self.err = net, inputs, targets, steps, err
        self.until, self.drawing, self.lr = until, drawing, lr
        self.update = "all"                              # which parameters step 7 moves: "all" or "weights"
        self.raw: Optional[Dict[str, float]] = None      # the sample in the data's own units, if it was scaled
        self.data_units = False                          # whether the sample was given in those units
        self.out = Built()
        self.out.steps = steps
        self.sym = Symbols(net)
        after_step = next(s for s in steps if s.kind == "new forward")
        self.after = after_step.net
        self.sym2 = Symbols(self.after, second=True)
        self.soft = net.softmax_layer()          # a softmax output layer's neurons ([] if none)
        self.tmap = self._targets()
        self.blocks = self.out.blocks

    # -- helpers --------------------------------------------------------------------------------

    def _targets(self) -> Dict[str, float]:
        try:
            return named_values(self.targets, [n.name for n in self.net.outputs], "outputs", "explain targets")
        except (TypeError, ValueError, KeyError):
            return {}                      # a user's error function takes targets of its own kind

    def of(self, kind: str) -> List[NetworkStep]:
        return [s for s in self.steps if s.kind == kind]

    def para(self, *parts: Part) -> None:
        self.blocks.append(Para(*parts))

    def display(self, eq: Equation, *answers: Tuple[Hashable, M, float]) -> None:
        """Show ``eq``; ``answers``: the quantities it works out, (key, symbol, value) each, for the
        answer key of an exercise."""
        d = Display(eq, answers[0][0] if answers else None)
        self.blocks.append(d)
        for key, symbol, value in answers:
            self.out.answers[key] = (symbol, value, d)

    def general(self, *classes: type) -> None:
        rows = [row for c in classes for row in GENERAL[c]]
        self.blocks.append(Display(Equation(rows)))

    def check(self, what: str, shown: float, formula: float) -> None:
        if not _agree(shown, formula):
            raise ExplainCheckError(f"explain: {what} is {shown!r} in the backward walk but {formula!r} by its "
                                    "formula; this is a bug in tinygraph, please report it with the network")

    def figure(self, name: str, caption: List[Part], alt: str, net: Network, **kw: bool) -> None:
        if not self.drawing:
            return
        try:
            d = draw_network(net, **kw)       # the network as it is now (drawn into SVG when needed)
        except GraphError as e:               # e.g. too many synapses to lay out
            self.para(f"(No picture of the network here: {e})")
            return
        self.blocks.append(Figure(name, caption, d.svg, diagram=lambda: d, alt=alt))

    # -- the document ---------------------------------------------------------------------------

    def run(self) -> Built:
        net = self.net
        self.out.title = f"Backpropagation worked out: {net.name}"
        self.blocks.append(Heading(1, "Backpropagation worked out: ", Named(net.name)))
        self.para("One step of gradient descent for the network ", Strong(net.name), " on one sample, written out "
                  "step by step in the order of the delta rule: the forward pass, the error, the deltas from the "
                  "outputs back, the gradients and the update, then the forward pass again. Each equation is "
                  "given in symbols first, then with this network's numbers. Every number is the one tinygraph "
                  "computed: each delta and gradient is the number of its backward walk (the walk step that "
                  "completed it is named beside it).")
        self.network_section()
        self.forward_section()
        self.error_section()
        self.delta_sections()
        self.gradient_section()
        self.update_section()
        self.second_pass_section()
        self.repeat_section()
        self.checks_section()
        return self.out

    def network_section(self) -> None:
        net = self.net
        self.blocks.append(Heading(2, "1. The network and the sample"))
        hidden = net.hidden
        parts: List[Part] = [Strong(net.name), f" has {_count(len(net.inputs), 'input')} ("]
        parts += _names(net.inputs) + ["), "]
        if hidden:
            parts += [f"{_count(len(hidden), 'hidden neuron')} ("] + _names(hidden) + [") "]
        else:
            parts += ["no hidden neuron "]
        parts += [f"and {_count(len(net.outputs), 'output')} ("] + _names(net.outputs)
        parts += [f"), joined by {_count(len(net.synapses), 'synapse')}."]
        self.para(*parts)
        self.figure("network", ["The network before the step: the weight of each synapse on its edge (blue "
                                "positive, orange negative), the bias ", theta(J), " of each neuron inside it."],
                    "the network with its weights and biases", net, values=False)
        ins = [Row(O(n.name), EQ, Num(n.value, ("in", n.name), paren=False)) for n in net.inputs]
        parts = ["The sample: the inputs "] + _inline_list(ins) + [
            " (an input neuron's output is its input); "]
        if self.tmap:
            ts = [Row(target(k), EQ, Num(v, ("t", k), paren=False)) for k, v in self.tmap.items()]
            parts += ["the targets "] + _inline_list(ts) + ["; "]
        parts += ["the learning rate ", Row(ETA, EQ, Num(self.lr, ("lr",), paren=False)), "."]
        self.para(*parts)
        if self.raw is not None:
            self.scaling_note()
        default = all(s.name == f"w_{s.src.name}_{s.dst.name}" for s in net.synapses)
        self.para("Notation: ", O(J), " is the output of neuron j, ", net_sym(J),
                  " its net input (the weighted sum of its inputs plus its bias), ", theta(J),
                  " its bias (the weight of an extra input fixed at 1), ", Row(*_wij()),
                  " the weight of the synapse from neuron i to neuron j (tinygraph names it w_i_j"
                  + ("" if default else "; a synapse with a name of its own is written by that name")
                  + "), ", target(K), " the target of output k"
                  + (" (1 for the right class, 0 for the others)" if self.soft else "") + ", and ",
                  Row(delta(J), EQ, dE(net_sym(J))),
                  " the delta of neuron j.")
        by_act: Dict[str, List[Neuron]] = {}
        for n in net.order():
            if not n.is_input:
                by_act.setdefault(activation_form(n.activation).name, []).append(n)
        parts = ["Activations: "]
        for i, (name, ns) in enumerate(by_act.items()):
            form = activation_form(name)
            if i:
                parts.append("; ")
            parts += _names(ns) + [": "] + _words(form) + [", "] + _inline_list(form.definition)
        parts.append(".")
        self.para(*parts)

    def scaling_note(self) -> None:
        """How the sample given in the data's own units became the inputs above: the network's input scaling."""
        means, stds = scaling_of(self.net)
        given = ("so the sample, given in the data's own units, is standardised first" if self.data_units else
                 "and these inputs are standardised values")
        parts: List[Part] = [f"The network was trained on standardised inputs, {given}: each input is (x - mean) / std "
                            "with the training rows' mean and standard deviation (its input scaling), x being the "
                            "input in the data's own units: "]
        for i, (n, m, sd) in enumerate(zip(self.net.inputs, means, stds)):
            if i:
                parts.append("; ")
            parts += [Named(n.name), f" = ({_plain(self.raw[n.name], 6)} - {_paren(m)}) / {_plain(sd, 6)} = "
                      f"{_plain(n.value, 6)}"]
        parts.append(". Every number below is computed from the standardised inputs.")
        sc = self.net.scaling
        if sc.scales_target:             # a regression: the target was standardised too
            parts.append(f" The network also learned its target standardised, (t - {_paren(sc.target_mean)}) / "
                         f"{_plain(sc.target_std, 6)}: its outputs and targets below are in those units, and an "
                         f"output O means O · {_plain(sc.target_std, 6)} + {_paren(sc.target_mean)} in the data's "
                         "own units (as tinygraph predict gives it).")
        self.para(*parts)

    # 2. forward
    def forward_pass(self, sym: Symbols, net: Network) -> None:
        """Each neuron's net input and output, in an order where its sources come first."""
        soft = net.softmax_layer()
        in_layer = {id(n) for n in soft}
        for n in net.order():
            if n.is_input:
                continue
            f, o = F.net_input_of(n), F.output_of(n)
            linear = o is None
            if id(n) in in_layer:                # its output is the whole layer's: written after the layer
                o, linear = None, False
            self.check(f"net_{n.name}", n.net_input, f.value)
            key = sym.out_key(n) if linear else sym.net_key(n)
            w = written(f, sym, n, key, n.net_input)
            self.out.values[key] = n.net_input
            rows = equation(w).rows
            answers = [(key, w.lhs, n.net_input)]
            if o is not None:
                self.check(f"O_{n.name}", n.value, o.value)
                wo = written(o, sym, n, sym.out_key(n), n.value)
                self.out.values[sym.out_key(n)] = n.value
                rows += equation(wo).rows
                answers.append((sym.out_key(n), wo.lhs, n.value))
            self.display(Equation(rows), *answers)
        if soft:
            self.softmax_outputs(sym, soft)

    def softmax_outputs(self, sym: Symbols, soft: Sequence[Neuron]) -> None:
        """The softmax layer's outputs from its net inputs: Σ_j e^net_j once, then each O_k."""
        fs = [F.output_of(n) for n in soft]
        ws = softmax_sum_written(fs[0], sym, soft)
        m = softmax_shift(fs[0])
        note = "" if m == 0.0 else (f"(m = {_plain(m)}, the largest net input, taken from every power: the "
                                    "same fractions, but no power overflows a float)")
        self.out.values[sym.sum_key()] = ws.value.value
        self.display(equation(ws, note=note), (sym.sum_key(), ws.lhs, ws.value.value))
        self.check("the sum of the softmax outputs", sum(n.value for n in soft), 1.0)
        for i, (n, f) in enumerate(zip(soft, fs)):
            self.check(f"O_{n.name}", n.value, f.value)
            key = sym.out_key(n)
            self.out.values[key] = n.value
            wo = written(f, sym, n, key, n.value)
            last = i == len(soft) - 1
            self.display(equation(wo, note="(the probabilities add up to 1)" if last else ""), (key, wo.lhs, n.value))

    def forward_section(self) -> None:
        self.blocks.append(Heading(2, "2. The forward pass"))
        self.para("Each neuron j adds up the outputs of the neurons that feed it, each times the weight of its "
                  "synapse, adds its bias, and passes the sum through its activation f:")
        self.general(F.NetInput, F.Output)
        if self.soft:
            self.para("The output layer is a softmax: it takes the net inputs of all its neurons together and "
                      "turns them into probabilities, one per class, that add up to 1 (the bigger a net input, "
                      "the bigger its share):")
            self.general(F.SoftmaxOutput)
        self.para("Neuron by neuron, each after the neurons that feed it"
                  + (", and the softmax once its layer's net inputs are known:" if self.soft else ":"))
        self.forward_pass(self.sym, self.net)

    # 3. the error
    def error_equation(self, step: NetworkStep, sym: Symbols, outputs: Sequence[Neuron], key: Hashable) -> Equation:
        """E with this pass's numbers: the squared error by its formula, a named error term by term,
        a user's error function by its value alone."""
        form = self.err.form
        value = Num(step.number, key, paren=False)
        if self.err.softmax:
            f = F.cross_entropy_of(outputs, self.tmap)
            self.check("E", step.number, f.value)
            zero = any(not self.tmap[k.name] for k in outputs)
            tiny = any(self.tmap[k.name] and k.value < TINY for k in outputs)
            note = " ".join(x for x in ("(a term whose target is 0 is 0)" if zero else "",
                                        "(each ln O worked from the net inputs: the net input minus the ln of the "
                                        "sum of e to each net input, so no O is rounded to 0)" if tiny else "") if x)
            return equation(written(f, sym, None, key, step.number), note=note)
        if self.err.squared:
            f = F.squared_error_of(outputs, self.tmap)
            self.check("E", step.number, f.value)
            return equation(written(f, sym, None, key, step.number))
        if self.err.named and self.tmap:
            terms = [form.terms(Num(k.value, sym.out_key(k)), Num(self.tmap[k.name], ("t", k.name)))
                     for k in outputs]
            n = len(outputs)
            numbers = [Row(Frac(Num(1.0), Num(float(n))), Paren(*joined(terms)))] if n > 1 else terms
            return equation(Written(E, [form.general], numbers, value), one_line=False)
        return Equation([(E, EQ, Row(Name(form.name), Words("of the outputs and targets"), EQ, value))])

    def error_section(self) -> None:
        self.blocks.append(Heading(2, "3. The error"))
        step = self.of("error")[0]
        form = self.err.form
        self.out.values[("error",)] = step.number
        if self.err.softmax:
            self.para("The error measures how far the outputs are from their targets. For a softmax layer it is "
                      "the cross-entropy: with one-hot targets, minus the logarithm of the probability the "
                      "network gives the right class (0 when that probability is 1, large when it is near 0):")
            self.general(F.CrossEntropy)
        elif self.err.squared:
            self.para("The error measures how far the outputs are from their targets. The squared error, "
                      "with this sample's numbers:")
        elif self.err.named:
            self.para(f"The error measures how far the outputs are from their targets. Here it is {form.name} "
                      f"(n = {len(self.net.outputs)} outputs), with this sample's numbers:")
        else:
            self.para("The error measures how far the outputs are from their targets. Here it is the function ",
                      Strong(form.name), " given to explain(), and its slope for each output comes from the "
                      "backward walk:")
        self.display(self.error_equation(step, self.sym, self.net.outputs, ("error",)), (("error",), E, step.number))
        sc = self.net.scaling
        if sc is not None and sc.scales_target:
            self.data_units_section(step.number)
        if form.slope is not None:
            self.para("Its slope for each output k, where backpropagation starts:")
            self.blocks.append(Display(Equation([(dE(O(K)), EQ, form.slope)])))

    def data_units_section(self, error: float) -> None:
        """A regression that learned its target standardised: its output, and the squared error, in the data's units."""
        sc = self.net.scaling
        std, mean = sc.target_std, sc.target_mean
        name = sc.target or "the target"
        rows = []
        answers = []
        for n in self.net.outputs:
            key = ("units", n.name)
            value = sc.unscale(n.value)
            self.out.values[key] = value
            o = Num(n.value, self.sym.out_key(n))
            rows.append((Row(O(n.name), DOT, Num(std), PLUS, Num(mean)), EQ,
                         Row(o, DOT, Num(std), PLUS, Num(mean), EQ, Num(value, key, paren=False))))
            answers.append((key, rows[-1][0], value))
        if self.err.squared or self.err.form.name == "mse":
            value = error * std * std
            self.out.values[("errorunits",)] = value
            rows.append((Row(E, DOT, Sup(Num(std), Num(2.0))), EQ,
                         Row(Num(error, ("error",)), DOT, Sup(Num(std), Num(2.0)), EQ,
                             Num(value, ("errorunits",), paren=False))))
            answers.append((("errorunits",), rows[-1][0], value))
        squared = ("errorunits",) in self.out.values
        self.para(f"The network learned {name} standardised, so the numbers above are in standard deviations of "
                  f"{name} from its mean. In {name}'s own units (as tinygraph predict and tinygraph train give "
                  "them), the output is turned back by the target scaling"
                  + (", and the error, a square, by the standard deviation squared:" if squared else ":"))
        self.display(Equation(rows, note="(tinygraph train's mse is the mean of (O - t) squared, 2E, over the rows)"
                              if squared else ""), *answers)

    # 4. and 5. deltas
    def delta_sections(self) -> None:
        self.blocks.append(Heading(2, "4. The output deltas"))
        if self.soft:
            self.softmax_delta_words()
        else:
            self.para("The delta of an output neuron k is the slope of the error with respect to its net input; "
                      "by the chain rule it is the activation's slope times the error's:")
        if self.soft:
            pass                                 # its general form ends the derivation above
        elif self.err.squared:
            self.general(F.OutputDelta)
        else:
            self.blocks.append(Display(Equation([(delta(K), EQ, Row(dE(net_sym(K)), EQ, _fprime(K),
                                                                        dE(O(K)))) ])))
        if not self.soft:
            self._slope_words([s.subject for s in self.of("output delta")])
        for st in self.of("output delta"):
            self.delta(st)
        self.blocks.append(Heading(2, "5. The hidden deltas"))
        hidden = self.of("hidden delta")
        if not hidden:
            self.para("This network has no hidden neurons, so there are no hidden deltas.")
            return
        self.para("A hidden neuron j changes the error through every neuron k it feeds, so its delta adds up "
                  "their deltas, each times the weight of the synapse from j to k (a synapse that skips a layer "
                  "counts like any other), times its own activation's slope. The deltas are worked from the "
                  "outputs back, so each one it needs is known:")
        self.general(F.HiddenDelta)
        self._slope_words([s.subject for s in hidden])
        for st in hidden:
            self.delta(st)

    def softmax_delta_words(self) -> None:
        """Why a softmax layer's output delta is O_k - t_k: the chain rule through every output."""
        i = Id("i")
        self.para("The delta of an output neuron k is the slope of the error with respect to its net input. In "
                  "a softmax layer ", net_sym(K), " moves every output ", O(i), " (they share one denominator), so "
                  "the chain rule adds up a path through each: the error's slope ", Row(dE(O(i)), EQ, Row(MINUS, Frac(target(i), O(i)))),
                  " times the softmax's slope ", softmax_slope(i, K), ", where ", indicator(i, K),
                  " is 1 when i = k and 0 otherwise. The targets add up to 1, so it all comes to a short result:")
        self.blocks.append(Display(Equation(SOFTMAX_DERIVATION, note="(the targets add up to 1)")))
        self.para("So the delta of each output is how far its probability is from its target, with no slope "
                  "factor in front: the softmax's slopes and the logarithm in the error cancel. The backward walk "
                  "finds the same numbers the long way, through each ", O(i), ":")

    def _slope_words(self, neurons: Sequence[Neuron]) -> None:
        seen: Dict[str, List[Neuron]] = {}
        for n in neurons:
            seen.setdefault(activation_form(n.activation).name, []).append(n)
        parts: List[Part] = []
        for name, ns in seen.items():
            form = activation_form(name)
            parts += [("For " if not parts else "; for ")] + _words(form) + [" ("] + _names(ns) + ["): "]
            parts.append(form.definition[-1])          # the slope, as this activation's own
            parts.append(_SLOPE_WORDS.get(name, "" if name in ACTIVATIONS else ", the number its slope function "
                                                                               "gives at the net input"))
        if parts:
            parts.append(".")
            self.para(*parts)

    def delta(self, st: NetworkStep) -> None:
        n = st.subject
        key = ("delta", n.name)
        self.out.values[key] = st.number
        if st.walk_step is None:                 # the error does not depend on n
            self.display(Equation([(delta(n.name), EQ, Num(0.0, key, paren=False))],
                                  note="(the error does not depend on this neuron: the walk never reaches it)"),
                         (key, delta(n.name), 0.0))
            return
        if st.kind == "output delta" and self.soft:
            f = F.SoftmaxDelta(n.name, n.value, self.tmap[n.name])
            self.check(f"δ_{n.name}", st.number, f.value)
            w = written(f, self.sym, n, key, st.number)
            self.display(equation(w, note=_walk_note(st)), (key, delta(n.name), st.number))
            return
        slope = activation_slope(n)
        if st.kind == "output delta":
            f = F.output_delta_of(n, slope, self.tmap[n.name] if self.err.squared else None)
            if not self.err.squared:
                self.dEdO(n)
        else:
            f = F.hidden_delta_of(n, slope)
        self.check(f"δ_{n.name}", st.number, f.value)
        w = written(f, self.sym, n, key, st.number)
        self.display(equation(w, note=_walk_note(st), one_line=False), (key, delta(n.name), st.number))

    def dEdO(self, n: Neuron) -> None:
        """∂E/∂O_k of an error other than the squared error: the walk's number, and its formula."""
        form = self.err.form
        key = ("dEdO", n.name)
        g = n.grad
        self.out.values[key] = g
        t = self.tmap.get(n.name)
        k = len(self.net.outputs)
        if form.slope_value is not None and t is not None:
            by_formula = form.slope_value(n.value, t, k)
            if form.slope_numbers is not None and _agree(g, by_formula):
                nums = form.slope_numbers(Num(n.value, self.sym.out_key(n)), Num(t, ("t", n.name)), k)
                w = Written(dE(O(n.name)), [_subst(form.slope, n.name)], [nums], Num(g, key, paren=False))
                self.display(equation(w), (key, dE(O(n.name)), g))
                return
            if not _agree(g, by_formula):
                self.display(Equation([(dE(O(n.name)), EQ, Num(g, key, paren=False))],
                                      note=f"(from the walk; the formula gives {_plain(by_formula)}: the error "
                                           "function clamps its logarithms near 0 and 1)"), (key, dE(O(n.name)), g))
                return
        self.display(Equation([(dE(O(n.name)), EQ, Num(g, key, paren=False))], note="(from the backward walk)"),
                     (key, dE(O(n.name)), g))

    # 6. gradients
    def gradient_section(self) -> None:
        self.blocks.append(Heading(2, "6. The gradients"))
        self.para("The gradient of a weight is the delta of the neuron the synapse leads into times the output "
                  "the synapse carries; a bias is the weight of an input fixed at 1, so its gradient is the delta:")
        self.general(F.WeightGradient, F.BiasGradient)
        for st in self.steps:
            if st.kind not in ("weight gradient", "bias gradient"):
                continue
            p = st.subject
            key = ("grad", self.sym.index[id(p)])
            self.out.values[key] = st.number
            f = F.gradient_of(p)
            sym = dE(self.sym.weight(p)) if st.kind == "weight gradient" else dE(theta(p.neuron.name))
            self.check(f"dE/d{p.name}", st.number, f.value)
            w = written(f, self.sym, p, key, st.number)
            self.display(equation(w, note=_walk_note(st)), (key, sym, st.number))
        self.figure("network-backward", ["The network after the backward pass: each neuron's output (after =) "
                                         "and delta ", delta(J), ", each synapse's gradient ", dE(Id("w")), "."],
                    "the network after the backward pass", self.net, values=True, deltas=True, grads=True)

    # 7. update
    def update_section(self) -> None:
        self.blocks.append(Heading(2, "7. The update"))
        biases = [p for p in self.net.parameters() if isinstance(p, Bias)]
        moved = "weight and bias" if biases and self.update == "all" else "weight"
        self.para(f"Each {moved} takes a step against its gradient, the gradient times the learning rate ",
                  Row(ETA, EQ, Num(self.lr, ("lr",), paren=False)), ":")
        self.general(F.Update)
        for st in self.of("update"):
            p = st.subject
            i = self.sym.index[id(p)]
            key = ("new", i)
            self.out.values[key] = st.number
            f = F.Update(p.name, p.value, p.grad, self.lr)
            self.check(f"the new {p.name}", st.number, f.value)
            w = written(f, self.sym, p, key, st.number)
            self.display(equation(w, one_line=False), (key, self.sym.param(p), st.number))
        if biases and self.update == "all":
            self.para("This step updates the weights and the biases, as train() does. Mazur's published worked "
                      "example keeps the biases fixed and updates the weights only, so its new error differs "
                      "from the one below; explain(..., update='weights') (tinygraph explain --update weights) "
                      "follows that convention and matches its numbers.")
        elif biases:
            self.para("This step updates the weights only: the biases keep their values (update='weights', "
                      "the convention of Mazur's published worked example; train() updates the biases too).")
        moved_ids = {id(st.subject) for st in self.of("update")}
        fixed = [p for p in self.net.parameters(include_fixed=True) if not p.trainable]
        kept = [p for p in self.net.parameters() if id(p) not in moved_ids]
        if kept and self.update == "weights":
            self.para("Kept at their values by this convention: ",
                      *_inline_list([self.sym.param(p) for p in kept]), ".")
        if fixed:
            self.para("Fixed (not trainable), so they keep their values: ",
                      *_inline_list([self.sym.param(p) for p in fixed]), ".")
        self.figure("network-after", ["The network after the update: the new weights" +
                                      (" and biases." if moved == "weight and bias" else ".")],
                    "the network after the update", self.after,
                    values=False)

    # 8. forward again
    def second_pass_section(self) -> None:
        self.blocks.append(Heading(2, "8. The forward pass with the new weights"))
        self.para("The same sample through the updated network:")
        self.forward_pass(self.sym2, self.after)
        st = self.of("new error")[0]
        was = self.of("error")[0].number
        self.out.values[("error2",)] = st.number
        self.display(self.error_equation(st, self.sym2, self.after.outputs, ("error2",)), (("error2",), E, st.number))
        d = number_pair(was, st.number)
        before = Row(E, EQ, Num(was, ("error",), paren=False, decimals=d))
        after = Row(E, EQ, Num(st.number, ("error2",), paren=False, decimals=d))
        change = st.number - was
        if change < 0:
            self.para(f"One step lowered the error by {-100 * change / was:.3g} %, from ", before, " to ", after, ".")
        elif change > 0:
            self.para("This step raised the error, from ", before, " to ", after, ": the learning rate is too "
                      "large for this network here (try a smaller one).")
        else:
            self.para("The error did not change: ", after, ".")

    # 9. repeat
    def repeat_section(self) -> None:
        self.blocks.append(Heading(2, "9. Repeat until the error is small"))
        st = self.of("repeat")[0]
        h = st.history
        E0 = Row(E, EQ, Num(self.of("error")[0].number, ("error",), paren=False))
        until = Num(self.until, paren=False)
        text = "Training repeats steps 2 to 7 until the error is below a threshold"
        if "never gets there" in st.extra:
            self.para(text, ". With this learning rate train() does not get below ", until, ": the weights grow "
                      "too large for a float. A smaller learning rate would.")
        elif h.converged and h.epochs == 0:
            self.para(text, ". Here the error ", E0, " is below the threshold ", until, " already, so training "
                      "would have stopped before this update.")
        elif h.converged:
            self.para(text, ". With the threshold ", until, f", train() gets there after {_count(h.epochs, 'epoch')} "
                      "(one epoch is one such step on this sample; the step above was the first): from ", E0,
                      " the error falls to ", Num(h.final, paren=False), ".")
        else:
            self.para(text, f". After {_count(h.epochs, 'epoch')} of train() (as many as this explanation lets it "
                      "run) the error is ", Num(h.final, paren=False), ", still not below ", until, ".")
        if len(h) >= 2 and self.drawing:
            curve = Curve(list(h), self.until)
            self.blocks.append(Figure("error-curve", ["The error E after each epoch of train(); the dashed line "
                                      "is the threshold."], lambda: curve.svg(), tikz=lambda: curve.tikz(),
                                      alt="the error curve"))

    def checks_section(self) -> None:
        self.blocks.append(Heading(2, "How these numbers were checked"))
        worst = self.delta_rule_check()
        base = ("Each delta and gradient above is the number tinygraph's backward walk computed, and each was "
                "worked again from its formula with the numbers shown (they agree to within "
                f"{TOLERANCE:g} relative). ")
        if isinstance(worst, str):
            self.para(base + "The delta rule, worked separately in plain floats (tinygraph.delta_rule), "
                      f"does not cover this network ({worst}), so it was not used here.")
        else:
            self.para(base + "The delta rule, worked separately in plain floats (tinygraph.delta_rule), "
                      "gives the same error, deltas and gradients"
                      + (" to the last digit." if worst == 0 else f" (the largest difference is {worst:.1e})."))

    def delta_rule_check(self) -> Union[float, str]:
        """The largest difference from delta_rule, or why it does not apply."""
        if not self.err.squared and not self.err.softmax:
            return "it is written for the squared error"
        try:
            rule = delta_rule(self.net, self.inputs, self.targets)
        except GraphError as e:
            msg = str(e)
            if "not sigmoid" in msg:
                return "it is written for sigmoid neurons"
            if "skips a layer" in msg:
                return "it is written for layer-by-layer networks, and a synapse here skips a layer"
            return msg
        pairs: List[Tuple[str, float, float]] = [("E", self.out.values[("error",)], rule.error)]
        for n in self.net.neurons.values():
            if not n.is_input:
                pairs.append((f"δ_{n.name}", self.out.values[("delta", n.name)], rule.deltas[n.name]))
                if n.bias is not None:
                    pairs.append((f"dE/d{n.bias.name}", self.out.values[("grad", self.sym.index[id(n.bias)])],
                                  rule.bias_grads[n.name]))
        for s in self.net.synapses:
            pairs.append((f"dE/d{s.name}", self.out.values[("grad", self.sym.index[id(s)])], rule.weight_grads[s.name]))
        worst = 0.0
        for what, walk, by_rule in pairs:
            if not _agree(walk, by_rule):
                raise ExplainCheckError(f"explain: {what} is {walk!r} in the backward walk but {by_rule!r} by "
                                        "delta_rule; this is a bug in tinygraph, please report it with the network")
            worst = max(worst, abs(walk - by_rule))
        return worst


def activation_slope(n: Neuron) -> float:
    """f'(net_n) from the activation table (1 for a linear neuron)."""
    if n.output is n.net_node:
        return 1.0
    return get_activation(n.activation).df(n.net_input)


#: what the slope rule of an activation means for the deltas
_SLOPE_WORDS = {"linear": ", so that factor is left out",
                "relu": ": the error flows back only through a ramp whose net input is above 0",
                "sign": ": the step is flat on either side of its jump, so no error flows back through it"}


def _words(form: ActivationForm) -> List[Part]:
    """What an activation is called: tinygraph's words for a built-in one, the name of a registered one."""
    return [form.words] if form.name in ACTIVATIONS else ["the activation ", Named(form.name)]


def _fprime(j: M) -> M:
    return fprime(j)


def _wij() -> List[M]:
    return [W(Id("i"), Id("j"))]


def _subst(m: M, name: str) -> M:
    """A copy of a general form for output k (the forms of ERRORS use the letter k) with k -> ``name``."""
    m = copy.deepcopy(m)

    def k_to_name(x: M) -> M:
        return Name(name) if isinstance(x, Id) and x.t == "k" else x

    def visit(x: M) -> None:
        for attr, val in list(vars(x).items()):
            if isinstance(val, M):
                setattr(x, attr, k_to_name(val))
                visit(getattr(x, attr))
            elif isinstance(val, list):
                for i, it in enumerate(val):
                    if isinstance(it, M):
                        val[i] = k_to_name(it)
                        visit(val[i])

    if isinstance(m, Id):
        return k_to_name(m)
    visit(m)
    return m


def _paren(x: float) -> str:
    """A number as plain text, in brackets when negative (it follows a minus sign)."""
    text = _plain(x, 6)
    return f"({text})" if x < 0 else text


def _plain(x: float, decimals: int = 9) -> str:
    """A number as plain text (for words, not math)."""
    sign, digits, exp = number_text(x, decimals)
    return sign + digits + ("" if exp is None else f"e{exp}")
