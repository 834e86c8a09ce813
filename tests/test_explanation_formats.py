"""How each format writes an explanation (tinygraph/explanation/writer.py and markdown.py, html.py, latex.py):
one walk over the blocks, so every format shows the same headings, paragraphs, equations (with the same
numbers) and figures, read back by parsing each (HTML with html5lib, Markdown with markdown-it-py, LaTeX by
its commands and environments); one golden file per format for Mazur's worked example; names from the
network printed as text in every format; the math laid out by a real browser.  That the LaTeX compiles
is tested in test_latex.py."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import tinygraph as tg
from tinygraph.demos import worked_example
from tinygraph.explanation import explain
from tinygraph.explanation.blocks import Display, Figure, Heading, Para
from tinygraph.explanation.notation import Style, md_math_text, number_text, tex_text
from tinygraph.explanation.writer import Writer, write

from explanation_cases import (NS, case, environments_balance, html_tree, markdown_parser, read_html, read_latex,
                               read_markdown, tokens)

CHROMIUM = os.environ.get("TINYGRAPH_CHROMIUM", "/usr/bin/chromium")
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def worked():
    net, inputs, targets = worked_example.build()
    return net, explain(net, inputs, targets, lr=worked_example.LR)


# -- one walk: every format shows the same document -------------------------------------------


def _kinds(blocks):
    """What the blocks are, as the readers give them: a heading's level, an equation's rows."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("heading", b.level))
        elif isinstance(b, Para):
            out.append(("para",))
        elif isinstance(b, Display):
            out.append(("equation", len(b.equation.rows)))
        elif isinstance(b, Figure):
            out.append(("figure",))
    return out


def _shape(read):
    return [item[:2] for item in read]


@pytest.mark.parametrize("label", ["worked-example", "multiplier", "tanh-mlp", "skip", "softmax"])
def test_every_format_shows_the_same_blocks_and_numbers(label):
    _, net, x, t, lr = case(label)
    doc = explain(net, x, t, lr=lr)
    for d in (doc, doc.as_exercise(), doc.as_exercise().answer_key):
        html_read, md_read, tex_read = read_html(d.html()), read_markdown(d.markdown("files")), read_latex(d.latex())
        environments_balance(d.latex())
        assert not [tk.content for tk in tokens(d.markdown("files")) if tk.type == "text" and "$" in tk.content]
        # the same blocks in the same order, as the document holds them
        assert _shape(html_read) == _kinds(d.blocks)
        assert _shape(md_read) == _kinds(d.blocks)
        assert _shape(tex_read) == _kinds(d.blocks)
        # the same numbers in every equation (the MathML's <mn>s are the LaTeX's numbers)
        assert [e[2] for e in html_read if e[0] == "equation"] == [e[2] for e in md_read if e[0] == "equation"] \
            == [e[2] for e in tex_read if e[0] == "equation"]
        # the same headings, word for word, in HTML and Markdown
        assert [e[2] for e in html_read if e[0] == "heading"] == [e[2] for e in md_read if e[0] == "heading"]
    # an equation that works out a quantity shows its value, as number_text writes it, at its end (a
    # forward-pass equation works out the net input and then the output)
    displays = [b for b in doc.blocks if isinstance(b, Display)]
    numbers = [e[2] for e in read_html(doc.html()) if e[0] == "equation"]
    checked = 0
    for b, nums in zip(displays, numbers):
        if b.answer is not None and b.answer in doc.values:
            sign, digits, exp = number_text(doc.values[b.answer])
            assert digits in nums, (b.answer, nums)
            if exp is None and b.answer[0] not in ("net", "net2"):
                assert nums[-1] == digits, (b.answer, nums)
            checked += 1
    assert checked >= len(net.synapses)


# -- golden files: Mazur's worked example, without pictures (they depend on the Graphviz engine) --


@pytest.mark.parametrize("suffix", ["md", "html", "tex"])
def test_the_worked_example_matches_its_golden_file(suffix):
    """A change in any format shows here as a diff; after a deliberate one, rewrite the files with
    TINYGRAPH_GOLDEN=update python -m pytest tests/test_explanation_formats.py -k golden."""
    net, inputs, targets = worked_example.build()
    doc = explain(net, inputs, targets, lr=worked_example.LR, pictures=False)
    text = doc.render(suffix, stem="worked-example")
    path = GOLDEN / f"explain-worked-example.{suffix}"
    if os.environ.get("TINYGRAPH_GOLDEN") == "update":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# -- a fourth format is one Writer -------------------------------------------------------------


class PlainText(Writer):
    """A format in a dozen lines: plain text with the math as its characters (MathML's text), the
    network diagrams as PNG files beside it."""

    suffixes = (".txt",)
    pictures = "png-file"

    def prose(self, text):
        return text

    name = strong = prose

    def math(self, m):
        return re.sub(r"<[^>]+>", "", m.mml(self.style))

    def inline_math(self, code):
        return code

    def heading(self, level, text):
        return text + "\n" + ("=" if level == 1 else "-") * len(text)

    def paragraph(self, text):
        return text

    def equation(self, rows, note):
        return "\n".join("    " + "".join(row) for row in rows) + (f"    {note}" if note else "")

    def figure(self, fig, number, caption):
        return f"[figure {number + 1}: {self.picture(fig, number) or self.failed(fig)}: {caption}]"

    def document(self, blocks):
        return "\n\n".join(blocks) + "\n"


def test_a_fourth_format_is_one_writer(worked, tmp_path, monkeypatch):
    from tinygraph.explanation import document
    monkeypatch.setitem(document.WRITERS, "txt", PlainText)              # the one line a new format adds
    monkeypatch.setitem(document.FORMATS, "txt", PlainText.suffixes)
    _, doc = worked
    files = doc.save(tmp_path / "worked.txt")
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("Backpropagation worked out: worked-example\n===")
    assert "    E=½∑k(Ok−tk)2\n    =½(0.75136507−0.01)2+½(0.772928465−0.99)2=0.298371109" in text
    assert "[figure 1: worked-network.png: The network before the step" in text
    assert "[figure 4: picture not drawn" in text                         # the curve is no Graphviz diagram
    assert sorted(f.name for f in files[1:]) == ["worked-network-after.png", "worked-network-backward.png",
                                                 "worked-network.png"]   # save() wrote what it names
    with pytest.raises(tg.errors.WrongTypeError, match="not a str"):
        write(["a paragraph as a bare str"], PlainText(Style("md"), lambda fig, number: None, str))


# -- each format -------------------------------------------------------------------------------


def test_html_parses_as_html5_with_mathml_and_inline_svg(worked):
    _, doc = worked
    page = doc.html()
    tree = html_tree(page)
    ns = NS
    maths = tree.findall(".//m:math", ns)
    assert len(maths) > 50 and len(tree.findall(".//m:mfrac", ns)) > 10
    assert len(tree.findall(".//h:figure/s:svg", ns)) == 4                # 3 diagrams and the error curve
    scripts = tree.findall(".//h:script", ns) + tree.findall(".//s:script", ns)
    assert len(scripts) == 1 and "tinygraph-explain .eq" in (scripts[0].text or "")   # only the fit script
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    assert len(ids) == len(set(ids))                                      # two diagrams share no id
    assert any(i.startswith("network-after-") for i in ids)               # the others' ids are prefixed
    assert not re.search(r"(src|href)=\"(https?:)?//", page)              # nothing fetched
    assert doc._repr_html_().startswith("<style>") and "<html" not in doc._repr_html_()


def test_markdown_renders_with_a_math_plugin(worked, tmp_path):
    _, doc = worked
    files = doc.save(tmp_path / "worked.md")
    md = files[0].read_text(encoding="utf-8")
    toks = tokens(md)
    blocks = [t for t in toks if t.type == "math_block"]
    assert len(blocks) == md.count("$$\n") // 2 and len(blocks) > 40
    assert all(t.content.count("{") == t.content.count("}") for t in toks if t.type.startswith("math"))
    # every $ was math: none is left over in the text
    assert not [t.content for t in toks if t.type == "text" and "$" in t.content]
    images = [t.attrs["src"] for t in toks if t.type == "image"]
    assert len(images) == 4 and all((tmp_path / src).is_file() for src in images)
    assert {f.name for f in files} == {"worked.md"} | set(images)
    html_out = markdown_parser().render(md)
    assert '<div class="math block">' in html_out or "math block" in html_out
    assert "data:image/svg+xml;base64," in doc._repr_markdown_()         # the notebook's copy is whole


def test_latex_is_well_formed(worked, tmp_path):
    _, doc = worked
    files = doc.save(tmp_path / "worked.tex")
    tex = files[0].read_text(encoding="utf-8")
    environments_balance(tex)
    assert tex.startswith("\\documentclass") and tex.count("\\begin{document}") == 1
    body = read_latex(tex)
    assert [b[:2] for b in body if b[0] == "heading"][:2] == [("heading", 1), ("heading", 2)]
    assert sum(b[0] == "figure" for b in body) == 4                       # 3 diagrams and the error curve
    assert tex.count("\\begin{tikzpicture}") == 1 and "\\iftinygraphtikz" in tex   # the curve, where TikZ is
    pngs = [f for f in files if f.suffix == ".png"]
    assert len(pngs) == 3 and all(f"{{{f.name}}}" in tex for f in pngs)
    assert all(ord(ch) < 128 for ch in tex)                               # pdflatex takes it as it is
    # the preamble is the package's data file, and asks only for what LaTeX's base packages have
    from tinygraph.explanation.latex import PREAMBLE
    assert tex.startswith(PREAMBLE)
    assert "\\IfFileExists{lmodern.sty}" in PREAMBLE and "\\IfFileExists{tikz.sty}" in PREAMBLE


# -- names are text in every format -----------------------------------------------------------

NAMES = ["<b>", "\\alpha", "$x$", "_", "%", "&", "{}", "#", "a--b", "x|y", "^~", "it's `q`", "θ é"]
#: the names as used: neurons NAMES[:10], synapses NAMES[10:] with a number (names are unique)
USED = NAMES[:10] + [NAMES[10 + j % 3] + str(j) for j in range(6)]


def names_network():
    """A network whose neurons and synapses carry every awkward name of NAMES."""
    net = tg.Network("<i>net</i> & $\\beta$")
    ins = [net.input(NAMES[0]), net.input(NAMES[1])]
    hidden = [net.neuron(n, bias=0.1) for n in NAMES[2:8]]
    o1 = net.neuron(NAMES[8], bias=0.2)
    o2 = net.neuron(NAMES[9], activation="tanh", bias=0.0)
    for i, x in enumerate(ins):
        for j, h in enumerate(hidden):
            net.connect(x, h, weight=0.1 * (i + 1) - 0.05 * j)
    for j, h in enumerate(hidden):
        net.connect(h, o1, weight=0.3 - 0.1 * j)
        net.connect(h, o2, weight=0.2 - 0.05 * j, name=NAMES[10 + j % 3] + str(j))
    return net, [0.5, -0.25], [0.2, 0.7]


@pytest.fixture(scope="module")
def names_doc():
    net, x, t = names_network()
    return net, explain(net, x, t)


def _text_of(el):
    return "".join(el.itertext())


def test_names_are_text_in_html(names_doc):
    net, doc = names_doc
    tree = html_tree(doc.html())
    ns = NS
    assert not tree.findall(".//h:b", ns) and not tree.findall(".//h:i", ns)    # no name became markup
    assert _text_of(tree.find(".//h:h1", ns)) == "Backpropagation worked out: <i>net</i> & $\\beta$"
    mtexts = {_text_of(el) for el in tree.findall(".//m:mtext", ns)}
    for name in USED:
        assert name in mtexts, name                                   # each name is one <mtext>, as given
    assert tree.find(".//h:title", ns).text == "Backpropagation worked out: <i>net</i> & $\\beta$"


def _md_math_decode(tex):
    """Undo md_math_text on a piece of its output (what MathJax/KaTeX show)."""
    back = {r"\backslash": "\\", r"\$": "$", r"\_": "_", r"\%": "%", r"\&": "&", r"\#": "#", r"\{": "{",
            r"\}": "}", r"\lt": "<", r"\gt": ">", r"\hat{}": "^", r"\sim": "~", r"\vert": "|", r"\grave{}": "`"}
    out, i = "", 0
    tex = tex[1:-1] if tex.startswith("{") and tex.endswith("}") else tex
    while i < len(tex):
        if tex.startswith(r"\text{", i):
            j = tex.index("}", i)
            out += tex[i + 6:j]
            i = j + 1
            continue
        for k, v in back.items():
            if tex.startswith(k, i):
                out += v
                i += len(k)
                break
        else:
            if tex[i] == " ":
                i += 1
                continue
            raise AssertionError(f"unexpected {tex[i:i + 10]!r} in {tex!r}")
    return out


def test_names_are_text_in_markdown(names_doc):
    net, doc = names_doc
    md = doc.markdown()
    toks = tokens(md)
    prose = "".join(t.content for t in toks if t.type == "text")
    for name in [n for n in NAMES[:10]]:
        assert name in prose, name                                    # listed by name in the first paragraph
    heading = "".join(t.content for t in toks[1].children if t.type == "text")
    assert heading == "Backpropagation worked out: <i>net</i> & $\\beta$"
    maths = " ".join(t.content for t in toks if t.type.startswith("math"))
    for name in USED:
        enc = md_math_text(name)
        assert _md_math_decode(enc) == name
        assert enc in maths, name
    # no character that a Markdown viewer could take for HTML, or GFM for a table's bar, inside the math
    assert not set("<>|") & set(maths)
    assert not any(t.type == "html_inline" or t.type == "html_block" for t in toks)


def test_names_are_text_in_latex(names_doc, tmp_path):
    net, doc = names_doc
    tex = doc.latex()
    environments_balance(tex)
    assert r"\section*{Backpropagation worked out: \textless{}i\textgreater{}net\textless{}/i\textgreater{} " \
           r"\& \$\textbackslash{}beta\$}" in tex
    for name in USED:
        assert r"\text{" + tex_text(name) + "}" in tex, name
    assert "$x$" not in tex.replace(r"\$x\$", "")
    assert tex_text("a--b") == "a-{}-{}b" and tex_text("{}") == r"\{\}"


# -- in a real browser ------------------------------------------------------------------------

PROBE = """<script>
const maths = [...document.querySelectorAll('math')];
const frac = document.querySelector('mfrac');
const mn = document.querySelector('mn');
const svgs = [...document.querySelectorAll('figure svg')];
document.title = JSON.stringify({
  maths: maths.length,
  displays: [...new Set(maths.map(m => getComputedStyle(m).display))],
  frac: frac ? frac.getBoundingClientRect().height : 0,
  mn: mn ? mn.getBoundingClientRect().height : 0,
  svgs: svgs.map(s => s.getBoundingClientRect().width),
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
});
</script></body>"""


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found (apt-get install chromium)")
def test_html_renders_its_math_as_mathml_in_chromium(worked, tmp_path):
    _, doc = worked
    page = tmp_path / "probe.html"
    page.write_text(doc.html().replace("</body>", PROBE), encoding="utf-8")
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1366,768",
                        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=120)
    title = re.search(r"<title>(.*?)</title>", r.stdout, re.S)
    assert title, r.stderr[-2000:]
    seen = json.loads(title.group(1).replace("&quot;", '"'))
    assert seen["maths"] > 50
    assert set(seen["displays"]) <= {"block math", "math", "inline math"}   # laid out as MathML, not text
    assert seen["frac"] > 1.5 * seen["mn"] > 0                        # a fraction stacks
    assert len(seen["svgs"]) == 4 and min(seen["svgs"]) > 200
    assert seen["overflow"] <= 0                                      # no sideways scrolling at 1366 px


