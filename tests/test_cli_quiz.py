"""`tinygraph step NAME --quiz` in the terminal: each answer hidden until it is asked for."""

import tinygraph as tg
from tinygraph.cli import main
from tinygraph.demos import worked_example


def _feed(monkeypatch, answers):
    it = iter(answers)

    def ask(prompt=""):
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None
    monkeypatch.setattr("builtins.input", ask)


def _steps():
    net, x, t = worked_example.build()
    return tg.network_steps(net, x, t, lr=worked_example.LR)


def test_terminal_quiz_hides_each_answer_until_asked(monkeypatch, capsys):
    steps = _steps()
    first = next(s for s in steps if s.kind == "forward")          # net_h1 = ... = 0.3775
    later = [s for s in steps if s.kind in ("output delta", "hidden delta", "update")]
    _feed(monkeypatch, ["0.5", "-0.4", str(first.number), "q"])
    assert main(["step", "worked-example", "--quiz"]) == 0
    out = capsys.readouterr().out
    assert f"{first.formula} = {first.numbers} = ?" in out
    assert "not yet: yours is too large" in out and "check the sign" in out     # hints, another try
    assert "right on try 3" in out and str(first) in out                        # shown once right
    assert "score: 0 of 1 right on the first try" in out
    for s in later:                                                              # never reached: never printed
        assert str(s) not in out
    assert "= ?" in out.split("right on try 3")[1]                              # the next one is asked


def test_terminal_quiz_enter_shows_the_answer_and_right_first_time_scores(monkeypatch, capsys):
    steps = _steps()
    asked = [s for s in steps if s.number is not None and s.kind not in ("input", "new forward", "repeat")]
    _feed(monkeypatch, [repr(asked[0].number), ""])                   # right, then Enter; then the input ends
    assert main(["step", "worked-example", "--quiz"]) == 0
    out = capsys.readouterr().out
    assert f"\u2713 right:  {asked[0]}" in out and f"it is {asked[1].shown or tg.formatting.fmt(asked[1].number)}" in out
    assert str(asked[2]) not in out
    assert "score: 1 of 2 right on the first try" in out
