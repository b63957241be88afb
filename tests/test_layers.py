"""The package's layers: no import cycle among the core's files, and the core (everything
outside ``matdiff_magic/frontend``) never imports IPython, ipywidgets or matplotlib, not even
inside a function. Imports are read from the source with ``ast``, so lazy ones count too."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "matdiff_magic"
FRONT_END = PACKAGE / "frontend"
FORBIDDEN = ("IPython", "ipywidgets", "matplotlib")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of the package (and every outside top-level package) ``path`` imports."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            for alias in node.names:  # `from matdiff_magic import plots` imports a module
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, modules):
            # `import a.b.c` runs a/__init__ and a/b/__init__ too, but those are the package
            # entry points, not dependencies of the code; count the module itself
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _is_package_init(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def test_no_import_cycles():
    graph = _graph()
    # a package's __init__ re-exporting its modules is the package's front door, not a layer
    core = {
        name: {t for t in targets if not _is_package_init(t)}
        for name, targets in graph.items()
        if not _is_package_init(name)
    }
    assert _cycles(core) == []


def test_the_core_imports_no_front_end_library():
    modules = _modules()
    offenders = []
    for name, path in modules.items():
        if path.is_relative_to(FRONT_END) or name in ("matdiff_magic", "matdiff_magic.__main__"):
            continue
        for imported in _imports(path, modules):
            if imported.split(".")[0] in FORBIDDEN or imported.startswith("matdiff_magic.frontend"):
                offenders.append((name, imported))
    assert offenders == []


# The named edges: below the printers, the tree and derivations get their text through
# rendering.py; Result gets plots and the code printer through it too (installed from above),
# so none of these files imports the module on the right, not even inside a function.
MUST_NOT_IMPORT = [
    ("matdiff_magic.tree", "matdiff_magic.printing"),
    ("matdiff_magic.derivation", "matdiff_magic.printing"),
    ("matdiff_magic.result", "matdiff_magic.frontend"),
    ("matdiff_magic.result", "matdiff_magic.printing.numpy_code"),
    ("matdiff_magic.result", "matdiff_magic.printing.numpy_printer"),
]


def test_named_lower_layers_do_not_import_higher_ones():
    modules = _modules()
    offenders = []
    for name, path in modules.items():
        for lower, higher in MUST_NOT_IMPORT:
            if name != lower and not name.startswith(lower + "."):
                continue
            for imported in _imports(path, modules):
                if imported == higher or imported.startswith(higher + "."):
                    offenders.append((name, imported))
    assert offenders == []


def test_importing_the_package_leaves_scipy_and_the_front_end_for_later():
    # Issue 14: importing matdiff costs SymPy and NumPy, which every derivation needs; SciPy
    # (matrix functions only) and the front end's libraries load when first used.
    code = (
        "import sys, matdiff_magic\n"
        "print(sorted(m for m in ('scipy', 'matplotlib', 'IPython', 'ipywidgets')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
