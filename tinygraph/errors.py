"""The errors tinygraph raises, each a subclass of the built-in one a user would expect."""

import difflib
import unicodedata
from typing import Callable, Iterable, Optional, Sequence, Set


class TinygraphError(Exception):
    """Base class for every error that tinygraph raises on purpose."""


class WrongTypeError(TinygraphError, TypeError):
    """A value or argument of the wrong type: text, None or a list where a number belongs, a number
    where a name belongs, ...  The message names the argument and what was given."""


class BadValueError(TinygraphError, ValueError):
    """A value of the right type that is not allowed here: a learning rate <= 0, an empty list of
    samples, three values for two inputs, a file name without a suffix, ...  The message names it."""


class NotFiniteError(BadValueError):
    """nan or an infinity where a finite number belongs (a value, weight, bias, input, target or
    learning rate, often one set by hand).  The message names where the number was found."""


class BadIndexError(TinygraphError, IndexError):
    """An index that is not a whole number in range, e.g. neuron 5 of a 3-neuron Hopfield network."""


class MissingExtraError(TinygraphError, ImportError):
    """An optional extra (numpy for batch mode, ...) is not installed: the message gives the pip command."""


class FileWriteError(TinygraphError, OSError):
    """A file cannot be written where it was asked for; the message names the path and what to do.
    The subclasses below are also the built-in OSError a caller may already catch."""


class FolderGivenError(FileWriteError, IsADirectoryError):
    """A folder was given where a file name belongs."""


class NoSuchFolderError(FileWriteError, FileNotFoundError):
    """The folder to write into does not exist."""


class NotAFolderError(FileWriteError, NotADirectoryError):
    """A file stands where a folder on the path should be."""


class NotWritableError(FileWriteError, PermissionError):
    """The folder or file is not writable for this user."""


class IncompleteInstallError(TinygraphError, FileNotFoundError):
    """A file that ships inside tinygraph (a data set, a page's script) is missing: reinstall it."""


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


def alike(names: Iterable[object]) -> Set[str]:
    """The names among ``names`` that look like another one: the same text once Unicode-normalised (NFC),
    but other code points (an é typed as one code point, or as e and an accent).  Names are kept as
    typed, never normalised on the quiet, so a message must be able to tell these apart."""
    groups: dict = {}
    for n in names:
        if isinstance(n, str):
            groups.setdefault(unicodedata.normalize("NFC", n), set()).add(n)
    return {n for group in groups.values() if len(group) > 1 for n in group}


def spelled(name: object, look_alike: Set[str] = frozenset()) -> str:
    """repr(name), with its code points when it is one of ``look_alike`` ('é' (U+0065 U+0301))."""
    if isinstance(name, str) and name in look_alike:
        return f"{name!r} ({' '.join(f'U+{ord(c):04X}' for c in name)})"
    return repr(name)


def listed(names: Sequence[object], most: int = 12, look_alike: Set[str] = frozenset()) -> str:
    """Names for a message: plain (x1, x2) when each reads unambiguously so, else quoted (with the code
    points of names that look alike); long lists cut."""
    def plain(n: object) -> bool:
        return (isinstance(n, str) and n.isprintable() and n.strip() == n and n != ""
                and not any(c in n for c in ",'\"") and n not in look_alike)
    quote = not all(plain(n) for n in names)
    shown = [spelled(n, look_alike) if quote else str(n) for n in names[:most]]
    if len(names) > most:
        shown.append(f"... ({len(names)} in all)")
    return ", ".join(shown) or "(none)"


def check_names(given: Iterable[object], expected: Sequence[str], what: str, where: str = "",
                note: Optional[Callable[[object], str]] = None) -> None:
    """Raise NameNotFoundError unless the names ``given`` are exactly ``expected`` (in any order).

    The one place where names a user typed (inputs, targets, ...) are matched
    against the names that exist: the message says which are missing, which
    are unknown (each with the closest existing name as a hint) and which are
    given twice, and lists the expected ones.  ``what`` names the expected ones
    ("inputs", "outputs"), ``where`` says where the names came from
    ("forward() of 'xor'", "data[3]"), ``note(name)`` may add a word for an
    unknown name (" (a neuron, not an input)"); without one, the hint is the
    closest expected name.  Names need not be strings or even hashable: a
    wrong key is reported, never a crash.
    """
    given = list(given)
    expected = list(expected)
    known = set(expected)

    def is_known(k: object) -> bool:
        try:
            return k in known
        except TypeError:                       # an unhashable "name", e.g. a list
            return False

    seen: set = set()
    twice: list = []
    unknown: list = []
    for k in given:
        if not is_known(k):
            unknown.append(k)
        elif k in seen:
            if k not in twice:
                twice.append(k)
        else:
            seen.add(k)
    missing = [k for k in expected if k not in seen]
    if not missing and not unknown and not twice:
        return
    look_alike = alike(list(expected) + [k for k in given if isinstance(k, str)])

    def shown(k: object) -> str:
        return spelled(k, look_alike)

    def twin(k: object) -> str:
        """For an unknown name that looks like an expected one: say so, with both sets of code points."""
        if not isinstance(k, str) or k not in look_alike:
            return ""
        same = [e for e in expected if e != k and unicodedata.normalize("NFC", e) == unicodedata.normalize("NFC", k)]
        return (f" (it looks like {shown(same[0])} but is written with other code points: type it again, or "
                f"pass unicodedata.normalize('NFC', name))") if same else ""

    most = 5                                    # a few hints are useful; hundreds are noise (and slow)
    parts = []
    if missing:
        parts.append("missing " + ", ".join(map(shown, missing[:most]))
                     + (f" and {len(missing) - most} more" if len(missing) > most else ""))
    for k in unknown[:most]:
        extra = note(k) if note is not None else ""
        parts.append(f"unknown {shown(k)}" + (twin(k) or extra or did_you_mean(k, expected, sentence=False)))
    if len(unknown) > most:
        parts.append(f"{len(unknown) - most} more unknown")
    for k in twice:
        parts.append(f"{shown(k)} given more than once")
    prefix = f"{where}: " if where else ""
    raise NameNotFoundError(f"{prefix}{'; '.join(parts)}. The {what} are {listed(expected, look_alike=look_alike)}.")
