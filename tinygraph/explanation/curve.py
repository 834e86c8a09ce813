"""The error curve: E after each epoch of ``train``, drawn as a small SVG (and as TikZ for LaTeX).

The axes, ticks and curve come from the one plotter, :mod:`tinygraph.draw.plot`
(the training page and the playground draw their error curves with it too); this
module gives the explanation its figure and writes the same curve as TikZ.
The error axis starts at 0, or is logarithmic when the error falls by more than
a factor of ``LOG_RATIO``; the threshold is always on it, as a dashed line.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ..draw.plot import ErrorCurve, svg_text, tick_label

__all__ = ["Curve", "MAX_POINTS"]

#: at most this many points are drawn (every k-th epoch, and the last)
MAX_POINTS = 400


class Curve:
    """The errors ``errors`` (E before training, then after each epoch) and the threshold ``until``,
    placed on a unit square: ``points`` (x, y in 0..1, y up), ``xticks`` and ``yticks``
    ((position, label)), ``threshold`` (its y, or None without one), ``log``."""

    def __init__(self, errors: Sequence[float], until: Optional[float] = None) -> None:
        self.curve = ErrorCurve(errors, until, most=MAX_POINTS)
        self.errors, self.until, self.log = self.curve.errors, until, self.curve.log
        x, y = self.curve.xaxis, self.curve.yaxis
        self.xticks: List[Tuple[float, str]] = [(x.frac(v), label) for v, label in x.ticks]
        self.yticks: List[Tuple[float, str]] = [(y.frac(v), label) for v, label in y.ticks]
        self.points: List[Tuple[float, float]] = [(x.frac(i), y.frac(self.errors[i])) for i in self.curve.shown]
        self.threshold = y.frac(until) if until is not None and until > 0 else None

    def svg(self, width: int = 520, height: int = 260, title: str = "Error E after each epoch") -> str:
        """The curve as an SVG document (text)."""
        root, _ = self.curve.svg(width, height, title=title, ylabel="E")
        return svg_text(root)

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
            lines.append(rf"\node[above right,red!70!black] at (0,{y:.3f}) {{threshold {tick_label(self.until)}}};")
        pts = " -- ".join(f"({u * W:.3f},{v * H:.3f})" for u, v in self.points)
        lines.append(rf"\draw[thick,blue!70!black] {pts};")
        lines.append(rf"\node[below=12pt] at ({W / 2},0) {{epoch}};")
        lines.append(rf"\node[rotate=90,above=22pt] at (0,{H / 2}) {{$E${' (log scale)' if self.log else ''}}};")
        lines.append(r"\end{tikzpicture}")
        return "\n".join(lines)
