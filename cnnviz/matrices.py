"""Convolution as a matrix: one row per output value, one column per input value.

A convolution is linear in its input, so for a fixed weight tensor there is a
matrix ``M`` with ``M @ x.ravel() == conv2d(x, weight).ravel()``. Row ``(o, i, j)``
holds the kernel ``weight[o]``'s taps in the columns of the pixels its window covers
and zeros elsewhere, so ``M`` is mostly zeros and the same taps repeat, shifted, from
row to row (weight sharing, seen as a matrix). Its transpose sends an output
gradient back to the input, which is the transposed convolution:
``M.T @ g.ravel() == conv2d_backward(x, weight, g)[0].ravel()``.

The matrix is dense numpy, for teaching sizes; :data:`cnnviz._validate.MEMORY_LIMIT`
caps it.
"""

from __future__ import annotations

import numpy as np

from ._validate import _show, as_array, check_memory, int_pair, positive_int
from .convolution import resolve_padding
from .errors import DoesNotFit
from .shapes import _no_fit_message


def conv2d_matrix(input_shape, weight, *, stride=1, padding=0, dilation=1):
    """The matrix of :func:`cnnviz.conv2d` for inputs of ``input_shape``.

    Parameters
    ----------
    input_shape : (C, H, W)
        Shape of one input (no batch axis).
    weight : array_like, shape (C_out, C, kh, kw)
    stride, padding, dilation
        As :func:`cnnviz.conv2d` takes them ("valid", "same" and "full" included).
        Padded zeros have no column: they add nothing to any output.

    Returns
    -------
    ndarray, shape (C_out * oh * ow, C * H * W)
        ``M[(o*oh + i)*ow + j, (c*H + r)*W + q] = weight[o, c, u, v]`` where
        ``r = i*s + u*d - top`` and ``q = j*s + v*d - left`` for a tap ``(u, v)``,
        0 where no tap lands; so ``M @ x.ravel() == conv2d(x, weight, ...).ravel()``
        and ``M.T @ g.ravel()`` is the gradient :func:`cnnviz.conv2d_backward` gives
        ``x``. float32 for a float32 weight, float64 otherwise.

    Raises
    ------
    ValueError
        When the matrix would need more memory than
        :data:`cnnviz._validate.MEMORY_LIMIT`, naming the size.

    Examples
    --------
    A 2x3 input and a 2x2 kernel give 2 outputs, so 2 rows of 6 columns, one per
    pixel; the second row is the first shifted by one pixel:

    >>> w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> conv2d_matrix((1, 2, 3), w)
    array([[1., 2., 0., 3., 4., 0.],
           [0., 1., 2., 0., 3., 4.]])
    >>> conv2d_matrix((1, 4, 4), np.ones((1, 1, 3, 3))).shape
    (4, 16)
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W); got {_show(input_shape)}")
    C, H, W = (positive_int(n, "input_shape") for n in input_shape)
    weight = as_array(weight, "weight", ndims=4)
    O, Cw, kh, kw = weight.shape
    if Cw != C:
        raise ValueError(
            f"weight has depth {Cw} (shape {weight.shape}) but input_shape has {C} channels "
            f"({(C, H, W)}): each filter must span all input channels"
        )
    stride = int_pair(stride, "stride")
    dilation = int_pair(dilation, "dilation")
    pads = resolve_padding(padding, (kh, kw), stride=stride, dilation=dilation)
    outs = []
    for axis, (name, n, k) in enumerate((("height", H, kh), ("width", W, kw))):
        lo, hi = pads[axis]
        span = dilation[axis] * (k - 1) + 1
        if n + lo + hi < span:
            raise DoesNotFit(f"{name}: " + _no_fit_message(n, k, lo if lo == hi else (lo, hi),
                                                           dilation[axis]),
                             size=n, kernel_size=k, padding=lo + hi, dilation=dilation[axis],
                             axis=name)
        outs.append((n + lo + hi - span) // stride[axis] + 1)
    oh, ow = outs
    rows, cols = O * oh * ow, C * H * W
    check_memory(rows * cols, weight.itemsize,
                 f"conv2d_matrix for input_shape {(C, H, W)} and weight {weight.shape} "
                 f"({rows:,} x {cols:,} entries)")
    M = np.zeros((O, oh, ow, C, H, W), dtype=weight.dtype)
    (top, _), (left, _) = pads
    i, j = np.arange(oh), np.arange(ow)
    for u in range(kh):
        r = i * stride[0] + u * dilation[0] - top          # input row each output row reads
        inside_r = (r >= 0) & (r < H)
        for v in range(kw):
            q = j * stride[1] + v * dilation[1] - left
            inside_q = (q >= 0) & (q < W)
            ii, qq = i[inside_r], j[inside_q]
            # The advanced indices go first in the result: (rows, columns, O, C) <- (O, C).
            M[:, ii[:, None], qq[None, :], :, r[inside_r][:, None], q[inside_q][None, :]] = (
                weight[:, :, u, v]
            )
    return M.reshape(rows, cols)


__all__ = ["conv2d_matrix"]
