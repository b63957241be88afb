"""How the magic shows the verdict on a student's answer: a badge and the explanation, above
the derivations (HTML, with a plain-text fallback); and on a hand derivation (--check-steps)."""

from __future__ import annotations

from html import escape

from matdiff_magic.answers import AnswerCheck
from matdiff_magic.derivation_check import DerivationCheck
from matdiff_magic.frontend.render_words import BAD_COLOUR, NEUTRAL_COLOUR, OK_COLOUR
from matdiff_magic.i18n import separator

_BADGES = {
    "correct": ("✓", OK_COLOUR, {"en": "correct", "zh": "正确"}),
    "correct-other-layout": ("↔", NEUTRAL_COLOUR, {"en": "other layout", "zh": "布局不同"}),
    "wrong": ("✗", BAD_COLOUR, {"en": "not the derivative", "zh": "不正确"}),
    "invalid": ("?", BAD_COLOUR, {"en": "cannot be checked", "zh": "无法检查"}),
}


def answer_bundle(check: AnswerCheck, lang: str = "en") -> dict[str, str]:
    mark, colour, words = _BADGES[check.verdict]
    word = words.get(lang, words["en"])
    message = check.message(lang)
    answer = "your answer" if lang != "zh" else "你的答案"
    colon = separator("colon", lang)
    html = (
        f"<div class='matdiff-answer'><span style='display:inline-block;padding:2px 10px;"
        f"border-radius:10px;border:1px solid {colour};color:{colour};font-weight:bold'>"
        f"{mark} {escape(answer)}{colon}{escape(word)}</span>"
        f"<p>{escape(message)}</p></div>"
    )
    return {"text/plain": f"{mark} {answer}{colon}{word}\n{message}", "text/html": html}


def derivation_bundle(check: DerivationCheck, lang: str = "en") -> dict[str, str]:
    """The verdict on a hand derivation (--check-steps): one row a line, ✓ or ✗ and why."""
    rows = "".join(
        f"<tr><td>{c.number}</td><td style='color:{OK_COLOUR if c.ok else BAD_COLOUR}'>"
        f"{'✓' if c.ok else '✗'}</td><td><code>{escape(c.text)}</code></td>"
        f"<td>{escape(c.why.render(lang))}</td></tr>"
        for c in check.lines
    )
    html = f"<table class='matdiff-steps'>{rows}</table>"
    return {"text/plain": check.message(lang), "text/html": html}
