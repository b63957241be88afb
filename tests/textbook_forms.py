"""Results as the books print them, to measure matdiff's printed results against.

Each row: where the form is printed, the problem (declarations, then the function), the
variable, and the book's closed form in matdiff's own text syntax (so it can be parsed back and
checked: tests/test_textbook_form.py first proves every book form correct with
``md.check_answer``, then compares lengths). Layout: mixed (the books' gradient convention).

Token counting is the issue's measure (identifiers, numbers, operators, brackets, transposes and
inverses; juxtaposition does not count), defined once in ``matdiff_magic/written_tokens.py``.
"""

from __future__ import annotations

from typing import NamedTuple

from matdiff_magic.written_tokens import tokens  # noqa: F401  (the issue's measure, one definition)


class BookForm(NamedTuple):
    source: str
    problem: str
    wrt: str
    book: str
    order: int = 1


V = "x: vector(n); a: vector(n); b: vector(n)\n"
M = "X: matrix(n, n); A: matrix(n, n); B: matrix(n, n); S: matrix(n, n)\n"

ROWS = [
    # -- the patterns of the issue (each seen in several books) -------------------------------
    BookForm("entropy (Cover & Thomas)", "x: vector(n)\nsum(x ⊙ log(x))", "x", "log(x) + 𝟏"),
    BookForm(
        "KL divergence by q (Bishop, PRML 1.6)",
        "p: vector(n); q: vector(n)\nsum(p ⊙ log(p ⊘ q))",
        "q",
        "-p ⊘ q",
    ),
    BookForm("log by its argument (Magnus & Neudecker)", "x: vector(n)\nlog(x)", "x", "diag(x)⁻¹"),
    BookForm("softplus (Goodfellow 6.2.2)", V + "log(1 + exp(a' x))", "x", "σ(aᵀ x) a"),
    BookForm(
        "logistic Hessian (Boyd & Vandenberghe 3.1.4)",
        V + "log(1 + exp(a' x))",
        "x",
        "σ(aᵀ x) (1 - σ(aᵀ x)) a aᵀ",
        2,
    ),
    BookForm("log-sigmoid (CS229 notes 1)", V + "log(σ(a' x))", "x", "(1 - σ(aᵀ x)) a"),
    BookForm(
        "infomax ICA (Bell & Sejnowski)",
        "W: matrix(n, n); x: vector(n)\nlogdet(W) + sum(log(σ(W x) ⊙ (𝟏 - σ(W x))))",
        "W",
        "W⁻ᵀ + (𝟏 - 2 σ(W x)) xᵀ",
    ),
    BookForm("ratio of linear forms (Minka)", V + "(a' x)/(b' x)", "x",
             "((bᵀ x) a - (aᵀ x) b)/(bᵀ x)²"),
    BookForm(
        "Rayleigh quotient (Magnus & Neudecker 9.5)",
        "x: vector(n); A: symmetric(n)\n(x' A x)/(x' x)",
        "x",
        "2 ((xᵀ x) A x - (xᵀ A x) x)/(xᵀ x)²",
    ),
    BookForm(
        "GP marginal likelihood by a noise level (Rasmussen & Williams 5.4.1)",
        "t: scalar; A: symmetric(n); y: vector(n)\ny' inv(A + t I) y",
        "t",
        "-yᵀ (A + t I)⁻¹ (A + t I)⁻¹ y",
    ),
    BookForm("Gaussian log-det and trace (Bishop 2.3.4)", M + "logdet(X) + tr(S inv(X))", "X",
             "X⁻ᵀ - X⁻ᵀ Sᵀ X⁻ᵀ"),
    BookForm(
        "Gaussian log-likelihood by Σ (Bishop 2.3.4)",
        "Σ: matrix(n, n); x: vector(n); μ: vector(n)\n-logdet(Σ)/2 - (x - μ)' inv(Σ) (x - μ)/2",
        "Σ",
        "(Σ⁻ᵀ (x - μ) (x - μ)ᵀ Σ⁻ᵀ - Σ⁻ᵀ)/2",
    ),
    BookForm("softmax cross-entropy (CS231n)", "y: vector(k); W: matrix(k, n); x: vector(n)\n"
             "-y' log(softmax(W x))", "W", "((𝟏ᵀ y) softmax(W x) - y) xᵀ"),
    BookForm("least squares (seed 001)", "X: matrix(m, n); θ: vector(n); y: vector(m)\n"
             "(X θ - y)' (X θ - y)", "θ", "2 Xᵀ (X θ - y)"),
    BookForm("ridge (ESL 3.4.1)", "X: matrix(m, n); θ: vector(n); y: vector(m); c: scalar\n"
             "(X θ - y)' (X θ - y) + c θ' θ", "θ", "2 Xᵀ (X θ - y) + 2 c θ"),
    # -- the seed articles -------------------------------------------------------------------------
    BookForm("seed 001: xᵀAx by A", "x: vector(n); A: matrix(n, n)\nx' A x", "A", "x xᵀ"),
    BookForm("seed 001: xᵀAx by x", "x: vector(n); A: matrix(n, n)\nx' A x", "x", "(A + Aᵀ) x"),
    BookForm("seed 001: product of linear forms", V + "(a' x) (b' x)", "x",
             "(bᵀ x) a + (aᵀ x) b"),
    BookForm("seed 000: det", "X: matrix(n, n)\ndet(X)", "X", "|X| X⁻ᵀ"),
    BookForm("seed 000: tr(A X B)", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, p)\n"
             "tr(A X B)", "X", "Aᵀ Bᵀ"),
    BookForm("seed 002: vec(A X B)", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\n"
             "A X B", "X", "Bᵀ ⊗ A"),
    BookForm("seed 002: X⁻¹", "X: matrix(n, n)\ninv(X)", "X", "-(X⁻ᵀ ⊗ X⁻¹)"),
    # -- the Matrix Cookbook (2012), by equation --------------------------------------------
    BookForm("Cookbook (51)", M + "det(A X B)", "X", "|A X B| X⁻ᵀ"),
    BookForm("Cookbook (55)", "X: matrix(5, 3)\nlogdet(X' X)", "X", "2 X (Xᵀ X)⁻¹"),
    BookForm("Cookbook (57)", M + "logdet(X)", "X", "X⁻ᵀ"),
    BookForm("Cookbook (61)", V + "X: matrix(n, n)\na' inv(X) b", "X", "-X⁻ᵀ a bᵀ X⁻ᵀ"),
    BookForm("Cookbook (63)", "A: matrix(p, n); X: matrix(n, n); B: matrix(n, p)\n"
             "tr(A inv(X) B)", "X", "-X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ"),
    BookForm("Cookbook (64)", M + "tr(inv(X + A))", "X",
             "-((X + A)⁻¹ (X + A)⁻¹)ᵀ"),
    BookForm("Cookbook (70)", "a: vector(m); X: matrix(m, n); b: vector(n)\na' X b", "X",
             "a bᵀ"),
    BookForm("Cookbook (71)", "a: vector(n); X: matrix(m, n); b: vector(m)\na' X' b", "X",
             "b aᵀ"),
    BookForm("Cookbook (77)", "b: vector(n); X: matrix(m, n); c: vector(n)\nb' X' X c", "X",
             "X (b cᵀ + c bᵀ)"),
    BookForm("Cookbook (78)", "B: matrix(m, n); x: vector(n); b: vector(m); C: matrix(m, p); "
             "D: matrix(p, n); d: vector(p)\n(B x + b)' C (D x + d)", "x",
             "Bᵀ C (D x + d) + Dᵀ Cᵀ (B x + b)"),
    BookForm("Cookbook (81)", "x: vector(n); B: matrix(n, n)\nx' B x", "x", "(B + Bᵀ) x"),
    BookForm("Cookbook (82)", "b: vector(n); X: matrix(m, n); D: matrix(m, m); c: vector(n)\n"
             "b' X' D X c", "X", "Dᵀ X b cᵀ + D X c bᵀ"),
    BookForm("Cookbook (83)", "X: matrix(m, n); b: vector(n); c: vector(m); D: matrix(m, m)\n"
             "(X b + c)' D (X b + c)", "X", "(D + Dᵀ) (X b + c) bᵀ"),
    BookForm("Cookbook (84)", "x: vector(n); A: matrix(n, p); s: vector(p); W: symmetric(n)\n"
             "(x - A s)' W (x - A s)", "s", "-2 Aᵀ W (x - A s)"),
    BookForm("Cookbook (88)", "x: vector(n); A: matrix(n, p); s: vector(p); W: symmetric(n)\n"
             "(x - A s)' W (x - A s)", "A", "-2 W (x - A s) sᵀ"),
    BookForm("Cookbook (90)", V + "X: matrix(n, n)\na' X^2 b", "X", "Xᵀ a bᵀ + a bᵀ Xᵀ"),
    BookForm("Cookbook (96)", "x: vector(n); A: matrix(n, n); b: vector(n)\nx' A x + b' x", "x",
             "A + Aᵀ", 2),
    BookForm("Cookbook (100)", "X: matrix(m, n); A: matrix(n, m)\ntr(X A)", "X", "Aᵀ"),
    BookForm("Cookbook (106)", M + "tr(X^2)", "X", "2 Xᵀ"),
    BookForm("Cookbook (107)", M + "tr(X^2 B)", "X", "(X B + B X)ᵀ"),
    BookForm("Cookbook (108)", "X: matrix(m, n); B: matrix(m, m)\ntr(X' B X)", "X",
             "B X + Bᵀ X"),
    BookForm("Cookbook (111)", "X: matrix(m, n); B: matrix(n, n)\ntr(X B X')", "X",
             "X Bᵀ + X B"),
    BookForm("Cookbook (114)", "A: matrix(n, m); X: matrix(m, n); B: matrix(n, m)\n"
             "tr(A X B X)", "X", "Aᵀ Xᵀ Bᵀ + Bᵀ Xᵀ Aᵀ"),
    BookForm("Cookbook (115)", "X: matrix(m, n)\ntr(X' X)", "X", "2 X"),
    BookForm("Cookbook (117)", "X: matrix(m, n); B: matrix(m, m); C: matrix(n, n)\n"
             "tr(X' B X C)", "X", "B X C + Bᵀ X Cᵀ"),
    BookForm("Cookbook (119)", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q); "
             "C: matrix(p, q)\ntr((A X B + C) (A X B + C)')", "X", "2 Aᵀ (A X B + C) Bᵀ"),
    BookForm("Cookbook (121)", M + "tr(X^3)", "X", "3 (X²)ᵀ"),
    BookForm("Cookbook (129)", V + "norm(x - a)", "x", "(x - a)/‖x - a‖"),
    BookForm("Cookbook (130)", V + "(x - a)/norm(x - a)", "x",
             "I/‖x - a‖ - (x - a) (x - a)ᵀ/‖x - a‖³"),
    BookForm("Cookbook (131)", "x: vector(n)\nnorm(x)^2", "x", "2 x"),
    BookForm("Cookbook (132)", "X: matrix(m, n)\nnorm(X)^2", "X", "2 X"),
    # -- Wikipedia, "Matrix calculus" (identities tables) ---------------------------------------
    BookForm("Wikipedia: aᵀ x", V + "a' x", "x", "a"),
    BookForm("Wikipedia: A x", "x: vector(n); A: matrix(m, n)\nA x", "x", "A"),
    BookForm("Wikipedia: xᵀ x", "x: vector(n)\nx' x", "x", "2 x"),
    BookForm("Wikipedia: aᵀ x bᵀ x", V + "(a' x) (b' x)", "x", "(bᵀ x) a + (aᵀ x) b"),
    BookForm("Wikipedia: u ⊙ v by u", "u: vector(n); v: vector(n)\nu ⊙ v", "u", "diag(v)"),
    BookForm("Wikipedia: tr(A X⁻¹ B)", "A: matrix(p, n); X: matrix(n, n); B: matrix(n, p)\n"
             "tr(A inv(X) B)", "X", "-(X⁻¹ B A X⁻¹)ᵀ"),
    BookForm("Wikipedia: log(aᵀ x)", V + "log(a' x)", "x", "a/(aᵀ x)"),
    # -- Hadamard structure (issue 12): what the vectorization method writes through the
    # selection matrix S = diag(vec(I)) (𝟏 ⊗ I), read back as books write it ---------------
    BookForm("Hadamard: diag((A + diag(x))⁻¹), A symmetric", "A: symmetric(k); x: vector(k)\n"
             "diag(inv(A + diag(x)))", "x", "-(A + diag(x))⁻¹ ⊙ (A + diag(x))⁻¹"),
    BookForm("Hadamard: diag((A + diag(x))⁻¹)", "A: matrix(k, k); x: vector(k)\n"
             "diag(inv(A + diag(x)))", "x", "-(A + diag(x))⁻ᵀ ⊙ (A + diag(x))⁻¹"),
    BookForm("Hadamard: aᵀ diag(x) b, diag(b aᵀ) = a ⊙ b", V + "a' diag(x) b", "x", "a ⊙ b"),
    BookForm("Hadamard: diag(x) a ⊙ b", V + "diag(x) a ⊙ b", "x", "diag(a ⊙ b)"),
    BookForm("Khatri–Rao: A diag(x) B by x", "A: matrix(m, k); B: matrix(k, n); x: vector(k)\n"
             "A diag(x) B", "x", "Bᵀ ∗ A"),
    BookForm("Khatri–Rao: X diag(x) Xᵀ by x", "X: matrix(m, k); x: vector(k)\nX diag(x) X'",
             "x", "X ∗ X"),
]
