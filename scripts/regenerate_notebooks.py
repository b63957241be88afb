"""Re-execute the lecture notebooks in place so their stored outputs match the current code.

    python scripts/regenerate_notebooks.py                  # every notebook under notebooks/
    python scripts/regenerate_notebooks.py notebooks/03_definition_method.ipynb

Each notebook is run top to bottom in a fresh kernel of *this* Python interpreter (the one
running the script, as ``pytest --nbval-current-env`` does), with the working directory set to
the notebook's folder, the repository on ``PYTHONPATH`` (so an uninstalled checkout works) and
``MATDIFF_LANG`` unset (English unless a cell says ``--lang zh``). Outputs and the kernel
metadata are written back; execution timings are not. Widgets are not stored: neither the
widget state nor the widget views in the outputs, so every static renderer (nbconvert HTML,
GitHub, nbviewer) shows each derivation's LaTeX, Markdown and text fallback, which the magic
puts beside its widget, and an unchanged derivation gives an unchanged file.

    python scripts/regenerate_notebooks.py --strip-only      # only drop widgets, no re-run

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
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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


def strip_widgets(nb: dict) -> bool:
    """Drop the widget state and every widget view, keeping the static fallbacks; True if changed.

    A view whose model is not saved renders as "model not found" in JupyterLab and as nothing
    in nbconvert, so a committed view without its state would hide the derivation.
    """
    changed = nb["metadata"].pop("widgets", None) is not None
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                changed = True
    return changed


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
        store_widget_state=False,
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
    strip_widgets(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def strip_only(paths: list[Path]) -> int:
    """Drop the widgets from the notebooks without running them."""
    import nbformat

    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if strip_widgets(nb):
            nbformat.write(nb, path)
            print(f"stripped {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    parser.add_argument(
        "--strip-only", action="store_true", help="only drop the widgets, do not re-run"
    )
    args = parser.parse_args(argv)
    if args.strip_only:
        return strip_only(notebook_paths(args.notebooks))
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
