"""Demo: store 5x5 letters in a Hopfield network and recall them from noisy copies.

Run it with ``python demos/hopfield.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo hopfield``.
The code lives in the installed package: tinygraph/demos/hopfield.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("hopfield"))
