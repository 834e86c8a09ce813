"""Write the four classic data sets tinygraph ships (tinygraph/data/*.csv.gz) from scikit-learn's copies.

    pip install scikit-learn          # needed only here: the library never imports scikit-learn
    python demos/make_data.py         # rewrites the four files, byte for byte the same each time

digits.csv.gz         1,797 handwritten digits, 8x8 pixels 0-16 (pixel_0_0 ... pixel_7_7) and `digit` 0-9
breast-cancer.csv.gz  569 tumours, 30 measurements of cell nuclei and `diagnosis` malignant/benign
iris.csv.gz           150 flowers, 4 measurements in cm and `species` setosa/versicolor/virginica
wine.csv.gz           178 wines, 13 chemical measurements and `class` 0/1/2 (three cultivars)

Rows are in scikit-learn's order; column names are scikit-learn's feature names written with
underscores ("mean radius" -> mean_radius, "sepal length (cm)" -> sepal_length_cm) so they work as
neuron names and in --inputs NAME=VALUE.  Every number is written so that it reads back exactly.
The sources and licences are in the README ("Data sets").  circle and spiral are not files: the
package computes them (tinygraph.data.datasets, see make_csv.py).
"""

import csv
import gzip
import io
import os
import re

from sklearn import datasets as sk

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tinygraph", "data")


def column(name):
    """A feature name as a column name: lower case, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def number(v):
    """The shortest text that reads back as exactly ``v`` (whole numbers without a point)."""
    v = float(v)
    text = str(int(v)) if v.is_integer() else repr(v)
    assert float(text) == v
    return text


def write(name, bunch, target, label):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([column(f) for f in bunch.feature_names] + [target])
    for x, y in zip(bunch.data, bunch.target):
        w.writerow([number(v) for v in x] + [label(y)])
    path = os.path.join(OUT, f"{name}.csv.gz")
    with open(path, "wb") as f:     # mtime 0 and no file name inside: the same bytes on every run
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
            z.write(buf.getvalue().encode("utf-8"))
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path) / 1024:.1f} KB, {len(bunch.data)} rows)")


def main():
    os.makedirs(OUT, exist_ok=True)
    digits = sk.load_digits()
    write("digits", digits, "digit", lambda y: str(int(y)))
    cancer = sk.load_breast_cancer()
    write("breast-cancer", cancer, "diagnosis", lambda y: str(cancer.target_names[y]))
    iris = sk.load_iris()
    write("iris", iris, "species", lambda y: str(iris.target_names[y]))
    wine = sk.load_wine()
    write("wine", wine, "class", lambda y: str(int(y)))


if __name__ == "__main__":
    main()
