"""draw_graph: the computation graph below a Node, every value with its grad (micrograd's picture).

Nodes are numbered in the order of a depth-first walk from the root (the root
is 0), and the SVG ids follow that number K: ``node-K`` for a node's box,
``op-K`` for the op that made it, ``operand-K-I`` for the edge carrying its
I-th operand (from 0) into that op, ``result-K`` for the edge from the op to
the box.  What ``highlight`` and ``highlight_edges`` name carries the SVG
class ``highlight``.  Every cell is sized for its text by tinygraph's own
generous measure, and a grad cell for the number whether it is shown or '?',
so the boxes keep their size (and the layout its shape) while a step-through
reveals gradients.
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any, Collection, Dict, Iterable, List, Optional, Set, Tuple

from ..errors import GraphError
from ..node import Node, nodes_below
from .diagram import Diagram
from .dot import HIGHLIGHT, HIGHLIGHT_CLASS, HIGHLIGHT_FILL, Graph, Html, font, html, number, text_width

__all__ = ["draw_graph", "DEFAULT_MAX_NODES"]

FONT = "Helvetica"
#: above this many nodes draw_graph refuses: measured, an MLP loss graph of 1137 nodes takes 5-12 s to
#: lay out and one of 1907 nodes 30-50 s (graphviz-pure / dot); see the error for other ways
DEFAULT_MAX_NODES = 1000
#: edges that skip many ranks cost like extra nodes (a leaf used far apart, e.g. a weight
#: shared along a long chain); refuse when nodes + skipped ranks exceed this many per max_nodes
LAYOUT_BUDGET = 8
PARAM_FILL = "#E6F0F8"
LEAF_FILL = "#EEEEEE"
TEXT_SIZE, OP_SIZE, TITLE_SIZE = 11, 11, 14
CELL_PAD = 4            # CELLPADDING of a node's cells
BORDER = 3              # every box has this border (drawn when highlighted), so highlighting moves nothing


def _resolve(x: Any, what: str) -> Node:
    if not isinstance(x, Node):
        raise TypeError(f"{what} takes Nodes of the graph, got {type(x).__name__} {x!r}")
    try:
        return x._as_operand()
    except GraphError as e:
        raise GraphError(f"{what}: {e}") from None


def _node_set(items: Optional[Iterable[Any]], what: str) -> Optional[Set[int]]:
    if items is None:
        return None
    if isinstance(items, Node):
        items = (items,)
    return {id(_resolve(x, what)) for x in items}


def _nodes_below(root: Node, limit: Optional[int]) -> List[Node]:
    """Nodes below ``root`` in depth-first preorder (parents in order); stops past ``limit``."""
    return list(islice(nodes_below(root), None if limit is None else limit + 1))


def _skipped_ranks(root: Node) -> int:
    """Roughly how many ranks the edges skip when laid out (each costs dot like a node).

    Ranks are the longest path from ``root`` (a record and its op ellipse take
    two); an edge from a node much deeper than its consumer crosses the ranks between.
    """
    order: List[Node] = []                   # post-order: parents before the nodes made from them
    seen = {id(root)}
    stack = [(root, 0)]
    while stack:
        n, k = stack.pop()
        ps = n.parents
        if k < len(ps):
            stack.append((n, k + 1))
            p = ps[k]
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, 0))
        else:
            order.append(n)
    depth = {id(root): 0}
    for n in reversed(order):                # each node after every node made from it
        d = depth[id(n)] + 2
        for p in n.parents:
            if depth.get(id(p), -1) < d:
                depth[id(p)] = d
    return sum(depth[id(p)] - depth[id(n)] - 2 for n in order for p in n.parents)


#: binary ops whose operands' order matters: drawn as "a - b" with edges labelled a and b
ORDERED = frozenset({"-", "/", "**"})


def _op_text(n: Node) -> str:
    op = n.op
    c = n.const
    if c is not None:
        return f"{op} {number(c)}"
    if op in ORDERED and len(n.parents) == 2:          # two operands: say which is which
        return f"a {op} b"
    return op


def _cell(text: str, fill: str, bold: bool = False, room: Optional[str] = None) -> str:
    """A table cell holding ``text`` on ``fill``, at least as wide as it (or ``room``) is in a wide font."""
    width = int(math.ceil(text_width(room or text, TEXT_SIZE, bold) + 2 * CELL_PAD + 2))
    return f'<TD WIDTH="{width}" BGCOLOR="{fill}" COLOR="black">{font(html(text), bold=bold)}</TD>'


def draw_graph(root: Node, *, grads: bool = True, highlight: Iterable[Node] = (),
               highlight_edges: Iterable[Tuple[Node, Node]] = (), known: Optional[Collection[Node]] = None,
               title: Optional[str] = None, max_nodes: int = DEFAULT_MAX_NODES,
               allow_large: bool = False) -> Diagram:
    """Draw the computation graph below ``root``: each node a box (name | value | grad), each op an ellipse.

    The drawing is deterministic: nodes are numbered in the order of a
    depth-first walk from ``root``, so the same graph gives the same DOT text
    (and the SVG ids in the module docstring).
    ``highlight``: nodes to emphasise; ``highlight_edges``: (child, parent)
    pairs whose edge to emphasise (where a backward step sends gradient);
    ``known``: if given, only these nodes show their grad, the others '?'.
    Graphs of more than ``max_nodes`` nodes are refused unless
    ``allow_large=True`` (then save the DOT text as .gv: that needs no layout).
    """
    if not isinstance(root, Node):
        from ..network import Network
        hint = " To draw a network, use draw_network(net)." if isinstance(root, Network) else ""
        raise TypeError(f"draw_graph draws the graph below a Node (e.g. a loss), "
                        f"got {type(root).__name__}.{hint}")
    root = _resolve(root, "draw_graph")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    nodes = _nodes_below(root, None if allow_large else max_nodes)
    if len(nodes) > max_nodes and not allow_large:
        raise GraphError(
            f"the graph below {root._label()} has more than {max_nodes} nodes: too many to lay out in "
            "reasonable time or read. Draw a smaller part (draw_graph of a node nearer the inputs), "
            "draw the network instead with draw_network(net), or pass allow_large=True and save the DOT "
            "text with .save('graph.gv') (no layout needed).")
    if not allow_large:
        cost = len(nodes) + _skipped_ranks(root)
        if cost > LAYOUT_BUDGET * max_nodes:
            raise GraphError(
                f"the graph below {root._label()} has {len(nodes)} nodes, but its edges span many ranks "
                f"(layout work about {cost} nodes, over {LAYOUT_BUDGET} x max_nodes = "
                f"{LAYOUT_BUDGET * max_nodes}): too slow to lay out. Draw a smaller part (draw_graph of a "
                "node nearer the inputs), draw the network with draw_network(net), or pass "
                "allow_large=True and save the DOT text with .save('graph.gv') (no layout needed).")
    hl = _node_set(highlight, "highlight") or set()
    kn = _node_set(known, "known")
    hl_edges: Set[Tuple[int, int]] = set()
    for pair in highlight_edges:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"highlight_edges takes (child, parent) pairs of Nodes, got {pair!r}")
        hl_edges.add((id(_resolve(pair[0], "highlight_edges")), id(_resolve(pair[1], "highlight_edges"))))

    from ..network import Bias, Synapse
    num: Dict[int, int] = {id(n): i for i, n in enumerate(nodes)}
    graph: Dict[str, Any] = dict(rankdir="LR", ranksep=0.4, nodesep=0.25, fontname=FONT, fontsize=TITLE_SIZE,
                                 labelloc="t", pad=0.2)
    if title:
        graph["label"] = Html(font(html(title), bold=True))
    g = Graph("graph_", graph=graph, node=dict(fontname=FONT, fontsize=TEXT_SIZE),
              edge=dict(arrowsize=0.6, color="#666666", fontname=FONT))
    for n in nodes:
        i = num[id(n)]
        lit = id(n) in hl
        # every box has the same border, drawn only when highlighted: highlighting moves nothing
        if lit:
            fill, border = HIGHLIGHT_FILL, HIGHLIGHT
        else:
            fill = PARAM_FILL if isinstance(n, (Synapse, Bias)) else LEAF_FILL if n.is_leaf else "white"
            border = "transparent"
        cells = []
        if n.name:
            cells.append(_cell(n.name, fill, bold=True))
        cells.append(_cell(f"value {number(n.value)}", fill))
        if grads:
            shown = number(n.grad) if (kn is None or id(n) in kn) else "?"
            # as wide as the grad or '?', whichever is wider: the box keeps its size as grads appear
            wide = max(f"grad {number(n.grad)}", "grad ?", key=lambda t: text_width(t, TEXT_SIZE))
            cells.append(_cell(f"grad {shown}", fill, room=wide))
        g.node(f"g{i}", id=f"node-{i}", shape="plaintext", margin=0, **({"class": HIGHLIGHT_CLASS} if lit else {}),
               label=Html(f'<TABLE COLOR="{border}" BORDER="{BORDER}" CELLBORDER="1" CELLSPACING="0" '
                          f'CELLPADDING="{CELL_PAD}"><TR>{"".join(cells)}</TR></TABLE>'))
        if not n.is_leaf:
            text = _op_text(n)
            g.node(f"g{i}_op", id=f"op-{i}", shape="ellipse", height=0.3, margin="0.05,0.02",
                   width=round(max(0.5, (text_width(text, OP_SIZE) + 12) / 72.0), 2), fixedsize=True,
                   label=Html(html(text)))
            g.edge(f"g{i}_op", f"g{i}", id=f"result-{i}")
    for n in nodes:
        i = num[id(n)]
        ps = n.parents
        for k, p in enumerate(ps):
            attrs: Dict[str, Any] = {"id": f"operand-{i}-{k}"}
            if (id(n), id(p)) in hl_edges:
                attrs.update({"class": HIGHLIGHT_CLASS, "color": HIGHLIGHT, "penwidth": 3.5, "arrowsize": 0.9})
            if n.op in ORDERED and len(ps) == 2:
                attrs.update(label="ab"[k], fontsize=10, fontcolor="#555555")
            g.edge(f"g{num[id(p)]}", f"g{i}_op", **attrs)
    return Diagram(graph=g)

