"""The playground inside a browser page: the same :class:`~tinygraph.playground.state.Session` the local
server drives, called by the page's JavaScript through Pyodide (``tinygraph site``).

The server (:mod:`tinygraph.playground.server`) and this module are the page's two transports; both
hand each action to ``Session.apply`` and give back its view as JSON, so the numbers a page shows are
the engine's, computed by the same code on CPython or in the browser.  Here there is one learner (the
page) and no network traffic, so there is no token and no session id; a learner's mistake comes back
as ``{"error": message}`` just as the server answers it.

The page (``assets/site.js``) calls the module-level functions: :func:`open_playground` once (with
``tinygraph.cli.play_start``, which makes what ``tinygraph play NAME`` plays with: the library does not
know the demos), then :func:`call` for every change and :func:`page_file` for the step player and the
downloads.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import traceback
from typing import Any, Callable, Dict, Optional

from ..errors import TinygraphError
from .errors import PlayError
from ..draw.svg import inline_svg
from .state import Session, Start

__all__ = ["PagePlayground", "open_playground", "call", "page_file", "run_cell", "SITE_NETWORKS"]

#: the networks the site's index offers (any demo one can step through may be named in ?net=...)
SITE_NETWORKS = ("worked-example", "moons")


class PagePlayground:
    """One page's session on a demo network: ``name`` (a demo one can step through, e.g. 'moons'), made
    into a Start by ``make`` (``tinygraph.cli.play_start``)."""

    def __init__(self, name: str, make: Callable[[str], Start]) -> None:
        if not isinstance(name, str) or not name or len(name) > 40 or \
                not all(c.isascii() and (c.isalnum() or c in "-_") for c in name):
            raise PlayError(f"the page plays with a demo network named in its address (?net=NAME), e.g. "
                            f"{', '.join(SITE_NETWORKS)}; got {str(name)[:40]!r}")
        self.session = Session(make(name))

    def call(self, action: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """The view after ``action``, or ``{"error": message}`` (the session unchanged), as the server answers."""
        if not isinstance(body, dict):
            return {"error": "the request must be a JSON object"}
        try:
            view = self.session.apply(action, body)
        except TinygraphError as e:
            return {"error": str(e)}
        except Exception as e:          # the page keeps working whatever one action does
            return {"error": f"the playground could not do that: {type(e).__name__}: {e}"}
        view["fresh"] = False
        return view

    def page_file(self, what: str) -> Dict[str, str]:
        """A page or file of the current network: 'steps' (the step player), 'network.json', 'explanation.html'."""
        s = self.session
        if what == "steps":
            return {"name": "steps.html", "type": "text/html", "text": s.steps_page()}
        if what == "network.json":
            return {"name": f"{s.file_stem()}.json", "type": "application/json", "text": s.network_json()}
        if what == "explanation.html":
            return {"name": f"{s.file_stem()}-explained.html", "type": "text/html", "text": s.explanation_html()}
        raise PlayError(f"no page {what[:40]!r}: steps, network.json or explanation.html")


_PAGE: Optional[PagePlayground] = None


def open_playground(name: str, make: Callable[[str], Start]) -> str:
    """Start the page's session on the demo ``name`` (made by ``make``); "" when it started, else the
    message for the learner."""
    global _PAGE
    try:
        _PAGE = PagePlayground(name, make)
    except TinygraphError as e:
        return str(e)
    return ""


def _page() -> PagePlayground:
    if _PAGE is None:
        raise PlayError("the playground has not started: reload the page")
    return _PAGE


def call(action: str, body: str) -> str:
    """``action`` with the JSON text ``body``: the view (or ``{"error": ...}``) as JSON text."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return json.dumps({"error": "the request is not valid JSON"})
    try:
        answer = _page().call(action, doc)
    except TinygraphError as e:
        answer = {"error": str(e)}
    return json.dumps(answer, allow_nan=False)


def page_file(what: str) -> str:
    """The step player or a download as JSON text ``{"name", "type", "text"}``, or ``{"error": ...}``."""
    try:
        return json.dumps(_page().page_file(what))
    except TinygraphError as e:
        return json.dumps({"error": str(e)})


#: the names the documentation's code cells define, kept from cell to cell as in a notebook
_CELLS: Dict[str, Any] = {"__name__": "__main__"}


def run_cell(code: str) -> str:
    """Run one code cell of the documentation in the page (its "run in the browser" button), as a notebook
    would: in one namespace kept across cells, the value of a last expression shown (a drawing as its
    SVG, checked by the sanitizer; anything else as its repr).  JSON text ``{"text", "svg"}``: what the
    cell printed (and the last lines of a traceback if it failed), and the picture or null."""
    out = io.StringIO()
    svg = None
    try:
        tree = ast.parse(code, "<cell>")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compile(tree, "<cell>", "exec"), _CELLS)
            value = None if last is None else eval(compile(ast.Expression(last.value), "<cell>", "eval"), _CELLS)
        drawn = getattr(value, "_repr_svg_", None)
        picture = drawn() if callable(drawn) else None
        if picture:
            svg = inline_svg(picture)
        elif value is not None:
            out.write(repr(value) + "\n")
    except Exception as e:             # the learner's code: show what Python said, as a notebook does
        if isinstance(e, TinygraphError):
            out.write(f"{type(e).__name__}: {e}\n")
        else:
            out.write("".join(traceback.format_exception_only(type(e), e)))
    return json.dumps({"text": out.getvalue(), "svg": svg})
