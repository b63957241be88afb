"""The printer shared by LaTeX and plain text: dispatch, precedence and parentheses.

Dispatch is by node class (``_print_<ClassName>``), like SymPy's printers; each operation's
module (``matdiff_magic/operations``) installs its printers and its precedence. Subclasses supply
the notation hooks; this class decides where parentheses go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import handler, lookup

ADD, NEG, MUL, POW, ATOM = 10, 15, 20, 30, 40
# Each operation's precedence (a level above, or a function of the node giving one), installed
# by its module (``operations/define.py``); absent: ATOM.
PRECEDENCE: dict[type, int | Callable[[Expr], int]] = {}

# (printer class, part) -> a memo shared by the printers of that class made in ``sharing_memos``
# (class None: a memo every printer shares, see ``shared_memo``)
_SHARED: ContextVar[dict[tuple[type | None, str], dict] | None] = ContextVar(
    "matdiff_print_memos", default=None
)


def shared_memo(part: str) -> dict:
    """Inside ``sharing_memos`` the one memo named ``part`` (for what LaTeX and text printing
    work out alike: the order of an index formula's factors, say); else a new one."""
    shared = _SHARED.get()
    return {} if shared is None else shared.setdefault((None, part), {})


@contextmanager
def sharing_memos(memos: dict | None = None) -> Iterator[None]:
    """Within this block every printer of one class shares one memo: a display that prints the
    same expressions several times (a derivation as LaTeX and as HTML, the methods' common
    lines, the result under its derivation) prints each once. A node prints the same wherever
    it is (the memo of one printer already relies on that), so the strings are unchanged.
    ``memos``: the memos of an earlier block, to go on with (an empty dict to keep them)."""
    token = _SHARED.set({} if memos is None else memos)
    try:
        yield
    finally:
        _SHARED.reset(token)


class Printer:
    """Subclasses define the notation hooks below; the operations install ``_print_<Node>``."""

    def __init__(self) -> None:
        self._memo = self._new_memo()

    def _new_memo(self, part: str = "") -> dict[Expr, str]:
        """A memo of printed nodes: this printer's own, or inside ``sharing_memos`` the one its
        class shares there (``part`` names a further memo, for nodes printed in a context that
        prints them differently)."""
        shared = _SHARED.get()
        return {} if shared is None else shared.setdefault((type(self), part), {})

    # -- notation hooks (overridden) ------------------------------------------------------
    def paren(self, s: str) -> str:
        raise NotImplementedError

    def frac(self, num: str, den: str) -> str:
        raise NotImplementedError

    def frac_before_factor(self, num: str, den: str) -> str:
        """A fraction followed by a further factor ((aᵀ x)/(bᵀ x) B): where the notation has
        no fraction bar, the numerator must stay grouped."""
        return self.frac(num, den)

    def sup(self, base: str, exponent: str) -> str:
        raise NotImplementedError

    def number(self, value: sympy.Expr) -> str:
        raise NotImplementedError

    def call(self, name: str, arg: str) -> str:
        raise NotImplementedError

    def var(self, name: str) -> str:
        raise NotImplementedError

    PRODUCT_SEP = " "
    HADAMARD = " ⊙ "
    HADAMARD_DIV = " ⊘ "
    KRON = " ⊗ "
    PLUS = " + "
    MINUS = " - "
    NEG_SIGN = "-"

    # -- dispatch ----------------------------------------------------------------------------
    def doprint(self, e: Expr) -> str:
        return self._print(e)

    def _print(self, e: Expr) -> str:
        key = e
        found = self._memo.get(key)
        if found is None:
            method = handler(self, "_print_", e)
            if method is not None:
                found = method(e)
            else:
                # Extension point: a node class defined outside the core prints itself.
                found = e._print_with(self)  # type: ignore[attr-defined]
            self._memo[key] = found
        return found

    # -- precedence --------------------------------------------------------------------------
    def precedence(self, e: Expr) -> int:
        """How tightly the printed ``e`` binds: each operation's module gives its level
        (:data:`PRECEDENCE`, a number or a function of the node); a leaf or a call is ATOM."""
        level = lookup(PRECEDENCE, type(e))
        if level is None:
            return ATOM
        return level(e) if callable(level) else level

    def wrap(self, e: Expr, needs: int) -> str:
        s = self._print(e)
        return self.paren(s) if self.precedence(e) < needs else s

    # -- what the operations' printers share: signs, operands and their parentheses -----------
    def _split_sign(self, term: Expr) -> tuple[bool, Expr | None]:
        """(is the term negative, the term without its sign)."""
        if isinstance(term, N.Mul) and is_negative(term.coeff):
            from matdiff_magic.tree import build

            return True, build.make_mul(-term.coeff, term.scalars, term.body)
        if isinstance(term, N.Const) and is_negative(term.value):
            return True, N.Const(-term.value)
        return False, term

    def _scalar_factor(self, s: Expr, last: bool) -> str:
        if isinstance(s, N.MatMul | N.Hadamard | N.Kron | N.HadamardDiv):
            return self._print(s) if last else self.paren(self._print(s))
        return self.wrap(s, POW)

    def _body(self, body: Expr) -> str:
        if isinstance(body, N.Add | N.Hadamard | N.HadamardDiv | N.Kron):
            return self.paren(self._print(body))
        return self.wrap(body, MUL)

    def _factor(self, f: Expr) -> str:
        if isinstance(f, N.Add | N.Mul | N.Hadamard | N.HadamardDiv | N.Kron | N.MatMul):
            return self.paren(self._print(f))
        return self.wrap(f, POW)

    def _elementwise_operand(self, f: Expr) -> str:
        if isinstance(f, N.Add | N.Mul | N.MatMul | N.Kron | N.HadamardDiv | N.Hadamard):
            return self.paren(self._print(f))
        return self.wrap(f, POW)

    def _kron_operand(self, f: Expr, index: int) -> str:
        if isinstance(f, N.Kron) and index == 0:
            return self._print(f)
        if isinstance(f, N.Add | N.Mul | N.MatMul | N.Hadamard | N.HadamardDiv | N.Kron):
            return self.paren(self._print(f))
        if isinstance(f, N.Identity):
            return self._identity_sized(f)
        if isinstance(f, N.Ones) or (isinstance(f, N.Transpose) and isinstance(f.arg, N.Ones)):
            return self._ones_sized(f if isinstance(f, N.Ones) else N.Ones(ONE, f.arg.rows))
        if isinstance(f, N.Transpose) and isinstance(f.arg, N.Identity):
            return self._identity_sized(f.arg) + self._print(N.Transpose(N.Var("", ONE, ONE)))
        return self.wrap(f, POW)

    def _identity_sized(self, e: N.Identity) -> str:
        return self._print(e)

    def _ones_sized(self, e: N.Ones) -> str:
        """𝟏 where nothing around it says its size (an operand of ⊗); the text printers write
        the size so that the formula reads back."""
        return self._print(e)

    def _base(self, e: Expr) -> str:
        """An operand of a postfix operator (transpose, inverse, power)."""
        if isinstance(e, N.Opaque) and ("/" in e.text or "\\frac" in e.latex):
            return self.paren(self._print(e))  # (∂l/∂e)ᵀ, not ∂l/∂eᵀ
        return self.wrap(e, ATOM)


def is_negative(v: sympy.Expr) -> bool:
    try:
        return bool(v.could_extract_minus_sign())
    except (AttributeError, TypeError):
        return False


def is_vector_shaped(e: Expr) -> bool:
    return e.cols == ONE or e.rows == ONE
