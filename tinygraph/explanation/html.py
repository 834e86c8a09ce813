"""An explanation as one self-contained HTML5 file: the math as MathML (browsers render it with no
script), the pictures as inline SVG, one small style sheet, nothing fetched from anywhere."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from ..draw.svg import inline_svg
from .blocks import Block, Display, Figure, Heading, Named, Para, Part, Strong
from .equations import Equation
from .notation import M, Style, xml_text

__all__ = ["render", "page", "inline_svg", "CSS"]

CSS = """
.tinygraph-explain { font-family: Georgia, 'DejaVu Serif', serif; line-height: 1.5; max-width: 60em;
  margin: 0 auto; padding: 1em 1.5em; color: #111; }
.tinygraph-explain h1 { font-size: 1.6em; }
.tinygraph-explain h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.tinygraph-explain math { font-family: 'Latin Modern Math', 'STIX Two Math', 'Cambria Math', math; }
.tinygraph-explain .eq { overflow-x: auto; overflow-y: hidden; margin: 0.4em 0; display: flex;
  flex-wrap: wrap; align-items: center; justify-content: safe center; column-gap: 2em; }
.tinygraph-explain .eq math { margin: 0.2em 0; }
.tinygraph-explain p { overflow-x: auto; overflow-y: hidden; padding: 0.25em 0; }
.tinygraph-explain .eq .note { font-size: 0.85em; color: #555; }
.tinygraph-explain mtable.rows mtd { text-align: left; padding: 0.15em 0; }
.tinygraph-explain mtable.rows mtd:first-child { text-align: right; }
.tinygraph-explain figure { margin: 1em 0; text-align: center; }
.tinygraph-explain figure svg { max-width: 100%; height: auto; }
.tinygraph-explain figcaption { font-size: 0.9em; color: #444; }
.tinygraph-explain .blank { border: 1px solid #333; border-radius: 3px; padding: 0 0.2em;
  background: #fffbe6; }
"""

def parts(ps: Sequence[Part], style: Style) -> str:
    out = []
    for p in ps:
        if isinstance(p, M):
            out.append(f"<math>{p.mml(style)}</math>")
        elif isinstance(p, Strong):
            out.append(f"<strong>{xml_text(p.text)}</strong>")
        elif isinstance(p, Named):
            out.append(xml_text(p.text))
        else:
            out.append(xml_text(p))
    return "".join(out)


def mml_equation(eq: Equation, style: Style) -> str:
    """An Equation as a displayed MathML block: one row as it is, several as a table aligned at
    the relation."""
    rows = list(eq.rows)
    if len(rows) == 1:
        lhs, rel, rhs = rows[0]
        inner = "".join(m.mml(style) for m in (lhs, rel, rhs) if m is not None)
        return f'<math display="block"><mrow>{inner}</mrow></math>'
    trs = []
    for lhs, rel, rhs in rows:
        left = lhs.mml(style) if lhs is not None else ""
        mid = rel.mml(style) if rel is not None else ""
        trs.append(f"<mtr><mtd>{left}</mtd><mtd><mrow>{mid}{rhs.mml(style)}</mrow></mtd></mtr>")
    return f'<math display="block"><mtable class="rows" displaystyle="true">{"".join(trs)}</mtable></math>'


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure, int], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The body markup (a <div class="tinygraph-explain">).  ``picture(fig, i)`` gives figure
    i's inline SVG (None if it could not be drawn; then ``failed(fig)`` says why)."""
    out: List[str] = ['<div class="tinygraph-explain">']
    figures = 0
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{parts(b.parts, style)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{parts(b.parts, style)}</p>")
        elif isinstance(b, Display):
            note = b.equation.note
            note = f'<span class="note">{xml_text(note)}</span>' if note else ""
            out.append(f'<div class="eq">{mml_equation(b.equation, style)}{note}</div>')
        elif isinstance(b, Figure):
            svg = picture(b, figures)
            figures += 1
            body = svg if svg is not None else f"<p>({xml_text(failed(b))})</p>"
            out.append(f'<figure id="figure-{xml_text(b.name)}">{body}'
                       f"<figcaption>{parts(b.caption, style)}</figcaption></figure>")
    out.append("</div>")
    return "\n".join(out)


def page(title: str, body: str) -> str:
    """A whole HTML5 document around ``body``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{xml_text(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
