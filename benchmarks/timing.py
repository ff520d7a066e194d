"""Timing shared by the benchmarks: calls of several functions sampled in turn.

Interleaving the samples of cnnviz and of its reference means that load from other
work on the machine slows both alike, so their ratio stays meaningful even when the
absolute times do not.
"""

from __future__ import annotations

import statistics
import time


def interleaved(fns, *, repeat, min_time):
    """(best, median) seconds per call of each function, their samples interleaved.

    Each function is first called twice (a warm-up, then a timing that decides how
    many calls make one sample of at least ``min_time`` seconds); then ``repeat``
    rounds take one sample of every function in turn.
    """
    loops = []
    for fn in fns:
        fn()  # warm up
        start = time.perf_counter()
        fn()
        loops.append(max(1, int(min_time / max(time.perf_counter() - start, 1e-9))))
    samples = [[] for _ in fns]
    for _ in range(repeat):
        for fn, n, out in zip(fns, loops, samples):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - start) / n)
    return [(min(s), statistics.median(s)) for s in samples]
