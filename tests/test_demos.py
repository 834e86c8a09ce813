"""Every demo runs in fast mode and prints the right numbers (tinygraph/demos/)."""

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tinygraph as tg
from tinygraph.demos import DEMOS, UnknownDemoError, get_demo, list_demos, run_demo
from tinygraph.demos import (hopfield as hopfield_demo, moons, multiplier, three_bits, universal,
                             worked_example, xor)
from tinygraph.demos.output import out_dir


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def written(result):
    """Every file the demo says it wrote exists and is not empty."""
    files = result["files"]
    for f in files:
        assert Path(f).is_file() and Path(f).stat().st_size > 0, f
    return {Path(f).name for f in files}


# -- registry and command line -------------------------------------------------

def test_list_names_every_demo_with_one_line():
    text = list_demos()
    for name in DEMOS:
        assert sum(line.strip().startswith(name + " ") for line in text.splitlines()) == 1
    assert len(DEMOS) == 9


def test_unknown_demo_is_a_clear_error_listing_the_names(tmp_path):
    with pytest.raises(UnknownDemoError) as e:
        run_demo("multiplyer", out=tmp_path)
    msg = str(e.value)
    assert "'multiplyer'" in msg and "Did you mean 'multiplier'" in msg
    for name in DEMOS:
        assert name in msg
    assert isinstance(e.value, tg.TinygraphError) and isinstance(e.value, KeyError)
    assert list(tmp_path.iterdir()) == []          # nothing created for a bad name


def test_cli_prints_unknown_demo_cleanly(capsys):
    from tinygraph.cli import main
    assert main(["demo", "nope"]) == 2
    err = capsys.readouterr().err
    assert "there is no demo called 'nope'" in err and "three-bits" in err
    assert "Traceback" not in err


def test_names_are_forgiving():
    assert get_demo("Three_Bits") is three_bits
    assert get_demo(" worked-example ") is worked_example


def test_output_folder_that_is_a_file(tmp_path):
    f = tmp_path / "taken"
    f.write_text("keep me")
    with pytest.raises(tg.TinygraphError, match="is a file"):
        out_dir(f)
    assert f.read_text() == "keep me"


def test_out_dir_created_and_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert out_dir(None) == Path("tinygraph-out") and (tmp_path / "tinygraph-out").is_dir()
    assert out_dir(tmp_path / "a" / "b").is_dir()


def test_every_network_demo_has_build():
    for name in ("multiplier", "three-bits", "xor", "worked-example", "moons", "universal"):
        net, inputs, targets = get_demo(name).build()
        assert isinstance(net, tg.Network)
        outs = net.forward(inputs)
        assert set(outs) == set(targets)


def test_cli_subprocess_multiplier(tmp_path):
    out = tmp_path / "pics"
    r = subprocess.run([sys.executable, "-m", "tinygraph", "demo", "multiplier", "--out", str(out)],
                       capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "x·y" in r.stdout and "11.99995" in r.stdout
    svg = (out / "multiplier.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:500]
    # every weight readable: the labels +-0.001 and +-mu are in the picture
    assert "0.001" in svg and "2.598e+06" in svg


def test_a_console_without_unicode_still_works(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    r = subprocess.run([sys.executable, "-m", "tinygraph", "demo", "hopfield", "--fast", "--out", str(tmp_path)],
                       capture_output=True, text=True, cwd=str(tmp_path), timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "##########" in r.stdout and "Recalled 4 of 4 letters" in r.stdout


def test_thin_scripts_call_the_package(tmp_path):
    root = Path(__file__).resolve().parent.parent / "demos"
    for name, (module, _) in DEMOS.items():
        text = (root / f"{module}.py").read_text(encoding="utf-8")
        assert f'demo_script("{name}")' in text
    r = subprocess.run([sys.executable, str(root / "three_bits.py"), "--fast", "--out", str(tmp_path)],
                       capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "exact for all 8 inputs" in r.stdout


def test_thin_scripts_help_is_their_own(tmp_path):
    script = Path(__file__).resolve().parent.parent / "demos" / "xor.py"
    r = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True,
                       cwd=str(tmp_path), timeout=120)
    assert r.returncode == 0, r.stderr
    usage = r.stdout.splitlines()[0]
    assert usage.startswith("usage: ") and usage.endswith("xor.py [-h] [--out FILE.svg|DIR] [--fast]"), usage
    assert "tinygraph demo [" not in r.stdout and "name" not in usage and "'tinygraph demo xor'" in r.stdout
    r = subprocess.run([sys.executable, str(script), "--nope"], capture_output=True, text=True,
                       cwd=str(tmp_path), timeout=120)
    assert r.returncode == 2 and "xor.py" in r.stderr and "--nope" in r.stderr
    assert list(tmp_path.iterdir()) == []          # nothing written for a bad option


# -- multiplier ------------------------------------------------------------------

def test_multiplier(tmp_path, capsys):
    r = multiplier.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    # s''(b) is computed, and matches a central difference and the closed form -1/(6 sqrt 3)
    assert r["s2"] == pytest.approx(-1 / (6 * math.sqrt(3)), rel=1e-12)
    assert r["s2_numeric"] == pytest.approx(r["s2"], rel=1e-6)
    # μ = 1/(4 λ² s''(b)) in closed form: −1.5·√3/λ²; read back from the network's own synapse
    assert r["mu"] == pytest.approx(-1.5 * math.sqrt(3) / multiplier.LAM ** 2, rel=1e-12)
    for p in r["pairs"]:
        assert p["output"] == pytest.approx(p["product"], abs=1e-4)
        assert p["d_out_dx"] == pytest.approx(p["y"], abs=1e-4)       # d(xy)/dx = y
        assert p["d_out_dy"] == pytest.approx(p["x"], abs=1e-4)
    errs = r["errors"]
    # the first four halvings: error falls by about 4 each time (the lambda^2 law)
    for (l1, e1), (l2, e2) in zip(errs[:4], errs[1:5]):
        assert l1 / l2 == 2
        assert 3.5 < e1 / e2 < 4.5
    # and from 1e-3 to 1e-4 by about 100, before cancellation
    e = dict(errs)
    assert 60 < e[1e-3] / e[1e-4] < 160
    assert "λ" in text and "11.999950000" in text
    # below lambda = 1e-4 cancellation wins: the error grows 24x, and the table says so
    assert e[1e-5] > e[1e-4] and "rose ×24 " in text
    assert multiplier.change(1.0, 24.0) == "rose ×24" and multiplier.change(4.0, 1.0) == "fell by 4"
    for line in text.splitlines():
        assert "fell by 0." not in line, line
    assert written(r) == {"multiplier.svg"}


def test_multiplier_network_follows_the_reference_table():
    lam = 0.01
    net = multiplier.build_network(lam)
    mu = 1 / (4 * lam ** 2 * multiplier.second_derivative())
    signs = {"h1": (+1, +1, +1), "h2": (-1, -1, +1), "h3": (+1, -1, -1), "h4": (-1, +1, -1)}
    for h, (sx, sy, so) in signs.items():
        assert net.synapse("x", h).value == sx * lam
        assert net.synapse("y", h).value == sy * lam
        assert net.synapse(h, "out").value == pytest.approx(so * mu, rel=1e-15)
        assert net[h].activation.name == "sigmoid"
        assert net[h].bias.value == math.log(2 + math.sqrt(3))
    assert net["out"].activation.name == "linear" and net["out"].bias is None
    # by hand with the formula
    x, y = 0.7, -1.3
    b = math.log(2 + math.sqrt(3))
    hand = mu * (sigmoid(b + lam * (x + y)) + sigmoid(b - lam * (x + y))
                 - sigmoid(b + lam * (x - y)) - sigmoid(b - lam * (x - y)))
    assert net.forward({"x": x, "y": y})["out"].value == pytest.approx(hand, rel=1e-9)


# -- three bits ------------------------------------------------------------------

def test_three_bits(tmp_path, capsys):
    r = three_bits.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    assert r["exact"] and r["step"] == [0, 0, 0, 0, 0, 0, 0, 1]
    errs = [r["errors"][b] for b in r["betas"]]
    assert all(a > b for a, b in zip(errs, errs[1:]))           # better as beta grows
    for beta in r["betas"]:
        assert r["errors"][beta] == pytest.approx(sigmoid(-beta / 2), rel=1e-9)   # worst case s(-beta/2)
        assert r["outputs"][beta][7] == pytest.approx(sigmoid(beta / 2))
    assert "exact for all 8 inputs" in text
    assert written(r) == {"three-bits.svg"}


# -- xor -----------------------------------------------------------------------

def test_xor_is_learned(tmp_path, capsys):
    r = xor.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    assert r["learned"]
    assert r["E_after"] < xor.THRESHOLD <= r["history"][-2]
    assert r["E_before"] > 0.1
    assert [o > 0.5 for o in r["after"]] == [False, True, True, False]
    assert r["history"][0] == pytest.approx(r["E_before"])
    assert "XOR is learned" in text
    assert f"w <- w - {xor.LR:g} dE/dw" in text and xor.LR == 0.5     # --fast learns at the same rate
    names = written(r)
    assert {"xor-before.svg", "xor-after.svg"} <= names
    pytest.importorskip("matplotlib")
    assert "xor-error.png" in names


# -- worked example ------------------------------------------------------------

def test_worked_example_equals_by_hand(tmp_path, capsys):
    from helpers import by_hand
    r = worked_example.run(tmp_path)
    text = capsys.readouterr().out
    O, E, d, gw = by_hand()
    assert r["outputs"]["o1"] == pytest.approx(O["o1"], abs=1e-15)
    assert r["E"] == pytest.approx(E, abs=1e-15)
    net = worked_example.build_network()
    hand = {net.synapse(src, dst).name: g for (src, dst), g in gw.items()}
    hand.update({net[j].bias.name: d[j] for j in ("h1", "h2", "o1", "o2")})
    assert set(r["grads"]) == set(hand) and len(hand) == 12
    for name, g in hand.items():
        assert r["grads"][name] == pytest.approx(g, abs=1e-15), name
        assert r["new"][name] == pytest.approx(r["old"][name] - 0.5 * g, abs=1e-15)
    # Mazur's published numbers: E = 0.298371109, new w5..w8, w1..w4
    assert r["E"] == pytest.approx(0.298371109, abs=1e-9)
    mazur = {"w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
             "w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229}
    for name, label in r["mazur_names"].items():
        assert r["new"][name] == pytest.approx(mazur[label], abs=1e-8)
    assert r["E_after"] < r["E"]
    assert r["max_difference"] < 1e-15
    assert "Largest difference between the delta rule's formulas (tg.delta_rule) and backward():" in text
    assert "δ_k" in text or "δ_o1" in text
    assert "O_k (1 − O_k) (O_k − t_k)" in text
    # fixed decimals per kind of number: 0.593270 (not 0.59327) beside 0.596884
    assert "0.15*0.05 + 0.20*0.10 + 0.35 " in text
    assert "0.40*0.593270 + 0.45*0.596884 + 0.60 " in text
    assert {"worked-example.svg", "worked-example-after.svg"} <= written(r)


# -- moons -----------------------------------------------------------------------

def test_moons_data():
    pts = moons.make_moons(50, seed=3)
    assert len(pts) == 50 and {p[2] for p in pts} == {1.0, -1.0}
    assert pts == moons.make_moons(50, seed=3)
    upper = [p for p in pts if p[2] > 0]
    lower = [p for p in pts if p[2] < 0]
    assert sum(p[1] for p in upper) / len(upper) > sum(p[1] for p in lower) / len(lower) + 0.5


def test_moons_learns_on_the_node_engine_and_batch_mode_agrees(tmp_path, capsys):
    r = moons.run(tmp_path / "nodes", fast=True, engine="nodes")
    text = capsys.readouterr().out
    assert r["engine"] == "nodes"
    assert r["accuracy_before"] < 0.7
    assert r["accuracy"] >= 0.85                    # 20 steps on 40 points (tinygraph.data.datasets.make_moons)
    assert r["test_accuracy"] >= 0.85
    assert r["history"][-1][0] < r["history"][0][0] / 4
    assert "Accuracy on the 40 training points" in text and "the node engine" in text
    if r["files"]:
        assert written(r) == {"moons.png"}
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    b = moons.run(tmp_path / "batch", fast=True)          # auto: batch mode when numpy is there
    assert b["engine"] == "batch" and "batch mode (numpy)" in capsys.readouterr().out
    assert len(b["history"]) == len(r["history"])
    for (e1, a1), (e2, a2) in zip(r["history"], b["history"]):
        assert e2 == pytest.approx(e1, rel=1e-9, abs=1e-12) and a1 == a2
    assert b["test_accuracy"] == r["test_accuracy"]


def test_moons_full_run_in_batch_mode(tmp_path, capsys):
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    r = moons.run(tmp_path, fast=False, engine="batch")
    assert r["n"] == 100 and r["steps"] == 100
    assert r["accuracy"] >= 0.97 and r["test_accuracy"] >= 0.95


def test_moons_bad_engine(tmp_path):
    with pytest.raises(ValueError, match="engine"):
        moons.run(tmp_path, engine="gpu")


# -- universal ---------------------------------------------------------------------

def test_universal_error_falls_with_width(tmp_path, capsys):
    r = universal.run(tmp_path, fast=True)
    errs = [e for _, e in r["errors"]]
    assert all(a / b > 3 for a, b in zip(errs, errs[1:]))          # each doubling: about 4x smaller
    for w, e in r["errors"]:
        assert e <= (2 * math.pi / w) ** 2 / 8 + 1e-12              # the chord bound h^2/8
    assert "universal.svg" in written(r)


def test_universal_mathematical_zeros_are_exact_zeros():
    # sin(-pi) and the change of slope at the inflection point x = 0 are 0, not +-1e-16 noise
    net = universal.build_network(6)
    assert net.synapse("h4", "y").value == 0.0
    assert net["y"].bias.value == 0.0 and net["h4"].bias.value == 0.0
    for width in universal.WIDTHS:
        for p in universal.build_network(width).parameters():
            assert p.value == 0.0 or abs(p.value) > 1e-9, (width, p.name, p.value)


def test_universal_plot_panels_do_not_overlap(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    seen = []
    save = universal.save_figure

    def check(fig, path, files):
        fig.canvas.draw()
        left, right = fig.axes[0], fig.axes[1]
        frame = left.get_window_extent()
        label = right.yaxis.label.get_window_extent()
        ticks = right.get_yticklabels()[0].get_window_extent() if right.get_yticklabels() else label
        seen.append((frame.x1, min(label.x0, ticks.x0)))
        return save(fig, path, files)

    monkeypatch.setattr(universal, "save_figure", check)
    universal.run(tmp_path, fast=True)
    assert seen and all(frame_right < label_left for frame_right, label_left in seen), seen


def test_universal_network_interpolates_at_the_knots():
    net = universal.build_network(5, f=math.cos, a=0.0, b=2.0)
    for i in range(6):
        x = 2.0 * i / 5
        assert net.forward({"x": x})["y"].value == pytest.approx(math.cos(x), abs=1e-12)


# -- hopfield ---------------------------------------------------------------------

def test_hopfield_demo_recalls_every_letter(tmp_path, capsys):
    r = hopfield_demo.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    assert r["fixed_points"]
    assert r["recalled"] == len(r["letters"]) == 4
    for res in r["results"]:
        assert res["wrong_before"] == hopfield_demo.FLIPS
        assert res["wrong_after"] == 0 and res["recalled"] == res["stored"]
        e = res["energy"]
        assert all(b <= a for a, b in zip(e, e[1:])) and e[-1] < e[0]
    assert "Recalled 4 of 4 letters" in text
    assert "██" in text
    assert r["zero_diagonal"] and "with a zero diagonal" in text and "E = −½ sᵀ W s" in text
    assert r["symmetric"] and "W = Wᵀ: yes; zero diagonal: yes." in text
    assert "sweep(s)" not in text and "in 1 sweep;" in text


# -- without the optional extras ------------------------------------------------------

def test_without_matplotlib_the_demo_runs_and_says_how_to_get_plots(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib -> ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    r = xor.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    assert r["learned"]
    assert 'pip install "tinygraph[plots]"' in text
    assert not (tmp_path / "xor-error.png").exists()
    assert {"xor-before.svg", "xor-after.svg"} <= written(r)


def test_without_graphviz_the_dot_text_is_kept(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TINYGRAPH_DOT", str(tmp_path / "no-such-dot"))
    r = three_bits.run(tmp_path, fast=True)
    text = capsys.readouterr().out
    assert r["exact"]
    assert "could not draw three-bits.svg" in text
    assert written(r) == {"three-bits.gv"}
    assert (tmp_path / "three-bits.gv").read_text(encoding="utf-8").startswith("digraph")
    assert not (tmp_path / "three-bits.svg").exists()


# -- where the pictures go: what "Wrote ... to ..." says is where they are -----------------------

def _wrote(out: str):
    """(names, folder) from the demo's "Wrote a, b to folder/" line."""
    line = [ln for ln in out.splitlines() if ln.startswith("Wrote ")][-1]
    names, folder = line[len("Wrote "):].rsplit(" to ", 1)
    assert folder.endswith("/")
    return names.split(", "), Path(folder[:-1])


@pytest.mark.parametrize("name", list(DEMOS))
@pytest.mark.parametrize("out", ["../pics", "pics/main.svg"])
def test_each_demo_writes_where_it_says(tmp_path, capsys, monkeypatch, name, out):
    from tinygraph.cli import main
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["demo", name, "--fast", "--out", out]) == 0
    names, folder = _wrote(capsys.readouterr().out)
    if out.startswith(".."):
        assert folder == (tmp_path / "pics").resolve()        # outside the working folder: in full
    else:
        assert folder == Path("pics") and "main.svg" in names  # inside: relative, usable as printed
    for n in names:
        assert (folder / n).is_file() and (folder / n).stat().st_size > 0, (folder, n)
    on_disk = {p.name for p in (tmp_path / "pics" if out.startswith("..") else work / "pics").iterdir()}
    assert on_disk == set(names)


def test_every_symbol_the_demos_and_steps_print_has_an_ascii_spelling():
    import tinygraph.cli
    import tinygraph.stepping.formulas
    import tinygraph.stepping.narrative
    import tinygraph.stepping.steps
    from tinygraph.console import plain
    root = Path(tinygraph.demos.__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in root.glob("*.py")]
    for module in (tinygraph.stepping.steps, tinygraph.stepping.narrative, tinygraph.stepping.formulas, tinygraph.cli):
        sources.append(Path(module.__file__).read_text(encoding="utf-8"))
    symbols = {ch for text in sources for ch in text if ord(ch) > 127}
    assert symbols                                  # the demos do print δ, λ, ...
    for ch in symbols:
        assert "?" not in plain(ch) and plain(ch).isascii(), ch
    assert plain("s(1−s)(1−2s), ln(2 + √3), rate η = ½ Σ ∂E/∂θ ≈ 2·3 → █") == \
        "s(1-s)(1-2s), ln(2 + sqrt(3)), rate eta = 1/2 sum dE/dtheta ~= 2*3 -> #"


# -- the article's tasks on real data ---------------------------------------------------------------

def test_tumours_beats_guessing_on_held_out_tumours_and_ranks_every_measurement(tmp_path, capsys):
    from tinygraph.demos import tumours
    r = tumours.run(tmp_path, fast=True)
    out = capsys.readouterr().out
    assert r["test_accuracy"] > 0.9 and f"{r['test_accuracy']:.1%} on the 114 held out" in out
    assert "always saying 'benign' would get 62.7%" in out
    assert len(r["ranked"]) == 30 and len(set(r["ranked"])) == 30
    lean = r["leaning"]
    assert [lean[c] for c in r["ranked"]] == sorted(lean.values(), reverse=True)
    svg = (tmp_path / "tumour-inputs.svg").read_text()
    assert written(r) == {"tumour-inputs.svg"}
    for name in r["ranked"]:
        assert f">{name.replace('_', ' ')}<" in svg
    assert svg.count("<rect") == 31                   # the background and a bar per measurement


def test_digits_learns_and_draws_what_it_sees(tmp_path, capsys):
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    from tinygraph.demos import digits
    r = digits.run(tmp_path, fast=True)
    out = capsys.readouterr().out
    assert r["engine"] == "batch" and r["n_test"] == 359 and r["test_accuracy"] > 0.7
    assert f"{r['test_accuracy']:.1%} on the 359 held out" in out
    assert sum(map(sum, r["confusion"])) == 359
    assert r["wrong"] == 359 - sum(r["confusion"][k][k] for k in range(10))
    assert r["errors"][-1] < r["errors"][0]
    assert written(r) == {"digits-samples.svg", "digits-hidden.svg", "digits-confusion.svg", "digits-wrong.svg"}
    hidden = (tmp_path / "digits-hidden.svg").read_text()
    assert hidden.count("<rect") == 1 + 16 * (64 + 1)        # background; per neuron 64 pixels and a frame
    wrong = (tmp_path / "digits-wrong.svg").read_text()
    assert f"({r['wrong']} of 359" in wrong and wrong.count(">true ") == min(32, r["wrong"])
    net = r["net"]
    assert [len(layer) for layer in net.layers()] == [64, 16, 10]
    assert {n.activation.name for n in net.outputs} == {"softmax"}


def test_digits_on_the_node_engine_is_the_same_training(tmp_path, capsys, monkeypatch):
    pytest.importorskip("numpy", reason="needs numpy: pip install \"tinygraph[fast]\"")
    from tinygraph.demos import digits
    monkeypatch.setattr(digits, "EPOCHS_FAST", 1)
    a = digits.run(tmp_path / "a", fast=True, engine="batch")
    b = digits.run(tmp_path / "b", fast=True, engine="nodes")
    assert "the node engine" in capsys.readouterr().out
    assert a["confusion"] == b["confusion"]
    for p, q in zip(a["net"].parameters(), b["net"].parameters()):
        assert p.value == pytest.approx(q.value, abs=1e-9)


@pytest.mark.parametrize("name", ["tumours", "digits"])
def test_the_svg_demos_refuse_another_picture_format_before_writing(tmp_path, capsys, name):
    from tinygraph.cli import main
    assert main(["demo", name, "--fast", "--out", str(tmp_path / "pics" / "main.png")]) == 2
    err = capsys.readouterr().err
    assert "draws SVG pictures" in err and "main.svg" in err
    assert not (tmp_path / "pics").exists()
