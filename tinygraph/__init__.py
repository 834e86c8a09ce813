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

from .activations import Activation, activate, activation_names, get_activation, register_activation
from .errors import (BadValueError, DomainError, GraphError, NetworkFileError, NodeOverflowError,
                     NodeZeroDivisionError, NotFiniteError, RenderError, TinygraphError, WrongTypeError)
from .gradcheck import GradcheckError, GradcheckResult, gradcheck
from .node import Node, as_node, exp, log, relu, sigmoid, sign, softmax, tanh, walk, weighted_sum

__version__ = "0.1.0"

# name -> module that defines it, loaded on first access
_LAZY = {
    "Neuron": "network", "Synapse": "network", "Bias": "network", "Network": "network", "MLP": "network",
    "squared_error": "losses", "mse": "losses", "hinge": "losses", "binary_cross_entropy": "losses",
    "cross_entropy": "losses",
    "l2": "losses",
    "SGD": "training", "train": "training",  # module not named train: it would shadow tg.train
    "NameNotFoundError": "errors", "DivergenceError": "training",
    "TrainingWarning": "training",
    "delta_rule": "deltas",
    "Hopfield": "hopfield", "hebbian_weights": "hopfield",
    "Diagram": "draw", "draw_network": "draw", "draw_graph": "draw",
    "backprop_steps": "steps", "Step": "steps", "Contribution": "steps",
    "network_steps": "narrative", "NetworkStep": "narrative",
    "explain": "explanation", "Explanation": "explanation",
    "compile_network": "batch", "BatchNetwork": "batch",
    "gc_paused": "node",
    "make_moons": "datasets",
    "to_torch": "torch_bridge", "from_torch": "torch_bridge", "compare_with_torch": "torch_bridge",
    "MissingDependencyError": "torch_bridge", "TorchBridgeError": "torch_bridge",
    "training_page": "draw.training_page", "TrainingPage": "draw.training_page",
    "Snapshot": "training", "read_table": "tables", "train_table": "tables", "DataFileError": "tables",
    "play": "playground",  # module not named play: it would shadow tg.play
}

__all__ = [
    "Node", "walk", "as_node", "weighted_sum", "softmax", "exp", "log", "sigmoid", "relu", "tanh", "sign",
    "Activation", "activate", "activation_names", "get_activation", "register_activation",
    "gradcheck", "GradcheckResult", "GradcheckError",
    "TinygraphError", "DomainError", "NodeZeroDivisionError", "NodeOverflowError", "GraphError",
    "NetworkFileError", "RenderError", "WrongTypeError", "BadValueError", "NotFiniteError", "__version__",
] + list(_LAZY)


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tinygraph' has no attribute {name!r}")
    value = getattr(_import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
