"""One training step of a Network told as the text tells it: its five steps, with the numbers.

:func:`network_steps` runs the forward pass, the error and the real backward
walk (:func:`tinygraph.backprop_steps`), then returns the steps in the text's
order: 1 feed forward and the error, 2 the output deltas, 3 the hidden deltas,
4 dE/dw and dE/dtheta, 5 the update w <- w - eta dE/dw.  Every delta and
gradient is the number the walk computed; the formula beside it says where it
comes from.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .errors import NameNotFoundError, user_facing
from .formatting import fmt, operand, pair
from .node import Node, _check_value
from .steps import Step, backprop_steps

__all__ = ["NetworkStep", "network_steps", "STAGES"]


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
        raise user_facing(TypeError(f"targets must be a dict {{output name: target}} or a list of numbers, "
                              f"got {type(targets).__name__}"))
    if len(targets) != len(names):
        raise user_facing(ValueError(f"got {len(targets)} targets for {len(names)} outputs ({', '.join(names)})"))
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
        raise user_facing(TypeError(f"network_steps() needs a tinygraph Network, got {type(net).__name__}; "
                              "for a single error Node use backprop_steps(loss)"))
    try:
        lr = _check_value(lr, "the learning rate lr")
    except (TypeError, ValueError) as e:
        raise user_facing(e) from None
    if lr <= 0:
        raise user_facing(ValueError(f"the learning rate lr must be positive, got {lr!r}"))
    if error is None and targets is None:
        raise user_facing(TypeError("network_steps() needs targets (the wanted outputs) to measure the error, "
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
            raise user_facing(TypeError(f"error(outputs, targets) must return a Node, got {type(loss).__name__}"))
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
        nums = [f"{operand(s.value)}·{operand(s.src.value)}" for s in n.incoming]
        if n.bias is not None:
            terms.append(n.bias.name)
            nums.append(operand(n.bias.value))
        linear = n.output is n.net_node
        netname = O(n) if linear else f"net_{n.name}"
        extra = "" if linear else (f";   {O(n)} = {n.activation.name}(net_{n.name}) = "
                                   f"{n.activation.name}({fmt(n.net_input)}) = {fmt(n.value)}")
        computed.append(n)
        add(1, "forward", n, f"{netname} = {' + '.join(terms)}", " + ".join(nums),
            n.net_input, net, [n] + list(n.incoming), [], extra=extra, known_values=computed)
    if error is None:
        add(1, "error", loss, "E = ½ Σ_k (O_k - t_k)²",
            " + ".join("½ ({} - {})²".format(*pair(n.value, tmap[n.name])) for n in out_neurons),
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
                o_s, t_s = pair(n.value, t)
                back_s, back_n = f"({O(n)} - t_{n.name})", f"({o_s} - {'(' + t_s + ')' if t < 0 else t_s})"
            else:
                back_s, back_n = f"dE/d{O(n)}", operand(n.grad)
        else:
            kind = "hidden delta"
            outs = n.outgoing
            back_s = "(" + " + ".join(f"δ_{s.dst.name}·{s.name}" for s in outs) + ")"
            back_n = "(" + " + ".join(f"{operand(s.dst.delta)}·{operand(s.value)}" for s in outs) + ")"
        if sig:
            formula = f"δ_{n.name} = {O(n)}(1 - {O(n)}) {back_s}"
            numbers = f"{fmt(n.value)}·(1 - {fmt(n.value)})·{back_n}"
        elif linear:
            formula = f"δ_{n.name} = {back_s}   (linear: f' = 1)"
            numbers = back_n
        else:
            formula = f"δ_{n.name} = f'(net_{n.name}) {back_s}"
            numbers = f"{operand(fprime(n))}·{back_n}"
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
                f"{operand(s.dst.delta)}·{operand(s.src.value)}", s.grad, net, [s], list(known), walk_at.get(s))
        if n.bias is not None:
            b = n.bias
            known.append(b)
            params.append(b)
            add(4, "bias gradient", b, f"dE/d{b.name} = δ_{n.name}·1",
                f"{operand(n.delta)}·1", b.grad, net, [b], list(known), walk_at.get(b))

    # 5. the update
    for p in params:
        if not p.trainable:
            continue
        new = p.value - lr * p.grad
        old_s, new_s = pair(p.value, new)          # 10 -> 10.00002, not 10 -> 10
        run.updates.append((p, p.value, new))
        add(5, "update", p, f"{p.name} ← {p.name} - η·dE/d{p.name}",
            f"{old_s} - {fmt(lr)}·{operand(p.grad)}", new, net, [p], list(known), shown=new_s)
    if apply:
        for p, _, new in run.updates:
            p.value = new
    return run.steps


