"""The proof that nothing changed on the way: tinygraph and its torch twin on the same samples.

``compare_with_torch`` runs the Network and the module on the same inputs,
measures the same error in both, backpropagates in both, and reports the
largest difference in the outputs, the error and every parameter's gradient.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional

from ..learning import losses
from ..errors import BadValueError, WrongTypeError, did_you_mean
from ..networks.network import Network
from .convert import ends_in_log_softmax, locate, split_scaling, term_sizes, to_torch
from .optional import TorchBridgeError, require

__all__ = ["compare_with_torch", "TorchComparison", "Row", "term_sizes", "ERRORS", "TOLERANCE"]

#: the agreement expected in float64
TOLERANCE = 1e-12


def _torch_errors(torch: Any) -> Dict[str, Callable]:
    """Each error in torch, written as tinygraph's losses compute it."""
    def bce(y, t):
        eps = 1e-12                         # tinygraph.learning.losses keeps p and 1 - p at least this far from 0
        return -(t * torch.log(torch.clamp(y, min=eps)) + (1 - t) * torch.log(torch.clamp(1 - y, min=eps))).mean()
    def ce(y, t):
        # -sum_k t_k ln O_k, averaged over samples; clamped at the smallest normal float only so that a class
        # with t_k = 0 whose O_k is 0.0 adds 0 (not 0 * -inf) and no nan to the gradient
        return -(t * torch.log(torch.clamp(y, min=torch.finfo(y.dtype).tiny))).sum(dim=1).mean()
    return {
        "squared_error": lambda y, t: 0.5 * ((y - t) ** 2).sum(),
        "mse": lambda y, t: ((y - t) ** 2).mean(),
        "hinge": lambda y, t: torch.relu(1 - y * t).mean(),
        "binary_cross_entropy": bce,
        "cross_entropy": ce,
    }


#: error name -> tinygraph's loss
ERRORS: Dict[str, Callable] = {"squared_error": losses.squared_error, "mse": losses.mse,
                               "hinge": losses.hinge, "binary_cross_entropy": losses.binary_cross_entropy,
                               "cross_entropy": losses.cross_entropy}
_ALIASES = {"bce": "binary_cross_entropy", "sse": "squared_error", "ce": "cross_entropy"}


class Row(NamedTuple):
    """One number compared: what it is, tinygraph's value, torch's, and the size its rounding scales with."""

    label: str
    tinygraph: float
    torch: float
    size: float = 1.0

    @property
    def difference(self) -> float:
        return abs(self.tinygraph - self.torch)

    @property
    def scaled(self) -> float:
        """The difference over max(1, |tinygraph|, |torch|, size): absolute for small numbers, else relative."""
        return self.difference / max(1.0, abs(self.tinygraph), abs(self.torch), self.size)


@dataclass
class TorchComparison:
    """What ``compare_with_torch`` found: every number compared, as a Row.

    ``outputs``, ``error``, ``slopes`` (dE/dO of each output: where the backward
    walks start) and ``gradients`` list the rows; ``largest(kind)`` gives the
    largest absolute difference of a kind; ``ok`` says whether every
    difference is within ``tolerance``: absolute for numbers up to 1, relative
    beyond, and for outputs, the error and the slopes relative to the size of
    the sums behind them (``term_sizes``), since that is what rounding
    differences grow with.  The gradients are torch's backward walk started
    from tinygraph's slopes, so that a rounding difference in an output whose
    terms cancel (the multiplier) is judged once, in the outputs and slopes,
    and not again, magnified, in every gradient.
    """

    dtype: str
    samples: int
    error_name: str
    outputs: List[Row] = field(default_factory=list)
    error: List[Row] = field(default_factory=list)
    gradients: List[Row] = field(default_factory=list)
    tolerance: float = TOLERANCE
    slopes: List[Row] = field(default_factory=list)

    def largest(self, kind: str) -> "tuple[float, str]":
        """(largest absolute difference, where) among "outputs", "error", "slopes" or "gradients"; (0.0, "")
        if none."""
        rows = getattr(self, kind)
        if not rows:
            return 0.0, ""
        row = max(rows, key=lambda r: r.difference)
        return row.difference, row.label

    @property
    def largest_difference(self) -> float:
        """The largest absolute difference of any number compared."""
        return max(self.largest(k)[0] for k in ("outputs", "error", "slopes", "gradients"))

    def worst(self) -> float:
        """The largest scaled difference (see Row.scaled): what ``ok`` tests."""
        return max((r.scaled for r in self.outputs + self.error + self.slopes + self.gradients), default=0.0)

    @property
    def ok(self) -> bool:
        """Every difference within the tolerance (absolute for numbers up to 1, relative beyond)."""
        return self.worst() <= self.tolerance

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        count = f"{self.samples} sample" + ("s" if self.samples != 1 else "")
        lines = [f"tinygraph vs torch ({self.dtype}, {count}, {self.error_name}):"]
        d, where = self.largest("outputs")
        lines.append(f"  outputs:    largest difference {_g(d)} ({where})")
        (_, a, b, _), = self.error
        lines.append(f"  error:      {a!r} vs {b!r}, difference {_g(abs(a - b))}")
        if self.slopes:
            d, where = self.largest("slopes")
            lines.append(f"  dE/dO:      largest difference {_g(d)} ({where})")
        d, where = self.largest("gradients")
        n = len(self.gradients)
        lines.append(f"  gradients:  largest difference {_g(d)} over {n} parameter{'s' if n != 1 else ''}"
                     + (f" ({where})" if where else ""))
        lines.append(f"  agree within {self.tolerance:g}: {'yes' if self.ok else 'NO'}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"TorchComparison(ok={self.ok}, outputs={self.largest('outputs')[0]!r}, "
                f"error={self.largest('error')[0]!r}, gradients={self.largest('gradients')[0]!r})")


def _g(x: float) -> str:
    return f"{x:.3g}"


def _is_batch(inputs: Any) -> bool:
    return (isinstance(inputs, (list, tuple)) and len(inputs) > 0
            and all(isinstance(s, (Mapping, list, tuple)) for s in inputs))


def _row(net: Network, sample: Any) -> List[float]:
    if isinstance(sample, Mapping):
        return [float(sample[n.name]) for n in net.inputs]
    return [float(v) for v in sample]


def _target_row(net: Network, target: Any) -> List[float]:
    if isinstance(target, Mapping):
        return [float(target[n.name]) for n in net.outputs]
    if isinstance(target, (list, tuple)):
        return [float(v) for v in target]
    return [float(target)]


def compare_with_torch(net: Network, inputs: Any, targets: Any, error: str = "squared_error",
                       module: Any = None, dtype: Any = None, tolerance: Optional[float] = None
                       ) -> TorchComparison:
    """Run ``net`` and its torch twin on the same samples and compare outputs, error and gradients.

    ``inputs`` is one sample (a dict by input name, or a list in the order of
    ``net.inputs``) or a list of samples; ``targets`` the same for the outputs.
    ``error``: squared_error (the delta rule's E = 1/2 sum (O - t)^2), mse, hinge,
    binary_cross_entropy, or cross_entropy (a softmax output layer; one-hot targets).  ``module``: the torch module to compare with
    (default ``to_torch(net, dtype)``), e.g. the very module ``from_torch`` read
    ``net`` from; it runs as a copy converted to ``dtype``, so the module itself
    is not changed, and neither is ``net`` (the work is done on a copy).  A
    module that standardises its inputs first (``to_torch(net, scaling=True)``)
    is compared without that layer: ``inputs`` are what ``net.forward`` takes.  ``dtype``: torch.float64 (default), where the two agree to
    1e-12, the default tolerance; or torch.float32, tolerance 1e-5.  The
    tolerance is absolute for numbers up to 1 and relative beyond; outputs and
    the error are measured against the size of the sums behind them (see
    ``term_sizes``), gradients against their own size.
    """
    torch = require("torch", "compare_with_torch")
    if not isinstance(net, Network):
        raise WrongTypeError(f"compare_with_torch takes a tinygraph Network first, got {type(net).__name__}")
    if not isinstance(error, str):
        raise WrongTypeError(f"error is named by a string such as 'squared_error', got {type(error).__name__}")
    key = _ALIASES.get(error.strip().lower(), error.strip().lower())
    if key not in ERRORS:
        raise BadValueError(f"unknown error {error!r}.{did_you_mean(key, ERRORS)} Known: {', '.join(ERRORS)}")

    twin = net.copy()
    twin.zero_grad()
    batch = _is_batch(inputs)
    samples = list(inputs) if batch else [inputs]
    outs = [twin.forward(s) for s in samples]                 # checks the names, with tinygraph's errors
    E = ERRORS[key](outs if batch else outs[0], targets)      # checks the targets likewise
    E.backward()
    target_rows = [_target_row(net, t) for t in (targets if batch else [targets])]

    dtype = torch.float64 if dtype is None else dtype
    module = to_torch(twin, dtype=dtype) if module is None else split_scaling(copy.deepcopy(module).to(dtype))[1]
    places = locate(twin, module)
    module.zero_grad(set_to_none=True)
    x = torch.tensor([_row(net, s) for s in samples], dtype=dtype)
    y = module(x)
    if ends_in_log_softmax(module):       # ln O_k (e.g. the module from_torch read): compare O_k
        y = y.exp()
    if tuple(y.shape) != (len(samples), len(net.outputs)):
        raise TorchBridgeError(f"the module gave outputs of shape {tuple(y.shape)}, but network {net.name!r} "
                               f"has {len(net.outputs)} outputs for {len(samples)} samples")
    t = torch.tensor(target_rows, dtype=dtype)
    Et = _torch_errors(torch)[key](y, t)
    slopes = None
    if Et.requires_grad:                  # not when every weight is fixed: then no gradient to compare
        (slopes,) = torch.autograd.grad(Et, y, retain_graph=True)
        start = [[o[n.name].grad for n in net.outputs] for o in outs]     # tinygraph's dE/dO
        y.backward(torch.tensor(start, dtype=dtype))

    if tolerance is None:
        tolerance = TOLERANCE if dtype == torch.float64 else 1e-5
    result = TorchComparison(dtype=str(dtype).replace("torch.", ""), samples=len(samples), error_name=key,
                             tolerance=tolerance)
    got = y.detach().cpu().tolist()
    error_size = 0.0
    for k, (o, sample) in enumerate(zip(outs, samples)):
        sizes = term_sizes(twin, sample)
        for j, n in enumerate(net.outputs):
            where = n.name + (f", sample {k}" if batch else "")
            result.outputs.append(Row(where, o[n.name].value, got[k][j], sizes[n.name]))
            error_size += abs(o[n.name].grad) * sizes[n.name]        # |dE/dO| times the size behind O
            if slopes is not None:
                slope, gap = o[n.name].grad, abs(o[n.name].value - target_rows[k][j])
                steep = abs(slope) / gap if gap > 0 else 1.0        # how fast dE/dO moves with O, about
                result.slopes.append(Row("dE/d" + where, slope, slopes[k][j].item(),
                                         sizes[n.name] * max(1.0, steep)))
    result.error.append(Row(key, E.value, Et.item(), error_size))
    for p, label, tensor, index in places:
        g = 0.0 if tensor.grad is None else tensor.grad[index].item()
        result.gradients.append(Row(label, p.grad, g))
    return result
