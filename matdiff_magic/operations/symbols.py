"""The symbols of a derivation: dX (a differential), d(...) still to expand, ∂f/∂X (an
opaque derivative symbol) and the names of definitions."""

from __future__ import annotations

import numpy as np

from matdiff_magic.errors import EvaluationError, NotSupportedYetError
from matdiff_magic.messages import Msg
from matdiff_magic.name_forms import ascii_name, latex_name, text_name
from matdiff_magic.numeric import FD_NOISE, Env, Evaluator
from matdiff_magic.operations.define import define
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.printing.text import ascii_text
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import nodes as N


# -- dX -------------------------------------------------------------------------------------------
def _latex_differential(self, e: N.Differential) -> str:
    return r"\mathrm{d}" + latex_name(e.var.name)


def _text_differential(self, e: N.Differential) -> str:
    return "d" + text_name(e.var.name)


def _ascii_differential(self, e: N.Differential) -> str:
    return "d" + ascii_name(e.var.name)


def _eval_differential(self, e: N.Differential) -> np.ndarray:
    try:
        return self.env.directions[e.var.name]
    except KeyError:
        raise EvaluationError(Msg("eval.no_direction", name=e.var.name)) from None


define(
    N.Differential,
    evaluate=_eval_differential,
    latex=_latex_differential,
    text=_text_differential,
    ascii=_ascii_differential,
)


# -- d(...), a differential still to expand -------------------------------------------------------
def _latex_d(self, e: N.D) -> str:
    if isinstance(e.arg, N.Var | N.Named):
        return r"\mathrm{d}" + self._print(e.arg)
    return r"\mathrm{d}" + self.paren(self._print(e.arg))


def _text_d(self, e: N.D) -> str:
    if isinstance(e.arg, N.Var | N.Named):
        return "d" + self._print(e.arg)
    return "d(" + self._print(e.arg) + ")"


def _eval_d(self, e: N.D) -> np.ndarray:
    """The directional derivative of the argument along the directions (central FD)."""
    h = self.env.fd_step
    results = []
    for sign in (1.0, -1.0):
        values = dict(self.env.values)
        for name, direction in self.env.directions.items():
            if name in values:
                values[name] = values[name] + sign * h * direction
        shifted = Env(values, self.env.sizes, self.env.directions, h)
        results.append(Evaluator(shifted)(e.arg))
    size = max((float(np.max(np.abs(r))) for r in results if r.size), default=0.0)
    self.noise = max(self.noise, FD_NOISE * size / h)
    return (results[0] - results[1]) / (2 * h)


define(
    N.D,
    evaluate=_eval_d,
    latex=_latex_d,
    text=_text_d,
)


# -- a derivative symbol such as ∂f/∂u ------------------------------------------------------------
def _base_opaque(self, e: N.Opaque) -> str:
    raise NotImplementedError


def _latex_opaque(self, e: N.Opaque) -> str:
    return e.latex


def _text_opaque(self, e: N.Opaque) -> str:
    return e.text


def _ascii_opaque(self, e: N.Opaque) -> str:
    return ascii_text(e.text)


def _numpy_opaque(self, e: N.Opaque) -> tuple[str, int]:
    raise NotSupportedYetError(Msg("code.no_symbol", symbol=e.text))


def _eval_opaque(self, e: N.Opaque) -> np.ndarray:
    try:
        return self.env.values[e.key]
    except KeyError:
        raise EvaluationError(Msg("eval.no_value", name=e.text)) from None


define(
    N.Opaque,
    evaluate=_eval_opaque,
    latex=_latex_opaque,
    text=_text_opaque,
    ascii=_ascii_opaque,
    code={"*": _numpy_opaque},
)


# -- the name of a definition ---------------------------------------------------------------------
def _latex_named(self, e: N.Named) -> str:
    return latex_name(e.name)


def _text_named(self, e: N.Named) -> str:
    return text_name(e.name)


def _ascii_named(self, e: N.Named) -> str:
    return ascii_name(e.name)


def _numpy_named(self, e: N.Named) -> tuple[str, int]:
    """A definition becomes an assignment under its own name (when that is free)."""
    code, _ = self._print(e.body)
    name = e.name if e.name.isidentifier() and e.name.isascii() else self._temporary()
    if name in self._taken and name != e.name:
        name = self._temporary()
    elif name == e.name:
        if name in self._taken:
            name = self._temporary()
        self._taken.add(name)
    self.assignments.append((name, code))
    return name, C.ATOM


def _eval_named(self, e: N.Named) -> np.ndarray:
    return self(e.body)


define(
    N.Named,
    evaluate=_eval_named,
    latex=_latex_named,
    text=_text_named,
    ascii=_ascii_named,
    code={"*": _numpy_named},
    sympy=lambda e, go: go(e.body),
    entry=lambda c, e, i, j: c.entry(e.body, i, j),  # a name is its definition
)
row(
    "d.definition",
    N.Named,
    "differential of a definition",
    "定义的微分",
    r"e = g(x) \Rightarrow \mathrm{d}e = \mathrm{d}g(x)",
    "A name stands for its definition: take the differential of the definition.",
    "名字代表它的定义：对定义求微分。",
    lambda e, d: d(e.body),
)
