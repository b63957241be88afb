"""No silent wrong answer, no broken session: what a demanding user can do to the magic.

* ``-o NAME`` refuses the names Python and IPython need (one short error, namespace untouched);
* numbers (agreement, --check, --plot) are computed at small sizes, whatever the size of the
  arrays in the namespace, and the badge says at which sizes;
* a method that fails its verification is shown as an error of its own, never dropped silently
  and never taking the other methods down with it.
"""

from __future__ import annotations

import builtins
import dataclasses
import keyword
import sys
import time

import numpy as np
import pytest
from helpers import magic_cell, shown_outputs
from IPython.testing import globalipapp

import matdiff_magic as md
from matdiff_magic import check, errors
from matdiff_magic.frontend.magic import CellError, MatDiff
from matdiff_magic.frontend.session import (
    CHECK_SIZE_LIMIT,
    Options,
    numeric_plan,
    output_name_error,
    parse_with_namespace,
    solve,
)
from matdiff_magic.tree import build as B

WIDGET = "application/vnd.jupyter.widget-view+json"
LEAST_SQUARES = "X: matrix(m, n); y: vector(m)\ne = X θ - y\nf = e' e"
SMALL = 100  # the most entries any array used for numbers may have (10×10)


@pytest.fixture(scope="module")
def ip():
    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.fixture
def shown(ip, monkeypatch):
    return shown_outputs(ip, monkeypatch)


@pytest.fixture
def ns(ip):
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


def only(shown) -> dict:
    assert len(shown) == 1, [o["data"].get("text/plain", "")[:80] for o in shown]
    return shown[0]["data"]


def snapshot(namespace) -> dict[str, int]:
    return {k: id(v) for k, v in namespace.items()}


# -- 1. -o NAME -------------------------------------------------------------------------------
REFUSED = [
    "__builtins__",
    "get_ipython",
    "In",
    "Out",
    "exit",
    "quit",
    "_",
    "__",
    "_ih",
    "_oh",
    "_i1",
    "_private",
    "__name__",
    "print",
    "len",
    "sum",
    "open",
    "display",
    "np.x",
    "class",
    "None",
    "1x",
]


@pytest.mark.parametrize("name", REFUSED)
def test_output_refuses_names_python_or_ipython_need(ip, shown, ns, name):
    before = snapshot(ns)
    result = ip.run_cell(f"%%matdiff --wrt x -o {name}\nx' A x")
    assert isinstance(result.error_in_exec, CellError)  # the cell fails, nothing is stored
    plain = only(shown)["text/plain"]
    assert plain.startswith("error: -o "), plain
    assert repr(name) in plain
    assert "Traceback" not in plain
    assert snapshot(ns) == before  # nothing written, nothing replaced
    # and the session still works
    shown.clear()
    assert ip.run_cell("get_ipython(); In[-1]; print(len('ab'))").success
    assert ip.run_cell("%matdiff x' x --wrt x --static").success


def test_output_refusal_names_what_is_refused(ip, shown):
    ip.run_cell("%matdiff x' x --wrt x -o get_ipython")
    plain = only(shown)["text/plain"]
    assert "Python or IPython needs that name" in plain
    assert "built-in names" in plain and "In, Out, get_ipython" in plain


def test_output_refusal_in_chinese(ip, shown, ns):
    ip.run_cell("%matdiff x' x --wrt x -o print --lang zh")
    plain = only(shown)["text/plain"]
    assert plain.startswith("错误：-o 不能把结果保存为 'print'")
    assert "内置名" in plain
    assert "print" not in ns


def test_every_builtin_and_keyword_is_refused():
    for name in dir(builtins):
        assert output_name_error(name) is not None, name
    for name in keyword.kwlist:
        assert output_name_error(name) is not None, name
    assert output_name_error("result") is None
    assert output_name_error("θ") is None  # any Python identifier of the user's own
    assert output_name_error("secret", hidden={"secret"}) is not None


def test_the_shells_hidden_names_are_refused(ip, shown, ns):
    ip.user_ns_hidden["hidden_by_the_shell"] = None
    try:
        ip.run_cell("%matdiff x' x --wrt x -o hidden_by_the_shell")
    finally:
        del ip.user_ns_hidden["hidden_by_the_shell"]
    assert only(shown)["text/plain"].startswith("error: -o ")
    assert "hidden_by_the_shell" not in ns


def test_output_may_replace_the_users_own_variables(ip, shown, ns):
    ns["np"] = np
    ns["r"] = 1
    ip.run_cell("%matdiff x' x --wrt x -o r --static")
    assert isinstance(ns["r"], md.Comparison)
    ip.run_cell("%matdiff x' x --wrt x -o np --static --method differential")
    assert isinstance(ns["np"], md.Result)


# -- 2. numbers at small sizes ----------------------------------------------------------------
@pytest.fixture
def sizes(monkeypatch):
    """The sizes numbers are computed at: every finite difference, evaluation and random point
    of the core is recorded (and refused past SMALL entries, so old code fails fast rather than
    running for minutes)."""
    seen: list[int] = []

    def guard(n: int, what: str) -> None:
        seen.append(n)
        if n > SMALL:
            raise AssertionError(f"{what} at {n} entries")

    def spy(module_attr, make):
        original = getattr(check, module_attr)
        wrapped = make(original)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("matdiff_magic"):
                if getattr(module, module_attr, None) is original:
                    monkeypatch.setattr(module, module_attr, wrapped)

    def jacobian(original):
        def wrapped(f, wrt, env, *args, **kwargs):
            guard(int(np.size(env.values[wrt.name])), "finite differences")
            return original(f, wrt, env, *args, **kwargs)

        return wrapped

    def random_values(original):
        def wrapped(*args, **kwargs):
            out = original(*args, **kwargs)
            guard(max((int(np.size(v)) for v in out.values()), default=0), "a random point")
            return out

        return wrapped

    spy("numerator_jacobian", jacobian)
    spy("random_values", random_values)
    evaluate = md.Result.evaluate

    def result_evaluate(self, values, *args, **kwargs):
        guard(max((int(np.size(v)) for v in values.values()), default=0), "Result.evaluate")
        return evaluate(self, values, *args, **kwargs)

    monkeypatch.setattr(md.Result, "evaluate", result_evaluate)
    return seen


def test_a_huge_vector_in_the_namespace_is_checked_at_small_sizes(ip, shown, ns, sizes):
    ns["x"] = np.random.default_rng(0).normal(size=10**7)
    start = time.process_time()
    magic_cell(ip, "--wrt x --check --plot --static -o r", "sum(exp(x)) + x' x")
    elapsed = time.process_time() - start
    print(f"cell with a 10^7-entry vector: {elapsed:.2f} s CPU")
    plain = shown[0]["data"]["text/plain"]
    assert "size 10000000×1" in plain  # the derivation keeps the namespace's size
    assert "✓ matches finite differences" in plain
    assert "numbers computed at smaller sizes than the namespace's: x 4×1 instead of" in plain
    assert "10000000×1" in plain.split("numbers computed at smaller sizes")[1]
    assert "leading blocks" in plain
    assert len(shown) == 2  # the derivation and the check plot (no error)
    assert sizes and max(sizes) <= SMALL
    assert isinstance(ns["r"], md.Comparison)
    assert ns["r"].results["differential"].shape == (10**7, 1)
    assert elapsed < 30  # a backstop only: the sizes above are the real assertion


@pytest.mark.parametrize("method", ["all", "differential", "vectorization", "definition"])
def test_a_large_matrix_in_the_namespace_is_checked_at_small_sizes(ip, shown, ns, sizes, method):
    ns["A"] = np.random.default_rng(1).normal(size=(3000, 3000))
    magic_cell(ip, f"--wrt x --check --plot --static --method {method}", "x' A x")
    plain = shown[0]["data"]["text/plain"]
    assert "A ∈ ℝ^(3000×3000)" in plain
    assert "✓ matches finite differences" in plain, plain
    assert "A 4×4 instead of 3000×3000" in plain
    assert max(sizes) <= SMALL


def test_kinds_from_the_namespace_with_large_arrays(ip, shown, ns, sizes):
    # The cell gives the sizes (n), the array its kind and its values: leading blocks again.
    ns["A"] = np.eye(500) + 0.01 * np.random.default_rng(2).normal(size=(500, 500))
    magic_cell(ip, "--wrt x --check --static", "x: vector(n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "A ∈ ℝ^(n×n)" in plain
    assert "✓ matches finite differences" in plain
    assert "A 4×4 instead of 500×500" in plain
    assert max(sizes) <= SMALL


def test_a_large_array_whose_size_conflicts_is_still_explained(ip, shown, ns, sizes):
    ns["A"] = np.ones((300, 400))
    magic_cell(ip, "--wrt x --check --static", "x: vector(n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "the size n is 300 from the value of A but 400" in plain  # the real sizes


def test_a_non_finite_entry_beyond_the_leading_block_is_reported(ip, shown, ns, sizes):
    x = np.ones(1000)
    x[-1] = np.nan
    ns["x"] = x
    magic_cell(ip, "--wrt x --check --static", "x' x")
    assert "could not check against finite differences" in only(shown)["text/plain"]


def test_small_arrays_are_used_as_they_are(ip, shown, ns, sizes):
    ns["A"] = np.arange(12.0).reshape(3, 4)
    ns["y"] = np.ones(3)
    magic_cell(ip, "--wrt w --check --static", "f = (A w - y)' (A w - y)")
    plain = only(shown)["text/plain"]
    assert "smaller sizes" not in plain
    assert "numeric values of A, y come from the namespace" in plain


def test_sizes_written_in_the_cell_are_kept(ip, shown, ns):
    # x: vector(20) is the cell's own: A (20×20) must stay 20 for the cell to hold.
    ns["A"] = np.eye(20)
    magic_cell(ip, "--wrt x --check --static", "x: vector(20)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "✓ matches finite differences" in plain
    assert "smaller sizes" not in plain


def test_kinds_from_the_namespace_with_a_size_other_than_three(ip, shown, ns):
    # x: vector(n) in the cell, a 5×5 A: the random x must be 5 long too (it was 3: a failed
    # check, "the size n is 5 from the value of A but 3 from the value of x").
    ns["A"] = np.eye(5)
    magic_cell(ip, "--wrt x --check --static", "x: vector(n)\nx' A x")
    plain = only(shown)["text/plain"]
    assert "✓ matches finite differences" in plain, plain
    assert "smaller sizes" not in plain


def test_numeric_plan_keeps_shapes_distinct_and_ones_one():
    namespace = {
        "A": np.ones((3000, 2000)),
        "B": np.ones((2000, 1)),
        "c": np.ones((1, 3000)),
        "s": 2.0,
    }
    source = "A B + c' * s"
    problem, declarations = parse_with_namespace(source, namespace)
    plan = numeric_plan(problem, declarations, namespace)
    assert plan.rederive
    rows, cols = plan.values["A"].shape
    assert rows != cols and max(rows, cols) <= CHECK_SIZE_LIMIT
    assert plan.values["B"].shape == (cols, 1)
    assert plan.values["c"].shape == (1, rows)
    assert plan.values["s"].shape == ()
    assert plan.resized["A"] == ((3000, 2000), (rows, cols))
    assert "s" not in plan.resized


def test_a_wrong_method_is_still_caught_at_small_sizes(ip, shown, ns, sizes, monkeypatch):
    """A method returning a wrong result (twice the derivative) is flagged, with a large array
    in the namespace too: the twin that numbers use is derived by the same (wrong) method."""
    import matdiff_magic.api as api

    real_run = api.run

    def wrong_run(ctx, method, order):
        outcome = real_run(ctx, method, order)
        if method == "vectorization":
            outcome = dataclasses.replace(outcome, value=B.add(outcome.value, outcome.value))
        return outcome

    monkeypatch.setattr(api, "run", wrong_run)
    ns["A"] = np.random.default_rng(3).normal(size=(2000, 2000))
    magic_cell(ip, "--wrt x --check", "x' A x")
    data = only(shown)
    plain = data["text/plain"]
    flagged = "✗ the methods disagree" in plain or (
        "✗ failed: vectorization" in plain and "error: vectorization" in plain
    )
    assert flagged, plain
    assert max(sizes) <= SMALL


# -- 3. a method that fails its verification ----------------------------------------------------
class FakeVerificationError(md.MatDiffError):
    """Stands in for md.VerificationError (the tests do not depend on how the core builds it)."""


@pytest.fixture
def verification(monkeypatch):
    """The VerificationError class the magic sees: the core's if it has one, else a stand-in."""
    cls = getattr(md, "VerificationError", None)
    if cls is None:
        cls = FakeVerificationError
        monkeypatch.setattr(md, "VerificationError", cls, raising=False)
        monkeypatch.setattr(errors, "VerificationError", cls, raising=False)
    return cls


BUG = "matdiff made a mistake: step 2 of the vectorization derivation does not hold; report it"


def failing(monkeypatch, cls, methods=("vectorization",)):
    """Make ``methods`` fail with ``cls`` wherever the core runs them (derive and compare)."""
    import matdiff_magic.api as api

    real_run = api.run

    def run(ctx, method, order):
        if method in methods:
            raise cls(BUG)
        return real_run(ctx, method, order)

    monkeypatch.setattr(api, "run", run)


def test_a_verification_error_is_one_message(ip, shown, ns, verification, monkeypatch):
    failing(monkeypatch, verification)
    before = snapshot(ns)
    result = ip.run_cell("%%matdiff --wrt θ --method vectorization -o r\n" + LEAST_SQUARES)
    assert isinstance(result.error_in_exec, CellError)
    data = only(shown)
    assert set(data) == {"text/plain"}
    assert data["text/plain"] == "error: " + BUG
    assert "Traceback" not in data["text/plain"]
    assert snapshot(ns) == before


@pytest.mark.parametrize("large", [False, True], ids=["symbolic", "large-array"])
def test_a_failing_method_is_an_error_of_its_own(ip, shown, ns, verification, monkeypatch, large):
    failing(monkeypatch, verification)
    source = LEAST_SQUARES
    if large:
        ns["X"] = np.random.default_rng(4).normal(size=(500, 40))
        ns["y"] = np.ones(500)
        source = "e = X θ - y\nf = e' e"
    ip.run_cell(f"%%matdiff --wrt θ --check -o cmp\n{source}")
    data = only(shown)
    plain = data["text/plain"]
    assert WIDGET in data  # the cell is shown, not replaced by one error
    for title in ("definition (entrywise)", "matrix differential (trace trick)", "chain rule"):
        assert f"[{title}]" in plain
    assert "[vectorization (Kronecker products)]" not in plain
    assert f"error: vectorization (Kronecker products) failed: {BUG}" in plain
    assert "Not applicable: vectorization" not in plain  # not silently "not applicable"
    assert "✗ failed: vectorization (Kronecker products)" in plain
    assert "✓ matches finite differences" in plain  # the others are still checked
    assert "Traceback" not in plain
    for mime in ("text/latex", "text/markdown"):
        assert BUG in data[mime]
    assert list(ns["cmp"].results) == ["definition", "differential", "chain"]
    assert "vectorization" not in ns["cmp"].skipped


def test_a_failing_method_in_chinese(ip, shown, verification, monkeypatch):
    failing(monkeypatch, verification)
    ip.run_cell("%%matdiff --wrt θ --lang zh\n" + LEAST_SQUARES)
    plain = only(shown)["text/plain"]
    assert "错误：向量化（克罗内克积）出错：" in plain
    assert "✗ 出错的方法：向量化（克罗内克积）" in plain


def test_every_method_failing_is_one_error(ip, shown, ns, verification, monkeypatch):
    failing(monkeypatch, verification, methods=tuple(md.compare(LEAST_SQUARES, "θ").results))
    ip.run_cell("%%matdiff --wrt θ -o cmp\n" + LEAST_SQUARES)
    data = only(shown)
    assert data["text/plain"] == "error: " + BUG
    assert "cmp" not in ns


def test_a_wrong_step_found_by_verification_is_a_failure(ip, shown, verification, monkeypatch):
    """A result whose own verification fails (here: a wrong final answer) is shown as failed in
    the side-by-side view, as derive would refuse it."""
    import matdiff_magic.api as api

    if not hasattr(md.Result, "verify"):
        pytest.skip("the core has no Result.verify yet")
    real_run = api.run

    def wrong_run(ctx, method, order):
        outcome = real_run(ctx, method, order)
        if method == "chain":
            outcome = dataclasses.replace(outcome, value=B.add(outcome.value, outcome.value))
        return outcome

    monkeypatch.setattr(api, "run", wrong_run)
    ip.run_cell("%%matdiff --wrt θ\n" + LEAST_SQUARES)
    plain = only(shown)["text/plain"]
    assert "error: chain rule failed:" in plain
    assert "[chain rule]" not in plain
    assert "✗ failed: chain rule" in plain


def test_solve_reports_failures_without_ipython(verification, monkeypatch):
    failing(monkeypatch, verification, methods=("chain",))
    solved = solve(LEAST_SQUARES, Options(wrt="θ"), {})
    assert set(solved.failed) == {"chain"}
    assert "chain" not in solved.methods and "chain" not in solved.skipped
