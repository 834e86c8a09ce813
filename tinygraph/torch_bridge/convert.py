"""tinygraph -> torch (``to_torch``) and torch -> tinygraph (``from_torch``).

A layered network (every synapse goes from one layer to the next, each layer
fully connected from the one before, one activation per layer, every neuron
of a layer with a trainable bias or none without) becomes an ``nn.Sequential``
of ``nn.Linear`` layers and activation layers: the synapse src -> dst of
layer l sits in ``weight[j, i]`` of the l-th Linear (j, i the places of dst
and src in their layers, as ``net.layers()`` lists them).  Any other wiring
becomes a :class:`~tinygraph.torch_bridge.modules.NetworkModule` with one
parameter per synapse and bias, named after them.

Both carry ``tinygraph_network``: the network's saved form (``tinygraph.networks.saving``),
so ``from_torch`` gives back the same names and build order.
"""

from __future__ import annotations

import copy
import math
import random
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ..engine.activations import get_activation
from ..errors import DomainError, GraphError, NetworkFileError, WrongTypeError
from ..networks.network import MLP, Network, Neuron, Synapse
from ..networks.saving import network_from_dict, network_to_dict
from ..data.tables import Scaling, scaling_of
from .optional import TorchBridgeError, require

__all__ = ["to_torch", "from_torch", "dense_layers", "locate", "split_scaling", "output_scaling", "term_sizes", "BUILTIN",
           "ends_in_log_softmax"]

#: the activations torch has (tinygraph name -> what torch calls it), "linear" being no layer at all
BUILTIN = {"sigmoid": "nn.Sigmoid", "relu": "nn.ReLU", "tanh": "nn.Tanh", "sign": "the step (torch.where)",
           "linear": "nn.Identity", "softmax": "nn.Softmax(dim=1)"}
#: torch layer class name -> tinygraph activation, for from_torch
_FROM_LAYER = {"Sigmoid": "sigmoid", "ReLU": "relu", "Tanh": "tanh", "Identity": "linear", "Sign": "sign",
               "Softmax": "softmax", "LogSoftmax": "softmax"}
#: what from_torch says about some layers it cannot map
_WHY = {
    "Dropout": "dropout only acts while training; build the Sequential without it for tinygraph",
    "BatchNorm1d": "batch normalisation uses statistics of the batch; tinygraph neurons see one sample",
    "Flatten": "tinygraph networks take a flat list of inputs: give the Sequential flat inputs",
    "Standardise": "an input scaling can only be the first layer of the module",
    "NetworkModule": "a module from to_torch of any wiring converts on its own (or after a first Standardise "
                     "layer), not as one layer among others",
}


def _torch():
    return require("torch", "the bridge to PyTorch")


def _activation(n: Neuron, custom: Mapping[str, Callable]) -> str:
    """The name under which neuron ``n``'s activation is translated, or an error saying why it cannot be."""
    act = n.activation
    name = act.name
    try:
        registered = get_activation(name) is act
    except ValueError:
        registered = False
    if not registered:               # the module names its activations, and from_torch looks them up
        raise TorchBridgeError(
            f"neuron {n.name!r} uses an activation object {name!r} that is not registered under that name; "
            f"register it with tg.register_activation({name!r}, f, df) and build the neuron with that name")
    if name in custom or name in BUILTIN:
        return name
    raise TorchBridgeError(
        f"neuron {n.name!r} uses the activation {name!r}, which tinygraph cannot translate to torch: it knows "
        f"only its Python f and df (the built-in ones are {', '.join(BUILTIN)}). Give its torch form, e.g. "
        f"tg.to_torch(net, activations={{{name!r}: lambda x: ...}}) with a function of a tensor")


def _check(net: Any) -> None:
    if not isinstance(net, Network):
        raise WrongTypeError(f"to_torch takes a tinygraph Network, got {type(net).__name__}")
    if not net.outputs:
        raise GraphError(f"network {net.name!r} has no output neuron yet: add one with net.neuron(...) "
                         "and connect into it")
    for n in net.neurons.values():
        if not n.is_input and not n.incoming:
            raise GraphError(f"neuron {n.name!r} has no incoming synapse, so it computes nothing; connect "
                             f"something into it with net.connect(src, {n.name!r}, weight=...)")


def dense_layers(net: Network, trainable: bool = True) -> Optional[List[List[Neuron]]]:
    """``net.layers()`` if ``net`` is layered as nn.Sequential needs (see the module docstring), else None.

    ``trainable=False`` looks at the wiring only, not at which weights and biases are fixed.
    """
    layers = net.layers()
    if len(layers) < 2 or [id(n) for n in layers[-1]] != [id(n) for n in net.outputs]:
        return None
    for prev, layer in zip(layers, layers[1:]):
        sources = {id(n) for n in prev}
        act = layer[0].activation
        biased = layer[0].bias is not None
        for n in layer:
            if n.activation is not act or (n.bias is not None) != biased:
                return None
            if len(n.incoming) != len(prev) or {id(s.src) for s in n.incoming} != sources:
                return None
            if trainable and ((n.bias is not None and not n.bias.trainable)
                              or not all(s.trainable for s in n.incoming)):
                return None
    return layers


def to_torch(net: Network, dtype: Any = None, layers: Optional[bool] = None,
             activations: Optional[Mapping[str, Callable]] = None, scaling: bool = False) -> Any:
    """A ``torch.nn.Module`` computing the same function as ``net``, its weights and biases copied.

    ``module(x)`` takes a tensor of shape (batch, len(net.inputs)), columns in
    the order of ``net.inputs``, and returns (batch, len(net.outputs)) in the
    order of ``net.outputs``.

    * ``dtype``: torch.float64 (the default: the same numbers as tinygraph) or torch.float32.
    * ``layers``: None takes an ``nn.Sequential`` of ``nn.Linear`` and activation
      layers when the network is layered, else a module with one parameter per
      synapse and bias named after them (``w_h1_o1``, ``θ_h1``); True insists on
      the first (an error says why not), False always gives the second.
    * ``activations``: torch functions for your own activations, by name, e.g.
      ``{"softplus": torch.nn.functional.softplus}``.
    * ``scaling``: for a network trained on a table (``net.scaling``, see
      tinygraph.data.tables), True puts its input scaling first -- an
      ``nn.Sequential(Standardise, ...)`` -- so that the module takes the data's
      own units, as ``tinygraph predict`` does (what ``export`` writes).  The
      default, False, computes what ``net.forward`` computes: standardised inputs.
    """
    torch = _torch()
    from . import modules as M
    _check(net)
    if scaling:
        kept = scaling_of(net)
        body = to_torch(net, dtype=dtype, layers=layers, activations=activations)
        if kept is None:
            return body
        means, stds = kept
        parts = [M.Standardise(means, stds, net.scaling.to_dict(), dtype=torch.float64 if dtype is None else dtype)]
        parts += list(body) if isinstance(body, torch.nn.Sequential) else [body]
        if net.scaling.target_std is not None:      # a regression's target: back in the data's own units
            parts.append(M.Unstandardise(net.scaling.target_mean, net.scaling.target_std,
                                         dtype=torch.float64 if dtype is None else dtype))
        seq = torch.nn.Sequential(*parts)
        seq.tinygraph_network = body.tinygraph_network
        return seq
    dtype = torch.float64 if dtype is None else dtype
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise WrongTypeError(f"dtype must be a torch floating-point type such as torch.float64 or torch.float32, "
                        f"got {dtype!r}")
    custom = dict(activations or {})
    for key, fn in custom.items():
        if not callable(fn):
            raise WrongTypeError(f"activations[{key!r}] must be a function of a tensor, got {type(fn).__name__}")
    acts = {n.name: _activation(n, custom) for n in net.neurons.values() if not n.is_input}
    saved = network_to_dict(net)
    dense = dense_layers(net) if layers is not False else None
    if layers and dense is None:
        raise TorchBridgeError(
            f"network {net.name!r} is not layered, so it cannot be an nn.Sequential of nn.Linear layers: "
            "that needs every synapse to go from one layer to the next, each layer fully connected from the one "
            "before, one activation per layer, and in each layer trainable biases on every neuron or on none. "
            "to_torch(net) without layers=True gives a module with one parameter per synapse")
    if dense is None:
        return M.NetworkModule(saved, [n.name for n in net.order()], dtype, custom)

    parts = []
    for prev, layer in zip(dense, dense[1:]):
        linear = torch.nn.utils.skip_init(torch.nn.Linear, len(prev), len(layer),
                                          bias=layer[0].bias is not None, dtype=dtype)
        weights = [[None] * len(prev) for _ in layer]
        column = {id(n): i for i, n in enumerate(prev)}
        for j, n in enumerate(layer):
            for s in n.incoming:
                weights[j][column[id(s.src)]] = s.value
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=dtype))
            if linear.bias is not None:
                linear.bias.copy_(torch.tensor([n.bias.value for n in layer], dtype=dtype))
        parts.append(linear)
        act = acts[layer[0].name]
        if act in custom:
            parts.append(M.NamedActivation(act, custom[act]))
        elif act != "linear":
            parts.append(M.LAYERS[act]())
    seq = torch.nn.Sequential(*parts)
    seq.tinygraph_network = saved
    return seq


# -- torch -> tinygraph ---------------------------------------------------------------------------

def _flat(module: Any, prefix: str = "") -> List[Tuple[str, Any]]:
    """The layers of a Sequential in order, nested Sequentials opened, each with its index ("2", "1.0").

    Every position counts: a module object that stands in two places (``act =
    nn.Sigmoid()`` after every layer) is listed at both, as the Sequential runs it.
    (``named_children()`` would list it once.)
    """
    torch = _torch()
    out = []
    for name, child in module._modules.items():
        if child is None:
            continue
        where = prefix + name
        if isinstance(child, torch.nn.Sequential):
            out.extend(_flat(child, where + "."))
        else:
            out.append((where, child))
    return out


def _layer_activation(where: str, layer: Any) -> Optional[str]:
    """The tinygraph activation a torch layer is, None if it is not one."""
    from . import modules as M
    if isinstance(layer, M.NamedActivation):
        try:
            get_activation(layer.name)
        except ValueError:
            raise TorchBridgeError(f"module {where} (NamedActivation {layer.name!r}): tinygraph has no activation "
                                   f"called {layer.name!r} in this session; register it first with "
                                   f"tg.register_activation({layer.name!r}, f, df)") from None
        return layer.name
    cls = type(layer)
    if cls.__module__.startswith(("torch.nn", M.__name__)) and cls.__name__ in _FROM_LAYER:
        return _FROM_LAYER[cls.__name__]
    return None


def _value(t: Any, what: str) -> float:
    v = float(t.detach().item()) if hasattr(t, "detach") else float(t)
    if not math.isfinite(v):
        raise TorchBridgeError(f"{what} is {v!r}; a tinygraph weight must be a finite number")
    return v


def term_sizes(net: Network, sample: Any) -> Dict[str, float]:
    """For each output, the size of the sums behind it: what rounding differences scale with.

    Each neuron's size is sum |w| * size(source) + |θ| (an input's is |x|): the
    largest its net input could be if no term cancelled.  The slopes of the
    built-in activations are at most 1, so a rounding difference in a net input
    reaches the output at most that large.  Where terms cancel -- the
    multiplier's output is a difference of numbers a million times larger --
    two correct implementations (tinygraph's sigmoid, torch's and onnxruntime's
    differ in the last bit now and then) differ by about 1e-16 times this size,
    not 1e-16 times the output.
    """
    size: Dict[str, float] = {}
    values = sample if isinstance(sample, Mapping) else dict(zip((n.name for n in net.inputs), sample))
    for n in net.order():
        if n.is_input:
            size[n.name] = abs(float(values[n.name]))
        else:
            size[n.name] = (sum(abs(s.value) * size[s.src.name] for s in n.incoming)
                            + (abs(n.bias.value) if n.bias is not None else 0.0))
    return {n.name: size[n.name] for n in net.outputs}


def split_scaling(module: Any) -> Tuple[Any, Any]:
    """(the Standardise layer, the rest) of a module from ``to_torch(net, scaling=True)``; (None, module)
    for a module without one.  The rest computes what ``net.forward`` computes (standardised inputs)."""
    torch = _torch()
    from . import modules as M
    if not isinstance(module, torch.nn.Sequential) or len(module) == 0 or not isinstance(module[0], M.Standardise):
        return None, module
    rest = list(module)[1:]
    if rest and isinstance(rest[-1], M.Unstandardise):     # a regression's target scaling: see output_scaling
        rest = rest[:-1]
    if len(rest) == 1 and isinstance(rest[0], M.NetworkModule):
        return module[0], rest[0]
    body = torch.nn.Sequential(*rest)
    saved = getattr(module, "tinygraph_network", None)
    if saved is not None:
        body.tinygraph_network = saved
    return module[0], body


def output_scaling(module: Any) -> Optional[Tuple[float, float]]:
    """(mean, std) of the last Unstandardise layer of a module from ``to_torch(net, scaling=True)`` for a
    regression trained on a table (its output in the data's own units), or None."""
    torch = _torch()
    from . import modules as M
    if isinstance(module, torch.nn.Sequential) and len(module) > 1 and isinstance(module[0], M.Standardise) \
            and isinstance(module[-1], M.Unstandardise):
        return float(module[-1].mean), float(module[-1].std)
    return None


#: how far (scaled as in compare_with_torch) from_torch lets its network differ from the module, in float64
PROOF_TOLERANCE = 1e-9


def from_torch(module: Any, name: Optional[str] = None) -> Network:
    """A Network computing what ``module`` computes: an ``nn.Sequential`` of ``nn.Linear`` and activations.

    The activations it knows: nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Identity (and the
    layers ``to_torch`` makes); a Linear with no activation after it gives linear
    neurons.  An nn.Softmax(dim=1) or nn.LogSoftmax(dim=1) as the last layer gives a
    softmax output layer: the network's outputs are the class probabilities O_k
    (for nn.LogSoftmax, e^ of what the module gives; its NLLLoss is the network's
    cross_entropy).  Every position of the Sequential counts, so one activation object
    used after every layer is read at each place; one Linear used in two places
    (shared weights) is refused, since each tinygraph synapse has its own weight.
    Neurons are named as ``tinygraph.MLP`` names them (inputs x1.., hidden
    h1.. or h<layer>_<i>, outputs o1..) unless the module came from ``to_torch``,
    which gives back the original names.  A module from ``to_torch`` of any wiring
    comes back too, and a first ``Standardise`` layer (``to_torch(net, scaling=True)``,
    ``tinygraph export``) comes back as ``net.scaling``.  Weights are copied exactly
    (float32 ones are exact as floats); a tensor with ``requires_grad=False`` gives
    fixed (untrainable) ones.  Anything else raises TorchBridgeError naming the
    module (index and type) and why.

    The conversion proves itself before it returns: the module and the network
    run on a few random inputs, and a difference (a subclass with its own
    ``forward``, a hook, ...) is refused with a TorchBridgeError that shows it.
    """
    _torch()                               # says what to install when torch is missing
    standardise, body = split_scaling(module)
    net = _convert(body, name)
    if standardise is not None:
        doc = standardise.scaling
        means = [_value(v, f"module 0 (Standardise)'s mean[{j}]") for j, v in enumerate(standardise.mean.tolist())]
        stds = [_value(v, f"module 0 (Standardise)'s std[{j}]") for j, v in enumerate(standardise.std.tolist())]
        if len(means) != len(net.inputs) or len(stds) != len(net.inputs):
            raise TorchBridgeError(f"module 0 (Standardise) scales {len(means)} inputs, but the layers after it "
                                   f"take {len(net.inputs)}: the module does not fit together")
        target = output_scaling(module)
        try:
            net.scaling = Scaling([n.name for n in net.inputs], means, stds, str(doc.get("target", "")),
                                  doc.get("labels"), *(target or (None, None)))
        except ValueError as e:
            raise TorchBridgeError(f"module 0 (Standardise): {e}") from None
    _prove(net, module, standardise is not None)
    return net


def _prove(net: Network, module: Any, scaled: bool) -> None:
    """Run ``module`` (in float64, on a copy) and ``net`` on the same random inputs; refuse any difference."""
    torch = _torch()
    rng = random.Random(0)                 # not torch's generator: converting never changes a user's random numbers
    rows = [[rng.uniform(-2.0, 2.0) for _ in net.inputs] for _ in range(4)]
    raw = [[net.scaling.undo(j, v) for j, v in enumerate(r)] for r in rows] if scaled else rows
    samples = [dict(zip((n.name for n in net.inputs), net.scaling.apply(r) if scaled else r)) for r in raw]
    mine = net.copy()                      # the network itself keeps no forward pass of these samples
    try:
        twin = copy.deepcopy(module).to(torch.float64)
    except Exception:                      # a module that cannot be copied runs as it is
        twin = module
    tensors = [t for t in list(twin.parameters()) + list(twin.buffers()) if t.is_floating_point()]
    dtype = tensors[0].dtype if tensors else torch.float64
    device = tensors[0].device if tensors else None
    with torch.no_grad():
        try:
            got = twin(torch.tensor(raw, dtype=dtype, device=device)).tolist()
        except Exception as e:
            raise TorchBridgeError(f"from_torch: the module fails on a batch of {len(raw)} samples of "
                                   f"{len(net.inputs)} inputs ({type(e).__name__}: {e}), so it is not a "
                                   "Sequential of the layers it lists") from None
    tolerance = PROOF_TOLERANCE if dtype == torch.float64 else 1e-5
    log_softmax = ends_in_log_softmax(module)
    for row, sample, out in zip(raw, samples, got):
        try:
            want = mine.forward(sample)
        except DomainError:                # a sum too large for a float (weights near 1e300): torch has inf
            continue                       # there, nothing to compare
        sizes = term_sizes(mine, sample)
        values = out if isinstance(out, list) else [out]
        if log_softmax:                    # the module gives ln O_k, the network O_k
            values = [math.exp(v) for v in values]
        for n, v in zip(net.outputs, values):
            a = want[n.name].value
            if scaled:                     # a regression's module ends in the data's own units
                a = net.scaling.unscale(a)
            if not abs(a - v) <= tolerance * max(1.0, abs(a), abs(v), sizes[n.name]):
                shown = ", ".join(f"{x:.4g}" for x in row)
                raise TorchBridgeError(
                    f"from_torch: on the input [{shown}] the module gives {v:.6g} for output {n.name} but the "
                    f"network read from its layers gives {a:.6g}: the module computes something its layers do "
                    "not say (a subclass with its own forward(), a hook, a layer used in a way the Sequential "
                    "does not show), so tinygraph will not pretend to be it")


def _convert(module: Any, name: Optional[str]) -> Network:
    """The network ``module``'s layers say it computes (from_torch without the proof)."""
    torch = _torch()
    from . import modules as M
    if isinstance(module, M.NetworkModule):
        doc = copy.deepcopy(module.tinygraph_network)
        tensors = dict(module.named_parameters())
        tensors.update(module.named_buffers())
        fixed = dict(module.named_buffers())
        for e in doc["neurons"]:
            if e["kind"] == "neuron" and e["bias"] is not None:
                p = module.where[("b", e["name"])]
                e["bias"] = _value(tensors[p], f"the bias {p}")
                e["bias_trainable"] = p not in fixed and tensors[p].requires_grad
        for s in doc["synapses"]:
            p = module.where[("w", s["src"], s["dst"])]
            s["weight"] = _value(tensors[p], f"the weight {p}")
            s["trainable"] = p not in fixed and tensors[p].requires_grad
        return _rebuild(doc, name)
    if isinstance(module, torch.nn.Linear):
        items = [("0", module)]
        saved = getattr(module, "tinygraph_network", None)
    elif isinstance(module, torch.nn.Sequential):
        items = _flat(module)
        saved = getattr(module, "tinygraph_network", None)
    else:
        raise TorchBridgeError(
            f"from_torch takes an nn.Sequential of nn.Linear layers and activations (nn.Sigmoid, nn.Tanh, "
            f"nn.ReLU, nn.Identity), or a module made by to_torch; got {type(module).__name__}. A module with its "
            "own forward() cannot be read layer by layer: rebuild it as an nn.Sequential")
    if not items:
        raise TorchBridgeError("from_torch got an empty nn.Sequential: there are no layers to convert")

    # (Linear, its index, the activation after it)
    layers: List[List[Any]] = []
    last_act: Optional[Tuple[str, str]] = None
    seen: Dict[int, str] = {}                  # id of each Linear -> where it was first
    for where, layer in items:
        kind = type(layer).__name__
        if isinstance(layer, torch.nn.Linear):
            if id(layer) in seen:
                raise TorchBridgeError(
                    f"module {where} (Linear({layer.in_features}, {layer.out_features})) is the same object as "
                    f"module {seen[id(layer)]}: torch shares its weights between both places, but each tinygraph "
                    f"synapse has a weight of its own. If two independent layers are meant, give each place its own "
                    f"nn.Linear({layer.in_features}, {layer.out_features}) (copy.deepcopy of the first keeps its weights)")
            seen[id(layer)] = where
            if layers and layer.in_features != layers[-1][0].out_features:
                prev_where = layers[-1][1]
                raise TorchBridgeError(
                    f"module {where} (Linear({layer.in_features}, {layer.out_features})) takes "
                    f"{layer.in_features} inputs, but module {prev_where} gives "
                    f"{layers[-1][0].out_features}: the layers do not fit together")
            layers.append([layer, where, "linear"])
            last_act = None
            continue
        act = _layer_activation(where, layer)
        if act is None:
            why = _WHY.get(kind, f"tinygraph has no layer or activation like {kind}")
            raise TorchBridgeError(
                f"module {where} ({kind}) cannot be mapped to tinygraph: {why}. from_torch knows nn.Linear, "
                "nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Identity, and nn.Softmax or nn.LogSoftmax last (and nested "
                "nn.Sequential)")
        if not layers:
            raise TorchBridgeError(
                f"module {where} ({kind}) comes before any nn.Linear: a tinygraph neuron applies its activation "
                "to a weighted sum of its inputs, so each activation must follow a Linear layer")
        if act == "linear":
            continue
        if last_act is not None:
            raise TorchBridgeError(
                f"module {where} ({kind}) follows another activation (module {last_act[0]}, {last_act[1]}): "
                "a tinygraph neuron has one activation, so put a Linear layer between them")
        if act == "softmax":
            _check_softmax(where, layer, layers[-1][0], items[-1][1] is layer)
        layers[-1][2] = act
        last_act = (where, kind)

    if saved is None or not _fits(saved, layers):       # named as MLP names its neurons
        sizes = [layers[0][0].in_features] + [lin.out_features for lin, _, _ in layers]
        mlp = MLP(sizes, activation="linear", name=name or "from-torch")
        acts = {n.name: act for (_, _, act), layer in zip(layers, mlp.layers()[1:]) for n in layer}
        saved = network_to_dict(mlp)
        for e in saved["neurons"]:
            if e["kind"] == "neuron":
                e["activation"] = acts[e["name"]]
    return _rebuild(_with_weights(saved, layers), name)


def _check_softmax(where: str, layer: Any, linear: Any, last: bool) -> None:
    """A Softmax or LogSoftmax layer tinygraph can read: the last layer, over the classes (dim 1), of 2+ outputs."""
    kind = type(layer).__name__
    if not last:
        raise TorchBridgeError(f"module {where} ({kind}) is not the last layer: tinygraph has softmax only as an "
                               "output layer (the class probabilities), so it must come last")
    if layer.dim not in (1, -1, None):
        raise TorchBridgeError(f"module {where} ({kind}(dim={layer.dim})) runs over dimension {layer.dim}: tinygraph's "
                               "softmax runs over the classes of each sample, dim=1 of a (batch, classes) tensor")
    if linear.out_features < 2:
        raise TorchBridgeError(f"module {where} ({kind}) follows a Linear layer with one output: a softmax over one "
                               "number is always 1.0 (its log 0.0); use two or more outputs")


def ends_in_log_softmax(module: Any) -> bool:
    """Whether ``module``'s last layer is nn.LogSoftmax: it gives ln O_k where the network gives O_k."""
    torch = _torch()
    items = _flat(module) if isinstance(module, torch.nn.Sequential) else []
    return bool(items) and type(items[-1][1]).__name__ == "LogSoftmax"


def _fits(saved: Mapping[str, Any], layers: List[List[Any]]) -> bool:
    """Whether the saved network of a to_torch Sequential still matches its layers (sizes, activations, biases)."""
    try:
        net = network_from_dict(saved)
    except Exception:
        return False
    dense = dense_layers(net, trainable=False)
    if dense is None or len(dense) != len(layers) + 1 or len(dense[0]) != layers[0][0].in_features:
        return False
    for layer, (linear, _, act) in zip(dense[1:], layers):
        if (len(layer) != linear.out_features or layer[0].activation.name != act
                or (layer[0].bias is None) != (linear.bias is None)):
            return False
    return True


def _with_weights(saved: Mapping[str, Any], layers: List[List[Any]]) -> Dict[str, Any]:
    """The saved form with the weights and biases of the Linear layers in place of the old ones.

    A Linear without bias gives neurons without one; ``requires_grad=False`` gives fixed parameters.
    """
    doc = copy.deepcopy(saved)
    dense = dense_layers(network_from_dict(saved), trainable=False)
    place = {}
    for l, (prev, layer) in enumerate(zip(dense, dense[1:])):
        for j, n in enumerate(layer):
            place[("b", n.name)] = (l, j)
            for i, src in enumerate(prev):
                place[("w", src.name, n.name)] = (l, j, i)
    weights = [lin.weight.detach().cpu().tolist() for lin, _, _ in layers]
    biases = [None if lin.bias is None else lin.bias.detach().cpu().tolist() for lin, _, _ in layers]
    for e in doc["neurons"]:
        if e["kind"] != "neuron":
            continue
        l, j = place[("b", e["name"])]
        if biases[l] is None:                         # a Linear without bias: neurons without one
            e["bias"] = None
            e.pop("bias_trainable", None)
            e.pop("param", None)
        else:
            e["bias"] = _value(biases[l][j], f"module {layers[l][1]}'s bias[{j}]")
            e["bias_trainable"] = layers[l][0].bias.requires_grad
    for s in doc["synapses"]:
        l, j, i = place[("w", s["src"], s["dst"])]
        s["weight"] = _value(weights[l][j][i], f"module {layers[l][1]}'s weight[{j}, {i}]")
        s["trainable"] = layers[l][0].weight.requires_grad
    numbered = sorted((e for e in doc["neurons"] + doc["synapses"] if "param" in e), key=lambda e: e["param"])
    for k, e in enumerate(numbered):                 # parameters in build order, without gaps
        e["param"] = k
    return doc


def _rebuild(doc: Dict[str, Any], name: Optional[str]) -> Network:
    if name is not None:
        doc["name"] = name
    try:
        return network_from_dict(doc, path="the module's tinygraph_network")
    except NetworkFileError as e:
        raise TorchBridgeError(str(e)) from None


def locate(net: Network, module: Any) -> List[Tuple[Any, str, Any, Tuple[int, ...]]]:
    """Each trainable parameter of ``net`` with its place in ``module``: (parameter, label, tensor, index).

    ``module`` is what ``to_torch(net)`` gives (or one like it: a NetworkModule
    of the same network, or an nn.Sequential of Linear layers shaped like
    ``net``'s layers).  The label reads "w_h1_o1 (2.weight[0, 1])".
    """
    torch = _torch()
    from . import modules as M
    out = []
    if isinstance(module, M.NetworkModule):
        tensors = dict(module.named_parameters())
        for p in net.parameters():
            key = ("w", p.src.name, p.dst.name) if isinstance(p, Synapse) else ("b", p.neuron.name)
            pname = module.where.get(key)
            if pname is None or pname not in tensors:
                raise TorchBridgeError(f"the module has no trainable parameter for {p.name} of network "
                                       f"{net.name!r}: was it made from another network?")
            out.append((p, p.name if pname == p.name else f"{p.name} ({pname})", tensors[pname], ()))
        return out
    items = _flat(module) if isinstance(module, torch.nn.Sequential) else [("0", module)]
    linears = [(where, m) for where, m in items if isinstance(m, torch.nn.Linear)]
    dense = dense_layers(net, trainable=False)
    if dense is None or len(linears) != len(dense) - 1 or any(
            m.in_features != len(prev) or m.out_features != len(layer)
            for (_, m), prev, layer in zip(linears, dense, dense[1:])):
        raise TorchBridgeError(f"the module's Linear layers do not match the layers of network {net.name!r}; "
                               "compare a network with what to_torch(net) gives, or with the Sequential "
                               "that from_torch read it from")
    for (where, m), prev, layer in zip(linears, dense, dense[1:]):
        column = {id(n): i for i, n in enumerate(prev)}
        for j, n in enumerate(layer):
            if n.bias is not None and n.bias.trainable:
                out.append((n.bias, f"{n.bias.name} ({where}.bias[{j}])", m.bias, (j,)))
            for s in n.incoming:
                if s.trainable:
                    i = column[id(s.src)]
                    out.append((s, f"{s.name} ({where}.weight[{j}, {i}])", m.weight, (j, i)))
    order = {id(p): k for k, p in enumerate(net.parameters())}
    out.sort(key=lambda row: order[id(row[0])])
    return out
