"""The torch side of the bridge: the modules that ``to_torch`` builds.  Importing this imports torch.

* the activations tinygraph knows, as torch functions and as modules;
* ``NetworkModule``: any feed-forward wiring, one scalar parameter per synapse
  and bias, computed neuron by neuron in the order tinygraph computes them.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import torch
from torch import nn

from .names import parameter_names
from .optional import TorchBridgeError

__all__ = ["sign", "Sign", "NamedActivation", "Standardise", "Unstandardise", "FUNCTIONS", "LAYERS", "NetworkModule", "Key"]

#: where a parameter sits in a network: ("w", src, dst) for a synapse, ("b", neuron) for a bias
Key = Tuple[str, ...]


def sign(x: torch.Tensor) -> torch.Tensor:
    """tinygraph's step: -1 below 0, +1 at and above 0; its slope is 0 (no gradient flows through)."""
    one = torch.ones_like(x)
    return torch.where(x < 0, -one, one)


class Sign(nn.Module):
    """The step activation as a layer: -1 below 0, +1 at and above 0 (tinygraph's "sign", alias "step")."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sign(x)


class NamedActivation(nn.Module):
    """A user's own activation as a layer: ``fn`` in torch, ``name`` the tinygraph activation it stands for."""

    def __init__(self, name: str, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.name = name
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return repr(self.name)


class Standardise(nn.Module):
    """A network's input scaling as a layer: each column x becomes (x - mean) / std, as ``predict`` does.

    A network trained on a table (``tinygraph train``) computes on standardised
    inputs; with this layer first, a module takes the data's own units.  The
    means and stds are buffers (saved, never trained); ``scaling`` keeps the
    rest of the Scaling (input names, target, labels) as ``Scaling.to_dict()`` gives it.
    """

    def __init__(self, means: List[float], stds: List[float], scaling: Mapping[str, Any],
                 dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(means, dtype=dtype))
        self.register_buffer("std", torch.tensor(stds, dtype=dtype))
        self.scaling = dict(scaling)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std

    def extra_repr(self) -> str:
        return "inputs=" + ", ".join(self.scaling.get("inputs", {}))


class Unstandardise(nn.Module):
    """A regression's target scaling as the last layer: the output y becomes y * std + mean, in the
    data's own units, as ``predict`` gives it (the network learned the standardised target)."""

    def __init__(self, mean: float, std: float, dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=dtype))
        self.register_buffer("std", torch.tensor(std, dtype=dtype))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return y * self.std + self.mean


#: tinygraph activation name -> torch function ("linear" is the identity: no function)
FUNCTIONS: Dict[str, Optional[Callable[[torch.Tensor], torch.Tensor]]] = {
    "sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "sign": sign, "linear": None}
#: tinygraph activation name -> the layer nn.Sequential uses for it
LAYERS: Dict[str, Callable[[], nn.Module]] = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh, "sign": Sign,
                                              "softmax": lambda: nn.Softmax(dim=1)}


class NetworkModule(nn.Module):
    """A tinygraph Network as a torch module, wiring and all: one scalar parameter per synapse and bias.

    ``forward`` takes a tensor of shape (batch, inputs) -- the columns in the
    order of ``net.inputs`` -- and returns (batch, outputs) in the order of
    ``net.outputs``.  Each neuron computes w1*x1 + w2*x2 + ... + θ, left to
    right as tinygraph does, then its activation.  Parameters are named after
    the synapses and biases (``w_h1_o1``, ``θ_h1``; see tinygraph.torch_bridge.names);
    fixed ones (``trainable=False``) are buffers: in the state_dict, never trained.
    ``tinygraph_network`` holds the network's saved form (structure and names),
    so that ``tinygraph.from_torch`` can rebuild it with the module's weights.
    """

    def __init__(self, network: Mapping[str, Any], order: List[str], dtype: torch.dtype,
                 activations: Optional[Mapping[str, Callable[[torch.Tensor], torch.Tensor]]] = None) -> None:
        super().__init__()
        self.tinygraph_network = network
        self._custom = dict(activations or {})
        self.where: Dict[Key, str] = {}           # where each synapse and bias is: its parameter's name
        self.inputs: List[str] = []
        self.outputs: List[str] = []
        self.plan: List[Tuple[str, str, List[Tuple[str, str]], Optional[str]]] = []
        keys: List[Key] = []
        names: List[str] = []
        values: List[float] = []
        trainable: List[bool] = []
        for e in network["neurons"]:
            if e["kind"] == "neuron" and e["bias"] is not None:
                keys.append(("b", e["name"]))
                names.append("θ_" + e["name"])
                values.append(e["bias"])
                trainable.append(e.get("bias_trainable", True))
        for s in network["synapses"]:
            keys.append(("w", s["src"], s["dst"]))
            names.append(s["name"] if s["name"] is not None else f"w_{s['src']}_{s['dst']}")
            values.append(s["weight"])
            trainable.append(s["trainable"])
        reserved = set(dir(self))                  # a parameter must not hide an attribute or method
        for key, pname, v, t in zip(keys, parameter_names(names, reserved), values, trainable):
            tensor = torch.tensor(v, dtype=dtype)
            if t:
                self.register_parameter(pname, nn.Parameter(tensor))
            else:
                self.register_buffer(pname, tensor)
            self.where[key] = pname
        by_name = {e["name"]: e for e in network["neurons"]}
        self.inputs = [e["name"] for e in network["neurons"] if e["kind"] == "input"]
        self.outputs = [e["name"] for e in network["neurons"]
                        if e["kind"] == "neuron" and not any(s["src"] == e["name"] for s in network["synapses"])]
        incoming: Dict[str, List[Tuple[str, str]]] = {name: [] for name in by_name}
        for s in network["synapses"]:
            incoming[s["dst"]].append((s["src"], self.where[("w", s["src"], s["dst"])]))
        # each neuron in computing order: (name, activation, [(source, weight parameter)], bias parameter)
        self.plan = [(name, by_name[name]["activation"], incoming[name], self.where.get(("b", name)))
                     for name in order if by_name[name]["kind"] == "neuron"]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        one = x.dim() == 1
        if one:
            x = x.unsqueeze(0)
        if x.dim() != 2 or x.shape[1] != len(self.inputs):
            raise TorchBridgeError(
                f"network {self.tinygraph_network['name']!r} takes a tensor of shape (batch, {len(self.inputs)}) "
                f"whose columns are its inputs {', '.join(self.inputs)}; got shape {tuple(x.shape)}")
        value = {name: x[:, i] for i, name in enumerate(self.inputs)}
        soft = []                                        # a softmax output layer: applied to its net inputs together
        for name, activation, incoming, bias in self.plan:
            total = None
            for src, w in incoming:                      # w1*x1 + w2*x2 + ..., left to right
                term = getattr(self, w) * value[src]
                total = term if total is None else total + term
            if bias is not None:
                total = total + getattr(self, bias)
            if activation == "softmax":
                soft.append(name)
                value[name] = total
                continue
            fn = self._custom[activation] if activation in self._custom else FUNCTIONS[activation]
            value[name] = total if fn is None else fn(total)
        if soft:
            probabilities = torch.softmax(torch.stack([value[name] for name in soft], dim=1), dim=1)
            value.update((name, probabilities[:, k]) for k, name in enumerate(soft))
        out = torch.stack([value[name] for name in self.outputs], dim=1)
        return out[0] if one else out

    def extra_repr(self) -> str:
        n = self.tinygraph_network
        neurons = sum(e["kind"] == "neuron" for e in n["neurons"])
        return (f"network={n['name']!r}, inputs={self.inputs}, outputs={self.outputs}, "
                f"neurons={neurons}, synapses={len(n['synapses'])}")
