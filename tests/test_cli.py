"""The command line (tinygraph/cli.py) as a user runs it: in a subprocess, from another folder."""

import os
import subprocess
import sys

import pytest

from tinygraph.cli import main
from tinygraph.stepping.narrative import network_steps


def tinygraph(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "tinygraph", *args], capture_output=True, text=True,
                          cwd=str(cwd), timeout=120, env=env)


def test_demo_out_file_writes_the_main_picture_exactly_there(tmp_path):
    r = tinygraph("demo", "multiplier", "--out", str(tmp_path / "m.svg"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    m = tmp_path / "m.svg"
    assert m.is_file(), "m.svg must be a file, not a folder"
    assert "<svg" in m.read_text(encoding="utf-8")[:2000]
    assert not (tmp_path / "multiplier.svg").exists()
    assert "Wrote m.svg to ./" in r.stdout            # cwd is tmp_path: a path usable from there


def test_demo_out_folder_still_works_and_names_the_folder(tmp_path):
    r = tinygraph("demo", "multiplier", "--out", str(tmp_path / "dir"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "dir" / "multiplier.svg").is_file()
    assert "Wrote multiplier.svg to dir/" in r.stdout


def test_demo_out_file_with_other_files_beside_it(tmp_path, capsys, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["demo", "worked-example", "--out", str(tmp_path / "pics" / "w.png")]) == 0
    assert (tmp_path / "pics" / "w.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "pics" / "worked-example-after.svg").is_file()
    assert not (tmp_path / "pics" / "worked-example.svg").exists()
    # outside the working folder the folder is printed in full, so it can be pasted
    assert f"Wrote w.png, worked-example-after.svg to {tmp_path.resolve() / 'pics'}/" in capsys.readouterr().out


@pytest.mark.parametrize("out, says", [("x.gv", "a plot"), ("x.jpg", "give a file ending in")])
def test_demo_out_file_that_cannot_hold_the_picture_is_refused(tmp_path, capsys, out, says):
    name = "hopfield" if out.endswith(".gv") else "three-bits"
    assert main(["demo", name, "--fast", "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert says in err and out in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []               # no folder x.jpg/ made


def test_demo_out_file_named_like_another_file_of_the_demo_is_refused(tmp_path, capsys):
    assert main(["demo", "xor", "--fast", "--out", str(tmp_path / "xor-before.svg")]) == 2
    assert "would be overwritten" in capsys.readouterr().err


def test_demo_help_says_out_takes_a_file_or_a_folder(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "-h"])
    out = capsys.readouterr().out
    assert "FILE|DIR" in out and ".svg" in out


@pytest.mark.parametrize("args, expect", [
    (["demo", "multiplier", "--fast"], ["ln(2 + sqrt(3))", "s(1-s)(1-2s)", "+-lambda", "mu = 1/(4 lambda^2"]),
    (["step"], ["learning rate eta = 0.5", "delta_o1 = O_o1(1 - O_o1)", "theta_h1", "E = 1/2 sum_k"]),
])
def test_an_ascii_console_gets_words_not_question_marks(tmp_path, args, expect):
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    r = tinygraph(*args, "--out" if args[0] == "demo" else "--lr", str(tmp_path) if args[0] == "demo" else "0.5",
                  cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    for text in expect:
        assert text in r.stdout, text
    assert "?" not in r.stdout.replace("(Enter", "")


def test_an_ascii_console_tables_still_line_up(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    r = tinygraph("demo", "multiplier", "--fast", "--out", str(tmp_path), cwd=tmp_path, env=env)
    lines = r.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.strip().startswith("lambda  max error"))
    rule, row = lines[head + 1], lines[head + 2]
    second_column = rule.index("  -") + 2            # measured in the words printed (lambda, not λ)
    assert lines[head].index("max error") == second_column and row.index("4.915e-01") == second_column


def test_demo_without_a_name_lists_the_demos(capsys):
    from tinygraph.cli import main
    assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert "which demo?" in err and "multiplier" in err and "hopfield" in err


# -- tinygraph step ------------------------------------------------------------------------

def test_cli_step_prints_the_steps(capsys):
    assert main(["step"]) == 0
    out = capsys.readouterr().out
    assert "[37/37]" in out and "δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1)" in out
    assert "= 0.1385" in out and "5. update" in out and "6. repeat" in out
    last = out.rstrip().splitlines()
    assert last[-3].startswith("[35/37] forward pass with the new weights: O_o1: 0.7514 → 0.7284")
    assert last[-2].startswith("[36/37] E = ½ Σ_k (O_k - t_k)² = ") and last[-2].endswith("(was 0.2984)")
    assert last[-1] == ("[37/37] repeat steps 1 to 5 until E < 0.001: train() gets there after 397 epochs, "
                        "E = 0.2984 → 0.0009977 (this update was the first)")
    assert main(["step", "--until", "0.01"]) == 0
    assert "until E < 0.01: train() gets there after 69 epochs" in capsys.readouterr().out


def test_cli_step_html_writes_a_page(tmp_path, capsys, steps_json):
    path = tmp_path / "steps.html"
    assert main(["step", "worked-example", "--html", str(path)]) == 0
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "step 1 of 37" in page
    assert len(steps_json(page)) == 37
    assert f"wrote {path}" in capsys.readouterr().out


def test_cli_step_unknown_name_lists_the_networks(capsys):
    assert main(["step", "worked-exampel"]) == 2
    err = capsys.readouterr().err
    assert "worked-exampel" in err and "Did you mean 'worked-example'" in err and "multiplier" in err
    assert "Traceback" not in err


def test_cli_step_html_into_a_missing_folder_fails_clearly(tmp_path, capsys):
    assert main(["step", "--html", str(tmp_path / "nope" / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_step_multiplier_uses_the_general_form(capsys):
    assert main(["step", "multiplier"]) == 0
    out = capsys.readouterr().out
    assert "δ_out = (O_out - t_out)   (linear: f' = 1)" in out
    assert "11.99995 - 12" in out                        # digits enough to show the difference


def test_cli_interactive_advances_on_enter_and_quits_on_q(monkeypatch, capsys):
    answers = iter(["", "", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["step", "--interactive"]) == 0
    out = capsys.readouterr().out
    assert "[3/37]" in out and "[4/37]" not in out


def test_cli_interactive_b_goes_back_one_step(monkeypatch, capsys):
    answers = iter(["", "", "b", "B", "b", "b", "", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["step", "--interactive"]) == 0
    shown = [line.split("]")[0] + "]" for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert shown == ["[1/37]", "[2/37]", "[3/37]", "[2/37]", "[1/37]", "[2/37]"]


def test_cli_interactive_b_at_the_first_step_says_so_and_the_last_step_waits(monkeypatch, capsys):
    answers = iter(["b", ""] + [""] * 35 + ["b", "", ""])
    prompts = []

    def ask(prompt=""):
        prompts.append(prompt)
        return next(answers)
    monkeypatch.setattr("builtins.input", ask)
    assert main(["step", "-i"]) == 0
    out = capsys.readouterr().out
    assert "(this is the first step)" in out
    shown = [line.split("]")[0] + "]" for line in out.splitlines() if line.startswith("[")]
    assert shown[-3:] == ["[37/37]", "[36/37]", "[37/37]"] and shown.count("[1/37]") == 1
    assert prompts[-1] == "   (Enter: end, b: back) " and "b: back" in prompts[0]
    assert out.count("\n6. repeat") == 1                    # back from 37 to 36 stays in stage 6: no new heading


def test_cli_interactive_stops_at_end_of_input(monkeypatch, capsys):
    def eof(prompt=""):
        raise EOFError
    monkeypatch.setattr("builtins.input", eof)
    assert main(["step", "-i"]) == 0
    out = capsys.readouterr().out
    assert "[1/37]" in out and "[2/37]" not in out


def test_cli_step_bad_learning_rate_is_a_message_not_a_traceback(capsys):
    assert main(["step", "--lr", "-1"]) == 2
    err = capsys.readouterr().err
    assert "learning rate" in err and "Traceback" not in err


@pytest.mark.parametrize("html, says", [
    ("", "give a file name, e.g. --html steps.html"),
    ("page.svg", "the step player is an HTML page"),
    ("nope/x.html", "the folder"),
    (".", "it is a folder"),
])
def test_cli_step_html_bad_places_say_what_to_do(tmp_path, capsys, monkeypatch, html, says):
    monkeypatch.chdir(tmp_path)
    assert main(["step", "xor", "--html", html]) == 2
    err = capsys.readouterr().err
    assert says in err and ".tmp" not in err and "Traceback" not in err
    if html == "nope/x.html":
        assert "'nope/x.html'" in err and "does not exist" in err
    assert list(tmp_path.iterdir()) == []               # nothing left behind


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a Linux /proc")
def test_cli_step_html_where_no_file_can_be_made_names_the_path(capsys):
    assert main(["step", "xor", "--html", "/proc/steps.html"]) == 2
    err = capsys.readouterr().err
    assert "cannot write '/proc/steps.html'" in err and "folder you can write to" in err
    assert ".tmp" not in err


def test_cli_step_html_not_writable_says_so(tmp_path, capsys):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["step", "xor", "--html", str(folder / "s.html")]) == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in capsys.readouterr().err


def test_cli_step_html_shows_progress_and_warns_on_big_nets(tmp_path, capsys, monkeypatch):
    import tinygraph.cli as cli
    import tinygraph.draw.frames as frames
    monkeypatch.setattr(frames, "PROGRESS_AFTER", 0.0)     # the real threshold is a second of drawing
    monkeypatch.setattr(cli, "BIG_NET", 5)                 # the real one is 60 synapses
    assert main(["step", "worked-example", "--html", str(tmp_path / "s.html")]) == 0
    err = capsys.readouterr().err
    assert "note: worked-example has 8 synapses, so the page gets 37 frames" in err
    assert "drawing the page's 37 frames" in err and err.count("drawing") == 1   # not a tty: one line


def test_cli_steps_the_tumour_network_a_big_layer_at_a_time(tmp_path, capsys):
    """30 inputs into 8 hidden neurons: the 240 weights into them are one step (a heat map), not 240."""
    page = tmp_path / "t.html"
    assert main(["step", "tumours", "--html", str(page)]) == 0
    out = capsys.readouterr()
    assert "(30 inputs, 8 hidden, 1 output)" in out.out and "[59/59]" in out.out
    assert "for every weight w_jk from j of the 30 inputs into k of h1 … h8 (8)" in out.out
    assert "note:" not in out.err                                    # 59 frames: not a big page
    assert "wrote " in out.out and page.stat().st_size < 3_000_000   # (one step per weight: 537 frames, 38 MB)


@pytest.mark.slow
def test_cli_steps_the_digits_network_in_a_page_of_a_few_megabytes(tmp_path, capsys):
    page = tmp_path / "d.html"
    assert main(["step", "digits", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "one sample, cross-entropy" in out and "[53/53]" in out and page.stat().st_size < 5_000_000


def test_cli_step_multiplier_takes_a_small_learning_rate_and_says_why(capsys):
    assert main(["step", "multiplier"]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[:2]
    assert "η = 1e-06" in head[0]
    assert head[1].startswith("η = 1e-06 here, not 0.5:") and "would take w_" in head[1]
    from tinygraph.demos import build_for_steps
    _, net, inputs, targets, _ = build_for_steps("multiplier")
    steps = network_steps(net, inputs, targets, lr=1e-6)
    for s in steps:
        if s.kind == "update":                       # every update small next to its weight
            assert abs(s.number - s.subject.value) <= 0.1 * abs(s.subject.value), s
    assert main(["step", "multiplier", "--lr", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "η = 0.5." in out and "here, not" not in out
    assert main(["step", "xor"]) == 0
    assert "learning rate η = 0.5." in capsys.readouterr().out


def test_cli_interactive_with_piped_input_keeps_lines_apart():
    import subprocess
    import sys
    for feed, last in [("\n\nq\n", "[3/29]"), ("\n", "[2/29]")]:
        run = subprocess.run([sys.executable, "-m", "tinygraph", "step", "xor", "-i"], input=feed,
                             capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert run.returncode == 0, run.stderr
        out = run.stdout
        assert out.endswith("\n"), out[-80:]
        lines = out.splitlines()
        assert all(not (l.startswith("   (Enter") and "[" in l) for l in lines), out
        assert any(l.startswith(last) for l in lines)
        assert lines[-1].startswith("   (Enter") or lines[-1].startswith("[")


# -- tinygraph export ---------------------------------------------------------------------------

def test_export_writes_torch_and_onnx_and_checks_them(tmp_path):
    needs = 'export needs the torch extra (pip install "tinygraph[torch]": torch, onnx, onnxruntime)'
    pytest.importorskip("torch", reason=needs)
    pytest.importorskip("onnxruntime", reason=needs)
    from tinygraph.demos import worked_example
    net, _, _ = worked_example.build()
    net.save(str(tmp_path / "we.json"))
    r = tinygraph("export", "we.json", "--torch", "we.pt", "--onnx", "we.onnx", "--check", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "we.pt").stat().st_size > 0 and (tmp_path / "we.onnx").stat().st_size > 0
    assert r.stdout.count("agree within 1e-12: yes") == 2


def test_export_without_a_target_or_with_a_missing_file_says_what_to_do(tmp_path):
    r = tinygraph("export", "we.json", cwd=tmp_path)
    assert r.returncode == 2 and "--torch FILE.pt and/or --onnx FILE.onnx" in r.stderr
    r = tinygraph("export", "nope.json", "--torch", "x.pt", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "nope.json" in r.stderr


# -- tinygraph train / predict ------------------------------------------------------------------

CIRCLE = os.path.join(os.path.dirname(__file__), "..", "demos", "circle.csv")


def test_train_reports_errors_and_accuracy_and_saves_a_network_predict_can_use(tmp_path, capsys):
    net = tmp_path / "circle.json"
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "6", "--epochs", "200",
                 "--save", str(net)]) == 0
    out = capsys.readouterr().out
    assert "300 rows; inputs x1, x2; target 'label': classifier" in out
    assert "binary_cross_entropy: train" in out and ", test " in out and "accuracy: train" in out
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0,0\n0.9,0.1\n")
    assert main(["predict", str(net), str(rows)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "x1,x2,label,class"
    assert lines[1].endswith(",1") and lines[2].endswith(",0")      # the centre is in the disc, (0.9, 0.1) in the ring


def test_train_writes_the_page(tmp_path, capsys):
    page = tmp_path / "run.html"
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "3", "--epochs", "40", "--record", "10",
                 "--html", str(page)]) == 0
    assert "5 frames" in capsys.readouterr().out and 'id="plane"' in page.read_text()


def test_train_bad_data_is_an_error_message_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2,0\n3,oops,1\n")
    assert main(["train", str(bad), "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "'x2'" in err and "Traceback" not in err
    assert main(["train", str(bad), "--target", "nope"]) == 2
    assert "'x1', 'x2', 'y'" in capsys.readouterr().err


def test_train_save_never_leaves_a_half_written_network(tmp_path, capsys, monkeypatch):
    net = tmp_path / "net.json"
    net.write_text("the old file")
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "5",
                 "--save", str(tmp_path / "no-such-folder" / "n.json")]) == 2
    assert "folder" in capsys.readouterr().err

    import tinygraph.networks.network_file as network_file

    def broken(doc, f):
        f.write('{\n "format": ')
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(network_file, "_write", broken)
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "5", "--save", str(net)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert net.read_text() == "the old file" and os.listdir(tmp_path) == ["net.json"]


def test_train_writes_a_gif_with_the_recorded_frames(tmp_path, capsys):
    Image = pytest.importorskip("PIL.Image", reason="--gif needs Pillow (the gif extra)")
    gif = tmp_path / "run.gif"
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "20", "--record", "10",
                 "--gif", str(gif)]) == 0
    with Image.open(gif) as im:
        assert im.n_frames == 3                                     # epochs 0, 10, 20


def test_train_checks_where_files_go_before_training(tmp_path, capsys):
    assert main(["train", CIRCLE, "--target", "label", "--html", str(tmp_path / "page.txt")]) == 2
    err = capsys.readouterr().err
    assert ".html" in err and "rows" not in capsys.readouterr().out


def test_train_says_when_the_node_engine_will_be_slow_and_what_to_install(monkeypatch):
    import sys
    import tinygraph.cli as cli
    pytest.importorskip("numpy")
    assert cli._slow_without_numpy(1438, 64, [16], 10) == ""           # numpy there: batch mode, nothing to say
    monkeypatch.setitem(sys.modules, "numpy", None)                      # as on a machine without numpy
    line = cli._slow_without_numpy(1438, 64, [16], 10)                   # the digits: 1,210 weights and biases
    assert "1,438 rows x 1,210 weights and biases" in line and 'pip install "tinygraph[fast]"' in line
    assert cli._slow_without_numpy(120, 4, [8], 3) == ""                 # iris: quick on the node engine
