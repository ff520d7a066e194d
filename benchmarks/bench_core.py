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
from timing import interleaved  # noqa: E402  (benchmarks/timing.py)

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
TRAIN_POOL_INPUT = (64, 8, 28, 28)  # the shapes CNN's first pooling layer, batch 64


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


def alternate(fn, ref, *, repeat=15, min_time=0.02):
    """(best, median) seconds per call of ``fn`` and of ``ref``, their samples interleaved."""
    return interleaved((fn, ref), repeat=repeat, min_time=min_time)


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


def pooling_backward_rows(rng):
    """(name, cnnviz timing, torch timing or None) for max pooling with indices and the
    pooling backward passes, on the input of the shapes CNN's first pooling layer
    (batch 64 of 8x28x28): 2x2 windows, stride 2, as there, and overlapping 3x3
    windows, stride 2. Every result is checked against PyTorch's first."""
    x = rng.standard_normal(TRAIN_POOL_INPUT).astype(np.float32)
    g2 = rng.standard_normal(cnnviz.max_pool2d(x, 2).shape).astype(np.float32)
    g3 = rng.standard_normal(cnnviz.max_pool2d(x, 3, stride=2).shape).astype(np.float32)
    layers = {2: cnnviz.MaxPool2d(2), 3: cnnviz.MaxPool2d(3, stride=2)}
    for layer in layers.values():
        layer.forward(x)
    # name: (cnnviz, what PyTorch does for it: "forward", "backward" or "forward + backward")
    ours = {
        "P1) max pool 2x2 with indices": (lambda: cnnviz.max_pool2d(x, 2, return_indices=True),
                                          "forward", 2),
        "P2) max pool 3x3 s2 with indices": (
            lambda: cnnviz.max_pool2d(x, 3, stride=2, return_indices=True), "forward", 3),
        "P3) MaxPool2d(2).backward (winners saved by its forward)": (
            lambda: layers[2].backward(g2), "backward", 2),
        "P4) MaxPool2d(3, stride=2).backward (winners saved by its forward)": (
            lambda: layers[3].backward(g3), "backward", 3),
        "P5) max_pool2d_backward 2x2 (from x: finds the winners)": (
            lambda: cnnviz.max_pool2d_backward(x, g2, 2), "forward + backward", 2),
        "P6) max_pool2d_backward 3x3 s2 (from x: finds the winners)": (
            lambda: cnnviz.max_pool2d_backward(x, g3, 3, stride=2), "forward + backward", 3),
        "P7) max_pool2d_backward 2x2 (from x), against torch's backward alone": (
            lambda: cnnviz.max_pool2d_backward(x, g2, 2), "backward", 2),
        "P8) max_pool2d_backward 3x3 s2 (from x), against torch's backward alone": (
            lambda: cnnviz.max_pool2d_backward(x, g3, 3, stride=2), "backward", 3),
        "P9) avg_pool2d_backward 2x2": (lambda: cnnviz.avg_pool2d_backward(x, g2, 2),
                                        "avg backward", 2),
        "P10) avg_pool2d_backward 3x3 s2": (
            lambda: cnnviz.avg_pool2d_backward(x, g3, 3, stride=2), "avg backward", 3),
    }
    if torch is None:
        return [(name, timeit(fn), None) for name, (fn, _, _) in ours.items()]
    xt = torch.from_numpy(x)
    grads = {2: torch.from_numpy(g2), 3: torch.from_numpy(g3)}
    settings = {2: dict(kernel_size=2), 3: dict(kernel_size=3, stride=2)}
    leaf = xt.clone().requires_grad_(True)
    graphs = {(kind, k): pool(leaf, **settings[k])
              for kind, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)) for k in (2, 3)}

    def reference(what, k):
        if what == "forward":
            return lambda: F.max_pool2d(xt, return_indices=True, **settings[k])
        if what == "forward + backward":
            def forward_backward():
                fresh = xt.detach().requires_grad_(True)
                F.max_pool2d(fresh, **settings[k]).backward(grads[k])
                return fresh.grad
            return forward_backward
        graph = graphs["avg" if what == "avg backward" else "max", k]
        # autograd's backward alone, reusing the forward's graph (and its saved indices)
        return lambda: torch.autograd.grad(graph, leaf, grads[k], retain_graph=True)[0]

    rows = []
    for name, (fn, what, k) in ours.items():
        ref = reference(what, k)
        got, expected = fn(), ref()
        for a, b in zip(got if isinstance(got, tuple) else (got,),
                        expected if isinstance(expected, tuple) else (expected,)):
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-5)
        fast, slow = alternate(fn, ref)
        rows.append((f"{name}; torch: {what.replace('avg ', '')}", fast, slow))
    return rows


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
        def run(x=x, w=w, b=b, stride=stride, padding=padding):
            return cnnviz.conv2d(x, w, b, stride=stride, padding=padding)

        if torch is not None:
            xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))

            def ref_run(xt=xt, wt=wt, bt=bt, stride=stride, padding=padding):
                with torch.no_grad():
                    return F.conv2d(xt, wt, bt, stride=stride, padding=padding)

            fast, ref = alternate(run, ref_run)
        else:
            fast = timeit(run)

        naive_best, naive_median, note = naive_timing(x, w, b, stride, padding)
        naive = (naive_best, naive_median)
        naive_cell = f"{fmt_time(naive_best)} ({fmt_time(naive_median)})"
        if note:
            naive_cell += " *"
            notes.append(f"{name[:2]} {note}")
        naive_speedups[name] = naive[0] / fast[0]

        torch_cell, ratio_cell = "-", "-"
        if torch is not None:
            expected = ref_run().numpy()
            got = run()
            np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-3)
            conv_ratios[name] = fast[0] / ref[0]
            torch_cell = f"{fmt_time(ref[0])} ({fmt_time(ref[1])})"
            ratio_cell = f"{conv_ratios[name]:.2f}x"
        print(f"| {name} | {fmt_time(fast[0])} ({fmt_time(fast[1])}) | {naive_cell} | "
              f"{torch_cell} | {naive_speedups[name]:.0f}x | {ratio_cell} |")

    pool_ratios = {}
    x = rng.standard_normal(POOL_INPUT).astype(np.float32)
    for name, (k, s) in POOL_CASES.items():
        def run(k=k, s=s):
            return cnnviz.max_pool2d(x, k, stride=s)

        torch_cell, ratio_cell = "-", "-"
        if torch is not None:
            xt = torch.from_numpy(x)

            def ref_run(k=k, s=s):
                with torch.no_grad():
                    return F.max_pool2d(xt, k, stride=s)

            fast, ref = alternate(run, ref_run)
            np.testing.assert_array_equal(run(), ref_run().numpy())
            pool_ratios[name] = fast[0] / ref[0]
            torch_cell = f"{fmt_time(ref[0])} ({fmt_time(ref[1])})"
            ratio_cell = f"{pool_ratios[name]:.2f}x"
        else:
            fast = timeit(run)
        print(f"| {name}, batch 8 of 16x64x64 | {fmt_time(fast[0])} ({fmt_time(fast[1])}) | - | "
              f"{torch_cell} | - | {ratio_cell} |")

    backward_ratios = {}
    for name, fast, ref in pooling_backward_rows(rng):
        torch_cell, ratio_cell = "-", "-"
        if ref is not None:
            backward_ratios[name] = fast[0] / ref[0]
            torch_cell = f"{fmt_time(ref[0])} ({fmt_time(ref[1])})"
            ratio_cell = f"{backward_ratios[name]:.2f}x"
        print(f"| {name} | {fmt_time(fast[0])} ({fmt_time(fast[1])}) | - | {torch_cell} | - | "
              f"{ratio_cell} |")
    print("\nP1-P10: batch 64 of 8x28x28, the input of the shapes CNN's first pooling layer.")

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
        for name, ratio in {**pool_ratios, **backward_ratios}.items():
            checks.append((f"{name.split(';')[0]} no slower than torch ({ratio:.2f}x)",
                           ratio <= 1.0))
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
