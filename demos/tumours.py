"""Demo: a 30-8-1 network tells malignant from benign breast tumours (569 real samples).

Run it with ``python demos/tumours.py [--out FILE.svg|DIR] [--fast]``, or ``tinygraph demo tumours``.
The code lives in the installed package: tinygraph/demos/tumours.py.
"""

import sys

from tinygraph.cli import demo_script

if __name__ == "__main__":
    sys.exit(demo_script("tumours"))
