"""Changing the shape of a layered network: add or remove a hidden neuron or a hidden layer.

A network is *layered* when it is built like ``tg.MLP``: the inputs form the first
layer, the outputs the last, and every other neuron takes a synapse from every
neuron of the layer before it and from no other.  :func:`layers_of` finds the
layers or says which synapse breaks the layering.  Each change makes a new
:class:`~tinygraph.networks.network.Network` with the engine: what stays keeps its
weights, biases, names and activations; each new synapse gets a weight drawn
uniform in ±sqrt(3 / fan_in) from the generator given (as ``tg.MLP`` does), drawn
layer by layer, for each receiving neuron in order, for each sending neuron in order;
a new neuron's bias is 0 and its name is one the network does not use yet.
"""

from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ..engine.activations import Activation
from ..networks.network import Network, Synapse
from .errors import PlayError

__all__ = ["NotLayered", "layers_of", "rebuild", "fresh_name", "MAX_LAYER_SIZE", "MAX_HIDDEN_LAYERS"]

#: a hidden layer has at most this many neurons in the playground (each view redraws the whole network)
MAX_LAYER_SIZE = 16
#: at most this many hidden layers in the playground
MAX_HIDDEN_LAYERS = 6


class NotLayered(PlayError):
    """The network is not built in fully connected layers, so its layers cannot be changed."""


def layers_of(net: Network) -> List[List[str]]:
    """The names of ``net``'s neurons layer by layer (inputs first, outputs last), or NotLayered saying
    which synapse (or missing synapse) breaks the layering."""
    layers = net.layers()
    names = [[n.name for n in layer] for layer in layers]
    depth = {name: d for d, layer in enumerate(names) for name in layer}
    outputs = {n.name for n in net.outputs}
    first = [n for n in layers[0] if not n.is_input] if layers else []
    if first:
        raise NotLayered(f"{first[0].name} gets no synapse at all, so it is in no layer")
    if len(layers) < 2:
        raise NotLayered("the network has no neuron after its inputs")
    for d, layer in enumerate(layers[1:], start=1):
        before = set(names[d - 1])
        for n in layer:
            for s in n.incoming:
                if depth[s.src.name] != d - 1:
                    raise NotLayered(f"the synapse {s.src.name} → {n.name} skips from layer {depth[s.src.name]} "
                                     f"to layer {d}, so the network is not built in layers like tg.MLP")
            missing = sorted(before - {s.src.name for s in n.incoming}, key=names[d - 1].index)
            if missing:
                raise NotLayered(f"{n.name} gets no synapse from {missing[0]}, so layer {d} is not fully "
                                 f"connected to layer {d - 1} (as in tg.MLP)")
            if (n.name in outputs) != (d == len(layers) - 1):
                where = "in the last layer but feeds others" if n.name not in outputs else \
                    f"an output in layer {d}, before the last"
                raise NotLayered(f"{n.name} is {where}, so the outputs are not one last layer")
    return names


def fresh_name(taken: Sequence[str], layer: int, hidden_layers: int) -> str:
    """A name for a new neuron of hidden ``layer`` that is not in ``taken``: h<k> with one hidden layer,
    h<layer>_<k> with several (as tg.MLP names them)."""
    stem = "h" if hidden_layers == 1 else f"h{layer}_"
    k = 1
    while f"{stem}{k}" in taken:
        k += 1
    return f"{stem}{k}"


def rebuild(net: Network, layers: List[List[str]], new: Dict[str, Union[str, Activation]],
            rng: random.Random) -> Network:
    """A new Network with these ``layers`` of names.  Neurons and synapses that ``net`` has keep their
    settings; a name in ``new`` is a new neuron with that activation (bias 0); each new synapse
    gets a weight uniform in ±sqrt(3 / fan_in) from ``rng``."""
    out = Network(net.name)
    for name in layers[0]:
        out.input(name)
    for d, layer in enumerate(layers[1:], start=1):
        for name in layer:
            if name in new:
                out.neuron(name, activation=new[name], bias=0.0)
            else:
                old = net[name]
                bias = None if old.bias is None else old.bias.value
                trainable = True if old.bias is None else old.bias.trainable
                out.neuron(name, activation=old.activation, bias=bias, train_bias=trainable)
        bound = math.sqrt(3.0 / len(layers[d - 1]))
        for name in layer:
            for src in layers[d - 1]:
                old_syn = _synapse(net, src, name)
                if old_syn is None:
                    out.connect(src, name, weight=rng.uniform(-bound, bound))
                else:
                    out.connect(src, name, weight=old_syn.value, name=old_syn.name, trainable=old_syn.trainable)
    scaling = getattr(net, "scaling", None)
    if scaling is not None:
        out.scaling = scaling
    return out


def _synapse(net: Network, src: str, dst: str) -> Optional[Synapse]:
    if src not in net or dst not in net:
        return None
    for s in net[dst].incoming:
        if s.src.name == src:
            return s
    return None


def hidden_activation(net: Network, layers: List[List[str]], near: int) -> Union[str, Activation]:
    """The activation of a new hidden neuron next to layer ``near``: that of the nearest hidden layer
    (its first neuron), or sigmoid (tg.MLP's default) when there is no hidden layer."""
    hidden = list(range(1, len(layers) - 1))
    if not hidden:
        return "sigmoid"
    d = min(hidden, key=lambda h: (abs(h - near), h))
    return net[layers[d][0]].activation


def plan_add_neuron(net: Network, layer: int) -> Tuple[List[List[str]], Dict[str, Union[str, Activation]]]:
    layers = layers_of(net)
    _hidden_index(layers, layer)
    if len(layers[layer]) >= MAX_LAYER_SIZE:
        raise NotLayered(f"layer {layer} already has {MAX_LAYER_SIZE} neurons, the most the playground draws")
    name = fresh_name([n for l in layers for n in l], layer, len(layers) - 2)
    act = net[layers[layer][0]].activation
    return [l + [name] if d == layer else list(l) for d, l in enumerate(layers)], {name: act}


def plan_remove_neuron(net: Network, layer: int, name: Optional[str]) -> Tuple[List[List[str]], str]:
    layers = layers_of(net)
    _hidden_index(layers, layer)
    if name is None:
        name = layers[layer][-1]
    if name not in layers[layer]:
        raise NotLayered(f"{str(name)[:60]!r} is not a neuron of layer {layer} ({', '.join(layers[layer])})")
    if len(layers[layer]) == 1:
        raise NotLayered(f"{name} is the last neuron of layer {layer}: a layer needs one; "
                         "remove the whole layer instead")
    return [[n for n in l if n != name] for l in layers], name


def plan_add_layer(net: Network, at: int,
                   size: int) -> Tuple[List[List[str]], Dict[str, Union[str, Activation]]]:
    layers = layers_of(net)
    if not 1 <= at <= len(layers) - 1:
        raise NotLayered(f"a new hidden layer goes at a place from 1 (after the inputs) to {len(layers) - 1} "
                         f"(before the outputs), got {at}")
    if len(layers) - 2 >= MAX_HIDDEN_LAYERS:
        raise NotLayered(f"the network already has {MAX_HIDDEN_LAYERS} hidden layers, the most the playground draws")
    if not 1 <= size <= MAX_LAYER_SIZE:
        raise NotLayered(f"a hidden layer has from 1 to {MAX_LAYER_SIZE} neurons, got {size}")
    act = hidden_activation(net, layers, at)
    taken = [n for l in layers for n in l]
    names: List[str] = []
    for _ in range(size):
        names.append(fresh_name(taken + names, at, len(layers) - 1))
    return layers[:at] + [names] + layers[at:], {n: act for n in names}


def plan_remove_layer(net: Network, layer: int) -> List[List[str]]:
    layers = layers_of(net)
    _hidden_index(layers, layer)
    return layers[:layer] + layers[layer + 1:]


def _hidden_index(layers: List[List[str]], layer: Any) -> None:
    if len(layers) < 3:
        raise NotLayered("the network has no hidden layer: add one first")
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= len(layers) - 2:
        raise NotLayered(f"the hidden layers are numbered 1 to {len(layers) - 2}, got {str(layer)[:20]!r}")
