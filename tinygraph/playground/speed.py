"""How many playground updates a second: ``python -m tinygraph.playground.speed``.

One update is what the page asks for while playing: a "play" request of a few epochs of mini-batch
SGD on the training points, answered with the new numbers, both errors and the decision surface
(the network's picture is redrawn only about every 1.5 s, so it is timed apart).  Measured over the
local server's HTTP, as the page sends it, for the brief's 2-8-8-1 on 200 moons points and for the
moons demo (2-16-16-1), with batch mode (numpy) and with the node engine alone.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Dict, List, Optional, Sequence

from ..networks.network import MLP
from .server import PlaygroundServer
from .state import Start

__all__ = ["updates_per_second", "main"]


def updates_per_second(start: Start, epochs: int = 5, updates: int = 30, fast: bool = True,
                       picture: bool = False) -> float:
    """Play ``updates`` times (``epochs`` each) through a fresh local server; the updates per second."""
    server = PlaygroundServer(start)
    try:
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
                   "X-Tinygraph-Token": server.token}
        body = json.dumps({"session": "speed" * 4, "epochs": epochs, "picture": picture, "fast": fast})

        def once() -> None:
            c.request("POST", "/api/play", body=body, headers=headers)
            r = c.getresponse()
            r.read()
        once()                                     # the session made and the network compiled
        t0 = time.perf_counter()
        for _ in range(updates):
            once()
        seconds = time.perf_counter() - t0
        c.close()
        return updates / seconds
    finally:
        server.stop()


def main(argv: Optional[Sequence[str]] = None) -> int:
    cases = [("2-8-8-1, 200 moons points", lambda: Start(MLP([2, 8, 8, 1], activation="tanh",
                                                             output_activation="sigmoid", seed=0),
                                                         dataset="moons")),
             ("2-16-16-1 ReLU (the moons demo's)", lambda: Start(MLP([2, 16, 16, 1], activation="relu",
                                                                     output_activation="linear", seed=0),
                                                                 dataset="moons"))]
    rows: List[Dict[str, object]] = []
    for name, start in cases:
        for fast in (True, False):
            for picture in (False, True):
                rate = updates_per_second(start(), fast=fast, picture=picture, updates=10 if picture or not fast else 30)
                rows.append({"network": name, "engine": "batch (numpy)" if fast else "nodes",
                             "picture": picture, "updates/s": round(rate, 1)})
                print(f"{name:28} {rows[-1]['engine']:14} {'with picture' if picture else 'numbers only':13} "
                      f"{rate:6.1f} updates/s (5 epochs each)", flush=True)
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main())
