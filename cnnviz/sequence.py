"""1-D convolution over sequences (signals, audio, text), causal padding included.

For a sequence ``x`` of shape ``(N, C, L)`` and weights ``w`` of shape
``(C_out, C // groups, k)``::

    out[n, o, t] = b[o] + sum_{c, u} x_pad[n, g*Cg + c, t*s + u*d] * w[o, c, u]

where ``g = o // (C_out // groups)`` is the output channel's group, ``Cg = C // groups``,
``s`` the stride, ``d`` the dilation and ``x_pad`` the input with zeros added.
*Causal* padding puts all ``d(k - 1)`` zeros on the left, so ``out[t]`` (stride 1)
depends on ``x[0..t]`` alone: a model reading a signal cannot peek at the future.
Stacking causal layers with dilations 1, 2, 4, ... widens what each output sees
exponentially (WaveNet's idea).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_array, check_memory, common_float, nonnegative_int, one_of, positive_int
from .shapes import _no_fit_message

PADDING_WORDS_1D = ("valid", "same", "causal")


def _pads_1d(padding, k, stride, dilation):
    """(left, right) zeros for an int, a (left, right) pair, "valid", "same" or "causal"."""
    span = dilation * (k - 1)
    if isinstance(padding, str):
        one_of(padding, "padding", PADDING_WORDS_1D)
        if padding == "valid":
            return 0, 0
        if padding == "causal":
            return span, 0
        if stride != 1:
            raise ValueError(
                f"padding='same' needs stride 1; got stride {stride} "
                "(give the padding as a number, or use 'causal')"
            )
        return span // 2, span - span // 2  # the odd zero goes right, as in PyTorch
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(
                "padding must be an int, a pair (left, right), 'valid', 'same' or 'causal'; "
                f"got {padding!r}"
            )
        return nonnegative_int(padding[0], "padding"), nonnegative_int(padding[1], "padding")
    p = nonnegative_int(padding, "padding")
    return p, p


def _prepare(x, weight, bias, stride, padding, dilation, groups):
    """Validate conv1d's arguments; return the batched padded input and the settings."""
    x = as_array(x, "x", ndims=(2, 3))
    weight = as_array(weight, "weight", ndims=3)
    batched = x.ndim == 3
    if not batched:
        x = x[None]
    stride = positive_int(stride, "stride")
    dilation = positive_int(dilation, "dilation")
    groups = positive_int(groups, "groups")
    C, (O, Cg, k) = x.shape[1], weight.shape
    for name, count in (("input channels", C), ("output channels (weight.shape[0])", O)):
        if count % groups:
            raise ValueError(f"groups must divide the {count} {name}; got groups {groups}")
    if Cg * groups != C:
        raise ValueError(
            f"weight has depth {Cg} (shape {weight.shape}) but the input has {C} channels in "
            f"{groups} group{'s' if groups > 1 else ''}: each filter must span "
            f"C // groups = {C // groups} channels"
        )
    if bias is not None:
        bias = as_array(bias, "bias", ndims=1)
        if bias.shape[0] != O:
            raise ValueError(
                f"bias must have one value per output channel ({O}); got length {bias.shape[0]}"
            )
    left, right = _pads_1d(padding, k, stride, dilation)
    L = x.shape[2]
    if L + left + right < dilation * (k - 1) + 1:
        pad = left if left == right else (left, right)
        raise ValueError("length: " + _no_fit_message(L, k, pad, dilation))
    dtype = common_float(x, weight, bias)
    # The padded copy, the windows (one column per tap and output) and the output.
    N, n_out = x.shape[0], _out_length(L + left + right, k, stride, dilation)
    check_memory(N * C * (L + left + right) + N * (C * k + O) * n_out, dtype.itemsize,
                 f"conv1d of {x.shape} with padding {(left, right)}")
    x = x.astype(dtype, copy=False)
    weight = weight.astype(dtype, copy=False)
    if bias is not None:
        bias = bias.astype(dtype, copy=False)
    if left or right:
        x = np.pad(x, [(0, 0), (0, 0), (left, right)])
    return x, weight, bias, stride, dilation, groups, batched


def _out_length(padded, k, stride, dilation):
    return (padded - dilation * (k - 1) - 1) // stride + 1


def conv1d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution as in deep learning (cross-correlation), vectorised; as PyTorch's.

    Parameters
    ----------
    x : array_like, shape (C, L) or (N, C, L)
    weight : array_like, shape (C_out, C // groups, k)
    bias : array_like, shape (C_out,), optional
    stride, dilation : int
    padding : int, (left, right), "valid", "same" or "causal"
        Zeros added to the sequence. "same" keeps the length at stride 1 (the odd
        zero goes right, as in PyTorch); "causal" adds ``d(k - 1)`` zeros on the left
        only, so at stride 1 the length stays ``L`` and ``out[t]`` depends on
        ``x[..t]`` alone.
    groups : int
        Splits the input and output channels into ``groups`` blocks; each output
        channel reads only its own block of ``C // groups`` input channels.

    Returns
    -------
    ndarray, shape (C_out, out_len) or (N, C_out, out_len)
        ``out_len = floor((L + left + right - d(k - 1) - 1) / s) + 1``. float32 when
        every input is float32, float64 otherwise.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 4.0, 7.0]])
    >>> conv1d(x, [[[-1.0, 1.0]]])                        # a difference kernel
    array([[1., 2., 3.]])
    >>> conv1d(x, [[[-1.0, 1.0]]], padding="causal")      # out[t] = x[t] - x[t - 1]
    array([[1., 1., 2., 3.]])
    >>> conv1d(np.ones((8, 3, 100)), np.ones((16, 3, 5)), padding="same").shape
    (8, 16, 100)
    """
    xp, weight, bias, stride, dilation, groups, batched = _prepare(
        x, weight, bias, stride, padding, dilation, groups
    )
    N, C, Lp = xp.shape
    O, Cg, k = weight.shape
    n_out = _out_length(Lp, k, stride, dilation)
    # One strided copy per tap: cols[n, c, u, t] = xp[n, c, t*s + u*d].
    cols = np.empty((N, C, k, n_out), dtype=xp.dtype)
    for u in range(k):
        start = u * dilation
        cols[:, :, u] = xp[:, :, start : start + stride * (n_out - 1) + 1 : stride]
    cols = cols.reshape(N, groups, Cg * k, n_out)
    out = np.matmul(weight.reshape(groups, O // groups, Cg * k), cols).reshape(N, O, n_out)
    if bias is not None:
        out += bias[:, None]
    return out if batched else out[0]


def conv1d_naive(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """The same as :func:`conv1d`, with loops that mirror the formula.

    Examples
    --------
    >>> conv1d_naive([[1.0, 2.0, 4.0, 7.0]], [[[1.0, 1.0]]], padding="causal")   # running pair sums
    array([[ 1.,  3.,  6., 11.]])
    """
    xp, weight, bias, stride, dilation, groups, batched = _prepare(
        x, weight, bias, stride, padding, dilation, groups
    )
    N, C, Lp = xp.shape
    O, Cg, k = weight.shape
    n_out = _out_length(Lp, k, stride, dilation)
    out = np.zeros((N, O, n_out), dtype=xp.dtype)
    for n in range(N):
        for o in range(O):
            g = o // (O // groups)
            for t in range(n_out):
                start = t * stride
                window = xp[n, g * Cg : (g + 1) * Cg, start : start + dilation * (k - 1) + 1 : dilation]
                out[n, o, t] = np.sum(window * weight[o])
                if bias is not None:
                    out[n, o, t] += bias[o]
    return out if batched else out[0]


__all__ = ["PADDING_WORDS_1D", "conv1d", "conv1d_naive"]
