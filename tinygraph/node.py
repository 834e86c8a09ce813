"""The engine: a scalar Node, its operators, and the backward walk.

Every op computes its value *and* the local partial derivative of its value
with respect to each parent, and stores both on the new node.  Backward is
then one generic loop over the graph in reverse topological order::

    parent.grad += node.grad * d(node)/d(parent)

which is the chain rule, written once (see :func:`walk`).  There is no
closure per node and no container per node: an arithmetic op or activation
keeps its one or two parents and their local derivatives in the node's own
slots, so the only objects it allocates are the node and its float value.
That keeps a node near 136 bytes and keeps Python's cyclic garbage collector
from dominating the run time.  The one many-parent node is a neuron's net
input, :func:`weighted_sum` (w1 x1 + w2 x2 + ... + theta), which keeps its
parents and local derivatives in two tuples: one node per neuron instead of
two per synapse.

A plain number used in an op (``x * 2.0``, ``x + 1``) is not made into a node:
it is folded into the op as a constant (``node.const``), since nothing flows
back into it.
"""

from __future__ import annotations

import contextlib
import gc
import math
import numbers
from collections import deque as _drain
from itertools import chain as _chain
from operator import mul as _mul
from typing import Iterator, Optional, Sequence, Tuple, Union

from .errors import DomainError, GraphError, NodeOverflowError, NodeZeroDivisionError

__all__ = ["Node", "walk", "nodes_below", "as_node", "weighted_sum", "gc_paused", "exp", "log", "sigmoid", "relu", "tanh", "sign"]

_INF = math.inf
_exp = math.exp
_log = math.log
_tanh = math.tanh
_new = object.__new__

Number = Union[int, float]


def _check_value(value: object, what: str = "a Node's value") -> float:
    """Return ``value`` as a finite float, or raise a TypeError/ValueError that says why not."""
    if value.__class__ is float:
        if -_INF < value < _INF:
            return value
    elif isinstance(value, Node):
        raise TypeError(f"{what} must be a number, got the Node {value!r}; use it directly, or its .value")
    elif isinstance(value, numbers.Real):  # int, bool, Fraction, numpy floats and ints
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(f"{what} must be finite, got an integer too large for a float") from None
        if -_INF < value < _INF:
            return value
    else:
        hint = ""
        if isinstance(value, str):
            hint = f"; to use the text {value!r} as a number, convert it first, e.g. float({value!r})"
        elif isinstance(value, complex):
            hint = "; tinygraph works with real numbers only"
        elif isinstance(value, (list, tuple)):
            hint = "; a Node holds one number: make one Node per element"
        raise TypeError(f"{what} must be a real number (int or float), "
                        f"got {type(value).__name__} {value!r}{hint}")
    raise ValueError(f"{what} must be a finite number, got {value!r}")


def _operand(x: object, what: str) -> Union["Node", float]:
    """An op's other operand: a Node (subclasses resolved) or a finite float constant."""
    if isinstance(x, Node):
        return x._as_operand()
    return _check_value(x, what)


def _compared(x: object) -> float:
    """The number a Node is compared with (another Node's value, or a plain number)."""
    if isinstance(x, Node):
        x = x._as_operand()
        return x.value
    return _check_value(x, "a number compared with a Node")


def _overflow(op: str, *operands: object) -> NodeOverflowError:
    # Only built when an op fails: a nan, inf or non-number operand means a value set by hand, not overflow.
    for o in operands:
        v = o.value if isinstance(o, Node) else o
        if v.__class__ is not float and v.__class__ is not int or v.__class__ is float and not -_INF < v < _INF:
            who = o.name if isinstance(o, Node) and o.name else (
                f"the result of '{o.op}'" if isinstance(o, Node) and o.op else "an operand")
            what = ("nan" if v != v else "infinite") if isinstance(v, float) else \
                f"the {type(v).__name__} {v!r}, not a float"
            return NodeOverflowError(
                f"'{op}' failed: {who}.value is {what}: was .value set by hand? "
                "Node values must be finite numbers (floats), e.g. node.value = 1.0")
    shown = ", ".join(_describe(o) for o in operands)
    return NodeOverflowError(
        f"'{op}' of {shown} overflowed: the result is too large for a float. "
        "Values this large usually mean the inputs or the learning rate are too big.")


def _slope_overflow(op: str, *operands: object) -> NodeOverflowError:
    shown = ", ".join(_describe(o) for o in operands)
    return NodeOverflowError(
        f"the slope of '{op}' at {shown} is too large for a float (it would be inf), so no gradient "
        "can flow through it; keep the inputs in a moderate range (dividing by or taking log of values "
        "near 0, or powers of huge values, do this).")


def _describe(x: object) -> str:
    if isinstance(x, Node):
        return x._label()
    return repr(x)


def _node(a, op: str, value: float, da, b: Optional["Node"] = None, db: Optional[float] = None) -> "Node":
    """Make an op's node: its value, its parents ``a`` (and ``b``) and d(value)/d(parent).

    ``a`` is a Node, or a tuple of Nodes for a weighted sum (then ``da`` is the
    tuple of their local derivatives).  Slots are set directly: this runs once
    per op, and ``Node.__init__`` would check the value again.
    """
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

    # _a, _b: the parents (None when absent).  _da, _db: d(value)/d(_a) and
    # d(value)/d(_b).  When an op has a plain-number operand, _b is None and
    # _db holds that constant, for display only (see the `const` property).
    # A weighted_sum node keeps a tuple of parents in _a and a tuple of their
    # local derivatives in _da (_b, _db None).
    # _mark, _uses: the backward walk's bookkeeping (see `walk`); _mark is None
    # until a walk reaches the node.
    __slots__ = ("value", "grad", "name", "op", "_a", "_b", "_da", "_db", "_mark", "_uses")

    def __init__(self, value: Number, name: Optional[str] = None) -> None:
        self.value = _check_value(value)
        self.grad = 0.0
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a Node's name must be a string, got {type(name).__name__} {name!r}")
        self.name = name
        self.op = ""
        self._a = self._b = self._da = self._db = self._mark = None

    # -- structure ---------------------------------------------------------

    @property
    def parents(self) -> Tuple["Node", ...]:
        """The nodes this node was computed from, in order (empty for a leaf)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> Tuple[float, ...]:
        """d(value)/d(parent) for each parent, in the order of ``parents``."""
        if self._a is None:
            return ()
        if self._a.__class__ is tuple:
            return self._da
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def const(self) -> Optional[float]:
        """The plain-number operand folded into this op (``x + 1.0`` has const 1.0), else None."""
        return self._db if (self._b is None and self._a is not None) else None

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
        raise TypeError(f"{self._label()} is a Node, not a plain number: math functions and float() would "
                        "cut it out of the graph, so no gradient flows back. Use tinygraph's ops "
                        "(tg.tanh(x), tg.exp(x), x.sigmoid(), ...) to stay in the graph, or x.value for the number")

    def __format__(self, spec: str) -> str:
        """Format the value, so f"{node:.3f}" works like f"{node.value:.3f}"."""
        return format(self.value, spec) if spec else str(self)

    def _label(self) -> str:
        if self.name:
            return f"{self.name} ({self.value:.6g})"
        if self.op:
            return f"the result of '{self.op}' ({self.value:.6g})"
        return f"Node({self.value:.6g})"

    def __repr__(self) -> str:
        parts = [repr(self.value)]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        parts.append(f"grad={self.grad!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- building blocks -------------------------------------------------

    # self._make(op, value, da, b, db): a new node made by op from this node
    # (and b), with its local derivatives.  For an op with a plain-number
    # operand, b is None and db is that constant (kept for display).  It is
    # _node itself, so the hot path pays no extra call.
    _make = _node

    # -- arithmetic: each states its value and its local derivatives ------------

    def __add__(self, other: Union["Node", Number]) -> "Node":
        if other.__class__ is not Node and (other.__class__ is not float or not -_INF < other < _INF):
            other = _operand(other, "a number added to a Node")          # a Node subclass, or a number to check
        if other.__class__ is not float:
            v = self.value + other.value
            if -_INF < v < _INF:
                return self._make("+", v, 1.0, other, 1.0)       # d/da = 1, d/db = 1
            raise _overflow("+", self, other)
        c = other
        v = self.value + c
        if -_INF < v < _INF:
            return self._make("+", v, 1.0, None, c)
        raise _overflow("+", self, c)

    __radd__ = __add__

    def __sub__(self, other: Union["Node", Number]) -> "Node":
        if other.__class__ is not Node and (other.__class__ is not float or not -_INF < other < _INF):
            other = _operand(other, "a number subtracted from a Node")          # a Node subclass, or a number to check
        if other.__class__ is not float:
            v = self.value - other.value
            if -_INF < v < _INF:
                return self._make("-", v, 1.0, other, -1.0)      # d/da = 1, d/db = -1
            raise _overflow("-", self, other)
        c = other
        v = self.value - c
        if -_INF < v < _INF:
            return self._make("-", v, 1.0, None, c)
        raise _overflow("-", self, c)

    def __rsub__(self, other: Number) -> "Node":
        # c - x: the constant is on the left, so it becomes a leaf to keep the order visible.
        return Node(_check_value(other, "a number minus a Node")) - self

    def __mul__(self, other: Union["Node", Number]) -> "Node":
        if other.__class__ is not Node and (other.__class__ is not float or not -_INF < other < _INF):
            other = _operand(other, "a number multiplying a Node")          # a Node subclass, or a number to check
        if other.__class__ is not float:
            a, b = self.value, other.value
            v = a * b
            if -_INF < v < _INF:
                return self._make("*", v, b, other, a)           # d/da = b, d/db = a
            raise _overflow("*", self, other)
        c = other
        v = self.value * c
        if -_INF < v < _INF:
            return self._make("*", v, c, None, c)                       # d/dx (x c) = c
        raise _overflow("*", self, c)

    __rmul__ = __mul__

    def __truediv__(self, other: Union["Node", Number]) -> "Node":
        if other.__class__ is not Node:
            other = _operand(other, "a number dividing a Node")
        if other.__class__ is not float:
            a, b = self.value, other.value
            if b == 0.0:
                raise NodeZeroDivisionError(
                    f"'/' divides {self._label()} by {other._label()}, which is zero")
            v = a / b
            if -_INF < v < _INF:
                da, db = 1.0 / b, -v / b                             # d/da = 1/b, d/db = -a/b^2
                if -_INF < da < _INF and -_INF < db < _INF:
                    return self._make("/", v, da, other, db)
                raise _slope_overflow("/", self, other)
            raise _overflow("/", self, other)
        c = other
        if c == 0.0:
            raise NodeZeroDivisionError(f"'/' divides {self._label()} by the number 0")
        v = self.value / c
        if -_INF < v < _INF:
            if -_INF < 1.0 / c < _INF:
                return self._make("/", v, 1.0 / c, None, c)
            raise _slope_overflow("/", self, c)
        raise _overflow("/", self, c)

    def __rtruediv__(self, other: Number) -> "Node":
        return Node(_check_value(other, "a number divided by a Node")) / self

    def __pow__(self, other: Union["Node", Number]) -> "Node":
        a = self.value
        if other.__class__ is not Node:
            other = _operand(other, "the exponent of a Node")
        if other.__class__ is not float:
            b = other.value
            if a < 0.0:
                raise DomainError(f"'**' with a Node exponent needs a base >= 0 "
                                  f"(ln of the base is its slope); got {self._label()} ** {other._label()}")
            _check_zero_base(self, a, b)
            v = _pow(a, b, self, other)
            da = b * _pow(a, b - 1.0, self, other)         # d/da a^b = b a^(b-1)
            db = v * _log(a) if a > 0.0 else 0.0           # d/db a^b = a^b ln a (0 at a = 0, b > 0)
            if -_INF < da < _INF and -_INF < db < _INF:
                return self._make("**", v, da, other, db)
            raise _slope_overflow("**", self, other)
        c = other
        if c == 0.0:
            return self._make("**", 1.0, 0.0, None, c)          # x^0 = 1, flat
        if a < 0.0 and not c.is_integer():
            raise DomainError(f"'**' of a negative base to a fractional power: "
                              f"{self._label()} ** {c!r} is not a real number")
        _check_zero_base(self, a, c)
        v = _pow(a, c, self, c)
        d = c * _pow(a, c - 1.0, self, c)                  # d/dx x^c = c x^(c-1)
        if -_INF < d < _INF:
            return self._make("**", v, d, None, c)
        raise _slope_overflow("**", self, c)

    def __rpow__(self, other: Number) -> "Node":
        return Node(_check_value(other, "the base of a power")) ** self

    def __neg__(self) -> "Node":
        return self._make("neg", -self.value, -1.0)

    def __pos__(self) -> "Node":
        return self

    def __abs__(self) -> "Node":
        """|x|; its slope is -1 below 0, +1 above, and taken as 0 at 0."""
        x = self.value
        return self._make("abs", -x if x < 0.0 else x, -1.0 if x < 0.0 else (1.0 if x > 0.0 else 0.0))

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
        """e ** x.  Raises NodeOverflowError above x = 709.78, where a float overflows."""
        try:
            v = _exp(self.value)
        except OverflowError:
            raise _overflow("exp", self) from None
        return self._make("exp", v, v)                              # d/dx e^x = e^x

    def log(self) -> "Node":
        """Natural logarithm; the value must be positive."""
        x = self.value
        if x <= 0.0:
            raise DomainError(f"'log' needs a positive value, got {self._label()}")
        d = 1.0 / x                                                  # d/dx ln x = 1/x
        if d == _INF:                                                # x below ~5.6e-309
            raise _slope_overflow("log", self)
        return self._make("log", _log(x), d)

    def sigmoid(self) -> "Node":
        """The logistic function 1 / (1 + e^-x), computed without overflow for any finite x."""
        x = self.value
        if x >= 0.0:
            s = 1.0 / (1.0 + _exp(-x))
        else:
            z = _exp(x)
            s = z / (1.0 + z)
        return self._make("sigmoid", s, s * (1.0 - s))              # s' = s (1 - s)

    def relu(self) -> "Node":
        """The ramp max(0, x); its slope at 0 is taken as 0."""
        x = self.value
        if x > 0.0:
            return self._make("relu", x, 1.0)
        return self._make("relu", 0.0, 0.0)

    def tanh(self) -> "Node":
        """Hyperbolic tangent."""
        t = _tanh(self.value)
        return self._make("tanh", t, 1.0 - t * t)                   # tanh' = 1 - tanh^2

    def sign(self) -> "Node":
        """The text's step: -1 for x < 0, +1 otherwise (so sign(0) = +1); its slope is 0."""
        return self._make("sign", -1.0 if self.value < 0.0 else 1.0, 0.0)

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
        """Set ``grad`` back to 0.0 on this node and every node below it."""
        for n in nodes_below(self):
            n.grad = 0.0


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
        raise _overflow("**", x, y) from None
    except ZeroDivisionError:
        raise NodeZeroDivisionError(f"'**' raises zero ({_describe(x)}) to a negative power") from None
    if v.__class__ is not float or not -_INF < v < _INF:
        if isinstance(v, complex):
            raise DomainError(f"'**' of {_describe(x)} and {_describe(y)} is not a real number")
        raise _overflow("**", x, y)
    return v


def _check_zero_base(x: "Node", a: float, c: float) -> None:
    """0 ** c is fine for c >= 1; below that its value or its slope is infinite."""
    if a == 0.0 and c < 1.0:
        if c < 0.0:
            raise NodeZeroDivisionError(f"'**' raises {x._label()}, which is zero, to the negative power {c!r}")
        raise DomainError(f"'**': the slope of x ** {c!r} is infinite at x = 0 ({x._label()}); "
                          "shift the input away from 0")


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
    and the others partial sums.  If another backward pass runs over the same
    nodes while this walk is paused, resuming it raises GraphError (its counts
    and gradients were overwritten).
    """
    root = root._as_operand()                        # a Neuron: walk from its latest output
    # Pass 1: count, for each node, how many times it is used as a parent
    # below root (its consumers), and reset interior gradients.  The count is
    # kept in the node itself (n._uses, valid while n._mark is this walk's
    # mark): a dict keyed by node would cost a hash lookup per edge, and this
    # loop runs once per node of the graph.
    mark = _WalkMark()
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        a = n._a
        if a is None:
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
        if a._mark is mark:
            a._uses += 1
        else:
            a._mark = mark
            a._uses = 1
            push(a)
        b = n._b
        if b is not None:
            if b._mark is mark:
                b._uses += 1
            else:
                b._mark = mark
                b._uses = 1
                push(b)

    # Pass 2: a node is ready once every consumer has passed gradient to it.
    root.grad += 1.0
    push(root)
    while stack:
        n = pop()
        a = n._a
        if a is not None:
            g = n.grad
            if a.__class__ is tuple:                 # a weighted sum: many parents
                for p, d in zip(a, n._da):
                    if p._mark is not mark:
                        raise _interrupted(root)
                    p.grad += g * d                  # the chain rule, once per parent
                    left = p._uses - 1
                    p._uses = left
                    if not left:
                        push(p)
                yield n
                continue
            if a._mark is not mark:
                raise _interrupted(root)
            a.grad += g * n._da                      # the chain rule
            left = a._uses - 1
            a._uses = left
            if not left:
                push(a)
            b = n._b
            if b is not None:
                b.grad += g * n._db                  # the chain rule
                left = b._uses - 1
                b._uses = left
                if not left:
                    push(b)
        elif not -_INF < n.grad < _INF:
            # Finite values can still give a gradient too large for a float
            # (products of big local derivatives): say so at the leaf.
            raise _gradient_overflow(root, n)
        yield n


class _WalkMark:
    """Tags the nodes one backward walk has counted (a fresh object per walk)."""

    __slots__ = ()


def _gradient_overflow(root: Node, leaf: Node) -> NodeOverflowError:
    return NodeOverflowError(
        f"the gradient of {root._label()} with respect to {leaf._label()} is {leaf.grad!r}: too large "
        "for a float, although every value is finite. Some local derivatives along the way are huge "
        "(e.g. 1/x for a tiny x, or a very large weight); rescale the inputs or weights.")


def _interrupted(root: Node) -> GraphError:
    return GraphError(f"the backward walk from {root._label()} was interrupted: another backward pass ran "
                      "over the same nodes while it was paused, so its gradients are no longer valid; "
                      "start it again")


def weighted_sum(weights: Sequence[Union[Node, Number]], inputs: Sequence[Union[Node, Number]],
                 bias: Union[Node, Number, None] = None) -> Node:
    """One node for w1*x1 + w2*x2 + ... + bias: a neuron's net input.

    Its parents are w1, x1, w2, x2, ..., bias, and its local derivatives say
    d(net)/dw_i = x_i, d(net)/dx_i = w_i, d(net)/dbias = 1 -- the text's
    dnet/dW_jk = O_j.  One node instead of a '*' and a '+' per synapse keeps a
    network's graph small and its step-through in the text's terms.
    Numbers are made into leaf Nodes.
    """
    weights = [as_node(w) for w in weights]
    inputs = [as_node(x) for x in inputs]
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum needs as many weights as inputs, got {len(weights)} and {len(inputs)}")
    if not weights:
        raise ValueError("weighted_sum needs at least one weight and input")
    return _weighted_sum(weights, inputs, None if bias is None else as_node(bias))


def _weighted_sum(weights: Sequence[Node], inputs: Sequence[Node], bias: Optional[Node] = None) -> Node:
    """weighted_sum without the checks: Network.forward's hot path."""
    ws = [w.value for w in weights]
    xs = [x.value for x in inputs]
    total = sum(map(_mul, ws, xs))                  # w1 x1 + w2 x2 + ..., left to right
    if bias is None:
        parents = tuple(_chain.from_iterable(zip(weights, inputs)))
        local = tuple(_chain.from_iterable(zip(xs, ws)))   # d/dw_i = x_i, d/dx_i = w_i
    else:
        total += bias.value
        parents = (*_chain.from_iterable(zip(weights, inputs)), bias)
        local = (*_chain.from_iterable(zip(xs, ws)), 1.0)  # ..., d/dbias = 1
    if not -_INF < total < _INF:
        raise _overflow("weighted_sum", *weights[:3], *inputs[:3])
    return _node(parents, "weighted_sum", total, local)   # a tuple of parents: a many-parent node


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
            x = Node(_check_value(x, f"the argument of {method_name}()"))
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
