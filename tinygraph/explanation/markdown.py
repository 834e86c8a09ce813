"""An explanation as Markdown with LaTeX math (``$...$`` inline, ``$$...$$`` displayed), as GitHub,
Jupyter and markdown-it's dollarmath render it; pictures are image links (files beside it, or data URIs)."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from .blocks import Block, Display, Figure, Heading, Named, Para, Part, Strong
from .equations import Equation
from .notation import M, Style, md_text, printable, tex_text

__all__ = ["render", "tex_equation"]

# tinygraph's own words need only these escaped (names from the network get md_text: everything)
_PROSE = {ch: "\\" + ch for ch in "\\`*_[]<>$|#~&"}


def prose(text: str) -> str:
    return "".join(_PROSE.get(ch, ch) for ch in printable(text))


def parts(ps: Sequence[Part], style: Style) -> str:
    out = []
    for p in ps:
        if isinstance(p, M):
            out.append("$" + p.tex(style).strip() + "$")
        elif isinstance(p, Strong):
            out.append("**" + md_text(p.text) + "**")
        elif isinstance(p, Named):
            out.append(md_text(p.text))
        else:
            out.append(prose(p))
    return "".join(out)


def tex_equation(eq: Equation, style: Style) -> str:
    """An Equation as LaTeX math: one row as it is, several as an ``aligned`` block."""
    rows = list(eq.rows)
    if len(rows) == 1:
        lhs, rel, rhs = rows[0]
        body = " ".join(m.tex(style) for m in (lhs, rel, rhs) if m is not None)
    else:
        lines = []
        for lhs, rel, rhs in rows:
            left = lhs.tex(style) if lhs is not None else ""
            mid = rel.tex(style) if rel is not None else ""
            lines.append(f"{left} &{mid} {rhs.tex(style)}")
        body = "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    if eq.note:                                  # beside the equation, where its number would go
        body += "\n\\tag*{" + _note(eq.note, style) + "}"
    return body


def _note(note: str, style: Style) -> str:
    """An equation's note (tinygraph's own words and numbers) for \\tag*{}: LaTeX text for a .tex file;
    for MathJax/KaTeX, which read a tag's text as it is, with LaTeX's special characters left out."""
    if style.target == "tex":
        return tex_text(note.replace("\u2032", "'"))
    return "".join(ch for ch in printable(note) if ch not in "\\{}$%&#^_~")


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The Markdown text.  ``picture(fig)`` gives the image's address (None if it could not be
    drawn; then ``failed(fig)`` says why)."""
    out: List[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + parts(b.parts, style))
        elif isinstance(b, Para):
            out.append(parts(b.parts, style))
        elif isinstance(b, Display):
            out.append("$$\n" + tex_equation(b.equation, style) + "\n$$")
        elif isinstance(b, Figure):
            url = picture(b)
            caption = parts(b.caption, style)
            if url is None:
                out.append(f"*{caption}* ({prose(failed(b))})")
            else:
                out.append(f"![{prose(b.alt)}]({url})\n\n*{caption}*")
    return "\n\n".join(out) + "\n"
