"""Demo: more hidden neurons fit sin(x) as closely as you like.

Run it with ``python demos/universal.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo universal``.
The code lives in the installed package: tinygraph/demos/universal.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("universal"))
