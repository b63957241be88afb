"""matdiff expressions as SymPy matrix expressions (where SymPy has the concept)."""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagonalOf

from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY, SCALAR_FUNCTIONS


def to_sympy(e: Expr) -> sympy.Basic:
    """Convert; raises UnsupportedError for nodes SymPy cannot express (vec, K, softmax...)."""
    memo: dict[Expr, sympy.Basic] = {}

    def go(node: Expr) -> sympy.Basic:
        found = memo.get(node)
        if found is None:
            found = _convert(node, go)
            memo[node] = found
        return found

    return go(e)


def _scalar(x: sympy.Basic) -> sympy.Basic:
    """A 1×1 matrix expression as a scalar."""
    if isinstance(x, sympy.MatrixExpr):
        return x[0, 0] if x.shape == (1, 1) else x
    return x


def _convert(e: Expr, go) -> sympy.Basic:
    if isinstance(e, N.Named):
        return go(e.body)
    if isinstance(e, N.Var):
        if e.is_scalar:
            return sympy.Symbol(e.name, real=True)
        return sympy.MatrixSymbol(e.name, *e.shape)
    if isinstance(e, N.Const):
        return e.value
    if isinstance(e, N.Identity):
        return sympy.Identity(e.n)
    if isinstance(e, N.Zero):
        return sympy.Integer(0) if e.is_scalar else sympy.ZeroMatrix(*e.shape)
    if isinstance(e, N.Ones):
        return sympy.OneMatrix(*e.shape)
    if isinstance(e, N.Add):
        terms = [go(t) for t in e.terms]
        if e.is_scalar:
            return sympy.Add(*[_scalar(t) for t in terms])
        return sympy.MatAdd(*terms).doit()
    if isinstance(e, N.Mul):
        c = e.coeff
        for s in e.scalars:
            c = c * _scalar(go(s))
        return c if e.body is None else c * go(e.body)
    if isinstance(e, N.MatMul):
        out = sympy.MatMul(*[go(f) for f in e.factors])
        return _scalar(out) if e.is_scalar else out
    if isinstance(e, N.Transpose):
        return sympy.Transpose(go(e.arg))
    if isinstance(e, N.Inverse):
        return sympy.Inverse(go(e.arg))
    if isinstance(e, N.MatPow):
        return sympy.MatPow(go(e.arg), e.k)
    if isinstance(e, N.Power):
        return sympy.Pow(_scalar(go(e.base)), _scalar(go(e.exponent)))
    if isinstance(e, N.Trace):
        return sympy.Trace(go(e.arg))
    if isinstance(e, N.Det):
        return sympy.Determinant(go(e.arg))
    if isinstance(e, N.LogDet):
        return sympy.log(sympy.Determinant(go(e.arg)))
    if isinstance(e, N.Norm):
        arg = go(e.arg)
        return sympy.sqrt(sympy.Trace(sympy.Transpose(arg) * arg))
    if isinstance(e, N.Sum):  # the sum of the entries: 1ᵀ A 1
        arg = go(e.arg)
        if e.arg.is_scalar:
            return _scalar(arg)
        rows, cols = e.arg.shape
        return (sympy.OneMatrix(1, rows) * arg * sympy.OneMatrix(cols, 1))[0, 0]
    if isinstance(e, N.Hadamard):
        return sympy.HadamardProduct(*[go(f) for f in e.factors])
    if isinstance(e, N.HadamardDiv):
        num, den = go(e.num), go(e.den)
        if e.is_scalar:
            return _scalar(num) / _scalar(den)
        return sympy.HadamardProduct(num, sympy.HadamardPower(den, -1))
    if isinstance(e, N.LogSumExp | N.Softmax):
        arg = go(e.arg)
        if e.arg.is_scalar:  # softmax of one number is 1; logsumexp is the number
            return sympy.Integer(1) if isinstance(e, N.Softmax) else _scalar(arg)
        exp = ElementwiseApplyFunction(sympy.exp, arg)
        if N.batched(e.arg):  # column by column
            sums = sympy.OneMatrix(1, e.arg.rows) * exp
            if isinstance(e, N.LogSumExp):
                return ElementwiseApplyFunction(sympy.log, sums)
            spread = sympy.OneMatrix(e.arg.rows, 1) * sums
            return sympy.HadamardProduct(exp, sympy.HadamardPower(spread, -1))
        total = (sympy.OneMatrix(1, e.arg.rows) * exp * sympy.OneMatrix(e.arg.cols, 1))[0, 0]
        return sympy.log(total) if isinstance(e, N.LogSumExp) else exp / total
    if isinstance(e, N.DiagVec):
        return DiagonalOf(go(e.arg))
    if isinstance(e, N.HadamardPow):
        return sympy.HadamardPower(go(e.base), e.exponent)
    if isinstance(e, N.Kron):
        return sympy.KroneckerProduct(go(e.left), go(e.right))
    if isinstance(e, N.Elementwise):
        func = SCALAR_FUNCTIONS[e.func]
        arg = go(e.arg)
        if e.is_scalar:
            return func(_scalar(arg))
        return ElementwiseApplyFunction(func, arg)
    if isinstance(e, N.DiagMat):
        return sympy.DiagMatrix(go(e.arg))
    own = getattr(e, "_sympy_with", None)  # extension point: a node type in its own module
    if own is not None:
        return own(go)
    raise NotSupportedYetError(Msg("api.no_sympy", node=type(e).__name__))


def scalar_from_sympy(x: sympy.Expr) -> Expr:
    """A SymPy number made of numbers, sizes and the scalar functions (σ(2)², 3 + log(2)) as a
    matdiff scalar, so that it prints as matdiff prints (not ``sigmoid(2)**2``)."""
    from matdiff_magic.tree import build as B

    if x.is_Rational or not x.atoms(sympy.Function):
        return B.const(x)
    if isinstance(x, sympy.Add):
        return B.add(*[scalar_from_sympy(a) for a in x.args])
    if isinstance(x, sympy.Mul):
        return B.make_mul(sympy.Integer(1), [scalar_from_sympy(a) for a in x.args], None)
    if isinstance(x, sympy.Pow):
        return B.power(scalar_from_sympy(x.base), scalar_from_sympy(x.exp))
    if isinstance(x, sympy.Function) and type(x) in ROW_OF_SYMPY:
        return B.elementwise(ROW_OF_SYMPY[type(x)].name, scalar_from_sympy(x.args[0]))
    raise NotSupportedYetError(Msg("reason.no_entrywise_form", func=type(x).__name__))
