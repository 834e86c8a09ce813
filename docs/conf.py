"""Sphinx configuration of tinygraph's documentation site.

Build it (from the repository root) with the command the README gives:

    pip install ".[docs]" && python -m sphinx -W -n --keep-going -b html docs docs/_build/html

The tutorials are MyST Markdown notebooks executed during every build (a failing cell
fails the build); the pages they make (step player, training page) and the gallery's
pictures are written into the build's own output folder, so nothing can go stale.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))
# The notebooks' kernel is a subprocess: it finds the docs' helper module (tgdocs) through PYTHONPATH.
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE / "_ext"), str(HERE.parent),
                                                       os.environ.get("PYTHONPATH", "")) if p)

import tinygraph  # noqa: E402

project = "tinygraph"
author = "the tinygraph authors"
copyright = "tinygraph authors, MIT licence"
release = version = tinygraph.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "myst_nb",
    "tgdocs",                      # docs/_ext/tgdocs.py: the CLI reference and the pages folder
]

exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "README.md"]
root_doc = "index"

# --- MyST-NB: every tutorial is executed on every build; a failing cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_execution_in_temp = True       # files a tutorial writes (steps.html, data.csv) land in a temp folder
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Math is written as MathML during the build (docs/_ext/tgdocs.py, latex2mathml): browsers render it
# themselves, so the pages need no MathJax and nothing from the network.
html_math_renderer = "mathml"

# Tutorial 8 needs torch, which the docs extra does not install: without torch the page is shown
# with its code and a note (the "only" blocks read this tag), and is not executed.
import importlib.util  # noqa: E402
# (TINYGRAPH_DOCS_NO_TORCH=1 builds the site as a machine without torch would.)
if importlib.util.find_spec("torch") is not None and not os.environ.get("TINYGRAPH_DOCS_NO_TORCH"):
    tags.add("torch")  # noqa: F821 (Sphinx provides tags)
else:
    nb_execution_excludepatterns = ["tutorials/08-pytorch.md"]

# --- autodoc: the reference is generated from the docstrings.
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# -n (nitpicky) checks every cross-reference; names from other projects (typing, numpy, torch)
# cannot be resolved offline, so only those are let through.
nitpick_ignore_regex = [
    ("py:class", r"(typing|collections|os|pathlib|numbers|types|enum|numpy|torch|onnx)(\..*)?"),
    ("py:class", r"(Any|Optional|Union|Sequence|Mapping|Iterable|Iterator|Callable|List|Dict|Tuple|Set)"),
    ("py:class", r"(float|int|str|bool|bytes|object|None|NoneType|type|dict|list|tuple)"),
    ("py:class", r"(Exception|ValueError|TypeError|KeyError|ArithmeticError|OverflowError|ZeroDivisionError"
                 r"|UserWarning|RuntimeWarning|ImportError|ModuleNotFoundError|NamedTuple|PathLike|Path)"),
    ("py:class", r"(tinygraph\.)?[\w.]*\b(PathArg|Table|TableFit|History|DeltaRule|TorchComparison|Drawable"
                 r"|Start|Snapshot|Scaling|Explanation|NetworkStep)\b.*"),
    # the library's internal helper types that type hints mention (not public names)
    ("py:class", r"(tinygraph\.[\w.]*\.)?(_\w+|Number|Sizes|Graph|Built|PlaygroundServer|'\w+')"),
    ("py:data", r".*"),
    ("py:obj", r"(typing|collections)\..*"),
]

# --- HTML: furo (light and dark, a phone layout, Sphinx's own offline search).
html_theme = "furo"
html_title = f"tinygraph {release}"
html_static_path = ["_static"]
html_css_files = ["tinygraph.css"]
# "Run in the browser" on each code cell: tinygraph in Pyodide, from the site the build includes (browser.md)
html_js_files = ["run-in-browser.js"]
html_theme_options = {
    "navigation_with_keys": True,
    "source_repository": "",
}
html_show_sourcelink = False
