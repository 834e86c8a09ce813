"""Explanation: the worked example of one network as a document in three formats, and its exercise.

``markdown()``, ``html()`` and ``latex()`` write it; ``save(path)`` writes the
file with its pictures beside it (and, for an exercise, the answer key);
in Jupyter it shows itself (``_repr_html_``, ``_repr_markdown_``).
``as_exercise()`` gives the same document with chosen numbers left as numbered
blanks, and ``answer_key`` the key to them.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Callable, Dict, Hashable, Iterable, List, Optional, Type, Union
from urllib.parse import quote

from ..errors import BadValueError, FolderGivenError, NoSuchFolderError, RenderError, user_facing
from ..stepping.narrative import NetworkStep
from . import html as html_format
from .blocks import Block, Display, Figure, Heading, Para, Strong, keys_of
from .content import CATEGORIES, DEFAULT_BLANKS, Built
from .html import HtmlWriter
from .latex import LatexWriter
from .markdown import MarkdownWriter
from .notation import DECIMALS, EQ, Num, Row, Style
from .writer import Writer, write

__all__ = ["Explanation", "FORMATS", "WRITERS", "format_of"]

#: the formats: each is a Writer in a file of its own (markdown.py, html.py, latex.py)
WRITERS: Dict[str, Type[Writer]] = {"md": MarkdownWriter, "html": HtmlWriter, "tex": LatexWriter}
#: the formats and the file suffixes that pick them
FORMATS = {key: writer.suffixes for key, writer in WRITERS.items()}
#: pictures an exercise leaves out: they show the numbers the learner is to work out
ANSWER_PICTURES = ("network-backward", "network-after")


def format_of(path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> str:
    """The format for ``path``: ``format`` if given (md, html or tex), else from the suffix."""
    if format is not None:
        key = str(format).strip().lower().lstrip(".")
        key = {"markdown": "md", "htm": "html", "latex": "tex"}.get(key, key)
        if key not in FORMATS:
            raise user_facing(BadValueError(f"unknown format {format!r}: use md (Markdown), html or tex (LaTeX)"))
        return key
    suffix = Path(path).suffix.lower()
    for key, suffixes in FORMATS.items():
        if suffix in suffixes:
            return key
    raise user_facing(BadValueError(f"cannot tell the format of {str(path)!r} from its suffix "
                                 f"{suffix or '(none)'!r}: name a .md, .html or .tex file, or give the format "
                                 "(--format md|html|tex on the command line, format= in Python)"))


def _safe_stem(stem: str) -> str:
    """A file-name stem that LaTeX's \\includegraphics and Markdown links take as it is."""
    s = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in stem)
    return s.strip(".") or "explanation"


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (an error names ``path``, never a temporary file)."""
    from ..draw.files import write_whole
    write_whole(path, data, spelled="--out explained.md")


class Explanation:
    """The worked example of one network: every step of backprop in symbols and with its numbers.

    Made by :func:`tinygraph.explain`.  ``title``; ``markdown()``, ``html()``, ``latex()``;
    ``save(path)``; ``as_exercise()`` and ``answer_key``; ``values`` (every number shown, by
    quantity: ("delta", "o1"), ("grad", i), ("new", i), ...); ``steps`` (the NetworkSteps it was
    written from).  In Jupyter it shows itself.
    """

    def __init__(self, built: Built, blanks: Optional[Dict[Hashable, int]] = None,
                 decimals: int = DECIMALS, key_of: Optional["Explanation"] = None) -> None:
        self._built = built
        self.title = built.title
        self.blanks: Dict[Hashable, int] = dict(blanks or {})
        self.decimals = decimals
        self._key_of = key_of
        self._svgs: Dict[str, str] = {}
        self._errors: Dict[str, str] = {}

    # -- what it holds ---------------------------------------------------------------------------

    @property
    def blocks(self) -> List[Block]:
        if not self.blanks:
            return self._built.blocks
        return [b for b in self._built.blocks if not (isinstance(b, Figure) and b.name in ANSWER_PICTURES)]

    @property
    def values(self) -> Dict[Hashable, float]:
        """Every number the document computes, by quantity key."""
        return dict(self._built.values)

    @property
    def steps(self) -> List[NetworkStep]:
        """The :class:`tinygraph.NetworkStep` list the document was written from."""
        return list(self._built.steps)

    @property
    def is_exercise(self) -> bool:
        return bool(self.blanks)

    @property
    def answers(self) -> Dict[int, float]:
        """An exercise's answers: blank number -> the value that belongs there."""
        return {label: self._built.values[key] for key, label in sorted(self.blanks.items(), key=lambda kv: kv[1])}

    def as_exercise(self, blanks: Iterable[str] = DEFAULT_BLANKS) -> "Explanation":
        """The same document with numbers left blank for the learner, numbered in reading order:
        every number of the ``blanks`` categories (any of forward, error, deltas, gradients, new
        weights; default deltas, gradients, new weights), wherever it appears.  The pictures that
        show those numbers are left out; ``answer_key`` has the answers."""
        if isinstance(blanks, str):
            blanks = [blanks]
        chosen = []
        for c in blanks:
            key = str(c).strip().lower().replace("_", " ").replace("-", " ")
            key = {"weights": "new weights", "new": "new weights", "delta": "deltas", "gradient": "gradients",
                   "grads": "gradients", "outputs": "forward"}.get(key, key)
            if key not in CATEGORIES:
                raise user_facing(BadValueError(f"cannot leave {c!r} blank: choose from {', '.join(CATEGORIES)}"))
            chosen.append(key)
        kinds = {k for c in chosen for k in CATEGORIES[c]}
        numbered: Dict[Hashable, int] = {}
        for key in keys_of(self._built.blocks):
            if isinstance(key, tuple) and key[0] in kinds and key not in numbered:
                numbered[key] = len(numbered) + 1
        if not numbered:
            raise user_facing(BadValueError(f"nothing to leave blank: this network's document has no "
                                         f"{' or '.join(chosen)}"))
        return Explanation(self._built, numbered, self.decimals)

    @property
    def answer_key(self) -> Optional["Explanation"]:
        """For an exercise, the answer key (a document of its own); None otherwise."""
        if not self.blanks:
            return None
        built = Built()
        built.title = f"Answer key: {self.title}"
        built.values = self._built.values
        built.blocks = [Heading(1, "Answer key: ", *self._built.blocks[0].parts[1:]),
                        Para("Each numbered blank of the exercise, with the working that gives it.")]
        for key, label in sorted(self.blanks.items(), key=lambda kv: kv[1]):
            symbol, value, display = self._built.answers[key]
            built.blocks.append(Para(Strong(f"({label})"), " ", Row(symbol, EQ, Num(value, paren=False)),
                                     ", from:"))
            built.blocks.append(Display(display.equation))
        return Explanation(built, None, self.decimals, key_of=self)

    # -- pictures --------------------------------------------------------------------------------

    def _svg(self, fig: Figure) -> Optional[str]:
        if fig.name not in self._svgs and fig.name not in self._errors:
            try:
                self._svgs[fig.name] = fig.svg()
            except (RenderError, OSError) as e:
                self._errors[fig.name] = str(e)
        return self._svgs.get(fig.name)

    def _failed(self, fig: Figure) -> str:
        why = self._errors.get(fig.name)
        if why is None:
            why = "no Graphviz engine" if fig.diagram is not None else "this format takes Graphviz diagrams only"
        return f"picture not drawn: {why}"

    def _data_uri(self, fig: Figure) -> Optional[str]:
        svg = self._svg(fig)
        if svg is None:
            return None
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")

    def _inline_svg(self, fig: Figure, number: int) -> Optional[str]:
        svg = self._svg(fig)
        if svg is None:
            return None
        try:
            return html_format.inline_svg(svg, "" if number == 0 else f"{fig.name}-")
        except RenderError as e:
            self._errors[fig.name] = str(e)
            return None

    def _pictures(self, kind: str, stem: str) -> Callable[[Figure, int], Optional[str]]:
        """What a writer's ``picture(fig, number)`` gives, for the ``kind`` of pictures it takes
        (see :attr:`Writer.pictures`); files are named ``STEM-NAME.svg|png``, ``save`` writes them."""
        safe = _safe_stem(stem)
        if kind == "svg-markup":
            return self._inline_svg
        if kind == "svg-data":
            return lambda fig, number: self._data_uri(fig)
        if kind == "svg-file":
            return lambda fig, number: quote(f"{safe}-{fig.name}.svg") if self._svg(fig) is not None else None
        if kind == "png-file":
            return lambda fig, number: f"{safe}-{fig.name}.png" if fig.diagram is not None else None
        raise BadValueError(f"a writer takes pictures as svg-file, svg-data, svg-markup or png-file, not {kind!r}")

    # -- formats ---------------------------------------------------------------------------------

    def _writer(self, fmt: str, stem: str = "explanation", pictures: Optional[str] = None) -> Writer:
        """The writer of ``fmt`` for this document (``pictures``: a kind other than the format's own)."""
        cls = WRITERS[fmt]
        style = Style(cls.math_target, self.decimals, self.blanks)
        return cls(style, self._pictures(pictures or cls.pictures, stem), self._failed)

    def render(self, format: str = "md", stem: str = "explanation") -> str:
        """The document in ``format`` (md, html or tex) as a file of its own, pictures as files
        named from ``stem`` beside it (HTML has them inline)."""
        writer = self._writer(format_of("", format), stem)
        return writer.page(self.title, write(self.blocks, writer))

    def markdown(self, pictures: str = "inline", stem: str = "explanation") -> str:
        """Markdown with LaTeX math.  ``pictures``: "inline" (data URIs: one self-contained text)
        or "files" (links to ``STEM-NAME.svg`` beside it, which ``save`` writes)."""
        if pictures not in ("inline", "files"):
            raise user_facing(BadValueError(f"pictures must be 'inline' or 'files', got {pictures!r}"))
        return write(self.blocks, self._writer("md", stem, "svg-data" if pictures == "inline" else "svg-file"))

    def html(self) -> str:
        """One self-contained HTML5 page: MathML for the math, inline SVG for the pictures."""
        return self.render("html")

    def latex(self, stem: str = "explanation") -> str:
        """LaTeX source; the network diagrams are ``STEM-NAME.png`` beside it (``save`` writes them)."""
        return self.render("tex", stem)

    def save(self, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> List[Path]:
        """Write the document to ``path`` (its suffix picks the format unless ``format`` is given) with
        its pictures beside it (Markdown: SVG files; LaTeX: PNG files; HTML has them inline); an
        exercise also writes its answer key as ``STEM-key.SUFFIX``.  Returns the files written."""
        if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)).strip():
            raise user_facing(BadValueError(f"save() needs a file name such as 'worked.md', got {path!r}"))
        p = Path(os.path.expanduser(os.fspath(path)))
        fmt = format_of(p, format)
        if p.is_dir():
            raise user_facing(FolderGivenError(f"cannot write {str(p)!r}: it is a folder; give a file name "
                                                f"such as {str(p / ('explanation.' + fmt))!r}"))
        folder = p.parent
        if not folder.is_dir():
            raise user_facing(NoSuchFolderError(f"cannot write {str(p)!r}: the folder {str(folder)!r} does not "
                                                "exist; create it first"))
        stem = p.stem
        written: List[Path] = []
        text = self.render(fmt, stem)
        kind = WRITERS[fmt].pictures
        for fig in self.blocks:
            if not isinstance(fig, Figure):
                continue
            if kind == "svg-file" and self._svg(fig) is not None:
                f = folder / f"{_safe_stem(stem)}-{fig.name}.svg"
                _write(f, self._svgs[fig.name].encode("utf-8"))
                written.append(f)
            elif kind == "png-file" and fig.diagram is not None:
                f = folder / f"{_safe_stem(stem)}-{fig.name}.png"
                try:
                    fig.diagram().save(f)
                    written.append(f)
                except (RenderError, OSError) as e:
                    self._errors[fig.name] = str(e)
        _write(p, text.encode("utf-8"))
        written.insert(0, p)
        key = self.answer_key
        if key is not None:
            kp = p.with_name(f"{p.stem}-key{p.suffix}")
            written += key.save(kp, fmt)
        return written

    # -- display ---------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        return f"<style>{html_format.CSS}</style>\n" + write(self.blocks, self._writer("html"))

    def _repr_markdown_(self) -> str:
        return self.markdown("inline")

    def __str__(self) -> str:
        return self.markdown("files")

    def __repr__(self) -> str:
        kind = "exercise" if self.blanks else "explanation"
        extra = f", {len(self.blanks)} blanks" if self.blanks else ""
        return (f"<Explanation ({kind}{extra}): {self.title!r}; .markdown(), .html(), .latex(), "
                f".save('x.md' | 'x.html' | 'x.tex')>")
