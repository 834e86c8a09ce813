"""The HTML step player: one self-contained page that steps through SVG frames.

``player_html(frames, steps, title)`` returns the page as text.  It needs no
network: no external scripts, fonts or style sheets.

The picture: frames that share one layout (:class:`SharedFrame`, made by
:mod:`tinygraph.draw.page`) are shown in one ``<svg>`` skeleton whose
slots are ``<use>`` references to parts (a neuron, a synapse's box or line,
the legend) stored once each in a hidden ``<defs>``; the page's data says,
per slot, at which frames it shows another part, and the script swaps the
references.  A whole SVG frame is its own one-frame layout.  A part keeps the
id Graphviz gave it (``neuron-h1``) as ``data-id`` (ids must be unique in a
page), and the ``<use>`` of a highlighted part has the class ``highlight``.
Everything is read and rewritten as parsed XML (ElementTree).

The player: buttons, a scrubber, play/pause with a speed, keys (right/left
arrow or n/p, Home/End, space), deep links (``#step=12``; the address follows
the current step), zoom and pan of the picture, the backward walk beside a
network's steps, and with ``quiz=True`` a box where the learner types each
number before it is shown (checked within QUIZ_TOLERANCE, scored).

Safety: user-named things (neuron names, titles) reach the page only as
escaped text.  Titles go through ``html.escape``; step text travels as JSON
with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc. (so no ``</script>``
can end the block) and is shown with ``textContent``; the SVG, which
Graphviz has already XML-escaped, is checked to hold no script, event
handler, foreign object or javascript: link before it is embedded.
"""

from __future__ import annotations

import copy
import html
import json
import string
import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ..errors import RenderError
from .dot import HIGHLIGHT_CLASS

__all__ = ["player_html", "json_for_script", "SharedLayout", "SharedFrame", "QUIZ_TOLERANCE"]

#: a quiz answer counts when it is within this fraction of the exact number (1%: the four
#: significant digits the page shows always count, and so does a learner's own rounding)
QUIZ_TOLERANCE = 0.01

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




class SharedLayout:
    """Drawings of one layout: ``svgs[j]`` shows every part (a node's or edge's group, found by its
    id) in its j-th look.  All must have the same size and the same parts in the same order."""

    def __init__(self, svgs: Sequence[str]) -> None:
        if not svgs:
            raise ValueError("a shared layout needs at least one drawing")
        self.svgs = list(svgs)


class SharedFrame(NamedTuple):
    """One frame drawn in a :class:`SharedLayout`: ``variants`` maps a part's SVG id to the drawing
    (index into ``layout.svgs``) that shows it as this frame does; the id "" stands for every
    element without an id (the graph's caption); parts not named: drawing 0."""

    layout: SharedLayout
    variants: Mapping[str, int]


class _Parts:
    """Parts (groups of SVG) stored once each in a hidden <defs>, named tgp0, tgp1, ..."""

    def __init__(self) -> None:
        self.ids: Dict[str, int] = {}
        self.defs: List[str] = []
        self.fonts: Dict[str, str] = {}
        self.lit: List[int] = []

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

    def add(self, el: ET.Element, anchor: Optional[str]) -> int:
        """The number of the stored part that draws ``el`` (stored now if new)."""
        out: List[str] = []
        _markup(el, out, self.fonts, anchor)
        text = "".join(out)
        n = self.ids.get(text)
        if n is None:
            n = self.ids[text] = len(self.defs)
            body: List[str] = []
            _markup(self._stored(el, f"tgp{n}"), body, self.fonts, anchor)
            self.defs.append(f'<g id="tgp{n}">{"".join(body)}</g>')
            if HIGHLIGHT_CLASS in el.get("class", "").split():
                self.lit.append(n)
        return n

    def css(self) -> str:
        return "".join(f".{cls}{{font-family:{font}}}" for font, cls in self.fonts.items())

    def markup(self) -> str:
        return ('<svg class="parts" width="0" height="0" aria-hidden="true" focusable="false">'
                "<defs>" + "".join(self.defs) + "</defs></svg>")


class _Layout:
    """One layout in the page: its <svg> skeleton of slots, and the part each slot shows per frame."""

    def __init__(self, shared: SharedLayout, parts: _Parts) -> None:
        self.parts = parts
        self.roots = [_parse_checked(svg) for svg in shared.svgs]
        root = self.roots[0]
        self.slots: List[Tuple[Tuple[int, ...], Optional[str]]] = []   # (path from the root, anchor)
        top = None if "text-anchor" in root.attrib else "start"   # the default; kept only where it matters
        for i, child in enumerate(root):
            if _local(child.tag) == "g" and len(child):
                anchor = None if "text-anchor" in child.attrib else top
                self.slots += [((i, j), anchor) for j in range(len(child))]
            else:
                self.slots.append(((i,), top))
        self.ids = [self._key(self._at(root, path)) for path, _ in self.slots]
        self.same = all(self._shape(r) == self._shape(root) for r in self.roots[1:])
        self.cache: Dict[Tuple[int, int], int] = {}
        self.base: Optional[List[int]] = None
        self.slot_of: Dict[str, List[int]] = {}
        self.width = _points(root.get("width", ""))

    @staticmethod
    def _key(el: ET.Element) -> str:
        """A slot's part: a node's or edge's id; "" for the rest (the graph's caption and background)."""
        if {"node", "edge"} & set(el.get("class", "").split()):
            return el.get("id", "")
        return ""

    @staticmethod
    def _shape(root: ET.Element) -> List[int]:
        return [len(c) for c in root]

    @staticmethod
    def _at(root: ET.Element, path: Tuple[int, ...]) -> ET.Element:
        el = root
        for i in path:
            el = el[i]
        return el

    def _part(self, s: int, v: int) -> int:
        n = self.cache.get((s, v))
        if n is None:
            path, anchor = self.slots[s]
            n = self.cache[(s, v)] = self.parts.add(self._at(self.roots[v], path), anchor)
        return n

    def state(self, variants: Mapping[str, int]) -> List[int]:
        """The part each slot shows in a frame with these ``variants`` (drawing 0 where not named)."""
        if self.base is None:
            self.base = [self._part(s, 0) for s in range(len(self.slots))]
            self.slot_of = {}
            for s, p in enumerate(self.ids):
                self.slot_of.setdefault(p, []).append(s)
        out = list(self.base)
        if not self.same:
            return out
        for pid, v in variants.items():
            if not v:
                continue
            if not 0 <= v < len(self.roots):
                raise ValueError(f"a frame asks for drawing {v} of a layout drawn {len(self.roots)} times")
            for s in self.slot_of.get(pid, ()):
                out[s] = self._part(s, v)
        return out

    def markup(self, state: List[int], k: int, hidden: bool) -> str:
        root = self.roots[0]
        lit = set(self.parts.lit)
        inner, s = [], 0
        for child in root:
            if _local(child.tag) == "g" and len(child):
                uses = []
                for _ in child:
                    cls = f' class="{HIGHLIGHT_CLASS}"' if state[s] in lit else ""
                    uses.append(f'<use data-s="{s}" href="#tgp{state[s]}"{cls}/>')
                    s += 1
                inner.append(f"<g{_attrs(child)}>" + "".join(uses) + "</g>")
            else:
                cls = f' class="{HIGHLIGHT_CLASS}"' if state[s] in lit else ""
                inner.append(f'<use data-s="{s}" href="#tgp{state[s]}"{cls}/>')
                s += 1
        hide = " hidden" if hidden else ""
        return (f'<div class="frame" data-layout="{k}"{hide}><svg{_attrs(root)}>' + "".join(inner)
                + "</svg></div>\n")


def json_for_script(data: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' characters at all."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")




def _points(length: str) -> float:
    """An SVG length such as '644pt' or '300px' in points (0 if it is not one)."""
    for unit, scale in (("pt", 1.0), ("px", 0.75), ("", 1.0)):
        if length.endswith(unit):
            try:
                return float(length[:len(length) - len(unit)]) * scale
            except ValueError:
                return 0.0
    return 0.0


# The page fills the window: the picture takes the room the title and the panel (the step's
# line, the controls) leave, and scales to fit it; on a narrow or low window it all stacks and scrolls.
_STYLE = """
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;
height:100vh;display:flex;flex-direction:column;overflow:hidden;font-size:16px}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2em 1em;padding:.3em .8em}
h1{font-size:1.1em;margin:0}
.help{color:#666;font-size:.8em}
#view{flex:1 1 auto;min-height:6em;position:relative;overflow:hidden;border-top:1px solid #ddd;
border-bottom:1px solid #ddd;touch-action:none;cursor:grab;background:#fff}
#view.dragging{cursor:grabbing}
#frames,.frame{width:100%;height:100%}
.frame svg{width:100%;height:100%;display:block}
svg.parts{position:absolute;width:0;height:0;overflow:hidden}
#zoom{position:absolute;right:.4em;top:.4em;display:flex;gap:.2em;opacity:.85}
#zoom button{font-size:.9em;padding:.1em .5em;min-width:2em}
#panel{flex:0 0 12.5em;overflow:auto;padding:.3em .8em .5em}
#top{display:flex;flex-wrap:wrap;gap:.2em 1em;align-items:baseline}
#stage{color:#555;font-size:.95em;margin:0}
#counter{font-weight:600}
#score{color:#0a5;font-weight:600}
#line{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:1.05em;margin:.25em 0;
white-space:pre-wrap;overflow-wrap:anywhere}
#quiz{display:flex;flex-wrap:wrap;gap:.3em .6em;align-items:center;margin:.2em 0 .3em;padding:.3em .5em;
background:#fff8d8;border:1px solid #e6d36a;border-radius:5px}
#quiz[hidden]{display:none}
#answer{font-size:1em;width:9em;padding:.15em .3em}
#verdict.right{color:#0a5;font-weight:600}
#verdict.wrong{color:#b30;font-weight:600}
nav{display:flex;flex-wrap:wrap;gap:.3em;align-items:center;margin:.3em 0}
nav button,#quiz button{font-size:1em;padding:.25em .7em;cursor:pointer}
#scrub{flex:1 1 12em;min-width:8em}
#detail{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em;color:#444;
white-space:pre-wrap;overflow-wrap:anywhere;margin:.2em 0}
#walklink{font-size:.9em;margin-left:.3em}
#why{color:#555;font-size:.88em;margin:.3em 0}
#walkbox{font-size:.85em;margin:.2em 0}
#walk{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;max-height:12em;overflow:auto;
margin:.2em 0;padding-left:3.5em;white-space:pre-wrap;overflow-wrap:anywhere}
#walk li.current{background:#F0E442}
#main{flex:1 1 auto;min-height:6em;display:flex;border-top:1px solid #ddd;border-bottom:1px solid #ddd}
#main #view{flex:1 1 55%;border:0;min-width:0}
#side{flex:0 1 45%;max-width:46em;min-width:0;overflow:auto;border-left:1px solid #ddd;padding:.3em .6em;
display:flex;flex-direction:column;gap:.3em}
@media (max-width:700px),(max-height:520px){
body{height:auto;overflow:visible;font-size:15px}
#view{flex:none;height:45vh}
#main{flex:none;flex-direction:column}
#main #view{flex:none;height:45vh}
#side{flex:none;max-width:none;border-left:0;border-top:1px solid #ddd}
#panel{flex:none;overflow:visible}
.help{display:none}
}
"""

_SCRIPT = """
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var steps = JSON.parse(byId("steps").textContent);
  var data = JSON.parse(byId("player-data").textContent);
  var n = steps.length, quiz = !!data.quiz, TOL = data.tolerance, unit = data.unit || "step";
  var divs = [].slice.call(document.querySelectorAll("#frames > .frame"));
  var uses = divs.map(function (d) {
    var out = [];
    [].forEach.call(d.querySelectorAll("use[data-s]"), function (u) { out[+u.getAttribute("data-s")] = u; });
    return out;
  });
  var shown = uses.map(function (us) { return us.map(function (u) { return +u.getAttribute("href").slice(4); }); });
  var base = divs.map(function (d) {
    var vb = (d.querySelector("svg").getAttribute("viewBox") || "0 0 100 100").split(/[ ,]+/).map(Number);
    return vb.length === 4 ? vb : [0, 0, 100, 100];
  });
  var lit = {};
  data.lit.forEach(function (p) { lit[p] = true; });
  var el = {};
  ["first", "prev", "play", "next", "last", "scrub", "speed", "counter", "stage", "line", "detail", "walklink",
   "quiz", "answer", "check", "reveal", "verdict", "score", "walk", "walkbox", "view", "zoomin", "zoomout",
   "zoomfit"].forEach(function (id) { el[id] = byId(id); });
  var current = 0, layout = 0, answers = {}, right = 0, asked = 0, timer = null;
  var view = {auto: true, zoom: 1, cx: 0, cy: 0};

  function partAt(tl, f) {          /* the last change at or before frame f (a flat [frame, part, ...] list) */
    var lo = 0, hi = tl.length / 2 - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (tl[2 * mid] <= f) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return tl[2 * found + 1];
  }
  function showFrame(f) {
    var L = data.frames[f], tls = data.timeline[L], us = uses[L], now = shown[L];
    for (var j = 0; j < divs.length; j++) { divs[j].hidden = (j !== L); }
    for (var s = 0; s < us.length; s++) {
      if (!tls[s].length) { continue; }
      var p = partAt(tls[s], f);
      if (p !== now[s]) {
        us[s].setAttribute("href", "#tgp" + p);
        if (lit[p]) { us[s].setAttribute("class", "highlight"); } else { us[s].removeAttribute("class"); }
        now[s] = p;
      }
    }
    if (L !== layout) { view.auto = true; }
    layout = L;
  }

  /* -- zoom and pan: the picture fits its box; a big one is shown larger, around this step's parts -- */
  function svg() { return divs[layout].querySelector("svg"); }
  function applyView() {
    var b = base[layout], s = svg();
    if (view.zoom <= 1) { s.setAttribute("viewBox", b.join(" ")); return; }
    var w = b[2] / view.zoom, h = b[3] / view.zoom;
    s.setAttribute("viewBox", [view.cx - w / 2, view.cy - h / 2, w, h].join(" "));
  }
  function fitScale() {
    var b = base[layout], box = el.view.getBoundingClientRect();
    return Math.min(box.width / b[2], box.height / b[3]);
  }
  function zoomBy(factor) {
    var b = base[layout];
    if (view.zoom <= 1) { view.cx = b[0] + b[2] / 2; view.cy = b[1] + b[3] / 2; }
    view.zoom = Math.max(1, Math.min(40, view.zoom * factor));
    view.auto = false;
    applyView();
  }
  function litBox() {               /* the highlighted parts' box in the picture's units, or null */
    var hl = divs[layout].querySelectorAll("use.highlight"), m = svg().getScreenCTM();
    if (!hl.length || !m) { return null; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    [].forEach.call(hl, function (u) {
      var r = u.getBoundingClientRect();
      if (!r.width && !r.height) { return; }
      x0 = Math.min(x0, r.left); y0 = Math.min(y0, r.top); x1 = Math.max(x1, r.right); y1 = Math.max(y1, r.bottom);
    });
    if (x0 === Infinity) { return null; }
    return {x0: (x0 - m.e) / m.a, y0: (y0 - m.f) / m.d, x1: (x1 - m.e) / m.a, y1: (y1 - m.f) / m.d,
            inside: function () {
              var box = el.view.getBoundingClientRect();
              return x0 >= box.left && x1 <= box.right && y0 >= box.top && y1 <= box.bottom;
            }};
  }
  function follow() {                /* a big picture: larger, around this step's parts (until the learner zooms) */
    if (view.auto) {
      var fit = fitScale();
      var want = fit > 0 && fit < 0.7 ? 0.9 / fit : 1;      /* about 0.9 px a point: labels readable */
      view.zoom = 1;
      applyView();
      var lit = want > 1 ? litBox() : null;
      if (!lit) { return; }
      var b = base[layout], w = Math.max(1, lit.x1 - lit.x0) * 1.2, h = Math.max(1, lit.y1 - lit.y0) * 1.2;
      /* as much of the step's parts in view as a readable size allows */
      view.zoom = Math.max(1, Math.min(want, Math.max(0.8 * want, b[2] / w, b[3] / h)));
      view.cx = (lit.x0 + lit.x1) / 2; view.cy = (lit.y0 + lit.y1) / 2;
      applyView();
      return;
    }
    if (view.zoom <= 1) { applyView(); return; }
    var now = litBox();
    if (now && !now.inside()) { view.cx = (now.x0 + now.x1) / 2; view.cy = (now.y0 + now.y1) / 2; applyView(); }
  }
  el.zoomin.addEventListener("click", function () { zoomBy(1.5); });
  el.zoomout.addEventListener("click", function () { zoomBy(1 / 1.5); });
  el.zoomfit.addEventListener("click", function () { view.zoom = 1; view.auto = false; applyView(); });
  el.view.addEventListener("wheel", function (e) {
    if (!e.deltaY) { return; }
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2);
  }, {passive: false});
  var drag = null;
  el.view.addEventListener("pointerdown", function (e) {
    if (e.target.closest && e.target.closest("button")) { return; }
    drag = {x: e.clientX, y: e.clientY};
    el.view.classList.add("dragging");
  });
  window.addEventListener("pointermove", function (e) {
    if (!drag || view.zoom <= 1) { return; }
    var m = svg().getScreenCTM();
    if (!m) { return; }
    view.cx -= (e.clientX - drag.x) / m.a; view.cy -= (e.clientY - drag.y) / m.d;
    drag = {x: e.clientX, y: e.clientY};
    view.auto = false;
    applyView();
  });
  window.addEventListener("pointerup", function () { drag = null; el.view.classList.remove("dragging"); });

  /* -- the steps -- */
  function asking(k) { return quiz && steps[k].ask !== undefined && !answers[k]; }
  function show(k, quiet) {
    k = Math.max(0, Math.min(n - 1, k));
    current = k;
    var s = steps[k], ask = asking(k);
    showFrame(ask && s.question_frame !== undefined ? s.question_frame : s.frame);
    el.stage.textContent = s.stage;
    el.line.textContent = ask ? s.ask : s.text;
    el.detail.textContent = ask ? "" : s.detail;
    el.counter.textContent = unit + " " + (k + 1) + " of " + n;
    el.scrub.value = String(k + 1);
    el.first.disabled = el.prev.disabled = (k === 0);
    el.last.disabled = el.next.disabled = (k === n - 1);
    var w = s.walk;
    el.walklink.hidden = !(el.walk && w && !ask);
    if (w) { el.walklink.setAttribute("href", "#walk-" + w); el.walklink.textContent = "see walk step " + w; }
    if (el.walk) {
      var old = el.walk.querySelector("li.current");
      if (old) { old.classList.remove("current"); }
      var item = w && !ask ? byId("walk-" + w) : null;
      if (item) { item.classList.add("current"); }
    }
    if (quiz) {
      el.quiz.hidden = (s.ask === undefined);
      var a = answers[k];
      el.answer.disabled = el.check.disabled = el.reveal.disabled = !!a;
      el.verdict.className = a ? (a.ok ? "right" : "wrong") : "";
      el.verdict.textContent = !a ? "" : a.ok ? "\\u2713 right: " + s.shown
        : (a.said === null ? "it is " + s.shown : "\\u2717 not quite: you said " + a.said + ", it is " + s.shown);
      if (ask) { el.answer.value = ""; if (!quiet) { el.answer.focus({preventScroll: true}); } }
    }
    document.body.setAttribute("data-step", String(k + 1));
    follow();
    document.dispatchEvent(new CustomEvent("tg-show", {detail: k}));   /* a page's side panel follows */
    try { history.replaceState(null, "", "#step=" + (k + 1)); } catch (e) { /* file: or sandboxed pages may refuse */ }
  }
  function check(giveUp) {
    var s = steps[current];
    if (!quiz || s.ask === undefined || answers[current]) { return; }
    var said = null, ok = false;
    if (!giveUp) {
      var raw = el.answer.value.trim().replace(/\\u2212/g, "-").replace(",", ".");
      var a = raw === "" ? NaN : Number(raw);
      if (!isFinite(a)) { el.verdict.className = "wrong"; el.verdict.textContent = "type a number, e.g. 0.25"; return; }
      said = raw;
      ok = Math.abs(a - s.answer) <= TOL * Math.abs(s.answer) + (s.answer === 0 ? 1e-12 : 0);
    }
    answers[current] = {ok: ok, said: said};
    asked += 1; right += ok ? 1 : 0;
    el.score.textContent = "score " + right + " of " + asked;
    show(current, true);
  }

  /* -- play -- */
  function stop() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    el.play.textContent = "\\u25B6 play"; el.play.setAttribute("aria-pressed", "false");
  }
  function tick() {
    timer = null;
    if (current >= n - 1 || asking(current)) { stop(); return; }
    show(current + 1, true);
    if (current >= n - 1 || asking(current)) { stop(); return; }
    timer = setTimeout(tick, 1600 / Number(el.speed.value || 1));
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= n - 1) { show(0); }
    el.play.textContent = "\\u23F8 pause"; el.play.setAttribute("aria-pressed", "true");
    timer = setTimeout(tick, 1600 / Number(el.speed.value || 1));
  }
  function go(k) { stop(); show(k); }

  window.player = {
    show: function (k) { go(k - 1); }, next: function () { go(current + 1); },
    prev: function () { go(current - 1); }, first: function () { go(0); }, last: function () { go(n - 1); },
    play: play, playing: function () { return timer !== null; },
    step: function () { return current + 1; }, count: function () { return n; },
    score: function () { return {right: right, answered: asked}; }
  };
  el.first.addEventListener("click", function () { go(0); });
  el.prev.addEventListener("click", function () { go(current - 1); });
  el.next.addEventListener("click", function () { go(current + 1); });
  el.last.addEventListener("click", function () { go(n - 1); });
  el.play.addEventListener("click", play);
  el.scrub.addEventListener("input", function () { go(Number(el.scrub.value) - 1); });
  if (quiz) {
    byId("quizform").addEventListener("submit", function (e) { e.preventDefault(); check(false); });
    el.reveal.addEventListener("click", function () { check(true); });
  }
  el.walklink.addEventListener("click", function (e) {
    e.preventDefault();
    el.walkbox.open = true;
    var item = byId("walk-" + steps[current].walk);
    if (item) { item.classList.add("current"); item.scrollIntoView({block: "nearest"}); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" && t.type !== "range") { return; }            /* typing an answer */
    if (tag === "SELECT" || (tag === "INPUT" && /^Arrow|^Home$|^End$/.test(e.key))) { return; }
    var k = e.key;
    if (k === "ArrowRight" || k === "n" || k === "N") { go(current + 1); }
    else if (k === "ArrowLeft" || k === "p" || k === "P") { go(current - 1); }
    else if (k === "Home") { go(0); }
    else if (k === "End") { go(n - 1); }
    else if (k === " " || k === "Spacebar") { play(); }
    else if (k === "+" || k === "=") { zoomBy(1.5); }
    else if (k === "-") { zoomBy(1 / 1.5); }
    else if (k === "0") { view.zoom = 1; view.auto = false; applyView(); }
    else { return; }
    e.preventDefault();
  });
  function fromHash() {
    var m = /^#(?:step=)?(\\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) - 1 : null;
  }
  window.addEventListener("hashchange", function () { var k = fromHash(); if (k !== null && k !== current) { go(k); } });
  window.addEventListener("resize", function () { if (view.auto) { follow(); } });
  var start = fromHash();
  show(start === null ? 0 : start, true);
})();
"""

_WHY = ("Why this order? The backward walk finishes a node once everything computed from it has sent "
        "its gradient back: so it goes from the error towards the inputs, and a neuron's delta waits "
        "until every neuron it feeds has passed its share back.")


def inline_frame(page: str, title: str, height: int) -> str:
    """A self-contained page as a sandboxed ``<iframe srcdoc>``, for Jupyter: its script, ids, styles
    and keys cannot clash with the notebook's or with another player's, and it needs no server."""
    return (f'<iframe class="tinygraph-player" sandbox="allow-scripts" style="width:100%;'
            f'height:{int(height)}px;border:1px solid #ccc;border-radius:6px" '
            f'title="{html.escape(title, quote=True)}" srcdoc="{html.escape(page, quote=True)}"></iframe>')


def player_html(frames: Sequence[Union[str, SharedFrame]], steps: Sequence[Mapping[str, Any]],
                title: str = "backprop, step by step", quiz: bool = False, walk: Sequence[str] = (),
                walk_total: Optional[int] = None, side: str = "", side_script: str = "",
                note: Optional[str] = _WHY, unit: str = "step", help_extra: str = "") -> str:
    """The step-player page.

    ``frames``: SVG texts or :class:`SharedFrame` s (one per step, or others
    picked with ``steps[i]["frame"]``); identical SVG texts are stored once.
    ``steps``: for each step a mapping with ``text`` (the main line), and
    optionally ``stage`` (a heading), ``detail`` (more lines), ``frame`` (index
    into ``frames``; default: the step's own index), ``walk`` (the backward
    walk's step it shows or came from), and for the quiz ``ask`` (the line
    without its result), ``answer`` (the number), ``shown`` (it as printed) and
    ``question_frame`` (the frame shown until answered).  ``quiz``: ask before
    revealing.  ``walk``: the backward walk's lines, listed beside the steps.

    For other pages built on the player (the training page): ``side`` is markup
    (made by tinygraph, its text already escaped) shown beside the picture, and
    ``side_script`` a script run before the player's, which hears each shown
    step as a ``tg-show`` event on ``document`` (``event.detail``: its index);
    ``note`` replaces the paragraph under the controls (None: none); ``unit``
    names a step in the counter ("epoch 3 of 40"); ``help_extra`` is added to
    the keys' help (plain text, escaped here).
    """
    if not steps:
        raise ValueError("a step player needs at least one step")
    parts = _Parts()
    layouts: Dict[int, Tuple[int, _Layout]] = {}
    whole: Dict[str, SharedLayout] = {}
    placed: List[Tuple[int, List[int]]] = []          # per frame: its layout's number, each slot's part
    built: List[_Layout] = []
    for f in frames:
        if isinstance(f, str):
            f = SharedFrame(whole.setdefault(f, SharedLayout([f])), {})
        elif not isinstance(f, SharedFrame):
            raise TypeError(f"a frame is SVG text (str) or a SharedFrame, got {type(f).__name__}")
        if id(f.layout) not in layouts:
            layouts[id(f.layout)] = (len(built), _Layout(f.layout, parts))
            built.append(layouts[id(f.layout)][1])
        k, lay = layouts[id(f.layout)]
        placed.append((k, lay.state(f.variants)))

    def frame_index(value: object, i: int, what: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(placed):
            raise ValueError(f"step {i + 1} points at {what} {value!r}, but there are {len(placed)} frames")
        return value

    data = []
    for i, st in enumerate(steps):
        entry: Dict[str, Any] = {"text": str(st.get("text", "")), "stage": str(st.get("stage", "")),
                                 "detail": str(st.get("detail", "")),
                                 "frame": frame_index(st.get("frame", i), i, "frame")}
        if st.get("walk") is not None and walk:       # a link into the walk's list
            entry["walk"] = int(st["walk"])
        if quiz and st.get("ask") is not None and st.get("answer") is not None:
            entry.update(ask=str(st["ask"]), answer=float(st["answer"]), shown=str(st.get("shown", st["answer"])))
            if st.get("question_frame") is not None:
                entry["question_frame"] = frame_index(st["question_frame"], i, "question frame")
        data.append(entry)
    # each layout's slots: the frames at which the slot changes part ([frame, part, frame, part, ...])
    timeline: List[List[List[int]]] = [[[] for _ in lay.slots] for lay in built]
    first_state: List[Optional[List[int]]] = [None] * len(built)
    last: List[Optional[List[int]]] = [None] * len(built)
    for f, (k, state) in enumerate(placed):
        before = last[k]
        for s, p in enumerate(state):
            if before is None or before[s] != p:
                timeline[k][s] += (f, p)
        if first_state[k] is None:
            first_state[k] = state
        last[k] = state
    for k in range(len(built)):          # a slot that never changes needs no timeline
        timeline[k] = [t if len(t) > 2 else [] for t in timeline[k]]

    first = data[0]
    show_first = first.get("question_frame", first["frame"]) if quiz and "ask" in first else first["frame"]
    shown_layout = placed[show_first][0]
    n = len(data)
    extra = {"frames": [k for k, _ in placed], "timeline": timeline, "lit": parts.lit, "quiz": bool(quiz),
             "tolerance": QUIZ_TOLERANCE, "unit": str(unit)}
    frames_markup = "".join(lay.markup(placed[show_first][1] if k == shown_layout else first_state[k], k,
                                       k != shown_layout)
                            for k, lay in enumerate(built))
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}{parts.css()}\n</style>\n</head>\n",
        f"<body data-step=\"1\">\n<header><h1>{html.escape(title)}</h1>",
        "<span class=\"help\">Keys: &#x2192;/n next, &#x2190;/p previous, Home/End, space play/pause, "
        f"+/&#x2212;/0 zoom; drag to pan.{html.escape(help_extra)}</span></header>\n",
        parts.markup(),
        "\n<div id=\"main\">" if side else "\n",
        "<div id=\"view\"><div id=\"frames\">\n", frames_markup, "</div>",
        "<div id=\"zoom\"><button id=\"zoomin\" type=\"button\" title=\"zoom in (+)\">+</button>"
        "<button id=\"zoomout\" type=\"button\" title=\"zoom out (&#x2212;)\">&#x2212;</button>"
        "<button id=\"zoomfit\" type=\"button\" title=\"fit the window (0)\">fit</button></div></div>\n",
        f"<aside id=\"side\">{side}</aside></div>\n" if side else "",
        "<section id=\"panel\">\n<div id=\"top\">",
        f"<span id=\"counter\">{html.escape(unit)} 1 of {n}</span><p id=\"stage\">{html.escape(first['stage'])}</p>",
        "<span id=\"score\"></span></div>\n" if quiz else "</div>\n",
        f"<p id=\"line\">{html.escape(first.get('ask', first['text']) if quiz else first['text'])}</p>\n",
    ]
    if quiz:
        out.append(
            "<form id=\"quizform\"><div id=\"quiz\" hidden><label for=\"answer\">Your prediction:</label>"
            "<input id=\"answer\" type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\">"
            "<button id=\"check\" type=\"submit\">check</button>"
            "<button id=\"reveal\" type=\"button\">show me</button><span id=\"verdict\" aria-live=\"polite\"></span>"
            f"<span class=\"help\">counts if within {QUIZ_TOLERANCE:.0%} of the exact value</span></div></form>\n")
    else:
        out.append("<div id=\"quiz\" hidden><input id=\"answer\" hidden><button id=\"check\" hidden></button>"
                   "<button id=\"reveal\" hidden></button><span id=\"verdict\"></span><span id=\"score\"></span>"
                   "</div>\n")
    out += [
        "<nav><button id=\"first\" type=\"button\" title=\"first (Home)\">&#xAB;</button>",
        "<button id=\"prev\" type=\"button\" title=\"previous (&#x2190; or p)\">&#x25C0; prev</button>",
        "<button id=\"play\" type=\"button\" title=\"play/pause (space)\" aria-pressed=\"false\">&#x25B6; play</button>",
        "<button id=\"next\" type=\"button\" title=\"next (&#x2192; or n)\">next &#x25B6;</button>",
        "<button id=\"last\" type=\"button\" title=\"last (End)\">&#xBB;</button>",
        f"<input id=\"scrub\" type=\"range\" min=\"1\" max=\"{n}\" value=\"1\" aria-label=\"step\">",
        "<label>speed <select id=\"speed\"><option value=\"0.5\">&#xBD;&#xD7;</option>"
        "<option value=\"1\" selected>1&#xD7;</option><option value=\"2\">2&#xD7;</option>"
        "<option value=\"4\">4&#xD7;</option></select></label></nav>\n",
        f"<p id=\"detail\">{'' if quiz and 'ask' in first else html.escape(first['detail'])}</p>",
        "<a id=\"walklink\" href=\"#\" hidden></a>\n",
        f"<p id=\"why\">{html.escape(note)}</p>\n" if note else "",
    ]
    if walk:
        total = walk_total if walk_total is not None else len(walk)
        items = "".join(f"<li id=\"walk-{i}\">{html.escape(line)}</li>" for i, line in enumerate(walk, 1))
        out.append(f"<details id=\"walkbox\"><summary>The backward walk ({total} steps), in the order it "
                   f"finishes each node</summary><ol id=\"walk\">{items}</ol></details>\n")
    else:
        out.append("<div id=\"walkbox\" hidden></div>\n")
    out += [
        "</section>\n",
        f"<script type=\"application/json\" id=\"steps\">{json_for_script(data)}</script>\n",
        f"<script type=\"application/json\" id=\"player-data\">{json_for_script(extra)}</script>\n",
        f"<script>{side_script}</script>\n" if side_script else "",
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "".join(out)
