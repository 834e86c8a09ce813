"""Play with a network live: a local server (127.0.0.1, with a token) whose page drives the real engine.

``tg.play(net)`` starts it and returns a :class:`~tinygraph.playground.server.PlaygroundServer`
handle (``.url``, ``.stop()``); in Jupyter the handle shows the playground inline.
``tinygraph play [NAME | FILE.json | DATA.csv --target COLUMN]`` does the same from the command line.
Each browser tab works on its own copy of the network; the object passed in is never changed.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from typing import Callable, Mapping, Optional, Sequence, Tuple

from ..engine.activations import get_activation
from ..networks.network import Network
from ..networks.scaling import Scaling
from ..data.tables import layered_network, read_table
from .errors import PlayError
from .server import PlaygroundServer
from .state import Start

__all__ = ["play", "PlaygroundServer", "PlayError", "start_for"]


def _in_notebook() -> bool:
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def play(net: Network, inputs: Optional[Mapping[str, float]] = None, targets: Optional[Mapping[str, float]] = None,
         lr: float = 0.5, port: int = 0, open_browser: Optional[bool] = None,
         data: Optional[Sequence[Tuple[Mapping[str, float], Mapping[str, float]]]] = None,
         title: Optional[str] = None, dataset: Optional[str] = None) -> PlaygroundServer:
    """Start the playground for ``net`` and return its handle (``.url`` with the token, ``.stop()``).

    ``inputs``/``targets``: the sample shown (default 0.5 for every input, 0 for every target).
    ``lr``: η for the SGD step and training.  ``data``: (inputs, targets) pairs to train on (default:
    the one sample).  ``port``: 0 takes a free one.  ``open_browser``: None opens it unless in Jupyter,
    where the returned handle shows the playground inline as the cell's result.
    ``dataset``: a network with two inputs and one output plays on points in the plane from the start
    ("moons", "circle", "spiral" or "xor"; the page picks others, sets noise, the split and the batch).
    """
    server = PlaygroundServer(Start(net, inputs, targets, lr=lr, data=data, title=title, dataset=dataset), port=port)
    if open_browser is None:
        open_browser = not _in_notebook()
    if open_browser:
        try:
            webbrowser.open(server.url)
        except Exception:          # no browser here: the printed address still works
            pass
    return server


def start_for(source: str, target: Optional[str] = None, hidden: Optional[Sequence[int]] = None,
              activation: Optional[str] = None, named: Optional[Callable[[str], Start]] = None) -> Start:
    """What ``tinygraph play SOURCE`` plays with: a saved FILE.json, or DATA.csv with ``target`` (a layered
    network with ``hidden`` layer sizes, default [4], of ``activation`` neurons, default tanh); any other
    SOURCE is a name that ``named`` turns into a Start (the command line passes the demos' networks)."""
    low = source.lower()
    if not low.endswith(".csv") and (hidden is not None or activation is not None):
        raise PlayError("--hidden and --activation go with a DATA.csv file (a demo or a saved network has its own)")
    if low.endswith(".csv"):
        if not target:
            raise PlayError(f"{source} is a data file: say which column to predict, e.g. --target label")
        table = read_table(source, target)
        scaling = Scaling.fit(table.inputs, table.rows, table.target, table.labels)
        out = "sigmoid" if table.classifier else "linear"
        act = get_activation(activation or "tanh").name      # an unknown name: a message listing the known ones
        net = layered_network(table.inputs, [4] if hidden is None else list(hidden), act, table.target, out, 0)
        net.scaling = scaling
        data = [(dict(zip(table.inputs, scaling.apply(r))), {table.target: t}) for r, t in zip(table.rows, table.targets)]
        x, t = data[0]
        return Start(net, x, t, lr=0.5, data=data, title=f"{os.path.basename(source)} → {target}")
    if target is not None:
        raise PlayError("--target goes with a DATA.csv file")
    if low.endswith(".json") or os.path.isfile(source):
        net = Network.load(source)
        return Start(net, title=os.path.basename(source))
    if named is None:
        raise PlayError(f"no file named {source!r}: give a saved network FILE.json or DATA.csv --target COLUMN")
    return named(source)
