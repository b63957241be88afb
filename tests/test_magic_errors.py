"""A failed %%matdiff cell fails the IPython way: one message with its caret in place of a
traceback, the error state set, so Run All and ``nbconvert --execute`` stop there, and nothing
in the namespace changes."""

from __future__ import annotations

import importlib.util

import pytest
from IPython.testing import globalipapp

from matdiff_magic.frontend.magic import CellError, MatDiff


@pytest.fixture(scope="module")
def ip():
    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.fixture(autouse=True)
def english(ip, monkeypatch):
    monkeypatch.delenv("MATDIFF_LANG", raising=False)
    settings = next(c for c in ip.configurables if isinstance(c, MatDiff))
    settings.lang = None
    yield
    settings.lang = None


@pytest.mark.parametrize(
    "cell, caret_line",
    [
        ("%%matdiff -o r\nA: matrix(m, n)\nB: matrix(m, n)\nA B", "    ^"),
        ("%%matdiff --wrt x\nx' A (x", None),
        ("%matdiff x' A x --wrt nothere", None),
        ("%%matdiff --bogus\nx' x", None),
    ],
)
def test_a_bad_cell_fails_with_one_message(ip, cell, caret_line):
    before = dict(ip.user_ns)
    result = ip.run_cell(cell)
    assert not result.success
    err = result.error_in_exec
    assert isinstance(err, CellError)
    lines = err._render_traceback_()  # what the notebook shows in place of a traceback
    assert lines and lines[0].startswith("error: ")
    assert not any("Traceback" in line or "File " in line for line in lines)
    if caret_line:
        assert lines[-1] == caret_line
    assert "r" not in ip.user_ns or ip.user_ns.get("r") is before.get("r")


def test_a_good_cell_still_succeeds(ip):
    assert ip.run_cell("%matdiff x' x --wrt x --static").success


@pytest.mark.skipif(
    importlib.util.find_spec("nbclient") is None or importlib.util.find_spec("ipykernel") is None,
    reason="nbclient and ipykernel are needed to run a notebook: pip install '.[browser]'",
)
def test_run_all_stops_at_a_bad_cell(tmp_path):
    """Executing a notebook stops at the bad cell (nbclient, what nbconvert --execute uses);
    a cell tagged raises-exception, as teaching cells that show an error are, does not stop."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    def notebook(tagged: bool):
        bad = nbformat.v4.new_code_cell("%%matdiff --wrt x\nx' A (x")
        if tagged:
            bad.metadata["tags"] = ["raises-exception"]
        return nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell("%load_ext matdiff_magic"),
                bad,
                nbformat.v4.new_code_cell("after = 1"),
            ]
        )

    nb = notebook(tagged=False)
    with pytest.raises(CellExecutionError) as caught:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert "expected ')'" in str(caught.value)
    assert nb.cells[2].get("outputs", []) == [] and nb.cells[2].execution_count is None

    nb = notebook(tagged=True)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    error = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert error and error[0].ename == "CellError" and "^" in "\n".join(error[0].traceback)
    assert nb.cells[2].execution_count is not None
