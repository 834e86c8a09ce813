"""The ``tinygraph`` command line: run demos, step through backprop, list demos."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tinygraph",
        description="tinygraph: build neural networks node by node, draw them, "
                    "and step through backpropagation.")
    p.add_argument("--version", action="version", version=f"tinygraph {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="run a demo (see 'tinygraph demos')")
    d.add_argument("name", nargs="?", default=None, help="which demo, e.g. multiplier (see 'tinygraph demos')")
    d.add_argument("--out", default=None, metavar="FILE|DIR",
                   help="where the pictures go: a file ending in .svg, .png, .pdf, .gv or .dot gets the "
                        "demo's main picture (its other files go beside it, named as usual); anything "
                        "else is a folder for all of them (default: ./tinygraph-out)")
    d.add_argument("--fast", action="store_true", help="a quick, smaller run (used by the tests)")

    sub.add_parser("demos", help="list the demos")

    s = sub.add_parser("step", help="step through backprop on a demo network")
    s.add_argument("name", nargs="?", default="worked-example", help="which network (default: worked-example)")
    s.add_argument("--interactive", "-i", action="store_true", help="advance on Enter, q quits")
    s.add_argument("--html", metavar="FILE.html", default=None,
                   help="also write a self-contained HTML step player page (open it in a browser)")
    s.add_argument("--lr", type=float, default=None, help="learning rate for the update step (default 0.5, smaller for networks that need it)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    from .demos._common import printable_streams
    printable_streams()          # an ASCII console prints delta, sqrt, # instead of '?' or failing
    try:
        if args.command == "demos":
            from .demos import list_demos
            print(list_demos())
            return 0
        if args.command == "demo":
            from .demos import list_demos, run_demo
            if args.name is None:
                print("tinygraph demo: which demo? Name one, e.g. 'tinygraph demo multiplier'.\n", file=sys.stderr)
                print(list_demos(), file=sys.stderr)
                return 2
            return run_demo(args.name, out=args.out, fast=args.fast)
        if args.command == "step":
            from .backprop import step_command
            return step_command(args.name, interactive=args.interactive, html=args.html, lr=args.lr)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `tinygraph step | head`): stop quietly.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, KeyError, TypeError, OSError, RuntimeError) as e:
        from .errors import TinygraphError
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
