"""The benchmark runs (tiny sizes, no timing asserts), and the engine facts its speed rests on."""

import gc

import pytest

import tinygraph as tg
from tinygraph import bench
from tinygraph.engine.node import Node, net_input, walk


def test_bench_smoke_run(capsys):
    assert bench.main(["--repeat", "1", "--chain", "300", "--wide", "200", "--points", "12", "--digits", "40",
                       "--no-pages"]) == 0
    out = capsys.readouterr().out
    for line in ("moons step", "tinygraph nodes", "plain floats (floor)", "tinygraph nodes / plain floats",
                 "digits epoch: MLP 64-16-10", "40 images (2 steps)", "tinygraph batch mode / numpy by hand",
                 "tinygraph * and + nodes / plain floats", "tinygraph * and + nodes / tinygraph nodes",
                 "chain: x <- x*1.0001 + 0.0001, 300 steps", "wide sum: sum of 200 products",
                 "bytes per node"):
        assert line in out
    assert "loss agrees" in out and "LOSS DISAGREES" not in out


@pytest.mark.slow
def test_page_writing_is_timed_for_a_small_and_a_big_network():
    lines = []
    times = bench.bench_pages(1, out=lines.append, big=False)
    assert set(times) == {"2-2-2 sigmoid", "2-16-16-1 ReLU"} and all(t > 0 for t in times.values())
    assert " 37 frames" in lines[1] and " MB" in lines[2]


@pytest.mark.slow
def test_page_writing_is_timed_for_the_big_networks_too():
    lines = []
    times = bench.bench_pages(1, out=lines.append)
    assert set(times) >= {"30-8-1 tumours", "30-8-1, each w", "64-16-10 digits"}
    assert " 537 frames" in lines[4] and " 53 frames" in lines[5]


def test_one_digits_epoch_is_the_same_math_four_ways():
    """The node engine, plain floats, batch mode and numpy by hand take the same epoch: the same losses."""
    np = pytest.importorskip("numpy")
    net, X, T, batches = bench._digits(70)
    assert [len(b) for b in batches] == [32, 32, 6] and len(X[0]) == 64 and len(net.synapses) == 64 * 16 + 16 * 10
    runs = [cls(net.copy(), X, T, batches) for cls in (bench.DigitsNodeEpoch, bench.DigitsPlainEpoch,
                                                       bench.DigitsBatchEpoch, bench.DigitsNumpyEpoch)]
    first = [r.epoch() for r in runs]
    second = [r.epoch() for r in runs]                    # from the weights each one's first epoch left
    assert first[0] == pytest.approx(np.log(10), rel=0.1)   # untrained: about ln 10 per image
    assert second[0] < first[0]
    for a, b in zip(first + second, [first[0]] * 4 + [second[0]] * 4):
        assert a == pytest.approx(b, rel=1e-12)


def test_the_micrograd_style_workload_is_one_mul_and_one_add_per_synapse():
    X, Y = bench.make_moons(4, seed=0)
    net = bench._build_net(0)
    ops = bench.NodeOpsStep(net, X, Y)
    nodes = bench.NodeEngineStep(bench._build_net(0), X, Y)
    assert ops.step() == pytest.approx(nodes.step(), rel=1e-12)     # the same loss from the same weights
    assert ops.step() == pytest.approx(nodes.step(), rel=1e-12)     # and after the same SGD step
    # count the ops of one neuron of the second layer (16 synapses): 16 '*' and 16 '+', then relu
    (W1, b1), (W2, b2), _ = ops.layers
    h = [Node(0.5) for _ in W2[0]]
    act = b2[0]
    for w, x in zip(W2[0], h):
        act = act + w * x
    kinds = [n.op for n in walk(act.relu()) if not n.is_leaf]
    assert kinds.count("*") == kinds.count("+") == 16 and "weighted_sum" not in kinds


def _live_nodes():
    return sum(1 for o in gc.get_objects() if isinstance(o, Node))


def test_the_engine_makes_no_reference_cycles():
    """Every op's node is freed by reference counting: the cyclic collector never has work to do."""
    net = tg.MLP([2, 3, 2], activation="tanh", seed=0)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        before = _live_nodes()
        x = Node(0.7, name="x")
        y = x * 2.0 + 1.0 - x / 3.0
        y = (y ** 2.0 + (-x).exp() + (x + 2.0).log() + x.sigmoid() + x.relu() + x.tanh() + x.sign()) * y
        y = y + (x ** x) + 1.0 / (x + 5.0) + 3.0 - x
        outs = net.forward([y, 0.2])
        loss = tg.squared_error(outs, {"o1": 0.1, "o2": -0.3})
        loss.backward()
        assert x.grad != 0.0
        steps = walk(loss)
        next(steps)                  # a walk left early holds nothing either
        del x, y, outs, loss, steps
        net.zero_grad()
        net._latest = None           # the neurons show the latest pass's nodes; let them go
        assert _live_nodes() == before
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_weighted_sum_is_one_node_with_the_operators_numbers():
    ws = [Node(0.5), Node(-1.25), Node(2.0)]
    xs = [Node(3.0), Node(0.75), Node(-0.5)]
    bias = Node(0.1)
    fast = net_input(ws, xs, bias)
    slow = ws[0] * xs[0] + ws[1] * xs[1] + ws[2] * xs[2] + bias
    assert fast.op == "weighted_sum"
    assert fast.parents == (ws[0], xs[0], ws[1], xs[1], ws[2], xs[2], bias)
    assert fast.local_grads == (3.0, 0.5, 0.75, -1.25, -0.5, 2.0, 1.0)   # d/dw = x, d/dx = w, d/dbias = 1
    assert fast.value == slow.value                                   # same sum, same order
    (fast * fast).backward()
    fast_grads = [n.grad for n in ws + xs + [bias]]
    for n in ws + xs + [bias]:
        n.grad = 0.0
    (slow * slow).backward()
    assert fast_grads == [n.grad for n in ws + xs + [bias]]
    big = [Node(1e300), Node(1e300)]
    with pytest.raises(tg.NodeOverflowError, match="weighted_sum"):
        net_input(big, big)
    with pytest.raises(ValueError, match="as many weights as inputs"):
        tg.weighted_sum(ws, xs[:2])
    assert tg.weighted_sum([2, 3], [Node(1.0), 4], 1).value == 15.0


def test_a_walk_interrupted_by_another_backward_says_so():
    a = Node(2.0)
    b = a * a + a
    c = b * b
    steps = walk(c)
    next(steps)
    c.backward()                      # another walk over the same nodes while the first is paused
    with pytest.raises(tg.GraphError, match="interrupted.*start it again"):
        list(steps)
    c.zero_grad()
    c.backward()                      # a fresh walk is fine
    assert a.grad == pytest.approx(2 * b.value * (2 * a.value + 1))


def test_bytes_per_node_are_few():
    """bytes per node stay far below micrograd's ~584 (measured the bench's way, on a short chain)."""
    per = bench.bench_memory(5000, out=lambda *_: None)
    assert per < 200
