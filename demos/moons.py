"""Demo: a 2-16-16-1 ReLU network learns two moons (hinge loss + L2, SGD).

Run it with ``python demos/moons.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo moons``.
The code lives in the installed package: tinygraph/demos/moons.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("moons"))
