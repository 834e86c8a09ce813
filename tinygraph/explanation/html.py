"""An explanation as one self-contained HTML5 file: the math as MathML (browsers render it with no
script), the pictures as inline SVG, one small style sheet, nothing fetched from anywhere."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from ..draw.svg import inline_svg
from .blocks import Block, Figure
from .notation import M, Style, xml_text
from .writer import EquationRow, Writer, asset, write

__all__ = ["HtmlWriter", "render", "page", "inline_svg", "CSS"]

#: the page's style sheet (the package data file assets/explain.css)
CSS = "\n" + asset("explain.css")
#: the page's one script (assets/explain.js): scales an equation wider than the page down to fit
SCRIPT = "\n" + asset("explain.js")

class HtmlWriter(Writer):
    """HTML with MathML: ``picture(fig, number)`` gives figure ``number``'s inline SVG (None if it
    could not be drawn; then ``failed(fig)`` says why).  The document is the body's markup, a
    <div class="tinygraph-explain">; :meth:`page` puts it in a whole page."""

    suffixes = (".html", ".htm")
    math_target = "md"
    pictures = "svg-markup"

    def prose(self, text: str) -> str:
        return xml_text(text)

    def name(self, text: str) -> str:
        return xml_text(text)

    def strong(self, text: str) -> str:
        return f"<strong>{xml_text(text)}</strong>"

    def math(self, m: M) -> str:
        return m.mml(self.style)

    def inline_math(self, code: str) -> str:
        return f"<math>{code}</math>"

    def heading(self, level: int, text: str) -> str:
        return f"<h{level}>{text}</h{level}>"

    def paragraph(self, text: str) -> str:
        return f"<p>{text}</p>"

    def equation(self, rows: Sequence[EquationRow], note: str) -> str:
        if len(rows) == 1:
            math = f'<math display="block"><mrow>{"".join(rows[0])}</mrow></math>'
        else:
            trs = "".join(f"<mtr><mtd>{left}</mtd><mtd><mrow>{mid}{right}</mrow></mtd></mtr>"
                          for left, mid, right in rows)
            math = f'<math display="block"><mtable class="rows" displaystyle="true">{trs}</mtable></math>'
        note = f'<span class="note">{xml_text(note)}</span>' if note else ""
        return f'<div class="eq">{math}{note}</div>'

    def figure(self, fig: Figure, number: int, caption: str) -> str:
        svg = self.picture(fig, number)
        body = svg if svg is not None else f"<p>({xml_text(self.failed(fig))})</p>"
        return f'<figure id="figure-{xml_text(fig.name)}">{body}<figcaption>{caption}</figcaption></figure>'

    def document(self, blocks: List[str]) -> str:
        return "\n".join(['<div class="tinygraph-explain">'] + blocks + ["</div>"])

    def page(self, title: str, document: str) -> str:
        return page(title, document)


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure, int], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The body markup of ``blocks`` (see :class:`HtmlWriter`)."""
    return write(blocks, HtmlWriter(style, picture, failed))


def page(title: str, body: str) -> str:
    """A whole HTML5 document around ``body``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{xml_text(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
