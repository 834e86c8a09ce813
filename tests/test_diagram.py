"""Tests for tinygraph/draw/diagram.py: a Diagram hands its DOT text on."""

import tinygraph as tg


def test_a_diagram_hands_its_dot_text_to_the_graphviz_package():
    import graphviz
    d = tg.draw_graph(tg.Node(2.0, name="a") * 3.0)
    src = d.to_graphviz()
    assert isinstance(src, graphviz.Source)
    assert src.source == d.source
