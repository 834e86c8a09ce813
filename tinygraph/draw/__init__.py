"""Diagrams with Graphviz: the network with its weights, and the computation graph.

``draw_network(net)`` and ``draw_graph(node)`` return a :class:`Diagram`, which
holds the DOT text (``.source``), draws itself to SVG/PNG (``.svg()``,
``.save('x.png')``) with the system ``dot`` or the bundled ``graphviz-pure``,
and shows itself in Jupyter.
"""

from .diagram import Diagram
from .graph import draw_graph
from .network import draw_network
from .render import find_engine

__all__ = ["Diagram", "draw_network", "draw_graph", "find_engine"]
