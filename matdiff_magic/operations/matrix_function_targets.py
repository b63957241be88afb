"""Source text of the helpers that generated PyTorch and JAX code calls for the matrix
functions (the NumPy ones are in ``matrix_function_numeric.CODE``), and that all three targets
call for the spectral functions (the tie test they call is ``spectral``'s). One template per
helper, written once for every target: ``MOD`` is the target's module (``np``, ``torch`` or
``jnp``); the code avoids Python branches on array values so that ``jax.jit`` traces it.

What the targets have: ``torch.linalg.matrix_exp`` and ``jax.scipy.linalg.expm`` for e^X; eigh
and the SVD for the spectral functions. Neither has a logm or fractional power of a general
matrix that runs everywhere, so logm, sqrtm and X^p of a general X have no torch or JAX code:
the generator says so (``code.no_matfun_target``) rather than writing an approximation. Of a
symmetric X (a symmetric or spd variable, XᵀX + I, ...) they are Q diag(f(λ)) Qᵀ by eigh, and
their Fréchet derivatives the Daleckii–Krein form (``daleckii_krein_numeric``)."""

from __future__ import annotations

EXPM = {"torch": "torch.linalg.matrix_exp", "jax": "jax.scipy.linalg.expm"}
MODULE = {"numpy": "np", "torch": "torch", "jax": "jnp"}  # the array module, by target
CAT = {"torch": "torch.cat", "jax": "jnp.concatenate"}

_FRECHET_EXPM = (
    "def _frechet_expm_T(x, e):\n"
    "    # L_exp(X, E): the upper right block of e^[[X, E], [0, X]]\n"
    "    n = x.shape[0]\n"
    "    low = CAT([MOD.zeros_like(x), x], 1)\n"
    "    return EXPM(CAT([CAT([x, e], 1), low], 0))[:n, n:]\n"
)
_KRON_FORM = (
    "def _kron_form_T(frechet, x):\n"
    "    # the n²×n² matrix of E -> L_f(X, E): vec L_f(X, E) = K vec E (vec stacks columns)\n"
    "    n = x.shape[0]\n"
    "    eye = MOD.eye(n * n, dtype=x.dtype)\n"
    "    cols = [frechet(x, eye[:, k].reshape(n, n).T).T.reshape(-1) for k in range(n * n)]\n"
    "    return MOD.stack(cols, 1)\n"
)
_SPECTRAL = (
    "def _spectral_T(func, x):\n"
    "    if func in ('lambda_max', 'lambda_min'):\n"
    "        lam = MOD.linalg.eigvalsh((x + x.T) / 2)\n"
    "        return lam[-1] if func == 'lambda_max' else lam[0]\n"
    "    s = MOD.linalg.svd(x, full_matrices=False)[1]\n"
    "    return s[0] if func == 'sigma_max' else s.sum()\n"
)
_SPECTRAL_FACTOR = (
    "def _spectral_factor_T(kind, x):\n"
    "    # v of λ_max/λ_min (of (x + xᵀ)/2), u₁, v₁ of σ_max, U Vᵀ of the thin SVD; signs fixed\n"
    "    # by the largest entry of v (v vᵀ and u₁ v₁ᵀ do not depend on them); at a tie, where\n"
    "    # the factor is not determined, _spectral_tie raises (see there)\n"
    "    def signed(v):\n"
    "        return v * MOD.sign(v[MOD.argmax(MOD.abs(v))])\n"
    "    eps = MOD.finfo(x.dtype).eps  # the precision the tie test allows for\n"
    "    if kind in ('v_max', 'v_min'):\n"
    "        lam, vecs = MOD.linalg.eigh((x + x.T) / 2)\n"
    "        v = vecs[:, -1 if kind == 'v_max' else 0]\n"
    "        return TIE(kind, lam, eps, lambda: signed(v).reshape(-1, 1))\n"
    "    u, s, vt = MOD.linalg.svd(x, full_matrices=False)\n"
    "    if kind in ('polar', 'polar_t'):\n"
    "        polar = u @ vt\n"
    "        return TIE(kind, s, eps, lambda: polar if kind == 'polar' else polar.T)\n"
    "    v = signed(vt[0])\n"
    "    top = (lambda: x @ v / s[0]) if kind == 'u1' else (lambda: v)\n"
    "    return TIE(kind, s, eps, lambda: top().reshape(-1, 1))\n"
)


_TIE_RAISE = (
    "class NotDifferentiableError(ValueError):\n"
    '    """No derivative at this point (matdiff raises its NotDifferentiableError there)."""\n'
    "\n\n"
    "def _spectral_tie(kind, spectrum, eps, factor):\n"
    "    # factor() where the spectral factor `kind` is determined; at a tie (the same test\n"
    "    # and tolerance as matdiff's evaluate, in float64) the derivative does not exist\n"
    "    gap, scale = _spectral_gap(kind, spectrum)\n"
    "    if _is_tie(gap, scale, eps):\n"
    "        raise NotDifferentiableError(_TIE_MESSAGES[kind].format(gap=f'{float(gap):.2g}'))\n"
    "    return factor()\n"
)
_TIE_TRACED = (
    "def _spectral_tie_jax(kind, spectrum, eps, factor):\n"
    "    # raises as _spectral_tie where the values are concrete; under jax.jit they are traced\n"
    "    # and Python cannot raise on them: there the factor is NaN at a tie (every entry, so\n"
    "    # the derivative is NaN), decided by the same test\n"
    "    try:\n"
    "        return _spectral_tie(kind, spectrum, eps, factor)\n"
    "    except jax.errors.ConcretizationTypeError:\n"
    "        tie = _is_tie(*_spectral_gap(kind, spectrum), eps)\n"
    "        return jnp.where(tie, jnp.nan, factor())\n"
)


def tie_code(test: str, tie: float, messages: dict[str, str]) -> dict[str, str]:
    """The helpers that check for a tie: the test (``spectral``'s source, verbatim, with its
    tolerance ``tie`` and English ``messages``) and the check that raises (NumPy, torch, JAX
    outside jit) or gives NaN (JAX under jit, where Python cannot raise on traced values)."""
    table = "".join(f"    {k!r}: {v!r},\n" for k, v in messages.items())
    raising = f"TIE = {tie!r}\n_TIE_MESSAGES = {{\n{table}}}\n\n\n{test}\n\n{_TIE_RAISE}"
    return {"_spectral_tie": raising, "_spectral_tie_jax": _TIE_TRACED}


def _fill(template: str, target: str) -> str:
    text = template.replace("_T(", "(" if target == "numpy" else f"_{target}(")
    text = text.replace("EXPM", EXPM.get(target, "")).replace("CAT", CAT.get(target, ""))
    return text.replace("MOD", MODULE[target]).replace("TIE", name("_spectral_tie", target))


def name(helper: str, target: str) -> str:
    """The generated helper's name for ``target`` (``_spectral`` -> ``_spectral_torch``)."""
    return helper if target == "numpy" else f"{helper}_{target}"


CODE = {
    name(helper, target): _fill(template, target)
    for helper, template in (("_frechet_expm", _FRECHET_EXPM), ("_kron_form", _KRON_FORM))
    for target in ("torch", "jax")
}
# the spectral functions' helpers, in every target (NumPy's too): ``spectral`` registers them
SPECTRAL_CODE = {
    name(helper, target): _fill(template, target)
    for helper, template in (("_spectral", _SPECTRAL), ("_spectral_factor", _SPECTRAL_FACTOR))
    for target in MODULE
}
