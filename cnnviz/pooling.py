"""Max and average pooling with PyTorch's semantics.

A pooling window of ``k x k`` pixels slides with stride ``s`` (``k`` by default)
and keeps one number per stop: the largest (max pooling) or the mean (average
pooling). There is nothing to learn: no weights.

Both work separably: the maximum (or sum) over a ``kh x kw`` window is the
maximum over ``kh`` rows of the maximum over ``kw`` columns. Each step is a
handful of element-wise operations on shifted, strided views, so no window is
ever copied out.

The backward passes send each output's gradient back to the pixels it came
from: to the window's winner for max pooling, shared evenly over the window for
average pooling; where windows overlap, a pixel collects the sum.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_array, boolean, check_memory, common_float, int_pair, nonnegative_int
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


def _refuse_large(what, x, kernel, strides, pads, outs, *, output_bytes=0, input_bytes=0):
    """Refuse, before anything is allocated, pooling whose padded input, partial sums and
    padding mask would pass :data:`cnnviz._validate.MEMORY_LIMIT`; ``output_bytes`` adds
    that many bytes per output value (the winners' search: taps, masks, flat indices) and
    ``input_bytes`` per input value (a gradient the size of the input)."""
    maps, (H, W) = x.size // (x.shape[-2] * x.shape[-1]), x.shape[-2:]
    padded = [max(n + 2 * p, (o - 1) * s + k)
              for n, p, o, s, k in zip((H, W), pads, outs, strides, kernel)]
    # padded input, row pass, output (the input's dtype), mask and counts (float64)
    need = x.itemsize * maps * (padded[0] * padded[1] + padded[0] * outs[1] + outs[0] * outs[1])
    need += 8 * (padded[0] * padded[1] + padded[0] * outs[1])
    need += output_bytes * maps * outs[0] * outs[1] + input_bytes * x.size
    check_memory(need, 1, f"{what} of a {'x'.join(map(str, x.shape))} input with kernel_size "
                          f"{kernel}, stride {strides} and padding {pads}")


#: bytes per output value of the winners' search: a tap (1-8), two masks, indices and a temporary
_WINNER_BYTES = 32


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
    # the winners' search: a tap and two masks per output, then flat int64 indices
    _refuse_large("max_pool2d", x, kernel, strides, pads, outs,
                  output_bytes=_WINNER_BYTES if return_indices else 0)
    xp = _padded(x, pads, outs, kernel, strides, -np.inf)
    out = _reduce_windows(xp, kernel, strides, outs, np.maximum)
    if not return_indices:
        return out
    taps = _winning_taps(xp, out, kernel, strides, pads, outs, x.shape[-2:])
    return out, _flat_indices(taps, kernel, strides, pads, outs, x.shape[-1])


def _tap_view(a, u, v, strides, outs):
    """The entries that tap ``(u, v)`` of every window sees: a strided view, no copy."""
    (sh, sw), (oh, ow) = strides, outs
    return a[..., u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw]


def _winning_taps(xp, out, kernel, strides, pads, outs, in_shape):
    """Which tap of its window, ``u * kw + v`` in row-major order, each output's winner is.

    The winner is the first input pixel in row-major order that equals the
    window's maximum ``out``; padding never wins, even against an input of -inf.
    Going through the taps in order and counting, for every window, the taps
    passed before its first match gives that first match: a few comparisons on
    strided views per tap, no window copied out. A NaN beats everything, and of
    several NaNs the last wins, as in PyTorch's CPU kernel.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, outs
    height, width = in_shape
    rows = np.arange(oh) * sh - pads[0]        # where tap (0, 0) of each window sits
    cols = np.arange(ow) * sw - pads[1]
    taps = np.zeros(out.shape, dtype=np.uint8 if kh * kw <= 255 else np.intp)
    unmatched = np.ones(out.shape, dtype=bool)
    miss = np.empty(out.shape, dtype=bool)
    for t in range(kh * kw - 1):                # a window unmatched so far wins at the last tap
        u, v = divmod(t, kw)
        np.not_equal(_tap_view(xp, u, v, strides, outs), out, out=miss)
        r, c = rows + u, cols + v
        real_rows, real_cols = (r >= 0) & (r < height), (c >= 0) & (c < width)
        if not (real_rows.all() and real_cols.all()):
            miss |= ~(real_rows[:, None] & real_cols[None, :])
        unmatched &= miss
        taps += unmatched
    if np.isnan(out).any():
        for t in range(kh * kw):
            u, v = divmod(t, kw)
            taps[np.isnan(_tap_view(xp, u, v, strides, outs))] = t
    return taps


def _flat_indices(taps, kernel, strides, pads, outs, width):
    """``row * W + col`` in the unpadded input of each window's tap ``taps``."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, outs
    offsets = (np.arange(kh)[:, None] * width + np.arange(kw)[None, :]).ravel().astype(np.int64)
    corner = (np.arange(oh) * sh - pads[0])[:, None] * width + (np.arange(ow) * sw - pads[1])
    indices = np.take(offsets, taps)
    indices += corner
    return indices


def _route_to_winners(indices, grad_out, in_shape, dtype):
    """Add each output's gradient onto its winner (flat ``indices`` within each channel)."""
    lead, (height, width) = in_shape[:-2], in_shape[-2:]
    planes = np.arange(int(np.prod(lead))).reshape(*lead, 1, 1) * (height * width)
    grad = np.zeros(int(np.prod(in_shape)), dtype=dtype)
    # np.add.at adds repeated targets one after another (a pixel that wins several
    # overlapping windows), in the order of the outputs, as PyTorch's CPU kernel does.
    np.add.at(grad, (planes + indices).ravel(), grad_out.astype(dtype, copy=False).ravel())
    return grad.reshape(in_shape)


def _grad_out(grad_out, x, outs, function):
    """Check that ``grad_out`` has the shape of ``function``'s output for ``x``."""
    expected = x.shape[:-2] + tuple(outs)
    g = as_array(grad_out, "grad_out")
    if g.shape != expected:
        raise ValueError(
            f"grad_out must have the shape of {function}'s output {expected} for x of shape "
            f"{x.shape}; got {g.shape}"
        )
    return g


def max_pool2d_backward(x, grad_out, kernel_size, *, stride=None, padding=0, ceil_mode=False):
    """Gradient of a loss with respect to the input of :func:`max_pool2d`.

    Only a window's winner reached the output, so with ``g = dL/d(out)``::

        dL/dx[..., r, c] = sum of g[..., i, j] over the windows (i, j) that (r, c) won

    Every other pixel gets 0. The winner is the one ``max_pool2d(...,
    return_indices=True)`` points at: the first maximum in row-major order on
    ties. Where windows overlap, a pixel that wins several collects the sum. This
    equals PyTorch's autograd through ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    x : array_like, shape (C, H, W) or (N, C, H, W)
        The input of the forward pass.
    grad_out : array_like, shape (..., oh, ow)
        Gradient of the loss with respect to ``max_pool2d``'s output.
    kernel_size, stride, padding, ceil_mode
        As given to :func:`max_pool2d`.

    Returns
    -------
    ndarray, the shape of ``x``
        float32 when ``x`` and ``grad_out`` are both float32, float64 otherwise.

    Examples
    --------
    >>> x = np.array([[[1, 3, 2, 1],
    ...                [4, 6, 5, 0],
    ...                [7, 2, 9, 8],
    ...                [1, 0, 3, 4]]])
    >>> max_pool2d_backward(x, np.ones((1, 2, 2)), 2)
    array([[[0., 0., 0., 0.],
            [0., 1., 1., 0.],
            [1., 0., 1., 0.],
            [0., 0., 0., 0.]]])
    >>> max_pool2d_backward(x, [[[1.0, 2.0], [3.0, 4.0]]], 3, stride=1)  # 9 wins all 4 windows
    array([[[ 0.,  0.,  0.,  0.],
            [ 0.,  0.,  0.,  0.],
            [ 0.,  0., 10.,  0.],
            [ 0.,  0.,  0.,  0.]]])
    """
    x, kernel, strides, pads, outs = _settings(x, kernel_size, stride, padding, ceil_mode)
    g = _grad_out(grad_out, x, outs, "max_pool2d")
    _refuse_large("max_pool2d_backward", x, kernel, strides, pads, outs,
                  output_bytes=_WINNER_BYTES, input_bytes=8)
    xp = _padded(x, pads, outs, kernel, strides, -np.inf)
    out = _reduce_windows(xp, kernel, strides, outs, np.maximum)
    taps = _winning_taps(xp, out, kernel, strides, pads, outs, x.shape[-2:])
    indices = _flat_indices(taps, kernel, strides, pads, outs, x.shape[-1])
    return _route_to_winners(indices, g, x.shape, common_float(x, g))


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
    counts = _window_counts(x.shape[-2:], kernel, strides, pads, outs, count_include_pad)
    return (sums / counts).astype(x.dtype, copy=False)


def _window_counts(in_shape, kernel, strides, pads, outs, count_include_pad):
    """The divisor of every window, shape (oh, ow): the pixels that count in its mean.

    Along each axis a window starting at ``i * s - p`` is cut at the far edge of
    the padding (ceil mode's last window can hang past it); without
    ``count_include_pad`` it is cut to the input itself. The two axes multiply.
    """
    counts = []
    for n, k, s, p, o in zip(in_shape, kernel, strides, pads, outs):
        starts = np.arange(o) * s - p
        lo, hi = (-p, n + p) if count_include_pad else (0, n)
        counts.append(np.minimum(starts + k, hi) - np.maximum(starts, lo))
    return np.multiply.outer(*counts).astype(np.float64)


def _spread_over_windows(share, in_shape, kernel, strides, pads, outs):
    """Add ``share[..., i, j]`` onto every pixel of window ``(i, j)``; crop the padding.

    Separably, the mirror of :func:`_reduce_windows`: first each share is spread
    over its window's ``kw`` columns (a strip one window tall), then each strip
    over the window's ``kh`` rows. Each step is one strided add per tap, and
    within one tap the targets are distinct, so ``+=`` on the view is exact.
    Where windows do not overlap (stride >= kernel) a step reaches no pixel
    twice, and its adds are plain copies that do not read the canvas first.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, outs
    height, width = in_shape[-2:]
    canvas = (max(height + 2 * pads[0], (oh - 1) * sh + kh),   # room for ceil-mode windows
              max(width + 2 * pads[1], (ow - 1) * sw + kw))
    lead = in_shape[:-2]
    share = share + 0.0   # -0.0 becomes 0.0, as adding it onto zeros would make it

    def spread(target, source, taps, step, count, axis):
        for t in range(taps):
            index = [slice(None)] * target.ndim
            index[axis] = slice(t, t + step * (count - 1) + 1, step)
            view = target[tuple(index)]
            if step >= taps:
                view[...] = source
            else:
                view += source

    strips = np.zeros(lead + (oh, canvas[1]), dtype=share.dtype)
    spread(strips, share, kw, sw, ow, -1)
    grad = np.zeros(lead + canvas, dtype=share.dtype)
    spread(grad, strips, kh, sh, oh, -2)
    if canvas == (height, width):
        return grad
    return grad[..., pads[0] : pads[0] + height, pads[1] : pads[1] + width].copy()


def avg_pool2d_backward(x, grad_out, kernel_size, *, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True):
    """Gradient of a loss with respect to the input of :func:`avg_pool2d`.

    Every pixel of window ``(i, j)`` counted ``1 / count[i, j]`` towards its mean,
    so with ``g = dL/d(out)``::

        dL/dx[..., r, c] = sum of g[..., i, j] / count[i, j] over the windows (i, j) holding (r, c)

    ``count`` is the divisor the forward pass used (see ``count_include_pad``);
    the share that lands on padding is dropped. This equals PyTorch's autograd
    through ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    x : array_like, shape (C, H, W) or (N, C, H, W)
        The input of the forward pass (only its shape and dtype matter).
    grad_out : array_like, shape (..., oh, ow)
        Gradient of the loss with respect to ``avg_pool2d``'s output.
    kernel_size, stride, padding, ceil_mode, count_include_pad
        As given to :func:`avg_pool2d`.

    Returns
    -------
    ndarray, the shape of ``x``
        float32 when ``x`` and ``grad_out`` are both float32, float64 otherwise.

    Examples
    --------
    >>> x = np.zeros((1, 4, 4))
    >>> avg_pool2d_backward(x, [[[4.0, 8.0], [12.0, 16.0]]], 2)   # g / 4 over each window
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.],
            [3., 3., 4., 4.],
            [3., 3., 4., 4.]]])
    >>> avg_pool2d_backward(np.zeros((1, 1, 3)), np.ones((1, 1, 2)), (1, 2), stride=1)
    array([[[0.5, 1. , 0.5]]])
    """
    count_include_pad = boolean(count_include_pad, "count_include_pad")
    x, kernel, strides, pads, outs = _settings(x, kernel_size, stride, padding, ceil_mode)
    g = _grad_out(grad_out, x, outs, "avg_pool2d")
    _refuse_large("avg_pool2d_backward", x, kernel, strides, pads, outs, input_bytes=16)
    g = g.astype(common_float(x, g), copy=False)
    counts = _window_counts(x.shape[-2:], kernel, strides, pads, outs, count_include_pad)
    share = g / counts.astype(g.dtype)
    return _spread_over_windows(share, x.shape, kernel, strides, pads, outs)


__all__ = ["avg_pool2d", "avg_pool2d_backward", "max_pool2d", "max_pool2d_backward"]
