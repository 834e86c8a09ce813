"""The README's examples run, and print what the README says they print."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_examples_print_what_they_claim(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = _python_blocks()
    assert len(blocks) >= 3
    namespace = {}
    for block in blocks:
        # Each `print(...)  # expected` line must print exactly the expected text.
        expected = [m.group(1).strip() for m in re.finditer(r"^print\(.*\)\s*#\s*(.*)$", block, re.M)]
        runnable = re.sub(r"^for step in .*\n\s+print\(step\).*$", "", block, flags=re.M)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(runnable, "README.md", "exec"), namespace)
        printed = [line.strip() for line in out.getvalue().splitlines()]
        assert printed == expected
    assert (tmp_path / "tiny.svg").stat().st_size > 0
    assert (tmp_path / "tiny-graph.png").read_bytes().startswith(b"\x89PNG")


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
