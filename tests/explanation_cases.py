"""Shared by the explanation's tests (test_explain.py, test_explanation_formats.py): the networks they
explain, and readers that take each format apart into what a reader sees: headings, paragraphs, displayed
equations (with their numbers), figures.  The readers parse: HTML with html5lib, Markdown with
markdown-it-py (and its dollarmath plugin), LaTeX by its commands and environments."""

import re

import pytest

import tinygraph as tg
from tinygraph.demos import build_for_steps, worked_example

NS = {"h": "http://www.w3.org/1999/xhtml", "m": "http://www.w3.org/1998/Math/MathML",
      "s": "http://www.w3.org/2000/svg"}


# -- the networks ------------------------------------------------------------------------------


def skip_network():
    """x1, x2 -> h1 -> h2 -> o, and h1 -> o skipping h2 (and x2 -> o skipping both)."""
    net = tg.Network("skip")
    x1, x2 = net.input("x1"), net.input("x2")
    h1, h2 = net.neuron("h1", bias=0.1), net.neuron("h2", bias=-0.1)
    o = net.neuron("o", bias=0.05)
    net.connect(x1, h1, weight=0.4)
    net.connect(x2, h1, weight=-0.3)
    net.connect(h1, h2, weight=0.8)
    net.connect(h2, o, weight=0.6)
    net.connect(h1, o, weight=-0.5)
    net.connect(x2, o, weight=0.25)
    return net, {"x1": 1.0, "x2": 0.5}, {"o": 0.9}


def softmax_network():
    """A 2-3-3 network of sigmoid hidden neurons and a softmax output layer; the right class is o2."""
    return tg.MLP([2, 3, 3], activation="sigmoid", output_activation="softmax", seed=0), [0.5, 0.2], "o2"


def cases():
    """(label, net, inputs, targets, lr): Mazur's worked example, the multiplier, a tanh MLP, a skip net,
    a softmax output layer."""
    _, net, x, t, lr = build_for_steps("multiplier")
    mlp = tg.MLP([2, 3, 1], activation="tanh", seed=1)
    return [("worked-example",) + worked_example.build() + (0.5,),
            ("multiplier", net, x, t, lr),
            ("tanh-mlp", mlp, [0.5, -0.3], [0.2], 0.5),
            ("skip",) + skip_network() + (0.5,),
            ("softmax",) + softmax_network() + (0.5,)]


def case(label):
    return next(c for c in cases() if c[0] == label)


# -- Markdown ----------------------------------------------------------------------------------


def markdown_parser():
    pytest.importorskip("markdown_it")
    pytest.importorskip("mdit_py_plugins")
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    return MarkdownIt("commonmark").use(dollarmath_plugin)


def tokens(md_text):
    """Every token of ``md_text``, inline children included, in order."""
    out = []

    def walk(toks):
        for tok in toks:
            out.append(tok)
            walk(tok.children or [])
    walk(markdown_parser().parse(md_text))
    return out


# -- numbers inside math -----------------------------------------------------------------------

_TEX_NOT_NUMBERS = re.compile(r"\\text\{[^{}]*\}|\\tfrac\{1\}\{2\}|\\tag\*\{.*\}", re.S)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def tex_numbers(tex):
    """The numbers written in LaTeX math, in order, without their signs (names and notes left out)."""
    return _NUMBER.findall(_TEX_NOT_NUMBERS.sub(" ", tex))


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def mml_numbers(math):
    """The numbers of a MathML element (its <mn>s), in order."""
    return [el.text for el in math.iter() if _local(el.tag) == "mn"]


def linear(el):
    """A MathML element as one line of text a person can read: O_{h1}, x^{2}, [a/b], rows joined by ' ; '."""
    tag, kids = _local(el.tag), list(el)
    if tag in ("mi", "mn", "mo", "mtext"):
        return "".join(el.itertext())
    if tag == "mspace":
        return " "
    if tag in ("msub", "munder"):
        return f"{linear(kids[0])}_{{{linear(kids[1])}}}"
    if tag == "msup":
        return f"{linear(kids[0])}^{{{linear(kids[1])}}}"
    if tag == "mfrac":
        return f"[{linear(kids[0])}/{linear(kids[1])}]"
    if tag == "mtable":
        return " ; ".join(linear(k) for k in kids)
    return "".join(linear(k) for k in kids)


# -- each format as what a reader sees ---------------------------------------------------------
#
# Each reader gives a list of (kind, detail): ("heading", level, text), ("para",), ("equation", rows,
# numbers) and ("figure",), the same for a document in every format.


def html_tree(page):
    html5lib = pytest.importorskip("html5lib")
    return html5lib.HTMLParser(strict=True).parse(page)      # strict: any parse error raises


def read_html(page):
    tree = html_tree(page)
    body = tree.find(".//h:div[@class='tinygraph-explain']", NS)
    out = []
    for el in body:
        tag = _local(el.tag)
        if tag in ("h1", "h2", "h3"):
            out.append(("heading", int(tag[1]), " ".join("".join(el.itertext()).split())))
        elif tag == "p":
            out.append(("para",))
        elif tag == "div" and el.get("class") == "eq":
            math = el.find("m:math", NS)
            table = math.find("m:mtable", NS)
            rows = 1 if table is None else len(table.findall("m:mtr", NS))
            out.append(("equation", rows, mml_numbers(math)))
        elif tag == "figure":
            out.append(("figure",))
        else:
            raise AssertionError(f"unexpected <{tag}> in the explanation")
    return out


def read_markdown(md):
    toks = markdown_parser().parse(md)
    out, after_image = [], False
    for i, tok in enumerate(toks):
        if tok.level == 0 and tok.nesting >= 0:                   # a block begins: the caption is the next
            was_after_image, after_image = after_image, False
        if tok.type == "heading_open":
            text = "".join(t.content for t in toks[i + 1].children if t.type in ("text", "math_inline"))
            out.append(("heading", int(tok.tag[1]), " ".join(text.split())))
        elif tok.type == "paragraph_open":
            kids = toks[i + 1].children
            italic = bool(kids) and kids[0].type == "em_open"       # a caption, or a picture's stand-in
            if any(t.type == "image" for t in kids):
                out.append(("figure",))
                after_image = True
            elif italic and was_after_image:
                continue                                            # the caption under its picture
            else:
                out.append(("figure",) if italic else ("para",))
        elif tok.type == "math_block":
            rows = tok.content.count("\\\\") + 1 if "\\begin{aligned}" in tok.content else 1
            out.append(("equation", rows, tex_numbers(tok.content)))
    return out


_TEX_HEADING = re.compile(r"\\(sub)?section\*\{")


def _group(tex, i):
    """The end of the {...} group that opens at tex[i]."""
    depth = 0
    while True:
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
        if depth == 0:
            return i


def read_latex(tex):
    """The body of a LaTeX document by its commands and environments: \\section*/\\subsection*
    headings, \\[ ... \\] displays, center environments (figures), and paragraphs between them."""
    start = tex.index("\\begin{document}") + len("\\begin{document}")
    end = tex.rindex("\\end{document}")
    body, i, out = tex[start:end], 0, []
    while i < len(body):
        if body[i].isspace():
            i += 1
            continue
        m = _TEX_HEADING.match(body, i)
        if m:
            j = _group(body, m.end() - 1)
            text = body[m.end():j - 1]
            out.append(("heading", 2 if m.group(1) else 1, text))
            i = j
        elif body.startswith("\\[", i):
            j = body.index("\\]", i)
            math = body[i + 2:j]
            rows = math.count("\\\\") + 1 if "\\begin{aligned}" in math else 1
            out.append(("equation", rows, tex_numbers(math)))
            i = j + 2
        elif body.startswith("\\begin{center}", i):
            j = body.index("\\end{center}", i)
            out.append(("figure",))
            i = j + len("\\end{center}")
        else:
            j = body.find("\n\n", i)
            j = len(body) if j < 0 else j
            out.append(("para",))
            i = j
    return out


def environments_balance(tex):
    """Every \\begin{X} is closed by its \\end{X}, in order, and braces balance (escaped ones aside)."""
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([^}]*)\}", tex):
        if m.group(1) == "begin":
            stack.append(m.group(2))
        else:
            assert stack and stack.pop() == m.group(2), m.group(0)
    assert not stack, stack
    depth, i = 0, 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "%":                         # a comment runs to the end of the line
            i = tex.find("\n", i)
            continue
        depth += ch == "{"
        depth -= ch == "}"
        assert depth >= 0
        i += 1
    assert depth == 0


def _html_text(el):
    """The text of an HTML element, its math as :func:`linear` writes it."""
    out = [el.text or ""]
    for k in el:
        out.append(linear(k) if _local(k.tag) == "math" else _html_text(k))
        out.append(k.tail or "")
    return "".join(out)


def html_lines(page):
    """The explanation's blocks as (kind, text): ("heading", ...), ("para", ...), ("equation", its math
    as one line), ("figure", its caption)."""
    body = html_tree(page).find(".//h:div[@class='tinygraph-explain']", NS)
    out = []
    for el in body:
        tag = _local(el.tag)
        if tag in ("h1", "h2", "h3"):
            out.append(("heading", " ".join(_html_text(el).split())))
        elif tag == "p":
            out.append(("para", " ".join(_html_text(el).split())))
        elif tag == "div":
            note = el.find("h:span", NS)
            out.append(("equation", linear(el.find("m:math", NS)) + ("" if note is None else "  " + note.text)))
        elif tag == "figure":
            out.append(("figure", " ".join(_html_text(el.find("h:figcaption", NS)).split())))
    return out
