"""Demo: a 2-2-1 sigmoid network learns XOR by backprop until E is below a threshold.

Run it with ``python demos/xor.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo xor``.
The code lives in the installed package: tinygraph/demos/xor.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("xor"))
