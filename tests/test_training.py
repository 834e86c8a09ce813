"""SGD and the training loop: steps by hand, XOR learned, the stopping rule, bad data, divergence, progress."""

import io
import re
import subprocess
import sys

import pytest

import tinygraph as tg
from tinygraph.errors import NotFiniteError, WrongTypeError
import tinygraph.learning.training as training

XOR = [({"x1": 0, "x2": 0}, {"o1": 0}), ({"x1": 0, "x2": 1}, {"o1": 1}),
       ({"x1": 1, "x2": 0}, {"o1": 1}), ({"x1": 1, "x2": 1}, {"o1": 0})]


def error_of(net, data):
    return tg.squared_error([net.forward(x) for x, _ in data], [t for _, t in data]).value


def values(net):
    return [p.value for p in net.parameters(include_fixed=True)]


# -- SGD ---------------------------------------------------------------------------

def test_sgd_step_by_hand_and_zero_grad():
    w = tg.Node(2.0, name="w")
    b = tg.Node(-1.0, name="b")
    opt = tg.SGD([w, b], lr=0.1)
    loss = (w * 3.0 + b) ** 2                 # (6 - 1)^2: dL/dw = 2*5*3 = 30, dL/db = 10
    loss.backward()
    opt.step()
    assert w.value == 2.0 - 0.1 * 30.0 and b.value == -1.0 - 0.1 * 10.0
    opt.zero_grad()
    assert w.grad == 0.0 and b.grad == 0.0


def test_sgd_momentum_by_hand():
    w = tg.Node(1.0)
    opt = tg.SGD([w], lr=0.5, momentum=0.9)
    w.grad = 2.0
    opt.step()                                # v = 2, w = 1 - 1
    assert w.value == 0.0
    w.grad = 1.0
    opt.step()                                # v = 0.9*2 + 1 = 2.8, w = 0 - 1.4
    assert w.value == pytest.approx(-1.4, rel=1e-15)
    with pytest.raises(ValueError, match="momentum"):
        tg.SGD([w], lr=0.1, momentum=1.0)


def test_sgd_skips_fixed_parameters_and_accepts_a_network():
    net = tg.MLP([2, 1], seed=0)
    net["o1"].bias.trainable = False
    before = net["o1"].bias.value
    opt = tg.SGD(net, lr=1.0)                 # a Network means its trainable parameters
    assert net["o1"].bias not in opt.params
    opt = tg.SGD(net.parameters(include_fixed=True), lr=1.0)
    tg.squared_error(net.forward([1.0, 1.0]), 5.0).backward()
    opt.step()
    assert net["o1"].bias.value == before


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rates_are_value_errors(lr):
    with pytest.raises(ValueError, match="lr"):
        tg.SGD([tg.Node(1.0)], lr=lr)
    with pytest.raises(ValueError, match="lr"):
        tg.train(tg.MLP([2, 1]), XOR, lr=lr)


def test_learning_rate_as_text_is_a_type_error():
    with pytest.raises(TypeError, match=r"float\('0.1'\)"):
        tg.SGD([tg.Node(1.0)], lr="0.1")
    with pytest.raises(TypeError, match="must be a Node"):
        tg.SGD([1.0], lr=0.1)


# -- train -----------------------------------------------------------------------

def test_xor_is_learned_from_a_fixed_seed():
    net = tg.MLP([2, 2, 1], seed=0)
    history = tg.train(net, XOR, lr=2.0, until=0.01, max_epochs=3000, verbose=False)
    assert history.converged
    assert history.final < 0.01
    assert history.final == error_of(net, XOR)            # the history is the net's real error
    assert history[0] > 0.4                                 # it started out wrong
    for (x, t) in XOR:
        assert round(net.forward(x)["o1"].value) == t["o1"]


def test_xor_with_three_hidden_neurons_and_online_updates():
    net = tg.MLP([2, 3, 1], seed=1)
    history = tg.train(net, XOR, lr=2.0, until=0.01, max_epochs=3000, batch=False, verbose=False)
    assert history.converged and history.final == error_of(net, XOR) < 0.01


def test_history_semantics_and_the_stopping_rule():
    net = tg.MLP([2, 2, 1], seed=0)
    start = error_of(net, XOR)
    h = tg.train(net, XOR, lr=0.5, max_epochs=5, verbose=False)
    assert len(h) == 6 and h.epochs == 5 and not h.converged
    assert h[0] == start and h.final == error_of(net, XOR) and h.final < h[0]
    # already below the threshold: no step at all
    net2 = tg.MLP([2, 2, 1], seed=0)
    before = values(net2)
    h2 = tg.train(net2, XOR, until=10.0, verbose=False)
    assert h2.converged and h2.epochs == 0 and values(net2) == before
    assert "converged" in repr(h2)
    h3 = tg.train(tg.MLP([2, 2, 1], seed=0), XOR, max_epochs=0, verbose=False)
    assert len(h3) == 1 and h3.epochs == 0


def test_each_epoch_is_one_sgd_step_on_the_summed_error():
    net = tg.MLP([2, 2, 1], seed=5)
    twin = tg.MLP([2, 2, 1], seed=5)
    tg.train(net, XOR, lr=0.7, max_epochs=1, verbose=False)
    opt = tg.SGD(twin.parameters(), lr=0.7)
    opt.zero_grad()
    tg.squared_error([twin.forward(x) for x, _ in XOR], [t for _, t in XOR]).backward()
    opt.step()
    assert values(net) == values(twin)


def test_other_losses_and_a_custom_one():
    data = [({"x1": 0, "x2": 0}, -1), ({"x1": 0, "x2": 1}, 1), ({"x1": 1, "x2": 0}, 1), ({"x1": 1, "x2": 1}, 1)]
    net = tg.MLP([2, 1], activation="linear", seed=0)
    h = tg.train(net, data, loss="hinge", lr=0.1, until=1e-9, max_epochs=2000, verbose=False)
    assert h.converged                                       # OR is separable
    bits = [(x, {"o1": (t + 1) / 2}) for x, t in data]
    net = tg.MLP([2, 1], seed=0)                            # sigmoid output: a probability
    h = tg.train(net, bits, loss="binary_cross_entropy", lr=1.0, max_epochs=300, verbose=False)
    assert h.final < h[0] / 5
    net = tg.MLP([2, 1], activation="linear", seed=0)      # linear output: a logit
    h = tg.train(net, bits, loss=lambda o, t: tg.binary_cross_entropy(o, t, from_logits=True),
                 lr=1.0, max_epochs=300, verbose=False)
    assert h.final < h[0] / 5 and h.loss == "<lambda>"
    calls = []

    def loss(outputs, targets):
        calls.append(len(outputs))
        return tg.mse(outputs, targets)

    tg.train(tg.MLP([2, 1], seed=0), XOR, loss=loss, max_epochs=3, verbose=False)
    assert calls == [4] * 4                                  # the whole batch, once per epoch (+ final)


def test_unknown_loss_name_suggests():
    with pytest.raises(ValueError, match="unknown loss 'squared_eror'. Did you mean 'squared_error'"):
        tg.train(tg.MLP([2, 1]), XOR, loss="squared_eror")


@pytest.mark.parametrize("data, error, words", [
    ([({"x1": 0, "X2": 1}, {"o1": 1})], KeyError, r"data\[0\]: inputs: missing 'x2'; unknown 'X2'"),
    ([({"x1": 0, "x2": 1}, {"out": 1})], KeyError, r"data\[0\] targets: outputs: missing 'o1'; unknown 'out'"),
    ([({"x1": 0, "x2": "1"}, {"o1": 1})], TypeError, r"data\[0\]: the input 'x2'.*float\('1'\)"),
    ([({"x1": 0, "x2": 1}, {"o1": 1}), ({"x1": 0, "x2": 1}, {"o1": "yes"})], TypeError,
     r"data\[1\] targets: the output 'o1'"),
    ([({"x1": 0, "x2": 1}, {"o1": 1}), ({"x1": 1},)], TypeError, r"data\[1\] must be a pair"),
    ([([0, 1, 1], [1])], ValueError, r"data\[0\]: 3 values for the network's 2 inputs"),
    ([], ValueError, "data is empty"),
    ("xor", TypeError, "list of"),
])
def test_bad_data_is_refused_before_training(data, error, words):
    net = tg.MLP([2, 2, 1], seed=0)
    before = values(net)
    with pytest.raises(error, match=words):
        tg.train(net, data, verbose=False)
    assert values(net) == before


def test_hinge_labels_checked_before_any_step():
    net = tg.MLP([2, 1], seed=0)
    before = values(net)
    with pytest.raises(ValueError, match="-1 or"):
        tg.train(net, XOR, loss="hinge", verbose=False)
    assert values(net) == before


def test_divergence_stops_with_a_clear_error():
    net = tg.Network("lin")
    net.input("x")
    net.neuron("y", activation="linear", bias=None)
    net.connect("x", "y", weight=1.0)
    with pytest.raises(tg.DivergenceError, match="smaller lr"):
        tg.train(net, [({"x": 10.0}, {"y": 1.0})], lr=5.0, max_epochs=10000, verbose=False)


def test_nothing_to_train():
    net = tg.Network("fixed")
    net.input("x")
    net.neuron("y", bias=None)
    net.connect("x", "y", weight=1.0, trainable=False)
    with pytest.raises(ValueError, match="no trainable parameters"):
        tg.train(net, [({"x": 1.0}, {"y": 0.0})])


# -- progress ----------------------------------------------------------------------

class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class Clock:
    """A fake time.monotonic that moves 1 s on every call."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        self.t += 1.0
        return self.t


def test_progress_only_on_a_terminal_for_long_runs(monkeypatch):
    tty = FakeTTY()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setattr(training.time, "monotonic", Clock())
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=5)
    shown = tty.getvalue()
    assert "\repoch" in shown and "error" in shown and "stopped at max_epochs" in shown
    tty2 = FakeTTY()
    monkeypatch.setattr(sys, "stderr", tty2)
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=5, verbose=False)   # asked to be quiet
    assert tty2.getvalue() == ""


def test_quiet_when_not_a_terminal_or_short(monkeypatch, capsys):
    monkeypatch.setattr(training.time, "monotonic", Clock())
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=5)     # capsys: not a terminal
    assert capsys.readouterr().err == ""
    tty = FakeTTY()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setattr(training.time, "monotonic", lambda: 0.0)   # a run that takes no time
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=5)
    assert tty.getvalue() == ""


def test_verbose_true_prints_even_off_a_terminal(capsys):
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=3, verbose=True)
    err = capsys.readouterr().err
    assert err.startswith("epoch 0/3") and "stopped at max_epochs" in err


def test_tg_train_stays_the_function_after_importing_the_module():
    code = ("import tinygraph as tg; tg.SGD; from tinygraph.learning.training import History; "
            "import tinygraph.learning.training; assert callable(tg.train) and tg.train.__name__ == 'train', tg.train")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- values and rates set by hand ---------------------------------------------------------------

def test_sgd_step_names_a_parameter_whose_grad_is_not_a_number():
    x = tg.Node(1.0, name="x")
    opt = tg.SGD([x], lr=0.1)
    x.grad = "5"
    with pytest.raises(TypeError, match=r"SGD step on x: its grad is the str '5'"):
        opt.step()


@pytest.mark.parametrize("bad", ["0.1", 0.0, -1.0, float("nan")], ids=repr)
def test_sgd_step_checks_a_learning_rate_set_by_hand(bad):
    x = tg.Node(1.0, name="x")
    x.grad = 1.0
    opt = tg.SGD([x], lr=0.1)
    opt.lr = bad
    with pytest.raises((TypeError, ValueError), match="opt.lr"):
        opt.step()
    assert x.value == 1.0
    opt.lr = 1                                  # an int is a fine rate
    opt.step()
    assert x.value == 0.0


def test_sgd_without_parameters_says_so():
    with pytest.raises(ValueError, match="no parameters"):
        tg.SGD([])


# -- divergence and a rising error ------------------------------------------------------------

def test_divergence_restores_the_weights_and_says_so_in_plain_words():
    net = tg.Network("lin")
    net.input("x")
    net.neuron("y", activation="linear", bias=None)
    w = net.connect("x", "y", weight=1.0)
    with pytest.raises(tg.DivergenceError) as e:
        tg.train(net, [({"x": 10.0}, {"y": 1.0})], lr=5.0, max_epochs=10000, verbose=False)
    msg = str(e.value)
    assert w.value == 1.0 and w.grad == 0.0             # back to epoch 0, where the error was lowest
    assert "restored to epoch 0" in msg and "40.5" in msg and "lr=0.5" in msg and "5.0" in msg
    assert "'**'" not in msg and "the result of" not in msg        # no engine internals
    assert "overflowed" in e.value.detail                       # kept for whoever wants them
    assert error_of(net, [({"x": 10.0}, {"y": 1.0})]) == 40.5   # the network still works


def test_online_divergence_restores_the_weights_too():
    net = tg.MLP([1, 1], activation="linear", seed=3)
    before = values(net)
    with pytest.raises(tg.DivergenceError, match="restored to epoch 0"):
        tg.train(net, [([10.0], [1.0]), ([-20.0], [0.0])], lr=10.0, batch=False, max_epochs=10000,
                 verbose=False)
    assert values(net) == before


def test_a_rising_error_warns_that_the_learning_rate_may_be_too_large():
    with pytest.warns(tg.TrainingWarning, match=r"rose from 0\.5005 to 1 .*lr=10\b"):
        h = tg.train(tg.MLP([2, 2, 1]), XOR, lr=100, until=0.01, max_epochs=50, verbose=False)
    assert not h.converged and h.final > h[0]


def test_no_warning_when_the_error_falls(recwarn):
    tg.train(tg.MLP([2, 2, 1]), XOR, lr=0.5, until=0.01, max_epochs=50, verbose=False)
    assert not [w for w in recwarn if issubclass(w.category, tg.TrainingWarning)]


@pytest.mark.parametrize("attr, bad, error, words", [
    ("grad", float("nan"), NotFiniteError, r"SGD step on x: its grad is nan \(set by hand\?\)"),
    ("grad", float("inf"), NotFiniteError, r"SGD step on x: its grad is inf"),
    ("grad", None, WrongTypeError, r"SGD step on x: its grad is the NoneType None"),
    ("value", float("nan"), NotFiniteError, r"SGD step on x: its value is nan"),
    ("value", "abc", WrongTypeError, r"SGD step on x: its value is the str 'abc'"),
])
def test_sgd_step_names_a_value_or_grad_set_by_hand_and_does_not_blame_the_rate(attr, bad, error, words):
    x = tg.Node(1.0, name="x")
    x.grad = 1.0
    opt = tg.SGD([x], lr=0.1)
    setattr(x, attr, bad)
    with pytest.raises(error, match=words) as e:
        opt.step()
    assert "learning rate" not in str(e.value) and "lr" not in str(e.value)


def test_a_real_divergence_still_blames_the_learning_rate():
    x = tg.Node(1.0, name="x")
    x.grad = 1e300
    with pytest.raises(tg.DivergenceError, match=r"the learning rate 10000000000.0 is too large"):
        tg.SGD([x], lr=1e10).step()


# -- the optimizer and a paused step-through ---------------------------------------------------

def _setup():
    net = tg.MLP([2, 2, 1], seed=0)
    return net, tg.squared_error(net.forward([0.5, -1.0]), [0.3])


def _paused(k=1):
    """A network, its error, an optimizer and a step-through paused after k + 1 steps."""
    net, loss = _setup()
    steps = iter(tg.backprop_steps(loss))
    for _ in range(k + 1):
        next(steps)
    return net, loss, tg.SGD(net.parameters(), lr=0.1), steps


STEPS = len(list(tg.backprop_steps(_setup()[1])))


@pytest.mark.parametrize("disturb, words", [
    (lambda opt: opt.step(), "an optimizer step changed the weights"),
    (lambda opt: opt.zero_grad(), r"the optimizer's zero_grad\(\) set the weights' gradients back to 0"),
], ids=["step", "zero_grad"])
def test_the_optimizer_during_a_paused_step_through_is_refused_on_resume(disturb, words):
    right = [s.grad for s in tg.backprop_steps(_setup()[1])]
    refused = 0
    for k in range(STEPS - 1):                        # paused after each step but the last
        net, loss, opt, steps = _paused(k)
        shown = []
        try:
            disturb(opt)
            for step in steps:
                shown.append(step.grad)
        except tg.GraphError as e:
            assert re.search(f"while it was paused, {words}", str(e)) and "start it again" in str(e)
            refused += 1
        # nothing wrong was shown before the refusal: the steps after the pause are the undisturbed ones
        assert shown == right[k + 1:k + 1 + len(shown)]
    assert refused >= STEPS - 3         # refused unless only leaves already complete were left to show


def test_after_the_walk_the_optimizer_works_as_usual():
    net, loss, opt, steps = _paused(0)
    list(steps)                                       # finish the walk
    before = values(net)
    opt.step()
    assert values(net) != before
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


# -- the garbage collector ---------------------------------------------------------------------

def test_train_pauses_the_cyclic_collector_inside_its_loop_and_restores_it(monkeypatch):
    import gc
    seen = []
    forward = tg.Network.forward

    def spy(self, inputs):
        seen.append(gc.isenabled())
        return forward(self, inputs)

    monkeypatch.setattr(tg.Network, "forward", spy)
    assert gc.isenabled()
    tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=2, verbose=False)
    assert seen and not any(seen)                      # off inside the loop
    assert gc.isenabled()                              # and back on after
    gc.disable()
    try:
        tg.train(tg.MLP([2, 1], seed=0), XOR, max_epochs=1, verbose=False)
        assert not gc.isenabled()                      # a caller's choice is kept
    finally:
        gc.enable()
    with pytest.raises(tg.DivergenceError):            # and restored when training fails too
        tg.train(tg.MLP([1, 1], activation="linear", seed=3), [([10.0], [1.0])], lr=10.0, max_epochs=1000,
                 verbose=False)
    assert gc.isenabled()
