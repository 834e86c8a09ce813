"""How a diagram writes the numbers in its labels: short, so that a label's box stays small."""

from __future__ import annotations

import math
from typing import Optional

__all__ = ["number"]


def number(v: Optional[float], digits: int = 4) -> str:
    """A number for a diagram label, in at most ``digits`` significant digits: 0.001, -0.5, 1.2e+05;
    None -> '?'.

    Not :func:`tinygraph.formatting.fmt` (the formatter of sentences and formulas), which writes a whole number below a
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
