"""The terminal: symbols a console cannot show written in ASCII (δ as delta, √3 as sqrt(3)),
printing with that fallback, and progress lines."""

from __future__ import annotations

import sys
from typing import Any, Optional

__all__ = ["ASCII_FOR", "TRANSLITERATE", "plain", "printable_streams", "can_print", "say", "is_tty", "Progress"]


# What a console that cannot show a symbol prints instead (not '?', which loses the meaning).
ASCII_FOR = {
    "\u2212": "-", "\u2013": "-", "\u2014": "--", "\u221a": "sqrt", "\u03b7": "eta", "\u03b4": "delta",
    "\u0394": "Delta", "\u03b8": "theta", "\u03bb": "lambda", "\u03bc": "mu", "\u03b2": "beta",
    "\u03b1": "alpha", "\u03b5": "eps", "\u03c3": "sigma", "\u03a3": "sum", "\u2211": "sum",
    "\u2202": "d", "\u00b7": "*", "\u22c5": "*", "\u00d7": "x", "\u00b2": "^2", "\u00b3": "^3",
    "\u2248": "~=", "\u2260": "!=", "\u2264": "<=", "\u2265": ">=", "\u00b1": "+-", "\u221e": "inf",
    "\u2190": "<-", "\u2192": "->", "\u21d2": "=>", "\u2588": "#", "\u00bd": "1/2", "\u2026": "...",
    "\u03c0": "pi", "\u1d40": "^T", "\u2032": "'", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
}
TRANSLITERATE = "tinygraph-ascii"      # the codecs error handler's name


def _ascii_for(err: UnicodeError):
    """codecs error handler: write each symbol the stream cannot encode as ASCII (√3 -> sqrt(3))."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    import unicodedata
    text, end, out = err.object, err.end, []
    for ch in text[err.start:err.end]:
        plain = ASCII_FOR.get(ch)
        if plain is None:           # é -> e; otherwise the usual '?'
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or "?"
        out.append(plain)
    if text[err.end - 1] == "\u221a":          # sqrt of the token that follows, in brackets
        j = end
        while j < len(text) and (text[j].isalnum() or text[j] in "._"):
            j += 1
        if j > end:
            out.append(f"({text[end:j]})")
            end = j
    return "".join(out), end


def _register_transliterate() -> None:
    """Register the TRANSLITERATE codec error handler (once) so encode(..., TRANSLITERATE) works."""
    import codecs
    try:
        codecs.lookup_error(TRANSLITERATE)
    except LookupError:
        codecs.register_error(TRANSLITERATE, _ascii_for)


def plain(text: object) -> str:
    """``text`` with every symbol outside ASCII written the way printable_streams writes it."""
    _register_transliterate()
    return str(text).encode("ascii", TRANSLITERATE).decode("ascii")


def printable_streams(*streams: Any) -> None:
    """Let consoles that cannot show δ, √ or █ (ASCII, cp1252...) print delta, sqrt, # instead of failing.

    Streams that can encode the symbols are left alone; the default is stdout and stderr.
    """
    _register_transliterate()
    for stream in streams or (sys.stdout, sys.stderr):
        enc = getattr(stream, "encoding", None) or "ascii"
        try:
            "".join(ASCII_FOR).encode(enc)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                try:
                    reconfigure(errors=TRANSLITERATE)
                except (ValueError, OSError):     # e.g. a closed or detached stream
                    pass


def can_print(text: str) -> bool:
    """True when the console's encoding can show ``text`` (else pick plain ASCII)."""
    enc = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        text.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def say(text: str, stream=None) -> None:
    """print(), writing delta, theta, eta... where the console cannot show δ, θ, η (see printable_streams)."""
    stream = stream or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:            # a stream that cannot be reconfigured
        printable_streams(stream)
        enc = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(enc, TRANSLITERATE).decode(enc), file=stream)
    stream.flush()


def is_tty(stream: Any) -> bool:
    """True when ``stream`` is a terminal (False for a pipe, a file, or a closed or odd stream)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """A status line on stderr for a long job, shown once the job has run more than ``after`` seconds.

    ``tell = Progress(total, after)``; ``tell(done)`` after each piece of work;
    ``tell.close()`` at the end.  On a terminal one line is rewritten in place
    ("drawing frame 12/340...", "epoch 40/1000  error 0.25  (3.1 s)"); elsewhere
    (a log file, a pipe) ``notice`` is written once ("{total}" in it stands for
    ``total``), or, with ``notice=None``, a line about once a second.

    ``what`` names a piece of work; ``tell(done, detail)`` adds ``detail`` after
    "what done/total" (default "..."); ``force=True`` writes even if the last
    line was written a moment ago.  ``show``: True always shows (from the start),
    False never, None (the default) as described above.  Used for the drawing
    of a step-through page's frames and for ``tg.train``'s epochs.
    """

    def __init__(self, total: int, after: float = 1.0, stream=None, *, what: str = "drawing frame",
                 notice: Optional[str] = "drawing the page's {total} frames; this takes a while...",
                 show: Optional[bool] = None) -> None:
        import time
        self.total, self.after, self.stream, self.what = total, after, stream or sys.stderr, what
        self.tty = is_tty(self.stream)
        self.on = show is True or (show is None and (self.tty or notice is not None))
        if show is True:
            self.after = 0.0
        self.notice = None if self.tty or notice is None else notice.format(total=total)
        self.start = time.monotonic()
        self.last = -float("inf")
        self.width = 0                 # of the line on the terminal, to blank out a longer one
        self.shown = False

    @property
    def seconds(self) -> float:
        """Seconds since the job started."""
        import time
        return time.monotonic() - self.start

    def __call__(self, done: int, detail: str = "...", force: bool = False) -> None:
        import time
        now = time.monotonic()
        if not self.on or now - self.start < self.after:
            return
        if self.notice is not None:
            if not self.shown:
                self.stream.write(self.notice + "\n")
                self.stream.flush()
                self.shown = True
            return
        if not force and done != self.total and now - self.last < (0.1 if self.tty else 1.0):
            return
        self.last = now
        line = f"{self.what} {done}/{self.total}{detail}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True

    def close(self, note: str = "") -> None:
        """End the progress line, with ``note`` after it ("converged") when one was shown."""
        if not self.shown:
            return
        if self.tty:
            self.stream.write(f"  {note}\n" if note else "\n")
        elif note and self.notice is None:
            self.stream.write(note + "\n")
        self.stream.flush()
