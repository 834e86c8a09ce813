"""One training step of a Network told in the recipe's six steps, with the delta rule's formulas and the numbers.

:func:`network_steps` runs the forward pass, the error and the real backward
walk (:func:`tinygraph.backprop_steps`), then returns the steps in the order of
the recipe (the delta rule applied step by step, :data:`STAGES`): 1 feed forward
and the error, 2 the output deltas, 3 the hidden deltas, 4 dE/dw and dE/dθ, 5 the
update w ← w - η dE/dw, and 6 the loop closed: the forward pass again with the new weights, the new error, and how many times
``train`` repeats 1 to 5 until the error is below a threshold.

Every formula is written by :mod:`tinygraph.stepping.formulas` (their one home); every
delta and gradient shown is the number the walk computed.  Each step knows
what its formula reads (``step.uses``): the drawing highlights exactly that and
the step's subject.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import formulas
from ..errors import BadValueError, WrongTypeError, user_facing
from ..formatting import fmt, pair
from ..engine.gradcheck import central_difference
from ..learning.losses import cross_entropy, squared_error
from ..networks.network import Bias, Network, Neuron, Synapse
from ..engine.checks import check_rate, check_value, named_values
from ..draw import Diagram, draw_network
from ..draw.network import big_columns
from ..engine.node import Node, softmax_index
from .steps import Step, backprop_steps
from ..learning.training import DivergenceError, History, train

__all__ = ["NetworkStep", "network_steps", "STAGES", "REPEAT_UNTIL", "REPEAT_MAX_EPOCHS", "REPEAT_WORK",
           "CHECK_H", "UPDATES"]


#: a sample's inputs or targets: a dict by name, a list in the network's order, or one number for one name
Sample = Union[Mapping[str, float], Sequence[float], float]

#: the recipe: the delta rule (tinygraph.stepping.formulas) applied in six steps, one training step of backprop
STAGES = {1: "feed forward", 2: "output deltas", 3: "hidden deltas", 4: "gradients", 5: "update", 6: "repeat"}
#: the error threshold of the last step ("repeat until the error is below a threshold") unless given
REPEAT_UNTIL = 0.001
#: the most epochs the last step lets ``train`` run to find how many it takes; fewer for a big
#: network, so that it runs no more than REPEAT_WORK synapse-epochs (about a second or two)
REPEAT_MAX_EPOCHS = 10_000
REPEAT_WORK = 300_000
#: how far network_steps(check=True) nudges each weight and bias: measured on the worked example,
#: the central difference then agrees with the walk's gradients to 2e-9 relative (1.6e-7 with
#: h = 1e-6, where rounding in E starts to show)
CHECK_H = 1e-4
#: which parameters the update moves: "all" (every trainable weight and bias, as train() does) or
#: "weights" (the weights only, the biases kept: the convention of Mazur's published worked example)
UPDATES = ("all", "weights")
#: a check "agrees" when it is this close to the walk's gradient (relative, or absolute near 0)
CHECK_AGREES = 1e-5


def _unique(nodes: Sequence[Any]) -> List[Any]:
    """``nodes`` without repeats, in their order."""
    seen: set = set()
    return [x for x in nodes if id(x) not in seen and not seen.add(id(x))]


def _layer(neurons: Sequence[Neuron]) -> str:
    """A big layer as a step writes it: ``h1 … h16 (16)``, or ``the 64 inputs``."""
    if all(n.is_input for n in neurons) and len(neurons) == len(neurons[0].network.inputs):
        return f"the {len(neurons)} inputs"
    if len(neurons) <= 3:
        return ", ".join(n.name for n in neurons)
    return f"{neurons[0].name} … {neurons[-1].name} ({len(neurons)})"


def _drawn(x: object) -> bool:
    """True for what a network drawing can highlight: a Neuron, a Synapse or a Bias."""
    return isinstance(x, (Neuron, Synapse, Bias))


class NetworkStep:
    """One step of the recipe (STAGES) on a Network, with its formula and numbers.

    * ``index`` (1, 2, ...) of ``total``; ``stage`` the recipe's step (see STAGES) and ``stage_name``;
    * ``kind``: "input", "forward", "error", "output delta", "hidden delta", "weight gradient",
      "bias gradient", "update", then "new forward", "new error", "repeat";
    * ``subject``: the Neuron, Synapse, Bias or error Node it is about (None for the inputs,
      the new forward pass and the repeat);
    * ``formula``, ``numbers``, ``number``: the formula in symbols, with the numbers put in,
      and its result (for deltas and gradients: the gradient the backward walk computed);
      ``str(step)`` is ``formula = numbers = number``;
    * ``uses``: the Neurons, Synapses and Biases whose numbers the formula reads;
      ``highlight``: those and the subject (when it is drawn), what a frame highlights;
    * ``known``: the nodes whose gradients are known at this step; ``known_values``: the
      Neurons whose values the feed forward has computed by this step (None once all are);
    * ``walk_step``, ``walk_index``, ``walk_line``: the backward walk's :class:`Step` that
      completed this number, its index and its line (None / "" where the walk computed nothing);
    * ``net``: the network the step's picture shows (for the new forward pass a copy with
      the new weights, for the repeat one trained by ``train``); ``history``: the repeat's
      ``train`` History (None elsewhere);
    * ``check``: with ``network_steps(..., check=True)``, on a weight or bias gradient step the
      same gradient found by nudging the parameter, (E(w+h) - E(w-h)) / 2h with h = ``CHECK_H``
      (None elsewhere); the step's line (``str(step)``) and its frame show it beside the walk's number;
    * ``group``: for a step of a big layer at once (kinds "layer forward", "output deltas",
      "hidden deltas", "weight gradients", "bias gradients", "updates"), the Neurons, Synapses or
      Biases it computes (its ``subject`` is then None and its ``number`` None), and
      ``group_numbers`` their numbers in the same order (each the walk's, as for one-at-a-time
      steps: a neuron's δ, a weight's or bias's gradient, a parameter's new value, a neuron's
      output); ``walk_group`` the walk's steps that completed them.  None for other steps.
    """

    def __init__(self, run: "_Run", *, stage: int, kind: str, subject: Optional[Node], formula: str,
                 numbers: str = "", number: Optional[float] = None, uses: Sequence[Node] = (),
                 known: Sequence[Node] = (), walk_step: Optional[Step] = None,
                 known_values: Optional[Sequence[Neuron]] = None, extra: str = "", shown: Optional[str] = None,
                 net: Optional[Network] = None, group: Optional[Sequence[Node]] = None,
                 group_numbers: Optional[Sequence[float]] = None, walk_group: Sequence[Step] = ()) -> None:
        self._run = run
        self.index = len(run.steps) + 1          # this step is the run's next
        self._updated = len(run.updates)         # the updates made by this step (its own included)
        self.stage = stage
        self.kind = kind
        self.subject = subject
        self.formula = formula
        self.numbers = numbers
        self.number = number
        self.shown = shown                       # the number as printed, when fmt() would hide a change
        self.extra = extra
        self.uses = list(uses)
        self.known = list(known)
        self.known_values = None if known_values is None else list(known_values)
        self.walk_step: Optional[Step] = walk_step
        self.net = run.net if net is None else net
        self.history = None
        self.check: Optional[float] = None
        self.group = None if group is None else list(group)
        self.group_numbers = None if group_numbers is None else list(group_numbers)
        self.walk_group = list(walk_group)

    @property
    def highlight(self) -> List[Node]:
        """What the step's picture highlights: its subject (when drawn) or its group, then what its formula reads."""
        if self.group is None:
            first = [self.subject] if _drawn(self.subject) else []
            return first + [x for x in self.uses if x is not self.subject]
        first = [x for x in self.group if _drawn(x)]
        seen = {id(x) for x in first}
        return first + [x for x in self.uses if id(x) not in seen and not seen.add(id(x))]

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
        """Index of the backward-walk :class:`Step` that completed this number (None if none); for a
        step of a big layer the first of the walk's steps that completed its numbers."""
        if self.walk_step is None:
            return min((w.index for w in self.walk_group), default=None)
        return self.walk_step.index

    @property
    def walk_line(self) -> str:
        """The walk's own chain-rule line for this number ("" where the walk computed nothing); for a
        step of a big layer, which of the walk's steps computed its numbers."""
        if self.walk_step is None:
            if not self.walk_group:
                return ""
            at = sorted(w.index for w in self.walk_group)
            return (f"backward walk, {len(at)} of its {self.walk_total} steps (steps {at[0]} to {at[-1]}), "
                    "one per number: each one's chain-rule line is in the list of the walk")
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

    def diagram(self, **kw: Any) -> Diagram:
        """The network as it is at this step: what the formula reads highlighted, and only the
        values, deltas and gradients known at this step shown (a :class:`tinygraph.Diagram`)."""

        def draw():
            extra = {"check": self._run.checks} if self._run.checks and self.net is self._run.net else {}
            if self._run.grouped:       # a big layer's strip shows its deltas, a matrix its gradients, in 2 to 4
                extra["as_gradients"] = self.known if self.stage in (2, 3, 4) else ()
            return draw_network(self.net, values=True, deltas=True, grads=True, highlight=self.highlight,
                                known=self.known, known_values=self.known_values, **{**extra, **kw})

        if self.net is not self._run.net:
            return draw()
        updates = self._run.updates
        params = [p for p, _, _ in updates]
        now = [p.value for p in params]          # the real values, put back after drawing
        try:
            # the weights at this step: new for the updates made so far, old for the rest
            for k, (p, old, new) in enumerate(updates):
                p.value = new if k < self._updated else old
            return draw()
        finally:
            for p, v in zip(params, now):
                p.value = v

    def __repr__(self) -> str:
        return f"NetworkStep({self.index}: {self.kind}, {str(self)!r})"


class _Run:
    """What the steps of one network_steps() call share: the network, the steps (each added as
    it is made), the updates (parameter, old, new) made so far, and the length of the walk."""

    def __init__(self, net: Network, walk_total: int, grouped: bool = False) -> None:
        self.net = net
        self.grouped = grouped                    # big layers are stepped at once (see _Story)
        self.steps: List[NetworkStep] = []
        self.updates: List[Tuple[Node, float, float]] = []
        self.walk_total = walk_total
        self.checks: Dict[Node, float] = {}       # parameter -> its gradient by nudging (check=True)

    def add(self, **kw: Any) -> NetworkStep:
        """Make the run's next step (NetworkStep's keywords)."""
        step = NetworkStep(self, **kw)
        self.steps.append(step)
        return step


def check_update(update: Any) -> str:
    """``update`` as one of UPDATES, or an error that says what to write."""
    key = update.strip().lower() if isinstance(update, str) else update
    if key in ("weights and biases", "both"):
        key = "all"
    if key not in UPDATES:
        raise user_facing(BadValueError(f"update must be 'all' (weights and biases, the default) or 'weights' "
                                     f"(the weights only, the biases kept as in Mazur's worked example), "
                                     f"got {update!r}"))
    return key


def _checked(lr: Any, until: Any) -> Tuple[float, float]:
    """The learning rate and the threshold as positive floats, or an error the command line shows."""
    try:
        lr = check_rate(lr)
        until = check_value(until, "until (the error threshold of the last step)")
    except (TypeError, ValueError) as e:
        raise user_facing(e) from None
    if until <= 0:
        raise user_facing(BadValueError(f"until (the error threshold of the last step) must be > 0, got {until!r}"))
    return lr, until


def network_steps(net: Network, inputs: Sample, targets: Optional[Sample] = None, lr: float = 0.5,
                  error: Optional[Callable[[Dict[str, Node], Any], Node]] = None,
                  apply: bool = False, until: float = REPEAT_UNTIL, check: bool = False,
                  update: str = "all", big_layers: bool = True) -> List[NetworkStep]:
    """One training step of ``net`` on one sample, told in the recipe's six steps.

    Runs ``net.forward(inputs)``, the error (squared error against ``targets``
    unless ``error(outputs, targets)`` gives another error Node), and the
    backward walk (via :func:`backprop_steps`), then returns the steps in the
    recipe's order: 1 inputs, each neuron's net input and output, the error;
    2 the delta of each output neuron; 3 the delta of each hidden neuron, layer
    by layer back; 4 dE/dw of each synapse and dE/dθ of each bias; 5 the
    update w ← w - lr dE/dw of each trainable parameter; 6 the forward pass
    with the new weights, the new error, and how many epochs ``train`` takes
    to bring the error below ``until`` (at most REPEAT_MAX_EPOCHS, fewer for
    big networks: see REPEAT_WORK).  Every
    delta and gradient shown is the one the walk computed; the formulas beside
    it (δ_k = O_k (1 - O_k)(O_k - t_k) for sigmoid units, else
    δ = f'(net) dE/dO) show where it comes from.

    ``check=True`` puts beside each weight's and bias's gradient the same
    gradient found by nudging it: (E(w+h) - E(w-h)) / 2h, each E from a forward
    pass of a copy of the network (``step.check``; in each step's line and frame),
    so a learner sees backprop agree with the slope measured directly.

    ``update``: which parameters step 5 moves: "all" (every trainable weight
    and bias, as ``train`` does; the default) or "weights" (the weights only,
    the biases keep their values: the convention of Mazur's published worked
    example, whose new error the steps then match).  The repeat of step 6
    trains with the same convention.

    The network's gradients are replaced by this sample's; its weights change
    only with ``apply=True`` (to the step's new weights, not the trained ones).

    Big layers are stepped at once (``big_layers=True``, the default).  A
    layer drawn as a strip (more than BIG_LAYER neurons, see
    :func:`tinygraph.draw_network`) gets one step for its outputs, one for
    its deltas, one for its biases' gradients and one for their update; the
    weights drawn as one heat-map matrix (into or out of a big layer) one step
    for their gradients and one for their update.  Why: the digits network
    (64-16-10) has 1,184 weights, so a step per weight made about 2,500 frames
    that differ in one cell of a 1,024-cell matrix each, a page nobody steps
    through (and tens of megabytes), while the picture already shows the layer
    as a whole.  Such a step writes its formula once with the index
    (δ_j = f'(net_j) Σ_k δ_k w_jk for every j) and works it out for a few named
    examples, the largest first (``ForEvery`` in ``tinygraph.stepping.formulas``); its
    frame highlights the whole strip or matrix and shows the deltas (in the
    strip) or the gradients (in the matrix) as a heat map.  Its ``group`` and
    ``group_numbers`` hold every member and number, and ``uses`` all it reads.
    Small layers stay one step per neuron, weight and bias, and a network
    without a big layer is stepped exactly as before.  ``big_layers=False``
    steps every neuron, weight and bias one at a time, however many.
    """
    if check not in (True, False):
        raise user_facing(WrongTypeError(f"check must be True or False, got {check!r}"))
    if big_layers not in (True, False):
        raise user_facing(WrongTypeError(f"big_layers must be True or False, got {big_layers!r}"))
    if not isinstance(net, Network):
        raise user_facing(WrongTypeError(f"network_steps() needs a tinygraph Network, got {type(net).__name__}; "
                                         "for a single error Node use backprop_steps(loss)"))
    lr, until = _checked(lr, until)
    update = check_update(update)
    if error is None and targets is None:
        names = [n.name for n in net.outputs]
        shown = ", ".join([f"{k!r}: ..." for k in names[:4]] + (["..."] if len(names) > 4 else []))
        raise user_facing(WrongTypeError("network_steps() needs targets (the wanted outputs) to measure the error, "
                                         f"one per output of {net.name!r}: {{{shown}}}"))
    tmap: Dict[str, float] = {}
    if error is None:
        tmap = named_values(targets, [n.name for n in net.outputs], "outputs", "network_steps targets")
    start = net.copy()                          # the weights before the update, for the repeat
    net.zero_grad()
    outputs = net.forward(inputs)
    loss = _error(outputs, targets, tmap, error)
    walk = list(backprop_steps(loss))           # the real walk: every delta and gradient below is its number
    story = _Story(net, inputs, targets, tmap, error, lr, loss, walk, update, big_layers)
    if check:
        story.nudged(start)
    story.feed_forward()
    story.deltas()
    story.gradients()
    story.update()
    story.repeat(start, until)
    if apply:
        for p, _, new in story.run.updates:
            p.value = new
    return story.run.steps


def _error(outputs: Dict[str, Node], targets: Optional[Sample], tmap: Dict[str, float], error: Optional[Callable]) -> Node:
    """The error Node: the squared error against ``tmap``, or ``error(outputs, targets)``."""
    if error is None:                            # a softmax layer's error is the cross-entropy
        return cross_entropy(outputs, tmap) if _softmax(outputs) else squared_error(outputs, tmap)
    loss = error(outputs, targets)
    if not isinstance(loss, Node):
        raise user_facing(WrongTypeError(f"error(outputs, targets) must return a Node, got {type(loss).__name__}"))
    return loss


def _softmax_line(layer: Sequence[Neuron]) -> str:
    """The softmax of a layer whose net inputs are known, as one line: its denominator once, then each
    O_k = e^net_k / Σ_j e^net_j with the numbers."""
    f = formulas.output_of(layer[0])
    m = max(n.net_input for n in layer)
    shift = m if abs(m) > 700.0 else 0.0         # e^net would overflow: the same fractions, shifted by m
    power = (lambda z: f"e^{fmt(z)}") if not shift else (lambda z: f"e^({fmt(z)} - {fmt(shift)})")
    total = sum(math.exp(n.net_input - shift) for n in layer)
    line = f"softmax {f.GENERAL}: Σ_j e^net_j = {' + '.join(power(n.net_input) for n in layer)} = {fmt(total)}"
    return line + "".join(f"; O_{n.name} = {power(n.net_input)} / {fmt(total)} = {fmt(n.value)}" for n in layer)


def _softmax(outputs: Dict[str, Node]) -> bool:
    """Whether ``outputs`` (a forward pass's) are a softmax layer's."""
    return any(softmax_index(o) is not None for o in outputs.values())


class _Story:
    """Builds the steps of one network_steps() call, stage by stage, in the recipe's order."""

    def __init__(self, net: Network, inputs: Sample, targets: Optional[Sample], tmap: Dict[str, float],
                 error: Optional[Callable], lr: float, loss: Node, walk: List[Step], update: str = "all",
                 big_layers: bool = True) -> None:
        self.net, self.inputs, self.targets, self.tmap, self.error = net, inputs, targets, tmap, error
        self.updates = update                   # "all" or "weights": which parameters step 5 moves
        self.lr, self.loss = lr, loss
        self.walk_at: Dict[Node, Step] = {st.node: st for st in walk}
        # the columns the picture draws and the big ones (a strip; their synapses a matrix): stepped at once
        self.cols, self.big = big_columns(net)
        if not big_layers:
            self.big = set()
        self.col_of = {n: c for c, col in enumerate(self.cols) for n in col}
        self.run = _Run(net, len(walk), grouped=bool(self.big))
        self.soft = set(net.softmax_layer())     # a softmax output layer's neurons
        self.known: List[Node] = []              # what the walk has computed, as the story reveals it
        self.params: List[Any] = []              # the synapses and biases (or a big layer's, in a list), as in stage 4

    # 1. feed forward and the error
    def feed_forward(self) -> None:
        net, add = self.net, self.run.add
        computed: List[Neuron] = list(net.inputs)   # the values the feed forward has reached so far
        add(stage=1, kind="input", subject=None,
            formula="inputs: " + ", ".join(f"O_{n.name} = {fmt(n.value)}" for n in net.inputs),
            uses=net.inputs, known_values=computed)
        waiting = [n for n in net.order() if n in self.soft]   # a softmax layer's outputs wait for its last net input
        if not self.big:
            for n in net.order():
                if not n.is_input:
                    self._forward(n, computed, waiting)
        else:                                    # column by column: a big one at once
            for c, col in enumerate(self.cols):
                todo = [n for n in col if not n.is_input]
                if todo and c in self.big:
                    self._forward_layer(todo, computed)
                else:
                    for n in todo:
                        self._forward(n, computed, waiting)
        self._error_step(1, "error", self.loss, net.outputs)

    def _forward(self, n: Neuron, computed: List[Neuron], waiting: List[Neuron]) -> None:
        """One neuron's net input and output; a softmax layer's outputs all at its last net input
        (each O_k needs every net input of the layer), ``waiting`` holding those not yet reached."""
        f, o = formulas.net_input_of(n), formulas.output_of(n)
        extra = "" if o is None else f";   {o.formula} = {o.numbers} = {fmt(n.value)}"
        uses = [x for s in n.incoming for x in (s, s.src)] + ([n.bias] if n.bias is not None else [])
        if n in self.soft:
            waiting.remove(n)
            if waiting:                      # its O needs every net input of the layer: said at the last
                extra = f"   (O_{n.name} once the softmax layer's net inputs are all known)"
            else:                            # the layer's last net input: the softmax of them all
                layer = self.net.softmax_layer()
                extra = ";   " + _softmax_line(layer)
                computed.extend(k for k in layer if k is not n)
                uses += [k for k in layer if k is not n]
                computed.append(n)
        else:
            computed.append(n)
        self.run.add(stage=1, kind="forward", subject=n, formula=f.formula, numbers=f.numbers, number=n.net_input,
                     extra=extra, known_values=computed, uses=uses)

    def _forward_layer(self, layer: List[Neuron], computed: List[Neuron]) -> None:
        """A big layer's net inputs and outputs at once."""
        computed.extend(layer)
        items = []
        for n in layer:
            f, o = formulas.net_input_of(n), formulas.output_of(n)
            line = f"{formulas.abridged(f.formula)} = {formulas.abridged(f.numbers)} = {fmt(n.net_input)}"
            if o is not None:
                line += f", {formulas.abridged(o.formula)} = {formulas.abridged(o.numbers)} = {fmt(n.value)}"
            items.append((f"O_{n.name}", n.value, line))
        items.sort(key=lambda it: -abs(it[1]))
        acts = {n.activation.name for n in layer}
        act = acts.pop() if len(acts) == 1 else "f"
        if all(n.output is n.net_node for n in layer):
            general = "O_k = Σ_j w_jk O_j + θ_k"
        elif act == "softmax":
            general = "net_k = Σ_j w_jk O_j + θ_k,  O_k = e^net_k / Σ_j e^net_j"
        else:
            general = f"net_k = Σ_j w_jk O_j + θ_k,  O_k = {act}(net_k)"
        each = formulas.ForEvery(general, f"k of {_layer(layer)}", items, "the strip")
        uses = _unique([x for n in layer for s in n.incoming for x in (s, s.src)]
                       + [n.bias for n in layer if n.bias is not None])
        self.run.add(stage=1, kind="layer forward", subject=None, formula=each.formula,
                     extra=":   " + each.examples, known_values=computed, uses=uses, group=layer,
                     group_numbers=[n.value for n in layer])

    def _error_step(self, stage: int, kind: str, loss: Node, outputs: List[Neuron], was: Optional[float] = None,
                    net: Optional[Network] = None) -> None:
        """The error E, from the squared error's formula (or just E for another error)."""
        if self.error is None:
            f = (formulas.cross_entropy_of(outputs, self.tmap) if outputs[0].network.softmax_layer()
                 else formulas.squared_error_of(outputs, self.tmap))
            formula, numbers = f.formula, f.numbers
        else:
            formula, numbers = "E", ""
        shown, extra = None, ""
        if was is not None:
            before, shown = pair(was, loss.value)
            extra = f"   (was {before})"
        self.run.add(stage=stage, kind=kind, subject=loss, formula=formula, numbers=numbers, number=loss.value,
                     uses=outputs, extra=extra, shown=shown, net=net)

    # 2. output deltas, 3. hidden deltas (layer by layer back)
    def deltas(self) -> None:
        net = self.net
        big = [n for n in net.outputs if self.col_of[n] in self.big]
        if big:
            self._delta_layer(2, big)
        for n in net.outputs:
            if self.col_of[n] not in self.big:
                self._delta(2, n)
        outputs = set(net.outputs)
        for layer in reversed(net.layers()):
            hidden = [n for n in layer if not n.is_input and n not in outputs]
            big = [n for n in hidden if self.col_of[n] in self.big]
            if big:
                self._delta_layer(3, big)
            for n in hidden:
                if self.col_of[n] not in self.big:
                    self._delta(3, n)

    def _delta_layer(self, stage: int, layer: List[Neuron]) -> None:
        """A big layer's deltas at once: the strip of δ."""
        self.known.extend(layer)
        items = []
        for n in layer:
            walk_step = self.walk_at.get(n.net_node)
            if walk_step is None:
                items.append((f"δ_{n.name}", 0.0, f"δ_{n.name} = 0 (the error does not depend on {n.name})"))
                continue
            if n in self.soft:
                f: Any = (formulas.SoftmaxDelta(n.name, n.value, self.tmap[n.name]) if self.error is None else None)
            elif stage == 2:
                f = formulas.output_delta_of(n, self._slope(n), self.tmap[n.name] if self.error is None else None)
            else:
                f = formulas.hidden_delta_of(n, self._slope(n))
            line = (f"δ_{n.name} = {fmt(n.delta)}" if f is None else
                    f"{formulas.abridged(f.formula)} = {formulas.abridged(f.numbers)} = {fmt(n.delta)}")
            items.append((f"δ_{n.name}", n.delta, line))
        items.sort(key=lambda it: -abs(it[1]))
        acts = {n.activation.name for n in layer}
        act = acts.pop() if len(acts) == 1 else ""
        if stage == 2:
            k = "δ_k"
            if act == "softmax":
                general = ("δ_k = O_k - t_k   (softmax with cross-entropy)" if self.error is None
                           else "δ_k = Σ_i dE/dO_i · O_i (1[i = k] - O_k)")
            else:
                back = "(O_k - t_k)" if self.error is None else "dE/dO_k"
                slope = {"sigmoid": "O_k(1 - O_k) ", "linear": ""}.get(act, "f'(net_k) ")
                general = f"{k} = {slope}{back}"
            where, uses = f"k of {_layer(layer)}", list(layer)
        else:
            slope = {"sigmoid": "O_j(1 - O_j) ", "linear": ""}.get(act, "f'(net_j) ")
            general = f"δ_j = {slope}Σ_k δ_k w_jk" + (f"   (f = {act})" if slope.startswith("f'") and act else "")
            where = f"j of {_layer(layer)} (k: the neurons j feeds)"
            uses = _unique(list(layer) + [x for n in layer for s in formulas.feeding(n) for x in (s.dst, s)])
        each = formulas.ForEvery(general, where, items, "the strip")
        self.run.add(stage=stage, kind="output deltas" if stage == 2 else "hidden deltas", subject=None,
                     formula=each.formula, extra=":   " + each.examples, uses=uses, known=self.known, group=layer,
                     group_numbers=[n.delta or 0.0 for n in layer],
                     walk_group=[w for w in (self.walk_at.get(n.net_node) for n in layer) if w is not None])

    def _slope(self, n: Neuron) -> float:
        """f'(net_n): the local derivative the walk multiplied by (1 for a linear neuron)."""
        if n.output is n.net_node:
            return 1.0
        for c in self.walk_at[n.output].sent:
            if c.parent is n.net_node:
                return c.local
        raise AssertionError(f"the walk did not pass from {n.name}'s output to its net input")

    def _delta(self, stage: int, n: Neuron) -> None:
        self.known.append(n)
        kind = "output delta" if stage == 2 else "hidden delta"
        walk_step = self.walk_at.get(n.net_node)
        if walk_step is None:                    # the error does not depend on n: the walk never reached it
            self.run.add(stage=stage, kind=kind, subject=n, formula=f"δ_{n.name}", number=0.0, uses=[n],
                         known=self.known,
                         extra=f"   (the error does not depend on {n.name}: the walk never reaches it)")
            return
        if stage == 2 and n in self.soft:
            if self.error is None:               # softmax with cross-entropy: the by-hand result
                f = formulas.SoftmaxDelta(n.name, n.value, self.tmap[n.name])
                formula, numbers = f.formula, f.numbers
            else:                                # another error: each output's dE/dO through the softmax
                formula, numbers = f"δ_{n.name} = Σ_i dE/dO_i · O_i (1[i = {n.name}] - O_{n.name})", ""
            self.run.add(stage=stage, kind=kind, subject=n, formula=formula, numbers=numbers, number=n.delta,
                         uses=[n], known=self.known, walk_step=walk_step)
            return
        if stage == 2:
            f = formulas.output_delta_of(n, self._slope(n), self.tmap[n.name] if self.error is None else None)
            uses = [n]
        else:
            f = formulas.hidden_delta_of(n, self._slope(n))
            uses = [n] + [x for s in formulas.feeding(n) for x in (s.dst, s)]
        self.run.add(stage=stage, kind=kind, subject=n, formula=f.formula, numbers=f.numbers, number=n.delta,
                     uses=uses, known=self.known, walk_step=walk_step)

    # 4. dE/dw and dE/dθ
    def gradients(self) -> None:
        if not self.big:
            for n in self.net.order():
                if n.is_input:
                    continue
                for s in n.incoming:
                    self._weight_gradient(s)
                if n.bias is not None:
                    self._bias_gradient(n.bias)
            return
        for c, col in enumerate(self.cols):      # column by column: a matrix, a big layer's biases at once
            layer = [n for n in col if not n.is_input]
            matrices: Dict[int, List[Synapse]] = {}
            for n in layer:
                for s in n.incoming:
                    if self._in_matrix(s):
                        matrices.setdefault(self.col_of[s.src], []).append(s)
            for a in sorted(matrices):
                self._gradient_group(matrices[a])
            if c in self.big:
                biases = [n.bias for n in layer if n.bias is not None]
                if biases:
                    self._gradient_group(biases)
                continue
            for n in layer:
                for s in n.incoming:
                    if not self._in_matrix(s):
                        self._weight_gradient(s)
                if n.bias is not None:
                    self._bias_gradient(n.bias)

    def _in_matrix(self, s: Synapse) -> bool:
        """Whether the picture draws ``s`` as a cell of a matrix (into or out of a big layer)."""
        return self.col_of[s.src] in self.big or self.col_of[s.dst] in self.big

    def _weight_gradient(self, s: Synapse) -> None:
        self.known.append(s)
        self.params.append(s)
        f = formulas.gradient_of(s)
        self._checked(self.run.add(stage=4, kind="weight gradient", subject=s, formula=f.formula, numbers=f.numbers,
                                   number=s.grad, uses=[s.dst, s.src], known=self.known,
                                   walk_step=self.walk_at.get(s)), "w")

    def _bias_gradient(self, b: Bias) -> None:
        self.known.append(b)
        self.params.append(b)
        f = formulas.gradient_of(b)
        self._checked(self.run.add(stage=4, kind="bias gradient", subject=b, formula=f.formula, numbers=f.numbers,
                                   number=b.grad, uses=[b.neuron], known=self.known,
                                   walk_step=self.walk_at.get(b)), "θ")

    def _gradient_group(self, params: List[Any]) -> None:
        """The gradients of a matrix's weights (or of a big layer's biases) at once: a heat map."""
        self.known.extend(params)
        self.params.append(params)
        weights = isinstance(params[0], Synapse)
        items = []
        for p in params:
            f = formulas.gradient_of(p)
            items.append((f"dE/d{p.name}", p.grad, f"{f.formula} = {f.numbers} = {fmt(p.grad)}"))
        items.sort(key=lambda it: -abs(it[1]))
        if weights:
            srcs = _unique([s.src for s in params])
            dsts = _unique([s.dst for s in params])
            each = formulas.ForEvery(formulas.WeightGradient.GENERAL,
                                     f"weight w_jk from j of {_layer(srcs)} into k of {_layer(dsts)}", items,
                                     "the heat map")
            uses = _unique(dsts + srcs)
        else:
            neurons = [b.neuron for b in params]
            each = formulas.ForEvery(formulas.BiasGradient.GENERAL, f"bias θ_k of k in {_layer(neurons)}", items,
                                     "the strip (its δ)")
            uses = neurons
        step = self.run.add(stage=4, kind="weight gradients" if weights else "bias gradients", subject=None,
                            formula=each.formula, extra=":   " + each.examples, uses=uses, known=self.known,
                            group=params, group_numbers=[p.grad for p in params],
                            walk_group=[w for w in (self.walk_at.get(p) for p in params) if w is not None])
        self._checked_group(step, params)

    def _checked_group(self, step: NetworkStep, params: List[Any]) -> None:
        """With check=True: whether nudging each of a group's parameters finds its gradient."""
        est = [(p, self.run.checks.get(p)) for p in params]
        est = [(p, e) for p, e in est if e is not None]
        if not est:
            return
        off = [p for p, e in est if abs(e - p.grad) > CHECK_AGREES * max(abs(p.grad), abs(e)) + 1e-9]
        worst = max(abs(e - p.grad) for p, e in est)
        if off:
            verdict = f"{len(off)} of {len(est)} differ (e.g. {off[0].name}: an activation with a kink near here?)"
        else:
            verdict = f"all {len(est)} as the walk found (largest difference {fmt(worst)})"
        step.extra += f";   check by nudging each by ±h = {CHECK_H:g}: {verdict}"

    def nudged(self, start: Network) -> None:
        """Each parameter's gradient by nudging it in a copy of the network (``start``, the
        weights before the update): (E(w+h) - E(w-h)) / 2h, into ``run.checks``."""
        probe = start.copy()                    # nudged and run here: the network itself is not touched

        def error() -> float:
            return _error(probe.forward(self.inputs), self.targets, self.tmap, self.error).value

        for p, q in zip(self.net.parameters(include_fixed=True), probe.parameters(include_fixed=True)):
            self.run.checks[p] = central_difference(error, q, CHECK_H)

    def _checked(self, step: NetworkStep, symbol: str) -> None:
        """Put the gradient by nudging beside the walk's, on a gradient step (with check=True)."""
        est = self.run.checks.get(step.subject)
        if est is None:
            return
        step.check = est
        g = step.number or 0.0
        if abs(est - g) <= CHECK_AGREES * max(abs(g), abs(est)) + 1e-9:
            verdict = "as the walk found"
        else:
            verdict = f"not the walk's {fmt(g)} (an activation with a kink or a step near here?)"
        step.extra += (f";   check by nudging {step.subject.name} by ±h = {CHECK_H:g}: "
                       f"(E({symbol}+h) - E({symbol}-h)) / 2h = {fmt(est)}, {verdict}")

    # 5. the update
    def update(self) -> None:
        for p in self.params:
            if isinstance(p, list):
                self._update_group(p)
                continue
            if not self._moves(p):
                continue
            f = formulas.Update(p.name, p.value, p.grad, self.lr)
            self.run.updates.append((p, p.value, f.value))
            self.run.add(stage=5, kind="update", subject=p, formula=f.formula, numbers=f.numbers, number=f.value,
                         uses=[p], known=self.known, shown=f.shown)

    def _update_group(self, params: List[Any]) -> None:
        """A matrix's weights (or a big layer's biases) updated at once."""
        moving = [p for p in params if self._moves(p)]
        if not moving:
            return
        items, news = [], []
        for p in moving:
            f = formulas.Update(p.name, p.value, p.grad, self.lr)
            self.run.updates.append((p, p.value, f.value))
            news.append(f.value)
            items.append((p.name, f.value, f"{f.formula} = {f.numbers} = {f.shown}", abs(p.grad)))
        items.sort(key=lambda it: -it[3])                # the largest change first
        weights = isinstance(moving[0], Synapse)
        if weights:
            where = (f"weight w_jk from j of {_layer(_unique([s.src for s in moving]))} into k of "
                     f"{_layer(_unique([s.dst for s in moving]))}")
            general = formulas.Update.GENERAL
        else:
            where, general = f"bias θ_k of k in {_layer([b.neuron for b in moving])}", "θ ← θ - η dE/dθ"
        each = formulas.ForEvery(general, where, [it[:3] for it in items],
                                 "the heat map" if weights else "the tooltips of the strip")
        kept = len(params) - len(moving)
        extra = f"   ({kept} kept fixed)" if kept else ""
        self.run.add(stage=5, kind="updates", subject=None, formula=each.formula,
                     extra=":   " + each.examples + extra, uses=moving, known=self.known, group=moving,
                     group_numbers=news)

    def _moves(self, p: Any) -> bool:
        """Whether the update moves ``p``: trainable, and a weight unless every parameter moves."""
        return p.trainable and (self.updates == "all" or isinstance(p, Synapse))

    # 6. the loop closed: forward again, the new error, and repeat until the error is small
    def repeat(self, start: Network, until: float) -> None:
        after = start.copy()                    # the network with this step's new weights
        new = {id(p): v for p, _, v in self.run.updates}
        for p, q in zip(self.net.parameters(include_fixed=True), after.parameters(include_fixed=True)):
            q.value = new.get(id(p), p.value)
        outputs = after.forward(self.inputs)
        old = {n.name: n.value for n in self.net.outputs}
        changes = ", ".join("O_{}: {} → {}".format(k, *pair(old[k], o.value)) for k, o in outputs.items())
        self.run.add(stage=6, kind="new forward", subject=None, formula="forward pass with the new weights",
                     extra=f": {changes}", uses=after.outputs, net=after)
        loss = _error(outputs, self.targets, self.tmap, self.error)
        self._error_step(6, "new error", loss, after.outputs, was=self.loss.value, net=after)

        history, failure = self._train(start, until)
        E0 = self.loss.value
        rule = f"repeat steps 1 to 5 until E < {fmt(until)}"
        if failure:
            extra = f": with η = {fmt(self.lr)} train() never gets there: {failure}"
        elif history.converged and history.epochs == 0:
            extra = (f": E = {fmt(E0)} was below {fmt(until)} already, so training would have stopped "
                     "before this update")
        elif history.converged:
            extra = (f": train() gets there after {history.epochs} epochs, E = {fmt(E0)} → {fmt(history.final)} "
                     "(this update was the first)")
        else:
            extra = (f": after {history.epochs} epochs of train() E = {fmt(history.final)}, still not below "
                     f"{fmt(until)}")
        step = self.run.add(stage=6, kind="repeat", subject=None, formula=rule, extra=extra, net=start)
        step.history = history

    def _train(self, net: Network, until: float) -> Tuple[History, str]:
        """Train ``net`` on the one sample until the error is below ``until``: (History, why it failed or "")."""
        if self.error is None:
            data, loss = [(self.inputs, self.tmap)], "cross_entropy" if self.soft else "squared_error"
        else:
            error, targets = self.error, self.targets
            data = [(self.inputs, {n.name: 0.0 for n in net.outputs})]

            def loss(outs: List[Dict[str, Node]], _: Any) -> Node:
                return error(outs[0], targets)
        if self.updates == "weights":            # train with the same convention: the biases kept
            for n in net:
                if n.bias is not None:
                    n.bias.trainable = False
        failure = ""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")          # a rising error is said in the step itself
                most = max(1, min(REPEAT_MAX_EPOCHS, REPEAT_WORK // max(1, len(net.synapses))))
                history = train(net, data, loss=loss, lr=self.lr, until=until, max_epochs=most, verbose=False)
        except DivergenceError:
            history = History([self.loss.value], until=until)
            failure = "the weights grow too large for a float (a smaller η would not)"
        net.forward(self.inputs)                         # its neurons show this sample with the final weights
        return history, failure
