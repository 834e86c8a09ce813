"""Numbers as tinygraph writes them for a reader: few digits, no trailing zeros, negatives bracketed
inside a product or sum.  The number formatter of the step-through, the formulas, the worked example and
the command line.

The diagrams write their numbers with :func:`tinygraph.draw.dot.number` instead, on purpose: a drawn
label must never hold more than a few significant digits, since its box or circle is sized from its
text (and one size serves every frame of a page), so there 120000 is 1.2e+05; in a sentence or a
formula a whole number reads best written out (120000, 397 epochs), which is what :func:`fmt` does.
Both write at most 4 significant digits otherwise, the same way."""

from __future__ import annotations

import math
from typing import Optional, Tuple

__all__ = ["fmt", "pair", "operand"]


def fmt(x: Optional[float], digits: int = 4) -> str:
    """A number for a reader: ``digits`` significant digits without trailing zeros
    (0.1385, 0.5, 0.0004386); integers plainly; very small or large ones as 1.234e-05;
    nan and inf as Python writes them; None (not computed yet) as ?."""
    if x is None:
        return "?"
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    if not 1e-4 <= abs(x) < 10.0 ** digits:
        return f"{x:.{digits}g}"
    s = f"{x:.{max(0, digits - 1 - math.floor(math.log10(abs(x))))}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def pair(a: float, b: float) -> Tuple[str, str]:
    """a and b with just enough digits to tell them apart (11.99995 vs 12, not 12 vs 12)."""
    for digits in range(4, 16):
        fa, fb = fmt(a, digits), fmt(b, digits)
        if fa != fb or a == b:
            return fa, fb
    return fa, fb


def operand(x: float) -> str:
    """A number used inside a product or sum: negative ones in parentheses."""
    s = fmt(x)
    return f"({s})" if x < 0 else s

