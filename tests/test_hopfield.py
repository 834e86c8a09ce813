"""The 'famous model': +-1 neurons, s <- sign(W s), Hebbian storage (tinygraph/networks/hopfield.py)."""

import random

import pytest
from hypothesis import given, settings, strategies as st

import tinygraph as tg
from tinygraph.networks.hopfield import Hopfield, hebbian_weights


def random_pattern(n, rng):
    return [rng.choice((-1, 1)) for _ in range(n)]


def flip(state, idx):
    s = list(state)
    for i in idx:
        s[i] = -s[i]
    return s


def test_exported_lazily():
    assert tg.Hopfield is Hopfield
    assert tg.hebbian_weights is hebbian_weights


def test_hebbian_weights_by_hand():
    p = [1, -1, 1]
    q = [1, 1, -1]
    W = hebbian_weights([p, q])
    # W_ij = (p_i p_j + q_i q_j) / 3 off the diagonal, 0 on it
    expected = [[0.0, 0.0, 0.0],
                [0.0, 0.0, -2 / 3],
                [0.0, -2 / 3, 0.0]]
    assert W == expected
    assert Hopfield([p, q]).symmetric


def test_stored_patterns_are_fixed_points():
    rng = random.Random(1)
    n = 40
    pats = [random_pattern(n, rng) for _ in range(3)]   # 3 patterns << 0.14 n
    net = Hopfield(pats)
    for p in pats:
        assert net.is_fixed_point(p)
        assert net.step_sync(p) == p
        assert net.step_async(p) == p
        assert net.run(p) == [p]            # nothing changes: a trajectory of one state
        # the negated pattern is a fixed point too (W is quadratic in p)
        assert net.is_fixed_point([-x for x in p])


def test_a_corrupted_pattern_is_recalled_asynchronously():
    rng = random.Random(7)
    n = 50
    pats = [random_pattern(n, rng) for _ in range(3)]
    net = Hopfield(pats)
    for k, p in enumerate(pats):
        noisy = flip(p, rng.sample(range(n), 6))
        assert noisy != p
        assert not net.is_fixed_point(noisy)
        traj = net.run(noisy, mode="async", rng=k)
        assert traj[0] == noisy
        assert traj[-1] == p
        assert net.recall(noisy, rng=k) == p


def test_async_update_order_is_respected():
    # Two neurons with negative coupling, both +1: whichever moves first flips.
    net = Hopfield(weights=[[0, -1], [-1, 0]])
    assert net.step_async([1, 1], order=[0, 1]) == [-1, 1]
    assert net.step_async([1, 1], order=[1, 0]) == [1, -1]
    assert net.update([1, 1], 1) == [1, -1]


def test_sync_two_cycle_with_negative_coupling():
    # W = [[0, -1], [-1, 0]] from (+1, +1): both net inputs are -1, so both flip to -1;
    # then both net inputs are +1, so both flip back.  Synchronous: a 2-cycle.
    net = Hopfield(weights=[[0, -1], [-1, 0]])
    assert net.step_sync([1, 1]) == [-1, -1]
    assert net.step_sync([-1, -1]) == [1, 1]
    traj = net.run([1, 1], mode="sync")
    assert traj == [[1, 1], [-1, -1], [1, 1]]
    # Asynchronous from the same state settles into a fixed point (the energy fell from 1 to -1).
    end = net.run([1, 1], mode="async")[-1]
    assert end == [-1, 1] and net.is_fixed_point(end)
    assert net.energy([1, 1]) == 1.0 and net.energy(end) == -1.0


def test_sync_two_cycle_for_a_state_orthogonal_to_the_stored_patterns():
    # Theory: if s . p = 0 for every stored p, then W s = (1/n)(sum_p p (p.s) - P s) = -(P/n) s,
    # so sign(W s) = -s and sign(W (-s)) = s: the synchronous dynamics alternate s, -s, s.
    p = [1, 1, 1, 1, 1, 1]
    s = [1, -1, 1, -1, 1, -1]
    assert sum(a * b for a, b in zip(p, s)) == 0
    net = Hopfield([p])
    W_s = net.field(s)
    assert W_s == pytest.approx([-x / 6 for x in s])
    neg = [-x for x in s]
    assert net.run(s, mode="sync") == [s, neg, s]
    # asynchronously, the same start ends in a fixed point (no cycle)
    end = net.run(s, mode="async")[-1]
    assert net.is_fixed_point(end)
    assert end in (p, [-x for x in p])


def test_tie_gives_plus_one_like_tg_sign():
    # neuron 0 has net input exactly 0 -> +1 (the documented convention, same as tg.sign(0.0))
    net = Hopfield(weights=[[0, 1, -1], [1, 0, 0], [-1, 0, 0]])
    assert net.field([-1, 1, 1])[0] == 0.0
    assert net.update([-1, 1, 1], 0)[0] == 1
    assert tg.sign(0.0).value == 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 12), st.integers(1, 4))
def test_async_energy_never_increases(seed, n, npat):
    rng = random.Random(seed)
    net = Hopfield([random_pattern(n, rng) for _ in range(npat)])
    s = random_pattern(n, rng)
    e = net.energy(s)
    for _ in range(5 * n):                    # single-neuron updates in random order
        s = net.update(s, rng.randrange(n))
        e2 = net.energy(s)
        assert e2 <= e + 1e-12
        e = e2
    traj = net.run(random_pattern(n, rng), mode="async", rng=rng)
    energies = [net.energy(t) for t in traj]
    assert all(b <= a + 1e-12 for a, b in zip(energies, energies[1:]))
    assert net.is_fixed_point(traj[-1])       # asynchronous runs settle


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 10))
def test_sync_ends_in_a_fixed_point_or_a_two_cycle(seed, n):
    # For symmetric W the synchronous dynamics have only fixed points and 2-cycles (Goles' theorem).
    rng = random.Random(seed)
    W = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            W[i][j] = W[j][i] = rng.choice((-2.0, -1.0, -0.5, 0.5, 1.0, 2.0))
    net = Hopfield(weights=W)
    traj = net.run(random_pattern(n, rng), mode="sync", max_steps=10 * 2 ** n)
    last = traj[-1]
    assert net.is_fixed_point(last) or (len(traj) >= 3 and traj[-3] == last)


def test_clear_errors():
    with pytest.raises(ValueError, match="only -1 and \\+1"):
        Hopfield([[1, 0, 1]])
    with pytest.raises(ValueError, match="same length"):
        hebbian_weights([[1, -1], [1, -1, 1]])
    with pytest.raises(TypeError, match="list of -1/\\+1"):
        Hopfield(["+-+-"])
    with pytest.raises(TypeError, match="either the patterns"):
        Hopfield()
    with pytest.raises(ValueError, match="Hopfield\\(weights=W\\)"):
        Hopfield([[0, -1], [-1, 0]])            # couplings passed as if they were patterns
    with pytest.raises(ValueError, match="non-empty list"):
        Hopfield([])
    with pytest.raises(ValueError, match="square"):
        Hopfield(weights=[[0, 1], [1]])
    with pytest.raises(ValueError, match="finite"):
        Hopfield(weights=[[0, float("nan")], [1, 0]])
    net = Hopfield([[1, -1, 1]])
    with pytest.raises(ValueError, match="3 neurons"):
        net.step_sync([1, -1])
    with pytest.raises(ValueError, match="mode"):
        net.run([1, 1, 1], mode="parallel")
    with pytest.raises(IndexError, match="0..2"):
        net.step_async([1, 1, 1], order=[0, 3])
