"""How a table's inputs (and a regression's target) were standardised: each x becomes (x - mean) / std.

A network trained on a CSV table (``tinygraph.data.tables.train_table``) keeps its
``Scaling`` as ``net.scaling``; the network file stores it beside the weights,
so new rows are scaled the same way before they reach the inputs.  A regression
also standardises its target (``target_mean``, ``target_std``): the network learns
numbers near 0 whatever the data's units (prices, salaries, ...), so the default
learning rate works, and ``unscale`` gives its output back in the data's units.
It lives in
its own module because both the tables and the network file need it.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ..errors import BadValueError

__all__ = ["Scaling"]


class Scaling:
    """Standardised inputs: each input x becomes (x - mean) / std, with the training rows' mean and std.

    Kept with a network (``net.scaling``) and saved in its JSON, so new rows are
    scaled the same way; ``target`` and ``labels`` say what the output means (a
    classifier's labels, in the order of its outputs' classes); a regression's
    ``target_mean`` and ``target_std`` turn the output back into the data's units."""

    def __init__(self, names: Sequence[str], means: Sequence[float], stds: Sequence[float],
                 target: str = "", labels: Optional[Sequence[str]] = None,
                 target_mean: Optional[float] = None, target_std: Optional[float] = None) -> None:
        self.names = list(names)
        self.means = [float(m) for m in means]
        self.stds = [float(s) for s in stds]
        self.target = target
        self.labels = None if labels is None else tuple(str(label) for label in labels)
        if not (len(self.names) == len(self.means) == len(self.stds)):
            raise BadValueError("a Scaling needs one mean and one std per input")
        if not all(math.isfinite(m) for m in self.means) or not all(math.isfinite(s) and s > 0 for s in self.stds):
            raise BadValueError("a Scaling's means must be finite numbers and its stds finite numbers > 0")
        if self.labels is not None and (len(self.labels) < 2 or len(set(self.labels)) != len(self.labels)):
            raise BadValueError(f"a Scaling's labels must be two or more different labels, got {list(self.labels)!r}")
        if (target_mean is None) != (target_std is None):
            raise BadValueError("a Scaling's target needs both a mean and a std (or neither)")
        self.target_mean = None if target_mean is None else float(target_mean)
        self.target_std = None if target_std is None else float(target_std)
        if self.target_std is not None and not (math.isfinite(self.target_mean) and math.isfinite(self.target_std)  # type: ignore[arg-type]
                                                and self.target_std > 0):
            raise BadValueError("a Scaling's target mean must be a finite number and its std a finite number > 0")

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

    @property
    def scales_target(self) -> bool:
        """True for a regression trained on a standardised target."""
        return self.target_std is not None

    def scale_target(self, t: float) -> float:
        """A target in the data's units as the network learns it: (t - mean) / std (as it is without a target scaling)."""
        return t if self.target_std is None else (t - self.target_mean) / self.target_std   # type: ignore[operator]

    def unscale(self, o: float) -> float:
        """The network's output ``o`` in the data's own units: o * std + mean (as it is without a target scaling)."""
        return o if self.target_std is None else o * self.target_std + self.target_mean     # type: ignore[operator]

    def to_dict(self) -> Dict[str, Any]:
        doc: Dict[str, Any] = {"inputs": {n: [m, s] for n, m, s in zip(self.names, self.means, self.stds)},
                               "target": self.target, "labels": None if self.labels is None else list(self.labels)}
        if self.target_std is not None:
            doc["target_scale"] = [self.target_mean, self.target_std]
        return doc

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
        if labels is not None and (not isinstance(labels, list) or len(labels) < 2):
            raise BadValueError(f"\"scaling\" labels should be a list of two or more labels, got {labels!r}")
        scale = doc.get("target_scale")
        if scale is not None and (not isinstance(scale, list) or len(scale) != 2 or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in scale)):
            raise BadValueError(f"\"scaling\" target_scale should be [mean, std], got {scale!r}")
        mean, std = (None, None) if scale is None else scale
        return cls(names, means, stds, str(doc.get("target", "")), labels, mean, std)

    def __repr__(self) -> str:
        cols = ", ".join(f"{n}: mean {m:.4g}, std {s:.4g}" for n, m, s in zip(self.names, self.means, self.stds))
        if self.target_std is not None:
            cols += f"; target {self.target or 'output'}: mean {self.target_mean:.4g}, std {self.target_std:.4g}"
        return f"Scaling({cols})"
