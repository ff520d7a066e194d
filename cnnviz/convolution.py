"""Convolution, the operation every CNN layer is built on.

Deep learning's "convolution" is a sliding dot product (cross-correlation): for an
input ``x`` of shape ``(N, C, H, W)`` and weights ``w`` of shape
``(C_out, C, kh, kw)``::

    out[n, o, i, j] = b[o] + sum_{c, u, v} x_pad[n, c, i*s + u*d, j*s + v*d] * w[o, c, u, v]

with stride ``s``, dilation ``d`` and ``x_pad`` the input padded with zeros.
With ``groups = g`` the channels are split into ``g`` equal groups and output
channel ``o`` sees only the input channels of its own group (weights
``(C_out, C // g, kh, kw)``); ``g == C`` is the depthwise convolution.
:func:`conv2d` computes it with im2col and one matrix product; :func:`conv2d_naive`
with loops that read like the formula. True convolution flips the kernel by 180
degrees first: :func:`convolve2d`.
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import (
    as_array, channel_groups, check_memory, common_float, int_pair, nonnegative_int, one_of,
    positive_int, real_number,
)
from .errors import DoesNotFit
from .shapes import _no_fit_message, conv_output_size
from .spectral import _fft_correlate

PAD_MODES = ("zeros", "reflect", "replicate", "circular")
_NUMPY_PAD_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
PADDING_WORDS = ("valid", "same", "full")


# ------------------------------------------------------------------------ memory checks
def _shape_of(value):
    """The shape of an array or nested list, or None when it has none (the full checks
    that follow say why)."""
    try:
        return tuple(int(n) for n in np.shape(value))
    except (ValueError, TypeError, RecursionError):
        return None


def _itemsize(*arrays):
    """4 when every given array is float32 (the result is float32 too), else 8."""
    return 4 if all(getattr(a, "dtype", None) == np.float32 for a in arrays) else 8


def _refuse_large(what, x, kernel_shape, *, stride=1, padding=0, dilation=1, out_channels=0,
                  windows=True, copies=1, itemsize=8, kernel_named=True):
    """Refuse, before anything is allocated, a request whose padded input, unfolded windows
    (``C * kh * kw`` numbers per output position) and output would need more than
    :data:`cnnviz._validate.MEMORY_LIMIT`; ``copies`` counts the arrays of each kind a
    backward pass adds. ``kernel_shape`` ends in ``(kh, kw)``. Malformed arguments pass:
    the full checks that follow explain them."""
    shape = _shape_of(x)
    if shape is None or not isinstance(kernel_shape, (tuple, list)) or len(shape) < 2 \
            or len(kernel_shape) < 2:
        return
    try:
        kh, kw = (int(k) for k in kernel_shape[-2:])
        strides, dilations = int_pair(stride, "stride"), int_pair(dilation, "dilation")
        (top, bottom), (left, right) = resolve_padding(padding, (kh, kw), stride=strides,
                                                       dilation=dilations)
    except (ValueError, TypeError):
        return
    *batch, height, width = shape
    maps = math.prod(batch)                       # N * C (1 for one 2-D image)
    padded_h, padded_w = height + top + bottom, width + left + right
    outs = [max(0, (n - d * (k - 1) - 1) // s + 1)
            for n, k, s, d in zip((padded_h, padded_w), (kh, kw), strides, dilations)]
    need = maps * padded_h * padded_w
    if windows:
        images = math.prod(batch[:-1]) if len(batch) > 1 else 1
        need += maps * kh * kw * outs[0] * outs[1] + images * out_channels * outs[0] * outs[1]
    request = f"{what} of a {'x'.join(str(n) for n in shape)} input"
    request += f" with a {kh}x{kw} kernel and" if kernel_named else " with"
    check_memory(copies * need, itemsize, f"{request} padding {padding!r}")


# ----------------------------------------------------------------------------- padding
def _pad_amounts(padding, name="padding"):
    """Normalise an explicit padding to ((top, bottom), (left, right))."""
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        if len(padding) != 2 or not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in padding):
            raise ValueError(
                f"{name} must be an int, a pair (height, width) or a pair of pairs "
                f"((top, bottom), (left, right)); got {padding!r}"
            )
        (t, b), (left, right) = padding
        return (
            (nonnegative_int(t, name), nonnegative_int(b, name)),
            (nonnegative_int(left, name), nonnegative_int(right, name)),
        )
    ph, pw = int_pair(padding, name, check=nonnegative_int)
    return (ph, ph), (pw, pw)


def resolve_padding(padding, kernel_shape, *, stride=(1, 1), dilation=(1, 1)):
    """Turn ``padding`` (int, pair, "valid", "same" or "full") into ((top, bottom), (left, right)).

    "same" keeps the size at stride 1 (the odd pixel of an even kernel goes
    bottom/right, as in PyTorch); "full" pads ``d(k - 1)`` on every side so every
    partial overlap is computed.

    Examples
    --------
    >>> resolve_padding("same", (3, 4))
    ((1, 1), (1, 2))
    >>> resolve_padding(2, (3, 3))
    ((2, 2), (2, 2))
    """
    if isinstance(padding, str):
        one_of(padding, "padding", PADDING_WORDS)
        if padding == "valid":
            return (0, 0), (0, 0)
        spans = [d * (k - 1) for k, d in zip(kernel_shape, dilation)]
        if padding == "full":
            return (spans[0], spans[0]), (spans[1], spans[1])
        if tuple(stride) != (1, 1):
            raise ValueError(
                f"padding='same' needs stride 1; got stride {tuple(stride)} "
                "(give the padding as a number instead)"
            )
        return tuple((t // 2, t - t // 2) for t in spans)
    return _pad_amounts(padding)


def pad2d(x, padding, *, mode="zeros", value=0.0):
    """Pad the last two axes (height, width) of an array.

    Parameters
    ----------
    x : array_like
        ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
    padding : int, (ph, pw) or ((top, bottom), (left, right))
        Pixels added on each side.
    mode : {"zeros", "reflect", "replicate", "circular"}
        zeros: a constant (``value``, 0 by default); reflect: mirror without
        repeating the edge pixel; replicate: repeat the edge pixel; circular:
        wrap around, as if the image tiled the plane.
    value : float
        The constant for ``mode="zeros"``.

    Examples
    --------
    >>> x = np.array([[1, 2, 3]])
    >>> pad2d(x, (0, 2), mode="reflect")
    array([[3., 2., 1., 2., 3., 2., 1.]])
    >>> pad2d(x, (0, 2), mode="replicate")
    array([[1., 1., 1., 2., 3., 3., 3.]])
    >>> pad2d(x, (0, 2), mode="circular")
    array([[2., 3., 1., 2., 3., 1., 2.]])
    >>> pad2d(x, 1)
    array([[0., 0., 0., 0., 0.],
           [0., 1., 2., 3., 0.],
           [0., 0., 0., 0., 0.]])
    """
    _refuse_large("pad2d", x, (1, 1), padding=padding, windows=False, itemsize=_itemsize(x),
                  kernel_named=False)
    x = as_array(x, "x", ndims=(2, 3, 4))
    one_of(mode, "mode", PAD_MODES)
    value = real_number(value, "value")
    (t, b), (left, right) = _pad_amounts(padding)
    H, W = x.shape[-2:]
    if mode == "reflect" and (max(t, b) >= H or max(left, right) >= W):
        raise ValueError(
            f"reflect padding must be smaller than the input size {(H, W)}; got "
            f"padding {((t, b), (left, right))}"
        )
    if mode == "circular" and (max(t, b) > H or max(left, right) > W):
        raise ValueError(
            f"circular padding must be at most the input size {(H, W)}; got "
            f"padding {((t, b), (left, right))}"
        )
    widths = [(0, 0)] * (x.ndim - 2) + [(t, b), (left, right)]
    if mode == "zeros":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=_NUMPY_PAD_MODE[mode])


# ------------------------------------------------------------------- argument checks
def _prepare(x, weight, bias, stride, padding, dilation, groups=1):
    """Validate conv2d's arguments; return the batched padded input and settings."""
    x = as_array(x, "x", ndims=(3, 4))
    weight = as_array(weight, "weight", ndims=4)
    batched = x.ndim == 4
    if not batched:
        x = x[None]
    groups = channel_groups(groups, x.shape[1], weight.shape[0])
    if groups > 1 and weight.shape[1] * groups != x.shape[1]:
        raise ValueError(
            f"weight has depth {weight.shape[1]} (shape {weight.shape}) but the input has "
            f"{x.shape[1]} channels in groups={groups}: each filter must span "
            f"in_channels // groups = {x.shape[1] // groups} channels"
        )
    if weight.shape[1] * groups != x.shape[1]:
        raise ValueError(
            f"weight has depth {weight.shape[1]} (shape {weight.shape}) but the input has "
            f"{x.shape[1]} channels (shape {x.shape[1:]}): each filter must span all "
            "input channels"
        )
    if bias is not None:
        bias = as_array(bias, "bias", ndims=1)
        if bias.shape[0] != weight.shape[0]:
            raise ValueError(
                f"bias must have one value per output channel ({weight.shape[0]}); "
                f"got length {bias.shape[0]}"
            )
    stride = int_pair(stride, "stride")
    dilation = int_pair(dilation, "dilation")
    pads = resolve_padding(padding, weight.shape[2:], stride=stride, dilation=dilation)
    for axis, name in ((0, "height"), (1, "width")):
        n = x.shape[2 + axis]
        k = weight.shape[2 + axis]
        span = dilation[axis] * (k - 1) + 1
        if n + sum(pads[axis]) < span:
            lo, hi = pads[axis]
            raise DoesNotFit(f"{name}: " + _no_fit_message(n, k, lo if lo == hi else (lo, hi),
                                                           dilation[axis]),
                             size=n, kernel_size=k, padding=lo + hi, dilation=dilation[axis],
                             axis=name)
    dtype = common_float(x, weight, bias)
    x = x.astype(dtype, copy=False)
    weight = weight.astype(dtype, copy=False)
    if bias is not None:
        bias = bias.astype(dtype, copy=False)
    if any(sum(p) for p in pads):
        x = np.pad(x, [(0, 0), (0, 0), *pads])
    return x, weight, bias, stride, dilation, batched


def _out_size(n_padded, k, s, d):
    return (n_padded - d * (k - 1) - 1) // s + 1


# ----------------------------------------------------------------------- im2col + matmul
def im2col(x, kernel_shape, *, stride=(1, 1), dilation=(1, 1)):
    """Unfold every window of a padded batch into a column.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
        Already padded.
    kernel_shape : int or (kh, kw)
    stride, dilation : int or (int, int)

    Raises
    ------
    DoesNotFit
        (a ``ValueError``) when the dilated kernel is larger than ``x`` along an axis.

    Returns
    -------
    ndarray, shape (N, C * kh * kw, oh * ow)
        Column ``i * ow + j`` of batch item ``n`` holds the window whose output lands
        at ``(i, j)``, in the order (channel, kernel row, kernel column).

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> im2col(x, (2, 2))[0]
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    x = as_array(x, "x", ndims=4)
    kernel_shape = int_pair(kernel_shape, "kernel_shape")
    stride, dilation = int_pair(stride, "stride"), int_pair(dilation, "dilation")
    for n, k, s_, d in zip(x.shape[2:], kernel_shape, stride, dilation):
        conv_output_size(n, k, stride=s_, dilation=d)   # raises DoesNotFit when none fits
    _refuse_large("im2col", x, kernel_shape, stride=stride, dilation=dilation, itemsize=_itemsize(x))
    return _im2col(x, kernel_shape, stride, dilation)


def _im2col(x, kernel_shape, stride, dilation):
    """:func:`im2col` without its checks, for callers that have validated everything."""
    N, C, H, W = x.shape
    kh, kw = kernel_shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = _out_size(H, kh, sh, dh), _out_size(W, kw, sw, dw)
    # Every window as a strided view (no copy): (N, C, oh, ow, kh, kw), each window
    # spanning d(k - 1) + 1 pixels and keeping every d-th. Put in (channel, kernel
    # row, kernel column, output position) order, the reshape copies it once: one
    # pass over the columns rather than one call per kernel tap.
    windows = np.lib.stride_tricks.sliding_window_view(
        x, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3)
    )[:, :, : sh * (oh - 1) + 1 : sh, : sw * (ow - 1) + 1 : sw, ::dh, ::dw]
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * kh * kw, oh * ow)
    # A 1x1 kernel at stride 1 needs no copy, and reshape gives a view of x: copy it,
    # so the columns never change with x.
    return cols.copy() if np.may_share_memory(cols, x) else cols


def _grouped_forward(xp, weight, bias, stride, dilation, groups):
    """conv2d on a padded batch, one group of channels at a time.

    Returns the output and the list of each group's im2col columns (one entry when
    ``groups == 1``, computed exactly as an ungrouped convolution).
    """
    if groups == 1:
        out, cols = _conv2d_forward_cols(xp, weight, bias, stride, dilation)
        return out, [cols]
    cin, cout = xp.shape[1] // groups, weight.shape[0] // groups
    outs, cols = [], []
    for g in range(groups):
        o = slice(g * cout, (g + 1) * cout)
        out_g, cols_g = _conv2d_forward_cols(
            xp[:, g * cin : (g + 1) * cin], weight[o], None if bias is None else bias[o],
            stride, dilation,
        )
        outs.append(out_g)
        cols.append(cols_g)
    return np.concatenate(outs, axis=1), cols


def _grouped_backward(cols, weight, grad_out, padded_shape, pads, stride, dilation, groups):
    """conv2d's three gradients, one group at a time, from :func:`_grouped_forward`'s columns."""
    if groups == 1:
        return _conv2d_backward_cols(cols[0], weight, grad_out, padded_shape, pads, stride, dilation)
    N, C, H, W = padded_shape
    cin, cout = C // groups, weight.shape[0] // groups
    parts = [
        _conv2d_backward_cols(
            cols[g], weight[g * cout : (g + 1) * cout], grad_out[:, g * cout : (g + 1) * cout],
            (N, cin, H, W), pads, stride, dilation,
        )
        for g in range(groups)
    ]
    grad_x, grad_weight, grad_bias = zip(*parts)
    return (np.concatenate(grad_x, axis=1), np.concatenate(grad_weight, axis=0),
            np.concatenate(grad_bias, axis=0))


def conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution as in deep learning (cross-correlation), vectorised.

    Parameters
    ----------
    x : array_like, shape (C, H, W) or (N, C, H, W)
    weight : array_like, shape (C_out, C // groups, kh, kw)
    bias : array_like, shape (C_out,), optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), "valid", "same" or "full"
        Zeros added around the input. "same" needs stride 1.
    groups : int
        Split the ``C`` input and ``C_out`` output channels into ``groups`` equal
        groups (it must divide both); output channel ``o`` belongs to group
        ``g = o // (C_out // groups)`` and sums over input channels
        ``g * C // groups`` to ``(g + 1) * C // groups - 1`` only. ``groups == C`` is
        a depthwise convolution: one filter per channel. The multiply-adds and the
        weights shrink ``groups`` times.

    Returns
    -------
    ndarray, shape (C_out, oh, ow) or (N, C_out, oh, ow)
        ``oh = floor((H + 2p - d(kh - 1) - 1) / s) + 1``, likewise ``ow``.
        float32 when every input is float32, float64 otherwise.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> w = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> conv2d(x, w)
    array([[[19., 25.],
            [37., 43.]]])
    >>> conv2d(np.ones((3, 32, 32)), np.ones((16, 3, 3, 3))).shape
    (16, 30, 30)

    Depthwise: each of the two channels gets its own 1x1 filter.

    >>> conv2d(np.ones((2, 1, 1)), np.array([2.0, 3.0]).reshape(2, 1, 1, 1), groups=2)
    array([[[2.]],
    <BLANKLINE>
           [[3.]]])
    """
    _refuse_large("conv2d", x, _shape_of(weight), stride=stride, padding=padding, dilation=dilation,
                  out_channels=(_shape_of(weight) or (0,))[0], itemsize=_itemsize(x, weight))
    xp, weight, bias, stride, dilation, batched = _prepare(
        x, weight, bias, stride, padding, dilation, groups
    )
    out, _ = _grouped_forward(xp, weight, bias, stride, dilation, int(groups))
    return out if batched else out[0]


def conv2d_naive(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """The same as :func:`conv2d`, with loops that mirror the formula.

    For teaching and as a reference in tests: one output value at a time, each the
    sum of a window of the padded input times the kernel. With ``groups``, the
    window spans only the input channels of the output channel's group.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> w = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> conv2d_naive(x, w)
    array([[[19., 25.],
            [37., 43.]]])
    """
    _refuse_large("conv2d_naive", x, _shape_of(weight), stride=stride, padding=padding,
                  dilation=dilation, windows=False, itemsize=_itemsize(x, weight))
    xp, weight, bias, (sh, sw), (dh, dw), batched = _prepare(
        x, weight, bias, stride, padding, dilation, groups
    )
    N, C, H, W = xp.shape
    O, per_group, kh, kw = weight.shape
    oh, ow = _out_size(H, kh, sh, dh), _out_size(W, kw, sw, dw)
    out = np.zeros((N, O, oh, ow), dtype=xp.dtype)
    for n in range(N):
        for o in range(O):
            group = o // (O // groups)
            channels = slice(group * per_group, (group + 1) * per_group)
            for i in range(oh):
                for j in range(ow):
                    top, left = i * sh, j * sw
                    window = xp[n, channels, top : top + dh * (kh - 1) + 1 : dh,
                                left : left + dw * (kw - 1) + 1 : dw]
                    out[n, o, i, j] = np.sum(window * weight[o])
                    if bias is not None:
                        out[n, o, i, j] += bias[o]
    return out if batched else out[0]



# ------------------------------------------------------------------------ backward pass
def col2im(cols, input_shape, kernel_shape, *, stride=1, dilation=1):
    """Fold columns back onto an image, adding where windows overlap.

    The mirror of :func:`im2col`: where ``im2col`` copies every pixel into each
    window that covers it, ``col2im`` sends each column entry back to its pixel
    and sums what arrives. That sum is exactly what the backward pass needs, since
    a pixel used by several windows receives the gradient of each. It is the
    adjoint of ``im2col``: ``sum(im2col(x) * c) == sum(x * col2im(c, x.shape, ...))``.

    Parameters
    ----------
    cols : array_like, shape (N, C * kh * kw, oh * ow)
        Laid out as :func:`im2col` returns it.
    input_shape : (N, C, H, W)
        Shape of the (already padded) image the columns came from.
    kernel_shape : (kh, kw)
    stride, dilation : int or (int, int)

    Returns
    -------
    ndarray, shape (N, C, H, W)
        Pixels that no window reaches stay 0.

    Examples
    --------
    >>> ones = np.ones((1, 4, 4))                      # one 2x2 kernel, 2x2 output
    >>> col2im(ones, (1, 1, 3, 3), (2, 2))[0, 0]       # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    cols = as_array(cols, "cols", ndims=3)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 4:
        raise ValueError(f"input_shape must be (N, C, H, W); got {input_shape!r}")
    N, C, H, W = (positive_int(n, "input_shape") for n in input_shape)
    check_memory(N * C * H * W, 8, f"col2im onto input_shape {(N, C, H, W)}")
    kh, kw = int_pair(tuple(kernel_shape), "kernel_shape")
    (sh, sw), (dh, dw) = int_pair(stride, "stride"), int_pair(dilation, "dilation")
    if H < dh * (kh - 1) + 1 or W < dw * (kw - 1) + 1:
        raise ValueError(
            f"kernel_shape {(kh, kw)} with dilation {(dh, dw)} does not fit input_shape "
            f"{tuple(input_shape)}"
        )
    oh, ow = _out_size(H, kh, sh, dh), _out_size(W, kw, sw, dw)
    expected = (N, C * kh * kw, oh * ow)
    if cols.shape != expected:
        raise ValueError(
            f"cols must have shape {expected} for input_shape {(N, C, H, W)} and "
            f"kernel_shape {(kh, kw)}; got {cols.shape}"
        )
    return _col2im(cols, (N, C, H, W), (kh, kw), (sh, sw), (dh, dw), (oh, ow))


def _col2im(cols, input_shape, kernel_shape, stride, dilation, outs):
    N, C, H, W = input_shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_shape, stride, dilation, outs
    cols = cols.reshape(N, C, kh, kw, oh, ow)
    x = np.zeros((N, C, H, W), dtype=cols.dtype)
    # One strided add per kernel tap, the mirror of im2col's strided copies. Within
    # one tap the target pixels are distinct, so ``+=`` on the view is exact.
    for u in range(kh):
        rows = slice(u * dh, u * dh + sh * (oh - 1) + 1, sh)
        for v in range(kw):
            x[:, :, rows, v * dw : v * dw + sw * (ow - 1) + 1 : sw] += cols[:, :, u, v]
    return x


def _conv2d_forward_cols(xp, weight, bias, stride, dilation):
    """conv2d on an already padded batch; also returns the im2col columns."""
    N, C, H, W = xp.shape
    O, _, kh, kw = weight.shape
    oh, ow = _out_size(H, kh, stride[0], dilation[0]), _out_size(W, kw, stride[1], dilation[1])
    cols = _im2col(xp, (kh, kw), stride, dilation)
    out = np.matmul(weight.reshape(O, C * kh * kw), cols).reshape(N, O, oh, ow)
    if bias is not None:
        out += bias[:, None, None]
    return out, cols


def _conv2d_backward_cols(cols, weight, grad_out, padded_shape, pads, stride, dilation):
    """Gradients from the cached im2col columns; ``grad_out`` is (N, O, oh, ow)."""
    N, O, oh, ow = grad_out.shape
    _, C, kh, kw = weight.shape
    g = grad_out.reshape(N, O, oh * ow)
    # dW: every window times the gradient of the output it produced, summed over
    # positions (a matrix product with the columns) and then over the batch.
    grad_weight = np.matmul(g, cols.transpose(0, 2, 1)).sum(axis=0).reshape(weight.shape)
    grad_bias = g.sum(axis=(0, 2))
    # dX: each output's gradient spread back over its window (W^T g), then folded.
    grad_cols = np.matmul(weight.reshape(O, C * kh * kw).T, g)
    grad_xp = _col2im(grad_cols, padded_shape, (kh, kw), stride, dilation, (oh, ow))
    (t, b), (left, right) = pads
    H, W = padded_shape[2] - t - b, padded_shape[3] - left - right
    return grad_xp[:, :, t : t + H, left : left + W], grad_weight, grad_bias


def _prepare_backward(x, weight, grad_out, stride, padding, dilation, groups=1):
    x_arr = as_array(x, "x", ndims=(3, 4))
    xp, weight, _, stride, dilation, batched = _prepare(
        x_arr, weight, None, stride, padding, dilation, groups
    )
    pads = resolve_padding(padding, weight.shape[2:], stride=stride, dilation=dilation)
    N, _, H, W = xp.shape
    O, _, kh, kw = weight.shape
    expected = (N, O, _out_size(H, kh, stride[0], dilation[0]), _out_size(W, kw, stride[1], dilation[1]))
    grad_out = as_array(grad_out, "grad_out", ndims=(3, 4))
    if grad_out.ndim != x_arr.ndim or (grad_out if batched else grad_out[None]).shape != expected:
        want = expected if batched else expected[1:]
        raise ValueError(
            f"grad_out must have the shape of the convolution's output {want}; "
            f"got {grad_out.shape}"
        )
    if not batched:
        grad_out = grad_out[None]
    grad_out = grad_out.astype(common_float(xp, grad_out), copy=False)
    return xp, weight, grad_out, stride, dilation, pads, batched


def conv2d_backward(x, weight, grad_out, *, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of a loss through :func:`conv2d`, given the gradient of its output.

    With ``g = dL/d(out)`` of shape ``(N, C_out, oh, ow)``:

    * ``dL/db[o] = sum_{n, i, j} g[n, o, i, j]``;
    * ``dL/dw`` correlates the input with ``g``: one matrix product of ``g`` with the
      im2col columns of the padded input;
    * ``dL/dx`` sends each ``g[n, o, i, j]`` back over its window, weighted by the
      kernel: ``W^T g`` folded by :func:`col2im`. At stride 1 this is a full
      convolution of ``g`` with the kernel rotated by 180 degrees.

    Parameters
    ----------
    x, weight, stride, padding, dilation, groups
        As given to :func:`conv2d` (``x`` of shape ``(C, H, W)`` or ``(N, C, H, W)``).
        With groups, each group's gradients come from its own channels alone.
    grad_out : array_like
        Gradient of the loss with respect to the output of ``conv2d``, same shape.

    Returns
    -------
    grad_x : ndarray, shape of ``x``
    grad_weight : ndarray, shape (C_out, C // groups, kh, kw)
    grad_bias : ndarray, shape (C_out,)

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> w = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> gx, gw, gb = conv2d_backward(x, w, np.ones((1, 2, 2)))   # L = sum(conv2d(x, w))
    >>> gx[0]                         # each pixel: sum of the kernel taps that touch it
    array([[0., 1., 1.],
           [2., 6., 4.],
           [2., 5., 3.]])
    >>> gw[0, 0]                      # each tap: sum of the pixels it touched
    array([[ 8., 12.],
           [20., 24.]])
    >>> gb
    array([4.])
    """
    _refuse_large("conv2d_backward", x, _shape_of(weight), stride=stride, padding=padding,
                  dilation=dilation, copies=2, itemsize=_itemsize(x, weight))
    xp, weight, grad_out, stride, dilation, pads, batched = _prepare_backward(
        x, weight, grad_out, stride, padding, dilation, groups
    )
    groups = int(groups)
    cols = [_im2col(part, weight.shape[2:], stride, dilation)
            for part in np.split(xp, groups, axis=1)]
    grad_x, grad_weight, grad_bias = _grouped_backward(
        cols, weight, grad_out, xp.shape, pads, stride, dilation, groups
    )
    return (grad_x if batched else grad_x[0]), grad_weight, grad_bias


def conv2d_backward_naive(x, weight, grad_out, *, stride=1, padding=0, dilation=1, groups=1):
    """The same as :func:`conv2d_backward`, with loops that mirror :func:`conv2d_naive`.

    The forward loop computed ``out[n, o, i, j] = sum(window * w[o]) + b[o]``; going
    back, each output value hands its gradient to everything it was made of:
    ``w[o]`` gets ``g * window``, the window gets ``g * w[o]``, ``b[o]`` gets ``g``.
    With ``groups``, the window is that of the output channel's group.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> w = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> conv2d_backward_naive(x, w, np.ones((1, 2, 2)))[1][0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    _refuse_large("conv2d_backward_naive", x, _shape_of(weight), stride=stride, padding=padding,
                  dilation=dilation, windows=False, copies=2, itemsize=_itemsize(x, weight))
    xp, weight, grad_out, (sh, sw), (dh, dw), pads, batched = _prepare_backward(
        x, weight, grad_out, stride, padding, dilation, groups
    )
    N, O, oh, ow = grad_out.shape
    per_group, kh, kw = weight.shape[1:]
    grad_xp = np.zeros(xp.shape, dtype=grad_out.dtype)
    grad_weight = np.zeros(weight.shape, dtype=grad_out.dtype)
    grad_bias = np.zeros(O, dtype=grad_out.dtype)
    for n in range(N):
        for o in range(O):
            group = o // (O // groups)
            channels = slice(group * per_group, (group + 1) * per_group)
            for i in range(oh):
                for j in range(ow):
                    g = grad_out[n, o, i, j]
                    rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
                    cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
                    grad_weight[o] += g * xp[n, channels, rows, cols]
                    grad_xp[n, channels, rows, cols] += g * weight[o]
                    grad_bias[o] += g
    (t, b), (left, right) = pads
    grad_x = grad_xp[:, :, t : xp.shape[2] - b, left : xp.shape[3] - right]
    return (grad_x if batched else grad_x[0]), grad_weight, grad_bias


# ---------------------------------------------------------------------- 2-D image helpers
def correlate2d(image, kernel, *, stride=1, padding=0, dilation=1, pad_mode="zeros",
                method="direct"):
    """Slide ``kernel`` over a 2-D ``image`` and take the dot product at each stop.

    This is what deep learning calls convolution (no kernel flip).

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), "valid", "same" or "full"
    pad_mode : {"zeros", "reflect", "replicate", "circular"}
        How the border is filled (see :func:`pad2d`).
    method : {"direct", "fft"}
        "direct" sums each window (im2col); "fft" multiplies Fourier transforms
        (:mod:`cnnviz.spectral`), faster for large kernels. Every padding, pad_mode,
        stride and dilation works with both; the results agree to float rounding.

    Returns
    -------
    ndarray, shape (oh, ow)

    Examples
    --------
    >>> correlate2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    array([[19., 25.],
           [37., 43.]])
    """
    one_of(method, "method", ("direct", "fft"))
    if method == "direct":  # the FFT path counts its own, smaller, memory (cnnviz.spectral)
        _refuse_large("correlate2d", image, _shape_of(kernel), stride=stride, padding=padding,
                      dilation=dilation, out_channels=1, itemsize=_itemsize(image, kernel))
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    one_of(pad_mode, "pad_mode", PAD_MODES)
    stride = int_pair(stride, "stride")
    dilation = int_pair(dilation, "dilation")
    pads = resolve_padding(padding, kernel.shape, stride=stride, dilation=dilation)
    if pad_mode != "zeros" and any(sum(p) for p in pads):
        image = pad2d(image, pads, mode=pad_mode)
        pads = 0
    if method == "fft":
        return _fft_correlate(image, kernel, pads, stride, dilation)
    out = conv2d(image[None], kernel[None, None], stride=stride, padding=pads, dilation=dilation)
    return out[0]


def convolve2d(image, kernel, *, stride=1, padding=0, dilation=1, pad_mode="zeros",
               method="direct"):
    """True 2-D convolution: :func:`correlate2d` with the kernel rotated 180 degrees.

    Equals ``scipy.signal.convolve2d(padded_image, kernel, mode="valid")``; ``method``
    as for :func:`correlate2d`.

    Examples
    --------
    >>> convolve2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    array([[ 5., 11.],
           [23., 29.]])
    """
    kernel = as_array(kernel, "kernel", ndims=2)
    return correlate2d(
        image, kernel[::-1, ::-1], stride=stride, padding=padding, dilation=dilation,
        pad_mode=pad_mode, method=method,
    )


__all__ = [
    "PAD_MODES",
    "col2im",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_naive",
    "conv2d_naive",
    "convolve2d",
    "correlate2d",
    "im2col",
    "pad2d",
    "resolve_padding",
]
