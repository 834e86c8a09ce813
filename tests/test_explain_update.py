"""Which parameters the step updates: all (weights and biases, the default) or the weights only
(the convention of Mazur's published worked example, whose numbers can then be matched)."""

import pytest

import tinygraph as tg
from tinygraph.cli import main
from tinygraph.demos.worked_example import build

#: Mazur, "A Step by Step Backpropagation Example" (2015): the error before and after his first
#: update, which moves the eight weights and keeps the biases 0.35 and 0.60 fixed
MAZUR_E = 0.298371109
MAZUR_NEW_E = 0.291027924


def _new_error(update):
    net, x, t = build()
    steps = tg.network_steps(net, x, t, update=update)
    return steps, next(s.number for s in steps if s.kind == "new error")


def test_weights_only_matches_mazurs_published_new_error():
    steps, new = _new_error("weights")
    first = next(s.number for s in steps if s.kind == "error")
    assert round(first, 9) == MAZUR_E
    # Mazur rounds his intermediate numbers to 8 or 9 digits, so his E agrees to 6 decimals
    assert round(new, 6) == round(MAZUR_NEW_E, 6)
    moved = [s.subject for s in steps if s.kind == "update"]
    assert len(moved) == 8 and all(isinstance(p, tg.Synapse) for p in moved)


def test_default_updates_the_biases_too_and_so_differs_from_mazur():
    steps, new = _new_error("all")
    assert round(new, 6) != round(MAZUR_NEW_E, 6)
    moved = [s.subject for s in steps if s.kind == "update"]
    assert len(moved) == 12 and sum(isinstance(p, tg.Bias) for p in moved) == 4
    _, default = _new_error("all")
    net, x, t = build()
    assert next(s.number for s in tg.network_steps(net, x, t) if s.kind == "new error") == default


def test_weights_only_repeat_trains_with_the_biases_kept():
    net, x, t = build()
    steps = tg.network_steps(net, x, t, update="weights", apply=True)
    repeat = steps[-1]
    assert repeat.history.converged
    assert [n.bias.value for n in repeat.net if n.bias is not None] == [0.35, 0.35, 0.6, 0.6]
    assert [n.bias.value for n in net if n.bias is not None] == [0.35, 0.35, 0.6, 0.6]
    assert all(n.bias.trainable for n in net if n.bias is not None)    # the learner's network is not changed


def test_bad_update_is_one_clear_error():
    net, x, t = build()
    with pytest.raises(tg.TinygraphError, match="'all'.*'weights'"):
        tg.network_steps(net, x, t, update="biases")
    with pytest.raises(tg.TinygraphError, match="update"):
        tg.explain(net, x, t, update=3, pictures=False)


def test_explain_says_which_parameters_the_step_updates():
    net, x, t = build()
    both = tg.explain(net, x, t, pictures=False).markdown("inline")
    assert "updates the weights and the biases" in both and "update='weights'" in both
    net, x, t = build()
    weights = tg.explain(net, x, t, pictures=False, update="weights").markdown("inline")
    assert "updates the weights only" in weights and "Each weight takes a step" in weights
    assert "0.29102777" in weights.replace(" ", "")


def test_command_line_update_weights(tmp_path, capsys):
    out = tmp_path / "w.md"
    assert main(["explain", "worked-example", "--update", "weights", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "updates the weights only" in text and "0.29102777" in text
