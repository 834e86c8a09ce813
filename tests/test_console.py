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


def test_plain_writes_symbols_as_words():
    from tinygraph.console import plain
    assert plain("δ_o1 = O(1 − O), η = ½, √3 ≈ 1.7, θ ← θ − η·∂E/∂θ") == \
        "delta_o1 = O(1 - O), eta = 1/2, sqrt(3) ~= 1.7, theta <- theta - eta*dE/dtheta"
    assert plain("é → ∑") == "e -> sum"


def test_say_on_an_ascii_stream_transliterates_instead_of_failing():
    import io
    from tinygraph.console import can_print, is_tty, say
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    say("E = ½ Σ_k (O_k − t_k)²", stream)
    assert raw.getvalue() == b"E = 1/2 sum_k (O_k - t_k)^2\n"
    assert not is_tty(stream) and not is_tty(object())
    stream.close()
    assert not is_tty(stream)                        # a closed stream is no terminal either
    assert can_print("plain ascii")
