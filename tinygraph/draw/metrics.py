"""How wide text is drawn: the estimate that sizes a diagram's shapes to hold their labels."""

from __future__ import annotations

__all__ = ["text_width"]

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
