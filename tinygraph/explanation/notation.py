"""The explanation's math: a small tree of symbols, names and numbers, written as LaTeX or MathML.

A formula is built once as a tree (:class:`Id`, :class:`Name`, :class:`Num`,
:class:`Sub`, :class:`Frac`, ...) and each format writes it its own way:
``tex(style)`` gives LaTeX (for a .tex file, or for the ``$...$`` math that
Markdown viewers render with MathJax or KaTeX), ``mml(style)`` gives MathML
Core (which browsers render with no script).

Names from the network are text, never markup or math: a neuron called
``<b>``, ``\\alpha`` or ``$x$`` prints as those characters in every format
(:func:`tex_text`, :func:`md_math_text`, :func:`xml_text`).

Numbers are written with :func:`number_text`: ``decimals`` places (9 by
default, as hand-worked examples print them) without trailing zeros, and
very small or large ones as ``m × 10^e``.  A number may carry a ``key``
naming the quantity it is (the delta of o1, the new weight of w_h1_o1, ...):
an exercise writes a numbered blank wherever such a number would be.
"""

from __future__ import annotations

import math
from html import escape as _xml_escape
from typing import Dict, Hashable, Iterable, List, Optional, Sequence, Tuple, Union

__all__ = ["Style", "M", "Id", "Name", "Num", "Op", "Row", "Sub", "Sup", "Paren", "Frac", "Sum", "Words",
           "Blank", "number_text", "number_pair", "printable", "tex_text", "md_math_text", "xml_text",
           "md_text", "PLUS", "MINUS", "DOT", "EQ", "GETS", "COMMA", "HALF", "PARTIAL"]

#: numbers are written with this many decimals unless asked otherwise
DECIMALS = 9


class Style:
    """How to write math: ``target`` "tex" (a LaTeX document) or "md" (LaTeX math in Markdown for
    MathJax/KaTeX; MathML ignores it), the ``decimals`` of numbers, and ``blanks``: the quantity
    keys written as numbered blanks (key -> its number), for an exercise."""

    def __init__(self, target: str = "tex", decimals: int = DECIMALS,
                 blanks: Optional[Dict[Hashable, int]] = None) -> None:
        self.target = target
        self.decimals = decimals
        self.blanks = blanks or {}


# -- names as text ------------------------------------------------------------------------------


def printable(text: object) -> str:
    """``text`` with each control character replaced by its visible picture (U+2400 + code, ␡),
    so that a name cannot break a line, a heading or a table in any format."""
    out = []
    for ch in str(text):
        o = ord(ch)
        if o < 32:
            out.append(chr(0x2400 + o))
        elif o == 0x7F:
            out.append("\u2421")
        elif 0x80 <= o < 0xA0 or 0xD800 <= o < 0xE000 or ch in "\ufffe\uffff":
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


# LaTeX text mode: every character with a meaning of its own, and those that form ligatures.
_TEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
             "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
             "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
             "'": r"\textquotesingle{}", "`": r"\textasciigrave{}", "-": "-{}", "!": "!{}", "?": "?{}",
             "[": "{[}", "]": "{]}"}


def tex_text(text: object) -> str:
    """``text`` for LaTeX text mode (prose, or inside ``\\text{}``): printed as its characters."""
    return "".join(_TEX_TEXT.get(ch, ch) for ch in printable(text))


# LaTeX math in Markdown (MathJax and KaTeX): safe characters go inside \text{...}; the others are
# written with math-mode commands both renderers know, outside it.
_MD_MATH = {"\\": r"\backslash ", "$": r"\$", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
            "{": r"\{", "}": r"\}", "<": r"\lt ", ">": r"\gt ", "^": r"\hat{}", "~": r"\sim ",
            "|": r"\vert ", "-": r"\text{-}", "`": r"\grave{}"}


def md_math_text(text: object) -> str:
    """``text`` as LaTeX math for MathJax/KaTeX that shows it as text (runs in ``\\text{}``)."""
    parts: List[str] = []
    run: List[str] = []
    for ch in printable(text):
        if ch in _MD_MATH:
            if run:
                parts.append(r"\text{" + "".join(run) + "}")
                run = []
            parts.append(_MD_MATH[ch])
        else:
            run.append(ch)
    if run:
        parts.append(r"\text{" + "".join(run) + "}")
    return "{" + "".join(parts).rstrip() + "}" if parts else r"\text{}"


def xml_text(text: object) -> str:
    """``text`` escaped for HTML or XML content and attribute values."""
    return _xml_escape(printable(text), quote=True)


_MD_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_text(text: object) -> str:
    """``text`` for Markdown prose and table cells: every ASCII punctuation character backslash-escaped
    (CommonMark allows that for each), so nothing in it is markup, math or a table's column bar."""
    return "".join("\\" + ch if ch in _MD_PUNCT else ch for ch in printable(text))


# -- numbers ------------------------------------------------------------------------------------


def number_text(x: float, decimals: int = DECIMALS) -> Tuple[str, str, Optional[int]]:
    """(sign, digits, exponent) of ``x`` as written: ``decimals`` places without trailing zeros
    (0.298371109, 0.15, 12); below 10^-4 or from 10^6 up, ``digits`` × 10^exponent with
    decimals - 3 significant digits.  sign is "" or "-"; exponent None unless scientific."""
    if not math.isfinite(x):
        return ("-" if x < 0 else "", "∞" if math.isinf(x) else "NaN", None)
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a == 0:
        return "", "0", None
    if 1e-4 <= a < 1e6:
        s = f"{a:.{decimals}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        if s != "0":
            return sign, s, None
    m, e = f"{a:.{max(1, decimals - 3) - 1}e}".split("e")
    if "." in m:
        m = m.rstrip("0").rstrip(".")
    return sign, m, int(e)


def number_pair(a: float, b: float, decimals: int = DECIMALS) -> int:
    """The decimals that tell ``a`` and ``b`` apart (at least ``decimals``; a change of a weight by
    1e-12 is still seen)."""
    d = decimals
    while d < 17 and a != b and number_text(a, d) == number_text(b, d):
        d += 1
    return d


# -- the tree -----------------------------------------------------------------------------------


class M:
    """A piece of math; ``tex(style)`` and ``mml(style)`` write it."""

    def tex(self, style: Style) -> str:
        raise NotImplementedError

    def mml(self, style: Style) -> str:
        raise NotImplementedError

    def keys(self) -> Iterable[Hashable]:
        """The keys of the numbers in it, in order."""
        return ()

    def width(self) -> float:
        """About how many characters wide it is written (to decide where to break a long line)."""
        return 1.0

    def tall(self) -> bool:
        """True if it holds a fraction or a sum sign (brackets round it must grow)."""
        return False


def _m(x: Union["M", str]) -> "M":
    return Id(x) if isinstance(x, str) else x


class Id(M):
    """A math identifier: ``tex`` its LaTeX (``\\delta``), ``text`` its character(s) (``δ``).
    Multi-letter ones (net) are upright; ``mml`` overrides the MathML."""

    def __init__(self, tex: str, text: Optional[str] = None, mml: Optional[str] = None) -> None:
        self.t = tex
        self.text = tex if text is None else text
        self._mml = mml

    def tex(self, style: Style) -> str:
        return self.t

    def mml(self, style: Style) -> str:
        return self._mml or f"<mi>{xml_text(self.text)}</mi>"

    def width(self) -> float:
        return len(self.text)


class Name(M):
    """A name from the network, written as text."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tex(self, style: Style) -> str:
        if style.target == "md":
            return md_math_text(self.name)
        return r"\text{" + tex_text(self.name) + "}"

    def mml(self, style: Style) -> str:
        return f"<mtext>{xml_text(self.name)}</mtext>"

    def width(self) -> float:
        return len(self.name)


class Words(M):
    """Words inside math (``for``, ``if``), with a space either side."""

    def __init__(self, words: str) -> None:
        self.words = words

    def tex(self, style: Style) -> str:
        inner = md_math_text(self.words) if style.target == "md" else r"\text{" + tex_text(self.words) + "}"
        return r"\quad " + inner + r"\quad "

    def mml(self, style: Style) -> str:
        return f'<mspace width="1em"></mspace><mtext>{xml_text(self.words)}</mtext><mspace width="1em"></mspace>'

    def width(self) -> float:
        return len(self.words) + 4


class Op(M):
    """An operator or relation: ``tex`` its LaTeX, ``text`` its character."""

    def __init__(self, tex: str, text: str) -> None:
        self.t, self.text = tex, text

    def tex(self, style: Style) -> str:
        return self.t

    def mml(self, style: Style) -> str:
        return f"<mo>{xml_text(self.text)}</mo>"

    def width(self) -> float:
        return len(self.text) + 1


PLUS = Op("+", "+")
MINUS = Op("-", "\u2212")
DOT = Op(r"\cdot ", "\u00b7")
EQ = Op("=", "=")
GETS = Op(r"\leftarrow ", "\u2190")
COMMA = Op(",", ",")
HALF = Op(r"\tfrac{1}{2}", "\u00bd")
PARTIAL = Id(r"\partial ", "\u2202")


class Blank(M):
    """A numbered gap where a number was: the learner fills it in; the answer key has number ``label``."""

    def __init__(self, label: int) -> None:
        self.label = label

    def tex(self, style: Style) -> str:
        return r"\boxed{\;\text{(" + str(self.label) + r")}\;}"

    def mml(self, style: Style) -> str:
        return (f'<mrow class="blank" data-blank="{self.label}"><mspace width="0.6em"></mspace>'
                f'<mtext>({self.label})</mtext><mspace width="0.6em"></mspace></mrow>')

    def width(self) -> float:
        return 6


class Num(M):
    """A number; ``paren``: a negative one is put in parentheses (inside a sum or product).
    ``key`` names the quantity it is (blanked in an exercise); ``decimals`` overrides the style's."""

    def __init__(self, value: float, key: Optional[Hashable] = None, paren: bool = True,
                 decimals: Optional[int] = None) -> None:
        self.value = value
        self.key = key
        self.paren = paren
        self.decimals = decimals

    def keys(self) -> Iterable[Hashable]:
        return () if self.key is None else (self.key,)

    def width(self) -> float:
        sign, digits, exp = number_text(self.value, self.decimals or DECIMALS)
        return len(digits) + (3 if sign and self.paren else len(sign)) + (0 if exp is None else 6)

    def _parts(self, style: Style) -> Tuple[str, str, Optional[int]]:
        return number_text(self.value, max(style.decimals, self.decimals or 0))

    def tex(self, style: Style) -> str:
        if self.key is not None and self.key in style.blanks:
            return Blank(style.blanks[self.key]).tex(style)
        sign, digits, exp = self._parts(style)
        s = sign + digits + ("" if exp is None else r" \times 10^{" + str(exp) + "}")
        return f"({s})" if self.paren and sign else s

    def mml(self, style: Style) -> str:
        if self.key is not None and self.key in style.blanks:
            return Blank(style.blanks[self.key]).mml(style)
        sign, digits, exp = self._parts(style)
        s = f"<mn>{digits}</mn>"
        if exp is not None:
            power = f"<mn>{abs(exp)}</mn>" if exp >= 0 else f"<mrow><mo>\u2212</mo><mn>{-exp}</mn></mrow>"
            s = f"<mrow>{s}<mo>\u00d7</mo><msup><mn>10</mn>{power}</msup></mrow>"
        if sign:
            s = f"<mrow><mo>\u2212</mo>{s}</mrow>"
            if self.paren:
                s = f'<mrow><mo stretchy="false">(</mo>{s}<mo stretchy="false">)</mo></mrow>'
        return s


def _ends_with_command(s: str) -> bool:
    """True if LaTeX ``s`` ends with a control word (\\eta), which a letter after it would lengthen."""
    i = len(s)
    while i > 0 and s[i - 1].isalpha():
        i -= 1
    return i < len(s) and i > 0 and s[i - 1] == "\\"


class Row(M):
    """Pieces side by side."""

    def __init__(self, *items: Union[M, str]) -> None:
        self.items = [_m(x) for x in items]

    def tex(self, style: Style) -> str:
        out = ""
        for it in self.items:
            t = it.tex(style)
            if t[:1].isalpha() and _ends_with_command(out):
                out += " "           # \eta x, not \etax
            out += t
        return out

    def mml(self, style: Style) -> str:
        return "<mrow>" + "".join(it.mml(style) for it in self.items) + "</mrow>"

    def keys(self) -> Iterable[Hashable]:
        for it in self.items:
            yield from it.keys()

    def width(self) -> float:
        return sum(it.width() for it in self.items)

    def tall(self) -> bool:
        return any(it.tall() for it in self.items)


class Sub(M):
    """base with a subscript."""

    def __init__(self, base: Union[M, str], sub: Union[M, str]) -> None:
        self.base, self.sub = _m(base), _m(sub)

    def tex(self, style: Style) -> str:
        return "{" + self.base.tex(style) + "}_{" + self.sub.tex(style) + "}"

    def mml(self, style: Style) -> str:
        return f"<msub>{self.base.mml(style)}{self.sub.mml(style)}</msub>"

    def keys(self) -> Iterable[Hashable]:
        yield from self.base.keys()
        yield from self.sub.keys()

    def width(self) -> float:
        return self.base.width() + 0.7 * self.sub.width()

    def tall(self) -> bool:
        return self.base.tall()


class Sup(M):
    """base with a superscript."""

    def __init__(self, base: Union[M, str], sup: Union[M, str]) -> None:
        self.base, self.sup = _m(base), _m(sup)

    def tex(self, style: Style) -> str:
        return "{" + self.base.tex(style) + "}^{" + self.sup.tex(style) + "}"

    def mml(self, style: Style) -> str:
        return f"<msup>{self.base.mml(style)}{self.sup.mml(style)}</msup>"

    def keys(self) -> Iterable[Hashable]:
        yield from self.base.keys()
        yield from self.sup.keys()

    def width(self) -> float:
        return self.base.width() + 0.7 * self.sup.width()

    def tall(self) -> bool:
        return self.base.tall()


class Paren(M):
    """(inner)"""

    def __init__(self, *inner: Union[M, str]) -> None:
        self.inner = Row(*inner)

    def tex(self, style: Style) -> str:
        if self.inner.tall():
            return r"\left(" + self.inner.tex(style) + r"\right)"
        return "(" + self.inner.tex(style) + ")"

    def mml(self, style: Style) -> str:
        stretch = "" if self.inner.tall() else ' stretchy="false"'
        return f"<mrow><mo{stretch}>(</mo>{self.inner.mml(style)}<mo{stretch}>)</mo></mrow>"

    def keys(self) -> Iterable[Hashable]:
        return self.inner.keys()

    def width(self) -> float:
        return self.inner.width() + 2

    def tall(self) -> bool:
        return self.inner.tall()


class Frac(M):
    """num over den."""

    def __init__(self, num: Union[M, str], den: Union[M, str]) -> None:
        self.num, self.den = _m(num), _m(den)

    def tex(self, style: Style) -> str:
        return r"\frac{" + self.num.tex(style) + "}{" + self.den.tex(style) + "}"

    def mml(self, style: Style) -> str:
        return f"<mfrac>{self.num.mml(style)}{self.den.mml(style)}</mfrac>"

    def keys(self) -> Iterable[Hashable]:
        yield from self.num.keys()
        yield from self.den.keys()

    def width(self) -> float:
        return max(self.num.width(), self.den.width())

    def tall(self) -> bool:
        return True


class Sum(M):
    """Σ over ``index`` of ``body``."""

    def __init__(self, index: Union[M, str], body: Union[M, str]) -> None:
        self.index, self.body = _m(index), _m(body)

    def tex(self, style: Style) -> str:
        return r"\sum_{" + self.index.tex(style) + "} " + self.body.tex(style)

    def mml(self, style: Style) -> str:
        return f"<mrow><munder><mo>\u2211</mo>{self.index.mml(style)}</munder>{self.body.mml(style)}</mrow>"

    def keys(self) -> Iterable[Hashable]:
        return self.body.keys()

    def width(self) -> float:
        return 2 + self.body.width()

    def tall(self) -> bool:
        return True


def joined(items: Sequence[M], op: M = PLUS) -> List[M]:
    """items with ``op`` between them, as a list for Row(*...)."""
    out: List[M] = []
    for i, it in enumerate(items):
        if i:
            out.append(op)
        out.append(it)
    return out
