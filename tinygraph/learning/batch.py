"""Batch mode: a built Network compiled to numpy arrays, to train at speed.

The node engine builds one Node per operation so that every value and
gradient can be looked at; that is the point of tinygraph, and it costs about
65,000 nodes per step for a small MLP on 100 points.  Once the learner has
looked, ``compile_network(net)`` turns the *same* Network into numpy arrays
that run the forward pass over a whole batch at once and compute the gradient
of an error with respect to every weight and bias -- the same numbers the node
engine gives (to about 1e-12), written back into the same Synapse and Bias
nodes, so nothing has to be rewritten::

    bn = tg.compile_network(net)
    history = bn.train(X, Y, loss="squared_error", lr=0.5, epochs=1000, until=1e-3)
    # net's weights are now the trained ones; tg.draw_network(net) shows them

How it works: neurons are grouped by depth (``net.layers()``).  The net input
of the neurons at depth L is ``sum over earlier depths S of H_S @ W[S, L] + b_L``
where ``W[S, L]`` holds the weights of the synapses from depth S to depth L
(zeros, kept at zero, where there is no synapse).  A layered network such as
an MLP has one matrix product per layer; a network with skip connections adds
one product per (S, L) pair that has synapses.  Backpropagation is the same
chain rule as the node engine, one matrix at a time::

    dZ_L = dH_L * f'(Z_L)      dW[S, L] = H_S^T dZ_L      db_L = sum over the batch of dZ_L
    dH_S += dZ_L W[S, L]^T

numpy is an optional extra: ``pip install "tinygraph[fast]"``.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

from . import losses as _losses
from ..engine.activations import LINEAR, SOFTMAX
from ..engine.checks import check_rate, check_value
from ..errors import BadValueError, DomainError, GraphError, MissingExtraError, NodeOverflowError, WrongTypeError
from ..networks.network import Network, Synapse
from .training import DivergenceError, History

__all__ = ["compile_network", "BatchNetwork", "LOSSES"]

#: the errors batch mode knows: the same registry, names and aliases as the node engine's (tinygraph.learning.losses)
LOSSES = tuple(_losses.LOSSES)


def _numpy():
    try:
        import numpy
    except ImportError:
        raise MissingExtraError('batch mode needs numpy, an optional extra: pip install "tinygraph[fast]" '
                                '(or pip install numpy)') from None
    return numpy


# -- activations over arrays ---------------------------------------------------------

class _Act:
    """One activation applied to some columns of a depth's net inputs: f(Z) and f'(Z) from Z and H.

    The formulas are the activation's own array form (tinygraph.engine.activations); an activation
    without one (a user's) is applied one number at a time, checked as the engine checks it.
    """

    def __init__(self, act, cols, names: List[str]) -> None:
        self.cols = cols                       # None: every column of the depth
        self.act = act
        self.linear = act is LINEAR
        self.softmax = act is SOFTMAX           # f is over the whole row of its columns; df is not per number
        self.names = names

    def f(self, np, z):
        if self.act.array is None:
            return self._custom(np, z, self.act.f, "value")
        return self.act.array(np, z)

    def df(self, np, z, h):
        """f'(z), given h = f(z)."""
        if self.act.array_slope is None:
            return self._custom(np, z, self.act.df, "slope")
        return self.act.array_slope(np, z, h)

    def _custom(self, np, z, fn, what):
        """A registered activation's f or df, one number at a time, checked like the engine does."""
        act = self.act
        out = np.empty_like(z)
        flat_in, flat_out = z.reshape(-1), out.reshape(-1)
        for i, v in enumerate(flat_in.tolist()):
            try:
                y = float(fn(v))
            except (OverflowError, ValueError, ZeroDivisionError, TypeError) as e:
                raise DomainError(f"activation {act.name!r} failed at net input {v!r} "
                                  f"(neuron {self._neuron(i, z)!r}): {e}") from None
            if not -np.inf < y < np.inf:
                raise NodeOverflowError(f"activation {act.name!r} gave a non-finite {what} {y!r} at net input "
                                        f"{v!r} (neuron {self._neuron(i, z)!r})")
            flat_out[i] = y
        return out

    def _neuron(self, i: int, z) -> str:
        return self.names[i % z.shape[1]]


# -- the compiled network ------------------------------------------------------------

class _Depth:
    """The neurons at one depth: their biases, activations and incoming weight blocks."""

    def __init__(self) -> None:
        self.neurons: list = []                              # in build order: the columns
        self.sources: List[Tuple[int, Any, Any, Any]] = []   # (source depth, W, mask, trainable mask)
        self.b = None
        self.bias_mask = None        # 1 where the neuron has a bias (None: all have one)
        self.bias_trainable = None   # 1 where the bias is trainable (None: all are)
        self.acts: List[_Act] = []


def _table(data: Any, what: str, kind: str, neurons: List[Any], net_name: str,
           rows: Optional[int] = None) -> Any:
    """``data`` as a float array with one row per sample and one column per input (or output).

    Every problem is a clear error: not numbers, the wrong shape (naming the columns
    the network expects, in order), or a nan/infinity.
    """
    np = _numpy()
    k = len(neurons)
    names = ", ".join(n.name for n in neurons)
    try:
        A = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as e:
        raise WrongTypeError(f"{what} must be numbers, one row per sample and one column per {kind} ({names}): "
                             f"{e}") from None
    if A.ndim == 1 and k == 1:
        A = A.reshape(-1, 1)
    if A.ndim != 2 or A.shape[1] != k or (rows is not None and A.shape[0] != rows):
        shape = f"({rows}, {k})" if rows is not None else f"(samples, {k})"
        per_row = "one row per sample of X" if rows is not None else "one row per sample"
        raise BadValueError(f"{what} must have shape {shape}: {per_row} and one column per {kind} of "
                            f"{net_name!r} ({names}), in that order; got shape {A.shape}")
    if not np.isfinite(A).all():
        raise BadValueError(f"{what} holds a nan or an infinity; every {'input' if kind == 'input' else 'target'} "
                            "must be a finite number")
    return A


class BatchNetwork:
    """A Network compiled to numpy: forward and gradients over a whole batch, and training.

    Holds its own copy of the weights in arrays (``pull()`` reads them from the
    Network, ``push()`` writes them back).  ``forward``, ``loss_and_grads`` and
    ``train`` work with the Network's current weights and leave the trained ones
    in it; ``step`` is the bare fast step on the arrays (the next call that talks
    to the Network writes its result back first).

    Rows of ``X`` are samples, its columns the inputs in ``net.inputs`` order;
    rows of ``Y`` are samples, its columns the outputs in ``net.outputs`` order
    (a 1-D ``Y`` is fine for one output).
    """

    def __init__(self, net: Network) -> None:
        if not isinstance(net, Network):
            raise WrongTypeError(f"compile_network() needs a tinygraph Network (tg.Network or tg.MLP), "
                                 f"got {type(net).__name__}")
        np = _numpy()
        self.net = net
        self.inputs = net.inputs
        self.outputs = net.outputs
        if not self.outputs:
            raise GraphError(f"network {net.name!r} has no output neuron yet: add one with net.neuron(...) "
                             "and connect into it")
        for n in net.order():
            if not n.is_input and not n.incoming:
                raise GraphError(f"neuron {n.name!r} has no incoming synapse, so it computes nothing; "
                                 f"connect something into it with net.connect(src, {n.name!r}, weight=...)")
        #: every Synapse and Bias, trainable or not, in build order: the order of the gradient vector
        self.params = net.parameters(include_fixed=True)

        layers = net.layers()
        where: Dict[Any, Tuple[int, int]] = {}            # neuron -> (depth, column)
        for d, layer in enumerate(layers):
            for c, n in enumerate(layer):
                where[n] = (d, c)
        self.depths: List[_Depth] = []
        for d, layer in enumerate(layers):
            dep = _Depth()
            dep.neurons = layer
            self.depths.append(dep)
            if d == 0:
                continue
            size = len(layer)
            srcs = sorted({where[s.src][0] for n in layer for s in n.incoming})
            for sd in srcs:
                shape = (len(layers[sd]), size)
                W = np.zeros(shape)
                mask = np.zeros(shape)
                trainable = np.ones(shape)
                for c, n in enumerate(layer):
                    for s in n.incoming:
                        if where[s.src][0] == sd:
                            r = where[s.src][1]
                            mask[r, c] = 1.0
                            trainable[r, c] = 1.0 if s.trainable else 0.0
                dep.sources.append((sd, W, None if mask.all() else mask,
                                    None if trainable.all() else trainable))
            dep.b = np.zeros(size)
            has = np.array([1.0 if n.bias is not None else 0.0 for n in layer])
            train = np.array([1.0 if (n.bias is not None and n.bias.trainable) else 0.0 for n in layer])
            dep.bias_mask = None if has.all() else has
            dep.bias_trainable = None if train.all() else train
            groups: Dict[Any, List[int]] = {}
            for c, n in enumerate(layer):
                groups.setdefault(n.activation, []).append(c)
            names = [n.name for n in layer]
            if len(groups) == 1:
                (act, _), = groups.items()
                dep.acts = [_Act(act, None, names)]
            else:
                dep.acts = [_Act(act, np.array(cols), [names[c] for c in cols])
                            for act, cols in groups.items()]
        soft = net.softmax_layer()
        if len({where[n][0] for n in soft}) > 1:
            raise GraphError(f"the softmax outputs of {net.name!r} ({', '.join(n.name for n in soft)}) are at "
                             "different depths: batch mode computes a layer at a time, so connect them so that "
                             "they form one layer (the same longest path from the inputs)")
        #: True when the outputs are one softmax layer: cross_entropy then works on its net inputs (logits)
        self._softmax_outputs = bool(soft)
        self._out_where = [where[n] for n in self.outputs]
        last = len(layers) - 1
        #: True when the outputs are exactly the last depth, in order (no gathering needed)
        self._outputs_last = self._out_where == [(last, c) for c in range(len(layers[last]))]
        self.layered = all(len(dep.sources) == 1 and dep.sources[0][0] == d - 1
                           for d, dep in enumerate(self.depths) if d)

        # where each parameter lives in the arrays: ("w", depth, source index, row, col) or ("b", depth, col)
        self._slots: List[Tuple] = []
        for p in self.params:
            if isinstance(p, Synapse):
                sd, r = where[p.src]
                dd, c = where[p.dst]
                k = [s[0] for s in self.depths[dd].sources].index(sd)
                self._slots.append(("w", dd, k, r, c))
            else:                                                 # a Bias
                dd, c = where[p.neuron]
                self._slots.append(("b", dd, c))
        self._pending = False
        self._structure = self._shape_of(net)
        self.pull()

    @staticmethod
    def _shape_of(net: Network) -> Tuple:
        """What the compiled arrays depend on: neurons, activations, biases, synapses, which are trainable."""
        return (tuple((n.name, n.activation, n.bias, n.bias is not None and n.bias.trainable)
                      for n in net.neurons.values()),
                tuple((s, s.trainable) for s in net.synapses))

    # -- weights between the arrays and the Network --------------------------------------

    def pull(self) -> None:
        """Read every weight and bias from the Network into the arrays (discarding unpushed steps)."""
        for p, slot in zip(self.params, self._slots):
            if slot[0] == "w":
                self.depths[slot[1]].sources[slot[2]][1][slot[3], slot[4]] = p.value
            else:
                self.depths[slot[1]].b[slot[2]] = p.value
        self._pending = False

    def push(self) -> None:
        """Write the arrays' weights and biases into the Network's Synapse and Bias nodes."""
        for p, v in zip(self.params, self._values()):
            p.value = v
        self._pending = False

    def _values(self) -> List[float]:
        out = []
        for slot in self._slots:
            if slot[0] == "w":
                out.append(float(self.depths[slot[1]].sources[slot[2]][1][slot[3], slot[4]]))
            else:
                out.append(float(self.depths[slot[1]].b[slot[2]]))
        return out

    def _sync(self) -> None:
        """Before talking to the Network: write unpushed steps into it, else read its weights."""
        if self._shape_of(self.net) != self._structure:
            raise GraphError(f"network {self.net.name!r} changed (a neuron, synapse, bias or activation) since "
                             "compile_network(); compile it again: bn = tg.compile_network(net)")
        if self._pending:
            self.push()
        else:
            self.pull()

    # -- data --------------------------------------------------------------------------

    def _x(self, X) -> Any:
        return _table(X, "X", "input", self.inputs, self.net.name)

    def _y(self, Y, n: int) -> Any:
        return _table(Y, "Y", "output", self.outputs, self.net.name, rows=n)

    # -- forward and backward over the batch ------------------------------------------------

    def _forward(self, X) -> Tuple[List[Any], List[Any], Any]:
        """Net inputs Z and outputs H of every depth, and the outputs O (samples x outputs)."""
        np = _numpy()
        Hs = [X]
        Zs = [None]
        with np.errstate(over="ignore", invalid="ignore"):
            for dep in self.depths[1:]:
                Z = None
                for sd, W, _, _ in dep.sources:
                    P = Hs[sd] @ W
                    Z = P if Z is None else Z + P
                Z += dep.b
                if len(dep.acts) == 1:
                    H = dep.acts[0].f(np, Z)
                else:
                    H = np.empty_like(Z)
                    for a in dep.acts:
                        H[:, a.cols] = a.f(np, Z[:, a.cols])
                Zs.append(Z)
                Hs.append(H)
        if self._outputs_last:
            O = Hs[-1]
        else:
            O = np.column_stack([Hs[d][:, c] for d, c in self._out_where])
        if not np.isfinite(O).all():
            raise NodeOverflowError(f"the forward pass of {self.net.name!r} over the batch overflowed (a value "
                                    "too large for a float); the inputs or the weights are too large")
        return Zs, Hs, O

    def _backward(self, Zs, Hs, dO, logits: bool = False) -> List[Tuple[List[Any], Any]]:
        """Gradients of every weight block and bias vector, given dE/d(outputs) over the batch.

        ``logits``: dO is already dE/d(net inputs) of the softmax output layer (cross_entropy's O - T).
        """
        np = _numpy()
        dH: List[Any] = [None] * len(self.depths)
        if self._outputs_last:
            dH[-1] = dO
        else:
            for j, (d, c) in enumerate(self._out_where):
                if dH[d] is None:
                    dH[d] = np.zeros_like(Hs[d])
                dH[d][:, c] += dO[:, j]
        grads: List[Tuple[List[Any], Any]] = [([], None)] * len(self.depths)
        for d in range(len(self.depths) - 1, 0, -1):
            dep = self.depths[d]
            G = dH[d]
            if G is None:                 # nothing below the error depends on this depth
                G = np.zeros_like(Hs[d])
            Z, H = Zs[d], Hs[d]
            if len(dep.acts) == 1:
                a = dep.acts[0]
                dZ = G if a.linear or (a.softmax and logits) else \
                    _softmax_back(np, G, H) if a.softmax else G * a.df(np, Z, H)
            else:
                dZ = np.empty_like(G)
                for a in dep.acts:
                    c = a.cols
                    dZ[:, c] = G[:, c] if a.softmax and logits else _softmax_back(np, G[:, c], H[:, c]) \
                        if a.softmax else G[:, c] * a.df(np, Z[:, c], H[:, c])
            db = dZ.sum(axis=0)
            if dep.bias_mask is not None:
                db *= dep.bias_mask
            dWs = []
            for sd, W, mask, _ in dep.sources:
                dW = Hs[sd].T @ dZ
                if mask is not None:
                    dW *= mask
                dWs.append(dW)
                if sd > 0:
                    back = dZ @ W.T
                    dH[sd] = back if dH[sd] is None else dH[sd] + back
            grads[d] = (dWs, db)
        return grads

    # -- errors ---------------------------------------------------------------------------

    @staticmethod
    def _loss(loss: str) -> "_losses.Loss":
        if not isinstance(loss, str):
            raise WrongTypeError(f"batch mode takes the error by name ({', '.join(LOSSES)}), got "
                                 f"{type(loss).__name__}; a custom error function needs the node engine (tg.train)")
        return _losses.get_loss(loss)

    def _loss_and_grads(self, X, T, loss: "_losses.Loss", l2: float, from_logits: bool):
        Zs, Hs, O = self._forward(X)
        if self._softmax_outputs and loss.name == "cross_entropy":
            # from the softmax layer's net inputs: ln O by log-sum-exp, and dE/dnet = (O - T) / n
            Z = Zs[-1] if self._outputs_last else _numpy().column_stack([Zs[d][:, c] for d, c in self._out_where])
            E, dZ = loss.arrays(_numpy(), Z, T, True)
            grads = self._backward(Zs, Hs, dZ, logits=True)
        else:
            E, dO = loss.arrays(_numpy(), O, T, from_logits)
            grads = self._backward(Zs, Hs, dO)
        if l2:
            E += l2 * self._l2()
            for d, dep in enumerate(self.depths[1:], start=1):
                dWs, db = grads[d]
                for dW, (_, W, _, trainable) in zip(dWs, dep.sources):
                    dW += l2 * (2.0 * W) if trainable is None else l2 * (2.0 * W) * trainable
                db += l2 * (2.0 * dep.b) if dep.bias_trainable is None else l2 * (2.0 * dep.b) * dep.bias_trainable
        if not -float("inf") < E < float("inf"):
            raise NodeOverflowError(f"the error over the batch is {E!r}: too large for a float")
        return E, grads

    def _l2(self) -> float:
        """sum of p^2 over the trainable parameters (tinygraph.learning.losses.l2 over net.parameters())."""
        total = 0.0
        for dep in self.depths[1:]:
            for _, W, _, trainable in dep.sources:
                total += float((W * W).sum() if trainable is None else (W * W * trainable).sum())
            b2 = dep.b * dep.b
            total += float(b2.sum() if dep.bias_trainable is None else (b2 * dep.bias_trainable).sum())
        return total

    # -- public ----------------------------------------------------------------------------

    def forward(self, X) -> Any:
        """The outputs for every sample: an array (samples x outputs, in ``net.outputs`` order)."""
        self._sync()
        return self._forward(self._x(X))[2].copy()

    def loss_and_grads(self, X, Y, loss: str = "squared_error", l2: float = 0.0, from_logits: bool = False,
                       write_grads: bool = True) -> Tuple[float, Any]:
        """The error over the batch and its gradient with respect to every parameter.

        Returns ``(error, grads)`` where ``grads[i]`` is dE/d ``self.params[i]`` (every Synapse
        and Bias, in build order).  Like ``loss.backward()`` it *adds* each gradient into the
        parameter's ``.grad`` (``write_grads=False`` leaves them alone), so ``tg.SGD`` works
        unchanged::

            opt.zero_grad(); bn.loss_and_grads(X, Y, loss="mse"); opt.step()

        ``loss``: "squared_error" (1/2 sum), "mse", "hinge" (labels -1/+1), "binary_cross_entropy"
        (``from_logits=True`` for raw scores), "cross_entropy" (with a softmax output layer: computed from
        its net inputs); ``l2`` adds l2 * sum of squared trainable parameters.
        The definitions are tinygraph.learning.losses', summed over the same batch.
        """
        np = _numpy()
        self._sync()
        X = self._x(X)
        T = self._y(Y, X.shape[0])
        found = self._loss(loss)
        found.check_targets(np, T, [n.name for n in self.outputs])
        E, grads = self._loss_and_grads(X, T, found, _at_least_zero(l2, "l2"), bool(from_logits))
        flat = []
        for slot in self._slots:
            dWs, db = grads[slot[1]]
            flat.append(dWs[slot[2]][slot[3], slot[4]] if slot[0] == "w" else db[slot[2]])
        g = np.array(flat, dtype=float)
        if write_grads:
            for p, v in zip(self.params, g.tolist()):
                p.grad += v
        return E, g

    def step(self, X, Y, loss: str = "squared_error", lr: float = 0.1, l2: float = 0.0,
             from_logits: bool = False) -> float:
        """One full-batch gradient step on the arrays; returns the error before it.

        The bare fast path of ``train``: X and Y must already be float arrays of the right
        shapes and valid targets for ``loss`` (nothing is checked), and the Network is not
        touched -- the next ``forward``/``loss_and_grads``/``train`` (or ``push()``) writes
        the new weights into it.
        """
        found = _losses.LOSSES.get(loss) or self._loss(loss)       # an alias ("sse") is looked up
        E, grads = self._loss_and_grads(X, Y, found, l2, from_logits)
        self._apply(grads, lr)
        return E

    def _apply(self, grads, lr: float) -> None:
        """p <- p - lr * dE/dp for every trainable weight and bias (the SGD update, on arrays)."""
        for d, dep in enumerate(self.depths[1:], start=1):
            dWs, db = grads[d]
            for dW, (_, W, _, trainable) in zip(dWs, dep.sources):
                if trainable is None:
                    W -= lr * dW
                else:
                    W -= lr * dW * trainable
            if dep.bias_trainable is None:
                dep.b -= lr * db
            else:
                dep.b -= lr * db * dep.bias_trainable
        self._pending = True

    def train(self, X, Y, loss: str = "squared_error", lr: float = 0.5, epochs: int = 1000,
              until: Optional[float] = None, l2: float = 0.0, from_logits: bool = False,
              max_epochs: Optional[int] = None):
        """Full-batch gradient descent until the error is below ``until`` or ``epochs`` steps are done.

        ``max_epochs`` is the same limit under ``tg.train``'s name (give one or the other).

        Starts from the Network's weights and leaves the trained ones in it.  Returns a
        ``tinygraph.learning.training.History`` like ``tg.train``: ``history[k]`` is the error after
        k epochs (``history[0]`` with the starting weights), ``.converged``, ``.final``.
        """
        if max_epochs is not None:
            if epochs != 1000 and epochs != max_epochs:
                raise BadValueError(f"give the epoch limit once: epochs={epochs!r} or max_epochs={max_epochs!r}")
            epochs = max_epochs
        lr = check_rate(lr)
        l2 = _at_least_zero(l2, "l2")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise BadValueError(f"epochs must be a whole number >= 0, got {epochs!r}")
        if until is not None:
            until = _at_least_zero(until, "until")
        found = self._loss(loss)
        from_logits = bool(from_logits)
        self._sync()
        X = self._x(X)
        T = self._y(Y, X.shape[0])
        found.check_targets(_numpy(), T, [n.name for n in self.outputs])
        history = History(until=until, loss=found.name)
        start = time.monotonic()
        epoch = 0
        try:
            while True:
                E, grads = self._loss_and_grads(X, T, found, l2, from_logits)
                history.append(E)
                if until is not None and E < until:
                    history.converged = True
                    break
                if epoch == epochs:
                    break
                self._apply(grads, lr)
                epoch += 1
        except OverflowError as e:
            self.pull()                 # a diverged run is not written back: the Network keeps its weights
            raise DivergenceError(f"batch training diverged at epoch {epoch} (lr {lr!r}): {e} "
                                  "Try a smaller lr.") from None
        finally:
            history.seconds = time.monotonic() - start
        self.push()
        return history

    def __repr__(self) -> str:
        kind = "layered" if self.layered else "DAG"
        return (f"BatchNetwork({self.net.name!r}: {len(self.inputs)} inputs, {len(self.outputs)} outputs, "
                f"{len(self.depths) - 1} depths, {kind}, {len(self.params)} parameters)")


def _softmax_back(np, G, H):
    """dE/dnet of a softmax layer from dE/dO: sum_k G_k O_k (1[k=j] - O_j) = O_j (G_j - sum_k G_k O_k)."""
    return H * (G - (G * H).sum(axis=1, keepdims=True))


def _at_least_zero(x: Any, what: str) -> float:
    """``x`` as a finite float >= 0 (l2, until), or a clear error naming it; lr is checked by check_rate."""
    if isinstance(x, bool):
        raise WrongTypeError(f"{what} must be a number, got {x!r}")
    x = check_value(x, what)
    if x < 0.0:
        raise BadValueError(f"{what} must be >= 0, got {x!r}")
    return x


def compile_network(net: Network) -> BatchNetwork:
    """Compile a built Network to numpy arrays for batch forward passes, gradients and training.

    Any feed-forward wiring and any activation works (registered ones are applied one
    number at a time).  See :class:`BatchNetwork`; needs numpy (``pip install "tinygraph[fast]"``).
    """
    return BatchNetwork(net)
