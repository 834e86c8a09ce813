"""The worked example of any network, written out with its own numbers: ``tg.explain``.

One training step on one sample, in the order and notation of the delta rule
(O for outputs, net for net inputs, θ for biases, δ for deltas, η for the
learning rate): the network and the sample, the forward pass neuron by
neuron, the error, the output deltas, the hidden deltas, dE/dW and dE/dθ, the
update with η, the forward pass again and the new error, and how many epochs
``train`` takes until the error is below a threshold, with the error curve.
Every equation is written in symbols and then with the network's numbers,
which are the backward walk's own (:func:`tinygraph.network_steps`).

Modules: ``notation`` (the math tree, LaTeX and MathML, names as text, numbers),
``equations`` (tinygraph.stepping.formulas written as math), ``content`` (what the
document says), ``blocks`` (its pieces), ``writer`` (one walk over the blocks, and the
interface a format implements), ``markdown``, ``html``, ``latex`` (the formats; the style
sheet and the LaTeX preamble are in ``assets/``), ``curve`` (the error curve),
``document`` (:class:`Explanation`).
"""

from __future__ import annotations

from typing import Iterable, Optional, Union

from ..errors import BadValueError, user_facing
from ..networks.network import Network
from .content import CATEGORIES, DEFAULT_BLANKS, ErrorChoice, Sample, build
from .document import FORMATS, Explanation
from .notation import DECIMALS

__all__ = ["explain", "Explanation", "CATEGORIES", "DEFAULT_BLANKS", "FORMATS"]


def explain(net: Network, inputs: Sample, targets: object = None, lr: float = 0.5,
            error: ErrorChoice = None, *, until: Optional[float] = None,
            exercise: Union[bool, Iterable[str]] = False, decimals: int = DECIMALS,
            pictures: bool = True, data_units: bool = False, update: str = "all") -> Explanation:
    """The worked example of ``net`` on one sample, as a document (an :class:`Explanation`).

    ``inputs`` and ``targets``: a dict by name or a list in the order of
    ``net.inputs`` / ``net.outputs``.  ``lr``: the learning rate η of the update.
    ``error``: None for the squared error E = ½ Σ_k (O_k - t_k)², or "mse", "bce"
    (binary cross-entropy), "hinge", or a function ``error(outputs, targets)``
    returning a Node (its slope then comes from the walk alone).  A network with a softmax output
    layer is written out with the cross-entropy E = -Σ_k t_k ln O_k and its output deltas
    δ_k = O_k - t_k (and why); its ``targets`` may be the name of the right class (an output's name).
    ``until``: the
    error threshold of the closing "repeat until" (default that of
    network_steps).  ``exercise``: True (or a list of categories, see
    :data:`CATEGORIES`) for the exercise version with numbered blanks.
    ``decimals``: how many decimals numbers are written with.  ``pictures=False``
    leaves out the diagrams and the error curve (quicker for a big network).
    For a network trained on a table (``net.scaling``), the document says how
    the inputs are standardised and shows them in the data's own units too;
    ``data_units=True`` takes ``inputs`` in those units (as ``tinygraph
    predict`` and ``tinygraph explain net.json --inputs`` do) and standardises
    them first, else they are what ``net.forward`` takes.  ``update``: which
    parameters the step moves: "all" (every weight and bias, as ``train`` does;
    the default) or "weights" (the biases keep their values: the convention of
    Mazur's published worked example, so that its numbers can be matched).

    The network's weights are left as they are; its gradients and latest
    forward pass are this sample's.  ``doc.save("worked.md" | ".html" | ".tex")``
    writes it; in Jupyter it shows itself.
    """
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 1 <= decimals <= 15:
        raise user_facing(BadValueError(f"decimals must be a whole number from 1 to 15, got {decimals!r}"))
    doc = Explanation(build(net, inputs, targets, lr=lr, error=error, until=until, drawing=pictures,
                            data_units=data_units, update=update), decimals=decimals)
    if exercise:
        doc = doc.as_exercise(DEFAULT_BLANKS if exercise is True else exercise)
    return doc
