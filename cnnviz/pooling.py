"""Max and average pooling with PyTorch's semantics.

A pooling window of ``k x k`` pixels slides with stride ``s`` (``k`` by default)
and keeps one number per stop: the largest (max pooling) or the mean (average
pooling). There is nothing to learn: no weights.

Both work separably: the maximum (or sum) over a ``kh x kw`` window is the
maximum over ``kh`` rows of the maximum over ``kw`` columns. Each step is a
handful of element-wise operations on shifted, strided views, so no window is
ever copied out.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_array, boolean, check_memory, int_pair, nonnegative_int
from .shapes import pool_output_size


def _settings(x, kernel_size, stride, padding, ceil_mode):
    x = as_array(x, "x", ndims=(3, 4))
    ceil_mode = boolean(ceil_mode, "ceil_mode")
    kh, kw = int_pair(kernel_size, "kernel_size")
    sh, sw = int_pair((kh, kw) if stride is None else stride, "stride")
    ph, pw = int_pair(padding, "padding", check=nonnegative_int)
    H, W = x.shape[-2:]
    try:
        oh = pool_output_size(H, kh, stride=sh, padding=ph, ceil_mode=ceil_mode)
        ow = pool_output_size(W, kw, stride=sw, padding=pw, ceil_mode=ceil_mode)
    except ValueError as err:
        raise ValueError(f"{err} (input height x width {H}x{W})") from None
    return x, (kh, kw), (sh, sw), (ph, pw), (oh, ow)


def _refuse_large(what, x, kernel, strides, pads, outs, *, window_bytes=0):
    """Refuse, before anything is allocated, pooling whose padded input, partial sums and
    padding mask would pass :data:`cnnviz._validate.MEMORY_LIMIT`; ``window_bytes`` adds
    that many bytes per window element (the winners' search of ``return_indices``)."""
    maps, (H, W) = x.size // (x.shape[-2] * x.shape[-1]), x.shape[-2:]
    padded = [max(n + 2 * p, (o - 1) * s + k)
              for n, p, o, s, k in zip((H, W), pads, outs, strides, kernel)]
    # padded input, row pass, output (the input's dtype), mask and counts (float64)
    need = x.itemsize * maps * (padded[0] * padded[1] + padded[0] * outs[1] + outs[0] * outs[1])
    need += 8 * (padded[0] * padded[1] + padded[0] * outs[1])
    need += window_bytes * maps * outs[0] * outs[1] * kernel[0] * kernel[1]
    check_memory(need, 1, f"{what} of a {'x'.join(map(str, x.shape))} input with kernel_size "
                          f"{kernel}, stride {strides} and padding {pads}")


def _padded(x, pads, outs, kernel, strides, fill):
    """Pad with ``fill``; in ceil mode also on the bottom/right, so every window is whole."""
    H, W = x.shape[-2:]
    extra = [
        max(0, (o - 1) * s + k - (n + 2 * p))
        for o, s, k, n, p in zip(outs, strides, kernel, (H, W), pads)
    ]
    widths = [(0, 0)] * (x.ndim - 2) + [(pads[0], pads[0] + extra[0]), (pads[1], pads[1] + extra[1])]
    if not any(a or b for a, b in widths):
        return x
    return np.pad(x, widths, mode="constant", constant_values=fill)


def _reduce_windows(xp, kernel, strides, outs, ufunc):
    """Combine every window with ``ufunc`` (np.maximum or np.add), separably."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, outs
    cols = xp[..., 0 : sw * (ow - 1) + 1 : sw].copy()
    for v in range(1, kw):
        ufunc(cols, xp[..., v : v + sw * (ow - 1) + 1 : sw], out=cols)
    out = cols[..., 0 : sh * (oh - 1) + 1 : sh, :].copy()
    for u in range(1, kh):
        ufunc(out, cols[..., u : u + sh * (oh - 1) + 1 : sh, :], out=out)
    return out


def max_pool2d(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, return_indices=False):
    """Max pooling over the last two axes.

    Parameters
    ----------
    x : array_like, shape (C, H, W) or (N, C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int)
        Implicit -inf border, at most half the kernel size.
    ceil_mode : bool
        Round the output size up; a last window must still start inside the input
        or its left padding.
    return_indices : bool
        Also return, for every output value, the flat index ``row * W + col`` of
        the winning input pixel within its channel (first winner on ties).

    Returns
    -------
    out : ndarray, shape (..., oh, ow)
    indices : ndarray of int64, same shape, only when ``return_indices``

    Examples
    --------
    >>> x = np.array([[[1, 3, 2, 1],
    ...                [4, 6, 5, 0],
    ...                [7, 2, 9, 8],
    ...                [1, 0, 3, 4]]])
    >>> max_pool2d(x, 2)
    array([[[6., 5.],
            [7., 9.]]])
    >>> max_pool2d(x, 2, return_indices=True)[1]
    array([[[ 5,  6],
            [ 8, 10]]])
    """
    return_indices = boolean(return_indices, "return_indices")
    x, kernel, strides, pads, outs = _settings(x, kernel_size, stride, padding, ceil_mode)
    _refuse_large("max_pool2d", x, kernel, strides, pads, outs,
                  window_bytes=3 * x.itemsize + 3 if return_indices else 0)
    xp = _padded(x, pads, outs, kernel, strides, -np.inf)
    out = _reduce_windows(xp, kernel, strides, outs, np.maximum)
    if not return_indices:
        return out
    return out, _argmax_indices(xp, kernel, strides, pads, outs, x.shape[-2:])


def _argmax_indices(xp, kernel, strides, pads, outs, in_shape):
    """Flat index (row * W + col, in the unpadded input) of each window's winner.

    Padding never wins, even against an input of -inf. Among equal maxima the
    first in row-major order wins; a NaN beats everything, and of several NaNs
    the last wins, as in PyTorch's CPU kernel.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, outs
    height, width = in_shape
    real = np.zeros(xp.shape[-2:], dtype=bool)  # True on input pixels, False on any padding
    real[pads[0]:pads[0] + height, pads[1]:pads[1] + width] = True

    def windows(a):
        v = np.lib.stride_tricks.sliding_window_view(a, (kh, kw), axis=(-2, -1))
        v = v[..., : sh * (oh - 1) + 1 : sh, : sw * (ow - 1) + 1 : sw, :, :]
        return v.reshape(*v.shape[:-2], kh * kw)

    values, valid = windows(xp), windows(real)
    best_value = np.max(np.where(valid, values, -np.inf), axis=-1, keepdims=True)
    first_max = np.argmax(valid & (values == best_value), axis=-1)
    nan = np.isnan(values)
    last_nan = kh * kw - 1 - np.argmax(nan[..., ::-1], axis=-1)
    best = np.where(nan.any(axis=-1), last_nan, first_max)
    row = np.arange(oh)[:, None] * sh + best // kw - pads[0]
    col = np.arange(ow)[None, :] * sw + best % kw - pads[1]
    return (row * width + col).astype(np.int64)


def avg_pool2d(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Average pooling over the last two axes.

    Parameters are those of :func:`max_pool2d`, plus:

    count_include_pad : bool
        Whether the zeros of the padding count in the mean's denominator. Parts of a
        ceil-mode window that hang past the padding never count.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> avg_pool2d(x, 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> avg_pool2d(x, 2, padding=1, count_include_pad=False)[0, 0]
    array([0. , 1.5, 3. ])
    """
    count_include_pad = boolean(count_include_pad, "count_include_pad")
    x, kernel, strides, pads, outs = _settings(x, kernel_size, stride, padding, ceil_mode)
    _refuse_large("avg_pool2d", x, kernel, strides, pads, outs)
    xp = _padded(x, pads, outs, kernel, strides, 0.0)
    sums = _reduce_windows(xp, kernel, strides, outs, np.add)
    # The divisor of every window: the pixels that count, pooled the same way.
    H, W = x.shape[-2:]
    if count_include_pad:
        mask = np.ones((H + 2 * pads[0], W + 2 * pads[1]))
        mask = _padded(mask, (0, 0), outs, kernel, strides, 0.0)
    else:
        mask = _padded(np.ones((H, W)), pads, outs, kernel, strides, 0.0)
    counts = _reduce_windows(mask, kernel, strides, outs, np.add)
    return (sums / counts).astype(x.dtype, copy=False)
