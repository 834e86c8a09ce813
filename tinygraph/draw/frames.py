"""Frames of many drawings of one network, laid out once: what the step player and the training page share.

One layout, many frames.  Every frame of a step-through (or every epoch of a
training page) draws the same network with the same shape sizes (one
:class:`~tinygraph.draw.network.Sizes` for all), so Graphviz would place every
shape at the same point in each of them; what changes from frame to frame is
each part's own look (its label's text, its colours, the class ``highlight``).
So the frames are not laid out one by one: each part (a node or an edge of the
:class:`~tinygraph.draw.dot.Graph`, found by its SVG id) is drawn once in each
distinct look it takes on.  Graphviz draws a few *variant drawings*, the j-th
holding every part in its j-th look, and a frame is a choice of one drawing per
part (:class:`~tinygraph.draw.player.SharedFrame`), which the page's script puts
together.  That the drawings really share one layout is checked (the picture's
size and every node's shape must agree), and where they do not, those frames
are drawn whole.  The moons step page (745 frames) went from 744 Graphviz
layouts to about twenty.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..console import Progress
from .dot import Edge, Graph
from .network import Sizes
from .player import SharedFrame, SharedLayout
from .render import IN_BROWSER, find_engine, render_svgs

__all__ = ["same_layout_diagrams", "shared_frames", "render_sources", "PROGRESS_AFTER"]

PROGRESS_AFTER = 1.0     # seconds of drawing before a page's progress is shown
DRAW_WORKERS = 4         # Graphviz runs at a time when drawing a page's frames
BATCH = 25               # drawings laid out per Graphviz run (fewer runs; progress still moves)
SAMPLE_EVERY = 64        # the shape sizes are first taken from every 64th frame (and each stage's ends)

_SVG = "{http://www.w3.org/2000/svg}"


def _sample(steps: Sequence[Any]) -> List[int]:
    """The frames whose sizes are taken first: the first and last of each stage (the last update
    shows every new weight), and every SAMPLE_EVERY-th."""
    kinds = [getattr(getattr(s, "__self__", s), "stage", None) for s in steps]
    picked = {0, len(steps) - 1} | set(range(0, len(steps), SAMPLE_EVERY))
    for i in range(1, len(steps)):
        if kinds[i] != kinds[i - 1]:
            picked |= {i - 1, i}
    return sorted(picked)


def same_layout_diagrams(draws: Sequence[Callable[..., Any]],
                         tell: Optional[Callable[[int], None]] = None) -> List[Any]:
    """Each drawing, all with one :class:`Sizes` (when they are network drawings), so every frame has
    the same layout and every neuron stays at the same place from step to step.

    The sizes are first taken from a sample of the frames; every frame is then drawn with them and
    says what it needs, and should one need more, all are drawn again with the widest sizes."""
    first = {i: draws[i]() for i in _sample(draws)}
    if not any(d.sizes is not None for d in first.values()):
        out = [first[i] if i in first else f() for i, f in enumerate(draws)]
        if tell is not None:
            tell(len(out))
        return out
    widest = Sizes.widest(d.sizes for d in first.values() if d.sizes is not None)
    while True:
        out = []
        for i, f in enumerate(draws):
            out.append(f(sizes=widest))
            if tell is not None and i % 25 == 0:
                tell(i)
        need = Sizes.widest([widest] + [d.sizes for d in out if d.sizes is not None])
        if need == widest:
            return out
        widest = need




def render_sources(sources: List[Tuple[str, Optional[str], Any]]) -> List[str]:
    """DOT texts (source, engine, timeout) as SVG, BATCH per Graphviz run, DRAW_WORKERS runs at a time."""
    from concurrent.futures import ThreadPoolExecutor
    if not sources:
        return []
    engine = find_engine().path          # found once, here: the lookup is not thread-safe
    if engine == IN_BROWSER:             # in a browser page: no threads, and no program to wait for
        return render_svgs([s for s, _, _ in sources], engine)
    size = max(1, min(BATCH, math.ceil(len(sources) / DRAW_WORKERS)))
    batches = [sources[i:i + size] for i in range(0, len(sources), size)]

    def draw(batch: List[Tuple[str, Optional[str], Any]]) -> List[str]:
        return render_svgs([s for s, _, _ in batch], batch[0][1] or engine, timeout=batch[0][2])

    out: List[str] = []
    with ThreadPoolExecutor(max_workers=max(1, min(DRAW_WORKERS, len(batches)))) as pool:
        for svgs in pool.map(draw, batches):
            out += svgs
    return out


def _skeleton(d: Any) -> Any:
    """What must be equal for two drawings to share a layout: everything but the nodes' and edges'
    own attributes (the graph's attributes, the defaults, which nodes and edges, the ranks, the
    clusters with their boxes' labels)."""
    g = d.graph
    graph = tuple((k, v) for k, v in g.graph_attrs.items() if k != "label")   # the caption: a part (its box is sized)
    return (d.engine, g.name, graph, tuple(g.node_attrs.items()),
            tuple(g.edge_attrs.items()), tuple(g.nodes), tuple((e.tail, e.head) for e in g.edges),
            tuple(tuple(r) for r in g.ranks),
            tuple((key, tuple(keys), tuple(attrs.items())) for key, keys, attrs in g.clusters))


class _Group:
    """Drawings with one skeleton: each part's distinct attribute dicts (its looks), and for each
    drawing the look of each part that has more than one.  The first part is the graph's caption
    (its label); in the SVG it is what has no id of its own (ids "" in a SharedFrame)."""

    def __init__(self, first: Any) -> None:
        g = first.graph
        self.diagram = first
        self.keys: List[Any] = [None] + list(g.nodes) + list(range(len(g.edges)))
        self.looks: List[List[Dict[str, Any]]] = [[] for _ in self.keys]
        self.members: List[int] = []
        self.chosen: List[List[int]] = []

    def add(self, i: int, d: Any) -> None:
        g = d.graph
        attrs = [{"label": g.graph_attrs.get("label")}] + list(g.nodes.values()) + [e.attrs for e in g.edges]
        last = self.chosen[-1] if self.chosen else None
        picks = []
        for k, (looks, a) in enumerate(zip(self.looks, attrs)):
            if last is not None and looks[last[k]] == a:     # most parts look as in the frame before
                picks.append(last[k])
                continue
            for j, seen in enumerate(looks):
                if seen == a:
                    break
            else:
                j = len(looks)
                looks.append(a)
            picks.append(j)
        self.members.append(i)
        self.chosen.append(picks)

    def ids(self) -> Optional[List[Optional[str]]]:
        """Each part's SVG id, or None if a part with several looks has no id (or shares it)."""
        ids: List[Optional[str]] = [""]
        for looks in self.looks[1:]:
            pid = looks[0].get("id")
            if any(a.get("id") != pid for a in looks):
                return None
            ids.append(None if pid is None else str(pid))
        varied = [p for p, looks in zip(ids, self.looks) if len(looks) > 1]
        if None in varied or len(set(p for p in ids if p is not None)) != len([p for p in ids if p is not None]):
            return None
        return ids

    def sources(self) -> List[str]:
        """The variant drawings' DOT texts: the j-th has each part in its j-th look (its first if fewer)."""
        base = self.diagram.graph
        n_nodes = len(base.nodes) + 1
        out = []
        for j in range(max(len(looks) for looks in self.looks)):
            g = Graph(base.name, base.graph_attrs, base.node_attrs, base.edge_attrs)
            caption = self.looks[0][j if j < len(self.looks[0]) else 0]["label"]
            g.graph_attrs.pop("label", None)
            if caption is not None:
                g.graph_attrs["label"] = caption
            for k, looks in zip(self.keys[1:n_nodes], self.looks[1:n_nodes]):
                g.nodes[k] = looks[j if j < len(looks) else 0]
            for e, looks in zip(base.edges, self.looks[n_nodes:]):
                g.edges.append(Edge(e.tail, e.head, looks[j if j < len(looks) else 0]))
            g.ranks = [list(r) for r in base.ranks]
            g.clusters = [(key, list(keys), dict(attrs)) for key, keys, attrs in base.clusters]
            out.append(g.source())
        return out


_SHAPES = (_SVG + "ellipse", _SVG + "polygon", _SVG + "path")


def _geometry(svg: str) -> Any:
    """The layout a drawing shows: its size, and each node's id with the place of its outline: its
    first shape, a circle, a box, a rounded box's path (a cell of its label comes after it), or
    the ground of a table (a matrix always has one, so that lighting it does not move the first shape)."""
    root = ET.fromstring(svg)
    nodes = []
    for g in root.iter(_SVG + "g"):
        if "node" in g.get("class", "").split():
            shape = next((e for e in g.iter() if e.tag in _SHAPES), None)
            where = None if shape is None else tuple(shape.get(k) for k in ("cx", "cy", "rx", "ry", "points", "d"))
            nodes.append((g.get("id"), where))
    return (root.get("width"), root.get("height"), root.get("viewBox"), tuple(nodes))


def _frames(diagrams: Sequence[Any]) -> List[Union[str, SharedFrame]]:
    """Each diagram as a frame of the page: a :class:`SharedFrame` of a layout drawn once for all
    diagrams that share it, or (where they do not) its own SVG."""
    groups: Dict[Any, _Group] = {}
    alone: List[int] = []
    for i, d in enumerate(diagrams):
        if getattr(d, "graph", None) is None:
            alone.append(i)
            continue
        key = _skeleton(d)
        if key not in groups:
            groups[key] = _Group(d)
        groups[key].add(i, d)
    jobs: List[Tuple[_Group, List[Optional[str]], int, int]] = []
    sources: List[Tuple[str, Optional[str], Any]] = []
    for group in groups.values():
        ids = group.ids()
        if ids is None or len(group.members) == 1:
            alone += group.members
            continue
        texts = group.sources()
        jobs.append((group, ids, len(sources), len(texts)))
        sources += [(t, group.diagram.engine, group.diagram.timeout) for t in texts]
    alone_src = {}
    for i in alone:
        d = diagrams[i]
        alone_src.setdefault((d.source, d.engine), (len(sources) + len(alone_src), d.timeout))
    drawn = render_sources(sources + [(s, e, t) for (s, e), (_, t) in alone_src.items()])
    frames: List[Union[str, SharedFrame, None]] = [None] * len(diagrams)
    for group, ids, start, n in jobs:
        svgs = drawn[start:start + n]
        if len({_geometry(s) for s in svgs}) != 1:      # not one layout after all: draw each frame whole
            redo = {}
            for i in group.members:
                d = diagrams[i]
                redo.setdefault((d.source, d.engine), (i, d.timeout))
            more = render_sources([(s, e, t) for (s, e), (_, t) in redo.items()])
            by_source = dict(zip(redo, more))
            for i in group.members:
                frames[i] = by_source[(diagrams[i].source, diagrams[i].engine)]
            continue
        layout = SharedLayout(svgs)
        varied = [(p, k) for k, p in enumerate(ids) if len(group.looks[k]) > 1]
        for i, picks in zip(group.members, group.chosen):
            frames[i] = SharedFrame(layout, {p: picks[k] for p, k in varied if picks[k]})
    for i in alone:
        d = diagrams[i]
        frames[i] = drawn[alone_src[(d.source, d.engine)][0]]
    return frames  # type: ignore[return-value]


def shared_frames(draws: Sequence[Callable[..., Any]], progress: bool = False) -> List[Union[str, SharedFrame]]:
    """The page frames of network drawings: ``draws[i](sizes=...)`` draws frame i (a Diagram); all are
    drawn with one :class:`Sizes` and laid out once per look (see this module's docstring).  Shared by
    the step player and the training page.  ``progress``: say on stderr how it goes when slow."""
    tell = Progress(len(draws), PROGRESS_AFTER) if progress else None
    try:
        return _frames(same_layout_diagrams(draws, tell))
    finally:
        if tell is not None:
            tell.close()
