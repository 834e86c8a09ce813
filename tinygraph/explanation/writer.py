"""One walk over an explanation's blocks, and the interface every format implements.

A format is a :class:`Writer`: one method per kind of block (heading, paragraph,
equation, figure), one per kind of paragraph part (tinygraph's own words, a name,
a bold name, math), and ``document`` around the whole.  :func:`write` walks the
blocks once, in reading order, and asks the writer for each piece.  Markdown,
HTML and LaTeX are a file each (markdown.py, html.py, latex.py); a fourth format
is a fourth file with a Writer subclass, and its line in ``document.WRITERS``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Callable, List, Optional, Sequence, Tuple

from ..errors import WrongTypeError
from .blocks import Block, Display, Figure, Heading, Named, Para, Part, Strong
from .equations import Equation
from .notation import M, Style

__all__ = ["Writer", "write", "EquationRow", "asset"]

#: one row of a displayed equation, each piece already written in the format's math:
#: (left side or "", relation or "", right side)
EquationRow = Tuple[str, str, str]


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of the package data file ``assets/NAME`` beside this module (a style sheet, the LaTeX
    preamble): other languages live in files of their own, where their tools can read them."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


class Writer:
    """How one format writes each piece of an explanation.  ``style``: how math is written (its
    target, decimals and an exercise's blanks); ``picture(fig, number)``: what the format shows for
    a figure (see :attr:`pictures`), None if it could not be drawn, and then ``failed(fig)`` says why.
    Subclasses set the class attributes and implement every method below but :meth:`parts` and
    :meth:`page`."""

    #: the file suffixes that pick the format, its usual one first
    suffixes: Tuple[str, ...] = ()
    #: how its math is written: "tex" (a LaTeX document) or "md" (LaTeX math for MathJax and KaTeX;
    #: a MathML format ignores it)
    math_target = "md"
    #: what ``picture`` gives it: "svg-file" (the name of an SVG file beside the document),
    #: "svg-data" (an SVG as a data: address), "svg-markup" (SVG markup to put in an HTML page),
    #: "png-file" (the name of a PNG file beside the document; a Graphviz diagram only, None else)
    pictures = "svg-file"

    def __init__(self, style: Style, picture: Callable[[Figure, int], Optional[str]],
                 failed: Callable[[Figure], str]) -> None:
        self.style, self.picture, self.failed = style, picture, failed

    # -- the parts of a paragraph ----------------------------------------------------------------

    def prose(self, text: str) -> str:
        """tinygraph's own words."""
        raise NotImplementedError

    def name(self, text: str) -> str:
        """A name from the network, printed as its characters."""
        raise NotImplementedError

    def strong(self, text: str) -> str:
        """A name set in bold."""
        raise NotImplementedError

    def math(self, m: M) -> str:
        """A piece of math in the format's math language (LaTeX or MathML), not yet delimited."""
        raise NotImplementedError

    def inline_math(self, code: str) -> str:
        """Math written by :meth:`math`, set inside a line of text."""
        raise NotImplementedError

    def parts(self, ps: Sequence[Part]) -> str:
        """A line of parts (a paragraph, a heading, a caption) as the format's text."""
        out = []
        for p in ps:
            if isinstance(p, M):
                out.append(self.inline_math(self.math(p)))
            elif isinstance(p, Strong):
                out.append(self.strong(p.text))
            elif isinstance(p, Named):
                out.append(self.name(p.text))
            else:
                out.append(self.prose(p))
        return "".join(out)

    # -- the blocks ------------------------------------------------------------------------------

    def heading(self, level: int, text: str) -> str:
        """A heading of ``level`` (1 the title, 2 a section) holding ``text`` (written by :meth:`parts`)."""
        raise NotImplementedError

    def paragraph(self, text: str) -> str:
        raise NotImplementedError

    def equation(self, rows: Sequence[EquationRow], note: str) -> str:
        """A displayed equation: one row as it is, several aligned at the relation; ``note``: words
        beside it (or "")."""
        raise NotImplementedError

    def figure(self, fig: Figure, number: int, caption: str) -> str:
        """The picture ``fig`` (the ``number``-th of the document, from 0) with its written ``caption``."""
        raise NotImplementedError

    def document(self, blocks: List[str]) -> str:
        """The whole document around its written blocks, in order."""
        raise NotImplementedError

    def page(self, title: str, document: str) -> str:
        """The document as a file of its own, titled ``title`` (HTML puts its body in a page)."""
        return document


def _rows(eq: Equation, w: Writer) -> List[EquationRow]:
    return [(w.math(lhs) if lhs is not None else "", w.math(rel) if rel is not None else "", w.math(rhs))
            for lhs, rel, rhs in eq.rows]


def write(blocks: Sequence[Block], w: Writer) -> str:
    """The document of ``blocks`` as ``w`` writes it."""
    out: List[str] = []
    figures = 0
    for b in blocks:
        if isinstance(b, Heading):
            out.append(w.heading(b.level, w.parts(b.parts)))
        elif isinstance(b, Para):
            out.append(w.paragraph(w.parts(b.parts)))
        elif isinstance(b, Display):
            out.append(w.equation(_rows(b.equation, w), b.equation.note))
        elif isinstance(b, Figure):
            out.append(w.figure(b, figures, w.parts(b.caption)))
            figures += 1
        else:
            raise WrongTypeError(f"an explanation holds headings, paragraphs, equations and figures, not a "
                                 f"{type(b).__name__}")
    return w.document(out)
