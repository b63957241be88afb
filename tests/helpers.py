"""The shared finite-difference helper every derivative test goes through.

``assert_derivative`` differentiates in each layout, compares ``evaluate`` with central finite
differences of the *function* at random inputs of distinct sizes, checks that consecutive steps
of the derivation are equal numerically, and returns the results for further assertions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

import matdiff_magic as md
from matdiff_magic.check import check_result, random_values
from matdiff_magic.tree.rewrite import canonical

LAYOUTS = ("numerator", "denominator", "mixed")
TOLERANCE = 2e-5


def assert_derivative(
    expr: str,
    wrt: str,
    variables: Mapping[str, str] | None = None,
    *,
    method: str = "auto",
    layouts: Iterable[str] = LAYOUTS,
    order: int = 1,
    seeds: Iterable[int] = (0, 1),
    sizes: Mapping[str, int] | None = None,
    steps: bool = True,
    symmetric: str = "sym",
) -> dict[str, md.Result]:
    results = {}
    for layout in layouts:
        r = md.derive(
            expr,
            wrt,
            dict(variables) if variables else None,
            layout=layout,
            method=method,
            order=order,
            symmetric=symmetric,
        )
        for seed in seeds:
            report = check_result(r, seed=seed, sizes=sizes)
            assert report.max_rel_error < TOLERANCE, (
                f"{expr!r} wrt {wrt} [{layout}, {r.method}]: relative error "
                f"{report.max_rel_error:.2e} against finite differences\n"
                f"result: {r}\n{r.steps.text()}"
            )
        if steps:
            assert_steps_equal(r, sizes=sizes)
        results[layout] = r
    return results


def assert_steps_equal(r: md.Result, seed: int = 3, sizes: Mapping[str, int] | None = None) -> None:
    """Every step checked and holding (``r.verify``): each line equals what its left side
    means, computed by finite differences of the function, and the line before it."""
    v = r.verify(seed=seed, sizes=sizes)
    for s in v.steps:
        assert s.checked and s.ok, (
            f"step {s.index} ({s.rule}) of {r.function} wrt {r.wrt.name} "
            f"{'does not hold' if s.checked else 'was not checked'} "
            f"(relative error {s.error:.2e}, against {s.against}):\n{r.steps.text()}"
        )
    assert v.ok, f"{r} does not match finite differences ({v.result_error:.2e})"


def assert_formula(
    r: md.Result,
    formula: Callable[..., np.ndarray],
    seed: int = 5,
    sizes: Mapping[str, int] | None = None,
) -> None:
    """Compare the result with a closed form written in NumPy (arguments by variable name)."""
    rng = np.random.default_rng(seed)
    variables = dict(r.problem.variables)
    variables.setdefault(r.wrt.name, r.wrt)
    values = random_values(variables, rng, sizes, r.function)
    got = r.evaluate(values)
    import inspect

    names = inspect.signature(formula).parameters
    want = np.asarray(formula(**{n: values[n] for n in names}), dtype=float)
    if want.ndim == 0 or got.ndim == 0:
        want, got = want.reshape(()), np.asarray(got).reshape(())
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape} for {r}"
    scale = max(1.0, float(np.max(np.abs(want))))
    assert np.max(np.abs(got - want)) / scale < 1e-8, f"{r} does not match the closed form"


def same_form(r: md.Result, expected: str, declarations: str = "") -> bool:
    """Whether the result equals ``expected`` (matdiff language, parsed by matdiff) after
    expanding products and canonical reordering — "the same formula up to arrangement"."""
    from matdiff_magic.tree.canonical import ckey
    from matdiff_magic.tree.expand import expand
    from matdiff_magic.tree.tidy import tidy

    decl = declarations or "; ".join(
        f"{name}: {_declaration(var)}" for name, var in r.problem.variables.items()
    )
    want = md.parse_problem(decl + "\n" + expected).expr
    # Both sides get the same polish first, so diag(v) w and v ⊙ w count as one form.
    return ckey(canonical(expand(tidy(r.expr)))) == ckey(canonical(expand(tidy(want))))


def _declaration(var) -> str:
    if var.is_scalar:
        return "scalar"
    if var.symmetric:
        return f"symmetric({var.rows})"
    if var.cols == 1:
        return f"vector({var.rows})"
    return f"matrix({var.rows}, {var.cols})"


def assert_same_form(r: md.Result, expected: str, declarations: str = "") -> None:
    assert same_form(r, expected, declarations), f"{r} is not of the form {expected!r}"



def shown_outputs(ip, monkeypatch) -> list:
    """Everything a test's cells show: the display publisher captured, and the one message a
    failed %%matdiff cell shows in place of a traceback."""
    import sys

    from IPython.core.displaypub import CapturingDisplayPublisher

    from matdiff_magic.frontend.magic import CellError

    publisher = CapturingDisplayPublisher()
    monkeypatch.setattr(ip, "display_pub", publisher)
    show_error = ip.showtraceback

    def showtraceback(*args, **kwargs):
        error = sys.exc_info()[1]
        if isinstance(error, CellError):
            publisher.outputs.append({"data": {"text/plain": error.text}, "error": True})
        return show_error(*args, **kwargs)

    monkeypatch.setattr(ip, "showtraceback", showtraceback)
    return publisher.outputs


def _as_in_a_notebook(ip, run) -> None:
    from matdiff_magic.frontend.magic import CellError

    try:
        run()
    except CellError as err:
        ip.display_pub.publish({"text/plain": err.text})


def magic_cell(ip, line: str, body: str) -> None:
    """Run a %%matdiff cell; a failed cell's message is captured as the notebook shows it (the
    cell failing itself is tested in tests/test_magic_errors.py)."""
    _as_in_a_notebook(ip, lambda: ip.run_cell_magic("matdiff", line, body))


def magic_line(ip, line: str) -> None:
    """Run a %matdiff line, as :func:`magic_cell`."""
    _as_in_a_notebook(ip, lambda: ip.run_line_magic("matdiff", line))
