"""Shape checks of the node constructors and the errors they raise: each names the operation,
the operands with their shapes, and what disagrees (the builder re-labels the operands with
the text the user wrote)."""

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


def require_square(name: str, arg: Expr) -> None:
    """``name``: the key after "op." of the operation (``"trace"``, ``"inverse"``)."""
    if not dims.same(arg.rows, arg.cols):
        raise shape_mismatch(
            "shape.take",
            (arg,),
            Msg("shape.not_square", differ=differ(arg.rows, arg.cols)),
            what=Msg(f"op.{name}"),
        )


def require_column(name: str, arg: Expr) -> None:
    if not dims.same(arg.cols, ONE):
        raise shape_mismatch(
            "shape.take", (arg,), Msg("shape.needs_column"), what=Msg(f"op.{name}")
        )


def require_scalar(what: str, arg: Expr) -> None:
    """``what``: the key after "op." of what needs the scalar (``"scale"``, ``"exponent"``)."""
    if not (dims.same(arg.rows, ONE) and dims.same(arg.cols, ONE)):
        raise shape_mismatch("shape.scalar", (arg,), "", what=Msg(f"op.{what}"))


def new_shape(rows: sympy.Expr, cols: sympy.Expr) -> Shape:
    return (dims.resolve(rows), dims.resolve(cols))


def require_same_shape(template: str, items: tuple[Expr, ...]) -> None:
    """Every item has the first one's shape (a sum's terms, a Hadamard product's factors)."""
    first = items[0]
    for other in items[1:]:
        if not (dims.same(first.rows, other.rows) and dims.same(first.cols, other.cols)):
            raise shape_mismatch(
                template,
                (first, other),
                f"{shape_text(dims_resolved(first.shape))} ≠ "
                f"{shape_text(dims_resolved(other.shape))}",
            )
