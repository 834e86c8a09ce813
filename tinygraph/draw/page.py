"""Step-player pages: the frames of a step-through drawn and put into one self-contained HTML page."""

from __future__ import annotations

import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ..console import Progress
from ..errors import user_facing
from ..narrative import NetworkStep
from ..steps import Step
from .files import WholeFile, check_place

__all__ = ["html_page", "write_html", "page_place", "PAGE_SUFFIXES", "PROGRESS_AFTER"]

PROGRESS_AFTER = 1.0     # seconds of drawing before the page's progress is shown


def _page_entry(step: Union[Step, NetworkStep]) -> Dict[str, str]:
    if isinstance(step, NetworkStep):
        return {"text": str(step), "stage": f"{step.stage}. {step.stage_name}", "detail": step.walk_line}
    return {"text": str(step), "stage": f"backward walk: {step.name}", "detail": "\n".join(step.sent_lines())}


DRAW_WORKERS = 4        # Graphviz runs at a time when drawing a page's frames
BATCH = 25              # frames laid out per Graphviz run (fewer runs; progress still moves)


def _diagrams(steps: Sequence[Union[Step, NetworkStep]]) -> List[Any]:
    """Each step's diagram.  A network's frames are drawn twice over in Python (no Graphviz): first
    to learn the sizes each frame's shapes need, then all with the widest of those sizes, so every
    frame has the same layout and every neuron stays at the same place from step to step."""
    diagrams = [s.diagram() for s in steps]
    if any(d.sizes is not None for d in diagrams):
        from .network import Sizes
        widest = Sizes.widest(d.sizes for d in diagrams if d.sizes is not None)
        diagrams = [s.diagram(sizes=widest) if d.sizes is not None else d for s, d in zip(steps, diagrams)]
    return diagrams


def _svgs(steps: Sequence[Union[Step, NetworkStep]], progress: bool = False) -> List[str]:
    """Each step's diagram as SVG: each distinct frame laid out once, BATCH frames per Graphviz run,
    DRAW_WORKERS runs at a time.

    ``progress``: report on stderr once drawing takes more than a second."""
    from concurrent.futures import ThreadPoolExecutor
    from .render import find_engine, render_svgs
    diagrams = _diagrams(steps)
    engine = find_engine().path          # found once, here: the lookup is not thread-safe
    unique: Dict[Tuple[str, Optional[str]], int] = {}
    todo: List[Any] = []
    for d in diagrams:
        k = (d.source, d.engine)
        if k not in unique:
            unique[k] = len(todo)
            todo.append(d)
    size = max(1, min(BATCH, math.ceil(len(todo) / DRAW_WORKERS)))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]

    def draw(batch: List[Any]) -> List[str]:
        return render_svgs([d.source for d in batch], batch[0].engine or engine,
                           timeout=batch[0].timeout)

    tell = Progress(len(diagrams), PROGRESS_AFTER) if progress else None
    drawn: List[str] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(DRAW_WORKERS, len(batches)))) as pool:
            for svgs in pool.map(draw, batches):
                drawn += svgs
                if tell is not None:          # in frames of the page (identical frames are drawn once)
                    tell(len(diagrams) * len(drawn) // len(todo))
    finally:
        if tell is not None:
            tell.close()
    return [drawn[unique[(d.source, d.engine)]] for d in diagrams]


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


PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


def page_place(path: Union[str, "os.PathLike[str]"], spelled: str = "--html steps.html") -> str:
    """Check that the page can be written at ``path`` (before the slow drawing); the path, ``~`` expanded.

    The suffix is not checked here (:func:`write_html` does); ``spelled``: how
    the messages write an example name."""
    return check_place(path, "the page", example="steps.html", spelled=spelled)


def write_html(path: Union[str, "os.PathLike[str]"], steps: Sequence[Union[Step, NetworkStep]],
               title: Optional[str] = None, progress: bool = False) -> int:
    """Write :func:`html_page` to ``path`` (whole or not at all); returns its size in bytes.

    ``path`` must end in .html (or .htm, .xhtml); an empty name, a folder, a
    missing folder or another suffix is an error that says so, found before
    the frames are drawn.  A failed write leaves an existing file as it was.
    ``progress``: say on stderr how the drawing of the frames goes when it takes a while.
    """
    spelled = "'steps.html'"
    path = check_place(path, "the page", suffixes=PAGE_SUFFIXES, example="steps.html", spelled=spelled)
    with WholeFile(path, spelled) as f:      # made before drawing, which takes a while: a refusal comes now
        return f.write(html_page(steps, title, progress=progress))
