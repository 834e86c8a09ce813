"""From tinygraph to PyTorch and back, and on to ONNX (the optional extra: pip install "tinygraph[torch]").

* :func:`to_torch` -- a ``torch.nn.Module`` computing the same function as a Network;
* :func:`from_torch` -- a Network from an ``nn.Sequential`` of Linear layers and activations;
* :func:`compare_with_torch` -- the proof: outputs, error and gradients of both, side by side;
* :func:`to_onnx`, :func:`export` -- an ONNX file through PyTorch's exporter; what
  ``tinygraph export`` does.

Importing this package does not import torch; each function imports what it
needs and, when it is missing, raises MissingDependencyError saying what to install.
"""

from .compare import TorchComparison, compare_with_torch
from .convert import from_torch, to_torch
from .export import ExportReport, export, run_onnx, to_onnx
from .names import parameter_name, tinygraph_name
from .optional import EXTRA, MissingDependencyError, TorchBridgeError

__all__ = ["to_torch", "from_torch", "compare_with_torch", "TorchComparison", "to_onnx", "run_onnx", "export",
           "ExportReport", "parameter_name", "tinygraph_name", "MissingDependencyError", "TorchBridgeError",
           "EXTRA"]
