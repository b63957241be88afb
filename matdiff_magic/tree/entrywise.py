"""Simplifying entrywise algebra with SymPy: σ(z) ⊙ (1 - σ(z)) ⊘ σ(z) -> 1 - σ(z).

A maximal block of entrywise operations (⊙, ⊘, .^, entrywise functions, sums, scalar factors)
is an ordinary scalar expression in its leaves (X w, y, ...). The block becomes a SymPy
expression over fresh symbols (never user text), is cancelled and rewritten with σ where that is
shorter, and comes back only if it got simpler.
"""

from __future__ import annotations

import sympy

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import canonical, remembered
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY, SCALAR_FUNCTIONS, sigmoid

_ENTRYWISE = (N.Hadamard, N.HadamardDiv, N.HadamardPow, N.Elementwise)


def _is_block_node(e: Expr) -> bool:
    if isinstance(e, _ENTRYWISE):
        return True
    if isinstance(e, N.Add):
        return True
    if isinstance(e, N.Mul):
        return e.body is not None
    return isinstance(e, N.Ones)


def _entrywise_ops(e: Expr) -> int:
    if isinstance(e, (*_ENTRYWISE, N.Power)):
        return 1 + sum(_entrywise_ops(a) for a in e.args)
    if isinstance(e, N.Add) or (isinstance(e, N.Mul) and e.body is not None):
        return sum(_entrywise_ops(a) for a in e.args)
    return 0


class _Block:
    """Translation of one block between matdiff and SymPy."""

    def __init__(self, shape: tuple) -> None:
        self.shape = shape
        self.leaves: dict[str, tuple[sympy.Symbol, Expr]] = {}
        self.by_symbol: dict[sympy.Symbol, Expr] = {}

    def leaf(self, e: Expr) -> sympy.Symbol:
        key = ckey(e) + ("|s" if e.is_scalar else "")
        found = self.leaves.get(key)
        if found is None:
            sym = sympy.Symbol(f"u{len(self.leaves)}", real=True)
            found = (sym, e)
            self.leaves[key] = found
            self.by_symbol[sym] = e
        return found[0]

    def to_sympy(self, e: Expr) -> sympy.Expr:
        if isinstance(e, N.Hadamard):
            return sympy.Mul(*[self.to_sympy(f) for f in e.factors])
        if isinstance(e, N.HadamardDiv):
            return self.to_sympy(e.num) / self.to_sympy(e.den)
        if isinstance(e, N.HadamardPow):
            return self.to_sympy(e.base) ** e.exponent
        if isinstance(e, N.Elementwise) and e.func in SCALAR_FUNCTIONS:
            return SCALAR_FUNCTIONS[e.func](self.to_sympy(e.arg))
        if isinstance(e, N.Add) and e.shape == self.shape:
            return sympy.Add(*[self.to_sympy(t) for t in e.terms])
        if isinstance(e, N.Mul) and e.body is not None and e.body.shape == self.shape:
            out = e.coeff
            for s in e.scalars:
                out = out * self.scalar(s)
            return out * self.to_sympy(e.body)
        if isinstance(e, N.Ones) and e.shape == self.shape:
            return sympy.Integer(1)
        if isinstance(e, N.Zero):
            return sympy.Integer(0)
        return self.leaf(e)

    def scalar(self, e: Expr) -> sympy.Expr:
        """A scalar factor, opened up as far as ordinary algebra reaches (powers, sums,
        products, entrywise functions), so exp(t)/(1 + exp(t)) becomes σ(t) and a sum of
        quotients can be put over a common denominator; matrix expressions such as aᵀ x stay
        leaves."""
        if isinstance(e, N.Const):
            return e.value
        if isinstance(e, N.Power) and isinstance(e.exponent, N.Const):
            return self.scalar(e.base) ** e.exponent.value
        if isinstance(e, N.Add):
            return sympy.Add(*[self.scalar(t) for t in e.terms])
        if isinstance(e, N.Mul) and e.body is None:
            return sympy.Mul(e.coeff, *[self.scalar(f) for f in e.scalars])
        if isinstance(e, N.Elementwise) and e.func in SCALAR_FUNCTIONS:
            return SCALAR_FUNCTIONS[e.func](self.scalar(e.arg))
        return self.leaf(e)

    def is_matrix(self, x: sympy.Expr) -> bool:
        return any(not self.by_symbol[s].is_scalar for s in x.free_symbols if s in self.by_symbol)

    def back(self, x: sympy.Expr) -> Expr:
        """SymPy -> matdiff, for a subexpression of the block's shape (or scalar)."""
        if not self.is_matrix(x):
            scalar = self._scalar_back(x)
            return B.mul(scalar, B.ones(*self.shape))
        if isinstance(x, sympy.Symbol):
            return self.by_symbol[x]
        if isinstance(x, sympy.Add):
            # Positive terms first: σ(X w) - y, not -y + σ(X w).
            terms = sorted(x.args, key=lambda t: t.could_extract_minus_sign())
            return B.add(*[self.back(t) for t in terms])
        if isinstance(x, sympy.Mul):
            coeff, scalars, top, bottom = sympy.Integer(1), [], [], []
            for factor in x.args:
                base, exp = factor.as_base_exp()
                if not self.is_matrix(factor):
                    if factor.is_Number:
                        coeff = coeff * factor
                    else:
                        scalars.append(self._scalar_back(factor))
                elif exp.is_Number and exp < 0:
                    bottom.append(self.back(base**-exp))
                else:
                    top.append(self.back(factor))
            body = B.hadamard(*top) if top else B.ones(*self.shape)
            if bottom:
                body = B.hadamard_div(body, B.hadamard(*bottom))
            return B.make_mul(coeff, scalars, body)
        if isinstance(x, sympy.Pow):
            base, exp = x.args
            if exp.is_Number:
                if exp < 0:
                    return B.hadamard_div(B.ones(*self.shape), self.back(base**-exp))
                if exp == sympy.Rational(1, 2):
                    return B.elementwise("sqrt", self.back(base))
                return B.hadamard_pow(self.back(base), exp)
            raise _UntranslatableError
        if isinstance(x, sympy.Function) and type(x) in ROW_OF_SYMPY:
            return B.elementwise(ROW_OF_SYMPY[type(x)].name, self.back(x.args[0]))
        raise _UntranslatableError

    def _scalar_back(self, x: sympy.Expr) -> Expr:
        if x.is_Number or not (x.free_symbols & self.by_symbol.keys() or x.atoms(sympy.Function)):
            return B.const(x)  # a number, or sizes such as n from tr(I_n)
        if isinstance(x, sympy.Symbol):
            return self.by_symbol[x]
        if isinstance(x, sympy.Add):
            return B.add(*[self._scalar_back(t) for t in x.args])
        if isinstance(x, sympy.Mul):
            return B.make_mul(sympy.Integer(1), [self._scalar_back(f) for f in x.args], None)
        if isinstance(x, sympy.Pow) and x.args[1].is_Number:
            return B.power(self._scalar_back(x.args[0]), B.const(x.args[1]))
        if isinstance(x, sympy.Function) and type(x) in ROW_OF_SYMPY:
            return B.elementwise(ROW_OF_SYMPY[type(x)].name, self._scalar_back(x.args[0]))
        raise _UntranslatableError


class _UntranslatableError(Exception):
    pass


def _with_sigmoid(x: sympy.Expr) -> sympy.Expr:
    """1/(1 + e^u) -> σ(-u) and e^u/(1 + e^u) -> σ(u)."""

    def rewrite(node: sympy.Expr) -> sympy.Expr:
        if not node.args:
            return node
        node = node.func(*[rewrite(a) for a in node.args])
        if isinstance(node, sympy.Pow) and node.args[1] == -1:
            u = _one_plus_exp(node.args[0])
            if u is not None:
                return sigmoid(-u)
        if isinstance(node, sympy.Mul):
            factors = list(node.args)
            for i, f in enumerate(factors):
                if isinstance(f, sigmoid):
                    u = -f.args[0]
                    for j, g in enumerate(factors):
                        if (
                            j != i
                            and isinstance(g, sympy.exp)
                            and _same(g.args[0], u)
                        ):
                            rest = [h for k, h in enumerate(factors) if k not in (i, j)]
                            return sympy.Mul(*rest) * sigmoid(u)
        return node

    return rewrite(x)


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """a == b up to multiplying out (cheap: no simplify(), which can take seconds)."""
    if a == b:
        return True
    difference = a - b
    return _expanded_terms(difference) <= MAX_EXPANDED and sympy.expand(difference) == 0


def _one_plus_exp(x: sympy.Expr) -> sympy.Expr | None:
    if isinstance(x, sympy.Add) and len(x.args) == 2:
        a, b = x.args
        if a == 1 and isinstance(b, sympy.exp):
            return b.args[0]
        if b == 1 and isinstance(a, sympy.exp):
            return a.args[0]
    return None


def _cost(x: sympy.Expr) -> tuple[int, int, int]:
    """(function calls, divisions, operations): a rewrite must remove calls or divisions, or
    shorten clearly; expanding tanh ⊙ (1 - tanh²) into tanh - tanh³ is not progress."""
    calls = sum(1 for node in sympy.preorder_traversal(x) if isinstance(node, sympy.Function))
    divisions = sum(
        1
        for node in sympy.preorder_traversal(x)
        if isinstance(node, sympy.Pow) and node.exp.is_negative
    )
    return calls, divisions, int(sympy.count_ops(x, visual=False))


def _better(new: tuple[int, int, int], old: tuple[int, int, int]) -> bool:
    if new[:2] != old[:2]:
        return new[:2] < old[:2]
    return new[2] <= old[2] - 2


# cancel() multiplies everything out first: a product of k binomials has 2^k terms.
MAX_EXPANDED = 256
# SymPy's rewritings of a block of more nodes than this take seconds (a deep Hessian's blocks
# of 250-1,150 nodes: 1-7 s each) and were never shorter; over every Cookbook, Wikipedia and
# seed row the largest block they shortened had 28 nodes
MAX_SIMPLIFIED = 200


def _expanded_terms(x: sympy.Expr) -> int:
    """An upper bound on the number of terms of ``x`` multiplied out."""
    if isinstance(x, sympy.Add):
        return sum(_expanded_terms(a) for a in x.args)
    if isinstance(x, sympy.Mul):
        out = 1
        for a in x.args:
            out *= _expanded_terms(a)
            if out > MAX_EXPANDED:
                return out
        return out
    if isinstance(x, sympy.Pow) and x.exp.is_Integer and x.exp > 0:
        return min(_expanded_terms(x.base) ** int(x.exp), MAX_EXPANDED + 1)
    return 1


def simplify_block(e: Expr) -> Expr:
    """Simplify one entrywise block if that makes it shorter; otherwise return it unchanged."""
    if _entrywise_ops(e) < 2:
        return e
    block = _Block(e.shape)
    original = block.to_sympy(e)
    # the same algebra comes up in many blocks (u0 u1 of any shapes): SymPy's work done once
    best = remembered(_simpler, original)
    if best is not original:
        chosen = best
    elif _size(original) < _size_of_block(e) - 1 or _powers_merged(original, e):
        # SymPy simplified on translation (x ⊙ (𝟏 ⊘ x) is already 1 there, x ⊘ x^∘(1/2) is
        # √x): the translation itself is the shorter form.
        chosen = original
    else:
        return e
    try:
        return canonical(block.back(chosen))
    except _UntranslatableError:
        return e


def _simpler(original: sympy.Expr) -> sympy.Expr:
    """The simplest of SymPy's rewritings of ``original`` if it is clearly simpler (see
    ``_better``), else ``original`` itself."""
    if _monomial(original) or _size(original) > MAX_SIMPLIFIED:
        return original
    candidates = [original]
    if _expanded_terms(original) <= MAX_EXPANDED and _sum_of_monomials(original):
        # cancel gives such a sum back as it is, over 1 (nothing to multiply out, nothing to
        # cancel): only factor_terms has anything to try (u x y + 2 u z = u (x y + 2 z))
        candidates.append(sympy.factor_terms(original))
    elif _expanded_terms(original) <= MAX_EXPANDED:
        try:
            cancelled = sympy.cancel(original)
            candidates += [cancelled, sympy.factor_terms(cancelled)]
            if _expanded_terms(cancelled) <= MAX_EXPANDED // 4:
                # (1 - x²)/(1 + x²)², not (1 - x²)/(x⁴ + 2x² + 1): cancel multiplies out
                top, bottom = sympy.fraction(cancelled)
                candidates.append(top / sympy.factor(bottom))
        except (sympy.PolynomialError, TypeError, ValueError):
            pass
    candidates += [_with_sigmoid(c) for c in list(candidates)]
    costs = {c: _cost(c) for c in candidates}  # each distinct candidate costed once
    best = min(costs, key=lambda c: (costs[c], _size(c)))
    return best if _better(costs[best], costs[original]) else original


def _monomial(x: sympy.Expr) -> bool:
    """A product of symbols, integers and whole powers, in functions too, with no sum, no
    division and no sigmoid anywhere: nothing for cancel, factor_terms or the σ rewriting to do
    (each gives ``x`` back), so ``_simpler`` need not try them. Exponentials may be there when
    their arguments are such products without a minus sign (x exp(x y)): σ needs a quotient or
    a σ to start from, and cancel would move exp(-x y) to a denominator; but not together with
    a logarithm (cancel writes log(u exp(v)) as log(u) + v)."""
    return _product(x) and not (x.has(sympy.exp) and x.has(sympy.log))


def _product(x: sympy.Expr) -> bool:
    if x.is_Symbol or x.is_Integer:
        return True
    if isinstance(x, sympy.Mul):
        return all(_product(a) for a in x.args)
    if isinstance(x, sympy.Pow):
        return x.exp.is_Integer and x.exp > 0 and _product(x.base)
    if isinstance(x, sympy.exp):
        (arg,) = x.args
        return _product(arg) and not arg.could_extract_minus_sign()
    if isinstance(x, sympy.Function) and not isinstance(x, sigmoid):
        return all(_product(a) for a in x.args)
    return False


def _sum_of_monomials(x: sympy.Expr) -> bool:
    """A sum of :func:`_monomial` terms with no exponential or logarithm anywhere (cancel
    multiplies out inside functions too: log(2 u) -> log(2) + log(u))."""
    return (
        isinstance(x, sympy.Add)
        and all(_monomial(t) for t in x.args)
        and not x.has(sympy.exp, sympy.log)
    )


def _size(x: sympy.Expr) -> int:
    return sum(1 for _ in sympy.preorder_traversal(x))


def _size_of_block(e: Expr) -> int:
    """The block's node count as SymPy would count it (leaves count once)."""
    block = _Block(e.shape)
    return _count_literal(e, block)


def _powers_merged(x: sympy.Expr, e: Expr) -> bool:
    """SymPy's translation ``x`` of ``e`` writes a leaf fewer times, powers of one base
    merged (x ⊘ x^∘(1/2) = √x), with no function in it that could have been rewritten."""
    return not x.atoms(sympy.Function) and _occurrences(x) < _leaves_of_block(e)


def _occurrences(x: sympy.Expr) -> int:
    """How many times ``x`` writes a leaf (a symbol of the block)."""
    return sum(1 for node in sympy.preorder_traversal(x) if isinstance(node, sympy.Symbol))


def _leaves_of_block(e: Expr) -> int:
    """How many times the block ``e`` writes a leaf (a node that is no entrywise operation)."""
    if isinstance(e, (*_ENTRYWISE, N.Power, N.Add, N.Mul)):
        return sum(_leaves_of_block(a) for a in e.args if isinstance(a, Expr))
    return 0 if isinstance(e, N.Ones | N.Zero | N.Const) else 1


def _count_literal(e: Expr, block: _Block) -> int:
    if isinstance(e, (*_ENTRYWISE, N.Power, N.Add, N.Mul)):
        return 1 + sum(_count_literal(a, block) for a in e.args if isinstance(a, Expr))
    return 1


def simplify_entrywise(e: Expr) -> Expr:
    """Simplify every maximal entrywise block in ``e``."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr, inside: bool) -> Expr:
        key = (node, inside)
        found = memo.get(key)
        if found is not None:
            return found
        here = _is_block_node(node) and not node.is_scalar
        args = tuple(go(a, here) for a in node.args)
        out = (
            node
            if all(x is y for x, y in zip(args, node.args, strict=True))
            else B.rebuild(node, args)
        )
        if here and not inside:
            out = remembered(simplify_block, out)
        memo[key] = out
        return out

    return go(e, False)
