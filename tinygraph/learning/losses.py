"""Errors (losses): how far a network's outputs are from their targets, as a Node to backpropagate.

Every loss is built from the engine's ops, so ``loss.backward()`` fills the
gradient of every weight and bias below it.  Each takes the outputs of one
forward pass (the dict ``net.forward`` returns, a list of Nodes, or one Node)
and the targets (a dict by output name, a list in the same order, or one
number), or a *batch*: a list of output dicts and a list of target dicts of
the same length, one per forward pass.

* :func:`squared_error` -- the delta rule's E = 1/2 sum (O - t)^2, summed over a batch.
* :func:`mse` -- the mean of (O - t)^2 over every output of every sample.
* :func:`hinge` -- the max-margin error max(0, 1 - y s) for labels y = -1 or +1, averaged.
* :func:`binary_cross_entropy` -- -(t ln p + (1 - t) ln(1 - p)), averaged; stable from logits.
* :func:`cross_entropy` -- -sum_k t_k ln O_k for many classes (a softmax layer), averaged over samples.
* :func:`l2` -- sum of squared parameters, a weight penalty.

Each error is defined once, for both modes: :data:`LOSSES` holds, per name,
the function above (built from Nodes, for the engine) and the same error over
numpy arrays with its gradient (for batch mode, ``tinygraph.learning.batch``), with the
same names and aliases (``sse`` for squared_error, ``bce`` for
binary_cross_entropy, ``ce`` for cross_entropy) in both.  :func:`get_loss` looks one up.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Callable, Dict, Iterable, List, Mapping, Sequence, Tuple, Union

from ..errors import BadValueError, DomainError, NodeOverflowError, WrongTypeError, check_names, did_you_mean
from ..engine.checks import check_value
from ..engine.node import Node, op_node, softmax_index

__all__ = ["squared_error", "mse", "hinge", "binary_cross_entropy", "cross_entropy", "l2", "Loss", "LOSSES", "get_loss",
           "loss_names"]

Target = Union[float, Node]
Outputs = Union[Mapping[str, Node], Sequence[Node], Node, Sequence[Mapping[str, Node]]]
Targets = Union[Mapping[str, Target], Sequence[Target], Target, Sequence[Mapping[str, Target]]]

# A term: (label naming the output, its output Node, its target as a float or a Node)
Term = Tuple[str, Node, Target]


def _is_batch(outputs: Any) -> bool:
    """A list of samples: a list whose items are dicts (or lists) of outputs."""
    return (isinstance(outputs, (list, tuple)) and len(outputs) > 0
            and all(isinstance(o, (Mapping, list, tuple)) for o in outputs))


def _kind(x: Any) -> str:
    return f"{type(x).__name__} {x!r}" if not isinstance(x, (Mapping, list, tuple)) else type(x).__name__


def _output(node: Any, label: str, loss: str) -> Node:
    if isinstance(node, Node):
        return node
    hint = (" (did you swap them? the outputs come first: "
            f"{loss}(net.forward(inputs), targets))") if isinstance(node, (int, float)) else ""
    raise WrongTypeError(f"{loss}: the output {label} must be a Node, as returned by net.forward(), "
                    f"so the error can be backpropagated; got {_kind(node)}{hint}")


def _target(t: Any, label: str, loss: str) -> Target:
    if isinstance(t, Node):
        return t._as_operand()
    return check_value(t, f"{loss}: the target for {label}")


def _sample_terms(outputs: Any, targets: Any, loss: str, where: str = "") -> List[Term]:
    """Pair one sample's outputs with its targets, by name or by position."""
    if isinstance(outputs, Node):
        label = repr(outputs.name) if outputs.name else "(the output)"
        if isinstance(targets, Mapping):
            if len(targets) != 1 or outputs.name not in targets:
                check_names(targets, [outputs.name], "outputs", f"{loss}{where}: the targets")
            targets = targets[outputs.name]
        elif isinstance(targets, (list, tuple)):
            if len(targets) != 1:
                raise BadValueError(f"{loss}{where}: one output but {len(targets)} targets")
            targets = targets[0]
        return [(label + where, outputs, _target(targets, label + where, loss))]

    positional = False
    if isinstance(outputs, (list, tuple)):
        if isinstance(targets, Mapping):
            named = {getattr(o, "name", None): o for o in outputs}
            if None in named or len(named) != len(outputs):
                raise WrongTypeError(f"{loss}{where}: targets given by name need outputs with names: "
                                "pass the dict that net.forward() returns, or the targets as a list")
            outputs = named
        else:
            outputs = {f"number {i + 1}": o for i, o in enumerate(outputs)}
            positional = True
    elif not isinstance(outputs, Mapping):
        raise WrongTypeError(f"{loss}: outputs must be what net.forward() returns (a dict of Nodes), "
                        f"a list of Nodes or one Node; got {_kind(outputs)}")
    if not outputs:
        raise BadValueError(f"{loss}{where}: there are no outputs to compare with targets")

    names = list(outputs)
    if isinstance(targets, Mapping):
        if len(targets) != len(names) or not all(k in targets for k in names):
            check_names(targets, names, "outputs", f"{loss}{where}: the targets")
        pairs = [(k, targets[k]) for k in names]
    elif isinstance(targets, (list, tuple)):
        if len(targets) != len(names):
            raise BadValueError(f"{loss}{where}: {len(names)} outputs ({', '.join(map(str, names))}) "
                             f"but {len(targets)} targets")
        pairs = list(zip(names, targets))
    elif isinstance(targets, (str, bytes)) or not (isinstance(targets, (int, float, Node))
                                                   or hasattr(targets, "__float__")):
        raise WrongTypeError(f"{loss}{where}: targets must be a dict by output name, a list or a number; "
                        f"got {_kind(targets)}")
    else:
        if len(names) != 1:
            raise BadValueError(f"{loss}{where}: one target number for {len(names)} outputs "
                             f"({', '.join(map(str, names))}); give a dict by output name or a list")
        pairs = [(names[0], targets)]
    terms = []
    for k, t in pairs:
        label = (k if positional else repr(k)) + where
        terms.append((label, _output(outputs[k], label, loss), _target(t, label, loss)))
    return terms


def _terms(outputs: Outputs, targets: Targets, loss: str) -> List[Term]:
    """Every (label, output, target) of a sample or a batch."""
    if _is_batch(outputs):
        if not isinstance(targets, (list, tuple)) or isinstance(targets, (str, bytes)):
            raise WrongTypeError(f"{loss}: the outputs are a batch of {len(outputs)} samples, so the targets "
                            f"must be a list of {len(outputs)} (one per sample); got {_kind(targets)}")
        if len(targets) != len(outputs):
            raise BadValueError(f"{loss}: {len(outputs)} samples of outputs but {len(targets)} of targets")
        terms: List[Term] = []
        for i, (o, t) in enumerate(zip(outputs, targets)):
            terms.extend(_sample_terms(o, t, loss, f" in sample {i}"))
        return terms
    return _sample_terms(outputs, targets, loss)


def _sum(nodes: List[Node]) -> Node:
    acc = nodes[0]
    for n in nodes[1:]:
        acc = acc + n
    return acc


def _squares(terms: List[Term], loss: str) -> List[Node]:
    """(O - t)^2 for each term; one too large for a float names its output and its target."""
    squares = []
    for label, o, t in terms:
        try:
            squares.append((o - t) ** 2)
        except NodeOverflowError:
            target = t._label() if isinstance(t, Node) else repr(t)
            raise NodeOverflowError(f"{loss}: (O - t)^2 for {label} overflowed (too large for a float): the output is "
                                    f"{o._label()} and the target {target}") from None
    return squares


def squared_error(outputs: Outputs, targets: Targets) -> Node:
    """The delta rule's error E = 1/2 sum_k (O_k - t_k)^2, summed over every sample of a batch.

    Its gradient with respect to an output O_k is O_k - t_k, which is where the
    delta rule's output delta O_k (1 - O_k) (O_k - t_k) comes from.
    """
    terms = _terms(outputs, targets, "squared_error")
    loss = _sum(_squares(terms, "squared_error")) * 0.5
    loss.name = "E"
    return loss


def mse(outputs: Outputs, targets: Targets) -> Node:
    """Mean squared error: the mean of (O - t)^2 over every output of every sample."""
    terms = _terms(outputs, targets, "mse")
    loss = _sum(_squares(terms, "mse")) / float(len(terms))
    loss.name = "MSE"
    return loss


def hinge(outputs: Outputs, labels: Targets) -> Node:
    """The max-margin error max(0, 1 - y s) for a score s and a label y of -1 or +1, averaged.

    It is 0 once a score is on the right side by a margin of at least 1, so only
    the samples that are wrong or too close to the boundary push on the weights.
    With one output per sample the average is the mean over samples.
    """
    terms = _terms(outputs, labels, "hinge")
    parts = []
    for label, s, y in terms:
        if isinstance(y, Node) or y not in (-1.0, 1.0):
            shown = y._label() if isinstance(y, Node) else repr(y)
            raise BadValueError(f"hinge: the label for {label} must be the number -1 or +1, got {shown}"
                             + ("; for 0/1 labels use 2*y - 1, or binary_cross_entropy"
                                if shown in ("0.0", "0") else ""))
        parts.append((s * -y + 1.0).relu())        # max(0, 1 - y s)
    loss = _sum(parts) / float(len(parts))
    loss.name = "hinge"
    return loss


_EPS = 1e-12


def _clamped(p: Node) -> Node:
    """p, or the constant 1e-12 below it (still wired to p, with slope 0), so that ln never sees 0."""
    return p if p.value >= _EPS else p * 0.0 + _EPS


def binary_cross_entropy(outputs: Outputs, targets: Targets, from_logits: bool = False) -> Node:
    """The cross-entropy -(t ln p + (1 - t) ln(1 - p)) for targets t in [0, 1], averaged over terms.

    ``from_logits=True``: the outputs are raw scores z (use a "linear" output
    neuron) and p = sigmoid(z); the error is then ln(1 + e^z) - t z, computed
    so that it never overflows (z + ln(1 + e^-z) - t z for z >= 0), with the
    exact slope sigmoid(z) - t.  This is the stable choice.

    From probabilities (the default), each p must be in [0, 1]; note that p and
    1 - p are clamped to at least 1e-12 before the log, because ln 0 is
    -infinity (a sigmoid output rounds to exactly 1.0 for z above about 37).
    Where that happens the term is capped at about 27.6 and its slope is 0.
    """
    name = "binary_cross_entropy"
    terms = _terms(outputs, targets, name)
    parts = []
    for label, o, t in terms:
        tv = t.value if isinstance(t, Node) else t
        if not 0.0 <= tv <= 1.0:
            raise BadValueError(f"{name}: the target for {label} must be in [0, 1] (a probability or a 0/1 "
                             f"label), got {tv!r}" + ("; for -1/+1 labels use hinge" if tv == -1.0 else ""))
        if from_logits:
            if o.value >= 0.0:   # ln(1 + e^z) = z + ln(1 + e^-z): the exp never overflows
                parts.append(o - o * t + ((-o).exp() + 1.0).log())
            else:
                parts.append((o.exp() + 1.0).log() - o * t)
            continue
        p = o.value
        if not 0.0 <= p <= 1.0:
            raise BadValueError(f"{name}: the output {label} is {p!r}, not a probability in [0, 1]; "
                             "if it is a raw score, pass from_logits=True")
        term = None
        if isinstance(t, Node) or t != 0.0:                  # t ln p
            term = _clamped(o).log() * t
        if isinstance(t, Node) or t != 1.0:                  # (1 - t) ln(1 - p)
            rest = _clamped(o * -1.0 + 1.0).log() * (1.0 - t)
            term = rest if term is None else term + rest
        parts.append(-term)
    loss = _sum(parts) / float(len(parts))
    loss.name = "BCE"
    return loss


def _one_hot(outputs: Any, target: str, where: str) -> Dict[str, float]:
    """A class name as targets: 1 for the output of that name, 0 for the others."""
    if isinstance(outputs, Mapping):
        names = list(outputs)
    elif isinstance(outputs, (list, tuple)) and all(isinstance(o, Node) and o.name for o in outputs):
        names = [o.name for o in outputs]
    else:
        raise WrongTypeError(f"cross_entropy{where}: a class name ({target!r}) as the target needs outputs with "
                             "names: pass the dict that net.forward() returns, or the targets as a list")
    if target not in names:
        raise BadValueError(f"cross_entropy{where}: the target {target!r} is not an output's name."
                            + did_you_mean(target, names) + f" Outputs: {', '.join(map(str, names))}")
    return {k: 1.0 if k == target else 0.0 for k in names}


# Below this, 1/O is no longer a normal float (and -t/O would lose digits or be infinite): the error's
# gradient then skips the softmax nodes and goes straight to the net inputs (see cross_entropy).
_SMALLEST = sys.float_info.min


def _cross_entropy_sample(outputs: Any, targets: Any, where: str) -> Tuple[float, List[Node], List[float]]:
    """One sample's -sum_k t_k ln O_k, and the parents and local slopes of its node."""
    if isinstance(targets, str):
        targets = _one_hot(outputs, targets, where)
    terms = _sample_terms(outputs, targets, "cross_entropy", where)
    total_t = 0.0
    for label, o, t in terms:
        if isinstance(t, Node):
            raise WrongTypeError(f"cross_entropy: the target for {label} must be a number (a probability), "
                                 f"not a Node")
        if not 0.0 <= t <= 1.0:
            raise BadValueError(f"cross_entropy: the target for {label} must be a probability in [0, 1] "
                                f"(1 for the right class, 0 for the others), got {t!r}")
        total_t += t
    if abs(total_t - 1.0) > 1e-9:
        raise BadValueError(f"cross_entropy{where}: the targets add up to {total_t!r}, not 1: give 1 for the "
                            "right class and 0 for the others (or the class's name as the target)")
    error = 0.0
    parents: List[Node] = []
    slopes: List[float] = []
    # softmax outputs: ln O_k = net_k - ln sum_j e^(net_j), from the net inputs (log-sum-exp), never ln 0
    groups: Dict[int, Tuple[Tuple[Node, ...], float, List[float]]] = {}
    for label, o, t in terms:
        k = softmax_index(o)
        if k is None:
            continue
        nets = o.parents
        if id(nets) not in groups:
            zs = [n.value for n in nets]
            m = max(zs)
            lse = m + math.log(sum(math.exp(z - m) for z in zs))
            groups[id(nets)] = (nets, lse, [0.0] * len(nets))
    direct = any(softmax_index(o) is not None and t > 0.0 and o.value < _SMALLEST for _, o, t in terms)
    for label, o, t in terms:
        k = softmax_index(o)
        if k is not None:
            nets, lse, own = groups[id(o.parents)]
            if t:
                error += t * (lse - nets[k].value)             # -t ln O_k
            if direct:
                own[k] += t
            else:
                parents.append(o)
                slopes.append(-t / o.value if t else 0.0)      # dE/dO_k = -t_k / O_k (an O_k of 0 with t_k 0 too)
            continue
        p = o.value
        if not 0.0 <= p <= 1.0:
            raise BadValueError(f"cross_entropy: the output {label} is {p!r}, not a probability in [0, 1]: "
                                "build the output layer with activation='softmax'")
        if t:
            # ln 0 is -infinity: an output below 1e-12 counts as 1e-12 (the term is capped at about 27.6
            # and its slope is 0 there), as binary_cross_entropy does
            error -= t * math.log(max(p, _EPS))
            parents.append(o)
            slopes.append(-t / p if p >= _EPS else 0.0)
    if direct:
        # an output with a target is too small for -t/O (e.g. net inputs of +-1000): the slopes of the error
        # straight onto the net inputs, dE/dnet_j = O_j sum_k t_k - t_j (= O_j - t_j), with no 1/O in them
        for nets, lse, own in groups.values():
            group_t = sum(own)
            for n, t_j in zip(nets, own):
                parents.append(n)
                slopes.append(math.exp(n.value - lse) * group_t - t_j)     # O_j sum t - t_j
    return error, parents, slopes


def cross_entropy(outputs: Outputs, targets: Targets) -> Node:
    """The cross-entropy E = -sum_k t_k ln O_k of many-class outputs, averaged over the samples of a batch.

    The targets of a sample are one-hot (1 for the right class, 0 for the
    others) by output name or as a list, or simply the name of the right class:
    ``cross_entropy(net.forward(x), "o2")``.  Soft targets (probabilities that
    add up to 1) work too.

    With softmax outputs (a layer built with activation "softmax", or
    ``tg.softmax``), ln O_k is computed from the net inputs by log-sum-exp,
    ln O_k = net_k - ln sum_j e^(net_j), so the error is finite even where O_k
    rounds to 0 (net inputs of +-1000).  Its node's parents are the outputs
    O_k with slopes dE/dO_k = -t_k / O_k, and the softmax nodes carry the
    gradient on to the net inputs, where it comes out as the by-hand result
    delta_k = dE/dnet_k = O_k - t_k.  Only when an output with a target is too
    small for 1/O_k (below about 2e-308) does the error's node take the net
    inputs as parents instead, with those slopes O_k - t_k directly.

    Outputs that are not softmax nodes must be probabilities in [0, 1]; an
    output below 1e-12 counts as 1e-12 (ln 0 would be -infinity), as in
    binary_cross_entropy.
    """
    if _is_batch(outputs):
        if not isinstance(targets, (list, tuple)):
            raise WrongTypeError(f"cross_entropy: the outputs are a batch of {len(outputs)} samples, so the "
                                 f"targets must be a list of {len(outputs)} (one per sample); got {_kind(targets)}")
        if len(targets) != len(outputs):
            raise BadValueError(f"cross_entropy: {len(outputs)} samples of outputs but {len(targets)} of targets")
        samples = [(o, t, f" in sample {i}") for i, (o, t) in enumerate(zip(outputs, targets))]
    else:
        samples = [(outputs, targets, "")]
    error = 0.0
    parents: List[Node] = []
    slopes: List[float] = []
    share = 1.0 / len(samples)
    for o, t, where in samples:
        e, ps, ds = _cross_entropy_sample(o, t, where)
        error += e
        parents.extend(ps)
        slopes.extend(d * share for d in ds)
    loss = op_node("cross_entropy", error * share, parents, slopes)
    loss.name = "CE"
    return loss


def l2(params: Union[Iterable[Node], Any]) -> Node:
    """The weight penalty sum_p p^2 over the given parameters (a Network means its trainable ones).

    Add ``lam * l2(net.parameters())`` to an error to keep the weights small.
    """
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Node):
        params = [params]
    try:
        params = list(params)
    except TypeError:
        raise WrongTypeError(f"l2 takes a list of parameters (Nodes), e.g. net.parameters(); "
                        f"got {_kind(params)}") from None
    if not params:
        raise BadValueError("l2: the list of parameters is empty")
    for i, p in enumerate(params):
        if not isinstance(p, Node):
            raise WrongTypeError(f"l2: parameter {i} must be a Node (a Synapse or Bias), got {_kind(p)}")
    loss = _sum([p ** 2 for p in params])
    loss.name = "L2"
    return loss


# -- one registry for both modes ----------------------------------------------------------------
#
# The same errors over numpy arrays, for batch mode: O holds the outputs and T the targets (samples x
# outputs); each gives the error summed (or averaged) as above and dE/dO, in the same order of
# operations as the Node versions so that both modes agree to about 1e-12.

def _squared_error_arrays(np: Any, O: Any, T: Any, from_logits: bool) -> Tuple[float, Any]:
    D = O - T                                        # 1/2 sum (O - t)^2
    return 0.5 * float((D * D).sum()), D


def _mse_arrays(np: Any, O: Any, T: Any, from_logits: bool) -> Tuple[float, Any]:
    D = O - T                                        # mean of (O - t)^2
    m = float(O.size)
    return float((D * D).sum()) / m, (1.0 / m) * (2.0 * D)


def _hinge_arrays(np: Any, O: Any, T: Any, from_logits: bool) -> Tuple[float, Any]:
    M = O * -T + 1.0                                 # mean of max(0, 1 - y s)
    m = float(O.size)
    return float(np.maximum(M, 0.0).sum()) / m, np.where(M > 0.0, (1.0 / m) * -T, 0.0)


def _bce_arrays(np: Any, O: Any, T: Any, from_logits: bool) -> Tuple[float, Any]:
    m = float(O.size)
    g = 1.0 / m
    if from_logits:                                  # ln(1 + e^z) - t z, stable on both sides of 0
        e = np.exp(-np.abs(O))
        u = e + 1.0
        pos = O >= 0.0
        terms = np.where(pos, O - O * T + np.log(u), np.log(u) - O * T)
        dO = np.where(pos, g - g * T - (g / u) * e, (g / u) * e - g * T)
        return float(terms.sum()) / m, dO
    if ((O < 0.0) | (O > 1.0)).any():
        raise DomainError("binary_cross_entropy: an output is not a probability in [0, 1]; "
                          "if the outputs are raw scores, pass from_logits=True")
    Q = O * -1.0 + 1.0
    Pc, Qc = np.maximum(O, _EPS), np.maximum(Q, _EPS)     # the clamp of _clamped: ln never sees 0
    terms = -(T * np.log(Pc) + (1.0 - T) * np.log(Qc))
    with np.errstate(divide="ignore"):
        dP = np.where((T != 0.0) & (O >= _EPS), T / Pc, 0.0)
        dQ = np.where((T != 1.0) & (Q >= _EPS), (1.0 - T) / Qc, 0.0)
    return float(terms.sum()) / m, -g * (dP - dQ)


def _cross_entropy_arrays(np: Any, O: Any, T: Any, from_logits: bool) -> Tuple[float, Any]:
    """-sum_k t_k ln O_k, averaged over the rows (samples).  ``from_logits``: O holds the net inputs Z of a
    softmax layer, and the gradient is dE/dZ = (softmax(Z) - T) / n, the by-hand result, with ln O_k from
    log-sum-exp as in cross_entropy; else O holds probabilities (a term below 1e-12 clamped as there)."""
    n = float(O.shape[0])
    if from_logits:
        m = O.max(axis=1, keepdims=True)
        E = np.exp(O - m)
        s = E.sum(axis=1, keepdims=True)
        lse = m + np.log(s)
        P = E / s
        terms = np.where(T != 0.0, T * (lse - O), 0.0)
        return float(terms.sum()) / n, (1.0 / n) * (P * T.sum(axis=1, keepdims=True) - T)
    if ((O < 0.0) | (O > 1.0)).any():
        raise DomainError("cross_entropy: an output is not a probability in [0, 1]; build the output layer with "
                          "activation='softmax'")
    Pc = np.maximum(O, _EPS)
    terms = np.where(T != 0.0, -T * np.log(Pc), 0.0)
    with np.errstate(divide="ignore"):
        dO = np.where((T != 0.0) & (O >= _EPS), -T / Pc, 0.0)
    return float(terms.sum()) / n, (1.0 / n) * dO


def _cross_entropy_targets(np: Any, T: Any, names: Sequence[str]) -> None:
    if ((T < 0.0) | (T > 1.0)).any():
        raise BadValueError("cross_entropy: every target must be a probability in [0, 1] (1 for the right class, "
                            "0 for the others)")
    sums = T.sum(axis=1)
    bad = np.abs(sums - 1.0) > 1e-9
    if bad.any():
        i = int(np.argmax(bad))
        raise BadValueError(f"cross_entropy: the targets of sample {i} add up to {float(sums[i])!r}, not 1: give 1 "
                            "for the right class and 0 for the others")


def _hinge_labels(np: Any, T: Any, names: Sequence[str]) -> None:
    bad = (T != 1.0) & (T != -1.0)
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise BadValueError(f"hinge: the label for {names[j]!r} in sample {i} must be the number -1 or +1, "
                         f"got {T[i, j]!r}" + ("; for 0/1 labels use 2*y - 1, or binary_cross_entropy"
                                               if T[i, j] == 0 else ""))


def _bce_targets(np: Any, T: Any, names: Sequence[str]) -> None:
    if ((T < 0.0) | (T > 1.0)).any():
        raise BadValueError("binary_cross_entropy: every target must be in [0, 1] (a probability or a 0/1 label)"
                         + ("; for -1/+1 labels use hinge" if (T == -1.0).any() else ""))


class Loss:
    """One error, both modes: ``function(outputs, targets)`` on Nodes, ``arrays(np, O, T, from_logits)``
    -> (error, dE/dO) on numpy arrays, ``check_targets(np, T, output_names)`` (batch mode's check
    of the targets the error accepts; the Node version checks as it goes)."""

    __slots__ = ("name", "function", "arrays", "check_targets", "aliases")

    def __init__(self, name: str, function: Callable[..., Node], arrays: Callable[..., Tuple[float, Any]],
                 check_targets: Callable[..., None] = lambda np, T, names: None,
                 aliases: Tuple[str, ...] = ()) -> None:
        self.name, self.function, self.arrays = name, function, arrays
        self.check_targets, self.aliases = check_targets, aliases

    def __call__(self, *args: Any, **kwargs: Any) -> Node:
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


#: every error by its name, in both modes
LOSSES: Dict[str, Loss] = {loss.name: loss for loss in (
    Loss("squared_error", squared_error, _squared_error_arrays, aliases=("sse",)),
    Loss("mse", mse, _mse_arrays),
    Loss("hinge", hinge, _hinge_arrays, _hinge_labels),
    Loss("binary_cross_entropy", binary_cross_entropy, _bce_arrays, _bce_targets, aliases=("bce",)),
    Loss("cross_entropy", cross_entropy, _cross_entropy_arrays, _cross_entropy_targets, aliases=("ce",)),
)}
_ALIASES = {alias: loss.name for loss in LOSSES.values() for alias in loss.aliases}


def loss_names() -> List[str]:
    """Every error name that can be given, aliases included."""
    return list(LOSSES) + list(_ALIASES)


def get_loss(name: str) -> Loss:
    """The error called ``name`` (or an alias: "sse", "bce", "ce"), or a clear error with the closest name."""
    if not isinstance(name, str):
        raise WrongTypeError(f"an error is given by name ({', '.join(LOSSES)}), got {type(name).__name__} {name!r}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise BadValueError(f"unknown loss {name!r}." + did_you_mean(key, loss_names())
                         + f" Known: {', '.join(loss_names())}")
    return LOSSES[key]
