"""Diagram: DOT text that renders itself to SVG/PNG/PDF, saves by suffix, and shows in Jupyter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

from ..errors import RenderError
from .render import DEFAULT_TIMEOUT, render

__all__ = ["Diagram", "SAVE_FORMATS"]

#: suffix -> format; .gv and .dot are the DOT text itself and need no engine
SAVE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".gv": "gv", ".dot": "gv"}


class Diagram:
    """A Graphviz picture: ``.source`` is the DOT text; ``.svg()``, ``.png()``, ``.save(path)`` draw it.

    The engine is found on first use (system ``dot``, else ``graphviz-pure``);
    pass ``engine=`` to choose one.  In Jupyter it shows itself as SVG.
    """

    def __init__(self, source: str, engine: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT) -> None:
        if not isinstance(source, str):
            raise TypeError(f"a Diagram's source is DOT text (a str), got {type(source).__name__}")
        self.source = source
        self.engine = engine
        self.timeout = timeout
        self._cache: Dict[Tuple[str, Optional[str]], bytes] = {}

    def render(self, fmt: str, engine: Optional[str] = None) -> bytes:
        """The diagram drawn in ``fmt`` ('svg', 'png' or 'pdf'), as bytes."""
        engine = engine if engine is not None else self.engine
        key = (fmt, engine if engine is not None else os.environ.get("TINYGRAPH_DOT"))
        if key not in self._cache:
            self._cache[key] = render(self.source, fmt, engine=engine, timeout=self.timeout)
        return self._cache[key]

    def svg(self, engine: Optional[str] = None) -> str:
        """The rendered SVG text."""
        return self.render("svg", engine).decode("utf-8")

    def png(self, engine: Optional[str] = None) -> bytes:
        """The rendered PNG bytes."""
        return self.render("png", engine)

    def save(self, path: Union[str, "os.PathLike[str]"], engine: Optional[str] = None) -> Path:
        """Write the diagram to ``path``; the suffix picks the format (.svg .png .pdf .gv .dot).

        .gv/.dot write the DOT text and never need an engine.  If drawing fails,
        nothing is written to ``path``; the DOT text is kept beside it as .gv
        (unless such a file already exists) and the error says so.
        """
        p = Path(path)
        suffix = p.suffix.lower()
        fmt = SAVE_FORMATS.get(suffix)
        if fmt is None:
            raise ValueError(f"cannot save a diagram as {str(p)!r}: unknown suffix {suffix or '(none)'!r}. "
                             f"Use one of {', '.join(SAVE_FORMATS)} (.pdf needs the system Graphviz dot)")
        if p.parent != Path("") and not p.parent.is_dir():
            raise FileNotFoundError(f"cannot save {str(p)!r}: the folder {str(p.parent)!r} does not exist")
        if fmt == "gv":
            p.write_text(self.source, encoding="utf-8")
            return p
        try:
            data = self.render(fmt, engine)
        except RenderError as e:
            gv = p.with_suffix(".gv")
            if not gv.exists():
                gv.write_text(self.source, encoding="utf-8")
                note = f" The DOT text was saved to {str(gv)!r}; draw it later with `dot -T{fmt} {gv}`."
            else:
                note = f" {str(gv)!r} exists already, so the DOT text was not saved; use .save('other.gv')."
            raise RenderError(f"{e}{note}") from None
        p.write_bytes(data)
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
