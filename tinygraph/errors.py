"""The errors tinygraph raises, each a subclass of the built-in one a user would expect."""

import difflib
from typing import Callable, Iterable, Optional, Sequence


class TinygraphError(Exception):
    """Base class for every error that tinygraph raises on purpose."""


class DomainError(TinygraphError, ValueError):
    """An op was asked for a value outside its domain, e.g. log(-1)."""


class NodeZeroDivisionError(DomainError, ZeroDivisionError):
    """Division (or a negative power) of zero inside the graph."""


class NodeOverflowError(DomainError, OverflowError):
    """An op's result does not fit in a float (it would be inf)."""


class GraphError(TinygraphError, ValueError):
    """A network or graph is wired wrongly: a cycle, a duplicate name, ..."""


class NameNotFoundError(TinygraphError, KeyError):
    """A neuron, input, output or target name that does not exist (the message names it and the known ones)."""

    def __str__(self) -> str:  # KeyError would show the message repr-quoted
        return str(self.args[0]) if self.args else ""


class NetworkFileError(TinygraphError, ValueError):
    """A saved network file is missing, truncated, malformed or of another version."""


class RenderError(TinygraphError, RuntimeError):
    """No Graphviz engine could draw the diagram (or it failed)."""


def user_facing(e: Exception) -> Exception:
    """Mark an error as the user's to fix: the command line shows its message, not a traceback."""
    e.user_facing = True  # type: ignore[attr-defined]
    return e


def did_you_mean(name: object, names: Iterable[object], sentence: bool = True) -> str:
    """A hint naming the closest of ``names`` to ``name`` (ignoring case), or "" if none is close.

    ``sentence=True`` gives " Did you mean 'x1'?", else " (did you mean 'x1'?)".
    """
    lower = {str(n).lower(): n for n in names}
    close = difflib.get_close_matches(str(name).lower(), list(lower), n=1)
    if not close:
        return ""
    match = lower[close[0]]
    return f" Did you mean {match!r}?" if sentence else f" (did you mean {match!r}?)"


def check_names(given: Iterable[object], expected: Sequence[str], what: str, where: str = "",
                note: Optional[Callable[[object], str]] = None) -> None:
    """Raise NameNotFoundError unless the names ``given`` are exactly ``expected`` (in any order).

    The one place where names a user typed (inputs, targets, ...) are matched
    against the names that exist: the message says which are missing, which
    are unknown (each with the closest existing name as a hint) and lists the
    expected ones.  ``what`` names the expected ones ("inputs", "outputs"),
    ``where`` says where the names came from ("forward() of 'xor'", "data[3]"),
    ``note(name)`` may add a word for an unknown name (" (a neuron, not an input)").
    """
    given = list(given)
    known = set(expected)
    missing = [k for k in expected if k not in set(given)]
    unknown = [k for k in given if k not in known]
    if not missing and not unknown:
        return
    parts = []
    if missing:
        parts.append(f"missing {', '.join(map(repr, missing))}")
    for k in unknown:
        extra = note(k) if note is not None else ""
        parts.append(f"unknown {k!r}" + (extra or did_you_mean(k, expected, sentence=False)))
    prefix = f"{where}: " if where else ""
    raise NameNotFoundError(f"{prefix}{'; '.join(parts)}. "
                            f"The {what} are {', '.join(map(str, expected)) or '(none)'}")
