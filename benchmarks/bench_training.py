"""Speed of one training step of the shapes CNN, cnnviz against the same network in PyTorch.

Run with ``python benchmarks/bench_training.py``. One step is what
:func:`cnnviz.training.train` does per minibatch: forward a batch of 64 images
(1x28x28, float32), cross-entropy on the logits, backward, one Adam update
(lr 0.003). Both sides run single-threaded and start from the same weights; the
timings alternate between cnnviz and PyTorch, so both see the same machine load.
Each timing is the best (and the median) of repeated runs; the ratio uses the best.

A second table times every layer of the cnnviz step on its own, to show where the
time goes.

Checks printed as PASS/FAIL:

* one training step within 1.5x of PyTorch's;
* the first step from the same weights gives the same loss and the same updated
  weights as PyTorch (so both time the same computation).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported, or BLAS has started its threads

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnnviz.datasets import make_shapes  # noqa: E402
from timing import interleaved  # noqa: E402  (benchmarks/timing.py)
from cnnviz.losses import CrossEntropyLoss  # noqa: E402
from cnnviz.pretrained import shapes_cnn  # noqa: E402
from cnnviz.optim import Adam  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_num_threads(1)
except ImportError:  # the benchmark still times cnnviz alone
    torch = None

BATCH = 64
LR = 0.003
MIN_TIME = 0.02   # seconds per sample: each sample repeats the step until it lasts this long
REPEAT = 21       # samples per side, alternating


def fmt_time(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} us"


def alternate(fns, *, repeat=REPEAT, min_time=MIN_TIME):
    """(best, median) seconds per call of each function, their samples interleaved."""
    return interleaved(fns, repeat=repeat, min_time=min_time)


class CnnvizStep:
    """One training step of cnnviz's shapes CNN, as train() takes it."""

    def __init__(self, seed=0):
        net = shapes_cnn(pretrained=False).initialize(seed)
        self.body = type(net)(net.layers[:-1])     # the logits: the loss fuses the Softmax
        self.loss = CrossEntropyLoss()
        self.opt = Adam(self.body.parameters(), lr=LR)

    def __call__(self, x, y):
        loss = self.loss.forward(self.body.forward(x), y)
        self.body.backward(self.loss.backward())
        self.opt.step(self.body.grads)
        return loss


class TorchStep:
    """The same network, loss and optimiser in PyTorch, from cnnviz's starting weights."""

    def __init__(self, cnnviz_step):
        nn = torch.nn
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 4),
        )
        weights = list(cnnviz_step.body.parameters().values())
        with torch.no_grad():
            for p, w in zip(self.net.parameters(), weights, strict=True):
                p.copy_(torch.from_numpy(np.array(w)))
        self.loss = nn.CrossEntropyLoss()
        self.opt = torch.optim.Adam(self.net.parameters(), lr=LR)

    def __call__(self, x, y):
        self.opt.zero_grad()
        loss = self.loss(self.net(x), y)
        loss.backward()
        self.opt.step()
        return loss


def same_first_step(x, y):
    """Loss and updated weights of one step from the same start, cnnviz and PyTorch."""
    ours = CnnvizStep()
    theirs = TorchStep(ours)
    loss_ours = ours(x, y)
    loss_theirs = float(theirs(torch.from_numpy(x), torch.from_numpy(y)).detach())
    worst = max(
        float(np.max(np.abs(w - p.detach().numpy())))
        for w, p in zip(ours.body.parameters().values(), theirs.net.parameters())
    )
    return loss_ours, loss_theirs, worst


def layer_profile(x, y, repeat=REPEAT):
    """Median seconds of every layer's forward and backward, the loss and the update."""
    step = CnnvizStep()
    names = step.body.layer_names()
    times = {}

    def record(key, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        times.setdefault(key, []).append(time.perf_counter() - start)
        return out

    for _ in range(3 + repeat * 5):
        h = x
        for name, layer in zip(names, step.body.layers):
            h = record(f"{name} forward", layer.forward, h)
        record("loss forward + backward", step.loss.forward, h, y)
        g = step.loss.backward()
        for name, layer in reversed(list(zip(names, step.body.layers))):
            g = record(f"{name} backward", layer.backward, g)
        record("Adam update", step.opt.step, step.body.grads)
    return {key: statistics.median(v[3:]) for key, v in times.items()}


def main():
    images, labels, _ = make_shapes(BATCH, seed=0)
    x, y = images.astype(np.float32), labels.astype(np.int64)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}; "
          f"1 thread; float32; batch {BATCH} of 1x28x28; the shapes CNN; forward, "
          "cross-entropy, backward, Adam\n")
    ours = CnnvizStep()
    checks = []
    if torch is None:
        (best, median), = alternate([lambda: ours(x, y)])
        print("| step | cnnviz |\n|---|---|")
        print(f"| one training step | {fmt_time(best)} ({fmt_time(median)}) |")
        print(f"\n{BATCH / best:,.0f} images/s; torch not installed: no comparison")
    else:
        theirs = TorchStep(ours)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        (best, median), (ref, ref_median) = alternate([lambda: ours(x, y), lambda: theirs(xt, yt)])
        ratio = best / ref
        print("| step | cnnviz | torch | cnnviz / torch |")
        print("|---|---|---|---|")
        print(f"| one training step | {fmt_time(best)} ({fmt_time(median)}) | "
              f"{fmt_time(ref)} ({fmt_time(ref_median)}) | {ratio:.2f}x |")
        print(f"| images per second | {BATCH / best:,.0f} | {BATCH / ref:,.0f} | |")
        loss_ours, loss_theirs, worst = same_first_step(x, y)
        print(f"\nfirst step from the same weights: loss {loss_ours:.6f} (cnnviz) and "
              f"{loss_theirs:.6f} (torch); largest difference in the updated weights {worst:.1e}")
        checks.append((f"one training step within 1.5x of torch ({ratio:.2f}x)", ratio <= 1.5))
        checks.append((f"same first step as torch (loss off by {abs(loss_ours - loss_theirs):.1e}, "
                       f"weights by {worst:.1e})",
                       abs(loss_ours - loss_theirs) < 1e-5 and worst < 1e-5))

    profile = layer_profile(x, y)
    total = sum(profile.values())
    print("\n| cnnviz step, part by part | median | share |")
    print("|---|---|---|")
    for key, seconds in profile.items():
        print(f"| {key} | {fmt_time(seconds)} | {seconds / total:.0%} |")
    print(f"| total | {fmt_time(total)} | |")
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
