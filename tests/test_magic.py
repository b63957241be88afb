"""The %%matdiff and %matdiff magics, driven through a real IPython shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import magic_cell, magic_line, shown_outputs
from IPython.testing import globalipapp

import matdiff_magic as md
from matdiff_magic.compare import METHOD_ORDER
from matdiff_magic.frontend.magic import CellError, MatDiff, MatDiffMagics
from matdiff_magic.frontend.session import declaration_for, parse_with_namespace, split_line

WIDGET = "application/vnd.jupyter.widget-view+json"
STATIC = {"text/latex", "text/markdown", "text/plain"}
LEAST_SQUARES = "X: matrix(m, n); y: vector(m)\n# the residual\ne = X θ - y\nf = e' e"


@pytest.fixture(scope="module")
def ip():
    shell = globalipapp.get_ipython()  # looked up now: the running shell after the first call
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.fixture
def shown(ip, monkeypatch):
    """Everything displayed while a test runs (the shell's display publisher, captured)."""
    return shown_outputs(ip, monkeypatch)


@pytest.fixture
def ns(ip):
    """The user namespace; names a test adds are removed afterwards."""
    before = set(ip.user_ns)
    yield ip.user_ns
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]


@pytest.fixture(autouse=True)
def english(ip, monkeypatch):
    monkeypatch.delenv("MATDIFF_LANG", raising=False)
    settings = next(c for c in ip.configurables if isinstance(c, MatDiff))
    settings.lang = None
    yield
    settings.lang = None
    # %config writes into the shell's config too, which a reloaded extension would read again
    # (the next module's cells would then speak Chinese)
    ip.config.MatDiff.pop("lang", None)


def cell(ip, line: str, body: str) -> None:
    ip.run_cell(f"%%matdiff {line}\n{body}")


def only(shown) -> dict:
    assert len(shown) == 1, [o["data"].get("text/plain", "")[:80] for o in shown]
    return shown[0]["data"]


def snapshot(namespace) -> dict[str, int]:
    return {k: id(v) for k, v in namespace.items()}


# -- loading ------------------------------------------------------------------------------------
def test_importing_the_package_leaves_ipython_alone():
    code = (
        "import sys, matdiff_magic\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('IPython', 'ipywidgets', 'matplotlib', 'traitlets')]\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_load_and_unload(ip):
    assert "matdiff" in ip.magics_manager.magics["cell"]
    assert "matdiff" in ip.magics_manager.magics["line"]
    ip.run_line_magic("unload_ext", "matdiff_magic")
    assert "matdiff" not in ip.magics_manager.magics["cell"]
    assert "matdiff" not in ip.magics_manager.magics["line"]
    ip.run_line_magic("load_ext", "matdiff_magic")
    assert isinstance(ip.magics_manager.magics["cell"]["matdiff"].__self__, MatDiffMagics)
    assert sum(isinstance(c, MatDiff) for c in ip.configurables) == 1


def test_help_lists_the_options(ip):
    doc = ip.magics_manager.magics["cell"]["matdiff"].__doc__
    for option in ("--wrt", "--layout", "--method", "--order", "--check", "--plot", "--code"):
        assert option in doc
    for option in ("--lang", "--static", "-o NAME"):
        assert option in doc


# -- what a cell shows ---------------------------------------------------------------------------
def test_line_magic_one_liner(ip, shown):
    ip.run_cell("%matdiff x' A x --wrt x")
    data = only(shown)
    assert set(data) == STATIC | {WIDGET}
    assert "∂f/∂x = (A + Aᵀ) x" in data["text/plain"]
    assert r"\boxed{\frac{\partial f}{\partial x} = (A + A^{T}) x}" in data["text/latex"]


def test_cell_with_declarations_definitions_and_comments(ip, shown):
    ip.run_cell("%%matdiff --wrt θ\n" + LEAST_SQUARES)
    data = only(shown)
    plain = data["text/plain"]
    assert plain.startswith("Differentiate f = eᵀ e with respect to θ")
    assert "where e = X θ - y" in plain
    assert "X ∈ ℝ^(m×n)  (matrix, m×n)" in plain
    assert "y ∈ ℝ^m  (vector, m×1)" in plain
    assert "Find ∂f/∂θ (mixed layout, here denominator layout; size n×1)" in plain
    c = md.compare(LEAST_SQUARES, "θ")
    for method, r in c.results.items():
        assert r.steps.latex() in data["text/latex"]
        assert f"[{md_title(method)}]" in plain
    for method in c.skipped:
        assert f"Not applicable: {md_title(method)}" in plain
    assert "methods agree" in plain


def md_title(method: str) -> str:
    from matdiff_magic.frontend.render import method_title

    return method_title(method, "en")


def test_bare_and_named_last_line(ip, shown):
    cell(ip, "--static", "x: vector(n)\nx' x")
    cell(ip, "--static", "x: vector(n)\nloss = x' x")
    assert "∂f/∂x = 2 x" in shown[0]["data"]["text/plain"]
    assert "∂loss/∂x = 2 x" in shown[1]["data"]["text/plain"]


def test_wrt_is_inferred_when_only_one_variable(ip, shown):
    ip.run_cell("%matdiff sum(exp(w)) --static")
    assert "∂f/∂w" in only(shown)["text/plain"]


@pytest.mark.parametrize(
    ("layout", "symbol", "value"),
    [
        ("numerator", "∂f/∂xᵀ", "xᵀ (A + Aᵀ)"),
        ("denominator", "∂f/∂x", "(A + Aᵀ) x"),
        ("mixed", "∂f/∂x", "(A + Aᵀ) x"),
    ],
)
def test_layout_option(ip, shown, layout, symbol, value):
    cell(ip, f"--wrt x --layout {layout} --method differential", "x' A x")
    data = only(shown)
    assert f"⇒ {symbol} = {value}" in data["text/plain"]
    assert f"{layout} layout" in data["text/plain"]


@pytest.mark.parametrize("method", METHOD_ORDER)
def test_each_method_option(ip, shown, ns, method):
    """A single method shows its derivation, or a short error if it does not apply (yet)."""
    cell(ip, f"--wrt θ --method {method} -o out", LEAST_SQUARES)
    data = only(shown)
    try:
        r = md.derive(LEAST_SQUARES, "θ", method=method)
    except md.MatDiffError as err:
        assert data["text/plain"].startswith("error: ")
        assert err.message in data["text/plain"]
        assert "Traceback" not in data["text/plain"]
        assert "out" not in ns
        return
    assert WIDGET in data
    assert f"[{md_title(method)}]" in data["text/plain"]
    assert r.steps.text() in data["text/plain"]
    assert isinstance(ns["out"], md.Result) and ns["out"].method == method


def test_all_methods_by_default(ip, shown, ns):
    cell(ip, "--wrt θ -o cmp", LEAST_SQUARES)
    c = ns["cmp"]
    assert isinstance(c, md.Comparison)
    assert list(c.results) == list(md.compare(LEAST_SQUARES, "θ").results)
    assert c.layout == "mixed"


def test_order_two(ip, shown, ns):
    cell(ip, "--order 2 --wrt x -o h", "x: vector(n); A: matrix(n, n)\nx' A x")
    data = only(shown)
    assert "Find the Hessian of f = xᵀ A x with respect to x" in data["text/plain"]
    assert "∂²f/∂x∂xᵀ = A + Aᵀ" in data["text/plain"]
    h = ns["h"]
    results = h.results.values() if isinstance(h, md.Comparison) else [h]
    assert all(r.order == 2 for r in results)
    assert len({r.steps.text() for r in results}) == len(list(results))  # no duplicates


def test_check_option(ip, shown):
    cell(ip, "--check --wrt θ", LEAST_SQUARES)
    data = only(shown)
    assert "✓ matches finite differences (largest relative error" in data["text/plain"]
    assert "matches finite differences" in data["text/markdown"]


def test_plot_option(ip, shown):
    cell(ip, "--plot --static --wrt X", "A X B")
    kinds = [sorted(o["data"]) for o in shown]
    assert kinds[0] == sorted(STATIC)
    assert kinds[1:] == [["image/png", "text/plain"], ["image/png", "text/plain"]]
    assert "Derivative check" in shown[1]["data"]["text/plain"]
    assert "Kronecker" in shown[2]["data"]["text/plain"]
    import base64

    assert base64.b64decode(shown[1]["data"]["image/png"]).startswith(b"\x89PNG")


def test_plot_of_a_scalar_function_has_only_the_check(ip, shown):
    cell(ip, "--plot --static", "x: vector(n)\nsum(exp(x))")
    assert [sorted(o["data"]) for o in shown][1:] == [["image/png", "text/plain"]]


def test_code_option(ip, shown, capsys):
    cell(ip, "--code numpy --static --wrt x", "x' A x")
    out = capsys.readouterr().out
    assert "def derivative(x, A):" in out
    assert "return (A + A.T) @ x" in out
    namespace: dict[str, object] = {}
    exec(out, namespace)
    A, x = np.arange(9.0).reshape(3, 3), np.array([1.0, 2.0, -1.0])
    assert np.allclose(namespace["derivative"](x, A).ravel(), (A + A.T) @ x)


def test_static_option(ip, shown):
    cell(ip, "--static --wrt x", "x' A x")
    assert set(only(shown)) == STATIC


def test_lang_option(ip, shown):
    cell(ip, "--lang zh --wrt x", "x' A x")
    plain = only(shown)["text/plain"]
    assert plain.startswith("求 f = xᵀ A x 对 x 的导数")
    assert "混合布局，此处为分母布局" in plain
    assert "矩阵微分法（迹技巧）" in plain and "向量化（克罗内克积）" in plain
    assert "迹的线性" in plain  # rule names in Chinese


def test_lang_from_config(ip, shown):
    ip.run_line_magic("config", 'MatDiff.lang = "zh"')
    cell(ip, "--static --wrt x", "x' A x")
    assert "求 f" in only(shown)["text/plain"]
    shown.clear()
    cell(ip, "--static --wrt x --lang en", "x' A x")
    assert "Differentiate" in only(shown)["text/plain"]


def test_lang_from_environment(ip, shown, monkeypatch):
    monkeypatch.setenv("MATDIFF_LANG", "zh")
    cell(ip, "--static --wrt x", "x' A x")
    assert "求 f" in only(shown)["text/plain"]


def test_output_option_touches_nothing_else(ip, shown, ns):
    ns["A"] = np.eye(3)
    before = snapshot(ns)
    cell(ip, "--wrt x -o result --check --plot", "x' A x")
    after = snapshot(ns)
    assert set(after) - set(before) == {"result"}
    assert all(after[k] == v for k, v in before.items())
    assert isinstance(ns["result"], md.Comparison)


def test_no_output_name_leaves_the_namespace_alone(ip, shown, ns):
    before = snapshot(ns)
    cell(ip, "--wrt θ --check", LEAST_SQUARES)
    magic_line(ip, "x' A x --wrt x")
    assert snapshot(ns) == before


# -- arrays in the namespace ---------------------------------------------------------------------
def test_arrays_give_shapes_and_values(ip, shown, ns):
    ns["A"] = np.arange(12.0).reshape(3, 4)
    ns["y"] = np.ones(3)
    cell(ip, "--wrt w --check", "f = (A w - y)' (A w - y)")
    plain = only(shown)["text/plain"]
    assert "A ∈ ℝ^(3×4)  (matrix, 3×4)" in plain
    assert "w ∈ ℝ^4  (vector, 4×1)" in plain
    assert "size 4×1" in plain
    # the problem statement says which names the namespace gave, before what to find
    header = plain.split("\n\n")[0].splitlines()
    assert header[-2].startswith(
        "Taken from the notebook's namespace (NumPy arrays of the same name): A (3×4), y (3×1);"
    )
    assert "--no-namespace ignores them" in header[-2]
    assert header[-1].startswith("Find ∂f/∂w")
    assert "numeric values of A, y come from the namespace" in plain


def test_explicit_declarations_win(ip, shown, ns):
    ns["A"] = np.ones((3, 3))
    cell(ip, "--wrt x --static", "A: matrix(n, n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "A ∈ ℝ^(n×n)" in plain
    assert "namespace" not in plain


def test_numbers_are_scalars(ip, shown, ns):
    ns["c"] = 2.0  # undeclared, c would be a vector and "c * A x" would not parse
    cell(ip, "--wrt x --static", "c * A x")
    plain = only(shown)["text/plain"]
    assert "c ∈ ℝ  (scalar, 1×1)" in plain
    assert "= c A" in plain


def test_array_sizes_unify_with_declared_sizes(ip, shown, ns):
    # x: vector(n) and a 3×3 array A: A takes the symbolic size n, its values are still used
    ns["A"] = np.eye(3) + np.arange(9.0).reshape(3, 3)
    cell(ip, "--wrt x --check --static", "x: vector(n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "A ∈ ℝ^(n×n)" in plain
    assert "(A + Aᵀ) x" in plain
    assert "numeric values of A come from the namespace" in plain
    assert "namespace (NumPy arrays of the same name): A (n×n); their kinds are used" in plain


def test_conflicting_array_shape_is_explained(ip, shown, ns):
    # the cell needs A to be n×n; the 3×4 array cannot be: --check says so
    ns["A"] = np.ones((3, 4))
    cell(ip, "--wrt x --check --static", "x: vector(n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "namespace (NumPy arrays of the same name): A (n×n); their kinds are used" in plain
    assert "the size n is 3 from the value of A but 4" in plain


def test_other_objects_in_the_namespace_are_ignored(ip, shown, ns):
    ns["x"] = "a string"
    ns["A"] = np.array([[True, False], [False, True]])
    cell(ip, "--wrt x --static", "x' A x")
    assert "A ∈ ℝ^(n×n)" in only(shown)["text/plain"]


@pytest.mark.parametrize(
    ("value", "declaration"),
    [
        (2.5, "scalar"),
        (3, "scalar"),
        (np.float64(1.0), "scalar"),
        (np.array(1.0), "scalar"),
        (np.ones(4), "vector(4)"),
        (np.ones((4, 1)), "vector(4)"),
        (np.ones((2, 3)), "matrix(2, 3)"),
        (np.ones((2, 2, 2)), None),
        (np.ones(0), None),
        (True, None),
        ("text", None),
        (np.array(["a"]), None),
    ],
)
def test_declaration_for(value, declaration):
    assert declaration_for(value) == declaration


def test_parse_with_namespace_keeps_definitions_and_declarations():
    namespace = {"e": np.ones(3), "X": np.ones((3, 2)), "f": np.ones(2), "y": np.ones(3)}
    problem, decl = parse_with_namespace(LEAST_SQUARES, namespace)
    assert decl == {}  # X and y are declared in the cell, e and f are defined there
    problem, decl = parse_with_namespace("e = X θ - y\nf = e' e", namespace)
    assert decl == {"X": "matrix(3, 2)", "y": "vector(3)"}
    assert "e" in problem.definition_names


def test_split_line():
    assert split_line("x' A x --wrt x -o r") == ("x' A x", "--wrt x -o r")
    assert split_line("x' A x") == ("x' A x", "")
    assert split_line("a - b --layout numerator") == ("a - b", "--layout numerator")
    assert split_line("x --static") == ("x", "--static")


# -- errors ------------------------------------------------------------------------------------
def test_parse_error_shows_a_caret_not_a_traceback(ip, shown, ns):
    before = snapshot(ns)
    result = ip.run_cell("%%matdiff -o r\nA: matrix(m, n)\nB: matrix(m, n)\nA B")
    assert not result.success and isinstance(result.error_in_exec, CellError)  # Run All stops
    data = only(shown)  # the error output: the one message in place of a traceback
    assert set(data) == {"text/plain"}
    plain = data["text/plain"]
    assert (
        plain == "error: cannot multiply A (m×n) by B (m×n): n ≠ m (line 4, column 3)\n  A B\n    ^"
    )
    assert "Traceback" not in plain
    assert "r" not in ns
    assert {k for k in snapshot(ns) if k in before} == set(before)


def test_missing_wrt_lists_the_candidates(ip, shown):
    ip.run_cell("%matdiff x' A x")
    plain = only(shown)["text/plain"]
    assert plain == "error: which variable? f has x, A: add --wrt NAME, e.g. --wrt x"


def test_missing_wrt_in_chinese(ip, shown):
    cell(ip, "--lang zh", "x' A x")
    assert only(shown)["text/plain"].startswith("错误：对哪个变量求导？")


def test_bad_options(ip, shown, ns):
    for line in ("--layout sideways", "--order 3", "--bogus", "--wrt x -o 1x", "--wrt 'x"):
        shown.clear()
        cell(ip, line, "x' x")
        plain = only(shown)["text/plain"]
        assert plain.startswith("error: "), plain
        assert "Traceback" not in plain
    assert "1x" not in ns


def test_empty_cell_and_line(ip, shown):
    cell(ip, "", "   \n")
    magic_line(ip, "--wrt x")
    assert [o["data"]["text/plain"].split(":")[0] for o in shown] == ["error", "error"]
    assert "last line" in shown[0]["data"]["text/plain"]
    assert "%matdiff x' A x --wrt x" in shown[1]["data"]["text/plain"]


def test_unsupported_request_is_a_short_error(ip, shown):
    cell(ip, "--order 2 --wrt X", "A X B")
    plain = only(shown)["text/plain"]
    assert plain.startswith("error: ")
    assert "a Hessian needs a scalar function" in plain


def test_no_variable_expansion(ip, shown, ns):
    ns["T"] = 5  # with {}-expansion, x^{T} would become x^5
    ns["x"] = "oops"  # and $x would become oops
    ip.run_cell("%matdiff x^{T} x --wrt x --static")
    assert "∂f/∂x = 2 x" in only(shown)["text/plain"]
    shown.clear()
    ip.run_cell("%%matdiff --wrt x --static\nx^{T} x")
    assert "∂f/∂x = 2 x" in only(shown)["text/plain"]
    shown.clear()
    ip.run_cell("%matdiff $x --wrt x --static")
    assert "unexpected character '$'" in only(shown)["text/plain"]


def test_cell_text_never_reaches_eval(ip, shown, monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("cell text reached eval/exec")

    cell_text = "__import__('os').system('echo hacked')"
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    magic_cell(ip, "--wrt x", cell_text)
    assert only(shown)["text/plain"].startswith("error: ")


def test_advice_in_the_magic_is_written_as_an_option(ip, shown):
    cell(ip, "--method differential --wrt x", "x: vector(n)\nexp(x)")
    text = shown[-1]["data"]["text/plain"]
    assert "--method vectorization" in text and "method=" not in text


def test_code_option_for_torch(ip, shown, capsys):
    cell(ip, "--code torch --static --wrt x", "x' A x")
    out = capsys.readouterr().out
    assert "import torch" in out and "return A @ x + A.T @ x" in out
