"""One error policy: every error tinygraph raises on purpose is a TinygraphError (tinygraph/errors.py).

Each module is read with ``ast``; every ``raise`` is checked.  A learner catches
``tg.TinygraphError`` for any mistake of theirs, and ``except ValueError`` still
works because WrongTypeError, BadValueError, ... subclass the built-in ones.

Allowed, because they are protocol rather than a learner's error:

* a bare ``raise``, or raising a caught exception again (``raise e``);
* ``NotImplementedError`` in an abstract method (a body of only a docstring and the raise);
* ``AttributeError`` in ``__getattr__`` (``hasattr`` and ``getattr(x, name, default)`` rely on it);
* ``StopIteration`` in ``__next__``; ``SystemExit`` (how a command ends with its exit status);
* ``argparse.ArgumentTypeError`` (a ``type=`` function's refusal: argparse shows it as a usage error);
* ``AssertionError`` for an invariant of tinygraph's own that broke (a bug, never the learner's doing:
  the benchmark's cross-checks, the narrative's walk);
* a call of a function that makes the error (``raise _fail(path, problem)``): the function's
  own ``raise`` or ``return`` is what gets checked where the class is named.
"""

import ast
import builtins
import importlib
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest

import tinygraph
from tinygraph.errors import TinygraphError

PACKAGE = Path(tinygraph.__file__).parent
BUILTIN_ERRORS = {name for name, obj in vars(builtins).items()
                  if isinstance(obj, type) and issubclass(obj, BaseException)}
ALLOWED_CLASSES = {"argparse.ArgumentTypeError"}
PROTOCOL = {"AttributeError": {"__getattr__", "__getattribute__", "__setattr__", "__delattr__"},
            "StopIteration": {"__next__"},
            # a raw stream's read: a socket's own timeout, which the server catches (playground/server.py)
            "TimeoutError": {"readinto"}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _raises(tree: ast.AST) -> Iterator[Tuple[ast.Raise, List[ast.AST]]]:
    """Every raise statement with the functions it stands in, innermost last."""
    todo: List[Tuple[ast.AST, List[ast.AST]]] = [(tree, [])]
    while todo:
        node, outer = todo.pop()
        if isinstance(node, ast.Raise):
            yield node, outer
        inner = outer + [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else outer
        todo.extend((child, inner) for child in ast.iter_child_nodes(node))


def _raised(exc: ast.expr) -> Optional[ast.expr]:
    """The expression naming the class raised: ValueError in ``raise ValueError(...)``, in
    ``raise user_facing(ValueError(...))``, in ``raise ValueError``."""
    if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id == "user_facing" and exc.args:
        exc = exc.args[0]
    return exc.func if isinstance(exc, ast.Call) else exc


def _dotted(expr: ast.expr) -> Optional[str]:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    return None


def _abstract(func: ast.AST) -> bool:
    body = list(getattr(func, "body", []))
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _resolve(module: object, dotted: str) -> object:
    obj = module
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def violations(path: Path, source: Optional[str] = None) -> List[str]:
    """Where ``path`` (or ``source`` read as if it were that module) raises something that is not a
    TinygraphError, as "file:line raises Name"."""
    text = path.read_text(encoding="utf-8") if source is None else source
    module = None
    bad = []
    for node, outer in _raises(ast.parse(text)):
        if node.exc is None:
            continue
        name = _dotted(_raised(node.exc))
        if name is None:
            continue
        func = outer[-1].name if outer else ""
        if name in BUILTIN_ERRORS:
            if (name in ("SystemExit", "AssertionError") or func in PROTOCOL.get(name, ())
                    or (name == "NotImplementedError" and outer and _abstract(outer[-1]))):
                continue
            bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno} raises {name}")
            continue
        if name in ALLOWED_CLASSES:
            continue
        if module is None:
            try:
                module = importlib.import_module(_module_name(path))
            except ModuleNotFoundError as e:          # a module of an optional extra (torch_bridge/modules.py)
                if e.name in OPTIONAL_EXTRAS:
                    pytest.skip(f"{path.name} needs {e.name} to resolve its error classes: "
                                f"pip install \"tinygraph[torch]\"")
                raise
        cls = _resolve(module, name)
        if (isinstance(cls, type) and issubclass(cls, BaseException) and not issubclass(cls, TinygraphError)
                and not issubclass(cls, Warning)):
            bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno} raises {name} (not a TinygraphError)")
    return sorted(bad, key=lambda b: int(b.split(":")[1].split()[0]))


OPTIONAL_EXTRAS = {"torch", "onnx", "onnxruntime"}


def test_the_checker_finds_bare_builtin_raises_and_allows_protocol():
    fake = PACKAGE / "errors.py"
    code = ("def f(x):\n    raise ValueError('no')\n"
            "def g():\n    raise user_facing(TypeError('no'))\n"
            "def h():\n    raise RuntimeError\n"
            "def ok():\n    try:\n        pass\n    except ValueError as e:\n        raise e\n"
            "def ok2():\n    raise BadValueError('fine')\n"
            "def __getattr__(name):\n    raise AttributeError(name)\n"
            "class A:\n    def area(self):\n        'Abstract.'\n        raise NotImplementedError\n"
            "    def half(self):\n        x = 1\n        raise NotImplementedError\n"
            "def made():\n    raise _made('x')\n")
    assert violations(fake, code) == ["errors.py:2 raises ValueError", "errors.py:4 raises TypeError",
                                      "errors.py:6 raises RuntimeError", "errors.py:22 raises NotImplementedError"]


def test_the_checker_finds_a_package_class_outside_the_hierarchy():
    assert violations(PACKAGE / "errors.py", "def f():\n    raise difflib.SequenceMatcher\n") == []
    fake = "import json\ndef f():\n    raise json.JSONDecodeError('x', '', 0)\n"     # read as network_file.py
    assert violations(PACKAGE / "networks" / "network_file.py", fake) == [
        "networks/network_file.py:3 raises json.JSONDecodeError (not a TinygraphError)"]


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_deliberate_raise_is_a_tinygraph_error(path):
    bad = violations(path)
    assert not bad, "raise a TinygraphError subclass (tinygraph/errors.py) instead:\n" + "\n".join(bad)


def test_file_index_and_extra_errors_are_also_the_builtin_ones():
    """Code that caught the built-in error before keeps working now that tinygraph raises its own."""
    from tinygraph import errors
    pairs = [(errors.BadIndexError, IndexError), (errors.MissingExtraError, ImportError),
             (errors.FileWriteError, OSError), (errors.FolderGivenError, IsADirectoryError),
             (errors.NoSuchFolderError, FileNotFoundError), (errors.NotAFolderError, NotADirectoryError),
             (errors.NotWritableError, PermissionError)]
    for ours, builtin in pairs:
        assert issubclass(ours, TinygraphError) and issubclass(ours, builtin)
        assert str(ours("what to do")) == "what to do"


def test_a_folder_given_as_a_file_name_is_both_errors(tmp_path):
    from tinygraph.draw.files import check_place
    with pytest.raises(TinygraphError) as e:
        check_place(str(tmp_path), "the diagram", (".svg",), example="net.svg")
    assert isinstance(e.value, IsADirectoryError) and "it is a folder" in str(e.value)
