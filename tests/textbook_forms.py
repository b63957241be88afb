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
    # y one-hot (the class label): 𝟏ᵀ y = 1 is what lets the books write softmax(W x) - y
    BookForm("softmax cross-entropy (CS231n)", "y: onehot(k); W: matrix(k, n); x: vector(n)\n"
             "-y' log(softmax(W x))", "W", "(softmax(W x) - y) xᵀ"),
    BookForm("soft-label cross-entropy (Goodfellow 6.2.2)", "y: prob(k); W: matrix(k, n); "
             "x: vector(n)\n-y' log(softmax(W x))", "W", "(softmax(W x) - y) xᵀ"),
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
    # -- further books (Rasmussen & Williams GPML, Bishop PRML, Boyd & Vandenberghe, Magnus &
    #    Neudecker, Minka, CS229/CS231n, Goodfellow; ESL): a second table, added with issue 12 --
    BookForm(
        "GPML 5.9 by K",
        "K: matrix(n, n); y: vector(n)\n-1/2 y' inv(K) y - 1/2 logdet(K)",
        "K",
        "(K⁻ᵀ y yᵀ K⁻ᵀ - K⁻ᵀ)/2",
    ),
    BookForm(
        "GP noise by t",
        "A: matrix(n, n); y: vector(n); t: scalar\ny' inv(A + t I) y",
        "t",
        "-yᵀ (A + t I)⁻¹ (A + t I)⁻¹ y",
    ),
    BookForm(
        "ridge (ESL)",
        "X: matrix(m, n); y: vector(m); w: vector(n); λ: scalar\n‖X w - y‖² + λ ‖w‖²",
        "w",
        "2 Xᵀ (X w - y) + 2 λ w",
    ),
    BookForm(
        "logistic NLL (PRML 4.91)",
        "X: matrix(m, n); y: vector(m); w: vector(n)\nsum(log(1 + exp(X w))) - y' X w",
        "w",
        "Xᵀ (σ(X w) - y)",
    ),
    BookForm(
        "logistic Hessian (PRML 4.97)",
        "X: matrix(m, n); y: vector(m); w: vector(n)\nsum(log(1 + exp(X w))) - y' X w",
        "w",
        "Xᵀ diag(σ(X w) ⊙ (𝟏 - σ(X w))) X",
        2,
    ),
    BookForm(
        "Poisson regression (GLM)",
        "X: matrix(m, n); y: vector(m); w: vector(n)\nsum(exp(X w)) - y' X w",
        "w",
        "Xᵀ (exp(X w) - y)",
    ),
    BookForm(
        "Mahalanobis by μ",
        "x: vector(n); μ: vector(n); S: symmetric(n)\n(x - μ)' inv(S) (x - μ)",
        "μ",
        "-2 S⁻¹ (x - μ)",
    ),
    BookForm(
        "Gaussian loglik by m (PRML 2.121)",
        "x: vector(n); m: vector(n); S: symmetric(n)\n-1/2 (x - m)' inv(S) (x - m)",
        "m",
        "S⁻¹ (x - m)",
    ),
    BookForm(
        "Gaussian loglik by S (general)",
        "x: vector(n); m: vector(n); S: matrix(n, n)\n-1/2 logdet(S) - 1/2 (x - m)' inv(S) (x - m)",
        "S",
        "(S⁻ᵀ (x - m) (x - m)ᵀ S⁻ᵀ - S⁻ᵀ)/2",
    ),
    BookForm("Frobenius distance", M + "norm(X - A, \"fro\")^2", "X", "2 (X - A)"),
    BookForm(
        "matrix factorization by U",
        "X: matrix(m, n); U: matrix(m, k); V: matrix(n, k)\nnorm(X - U V', \"fro\")^2",
        "U",
        "2 (U Vᵀ - X) V",
    ),
    BookForm(
        "matrix factorization by V",
        "X: matrix(m, n); U: matrix(m, k); V: matrix(n, k)\nnorm(X - U V', \"fro\")^2",
        "V",
        "2 (V Uᵀ - Xᵀ) U",
    ),
    BookForm("PCA trace", "W: matrix(n, k); S: symmetric(n)\ntr(W' S W)", "W", "2 S W"),
    BookForm("tr(Xᵀ A X)", M + "tr(X' A X)", "X", "(A + Aᵀ) X"),
    BookForm("logdet(XᵀX)", "X: matrix(m, n)\nlogdet(X' X)", "X", "2 X (Xᵀ X)⁻¹"),
    BookForm("logdet(A X B)", M + "logdet(A X B)", "X", "Aᵀ (A X B)⁻ᵀ Bᵀ"),
    BookForm("log-sum-exp (Boyd 3.1.5)", "x: vector(n)\nlog(sum(exp(x)))", "x", "softmax(x)"),
    BookForm(
        "log-sum-exp Hessian (Boyd 3.1.5)",
        "x: vector(n)\nlog(sum(exp(x)))",
        "x",
        "diag(softmax(x)) - softmax(x) softmax(x)ᵀ",
        2,
    ),
    BookForm(
        "log barrier (Boyd 11.2)",
        "A: matrix(m, n); b: vector(m); x: vector(n)\n-sum(log(b - A x))",
        "x",
        "Aᵀ (𝟏 ⊘ (b - A x))",
    ),
    BookForm(
        "log barrier Hessian (Boyd 11.2)",
        "A: matrix(m, n); b: vector(m); x: vector(n)\n-sum(log(b - A x))",
        "x",
        "Aᵀ diag(𝟏 ⊘ (b - A x)∘²) A",
        2,
    ),
    BookForm("norm", "x: vector(n)\n‖x‖", "x", "x/‖x‖"),
    BookForm(
        "residual norm",
        "A: matrix(m, n); b: vector(m); x: vector(n)\n‖A x - b‖",
        "x",
        "Aᵀ (A x - b)/‖A x - b‖",
    ),
    BookForm(
        "softmax Jacobian",
        "x: vector(n)\nsoftmax(x)",
        "x",
        "diag(softmax(x)) - softmax(x) softmax(x)ᵀ",
    ),
    BookForm(
        "tanh layer Jacobian",
        "W: matrix(m, n); x: vector(n)\ntanh(W x)",
        "x",
        "diag(𝟏 - tanh(W x)∘²) W",
    ),
    BookForm(
        "sigmoid layer Jacobian",
        "W: matrix(m, n); x: vector(n)\nσ(W x)",
        "x",
        "diag(σ(W x) ⊙ (𝟏 - σ(W x))) W",
    ),
    BookForm(
        "tanh layer squared loss",
        "W: matrix(m, n); x: vector(n); y: vector(m)\n‖tanh(W x) - y‖²",
        "W",
        "2 ((tanh(W x) - y) ⊙ (𝟏 - tanh(W x)∘²)) xᵀ",
    ),
    BookForm(
        "relu layer sum",
        "W: matrix(m, n); x: vector(n)\nsum(relu(W x))",
        "W",
        "step(W x) xᵀ",
    ),
    BookForm("bilinear by W", "W: matrix(m, n); x: vector(m); y: vector(n)\nx' W y", "W", "x yᵀ"),
    BookForm("det", M + "det(X)", "X", "det(X) X⁻ᵀ"),
    BookForm(
        "weighted least squares",
        "X: matrix(m, n); y: vector(m); w: vector(n); W: symmetric(m)\n(y - X w)' W (y - X w)",
        "w",
        "2 Xᵀ W (X w - y)",
    ),
    BookForm(
        "PRML 3.12 sum of squares",
        "Φ: matrix(m, n); t: vector(m); w: vector(n)\n1/2 ‖Φ w - t‖²",
        "w",
        "Φᵀ (Φ w - t)",
    ),
    BookForm(
        "PRML 3.55 MAP",
        "Φ: matrix(m, n); t: vector(m); w: vector(n); α: scalar; β: scalar\n"
        "β/2 ‖Φ w - t‖² + α/2 w' w",
        "w",
        "β Φᵀ (Φ w - t) + α w",
    ),
    BookForm(
        "PRML 3.54 Hessian",
        "Φ: matrix(m, n); t: vector(m); w: vector(n); α: scalar; β: scalar\n"
        "β/2 ‖Φ w - t‖² + α/2 w' w",
        "w",
        "β Φᵀ Φ + α I",
        2,
    ),
    BookForm(
        "CS229 logistic loglik",
        "X: matrix(m, n); y: vector(m); θ: vector(n)\ny' log(σ(X θ)) + (𝟏 - y)' log(𝟏 - σ(X θ))",
        "θ",
        "Xᵀ (y - σ(X θ))",
    ),
    BookForm("Gaussian entropy", "S: matrix(n, n)\nlogdet(S)/2", "S", "S⁻ᵀ/2"),
    BookForm("tr((XᵀX)⁻¹)", "X: matrix(m, n)\ntr(inv(X' X))", "X", "-2 X (Xᵀ X)⁻²"),
    BookForm("xᵀA⁻¹x by A", "A: matrix(n, n); x: vector(n)\nx' inv(A) x", "A", "-A⁻ᵀ x xᵀ A⁻ᵀ"),
    BookForm(
        "vec quadratic (Magnus)",
        "X: matrix(m, n); A: matrix(n, n); B: matrix(m, m)\nvec(X)' kron(A, B) vec(X)",
        "X",
        "B X Aᵀ + Bᵀ X A",
    ),
    BookForm("logdet(I + X Xᵀ)", "X: matrix(m, n)\nlogdet(I + X X')", "X", "2 (I + X Xᵀ)⁻¹ X"),
    BookForm(
        "Hadamard squares",
        "X: matrix(m, n); A: matrix(m, n)\nsum((A ⊙ X)∘²)",
        "X",
        "2 A∘² ⊙ X",
    ),
    BookForm("sum(X ⊙ A)", "X: matrix(m, n); A: matrix(m, n)\nsum(X ⊙ A)", "X", "A"),
    BookForm("xᵀdiag(a)x", V + "x' diag(a) x", "x", "2 a ⊙ x"),
    BookForm(
        "tr(A diag(x) B)",
        "A: matrix(m, n); B: matrix(n, m); x: vector(n)\ntr(A diag(x) B)",
        "x",
        "diag(B A)",
    ),
    BookForm("softplus sum", "x: vector(n)\nsum(log(1 + exp(x)))", "x", "σ(x)"),
    BookForm("exp of linear", V + "exp(a' x)", "x", "exp(aᵀ x) a"),
    BookForm("square of linear", V + "(a' x)^2", "x", "2 (aᵀ x) a"),
    BookForm("fourth power of norm", V + "‖x‖^4", "x", "4 (xᵀ x) x"),
    BookForm("inverse norm", V + "1/‖x‖", "x", "-x/‖x‖³"),
    BookForm("cosine (Minka)", V + "(a' x)/‖x‖", "x", "a/‖x‖ - (aᵀ x) x/‖x‖³"),
    BookForm(
        "generalized Rayleigh",
        "x: vector(n); A: symmetric(n); B: symmetric(n)\n(x' A x)/(x' B x)",
        "x",
        "2 ((xᵀ B x) A x - (xᵀ A x) B x)/(xᵀ B x)²",
    ),
    BookForm(
        "tr(X A Xᵀ B)",
        "X: matrix(m, n); A: matrix(n, n); B: matrix(m, m)\ntr(X A X' B)",
        "X",
        "Bᵀ X Aᵀ + B X A",
    ),
    BookForm("sum of log", "x: vector(n)\nsum(log(x))", "x", "𝟏 ⊘ x"),
    BookForm("Hessian of sum log", "x: vector(n)\nsum(log(x))", "x", "-diag(x)⁻²", 2),
    BookForm(
        "quadratic plus linear Hessian",
        "A: symmetric(n); b: vector(n); x: vector(n)\nx' A x/2 - b' x",
        "x",
        "A",
        2,
    ),
    BookForm(
        "logdet Hessian-vector (Boyd A.4.1)",
        "X: matrix(n, n); V: matrix(n, n); t: scalar\nlogdet(X + t V)",
        "t",
        "tr((X + t V)⁻¹ V)",
    ),
    BookForm("tr(X⁻¹ A) by X", M + "tr(inv(X) A)", "X", "-X⁻ᵀ Aᵀ X⁻ᵀ"),
    BookForm(
        "det(Xᵀ A X) (Cookbook 55 general)",
        "X: matrix(m, n); A: matrix(m, m)\ndet(X' A X)",
        "X",
        "det(Xᵀ A X) (A X (Xᵀ A X)⁻¹ + Aᵀ X (Xᵀ Aᵀ X)⁻¹)",
    ),
    BookForm(
        "2-layer squared error by W2",
        "W1: matrix(h, n); W2: matrix(k, h); x: vector(n); y: vector(k)\n‖W2 σ(W1 x) - y‖²",
        "W2",
        "2 (W₂ σ(W₁ x) - y) σ(W₁ x)ᵀ",
    ),
    BookForm(
        "2-layer squared error by W1",
        "W1: matrix(h, n); W2: matrix(k, h); x: vector(n); y: vector(k)\n‖W2 σ(W1 x) - y‖²",
        "W1",
        "2 (σ(W₁ x) ⊙ (𝟏 - σ(W₁ x)) ⊙ (W₂ᵀ (W₂ σ(W₁ x) - y))) xᵀ",
    ),
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

# -- the two-layer network through the user's definitions (CS229 / Goodfellow 6.5 backprop):
# the books write the gradients in h and s, as matdiff keeps them ("where h = ..., s = ...")
NET = (
    "W1: matrix(h, n); b1: vector(h); W2: matrix(k, h); b2: vector(k); x: vector(n); "
    "y: vector(k)\nh = sigmoid(W1 x + b1)\ns = W2 h + b2\n"
)
ONEHOT_NET = NET.replace("y: vector(k)", "y: onehot(k)")
ROWS += [
    BookForm("network, squared error by W2 (CS229 backprop)", NET + "‖s - y‖²", "W2",
             "2 (s - y) hᵀ"),
    BookForm("network, squared error by b2 (CS229 backprop)", NET + "‖s - y‖²", "b2",
             "2 (s - y)"),
    BookForm("network, squared error by W1 (CS229 backprop)", NET + "‖s - y‖²", "W1",
             "2 (h ⊙ (𝟏 - h) ⊙ (W₂ᵀ (s - y))) xᵀ"),
    # y one-hot, as the books' label is: softmax(s) - y, 𝟏ᵀ y = 1 used by name in a step
    BookForm("network, cross-entropy by W2 (Goodfellow 6.5)", ONEHOT_NET + "-y' log(softmax(s))",
             "W2", "(softmax(s) - y) hᵀ"),
    BookForm("network, cross-entropy by b1 (Goodfellow 6.5)", ONEHOT_NET + "-y' log(softmax(s))",
             "b1", "h ⊙ (𝟏 - h) ⊙ (W₂ᵀ (softmax(s) - y))"),
]  # fmt: skip
