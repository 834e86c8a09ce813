"""The built wheel holds every package data file, and each page type opens from it.

A wheel is built from a copy of the source (``pip wheel --no-deps --no-build-isolation``), installed
into a fresh virtual environment in a temporary folder (which sees this environment's other packages,
for graphviz and the rest, but not its tinygraph), and every page is written from yet another folder,
so nothing can come from the source tree.
"""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

TRAINING_PAGE = """
import tinygraph as tg
net = tg.MLP([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
data = [([0.0, 0.0], [0.0]), ([1.0, 0.0], [1.0]), ([0.0, 1.0], [1.0]), ([1.0, 1.0], [0.0])]
tg.training_page(tg.train(net, data, lr=0.5, max_epochs=20, record=5, verbose=False)).save("run.html")
"""
PLAYGROUND_PAGE = """
from tinygraph.playground.page import page_html
open("play.html", "w", encoding="utf-8").write(page_html("token", "nonce", "xor"))
"""
ASSETS = """
import sys
from importlib import resources
import tinygraph
print(tinygraph.__file__, end="\\0")
for package, name in (a.split(":") for a in sys.argv[1:]):
    print(resources.files(package).joinpath("assets").joinpath(name).read_text(encoding="utf-8"), end="\\0")
"""


def _data_files():
    """Every file in the source package that is not Python (the package data the wheel must hold)."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tinygraph").rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)


def _run(args, cwd, **kw):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, args))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def test_the_wheel_holds_every_asset_and_writes_every_page(tmp_path):
    pytest.importorskip("wheel", reason="building the wheel without build isolation needs the wheel package "
                        '(pip install ".[test]" brings it)')
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "node_modules", "__pycache__", "*.egg-info",
                                                             "build", "dist", ".hypothesis", ".pytest_cache"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
          str(src)], tmp_path)
    wheel = next((tmp_path / "dist").glob("tinygraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _data_files() if f not in names]
    assert not missing, f"package data files left out of the wheel (setup.cfg [options.package_data]): {missing}"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).strip()
    # this environment's packages (graphviz, graphviz-pure, ...) after the fresh one's own; a path added by a
    # .pth file is not a site folder, so an editable tinygraph's import hook there is not run
    others = [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]
    Path(purelib, "outer.pth").write_text("\n".join(others) + "\n")
    # --ignore-installed: the test run's own tinygraph (seen through outer.pth) must neither stop this
    # install ("already satisfied") nor be uninstalled by it
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
          "--ignore-installed", str(wheel)], tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    tinygraph = bindir / ("tinygraph.exe" if os.name == "nt" else "tinygraph")
    _run([str(tinygraph), "step", "worked-example", "--html", "steps.html"], work, env=env)
    _run([str(tinygraph), "explain", "worked-example", "--format", "html", "--out", "explained.html"], work, env=env)
    _run([str(python), "-c", TRAINING_PAGE], work, env=env)
    _run([str(python), "-c", PLAYGROUND_PAGE], work, env=env)

    wanted = {"steps.html": ["tinygraph.draw:player.js", "tinygraph.draw:player.css"],
              "run.html": ["tinygraph.draw:player.js", "tinygraph.draw:player.css", "tinygraph.draw:training.js",
                           "tinygraph.draw:training.css"],
              "play.html": ["tinygraph.playground:playground.js", "tinygraph.playground:playground.css"],
              "explained.html": ["tinygraph.explanation:explain.js", "tinygraph.explanation:explain.css"]}
    out = _run([str(python), "-c", ASSETS, *sorted({a for v in wanted.values() for a in v})], work, env=env)
    where, *texts = out.split("\0")[:-1]
    assert Path(where).resolve().is_relative_to(env_dir.resolve()), f"tinygraph came from {where}, not the wheel"
    text_of = dict(zip(sorted({a for v in wanted.values() for a in v}), texts))
    for page, assets in wanted.items():
        html = (work / page).read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>"), page
        for a in assets:
            assert text_of[a].strip() and text_of[a] in html, f"{a} is not inlined in {page}"
    explained = (work / "explained.html").read_text(encoding="utf-8")
    assert explained.startswith("<!DOCTYPE html>") and "<math" in explained and "<svg" in explained
    assert "<style>" in explained and ".tinygraph-explain" in explained
