"""The engine: a scalar Node, its operators, and the backward walk.

Every op computes its value *and* the local partial derivative of its value
with respect to each parent (its local slope), and stores both on the new
node.  Backward is then one generic loop over the graph in reverse
topological order::

    parent.grad += node.grad * d(node)/d(parent)

which is the chain rule, written once (see :func:`walk`).  There is no
closure per node and no container per node: an arithmetic op or activation
keeps its one or two operands and their local slopes in the node's own
slots, so the only objects it allocates are the node and its float value.
That keeps a node small and keeps Python's cyclic garbage collector from
dominating the run time.  The one many-parent node is a neuron's net input,
:func:`weighted_sum` (w1 x1 + w2 x2 + ... + theta), which keeps its parents
and local slopes in two tuples: one node per neuron instead of two per
synapse.

A plain number used in an op (``x * 2.0``, ``x + 1``) is not made into a node:
the op keeps it as its constant (``node.const``), since nothing flows back
into it.

An op whose value comes out as no finite float, or whose arithmetic raises
(a ``.value`` set by hand to nan, "abc" or None; a real overflow), asks
tinygraph.engine.diagnosis what went wrong and raises its answer, which names the
node and the value.  That code runs only on failure.
"""

from __future__ import annotations

import contextlib
import gc
import math
import numbers
from collections import deque as _drain
from itertools import chain as _chain
from operator import mul as _mul
from typing import Callable, Iterable, Iterator, Optional, Sequence, Tuple, Union

from . import diagnosis
from .checks import check_value, what_is_wrong
from ..errors import BadValueError, DomainError, NotFiniteError, TinygraphError, WrongTypeError

__all__ = ["Node", "walk", "nodes_below", "as_node", "weighted_sum", "softmax", "softmax_index", "op_node", "gc_paused",
           "reached", "exp", "log", "sigmoid", "relu", "tanh", "sign"]

_INF = math.inf
_NINF = -math.inf
_exp = math.exp
_log = math.log
_tanh = math.tanh
_new = object.__new__

Number = Union[int, float]


# -- the one constructor of op nodes ------------------------------------------------------

def _op(op: str, value: float, a: "Node", da: float, b: Union["Node", float, None] = None,
        db: Optional[float] = None) -> "Node":
    """The node that ``op`` makes: its value, its operands a and b, and d(value)/d(operand).

    ``b`` is a second parent Node with its slope ``db``, or the op's number
    operand (its constant: ``x * 2.0`` keeps 2.0) with no slope, since nothing
    flows back into a number.  A weighted sum passes the tuple of its parents as
    ``a`` and the tuple of their local slopes as ``da``.

    Checks the one thing every op needs: the value is a finite float (a nan or
    inf operand makes a nan or inf value, so this catches those too, and real
    overflow); if not, tinygraph.engine.diagnosis says why.  Ops whose slope can be
    infinite where their value is finite (/, **, log) check that themselves.
    Slots are set directly: ``Node.__init__`` would check again.
    """
    if value.__class__ is not float or not _NINF < value < _INF:
        value = diagnosis.result_as_float(op, value, a if a.__class__ is tuple else (a,) if b is None else (a, b))
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


def _op_slopes_checked(op: str, value: float, a: "Node", da: float, b: Union["Node", float, None] = None,
                       db: Optional[float] = None) -> "Node":
    """_op for the ops whose slope can be infinite where their value is finite (/, **, log)."""
    if _NINF < value < _INF and not (_NINF < da < _INF and (db is None or _NINF < db < _INF)):
        raise diagnosis.slope_overflow(op, (a,) if b is None else (a, b))
    return _op(op, value, a, da, b, db)


# What an op's arithmetic raises when an operand's value is not a finite float (set by hand): "abc" * 2.0
# (TypeError), 10**400 + 1.0 (OverflowError), a Decimal (ArithmeticError); and what _op raises for it.
_FAILED = (TypeError, ValueError, ArithmeticError)


def _failed(op: str, method: Callable[..., "Node"], x: "Node", y: Union["Node", float], error: BaseException) -> "Node":
    """``op`` of x and y failed.  A numpy float32 set by hand as a value is taken as the Python float it
    stands for (in place) and the op done again; anything else is refused, naming the culprit."""
    if diagnosis.lossy_as_floats(o for o in (x, y) if isinstance(o, Node)):
        return method(x, y)
    raise diagnosis.refused(op, (x, y), error) from None


def _operand(x: object, op: str) -> Union["Node", float]:
    """An op's other operand as a Node (a Neuron stands for its latest output) or a float constant."""
    if isinstance(x, Node):
        return x._as_operand()
    if what_is_wrong(x) is None:
        return float(x)                                # int, bool, numpy number: the constant as a float
    raise diagnosis.refused(op, (x,))


Operand = Union["Node", Number]


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

    # _a, _b: the op's operands; _da, _db: d(value)/d(_a) and d(value)/d(_b).
    #   _a is a parent Node (None for a leaf).
    #   _b is the second operand: a parent Node with its slope in _db, or a float, the op's
    #   constant (x * 2.0 keeps 2.0), which has no slope: _db is None.  So the constant is
    #   the operand itself, and its type says which it is.  A slot of its own would be
    #   plainer, but it makes a node object 8 bytes larger (112 -> 120 with the garbage
    #   collector's header), which Python's allocator rounds up to its next 16-byte size
    #   class: measured against this form in three interleaved rounds, building and
    #   walking back a 300,000-step x*a + c chain took 9-39% longer.
    #   A weighted_sum node keeps a tuple of parents in _a and a tuple of their
    #   local slopes in _da (_b, _db None).  A softmax node does too, and keeps in _b
    #   its own position k in that tuple (an int, not a float: so no constant; see softmax_index).
    # _mark, _uses: the backward walk's bookkeeping (see `walk`); _mark is None
    #   until a walk reaches the node.
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
        """The number folded into this op as its constant (``x + 1.0`` has const 1.0), else None."""
        b = self._b
        return b if b.__class__ is float else None

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
                             "(tg.tanh(x), tg.exp(x), x.sigmoid(), ...) to stay in the graph, "
                             "or x.value for the number")

    def __bool__(self) -> bool:
        # A Node in an `if` (or `and`, `or`, `while`, `not`) is refused: `if loss:` would be true for every
        # Node, even one whose value is 0.0, and look like a test of the number.
        raise WrongTypeError(f"{self._label()} is a Node: an `if` (or and/or/not) cannot tell what to test. "
                             "Compare its number, e.g. `if loss.value < 0.01:`, or test `node is not None`")

    def __format__(self, spec: str) -> str:
        """Format the value, so f"{node:.3f}" works like f"{node.value:.3f}"."""
        return format(self.value, spec) if spec else str(self)

    def _label(self) -> str:
        return diagnosis.label(self)

    def __repr__(self) -> str:
        parts = [repr(self.value)]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        parts.append(f"grad={self.grad!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- arithmetic: each op states its value and its local slopes ----------
    #
    # _op(op, value, x, d/dx, y, d/dy).  The other operand y is a Node, or a number:
    # then it is the op's constant, and _op gets no d/dy (nothing flows back into a
    # number).  A value that is not a finite float (set by hand) makes the arithmetic
    # or _op raise, and _failed says why.  (A `try` costs nothing until something
    # raises; checking each operand's type before computing instead measured 5-18%
    # slower on chains of + and *.)

    def __add__(self, other: Operand) -> "Node":
        """x + y: d/dx = 1, d/dy = 1."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "+")
        try:
            if y.__class__ is float:                           # x + c
                return _op("+", self.value + y, self, 1.0, y)
            return _op("+", self.value + y.value, self, 1.0, y, 1.0)
        except _FAILED as e:
            return _failed("+", Node.__add__, self, y, e)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> "Node":
        """x - y: d/dx = 1, d/dy = -1."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "-")
        try:
            if y.__class__ is float:                           # x - c
                return _op("-", self.value - y, self, 1.0, y)
            return _op("-", self.value - y.value, self, 1.0, y, -1.0)
        except _FAILED as e:
            return _failed("-", Node.__sub__, self, y, e)

    def __rsub__(self, other: Number) -> "Node":
        # c - x: the constant is on the left, so it becomes a leaf to keep the order visible.
        return Node(check_value(other, "a number minus a Node")) - self

    def __mul__(self, other: Operand) -> "Node":
        """x * y: d/dx = y, d/dy = x."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "*")
        try:
            if y.__class__ is float:                           # x * c: d/dx = c
                return _op("*", self.value * y, self, y, y)
            return _op("*", self.value * y.value, self, y.value, y, self.value)
        except _FAILED as e:
            return _failed("*", Node.__mul__, self, y, e)

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> "Node":
        """x / y: d/dx = 1/y, d/dy = -x/y^2."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "/")
        try:
            b = y if y.__class__ is float else y.value
            if not b or not _NINF < b < _INF:              # by 0; by nan or inf (x / inf would be a finite 0)
                raise diagnosis.division_refused(self, y)
            v = self.value / b
            if y.__class__ is float:                           # x / c
                return _op_slopes_checked("/", v, self, 1.0 / b, y)
            return _op_slopes_checked("/", v, self, 1.0 / b, y, -v / b)
        except _FAILED as e:
            return _failed("/", Node.__truediv__, self, y, e)

    def __rtruediv__(self, other: Number) -> "Node":
        return Node(check_value(other, "a number divided by a Node")) / self

    def __pow__(self, other: Operand) -> "Node":
        """x ** y: d/dx = y x^(y-1), d/dy = x^y ln x (for x > 0; 0 at x = 0)."""
        y = other if other.__class__ is Node or other.__class__ is float else _operand(other, "**")
        try:
            a, b = self.value, (y if y.__class__ is float else y.value)
            constant = y.__class__ is float
            if constant and b == 0.0 and _NINF < a < _INF:     # x ** 0 = 1 for every x: flat
                return _op("**", 1.0, self, 0.0, y)
            if not (_NINF < a < _INF and _NINF < b < _INF) or (a == 0.0 and b < 1.0) \
                    or (a < 0.0 and not (constant and b.is_integer())):
                raise diagnosis.power_refused(self, y)         # not a real number, or its slope is infinite
            v = a ** b
            if constant:                                       # x ** c
                return _op_slopes_checked("**", v, self, b * a ** (b - 1.0), y)
            return _op_slopes_checked("**", v, self, b * a ** (b - 1.0), y, v * _log(a) if a > 0.0 else 0.0)
        except _FAILED as e:
            return _failed("**", Node.__pow__, self, y, e)

    def __rpow__(self, other: Number) -> "Node":
        return Node(check_value(other, "the base of a power")) ** self

    def __neg__(self) -> "Node":
        """-x: d/dx = -1."""
        a = self.value if self.value.__class__ is float else diagnosis.number_as_float("neg", self)
        return _op("neg", -a, self, -1.0)

    def __pos__(self) -> "Node":
        return self

    def __abs__(self) -> "Node":
        """|x|: d/dx = -1 below 0, +1 above, and taken as 0 at 0."""
        a = self.value if self.value.__class__ is float else diagnosis.number_as_float("abs", self)
        return _op("abs", abs(a), self, -1.0 if a < 0.0 else (1.0 if a > 0.0 else 0.0))

    # Comparisons compare values (``while E > 0.01``) and give a plain bool; they
    # are not part of the graph.  ``==`` is left as identity, so nodes stay
    # usable as dict keys and in lists.
    def __lt__(self, other: Operand) -> bool:
        return self.value < _compared(other)

    def __le__(self, other: Operand) -> bool:
        return self.value <= _compared(other)

    def __gt__(self, other: Operand) -> bool:
        return self.value > _compared(other)

    def __ge__(self, other: Operand) -> bool:
        return self.value >= _compared(other)

    # -- functions of one node: value and slope at x --------------------------

    def exp(self) -> "Node":
        """e ** x; its slope is e ** x itself.  Too large for a float above x = 709.78."""
        return function(self, "exp", exp_and_slope)

    def log(self) -> "Node":
        """Natural logarithm: d/dx = 1/x; the value must be positive."""
        x = self.value
        if x.__class__ is not float or not _NINF < x < _INF:
            x = diagnosis.number_as_float("log", self)
        if x <= 0.0:
            raise DomainError(f"'log' needs a positive value, got {self._label()}")
        return _op_slopes_checked("log", _log(x), self, 1.0 / x)

    # The activations (tinygraph.engine.activations names them, adds their array forms, and lets a user add more).

    def sigmoid(self) -> "Node":
        """The logistic function 1 / (1 + e^-x), computed without overflow for any finite x."""
        return function(self, "sigmoid", sigmoid_and_slope)

    def relu(self) -> "Node":
        """The ramp max(0, x); its slope at 0 is taken as 0."""
        return function(self, "relu", relu_and_slope)

    def tanh(self) -> "Node":
        """Hyperbolic tangent."""
        return function(self, "tanh", tanh_and_slope)

    def sign(self) -> "Node":
        """The step of +-1 threshold units (Hopfield's): -1 for x < 0, +1 otherwise (so sign(0) = +1);
        its slope is 0."""
        return function(self, "sign", sign_and_slope)

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


# -- functions of one node --------------------------------------------------------------------

def function(x: Node, op: str, value_and_slope: Callable[[float], Tuple[float, float]]) -> Node:
    """The node ``op`` of x, where ``value_and_slope(v)`` gives the function's value and slope at v.

    Refuses a value of x that is not a finite float before computing (relu(nan)
    would be 0, tanh(inf) 1: finite-looking numbers from no number).
    """
    v = x.value
    if v.__class__ is not float or not _NINF < v < _INF:
        v = diagnosis.number_as_float(op, x)               # 3 or a numpy number set by hand: as a float
    try:
        y, d = value_and_slope(v)
    except OverflowError as e:                             # e ** 710
        raise diagnosis.refused(op, (x,), e) from None
    return _op(op, y, x, d)


def exp_and_slope(x: float) -> Tuple[float, float]:
    """e ** x, and its slope: e ** x again."""
    v = _exp(x)
    return v, v


def sigmoid_and_slope(x: float) -> Tuple[float, float]:
    """1 / (1 + e^-x), as e^x / (1 + e^x) below 0 so that e^-x never overflows; slope s (1 - s)."""
    if x >= 0.0:
        s = 1.0 / (1.0 + _exp(-x))
    else:
        z = _exp(x)
        s = z / (1.0 + z)
    return s, s * (1.0 - s)


def relu_and_slope(x: float) -> Tuple[float, float]:
    """The ramp max(0, x); slope 1 above 0, and 0 at and below 0."""
    return (x, 1.0) if x > 0.0 else (0.0, 0.0)


def tanh_and_slope(x: float) -> Tuple[float, float]:
    """tanh x; slope 1 - tanh^2 x."""
    t = _tanh(x)
    return t, 1.0 - t * t


def sign_and_slope(x: float) -> Tuple[float, float]:
    """The step: -1 for x < 0, +1 otherwise (sign(0) = +1); slope 0."""
    return (-1.0 if x < 0.0 else 1.0), 0.0


def _compared(x: object) -> float:
    """The number a Node is compared with (another Node's value, or a plain number; inf is fine, nan not)."""
    if isinstance(x, Node):
        return x._as_operand().value
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


# -- the backward walk ----------------------------------------------------------------------

class _WalkMark:
    """Tags the nodes one backward walk has counted (a fresh object per walk)."""

    __slots__ = ()

    cause = "another backward pass ran over the same nodes"


class Stamp:
    """Left on a node by an operation that changed its gradient (or weight) outside a walk: says which,
    so that a walk paused over the node is refused on resume with that cause."""

    __slots__ = ("cause",)

    def __init__(self, cause: str) -> None:
        self.cause = cause


def zero_grads(nodes: Iterable[Node], cause: Union[str, Stamp] = "zero_grad() set the gradients back to 0") -> None:
    """Set each node's grad to 0.0, and stamp it so that a walk paused over it is refused on resume."""
    stamp = cause if cause.__class__ is Stamp else Stamp(cause)
    for n in nodes:
        n.grad = 0.0
        if n._mark is not None:
            n._mark = stamp


def mark_changed(nodes: Iterable[Node], cause: Union[str, Stamp]) -> None:
    """Stamp nodes that ``cause`` changed, so that a walk paused over them is refused on resume."""
    stamp = cause if cause.__class__ is Stamp else Stamp(cause)
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
        if n._db is not None:                        # b has a slope: it is a parent, not the constant
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
                    n.grad = diagnosis.leaf_grad(root, n, nodes_below(root))   # a float, or the error
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
                if db is not None:                   # b is a parent, not the constant
                    b = n._b
                    if b._mark is not mark:
                        raise _interrupted(root, b)
                    b.grad += g * db                 # the chain rule
                    left = b._uses - 1
                    b._uses = left
                    if not left:
                        push(b)
            yield n
    except (TypeError, ValueError, ArithmeticError) as e:   # a grad set by hand to "abc", None, ...
        if isinstance(e, TinygraphError):
            raise
        raise diagnosis.bad_grad_below(root, nodes_below(root), e) from None


def _interrupted(root: Node, at: Node) -> Exception:
    return diagnosis.interrupted(root, at, getattr(at._mark, "cause", "something changed its nodes"))


# -- a neuron's net input -----------------------------------------------------------------------

def weighted_sum(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Optional[Operand] = None) -> Node:
    """One node for w1*x1 + w2*x2 + ... + bias: a neuron's net input.

    Its parents are w1, x1, w2, x2, ..., bias, and its local slopes say
    d(net)/dw_i = x_i, d(net)/dx_i = w_i, d(net)/dbias = 1 -- the delta rule's
    dnet/dW_jk = O_j.  One node instead of a '*' and a '+' per synapse keeps a
    network's graph small and its step-through in the delta rule's terms.
    Numbers are made into leaf Nodes.
    """
    weights = [as_node(w)._as_operand() for w in weights]
    inputs = [as_node(x)._as_operand() for x in inputs]
    if len(weights) != len(inputs):
        raise BadValueError(f"weighted_sum needs as many weights as inputs, got {len(weights)} and {len(inputs)}")
    if not weights:
        raise BadValueError("weighted_sum needs at least one weight and input")
    return net_input(weights, inputs, None if bias is None else as_node(bias)._as_operand())


def net_input(weights: Sequence[Node], inputs: Sequence[Node], bias: Optional[Node] = None) -> Node:
    """weighted_sum of Nodes, without converting or checking them: Network.forward's hot path."""
    ws = [w.value for w in weights]
    xs = [x.value for x in inputs]
    try:
        # w1 x1 + w2 x2 + ...: Python 3.11's sum() adds left to right; 3.12 and later compensate the
        # rounding (more exact), so the last digit of a long sum can differ between versions
        total = sum(map(_mul, ws, xs))
        if bias is None:
            parents = tuple(_chain.from_iterable(zip(weights, inputs)))
            local = tuple(_chain.from_iterable(zip(xs, ws)))       # d/dw_i = x_i, d/dx_i = w_i
        else:
            total += bias.value
            parents = (*_chain.from_iterable(zip(weights, inputs)), bias)
            local = (*_chain.from_iterable(zip(xs, ws)), 1.0)      # ..., d/dbias = 1
        return _op("weighted_sum", total, parents, local)  # a tuple of parents: a many-parent node
    except _FAILED as e:
        every = (*_chain.from_iterable(zip(weights, inputs)), *(() if bias is None else (bias,)))
        if diagnosis.lossy_as_floats(every):               # numpy float32s set by hand: as Python floats
            return net_input(weights, inputs, bias)
        raise diagnosis.refused("weighted_sum", every, e) from None


# -- a layer's softmax --------------------------------------------------------------------------

def softmax(nodes: Sequence[Operand]) -> "list[Node]":
    """One node per input: O_k = e^(net_k) / sum_j e^(net_j), the probabilities of a many-class output layer.

    Each output node's parents are all the given nodes (a layer's net inputs),
    with the local slopes dO_k/dnet_j = O_k (1[k = j] - O_j), so the backward
    walk runs through it like through any many-parent node.  Computed with the
    log-sum-exp shift: e^(net_k - m) / sum_j e^(net_j - m) with m = max_j net_j,
    which is the same number but never overflows (net inputs of +-1000 give
    finite probabilities; one far below the others is exactly 0.0).
    Numbers are made into leaf Nodes.
    """
    if isinstance(nodes, Node) or isinstance(nodes, (str, bytes)) or not hasattr(nodes, "__iter__"):
        raise WrongTypeError(f"softmax takes a list of nodes (a layer's net inputs), e.g. tg.softmax([a, b, c]); "
                             f"got {type(nodes).__name__}")
    nets = tuple(as_node(x)._as_operand() for x in nodes)
    if len(nets) < 2:
        raise BadValueError(f"softmax needs at least two nodes (one per class), got {len(nets)}: a softmax over "
                            "one number is always 1.0; for two classes with one output use sigmoid")
    zs = []
    for x in nets:
        v = x.value
        if v.__class__ is not float or not _NINF < v < _INF:
            v = diagnosis.number_as_float("softmax", x)
        zs.append(v)
    m = max(zs)
    es = [_exp(z - m) for z in zs]                 # each in [0, 1]: the largest is e^0 = 1
    total = sum(es)                                # in [1, len]: never 0, never overflows
    outs = [e / total for e in es]
    result = []
    for k, o in enumerate(outs):
        slopes = tuple(o * (1.0 - o) if j == k else -o * p for j, p in enumerate(outs))
        result.append(_op("softmax", o, nets, slopes, k))
    return result


def softmax_index(node: Node) -> Optional[int]:
    """For a node made by :func:`softmax`: its position k among its parents (its own net input); else None."""
    return node._b if node.op == "softmax" and node._b.__class__ is int else None


def op_node(op: str, value: float, parents: Sequence[Node], local_grads: Sequence[float]) -> Node:
    """A node computed from many parents at once, given its value and d(value)/d(parent) for each parent.

    For an op that works out its own value and slopes in one go (an error such as
    cross-entropy); the backward walk treats it like a weighted sum.  The slopes
    must be finite: an infinite one would make every gradient below it nan.
    """
    parents = tuple(parents)
    local = tuple(float(d) for d in local_grads)
    if not parents or len(parents) != len(local) or not all(isinstance(p, Node) for p in parents):
        raise BadValueError(f"{op}: a node needs at least one parent Node and one local slope per parent "
                            f"(got {len(parents)} parents and {len(local)} slopes)")
    if not all(_NINF < d < _INF for d in local):
        raise diagnosis.slope_overflow(op, parents)
    return _op(op, float(value), parents, local)


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


def as_node(x: Operand, name: Optional[str] = None) -> Node:
    """Return ``x`` if it is a Node, else a new leaf Node holding it."""
    if isinstance(x, Node):
        return x
    return Node(x, name=name)


def _function(method_name: str, doc: str):
    def f(x: Operand) -> Node:
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
