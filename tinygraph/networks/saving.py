"""Save and load a Network as JSON: structure, activations, weights and biases.

The same functions as :mod:`tinygraph.networks.network_file` (which holds the format and
its checks), with tinygraph's Network as the class a file is read into:
``load_network("xor.json")`` is ``Network.load("xor.json")`` and
``save_network(net, "xor.json")`` is ``net.save("xor.json")``.  The format
module stands below ``network.py`` (``Network.save`` and ``Network.load`` use
it); this one stands above it, so neither imports the other in a circle.
"""

from __future__ import annotations

from typing import Any

from .network import Network
from .network_file import FORMAT, VERSION, PathLike, check_save_path, network_to_dict, save_network
from . import network_file as _format

__all__ = ["save_network", "load_network", "network_to_dict", "network_from_dict", "check_save_path", "FORMAT",
           "VERSION"]


def load_network(path: PathLike) -> Network:
    """Read a Network saved by ``save_network`` (or ``net.save``); raise NetworkFileError if the file is bad."""
    return _format.load_network(path, Network)


def network_from_dict(doc: Any, path: str = "<dict>") -> Network:
    """Build a Network from the description ``network_to_dict`` makes, checking every field."""
    return _format.network_from_dict(doc, Network, path)
