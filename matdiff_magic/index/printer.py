"""Index formulas as LaTeX or readable text: Σ_j A_kj x_j, \\sum_{j=1}^{n} A_{kj} x_{j}.

Factors print in reading order: by occurrence (x_i A_ij x_j) or, for derivatives, along the
chain of indices from the free ones (A_ik x_i: the k-th column of A times x).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

from matdiff_magic.dims import dim_text
from matdiff_magic.index.convert import Base, order_of
from matdiff_magic.printing.base import shared_memo
from matdiff_magic.printing.latex import latex_dim
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

def order_key(e: sympy.Basic) -> int:
    """The first occurrence in ``e`` (numbers and index-free constants first)."""
    orders = [
        order_of(s.name)
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Indexed) and "#" in s.name
    ]
    orders += [order_of(b.label.name) for b in e.atoms(sympy.IndexedBase)]
    return min(orders) if orders else -1


def _indices(e: sympy.Basic) -> list[sympy.Symbol]:
    """Index symbols of a factor, in the order they appear."""
    out: list[sympy.Symbol] = []

    def go(node: sympy.Basic) -> None:
        if isinstance(node, sympy.Indexed):
            for s in node.indices:
                if isinstance(s, sympy.Symbol) and s not in out:
                    out.append(s)
            return
        if isinstance(node, sympy.KroneckerDelta):
            for s in node.args:
                if isinstance(s, sympy.Symbol) and s not in out:
                    out.append(s)
            return
        if isinstance(node, sympy.Sum):
            bound = {lim[0] for lim in node.limits}
            before = len(out)
            go(node.function)
            out[before:] = [s for s in out[before:] if s not in bound]
            return
        for a in node.args:
            go(a)

    go(e)
    return out


def chain_order(factors: list[sympy.Expr], start: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    """Factors along the chain of shared indices, starting from the free indices in ``start``."""
    ordered = sorted(
        factors, key=lambda f: (order_key(f), isinstance(f, sympy.Indexed | sympy.KroneckerDelta))
    )
    # factors without indices (scalars) first
    out: list[sympy.Expr] = [f for f in ordered if not _indices(f)]
    remaining = [n for n, f in enumerate(ordered) if _indices(f)]
    left = set(remaining)
    holding: dict[sympy.Symbol, list[int]] = {}  # index -> factors holding it, in order
    for n in remaining:
        for s in _indices(ordered[n]):
            holding.setdefault(s, []).append(n)

    def first_with(s: sympy.Symbol) -> int | None:
        return next((n for n in holding.get(s, ()) if n in left), None)

    current: sympy.Symbol | None = None
    while left:
        pick, came = None, None
        if current is not None:
            pick, came = first_with(current), current
        if pick is None:
            for s in start:
                pick = first_with(s)
                if pick is not None:
                    came = s
                    break
        if pick is None:
            pick = min(left)
        left.discard(pick)
        out.append(ordered[pick])
        others = [s for s in _indices(ordered[pick]) if s != came and s not in start]
        current = others[0] if others else None
    return out


class IndexPrinter:
    """Prints SymPy index expressions built by ``convert`` (LaTeX or text)."""

    def __init__(
        self,
        bases: Mapping[str, Base],
        latex: bool,
        chain: Sequence[sympy.Symbol] | None = None,
    ) -> None:
        self.bases = bases
        self.latex = latex
        self.chain = chain
        # The order of the terms of a sum and of the factors of a product is the same in LaTeX
        # and in text: worked out once for both where a display prints both (sharing_memos).
        self.orders = shared_memo("index orders")

    # -- pieces ------------------------------------------------------------------------------
    def paren(self, s: str) -> str:
        if self.latex:
            return r"\left(" + s + r"\right)"
        return "(" + s + ")"

    def index(self, s: sympy.Basic) -> str:
        if self.latex:
            return str(s) if not isinstance(s, sympy.Symbol) else _latex_index(s.name)
        return str(s)

    def subscript(self, base: str, grouped: bool, indices: Sequence[sympy.Basic]) -> str:
        names = [self.index(s) for s in indices]
        joined = "".join(names) if all(len(n) == 1 for n in names) else ",".join(names)
        if self.latex:
            if grouped:
                base = r"\left(" + base + r"\right)"
            elif "_" in base or "^" in base:
                base = "{" + base + "}"
            return base + "_{" + joined + "}"
        if grouped:
            base = "(" + base + ")"
        return base + "_" + joined

    def number(self, v: sympy.Expr) -> str:
        if v.is_Rational and not v.is_Integer:
            if self.latex:
                sign = "-" if v.p < 0 else ""
                return sign + r"\frac{" + str(abs(v.p)) + "}{" + str(v.q) + "}"
            return f"{v.p}/{v.q}"
        if v.is_Number:
            return str(v)
        return latex_dim(v) if self.latex else dim_text(v)

    # -- dispatch ----------------------------------------------------------------------------
    def terms(self, terms: Sequence[sympy.Expr]) -> str:
        """A sum of terms in the given order."""
        if not terms:
            return "0"
        out = []
        for n, t in enumerate(terms):
            negative, body = self._sign(t)
            s = self.doprint(body, top=True)
            if n == 0:
                out.append(("-" + s) if negative else s)
            else:
                out.append((" - " if negative else " + ") + s)
        return "".join(out)

    def _sign(self, t: sympy.Expr) -> tuple[bool, sympy.Expr]:
        c, rest = t.as_coeff_Mul()
        if c.is_number and c < 0:
            return True, -t
        return False, t

    def doprint(self, e: sympy.Basic, top: bool = False) -> str:
        if isinstance(e, sympy.Add):
            return self.terms(self._ordered(e.args, "sum"))
        if isinstance(e, sympy.Mul):
            return self._mul(e)
        if isinstance(e, sympy.Pow):
            return self._pow(e)
        if isinstance(e, sympy.Sum):
            return self._sum(e)
        if isinstance(e, sympy.Indexed):
            b = self.bases.get(e.base.label.name)
            if b is None:
                return self.subscript(str(e.base), False, e.indices)
            indices = e.indices
            if len(indices) == 2 and indices[0] == 1 and b.expr.rows == 1:
                indices = indices[1:]  # a row: one index
            return self.subscript(b.latex if self.latex else b.text, b.grouped, indices)
        if isinstance(e, sympy.KroneckerDelta):
            return self.subscript(r"\delta" if self.latex else "δ", False, e.args[:2])
        if isinstance(e, sympy.Symbol):
            b = self.bases.get(e.name)
            if b is not None:
                s = b.latex if self.latex else b.text
                return self.paren(s) if (b.grouped or " " in s) else s
            return self.number(e)
        if isinstance(e, sympy.Number):
            return self.number(e)
        if isinstance(e, sympy.Function):
            row = ROW_OF_SYMPY.get(type(e))
            arg = self.doprint(e.args[0])
            if row is None:  # not made by matdiff; printed as SymPy names it
                name = type(e).__name__
                return (r"\operatorname{" + name + "}" if self.latex else name) + self.paren(arg)
            return (row.latex if self.latex else row.text).format(arg)
        if e.is_number:
            return self.number(e)
        return self.latex_fallback(e)

    def latex_fallback(self, e: sympy.Basic) -> str:
        return sympy.latex(e) if self.latex else str(e)

    def _factor(self, f: sympy.Expr, alone: bool) -> str:
        s = self.doprint(f)
        if isinstance(f, sympy.Add) or (isinstance(f, sympy.Sum) and not alone):
            return self.paren(s)
        return s

    def _ordered(self, items: Sequence[sympy.Expr], kind: str) -> list[sympy.Expr]:
        """The terms of a sum (``kind`` "sum") or the factors of a product in reading order.
        What is kept is where each item goes, so that the items printed are the ones given."""
        chain = tuple(self.chain) if self.chain is not None and kind == "product" else None
        key = (kind, tuple(items), chain)
        where = self.orders.get(key)
        if where is None:
            if kind == "sum":
                order = sorted(
                    range(len(items)),
                    key=lambda n: (order_key(items[n]), sympy.default_sort_key(items[n])),
                )
            elif chain is not None:
                slots: dict[int, list[int]] = {}
                for n, item in enumerate(items):
                    slots.setdefault(id(item), []).append(n)
                order = [slots[id(f)].pop(0) for f in chain_order(list(items), chain)]
            else:
                order = sorted(
                    range(len(items)),
                    key=lambda n: (
                        order_key(items[n]),
                        isinstance(items[n], sympy.Sum),
                        str(items[n]),
                    ),
                )
            where = self.orders[key] = tuple(order)
        return [items[n] for n in where]

    def _product(self, factors: list[sympy.Expr]) -> str:
        factors = self._ordered(factors, "product")
        parts = [self._factor(f, len(factors) == 1) for f in factors]
        return " ".join(parts)

    def _mul(self, e: sympy.Mul) -> str:
        c, rest = e.as_coeff_Mul()
        num: list[sympy.Expr] = []
        den: list[sympy.Expr] = []
        for f in sympy.Mul.make_args(rest):
            if isinstance(f, sympy.Pow) and f.exp.is_number and f.exp < 0:
                den.append(f.base if f.exp == -1 else f.base ** (-f.exp))
            else:
                num.append(f)
        sign = ""
        if c.is_number and c < 0:
            sign, c = "-", -c
        lead = "" if c == 1 else self.number(c)
        if den:
            top = self._product(num) if num else "1"
            if lead:
                top = lead + " " + top if num else lead
            bottom = self._product(den)
            if self.latex:
                return sign + r"\frac{" + top + "}{" + bottom + "}"
            if len(num) > 1 or (num and isinstance(num[0], sympy.Add | sympy.Sum)) or lead and num:
                top = "(" + top + ")"
            if len(den) > 1 or isinstance(den[0], sympy.Sum | sympy.Mul):
                bottom = "(" + bottom + ")"
            return sign + top + "/" + bottom
        body = self._product(num)
        return sign + (lead + " " + body if lead else body)

    def _pow(self, e: sympy.Pow) -> str:
        base, exp = e.base, e.exp
        if exp == sympy.Rational(1, 2):
            inner = self.doprint(base)
            return r"\sqrt{" + inner + "}" if self.latex else "√" + self.paren(inner)
        if exp.is_number and exp < 0:
            return self._frac(e)
        b = self.doprint(base)
        if not isinstance(base, sympy.Indexed | sympy.Symbol) or (
            isinstance(base, sympy.Symbol) and base.name in self.bases and " " in b
        ):
            b = self.paren(b)
        if self.latex:
            if isinstance(base, sympy.Indexed):
                b = "{" + b + "}"
            return b + "^{" + self.doprint(exp) + "}"
        small = str(exp).translate(_SUPERSCRIPT) if exp.is_Integer else None
        return b + (small if small is not None else "^" + self.paren(self.doprint(exp)))

    def _frac(self, e: sympy.Pow) -> str:
        bottom_expr = e.base if e.exp == -1 else e.base ** (-e.exp)
        bottom = self.doprint(bottom_expr)
        if self.latex:
            return r"\frac{1}{" + bottom + "}"
        if isinstance(bottom_expr, sympy.Add | sympy.Sum | sympy.Mul):
            bottom = "(" + bottom + ")"
        return "1/" + bottom

    def _sum(self, e: sympy.Sum) -> str:
        heads = []
        for s, lo, hi in reversed(e.limits):
            if self.latex:
                heads.append(
                    r"\sum_{"
                    + self.index(s)
                    + "="
                    + self.number(lo)
                    + "}^{"
                    + self.number(hi)
                    + "}"
                )
            else:
                heads.append("∑_" + self.index(s))  # ∑ (n-ary sum), not the letter Σ
        body = self.doprint(e.function)
        if isinstance(e.function, sympy.Add):
            body = self.paren(body)
        return " ".join(heads) + " " + body


def _latex_index(name: str) -> str:
    if len(name) > 1 and name[0].isalpha() and name[1:].isdigit():
        return name[0] + "_{" + name[1:] + "}"
    return name
