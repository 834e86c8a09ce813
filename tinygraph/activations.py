"""Named activations: the function a neuron applies to its net input, and its slope.

Built in: ``sigmoid``, ``relu`` (alias ``ramp``), ``tanh``, ``sign`` (alias
``step``: -1 below zero, +1 otherwise), ``linear`` (alias ``identity``).
Add your own with :func:`register_activation` and use it by name anywhere an
activation is asked for (``net.neuron("h", activation="softplus")``).
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Union

from .errors import DomainError, NodeOverflowError, did_you_mean
from .node import Node, _check_value

__all__ = ["Activation", "register_activation", "get_activation", "activation_names", "activate"]

_INF = math.inf


class Activation:
    """A named scalar function f with its derivative df, applied to Nodes."""

    __slots__ = ("name", "f", "df", "_method", "builtin")

    def __init__(self, name: str, f: Callable[[float], float], df: Callable[[float], float],
                 method: str = "", builtin: bool = False) -> None:
        self.name = name
        self.f = f
        self.df = df
        self._method = method
        self.builtin = builtin

    def __call__(self, x: Union[Node, float]) -> Node:
        """Apply the activation to ``x`` (a Node or a number) and return the new Node."""
        if not isinstance(x, Node):
            x = Node(_check_value(x, f"the argument of {self.name}"))
        else:
            x = x._as_operand()  # a Neuron stands for its latest output node
        if self._method:
            return getattr(x, self._method)()
        v = x.value
        try:
            y = float(self.f(v))
            d = float(self.df(v))
        except (OverflowError, ValueError, ZeroDivisionError) as e:
            raise DomainError(f"activation {self.name!r} failed at {x._label()}: {e}") from None
        except TypeError as e:
            raise TypeError(f"activation {self.name!r}: its f and df must take a float and return a "
                            f"number; at {x._label()} one of them failed: {e}") from None
        if not (-_INF < y < _INF and -_INF < d < _INF):
            raise NodeOverflowError(f"activation {self.name!r} gave a non-finite value or slope "
                                    f"({y!r}, {d!r}) at {x._label()}")
        return x._make(self.name, y, d)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


_REGISTRY: Dict[str, Activation] = {}
_ALIASES = {"ramp": "relu", "step": "sign", "identity": "linear"}


def _sig(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


for _name, _f, _df in [
    ("sigmoid", _sig, lambda x: _sig(x) * (1.0 - _sig(x))),
    ("relu", lambda x: x if x > 0 else 0.0, lambda x: 1.0 if x > 0 else 0.0),
    ("tanh", math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    ("sign", lambda x: -1.0 if x < 0 else 1.0, lambda x: 0.0),
]:
    _REGISTRY[_name] = Activation(_name, _f, _df, method=_name, builtin=True)


class _Linear(Activation):
    __slots__ = ()

    def __call__(self, x: Union[Node, float]) -> Node:
        # The identity: the neuron's output is its net input itself (no extra node).
        if not isinstance(x, Node):
            x = Node(_check_value(x, "the argument of linear"))
        return x._as_operand()


_REGISTRY["linear"] = _Linear("linear", lambda x: x, lambda x: 1.0, builtin=True)


def activation_names() -> List[str]:
    """Every activation name that can be used, aliases included, sorted."""
    return sorted(set(_REGISTRY) | set(_ALIASES))


def get_activation(name: Union[str, Activation]) -> Activation:
    """Look up an activation by name (or pass an Activation through)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by name, e.g. 'sigmoid'; got {type(name).__name__} {name!r}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return _REGISTRY[key]
    except KeyError:
        hint = did_you_mean(key, activation_names())
        raise ValueError(f"unknown activation {name!r}.{hint} Known: {', '.join(activation_names())}; "
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
        raise TypeError(f"an activation's name must be a non-empty string, got {name!r}")
    if not callable(f) or not callable(df):
        raise TypeError("register_activation needs a function f(x) and its derivative df(x)")
    key = name.strip().lower()
    if key in _ALIASES or (key in _REGISTRY and (_REGISTRY[key].builtin or not replace)):
        raise ValueError(f"an activation named {name!r} already exists"
                         + ("" if key in _ALIASES or _REGISTRY[key].builtin else "; pass replace=True to change it"))
    act = Activation(key, f, df)
    _REGISTRY[key] = act
    return act


def activate(x: Union[Node, float], name: Union[str, Activation]) -> Node:
    """Apply the named activation to ``x``: ``activate(x, "softplus")``."""
    return get_activation(name)(x)
