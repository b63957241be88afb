"""The differential rules of the entrywise functions: one row per function, made from its row
in ``tree/elementwise.py``."""

from __future__ import annotations

from matdiff_magic.rules.diffrule import DiffRule, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.elementwise import ELEMENTWISE, ElementwiseFunction


def _entrywise_rule(f: ElementwiseFunction) -> DiffRule:
    note_en = f" ({f.note_en})" if f.note_en else ""
    note_zh = f"（{f.note_zh}）" if f.note_zh else ""
    return row(
        f"d.elementwise.{f.name}",
        N.Elementwise,
        f"entrywise function rule ({f.name})",
        f"逐元素函数的微分（{f.name_zh}）",
        r"\mathrm{d}" + f.latex.format("X") + r" = " + f.derivative_latex + r" \odot \mathrm{d}X",
        f"{f.name} acts entry by entry: its derivative multiplies dX entrywise{note_en}.",
        f"{f.name} 逐元素作用：其导数与 dX 逐元素相乘{note_zh}。",
        lambda e, d: B.hadamard(f.derivative(e.arg), d(e.arg)),
    )


for _f in ELEMENTWISE.values():
    _entrywise_rule(_f)
