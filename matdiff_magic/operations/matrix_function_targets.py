"""Source text of the helpers that generated PyTorch and JAX code calls for the matrix and
spectral functions (the NumPy ones are in ``matrix_function_numeric.CODE`` and
``spectral``). One template per helper, written once for both targets: ``MOD`` is the target's
module (``torch`` or ``jnp``); the code avoids Python branches on array values so that
``jax.jit`` traces it.

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
    "    # as the NumPy helper: signs fixed by the largest entry of v (v vᵀ does not need it)\n"
    "    def signed(v):\n"
    "        return v * MOD.sign(v[MOD.argmax(MOD.abs(v))])\n"
    "    if kind in ('v_max', 'v_min'):\n"
    "        vecs = MOD.linalg.eigh((x + x.T) / 2)[1]\n"
    "        return signed(vecs[:, -1 if kind == 'v_max' else 0]).reshape(-1, 1)\n"
    "    u, s, vt = MOD.linalg.svd(x, full_matrices=False)\n"
    "    if kind in ('polar', 'polar_t'):\n"
    "        return u @ vt if kind == 'polar' else (u @ vt).T\n"
    "    v = signed(vt[0])\n"
    "    return (x @ v / s[0] if kind == 'u1' else v).reshape(-1, 1)\n"
)


def _fill(template: str, target: str) -> str:
    text = template.replace("_T(", f"_{target}(").replace("EXPM", EXPM[target])
    return text.replace("CAT", CAT[target]).replace("MOD", MODULE[target])


def name(helper: str, target: str) -> str:
    """The generated helper's name for ``target`` (``_spectral`` -> ``_spectral_torch``)."""
    return helper if target == "numpy" else f"{helper}_{target}"


CODE = {
    name(helper, target): _fill(template, target)
    for helper, template in (
        ("_frechet_expm", _FRECHET_EXPM),
        ("_kron_form", _KRON_FORM),
        ("_spectral", _SPECTRAL),
        ("_spectral_factor", _SPECTRAL_FACTOR),
    )
    for target in ("torch", "jax")
}
