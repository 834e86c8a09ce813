"""Step-player pages: the frames of a step-through drawn and put into one self-contained HTML page.

Each step's diagram is a frame; the frames are drawn once per look with
:func:`tinygraph.draw.frames.shared_frames` (one layout for all of them), and the page's script
(:mod:`tinygraph.draw.player`) puts each frame together.  What the page says about a step (its
caption, its quiz question, the walk beside the picture) is decided here.
"""

from __future__ import annotations

import copy
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..draw.dot import neuron_id, synapse_id
from ..draw.files import PAGE_SUFFIXES, WholeFile, check_place
from ..draw.frames import render_sources, same_layout_diagrams, shared_frames
from ..draw.player import QUIZ_TOLERANCE, SharedFrame, inline_frame, player_html
from ..engine.node import nodes_below
from ..errors import BadValueError, WrongTypeError, user_facing
from ..formatting import fmt
from ..networks.network import Bias, Neuron, Synapse
from .narrative import NetworkStep
from .steps import Step, backprop_steps

__all__ = ["html_page", "write_html", "StepPlayer", "QUIZ_TOLERANCE"]

Drawable = Union[Step, NetworkStep]


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
    drawn = render_sources(todo)
    return [drawn[unique[(d.source, d.engine)]] for d in diagrams]


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
