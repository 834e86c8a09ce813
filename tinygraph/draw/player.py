"""The HTML step player: one self-contained page that steps through SVG frames.

``player_html(frames, steps, title)`` returns the page as text.  It needs no
network: no external scripts, fonts or style sheets.

The picture: frames that share one layout (:class:`SharedFrame`, made by
:mod:`tinygraph.stepping.page`) are shown in one ``<svg>`` skeleton whose
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
Graphviz has already XML-escaped, is checked by the one SVG sanitizer
(:mod:`.svg`) to hold no script, event handler, foreign object or
javascript: link before it is embedded.

The page's script and style sheet are package data (``assets/player.js``,
``assets/player.css``: modern JavaScript, linted by ESLint), inlined here.
"""

from __future__ import annotations

import copy
import html
import json
import string
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ..errors import BadValueError, WrongTypeError
from .dot import HIGHLIGHT_CLASS
from .packaged import asset
from .svg import XLINK_NS, checked_svg

__all__ = ["player_html", "json_for_script", "SharedLayout", "SharedFrame", "QUIZ_TOLERANCE"]

#: a quiz answer counts when it is within this fraction of the exact number (1%: the four
#: significant digits the page shows always count, and so does a learner's own rounding)
QUIZ_TOLERANCE = 0.01


@lru_cache(maxsize=4096)
def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _parse_checked(svg: str) -> ET.Element:
    """Parse ``svg``, refusing anything that could run code (:func:`.svg.checked_svg`, the one sanitizer);
    drop <title> tooltips and whitespace-only text."""
    root = checked_svg(svg, "the step player")
    for el in list(root.iter()):
        for child in list(el):
            if isinstance(child.tag, str) and _local(child.tag) == "title":
                el.remove(child)
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
            raise BadValueError("a shared layout needs at least one drawing")
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
                raise BadValueError(f"a frame asks for drawing {v} of a layout drawn {len(self.roots)} times")
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
    optionally ``stage`` (a heading), ``detail`` (more lines), ``caption`` (what the picture shows
    when it is not the step's own network, e.g. the weights after training), ``frame`` (index
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
        raise BadValueError("a step player needs at least one step")
    parts = _Parts()
    layouts: Dict[int, Tuple[int, _Layout]] = {}
    whole: Dict[str, SharedLayout] = {}
    placed: List[Tuple[int, List[int]]] = []          # per frame: its layout's number, each slot's part
    built: List[_Layout] = []
    for f in frames:
        if isinstance(f, str):
            f = SharedFrame(whole.setdefault(f, SharedLayout([f])), {})
        elif not isinstance(f, SharedFrame):
            raise WrongTypeError(f"a frame is SVG text (str) or a SharedFrame, got {type(f).__name__}")
        if id(f.layout) not in layouts:
            layouts[id(f.layout)] = (len(built), _Layout(f.layout, parts))
            built.append(layouts[id(f.layout)][1])
        k, lay = layouts[id(f.layout)]
        placed.append((k, lay.state(f.variants)))

    def frame_index(value: object, i: int, what: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(placed):
            raise BadValueError(f"step {i + 1} points at {what} {value!r}, but there are {len(placed)} frames")
        return value

    data = []
    for i, st in enumerate(steps):
        entry: Dict[str, Any] = {"text": str(st.get("text", "")), "stage": str(st.get("stage", "")),
                                 "detail": str(st.get("detail", "")),
                                 "frame": frame_index(st.get("frame", i), i, "frame")}
        if st.get("caption"):                          # what the picture shows, when not this step's net
            entry["caption"] = str(st["caption"])
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
        f"<title>{html.escape(title)}</title>\n<style>{asset(__package__, 'player.css')}{parts.css()}\n</style>\n"
        "</head>\n",
        f"<body data-step=\"1\">\n<header><h1>{html.escape(title)}</h1>",
        "<span class=\"help\">Keys: &#x2192;/n next, &#x2190;/p previous, Home/End, space play/pause, "
        f"+/&#x2212;/0 zoom; drag to pan.{html.escape(help_extra)}</span></header>\n",
        parts.markup(),
        "\n<div id=\"main\">" if side else "\n",
        "<div id=\"view\"><div id=\"frames\">\n", frames_markup, "</div>",
        f"<p id=\"caption\"{'' if first.get('caption') else ' hidden'}>{html.escape(first.get('caption', ''))}</p>",
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
        f"<script>{asset(__package__, 'player.js')}</script>\n</body>\n</html>\n",
    ]
    return "".join(out)
