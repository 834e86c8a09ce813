"""The command line (tinygraph/cli.py) as a user runs it: in a subprocess, from another folder."""

import os
import subprocess
import sys

import pytest

from tinygraph.cli import main


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
