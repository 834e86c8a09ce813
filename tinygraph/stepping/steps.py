"""The backward walk told node by node: each node's gradient as the chain rule computes it.

:func:`backprop_steps` drives the engine's own backward walk
(:func:`tinygraph.engine.node.walk`, the code ``Node.backward`` runs) one node at a
time and yields a :class:`Step` per node: its now-complete gradient as the sum
of what its consumers sent it (:class:`Contribution` s), and what it sends on
to its parents.  Unnamed nodes get readable stand-in names (``w5·h1``).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from ..draw import Diagram, draw_graph
from ..errors import WrongTypeError, user_facing
from ..formatting import fmt, operand
from ..engine.node import Node, nodes_below, walk

__all__ = ["Step", "Contribution", "backprop_steps"]


def _d(name: str) -> str:
    """'d' + name, with parentheses when the name is an expression: dw5, d(w5·h1)."""
    simple = name != "" and all(ch.isalnum() or ch == "_" for ch in name)
    return "d" + name if simple else f"d({name})"


def _feeds_root(name: str, root_name: str) -> str:
    """Why a node fed straight into the root has the root's local derivative as its whole gradient."""
    return f"({root_name}'s own local derivative: {name} feeds {root_name} directly)"


# Stand-in names for unnamed nodes: the expression that made them when it is short
# (``w5·h1``, ``o1 - 0.01``, ``sigmoid(net)``), else the op as a word and a number.
_INFIX = {"+": (" + ", 1), "-": (" - ", 1), "*": ("·", 2), "/": ("/", 2), "**": ("^", 3)}
_WORDS = {"+": "sum", "-": "diff", "*": "prod", "/": "quot", "**": "pow", "neg": "neg"}
_MAX_EXPR = 32


class _Namer:
    """Gives every node met in one walk a unique, readable name."""

    def __init__(self, root: Optional[Node] = None, root_name: str = "") -> None:
        """``root``, if given, is named ``root_name`` before any other node."""
        self.names: Dict[Node, str] = {}
        self.prec: Dict[Node, int] = {}
        self.taken: Dict[str, int] = {}
        self.counts: Dict[str, int] = {}
        if root is not None:
            self.names[root] = root_name
            self.prec[root] = 4
            self.taken[root_name] = 1

    def __call__(self, node: Node) -> str:
        name = self.names.get(node)
        if name is None:
            # name the unnamed nodes below first (their names make up this one's), without recursion
            stack = [node]
            while stack:
                n = stack[-1]
                todo = [] if n.name else [p for p in n.parents if p not in self.names]
                if todo:
                    stack.extend(todo)
                else:
                    stack.pop()
                    if n not in self.names:
                        self._name(n)
            name = self.names[node]
        return name

    def _name(self, node: Node) -> None:
        name, prec = self._make(node)
        if name in self.taken:               # the same name in another forward pass: o1[2]
            self.taken[name] += 1
            name = f"{name}[{self.taken[name]}]"
            prec = 4
        self.taken.setdefault(name, 1)
        self.names[node] = name
        self.prec[node] = prec

    def _wrap(self, node: Node, above: int, right: bool = False) -> str:
        name = self(node)
        p = self.prec[node]
        if p < above or (right and p == above and above in (1, 2, 3)):
            return f"({name})"
        return name

    def _make(self, node: Node) -> Tuple[str, int]:
        if node.name:
            return node.name, 4
        op = node.op
        if node.is_leaf:
            return fmt(node.value), (4 if node.value >= 0 else 2)
        parents = node.parents
        expr: Optional[str] = None
        prec = 4
        if op in _INFIX and len(parents) == 2:
            sym, prec = _INFIX[op]
            expr = self._wrap(parents[0], prec) + sym + self._wrap(parents[1], prec, right=True)
        elif op in _INFIX and node.const is not None:
            sym, prec = _INFIX[op]
            c = node.const
            expr = self._wrap(parents[0], prec) + sym + (fmt(c) if c >= 0 else f"({fmt(c)})")
        elif op == "neg":
            prec = 2
            expr = "-" + self._wrap(parents[0], 3)
        elif len(parents) == 1:
            expr = f"{op}({self(parents[0])})"
        else:
            expr = f"{op}({', '.join(self(p) for p in parents)})"
        if len(expr) > _MAX_EXPR:
            word = _WORDS.get(op, op or "node")
            self.counts[word] = self.counts.get(word, 0) + 1
            return f"{word}{self.counts[word]}", 4
        return expr, prec


# -- the walk, one step at a time -----------------------------------------------------

class Contribution:
    """One chain-rule product: ``child`` passes ``child_grad * local`` to its parent ``parent``.

    ``local`` is d(child)/d(parent), stored on the child when it was computed;
    ``amount`` is what the walk added into ``parent.grad``.
    """

    __slots__ = ("child", "parent", "child_name", "parent_name", "root_name", "child_grad",
                 "local", "amount")

    def __init__(self, child: Node, parent: Node, child_name: str, parent_name: str, root_name: str,
                 child_grad: float, local: float) -> None:
        self.child, self.parent = child, parent
        self.child_name, self.parent_name, self.root_name = child_name, parent_name, root_name
        self.child_grad = child_grad
        self.local = local
        self.amount = child_grad * local     # the same product the walk added

    @property
    def from_root(self) -> bool:
        """True when the child is the root itself: then the amount is just its local derivative."""
        return self.child_name == self.root_name

    @property
    def symbols(self) -> str:
        """``dE/dchild · dchild/dparent``; from the root itself ``local dE/dparent`` (no dE/dE factor)."""
        if self.from_root:
            return f"local {_d(self.root_name)}/{_d(self.parent_name)}"
        return (f"{_d(self.root_name)}/{_d(self.child_name)} · "
                f"{_d(self.child_name)}/{_d(self.parent_name)}")

    @property
    def numbers(self) -> str:
        if self.from_root:
            return operand(self.local)
        return f"{operand(self.child_grad)} · {operand(self.local)}"

    def __str__(self) -> str:
        if self.from_root:
            return f"{fmt(self.amount)}   {_feeds_root(self.parent_name, self.root_name)}"
        return f"{self.symbols} = {self.numbers} = {fmt(self.amount)}"

    def __repr__(self) -> str:
        return (f"Contribution({self.child_name} -> {self.parent_name}: {self.child_grad!r} * "
                f"{self.local!r} = {self.amount!r})")


class Step:
    """One node of the backward walk, at the moment its gradient became complete.

    * ``node``, ``name`` (the node's name, or a readable stand-in), ``value``;
    * ``grad``: d(root)/d(node), complete (it will not change in this walk);
    * ``received``: the :class:`Contribution` s its consumers added into it, so
      ``grad == carried + seed + sum(c.amount for c in received)``, where
      ``seed`` is 1 for the root and 0 otherwise, and ``carried`` is what a leaf
      held before the walk (0 with ``zero_grad=True``);
    * ``sent``: what it has just added into each parent's grad;
    * ``index``: 1 for the root, then in the walk's order.

    ``str(step)`` is the chain-rule line for its gradient (the view from the
    node); ``step.sent_lines()`` are the lines for what it passes on.
    """

    def __init__(self, index: int, node: Node, name: str, root_name: str, received: Tuple[Contribution, ...],
                 sent: Tuple[Contribution, ...], carried: float, seed: float,
                 root: Node, order: List[Node]) -> None:
        self.index = index
        self.node = node
        self.name = name
        self.root_name = root_name
        self.value = node.value
        self.grad = node.grad
        self.received = received
        self.sent = sent
        self.carried = carried
        self.seed = seed
        self.root = root
        self._order = order                  # shared: the nodes yielded so far, in order

    @property
    def is_root(self) -> bool:
        return self.seed != 0.0

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def known(self) -> List[Node]:
        """The nodes whose gradients are complete at this step (this one included), in walk order."""
        return self._order[:self.index]

    def _terms(self) -> List[Tuple[str, str, float]]:
        """The gradient's terms as (symbols, numbers, amount): what earlier passes left in a leaf,
        the seed 1 at the root, then each consumer's chain-rule product."""
        terms = []
        if self.carried:
            terms.append(("(earlier passes)", operand(self.carried), self.carried))
        if self.seed:
            terms.append(("1", operand(self.seed), self.seed))
        return terms + [(c.symbols, c.numbers, c.amount) for c in self.received]

    @property
    def symbols(self) -> str:
        """The right-hand side in symbols: ``dE/dnet · dnet/dw + ...``."""
        return " + ".join(sym for sym, _, _ in self._terms())

    def __str__(self) -> str:
        lhs = f"{_d(self.root_name)}/{_d(self.name)}"
        terms = self._terms()
        if self.is_root and len(terms) == 1:
            return f"{lhs} = 1   (the walk starts at {self.root_name})"
        if len(terms) == 1 and self.received and self.received[0].from_root:
            # fed straight into the root: the gradient is the root's local derivative, no chain to show
            return f"{lhs} = {fmt(self.grad)}   {_feeds_root(self.name, self.root_name)}"
        line = f"{lhs} = {' + '.join(sym for sym, _, _ in terms)} = {' + '.join(num for _, num, _ in terms)}"
        if len(terms) > 1 and self.received:          # a sum: the products worked out, then added
            line += " = " + " + ".join(operand(amount) for _, _, amount in terms)
        return f"{line} = {fmt(self.grad)}"

    def sent_lines(self) -> List[str]:
        """One line per parent: what this node added into that parent's gradient."""
        return [f"adds to {_d(self.root_name)}/{_d(c.parent_name)}: {c}" for c in self.sent]

    def diagram(self, **kw: Any) -> Diagram:
        """The computation graph at this step (a :class:`tinygraph.Diagram`): this node and the edges
        it sends gradient along highlighted; only the gradients known so far shown; each finished
        node with its "walk N" badge; and on every edge a finished node has sent gradient back
        along, the amount ("← 3"), bold on yellow on the edges that brought this node its
        gradient (for a node used twice, both terms of the sum).  Frames of one walk keep one layout."""
        known = self.known
        return draw_graph(self.root, **{"highlight": [self.node],
                                        "highlight_edges": [(self.node, p) for p in self.node.parents],
                                        "known": known, "walk": known, **kw})

    def __repr__(self) -> str:
        return f"Step({self.index}: {self.name}, grad={self.grad!r})"


def _root_of(loss: object) -> Node:
    if isinstance(loss, Node):
        return loss._as_operand()            # a Neuron stands for its latest output
    if hasattr(loss, "neurons") and hasattr(loss, "forward"):
        raise user_facing(WrongTypeError(f"backprop_steps() needs the error (a Node), got the network {loss.name!r}; "
                                   "for a network use network_steps(net, inputs, targets)"))
    hint = ""
    if isinstance(loss, Mapping):
        hint = " (a dict of outputs: make one error Node first, e.g. tg.squared_error(outputs, targets))"
    raise user_facing(WrongTypeError(f"backprop_steps() needs the error Node to walk back from, "
                               f"got {type(loss).__name__}{hint}"))


def backprop_steps(loss: Node, zero_grad: bool = True) -> Iterator[Step]:
    """Run the real backward walk from ``loss`` one node at a time, yielding a :class:`Step` each.

    This drives :func:`tinygraph.engine.node.walk`, the same generator ``loss.backward()``
    exhausts, so after the last step every ``grad`` is exactly what
    ``backward()`` gives.  With ``zero_grad=True`` (the default) every gradient
    below ``loss`` is set to 0 first, so the numbers shown are those of one
    backward pass on fresh gradients (it clears what earlier passes left in the
    weights); with ``zero_grad=False`` leaves keep and add to what they held,
    as ``backward()`` does, and each leaf's step shows that as ``carried``.

    Breaking out of the loop early is safe and leaves a consistent state: the
    nodes yielded so far hold their complete gradients; every other node holds
    the partial sum of what the yielded nodes sent it (plus, for leaves with
    ``zero_grad=False``, what it held before).  Nothing else was changed.
    """
    root = _root_of(loss)
    return _steps(root, zero_grad)


def _steps(root: Node, zero_grad: bool) -> Iterator[Step]:
    if zero_grad:
        root.zero_grad()
    root_name = root.name or "E"
    namer = _Namer(root, root_name)
    # What each leaf held before the walk (walk() resets interior grads itself).
    carried: Dict[Node, float] = {}
    if not zero_grad:
        carried = {n: n.grad for n in nodes_below(root) if n.is_leaf and n.grad}
    received: Dict[Node, List[Contribution]] = {}
    order: List[Node] = []
    for node in walk(root):                  # THE backward walk
        name = namer(node)
        g = node.grad
        sent = tuple(Contribution(node, p, name, namer(p), root_name, g, local)
                     for p, local in zip(node.parents, node.local_grads))
        for c in sent:
            received.setdefault(c.parent, []).append(c)
        order.append(node)
        got = tuple(received.pop(node, ()))
        yield Step(len(order), node, name, root_name, got, sent, carried.get(node, 0.0),
                   1.0 if node is root else 0.0, root, order)

