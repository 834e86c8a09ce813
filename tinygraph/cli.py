"""The ``tinygraph`` command line: run demos, step through backprop, explain a network, list demos."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from typing import Any, Callable, List, NoReturn, Optional, Sequence

from . import __version__
from .console import is_tty, printable_streams, say
from .demos import DEFAULT_STEP_LR, DEMOS, build_for_steps, demo_key, list_demos, run_demo
from .draw.files import write_whole
from .draw.files import PAGE_SUFFIXES, page_place
from .stepping.page import write_html
from .engine.checks import check_count, check_fraction, check_port, check_rate, check_threshold, decimal_text, whole_text
from .errors import BadValueError, RenderError, TinygraphError, user_facing
from .formatting import fmt
from .stepping.formulas import Update
from .stepping.narrative import REPEAT_UNTIL, NetworkStep, network_steps


BIG_NET = 60           # more synapses than this: the page is big and slow to draw, and step_command says so
QUIT = ("q", "quit", "exit")
BACK = ("b", "back", "p")


def _why_lr(net: Any, steps: Sequence[NetworkStep], lr: float) -> str:
    """One line saying why ``lr`` is used instead of DEFAULT_STEP_LR: the update DEFAULT_STEP_LR would
    make (worked out from the gradients of ``steps``, the steps with ``lr``, before any update)."""
    default = DEFAULT_STEP_LR
    params = [p for st in steps if st.kind in ("update", "updates") for p in (st.group or [st.subject])]
    p = max(params, key=lambda q: abs(default * q.grad) / max(abs(q.value), 1e-300))
    top = max(abs(q.grad) for q in params)
    return (f"η = {fmt(lr)} here, not {fmt(default)}: {net.name}'s gradients reach {fmt(top)}, so "
            f"η = {fmt(default)} would take {p.name} from {fmt(p.value)} to "
            f"{Update(p.name, p.value, p.grad, default).shown} in one "
            f"step; with η = {fmt(lr)} each update is small next to the weight it changes (--lr sets η).")


def _ask(prompt: str) -> Optional[str]:
    """The learner's answer to ``prompt`` (lower case, stripped), or None at the end of the input."""
    piped = not is_tty(sys.stdin)   # no echoed Enter: end the prompt's line ourselves
    try:
        answer = input(prompt)
    except EOFError:
        say("")
        return None
    if piped:
        say("")
    return answer.strip().lower()


def _tell(steps: Sequence[NetworkStep], interactive: bool) -> None:
    """Print the steps under their stage headings.  ``interactive``: wait after each one for
    Enter (next), b (back one step) or q (quit); the end of the input stops too."""
    i, stage = 0, 0
    while i < len(steps):
        st = steps[i]
        if st.stage != stage:
            stage = st.stage
            say(f"\n{stage}. {st.stage_name}")
        say(f"[{st.index}/{st.total}] {st}")
        if st.walk_line:
            say(f"        ({st.walk_line})")
        if not interactive:
            i += 1
            continue
        last = i == len(steps) - 1
        while True:
            answer = _ask("   (Enter: end, b: back) " if last else "   (Enter: next, b: back, q: quit) ")
            if answer is None or answer in QUIT:
                return
            if answer in BACK and i == 0:
                say("   (this is the first step)")
                continue
            break
        i = i - 1 if answer in BACK else i + 1


def _hint(said: float, want: float) -> str:
    """A hint after a wrong answer that does not give the number away."""
    if want != 0 and said != 0 and (said > 0) != (want > 0):
        return "check the sign"
    if want == 0:
        return "look at what the formula multiplies by: is one factor 0?"
    r = abs(said / want)
    if 0.9 < r < 1.1:
        return "close, but more than 1% off: check the arithmetic and keep more decimals"
    if r >= 5 or r <= 0.2:
        return (f"yours is about {round(r)} times too large" if r > 1 else
                f"yours is about {round(1 / r)} times too small") + ": check each factor of the formula"
    return f"yours is too {'large' if r > 1 else 'small'}: work through the formula's numbers one by one"


def _quiz(steps: Sequence[NetworkStep]) -> None:
    """The quiz in the terminal: each number is asked for (the step's line with "= ?") and shown only
    once answered right (within QUIZ_TOLERANCE) or asked for with Enter; a wrong answer gets a hint and
    another try.  q quits; the end of the input stops.  The score counts right first tries."""
    from .draw.player import QUIZ_TOLERANCE
    right = asked = 0
    stage = 0
    say(f"Type each number (within {QUIZ_TOLERANCE:.0%}); Enter shows it, q quits.")
    for st in steps:
        if st.stage != stage:
            stage = st.stage
            say(f"\n{stage}. {st.stage_name}")
        if st.number is None or st.kind in ("input", "new forward", "repeat"):
            say(f"[{st.index}/{st.total}] {st}")
            continue
        want = float(st.number)
        say(f"[{st.index}/{st.total}] {st.formula}" + (f" = {st.numbers}" if st.numbers else "") + " = ?")
        asked += 1
        tries = 0
        while True:
            answer = _ask("   your answer (Enter: show it, q: quit): ")
            if answer is None or answer in QUIT:
                say(f"score: {right} of {asked - 1 if tries == 0 else asked} right on the first try")
                return
            if answer == "":
                say(f"   it is {st.shown or fmt(want)}:  {st}")
                break
            try:
                said = float(answer.replace("\u2212", "-").replace(",", "."))
            except ValueError:
                say("   type a number, e.g. 0.25 (or Enter to see it)")
                continue
            tries += 1
            if abs(said - want) <= QUIZ_TOLERANCE * abs(want) + (1e-12 if want == 0 else 0):
                right += tries == 1
                say(f"   \u2713 right{'' if tries == 1 else f' on try {tries}'}:  {st}")
                break
            say(f"   \u2717 not yet: {_hint(said, want)}. Try again, or Enter to see it.")
    say(f"\nscore: {right} of {asked} right on the first try")


def step_command(name: str, interactive: bool = False, html: Optional[str] = None,
                 lr: Optional[float] = None, until: Optional[float] = None, quiz: bool = False) -> int:
    """``tinygraph step NAME``: print the text's backprop steps for a demo network.

    ``interactive``: wait for Enter before each next step (b then Enter goes
    back one step, q then Enter quits; end of input stops).  ``html``: also
    write the step player page to that file.  ``lr``: the learning rate η of
    the update; None takes the network's own (the demo's STEP_LR, else 0.5).
    ``until``: the error threshold of the last step ("repeat until E < until").
    ``quiz``: ask the learner for each number before showing it: in the page with ``html``, else
    in the terminal (each answer hidden until asked for).
    Returns the exit code.
    """
    printable_streams()
    key, net, inputs, targets, demo_lr = build_for_steps(name)
    own_lr = lr is None
    if own_lr:
        lr = demo_lr
    steps = network_steps(net, inputs, targets, lr=lr, until=REPEAT_UNTIL if until is None else until)
    why = _why_lr(net, steps, lr) if own_lr and lr != DEFAULT_STEP_LR else ""
    if html is not None:
        html = page_place(html)
        suffix = os.path.splitext(html)[1].lower()
        if suffix not in PAGE_SUFFIXES:
            better = os.path.splitext(html)[0] + ".html"
            raise user_facing(BadValueError(f"the step player is an HTML page, so {html!r} would hold HTML under "
                                         f"another name: give a file ending in .html, e.g. --html {better}"))
        synapses = len(net.synapses)
        if synapses > BIG_NET and len(steps) > 2 * BIG_NET:    # big layers come at once: not always many frames
            print(f"note: {net.name} has {synapses} synapses, so the page gets {len(steps)} frames: it will "
                  "be big (megabytes) and take a while to draw (Ctrl-C stops). A smaller network such as "
                  "worked-example or xor shows each step more clearly.", file=sys.stderr)
        size = write_html(html, steps, progress=True, quiz=quiz)

    def count(k: int, what: str) -> str:
        return f"{k} {what}" + ("s" if k != 1 and what != "hidden" else "")

    say(f"Backprop through {net.name} ({count(len(net.inputs), 'input')}, {count(len(net.hidden), 'hidden')}, "
        f"{count(len(net.outputs), 'output')}), one sample, "
        f"{'cross-entropy of the softmax outputs' if net.softmax_layer() else 'squared error'}, learning rate η = {fmt(lr)}.")
    if why:
        say(why)
    if quiz and html is None:
        _quiz(steps)
    elif not quiz:
        _tell(steps, interactive)
    if html is not None:
        how = ("type each number before it is shown" if quiz
               else "step with the buttons or the arrow keys, or press space to play")
        say(f"\nwrote {html} ({len(steps)} steps, {size / 1024:.0f} KB): open it in a browser and {how}")
    return 0


def _numbered_class(net: Any, values: Optional[Sequence[str]], targets: Any) -> Any:
    """--targets 3 for a softmax layer whose classes are numbers (digits, trained on a table): the class
    '3', not one value for its many outputs; any other targets as they are."""
    if not (isinstance(targets, list) and len(targets) == 1 and len(net.outputs) > 1 and values):
        return targets
    token = " ".join(values).replace(",", " ").split()[0]
    labels = list(getattr(net.scaling, "labels", None) or ())     # a table's classes, one per output
    return token if len(labels) == len(net.outputs) and token in labels else targets


def _sample(values: Optional[Sequence[str]], option: str) -> Any:
    """--inputs/--targets as given: NAME=VALUE ... (a dict) or VALUE ... in the network's order (a list);
    commas may separate them too.  None when the option was not given."""
    if values is None:
        return None
    tokens = [t for v in values for t in v.replace(",", " ").split()]
    if not tokens:
        raise user_facing(BadValueError(f"{option} needs values, e.g. {option} x1=0.05 x2=0.1 (or 0.05 0.1)"))
    named = ["=" in t for t in tokens]
    if any(named) and not all(named):
        raise user_facing(BadValueError(f"{option}: give every value with its name (NAME=VALUE) or none of them, "
                                     f"not a mix: {' '.join(tokens)}"))

    def number(text: str, name: str = "") -> float:
        try:
            return float(text)
        except ValueError:
            where = f" for {name!r}" if name else ""
            raise user_facing(BadValueError(f"{option}: {text!r}{where} is not a number")) from None

    if all(named):
        out = {}
        for t in tokens:
            name, _, value = t.partition("=")
            if not name:
                raise user_facing(BadValueError(f"{option}: {t!r} has no name before '='"))
            out[name] = number(value, name)
        return out
    return [number(t) for t in tokens]


def _class_or_sample(values: Optional[Sequence[str]]) -> Any:
    """--targets as given: one word that is not a number is the right class of a softmax layer (an
    output's name or a class label, e.g. --targets setosa); else as :func:`_sample` reads it."""
    tokens = [] if values is None else [t for v in values for t in v.replace(",", " ").split()]
    if len(tokens) == 1 and "=" not in tokens[0]:
        try:
            float(tokens[0])
        except ValueError:
            return tokens[0]
    return _sample(values, "--targets")


def explain_command(network: str, inputs: Optional[Sequence[str]] = None, targets: Optional[Sequence[str]] = None,
                    lr: Optional[float] = None, error: Optional[str] = None, until: Optional[float] = None,
                    format: Optional[str] = None, exercise: bool = False, out: Optional[str] = None,
                    update: str = "all") -> int:
    """``tinygraph explain NAME | FILE.json``: write the worked example of a network (every step of
    backprop in symbols and with its numbers) as Markdown, HTML or LaTeX.

    NAME is a demo network (its sample and η unless --inputs/--targets/--lr say otherwise); FILE.json
    a saved network, which needs --inputs and --targets.  ``out``: the file (its suffix picks the
    format unless ``format`` is given; default tinygraph-out/NAME-explained.md; "-" prints it).
    ``exercise``: the numbered-blanks version, with its answer key beside it.  ``update``: "all"
    (weights and biases, the default) or "weights" (the biases kept, as in Mazur's worked example).
    Returns the exit code.
    """
    from .explanation import explain
    from .explanation.document import FORMATS, format_of
    from .networks.network import Network

    x, t = _sample(inputs, "--inputs"), _class_or_sample(targets)
    if network.lower().endswith(".json") or os.path.isfile(network):
        net = Network.load(network)
        key = os.path.splitext(os.path.basename(network))[0]
        if x is None or t is None:
            missing = " and ".join(o for o, v in (("--inputs", x), ("--targets", t)) if v is None)
            ins = " ".join(f"{n.name}=..." for n in net.inputs)
            outs = " ".join(f"{n.name}=..." for n in net.outputs)
            if net.outputs and all(n.activation is not None and n.activation.name == "softmax" for n in net.outputs):
                labels = list(getattr(net.scaling, "labels", None) or ())     # a table's classes, one per output
                outs = (labels if len(labels) == len(net.outputs) else [n.name for n in net.outputs])[0]
            raise user_facing(BadValueError(f"{network} is a saved network, so explain needs the sample: give "
                                         f"{missing}, e.g. --inputs {ins} --targets {outs}"))
        own_lr = DEFAULT_STEP_LR
    else:
        key, net, demo_x, demo_t, own_lr = build_for_steps(network)
        x = demo_x if x is None else x
        t = demo_t if t is None else t
    t = _numbered_class(net, targets, t)
    if format is not None:
        format = format_of("", format)
    if out is None:
        from .demos.output import DEFAULT_OUT
        os.makedirs(DEFAULT_OUT, exist_ok=True)
        out = os.path.join(DEFAULT_OUT, f"{key}-explained{FORMATS[format or 'md'][0]}")
    elif out != "-":
        suffix = os.path.splitext(out)[1].lower()
        given = next((f for f, suffixes in FORMATS.items() if suffix in suffixes), None)
        if format is None:
            format = format_of(out)           # from the suffix, or an error that asks for one
        elif given is not None and given != format:
            raise user_facing(BadValueError(f"--out {out} is a .{given} file but --format is {format}: "
                                         "drop one of them or make them agree"))
    doc = explain(net, x, t, lr=own_lr if lr is None else lr, error=error, until=until, exercise=exercise,
                  data_units=True, update=update)                  # a saved network's sample is in its data's own units
    if out == "-":
        fmt = format or "md"
        print(doc.markdown("inline") if fmt == "md" else doc.html() if fmt == "html" else doc.latex(), end="")
        return 0
    files = doc.save(out, format)
    size = os.path.getsize(files[0])
    say(f"wrote {files[0]} ({size / 1024:.0f} KB)" + (": an exercise with " + str(len(doc.blanks)) +
                                                      " numbered blanks" if exercise else ""))
    for f in files[1:]:
        what = "the answer key" if f.stem.endswith("-key") and f.suffix == files[0].suffix else "picture"
        say(f"  and {f} ({what})")
    return 0


def demo_script(name: str, argv: Optional[Sequence[str]] = None) -> int:
    """What ``python demos/<name>.py`` runs: ``tinygraph demo <name>`` with the script's own --help.

    The script fixes the demo, so its usage shows only --out and --fast (not
    the generic ``tinygraph demo [name]``); the options are then passed on unchanged.
    """
    from pathlib import Path

    from .demos.output import rel
    module, line = DEMOS[demo_key(name)]
    argv = sys.argv[1:] if argv is None else list(argv)
    script = sys.argv[0] if sys.argv and sys.argv[0].endswith(f"{module}.py") else ""
    prog = rel(Path(script)) if script else f"demos/{module}.py"
    parser = argparse.ArgumentParser(
        prog=prog, description=f"Demo: {line}. The same as 'tinygraph demo {demo_key(name)}'.")
    parser.add_argument("--out", default=None, metavar="FILE.svg|DIR", help=_OUT_HELP)
    parser.add_argument("--fast", action="store_true", help="a quick, smaller run (used by the tests)")
    parser.parse_args(argv)            # --help, or a clear error for an unknown option, in this usage
    return main(["demo", demo_key(name)] + argv)


_OUT_HELP = ("where the pictures go: a file ending in .svg, .png, .pdf, .gv or .dot gets the demo's main "
             "picture (its other files go beside it, named as usual); anything else is a folder for all "
             "of them (default: ./tinygraph-out)")


def _hidden(text: str) -> List[int]:
    """--hidden 8,8 as [8, 8] ('' or 0: no hidden layer)."""
    if text.strip() in ("", "0"):
        return []
    try:
        sizes = [whole_text(t, "--hidden") for t in text.split(",")]
    except BadValueError:
        raise argparse.ArgumentTypeError(f"--hidden takes layer sizes like 8 or 8,8, got {text!r}") from None
    if any(k < 1 for k in sizes):
        raise argparse.ArgumentTypeError(f"--hidden: every layer needs at least one neuron, got {text!r}")
    if any(k > MOST_NEURONS for k in sizes):
        raise argparse.ArgumentTypeError(f"--hidden: at most {MOST_NEURONS} neurons a layer, got {text!r} (every "
                                         "neuron is a node of its own here: more would take hours an epoch)")
    return sizes


# -- one checked way into every command ------------------------------------------------------------
# Every option value is checked by its argparse ``type`` (built on tinygraph.engine.checks), so a bad one is
# refused before any work starts, as one line on stderr with exit status 2; output places are tried
# (a file made and removed beside them) at the same time, so a slow training never ends in a refusal.

MOST_EPOCHS = 1_000_000      # more is surely a typo: at a millisecond an epoch, eleven days
MOST_NEURONS = 4096          # per hidden layer: a scalar engine with more takes hours an epoch


def _typed(check: Callable[[str], Any], name: str) -> Callable[[str], Any]:
    """An argparse ``type`` from ``check(text)``: what it refuses becomes argparse's one-line error."""
    def parse(text: str) -> Any:
        try:
            return check(text)
        except (TinygraphError, ValueError, TypeError, OSError) as e:
            raise argparse.ArgumentTypeError(_one_line(e)) from None
    parse.__name__ = name
    return parse


def _rate(text: str) -> float:
    return check_rate(decimal_text(text, "η (the learning rate)"), "η")


def _threshold(text: str) -> float:
    return check_threshold(decimal_text(text, "the error threshold"), "the error threshold")


def _epochs(text: str) -> int:
    return check_count(whole_text(text, "the number of epochs"), "the number of epochs", least=1, most=MOST_EPOCHS,
                       why=" (a typo? training that long would take days; Ctrl-C stops a long run anyway)")


def _fraction(text: str) -> float:
    return check_fraction(decimal_text(text, "the test fraction"), "the test fraction")


def _record(text: str) -> int:
    return check_count(whole_text(text, "--record"), "--record (a frame every K epochs)", least=1)


def _seed(text: str) -> int:
    return whole_text(text, "the seed")


def _port(text: str) -> int:
    return check_port(whole_text(text, "the port"))


def _activation(text: str) -> str:
    from .engine.activations import get_activation
    get_activation(text)
    return text


def _error_name(text: str) -> str:
    from .learning.losses import get_loss
    get_loss(text)
    return text


def _column(text: str) -> str:
    if not text.strip():
        raise BadValueError(f"the target column has no name ({text!r}): give the header of the column to predict")
    return text


def _place(what: str, option: str, example: str, suffixes: Optional[Sequence[str]] = None,
           stdout: bool = False) -> Callable[[str], str]:
    """The type of an option naming a file to write: ``check_place`` (which tries its folder too).
    ``stdout``: "-" means standard output."""
    def place(text: str) -> str:
        if stdout and text == "-":
            return text
        from .draw.files import check_place
        return check_place(text, what, suffixes=suffixes, example=example, spelled=f"{option} {example}")
    return place


def _save_place(text: str) -> str:
    """--save NET.json: a network file's rules (saving.check_save_path), and a folder that takes files."""
    from .draw.files import try_folder
    from .networks.saving import check_save_path
    path = os.path.expanduser(text)
    check_save_path(path)
    try_folder(path, "--save net.json")
    return text


def _data_name(text: str) -> str:
    from .data.datasets import data_set
    return data_set(text).name


def _data_out(text: str) -> str:
    """data --out FILE.csv|DIR|-: standard output, a folder that takes files, or a CSV file to write."""
    from .draw.files import check_place, try_folder
    path = os.path.expanduser(text)
    if text == "-":
        return text
    if os.path.isdir(path):
        try_folder(os.path.join(path, "data.csv"), "--out circle.csv")
        return text
    check_place(path, "the data set", suffixes=(".csv",), example="circle.csv", spelled="--out circle.csv")
    return text


def _demo_out(text: str) -> str:
    """demo --out FILE.svg|DIR: the folder it goes to (made if missing, as the demo does) must take files."""
    from .demos.output import DIAGRAM_SUFFIXES
    from .draw.files import try_folder
    path = os.path.expanduser(text)
    if not path.strip():
        raise BadValueError("--out has no name: give a folder (e.g. --out pictures) or a picture file (--out m.svg)")
    picture = not os.path.isdir(path) and os.path.splitext(path)[1].lower() in DIAGRAM_SUFFIXES
    up = os.path.abspath(os.path.dirname(os.path.abspath(path)) if picture else path)
    while not os.path.exists(up):
        up = os.path.dirname(up)
    if os.path.isdir(up):               # else a file stands where a folder belongs: the demo says so
        try_folder(os.path.join(up, "picture.svg"), "--out pictures")
    return text


def _site_out(text: str) -> str:
    """site --out DIR: a new folder, an empty one, or one holding a site built before (playground.site.check_out)."""
    from .playground.site import check_out
    check_out(text)
    return text


def _site_cache(text: str) -> str:
    """site --cache DIR: a folder (made if missing) that takes files, for the fetched npm tarballs."""
    from .draw.files import try_folder
    if not text.strip():
        raise BadValueError("--cache has no name: give a folder for the downloaded packages, e.g. --cache npm-cache")
    path = os.path.abspath(os.path.expanduser(text))
    if os.path.exists(path) and not os.path.isdir(path):
        raise BadValueError(f"--cache {text}: that is a file; give a folder, e.g. --cache npm-cache")
    up = path
    while not os.path.exists(up):
        up = os.path.dirname(up)
    if not os.path.isdir(up):
        raise BadValueError(f"--cache {text}: {up} is a file, so no folder can be made there")
    try_folder(os.path.join(up, "x.tgz"), "--cache npm-cache")
    return text


def site_command(out: str, cache: Optional[str] = None) -> int:
    """``tinygraph site --out DIR``: the static site where the playground runs in the browser (Pyodide)."""
    from .playground.site import build_site
    say(str(build_site(out, cache=cache)))
    return 0


NODE_ENGINE_SLOW = 100_000   # rows x weights and biases above which the node engine takes minutes per run


def _slow_without_numpy(rows: int, inputs: int, hidden: Sequence[int], classes: int) -> str:
    """One line when numpy is missing and the node engine will take a long time at this size ('' if not)."""
    try:
        import numpy
        del numpy                                    # only asked whether batch mode could run
        return ""
    except ImportError:
        pass
    sizes = [inputs] + list(hidden) + [classes if classes > 2 else 1]
    params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if rows * params <= NODE_ENGINE_SLOW:
        return ""
    return (f"  numpy is not installed, so this trains on the node engine (every number a Node): {rows:,} rows x "
            f"{params:,} weights and biases can take minutes; pip install \"tinygraph[fast]\" trains the same "
            "network in batch mode, in seconds")


def train_command(data: str, target: str, hidden: Sequence[int] = (8,), activation: str = "tanh",
                  lr: float = 0.5, until: Optional[float] = None, epochs: int = 500, test_fraction: float = 0.2,
                  seed: int = 0, save: Optional[str] = None, html: Optional[str] = None, gif: Optional[str] = None,
                  classify: Optional[bool] = None, record: Optional[int] = None) -> int:
    """``tinygraph train DATA.csv --target COLUMN``: read, train, report; optionally save, page, GIF."""
    from .draw.files import check_place
    from .networks.saving import check_save_path, save_network
    from .data.tables import read_table, train_table
    # every place is checked before the (slow) training, so a typo costs nothing
    if save is not None:
        check_save_path(os.path.expanduser(save))
    if html is not None:
        html = check_place(html, "the page", suffixes=PAGE_SUFFIXES, example="run.html", spelled="--html run.html")
    if gif is not None:
        gif = check_place(gif, "the animation", suffixes=(".gif",), example="run.gif", spelled="--gif run.gif")
        from .draw.training_page import need_pillow
        need_pillow()
    table = read_table(data, target, classify=classify)
    if table.classes > 2:
        kind = f"classifier of {table.classes} classes ({', '.join(map(repr, table.labels or ()))}), softmax outputs"
    elif table.classifier:
        kind = f"classifier ({table.labels[0]!r} -> 0, {table.labels[1]!r} -> 1)"     # type: ignore[index]
    else:
        kind = "regression"
    print(f"{data_source(data)}: {len(table.rows)} rows; inputs {', '.join(table.inputs)}; target {target!r}: {kind}")
    if table.codes:
        print(f"  ({target!r} holds {table.classes} different whole numbers, read as class labels; "
              "add --regression to predict the numbers instead)")
    if table.constant:
        c = list(table.constant)
        shown = ", ".join(c if len(c) <= 8 else c[:6] + ["...", c[-1]])
        print(f"  {len(c)} column{'s' if len(c) > 1 else ''} never change{'' if len(c) > 1 else 's'} ({shown}), so "
              f"{'they' if len(c) > 1 else 'it'} cannot help: kept as input{'s' if len(c) > 1 else ''} of weight 0 "
              "(standardised to 0), so that the inputs stay whole")
    if record is None and (html or gif):
        record = max(1, epochs // 40)
    slow = _slow_without_numpy(len(table.rows), len(table.inputs), hidden, table.classes)
    if slow:
        print(slow)
    from .learning.training import DivergenceError
    try:
        fit = train_table(table, hidden=hidden, activation=activation, lr=lr, until=until, epochs=epochs,
                          test_fraction=test_fraction, seed=seed, record=record)
    except DivergenceError as e:
        smaller = f"{lr / 10:g}"
        raise DivergenceError(f"training diverged with --lr {lr:g} (the error grew too large for a float): "
                              f"give a smaller learning rate, e.g. --lr {smaller}") from e
    h = fit.history
    sizes = "-".join(str(k) for k in [len(table.inputs)] + list(hidden) + [len(fit.net.outputs)])
    print(f"trained a {sizes} network ({activation}) for {h.epochs} epochs with the {fit.engine} engine in "
          f"{h.seconds:.2f} s{' (converged)' if h.converged else ''}")
    units = "" if table.classifier else f" (in {target}'s units, squared)"
    print(f"  {h.loss}{units}: train {fit.train_error:.6g}" + (f", test {fit.test_error:.6g}" if fit.test_error
                                                              is not None else "")
          + f"  ({fit.n_train} train rows, {fit.n_test} test rows)")
    if fit.baseline_error is not None and fit.test_error is not None:
        print(f"  predicting the mean of the training targets for every test row: {h.loss} {fit.baseline_error:.6g}"
              f" ({'the network does better' if fit.test_error < fit.baseline_error else 'the network does no better'})")
    if fit.train_accuracy is not None:
        print(f"  accuracy: train {fit.train_accuracy:.1%}" + (f", test {fit.test_accuracy:.1%}"
                                                              if fit.test_accuracy is not None else ""))
        print(confusion_text(table.labels, fit, target))
    if save is not None:
        save_network(fit.net, os.path.expanduser(save))
        print(f"saved the network (with its input scaling) to {save}; predict with: tinygraph predict {save} ROWS.csv")
    if html is not None or gif is not None:
        from .draw.training_page import training_page
        page = training_page(h, title=f"{os.path.basename(data)}: a {sizes} network learns {target}", progress=True)
        for path in (html, gif):
            if path is not None:
                size = page.save(path)
                print(f"wrote {path} ({size / 1024:.0f} KB, {len(h.snapshots)} frames)")
    return 0


def confusion_text(labels: Sequence[str], fit: Any, target: str) -> str:
    """The accuracy per class and the confusion matrix (rows: the true class, columns: the predicted one)."""
    rows = "test" if fit.n_test else "training"
    counts = fit.confusion
    per = fit.class_accuracy()
    width = max(len(str(max(map(max, counts)))), max(len(label) for label in labels), 3)
    lines = [f"  per class on the {rows} rows (rows: the true {target}, columns: the predicted one):"]
    left = max(len(label) for label in labels)
    lines.append("    " + " " * left + "  " + " ".join(label.rjust(width) for label in labels) + "   right")
    for label, row, acc in zip(labels, counts, per):
        lines.append("    " + label.rjust(left) + "  " + " ".join(str(c).rjust(width) for c in row)
                     + ("   " + (f"{acc:.0%}" if acc is not None else "-")).rjust(8))
    return "\n".join(lines)


def _check_scaling(net: Any, network: str) -> None:
    """A saved scaling must name exactly the network's inputs (else predict would scale the wrong columns)."""
    from .errors import NetworkFileError
    scaling = getattr(net, "scaling", None)
    names = [n.name for n in net.inputs]
    if scaling is not None and sorted(scaling.names) != sorted(names):
        raise NetworkFileError(f"{network}: its input scaling is for {', '.join(map(repr, scaling.names))} but the "
                               f"network's inputs are {', '.join(map(repr, names))}: the file was changed by hand "
                               "or comes from another network; save the network again with tinygraph train --save")


def predict_command(network: str, rows: str) -> int:
    """``tinygraph predict net.json rows.csv``: the outputs of a saved network for each row, as CSV."""
    import csv
    from .networks.saving import load_network
    from .data.tables import predict_table
    net = load_network(network)
    _check_scaling(net, network)
    head, out = predict_table(net, rows)
    if data_source(rows) != rows:
        print(f"rows: {data_source(rows)}", file=sys.stderr)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(head)
    w.writerows(out)
    return 0


def data_source(source: str) -> str:
    """How the output names the data ``source`` that train/predict/play read: a shipped data set's name
    says that it is the shipped one, and a real file that shares a data set's name says it won."""
    from .data.datasets import shipped_name
    name = shipped_name(source)
    if name is None:
        return source
    if os.path.isfile(source):
        return f"{source} (the file here; tinygraph also ships a data set {name!r})"
    return f"{source} (the data set shipped with tinygraph; no file of that name here)"


def data_command(name: Optional[str] = None, out: Optional[str] = None, force: bool = False) -> int:
    """``tinygraph data [NAME] [--out FILE.csv]``: list the data sets that come with tinygraph, describe
    one, or write one out as a CSV file (``--out -`` prints it) so a learner can look at it and make
    rows to predict.  An existing file is only replaced with ``force`` (or when it already holds
    exactly this data set)."""
    from .data.datasets import data_set, data_sets, load_csv_text
    from .errors import listed
    if name is None:
        if out is not None:
            raise user_facing(BadValueError("--out writes one data set: name it, e.g. tinygraph data circle --out circle.csv"))
        say("The data sets that come with tinygraph: name one wherever a CSV file goes, e.g. "
            "tinygraph train circle --target label (a file of that name, if there is one, wins).\n")
        for d in data_sets():
            say(f"  {d.name:<14} {d.rows:>5} rows x {d.inputs:>2} inputs, target {d.target:<10} {d.summary}")
        say("\ntinygraph data NAME describes one (with its source and licence); "
            "tinygraph data NAME --out NAME.csv writes it as a CSV file.")
        return 0
    info = data_set(name)                      # an unknown name: the closest one and the list
    text = load_csv_text(info.name)
    if out == "-":
        sys.stdout.write(text)
        return 0
    if out is not None:
        path = os.path.expanduser(out)
        if os.path.isdir(path):
            path = os.path.join(path, f"{info.name}.csv")
        if os.path.exists(path) and not force:
            with open(path, "rb") as f:
                same = f.read() == text.encode("utf-8")
            if not same:
                raise user_facing(BadValueError(f"{path} already exists and holds something else: give another "
                                             f"--out, or add --force to replace it with the data set {info.name!r}"))
            say(f"{path} already holds the data set {info.name!r} ({info.rows} rows): left it as it is")
            return 0
        write_whole(path, text, spelled=f"--out {info.name}.csv")
        say(f"wrote {path} ({info.rows} rows; columns: {info.inputs} inputs and the target {info.target!r}); "
            f"train on it with: tinygraph train {path} --target {info.target}")
        return 0
    lines = text.splitlines()
    header = lines[0].split(",")
    t = header.index(info.target)
    counts: dict = {}
    for line in lines[1:]:
        label = line.split(",")[t]
        counts[label] = counts.get(label, 0) + 1
    inputs = [h for j, h in enumerate(header) if j != t]
    say(f"{info.name}: {info.summary}")
    say(f"  {info.rows} rows; {info.inputs} inputs: {listed(inputs, most=8)}")
    say(f"  target {info.target!r}: " + ", ".join(f"{k} ({v} rows)" for k, v in counts.items()))
    say(f"  source: {info.source}; licence {info.licence}")
    say("  the first rows:")
    for line in lines[:4]:
        say("    " + (line if len(line) <= 100 else line[:97] + "..."))
    say(f"write it out: tinygraph data {info.name} --out {info.name}.csv")
    say(f"train on it:  tinygraph train {info.name} --target {info.target}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with its error as one line: what is wrong, and where the help is."""

    def error(self, message: str) -> "NoReturn":
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} -h')\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="tinygraph",
        description="tinygraph: build neural networks node by node, draw them, "
                    "and step through backpropagation.")
    p.add_argument("--version", action="version", version=f"tinygraph {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run a demo (see 'tinygraph demos')")
    d.add_argument("name", nargs="?", default=None, help="which demo, e.g. multiplier (see 'tinygraph demos')")
    d.add_argument("--out", default=None, type=_typed(_demo_out, "place"), metavar="FILE|DIR", help=_OUT_HELP)
    d.add_argument("--fast", action="store_true", help="a quick, smaller run (used by the tests)")

    sub.add_parser("demos", help="list the demos")

    s = sub.add_parser("step", help="step through backprop on a demo network")
    s.add_argument("name", nargs="?", default="worked-example", help="which network (default: worked-example)")
    s.add_argument("--interactive", "-i", action="store_true", help="advance on Enter, b goes back, q quits")
    s.add_argument("--html", metavar="FILE.html", default=None,
                   type=_typed(_place("the page", "--html", "steps.html"), "place"),
                   help="also write a self-contained HTML step player page (open it in a browser)")
    s.add_argument("--lr", type=_typed(_rate, "rate"), default=None,
                   help="learning rate for the update step (default 0.5, smaller for networks that need it)")
    s.add_argument("--until", type=_typed(_threshold, "threshold"), default=None, metavar="E",
                   help=f"the error threshold of the last step, 'repeat until E < E' (default {REPEAT_UNTIL:g})")
    s.add_argument("--quiz", action="store_true",
                   help="a quiz: asks you for each number before it shows it (a hint and another try after a "
                        "wrong answer) and keeps a score; in the terminal, or in the page with --html")
    x = sub.add_parser("export", help="write a saved network for PyTorch (.pt) and/or ONNX (.onnx)",
                       description="Write a network saved with net.save(...) as a torch module file and/or an "
                                   "ONNX model (needs the torch extra: pip install \"tinygraph[torch]\").")
    x.add_argument("network", metavar="NET.json", help="a network saved with net.save(...)")
    x.add_argument("--torch", metavar="FILE.pt", default=None,
                   type=_typed(_place("the torch module", "--torch", "net.pt"), "place"),
                   help="write the torch module (load it with torch.load(FILE, weights_only=False))")
    x.add_argument("--onnx", metavar="FILE.onnx", default=None, help="write an ONNX model",
                   type=_typed(_place("the ONNX model", "--onnx", "net.onnx"), "place"))
    x.add_argument("--check", action="store_true",
                   help="read the files back and compare them with the network on random samples "
                        "(outputs, error and gradients; ONNX outputs through onnxruntime)")

    e = sub.add_parser("explain", help="write the worked example of a network: every step of backprop, in "
                                       "symbols and with its numbers (Markdown, HTML or LaTeX)")
    e.add_argument("network", nargs="?", default="worked-example",
                   help="a demo network (e.g. worked-example, multiplier) or a saved network FILE.json")
    e.add_argument("--inputs", nargs="+", metavar="NAME=VALUE",
                   help="the sample's inputs (NAME=VALUE ..., or VALUE ... in the network's order); "
                        "default: the demo's")
    e.add_argument("--targets", nargs="+", metavar="NAME=VALUE",
                   help="the sample's targets, like --inputs; for a softmax output layer the right class will do "
                        "(an output's name or, for a network trained on a table, its label: --targets setosa)")
    e.add_argument("--lr", type=_typed(_rate, "rate"), default=None, help="the learning rate η of the update (default: the "
                                                          "demo's, else 0.5)")
    e.add_argument("--error", default=None, metavar="NAME", type=_typed(_error_name, "error"),
                   help="the error: squared_error (the text's, default), mse, bce or hinge")
    e.add_argument("--until", type=_typed(_threshold, "threshold"), default=None, metavar="T",
                   help=f"the error threshold of the closing 'repeat until E < T' (default {REPEAT_UNTIL:g})")
    e.add_argument("--update", choices=["all", "weights"], default="all",
                   help="which parameters the step updates: all (weights and biases, default) or weights "
                        "(the biases kept fixed, the convention of Mazur's published worked example)")
    e.add_argument("--format", choices=["md", "html", "tex"], default=None,
                   help="md (Markdown with LaTeX math, pictures as SVG files beside it), html (one "
                        "self-contained page with MathML) or tex (LaTeX); default: from --out, else md")
    e.add_argument("--exercise", action="store_true",
                   help="leave the deltas, gradients and new weights blank (numbered) and write the answer "
                        "key beside it as FILE-key")
    e.add_argument("--out", metavar="FILE", default=None,
                   type=_typed(_place("the explanation", "--out", "explained.md", stdout=True), "place"),
                   help="where to write it (default tinygraph-out/NAME-explained.md); - prints it "
                        "(an exercise's answer key is then not written)")
    t = sub.add_parser("train", help="train a network on your own data (a CSV file with a header row)",
                       description="Train a layered network on a CSV file: the header names the columns, every "
                                   "column but the target is an input. A target of labels, 0/1 or a few whole "
                                   "numbers trains a classifier (softmax outputs for three or more classes), other "
                                   "numbers a regression. Inputs are standardised; the scaling is "
                                   "saved with the network.")
    t.add_argument("data", metavar="DATA.csv", help="the data: a header row, then one row per sample; or the name "
                                                    "of a data set that comes with tinygraph (tinygraph data lists them)")
    t.add_argument("--target", required=True, metavar="COLUMN", type=_typed(_column, "column"),
                   help="the column to predict")
    t.add_argument("--hidden", type=_hidden, default=[8], metavar="8,8", help="hidden layer sizes (default 8)")
    t.add_argument("--activation", default="tanh", type=_typed(_activation, "activation"), help="the hidden neurons' activation (default tanh)")
    t.add_argument("--lr", type=_typed(_rate, "rate"), default=0.5, help="learning rate (default 0.5)")
    t.add_argument("--until", type=_typed(_threshold, "threshold"), default=None, metavar="E",
                   help="stop once the error is below E")
    t.add_argument("--epochs", type=_typed(_epochs, "epochs"), default=500, metavar="N", help="at most N epochs (default 500)")
    t.add_argument("--test-fraction", type=_typed(_fraction, "fraction"), default=0.2, metavar="F",
                   help="the part of the rows held out to test on (default 0.2)")
    t.add_argument("--seed", type=_typed(_seed, "seed"), default=0, help="seed of the split and the starting weights (default 0)")
    kind = t.add_mutually_exclusive_group()
    kind.add_argument("--classify", action="store_true", default=None,
                      help="insist on a classifier, e.g. for a column of many whole numbers that are class codes")
    kind.add_argument("--regression", dest="classify", action="store_false", default=None,
                      help="insist on a regression, e.g. for a column of a few whole numbers (read as classes "
                           "otherwise) that are amounts")
    t.add_argument("--save", metavar="NET.json", default=None, type=_typed(_save_place, "place"), help="save the trained network (and its scaling)")
    t.add_argument("--html", metavar="FILE.html", default=None, help="write the training page",
                   type=_typed(_place("the page", "--html", "run.html", PAGE_SUFFIXES), "place"))
    t.add_argument("--gif", metavar="FILE.gif", default=None,
                   type=_typed(_place("the animation", "--gif", "run.gif", (".gif",)), "place"),
                   help="write the training as an animated GIF (needs Pillow: pip install \"tinygraph[gif]\")")
    t.add_argument("--record", type=_typed(_record, "record"), default=None, metavar="K",
                   help="with --html/--gif: a frame every K epochs (default: about 40 frames)")
    dt = sub.add_parser("data", help="the data sets that come with tinygraph: list them, or write one out as CSV",
                        description="List the data sets that come with tinygraph (circle, spiral, digits, "
                                    "breast-cancer, iris, wine), describe one, or write one out as a CSV file. "
                                    "Any command that reads a CSV file also takes their names.")
    dt.add_argument("name", nargs="?", default=None, type=_typed(_data_name, "data set"),
                    help="which data set (none: list them)")
    dt.add_argument("--out", metavar="FILE.csv", default=None, type=_typed(_data_out, "place"),
                    help="write it to this CSV file (a folder: NAME.csv in it; - prints it)")
    dt.add_argument("--force", action="store_true", help="with --out: replace a file that holds something else")
    pr = sub.add_parser("predict", help="a saved network's outputs for the rows of a CSV file")
    pr.add_argument("network", metavar="NET.json", help="a network saved by 'tinygraph train --save'")
    pr.add_argument("rows", metavar="ROWS.csv", help="a CSV file with the network's inputs as columns (or a "
                                                     "data set's name, see tinygraph data)")
    pl = sub.add_parser("play", help="play with a network live in the browser: change inputs, weights, biases "
                                     "and watch the forward pass, backprop and training (a local server)")
    pl.add_argument("source", nargs="?", default="worked-example", metavar="NAME|FILE.json|DATA.csv",
                    help="a demo network (default worked-example), a saved network, or a CSV file (or a data "
                         "set's name, see tinygraph data) with --target")
    pl.add_argument("--target", default=None, metavar="COLUMN", type=_typed(_column, "column"),
                    help="with DATA.csv: the column to predict")
    pl.add_argument("--hidden", type=_hidden, default=None, metavar="8,8",
                    help="with DATA.csv: hidden layer sizes (default 4)")
    pl.add_argument("--activation", default=None, type=_typed(_activation, "activation"), help="with DATA.csv: the hidden neurons' activation (default tanh)")
    pl.add_argument("--port", type=_typed(_port, "port"), default=0, help="the port on 127.0.0.1 (default: a free one)")
    pl.add_argument("--no-browser", action="store_true", help="only print the address, do not open a browser")
    st = sub.add_parser("site", help="write a static site where the playground and the step player run in the "
                                     "browser (Pyodide; no install, any static web host)")
    st.add_argument("--out", required=True, metavar="DIR", type=_typed(_site_out, "folder"),
                    help="the folder to write (new, empty, or a site built before)")
    st.add_argument("--cache", default=None, metavar="DIR", type=_typed(_site_cache, "folder"),
                    help="where the fetched npm packages are kept (default ~/.cache/tinygraph/npm); with them "
                         "there, a build needs no network")
    return p


def _play_data(source: str, target: Optional[str]) -> str:
    """``tinygraph play NAME --target COLUMN`` with a shipped data set's name: what the playground reads
    (it takes data by a name ending in .csv, which the tables then find among the shipped sets)."""
    from .data.datasets import load_csv_text, shipped_name
    name = shipped_name(source)
    if target is None or name is None or os.path.isfile(source) or source.lower().endswith(".csv"):
        if name is not None and target is not None:
            print(f"data: {data_source(source)}", flush=True)
        return source
    print(f"data: {data_source(source)}", flush=True)
    spelled = f"{source}.csv"
    if os.path.isfile(spelled):              # the playground would read that file: say so if it differs
        with open(spelled, "rb") as f:
            if f.read() != load_csv_text(name).encode("utf-8"):
                print(f"note: playing with the file {spelled} here, which differs from the shipped {name!r}; "
                      "rename it to play with the shipped one", flush=True)
    return spelled


def play_start(source: str, target: Optional[str] = None, hidden: Optional[Sequence[int]] = None,
               activation: Optional[str] = None) -> Any:
    """What ``tinygraph play SOURCE`` plays with: a demo NAME, a saved FILE.json or DATA.csv --target COLUMN."""
    from .playground import start_for
    from .playground.state import Start
    source = _play_data(source, target)

    def demo(name: str) -> Start:
        key, net, x, t, lr = build_for_steps(name)
        # the moons demo plays on its whole data set (split into training and test points), not one sample
        return Start(net, x, t, lr=lr, title=key, dataset="moons" if key == "moons" else None)
    return start_for(source, target, hidden=hidden, activation=activation, named=demo)


def play_command(source: str, target: Optional[str] = None, port: int = 0, browser: bool = True,
                 hidden: Optional[Sequence[int]] = None, activation: Optional[str] = None) -> int:
    """``tinygraph play``: serve the playground on 127.0.0.1 until Ctrl-C."""
    from .playground import PlaygroundServer
    server = PlaygroundServer(play_start(source, target, hidden=hidden, activation=activation), port=port)
    print(f"tinygraph playground for {server.start.title}: {server.url}\n"
          "(only this machine can open it; the token in the address is its key). Ctrl-C stops it.", flush=True)
    if browser:
        import webbrowser
        try:
            webbrowser.open(server.url)
        except Exception:
            pass
    server.wait()
    print("stopped the playground", flush=True)
    return 0


#: errors that are not the learner's input: the command could not finish (exit status 1)
_NOT_THE_INPUT = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EIO, errno.ENOMEM)


def _exit_status(e: BaseException) -> Optional[int]:
    """The exit status for an error that ends a command: 2 when the learner's input (an option, a
    file, the data) must change; 1 when the command could not finish for another reason (a full disk,
    no memory, Graphviz failing); None for anything else, a bug, which keeps its traceback."""
    from .playground.errors import SiteError
    if isinstance(e, (MemoryError, RenderError, SiteError)):
        return 1
    if isinstance(e, OSError):
        return 1 if e.errno in _NOT_THE_INPUT else 2
    if isinstance(e, (TinygraphError, KeyError)) or getattr(e, "user_facing", False):
        return 2
    return None


def _one_line(e: BaseException) -> str:
    """An error's message as one line (a KeyError's without its quotes)."""
    if isinstance(e, MemoryError):
        return "not enough memory for this: try a smaller network or less data"
    msg = str(e.args[0]) if isinstance(e, KeyError) and not isinstance(e, TinygraphError) and e.args else str(e)
    return " ".join(line.strip() for line in msg.splitlines() if line.strip()) or type(e).__name__


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit code.

    Every option value is checked as it is parsed (a bad one: one line on stderr, exit status 2,
    before any work).  An error that ends a command is one line too: exit status 2 when the input
    must change, 1 when the command could not finish for another reason (a full disk, Graphviz
    failing); an error that is a bug in tinygraph keeps its traceback.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:             # a refused option, already said on stderr (--help, --version: exit 0)
        if not e.code:
            raise
        return e.code if isinstance(e.code, int) else 2
    printable_streams()          # an ASCII console prints delta, sqrt, # instead of '?' or failing
    try:
        if args.command == "demos":
            print(list_demos())
            return 0
        if args.command == "demo":
            if args.name is None:
                print("tinygraph demo: which demo? Name one, e.g. 'tinygraph demo multiplier'.\n", file=sys.stderr)
                print(list_demos(), file=sys.stderr)
                return 2
            return run_demo(args.name, out=args.out, fast=args.fast)
        if args.command == "step":
            return step_command(args.name, interactive=args.interactive, html=args.html, lr=args.lr,
                                until=args.until, quiz=args.quiz)
        if args.command == "export":
            if args.torch is None and args.onnx is None:
                print("tinygraph export: say what to write: --torch FILE.pt and/or --onnx FILE.onnx",
                      file=sys.stderr)
                return 2
            from .torch_bridge import export
            report = export(args.network, torch_path=args.torch, onnx_path=args.onnx, check=args.check)
            print(report)
            return 0 if report.ok else 1
        if args.command == "train":
            return train_command(args.data, args.target, hidden=args.hidden, activation=args.activation, lr=args.lr,
                                 until=args.until, epochs=args.epochs, test_fraction=args.test_fraction,
                                 seed=args.seed, save=args.save, html=args.html, gif=args.gif,
                                 classify=args.classify, record=args.record)
        if args.command == "predict":
            return predict_command(args.network, args.rows)
        if args.command == "data":
            return data_command(args.name, out=args.out, force=args.force)
        if args.command == "play":
            return play_command(args.source, target=args.target, port=args.port, browser=not args.no_browser,
                                hidden=args.hidden, activation=args.activation)
        if args.command == "site":
            return site_command(args.out, cache=args.cache)
        if args.command == "explain":
            return explain_command(args.network, inputs=args.inputs, targets=args.targets, lr=args.lr,
                                   error=args.error, until=args.until, format=args.format,
                                   exercise=args.exercise, out=args.out, update=args.update)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `tinygraph step | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (Exception, MemoryError) as e:
        code = _exit_status(e)
        if code is None:
            raise                       # a bug in tinygraph: its traceback is what a report needs
        print(f"tinygraph: error: {_one_line(e)}", file=sys.stderr)
        return code
    print(f"tinygraph {__version__}: a scalar computation-graph engine for learning neural networks.\n"
          "\n"
          "  tinygraph demos                 list the demos\n"
          "  tinygraph demo multiplier       four neurons multiply two numbers\n"
          "  tinygraph demo NAME --out m.svg   main picture to m.svg (--out DIR: all into a folder)\n"
          "  tinygraph step [NAME] [--html steps.html]   step through backprop\n"
          "  tinygraph explain [NAME] [--format html]   the worked example, written out\n"
          "  tinygraph data [NAME] [--out FILE.csv]   the data sets that come with tinygraph\n"
          "  tinygraph train DATA.csv --target COLUMN [--html run.html]   train on your own data\n"
          "  tinygraph play [NAME]           change the network live in your browser\n"
          "  tinygraph export net.json --torch net.pt   take it to PyTorch (or --onnx)\n"
          "\n"
          "Run 'tinygraph -h' for all options.")
    return 0
