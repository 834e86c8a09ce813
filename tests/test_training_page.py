"""A recorded run (train(record=K)) and its training page: in Python, then in headless Chromium."""

import json
import math
import os

import pytest

import tinygraph as tg
from tinygraph.data.datasets import make_moons
from tinygraph.draw.training_page import MissingPillowError, training_page

from chromium import browser_test


def moons_run(record=10, epochs=120, n=60):
    X, Y = make_moons(n, noise=0.15, seed=1)
    data = [(x, [1.0 if y > 0 else 0.0]) for x, y in zip(X, Y)]
    net = tg.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=3)
    return net, tg.train(net, data, loss="bce", lr=0.5, max_epochs=epochs, record=record, verbose=False)


def sine_run():
    net = tg.MLP([1, 5, 1], activation="tanh", output_activation="linear", seed=1)
    data = [([x / 10], [math.sin(x / 10 * 3)]) for x in range(-15, 16)]
    return net, tg.train(net, data, loss="mse", lr=0.1, max_epochs=60, record=6, verbose=False)


# -- recording -----------------------------------------------------------------------------

def test_recorded_run_ends_with_the_same_weights_as_an_unrecorded_one():
    plain, h0 = moons_run(record=None)
    rec, h1 = moons_run(record=7)
    assert [p.value for p in plain.parameters()] == [p.value for p in rec.parameters()]   # bit for bit
    assert list(h0) == list(h1) and h0.snapshots == [] and h0.record is None
    epochs = [s.epoch for s in h1.snapshots]
    assert epochs == list(range(0, 120, 7)) + [120]              # every 7th and the last
    for s in h1.snapshots:
        assert s.error == h1[s.epoch] and len(s.values) == len(rec.parameters())
        assert len(s.outputs) == 60 and set(s.outputs[0]) == {"o1"}
    assert h1.snapshots[-1].values == tuple(p.value for p in rec.parameters())
    assert h1.network is rec and len(h1.data[0]) == 60


def test_record_keeps_the_epoch_it_converged_at_and_no_outputs_for_big_data():
    X, Y = make_moons(260, noise=0.1, seed=2)
    data = [(x, [1.0 if y > 0 else 0.0]) for x, y in zip(X, Y)]
    net = tg.MLP([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    h = tg.train(net, data, loss="bce", lr=0.5, until=0.45, max_epochs=500, record=50, verbose=False)
    assert h.converged and h.snapshots[-1].epoch == h.epochs
    assert all(s.outputs is None for s in h.snapshots)           # more than 200 samples: no outputs kept
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(ValueError, match="record"):
            tg.train(net, data[:4], lr=0.1, max_epochs=1, record=bad)


# -- the page, without a browser ------------------------------------------------------------

def test_page_has_a_frame_per_snapshot_the_curve_and_the_plane():
    net, h = moons_run()
    html = training_page(h).html
    steps = json.loads(html.split('<script type="application/json" id="steps">', 1)[1].split("</script>", 1)[0])
    assert [s["text"].split(":")[0] for s in steps] == [f"epoch {s.epoch}" for s in h.snapshots]
    assert "training accuracy" in steps[-1]["detail"]
    assert 'id="curve"' in html and 'id="plane"' in html and html.count("data:image/png;base64,") == len(h.snapshots) + 2   # each frame, the first shown, the check
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html   # offline
    assert [p.value for p in net.parameters()] == list(h.snapshots[-1].values)   # drawing put the weights back


def test_page_keeps_one_layout_for_every_frame(engine):
    """Every epoch's network drawn in ONE layout (parts stored once, every neuron and weight box at
    the same point), with either engine: graphviz-pure is what a plain pip install draws with."""
    from helpers import frame_places
    from tinygraph.draw.frames import same_layout_diagrams, shared_frames
    from tinygraph.draw.player import SharedFrame
    from tinygraph.draw.render import render_svgs
    from tinygraph.draw.training_page import _draws
    net, h = moons_run()
    draws = _draws(training_page(h).run)
    frames = shared_frames(draws)
    assert all(isinstance(f, SharedFrame) for f in frames) and len({id(f.layout) for f in frames}) == 1
    whole = render_svgs([d.source for d in same_layout_diagrams(draws)])   # each frame laid out alone
    places = frame_places(whole)
    assert len(set(places)) == 1
    assert len([k for k in places[0][1] if k[0].startswith("neuron-")]) == len(net.neurons)
    assert training_page(h).html.count('<div class="frame"') == 1


def test_page_of_one_input_draws_the_fitted_curve():
    net, h = sine_run()
    html = training_page(h).html
    assert 'id="fitline"' in html and 'id="plane"' not in html


def test_page_escapes_names_and_refuses_an_unrecorded_history():
    net = tg.Network("<script>alert(1)</script>")
    x = net.input("x<b>")
    o = net.neuron("o&1", activation="sigmoid")
    net.connect(x, o, weight=0.5)
    h = tg.train(net, [([0.0], [0.0]), ([1.0], [1.0])], lr=0.5, max_epochs=5, record=2, verbose=False)
    html = training_page(h).html
    assert "<script>alert(1)" not in html and "<b>" not in html
    with pytest.raises(ValueError, match="record="):
        training_page(tg.train(net, [([0.0], [0.0])], lr=0.5, max_epochs=2))


def test_save_writes_html_and_refuses_other_suffixes(tmp_path):
    net, h = moons_run(epochs=20)
    page = training_page(h)
    assert page.save(tmp_path / "run.html") == (tmp_path / "run.html").stat().st_size
    with pytest.raises(ValueError):
        page.save(tmp_path / "run.txt")
    assert not (tmp_path / "run.txt").exists()


# -- the GIF ----------------------------------------------------------------------------------

def test_gif_has_the_recorded_frames(tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="the GIF needs Pillow (the gif extra)")
    net, h = moons_run(record=30, epochs=90)
    size = training_page(h).save(tmp_path / "run.gif")
    assert size == (tmp_path / "run.gif").stat().st_size
    with Image.open(tmp_path / "run.gif") as im:
        assert im.format == "GIF" and im.n_frames == len(h.snapshots) and im.size[0] > 400


def test_gif_without_pillow_says_what_to_install(tmp_path, monkeypatch):
    import builtins
    real = builtins.__import__

    def no_pil(name, *a, **k):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    net, h = moons_run(epochs=10)
    with pytest.raises(MissingPillowError, match=r"tinygraph\[gif\]"):
        training_page(h).save(tmp_path / "run.gif")
    assert not os.listdir(tmp_path)


# -- in headless Chromium -------------------------------------------------------------------------

PAGE_STATE = """(() => ({
  counter: document.getElementById('counter').textContent,
  line: document.getElementById('line').textContent,
  epoch: document.body.getAttribute('data-epoch'),
  mark: document.getElementById('mark').getAttribute('x1'),
  plane: (document.getElementById('plane') || {getAttribute: () => ''}).getAttribute('href').slice(-40),
  fit: (document.getElementById('fitline') || {getAttribute: () => ''}).getAttribute('points'),
  playing: window.player.playing(), step: window.player.step(),
  sideWidth: document.getElementById('side').getBoundingClientRect().width,
  viewWidth: document.getElementById('view').getBoundingClientRect().width
}))()"""


def _errors(b):
    return [e for e in b.events if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") in ("error", "warning"))]


@browser_test
def test_page_plays_scrubs_and_takes_keys_in_chromium(browser, tmp_path):
    net, h = moons_run(record=20, epochs=120)
    path = tmp_path / "run.html"
    training_page(h).save(path)
    browser.open(path)
    n = len(h.snapshots)
    s0 = browser.js(PAGE_STATE)
    assert s0["counter"] == f"frame 1 of {n}" and s0["epoch"] == "0" and s0["step"] == 1
    assert s0["sideWidth"] > 200 and s0["viewWidth"] > 300
    browser.js("document.getElementById('speed').value = '4'; window.player.play()")
    assert browser.js("window.player.playing()")
    browser.js("new Promise(r => setTimeout(r, 900))")
    s1 = browser.js(PAGE_STATE)
    assert s1["step"] > 1 and s1["epoch"] != "0"                    # play advanced the frames
    assert s1["mark"] != s0["mark"] and s1["plane"] != s0["plane"]  # the curve's marker and the plane follow
    browser.js("window.player.first()")
    browser.js("const s = document.getElementById('scrub'); s.value = '4'; s.dispatchEvent(new Event('input'))")
    s2 = browser.js(PAGE_STATE)
    assert s2["step"] == 4 and s2["epoch"] == str(h.snapshots[3].epoch) and not s2["playing"]
    browser.key("End", "End", 35)
    s3 = browser.js(PAGE_STATE)
    assert s3["step"] == n and s3["epoch"] == str(h.snapshots[-1].epoch)
    browser.key("ArrowLeft", "ArrowLeft", 37)
    assert browser.js(PAGE_STATE)["step"] == n - 1
    assert _errors(browser) == []


@browser_test
def test_one_input_page_moves_its_curve_in_chromium(browser, tmp_path):
    net, h = sine_run()
    path = tmp_path / "sine.html"
    training_page(h).save(path)
    browser.open(path)
    a = browser.js(PAGE_STATE)
    browser.key("ArrowRight", "ArrowRight", 39)
    b = browser.js(PAGE_STATE)
    assert b["step"] == 2 and b["fit"] != a["fit"]
    assert _errors(browser) == []


def test_page_of_three_inputs_has_the_curve_but_no_function_picture():
    net = tg.MLP([3, 2, 1], activation="tanh", output_activation="linear", seed=0)
    data = [([a, b, a - b], [a * b]) for a in (0.0, 0.5, 1.0) for b in (0.0, 1.0)]
    h = tg.train(net, data, loss="mse", lr=0.1, max_epochs=8, record=4, verbose=False)
    html = training_page(h).html
    assert 'id="curve"' in html and 'id="fit"' not in html


def test_batch_trained_table_records_the_converged_epoch():
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    from tinygraph.data.tables import read_table, train_table
    t = read_table(os.path.join(os.path.dirname(__file__), "..", "demos", "circle.csv"), "label")
    fit = train_table(t, hidden=[4], epochs=400, until=0.3, engine="batch", record=25)
    h = fit.history
    assert h.converged and h.snapshots[-1].epoch == h.epochs and h.snapshots[-1].error == h.final
    assert [s.epoch for s in h.snapshots][:3] == [0, 25, 50]
    assert h.snapshots[-1].values == tuple(p.value for p in fit.net.parameters())


# -- held-out rows -------------------------------------------------------------------------------

def test_table_page_shows_the_held_out_error_and_accuracy_the_command_line_prints():
    from tinygraph.draw.training_page import RecordedRun, _steps
    from tinygraph.data.tables import read_table, train_table
    t = read_table(os.path.join(os.path.dirname(__file__), "..", "demos", "circle.csv"), "label")
    fit = train_table(t, hidden=[4], epochs=60, engine="node", record=20)
    xt, tt = fit.history.held_out
    assert len(xt) == fit.n_test == len(tt) > 0
    run = RecordedRun(fit.history)
    run.evaluate()
    # the last snapshot holds the trained weights: its held-out numbers are the ones printed
    assert math.isclose(run.held_errors[-1], fit.test_error, rel_tol=1e-9)
    assert math.isclose(run.held_right[-1], fit.test_accuracy, rel_tol=1e-12)
    assert len(run.held_errors) == len(run.snaps)
    last = _steps(run)[-1]["detail"]
    assert f"held-out accuracy {fit.test_accuracy:.1%}" in last and "held-out binary_cross_entropy" in last
    html = training_page(fit.history).html
    assert 'id="heldline"' in html and "held-out rows" in html


def test_a_softmax_page_shows_the_accuracies_and_classes_the_command_line_prints():
    from tinygraph.draw.training_page import RecordedRun, _steps
    from tinygraph.data.tables import read_table, train_table
    t = read_table("iris", "species")
    for engine in ("node", "batch"):                 # outputs recorded (node) or not (batch: counted after)
        if engine == "batch":
            pytest.importorskip("numpy")
        fit = train_table(t, hidden=[4], epochs=40, engine=engine, record=20)
        run = RecordedRun(fit.history)
        run.evaluate()
        assert math.isclose(run.held_right[-1], fit.test_accuracy, rel_tol=1e-12)
        assert math.isclose(run.accuracy(len(run.snaps) - 1), fit.train_accuracy, rel_tol=1e-12)
        last = _steps(run)[-1]["detail"]
        assert f"training accuracy {fit.train_accuracy:.1%} (the class of the largest probability counts)" in last
        assert f"held-out accuracy {fit.test_accuracy:.1%}" in last
        by_class = last.split("held-out rows by class, right of all: ")[1]
        parts = [p.rsplit(" ", 1) for p in by_class.split(", ")]
        assert [name for name, _ in parts] == ["setosa", "versicolor", "virginica"]
        assert [f for _, f in parts] == [f"{row[k]}/{sum(row)}" for k, row in enumerate(fit.confusion)]
        assert sum(row[k] for k, row in enumerate(fit.confusion)) == round(fit.test_accuracy * fit.n_test)


def test_a_table_regression_page_shows_errors_and_outputs_in_the_datas_units(tmp_path):
    from tinygraph.draw.training_page import RecordedRun, _caption, _steps, error_curve, fit_picture
    from tinygraph.data.tables import read_table, train_table
    path = tmp_path / "prices.csv"
    path.write_text("size,price\n" + "".join(f"{30 + 4 * i},{1000 * (30 + 4 * i) + (7919 * i) % 9000}\n"
                                               for i in range(40)), encoding="utf-8")
    fit = train_table(read_table(str(path), "price"), hidden=[4], epochs=60, engine="node", record=20)
    run = RecordedRun(fit.history)
    run.evaluate()
    last = len(run.snaps) - 1
    # the numbers the terminal prints (tinygraph train: "mse (in price's units, squared): train ..., test ...")
    assert _caption(run, last) == f"epoch 60: mse {fit.train_error:.4g} (in price's units, squared)"
    assert f"held-out mse {fit.test_error:.4g} (training {fit.train_error:.4g})" in _steps(run)[-1]["detail"]
    svg, marks = error_curve(run)
    assert "The errors are" not in svg                         # said beside it, in the side panel's key
    # the function learned: the line and the dots in prices, not in standard deviations
    _, kind, curves = fit_picture(run)
    assert kind == "curve"
    ys = [y for f in run.fits for _, y in f]
    assert min(ys) > 10_000 and max(ys) < 250_000
    assert run.lo >= 30_000 and run.hi <= 200_000
    colours = {run.point_colour(t["price"]) for t in run.ts}
    assert len(colours) == 2                                   # cheap and dear both, split at the middle
    html = training_page(fit.history).html
    assert "The errors are in price&#x27;s units, squared." in html or "The errors are in price's units, squared." in html


def test_held_out_rows_given_by_hand_and_refused_when_malformed():
    net, h = moons_run(epochs=20)
    X, Y = make_moons(30, noise=0.15, seed=7)
    rows = [({"x1": x[0], "x2": x[1]}, {"o1": 1.0 if y > 0 else 0.0}) for x, y in zip(X, Y)]
    page = training_page(h, held_out=rows)
    html = page.html
    assert 'id="heldline"' in html and "held-out accuracy" in html
    assert 'id="heldline"' not in training_page(h).html                # none given: none drawn
    with pytest.raises(tg.TinygraphError, match="held_out"):
        training_page(h, held_out=[1, 2, 3]).html
