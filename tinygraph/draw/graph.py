"""draw_graph: the computation graph below a Node, every value with its grad (micrograd's picture)."""

from __future__ import annotations

from itertools import islice
from typing import Any, Collection, Dict, Iterable, List, Optional, Set, Tuple

from ..errors import GraphError
from ..node import Node, nodes_below
from .diagram import Diagram
from .dot import HIGHLIGHT, HIGHLIGHT_FILL, html, number

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


def _op_label(n: Node) -> str:
    op = n.op
    c = n.const
    if c is not None:
        return f"{html(op)} {html(number(c))}"
    if op in ORDERED and len(n.parents) == 2:          # two operands: say which is which
        return f"a {html(op)} b"
    return html(op)


def draw_graph(root: Node, *, grads: bool = True, highlight: Iterable[Node] = (),
               highlight_edges: Iterable[Tuple[Node, Node]] = (), known: Optional[Collection[Node]] = None,
               title: Optional[str] = None, max_nodes: int = DEFAULT_MAX_NODES,
               allow_large: bool = False) -> Diagram:
    """Draw the computation graph below ``root``: each node a box (name | value | grad), each op an ellipse.

    The drawing is deterministic: nodes are numbered in the order of a
    depth-first walk from ``root``, so the same graph gives the same DOT text.
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
    gid: Dict[int, str] = {id(n): f"g{i}" for i, n in enumerate(nodes)}
    lines = ["digraph graph_ {",
             f'  graph [rankdir=LR, ranksep=0.4, nodesep=0.25, fontname="{FONT}", fontsize=14, labelloc=t, '
             "pad=0.2" + (f", label=<<B>{html(title)}</B>>" if title else "") + "];",
             f'  node [fontname="{FONT}", fontsize=11];',
             f'  edge [arrowsize=0.6, color="#666666", fontname="{FONT}"];']
    for n in nodes:
        i = gid[id(n)]
        cells = []
        if n.name:
            cells.append(f"<TD><B>{html(n.name)}</B></TD>")
        cells.append(f"<TD>value {html(number(n.value))}</TD>")
        if grads:
            g = number(n.grad) if (kn is None or id(n) in kn) else "?"
            cells.append(f"<TD>grad {html(g)}</TD>")
        if id(n) in hl:
            table = f'BGCOLOR="{HIGHLIGHT_FILL}" COLOR="{HIGHLIGHT}" BORDER="3"'
        elif isinstance(n, (Synapse, Bias)):
            table = f'BGCOLOR="{PARAM_FILL}" BORDER="0"'
        elif n.is_leaf:
            table = f'BGCOLOR="{LEAF_FILL}" BORDER="0"'
        else:
            table = 'BGCOLOR="white" BORDER="0"'
        lines.append(f'  {i} [id="{i}", shape=plaintext, margin=0, label=<<TABLE {table} CELLBORDER="1" '
                     f'CELLSPACING="0" CELLPADDING="4"><TR>{"".join(cells)}</TR></TABLE>>];')
        if not n.is_leaf:
            lines.append(f'  {i}_op [id="{i}_op", shape=ellipse, height=0.3, margin="0.05,0.02", '
                         f"label=<{_op_label(n)}>];")
            lines.append(f"  {i}_op -> {i};")
    for n in nodes:
        i = gid[id(n)]
        ps = n.parents
        for k, p in enumerate(ps):
            attrs = []
            if (id(n), id(p)) in hl_edges:
                attrs += [f'color="{HIGHLIGHT}"', "penwidth=3.5", "arrowsize=0.9"]
            if n.op in ORDERED and len(ps) == 2:
                attrs += [f'label="{"ab"[k]}"', "fontsize=10", 'fontcolor="#555555"']
            tail = f" [{', '.join(attrs)}]" if attrs else ""
            lines.append(f"  {gid[id(p)]} -> {i}_op{tail};")
    lines.append("}")
    return Diagram("\n".join(lines) + "\n")
