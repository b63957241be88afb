"""Words shown to users, in English and Chinese (rule names live with the rules)."""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    "layout.numerator": {"en": "numerator layout", "zh": "分子布局"},
    "layout.denominator": {"en": "denominator layout", "zh": "分母布局"},
    "layout.mixed": {"en": "mixed layout", "zh": "混合布局"},
    "method.differential": {
        "en": "matrix differential (trace trick)",
        "zh": "矩阵微分法（迹技巧）",
    },
    "method.vectorization": {
        "en": "vectorization (Kronecker products)",
        "zh": "向量化（克罗内克积）",
    },
    "method.definition": {"en": "definition (entrywise)", "zh": "定义法（逐元素）"},
    "method.chain": {"en": "chain rule", "zh": "链式法则"},
    "kind.scalar": {"en": "scalar", "zh": "标量"},
    "kind.vector": {"en": "vector", "zh": "向量"},
    "kind.matrix": {"en": "matrix", "zh": "矩阵"},
    "shape": {"en": "shape", "zh": "尺寸"},
    "result": {"en": "result", "zh": "结果"},
    "hessian": {"en": "Hessian", "zh": "黑塞矩阵"},
    "symmetric": {"en": "symmetric", "zh": "对称"},
    # -- the %%matdiff magic, its widgets and plots (matdiff_magic/frontend, plots.py) ---------
    # Templates use str.format fields; {f}, {x}, {symbol} stand for formulas.
    "ui.task": {"en": "Differentiate {f} with respect to {x}", "zh": "求 {f} 对 {x} 的导数"},
    "ui.task.hessian": {
        "en": "Find the Hessian of {f} with respect to {x}",
        "zh": "求 {f} 对 {x} 的黑塞矩阵",
    },
    "ui.where": {"en": "where", "zh": "其中"},
    "steps.kinks": {
        "en": "{names}: differentiated almost everywhere; at 0 the derivative is taken as 0, "
        "as NumPy's sign does",
        "zh": "{names}：导数几乎处处成立；在 0 处导数取为 0，与 NumPy 的 sign 相同",
    },
    "cli.checked": {
        "en": "  verified: the result agrees with central finite differences (relative error "
        "{error}); {checked} of {steps} steps checked, {holding} hold",
        "zh": "  已验证：结果与中心差分一致（相对误差 {error}）；{steps} 步中检查了 {checked} 步，"
        "{holding} 步成立",
    },
    "ui.variables": {"en": "variables", "zh": "变量"},
    "ui.find": {
        "en": "Find {symbol} ({where}; size {size})",
        "zh": "所求：{symbol}（{where}；尺寸 {size}）",
    },
    "ui.variable": {"en": "{v}  ({kind}, {size})", "zh": "{v}（{kind}，{size}）"},
    "ui.variable.intermediate": {"en": "{v}  ({kind})", "zh": "{v}（{kind}）"},
    "ui.layout_here": {"en": "{layout}, here {orientation}", "zh": "{layout}，此处为{orientation}"},
    "ui.size": {"en": "size {size}", "zh": "尺寸 {size}"},
    "ui.symmetric_matrix": {"en": "symmetric matrix", "zh": "对称矩阵"},
    "ui.fact.onehot": {"en": "one-hot vector", "zh": "独热向量"},
    "ui.fact.simplex": {"en": "probability vector", "zh": "概率向量"},
    "ui.fact.pm1": {"en": "vector of ±1", "zh": "±1 向量"},
    "ui.intermediate": {"en": "intermediate", "zh": "中间变量"},
    "ui.from_namespace": {
        "en": "sizes of {names} come from the arrays of the same name in the namespace",
        "zh": "{names} 的尺寸取自命名空间中的同名数组",
    },
    "ui.kinds_from_namespace": {
        "en": "taken from the namespace: {names} (sizes follow the cell's declarations)",
        "zh": "取自命名空间：{names}（尺寸服从单元格中的声明）",
    },
    "ui.values_from_namespace": {
        "en": "numeric values of {names} come from the namespace; the others are random",
        "zh": "{names} 的数值取自命名空间，其余为随机值",
    },
    "ui.not_applicable": {"en": "Not applicable", "zh": "不适用的方法"},
    "ui.skipped": {"en": "Not applicable: {method}: {why}", "zh": "不适用：{method}：{why}"},
    "ui.layout": {"en": "Layout", "zh": "布局"},
    "ui.view": {"en": "View", "zh": "视图"},
    "ui.view.all": {"en": "all side by side", "zh": "并排比较"},
    "ui.numerator": {"en": "numerator", "zh": "分子布局"},
    "ui.denominator": {"en": "denominator", "zh": "分母布局"},
    "ui.mixed": {"en": "mixed", "zh": "混合布局"},
    "badge.agree": {"en": "✓ the {n} methods agree", "zh": "✓ {n} 种方法结果一致"},
    "badge.agree_numeric": {
        "en": "✓ the {n} methods agree numerically (their forms differ)",
        "zh": "✓ {n} 种方法数值一致（形式不同）",
    },
    "badge.disagree": {
        "en": "✗ the methods disagree (largest relative difference {err})",
        "zh": "✗ 各方法结果不一致（最大相对差 {err}）",
    },
    "badge.one": {"en": "one method: {method}", "zh": "仅一种方法：{method}"},
    "badge.fd_ok": {
        "en": "✓ matches finite differences (largest relative error {err})",
        "zh": "✓ 与有限差分一致（最大相对误差 {err}）",
    },
    "badge.fd_bad": {
        "en": "✗ does not match finite differences (largest relative error {err})",
        "zh": "✗ 与有限差分不一致（最大相对误差 {err}）",
    },
    "badge.fd_failed": {
        "en": "could not check against finite differences: {reason}",
        "zh": "无法与有限差分比较：{reason}",
    },
    "error": {"en": "error", "zh": "错误"},
    # Error messages and "not applicable" reasons live in matdiff_magic/messages.py.
    "code.unused": {
        "en": "({names}: not used by this derivative; kept so every function has one signature.)",
        "zh": "（{names}：此导数未用到，保留以使所有函数的参数一致。）",
    },
    "code.comment": {
        "en": "Generated by matdiff: {symbol} in {layout}, an array of shape {shape}.",
        "zh": "由 matdiff 生成：{symbol}，{layout}，数组尺寸 {shape}。",
    },
    "plot.check_title": {
        "en": "Derivative check along a random direction V",
        "zh": "沿随机方向 V 的导数检验",
    },
    "plot.first_order": {"en": "first-order model", "zh": "一阶模型"},
    "plot.second_order": {"en": "second-order model", "zh": "二阶模型"},
    "plot.slope": {"en": "slope {k}", "zh": "斜率 {k}"},
    "plot.exact": {"en": "exact: f is linear along V", "zh": "精确：f 沿 V 是线性的"},
    "plot.step": {"en": "step t", "zh": "步长 t"},
    "plot.error": {"en": "error", "zh": "误差"},
    "plot.heatmap_title": {"en": "{symbol} at sizes {sizes}", "zh": "{symbol}（尺寸 {sizes}）"},
    "plot.blocks": {
        "en": "{rows}×{cols} blocks (Kronecker structure)",
        "zh": "{rows}×{cols} 分块（克罗内克积结构）",
    },
    "plot.row_index": {"en": "row", "zh": "行"},
    "plot.col_index": {"en": "column", "zh": "列"},
}


# Punctuation between words: Chinese text takes the full-width marks (，；：（）), which carry
# their own spacing; formulas keep ASCII. tests/test_zh_punctuation.py holds every zh message
# and rendered display to this.
SEPARATORS = {
    "comma": {"en": ", ", "zh": "，"},
    "semicolon": {"en": "; ", "zh": "；"},
    "colon": {"en": ": ", "zh": "："},
}


def separator(kind: str, lang: str | None = None) -> str:
    """", " / "，", "; " / "；" or ": " / "：" (``kind``: comma, semicolon, colon)."""
    return SEPARATORS[kind].get(lang or default_language(), SEPARATORS[kind]["en"])


def parenthesized(s: str, lang: str | None = None) -> str:
    """(s), or （s） in Chinese."""
    return f"（{s}）" if (lang or default_language()) == "zh" else f"({s})"


def default_language() -> str:
    """The language from MATDIFF_LANG (``en`` or ``zh``), English otherwise."""
    value = os.environ.get("MATDIFF_LANG", "en").strip().lower()
    return "zh" if value.startswith("zh") else "en"


def message(key: str, lang: str | None = None) -> str:
    lang = lang or default_language()
    entry = MESSAGES[key]
    return entry.get(lang, entry["en"])
