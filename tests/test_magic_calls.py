"""A %%matdiff cell does no work twice: the text is parsed once, each method derives once, the
layouts come from the layout transform of that one derivation (switching the layout in the
widget derives nothing), and --check computes the finite-difference Jacobian once for all
methods. Calls are counted by wrapping the parser, the methods and the Jacobian."""

from __future__ import annotations

from collections import Counter

import pytest
from helpers import magic_cell
from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.testing import globalipapp

from matdiff_magic import api, check
from matdiff_magic.frontend import widgets as W
from matdiff_magic.language.parser import Parser

METHODS = ("definition", "differential", "chain", "vectorization", "auto")


@pytest.fixture(scope="module")
def ip():
    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.fixture
def calls(ip, monkeypatch):
    """Counts of parses, of derivations by each method (``api.run``, which every derivation of
    ``derive`` and ``compare`` goes through; "hessian" for order 2), and of finite-difference
    Jacobians."""
    counts: Counter[str] = Counter()
    monkeypatch.setattr(ip, "display_pub", CapturingDisplayPublisher())

    def counted(name: str, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(Parser, "parse_program", counted("parse", Parser.parse_program))
    run = api.run

    def counted_run(ctx, method, order):
        counts["hessian" if order == 2 else method] += 1
        return run(ctx, method, order)

    monkeypatch.setattr(api, "run", counted_run)
    monkeypatch.setattr(check, "numerator_jacobian", counted("jacobian", check.numerator_jacobian))
    return counts


def test_one_method_parses_and_derives_once(ip, calls):
    ip.run_cell_magic(
        "matdiff", "--wrt x --method differential", "x: vector(n); A: matrix(n, n)\nx' A x"
    )
    assert calls["parse"] == 1
    assert calls["differential"] == 1
    assert sum(calls[m] for m in METHODS) == 1


def test_every_method_derives_once(ip, calls):
    magic_cell(ip, "--wrt θ", "X: matrix(m, n); y: vector(m)\n(X θ - y)' (X θ - y)")
    assert calls["parse"] == 1
    for method in ("definition", "differential", "chain", "vectorization"):
        assert calls[method] == 1, (method, calls)


def test_check_computes_the_finite_differences_once(ip, calls):
    ip.run_cell_magic(
        "matdiff", "--wrt θ --check", "X: matrix(m, n); y: vector(m)\n(X θ - y)' (X θ - y)"
    )
    assert calls["parse"] == 1
    assert calls["jacobian"] == 1  # one Jacobian at the point, compared with every method


def test_a_hessian_derives_once(ip, calls):
    magic_cell(ip, "--wrt x --order 2", "x: vector(n); A: matrix(n, n)\nx' A x")
    assert calls["parse"] == 1
    assert calls["hessian"] == 1 and sum(calls[m] for m in METHODS) == 0


def test_switching_the_layout_derives_nothing(ip, calls, monkeypatch):
    made: list[W.DerivationWidget] = []
    original = W.DerivationWidget.__init__

    def keep(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(W.DerivationWidget, "__init__", keep)
    magic_cell(ip, "--wrt x", "x: vector(n); A: matrix(n, n)\nx' A x")
    before = Counter(calls)
    assert made, "the cell showed no widget"
    for layout in ("numerator", "denominator", "mixed"):
        made[-1].layout_buttons.value = layout
    assert calls == before


def test_an_error_cell_parses_once(ip, calls):
    magic_cell(ip, "", "A: matrix(m, n); B: matrix(m, n)\nA B")
    assert calls["parse"] == 1
    assert sum(calls[m] for m in METHODS) == 0


def test_a_hessian_is_compared_with_finite_differences_only_when_asked(ip, calls):
    # one method: nothing to compare it with; its verification checked it already
    magic_cell(ip, "--wrt x --order 2", "x: vector(n); A: matrix(n, n)\nx' A x")
    assert calls["jacobian"] == 0
    ip.run_cell_magic(
        "matdiff", "--wrt x --order 2 --check", "x: vector(n); A: matrix(n, n)\nx' A x"
    )
    assert calls["jacobian"] == 1 and calls["hessian"] == 2


def test_several_methods_are_compared_with_finite_differences_only_when_asked(ip, calls):
    # The methods are compared with each other at a point in every cell (the badge says they
    # agree); their finite differences there repeat each one's verification and are measured
    # when read: by --check (its numbers shown), or by the stored comparison's display.
    cell = "x: vector(n); A: matrix(n, n)\nx' A x"
    magic_cell(ip, "--wrt A -o agreed", cell)
    assert calls["jacobian"] == 0
    stored = ip.user_ns.pop("agreed")
    assert stored.agree_symbolic and stored.agree_numeric and len(stored.results) == 3
    # read later, they are the numbers of that point: each method's value against central
    # differences of x' A x there, whose derivative by A is x xᵀ (checked independently here)
    x = stored.values["x"]
    for method, report in stored.checks.items():
        assert report.max_rel_error < 1e-6 and stored.fd_error[method] == report.max_rel_error
        assert report.finite_difference == pytest.approx(x @ x.T, rel=1e-6), method
    assert calls["jacobian"] == 1 and stored.ok
    ip.run_cell_magic("matdiff", "--wrt A --check", cell)
    assert calls["jacobian"] == 2
