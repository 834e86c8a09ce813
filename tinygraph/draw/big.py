"""Big layers drawn so they read: a neuron strip, a weight matrix, a picture of pixel inputs.

A layer of more than BIG_LAYER neurons is not drawn as a column of circles
with an edge per synapse (30 inputs into 8 hidden neurons were a sliver of
circles and a hairball of 240 edges).  Instead:

* each of its neurons is a small box in a tight column, a *strip*: a cell
  coloured by the neuron's value (blue +, vermillion -, paler nearer 0), its
  name, and the value written beside it.  Each box is its own Graphviz node
  with the id ``neuron-NAME``, so it can be highlighted like a circle;
* the synapses between two columns of which one is big are one *matrix*
  node: a row per source neuron, a column per target neuron, each cell
  coloured by the weight's sign and size and given the synapse's id
  ``synapse-SRC-DST`` (Graphviz writes the id of a cell in an HTML-like
  label as ``a_`` + the id; :func:`plain_cell_ids` undoes that after
  rendering, for the ids marked with CELL_MARK here only);
* an input column whose neurons are named like the pixels of an image
  (``pixel_ROW_COLUMN``, every pixel of a full grid, as the digits data set
  names them) is drawn as that image, one cell per pixel (id
  ``neuron-pixel_R_C``), which reads as the digit it shows; its weights
  into the next layer are drawn as one such image per target neuron (what
  that neuron looks for), instead of a matrix of 64 rows.

Small layers keep their circles and edges, so small networks are drawn exactly as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from .colours import HIGHLIGHT, HIGHLIGHT_FILL, NEGATIVE, POSITIVE
from .dot import html

__all__ = ["BIG_LAYER", "CELL_MARK", "heat", "pixel_grid", "plain_cell_ids", "scale_markup"]

#: a column of more neurons than this is drawn as a strip, and its synapses as matrices
BIG_LAYER = 12
#: the prefix of a cell's ID in the DOT text; after rendering the cell's id is the rest
CELL_MARK = "tgcell_"
EMPTY_CELL = "#F2F2F2"                   # no synapse between this row and column


def _mix(colour: str, t: float) -> str:
    """``colour`` (#RRGGBB) mixed with white: t=0 white, t=1 the colour itself."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * t):02X}" for c in rgb)


@lru_cache(maxsize=1 << 16)      # a page's frames colour the same weights again and again
def heat(v: float, top: float) -> str:
    """The colour of ``v`` on a scale up to ``top`` (its largest size): blue for +, vermillion for -,
    white for 0; the square root makes small numbers visible beside large ones."""
    if top <= 0 or v == 0:
        return "#FFFFFF"
    return _mix(POSITIVE if v > 0 else NEGATIVE, min(1.0, abs(v) / top) ** 0.5)


def scale_markup(cell: int = 8) -> str:
    """A colour scale as an HTML-like table: -top ... 0 ... +top, seven cells, for the legend."""
    cells = "".join(f'<TD WIDTH="{cell}" HEIGHT="{cell}" BGCOLOR="{heat(t, 1.0)}"></TD>'
                    for t in (-1.0, -0.4, -0.1, 0.0, 0.1, 0.4, 1.0))
    return (f'<TABLE BORDER="1" COLOR="#BBBBBB" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f"<TR>{cells}</TR></TABLE>")


def pixel_grid(names: Sequence[str]) -> Optional[Tuple[int, int, Dict[str, Tuple[int, int]]]]:
    """(rows, columns, name -> (row, column)) if ``names`` are every pixel ``pixel_R_C`` of a full
    grid of at least 3x3 (each once); None otherwise."""
    at: Dict[str, Tuple[int, int]] = {}
    for name in names:
        parts = name.split("_")
        if len(parts) != 3 or parts[0] != "pixel" or not all(p.isascii() and p.isdigit() for p in parts[1:]):
            return None
        at[name] = (int(parts[1]), int(parts[2]))
    if not at:
        return None
    rows = 1 + max(r for r, _ in at.values())
    cols = 1 + max(c for _, c in at.values())
    if rows < 3 or cols < 3 or len(set(at.values())) != len(at) or len(at) != rows * cols:
        return None
    return rows, cols, at


def cell(cid: Optional[str], colour: str, size: float, tip: str, lit: bool = False, port: str = "") -> str:
    """One coloured cell of a strip, matrix or picture; with ``cid`` it carries that SVG id (and ``tip``
    as its tooltip); ``lit``: the frame highlights it (yellow, black border)."""
    attrs = f' WIDTH="{size:g}" HEIGHT="{size:g}"'
    if port:
        attrs += f' PORT="{port}"'
    if cid is not None:
        attrs += f' ID="{CELL_MARK}{cid}" HREF="#{cid}" TOOLTIP="{tooltip(tip)}"'
    if lit:
        attrs += f' BGCOLOR="{HIGHLIGHT_FILL}" BORDER="{1 if size < 8 else 2}" COLOR="{HIGHLIGHT}"'
    else:
        attrs += f' BGCOLOR="{colour}"'
    return f"<TD{attrs}></TD>"


@lru_cache(maxsize=1 << 16)
def tooltip(text: str) -> str:
    """``text`` as the value of a cell's TOOLTIP: escaped as in a label, a line break as a space
    (a <BR/> is not allowed inside an attribute)."""
    return html(text).replace("<BR/>", " ")


def plain_cell_ids(svg: bytes) -> bytes:
    """Rendered SVG with each marked cell's id as tinygraph gave it: Graphviz writes a cell's ID
    ``tgcell_synapse-x-h`` as ``a_tgcell_synapse-x-h``; the page and the tests find ``synapse-x-h``."""
    return svg.replace(b'<g id="a_' + CELL_MARK.encode(), b'<g id="')


def rows_of(lines: List[str]) -> str:
    """Table rows, one per markup line."""
    return "".join(f"<TR>{ln}</TR>" for ln in lines)
