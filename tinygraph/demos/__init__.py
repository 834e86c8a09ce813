"""The demos: the article made runnable.  ``tinygraph demo NAME`` runs one.

Each demo is a module here with ``run(out, fast=False) -> dict``: it prints
what it shows, writes its diagrams and plots into the folder ``out`` (or its main
picture to ``out`` itself when that names a .svg/.png/.pdf/.gv/.dot file), and returns its
numbers (the tests check them).  Demos with a network also have
``build() -> (net, inputs, targets)``, used by ``tinygraph step NAME``.
"""

from __future__ import annotations

import os
from importlib import import_module
from types import ModuleType
from typing import Dict, List, Optional, Tuple, Union

from ..errors import TinygraphError, did_you_mean
from ._common import DemoError, printable_streams

__all__ = ["DEMOS", "UnknownDemoError", "DemoError", "list_demos", "run_demo", "get_demo", "script_main"]

# name -> (module, one line)
DEMOS: Dict[str, Tuple[str, str]] = {
    "multiplier": ("multiplier", "four neurons multiply two numbers: x*y from sigmoids (Lin-Tegmark-Rolnick)"),
    "three-bits": ("three_bits", "one neuron multiplies three bits: s(beta(b1+b2+b3) - 2.5 beta), exact with a step"),
    "xor": ("xor", "a 2-2-1 sigmoid network learns XOR by backprop until E is below a threshold"),
    "worked-example": ("worked_example", "a 2-2-2 network: forward pass, every delta and gradient, one update"),
    "moons": ("moons", "a 2-16-16-1 ReLU network learns two moons (hinge loss + L2, SGD)"),
    "universal": ("universal", "more hidden neurons fit sin(x) as closely as you like"),
    "hopfield": ("hopfield", "store 5x5 letters in a Hopfield network and recall them from noisy copies"),
}


class UnknownDemoError(TinygraphError, KeyError):
    """No demo has that name; the message lists the names."""

    def __str__(self) -> str:           # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def _key(name: object) -> str:
    if not isinstance(name, str):
        raise UnknownDemoError(f"a demo is named by a string, got {type(name).__name__} {name!r}. "
                               f"Demos: {', '.join(DEMOS)}")
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def get_demo(name: str) -> ModuleType:
    """The module of the demo called ``name`` (e.g. ``"multiplier"``, ``"three_bits"`` works too)."""
    key = _key(name)
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
    module = get_demo(name)
    printable_streams()
    module.run(out, fast=fast)
    return 0



def script_main(name: str, argv: Optional[List[str]] = None) -> int:
    """What ``python demos/<name>.py`` runs: ``tinygraph demo <name>`` with the script's own --help.

    The script fixes the demo, so its usage shows only --out and --fast (not
    the generic ``tinygraph demo [name]``); the options are then passed on unchanged.
    """
    import argparse
    import sys
    from pathlib import Path

    from ..cli import main
    from ._common import rel
    module, line = DEMOS[_key(name)]
    argv = sys.argv[1:] if argv is None else list(argv)
    script = sys.argv[0] if sys.argv and sys.argv[0].endswith(f"{module}.py") else ""
    prog = rel(Path(script)) if script else f"demos/{module}.py"
    parser = argparse.ArgumentParser(
        prog=prog, description=f"Demo: {line}. The same as 'tinygraph demo {_key(name)}'.")
    parser.add_argument("--out", default=None, metavar="FILE.svg|DIR",
                        help="where the pictures go: a file ending in .svg, .png, .pdf, .gv or .dot gets the "
                             "demo's main picture (its other files go beside it, named as usual); anything "
                             "else is a folder for all of them (default: ./tinygraph-out)")
    parser.add_argument("--fast", action="store_true", help="a quick, smaller run (used by the tests)")
    parser.parse_args(argv)            # --help, or a clear error for an unknown option, in this usage
    return main(["demo", _key(name)] + argv)
