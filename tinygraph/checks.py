"""Checking what a user hands in, in one place: is it a finite real number, a learning rate, a
sample's named values, and how a message quotes a bad value.

Every part of tinygraph (the engine, networks, losses, training, the drawings, the
step-through) refuses a bad value with the same words through these helpers, each
raising one of tinygraph's own errors (tinygraph.errors).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Dict, List, Mapping, Optional

from .errors import BadValueError, DomainError, NotFiniteError, TinygraphError, WrongTypeError, check_names

__all__ = ["what_is_wrong", "not_finite_error", "check_value", "check_rate", "named_values", "short_repr",
           "is_node"]


def is_node(v: object) -> bool:
    """True for a tinygraph Node (a Neuron, Synapse or Bias too).  This module sits below the engine,
    which uses it, so it knows a node by what every node has (parents and backward), not by its class."""
    t = type(v)
    return hasattr(t, "parents") and hasattr(t, "backward")


def what_is_wrong(v: object) -> Optional[str]:
    """None if ``v`` is a finite real number, else what it is: "nan", "the str 'abc', not a number", ..."""
    if isinstance(v, numbers.Real):                 # float, int, bool, Fraction, numpy numbers
        try:
            f = float(v)
        except OverflowError:
            return "an integer too large for a float"
        return None if -math.inf < f < math.inf else ("nan" if f != f else repr(f))
    return f"the {type(v).__name__} {v!r}, not a number"


def not_finite_error(subject: str, v: object, then: str = "") -> TinygraphError:
    """The error for a value ``v`` that is not a finite real number: "<subject> is nan<then>".

    NotFiniteError for nan, inf or a number too large for a float; WrongTypeError
    (with a hint) for something that is not a number at all.
    """
    wrong = what_is_wrong(v)
    if isinstance(v, numbers.Real):
        return NotFiniteError(f"{subject} is {wrong}{then}")
    hint = ""
    if isinstance(v, str):
        hint = f"; to use the string {v!r} as a number, convert it first, e.g. float({v!r})"
    elif isinstance(v, complex):
        hint = "; tinygraph works with real numbers only"
    elif isinstance(v, (list, tuple)):
        hint = "; a Node holds one number: make one Node per element"
    elif is_node(v):
        hint = "; use it directly (so it takes part in the graph), or its .value"
    return WrongTypeError(f"{subject} is {wrong}{hint}{then}")


def check_value(value: object, what: str = "a Node's value") -> float:
    """Return ``value`` as a finite float, or raise NotFiniteError/WrongTypeError saying why not."""
    if value.__class__ is float and -math.inf < value < math.inf:
        return value
    if what_is_wrong(value) is None:
        return float(value)
    raise not_finite_error(f"{what} must be a finite real number (int or float), but it", value) from None


def check_rate(lr: Any, what: str = "lr") -> float:
    """``lr`` as a float > 0, or a clear error naming it (``what``) and what is wrong with it."""
    if isinstance(lr, bool):
        raise WrongTypeError(f"{what} (the learning rate) must be a number, got {lr!r}")
    try:
        v = check_value(lr, f"{what} (the learning rate)")
    except NotFiniteError:
        raise NotFiniteError(f"{what} (the learning rate) must be a finite number > 0, got {lr!r}") from None
    if v <= 0.0:
        raise DomainError(f"{what} (the learning rate) must be > 0, got {lr!r}: "
                          "each step moves the weights by -lr times their gradient")
    return v


def named_values(given: Any, names: List[str], what: str, where: str) -> Dict[str, float]:
    """A sample's inputs or targets (a dict by name, a list in the network's order, or one number for
    one name) as {name: float}, checked against the network's ``names``; ``where`` starts each message."""
    if isinstance(given, Mapping):
        check_names(given, names, what, f"{where}: {what}")
        pairs = [(k, given[k]) for k in names]
    elif isinstance(given, (list, tuple)):
        if len(given) != len(names):
            raise BadValueError(f"{where}: {len(given)} values for the network's {len(names)} "
                             f"{what} ({', '.join(names)})")
        pairs = list(zip(names, given))
    elif len(names) == 1 and (isinstance(given, (int, float)) or is_node(given)):
        pairs = [(names[0], given)]
    else:
        raise WrongTypeError(f"{where}: {what} must be a dict by name ({', '.join(names)}) or a list of "
                        f"{len(names)} numbers; got {type(given).__name__} {given!r}")
    out = {}
    for k, v in pairs:
        if is_node(v):
            v = v.value
        out[k] = check_value(v, f"{where}: the {what[:-1]} {k!r}")
    return out


def short_repr(x: object, most: int = 60) -> str:
    """repr(x), cut to ``most`` characters: a message names a bad value without pasting a whole data set."""
    r = repr(x)
    return r if len(r) <= most else r[:most - 5] + " ...>"
