"""The definition method (定义法): entrywise partial derivatives, assembled into a matrix.

As the seed article does for y = xᵀ A x: write the function as index sums
(Σ_i Σ_j x_i A_ij x_j), pick out the terms that contain x_k, differentiate (Kronecker deltas
collapse the sums), read the entrywise result in words ("the k-th row of A times x plus the
k-th column of A times x"), and arrange the entries into a matrix ((A + Aᵀ) x). Where the
entries do not combine into matrix notation, the result is the index formula itself.
"""

from __future__ import annotations

from dataclasses import replace

import sympy

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Builder
from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.index import calculus
from matdiff_magic.index.assemble import Assembled
from matdiff_magic.index.convert import Converter, Space, family_of, leaf, order_of
from matdiff_magic.index.matrix_form import to_matrix
from matdiff_magic.index.node import IndexFormula
from matdiff_magic.index.words import sentence
from matdiff_magic.methods.common import Context, Outcome, kinds
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.rules import definition as R
from matdiff_magic.rules.simplifications import simplified
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

Index = sympy.Symbol | None


def _taken(ctx: Context) -> set[str]:
    names = {ctx.wrt.name, ctx.fname}
    for node in (*ctx.f.walk(), ctx.wrt):
        if isinstance(node, N.Var):
            names.add(node.name)
        for d in node.shape:
            for s in d.free_symbols:
                names.add(str(s))
                names.add(dim_text(s))
    return names


def _sub(indices: tuple[Index, ...], latex: bool) -> str:
    names = [str(s) for s in indices if s is not None]
    if not names:
        return ""
    joined = "".join(names) if all(len(n) == 1 for n in names) else ",".join(names)
    return "_{" + joined + "}" if latex else "_" + joined


def _entry_names(name: str, indices: tuple[Index, ...]) -> tuple[str, str]:
    lat = latex_name(name)
    sub = _sub(indices, True)
    if sub and ("_" in lat or "^" in lat):
        lat = "{" + lat + "}"
    return lat + sub, text_name(name) + _sub(indices, False)


def _symbol(key: str, latex: str, text: str, shape: tuple) -> N.Opaque:
    return N.Opaque(key, latex, text, *shape)


def derive(ctx: Context) -> Outcome:
    f, x = ctx.f, ctx.wrt
    fk, xk = kinds(ctx)
    space = Space(_taken(ctx))
    i = space.reserve(("i", "a", "b", "c"), f.rows)
    j = space.reserve(("j", "b", "c", "d"), f.cols)
    k = space.reserve(("k", "r", "u", "g"), x.rows) if xk != "scalar" else ONE
    el = space.reserve(("l", "s", "v", "h"), x.cols) if xk != "scalar" else ONE
    space.start_sums(("i", "j"))
    fi, fj = (s if s != ONE else None for s in (i, j))
    vk, vl = (s if s != ONE else None for s in (k, el))

    conv = Converter(space, x, fk == "scalar")
    whole = conv.entry(f, i, j)

    if xk == "scalar":
        rows, cols, orientation = (fi,), (fj,), notation.NUMERATOR
    elif fk == "scalar":
        rows, cols, orientation = (vk,), (vl,), notation.DENOMINATOR
    elif fk == "vector" and xk == "vector":
        rows, cols, orientation = (fi,), (vk,), notation.NUMERATOR
    else:
        rows, cols, orientation = (fi, fj), (vk, vl), notation.NUMERATOR
    rows = tuple(s for s in rows if s is not None)
    cols = tuple(s for s in cols if s is not None)
    targets = tuple(s for s in (vk, vl) if s is not None)

    def formula(terms: list[sympy.Expr], style: str = "chain") -> IndexFormula:
        return IndexFormula.make(terms, rows, cols, space.bases, space.dims, style)

    b = Builder()
    # (1) the function entry by entry
    f_latex, f_text = _entry_names(ctx.fname, (fi, fj))
    f_entry = _symbol(f"def:{ctx.fname}", f_latex, f_text, f.shape)
    if fk == "scalar":
        first: Expr = f
    else:
        fb = space.base(f, name="@f")
        first = IndexFormula.make(
            [leaf(fb, i, j)], (fi,) if fi else (), (fj,) if fj else (), space.bases, space.dims
        )
    b.start(f_entry, first, (R.FUNCTION,), claim=claims.value(f))
    whole_f = IndexFormula.make(
        [whole], (fi,) if fi else (), (fj,) if fj else (), space.bases, space.dims, "reading"
    )
    b.then(whole_f, (R.INDEX,), force=True)

    # (2) the terms that contain x_k
    x_latex, x_text = _entry_names(x.name, (vk, vl))
    occurrences = sorted(
        (n for n, base in space.bases.items() if family_of(n) == x.name and base.expr == x),
        key=order_of,
    )
    selected: list[tuple[str, sympy.Expr]] = []
    all_fixed = bool(occurrences)
    for name in occurrences:
        part, fixed = calculus.select(whole, name, targets)
        all_fixed = all_fixed and fixed
        selected.append((name, part))
    first_of: dict[str, str] = {}
    for n in sorted(space.bases, key=order_of):
        first_of.setdefault(family_of(n), n)
    if all_fixed:
        # Shown only for sums of products, where "the terms containing x_k" is well defined;
        # occurrences sharing one summation index give one term (Σ_i x_i x_i -> x_k x_k, the
        # same term selected twice). Terms that only look alike are different occurrences:
        # Σ_i X_ik θ_k r_i and Σ_i r_i X_ik θ_k both stay, each with its own explicit θ_k.
        shown: list[sympy.Expr] = []
        explicit: list[tuple[str, ...]] = []
        for name, part in selected:
            if part in shown:
                at = shown.index(part)
                explicit[at] = (*explicit[at], name)
            else:
                shown.append(part)
                explicit.append((name,))
        lhs = _symbol(
            f"def:{ctx.fname}|{x.name}",
            r"\left." + f_latex + r"\right|_{" + x_latex + "}",
            f_text + "|" + x_text,
            formula([]).shape,
        )
        chosen = IndexFormula.make(
            shown, rows, cols, space.bases, space.dims, "reading", explicit, (vk, vl)
        )
        b.start(
            lhs,
            chosen,
            (R.SELECT,),
            claim=claims.occurrences(f, x, orientation),
        )

    # (3) differentiate: the deltas collapse the sums
    d_latex = r"\frac{\partial " + f_latex + r"}{\partial " + x_latex + "}"
    d_text = "∂" + f_text + "/∂" + x_text
    partial_lhs = _symbol(f"def:d{ctx.fname}/d{x.name}", d_latex, d_text, formula([]).shape)
    terms: list[sympy.Expr] = []
    for name, part in selected:
        terms.extend(sympy.Add.make_args(calculus.differentiate(part, name, targets)))
    terms = [t for t in terms if t != 0]
    derivative = claims.derivative(f, x, orientation)
    b.start(partial_lhs, formula(terms), (R.PARTIAL,), claim=derivative)
    merged = calculus.combine([calculus.merge(t, first_of) for t in terms])
    if len(merged) < len(terms):
        # Shown only when like terms were added up: a line that merely reorders factors is
        # not "collecting like terms" (the reading below starts from the merged form anyway).
        b.then(formula(merged), (R.COLLECT,))

    # (4) read the entries, (5) arrange them into a matrix
    lhs = notation.derivative(ctx.fname, f.shape, x, orientation)
    assembled = to_matrix(merged, rows, cols, space.bases, space.dims, (fi, fj), (vk, vl))
    if assembled is not None and any(
        sympy.expand(a - b) != 0
        for t in assembled
        for a, b in zip(t.value.shape, lhs.shape, strict=True)
    ):
        assembled = None  # a safety net: a term that does not have the derivative's shape
    if assembled is None:
        value: Expr = formula(merged, "entries")
        en = (
            f"The entries {d_text} do not combine into a matrix expression, so the derivative "
            f"is the array of them, {value}."
        )
        zh = f"分量 {d_text} 无法组合成矩阵表达式，所以导数就是由它们排成的数组 {value}。"
        b.start(
            lhs,
            value,
            (R.ENTRYWISE,),
            relation="implies",
            note="def.entrywise",
            params=(("en", en), ("zh", zh)),
            claim=derivative,
        )
        return Outcome("definition", f, ctx.fname, x, value, orientation, b.steps)

    if assembled:
        read = _reading_formula(assembled, formula, space)
        en, zh = sentence(d_text, f"{f_text} 对 {x_text} 的偏导数", assembled)
        before = len(b.steps)
        b.then(read, (R.READ,), note="def.read", params=(("en", en), ("zh", zh)))
        if len(b.steps) == before:  # nothing new to show: the sentence goes with the last line
            b.steps[-1] = replace(b.steps[-1], note="def.read", params=(("en", en), ("zh", zh)))
    shape = lhs.shape
    with B.keeping_terms():
        raw = B.add(*[a.value for a in assembled]) if assembled else B.zero(*shape)
    b.start(lhs, raw, (R.ASSEMBLE,), relation="implies", claim=derivative)
    value, used = simplified(raw)
    b.then(value, used)
    return Outcome("definition", f, ctx.fname, x, value, orientation, b.steps)


def _reading_formula(assembled: list[Assembled], formula, space: Space) -> IndexFormula:
    """The terms as entries of matrices: (A x)_k + (Aᵀ x)_k."""
    terms = []
    for a in assembled:
        parts: list[sympy.Expr] = [a.coeff]
        for s in a.scalars:
            parts.append(leaf(space.base(s), ONE, ONE))
        for x, y in a.deltas:
            parts.append(sympy.KroneckerDelta(x, y))
        for m, (r, c) in a.entries:
            if isinstance(m, N.Identity) and r is not None and c is not None:
                parts.append(sympy.KroneckerDelta(r, c))
                continue
            if m is None or isinstance(m, N.Ones) or (m.is_scalar and isinstance(m, N.Const)):
                if isinstance(m, N.Const):
                    parts.append(m.value)
                continue
            base = space.base(m)
            parts.append(leaf(base, r if r is not None else ONE, c if c is not None else ONE))
        terms.append(sympy.Mul(*parts))
    return formula(terms)
