"""``IndexFormula``: an index (entrywise) formula as a node of the expression tree.

It prints as the formula (Σ_j A_kj x_j) and evaluates to the whole array over its free indices:
a free k of size n gives an n×1 column, k and l a matrix; with the function's i, j as rows and
the variable's k, l as columns the entries are arranged as d vec(F)/d vec(X)^T (row i + j·p,
column k + l·m).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.index.convert import Base, base_from_tuple
from matdiff_magic.index.numeric import evaluate_axes, evaluate_terms
from matdiff_magic.index.printer import IndexPrinter
from matdiff_magic.tree.base import Expr

STYLES = ("reading", "chain", "entries")


def _dim_product(dims: Sequence[sympy.Expr]) -> sympy.Expr:
    out = ONE
    for d in dims:
        out = out * d
    return out


class IndexFormula(Expr):
    """Σ of SymPy index terms with free ``rows`` and ``cols`` indices.

    ``bases`` are ``Base`` tuples (what each IndexedBase stands for), ``dims`` the sizes of the
    free indices. ``style``: "reading" orders factors by occurrence, "chain" along shared
    indices from the free ones, "entries" also shows the formula as a matrix [ ... ]_{kl}.
    ``explicit`` (optional, one tuple per term) names the occurrences of the variable that a
    "terms containing x_k" line differentiates, the others held fixed; ``targets`` are the
    free indices (k, l) of the variable's entry there (None for a size 1).
    """

    __slots__ = ()
    _fields = (
        "terms",
        "row_indices",
        "col_indices",
        "bases",
        "dims",
        "style",
        "explicit",
        "targets",
    )
    terms: tuple[sympy.Expr, ...]
    row_indices: tuple[sympy.Symbol, ...]
    col_indices: tuple[sympy.Symbol, ...]
    bases: tuple[tuple, ...]
    dims: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    style: str
    explicit: tuple[tuple[str, ...], ...]
    targets: tuple[sympy.Symbol | None, ...]

    def __init__(
        self,
        terms: tuple[sympy.Expr, ...],
        row_indices: tuple[sympy.Symbol, ...],
        col_indices: tuple[sympy.Symbol, ...],
        bases: tuple[tuple, ...],
        dims: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
        style: str = "reading",
        explicit: tuple[tuple[str, ...], ...] = (),
        targets: tuple[sympy.Symbol | None, ...] = (),
    ) -> None:
        if explicit:
            pairs = [(t, e) for t, e in zip(terms, explicit, strict=True) if t != 0]
            terms, explicit = tuple(t for t, _ in pairs), tuple(e for _, e in pairs)
        else:
            terms = tuple(t for t in terms if t != 0)
        dim_of = dict(dims)
        shape = (
            _dim_product([dim_of[s] for s in row_indices]),
            _dim_product([dim_of[s] for s in col_indices]),
        )
        self._setup(
            (
                terms,
                tuple(row_indices),
                tuple(col_indices),
                tuple(bases),
                tuple(dims),
                style,
                tuple(explicit),
                tuple(targets),
            ),
            shape,
        )

    @classmethod
    def make(
        cls,
        terms: Sequence[sympy.Expr],
        rows: Sequence[sympy.Symbol],
        cols: Sequence[sympy.Symbol],
        bases: dict[str, Base],
        dims: dict[sympy.Symbol, sympy.Expr],
        style: str = "reading",
        explicit: Sequence[tuple[str, ...]] = (),
        targets: Sequence[sympy.Symbol | None] = (),
    ) -> IndexFormula:
        """A formula keeping only the bases and free-index sizes it uses."""
        used: set[str] = set()
        for t in terms:
            used |= {s.name for s in t.free_symbols if "#" in s.name}
            used |= {b.label.name for b in t.atoms(sympy.IndexedBase)}
        kept = tuple(bases[n].as_tuple() for n in sorted(used) if n in bases)
        free = tuple((s, dims[s]) for s in (*rows, *cols))
        return cls(
            tuple(terms),
            tuple(rows),
            tuple(cols),
            kept,
            free,
            style,
            tuple(explicit),
            tuple(targets),
        )

    def base_map(self) -> dict[str, Base]:
        return {t[0]: base_from_tuple(t) for t in self.bases}

    @property
    def free(self) -> tuple[sympy.Symbol, ...]:
        return (*self.row_indices, *self.col_indices)

    def with_style(self, style: str) -> IndexFormula:
        return IndexFormula(
            self.terms,
            self.row_indices,
            self.col_indices,
            self.bases,
            self.dims,
            style,
            self.explicit,
            self.targets,
        )

    # -- extension points (docs/design.md) ----------------------------------------------------
    def printed(self, latex: bool) -> str:
        chain = self.free if self.style in ("chain", "entries") else None
        p = IndexPrinter(self.base_map(), latex, chain)
        body = p.terms(self.terms)
        if self.style == "entries" and self.free:
            names = [p.index(s) for s in self.free]
            joined = "".join(names) if all(len(n) == 1 for n in names) else ",".join(names)
            if latex:
                return r"\left[" + body + r"\right]_{" + joined + "}"
            return "[" + body + "]_" + joined
        return body

    def _print_with(self, printer: object) -> str:
        from matdiff_magic.printing.latex import LatexPrinter

        return self.printed(isinstance(printer, LatexPrinter))

    def _base_reader(self, evaluator: object) -> Callable[[str], np.ndarray]:
        bases = self.base_map()

        def base(name: str) -> np.ndarray:
            b = bases.get(name)
            if b is None:
                from matdiff_magic.errors import EvaluationError, Msg

                raise EvaluationError(Msg("eval.unknown_quantity", name=name))
            return np.asarray(evaluator(b.expr), dtype=float)  # type: ignore[operator]

        return base

    def _evaluate_with(self, evaluator: object) -> np.ndarray:
        env = evaluator.env  # type: ignore[attr-defined]
        sizes = {s: env.size(d) for s, d in self.dims}
        base = self._base_reader(evaluator)
        return evaluate_terms(self.terms, self.row_indices, self.col_indices, base, env.size, sizes)

    def explicit_partials(self, evaluator: object, h: float = 2e-6) -> np.ndarray:
        """∂/∂x_kl of this formula through its ``explicit`` occurrences only, at k, l = the
        free indices of the variable: the number a "terms containing x_k" line claims equals
        ∂f/∂x_kl. Arranged as the formula evaluates (central differences on a copy of x)."""
        env = evaluator.env  # type: ignore[attr-defined]
        sizes = {s: env.size(d) for s, d in self.dims}
        read = self._base_reader(evaluator)
        names = {n for group in self.explicit for n in group}
        if not names:
            from matdiff_magic.errors import EvaluationError, Msg

            raise EvaluationError(Msg("eval.index_formula", what="no explicit occurrence"))
        x = np.asarray(read(next(iter(names))), dtype=float)
        probe_name = "@probe#0"
        terms = []
        for term, group in zip(self.terms, self.explicit, strict=True):
            swap = {sympy.IndexedBase(n): sympy.IndexedBase(probe_name) for n in group}
            swap.update({sympy.Symbol(n): sympy.Symbol(probe_name) for n in group})
            terms.append(term.xreplace(swap))
        targets = list(self.targets)
        axes = (*self.row_indices, *self.col_indices)
        out = np.zeros(tuple(sizes[a] for a in axes))
        for entry in np.ndindex(*x.shape):
            # Only the slice at k, l = this entry is wanted: it is read off the whole array
            # (fixing the indices in the formula first rebuilds every SymPy Sum in it, which
            # costs far more than the numbers).
            where = tuple(entry[targets.index(a)] if a in targets else slice(None) for a in axes)
            values = []
            for sign in (1.0, -1.0):
                probe = x.copy()
                probe[entry] += sign * h
                base = (lambda p: lambda n: p if n == probe_name else read(n))(probe)
                values.append(evaluate_axes(tuple(terms), axes, base, env.size, sizes)[where])
            out[where] = (values[0] - values[1]) / (2 * h)
        nr = int(np.prod([sizes[a] for a in self.row_indices])) if self.row_indices else 1
        nc = int(np.prod([sizes[a] for a in self.col_indices])) if self.col_indices else 1
        return np.reshape(out, (nr, nc), order="F")

    def _display_key(self) -> str:
        """What the formula reads as: occurrences of one quantity (x#0, x#2, numbered to order
        the factors) count as the same base."""
        shown = {
            sympy.IndexedBase(b[0]): sympy.IndexedBase(b[2] + "|" + b[1]) for b in self.bases
        }
        terms = "+".join(sympy.srepr(t.xreplace(shown)) for t in self.terms)
        rows = ",".join(map(str, self.row_indices))
        return f"index({terms}|{rows}|{','.join(map(str, self.col_indices))}|{self.style})"

    def _canonical_key(self) -> str:
        return (
            "index("
            + "+".join(sympy.srepr(t) for t in self.terms)
            + "|"
            + ",".join(map(str, self.row_indices))
            + "|"
            + ",".join(map(str, self.col_indices))
            + ")"
        )
