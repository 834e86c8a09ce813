"""The pieces an explanation is made of, the same for every format: headings, paragraphs (text with
inline math), displayed equations, figures and tables.  Each renderer (Markdown, HTML, LaTeX) writes them."""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, List, Optional, Sequence, Union

from .equations import Equation
from .notation import M

__all__ = ["Named", "Strong", "Part", "Heading", "Para", "Display", "Figure", "Block", "keys_of"]


class Named:
    """A name from the network (or any text a user gave) inside a paragraph: printed as its characters
    in every format, however they look (``<b>``, ``\\alpha``, ``$x$``)."""

    def __init__(self, text: object) -> None:
        self.text = str(text)


class Strong:
    """A name set in bold."""

    def __init__(self, text: object) -> None:
        self.text = str(text)


#: a piece of a paragraph: tinygraph's own words (str), a Named or Strong name, or inline math
Part = Union[str, Named, Strong, M]


class Heading:
    def __init__(self, level: int, *parts: Part) -> None:
        self.level, self.parts = level, list(parts)


class Para:
    def __init__(self, *parts: Part) -> None:
        self.parts: List[Part] = list(parts)


class Display:
    """A displayed equation; ``answer``: the key of the quantity it computes (for the answer key)."""

    def __init__(self, equation: Equation, answer: Optional[Hashable] = None) -> None:
        self.equation, self.answer = equation, answer


class Figure:
    """A picture: ``name`` (the file's tail: network, error-curve, ...), its ``caption`` and ``alt`` text, ``svg()``
    drawing it (may raise RenderError), ``diagram()`` the Diagram when it is a Graphviz one
    (for PNG), ``tikz()`` the picture as TikZ for LaTeX when there is one."""

    def __init__(self, name: str, caption: Sequence[Part], svg: Callable[[], str],
                 diagram: Optional[Callable[[], object]] = None, tikz: Optional[Callable[[], str]] = None,
                 alt: str = "") -> None:
        self.name, self.caption, self.svg, self.diagram, self.tikz = name, list(caption), svg, diagram, tikz
        self.alt = alt or name.replace("-", " ")


Block = Union[Heading, Para, Display, Figure]


def _parts_keys(parts: Iterable[Part]) -> Iterable[Hashable]:
    for p in parts:
        if isinstance(p, M):
            yield from p.keys()


def keys_of(blocks: Sequence[Block]) -> List[Hashable]:
    """The keys of every number in ``blocks``, in reading order."""
    out: List[Hashable] = []
    for b in blocks:
        if isinstance(b, (Para, Heading)):
            out.extend(_parts_keys(b.parts))
        elif isinstance(b, Display):
            out.extend(b.equation.keys())
    return out
