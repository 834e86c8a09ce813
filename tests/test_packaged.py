"""Each language in its own file: the pages' JS, CSS and HTML template are package data (tinygraph/draw/packaged.py),
inlined into each page when it is written; no Python string literal holds a page's worth of another language."""

import ast
import sys
from pathlib import Path

import pytest

from tinygraph.draw.packaged import asset
from tinygraph.errors import RenderError

PACKAGE = Path(__file__).resolve().parent.parent / "tinygraph"
MOST_LINES = 20


def _docstrings(tree):
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def test_no_string_literal_in_the_package_is_longer_than_twenty_lines():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            text = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
            if (text or isinstance(node, ast.JoinedStr)) and node.end_lineno - node.lineno + 1 > MOST_LINES:
                long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long, "string literals longer than 20 lines (move them into a package data file): " + ", ".join(long)


def test_every_page_inlines_its_script_and_style():
    from tinygraph.draw.player import player_html
    from tinygraph.playground.page import page_html
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>hi</text></svg>'
    page = player_html([svg], [{"text": "a"}])
    for name in ("player.js", "player.css"):
        assert asset("tinygraph.draw", name) in page
    play = page_html("tok<en>", "n0nce", "a <b> title")
    for name in ("playground.js", "playground.css"):
        assert asset("tinygraph.playground", name) in play
    assert "$" not in play.replace(asset("tinygraph.playground", "playground.js"), "")   # every field filled
    assert 'data-token="tok&lt;en&gt;"' in play and "a &lt;b&gt; title" in play
    assert play.count('nonce="n0nce"') == 2 and "<script src" not in play and "<link" not in play


def test_training_page_inlines_its_side_panel(tmp_path):
    import tinygraph as tg
    net = tg.MLP([1, 2, 1], activation="tanh", output_activation="linear", seed=0)
    h = tg.train(net, [([0.0], [0.0]), ([1.0], [1.0])], lr=0.1, max_epochs=3, record=1, verbose=False)
    page = tg.training_page(h).html
    assert asset("tinygraph.draw", "training.js") in page and asset("tinygraph.draw", "training.css") in page


def test_a_missing_or_unsafe_asset_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "tgfake" / "assets").mkdir(parents=True)
    (tmp_path / "tgfake" / "__init__.py").write_text("")
    (tmp_path / "tgfake" / "assets" / "bad.js").write_text('const s = "</SCRIPT>";\n')
    (tmp_path / "tgfake" / "assets" / "bad.css").write_text("a::after{content:'</style>'}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(RenderError, match="would end its block"):
            asset("tgfake", "bad.js")
        with pytest.raises(RenderError, match="would end its block"):
            asset("tgfake", "bad.css")
        with pytest.raises(RenderError, match="missing.*reinstall"):
            asset("tgfake", "absent.js")
    finally:
        sys.modules.pop("tgfake", None)
        asset.cache_clear()
