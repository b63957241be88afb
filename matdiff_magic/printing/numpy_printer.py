"""The NumPy printer: an expression as NumPy code, subexpressions used twice computed once.

Dispatch is along the class hierarchy (``_print_<ClassName>``), like the LaTeX and text
printers; each entrywise function writes itself from its row's code template. Values follow
matdiff's numeric conventions (everything 2-D, scalars 1×1, vectors columns).
"""

from __future__ import annotations

import keyword
import unicodedata
from collections import Counter
from collections.abc import Iterable

import sympy

from matdiff_magic.dims import dim_text
from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.printing.text import text as to_text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import handler
from matdiff_magic.tree.elementwise import ELEMENTWISE

ADD, MUL, UNARY, POW, ATOM = 10, 20, 30, 40, 50

# The helper functions generated code may call: the entrywise rows' own, the one below, and
# those the operations' modules add.
HELPERS: dict[str, str] = {
    **{name: src for row in ELEMENTWISE.values() for name, src in row.helpers.items()},
    "_commutation": (
        "def _commutation(m, n):\n"
        '    """K with K vec(A) = vec(A.T) for A of size m×n (vec stacks columns)."""\n'
        "    k = np.zeros((m * n, m * n))\n"
        "    for i in range(m):\n"
        "        for j in range(n):\n"
        "            k[i * n + j, j * m + i] = 1.0\n"
        "    return k\n"
    ),
}

_RESERVED = {"np", "out"}


def python_name(name: str, taken: Iterable[str] = ()) -> str:
    """A Python identifier for a matdiff name (``lambda`` -> ``lambda_``; Greek letters stay)."""
    taken = set(taken)
    candidate = name
    ok = candidate.isidentifier() and unicodedata.normalize("NFKC", candidate) == candidate
    if not ok:
        candidate = "v_" + "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in name)
    while (
        keyword.iskeyword(candidate)
        or candidate in _RESERVED
        or candidate in HELPERS
        or candidate in taken
    ):
        candidate += "_"
    return candidate


class NumpyPrinter:
    """Prints an expression as a NumPy expression; repeated subexpressions become temporaries.

    ``names`` maps variable names to Python names and ``sizes`` dimension symbols to the Python
    names holding their values. After ``doprint``, ``assignments`` holds the temporaries (in
    order) and ``helpers`` the helper functions the code calls.
    """

    def __init__(self, names: dict[str, str], sizes: dict[sympy.Symbol, str]) -> None:
        self.names = names
        self.sizes = sizes
        self.assignments: list[tuple[str, str]] = []
        self.helpers: set[str] = set()
        self._shared: set[Expr] = set()
        self._memo: dict[Expr, tuple[str, int]] = {}
        self._taken = set(names.values()) | set(sizes.values())

    # -- entry points ---------------------------------------------------------------------------
    def doprint(self, e: Expr) -> str:
        self._shared = _repeated(e)
        return self._print(e)[0]

    def _print(self, e: Expr) -> tuple[str, int]:
        found = self._memo.get(e)
        if found is not None:
            return found
        method = handler(self, "_print_", e)
        own = getattr(e, "_numpy_with", None)  # extension point: a node type in its own module
        if method is None and own is None:
            raise NotSupportedYetError(Msg("code.no_node", node=type(e).__name__, text=to_text(e)))
        code, prec = method(e) if method is not None else own(self)
        if e in self._shared:
            temp = self._temporary()
            self.assignments.append((temp, code))
            code, prec = temp, ATOM
        self._memo[e] = (code, prec)
        return code, prec

    def _temporary(self) -> str:
        k = len(self.assignments) + 1
        name = f"t{k}"
        while name in self._taken:
            k += 1
            name = f"t{k}"
        self._taken.add(name)
        return name

    # -- helpers ------------------------------------------------------------------------------
    def operand(self, e: Expr, needs: int) -> str:
        return _wrap(self._print(e), needs)

    def call(self, func: str, *args: Expr | str) -> tuple[str, int]:
        parts = [a if isinstance(a, str) else self._print(a)[0] for a in args]
        return func + "(" + ", ".join(parts) + ")", ATOM

    def dim(self, d: sympy.Expr) -> tuple[str, int]:
        """A dimension (or a number containing dimensions) as Python code."""
        if d.is_Integer:
            return str(int(d)), (ATOM if d >= 0 else UNARY)
        if d.is_Rational:
            return f"{d.p} / {d.q}", MUL
        if isinstance(d, sympy.Symbol):
            try:
                return self.sizes[d], ATOM
            except KeyError:
                raise NotSupportedYetError(Msg("code.no_size", size=dim_text(d))) from None
        if isinstance(d, sympy.Mul):
            coeff, rest = d.as_coeff_Mul()
            parts = [] if coeff == 1 else [self._dim_operand(coeff, MUL)]
            parts += [self._dim_operand(f, MUL + 1) for f in sympy.Mul.make_args(rest)]
            return " * ".join(parts), MUL
        if isinstance(d, sympy.Add):
            return " + ".join(self._dim_operand(t, ADD) for t in d.args), ADD
        if isinstance(d, sympy.Pow) and d.exp.is_Integer:
            return self._dim_operand(d.base, ATOM) + " ** " + str(d.exp), POW
        if not d.free_symbols:
            return repr(float(d)), ATOM
        raise NotSupportedYetError(Msg("code.no_number", number=str(d)))

    def _dim_operand(self, d: sympy.Expr, needs: int) -> str:
        return _wrap(self.dim(d), needs)

    def shape(self, e: Expr) -> str:
        return "(" + self.dim(e.rows)[0] + ", " + self.dim(e.cols)[0] + ")"

    # -- leaves -------------------------------------------------------------------------------
    def _print_Var(self, e: N.Var) -> tuple[str, int]:
        return self.names[e.name], ATOM

    def _print_Const(self, e: N.Const) -> tuple[str, int]:
        return self.dim(e.value)

    def _print_Identity(self, e: N.Identity) -> tuple[str, int]:
        return "np.eye(" + self.dim(e.n)[0] + ")", ATOM

    def _print_Zero(self, e: N.Zero) -> tuple[str, int]:
        return "np.zeros(" + self.shape(e) + ")", ATOM

    def _print_Ones(self, e: N.Ones) -> tuple[str, int]:
        return "np.ones(" + self.shape(e) + ")", ATOM

    def _print_Commutation(self, e: N.Commutation) -> tuple[str, int]:
        self.helpers.add("_commutation")
        return "_commutation(" + self.dim(e.m)[0] + ", " + self.dim(e.n)[0] + ")", ATOM

    def _print_Named(self, e: N.Named) -> tuple[str, int]:
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
        return name, ATOM

    def _print_Opaque(self, e: N.Opaque) -> tuple[str, int]:
        raise NotSupportedYetError(Msg("code.no_symbol", symbol=e.text))

    # -- algebra ------------------------------------------------------------------------------
    def _print_Add(self, e: N.Add) -> tuple[str, int]:
        out = []
        for i, term in enumerate(e.terms):
            negative, body = _split_sign(term)
            if i == 0:
                out.append(
                    "-" + self.operand(body, UNARY + 1) if negative else self.operand(body, ADD)
                )
            else:
                out.append((" - " if negative else " + ") + self.operand(body, ADD + 1))
        return "".join(out), ADD

    def _print_Mul(self, e: N.Mul) -> tuple[str, int]:
        coeff = e.coeff
        negative = bool(coeff.could_extract_minus_sign())
        if negative:
            coeff = -coeff
        p, q = sympy.fraction(coeff)
        top: list[tuple[str, int]] = [self.dim(p)] if p != 1 else []
        bottom: list[tuple[str, int]] = [self.dim(q)] if q != 1 else []
        for f in (*e.scalars, *((e.body,) if e.body is not None else ())):
            exponent = f.exponent if isinstance(f, N.Power) else None
            if isinstance(exponent, N.Const) and exponent.value.is_negative:
                k = -exponent.value
                base = self._print(f.base)
                if k == 1:
                    bottom.append(base)
                else:
                    bottom.append((_wrap(base, ATOM) + " ** " + _wrap(self.dim(k), POW + 1), POW))
            else:
                top.append(self._print(f))
        if len(top) == 1 and not bottom:
            code, prec = top[0]
        else:
            # Only a leading number goes unparenthesized: (1ᵀ y) * s, not 1ᵀ @ y * s.
            first = MUL if p != 1 else MUL + 1
            parts = [_wrap(t, first if i == 0 else MUL + 1) for i, t in enumerate(top)] or ["1"]
            code = " * ".join(parts) + "".join(" / " + _wrap(b, MUL + 1) for b in bottom)
            prec = MUL
        if negative:
            return "-" + _wrap((code, prec), UNARY + 1), UNARY
        return code, prec

    def _print_MatMul(self, e: N.MatMul) -> tuple[str, int]:
        parts = [self.operand(f, MUL if i == 0 else MUL + 1) for i, f in enumerate(e.factors)]
        return " @ ".join(parts), MUL

    def _print_Transpose(self, e: N.Transpose) -> tuple[str, int]:
        return self.operand(e.arg, ATOM) + ".T", ATOM

    def _print_Power(self, e: N.Power) -> tuple[str, int]:
        if isinstance(e.exponent, N.Const):
            k = e.exponent.value
            if k == sympy.Rational(1, 2):
                return self.call("np.sqrt", e.base)
            exponent = self._dim_operand(k, POW + 1) if k >= 0 else "(" + self.dim(k)[0] + ")"
        else:
            exponent = self.operand(e.exponent, POW + 1)
        return self.operand(e.base, ATOM) + " ** " + exponent, POW

    # -- entrywise functions (the other functions: matdiff_magic/operations) ----------------
    def _print_Elementwise(self, e: N.Elementwise) -> tuple[str, int]:
        row = ELEMENTWISE[e.func]
        self.helpers.update(row.helpers)
        # every template is a call, so the argument needs no brackets of its own
        return row.code["numpy"].format(self._print(e.arg)[0]), ATOM

    def _print_Hadamard(self, e: N.Hadamard) -> tuple[str, int]:
        parts = [self.operand(f, MUL if i == 0 else MUL + 1) for i, f in enumerate(e.factors)]
        return " * ".join(parts), MUL

    def _print_HadamardDiv(self, e: N.HadamardDiv) -> tuple[str, int]:
        return self.operand(e.num, MUL) + " / " + self.operand(e.den, MUL + 1), MUL

    def _print_HadamardPow(self, e: N.HadamardPow) -> tuple[str, int]:
        k = e.exponent
        exponent = self._dim_operand(k, POW + 1) if k >= 0 else "(" + self.dim(k)[0] + ")"
        return self.operand(e.base, ATOM) + " ** " + exponent, POW


def _wrap(printed: tuple[str, int], needs: int) -> str:
    code, prec = printed
    return code if prec >= needs else "(" + code + ")"


def _split_sign(term: Expr) -> tuple[bool, Expr]:
    if isinstance(term, N.Mul) and term.coeff.could_extract_minus_sign():
        from matdiff_magic.tree import build

        return True, build.make_mul(-term.coeff, term.scalars, term.body)
    if isinstance(term, N.Const) and term.value.could_extract_minus_sign():
        return True, N.Const(-term.value)
    return False, term


_TRIVIAL = (N.Var, N.Const, N.Identity, N.Zero, N.Ones, N.Commutation)


def _repeated(e: Expr) -> set[Expr]:
    """Subexpressions worth a temporary: non-trivial ones that occur more than once."""
    counts: Counter[Expr] = Counter()

    def visit(node: Expr) -> None:
        counts[node] += 1
        if counts[node] == 1:
            for child in node.args:
                visit(child)

    visit(e)
    return {
        node
        for node, k in counts.items()
        if k > 1
        and not isinstance(node, _TRIVIAL)
        and not (isinstance(node, N.Transpose) and isinstance(node.arg, _TRIVIAL))
    }
