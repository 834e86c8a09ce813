"""The one SVG sanitizer (tinygraph/draw/svg.py): the same hostile pictures are refused by every page type."""

import http.client
import json

import pytest

import tinygraph as tg
from tinygraph.draw.svg import checked_svg, inline_svg
from tinygraph.errors import RenderError

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "SCRIPT in capitals": "<SCRIPT>alert(1)</SCRIPT>",
    "ScRiPt in mixed case": "<g><ScRiPt>alert(1)</ScRiPt></g>",
    "script in the XHTML namespace": '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
    "onload": '<g onload="alert(1)"/>',
    "ONCLICK in capitals": '<rect width="5" height="5" ONCLICK="alert(1)"/>',
    "javascript: href": '<a href="javascript:alert(1)"><text>x</text></a>',
    "javascript: xlink:href with a tab and capitals": '<a xlink:href=" JaVa&#9;Script:alert(1)"><text>x</text></a>',
    "foreignObject": "<foreignObject><div>x</div></foreignObject>",
    "foreignobject in lower case": "<foreignobject/>",
    "handler": '<handler type="text/ecmascript">alert(1)</handler>',
    "listener": '<listener event="click" handler="#h"/>',
    "xlink:href to data:": '<image xlink:href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="5" height="5"/>',
    "use of a data: URL": '<use href="data:image/svg+xml,&lt;svg&gt;&lt;/svg&gt;#x"/>',
    "a set animating href": '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>',
    "an animation of an event attribute": '<animate attributeName="onbegin" values="alert(1)"/>',
    "iframe": '<iframe src="https://example.org"/>',
    "embed": '<embed src="x.swf"/>',
    "object": '<object data="x.html"/>',
}
EVIL = [OPEN + body + "</svg>" for body in HOSTILE.values()]


def test_each_hostile_picture_is_refused_and_says_what_it_holds():
    for (what, body), svg in zip(HOSTILE.items(), EVIL):
        with pytest.raises(RenderError, match="refusing"):
            checked_svg(svg)
        with pytest.raises(RenderError, match="refusing"):
            inline_svg(svg)
    with pytest.raises(RenderError, match="not well-formed"):
        checked_svg("<svg><unclosed></svg>")
    with pytest.raises(RenderError, match="must be an <svg>"):
        checked_svg('<html xmlns="http://www.w3.org/1999/xhtml"/>')


def test_harmless_pictures_pass_names_stay_text_and_ids_get_their_prefix():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = (OPEN + '<!-- a comment --><g id="neuron-javascript:x" class="node"><title>javascript:x</title>'
           f'<image href="{png}" width="1" height="1"/><use xlink:href="#neuron-javascript:x"/>'
           '<path clip-path="url(#c)" d="M0 0"/><text>&lt;script&gt;</text></g></svg>')
    out = inline_svg(svg, "b-")
    assert 'id="b-neuron-javascript:x"' in out and 'xlink:href="#b-neuron-javascript:x"' in out
    assert 'clip-path="url(#b-c)"' in out and png in out
    assert "&lt;script&gt;" in out and "<script" not in out and "comment" not in out
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"')


# -- every page type ---------------------------------------------------------------------------


def _step_player(svg, monkeypatch):
    from tinygraph.draw.player import player_html
    return player_html([svg], [{"text": "a step"}])


def _training_page(svg, monkeypatch):
    import tinygraph.draw.training_page as page
    net = tg.MLP([2, 2, 1], activation="tanh", output_activation="sigmoid", seed=0)
    data = [([0.0, 0.0], [0.0]), ([1.0, 0.0], [1.0]), ([0.0, 1.0], [1.0]), ([1.0, 1.0], [0.0])]
    history = tg.train(net, data, lr=0.5, max_epochs=4, record=2, verbose=False)
    monkeypatch.setattr(page, "shared_frames", lambda draws, progress=False: [svg] * len(draws))
    return tg.training_page(history).html


def _explanation(svg, monkeypatch):
    from tinygraph.demos import build_for_steps
    from tinygraph.explanation.document import Explanation
    _, net, x, t, lr = build_for_steps("worked-example")
    monkeypatch.setattr(Explanation, "_svg", lambda self, fig: svg)
    doc = tg.explain(net, x, t, lr=lr)
    page = doc.html()
    if "refusing to put an SVG" not in page:
        raise AssertionError("the explanation neither refused the picture nor said why it left it out")
    from tinygraph.explanation.html import SCRIPT
    own = f"<script>{SCRIPT}</script>"
    assert page.count("<script") == 1 and own in page   # the page's own fit script, and no other
    raise RenderError(page.replace(own, ""))  # the page was written without the picture: check what is in it


def _playground(svg, monkeypatch):
    from tinygraph.demos import build_for_steps
    from tinygraph.draw.diagram import Diagram
    from tinygraph.playground import play
    _, net, x, t, lr = build_for_steps("worked-example")
    monkeypatch.setattr(Diagram, "svg", lambda self, engine=None: svg)
    server = play(net, x, t, lr=lr, open_browser=False)
    try:
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        c.request("POST", "/api/state", body=json.dumps({"session": "s" * 24}).encode(),
                  headers={"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
                           "X-Tinygraph-Token": server.token})
        r = c.getresponse()
        text = r.read().decode()
        c.close()
    finally:
        server.stop()
    if r.status == 400 and "refusing" in json.loads(text)["error"]:
        raise RenderError(text)
    return text


PAGES = {"step player": _step_player, "training page": _training_page, "explanation": _explanation,
         "playground": _playground}


@pytest.mark.parametrize("page", list(PAGES))
def test_the_same_hostile_pictures_are_refused_by_every_page_type(page, monkeypatch):
    for what, svg in zip(HOSTILE, EVIL):
        with pytest.raises(RenderError) as refused:
            PAGES[page](svg, monkeypatch)
        said = str(refused.value).lower()
        # whatever the page wrote or said, the hostile part is not in it as markup
        for bad in ("<script", "onload=", "onclick=", "javascript:alert", "<foreignobject", "<handler",
                    "<listener", "data:image/svg", "<iframe", "<embed", "<object"):
            assert bad not in said, (page, what, bad)


def test_a_url_is_compared_without_exactly_the_characters_a_browser_skips():
    """The fast form of _bare drops what the character-by-character definition drops, no more."""
    from tinygraph.draw.svg import _bare

    def by_char(url):
        return "".join(c for c in url if not c.isspace() and ord(c) >= 32).lower()
    odd = ["java\tscript:x", "JaVa\x00Script:", " #a", "a\u2028b\u3000c\xa0d\x85e", "\x1fjava\x7fscript:",
           "\u200bjavascript:", "10,20 30,40 50,60", "e\u0301\x0bf\x1cg", "", "\U0001F600 x\x08"]
    for url in odd + ["".join(chr(c) for c in range(0, 0x3100, 7))]:
        assert _bare(url) == by_char(url), repr(url)
