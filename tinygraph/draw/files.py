"""Where pictures and pages are written: the place checked before slow work, the file written whole.

:func:`check_place` says what is wrong with a file name (empty, a folder, no
or a wrong suffix, a missing or unwritable folder) before anything is drawn;
:class:`WholeFile` writes a new file beside the old one and renames it over
it, so a failed save leaves an existing file as it was and no half-written one.
"""

from __future__ import annotations

import errno
import os
from typing import Any, Callable, Optional, Sequence, Union

from ..errors import (BadValueError, FileWriteError, FolderGivenError, NoSuchFolderError, NotAFolderError,
                      NotWritableError, WrongTypeError, user_facing)

__all__ = ["check_place", "try_folder", "WholeFile", "write_whole", "why_not_written", "PAGE_SUFFIXES", "page_place"]

PathArg = Union[str, "os.PathLike[str]"]


def check_place(path: PathArg, what: str, suffixes: Optional[Sequence[str]] = None,
                example: str = "picture.svg", spelled: Optional[str] = None) -> str:
    """``path`` (with ``~`` expanded) if a file ``what`` ("the page", "the diagram") can be written
    there; else an error that says what is wrong and what to do.

    ``suffixes``: the endings allowed (lower case, with the dot); the first is the suggestion.
    ``example``: a file name the messages suggest, written as ``spelled`` (default: quoted).
    Errors: TypeError (not a path), ValueError (no name, or the suffix), IsADirectoryError,
    NotADirectoryError, FileNotFoundError (the folder is missing), PermissionError.
    """
    spelled = spelled if spelled is not None else repr(example)
    if not isinstance(path, (str, os.PathLike)):
        raise user_facing(WrongTypeError(f"the file name for {what} must be a path, got {type(path).__name__} "
                                         f"{path!r}: give a file name, e.g. {spelled}"))
    path = os.fspath(path)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if not path.strip():
        raise user_facing(BadValueError(f"no file name for {what} ({path!r}): give a file name, e.g. {spelled}"))
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        raise FolderGivenError(f"cannot write {what} to {path!r}: it is a folder; give a file name such as "
                               f"{os.path.join(path, example)!r}")
    if suffixes is not None:
        suffix = os.path.splitext(os.path.basename(path))[1].lower()
        if suffix == ".":                               # "a.svg." ends in a dot: no suffix
            suffix = ""
        if suffix not in suffixes:
            stem = os.path.splitext(path)[0] if suffix else path.rstrip(".")
            better = stem if os.path.splitext(stem)[1].lower() in suffixes else stem + suffixes[0]
            problem = f"its suffix {suffix!r} is not one of" if suffix else "it has no suffix, which picks the format:"
            raise user_facing(BadValueError(f"cannot write {what} to {path!r}: {problem} {', '.join(suffixes)}. "
                                            f"Give a name such as {better!r}"))
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotAFolderError(f"cannot write {path!r}: {folder!r} is a file, not a folder; "
                              f"give a file in an existing folder, e.g. {spelled}")
    if not os.path.isdir(folder):
        raise NoSuchFolderError(f"cannot write {path!r}: the folder {folder!r} does not exist; "
                                "create it first or give a file in an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotWritableError(f"cannot write {path!r}: the folder {folder!r} is not writable for you; "
                               f"give a file in a folder you can write to, e.g. {spelled}")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise NotWritableError(f"cannot write {path!r}: the file exists and is not writable for you; "
                               f"give another file name, e.g. {spelled}")
    try_folder(path, spelled)
    return path


def why_not_written(e: OSError) -> str:
    """What an OSError from writing a file means for the learner, in words (never a temporary name)."""
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"the disk is full ({e.strerror}); free some space or write to another disk"
    if e.errno == errno.EROFS:
        return f"its folder is on a read-only file system ({e.strerror}); give a file in a folder you can write to"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"you may not write there ({e.strerror}); give a file in a folder you can write to"
    return f"{e.strerror or e}; give a file in a folder you can write to"


#: the FileWriteError for each kind of OSError (each is that kind too, so ``except PermissionError`` works)
_KINDS = ((PermissionError, NotWritableError), (IsADirectoryError, FolderGivenError),
          (FileNotFoundError, NoSuchFolderError), (NotADirectoryError, NotAFolderError))


def _same_kind(e: OSError, message: str) -> OSError:
    """A FileWriteError of ``e``'s kind and errno whose text is just ``message`` (no "[Errno 28]", no file
    name): still the built-in kind (a PermissionError stays one), and a TinygraphError."""
    err = next((ours for kind, ours in _KINDS if isinstance(e, kind)), FileWriteError)(message)
    err.errno = e.errno
    return err


def try_folder(path: PathArg, spelled: str = "'picture.svg'") -> None:
    """Make and remove a new file beside ``path``: the one sure test that the folder takes files
    (os.access says yes for root in a read-only place, and knows nothing of a read-only file system)."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    probe = os.path.join(folder, f".tinygraph-probe-{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as e:
        raise _same_kind(e, f"cannot write {os.fspath(path)!r}: no new file can be made in the folder "
                            f"{folder!r}: {why_not_written(e)}, e.g. {spelled}") from None
    os.close(fd)
    os.remove(probe)


class WholeFile:
    """A file written whole or not at all.

    Made at once as a new temporary file beside ``path`` (so a place that
    refuses files fails before any slow drawing); :meth:`write` fills it and
    renames it over ``path``.  If anything fails, or the ``with`` block is
    left without a write, the temporary file is removed and an existing file
    at ``path`` stays as it was.  Errors are OSErrors that name the path.
    """

    def __init__(self, path: PathArg, spelled: str = "'picture.svg'") -> None:
        self.path = os.fspath(path)
        self.spelled = spelled
        folder, name = os.path.split(os.path.abspath(self.path))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        self.tmp: Optional[str] = None
        for _ in range(100):
            tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
            try:
                fd = os.open(tmp, flags, 0o666)       # the usual permissions (umask), unlike mkstemp's 0600
            except FileExistsError:
                continue
            except OSError as e:
                raise _same_kind(e, f"cannot write {self.path!r}: no new file can be made in the folder "
                                    f"{folder!r}: {why_not_written(e)}, e.g. {spelled}") from None
            self.tmp = tmp
            self.file = os.fdopen(fd, "wb")
            return
        raise FileWriteError(f"cannot write {self.path!r}: could not make a temporary file in {folder!r}")

    def write(self, data: Union[bytes, str]) -> int:
        """Put ``data`` (str as UTF-8) at the path; returns the number of bytes written."""
        if self.tmp is None:
            raise BadValueError(f"{self.path!r} has been written or given up already")
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            with self.file:
                self.file.write(data)
            os.replace(self.tmp, self.path)
            self.tmp = None
        except OSError as e:
            raise self._failed(e) from None
        finally:
            self.discard()
        return len(data)

    def write_with(self, write: Callable[[str], Any]) -> None:
        """Let ``write(name)`` make the file (for writers that want a file name, e.g. torch.save), then
        put it at the path.  An OSError names the path asked for, never the temporary file."""
        if self.tmp is None:
            raise BadValueError(f"{self.path!r} has been written or given up already")
        self.file.close()
        try:
            write(self.tmp)
            os.replace(self.tmp, self.path)
            self.tmp = None
        except OSError as e:
            raise self._failed(e) from None
        finally:
            self.discard()

    def _failed(self, e: OSError) -> OSError:
        """The error for a write that failed: the path asked for, why, and that nothing changed there."""
        return _same_kind(e, f"cannot write {self.path!r}: {why_not_written(e)}; nothing was changed there")

    def discard(self) -> None:
        """Give up: remove the temporary file (an existing file at the path is untouched)."""
        if self.tmp is not None:
            self.file.close()
            if os.path.exists(self.tmp):
                os.remove(self.tmp)
            self.tmp = None

    def __enter__(self) -> "WholeFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.discard()


def write_whole(path: PathArg, data: Union[bytes, str, Callable[[str], Any]], spelled: str = "'picture.svg'") -> int:
    """Write ``data`` (bytes, str as UTF-8, or a function that writes a file given its name) to ``path``,
    whole or not at all; returns the bytes written.  The one safe write: its errors name ``path``."""
    with WholeFile(path, spelled) as f:
        if callable(data):
            f.write_with(data)
            return os.path.getsize(f.path)
        return f.write(data)


PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


def page_place(path: Union[str, "os.PathLike[str]"], spelled: str = "--html steps.html") -> str:
    """Check that the page can be written at ``path`` (before the slow drawing); the path, ``~`` expanded.

    The suffix is not checked here (the writer does, e.g. :func:`tinygraph.stepping.page.write_html`); ``spelled``: how
    the messages write an example name."""
    return check_place(path, "the page", example="steps.html", spelled=spelled)
