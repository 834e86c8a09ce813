"""How a table's inputs were standardised: each input x becomes (x - mean) / std.

A network trained on a CSV table (``tinygraph.tables.train_table``) keeps its
``Scaling`` as ``net.scaling``; the network file stores it beside the weights,
so new rows are scaled the same way before they reach the inputs.  It lives in
its own module because both the tables and the network file need it.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .errors import BadValueError

__all__ = ["Scaling"]


class Scaling:
    """Standardised inputs: each input x becomes (x - mean) / std, with the training rows' mean and std.

    Kept with a network (``net.scaling``) and saved in its JSON, so new rows are
    scaled the same way; ``target`` and ``labels`` say what the output means."""

    def __init__(self, names: Sequence[str], means: Sequence[float], stds: Sequence[float],
                 target: str = "", labels: Optional[Sequence[str]] = None) -> None:
        self.names = list(names)
        self.means = [float(m) for m in means]
        self.stds = [float(s) for s in stds]
        self.target = target
        self.labels = None if labels is None else (str(labels[0]), str(labels[1]))
        if not (len(self.names) == len(self.means) == len(self.stds)):
            raise BadValueError("a Scaling needs one mean and one std per input")
        if not all(math.isfinite(m) for m in self.means) or not all(math.isfinite(s) and s > 0 for s in self.stds):
            raise BadValueError("a Scaling's means must be finite numbers and its stds finite numbers > 0")

    @classmethod
    def fit(cls, names: Sequence[str], rows: Sequence[Sequence[float]], target: str = "",
            labels: Optional[Sequence[str]] = None) -> "Scaling":
        """The scaling that gives ``rows`` mean 0 and standard deviation 1 in every column."""
        n = len(rows)
        means, stds = [], []
        for j in range(len(names)):
            col = [r[j] for r in rows]
            m = math.fsum(col) / n
            s = math.sqrt(math.fsum((v - m) ** 2 for v in col) / n)
            means.append(m)
            stds.append(s if s > 0 else 1.0)
        return cls(names, means, stds, target, labels)

    def apply(self, row: Sequence[float]) -> List[float]:
        return [(v - m) / s for v, m, s in zip(row, self.means, self.stds)]

    def undo(self, j: int, v: float) -> float:
        """Input ``j``'s scaled value ``v`` back in the data's own units."""
        return v * self.stds[j] + self.means[j]

    def to_dict(self) -> Dict[str, Any]:
        return {"inputs": {n: [m, s] for n, m, s in zip(self.names, self.means, self.stds)},
                "target": self.target, "labels": None if self.labels is None else list(self.labels)}

    @classmethod
    def from_dict(cls, doc: Any) -> "Scaling":
        """The Scaling ``to_dict`` described; BadValueError (a ValueError) if ``doc`` is not one."""
        if not isinstance(doc, Mapping) or not isinstance(doc.get("inputs"), Mapping):
            raise BadValueError("\"scaling\" should be an object with \"inputs\": {name: [mean, std]}")
        names, means, stds = [], [], []
        for k, v in doc["inputs"].items():
            if (not isinstance(v, list) or len(v) != 2
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
                raise BadValueError(f"\"scaling\" of input {k!r} should be [mean, std], got {v!r}")
            names.append(str(k))
            means.append(v[0])
            stds.append(v[1])
        labels = doc.get("labels")
        if labels is not None and (not isinstance(labels, list) or len(labels) != 2):
            raise BadValueError(f"\"scaling\" labels should be a list of two labels, got {labels!r}")
        return cls(names, means, stds, str(doc.get("target", "")), labels)

    def __repr__(self) -> str:
        cols = ", ".join(f"{n}: mean {m:.4g}, std {s:.4g}" for n, m, s in zip(self.names, self.means, self.stds))
        return f"Scaling({cols})"
