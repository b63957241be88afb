"""Canonical keys: strings equal exactly when two expressions are equal by the easy identities.

The displayed tree keeps the user's grouping ((Xθ - y)^T stays as written); keys see through
transposes (pushed to the leaves), the order of sums and Hadamard products, scalar transposes
(x^T y = y^T x) and cyclic rotations under a trace. They decide which terms are "like terms".
"""

from __future__ import annotations

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def ckey(e: Expr) -> str:
    """The canonical key of ``e``."""
    return _key(e, False)


def ckey_transposed(e: Expr) -> str:
    """The canonical key of ``e^T``."""
    return _key(e, True)


def same(a: Expr, b: Expr) -> bool:
    return a is b or (a.shape == b.shape and ckey(a) == ckey(b))


# Keys are interned: a key names its children by their (short) interned keys, so a key is as
# long as one node, not as the whole tree (a definition used twice at every level of a chain
# of 30 makes a tree of 2^30 nodes but a DAG of 60).
_INTERNED: dict[str, str] = {}


def _intern(structural: str) -> str:
    found = _INTERNED.get(structural)
    if found is None:
        found = structural if len(structural) <= 12 else f"#{len(_INTERNED)}"
        _INTERNED[structural] = found
    return found


# SymPy's printer costs ~10 µs a call and keys name the same few numbers and sizes over and over
_STR: dict[tuple[type, object], str] = {}


def _s(x: object) -> str:
    """``str(x)`` for a number or size, remembered (by type too: 2 and 2.0 print differently)."""
    k = (type(x), x)
    found = _STR.get(k)
    if found is None:
        found = _STR[k] = str(x)
    return found


def _key(e: Expr, t: bool) -> str:
    cache = e._ckey
    if cache is None:
        cache = [None, None]
        object.__setattr__(e, "_ckey", cache)
    found = cache[t]
    if found is None:
        if e.is_scalar:
            found = min(_intern(_structural(e, False)), _intern(_structural(e, True)))
            cache[0] = cache[1] = found
        else:
            found = _intern(_structural(e, t))
            cache[t] = found
    return found


def _sym(e: Expr) -> str:
    """Key of an expression whose value equals that of its transpose (under the function)."""
    return min(_key(e, False), _key(e, True))


def _dims(a: object, b: object, t: bool) -> str:
    return f"[{b},{a}]" if t else f"[{a},{b}]"


def _structural(e: Expr, t: bool) -> str:
    tag = "'" if t else ""
    if isinstance(e, N.Var):
        return f"v:{e.name}" if (e.symmetric or not t) else f"v:{e.name}'"
    if isinstance(e, N.Const):
        return "c:" + _s(e.value)
    if isinstance(e, N.Identity):
        return f"I[{_s(e.n)}]"
    if isinstance(e, N.Zero):
        return "0" + _dims(_s(e.shape[0]), _s(e.shape[1]), t)
    if isinstance(e, N.Ones):
        return "1" + _dims(_s(e.shape[0]), _s(e.shape[1]), t)
    if isinstance(e, N.Commutation):
        n, m = _s(e.n), _s(e.m)
        return f"K[{n},{m}]" if t else f"K[{m},{n}]"
    if isinstance(e, N.Differential):
        return f"d:{e.var.name}{tag}"
    if isinstance(e, N.Named):
        return f"n:{e.name}{tag}"
    if isinstance(e, N.Opaque):
        return f"o:{e.key}{tag}"
    if isinstance(e, N.Transpose):
        return _key(e.arg, not t)
    if isinstance(e, N.Add):
        return "+(" + ",".join(sorted(_key(x, t) for x in e.terms)) + ")"
    if isinstance(e, N.Mul):
        scal = ",".join(sorted(_key(s, False) for s in e.scalars))
        body = "" if e.body is None else _key(e.body, t)
        return f"*({_s(e.coeff)};{scal};{body})"
    if isinstance(e, N.MatMul):
        if t:
            return "@(" + ",".join(_key(f, True) for f in reversed(e.factors)) + ")"
        return "@(" + ",".join(_key(f, False) for f in e.factors) + ")"
    if isinstance(e, N.Inverse):
        return f"inv({_key(e.arg, t)})"
    if isinstance(e, N.MatPow):
        return f"pow({_key(e.arg, t)},{_s(e.k)})"
    if isinstance(e, N.Power):
        return f"^({_key(e.base, False)},{_key(e.exponent, False)})"
    if isinstance(e, N.Trace):
        return "tr(" + _trace_key(e.arg) + ")"
    if isinstance(e, N.Det | N.LogDet | N.Norm | N.Sum):
        return f"{type(e).__name__}({_sym(e.arg)})"
    if isinstance(e, N.Vec):
        return f"vec({_key(e.arg, False)}){tag}"
    if isinstance(e, N.Unvec):
        return f"unvec({_key(e.arg, False)},{_s(e.m)},{_s(e.n)}){tag}"
    if isinstance(e, N.DiagMat):
        return f"diagm({_key(e.arg, False)})"
    if isinstance(e, N.DiagVec):
        return f"diagv({_sym(e.arg)}){tag}"
    if isinstance(e, N.Kron):
        return f"kron({_key(e.left, t)},{_key(e.right, t)})"
    if isinstance(e, N.KhatriRao):
        return f"kr({_key(e.left, False)},{_key(e.right, False)}){tag}"
    if isinstance(e, N.Softmax):
        return f"softmax({_key(e.arg, False)}){tag}"
    if isinstance(e, N.LogSumExp):
        return f"lse({_key(e.arg, False)})"
    if isinstance(e, N.Elementwise):
        return f"{e.func}({_key(e.arg, t)})"
    if isinstance(e, N.Hadamard):
        return "had(" + ",".join(sorted(_key(f, t) for f in e.factors)) + ")"
    if isinstance(e, N.HadamardDiv):
        return f"hdiv({_key(e.num, t)},{_key(e.den, t)})"
    if isinstance(e, N.HadamardPow):
        return f"hpow({_key(e.base, t)},{_s(e.exponent)})"
    if isinstance(e, N.D):
        return f"D({_key(e.arg, t)})"
    # Extension point: other node classes provide a key string of their own.
    own = e._canonical_key()  # type: ignore[attr-defined]
    return f"t({own})" if t else own


def _trace_key(arg: Expr) -> str:
    """tr is invariant under cyclic rotation and under transposition of its argument."""
    if not isinstance(arg, N.MatMul):
        return _sym(arg)
    plain = [_key(f, False) for f in arg.factors]
    flipped = [_key(f, True) for f in reversed(arg.factors)]
    best = None
    for seq in (plain, flipped):
        for i in range(len(seq)):
            candidate = ",".join(seq[i:] + seq[:i])
            if best is None or candidate < best:
                best = candidate
    return "@(" + str(best) + ")"
