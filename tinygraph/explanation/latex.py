"""An explanation as LaTeX source: amsmath for the equations, the network diagrams as PNG files
beside it (``\\includegraphics``, with a note in their place while they are missing), the error
curve as a TikZ picture.  pdflatex compiles it; names with non-Latin letters need lualatex or xelatex."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from .blocks import Block, Display, Figure, Heading, Named, Para, Part, Strong
from .markdown import tex_equation
from .notation import M, Style, printable, tex_text

__all__ = ["render"]

# tinygraph's own words need only LaTeX's special characters escaped (names get tex_text: everything)
_PROSE = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
          "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
          ">": r"\textgreater{}", "|": r"\textbar{}", "…": r"\dots{}"}

PREAMBLE = r"""\documentclass[11pt]{article}
%% Written by tinygraph (tinygraph.explain). Compile with pdflatex, or with lualatex or xelatex
%% when the network's names hold letters outside Latin-1.
\usepackage{iftex}
\ifPDFTeX
  \usepackage[T1]{fontenc}
  \usepackage[utf8]{inputenc}
  \usepackage{lmodern}
\else
  \usepackage{fontspec}
\fi
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{tikz}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\allowdisplaybreaks
"""


def prose(text: str) -> str:
    return "".join(_PROSE.get(ch, ch) for ch in printable(text))


def parts(ps: Sequence[Part], style: Style) -> str:
    out = []
    for p in ps:
        if isinstance(p, M):
            out.append("$" + p.tex(style) + "$")
        elif isinstance(p, Strong):
            out.append(r"\textbf{" + tex_text(p.text) + "}")
        elif isinstance(p, Named):
            out.append(tex_text(p.text))
        else:
            out.append(prose(p))
    return "".join(out)


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The LaTeX document.  ``picture(fig)`` gives the file name of a diagram's PNG (None when the
    figure has no file: then its TikZ picture is used, or ``failed(fig)`` says why it is missing)."""
    out: List[str] = [PREAMBLE, r"\begin{document}"]
    for b in blocks:
        if isinstance(b, Heading):
            cmd = {1: "section*", 2: "subsection*"}.get(b.level, "subsubsection*")
            out.append(f"\\{cmd}{{{parts(b.parts, style)}}}")
        elif isinstance(b, Para):
            out.append(parts(b.parts, style))
        elif isinstance(b, Display):
            out.append("\\[\n" + tex_equation(b.equation, style) + "\n\\]")
        elif isinstance(b, Figure):
            caption = parts(b.caption, style)
            if b.tikz is not None:
                body = b.tikz()
            else:
                f = picture(b)
                if f is None:
                    body = r"\fbox{" + prose(failed(b)) + "}"
                else:
                    name = tex_text(f)
                    body = (f"\\IfFileExists{{{f}}}{{\\includegraphics[width=\\linewidth,height=0.45\\textheight,"
                            f"keepaspectratio]{{{f}}}}}{{\\fbox{{picture {name} not found: tinygraph writes it "
                            f"beside this file}}}}")
            out.append("\\begin{center}\n" + body + "\n\n\\small " + caption + "\n\\end{center}")
    out.append(r"\end{document}")
    return "\n\n".join(out) + "\n"
