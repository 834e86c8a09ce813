"""What several test modules share (no test module imports another): the worked example by hand,
small graphs and networks, and readers of a rendered SVG.  Import what you need:
``from helpers import by_hand, groups, texts``."""

import math
import xml.etree.ElementTree as ET

import tinygraph as tg
from tinygraph.demos import worked_example


# -- the worked example (Mazur's 2-2-2 sigmoid network), by hand ---------------------------

# Its numbers, from the demo (defined there once); the formulas below are by hand.
X = worked_example.INPUTS
W = {(src, dst): w for src, dst, w, _ in worked_example.WEIGHTS}
B = worked_example.BIASES
T = worked_example.TARGETS


def by_hand(W=W, B=B):
    """The delta rule's formulas, in plain floats: O, E, delta_k = O_k(1-O_k)(O_k-t_k),
    delta_j = O_j(1-O_j) sum_k delta_k W_jk, dE/dW_jk = delta_k O_j (dE/dtheta_k = delta_k)."""
    O = dict(X)
    for j in ("h1", "h2", "o1", "o2"):
        s = sum(w * O[src] for (src, dst), w in W.items() if dst == j) + B[j]
        O[j] = 1.0 / (1.0 + math.exp(-s))
    E = 0.5 * sum((O[k] - T[k]) ** 2 for k in T)
    d = {k: O[k] * (1 - O[k]) * (O[k] - T[k]) for k in T}
    for j in ("h1", "h2"):
        d[j] = O[j] * (1 - O[j]) * sum(d[k] * W[(j, k)] for k in T)
    gw = {key: d[key[1]] * O[key[0]] for key in W}
    return O, E, d, gw


def worked():
    """The worked example after a forward pass: (net, its squared error Node, inputs, targets)."""
    net, inputs, targets = worked_example.build()
    out = net.forward(inputs)
    return net, tg.squared_error(out, targets), inputs, targets


def tangled():
    """A graph with sharing (x used four times, y*y with the same parent twice) and several ops."""
    x, y, z = tg.Node(0.7, name="x"), tg.Node(-1.3, name="y"), tg.Node(2.0, name="z")
    a = x * y + x
    b = (a * x).sigmoid() + y * y
    c = (b / z - x).tanh() * 3.0 + (z ** 2.0).log() + (-a).exp()
    return c, (x, y, z)


# -- small networks and graphs to draw, and readers of a rendered SVG --------------------------

SVG = "{http://www.w3.org/2000/svg}"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def xor_net():
    net = tg.Network("xor")
    x1, x2 = net.input("x1"), net.input("x2")
    h1, h2 = net.neuron("h1", bias=-10.0), net.neuron("h2", bias=30.0)
    o = net.neuron("o", bias=-30.0)
    for src, dst, w in [(x1, h1, 20), (x2, h1, 20), (x1, h2, -20), (x2, h2, -20), (h1, o, 20), (h2, o, 20)]:
        net.connect(src, dst, weight=w)
    return net


def net_222_after_backward():
    net = tg.MLP([2, 2, 2], seed=1)
    out = net.forward({"x1": 0.05, "x2": 0.10})
    loss = 0.5 * ((out["o1"] - 0.01) ** 2 + (out["o2"] - 0.99) ** 2)
    loss.backward()
    return net, loss


def small_loss():
    a, b, c, f = (tg.Node(v, name=n) for v, n in [(2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")])
    e = a * b
    d = e + c
    L = d * f
    L.name = "L"
    out = (L + 1.0).sigmoid()
    out.name = "loss"
    out.backward()
    return out, dict(a=a, b=b, c=c, f=f, e=e, d=d, L=L)


# -- reading a rendered SVG (parsed as XML) ----------------------------------------------

def groups(svg):
    """{id: <g>} for the nodes and edges of a rendered SVG (parsed as XML)."""
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(SVG + "g") if g.get("id")}


def texts(el):
    return [t.text or "" for t in el.iter(SVG + "text")]


def fills(el, tag="polygon"):
    return [e.get("fill", "").lower() for e in el.iter(SVG + tag)]


def classes(el):
    return set((el.get("class") or "").split())


def lit(g):
    """The ids of the SVG groups with the class "highlight"."""
    return {k for k, el in g.items() if "highlight" in classes(el)}


def path_points(el):
    """The points of the first <path> in ``el`` (its d attribute: M x,y C x,y x,y x,y ...)."""
    d = next(el.iter(SVG + "path")).get("d")
    nums = d.replace("M", " ").replace("C", " ").replace(",", " ").split()
    return [(float(x), float(y)) for x, y in zip(nums[::2], nums[1::2])]


def box(el):
    """(xmin, ymin, xmax, ymax) of every polygon point inside ``el`` (else of its ellipse or path)."""
    pts = [tuple(map(float, p.split(","))) for pg in el.iter(SVG + "polygon") for p in pg.get("points").split()]
    for e in el.iter(SVG + "ellipse"):
        cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))
        pts += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    if not pts:
        pts = path_points(el)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


# -- names that must be drawn literally ----------------------------------------------------

#: names that Graphviz, XML or HTML would read as something else: (name, the text drawn for it)
NAMES = [
    ("\\N and \\G", "\\N and \\G"),
    ("C:\\Gradients\\Node", "C:\\Gradients\\Node"),
    ("\\n \\l \\r \\E \\T \\H \\L \\x", "\\n \\l \\r \\E \\T \\H \\L \\x"),
    ("a\\\\b \\\\N", "a\\\\b \\\\N"),
    ("ends in \\", "ends in \\"),
    ("\"quoted\" and 'single'", "\"quoted\" and 'single'"),
    ("<b>bold</b> &amp; &lt; &#92; &#x41;", "<b>bold</b> &amp; &lt; &#92; &#x41;"),
    ("a & b < c > d ]]>", "a & b < c > d ]]>"),
    ("bell\x07 tab\t cr\r del\x7f", "bell\\x07 tab\\t cr\\r del\\x7f"),    # control characters shown as text
    ("two\nlines", "two\nlines"),                                      # a newline is a line break
    ("神经元 ニューロン 뉴런", "神经元 ニューロン 뉴런"),
    ("عصبون שלום", "عصبون שלום"),
    ("🧠 neuron 👍🏽 e\u0301 ñ ß Ω θ", "🧠 neuron 👍🏽 e\u0301 ñ ß Ω θ"),
    ("{}[];=,->-- %s {0} $x", "{}[];=,->-- %s {0} $x"),
    ("  two  spaces ", "  two  spaces "),
]


def nasty_net(name=None):
    """One input, a hidden neuron per awkward name (NAMES), one output; after a forward and backward pass."""
    net = tg.Network(NAMES[0][0] if name is None else name)
    x = net.input("x")
    o = net.neuron("out", activation="linear", bias=None)
    for k, (neuron, _) in enumerate(NAMES):
        h = net.neuron(neuron, bias=0.1 * k)
        net.connect(x, h, weight=0.5)
        net.connect(h, o, weight=-0.25)
    tg.squared_error(net.forward({"x": 1.0}), {"out": 0.5}).backward()
    return net


def drawn_texts(svg):
    """Every <text> of an SVG as a reader sees it: the lines of each label, Graphviz's no-break
    spaces (how it keeps a run of spaces) read as spaces."""
    return [(t.text or "").replace("\xa0", " ") for t in ET.fromstring(svg).iter(SVG + "text")]


def shown_as(words, text):
    """True if ``text`` (its lines, for a name with a newline) is among the drawn ``words``."""
    lines = text.split("\n")
    return all(line in words for line in lines)


# -- circles and rows of text ----------------------------------------------------------------

def text_rows(el):
    """[(text, x, y, font size, bold)] of the <text>s in ``el``."""
    return [(t.text or "", float(t.get("x")), float(t.get("y")), float(t.get("font-size")),
             t.get("font-weight") == "bold" or "Bold" in (t.get("font-family") or "")) for t in el.iter(SVG + "text")]


def neuron_circles(g):
    """{name: (cx, cy, r, [(text, x, y, size), ...])} for the neurons in an SVG's groups."""
    out = {}
    for k, el in g.items():
        if k.startswith("neuron-"):
            (c,) = list(el.iter(SVG + "ellipse"))
            ts = [row[:4] for row in text_rows(el)]
            out[ts[0][0]] = (float(c.get("cx")), float(c.get("cy")), float(c.get("rx")), ts)
    return out


def frame_places(svgs):
    """For each SVG frame: its size and the place of every neuron, weight box and graph node box
    (each shape's box in page coordinates: the graph's translate added)."""
    out = []
    for svg in svgs:
        root = ET.fromstring(svg)
        tx, ty = map(float, root.find(SVG + "g").get("transform").split("translate(")[1].rstrip(")").split())
        shapes = []
        for k, el in sorted(groups(svg).items()):
            if k.startswith(("neuron-", "synapse-", "node-", "op-")) and not k.endswith(("-tail", "-head")):
                x0, y0, x1, y1 = box(el)
                shapes.append((k, round(tx + x0, 2), round(ty + y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)))
        out.append(((root.get("width"), root.get("height"), root.get("viewBox")), tuple(shapes)))
    return out


def pixel_net(hidden=13, seed=0):
    """16 inputs named as the pixels of a 4x4 picture -> ``hidden`` tanh neurons -> 3 softmax
    outputs a, b, c, with a sample and its one-hot target: the inputs (16) and, above BIG_LAYER
    (12), the hidden layer are big layers, drawn as a picture and a strip, stepped at once."""
    import random
    rng = random.Random(seed)
    net = tg.Network("pixels")
    xs = [net.input(f"pixel_{r}_{c}") for r in range(4) for c in range(4)]
    hs = [net.neuron(f"h{j}", activation="tanh", bias=rng.uniform(-0.2, 0.2)) for j in range(1, hidden + 1)]
    outs = [net.neuron(k, activation="softmax", bias=rng.uniform(-0.2, 0.2)) for k in "abc"]
    for src, dst in ((xs, hs), (hs, outs)):
        for t in dst:
            for s in src:
                net.connect(s, t, weight=rng.uniform(-0.6, 0.6))
    x = {n.name: (i % 5) / 4 for i, n in enumerate(xs)}
    return net, x, {"a": 0.0, "b": 1.0, "c": 0.0}
