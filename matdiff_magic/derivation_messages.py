"""The messages of :func:`~matdiff_magic.derivation_check.check_derivation`, in English and
Chinese, added to the catalogue of :mod:`matdiff_magic.messages` (which is already long)."""

from __future__ import annotations

from matdiff_magic.messages import CATALOGUE

CATALOGUE.update(
    {
        "derivation.empty": {
            "en": "there is no derivation: write 'dy = d(...)' and then lines starting with '='",
            "zh": "没有推导：请先写 'dy = d(...)'，再写以 '=' 开头的各行",
        },
        "derivation.line_form": {
            "en": "line {line}: expected 'dy = d(...)' or 'y = ...' first, then lines starting "
            "with '=', and last the derivative '∂y/∂x = ...'",
            "zh": "第 {line} 行：应先写 'dy = d(...)' 或 'y = ...'，再写以 '=' 开头的各行，"
            "最后写导数 '∂y/∂x = ...'",
        },
        "derivation.first_line": {
            "en": "the first line of the differential method is 'dy = d(expression)'",
            "zh": "矩阵微分法的第一行应为 'dy = d(表达式)'",
        },
        "derivation.bad_line": {"en": "line {line}: {error}", "zh": "第 {line} 行：{error}"},
        "derivation.unknown_names": {
            "en": "unknown names: {names} (declare them, e.g. 'x: vector(n)')",
            "zh": "未知的名称：{names}（请先声明，例如 'x: vector(n)'）",
        },
        "derivation.no_wrt": {
            "en": "'{wrt}' does not appear in the function {f}",
            "zh": "函数 {f} 中没有 '{wrt}'",
        },
        "derivation.wrong_wrt": {
            "en": "this is the derivative with respect to '{got}'; the derivation is with "
            "respect to '{wrt}'",
            "zh": "这是对 '{got}' 的导数，而推导是对 '{wrt}' 求导",
        },
        "derivation.cannot_derive": {
            "en": "matdiff cannot derive this function, so the derivative cannot be checked",
            "zh": "matdiff 无法求此函数的导数，因此无法检查导数",
        },
        "derivation.magic_usage": {
            "en": "--check-steps checks a cell (%%matdiff --check-steps --wrt x) whose lines are "
            "your derivation",
            "zh": "--check-steps 检查一个单元格（%%matdiff --check-steps --wrt x），"
            "其各行是你的推导",
        },
        "derivation.holds": {"en": "holds", "zh": "成立"},
        "derivation.false": {
            "en": "not equal to the line before it",
            "zh": "与上一行不相等",
        },
        "derivation.false.step": {
            "en": "not equal to the line before it; rule here: {rule}; matdiff's derivation "
            "has: {correct}",
            "zh": "与上一行不相等；此处的法则：{rule}；matdiff 的推导为：{correct}",
        },
        "derivation.derivative_wrong": {
            "en": "this is not the derivative; it is {expected}",
            "zh": "这不是导数；导数为 {expected}",
        },
        "derivation.other_convention": {
            "en": 'this is the derivative under the "{found}" convention for a symmetric '
            'variable; under the "{asked}" convention asked for it is {expected}',
            "zh": "这是对称变量在“{found}”约定下的导数；所要求的“{asked}”约定下应为 {expected}",
        },
        "derivation.other_layout": {
            "en": "this is the derivative in the other layout (its transpose); in the mixed "
            "layout it is {expected}",
            "zh": "这是另一种布局下的导数（其转置）；混合布局下应为 {expected}",
        },
        "derivation.report_line": {
            "en": "line {line} {mark} {reason}",
            "zh": "第 {line} 行 {mark} {reason}",
        },
    }
)
