"""tinygraph: a scalar computation-graph engine for learning how neural networks compute and learn.

Every neuron and synapse is a node holding a scalar value and its gradient;
``backward()`` applies the chain rule by walking the graph in reverse; Graphviz
draws the network with the weights on its edges; ``backprop_steps`` walks
through backpropagation one chain-rule step at a time.

The engine is imported at once; the parts that pull in more (diagrams, batch
mode, the step-through) load on first use.
"""

from importlib import import_module as _import_module
from typing import Any as _Any

from .engine.activations import Activation, activate, activation_names, get_activation, register_activation
from .errors import (BadValueError, DomainError, GraphError, NetworkFileError, NodeOverflowError,
                     NodeZeroDivisionError, NotFiniteError, RenderError, TinygraphError, WrongTypeError)
from .engine.gradcheck import GradcheckError, GradcheckResult, gradcheck
from .engine.node import Node, as_node, exp, log, relu, sigmoid, sign, softmax, tanh, walk, weighted_sum

__version__ = "0.1.0"

# name -> module that defines it, loaded on first access
_LAZY = {
    # networks/
    "Neuron": "networks.network", "Synapse": "networks.network", "Bias": "networks.network",
    "Network": "networks.network", "MLP": "networks.network",
    "Hopfield": "networks.hopfield", "hebbian_weights": "networks.hopfield",
    # learning/
    "squared_error": "learning.losses", "mse": "learning.losses", "hinge": "learning.losses",
    "binary_cross_entropy": "learning.losses", "cross_entropy": "learning.losses", "l2": "learning.losses",
    "SGD": "learning.training", "train": "learning.training",  # module not named train: it would shadow tg.train
    "DivergenceError": "learning.training", "TrainingWarning": "learning.training", "Snapshot": "learning.training",
    "compile_network": "learning.batch", "BatchNetwork": "learning.batch",
    "gc_paused": "engine.node",
    "NameNotFoundError": "errors",
    # stepping/
    "delta_rule": "stepping.deltas",
    "backprop_steps": "stepping.steps", "Step": "stepping.steps", "Contribution": "stepping.steps",
    "network_steps": "stepping.narrative", "NetworkStep": "stepping.narrative",
    # data/
    "make_moons": "data.datasets",
    "read_table": "data.tables", "train_table": "data.tables", "DataFileError": "data.tables",
    # pictures, pages, documents, the bridge, the playground
    "Diagram": "draw", "draw_network": "draw", "draw_graph": "draw",
    "training_page": "draw.training_page", "TrainingPage": "draw.training_page",
    "explain": "explanation", "Explanation": "explanation",
    "to_torch": "torch_bridge", "from_torch": "torch_bridge", "compare_with_torch": "torch_bridge",
    "MissingDependencyError": "torch_bridge", "TorchBridgeError": "torch_bridge",
    "play": "playground",  # module not named play: it would shadow tg.play
}

__all__ = [
    "Node", "walk", "as_node", "weighted_sum", "softmax", "exp", "log", "sigmoid", "relu", "tanh", "sign",
    "Activation", "activate", "activation_names", "get_activation", "register_activation",
    "gradcheck", "GradcheckResult", "GradcheckError",
    "TinygraphError", "DomainError", "NodeZeroDivisionError", "NodeOverflowError", "GraphError",
    "NetworkFileError", "RenderError", "WrongTypeError", "BadValueError", "NotFiniteError", "__version__",
] + list(_LAZY)


# modules a learner reaches as tinygraph.NAME (``from tinygraph import datasets``), wherever they live
_SUBMODULES = {"datasets": "data.datasets"}


def __getattr__(name: str) -> _Any:
    if name in _SUBMODULES:
        value = _import_module(f".{_SUBMODULES[name]}", __name__)
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tinygraph' has no attribute {name!r}")
    value = getattr(_import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
