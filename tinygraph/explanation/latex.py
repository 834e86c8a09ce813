"""An explanation as LaTeX source: amsmath for the equations, the network diagrams as PNG files
beside it (``\\includegraphics``, with a note in their place while they are missing), the error
curve as a TikZ picture.  pdflatex compiles it; names with non-Latin letters need lualatex or xelatex.
The preamble is the package data file ``assets/preamble.tex``."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from .blocks import Block, Figure
from .markdown import tex_display
from .notation import M, Style, printable, tex_text
from .writer import EquationRow, Writer, asset, write

__all__ = ["LatexWriter", "render", "PREAMBLE"]

# tinygraph's own words need only LaTeX's special characters escaped (names get tex_text: everything)
_PROSE = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
          "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
          ">": r"\textgreater{}", "|": r"\textbar{}", "…": r"\dots{}"}

#: the document's preamble: the class, the fonts, amsmath, graphicx, TikZ when installed
PREAMBLE = asset("preamble.tex")

#: what stands in for a TikZ picture where TikZ is not installed (the preamble tests for it)
NO_TIKZ = (r"\fbox{\parbox{0.8\linewidth}{\centering This picture is drawn with TikZ, which this TeX "
           r"installation lacks (Debian: apt-get install texlive-pictures).}}")


def prose(text: str) -> str:
    return "".join(_PROSE.get(ch, ch) for ch in printable(text))


class LatexWriter(Writer):
    """LaTeX: ``picture(fig, number)`` gives the file name of a diagram's PNG (None when the figure
    has no file: then its TikZ picture is used, or ``failed(fig)`` says why it is missing)."""

    suffixes = (".tex",)
    math_target = "tex"
    pictures = "png-file"

    def prose(self, text: str) -> str:
        return prose(text)

    def name(self, text: str) -> str:
        return tex_text(text)

    def strong(self, text: str) -> str:
        return r"\textbf{" + tex_text(text) + "}"

    def math(self, m: M) -> str:
        return m.tex(self.style)

    def inline_math(self, code: str) -> str:
        return "$" + code + "$"

    def heading(self, level: int, text: str) -> str:
        cmd = {1: "section*", 2: "subsection*"}.get(level, "subsubsection*")
        return f"\\{cmd}{{{text}}}"

    def paragraph(self, text: str) -> str:
        return text

    def equation(self, rows: Sequence[EquationRow], note: str) -> str:
        return "\\[\n" + tex_display(rows, note, self.style) + "\n\\]"

    def figure(self, fig: Figure, number: int, caption: str) -> str:
        if fig.tikz is not None:
            body = "\\iftinygraphtikz\n" + fig.tikz() + "\n\\else\n" + NO_TIKZ + "\n\\fi"
        else:
            f = self.picture(fig, number)
            if f is None:
                body = r"\fbox{" + prose(self.failed(fig)) + "}"
            else:
                name = tex_text(f)
                body = (f"\\IfFileExists{{{f}}}{{\\includegraphics[width=\\linewidth,height=0.45\\textheight,"
                        f"keepaspectratio]{{{f}}}}}{{\\fbox{{picture {name} not found: tinygraph writes it "
                        f"beside this file}}}}")
        return "\\begin{center}\n" + body + "\n\n\\small " + caption + "\n\\end{center}"

    def document(self, blocks: List[str]) -> str:
        return "\n\n".join([PREAMBLE, r"\begin{document}"] + blocks + [r"\end{document}"]) + "\n"


def render(blocks: Sequence[Block], style: Style, picture: Callable[[Figure], Optional[str]],
           failed: Callable[[Figure], str]) -> str:
    """The LaTeX document of ``blocks``; ``picture(fig)`` gives a diagram's PNG file (see :class:`LatexWriter`)."""
    return write(blocks, LatexWriter(style, lambda fig, number: picture(fig), failed))
