"""Node classes of the typed expression tree.

Constructors here only validate shapes and store their inputs; they never rewrite. The
canonicalizing constructors that callers normally use are in :mod:`matdiff_magic.tree.build`.
"""

from __future__ import annotations

import sympy

from matdiff_magic import dims, rendering
from matdiff_magic.dims import ONE, Shape, dim_text, shape_text
from matdiff_magic.errors import ShapeError
from matdiff_magic.messages import CATALOGUE, Msg
from matdiff_magic.tree.base import Expr


def shape_mismatch(
    template: str, operands: tuple[Expr, ...], detail: Msg | str, **params: object
) -> ShapeError:
    """A ShapeError naming the operation, each operand with its shape, and what disagrees.

    ``template`` is a message key (``"shape.multiply"``) whose fields ``{a}``, ``{b}`` are the
    operands (other fields come from ``params``); ``detail`` (a ``Msg``, or math such as
    ``"n ≠ m"``) says what disagrees. The builder re-labels the operands with the text the user
    wrote (see :func:`relabel`).
    """
    labels = tuple(rendering.text(op) for op in operands)
    return _mismatch(template, labels, operands, detail, params)


_OPERAND_FIELDS = ("a", "b")


def _mismatch(
    template: str,
    labels: tuple[str, ...],
    operands: tuple[Expr, ...],
    detail: Msg | str,
    params: dict[str, object],
) -> ShapeError:
    parts = [
        Msg("shape.operand", label=label, shape=shape_text(dims_resolved(op.shape)))
        for label, op in zip(labels, operands, strict=True)
    ]
    if template in CATALOGUE:
        what: Msg | str = Msg(template, **dict(zip(_OPERAND_FIELDS, parts, strict=False)), **params)
    else:  # an English template with {0}, {1} (shown as it is in every language)
        what = template.format(*(str(p) for p in parts))
    err = ShapeError(Msg("shape.detail", what=what, detail=detail) if detail else what)
    err.template = template  # type: ignore[attr-defined]
    err.operands = operands  # type: ignore[attr-defined]
    err.detail = detail  # type: ignore[attr-defined]
    err.template_params = params  # type: ignore[attr-defined]
    return err


def relabel(err: ShapeError, labels: tuple[str, ...]) -> ShapeError:
    """The same shape error with operands described by ``labels`` (the user's own text)."""
    operands = getattr(err, "operands", None)
    if operands is None or len(labels) != len(operands):
        return err
    params = getattr(err, "template_params", {})
    return _mismatch(err.template, labels, operands, err.detail, params)  # type: ignore[attr-defined]


def dims_resolved(shape: Shape) -> Shape:
    return (dims.resolve(shape[0]), dims.resolve(shape[1]))


def differ(a: sympy.Expr, b: sympy.Expr) -> str:
    return f"{dim_text(dims.resolve(a))} ≠ {dim_text(dims.resolve(b))}"


def _require_square(name: str, arg: Expr) -> None:
    """``name``: the key after "op." of the operation (``"trace"``, ``"inverse"``)."""
    if not dims.same(arg.rows, arg.cols):
        raise shape_mismatch(
            "shape.take",
            (arg,),
            Msg("shape.not_square", differ=differ(arg.rows, arg.cols)),
            what=Msg(f"op.{name}"),
        )


def _require_column(name: str, arg: Expr) -> None:
    if not dims.same(arg.cols, ONE):
        raise shape_mismatch(
            "shape.take", (arg,), Msg("shape.needs_column"), what=Msg(f"op.{name}")
        )


def _require_scalar(what: str, arg: Expr) -> None:
    """``what``: the key after "op." of what needs the scalar (``"scale"``, ``"exponent"``)."""
    if not (dims.same(arg.rows, ONE) and dims.same(arg.cols, ONE)):
        raise shape_mismatch("shape.scalar", (arg,), "", what=Msg(f"op.{what}"))


def _shape(rows: sympy.Expr, cols: sympy.Expr) -> Shape:
    return (dims.resolve(rows), dims.resolve(cols))


# -- leaves ---------------------------------------------------------------------------------


class Var(Expr):
    """A named variable. ``symmetric`` records a ``symmetric(n)`` declaration (S^T = S)."""

    __slots__ = ()
    _fields = ("name", "rows_dim", "cols_dim", "symmetric")
    name: str
    symmetric: bool

    def __init__(self, name: str, rows: sympy.Expr, cols: sympy.Expr, symmetric: bool = False):
        if symmetric and not dims.same(rows, cols):
            raise ShapeError(Msg("shape.symmetric_square", name=name))
        self._setup((name, rows, cols, symmetric), _shape(rows, cols))


class Const(Expr):
    """A number (or a dimension such as ``n`` from tr(I_n)); always a scalar."""

    __slots__ = ()
    _fields = ("value",)
    value: sympy.Expr

    def __init__(self, value: sympy.Expr):
        self._setup((dims.number(value),), dims.SCALAR_SHAPE)


class Identity(Expr):
    __slots__ = ()
    _fields = ("n",)
    n: sympy.Expr

    def __init__(self, n: sympy.Expr):
        self._setup((n,), _shape(n, n))


class Zero(Expr):
    __slots__ = ()
    _fields = ("rows_dim", "cols_dim")

    def __init__(self, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((rows, cols), _shape(rows, cols))


class Ones(Expr):
    """The all-ones matrix (a vector of ones when one dimension is 1)."""

    __slots__ = ()
    _fields = ("rows_dim", "cols_dim")

    def __init__(self, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((rows, cols), _shape(rows, cols))


class Commutation(Expr):
    """The commutation matrix K_{m,n}: K vec(A) = vec(A^T) for A of size m×n."""

    __slots__ = ()
    _fields = ("m", "n")
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, m: sympy.Expr, n: sympy.Expr):
        size = dims.resolve(m) * dims.resolve(n)
        self._setup((m, n), (size, size))


class Differential(Expr):
    """The differential dX of a variable: a leaf (X inside it is not a child)."""

    __slots__ = ()
    _fields = ("var",)
    var: Var

    def __init__(self, var: Var):
        self._setup((var,), var.shape)

    @property
    def args(self) -> tuple[Expr, ...]:
        return ()

    def with_args(self, args: tuple[Expr, ...]) -> Expr:
        return self


class Opaque(Expr):
    """A named quantity shown as given LaTeX/text, e.g. ∂f/∂Y in a chain-rule step."""

    __slots__ = ()
    _fields = ("key", "latex", "text", "rows_dim", "cols_dim")
    key: str
    latex: str
    text: str

    def __init__(self, key: str, latex: str, text: str, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((key, latex, text, rows, cols), _shape(rows, cols))


class Named(Expr):
    """A definition kept by its name (``e7 = sin(e6) + e6``): it prints as the name and means
    its body. The body is not a child: rewrites and printers leave it as the user wrote it,
    evaluation and code generation read it. Results keep such names where writing the body out
    would repeat it."""

    __slots__ = ()
    _fields = ("name", "body")
    name: str
    body: Expr

    def __init__(self, name: str, body: Expr):
        self._setup((name, body), _shape(*body.shape))

    @property
    def args(self) -> tuple[Expr, ...]:
        return ()

    def with_args(self, args: tuple[Expr, ...]) -> Expr:
        return self


# -- algebra --------------------------------------------------------------------------------


class Add(Expr):
    __slots__ = ()
    _fields = ("terms",)
    terms: tuple[Expr, ...]

    def __init__(self, terms: tuple[Expr, ...]):
        terms = tuple(terms)
        if len(terms) < 2:
            raise ValueError("Add needs at least two terms")
        first = terms[0]
        for other in terms[1:]:
            if not (dims.same(first.rows, other.rows) and dims.same(first.cols, other.cols)):
                raise shape_mismatch(
                    "shape.add",
                    (first, other),
                    f"{shape_text(dims_resolved(first.shape))} ≠ "
                    f"{shape_text(dims_resolved(other.shape))}",
                )
        self._setup((terms,), _shape(*first.shape))


class Mul(Expr):
    """coeff · (scalar factors) · body. ``body`` is None for a purely scalar product.

    ``coeff`` is a SymPy number (or dimension expression); ``scalars`` are 1×1 expressions that
    scale ``body``. Matrix products live in :class:`MatMul`.
    """

    __slots__ = ()
    _fields = ("coeff", "scalars", "body")
    coeff: sympy.Expr
    scalars: tuple[Expr, ...]
    body: Expr | None

    def __init__(self, coeff: sympy.Expr, scalars: tuple[Expr, ...], body: Expr | None):
        scalars = tuple(scalars)
        for s in scalars:
            _require_scalar("scale", s)
        shape = dims.SCALAR_SHAPE if body is None else _shape(*body.shape)
        self._setup((dims.number(coeff), scalars, body), shape)

    @property
    def factors(self) -> tuple[Expr, ...]:
        return self.scalars if self.body is None else (*self.scalars, self.body)


class MatMul(Expr):
    """A matrix product whose neighbouring factors chain (columns of one = rows of the next)."""

    __slots__ = ()
    _fields = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors: tuple[Expr, ...]):
        factors = tuple(factors)
        if len(factors) < 2:
            raise ValueError("MatMul needs at least two factors")
        for left, right in zip(factors, factors[1:], strict=False):
            if not dims.same(left.cols, right.rows):
                raise shape_mismatch("shape.multiply", (left, right), differ(left.cols, right.rows))
        self._setup((factors,), _shape(factors[0].rows, factors[-1].cols))


class Transpose(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        self._setup((arg,), _shape(arg.cols, arg.rows))


class Inverse(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        _require_square("inverse", arg)
        self._setup((arg,), _shape(*arg.shape))


class MatPow(Expr):
    """A square matrix to a positive integer power k >= 2."""

    __slots__ = ()
    _fields = ("arg", "k")
    arg: Expr
    k: int

    def __init__(self, arg: Expr, k: int):
        _require_square("matrix_power", arg)
        self._setup((arg, int(k)), _shape(*arg.shape))


class Power(Expr):
    """A scalar raised to a scalar exponent."""

    __slots__ = ()
    _fields = ("base", "exponent")
    base: Expr
    exponent: Expr

    def __init__(self, base: Expr, exponent: Expr):
        _require_scalar("raise", base)
        _require_scalar("exponent", exponent)
        self._setup((base, exponent), dims.SCALAR_SHAPE)


# -- functions ------------------------------------------------------------------------------


class _Unary(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr


class Trace(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        _require_square("trace", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class Det(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        _require_square("determinant", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class LogDet(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        _require_square("log_determinant", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class Norm(_Unary):
    """The 2-norm of a vector, the Frobenius norm of a matrix."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), dims.SCALAR_SHAPE)


class Sum(_Unary):
    """The sum of all entries."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), dims.SCALAR_SHAPE)


class Vec(_Unary):
    """Column-major vectorization: the columns stacked into one column."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), (dims.resolve(arg.rows) * dims.resolve(arg.cols), ONE))


class Unvec(Expr):
    """The inverse of vec: a column of length mn reshaped (column-major) into m×n."""

    __slots__ = ()
    _fields = ("arg", "m", "n")
    arg: Expr
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, arg: Expr, m: sympy.Expr, n: sympy.Expr):
        if not dims.same(arg.cols, ONE) or not dims.same(
            arg.rows, dims.resolve(m) * dims.resolve(n)
        ):
            raise shape_mismatch(
                "shape.reshape", (arg,), Msg("shape.not_column_of_length", length=m * n)
            )
        self._setup((arg, m, n), _shape(m, n))


class DiagMat(_Unary):
    """diag(v): the diagonal matrix with the vector v on its diagonal."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        _require_column("diagonal_matrix", arg)
        self._setup((arg,), _shape(arg.rows, arg.rows))


class DiagVec(_Unary):
    """diag(X): the diagonal of a square matrix, as a column."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        _require_square("diagonal", arg)
        self._setup((arg,), _shape(arg.rows, ONE))


class Kron(Expr):
    """The Kronecker product A ⊗ B."""

    __slots__ = ()
    _fields = ("left", "right")
    left: Expr
    right: Expr

    def __init__(self, left: Expr, right: Expr):
        self._setup(
            (left, right),
            (
                dims.resolve(left.rows) * dims.resolve(right.rows),
                dims.resolve(left.cols) * dims.resolve(right.cols),
            ),
        )


def batched(arg: Expr) -> bool:
    """Whether softmax and logsumexp act column by column on ``arg``: a matrix (neither a row
    nor a column) is a batch whose columns are samples, as in softmax regression."""
    return arg.rows != ONE and arg.cols != ONE


class Softmax(_Unary):
    """softmax of a column; of a matrix, of each column (columns are samples)."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        if not batched(arg):
            _require_column("softmax", arg)
        self._setup((arg,), _shape(*arg.shape))


class LogSumExp(_Unary):
    """log Σ exp over the entries of a vector; of a matrix, over each column (a row)."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), _shape(ONE, arg.cols) if batched(arg) else dims.SCALAR_SHAPE)


class Elementwise(Expr):
    """A scalar function applied entrywise; ``func`` names a row of the elementwise table."""

    __slots__ = ()
    _fields = ("func", "arg")
    func: str
    arg: Expr

    def __init__(self, func: str, arg: Expr):
        self._setup((func, arg), _shape(*arg.shape))


class Hadamard(Expr):
    """The entrywise product of two or more same-shaped operands."""

    __slots__ = ()
    _fields = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors: tuple[Expr, ...]):
        factors = tuple(factors)
        if len(factors) < 2:
            raise ValueError("Hadamard needs at least two factors")
        first = factors[0]
        for other in factors[1:]:
            if not (dims.same(first.rows, other.rows) and dims.same(first.cols, other.cols)):
                raise shape_mismatch(
                    "shape.hadamard",
                    (first, other),
                    f"{shape_text(dims_resolved(first.shape))} ≠ "
                    f"{shape_text(dims_resolved(other.shape))}",
                )
        self._setup((factors,), _shape(*first.shape))


class HadamardDiv(Expr):
    """Entrywise division."""

    __slots__ = ()
    _fields = ("num", "den")
    num: Expr
    den: Expr

    def __init__(self, num: Expr, den: Expr):
        if not (dims.same(num.rows, den.rows) and dims.same(num.cols, den.cols)):
            raise shape_mismatch(
                "shape.divide_entrywise",
                (num, den),
                f"{shape_text(dims_resolved(num.shape))} ≠ {shape_text(dims_resolved(den.shape))}",
            )
        self._setup((num, den), _shape(*num.shape))


class HadamardPow(Expr):
    """Entrywise power by a number."""

    __slots__ = ()
    _fields = ("base", "exponent")
    base: Expr
    exponent: sympy.Expr

    def __init__(self, base: Expr, exponent: sympy.Expr):
        self._setup((base, dims.number(exponent)), _shape(*base.shape))


class D(_Unary):
    """An unevaluated differential d(expr), used while a derivation is in progress."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), _shape(*arg.shape))


LEAVES = (Var, Const, Identity, Zero, Ones, Commutation, Differential, Opaque, Named)
