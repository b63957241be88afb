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
