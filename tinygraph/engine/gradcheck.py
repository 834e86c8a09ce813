"""Gradient checking: compare backward() with central differences.

For each input x_i, the numerical slope is (f(x + h e_i) - f(x - h e_i)) / 2h,
which is accurate to O(h^2).  The analytic slope is what backward() puts in
x_i.grad.  They should agree to about 1e-7 relative for smooth functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, List, Sequence

from ..errors import TinygraphError, WrongTypeError
from .node import Node

__all__ = ["gradcheck", "GradcheckResult", "GradcheckError", "central_difference"]


class GradcheckError(TinygraphError, AssertionError):
    """backward() disagrees with central differences (an AssertionError too, for tests that expect one)."""


@dataclass
class GradcheckResult:
    """What gradcheck found: one analytic and one numeric slope per input, and the worst mismatch."""

    analytic: List[float]
    numeric: List[float]
    errors: List[float] = field(default_factory=list)
    worst: int = -1
    tolerance: float = 0.0
    names: List[str] = field(default_factory=list)   # each input's name ("" if it has none)
    values: List[float] = field(default_factory=list)  # each input's value at the check

    @property
    def max_error(self) -> float:
        return self.errors[self.worst] if self.errors else 0.0

    @property
    def ok(self) -> bool:
        return self.max_error <= self.tolerance

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if not self.errors:
            return "gradcheck: no inputs"
        i = self.worst
        who = f"input {i}"
        if i < len(self.names) and self.names[i]:
            who += f" {self.names[i]!r}"
        if i < len(self.values):
            who += f" (value {self.values[i]!r})"
        diff = abs(self.analytic[i] - self.numeric[i])
        return (f"gradcheck {'passed' if self.ok else 'FAILED'}: worst mismatch at {who}: "
                f"backward {self.analytic[i]!r} vs central difference {self.numeric[i]!r} "
                f"(difference {diff:.3g}; relative error beyond atol {self.errors[i]:.3g}, "
                f"tolerance {self.tolerance:.3g})")


def central_difference(f: Callable[[], float], x: Node, h: float = 1e-6) -> float:
    """(f() with x nudged up by h  -  f() with x nudged down by h) / 2h: the slope of ``f`` in
    ``x.value`` by nudging, accurate to O(h^2).  ``f`` recomputes its number from the current
    values (e.g. a forward pass and the error); ``x.value`` is restored afterwards, even on error."""
    v = x.value
    try:
        x.value = v + h
        up = f()
        x.value = v - h
        down = f()
    finally:
        x.value = v
    return (up - down) / (2.0 * h)


def gradcheck(f: Callable[..., Node], inputs: Sequence[Node], h: float = 1e-6,
              rtol: float = 1e-6, atol: float = 1e-8, raise_on_error: bool = True) -> GradcheckResult:
    """Check ``f``'s gradients at ``inputs`` by central differences.

    ``f(*inputs)`` must build and return a scalar Node from the input Nodes.
    The error for input i is ``|analytic - numeric| / max(1, |analytic|, |numeric|)``
    beyond ``atol``; gradcheck raises GradcheckError naming the worst input when
    it exceeds ``rtol`` (or returns the result with ``raise_on_error=False``).
    The inputs' values are restored afterwards; their grads hold the analytic gradient.
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Node):
            raise WrongTypeError(f"gradcheck needs Nodes as inputs; input {i} is {type(x).__name__} {x!r}")
    for x in inputs:
        x.grad = 0.0
    out = f(*inputs)
    if not isinstance(out, Node):
        raise WrongTypeError(f"gradcheck: f must return a Node, it returned {type(out).__name__}")
    out.backward()
    analytic = [x.grad for x in inputs]

    numeric = [central_difference(lambda: f(*inputs).value, x, h) for x in inputs]

    errors = []
    for a, n in zip(analytic, numeric):
        diff = abs(a - n)
        errors.append(0.0 if diff <= atol else diff / max(1.0, abs(a), abs(n)))
    worst = max(range(len(errors)), key=errors.__getitem__) if errors else -1
    result = GradcheckResult(analytic, numeric, errors, worst, rtol,
                             [x.name or "" for x in inputs], [x.value for x in inputs])
    if raise_on_error and not result.ok:
        raise GradcheckError(str(result))
    return result
