"""A demo's output: the folder its pictures go to, saving diagrams and optional matplotlib plots,
saying where they went, and plain-text tables for what it prints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Union

from ..console import can_print, plain
from ..draw import draw_network
from ..networks.network import Network
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
                        "pass another folder (or a picture file such as m.svg) with --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DemoError(f"cannot create the output folder {str(path)!r}: {e.strerror or e}; "
                        "pass another folder (or a picture file such as m.svg) with --out") from None
    return path


#: --out with one of these suffixes names the demo's main picture itself; anything else is a folder
DIAGRAM_SUFFIXES = (".svg", ".png", ".pdf", ".gv", ".dot")
PLOT_SUFFIXES = (".svg", ".png", ".pdf")          # what matplotlib saves
#: file suffixes that are surely not meant as a folder (refused rather than made into one)
NOT_PICTURES = (".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".eps", ".ps",
                ".html", ".htm", ".txt", ".json", ".csv")


def out_paths(out: Union[str, os.PathLike, None], main: str, others: Sequence[str] = (),
              plot: bool = False) -> Tuple[Path, Path]:
    """(folder, main picture path) for a demo whose main picture is usually ``folder/main``.

    ``out`` is a folder (default ./tinygraph-out), or a file with a picture
    suffix (.svg .png .pdf .gv .dot; a plot takes .svg .png .pdf): then the
    main picture is written exactly there and the demo's other files (named
    ``others``) go beside it, named as usual.  An existing folder is always a folder.
    """
    path = Path(DEFAULT_OUT if out is None else out).expanduser()
    suffix = path.suffix.lower()
    if path.is_dir() or not suffix or suffix not in DIAGRAM_SUFFIXES + NOT_PICTURES:
        folder = out_dir(path)
        return folder, folder / main
    kind = "plot" if plot else "diagram"
    ok = PLOT_SUFFIXES if plot else DIAGRAM_SUFFIXES
    if suffix not in ok:
        raise DemoError(f"cannot write this demo's main picture ({main}, a {kind}) as {str(path)!r}: "
                        f"give a file ending in {', '.join(ok)}, or a folder, with --out")
    if path.name.lower() in {o.lower() for o in others}:
        raise DemoError(f"--out {str(path)!r} would be overwritten by this demo's other file {path.name}; "
                        "choose another file name or give a folder")
    folder = out_dir(path.parent)
    return folder, folder / path.name


def rel(path: Path) -> str:
    """A path the user can use from their working folder: relative when inside it, else absolute."""
    full = Path(path).expanduser().resolve()
    try:
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(full)


def save_network(net: Network, path: Path, files: List[Path], **draw: Any) -> Optional[Path]:
    """Draw ``net`` as it is now (``tg.draw_network(net, **draw)``) and save it to ``path``;
    append what was written to ``files``.

    When no Graphviz engine can render, the DOT text is saved beside it (.gv)
    and the reason is printed: the demo's numbers still stand.
    """
    diagram = draw_network(net, **draw)
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
    if not can_print("".join(map(str, header + [c for r in rows for c in r]))):
        # measure the columns in the console's own words (λ -> lambda), else they would not line up
        header, rows = [plain(h) for h in header], [[plain(c) for c in r] for r in rows]
    width = [max(len(str(r[c])) for r in [header] + rows) for c in range(cols)]

    def line(r):
        return "  ".join(str(v).ljust(w) if a == "l" else str(v).rjust(w)
                         for v, w, a in zip(r, width, align)).rstrip()

    sep = "  ".join("-" * w for w in width)
    return "\n".join([line(header), sep] + [line(r) for r in rows])
