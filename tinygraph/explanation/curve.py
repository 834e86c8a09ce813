"""The error curve: E after each epoch of ``train``, drawn as a small SVG (and as TikZ for LaTeX).

No plotting library: the curve is a polyline on axes with a few ticks, built as
XML elements (never as pasted strings), with a dashed line at the threshold.
The error axis is logarithmic when the error falls by more than a factor of 50.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import List, Optional, Sequence, Tuple

__all__ = ["Curve", "MAX_POINTS"]

#: at most this many points are drawn (every k-th epoch, and the last)
MAX_POINTS = 400


def _tick_label(x: float) -> str:
    """A tick label: 3 significant digits (0.298, 0.001, 1e-05, 400)."""
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e5:
        s = f"{x:.3g}"
        return s if "e" not in s else str(int(round(x)))
    return f"{x:.0e}".replace("e-0", "e-").replace("e+0", "e")


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


class Curve:
    """The errors ``errors`` (E before training, then after each epoch) and the threshold ``until``,
    placed on a unit square: ``points`` (x, y in 0..1, y up), ``xticks`` and ``yticks``
    ((position, label)), ``threshold`` (its y, or None when off the axis), ``log``."""

    def __init__(self, errors: Sequence[float], until: Optional[float] = None) -> None:
        errors = [float(e) for e in errors if math.isfinite(e)]
        if not errors:
            raise ValueError("no errors to draw")
        self.errors, self.until = errors, until
        n = len(errors) - 1
        lo, hi = min(errors), max(errors)
        if until is not None and until > 0:
            lo = min(lo, until)
            hi = max(hi, until)
        self.log = lo > 0 and hi / lo > 50
        if self.log:
            a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
            if a == b:
                b += 1
            self._y = lambda v: (math.log10(v) - a) / (b - a) if v > 0 else 0.0
            step = max(1, math.ceil((b - a) / 6))
            self.yticks = [(self._y(10.0 ** e), _tick_label(10.0 ** e)) for e in range(a, b + 1, step)]
        else:
            lo2 = 0.0 if lo >= 0 else lo
            hi2 = hi if hi > lo2 else lo2 + 1.0
            step = _nice_step(hi2 - lo2)
            top = math.ceil(hi2 / step - 1e-9) * step
            bottom = math.floor(lo2 / step + 1e-9) * step
            self._y = lambda v: (v - bottom) / (top - bottom)
            k = int(round((top - bottom) / step))
            self.yticks = [(self._y(bottom + i * step), _tick_label(bottom + i * step)) for i in range(k + 1)]
        xmax = max(n, 1)
        xstep = max(1, int(_nice_step(xmax)))
        self.xticks = [(e / xmax, str(e)) for e in range(0, xmax + 1, xstep)]
        every = max(1, math.ceil((n + 1) / MAX_POINTS))
        idx = list(range(0, n + 1, every))
        if idx[-1] != n:
            idx.append(n)
        self.points: List[Tuple[float, float]] = [(i / xmax, self._y(errors[i])) for i in idx]
        self.threshold = self._y(until) if until is not None and until > 0 else None

    def svg(self, width: int = 520, height: int = 260, title: str = "Error E after each epoch") -> str:
        """The curve as an SVG document (text)."""
        left, right, top, bottom = 64, 16, 28, 44
        w, h = width - left - right, height - top - bottom

        def X(u: float) -> str:
            return f"{left + u * w:.2f}"

        def Y(v: float) -> str:
            return f"{top + (1 - v) * h:.2f}"

        svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": f"{width}pt",
                                 "height": f"{height}pt", "viewBox": f"0 0 {width} {height}",
                                 "role": "img", "font-family": "Helvetica, Arial, sans-serif", "font-size": "11"})
        ET.SubElement(svg, "title").text = title
        ET.SubElement(svg, "rect", {"x": "0", "y": "0", "width": str(width), "height": str(height),
                                    "fill": "white"})
        ET.SubElement(svg, "text", {"x": str(left), "y": "18", "font-size": "13"}).text = title + (
            " (log scale)" if self.log else "")
        grid = ET.SubElement(svg, "g", {"stroke": "#DDDDDD", "stroke-width": "1"})
        for v, label in self.yticks:
            ET.SubElement(grid, "line", {"x1": X(0), "x2": X(1), "y1": Y(v), "y2": Y(v)})
            ET.SubElement(svg, "text", {"x": str(left - 6), "y": f"{float(Y(v)) + 4:.2f}",
                                        "text-anchor": "end"}).text = label
        for u, label in self.xticks:
            ET.SubElement(grid, "line", {"x1": X(u), "x2": X(u), "y1": Y(0), "y2": Y(1)})
            ET.SubElement(svg, "text", {"x": X(u), "y": f"{top + h + 16}", "text-anchor": "middle"}).text = label
        ET.SubElement(svg, "rect", {"x": X(0), "y": Y(1), "width": str(w), "height": str(h), "fill": "none",
                                    "stroke": "#333333"})
        if self.threshold is not None:
            ET.SubElement(svg, "line", {"x1": X(0), "x2": X(1), "y1": Y(self.threshold), "y2": Y(self.threshold),
                                        "stroke": "#D55E00", "stroke-dasharray": "5,4", "stroke-width": "1.2"})
            ET.SubElement(svg, "text", {"x": f"{left + 6}", "y": f"{float(Y(self.threshold)) - 4:.2f}",
                                        "fill": "#D55E00"}).text = (
                f"threshold {_tick_label(self.until)}")
        ET.SubElement(svg, "polyline", {"points": " ".join(f"{X(u)},{Y(v)}" for u, v in self.points),
                                        "fill": "none", "stroke": "#0072B2", "stroke-width": "2"})
        ET.SubElement(svg, "text", {"x": X(0.5), "y": str(height - 6), "text-anchor": "middle"}).text = "epoch"
        ET.SubElement(svg, "text", {"x": "14", "y": Y(0.5), "text-anchor": "middle",
                                    "transform": f"rotate(-90 14 {Y(0.5)})"}).text = "E"
        return ET.tostring(svg, encoding="unicode")

    def tikz(self, width_cm: float = 11.0, height_cm: float = 5.0) -> str:
        """The curve as a TikZ picture (for the LaTeX document)."""
        W, H = width_cm, height_cm
        lines = [r"\begin{tikzpicture}[font=\small]"]
        for v, label in self.yticks:
            lines.append(rf"\draw[black!15] (0,{v * H:.3f}) -- ({W},{v * H:.3f});")
            lines.append(rf"\node[left] at (0,{v * H:.3f}) {{{label}}};")
        for u, label in self.xticks:
            lines.append(rf"\node[below] at ({u * W:.3f},0) {{{label}}};")
        lines.append(rf"\draw (0,0) rectangle ({W},{H});")
        if self.threshold is not None:
            y = self.threshold * H
            lines.append(rf"\draw[dashed,red!70!black] (0,{y:.3f}) -- ({W},{y:.3f});")
            lines.append(rf"\node[above right,red!70!black] at (0,{y:.3f}) {{threshold {_tick_label(self.until)}}};")
        pts = " -- ".join(f"({u * W:.3f},{v * H:.3f})" for u, v in self.points)
        lines.append(rf"\draw[thick,blue!70!black] {pts};")
        lines.append(rf"\node[below=12pt] at ({W / 2},0) {{epoch}};")
        lines.append(rf"\node[rotate=90,above=22pt] at (0,{H / 2}) {{$E${' (log scale)' if self.log else ''}}};")
        lines.append(r"\end{tikzpicture}")
        return "\n".join(lines)
