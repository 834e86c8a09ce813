"""Diagram: DOT text that renders itself to SVG/PNG/PDF, saves by suffix, and shows in Jupyter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

from ..errors import RenderError, WrongTypeError
from .files import WholeFile, check_place
from .render import DEFAULT_TIMEOUT, render

__all__ = ["Diagram", "SAVE_FORMATS"]

#: suffix -> format; .gv and .dot are the DOT text itself and need no engine
SAVE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".gv": "gv", ".dot": "gv"}


class Diagram:
    """A Graphviz picture: ``.source`` is the DOT text; ``.svg()``, ``.png()``, ``.save(path)`` draw it.

    The engine is found on first use (system ``dot``, else ``graphviz-pure``);
    pass ``engine=`` to choose one.  In Jupyter it shows itself as SVG.
    A drawing made by draw_network or draw_graph is made from its structure,
    ``.graph`` (a :class:`tinygraph.draw.dot.Graph`: its nodes and edges with
    their attributes), which writes ``.source`` when it is first asked for;
    a network's also has ``.sizes`` (the sizes its shapes need, see
    :class:`tinygraph.draw.network.Sizes`).
    """

    def __init__(self, source: Optional[str] = None, engine: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT, *, graph: Any = None, sizes: Any = None) -> None:
        if source is None and graph is None:
            raise WrongTypeError("a Diagram needs its DOT text (source) or the Graph to write it from")
        if source is not None and not isinstance(source, str):
            raise WrongTypeError(f"a Diagram's source is DOT text (a str), got {type(source).__name__}")
        self._source = source
        self.engine = engine
        self.timeout = timeout
        self.graph = graph
        self.sizes = sizes
        self._cache: Dict[Tuple[str, Optional[str]], bytes] = {}

    @property
    def source(self) -> str:
        """The DOT text (written from ``.graph`` the first time it is asked for)."""
        if self._source is None:
            self._source = self.graph.source()
        return self._source

    def _key(self, fmt: str, engine: Optional[str]) -> Tuple[str, Optional[str]]:
        engine = engine if engine is not None else self.engine
        return fmt, engine if engine is not None else os.environ.get("TINYGRAPH_DOT")

    def render(self, fmt: str, engine: Optional[str] = None) -> bytes:
        """The diagram drawn in ``fmt`` ('svg', 'png' or 'pdf'), as bytes."""
        key = self._key(fmt, engine)
        if key not in self._cache:
            self._cache[key] = render(self.source, fmt, engine=engine if engine is not None else self.engine,
                                      timeout=self.timeout)
        return self._cache[key]

    def svg(self, engine: Optional[str] = None) -> str:
        """The rendered SVG text."""
        return self.render("svg", engine).decode("utf-8")

    def png(self, engine: Optional[str] = None) -> bytes:
        """The rendered PNG bytes."""
        return self.render("png", engine)

    def save(self, path: Union[str, "os.PathLike[str]"], engine: Optional[str] = None) -> Path:
        """Write the diagram to ``path``; the suffix picks the format (.svg .png .pdf .gv .dot).

        .gv/.dot write the DOT text and never need an engine.  The file is
        written whole or not at all: an existing file at ``path`` stays as it
        was if drawing or writing fails.  If drawing fails, the DOT text is
        kept beside it as .gv (unless such a file already exists) and the error says so.
        An empty name, a folder, a missing folder or a missing or unknown suffix is an error that says so.
        """
        place = check_place(path, "the diagram", suffixes=list(SAVE_FORMATS), example="picture.svg")
        p = Path(place)
        fmt = SAVE_FORMATS[p.suffix.lower()]
        with WholeFile(place) as f:          # made now: a place that refuses files fails before drawing
            if fmt == "gv":
                f.write(self.source)
                return p
            try:
                data = self.render(fmt, engine)
            except RenderError as e:
                gv = p.with_suffix(".gv")
                if not gv.exists():
                    with WholeFile(gv) as dot_text:
                        dot_text.write(self.source)
                    note = f" The DOT text was saved to {str(gv)!r}; draw it later with `dot -T{fmt} {gv}`."
                else:
                    note = f" {str(gv)!r} exists already, so the DOT text was not saved; use .save('other.gv')."
                raise RenderError(f"{e}{note}") from None
            f.write(data)
        return p

    def to_graphviz(self):
        """The same picture as a ``graphviz.Source``, for that package's API (``.pipe()``, ``.view()``).

        Rendering through it needs the system ``dot`` on PATH; ``.save()`` and
        ``.svg()`` here also work with graphviz-pure.
        """
        import graphviz
        return graphviz.Source(self.source)

    # -- Jupyter ----------------------------------------------------------

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except RenderError as e:
            return {"text/plain": f"{self!r}\n(could not draw it: {e})"}

    def _repr_svg_(self) -> Optional[str]:
        try:
            return self.svg()
        except RenderError:
            return None

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"<Diagram: {lines} lines of DOT; .save('x.svg' | 'x.png' | 'x.gv'), .svg(), .source>"
