"""Step through backpropagation one chain-rule step at a time.

Two ways to tell the same walk:

* :func:`backprop_steps` drives the engine's own backward walk
  (:func:`tinygraph.node.walk`, the code ``Node.backward`` runs) one node at a
  time and yields a :class:`Step` per node: its now-complete gradient as the
  sum of what its consumers sent it, and what it sends on to its parents.
* :func:`network_steps` tells one training step of a Network in the text's
  terms and order: feed forward, the error, the output deltas, the hidden
  deltas, dE/dw and dE/dtheta, and the update w <- w - eta dE/dw.  Its numbers
  are the node gradients that walk computed.

Each step can draw itself (``step.diagram()``) with what it computes
highlighted and only the gradients known so far shown; :func:`write_html`
puts the diagrams into a self-contained step-player page, and
``tinygraph step NAME`` does all of this from the command line.
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import (Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple,
                    Union)

from .errors import GraphError, NameNotFoundError, did_you_mean
from .node import Node, _check_value, nodes_below, walk

__all__ = ["Step", "Contribution", "NetworkStep", "backprop_steps", "network_steps",
           "write_html", "html_page", "step_command", "demo_networks"]


def _user(e: Exception) -> Exception:
    """Mark an error as the user's to fix: the command line shows its message, not a traceback."""
    e.user_facing = True  # type: ignore[attr-defined]
    return e


# -- numbers and names -------------------------------------------------------------

def fmt(x: float, digits: int = 4) -> str:
    """A number for a step line: ``digits`` significant digits without trailing zeros
    (0.1385, 0.5, 0.0004386); integers plainly; very small or large ones as 1.234e-05."""
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    if not 1e-4 <= abs(x) < 10.0 ** digits:
        return f"{x:.{digits}g}"
    s = f"{x:.{max(0, digits - 1 - math.floor(math.log10(abs(x))))}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _pair(a: float, b: float) -> Tuple[str, str]:
    """a and b with just enough digits to tell them apart (11.99995 vs 12, not 12 vs 12)."""
    for digits in range(4, 16):
        fa, fb = fmt(a, digits), fmt(b, digits)
        if fa != fb or a == b:
            return fa, fb
    return fa, fb


def _operand(x: float) -> str:
    """A number used inside a product or sum: negative ones in parentheses."""
    s = fmt(x)
    return f"({s})" if x < 0 else s


def _d(name: str) -> str:
    """'d' + name, with parentheses when the name is an expression (d(w5·h1))."""
    return "d" + name if _simple(name) else f"d({name})"


def _simple(name: str) -> bool:
    return re.fullmatch(r"\w+", name) is not None


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
            return _operand(self.local)
        return f"{_operand(self.child_grad)} · {_operand(self.local)}"

    def __str__(self) -> str:
        if self.from_root:
            return (f"{fmt(self.amount)}   ({self.root_name}'s own local derivative: "
                    f"{self.parent_name} feeds {self.root_name} directly)")
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

    @property
    def symbols(self) -> str:
        """The right-hand side in symbols: ``dE/dnet · dnet/dw + ...``."""
        terms = []
        if self.carried:
            terms.append("(earlier passes)")
        if self.seed:
            terms.append("1")
        terms += [c.symbols for c in self.received]
        return " + ".join(terms)

    def __str__(self) -> str:
        lhs = f"{_d(self.root_name)}/{_d(self.name)}"
        if self.seed and not self.received and not self.carried:
            return f"{lhs} = 1   (the walk starts at {self.root_name})"
        if (len(self.received) == 1 and self.received[0].from_root and not self.seed
                and not self.carried):
            # fed straight into the root: the gradient is the root's local derivative, no chain to show
            return (f"{lhs} = {fmt(self.grad)}   ({self.root_name}'s own local derivative: "
                    f"{self.name} feeds {self.root_name} directly)")
        parts = ([self.carried] if self.carried else []) + ([self.seed] if self.seed else [])
        numbers = [_operand(x) for x in parts] + [c.numbers for c in self.received]
        line = f"{lhs} = {self.symbols} = {' + '.join(numbers)}"
        if len(numbers) > 1 and self.received:
            line += " = " + " + ".join([_operand(x) for x in parts] +
                                       [_operand(c.amount) for c in self.received])
        return f"{line} = {fmt(self.grad)}"

    def sent_lines(self) -> List[str]:
        """One line per parent: what this node added into that parent's gradient."""
        return [f"adds to {_d(self.root_name)}/{_d(c.parent_name)}: {c}" for c in self.sent]

    def diagram(self, **kw: Any):
        """The computation graph with this node and the edges it sends gradient along
        highlighted and only the gradients known so far shown (a :class:`tinygraph.Diagram`)."""
        from .draw import draw_graph
        return draw_graph(self.root, highlight=[self.node],
                          highlight_edges=[(self.node, p) for p in self.node.parents],
                          known=self.known, **kw)

    def __repr__(self) -> str:
        return f"Step({self.index}: {self.name}, grad={self.grad!r})"


def _root_of(loss: object) -> Node:
    if isinstance(loss, Node):
        return loss._as_operand()            # a Neuron stands for its latest output
    from .network import Network
    if isinstance(loss, Network):
        raise _user(TypeError(f"backprop_steps() needs the error (a Node), got the network {loss.name!r}; "
                              "for a network use network_steps(net, inputs, targets)"))
    hint = ""
    if isinstance(loss, Mapping):
        hint = " (a dict of outputs: make one error Node first, e.g. tg.squared_error(outputs, targets))"
    raise _user(TypeError(f"backprop_steps() needs the error Node to walk back from, "
                          f"got {type(loss).__name__}{hint}"))


def backprop_steps(loss: Node, zero_grad: bool = True) -> Iterator[Step]:
    """Run the real backward walk from ``loss`` one node at a time, yielding a :class:`Step` each.

    This drives :func:`tinygraph.node.walk`, the same generator ``loss.backward()``
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


# -- the network-level story ---------------------------------------------------------

STAGES = {1: "feed forward", 2: "output deltas", 3: "hidden deltas", 4: "gradients", 5: "update"}


class NetworkStep:
    """One step of the text's backprop recipe on a Network, with its formula and numbers.

    ``stage`` is the text's step (1 feed forward and the error, 2 output deltas,
    3 hidden deltas, 4 dE/dw and dE/dtheta, 5 the update); ``kind`` says which
    ("input", "forward", "error", "output delta", "hidden delta",
    "weight gradient", "bias gradient", "update"); ``subject`` is the Neuron,
    Synapse, Bias or error Node it is about; ``number`` its result (for deltas
    and gradients: the gradient the backward walk computed); ``walk_index``
    the index of the walk :class:`Step` that completed that number, ``walk_step``
    that Step and ``walk_line`` its line (None / "" for the forward pass and the
    update).  ``known_values``: the Neurons whose values the feed forward has
    computed by this step (None once all are).  ``str(step)`` is
    ``formula = numbers = number``.
    """

    def __init__(self, stage: int, kind: str, subject: Any, formula: str, numbers: str, number: Optional[float],
                 net: Any, highlight: Sequence[Any], known: Sequence[Any], walk_step: Optional[Step] = None,
                 extra: str = "", known_values: Optional[Sequence[Any]] = None, shown: Optional[str] = None,
                 *, run: "_Run") -> None:
        self._run = run
        self.index = len(run.steps) + 1          # this step is the run's next
        self._updated = len(run.updates)         # the updates made by this step (its own included)
        self.stage = stage
        self.kind = kind
        self.subject = subject
        self.formula = formula
        self.numbers = numbers
        self.number = number
        self.net = net
        self.highlight = list(highlight)
        self.known = list(known)
        self.shown = shown                   # the number as printed, when fmt() would hide a change
        self.walk_step: Optional[Step] = walk_step
        self.extra = extra
        self.known_values = None if known_values is None else list(known_values)

    @property
    def total(self) -> int:
        """How many steps the run has."""
        return len(self._run.steps)

    @property
    def walk_total(self) -> int:
        """How many steps the run's backward walk has."""
        return self._run.walk_total

    @property
    def walk_index(self) -> Optional[int]:
        """Index of the backward-walk :class:`Step` that completed this number (None if none)."""
        return None if self.walk_step is None else self.walk_step.index

    @property
    def walk_line(self) -> str:
        """The walk's own chain-rule line for this number ("" for the forward pass and the update)."""
        if self.walk_step is None:
            return ""
        return f"backward walk, step {self.walk_step.index} of {self.walk_total}: {self.walk_step}"

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    def __str__(self) -> str:
        line = self.formula
        if self.numbers:
            line += f" = {self.numbers}"
        if self.number is not None:
            line += f" = {self.shown or fmt(self.number)}"
        return line + self.extra

    def diagram(self, **kw: Any):
        """The network with this step's neuron or synapse (and the edges it sends gradient along)
        highlighted, and only the values, deltas and gradients known at this step shown."""
        from .draw import draw_network
        updates = self._run.updates
        params = [p for p, _, _ in updates]
        now = [p.value for p in params]          # the real values, put back after drawing
        try:
            # the weights at this step: new for the updates made so far, old for the rest
            for k, (p, old, new) in enumerate(updates):
                p.value = new if k < self._updated else old
            return draw_network(self.net, values=True, deltas=True, grads=True, highlight=self.highlight,
                                known=self.known, known_values=self.known_values, **kw)
        finally:
            for p, v in zip(params, now):
                p.value = v

    def __repr__(self) -> str:
        return f"NetworkStep({self.index}: {self.kind}, {str(self)!r})"


class _Run:
    """What the steps of one network_steps() call share: the steps (each added as it is made),
    the updates (parameter, old, new) made so far, and the length of the backward walk."""

    def __init__(self, walk_total: int) -> None:
        self.steps: List[NetworkStep] = []
        self.updates: List[Tuple[Any, float, float]] = []
        self.walk_total = walk_total


def _targets_for(outputs: Dict[str, Node], targets: object) -> Dict[str, float]:
    names = list(outputs)
    if isinstance(targets, Mapping):
        unknown = [k for k in targets if k not in outputs]
        missing = [k for k in names if k not in targets]
        if unknown or missing:
            parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                    ([f"unknown {', '.join(map(repr, unknown))}"] if unknown else [])
            raise NameNotFoundError(f"targets: {'; '.join(parts)}. The outputs are {', '.join(names)}")
        return {k: _check_value(targets[k], f"the target for {k!r}") for k in names}
    if isinstance(targets, (int, float)) and not isinstance(targets, bool) and len(names) == 1:
        return {names[0]: _check_value(targets, f"the target for {names[0]!r}")}
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise _user(TypeError(f"targets must be a dict {{output name: target}} or a list of numbers, "
                              f"got {type(targets).__name__}"))
    if len(targets) != len(names):
        raise _user(ValueError(f"got {len(targets)} targets for {len(names)} outputs ({', '.join(names)})"))
    return {k: _check_value(t, f"the target for {k!r}") for k, t in zip(names, targets)}


def network_steps(net: Any, inputs: Any, targets: Any = None, lr: float = 0.5,
                  error: Optional[Callable[[Dict[str, Node], Any], Node]] = None,
                  apply: bool = False) -> List[NetworkStep]:
    """One training step of ``net`` on one sample, told as the text tells it.

    Runs ``net.forward(inputs)``, the error (squared error against ``targets``
    unless ``error(outputs, targets)`` gives another error Node), and the
    backward walk (via :func:`backprop_steps`), then returns the steps in the
    text's order: 1 inputs, each neuron's net input and output, the error;
    2 the delta of each output neuron; 3 the delta of each hidden neuron, layer
    by layer back; 4 dE/dw of each synapse and dE/dtheta of each bias; 5 the
    update w <- w - lr dE/dw of each trainable parameter.  Every delta and
    gradient shown is the one the walk computed; the formulas beside it
    (delta_k = O_k (1 - O_k)(O_k - t_k) for sigmoid units, else
    delta = f'(net) dE/dO) show where it comes from.

    The network's gradients are replaced by this sample's; its weights change
    only with ``apply=True``.
    """
    from .network import Network, Neuron
    if not isinstance(net, Network):
        raise _user(TypeError(f"network_steps() needs a tinygraph Network, got {type(net).__name__}; "
                              "for a single error Node use backprop_steps(loss)"))
    try:
        lr = _check_value(lr, "the learning rate lr")
    except (TypeError, ValueError) as e:
        raise _user(e) from None
    if lr <= 0:
        raise _user(ValueError(f"the learning rate lr must be positive, got {lr!r}"))
    if error is None and targets is None:
        raise _user(TypeError("network_steps() needs targets (the wanted outputs) to measure the error, "
                              "e.g. {'o1': 0.01, 'o2': 0.99}"))
    net.zero_grad()
    outputs = net.forward(inputs)
    if error is None:
        tmap = _targets_for(outputs, targets)
        from .losses import squared_error
        loss = squared_error(outputs, tmap)
    else:
        loss = error(outputs, targets)
        if not isinstance(loss, Node):
            raise _user(TypeError(f"error(outputs, targets) must return a Node, got {type(loss).__name__}"))
        tmap = {}
    walk_steps = list(backprop_steps(loss))  # the real walk: all numbers below come from it
    walk_at: Dict[Node, Step] = {st.node: st for st in walk_steps}

    run = _Run(len(walk_steps))

    def add(*args: Any, **kw: Any) -> None:
        """Make the run's next step."""
        run.steps.append(NetworkStep(*args, **kw, run=run))

    known: List[Any] = []
    out_neurons = net.outputs
    out_set = set(out_neurons)
    layers = net.layers()
    hidden = [n for layer in reversed(layers) for n in layer if not n.is_input and n not in out_set]

    def O(n: "Neuron") -> str:
        return f"O_{n.name}"

    # 1. feed forward
    ins = net.inputs
    computed: List[Any] = list(ins)           # the values the feed forward has reached so far
    add(1, "input", None, "inputs: " + ", ".join(f"{O(n)} = {fmt(n.value)}" for n in ins),
        "", None, net, ins, [], known_values=computed)
    for n in net.order():
        if n.is_input:
            continue
        terms = [f"{s.name}·{O(s.src)}" for s in n.incoming]
        nums = [f"{_operand(s.value)}·{_operand(s.src.value)}" for s in n.incoming]
        if n.bias is not None:
            terms.append(n.bias.name)
            nums.append(_operand(n.bias.value))
        linear = n.output is n.net_node
        netname = O(n) if linear else f"net_{n.name}"
        extra = "" if linear else (f";   {O(n)} = {n.activation.name}(net_{n.name}) = "
                                   f"{n.activation.name}({fmt(n.net_input)}) = {fmt(n.value)}")
        computed.append(n)
        add(1, "forward", n, f"{netname} = {' + '.join(terms)}", " + ".join(nums),
            n.net_input, net, [n] + list(n.incoming), [], extra=extra, known_values=computed)
    if error is None:
        add(1, "error", loss, "E = ½ Σ_k (O_k - t_k)²",
            " + ".join("½ ({} - {})²".format(*_pair(n.value, tmap[n.name])) for n in out_neurons),
            loss.value, net, out_neurons, [])
    else:
        add(1, "error", loss, "E", "", loss.value, net, out_neurons, [])

    def fprime(n: "Neuron") -> float:
        out = n.output
        return 1.0 if out is n.net_node else out.local_grads[0]

    def add_delta(stage: int, n: "Neuron") -> None:
        d = n.delta
        sig = n.activation.name == "sigmoid"
        linear = n.output is n.net_node
        if stage == 2:
            kind = "output delta"
            if error is None:
                t = tmap[n.name]
                o_s, t_s = _pair(n.value, t)
                back_s, back_n = f"({O(n)} - t_{n.name})", f"({o_s} - {'(' + t_s + ')' if t < 0 else t_s})"
            else:
                back_s, back_n = f"dE/d{O(n)}", _operand(n.grad)
        else:
            kind = "hidden delta"
            outs = n.outgoing
            back_s = "(" + " + ".join(f"δ_{s.dst.name}·{s.name}" for s in outs) + ")"
            back_n = "(" + " + ".join(f"{_operand(s.dst.delta)}·{_operand(s.value)}" for s in outs) + ")"
        if sig:
            formula = f"δ_{n.name} = {O(n)}(1 - {O(n)}) {back_s}"
            numbers = f"{fmt(n.value)}·(1 - {fmt(n.value)})·{back_n}"
        elif linear:
            formula = f"δ_{n.name} = {back_s}   (linear: f' = 1)"
            numbers = back_n
        else:
            formula = f"δ_{n.name} = f'(net_{n.name}) {back_s}"
            numbers = f"{_operand(fprime(n))}·{back_n}"
        known.append(n)
        add(stage, kind, n, formula, numbers, d, net, [n] + list(n.incoming), list(known), walk_at.get(n.net_node))

    # 2. output deltas, 3. hidden deltas (layer by layer back)
    for n in out_neurons:
        add_delta(2, n)
    for n in hidden:
        add_delta(3, n)

    # 4. dE/dw and dE/dtheta
    params: List[Node] = []
    for n in net.order():
        if n.is_input:
            continue
        for s in n.incoming:
            known.append(s)
            params.append(s)
            add(4, "weight gradient", s, f"dE/d{s.name} = δ_{s.dst.name}·{O(s.src)}",
                f"{_operand(s.dst.delta)}·{_operand(s.src.value)}", s.grad, net, [s], list(known), walk_at.get(s))
        if n.bias is not None:
            b = n.bias
            known.append(b)
            params.append(b)
            add(4, "bias gradient", b, f"dE/d{b.name} = δ_{n.name}·1",
                f"{_operand(n.delta)}·1", b.grad, net, [b], list(known), walk_at.get(b))

    # 5. the update
    for p in params:
        if not p.trainable:
            continue
        new = p.value - lr * p.grad
        old_s, new_s = _pair(p.value, new)          # 10 -> 10.00002, not 10 -> 10
        run.updates.append((p, p.value, new))
        add(5, "update", p, f"{p.name} ← {p.name} - η·dE/d{p.name}",
            f"{old_s} - {fmt(lr)}·{_operand(p.grad)}", new, net, [p], list(known), shown=new_s)
    if apply:
        for p, _, new in run.updates:
            p.value = new
    return run.steps


# -- pages, demos and the command line -------------------------------------------------

def _page_entry(step: Union[Step, NetworkStep]) -> Dict[str, str]:
    if isinstance(step, NetworkStep):
        return {"text": str(step), "stage": f"{step.stage}. {step.stage_name}", "detail": step.walk_line}
    return {"text": str(step), "stage": f"backward walk: {step.name}", "detail": "\n".join(step.sent_lines())}


PROGRESS_AFTER = 1.0     # seconds of drawing before the page's progress is shown


class _Progress:
    """Says on stderr how far the drawing is, once it has taken more than ``after`` seconds:
    "drawing frame 12/340..." rewritten in place on a terminal, one line otherwise."""

    def __init__(self, total: int, after: float = 1.0, stream=None) -> None:
        import time
        self.total, self.after, self.stream = total, after, stream or sys.stderr
        self.start = self.last = time.monotonic()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, done: int) -> None:
        import time
        now = time.monotonic()
        if now - self.start < self.after:
            return
        if self.tty:
            if now - self.last >= 0.1 or done == self.total:
                self.last = now
                self.stream.write(f"\rdrawing frame {done}/{self.total}...")
                self.stream.flush()
                self.shown = True
        elif not self.shown:
            self.stream.write(f"drawing the page's {self.total} frames; this takes a while...\n")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# An edge label of the network drawing: a one-cell table holding the weight (bold) and ∂E/∂w (9 pt).
_EDGE_LABEL = re.compile(r'^(\s*n\d+ -> n\d+ \[.*?label=<<TABLE[^>]*><TR><TD)>((?:(?!</TD>).)*)</TD>', re.M)


def _label_width(cell: str) -> float:
    """A generous width in points of an edge label's lines (Helvetica: bold 10 pt, then 9 pt)."""
    lines = re.split(r"<BR/>", cell)
    plain = [re.sub(r"<[^>]*>", "", ln).replace("&amp;", "&") for ln in lines]
    sizes = [6.4] + [5.8] * (len(plain) - 1)          # per character, digits and minus signs
    return max(len(t) * w for t, w in zip(plain, sizes)) + 6.0


# A neuron of the network drawing with its circle's width (inches): "  n4 [id="n4", ..., width=1.59, ...];"
_NODE_WIDTH = re.compile(r'^(\s*(n\d+) \[.*[ ,]width=)([0-9.]+)', re.M)


_CIRCLE = re.compile(r'<g id="(n\d+)" class="node">.*?<ellipse[^>]*? rx="([0-9.]+)"', re.S)


_LEGEND = re.compile(r'<TABLE ID="legend".*?</TABLE>', re.S)
_GRAPH_ATTRS = re.compile(r'^\s*graph \[(.*?)\];$', re.M)


def _legend_width(diagrams: List[Any], engine: str) -> int:
    """The width in points of the widest legend of the frames (each distinct one drawn alone):
    the legend grows a row as ? or ∂E/∂θ appear, and a legend wider than the drawing would
    shift the drawing sideways."""
    from .draw import Diagram
    widest = 0.0
    seen = set()
    for d in diagrams:
        m = _LEGEND.search(d.source)
        attrs = _GRAPH_ATTRS.search(d.source)
        if m is None or attrs is None or m.group(0) in seen:
            continue
        seen.add(m.group(0))
        alone = "digraph legend {\n  graph [%s, pad=0, margin=0];\n  graph [label=<%s>];\n}\n" % (
            attrs.group(1), m.group(0))
        size = re.search(r'<svg[^>]*? width="([0-9.]+)pt"', Diagram(alone, d.engine or engine).svg())
        if size:
            widest = max(widest, float(size.group(1)))
    return math.ceil(widest)


def _same_label_boxes(diagrams: List[Any], engine: str) -> List[Any]:
    """The network's frames with every edge label in a box of one width and every neuron's circle
    as wide as in its widest frame, so the layout (which spaces the columns by the widest label)
    and every neuron stay put from step to step as numbers appear.

    A circle grows past its set width when its label does not fit (the step's highlighted bias
    box): the frames holding each neuron's longest label, plain and highlighted, are drawn
    first (with ``engine``) to measure that."""
    cells = [m.group(2) for d in diagrams for m in _EDGE_LABEL.finditer(d.source)]
    widths: Dict[str, float] = {}
    longest: Dict[Tuple[str, bool], Tuple[int, int]] = {}
    for k, d in enumerate(diagrams):
        for m in _NODE_WIDTH.finditer(d.source):
            nid = m.group(2)
            widths[nid] = max(widths.get(nid, 0.0), float(m.group(3)))
            line = d.source[m.start():d.source.find("\n", m.start())]
            key = (nid, "BGCOLOR=" in line)
            if len(line) > longest.get(key, (-1, 0))[0]:
                longest[key] = (len(line), k)
    if widths:
        for k in sorted({k for _, k in longest.values()}):
            for nid, rx in _CIRCLE.findall(diagrams[k].svg(diagrams[k].engine or engine)):
                if nid in widths:
                    widths[nid] = max(widths[nid], round(2 * float(rx) / 72.0 + 0.005, 2))
    if not cells and not widths:
        return diagrams
    width = math.ceil(max(_label_width(c) for c in cells)) if cells else 0
    legend_width = _legend_width(diagrams, engine)
    out = []
    for d in diagrams:
        source = d.source
        if legend_width:
            source = source.replace('<TD ALIGN="LEFT"><TABLE ID="legend"',
                                    f'<TD ALIGN="LEFT" WIDTH="{legend_width}"><TABLE ID="legend"', 1)
        if cells:
            source = _EDGE_LABEL.sub(lambda m: f'{m.group(1)} WIDTH="{width}">{m.group(2)}</TD>', source)
        source = _NODE_WIDTH.sub(lambda m: f"{m.group(1)}{widths[m.group(2)]:g}", source)
        out.append(type(d)(source, d.engine, d.timeout))
    return out


DRAW_WORKERS = 4        # Graphviz runs at a time when drawing a page's frames


def _svgs(steps: Sequence[Union[Step, NetworkStep]], progress: bool = False) -> List[str]:
    """Each step's diagram as SVG, drawn a few at a time (each drawing is one Graphviz run).

    ``progress``: report on stderr once drawing takes more than a second."""
    from concurrent.futures import ThreadPoolExecutor
    from .draw import find_engine
    diagrams = [s.diagram() for s in steps]
    engine = find_engine().path          # found once, here: the lookup is not thread-safe
    if steps and isinstance(steps[0], NetworkStep):
        diagrams = _same_label_boxes(diagrams, engine)
    tell = _Progress(len(diagrams), PROGRESS_AFTER) if progress else None
    out: List[str] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(DRAW_WORKERS, len(diagrams)))) as pool:
            for svg in pool.map(lambda d: d.svg(d.engine or engine), diagrams):
                out.append(svg)
                if tell is not None:
                    tell(len(out))
    finally:
        if tell is not None:
            tell.close()
    return out


def html_page(steps: Sequence[Union[Step, NetworkStep]], title: Optional[str] = None,
              progress: bool = False) -> str:
    """A self-contained HTML page stepping through ``steps`` (from backprop_steps or network_steps),
    each with its diagram, its line and "step i of N"; see :mod:`tinygraph.draw.player`."""
    from .draw.player import player_html as page
    steps = list(steps)
    if not steps:
        raise _user(ValueError("no steps to show: pass the list from backprop_steps(loss) or network_steps(...)"))
    if title is None:
        first = steps[0]
        title = (f"backprop through {first.net.name}, step by step" if isinstance(first, NetworkStep)
                 else f"backprop from {first.root_name}, step by step")
    return page(_svgs(steps, progress=progress), [_page_entry(s) for s in steps], title)


def _page_place(path: Union[str, "os.PathLike[str]"]) -> str:
    """Check that the page can be written at ``path`` (before the slow drawing); the path as given."""
    if not isinstance(path, (str, os.PathLike)):
        raise _user(TypeError(f"the page's file name must be a path, got {type(path).__name__} {path!r}: "
                              "give a file name, e.g. --html steps.html"))
    path = os.fspath(path)
    if not str(path).strip():
        raise _user(ValueError("no file name for the page: give a file name, e.g. --html steps.html"))
    path = os.path.expanduser(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot write the page to {path!r}: it is a folder; give a file name "
                                f"such as {os.path.join(path, 'steps.html')}")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"cannot write {path!r}: {folder!r} is a file, not a folder; "
                                 "give a file in an existing folder, e.g. --html steps.html")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path!r}: the folder {folder!r} does not exist; "
                                "create it first or give a file in an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write {path!r}: the folder {folder!r} is not writable for you; "
                              "give a file in a folder you can write to, e.g. --html steps.html")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise PermissionError(f"cannot write {path!r}: the file exists and is not writable for you; "
                              "give another file name, e.g. --html steps.html")
    return path


def write_html(path: Union[str, "os.PathLike[str]"], steps: Sequence[Union[Step, NetworkStep]],
               title: Optional[str] = None, progress: bool = False) -> int:
    """Write :func:`html_page` to ``path`` (whole or not at all); returns its size in bytes.

    ``progress``: say on stderr how the drawing of the frames goes when it takes a while.
    """
    path = _page_place(path)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{os.getpid()}.tmp")

    def failed(e: OSError) -> OSError:
        return type(e)(f"cannot write the page to {path!r}: {e.strerror or e}; "
                       "give a file in a folder you can write to, e.g. --html steps.html")

    try:                     # made before drawing, which takes a while: a place that refuses fails now
        f = open(tmp, "wb")
    except OSError as e:
        raise type(e)(f"cannot write {path!r}: no new file can be made in the folder "
                      f"{os.path.dirname(tmp)!r} ({e.strerror or e}); give a file in a folder you can "
                      "write to, e.g. --html steps.html") from None
    try:
        with f:
            f.write(html_page(steps, title, progress=progress).encode("utf-8"))
            size = f.tell()
        os.replace(tmp, path)
    except OSError as e:
        raise failed(e) from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return size


def demo_networks() -> Dict[str, Callable[[], Tuple[Any, Any, Any]]]:
    """Networks ``tinygraph step NAME`` knows: name -> build() giving (net, inputs, targets).

    Every demo module in :mod:`tinygraph.demos` with a ``build()`` counts
    (``worked-example``, the 2-2-2 network of the text, is the default).
    """
    import importlib
    import pkgutil
    from . import demos
    found: Dict[str, Callable[[], Tuple[Any, Any, Any]]] = {}
    for info in pkgutil.iter_modules(getattr(demos, "__path__", [])):
        if info.name.startswith("_"):
            continue
        try:
            mod = importlib.import_module(f"{demos.__name__}.{info.name}")
        except ImportError:
            continue
        build = getattr(mod, "build", None)
        if callable(build):
            found[info.name.replace("_", "-")] = build
    return found


def _build_demo(name: str):
    """The demo network ``name`` (any case, - or _) as (its key in demo_networks(), net, inputs, targets)."""
    from .network import Network
    nets = demo_networks()
    key = name.strip().lower().replace("_", "-") if isinstance(name, str) else name
    if key not in nets:
        hint = did_you_mean(key, nets)
        raise NameNotFoundError(f"no network named {name!r} to step through.{hint} "
                                f"Networks: {', '.join(sorted(nets))}")
    built = nets[key]()
    if not (isinstance(built, tuple) and len(built) == 3 and isinstance(built[0], Network)):
        raise GraphError(f"the demo {key!r} did not build (network, inputs, targets); got {type(built).__name__}")
    return (key,) + built


def _say(text: str, stream=None) -> None:
    """print(), writing delta, theta, eta... where the console cannot show δ, θ, η (see printable_streams)."""
    from .demos._common import TRANSLITERATE, printable_streams
    stream = stream or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:            # a stream that cannot be reconfigured
        printable_streams(stream)
        enc = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(enc, TRANSLITERATE).decode(enc), file=stream)
    stream.flush()


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
BIG_NET = 60           # more synapses than this: the page is big and slow to draw, and step_command says so


DEFAULT_LR = 0.5
# Demo networks whose step-through needs another learning rate than DEFAULT_LR to show an update
# that is small next to the weights (the multiplier's first-layer weights are ±0.001 and their
# gradients near 100, so η = 0.5 would move them a hundred thousand times their size).
STEP_LR: Dict[str, float] = {"multiplier": 1e-6}


def _why_lr(net: Any, steps: Sequence[NetworkStep], lr: float) -> str:
    """One line saying why ``lr`` is used instead of DEFAULT_LR: the update DEFAULT_LR would make
    (worked out from the gradients of ``steps``, the steps with ``lr``, before any update)."""
    params = [st.subject for st in steps if st.kind == "update"]
    p = max(params, key=lambda q: abs(DEFAULT_LR * q.grad) / max(abs(q.value), 1e-300))
    top = max(abs(q.grad) for q in params)
    return (f"η = {fmt(lr)} here, not {fmt(DEFAULT_LR)}: {net.name}'s gradients reach {fmt(top)}, so "
            f"η = {fmt(DEFAULT_LR)} would take {p.name} from {fmt(p.value)} to "
            f"{fmt(p.value - DEFAULT_LR * p.grad)} in one "
            f"step; with η = {fmt(lr)} each update is small next to the weight it changes (--lr sets η).")


def step_command(name: str, interactive: bool = False, html: Optional[str] = None,
                 lr: Optional[float] = None) -> int:
    """``tinygraph step NAME``: print the text's backprop steps for a demo network.

    ``interactive``: wait for Enter before each next step (q then Enter quits;
    end of input stops).  ``html``: also write the step player page to that file.
    ``lr``: the learning rate η of the update; None takes the network's own
    (STEP_LR, else DEFAULT_LR = 0.5).  Returns the exit code.
    """
    from .demos._common import printable_streams
    printable_streams()
    key, net, inputs, targets = _build_demo(name)
    own_lr = lr is None
    if own_lr:
        lr = STEP_LR.get(key, DEFAULT_LR)
    steps = network_steps(net, inputs, targets, lr=lr)
    why = _why_lr(net, steps, lr) if own_lr and lr != DEFAULT_LR else ""
    if html is not None:
        html = _page_place(html)
        suffix = os.path.splitext(html)[1].lower()
        if suffix not in PAGE_SUFFIXES:
            better = os.path.splitext(html)[0] + ".html"
            raise _user(ValueError(f"the step player is an HTML page, so {html!r} would hold HTML under "
                                   f"another name: give a file ending in .html, e.g. --html {better}"))
        synapses = len(net.synapses)
        if synapses > BIG_NET:
            print(f"note: {net.name} has {synapses} synapses, so the page gets {len(steps)} frames: it will "
                  "be big (megabytes) and take a while to draw (Ctrl-C stops). A smaller network such as "
                  "worked-example or xor shows each step more clearly.", file=sys.stderr)
        size = write_html(html, steps, progress=True)

    def count(k: int, what: str) -> str:
        return f"{k} {what}" + ("s" if k != 1 and what != "hidden" else "")

    _say(f"Backprop through {net.name} ({count(len(net.inputs), 'input')}, {count(len(net.hidden), 'hidden')}, "
         f"{count(len(net.outputs), 'output')}), one sample, squared error, learning rate η = {fmt(lr)}.")
    if why:
        _say(why)
    stage = 0
    for st in steps:
        if st.stage != stage:
            stage = st.stage
            _say(f"\n{stage}. {STAGES[stage]}")
        _say(f"[{st.index}/{st.total}] {st}")
        if st.walk_line:
            _say(f"        ({st.walk_line})")
        if interactive and st.index < st.total:
            piped = not _is_tty(sys.stdin)   # no echoed Enter: end the prompt's line ourselves
            try:
                answer = input("   (Enter: next, q: quit) ")
            except EOFError:
                _say("")
                break
            if piped:
                _say("")
            if answer.strip().lower() in ("q", "quit", "exit"):
                break
    if html is not None:
        _say(f"\nwrote {html} ({len(steps)} steps, {size / 1024:.0f} KB): open it in a browser "
             "and step with the buttons or the arrow keys")
    return 0
