"""Why an op or a backward walk failed, said in words: the engine's code that runs only on failure.

The engine (tinygraph.engine.node) computes with floats and checks one thing per
op: is the result a finite float?  When it is not, or when an operand is not
a float at all, it asks this module what went wrong and raises the answer.
So every message about a failing op lives here, and the ops themselves read
as their values and slopes.

The causes told apart, in this order: a value or number that is not a finite
real number (most often a ``.value`` set by hand: nan, inf, "abc", None, a
numpy array), then a real overflow (the numbers were fine, the result is too
large for a float), then an error an op raised on purpose (passed on as is).

This module sits below the engine: it knows a node by what every node has
(``checks.is_node``), never by importing tinygraph.engine.node.
"""

from __future__ import annotations

import numbers
from typing import Iterable, Optional, Sequence

from .checks import is_node, not_finite_error, what_is_wrong
from ..errors import (DomainError, GraphError, NodeOverflowError, NodeZeroDivisionError, NotFiniteError,
                     TinygraphError, WrongTypeError)

__all__ = ["label", "refused", "slope_overflow", "result_as_float", "number_as_float", "lossy_as_floats",
           "division_refused", "power_refused", "leaf_grad", "bad_grad_below", "interrupted"]


def label(n: object) -> str:
    """How a message names a node: 'w1 (0.5)', "the result of '*' (2)", 'Node(3)'."""
    v = n.value
    shown = f"{v:.6g}" if isinstance(v, float) else repr(v)
    if n.name:
        return f"{n.name} ({shown})"
    if n.op:
        return f"the result of '{n.op}' ({shown})"
    return f"Node({shown})"


def _whose(n: object) -> str:
    """How a message names a node's value: 'w1.value', or 'the value of the result of '*''."""
    if n.name:
        return f"{n.name}.value"
    return f"the value of the result of '{n.op}'" if n.op else "the value of an unnamed Node"


def _describe(x: object) -> str:
    return label(x) if is_node(x) else repr(x)


def _shown(operands: Sequence[object]) -> str:
    return ", ".join(_describe(o) for o in operands[:6]) + (", ..." if len(operands) > 6 else "")


def _lossy(v: object) -> bool:
    """True for a number an op cannot use as it is: a numpy array, or a float of less precision than
    a Python float (numpy float32, float16), which would make the op compute in that precision."""
    if isinstance(v, (float, numbers.Integral)):      # float, numpy float64, int, bool, numpy ints
        return False
    return not isinstance(v, numbers.Real) or type(v).__module__ == "numpy"


def refused(op: str, operands: Sequence[object], error: Optional[BaseException] = None) -> Exception:
    """Why ``op`` could not make a finite float from ``operands``, as the error to raise.

    A nan, inf or non-number operand is named as the cause (a value set by
    hand, not an overflow); else the op really overflowed; an error the op
    raised on purpose (``error``) is passed on unchanged.
    """
    for o in operands:
        if is_node(o):
            v = o.value
            if what_is_wrong(v) is not None:
                return not_finite_error(_whose(o), v, f". '{op}' cannot use it: was .value set by hand? "
                                                 "A Node's value must be a finite number, e.g. node.value = 1.0")
            if _lossy(v):
                return WrongTypeError(f"{_whose(o)} is the {type(v).__name__} {v!r}, so '{op}' would compute in "
                                      f"its precision: was .value set by hand? Give it a Python float, e.g. "
                                      f"node.value = float(v)")
        elif what_is_wrong(o) is not None:
            return not_finite_error(f"the number in '{op}'", o, ". The numbers used with Nodes must be finite")
    if error is not None and (isinstance(error, TinygraphError) or not isinstance(error, OverflowError)):
        return error                              # raised on purpose, or not about the operands: unchanged
    return NodeOverflowError(
        f"'{op}' of {_shown(operands)} overflowed: the result is too large for a float. "
        "Values this large usually mean the inputs or the learning rate are too big.")


def slope_overflow(op: str, operands: Sequence[object]) -> NodeOverflowError:
    """A finite value whose slope is not (1 / x for a tiny x, a power of a huge x): no gradient can flow."""
    return NodeOverflowError(
        f"the slope of '{op}' at {_shown(operands)} is too large for a float (it would be inf), so no gradient "
        "can flow through it; keep the inputs in a moderate range (dividing by or taking log of values "
        "near 0, or powers of huge values, do this).")


def result_as_float(op: str, value: object, operands: Sequence[object]) -> float:
    """An op's value that is not a finite float: one computed from numbers set by hand (ints, a numpy
    float64) is taken as a float; anything else (nan, inf, a value computed in a numpy float32) is
    refused, naming the operand to blame."""
    if what_is_wrong(value) is None and not any(is_node(o) and _lossy(o.value) for o in operands):
        return float(value)
    raise refused(op, operands)


def number_as_float(op: str, x: object) -> float:
    """The value of node ``x`` as a finite float for ``op``: a number set by hand (3, a numpy float32) as
    the float it stands for; anything else (nan, inf, "abc", an array) is refused, naming x."""
    v = x.value
    if what_is_wrong(v) is not None or not isinstance(v, numbers.Real):
        raise refused(op, (x,))
    return float(v)


def lossy_as_floats(nodes: Iterable[object]) -> bool:
    """Take each node's value that is a finite number of less precision than a float (a numpy float32,
    set by hand) as the Python float it stands for, in place: computing in it would lose digits from
    the 8th on.  True if one was changed: the op can be done again."""
    changed = False
    for n in nodes:
        v = n.value
        if _lossy(v) and isinstance(v, numbers.Real) and what_is_wrong(v) is None:
            n.value = float(v)
            changed = True
    return changed


def division_refused(x: object, y: object) -> Exception:
    """x / y where y is zero, or not a finite number."""
    b = y if y.__class__ is float else y.value
    if what_is_wrong(b) is not None:
        return refused("/", (x, y))
    if is_node(y):
        return NodeZeroDivisionError(f"'/' divides {label(x)} by {label(y)}, which is zero")
    return NodeZeroDivisionError(f"'/' divides {label(x)} by the number 0")


def power_refused(x: object, y: object, error: Optional[BaseException] = None) -> Exception:
    """Why x ** y is not a real number with a finite slope (or did not fit in a float)."""
    a, b = x.value, (y.value if is_node(y) else y)
    if not (-float("inf") < a < float("inf") and -float("inf") < b < float("inf")):
        return refused("**", (x, y))
    if is_node(y) and a < 0.0:
        return DomainError(f"'**' with a Node exponent needs a base >= 0 "
                           f"(ln of the base is its slope); got {label(x)} ** {label(y)}")
    if a < 0.0 and not b.is_integer():
        return DomainError(f"'**' of a negative base to a fractional power: "
                           f"{label(x)} ** {b!r} is not a real number")
    if a == 0.0 and b < 0.0:
        return NodeZeroDivisionError(f"'**' raises {label(x)}, which is zero, to the negative power {b!r}")
    if a == 0.0 and b < 1.0:
        return DomainError(f"'**': the slope of x ** {b!r} is infinite at x = 0 ({label(x)}); "
                           "shift the input away from 0")
    return refused("**", (x, y), error)


# -- the backward walk ----------------------------------------------------------------------------

def leaf_grad(root: object, leaf: object, below: Iterable[object]) -> float:
    """A leaf's complete gradient that is not a finite float: an int or numpy number (set by hand before
    the walk) is taken as a float; anything else is refused, naming the leaf.  ``below``: the nodes
    below ``root``."""
    g = leaf.grad
    if what_is_wrong(g) is None and isinstance(g, numbers.Real):
        return float(g)
    if not isinstance(g, numbers.Real):
        raise _bad_grad(root, leaf)
    # nan or inf: was it so before the walk (set by hand), or did it overflow?  Add up again what the
    # leaf's consumers sent: if that is finite, the leaf's grad was not a finite number to begin with.
    sent = 0.0
    for n in below:
        for p, d in zip(n.parents, n.local_grads):
            if p is leaf:
                sent += n.grad * d
    if (-float("inf") < sent < float("inf")) or root is leaf:
        raise _bad_grad(root, leaf, before=True)
    raise NodeOverflowError(
        f"the gradient of {label(root)} with respect to {label(leaf)} is {leaf.grad!r}: too large "
        "for a float, although every value is finite. Some local derivatives along the way are huge "
        "(e.g. 1/x for a tiny x, or a very large weight); rescale the inputs or weights.")


def bad_grad_below(root: object, below: Iterable[object], error: BaseException) -> Exception:
    """The leaf below ``root`` whose grad is not a number (so the walk could not add to it), named."""
    for n in below:
        if n.is_leaf and what_is_wrong(n.grad) is not None:
            return _bad_grad(root, n)
    return error


def _bad_grad(root: object, leaf: object, before: bool = False) -> TinygraphError:
    """A leaf's grad that was not a finite number before the walk: set by hand, so say so."""
    g = leaf.grad
    who = f"{leaf.name}.grad" if leaf.name else f"the grad of {label(leaf)}"
    state = f"was {what_is_wrong(g)} before this backward pass" if before else f"is {what_is_wrong(g)}"
    cls = NotFiniteError if isinstance(g, numbers.Real) else WrongTypeError
    return cls(f"backward from {label(root)}: {who} {state}, so gradients cannot add up into it. "
               "Was .grad set by hand? Set it back with zero_grad() (or node.grad = 0.0), then run backward again")


def interrupted(root: object, at: object, cause: str) -> GraphError:
    """A paused walk found a node that something else changed meanwhile (``cause``)."""
    return GraphError(f"the backward walk from {label(root)} was interrupted: while it was paused, {cause} "
                      f"(at {label(at)}), so the gradients it was adding up are no longer valid; start it "
                      "again (e.g. tg.backprop_steps(loss) anew) once that is done")
