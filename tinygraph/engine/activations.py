"""Activations, each defined once: the function a neuron applies to its net input, and its slope.

Every activation is one :class:`Activation` in one table: its name and
aliases, its value and slope for a scalar (what the engine's nodes use:
``Node.sigmoid``, ``tg.relu``, a neuron's activation), and, for the built-in
ones, the same function over numpy arrays (what batch mode uses).  The
built-ins' scalar value and slope are the engine's own ops
(``tinygraph.engine.node.sigmoid_and_slope``, ...), so each is written once.

Built in: ``sigmoid``, ``relu`` (alias ``ramp``), ``tanh``, ``sign`` (alias
``step``: -1 below zero, +1 otherwise), ``linear`` (alias ``identity``).
Add your own with :func:`register_activation` and use it by name anywhere an
activation is asked for (``net.neuron("h", activation="softplus")``).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .checks import check_value
from .diagnosis import label
from ..errors import BadValueError, DomainError, NodeOverflowError, WrongTypeError, did_you_mean
from .node import Node, function, relu_and_slope, sigmoid_and_slope, sign_and_slope, tanh_and_slope

__all__ = ["Activation", "register_activation", "get_activation", "activation_names", "activate",
           "SIGMOID", "RELU", "TANH", "SIGN", "LINEAR", "SOFTMAX"]

_INF = math.inf
_NINF = -math.inf


class Activation:
    """A named activation: ``f(x)`` its value, ``df(x)`` its slope, applied to Nodes by calling it.

    ``value_and_slope(x)`` gives both at once (the engine's nodes store both).
    ``array(np, z)`` and ``array_slope(np, z, h)`` (with ``h = array(np, z)``)
    are the same function over numpy arrays, for batch mode; an activation
    without them (one a user registers) is applied there one number at a time.
    """

    __slots__ = ("name", "f", "df", "value_and_slope", "array", "array_slope", "aliases", "builtin")

    def __init__(self, name: str, f: Callable[[float], float], df: Callable[[float], float],
                 builtin: bool = False, *, value_and_slope: Optional[Callable[[float], Tuple[float, float]]] = None,
                 array: Optional[Callable[[Any, Any], Any]] = None,
                 array_slope: Optional[Callable[[Any, Any, Any], Any]] = None,
                 aliases: Tuple[str, ...] = ()) -> None:
        self.name = name
        self.f = f
        self.df = df
        self.value_and_slope = value_and_slope or (lambda x: (f(x), df(x)))
        self.array = array
        self.array_slope = array_slope
        self.aliases = aliases
        self.builtin = builtin

    def __call__(self, x: Union[Node, float]) -> Node:
        """Apply the activation to ``x`` (a Node or a number) and return the new Node."""
        if x.__class__ is not Node:
            if isinstance(x, Node):
                x = x._as_operand()          # a Neuron stands for its latest output node
            else:
                x = Node(check_value(x, f"the argument of {self.name}"))
        return function(x, self.name, self.value_and_slope if self.builtin else self._checked(x))

    def _checked(self, x: Node) -> Callable[[float], Tuple[float, float]]:
        """A user's f and df, each checked: either may fail or overflow, and the message names x."""
        def value_and_slope(v: float) -> Tuple[float, float]:
            try:
                y = float(self.f(v))
                d = float(self.df(v))
            except (OverflowError, ValueError, ZeroDivisionError) as e:
                raise DomainError(f"activation {self.name!r} failed at {label(x)}: {e}") from None
            except TypeError as e:
                raise WrongTypeError(f"activation {self.name!r}: its f and df must take a float and return a "
                                     f"number; at {label(x)} one of them failed: {e}") from None
            if not (_NINF < y < _INF and _NINF < d < _INF):
                raise NodeOverflowError(f"activation {self.name!r} gave a non-finite value or slope "
                                        f"({y!r}, {d!r}) at {label(x)}")
            return y, d
        return value_and_slope

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class _Linear(Activation):
    __slots__ = ()

    def __call__(self, x: Union[Node, float]) -> Node:
        # The identity: the neuron's output is its net input itself (no extra node).
        if not isinstance(x, Node):
            x = Node(check_value(x, "the argument of linear"))
        return x._as_operand()


def _builtin(name: str, value_and_slope: Callable[[float], Tuple[float, float]], array: Callable,
             array_slope: Callable, aliases: Tuple[str, ...] = (), cls: type = Activation) -> Activation:
    """A built-in activation from its one definition: value and slope together, and the array form."""
    return cls(name, lambda x: value_and_slope(x)[0], lambda x: value_and_slope(x)[1], builtin=True,
               value_and_slope=value_and_slope, array=array, array_slope=array_slope, aliases=aliases)


# -- the built-in activations: value and slope for a scalar (the engine's ops), the same over arrays ------

def _sigmoid_array(np: Any, z: Any) -> Any:
    e = np.exp(-np.abs(z))                      # the two forms of sigmoid_and_slope, chosen by the sign of z
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _identity(x: float) -> Tuple[float, float]:
    return x, 1.0


SIGMOID = _builtin("sigmoid", sigmoid_and_slope, _sigmoid_array, lambda np, z, h: h * (1.0 - h))
RELU = _builtin("relu", relu_and_slope, lambda np, z: np.where(z > 0.0, z, 0.0),
                lambda np, z, h: (z > 0.0).astype(float), aliases=("ramp",))
TANH = _builtin("tanh", tanh_and_slope, lambda np, z: np.tanh(z), lambda np, z, h: 1.0 - h * h)
SIGN = _builtin("sign", sign_and_slope, lambda np, z: np.where(z < 0.0, -1.0, 1.0),
                lambda np, z, h: np.zeros_like(z), aliases=("step",))
LINEAR = _builtin("linear", _identity, lambda np, z: z, lambda np, z, h: np.ones_like(z),
                  aliases=("identity",), cls=_Linear)



class _Softmax(Activation):
    """The activation of a whole output layer, not of one neuron: O_k = e^(net_k) / sum_j e^(net_j).

    A network gives every output neuron built with activation "softmax" one softmax
    over their net inputs together (tinygraph.engine.node.softmax); on one number alone it
    would always be 1.0, so calling it on one node is refused.  ``array(np, Z)`` is
    the softmax of each row of Z (batch mode), with the same log-sum-exp shift.
    """

    __slots__ = ()

    def __call__(self, x: Union[Node, float]) -> Node:
        raise BadValueError("softmax is an activation of a whole layer (O_k = e^net_k / sum_j e^net_j), not of one "
                            "number (that would always be 1.0): use tg.softmax([net1, net2, ...]), or build the "
                            "output neurons with activation='softmax' and the network applies one softmax to them")


def _softmax_one(x: float) -> Tuple[float, float]:
    return 1.0, 0.0                              # a softmax over one number: 1, flat (never used by a layer)


def _softmax_rows(np: Any, z: Any) -> Any:
    e = np.exp(z - z.max(axis=1, keepdims=True))     # the log-sum-exp shift, as tinygraph.engine.node.softmax
    return e / e.sum(axis=1, keepdims=True)


def _softmax_rows_slope(np: Any, z: Any, h: Any) -> Any:
    raise BadValueError("the softmax's slope is not one number per neuron (dO_k/dnet_j = O_k (1[k=j] - O_j)); "
                        "batch mode applies it to the whole layer")


SOFTMAX = _builtin("softmax", _softmax_one, _softmax_rows, _softmax_rows_slope, cls=_Softmax)

_REGISTRY: Dict[str, Activation] = {a.name: a for a in (SIGMOID, RELU, TANH, SIGN, LINEAR, SOFTMAX)}
_ALIASES = {alias: a.name for a in _REGISTRY.values() for alias in a.aliases}


# -- by name -------------------------------------------------------------------------------

def activation_names() -> List[str]:
    """Every activation name that can be used, aliases included, sorted."""
    return sorted(set(_REGISTRY) | set(_ALIASES))


def get_activation(name: Union[str, Activation]) -> Activation:
    """Look up an activation by name (or pass an Activation through)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise WrongTypeError(f"an activation is given by name, e.g. 'sigmoid'; got {type(name).__name__} {name!r}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return _REGISTRY[key]
    except KeyError:
        hint = did_you_mean(key, activation_names())
        raise BadValueError(f"unknown activation {name!r}.{hint} Known: {', '.join(activation_names())}; "
                         "add your own with tinygraph.register_activation(name, f, df).") from None


def register_activation(name: str, f: Callable[[float], float], df: Callable[[float], float],
                        replace: bool = False) -> Activation:
    """Add an activation usable by name: ``f`` maps a float to a float, ``df`` is its derivative.

    Example::

        tg.register_activation("softplus", lambda x: math.log1p(math.exp(x)),
                               lambda x: 1 / (1 + math.exp(-x)))
        net.neuron("h", activation="softplus")
    """
    if not isinstance(name, str) or not name.strip():
        raise WrongTypeError(f"an activation's name must be a non-empty string, got {name!r}")
    if not callable(f) or not callable(df):
        raise WrongTypeError("register_activation needs a function f(x) and its derivative df(x)")
    key = name.strip().lower()
    if key in _ALIASES or (key in _REGISTRY and (_REGISTRY[key].builtin or not replace)):
        raise BadValueError(f"an activation named {name!r} already exists"
                         + ("" if key in _ALIASES or _REGISTRY[key].builtin else "; pass replace=True to change it"))
    act = Activation(key, f, df)
    _REGISTRY[key] = act
    return act


def activate(x: Union[Node, float], name: Union[str, Activation]) -> Node:
    """Apply the named activation to ``x``: ``activate(x, "softplus")``."""
    return get_activation(name)(x)

