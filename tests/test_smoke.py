"""A first check that the package imports and the README example holds."""

import tinygraph as tg


def test_readme_example():
    a = tg.Node(2.0, name="a")
    b = tg.Node(-3.0, name="b")
    c = (a * b + 1.0).sigmoid()
    c.backward()
    assert abs(c.value - 0.0066928509242848554) < 1e-15
    s = c.value
    assert abs(a.grad - s * (1 - s) * -3.0) < 1e-15
    assert abs(b.grad - s * (1 - s) * 2.0) < 1e-15
