"""egglog bridge for benchmarks/bench_egglog.py (issue 12): not part of matdiff."""
