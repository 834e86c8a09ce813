"""Demo: four neurons multiply two numbers: x*y from sigmoids (Lin-Tegmark-Rolnick).

Run it with ``python demos/multiplier.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo multiplier``.
The code lives in the installed package: tinygraph/demos/multiplier.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("multiplier"))
