"""A learner's own data: a CSV table read with clear errors, its inputs standardised, a network trained on it.

``read_table("data.csv", target="label")`` reads a CSV file whose header row
names the columns: every column but the target is an input (its name
becomes the input neuron's name).  A target of 0/1 numbers, or of two
labels, makes a classifier; other numbers a regression.  Anything that
would make training silently wrong is refused with a message that names the
row and column (:class:`DataFileError`).

``Scaling`` standardises the inputs (x - mean) / std with the training rows'
mean and standard deviation (and a regression's target too, so targets of any
size train at the default learning rate; outputs and errors are reported in the
data's own units); ``train_table`` builds a layered network with
the columns' names, trains it (numpy batch mode for big data when numpy is
installed, else the node engine: the same numbers) and keeps the scaling on
the network (``net.scaling``), which ``net.save`` writes beside the weights,
so ``predict_table`` applies it to new rows.
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ..errors import BadValueError, TinygraphError
from ..networks.scaling import Scaling

__all__ = ["DataFileError", "Table", "Scaling", "read_table", "train_table", "predict_table", "TableFit",
           "parse_number", "scaling_of", "layered_network"]

PathArg = Union[str, "os.PathLike[str]"]

#: above this many (samples x parameters) a run uses numpy batch mode, when numpy is installed
BATCH_ABOVE = 2000


class DataFileError(TinygraphError, ValueError):
    """A data file that cannot be used as it is: what is wrong, where, and what to do."""


def _listed(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


#: a target of whole numbers with at most this many different values (each seen three times on
#: average) is read as class codes (a classifier), unless a regression is asked for
MAX_CLASS_CODES = 10
#: a classifier tells at most this many classes apart (more: surely not labels, e.g. an id column)
MAX_CLASSES = 50


class Table(NamedTuple):
    """A CSV file read for training: the input columns' names and rows (floats), the target column's
    name and values (floats: for a classifier the class's number 0, 1, 2, ...), and for a classifier
    its ``labels`` (the label of class 0, 1, ..., as the file writes them; None for a regression).
    ``codes``: True when a target of a few whole numbers was read as class codes (say so: a
    regression on them is asked for with ``classify=False``).  ``constant``: the input columns that
    hold one value in every row (kept, so that e.g. an image's pixels stay whole; they cannot help)."""

    path: str
    inputs: List[str]
    rows: List[List[float]]
    target: str
    targets: List[float]
    labels: Optional[Tuple[str, ...]]
    codes: bool = False
    constant: Tuple[str, ...] = ()

    @property
    def classifier(self) -> bool:
        return self.labels is not None

    @property
    def classes(self) -> int:
        """How many classes a classifier tells apart (0 for a regression)."""
        return 0 if self.labels is None else len(self.labels)


#: a number as a CSV cell may write it: a plain decimal, an optional sign, ASCII digits, a point, an exponent
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: the words for nan and the infinities: read as numbers so that the message can say they are not finite
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def parse_number(text: str) -> Optional[float]:
    """The number a CSV cell holds, or None: a plain decimal such as 3, -0.5, 1e-3 or .25 (spaces around it
    are fine), or nan/inf (which the readers refuse as not finite, naming the row and column).

    Stricter than Python's float(), which also reads "1_0" as 10 and the Arabic-Indic "١" as 1: in a
    data file those are a typo or another locale's digits, not the numbers they would silently become.
    """
    t = text.strip()
    if _DECIMAL.fullmatch(t) or _NOT_FINITE.fullmatch(t):
        return float(t)
    return None


def _not_a_number(cell: str) -> str:
    """Why a cell is not a number, for a message: a word on what tinygraph reads when the cell looks like one."""
    t = cell.strip()
    if "," in t and _DECIMAL.fullmatch(t.replace(",", ".", 1)):
        return f"{cell!r} is not a number (a decimal comma? write the number with a point, {t.replace(',', '.', 1)})"
    try:
        float(t)
    except ValueError:
        return f"{cell!r} is not a number"
    return (f"{cell!r} is not a number as a data file writes one: write plain decimals, an optional sign, the "
            "digits 0-9, a decimal point and an exponent, e.g. -1.5e3 (no _ between digits, no other digits)")


def _no_file(name: str) -> str:
    """The end of the message for a data file that is not there: the shipped data set it may mean."""
    from .datasets import data_sets, shipped_name
    from ..errors import did_you_mean
    base = os.path.basename(name)
    shipped = shipped_name(base)
    if shipped is not None:
        return f"; tinygraph ships a data set named {shipped!r}: give just {shipped} to use it"
    if base == name:
        hint = did_you_mean(os.path.splitext(base)[0], [d.name for d in data_sets()], sentence=False)
        if hint:
            return f", and no data set of that name{hint}"
    return " (tinygraph data lists the data sets you can name instead of a file)"


def _read_text(path: PathArg) -> Tuple[str, str]:
    """(the name as given, the text) of a CSV file, or of the shipped data set of that name when there
    is no such file (a real file wins: see tinygraph.data.datasets)."""
    name = os.fspath(path)
    if not os.path.isfile(name):
        from .datasets import load_csv_text, shipped_name
        shipped = shipped_name(name)
        if shipped is not None:
            return name, load_csv_text(shipped)
    try:
        with open(name, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataFileError(f"cannot read {name!r}: no such file{_no_file(name)}") from None
    except IsADirectoryError:
        raise DataFileError(f"cannot read {name!r}: it is a folder, not a CSV file") from None
    except OSError as e:
        raise DataFileError(f"cannot read {name!r}: {e.strerror or e}") from None
    if b"\0" in raw[:8192]:
        raise DataFileError(f"{name!r} is not a text file (it holds binary data): give a CSV file, "
                            "a header row of column names and one row of numbers per sample")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataFileError(f"{name!r} is not a UTF-8 text file (byte {e.start} is not text): save it as "
                            "CSV (UTF-8) from your spreadsheet") from None
    return name, text


def _parse(name: str, text: str) -> Tuple[List[Tuple[int, List[str]]], List[str]]:
    """The rows of a CSV text that are not blank, each with its line number, and its header (the first,
    stripped): the one reading that ``read_table`` and ``predict_table`` share.  The delimiter is
    detected (a comma, ; or a tab); a header that is all numbers, or has a column without a name or two
    columns of one name, is refused."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    try:
        lines = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delim), 1)
                 if any(c.strip() for c in row)]
    except csv.Error as e:
        raise DataFileError(f"{name!r} is not readable as CSV: {e}") from None
    header = [h.strip() for h in lines[0][1]]
    if all(parse_number(h) is not None for h in header if h):
        raise DataFileError(f"{name!r} has no header row: its first row ({delim.join(header)}) is numbers. "
                            "Add a first row naming the columns, e.g. x1,x2,label")
    for j, h in enumerate(header):
        if not h:
            raise DataFileError(f"{name!r}: column {j + 1} of the header row has no name; name every column")
        if header.index(h) != j:
            raise DataFileError(f"{name!r}: two columns are named {h!r}; give each column its own name")
    return lines, header


def _cell(name: str, k: int, line: int, column: str, cell: str) -> float:
    """Input cell ``cell`` of row ``k`` as a finite number, or a DataFileError naming the row and column."""
    v = parse_number(cell)
    if v is None:
        raise DataFileError(f"{name!r}, row {k} (line {line}), column {column!r}: {_not_a_number(cell)}; "
                            "every input cell must be a number")
    if not math.isfinite(v):
        raise DataFileError(f"{name!r}, row {k} (line {line}), column {column!r} is {cell.strip()}: "
                            "every cell must be a finite number (fill in or drop that row)")
    return v


def read_table(path: PathArg, target: str, classify: Optional[bool] = None) -> Table:
    """Read the CSV file ``path`` for training to predict the column ``target``.

    ``classify``: None decides from the target: labels (text), 0/1, or a few
    different whole numbers (at most ``MAX_CLASS_CODES``, each seen three times
    on average: class codes, ``Table.codes``) make a classifier of two or more
    classes; other numbers a regression.  True insists on a classifier, False on
    a regression.  Raises :class:`DataFileError` for an empty file, no header, a
    missing target column (the message lists the columns), a ragged row, a cell
    that is not a number, nan or inf, input columns that all hold one value in every
    row (one such column among others is kept, and listed in ``Table.constant``), a
    classifier target with one label or more than ``MAX_CLASSES``, and a file
    that is not text.
    """
    name, text = _read_text(path)
    if not text.strip():
        raise DataFileError(f"{name!r} is empty: a CSV file needs a header row naming the columns "
                            "(e.g. x1,x2,label) and one row per sample")
    lines, header = _parse(name, text)
    if not isinstance(target, str) or target not in header:
        raise DataFileError(f"{name!r} has no column {target!r}; its columns are {_listed(header)}: "
                            f"pass one of them as the target, e.g. --target {header[-1]}")
    if len(header) < 2:
        raise DataFileError(f"{name!r} has only the target column {target!r}: add at least one input column")
    t = header.index(target)
    inputs = [h for j, h in enumerate(header) if j != t]
    rows: List[List[float]] = []
    raw_targets: List[str] = []
    for k, (line, row) in enumerate(lines[1:], 1):
        if len(row) != len(header):
            raise DataFileError(f"{name!r}, row {k} (line {line}) has {len(row)} cells but the header has "
                                f"{len(header)} ({_listed(header)}): every row needs one cell per column")
        values = []
        for j, cell in enumerate(row):
            if j == t:
                raw_targets.append(cell.strip())
                continue
            values.append(_cell(name, k, line, header[j], cell))
        rows.append(values)
    if len(rows) < 2:
        raise DataFileError(f"{name!r} has {len(rows)} data row{'s' if len(rows) != 1 else ''} under its "
                            "header: training needs at least two samples")
    constant = tuple(col for j, col in enumerate(inputs) if all(r[j] == rows[0][j] for r in rows))
    if len(constant) == len(inputs):
        one = f"the column {inputs[0]!r} is {rows[0][0]:g}" if len(inputs) == 1 else "every input column holds one value"
        raise DataFileError(f"{name!r}: {one} in every row, so nothing tells the samples apart: "
                            "add an input column whose values differ from row to row")
    numbers = [parse_number(c) for c in raw_targets]
    numeric = all(v is not None for v in numbers)
    for k, (v, c) in enumerate(zip(numbers, raw_targets), 1):
        if numeric and not math.isfinite(v):       # type: ignore[arg-type]
            raise DataFileError(f"{name!r}, row {k}, target column {target!r} is {c}: every target must be "
                                "a finite number or a label")
        if c == "":
            raise DataFileError(f"{name!r}, row {k}: the target column {target!r} is empty")
    codes = False
    if numeric:
        values = [float(v) for v in numbers]      # type: ignore[arg-type]
        different = sorted(set(values))
        whole = all(v == int(v) for v in different)
        zero_one = set(values) <= {0.0, 1.0}
        codes = (not zero_one and whole and 2 <= len(different) <= MAX_CLASS_CODES
                 and len(values) >= 3 * len(different))
        wants_class = (zero_one or codes) if classify is None else classify
        codes = codes and classify is None
        # one label per number (1 and 1.0 are one class), written as the file does the first time
        label_of = {v: c for v, c in reversed(list(zip(values, raw_targets)))}
        if whole:
            label_of = {v: str(int(v)) for v in different}
        distinct = [label_of[v] for v in different]
        keys = values
    else:
        wants_class = True if classify is None else classify
        if classify is False:
            bad = next(c for c in raw_targets if parse_number(c) is None)
            raise DataFileError(f"{name!r}: the target column {target!r} holds {bad!r}, not a number, so it "
                                "cannot be a regression target")
        different = sorted(set(raw_targets))
        distinct = list(different)
        keys = raw_targets                        # type: ignore[assignment]
    if wants_class:
        if not 2 <= len(distinct) <= MAX_CLASSES:
            shown = _listed(distinct[:8]) + (", ..." if len(distinct) > 8 else "")
            raise DataFileError(f"{name!r}: the target column {target!r} has {len(distinct)} different "
                                f"value{'s' if len(distinct) != 1 else ''} ({shown}); a classifier tells "
                                f"2 to {MAX_CLASSES} classes apart: give a target column of labels"
                                + ("" if not numeric or len(distinct) < 2 else ", or train a regression on the numbers"))
        number = {key: j for j, key in enumerate(different)}
        targets = [float(number[key]) for key in keys]
        return Table(name, inputs, rows, target, targets, tuple(distinct), codes, constant)
    if len(set(numbers)) == 1:
        raise DataFileError(f"{name!r}: the target column {target!r} is {numbers[0]:g} in every row: "
                            "there is nothing to learn")
    return Table(name, inputs, rows, target, [float(v) for v in numbers], None,    # type: ignore[arg-type]
                 constant=constant)


def layered_network(names: Sequence[str], hidden: Sequence[int], activation: str, output: Union[str, Sequence[str]],
                    out_act: str, seed: Optional[int], title: Optional[str] = None) -> Any:
    """A layered network whose inputs carry the columns' names and whose output is the target's
    (``output`` a list of names: one output neuron each, e.g. a softmax over the classes)."""
    from ..networks.network import Network
    outs = [output] if isinstance(output, str) else list(output)
    taken = set(names) | set(outs)
    prefix = "h"
    while any(f"{prefix}{i}" in taken or f"{prefix}1_{i}" in taken for i in range(1, 1 + max(hidden or [1]))):
        prefix = "_" + prefix
    rng = random.Random(seed)
    net = Network(title or (outs[0] if outs[0] else "net"))
    layer = [net.input(n) for n in names]
    for l, size in enumerate(list(hidden) + [len(outs)]):
        last = l == len(hidden)
        now = []
        for i in range(size):
            nm = outs[i] if last else (f"{prefix}{i + 1}" if len(hidden) == 1 else f"{prefix}{l + 1}_{i + 1}")
            n = net.neuron(nm, activation=out_act if last else activation, bias=0.0)
            bound = math.sqrt(3.0 / len(layer))
            for src in layer:
                net.connect(src, n, weight=rng.uniform(-bound, bound))
            now.append(n)
        layer = now
    return net


def output_names(table: Table) -> List[str]:
    """The output neurons' names: the target's for a regression or two classes; for three or more
    classes one per class, ``target_label`` (e.g. species_setosa), made unique against the inputs."""
    if table.classes <= 2:
        return [table.target]
    taken = set(table.inputs)
    names: List[str] = []
    for label in table.labels or ():
        nm = _free(f"{table.target}_{label}", taken)
        taken.add(nm)
        names.append(nm)
    return names


class TableFit(NamedTuple):
    """What ``train_table`` made: the trained network (with ``.scaling``), the History, the errors on
    the training and test rows (a regression's in the data's own units), the accuracies (classifier;
    else None) and which engine ran."""

    net: Any
    history: Any
    train_error: float
    test_error: Optional[float]
    train_accuracy: Optional[float]
    test_accuracy: Optional[float]
    engine: str
    n_train: int
    n_test: int
    #: a regression's test error when every test row is predicted the mean of the training targets
    #: (the error to beat; None for a classifier or without test rows)
    baseline_error: Optional[float] = None
    #: a classifier's confusion matrix on the test rows (the training rows when none are held out):
    #: confusion[true class][predicted class] counts rows; None for a regression
    confusion: Optional[List[List[int]]] = None

    def class_accuracy(self) -> Optional[List[Optional[float]]]:
        """Per class: the part of its rows (in ``confusion``) predicted right; None for a class with no rows."""
        if self.confusion is None:
            return None
        return [row[k] / sum(row) if sum(row) else None for k, row in enumerate(self.confusion)]


def _engine(engine: str, n: int, params: int) -> str:
    if engine not in ("auto", "batch", "node"):
        raise BadValueError(f"engine must be 'auto', 'batch' or 'node', got {engine!r}")
    if engine != "auto":
        return engine
    try:
        import numpy
    except ImportError:
        return "node"
    del numpy                                   # only asked whether batch mode could run
    return "batch" if n * params > BATCH_ABOVE else "node"


def _quiet_numpy() -> Any:
    import numpy
    return numpy.errstate(over="ignore", invalid="ignore", divide="ignore")


def _train_batch(net: Any, xs: List[Dict[str, float]], ts: List[Dict[str, float]], loss: str, lr: float,
                 until: Optional[float], epochs: int, record: Optional[int], verbose: Optional[bool]) -> Any:
    """Full-batch training in numpy, in chunks of ``record`` epochs so the snapshots can be kept;
    the same History (and the same numbers, to rounding) as ``tg.train``."""
    import time
    from ..learning.batch import compile_network
    from ..console import Progress
    from ..learning.training import RECORD_OUTPUTS_UP_TO, History
    bn = compile_network(net)
    ins = [n.name for n in net.inputs]
    outs = [n.name for n in net.outputs]
    X = [[x[k] for k in ins] for x in xs]
    Y = [[t[k] for k in outs] for t in ts]
    params = net.parameters()
    history = History(until=until, loss=loss)
    if record is not None:
        history._start_record(record, net, params, xs, ts)
    chunk = record or max(1, min(50, epochs))
    progress = Progress(epochs, after=2.0, what="epoch", notice=None, show=verbose)
    start = time.monotonic()
    done = 0

    def state() -> Tuple[List[float], Any]:
        outputs = None
        if len(xs) <= RECORD_OUTPUTS_UP_TO:
            O = bn.forward(X)
            outputs = [{k: float(O[i][j]) for j, k in enumerate(outs)} for i in range(len(xs))]
        return [p.value for p in params], outputs

    first = state() if record is not None else None
    while True:
        with _quiet_numpy():            # a diverging run is one DivergenceError, not numpy's warnings too
            h = bn.train(X, Y, loss=loss, lr=lr, epochs=min(chunk, epochs - done), until=until)
        if first is not None:               # epoch 0: its error is the first chunk's first
            history._keep(0, h[0], *first)
            first = None
        history.extend(h if not history else h[1:])
        done += h.epochs
        if progress.on:
            progress(done, f"  error {history[-1]:.6g}  ({progress.seconds:.1f} s)")
        stop = h.converged or done >= epochs
        history.converged = h.converged
        if record is not None and (stop or done % record == 0) and done > 0:
            history._keep(done, history[-1], *state())
        if stop:
            break
    history.seconds = time.monotonic() - start
    if progress.shown:
        progress(done, f"  error {history[-1]:.6g}  ({history.seconds:.1f} s)", force=True)
    progress.close("converged" if history.converged else "stopped at the epoch limit")
    return history


def _error(net: Any, xs: List[Dict[str, float]], ts: List[Dict[str, float]], loss: str) -> float:
    from ..learning.losses import get_loss
    return get_loss(loss).function([net.forward(x) for x in xs], ts).value


def _error_of(outputs: List[Dict[str, float]], ts: List[Dict[str, float]], loss: str) -> float:
    """The error of fixed ``outputs`` (plain numbers) against ``ts``."""
    from ..learning.losses import get_loss
    from ..engine.node import Node
    return get_loss(loss).function([{k: Node(v) for k, v in o.items()} for o in outputs], ts).value


def predicted_class(outs: Mapping[str, Any], names: Sequence[str]) -> int:
    """The class a classifier's outputs say: one sigmoid output: 1 when O >= 0.5; many: the most probable."""
    values = [outs[n].value if hasattr(outs[n], "value") else outs[n] for n in names]
    if len(values) == 1:
        return int(values[0] >= 0.5)
    return max(range(len(values)), key=lambda k: values[k])


def _confusion(net: Any, xs: List[Dict[str, float]], truth: List[int], classes: int) -> List[List[int]]:
    """counts[true class][predicted class] over the rows ``xs``."""
    names = [n.name for n in net.outputs]
    counts = [[0] * classes for _ in range(classes)]
    for x, t in zip(xs, truth):
        counts[t][predicted_class(net.forward(x), names)] += 1
    return counts


def _accuracy_of(counts: List[List[int]]) -> Optional[float]:
    total = sum(map(sum, counts))
    return sum(counts[k][k] for k in range(len(counts))) / total if total else None


def train_table(table: Table, hidden: Sequence[int] = (8,), activation: str = "tanh", lr: float = 0.5,
                until: Optional[float] = None, epochs: int = 500, test_fraction: float = 0.2,
                seed: Optional[int] = 0, record: Optional[int] = None, engine: str = "auto",
                verbose: Optional[bool] = None) -> TableFit:
    """Train a layered network on ``table``: a held-out test part, standardised inputs, full batch.

    A classifier of two classes has a sigmoid output trained on the binary
    cross-entropy; of three or more, a softmax output per class (named by
    ``output_names``) trained on the cross-entropy; a regression a linear
    output on the mean squared error of its standardised target.  ``engine``: "auto"
    (numpy batch mode for big data when numpy is installed), "batch" or
    "node".  ``record``: keep every record-th epoch for a training page.  The History's
    ``held_out`` is the test part (inputs, targets), which the training page draws beside the curve.
    """
    from ..learning.training import train
    if not 0.0 <= test_fraction < 1.0:
        raise BadValueError(f"test_fraction must be in [0, 1), got {test_fraction!r}")
    n = len(table.rows)
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_test = int(round(n * test_fraction))
    if n - n_test < 1:
        n_test = n - 1
    test_ix, train_ix = order[:n_test], order[n_test:]
    scaling = Scaling.fit(table.inputs, [table.rows[i] for i in train_ix], table.target, table.labels)
    classifier = table.classifier
    if not classifier:                  # the target standardised too: any units train at the default lr
        mean, std = _mean_std([table.targets[i] for i in train_ix])
        scaling.target_mean, scaling.target_std = mean, std
    many = table.classes > 2
    outs = output_names(table)
    loss = "cross_entropy" if many else "binary_cross_entropy" if classifier else "mse"
    net = layered_network(table.inputs, hidden, activation, outs,
                          "softmax" if many else "sigmoid" if classifier else "linear", seed, title=table.target)
    net.scaling = scaling
    for j, col in enumerate(table.inputs):      # a column with one value in the training rows cannot help: its
        first = table.rows[train_ix[0]][j]      # input is 0 there, its weights never learn; start them at 0 so
        if all(table.rows[i][j] == first for i in train_ix):   # that another value in a new row changes nothing
            for syn in net[col].outgoing:
                syn.value = 0.0

    def samples(ix: List[int]) -> Tuple[List[Dict[str, float]], List[Dict[str, float]]]:
        xs = [dict(zip(table.inputs, scaling.apply(table.rows[i]))) for i in ix]
        if many:                        # one-hot: 1 for the row's class, 0 for the others
            ts = [{o: float(k == table.targets[i]) for k, o in enumerate(outs)} for i in ix]
        else:
            ts = [{table.target: scaling.scale_target(table.targets[i])} for i in ix]
        return xs, ts

    xs, ts = samples(train_ix)
    xt, tt = samples(test_ix)
    used = _engine(engine, len(xs), len(net.parameters()))
    if used == "batch":
        history = _train_batch(net, xs, ts, loss, lr, until, epochs, record, verbose)
    else:
        history = train(net, list(zip(xs, ts)), loss=loss, lr=lr, until=until, max_epochs=epochs,
                        record=record, verbose=verbose)
    history.held_out = (xt, tt)          # the held-out rows, for the training page (training_page(history))
    units = 1.0 if classifier else scaling.target_std ** 2      # an mse in the data's units (mse scales by std^2)
    baseline = None
    if not classifier and xt:           # the mean of the training targets, as the network would see it: 0
        baseline = _error_of([{table.target: 0.0}] * len(tt), tt, loss) * units
    train_accuracy = test_accuracy = confusion = None
    if classifier:
        truth = [int(table.targets[i]) for i in train_ix]
        counts = _confusion(net, xs, truth, table.classes)
        train_accuracy = _accuracy_of(counts)
        confusion = counts
        if xt:
            confusion = _confusion(net, xt, [int(table.targets[i]) for i in test_ix], table.classes)
            test_accuracy = _accuracy_of(confusion)
    return TableFit(net, history, history.final * units, _error(net, xt, tt, loss) * units if xt else None,
                    train_accuracy, test_accuracy, used, len(xs), len(xt), baseline, confusion)


def _mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """The mean and (population) standard deviation of ``values``; a std of 0 counts as 1."""
    m = math.fsum(values) / len(values)
    s = math.sqrt(math.fsum((v - m) ** 2 for v in values) / len(values))
    return m, (s if s > 0 else 1.0)


def scaling_of(net: Any) -> Optional[Tuple[List[float], List[float]]]:
    """The means and stds of ``net.scaling`` in the order of ``net.inputs``; None for a network without one.

    What predict, export and explain apply to rows in the data's own units.  A
    scaling that does not name exactly the network's inputs (saved with another
    network, or the inputs changed since) is refused with a BadValueError that names both.
    """
    scaling = getattr(net, "scaling", None)
    if scaling is None:
        return None
    ins = [n.name for n in net.inputs]
    if sorted(scaling.names) != sorted(ins) or len(set(scaling.names)) != len(scaling.names):
        raise BadValueError(f"network {net.name!r} has an input scaling for {_listed(scaling.names)} but its inputs "
                            f"are {_listed(ins)}: the scaling belongs to another network. Train it again "
                            "(tinygraph train ... --save) or set net.scaling to a Scaling of its own inputs")
    where = {n: j for j, n in enumerate(scaling.names)}
    return [scaling.means[where[n]] for n in ins], [scaling.stds[where[n]] for n in ins]


def _free(name: str, taken: set) -> str:
    """``name``, or ``name_predicted`` (and so on) if the file already has a column of that name."""
    while name in taken:
        name += "_predicted"
    return name


def predict_table(net: Any, path: PathArg) -> Tuple[List[str], List[List[str]]]:
    """The network's outputs for every row of the CSV file ``path``: (header, rows of text).

    The file has the network's inputs as columns, by name, read as ``read_table``
    reads a file for training (the delimiter detected, plain decimal numbers).
    The network's ``scaling`` is applied first; a regression's output is given in
    the data's own units (its target scaling undone); a classifier's output is given as
    the probability of each class (one column per output: the probability of the
    second label for two classes) and the label it predicts (column ``class``).  The result has the input
    columns, then the file's own columns named like an output or the target (the
    learner's true values, kept as they are), then the predictions: named after
    the outputs, or ``<name>_predicted`` when the file has a column of that name.
    Other columns are left out.
    """
    name, text = _read_text(path)
    if not text.strip():
        raise DataFileError(f"{name!r} is empty: give a header row naming the inputs and one row per sample")
    lines, header = _parse(name, text)
    ins = [n.name for n in net.inputs]
    missing = [n for n in ins if n not in header]
    if missing:
        raise DataFileError(f"{name!r} has no column{'s' if len(missing) > 1 else ''} {_listed(missing)} "
                            f"(the network's inputs are {_listed(ins)}); its columns are {_listed(header)}")
    scaling = getattr(net, "scaling", None)
    means_stds = scaling_of(net)
    where = [header.index(n) for n in ins]
    out_names = [n.name for n in net.outputs]
    labels = scaling.labels if scaling is not None else None
    predicted = out_names + (["class"] if labels is not None else [])
    truth = [h for h in header if h not in ins
             and (h in predicted or (scaling is not None and scaling.target and h == scaling.target))]
    taken = set(ins) | set(truth)
    head = ins + truth
    for p in predicted:
        head.append(_free(p, taken))
        taken.add(head[-1])
    kept = [header.index(h) for h in truth]
    result = []
    for k, (line, row) in enumerate(lines[1:], 1):
        if len(row) != len(header):
            raise DataFileError(f"{name!r}, row {k} (line {line}) has {len(row)} cells but the header has "
                                f"{len(header)} ({_listed(header)}): every row needs one cell per column")
        values = [_cell(name, k, line, col, row[j]) for j, col in zip(where, ins)]
        scaled = values
        if means_stds is not None:
            scaled = [(v - m) / s for v, m, s in zip(values, *means_stds)]
        outs = net.forward(dict(zip(ins, scaled)))
        line_out = ([row[j].strip() for j in where] + [row[j].strip() for j in kept]
                    + [f"{scaling.unscale(outs[o].value) if scaling is not None else outs[o].value:.6g}"
                       for o in out_names])
        if labels is not None:
            line_out.append(labels[predicted_class(outs, out_names)])
        result.append(line_out)
    return head, result
