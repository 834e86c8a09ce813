"""Demo: one neuron multiplies three bits: s(beta(b1+b2+b3) - 2.5 beta), exact with a step.

Run it with ``python demos/three_bits.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo three-bits``.
The code lives in the installed package: tinygraph/demos/three_bits.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("three-bits"))
