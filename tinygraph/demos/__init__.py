"""The demos: the article made runnable.  ``tinygraph demo NAME`` runs one.

Each demo is a module here that says what it is and what it does:

* ``NAME`` (as typed on the command line) and ``SUMMARY`` (one line for ``tinygraph demos``);
* ``run(out, fast=False) -> dict``: prints what it shows, writes its diagrams and
  plots into the folder ``out`` (or its main picture to ``out`` itself when that
  names a .svg/.png/.pdf/.gv/.dot file), and returns its numbers (the tests check them);
* demos with a network to step through: ``build() -> (net, inputs, targets)`` and,
  where η = 0.5 would not show a small update, ``STEP_LR``.

``MODULES`` lists them in the order ``tinygraph demos`` shows them.  This
package uses the library and knows nothing of the command line.
"""

from __future__ import annotations

import os
from importlib import import_module
from types import ModuleType
from typing import Callable, Dict, Tuple, Union

from ..errors import GraphError, NameNotFoundError, TinygraphError, did_you_mean
from ..networks.network import Network
from .output import DemoError

__all__ = ["MODULES", "DEMOS", "UnknownDemoError", "DemoError", "list_demos", "run_demo", "get_demo",
           "demo_key", "step_networks", "build_for_steps", "DEFAULT_STEP_LR"]

#: the demo modules, in the order they are listed
MODULES = ("multiplier", "three_bits", "xor", "worked_example", "moons", "universal", "hopfield", "tumours", "digits")
#: the learning rate of a demo's step-through unless its module sets STEP_LR
DEFAULT_STEP_LR = 0.5


def _modules() -> Dict[str, ModuleType]:
    mods = [import_module(f".{m}", __name__) for m in MODULES]
    return {m.NAME: m for m in mods}


#: demo name -> (module name, one line): read from the modules themselves
DEMOS: Dict[str, Tuple[str, str]] = {name: (m.__name__.rsplit(".", 1)[1], m.SUMMARY)
                                     for name, m in _modules().items()}


class UnknownDemoError(TinygraphError, KeyError):
    """No demo has that name; the message lists the names."""

    def __str__(self) -> str:           # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def demo_key(name: object) -> str:
    """A demo's name as the registry spells it: any case, '_' or ' ' for '-'."""
    if not isinstance(name, str):
        raise UnknownDemoError(f"a demo is named by a string, got {type(name).__name__} {name!r}. "
                               f"Demos: {', '.join(DEMOS)}")
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def get_demo(name: str) -> ModuleType:
    """The module of the demo called ``name`` (e.g. ``"multiplier"``, ``"three_bits"`` works too)."""
    key = demo_key(name)
    if key not in DEMOS:
        hint = did_you_mean(key, DEMOS)
        raise UnknownDemoError(f"there is no demo called {name!r}.{hint} "
                               f"Demos: {', '.join(DEMOS)} (see 'tinygraph demos')")
    return import_module(f".{DEMOS[key][0]}", __name__)


def list_demos() -> str:
    """Every demo with one line each, as printed by ``tinygraph demos``."""
    width = max(map(len, DEMOS))
    lines = ["Demos (run one with: tinygraph demo NAME [--out FILE.svg|DIR]):", ""]
    lines += [f"  {name.ljust(width)}  {line}" for name, (_, line) in DEMOS.items()]
    return "\n".join(lines)


def run_demo(name: str, out: Union[str, os.PathLike, None] = None, fast: bool = False) -> int:
    """Run a demo, writing its pictures into the folder ``out`` (default ./tinygraph-out), or its main
    picture to ``out`` itself when that is a picture file (e.g. m.svg); returns the exit code 0."""
    get_demo(name).run(out, fast=fast)
    return 0


def step_networks() -> Dict[str, Callable[[], Tuple[Network, Dict[str, float], Dict[str, float]]]]:
    """The demos one can step through: name -> build() giving (net, inputs, targets)."""
    return {name: m.build for name, m in _modules().items() if callable(getattr(m, "build", None))}


def build_for_steps(name: str) -> Tuple[str, Network, Dict[str, float], Dict[str, float], float]:
    """The demo network ``name`` (any case, - or _) as (name, net, inputs, targets, its step η)."""
    nets = step_networks()
    key = demo_key(name)
    if key not in nets:
        hint = did_you_mean(key, nets)
        raise NameNotFoundError(f"no network named {name!r} to step through.{hint} "
                                f"Networks: {', '.join(sorted(nets))}")
    built = nets[key]()
    if not (isinstance(built, tuple) and len(built) == 3 and isinstance(built[0], Network)):
        raise GraphError(f"the demo {key!r} did not build (network, inputs, targets); got {type(built).__name__}")
    lr = getattr(get_demo(key), "STEP_LR", DEFAULT_STEP_LR)
    return (key,) + built + (lr,)
