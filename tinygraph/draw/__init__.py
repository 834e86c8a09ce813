"""Diagrams with Graphviz: the network with its weights, and the computation graph.

``draw_network(net)`` and ``draw_graph(node)`` return a :class:`Diagram`, which
holds the DOT text (``.source``) and the structure it was written from
(``.graph``), draws itself to SVG/PNG (``.svg()``, ``.save('x.png')``) with the
system ``dot`` or the bundled ``graphviz-pure``, and shows itself in Jupyter.
In the SVG a neuron's group has the id ``neuron_id(name)``, a synapse's
``synapse_id(src, dst)``, and what a picture highlights the class ``highlight``.
"""

from .diagram import Diagram
from .dot import neuron_id, synapse_id, svg_id
from .graph import draw_graph
from .network import Sizes, draw_network
from .render import find_engine

__all__ = ["Diagram", "draw_network", "draw_graph", "find_engine", "Sizes", "neuron_id", "synapse_id", "svg_id"]
