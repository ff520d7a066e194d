"""Notebook 09's state: the backward pass of convolution and pooling, one number at a time.

Numpy only. Each function returns what an explorer draws, computed from cnnviz:

* :func:`gradient_step`: one entry of ``dL/dW`` or ``dL/dx`` of a single-channel
  convolution (stride 1, no padding), with the numbers that multiply into it, in
  two views for ``dL/dx`` (the taps that touched the pixel, or the kernel turned
  180 degrees sliding over the zero-padded ``G``);
* :func:`strided_backward`: ``dL/dx`` with stride and padding, as the full
  convolution of ``G`` spread out with ``stride - 1`` zeros, then cropped;
* :func:`pool_backward`: max pooling's routing to the winners and average
  pooling's even spread, one window's share and the total;
* :func:`gradient_check`: relative error of central differences against the
  analytic gradient of a small network, over a range of steps, in float64 and float32;
* :func:`layer_gradients`: the gradient of a loss with respect to every layer's
  output of a network, for one image.

Impossible settings raise :class:`cnnviz.errors.SettingError` (or ``DoesNotFit``)
with the numbers as fields.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import number, read_only
from .._validate import as_array, positive_int
from ..convolution import conv2d_backward, correlate2d, pad2d
from ..errors import DoesNotFit, SettingError
from ..gradcheck import numerical_gradient
from ..losses import CrossEntropyLoss
from ..layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from ..pooling import avg_pool2d_backward, max_pool2d, max_pool2d_backward
from ..shapes import pool_output_size
from .stepper import WORKED_INPUT, WORKED_KERNEL


#: notebook 02's worked example (WORKED_INPUT, WORKED_KERNEL), and L = sum of the outputs (G = 1)
WORKED_GRAD = read_only(np.ones((2, 2)), int)

EXAMPLES = MappingProxyType({
    "worked example, L = sum of the outputs": (WORKED_INPUT, WORKED_KERNEL, WORKED_GRAD),
    "worked example, G = [[1, -1], [2, 0]]": (WORKED_INPUT, WORKED_KERNEL,
                                              read_only([[1, -1], [2, 0]], int)),
    "4x4 input, 3x3 kernel, G of 2x2": (
        read_only([[1, 2, 0, 3], [0, 1, 2, 1], [3, 0, 1, 2], [1, 1, 0, 2]], int),
        read_only([[1, 0, -1], [2, 0, -2], [1, 0, -1]], int),
        read_only([[1, 2], [-1, 1]], int)),
})
"""Name -> (input x, kernel W, G = dL/dZ): the examples the gradient stepper offers."""

TARGETS = ("dW", "dx")
VIEWS = ("taps", "full convolution")


class NoSuchEntry(SettingError):
    """An entry number past the last entry of the gradient: fields ``entry``, ``n_entries``."""


def _terms(pairs):
    def factor(v):
        text = number(v)
        return f"({text})" if text.startswith("-") else text

    pairs = list(pairs)
    if not pairs:
        return "0 (no output used this number)"
    total = float(sum(a * b for a, b in pairs))
    return " + ".join(f"{factor(a)}×{factor(b)}" for a, b in pairs) + f" = {number(total)}"


# ------------------------------------------------------------------ gradient stepper
@dataclass
class GradientStep:
    x: np.ndarray              # (H, W) the input of the convolution
    kernel: np.ndarray         # (kh, kw)
    grad_out: np.ndarray       # (oh, ow) G = dL/dZ
    target: str                # "dW" or "dx"
    view: str                  # "taps" or "full convolution" (for dx)
    entry: int                 # 1 .. n_entries, reading order
    row: int
    col: int
    grad_w: np.ndarray         # (kh, kw) dL/dW, from cnnviz.conv2d_backward
    grad_x: np.ndarray         # (H, W) dL/dx
    grad_b: float              # dL/db = sum of G
    left: np.ndarray           # what is read on the left: x (dW) or W / rotated W (dx)
    left_box: tuple            # (row, col, h, w) outlined on ``left``
    right: np.ndarray          # what it multiplies: G, or G padded by k - 1
    right_box: tuple           # (row, col, h, w) outlined on ``right``
    products: np.ndarray       # the products, laid out as the window
    used: np.ndarray           # bool, same shape as products: which products take part
    pairs: tuple               # ((a, b), ...) the factors, in reading order
    total: float               # the entry's value

    @property
    def n_entries(self):
        return (self.grad_w if self.target == "dW" else self.grad_x).size

    @property
    def sum_text(self):
        """The entry written out as its sum of products."""
        return _terms(self.pairs)


def gradient_step(x, kernel, grad_out=None, *, target="dW", entry=1, view="taps"):
    """One entry of the gradient of a convolution, with the products that make it.

    With ``Z = correlate2d(x, W)`` (stride 1, no padding) and ``G = dL/dZ``::

        dL/dW[u, v] = sum_ij x[i + u, j + v] * G[i, j]     (x correlated with G)
        dL/dx[r, c] = sum_ij G[i, j] * W[r - i, c - j]       (the taps that touched x[r, c])
                    = sum_uv Gp[r + u, c + v] * W[kh-1-u, kw-1-v]

    where ``Gp`` is ``G`` padded by ``k - 1`` zeros on every side: the full
    convolution of ``G`` with the kernel turned by 180 degrees. ``view`` picks
    which of the two ways ``dL/dx`` is drawn; both give the same numbers.

    Parameters
    ----------
    x : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw), at most the size of ``x``
    grad_out : array_like, shape (H - kh + 1, W - kw + 1), optional
        ``G``; ones by default (``L = sum of the outputs``).
    target : {"dW", "dx"}
    entry : int
        1 .. the size of the target, in reading order.
    view : {"taps", "full convolution"}

    Examples
    --------
    >>> s = gradient_step(np.arange(9).reshape(3, 3), [[0, 1], [2, 3]], target="dW", entry=1)
    >>> s.sum_text
    '0×1 + 1×1 + 3×1 + 4×1 = 8'
    >>> gradient_step(np.arange(9).reshape(3, 3), [[0, 1], [2, 3]], target="dx", entry=5).total
    6.0
    """
    x = as_array(x, "x", ndims=2).astype(np.float64)
    kernel = as_array(kernel, "kernel", ndims=2).astype(np.float64)
    entry = positive_int(entry, "entry")
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}; got {target!r}")
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}; got {view!r}")
    (H, W), (kh, kw) = x.shape, kernel.shape
    for axis, n, k in zip(("rows", "columns"), x.shape, kernel.shape):
        if k > n:
            raise DoesNotFit(size=n, kernel_size=k, padding=0, axis=axis,
                             image_shape=x.shape, kernel_shape=kernel.shape)
    oh, ow = H - kh + 1, W - kw + 1
    g = np.ones((oh, ow)) if grad_out is None else as_array(grad_out, "grad_out", ndims=2)
    if g.shape != (oh, ow):
        raise ValueError(f"grad_out must have the shape of the output {(oh, ow)}; got {g.shape}")
    g = g.astype(np.float64)
    gx, gw, gb = conv2d_backward(x[None], kernel[None, None], g[None])
    gx, gw = gx[0] + 0.0, gw[0, 0] + 0.0
    size = gw.size if target == "dW" else gx.size
    if entry > size:
        raise NoSuchEntry(f"There is no entry {entry}: {target} has {size} entries.",
                          entry=entry, n_entries=size, target=target)
    if target == "dW":
        row, col = divmod(entry - 1, kw)
        window = x[row:row + oh, col:col + ow]
        products = window * g + 0.0
        used = np.ones_like(products, dtype=bool)
        pairs = tuple(zip(window.ravel().tolist(), g.ravel().tolist()))
        return GradientStep(x, kernel, g, target, view, entry, row, col, gw, gx, float(gb[0]),
                            x, (row, col, oh, ow), g, (0, 0, oh, ow), products, used, pairs,
                            float(gw[row, col]))
    row, col = divmod(entry - 1, W)
    padded = np.pad(g, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    rotated = kernel[::-1, ::-1]
    window = padded[row:row + kh, col:col + kw]
    if view == "full convolution":
        products = window * rotated + 0.0
        # the products with a real entry of G (not a padding zero)
        rows = np.arange(kh)[:, None] + row - (kh - 1)
        cols = np.arange(kw)[None, :] + col - (kw - 1)
        used = (rows >= 0) & (rows < oh) & (cols >= 0) & (cols < ow)
        pairs = tuple((float(a), float(b)) for a, b, u in
                      zip(window.ravel(), rotated.ravel(), used.ravel()) if u)
        return GradientStep(x, kernel, g, target, view, entry, row, col, gw, gx, float(gb[0]),
                            rotated, (0, 0, kh, kw), padded, (row, col, kh, kw), products,
                            used, pairs, float(gx[row, col]))
    # taps: output (i, j) touched x[r, c] through tap (r - i, c - j); laid out as the kernel
    products = np.zeros((kh, kw))
    used = np.zeros((kh, kw), dtype=bool)
    pairs = []
    for u in range(kh):
        for v in range(kw):
            i, j = row - u, col - v
            if 0 <= i < oh and 0 <= j < ow:
                products[u, v] = g[i, j] * kernel[u, v]
                used[u, v] = True
                pairs.append((float(g[i, j]), float(kernel[u, v])))
    i0, j0 = max(0, row - kh + 1), max(0, col - kw + 1)
    i1, j1 = min(oh - 1, row), min(ow - 1, col)
    return GradientStep(x, kernel, g, target, view, entry, row, col, gw, gx, float(gb[0]),
                        kernel, (0, 0, kh, kw), g, (i0, j0, i1 - i0 + 1, j1 - j0 + 1),
                        products + 0.0, used, tuple(pairs), float(gx[row, col]))


# --------------------------------------------------------- stride and padding backwards
#: the kernel and the gradient the stride/padding explorer starts from
STRIDE_KERNEL = read_only([[1, 0, 2], [-1, 1, 0], [0, 2, 1]], int)


@dataclass
class StridedBackward:
    size: int                  # the input is size x size
    stride: int
    padding: int
    kernel: np.ndarray         # (k, k)
    grad_out: np.ndarray       # (oh, ow) G
    spread: np.ndarray         # G with stride - 1 zeros between entries, padded by k - 1
    inserted: np.ndarray       # bool, shape of spread: True where a real entry of G sits
    grad_padded: np.ndarray    # (size + 2p, size + 2p): the full convolution, trailing zeros
    unread: int                # rows (and columns) at the end no window reached
    grad_x: np.ndarray         # (size, size): the border of width p dropped

    @property
    def zeros_inserted(self):
        """How many zeros went between the entries of G (not counting the k - 1 border)."""
        oh, ow = self.grad_out.shape
        return ((oh - 1) * self.stride + 1) * ((ow - 1) * self.stride + 1) - oh * ow


def strided_backward(size=7, *, stride=2, padding=0, kernel=STRIDE_KERNEL, seed=0):
    """``dL/dx`` of a strided, padded convolution as a full convolution of a spread-out ``G``.

    ``G`` (integers from ``seed``) gets ``stride - 1`` zeros between its entries,
    then ``k - 1`` zeros around it; correlating that with the kernel turned 180
    degrees gives the gradient on the padded input (rows that no window reached
    get 0); dropping the border of width ``padding`` leaves ``dL/dx``. Equal to
    :func:`cnnviz.conv2d_backward`.

    Examples
    --------
    >>> s = strided_backward(5, stride=2, padding=1)
    >>> s.grad_out.shape, s.spread.shape, s.grad_x.shape
    ((3, 3), (9, 9), (5, 5))
    """
    size, stride = positive_int(size, "size"), positive_int(stride, "stride")
    kernel = as_array(kernel, "kernel", ndims=2).astype(np.float64)
    k = kernel.shape[0]
    if padding < 0:
        raise ValueError(f"padding must be a non-negative integer; got {padding}")
    if size + 2 * padding < k:
        raise DoesNotFit(size=size, kernel_size=k, padding=2 * padding)
    n = (size + 2 * padding - k) // stride + 1
    g = np.random.default_rng(seed).integers(-2, 3, size=(n, n)).astype(np.float64)
    dilated = np.zeros(((n - 1) * stride + 1,) * 2)
    dilated[::stride, ::stride] = g
    spread = np.pad(dilated, k - 1)
    inserted = np.zeros(spread.shape, dtype=bool)
    inserted[k - 1:k - 1 + dilated.shape[0]:stride, k - 1:k - 1 + dilated.shape[1]:stride] = True
    full = correlate2d(spread, kernel[::-1, ::-1]) + 0.0
    reached = full.shape[0]
    unread = size + 2 * padding - reached
    grad_padded = np.pad(full, ((0, unread), (0, unread)))
    grad_x = grad_padded[padding:padding + size, padding:padding + size].copy()
    return StridedBackward(size, stride, padding, kernel, g, spread, inserted, grad_padded,
                           unread, grad_x)


# ------------------------------------------------------------------- pooling backwards
#: a 6x6 map with ties (two 9s in one window, two 7s) for the pooling explorer
POOL_INPUT = read_only([
    [1, 9, 2, 9, 0, 3],
    [4, 3, 8, 1, 5, 2],
    [7, 0, 2, 6, 5, 4],
    [1, 7, 3, 3, 8, 1],
    [2, 5, 6, 0, 1, 2],
    [0, 4, 6, 2, 7, 3],
], int)


@dataclass
class PoolBackward:
    x: np.ndarray              # (H, W)
    mode: str                  # "max" or "average"
    kernel_size: int
    stride: int
    window: int                # 1 .. n_windows
    row: int                   # the window's output row and column
    col: int
    grad_out: np.ndarray       # (oh, ow) G, from the seed
    winners: np.ndarray        # (H, W) int: how many windows each pixel won (max), or covers
    share: np.ndarray          # (H, W): the selected window's part of dx
    grad_x: np.ndarray         # (H, W): the whole dx

    @property
    def n_windows(self):
        return self.grad_out.size


def pool_backward(x=POOL_INPUT, *, mode="max", kernel_size=2, stride=2, window=1, seed=1):
    """Where each output's gradient goes back to, through max or average pooling.

    Max pooling: ``g[i, j]`` lands on the winner of window ``(i, j)`` (the first
    maximum in reading order, as :func:`cnnviz.max_pool2d` picks it); average
    pooling: ``g[i, j] / k²`` on every pixel of the window. Where windows overlap the
    shares add. ``G`` is made of small integers from ``seed``.

    Examples
    --------
    >>> s = pool_backward(mode="max", kernel_size=2, stride=2, window=1)
    >>> int(s.winners[0, 1]), float(s.share[0, 1]) == float(s.grad_out[0, 0])
    (1, True)
    """
    x = as_array(x, "x", ndims=2).astype(np.float64)
    k, s = positive_int(kernel_size, "kernel_size"), positive_int(stride, "stride")
    window = positive_int(window, "window")
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average'; got {mode!r}")
    H, W = x.shape
    if k > min(H, W):
        raise DoesNotFit(size=min(H, W), kernel_size=k, padding=0)
    oh, ow = pool_output_size(H, k, stride=s), pool_output_size(W, k, stride=s)
    if window > oh * ow:
        raise NoSuchEntry(f"There is no window {window}: there are {oh * ow}.",
                          entry=window, n_entries=oh * ow, target="window")
    g = np.random.default_rng(seed).integers(1, 5, size=(oh, ow)).astype(np.float64)
    row, col = divmod(window - 1, ow)
    one = np.zeros_like(g)
    one[row, col] = g[row, col]
    pool = max_pool2d_backward if mode == "max" else avg_pool2d_backward

    def backward(grad):
        return pool(x[None], grad[None], k, stride=s)[0]

    # max: how many windows each pixel won; average: how many windows hold it
    counts = backward(np.ones_like(g)) * (1 if mode == "max" else k * k)
    return PoolBackward(x, mode, k, s, window, row, col, g, np.rint(counts).astype(int),
                        backward(one) + 0.0, backward(g) + 0.0)


def pool_winners(x, kernel_size):
    """The mask of max pooling's winners (``kernel_size`` windows, stride the same).

    >>> pool_winners(np.array([[1, 2], [2, 0]]), 2).astype(int)   # ties: the first in reading order
    array([[0, 1],
           [0, 0]])
    """
    x = as_array(x, "x", ndims=2)
    k = positive_int(kernel_size, "kernel_size")
    oh, ow = pool_output_size(x.shape[0], k), pool_output_size(x.shape[1], k)
    return max_pool2d_backward(x[None], np.ones((1, oh, ow)), k)[0] > 0


# ------------------------------------------------------------------------ gradient check
#: the steps tried: 10^0 down to 10^-12
EPS_EXPONENTS = tuple(range(0, -13, -1))
CHECK_TARGETS = ("conv weights", "input")
#: the class whose cross-entropy the gradient check differentiates
LABEL = np.array([0])


def check_network(seed=0):
    """The small network of the gradient check: conv 3x3 (2) -> ReLU -> max pool 2 -> dense (3).

    The input is 1x8x8; the loss is the cross-entropy of its three scores for class 0
    (the curvature of the softmax is what makes finite differences err for a large step).
    """
    return Sequential([Conv2d(1, 2, 3), ReLU(), MaxPool2d(2), Flatten(), Dense(2 * 3 * 3, 3)]
                      ).initialize(seed=seed)


def _relative_error(a, b):
    num = np.linalg.norm(a - b)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return float(num / den) if den > 0 else 0.0


@dataclass
class GradientCheck:
    target: str
    exponents: tuple           # eps = 10 ** exponent
    errors: dict               # dtype name -> array of relative errors (nan: eps too small)
    eps_exponent: int          # the step the learner picked
    analytic: np.ndarray       # float64 analytic gradient of the target

    def best(self, dtype):
        """The exponent whose step gives the smallest relative error for ``dtype``."""
        errs = np.asarray(self.errors[dtype])
        return self.exponents[int(np.nanargmin(errs))]

    def error(self, dtype, exponent=None):
        exponent = self.eps_exponent if exponent is None else exponent
        return float(self.errors[dtype][self.exponents.index(exponent)])


@functools.lru_cache(maxsize=8)
def _check_curves(target, seed):
    net = check_network(seed)
    x = np.random.default_rng(seed + 1).normal(size=(1, 1, 8, 8))
    params64 = {k: np.asarray(v, dtype=np.float64) for k, v in net.parameters().items()}
    errors, analytic64 = {}, None
    for dtype in ("float64", "float32"):
        dt = np.dtype(dtype)
        conv, dense = net.layers[0], net.layers[4]
        conv.weight = params64["Conv2d-1.weight"].astype(dt)
        conv.bias = params64["Conv2d-1.bias"].astype(dt)
        dense.weight = params64["Dense-5.weight"].astype(dt)
        dense.bias = params64["Dense-5.bias"].astype(dt)
        xd = x.astype(dt)
        loss = CrossEntropyLoss()
        loss.forward(net.forward(xd), LABEL)
        gx = net.backward(loss.backward())
        analytic = np.asarray(gx if target == "input" else net.grads["Conv2d-1.weight"],
                              dtype=np.float64)
        if dtype == "float64":
            analytic64 = analytic

        if target == "input":
            def f(v):
                return loss.forward(net.forward(v), LABEL)
            start = xd
        else:
            def f(w):
                conv.weight = w
                return loss.forward(net.forward(xd), LABEL)
            start = conv.weight.copy()
        errs = []
        for e in EPS_EXPONENTS:
            try:
                numeric = numerical_gradient(f, start, eps=10.0 ** e)
            except ValueError:      # eps too small for the dtype: x +- eps rounds to x
                errs.append(np.nan)
                continue
            errs.append(_relative_error(analytic, numeric))
        if target != "input":
            conv.weight = start
        errors[dtype] = np.array(errs)
        errors[dtype].setflags(write=False)
    return errors, analytic64


def gradient_check(*, target="conv weights", eps_exponent=-5, seed=0):
    """Relative error ``|a - n| / (|a| + |n|)`` of central differences ``n`` against
    backpropagation ``a``, for steps ``10^0 .. 10^-12``, in float64 and float32.

    The function is the cross-entropy of :func:`check_network` for a 1x8x8 input (both from
    ``seed``), differentiated with respect to the conv weights or the input. A step
    so small that ``x +- eps`` rounds back to ``x`` gives no measurement (nan).

    Examples
    --------
    >>> s = gradient_check(target="conv weights")
    >>> s.best("float64") in (-4, -5, -6, -7), s.error("float64") < 1e-7
    (True, True)
    """
    if target not in CHECK_TARGETS:
        raise ValueError(f"target must be one of {CHECK_TARGETS}; got {target!r}")
    if eps_exponent not in EPS_EXPONENTS:
        raise ValueError(f"eps_exponent must be one of {EPS_EXPONENTS}; got {eps_exponent!r}")
    errors, analytic = _check_curves(target, int(seed))
    return GradientCheck(target, EPS_EXPONENTS, dict(errors), int(eps_exponent), analytic)


# ------------------------------------------------------------------ a network backwards
def layer_gradients(net, image, label):
    """Backpropagate ``-log p(label)`` through ``net`` for one image.

    Returns ``(names, outputs, grads)``: each layer's name, its output and the
    gradient of the loss with respect to that output (no batch axis); the
    network's weight gradients are left in ``net.grads``. The last layer of
    ``net`` must give probabilities (a Softmax).
    """
    image = as_array(image, "image").astype(np.float32)
    outputs = net.forward(image[None], return_all=True)
    probs = outputs[-1]
    g = np.zeros_like(probs)
    g[0, label] = -1.0 / probs[0, label]
    grads = [None] * len(outputs)
    for i in range(len(net.layers) - 1, -1, -1):
        grads[i] = g
        g = net.layers[i].backward(g)
    # backward above ran layer by layer; Sequential.grads reads each layer's own
    return net.layer_names(), [o[0] for o in outputs], [q[0] for q in grads]


__all__ = [
    "CHECK_TARGETS", "EPS_EXPONENTS", "EXAMPLES", "POOL_INPUT", "STRIDE_KERNEL", "TARGETS",
    "VIEWS", "WORKED_GRAD", "WORKED_INPUT", "WORKED_KERNEL", "GradientCheck", "GradientStep",
    "NoSuchEntry", "PoolBackward", "StridedBackward", "check_network", "gradient_check",
    "gradient_step", "layer_gradients", "pool_backward", "pool_winners", "strided_backward",
]
