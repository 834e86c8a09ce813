"""Step-player pages: the frames of a step-through drawn and put into one self-contained HTML page."""

from __future__ import annotations

import math
import os
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ..console import Progress
from ..errors import user_facing
from ..network_steps import NetworkStep
from ..steps import Step

__all__ = ["html_page", "write_html", "page_place", "PROGRESS_AFTER"]

PROGRESS_AFTER = 1.0     # seconds of drawing before the page's progress is shown


def _page_entry(step: Union[Step, NetworkStep]) -> Dict[str, str]:
    if isinstance(step, NetworkStep):
        return {"text": str(step), "stage": f"{step.stage}. {step.stage_name}", "detail": step.walk_line}
    return {"text": str(step), "stage": f"backward walk: {step.name}", "detail": "\n".join(step.sent_lines())}



_EDGE_LABEL = re.compile(r'^(\s*n\d+ -> n\d+ \[.*?label=<<TABLE[^>]*><TR><TD)>((?:(?!</TD>).)*)</TD>', re.M)


def _label_width(cell: str) -> float:
    """A generous width in points of an edge label's lines (Helvetica: bold 10 pt, then 9 pt)."""
    lines = re.split(r"<BR/>", cell)
    plain = [re.sub(r"<[^>]*>", "", ln).replace("&amp;", "&") for ln in lines]
    sizes = [6.4] + [5.8] * (len(plain) - 1)          # per character, digits and minus signs
    return max(len(t) * w for t, w in zip(plain, sizes)) + 6.0


# A neuron of the network drawing with its circle's width (inches): "  n4 [id="n4", ..., width=1.59, ...];"
_NODE_WIDTH = re.compile(r'^(\s*(n\d+) \[.*[ ,]width=)([0-9.]+)', re.M)


_CIRCLE = re.compile(r'<g id="(n\d+)" class="node">.*?<ellipse[^>]*? rx="([0-9.]+)"', re.S)


_LEGEND = re.compile(r'<TABLE ID="legend".*?</TABLE>', re.S)
_GRAPH_ATTRS = re.compile(r'^\s*graph \[(.*?)\];$', re.M)


def _legend_width(diagrams: List[Any], engine: str) -> int:
    """The width in points of the widest legend of the frames (each distinct one drawn alone):
    the legend grows a row as ? or ∂E/∂θ appear, and a legend wider than the drawing would
    shift the drawing sideways."""
    from .diagram import Diagram
    widest = 0.0
    seen = set()
    for d in diagrams:
        m = _LEGEND.search(d.source)
        attrs = _GRAPH_ATTRS.search(d.source)
        if m is None or attrs is None or m.group(0) in seen:
            continue
        seen.add(m.group(0))
        alone = "digraph legend {\n  graph [%s, pad=0, margin=0];\n  graph [label=<%s>];\n}\n" % (
            attrs.group(1), m.group(0))
        size = re.search(r'<svg[^>]*? width="([0-9.]+)pt"', Diagram(alone, d.engine or engine).svg())
        if size:
            widest = max(widest, float(size.group(1)))
    return math.ceil(widest)


def _same_label_boxes(diagrams: List[Any], engine: str) -> List[Any]:
    """The network's frames with every edge label in a box of one width and every neuron's circle
    as wide as in its widest frame, so the layout (which spaces the columns by the widest label)
    and every neuron stay put from step to step as numbers appear.

    A circle grows past its set width when its label does not fit (the step's highlighted bias
    box): the frames holding each neuron's longest label, plain and highlighted, are drawn
    first (with ``engine``) to measure that."""
    cells = [m.group(2) for d in diagrams for m in _EDGE_LABEL.finditer(d.source)]
    widths: Dict[str, float] = {}
    longest: Dict[Tuple[str, bool], Tuple[int, int]] = {}
    for k, d in enumerate(diagrams):
        for m in _NODE_WIDTH.finditer(d.source):
            nid = m.group(2)
            widths[nid] = max(widths.get(nid, 0.0), float(m.group(3)))
            line = d.source[m.start():d.source.find("\n", m.start())]
            key = (nid, "BGCOLOR=" in line)
            if len(line) > longest.get(key, (-1, 0))[0]:
                longest[key] = (len(line), k)
    if widths:
        for k in sorted({k for _, k in longest.values()}):
            for nid, rx in _CIRCLE.findall(diagrams[k].svg(diagrams[k].engine or engine)):
                if nid in widths:
                    widths[nid] = max(widths[nid], round(2 * float(rx) / 72.0 + 0.005, 2))
    if not cells and not widths:
        return diagrams
    width = math.ceil(max(_label_width(c) for c in cells)) if cells else 0
    legend_width = _legend_width(diagrams, engine)
    out = []
    for d in diagrams:
        source = d.source
        if legend_width:
            source = source.replace('<TD ALIGN="LEFT"><TABLE ID="legend"',
                                    f'<TD ALIGN="LEFT" WIDTH="{legend_width}"><TABLE ID="legend"', 1)
        if cells:
            source = _EDGE_LABEL.sub(lambda m: f'{m.group(1)} WIDTH="{width}">{m.group(2)}</TD>', source)
        source = _NODE_WIDTH.sub(lambda m: f"{m.group(1)}{widths[m.group(2)]:g}", source)
        out.append(type(d)(source, d.engine, d.timeout))
    return out


DRAW_WORKERS = 4        # Graphviz runs at a time when drawing a page's frames


def _svgs(steps: Sequence[Union[Step, NetworkStep]], progress: bool = False) -> List[str]:
    """Each step's diagram as SVG, drawn a few at a time (each drawing is one Graphviz run).

    ``progress``: report on stderr once drawing takes more than a second."""
    from concurrent.futures import ThreadPoolExecutor
    from .render import find_engine
    diagrams = [s.diagram() for s in steps]
    engine = find_engine().path          # found once, here: the lookup is not thread-safe
    if steps and isinstance(steps[0], NetworkStep):
        diagrams = _same_label_boxes(diagrams, engine)
    tell = Progress(len(diagrams), PROGRESS_AFTER) if progress else None
    out: List[str] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(DRAW_WORKERS, len(diagrams)))) as pool:
            for svg in pool.map(lambda d: d.svg(d.engine or engine), diagrams):
                out.append(svg)
                if tell is not None:
                    tell(len(out))
    finally:
        if tell is not None:
            tell.close()
    return out


def html_page(steps: Sequence[Union[Step, NetworkStep]], title: Optional[str] = None,
              progress: bool = False) -> str:
    """A self-contained HTML page stepping through ``steps`` (from backprop_steps or network_steps),
    each with its diagram, its line and "step i of N"; see :mod:`tinygraph.draw.player`."""
    from .player import player_html as page
    steps = list(steps)
    if not steps:
        raise user_facing(ValueError("no steps to show: pass the list from backprop_steps(loss) or network_steps(...)"))
    if title is None:
        first = steps[0]
        title = (f"backprop through {first.net.name}, step by step" if isinstance(first, NetworkStep)
                 else f"backprop from {first.root_name}, step by step")
    return page(_svgs(steps, progress=progress), [_page_entry(s) for s in steps], title)


def page_place(path: Union[str, "os.PathLike[str]"]) -> str:
    """Check that the page can be written at ``path`` (before the slow drawing); the path as given."""
    if not isinstance(path, (str, os.PathLike)):
        raise user_facing(TypeError(f"the page's file name must be a path, got {type(path).__name__} {path!r}: "
                              "give a file name, e.g. --html steps.html"))
    path = os.fspath(path)
    if not str(path).strip():
        raise user_facing(ValueError("no file name for the page: give a file name, e.g. --html steps.html"))
    path = os.path.expanduser(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot write the page to {path!r}: it is a folder; give a file name "
                                f"such as {os.path.join(path, 'steps.html')}")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"cannot write {path!r}: {folder!r} is a file, not a folder; "
                                 "give a file in an existing folder, e.g. --html steps.html")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path!r}: the folder {folder!r} does not exist; "
                                "create it first or give a file in an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write {path!r}: the folder {folder!r} is not writable for you; "
                              "give a file in a folder you can write to, e.g. --html steps.html")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise PermissionError(f"cannot write {path!r}: the file exists and is not writable for you; "
                              "give another file name, e.g. --html steps.html")
    return path


def write_html(path: Union[str, "os.PathLike[str]"], steps: Sequence[Union[Step, NetworkStep]],
               title: Optional[str] = None, progress: bool = False) -> int:
    """Write :func:`html_page` to ``path`` (whole or not at all); returns its size in bytes.

    ``progress``: say on stderr how the drawing of the frames goes when it takes a while.
    """
    path = page_place(path)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{os.getpid()}.tmp")

    def failed(e: OSError) -> OSError:
        return type(e)(f"cannot write the page to {path!r}: {e.strerror or e}; "
                       "give a file in a folder you can write to, e.g. --html steps.html")

    try:                     # made before drawing, which takes a while: a place that refuses fails now
        f = open(tmp, "wb")
    except OSError as e:
        raise type(e)(f"cannot write {path!r}: no new file can be made in the folder "
                      f"{os.path.dirname(tmp)!r} ({e.strerror or e}); give a file in a folder you can "
                      "write to, e.g. --html steps.html") from None
    try:
        with f:
            f.write(html_page(steps, title, progress=progress).encode("utf-8"))
            size = f.tell()
        os.replace(tmp, path)
    except OSError as e:
        raise failed(e) from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return size

