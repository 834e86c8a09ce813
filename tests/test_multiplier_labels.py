"""The multiplier's diagram: each weight's label can be matched to its edge at a glance
(labels_at="head": each weight's box stands in front of the neuron it leads into)."""

import shutil
import xml.etree.ElementTree as ET

import pytest

import tinygraph as tg
from tinygraph.demos import multiplier
from tinygraph.draw.dot import neuron_id, synapse_id

SVG = "{http://www.w3.org/2000/svg}"


def _centres(svg: str):
    """{id: (x, y)} of each node group (a neuron's ellipse, a weight box's polygon)."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        e = g.find(f"{SVG}ellipse")
        if e is not None:
            out[g.get("id")] = (float(e.get("cx")), float(e.get("cy")))
            continue
        p = g.find(f"{SVG}polygon")
        if p is not None:
            xy = [tuple(map(float, q.split(","))) for q in p.get("points").split()]
            out[g.get("id")] = (sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy))
    return out


def _stray_labels(labels_at: str):
    """The weights whose box is nearer another neuron of its neuron's column than its own."""
    net = multiplier.build_network()
    net.forward({"x": 3.0, "y": 4.0})
    c = _centres(tg.draw_network(net, labels_at=labels_at).svg())
    hidden = [n.name for n in net.hidden]
    stray = []
    for s in net.synapses:
        if s.dst.name not in hidden:
            continue
        bx, by = c[synapse_id(s.src.name, s.dst.name)]
        near = min(hidden, key=lambda h: (c[neuron_id(h)][0] - bx) ** 2 + (c[neuron_id(h)][1] - by) ** 2)
        if near != s.dst.name:
            stray.append(s.name)
    return stray


def test_labels_at_head_stand_in_front_of_their_own_neuron():
    assert _stray_labels("head") == []


@pytest.mark.skipif(shutil.which("dot") is None, reason="the default layout checked with Graphviz dot")
def test_labels_in_the_middle_are_where_graphviz_puts_them():
    # the default layout is kept for every other diagram; for the multiplier it strays
    assert _stray_labels("middle")


def test_the_multiplier_demo_draws_its_labels_at_the_head(tmp_path, monkeypatch):
    seen = {}
    from tinygraph.demos import output
    real = output.draw_network

    def spy(net, **kw):
        seen.update(kw)
        return real(net, **kw)
    monkeypatch.setattr(output, "draw_network", spy)          # where the demos draw from
    multiplier.run(out=tmp_path, fast=True)
    assert seen.get("labels_at") == "head"


def test_labels_at_is_checked():
    net = multiplier.build_network()
    with pytest.raises(tg.TinygraphError, match="labels_at"):
        tg.draw_network(net, labels_at="tail")
