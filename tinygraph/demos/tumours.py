"""Is a breast tumour malignant?  A 30-8-1 network learns it from 30 measurements of its cell nuclei.

The Wisconsin diagnostic breast-cancer data (569 tumours, shipped with
tinygraph: ``tinygraph data breast-cancer``) measure ten things about the cell
nuclei in a sample (radius, texture, concavity, ...), each as a mean, a
standard error and a "worst" value.  The network is what ``tinygraph train
breast-cancer --target diagnosis`` makes: the inputs standardised, a tanh
hidden layer, a sigmoid output (the probability of "malignant"), the binary
cross-entropy, full-batch gradient descent; a fifth of the tumours are held
out and the accuracy on them is printed.

Which measurements does the network lean on?  The inputs are standardised
(each has mean 0 and standard deviation 1), so their weights can be compared:
the picture is, for each input, the summed size |w| of its weights into the
hidden layer, largest first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple, Union

from ..networks.network import Network
from ..networks.scaling import Scaling
from ..data.tables import layered_network, read_table, train_table
from .output import report_files, table
from .pictures import BLUE, ORANGE, bar_chart, pairs, save_svg, svg_paths

NAME = "tumours"
SUMMARY = "a 30-8-1 network tells malignant from benign tumours (569 real samples) and shows what it looks at"

HIDDEN, EPOCHS, EPOCHS_FAST = 8, 500, 60
SEED = 0


def _pretty(column: str) -> str:
    """A column name as a label: mean_radius -> mean radius."""
    return column.replace("_", " ")


def build() -> Tuple[Network, Dict[str, float], Dict[str, float]]:
    """What ``tinygraph step tumours`` steps through: the untrained 30-8-1 network (seeded, as
    ``tinygraph train`` starts it) and the first tumour, its 30 measurements standardised, its
    target 1 for malignant, 0 for benign.  The 30 inputs are one big layer: stepped at once."""
    data = read_table("breast-cancer", "diagnosis")
    net = layered_network(data.inputs, [HIDDEN], "tanh", data.target, "sigmoid", SEED, title="tumours")
    scaling = Scaling.fit(data.inputs, data.rows, data.target, data.labels)
    return net, dict(zip(data.inputs, scaling.apply(data.rows[0]))), {data.target: float(data.targets[0])}


def leaning(net) -> Dict[str, float]:
    """Each input's summed |weight| into the first hidden layer: how much the network leans on it."""
    return {n.name: sum(abs(s.weight) for s in n.outgoing) for n in net.inputs}


def run(out: Union[str, Path, None] = None, fast: bool = False) -> dict:
    """Train on 80% of the tumours, print the held-out accuracy, draw which inputs the network leans on."""
    folder, main = svg_paths(out, "tumour-inputs.svg")
    files: List[Path] = []
    data = read_table("breast-cancer", "diagnosis")
    epochs = EPOCHS_FAST if fast else EPOCHS
    benign, malignant = data.labels
    share = sum(data.targets) / len(data.targets)
    print(f"Breast-cancer data: {len(data.rows)} tumours, {len(data.inputs)} measurements each; "
          f"{share:.0%} {malignant}, {1 - share:.0%} {benign}")
    fit = train_table(data, hidden=[HIDDEN], epochs=epochs, seed=SEED)
    print(f"a {len(data.inputs)}-{HIDDEN}-1 network (tanh, sigmoid output = P({malignant})), "
          f"{len(fit.net.parameters())} weights and biases; {epochs} epochs of full-batch gradient descent, "
          f"lr 0.5, engine: {'batch mode (numpy)' if fit.engine == 'batch' else 'the node engine'}")
    print(f"  binary cross-entropy: train {fit.train_error:.4f}, held out {fit.test_error:.4f}")
    most_common = max(share, 1 - share)
    print(f"Accuracy: {fit.train_accuracy:.1%} on the {fit.n_train} training tumours, "
          f"{fit.test_accuracy:.1%} on the {fit.n_test} held out "
          f"(always saying {benign!r} would get {most_common:.1%}).")
    lean = leaning(fit.net)
    ranked = pairs([lean[c] for c in data.inputs])
    rows = [[str(k + 1), _pretty(data.inputs[j]), f"{v:.2f}"] for k, (j, v) in enumerate(ranked[:5])]
    print("The measurements it leans on most (summed |weight| into the hidden layer):")
    print(table(rows, ["#", "measurement", "sum |w|"], "rll"))
    kinds = [BLUE if c.startswith("mean") else ORANGE if c.startswith("worst") else "#999999" for c in data.inputs]
    picture = bar_chart([_pretty(data.inputs[j]) for j, _ in ranked], [v for _, v in ranked],
                        f"What the network leans on: held-out accuracy {fit.test_accuracy:.1%}",
                        note="summed |weight| from each standardised input into the 8 hidden neurons; "
                             "blue: mean, orange: worst, grey: standard error",
                        colours=[kinds[j] for j, _ in ranked])
    save_svg(picture, main, files)
    report_files(files, folder)
    return {"accuracy": fit.train_accuracy, "test_accuracy": fit.test_accuracy, "leaning": lean,
            "ranked": [data.inputs[j] for j, _ in ranked], "engine": fit.engine, "epochs": epochs,
            "files": files, "out": folder}
