"""Demo: a 64-16-10 softmax network reads handwritten digits (1,797 real 8x8 images).

Run it with ``python demos/digits.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo digits``.
The code lives in the installed package: tinygraph/demos/digits.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("digits"))
