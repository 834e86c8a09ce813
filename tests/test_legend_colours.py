"""Colour words in the legends name the colours drawn (a learner reads "orange" and looks for orange)."""

import colorsys

from tinygraph.draw import colours
from tinygraph.draw.network import _LEGEND_ENTRIES


def colour_name(hex_colour: str) -> str:
    """The everyday name of a colour, from its hue (grey when it has almost no saturation)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    if s < 0.15:
        return "grey"
    deg = h * 360
    for name, top in (("red", 12), ("orange", 40), ("yellow", 70), ("green", 165), ("blue", 250),
                      ("purple", 330), ("red", 360)):
        if deg < top:
            return name
    return "red"


def test_colour_name_tells_apart_the_colours_it_is_asked_about():
    assert [colour_name(c) for c in ("#FF0000", "#D55E00", "#0072B2", "#999999", "#F0E442")] == \
        ["red", "orange", "blue", "grey", "yellow"]


def test_each_legend_word_names_the_colour_drawn():
    drawn = {key: colour for key, _, colour, _ in _LEGEND_ENTRIES if colour is not None}
    drawn["yellow"] = colours.HIGHLIGHT_FILL                       # "yellow: this step" is the highlight
    words = {key: sym for key, sym, _, _ in _LEGEND_ENTRIES}
    assert drawn.keys() >= {"positive", "negative", "zero", "yellow"}
    for key, colour in drawn.items():
        assert words[key] == colour_name(colour), (key, words[key], colour)
