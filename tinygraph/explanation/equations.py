"""The delta rule's formulas (:mod:`tinygraph.stepping.formulas`, their one home) written as math.

Each class of :data:`tinygraph.stepping.formulas.FORMULAS` has here its general form
(:data:`GENERAL`) and a writer that reads an instance's structure
(its names, terms and numbers) and gives the formula in symbols with this
network's names put in, and again with its numbers (:func:`written`).  The
activations' slopes are written as each activation's own (the sigmoid's
O(1 - O), tanh's 1 - O², the step's 0, the ramp's 0 or 1, the identity's 1,
a registered one's f'(net)); errors other than the squared error have
their forms in :data:`ERRORS`.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Hashable, List, Optional, Sequence, Tuple, Union

from ..stepping import formulas as F
from ..engine.activations import Activation, get_activation
from ..errors import WrongTypeError
from ..networks.network import Bias, Network, Neuron, Synapse
from .notation import (COMMA, DOT, EQ, GETS, HALF, MINUS, PARTIAL, PLUS, Frac, Id, M, Name, Num, Op, Paren,
                       Row, Sub, Sum, Sup, Words, joined, number_pair)

__all__ = ["Symbols", "GENERAL", "SOFTMAX_DERIVATION", "softmax_sum_written", "written", "Equation", "equation", "ACTIVATIONS", "activation_form",
           "ERRORS", "ErrorForm", "O", "net", "delta", "theta", "target", "dE", "ETA"]

#: an index of a symbol: a name from the network (written as text) or a letter of a general form
Index = Union[M, str]
#: what a network learns: a synapse's weight or a neuron's bias
Parameter = Union[Synapse, Bias]

# -- symbols ------------------------------------------------------------------------------------

ETA = Id(r"\eta", "\u03b7")
E = Id("E")
ONE = Num(1.0)


def _ix(x: Index) -> M:
    """An index: a network name (as text) or a letter of the general formula."""
    return x if isinstance(x, M) else Name(x)


def O(j: Index) -> M:
    return Sub("O", _ix(j))


def net(j: Index) -> M:
    return Sub(Id(r"\mathrm{net}", "net"), _ix(j))


def delta(j: Index) -> M:
    return Sub(Id(r"\delta", "\u03b4"), _ix(j))


def theta(j: Index) -> M:
    return Sub(Id(r"\theta", "\u03b8"), _ix(j))


def target(k: Index) -> M:
    return Sub("t", _ix(k))


def W(i: Index, j: Index) -> M:
    return Sub("W", Row(_ix(i), COMMA, _ix(j)))


def dE(x: M) -> M:
    """∂E/∂x"""
    return Frac(Row(PARTIAL, E), Row(PARTIAL, x))


F_PRIME = Id("f'", "f\u2032", mml="<mrow><mi>f</mi><mo>\u2032</mo></mrow>")


def fprime(j: Index) -> M:
    """f'(net_j)"""
    return Row(F_PRIME, Paren(net(j)))


I, J, K = Id("i"), Id("j"), Id("k")


def _ln(x: M) -> M:
    return Row(Id(r"\ln", "ln"), x if isinstance(x, Paren) else Paren(x))


def indicator(a: Index, b: Index) -> M:
    """1[a = b]: 1 when a and b are the same neuron, else 0."""
    return Row(Id(r"\mathbf{1}", "1", mml='<mn style="font-weight: bold">1</mn>'), Op("[", "["), _ix(a), EQ, _ix(b), Op("]", "]"))


def exp_of(x: M) -> M:
    """e^x"""
    return Sup("e", x)


def softmax_fraction(k: Index) -> M:
    """e^net_k / Σ_j e^net_j"""
    return Frac(exp_of(net(k)), Sum(J, exp_of(net(J))))


def softmax_slope(k: Index, j: Index) -> M:
    """∂O_k/∂net_j = O_k (1[k = j] - O_j), the softmax's local derivatives"""
    return Row(Frac(Row(PARTIAL, O(k)), Row(PARTIAL, net(j))), EQ, O(k), Paren(indicator(k, j), MINUS, O(j)))


class Symbols:
    """How this network's things are written, and the keys of their numbers.

    ``net`` the network; ``second``: the forward pass with the new weights (its outputs and
    net inputs have keys of their own, and weights are the new ones)."""

    def __init__(self, net: Network, second: bool = False) -> None:
        self.net = net
        self.second = second
        self.index = {id(p): i for i, p in enumerate(net.parameters(include_fixed=True))}

    def weight(self, syn: Synapse) -> M:
        """W_{i,j} for the synapse i -> j (tinygraph's default name w_i_j), else its own name."""
        if syn.name == f"w_{syn.src.name}_{syn.dst.name}":
            return W(syn.src.name, syn.dst.name)
        return Name(syn.name)

    def param(self, p: Parameter) -> M:
        """A synapse's weight or a bias, as a symbol."""
        return self.weight(p) if isinstance(p, Synapse) else theta(p.neuron.name)

    def param_key(self, p: Parameter) -> Hashable:
        """The key of a parameter's value in this pass (its new value in the second)."""
        i = self.index[id(p)]
        return ("new", i) if self.second and p.trainable else ("param", i)

    def out_key(self, n: Neuron) -> Hashable:
        if n.is_input:
            return ("in", n.name)
        return ("out2" if self.second else "out", n.name)

    def net_key(self, n: Neuron) -> Hashable:
        return ("net2" if self.second else "net", n.name)

    def sum_key(self) -> Hashable:
        """The key of a softmax layer's Σ_j e^net_j in this pass."""
        return ("expsum2",) if self.second else ("expsum",)


# -- activations --------------------------------------------------------------------------------


class ActivationForm:
    """How an activation is written: ``apply(x)`` f(x); ``definition``: f and f' as math rows;
    ``slope(j, o)`` f'(net_j) in symbols and ``slope_numbers(o, slope)`` with numbers
    (None where the factor is 1 and is left out)."""

    def __init__(self, name: str, apply: Callable[[M], M], definition: List[M],
                 slope: Optional[Callable[[Index], M]], slope_numbers: Optional[Callable[[Num, float], M]],
                 words: str) -> None:
        self.name, self.apply, self.definition = name, apply, definition
        self.slope, self.slope_numbers, self.words = slope, slope_numbers, words


def _fn(tex: str, text: str) -> Callable[[M], M]:
    return lambda x: Row(Id(tex, text), Paren(x))


X = Id("x")
_SIGMA = _fn(r"\sigma", "\u03c3")

ACTIVATIONS: Dict[str, ActivationForm] = {
    "sigmoid": ActivationForm(
        "sigmoid", _SIGMA,
        [Row(_SIGMA(X), EQ, Frac(Num(1.0), Row(Num(1.0), PLUS, Sup("e", Row(MINUS, X))))),
         Row(fprime(J), EQ, _SIGMA(net(J)), Paren(Num(1.0), MINUS, _SIGMA(net(J))), EQ, O(J), Paren(Num(1.0), MINUS, O(J)))],
        lambda j: Row(O(j), Paren(Num(1.0), MINUS, O(j))),
        lambda o, s: Row(o, DOT, Paren(Num(1.0), MINUS, o)),
        "the sigmoid"),
    "tanh": ActivationForm(
        "tanh", _fn(r"\tanh", "tanh"),
        [Row(fprime(J), EQ, Num(1.0), MINUS, Sup(Row(Id(r"\tanh", "tanh"), Paren(net(J))), Num(2.0)), EQ,
             Num(1.0), MINUS, Sup(O(J), Num(2.0)))],
        lambda j: Paren(Num(1.0), MINUS, Sup(O(j), Num(2.0))),
        lambda o, s: Paren(Num(1.0), MINUS, Sup(o, Num(2.0))),
        "tanh"),
    "relu": ActivationForm(
        "relu", lambda x: Row(Id(r"\max", "max"), Paren(Num(0.0), COMMA, x)),
        [Row(fprime(J), EQ, Num(1.0), Words("if"), net(J), Op(">", ">"), Num(0.0), Words("else"), Num(0.0))],
        lambda j: fprime(j), lambda o, s: Num(s), "the ramp max(0, x)"),
    "sign": ActivationForm(
        "sign", _fn(r"\operatorname{sign}", "sign"),
        [Row(Id(r"\operatorname{sign}", "sign"), Paren(X), EQ, MINUS, Num(1.0), Words("if"), X, Op("<", "<"),
             Num(0.0), Words("else"), PLUS, Num(1.0)),
         Row(fprime(J), EQ, Num(0.0))],
        lambda j: fprime(j), lambda o, s: Num(s), "the step"),
    "linear": ActivationForm(
        "linear", lambda x: x, [Row(Id("f"), Paren(X), EQ, X), Row(fprime(J), EQ, Num(1.0))],
        None, None, "the identity"),
    # a whole output layer: its slopes are not one number per neuron (see SOFTMAX_DERIVATION)
    "softmax": ActivationForm(
        "softmax", lambda x: Row(Id(r"\operatorname{softmax}", "softmax"), Paren(x)),
        [Row(O(K), EQ, softmax_fraction(K)), softmax_slope(K, J)], None, None, "the softmax"),
}


def activation_form(activation: Union[str, Activation]) -> ActivationForm:
    """The written form of an activation (a name or an Activation); a registered one is written
    by its name, its slope f'(net) as the number its df gives."""
    name = get_activation(activation).name
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    fn = lambda x: Row(Name(name), Paren(x))                       # noqa: E731
    return ActivationForm(name, fn, [Row(fprime(J), EQ, Row(Name(name), Id("'", "\u2032", mml="<mo>\u2032</mo>")), Paren(net(J)))],
                          lambda j: fprime(j), lambda o, s: Num(s), name)


# -- general forms ------------------------------------------------------------------------------

#: each formula of tinygraph.stepping.formulas in its general form: rows of (left side, relation, right side)
GENERAL: Dict[type, List[Tuple[M, M, M]]] = {
    F.NetInput: [(net(J), EQ, Row(Sum(I, Row(W(I, J), O(I))), PLUS, theta(J)))],
    F.Output: [(O(J), EQ, Row(Id("f"), Paren(net(J))))],
    F.SquaredError: [(E, EQ, Row(HALF, Sum(K, Sup(Paren(O(K), MINUS, target(K)), Num(2.0)))))],
    F.OutputDelta: [(delta(K), EQ, Row(dE(net(K)), EQ, fprime(K), dE(O(K)), EQ, fprime(K), Paren(O(K), MINUS,
                                                                                               target(K))))],
    F.HiddenDelta: [(delta(J), EQ, Row(fprime(J), Sum(K, Row(delta(K), W(J, K)))))],
    F.WeightGradient: [(dE(W(J, K)), EQ, Row(delta(K), O(J)))],
    F.BiasGradient: [(dE(theta(K)), EQ, Row(delta(K), DOT, Num(1.0)))],
    F.Update: [(Id("W"), GETS, Row(Id("W"), MINUS, ETA, dE(Id("W")))),
               (theta(K), GETS, Row(theta(K), MINUS, ETA, dE(theta(K))))],
    # a softmax output layer with the cross-entropy
    F.SoftmaxOutput: [(O(K), EQ, softmax_fraction(K))],
    F.CrossEntropy: [(E, EQ, Row(MINUS, Sum(K, Row(target(K), _ln(O(K))))))],
    F.SoftmaxDelta: [(delta(K), EQ, Row(dE(net(K)), EQ, O(K), MINUS, target(K)))],
}

#: why δ_k = O_k - t_k for a softmax layer with the cross-entropy: the chain rule through every O_i,
#: with the softmax's slopes and the error's dE/dO_i = -t_i / O_i (the targets add up to 1)
SOFTMAX_DERIVATION: List[Tuple[Optional[M], Optional[M], M]] = [
    (delta(K), EQ, Row(dE(net(K)), EQ, Sum(I, Row(dE(O(I)), Frac(Row(PARTIAL, O(I)), Row(PARTIAL, net(K))))))),
    (None, EQ, Sum(I, Row(Paren(MINUS, Frac(target(I), O(I))), O(I), Paren(indicator(I, K), MINUS, O(K))))),
    (None, EQ, Row(MINUS, target(K), PLUS, O(K), Sum(I, target(I)))),
    (None, EQ, Row(O(K), MINUS, target(K))),
]


# -- one formula with its names and numbers -----------------------------------------------------


class Written:
    """A formula written out: ``lhs``, ``rel`` (= or ←), ``symbols`` and ``numbers`` (each a list of
    terms added up), the ``value`` as a Num, and a ``note`` (words after it, or "")."""

    def __init__(self, lhs: M, symbols: List[M], numbers: List[M], value: Num, rel: M = EQ,
                 note: str = "") -> None:
        self.lhs, self.symbols, self.numbers, self.value, self.rel, self.note = lhs, symbols, numbers, value, rel, note
        #: for a hidden delta, its numbers as (the slope's factor or None, the terms of the sum in brackets),
        #: so that a long sum can be broken over lines inside its brackets
        self.product: Optional[Tuple[Optional[M], List[M]]] = None


def _delta_parts(f: F._Delta, sym: Symbols, back_sym: M, back_num: M, n: Neuron) -> Tuple[List[M], List[M], str]:
    form = activation_form(f.activation)
    o = Num(f.o, sym.out_key(n))
    if form.slope is None:                               # the identity: f' = 1 is left out
        return [back_sym], [back_num], "linear: f\u2032 = 1"
    return [Row(form.slope(f.j), back_sym)], [Row(form.slope_numbers(o, f.slope), DOT, back_num)], ""


def written(f: F.Formula, sym: Symbols, subject: Union[Neuron, Parameter, None], key: Hashable, value: Optional[float] = None) -> Written:
    """``f`` (an instance of a class of tinygraph.stepping.formulas) written with ``sym``'s symbols.

    ``subject`` is what it is about (the Neuron, Synapse or Bias; None for the error), ``key``
    the key of its result, ``value`` the number to show as its result (the walk's; default
    ``f.value``)."""
    v = f.value if value is None else value
    net_ = sym.net
    if isinstance(f, F.NetInput):
        n = subject
        syns = {s.src.name: s for s in n.incoming}
        symbols = [Row(sym.weight(syns[j]), O(j)) for _, _, j, _ in f.terms]
        numbers = [Row(Num(w, sym.param_key(syns[j])), DOT, Num(o, sym.out_key(syns[j].src)))
                   for _, w, j, o in f.terms]
        if Row(*joined(symbols)).width() > LINE_WIDTH:      # too long to read in symbols: its numbers say all
            symbols = _elided(symbols)
        if f.bias is not None:
            symbols.append(theta(n.name))
            numbers.append(Num(f.bias[1], sym.param_key(n.bias)))
        if not symbols:
            symbols, numbers = [Num(0.0)], [Num(0.0)]
        lhs = O(n.name) if f.lhs.startswith("O_") else net(n.name)
        return Written(lhs, symbols, numbers, Num(v, key, paren=False))
    if isinstance(f, F.Output):
        n = subject
        form = activation_form(f.activation)
        return Written(O(n.name), [form.apply(net(n.name))], [form.apply(Num(f.net, sym.net_key(n), paren=False))],
                       Num(v, key, paren=False))
    if isinstance(f, F.SquaredError):
        outs = {k.name: k for k in net_.outputs}
        symbols = [Row(HALF, Sum(K, Sup(Paren(O(K), MINUS, target(K)), Num(2.0))))]
        numbers = [Row(HALF, Sup(Paren(Num(o, sym.out_key(outs[k])), MINUS, Num(t, ("t", k))), Num(2.0)))
                   for k, o, t in f.outputs]
        return Written(E, symbols, numbers, Num(v, key, paren=False))
    if isinstance(f, F.OutputDelta):
        n = subject
        if f.dE_dO is None:
            back_sym = Paren(O(n.name), MINUS, target(n.name))
            back_num = Paren(Num(f.o, sym.out_key(n)), MINUS, Num(f.t, ("t", n.name)))
        else:
            back_sym = dE(O(n.name))
            back_num = Num(f.dE_dO, ("dEdO", n.name))
        symbols, numbers, note = _delta_parts(f, sym, back_sym, back_num, n)
        return Written(delta(n.name), symbols, numbers, Num(v, key, paren=False), note=note)
    if isinstance(f, F.HiddenDelta):
        n = subject
        outs = {s.dst.name: s for s in n.outgoing}
        back_sym = Paren(*joined(_elided([Row(delta(k), sym.weight(outs[k])) for k, _, _, _ in f.back])))
        back_num = Paren(*joined([Row(Num(d, ("delta", k)), DOT, Num(w, sym.param_key(outs[k])))
                                  for k, d, _, w in f.back]))
        symbols, numbers, note = _delta_parts(f, sym, back_sym, back_num, n)
        w = Written(delta(n.name), symbols, numbers, Num(v, key, paren=False), note=note)
        terms = [Row(Num(d, ("delta", k)), DOT, Num(wt, sym.param_key(outs[k]))) for k, d, _, wt in f.back]
        form = activation_form(f.activation)
        factor = None if form.slope is None else form.slope_numbers(Num(f.o, sym.out_key(n)), f.slope)
        w.product = (factor, terms)
        return w
    if isinstance(f, F.WeightGradient):
        s = subject
        return Written(dE(sym.weight(s)), [Row(delta(f.k), O(f.j))],
                       [Row(Num(f.delta_k, ("delta", f.k)), DOT, Num(f.o_j, sym.out_key(s.src)))],
                       Num(v, key, paren=False))
    if isinstance(f, F.BiasGradient):
        return Written(dE(theta(f.k)), [Row(delta(f.k), DOT, Num(1.0))],
                       [Row(Num(f.delta_k, ("delta", f.k)), DOT, Num(1.0))], Num(v, key, paren=False))
    if isinstance(f, F.SoftmaxOutput):
        n = subject
        nets = dict(f.layer)
        if softmax_shift(f) == 0.0:
            shown = exp_of(Num(nets[f.k], sym.net_key(n), paren=False))
        else:                                    # e^net would overflow a float: the same fraction, shifted
            shown = exp_of(Row(Num(nets[f.k], sym.net_key(n), paren=False), MINUS, Num(softmax_shift(f))))
        return Written(O(n.name), [softmax_fraction(n.name)], [Frac(shown, Num(softmax_sum(f), sym.sum_key()))],
                       Num(v, key, paren=False))
    if isinstance(f, F.CrossEntropy):
        outs = {k.name: k for k in net_.outputs}
        counted = [(k, z, o, t) for k, z, o, t in f.outputs if t]
        symbols = [Row(target(k), _ln(O(k))) for k, _, _, _ in counted]
        m = max(z for _, z, _, _ in f.outputs)
        lse = m + math.log(sum(math.exp(z - m) for _, z, _, _ in f.outputs))

        def log_of(k: str, z: float, o: float) -> M:
            if o >= TINY:
                return _ln(Num(o, sym.out_key(outs[k]), paren=False))
            # O_k rounds to 0 in a float: ln O_k = net_k - ln Σ_j e^net_j, the sum by log-sum-exp
            return Paren(Num(z, sym.net_key(outs[k]), paren=False), MINUS, Num(lse))

        numbers = [Row(Num(t, ("t", k)), DOT, log_of(k, z, o)) for k, z, o, t in counted]
        if len(counted) == 1:
            return Written(E, [Row(MINUS, symbols[0])], [Row(MINUS, numbers[0])], Num(v, key, paren=False))
        return Written(E, [Row(MINUS, Paren(*joined(symbols)))], [Row(MINUS, Paren(*joined(numbers)))],
                       Num(v, key, paren=False))
    if isinstance(f, F.SoftmaxDelta):
        n = subject
        return Written(delta(n.name), [Row(O(n.name), MINUS, target(n.name))],
                       [Row(Num(f.o, sym.out_key(n), paren=False), MINUS, Num(f.t, ("t", n.name)))],
                       Num(v, key, paren=False))
    if isinstance(f, F.Update):
        p = subject
        p_sym = sym.param(p)
        d = number_pair(f.old, v)
        return Written(p_sym, [Row(p_sym, MINUS, ETA, dE(p_sym))],
                       [Row(Num(f.old, sym.param_key(p), paren=False, decimals=d), MINUS, Num(f.lr, ("lr",)), DOT,
                            Num(f.grad, ("grad", sym.index[id(p)])))],
                       Num(v, key, paren=False, decimals=d), rel=GETS)
    raise WrongTypeError(f"no written form for {type(f).__name__}")


#: a sum of more terms than this is written in symbols as its first two, ⋯, and its last
ELIDE_AFTER = 4
CDOTS = Id(r"\cdots", "\u22ef", mml="<mo>\u22ef</mo>")


def _elided(terms: List[M]) -> List[M]:
    """A long sum's terms in symbols: the first two, ⋯, the last (its numbers are written in full)."""
    return terms if len(terms) <= ELIDE_AFTER else terms[:2] + [CDOTS] + terms[-1:]


#: a probability below this is written by its logarithm, ln O_k = net_k - ln Σ_j e^net_j (it shows as 0)
TINY = 1e-300


def softmax_shift(f: F.SoftmaxOutput) -> float:
    """0, or the largest net input m when e^net would overflow (or every e^net underflow) a float: the
    fraction is then written e^(net_k - m) / Σ_j e^(net_j - m), its value the same."""
    m = max(z for _, z in f.layer)
    return m if m > 700.0 or m < -700.0 else 0.0


def softmax_sum(f: F.SoftmaxOutput) -> float:
    """Σ_j e^(net_j - m) of a softmax layer (m: :func:`softmax_shift`)."""
    m = softmax_shift(f)
    return sum(math.exp(z - m) for _, z in f.layer)


def softmax_sum_written(f: F.SoftmaxOutput, sym: Symbols, layer: Sequence[Neuron]) -> Written:
    """Σ_j e^net_j = e^net_a + e^net_b + ... with the numbers (shifted by m when they would overflow)."""
    m = softmax_shift(f)
    nets = dict(f.layer)
    symbols = _elided([exp_of(net(n.name)) for n in layer])
    if m == 0.0:
        numbers = [exp_of(Num(nets[n.name], sym.net_key(n), paren=False)) for n in layer]
        lhs: M = Sum(J, exp_of(net(J)))
    else:
        numbers = [exp_of(Row(Num(nets[n.name], sym.net_key(n), paren=False), MINUS, Num(m))) for n in layer]
        lhs = Sum(J, exp_of(Row(net(J), MINUS, Id("m"))))
        symbols = _elided([exp_of(Row(net(n.name), MINUS, Id("m"))) for n in layer])
    return Written(lhs, symbols, numbers, Num(softmax_sum(f), sym.sum_key(), paren=False))


# -- equations ----------------------------------------------------------------------------------

Row_ = Tuple[Optional[M], Optional[M], M]


class Equation:
    """A displayed equation: rows of (left side or None, relation or None, right side), aligned at
    the relation; ``note``: words beside it; ``keys``: the quantities its numbers are."""

    def __init__(self, rows: Sequence[Row_], note: str = "") -> None:
        self.rows = list(rows)
        self.note = note

    def keys(self) -> List[Hashable]:
        out: List[Hashable] = []
        for lhs, _, rhs in self.rows:
            for m in (lhs, rhs):
                if m is not None:
                    out.extend(m.keys())
        return out


#: about how many characters fit on one line of an equation
LINE_WIDTH = 64
#: a hidden delta's numbers longer than this are broken over lines (a 2-2-2 network's fit on one, 70;
#: a line of 104 overflows the LaTeX page by 80pt)
PRODUCT_WIDTH = 88


def equation(w: Written, note: str = "", one_line: Optional[bool] = None) -> Equation:
    """``w`` as rows: the formula in symbols, then its numbers (a long sum broken over several lines),
    then its value (on the numbers' last line when it fits).  ``one_line``: all on one row (default:
    when that fits in LINE_WIDTH)."""
    symbols, numbers = Row(*joined(w.symbols)), Row(*joined(w.numbers))
    if one_line is None:                 # a sum reads better with its numbers beneath it
        one_line = len(w.symbols) == 1 and (w.lhs.width() + symbols.width() + numbers.width()
                                            + w.value.width() + 6 <= LINE_WIDTH)
    note = " ".join(x for x in (w.note, note) if x)
    if one_line:
        return Equation([(w.lhs, w.rel, Row(symbols, EQ, numbers, EQ, w.value))], note)
    if w.product is not None and numbers.width() > PRODUCT_WIDTH:
        return Equation(_product_rows(w), note)
    rows: List[Row_] = [(w.lhs, w.rel, symbols)]
    chunks: List[List[M]] = [[]]
    width = 0.0
    for term in w.numbers:
        if chunks[-1] and width + term.width() > LINE_WIDTH:
            chunks.append([])
            width = 0.0
        chunks[-1].append(term)
        width += term.width() + 2
    for c, chunk in enumerate(chunks):
        if c == 0:
            rows.append((None, EQ, Row(*joined(chunk))))
        else:
            rows.append((None, None, Row(Id(r"\quad", "\u2003", mml='<mspace width="1em"></mspace>'), PLUS,
                                         *joined(chunk))))
    if width + w.value.width() + 2 <= LINE_WIDTH:
        lhs, rel, rhs = rows[-1]
        rows[-1] = (lhs, rel, Row(rhs, EQ, w.value))
    else:
        rows.append((None, EQ, w.value))
    return Equation(rows, note)


def _product_rows(w: Written) -> List[Row_]:
    """A hidden delta's rows when its numbers are too long for one line: the slope's factor times the
    bracketed sum, the sum broken over lines inside its brackets, then the value."""
    factor, terms = w.product
    open_, close = Op("(", "("), Op(")", ")")
    head: List[M] = ([factor, DOT] if factor is not None else []) + [open_]
    rows: List[Row_] = [(w.lhs, w.rel, Row(*joined(w.symbols)))]
    line: List[M] = []
    width = Row(*head).width()
    first = True
    for term in terms:
        if line and width + term.width() > LINE_WIDTH:
            rows.append((None, EQ, Row(*head, *joined(line))) if first else
                        (None, None, Row(Id(r"\quad", "\u2003", mml='<mspace width="1em"></mspace>'), PLUS, *joined(line))))
            first, line, width = False, [], 4.0
        line.append(term)
        width += term.width() + 2
    last = Row(*head, *joined(line), close) if first else \
        Row(Id(r"\quad", "\u2003", mml='<mspace width="1em"></mspace>'), PLUS, *joined(line), close)
    rows.append((None, EQ, last) if first else (None, None, last))
    rows.append((None, EQ, w.value))
    return rows


# -- errors -------------------------------------------------------------------------------------


class ErrorForm:
    """An error function as written: ``name``; ``general`` its formula; ``slope`` ∂E/∂O_k in symbols;
    ``slope_numbers(o, t, n)`` with the numbers (n outputs); ``slope_value(o, t, n)`` its value
    (None where only the walk knows it: a function given by the user); ``terms(o, t)`` one output's
    term of the error with its numbers."""

    def __init__(self, name: str, general: Optional[M], slope: Optional[M],
                 slope_numbers: Optional[Callable[[Num, Num, int], M]] = None,
                 slope_value: Optional[Callable[[float, float, int], float]] = None,
                 terms: Optional[Callable[[Num, Num], M]] = None) -> None:
        self.name, self.general, self.slope = name, general, slope
        self.slope_numbers, self.slope_value, self.terms = slope_numbers, slope_value, terms


ERRORS: Dict[str, ErrorForm] = {
    "squared_error": ErrorForm(
        "squared_error", GENERAL[F.SquaredError][0][2], Row(O(K), MINUS, target(K)),
        lambda o, t, n: Paren(o, MINUS, t), lambda o, t, n: o - t),
    "mse": ErrorForm(
        "mse", Row(Frac(Num(1.0), Id("n")), Sum(K, Sup(Paren(O(K), MINUS, target(K)), Num(2.0)))),
        Row(Frac(Num(2.0), Id("n")), Paren(O(K), MINUS, target(K))),
        lambda o, t, n: Row(Frac(Num(2.0), Num(float(n))), Paren(o, MINUS, t)),
        lambda o, t, n: 2.0 / n * (o - t),
        lambda o, t: Sup(Paren(o, MINUS, t), Num(2.0))),
    "binary_cross_entropy": ErrorForm(
        "binary_cross_entropy",
        Row(MINUS, Frac(Num(1.0), Id("n")), Sum(K, Paren(target(K), _ln(O(K)), PLUS,
                                                         Paren(Num(1.0), MINUS, target(K)),
                                                         _ln(Paren(Num(1.0), MINUS, O(K)))))),
        Frac(Paren(O(K), MINUS, target(K)), Row(Id("n"), O(K), Paren(Num(1.0), MINUS, O(K)))),
        lambda o, t, n: Frac(Paren(o, MINUS, t), Row(Num(float(n)), DOT, o, DOT, Paren(Num(1.0), MINUS, o))),
        lambda o, t, n: (o - t) / (n * o * (1.0 - o)),
        lambda o, t: Row(MINUS, Paren(t, DOT, _ln(o), PLUS, Paren(Num(1.0), MINUS, t), DOT,
                                      _ln(Paren(Num(1.0), MINUS, o))))),
    "hinge": ErrorForm(
        "hinge", Row(Frac(Num(1.0), Id("n")), Sum(K, Row(Id(r"\max", "max"), Paren(Num(0.0), COMMA, Num(1.0), MINUS,
                                                                                    target(K), O(K))))),
        Row(MINUS, Frac(target(K), Id("n")), Words("if"), target(K), O(K), Op("<", "<"), Num(1.0), Words("else"),
            Num(0.0)),
        None, lambda o, t, n: -t / n if t * o < 1.0 else 0.0,
        lambda o, t: Row(Id(r"\max", "max"), Paren(Num(0.0), COMMA, Num(1.0), MINUS, t, DOT, o))),
}
ERRORS["bce"] = ERRORS["binary_cross_entropy"]
#: the error of a softmax output layer (its terms with t_k = 0 are 0, and are left out)
ERRORS["cross_entropy"] = ErrorForm(
    "cross_entropy", GENERAL[F.CrossEntropy][0][2], Row(MINUS, Frac(target(K), O(K))),
    lambda o, t, n: Row(MINUS, Frac(t, o)), lambda o, t, n: -t / o)
