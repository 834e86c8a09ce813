"""Tests for tinygraph/stepping/narrative.py: the recipe's steps on a Network, checked against the
delta-rule formulas worked independently here, and what each step's formula reads."""

import math
import re

import pytest

import tinygraph as tg
from tinygraph.networks.network import Bias, Neuron, Synapse
from tinygraph.stepping.narrative import REPEAT_UNTIL, STAGES, network_steps
from tinygraph.demos import step_networks, worked_example

from helpers import B, T, W, by_hand, worked

def updated_by_hand(lr=0.5):
    """The weights and biases after one update w <- w - lr dE/dw, by hand."""
    _, _, d, gw = by_hand()
    return ({key: w - lr * gw[key] for key, w in W.items()}, {j: b - lr * d[j] for j, b in B.items()})


def test_network_steps_follow_the_text_and_match_the_delta_rule():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, lr=0.5)
    O, E, d, gw = by_hand()
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    assert all(s.total == len(steps) for s in steps)
    assert [s.stage for s in steps] == sorted(s.stage for s in steps)      # the recipe's order 1..5
    kinds = [s.kind for s in steps]
    assert kinds[:6] == ["input", "forward", "forward", "forward", "forward", "error"]
    assert kinds[6:8] == ["output delta"] * 2 and kinds[8:10] == ["hidden delta"] * 2
    assert kinds.count("weight gradient") == 8 and kinds.count("bias gradient") == 4
    assert kinds.count("update") == 12
    assert kinds[-3:] == ["new forward", "new error", "repeat"] and len(steps) == 37
    assert [s.stage_name for s in steps[-3:]] == [STAGES[6]] * 3

    err = steps[5]
    assert err.number == pytest.approx(E, rel=1e-12) and err.number == pytest.approx(0.298371109, abs=1e-9)
    for s in steps:
        if s.kind == "forward":
            assert s.subject.value == pytest.approx(O[s.subject.name], rel=1e-12)
        elif s.kind in ("output delta", "hidden delta"):
            assert s.number == pytest.approx(d[s.subject.name], rel=1e-12)
            walk_node = s.subject.net_node
            assert s.walk_step.node is walk_node and s.walk_step.grad == s.number
        elif s.kind == "weight gradient":
            syn = s.subject
            assert s.walk_step.node is syn
            assert s.number == pytest.approx(gw[(syn.src.name, syn.dst.name)], rel=1e-12)
        elif s.kind == "bias gradient":
            assert s.number == pytest.approx(d[s.subject.neuron.name], rel=1e-12)
        elif s.kind == "update":
            p = s.subject
            grad = gw[(p.src.name, p.dst.name)] if isinstance(p, tg.Synapse) else d[p.neuron.name]
            assert s.number == pytest.approx(p.value - 0.5 * grad, rel=1e-12)
    # the by-hand numbers are the published ones
    upd = {s.subject.name: s.number for s in steps if s.kind == "update"}
    assert upd[net.synapse("h1", "o1").name] == pytest.approx(0.35891648, abs=1e-8)
    assert upd[net.synapse("i1", "h1").name] == pytest.approx(0.149780716, abs=1e-9)

    # and they agree with the delta-rule helper too
    rule = tg.delta_rule(net, inputs, targets)
    for s in steps:
        if s.kind.endswith("delta"):
            assert s.number == pytest.approx(rule.deltas[s.subject.name], rel=1e-12)
        elif s.kind == "weight gradient":
            assert s.number == pytest.approx(rule.weight_grads[s.subject.name], rel=1e-12)


def test_network_step_lines_show_formula_and_numbers():
    net, inputs, targets = worked_example.build()
    lines = {(s.kind, getattr(s.subject, "name", None)): str(s) for s in network_steps(net, inputs, targets)}
    assert lines[("output delta", "o1")] == \
        "δ_o1 = O_o1(1 - O_o1) (O_o1 - t_o1) = 0.7514·(1 - 0.7514)·(0.7514 - 0.01) = 0.1385"
    w5, w7 = net.synapse("h1", "o1").name, net.synapse("h1", "o2").name
    assert lines[("hidden delta", "h1")] == (
        f"δ_h1 = O_h1(1 - O_h1) (δ_o1·{w5} + δ_o2·{w7}) = "
        "0.5933·(1 - 0.5933)·(0.1385·0.4 + (-0.0381)·0.5) = 0.008771")
    assert lines[("weight gradient", w5)] == f"dE/d{w5} = δ_o1·O_h1 = 0.1385·0.5933 = 0.08217"
    assert lines[("bias gradient", "θ_o1")] == "dE/dθ_o1 = δ_o1·1 = 0.1385·1 = 0.1385"
    assert lines[("update", w5)] == f"{w5} ← {w5} - η·dE/d{w5} = 0.4 - 0.5·0.08217 = 0.3589"
    assert lines[("forward", "h1")].endswith("O_h1 = sigmoid(net_h1) = sigmoid(0.3775) = 0.5933")


def test_network_steps_apply_does_the_text_update():
    net, inputs, targets = worked_example.build()
    twin, _, _ = worked_example.build()
    rule = tg.delta_rule(twin, inputs, targets)
    rule.update(0.5)
    before = [p.value for p in net.parameters()]
    network_steps(net, inputs, targets)
    assert [p.value for p in net.parameters()] == before          # not applied by default
    network_steps(net, inputs, targets, lr=0.5, apply=True)
    for p, q in zip(net.parameters(), twin.parameters()):
        assert p.value == pytest.approx(q.value, rel=1e-12)


def test_general_form_for_other_activations_and_linear_outputs():
    net = tg.Network("mixed")
    x = net.input("x")
    h = net.neuron("h", activation="tanh", bias=0.1)
    o = net.neuron("o", activation="linear", bias=None)
    net.connect(x, h, weight=0.8)
    net.connect(h, o, weight=-1.5)
    steps = network_steps(net, {"x": 0.5}, {"o": 2.0})
    th = math.tanh(0.8 * 0.5 + 0.1)
    out = -1.5 * th
    d_o = out - 2.0
    d_h = (1 - th ** 2) * d_o * -1.5
    by = {s.kind: s for s in steps}
    assert by["output delta"].number == pytest.approx(d_o, rel=1e-12)
    assert "linear" in str(by["output delta"])
    assert by["hidden delta"].number == pytest.approx(d_h, rel=1e-12)
    assert "f'(net_h)" in str(by["hidden delta"])
    assert [s.kind for s in steps].count("bias gradient") == 1


def test_network_steps_reject_wrong_things_clearly():
    net, inputs, targets = worked_example.build()
    with pytest.raises(TypeError, match="Network"):
        network_steps(worked()[1], inputs, targets)
    with pytest.raises(TypeError, match="targets"):
        network_steps(net, inputs)
    with pytest.raises(KeyError, match="o3"):
        network_steps(net, inputs, {"o1": 0.1, "o3": 0.2})
    with pytest.raises(TypeError, match="learning rate"):
        network_steps(net, inputs, targets, lr="0.5")
    with pytest.raises(ValueError, match="learning rate.*> 0"):
        network_steps(net, inputs, targets, lr=-1)
    with pytest.raises(ValueError, match="2 outputs"):
        network_steps(net, inputs, [0.1])


def test_network_steps_without_targets_name_this_networks_outputs():
    net = tg.Network("votes")
    x = net.input("x")
    for name in ("yes", "no"):
        net.connect(x, net.neuron(name, activation="sigmoid"), weight=0.5)
    with pytest.raises(TypeError, match=r"one per output of 'votes': \{'yes': \.\.\., 'no': \.\.\.\}"):
        network_steps(net, {"x": 1.0})
    with pytest.raises(TypeError, match="'yes': ..."):
        tg.explain(net, {"x": 1.0})


def test_network_steps_with_another_error_use_the_general_form():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, error=tg.mse)
    O, _, _, _ = by_hand()
    by = {(s.kind, getattr(s.subject, "name", "")): s for s in steps}
    for k in ("o1", "o2"):
        s = by[("output delta", k)]
        # mse = mean_k (O_k - t_k)^2 over 2 outputs, so dE/dO_k = (O_k - t_k)
        assert s.number == pytest.approx(O[k] * (1 - O[k]) * (O[k] - T[k]), rel=1e-12)
        assert f"dE/dO_{k}" in str(s)
    one = tg.Network("one")
    one.connect(one.input("x"), one.neuron("y"), weight=0.3)
    assert network_steps(one, {"x": 1.0}, 0.5)[-4].kind == "update"      # one output: a number will do


def test_update_lines_show_a_small_change_instead_of_hiding_it():
    net = tg.Network("steep")
    net.connect(net.input("x"), net.neuron("y", bias=-25.0), weight=10.0)
    upd = [s for s in network_steps(net, {"x": 1.0}, {"y": 0.0}) if s.kind == "update"]
    w = upd[0]
    assert w.subject.value == 10.0 and w.number < 10.0 and w.number > 9.9999
    shown = str(w).rsplit(" = ", 1)[1]
    assert shown != "10" and float(shown) == pytest.approx(w.number, abs=1e-6)


# -- the loop closed: the new forward pass, the new error, repeat until below a threshold ----------

@pytest.mark.parametrize("apply", [False, True])
def test_after_the_update_the_new_forward_pass_and_the_new_error(apply):
    net, inputs, targets = worked_example.build()
    before = [p.value for p in net.parameters()]
    steps = network_steps(net, inputs, targets, lr=0.5, apply=apply)
    new_forward, new_error, repeat = steps[-3:]
    W1, B1 = updated_by_hand(0.5)
    O1, E1, _, _ = by_hand(W1, B1)
    O0, E0, _, _ = by_hand()
    assert new_forward.stage == new_error.stage == repeat.stage == 6
    # the new forward pass is drawn on a network with the new weights; the real one is untouched
    after = new_forward.net
    assert after is not net and after is new_error.net
    for o in after.outputs:
        assert o.value == pytest.approx(O1[o.name], rel=1e-12)
    for (src, dst), w in W1.items():
        assert after.synapse(src, dst).value == pytest.approx(w, rel=1e-12)
    assert str(new_forward) == ("forward pass with the new weights: "
                                f"O_o1: {tg_fmt(O0['o1'])} → {tg_fmt(O1['o1'])}, "
                                f"O_o2: {tg_fmt(O0['o2'])} → {tg_fmt(O1['o2'])}")
    assert new_error.number == pytest.approx(E1, rel=1e-12) and new_error.number < steps[5].number
    assert str(new_error).endswith(f"= {tg_fmt(E1)}   (was {tg_fmt(E0)})")
    assert new_error.known == [] and new_error.walk_step is None       # no gradients of the new pass yet
    # the real network: the walk's nodes are still its nodes; the weights new only with apply=True
    assert net["o1"].net_node is steps[6].walk_step.node
    assert [p.value for p in net.parameters()] == ([W1[(s.src.name, s.dst.name)] if isinstance(s, Synapse)
                                                      else B1[s.neuron.name] for s in net.parameters()]
                                                     if apply else before)
    # repeat: what train() does from the same start, whose first epoch is this step's update
    twin, _, _ = worked_example.build()
    history = tg.train(twin, [(inputs, targets)], lr=0.5, until=REPEAT_UNTIL, max_epochs=10_000)
    assert repeat.history == history and repeat.history.epochs == history.epochs > 1
    assert repeat.history[1] == pytest.approx(E1, rel=1e-12)
    assert str(repeat) == (f"repeat steps 1 to 5 until E < 0.001: train() gets there after {history.epochs} "
                           f"epochs, E = {tg_fmt(E0)} → {tg_fmt(history.final)} (this update was the first)")
    assert repeat.net.synapse("i1", "h1").value == twin.synapse("i1", "h1").value   # drawn as trained


def tg_fmt(x):
    from tinygraph.formatting import fmt
    return fmt(x)


def test_repeat_says_when_the_error_is_below_the_threshold_already_or_never_gets_there():
    net, inputs, targets = worked_example.build()
    done = network_steps(net, inputs, targets, until=0.5)[-1]          # E = 0.298 < 0.5
    assert done.history.epochs == 0
    assert str(done) == ("repeat steps 1 to 5 until E < 0.5: E = 0.2984 was below 0.5 already, so training "
                         "would have stopped before this update")
    slow = network_steps(net, inputs, targets, lr=1e-6)[-1]
    assert not slow.history.converged and slow.history.epochs == 10_000
    assert "still not below 0.001" in str(slow)
    steep = tg.Network("steep")
    steep.connect(steep.input("x"), steep.neuron("y", activation="linear", bias=None), weight=1.0)
    wild = network_steps(steep, {"x": 1e6}, {"y": 0.0}, lr=1.0)[-1]    # each step multiplies w by 1 - 1e12
    assert "train() never gets there: the weights grow too large for a float" in str(wild)
    with pytest.raises(ValueError, match="until"):
        network_steps(net, inputs, targets, until=0)
    with pytest.raises(TypeError, match="until"):
        network_steps(net, inputs, targets, until="small")


def test_repeat_with_another_error_trains_on_that_error():
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, error=tg.mse)
    history = tg.train(worked_example.build()[0], [(inputs, targets)], loss="mse", lr=0.5,
                       until=REPEAT_UNTIL, max_epochs=10_000)
    assert steps[-1].history == history
    assert steps[-2].kind == "new error" and steps[-2].number == pytest.approx(history[1], rel=1e-12)


# -- highlights are the formula: each step's `uses` is exactly what its formula reads -------------

def _softmax_outputs_at(net, n):
    """At a softmax layer's last net input every O_k of the layer is computed: the others are read."""
    layer = net.softmax_layer()
    last = [m for m in net.order() if m in layer][-1:]
    return [k for k in layer if k is not n] if last == [n] else []


def wiring_reads(step):
    """What the step's formula reads, derived from its kind and the network's wiring."""
    net, s = step.net, step.subject
    return {
        "input": lambda: list(net.inputs),
        "forward": lambda: [x for syn in s.incoming for x in (syn, syn.src)] + ([s.bias] if s.bias is not None else [])
        + _softmax_outputs_at(net, s),
        "error": lambda: list(net.outputs),
        "output delta": lambda: [s],
        "hidden delta": lambda: [s] + [x for syn in s.outgoing for x in (syn, syn.dst)],
        "weight gradient": lambda: [s.src, s.dst],
        "bias gradient": lambda: [s.neuron],
        "update": lambda: [s],
        "new forward": lambda: list(net.outputs),
        "new error": lambda: list(net.outputs),
        "repeat": lambda: [],
        # a big layer at once (step.group): the same reads, for every member
        "layer forward": lambda: [x for n in step.group for syn in n.incoming for x in (syn, syn.src)]
        + [n.bias for n in step.group if n.bias is not None],
        "output deltas": lambda: list(step.group),
        "hidden deltas": lambda: list(step.group) + [x for n in step.group for syn in n.outgoing
                                                     for x in (syn, syn.dst)],
        "weight gradients": lambda: [x for syn in step.group for x in (syn.src, syn.dst)],
        "bias gradients": lambda: [b.neuron for b in step.group],
        "updates": lambda: list(step.group),
    }[step.kind]()


def named_reads(step):
    """What the step's formula names on its right-hand side (O_x, δ_x, net_x: neuron x; a weight's
    or bias's name, dE/dw: that parameter), or None where the formula is the delta rule's general one."""
    if step.kind in ("error", "new forward", "new error", "repeat") or step.group is not None:
        return None                      # a big layer's step: the formula with its index, then examples
    net = step.net
    params = {p.name: p for p in net.parameters(include_fixed=True)}
    rhs = step.formula if step.kind == "input" else re.split(r" = | ← ", step.formula, maxsplit=1)[1]
    found = []
    for token in re.findall(r"\w+", rhs):
        for prefix in ("O_", "δ_", "net_"):
            if token.startswith(prefix) and token[len(prefix):] in net.neurons:
                found.append(net[token[len(prefix):]])
        if token in params:
            found.append(params[token])
        elif token.startswith("d") and token[1:] in params:
            found.append(params[token[1:]])
    if step.kind == "forward" and _softmax_outputs_at(net, step.subject):     # the softmax line after it
        found += [net[n] for n in re.findall(r"O_(\w+) = e\^", step.extra or "") if n in net.neurons and n != step.subject.name]
    return found


def same(a, b):
    return sorted(map(id, a)) == sorted(map(id, set(b)))


@pytest.mark.parametrize("name", sorted(step_networks()))
def test_every_step_of_every_demo_highlights_exactly_what_its_formula_reads(name):
    net, inputs, targets = step_networks()[name]()
    from tinygraph.demos import get_demo
    steps = network_steps(net, inputs, targets, lr=getattr(get_demo(name), "STEP_LR", 0.5))
    kinds = set()
    for step in steps:
        kinds.add(step.kind)
        uses = step.uses
        assert len({id(u) for u in uses}) == len(uses), step
        assert all(isinstance(u, (Neuron, Synapse, Bias)) for u in uses), step
        assert same(uses, wiring_reads(step)), (step, uses)
        named = named_reads(step)
        if named is not None:
            assert same(uses, named), (step, uses, named)
        subject = [step.subject] if isinstance(step.subject, (Neuron, Synapse, Bias)) else []
        if step.group is not None:
            subject = list(step.group)
        assert step.highlight == subject + [u for u in uses if all(u is not x for x in subject)], step
    assert {"forward", "output delta", "update", "new error", "repeat"} <= kinds
    assert kinds & {"weight gradient", "weight gradients"}


def test_a_hidden_delta_highlights_the_synapses_it_reads_not_those_into_the_neuron():
    net, inputs, targets = worked_example.build()
    step = network_steps(net, inputs, targets)[8]
    assert step.kind == "hidden delta" and step.subject is net["h1"]
    w5, w7 = net.synapse("h1", "o1"), net.synapse("h1", "o2")
    assert step.highlight == [net["h1"], net["o1"], w5, net["o2"], w7]
    assert not set(map(id, net["h1"].incoming)) & set(map(id, step.highlight))


def test_the_frame_highlights_the_step_highlight(monkeypatch):
    import tinygraph.stepping.narrative
    seen = []
    monkeypatch.setattr(tinygraph.stepping.narrative, "draw_network", lambda net, **kw: seen.append((net, kw["highlight"])))
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets)
    for step in steps:
        step.diagram()
    assert [h for _, h in seen] == [s.highlight for s in steps]
    assert [n for n, _ in seen] == [s.net for s in steps]


def test_an_error_that_ignores_an_output_says_so_instead_of_failing():
    net, inputs, targets = worked_example.build()
    only_o1 = lambda outs, t: 0.5 * (outs["o1"] - t["o1"]) ** 2          # noqa: E731
    steps = network_steps(net, inputs, targets, error=only_o1)
    by = {(s.kind, getattr(s.subject, "name", "")): s for s in steps}
    o2 = by[("output delta", "o2")]
    assert o2.number == 0.0 and o2.walk_step is None and "does not depend on o2" in str(o2)
    h1 = by[("hidden delta", "h1")]                                      # reads only the delta that exists
    assert h1.uses == [net["h1"], net["o1"], net.synapse("h1", "o1")]
    assert by[("weight gradient", net.synapse("h1", "o2").name)].number == 0.0
    assert steps[-1].kind == "repeat" and steps[-1].history.converged


# -- a numerical check beside each gradient ------------------------------------------------------

def test_check_puts_the_nudged_gradient_beside_each_walk_gradient():
    from tinygraph.stepping.narrative import CHECK_H
    net, inputs, targets = worked_example.build()
    before = [(p.name, p.value) for p in net.parameters(include_fixed=True)]
    steps = network_steps(net, inputs, targets, check=True)
    assert [(p.name, p.value) for p in net.parameters(include_fixed=True)] == before   # weights unchanged
    grads = [s for s in steps if s.kind in ("weight gradient", "bias gradient")]
    assert len(grads) == 12 and all(s.check is not None for s in grads)
    assert all(s.check is None for s in steps if s not in grads)
    _, _, d, gw = by_hand()
    for s in grads:
        assert math.isclose(s.check, s.number, rel_tol=1e-7), s      # backprop agrees with nudging
        assert math.isclose(s.check, s.subject.grad, rel_tol=1e-7)
        symbol = "w" if s.kind == "weight gradient" else "θ"
        assert f"check by nudging {s.subject.name} by ±h = {CHECK_H:g}: " \
               f"(E({symbol}+h) - E({symbol}-h)) / 2h = {tg_fmt(s.check)}, as the walk found" in str(s)
    # by hand: the check of w_h1_o1 is dE/dW = delta_o1 O_h1
    s = next(s for s in grads if s.subject.name == "w_h1_o1")
    assert math.isclose(s.check, gw[("h1", "o1")], rel_tol=1e-7)
    # without check=True nothing is nudged
    plain = network_steps(*worked_example.build(), check=False)
    assert all(s.check is None and "nudging" not in str(s) for s in plain)
    with pytest.raises(TypeError, match="check"):
        network_steps(*worked_example.build(), check="yes")


def test_check_disagrees_out_loud_at_a_kink():
    # a ramp neuron sitting exactly on its kink: the walk takes the slope 0 there, nudging sees 1/2
    net = tg.Network("kink")
    x = net.input("x")
    h = net.neuron("h", activation="relu", bias=0.0)
    o = net.neuron("o", activation="linear", bias=None)
    net.connect(x, h, weight=1.0)
    net.connect(h, o, weight=1.0)
    steps = network_steps(net, {"x": 0.0}, {"o": 1.0}, check=True)
    s = next(s for s in steps if s.kind == "bias gradient")
    assert s.number == 0.0 and math.isclose(s.check, -0.5, rel_tol=1e-3)
    assert "not the walk's 0" in str(s)


def test_check_frames_show_the_nudged_gradient_once_known(engine):
    import xml.etree.ElementTree as ET
    net, inputs, targets = worked_example.build()
    steps = network_steps(net, inputs, targets, check=True)
    svg_texts = lambda step: [t.text or "" for t in ET.fromstring(step.diagram().svg()).iter(
        "{http://www.w3.org/2000/svg}text")]
    first = next(s for s in steps if s.kind == "weight gradient")
    last = [s for s in steps if s.kind in ("weight gradient", "bias gradient")][-1]
    early = svg_texts(first)
    assert f"nudge {tg.draw.dot.number(first.check)}" in early and "nudge ?" in early
    late = svg_texts(last)
    assert "nudge ?" not in late
    assert sum(t.startswith("nudge ") for t in late) == 12
    # the frames of a check=False run show no nudges, and draw_network checks what it is given
    assert not any(t.startswith("nudge") for t in svg_texts(network_steps(*worked_example.build())[20]))
    with pytest.raises(TypeError, match="check"):
        tg.draw_network(net, grads=True, check={net["h1"]: 1.0})
    with pytest.raises(TypeError, match="check"):
        tg.draw_network(net, grads=True, check=[1.0])


def test_a_network_step_takes_its_fields_by_name():
    """Fourteen fields in a row are easy to pass in the wrong order: each is given by name."""
    import inspect
    from tinygraph.stepping.narrative import NetworkStep
    params = list(inspect.signature(NetworkStep.__init__).parameters.values())
    assert [p.name for p in params[:2]] == ["self", "run"]
    assert len(params) > 10 and all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[2:])


# -- big layers at once -------------------------------------------------------------------------

BIG_KINDS = (["input", "layer forward"] + ["forward"] * 3 + ["error"] + ["output delta"] * 3
             + ["hidden deltas", "weight gradients", "bias gradients", "weight gradients"] + ["bias gradient"] * 3
             + ["updates"] * 3 + ["update"] * 3 + ["new forward", "new error", "repeat"])


def test_a_big_layer_is_stepped_at_once_and_small_ones_one_by_one():
    from helpers import pixel_net
    net, x, t = pixel_net()                              # 16 pixels -> 13 tanh -> 3 softmax
    steps = network_steps(net, x, t)
    assert [s.kind for s in steps] == BIG_KINDS and len(steps) == 25
    assert [s.stage for s in steps] == sorted(s.stage for s in steps)
    by = {s.index: s for s in steps}
    assert by[2].group == [net[f"h{j}"] for j in range(1, 14)] and by[2].number is None and by[2].subject is None
    assert len(by[11].group) == 16 * 13 and all(s.dst.name.startswith("h") for s in by[11].group)
    assert [b.neuron for b in by[12].group] == by[2].group
    assert len(by[13].group) == 13 * 3
    assert len(by[17].group) == 208 and len(by[18].group) == 13 and len(by[19].group) == 39
    # the formula once with its index, then the largest examples worked out with their numbers
    line = str(by[10])
    assert line.startswith("δ_j = f'(net_j) Σ_k δ_k w_jk   (f = tanh)   for every j of h1 … h13 (13)")
    big = max(by[10].group, key=lambda n: abs(n.delta))
    assert f"e.g. δ_{big.name} = f'(net_{big.name}) (δ_a·w_{big.name}_a + δ_b·" in line
    assert line.endswith("; all 13 in the strip")
    assert "for every weight w_jk from j of the 16 inputs into k of h1 … h13 (13)" in str(by[11])
    assert str(by[11]).endswith("; all 208 in the heat map")
    assert by[11].walk_line.startswith("backward walk, 208 of its ") and by[11].walk_index is not None
    # every neuron, weight and bias one at a time, as before, when asked
    one = network_steps(net, x, t, big_layers=False)
    assert len(one) == 1 + 16 + 1 + 3 + 13 + 2 * (16 * 13 + 13 + 13 * 3 + 3) + 3
    assert all(s.group is None for s in one)
    with pytest.raises(TypeError, match="big_layers"):
        network_steps(net, x, t, big_layers="yes")


def test_a_small_hidden_layer_beside_big_inputs_keeps_its_own_steps():
    from helpers import pixel_net
    net, x, t = pixel_net(hidden=12)                     # 12 is not more than BIG_LAYER: only the 16 inputs are big
    kinds = [s.kind for s in network_steps(net, x, t)]
    assert kinds.count("forward") == 12 + 3 and kinds.count("hidden delta") == 12
    assert kinds.count("weight gradients") == 1 and kinds.count("weight gradient") == 12 * 3
    assert kinds.count("updates") == 1 and kinds.count("update") == 12 + 12 * 3 + 3


def test_a_big_layer_steps_numbers_are_those_of_backward():
    from helpers import pixel_net
    net, x, t = pixel_net()
    steps = network_steps(net, x, t, lr=0.5)
    ref = net.copy()                                      # the same network run on its own
    ref.zero_grad()
    tg.cross_entropy(ref.forward(x), t).backward()
    params = {p.name: p for p in ref.parameters()}
    seen = set()
    for s in steps:
        if s.group is None:
            continue
        seen.add(s.kind)
        assert len(s.group_numbers) == len(s.group)
        for m, v in zip(s.group, s.group_numbers):
            want = {"layer forward": lambda: ref[m.name].value,
                    "hidden deltas": lambda: ref[m.name].delta,
                    "weight gradients": lambda: params[m.name].grad,
                    "bias gradients": lambda: params[m.name].grad,
                    "updates": lambda: m.value - 0.5 * params[m.name].grad}[s.kind]()
            assert v == pytest.approx(want, rel=1e-12, abs=1e-15), (s.kind, m.name)
    assert seen == {"layer forward", "hidden deltas", "weight gradients", "bias gradients", "updates"}


def test_a_big_layer_steps_gradients_agree_with_nudging_each_weight():
    from helpers import pixel_net
    net, x, t = pixel_net()
    steps = network_steps(net, x, t, check=True)
    grads = [s for s in steps if s.kind in ("weight gradients", "bias gradients")]
    assert [len(s.group) for s in grads] == [208, 13, 39]
    for s in grads:
        assert f"check by nudging each by ±h = 0.0001: all {len(s.group)} as the walk found" in str(s), s
        for p in s.group:                                 # and the numbers themselves, by central differences
            assert s.group_numbers[s.group.index(p)] == pytest.approx(s._run.checks[p], rel=1e-5, abs=1e-9)


def test_a_big_layer_update_moves_its_weights_at_once():
    from helpers import pixel_net
    net, x, t = pixel_net()
    steps = network_steps(net, x, t, lr=0.5, apply=True)
    update = next(s for s in steps if s.kind == "updates")
    assert [p.value for p in update.group] == update.group_numbers           # applied: the step's new weights
    fixed = pixel_net()[0]
    for s in fixed.synapses[:5]:
        s.trainable = False
    moved = next(s for s in network_steps(fixed, x, t) if s.kind == "updates")
    assert len(moved.group) == 208 - 5 and str(moved).endswith("(5 kept fixed)")
