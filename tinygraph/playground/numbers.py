"""The numbers a learner types into the playground: checked once, here, for every action that takes one."""

from __future__ import annotations

import math
from typing import Any

from ..formatting import fmt
from .errors import PlayError

__all__ = ["BIGGEST", "number"]

#: a number the learner types must be at most this big: beyond it sigmoids saturate and nothing is learned
BIGGEST = 1e6


def number(value: Any, what: str) -> float:
    """The learner's ``value`` (typed text or a JSON number) as a float, or a PlayError saying why not."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PlayError(f"{what}: type a number such as 0.25")
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        raise PlayError(f"{what}: the box is empty; type a number such as 0.25")
    try:
        x = float(text)
    except (ValueError, OverflowError):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise PlayError(f"{what}: {shown!r} is not a number; type one such as 0.25 or -1.5e-3") from None
    if math.isnan(x):
        raise PlayError(f"{what}: nan is not a number the network can use; type one such as 0.25")
    if not math.isfinite(x) or abs(x) > BIGGEST:
        raise PlayError(f"{what}: {fmt(x)} is too big; keep numbers between -{BIGGEST:g} and {BIGGEST:g}")
    return x
