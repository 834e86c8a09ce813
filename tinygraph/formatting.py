"""Numbers as tinygraph writes them for a reader: few digits, no trailing zeros, negatives bracketed
inside a product or sum.  The one number formatter of the step-through, the formulas and the command line."""

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

