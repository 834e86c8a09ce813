"""Tests for tinygraph/console.py: the terminal."""


def test_progress_on_a_terminal_rewrites_one_line():
    import io
    from tinygraph.console import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True
    stream = Tty()
    tell = Progress(3, after=0.0, stream=stream)
    for k in (1, 2, 3):
        tell(k)
    tell.close()
    text = stream.getvalue()
    assert text.startswith("\rdrawing frame ") and text.endswith("drawing frame 3/3...\n")
