"""Tests for tinygraph/stepping/page.py: step frames and the step-player page."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import tinygraph as tg
from tinygraph.stepping.page import html_page, write_html
from tinygraph.formatting import fmt
from tinygraph.stepping.narrative import network_steps
from tinygraph.stepping.steps import backprop_steps
from tinygraph.demos import worked_example
from tinygraph.draw.dot import neuron_id
from tinygraph.engine.node import nodes_below

from helpers import NAMES, SVG, box, frame_places, groups, lit, neuron_circles, shown_as, tangled, texts


def worked():
    net, inputs, targets = worked_example.build()
    out = net.forward(inputs)
    return net, tg.squared_error(out, targets), inputs, targets


def test_network_frames_highlight_the_step_and_show_only_known_gradients():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    d7 = steps[6]                                        # delta of o1: nothing else known yet
    assert d7.kind == "output delta" and d7.highlight[0] is net["o1"] and d7.known == [net["o1"]]
    g7 = groups(d7.diagram().svg())
    unknown = [t for t in texts(ET.fromstring(d7.diagram().svg())) if t.endswith("?")]
    assert unknown                                       # unknown gradients are blank
    assert neuron_id("o1") in lit(g7) and neuron_id("o2") not in lit(g7)
    last = [s for s in steps if s.kind == "update"][-1]
    assert set(last.known) >= set(net.parameters())
    assert len([t for t in texts(ET.fromstring(last.diagram().svg())) if t.endswith("?")]) < len(unknown)


def frame_neurons(step):
    """{neuron name: (circle radius, [texts])} in the step's rendered SVG frame."""
    return {name: (r, [t[0] for t in ts]) for name, (cx, cy, r, ts) in neuron_circles(groups(step.diagram().svg())).items()}


def test_forward_frames_show_only_the_values_computed_so_far():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    kinds = [s.kind for s in steps[:7]]
    assert kinds == ["input"] + ["forward"] * 4 + ["error", "output delta"]
    assert [s.subject.name for s in steps[1:5]] == ["h1", "h2", "o1", "o2"]
    frames = [frame_neurons(s) for s in steps[:7]]
    from tinygraph.draw.dot import number
    value = {n: f"= {number(net[n].value)}" for n in ["i1", "i2", "h1", "h2", "o1", "o2"]}
    order = ["h1", "h2", "o1", "o2"]
    for k, frame in enumerate(frames[:5]):           # step 1: the inputs; then one more neuron a step
        for n in ["i1", "i2"] + order[:k]:
            assert value[n] in frame[n][1], (k, n)
        for n in order[k:]:
            assert "= ?" in frame[n][1] and value[n] not in frame[n][1], (k, n)
    for frame in frames[5:]:                         # the error, then the backward pass: every value
        assert all(value[n] in frame[n][1] and "= ?" not in frame[n][1] for n in value)
    # the circles keep their size while the values appear
    radii = [{n: r for n, (r, _) in f.items()} for f in frames]
    assert all(r == radii[0] for r in radii)


def test_graph_frames_highlight_the_node_and_its_edges():
    root, _ = tangled()
    steps = list(backprop_steps(root))
    s = steps[2]
    assert s.known == [t.node for t in steps[:3]]
    diagram = s.diagram()
    assert isinstance(diagram, tg.Diagram) and diagram.source.startswith(("digraph", "strict"))
    num = {n: i for i, n in enumerate(nodes_below(root))}           # draw_graph's numbering
    assert any(len(t.node.parents) == 2 for t in steps)
    for t in steps:                  # each step's box, and exactly its edges to its parents, highlighted
        k = num[t.node]
        expected = {f"node-{k}"} | {f"operand-{k}-{i}" for i in range(len(t.node.parents))}
        graph = t.diagram().graph
        marked = {a["id"] for a in graph.nodes.values() if a.get("class") == "highlight"}
        marked |= {e.attrs["id"] for e in graph.edges if e.attrs.get("class") == "highlight"}
        assert marked == expected, t
        tails = {e.attrs["id"]: graph.nodes[e.tail]["id"] for e in graph.edges}
        assert sorted(tails[f"operand-{k}-{i}"] for i in range(len(t.node.parents))) == \
            sorted(f"node-{num[p]}" for p in t.node.parents)
    assert lit(groups(steps[-1].diagram().svg())) == {f"node-{num[steps[-1].node]}"} | {
        f"operand-{num[steps[-1].node]}-{i}" for i in range(len(steps[-1].node.parents))}


def test_page_escapes_user_names_and_stores_frames_once(tmp_path, steps_json, script_tag_network):
    bad = "<script>alert(1)</script>"
    net, h, steps = script_tag_network("</script><script>alert(2)</script>", out="o&amp;")
    assert h.name == bad
    page = html_page(steps, title=net.name)
    assert bad not in page and "alert(2)</script>" not in page
    assert page.count("<script") == 3                     # two JSON blocks and the player's own script
    data = steps_json(page)
    assert len(data) == len(steps)
    assert any(bad in d["text"] for d in data)           # the text survives, exactly, as data
    assert [d["text"] for d in data] == [str(s) for s in steps]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page   # in the SVG, as escaped text
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; step by step" not in page
    assert "<title>backprop through &lt;/script&gt;" in page or "<title>&lt;/script&gt;" in page
    size = write_html(tmp_path / "p.html", steps)
    assert size == (tmp_path / "p.html").stat().st_size


class Page(HTMLParser):
    """What a step-player page holds: the attributes of every element, the text of every SVG <text>."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.elements, self.svg_texts, self.heading, self._in = [], [], "", None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("text", "h1"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag == "text" and self._in == "text":
            self.svg_texts.append(self._text.replace("\xa0", " "))
        elif tag == "h1" and self._in == "h1":
            self.heading = self._text
        self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def test_page_is_self_contained(tmp_path):
    net, inputs, targets = worked_example.build()
    page = html_page(network_steps(net, inputs, targets))
    for tag, attrs in Page(page).elements:                              # nothing fetched from a network
        for k in ("src", "href", "xlink:href"):
            assert not attrs.get(k, "").startswith(("http:", "https:", "//")), (tag, attrs)
    assert "@import" not in page and "url(http" not in page
    for key in ("ArrowRight", "ArrowLeft", "Home", "End", '"n"', '"p"'):
        assert key in page
    assert "step 1 of 37" in page


def test_graph_frames_share_one_layout(engine):
    """The walk's frames of a computation graph: one picture in the page, each frame a choice of parts
    (with either engine: graphviz-pure is what a plain pip install draws with)."""
    root, _ = tangled()
    steps = list(backprop_steps(root))
    page = html_page(steps)
    assert page.count('<div class="frame"') == 1
    assert page.count('<use data-s=') == page.split('<div class="frame"')[1].count("<use ")
    assert 'class="highlight"' in page.split('<div class="frame"')[1]       # the first step's node is lit


def test_page_with_the_bundled_graphviz_pure_engine(tmp_path, monkeypatch):
    from tinygraph.draw import find_engine
    from tinygraph.errors import RenderError
    try:
        find_engine("graphviz-pure")
    except RenderError as e:
        pytest.skip(f"graphviz-pure not installed: {e}")
    monkeypatch.setenv("TINYGRAPH_DOT", "graphviz-pure")
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    size = write_html(tmp_path / "pure.html", steps)
    page = (tmp_path / "pure.html").read_text(encoding="utf-8")
    assert size > 10_000 and page.count('class="frame') >= 1 and "<use " in page


@pytest.mark.parametrize("name", ["worked-example", "three-bits", "multiplier"])
def test_network_page_frames_keep_every_neuron_in_place(name, engine):
    """Labels that grow as numbers appear (edge labels, the highlighted bias, a legend wider than
    the drawing, new weights after an update) must not move the neurons: one size, one place
    per neuron and per weight box in every frame, and every frame the same size."""
    from tinygraph.demos import build_for_steps
    from tinygraph.stepping.page import _svgs
    _, net, inputs, targets, lr = build_for_steps(name)
    places = frame_places(_svgs(network_steps(net, inputs, targets, lr=lr)))
    assert len({p for p in places}) == 1, {p for p in places}
    assert len([k for k in places[0][1] if k[0].startswith("neuron-")]) == len(net.neurons)
    assert len([k for k in places[0][1] if k[0].startswith("synapse-")]) == len(net.synapses)


def test_graph_page_frames_keep_every_node_in_place(engine):
    from tinygraph.stepping.page import _svgs
    root, _ = tangled()
    places = frame_places(_svgs(list(backprop_steps(root))))
    assert len(set(places)) == 1
    assert len([k for k in places[0][1] if k[0].startswith("node-")]) == len(list(nodes_below(root)))


def test_network_graph_walk_page_keeps_the_neuron_boxes(engine):
    """The backward walk through a network's loss graph: one layout for every frame, and the boxes
    drawn round each neuron's nodes (Graphviz clusters) are in the page as in every frame drawn alone."""
    net, E, _, _ = worked()
    steps = list(backprop_steps(E))
    alone = steps[3].diagram().svg().count('class="cluster"')
    assert alone == len(net.neurons) - len(net.inputs)
    page = html_page(steps)
    assert page.count('<div class="frame"') == 1
    assert page.count('class="cluster"') == alone


def _fixed_cells(source):
    """(HEIGHT, CELLPADDING, the cell's markup) of every cell of fixed height in a DOT text's labels."""
    import re
    out = []
    for table in re.finditer(r"<TABLE([^>]*)>(.*?)</TABLE>", source, re.S):
        pad = re.search(r'CELLPADDING="([0-9.]+)"', table.group(1))
        for cell in re.finditer(r"<TD([^>]*)>(.*?)</TD>", table.group(2), re.S):
            h = re.search(r'HEIGHT="([0-9.]+)"', cell.group(1))
            if h:
                out.append((float(h.group(1)), float(pad.group(1)) if pad else 2.0, cell.group(2)))
    return out


def test_fixed_height_cells_hold_only_text_of_a_known_size():
    """A cell of fixed height keeps its frame's layout only if no engine measures what it holds as
    taller: every text in it, a blank too, is set in an explicit size that fits (a line is 1.2 x
    the size).  A blank in the default font (14 pt on an edge) is what made graphviz-pure's frames
    of one graph part by a point."""
    import re
    net, E, inputs, targets = worked()
    sources = [s.diagram().source for s in backprop_steps(E)]
    sources += [s.diagram().source for s in network_steps(net, inputs, targets)]
    cells = [c for src in sources for c in _fixed_cells(src)]
    assert len(cells) > 100
    for height, pad, markup in cells:
        outside = re.sub(r"<FONT[^>]*>.*?</FONT>", "", markup, flags=re.S)
        assert re.sub(r"<[^>]+>", "", outside) == "", f"text in the default font: {markup!r}"
        for size in re.findall(r'<FONT[^>]*POINT-SIZE="([0-9.]+)"', markup):
            assert 1.2 * float(size) + 2 * pad <= height, (height, pad, markup)


def test_a_page_is_laid_out_in_a_few_graphviz_runs(monkeypatch):
    """Every distinct frame is laid out once, many frames to one run of the engine."""
    import tinygraph.draw.render as render
    from tinygraph.stepping.page import _svgs
    runs = []
    real = render._run
    monkeypatch.setattr(render, "_run", lambda eng, src, fmt, t: runs.append(src.count("digraph ")) or
                        real(eng, src, fmt, t))
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    svgs = _svgs(steps)
    assert len(svgs) == len(steps) == 37
    assert sum(runs) == len({s.diagram().source for s in steps}) and len(runs) <= 4


def test_page_draws_every_name_exactly(engine):
    """A step page of a network with awkward names (helpers.NAMES): each drawn in the frames
    exactly as given, the network's name in the title too."""
    net = tg.Network(NAMES[0][0])
    x = net.input(NAMES[1][0])
    o = net.neuron(NAMES[2][0], activation="linear", bias=None)
    hidden = NAMES[3:]
    for k, (name, _) in enumerate(hidden):
        h = net.neuron(name, bias=0.1)
        net.connect(x, h, weight=0.1 * k)
        net.connect(h, o, weight=0.5)
    steps = network_steps(net, {NAMES[1][0]: 1.0}, {NAMES[2][0]: 0.5})
    page = Page(html_page(steps))
    for name, text in NAMES[1:]:
        assert shown_as(page.svg_texts, text), (name, text)
    assert page.heading == f"backprop through {NAMES[0][0]}, step by step"


def frame_edge_texts(step):
    """All texts of the step's rendered SVG frame."""
    return texts(ET.fromstring(step.diagram().svg()))


@pytest.mark.parametrize("apply", [False, True])
def test_update_frames_show_the_new_weights_made_so_far(apply):
    from tinygraph.draw.dot import number
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, apply=apply)
    ups = [s for s in steps if s.kind == "update"]
    old = {s.subject: s.subject.value if not apply else None for s in ups}
    first, second = ups[0].subject, ups[1].subject
    before = dict(zip([s.subject for s in ups], [s.numbers.split(" - ")[0] for s in ups]))
    assert before[first] == fmt(0.15) and before[second] == fmt(0.2)      # w1, w2 of the text
    texts = " ".join(frame_edge_texts(ups[0]))
    assert number(ups[0].number) in texts                                   # w1 drawn with its new value
    assert number(0.2) in texts and number(ups[1].number) not in texts      # w2 not updated yet
    texts = " ".join(frame_edge_texts(ups[1]))
    assert number(ups[0].number) in texts and number(ups[1].number) in texts
    grad_frame = " ".join(frame_edge_texts(steps[ups[0].index - 2]))       # before the update: old weights
    assert number(0.15) in grad_frame and number(ups[0].number) not in grad_frame
    # drawing changes nothing in the real network: old weights, or the new ones with apply=True
    for s in ups:
        assert s.subject.value == (s.number if apply else old[s.subject])


@pytest.mark.parametrize("name, error, says", [
    ("", ValueError, "no file name"),
    (" \t", ValueError, "no file name"),
    ("pics", IsADirectoryError, "it is a folder"),
    ("nope/steps.html", FileNotFoundError, "does not exist"),
    ("file.txt/steps.html", NotADirectoryError, "is a file, not a folder"),
    ("steps", ValueError, "no suffix"),
    ("steps.svg", ValueError, "suffix '.svg' is not one of .html"),
])
def test_write_html_to_a_bad_place_says_what_is_wrong_before_drawing(tmp_path, monkeypatch, name, error, says):
    import tinygraph.stepping.page as page
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pics").mkdir()
    (tmp_path / "file.txt").write_text("mine")
    monkeypatch.setattr(page, "html_page", lambda *a, **k: pytest.fail("drew the page for a bad place"))
    net, inputs, targets = worked_example.build()
    with pytest.raises(error, match=says) as e:
        write_html(name, network_steps(net, inputs, targets))
    assert "--html" not in str(e.value)                  # the library's words, not the command line's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "pics"]


def test_a_failed_write_html_leaves_the_old_page(tmp_path, monkeypatch):
    import tinygraph.stepping.page as page
    old = tmp_path / "steps.html"
    old.write_text("my page")

    def broken(*a, **k):
        raise tg.RenderError("the engine failed")
    monkeypatch.setattr(page, "html_page", broken)
    net, inputs, targets = worked_example.build()
    with pytest.raises(tg.RenderError):
        write_html(old, network_steps(net, inputs, targets))
    assert old.read_text() == "my page"
    assert [p.name for p in tmp_path.iterdir()] == ["steps.html"]          # no temporary file left


def expected_lit(step):
    """The SVG ids a network step's frame must highlight: each Neuron, Synapse and Bias of
    step.highlight (a highlighted bias is drawn, and marked, inside its neuron)."""
    from tinygraph.draw.dot import synapse_id
    from tinygraph.networks.network import Bias, Neuron, Synapse
    out = set()
    for x in step.highlight:
        if isinstance(x, Neuron):
            out.add(neuron_id(x.name))
        elif isinstance(x, Synapse):
            out.add(synapse_id(x.src.name, x.dst.name))
        elif isinstance(x, Bias):
            out.add(neuron_id(x.neuron.name))
        else:
            raise AssertionError(f"{step!r} highlights {x!r}, which a network drawing does not draw")
    return out


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in ("moons", "digits") else n
                                  for n in sorted(__import__("tinygraph.demos", fromlist=["x"]).step_networks())])
def test_every_frame_highlights_exactly_what_its_formula_reads(name):
    """For every step of every demo network: the SVG elements with the class "highlight" are
    exactly the neurons, synapses and biases of step.highlight (the subject and what its formula
    reads); a synapse drawn as a weight box is lit on its box and on both halves of its line."""
    from tinygraph.demos import build_for_steps
    from tinygraph.stepping.page import _svgs
    _, net, inputs, targets, lr = build_for_steps(name)
    steps = network_steps(net, inputs, targets, lr=lr)
    for step, svg in zip(steps, _svgs(steps)):            # all frames of a network in a few batched runs
        g = groups(svg)
        marked = lit(g)
        want = expected_lit(step)
        # a big layer's weights are one heat-map node ("weights-A-B") whose cells are the synapses
        # (id synapse-SRC-DST inside it): the node is lit exactly when it holds a synapse to light
        # (and a picture of pixel inputs, "pixels", whose cells are the input neurons)
        for k in [k for k in g if k.startswith("weights-") or k == "pixels"]:
            cells = {c.get("id") for c in g[k].iter(SVG + "g")
                     if (c.get("id") or "").startswith(("synapse-", "neuron-"))}
            assert (k in marked) == bool(cells & want), (step.index, k, sorted(cells & want))
            marked.discard(k)
            marked |= cells & want
        base = {k[:-5] if k.endswith(("-tail", "-head")) else k for k in marked}
        assert base == want, (step.index, step.kind, str(step), sorted(base ^ want))
        for k in marked:                                  # a lit line belongs to a lit synapse, both halves
            if k.endswith(("-tail", "-head")):
                assert {k[:-5] + "-tail", k[:-5] + "-head"} <= marked, (step.index, k)


def test_a_quiz_on_a_softmax_layers_last_net_input_hides_the_probabilities_it_gives():
    from tinygraph.stepping.page import _drawers
    net = tg.MLP([2, 2, 3], output_activation="softmax", seed=1)
    steps = tg.network_steps(net, [0.5, 0.2], {"o1": 0.0, "o2": 1.0, "o3": 0.0})
    draws, frame, question, _ = _drawers(steps, quiz=True)
    k = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.subject is net["o3"])
    asked = draws[question[k]].__self__                  # the question's frame: net_o3 not known yet
    assert {n.name for n in asked.known_values} == {"x1", "x2", "h1", "h2"}
    assert {n.name for n in draws[frame[k]].__self__.known_values} >= {"o1", "o2", "o3"}   # the answer's frame
    h2 = next(i for i, s in enumerate(steps) if s.kind == "forward" and s.subject is net["h2"])
    assert {n.name for n in draws[question[h2]].__self__.known_values} == {"x1", "x2", "h1"}
