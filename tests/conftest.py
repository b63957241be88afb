import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# Every derivation the suite makes is verified (md.derive verifies by default, and the helpers
# call r.verify()); these counters say how many steps that covered, printed at the end.
_COUNTS = {"derivations": 0, "steps": 0, "checked": 0, "holding": 0}


@pytest.fixture(autouse=True, scope="session")
def _count_verified_steps():
    from matdiff_magic import verify as V

    original = V.verify

    def counting(*args, **kwargs):
        v = original(*args, **kwargs)
        _COUNTS["derivations"] += 1
        _COUNTS["steps"] += len(v.steps)
        _COUNTS["checked"] += v.checked
        _COUNTS["holding"] += sum(1 for s in v.steps if s.checked and s.ok)
        return v

    V.verify = counting
    yield
    V.verify = original


def pytest_terminal_summary(terminalreporter):
    c = _COUNTS
    if c["derivations"]:
        terminalreporter.write_line(
            f"verified: {c['derivations']} derivations, {c['steps']} steps, "
            f"{c['checked']} checked ({100 * c['checked'] / max(c['steps'], 1):.1f}%), "
            f"{c['holding']} holding"
        )


# MATDIFF_ROUND_TRIP=1: every first derivative the suite derives through md.derive is also
# given back to check_answer as its own printed text (issue "check my answer": the round trip
# on every derivation of the test suite); the failures are listed at the end. Off by default
# (it doubles the cost of each derivation); tests/test_round_trip.py holds the fixed corpus.
_ROUND_TRIP: dict[str, list] = {"checked": [], "failed": []}


@pytest.fixture(autouse=True, scope="session")
def _round_trip_every_result():
    import os

    if not os.environ.get("MATDIFF_ROUND_TRIP"):
        yield
        return
    import matdiff_magic as md
    from matdiff_magic.answers import check_against

    original = md.derive

    def checking(*args, **kwargs):
        r = original(*args, **kwargs)
        if getattr(r, "order", None) == 1 and kwargs.get("symmetric", "sym") == "sym":
            try:
                verdict = check_against(r, r.text).verdict
            except Exception as err:  # reported at the end; the test that derived r goes on
                verdict = f"error: {type(err).__name__}: {err}"
            _ROUND_TRIP["checked"].append(r.text)
            if verdict != "correct":
                _ROUND_TRIP["failed"].append((args[:2], r.method, r.layout, r.text, verdict))
        return r

    md.derive = checking
    yield
    md.derive = original


def pytest_sessionfinish(session):
    if _ROUND_TRIP["checked"]:
        failed = _ROUND_TRIP["failed"]
        lines = [f"round trip: {len(_ROUND_TRIP['checked'])} results, {len(failed)} not read back"]
        lines += [f"  {f}" for f in failed[:50]]
        print("\n" + "\n".join(lines))
