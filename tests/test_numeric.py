"""The NumPy evaluator against direct NumPy, node by node."""

from __future__ import annotations

import numpy as np
import pytest

from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import bind, commutation_matrix, evaluate

rng = np.random.default_rng(7)
A = rng.normal(size=(3, 4))
B = rng.normal(size=(3, 4))
S = np.eye(3) + 0.2 * rng.normal(size=(3, 3))
x = rng.normal(size=(4, 1))
z = rng.normal(size=(3, 1))
VALUES = {"A": A, "B": B, "S": S, "x": x, "z": z, "c": np.array([[0.7]])}
DECL = "A: matrix(m, n); B: matrix(m, n); S: matrix(m, m); x: vector(n); z: vector(m); c: scalar\n"


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


CASES = {
    "A x + c z": A @ x + 0.7 * z,
    "A' S' z": A.T @ S.T @ z,
    "A .* B": A * B,
    "A ./ (1 + B .^ 2)": A / (1 + B**2),
    "inv(S)": np.linalg.inv(S),
    "S^3": S @ S @ S,
    "S^-2": np.linalg.inv(S @ S),
    "tr(S)": np.trace(S),
    "det(S)": np.linalg.det(S),
    "logdet(S)": np.log(abs(np.linalg.det(S))),
    "norm(A)": np.linalg.norm(A),
    "norm(x)": np.linalg.norm(x),
    "sum(A)": A.sum(),
    "vec(A)": A.reshape(-1, 1, order="F"),
    "diag(z)": np.diag(z.ravel()),
    "diag(S)": np.diag(S).reshape(-1, 1),
    "kron(A, S)": np.kron(A, S),
    "softmax(z)": softmax(z),
    "logsumexp(z)": np.log(np.exp(z).sum()),
    "exp(A) + sin(B) - cos(A)": np.exp(A) + np.sin(B) - np.cos(A),
    "tanh(A) + sigmoid(B)": np.tanh(A) + 1 / (1 + np.exp(-B)),
    "sqrt(exp(A)) + log(exp(B))": np.sqrt(np.exp(A)) + B,
    "(x' x)^(1/2)": np.sqrt(x.T @ x),
    "c^2 / c": np.array([[0.7]]),
    "(z' S z) z": (z.T @ S @ z) * z,
    "1 - z": 1 - z,
}


@pytest.mark.parametrize("source", sorted(CASES))
def test_evaluation_matches_numpy(source):
    p = parse_problem(DECL + source)
    env = bind(p.variables, VALUES)
    got = evaluate(p.expr, env)
    want = np.atleast_2d(np.asarray(CASES[source], dtype=float))
    assert got.shape == want.shape
    assert np.allclose(got, want)


def test_commutation_matrix():
    a = rng.normal(size=(2, 3))
    k = commutation_matrix(2, 3)
    assert np.allclose(k @ a.reshape(-1, order="F"), a.T.reshape(-1, order="F"))
