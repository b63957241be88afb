"""Static export: ``jupyter nbconvert --to html`` of every committed notebook shows every
derivation (the committed notebooks carry no widget state, so the HTML has to come from the
LaTeX/Markdown/text fallback the magic puts beside its widget).

For each ``%%matdiff`` cell, every derivation block (``\\begin{aligned} ... \\end{aligned}``) and
every framed result (``\\boxed{...}``) of its stored text/latex output is found in the exported
HTML, as MathJax reads it; every displayed exercise's problem is found too, and no output falls
back to a widget's repr (``VBox(...)``). The notebooks' stored outputs are what is exported (no
kernel runs here; nbval checks that they are current).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

nbconvert = pytest.importorskip("nbconvert", reason="nbconvert is in the test extra")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (REPO / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
_ALIGNED = re.compile(r"\\begin\{aligned\}.*?\\end\{aligned\}", re.S)
_BOXED = re.compile(r"\$\$(\\boxed\{.*?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+)\$")


@pytest.fixture(scope="module")
def exporter() -> nbconvert.HTMLExporter:
    return nbconvert.HTMLExporter()


def _outputs(nb: nbformat.NotebookNode, magic: bool):
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.lstrip().startswith("%%matdiff") != magic:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") in ("display_data", "execute_result"):
                yield cell, output.get("data", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO / "notebooks")))
def test_exported_html_shows_every_derivation(path, exporter):
    nb = nbformat.read(path, as_version=4)
    body, _ = exporter.from_notebook_node(nb)
    shown = html.unescape(body)
    assert "VBox(children" not in shown, "a widget shows as its repr"
    derivations = 0
    for cell, data in _outputs(nb, magic=True):
        latex = data.get("text/latex", "")
        wanted = _ALIGNED.findall(latex) + _BOXED.findall(latex)
        if not wanted:
            continue
        derivations += 1
        for block in wanted:
            assert block in shown, f"{path.name}: not in the HTML:\n{cell.source}\n{block[:300]}"
    exercises = 0
    for cell, data in _outputs(nb, magic=False):
        if "exercise" not in cell.source or "text/markdown" not in data:
            continue
        exercises += 1
        for math in _INLINE.findall(data["text/markdown"]):
            assert math in shown, f"{path.name}: exercise math not in the HTML: {math}"
    printed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") != "stream" or "%%matdiff" in cell.source:
                continue
            printed += 1
            for line in output["text"].splitlines():  # results printed by Python cells
                assert line.strip() in shown, f"{path.name}: printed line not in the HTML: {line}"
    assert derivations or exercises or printed, f"{path.name} shows no derivation"
