"""The HTML step player: one self-contained page that steps through SVG frames.

``player_html(frames, steps, title)`` returns the page as text: every distinct
frame once, inline as SVG markup; the steps (their text and which frame each
shows) as JSON inside ``<script type="application/json">``; buttons and keys
(right/left arrow or n/p, Home/End) for next, previous, first and last; the
step's line and "step i of N" under the picture.  It needs no network: no
external scripts, fonts or style sheets.

Safety: user-named things (neuron names, titles) reach the page only as
escaped text.  Titles go through ``html.escape``; step text travels as JSON
with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc. (so no ``</script>``
can end the block) and is shown with ``textContent``; the SVG, which
Graphviz has already XML-escaped, is checked to hold no script, event
handler, foreign object or javascript: link before it is embedded.

In the page each frame is a small ``<svg>`` of ``<use>`` references to parts
(a neuron, a synapse's box or line, the legend) stored once in a hidden
``<defs>``: a part keeps the id Graphviz gave it (``neuron-h1``) as
``data-id`` (a frame may show the same neuron in another state, and ids must
be unique in a page), and a ``<use>`` of a highlighted part has the class
``highlight``.  Everything is read and rewritten as parsed XML (ElementTree).
"""

from __future__ import annotations

import copy
import html
import json
import string
import xml.etree.ElementTree as ET
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ..errors import RenderError
from .dot import HIGHLIGHT_CLASS

__all__ = ["player_html"]

_FORBIDDEN = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("xlink", XLINK_NS)      # the conventional prefix, so links serialize as xlink:href


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _bare(url: str) -> str:
    """``url`` in lower case without the blanks and control characters a browser would skip."""
    return "".join(c for c in url if not c.isspace() and ord(c) >= 32).lower()


def _parse_checked(svg: str) -> ET.Element:
    """Parse ``svg`` and make sure it holds nothing that could run code; drop <title> tooltips
    and whitespace-only text."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        raise RenderError(f"the diagram's SVG is not well-formed XML ({e}); cannot embed it") from None
    if _local(root.tag) != "svg":
        raise RenderError(f"a frame must be an <svg> document, got <{_local(root.tag)}>")
    for el in list(root.iter()):
        for child in list(el):
            if isinstance(child.tag, str) and _local(child.tag) == "title":
                el.remove(child)
        if not isinstance(el.tag, str):
            continue
        if _local(el.tag) in _FORBIDDEN:
            raise RenderError(f"refusing to embed an SVG that holds a <{_local(el.tag)}> element")
        for k, v in el.attrib.items():
            name = _local(k)
            if name.startswith("on"):
                raise RenderError(f"refusing to embed an SVG with an event handler attribute {name!r}")
            if name == "href" and _bare(v).startswith(("javascript:", "data:")):
                raise RenderError("refusing to embed an SVG with a javascript:/data: link")
        if el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    return root


_FONT_CHARS = frozenset(string.ascii_letters + string.digits + " ,_-")


def _safe_font(name: str) -> bool:
    """A font-family that can go into the page's style sheet as it is (letters, digits, ' ,_-')."""
    return 0 < len(name) <= 80 and all(c in _FONT_CHARS for c in name)


def _attrs(el: ET.Element, keep_id: bool = False, fonts: Optional[Dict[str, str]] = None,
           anchor: Optional[str] = None) -> str:
    """The element's attributes as markup.  With ``fonts``, a (safe) font-family becomes a
    class shared through the page's style sheet; text-anchor equal to the ``anchor`` it would
    inherit anyway is dropped (both are repeated on every label Graphviz writes)."""
    out = []
    classes = []
    for k, v in el.attrib.items():
        if k.startswith("{"):
            ns, name = k[1:].split("}", 1)
            k = f"xlink:{name}" if ns == XLINK_NS else name
        if k == "id" and not keep_id:
            continue
        if k == "font-family" and fonts is not None and _safe_font(v):
            classes.append(fonts.setdefault(v, f"tgf{len(fonts)}"))
            continue
        if k == "text-anchor" and v == anchor:
            continue
        if k == "class":
            classes.insert(0, v)
            continue
        out.append(f' {k}="{html.escape(v, quote=True)}"')
    if classes:
        out.insert(0, f' class="{html.escape(" ".join(classes), quote=True)}"')
    return "".join(out)


def _markup(el: ET.Element, out: List[str], fonts: Optional[Dict[str, str]] = None,
            anchor: Optional[str] = None) -> None:
    """Serialize ``el`` as SVG markup for an HTML page (text and attributes escaped)."""
    tag = el.tag.rsplit("}", 1)[-1]
    out.append(f"<{tag}{_attrs(el, True, fonts, anchor)}")
    if el.text is None and not len(el):
        out.append("/>")
        return
    out.append(">")
    if el.text:
        out.append(html.escape(el.text, quote=False))
    inner = anchor if "text-anchor" not in el.attrib else None   # set here: keep the children's own
    for c in el:
        _markup(c, out, fonts, inner)
        if c.tail:
            out.append(html.escape(c.tail, quote=False))
    out.append(f"</{tag}>")


class _FrameStore:
    """Frames as small <svg>s of <use> references to parts stored once.

    Successive frames of one network differ in a few nodes or edges, so each
    distinct node/edge group is kept once in a hidden <defs> block and a frame
    lists which parts it shows, in order.  It is still plain SVG markup, no script.
    """

    def __init__(self) -> None:
        self.ids: Dict[str, str] = {}
        self.defs: List[str] = []
        self.fonts: Dict[str, str] = {}

    @staticmethod
    def _stored(el: ET.Element, pid: str) -> ET.Element:
        """A copy of the part ``el`` to keep under the id ``pid``: its own id becomes ``data-id``,
        ids inside it (and references to them) get the prefix ``pid-`` so they stay unique."""
        el = copy.deepcopy(el)
        if "id" in el.attrib:
            el.set("data-id", el.attrib.pop("id"))
        for sub in el.iter():
            for k, v in list(sub.attrib.items()):
                if k == "id" and sub is not el:
                    sub.set(k, f"{pid}-{v}")
                elif _local(k) == "href" and v.startswith("#"):
                    sub.set(k, f"#{pid}-{v[1:]}")
                elif "url(#" in v:
                    sub.set(k, v.replace("url(#", f"url(#{pid}-"))
        return el

    def _part(self, el: ET.Element, anchor: Optional[str]) -> str:
        out: List[str] = []
        _markup(el, out, self.fonts, anchor)
        text = "".join(out)
        pid = self.ids.get(text)
        if pid is None:
            pid = self.ids[text] = f"tgp{len(self.defs)}"
            body: List[str] = []
            _markup(self._stored(el, pid), body, self.fonts, anchor)
            self.defs.append(f'<g id="{pid}">{"".join(body)}</g>')
        if HIGHLIGHT_CLASS in el.get("class", "").split():   # the page scrolls the step's part into view
            return f'<use href="#{pid}" class="{HIGHLIGHT_CLASS}"/>'
        return f'<use href="#{pid}"/>'

    def add(self, svg: str) -> Tuple[str, float]:
        """The markup of one frame, and its width in points (0 if it does not say)."""
        root = _parse_checked(svg)
        inner = []
        # text-anchor="start" is the default; it may be dropped where nothing above sets another
        top = None if "text-anchor" in root.attrib else "start"
        for child in root:
            if _local(child.tag) == "g" and len(child):
                anchor = None if "text-anchor" in child.attrib else top
                inner.append(f"<g{_attrs(child)}>" + "".join(self._part(c, anchor) for c in child) + "</g>")
            else:
                inner.append(self._part(child, top))
        return f"<svg{_attrs(root)}>" + "".join(inner) + "</svg>", _points(root.get("width", ""))

    def css(self) -> str:
        return "".join(f".{cls}{{font-family:{font}}}" for font, cls in self.fonts.items())

    def defs_markup(self) -> str:
        return ('<svg class="parts" width="0" height="0" aria-hidden="true" focusable="false">'
                "<defs>" + "".join(self.defs) + "</defs></svg>")


def _json_for_script(data: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' characters at all."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_WIDE_PT = 1600.0      # frames wider than this keep their size and scroll sideways

# html: a scroll bar always, so the picture does not shift sideways when a step's text makes the page taller
_STYLE = """
html{overflow-y:scroll}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1em auto;max-width:60em;
padding:0 1em;color:#222;background:#fff}
h1{font-size:1.3em;margin:.2em 0 .6em}
#frames{border:1px solid #ccc;border-radius:6px;padding:.5em;text-align:center;min-height:8em}
.frame{overflow-x:auto}
.frame svg{max-width:100%;height:auto}
.frame.wide svg{max-width:none}
svg.parts{position:absolute;width:0;height:0;overflow:hidden}
#stage{margin:.8em 0 .2em;color:#555;font-size:.95em}
#line{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05em;margin:.2em 0;
white-space:pre-wrap;overflow-wrap:anywhere}
#detail{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;color:#444;white-space:pre-wrap;
margin:.2em 0 .6em}
nav{display:flex;gap:.4em;align-items:center;flex-wrap:wrap;margin:.6em 0}
button{font-size:1em;padding:.3em .8em;cursor:pointer}
#counter{min-width:8em;text-align:center;font-weight:600}
.help{color:#777;font-size:.85em}
"""

_SCRIPT = """
(function () {
  "use strict";
  var steps = JSON.parse(document.getElementById("steps").textContent);
  var frames = document.querySelectorAll("#frames > .frame");
  var line = document.getElementById("line"), stage = document.getElementById("stage");
  var detail = document.getElementById("detail"), counter = document.getElementById("counter");
  var btn = {};
  ["first", "prev", "next", "last"].forEach(function (id) { btn[id] = document.getElementById(id); });
  var current = 0;
  function show(k) {
    if (!steps.length) { return; }
    k = Math.max(0, Math.min(steps.length - 1, k));
    current = k;
    var s = steps[k];
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== s.frame); }
    line.textContent = s.text;
    stage.textContent = s.stage;
    detail.textContent = s.detail;
    counter.textContent = "step " + (k + 1) + " of " + steps.length;
    btn.first.disabled = btn.prev.disabled = (k === 0);
    btn.last.disabled = btn.next.disabled = (k === steps.length - 1);
    document.body.setAttribute("data-step", String(k + 1));
    var box = frames[s.frame], hl = box && box.querySelector("use.highlight");
    if (hl && box.scrollWidth > box.clientWidth) {       /* a wide frame: bring the step's node into view */
      var r = hl.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollLeft += (r.left + r.width / 2) - (b.left + b.width / 2);
    }
    try { history.replaceState(null, "", "#" + (k + 1)); } catch (e) { /* file: pages may refuse */ }
  }
  window.player = {
    show: function (k) { show(k - 1); }, next: function () { show(current + 1); },
    prev: function () { show(current - 1); }, first: function () { show(0); },
    last: function () { show(steps.length - 1); },
    step: function () { return current + 1; }, count: function () { return steps.length; }
  };
  btn.first.addEventListener("click", function () { show(0); });
  btn.prev.addEventListener("click", function () { show(current - 1); });
  btn.next.addEventListener("click", function () { show(current + 1); });
  btn.last.addEventListener("click", function () { show(steps.length - 1); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var k = e.key;
    if (k === "ArrowRight" || k === "n" || k === "N") { show(current + 1); }
    else if (k === "ArrowLeft" || k === "p" || k === "P") { show(current - 1); }
    else if (k === "Home") { show(0); }
    else if (k === "End") { show(steps.length - 1); }
    else { return; }
    e.preventDefault();
  });
  var m = /^#(\\d+)$/.exec(location.hash);
  show(m ? parseInt(m[1], 10) - 1 : 0);
})();
"""


def _points(length: str) -> float:
    """An SVG length such as '644pt' or '300px' in points (0 if it is not one)."""
    for unit, scale in (("pt", 1.0), ("px", 0.75), ("", 1.0)):
        if length.endswith(unit):
            try:
                return float(length[:len(length) - len(unit)]) * scale
            except ValueError:
                return 0.0
    return 0.0


def player_html(frames: Sequence[str], steps: Sequence[Mapping[str, object]], title: str = "backprop, step by step"
                ) -> str:
    """The step-player page.

    ``frames``: SVG texts (one per step, or fewer with ``steps[i]["frame"]``
    picking one); identical frames are stored once.  ``steps``: for each step a
    mapping with ``text`` (the main line), and optionally ``stage`` (a heading),
    ``detail`` (more lines) and ``frame`` (index into ``frames``; default: the
    step's own index).
    """
    if not steps:
        raise ValueError("a step player needs at least one step")
    store = _FrameStore()
    unique: Dict[str, int] = {}
    stored: List[Tuple[str, float]] = []
    remap: List[int] = []
    for svg in frames:
        if not isinstance(svg, str):
            raise TypeError(f"a frame is SVG text (str), got {type(svg).__name__}")
        k = unique.get(svg)
        if k is None:
            k = unique[svg] = len(stored)
            stored.append(store.add(svg))
        remap.append(k)
    data = []
    for i, st in enumerate(steps):
        f = st.get("frame", i)
        if not isinstance(f, int) or not 0 <= f < len(remap):
            raise ValueError(f"step {i + 1} points at frame {f!r}, but there are {len(remap)} frames")
        data.append({"text": str(st.get("text", "")), "stage": str(st.get("stage", "")),
                     "detail": str(st.get("detail", "")), "frame": remap[f]})
    first = data[0]
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}{store.css()}\n</style>\n</head>\n",
        f"<body data-step=\"1\">\n<h1>{html.escape(title)}</h1>\n", store.defs_markup(),
        "\n<div id=\"frames\">\n",
    ]
    for k, (svg, width) in enumerate(stored):
        hidden = "" if k == first["frame"] else " hidden"
        wide = " wide" if width > _WIDE_PT else ""   # scroll, do not shrink to dust
        parts.append(f"<div class=\"frame{wide}\" data-frame=\"{k}\"{hidden}>{svg}</div>\n")
    parts += [
        "</div>\n",
        f"<p id=\"stage\">{html.escape(first['stage'])}</p>\n",
        f"<p id=\"line\">{html.escape(first['text'])}</p>\n",
        f"<p id=\"detail\">{html.escape(first['detail'])}</p>\n",
        "<nav><button id=\"first\" type=\"button\" title=\"first (Home)\">&#xAB; first</button>",
        "<button id=\"prev\" type=\"button\" title=\"previous (&#x2190; or p)\">&#x25C0; previous</button>",
        f"<span id=\"counter\">step 1 of {len(data)}</span>",
        "<button id=\"next\" type=\"button\" title=\"next (&#x2192; or n)\">next &#x25B6;</button>",
        "<button id=\"last\" type=\"button\" title=\"last (End)\">last &#xBB;</button></nav>\n",
        "<p class=\"help\">Keys: &#x2192; or n next, &#x2190; or p previous, Home first, End last.</p>\n",
        f"<script type=\"application/json\" id=\"steps\">{_json_for_script(data)}</script>\n",
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)
