"""Demo: a 2-2-2 network: forward pass, every delta and gradient, one update.

Run it with ``python demos/worked_example.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo worked-example``.
The code lives in the installed package: tinygraph/demos/worked_example.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("worked-example"))
