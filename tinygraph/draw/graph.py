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
import sys
from itertools import islice
from typing import Any, Collection, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..errors import GraphError, WrongTypeError
from ..engine.checks import short_repr
from ..networks.network import Bias, Network, Synapse
from ..engine.node import Node, nodes_below
from .diagram import Diagram
from .dot import (HIGHLIGHT, HIGHLIGHT_CLASS, HIGHLIGHT_FILL, Graph, Html, check_choice, check_count, check_flag,
                  check_text, drawn, font, html, number, text_width)

__all__ = ["draw_graph", "DEFAULT_MAX_NODES", "ROLES"]

FONT = "Helvetica"
#: above this many nodes draw_graph refuses unless asked: a picture of more boxes cannot be read (a
#: 2-16-16-1 loss graph, 440 nodes, came out 3561 x 15563 pt); see the error for other ways
DEFAULT_MAX_NODES = 200
#: measured, an MLP loss graph of 1137 nodes takes 5-12 s to lay out and one of 1907 nodes 30-50 s
#: (graphviz-pure / dot): the error for a larger max_nodes says so
LAYOUT_LIMIT = 1000
#: a box's cells (name, value, grad) one over another: measured, the README's graph is 1644 x 699 pt
#: so (2425 x 281 side by side) and the worked example's loss graph 1866 x 1385 pt (2781 x 471)
STACKED = True
#: the side of a weighted_sum table where its operands come in, by rankdir
_PORT_SIDE = {"LR": ":w", "RL": ":e", "TB": ":n", "BT": ":s"}
#: edges that skip many ranks cost like extra nodes (a leaf used far apart, e.g. a weight
#: shared along a long chain); refuse when nodes + skipped ranks exceed this many per max_nodes
#: (at most LAYOUT_LIMIT)
LAYOUT_BUDGET = 8
PARAM_FILL = "#E6F0F8"
LEAF_FILL = "#EEEEEE"
TEXT_SIZE, OP_SIZE, TITLE_SIZE = 11, 11, 14
CELL_PAD = 4            # CELLPADDING of a node's cells
BORDER = 3              # every box has this border (drawn when highlighted), so highlighting moves nothing


def _resolve(x: Any, what: str) -> Node:
    if not isinstance(x, Node):
        raise WrongTypeError(f"{what} takes Nodes of the graph, got the {type(x).__name__} {short_repr(x)}")
    try:
        return x._as_operand()
    except GraphError as e:
        raise GraphError(f"{what}: {e}") from None


def _items(items: Any, what: str, takes: str) -> List[Any]:
    """``items`` (an option that takes a list of ``takes``) as a list; one that is text or no
    collection at all is refused, naming ``what`` and the value given."""
    if not isinstance(items, (str, bytes)) and isinstance(items, Iterable):
        try:
            return list(items)
        except TypeError:                       # e.g. a 0-d numpy array, Iterable in name only
            pass
    raise WrongTypeError(f"{what} takes a list of {takes}, got the {type(items).__name__} {short_repr(items)}")


def _node_set(items: Optional[Iterable[Any]], what: str) -> Optional[Set[int]]:
    if items is None:
        return None
    if isinstance(items, Node):
        items = (items,)
    return {id(_resolve(x, what)) for x in _items(items, what, "Nodes of the graph")}


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


#: binary ops whose operands' order matters, and each operand's role.  The role is written on its edge
#: as a word, in small grey italics: it says what the operand does in the op, so no name a user gives a
#: node can be mistaken for it (names are drawn only in bold, in the first cell of their own box).
ROLES = {"-": ("minuend", "subtrahend"), "/": ("numerator", "denominator"), "**": ("base", "exponent")}
ORDERED = frozenset(ROLES)
ROLE_SIZE, BADGE_SIZE, FLOW_SIZE = 9, 9, 9
ROLE_COLOUR = "#555555"
BADGE_FILL = "#333333"                  # a "walk N" badge: white on dark grey
FLOW_COLOUR = "#6A3D9A"                 # "← 3": the gradient an edge has carried back
RECEIVED = "received"                   # SVG class of the edges bringing the highlighted node its gradient
CLUSTER_COLOUR = "#BBBBBB"


def _op_text(n: Node) -> str:
    op = n.op
    c = n.const
    if c is not None:
        return f"{op} {number(c)}"
    return op


def _operand_label(n: Node) -> str:
    """How a weighted_sum row names an operand: its name, else its value."""
    return n.name if n.name else number(n.value)


def _pairs(n: Node) -> Tuple[List[Tuple[str, int, int]], Optional[int]]:
    """A weighted_sum node's rows: ("w · x", weight's index, input's index) per pair, and the
    bias's index (None without one).  Its parents are w1, x1, w2, x2, ..., then the bias if any."""
    ps = n.parents
    pairs = [(f"{_operand_label(ps[k])} · {_operand_label(ps[k + 1])}", k, k + 1) for k in range(0, len(ps) - 1, 2)]
    return pairs, (len(ps) - 1 if len(ps) % 2 else None)


def _cell(text: str, fill: str, bold: bool = False, room: Optional[str] = None) -> str:
    """A table cell holding ``text`` on ``fill``, at least as wide as it (or ``room``) is in a wide font."""
    width = int(math.ceil(text_width(room or text, TEXT_SIZE, bold) + 2 * CELL_PAD + 2))
    return f'<TD WIDTH="{width}" BGCOLOR="{fill}" COLOR="black">{font(html(text), bold=bold)}</TD>'


def _rows(cells: List[str], stacked: bool) -> str:
    """A box's cells side by side (one row), or ``stacked`` one over another: a narrow box, so that
    a long graph drawn left to right is about half as wide."""
    if stacked:
        return "".join(f"<TR>{c}</TR>" for c in cells)
    return f"<TR>{''.join(cells)}</TR>"


def _height(size: float, pad: float) -> int:
    """A cell height (points) that holds a line of ``size`` text in any engine: given to a cell
    whether it holds text or is blank, so that a box keeps its size as numbers appear."""
    return int(math.ceil(1.5 * size + 2 * pad + 2))


def _badge(step: Optional[int], room: str, fill: str) -> str:
    """The "walk N" cell: N is when the backward walk finished the node; empty (same size) before."""
    width = int(math.ceil(text_width(room, BADGE_SIZE, True) + 2 * CELL_PAD + 2))
    size = f'WIDTH="{width}" HEIGHT="{_height(BADGE_SIZE, CELL_PAD)}"'
    if step is None:       # a blank in the badge's own font: no engine measures it taller than the badge
        return f'<TD {size} BGCOLOR="{fill}" COLOR="black">{font(" ", BADGE_SIZE, bold=True)}</TD>'
    return (f'<TD {size} BGCOLOR="{BADGE_FILL}" COLOR="black">'
            f'{font(html(f"walk {step}"), BADGE_SIZE, "white", bold=True)}</TD>')


def _weighted_sum_label(n: Node, border: str) -> str:
    """A weighted_sum op as a table: a row per weight–input pair ("w · x", port pK) and "+ bias"
    (port pb), so the two edges of a pair meet at their own row."""
    pairs, bias = _pairs(n)
    rows = [(text, f"p{k // 2}") for text, k, _ in pairs]
    if bias is not None:
        rows.append((f"+ {_operand_label(n.parents[bias])}", "pb"))
    head = "weighted_sum"
    width = int(math.ceil(max(text_width(t, OP_SIZE) for t in [head] + [r for r, _ in rows]) + 2 * CELL_PAD + 4))
    cells = [f'<TR><TD WIDTH="{width}" BGCOLOR="#F4F4F4">{font(html(head), bold=True)}</TD></TR>']
    cells += [f'<TR><TD PORT="{port}" WIDTH="{width}" ALIGN="LEFT">{html(text)}</TD></TR>' for text, port in rows]
    return (f'<TABLE COLOR="{border}" BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{CELL_PAD}" '
            f'BGCOLOR="white">{"".join(cells)}</TABLE>')


def _edge_label(role: Optional[str], flow: Optional[str], room: Optional[str], received: bool) -> str:
    """An operand edge's label: its role (in italics) over the gradient it carried back ("← 3"),
    the latter in a cell of fixed width (``room``), so the layout stays while amounts appear."""
    rows = []
    if role:
        rows.append(f'<TR><TD>{font("<I>" + html(role) + "</I>", ROLE_SIZE, ROLE_COLOUR)}</TD></TR>')
    if room is not None:
        width = int(math.ceil(text_width(room, FLOW_SIZE, True) + 2 * CELL_PAD + 2))
        bg = f' BGCOLOR="{HIGHLIGHT_FILL}"' if received and flow else ""
        # the blank in the amount's own size: in the edge's default font (14 pt) graphviz-pure
        # measures it taller than the cell, the label grows and the frames' layouts part by ~1 pt
        text = font(html(flow), FLOW_SIZE, FLOW_COLOUR, bold=received) if flow else font(" ", FLOW_SIZE)
        rows.append(f'<TR><TD WIDTH="{width}" HEIGHT="{_height(FLOW_SIZE, 1)}"{bg}>{text}</TD></TR>')
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'


def _neurons(nodes: List[Node], uses: Dict[int, int]) -> List[List[Node]]:
    """Groups to draw together: each weighted_sum node with the activation made from it alone,
    and the parameters (synapses, bias) only it reads."""
    consumer: Dict[int, Node] = {}
    for n in nodes:
        for p in n.parents:
            consumer[id(p)] = n
    groups = []
    for n in nodes:
        if n.op != "weighted_sum":
            continue
        group = [n]
        c = consumer.get(id(n))
        if c is not None and uses.get(id(n)) == 1 and len(c.parents) == 1:
            group.append(c)
        group += [p for p in n.parents if isinstance(p, (Synapse, Bias)) and uses.get(id(p)) == 1]
        groups.append(group)
    return groups


def _too_big(root: Node, nodes: List[Node], limit: int) -> GraphError:
    if any(isinstance(n, Synapse) for n in nodes):
        net = " draw the network instead with draw_network(net) (the same numbers, a circle per neuron);"
        part = " one neuron's part with draw_graph(net['NAME']),"
    else:
        net, part = " for a network's error, draw the network with draw_network(net);", ""
    return GraphError(
        f"the graph below {root._label()} has more than {limit} nodes: too many to read in one picture. "
        f"Draw a smaller part (draw_graph of a node nearer the inputs,{part} a smaller network),{net} or pass "
        f"a larger max_nodes (graphs of more than {LAYOUT_LIMIT} nodes take long to lay out: then pass "
        "allow_large=True and save the DOT text with .save('graph.gv'), which needs no layout).")


def draw_graph(root: Node, *, grads: bool = True, highlight: Iterable[Node] = (),
               highlight_edges: Iterable[Tuple[Node, Node]] = (), known: Optional[Collection[Node]] = None,
               title: Optional[str] = None, max_nodes: int = DEFAULT_MAX_NODES,
               allow_large: bool = False, walk: Optional[Sequence[Node]] = None,
               rankdir: str = "LR", stacked: Optional[bool] = None) -> Diagram:
    """Draw the computation graph below ``root``: each node a box (name | value | grad), each op an ellipse.

    The drawing is deterministic: nodes are numbered in the order of a
    depth-first walk from ``root``, so the same graph gives the same DOT text
    (and the SVG ids in the module docstring).  A ``weighted_sum`` op is a
    table with a row per weight–input pair (the two edges of a pair end at
    its row) and one for the bias; a neuron's weighted sum, activation and
    parameters are drawn in one box.  The operands of ``-``, ``/`` and ``**``
    are told apart by their role written on the edge (numerator, ...).
    ``highlight``: nodes to emphasise; ``highlight_edges``: (child, parent)
    pairs whose edge to emphasise (where a backward step sends gradient);
    ``known``: if given, only these nodes show their grad, the others '?'.
    ``walk``: the nodes the backward walk has finished, in its order: each
    gets a "walk N" badge, and every edge a child in ``walk`` has sent
    gradient back along carries the amount ("← 3"), bold on yellow (SVG class
    ``received``) where it went into a highlighted node; room for badges and
    amounts is kept on every box and edge, so frames keep one layout.
    ``rankdir``: "LR" (left to right, the default), "TB", "RL" or "BT";
    ``stacked``: a box's cells one over another (None: STACKED, yes) or in a row.
    Graphs of more than ``max_nodes`` nodes are refused (too many to read)
    with ways out; ``allow_large=True`` draws any size (save the DOT text as
    .gv then: that needs no layout).
    """
    if not isinstance(root, Node):
        hint = " To draw a network, use draw_network(net)." if isinstance(root, Network) else ""
        raise WrongTypeError(f"draw_graph draws the graph below a Node (e.g. a loss), "
                             f"got {type(root).__name__}.{hint}")
    root = _resolve(root, "draw_graph")
    max_nodes = check_count(max_nodes, "max_nodes")
    grads, allow_large = check_flag(grads, "grads"), check_flag(allow_large, "allow_large")
    stacked = check_flag(stacked, "stacked", none="the default, stacked")
    rankdir = check_choice(rankdir, "rankdir", tuple(_PORT_SIDE))
    title = check_text(title, "title")
    # a max_nodes of 10**400 means no limit, which islice takes up to sys.maxsize
    nodes = _nodes_below(root, None if allow_large else min(max_nodes, sys.maxsize - 1))
    if len(nodes) > max_nodes and not allow_large:
        raise _too_big(root, nodes, max_nodes)
    if not allow_large:
        cost = len(nodes) + _skipped_ranks(root)
        budget = LAYOUT_BUDGET * min(max_nodes, LAYOUT_LIMIT)
        if cost > budget:
            raise GraphError(
                f"the graph below {root._label()} has {len(nodes)} nodes, but its edges span many ranks "
                f"(layout work about {cost} nodes, over {budget}): too slow to lay out. Draw a smaller part "
                "(draw_graph of a node nearer the inputs), draw the network with draw_network(net), or pass "
                "allow_large=True and save the DOT text with .save('graph.gv') (no layout needed).")
    hl = _node_set(highlight, "highlight") or set()
    kn = _node_set(known, "known")
    hl_edges: Set[Tuple[int, int]] = set()
    pairs = "(child, parent) pairs of Nodes"
    for pair in [] if highlight_edges is None else _items(highlight_edges, "highlight_edges", pairs):
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, Node) for x in pair)):
            raise WrongTypeError(f"highlight_edges takes {pairs}, got the {type(pair).__name__} {short_repr(pair)}")
        hl_edges.add((id(_resolve(pair[0], "highlight_edges")), id(_resolve(pair[1], "highlight_edges"))))
    done: Optional[Dict[int, int]] = None
    if walk is not None:
        if isinstance(walk, Node):
            raise WrongTypeError(f"walk takes the Nodes the backward walk has finished, in order; got {short_repr(walk)}")
        done = {}
        for k, x in enumerate(_items(walk, "walk", "the Nodes the backward walk has finished, in order"), 1):
            done.setdefault(id(_resolve(x, "walk")), k)
    # every number drawn, as a float: a value (or grad) set by hand to nan, text, None or an array is
    # refused here, naming its node
    value = {id(n): drawn(n) for n in nodes}
    grad = {id(n): drawn(n, "grad") for n in nodes} if grads or walk is not None else {}

    num: Dict[int, int] = {id(n): i for i, n in enumerate(nodes)}
    uses: Dict[int, int] = {}
    for n in nodes:
        for p in n.parents:
            uses[id(p)] = uses.get(id(p), 0) + 1
    graph: Dict[str, Any] = dict(rankdir=rankdir, ranksep=0.4 if rankdir in ("LR", "RL") else 0.3, nodesep=0.25,
                                 fontname=FONT, fontsize=TITLE_SIZE, labelloc="t", pad=0.2)
    if title:
        graph["label"] = Html(font(html(title), bold=True))
    g = Graph("graph_", graph=graph, node=dict(fontname=FONT, fontsize=TEXT_SIZE),
              edge=dict(arrowsize=0.6, color="#666666", fontname=FONT))
    badge_room = f"walk {len(nodes)}"
    stacked = STACKED if stacked is None else stacked
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
        cells.append(_cell(f"value {number(value[id(n)])}", fill))
        if grads:
            shown = number(grad[id(n)]) if (kn is None or id(n) in kn) else "?"
            # as wide as the grad or '?', whichever is wider: the box keeps its size as grads appear
            wide = max(f"grad {number(grad[id(n)])}", "grad ?", key=lambda t: text_width(t, TEXT_SIZE))
            cells.append(_cell(f"grad {shown}", fill, room=wide))
        if done is not None:
            cells.append(_badge(done.get(id(n)), badge_room, fill))
        g.node(f"g{i}", id=f"node-{i}", shape="plaintext", margin=0, **({"class": HIGHLIGHT_CLASS} if lit else {}),
               label=Html(f'<TABLE COLOR="{border}" BORDER="{BORDER}" CELLBORDER="1" CELLSPACING="0" '
                          f'CELLPADDING="{CELL_PAD}">{_rows(cells, stacked)}</TABLE>'))
        if n.op == "weighted_sum":
            g.node(f"g{i}_op", id=f"op-{i}", shape="plaintext", margin=0,
                   label=Html(_weighted_sum_label(n, "#666666")))
            g.edge(f"g{i}_op", f"g{i}", id=f"result-{i}")
        elif not n.is_leaf:
            text = _op_text(n)
            g.node(f"g{i}_op", id=f"op-{i}", shape="ellipse", height=0.3, margin="0.05,0.02",
                   width=round(max(0.5, (text_width(text, OP_SIZE) + 12) / 72.0), 2), fixedsize=True,
                   label=Html(html(text)))
            g.edge(f"g{i}_op", f"g{i}", id=f"result-{i}")
    for n in nodes:
        i = num[id(n)]
        ps = n.parents
        roles = ROLES.get(n.op) if len(ps) == 2 else None
        ws = n.op == "weighted_sum"
        sent = done is not None and id(n) in done
        for k, (p, local) in enumerate(zip(ps, n.local_grads)):
            attrs: Dict[str, Any] = {"id": f"operand-{i}-{k}"}
            if (id(n), id(p)) in hl_edges:
                attrs.update({"class": HIGHLIGHT_CLASS, "color": HIGHLIGHT, "penwidth": 3.5, "arrowsize": 0.9})
            if ws:
                attrs["headport"] = (f"p{k // 2}" if k < len(ps) - len(ps) % 2 else "pb") + \
                    _PORT_SIDE[rankdir]
            role = roles[k] if roles else None
            if done is not None:
                amount = f"← {number(grad[id(n)] * local)}"
                received = sent and id(p) in hl
                if received and "class" not in attrs:
                    attrs["class"] = RECEIVED
                attrs["label"] = Html(_edge_label(role, amount if sent else None, amount, received))
            elif role:
                attrs["label"] = Html(_edge_label(role, None, None, False))
            if role:
                attrs["tooltip"] = f"{role} of {n.op}"
            g.edge(f"g{num[id(p)]}", f"g{i}_op", **attrs)
    for k, group in enumerate(_neurons(nodes, uses)):
        keys = [key for x in group for key in ((f"g{num[id(x)]}", f"g{num[id(x)]}_op") if not x.is_leaf
                                               else (f"g{num[id(x)]}",))]
        out = group[1] if len(group) > 1 and not group[1].is_leaf else group[0]
        label = {}
        if out.name and any(isinstance(x, Synapse) for x in group):
            label["label"] = Html(font(html(f"neuron {out.name}"), ROLE_SIZE, ROLE_COLOUR))
        g.cluster(f"n{k}", keys, style="rounded", color=CLUSTER_COLOUR, fontname=FONT, **label)
    return Diagram(graph=g)
