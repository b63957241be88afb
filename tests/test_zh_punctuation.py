"""Chinese text uses Chinese punctuation: every zh message of the catalogues and every zh display
(the magic's header, derivations, badge, skipped methods, errors, answers; the command line) has
no ASCII , ; : ( ) next to a Chinese character (spaces between them count as next to). Formulas
keep ASCII: only marks touching Chinese words are looked at, and LaTeX only inside \\text{}."""

from __future__ import annotations

import re

import pytest

import matdiff_magic as md
from matdiff_magic.frontend.cli import run as cli_run
from matdiff_magic.frontend.render import content_for, error_text
from matdiff_magic.i18n import MESSAGES
from matdiff_magic.messages import CATALOGUE

CJK = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"  # Chinese, its punctuation, full-width forms
# , ; : touching Chinese on either side; ( opening Chinese words, ) closing them. A parenthesis
# around a formula, (A + Aᵀ) x after 例如, is the formula's own.
NEXT_TO_CJK = re.compile(rf"{CJK} *[,;:]|[,;:] *{CJK}|\( *{CJK}|{CJK} *\)")
QUOTED = re.compile(r"'[^'\n]*'|`[^`\n]*`")  # code the user types: 'dy = d(表达式)'


def offending(text: str) -> list[str]:
    """The stretches of ``text`` where an ASCII mark touches a Chinese character."""
    text = QUOTED.sub("'…'", text)
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in NEXT_TO_CJK.finditer(text)]


def words_of(bundle: dict[str, str]) -> str:
    """The words of a display: plain text whole, Markdown outside $...$, LaTeX inside \\text{}."""
    out = [bundle.get("text/plain", "")]
    out.append(re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", bundle.get("text/markdown", ""), flags=re.S))
    out += re.findall(r"\\text\{((?:[^{}]|\{[^{}]*\})*)\}", bundle.get("text/latex", ""))
    return "\n".join(out)


def test_the_detector_finds_ascii_marks_next_to_chinese_and_spares_formulas():
    assert offending("尺寸 n×1, 分母布局") and offending("[乘法法则; 常量的微分]")
    assert offending("(尺寸 n×1)") and offending("不适用的方法: 链式法则")
    assert offending("（迹技巧）, 链式法则") and offending("(f 对 x_k 的偏导数。)")
    assert not offending("尺寸 n×1，分母布局：tr(Xᵀ A), (A + Aᵀ) x，例如 (A + Aᵀ) x")
    assert not offending("应为 'dy = d(表达式)'")


@pytest.mark.parametrize("catalogue", [CATALOGUE, MESSAGES], ids=["messages", "i18n"])
def test_every_chinese_message_uses_chinese_punctuation(catalogue):
    bad = {k: offending(v["zh"]) for k, v in catalogue.items() if offending(v.get("zh", ""))}
    assert not bad


PROBLEMS = [
    ("x: vector(n); A: matrix(n, n)\nx' A x", "x"),
    ("X: matrix(m, n); y: vector(m)\ne = X θ - y\nl = e' e", "θ"),  # definitions: 其中 …，…
    ("A: matrix(m, n); x: vector(n)\nA x", "x"),  # skipped methods
    ("x: vector(n)\nsum(abs(x)) + sum(relu(x))", "x"),  # the kink note
    ("X: matrix(n, n)\nlogdet(X)", "X"),
    # the result keeps h and s: 其中 h = …，s = … under it
    ("W1: matrix(h, n); W2: matrix(k, h)\nh = sigmoid(W1 x)\ns = W2 h\n-y' log(softmax(s))", "W1"),
]


@pytest.mark.parametrize(("expr", "wrt"), PROBLEMS)
def test_chinese_displays_use_chinese_punctuation(expr, wrt):
    content = content_for(md.compare(expr, wrt), "zh")
    for layout in ("mixed", "numerator", "denominator"):
        shown = words_of(content.static_bundle(layout))
        assert "所求" in shown  # the header is there
        assert not offending(shown), offending(shown)
    for method in ("definition", "differential"):
        try:
            r = md.derive(expr, wrt, method=method)
        except md.MatDiffError as err:
            assert not offending(err.render("zh"))
            continue
        assert not offending(r.derivation_text("zh")) and not offending(r.derivation_latex("zh"))
        assert not offending(r.where_text("zh")) and not offending(r.where_latex("zh"))


def test_chinese_errors_answers_and_command_line_use_chinese_punctuation(capsys):
    for source in ["A B", "x' A +", "tr(", "trace(X)", "（ｘ＇ Ａ ｘ）$"]:
        try:
            md.derive(source, "x")
        except md.MatDiffError as err:
            assert not offending(error_text(err, "zh")), error_text(err, "zh")
    expr = "x: vector(n); A: matrix(n, n)\nx' A x"
    for answer in ["(A + A') x", "x' (A + A')", "2 A x", "A A", "y"]:
        said = md.check_answer(expr, "x", answer).message("zh")
        assert not offending(said), said
    for flags in ([], ["--steps"], ["--latex"], ["--check"], ["--method", "all"]):
        cli_run(["x' A x", "--wrt", "x", "--lang", "zh", *flags])
        out = capsys.readouterr().out
        assert "尺寸" in out or "求微分" in out
        assert not offending(out), offending(out)
