"""The ``tinygraph`` command line: run demos, step through backprop, list demos."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, List, Optional, Sequence

from . import __version__
from .console import is_tty, printable_streams, say
from .demos import DEFAULT_STEP_LR, DEMOS, build_for_steps, demo_key, list_demos, run_demo
from .draw.page import page_place, write_html
from .errors import TinygraphError, user_facing
from .formatting import fmt
from .formulas import Update
from .narrative import REPEAT_UNTIL, NetworkStep, network_steps


PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
BIG_NET = 60           # more synapses than this: the page is big and slow to draw, and step_command says so
QUIT = ("q", "quit", "exit")
BACK = ("b", "back", "p")


def _why_lr(net: Any, steps: Sequence[NetworkStep], lr: float) -> str:
    """One line saying why ``lr`` is used instead of DEFAULT_STEP_LR: the update DEFAULT_STEP_LR would
    make (worked out from the gradients of ``steps``, the steps with ``lr``, before any update)."""
    default = DEFAULT_STEP_LR
    params = [st.subject for st in steps if st.kind == "update"]
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


def step_command(name: str, interactive: bool = False, html: Optional[str] = None,
                 lr: Optional[float] = None, until: Optional[float] = None, quiz: bool = False) -> int:
    """``tinygraph step NAME``: print the text's backprop steps for a demo network.

    ``interactive``: wait for Enter before each next step (b then Enter goes
    back one step, q then Enter quits; end of input stops).  ``html``: also
    write the step player page to that file.  ``lr``: the learning rate η of
    the update; None takes the network's own (the demo's STEP_LR, else 0.5).
    ``until``: the error threshold of the last step ("repeat until E < until").
    ``quiz``: the page asks the learner for each number before it shows it (needs ``html``).
    Returns the exit code.
    """
    printable_streams()
    if quiz and html is None:
        raise user_facing(ValueError("--quiz makes the step page a quiz, so it needs a page to write: "
                                     "add --html FILE.html, e.g. tinygraph step worked-example --html quiz.html --quiz"))
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
            raise user_facing(ValueError(f"the step player is an HTML page, so {html!r} would hold HTML under "
                                         f"another name: give a file ending in .html, e.g. --html {better}"))
        synapses = len(net.synapses)
        if synapses > BIG_NET:
            print(f"note: {net.name} has {synapses} synapses, so the page gets {len(steps)} frames: it will "
                  "be big (megabytes) and take a while to draw (Ctrl-C stops). A smaller network such as "
                  "worked-example or xor shows each step more clearly.", file=sys.stderr)
        size = write_html(html, steps, progress=True, quiz=quiz)

    def count(k: int, what: str) -> str:
        return f"{k} {what}" + ("s" if k != 1 and what != "hidden" else "")

    say(f"Backprop through {net.name} ({count(len(net.inputs), 'input')}, {count(len(net.hidden), 'hidden')}, "
        f"{count(len(net.outputs), 'output')}), one sample, squared error, learning rate η = {fmt(lr)}.")
    if why:
        say(why)
    _tell(steps, interactive)
    if html is not None:
        how = ("type each number before it is shown" if quiz
               else "step with the buttons or the arrow keys, or press space to play")
        say(f"\nwrote {html} ({len(steps)} steps, {size / 1024:.0f} KB): open it in a browser and {how}")
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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tinygraph",
        description="tinygraph: build neural networks node by node, draw them, "
                    "and step through backpropagation.")
    p.add_argument("--version", action="version", version=f"tinygraph {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run a demo (see 'tinygraph demos')")
    d.add_argument("name", nargs="?", default=None, help="which demo, e.g. multiplier (see 'tinygraph demos')")
    d.add_argument("--out", default=None, metavar="FILE|DIR", help=_OUT_HELP)
    d.add_argument("--fast", action="store_true", help="a quick, smaller run (used by the tests)")

    sub.add_parser("demos", help="list the demos")

    s = sub.add_parser("step", help="step through backprop on a demo network")
    s.add_argument("name", nargs="?", default="worked-example", help="which network (default: worked-example)")
    s.add_argument("--interactive", "-i", action="store_true", help="advance on Enter, b goes back, q quits")
    s.add_argument("--html", metavar="FILE.html", default=None,
                   help="also write a self-contained HTML step player page (open it in a browser)")
    s.add_argument("--lr", type=float, default=None,
                   help="learning rate for the update step (default 0.5, smaller for networks that need it)")
    s.add_argument("--until", type=float, default=None, metavar="E",
                   help=f"the error threshold of the last step, 'repeat until E < E' (default {REPEAT_UNTIL:g})")
    s.add_argument("--quiz", action="store_true",
                   help="with --html: the page asks you for each number before it shows it, and keeps a score")
    x = sub.add_parser("export", help="write a saved network for PyTorch (.pt) and/or ONNX (.onnx)",
                       description="Write a network saved with net.save(...) as a torch module file and/or an "
                                   "ONNX model (needs the torch extra: pip install \"tinygraph[torch]\").")
    x.add_argument("network", metavar="NET.json", help="a network saved with net.save(...)")
    x.add_argument("--torch", metavar="FILE.pt", default=None,
                   help="write the torch module (load it with torch.load(FILE, weights_only=False))")
    x.add_argument("--onnx", metavar="FILE.onnx", default=None, help="write an ONNX model")
    x.add_argument("--check", action="store_true",
                   help="read the files back and compare them with the network on random samples "
                        "(outputs, error and gradients; ONNX outputs through onnxruntime)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
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
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `tinygraph step | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, KeyError, TypeError, OSError, RuntimeError, ImportError) as e:
        if isinstance(e, (TinygraphError, KeyError, OSError)) or getattr(e, "user_facing", False):
            msg = e.args[0] if isinstance(e, KeyError) and e.args else e
            print(f"tinygraph: error: {msg}", file=sys.stderr)
            return 2
        raise
    print(f"tinygraph {__version__}: a scalar computation-graph engine for learning neural networks.\n"
          "\n"
          "  tinygraph demos                 list the demos\n"
          "  tinygraph demo multiplier       four neurons multiply two numbers\n"
          "  tinygraph demo NAME --out m.svg   main picture to m.svg (--out DIR: all into a folder)\n"
          "  tinygraph step [NAME] [--html steps.html]   step through backprop\n"
          "\n"
          "Run 'tinygraph -h' for all options.")
    return 0
