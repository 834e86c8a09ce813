"""One learner's playground: a network, its sample, and every number the page shows, computed here.

A :class:`Session` holds a copy of the network, the sample (inputs and targets),
the learning rate and whether backward has been asked for.  Each change the
page asks for is checked first (a number, finite, not huge; a name that
exists), applied, and the view recomputed by the engine; if anything fails
the session is put back exactly as it was and the learner gets the message.
The page's JavaScript only displays what :meth:`Session.view` returns.
"""

from __future__ import annotations

import json
import random
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ..engine.activations import activation_names, get_activation
from ..draw import draw_network, neuron_id, synapse_id
from ..draw.network import Sizes
from ..stepping.page import html_page
from ..draw.svg import inline_svg
from ..draw.training_page import RecordedRun, error_curve, fit_picture
from ..errors import did_you_mean
from ..explanation import explain
from ..formatting import fmt
from ..learning.losses import squared_error
from ..stepping.narrative import network_steps
from ..networks.network import Network, Neuron
from ..engine.node import Node
from ..networks.saving import network_from_dict, network_to_dict
from ..learning.training import SGD, train
from .errors import PlayError
from .lab import GENERATED, Lab
from .numbers import BIGGEST, number
from .structure import (NotLayered, layers_of, plan_add_layer, plan_add_neuron, plan_remove_layer, plan_remove_neuron,
                        rebuild)

__all__ = ["Session", "Sessions", "Start", "PlayError", "BIGGEST", "MAX_EPOCHS"]

#: one "train" asks for at most this many epochs, so one request cannot hold the server for long
MAX_EPOCHS = 5000
#: training: at most this much work per request, counted as samples x (epochs + 2) x (parameters + neurons)
#: (the + 2: the error measured before and after, and the pictures); about 3 s on a slow, busy machine
MAX_WORK = 600_000
#: each session draws the weights of new synapses (a structure change) from random.Random(NEW_WEIGHT_SEED)
NEW_WEIGHT_SEED = 0


class Start:
    """What every new session starts from: the network (as a dict), the sample, η and the data."""

    def __init__(self, net: Network, inputs: Optional[Mapping[str, float]] = None,
                 targets: Optional[Mapping[str, float]] = None, lr: float = 0.5,
                 data: Optional[Sequence[Tuple[Mapping[str, float], Mapping[str, float]]]] = None,
                 title: Optional[str] = None, dataset: Optional[str] = None) -> None:
        if not isinstance(net, Network):
            raise PlayError(f"play takes a tinygraph Network, got {type(net).__name__}: build one with "
                            "tg.Network(...) or tg.MLP([2, 2, 1]), or load one with tg.Network.load('net.json')")
        if not net.inputs or not net.outputs:
            raise PlayError(f"network {net.name!r} needs at least one input and one output neuron to play with")
        self.doc = network_to_dict(net)
        self.scaling = getattr(net, "scaling", None)
        ins = [n.name for n in net.inputs]
        outs = [n.name for n in net.outputs]
        self.inputs = {k: float(v) for k, v in _named(inputs, ins, 0.5, "inputs").items()}
        self.targets = {k: float(v) for k, v in _named(targets, outs, 0.0, "targets").items()}
        self.lr = float(lr)
        self.data = [(dict(x), dict(t)) for x, t in data] if data else None
        self.title = title or net.name
        #: the playground's data set at the start ("moons", ...; "csv" for ``data`` with 2 inputs, 1 output)
        self.dataset = dataset
        if dataset is None and self.data and len(ins) == 2 and len(outs) == 1:
            self.dataset = "csv"
        elif dataset is not None:
            if dataset not in GENERATED:
                raise PlayError(f"dataset: choose one of {', '.join(GENERATED)}, got {str(dataset)[:40]!r}")
            if len(ins) != 2 or len(outs) != 1:
                raise PlayError(f"dataset {dataset!r} has points in the plane: it needs a network with 2 inputs "
                                f"and 1 output, such as tg.MLP([2, 8, 8, 1]); {net.name} has {len(ins)} and {len(outs)}")

    def lab(self) -> Lab:
        """A new Lab for a session: the CSV's points when the playground plays on one, else made ones."""
        csv = None
        if self.dataset == "csv" and self.data:
            ins = list(self.data[0][0])
            out = next(iter(self.data[0][1]))
            csv = [([x[ins[0]], x[ins[1]]], t[out]) for x, t in self.data]
        lab = Lab(csv, csv_name=self.title)
        if self.dataset is not None:
            lab.pick(self.dataset)
        return lab

    def network(self) -> Network:
        net = network_from_dict(self.doc)
        if self.scaling is not None:
            net.scaling = self.scaling
        return net


def _named(given: Any, names: List[str], default: float, what: str) -> Dict[str, float]:
    if given is None:
        return {n: default for n in names}
    if isinstance(given, Mapping):
        missing = [n for n in names if n not in given]
        extra = [k for k in given if k not in names]
        if missing or extra:
            raise PlayError(f"the {what} must name exactly {', '.join(names)}; "
                            + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(map(str, extra))}"))
        return {n: given[n] for n in names}
    values = list(given)
    if len(values) != len(names):
        raise PlayError(f"{len(names)} {what} are needed ({', '.join(names)}), got {len(values)}")
    return dict(zip(names, values))


def _exact(x: Optional[float]) -> Optional[str]:
    return None if x is None else repr(float(x))


class Session:
    """One browser tab's network, sample and settings.  Use it under its ``lock``."""

    def __init__(self, start: Start) -> None:
        self.start = start
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.net = self.start.network()
        self.inputs = dict(self.start.inputs)
        self.targets = dict(self.start.targets)
        self.lr = self.start.lr
        self.show_grads = False
        self.curve: Optional[str] = None
        self.curve_mark: Optional[List[float]] = None
        self.fit: Optional[str] = None
        self.epochs = 0
        self.note = ""
        self.rng = random.Random(NEW_WEIGHT_SEED)
        self.lab = self.start.lab()
        self.engine = ""
        self._sizes: Optional[Tuple[Any, Sizes]] = None
        self._picture = True
        if self.lab.points and self.lab.fits(self.net):
            self._sample_from_lab()

    # -- changes, each all-or-nothing ------------------------------------------------------------
    def _backup(self) -> Tuple[Any, ...]:
        lab = self.lab
        return (network_to_dict(self.net), dict(self.inputs), dict(self.targets), self.lr, self.show_grads,
                self.curve, self.fit, self.epochs, self.curve_mark,
                (dict(lab.__dict__), list(lab.train_curve), list(lab.test_curve)), self.rng.getstate())

    def _restore(self, b: Tuple[Any, ...]) -> None:
        scaling = getattr(self.net, "scaling", None)
        self.net = network_from_dict(b[0])
        if scaling is not None:
            self.net.scaling = scaling
        (self.inputs, self.targets, self.lr, self.show_grads, self.curve, self.fit, self.epochs,
         self.curve_mark) = b[1:-2]
        self.lab.__dict__.update(b[-2][0])
        self.lab.train_curve, self.lab.test_curve = b[-2][1], b[-2][2]
        self.rng.setstate(b[-1])

    def apply(self, action: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        """Do ``action`` with the request ``body`` and return the new view; on any error the session is
        unchanged and the error propagates (a TinygraphError's message is meant for the learner)."""
        do = ACTIONS.get(action)
        if do is None:
            raise PlayError(f"unknown action {action!r}; the page knows: {', '.join(sorted(ACTIONS))}")
        backup = self._backup()
        self.note = ""
        self._picture = body.get("picture", True) is not False
        try:
            do(self, body)
            return self.view()
        except BaseException:
            self._restore(backup)
            raise

    def _neuron(self, name: Any) -> Neuron:
        if not isinstance(name, str) or name not in self.net:
            hint = did_you_mean(name, [n.name for n in self.net], sentence=True) if isinstance(name, str) else ""
            raise PlayError(f"there is no neuron named {str(name)[:60]!r} in {self.net.name}.{hint}")
        return self.net[name]

    def set_value(self, body: Mapping[str, Any]) -> None:
        kind = body.get("kind")
        if kind == "input":
            n = self._neuron(body.get("name"))
            if n.name not in self.inputs:
                raise PlayError(f"{n.name} is not an input; inputs: {', '.join(self.inputs)}")
            self.inputs[n.name] = number(body.get("value"), f"input {n.name}")
        elif kind == "target":
            n = self._neuron(body.get("name"))
            if n.name not in self.targets:
                raise PlayError(f"{n.name} is not an output, so it has no target; outputs: {', '.join(self.targets)}")
            self.targets[n.name] = number(body.get("value"), f"target of {n.name}")
        elif kind == "bias":
            n = self._neuron(body.get("name"))
            if n.bias is None:
                raise PlayError(f"{n.name} has no bias (inputs have none)")
            n.bias.value = number(body.get("value"), f"bias θ of {n.name}")
        elif kind == "weight":
            src, dst = self._neuron(body.get("src")), self._neuron(body.get("dst"))
            try:
                s = self.net.synapse(src, dst)
            except (KeyError, ValueError):
                raise PlayError(f"there is no synapse from {src.name} to {dst.name}") from None
            s.value = number(body.get("value"), f"weight {src.name} → {dst.name}")
        elif kind == "lr":
            lr = number(body.get("value"), "learning rate η")
            if not lr > 0:
                raise PlayError("learning rate η: it must be above 0, e.g. 0.5")
            self.lr = lr
        else:
            raise PlayError("say what to change: an input, a target, a weight, a bias or the learning rate η")

    def backward(self, body: Mapping[str, Any]) -> None:
        self.show_grads = bool(body.get("show", True))

    def sgd_step(self, body: Mapping[str, Any]) -> None:
        before = self._loss(backward=True)
        SGD(self.net.parameters(), lr=self.lr).step()
        after = self._loss(backward=False).value
        self.epochs += 1
        self.note = f"one SGD step with η = {fmt(self.lr)}: E went from {fmt(before.value)} to {fmt(after)}"

    def do_reset(self, body: Mapping[str, Any]) -> None:
        self.reset()
        self.note = "back to the start: the network, the sample and η as they were"

    def train(self, body: Mapping[str, Any]) -> None:
        raw = body.get("epochs")
        epochs = number(raw, "epochs")
        if epochs != int(epochs) or not 1 <= epochs <= MAX_EPOCHS:
            raise PlayError(f"epochs: a whole number from 1 to {MAX_EPOCHS}, got {raw!r}")
        epochs = int(epochs)
        data = self.start.data or [(dict(self.inputs), dict(self.targets))]
        size = len(self.net.parameters()) + len(self.net.neurons)
        if len(data) * (epochs + 2) * size > MAX_WORK:
            most = MAX_WORK // (len(data) * size) - 2
            if most < 1:
                raise PlayError(f"{len(data)} samples are too many to train on here with a network of this size "
                                f"(each request must answer in a few seconds): train with 'tinygraph train' "
                                f"instead, or play with fewer rows")
            raise PlayError(f"{epochs} epochs over {len(data)} samples would hold the server too long; "
                            f"train at most {most} epochs at a time")
        record = max(1, epochs // 40)
        history = train(self.net, data, lr=self.lr, max_epochs=epochs, record=record, verbose=False)
        final = [p.value for p in self.net.parameters()]
        run = RecordedRun(history, self.net)
        try:
            run.evaluate()                          # puts the weights back itself
            self.curve, marks = error_curve(run)
            self.curve_mark = marks[-1] if marks else None     # the page puts the marker at the last epoch
            run.fits = run.fits[-1:]                # the function learned at the last epoch
            fit, _, _ = fit_picture(run)
            self.fit = fit or None
        finally:
            for p, v in zip(self.net.parameters(), final):
                p.value = v
        self.epochs += history.epochs
        self.note = (f"trained {history.epochs} epochs with η = {fmt(self.lr)} on {len(data)} "
                     f"sample{'s' if len(data) != 1 else ''}: E "
                     f"{'summed over the ' + str(len(data)) + ' samples ' if len(data) != 1 else 'of the one sample '}"
                     f"from {fmt(history[0])} to {fmt(history.final)}")

    # -- the data set and continuous training (TensorFlow Playground's controls) ---------------------
    def _sample_from_lab(self) -> None:
        """The sample shown (and stepped through) becomes the first training point."""
        train = self.lab.samples(self.net, True)
        if train:
            self.inputs, self.targets = dict(train[0][0]), dict(train[0][1])

    def pick_data(self, body: Mapping[str, Any]) -> None:
        name = body.get("name")
        if not self.lab.fits(self.net):
            # the data have two inputs and one output: a network of the same hidden layers that fits them
            try:
                hidden = [len(l) for l in layers_of(self.net)[1:-1]]
            except NotLayered:
                hidden = []
            from ..data.tables import layered_network
            self.net = layered_network(["x1", "x2"], hidden or [4], "tanh", "y", "sigmoid", NEW_WEIGHT_SEED)
            self.note = (f"a network 2-{'-'.join(map(str, hidden or [4]))}-1 (tanh, sigmoid output) "
                         "to fit the data's two inputs x1, x2 and one output y; ")
        self.lab.pick(name, body.get("noise"), body.get("ratio"), body.get("n"), body.get("seed"))
        if "batch" in body:
            self.lab.set_batch(body.get("batch"))
        self._sample_from_lab()
        self.fit = self.curve = None
        self.note += (f"data set {self.lab.name}: {sum(self.lab.is_train)} training and "
                      f"{len(self.lab.is_train) - sum(self.lab.is_train)} test points")

    def pick_sample(self, body: Mapping[str, Any]) -> None:
        """The point nearest to (x, y) on the input plane becomes the sample shown and stepped through."""
        if not self.lab.points or not self.lab.fits(self.net):
            raise PlayError("pick a data set first: then click a point on the input plane")
        x, y = number(body.get("x"), "x"), number(body.get("y"), "y")
        k = min(range(len(self.lab.points)),
                key=lambda i: (self.lab.points[i][0] - x) ** 2 + (self.lab.points[i][1] - y) ** 2)
        ins = [n.name for n in self.net.inputs]
        out = self.net.outputs[0].name
        self.inputs = {ins[0]: self.lab.points[k][0], ins[1]: self.lab.points[k][1]}
        self.targets = {out: self.lab.labels[k]}
        self.lab.chosen = k
        self.note = (f"the sample shown is point {k + 1} ({'training' if self.lab.is_train[k] else 'test'}), "
                     f"target {fmt(self.lab.labels[k])}: Backward and Step through backprop use it")

    def play(self, body: Mapping[str, Any]) -> None:
        if not self.lab.points:
            raise PlayError("pick a data set first (moons, circle, spiral, xor)")
        if not self.lab.fits(self.net):
            raise PlayError("the data have two inputs and one output; pick the data set again to get a "
                            "network that fits them")
        raw = body.get("epochs", 1)
        epochs = number(raw, "epochs")
        if epochs != int(epochs) or not 1 <= epochs <= MAX_EPOCHS:
            raise PlayError(f"epochs: a whole number from 1 to {MAX_EPOCHS}, got {raw!r}")
        if "batch" in body:
            self.lab.set_batch(body.get("batch"))
        self.engine = self.lab.play(self.net, self.lr, int(epochs), fast=body.get("fast", True) is not False)
        self.epochs += int(epochs)

    def layer_activation(self, body: Mapping[str, Any]) -> None:
        layer = self._layer_number(body, "layer", "layer")
        try:
            layers = layers_of(self.net)
        except NotLayered as e:
            raise PlayError(f"the layers cannot be changed: {e}") from None
        if not 1 <= layer < len(layers):
            raise PlayError(f"layer: from 1 (the first hidden layer) to {len(layers) - 1} (the outputs)")
        name = body.get("activation")
        if not isinstance(name, str) or name not in activation_names():
            raise PlayError(f"activation: choose one of {', '.join(activation_names())}")
        for n in layers[layer]:
            self.net[n].activation = get_activation(name)
        self.net._changed()
        self.note = f"layer {layer} now uses {name}"

    def set_activation(self, body: Mapping[str, Any]) -> None:
        n = self._neuron(body.get("name"))
        if n.is_input:
            raise PlayError(f"{n.name} is an input: it has no activation")
        name = body.get("activation")
        if not isinstance(name, str) or name not in activation_names():
            raise PlayError(f"activation: choose one of {', '.join(activation_names())}")
        n.activation = get_activation(name)
        self.net._changed()

    def _layer_number(self, body: Mapping[str, Any], key: str, what: str) -> int:
        raw = body.get(key)
        x = number(raw, what)
        if x != int(x):
            raise PlayError(f"{what}: a whole number, got {raw!r}")
        return int(x)

    def _reshape(self, layers: List[List[str]], new: Mapping[str, Any], note: str) -> None:
        self.net = rebuild(self.net, layers, dict(new), self.rng)
        self.fit = None                      # the learned function was the old network's
        self.note = note

    def add_neuron(self, body: Mapping[str, Any]) -> None:
        layer = self._layer_number(body, "layer", "layer")
        layers, new = plan_add_neuron(self.net, layer)
        name = next(iter(new))
        self._reshape(layers, new, f"added {name} to layer {layer}: its weights start uniform in "
                                   f"±√(3/fan_in), its bias at 0")

    def remove_neuron(self, body: Mapping[str, Any]) -> None:
        layer = self._layer_number(body, "layer", "layer")
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise PlayError("name: the neuron to remove, e.g. 'h2'")
        layers, gone = plan_remove_neuron(self.net, layer, name)
        self._reshape(layers, {}, f"removed {gone} and its synapses from layer {layer}")

    def add_layer(self, body: Mapping[str, Any]) -> None:
        at = self._layer_number(body, "at", "where the new layer goes")
        size = self._layer_number(body, "size", "neurons in the new layer") if "size" in body else 2
        layers, new = plan_add_layer(self.net, at, size)
        self._reshape(layers, new, f"added hidden layer {at} ({', '.join(new)}): its synapses start uniform "
                                   f"in ±√(3/fan_in), its biases at 0")

    def remove_layer(self, body: Mapping[str, Any]) -> None:
        layer = self._layer_number(body, "layer", "layer")
        layers = plan_remove_layer(self.net, layer)
        self._reshape(layers, {}, f"removed hidden layer {layer}; layer {layer - 1} now feeds the next "
                                  f"through new synapses")

    # -- pages and files of the current network (made from a copy: the session's net is not touched) --
    def file_stem(self) -> str:
        stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in self.net.name)
        return stem.strip("-")[:60] or "network"

    def network_json(self) -> str:
        return json.dumps(network_to_dict(self.net), indent=1, allow_nan=False) + "\n"

    def steps_page(self) -> str:
        steps = network_steps(self.net.copy(), dict(self.inputs), dict(self.targets), lr=self.lr)
        return html_page(steps, title=f"{self.start.title}: backprop step by step")

    def explanation_html(self) -> str:
        return explain(self.net.copy(), dict(self.inputs), dict(self.targets), lr=self.lr).html()

    # -- what the page shows ---------------------------------------------------------------------
    def _loss(self, backward: bool) -> Node:
        self.net.zero_grad()
        outputs = self.net.forward(self.inputs)
        loss = squared_error(outputs, self.targets)
        if backward:
            loss.backward()
        return loss

    def view(self) -> Dict[str, Any]:
        """Everything the page shows, computed by the engine: the picture (SVG), per drawn part what
        it is and its numbers, the outputs and the error, each as exact text and as shown."""
        loss = self._loss(backward=self.show_grads)
        g = self.show_grads
        svg = None
        if self._picture:
            drawing = draw_network(self.net, deltas=g, grads=g, title=self.start.title, sizes=self._layout_sizes())
            svg = inline_svg(drawing.svg())   # checked
            if self._sizes is not None:       # a number wider than any before: kept for the drawings after
                self._sizes = (self._sizes[0], Sizes.widest([self._sizes[1], drawing.sizes]))
        items: Dict[str, Dict[str, Any]] = {}
        for n in self.net:
            role = "input" if n.is_input else "output" if n.name in self.targets else "hidden"
            item: Dict[str, Any] = {"kind": "neuron", "name": n.name, "role": role,
                                    "value": _exact(n.value), "shown": fmt(n.value)}
            if n.is_input:
                item["input"] = _exact(self.inputs[n.name])
            else:
                item["activation"] = n.activation.name if n.activation is not None else None
                item["bias"] = _exact(n.bias.value) if n.bias is not None else None
                if g:
                    item["delta"] = fmt(n.delta)
                    item["delta_value"] = _exact(n.delta)
                    item["bias_grad"] = fmt(n.bias.grad) if n.bias is not None else None
            if role == "output":
                item["target"] = _exact(self.targets[n.name])
            items[neuron_id(n.name)] = item
        for s in self.net.synapses:
            sid = synapse_id(s.src.name, s.dst.name)
            item = {"kind": "synapse", "src": s.src.name, "dst": s.dst.name, "name": s.name,
                    "weight": _exact(s.value), "shown": fmt(s.value)}
            if g:
                item["grad"] = fmt(s.grad)
            for suffix in ("", "-tail", "-head"):
                items[sid + suffix] = item
        try:
            layers: Optional[List[List[str]]] = layers_of(self.net)
            why_not = None
        except NotLayered as e:
            layers, why_not = None, str(e)
        acts: List[Optional[str]] = []
        for names in layers or []:
            found = {self.net[n].activation.name if self.net[n].activation is not None else None for n in names}
            acts.append(found.pop() if len(found) == 1 else None)
        return {
            "layers": layers, "not_layered": why_not, "curve_mark": self.curve_mark, "layer_activations": acts,
            "title": self.start.title,
            "svg": svg, "items": items,
            "inputs": [{"name": k, "value": _exact(v), "shown": fmt(v)} for k, v in self.inputs.items()],
            "outputs": [{"name": n.name, "value": _exact(n.value), "shown": fmt(n.value),
                         "target": _exact(self.targets[n.name]), "target_shown": fmt(self.targets[n.name])}
                        for n in self.net.outputs],
            "loss": {"value": _exact(loss.value), "shown": fmt(loss.value, 6)},
            "grads": g, "lr": _exact(self.lr), "lr_shown": fmt(self.lr), "epochs": self.epochs,
            "curve": self.curve, "fit": self.fit, "note": self.note,
            "activations": activation_names(),
            "lab": self.lab.view(self.net) if self.lab.points else None, "engine": self.engine,
            "lab_lr": "each step: every weight and bias moves by −η × the mean over the batch of its gradient",
        }

    def _layout_sizes(self) -> Sizes:
        """One Sizes per structure, wide enough for any number and for the deltas and gradients, so the
        picture keeps every neuron and label where it is while numbers change (Backward, a step, training)."""
        key = (tuple(self.net.neurons), tuple((s.src.name, s.dst.name) for s in self.net.synapses))
        if self._sizes is None or self._sizes[0] != key:
            wide = self.net.copy()
            found = []
            for v in (-0.88888888, -888.88888, -8.8888888e-05, -0.00088888, -8.8888888e+05):
                try:
                    for p in wide.parameters(include_fixed=True):
                        p.value = v
                    wide.zero_grad()
                    outs = wide.forward({n.name: v for n in wide.inputs})
                    squared_error(outs, {n.name: -v for n in wide.outputs}).backward()
                    for p in wide.parameters(include_fixed=True):
                        p.grad = v                  # the widest gradient text, whatever backward found
                    found.append(draw_network(wide, deltas=True, grads=True, title=self.start.title).sizes)
                except Exception:         # a number this network cannot draw: the others still hold
                    continue
            self._sizes = (key, Sizes.widest(found))
        return Sizes.widest([self._sizes[1]])


ACTIONS: Dict[str, Callable[[Session, Mapping[str, Any]], None]] = {
    "state": lambda s, body: None,
    "set": Session.set_value,
    "backward": Session.backward,
    "step": Session.sgd_step,
    "train": Session.train,
    "reset": Session.do_reset,
    "activation": Session.set_activation,
    "add-neuron": Session.add_neuron,
    "remove-neuron": Session.remove_neuron,
    "add-layer": Session.add_layer,
    "remove-layer": Session.remove_layer,
    "data": Session.pick_data,
    "play": Session.play,
    "sample": Session.pick_sample,
    "layer-activation": Session.layer_activation,
}


class Sessions:
    """The sessions by id, at most ``most`` of them: the one used longest ago makes room for a new one."""

    def __init__(self, start: Start, most: int = 32) -> None:
        self.start = start
        self.most = most
        self._by_id: "OrderedDict[str, Session]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sid: Any) -> Tuple[Session, bool]:
        """The session ``sid`` (made if new), and whether it is new."""
        if not isinstance(sid, str) or not 16 <= len(sid) <= 64 or \
                not all(c.isascii() and (c.isalnum() or c in "-_") for c in sid):
            raise PlayError("the page sent no valid session id: reload the page")
        with self._lock:
            s = self._by_id.get(sid)
            if s is not None:
                self._by_id.move_to_end(sid)
                return s, False
            s = Session(self.start)
            self._by_id[sid] = s
            while len(self._by_id) > self.most:
                self._by_id.popitem(last=False)
            return s, True

    def __len__(self) -> int:
        return len(self._by_id)
