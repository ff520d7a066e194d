"""Speed of conv_transpose2d against PyTorch, and of direct against FFT correlation.

Run with ``python benchmarks/bench_transposed.py``. Single-threaded. Each line
times its contenders interleaved (a sample of one, then of the other, repeated),
so a busy machine slows both alike; the ratios use the best sample of each.

1. conv_transpose2d on a decoder-like step (float32): batch 8 of 32x16x16 to 16
   channels, 3x3, stride 2, padding 1, output_padding 1 (16x16 -> 32x32), against
   ``F.conv_transpose2d`` and the stamping loops. Check: within 2x of PyTorch.
2. correlate2d with method="direct" and method="fft" on a 256x256 float64 image,
   padding "same", as the kernel grows; prints the crossover: the smallest kernel
   from which FFT is faster at every larger size measured.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported, or BLAS has started its threads

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cnnviz  # noqa: E402
import timing  # noqa: E402  (benchmarks/timing.py)

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402

    torch.set_num_threads(1)
except ImportError:  # the FFT part and the loops still run
    torch = None

DECODER = dict(x=(8, 32, 16, 16), weight=(32, 16, 3, 3),
               options=dict(stride=2, padding=1, output_padding=1))
IMAGE = (256, 256)
#: up to 45: a 63x63 direct correlation of a 256x256 image needs 1.9 GiB for its columns, and
#: correlate2d refuses it (cnnviz._validate.MEMORY_LIMIT)
KERNELS = (3, 5, 7, 9, 11, 15, 21, 31, 45)


def interleaved(fns, *, repeat=9, min_time=0.05):
    """(best, median) seconds per call of each function, sampled in turn."""
    return timing.interleaved(fns, repeat=repeat, min_time=min_time)


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} us"


def cell(timing):
    return f"{fmt(timing[0])} ({fmt(timing[1])})"


def bench_transposed(rng, checks):
    x = rng.standard_normal(DECODER["x"]).astype(np.float32)
    w = rng.standard_normal(DECODER["weight"]).astype(np.float32)
    b = rng.standard_normal(w.shape[1]).astype(np.float32)
    options = DECODER["options"]
    ours = lambda: cnnviz.conv_transpose2d(x, w, b, **options)  # noqa: E731
    start = time.perf_counter()
    naive_out = cnnviz.conv_transpose2d_naive(x, w, b, **options)
    naive = time.perf_counter() - start
    np.testing.assert_allclose(ours(), naive_out, rtol=1e-4, atol=1e-4)

    print("| conv_transpose2d, batch 8 of 32x16x16 -> 16, 3x3, s2, p1, op1 (float32) "
          "| cnnviz | loops (one run) | torch | cnnviz / torch |")
    print("|---|---|---|---|---|")
    if torch is None:
        (fast,) = interleaved([ours])
        print(f"| forward | {cell(fast)} | {fmt(naive)} | - | - |")
        print("\ntorch not installed: the check against PyTorch is skipped")
        return
    xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))

    def theirs():
        with torch.no_grad():
            return F.conv_transpose2d(xt, wt, bt, **options)

    np.testing.assert_allclose(ours(), theirs().numpy(), rtol=1e-4, atol=1e-4)
    fast, ref = interleaved([ours, theirs], repeat=21, min_time=0.02)
    ratio = fast[0] / ref[0]
    print(f"| forward | {cell(fast)} | {fmt(naive)} | {cell(ref)} | {ratio:.2f}x |")
    checks.append((f"conv_transpose2d within 2x of torch on the decoder case ({ratio:.2f}x)",
                   ratio <= 2.0))


def bench_fft(rng):
    image = rng.standard_normal(IMAGE)
    print(f"\n| kernel, {IMAGE[0]}x{IMAGE[1]} image, padding 'same' (float64) "
          "| direct | fft | direct / fft |")
    print("|---|---|---|---|")
    speedups = {}
    for k in KERNELS:
        kernel = rng.standard_normal((k, k))
        direct = lambda: cnnviz.correlate2d(image, kernel, padding="same")  # noqa: E731
        fft = lambda: cnnviz.correlate2d(image, kernel, padding="same", method="fft")  # noqa: E731
        np.testing.assert_allclose(fft(), direct(), rtol=1e-9, atol=1e-9)
        t_direct, t_fft = interleaved([direct, fft], repeat=5)
        speedups[k] = t_direct[0] / t_fft[0]
        print(f"| {k}x{k} | {cell(t_direct)} | {cell(t_fft)} | {speedups[k]:.2f}x |")
    crossover = next((k for k in KERNELS if all(speedups[j] > 1 for j in KERNELS if j >= k)),
                     None)
    if crossover is None:
        print(f"\ncrossover: direct was faster up to {KERNELS[-1]}x{KERNELS[-1]}")
    else:
        smaller = [k for k in KERNELS if k < crossover]
        print(f"\ncrossover on this machine: FFT is faster from {crossover}x{crossover} on"
              + (f" (direct faster at {smaller[-1]}x{smaller[-1]})" if smaller else ""))


def main():
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}; "
          "1 thread; times are best (median) of interleaved samples\n")
    checks = []
    bench_transposed(rng, checks)
    bench_fft(rng)
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
