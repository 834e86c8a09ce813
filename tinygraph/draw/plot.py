"""One plotter for curves on axes, drawn as SVG elements (ElementTree, never pasted strings).

It draws the error per epoch (the training page, the playground, the explanation)
and the frame of the training page's picture of the function learned.

- :class:`Axis` maps a range of numbers (linear, or log10) onto 0..1 and picks
  round ticks with short labels (:func:`tick_label`: 0.25, 0.001, 19300, 2.5e5).
- :class:`Plot` puts an x and a y axis into a box of ``width`` x ``height``
  (SVG units) and makes room for every label first: the left margin is as wide
  as the widest y label, the right one as half the last x label, so no label is
  ever cut by the picture's edge.  Widths are estimated from the font size
  (:func:`text_width`, a little wider than Helvetica/DejaVu Sans draw them).
- :class:`ErrorCurve` is E before training and after each epoch on such axes:
  the error axis starts at 0, or is logarithmic when E falls by more than a
  factor of ``LOG_RATIO``, and always holds the threshold ``until``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Callable, Dict, Optional, Sequence, Tuple

from ..errors import BadValueError

__all__ = ["Axis", "Plot", "ErrorCurve", "tick_label", "text_width", "svg_text", "LOG_RATIO", "FONT"]

#: the error axis is logarithmic when the largest error is more than this many times the smallest
LOG_RATIO = 30.0
FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif"

# character widths in em, rounded up from DejaVu Sans (the widest of the usual sans-serif fonts)
_EM: Dict[str, float] = {**{d: 0.64 for d in "0123456789"}, ".": 0.32, ",": 0.32, "-": 0.37, "+": 0.84,
                         "e": 0.62, " ": 0.32, "(": 0.39, ")": 0.39, "i": 0.28, "l": 0.28, "j": 0.28,
                         "t": 0.40, "f": 0.36, "r": 0.42, "m": 0.98, "w": 0.82, "W": 0.99, "M": 0.87}


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is in a sans-serif font of ``size`` (an estimate that errs wide)."""
    return size * sum(_EM.get(c, 0.72 if c.isupper() else 0.62) for c in text)


def tick_label(x: float) -> str:
    """A tick's label: at most 3 significant digits, short (0.298, 0.001, 400, 19300, 1e-05 as 1e-5)."""
    if x == 0:
        return "0"
    s = f"{x:.3g}"
    if "e" in s and 1e-3 <= abs(x) < 1e5:
        return str(int(round(x)))
    return s.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` into about ``count`` parts."""
    raw = span / max(count, 1)
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10 * mag


class Axis:
    """Numbers from ``lo`` to ``hi`` on 0..1 (``log``: by their log10; ``lo`` must then be > 0), with
    ``ticks`` [(value, label)].  ``nice``: the ends move out to whole ticks (a tick at each end);
    otherwise the range is kept and the ticks are the round numbers inside it.  ``whole``: ticks only
    at whole numbers (epochs)."""

    def __init__(self, lo: float, hi: float, log: bool = False, nice: bool = False, count: int = 5,
                 whole: bool = False) -> None:
        lo, hi = float(lo), float(hi)
        self.log = log = bool(log) and lo > 0
        if log:
            a, b = math.log10(lo), math.log10(hi)
            first, last = math.floor(a + 1e-9), math.ceil(b - 1e-9)
            if last <= first:
                last = first + 1
            if nice:
                a, b = float(first), float(last)
            every = max(1, math.ceil((last - first) / 6))
            self._a, self._b = a, b
            decades = [e for e in range(first, last + 1, every) if a - 1e-9 <= e <= b + 1e-9]
            self.ticks = [(10.0 ** e, tick_label(10.0 ** e)) for e in decades]
            self.lo, self.hi = 10 ** a, 10 ** b
            return
        if not hi > lo:
            pad = abs(lo) * 0.1 or 1.0
            lo, hi = lo - pad, hi + pad
        step = nice_step(hi - lo, count)
        if whole:
            step = max(1.0, round(step))
        if nice:
            lo = math.floor(lo / step + 1e-9) * step
            hi = math.ceil(hi / step - 1e-9) * step
        first = math.ceil(lo / step - 1e-9)
        values = [k * step for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]
        self.ticks = [(v, tick_label(v)) for v in values]
        self._a, self._b = lo, hi
        self.lo, self.hi = lo, hi

    def frac(self, v: float) -> float:
        """Where ``v`` lies: 0 at ``lo``, 1 at ``hi`` (outside for numbers beyond them)."""
        if self.log:
            v = math.log10(v) if v > 0 else self._a - 1.0
        return (v - self._a) / (self._b - self._a)

    def onto(self, p: float, q: float) -> Callable[[float], float]:
        """A function putting a number at its place between ``p`` (for ``lo``) and ``q`` (for ``hi``)."""
        return lambda v: p + (q - p) * self.frac(v)


def _n(x: float) -> str:
    """A coordinate, short: one decimal, no trailing zeros."""
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


class Plot:
    """Two axes in a box, inside a picture ``width`` x ``height`` with room for every label:
    ``x(v)``, ``y(v)`` are where a number goes in the picture's units, ``left``/``right``/``top``/
    ``bottom`` the box's edges, and :meth:`svg` the picture's frame (grid, box, ticks, labels) to
    which a caller adds its curves and points.  ``ylabel`` is written above the y axis' labels, the
    ``xlabel`` under the x axis', and a ``title`` (if any) above everything."""

    def __init__(self, x: Axis, y: Axis, width: float, height: float, xlabel: str = "", ylabel: str = "",
                 title: str = "", font_size: float = 11.0) -> None:
        self.xaxis, self.yaxis = x, y
        self.width, self.height = float(width), float(height)
        self.xlabel, self.ylabel, self.title, self.size = xlabel, ylabel, title, float(font_size)
        f = self.size
        widest = max((text_width(label, f) for _, label in y.ticks), default=0.0)
        first_x = text_width(x.ticks[0][1], f) / 2 if x.ticks and x.frac(x.ticks[0][0]) < 0.02 else 0.0
        last_x = text_width(x.ticks[-1][1], f) / 2 if x.ticks and x.frac(x.ticks[-1][0]) > 0.98 else 0.0
        self.left = max(widest + 9, first_x + 3, 12.0)
        self.right = self.width - max(last_x + 3, 8.0)
        self.title_y = f * 1.2 + 2 if title else 0.0
        self.top = self.title_y + (f * 1.2 + 7 if ylabel else f * 0.5 + 4)   # the top y label's room
        self.bottom = self.height - (f + 6) - (f + 5 if xlabel else 0)

    def x(self, v: float) -> float:
        return self.left + (self.right - self.left) * self.xaxis.frac(v)

    def y(self, v: float) -> float:
        return self.bottom - (self.bottom - self.top) * self.yaxis.frac(v)

    def svg(self, attrs: Optional[Dict[str, str]] = None, standalone: bool = False) -> ET.Element:
        """The picture's frame as an <svg> element (``attrs`` added to it).  ``standalone``: a whole SVG
        document (namespace, size in points, a white background, fonts given as attributes)."""
        f = self.size
        root = ET.Element("svg")
        if standalone:
            root.set("xmlns", "http://www.w3.org/2000/svg")
            root.set("width", f"{_n(self.width)}pt")
            root.set("height", f"{_n(self.height)}pt")
        root.set("viewBox", f"0 0 {_n(self.width)} {_n(self.height)}")
        for k, v in (attrs or {}).items():
            root.set(k, v)
        if standalone:
            root.set("font-family", FONT)
            root.set("font-size", _n(f))
            ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": _n(self.width), "height": _n(self.height),
                                         "fill": "white"})
        l, r, t, b = self.left, self.right, self.top, self.bottom
        grid = ET.SubElement(root, "g", {"stroke": "#e4e4e4", "stroke-width": "1"})
        for v, label in self.yaxis.ticks:
            y = self.y(v)
            if 0.5 < y - t < b - t - 0.5:
                ET.SubElement(grid, "line", {"x1": _n(l), "x2": _n(r), "y1": _n(y), "y2": _n(y)})
            ET.SubElement(root, "text", {"x": _n(l - 5), "y": _n(y + f * 0.35), "text-anchor": "end"}).text = label
        for v, label in self.xaxis.ticks:
            x = self.x(v)
            if 0.5 < x - l < r - l - 0.5:
                ET.SubElement(grid, "line", {"x1": _n(x), "x2": _n(x), "y1": _n(t), "y2": _n(b)})
            ET.SubElement(root, "text", {"x": _n(x), "y": _n(b + f + 3), "text-anchor": "middle"}).text = label
        ET.SubElement(root, "rect", {"x": _n(l), "y": _n(t), "width": _n(r - l), "height": _n(b - t),
                                     "fill": "none", "stroke": "#999"})
        if self.title:
            ET.SubElement(root, "text", {"x": "2", "y": _n(self.title_y - 3), "font-size": _n(f * 1.15),
                                         "class": "title"}).text = self.title
        if self.ylabel:
            ET.SubElement(root, "text", {"x": "2", "y": _n(t - f * 0.4 - 3), "class": "ax"}).text = self.ylabel
        if self.xlabel:
            ET.SubElement(root, "text", {"x": _n((l + r) / 2), "y": _n(self.height - 3), "text-anchor": "middle",
                                         "class": "ax"}).text = self.xlabel
        return root

    def polyline(self, points: Sequence[Tuple[float, float]]) -> str:
        """``points`` (numbers on the axes) as an SVG polyline's ``points`` attribute."""
        return " ".join(f"{_n(self.x(a))},{_n(self.y(b))}" for a, b in points)


class ErrorCurve:
    """The error E before training and after each epoch (``errors``; non-finite ones are left out) with
    the threshold ``until``: ``xaxis`` (epochs), ``yaxis`` (E from 0, or log10 when it falls far;
    the threshold always on it), ``log``, and ``shown``: the epochs drawn (at most ``most``: every
    k-th and the last)."""

    def __init__(self, errors: Sequence[float], until: Optional[float] = None, most: int = 400) -> None:
        self.errors = [float(e) for e in errors]
        finite = [e for e in self.errors if math.isfinite(e)]
        if not finite:
            raise BadValueError("no finite errors to draw")
        self.until = until
        lo, hi = min(finite), max(finite)
        if until is not None and until > 0:
            lo, hi = min(lo, until), max(hi, until)
        self.log = lo > 0 and hi / lo > LOG_RATIO
        self.yaxis = Axis(lo, hi, log=True, nice=True) if self.log else Axis(min(0.0, lo), hi, nice=True)
        n = len(self.errors) - 1
        self.xaxis = Axis(0, max(n, 1), whole=True)
        every = max(1, math.ceil((n + 1) / max(1, most)))
        shown = list(range(0, n + 1, every))
        if shown[-1] != n:
            shown.append(n)
        self.shown = [i for i in shown if math.isfinite(self.errors[i])]

    def plot(self, width: float, height: float, ylabel: str = "E", title: str = "",
             font_size: float = 11.0) -> Plot:
        return Plot(self.xaxis, self.yaxis, width, height, xlabel="epoch",
                    ylabel=ylabel + (" (log scale)" if self.log else ""), title=title, font_size=font_size)

    def draw(self, plot: Plot, root: ET.Element, colour: str = "#0072B2") -> None:
        """Add the curve and the dashed threshold (with its value) to ``root``, a frame of ``plot``."""
        if self.until is not None and self.until > 0:
            y = _n(plot.y(self.until))
            ET.SubElement(root, "line", {"x1": _n(plot.left), "x2": _n(plot.right), "y1": y, "y2": y,
                                         "stroke": "#D55E00", "stroke-dasharray": "5 4", "stroke-width": "1.2"})
            ET.SubElement(root, "text", {"x": _n(plot.right - 4), "y": _n(plot.y(self.until) - 4),
                                         "text-anchor": "end", "fill": "#D55E00"}).text = \
                f"threshold {tick_label(self.until)}"
        ET.SubElement(root, "polyline", {"points": plot.polyline([(i, self.errors[i]) for i in self.shown]),
                                         "fill": "none", "stroke": colour, "stroke-width": "1.8",
                                         "stroke-linejoin": "round"})

    def svg(self, width: float = 520, height: float = 260, title: str = "", ylabel: str = "E",
            attrs: Optional[Dict[str, str]] = None, standalone: bool = True) -> Tuple[ET.Element, Plot]:
        """The curve as an <svg> element on its plot (returned too, to place more on it)."""
        plot = self.plot(width, height, ylabel=ylabel, title=title)
        root = plot.svg(attrs, standalone=standalone)
        if title and standalone:
            label = ET.Element("title")
            label.text = title
            root.insert(0, label)
        self.draw(plot, root)
        return root, plot


def svg_text(root: ET.Element) -> str:
    """An element made here as SVG text."""
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)
