"""demos/worked_example.ipynb, run with a real Jupyter kernel (nbclient + ipykernel, the test extra)."""

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat (pip install nbclient)")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient (pip install nbclient)")
pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel (pip install ipykernel)")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "demos" / "worked_example.ipynb"
SVG = "{http://www.w3.org/2000/svg}"


def outputs(cell, kind):
    """The cell's outputs of one kind: the printed text ("stream"), or each display's data bundle."""
    if kind == "stream":
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return [o["data"] for o in cell.outputs if o.output_type in ("execute_result", "display_data")]


@pytest.mark.slow
def test_the_worked_example_notebook_runs_and_shows_its_numbers_the_diagram_and_the_player(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")   # this tinygraph
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        try:
            KernelSpecManager().get_kernel_spec("python3")
        except NoSuchKernel:
            pytest.skip("no python3 Jupyter kernel (python -m ipykernel install --user)")
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
        client.execute()
    finally:
        if env_path:
            os.environ["PYTHONPATH"] = env_path
        else:
            os.environ.pop("PYTHONPATH", None)
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(outputs(c, "stream") for c in code)
    # Mazur's numbers: the outputs, the error, dE/dw5 (h1 -> o1) and dE/dw1 (i1 -> h1)
    for line in ("O_o1 = 0.751365", "O_o2 = 0.772928", "E = 0.298371", "dE/dw_h1_o1 = 0.082167",
                 "dE/dw_i1_h1 = 0.000439", "delta_o1 = 0.138499"):
        assert line in printed, line
    shown = [d for c in code for d in outputs(c, "display")]
    svgs = [ET.fromstring(d["image/svg+xml"].encode()) for d in shown if "image/svg+xml" in d]
    assert len(svgs) == 1 and {"neuron-h1", "synapse-h1-o1"} <= {g.get("id") for g in svgs[0].iter(SVG + "g")}
    player = [d["text/html"] for d in shown if "text/html" in d]
    assert len(player) == 1
    html = player[0]
    assert html.startswith("<iframe") and 'sandbox="allow-scripts"' in html and "srcdoc=" in html
    assert "&lt;script type=&quot;application/json&quot; id=&quot;steps&quot;&gt;" in html    # the page, escaped
    assert "epochs: E = 0.000" in printed
