"""Files for other tools: a network as a torch module file (.pt) or an ONNX model (.onnx).

``to_onnx`` goes through PyTorch's own ONNX exporter: the TorchScript-based one
(``dynamo=False``), which needs only torch and onnx, keeps float64, and takes
a fraction of a second; the newer dynamo exporter would also need onnxscript.
``export`` is what ``tinygraph export`` runs, with an optional check that the
written files compute what the network computes.
"""

from __future__ import annotations

import inspect
import json
import os
import random
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence, Union

from ..draw.files import write_whole
from ..errors import BadValueError, FileWriteError, WrongTypeError
from ..networks.network import Network
from ..data.tables import scaling_of
from .compare import TOLERANCE, TorchComparison, compare_with_torch
from .convert import split_scaling, term_sizes, to_torch
from .optional import TorchBridgeError, require

__all__ = ["to_onnx", "run_onnx", "export", "ExportReport", "ExportWriteError", "INPUT_NAME", "OUTPUT_NAME"]

#: the names of the ONNX model's input (batch, inputs) and output (batch, outputs)
INPUT_NAME = "inputs"
OUTPUT_NAME = "outputs"

PathLike = Union[str, "os.PathLike[str]"]


def _target(path: Any, what: str) -> str:
    """``path`` checked as a place to write a file (a name, in a folder that exists, not a folder)."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise WrongTypeError(f"{what} needs a file name, got {type(path).__name__} {path!r}")
    path = os.fspath(path)
    if not path.strip():
        raise BadValueError(f"{what}: the file name is empty")
    if os.path.isdir(path):
        raise BadValueError(f"{what}: {path} is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise BadValueError(f"{what}: the folder {folder} does not exist")
    return path


#: a file of ``export`` / ``to_onnx`` that could not be written (a read-only folder, a full disk): the one
#: safe write's error (tinygraph.draw.files.write_whole), which names the file asked for and why
ExportWriteError = FileWriteError


def _write(path: str, write: Callable[[str], None]) -> None:
    """Call ``write(tmp)`` then move tmp over ``path``: a failure never leaves half a file in its place."""
    write_whole(path, write, spelled=os.path.basename(path))


def _names(module: Any) -> dict:
    """Input and output names of the network a module was made from ({} if it was not made by to_torch)."""
    saved = getattr(module, "tinygraph_network", None)
    if not saved:
        return {}
    sources = {s["src"] for s in saved["synapses"]}
    names = {"network": saved["name"],
             "inputs": [e["name"] for e in saved["neurons"] if e["kind"] == "input"],
             "outputs": [e["name"] for e in saved["neurons"] if e["kind"] == "neuron" and e["name"] not in sources]}
    standardise, _ = split_scaling(module)
    if standardise is not None:                   # the model takes the data's own units and standardises them
        names["scaling"] = standardise.scaling
    return names


def to_onnx(net: Any, path: PathLike, dtype: Any = None, scaling: bool = True) -> str:
    """Write ``net`` (a Network, or a module from ``to_torch``) as an ONNX model; returns the path.

    The model has one input "inputs" of shape (batch, inputs) and one output
    "outputs" of shape (batch, outputs), the columns in the order of
    ``net.inputs`` and ``net.outputs``; the batch size is free.  Its metadata
    records the network's name and the names of the columns (tinygraph.inputs,
    tinygraph.outputs, as JSON lists).  ``dtype``: torch.float64 (default) or torch.float32.
    ``scaling``: a network trained on a table (``net.scaling``) gives a model that
    takes the data's own units and standardises them first (x - mean) / std, as
    ``tinygraph predict`` does; the means and stds are in the metadata too
    (tinygraph.networks.scaling).  False leaves that step out: the model then takes
    standardised inputs, as ``net.forward`` does.
    """
    torch = require("torch", "ONNX export")
    onnx = require("onnx", "ONNX export")
    path = _target(path, "to_onnx")
    module = to_torch(net, dtype=dtype, scaling=scaling) if isinstance(net, Network) else net
    if not isinstance(module, torch.nn.Module):
        raise WrongTypeError(f"to_onnx takes a tinygraph Network or a torch module, got {type(net).__name__}")
    names = _names(module)
    tensors = list(module.parameters()) + list(module.buffers())
    dtype = tensors[0].dtype if tensors else torch.float64
    if names:
        width = len(names["inputs"])
    else:
        linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
        if not linears:
            raise TorchBridgeError("to_onnx cannot tell how many inputs the module takes: give it a "
                                   "Network or a module made by to_torch")
        width = linears[0].in_features
    example = torch.zeros(2, width, dtype=dtype)
    options = dict(input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                   dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}})
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False           # the TorchScript exporter: no onnxscript needed

    def write(tmp: str) -> None:
        with warnings.catch_warnings():      # it warns that it is the older of the two exporters
            warnings.simplefilter("ignore")
            torch.onnx.export(module, (example,), tmp, **options)
        model = onnx.load(tmp)
        model.doc_string = (f"tinygraph network {names['network']!r}" if names else "exported by tinygraph")
        for key, value in names.items():
            entry = model.metadata_props.add()
            entry.key = f"tinygraph.{key}"
            entry.value = json.dumps(value, ensure_ascii=False)
        onnx.save(model, tmp)

    _write(path, write)
    return path


@dataclass
class ExportReport:
    """What ``export`` wrote and, with ``check=True``, how the files compare with the network."""

    network: str
    lines: List[str] = field(default_factory=list)
    torch_check: Optional[TorchComparison] = None
    onnx_difference: Optional[float] = None           # the largest output difference / term_sizes
    raw_difference: Optional[float] = None            # the torch file on rows in the data's own units, likewise
    tolerance: float = TOLERANCE

    @property
    def ok(self) -> bool:
        """True unless a check found a difference beyond the tolerance."""
        if self.torch_check is not None and not self.torch_check.ok:
            return False
        return all(d is None or d <= self.tolerance for d in (self.onnx_difference, self.raw_difference))

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _samples(net: Network, count: int, seed: int):
    """``count`` random samples (inputs in [-1, 1], targets in [0, 1]) to check an export with."""
    rng = random.Random(seed)
    inputs = [{n.name: rng.uniform(-1.0, 1.0) for n in net.inputs} for _ in range(count)]
    targets = [{n.name: rng.uniform(0.0, 1.0) for n in net.outputs} for _ in range(count)]
    return inputs, targets


def _raw_rows(net: Network, inputs: List[dict], scaled: Optional[tuple]) -> tuple:
    """The rows a written file takes for ``inputs`` (the data's own units when the network has a scaling)
    and, for each, the sample ``net.forward`` takes: the row standardised as ``predict`` standardises it."""
    names = [n.name for n in net.inputs]
    if scaled is None:
        rows = [[s[k] for k in names] for s in inputs]
        return rows, inputs
    means, stds = scaled
    rows = [[s[k] * sd + m for k, m, sd in zip(names, means, stds)] for s in inputs]
    return rows, [dict(zip(names, [(v - m) / sd for v, m, sd in zip(r, means, stds)])) for r in rows]


def _difference(net: Network, samples: List[dict], got: List[List[float]], units: bool = False) -> tuple:
    """(largest output difference over the size of the sums behind it, largest difference, that size).
    ``units``: ``got`` is in the data's own units (a regression's output scaling undone, as predict does)."""
    diffs = []                      # (difference, size of the terms behind it)
    scaling = net.scaling if units and net.scaling is not None else None
    for sample, row in zip(samples, got):
        want = net.forward(sample)
        sizes = term_sizes(net, sample)
        if scaling is not None and scaling.scales_target:
            diffs += [(abs(scaling.unscale(want[n.name].value) - v) / scaling.target_std,
                       sizes[n.name]) for n, v in zip(net.outputs, row)]
            continue
        diffs += [(abs(want[n.name].value - v), sizes[n.name]) for n, v in zip(net.outputs, row)]
    largest, size = max(diffs)
    return max(d / max(1.0, sz) for d, sz in diffs), largest, size


def export(net: Union[Network, PathLike], torch_path: Optional[PathLike] = None,
           onnx_path: Optional[PathLike] = None, check: bool = False, samples: int = 8,
           seed: int = 0) -> ExportReport:
    """Write a network (or the network saved in a .json file) for torch and/or ONNX.

    ``torch_path``: the module from ``to_torch`` saved with ``torch.save`` (load it
    with ``torch.load(path, weights_only=False)``: it holds a module, not only
    weights).  ``onnx_path``: an ONNX model (see ``to_onnx``).  A network trained
    on a table (``net.scaling``, as ``tinygraph train --save`` writes it) is
    written with its input scaling as the first layer, so both files take rows
    in the data's own units and give ``tinygraph predict``'s numbers.
    ``check``: read the written files back and run them on ``samples`` random
    samples: the torch module through ``compare_with_torch`` (outputs, error,
    every gradient), the ONNX model through onnxruntime (outputs), both on rows
    in the data's own units when there is a scaling; the report says whether
    they agree with the network to 1e-12.  What ``tinygraph export`` runs.
    """
    if torch_path is None and onnx_path is None:
        raise BadValueError("export: say where to write: torch_path (a .pt file) and/or onnx_path (a .onnx file)")
    if not isinstance(net, Network):
        net = Network.load(net)
    torch = require("torch", "export")
    torch_path = None if torch_path is None else _target(torch_path, "export to torch")
    onnx_path = None if onnx_path is None else _target(onnx_path, "export to ONNX")
    if onnx_path is not None:
        require("onnx", "ONNX export")
        if check:
            require("onnxruntime", "checking an ONNX model")
    scaled = scaling_of(net)
    module = to_torch(net, scaling=True)
    report = ExportReport(net.name)
    inputs, targets = _samples(net, samples, seed) if check else (None, None)
    rows, forwarded = _raw_rows(net, inputs, scaled) if check else (None, None)
    columns = ", ".join(n.name for n in net.inputs)
    if scaled is not None:
        columns += (" in the data's own units; the first layer standardises them, (x - mean) / std, with the "
                    "training rows' means and stds, as tinygraph predict does")
        if net.scaling.scales_target:
            columns += ("; the last layer gives the output in the data's own units too (y * std + mean, the "
                        "training targets' mean and std), as predict does")
    if torch_path is not None:
        _write(torch_path, lambda tmp: torch.save(module, tmp))
        plain = isinstance(module, torch.nn.Sequential) and all(
            type(m).__module__.startswith("torch.") for m in module)     # loads without tinygraph
        standardise, body = split_scaling(module)
        if plain:
            kind = "a torch.nn.Sequential"
        elif isinstance(body, torch.nn.Sequential):
            kind = "a torch.nn.Sequential with a tinygraph Standardise layer first"
        else:
            kind = "a tinygraph NetworkModule (one parameter per synapse)" + (
                ", after a tinygraph Standardise layer" if standardise is not None else "")
        needs = "" if plain else ", with tinygraph installed"
        report.lines.append(f"wrote {torch_path}: {net.name} as {kind} in float64, taking (batch, "
                            f"{len(net.inputs)}: {columns}); load it with "
                            f"torch.load({torch_path!r}, weights_only=False){needs}")
        if check:
            loaded = torch.load(torch_path, weights_only=False)
            report.torch_check = compare_with_torch(net, inputs, targets, module=loaded)
            report.lines.append(f"check of {torch_path} on {samples} random samples:")
            report.lines.extend("  " + line for line in str(report.torch_check).splitlines())
            if scaled is not None:
                with torch.no_grad():
                    got = loaded(torch.tensor(rows, dtype=torch.float64)).tolist()
                worst, largest, _ = _difference(net, forwarded, got, units=True)
                report.raw_difference = max(report.raw_difference or 0.0, worst)
                report.lines.append(f"  on the same samples in the data's own units: largest difference from "
                                    f"predict's outputs {largest:.3g}; agree within {report.tolerance:g}: "
                                    + ("yes" if worst <= report.tolerance else "NO"))
    if onnx_path is not None:
        to_onnx(module, onnx_path)
        report.lines.append(f"wrote {onnx_path}: {net.name} as an ONNX model in float64, input "
                            f"{INPUT_NAME!r} (batch, {len(net.inputs)}: {columns}), "
                            f"output {OUTPUT_NAME!r} (batch, {len(net.outputs)}: "
                            f"{', '.join(n.name for n in net.outputs)})")
        if check:
            got = run_onnx(onnx_path, rows)
            report.onnx_difference, largest, size = _difference(net, forwarded, got, units=scaled is not None)
            agree = "yes" if report.onnx_difference <= report.tolerance else "NO"
            units = " in the data's own units" if scaled is not None else ""
            report.lines.append(f"check of {onnx_path} with onnxruntime on {samples} random samples{units}: "
                                f"largest difference in outputs {largest:.3g}"
                                + (f" (in sums of terms up to {size:.3g})" if size > 1e3 else "")
                                + f"; agree within {report.tolerance:g}: {agree}")
    return report


def run_onnx(path: PathLike, rows: Sequence[Sequence[float]]) -> List[List[float]]:
    """Run the ONNX model at ``path`` (made by ``to_onnx``) on rows of inputs with onnxruntime."""
    ort = require("onnxruntime", "running an ONNX model")
    np = require("numpy", "running an ONNX model")
    session = ort.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    kind = session.get_inputs()[0].type
    x = np.asarray(rows, dtype=np.float64 if "double" in kind else np.float32)
    (y,) = session.run([OUTPUT_NAME], {INPUT_NAME: x})
    return [[float(v) for v in row] for row in y]
