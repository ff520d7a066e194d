"""Measuring a function's memory against the estimate it gives cnnviz._validate.check_memory."""

import tracemalloc

from cnnviz import _validate


def peak_and_estimate(run, monkeypatch, *modules):
    """Run ``run()`` under tracemalloc with each of ``modules`` (cnnviz module names) asking
    a recording check_memory; returns the traced peak and the largest estimate asked for."""
    asked = []
    check = _validate.check_memory

    def record(n_elements, itemsize, what, *, limit=None):
        asked.append(int(n_elements) * int(itemsize))
        return check(n_elements, itemsize, what, limit=limit)

    for module in modules:
        monkeypatch.setattr(f"cnnviz.{module}.check_memory", record)
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, max(asked)
