"""Every method on one cell: derived, verified, compared; a method that fails verification is a
failure of its own (shown as an error), the others are still shown.

With resized numbers (see ``sizes``) the methods are derived at the namespace's sizes for the
display and compared, numerically too, on the small twin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matdiff_magic.api import derive_problem
from matdiff_magic.compare import METHOD_ORDER, Comparison, compare_problem
from matdiff_magic.errors import (
    Join,
    MatDiffError,
    Msg,
    NotApplicableError,
    NotSupportedYetError,
    UnsupportedError,
    VerificationError,
)
from matdiff_magic.frontend.sizes import NumericPlan
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.result import Result

if TYPE_CHECKING:
    from matdiff_magic.frontend.options import Options


@dataclass
class Derived:
    """Every method tried on its own: results, reasons for the ones that do not apply, and
    failures (an error other than "not applicable": a failed verification, say)."""

    results: dict[str, Result] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, MatDiffError] = field(default_factory=dict)
    failed: dict[str, MatDiffError] = field(default_factory=dict)


def methods_for(order: int) -> tuple[str, ...]:
    # As compare: a Hessian is derived one way (the gradient by the differential method).
    return METHOD_ORDER if order == 1 else ("differential",)


def derive_each(
    problem: Problem,
    wrt: str,
    options: Options,
    verify: bool = True,
) -> Derived:
    out = Derived()
    for method in methods_for(options.order):
        try:
            out.results[method] = derive_problem(
                problem,
                wrt,
                layout=options.layout,
                method=method,
                order=options.order,
                symmetric=options.symmetric,
                verify=verify,
                names=options.names,
            )
        except VerificationError as err:
            out.failed[method] = err
        except UnsupportedError as err:
            out.skipped[method] = err.message
            out.reasons[method] = err
        except MatDiffError as err:
            out.failed[method] = err
    return out


def nothing_derived(derived: Derived) -> MatDiffError:
    """The one error to show when no method gave a result."""
    if derived.failed:
        return next(iter(derived.failed.values()))
    distinct = {err.message: err for err in derived.reasons.values()}
    inapplicable = all(isinstance(err, NotApplicableError) for err in derived.reasons.values())
    kind = NotApplicableError if inapplicable else NotSupportedYetError
    return kind(Msg("api.no_method", reasons=Join(distinct.values(), "semicolon")))


def compare_all(
    problem: Problem, wrt: str, options: Options, fixed: Mapping[str, object] | None = None
) -> tuple[Comparison, dict[str, MatDiffError]]:
    """``compare`` (which verifies every result): the comparison of the methods that hold, and
    the ones that failed verification; compared at a point with the ``fixed`` values (the
    notebook's arrays), where --check reads its finite differences."""
    comparison = compare_problem(
        problem, wrt, layout=options.layout, order=options.order, seed=options.seed, fixed=fixed,
        symmetric=options.symmetric, names=options.names,
    )
    return comparison, dict(comparison.failed)


def one_method(
    problem: Problem, wrt: str, options: Options
) -> tuple[Comparison, dict[str, Result], dict[str, MatDiffError]]:
    """``all_methods`` where one method is tried (a Hessian) and no number is asked for: the
    method derived and verified as ``compare`` does it, without comparing it at a point with
    itself (its agreement is vacuous, as ``compare`` finds it: symbolic and numeric, 0 apart)
    nor with finite differences there (its verification did that; --check and --plot, which
    show those numbers, go through ``compare``). What is shown and stored is its Result."""
    derived = derive_each(problem, wrt, options)
    if not derived.results:
        raise nothing_derived(derived)
    comparison = Comparison(
        problem, options.layout, dict(derived.results), dict(derived.skipped), True, True, 0.0,
        reasons=dict(derived.reasons), failed=dict(derived.failed),
    )  # fmt: skip
    return comparison, dict(derived.results), dict(derived.failed)


def all_methods(
    problem: Problem,
    source: str,
    wrt: str,
    plan: NumericPlan,
    options: Options,
) -> tuple[Comparison, dict[str, Result], dict[str, MatDiffError]]:
    """Every method: (the comparison to show and store, its results at small sizes, failures).

    Without resizing this is ``compare``. With it, the methods are derived at the namespace's
    sizes for the display (unverified: their small twins are the ones verified), and compared
    on the twin."""
    if not plan.rederive:
        if len(methods_for(options.order)) == 1 and not (options.check or options.plot):
            return one_method(problem, wrt, options)
        comparison, failed = compare_all(problem, wrt, options, plan.values)
        return comparison, dict(comparison.results), failed
    real = derive_each(problem, wrt, options, verify=False)
    if not real.results:
        raise nothing_derived(real)
    # the small twin is another problem: the cell read with small sizes for the arrays
    twin, twin_failed = compare_all(
        parse_problem(source, plan.declarations), wrt, options, plan.values
    )
    shown: dict[str, Result] = {}
    numeric: dict[str, Result] = {}
    skipped: dict[str, str] = {}
    reasons: dict[str, MatDiffError] = {}
    failed: dict[str, MatDiffError] = {}
    for method in methods_for(options.order):
        if method in real.failed or method in twin_failed:
            failed[method] = real.failed.get(method) or twin_failed[method]
        elif method in real.results and method in twin.results:
            shown[method] = real.results[method]
            numeric[method] = twin.results[method]
        elif method in real.skipped or method in twin.skipped:
            source_of = real if method in real.skipped else twin
            skipped[method] = source_of.skipped[method]
            if method in source_of.reasons:
                reasons[method] = source_of.reasons[method]
    if not shown:
        raise nothing_derived(Derived({}, skipped, reasons, failed))
    first = next(iter(shown.values()))
    comparison = dataclasses.replace(
        twin, problem=first.problem, results=shown, skipped=skipped, reasons=reasons
    )
    return comparison, numeric, failed
