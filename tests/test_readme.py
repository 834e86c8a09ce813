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
