"""The training page: a recorded run (``tg.train(..., record=K)``) as one self-contained HTML page.

Each recorded epoch is a frame: the network diagram with that epoch's weights
(one layout for all frames, drawn through the step player's shared frames), the
error curve with the epoch marked, and for a network with one or two inputs
the function it has learned so far: the fitted curve over the data (one
input), or the output over the input plane with the data points and, for a
classifier, the decision boundary (two inputs).  The curves and axes are
drawn by the one plotter (:mod:`.plot`) as SVG, the plane as a small PNG
raster, without matplotlib; the side panel's script and style are the
package data files ``assets/training.js`` and ``training.css``; the page
plays, scrubs and takes keys like the step player (:mod:`.player`), whose
machinery it uses.  ``.save("run.gif")`` writes the same frames as an
animated GIF (needs Pillow: ``pip install "tinygraph[gif]"``).
"""

from __future__ import annotations

import base64
import html
import math
import os
import struct
import xml.etree.ElementTree as ET
import zlib
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import BadValueError, TinygraphError, user_facing
from .dot import NEGATIVE, POSITIVE
from .player import inline_frame
from .files import PAGE_SUFFIXES, WholeFile, check_place
from .frames import same_layout_diagrams, shared_frames
from .packaged import asset
from .plot import Axis, ErrorCurve, Plot, svg_text, tick_label

__all__ = ["training_page", "TrainingPage", "GIF_SUFFIXES", "MissingPillowError", "RecordedRun", "error_curve",
           "fit_picture"]

GIF_SUFFIXES = (".gif",)
PLOT_W, PLOT_H = 360.0, 170.0      # the error curve (SVG units)
FIT_W, FIT_H = 360.0, 240.0         # the function learned: one input's curve, two inputs' plane
CURVE_POINTS = 120                  # the fitted curve's points across the data
GRID_FAST, GRID_SLOW = 48, 28       # the plane's raster, with numpy / with the node engine alone
MAX_CURVE = 600                     # the error curve is thinned to this many points
HELD_COLOUR = "#CC79A7"             # the held-out error: Okabe-Ito reddish purple


class MissingPillowError(TinygraphError, ImportError):
    """Writing a GIF needs Pillow, which is not installed."""


def _rgb(hex_colour: str) -> Tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


_BLUE, _ORANGE = _rgb(POSITIVE), _rgb(NEGATIVE)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.0f}"


def _held_out(held: Any) -> Tuple[List[Dict[str, float]], List[Dict[str, float]]]:
    """Held-out rows as (inputs, targets), each a list of dicts by name: from (inputs, targets) or
    [(inputs, targets), ...]; ([], []) for none."""
    if held is None:
        return [], []
    try:
        pairs = list(held)
        if len(pairs) == 2 and isinstance(pairs[0], list) and isinstance(pairs[1], list) and \
                len(pairs[0]) == len(pairs[1]) and all(isinstance(x, Mapping) for x in pairs[0]):
            xs, ts = pairs
        else:
            xs, ts = [x for x, _ in pairs], [t for _, t in pairs]
        rows_ok = all(isinstance(x, Mapping) and isinstance(t, Mapping) for x, t in zip(xs, ts))
    except (TypeError, ValueError):
        rows_ok = False
    if not rows_ok:
        raise user_facing(BadValueError(
            "held_out takes the rows kept out of training as (inputs, targets), two lists of dicts by "
            "name, or a list of (inputs, targets) pairs, like train()'s data")) from None
    return [dict(x) for x in xs], [dict(t) for t in ts]


# -- what a snapshot shows --------------------------------------------------------------------

def _error_units(scaling: Any, loss: Optional[str]) -> Tuple[float, str]:
    """(what an error of the standardised target is multiplied by to be in the data's units, those units in
    words); (1, "") without a target scaling, (1, "of the standardised target") for an error that does not convert."""
    if scaling is None:
        return 1.0, ""
    std, name = scaling.target_std, scaling.target or "the target"
    if loss in ("mse", "squared_error"):
        return std * std, f"in {name}'s units, squared"
    if loss in ("mae",):
        return std, f"in {name}'s units"
    return 1.0, "of the standardised target"


class RecordedRun:
    """The recorded run as the page needs it: the snapshots, the network and its data, what the output
    means, and per snapshot the function learned (curve points or the plane's grid of outputs)."""

    def __init__(self, history: Any, net: Any = None, held_out: Any = None) -> None:
        snaps = list(getattr(history, "snapshots", None) or [])
        if not snaps:
            raise user_facing(BadValueError(
                "this History holds no recorded epochs: train with record=K, e.g. "
                "history = tg.train(net, data, lr=0.5, record=10), then tg.training_page(history)"))
        self.history = history
        self.snaps = snaps
        self.net = net if net is not None else history.network
        if self.net is None:
            raise user_facing(BadValueError("training_page needs the network: pass net=..."))
        self.params = list(history.parameters)
        self.xs, self.ts = history.data
        self.ins = [n.name for n in self.net.inputs]
        self.out = self.net.outputs[0].name
        act = getattr(self.net.outputs[0].activation, "name", "")
        targets = [t.get(self.out, 0.0) for t in self.ts]
        self.classifier = act == "sigmoid" and bool(targets) and set(targets) <= {0.0, 1.0}
        #: a softmax output layer's outputs (its classes), else []: an output of the largest probability is the class
        self.classes = [n.name for n in self.net.softmax_layer()]
        self.scaling = getattr(self.net, "scaling", None)
        # a regression trained on a standardised target (tinygraph train): its outputs and errors are shown in
        # the data's own units, as the terminal prints them
        scaled = self.scaling is not None and getattr(self.scaling, "scales_target", False) and not self.classifier
        self.unscale: Callable[[float], float] = self.scaling.unscale if scaled else (lambda v: v)
        self.error_factor, self.error_units = _error_units(self.scaling if scaled else None, history.loss)
        targets = [self.unscale(t) for t in targets]
        self.lo, self.hi = (min(targets), max(targets)) if targets else (0.0, 1.0)
        if self.hi <= self.lo:
            self.lo, self.hi = self.lo - 1.0, self.hi + 1.0
        self.boxes = [self._range(j) for j in range(len(self.ins))] if self.xs and len(self.ins) <= 2 else []
        held = held_out if held_out is not None else getattr(history, "held_out", None)
        self.held_xs, self.held_ts = _held_out(held)
        self.held_errors: List[Optional[float]] = []      # per snapshot: the error on the held-out rows
        self.held_right: List[Optional[float]] = []       # per snapshot: the accuracy on them (classifier)
        self.right: Dict[int, float] = {}   # per snapshot without recorded outputs: the accuracy
        self.fits: List[Any] = []       # per snapshot: [(x, y), ...] (one input) or grid rows (two inputs)
        self.grid = 0

    def _range(self, j: int) -> Tuple[float, float]:
        vals = [x[self.ins[j]] for x in self.xs]
        a, b = min(vals), max(vals)
        pad = 0.08 * (b - a) if b > a else 1.0
        return a - pad, b + pad

    def set(self, values: Sequence[float]) -> None:
        for p, v in zip(self.params, values):
            p.value = v

    def evaluate_held_out(self) -> None:
        """Each snapshot's error (the run's own loss) and accuracy on the held-out rows."""
        if not self.held_xs or self.held_errors:
            return
        from ..learning.losses import get_loss
        try:
            loss = get_loss(self.history.loss) if self.history.loss else None
        except (TinygraphError, ValueError, KeyError):
            loss = None                         # a loss of the learner's own: accuracy only
        saved = [p.value for p in self.params]
        try:
            for s in self.snaps:
                self.set(s.values)
                outs = [self.net.forward(x) for x in self.held_xs]
                err = loss.function(outs, self.held_ts).value if loss is not None else None
                self.held_errors.append(err if err is not None and math.isfinite(err) else None)
                if self.classes:
                    self.held_right.append(sum(self._guess(o) == self._guess(t)
                                               for o, t in zip(outs, self.held_ts)) / len(outs))
                elif self.classifier:
                    right = sum((o[self.out].value >= 0.5) == (t[self.out] >= 0.5)
                                for o, t in zip(outs, self.held_ts))
                    self.held_right.append(right / len(outs))
                else:
                    self.held_right.append(None)
        finally:
            self.set(saved)

    def _guess(self, outputs: Mapping[str, Any]) -> str:
        """The class a softmax layer's outputs (Nodes or numbers by name) or one-hot targets pick: the largest."""
        return max(self.classes, key=lambda c: getattr(outputs[c], "value", outputs[c]))

    def per_class(self) -> List[Tuple[str, int, int]]:
        """The last snapshot's held-out rows by class: (the class's label, how many it got right, how many);
        [] unless a softmax layer and held-out rows."""
        if not (self.classes and self.held_xs):
            return []
        labels = list(getattr(self.scaling, "labels", None) or ())
        names = labels if len(labels) == len(self.classes) else self.classes
        saved = [p.value for p in self.params]
        try:
            self.set(self.snaps[-1].values)
            pairs = [(self._guess(t), self._guess(self.net.forward(x))) for x, t in zip(self.held_xs, self.held_ts)]
        finally:
            self.set(saved)
        return [(name, sum(1 for t, o in pairs if t == c and o == c), sum(1 for t, _ in pairs if t == c))
                for name, c in zip(names, self.classes)]

    def evaluate(self) -> None:
        """Each snapshot's function learned, over the data's range (the weights are put back after)."""
        self.evaluate_held_out()
        if self.classes:
            self._count_classes()
        small = len(self.ins) in (1, 2) and bool(self.xs)
        count = self.classifier and any(s.outputs is None for s in self.snaps) and bool(self.xs)
        if not (small or count):
            return
        saved = [p.value for p in self.params]
        try:
            batch = self._batch()
            if count:
                X = [[x[k] for k in self.ins] for x in self.xs]
                want = [t[self.out] >= 0.5 for t in self.ts]
                for k, s in enumerate(self.snaps):
                    if s.outputs is not None:
                        continue
                    self.set(s.values)
                    if batch is not None:
                        outs = [float(o[0]) for o in batch.forward(X)]
                    else:
                        outs = [self.net.forward(x)[self.out].value for x in self.xs]
                    self.right[k] = sum((o >= 0.5) == w for o, w in zip(outs, want)) / len(want)
            if not small:
                return
            if len(self.ins) == 1:
                a, b = self.boxes[0]
                points = [a + (b - a) * i / (CURVE_POINTS - 1) for i in range(CURVE_POINTS)]
                rows = [[x] for x in points]
            else:
                g = self.grid = GRID_FAST if batch is not None else GRID_SLOW
                (a0, b0), (a1, b1) = self.boxes
                # row 0 is the top of the picture: the largest second input
                rows = [[a0 + (b0 - a0) * (i + 0.5) / g, b1 - (b1 - a1) * (r + 0.5) / g]
                        for r in range(g) for i in range(g)]
            for s in self.snaps:
                self.set(s.values)
                if batch is not None:
                    outs = [float(o[0]) for o in batch.forward(rows)]
                else:
                    outs = [self.net.forward(dict(zip(self.ins, r)))[self.out].value for r in rows]
                outs = [self.unscale(o) if math.isfinite(o) else 0.0 for o in outs]
                if len(self.ins) == 1:
                    self.fits.append(list(zip([r[0] for r in rows], outs)))
                else:
                    g = self.grid
                    self.fits.append([outs[r * g:(r + 1) * g] for r in range(g)])
        finally:
            self.set(saved)

    def _batch(self) -> Any:
        """The network compiled for numpy (batch mode), or None where it cannot be (no numpy, an op batch
        mode lacks): then the node engine works the snapshots out."""
        try:
            from ..learning.batch import compile_network
            return compile_network(self.net)
        except (ImportError, TinygraphError, ValueError, TypeError):
            return None

    def _count_classes(self) -> None:
        """A softmax layer's training accuracy in each snapshot whose outputs were not recorded."""
        missing = [k for k, s in enumerate(self.snaps) if s.outputs is None]
        if not (missing and self.xs):
            return
        want = [self._guess(t) for t in self.ts]
        saved = [p.value for p in self.params]
        try:
            batch = self._batch()
            X = [[x[k] for k in self.ins] for x in self.xs]
            order = [n.name for n in self.net.outputs]
            for k in missing:
                self.set(self.snaps[k].values)
                if batch is not None:
                    got = [self._guess(dict(zip(order, map(float, row)))) for row in batch.forward(X)]
                else:
                    got = [self._guess(self.net.forward(x)) for x in self.xs]
                self.right[k] = sum(g == w for g, w in zip(got, want)) / len(want)
        finally:
            self.set(saved)

    def shown_error(self, e: float) -> float:
        """An error of the run as the page shows it: in the data's units when the target was standardised."""
        return e * self.error_factor

    def label(self, j: int) -> str:
        return self.ins[j]

    def shown(self, j: int, v: float) -> float:
        """Input ``j``'s value ``v`` as the learner's data has it (a table's scaling undone)."""
        s = self.scaling
        if s is None or self.ins[j] not in s.names:
            return v
        return s.undo(s.names.index(self.ins[j]), v)

    def accuracy(self, k: int) -> Optional[float]:
        outs = self.snaps[k].outputs
        if self.classes and outs is not None:
            return sum(self._guess(o) == self._guess(t) for o, t in zip(outs, self.ts)) / len(outs)
        if not self.classifier or outs is None:
            return self.right.get(k)
        right = sum((o[self.out] >= 0.5) == (t[self.out] >= 0.5) for o, t in zip(outs, self.ts))
        return right / len(outs)

    # the plane's colours: the classifier's probability from vermillion (0) through white to blue (1)
    def colour(self, v: float) -> Tuple[int, int, int]:
        u = v if self.classifier else (v - self.lo) / (self.hi - self.lo)
        u = round(min(1.0, max(0.0, u)) * 32) / 32       # in bands: a smaller PNG, and the levels show
        c, t = (_BLUE, (u - 0.5) * 2.0) if u >= 0.5 else (_ORANGE, (0.5 - u) * 2.0)
        t *= 0.6                                     # pale, so the data points stand out
        return tuple(int(round(255 + (ch - 255) * t)) for ch in c)   # type: ignore[return-value]

    def raster(self, k: int) -> List[List[Tuple[int, int, int]]]:
        """Snapshot ``k``'s plane as rows of RGB pixels, the decision boundary (output 0.5) in dark grey."""
        grid = self.fits[k]
        g = len(grid)
        out = [[self.colour(v) for v in row] for row in grid]
        if self.classifier:
            for r in range(g):
                for i in range(g):
                    side = grid[r][i] >= 0.5
                    if (i + 1 < g and (grid[r][i + 1] >= 0.5) != side) or \
                            (r + 1 < g and (grid[r + 1][i] >= 0.5) != side):
                        out[r][i] = (51, 51, 51)
        return out

    def point_colour(self, t: float) -> str:
        """A data point's colour at full strength: its class, or (regression) above or below the middle.
        ``t``: its target as the network learned it (standardised, for a table's regression)."""
        if self.classifier:
            return POSITIVE if t >= 0.5 else NEGATIVE
        return POSITIVE if (self.unscale(t) - self.lo) / (self.hi - self.lo) >= 0.5 else NEGATIVE


def _png(pixels: List[List[Tuple[int, int, int]]]) -> bytes:
    """A PNG file of RGB ``pixels`` (rows top to bottom): the few bytes the format needs, by hand."""
    h, w = len(pixels), len(pixels[0])
    raw = b"".join(b"\0" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# -- the side panel's pictures (drawn by the one plotter, .plot) ---------------------------------------

def error_curve(run: RecordedRun) -> Tuple[str, List[List[float]]]:
    """The error curve as SVG, and where the marker goes at each snapshot ([x, y] in its units)."""
    name = run.history.loss or "error"
    held = [(s.epoch, run.shown_error(e)) for s, e in zip(run.snaps, run.held_errors) if e is not None]
    errors = [run.shown_error(e) for e in run.history]
    until = None if run.history.until is None else run.shown_error(run.history.until)
    # the held-out errors on the same axes: the curve is made of both, then the training one drawn
    both = ErrorCurve(errors + [e for _, e in held], until, most=MAX_CURVE)
    curve = ErrorCurve(errors, until, most=MAX_CURVE)
    curve.yaxis, curve.log = both.yaxis, both.log
    root, plot = curve.svg(PLOT_W, PLOT_H, ylabel=name, standalone=False,
                           attrs={"id": "curve", "class": "plot", "role": "img",
                                  "aria-label": f"{name} per epoch" + (", training and held-out" if held else "")})
    if held:
        ET.SubElement(root, "polyline", {"id": "heldline", "points": plot.polyline(held), "fill": "none",
                                         "stroke": HELD_COLOUR, "stroke-width": "1.6", "stroke-dasharray": "4 3"})
        for e, v in held:
            ET.SubElement(root, "circle", {"class": "held", "cx": _num(plot.x(e)), "cy": _num(plot.y(v)),
                                           "r": "2.2", "fill": HELD_COLOUR})
    marks = [[round(plot.x(s.epoch), 1), round(plot.y(run.shown_error(s.error)), 1)] for s in run.snaps]
    x, y = marks[0]
    ET.SubElement(root, "line", {"id": "mark", "x1": f"{x}", "x2": f"{x}", "y1": _num(plot.top),
                                 "y2": _num(plot.bottom), "stroke": "#E69F00", "stroke-width": "1.5"})
    ET.SubElement(root, "circle", {"id": "dot", "cx": f"{x}", "cy": f"{y}", "r": "4", "fill": "#E69F00",
                                   "stroke": "#333"})
    return svg_text(root), marks


def fit_picture(run: RecordedRun) -> Tuple[str, str, List[str]]:
    """The function learned: SVG markup, its kind ("curve", "plane" or ""), and per snapshot what changes
    (the curve's points, or the plane's PNG as a data: URL).  The axes are in the data's own units."""
    if not run.fits:
        return "", "", []
    if len(run.ins) == 1:
        a, z = run.boxes[0]
        ys = [y for f in run.fits for _, y in f] + [run.unscale(t_[run.out]) for t_ in run.ts]
        lo, hi = (0.0, 1.0) if run.classifier else (min(ys), max(ys))
        span = hi - lo or 1.0
        lo, hi = (lo, hi) if run.classifier else (lo - 0.05 * span, hi + 0.05 * span)
        plot = Plot(Axis(run.shown(0, a), run.shown(0, z)), Axis(lo, hi), FIT_W, FIT_H,
                    xlabel=run.label(0), ylabel=run.out)
        root = plot.svg({"id": "fit", "class": "plot", "role": "img",
                         "aria-label": "the function learned over the data"})
        clip = ET.SubElement(root, "clipPath", {"id": "fitclip"})
        ET.SubElement(clip, "rect", {"x": _num(plot.left), "y": _num(plot.top), "width": _num(plot.right - plot.left),
                                     "height": _num(plot.bottom - plot.top)})
        for x, t_ in zip(run.xs, run.ts):
            ET.SubElement(root, "circle", {
                "cx": _num(plot.x(run.shown(0, x[run.ins[0]]))), "cy": _num(plot.y(run.unscale(t_[run.out]))), "r": "2.6",
                "fill": run.point_colour(t_[run.out]) if run.classifier else "#0072B2", "fill-opacity": "0.7"})
        curves = [plot.polyline([(run.shown(0, x), y) for x, y in f]) for f in run.fits]
        ET.SubElement(root, "polyline", {"id": "fitline", "clip-path": "url(#fitclip)", "points": curves[0],
                                         "fill": "none", "stroke": "#333", "stroke-width": "2"})
        return svg_text(root), "curve", curves
    (a0, z0), (a1, z1) = run.boxes
    plot = Plot(Axis(run.shown(0, a0), run.shown(0, z0)), Axis(run.shown(1, a1), run.shown(1, z1)), FIT_W, FIT_H,
                xlabel=run.label(0), ylabel=run.label(1))
    urls = ["data:image/png;base64," + base64.b64encode(_png(run.raster(k))).decode("ascii")
            for k in range(len(run.fits))]
    root = plot.svg({"id": "fit", "class": "plot", "role": "img",
                     "aria-label": "the output over the input plane, with the data"})
    frame = root.find("rect")                      # the plane goes under the box and its ticks' labels
    ET.SubElement(root, "image", {"id": "plane", "x": _num(plot.left), "y": _num(plot.top),
                                  "width": _num(plot.right - plot.left), "height": _num(plot.bottom - plot.top),
                                  "preserveAspectRatio": "none", "href": urls[0]})
    if frame is not None:
        root.remove(frame)
        root.append(frame)
    for x, t_ in zip(run.xs, run.ts):
        ET.SubElement(root, "circle", {"cx": _num(plot.x(run.shown(0, x[run.ins[0]]))),
                                       "cy": _num(plot.y(run.shown(1, x[run.ins[1]]))), "r": "2.6",
                                       "fill": run.point_colour(t_[run.out]), "stroke": "#fff",
                                       "stroke-width": "0.6"})
    return svg_text(root), "plane", urls


def _side(run: RecordedRun) -> Tuple[str, str]:
    """The side panel's markup and its data (JSON for the side script)."""
    from .player import json_for_script
    curve, marks = error_curve(run)
    fit, kind, fits = fit_picture(run)
    parts = [f"<style>{asset(__package__, 'training.css')}</style>", "<h2>Error per epoch</h2>", curve]
    units = f" The errors are {html.escape(run.error_units)}." if run.error_units else ""
    if any(e is not None for e in run.held_errors):
        n = len(run.held_xs)
        parts.append(f'<p class="key">solid blue: the error on the {len(run.xs)} training rows; dashed purple: '
                     f'on the {n} held-out rows the network never trains on (it rising while the training '
                     f'error falls is overfitting).{units}</p>')
    elif units:
        parts.append(f'<p class="key">{units.strip()}</p>')
    if kind == "curve":
        what = "probability of class 1" if run.classifier else "output"
        parts += ["<h2>The function learned</h2>", fit,
                  f'<p class="key">dots: the data; line: the network\'s {html.escape(what)} at this epoch</p>']
    elif kind == "plane":
        key = ("blue: class 1, vermillion: class 0, pale where unsure; dark line: the decision boundary "
               "(output 0.5); dots: the data" if run.classifier else
               "the output over the input plane, vermillion low to blue high; dots: the data")
        parts += ["<h2>The function learned</h2>", fit, f'<p class="key">{html.escape(key)}</p>']
    data = {"marks": marks, "fits": fits, "epochs": [s.epoch for s in run.snaps]}
    parts.append(f'<script type="application/json" id="side-data">{json_for_script(data)}</script>')
    return "".join(parts), asset(__package__, "training.js")


# -- the page ---------------------------------------------------------------------------------

def _caption(run: RecordedRun, k: int) -> str:
    s = run.snaps[k]
    units = f" ({run.error_units})" if run.error_units else ""
    return f"epoch {s.epoch}: {run.history.loss or 'error'} {run.shown_error(s.error):.4g}{units}"


def _draws(run: RecordedRun) -> List[Any]:
    from .network import draw_network

    def drawer(k: int) -> Any:
        def draw(sizes: Any = None) -> Any:
            saved = [p.value for p in run.params]
            run.set(run.snaps[k].values)
            try:
                return draw_network(run.net, values=False, title=_caption(run, k), sizes=sizes, compact=True)
            finally:
                run.set(saved)
        return draw
    return [drawer(k) for k in range(len(run.snaps))]


def _steps(run: RecordedRun) -> List[Dict[str, str]]:
    out = []
    by_class = run.per_class()
    n = len(run.history) - 1
    for k, s in enumerate(run.snaps):
        acc = run.accuracy(k)
        detail = [f"weights and biases after {s.epoch} of {n} epochs"
                  + (" (converged: the error is below the threshold)" if k == len(run.snaps) - 1
                     and run.history.converged else "")]
        held = run.held_errors[k] if k < len(run.held_errors) else None
        if held is not None:
            detail.append(f"held-out {run.history.loss or 'error'} {run.shown_error(held):.4g} "
                          f"(training {run.shown_error(s.error):.4g})")
        if acc is not None:
            detail.append(f"training accuracy {acc:.1%} " + ("(the class of the largest probability counts)"
                                                               if run.classes else
                                                               "(an output of 0.5 or more counts as class 1)"))
        held_acc = run.held_right[k] if k < len(run.held_right) else None
        if held_acc is not None:
            detail.append(f"held-out accuracy {held_acc:.1%}")
        if k == len(run.snaps) - 1 and by_class:
            detail.append("held-out rows by class, right of all: "
                          + ", ".join(f"{name} {right}/{n}" for name, right, n in by_class))
        out.append({"text": _caption(run, k), "stage": "", "detail": "\n".join(detail)})
    return out


class TrainingPage:
    """The training page of a recorded run: ``.html`` (the page), ``.save("run.html")`` or
    ``.save("run.gif")``; shown inline in a notebook (a sandboxed iframe, like the step player)."""

    def __init__(self, history: Any, net: Any = None, title: Optional[str] = None, progress: bool = False,
                 height: int = 640, held_out: Any = None) -> None:
        self.run = RecordedRun(history, net, held_out)
        self.title = title if title is not None else f"{self.run.net.name}: watch it learn"
        self.progress = progress
        self.height = int(height)
        self._html: Optional[str] = None
        self._evaluated = False

    def _evaluate(self) -> None:
        if not self._evaluated:
            self.run.evaluate()
            self._evaluated = True

    @property
    def html(self) -> str:
        """The self-contained page (drawn the first time it is asked for)."""
        if self._html is None:
            from .player import player_html
            self._evaluate()       # before _steps: the accuracies of runs too big to keep outputs
            frames = shared_frames(_draws(self.run), self.progress)
            side, script = _side(self.run)
            self._html = player_html(frames, _steps(self.run), self.title, side=side, side_script=script,
                                     note=None, unit="frame")
        return self._html

    def gif(self, frame_ms: int = 400) -> bytes:
        """The same frames as an animated GIF (network, error curve, function learned); needs Pillow."""
        self._evaluate()
        return _gif(self.run, frame_ms)

    def save(self, path: Union[str, "os.PathLike[str]"]) -> int:
        """Write the page (.html) or the animation (.gif) to ``path``, whole or not at all; its size in bytes."""
        spelled = "'run.html' or 'run.gif'"
        path = check_place(path, "the training page", suffixes=PAGE_SUFFIXES + GIF_SUFFIXES,
                           example="run.html", spelled=spelled)
        if path.lower().endswith(GIF_SUFFIXES):
            need_pillow()                     # a missing Pillow is said before anything is drawn
            with WholeFile(path, spelled) as f:
                return f.write(self.gif())
        with WholeFile(path, spelled) as f:
            return f.write(self.html)

    def _repr_html_(self) -> str:
        return inline_frame(self.html, self.title, self.height)

    def __repr__(self) -> str:
        return (f"<TrainingPage: {len(self.run.snaps)} recorded epochs of {self.run.net.name!r}; "
                ".save('run.html') or .save('run.gif')>")


def need_pillow() -> Any:
    """The PIL package (with PIL.Image loaded), or a MissingPillowError that says what to install."""
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        raise MissingPillowError('writing a GIF needs Pillow, which is not installed: pip install "tinygraph[gif]" '
                                 "(or pip install Pillow); the HTML page (.html) needs nothing more") from None
    import PIL
    return PIL


def _gif(run: RecordedRun, frame_ms: int) -> bytes:
    """Each snapshot as one GIF frame: the network (rendered by Graphviz to PNG) beside the error curve
    and the function learned, drawn with Pillow from the same numbers as the page's pictures."""
    import io
    need_pillow()                                            # a clear error if Pillow is missing
    from PIL import Image, ImageDraw
    diagrams = same_layout_diagrams(_draws(run))         # one Sizes for all: the same layout in every frame
    nets = [Image.open(io.BytesIO(d.png())).convert("RGB") for d in diagrams]
    H = 520
    scale = min(1.0, H / max(im.height for im in nets), 640 / max(im.width for im in nets))
    nets = [im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))), Image.LANCZOS)
            for im in nets]
    nw = max(im.width for im in nets)
    side_w, W = 380, max(im.width for im in nets) + 380 + 10
    curve = ErrorCurve([run.shown_error(e) for e in run.history],
                       None if run.history.until is None else run.shown_error(run.history.until), most=MAX_CURVE)
    frames = []
    for k, snap in enumerate(run.snaps):
        im = Image.new("RGB", (W, H + 30), "white")
        im.paste(nets[k], (0, (H - nets[k].height) // 2))
        d = ImageDraw.Draw(im)
        x0 = nw + 10
        # the error curve
        cx, cy = curve.xaxis.onto(x0 + 40, x0 + side_w - 10), curve.yaxis.onto(180, 20)
        d.rectangle([x0 + 40, 20, x0 + side_w - 10, 180], outline=(153, 153, 153))
        pts = [(cx(i), cy(curve.errors[i])) for i in curve.shown]
        d.line(pts, fill=(51, 51, 51), width=2)
        mx = cx(snap.epoch)
        d.line([(mx, 20), (mx, 180)], fill=(230, 159, 0), width=2)
        e = run.shown_error(snap.error)
        d.ellipse([mx - 4, cy(e) - 4, mx + 4, cy(e) + 4], fill=(230, 159, 0), outline=(51, 51, 51))
        d.text((x0 + 40, 4), f"{run.history.loss or 'error'}{' (log)' if curve.log else ''} per epoch", fill=(0, 0, 0))
        d.text((x0 + 2, 20), tick_label(curve.yaxis.hi), fill=(68, 68, 68))
        d.text((x0 + 2, 172), tick_label(curve.yaxis.lo), fill=(68, 68, 68))
        # the function learned
        top, size = 200, 300
        l, r, t, b = x0 + 40, x0 + side_w - 10, top, top + size
        if run.fits and len(run.ins) == 2:
            plane = Image.new("RGB", (run.grid, run.grid))
            plane.putdata([px for row in run.raster(k) for px in row])
            im.paste(plane.resize((int(r - l), int(b - t)), Image.BILINEAR), (int(l), int(t)))
            (a0, z0), (a1, z1) = run.boxes
            sx, sy = Axis(a0, z0).onto(l, r), Axis(a1, z1).onto(b, t)
            for x, t_ in zip(run.xs, run.ts):
                px, py = sx(x[run.ins[0]]), sy(x[run.ins[1]])
                d.ellipse([px - 2.5, py - 2.5, px + 2.5, py + 2.5], fill=_rgb(run.point_colour(t_[run.out])),
                          outline=(255, 255, 255))
            d.text((l, b + 4), f"{run.ins[0]} across, {run.ins[1]} up", fill=(0, 0, 0))
        elif run.fits:
            a, z = run.boxes[0]
            ys = [y for f in run.fits for _, y in f] + [run.unscale(t_[run.out]) for t_ in run.ts]
            ylo, yhi = (0.0, 1.0) if run.classifier else (min(ys), max(ys))
            sx, sy = Axis(a, z).onto(l, r), Axis(ylo, yhi).onto(b, t)
            for x, t_ in zip(run.xs, run.ts):
                px, py = sx(x[run.ins[0]]), sy(run.unscale(t_[run.out]))
                d.ellipse([px - 2.5, py - 2.5, px + 2.5, py + 2.5], fill=_BLUE)
            d.line([(sx(x), sy(y)) for x, y in run.fits[k]], fill=(51, 51, 51), width=2)
            d.text((l, b + 4), f"{run.out} against {run.ins[0]}", fill=(0, 0, 0))
        d.rectangle([l, t, r, b], outline=(153, 153, 153))
        acc = run.accuracy(k)
        d.text((10, H + 8), _caption(run, k) + (f"   training accuracy {acc:.1%}" if acc is not None else ""),
               fill=(0, 0, 0))
        frames.append(im.quantize(colors=96, dither=Image.Dither.NONE))
    out = io.BytesIO()
    durations = [frame_ms] * len(frames)
    durations[-1] = frame_ms * 4                       # rest on the trained network before looping
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=True)
    return out.getvalue()


def training_page(history: Any, net: Any = None, title: Optional[str] = None,
                  progress: bool = False, held_out: Any = None) -> TrainingPage:
    """The training page of ``history`` (from ``tg.train(..., record=K)``): per recorded epoch the network
    with its weights, the error curve with the epoch marked and, for one or two inputs, the function
    learned; play, scrub and keys as in the step player.  ``net``: the network, if not the history's.
    ``held_out``: rows kept out of training, as (inputs, targets) lists of dicts or (inputs, targets)
    pairs (default: ``history.held_out``, which ``tinygraph train`` and ``train_table`` set): their
    error at each recorded epoch is drawn beside the training curve, and for a classifier their
    accuracy is given, so overfitting shows.
    ``.save("run.html")`` writes the page, ``.save("run.gif")`` an animation (needs Pillow)."""
    return TrainingPage(history, net, title, progress, held_out=held_out)
