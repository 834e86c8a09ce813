"""Every option of every command, with bad values: one line on stderr and exit status 2, never a traceback.

The sweep reads the commands and options from the parser itself, so an option added later without a
kind below fails :func:`test_every_option_has_a_kind` until it is swept too.
"""

import os
import subprocess
import sys

import pytest

import tinygraph.playground
from tinygraph import cli
from tinygraph.cli import main

HERE = os.path.dirname(os.path.abspath(__file__))
CIRCLE = os.path.join(HERE, "..", "demos", "circle.csv")
NO_PLACE = "/proc/tinygraph-nowhere"          # a folder where no file can be made, even by root

#: what each option is: a number, a place to write, a file to read, or a name
KINDS = {
    ("demo", "name"): "name", ("demo", "--out"): "place",
    ("step", "name"): "name", ("step", "--html"): "place", ("step", "--lr"): "number", ("step", "--until"): "number",
    ("export", "network"): "input", ("export", "--torch"): "place", ("export", "--onnx"): "place",
    ("explain", "network"): "name", ("explain", "--inputs"): "values", ("explain", "--targets"): "values",
    ("explain", "--lr"): "number", ("explain", "--error"): "name", ("explain", "--until"): "number",
    ("explain", "--format"): "name", ("explain", "--out"): "place", ("explain", "--update"): "name",
    ("train", "data"): "input", ("train", "--target"): "name", ("train", "--hidden"): "number",
    ("train", "--activation"): "name", ("train", "--lr"): "number", ("train", "--until"): "number",
    ("train", "--epochs"): "number", ("train", "--test-fraction"): "number", ("train", "--seed"): "number",
    ("train", "--save"): "place", ("train", "--html"): "place", ("train", "--gif"): "place",
    ("train", "--record"): "number",
    ("predict", "network"): "input", ("predict", "rows"): "input",
    ("play", "source"): "input", ("play", "--target"): "name", ("play", "--hidden"): "number",
    ("play", "--activation"): "name", ("play", "--port"): "number",
    ("data", "name"): "name", ("data", "--out"): "place",
    ("site", "--out"): "place", ("site", "--cache"): "place",
}

#: values that are right for an option although they look odd (they are not swept)
ALLOWED = {
    ("train", "--seed"): {"negative", "zero", "huge whole"},
    ("train", "--hidden"): {"zero", "empty"},          # no hidden layer
    ("play", "--hidden"): {"zero", "empty"},
    ("train", "--record"): {"huge whole"},              # only the first and the last epoch
    ("play", "--port"): {"zero"},                        # any free port
    ("train", "--test-fraction"): {"zero"},             # no test rows
    ("demo", "--out"): {"folder"},                       # the folder the pictures go to
    ("data", "--out"): {"folder"},                       # NAME.csv in that folder
    ("site", "--out"): {"folder", "missing folder"},     # the site is a folder: an empty or a new one
    ("site", "--cache"): {"folder", "missing folder"},
    **{(c, o): {"huge whole"} for c in ("step", "explain", "train") for o in ("--lr", "--until")},
    # (a huge but finite learning rate shows its huge step, or diverges with a message; a huge threshold
    # stops at once)
}


def _options(parser):
    """{(command, option or positional dest): action} for every command's options but -h and flags."""
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    out = {}
    for command, p in sub.choices.items():
        for a in p._actions:
            if a.nargs == 0:                             # -h, --fast, --quiz: flags take no value
                continue
            out[(command, a.option_strings[-1] if a.option_strings else a.dest)] = (p, a)
    return out


def test_every_option_has_a_kind():
    found = set(_options(cli._parser()))
    assert found - set(KINDS) == set(), "sweep these options too: give them a kind in KINDS"
    assert set(KINDS) - found == set()


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    (d / "folder").mkdir()
    (d / "binary.csv").write_bytes(b"\x00\x01\x02\xff" * 10)
    (d / "empty.csv").write_text("")
    (d / "net.json").write_text("")
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "2",
                 "--save", str(d / "good.json")]) == 0
    return d


def _corpus(d, kind):
    """name -> bad value, for one kind of option."""
    text = {"negative": "-5", "zero": "0", "nan": "nan", "inf": "inf", "minus inf": "-inf", "text": "abc",
            "empty": "", "huge": "1e400", "huge whole": "9" * 30, "other digits": "\u0661", "underscore": "1_0"}
    files = {"empty": "", "folder": str(d / "folder"), "missing": str(d / "missing.csv"),
             "missing folder": str(d / "nope" / "x.csv"), "binary": str(d / "binary.csv"),
             "empty file": str(d / "empty.csv")}
    places = {"empty": "", "folder": str(d / "folder"), "read-only": f"{NO_PLACE}/x.html",
              "missing folder": str(d / "nope" / "x.html"), "file as folder": str(d / "binary.csv" / "x.html")}
    if kind in ("number", "name", "values"):
        return {**text, "folder": str(d / "folder")}
    return files if kind == "input" else places


def _base(command, d):
    """A command line that works (quickly) with every option given, to change one option at a time."""
    net = str(d / "good.json")
    return {
        "demo": ["demo", "multiplier", "--fast", "--out", str(d / "out")],
        "step": ["step", "xor", "--lr", "0.5", "--until", "0.01", "--html", str(d / "s.html")],
        "export": ["export", net, "--torch", str(d / "n.pt"), "--onnx", str(d / "n.onnx")],
        "explain": ["explain", "worked-example", "--inputs", "0.05", "0.1", "--targets", "0.01", "0.99",
                    "--lr", "0.5", "--error", "squared_error", "--until", "0.01", "--format", "md", "--update", "all",
                    "--out", str(d / "x.md")],
        "train": ["train", CIRCLE, "--target", "label", "--hidden", "2", "--activation", "tanh", "--lr", "0.5",
                  "--until", "0.01", "--epochs", "2", "--test-fraction", "0.2", "--seed", "0",
                  "--save", str(d / "t.json"), "--html", str(d / "t.html"), "--gif", str(d / "t.gif"),
                  "--record", "1"],
        "predict": ["predict", net, CIRCLE],
        "data": ["data", "circle", "--out", str(d / "c.csv")],
        "site": ["site", "--out", str(d / "site"), "--cache", str(d / "npm")],
        "play": ["play", CIRCLE, "--target", "label", "--hidden", "2", "--activation", "tanh", "--port", "0",
                 "--no-browser"],
    }[command]


def _with(argv, parser, action, value):
    """``argv`` with the option (or positional) of ``action`` set to ``value`` (all of its values)."""
    argv = list(argv)
    if action.option_strings:
        opt = action.option_strings[-1]
        i = argv.index(opt)
        j = i + 1
        while j < len(argv) and not argv[j].startswith("--"):
            j += 1
        return argv[:i] + [opt, value] + argv[j:]
    positions = [a.dest for a in parser._actions if not a.option_strings]
    argv[1 + positions.index(action.dest)] = value
    return argv


def _cases():
    import pathlib
    for (command, option), kind in KINDS.items():
        for name in _corpus(pathlib.Path("."), kind):
            if name not in ALLOWED.get((command, option), ()):
                yield command, option, kind, name


class _NoServer:
    def __init__(self, *a, **k):
        raise AssertionError("the playground server would start with a bad value")


@pytest.mark.parametrize("command, option, kind, name", list(_cases()))
def test_a_bad_value_is_one_line_and_exit_status_2(command, option, kind, name, places, capsys, monkeypatch):
    corpus = _corpus(places, kind)
    if command == "export":
        pytest.importorskip("torch", reason="needs torch: pip install \"tinygraph[torch]\"")
    monkeypatch.setattr(tinygraph.playground, "PlaygroundServer", _NoServer)
    monkeypatch.chdir(places)
    parser, action = _options(cli._parser())[(command, option)]
    argv = _with(_base(command, places), parser, action, corpus[name])
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, f"{' '.join(argv)!r} -> {status}: {err}"
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert ".tmp" not in err and "tinygraph-probe" not in err, err


def test_every_base_command_line_works(places, capsys, monkeypatch):
    """The sweep changes one option of a working command line: each must work as it is."""
    monkeypatch.chdir(places)
    for command in ("demo", "step", "explain", "predict"):
        assert main(_base(command, places)) == 0, capsys.readouterr().err
    pytest.importorskip("PIL", reason="needs PIL: pip install \"tinygraph[gif]\"")
    assert main(_base("train", places)) == 0, capsys.readouterr().err


def _read_only_run(folder, *argv):
    """``tinygraph ARGV`` with ``folder`` mounted read-only (a private mount namespace), or None if
    this machine cannot do that."""
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"')
    try:
        r = subprocess.run(["unshare", "--mount", "sh", "-c", script, str(folder), sys.executable, "-m",
                            "tinygraph", *argv], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        return None
    if "mount:" in r.stderr or "unshare:" in r.stderr:
        return None
    return r


@pytest.mark.parametrize("option, name", [("--save", "n.json"), ("--html", "r.html")])
def test_train_into_a_read_only_folder_is_refused_before_training(tmp_path, option, name):
    ro = tmp_path / "ro"
    ro.mkdir()
    r = _read_only_run(ro, "train", CIRCLE, "--target", "label", "--epochs", "3", option, str(ro / name))
    if r is None:
        if os.geteuid() == 0:
            pytest.skip("no read-only mount here (unshare --mount), and root may write to any chmod-ed folder")
        ro.chmod(0o555)
        r = subprocess.run([sys.executable, "-m", "tinygraph", "train", CIRCLE, "--target", "label", "--epochs",
                            "3", option, str(ro / name)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "trained" not in r.stdout and "rows" not in r.stdout, r.stdout     # refused before reading, too
    assert len(r.stderr.strip().splitlines()) == 1 and str(ro / name) in r.stderr, r.stderr
    assert any(why in r.stderr for why in ("read-only", "may not write", "not writable")), r.stderr


def test_bad_values_in_a_subprocess_are_one_line_too(tmp_path):
    for argv in (["train", CIRCLE, "--target", "label", "--lr", "-1"],
                 ["train", CIRCLE, "--target", "label", "--test-fraction", "1"],
                 ["play", "--port", "70000", "--no-browser"],
                 ["export", str(tmp_path), "--torch", str(tmp_path)]):
        r = subprocess.run([sys.executable, "-m", "tinygraph", *argv], capture_output=True, text=True,
                           timeout=120, cwd=str(tmp_path))
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (argv, r.stderr)
        assert "Traceback" not in r.stderr


def _small_disk_run(folder, *argv):
    """``tinygraph ARGV`` with a 24 KB disk mounted at ``folder`` (a private mount namespace), or None."""
    script = 'mount -t tmpfs -o size=24k tmpfs "$0" && exec "$@"'
    try:
        r = subprocess.run(["unshare", "--mount", "sh", "-c", script, str(folder), sys.executable, "-m",
                            "tinygraph", *argv], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        return None
    return None if ("mount:" in r.stderr or "unshare:" in r.stderr) else r


def test_explain_on_a_full_disk_names_the_file_and_says_the_disk_is_full(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    r = _small_disk_run(disk, "explain", "worked-example", "--format", "html", "--out", str(disk / "x.html"))
    if r is None:
        pytest.skip("cannot mount a small disk here (unshare --mount)")
    assert r.returncode == 1, (r.stdout, r.stderr)         # not the learner's input: the disk
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    assert str(disk / "x.html") in r.stderr and "disk is full" in r.stderr, r.stderr
    assert ".tmp" not in r.stderr, r.stderr


@pytest.mark.parametrize("argv", [["explain", "worked-example", "--out", "{ro}/x.md"],
                                  ["export", "{net}", "--onnx", "{ro}/x.onnx"]])
def test_writing_into_a_read_only_folder_names_the_file_asked_for(tmp_path, argv):
    if argv[0] == "export":
        pytest.importorskip("torch", reason="needs torch: pip install \"tinygraph[torch]\"")
        pytest.importorskip("onnx")
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "2",
                 "--save", str(tmp_path / "n.json")]) == 0
    ro = tmp_path / "ro"
    ro.mkdir()
    argv = [a.format(ro=ro, net=tmp_path / "n.json") for a in argv]
    r = _read_only_run(ro, *argv)
    if r is None:
        pytest.skip("no read-only mount here (unshare --mount)")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert argv[-1] in r.stderr and ".tmp" not in r.stderr and "probe" not in r.stderr, r.stderr


def test_train_on_targets_around_a_billion_trains_and_a_too_large_lr_is_one_line(tmp_path, capsys):
    rows = ["x,y"] + [f"{i / 40:.3f},{1e9 * (1 + i / 40):.1f}" for i in range(40)]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n")
    # the target is standardised for training: the default learning rate works at any scale
    status = main(["train", str(tmp_path / "big.csv"), "--target", "y", "--hidden", "2", "--epochs", "2000"])
    out, err = capsys.readouterr()
    assert status == 0 and not err and "the network does better" in out, err
    status = main(["train", str(tmp_path / "big.csv"), "--target", "y", "--hidden", "2", "--lr", "500"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_predict_with_a_scaling_for_other_inputs_is_one_line(tmp_path, capsys):
    import json
    assert main(["train", CIRCLE, "--target", "label", "--hidden", "2", "--epochs", "2",
                 "--save", str(tmp_path / "n.json")]) == 0
    doc = json.loads((tmp_path / "n.json").read_text())
    first = next(iter(doc["scaling"]["inputs"]))
    doc["scaling"]["inputs"] = {first: doc["scaling"]["inputs"][first]}          # one input's scaling lost
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "bad.json"), CIRCLE]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "scaling" in err and "Traceback" not in err, err
