"""Networks built node by node: Neuron, Synapse, Bias, Network, and MLP.

A Synapse is a Node whose value is its weight, so after ``loss.backward()``
``synapse.grad`` is dE/dw.  A Bias is a Node too (the delta rule's theta: the weight
of an input fixed at 1).  A Neuron is a Node whose value, grad and delta show
its state in the latest forward pass:

* ``neuron.value`` -- its output O (None before the first forward pass),
* ``neuron.grad``  -- dE/dO,
* ``neuron.delta`` -- dE/d(net input), the delta rule's delta.

Each forward pass builds fresh nodes for the neurons' net inputs and outputs
(named ``net_<neuron>`` and ``<neuron>``), while the synapses and biases are
shared, so a loss summed over many passes (a batch) backpropagates into the
weights correctly.  A pass keeps its nodes to itself and, once it has
finished, the network publishes them in one step as its latest pass, which
the neurons read: passes from several threads never mix, and a pass that
fails leaves the latest one in place.
"""

from __future__ import annotations

import copy
import math
import numbers
import random
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..engine.activations import SOFTMAX, Activation, get_activation
from ..errors import (BadValueError, GraphError, NameNotFoundError, NotFiniteError, WrongTypeError, alike, check_names, spelled,
                     did_you_mean)
from ..engine.checks import check_value, short_repr
from .network_file import load_network, save_network
from ..engine.node import Node, net_input, reached, softmax, zero_grads

__all__ = ["Neuron", "Synapse", "Bias", "Network", "MLP"]

NeuronRef = Union["Neuron", str]


class Synapse(Node):
    """A weighted connection src -> dst.  ``value`` is the weight, ``grad`` is dE/dw."""

    __slots__ = ("src", "dst", "trainable")

    def __init__(self, src: "Neuron", dst: "Neuron", weight: float, name: Optional[str] = None,
                 trainable: bool = True) -> None:
        super().__init__(check_value(weight, f"the weight of {src.name} -> {dst.name}"),
                         name=name if name is not None else f"w_{src.name}_{dst.name}")
        self.src = src
        self.dst = dst
        self.trainable = bool(trainable)

    @property
    def weight(self) -> float:
        """The weight (the same number as ``value``)."""
        return self.value

    @weight.setter
    def weight(self, w: float) -> None:
        self.value = check_value(w, f"the weight of {self.name}")

    def __repr__(self) -> str:
        return (f"Synapse({self.src.name} -> {self.dst.name}, weight={self.value!r}, grad={self.grad!r}"
                + ("" if self.trainable else ", trainable=False") + ")")


class Bias(Node):
    """A neuron's bias theta: added to its net input (the weight of an input fixed at 1)."""

    __slots__ = ("neuron", "trainable")

    def __init__(self, neuron: "Neuron", value: float, trainable: bool = True) -> None:
        super().__init__(check_value(value, f"the bias of {neuron.name}"), name=f"θ_{neuron.name}")
        self.neuron = neuron
        self.trainable = bool(trainable)

    def __repr__(self) -> str:
        return (f"Bias({self.neuron.name}, value={self.value!r}, grad={self.grad!r}"
                + ("" if self.trainable else ", trainable=False") + ")")


class Neuron(Node):
    """A neuron: bias + weighted sum of its inputs, passed through its activation.

    A Neuron is a node whose value, grad and delta are those of its latest
    forward pass (see the module docstring): read-only, since forward() and
    backward() make them.  In arithmetic a Neuron stands for its latest
    output node, so ``net["o1"] - 0.5`` builds on what the neuron computed.
    """

    __slots__ = ("network", "activation", "bias", "incoming", "outgoing", "is_input")

    def __init__(self, network: "Network", name: str, activation: Optional[Activation],
                 is_input: bool = False) -> None:
        # Node.__init__ is not called: value and grad are read from the latest pass, not stored.
        self.network = network
        self.name = name
        self.op = ""
        self._a = self._b = self._da = self._db = self._mark = None
        self.activation = activation
        self.bias: Optional[Bias] = None
        self.incoming: List[Synapse] = []
        self.outgoing: List[Synapse] = []
        self.is_input = is_input

    def _state(self) -> Tuple[Optional[Node], Optional[Node]]:
        """(output node, net-input node) of this neuron in its network's latest finished pass."""
        latest = self.network._latest
        if latest is not None:
            pos, outs, nets, n_in = latest
            i = pos.get(self)
            if i is not None:
                return outs[i], (nets[i - n_in] if i >= n_in else None)
        return None, None

    @property
    def value(self) -> Optional[float]:  # type: ignore[override]
        """The neuron's output (state) in the latest forward pass, or None before one."""
        out = self._state()[0]
        return None if out is None else out.value

    @property
    def grad(self) -> Optional[float]:  # type: ignore[override]
        """dE/d(output) from the latest backward pass through the latest forward pass.

        None until a backward pass has reached this forward pass's output.
        """
        out = self._state()[0]
        return None if out is None or not reached(out) else out.grad

    @property
    def delta(self) -> Optional[float]:
        """dE/d(net input): the delta rule's delta (None for inputs, and until a backward pass reaches it)."""
        net = self._state()[1]
        return None if net is None or not reached(net) else net.grad

    @property
    def net_input(self) -> Optional[float]:
        """The weighted sum plus bias from the latest forward pass (None for inputs)."""
        net = self._state()[1]
        return None if net is None else net.value

    @property
    def output(self) -> Node:
        """The node that holds this neuron's output in the latest forward pass."""
        out = self._state()[0]
        if out is None:
            raise GraphError(f"neuron {self.name!r} has no value yet: run net.forward(...) first")
        return out

    @property
    def net_node(self) -> Optional[Node]:
        """The node of the net input in the latest forward pass (None for inputs)."""
        return self._state()[1]

    def _as_operand(self) -> Node:
        return self.output

    def __repr__(self) -> str:
        kind = "input" if self.is_input else (self.activation.name if self.activation else "?")
        out, net = self._state()
        state = "" if out is None else f", value={self.value!r}, grad={self.grad!r}"
        if net is not None:
            state += f", delta={self.delta!r}"
        return f"Neuron({self.name!r}, {kind}{state})"

    # -- in arithmetic, the latest output node --------------------------------

    def __add__(self, other: Union[Node, float]) -> Node:
        return self.output + other

    def __radd__(self, other: Union[Node, float]) -> Node:
        return other + self.output

    def __sub__(self, other: Union[Node, float]) -> Node:
        return self.output - other

    def __rsub__(self, other: Union[Node, float]) -> Node:
        return other - self.output

    def __mul__(self, other: Union[Node, float]) -> Node:
        return self.output * other

    def __rmul__(self, other: Union[Node, float]) -> Node:
        return other * self.output

    def __truediv__(self, other: Union[Node, float]) -> Node:
        return self.output / other

    def __rtruediv__(self, other: Union[Node, float]) -> Node:
        return other / self.output

    def __pow__(self, other: Union[Node, float]) -> Node:
        return self.output ** other

    def __rpow__(self, other: Union[Node, float]) -> Node:
        return other ** self.output

    def __neg__(self) -> Node:
        return -self.output

    def __abs__(self) -> Node:
        return abs(self.output)

    def exp(self) -> Node:
        return self.output.exp()

    def log(self) -> Node:
        return self.output.log()

    def sigmoid(self) -> Node:
        return self.output.sigmoid()

    def relu(self) -> Node:
        return self.output.relu()

    def tanh(self) -> Node:
        return self.output.tanh()

    def sign(self) -> Node:
        return self.output.sign()

    def backward(self) -> None:
        """Backpropagate from this neuron's latest output."""
        self.output.backward()

    def zero_grad(self) -> None:
        self.output.zero_grad()


class Network:
    """A feed-forward network built neuron by neuron.

    Threads: several threads may call ``forward()`` on one network at once, and
    each gets the right outputs of its own inputs (a pass keeps its state to
    itself until it has finished).  The neurons show the latest finished pass,
    whichever thread ran it, so in threads read a pass's numbers from the nodes
    its ``forward()`` returned.  Training is another matter: backward passes and
    optimizer steps change the shared weights' grads and values, so give each
    thread that trains its own ``net.copy()``.  Build the network before sharing it.

    >>> net = Network("tiny")
    >>> x = net.input("x")
    >>> y = net.neuron("y", activation="sigmoid", bias=0.0)
    >>> s = net.connect(x, y, weight=2.0)
    >>> round(net.forward({"x": 0.0})["y"].value, 3)
    0.5
    """

    def __init__(self, name: str = "network", seed: Optional[int] = None) -> None:
        if not isinstance(name, str):
            raise WrongTypeError(f"a network's name must be a string, got {type(name).__name__} {name!r}")
        self.name = name
        self.neurons: Dict[str, Neuron] = {}
        self.synapses: List[Synapse] = []
        self._params: List[Node] = []
        self._order: Optional[List[Neuron]] = None
        self._plan: Optional[tuple] = None      # forward()'s plan, see _make_plan
        self._latest: Optional[tuple] = None    # the latest finished pass, read by the neurons (Neuron._state)
        self.rng = random.Random(seed)
        # how the inputs of a network trained on a table are standardised (tinygraph.data.tables.Scaling), else
        # None: kept by copy() and save(), applied by predict, export and explain to the data's own units
        self.scaling: Optional[Any] = None

    def _changed(self) -> None:
        """The network's shape changed: forget the cached order and forward()'s plan."""
        self._order = None
        self._plan = None

    # -- building ------------------------------------------------------------

    def _check_new_name(self, name: object) -> str:
        if not isinstance(name, str):
            raise WrongTypeError(f"a neuron's name must be a non-empty string, got {type(name).__name__} "
                                 f"{short_repr(name)}")
        if not name:
            raise BadValueError(f"a neuron's name must be a non-empty string, got {name!r}: give it a name "
                                "to show in pictures and to use in forward({...}), e.g. 'h1'")
        if name in self.neurons:
            raise GraphError(f"network {self.name!r} already has a neuron named {name!r}; names must be unique")
        same = set() if name.isascii() else alike([n for n in self.neurons if not n.isascii()] + [name])
        if name in same:
            other = next(n for n in self.neurons if n in same)
            raise GraphError(f"network {self.name!r} already has a neuron {spelled(other, same)} that looks "
                             f"the same as {spelled(name, same)}: names that differ only in their Unicode code "
                             "points could not be told apart in pictures and messages; give another name")
        return name

    def input(self, name: str) -> Neuron:
        """Add an input neuron; its value is given to each forward pass."""
        n = Neuron(self, self._check_new_name(name), None, is_input=True)
        self.neurons[name] = n
        self._changed()
        return n

    def neuron(self, name: str, activation: Union[str, Activation] = "sigmoid",
               bias: Optional[float] = 0.0, train_bias: bool = True) -> Neuron:
        """Add a neuron computing activation(sum_i w_i x_i + bias).

        ``bias=None`` gives a neuron without a bias; ``train_bias=False`` keeps it fixed.
        """
        self._check_new_name(name)
        n = Neuron(self, name, get_activation(activation))
        if bias is not None:
            n.bias = Bias(n, bias, trainable=train_bias)
            self._params.append(n.bias)
        self.neurons[name] = n
        self._changed()
        return n

    def connect(self, src: NeuronRef, dst: NeuronRef, weight: Optional[float] = None,
                name: Optional[str] = None, trainable: bool = True) -> Synapse:
        """Add a synapse src -> dst with the given weight (random in [-1, 1] if None)."""
        s, d = self[src], self[dst]
        if d.is_input:
            raise GraphError(f"cannot connect into {d.name!r}: it is an input, whose value is given to "
                             "forward(); connect into a neuron made with net.neuron(...)")
        if s is d:
            raise GraphError(f"cannot connect {s.name!r} to itself: that would be a cycle")
        for syn in d.incoming:
            if syn.src is s:
                raise GraphError(f"{s.name!r} is already connected to {d.name!r} (weight {syn.value!r}); "
                                 "change that synapse's .value instead")
        path = self._path(d, s)
        if path is not None:
            loop = " -> ".join(n.name for n in [s] + path)
            raise GraphError(f"connecting {s.name!r} -> {d.name!r} would close a cycle ({loop}); "
                             "tinygraph networks are feed-forward (acyclic)")
        if weight is None:
            weight = self.rng.uniform(-1.0, 1.0)
        syn = Synapse(s, d, weight, name=name, trainable=trainable)
        s.outgoing.append(syn)
        d.incoming.append(syn)
        self.synapses.append(syn)
        self._params.append(syn)
        self._changed()
        return syn

    @staticmethod
    def _path(start: Neuron, goal: Neuron) -> Optional[List[Neuron]]:
        """A path start -> ... -> goal along synapses, or None (iterative DFS)."""
        came_from = {start: None}
        stack = [start]
        while stack:
            n = stack.pop()
            if n is goal:
                path = []
                while n is not None:
                    path.append(n)
                    n = came_from[n]
                return path[::-1]
            for syn in n.outgoing:
                if syn.dst not in came_from:
                    came_from[syn.dst] = n
                    stack.append(syn.dst)
        return None

    # -- looking up ---------------------------------------------------------

    def __getitem__(self, ref: NeuronRef) -> Neuron:
        if isinstance(ref, Neuron):
            if ref.network is not self:
                other = (f"another network (also named {self.name!r})" if ref.network.name == self.name
                         else f"network {ref.network.name!r}, not {self.name!r}")
                raise GraphError(f"neuron {ref.name!r} belongs to {other}; use neurons of this network "
                                 f"(a synapse joins two neurons of the same network)")
            return ref
        if not isinstance(ref, str):
            raise WrongTypeError(f"name a neuron by its Neuron or its name, got {type(ref).__name__} {ref!r}")
        try:
            return self.neurons[ref]
        except KeyError:
            hint = did_you_mean(ref, self.neurons)
            raise NameNotFoundError(f"network {self.name!r} has no neuron named {ref!r}.{hint} "
                           f"Neurons: {', '.join(self.neurons) or '(none yet)'}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.neurons

    def __len__(self) -> int:
        return len(self.neurons)

    def __iter__(self):
        return iter(self.neurons.values())

    def synapse(self, src: NeuronRef, dst: NeuronRef) -> Synapse:
        """The synapse src -> dst."""
        s, d = self[src], self[dst]
        for syn in d.incoming:
            if syn.src is s:
                return syn
        raise NameNotFoundError(f"there is no synapse {s.name!r} -> {d.name!r}")

    @property
    def inputs(self) -> List[Neuron]:
        """Input neurons, in build order."""
        return [n for n in self.neurons.values() if n.is_input]

    @property
    def outputs(self) -> List[Neuron]:
        """Neurons that feed no other neuron (and are not inputs), in build order."""
        return [n for n in self.neurons.values() if not n.is_input and not n.outgoing]

    @property
    def hidden(self) -> List[Neuron]:
        """Neurons that are neither inputs nor outputs, in build order."""
        return [n for n in self.neurons.values() if not n.is_input and n.outgoing]

    def softmax_layer(self) -> List[Neuron]:
        """The output neurons built with activation "softmax", in build order ([] if none).

        The network applies one softmax to their net inputs together, so their outputs are
        probabilities that add up to 1.  It must be the whole output layer: every output
        softmax, at least two of them, and none feeding another neuron; else GraphError says why.
        """
        soft = [n for n in self.neurons.values() if n.activation is SOFTMAX]
        if not soft:
            return soft
        fed = [n.name for n in soft if n.outgoing]
        if fed:
            raise GraphError(f"neuron {fed[0]!r} has activation 'softmax' but feeds other neurons: a softmax is an "
                             "output layer (the class probabilities); give hidden neurons another activation")
        others = [n.name for n in self.outputs if n.activation is not SOFTMAX]
        if others:
            raise GraphError(f"only some outputs of {self.name!r} have activation 'softmax' "
                             f"({', '.join(n.name for n in soft)}; not {', '.join(others)}): the softmax spreads "
                             "probability over the whole output layer, so give every output activation "
                             "'softmax', or none")
        if len(soft) < 2:
            raise GraphError(f"{soft[0].name!r} is the only softmax output of {self.name!r}: a softmax over one "
                             "neuron is always 1.0. Give each class its own softmax output (two or more), or use "
                             "one sigmoid output for two classes")
        return soft

    def parameters(self, include_fixed: bool = False) -> List[Node]:
        """Synapses and biases in build order; fixed ones only with ``include_fixed=True``."""
        if include_fixed:
            return list(self._params)
        return [p for p in self._params if p.trainable]

    def order(self) -> List[Neuron]:
        """Every neuron in an order where each comes after the neurons feeding it (build order on ties)."""
        if self._order is None:
            pending = {n: len(n.incoming) for n in self.neurons.values()}
            index = {n: i for i, n in enumerate(self.neurons.values())}
            ready = [n for n, k in pending.items() if k == 0]
            order = []
            while ready:
                ready.sort(key=index.__getitem__, reverse=True)
                n = ready.pop()
                order.append(n)
                for syn in n.outgoing:
                    pending[syn.dst] -= 1
                    if pending[syn.dst] == 0:
                        ready.append(syn.dst)
            self._order = order
        return self._order

    def layers(self) -> List[List[Neuron]]:
        """Neurons grouped by depth: inputs first, then by longest path from an input."""
        depth: Dict[Neuron, int] = {}
        for n in self.order():
            depth[n] = 0 if not n.incoming else 1 + max(depth[s.src] for s in n.incoming)
        if not depth:
            return []
        cols: List[List[Neuron]] = [[] for _ in range(max(depth.values()) + 1)]
        for n in self.neurons.values():
            cols[depth[n]].append(n)
        return cols

    # -- running --------------------------------------------------------------

    def _make_plan(self) -> tuple:
        """What forward() needs, computed once per shape of the network (building clears it).

        (inputs, their names as a tuple and as a set, the other neurons in order with
        the positions of their sources and the names of their nodes, the outputs' names
        and positions, each neuron's position): a pass keeps its nodes in its own list,
        by position, and publishes that list when it has finished (see forward).
        """
        order = self.order()
        ins = [n for n in order if n.is_input]
        pos = {n: i for i, n in enumerate(ins)}
        steps = []
        soft = self.softmax_layer()                 # computed last, together: nothing is fed by them
        for n in order:
            if not n.is_input and n not in soft:
                pos[n] = len(pos)
                steps.append((n, n.incoming, [pos[syn.src] for syn in n.incoming], "net_" + n.name, n.name))
        last = []
        for n in soft:
            pos[n] = len(pos)
            last.append((n, n.incoming, [pos[syn.src] for syn in n.incoming], "net_" + n.name, n.name))
        outs = [(n.name, pos[n]) for n in self.neurons.values() if not n.is_input and not n.outgoing]
        names = tuple(n.name for n in ins)
        plan = (ins, names, frozenset(names), steps, outs, pos, last)
        self._plan = plan
        return plan

    def _not_an_input(self, name: object) -> str:
        return " (a neuron, not an input)" if isinstance(name, str) and name in self.neurons else ""

    def forward(self, inputs: Union[Mapping[str, Union[Node, float]], Sequence[Union[Node, float]]]
                ) -> Dict[str, Node]:
        """Run the network on one sample and return {output name: output Node}.

        ``inputs`` maps each input's name to a number or a Node (a sequence in
        the order of ``net.inputs`` works too).  Each call builds new nodes, so
        several calls can be combined into one loss.  A pass computes in its own
        nodes and, once it has finished, makes them the neurons' latest state
        (``neuron.value``, ...) all at once: passes from several threads each get
        their own right outputs, and a failed pass leaves the neurons as they were.
        """
        plan = self._plan
        if plan is None:
            plan = self._make_plan()
        ins, names, name_set, steps, outs, pos, last = plan
        if isinstance(inputs, Mapping):
            if inputs.keys() != name_set:
                check_names(inputs, names, "inputs", f"forward() of {self.name!r}", note=self._not_an_input)
            values = [inputs[k] for k in names]
        elif isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
            raise WrongTypeError(f"forward() of {self.name!r} takes a dict {{input name: value}} or a list of "
                                 f"values in the order {', '.join(names)}; got {type(inputs).__name__} "
                                 f"{short_repr(inputs)}")
        else:
            if len(inputs) != len(ins):
                raise BadValueError(f"forward() of {self.name!r} got {len(inputs)} values for "
                                    f"{len(ins)} inputs ({', '.join(names) or 'none'})")
            values = inputs
        if not outs:
            raise GraphError(f"network {self.name!r} has no output neuron yet: add one with net.neuron(...) "
                             "and connect into it")
        state: List[Node] = []          # this pass's output node per neuron, by position in the plan
        nets: List[Node] = []           # this pass's net-input node per computed neuron
        keep, keep_net = state.append, nets.append
        try:
            for n, v in zip(ins, values):
                keep(v._as_operand() if isinstance(v, Node) else
                     Node(check_value(v, f"input {n.name!r}"), name=n.name))
            for n, incoming, srcs, net_name, name in steps:
                if not incoming:
                    raise GraphError(f"neuron {n.name!r} has no incoming synapse, so it computes nothing; "
                                     f"connect something into it with net.connect(src, {n.name!r}, weight=...)")
                # net input: w1 x1 + w2 x2 + ... + theta, the synapse first so its slope reads dnet/dw = x
                acc = net_input(incoming, [state[i] for i in srcs], n.bias)
                out = n.activation(acc)
                if out is acc:                      # linear: the net input is the output
                    acc.name = name
                else:
                    acc.name = net_name
                    out.name = name
                keep_net(acc)
                keep(out)
            if last:                                # a softmax output layer: one softmax over its net inputs
                layer = []
                for n, incoming, srcs, net_name, name in last:
                    if not incoming:
                        raise GraphError(f"neuron {n.name!r} has no incoming synapse, so it computes nothing; "
                                         f"connect something into it with net.connect(src, {n.name!r}, weight=...)")
                    acc = net_input(incoming, [state[i] for i in srcs], n.bias)
                    acc.name = net_name
                    keep_net(acc)
                    layer.append(acc)
                for out, (n, _, _, _, name) in zip(softmax(layer), last):
                    out.name = name
                    keep(out)
        except (TypeError, ValueError, ArithmeticError):
            # a weight, bias or input Node whose .value was set by hand to something that is not a
            # finite float makes the pass fail somewhere inside: name that value instead
            bad = self._bad_value(state[:len(ins)])
            if bad is not None:
                raise bad from None
            raise
        # Publish the pass in one assignment: the neurons show this whole pass (or, while another
        # thread publishes its own, that whole pass), never a mix of two.
        self._latest = (pos, state, nets, len(ins))
        return {name: state[i] for name, i in outs}

    def _bad_value(self, inputs: Sequence[Node]) -> Optional[Exception]:
        """After forward failed: the error naming a weight, bias or input whose .value is not a finite number."""
        for p in list(self._params) + list(inputs):
            v = p.value
            kind = "weights" if isinstance(p, Synapse) else "biases" if isinstance(p, Bias) else "inputs"
            example = {"weights": "syn.value = 1.0", "biases": "neuron.bias.value = 0.0",
                       "inputs": "Node(1.0)"}[kind]
            if not isinstance(v, numbers.Real):
                return WrongTypeError(f"{p.name or 'an input node'}.value is the {type(v).__name__} {short_repr(v)}: "
                                      f"set {kind} to numbers, e.g. {example}")
            try:
                finite = math.isfinite(v)
            except OverflowError:                   # an int too large for a float
                finite = False
            if not finite:
                shown = (f"an integer of {len(str(abs(v)))} digits, too large for a float"
                         if isinstance(v, numbers.Integral) else short_repr(v))
                return NotFiniteError(f"{p.name or 'an input node'}.value is {shown}: was it set by hand? "
                                      f"{kind.capitalize()} must be finite numbers, e.g. {example}")
        return None

    def __call__(self, inputs):
        """Same as forward(); with a single output, its Node alone."""
        out = self.forward(inputs)
        return next(iter(out.values())) if len(out) == 1 else out

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (a step-through paused over them is refused on resume)."""
        zero_grads(self._params, "net.zero_grad() set the weights' gradients back to 0")

    def copy(self) -> "Network":
        """An independent copy: same neurons, activations, weights, biases, grads, parameter order and
        input scaling (``scaling``).

        The copy has no forward pass yet; changing one network's weights leaves the other alone.
        """
        new = Network(self.name)
        new.rng.setstate(self.rng.getstate())
        new.scaling = copy.deepcopy(self.scaling)
        same = {}                                      # id(old parameter) -> new parameter
        for n in self.neurons.values():
            if n.is_input:
                new.input(n.name)
                continue
            m = new.neuron(n.name, activation=n.activation, bias=None)
            if n.bias is not None:
                m.bias = Bias(m, n.bias.value, trainable=n.bias.trainable)
                m.bias.grad = n.bias.grad
                same[id(n.bias)] = m.bias
        for syn in self.synapses:
            c = new.connect(syn.src.name, syn.dst.name, weight=syn.value, name=syn.name,
                            trainable=syn.trainable)
            c.grad = syn.grad
            same[id(syn)] = c
        new._params = [same[id(p)] for p in self._params]
        return new

    def __deepcopy__(self, memo: dict) -> "Network":
        new = self.copy()
        memo[id(self)] = new
        return new

    def save(self, path: str) -> None:
        """Save structure, activations, weights and biases as JSON (exact round trip; see tinygraph.networks.network_file)."""
        save_network(self, path)

    @classmethod
    def load(cls, path: str) -> "Network":
        """Load a Network saved with ``net.save(path)``; a bad file raises NetworkFileError."""
        return load_network(path, cls)

    def __repr__(self) -> str:
        def count(k: int, noun: str) -> str:
            return f"{k} {noun}" if k == 1 else f"{k} {noun}s"
        return (f"Network({self.name!r}: {count(len(self.inputs), 'input')}, {len(self.hidden)} hidden, "
                f"{count(len(self.outputs), 'output')}, {count(len(self.synapses), 'synapse')})")



def MLP(sizes: Sequence[int], activation: Union[str, Activation] = "sigmoid",
        output_activation: Union[str, Activation, None] = None, seed: Optional[int] = 0,
        name: str = "mlp") -> Network:
    """A layered, fully connected Network: ``MLP([2, 3, 1])`` has 2 inputs, 3 hidden, 1 output.

    Inputs are named x1.., hidden neurons h1.. (h<layer>_<i> with several hidden
    layers), outputs o1..  Weights start uniform in +-sqrt(3 / fan_in) (unit
    variance of the net input for unit inputs) from ``seed``; biases start at 0.
    ``output_activation`` defaults to ``activation``; "softmax" makes the outputs one
    softmax layer (class probabilities, for ``loss="cross_entropy"``).
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise WrongTypeError(f"MLP takes a list of layer sizes, e.g. MLP([2, 2, 1]) for 2 inputs, 2 hidden "
                        f"neurons and 1 output; got {type(sizes).__name__} {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0 for k in sizes):
        raise BadValueError(f"MLP needs at least two layer sizes, each a positive int, e.g. [2, 2, 1]; got {sizes!r}")
    act = get_activation(activation)
    out_act = act if output_activation is None else get_activation(output_activation)
    net = Network(name, seed=seed)
    layers: List[List[Neuron]] = [[net.input(f"x{i + 1}") for i in range(sizes[0])]]
    hidden_layers = len(sizes) - 2
    for l, size in enumerate(sizes[1:], start=1):
        last = l == len(sizes) - 1
        layer = []
        for i in range(size):
            if last:
                nm = f"o{i + 1}"
            elif hidden_layers == 1:
                nm = f"h{i + 1}"
            else:
                nm = f"h{l}_{i + 1}"
            layer.append(net.neuron(nm, activation=out_act if last else act, bias=0.0))
        bound = math.sqrt(3.0 / len(layers[-1]))
        for dst in layer:
            for src in layers[-1]:
                net.connect(src, dst, weight=net.rng.uniform(-bound, bound))
        layers.append(layer)
    return net
