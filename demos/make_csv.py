"""Write demos/circle.csv and demos/spiral.csv, the two data sets for `tinygraph train`.

    python demos/make_csv.py            # writes both beside this script (fixed seeds: the same files)

circle.csv: 300 points, a disc (label 1) inside a ring (label 0).
spiral.csv: 400 points, two interleaved spirals (labels 1 and 0).
Columns: x1, x2, label.  Train on them with, e.g.,
    tinygraph train demos/circle.csv --target label --hidden 6 --html circle.html
"""

import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tinygraph.datasets import make_circle, make_spiral  # noqa: E402


def write(path, X, Y):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x1", "x2", "label"])
        for (a, b), y in zip(X, Y):
            w.writerow([f"{a:.4f}", f"{b:.4f}", int(y)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "circle.csv"), *make_circle(300, noise=0.05, seed=1))
    write(os.path.join(here, "spiral.csv"), *make_spiral(400, noise=0.03, seed=2))


if __name__ == "__main__":
    main()
