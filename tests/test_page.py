"""Tests for tinygraph/draw/page.py: step frames and the step-player page."""

import re

import pytest

import tinygraph as tg
from test_steps import tangled
from tinygraph.draw.page import html_page, write_html
from tinygraph.formatting import fmt
from tinygraph.network_steps import network_steps
from tinygraph.steps import backprop_steps
from tinygraph.demos import worked_example
from tinygraph.draw.dot import HIGHLIGHT, HIGHLIGHT_FILL
from tinygraph.node import nodes_below


def worked():
    net, inputs, targets = worked_example.build()
    out = net.forward(inputs)
    return net, tg.squared_error(out, targets), inputs, targets


def test_network_frames_highlight_the_step_and_show_only_known_gradients():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    d7 = steps[6]                                        # delta of o1: nothing else known yet
    assert d7.kind == "output delta" and d7.highlight[0] is net["o1"] and d7.known == [net["o1"]]
    src = d7.diagram().source
    assert src.count("?") > 0                            # unknown gradients are blank
    last = steps[-1]
    assert set(last.known) >= set(net.parameters())
    assert last.diagram().source.count("?") < src.count("?")


def frame_neurons(step):
    """{neuron name: (circle radius, [texts])} in the step's rendered SVG frame."""
    import xml.etree.ElementTree as ET
    svg = "{http://www.w3.org/2000/svg}"
    out = {}
    for g in ET.fromstring(step.diagram().svg()).iter(svg + "g"):
        if re.fullmatch(r"n\d+", g.get("id") or ""):
            ts = [t.text or "" for t in g.iter(svg + "text")]
            out[ts[0]] = (float(next(g.iter(svg + "ellipse")).get("rx")), ts)
    return out


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
    gid = {n: f"g{i}" for i, n in enumerate(nodes_below(root))}     # draw_graph's numbering
    assert any(len(t.node.parents) == 2 for t in steps)
    for t in steps:                  # each step's box, and exactly its edges to its parents, highlighted
        source = t.diagram().source
        boxes = re.findall(rf'^  (g\d+) \[.*BGCOLOR="{HIGHLIGHT_FILL}"', source, re.M)
        assert boxes == [gid[t.node]], t
        thick = re.findall(rf'(g\d+) -> (g\d+)_op \[color="{HIGHLIGHT}", penwidth=3.5', source)
        assert sorted(thick) == sorted((gid[p], gid[t.node]) for p in t.node.parents), t


def test_page_escapes_user_names_and_stores_frames_once(tmp_path, steps_json, script_tag_network):
    bad = "<script>alert(1)</script>"
    net, h, steps = script_tag_network("</script><script>alert(2)</script>", out="o&amp;")
    assert h.name == bad
    page = html_page(steps, title=net.name)
    assert bad not in page and "alert(2)</script>" not in page
    assert page.count("<script") == 2                     # the JSON block and the player's own script
    data = steps_json(page)
    assert len(data) == len(steps)
    assert any(bad in d["text"] for d in data)           # the text survives, exactly, as data
    assert [d["text"] for d in data] == [str(s) for s in steps]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page   # in the SVG, as escaped text
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; step by step" not in page
    assert "<title>backprop through &lt;/script&gt;" in page or "<title>&lt;/script&gt;" in page
    size = write_html(tmp_path / "p.html", steps)
    assert size == (tmp_path / "p.html").stat().st_size


def test_page_is_self_contained(tmp_path):
    net, inputs, targets = worked_example.build()
    page = html_page(network_steps(net, inputs, targets))
    assert not re.search(r'\s(?:src|href)="(?:https?:)?//', page)      # nothing fetched from a network
    assert "@import" not in page and "url(http" not in page
    for key in ("ArrowRight", "ArrowLeft", "Home", "End", '"n"', '"p"'):
        assert key in page
    assert "step 1 of 34" in page


def test_wide_graph_frames_scroll_to_the_step_node():
    root, _ = tangled()
    page = html_page(list(backprop_steps(root)))
    frames = re.findall(r'<div class="frame[^"]*" data-frame="\d+"[^>]*>.*?</div>', page)
    assert len(frames) == len(list(backprop_steps(root)))
    assert all('class="hl"' in f for f in frames)          # each frame marks its highlighted node


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
    assert size > 10_000 and page.count('class="frame') >= 2 and "<use " in page


@pytest.mark.parametrize("name", ["worked-example", "three-bits"])
def test_network_page_frames_keep_every_neuron_in_place(name):
    """Labels that grow as numbers appear (edge labels, the highlighted bias, a legend wider than
    the drawing) must not move the neurons: one size, one place per neuron in every frame."""
    from tinygraph.demos import build_for_steps
    from tinygraph.draw.page import _svgs
    _, net, inputs, targets, _ = build_for_steps(name)
    svgs = _svgs(network_steps(net, inputs, targets))
    places, sizes = set(), set()
    for svg in svgs:
        sizes.add(re.search(r'<svg width="([^"]*)" height="([^"]*)"', svg).groups())
        tx, ty = map(float, re.search(r"translate\(([-0-9.]+) ([-0-9.]+)\)", svg).groups())
        found = re.findall(r'<g id="(n\d+)" class="node">.*?<ellipse[^>]*? cx="([-0-9.]+)" cy="([-0-9.]+)" '
                           r'rx="([0-9.]+)"', svg, re.S)
        assert len(found) == len(net.neurons)
        places.add(tuple((n, round(tx + float(x), 1), round(ty + float(y), 1), rx) for n, x, y, rx in found))
    assert len(places) == 1, places
    assert len({w for w, _ in sizes}) == 1, sizes      # heights may differ (legend rows): the player pads


def frame_edge_texts(step):
    """All texts of the step's rendered SVG frame."""
    import xml.etree.ElementTree as ET
    return [t.text or "" for t in ET.fromstring(step.diagram().svg()).iter("{http://www.w3.org/2000/svg}text")]


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
