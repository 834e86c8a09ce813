"""The 'famous model' of +-1 threshold neurons coupled by a matrix (a Hopfield network).

The state of the network is a vector s of n neuron states, each -1 or +1.
One time step multiplies the state by the matrix of synaptic couplings W and
passes each neuron's net input through the step f (the ``"sign"`` activation,
``tinygraph.sign``)::

    s <- f(W s),   f(x) = -1 if x < 0 else +1

Tie convention (kept everywhere in this module): a net input of exactly 0
gives +1, the same as ``tg.sign(0.0)``.  With symmetric W and a zero diagonal
an asynchronous flip at a tie changes the energy by exactly 0, so the
energy still never rises.

* **Synchronous** steps update every neuron at once from the old state; they
  can fall into 2-cycles (s -> s' -> s).
* **Asynchronous** steps update one neuron at a time, each seeing the others'
  newest states; with symmetric W and zero diagonal the energy
  E = -1/2 s^T W s never rises, so they settle into a fixed point.

Patterns are stored by the Hebbian rule W = (1/n) sum_p p p^T with the
diagonal set to 0 (:func:`hebbian_weights`).  Plain lists of floats are used
throughout, so numpy is not needed.
"""

from __future__ import annotations

import math
import numbers
import random
from typing import List, Optional, Sequence, Union

from ..engine.activations import SIGN
from ..errors import BadIndexError, BadValueError, WrongTypeError

__all__ = ["Hopfield", "hebbian_weights"]

State = List[int]
Matrix = List[List[float]]

_STEP = SIGN.f       # the +-1 step f(x), as tg.sign defines it: -1 below 0, +1 otherwise (sign(0) = +1)


def _check_state(state: object, n: Optional[int], what: str = "a state") -> State:
    """``state`` as a list of ints -1/+1, or a clear error saying what is wrong."""
    if isinstance(state, (str, bytes)) or not isinstance(state, Sequence):
        raise WrongTypeError(f"{what} must be a list of -1/+1 values, got {type(state).__name__} {state!r}")
    out = []
    for i, v in enumerate(state):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or v not in (-1, 1):
            raise BadValueError(f"{what} must hold only -1 and +1 (the neuron states), "
                                f"but entry {i} is {v!r}")
        out.append(int(v))
    if n is not None and len(out) != n:
        raise BadValueError(f"{what} has {len(out)} entries but the network has {n} neurons")
    if not out:
        raise BadValueError(f"{what} is empty: a network needs at least one neuron")
    return out


def hebbian_weights(patterns: Sequence[Sequence[int]]) -> Matrix:
    """The Hebbian couplings W = (1/n) sum_p p p^T with a zero diagonal, for +-1 patterns of length n.

    Each stored pattern strengthens the coupling of neurons that agree in it
    and weakens that of neurons that disagree ("fire together, wire together").
    """
    if isinstance(patterns, (str, bytes)) or not isinstance(patterns, Sequence) or not patterns:
        raise BadValueError("hebbian_weights needs a non-empty list of patterns, each a list of -1/+1 values")
    pats = [_check_state(p, None, f"pattern {k}") for k, p in enumerate(patterns)]
    n = len(pats[0])
    for k, p in enumerate(pats):
        if len(p) != n:
            raise BadValueError(f"all patterns must have the same length: pattern 0 has {n} entries, "
                                f"pattern {k} has {len(p)}")
    W = [[0.0] * n for _ in range(n)]
    for p in pats:
        for i in range(n):
            pi = p[i]
            row = W[i]
            for j in range(n):
                if i != j:
                    row[j] += pi * p[j]
    return [[w / n for w in row] for row in W]


def _check_weights(W: object) -> Matrix:
    if isinstance(W, (str, bytes)) or not isinstance(W, Sequence) or not W:
        raise BadValueError("the couplings W must be a non-empty square list of lists of numbers")
    n = len(W)
    out = []
    for i, row in enumerate(W):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) != n:
            raise BadValueError(f"the couplings W must be square ({n} x {n}); row {i} is {row!r}")
        r = []
        for j, w in enumerate(row):
            if isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w):
                raise BadValueError(f"the coupling W[{i}][{j}] must be a finite number, got {w!r}")
            r.append(float(w))
        out.append(r)
    return out


class Hopfield:
    """A network of n +-1 neurons with couplings W, updated by s <- sign(W s).

    ``Hopfield(patterns)`` stores the patterns by the Hebbian rule;
    ``Hopfield(weights=W)`` uses the given couplings (a square list of lists).

    >>> net = Hopfield([[1, -1, 1, -1]])
    >>> net.run([1, 1, 1, -1])[-1]
    [1, -1, 1, -1]
    """

    def __init__(self, patterns: Optional[Sequence[Sequence[int]]] = None, *,
                 weights: Optional[Sequence[Sequence[float]]] = None) -> None:
        if (patterns is None) == (weights is None):
            raise WrongTypeError("give either the patterns to store, Hopfield(patterns), "
                                 "or the couplings, Hopfield(weights=W); not both, not neither")
        if patterns is not None:
            if isinstance(patterns, (str, bytes)) or not isinstance(patterns, Sequence) or not patterns:
                raise BadValueError("Hopfield(patterns) needs a non-empty list of patterns, "
                                    "each a list of -1/+1 values")
            try:
                self.patterns: List[State] = [_check_state(p, None, f"pattern {k}")
                                              for k, p in enumerate(patterns)]
            except ValueError as e:
                if len(patterns) == len(patterns[0]) and any(0 == x for x in patterns[0]):
                    raise BadValueError(f"{e}. If this is a matrix of couplings, pass it as "
                                        "Hopfield(weights=W)") from None
                raise
            self.weights: Matrix = hebbian_weights(self.patterns)
        else:
            self.patterns = []
            self.weights = _check_weights(weights)
        self.n = len(self.weights)

    @property
    def symmetric(self) -> bool:
        """True when W = W^T with a zero diagonal: then asynchronous updates never raise the energy."""
        W = self.weights
        return all(W[i][i] == 0.0 for i in range(self.n)) and all(
            W[i][j] == W[j][i] for i in range(self.n) for j in range(i))

    # -- the model's picture: net input W s, then the step ------------------

    def field(self, state: Sequence[int]) -> List[float]:
        """The net input of every neuron: W s."""
        return self._field(_check_state(state, self.n))

    def _field(self, s: State) -> List[float]:
        """W s for a state already checked."""
        return [sum(w * x for w, x in zip(row, s)) for row in self.weights]

    def _new_state(self, s: State, i: int) -> int:
        """Neuron i's next state, sign(sum_j W_ij s_j), seeing the states in ``s`` as they are now."""
        return int(_STEP(sum(w * x for w, x in zip(self.weights[i], s))))

    def energy(self, state: Sequence[int]) -> float:
        """E = -1/2 s^T W s: lower means the state agrees more with the couplings."""
        s = _check_state(state, self.n)
        return -0.5 * sum(x * h for x, h in zip(s, self._field(s)))

    def update(self, state: Sequence[int], i: int) -> State:
        """A new state with only neuron ``i`` updated: s_i <- sign(sum_j W_ij s_j) (sign(0) = +1)."""
        s = _check_state(state, self.n)
        self._check_index(i)
        s[i] = self._new_state(s, i)
        return s

    def step_sync(self, state: Sequence[int]) -> State:
        """One synchronous time step: every neuron at once, s <- sign(W s)."""
        return [int(_STEP(h)) for h in self.field(state)]

    def step_async(self, state: Sequence[int], order: Optional[Sequence[int]] = None,
                   rng: Union[random.Random, int, None] = None) -> State:
        """One asynchronous sweep: neurons updated one at a time, each seeing the newest states.

        ``order`` lists the neurons to update, in turn (default 0, 1, ..., n-1);
        with ``rng`` (a random.Random or a seed) and no order, a random permutation.
        """
        s = _check_state(state, self.n)
        for i in self._order(order, rng):
            s[i] = self._new_state(s, i)
        return s

    def run(self, state: Sequence[int], mode: str = "async", max_steps: int = 100,
            order: Optional[Sequence[int]] = None,
            rng: Union[random.Random, int, None] = None) -> List[State]:
        """Run until nothing changes; return the trajectory [s0, s1, ..., s_last].

        A step is one sweep (``mode="async"``) or one synchronous update
        (``mode="sync"``).  Stops when the next step would not change the state
        (a fixed point: the last state is not repeated), when a synchronous run
        returns to the state of two steps before (a 2-cycle: the trajectory ends
        ``..., a, b, a``), or after ``max_steps`` steps.
        """
        if mode not in ("async", "sync"):
            raise BadValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 0:
            raise BadValueError(f"max_steps must be a whole number >= 0, got {max_steps!r}")
        if isinstance(rng, int) and not isinstance(rng, bool):
            rng = random.Random(rng)
        traj = [_check_state(state, self.n)]
        for _ in range(max_steps):
            s = traj[-1]
            nxt = self.step_sync(s) if mode == "sync" else self.step_async(s, order, rng)
            if nxt == s:
                break
            traj.append(nxt)
            if len(traj) >= 3 and traj[-1] == traj[-3]:
                break
        return traj

    def recall(self, state: Sequence[int], max_steps: int = 100,
               rng: Union[random.Random, int, None] = None) -> State:
        """The fixed point an asynchronous run from ``state`` settles into."""
        return self.run(state, mode="async", max_steps=max_steps, rng=rng)[-1]

    def is_fixed_point(self, state: Sequence[int]) -> bool:
        """True when sign(W s) = s: no neuron would change."""
        s = _check_state(state, self.n)
        return all(self._new_state(s, i) == x for i, x in enumerate(s))

    # -- helpers -------------------------------------------------------------

    def _check_index(self, i: object) -> None:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.n:
            raise BadIndexError(f"neuron index must be an int in 0..{self.n - 1}, got {i!r}")

    def _order(self, order: Optional[Sequence[int]], rng: Union[random.Random, int, None]) -> Sequence[int]:
        if order is not None:
            for i in order:
                self._check_index(i)
            return order
        if rng is None:
            return range(self.n)
        if isinstance(rng, int) and not isinstance(rng, bool):
            rng = random.Random(rng)
        if not isinstance(rng, random.Random):
            raise WrongTypeError(f"rng must be a random.Random or an int seed, got {type(rng).__name__}")
        idx = list(range(self.n))
        rng.shuffle(idx)
        return idx

    def __repr__(self) -> str:
        stored = f", {len(self.patterns)} stored patterns" if self.patterns else ""
        return f"Hopfield({self.n} neurons{stored})"
