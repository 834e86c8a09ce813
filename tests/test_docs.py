"""Tests for docs/: the documentation site.

The fast tests read the sources only (no build): every public name of ``tinygraph.__all__`` has
an autodoc entry in the reference, every demo a section in the gallery, every command of the
command line a section in the generated CLI reference.  The ``slow`` test builds the whole site
as CI does (warnings are errors, nitpicky references, every tutorial executed), and the
``browser`` test opens the built home page and a tutorial in headless Chromium and fails on any
console error or request that left the local server.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chromium import browser_test

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _tgdocs():
    spec = importlib.util.spec_from_file_location("tgdocs", DOCS / "_ext" / "tgdocs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_names(folder=DOCS / "reference"):
    """The names an autodoc directive documents, in the .rst and .md files of ``folder``."""
    names = set()
    for path in sorted(folder.glob("*.rst")) + sorted(folder.glob("*.md")):
        for target in re.findall(r"^\s*\.\. auto(?:class|function|exception|data|decorator)::\s*(\S+)",
                                 path.read_text(encoding="utf-8"), re.M):
            names.add(target.split(".")[-1] if target.startswith("tinygraph.") else target)
    return names


def test_every_public_name_is_in_the_reference():
    import tinygraph
    missing = [name for name in tinygraph.__all__ if name not in documented_names()]
    assert not missing, f"public names missing from docs/reference/api.rst: {missing}"


def test_the_data_sets_are_in_the_reference():
    from tinygraph import datasets
    missing = [name for name in datasets.__all__ if name not in documented_names()]
    assert not missing, f"tinygraph.data.datasets names missing from docs/reference/api.rst: {missing}"


def test_the_name_check_sees_a_missing_name(tmp_path):
    text = (DOCS / "reference" / "api.rst").read_text(encoding="utf-8")
    (tmp_path / "api.rst").write_text(text.replace(".. autofunction:: draw_graph\n", ""), encoding="utf-8")
    assert "draw_graph" in documented_names() and "draw_graph" not in documented_names(tmp_path)


def test_every_demo_is_in_the_gallery():
    from tinygraph.demos import DEMOS
    gallery = (DOCS / "gallery.md").read_text(encoding="utf-8")
    missing = [name for name in DEMOS if f'tgdocs.demo("{name}")' not in gallery]
    assert not missing, f"demos missing from docs/gallery.md: {missing}"


def test_every_command_is_in_the_cli_reference():
    import argparse

    from tinygraph.cli import _parser
    rst = "\n".join(_tgdocs()._cli_rst())
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices, "the parser has no commands"
    for name, parser in sub.choices.items():
        assert f"``tinygraph {name}``" in rst, name
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in rst, f"tinygraph {name} {option}"


def test_the_tutorials_are_numbered_notebooks_in_the_toctree():
    tutorials = sorted((DOCS / "tutorials").glob("[0-9]*.md"))
    assert len(tutorials) >= 7
    for path in tutorials:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\nfile_format: mystnb\n"), f"{path.name} is not executed as a notebook"
        assert "```{code-cell}" in text, path.name
    assert ":glob:" in (DOCS / "tutorials" / "index.md").read_text(encoding="utf-8")


def next_links(folder=DOCS / "tutorials"):
    """{tutorial file: the tutorial its closing "Next:" line links to (None: no such line)}."""
    links = {}
    for path in sorted(folder.glob("[0-9]*.md")):
        m = re.search(r"^Next: \{doc\}`([^`]+)`", path.read_text(encoding="utf-8"), re.M)
        links[path.stem] = m.group(1) if m else None
    return links


def test_each_tutorial_leads_to_the_next():
    links = next_links()
    order = list(links)
    for here, after in zip(order, order[1:]):
        assert links[here] == after, f"{here}.md: its Next: line should point at {after}, not {links[here]}"
    assert links[order[-1]] is None, f"{order[-1]}.md is the last tutorial: it has no Next"


def test_the_next_check_sees_a_skipped_tutorial(tmp_path):
    for name, after in (("05-data", "07-few"), ("06-digits", "07-few"), ("07-few", None)):
        (tmp_path / f"{name}.md").write_text(f"# x\n\nNext: {{doc}}`{after}`.\n" if after else "# x\n",
                                             encoding="utf-8")
    links = next_links(tmp_path)
    assert links == {"05-data": "07-few", "06-digits": "07-few", "07-few": None}
    with pytest.raises(AssertionError):
        order = list(links)
        for here, after in zip(order, order[1:]):
            assert links[here] == after


def test_the_readme_links_to_files_that_exist():
    """The README's relative links (into docs/, read on the repository page) name real files."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = [t for t in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text) if "://" not in t]
    assert any(t.startswith("docs/tutorials/") for t in links), "the README links to no tutorial"
    missing = [t for t in links if not (ROOT / t).is_file()]
    assert not missing, f"the README links to files that do not exist: {missing}"
    tutorials = {p.relative_to(ROOT).as_posix() for p in (DOCS / "tutorials").glob("[0-9]*.md")}
    assert tutorials <= set(links), f"tutorials the README does not link to: {sorted(tutorials - set(links))}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built as the README says (warnings are errors, nitpicky), into a temporary folder."""
    for module in ("sphinx", "myst_nb", "furo", "latex2mathml"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f'building the docs needs {module}: pip install ".[docs]"')
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
                          "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"the docs build failed:\n{run.stderr[-6000:]}"
    return out / "html"


@pytest.mark.slow
def test_the_site_builds_with_every_tutorial_executed(site):
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    for page in ("index.html", "gallery.html", "reference/api.html", "reference/cli.html", "search.html",
                 "tutorials/03-stepping-through.html", "tutorials/04-training.html"):
        assert page in pages, page
    # the embedded pages were written by the notebooks into the build
    assert (site / "_pages" / "worked-example-steps.html").stat().st_size > 10_000
    assert (site / "_pages" / "moons.html").stat().st_size > 10_000
    # a number computed during the build: Mazur's error, by tinygraph
    assert "0.298371108760003" in (site / "tutorials" / "02-network-by-hand.html").read_text(encoding="utf-8")
    assert "<math" in (site / "tutorials" / "01-one-neuron.html").read_text(encoding="utf-8")
    digits = (site / "tutorials" / "06-digits.html").read_text(encoding="utf-8")
    assert "held-out images: " in digits and "1210 weights and biases" in digits
    for page in ("guide/index.html", "guide/nodes-and-networks.html", "guide/data.html"):
        assert page in pages, page


@pytest.fixture(scope="module")
def served(site):
    """The built site on a local HTTP server (127.0.0.1), as a learner's browser would see it."""
    import functools
    import http.server
    import threading
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@browser_test
def test_the_home_page_and_a_tutorial_open_without_console_errors(served, browser):
    """The home page and the step-player tutorial (with its embedded player) open in Chromium with
    no console error, no uncaught exception and no request to anywhere but the local server."""
    browser.call("Network.enable")
    for page in ("index.html", "tutorials/03-stepping-through.html"):
        browser.events.clear()
        browser.call("Page.navigate", url=served + page)
        browser.wait_event("Page.loadEventFired")
        assert browser.js("document.title")
        if "stepping" in page:
            # the embedded player ran: its iframe has a document with the player's frames in it
            browser.js("new Promise(r => { const f = document.querySelector('iframe.tg-page');"
                       " f.loading = 'eager'; f.scrollIntoView(); setTimeout(r, 1500); })")
            assert browser.js("document.querySelector('iframe.tg-page').contentDocument"
                              ".querySelectorAll('svg').length") > 0
        browser.js("new Promise(r => setTimeout(r, 300))")
        problems = [e for e in browser.events
                    if e.get("method") == "Runtime.exceptionThrown"
                    or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error")
                    or (e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error")]
        assert not problems, f"{page}: {problems[:3]}"
        remote = [e["params"]["request"]["url"] for e in browser.events
                  if e.get("method") == "Network.requestWillBeSent"
                  and not e["params"]["request"]["url"].startswith((served, "data:", "about:", "blob:"))]
        assert not remote, f"{page} asked the network for {remote}"


@pytest.mark.slow
@browser_test
def test_a_tutorial_cell_runs_in_the_browser(site, served, browser, monkeypatch):
    """The "Run in the browser" button of a code cell runs it (and the cells before it) in the page, on
    tinygraph in Pyodide from the site the build includes: Mazur's error, computed in the browser."""
    if not (site / "_pages" / "site" / "tinygraph-site.json").is_file():
        pytest.skip("this docs build has no in-browser site: its npm packages could not be fetched")
    import chromium
    monkeypatch.setattr(chromium, "TIMEOUT", 180.0)           # Python holds the page while it loads
    browser.ws.sock.settimeout(180.0)
    browser.call("Page.navigate", url=served + "tutorials/02-network-by-hand.html")
    browser.wait_event("Page.loadEventFired")
    assert browser.js("document.querySelectorAll('button.tg-run').length") >= 5
    browser.js("document.querySelectorAll('button.tg-run')[1].click()")
    import time
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not browser.js("window.tgCellsRun >= 2"):
        time.sleep(0.2)
    shown = browser.js("[...document.querySelectorAll('div.tg-ran')].map(d => d.textContent).join('\\n')")
    assert "0.298371108760003" in shown, shown
