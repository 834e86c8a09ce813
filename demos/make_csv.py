"""Write demos/circle.csv and demos/spiral.csv: the shipped data sets `circle` and `spiral` as files.

    python demos/make_csv.py            # writes both beside this script (fixed seeds: the same files)

The package computes both (tinygraph.data.datasets.load_csv_text, from make_circle and make_spiral), so
`tinygraph train circle --target label` needs no file; `tinygraph data circle --out circle.csv`
writes the same file anywhere.
circle.csv: 300 points, a disc (label 1) inside a ring (label 0).
spiral.csv: 400 points, two interleaved spirals (labels 1 and 0).
Columns: x1, x2, label.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tinygraph.data.datasets import load_csv_text  # noqa: E402


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("circle", "spiral"):
        with open(os.path.join(here, f"{name}.csv"), "w", newline="", encoding="utf-8") as f:
            f.write(load_csv_text(name))


if __name__ == "__main__":
    main()
