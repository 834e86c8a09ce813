"""The package's layout: imports point one way, cli -> demos -> library.

No library module knows the command line or a demo, and no demo knows the
command line; checked by reading every module's imports (relative ones too).
"""

import ast
from pathlib import Path

import pytest

import tinygraph

PACKAGE = Path(tinygraph.__file__).parent


def _imports(path: Path):
    """Every tinygraph module that ``path`` imports, as a dotted name."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = ".".join(parts[:-1])              # the package a relative import starts from (an __init__'s own)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            for alias in node.names:            # from . import demos
                yield f"{target}.{alias.name}"


def _modules(where):
    return [p for p in where.rglob("*.py")]


def _uses(target: str, name: str) -> bool:
    return name == target or name.startswith(target + ".")


def test_the_imports_reader_sees_relative_imports():
    in_init = set(_imports(PACKAGE / "demos" / "__init__.py"))    # relative imports from a package's __init__
    assert "tinygraph.errors" in in_init and "tinygraph.demos.output" in in_init
    imported = set(_imports(PACKAGE / "cli.py"))
    assert any(_uses("tinygraph.demos", n) for n in imported)
    assert any(_uses("tinygraph.stepping.narrative", n) for n in imported)


def test_no_library_module_imports_the_command_line_or_the_demos():
    library = [p for p in _modules(PACKAGE)
               if p.name not in ("cli.py", "__main__.py") and "demos" not in p.relative_to(PACKAGE).parts]
    assert len(library) > 15
    for path in library:
        for name in _imports(path):
            assert not _uses("tinygraph.cli", name), f"{path.relative_to(PACKAGE)} imports {name}"
            assert not _uses("tinygraph.demos", name), f"{path.relative_to(PACKAGE)} imports {name}"
            assert not _uses("tinygraph.__main__", name), f"{path.relative_to(PACKAGE)} imports {name}"


def test_no_demo_imports_the_command_line():
    demos = _modules(PACKAGE / "demos")
    assert len(demos) >= 8
    for path in demos:
        for name in _imports(path):
            assert not _uses("tinygraph.cli", name), f"demos/{path.name} imports {name}"


def test_no_module_is_named_like_a_lazily_loaded_public_name():
    """Importing a module sets the package's attribute of that name to the module: a module called
    network_steps would turn tg.network_steps from the function into a module (not callable).
    (tinygraph/__init__.py imports gradcheck at once, so its function wins over its module.)"""
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir()
                                                         if (p / "__init__.py").is_file()}
    assert not modules & set(tinygraph._LAZY)


#: the optional extras a module may import at its top, and how to install each
OPTIONAL = {"torch": 'pip install "tinygraph[torch]"', "onnx": 'pip install "tinygraph[torch]"',
            "onnxruntime": 'pip install "tinygraph[torch]"', "numpy": 'pip install "tinygraph[fast]"',
            "matplotlib": 'pip install "tinygraph[plots]"', "PIL": 'pip install "tinygraph[gif]"'}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path):
    """What ``path`` imports when it is imported: the imports in the module's own body (not those
    inside functions, which run only when called), as dotted names, relative ones resolved."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def _needs_absent_extra(installed):
    """{module: the optional extra it needs at import time, directly or through another tinygraph
    module} for the extras that ``installed(name)`` says are absent."""
    imports = {_module_name(p): set(_top_level_imports(p)) for p in _modules(PACKAGE)}
    needs = {m: next((n.split(".")[0] for n in names if n.split(".")[0] in OPTIONAL
                      and not installed(n.split(".")[0])), None) for m, names in imports.items()}
    changed = True
    while changed:                       # through the tinygraph modules it imports
        changed = False
        for m, names in imports.items():
            if needs[m] is None:
                extra = next((needs[n] for n in names if needs.get(n)), None)
                if extra is not None:
                    needs[m], changed = extra, True
    return {m: extra for m, extra in needs.items() if extra is not None}


def _installed(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is not None


def test_modules_needing_an_absent_extra_are_found():
    absent = _needs_absent_extra(lambda name: name != "torch")
    assert absent.get("tinygraph.torch_bridge.modules") == "torch"      # import torch at its top
    assert "tinygraph.torch_bridge" not in absent                       # imports torch only when asked
    assert "tinygraph" not in absent and "tinygraph.cli" not in absent
    assert _needs_absent_extra(lambda name: True) == {}


def test_public_names_stay_functions_after_every_module_is_imported():
    """Every module imported (those needing an extra that is not installed are left out: importing
    them fails by design), then every public name is still what it was, not a module."""
    import subprocess
    import sys
    left_out = _needs_absent_extra(_installed)
    code = ("import pkgutil, importlib, sys, tinygraph as tg\n"
            "for m in pkgutil.walk_packages(tg.__path__, 'tinygraph.'):\n"
            "    if m.name != 'tinygraph.__main__' and m.name not in sys.argv[1:]:\n"
            "        importlib.import_module(m.name)\n"
            "bad = [n for n in tg.__all__ if type(getattr(tg, n)).__name__ == 'module']\n"
            "assert not bad, bad\n")
    r = subprocess.run([sys.executable, "-c", code, *left_out], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    if left_out:
        extras = sorted({OPTIONAL[x] for x in left_out.values()})
        pytest.skip(f"checked every module but {', '.join(sorted(left_out))}: they need "
                    f"{', '.join(sorted(set(left_out.values())))} ({'; '.join(extras)})")
