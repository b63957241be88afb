"""The object ``derive`` returns: the derivative, its derivation, and how to evaluate it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy

from matdiff_magic import layout as L
from matdiff_magic import notation
from matdiff_magic.derivation import Derivation, Step
from matdiff_magic.dims import dim_text
from matdiff_magic.errors import EvaluationError, Msg
from matdiff_magic.i18n import message
from matdiff_magic.language.problem import Problem
from matdiff_magic.methods.common import Outcome
from matdiff_magic.numeric import bind, evaluate
from matdiff_magic.printing.latex import latex as to_latex
from matdiff_magic.printing.text import text as to_text
from matdiff_magic.rendering import printer, view
from matdiff_magic.result_names import check_names, where_clause, with_definitions
from matdiff_magic.to_sympy import to_sympy
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.query import variable_names
from matdiff_magic.verify import Verification, verified, verify


class Result:
    """A derivative in one layout. ``with_layout`` gives another layout without re-deriving."""

    def __init__(
        self, problem: Problem, outcome: Outcome, layout: str, names: str = "keep"
    ) -> None:
        self.problem = problem
        self.names = check_names(names)
        self.source = outcome  # what with_layout starts from
        self.layout = L.check_layout(layout)
        self.f_kind = notation.kind_of(outcome.f.shape)
        self.wrt_kind = notation.kind_of(outcome.wrt.shape)
        if outcome.orientation == "hessian":
            self.orientation = "hessian"
        else:
            self.orientation = L.orientation(layout, self.f_kind, self.wrt_kind)
        if self.orientation == notation.NUMERATOR and outcome.numerator is not None:
            outcome = outcome.numerator()  # the method's own numerator-layout narration
        self.outcome = outcome
        self.checked = False  # set by verify.verified once every line has been checked
        self.expr, self.steps = L.transform(
            outcome.value,
            outcome.orientation,
            self.orientation,
            outcome.steps,
            outcome.fname,
            outcome.f,
            outcome.wrt,
        )
        self._name_definitions()
        if self.steps and self.steps[-1].note is None:
            # The result states its shape in this layout.
            from dataclasses import replace

            from matdiff_magic.dims import shape_text

            self.steps[-1] = replace(
                self.steps[-1],
                note="shape",
                params=(
                    ("latex", notation.shape_latex(self.expr.shape)),
                    ("text", shape_text(self.expr.shape)),
                ),
            )

    def _name_definitions(self) -> None:
        """The result (and the last step, which states it) with the user's definitions written
        by name, or written out (``names``)."""
        named = with_definitions(self.expr, self.problem, self.outcome.wrt, self.names)
        if named is self.expr:
            return
        if self.steps and self.steps[-1].expr == self.expr:
            from dataclasses import replace

            last = self.steps[-1]
            before = self.steps[-2] if len(self.steps) > 1 else None
            wrote_out = all(rule.key == "write_out" for rule in last.rules) and last.rules
            if (
                before is not None
                and (before.expr == named or (wrote_out and self.names == "keep"))
                and last.relation == "="
                and not last.new_lhs
            ):
                # the line wrote the names out (or substituted them): by name it says nothing,
                # and the line before it states the result (its value is the same)
                self.steps.pop()
                self.steps[-1] = replace(before, expr=named)
            else:
                self.steps[-1] = replace(last, expr=named)
        self.expr = named

    # -- what it is -------------------------------------------------------------------------
    @property
    def method(self) -> str:
        return self.outcome.method

    @property
    def order(self) -> int:
        return self.outcome.order

    @property
    def function(self) -> Expr:
        return self.outcome.f

    @property
    def wrt(self) -> N.Var:
        return self.outcome.wrt

    @property
    def name(self) -> str:
        return self.outcome.fname

    @property
    def shape(self) -> tuple:
        return self.expr.shape

    @property
    def symbol(self) -> N.Opaque:
        """∂f/∂x in this layout's notation."""
        if self.orientation == "hessian":
            return notation.hessian(self.name, self.wrt)
        return notation.derivative(
            self.name,
            self.function.shape,
            self.wrt,
            self.orientation if self.orientation != "hessian" else notation.NUMERATOR,
        )

    @property
    def latex(self) -> str:
        """The derivative in LaTeX (no surrounding $)."""
        return to_latex(self.expr)

    @property
    def text(self) -> str:
        return to_text(self.expr)

    def where_text(self, lang: str = "en") -> str:
        """What the names in the result mean ("where h = σ(W₁ x + b₁), s = W₂ h + b₂"), or ""."""
        return where_clause(self.expr, lang, "text")

    def where_latex(self, lang: str = "en") -> str:
        """:meth:`where_text` in LaTeX (the words in \\text{})."""
        return where_clause(self.expr, lang, "latex")

    def derivation_latex(self, lang: str = "en") -> str:
        return self.steps.latex(lang=lang)

    def derivation_text(self, lang: str = "en") -> str:
        return self.steps.text(lang=lang)

    def gradient(self) -> Result:
        """For a Hessian: the first derivative it is the derivative of (denominator layout)."""
        from matdiff_magic.errors import Msg, UnsupportedError

        if self.outcome.first is None:
            raise UnsupportedError(Msg("api.gradient"))
        return Result(self.problem, self.outcome.first, "denominator", self.names)

    def with_layout(self, layout: str) -> Result:
        """The same derivative in another layout: a transpose, or the method's own narration
        of that layout (the chain rule's numerator form), which is checked here like the
        first one was before it is shown."""
        other = Result(self.problem, self.source, layout, self.names)
        if self.checked:
            if other.outcome is self.outcome:
                other.checked = True  # the same lines, transposed at the end
            else:
                verified(other)
        return other

    # -- numbers -----------------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, object]) -> np.ndarray:
        """The derivative at ``values`` (a dict name -> NumPy value) as an array.

        Shapes (numerator layout; denominator is the transpose): scalar by scalar 0-d; Y by
        scalar p×q; scalar by X n×m; column by column p×m; otherwise pq×mn. Hessians mn×mn.
        """
        needed = _variables_in(self.expr)
        env = bind({self.wrt.name: self.wrt} | self.problem.variables, values, needed)
        out = evaluate(self.expr, env)
        out = np.array(out, dtype=float)
        if not np.all(np.isfinite(out)):
            # e.g. exp(Z)/sum(exp(Z)) with Z large: inf/inf, where the derivative is finite
            raise EvaluationError(Msg("eval.result_not_finite"))
        if out.shape != (env.size(self.shape[0]), env.size(self.shape[1])):
            out = np.broadcast_to(out, (env.size(self.shape[0]), env.size(self.shape[1]))).copy()
        if self.f_kind == "scalar" and self.wrt_kind == "scalar":
            return out.reshape(())
        return out

    def function_value(self, values: Mapping[str, object]) -> np.ndarray:
        """The function itself at ``values`` (a 2-D array; 1×1 for scalars)."""
        needed = _variables_in(self.function)
        env = bind({self.wrt.name: self.wrt} | self.problem.variables, values, needed)
        return evaluate(self.function, env)

    def verify(
        self,
        values: Mapping[str, object] | None = None,
        seed: int = 0,
        sizes: Mapping[str, int] | None = None,
    ) -> Verification:
        """Check the result against central finite differences of the function and every step
        against the relation it claims, at ``values`` (random ones of small distinct sizes by
        default); a failing check is repeated at a second random point before it counts."""
        return verify(self, values, seed, sizes)

    def sympy(self) -> sympy.Basic:
        """The derivative as a SymPy matrix expression (where SymPy can express it)."""
        return to_sympy(self.expr)

    # -- plots (the front end's, installed as views: see rendering.py) and code ---------------
    def plot_check(self, values: Mapping[str, object] | None = None, **kwargs: object) -> Any:
        """The Taylor-model check plot (log-log error against t, with a slope-2 guide): a
        matplotlib Figure, drawn by ``matdiff_magic.frontend.plots``."""
        return view("plot_check")(self, values=values, **kwargs)

    def plot_jacobian(self, values: Mapping[str, object] | None = None, **kwargs: object) -> Any:
        """The derivative at small concrete sizes as a heatmap with its Kronecker blocks."""
        return view("plot_jacobian")(self, values=values, **kwargs)

    def numpy_code(self, name: str = "derivative", lang: str = "en") -> str:
        """Source of a NumPy function computing this derivative from every variable."""
        # The code printer (printing/numpy_code.py) is installed in rendering.PRINTERS by the
        # printing package: Result gives it the expression and words, and does not import it.
        variables = dict(self.problem.variables)
        variables.setdefault(self.wrt.name, self.wrt)
        symbol = to_text(self.symbol)
        where = message(f"layout.{self.layout}", lang)
        if self.orientation != "hessian" and self.layout == "mixed":
            where = message("ui.layout_here", lang).format(
                layout=where, orientation=message(f"layout.{self.orientation}", lang)
            )
        size = "×".join(dim_text(d) for d in self.shape)
        return printer("numpy_code")(
            self.expr,
            variables,
            name,
            summary=f"{symbol} = {to_text(self.expr)}",
            comment=message("code.comment", lang).format(symbol=symbol, layout=where, shape=size),
            unused_note=message("code.unused", lang),
            zero_d=self.f_kind == "scalar" and self.wrt_kind == "scalar",
        )

    def code(
        self,
        target: str = "numpy",
        name: str = "derivative",
        with_value: bool = False,
        lang: str = "en",
    ) -> str:
        """Source of a fast function computing this derivative, for ``target`` ("numpy",
        "torch" or "jax"): its arguments are the variables in order; it returns the derivative
        (shaped as :meth:`evaluate` gives it), or with ``with_value`` the pair (function value,
        derivative), computing what they share once. Written for speed (see
        ``matdiff_magic.codegen``), where :meth:`numpy_code` shows the derivative as derived.
        NumPy and torch compute in float64; JAX in its default precision (float32 unless
        ``jax_enable_x64`` is set). Where a spectral derivative does not exist (a repeated
        extreme eigenvalue or top singular value, a rank-deficient X under the nuclear norm)
        the function raises its own ``NotDifferentiableError`` (a ValueError) by the test
        :meth:`evaluate` uses; JAX code under ``jax.jit`` cannot raise and returns NaN there."""
        from matdiff_magic.codegen import generate

        variables = dict(self.problem.variables)
        variables.setdefault(self.wrt.name, self.wrt)
        symbol = to_text(self.symbol)
        size = "×".join(dim_text(d) for d in self.shape)
        where = message(f"layout.{self.layout}", lang)
        if self.orientation != "hessian" and self.layout == "mixed":
            where = message("ui.layout_here", lang).format(
                layout=where, orientation=message(f"layout.{self.orientation}", lang)
            )
        doc = (
            f"{symbol} = {to_text(self.expr)}",
            message("code.comment", lang).format(symbol=symbol, layout=where, shape=size),
        )
        return generate(
            self.expr,
            variables,
            target,
            name,
            value=self.function if with_value else None,
            zero_d=self.f_kind == "scalar" and self.wrt_kind == "scalar",
            scalar_value=self.f_kind == "scalar",
            doc=doc,
        )  # fmt: skip

    # -- display -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<matdiff Result {self}>"

    def __str__(self) -> str:
        where = self.where_text()
        return f"{to_text(self.symbol)} = {self.text}" + (f"   {where}" if where else "")

    def _repr_latex_(self) -> str:
        where = self.where_latex()
        where = r"\qquad " + where if where else ""
        return "$$" + to_latex(self.symbol) + " = " + self.latex + where + "$$"


def _variables_in(e: Expr) -> set[str]:
    """The names of the variables ``e`` uses (definitions kept by name looked into)."""
    return variable_names(e)


__all__ = ["Result", "Derivation", "Step"]
