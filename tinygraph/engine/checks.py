"""Checking what a user hands in, in one place: is it a finite real number, a learning rate, a
sample's named values, and how a message quotes a bad value.

Every part of tinygraph (the engine, networks, losses, training, the drawings, the
step-through) refuses a bad value with the same words through these helpers, each
raising one of tinygraph's own errors (tinygraph.errors).
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..errors import BadValueError, DomainError, NotFiniteError, TinygraphError, WrongTypeError, check_names

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


# -- values typed as text (command-line options, CSV cells): checked once, here ---------------------

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")


def decimal_text(text: str, what: str) -> float:
    """``text`` as a finite float, when it is a plain decimal (``0.5``, ``-3``, ``1e-3``); else a
    BadValueError naming ``what``.  Stricter than float(): ``nan``, ``inf``, ``1_0`` and digits
    of other scripts (``١``) are refused, since a learner who typed them meant something else."""
    t = text.strip()
    if not _DECIMAL.fullmatch(t):
        if t.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise NotFiniteError(f"{what} must be a finite number, got {text!r}")
        raise BadValueError(f"{what} must be a number written with the digits 0-9 (like 0.5 or 1e-3), "
                            f"got {text!r}")
    v = float(t)
    if not -math.inf < v < math.inf:
        raise NotFiniteError(f"{what} must be a finite number, got {text!r} (too large for a float)")
    return v


def whole_text(text: str, what: str) -> int:
    """``text`` as an int, when it is a plain whole number (``500``, ``-2``); else a BadValueError."""
    t = text.strip()
    if not _WHOLE.fullmatch(t):
        raise BadValueError(f"{what} must be a whole number written with the digits 0-9 (like 500), got {text!r}")
    return int(t)


def check_count(n: Any, what: str, least: int = 1, most: Optional[int] = None, why: str = "") -> int:
    """``n`` as an int with least <= n <= most, or a clear error naming ``what``; ``why`` ends the
    message of a number that is too large (what the limit protects)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise WrongTypeError(f"{what} must be a whole number, got {type(n).__name__} {n!r}")
    n = int(n)
    if n < least:
        raise BadValueError(f"{what} must be at least {least}, got {n}")
    if most is not None and n > most:
        raise BadValueError(f"{what} must be at most {most}, got {n}{why}")
    return n


def check_fraction(f: Any, what: str) -> float:
    """``f`` as a float with 0 <= f < 1 (a part of the rows), or a clear error naming ``what``."""
    v = check_value(f, what)
    if not 0.0 <= v < 1.0:
        raise BadValueError(f"{what} must be at least 0 and below 1 (a part of the rows, e.g. 0.2), got {f!r}")
    return v


def check_threshold(t: Any, what: str) -> float:
    """``t`` as a float > 0 (an error threshold: an error is never below 0, so a threshold <= 0 would
    never be reached), or a clear error naming ``what``."""
    v = check_value(t, what)
    if v <= 0.0:
        raise DomainError(f"{what} must be > 0, got {t!r}: an error is never below 0, so training "
                          f"would never stop there (e.g. 0.01)")
    return v


def check_port(port: Any, what: str = "the port") -> int:
    """``port`` as an int in 0..65535 (0: any free port), or a clear error naming ``what``."""
    return check_count(port, what, least=0, most=65535, why=" (ports are 0 to 65535; 0 takes a free one)")


def json_nesting(text: str) -> Tuple[int, int, bool]:
    """(the nesting depth at the end, the deepest nesting, whether it ends inside a string) of a JSON
    text, found without parsing it (brackets inside strings do not count): a truncated file ends open,
    and a deeply nested one would exhaust Python's recursion in json.loads."""
    depth = most = 0
    inside = escaped = False
    for c in text:
        if inside:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                inside = False
        elif c == '"':
            inside = True
        elif c in "[{":
            depth += 1
            most = max(most, depth)
        elif c in "]}":
            depth -= 1
    return depth, most, inside
