"""draw_network: a Network as neurons in columns with the weights on their synapses."""

from __future__ import annotations

from typing import Any, Collection, Dict, Iterable, List, Optional

from ..errors import GraphError
from ..network import Bias, Network, Neuron, Synapse
from .diagram import Diagram
from .dot import HIGHLIGHT, HIGHLIGHT_FILL, NEGATIVE, POSITIVE, ZERO, html, number

__all__ = ["draw_network"]

FONT = "Helvetica"
INPUT_FILL = "#EEEEEE"
HIDDEN_FILL = "#FFFFFF"
OUTPUT_FILL = "#E6F0F8"
#: measured: 1600 synapses lay out in 1-2 s; far more is slow and unreadable anyway
MAX_SYNAPSES = 5000


def _sign_colour(w: float) -> str:
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO


def _collect(items: Iterable[Any], what: str) -> set:
    """The ids of the Neurons/Synapses/Biases in ``items`` (a single one is fine too)."""
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        items = (items,)
    out = set()
    for x in items:
        if not isinstance(x, (Neuron, Synapse, Bias)):
            raise TypeError(f"{what} takes Neurons, Synapses and Biases of the network, "
                            f"got {type(x).__name__} {x!r}")
        out.add(id(x))
    return out


def _columns(net: Network) -> List[List[Neuron]]:
    """Inputs first, hidden neurons by depth, every output in the last column."""
    outputs = net.outputs
    out_ids = {id(n) for n in outputs}
    cols = [[n for n in col if id(n) not in out_ids] for col in net.layers()]
    cols = [c for c in cols if c]
    if outputs:
        cols.append(outputs)
    return cols


def draw_network(net: Network, *, values: bool = True, deltas: bool = False, grads: bool = False,
                 highlight: Iterable[Any] = (), known: Optional[Collection[Any]] = None,
                 title: Optional[str] = None, legend: bool = True, rankdir: str = "LR",
                 allow_large: bool = False) -> Diagram:
    """Draw ``net``: neurons as circles in columns, every synapse an edge labelled with its weight.

    Neurons show their name, their value once known (``values``), their bias
    θ, and on request their delta δ = ∂E/∂net (``deltas``).  ``grads=True``
    adds ∂E/∂w to each synapse and ∂E/∂θ to each bias.  Edge colour shows the
    sign of the weight (blue +, vermillion -) and width its size.
    ``highlight``: Neurons, Synapses, Biases to emphasise (a step being shown).
    ``known``: if given, only these show their delta/grad; others show '?'.
    Networks of more than MAX_SYNAPSES synapses are refused unless ``allow_large=True``.
    """
    if not isinstance(net, Network):
        hint = " (draw_graph draws the computation graph below a Node)" if hasattr(net, "parents") else ""
        raise TypeError(f"draw_network draws a tinygraph Network, got {type(net).__name__}{hint}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if len(net.synapses) > MAX_SYNAPSES and not allow_large:
        raise GraphError(f"network {net.name!r} has {len(net.synapses)} synapses, more than {MAX_SYNAPSES}: "
                         "too many edges to lay out quickly or read. Draw a smaller network, or pass "
                         "allow_large=True and save the DOT text with .save('net.gv') (no layout needed).")
    hl = _collect(highlight, "highlight")
    kn = None if known is None else _collect(known, "known")

    def is_known(x: Any) -> bool:
        return kn is None or id(x) in kn

    cols = _columns(net)
    nid: Dict[int, str] = {}
    order = [n for col in cols for n in col]
    for i, n in enumerate(order):
        nid[id(n)] = f"n{i}"
    synapses = net.synapses
    max_w = max((abs(s.value) for s in synapses), default=0.0)

    lines = ["digraph network {",
             f'  graph [rankdir={rankdir}, ranksep=1.4, nodesep=0.5, newrank=true, '
             f'fontname="{FONT}", fontsize=14, labelloc=t, pad=0.2'
             + (f", label=<<B>{html(title)}</B>>" if title else "") + "];",
             f'  node [shape=circle, style=filled, fontname="{FONT}", fontsize=11, margin=0.02, penwidth=1.2];',
             f'  edge [fontname="{FONT}", fontsize=10, arrowsize=0.6, decorate=true];']

    for n in order:
        head = [f"<B>{html(n.name)}</B>"]          # name, activation, value
        if n.is_input:
            fill = INPUT_FILL
        else:
            fill = OUTPUT_FILL if not n.outgoing else HIDDEN_FILL
            act = n.activation.name if n.activation is not None else "?"
            head.append(f'<FONT POINT-SIZE="9" COLOR="#555555">{html(act)}</FONT>')
        if values and n.value is not None:
            head.append(f"= {html(number(n.value))}")
        bias_rows = []
        if n.bias is not None:
            bias_rows.append(f"θ {html(number(n.bias.value))}")
            if grads:
                g = number(n.bias.grad) if is_known(n.bias) else "?"
                bias_rows.append(f'<FONT POINT-SIZE="9" COLOR="#555555">∂E/∂θ {html(g)}</FONT>')
        tail = []
        if deltas and not n.is_input:
            tail.append(f"δ {html(number(n.delta) if is_known(n) else '?')}")
        if n.bias is not None and id(n.bias) in hl and id(n) not in hl:
            # only the bias is this step's: mark its lines, not the whole neuron
            rows = [f"<TR><TD>{p}</TD></TR>" for p in head]
            rows.append(f'<TR><TD BGCOLOR="{HIGHLIGHT_FILL}" BORDER="1" COLOR="{HIGHLIGHT}">'
                        f'{"<BR/>".join(bias_rows)}</TD></TR>')
            rows += [f"<TR><TD>{p}</TD></TR>" for p in tail]
            label = f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'
        else:
            label = "<BR/>".join(head + bias_rows + tail)
        attrs = [f'id="{nid[id(n)]}"', f"label=<{label}>"]
        if id(n) in hl:
            attrs += [f'fillcolor="{HIGHLIGHT_FILL}"', f'color="{HIGHLIGHT}"', "penwidth=3.5"]
        else:
            attrs.append(f'fillcolor="{fill}"')
        lines.append(f"  {nid[id(n)]} [{', '.join(attrs)}];")

    # keep each column in build order, top to bottom
    for col in cols:
        ids = "; ".join(nid[id(n)] for n in col)
        lines.append(f"  {{rank=same; {ids};}}")
        if len(col) > 1:
            chain = " -> ".join(nid[id(n)] for n in col)
            lines.append(f"  {chain} [style=invis];")

    for i, s in enumerate(synapses):
        w = s.value
        colour = _sign_colour(w)
        width = 0.8 + 3.2 * (abs(w) / max_w if max_w > 0 else 0.0)
        text = f"<B>{html(number(w))}</B>"
        if grads:
            g = number(s.grad) if is_known(s) else "?"
            text += f'<BR/><FONT POINT-SIZE="9">∂E/∂w {html(g)}</FONT>'
        attrs = [f'id="s{i}"', f'fontcolor="{colour}"']
        if id(s) in hl:        # cased in black: the sign colour stays visible in the middle
            attrs += [f'color="{HIGHLIGHT}:{colour}:{HIGHLIGHT}"', f"penwidth={width + 2.5:.2f}"]
            text = (f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" BGCOLOR="{HIGHLIGHT_FILL}">'
                    f"<TR><TD>{text}</TD></TR></TABLE>")
        else:
            attrs += [f'color="{colour}"', f"penwidth={width:.2f}"]
        attrs.append(f"label=<{text}>")
        lines.append(f"  {nid[id(s.src)]} -> {nid[id(s.dst)]} [{', '.join(attrs)}];")

    if legend and order:
        def row(key: str, meaning: str) -> str:
            return f'<TR><TD ALIGN="LEFT">{key}</TD><TD ALIGN="LEFT">{meaning}</TD></TR>'
        rows = [row(f'<B><FONT COLOR="{POSITIVE}">blue</FONT></B>', "positive weight"),
                row(f'<B><FONT COLOR="{NEGATIVE}">red</FONT></B>', "negative weight"),
                row("width", f"grows with |w| (max {html(number(max_w))})")]
        if values:
            rows.append(row("= v", "the neuron's value (output)"))
        if any(n.bias is not None for n in order):
            rows.append(row("θ", "bias: weight of an input fixed at 1"))
        if deltas:
            rows.append(row("δ", "∂E/∂net (net = weighted sum + θ)"))
        if grads:
            rows.append(row("∂E/∂w", "gradient of the error E"))
        if kn is not None and (deltas or grads):
            rows.append(row("?", "not computed yet"))
        if hl:
            rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="{HIGHLIGHT_FILL}">yellow</TD>'
                        '<TD ALIGN="LEFT">this step</TD></TR>')
        lines.append(f'  legend [id="legend", shape=plaintext, style="", fontsize=9, margin=0, label=<'
                     f'<TABLE BORDER="1" COLOR="#BBBBBB" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
                     f"{''.join(rows)}</TABLE>>];")
        last = cols[-1]
        lines.append(f"  {{rank=same; {nid[id(last[-1])]}; legend;}}")
        lines.append(f"  {nid[id(last[-1])]} -> legend [style=invis];")
    lines.append("}")
    return Diagram("\n".join(lines) + "\n")
