"""The one SVG sanitizer: every page tinygraph writes checks each picture here before it embeds it.

A picture reaches a page (the step player, the training page, the explanation,
the playground) as SVG text from a Graphviz engine or from tinygraph's own
plotter.  Before it is put into HTML it is parsed as XML and refused
(:class:`RenderError`) if it holds anything that could run code or fetch a page:

- an element that runs or embeds code: ``script``, ``foreignObject``, ``iframe``,
  ``object``, ``embed``, ``handler``, ``listener`` (SVG Tiny's event elements);
- an animation (``set``, ``animate``) that targets a link or an event attribute;
- an event attribute (``onload``, ``onclick``, ...);
- a ``javascript:`` or ``vbscript:`` URL in any attribute (but an id, class, title,
  ``data-*`` or ``aria-*``, and a link within the page, ``#...``: none is ever run), and a link (``href``,
  ``xlink:href``) to ``data:`` except a raster image (PNG, JPEG, GIF, WebP) on
  ``<image>``.

Names are compared in lower case and by their local name (whatever namespace
prefix they carry): an HTML parser lower-cases ``<SCRIPT>`` and ``ONLOAD`` in an
inline SVG and would run them.  URLs are compared without the blanks and control
characters a browser skips (``java&#9;script:``).  Comments and processing
instructions are dropped by the parser.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import List

from ..errors import RenderError

__all__ = ["checked_svg", "inline_svg", "refusal", "SVG_NS", "XLINK_NS"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("xlink", XLINK_NS)      # the conventional prefix, so links serialize as xlink:href

#: elements that run or embed code or other documents (local names, lower case)
FORBIDDEN_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"})
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
_SCRIPT_URLS = ("javascript:", "vbscript:")
_IMAGE_DATA = tuple(f"data:image/{kind};base64," for kind in ("png", "jpeg", "gif", "webp"))


@lru_cache(maxsize=4096)         # a few dozen names, met hundreds of thousands of times in a page
def local_name(name: str) -> str:
    """A tag's or attribute's name without its namespace (``{ns}name`` or ``prefix:name``), in lower case."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _bare(url: str) -> str:
    """``url`` in lower case without the blanks and control characters a browser would skip."""
    bare = "".join(url.split())             # split() drops exactly what str.isspace() calls a blank
    if not bare.isprintable():              # a control character left (below 32 all are non-printable)
        bare = "".join(c for c in bare if ord(c) >= 32)
    return bare.lower()


def _plain(name: str) -> bool:
    """An attribute that is only a name or text, never followed as a URL (a neuron may be named 'javascript:')."""
    return name in ("id", "class", "title") or name.startswith(("data-", "aria-"))


def refusal(el: ET.Element) -> str:
    """Why the element ``el`` (itself, not its children) must not reach a page; "" if it may."""
    if not isinstance(el.tag, str):
        return ""
    tag = local_name(el.tag)
    if tag in FORBIDDEN_ELEMENTS:
        return f"it holds a {tag!r} element"
    for key, value in el.attrib.items():
        name = local_name(key)
        if name.startswith("on"):
            return f"it has an event handler attribute {name!r}"
        if ":" not in value and tag not in _ANIMATIONS:
            continue                    # no scheme (javascript:, data:) without a colon: nothing more to check
        bare = _bare(value)
        if not _plain(name) and not bare.startswith("#") and any(u in bare for u in _SCRIPT_URLS):
            return f"its attribute {name!r} holds a javascript:/vbscript: URL"
        if name == "href" and bare.startswith("data:") and not (tag == "image" and bare.startswith(_IMAGE_DATA)):
            return "it has a link to a data: URL (only a PNG, JPEG, GIF or WebP <image> may be one)"
        if tag in _ANIMATIONS and name == "attributename" and (local_name(value) == "href"
                                                               or local_name(value).startswith("on")):
            return f"it animates the attribute {value.strip()!r}"
    return ""


def checked_svg(svg: str, where: str = "the page") -> ET.Element:
    """``svg`` parsed (ElementTree), after making sure no element in it could run code; a RenderError
    that says what was found (and where it was to go) otherwise."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        raise RenderError(f"the picture's SVG is not well-formed XML ({e}); cannot put it in {where}") from None
    if local_name(root.tag) != "svg":
        raise RenderError(f"a picture must be an <svg> document, got <{local_name(root.tag)}>")
    for el in root.iter():
        why = refusal(el)
        if why:
            raise RenderError(f"refusing to put an SVG in {where}: {why}")
    return root


def _markup(el: ET.Element, out: List[str], prefix: str, top: bool) -> None:
    """``el`` as SVG markup for an HTML page (text and attributes escaped, ids prefixed with ``prefix``)."""
    tag = el.tag.rsplit("}", 1)[-1]
    attrs = [f' xmlns="{SVG_NS}"'] if top else []
    if top and any(k.startswith("{" + XLINK_NS) for e in el.iter() for k in e.attrib):
        attrs.append(f' xmlns:xlink="{XLINK_NS}"')
    for k, v in el.attrib.items():
        if k.startswith("{"):
            ns, name = k[1:].split("}", 1)
            k = f"xlink:{name}" if ns == XLINK_NS else name
        if prefix and k == "id":
            v = prefix + v
        elif prefix and local_name(k) == "href" and v.startswith("#"):
            v = "#" + prefix + v[1:]
        elif prefix and "url(#" in v:
            v = v.replace("url(#", f"url(#{prefix}")
        attrs.append(f' {k}="{html.escape(v, quote=True)}"')
    out.append(f"<{tag}{''.join(attrs)}")
    if el.text is None and not len(el):
        out.append("/>")
        return
    out.append(">")
    if el.text:
        out.append(html.escape(el.text, quote=False))
    for child in el:
        _markup(child, out, prefix, False)
        if child.tail:
            out.append(html.escape(child.tail, quote=False))
    out.append(f"</{tag}>")


def inline_svg(svg: str, id_prefix: str = "") -> str:
    """An SVG document as markup to put inside HTML: checked (:func:`checked_svg`), without its XML
    declaration, DOCTYPE and comments, each id (and each reference to one) prefixed with ``id_prefix``
    so two pictures on a page do not share ids."""
    out: List[str] = []
    _markup(checked_svg(svg), out, id_prefix, True)
    return "".join(out)
