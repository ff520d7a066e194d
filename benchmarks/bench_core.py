"""Speed of cnnviz's core operations against the naive loops and PyTorch.

Run with ``python benchmarks/bench_core.py``. Everything is single-threaded and
float32 so that the comparison is about the algorithm, not the thread pool.
Each timing is the best (and the median) of repeated runs with
``time.perf_counter``; the ratios use the best time.

Checks printed as PASS/FAIL:

* conv2d within 2x of PyTorch (geometric mean over cases B-E), no case over 3x;
* max pooling no slower than PyTorch;
* conv2d at least 100x faster than conv2d_naive on case B.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported, or BLAS has started its threads

import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cnnviz  # noqa: E402

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402

    torch.set_num_threads(1)
except ImportError:  # the benchmark still compares cnnviz with its naive loops
    torch = None

NAIVE_BUDGET = 3.0  # seconds: the naive loops run in full only where one run fits in this;
NAIVE_SUBSET = 1.5  # otherwise on a subset this long (batch items or filters), scaled up

CONV_CASES = {
    # name: (x shape, weight shape, stride, padding)
    "B) batch 64 of 1x28x28, 8 filters 5x5": ((64, 1, 28, 28), (8, 1, 5, 5), 1, 0),
    "C) 3x128x128, 16 filters 3x3, pad 1": ((3, 128, 128), (16, 3, 3, 3), 1, 1),
    "D) batch 8 of 16x64x64, 32 filters 3x3, s2, pad 1": ((8, 16, 64, 64), (32, 16, 3, 3), 2, 1),
    "E) 3x224x224, 64 filters 11x11, s4, pad 2": ((3, 224, 224), (64, 3, 11, 11), 4, 2),
}
POOL_INPUT = (8, 16, 64, 64)
POOL_CASES = {"max pool 2x2 s2": (2, 2), "max pool 3x3 s2": (3, 2)}


def timeit(fn, *, repeat=7, min_time=0.05):
    """(best, median) seconds per call; each sample loops until it lasts ``min_time``."""
    fn()  # warm up (allocations, lazy initialisation)
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    loops = max(1, int(min_time / max(once, 1e-9)))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - start) / loops)
    return min(samples), statistics.median(samples)


def time_naive(fn, budget=NAIVE_BUDGET):
    """Time the naive loops once, and again (up to 3 runs) while within the budget."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    samples = [first]
    while len(samples) < 3 and sum(samples) + first < budget:
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)


def naive_timing(x, w, b, stride, padding):
    """(best, median, note) for conv2d_naive: in full if it fits the budget, else on a subset.

    The naive loops cost the same per output map, so a subset of the batch items
    (or of the filters, for a single image) is timed and scaled up linearly.
    """
    def run(xs, ws, bs):
        return lambda: cnnviz.conv2d_naive(xs, ws, bs, stride=stride, padding=padding)

    batched = x.ndim == 4
    maps = (x.shape[0] if batched else 1) * w.shape[0]
    start = time.perf_counter()  # one output map: the unit of work
    run(x[:1] if batched else x, w[:1], b[:1])()
    estimate = (time.perf_counter() - start) * maps
    if estimate <= NAIVE_BUDGET:
        best, median = time_naive(run(x, w, b))
        return best, median, None
    total = x.shape[0] if batched else w.shape[0]
    part = max(1, min(total - 1, int(total * NAIVE_SUBSET / estimate)))
    if batched:
        best, median = time_naive(run(x[:part], w, b))
        what = f"{part} of {total} batch items"
    else:
        best, median = time_naive(run(x, w[:part], b[:part]))
        what = f"{part} of {total} filters"
    scale = total / part
    note = (f"naive timed on {what}, scaled by {scale:.3g} "
            f"(a full run would take ~{best * scale:.0f} s)")
    return best * scale, median * scale, note


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main():
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}; "
          "1 thread; float32; times are best (median) of repeated runs\n")
    print("| case | cnnviz | naive | torch | naive / cnnviz | cnnviz / torch |")
    print("|---|---|---|---|---|---|")
    conv_ratios, naive_speedups, notes = {}, {}, []
    for name, (x_shape, w_shape, stride, padding) in CONV_CASES.items():
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        b = rng.standard_normal(w_shape[0]).astype(np.float32)
        fast = timeit(lambda: cnnviz.conv2d(x, w, b, stride=stride, padding=padding))

        naive_best, naive_median, note = naive_timing(x, w, b, stride, padding)
        naive = (naive_best, naive_median)
        naive_cell = f"{fmt_time(naive_best)} ({fmt_time(naive_median)})"
        if note:
            naive_cell += " *"
            notes.append(f"{name[:2]} {note}")
        naive_speedups[name] = naive[0] / fast[0]

        torch_cell, ratio_cell = "-", "-"
        if torch is not None:
            xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
            with torch.no_grad():
                ref = timeit(lambda: F.conv2d(xt, wt, bt, stride=stride, padding=padding))
                expected = F.conv2d(xt, wt, bt, stride=stride, padding=padding).numpy()
            got = cnnviz.conv2d(x, w, b, stride=stride, padding=padding)
            np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-3)
            conv_ratios[name] = fast[0] / ref[0]
            torch_cell = f"{fmt_time(ref[0])} ({fmt_time(ref[1])})"
            ratio_cell = f"{conv_ratios[name]:.2f}x"
        print(f"| {name} | {fmt_time(fast[0])} ({fmt_time(fast[1])}) | {naive_cell} | "
              f"{torch_cell} | {naive_speedups[name]:.0f}x | {ratio_cell} |")

    pool_ratios = {}
    x = rng.standard_normal(POOL_INPUT).astype(np.float32)
    for name, (k, s) in POOL_CASES.items():
        fast = timeit(lambda: cnnviz.max_pool2d(x, k, stride=s))
        torch_cell, ratio_cell = "-", "-"
        if torch is not None:
            xt = torch.from_numpy(x)
            with torch.no_grad():
                ref = timeit(lambda: F.max_pool2d(xt, k, stride=s))
            np.testing.assert_array_equal(cnnviz.max_pool2d(x, k, stride=s),
                                          F.max_pool2d(xt, k, stride=s).numpy())
            pool_ratios[name] = fast[0] / ref[0]
            torch_cell = f"{fmt_time(ref[0])} ({fmt_time(ref[1])})"
            ratio_cell = f"{pool_ratios[name]:.2f}x"
        print(f"| {name}, batch 8 of 16x64x64 | {fmt_time(fast[0])} ({fmt_time(fast[1])}) | - | "
              f"{torch_cell} | - | {ratio_cell} |")

    print()
    for note in notes:
        print(f"* {note}")
    checks = []
    case_b = next(iter(CONV_CASES))
    if conv_ratios:
        geo = math.exp(sum(math.log(r) for r in conv_ratios.values()) / len(conv_ratios))
        worst = max(conv_ratios.values())
        print(f"geometric mean of cnnviz / torch over conv cases B-E: {geo:.2f}x "
              f"(worst {worst:.2f}x)")
        checks.append((f"conv2d within 2x of torch, geometric mean over B-E ({geo:.2f}x)",
                       geo <= 2.0))
        checks.append((f"no conv case over 3x torch (worst {worst:.2f}x)", worst <= 3.0))
        for name, ratio in pool_ratios.items():
            checks.append((f"{name} no slower than torch ({ratio:.2f}x)", ratio <= 1.0))
    else:
        print("torch not installed: the checks against PyTorch are skipped")
    print(f"speed-up of conv2d over conv2d_naive on case B: {naive_speedups[case_b]:.0f}x")
    checks.append((f"conv2d >= 100x faster than conv2d_naive on case B "
                   f"({naive_speedups[case_b]:.0f}x)", naive_speedups[case_b] >= 100))
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
