"""The engine: a scalar Node, its operators, and the backward walk.

Every op computes its value *and* the local partial derivative of its value
with respect to each parent, and stores both on the new node.  Backward is
then one generic loop over the graph in reverse topological order::

    parent.grad += node.grad * d(node)/d(parent)

which is the chain rule, written once (see :func:`walk`).  There is no
closure per node and no container per node: an arithmetic op or activation
keeps its one or two parents and their local derivatives in the node's own
slots, so the only objects it allocates are the node and its float value.
That keeps a node small and keeps Python's cyclic garbage collector from
dominating the run time.  The one many-parent node is a neuron's net input,
:func:`weighted_sum` (w1 x1 + w2 x2 + ... + theta), which keeps its parents
and local derivatives in two tuples: one node per neuron instead of two per
synapse.

A plain number used in an op (``x * 2.0``, ``x + 1``) is not made into a node:
it is kept in the op's node as its constant (``node.const``), since nothing
flows back into it.

Values are checked where they enter: a value that is not a finite number (a
nan or an infinity set by hand, a string, None...) is refused by the next op
that reads it, with an error that names the node and the value.  The check
costs nothing extra: a nan or inf operand makes a nan or inf result, which
the op's finiteness check catches anyway; only then is the cause looked for.
"""

from __future__ import annotations

import contextlib
import gc
import math
import numbers
from collections import deque as _drain
from itertools import chain as _chain
from operator import mul as _mul
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence, Tuple, Union

from .checks import check_value, not_finite_error, what_is_wrong
from .errors import (BadValueError, DomainError, GraphError, NodeOverflowError, NodeZeroDivisionError, NotFiniteError, TinygraphError,
                     WrongTypeError)

if TYPE_CHECKING:
    from .activations import Activation

__all__ = ["Node", "walk", "nodes_below", "as_node", "weighted_sum", "gc_paused", "reached",
           "exp", "log", "sigmoid", "relu", "tanh", "sign"]

_INF = math.inf
_NINF = -math.inf
_exp = math.exp
_log = math.log
_new = object.__new__

Number = Union[int, float]

# The old private names of the value checks, now public in tinygraph.checks, for code written before they moved.


def _operand(x: object, op: str) -> Union["Node", float]:
    """An op's other operand as a Node (a Neuron stands for its latest output) or a float constant."""
    if isinstance(x, Node):
        return x._as_operand()
    if what_is_wrong(x) is None:
        return float(x)                                # int, bool, numpy number: the constant as a float
    raise _refused(op, (x,))


def _whose(n: "Node") -> str:
    """How a message names a node's value: 'w1.value', or 'the value of the result of '*''."""
    if n.name:
        return f"{n.name}.value"
    return f"the value of the result of '{n.op}'" if n.op else "the value of an unnamed Node"


def _refused(op: str, operands: Sequence[object], error: Optional[BaseException] = None) -> Exception:
    """Why ``op`` could not make a finite float, as the error to raise.

    Only built on failure.  A nan, inf or non-number operand is named as the
    cause (a value set by hand, not an overflow); else the op really
    overflowed; an error the op raised on purpose is passed on unchanged.
    """
    for o in operands:
        if isinstance(o, Node):
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
    shown = ", ".join(_describe(o) for o in operands[:6]) + (", ..." if len(operands) > 6 else "")
    return NodeOverflowError(
        f"'{op}' of {shown} overflowed: the result is too large for a float. "
        "Values this large usually mean the inputs or the learning rate are too big.")


def _slope_overflow(op: str, *operands: object) -> NodeOverflowError:
    shown = ", ".join(_describe(o) for o in operands[:6]) + (", ..." if len(operands) > 6 else "")
    return NodeOverflowError(
        f"the slope of '{op}' at {shown} is too large for a float (it would be inf), so no gradient "
        "can flow through it; keep the inputs in a moderate range (dividing by or taking log of values "
        "near 0, or powers of huge values, do this).")


def _describe(x: object) -> str:
    if isinstance(x, Node):
        return x._label()
    return repr(x)


# Errors an op's arithmetic raises when an operand is not a finite number: "abc" * 2.0 (TypeError),
# a Node compared with inf in the finiteness check (ValueError), an int too large for a float
# (OverflowError), a Decimal's own InvalidOperation (an ArithmeticError).
_BAD_OPERAND = (TypeError, ValueError, ArithmeticError)


def _lossy(v: object) -> bool:
    """True for a number an op cannot use as it is: a numpy array, or a float of less precision than
    a Python float (numpy float32, float16), which would make the op compute in that precision."""
    if isinstance(v, (float, numbers.Integral)):      # float, numpy float64, int, bool, numpy ints
        return False
    return not isinstance(v, numbers.Real) or type(v).__module__ == "numpy"


# -- the one constructor of op nodes ------------------------------------------------------

def _op(op: str, value: float, a: "Node", da: float, b: Union["Node", float, None] = None,
        db: Optional[float] = None) -> "Node":
    """The node that ``op`` makes: its value, its operands a and b, and d(value)/d(operand).

    ``b`` is a second parent Node with its slope ``db``, or the op's plain-number
    operand (its constant: ``x * 2.0`` keeps 2.0) with ``db`` None, since nothing
    flows back into a number.  A weighted sum passes the tuple of its parents as
    ``a`` and the tuple of their local derivatives as ``da``.

    Checks the one thing every op needs: the value is a finite number (a nan
    or inf operand makes a nan or inf value, so this also catches those).
    Ops whose slope can be infinite at a finite value (/, **, log) check it
    themselves.  Slots are set directly: ``Node.__init__`` would check again.
    """
    if value.__class__ is not float or not _NINF < value < _INF:
        operands = a if a.__class__ is tuple else (a,) if b is None else (a, b)
        if what_is_wrong(value) is not None or any(isinstance(o, Node) and _lossy(o.value) for o in operands):
            raise _refused(op, operands)
        value = float(value)                      # an int or numpy number set by hand went through the op
    n = _new(Node)
    n.value = value
    n.grad = 0.0
    n.name = None
    n.op = op
    n._a = a
    n._da = da
    n._b = b
    n._db = db
    n._mark = None
    return n


def _checked_op(op: str, value: float, a: "Node", da: float, b: Union["Node", float, None] = None,
                db: Optional[float] = None) -> "Node":
    """_op for the ops whose slope can be infinite where their value is finite (/, **, log)."""
    if _NINF < value < _INF and not (_NINF < da < _INF and (db is None or _NINF < db < _INF)):
        raise _slope_overflow(op, *((a,) if b is None else (a, b)))
    return _op(op, value, a, da, b, db)


def _again(method, op: str, x: "Node", y: object, error: BaseException) -> "Node":
    """After ``op`` failed: a numpy number set by hand as a value (a float32, say) is taken as the Python
    float it stands for (in place) and the op done again; anything else is refused, naming the culprit.

    Only on failure: the ops themselves compute with whatever the values are, for speed.
    """
    converted = False
    for o in (x, y):
        if isinstance(o, Node) and _lossy(o.value) and isinstance(o.value, numbers.Real) \
                and what_is_wrong(o.value) is None:
            o.value = float(o.value)
            converted = True
    if converted:
        return method(x) if y is None else method(x, y)
    raise _refused(op, (x,) if y is None else (x, y), error) from None


class Node:
    """A scalar in a computation graph: its value, its gradient, and how it was made.

    ``value`` is a float; ``grad`` is d(root)/d(this node) after ``root.backward()``
    (0.0 before); ``op`` names the operation that made the node (``""`` for a leaf);
    ``parents`` are the nodes it was computed from, in order.

    A Node is not a Python float: ``math.tanh(x)`` or ``float(x)`` raise a TypeError
    (they would silently cut x out of the graph); use tinygraph's ops
    (``tg.tanh(x)``, ``x.exp()``) to stay in the graph, and ``x.value`` for the number.
    ``f"{x:.3f}"`` formats the value.
    """

    # _a, _b: the operands; _da, _db: d(value)/d(_a) and d(value)/d(_b).  _a is a parent
    # Node (None for a leaf).  _b is a second parent Node, or the op's plain-number
    # operand (x * 2.0 keeps 2.0: its constant, `const`), which gets no gradient, so
    # its _db is None; _db is None exactly when there is no second parent.
    # A weighted_sum node keeps a tuple of parents in _a and a tuple of their
    # local derivatives in _da (_b, _db None).
    # _mark, _uses: the backward walk's bookkeeping (see `walk`); _mark is None
    # until a walk reaches the node.
    __slots__ = ("value", "grad", "name", "op", "_a", "_b", "_da", "_db", "_mark", "_uses")

    # numpy: `array * node` calls Node.__rmul__ (which refuses the array) instead of making an array of Nodes.
    __array_ufunc__ = None

    def __init__(self, value: Number, name: Optional[str] = None) -> None:
        self.value = check_value(value)
        self.grad = 0.0
        if name is not None and not isinstance(name, str):
            raise WrongTypeError(f"a Node's name must be a string, got {type(name).__name__} {name!r}")
        self.name = name
        self.op = ""
        self._a = self._b = self._da = self._db = self._mark = None

    # -- structure ---------------------------------------------------------

    @property
    def parents(self) -> Tuple["Node", ...]:
        """The nodes this node was computed from, in order (empty for a leaf)."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a
        return (a,) if self._db is None else (a, self._b)

    @property
    def local_grads(self) -> Tuple[float, ...]:
        """d(value)/d(parent) for each parent, in the order of ``parents``."""
        if self._a is None:
            return ()
        if self._a.__class__ is tuple:
            return self._da
        return (self._da,) if self._db is None else (self._da, self._db)

    @property
    def const(self) -> Optional[float]:
        """The plain-number operand folded into this op (``x + 1.0`` has const 1.0), else None."""
        return None if self._a is None or self._db is not None else self._b

    @property
    def is_leaf(self) -> bool:
        """True for a node that was not computed from other nodes (an input or a parameter)."""
        return self._a is None

    def _as_operand(self) -> "Node":
        """The node that stands for this one inside an op (a Neuron answers its latest output)."""
        return self

    def __float__(self) -> float:
        # Not a conversion on purpose: math.tanh(x) or float(x) would take the number out of the graph,
        # so no gradient would flow back into x.  Raising here makes them fail loudly instead.
        raise WrongTypeError(f"{self._label()} is a Node, not a plain number: math functions and float() would "
                        "cut it out of the graph, so no gradient flows back. Use tinygraph's ops "
                        "(tg.tanh(x), tg.exp(x), x.sigmoid(), ...) to stay in the graph, or x.value for the number")

    def __bool__(self) -> bool:
        # A Node in an `if` (or `and`, `or`, `while`, `not`) is refused: `if loss:` would be true for every
        # Node, even one whose value is 0.0, and look like a test of the number.
        raise WrongTypeError(f"{self._label()} is a Node: an `if` (or and/or/not) cannot tell what to test. "
                             "Compare its number, e.g. `if loss.value < 0.01:`, or test `node is not None`")

    def __format__(self, spec: str) -> str:
        """Format the value, so f"{node:.3f}" works like f"{node.value:.3f}"."""
        return format(self.value, spec) if spec else str(self)

    def _label(self) -> str:
        v = self.value
        shown = f"{v:.6g}" if isinstance(v, float) else repr(v)
        if self.name:
            return f"{self.name} ({shown})"
        if self.op:
            return f"the result of '{self.op}' ({shown})"
        return f"Node({shown})"

    def __repr__(self) -> str:
        parts = [repr(self.value)]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        parts.append(f"grad={self.grad!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- arithmetic: each op states its value and its local derivatives ----------
    #
    # _op(op, value, x, d/dx, y, d/dy): `other` (y) is a Node, or a plain number
    # that becomes the op's constant (then _op gets no d/dy: nothing flows back
    # into a number).  A bad operand (nan, inf, "abc", None) fails the value
    # check in _op, or raises inside the arithmetic; either way _refused names it.

    def __add__(self, other: Union["Node", Number]) -> "Node":
        """x + y: d/dx = 1, d/dy = 1."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "+")
        try:
            if y.__class__ is float:
                return _op("+", self.value + y, self, 1.0, y)
            return _op("+", self.value + y.value, self, 1.0, y, 1.0)
        except _BAD_OPERAND as e:
            return _again(Node.__add__, "+", self, y, e)

    __radd__ = __add__

    def __sub__(self, other: Union["Node", Number]) -> "Node":
        """x - y: d/dx = 1, d/dy = -1."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "-")
        try:
            if y.__class__ is float:
                return _op("-", self.value - y, self, 1.0, y)
            return _op("-", self.value - y.value, self, 1.0, y, -1.0)
        except _BAD_OPERAND as e:
            return _again(Node.__sub__, "-", self, y, e)

    def __rsub__(self, other: Number) -> "Node":
        # c - x: the constant is on the left, so it becomes a leaf to keep the order visible.
        return Node(check_value(other, "a number minus a Node")) - self

    def __mul__(self, other: Union["Node", Number]) -> "Node":
        """x * y: d/dx = y, d/dy = x."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "*")
        try:
            if y.__class__ is float:
                return _op("*", self.value * y, self, y, y)        # x * c: d/dx = c
            return _op("*", self.value * y.value, self, y.value, y, self.value)
        except _BAD_OPERAND as e:
            return _again(Node.__mul__, "*", self, y, e)

    __rmul__ = __mul__

    def __truediv__(self, other: Union["Node", Number]) -> "Node":
        """x / y: d/dx = 1/y, d/dy = -x/y^2."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "/")
        try:
            b = y if y.__class__ is float else y.value
            if not b or not _NINF < b < _INF:              # by 0; by nan or inf (x / inf would be a finite 0)
                raise _bad_divisor(self, y)
            v = self.value / b
            if y.__class__ is float:
                return _checked_op("/", v, self, 1.0 / b, b)
            return _checked_op("/", v, self, 1.0 / b, y, -v / b)
        except _BAD_OPERAND as e:
            return _again(Node.__truediv__, "/", self, y, e)

    def __rtruediv__(self, other: Number) -> "Node":
        return Node(check_value(other, "a number divided by a Node")) / self

    def __pow__(self, other: Union["Node", Number]) -> "Node":
        """x ** y: d/dx = y x^(y-1), d/dy = x^y ln x (0 at x = 0)."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "**")
        try:
            a, b = self.value, (y if y.__class__ is float else y.value)
            _check_power(self, y, a, b)                    # a real number with a finite slope?
            if y.__class__ is float:                       # x ** c: d/dx = c x^(c-1), and x ** 0 is flat
                return _checked_op("**", _pow(a, b, self, y), self, b * _pow(a, b - 1.0, self, y) if b else 0.0, b)
            v = _pow(a, b, self, y)
            return _checked_op("**", v, self, b * _pow(a, b - 1.0, self, y), y, v * _log(a) if a > 0.0 else 0.0)
        except _BAD_OPERAND as e:
            return _again(Node.__pow__, "**", self, y, e)

    def __rpow__(self, other: Number) -> "Node":
        return Node(check_value(other, "the base of a power")) ** self

    def __neg__(self) -> "Node":
        """-x: d/dx = -1."""
        try:
            return _op("neg", -self.value, self, -1.0)
        except _BAD_OPERAND as e:
            return _again(Node.__neg__, "neg", self, None, e)

    def __pos__(self) -> "Node":
        return self

    def __abs__(self) -> "Node":
        """|x|; its slope is -1 below 0, +1 above, and taken as 0 at 0."""
        x = self.value
        try:
            return _op("abs", abs(x), self, -1.0 if x < 0.0 else (1.0 if x > 0.0 else 0.0))
        except _BAD_OPERAND as e:
            return _again(Node.__abs__, "abs", self, None, e)

    # Comparisons compare values (``while E > 0.01``) and give a plain bool; they
    # are not part of the graph.  ``==`` is left as identity, so nodes stay
    # usable as dict keys and in lists.
    def __lt__(self, other: Union["Node", Number]) -> bool:
        return self.value < _compared(other)

    def __le__(self, other: Union["Node", Number]) -> bool:
        return self.value <= _compared(other)

    def __gt__(self, other: Union["Node", Number]) -> bool:
        return self.value > _compared(other)

    def __ge__(self, other: Union["Node", Number]) -> bool:
        return self.value >= _compared(other)

    # -- functions --------------------------------------------------------

    def exp(self) -> "Node":
        """e ** x; its slope is e ** x itself.  Raises NodeOverflowError above x = 709.78."""
        x = self.value if self.value.__class__ is float else _float_of(self, "exp")
        try:
            if _NINF < x:                                  # exp(-inf) would be a finite 0
                v = _exp(x)
                return _op("exp", v, self, v)
            raise _refused("exp", (self,))
        except _BAD_OPERAND as e:
            raise _refused("exp", (self,), e) from None

    def log(self) -> "Node":
        """Natural logarithm: d/dx = 1/x; the value must be positive."""
        x = self.value if self.value.__class__ is float else _float_of(self, "log")
        try:
            if x <= 0.0:
                raise DomainError(f"'log' needs a positive value, got {self._label()}")
            return _checked_op("log", _log(x), self, 1.0 / x)
        except _BAD_OPERAND as e:
            raise _refused("log", (self,), e) from None

    # The activations: each is defined once, in tinygraph.activations (value and slope for
    # scalars, the array form for batch mode); these methods apply that one definition.

    def sigmoid(self) -> "Node":
        """The logistic function 1 / (1 + e^-x), computed without overflow for any finite x."""
        return _activate(self, _SIGMOID)

    def relu(self) -> "Node":
        """The ramp max(0, x); its slope at 0 is taken as 0."""
        return _activate(self, _RELU)

    def tanh(self) -> "Node":
        """Hyperbolic tangent."""
        return _activate(self, _TANH)

    def sign(self) -> "Node":
        """The text's step: -1 for x < 0, +1 otherwise (so sign(0) = +1); its slope is 0."""
        return _activate(self, _SIGN)

    # -- backward --------------------------------------------------------

    def backward(self) -> None:
        """Fill ``grad`` of every node below this one with d(this)/d(node), by the chain rule.

        Gradients of leaves (inputs, weights, biases) *accumulate*: a second
        ``backward()`` on the same graph adds the same gradients again, which is
        what lets losses of several samples add up into the weights.  Call
        ``zero_grad()`` (or an optimizer's) between steps.  Gradients of
        interior nodes are recomputed from scratch on each call.
        """
        _drain(walk(self), maxlen=0)           # run the walk to the end (a deque that keeps nothing)

    def zero_grad(self) -> None:
        """Set ``grad`` back to 0.0 on this node and every node below it.

        A step-through paused over these nodes (``tg.backprop_steps``) is refused when resumed.
        """
        zero_grads(nodes_below(self), "zero_grad() set the gradients back to 0")


def _activate(x: Node, act: "Activation") -> Node:
    """The node of a built-in activation (from its one definition in tinygraph.activations) applied to ``x``."""
    v = x.value
    if v.__class__ is not float or not _NINF < v < _INF:   # relu(nan) would be 0, tanh(inf) 1: refuse them
        v = _float_of(x, act.name)
    y, d = act.value_and_slope(v)
    return _op(act.name, y, x, d)


def _float_of(x: Node, op: str) -> float:
    """``x.value`` as a finite float for ``op`` (an int or a numpy number set by hand), or the error naming x."""
    v = x.value
    if what_is_wrong(v) is not None or not isinstance(v, numbers.Real):
        raise _refused(op, (x,))
    return float(v)


def _compared(x: object) -> float:
    """The number a Node is compared with (another Node's value, or a plain number; inf is fine, nan not)."""
    if isinstance(x, Node):
        x = x._as_operand()
        return x.value
    if isinstance(x, numbers.Real):
        if what_is_wrong(x) != "nan":
            return x                                 # a real number, infinite or not, compares fine
        raise NotFiniteError("a Node was compared with nan: every comparison with nan is False, "
                             "so the answer would mean nothing")
    return check_value(x, "a number compared with a Node")


def nodes_below(root: Node) -> Iterator[Node]:
    """``root`` and every node below it, once each, in depth-first preorder (parents in order).

    Iterative, so any depth works; the order is the same every run.
    """
    seen = {root}
    stack = [root]
    while stack:
        n = stack.pop()
        yield n
        for p in reversed(n.parents):
            if p not in seen:
                seen.add(p)
                stack.append(p)


def _pow(a: float, b: float, x: object, y: object) -> float:
    try:
        v = a ** b
    except OverflowError:
        raise _refused("**", (x, y)) from None
    except ZeroDivisionError:
        raise NodeZeroDivisionError(f"'**' raises zero ({_describe(x)}) to a negative power") from None
    if v.__class__ is not float or not _NINF < v < _INF:
        if isinstance(v, complex):
            raise DomainError(f"'**' of {_describe(x)} and {_describe(y)} is not a real number")
        if isinstance(v, float) and _NINF < v < _INF:
            return float(v)                                # a numpy float64 set by hand
        raise _refused("**", (x, y))
    return v


def _bad_divisor(x: "Node", y: Union["Node", float]) -> Exception:
    """Division by zero, or by a value that is not a finite number."""
    b = y if y.__class__ is float else y.value
    if what_is_wrong(b) is not None:
        return _refused("/", (x, y))
    if isinstance(y, Node):
        return NodeZeroDivisionError(f"'/' divides {x._label()} by {y._label()}, which is zero")
    return NodeZeroDivisionError(f"'/' divides {x._label()} by the number 0")


def _check_power(x: "Node", y: Union["Node", float], a: float, b: float) -> None:
    """Refuse x ** y where it is not a real number, or where a slope would be infinite."""
    if not (_NINF < a < _INF and _NINF < b < _INF) or _lossy(a) or _lossy(b):   # inf ** -1 would be a finite 0
        raise _refused("**", (x, y))
    if y.__class__ is float:
        if b == 0.0:
            return                                         # x ** 0 = 1 for every x
        if a < 0.0 and not b.is_integer():
            raise DomainError(f"'**' of a negative base to a fractional power: "
                              f"{x._label()} ** {b!r} is not a real number")
    elif a < 0.0:
        raise DomainError(f"'**' with a Node exponent needs a base >= 0 "
                          f"(ln of the base is its slope); got {x._label()} ** {y._label()}")
    if a == 0.0 and b < 1.0:                               # 0 ** b: its value or its slope is infinite
        if b < 0.0:
            raise NodeZeroDivisionError(f"'**' raises {x._label()}, which is zero, to the negative power {b!r}")
        raise DomainError(f"'**': the slope of x ** {b!r} is infinite at x = 0 ({x._label()}); "
                          "shift the input away from 0")


# -- the backward walk ----------------------------------------------------------------------

class _WalkMark:
    """Tags the nodes one backward walk has counted (a fresh object per walk)."""

    __slots__ = ()

    cause = "another backward pass ran over the same nodes"


class _Stamp:
    """Left on a node by an operation that changed its gradient (or weight) outside a walk: says which."""

    __slots__ = ("cause",)

    def __init__(self, cause: str) -> None:
        self.cause = cause


def zero_grads(nodes: Iterable[Node], cause: Union[str, _Stamp] = "zero_grad() set the gradients back to 0") -> None:
    """Set each node's grad to 0.0, and stamp it so that a walk paused over it is refused on resume."""
    stamp = cause if cause.__class__ is _Stamp else _Stamp(cause)
    for n in nodes:
        n.grad = 0.0
        if n._mark is not None:
            n._mark = stamp


def mark_changed(nodes: Iterable[Node], cause: Union[str, _Stamp]) -> None:
    """Stamp nodes that ``cause`` changed, so that a walk paused over them is refused on resume."""
    stamp = cause if cause.__class__ is _Stamp else _Stamp(cause)
    for n in nodes:
        if n._mark is not None:
            n._mark = stamp


def walk(root: Node) -> Iterator[Node]:
    """The backward walk: yield each node below ``root`` once its gradient is complete.

    This is the one implementation of backpropagation: ``Node.backward`` runs
    it to the end, and ``tinygraph.backprop_steps`` runs it one node at a time.
    When a node is yielded its ``grad`` holds d(root)/d(node) and it has
    already added ``grad * local`` into each parent's ``grad``.

    Order: reverse topological (a node comes after every node computed from it),
    found iteratively, so graphs of any depth work.  Interior nodes' grads are
    reset to 0 before the walk; leaves' grads accumulate (see ``Node.backward``).
    If the loop is left early, nodes already yielded hold their final gradients
    and the others partial sums.

    While the walk is paused, anything that changes the gradients it is still
    adding up -- another backward pass over the same nodes, ``zero_grad()``,
    an optimizer's ``zero_grad()`` or ``step()`` -- makes resuming it raise
    GraphError (naming what happened) before any wrong gradient is yielded.
    What touches only nodes already yielded leaves the same results as
    finishing the walk first and doing it after; so does a new forward pass
    (it makes new nodes and leaves these alone).
    """
    root = root._as_operand()                        # a Neuron: walk from its latest output
    # The chain-rule line (parent.grad += node.grad * slope) appears three
    # times in pass 2: for a weighted sum's many parents, and for an op's
    # parent a and parent b.  Written once, as one loop over (parent, slope)
    # pairs, it needs a tuple or two made per node: measured against this form
    # in one run, that made the moons step built as micrograd builds it (one
    # * and one + node per synapse) 15% slower, the x*a + c chain 12% slower,
    # and the moons step through the network API 1% slower.  So an op's one or
    # two parents are handled in place, without any container.

    # Pass 1: count, for each node, how many times it is used as a parent
    # below root (its consumers), and reset interior gradients.  The count is
    # kept in the node itself (n._uses, valid while n._mark is this walk's
    # mark): a dict keyed by node would cost a hash lookup per edge.
    mark = _WalkMark()
    root._mark = mark
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        a = n._a
        if a is None:                                # a leaf: its grad will accumulate
            continue
        n.grad = 0.0
        if a.__class__ is tuple:                     # a weighted sum: many parents
            for p in a:
                if p._mark is mark:
                    p._uses += 1
                else:
                    p._mark = mark
                    p._uses = 1
                    push(p)
            continue
        if a._mark is mark:                          # an op: parent a, then b if it is a parent
            a._uses += 1
        else:
            a._mark = mark
            a._uses = 1
            push(a)
        if n._db is not None:
            b = n._b
            if b._mark is mark:
                b._uses += 1
            else:
                b._mark = mark
                b._uses = 1
                push(b)

    # Pass 2: a node is ready once every consumer has passed gradient to it.
    # Every parent must still carry this walk's mark: if not, something else
    # changed it while the walk was paused (see the docstring).
    try:
        root.grad += 1.0
        push(root)
        while stack:
            n = pop()
            a = n._a
            if a is None:                            # a leaf: its gradient is complete
                if n._mark is not mark:
                    raise _interrupted(root, n)
                g = n.grad
                if g.__class__ is not float or not _NINF < g < _INF:
                    n.grad = _leaf_grad(root, n)     # a float, or the error saying why not
            elif a.__class__ is tuple:               # a weighted sum: many parents
                g = n.grad
                for p, d in zip(a, n._da):
                    if p._mark is not mark:
                        raise _interrupted(root, p)
                    p.grad += g * d                  # the chain rule
                    left = p._uses - 1
                    p._uses = left
                    if not left:
                        push(p)
            else:                                    # an op: parent a, then b if there is one
                g = n.grad
                if a._mark is not mark:
                    raise _interrupted(root, a)
                a.grad += g * n._da                  # the chain rule
                left = a._uses - 1
                a._uses = left
                if not left:
                    push(a)
                db = n._db
                if db is not None:                   # b is a parent, not a plain number
                    b = n._b
                    if b._mark is not mark:
                        raise _interrupted(root, b)
                    b.grad += g * db                 # the chain rule
                    left = b._uses - 1
                    b._uses = left
                    if not left:
                        push(b)
            yield n
    except _BAD_OPERAND as e:                        # a grad set by hand to "abc", None, ... (see below)
        if isinstance(e, TinygraphError):
            raise
        raise _bad_grad_below(root, e) from None


def _leaf_grad(root: Node, leaf: Node) -> float:
    """A leaf's complete gradient that is not a float: an int or numpy number (set by hand before the
    walk) is taken as a float; anything else is refused, naming the leaf."""
    g = leaf.grad
    if what_is_wrong(g) is None and isinstance(g, numbers.Real):
        return float(g)
    if isinstance(g, numbers.Real):
        raise _leaf_grad_error(root, leaf)
    raise _bad_grad(root, leaf)


def _leaf_grad_error(root: Node, leaf: Node) -> TinygraphError:
    """A leaf's gradient came out nan or infinite: was it so before the walk (set by hand), or did it overflow?

    Only built on failure: the contributions its consumers sent are added up
    again; if they are finite, the leaf's grad was not a finite number to
    begin with.
    """
    sent = 0.0
    for n in nodes_below(root):
        for p, d in zip(n.parents, n.local_grads):
            if p is leaf:
                sent += n.grad * d
    if (_NINF < sent < _INF) or root is leaf:
        return _bad_grad(root, leaf, before=True)
    return _gradient_overflow(root, leaf)


def _bad_grad_below(root: Node, error: BaseException) -> Exception:
    """The leaf below ``root`` whose grad is not a number (so the walk could not add to it), named."""
    for n in nodes_below(root):
        if n.is_leaf and what_is_wrong(n.grad) is not None:
            return _bad_grad(root, n)
    return error


def _bad_grad(root: Node, leaf: Node, before: bool = False) -> TinygraphError:
    """A leaf's grad that was not a finite number before the walk: set by hand, so say so."""
    g = leaf.grad
    who = f"{leaf.name}.grad" if leaf.name else f"the grad of {leaf._label()}"
    state = f"was {what_is_wrong(g)} before this backward pass" if before else f"is {what_is_wrong(g)}"
    cls = NotFiniteError if isinstance(g, numbers.Real) else WrongTypeError
    return cls(f"backward from {root._label()}: {who} {state}, so gradients cannot add up into it. "
               "Was .grad set by hand? Set it back with zero_grad() (or node.grad = 0.0), then run backward again")


def _gradient_overflow(root: Node, leaf: Node) -> NodeOverflowError:
    return NodeOverflowError(
        f"the gradient of {root._label()} with respect to {leaf._label()} is {leaf.grad!r}: too large "
        "for a float, although every value is finite. Some local derivatives along the way are huge "
        "(e.g. 1/x for a tiny x, or a very large weight); rescale the inputs or weights.")


def _interrupted(root: Node, at: Node) -> GraphError:
    cause = getattr(at._mark, "cause", "something changed its nodes")
    return GraphError(f"the backward walk from {root._label()} was interrupted: while it was paused, {cause} "
                      f"(at {at._label()}), so the gradients it was adding up are no longer valid; start it "
                      "again (e.g. tg.backprop_steps(loss) anew) once that is done")


# -- a neuron's net input -----------------------------------------------------------------------

def weighted_sum(weights: Sequence[Union[Node, Number]], inputs: Sequence[Union[Node, Number]],
                 bias: Union[Node, Number, None] = None) -> Node:
    """One node for w1*x1 + w2*x2 + ... + bias: a neuron's net input.

    Its parents are w1, x1, w2, x2, ..., bias, and its local derivatives say
    d(net)/dw_i = x_i, d(net)/dx_i = w_i, d(net)/dbias = 1 -- the text's
    dnet/dW_jk = O_j.  One node instead of a '*' and a '+' per synapse keeps a
    network's graph small and its step-through in the text's terms.
    Numbers are made into leaf Nodes.
    """
    weights = [as_node(w)._as_operand() for w in weights]
    inputs = [as_node(x)._as_operand() for x in inputs]
    if len(weights) != len(inputs):
        raise BadValueError(f"weighted_sum needs as many weights as inputs, got {len(weights)} and {len(inputs)}")
    if not weights:
        raise BadValueError("weighted_sum needs at least one weight and input")
    return _weighted_sum(weights, inputs, None if bias is None else as_node(bias)._as_operand())


def _weighted_sum(weights: Sequence[Node], inputs: Sequence[Node], bias: Optional[Node] = None) -> Node:
    """weighted_sum without the checks: Network.forward's hot path."""
    ws = [w.value for w in weights]
    xs = [x.value for x in inputs]
    try:
        total = sum(map(_mul, ws, xs))                     # w1 x1 + w2 x2 + ..., left to right
        if bias is None:
            parents = tuple(_chain.from_iterable(zip(weights, inputs)))
            local = tuple(_chain.from_iterable(zip(xs, ws)))       # d/dw_i = x_i, d/dx_i = w_i
        else:
            total += bias.value
            parents = (*_chain.from_iterable(zip(weights, inputs)), bias)
            local = (*_chain.from_iterable(zip(xs, ws)), 1.0)      # ..., d/dbias = 1
        return _op("weighted_sum", total, parents, local)  # a tuple of parents: a many-parent node
    except _BAD_OPERAND as e:
        every = (*_chain.from_iterable(zip(weights, inputs)), *(() if bias is None else (bias,)))
        lossy = [n for n in every if _lossy(n.value) and isinstance(n.value, numbers.Real)
                 and what_is_wrong(n.value) is None]
        if not lossy:
            raise _refused("weighted_sum", every, e) from None
    for n in lossy:                                        # numpy numbers set by hand: as Python floats
        n.value = float(n.value)
    return _weighted_sum(weights, inputs, bias)


# -- odds and ends ------------------------------------------------------------------------------

@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (restored after), for speed.

    The engine makes no reference cycles: every node is freed by reference
    counting the moment its graph is dropped, so the cyclic collector never
    finds garbage among nodes.  Yet while a large graph is being built, the
    collector walks every live node again and again -- about a third of a
    training step of a small MLP, and more for bigger graphs.  Inside this block
    it does not run; cycles that other code makes meanwhile are collected after
    it.  Blocks nest; the collector's state before the block is restored::

        with tg.gc_paused():
            for epoch in range(100):
                loss = ...; opt.zero_grad(); loss.backward(); opt.step()
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reached(node: Node) -> bool:
    """True once a backward pass has given ``node`` a gradient (so a 0.0 grad is a real 0)."""
    return node._mark is not None or node.grad != 0.0


def as_node(x: Union[Node, Number], name: Optional[str] = None) -> Node:
    """Return ``x`` if it is a Node, else a new leaf Node holding it."""
    if isinstance(x, Node):
        return x
    return Node(x, name=name)


def _function(method_name: str, doc: str):
    def f(x: Union[Node, Number]) -> Node:
        if not isinstance(x, Node):
            x = Node(check_value(x, f"the argument of {method_name}()"))
        return getattr(x, method_name)()  # a Neuron answers with its latest output

    f.__name__ = f.__qualname__ = method_name
    f.__doc__ = doc
    return f


exp = _function("exp", "e ** x, as a Node (x may be a Node or a number).")
log = _function("log", "Natural logarithm, as a Node.")
sigmoid = _function("sigmoid", "The logistic function 1 / (1 + e^-x), as a Node.")
relu = _function("relu", "The ramp max(0, x), as a Node.")
tanh = _function("tanh", "Hyperbolic tangent, as a Node.")
sign = _function("sign", "The step: -1 for x < 0, +1 otherwise, as a Node.")


# The built-in activations' one definition (tinygraph.activations imports this module, so this
# import comes last: whichever of the two modules is imported first, both are complete after).
from .activations import RELU as _RELU, SIGMOID as _SIGMOID, SIGN as _SIGN, TANH as _TANH  # noqa: E402
