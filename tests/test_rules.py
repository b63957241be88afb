"""Every row of every rule table is exercised by an example that is checked numerically.

Adding a rule without adding an example here fails ``test_every_rule_has_an_example``.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_derivative

from matdiff_magic.numeric import Env, evaluate
from matdiff_magic.rules import REGISTRY
from matdiff_magic.tree.elementwise import ELEMENTWISE

D = (
    "X: matrix(m, n); Y: matrix(m, n); A: matrix(p, m); B: matrix(n, p); S: matrix(n, n); "
    "x: vector(n); a: vector(n); b: vector(m); c: scalar; t: scalar\n"
)

# rule key -> (expression, wrt, method)
EXAMPLES = {
    "d.start": ("x' x", "x", "differential"),
    "d.constant": ("a' x + c", "x", "differential"),
    "d.sum": ("a' x + x' x", "x", "differential"),
    "d.scale": ("(a' x) (x' x)", "x", "differential"),
    "d.product": ("A X B", "X", "vectorization"),
    "d.transpose": ("x' S x", "x", "differential"),
    "d.trace": ("tr(S)", "S", "differential"),
    "d.inverse": ("inv(S)", "S", "vectorization"),
    "d.det": ("det(S)", "S", "differential"),
    "d.logdet": ("logdet(S)", "S", "differential"),
    "d.matpow": ("S^3", "S", "vectorization"),
    "d.power": ("(x' x)^3", "x", "differential"),
    "d.hadamard": ("X .* Y", "X", "vectorization"),
    "d.hadamard_div": ("Y ./ exp(X)", "X", "vectorization"),
    "d.hadamard_pow": ("X .^ 3", "X", "vectorization"),
    "d.norm": ("norm(X)", "X", "differential"),
    "d.sum_entries": ("sum(X)", "X", "differential"),
    "d.vec": ("vec(X)", "X", "vectorization"),
    "d.expm": ("tr(expm(S))", "S", "differential"),
    "d.logm": ("tr(B' logm(S) B)", "S", "differential"),
    "d.sqrtm": ("sqrtm(S)", "S", "vectorization"),
    "d.matrix_power_real": ("tr(S^(1/3))", "S", "differential"),
    "tr.frechet": ("tr(B' logm(S) B)", "S", "differential"),
    "tr.frechet_identity": ("tr(expm(S))", "S", "differential"),
    "d.frechet": ("tr(L_exp(S, x a') S)", "x", "differential"),
    "vec.frechet": ("sqrtm(S)", "S", "vectorization"),
    "d.lambda_max": ("lambda_max(S + S')", "S", "differential"),
    "d.lambda_min": ("lambda_min(X X')", "X", "differential"),
    "d.sigma_max": ("sigma_max(X)", "X", "vectorization"),
    "d.norm_nuc": ("norm_nuc(X)", "X", "differential"),
    "d.unvec": ("vec(X)", "X", "vectorization"),  # built in the Python API test below
    "d.diag_mat": ("diag(x)", "x", "vectorization"),
    "d.diag_vec": ("diag(S)", "S", "vectorization"),
    "d.kron": ("kron(S, S)", "S", "vectorization"),
    "d.khatri_rao": ("X ∗ Y", "X", "vectorization"),
    "d.softmax": ("softmax(S x)", "x", "vectorization"),
    "d.logsumexp": ("logsumexp(S x)", "x", "differential"),
    "d.log_softmax": ("a' log(softmax(S x))", "x", "differential"),
    "d.softmax.columns": ("sum(softmax(X) .* Y)", "X", "differential"),
    "d.logsumexp.columns": ("sum(logsumexp(X))", "X", "differential"),
    "tr.scalar": ("x' S x", "x", "differential"),
    "tr.linear": ("x' S x", "x", "differential"),
    "tr.transpose": ("x' S x", "x", "differential"),
    "tr.cyclic": ("tr(X B A)", "X", "differential"),
    "tr.scalar_factor": ("(a' x) (x' x)", "x", "differential"),
    "tr.hadamard": ("sum(Y .* X .* X)", "X", "differential"),
    "tr.hadamard_div": ("sum(X ./ exp(Y))", "X", "differential"),
    "tr.trace": ("tr(X' Y) c", "X", "differential"),
    "tr.sum": ("sum(exp(X))", "X", "differential"),
    "tr.diag": ("a' diag(S)", "S", "differential"),
    "tr.vec": ("vec(X)' vec(Y)", "X", "differential"),
    "vec.apply": ("A X B", "X", "vectorization"),
    "vec.column": ("S x", "x", "vectorization"),
    "vec.row": ("x' S", "x", "vectorization"),
    "vec.sandwich": ("A X", "X", "vectorization"),
    "vec.kron": ("A X B", "X", "vectorization"),
    "vec.transpose": ("X'", "X", "vectorization"),
    "vec.scalar": ("(a' x) x", "x", "vectorization"),
    "vec.hadamard": ("X .* Y", "X", "vectorization"),
    "vec.hadamard_div": ("X ./ exp(Y)", "X", "vectorization"),
    "vec.trace": ("tr(S) S", "S", "vectorization"),
    "vec.sum": ("sum(X) x", "X", "vectorization"),
    "vec.diag": ("diag(x)", "x", "vectorization"),
    "vec.vec": ("vec(X)", "X", "vectorization"),
    "vec.kron_product": ("kron(A, X)", "X", "vectorization"),
    "vec.khatri_rao": ("Y ∗ X", "X", "vectorization"),
    "read.gradient": ("x' S x", "x", "differential"),
    "read.jacobian": ("S x", "x", "vectorization"),
    "read.scalar": ("exp(t) x", "t", "differential"),
    "read.collect": ("exp(t) x + t a", "t", "differential"),
    "read.unvec": ("tr(X' Y)", "X", "vectorization"),
    "layout.transpose": ("x' S x", "x", "differential"),
    "simplify": ("x' S x", "x", "differential"),
    "collect": ("X' X", "X", "vectorization"),
    "hessian": ("x' S x", "x", "differential"),
    "chain.intermediate": ("norm(S x - a)^2", "x", "chain"),
    "chain.local": ("norm(S x - a)^2", "x", "chain"),
    "chain.scalar_form1": ("norm(S x - a)^2", "x", "chain"),
    "chain.scalar_form2": ("norm(S x - a)^2", "x", "chain"),
    "chain.numerator": ("norm(S x - a)^2", "x", "chain"),
    "chain.substitute": ("norm(S x - a)^2", "x", "chain"),
    "chain.multiply": ("norm(S x - a)^2", "x", "chain"),
    "chain.terms": ("norm(S x - a)^2 + c * x' x", "x", "chain"),
    "chain.terms_add": ("norm(S x - a)^2 + c * x' x", "x", "chain"),
    "d.definition": ("e = S x - a\nf = e' e", "x", "differential"),
    "definition": ("e = S x - a\nf = e' e", "x", "differential"),
    # u is used once and not in the result (v is kept by name): written out
    "write_out": ("u = S x\nv = u + a\nf = v' v", "x", "vectorization"),
    "chain.substitute_gradient": ("logdet(S' S)", "S", "chain"),
    "chain.substitute_differential": ("logdet(S' S)", "S", "chain"),
    "chain.vector": ("sigmoid(S x)", "x", "chain"),
    "chain.linear_left": ("sum(exp(A X))", "X", "chain"),
    "chain.linear_right": ("sum(exp(X B))", "X", "chain"),
    "chain.linear_vector": ("u = S x\nM = u u'\nf = tr(M)", "x", "chain"),
    "chain.linear_outer": ("sum(exp(X a))", "X", "chain"),
    "chain.sandwich": ("sum(exp(A X B))", "X", "chain"),
    "chain.differential": ("logdet(S' S)", "S", "chain"),
    "chain.vec": ("exp(A X B)", "X", "chain"),
    "chain.differential_numerator": ("logdet(S' S)", "S", "chain"),
    "chain.linear_left_numerator": ("sum(exp(A X))", "X", "chain"),
    "chain.linear_right_numerator": ("sum(exp(X B))", "X", "chain"),
    "chain.linear_vector_numerator": ("u = S x\nM = u u'\nf = tr(M)", "x", "chain"),
    "chain.linear_outer_numerator": ("sum(exp(X a))", "X", "chain"),
    "chain.sandwich_numerator": ("sum(exp(A X B))", "X", "chain"),
    "read.numerator": ("logdet(S' S)", "S", "chain"),
    "def.function": ("x' S x", "x", "definition"),
    "def.index": ("x' S x", "x", "definition"),
    "def.select": ("x' S x", "x", "definition"),
    "def.partial": ("x' S x", "x", "definition"),
    "def.collect": ("x' x", "x", "definition"),
    "def.read": ("x' S x", "x", "definition"),
    "def.assemble": ("x' S x", "x", "definition"),
    # three factors on j, k, l with no δ (diag(diag(S)) reads diag(vec(I_n)) now)
    "def.entrywise": ("softmax(S S)", "S", "definition"),
    # the identities a simplify step cites (rules/simplifications.py)
    "simplify.frechet_transpose": ("tr(S' expm(S))", "S", "differential"),
    "simplify.absorb_sign": ("-1/2 (x - a)' inv(S) (x - a)", "a", "differential"),
    "simplify.diagonal_inverse": ("log(x)", "x", "definition"),
    "simplify.diagonal_names": ("tr(B' diag(x) B)", "x", "chain"),
    "simplify.number_out": ("norm(tanh(S x) - a)^2", "S", "definition"),
    "matfun.daleckii_krein": ("P: spd(n)\ntr(B B' logm(P))", "P", "differential"),
    "structure.symmetric_argument": ("tr(S logm(X' X + I))", "X", "differential"),
    "matfun.commuting_direction": ("tr(logm(S) logm(S))", "S", "differential"),
    # cited by the fact it used (simplify.fact.onehot:y), the row names the rewrite
    "simplify.declared_facts": ("y: onehot(k); W: matrix(k, n)\n-y' log(softmax(W x))", "W",
                                "differential"),
    "simplify.reciprocal": ("sum(log(x))", "x", "definition"),
    "simplify.scalar_transpose": ("a' inv(S + t I) x", "t", "chain"),
    # numerator layout: ((Zᵀ C Z)⁻²)ᵀ = (Zᵀ Cᵀ Z)⁻² (Z not square: the inverse stays whole)
    "simplify.transpose_inward": (
        "Z: matrix(j, k); C: matrix(j, j)\ntr(inv(Z' C Z))", "Z", "differential"
    ),
    "simplify.selection_matrices": ("S diag(x) B", "x", "vectorization"),
    "simplify.diagonal_of_outer": ("a' diag(x) S x", "x", "differential"),
    "simplify.diagonal_through_diagonal": ("a' diag(inv(S + diag(x)))", "x", "differential"),
    "simplify.khatri_rao_rows": ("(x' ∗ I) a", "a", "vectorization"),
    "simplify.hadamard_transpose": ("a' diag(S .* inv(S + diag(x)))", "x", "differential"),
    "simplify.difference_sign": ("(x - a)' S (x - a)", "x", "differential"),
    "simplify.distribute": ("sum(x .* log(x))", "x", "chain"),
    "simplify.entrywise": ("sum(x .* log(x))", "x", "differential"),
    "simplify.factor": ("x' S x", "x", "definition"),
    "simplify.gather_transpose": ("a' S' S' x", "S", "chain"),
    "simplify.inverse_of_product": ("tr(inv(S' S))", "S", "chain"),
    "simplify.linear_wrappers": ("exp(X) .* X", "X", "vectorization"),
    "simplify.norm_powers": ("norm(x' x)", "x", "differential"),
    "simplify.ones_first": (
        "y: vector(k); W: matrix(k, n)\ny' log(softmax(W x)) a",
        "W",
        "vectorization",
    ),
    "simplify.softmax": ("y: vector(k); W: matrix(k, n)\ny' log(softmax(W x))", "W", "definition"),
    "simplify.split_fraction": ("(x - a)/norm(x - a)", "x", "definition"),
    "simplify.spread_number": ("(S x - a)' (S x - a) + c x' x", "x", "differential"),
    "simplify.sum_trace_names": ("sum(X) X", "X", "definition"),
    "simplify.trace_of_scalar": ("x' inv(S + t I) x", "t", "chain"),
    "simplify.transpose_of_sum": ("tr(S a x' S)", "S", "differential"),
    "simplify.vec_backwards": ("sum(x .* log(x))", "x", "chain"),
    "simplify.inner_product": ("exp(c a)' sin(c x)", "c", "definition"),
    "simplify.norm_as_written": ("norm(x)^4", "x", "definition"),
    "simplify.trace_rotation": ("tr(X' Y) tr(X' X)", "X", "definition"),
    "simplify.traces_gathered": ("tr(c^3 S^3 + 2 c S)", "c", "definition"),
    "simplify.exp_as_softmax": ("softmax(x) .^ (3/2)", "x", "definition"),
    "simplify.hadamard_distributive": (
        "W: matrix(k, n); W2: matrix(p, k); y: onehot(p)\nh = sigmoid(W x)\n"
        "-y' log(softmax(W2 h))",
        "W",
        "definition",
    ),
    "simplify.hadamard_as_diagonal": ("exp(x / sum(exp(x)))", "x", "vectorization"),
    "simplify.diagonal_entrywise": ("logsumexp(sin(diag(x)) x)", "x", "differential"),
    "simplify.vec_hadamard": ("logsumexp(sin(diag(x)) x)", "x", "vectorization"),
    "simplify.scalar_transposed_to_factor": ("sin(c x)' S sin(c x)", "c", "definition"),
    "simplify.shared_scalar": ("x' S x / (x' x)", "x", "differential"),
    "simplify.trace_hadamard": ("tr(sin(c X)' sin(c X))", "c", "definition"),
    "simplify.khatri_rao_identity": ("diag(x) S diag(x)", "x", "vectorization"),
    "structure.sym": ("P: symmetric(n)\nx' P' a", "P", "differential"),
    "structure.entries": ("P: symmetric(n)\ntr(inv(P))", "P", "differential"),
    "structure.free": ("P: spd(n)\nx' P' a", "P", "differential"),
    "structure.diagonal": ("P: diagonal(n)\nlogdet(P)", "P", "vectorization"),
}
# the symmetric convention an example needs (md.derive's symmetric=), "sym" otherwise
CONVENTION = {"structure.entries": "entries", "structure.free": "free"}
EXAMPLES.update(
    {f"d.elementwise.{name}": (f"sum({name}(X))", "X", "differential") for name in ELEMENTWISE}
)


def test_every_rule_has_an_example():
    assert set(REGISTRY) <= set(EXAMPLES), sorted(set(REGISTRY) - set(EXAMPLES))


def test_every_rule_has_names_and_latex_in_both_languages():
    for rule in REGISTRY.values():
        assert rule.name_en and rule.name_zh and rule.latex, rule.key
        assert rule.explain_en and rule.explain_zh, rule.key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.name_zh), rule.key


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_rule_example(key):
    expr, wrt, method = EXAMPLES[key]
    order = 2 if key == "hessian" else 1
    # the chain method's numerator-layout narration shows only in numerator layout
    in_numerator = key in (
        "layout.transpose", "chain.numerator", "read.numerator", "simplify.transpose_inward"
    )
    layouts = ("numerator",) if in_numerator or key.endswith("_numerator") else ("mixed",)
    results = assert_derivative(
        D + expr,
        wrt,
        method=method,
        layouts=layouts,
        order=order,
        seeds=(0,),
        symmetric=CONVENTION.get(key, "sym"),
    )
    r = next(iter(results.values()))
    if key == "layout.transpose":
        r = r.with_layout("numerator")
    used = {rule.key for step in r.steps for rule in step.rules}
    if key == "simplify.declared_facts":
        used |= {key for k in used if k.startswith("simplify.fact.")}
    if key != "d.unvec":
        assert key in used, f"{key} not used by {expr} wrt {wrt}: {sorted(used)}"


def test_unvec_rule_through_the_tree():
    # unvec is not in the language; it appears when reshaping. Check its differential directly.
    from matdiff_magic import dims
    from matdiff_magic.derivation import Builder
    from matdiff_magic.methods.common import Context, push_differential
    from matdiff_magic.tree import build as B
    from matdiff_magic.tree import nodes as N

    m, n = dims.symbol("m"), dims.symbol("n")
    v = N.Var("v", m * n, dims.ONE)
    f = B.trace(B.matmul(B.transpose(B.unvec(v, m, n)), B.unvec(v, m, n)))
    ctx = Context(f, v, "f")
    b = Builder()
    linear = push_differential(ctx, b)
    assert any(r.key == "d.unvec" for s in b.steps for r in s.rules)
    rng = np.random.default_rng(0)
    env = Env({"v": rng.normal(size=(6, 1))}, {m: 2, n: 3})
    env.directions = {"v": rng.normal(size=(6, 1))}
    assert np.allclose(evaluate(linear, env), evaluate(N.D(f), env), atol=1e-6)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_entrywise_function_derivative_matches_numpy(name):
    row = ELEMENTWISE[name]
    x = np.linspace(0.3, 1.7, 7).reshape(7, 1)
    from matdiff_magic import dims
    from matdiff_magic.tree import nodes as N

    var = N.Var("x", dims.symbol("n"), dims.ONE)
    env = Env({"x": x}, {dims.symbol("n"): 7})
    h = 1e-6
    fd = (row.numpy(x + h) - row.numpy(x - h)) / (2 * h)
    assert np.allclose(evaluate(row.derivative(var), env), fd, atol=1e-7)
