"""draw_network: a Network as neurons in columns with the weights on their synapses.

The picture is built as a :class:`~tinygraph.draw.dot.Graph`: a circle per
neuron (SVG id ``neuron-NAME``), and per synapse either an edge with the
weight written in a box on it (the box ``synapse-SRC-DST``, the line from
the source into it ``synapse-SRC-DST-tail``, the line on to the target with
the arrowhead ``synapse-SRC-DST-head``) or, in a net too big for labels, one
edge ``synapse-SRC-DST``; names are made into ids by
:func:`~tinygraph.draw.dot.svg_id`.  What ``highlight`` names carries the
SVG class ``highlight``.

Every shape has the size tinygraph computes for its text (``fixedsize``), not
one the engine measures, so the text fits whatever font draws it, and a
step-through can keep one layout over all its frames by giving each frame
the same :class:`Sizes` (see :meth:`Sizes.widest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Collection, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

from ..errors import GraphError, WrongTypeError
from ..checks import short_repr
from ..network import Bias, Network, Neuron, Synapse
from ..node import reached
from .diagram import Diagram
from .dot import (HIGHLIGHT, HIGHLIGHT_CLASS, HIGHLIGHT_FILL, NEGATIVE, POSITIVE, ZERO, Graph, Html, check_choice,
                  check_flag, check_text, drawn, drawn_value, font, html, neuron_id, number, synapse_id, text_width)

__all__ = ["draw_network", "Sizes"]

FONT = "Helvetica"
INPUT_FILL = "#EEEEEE"
HIDDEN_FILL = "#FFFFFF"
OUTPUT_FILL = "#E6F0F8"
NUDGE_COLOUR = "#117733"                 # "nudge 0.08217": the gradient by central differences
#: measured: 1600 synapses lay out in 1-2 s; far more is slow and unreadable anyway
MAX_SYNAPSES = 5000
#: above this many synapses the weights are not written on the edges unless edge_labels=True:
#: each label is laid out like a node, and a 2-16-16-1 net (304 synapses) became a strip 17000 px tall
EDGE_LABEL_LIMIT = 40
#: every neuron is a circle at least this wide (inches); wider when its text needs it
MIN_WIDTH = 0.9
NAME_SIZE, TEXT_SIZE, SMALL_SIZE = 11, 11, 9
WEIGHT_SIZE, GRAD_SIZE = 10, 9          # an edge label: the weight (bold), then ∂E/∂w
LEGEND_SIZE, TITLE_SIZE = 9, 14
LINE = 1.2                              # a line's height, in font sizes
LABEL_PAD = 3.0                         # points round the text of an edge label
CELL_PAD = 1                            # the legend's CELLPADDING


@dataclass
class Sizes:
    """The sizes a network drawing gives its shapes, so that several drawings share one layout.

    ``circles``: neuron name -> diameter (inches); ``edge_labels``: synapse
    id (``synapse-SRC-DST``) -> (width, height) in points of the box with
    its weight; ``legend``: the legend's entries (keys); ``caption``: the
    width in points of the caption (title and legend) under the picture.
    Each drawing's ``Diagram.sizes`` says what it needs; :meth:`widest`
    combines several, and ``draw_network(..., sizes=...)`` draws every shape
    at least that big and lists at least those legend entries.  Graphviz
    places shapes by their sizes alone, so frames drawn with one Sizes (and
    one title) keep every neuron at the same place.
    """

    circles: Dict[str, float] = field(default_factory=dict)
    edge_labels: Dict[str, Tuple[float, float]] = field(default_factory=dict)
    legend: FrozenSet[str] = frozenset()
    caption: float = 0.0

    @staticmethod
    def widest(all_sizes: Iterable["Sizes"]) -> "Sizes":
        """The sizes that hold every one of ``all_sizes``: the widest of each, every legend entry."""
        out = Sizes()
        for s in all_sizes:
            for name, d in s.circles.items():
                out.circles[name] = max(out.circles.get(name, 0.0), d)
            for k, (w, h) in s.edge_labels.items():
                w0, h0 = out.edge_labels.get(k, (0.0, 0.0))
                out.edge_labels[k] = (max(w0, w), max(h0, h))
            out.legend |= s.legend
            out.caption = max(out.caption, s.caption)
        return out


def _sign(w: float) -> Tuple[str, str]:
    """(legend key, colour) of a weight's sign."""
    return ("positive", POSITIVE) if w > 0 else ("negative", NEGATIVE) if w < 0 else ("zero", ZERO)


def _collect(items: Any, what: str, kinds: Tuple[type, ...] = (Neuron, Synapse, Bias)) -> set:
    """The ids of the Neurons/Synapses/Biases (``kinds``) in ``items`` (a single one is fine too);
    anything else is refused with a WrongTypeError naming ``what`` and the culprit."""
    if isinstance(items, kinds):
        return {id(items)}
    takes = "Neurons, Synapses and Biases" if len(kinds) > 1 else "Neurons"
    whole = None
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        whole = items
    else:
        try:
            items = list(items)
        except TypeError:                        # e.g. a 0-d numpy array, Iterable in name only
            whole = items
    for x in [whole] if whole is not None else items:
        if not isinstance(x, kinds):
            hint = f"; for the neuron named {x!r}, pass net[{x!r}]" if isinstance(x, str) else ""
            raise WrongTypeError(f"{what} takes {takes} of the network (one, or a list of them), "
                                 f"got the {type(x).__name__} {short_repr(x)}{hint}")
    return {id(x) for x in items} if whole is None else set()


def _columns(net: Network) -> List[List[Neuron]]:
    """Inputs first, hidden neurons by depth, every output in the last column."""
    outputs = net.outputs
    out_ids = {id(n) for n in outputs}
    cols = [[n for n in col if id(n) not in out_ids] for col in net.layers()]
    cols = [c for c in cols if c]
    if outputs:
        cols.append(outputs)
    return cols


class Line:
    """One line of a label: its text, font size, boldness and colour; ``markup`` is it as HTML."""

    __slots__ = ("text", "size", "bold", "colour")

    def __init__(self, text: str, size: float = TEXT_SIZE, bold: bool = False, colour: Optional[str] = None):
        self.text, self.size, self.bold, self.colour = text, size, bold, colour

    @property
    def markup(self) -> str:
        return font(html(self.text), None if self.size == TEXT_SIZE else self.size, self.colour, self.bold)

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, self.bold)


def _diameter(lines: List[Line]) -> float:
    """Width in inches of a circle that holds ``lines`` (stacked, centred) in any engine's font.

    Each line's corners must lie inside the circle: r >= hypot(w/2, |y| + h/2) for a
    line of width w and height h centred at height y; short first and last lines let
    the circle be smaller than one round the whole block.
    """
    pad = 6.0                                 # a margin, and room for the box round a highlighted bias
    heights = [LINE * ln.size for ln in lines]
    y = -sum(heights) / 2.0
    r = 0.0
    for ln, h in zip(lines, heights):
        far = max(abs(y), abs(y + h))         # the line's edge farther from the centre
        r = max(r, math.hypot(ln.width / 2.0 + pad, far + pad))
        y += h
    return max(MIN_WIDTH, round((2.0 * r + 4.0) / 72.0 + 0.005, 2))


def _arrowsize(penwidth: float) -> float:
    """Graphviz strokes the arrowhead with the edge's penwidth, which fattens it: shrink the
    head as the line grows, so thick and thin edges end in heads of about the same size."""
    return round(max(0.45, 0.95 - 0.1 * penwidth), 2)


# The legend's possible entries in their order: (key, symbol, its colour, what it means); a coloured
# symbol is bold; the meanings' {max_w} and {edges} are filled in for the picture.
_LEGEND_ENTRIES = (
    ("positive", "blue", POSITIVE, "positive weight"),
    ("negative", "red", NEGATIVE, "negative weight"),
    ("zero", "grey", ZERO, "zero weight"),
    ("width", "width", None, "grows with |w| (max {max_w})"),
    ("w", "w", None, "not written on the {edges} edges (too many to read); edge_labels=True writes them"),
    ("value", "= v", None, "the neuron's value (output)"),
    ("prob", "p =", None, "probability of the class (softmax: they add up to 1)"),
    ("bias", "θ", None, "bias: weight of an input fixed at 1"),
    ("delta", "δ", None, "∂E/∂net (net = weighted sum + θ)"),
    ("dw", "∂E/∂w", None, "gradient of the error E"),
    ("dtheta", "∂E/∂θ", None, "gradient of E for the bias"),
    ("nudge", "nudge", None, "the same gradient by nudging: (E(w+h) − E(w−h)) / 2h"),
    ("unknown", "?", None, "not computed yet"),
    ("yellow", "yellow", None, "this step"),
)


def _legend(keys: Collection[str], max_w: float, edges: int) -> Tuple[str, float]:
    """The legend listing ``keys`` as an HTML table (two columns of entries once there are more
    than three), and its width in points; each column as wide as its widest text needs."""
    entries = [(sym, colour, meaning.format(max_w=number(max_w), edges=edges), key)
               for key, sym, colour, meaning in _LEGEND_ENTRIES if key in keys]
    ncol = 1 if len(entries) <= 3 else 2
    nrow = -(-len(entries) // ncol)
    columns = [entries[c * nrow:(c + 1) * nrow] for c in range(ncol)]
    cell = 2 * CELL_PAD + 2            # padding and a point of slack on each side
    widths = [(max(text_width(s, LEGEND_SIZE, bold=c is not None) for s, c, _, _ in col) + cell,
               max(text_width(m, LEGEND_SIZE) for _, _, m, _ in col) + cell) for col in columns]
    gap = 8.0                          # between the two columns of entries
    rows = []
    for r in range(nrow):
        cells = []
        for c, col in enumerate(columns):
            w_sym, w_mean = (int(math.ceil(w)) for w in widths[c])
            if r < len(col):
                sym, colour, meaning, key = col[r]
                bg = f' BGCOLOR="{HIGHLIGHT_FILL}"' if key == "yellow" else ""
                cells.append(f'<TD ALIGN="LEFT" WIDTH="{w_sym}"{bg}>{font(html(sym), colour=colour, bold=bool(colour))}'
                             f'</TD><TD ALIGN="LEFT" WIDTH="{w_mean}">{html(meaning)}</TD>')
            else:
                cells.append(f'<TD WIDTH="{w_sym}"></TD><TD WIDTH="{w_mean}"></TD>')
            if c < ncol - 1:
                cells.append(f'<TD WIDTH="{int(gap)}"></TD>')
        rows.append(f"<TR>{''.join(cells)}</TR>")
    width = sum(int(math.ceil(a)) + int(math.ceil(b)) for a, b in widths) + gap * (ncol - 1) + 2 * ncol + 8
    table = ('<TABLE ID="legend" TOOLTIP="legend" HREF="#legend" BORDER="1" COLOR="#BBBBBB" '
             f'CELLBORDER="0" CELLSPACING="2" CELLPADDING="{CELL_PAD}">{"".join(rows)}</TABLE>')
    return table, width


def draw_network(net: Network, *, values: bool = True, deltas: bool = False, grads: bool = False,
                 highlight: Iterable[Any] = (), known: Optional[Collection[Any]] = None,
                 title: Optional[str] = None, legend: bool = True, rankdir: str = "LR",
                 allow_large: bool = False, edge_labels: Optional[bool] = None,
                 known_values: Optional[Collection[Neuron]] = None, sizes: Optional[Sizes] = None,
                 check: Optional[Mapping[Any, float]] = None) -> Diagram:
    """Draw ``net``: neurons as circles in columns, every synapse an edge labelled with its weight.

    Neurons show their name, their value once known (``values``), their bias
    θ, and on request their delta δ = ∂E/∂net (``deltas``).  ``grads=True``
    adds ∂E/∂w to each synapse and ∂E/∂θ to each bias.  Edge colour shows the
    sign of the weight (blue +, vermillion -) and width its size.
    ``highlight``: Neurons, Synapses, Biases to emphasise (a step being shown).
    ``known``: if given, only these show their delta/grad; others show '?'.
    ``known_values``: if given, only these Neurons show their value, others
    '= ?' (a feed-forward step-through computes them one at a time); None shows
    every value there is.  Shapes are sized for the numbers whether shown or
    '?', so a circle keeps its size while a step-through reveals them.
    ``edge_labels``: write the weights (and ∂E/∂w) on the edges; None (the
    default) does so up to EDGE_LABEL_LIMIT synapses, beyond which the labels
    would bury the picture: colour and width still show each weight, and in
    SVG each edge's tooltip gives it.  ``title`` and the legend (which lists
    only what the picture shows) form one caption under the picture.
    ``sizes``: draw every shape at least this big (see :class:`Sizes`), to
    keep the layout of other drawings; the Diagram's ``.sizes`` tell what this one needs.
    ``check``: {Synapse or Bias: its gradient found by nudging} (see
    ``network_steps(..., check=True)``); with ``grads``, each is written
    under its ∂E/∂w or ∂E/∂θ as "nudge 0.08217" (or "nudge ?" while the
    gradient is not known), so backprop's number and the nudged one stand together.
    Networks of more than MAX_SYNAPSES synapses are refused unless ``allow_large=True``.
    """
    if not isinstance(net, Network):
        hint = " (draw_graph draws the computation graph below a Node)" if hasattr(net, "parents") else ""
        raise WrongTypeError(f"draw_network draws a tinygraph Network, got {type(net).__name__}{hint}")
    values, deltas, grads = check_flag(values, "values"), check_flag(deltas, "deltas"), check_flag(grads, "grads")
    legend, allow_large = check_flag(legend, "legend"), check_flag(allow_large, "allow_large")
    edge_labels = check_flag(edge_labels, "edge_labels", none="automatic")
    rankdir = check_choice(rankdir, "rankdir", ("LR", "TB", "RL", "BT"))
    title = check_text(title, "title")
    if sizes is not None and not isinstance(sizes, Sizes):
        raise WrongTypeError(f"sizes must be a Sizes (from a Diagram's .sizes or Sizes.widest), got {short_repr(sizes)}")
    if len(net.synapses) > MAX_SYNAPSES and not allow_large:
        raise GraphError(f"network {net.name!r} has {len(net.synapses)} synapses, more than {MAX_SYNAPSES}: "
                         "too many edges to lay out quickly or read. Draw a smaller network, or pass "
                         "allow_large=True and save the DOT text with .save('net.gv') (no layout needed).")
    hl = set() if highlight is None else _collect(highlight, "highlight")
    kn = None if known is None else _collect(known, "known")
    kv = None if known_values is None else _collect(known_values, "known_values", (Neuron,))
    if check is not None and not isinstance(check, Mapping):
        raise WrongTypeError(f"check takes a mapping {{Synapse or Bias: its gradient by nudging}}, "
                             f"got {short_repr(check)}")
    nudged: Dict[int, float] = {}
    for p, v in (check or {}).items():
        _collect(p, "check", (Synapse, Bias))
        nudged[id(p)] = drawn_value(v, f"check[{p.name}] (its gradient by nudging)",
                                    "Give the gradients network_steps(..., check=True) finds")
    given = sizes if sizes is not None else Sizes()
    # every number the picture is drawn from, as a float: a value set by hand to nan, text, None or an
    # array is refused here, naming its node (weights draw each line's width, so all are read)
    synapses = net.synapses
    weight = {id(s): drawn(s) for s in synapses}
    biases = [n.bias for n in net.neurons.values() if n.bias is not None]
    for b in biases:
        drawn(b)
    if grads:
        for x in list(synapses) + biases:
            drawn(x, "grad")

    def is_known(x: Any) -> bool:
        return kn is None or id(x) in kn

    def grad_text(x: Any, reveal: bool = False) -> str:
        """``x``'s gradient as written, or ? while the walk has not (yet) computed it."""
        return number(drawn(x, "grad")) if (reveal or is_known(x)) and reached(x) else "?"

    def nudge_text(x: Any, reveal: bool = False) -> Optional[str]:
        """``x``'s gradient by nudging as written (? until its gradient is known), None if not given."""
        if not grads or id(x) not in nudged:
            return None
        return f"nudge {number(nudged[id(x)]) if reveal or is_known(x) else '?'}"

    def label_lines(n: Neuron, reveal: bool) -> Tuple[List[Line], List[Line], List[Line], set]:
        """The neuron's (head, bias lines, tail) and the legend keys they show; ``reveal`` writes
        every number, even not-yet-known ones (to size the circle for them)."""
        keys = set()
        head = [Line(n.name, NAME_SIZE, bold=True)]            # name, activation, value
        if not n.is_input:
            act = n.activation.name if n.activation is not None else "?"
            head.append(Line(act, SMALL_SIZE, colour="#555555"))
        value = n.value
        if values and value is not None:
            val = reveal or kv is None or id(n) in kv
            shown = drawn_value(value, f"{n.name}.value", "A neuron's value comes from forward()")
            if n.activation is not None and n.activation.name == "softmax":   # a class's probability
                head.append(Line(f"p = {number(shown)}" if val else "p = ?"))
                keys.add("prob")
            else:
                head.append(Line(f"= {number(shown)}" if val else "= ?"))
                keys.add("value")
            if not val:
                keys.add("unknown")
        bias_rows: List[Line] = []
        if n.bias is not None:
            bias_rows.append(Line(f"θ {number(drawn(n.bias))}"))
            keys.add("bias")
            if grads:
                g = grad_text(n.bias, reveal)
                bias_rows.append(Line(f"∂E/∂θ {g}", SMALL_SIZE, colour="#555555"))
                keys.add("dtheta")
                if g == "?":
                    keys.add("unknown")
                nt = nudge_text(n.bias, reveal)
                if nt is not None:
                    bias_rows.append(Line(nt, SMALL_SIZE, colour=NUDGE_COLOUR))
                    keys.add("nudge")
        tail: List[Line] = []
        if deltas and not n.is_input:
            delta = n.delta
            if delta is not None:
                delta = drawn_value(delta, f"{n.name}.delta", "Deltas come from backward()")
            d = number(delta) if reveal or is_known(n) else "?"
            tail.append(Line(f"δ {d}"))
            keys.add("delta")
            if d == "?":
                keys.add("unknown")
        return head, bias_rows, tail, keys

    cols = _columns(net)
    order = [n for col in cols for n in col]
    key = {id(n): f"n{i}" for i, n in enumerate(order)}
    labelled = len(synapses) <= EDGE_LABEL_LIMIT if edge_labels is None else edge_labels
    max_w = max((abs(w) for w in weight.values()), default=0.0)
    shown = set()                                  # what the picture shows, for the legend
    # room between columns: for the label boxes, or for the fan of edges between tall columns
    tallest = max((len(c) for c in cols), default=0)
    ranksep = 0.35 if labelled else min(3.0, 1.0 + 0.1 * max(0, tallest - 4))
    g = Graph("network",
              graph=dict(rankdir=rankdir, ranksep=round(ranksep, 2), nodesep=0.3 if labelled else 0.5, newrank=True, fontname=FONT,
                         fontsize=LEGEND_SIZE, labelloc="b", labeljust="l", pad=0.2),
              node=dict(shape="circle", style="filled", fontname=FONT, fontsize=TEXT_SIZE, penwidth=1.2,
                        fixedsize=True),
              edge=dict(fontname=FONT))

    # circles: each column's as wide as its widest label needs with every number written
    circles: Dict[str, float] = {}
    for col in cols:
        d = max(_diameter([ln for part in label_lines(n, True)[:3] for ln in part]) for n in col)
        for n in col:
            circles[n.name] = d

    for n in order:
        head, bias_rows, tail, keys = label_lines(n, False)
        shown |= keys
        fill = INPUT_FILL if n.is_input else OUTPUT_FILL if not n.outgoing else HIDDEN_FILL
        if n.bias is not None and id(n.bias) in hl and id(n) not in hl:
            # only the bias is this step's: mark its lines, not the whole neuron
            rows = [f"<TR><TD>{ln.markup}</TD></TR>" for ln in head]
            rows.append(f'<TR><TD BGCOLOR="{HIGHLIGHT_FILL}" BORDER="1" COLOR="{HIGHLIGHT}">'
                        f'{"<BR/>".join(ln.markup for ln in bias_rows)}</TD></TR>')
            rows += [f"<TR><TD>{ln.markup}</TD></TR>" for ln in tail]
            label = f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'
            attrs: Dict[str, Any] = {"class": HIGHLIGHT_CLASS}
        else:
            label = "<BR/>".join(ln.markup for ln in head + bias_rows + tail)
            attrs = {}
        attrs.update(id=neuron_id(n.name), label=Html(label),
                     width=max(circles[n.name], given.circles.get(n.name, 0.0)))
        if id(n) in hl:
            attrs.update({"class": HIGHLIGHT_CLASS, "fillcolor": HIGHLIGHT_FILL, "color": HIGHLIGHT,
                          "penwidth": 3.5})
        else:
            attrs["fillcolor"] = fill
        g.node(key[id(n)], **attrs)

    # keep each column in build order, top to bottom
    for col in cols:
        g.same_rank(key[id(n)] for n in col)
    for col in cols:
        for a, b in zip(col, col[1:]):
            g.edge(key[id(a)], key[id(b)], style="invis")

    boxes: Dict[str, Tuple[float, float]] = {}       # edge label boxes, by synapse id
    max_extra = 3.2 if labelled else 2.2          # a crowd of thick edges would hide one another
    for i, s in enumerate(synapses):
        w = weight[id(s)]
        sign, colour = _sign(w)
        shown.add(sign)
        pen = 0.8 + max_extra * (abs(w) / max_w if max_w > 0 else 0.0)
        lit = id(s) in hl
        line: Dict[str, Any] = {"color": colour}
        if lit:        # cased in black: the sign colour stays visible in the middle
            pen += 2.5
            line = {"class": HIGHLIGHT_CLASS, "color": f"{HIGHLIGHT}:{colour}:{HIGHLIGHT}"}
        line["penwidth"] = round(pen, 2)
        sid = synapse_id(s.src.name, s.dst.name)
        src, dst = key[id(s.src)], key[id(s.dst)]
        if labelled:
            # the weight in a box on the line: the line runs into the box and out, so the label is
            # on its own edge, never beside another one.  The box is big enough for every number
            # whether shown or '?', so it keeps its size while a step-through reveals them.
            text = [Line(number(w), WEIGHT_SIZE, bold=True)]
            room = [text[0]]
            if grads:
                gt = grad_text(s)
                text.append(Line(f"∂E/∂w {gt}", GRAD_SIZE))
                room += [text[1], Line(f"∂E/∂w {grad_text(s, reveal=True)}", GRAD_SIZE)]
                shown.add("dw")
                if gt == "?":
                    shown.add("unknown")
                nt = nudge_text(s)
                if nt is not None:
                    text.append(Line(nt, GRAD_SIZE, colour=NUDGE_COLOUR))
                    room += [text[-1], Line(nudge_text(s, reveal=True), GRAD_SIZE)]
                    shown.add("nudge")
            boxes[sid] = (max(ln.width for ln in room) + 2 * LABEL_PAD,
                          LINE * sum(ln.size for ln in text) + 2 * LABEL_PAD)
            box_w, box_h = (max(a, b) for a, b in zip(boxes[sid], given.edge_labels.get(sid, (0.0, 0.0))))
            box = g.node(f"w{i}", id=sid, shape="box", style="filled",
                         fillcolor=HIGHLIGHT_FILL if lit else "white", color=HIGHLIGHT if lit else colour,
                         penwidth=1.5 if lit else 0.6, width=round(box_w / 72.0, 3), height=round(box_h / 72.0, 3),
                         margin=0, fontcolor=colour, fontsize=WEIGHT_SIZE,
                         label=Html("<BR/>".join(ln.markup for ln in text)),
                         **({"class": HIGHLIGHT_CLASS} if lit else {}))
            g.edge(src, box, id=f"{sid}-tail", arrowhead="none", **line)
            g.edge(box, dst, id=f"{sid}-head", arrowsize=_arrowsize(pen), **line)
        else:
            tip = f"{s.src.name} → {s.dst.name}: w = {number(w)}"
            if grads:
                tip += f", ∂E/∂w = {grad_text(s)}"
                nt = nudge_text(s)
                if nt is not None:
                    tip += f" ({nt})"
            g.edge(src, dst, id=sid, tooltip=tip, arrowsize=_arrowsize(pen), **line)

    if synapses:
        shown.add("width")
        if not labelled:
            shown.add("w")
    if hl:
        shown.add("yellow")
    keys = (shown | given.legend) if legend and order else set()
    legend_html, legend_w = _legend(keys, max_w, len(synapses)) if keys else ("", 0.0)
    title_w = text_width(title, TITLE_SIZE, bold=True) + 8 if title else 0.0
    caption_w = max(legend_w, title_w)
    if title or legend_html:
        # one caption under the picture, read like a figure's: the title, then the legend.  (A title
        # above would need a cluster round the neurons, and clusters undo the columns' order.)  An
        # empty cell beside the legend takes up the rest of the caption's width, so the caption is as
        # wide as asked without stretching the legend.
        rows = []
        if title:
            rows.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2">{font(html(title), TITLE_SIZE, bold=True)}</TD></TR>')
        spare = max(caption_w, given.caption) - legend_w
        if legend_html or spare >= 1:
            filler = f'<TD WIDTH="{int(math.ceil(spare))}"></TD>' if spare >= 1 else "<TD></TD>"
            rows.append(f'<TR><TD ALIGN="LEFT">{legend_html}</TD>{filler}</TR>')
        g.graph_attrs["label"] = Html(f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')
    return Diagram(graph=g, sizes=Sizes(circles, boxes, frozenset(keys), caption_w))
