"""What the magic gives back and how it talks: one result object (``-o NAME`` and
``r = %matdiff ...``: a Result for one method, a Comparison used like a Result for several),
shown once; namespace arrays named in the problem statement; ``%%matdiff?`` and Tab completion;
errors with the caret under the unclosed bracket, editor line numbers and advice in the
caller's syntax."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.testing import globalipapp

import matdiff_magic as md
from matdiff_magic.frontend.cli import run as cli
from matdiff_magic.frontend.magic import CellError, MatDiff, MatDiffMagics
from matdiff_magic.frontend.options import METHOD_HELP, OPTIONS
from matdiff_magic.i18n import message

QUADRATIC = "x: vector(n); A: matrix(n, n)\nx' A x"


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


@pytest.fixture
def ns(ip):
    before = set(ip.user_ns)
    yield ip.user_ns
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]


@pytest.fixture
def shown(ip, monkeypatch):
    publisher = CapturingDisplayPublisher()
    monkeypatch.setattr(ip, "display_pub", publisher)
    return publisher.outputs


def quadratic_values(n: int = 4, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(n, 1)), "A": rng.normal(size=(n, n))}


# -- a Comparison is used like a Result -----------------------------------------------------------
def test_a_comparison_answers_like_a_result():
    c = md.compare(QUADRATIC, "x")
    assert len(c.results) >= 2
    v = quadratic_values()
    gradient = (v["A"] + v["A"].T) @ v["x"]  # the closed form
    assert np.allclose(c.evaluate(v), gradient)
    assert c.agreed is c.results["differential"]  # what derive's "auto" gives
    assert c.latex == md.derive(QUADRATIC, "x").latex
    assert c.text == md.derive(QUADRATIC, "x").text
    assert c.shape == c.agreed.shape and c.steps is c.agreed.steps
    # SymPy's form evaluated at the same point
    import sympy

    expr = c.sympy()
    symbols = {s.name: s for s in expr.free_symbols}
    explicit = expr.subs(
        {symbols["A"]: sympy.Matrix(v["A"]), symbols["x"]: sympy.Matrix(v["x"])}
    ).doit()
    assert np.allclose(np.array(explicit, dtype=float), gradient)
    # another layout: the transpose, nothing re-derived
    row = c.with_layout("numerator")
    assert isinstance(row, md.Comparison)
    assert np.allclose(row.evaluate(v), gradient.T)
    # the generated code computes the same numbers
    namespace: dict[str, object] = {}
    exec(c.numpy_code(), namespace)
    assert np.allclose(namespace["derivative"](v["x"], v["A"]).reshape(-1), gradient.reshape(-1))


def test_a_comparison_whose_methods_disagree_says_so():
    c = md.compare(QUADRATIC, "x")
    wrong = md.derive("x: vector(n); A: matrix(n, n)\nx' A' A x", "x")  # another function
    broken = dataclasses.replace(
        c,
        results={"differential": c.results["differential"], "vectorization": wrong},
        agree_symbolic=False,
        agree_numeric=False,
        max_rel_diff=0.5,
    )
    with pytest.raises(md.VerificationError, match="the methods disagree") as err:
        _ = broken.latex
    assert ".results['differential']" in str(err.value)
    assert "各方法结果不一致" in err.value.message_in("zh")
    assert "the methods disagree" in repr(broken)  # still shown, without an answer


def test_a_comparison_shows_its_methods_stacked_and_translated():
    c = md.compare(QUADRATIC, "x")
    html = c._repr_html_()
    assert "auto-fit" not in html and "<table" not in html  # methods stacked, not in columns
    titles = [message(f"method.{m}", "en") for m in c.results]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)  # one below the other, in order
    assert "Differentiate" in html and "the function" in html  # header and rule names
    zh = md.compare(QUADRATIC, "x", lang="zh")._repr_html_()
    assert all(message(f"method.{m}", "zh") in zh for m in c.results)
    assert "求" in zh and not any(t in zh for t in titles)
    assert "矩阵微分法" in c.in_language("zh")._repr_latex_()
    with pytest.raises(md.MatDiffError, match="unknown language"):
        c.in_language("fr")


# -- the magic gives the same object both ways, shown once ----------------------------------------
def test_line_magic_returns_what_o_stores(ip, ns, shown):
    ip.run_cell("r = %matdiff x' A x --wrt x --static -o stored")
    r, stored = ns["r"], ns["stored"]
    assert r is stored and isinstance(r, md.Comparison)
    assert r.latex == md.compare("x' A x", "x").latex
    ip.run_cell("one = %matdiff x' A x --wrt x --method vectorization --static")
    assert isinstance(ns["one"], md.Result) and ns["one"].method == "vectorization"


def test_a_stored_comparison_speaks_the_cells_language(ip, ns, shown):
    ip.run_cell(f"%%matdiff --static --wrt x --lang zh -o c\n{QUADRATIC}")
    assert "矩阵微分法" in ns["c"]._repr_html_()


def test_a_cell_shows_its_result_once(ip, ns, shown, capsys):
    result = ip.run_cell(f"%%matdiff --static --wrt x\n{QUADRATIC}")
    assert result.success and isinstance(result.result, md.Comparison)
    assert len(shown) == 1  # the derivations, displayed by the magic
    assert "Out[" not in capsys.readouterr().out  # and not a second time by IPython
    assert "_" not in ns or ns["_"] is not result.result  # the magic writes no name but -o's
    # the last line of a cell is a line magic: once too
    result = ip.run_cell("y = 1\n%matdiff x' A x --wrt x --static")
    assert len(shown) == 2 and "Out[" not in capsys.readouterr().out
    ip.run_cell("%matdiff x' x --wrt x --static\n%matdiff x' A x --wrt x --static")
    assert len(shown) == 4 and "Out[" not in capsys.readouterr().out
    # asked for, it is shown: ``r = %matdiff ...`` then ``r``
    ip.run_cell("r = %matdiff x' A x --wrt x --static\nr")
    assert "Out[" in capsys.readouterr().out


def test_a_failed_cell_returns_nothing(ip, ns, shown):
    result = ip.run_cell("r = %matdiff x' A (x --wrt x")
    assert isinstance(result.error_in_exec, CellError) and "r" not in ns


# -- arrays in the namespace ----------------------------------------------------------------------
def test_namespace_arrays_are_named_in_the_problem_statement(ip, ns, shown):
    ns["x"] = np.ones(4)  # a leftover array: the derivation becomes 4-dimensional
    ip.run_cell("%%matdiff --static --wrt x\nA: matrix(4, 4)\nx' A x")
    header = shown[-1]["data"]["text/plain"].split("\n\n")[0]
    assert "x ∈ ℝ^4" in header
    assert "Taken from the notebook's namespace (NumPy arrays of the same name): x (4×1);" in (
        header
    )
    assert "$" not in header
    latex = shown[-1]["data"]["text/latex"].split("$$")[1]
    assert r"\text{Taken from the notebook's namespace" in latex  # part of the statement
    ip.run_cell("%%matdiff --static --wrt x --lang zh\nA: matrix(4, 4)\nx' A x")
    assert "取自笔记本命名空间（同名 NumPy 数组）：x (4×1)" in shown[-1]["data"]["text/plain"]


def test_no_namespace_ignores_the_arrays(ip, ns, shown):
    ns["x"] = np.ones(4)
    ip.run_cell("%%matdiff --static --wrt x --no-namespace -o r\nx' A x")
    plain = shown[-1]["data"]["text/plain"]
    assert "x ∈ ℝ^n" in plain and "namespace" not in plain
    assert str(ns["r"].shape[0]) != "4"
    ip.run_cell("s = %matdiff x' A x --wrt x --no-namespace --static")
    assert ns["s"].latex == ns["r"].latex


# -- help and completion --------------------------------------------------------------------------
def test_help_states_every_option_its_default_and_every_method():
    doc = " ".join(MatDiffMagics.matdiff.__doc__.split())
    for option in OPTIONS:
        if option.magic:
            assert option.flags[-1] in doc
            if option.magic_default is not None:
                assert f"(default: {option.magic_default})" in " ".join(
                    option.help_for("magic").split()
                )
    assert "(default: all)" in doc and "(default: mixed)" in doc and "(default: 1)" in doc
    for method, what in METHOD_HELP.items():
        assert f"{method}: {' '.join(what.split())}" in doc


def test_the_command_line_help_reads_the_same_table(capsys):
    with pytest.raises(SystemExit):
        cli(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: auto)" in out and "(default: mixed)" in out
    assert " ".join(METHOD_HELP["vectorization"].split()) in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("%%matdiff --layout n", ["numerator"]),
        ("%%matdiff --layout=d", ["denominator"]),
        ("%%matdiff --method ", ["all", "auto", "differential", "definition", "chain",
                                 "vectorization"]),  # fmt: skip
        ("%%matdiff --method v", ["vectorization"]),
        ("%%matdiff --lang ", ["en", "zh"]),
        ("%%matdiff --code ", ["numpy", "torch", "jax"]),
        ("%%matdiff --order ", ["1", "2"]),
        ("%%matdiff --la", ["--layout", "--lang"]),
        ("%%matdiff --wrt x --no", ["--no-namespace"]),
        ("%matdiff x' A x --wrt x --me", ["--method"]),
        ("%matdiff x' A x --lang z", ["zh"]),
    ],
)
def test_tab_completes_options_and_their_values(ip, line, expected):
    from IPython.core.completer import provisionalcompleter

    with provisionalcompleter():  # what a kernel asks for (the Jupyter protocol's complete)
        found = [c.text for c in ip.Completer.completions(line, len(line))]
    token = re.split(r"[\s=]", line)[-1]
    assert all(text.startswith(token) for text in found)
    # ours, in order; Jedi may add Python words ("not" for "n")
    ours = {flag for o in OPTIONS for flag in o.flags} | {
        str(v) for o in OPTIONS for v in (o.choices or ())
    }
    assert [text for text in found if text in ours] == expected


def test_completion_leaves_the_expression_to_ipython():
    from IPython.core.error import TryNext

    from matdiff_magic.frontend.completion import complete, completions

    assert completions("%matdiff x' A", "A") == []
    event = type("Event", (), {"text_until_cursor": "%matdiff x' A", "symbol": "A"})()
    with pytest.raises(TryNext):  # IPython's own completers go on
        complete(None, event)


# -- errors as a notebook user sees them ----------------------------------------------------------
def test_unclosed_bracket_caret_and_editor_line_numbers(ip):
    result = ip.run_cell("%%matdiff --wrt x\nx: vector(n)\nf = x' (A x\n\n")
    lines = result.error_in_exec._render_traceback_()
    assert "(line 3, column 8)" in lines[0]  # %%matdiff is line 1, as the editor numbers it
    assert lines[-2:] == ["  f = x' (A x", "         ^"]  # under the '(' never closed
    result = ip.run_cell("%matdiff tr(A x --wrt x")
    lines = result.error_in_exec._render_traceback_()
    assert "(line 1, column 3)" in lines[0] and lines[-1] == "    ^"


def test_advice_speaks_the_callers_syntax(ip, capsys):
    with pytest.raises(md.NotApplicableError) as err:
        md.derive("x: vector(n)\nexp(x)", "x", method="differential")
    assert 'method="vectorization"' in str(err.value)  # Python
    result = ip.run_cell("%%matdiff --method differential --wrt x\nx: vector(n)\nexp(x)")
    text = "\n".join(result.error_in_exec._render_traceback_())
    assert "--method vectorization" in text and "method=" not in text  # the magic
    assert cli(["x: vector(n); exp(x)", "--method", "differential"]) == 2
    err_text = capsys.readouterr().err
    assert "--method vectorization" in err_text and "method=" not in err_text  # the CLI


# -- the cell's cost ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "wrt"),
    [
        (QUADRATIC, "x"),
        ("l = (X θ - y)^T (X θ - y)", "θ"),
        ("X: matrix(m, n)\nsin(X)", "X"),
        ("x: vector(n)\nsum(relu(x))", "x"),  # a kink note after the lines
        ("A: matrix(p, n); B: matrix(n, m); X: matrix(m, q)\nA B X", "X"),
        ("x: vector(n)\nz = x_1", "x"),  # a name with "_" (escaped in the rule column's text)
    ],
)
def test_the_side_by_side_derivation_is_the_printers_without_rules(expr, wrt):
    """The side-by-side view's derivation is cut from the printed one (printing it again was
    most of a cell's cost): the same as the printer's own ``rules=False``."""
    from matdiff_magic.frontend.render_views import without_rules

    for r in md.compare(expr, wrt).results.values():
        for lang in ("en", "zh"):
            full = r.steps.latex(lang=lang)
            assert r"\text{" in full
            assert without_rules(full) == r.steps.latex(lang=lang, rules=False)


def test_expand_names_writes_the_definitions_out(ip, ns, shown):
    cell = "h = sigmoid(W1 x)\ns = W2 h\n-y' log(softmax(s))"
    ip.run_cell(f"%%matdiff --static --wrt W2 --method differential -o kept\n{cell}")
    ip.run_cell(f"%%matdiff --static --wrt W2 --method differential --expand-names -o out\n{cell}")
    kept, out = ns["kept"], ns["out"]
    assert "softmax(s)" in kept.text and "where h = σ(W₁ x)" in str(kept)
    assert "softmax(W₂ σ(W₁ x))" in out.text and out.where_text() == ""
