"""What every demo shares: the output folder, saving diagrams, and optional matplotlib plots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, List, Optional, Union

from ..errors import TinygraphError

DEFAULT_OUT = "tinygraph-out"
PLOTS_HINT = 'pip install "tinygraph[plots]"'


class DemoError(TinygraphError, ValueError):
    """A demo was asked for something it cannot do (e.g. an output folder that is a file)."""


def out_dir(out: Union[str, os.PathLike, None]) -> Path:
    """The folder the demo writes into (default ./tinygraph-out), created if missing."""
    path = Path(DEFAULT_OUT if out is None else out).expanduser()
    if path.exists() and not path.is_dir():
        raise DemoError(f"the output folder {str(path)!r} is a file, not a folder; "
                        "pass another folder with --out DIR")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DemoError(f"cannot create the output folder {str(path)!r}: {e.strerror or e}; "
                        "pass another folder with --out DIR") from None
    return path


def rel(path: Path) -> str:
    """A path as short as possible for printing (relative to the working folder when inside it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def save_diagram(make: Callable[[], Any], path: Path, files: List[Path]) -> Optional[Path]:
    """Draw with ``make()`` (a tg.draw_* call) and save it to ``path``; append what was written to ``files``.

    When no Graphviz engine can render, the DOT text is saved beside it (.gv)
    and the reason is printed: the demo's numbers still stand.
    """
    try:
        diagram = make()
    except ImportError as e:   # the drawing package is missing in this install
        print(f"  (no diagram: {e})")
        return None
    try:
        diagram.save(str(path))
    except (TinygraphError, OSError) as e:
        print(f"  (could not draw {path.name}: {e})")
        gv = path.with_suffix(".gv")
        try:            # keep the DOT text of this run (an older .gv may be there)
            gv.write_text(diagram.source, encoding="utf-8")
        except OSError:
            return None
        files.append(gv)
        return gv
    files.append(path)
    return path


def pyplot():
    """matplotlib.pyplot on the Agg backend (no window), or None after printing how to get it."""
    try:
        import matplotlib
        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  (plots need matplotlib, which is not installed: {PLOTS_HINT})")
        return None
    return plt


def save_figure(fig, path: Path, files: List[Path]) -> Path:
    """Save a matplotlib figure and close it."""
    import matplotlib.pyplot as plt
    fig.savefig(str(path), dpi=110, bbox_inches="tight")
    plt.close(fig)
    files.append(path)
    return path


def report_files(files: List[Path], folder: Path) -> None:
    """Say where the pictures went."""
    if files:
        print(f"Wrote {', '.join(p.name for p in files)} to {rel(folder)}/")
    else:
        print(f"No pictures written (output folder: {rel(folder)}/)")


def table(rows: List[List[str]], header: List[str], align: str = "") -> str:
    """A plain-text table with right-aligned numbers (``align``: one 'l' or 'r' per column)."""
    cols = len(header)
    align = align or "r" * cols
    width = [max(len(str(r[c])) for r in [header] + rows) for c in range(cols)]

    def line(r):
        return "  ".join(str(v).ljust(w) if a == "l" else str(v).rjust(w)
                         for v, w, a in zip(r, width, align)).rstrip()

    sep = "  ".join("-" * w for w in width)
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def can_print(text: str) -> bool:
    """True when the console's encoding can show ``text`` (else pick plain ASCII)."""
    import sys
    enc = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        text.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
