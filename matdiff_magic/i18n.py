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
}


def default_language() -> str:
    """The language from MATDIFF_LANG (``en`` or ``zh``), English otherwise."""
    value = os.environ.get("MATDIFF_LANG", "en").strip().lower()
    return "zh" if value.startswith("zh") else "en"


def message(key: str, lang: str | None = None) -> str:
    lang = lang or default_language()
    entry = MESSAGES[key]
    return entry.get(lang, entry["en"])
