"""draw_network: a Network as neurons in columns with the weights on their synapses."""

from __future__ import annotations

import math
import re
from html import unescape
from typing import Any, Collection, Dict, Iterable, List, Optional, Tuple

from ..errors import GraphError
from ..network import Bias, Network, Neuron, Synapse
from ..node import reached
from .diagram import Diagram
from .dot import HIGHLIGHT, HIGHLIGHT_FILL, NEGATIVE, POSITIVE, ZERO, html, number, quote, text_width

__all__ = ["draw_network"]

FONT = "Helvetica"
INPUT_FILL = "#EEEEEE"
HIDDEN_FILL = "#FFFFFF"
OUTPUT_FILL = "#E6F0F8"
#: measured: 1600 synapses lay out in 1-2 s; far more is slow and unreadable anyway
MAX_SYNAPSES = 5000
#: above this many synapses the weights are not written on the edges unless edge_labels=True:
#: each label is laid out like a node, and a 2-16-16-1 net (304 synapses) became a strip 17000 px tall
EDGE_LABEL_LIMIT = 40
#: every neuron is a circle at least this wide (inches); wider when its text needs it
MIN_WIDTH = 0.9
NAME_SIZE, TEXT_SIZE, SMALL_SIZE = 11, 11, 9
LEGEND_SIZE = 9


def _sign_colour(w: float) -> str:
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO


def _collect(items: Iterable[Any], what: str, kinds: Tuple[type, ...] = (Neuron, Synapse, Bias)) -> set:
    """The ids of the Neurons/Synapses/Biases (``kinds``) in ``items`` (a single one is fine too)."""
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        items = (items,)
    out = set()
    for x in items:
        if not isinstance(x, kinds):
            takes = "Neurons, Synapses and Biases" if len(kinds) > 1 else "Neurons"
            raise TypeError(f"{what} takes {takes} of the network, got {type(x).__name__} {x!r}")
        out.add(id(x))
    return out


def _columns(net: Network) -> List[List[Neuron]]:
    """Inputs first, hidden neurons by depth, every output in the last column."""
    outputs = net.outputs
    out_ids = {id(n) for n in outputs}
    cols = [[n for n in col if id(n) not in out_ids] for col in net.layers()]
    cols = [c for c in cols if c]
    if outputs:
        cols.append(outputs)
    return cols


#: one line of a neuron's label: (HTML, plain text, font size, bold)
Line = Tuple[str, str, float, bool]


def _line(text: str, size: float = TEXT_SIZE, bold: bool = False, colour: Optional[str] = None) -> Line:
    h = html(text)
    if bold:
        h = f"<B>{h}</B>"
    if size != TEXT_SIZE or colour:
        h = f'<FONT POINT-SIZE="{size:g}"' + (f' COLOR="{colour}"' if colour else "") + f">{h}</FONT>"
    return (h, text, size, bold)


def _diameter(lines: List[Line]) -> float:
    """Width in inches of a circle that holds ``lines`` (stacked, centred) in any engine's font.

    Each line's corners must lie inside the circle: r >= hypot(w/2, |y| + h/2) for a
    line of width w and height h centred at height y; short first and last lines let
    the circle be smaller than one round the whole block.
    """
    pad = 6.0                                 # a margin, and room for the box round a highlighted bias
    heights = [1.2 * size for _, _, size, _ in lines]
    y = -sum(heights) / 2.0
    r = 0.0
    for (_, t, size, bold), h in zip(lines, heights):
        w = text_width(t, size, bold)
        far = max(abs(y), abs(y + h))         # the line's edge farther from the centre
        r = max(r, math.hypot(w / 2.0 + pad, far + pad))
        y += h
    return max(MIN_WIDTH, (2.0 * r + 4.0) / 72.0)


def _arrowsize(penwidth: float) -> float:
    """Graphviz strokes the arrowhead with the edge's penwidth, which fattens it: shrink the
    head as the line grows, so thick and thin edges end in heads of about the same size."""
    return max(0.45, 0.95 - 0.1 * penwidth)


# The legend's possible entries in their order: (what the picture shows, symbol, meaning); the
# meanings' {max_w} and {edges} are filled in for the picture.
_LEGEND_ENTRIES = (
    (POSITIVE, f'<B><FONT COLOR="{POSITIVE}">blue</FONT></B>', "positive weight"),
    (NEGATIVE, f'<B><FONT COLOR="{NEGATIVE}">red</FONT></B>', "negative weight"),
    (ZERO, f'<B><FONT COLOR="{ZERO}">grey</FONT></B>', "zero weight"),
    ("width", "width", "grows with |w| (max {max_w})"),
    ("w", "w", "not written on the {edges} edges (too many to read); edge_labels=True writes them"),
    ("value", "= v", "the neuron's value (output)"),
    ("bias", "θ", "bias: weight of an input fixed at 1"),
    ("delta", "δ", "∂E/∂net (net = weighted sum + θ)"),
    ("dw", "∂E/∂w", "gradient of the error E"),
    ("dtheta", "∂E/∂θ", "gradient of E for the bias"),
    ("unknown", "?", "not computed yet"),
    ("yellow", "yellow", "this step"),
)


def _legend_shape(entries: List[Tuple[str, str]]) -> Tuple[int, int]:
    """(columns, rows) of the legend: two columns once there are more than three entries."""
    ncol = 1 if len(entries) <= 3 else 2
    return ncol, -(-len(entries) // ncol)


def _legend_table(entries: List[Tuple[str, str]]) -> str:
    """The legend as an HTML table, entries in two columns once there are more than three."""
    ncol, nrow = _legend_shape(entries)
    rows = []
    for r in range(nrow):
        cells = []
        for c in range(ncol):
            k = c * nrow + r                      # fill down the first column, then the second
            if k < len(entries):
                key, meaning = entries[k]
                bg = f' BGCOLOR="{HIGHLIGHT_FILL}"' if key == "yellow" else ""
                cells.append(f'<TD ALIGN="LEFT"{bg}>{key}</TD><TD ALIGN="LEFT">{meaning}</TD>')
                if c < ncol - 1:
                    cells.append("<TD>  </TD>")
            else:
                cells.append('<TD></TD><TD></TD>')
        rows.append(f"<TR>{''.join(cells)}</TR>")
    return ('<TABLE ID="legend" TOOLTIP="legend" HREF="#legend" BORDER="1" COLOR="#BBBBBB" '
            f'CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{"".join(rows)}</TABLE>')


def _legend_width(entries: List[Tuple[str, str]]) -> float:
    """About how wide (points) _legend_table draws ``entries`` at the legend's font size."""
    def plain(h: str) -> str:
        return unescape(re.sub(r"<[^>]*>", "", h))
    ncol, nrow = _legend_shape(entries)
    total = 0.0
    for c in range(ncol):
        col = entries[c * nrow:(c + 1) * nrow]
        total += max(text_width(plain(k), LEGEND_SIZE) for k, _ in col) + 6
        total += max(text_width(plain(m), LEGEND_SIZE) for _, m in col) + 6
    return total + 6 * ncol


def draw_network(net: Network, *, values: bool = True, deltas: bool = False, grads: bool = False,
                 highlight: Iterable[Any] = (), known: Optional[Collection[Any]] = None,
                 title: Optional[str] = None, legend: bool = True, rankdir: str = "LR",
                 allow_large: bool = False, edge_labels: Optional[bool] = None,
                 known_values: Optional[Collection[Neuron]] = None) -> Diagram:
    """Draw ``net``: neurons as circles in columns, every synapse an edge labelled with its weight.

    Neurons show their name, their value once known (``values``), their bias
    θ, and on request their delta δ = ∂E/∂net (``deltas``).  ``grads=True``
    adds ∂E/∂w to each synapse and ∂E/∂θ to each bias.  Edge colour shows the
    sign of the weight (blue +, vermillion -) and width its size.
    ``highlight``: Neurons, Synapses, Biases to emphasise (a step being shown).
    ``known``: if given, only these show their delta/grad; others show '?'.
    ``known_values``: if given, only these Neurons show their value, others
    '= ?' (a feed-forward step-through computes them one at a time); None shows
    every value there is.
    ``edge_labels``: write the weights (and ∂E/∂w) on the edges; None (the
    default) does so up to EDGE_LABEL_LIMIT synapses, beyond which the labels
    would bury the picture: colour and width still show each weight, and in
    SVG each edge's tooltip gives it.  ``title`` and the legend (which lists
    only what the picture shows) form one caption under the picture.
    Networks of more than MAX_SYNAPSES synapses are refused unless ``allow_large=True``.
    """
    if not isinstance(net, Network):
        hint = " (draw_graph draws the computation graph below a Node)" if hasattr(net, "parents") else ""
        raise TypeError(f"draw_network draws a tinygraph Network, got {type(net).__name__}{hint}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if edge_labels not in (None, True, False):
        raise TypeError(f"edge_labels must be True, False or None (automatic), got {edge_labels!r}")
    if len(net.synapses) > MAX_SYNAPSES and not allow_large:
        raise GraphError(f"network {net.name!r} has {len(net.synapses)} synapses, more than {MAX_SYNAPSES}: "
                         "too many edges to lay out quickly or read. Draw a smaller network, or pass "
                         "allow_large=True and save the DOT text with .save('net.gv') (no layout needed).")
    hl = _collect(highlight, "highlight")
    kn = None if known is None else _collect(known, "known")
    kv = None if known_values is None else _collect(known_values, "known_values", (Neuron,))

    def is_known(x: Any) -> bool:
        return kn is None or id(x) in kn

    cols = _columns(net)
    nid: Dict[int, str] = {}
    order = [n for col in cols for n in col]
    for i, n in enumerate(order):
        nid[id(n)] = f"n{i}"
    synapses = net.synapses
    labelled = len(synapses) <= EDGE_LABEL_LIMIT if edge_labels is None else edge_labels
    max_w = max((abs(s.value) for s in synapses), default=0.0)
    shown = set()                                  # what the picture shows, for the legend
    # room between columns: for the labels, or for the fan of edges between tall columns
    tallest = max((len(c) for c in cols), default=0)
    ranksep = 1.4 if labelled else min(3.0, 1.0 + 0.1 * max(0, tallest - 4))

    lines = ["digraph network {",
             f'  graph [rankdir={rankdir}, ranksep={ranksep:.2f}, nodesep=0.5, newrank=true, '
             f'fontname="{FONT}", fontsize={LEGEND_SIZE}, labelloc=b, labeljust=l, pad=0.2];',
             f'  node [shape=circle, style=filled, fontname="{FONT}", fontsize={TEXT_SIZE}, margin=0.02, '
             f"penwidth=1.2, width={MIN_WIDTH}, fixedsize=false];",
             f'  edge [fontname="{FONT}", fontsize=10, decorate=true];']
    indent = "  "

    def grad_text(x: Any, reveal: bool = False) -> str:
        """``x``'s gradient as written, or ? while the walk has not (yet) computed it."""
        return number(x.grad) if (reveal or is_known(x)) and reached(x) else "?"

    def label_lines(n: Neuron, reveal: bool):
        """The neuron's (head, bias lines, tail) and the legend keys they show; ``reveal`` writes
        every number, even not-yet-known ones (to size the circle: it keeps its size while a
        step-through reveals its numbers)."""
        keys = set()
        head = [_line(n.name, NAME_SIZE, bold=True)]          # name, activation, value
        if not n.is_input:
            act = n.activation.name if n.activation is not None else "?"
            head.append(_line(act, SMALL_SIZE, colour="#555555"))
        if values and n.value is not None:
            val = reveal or kv is None or id(n) in kv
            head.append(_line(f"= {number(n.value)}" if val else "= ?"))
            keys.add("value")
            if not val:
                keys.add("unknown")
        bias_rows: List[Line] = []
        if n.bias is not None:
            bias_rows.append(_line(f"θ {number(n.bias.value)}"))
            keys.add("bias")
            if grads:
                g = grad_text(n.bias, reveal)
                bias_rows.append(_line(f"∂E/∂θ {g}", SMALL_SIZE, colour="#555555"))
                keys.add("dtheta")
                if g == "?":
                    keys.add("unknown")
        tail: List[Line] = []
        if deltas and not n.is_input:
            d = number(n.delta) if reveal or is_known(n) else "?"
            tail.append(_line(f"δ {d}"))
            keys.add("delta")
            if d == "?":
                keys.add("unknown")
        return head, bias_rows, tail, keys

    # circle widths: each column's circles as wide as its widest label needs
    width: Dict[int, float] = {}
    for col in cols:
        w = max(_diameter([x for part in label_lines(n, True)[:3] for x in part]) for n in col)
        for n in col:
            width[id(n)] = w

    for n in order:
        head, bias_rows, tail, keys = label_lines(n, False)
        shown |= keys
        if n.is_input:
            fill = INPUT_FILL
        else:
            fill = OUTPUT_FILL if not n.outgoing else HIDDEN_FILL
        boxed = n.bias is not None and id(n.bias) in hl and id(n) not in hl
        if boxed:
            # only the bias is this step's: mark its lines, not the whole neuron
            rows = [f"<TR><TD>{p[0]}</TD></TR>" for p in head]
            rows.append(f'<TR><TD BGCOLOR="{HIGHLIGHT_FILL}" BORDER="1" COLOR="{HIGHLIGHT}">'
                        f'{"<BR/>".join(p[0] for p in bias_rows)}</TD></TR>')
            rows += [f"<TR><TD>{p[0]}</TD></TR>" for p in tail]
            label = f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'
        else:
            label = "<BR/>".join(p[0] for p in head + bias_rows + tail)
        attrs = [f'id="{nid[id(n)]}"', f"label=<{label}>"]
        if width[id(n)] > MIN_WIDTH:
            attrs.append(f"width={width[id(n)]:.2f}")
        if id(n) in hl:
            attrs += [f'fillcolor="{HIGHLIGHT_FILL}"', f'color="{HIGHLIGHT}"', "penwidth=3.5"]
        else:
            attrs.append(f'fillcolor="{fill}"')
        lines.append(f"{indent}{nid[id(n)]} [{', '.join(attrs)}];")

    # keep each column in build order, top to bottom
    for col in cols:
        ids = "; ".join(nid[id(n)] for n in col)
        lines.append(f"{indent}{{rank=same; {ids};}}")
        if len(col) > 1:
            chain = " -> ".join(nid[id(n)] for n in col)
            lines.append(f"{indent}{chain} [style=invis];")

    max_extra = 3.2 if labelled else 2.2          # a crowd of thick edges would hide one another
    for i, s in enumerate(synapses):
        w = s.value
        colour = _sign_colour(w)
        shown.add(colour)
        pen = 0.8 + max_extra * (abs(w) / max_w if max_w > 0 else 0.0)
        attrs = [f'id="s{i}"']
        if labelled:
            text = f"<B>{html(number(w))}</B>"
            if grads:
                g = grad_text(s)
                text += f'<BR/><FONT POINT-SIZE="9">∂E/∂w {html(g)}</FONT>'
                shown.add("dw")
                if g == "?":
                    shown.add("unknown")
        else:
            tip = f"{s.src.name} → {s.dst.name}: w = {number(w)}"
            if grads:
                tip += f", ∂E/∂w = {grad_text(s)}"
            attrs.append(f"tooltip={quote(tip)}")
        if id(s) in hl:        # cased in black: the sign colour stays visible in the middle
            pen += 2.5
            attrs += [f'color="{HIGHLIGHT}:{colour}:{HIGHLIGHT}"']
            label_bg = HIGHLIGHT_FILL
        else:
            attrs += [f'color="{colour}"']
            label_bg = "white"
        if labelled:   # on a padded background: no line, not even its own, runs through the digits
            text = (f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="2" BGCOLOR="{label_bg}">'
                    f"<TR><TD>{text}</TD></TR></TABLE>")
        attrs += [f"penwidth={pen:.2f}", f"arrowsize={_arrowsize(pen):.2f}"]
        if labelled:
            attrs += [f'fontcolor="{colour}"', f"label=<{text}>"]
        lines.append(f"{indent}{nid[id(s.src)]} -> {nid[id(s.dst)]} [{', '.join(attrs)}];")

    legend_html = ""
    legend_width = 0.0
    if legend and order:
        if synapses:
            shown.add("width")
            if not labelled:
                shown.add("w")
        if hl:
            shown.add("yellow")
        entries = [(symbol, meaning.format(max_w=html(number(max_w)), edges=len(synapses)))
                   for key, symbol, meaning in _LEGEND_ENTRIES if key in shown]
        if entries:
            legend_html = _legend_table(entries)
            legend_width = _legend_width(entries)
    if title or legend_html:
        # one caption under the picture, read like a figure's: the title, then the legend.  (A title
        # above would need a cluster round the neurons, and clusters undo the columns' order.)
        rows = []
        if title:
            rows.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2"><FONT POINT-SIZE="14"><B>{html(title)}</B></FONT>'
                        "</TD></TR>")
        if legend_html:
            # an empty cell beside the legend takes up a long title's extra width: a table in a
            # cell wider than itself would be stretched to fill it
            spare = text_width(title, 14, bold=True) - legend_width if title else 0.0
            filler = f'<TD WIDTH="{int(spare) + 1}"></TD>' if spare > 0 else "<TD></TD>"
            rows.append(f'<TR><TD ALIGN="LEFT">{legend_html}</TD>{filler}</TR>')
        lines.append(f'  graph [label=<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}'
                     "</TABLE>>];")
    lines.append("}")
    return Diagram("\n".join(lines) + "\n")
