"""What a drawing is given, checked before anything is built.

A drawing's options and the numbers it draws are checked first, so that a wrong
option or a value set by hand to nan, text or an array is refused with a message
that names it, instead of failing deep inside ("Unknown format code 'g'") or
drawing penwidth=nan.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence

from ..engine.checks import not_finite_error, short_repr, what_is_wrong
from ..errors import BadValueError, WrongTypeError, did_you_mean
from ..engine.node import Node

__all__ = ["check_flag", "check_choice", "check_text", "check_count", "drawn", "drawn_value"]


def _given(v: object) -> str:
    """A value as a message shows it: its type and (cut short) repr, e.g. "the float 0.5"."""
    return "None" if v is None else f"the {type(v).__name__} {short_repr(v)}"


def _is_numpy_bool(v: object) -> bool:
    t = type(v)
    return t.__module__ == "numpy" and t.__name__ in ("bool_", "bool")


def check_flag(v: Any, name: str, none: Optional[str] = None) -> Optional[bool]:
    """The on/off option ``name`` as a bool: True or False (a numpy bool too); None too if the
    option takes it, ``none`` saying what None means ("automatic").

    Anything else is refused, 0, 1 and text included: ``values="no"`` would be
    taken as on, and a numpy array has no single truth value.
    """
    if v is True or v is False or (none is not None and v is None):
        return v
    if _is_numpy_bool(v):
        return bool(v)
    allowed = f"True, False or None ({none})" if none is not None else "True or False"
    raise WrongTypeError(f"{name} must be {allowed}, got {_given(v)}")


def check_choice(v: Any, name: str, choices: Sequence[str]) -> str:
    """The option ``name``, which must be one of the strings ``choices`` (exactly, case too)."""
    listed = ", ".join(map(repr, choices[:-1])) + f" or {choices[-1]!r}"
    if not isinstance(v, str):
        raise WrongTypeError(f"{name} must be {listed}, got {_given(v)}")
    if v not in choices:
        raise BadValueError(f"{name} must be {listed}, got {v!r}.{did_you_mean(v, choices)}")
    return v


def check_text(v: Any, name: str) -> Optional[str]:
    """The text option ``name`` (a title): a str, or None for none."""
    if v is None or isinstance(v, str):
        return v
    raise WrongTypeError(f"{name} must be text (a str) or None, got {_given(v)}; "
                         f"to show a number, make it text first, e.g. {name}=f\"epoch {{k}}\"")


def check_count(v: Any, name: str) -> int:
    """The option ``name`` as a positive int (a numpy integer too; not a bool, not a float)."""
    if isinstance(v, bool) or _is_numpy_bool(v) or not isinstance(v, numbers.Integral):
        raise WrongTypeError(f"{name} must be a positive int, got {_given(v)}")
    if v < 1:
        raise BadValueError(f"{name} must be a positive int, got {int(v)}")
    return int(v)


def drawn_value(v: Any, subject: str, fix: str) -> float:
    """The number ``v`` (``subject``: what holds it, e.g. "w_x1_h1.value") as the float a drawing writes.

    Anything but a finite real number is refused, naming ``subject`` (nan or an
    infinity with NotFiniteError, text, None, a list or an array with
    WrongTypeError): a picture would hide it (a line of width nan) or fail on it.
    ``fix`` says how to set it right.
    """
    if v.__class__ is float and -math.inf < v < math.inf:
        return v
    if what_is_wrong(v) is None:
        return float(v)
    raise not_finite_error(subject, v, f". A drawing shows finite numbers only: was it set by hand? {fix}")


def drawn(x: Node, attr: str = "value") -> float:
    """``x.value`` (or ``x.grad``) as the float a drawing writes; see :func:`drawn_value`."""
    v = getattr(x, attr)
    if v.__class__ is float and -math.inf < v < math.inf:
        return v                                # the common case at once: no message made
    name = x.name or (f"the result of '{x.op}'" if x.op else "an unnamed Node")
    fix = (f"Set it to a number, e.g. {name}.value = 0.5" if attr == "value"
           else "Gradients come from backward(); zero_grad() sets them to 0")
    return drawn_value(v, f"{name}.{attr}", fix)
