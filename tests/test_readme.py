"""The README's examples: each ```python block runs on its own in a fresh interpreter and prints what
its comments say.

A ``print(...)  # text`` line must print exactly ``text``; ``print(...)  # e.g. text`` (a print in a
loop) prints lines of which one is ``text``.  Every printed line must be claimed by such a comment.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _python_blocks():
    """(heading above the block, its code) for each ```python block."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for m in re.finditer(r"```python\n(.*?)```", text, re.S):
        headings = re.findall(r"^#+ (.*)$", text[:m.start()], re.M)
        blocks.append((headings[-1] if headings else "top", m.group(1)))
    return blocks


BLOCKS = _python_blocks()


def _claims(code):
    """What the block says it prints: ("line", text) or ("e.g.", text), in order."""
    claims = []
    for line in code.splitlines():
        m = re.match(r"\s*print\(.*\)\s*#\s*(.*)$", line)
        if m:
            text = m.group(1).strip()
            claims.append(("e.g.", text[len("e.g."):].strip()) if text.startswith("e.g.") else ("line", text))
        elif re.match(r"\s*print\(", line):
            pytest.fail(f"README block: {line.strip()!r} prints without a comment saying what")
    return claims


def _matches(printed, claims):
    """True if the printed lines are exactly what the claims say, in order."""
    i = 0
    for k, (kind, text) in enumerate(claims):
        if kind == "line":
            if i >= len(printed) or printed[i] != text:
                return False
            i += 1
        else:                       # a loop's lines: up to the next exact line (or the end)
            nxt = next((t for kd, t in claims[k + 1:] if kd == "line"), None)
            j = i
            while j < len(printed) and printed[j] != nxt:
                j += 1
            if text not in printed[i:j]:
                return False
            i = j
    return i == len(printed)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 3
    assert all(_claims(code) for _, code in BLOCKS)          # each example shows what it prints


#: the optional extras an example may import, and how to install each
EXTRAS = {"torch": 'pip install "tinygraph[torch]"', "onnx": 'pip install "tinygraph[torch]"',
          "onnxruntime": 'pip install "tinygraph[torch]"', "numpy": 'pip install "tinygraph[fast]"',
          "matplotlib": 'pip install "tinygraph[plots]"', "PIL": 'pip install "tinygraph[gif]"'}


def _absent_extras(code):
    """The optional extras the example imports that are not installed here."""
    import importlib.util
    wanted = re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", code, re.M)
    return sorted({m for m in wanted if m in EXTRAS and importlib.util.find_spec(m) is None})


def test_an_example_importing_an_absent_extra_is_found():
    assert _absent_extras("import tinygraph_no_such_extra\nimport tinygraph as tg\n") == []
    assert _absent_extras("import os\nfrom tinygraph import Node\n") == []
    EXTRAS["tinygraph_no_such_extra"] = "pip install nothing"
    try:
        assert _absent_extras("import tinygraph_no_such_extra.sub\n") == ["tinygraph_no_such_extra"]
    finally:
        del EXTRAS["tinygraph_no_such_extra"]


@pytest.mark.parametrize("heading, code", BLOCKS, ids=[h for h, _ in BLOCKS])
def test_each_readme_example_runs_alone_and_prints_what_it_claims(heading, code, tmp_path):
    absent = _absent_extras(code)
    if absent:
        pytest.skip(f"the example under {heading!r} needs {', '.join(absent)}: "
                    f"{'; '.join(sorted({EXTRAS[m] for m in absent}))}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, f"the example under {heading!r} fails when run alone:\n{run.stderr}"
    printed = [line.strip() for line in run.stdout.splitlines()]
    claims = _claims(code)
    assert _matches(printed, claims), f"under {heading!r} it printed {printed}, the comments say {claims}"
    for name in re.findall(r"\.save\(\"([^\"]+)\"\)", code):          # the files it says it writes
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG") if name.endswith(".png") else len(data) > 0


def test_the_matching_rule_can_fail():
    claims = [("line", "E = 1"), ("e.g.", "step b"), ("line", "end")]
    assert _matches(["E = 1", "step a", "step b", "end"], claims)
    assert not _matches(["E = 1", "step a", "end"], claims)            # the e.g. line is not printed
    assert not _matches(["E = 2", "step b", "end"], claims)            # a wrong number
    assert not _matches(["E = 1", "step b", "end", "extra"], claims)   # an unclaimed line
    assert not _matches(["E = 1", "step b"], claims)                   # a line missing


def test_readme_step_line_is_a_real_step():
    import tinygraph as tg
    net = tg.Network("tiny")
    x1, x2 = net.input("x1"), net.input("x2")
    h = net.neuron("h", activation="sigmoid", bias=0.35)
    o = net.neuron("o", activation="sigmoid", bias=0.6)
    net.connect(x1, h, weight=0.15)
    net.connect(x2, h, weight=0.20)
    net.connect(h, o, weight=0.40)
    E = tg.squared_error(net.forward({"x1": 0.05, "x2": 0.10}), {"o": 0.01})
    claimed = re.search(r"# e\.g\. (dE/dw_h_o = .*)$", README.read_text(encoding="utf-8"), re.M).group(1)
    assert claimed.strip() in [str(s) for s in tg.backprop_steps(E)]


def test_readme_has_exactly_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", setup, re.S)
    assert [c.strip() for c in commands] == ["pip install . && tinygraph demo multiplier",
                                             'pip install ".[test]" && python -m pytest tests']


# -- the README's shell commands, in order, in an empty folder, against a non-editable install ---------------
#
# Every line of every ```sh block is one test case, run in README order in one empty folder (so a command
# may use the files an earlier one made, and only those).  The install is this checkout copied and
# installed with `pip install --no-deps` (not editable) into a fresh venv, which sees the packages of the
# interpreter running the tests.  What the cases do with the commands that cannot run as written:
#   `pip install .` / `pip install ".[test]"`: done by the fixture (the install, the venv's packages);
#   `python -m pytest tests`: skipped with its reason (it is the test suite itself, this test among it);
#   a command that needs an absent optional extra (NEEDS): skipped with the extra's name;
#   `tinygraph play ...` serves until stopped: run with --no-browser (and --port 0, so a busy port
#   cannot fail it), the address it prints is opened once, then it is stopped.

SHELL_PROGRAMS = ("tinygraph", "pip", "python", "printf")
INSTALLS = {"pip install .": "the fixture's non-editable install of this checkout",
            'pip install ".[test]"': "the fixture's install; the venv sees the test run's packages",
            'pip install ".[docs]"': "only before the docs build, which is skipped here (see NOT_RUN)"}
NOT_RUN = {"python -m pytest tests": "it runs the whole test suite, this test among it (CI runs it on its own)",
           "python -m sphinx -W -n --keep-going -b html docs docs/_build/html":
               "the docs build: tests/test_docs.py builds the site the same way (slow) when the docs extra is there"}
NEEDS = [("tinygraph export", ("torch", "onnx", "onnxruntime"), "tinygraph[torch]"),
         ("--gif", ("PIL",), "tinygraph[gif]")]


def _shell_commands():
    """(heading above the block, command) for each command line of each ```sh block, in order."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for m in re.finditer(r"```sh\n(.*?)```", text, re.S):
        headings = re.findall(r"^#+ (.*)$", text[:m.start()], re.M)
        pending = ""
        for line in m.group(1).splitlines():
            line = pending + line.strip()
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            if line and not line.startswith("#"):
                commands.append((headings[-1] if headings else "top", line))
    return commands


SHELL = _shell_commands()


def _shell_id(heading, command):
    return heading + ": " + re.sub(r"\s#\s.*$", "", command).strip()


def test_every_readme_shell_command_is_one_the_shell_test_runs():
    assert len(SHELL) >= 15 and [c for _, c in SHELL][:2] == ["pip install . && tinygraph demo multiplier",
                                                              'pip install ".[test]" && python -m pytest tests']
    for heading, command in SHELL:
        for part in command.split("&&"):
            part = part.strip()
            assert part.split()[0] in SHELL_PROGRAMS, f"under {heading!r}: {part!r} is no command the test knows"
            if part.startswith("pip "):
                assert part in INSTALLS, f"under {heading!r}: the test does not know how to run {part!r}"
            if part.startswith("python "):
                assert part in NOT_RUN, f"under {heading!r}: the test does not know how to run {part!r}"
        assert "[" not in command.split("#")[0].replace('".[test]"', "").replace('".[docs]"', ""), \
            f"under {heading!r}: {command!r} has [optional] parts, so it cannot run as written"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(a fresh venv's bin folder with tinygraph installed non-editably, an empty folder to run in)."""
    import shutil
    import venv
    base = tmp_path_factory.mktemp("readme-shell")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "tinygraph-out"))
    env_dir = base / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    ask = "import sys, sysconfig; print(sysconfig.get_paths()['purelib']); print(*sys.path, sep='\\n')"
    site, *has = subprocess.run([str(python), "-c", ask], cwd=base, capture_output=True, text=True,
                                check=True).stdout.splitlines()
    # the test run's own site folders (the venv already has the standard library: adding it again would
    # let pip's build isolation strip it); never the checkout, which must not be what gets imported
    here = [p for p in sys.path if p and p not in has and os.path.isdir(p)
            and not Path(p).resolve().is_relative_to(ROOT)]
    Path(site, "_readme_test_parent.pth").write_text("\n".join(here) + "\n", encoding="utf-8")
    # building offline needs setuptools that can make wheels (70.1 on, or the wheel package); without
    # it pip fetches setuptools and wheel from its index to build in isolation
    import importlib.util
    try:
        import setuptools
        can = tuple(int(x) for x in setuptools.__version__.split(".")[:2]) >= (70, 1)
    except (ImportError, ValueError):
        can = False
    offline = ["--no-build-isolation"] if can or importlib.util.find_spec("wheel") else []
    run = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", *offline, str(source)],
                         capture_output=True, text=True, timeout=600, env=_shell_env(bin_dir))
    assert run.returncode == 0, f"pip install --no-deps {' '.join(offline)} of the checkout failed:\n{run.stderr}"
    where = subprocess.run([str(python), "-c", "import tinygraph; print(tinygraph.__file__)"], cwd=base,
                           capture_output=True, text=True, env=_shell_env(bin_dir))
    assert Path(where.stdout.strip()).resolve().is_relative_to(env_dir.resolve()), where   # not the checkout
    shipped = subprocess.run([str(python), "-c", "from tinygraph.data import datasets as d; "
                              "print(*[len(d.load(i.name).rows) for i in d.data_sets()])"],
                             cwd=base, capture_output=True, text=True, env=_shell_env(bin_dir))
    assert shipped.stdout.split() == ["300", "400", "1797", "569", "150", "178"], shipped   # the package data
    folder = base / "empty"
    folder.mkdir()
    return bin_dir, folder


def _shell_env(bin_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _serve_then_stop(argv, folder, env):
    """Run a `tinygraph play` command until it prints its address, open that once, and stop it."""
    import urllib.request
    if "--no-browser" not in argv:
        argv = argv + ["--no-browser"]
    if "--port" in argv:
        argv[argv.index("--port") + 1] = "0"
    proc = subprocess.Popen(argv, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url, seen = None, []
        import threading
        timer = threading.Timer(120, proc.kill)      # a server that never prints its address fails, not hangs
        timer.start()
        for line in proc.stdout:
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:\d+/\S*", line)
            if m:
                url = m.group(0)
                break
        timer.cancel()
        assert url, f"{' '.join(argv)} printed no address:\n{''.join(seen)}{proc.stderr.read()}"
        with urllib.request.urlopen(url, timeout=60) as page:
            assert page.status == 200 and b"<html" in page.read(4096).lower()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("heading, command", SHELL, ids=[_shell_id(h, c) for h, c in SHELL])
def test_readme_shell_commands_run_in_order_from_an_empty_folder(installed, heading, command):
    import importlib.util
    import shlex
    import shutil
    bin_dir, folder = installed
    env = _shell_env(bin_dir)
    parts = [p.strip() for p in command.split("&&")]
    for part in parts:
        if part in NOT_RUN:
            pytest.skip(f"{part!r}: {NOT_RUN[part]}")
    for marker, modules, extra in NEEDS:
        missing = [m for m in modules if importlib.util.find_spec(m) is None]
        if marker in command and missing:
            pytest.skip(f"needs {', '.join(missing)}: pip install \"{extra}\"")
    rest = " && ".join(p for p in parts if p not in INSTALLS)
    if not rest:
        return
    if rest.startswith("tinygraph play"):
        _serve_then_stop([str(bin_dir / "tinygraph")] + shlex.split(rest, comments=True)[1:], folder, env)
        return
    shell = shutil.which("bash") or "sh"
    run = subprocess.run([shell, "-c", rest], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (f"under {heading!r}, in a folder holding {sorted(os.listdir(folder))}:\n"
                                 f"$ {rest}\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    assert "Traceback" not in run.stderr, run.stderr
