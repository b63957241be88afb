"""What the checkers (check, truth, verify) and the code printer read of a derivative.

:class:`matdiff_magic.result.Result` is one; naming the protocol here, below both, keeps those
modules from importing ``result`` (which uses them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


class Derived(Protocol):
    problem: Any  # language.problem.Problem: the variables and definitions
    outcome: Any  # methods.common.Outcome: what the method produced
    layout: str
    orientation: str  # "numerator", "denominator" or "hessian"
    f_kind: str
    wrt_kind: str
    checked: bool  # every line verified (``verify.verified`` sets it)

    @property
    def expr(self) -> Expr: ...

    @property
    def function(self) -> Expr: ...

    @property
    def wrt(self) -> N.Var: ...

    @property
    def order(self) -> int: ...

    @property
    def shape(self) -> tuple: ...

    @property
    def steps(self) -> Any: ...

    @property
    def symbol(self) -> N.Opaque: ...

    @property
    def gradient(self) -> Derived: ...

    def evaluate(self, values: Mapping[str, object]) -> np.ndarray: ...
