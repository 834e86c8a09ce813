"""Torch parameter names for tinygraph's synapse and bias names, and back.

A tinygraph name is any string ("w_h1_o1", "θ_h1", "gain", "w h1.o1");
torch wants a parameter name without "." that is not already an attribute of
the module.  The rule, reversible by :func:`tinygraph_name`:

* a name that is a Python identifier, does not start with "_", is not a
  Python keyword, is already in Unicode normal form NFKC, and is not an
  attribute of the module keeps its name: ``w_h1_o1``, ``θ_h1``, ``gain``;
* any other name becomes "_" followed by the name with every character other
  than an ASCII letter or digit written as "_<hex code point>_":
  ``"w h1.o1"`` -> ``"_w_20_h1_2e_o1"``, ``"_x"`` -> ``"__5f_x"``;
* a name already taken (two synapses given the same name) gets that second
  form with ``_n2``, ``_n3``, ... appended: ``"w"``, ``"w"`` -> ``"w"``, ``"_w_n2"``.

Kept names never start with "_" and written ones always do, so each
parameter name reads back as exactly one tinygraph name.
"""

from __future__ import annotations

import keyword
import unicodedata
from typing import Collection, List

from ..errors import BadValueError

__all__ = ["parameter_name", "parameter_names", "tinygraph_name"]

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HEX = frozenset("0123456789abcdef")


def _keeps(name: str, reserved: Collection[str]) -> bool:
    return (name.isidentifier() and not name.startswith("_") and not keyword.iskeyword(name)
            and unicodedata.normalize("NFKC", name) == name and name not in reserved)


def _written(name: str) -> str:
    return "_" + "".join(c if c in _PLAIN else f"_{ord(c):x}_" for c in name)


def parameter_name(name: str, reserved: Collection[str] = ()) -> str:
    """The torch parameter name for the tinygraph name ``name`` (``reserved``: names it must not take)."""
    return name if _keeps(name, reserved) else _written(name)


def parameter_names(names: List[str], reserved: Collection[str] = ()) -> List[str]:
    """Distinct torch parameter names for ``names`` in order (a repeated name gets _n2, _n3, ...)."""
    out: List[str] = []
    seen = {}
    for name in names:
        k = seen.get(name, 0) + 1
        seen[name] = k
        out.append(parameter_name(name, reserved) if k == 1 else f"{_written(name)}_n{k}")
    return out


def tinygraph_name(param: str) -> str:
    """The tinygraph name that ``param`` was made from (the inverse of :func:`parameter_name`)."""
    if not param.startswith("_"):
        return param
    out = []
    i, n = 1, len(param)
    while i < n:
        c = param[i]
        if c in _PLAIN:
            out.append(c)
            i += 1
            continue
        if c != "_":
            raise BadValueError(f"{param!r} is not a parameter name made by tinygraph")
        end = param.find("_", i + 1)
        code = param[i + 1:end] if end > 0 else param[i + 1:]
        if end < 0 and code[:1] == "n" and code[1:].isdigit():      # the _n2 of a repeated name
            break
        if end < 0 or not code or not set(code) <= _HEX:
            raise BadValueError(f"{param!r} is not a parameter name made by tinygraph")
        out.append(chr(int(code, 16)))
        i = end + 1
    return "".join(out)
