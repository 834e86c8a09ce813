"""The one plotter (tinygraph/draw/plot.py): round ticks, short labels, and no label cut by the picture's edge."""

import math

import pytest

import tinygraph as tg
from tinygraph.draw.plot import Axis, ErrorCurve, Plot, svg_text, text_width, tick_label

from chromium import browser_test


def test_tick_labels_are_short_and_whole():
    assert [tick_label(v) for v in (0, 0.25, 0.001, 400, 19300, 1.93e4, 250000, 2.5e5, 1e-5, -0.5, 1e6)] == \
        ["0", "0.25", "0.001", "400", "19300", "19300", "2.5e5", "2.5e5", "1e-5", "-0.5", "1e6"]


def test_axes_pick_round_ticks_inside_or_at_their_ends():
    a = Axis(0.13, 0.92)
    assert [v for v, _ in a.ticks] == pytest.approx([0.2, 0.4, 0.6, 0.8]) and a.frac(0.13) == 0 and a.frac(0.92) == 1
    b = Axis(0.13, 0.92, nice=True)
    assert (b.lo, b.hi) == pytest.approx((0.0, 1.0)) and b.ticks[0][1] == "0" and b.ticks[-1][1] == "1"
    c = Axis(3e-6, 0.4, log=True, nice=True)
    assert c.log and [label for _, label in c.ticks] == ["1e-6", "1e-5", "0.0001", "0.001", "0.01", "0.1", "1"]
    assert c.frac(1e-4) == pytest.approx(2 / 6)
    d = Axis(3e-9, 0.4, log=True, nice=True)          # many decades: a tick every other one
    assert [label for _, label in d.ticks] == ["1e-9", "1e-7", "1e-5", "0.001", "0.1"] and d.hi == 1
    assert [v for v, _ in Axis(0, 2, whole=True).ticks] == [0, 1, 2]          # epochs: no half epochs
    assert [v for v, _ in Axis(0, 1199, whole=True).ticks] == [0, 250, 500, 750, 1000]
    flat = Axis(2.0, 2.0)                       # one number: a range around it, not a division by zero
    assert flat.lo < 2.0 < flat.hi and 0 < flat.frac(2.0) < 1


def test_the_plot_makes_room_for_its_widest_label():
    narrow = Plot(Axis(0, 10), Axis(0, 1), 360, 170, "epoch", "E")
    wide = Plot(Axis(0, 10), Axis(0, 19300, nice=True), 360, 170, "epoch", "E")
    assert wide.left >= text_width("20000", 11) + 5 > narrow.left
    assert wide.right == narrow.right and wide.x(10) == wide.right and wide.y(0) == wide.bottom


def test_error_curve_is_from_zero_or_logarithmic_and_holds_the_threshold():
    c = ErrorCurve([0.5, 0.4, 0.35], until=0.3)
    assert not c.log and c.yaxis.lo == 0 and c.yaxis.hi >= 0.5
    far = ErrorCurve([1.0 * 0.9 ** k for k in range(300)], until=1e-6, most=50)
    assert far.log and far.yaxis.lo <= 1e-6 and len(far.shown) <= 51 and far.shown[-1] == 299
    nan = ErrorCurve([1.0, float("nan"), 0.5])
    assert nan.shown == [0, 2]
    with pytest.raises(ValueError):
        ErrorCurve([float("inf")])


# every text of these pictures must lie inside its picture (measured by Chromium's own font)
_MEASURE = """
(() => [...document.querySelectorAll('svg')].filter(s => s.getAttribute('viewBox')).map(s => {
  const [x0, y0, w, h] = s.getAttribute('viewBox').split(' ').map(Number);
  return [...s.querySelectorAll('text')].filter(t => {
    const b = t.getBBox();
    return b.x < x0 - 0.5 || b.y < y0 - 0.5 || b.x + b.width > x0 + w + 0.5 || b.y + b.height > y0 + h + 0.5;
  }).map(t => (s.id || 'svg') + ': ' + t.textContent);
}).flat())()
"""


@browser_test
def test_no_axis_label_is_cut_by_the_edge_of_its_picture(browser, tmp_path):
    from tinygraph.explanation.curve import Curve
    net = tg.MLP([1, 3, 1], activation="tanh", output_activation="linear", seed=1)
    data = [([x * 1000.0], [19300 + 500 * math.sin(x)]) for x in range(-10, 11)]   # E about 1.93e4 .. 3.7e8
    h = tg.train(net, data, loss="mse", lr=1e-9, max_epochs=30, record=10, verbose=False)
    page = tmp_path / "run.html"
    tg.training_page(h).save(page)
    browser.open(page)
    assert browser.js(_MEASURE) == []
    pictures = [Curve([19300 + 10 * k for k in range(50)][::-1]).svg(),          # 1.93e4: five digits, linear
                Curve([3.7e8 * 0.7 ** k for k in range(60)], until=1.0).svg(),   # many decades
                Curve([-0.5, -0.2, 0.1]).svg()]                                  # below zero
    plot = Plot(Axis(-123456.0, 987654.0), Axis(-0.000123, 0.000456), 300, 200, "x", "y")
    pictures.append(svg_text(plot.svg(standalone=True)))
    other = tmp_path / "curves.html"
    other.write_text("<!DOCTYPE html><html><body>" + "".join(pictures) + "</body></html>", encoding="utf-8")
    browser.open(other)
    assert browser.js(_MEASURE) == []
