"""An explanation as Markdown with LaTeX math (``$...$`` inline, ``$$...$$`` displayed), as GitHub,
Jupyter and markdown-it's dollarmath render it; pictures are image links (files beside it, or data URIs)."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from .blocks import Block, Figure
from .equations import Equation
from .notation import M, Style, md_text, printable, tex_text
from .writer import EquationRow, Writer, write

__all__ = ["MarkdownWriter", "render", "tex_display", "tex_equation"]

# tinygraph's own words need only these escaped (names from the network get md_text: everything)
_PROSE = {ch: "\\" + ch for ch in "\\`*_[]<>$|#~&"}


def prose(text: str) -> str:
    return "".join(_PROSE.get(ch, ch) for ch in printable(text))


def tex_display(rows: Sequence[EquationRow], note: str, style: Style) -> str:
    """A displayed equation's rows (each piece LaTeX math) as one LaTeX math body: one row as it is,
    several as an ``aligned`` block; the note as its tag.  Markdown's ``$$`` and LaTeX's ``\\[`` share it."""
    if len(rows) == 1:
        body = " ".join(piece for piece in rows[0] if piece)
    else:
        lines = [f"{left} &{mid} {right}" for left, mid, right in rows]
        body = "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    if note:                                     # beside the equation, where its number would go
        body += "\n\\tag*{" + _note(note, style) + "}"
    return body


def tex_equation(eq: Equation, style: Style) -> str:
    """An Equation as LaTeX math (see :func:`tex_display`)."""
    rows = [(lhs.tex(style) if lhs is not None else "", rel.tex(style) if rel is not None else "", rhs.tex(style))
            for lhs, rel, rhs in eq.rows]
    return tex_display(rows, eq.note, style)


def _note(note: str, style: Style) -> str:
    """An equation's note (tinygraph's own words and numbers) for \\tag*{}: LaTeX text for a .tex file;
    for MathJax/KaTeX, which read a tag's text as it is, with LaTeX's special characters left out."""
    if style.target == "tex":
        return tex_text(note.replace("\u2032", "'"))
    return "".join(ch for ch in printable(note) if ch not in "\\{}$%&#^_~")


class MarkdownWriter(Writer):
    """Markdown: ``picture(fig, number)`` gives the image's address (an SVG file beside it, or a data:
    address for one self-contained text)."""

    suffixes = (".md", ".markdown")
    math_target = "md"
    pictures = "svg-file"

    def prose(self, text: str) -> str:
        return prose(text)

    def name(self, text: str) -> str:
        return md_text(text)

    def strong(self, text: str) -> str:
        return "**" + md_text(text) + "**"

    def math(self, m: M) -> str:
        return m.tex(self.style)

    def inline_math(self, code: str) -> str:
        return "$" + code.strip() + "$"

    def heading(self, level: int, text: str) -> str:
        return "#" * level + " " + text

    def paragraph(self, text: str) -> str:
        return text

    def equation(self, rows: Sequence[EquationRow], note: str) -> str:
        return "$$\n" + tex_display(rows, note, self.style) + "\n$$"

    def figure(self, fig: Figure, number: int, caption: str) -> str:
        url = self.picture(fig, number)
        if url is None:
            return f"*{caption}* ({prose(self.failed(fig))})"
        return f"![{prose(fig.alt)}]({url})\n\n*{caption}*"

    def document(self, blocks: List[str]) -> str:
        return "\n\n".join(blocks) + "\n"


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The Markdown text of ``blocks``; ``picture(fig)`` gives an image's address (see :class:`MarkdownWriter`)."""
    return write(blocks, MarkdownWriter(style, lambda fig, number: picture(fig), failed))
