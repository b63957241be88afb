"""matdiff: matrix calculus with step-by-step derivations.

    import matdiff_magic as md
    r = md.derive("x' A x", "x")
    r.latex            # (A + A^{T}) x
    r.steps            # the derivation, step by step

Importing the package has no effect on IPython; ``%load_ext matdiff_magic`` registers the magics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# First: each operation's module installs it in every consumer (printers, evaluator, code,
# SymPy, index form, rules, language) before anything is parsed or printed.
from matdiff_magic import operations  # noqa: F401
from matdiff_magic.answers import AnswerCheck, check_answer
from matdiff_magic.api import derive
from matdiff_magic.compare import Comparison, compare
from matdiff_magic.derivation_check import DerivationCheck, check_derivation
from matdiff_magic.errors import (
    EvaluationError,
    MatDiffError,
    NotApplicableError,
    NotDifferentiableError,
    NotSupportedYetError,
    ParseError,
    ShapeError,
    UnsupportedError,
    VerificationError,
)
from matdiff_magic.exercises import Exercise, Statement, exercise, exercises
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.rendering import VIEWS
from matdiff_magic.result import Result
from matdiff_magic.verify import StepCheck, Verification
from matdiff_magic.version import __version__

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell



def _install_views() -> None:
    """The front end's views of core objects (plots, HTML, verdicts): the core offers them as
    methods (``Result.plot_check``, ``Comparison._repr_html_``) without importing the front end;
    the package, above both, connects them. Each imports its module when first used."""

    def plot_check(*args: Any, **kwargs: Any) -> Any:
        from matdiff_magic.frontend.plots import check_plot

        return check_plot(*args, **kwargs)

    def plot_jacobian(*args: Any, **kwargs: Any) -> Any:
        from matdiff_magic.frontend.plots import jacobian_heatmap

        return jacobian_heatmap(*args, **kwargs)

    def comparison_html(*args: Any) -> str:
        from matdiff_magic.frontend.comparison_view import comparison_html as html

        return html(*args)

    def comparison_verdict(*args: Any) -> str:
        from matdiff_magic.frontend.comparison_view import comparison_verdict as verdict

        return verdict(*args)

    def exercise_html(*args: Any) -> str:
        from matdiff_magic.frontend.exercise_widget import exercise_html as html

        return html(*args)

    VIEWS.update(
        exercise_html=exercise_html,
        plot_check=plot_check,
        plot_jacobian=plot_jacobian,
        comparison_html=comparison_html,
        comparison_verdict=comparison_verdict,
    )


_install_views()


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """``%load_ext matdiff_magic``: register the ``%%matdiff`` and ``%matdiff`` magics."""
    from matdiff_magic.frontend.magic import load

    load(ipython)


def unload_ipython_extension(ipython: InteractiveShell) -> None:
    """``%unload_ext matdiff_magic``: remove the magics again."""
    from matdiff_magic.frontend.magic import unload

    unload(ipython)


__all__ = [
    "derive",
    "compare",
    "Comparison",
    "check_answer",
    "exercise",
    "exercises",
    "Exercise",
    "Statement",
    "AnswerCheck",
    "check_derivation",
    "DerivationCheck",
    "parse_problem",
    "Result",
    "MatDiffError",
    "ParseError",
    "ShapeError",
    "UnsupportedError",
    "NotApplicableError",
    "NotSupportedYetError",
    "EvaluationError",
    "NotDifferentiableError",
    "VerificationError",
    "Verification",
    "StepCheck",
    "__version__",
]
