"""tinygraph site: the static site where the playground runs in the browser (Pyodide + @viz-js/viz).

The fast tests build a site from a made-up npm package served by a file:// "registry" (no network) and
drive the in-page engine path of the renderer and the page's Python side on CPython.  The browser test
builds the real site (the pinned npm packages: fetched once into the cache, skipped if that cannot be
done), serves it on 127.0.0.1, and checks in headless Chromium that the engine in the page shows the
same numbers as CPython, digit for digit.
"""

import base64
import functools
import hashlib
import http.server
import io
import json
import math
import sys
import tarfile
import threading
import types
import zipfile

import pytest

import chromium
from chromium import browser_test
from tinygraph.cli import main, play_start
from tinygraph.draw import find_engine
from tinygraph.draw.render import ENV_VAR, IN_BROWSER, render
from tinygraph.engine.activations import get_activation
from tinygraph.errors import RenderError
from tinygraph.playground import browser as page_side
from tinygraph.playground import site
from tinygraph.playground.errors import PlayError, SiteError
from tinygraph.playground.state import Session


def _tgz(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _integrity(data):
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def fake_registry(tmp_path, monkeypatch):
    """A file:// registry holding one small package, pinned in site.PACKAGES in place of the real ones."""
    data = _tgz({"package/x.js": b"// x\n", "package/other.js": b"// not copied\n"})
    reg = tmp_path / "registry"
    (reg / "@t" / "x" / "-").mkdir(parents=True)
    (reg / "@t" / "x" / "-" / "x-1.0.0.tgz").write_bytes(data)
    pkg = site.Package("@t/x", "1.0.0", _integrity(data), {"package/x.js": "lib/x.js"})
    monkeypatch.setattr(site, "PACKAGES", (pkg,))
    return reg.as_uri(), pkg


def test_a_site_is_built_from_the_pinned_packages_and_then_from_the_cache(tmp_path, fake_registry):
    url, pkg = fake_registry
    report = site.build_site(tmp_path / "out", cache=tmp_path / "cache", registry_url=url)
    out = tmp_path / "out"
    assert (out / "lib" / "x.js").read_bytes() == b"// x\n" and not (out / "lib" / "other.js").exists()
    assert {"index.html", "play.html", "tinygraph.zip", site.MARKER} <= {p.name for p in out.iterdir()}
    assert "MB" in str(report) and report.size == sum(f.stat().st_size for f in report.files)
    play = (out / "play.html").read_text()
    assert "window.tgTransport" in play and play.index("window.tgTransport =") < play.index("httpTransport()")
    assert "$" + "script" not in play and "net=moons" in (out / "index.html").read_text()
    names = zipfile.ZipFile(out / "tinygraph.zip").namelist()
    assert "tinygraph/playground/browser.py" in names and "tinygraph/playground/assets/site.js" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # a second build needs no registry: the tarball is in the cache
    site.build_site(out, cache=tmp_path / "cache", registry_url=(tmp_path / "nowhere").as_uri())
    assert (out / "lib" / "x.js").is_file()


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path, fake_registry, monkeypatch):
    url, pkg = fake_registry
    monkeypatch.setattr(site, "PACKAGES", (site.Package(pkg.name, pkg.version, _integrity(b"other"), pkg.files),))
    with pytest.raises(SiteError, match="sha512 is not the pinned one"):
        site.build_site(tmp_path / "out", cache=tmp_path / "cache", registry_url=url)
    assert not (tmp_path / "cache" / pkg.tarball).exists() and not (tmp_path / "out").exists()


def test_no_registry_says_what_to_do_and_the_command_exits_1(tmp_path, fake_registry, monkeypatch, capsys):
    nowhere = (tmp_path / "nowhere").as_uri()
    with pytest.raises(SiteError, match=r"could not fetch @t/x 1\.0\.0.*npm_config_registry.*--cache"):
        site.build_site(tmp_path / "out", cache=tmp_path / "cache", registry_url=nowhere)
    monkeypatch.setenv("npm_config_registry", nowhere)
    assert main(["site", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert "could not fetch" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_download_cut_short_says_what_to_do(tmp_path, fake_registry, monkeypatch):
    import http.client
    import urllib.request

    def cut(url, timeout=None):
        raise http.client.IncompleteRead(b"part", 100)       # the connection dropped mid-tarball
    monkeypatch.setattr(urllib.request, "urlopen", cut)
    with pytest.raises(SiteError, match=r"could not fetch @t/x 1\.0\.0.*npm_config_registry"):
        site.build_site(tmp_path / "out", cache=tmp_path / "cache", registry_url="https://registry.example")


def test_the_command_writes_the_site_and_says_its_size(tmp_path, fake_registry, monkeypatch, capsys):
    url, _ = fake_registry
    monkeypatch.setenv("npm_config_registry", url)
    assert main(["site", "--out", str(tmp_path / "s"), "--cache", str(tmp_path / "c")]) == 0
    assert "MB" in capsys.readouterr().out and (tmp_path / "s" / "lib" / "x.js").is_file()
    assert main(["site", "--out", str(tmp_path / "s"), "--cache", str(tmp_path / "c")]) == 0   # replaced


def test_a_folder_of_other_files_is_not_overwritten(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(PlayError, match="holds other files"):
        site.check_out(tmp_path)
    with pytest.raises(PlayError, match="that is a file"):
        site.check_out(tmp_path / "mine.txt")
    assert site.check_out(tmp_path / "new" / "site") == tmp_path / "new" / "site"


def test_the_in_page_engine_is_refused_outside_a_browser():
    with pytest.raises(RenderError, match="only inside a browser page"):
        find_engine(IN_BROWSER)


@pytest.fixture
def in_a_page(monkeypatch):
    """CPython dressed as Pyodide: sys.platform 'emscripten' and a ``js`` module whose tinygraphLayout
    lays out with this machine's Graphviz (as @viz-js/viz does in the page), counting its calls."""
    try:
        host = find_engine()
    except RenderError as e:
        pytest.skip(f"no Graphviz engine to stand in for the page's: {e}")
    calls = []

    def layout(dot):
        calls.append(dot)
        if "syntax error here" in dot:
            raise ValueError("Error: syntax error in line 1")
        return render(dot, "svg", engine=host.path).decode()
    monkeypatch.delenv(ENV_VAR, raising=False)           # a page has no environment to name an engine
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(tinygraphLayout=layout))
    return calls


def test_in_a_page_pictures_are_laid_out_by_the_pages_function(in_a_page):
    assert find_engine().kind == IN_BROWSER
    s = Session(play_start("worked-example"))
    view = s.apply("backward", {"show": True})
    assert in_a_page and 'id="neuron-o1"' in view["svg"] and 'id="synapse-h1-o1"' in view["svg"]
    page = s.steps_page()              # many frames: laid out one by one, with no thread (Pyodide has none)
    assert len(in_a_page) > 5 and "highlight" in page
    with pytest.raises(RenderError, match="could not lay out this diagram: .*syntax error"):
        render("digraph { syntax error here }", "svg")


def test_the_page_side_answers_as_the_server_does():
    assert page_side.open_playground("nonsense-net", play_start).startswith("no network named 'nonsense-net'")
    assert "?net=" in page_side.open_playground("../etc/passwd", play_start)
    assert page_side.open_playground("worked-example", play_start) == ""
    want = Session(play_start("worked-example")).apply("backward", {"show": True, "picture": False})
    got = json.loads(page_side.call("backward", json.dumps({"show": True, "picture": False})))
    assert got.pop("fresh") is False and got == json.loads(json.dumps(want))
    assert got["items"]["neuron-o1"]["delta_value"] == repr(0.13849856162855698)
    bad = json.loads(page_side.call("set", json.dumps({"kind": "weight", "src": "h1", "dst": "o1", "value": "lots"})))
    assert "not a number" in bad["error"]
    assert json.loads(page_side.call("nonsense", "{}"))["error"].startswith("unknown action")
    assert json.loads(page_side.call("state", "[1,"))["error"] == "the request is not valid JSON"
    f = json.loads(page_side.page_file("network.json"))
    assert f["name"] == "worked-example.json" and json.loads(f["text"])["neurons"]
    assert "no page" in json.loads(page_side.page_file("secrets"))["error"]


# -- the real site in headless Chromium -------------------------------------------------------

LOAD_SECONDS = 180.0        # Pyodide's first load on a busy 2-core CI machine; about 5-20 s in practice


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The real site (pinned npm packages from the cache, fetched once), served on 127.0.0.1."""
    if not chromium.os.path.exists(chromium.CHROMIUM):
        pytest.skip(f"headless browser test: {chromium.CHROMIUM} not found (apt-get install chromium)")
    out = tmp_path_factory.mktemp("site") / "site"
    try:
        report = site.build_site(out)
    except SiteError as e:
        pytest.skip(f"the site's npm packages cannot be had here: {e}")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", report
    finally:
        httpd.shutdown()
        httpd.server_close()


def _wait(b, condition, timeout=LOAD_SECONDS):
    b.wait_for(condition, timeout, poll=0.1, said="(document.getElementById('message') || {}).textContent")


def _open(b, url):
    b.events.clear()
    b.call("Page.navigate", url=url)
    b.wait_event("Page.loadEventFired")
    _wait(b, "window.tgUpdates >= 1 || (document.getElementById('message') || {}).className === 'error'")
    assert b.js("document.getElementById('message').className") != "error", b.js(
        "document.getElementById('message').textContent")


def _requests(b):
    return [e["params"]["request"]["url"] for e in b.events if e.get("method") == "Network.requestWillBeSent"]


def _close(got, want, path="view"):
    """``got`` is ``want`` but for numbers a few units in the last place apart (exact text or float)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), path
        for k in want:
            _close(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            _close(g, w, f"{path}[{i}]")
    elif got != want:
        try:
            g, w = float(got), float(want)
        except (TypeError, ValueError):
            raise AssertionError(f"{path}: {got!r} != {want!r}") from None
        assert math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {got!r} != {want!r}"


def _refused(b):
    """What the page's policy refused or the page's scripts threw (none expected)."""
    out = [e["params"]["entry"]["text"] for e in b.events if e.get("method") == "Log.entryAdded"
           and "Content Security Policy" in e["params"]["entry"].get("text", "")]
    return out + [e["params"]["exceptionDetails"].get("text", "") for e in b.events
                  if e.get("method") == "Runtime.exceptionThrown"]


def _same_as_cpython(b, name, actions, monkeypatch, exact=True):
    """Each action done in the page and on CPython: the views (all but the laid-out SVG) are equal.
    CPython without numpy, as in the page: the node engine on both sides.  ``exact=False``: numbers may
    differ in the last place (see the moons part of the test)."""
    s = Session(play_start(name))
    for action, body in actions:
        got = b.js(f"window.tgApi({json.dumps(action)}, {json.dumps(body)})")
        with monkeypatch.context() as m:
            m.setitem(sys.modules, "numpy", None)
            want = json.loads(json.dumps(s.apply(action, dict(body))))
        assert got is not None, (action, b.js("document.getElementById('message').textContent"))
        for view in (got, want):
            view.pop("svg"), view.pop("fresh", None)
        if "activations" in want:    # this process may have registered more (three_bits' "heaviside"); the page not
            want["activations"] = [n for n in want["activations"] if get_activation(n).builtin]
        if exact:
            assert got == want, action
        else:
            _close(got, want, action)


@browser_test
@pytest.mark.slow
def test_the_site_runs_the_engine_in_the_page_with_nothing_from_another_host(browser, served, monkeypatch):
    root, report = served
    monkeypatch.setattr(chromium, "TIMEOUT", LOAD_SECONDS)          # Python holds the page while it loads
    browser.ws.sock.settimeout(LOAD_SECONDS)
    browser.call("Network.enable")
    browser.call("Log.enable")
    try:
        _open(browser, root + "play.html?net=worked-example")
        requests = _requests(browser)
        assert any(u.endswith("pyodide.asm.wasm") for u in requests) and any("viz-global" in u for u in requests)
        # Backward: the published delta of o1, read from the page
        browser.js("document.getElementById('backward').click()")
        _wait(browser, "document.getElementById('picture').textContent.includes('∂E/∂w')", 60)
        assert browser.js("!!document.querySelector('#picture #neuron-o1') && "
                          "!!document.querySelector('#picture #synapse-h1-o1')")
        browser.js("window.tgSelect('neuron-o1')")
        delta = browser.js("document.getElementById('edit-delta').dataset.value")
        assert round(float(delta), 9) == 0.138498562
        assert delta == repr(0.13849856162855698)                     # CPython's digits
        # every number of every view the same as on CPython
        _same_as_cpython(browser, "worked-example", [
            ("reset", {}), ("backward", {"show": True}),
            ("set", {"kind": "weight", "src": "h1", "dst": "o1", "value": "-1.25"}),
            ("step", {}), ("train", {"epochs": "20"}), ("add-neuron", {"layer": 1})], monkeypatch)
        # the step player, drawn in the page: the parts keep their ids, a frame highlights
        browser.js("document.getElementById('walk').click()")
        frame = "document.querySelector('#steps-box iframe').contentDocument"
        _wait(browser, f"{frame} && {frame}.querySelector('#frames')", 120)
        assert browser.js(f"!!{frame}.querySelector('[data-id=\"neuron-o1\"]') && "
                          f"!!{frame}.querySelector('.highlight')")
        # its script runs in the frame (the site's policy lets inline scripts run): the next button steps
        _wait(browser, f"{frame}.body.textContent.includes('step 1 of')", 30)
        browser.js(f"{frame}.getElementById('next').click()")
        _wait(browser, f"{frame}.body.textContent.includes('step 2 of')", 30)
        # moons: the node engine in the page (no numpy there) gives CPython's numbers, but for the last
        # place: the page's libm (Emscripten's, from musl) rounds exp, tanh, sin and cos differently from
        # glibc for a few arguments in a hundred (tanh, sin, cos) or ten thousand (exp), and from Python
        # 3.12 on sum() of floats is compensated (the page's Python is 3.14) while 3.11's is not
        seen = _requests(browser)
        assert _refused(browser) == []
        _open(browser, root + "play.html?net=moons")
        assert browser.js("window.tgLab && window.tgLab.points.length") > 10
        _same_as_cpython(browser, "moons", [("reset", {}), ("play", {"epochs": 2, "fast": False})], monkeypatch,
                         exact=False)
        seen += _requests(browser)
        allowed = ("data:", "blob:", "about:")
        assert seen and all(u.startswith(root) or u.startswith(allowed) for u in seen), seen
        assert _refused(browser) == []
    finally:
        browser.call("Network.disable")
        browser.call("Log.disable")


def test_a_docs_cell_runs_as_in_a_notebook():
    """run_cell (the docs' "run in the browser"): names kept from cell to cell, what it printed, the last
    expression's drawing as checked SVG, and a learner's error as its one line."""
    first = json.loads(page_side.run_cell("import tinygraph as tg\na = tg.Node(2.0, name='a')\nprint(a.value * 3)"))
    assert first == {"text": "6.0\n", "svg": None}
    drawn = json.loads(page_side.run_cell("c = (a * -3.0 + 1.0).sigmoid()\nc.backward()\ntg.draw_graph(c)"))
    assert drawn["svg"].startswith("<svg") and "<script" not in drawn["svg"] and drawn["text"] == ""
    s = 1 / (1 + math.exp(5.0))                                        # dc/da = -3 s (1 - s) at a = 2
    assert json.loads(page_side.run_cell("round(a.grad, 9)"))["text"] == f"{round(-3 * s * (1 - s), 9)!r}\n"
    err = json.loads(page_side.run_cell("tg.Node('x')"))["text"]
    assert err.startswith("WrongTypeError: ") and "Traceback" not in err
    assert json.loads(page_side.run_cell("1/0"))["text"] == "ZeroDivisionError: division by zero\n"
