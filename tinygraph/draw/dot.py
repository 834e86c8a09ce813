"""DOT built from structure: a small graph builder, text escaped for Graphviz, ids, numbers, colours.

A drawing is made as a :class:`Graph` (nodes and edges with attribute
dicts) and written out as DOT text once, by :meth:`Graph.source`; nothing
ever edits DOT text afterwards.  Why not ``graphviz.Digraph``: it keeps only
the DOT lines it has written (tests and the step player could not read the
structure back), it passes backslashes through (so ``\\N`` in a name is drawn
as the node's id), and it takes any string that starts with ``<`` and ends
with ``>`` for an HTML label.  Here an HTML-like label is its own type
(:class:`Html`), built by :func:`html` from plain text, and every other
string is quoted so that Graphviz shows it literally.

Graphviz expands ``\\N``, ``\\G``, ``\\E``, ``\\T``, ``\\H``, ``\\L`` (and
in quoted strings ``\\n``, ``\\l``, ``\\r``) in labels, tooltips and ids,
also inside HTML-like labels and after an entity such as ``&#92;``; a
doubled backslash is the one way to write a backslash.  Control characters
are not allowed in the SVG Graphviz writes, so they are shown as text
(``\\x07``); a newline in a label is a line break.
"""

from __future__ import annotations

import math
import numbers
from functools import lru_cache
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from ..errors import BadValueError, GraphError, WrongTypeError, did_you_mean
from ..checks import not_finite_error, short_repr, what_is_wrong
from ..node import Node

__all__ = ["Graph", "Edge", "Html", "html", "font", "quote", "svg_id", "neuron_id", "synapse_id", "number", "text_width",
           "HIGHLIGHT_CLASS", "POSITIVE", "NEGATIVE", "ZERO", "HIGHLIGHT", "HIGHLIGHT_FILL",
           "check_flag", "check_choice", "check_text", "check_count", "drawn", "drawn_value"]

# Okabe-Ito colours: told apart by readers with any common colour-vision deficiency.
POSITIVE = "#0072B2"       # blue
NEGATIVE = "#D55E00"       # vermillion
ZERO = "#999999"           # grey
HIGHLIGHT = "#000000"      # the current step: thick black outline ...
HIGHLIGHT_FILL = "#F0E442"  # ... on yellow
#: the SVG class of what a frame highlights (Graphviz writes it beside "node" or "edge")
HIGHLIGHT_CLASS = "highlight"


# -- text ----------------------------------------------------------------------

def _unprintable(ch: str) -> bool:
    """A control character, non-character or lone surrogate: shown as text (\\x07)."""
    o = ord(ch)
    return o < 32 or 0x7F <= o < 0xA0 or ch in "\ufffe\uffff" or 0xD800 <= o < 0xE000


def _visible(ch: str) -> str:
    """``ch`` as the characters that show it: itself, or its escape (\\x07, \\t) for a control character."""
    return ascii(ch)[1:-1] if _unprintable(ch) else ch


# What html() writes for the characters that need it in a Graphviz HTML-like label.
_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": "<BR/>",
                 "\\": "\\\\"}


class Html(str):
    """Markup for a Graphviz HTML-like label, its text already escaped (see :func:`html`);
    the builder writes it as ``<...>``."""


def html(text: object) -> str:
    """``text`` escaped for a Graphviz HTML-like label, so that it is drawn exactly as given:
    XML escapes, backslashes doubled, a newline a line break, other control characters as text."""
    text = str(text)
    if text.isprintable() and not any(ch in text for ch in _HTML_ESCAPES):
        return text                             # the common case (numbers, plain names) at once
    out = []
    for ch in text:
        if ch in _HTML_ESCAPES:
            out.append(_HTML_ESCAPES[ch])
        else:
            out.append(_visible(ch).replace("\\", "\\\\"))
    return "".join(out)


def quote(text: object) -> str:
    """``text`` as a DOT double-quoted string that Graphviz shows literally (a tooltip, a plain label).

    The DOT reader halves backslashes and the label expander halves them again,
    so a backslash is written as four; ``&`` as ``&amp;`` (Graphviz passes
    entities through to SVG); a newline as ``\\n`` (a line break in a tooltip)."""
    text = str(text)
    if text.isprintable() and "\\" not in text and '"' not in text and "&" not in text:
        return f'"{text}"'                      # the common case (colours, ids, plain names) at once
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "&":
            out.append("&amp;")
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(_visible(ch).replace("\\", "\\\\\\\\"))
    return '"' + "".join(out) + '"'


# -- ids -------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def svg_id(name: object) -> str:
    """``name`` as a part of an SVG id: valid in XML, HTML and a CSS selector, and different for
    different names.

    The rule: ASCII letters and digits stay; ``_`` is written ``__``; any other
    character is ``_`` + its code point in lowercase hex + ``_`` (``-`` is
    ``_2d_``, ``θ`` is ``_3b8_``).  So the result never holds ``-``, which can
    join parts (``synapse-x-h1``) without two names ever giving one id.
    """
    name = str(name)
    if name.isascii() and name.isalnum():
        return name
    out = []
    for ch in name:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch == "_":
            out.append("__")
        else:
            out.append(f"_{ord(ch):x}_")
    return "".join(out)


def neuron_id(name: object) -> str:
    """The SVG id of the neuron named ``name``: ``neuron-`` + :func:`svg_id` of the name."""
    return f"neuron-{svg_id(name)}"


def synapse_id(src: object, dst: object) -> str:
    """The SVG id of the synapse from the neuron named ``src`` to ``dst``: ``synapse-SRC-DST``
    with both names through :func:`svg_id` (a network has one synapse per pair)."""
    return f"synapse-{svg_id(src)}-{svg_id(dst)}"


# -- what a drawing is given ---------------------------------------------------------
#
# A drawing's options and the numbers it draws are checked before anything is built, so that a wrong
# option or a value set by hand to nan, text or an array is refused with a message that names it,
# instead of failing deep inside ("Unknown format code 'g'") or drawing penwidth=nan.

def _given(v: object) -> str:
    """A value as a message shows it: its type and (cut short) repr, e.g. "the float 0.5"."""
    return "None" if v is None else f"the {type(v).__name__} {short_repr(v)}"


def _is_numpy_bool(v: object) -> bool:
    t = type(v)
    return t.__module__ == "numpy" and t.__name__ in ("bool_", "bool")


def check_flag(v: Any, name: str, none: Optional[str] = None) -> Optional[bool]:
    """The on/off option ``name`` as a bool: True or False (a numpy bool too); None too if the
    option takes it, ``none`` saying what None means ("automatic").

    Anything else is refused, 0, 1 and text included: ``values="no"`` would be
    taken as on, and a numpy array has no single truth value.
    """
    if v is True or v is False or (none is not None and v is None):
        return v
    if _is_numpy_bool(v):
        return bool(v)
    allowed = f"True, False or None ({none})" if none is not None else "True or False"
    raise WrongTypeError(f"{name} must be {allowed}, got {_given(v)}")


def check_choice(v: Any, name: str, choices: Sequence[str]) -> str:
    """The option ``name``, which must be one of the strings ``choices`` (exactly, case too)."""
    listed = ", ".join(map(repr, choices[:-1])) + f" or {choices[-1]!r}"
    if not isinstance(v, str):
        raise WrongTypeError(f"{name} must be {listed}, got {_given(v)}")
    if v not in choices:
        raise BadValueError(f"{name} must be {listed}, got {v!r}.{did_you_mean(v, choices)}")
    return v


def check_text(v: Any, name: str) -> Optional[str]:
    """The text option ``name`` (a title): a str, or None for none."""
    if v is None or isinstance(v, str):
        return v
    raise WrongTypeError(f"{name} must be text (a str) or None, got {_given(v)}; "
                         f"to show a number, make it text first, e.g. {name}=f\"epoch {{k}}\"")


def check_count(v: Any, name: str) -> int:
    """The option ``name`` as a positive int (a numpy integer too; not a bool, not a float)."""
    if isinstance(v, bool) or _is_numpy_bool(v) or not isinstance(v, numbers.Integral):
        raise WrongTypeError(f"{name} must be a positive int, got {_given(v)}")
    if v < 1:
        raise BadValueError(f"{name} must be a positive int, got {int(v)}")
    return int(v)


def drawn_value(v: Any, subject: str, fix: str) -> float:
    """The number ``v`` (``subject``: what holds it, e.g. "w_x1_h1.value") as the float a drawing writes.

    Anything but a finite real number is refused, naming ``subject`` (nan or an
    infinity with NotFiniteError, text, None, a list or an array with
    WrongTypeError): a picture would hide it (a line of width nan) or fail on it.
    ``fix`` says how to set it right.
    """
    if v.__class__ is float and -math.inf < v < math.inf:
        return v
    if what_is_wrong(v) is None:
        return float(v)
    raise not_finite_error(subject, v, f". A drawing shows finite numbers only: was it set by hand? {fix}")


def drawn(x: Node, attr: str = "value") -> float:
    """``x.value`` (or ``x.grad``) as the float a drawing writes; see :func:`drawn_value`."""
    v = getattr(x, attr)
    if v.__class__ is float and -math.inf < v < math.inf:
        return v                                # the common case at once: no message made
    name = x.name or (f"the result of '{x.op}'" if x.op else "an unnamed Node")
    fix = (f"Set it to a number, e.g. {name}.value = 0.5" if attr == "value"
           else "Gradients come from backward(); zero_grad() sets them to 0")
    return drawn_value(v, f"{name}.{attr}", fix)


# -- numbers and sizes -------------------------------------------------------------

def number(v: Optional[float], digits: int = 4) -> str:
    """A number for a diagram label, in at most ``digits`` significant digits: 0.001, -0.5, 1.2e+05;
    None -> '?'.

    Not :func:`tinygraph.formatting.fmt` (the formatter of the step texts), which writes a whole number below a
    million in full (120000): a label's box is sized from its text, so here even a whole number keeps
    to ``digits`` significant digits and the label stays short.
    """
    if v is None:
        return "?"
    if not isinstance(v, (float, int)):
        v = float(v)                            # a Fraction, a numpy number: format as a float
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    return f"{v:.{digits}g}"


# Character widths (em) of DejaVu Sans, the widest common fallback for Helvetica: a renderer that
# finds Helvetica, Arial or Liberation Sans draws narrower text, so sizes made from these fit all.
_NARROW = set("ijlI.,:;'|!()[]{} ")
_WIDE = set("mwMW@%")
_MATH = set("+=<>~±×÷−∂")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the width in points of one line of ``text`` at ``size`` points.

    Graphviz engines measure text differently (graphviz-pure gives characters
    it has no metrics for the width of a space), and the font a viewer picks
    differs again; shapes sized from this estimate hold their text in all of them.
    """
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _WIDE:
            em += 0.98
        elif ch in _MATH:
            em += 0.84
        elif ch.isdigit():
            em += 0.64
        elif ord(ch) > 0x2E80:        # CJK, emoji and other wide scripts
            em += 1.0
        elif ch.isupper():
            em += 0.74
        else:
            em += 0.63
    return em * size * (1.1 if bold else 1.0)


# -- the graph ---------------------------------------------------------------------

Value = Union[str, int, float, bool, Html]


def _value(v: Value) -> str:
    if isinstance(v, Html):
        return f"<{v}>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{round(v, 4):g}"
    return quote(v)


def _attrs(attrs: Dict[str, Value]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in attrs.items())


class Edge(NamedTuple):
    """An edge of a :class:`Graph`: ``tail -> head`` (node keys) with its attributes."""

    tail: str
    head: str
    attrs: Dict[str, Value]


class Graph:
    """A Graphviz digraph as structure: graph/node/edge defaults, nodes (key -> attributes), edges,
    groups of nodes kept on one rank.  :meth:`source` writes it as DOT.

    Node keys are the builder's own short names (``n0``, ``g3``): user text
    goes only into attribute values, where it is quoted or escaped.
    """

    def __init__(self, name: str = "G", graph: Optional[Dict[str, Value]] = None,
                 node: Optional[Dict[str, Value]] = None, edge: Optional[Dict[str, Value]] = None) -> None:
        self.name = name
        self.graph_attrs: Dict[str, Value] = dict(graph or {})
        self.node_attrs: Dict[str, Value] = dict(node or {})
        self.edge_attrs: Dict[str, Value] = dict(edge or {})
        self.nodes: Dict[str, Dict[str, Value]] = {}
        self.edges: List[Edge] = []
        self.ranks: List[List[str]] = []
        self.clusters: List[Tuple[str, List[str], Dict[str, Value]]] = []

    def node(self, key: str, **attrs: Value) -> str:
        """Add the node ``key`` (a plain identifier) with ``attrs``; returns the key."""
        if key in self.nodes:
            raise GraphError(f"the graph has a node {key!r} already")
        self.nodes[key] = attrs
        return key

    def edge(self, tail: str, head: str, **attrs: Value) -> Edge:
        """Add an edge ``tail -> head`` between nodes added before."""
        for k in (tail, head):
            if k not in self.nodes:
                raise GraphError(f"no node {k!r} in the graph")
        e = Edge(tail, head, attrs)
        self.edges.append(e)
        return e

    def same_rank(self, keys: Iterable[str]) -> None:
        """Keep these nodes on one rank (one column left to right, one row top to bottom)."""
        self.ranks.append(list(keys))

    def cluster(self, key: str, keys: Iterable[str], **attrs: Value) -> None:
        """Draw these nodes together in a box (a Graphviz cluster ``cluster_KEY``) with ``attrs``
        (a ``label``, colours); each node belongs to at most one cluster."""
        self.clusters.append((key, list(keys), attrs))

    def find(self, svg_id: str) -> Union[Dict[str, Value], Edge, None]:
        """The node attributes or the Edge whose ``id`` is ``svg_id``, or None."""
        for attrs in self.nodes.values():
            if attrs.get("id") == svg_id:
                return attrs
        for e in self.edges:
            if e.attrs.get("id") == svg_id:
                return e
        return None

    def source(self) -> str:
        """The graph as DOT text."""
        lines = [f"digraph {self.name} {{"]
        for what, attrs in (("graph", self.graph_attrs), ("node", self.node_attrs), ("edge", self.edge_attrs)):
            if attrs:
                lines.append(f"  {what} [{_attrs(attrs)}];")
        for key, attrs in self.nodes.items():
            lines.append(f"  {key} [{_attrs(attrs)}];" if attrs else f"  {key};")
        for key, keys, attrs in self.clusters:
            lines.append(f"  subgraph cluster_{key} {{")
            lines.extend(f"    {k}={_value(v)};" for k, v in attrs.items())
            lines.append(f"    {'; '.join(keys)};")
            lines.append("  }")
        for keys in self.ranks:
            lines.append(f"  {{rank=same; {'; '.join(keys)};}}")
        for e in self.edges:
            tail = f" [{_attrs(e.attrs)}]" if e.attrs else ""
            lines.append(f"  {e.tail} -> {e.head}{tail};")
        lines.append("}")
        return "\n".join(lines) + "\n"


def font(markup: str, size: Optional[float] = None, colour: Optional[str] = None, bold: bool = False) -> str:
    """HTML-label ``markup`` (already escaped) set in bold and/or another size or colour."""
    if bold:
        markup = f"<B>{markup}</B>"
    if size is not None or colour:
        attrs = (f' POINT-SIZE="{size:g}"' if size is not None else "") + (f' COLOR="{colour}"' if colour else "")
        markup = f"<FONT{attrs}>{markup}</FONT>"
    return markup

