"""The optional ``torch`` extra: torch, onnx and onnxruntime, imported only when asked for.

Importing tinygraph never imports torch.  Each function of the bridge asks
for what it needs with :func:`require`, which raises MissingDependencyError
saying what to install when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import TinygraphError

__all__ = ["EXTRA", "MissingDependencyError", "TorchBridgeError", "require"]

#: the command that installs the extra
EXTRA = 'pip install "tinygraph[torch]"'


class MissingDependencyError(TinygraphError, ImportError):
    """torch, onnx or onnxruntime is needed but not installed (the message says how to install it)."""


class TorchBridgeError(TinygraphError, ValueError):
    """A network or module that the bridge cannot translate (the message says which part and why)."""


def require(name: str, purpose: str) -> ModuleType:
    """Import the module ``name`` (torch, onnx, onnxruntime) or say how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise MissingDependencyError(
            f"{purpose} needs {name}, which is not installed here ({e}). Install tinygraph's torch extra: "
            f"{EXTRA} (it brings torch, onnx and onnxruntime; on a machine without a GPU, "
            "install the CPU build of torch first: see https://pytorch.org/get-started/locally/)") from None
