"""The demos' pictures of data and weights, drawn as SVG (ElementTree, never pasted strings):
a labelled bar chart, a grid of small grey-scale images with captions, a confusion matrix.

Plain SVG needs nothing installed (no Graphviz, no matplotlib), so these pictures are SVG files only.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from ..draw.plot import FONT, svg_text, text_width
from .output import DEFAULT_OUT, DIAGRAM_SUFFIXES, DemoError, out_paths

__all__ = ["bar_chart", "image_grid", "confusion_matrix", "save_svg", "svg_paths", "diverging", "grey"]

BLUE, ORANGE, INK, PALE = "#0072B2", "#D55E00", "#222222", "#888888"


def _svg(width: float, height: float) -> ET.Element:
    root = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", width=f"{width:.0f}", height=f"{height:.0f}",
                      viewBox=f"0 0 {width:.0f} {height:.0f}", **{"font-family": FONT})
    ET.SubElement(root, "rect", x="0", y="0", width=f"{width:.0f}", height=f"{height:.0f}", fill="white")
    return root


def _text(root: ET.Element, x: float, y: float, s: str, size: float = 12, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> None:
    t = ET.SubElement(root, "text", x=f"{x:.1f}", y=f"{y:.1f}", fill=fill, **{"font-size": f"{size:g}",
                      "text-anchor": anchor, "font-weight": weight})
    t.text = s


def _title_width(title: str) -> float:
    """Room for a bold 14-unit title (bold is wider than text_width's estimate)."""
    return text_width(title, 14) * 1.12 + 24


def grey(v: float) -> str:
    """A grey for ``v`` in [0, 1]: 0 white, 1 black (ink on paper, as the digits are written)."""
    k = int(round(255 * (1.0 - min(1.0, max(0.0, v)))))
    return f"#{k:02x}{k:02x}{k:02x}"


def diverging(v: float) -> str:
    """A colour for ``v`` in [-1, 1]: orange for negative, white for 0, blue for positive."""
    v = min(1.0, max(-1.0, v))
    end = (0x00, 0x72, 0xB2) if v >= 0 else (0xD5, 0x5E, 0x00)
    a = abs(v)
    r, g, b = (int(round(255 + (c - 255) * a)) for c in end)
    return f"#{r:02x}{g:02x}{b:02x}"


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, note: str = "",
              colours: Optional[Sequence[str]] = None, bar: float = 16.0) -> ET.Element:
    """Horizontal bars, one per label (largest value at the top as given), each labelled with its value."""
    size = 12
    left = 12 + max(text_width(lab, size) for lab in labels)
    span, top = 420.0, 44.0 + (16 if note else 0)
    width = max(left + span + 70, _title_width(title), text_width(note, 11) + 24)
    height = top + bar * len(labels) + 16
    root = _svg(width, height)
    _text(root, 12, 22, title, 14, weight="bold")
    if note:
        _text(root, 12, 40, note, 11, fill=PALE)
    most = max(values) or 1.0
    for k, (lab, v) in enumerate(zip(labels, values)):
        y = top + k * bar
        _text(root, left - 6, y + bar * 0.72, lab, size, anchor="end")
        w = span * v / most
        ET.SubElement(root, "rect", x=f"{left:.1f}", y=f"{y + 2:.1f}", width=f"{w:.1f}", height=f"{bar - 4:.1f}",
                      fill=(colours[k] if colours else BLUE))
        _text(root, left + w + 4, y + bar * 0.72, f"{v:.3g}", 10, fill=PALE)
    return root


def image_grid(images: Sequence[Sequence[float]], captions: Sequence[Sequence[str]], side: int, title: str,
               note: str = "", columns: int = 8, pixel: float = 7.0, signed: bool = False,
               frames: Optional[Sequence[str]] = None) -> ET.Element:
    """Small side x side images in rows of ``columns``, each with caption lines under it.

    ``images``: pixel values row by row, in [0, 1] (grey, ink on white) or, ``signed``, in [-1, 1]
    (orange negative, blue positive).  ``frames``: a border colour per image (None: no border)."""
    lines = max((len(c) for c in captions), default=0)
    cell_w = max(side * pixel, max((text_width(s, 10) for c in captions for s in c), default=0)) + 14
    cell_h = side * pixel + 14 * lines + 12
    top = 44.0 + (16 if note else 0)
    rows = (len(images) + columns - 1) // columns
    width = max(12 + cell_w * min(columns, len(images)), _title_width(title), text_width(note, 11) + 24)
    root = _svg(width, top + rows * cell_h + 4)
    _text(root, 12, 22, title, 14, weight="bold")
    if note:
        _text(root, 12, 40, note, 11, fill=PALE)
    for k, (img, cap) in enumerate(zip(images, captions)):
        x0 = 12 + (k % columns) * cell_w + (cell_w - side * pixel) / 2 - 7
        y0 = top + (k // columns) * cell_h
        g = ET.SubElement(root, "g")
        for i in range(side):
            for j in range(side):
                v = img[i * side + j]
                ET.SubElement(g, "rect", x=f"{x0 + j * pixel:.1f}", y=f"{y0 + i * pixel:.1f}", width=f"{pixel:g}",
                              height=f"{pixel:g}", fill=diverging(v) if signed else grey(v))
        ET.SubElement(g, "rect", x=f"{x0:.1f}", y=f"{y0:.1f}", width=f"{side * pixel:g}", height=f"{side * pixel:g}",
                      fill="none", stroke=(frames[k] if frames and frames[k] else "#cccccc"),
                      **{"stroke-width": "2.5" if frames and frames[k] else "0.5"})
        for m, s in enumerate(cap):
            _text(root, x0 + side * pixel / 2, y0 + side * pixel + 13 + 13 * m, s, 10, anchor="middle",
                  fill=INK if m == 0 else PALE)
    return root


def confusion_matrix(labels: Sequence[str], counts: Sequence[Sequence[int]], title: str) -> ET.Element:
    """counts[true][predicted] as a table of shaded squares: the diagonal (right) in blue, mistakes in orange."""
    n = len(labels)
    cell, size = 34.0, 11
    lab_w = max(text_width(s, size) for s in labels) + 10
    left, top = 30 + lab_w, 64.0 + lab_w * 0.0
    width = max(left + cell * n + 20, _title_width(title))
    root = _svg(width, top + cell * n + 40)
    _text(root, 12, 22, title, 14, weight="bold")
    _text(root, left + cell * n / 2, 44, "predicted", 11, anchor="middle", fill=PALE)
    t = ET.SubElement(root, "text", x="14", y=f"{top + cell * n / 2:.1f}", fill=PALE, transform=f"rotate(-90 14 {top + cell * n / 2:.1f})",
                      **{"font-size": "11", "text-anchor": "middle"})
    t.text = "true"
    most = max((counts[i][j] for i in range(n) for j in range(n) if i != j), default=0) or 1
    row_totals = [sum(r) or 1 for r in counts]
    for j, lab in enumerate(labels):
        _text(root, left + cell * (j + 0.5), top - 6, lab, size, anchor="middle")
    for i, lab in enumerate(labels):
        _text(root, left - 6, top + cell * (i + 0.62), lab, size, anchor="end")
        for j in range(n):
            c = counts[i][j]
            if i == j:
                fill = diverging(0.25 + 0.75 * c / row_totals[i]) if c else "#ffffff"
            else:
                fill = diverging(-min(1.0, 0.15 + 0.85 * c / most)) if c else "#ffffff"
            ET.SubElement(root, "rect", x=f"{left + cell * j:.1f}", y=f"{top + cell * i:.1f}", width=f"{cell:g}",
                          height=f"{cell:g}", fill=fill, stroke="#dddddd")
            if c:
                dark = (i == j and c / row_totals[i] > 0.5) or (i != j and c / most > 0.6)
                _text(root, left + cell * (j + 0.5), top + cell * (i + 0.62), str(c), size, anchor="middle",
                      fill="white" if dark else INK)
    return root


def svg_paths(out: Union[str, os.PathLike, None], main: str, others: Sequence[str] = ()) -> Tuple[Path, Path]:
    """(folder, main picture) as ``out_paths`` gives them, for a demo whose pictures are SVG files:
    a main picture named with another suffix (.png, .pdf, ...) is refused with what to give instead."""
    given = Path(DEFAULT_OUT if out is None else out).expanduser()
    if not given.is_dir() and given.suffix.lower() in DIAGRAM_SUFFIXES and given.suffix.lower() != ".svg":
        raise DemoError(f"this demo draws SVG pictures: give --out a file ending in .svg (e.g. "
                        f"{given.with_suffix('.svg').name}) or a folder, not {given.name!r}")
    return out_paths(out, main, others)


def save_svg(root: ET.Element, path: Path, files: List[Path]) -> Path:
    """Write ``root`` as SVG to ``path``, appending it to ``files``."""
    path.write_text(svg_text(root), encoding="utf-8")
    files.append(path)
    return path


def pairs(xs: Sequence[float]) -> List[Tuple[int, float]]:
    """(index, value) of ``xs``, largest value first."""
    return sorted(enumerate(xs), key=lambda kv: -kv[1])
