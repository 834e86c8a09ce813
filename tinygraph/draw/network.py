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
import os
from dataclasses import dataclass, field
from typing import Any, Collection, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

from ..errors import GraphError, WrongTypeError
from ..engine.checks import short_repr
from ..networks.network import Bias, Network, Neuron, Synapse
from ..engine.node import reached
from .big import BIG_LAYER, EMPTY_CELL, cell, heat, pixel_grid, rows_of, scale_markup
from .diagram import Diagram
from .dot import (HIGHLIGHT, HIGHLIGHT_CLASS, HIGHLIGHT_FILL, NEGATIVE, POSITIVE, ZERO, Graph, Html, check_choice,
                  check_flag, check_text, drawn, drawn_value, font, html, neuron_id, number, synapse_id, text_width)

__all__ = ["draw_network", "Sizes", "big_columns"]

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


def big_columns(net: Network) -> Tuple[List[List[Neuron]], set]:
    """The columns ``draw_network`` draws ``net`` in (inputs first, hidden neurons by depth, every
    output last) and the numbers of the big ones: more than BIG_LAYER neurons, drawn as a strip, the
    synapses into and out of them as a matrix.  A step-through steps those at once (one home for
    what is big, so that what a step groups is what the picture draws as one)."""
    cols = _columns(net)
    return cols, {c for c, col in enumerate(cols) if len(col) > BIG_LAYER}


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


def _box_size(lines: List[Line]) -> float:
    """Width in inches of a rounded box that holds ``lines`` (a small layer's neuron beside a big layer)."""
    return round((max(ln.width for ln in lines) + 14.0) / 72.0 + 0.005, 2)


def _arrowsize(penwidth: float) -> float:
    """Graphviz strokes the arrowhead with the edge's penwidth, which fattens it: shrink the
    head as the line grows, so thick and thin edges end in heads of about the same size."""
    return round(max(0.45, 0.95 - 0.1 * penwidth), 2)


# The legend's possible entries in their order: (key, symbol, its colour, what it means); a coloured
# symbol is bold; the meanings' {max_w} and {edges} are filled in for the picture.
_LEGEND_ENTRIES = (
    ("positive", "blue", POSITIVE, "positive weight"),
    ("negative", "orange", NEGATIVE, "negative weight"),
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
    ("tip", "hover", None, "activation, δ, gradients: in the tooltips"),
    ("strip", "scale", None, "a box's cell: its value, up to ±{max_v}"),
    ("strip-delta", "scale", None, "a box written δ: its cell is its δ (scaled to the largest)"),
    ("matrix", "scale", None, "a cell: weight from row to column, up to ±{max_w}"),
    ("pictures", "scale", None, "a neuron's picture: its weight per pixel, up to ±{max_w}"),
    ("grads", "scale", None, "∂E/∂w, where a step shows a matrix's gradients (scaled to the largest)"),
    ("pixels", "scale", None, "the input: each pixel's value, up to {max_p}"),
)
STRIP_SIZE = 10                         # a big layer's box: its name (and value, smaller)
STRIP_H = 12.0                          # its height (points) ...
STRIP_SEP = 2.0                         # ... and the gap between two boxes
MATRIX_CELL = 12                        # a matrix cell (points); a row is MATRIX_CELL + STRIP_SEP tall, as a box
PIXEL_CELL, PICTURE_CELL = 13, 5        # a pixel of the input picture, of a picture of weights
LINK = "#AAAAAA"                        # the thin lines into and out of a matrix


_SCALES = ("strip", "strip-delta", "matrix", "pictures", "grads", "pixels")


def _steady(v: float) -> str:
    """The legend's largest weight in four significant digits, trailing zeros kept (0.4900, not 0.49):
    the legend keeps its width from frame to frame, so a page's frames keep one layout."""
    if v == 0 or not math.isfinite(v):
        return number(v)
    text = f"{v:#.4g}"
    return text[:-1] if text.endswith(".") else text


def _legend(keys: Collection[str], max_w: float, edges: int, max_v: float = 0.0,
            max_p: float = 0.0) -> Tuple[str, float]:
    """The legend listing ``keys`` as an HTML table (two columns of entries once there are more
    than three), and its width in points; each column as wide as its widest text needs."""
    entries = [(sym, colour, meaning.format(max_w=_steady(max_w), edges=edges, max_v=number(max_v),
                                            max_p=number(max_p)), key)
               for key, sym, colour, meaning in _LEGEND_ENTRIES if key in keys]
    ncol = 1 if len(entries) <= 3 else 2
    nrow = -(-len(entries) // ncol)
    columns = [entries[c * nrow:(c + 1) * nrow] for c in range(ncol)]
    cell = 2 * CELL_PAD + 2            # padding and a point of slack on each side
    widths = [(max(56.0 if k in _SCALES else text_width(s, LEGEND_SIZE, bold=c is not None)
                   for s, c, _, k in col) + cell,
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
                shown_sym = scale_markup() if key in _SCALES else font(html(sym), colour=colour, bold=bool(colour))
                cells.append(f'<TD ALIGN="LEFT" WIDTH="{w_sym}"{bg}>{shown_sym}'
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


def _box_parts(col: List[Neuron], values: bool, deltas: bool = False) -> Tuple[float, float]:
    """The widths in points of the name and of the value written in a big layer's boxes (the widest
    of the column's, so that every box lays its name and value out alike); with ``deltas``, room for
    a box written with its δ instead (a step-through shows a layer's deltas as its strip)."""
    names = max(text_width(n.name, STRIP_SIZE) for n in col)
    shown = [number(n.value) for n in col if values and n.value is not None]
    if values and deltas:
        shown += [_delta_text(n) for n in col if n.delta is not None and not n.is_input]
    return math.ceil(names), math.ceil(max((text_width(v, SMALL_SIZE) for v in shown), default=0.0))


def _box_width(parts: Tuple[float, float]) -> float:
    """Width in inches of a big layer's box: a margin, the value cell, the name, the value, a margin."""
    names, shown = parts
    w = 3.0 + names + 4.0 + ((9.0 + 3.0 + 6.0 + shown) if shown else 0.0)
    return round(w / 72.0 + 0.005, 2)


def _delta_text(n: Neuron) -> str:
    """A box's δ as written: ``δ 0.01234``."""
    return f"δ {number(drawn_value(n.delta, f'{n.name}.delta', 'Deltas come from backward()'))}"


def _strip_box(g: Graph, n: Neuron, k: str, values: bool, kv: Optional[set], top: float, lit: bool,
               tip: str, width: float, parts: Tuple[float, float], delta_top: Optional[float] = None) -> set:
    """Add ``n`` as a box of a big layer's strip (node ``k``, id neuron-NAME): a cell coloured by its
    value, its name, its value; its other numbers in the tooltip.  With ``delta_top`` the cell and
    the number are its δ instead (on a scale up to ``delta_top``).  Returns the legend keys shown."""
    keys = set()
    cells = ['<TD WIDTH="3"></TD>']
    value_cell = ""
    shown = None                                 # (the cell's colour, the number written, the legend key)
    if values and delta_top is not None and n.delta is not None:
        d = drawn_value(n.delta, f"{n.name}.delta", "Deltas come from backward()")
        shown = (heat(d, delta_top), _delta_text(n), "strip-delta")
    elif values and n.value is not None:
        known_v = kv is None or id(n) in kv
        v = drawn_value(n.value, f"{n.name}.value", "A neuron's value comes from forward()")
        shown = (heat(v, top), number(v), "strip") if known_v else ("#FFFFFF", "?", "strip")
        if not known_v:
            keys.add("unknown")
    if shown is not None:
        colour, text, key = shown
        cells.append(f'<TD WIDTH="9" HEIGHT="9" FIXEDSIZE="TRUE" BORDER="1" COLOR="#999999" '
                     f'BGCOLOR="{colour}"></TD><TD WIDTH="3"></TD>')
        value_cell = (f'<TD WIDTH="6"></TD><TD ALIGN="RIGHT" WIDTH="{parts[1]}">'
                      f'{font(html(text), SMALL_SIZE, "#444444")}</TD>')
        keys.add(key)
    cells.append(f'<TD ALIGN="LEFT" WIDTH="{parts[0]}">{font(html(n.name), STRIP_SIZE)}</TD>{value_cell}')
    fill = INPUT_FILL if n.is_input else OUTPUT_FILL if not n.outgoing else HIDDEN_FILL
    attrs: Dict[str, Any] = dict(id=neuron_id(n.name), shape="box", width=width, height=round(STRIP_H / 72.0, 3),
                                 margin=0, penwidth=0.6, color="#BBBBBB", fillcolor=fill, tooltip=tip,
                                 label=Html('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                                            f'<TR>{"".join(cells)}</TR></TABLE>'))
    if lit:
        attrs.update({"class": HIGHLIGHT_CLASS, "fillcolor": HIGHLIGHT_FILL, "color": HIGHLIGHT, "penwidth": 2.0})
    g.node(k, **attrs)
    return keys


def _picture_node(g: Graph, col: List[Neuron], image: Tuple[int, int, Dict[str, Tuple[int, int]]],
                  values: bool, kv: Optional[set], hl: set) -> set:
    """Add the inputs named pixel_R_C as one picture (node ``img``), a cell per pixel (id
    neuron-pixel_R_C) coloured by its value.  When every pixel is highlighted, the picture keeps
    its colours in a yellow frame (a picture of yellow cells would hide the image).  Returns the
    legend keys shown."""
    nrow, ncol, at = image
    grid: List[List[str]] = [[""] * ncol for _ in range(nrow)]
    show = values and all(n.value is not None for n in col)
    top = max((abs(drawn(n)) for n in col), default=0.0) if show else 0.0
    lit = False
    whole = all(id(n) in hl for n in col)
    for n in col:
        r, c = at[n.name]
        known_v = show and (kv is None or id(n) in kv)
        v = drawn(n) if known_v else None
        lit |= id(n) in hl
        grid[r][c] = cell(neuron_id(n.name), heat(v, top) if v is not None else "#FFFFFF", PIXEL_CELL,
                          n.name + (f" = {number(v)}" if v is not None else ""), id(n) in hl and not whole)
    caption = f"inputs: {nrow}×{ncol} pixels"
    frame = f'COLOR="{HIGHLIGHT}" BGCOLOR="{HIGHLIGHT_FILL}"' if whole else 'COLOR="#999999" BGCOLOR="#DDDDDD"'
    under = f' BGCOLOR="{HIGHLIGHT_FILL}"' if whole else ""
    label = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" BGCOLOR="#FFFFFF">'
             f'<TR><TD><TABLE BORDER="1" {frame} CELLBORDER="0" CELLSPACING="1" '
             f'CELLPADDING="0">{rows_of(["".join(row) for row in grid])}</TABLE></TD></TR>'
             f'<TR><TD{under}>{font(html(caption), SMALL_SIZE)}</TD></TR></TABLE>')
    g.node("img", id="pixels", shape="plain", fixedsize=False, style="solid", label=Html(label), **({"class": HIGHLIGHT_CLASS} if lit else {}))
    return {"pixels"} if show else set()


def _matrices(g: Graph, cols: List[List[Neuron]], col_of: Dict[int, int], big: set,
              image: Optional[Tuple[int, int, Dict[str, Tuple[int, int]]]], key: Dict[int, str],
              synapses: List[Synapse], weight: Dict[int, float], max_w: float, hl: set, tip: Any,
              grad: Optional[Dict[int, float]] = None, max_g: float = 0.0) -> set:
    """Add the synapses between two columns of which one is big as one node per pair of columns: a
    matrix (a row per source neuron, a column per target, a cell per synapse with its id
    synapse-SRC-DST), or from a picture of pixels a picture of the weights per target neuron.
    Thin lines lead from each source into its row, and one arrow on to the target column (whose
    neurons the column heads name, in the column's order).  ``grad``: the synapses (by id) whose
    cells show their ∂E/∂w (on the scale ``max_g``) instead of their weight.  A matrix (or a
    neuron's picture) whose every cell is highlighted keeps its colours on a yellow ground: a
    matrix of yellow cells would hide the heat map the step is about.  Returns the legend keys shown."""
    grad = grad or {}

    def colour(s: Synapse) -> str:
        return heat(grad[id(s)], max_g) if id(s) in grad else heat(weight[id(s)], max_w)

    groups: Dict[Tuple[int, int], Dict[Tuple[int, int], Synapse]] = {}
    for s in synapses:
        a, b = col_of[id(s.src)], col_of[id(s.dst)]
        if a in big or b in big:
            groups.setdefault((a, b), {})[(id(s.src), id(s.dst))] = s
    keys = set()
    link: Dict[str, Any] = dict(color=LINK, penwidth=0.6)
    for m, ((a, b), between) in enumerate(groups.items()):
        from_ids, to_ids = {i for i, _ in between}, {j for _, j in between}
        srcs = [n for n in cols[a] if id(n) in from_ids]
        dsts = [n for n in cols[b] if id(n) in to_ids]
        mk, mid = f"m{m}", f"weights-{a}-{b}"
        lit = False
        if image is not None and a == 0:
            nrow, ncol, at = image
            per_row = max(1, math.ceil(math.sqrt(len(dsts))))
            pictures = []
            for j, t in enumerate(dsts):
                grid = [['<TD WIDTH="{0}" HEIGHT="{0}" BGCOLOR="{1}"></TD>'.format(PICTURE_CELL, EMPTY_CELL)] * ncol
                        for _ in range(nrow)]
                into = [s for s in (between.get((id(src), id(t))) for src in srcs) if s is not None]
                whole = bool(into) and all(id(s) in hl for s in into)
                for s in into:
                    r, c = at[s.src.name]
                    lit |= id(s) in hl
                    grid[r][c] = cell(synapse_id(s.src.name, t.name), colour(s), PICTURE_CELL, tip(s),
                                      id(s) in hl and not whole)
                frame, name_bg = (HIGHLIGHT, f' BGCOLOR="{HIGHLIGHT_FILL}"') if whole else ("#999999", "")
                pictures.append(f'<TD PORT="c{j}"><TABLE BORDER="1" COLOR="{frame}" CELLBORDER="0" CELLSPACING="0" '
                                f'CELLPADDING="0">{rows_of(["".join(row) for row in grid])}'
                                f'<TR><TD COLSPAN="{ncol}"{name_bg}>{font(html(t.name), SMALL_SIZE)}</TD></TR>'
                                '</TABLE></TD>')
            lines = ["".join(pictures[i:i + per_row]) for i in range(0, len(pictures), per_row)]
            label = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0" BGCOLOR="#FFFFFF">'
                     f'{rows_of(lines)}</TABLE>')                 # a ground: the node's outline, whatever is lit
            keys.add("pictures")
            whole = False
        else:
            whole = all(id(s) in hl for s in between.values())
            named = a not in big          # a small column's rows say whose they are
            # column heads: the names, or what follows their shared prefix ("digit_0".."digit_9": 0..9 under
            # one "digit_…"), so that the columns stay narrow
            names = [t.name for t in dsts]
            cut = os.path.commonprefix(names).rfind("_") + 1 if len(names) > 1 else 0
            heads = [nm[cut:] for nm in names] if cut and all(len(nm) > cut for nm in names) else names
            lines = []
            if heads is not names:
                lines.append(("<TD></TD>" if named else "") + f'<TD COLSPAN="{len(dsts)}" ALIGN="LEFT">'
                             f'{font(html(names[0][:cut] + "…"), STRIP_SIZE)}</TD>')
            lines.append(("<TD></TD>" if named else "") + "".join(
                f'<TD PORT="c{j}">{font(html(h), STRIP_SIZE)}</TD>' for j, h in enumerate(heads)))
            for i, src in enumerate(srcs):
                row = [f'<TD PORT="r{i}" ALIGN="RIGHT">{font(html(src.name), STRIP_SIZE)}</TD>'] if named else []
                for j, t in enumerate(dsts):
                    port = "" if named or j else f"r{i}"
                    s = between.get((id(src), id(t)))
                    if s is None:
                        row.append(cell(None, EMPTY_CELL, MATRIX_CELL, "", port=port))
                    else:
                        lit |= id(s) in hl
                        row.append(cell(synapse_id(src.name, t.name), colour(s), MATRIX_CELL,
                                        tip(s), id(s) in hl and not whole, port))
                lines.append("".join(row))
            ground = f' BGCOLOR="{HIGHLIGHT_FILL if whole else "#FFFFFF"}"'     # always a ground: its outline
            label = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="{int(STRIP_SEP)}" CELLPADDING="0"{ground}>'
                     f"{rows_of(lines)}</TABLE>")
            keys.add("matrix")
        if any(id(s) in grad for s in between.values()):
            keys.add("grads")
        g.node(mk, id=mid, shape="plain", fixedsize=False, style="solid", label=Html(label), **({"class": HIGHLIGHT_CLASS} if lit else {}))
        if image is not None and a == 0:
            g.edge("img", mk, id=f"{mid}-in", arrowhead="none", **link)
        else:
            for i, src in enumerate(srcs):
                g.edge(key[id(src)], mk, id=f"{mid}-in-{i}", headport=f"r{i}:w", arrowhead="none", weight=4, **link)
        # one arrow on to the target column, level with the matrix: the column heads name the targets
        # (a line from each head looped over the matrix and pulled the column up)
        g.edge(mk, key[id(dsts[len(dsts) // 2])], id=f"{mid}-out", arrowsize=0.7, weight=8, **link)
    return keys


def draw_network(net: Network, *, values: bool = True, deltas: bool = False, grads: bool = False,
                 highlight: Iterable[Any] = (), known: Optional[Collection[Any]] = None,
                 title: Optional[str] = None, legend: bool = True, rankdir: str = "LR",
                 allow_large: bool = False, edge_labels: Optional[bool] = None,
                 known_values: Optional[Collection[Neuron]] = None, sizes: Optional[Sizes] = None,
                 check: Optional[Mapping[Any, float]] = None, labels_at: str = "middle", compact: bool = False,
                 big_layers: bool = True, as_gradients: Optional[Collection[Any]] = None) -> Diagram:
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
    ``labels_at``: where a weight's box stands on its edge: "middle" (the
    default; Graphviz places the boxes) or "head" (in front of the neuron the
    synapse leads into, the boxes of one neuron side by side, so that where
    many edges cross each label sits on a short arrow into its own neuron).
    Networks of more than MAX_SYNAPSES synapses are refused unless ``allow_large=True``.

    A layer of more than BIG_LAYER neurons is drawn so that it reads (``tinygraph.draw.big``): a
    strip of small boxes (id ``neuron-NAME``), the synapses into or out of it a heat-map matrix whose
    cells have the ids ``synapse-SRC-DST``, inputs named ``pixel_R_C`` a picture; the other neurons
    are then rounded boxes with their name, value and θ (the rest in their tooltips), packed tight.
    ``compact=True`` draws a small network that way too (a page that has little room for it);
    ``big_layers=False`` draws every neuron a circle and every synapse an edge, however many.
    ``as_gradients``: Neurons and Synapses shown by their gradient instead of their value, in a
    network with a big layer (a step-through of it shows a layer's deltas and a matrix's gradients
    at once): such a neuron's box writes its δ (a strip's cell is coloured by it), such a synapse's
    matrix cell is coloured by its ∂E/∂w; only those whose gradient is known (``known``) and drawn
    that way (a Bias is taken and changes nothing: a box's δ is its ∂E/∂θ).  Given at all (even
    empty), the boxes are sized for either, so that frames showing values and frames showing
    deltas keep one layout.
    """
    if not isinstance(net, Network):
        hint = " (draw_graph draws the computation graph below a Node)" if hasattr(net, "parents") else ""
        raise WrongTypeError(f"draw_network draws a tinygraph Network, got {type(net).__name__}{hint}")
    values, deltas, grads = check_flag(values, "values"), check_flag(deltas, "deltas"), check_flag(grads, "grads")
    compact, big_layers = check_flag(compact, "compact"), check_flag(big_layers, "big_layers")
    legend, allow_large = check_flag(legend, "legend"), check_flag(allow_large, "allow_large")
    edge_labels = check_flag(edge_labels, "edge_labels", none="automatic")
    rankdir = check_choice(rankdir, "rankdir", ("LR", "TB", "RL", "BT"))
    labels_at = check_choice(labels_at, "labels_at", ("middle", "head"))
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
    ag = None if as_gradients is None else _collect(as_gradients, "as_gradients")
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

    def tip_of(n: Neuron) -> str:
        """A big layer's neuron's numbers as its tooltip: what a circle would write in it."""
        head, bias_rows, tail, _ = label_lines(n, False)
        return ", ".join([" ".join(ln.text for ln in head)] + [ln.text for ln in bias_rows + tail])

    def tip_of_synapse(s: Synapse) -> str:
        """A synapse's weight (and gradient) as the tooltip of its edge or matrix cell."""
        tip = f"{s.src.name} → {s.dst.name}: w = {number(weight[id(s)])}"
        if grads:
            tip += f", ∂E/∂w = {grad_text(s)}"
            nt = nudge_text(s)
            if nt is not None:
                tip += f" ({nt})"
        return tip

    def shown_lines(n: Neuron, reveal: bool, delta: bool = False) -> Tuple[List[Line], List[Line], List[Line], set]:
        """What a circle writes: in a network with a big layer only the name, value (a softmax output's
        probability) and θ (the rest is in its tooltip), so that its columns of circles are about as
        tall as the strips beside them; with ``delta`` (a step showing deltas) its δ instead of its value."""
        head, bias_rows, tail, keys = label_lines(n, reveal)
        if not boxes_only:
            return head, bias_rows, tail, keys
        head = [head[0]] + [ln for ln in head[1:] if ln.text.startswith(("= ", "p = "))]
        bias_rows = bias_rows[:1]
        keys = ({"prob" if head[-1].text.startswith("p = ") else "value"} if len(head) > 1 else set()) \
            | ({"bias"} if bias_rows else set()) | {"tip"}
        if delta and n.delta is not None and not n.is_input:
            head = [head[0], Line(_delta_text(n))]
            keys = (keys - {"value", "prob"}) | {"delta"}
        if any(ln.text.endswith("?") for ln in head):
            keys.add("unknown")
        return head, bias_rows, [], keys

    cols, big = big_columns(net)
    order = [n for col in cols for n in col]
    key = {id(n): f"n{i}" for i, n in enumerate(order)}
    # big layers (module big): a column of more than BIG_LAYER neurons is a strip of boxes, the synapses
    # into or out of it matrices of cells; inputs named pixel_R_C, a picture
    col_of = {id(n): c for c, col in enumerate(cols) for n in col}
    big = big if big_layers else set()
    image = pixel_grid([n.name for n in cols[0]]) if 0 in big and all(n.is_input for n in cols[0]) else None

    def in_matrix(s: Synapse) -> bool:
        return col_of[id(s.src)] in big or col_of[id(s.dst)] in big

    edge_synapses = [s for s in synapses if not in_matrix(s)] if big else synapses
    labelled = len(edge_synapses) <= EDGE_LABEL_LIMIT if edge_labels is None else edge_labels
    boxes_only = bool(big) or compact
    # what a step-through shows by its gradient (as_gradients): a box its δ, a matrix cell its ∂E/∂w
    as_delta = {id(n) for n in net.neurons.values() if boxes_only and ag is not None and id(n) in ag
                and not n.is_input and n.delta is not None and is_known(n)}
    grad_of = {id(s): drawn(s, "grad") for s in synapses
               if big and ag is not None and id(s) in ag and in_matrix(s) and is_known(s) and reached(s)}
    max_d = max((abs(drawn_value(n.delta, f"{n.name}.delta", "Deltas come from backward()"))
                 for n in net.neurons.values() if id(n) in as_delta and col_of[id(n)] in big), default=None)
    max_g = max((abs(v) for v in grad_of.values()), default=None)
    max_w = max((abs(w) for w in weight.values()), default=0.0)
    shown = set()                                  # what the picture shows, for the legend
    # room between columns: for the label boxes, or for the fan of edges between tall columns
    tallest = max((len(c) for i, c in enumerate(cols) if i not in big), default=0)
    ranksep = 0.35 if labelled else min(3.0, 1.0 + 0.1 * max(0, tallest - 4))
    nodesep = round(STRIP_SEP / 72.0, 3) if big else 0.06 if compact else 0.3 if labelled else 0.5
    g = Graph("network",
              graph=dict(rankdir=rankdir, ranksep=round(ranksep, 2), nodesep=nodesep, newrank=True, fontname=FONT,
                         fontsize=LEGEND_SIZE, labelloc="b", labeljust="l", pad=0.2),
              node=dict(shape="circle", style="filled", fontname=FONT, fontsize=TEXT_SIZE, penwidth=1.2,
                        fixedsize=True),
              edge=dict(fontname=FONT))

    # circles: each column's as wide as its widest label needs with every number written
    circles: Dict[str, float] = {}
    box_parts: Dict[int, Tuple[float, float]] = {}
    for c, col in enumerate(cols):
        if c in big:            # a strip's boxes: as wide as the widest name and value
            box_parts[c] = _box_parts(col, values, deltas and ag is not None)
            d = _box_width(box_parts[c])
        else:
            d = max((_box_size if boxes_only else _diameter)([ln for part in shown_lines(n, True, shows_delta)[:3]
                                                               for ln in part])
                    for n in col for shows_delta in ((False, True) if boxes_only and ag is not None else (False,)))
        for n in col:
            circles[n.name] = d
    max_v = {c: max((abs(drawn_value(n.value, f"{n.name}.value", "A neuron's value comes from forward()"))
                     for n in col if n.value is not None), default=0.0)
             for c, col in enumerate(cols) if c in big}

    for n in order:
        if col_of[id(n)] in big:
            if not (image is not None and col_of[id(n)] == 0):
                shown |= _strip_box(g, n, key[id(n)], values, kv, max_v[col_of[id(n)]], id(n) in hl
                                    or (n.bias is not None and id(n.bias) in hl), tip_of(n),
                                    max(circles[n.name], given.circles.get(n.name, 0.0)), box_parts[col_of[id(n)]],
                                    max_d if id(n) in as_delta else None)
            continue
        head, bias_rows, tail, keys = shown_lines(n, False, id(n) in as_delta)
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
        if boxes_only:  # a rounded box as tall as its lines: beside a strip, circles would tower over it
            lines = [ln for part in shown_lines(n, True)[:3] for ln in part]
            attrs.update(shape="box", style="rounded,filled",
                         height=round((sum(LINE * ln.size for ln in lines) + 8.0) / 72.0, 3))
        if id(n) in hl:
            attrs.update({"class": HIGHLIGHT_CLASS, "fillcolor": HIGHLIGHT_FILL, "color": HIGHLIGHT,
                          "penwidth": 3.5})
        else:
            attrs["fillcolor"] = fill
        g.node(key[id(n)], **attrs)

    if image is not None:
        shown |= _picture_node(g, cols[0], image, values, kv, hl)
        for n in cols[0]:
            key[id(n)] = "img"
    # keep each column in build order, top to bottom
    for c, col in enumerate(cols):
        if not (image is not None and c == 0):
            g.same_rank(key[id(n)] for n in col)
    for c, col in enumerate(cols):
        if not (image is not None and c == 0):
            for a, b in zip(col, col[1:]):
                g.edge(key[id(a)], key[id(b)], style="invis")

    boxes: Dict[str, Tuple[float, float]] = {}       # edge label boxes, by synapse id
    max_extra = 3.2 if labelled else 2.2          # a crowd of thick edges would hide one another
    for i, s in enumerate(synapses):
        if big and in_matrix(s):
            continue
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
            if grads and not boxes_only:   # with a big layer: in the box's tooltip
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
                         **({"class": HIGHLIGHT_CLASS} if lit else {}), **({"tooltip": tip_of_synapse(s)} if boxes_only else {}))
            at_head = labels_at == "head"
            g.edge(src, box, id=f"{sid}-tail", arrowhead="none", **({"minlen": 2} if at_head else {}), **line)
            g.edge(box, dst, id=f"{sid}-head", arrowsize=_arrowsize(pen), **line)
        else:
            g.edge(src, dst, id=sid, tooltip=tip_of_synapse(s), arrowsize=_arrowsize(pen), **line)

    if labelled and labels_at == "head":
        # the boxes in front of each column, in the column's order (then the sources' order)
        place = {id(n): i for i, n in enumerate(order)}
        column = {id(n): c for c, col in enumerate(cols) for n in col}
        fronts: Dict[int, List[Tuple[int, int, str]]] = {}
        for i, s in enumerate(synapses):
            if big and in_matrix(s):
                continue
            if column[id(s.dst)] == column[id(s.src)] + 1:     # a skip connection's box stays free
                fronts.setdefault(column[id(s.dst)], []).append((place[id(s.dst)], place[id(s.src)], f"w{i}"))
        for front in fronts.values():
            front.sort()
            g.same_rank(k for _, _, k in front)
            for (_, _, a), (_, _, b) in zip(front, front[1:]):
                g.edge(a, b, style="invis")
    if big:
        shown |= _matrices(g, cols, col_of, big, image, key, synapses, weight, max_w, hl, tip_of_synapse,
                           grad_of, max_g or 0.0)
    if edge_synapses:
        shown.add("width")
        if not labelled:
            shown.add("w")
    if hl:
        shown.add("yellow")
    keys = (shown | given.legend) if legend and order else set()
    max_p = max_v.get(0, 0.0) if image is not None else 0.0
    top_v = max((v for c, v in max_v.items() if not (image is not None and c == 0)), default=0.0)
    legend_html, legend_w = (_legend(keys, max_w, len(edge_synapses), top_v, max_p) if keys
                             else ("", 0.0))
    title_w = text_width(title, TITLE_SIZE, bold=True) * 1.1 + 8 if title else 0.0   # bold DejaVu Sans runs wide
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
