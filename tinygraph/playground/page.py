"""The playground's page: one self-contained HTML document whose script only asks and displays.

Every number on it comes from the server (the engine); the script never does
arithmetic on them.  It makes a session id on load (kept in sessionStorage, so
each tab has its own network; a duplicated tab, which copies sessionStorage, notices
through a BroadcastChannel that a live page holds that id and makes its own) and sends each change as a JSON POST with the token.

The page is ``assets/playground.html`` (a :class:`string.Template`: ``$title``,
``$token`` and ``$nonce``, escaped here, and ``$style`` and ``$script``, the files
``assets/playground.css`` and ``assets/playground.js`` inlined).
"""

from __future__ import annotations

import html
import string

from ..draw.packaged import asset

__all__ = ["page_html"]


def page_html(token: str, nonce: str, title: str) -> str:
    """The page, with the token in a data attribute and the script and style allowed by ``nonce``."""
    e = html.escape
    page = string.Template(asset(__package__, "playground.html"))
    return page.substitute(title=e(title), token=e(token, quote=True), nonce=e(nonce, quote=True),
                           style=asset(__package__, "playground.css"),
                           script=asset(__package__, "playground.js"))
