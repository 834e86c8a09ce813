"""Training: the SGD update and the recipe's loop "update the weights until the error is small".

``SGD`` moves every trainable parameter against its gradient,
w <- w - lr * dE/dw.  ``train`` runs the network on the data, measures the
error, backpropagates and steps, epoch after epoch, until the error is below
a threshold (the recipe's stopping rule) or the epoch limit is reached.

(This module is ``tinygraph.learning.training``, not ``tinygraph.train``: a submodule
named ``train`` would replace the function ``tinygraph.train`` once imported.)
"""

from __future__ import annotations

import math
import numbers
import threading
import time
import warnings
from contextlib import contextmanager
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from ..engine.checks import check_rate, check_value, named_values, not_finite_error, what_is_wrong
from ..console import Progress
from ..errors import BadValueError, GraphError, TinygraphError, WrongTypeError, did_you_mean
from .losses import LOSSES, get_loss
from ..engine.node import Node, Stamp, gc_paused, mark_changed, zero_grads

if TYPE_CHECKING:
    from ..networks.network import Network

__all__ = ["SGD", "train", "History", "Snapshot", "DivergenceError", "TrainingWarning"]

#: with ``record``, a run on at most this many samples also keeps every sample's outputs per snapshot
RECORD_OUTPUTS_UP_TO = 200


class DivergenceError(TinygraphError, FloatingPointError):
    """Training blew up: the error or a weight stopped being a finite number.

    ``train`` restores the weights of the last good epoch first; ``detail`` holds
    the engine's own message about what overflowed."""

    detail: str = ""


class TrainingWarning(UserWarning):
    """Training ended in a suspicious state, e.g. the error rose instead of falling."""


# What a step-through paused over these parameters says when it is resumed (see tinygraph.engine.node.walk).
_ZEROED = Stamp("the optimizer's zero_grad() set the weights' gradients back to 0")
_STEPPED = Stamp("an optimizer step changed the weights")


class SGD:
    """Stochastic gradient descent: ``step()`` does p <- p - lr * p.grad for each trainable p.

    Parameters with ``trainable = False`` (a fixed bias or weight) are left alone.
    ``momentum`` (0 <= m < 1) keeps a running velocity v <- m v + grad and steps by
    -lr v, which speeds up progress along consistent directions.
    """

    def __init__(self, params: Union[Iterable[Node], Network], lr: float = 0.1, momentum: float = 0.0) -> None:
        if hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()
        try:
            plist = list(params)
        except TypeError:
            raise WrongTypeError(f"SGD takes a list of parameters, e.g. net.parameters(); "
                            f"got {type(params).__name__}") from None
        seen = set()
        self.params: List[Node] = []
        for i, p in enumerate(plist):
            if not isinstance(p, Node):
                raise WrongTypeError(f"SGD: parameter {i} must be a Node (a Synapse, Bias or leaf Node), "
                                f"got {type(p).__name__} {p!r}")
            if id(p) not in seen:
                seen.add(id(p))
                self.params.append(p)
        if not self.params:
            raise BadValueError("SGD got no parameters, so step() would change nothing: pass the weights to "
                             "train, e.g. tg.SGD(net.parameters(), lr=0.1) (parameters made with "
                             "trainable=False are left out of net.parameters())")
        self.lr = check_rate(lr)
        if isinstance(momentum, bool) or what_is_wrong(momentum) is not None or not 0.0 <= momentum < 1.0:
            cls = BadValueError if isinstance(momentum, numbers.Real) else WrongTypeError
            raise cls(f"momentum must be a number in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self._velocity: List[float] = [0.0] * len(self.params)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (grads of leaves add up across backward() calls)."""
        zero_grads(self.params, _ZEROED)

    def step(self) -> None:
        """Move each trainable parameter by -lr times its gradient."""
        lr, m, vel = self.lr, self.momentum, self._velocity
        if lr.__class__ is not float or not 0.0 < lr < math.inf:
            lr = self.lr = check_rate(lr, "opt.lr")      # set by hand to something that is not a rate
        mark_changed(self.params, _STEPPED)
        p = None
        try:
            for i, p in enumerate(self.params):
                if not getattr(p, "trainable", True):
                    continue
                g = p.grad
                if m:
                    g = vel[i] = m * vel[i] + g
                v = p.value - lr * g
                if v.__class__ is not float or not -math.inf < v < math.inf:
                    v = _slow_step(p, lr, g, v)     # a value or grad set by hand: an int, numpy number, nan, ...
                p.value = v
        except (TypeError, ValueError, ArithmeticError) as e:
            raise (e if isinstance(e, TinygraphError) else _bad_step(p, lr, None)) from None

    def __repr__(self) -> str:
        extra = f", momentum={self.momentum!r}" if self.momentum else ""
        return f"SGD({len(self.params)} parameters, lr={self.lr!r}{extra})"


def _slow_step(p: Node, lr: float, g: Any, v: Any) -> float:
    """The step p.value - lr * g computed in Python floats, when the fast one did not give a finite float."""
    if what_is_wrong(p.value) is None and what_is_wrong(g) is None:   # numbers, numpy ones too
        v = float(p.value) - lr * float(g)
        if -math.inf < v < math.inf:
            return v
    raise _bad_step(p, lr, v)


def _bad_step(p: Node, lr: float, new: Optional[float]) -> TinygraphError:
    """Why an SGD step could not give ``p`` a finite value: its value or gradient (set by hand?), or the rate."""
    who = p.name or "a parameter"
    for attr in ("value", "grad"):
        x = getattr(p, attr)
        if what_is_wrong(x) is not None:
            example = "p.value = 0.5" if attr == "value" else "opt.zero_grad(), then loss.backward()"
            return not_finite_error(f"SGD step on {who}: its {attr}", x,
                               f" (set by hand?); give it a finite number, e.g. {example}")
    return DivergenceError(f"SGD step made {who} {new!r} (its gradient is {p.grad!r}): the learning rate {lr!r} "
                           "is too large for these gradients; try a smaller lr")


class Snapshot(NamedTuple):
    """One recorded epoch: its number, the error measured with these weights, the parameters'
    values (in ``History.parameters`` order) and, for small data, each sample's outputs
    ({output name: value}, in the data's order; None when not kept)."""

    epoch: int
    error: float
    values: Tuple[float, ...]
    outputs: Optional[List[Dict[str, float]]] = None


class History(list):
    """The error after each epoch of updates: ``history[0]`` for the initial weights,
    ``history[k]`` after k epochs.  ``final`` is the error of the trained network.

    A run with ``record=K`` also keeps ``snapshots`` (every K-th epoch and the last, see
    :class:`Snapshot`), the ``network``, its ``parameters`` (the nodes the values belong to)
    and the ``data`` it learned from (inputs and targets as dicts by name), which is what
    ``tg.training_page(history)`` draws."""

    def __init__(self, errors: Iterable[float] = (), until: Optional[float] = None,
                 converged: bool = False, loss: str = "") -> None:
        super().__init__(errors)
        self.until = until
        self.converged = converged
        self.loss = loss
        self.seconds = 0.0
        self.record: Optional[int] = None
        self.snapshots: List[Snapshot] = []
        self.network: Optional[Network] = None
        self.parameters: List[Node] = []
        self.data: Tuple[List[Dict[str, float]], List[Dict[str, float]]] = ([], [])
        #: rows kept out of training (inputs, targets), when the caller has them (train_table sets it)
        self.held_out: Optional[Tuple[List[Dict[str, float]], List[Dict[str, float]]]] = None

    def _start_record(self, every: int, net: Network, params: List[Node], xs: List[Dict[str, float]],
                      ts: List[Dict[str, float]]) -> None:
        self.record, self.network, self.parameters, self.data = every, net, list(params), (xs, ts)

    def _keep(self, epoch: int, error: float, values: Sequence[float], outputs: Any) -> None:
        """Keep one snapshot; ``outputs``: per sample {name: Node or float}, or None."""
        outs = None
        if outputs is not None:
            outs = [{k: float(getattr(v, "value", v)) for k, v in o.items()} for o in outputs]
        self.snapshots.append(Snapshot(epoch, error, tuple(values), outs))

    @property
    def epochs(self) -> int:
        """How many epochs of weight updates were made."""
        return max(len(self) - 1, 0)

    @property
    def final(self) -> Optional[float]:
        """The error of the network as it is now (after the last update)."""
        return self[-1] if self else None

    def __repr__(self) -> str:
        if not self:
            return "History(no epochs)"
        state = (f"converged: below {self.until!r}" if self.converged
                 else ("not converged" if self.until is not None else "no threshold"))
        return (f"History({self.epochs} epochs, {self.loss or 'error'} {self[0]:.6g} -> {self.final:.6g}, "
                f"{state})")


def _resolve_loss(loss: Union[str, Callable[..., Node]]) -> Tuple[Callable[..., Node], str]:
    if callable(loss):
        return loss, getattr(loss, "name", None) or getattr(loss, "__name__", "loss")
    if not isinstance(loss, str):
        raise WrongTypeError(f"loss must be a name ({', '.join(LOSSES)}) or a function(outputs, targets); "
                        f"got {type(loss).__name__} {loss!r}")
    try:
        found = get_loss(loss)
    except ValueError as e:
        raise BadValueError(f"{e}; or pass a function(outputs, targets)") from None
    return found.function, found.name


def _check_data(net: Network, data: Any) -> Tuple[List[Dict[str, float]], List[Dict[str, float]]]:
    """Every sample's inputs and targets as dicts of floats, or a clear error before any training."""
    try:
        if isinstance(data, (str, bytes, Mapping)):
            raise WrongTypeError
        data = list(data)
    except TypeError:
        raise WrongTypeError(f"data must be a list of (inputs, targets) pairs, got {type(data).__name__}") from None
    if not data:
        raise BadValueError("data is empty: give a list of (inputs, targets) pairs")
    in_names = [n.name for n in net.inputs]
    out_names = [n.name for n in net.outputs]
    xs, ts = [], []
    for i, pair in enumerate(data):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise WrongTypeError(f"data[{i}] must be a pair (inputs, targets), e.g. "
                            f"({{'x1': 0, 'x2': 1}}, {{'o1': 1}}); got {pair!r}")
        xs.append(named_values(pair[0], in_names, "inputs", f"data[{i}]"))
        target = pair[1]
        if isinstance(target, str):                # a class name: 1 for that output, 0 for the others
            if target not in out_names:
                raise BadValueError(f"data[{i}] targets: {target!r} is not the name of an output."
                                    + did_you_mean(target, out_names) + f" Outputs: {', '.join(out_names)}")
            target = {k: 1.0 if k == target else 0.0 for k in out_names}
        ts.append(named_values(target, out_names, "outputs", f"data[{i}] targets"))
    return xs, ts


def train(net: Network, data: Sequence[Tuple[Any, Any]], loss: Union[str, Callable[..., Node]] = "squared_error",
          lr: float = 0.5, until: Optional[float] = None, max_epochs: int = 1000, batch: bool = True,
          momentum: float = 0.0, verbose: Optional[bool] = None, record: Optional[int] = None) -> History:
    """Train ``net`` on ``data`` (a list of (inputs, targets) pairs) by gradient descent.

    Each epoch measures the error over all the data; if it is below ``until``
    (the recipe's stopping rule) training stops, else the weights and biases take
    one step.  ``batch=True``: one step per epoch on the error summed over all
    samples (full batch).  ``batch=False``: one step per sample (online).
    ``loss`` is a name ("squared_error", "mse", "hinge", "binary_cross_entropy",
    "cross_entropy" for a softmax output layer) or a function(outputs, targets)
    taking lists (one dict per sample).  A sample's targets may be the name of an
    output (a class): 1 for it and 0 for the others.

    Returns a History: ``history[k]`` is the error after k epochs, with
    ``.epochs``, ``.final`` and ``.converged``.  Progress is shown on stderr for
    runs longer than about 2 s when stderr is a terminal (``verbose=True``:
    always; ``verbose=False``: never).  Python's cyclic garbage collector is
    paused inside the loop (the engine makes no reference cycles, so it would
    only slow it down) and restored after.

    ``record=K`` keeps every K-th epoch's weights, biases and error (and, for at
    most RECORD_OUTPUTS_UP_TO samples, the outputs), and the last epoch's, in
    ``history.snapshots``, for ``tg.training_page(history)``; the training
    itself is the same (the same final weights, to the bit).
    """
    with _training_alone(net):
        return _train(net, data, loss, lr, until, max_epochs, batch, momentum, verbose, record)


#: id(network) -> the name of the thread training it now (see _training_alone)
_TRAINING: Dict[int, str] = {}
_TRAINING_LOCK = threading.Lock()


@contextmanager
def _training_alone(net: Any) -> Iterator[None]:
    """Train ``net`` in one thread at a time: a second train() of the same network while the first
    runs is refused at once (two loops stepping one set of weights would interleave their updates)."""
    me = threading.current_thread().name
    with _TRAINING_LOCK:
        other = _TRAINING.get(id(net))
        if other is not None:
            name = getattr(net, "name", type(net).__name__)
            raise GraphError(f"network {name!r} is being trained already, by the thread {other!r}: two "
                             f"trainings of one network at once would mix their weight updates. Wait for "
                             f"it to finish, or give each thread its own copy (net.copy())")
        _TRAINING[id(net)] = me
    try:
        yield
    finally:
        with _TRAINING_LOCK:
            del _TRAINING[id(net)]


def _train(net: Any, data: Sequence[Tuple[Any, Any]], loss: Union[str, Callable[..., Node]], lr: float,
           until: Optional[float], max_epochs: int, batch: bool, momentum: float, verbose: Optional[bool],
           record: Optional[int]) -> History:
    """train()'s loop, with the network to itself."""
    loss_fn, loss_name = _resolve_loss(loss)
    lr = check_rate(lr)
    if until is not None:
        if isinstance(until, bool):
            raise WrongTypeError(f"until (the error threshold) must be a number or None, got {until!r}")
        until = check_value(until, "until (the error threshold)")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 0:
        raise BadValueError(f"max_epochs must be a whole number >= 0, got {max_epochs!r}")
    if not (hasattr(net, "forward") and hasattr(net, "inputs") and hasattr(net, "outputs")):
        raise WrongTypeError(f"train() needs a Network (tg.Network or tg.MLP), got {type(net).__name__}")
    xs, ts = _check_data(net, data)
    if not net.parameters():
        raise BadValueError(f"network {net.name!r} has no trainable parameters: nothing to train")
    opt = SGD(net.parameters(), lr=lr, momentum=momentum)
    if record is not None and (isinstance(record, bool) or not isinstance(record, int) or record < 1):
        raise BadValueError(f"record must be a whole number >= 1 (keep every record-th epoch) or None, got {record!r}")

    history = History(until=until, loss=loss_name)
    if record is not None:
        history._start_record(record, net, opt.params, xs, ts)
    keep_outputs = record is not None and len(xs) <= RECORD_OUTPUTS_UP_TO
    progress = Progress(max_epochs, after=2.0, what="epoch", notice=None, show=verbose)
    forward = net.forward
    params = opt.params
    epoch = 0
    best: Optional[List[Any]] = None           # the weights with the lowest error so far (history[best_epoch])
    best_epoch = 0
    try:
        with gc_paused():                      # the engine makes no cycles: the collector would only slow the loop
            while True:
                start = [p.value for p in params]  # cheap: one float per parameter per epoch
                outputs = [forward(x) for x in xs]
                error_node = loss_fn(outputs, ts)
                error = error_node.value
                if not -math.inf < error < math.inf:
                    raise DivergenceError(f"the error became {error!r} at epoch {epoch}; try a smaller lr "
                                          f"(now {lr!r})")
                history.append(error)
                if record is not None and (epoch % record == 0 or epoch == max_epochs
                                           or (until is not None and error < until)):
                    history._keep(epoch, error, start, outputs if keep_outputs else None)
                if best is None or error <= history[best_epoch]:
                    best, best_epoch = start, epoch
                if progress.on:
                    progress(epoch, f"  error {error:.6g}  ({progress.seconds:.1f} s)")
                if until is not None and error < until:
                    history.converged = True
                    break
                if epoch == max_epochs:
                    break
                if batch:
                    opt.zero_grad()
                    error_node.backward()
                    opt.step()
                else:
                    for x, t in zip(xs, ts):
                        opt.zero_grad()
                        loss_fn([forward(x)], [t]).backward()
                        opt.step()
                epoch += 1
    except (OverflowError, DivergenceError) as e:  # NodeOverflowError: values too large for a float
        history.seconds = time.monotonic() - progress.start
        raise _diverged(params, best, best_epoch, history, epoch, lr, e) from None
    history.seconds = time.monotonic() - progress.start
    if history:
        if progress.shown:
            progress(history.epochs, f"  error {history.final:.6g}  ({history.seconds:.1f} s)", force=True)
        progress.close("converged" if history.converged else "stopped at max_epochs")
        if not history.converged and history.epochs and history.final > 1.1 * history[0] + 1e-12:
            warnings.warn(f"training did not converge and the error rose from {history[0]:.4g} to "
                          f"{history.final:.4g} over {history.epochs} epochs: the learning rate {lr!r} may be "
                          f"too large; try a smaller one, e.g. lr={lr / 10:g}", TrainingWarning, stacklevel=3)
    return history


def _diverged(params: List[Node], best: Optional[List[Any]], best_epoch: int, history: History, epoch: int,
              lr: float, cause: BaseException) -> DivergenceError:
    """Put back the weights of the epoch with the lowest error and say so, in plain words."""
    if best is not None:
        for p, v in zip(params, best):
            p.value = v
            p.grad = 0.0
        k = len(history) - 1
        msg = (f"training diverged at epoch {epoch}: with the learning rate {lr!r} the weights grew too large "
               f"for a float. The error was {history[-1]:.6g} at epoch {k}, the last good one; the weights "
               f"were restored to epoch {best_epoch}, where the error was lowest ({history[best_epoch]:.6g}). "
               f"Try a smaller lr, e.g. lr={lr / 10:g}.")
    else:
        msg = (f"training diverged at epoch {epoch} before any error could be measured (lr {lr!r}): {cause} "
               f"Try a smaller lr, e.g. lr={lr / 10:g}, or smaller starting weights and inputs.")
    err = DivergenceError(msg)
    err.detail = str(cause)
    return err
