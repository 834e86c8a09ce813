"""Tests for tinygraph/explanation (tg.explain): the worked example of a network as Markdown, HTML and
LaTeX, its numbers (the backward walk's, checked against delta_rule), names printed as text in every
format, the exercise and its answer key, and the `tinygraph explain` command."""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.dom.minidom as minidom
from pathlib import Path

import pytest

import tinygraph as tg
from tinygraph import formulas
from tinygraph.demos import build_for_steps, worked_example
from tinygraph.explanation import CATEGORIES, explain
from tinygraph.explanation.curve import MAX_POINTS, Curve
from tinygraph.explanation.equations import GENERAL, Symbols, written
from tinygraph.explanation.notation import Num, Style, md_math_text, number_text, tex_text

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("TINYGRAPH_CHROMIUM", "/usr/bin/chromium")

# Mazur's published values for the 2-2-2 example, at the precision he prints them
# (his w5 and w1 are tinygraph's w_h1_o1 and w_i1_h1).
PUBLISHED = {"E": "0.298371109", "delta_o1": "0.138498562", "dE/dw5": "0.082167041", "w5 after": "0.35891648",
             "dE/dw1": "0.000438568"}


@pytest.fixture(scope="module")
def worked():
    net, inputs, targets = worked_example.build()
    return net, explain(net, inputs, targets, lr=worked_example.LR)


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


def cases():
    """(label, net, inputs, targets, lr): the worked example, the multiplier, a tanh MLP, a skip net."""
    _, net, x, t, lr = build_for_steps("multiplier")
    mlp = tg.MLP([2, 3, 1], activation="tanh", seed=1)
    return [("worked-example",) + worked_example.build() + (0.5,),
            ("multiplier", net, x, t, lr),
            ("tanh-mlp", mlp, [0.5, -0.3], [0.2], 0.5),
            ("skip",) + skip_network() + (0.5,)]


# -- the worked example -----------------------------------------------------------------------


def test_worked_example_shows_the_published_values_in_every_format(worked):
    net, doc = worked
    for text in (doc.markdown(), doc.html(), doc.latex()):
        for what, value in PUBLISHED.items():
            assert value in text, f"{what} = {value} missing"
    # and they are the numbers of the quantities they are published for
    index = Symbols(net).index
    v = doc.values
    assert f"{v[('error',)]:.9f}" == PUBLISHED["E"]
    assert f"{v[('delta', 'o1')]:.9f}" == PUBLISHED["delta_o1"]
    assert f"{v[('grad', index[id(net.synapse('h1', 'o1'))])]:.9f}" == PUBLISHED["dE/dw5"]
    assert f"{v[('new', index[id(net.synapse('h1', 'o1'))])]:.8f}" == PUBLISHED["w5 after"]
    assert f"{v[('grad', index[id(net.synapse('i1', 'h1'))])]:.9f}" == PUBLISHED["dE/dw1"]


def test_the_numbers_are_the_walks_and_the_weights_stay(worked):
    net, inputs, targets = worked_example.build()
    before = [p.value for p in net.parameters()]
    doc = explain(net, inputs, targets)
    assert [p.value for p in net.parameters()] == before           # explain changes no weight
    index = Symbols(net).index
    for n in net.neurons.values():
        if not n.is_input:
            assert doc.values[("delta", n.name)] == n.delta        # the walk's number, not a copy by hand
    for p in net.parameters():
        assert doc.values[("grad", index[id(p)])] == p.grad
        assert doc.values[("new", index[id(p)])] == pytest.approx(p.value - 0.5 * p.grad, abs=1e-15)
    walk = {s.subject.name: s.number for s in doc.steps if s.kind in ("output delta", "hidden delta")}
    assert walk == {n: doc.values[("delta", n)] for n in walk}
    rule = tg.delta_rule(net, inputs, targets)
    for name, d in rule.deltas.items():
        assert doc.values[("delta", name)] == pytest.approx(d, rel=1e-12)
    assert "tinygraph.delta\\_rule), gives the same" in doc.markdown()


def test_the_document_follows_the_texts_order(worked):
    _, doc = worked
    md = doc.markdown()
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert [h.split(". ", 1)[1] if ". " in h else h for h in heads] == [
        "The network and the sample", "The forward pass", "The error", "The output deltas", "The hidden deltas",
        "The gradients", "The update", "The forward pass with the new weights", "Repeat until the error is small",
        "## How these numbers were checked"]
    # each equation symbolic first, then with the numbers: net_h1 = W O + W O + θ, then = 0.15·0.05 + ...
    h1 = md.index(r"{\mathrm{net}}_{{\text{h1}}} &= {W}_{{\text{i1}},{\text{h1}}}{O}_{{\text{i1}}}")
    assert md.index(r"&= 0.15\cdot 0.05+0.2\cdot 0.1+0.35=0.3775", h1) > h1
    assert r"{\delta}_{j} = f'({\mathrm{net}}_{j})\sum_{k} {\delta}_{k}{W}_{j,k}" in md
    assert "train() gets there after 397 epochs" in md
    assert "from $E=0.298371109$ to $E=0.280471447$" in md


def test_every_formula_of_the_text_has_a_written_form():
    assert set(GENERAL) == set(formulas.FORMULAS)
    net, inputs, targets = worked_example.build()
    net.forward(inputs)
    h1, o1 = net["h1"], net["o1"]
    s = net.synapse("h1", "o1")
    made = [formulas.NetInput("h1", [(x.name, x.value, x.src.name, 0.5) for x in h1.incoming], ("θ_h1", 0.35)),
            formulas.Output("h1", "sigmoid", 0.3),
            formulas.SquaredError([("o1", 0.7, 0.01), ("o2", 0.7, 0.99)]),
            formulas.OutputDelta("o1", "sigmoid", 0.7, 0.21, t=0.01),
            formulas.HiddenDelta("h1", "sigmoid", 0.5, 0.25, [("o1", 0.1, s.name, 0.4), ("o2", -0.1, "w", 0.5)]),
            formulas.WeightGradient(s.name, "o1", 0.1, "h1", 0.5),
            formulas.BiasGradient("θ_o1", "o1", 0.1),
            formulas.Update(s.name, 0.4, 0.08, 0.5)]
    subjects = [h1, h1, None, o1, h1, s, o1.bias, s]
    assert {type(f) for f in made} == set(formulas.FORMULAS)
    style = Style("tex")
    for f, subject in zip(made, subjects):
        w = written(f, Symbols(net), subject, ("x",))
        assert w.value.value == f.value
        assert w.lhs.tex(style) and all(m.tex(style) for m in w.symbols + w.numbers)


@pytest.mark.parametrize("label", ["worked-example", "multiplier", "tanh-mlp", "skip"])
def test_each_network_is_explained_with_its_own_activations(label):
    _, net, x, t, lr = next(c for c in cases() if c[0] == label)
    doc = explain(net, x, t, lr=lr)
    md, html_text = doc.markdown(), doc.html()
    steps = doc.steps
    for st in steps:
        if st.kind in ("output delta", "hidden delta"):
            assert doc.values[("delta", st.subject.name)] == st.number
    if label == "multiplier":
        assert "linear: f′ = 1" in md                                  # the linear output's delta
        assert "(it is written for sigmoid neurons)" in md
    if label == "tanh-mlp":
        assert (r"For tanh (h1, h2, h3): $f'({\mathrm{net}}_{j})=1-{\tanh({\mathrm{net}}_{j})}^{2}"
                r"=1-{{O}_{j}}^{2}$") in md
        assert r"{\delta}_{{\text{h1}}} &= (1-{{O}_{{\text{h1}}}}^{2})" in md
        assert "<mi>tanh</mi>" in html_text
    if label == "skip":
        # h1 feeds h2 and, skipping it, o: its delta sums over both
        assert (r"{\delta}_{{\text{h1}}} &= {O}_{{\text{h1}}}(1-{O}_{{\text{h1}}})({\delta}_{{\text{h2}}}"
                r"{W}_{{\text{h1}},{\text{h2}}}+{\delta}_{{\text{o}}}{W}_{{\text{h1}},{\text{o}}})") in md
        assert "a synapse here skips a layer" in md
        assert md.index(r"{\delta}_{{\text{h2}}} &=") < md.index(r"{\delta}_{{\text{h1}}} &=")


def test_other_activations_write_their_own_slope():
    tg.register_activation("softsign_explained", lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2)
    net = tg.Network("acts")
    x = net.input("x")
    r = net.neuron("r", activation="ramp", bias=0.1)
    st = net.neuron("s", activation="step", bias=0.0)
    c = net.neuron("c", activation="softsign_explained", bias=0.0)
    o = net.neuron("o", activation="linear", bias=0.0)
    for h in (r, st, c):
        net.connect(x, h, weight=0.5)
        net.connect(h, o, weight=0.3)
    md = explain(net, [1.0], [0.2]).markdown()
    assert (r"the ramp max(0, x) (r): $f'({\mathrm{net}}_{j})=1\quad {\text{if}}\quad {\mathrm{net}}_{j}>0"
            r"\quad {\text{else}}\quad 0$: the error flows back only through") in md
    assert r"the step (s): $f'({\mathrm{net}}_{j})=0$: the step is flat" in md
    assert "the activation softsign\\_explained (c)" in md
    assert r"{\text{softsign}\_\text{explained}}" in md                # its name, as text, in the math
    assert "linear: f′ = 1" in md


@pytest.mark.parametrize("error", ["mse", "bce", "hinge", "function"])
def test_other_errors_give_their_slope_from_the_walk(error):
    net, x, t = skip_network()
    if error == "hinge":
        t = {"o": 1.0}
    err = (lambda outs, tt: (outs["o"] - 0.3) ** 2) if error == "function" else error
    doc = explain(net, x, t, error=err)
    o = net["o"]
    assert doc.values[("dEdO", "o")] == o.grad
    md = doc.markdown()
    if error == "mse":
        assert r"\frac{2}{n}({O}_{k}-{t}_{k})" in md
    if error == "function":
        assert "(from the backward walk)" in md
    assert "written for the squared error" in md


def test_bad_arguments_say_what_to_do():
    net, x, t = skip_network()
    with pytest.raises(ValueError, match="unknown error 'cross'.*Known: squared_error"):
        explain(net, x, t, error="cross")
    with pytest.raises(TypeError, match="needs a tinygraph Network"):
        explain("net", x, t)
    with pytest.raises(tg.NameNotFoundError, match="missing 'x2'"):
        explain(net, {"x1": 1.0}, t)
    with pytest.raises(ValueError, match="decimals"):
        explain(net, x, t, decimals=0)
    with pytest.raises(ValueError, match="cannot leave 'weights!' blank"):
        explain(net, x, t).as_exercise(["weights!"])


# -- formats ----------------------------------------------------------------------------------


def test_html_parses_as_html5_with_mathml_and_inline_svg(worked):
    html5lib = pytest.importorskip("html5lib")
    _, doc = worked
    page = doc.html()
    tree = html5lib.HTMLParser(strict=True).parse(page)          # strict: any parse error raises
    ns = {"h": "http://www.w3.org/1999/xhtml", "m": "http://www.w3.org/1998/Math/MathML",
          "s": "http://www.w3.org/2000/svg"}
    maths = tree.findall(".//m:math", ns)
    assert len(maths) > 50 and len(tree.findall(".//m:mfrac", ns)) > 10
    assert len(tree.findall(".//h:figure/s:svg", ns)) == 4                # 3 diagrams and the error curve
    assert not tree.findall(".//h:script", ns) and not tree.findall(".//s:script", ns)
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    assert len(ids) == len(set(ids))                                      # two diagrams share no id
    assert any(i.startswith("network-after-") for i in ids)               # the others' ids are prefixed
    assert not re.search(r"(src|href)=\"(https?:)?//", page)              # nothing fetched
    assert doc._repr_html_().startswith("<style>") and "<html" not in doc._repr_html_()


def _markdown_parser():
    pytest.importorskip("markdown_it")
    pytest.importorskip("mdit_py_plugins")
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    return MarkdownIt("commonmark").use(dollarmath_plugin)


def _tokens(md_text):
    out = []

    def walk(toks):
        for tok in toks:
            out.append(tok)
            walk(tok.children or [])
    walk(_markdown_parser().parse(md_text))
    return out


def test_markdown_renders_with_a_math_plugin(worked, tmp_path):
    _, doc = worked
    files = doc.save(tmp_path / "worked.md")
    md = files[0].read_text(encoding="utf-8")
    toks = _tokens(md)
    blocks = [t for t in toks if t.type == "math_block"]
    assert len(blocks) == md.count("$$\n") // 2 and len(blocks) > 40
    assert all(t.content.count("{") == t.content.count("}") for t in toks if t.type.startswith("math"))
    # every $ was math: none is left over in the text
    assert not [t.content for t in toks if t.type == "text" and "$" in t.content]
    images = [t.attrs["src"] for t in toks if t.type == "image"]
    assert len(images) == 4 and all((tmp_path / src).is_file() for src in images)
    assert {f.name for f in files} == {"worked.md"} | set(images)
    html_out = _markdown_parser().render(md)
    assert '<div class="math block">' in html_out or "math block" in html_out
    assert "data:image/svg+xml;base64," in doc._repr_markdown_()         # the notebook's copy is whole


def _latex_checks(tex):
    assert tex.count("\\begin{") == tex.count("\\end{")
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([^}]*)\}", tex):
        if m.group(1) == "begin":
            stack.append(m.group(2))
        else:
            assert stack.pop() == m.group(2)
    assert not stack
    depth = 0
    i = 0
    while i < len(tex):                       # braces balance, escaped ones aside
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


def test_latex_is_well_formed_and_compiles_if_tex_is_installed(worked, tmp_path):
    _, doc = worked
    files = doc.save(tmp_path / "worked.tex")
    tex = files[0].read_text(encoding="utf-8")
    _latex_checks(tex)
    assert "\\begin{tikzpicture}" in tex                                 # the error curve
    pngs = [f for f in files if f.suffix == ".png"]
    assert len(pngs) == 3 and all(f"{{{f.name}}}" in tex for f in pngs)
    assert all(ord(ch) < 128 for ch in tex)                               # pdflatex takes it as it is
    engine = next((e for e in ("lualatex", "xelatex", "pdflatex") if shutil.which(e)), None)
    if engine is None:
        pytest.skip("no TeX engine installed (pdflatex, lualatex or xelatex): the LaTeX was only checked "
                    "for balanced groups and environments")
    r = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "worked.tex"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / "worked.pdf").stat().st_size > 10_000


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
    html5lib = pytest.importorskip("html5lib")
    net, doc = names_doc
    tree = html5lib.HTMLParser(strict=True).parse(doc.html())
    ns = {"h": "http://www.w3.org/1999/xhtml", "m": "http://www.w3.org/1998/Math/MathML"}
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
    toks = _tokens(md)
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
    _latex_checks(tex)
    assert r"\section*{Backpropagation worked out: \textless{}i\textgreater{}net\textless{}/i\textgreater{} " \
           r"\& \$\textbackslash{}beta\$}" in tex
    for name in USED:
        assert r"\text{" + tex_text(name) + "}" in tex, name
    assert "$x$" not in tex.replace(r"\$x\$", "")
    assert tex_text("a--b") == "a-{}-{}b" and tex_text("{}") == r"\{\}"


# -- the exercise -----------------------------------------------------------------------------

BLANK = re.compile(r"\\boxed\{\\;\\text\{\((\d+)\)\}\\;\}")


def _fillers(exercise_math, full_math):
    """(label, what the full text has where the exercise has blank number label), in reading order:
    everything else must be the same, character for character."""
    out = []
    for ex, full in zip(exercise_math, full_math):
        pieces = BLANK.split(ex)              # text, label, text, label, ..., text
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(pieces))
        m = re.fullmatch(pattern, full, re.S)
        assert m, (ex, full)
        out += list(zip([int(x) for x in pieces[1::2]], m.groups()))
    return out


def _number(filler):
    s = filler.strip()
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if "\\times 10^{" in s:
        m, e = s.split("\\times 10^{")
        return float(m) * 10 ** int(e.rstrip("}"))
    return float(s)


@pytest.mark.parametrize("label", ["worked-example", "skip"])
def test_exercise_blanks_are_exactly_where_the_key_has_answers(label):
    _, net, x, t, lr = next(c for c in cases() if c[0] == label)
    full = explain(net, x, t, lr=lr)
    ex = full.as_exercise()
    key = ex.answer_key
    assert key is not None and full.answer_key is None and ex.is_exercise
    from tinygraph.explanation import markdown as md_format

    def math(blanks):
        """The math of the exercise's blocks, with these blanks (none: the full numbers)."""
        text = md_format.render(ex.blocks, Style("md", blanks=blanks), lambda f: "x.svg", lambda f: "")
        return [tk.content for tk in _tokens(text) if tk.type.startswith("math")]
    ex_math, full_math = math(ex.blanks), math({})
    assert ex.markdown() == md_format.render(ex.blocks, Style("md", blanks=ex.blanks), ex._data_uri, str)
    assert len(ex_math) == len(full_math)
    fillers = _fillers(ex_math, full_math)
    labels = [lab for lab, _ in fillers]
    answers = ex.answers
    # the blanks are numbered in reading order, and each number has an answer in the key
    assert sorted(set(labels)) == list(range(1, len(answers) + 1)) == sorted(answers)
    assert [lab for i, lab in enumerate(labels) if lab not in labels[:i]] == sorted(set(labels))
    for lab, filler in fillers:                       # what the blank hides is the key's answer
        assert abs(_number(filler) - answers[lab]) <= 5e-10 + 1e-5 * abs(answers[lab])   # as written
    # the key: one entry per blank, each with the working that ends in the answer
    key_md = key.markdown()
    entries = re.findall(r"\*\*\\\((\d+)\\\)\*\* \$(.*?)\$, from:\n\n\$\$\n(.*?)\n\$\$", key_md, re.S)
    assert [int(n) for n, _, _ in entries] == sorted(answers)
    style = Style("md")
    for n, answer, working in entries:
        shown = Num(answers[int(n)], paren=False).tex(style)
        assert answer.endswith("=" + shown)
        assert shown in working
    # what is blank: every delta, gradient and new weight, nothing else
    kinds = {k[0] for k in ex.blanks}
    assert kinds == {"delta", "grad", "new"}
    assert not BLANK.search(full.markdown()) and not BLANK.search(key_md)
    # the pictures that would give the answers away are left out
    assert "network-backward" not in ex.markdown("files") and "network-after" not in ex.markdown("files")


def test_exercise_in_html_and_chosen_blanks(worked):
    _, doc = worked
    ex = doc.as_exercise(["error", "deltas"])
    kinds = {k[0] for k in ex.blanks}
    assert kinds == {"error", "delta"}
    page = ex.html()
    labels = sorted({int(x) for x in re.findall(r'class="blank" data-blank="(\d+)"', page)})
    assert labels == sorted(ex.answers) and len(labels) == 1 + 4     # E and the 4 deltas
    assert "0.298371109" not in page                                  # E is nowhere, not even in words
    assert "0.298371109" in ex.answer_key.html()
    assert set(CATEGORIES) >= {"deltas", "gradients", "new weights"}


# -- the error curve --------------------------------------------------------------------------


def test_error_curve_is_svg_with_a_log_axis_when_the_error_falls_far():
    errors = [0.3 * 0.98 ** k for k in range(1200)]
    c = Curve(errors, until=0.001)
    assert c.log and len(c.points) <= MAX_POINTS + 1
    doc = minidom.parseString(c.svg())
    assert doc.documentElement.tagName == "svg"
    assert len(doc.getElementsByTagName("polyline")) == 1
    assert "threshold 0.001" in c.svg() and "\\begin{tikzpicture}" in c.tikz()
    flat = Curve([0.5, 0.4, 0.35], until=0.3)
    assert not flat.log and flat.yticks[0][1] == "0"


def test_numbers_are_written_with_nine_decimals_or_as_powers_of_ten():
    assert number_text(0.29837110876) == ("", "0.298371109", None)
    assert number_text(0.35891647972) == ("", "0.35891648", None)
    assert number_text(-0.0000438568) == ("-", "4.38568", -5)
    assert number_text(12.0) == ("", "12", None) and number_text(0.0) == ("", "0", None)
    assert number_text(2.598e6) == ("", "2.598", 6)


# -- the command line -------------------------------------------------------------------------


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tinygraph", "explain", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_writes_each_format_and_the_exercise(tmp_path):
    r = run_cli("worked-example", "--format", "html", "--out", "w.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote w.html" in r.stdout and PUBLISHED["E"] in (tmp_path / "w.html").read_text(encoding="utf-8")
    r = run_cli("worked-example", "--exercise", "--out", "ex.md", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ex-key.md").is_file() and "answer key" in r.stdout
    assert "\\boxed" in (tmp_path / "ex.md").read_text(encoding="utf-8")
    r = run_cli("xor", "--out", "-", "--format", "tex", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("\\documentclass")
    r = run_cli("worked-example", "--out", "w.tex", "--format", "html", cwd=tmp_path)
    assert r.returncode == 2 and "drop one of them" in r.stderr


def test_cli_explains_a_saved_network_with_its_sample(tmp_path):
    net, x, t = skip_network()
    net.save(str(tmp_path / "skip.json"))
    r = run_cli("skip.json", "--out", "s.md", cwd=tmp_path)
    assert r.returncode == 2 and "--inputs x1=... x2=... --targets o=..." in r.stderr
    r = run_cli("skip.json", "--inputs", "x1=1", "x2=0.5", "--targets", "0.9", "--out", "s.md", "--lr", "0.1",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    md = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert r"\eta=0.1" in md and "skips a layer" in md
    r = run_cli("skip.json", "--inputs", "1,abc", "--targets", "0.9", cwd=tmp_path)
    assert r.returncode == 2 and "'abc' is not a number" in r.stderr
    r = run_cli("no-such-net", cwd=tmp_path)
    assert r.returncode == 2 and "worked-example" in r.stderr


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


@pytest.mark.parametrize("label", ["worked-example", "multiplier", "tanh-mlp", "skip"])
def test_every_format_is_well_formed_for_each_network(label):
    html5lib = pytest.importorskip("html5lib")
    _, net, x, t, lr = next(c for c in cases() if c[0] == label)
    doc = explain(net, x, t, lr=lr)
    for d in (doc, doc.as_exercise(), doc.as_exercise().answer_key):
        html5lib.HTMLParser(strict=True).parse(d.html())
        toks = _tokens(d.markdown("files"))
        assert not [tk.content for tk in toks if tk.type == "text" and "$" in tk.content]
        _latex_checks(d.latex())


def test_fixed_parameters_keep_their_values_and_biasless_neurons_have_no_theta():
    net = tg.Network("fixed")
    x = net.input("x")
    h = net.neuron("h", bias=0.2, train_bias=False)
    o = net.neuron("o", bias=None)
    net.connect(x, h, weight=0.5, trainable=False)
    net.connect(h, o, weight=-0.7)
    doc = explain(net, [1.0], [0.3])
    md = doc.markdown()
    assert r"Fixed (not trainable), so they keep their values: ${\theta}_{{\text{h}}}$ and " \
           r"${W}_{{\text{x}},{\text{h}}}$." in md
    assert r"{W}_{{\text{x}},{\text{h}}} \leftarrow" not in md
    assert r"{\theta}_{{\text{o}}}" not in md                         # o has no bias
    assert {k[0] for k in doc.as_exercise(["new weights"]).blanks} == {"new"}
    assert len(doc.as_exercise(["new weights"]).blanks) == 1          # only the one trainable weight
