"""Factoring sums for display: x^T A^T + x^T A -> x^T (A^T + A), 2a + 2b -> 2(a + b).

Only factors common to every term are pulled out (numbers, scalar factors, the leftmost and
rightmost matrix factors), so the result is always equal to the input.
"""

from __future__ import annotations

import math

import sympy

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import remembered
from matdiff_magic.tree.textbook import gathered_sum, reading_cost


def _parts(term: Expr) -> tuple[sympy.Expr, list[Expr], list[Expr]]:
    coeff, scalars, body = B.split(term)
    chain = [] if body is None else (list(body.factors) if isinstance(body, N.MatMul) else [body])
    return coeff, list(scalars), chain


def _common_coeff(coeffs: list[sympy.Expr]) -> sympy.Expr:
    if not all(c.is_Rational for c in coeffs):
        return sympy.Integer(1)
    nums = [abs(int(c.p)) for c in coeffs]
    dens = [int(c.q) for c in coeffs]
    g = sympy.Rational(math.gcd(*nums), math.lcm(*dens))
    if all(c < 0 for c in coeffs):
        g = -g
    return g


def _base_and_exponent(s: Expr) -> tuple[Expr, sympy.Expr]:
    if isinstance(s, N.Power) and isinstance(s.exponent, N.Const):
        return s.base, s.exponent.value
    return s, sympy.Integer(1)


def _pull_common_scalars(parts: list) -> list[Expr]:
    """Scalar factors common to every term, with the exponent nearest zero:
    ‖x‖⁻³ a + ‖x‖⁻¹ b = ‖x‖⁻¹ (‖x‖⁻² a + b). Updates each term's scalar list."""
    tables = []
    for _, scalars, _ in parts:
        table: dict[str, list] = {}
        for s in scalars:
            base, k = _base_and_exponent(s)
            key = ckey(base)
            if key in table:
                table[key][1] += k
            else:
                table[key] = [base, k]
        tables.append(table)
    common: list[Expr] = []
    for key, (base, _) in list(tables[0].items()):
        exps = [t[key][1] for t in tables if key in t]
        if len(exps) != len(tables) or not (all(k > 0 for k in exps) or all(k < 0 for k in exps)):
            continue
        shared = min(exps, key=abs)
        common.append(B.power(base, B.const(shared)))
        for t in tables:
            t[key][1] -= shared
    if not common:
        return []
    for part, table in zip(parts, tables, strict=True):
        part[1][:] = [B.power(base, B.const(k)) for base, k in table.values() if k != 0]
    return common


def _group_partially(terms: list[Expr], reading: bool) -> Expr | None:
    """Factor the terms sharing an end factor: A x + Aᵀ x + b -> (A + Aᵀ) x + b."""
    if len(terms) < 3:
        return None
    best: tuple[int, int, str] | None = None
    for side in (-1, 0):
        counts: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            chain = _parts(t)[2]
            if chain:
                counts.setdefault(ckey(chain[side]), []).append(i)
        for key, members in counts.items():
            if 2 <= len(members) < len(terms) and (best is None or len(members) > best[0]):
                best = (len(members), side, key)
    if best is None:
        return None
    _, side, key = best
    members = [i for i, t in enumerate(terms) if _parts(t)[2] and ckey(_parts(t)[2][side]) == key]
    group = _factor(B.add(*[terms[i] for i in members]), reading, False)
    out = [group if i == members[0] else t for i, t in enumerate(terms) if i not in members[1:]]
    return B.add(*[_factor(t, reading, False) if isinstance(t, N.Add) else t for t in out])


def factor(e: Expr) -> Expr:
    """``e`` with the factors common to all terms of a sum pulled out (recursively)."""
    return _factor(e, False, False)


def factor_for_reading(e: Expr) -> Expr:
    """``factor``, but a matrix factor is pulled out of a sum only where that does not make
    the result read longer (tokens, tree/textbook.py), as books print it: B X + Bᵀ X (two
    brackets would cost more than the X saved), X (b cᵀ + c bᵀ), (D + Dᵀ) (X b + c) bᵀ. A
    vector pulled out may cost one token more: (A + Aᵀ) x, the matrix applied to the vector,
    is how every book writes a quadratic form's gradient."""
    return _factor(e, True, False)


def _vector_pulled(left: list[Expr], right: list[Expr]) -> bool:
    """The factor pulled out is one vector: a column on the right or a row on the left."""
    if len(left) + len(right) != 1:
        return False
    return (right and right[0].cols == 1) or (left and left[0].rows == 1)


_FACTORED = (N.Mul, N.MatMul, N.Hadamard, N.Transpose, N.Inverse, N.Add)


def _factor(e: Expr, reading: bool, bracketed: bool) -> Expr:
    """``bracketed``: a sum here prints in brackets anyway (a factor of a product), so
    factoring it costs no new brackets. Remembered within a derivation: the simplifier factors
    the same subexpressions again and again (every pass, both candidate forms, every step)."""
    if not isinstance(e, _FACTORED):
        return e
    return remembered(_factor_once, e, reading, bracketed)


def _factor_once(e: Expr, reading: bool, bracketed: bool) -> Expr:
    if isinstance(e, N.Mul) and e.body is not None:
        inner = _factor(e.body, reading, True)
        return e if inner is e.body else B.make_mul(e.coeff, e.scalars, inner)
    if isinstance(e, N.MatMul):
        factors = [_factor(f, reading, True) for f in e.factors]
        return (
            B.matmul(*factors)
            if any(a is not b for a, b in zip(factors, e.factors, strict=True))
            else e
        )
    if isinstance(e, N.Hadamard):
        # a sum inside an entrywise product prints in brackets anyway: h ⊙ (W₂ᵀ (s - y))
        factors = [_factor(f, reading, True) for f in e.factors]
        if any(a is not b for a, b in zip(factors, e.factors, strict=True)):
            return B.hadamard(*factors)
        return e
    if isinstance(e, N.Transpose | N.Inverse):
        # (P Q)ᵀ needs its brackets as much as (P + Q)ᵀ
        inner = _factor(e.arg, reading, False)
        return e if inner is e.arg else B.rebuild(e, (inner,))
    if not isinstance(e, N.Add):
        return e
    terms = [_factor(t, reading, False) for t in e.terms]
    if any(a is not b for a, b in zip(terms, e.terms, strict=True)):
        e = B.add(*terms)
        if not isinstance(e, N.Add):
            return _factor(e, reading, bracketed)
    grouped = _group_partially(list(e.terms), reading)
    if grouped is not None:
        return grouped
    parts = [_parts(t) for t in e.terms]
    g = _common_coeff([p[0] for p in parts])
    common_scalars = _pull_common_scalars(parts)
    left: list[Expr] = []
    right: list[Expr] = []
    for from_left in (True, False):
        while all(p[2] for p in parts):
            pick = 0 if from_left else -1
            k = ckey(parts[0][2][pick])
            if not all(ckey(p[2][pick]) == k for p in parts[1:]):
                break
            if from_left:
                left.append(parts[0][2][0])
            else:
                right.insert(0, parts[0][2][-1])
            for p in parts:
                del p[2][pick]
    if g == 1 and not common_scalars and not left and not right:
        return e
    outer = [*left, *right]
    if all(not p[2] for p in parts):
        # Every term was a scalar multiple of the common factors: (a + b) L.
        weight = B.add(*[B.make_mul(c / g, sc, None) for c, sc, _ in parts])
        core = B.mul(weight, B.matmul(*outer)) if outer else weight
        return B.make_mul(g, common_scalars, core)
    size = left[-1].cols if left else (right[0].rows if right else e.rows)
    remainder = B.add(
        *[
            B.make_mul(
                c / g, sc, B.matmul(*chain) if chain else (B.identity(size) if outer else None)
            )
            for c, sc, chain in parts
        ]
    )
    if isinstance(remainder, N.Add):
        remainder = _factor(remainder, reading, True)
    if reading and outer:  # X (aᵀ - bᵀ) reads X (a - b)ᵀ
        remainder = gathered_sum(remainder)
    core = B.matmul(*left, remainder, *right) if outer else remainder
    out = B.make_mul(g, common_scalars, core)
    if reading and outer:
        full = [(c, sc, [*left, *ch, *right]) for c, sc, ch in parts]
        return _for_reading(g, common_scalars, full, left, right, bracketed)
    if outer and any(not chain for _, _, chain in parts):
        # Pulling out a factor some term consists of leaves an identity in its place:
        # (p A - q I) x against p A x - q x. Keep whichever reads shorter.
        without = B.add(
            *[B.make_mul(c / g, sc, B.matmul(*left, *ch, *right)) for c, sc, ch in parts]
        )
        plain = B.make_mul(g, common_scalars, without)
        if reading_cost(plain) <= reading_cost(out):
            return plain
    return out


def _pulled_out(g, scalars, full, left: list[Expr], right: list[Expr]) -> Expr:
    """The sum of ``full`` (coefficient, scalars, whole chain) with ``left`` and ``right``
    pulled out, an identity standing for a term they consume."""
    size = left[-1].cols if left else right[0].rows
    middles = [ch[len(left) : len(ch) - len(right)] for _, _, ch in full]
    remainder = B.add(
        *[
            B.make_mul(c / g, sc, B.matmul(*m) if m else B.identity(size))
            for (c, sc, _), m in zip(full, middles, strict=True)
        ]
    )
    if isinstance(remainder, N.Add):
        remainder = gathered_sum(_factor(remainder, True, True))  # X (aᵀ - bᵀ) = X (a - b)ᵀ
    return B.make_mul(g, scalars, B.matmul(*left, remainder, *right))


def _for_reading(g, scalars, full, left: list[Expr], right: list[Expr], bracketed: bool) -> Expr:
    """The shortest way to write the sum: plain, or with some of the common end factors
    pulled out (all of them, or fewer, so that no term is left as an identity:
    (B X - C X G Xᵀ B X) G rather than (I - C X G Xᵀ) B X G)."""
    plain = B.make_mul(
        g, scalars, B.add(*[B.make_mul(c / g, sc, B.matmul(*ch)) for c, sc, ch in full])
    )
    limit = reading_cost(plain)
    best: tuple[tuple[int, int, int], Expr] | None = None
    for nl in range(len(left) + 1):
        for nr in range(len(right) + 1):
            if nl + nr == 0:
                continue
            lt, rt = left[:nl], right[len(right) - nr :]
            whole = all(len(ch) > nl + nr for _, _, ch in full)
            candidate = _pulled_out(g, scalars, full, lt, rt)
            cost = reading_cost(candidate)
            if whole:
                # the plain sum needs brackets of its own where it is bracketed anyway; a
                # vector pulled out ((A + Aᵀ) x) may cost a token; a tie goes to factoring
                cost -= (1 if _vector_pulled(lt, rt) else 0) + (2 if bracketed else 0)
                if cost > limit:
                    continue
            elif cost >= limit:  # leaving an identity must read strictly shorter
                continue
            key = (cost, 0 if whole else 1, -(nl + nr))
            if best is None or key < best[0]:
                best = (key, candidate)
    return plain if best is None else best[1]
