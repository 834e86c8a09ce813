"""Small helpers for writing DOT text safely: escaping, numbers, colours.

Every label tinygraph writes is a Graphviz HTML-like label (``label=<...>``),
so user text only needs XML escaping: ``&``, ``<``, ``>``, quotes; a newline
becomes a line break and other control characters become visible escapes
(they are not allowed in the SVG that Graphviz writes).
"""

from __future__ import annotations

import math
from typing import Optional

__all__ = ["html", "quote", "number", "text_width", "POSITIVE", "NEGATIVE", "ZERO", "HIGHLIGHT", "HIGHLIGHT_FILL"]

# Okabe-Ito colours: told apart by readers with any common colour-vision deficiency.
POSITIVE = "#0072B2"       # blue
NEGATIVE = "#D55E00"       # vermillion
ZERO = "#999999"           # grey
HIGHLIGHT = "#000000"      # the current step: thick black outline ...
HIGHLIGHT_FILL = "#F0E442"  # ... on yellow


# What html() writes for the characters that need escaping in a Graphviz HTML-like label.
_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": "<BR/>", "\r": ""}


def _unprintable(ch: str) -> bool:
    """A control character, non-character or lone surrogate: html() writes it as text (\\x07)."""
    o = ord(ch)
    return o < 32 or 0x7F <= o < 0xA0 or ch in "\ufffe\uffff" or 0xD800 <= o < 0xE000


def html(text: object) -> str:
    """``text`` escaped for a Graphviz HTML-like label (newlines become ``<BR/>``; other control
    characters are shown as text, e.g. ``\\x07``)."""
    return "".join(_HTML_ESCAPES[ch] if ch in _HTML_ESCAPES else
                   ascii(ch)[1:-1] if _unprintable(ch) else ch for ch in str(text))


def quote(text: object) -> str:
    """``text`` as a DOT double-quoted string (for attributes that are not labels)."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r", "").replace("\n", "\\n")
    s = "".join(ch if ord(ch) >= 32 else ascii(ch)[1:-1].replace("\\", "\\\\") for ch in s)
    return f'"{s}"'


def number(v: Optional[float], digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits: 0.001, -0.5, 1.2e+05; None -> '?'."""
    if v is None:
        return "?"
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

    Graphviz engines measure text differently (and the font a viewer picks
    differs again); shapes sized from this estimate hold their text in all of them.
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
        elif ord(ch) > 0x2E80:        # CJK and other wide scripts
            em += 1.0
        elif ch.isupper():
            em += 0.74
        else:
            em += 0.63
    return em * size * (1.1 if bold else 1.0)
