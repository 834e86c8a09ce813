"""Step-player pages: the frames of a step-through drawn and put into one self-contained HTML page.

One layout, many frames.  Every frame of a step-through draws the same
network (or computation graph) with the same shape sizes (one
:class:`~tinygraph.draw.network.Sizes` for all), so Graphviz would place
every shape at the same point in each of them; what changes from frame to
frame is each part's own look (its label's text, its colours, the class
``highlight``).  So the frames are not laid out one by one: each part (a
node or an edge of the :class:`~tinygraph.draw.dot.Graph`, found by its
SVG id) is drawn once in each distinct look it takes on.  Graphviz draws
a few *variant drawings*, the j-th holding every part in its j-th look,
and a frame is a choice of one drawing per part (:class:`SharedFrame`),
which the page's script puts together.  That the drawings really share one
layout is checked (the picture's size and every node's shape must agree),
and where they do not, those frames are drawn whole as before.  The moons
page (745 frames) went from 744 Graphviz layouts to about twenty.
"""

from __future__ import annotations

import copy
import math
import os
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..console import Progress
from ..errors import BadValueError, WrongTypeError, user_facing
from ..formatting import fmt
from .narrative import NetworkStep
from ..networks.network import Bias, Neuron, Synapse
from ..engine.node import nodes_below
from .steps import Step, backprop_steps
from ..draw.dot import Edge, Graph, neuron_id, synapse_id
from ..draw.files import WholeFile, check_place
from ..draw.network import Sizes
from ..draw.player import QUIZ_TOLERANCE, SharedFrame, SharedLayout, inline_frame, player_html
from ..draw.render import IN_BROWSER, find_engine, render_svgs

__all__ = ["html_page", "same_layout_diagrams", "write_html", "page_place", "StepPlayer", "PAGE_SUFFIXES", "PROGRESS_AFTER",
           "QUIZ_TOLERANCE"]

PROGRESS_AFTER = 1.0     # seconds of drawing before the page's progress is shown
DRAW_WORKERS = 4         # Graphviz runs at a time when drawing a page's frames
BATCH = 25               # drawings laid out per Graphviz run (fewer runs; progress still moves)
SAMPLE_EVERY = 64        # the shape sizes are first taken from every 64th frame (and each stage's ends)

Drawable = Union[Step, NetworkStep]
_SVG = "{http://www.w3.org/2000/svg}"


# -- what the page says about each step ----------------------------------------------

def _question(step: Drawable) -> Optional[Tuple[str, float, str]]:
    """(the line with its result left out, the result, the result as printed) for the quiz;
    None for a step that computes no number."""
    if isinstance(step, NetworkStep):
        if step.number is None or step.kind in ("input", "new forward", "repeat"):
            return None
        ask = step.formula + (f" = {step.numbers}" if step.numbers else "") + " = ?"
        return ask, float(step.number), step.shown or fmt(step.number)
    text, end = str(step), f" = {fmt(step.grad)}"
    if step.is_root or not text.endswith(end):
        return None
    return text[:-len(end)] + " = ?", float(step.grad), fmt(step.grad)


def _caption(step: "NetworkStep") -> str:
    """What the picture shows when it is not the network of this step's update: the weights after
    the update (the second forward pass) or after the epochs of train() (the repeat)."""
    from ..formatting import fmt
    h = step.history
    if step.kind == "repeat" and h is not None and h.epochs:
        return f"the weights after {h.epochs} epochs of train(), E = {fmt(h.final)}; not this one update"
    if step.kind in ("new forward", "new error"):
        return "the weights after this one update"
    return ""


def _page_entry(step: Drawable, quiz: bool) -> Dict[str, Any]:
    if isinstance(step, NetworkStep):
        entry: Dict[str, Any] = {"text": str(step), "stage": f"{step.stage}. {step.stage_name}",
                                 "detail": step.walk_line}
        if step.walk_index is not None:
            entry["walk"] = step.walk_index
        caption = _caption(step)
        if caption:
            entry["caption"] = caption
    else:
        entry = {"text": str(step), "stage": f"backward walk: {step.name}", "detail": "\n".join(step.sent_lines()),
                 "walk": step.index}
    if quiz:
        q = _question(step)
        if q is not None:
            entry["ask"], entry["answer"], entry["shown"] = q
    return entry


def _walk_lines(steps: Sequence[Drawable]) -> List[str]:
    """The whole backward walk of a network step-through, one line per walk step (empty for a
    walk's own steps, which the page shows anyway).  The walk is run once more from the error;
    every gradient is put back as it was."""
    first = next((s.walk_step for s in steps if isinstance(s, NetworkStep) and s.walk_step is not None), None)
    if first is None:
        return []
    below = list(nodes_below(first.root))
    grads = [n.grad for n in below]
    try:
        return [str(w) for w in backprop_steps(first.root)]
    finally:
        for n, g in zip(below, grads):
            n.grad = g


# -- the frames ---------------------------------------------------------------------------

def _drawers(steps: Sequence[Drawable], quiz: bool) -> Tuple[List[Callable[..., Any]], List[int],
                                                              List[Optional[int]], Dict[int, List[str]]]:
    """What to draw: the drawing functions (``sizes=`` passed on), each step's frame among them,
    each step's quiz question frame (None: no question), and for a question that shows its step's
    frame with some parts as the frame before shows them (an update: the old weight), those parts' ids."""
    draws: List[Callable[..., Any]] = []
    frame: List[int] = []
    question: List[Optional[int]] = []
    keep_old: Dict[int, List[str]] = {}
    for k, step in enumerate(steps):
        q: Optional[int] = None
        if quiz and _question(step) is not None:
            if isinstance(step, NetworkStep):
                subject = step.subject
                if step.kind == "update" or not isinstance(subject, (Neuron, Synapse, Bias)):
                    q = -1                               # the step's own frame (with old parts, below)
                    if isinstance(subject, Synapse):
                        sid = synapse_id(subject.src.name, subject.dst.name)
                        keep_old[k] = [sid, f"{sid}-tail", f"{sid}-head"]
                    elif isinstance(subject, Bias):
                        keep_old[k] = [neuron_id(subject.neuron.name)]
                else:                                   # the same step with its own number not known yet
                    asked = copy.copy(step)
                    asked.known = [x for x in step.known if x is not subject]
                    if step.known_values is not None:     # nor what this step works out with it (a softmax layer's O)
                        before = getattr(steps[k - 1], "known_values", None) if k else None
                        was = None if before is None else {id(x) for x in before}
                        asked.known_values = [x for x in step.known_values
                                              if x is not subject and (was is None or id(x) in was)]
                    elif step.kind == "forward":
                        asked.known_values = [n for n in step.net.neurons if n is not subject]
                    q = len(draws)
                    draws.append(asked.diagram)
            elif k > 0:
                q = -2                                   # a walk step: the picture before it
        frame.append(len(draws))
        draws.append(step.diagram)
        question.append(None if q is None else frame[-1] if q == -1 else frame[-2] if q == -2 else q)
    return draws, frame, question, keep_old


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




def _render(sources: List[Tuple[str, Optional[str], Any]]) -> List[str]:
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


def _svgs(steps: Sequence[Drawable], progress: bool = False) -> List[str]:
    """Each step's diagram drawn alone as SVG (each distinct one laid out once): what the page's
    frames must look like; the page itself draws them with :func:`_frames`."""
    diagrams = same_layout_diagrams([s.diagram for s in steps])
    unique: Dict[Tuple[str, Optional[str]], int] = {}
    todo = []
    for d in diagrams:
        if (d.source, d.engine) not in unique:
            unique[(d.source, d.engine)] = len(todo)
            todo.append((d.source, d.engine, d.timeout))
    drawn = _render(todo)
    return [drawn[unique[(d.source, d.engine)]] for d in diagrams]


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
    drawn = _render(sources + [(s, e, t) for (s, e), (_, t) in alone_src.items()])
    frames: List[Union[str, SharedFrame, None]] = [None] * len(diagrams)
    for group, ids, start, n in jobs:
        svgs = drawn[start:start + n]
        if len({_geometry(s) for s in svgs}) != 1:      # not one layout after all: draw each frame whole
            redo = {}
            for i in group.members:
                d = diagrams[i]
                redo.setdefault((d.source, d.engine), (i, d.timeout))
            more = _render([(s, e, t) for (s, e), (_, t) in redo.items()])
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


def _page(steps: Sequence[Drawable], title: Optional[str], progress: bool, quiz: bool) -> str:
    steps = list(steps)
    if not steps:
        raise user_facing(BadValueError("no steps to show: pass the list from backprop_steps(loss) or "
                                        "network_steps(...)"))
    if not all(isinstance(s, (Step, NetworkStep)) for s in steps):
        bad = next(s for s in steps if not isinstance(s, (Step, NetworkStep)))
        raise user_facing(WrongTypeError(f"a step page shows the steps of backprop_steps(loss) or network_steps(...), "
                                         f"got {type(bad).__name__}"))
    if title is None:
        first = steps[0]
        title = (f"backprop through {first.net.name}, step by step" if isinstance(first, NetworkStep)
                 else f"backprop from {first.root_name}, step by step")
    draws, frame_of, question_of, keep_old = _drawers(steps, quiz)
    frames = shared_frames(draws, progress)
    entries = [_page_entry(s, quiz) for s in steps]
    extra: List[Union[str, SharedFrame]] = []
    for k, e in enumerate(entries):
        e["frame"] = frame_of[k]
        q = question_of[k]
        if q is None:
            continue
        e["question_frame"] = q
        now, before = frames[frame_of[k]], frames[frame_of[k - 1]] if k > 0 else None
        if k in keep_old and isinstance(now, SharedFrame) and isinstance(before, SharedFrame) \
                and now.layout is before.layout:
            mixed = dict(now.variants)
            for pid in keep_old[k]:
                mixed.pop(pid, None)
                if before.variants.get(pid):
                    mixed[pid] = before.variants[pid]
            e["question_frame"] = len(frames) + len(extra)
            extra.append(SharedFrame(now.layout, mixed))
        elif k in keep_old and before is not None:
            e["question_frame"] = frame_of[k - 1]
    walk = _walk_lines(steps) if isinstance(steps[0], NetworkStep) else []
    return player_html(frames + extra, entries, title, quiz=quiz, walk=walk,
                       walk_total=steps[0].walk_total if isinstance(steps[0], NetworkStep) else len(steps))


def html_page(steps: Sequence[Drawable], title: Optional[str] = None, progress: bool = False,
              quiz: bool = False) -> str:
    """A self-contained HTML page stepping through ``steps`` (from backprop_steps or network_steps),
    each with its diagram, its line and "step i of N"; see :mod:`tinygraph.draw.player`.

    ``quiz=True``: before each number is shown the learner types it; the page checks it (within
    QUIZ_TOLERANCE of the exact number), shows the right value and how it was computed, and keeps
    a score.  Until answered, the picture shows that number as '?'.
    ``progress``: say on stderr how the drawing goes when it takes a while."""
    return _page(steps, title, progress, quiz)


PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


def page_place(path: Union[str, "os.PathLike[str]"], spelled: str = "--html steps.html") -> str:
    """Check that the page can be written at ``path`` (before the slow drawing); the path, ``~`` expanded.

    The suffix is not checked here (:func:`write_html` does); ``spelled``: how
    the messages write an example name."""
    return check_place(path, "the page", example="steps.html", spelled=spelled)


def write_html(path: Union[str, "os.PathLike[str]"], steps: Sequence[Drawable],
               title: Optional[str] = None, progress: bool = False, quiz: bool = False) -> int:
    """Write :func:`html_page` to ``path`` (whole or not at all); returns its size in bytes.

    ``path`` must end in .html (or .htm, .xhtml); an empty name, a folder, a
    missing folder or another suffix is an error that says so, found before
    the frames are drawn.  A failed write leaves an existing file as it was.
    ``progress``: say on stderr how the drawing of the frames goes when it takes a while.
    ``quiz``: the learner predicts each number before it is shown (see :func:`html_page`).
    """
    spelled = "'steps.html'"
    path = check_place(path, "the page", suffixes=PAGE_SUFFIXES, example="steps.html", spelled=spelled)
    with WholeFile(path, spelled) as f:      # made before drawing, which takes a while: a refusal comes now
        return f.write(html_page(steps, title, progress=progress, quiz=quiz))


class StepPlayer:
    """The step player of ``steps``, to show in a notebook: ``StepPlayer(network_steps(...))``
    as the last line of a cell shows the page inline.

    In Jupyter it is an ``<iframe>`` whose ``srcdoc`` is the whole page, sandboxed to run
    only its own script: the page's ids, styles and keys cannot clash with the notebook's
    (or with another player's in the same notebook), and it needs no server or extension.
    ``.html`` is the page itself; ``.save("steps.html")`` writes it.
    """

    def __init__(self, steps: Sequence[Drawable], title: Optional[str] = None, quiz: bool = False,
                 height: int = 640) -> None:
        self.steps = list(steps)
        self.title = title
        self.quiz = quiz
        self.height = int(height)
        self._html: Optional[str] = None

    @property
    def html(self) -> str:
        """The self-contained page (drawn the first time it is asked for)."""
        if self._html is None:
            self._html = html_page(self.steps, self.title, quiz=self.quiz)
        return self._html

    def save(self, path: Union[str, "os.PathLike[str]"]) -> int:
        """Write the page to ``path`` (.html); its size in bytes."""
        spelled = "'steps.html'"
        path = check_place(path, "the page", suffixes=PAGE_SUFFIXES, example="steps.html", spelled=spelled)
        with WholeFile(path, spelled) as f:
            return f.write(self.html)

    def _repr_html_(self) -> str:
        return inline_frame(self.html, self.title or "step player", self.height)

    def __repr__(self) -> str:
        return f"<StepPlayer: {len(self.steps)} steps{', quiz' if self.quiz else ''}; .save('steps.html')>"
