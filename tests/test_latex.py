"""The explanation's LaTeX compiles: the worked example, the multiplier, a tanh network and a softmax one, each written by
`tinygraph explain ... --format tex`, go through pdflatex; the PDF holds the document's numbers and no
unresolved ``??``, its first page renders with the network's picture on it, and the error curve is
drawn with TikZ where TikZ is installed (else a boxed note names the package to install)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tinygraph as tg
from tinygraph.demos import build_for_steps, worked_example
from tinygraph.explanation import explain
from tinygraph.explanation.notation import number_text

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("pdflatex", "pdftotext", "pdftoppm", "pdfimages", "kpsewhich")
MISSING = [t for t in TOOLS if shutil.which(t) is None]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=f"{', '.join(MISSING)} not found: apt-get install texlive-latex-base "
                       "texlive-latex-recommended texlive-fonts-recommended poppler-utils (and lmodern, "
                       "texlive-pictures for Latin Modern and the TikZ error curve)"),
]

# Mazur's worked example, at the precision he prints its numbers: E, delta_o1, dE/dw5, w5 after, dE/dw1
MAZUR = ["0.298371109", "0.138498562", "0.082167041", "0.35891648", "0.000438568"]


def _tanh_network(folder):
    tg.MLP([2, 3, 1], activation="tanh", seed=1).save(str(folder / "tanh.json"))
    return ["tanh.json", "--inputs", "0.5", "-0.3", "--targets", "0.2"]


def _softmax_network(folder=None):
    """An iris-sized 4-5-3 network with a softmax output layer, and its sample (the right class: o3)."""
    net = tg.MLP([4, 5, 3], activation="tanh", output_activation="softmax", seed=2)
    x = [0.6, -1.2, 0.3, 0.9]
    if folder is not None:
        net.save(str(folder / "softmax.json"))
    return net, x, "o3"


def _written(x):
    """A number as the document writes it (its digits, without the sign: pdftotext gives a − for -)."""
    sign, digits, exp = number_text(x)
    return digits


def _expected(label):
    """The document's own numbers, worked out here in-process: E, each delta, E after the step."""
    if label == "worked-example":
        net, x, t = worked_example.build()
        lr = worked_example.LR
    elif label == "multiplier":
        _, net, x, t, lr = build_for_steps("multiplier")
    elif label == "softmax":
        (net, x, t), lr = _softmax_network(), 0.5
    else:
        net, x, t, lr = tg.MLP([2, 3, 1], activation="tanh", seed=1), [0.5, -0.3], [0.2], 0.5
    doc = explain(net, x, t, lr=lr, pictures=False)
    keys = [("error",), ("error2",)] + [k for k in doc.values if k[0] == "delta"]
    return doc.title, [_written(doc.values[k]) for k in keys]


def _tex(label, folder):
    if label == "tanh":
        args = _tanh_network(folder)
    elif label == "softmax":
        _, x, right = _softmax_network(folder)
        args = ["softmax.json", "--inputs", *map(str, x), "--targets", right]
    else:
        args = [label]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "tinygraph", "explain", *args, "--format", "tex", "--out", "doc.tex"],
                       cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return folder / "doc.tex"


def _dark_share(pgm: bytes) -> float:
    """The share of pixels darker than mid-grey in a binary PGM (P5) image."""
    fields, i = [], 0
    while len(fields) < 4:                       # P5, width, height, maxval, separated by whitespace
        while pgm[i:i + 1].isspace():
            i += 1
        j = i
        while not pgm[j:j + 1].isspace():
            j += 1
        fields.append(pgm[i:j])
        i = j
    assert fields[0] == b"P5", fields
    w, h = int(fields[1]), int(fields[2])
    pixels = pgm[i + 1:i + 1 + w * h]
    assert len(pixels) == w * h
    return sum(1 for p in pixels if p < 128) / (w * h)


@pytest.mark.parametrize("label", ["worked-example", "multiplier", "tanh", "softmax"])
def test_explain_tex_compiles_with_pdflatex(label, tmp_path):
    tex = _tex(label, tmp_path)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1") if (tmp_path / "doc.log").exists() else ""
    assert r.returncode == 0, (r.stdout + log)[-4000:]
    assert "LaTeX Warning" not in log and "Overfull \\hbox" not in log, log[-4000:]
    pdf = tmp_path / "doc.pdf"

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    title, numbers = _expected(label)
    assert title in " ".join(text.split())
    for heading in ("The forward pass", "The output deltas", "The gradients", "The update",
                    "Repeat until the error is small", "How these numbers were checked"):
        assert heading in text
    if label == "softmax":
        assert "the probabilities add up to 1" in text and "the targets add up to 1" in text
    for n in numbers + (MAZUR if label == "worked-example" else []):
        assert n in text, n
    assert "??" not in text and "not found" not in text       # no unresolved reference, every picture in
    has_tikz = subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True, text=True).stdout.strip() != ""
    if "\\begin{tikzpicture}" not in tex.read_text(encoding="utf-8"):
        assert label == "multiplier"                          # it is below the threshold already: no curve
    elif has_tikz:
        assert "threshold 0.001" in text and "epoch" in text   # the error curve, drawn by TikZ
    else:
        assert "texlive-pictures" in " ".join(text.split())    # its stand-in names what to install

    # page 1 renders: the title, the words and the network's picture, on a white page
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-gray", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    page = next(tmp_path.glob("page*.pgm"))
    assert 0.005 < _dark_share(page.read_bytes()) < 0.3
    images = subprocess.run(["pdfimages", "-f", "1", "-l", "1", "-list", str(pdf)], capture_output=True, text=True,
                            check=True, timeout=60).stdout.splitlines()[2:]
    assert len(images) >= 1                                   # the network before the step
