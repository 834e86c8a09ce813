"""The pages' scripts, style sheets and templates: package data files, read once and inlined.

Each page tinygraph writes is one self-contained file that works offline, so the
JavaScript and CSS kept beside the code (``tinygraph/draw/assets/``,
``tinygraph/playground/assets/``; linted by ESLint in CI) are put into the page
as ``<script>`` and ``<style>`` blocks when it is written.
"""

from __future__ import annotations

import functools
from importlib import resources

from ..errors import RenderError

__all__ = ["asset"]

# what would end the inline block it is put in (an HTML parser ends a <script> at "</script", any case)
_ENDS = {".js": "</script", ".css": "</style"}


@functools.lru_cache(maxsize=None)
def asset(package: str, name: str) -> str:
    """The text of ``assets/NAME`` in ``package`` (e.g. ``asset("tinygraph.draw", "player.js")``),
    checked to be safe to inline: a script or style sheet that cannot end its own block early."""
    try:
        text = resources.files(package).joinpath("assets").joinpath(name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as e:
        raise RenderError(f"tinygraph's page file assets/{name} is missing from {package} ({e}); "
                          "reinstall tinygraph (pip install --force-reinstall tinygraph)") from None
    for suffix, end in _ENDS.items():
        if name.endswith(suffix) and end in text.lower():
            raise RenderError(f"assets/{name} holds {end!r}, which would end its block in the page")
    return text
