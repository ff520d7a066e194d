"""Speed of cnnviz.interpret on the shipped shapes network, against PyTorch.

Run with ``python benchmarks/bench_interpret.py``. Single-threaded (numpy's BLAS
and torch), on one 28x28 drawn shape. Each method and its PyTorch counterpart
are timed in alternation, call by call, so that a busy machine slows both
alike; the table gives the median and the ratio of medians.

Check printed as PASS/FAIL: occlusion at patch 7, stride 1 (484 covered copies)
within the explorer floor of 100 ms median.
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
from cnnviz import interpret  # noqa: E402
from cnnviz.datasets import draw_shape  # noqa: E402
from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Softmax  # noqa: E402
from cnnviz.pretrained import shapes_cnn  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_num_threads(1)
except ImportError:  # the benchmark still times cnnviz alone
    torch = None

FLOOR = 0.100  # seconds: the explorer update floor
REPEAT = 31


def torch_model(net):
    """The network up to its class scores in torch.nn, same float32 weights."""
    nn = torch.nn
    modules = []
    for layer in net.layers:
        if isinstance(layer, Conv2d):
            m = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size,
                          stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
        elif isinstance(layer, Dense):
            m = nn.Linear(layer.in_features, layer.out_features)
        elif isinstance(layer, MaxPool2d):
            m = nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding, ceil_mode=layer.ceil_mode)
        elif isinstance(layer, ReLU):
            m = nn.ReLU()
        elif isinstance(layer, Flatten):
            m = nn.Flatten()
        elif isinstance(layer, Softmax):
            continue  # the class score is the logit before it
        else:
            raise TypeError(f"no torch counterpart for {layer!r}")
        with torch.no_grad():
            for key, value in layer.parameters().items():
                getattr(m, key).copy_(torch.from_numpy(value))
        modules.append(m)
    return nn.Sequential(*modules)


def torch_occlusion(model, image, target, patch, stride=1):
    """All covered copies in one batch, made with a broadcast mask (no memory bound)."""
    with torch.no_grad():
        x = torch.from_numpy(image)
        H, W = image.shape[1:]
        tops = torch.arange(0, H - patch + 1, stride)[:, None]
        lefts = torch.arange(0, W - patch + 1, stride)[:, None]
        rows = (torch.arange(H) >= tops) & (torch.arange(H) < tops + patch)      # (oh, H)
        cols = (torch.arange(W) >= lefts) & (torch.arange(W) < lefts + patch)    # (ow, W)
        covered = (rows[:, None, :, None] & cols[None, :, None, :]).reshape(-1, 1, H, W)
        batch = torch.where(covered, torch.zeros(()), x[None])
        base = torch.softmax(model(x[None]), 1)[0, target]
        drop = base - torch.softmax(model(batch), 1)[:, target]
        return drop.reshape(len(tops), len(lefts))


def torch_saliency(model, image, target):
    x = torch.from_numpy(image[None].copy()).requires_grad_(True)
    model(x)[0, target].backward()
    return x.grad[0]


def interleaved(ours, theirs, repeat=REPEAT):
    """Median seconds of each, timed alternately call by call."""
    ours()
    if theirs:
        theirs()
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ours()
        a.append(time.perf_counter() - start)
        if theirs:
            start = time.perf_counter()
            theirs()
            b.append(time.perf_counter() - start)
    return statistics.median(a), (statistics.median(b) if b else None)


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.2f} ms"


def main():
    net = shapes_cnn()
    image = draw_shape("triangle", angle=15)
    tnet = torch_model(net) if torch else None
    cases = {
        "occlusion, patch 7, stride 1 (22 x 22 map)": (
            lambda: interpret.occlusion(net, image, 2, patch=7),
            tnet and (lambda: torch_occlusion(tnet, image, 2, 7)),
        ),
        "occlusion, patch 3, stride 1 (26 x 26 map)": (
            lambda: interpret.occlusion(net, image, 2, patch=3),
            tnet and (lambda: torch_occlusion(tnet, image, 2, 3)),
        ),
        "saliency": (
            lambda: interpret.saliency(net, image, 2),
            tnet and (lambda: torch_saliency(tnet, image, 2)),
        ),
        "grad_cam, ReLU-5": (lambda: interpret.grad_cam(net, image, 2, layer="ReLU-5"), None),
        "activation_maximization, 200 steps": (
            lambda: interpret.activation_maximization(net, "score", 2), None,
        ),
    }
    if tnet:  # the references compute the same maps
        np.testing.assert_allclose(interpret.occlusion(net, image, 2, patch=7),
                                   torch_occlusion(tnet, image, 2, 7).numpy(), atol=1e-4)
        np.testing.assert_allclose(interpret.saliency(net, image, 2),
                                   torch_saliency(tnet, image, 2).numpy(), rtol=1e-3, atol=1e-4)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}; "
          f"1 thread; float32; median of {REPEAT} runs, cnnviz and torch alternating\n")
    print("| case | cnnviz | torch | cnnviz / torch |")
    print("|---|---|---|---|")
    results = {}
    for name, (ours, theirs) in cases.items():
        a, b = interleaved(ours, theirs, repeat=REPEAT if theirs or "maximization" not in name else 5)
        results[name] = a
        ratio = f"{a / b:.2f}x" if b else "-"
        print(f"| {name} | {ms(a)} | {ms(b)} | {ratio} |")
    occ = results["occlusion, patch 7, stride 1 (22 x 22 map)"]
    print()
    print(f"{'PASS' if occ <= FLOOR else 'FAIL'}: occlusion at patch 7, stride 1 within the "
          f"{FLOOR * 1e3:.0f} ms explorer floor (median {occ * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
