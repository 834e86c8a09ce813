"""Finding a Graphviz engine and running it on DOT text.

Order: inside a browser page (Pyodide), the page's own Graphviz compiled to
WebAssembly (``@viz-js/viz``, which the page hands over as ``tinygraphLayout``;
see :mod:`tinygraph.playground.site`); else an engine named by the caller or by the ``TINYGRAPH_DOT`` environment
variable (a path or a program name), else the system ``dot`` on PATH, else the
``graphviz-pure`` program that ``pip install tinygraph`` brings along (a
self-contained port of dot), found on PATH or next to the running Python
(a virtualenv's bin folder need not be on PATH).  If none is found, a
RenderError says how to get one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from ..errors import RenderError, WrongTypeError
from .big import plain_cell_ids

__all__ = ["Engine", "find_engine", "render", "render_svgs", "FORMATS", "ENV_VAR", "HOW_TO_GET", "IN_BROWSER"]

ENV_VAR = "TINYGRAPH_DOT"
PURE = "graphviz-pure"
#: the engine of a page running tinygraph in Pyodide: Graphviz compiled to WebAssembly, called through
#: the page's JavaScript function ``tinygraphLayout(dot) -> svg`` (no program to run: a browser has none)
IN_BROWSER = "@viz-js/viz"
LAYOUT_FUNCTION = "tinygraphLayout"
#: output formats each kind of engine can write
FORMATS = {"dot": ("svg", "png", "pdf"), PURE: ("svg", "png"), IN_BROWSER: ("svg",)}
HOW_TO_GET = ("Install either one: `pip install graphviz-pure` (a self-contained dot, no system "
              "packages needed), or the system Graphviz (`apt-get install graphviz`, "
              "`brew install graphviz`, `conda install graphviz`, or https://graphviz.org/download/). "
              "Saving to .gv or .dot needs no engine.")
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Engine:
    """A Graphviz program: its path and kind ('dot' for system Graphviz, 'graphviz-pure')."""

    path: str
    kind: str

    @property
    def formats(self):
        return FORMATS[self.kind]


def _kind(path: str) -> str:
    name = os.path.basename(path).lower()
    return PURE if "graphviz-pure" in name or "graphviz_pure" in name else "dot"


def _pure_candidates() -> List[str]:
    exe = "graphviz-pure" + (".exe" if os.name == "nt" else "")
    dirs = [os.path.dirname(sys.executable)]
    for scheme in (None, "posix_user", "nt_user", "osx_framework_user"):
        try:
            p = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        if p:
            dirs.append(p)
    found = [os.path.join(d, exe) for d in dirs]
    on_path = shutil.which("graphviz-pure")
    if on_path:
        found.append(on_path)
    return found


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _page_layout() -> Optional[Callable[[str], Any]]:
    """The page's layout function when tinygraph runs in a browser (Pyodide), else None."""
    if sys.platform != "emscripten":
        return None
    import js  # type: ignore[import-not-found]   # Pyodide's view of the page's globals
    return getattr(js, LAYOUT_FUNCTION, None)


def find_engine(engine: Optional[str] = None) -> Engine:
    """The Graphviz engine to use (see the module docstring), or a RenderError.

    ``engine`` (or the ``TINYGRAPH_DOT`` variable) may be ``"dot"``,
    ``"graphviz-pure"``, or a path to either program.
    """
    wanted = engine if engine is not None else os.environ.get(ENV_VAR) or None
    if wanted in (None, IN_BROWSER) and _page_layout() is not None:
        return Engine(IN_BROWSER, IN_BROWSER)
    if wanted == IN_BROWSER:
        raise RenderError(f"{IN_BROWSER} lays out only inside a browser page that runs tinygraph (tinygraph site); "
                          f"here use the system `dot` or graphviz-pure. {HOW_TO_GET}")
    if wanted is not None:
        if not isinstance(wanted, str):
            raise WrongTypeError(f"engine must be a program name or path (a str), got {type(wanted).__name__}")
        where = "the engine argument" if engine is not None else f"${ENV_VAR}"
        if wanted == PURE:
            for p in _pure_candidates():
                if _runnable(p):
                    return Engine(p, PURE)
            raise RenderError(f"{where} asks for graphviz-pure, but it is not installed. {HOW_TO_GET}")
        path = wanted if (os.sep in wanted or (os.altsep and os.altsep in wanted)) else shutil.which(wanted)
        if path is None or not _runnable(path):
            raise RenderError(f"{where} names the Graphviz program {wanted!r}, which was not found or is "
                              f"not executable. Give a path to `dot` or `graphviz-pure`, or unset it. "
                              f"{HOW_TO_GET}")
        return Engine(path, _kind(path))
    dot = shutil.which("dot")
    if dot:
        return Engine(dot, "dot")
    for p in _pure_candidates():
        if _runnable(p):
            return Engine(p, PURE)
    raise RenderError("No Graphviz engine found: neither `dot` nor `graphviz-pure` is on PATH or next to "
                      f"this Python ({sys.executable}). {HOW_TO_GET}")


def _run(eng: Engine, source: str, fmt: str, timeout: Optional[float]) -> bytes:
    """One run of the engine on ``source`` (one graph or several), its output as bytes."""
    if eng.kind == IN_BROWSER:
        return _in_page(source)
    try:
        proc = subprocess.run([eng.path, f"-T{fmt}"], input=source.encode("utf-8"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{eng.kind} ({eng.path}) took longer than {timeout:g} s to lay out this diagram. "
                          "Draw a smaller part, use draw_network for a network, or save the DOT text "
                          "with .save('x.gv') and lay it out separately.") from None
    except OSError as e:
        raise RenderError(f"could not run {eng.kind} ({eng.path}): {e}. {HOW_TO_GET}") from None
    if proc.returncode != 0 or not proc.stdout:
        err = proc.stderr.decode("utf-8", "replace").strip() or "(no message)"
        raise RenderError(f"{eng.kind} ({eng.path}) failed with exit code {proc.returncode}: {err}")
    if fmt == "svg":            # a table cell's id as tinygraph gave it (see tinygraph.draw.big)
        return plain_cell_ids(proc.stdout)
    return proc.stdout


def render(source: str, fmt: str, engine: Optional[str] = None,
           timeout: Optional[float] = DEFAULT_TIMEOUT) -> bytes:
    """Lay out DOT ``source`` and return it drawn in ``fmt`` ('svg', 'png', 'pdf')."""
    eng = find_engine(engine)
    if fmt not in eng.formats:
        if fmt == "pdf":
            raise RenderError(f"{eng.kind} ({eng.path}) cannot write PDF; PDF needs the system Graphviz "
                              "(`apt-get install graphviz`, `brew install graphviz`). "
                              "Save as .svg or .png instead.")
        raise RenderError(f"{eng.kind} cannot write {fmt!r}; it writes {', '.join(eng.formats)}")
    return _run(eng, source, fmt, timeout)


def _in_page(source: str) -> bytes:
    """``source`` (one graph) laid out by the page's WebAssembly Graphviz, as SVG bytes."""
    layout = _page_layout()
    if layout is None:
        raise RenderError(f"the page's Graphviz ({IN_BROWSER}) is gone: reload the page")
    try:
        svg = str(layout(source))
    except Exception as e:          # a JsException: Graphviz's own message
        raise RenderError(f"{IN_BROWSER} could not lay out this diagram: {e}") from None
    return plain_cell_ids(svg.encode("utf-8"))


_SVG_END = "</svg>"


def render_svgs(sources: List[str], engine: Optional[str] = None,
                timeout: Optional[float] = DEFAULT_TIMEOUT) -> List[str]:
    """Lay out several DOT graphs in ONE run of the engine and return each drawn as SVG text.

    Both engines read any number of graphs from their input and write one SVG
    document per graph, in order; starting the engine is much of the cost of a
    small drawing, so a page of many frames is drawn in a few runs.
    ``timeout`` is per graph.
    """
    if not sources:
        return []
    eng = find_engine(engine)
    if eng.kind == IN_BROWSER:                 # no program to start: each graph is one call
        return [_in_page(s).decode("utf-8").strip() + "\n" for s in sources]
    text = _run(eng, "".join(sources), "svg", None if timeout is None else timeout * len(sources)).decode("utf-8")
    out: List[str] = []
    start = 0
    while True:
        end = text.find(_SVG_END, start)
        if end < 0:
            break
        end += len(_SVG_END)
        out.append(text[start:end].strip() + "\n")
        start = end
    if len(out) != len(sources):
        raise RenderError(f"{eng.kind} ({eng.path}) drew {len(out)} pictures for {len(sources)} graphs")
    return out
