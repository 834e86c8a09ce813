"""Activations, each defined once: the function a neuron applies to its net input, and its slope.

Every activation is one :class:`Activation` in one table: its name and
aliases, its value and slope for a scalar (what the engine's nodes use:
``Node.sigmoid``, ``tg.relu``, a neuron's activation), and, for the built-in
ones, the same function over numpy arrays (what batch mode uses).

Built in: ``sigmoid``, ``relu`` (alias ``ramp``), ``tanh``, ``sign`` (alias
``step``: -1 below zero, +1 otherwise), ``linear`` (alias ``identity``).
Add your own with :func:`register_activation` and use it by name anywhere an
activation is asked for (``net.neuron("h", activation="softplus")``).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .errors import BadValueError, DomainError, NodeOverflowError, WrongTypeError, did_you_mean

__all__ = ["Activation", "register_activation", "get_activation", "activation_names", "activate",
           "SIGMOID", "RELU", "TANH", "SIGN", "LINEAR"]

_INF = math.inf
_NINF = -math.inf
_exp = math.exp
_tanh = math.tanh


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

    def __call__(self, x: Union["Node", float]) -> "Node":
        """Apply the activation to ``x`` (a Node or a number) and return the new Node."""
        if x.__class__ is not Node:
            if isinstance(x, Node):
                x = x._as_operand()          # a Neuron stands for its latest output node
            else:
                x = Node(check_value(x, f"the argument of {self.name}"))
        if self.builtin:
            return _activate(x, self)
        return self._apply_checked(x)

    def _apply_checked(self, x: "Node") -> "Node":
        """A user's activation: its f and df may fail or overflow, so each is checked and named."""
        v = x.value
        try:
            finite = _NINF < v < _INF
        except (TypeError, ValueError):
            finite = False
        if not finite:
            raise _refused(self.name, (x,))
        try:
            y = float(self.f(v))
            d = float(self.df(v))
        except (OverflowError, ValueError, ZeroDivisionError) as e:
            raise DomainError(f"activation {self.name!r} failed at {x._label()}: {e}") from None
        except TypeError as e:
            raise WrongTypeError(f"activation {self.name!r}: its f and df must take a float and return a "
                            f"number; at {x._label()} one of them failed: {e}") from None
        if not (_NINF < y < _INF and _NINF < d < _INF):
            raise NodeOverflowError(f"activation {self.name!r} gave a non-finite value or slope "
                                    f"({y!r}, {d!r}) at {x._label()}")
        return _op(self.name, y, x, d)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class _Linear(Activation):
    __slots__ = ()

    def __call__(self, x: Union["Node", float]) -> "Node":
        # The identity: the neuron's output is its net input itself (no extra node).
        if not isinstance(x, Node):
            x = Node(check_value(x, "the argument of linear"))
        return x._as_operand()


def _builtin(name: str, value_and_slope: Callable[[float], Tuple[float, float]], array: Callable,
             array_slope: Callable, aliases: Tuple[str, ...] = (), cls: type = Activation) -> Activation:
    """A built-in activation from its one definition: value and slope together, and the array form."""
    return cls(name, lambda x: value_and_slope(x)[0], lambda x: value_and_slope(x)[1], builtin=True,
               value_and_slope=value_and_slope, array=array, array_slope=array_slope, aliases=aliases)


# -- the built-in activations: value and slope for a scalar, then the same over arrays ------------

def _sigmoid(x: float) -> Tuple[float, float]:
    """1 / (1 + e^-x), as e^x / (1 + e^x) below 0 so that e^-x never overflows; slope s (1 - s)."""
    if x >= 0.0:
        s = 1.0 / (1.0 + _exp(-x))
    else:
        z = _exp(x)
        s = z / (1.0 + z)
    return s, s * (1.0 - s)


def _sigmoid_array(np: Any, z: Any) -> Any:
    e = np.exp(-np.abs(z))                      # the same two forms, chosen by the sign of z
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _relu(x: float) -> Tuple[float, float]:
    """The ramp max(0, x); slope 1 above 0, and 0 at and below 0."""
    return (x, 1.0) if x > 0.0 else (0.0, 0.0)


def _tanh_(x: float) -> Tuple[float, float]:
    """tanh x; slope 1 - tanh^2 x."""
    t = _tanh(x)
    return t, 1.0 - t * t


def _sign(x: float) -> Tuple[float, float]:
    """The text's step: -1 for x < 0, +1 otherwise (sign(0) = +1); slope 0."""
    return (-1.0 if x < 0.0 else 1.0), 0.0


def _identity(x: float) -> Tuple[float, float]:
    return x, 1.0


SIGMOID = _builtin("sigmoid", _sigmoid, _sigmoid_array, lambda np, z, h: h * (1.0 - h))
RELU = _builtin("relu", _relu, lambda np, z: np.where(z > 0.0, z, 0.0),
                lambda np, z, h: (z > 0.0).astype(float), aliases=("ramp",))
TANH = _builtin("tanh", _tanh_, lambda np, z: np.tanh(z), lambda np, z, h: 1.0 - h * h)
SIGN = _builtin("sign", _sign, lambda np, z: np.where(z < 0.0, -1.0, 1.0),
                lambda np, z, h: np.zeros_like(z), aliases=("step",))
LINEAR = _builtin("linear", _identity, lambda np, z: z, lambda np, z, h: np.ones_like(z),
                  aliases=("identity",), cls=_Linear)

_REGISTRY: Dict[str, Activation] = {a.name: a for a in (SIGMOID, RELU, TANH, SIGN, LINEAR)}
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


def activate(x: Union["Node", float], name: Union[str, Activation]) -> "Node":
    """Apply the named activation to ``x``: ``activate(x, "softplus")``."""
    return get_activation(name)(x)


# The engine applies these definitions (tinygraph.node imports the table above), so its names come
# last: whichever of the two modules is imported first, both are complete afterwards.
from .checks import check_value  # noqa: E402
from .node import Node, _activate, _op, _refused  # noqa: E402
