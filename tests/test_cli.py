"""The matdiff command."""

from __future__ import annotations

import subprocess
import sys

from matdiff_magic.cli import run


def test_prints_the_result(capsys):
    assert run(["x' A x", "--wrt", "x"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂x = (A + Aᵀ) x" in out
    assert "denominator layout" in out


def test_steps_and_layout(capsys):
    assert run(["(X θ - y)^T (X θ - y)", "--wrt", "θ", "--steps", "--layout", "numerator"]) == 0
    out = capsys.readouterr().out
    assert "tr(2 (X θ - y)ᵀ X dθ)" in out
    assert "∂f/∂θᵀ = 2 (X θ - y)ᵀ X" in out


def test_var_declarations_and_latex(capsys):
    assert (
        run(
            [
                "A B X",
                "--wrt",
                "X",
                "--var",
                "A: matrix(p, n)",
                "--var",
                "B: matrix(n, m)",
                "--var",
                "X ∈ R^{m×q}",
                "--latex",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert r"I_{q} \otimes (A B)" in out


def test_chinese_rule_names(capsys):
    assert run(["x' A x", "--wrt", "A", "--steps", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "迹的交换律" in out and "分母布局" in out


def test_errors_exit_2_with_a_caret(capsys):
    assert run(["A: matrix(m, n); B: matrix(m, n)\nA B", "--wrt", "A"]) == 2
    err = capsys.readouterr().err
    assert "cannot multiply A (m×n) by B (m×n): n ≠ m" in err
    assert err.rstrip().endswith("^")


def test_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "matdiff_magic", "x' x", "--wrt", "x"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "2 x" in out
    bad = subprocess.run(
        [sys.executable, "-m", "matdiff_magic", "x' +", "--wrt", "x"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "^" in bad.stderr and "Traceback" not in bad.stderr
