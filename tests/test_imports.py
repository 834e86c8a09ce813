"""The package's import graph: no circles, no imports hidden below code, no private names shared.

Every module is read with ``ast``; an import counts wherever it stands (at the top or inside a
function), except under ``if TYPE_CHECKING:`` (annotations only, never run).  A circle between
modules is what imports inside functions and at the bottom of a file (``# noqa: E402``) hide: the
graph has to be drawable bottom-up, the engine on the ground floor.  Test modules stand alone too:
what several share lives in a helper module (tests/helpers.py, tests/chromium.py) or conftest.py.
"""

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import tinygraph

PACKAGE = Path(tinygraph.__file__).parent
TESTS = Path(__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: Dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _import_nodes(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every Import / ImportFrom in ``tree`` at any depth, skipping ``if TYPE_CHECKING:`` bodies."""
    todo: List[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def _target(path: Path, node: ast.ImportFrom) -> str:
    """The absolute dotted module a ``from ... import`` reads from (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    base = package.split(".")
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name: str) -> str:
    """The deepest tinygraph module that ``name`` lies in ('' if none): tinygraph.engine.node.Node -> tinygraph.engine.node."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports(path: Path, source: str = "") -> Iterator[Tuple[str, int, str]]:
    """(module imported, line, the name taken from it or '') for each tinygraph import in ``path``
    (or in ``source`` read as if it were that module)."""
    for node in _import_nodes(ast.parse(source or path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _known(alias.name):
                    yield _known(alias.name), node.lineno, ""
            continue
        target = _target(path, node)
        for alias in node.names:
            whole = f"{target}.{alias.name}"
            if whole in MODULES:                       # from . import losses: the module itself
                yield whole, node.lineno, ""
            elif _known(target):
                yield _known(target), node.lineno, alias.name


def import_graph() -> Dict[str, Set[str]]:
    """module -> the tinygraph modules it imports (a package's own submodules loading it do not count)."""
    graph: Dict[str, Set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, _, _ in imports(path):
            if target != name:
                graph[name].add(target)
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Every circle of imports: the strongly connected groups of modules (Tarjan's algorithm,
    iterative), then each simple circle inside a group."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    groups: List[List[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    groups.append(group)
    return [c for group in groups for c in _circles(graph, set(group))]


def _circles(graph: Dict[str, Set[str]], group: Set[str], most: int = 20) -> List[List[str]]:
    """Every simple circle inside one strongly connected group (up to ``most``), each starting at
    its smallest module: a -> b -> a."""
    order = sorted(group)
    found: List[List[str]] = []
    for i, start in enumerate(order):
        allowed = set(order[i:])
        stack = [(start, [start])]
        while stack and len(found) < most:
            v, path = stack.pop()
            for w in sorted(graph[v] & allowed, reverse=True):
                if w == start:
                    found.append(path + [start])
                elif w not in path:
                    stack.append((w, path + [w]))
    return sorted(found, key=lambda c: (len(c), c))


def test_the_reader_sees_imports_inside_functions_and_skips_type_checking():
    fake = PACKAGE / "stepping" / "fake_module_for_the_reader.py"      # only parsed, never written
    code = ("from typing import TYPE_CHECKING\n"
            "from ..learning import losses as _losses\n"
            "from ..engine.node import _Stamp\n"
            "if TYPE_CHECKING:\n    from ..networks.network import Network\n"
            "def f():\n    from ..draw.dot import number\n    import tinygraph.learning.batch\n")
    assert sorted(imports(fake, code)) == [("tinygraph.draw.dot", 7, "number"), ("tinygraph.engine.node", 3, "_Stamp"),
                                           ("tinygraph.learning.batch", 8, ""), ("tinygraph.learning.losses", 2, "")]


def test_the_cycle_finder_finds_a_circle_and_only_circles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a"], ["a", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_package_imports_form_no_circle():
    """Imports point one way: a drawing of them has floors, the engine (node.py) at the bottom."""
    graph = import_graph()
    assert len(graph) > 40 and "tinygraph.engine.node" in graph["tinygraph.networks.network"]
    found = cycles(graph)
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_engine_imports_nothing_above_it():
    """node.py (and whatever it stands on) knows no network, loss, training, picture or page."""
    graph = import_graph()
    below, todo = set(), ["tinygraph.engine.node"]
    while todo:
        for w in graph[todo.pop()]:
            if w not in below:
                below.add(w)
                todo.append(w)
    upstairs = ("networks", "learning", "stepping", "data", "draw", "explanation", "playground", "torch_bridge",
                "demos", "cli")
    above = sorted(m for m in below if m.split(".")[1] in upstairs)
    assert not above, f"the engine imports {above}"


def test_no_import_hides_below_code():
    """`# noqa: E402` marks an import placed after code, nearly always to dodge a circle."""
    bad = [f"{p.relative_to(PACKAGE)}:{i}" for p in MODULES.values()
           for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "noqa: E402" in line]
    assert not bad, f"imports after code: {bad}"


def test_no_module_takes_a_private_name_from_another():
    """`from .x import _private` reaches behind another module's back: what is shared is public there."""
    bad = []
    for name, path in MODULES.items():
        for target, line, taken in imports(path):
            if taken.startswith("_") and not taken.startswith("__") and target != name:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} takes {target}.{taken}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def test_no_test_module_imports_another():
    """Each test module stands alone; shared helpers live in helper modules or conftest.py."""
    tests = {p.stem for p in TESTS.glob("test_*.py")}
    assert len(tests) > 20
    bad = []
    for path in sorted(TESTS.glob("*.py")):
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""])
            bad += [f"{path.name}:{node.lineno} imports {n}" for n in names
                    if n.split(".")[0] in tests or n.startswith("tests.test_")]
    assert not bad, "test modules importing each other:\n" + "\n".join(bad)


# The folders as floors, bottom first: a module imports only from its own folder or a floor below.
# (tinygraph/__init__.py, the facade, loads names from every floor on first use.)
FLOORS = [("errors", "console", "formatting"), ("engine",), ("networks",), ("learning",), ("data", "draw"),
          ("stepping",), ("explanation", "torch_bridge"), ("playground",), ("demos",), ("cli", "bench"), ("__main__",)]


def _floor(module: str) -> Tuple[int, str]:
    """The floor of a tinygraph module and its folder (or top-level module) name."""
    part = module.split(".")[1]
    for level, names in enumerate(FLOORS):
        if part in names:
            return level, part
    raise AssertionError(f"{module} is on no floor: add its folder to FLOORS")


def test_the_folders_are_floors_and_imports_only_point_down():
    """The listing shows the architecture: engine/ at the bottom, then networks/, learning/, data/ and
    draw/, stepping/, explanation/ and torch_bridge/, playground/, demos/, and the command line."""
    bad = []
    for module, path in MODULES.items():
        if module == "tinygraph":
            continue
        level, folder = _floor(module)
        for target, line, taken in imports(path):
            if target == module or (target == "tinygraph" and taken == "__version__"):
                continue                 # the version string is the one thing read from the facade
            if target == "tinygraph":
                bad.append(f"{module}:{line} imports {taken or 'tinygraph'} from the package facade (import it "
                           f"from its own module)")
                continue
            t_level, t_folder = _floor(target)
            if t_level > level or (t_level == level and t_folder != folder):
                bad.append(f"{module}:{line} (floor {level}) imports {target} (floor {t_level})")
    assert not bad, "imports pointing up or sideways:\n" + "\n".join(sorted(bad))


def test_the_floor_test_catches_an_import_pointing_up():
    fake = PACKAGE / "engine" / "fake_module_for_the_reader.py"      # only parsed, never written
    found = [t for t, _, _ in imports(fake, "from ..stepping.steps import Step\n")]
    assert found == ["tinygraph.stepping.steps"] and _floor(found[0])[0] > _floor("tinygraph.engine.x")[0]
