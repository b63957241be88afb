"""Re-execute the lecture notebooks in place so their stored outputs match the current code.

    python scripts/regenerate_notebooks.py                  # every notebook under notebooks/
    python scripts/regenerate_notebooks.py notebooks/03_definition_method.ipynb

Each notebook is run top to bottom in a fresh kernel of *this* Python interpreter (the one
running the script, as ``pytest --nbval-current-env`` does), with the working directory set to
the notebook's folder, the repository on ``PYTHONPATH`` (so an uninstalled checkout works) and
``MATDIFF_LANG`` unset (English unless a cell says ``--lang zh``). Outputs, the widget state and
the kernel metadata are written back; execution timings are not, so an unchanged derivation
gives an unchanged file apart from widget model ids.

Needs ``nbclient`` and ``ipykernel`` (``pip install nbclient ipykernel``). A cell that raises
stops the run for that notebook and the script exits with status 1 (the file is left as it was).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 600  # seconds per cell


def notebook_paths(args: list[str]) -> list[Path]:
    """The notebooks named on the command line, or every one under notebooks/ (sorted)."""
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def prepare_environment() -> None:
    """What every kernel inherits: the repository importable, the language not preset."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    os.environ.pop("MATDIFF_LANG", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugger warning


def current_env_kernel_manager_class() -> type:
    """A kernel manager class whose kernels run ``sys.executable -m ipykernel_launcher``."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    class CurrentEnvKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: object) -> None:
            kwargs.setdefault("kernel_spec_manager", CurrentEnvSpecs())
            super().__init__(**kwargs)

    return CurrentEnvKernelManager


def execute(path: Path) -> float:
    """Run one notebook in place; returns the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        kernel_manager_class=current_env_kernel_manager_class(),
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # The kernelspec stays the portable "python3", whatever interpreter ran the notebook.
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    args = parser.parse_args(argv)
    try:
        import nbclient  # noqa: F401
    except ImportError:
        print("regenerating needs nbclient: pip install nbclient ipykernel", file=sys.stderr)
        return 2
    prepare_environment()
    paths = notebook_paths(args.notebooks)
    if not paths:
        print(f"no notebooks found under {NOTEBOOKS}", file=sys.stderr)
        return 2
    failed = []
    total = 0.0
    for path in paths:
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        try:
            seconds = execute(path)
        except Exception as err:  # a failing cell: report it, keep going with the others
            failed.append(name)
            print(f"FAILED {name}: {type(err).__name__}: {err}", file=sys.stderr)
            continue
        total += seconds
        print(f"{seconds:6.1f}s  {name}")
    print(f"{total:6.1f}s  total, {len(paths) - len(failed)} of {len(paths)} notebooks")
    if failed:
        print("failed: " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
