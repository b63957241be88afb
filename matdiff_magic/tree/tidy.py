"""The final polish of a derivative before it is shown: textbook form, same value."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.expand import TooLarge, expand
from matdiff_magic.tree.factor import factor_for_reading
from matdiff_magic.tree.hadamard_forms import (
    diagonal_of_outer_products,
    diagonals_through_diagonals,
    khatri_rao_of_rows,
    selection_matrices,
    transposes_into_hadamard_products,
)
from matdiff_magic.tree.matfun_transpose import transposes_through_matrix_functions
from matdiff_magic.tree.named import written_size
from matdiff_magic.tree.rewrite import canonical, named, transform
from matdiff_magic.tree.softmax_form import recognise_softmax
from matdiff_magic.tree.textbook import (
    diagonal_inverses,
    display_key,
    gather_a_transpose,
    ones_first,
    powers_of_norms,
    reading_cost,
    signs_out_of_differences,
    split_a_fraction,
    spread_a_number,
    sums_and_traces,
    traces_of_scalars,
)
from matdiff_magic.tree.textbook_entrywise import (
    diagonals_by_name,
    exponentials_as_softmax,
    inner_products,
    norms_as_written,
    numbers_out_of_brackets,
    reciprocals_as_quotients,
)
from matdiff_magic.tree.textbook_facts import use_declared_facts
from matdiff_magic.tree.textbook_signs import (
    absorb_a_sign,
    scalars_fewer_transposes,
    traces_gathered,
    traces_in_one_rotation,
    transposes_inward,
)
from matdiff_magic.tree.tidy_diagonals import diagonals_inside, vecs_gathered
from matdiff_magic.tree.tidy_hadamard import entrywise_as_diagonal, shared_entrywise_factors
from matdiff_magic.tree.tidy_khatri_rao import khatri_rao_with_identity
from matdiff_magic.tree.tidy_scalars import scalars_turned_to_factor, shared_scalar_factors
from matdiff_magic.tree.tidy_traces import traces_of_entrywise_products
from matdiff_magic.tree.tidy_triggers import TRIGGERS
from matdiff_magic.tree.vec_forms import contract_vec, merge_linear_wrappers


def _distribute_top_transpose(e: Expr) -> Expr:
    """(A + B)^T as a whole result reads better as A^T + B^T."""
    c, s, body = B.split(e)
    if isinstance(body, N.Transpose) and isinstance(body.arg, N.Add):
        return B.make_mul(c, s, B.add(*[B.transpose(t) for t in body.arg.terms]))
    return e


def _size(e: Expr) -> int:
    return sum(1 for _ in e.walk())


def _shorter(candidate: Expr, current: Expr) -> bool:
    """Strictly smaller, or as small with fewer identity matrices: -(I - s 𝟏ᵀ) y loses to
    (𝟏ᵀ y) s - y, but (𝟏 - t∘²) ⊙ g stays factored."""
    if candidate == current:
        return False
    a, b = _size(candidate), _size(current)
    if a != b:
        return a < b

    def identities(e: Expr) -> int:
        return sum(1 for n in e.walk() if isinstance(n, N.Identity))

    return identities(candidate) < identities(current)


def _expand_square_inverses(e: Expr) -> Expr:
    """(A X B)^{-1} -> B^{-1} X^{-1} A^{-1} when every factor is square (so each is invertible
    whenever the product is), and (A X B)^{-k} likewise; used only when it makes the result
    shorter."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Inverse):
            return out
        # (A X B)⁻ᵏ too: the inverse of the product, k times
        inner, k = (out.arg.arg, out.arg.k) if isinstance(out.arg, N.MatPow) else (out.arg, 1)
        if isinstance(inner, N.MatMul) and all(f.rows == f.cols for f in inner.factors):
            inverse = [B.inverse(f) for f in reversed(inner.factors)]
            return B.matmul(*(inverse * k))
        return out

    return transform(e, post=post)


def _order_sums(e: Expr) -> Expr:
    """Positive terms first, then fewer transposes on bare names: A + Aᵀ, σ(X w) - y; then a
    fixed order, so that equal sums built by different methods print alike."""

    def key(t: Expr) -> tuple[bool, int, bool, str]:
        c, _, body = B.split(t)
        atom = body is not None and (
            isinstance(body, N.Var)
            or (isinstance(body, N.Transpose) and isinstance(body.arg, N.Var))
        )
        return (
            bool(c.could_extract_minus_sign()),
            B.count_transposes(body) if atom else 0,
            isinstance(body, N.Identity | N.Ones),  # A + t I
            display_key(t),
        )

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Add):
            ordered = tuple(sorted(out.terms, key=key))
            if ordered != out.terms:
                return N.Add(ordered)
        if isinstance(out, N.Hadamard):
            # single factors before sums: σ ⊙ (𝟏 - σ), not (𝟏 - σ) ⊙ σ
            ordered = tuple(
                sorted(out.factors, key=lambda f: (isinstance(f, N.Add), _size(f), display_key(f)))
            )
            if ordered != out.factors:
                return N.Hadamard(ordered)
        return out

    return transform(e, post=post)


def _multiply_out(e: Expr) -> Expr:
    return canonical(expand(e, entrywise=False))


# The rewrites of the final polish, by name: each must be an identity (tests/test_rewrites.py
# checks every one numerically on everything the suite derives, through ``observing``).
REWRITES: dict[str, Callable[[Expr], Expr]] = {
    "expand square inverses": _expand_square_inverses,
    "selection matrices": selection_matrices,
    "declared facts": use_declared_facts,
    "vec of an entrywise product": vecs_gathered,
    "contract vec": contract_vec,
    "diagonal of an outer product": diagonal_of_outer_products,
    "diagonal through a diagonal matrix": diagonals_through_diagonals,
    "diagonal of an entrywise product": diagonals_inside,
    "Khatri–Rao products of rows": khatri_rao_of_rows,
    "Khatri–Rao products with the identity": khatri_rao_with_identity,
    "entrywise algebra": simplify_entrywise,
    "sums and traces by name": sums_and_traces,
    "diagonals by name": diagonals_by_name,
    "ones first": ones_first,
    "inner products": inner_products,
    "norms as written": norms_as_written,
    "signs out of differences": signs_out_of_differences,
    "traces of scalars": traces_of_scalars,
    "traces in one rotation": traces_in_one_rotation,
    "traces gathered": traces_gathered,
    "traces of entrywise products": traces_of_entrywise_products,
    "scalars with fewer transposes": scalars_fewer_transposes,
    "transposes inward": transposes_inward,
    "transposes through matrix functions": transposes_through_matrix_functions,
    "powers of norms": powers_of_norms,
    "recognise softmax": recognise_softmax,
    "exponentials as softmax": exponentials_as_softmax,
    "merge linear wrappers": merge_linear_wrappers,
    "distribute a transpose": _distribute_top_transpose,
    "entrywise products as diagonal matrices": entrywise_as_diagonal,
    "shared entrywise factors": shared_entrywise_factors,
    "factor": factor_for_reading,
    "scalars turned to share factors": scalars_turned_to_factor,
    "shared scalar factors": shared_scalar_factors,
    "multiply out": _multiply_out,
    "diagonal inverses": diagonal_inverses,
    "reciprocals as quotients": reciprocals_as_quotients,
    "numbers out of brackets": numbers_out_of_brackets,
    "spread a number": spread_a_number,
    "split a fraction": split_a_fraction,
    "gather a transpose": gather_a_transpose,
    "transpose of a Hadamard product": transposes_into_hadamard_products,
    "absorb a sign": absorb_a_sign,
    "order sums": _order_sums,
}


# Rewrites a simplify step does not cite: the order of terms is presentation, not an identity
# a reader needs to follow.
UNCITED = frozenset({"order sums"})
# The names of the rewrites that changed the candidate being polished (tidy_naming).
_FIRED: ContextVar[list[str] | None] = ContextVar("matdiff_tidy_fired", default=None)


def _apply(name: str, e: Expr) -> Expr:
    triggers = TRIGGERS.get(name)
    if triggers is not None and not e.has_any(triggers) and not e.has_equal_copies():
        return e  # nothing the rewrite acts on, so its pass would give e back (tidy_triggers.py)
    out = named(name, REWRITES[name], e)
    fired = _FIRED.get()
    if fired is not None and out is not e and out != e and name not in fired:
        # a pass rebuilds the nodes above a merged copy of an equal subexpression through the
        # smart constructors, which may tidy them; if a pass with no rule at all gives the same,
        # the change is not this rewrite's and the simplify step must not cite it
        if out != transform(e):
            fired.append(name)
    return out


def _recorded(make: Callable[[], Expr]) -> tuple[Expr, list[str]]:
    fired: list[str] = []
    token = _FIRED.set(fired)
    try:
        return make(), fired
    finally:
        _FIRED.reset(token)


def tidy_naming(e: Expr) -> tuple[Expr, tuple[str, ...]]:
    """``tidy(e)`` and the names of the rewrites (REWRITES) that shaped the result, in order:
    what a "simplify" step cites."""
    out, fired = _recorded(lambda: tidy(e))
    return out, tuple(name for name in fired if name not in UNCITED)


# Beyond this many nodes written out, an expression is left as it is: the polish costs more
# than quadratic time on such sizes, and no reader follows a formula that long anyway.
MAX_TIDY = 3000


def tidy(e: Expr) -> Expr:
    """The result as the book would print it. Two candidates: the polish of ``e`` as it came,
    and the polish of ``e`` multiplied out with its terms in a fixed order. The second depends
    only on the value's expanded form, not on the method that built ``e``, so methods that
    agree print alike; the first wins only when it reads strictly shorter (a factored affine
    form that multiplying out would lose)."""
    if written_size(e, names=False) > MAX_TIDY:
        return e
    expanded = _apply("expand square inverses", e)
    if expanded is not e and _size(expanded) < _size(e):
        e = expanded
    out, fired = _recorded(lambda: _finish(_settle(e)))
    try:
        alternative, fired_too = _recorded(
            lambda: _finish(_settle(_apply("order sums", _apply("multiply out", out))))
        )
    except TooLarge:
        alternative = None
    if (
        alternative is not None
        and alternative != out
        and reading_cost(alternative) <= reading_cost(out)
    ):
        out, fired = alternative, [*fired, *fired_too]
    outer = _FIRED.get()
    if outer is not None:
        outer.extend(name for name in fired if name not in outer)
    return out


def _settle(e: Expr) -> Expr:
    out = _tidy(e)
    for _ in range(2):
        # Factoring can bring entrywise pieces together (Xᵀ a - Xᵀ b -> Xᵀ (a - b)) that the
        # entrywise algebra then simplifies: repeat until nothing changes.
        again = _tidy(out)
        if again == out:
            break
        out = again
    return out


def _finish(e: Expr) -> Expr:
    for name in (
        "diagonal inverses",
        "reciprocals as quotients",
        "numbers out of brackets",
        "spread a number",
        "split a fraction",
        # a fraction split into terms may show exp(z)/(𝟏ᵀ exp(z)) again
        "recognise softmax",
        "gather a transpose",
        "transpose of a Hadamard product",
        # the rotations and transposes above may have turned one round again
        "traces of entrywise products",
        # a sum gathered inside a product ((xᵀ - aᵀ) -> (x - a)ᵀ) is one way round again
        "signs out of differences",
        # then a negated result takes its sign into a difference
        "absorb a sign",
        "order sums",
    ):
        e = _apply(name, e)
    return e


def _tidy(e: Expr) -> Expr:
    out = e
    for name in (
        "declared facts",
        "selection matrices",
        "vec of an entrywise product",
        "contract vec",
        "diagonal of an outer product",
        "diagonal through a diagonal matrix",
        "diagonal of an entrywise product",
        "Khatri–Rao products of rows",
        "Khatri–Rao products with the identity",
        "sums and traces by name",
        "diagonals by name",
        "ones first",
        "inner products",
        "norms as written",
        "signs out of differences",
        "traces of scalars",
        "traces in one rotation",
        "traces gathered",
        "traces of entrywise products",
        "scalars with fewer transposes",
        "transposes inward",
        "transposes through matrix functions",
        "powers of norms",
        "entrywise algebra",
        "recognise softmax",
        "exponentials as softmax",
        "merge linear wrappers",
        "distribute a transpose",
        # before factoring, which would pull the number out of an entrywise product itself
        "numbers out of brackets",
        "entrywise products as diagonal matrices",
        "shared entrywise factors",
        "factor",
        "scalars turned to share factors",
        "shared scalar factors",
    ):
        out = _apply(name, out)
    return out
