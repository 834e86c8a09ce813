"""The explain page in Chromium: printed to A4 and read on a phone, no equation block is cut off."""

from pathlib import Path

import pytest

import tinygraph as tg
from chromium import browser_test

#: overflowing blocks: an equation or a paragraph whose content is wider than its box
CUT = """(() => [...document.querySelectorAll('.tinygraph-explain .eq, .tinygraph-explain p')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).length)()"""


def _wide_network():
    """A hidden neuron feeding ten outputs: its delta sums ten terms, a long line."""
    net = tg.Network("wide")
    net.input("x1"), net.input("x2")
    net.neuron("h", activation="sigmoid", bias=0.35)
    net.connect("x1", "h", weight=0.15)
    net.connect("x2", "h", weight=-0.2)
    for k in range(10):
        net.neuron(f"out_{k}", activation="sigmoid", bias=0.6)
        net.connect("h", f"out_{k}", weight=0.4 - 0.0731 * k)
    return net


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    net = _wide_network()
    doc = tg.explain(net, {"x1": 0.05, "x2": 0.1}, {f"out_{k}": 0.01 * k for k in range(10)}, pictures=False)
    path = tmp_path_factory.mktemp("explain") / "wide.html"
    doc.save(str(path))
    return path


def _look(browser, path: Path, width: int, media: str) -> int:
    browser.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                 mobile=width < 600)
    browser.call("Emulation.setEmulatedMedia", media=media)
    try:
        browser.open(path)
        return browser.js(CUT)
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")
        browser.call("Emulation.clearDeviceMetricsOverride")


@browser_test
def test_no_equation_is_cut_off_on_a_phone(browser, page):
    assert _look(browser, page, 400, "screen") == 0


@browser_test
def test_no_equation_is_cut_off_printed_to_a4(browser, page):
    # A4 is 210 mm wide; with the page's 15 mm margins 180 mm (680 px at 96 px/inch) are printed
    assert _look(browser, page, 680, "print") == 0
    pdf = browser.call("Page.printToPDF", preferCSSPageSize=True)["data"]
    assert len(pdf) > 1000                 # it prints (with the page's own @page size: A4)
