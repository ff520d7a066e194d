"""Transposed convolution: every input value stamps a scaled copy of the kernel.

For an input ``x`` of shape ``(N, C_in, H, W)`` and weights ``w`` of shape
``(C_in, C_out, kh, kw)`` (one group), each value ``x[n, c, i, j]`` adds
``x[n, c, i, j] * w[c]`` onto the output, its top-left corner at ``(i*s, j*s)``, the
kernel's taps ``d`` pixels apart; where stamps overlap they add::

    full[n, o, i*s + u*d, j*s + v*d] += x[n, c, i, j] * w[c, o, u, v]

``padding`` then crops ``p`` pixels from every side of ``full`` and ``output_padding``
keeps extra rows/columns on the bottom/right, so the output is
``(n - 1)s - 2p + d(k - 1) + output_padding + 1`` pixels along each axis
(:func:`cnnviz.shapes.conv_transpose_output_size`).

It is not an inverse of :func:`cnnviz.conv2d` but its transpose: with the same weight
tensor and settings, ``conv_transpose2d(g, w)`` is the gradient that
:func:`cnnviz.conv2d_backward` sends to the input. Upsampling decoders and GAN
generators use it to learn how to enlarge a feature map.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_array, boolean, check_memory, common_float, int_pair, nonnegative_int, positive_int,
)
from .convolution import _im2col
from .layers import Layer, _check_shape, _grad_like, _image_batch
from .shapes import conv_transpose_output_size


# ------------------------------------------------------------------- argument checks
def _settings(stride, padding, output_padding, dilation, groups):
    """Check the options of a transposed convolution; return them as pairs (and groups)."""
    stride = int_pair(stride, "stride")
    dilation = int_pair(dilation, "dilation")
    if isinstance(padding, str):
        raise ValueError(
            "padding must be a non-negative integer or a pair (height, width) for a "
            f"transposed convolution; got {padding!r}"
        )
    padding = int_pair(padding, "padding", check=nonnegative_int)
    output_padding = int_pair(output_padding, "output_padding", check=nonnegative_int)
    groups = positive_int(groups, "groups")
    for axis, name in ((0, "height"), (1, "width")):
        op, s, d = output_padding[axis], stride[axis], dilation[axis]
        if op >= s and op >= d:
            raise ValueError(
                f"output_padding must be smaller than stride or dilation; got output_padding "
                f"{op} with stride {s} and dilation {d} ({name})"
            )
    return stride, padding, output_padding, dilation, groups


def _out_shape(in_hw, kernel, stride, padding, output_padding, dilation):
    """(oh, ow) of a transposed convolution, or a ValueError naming the axis."""
    out = []
    for axis, name in ((0, "height"), (1, "width")):
        try:
            out.append(conv_transpose_output_size(
                in_hw[axis], kernel[axis], stride=stride[axis], padding=padding[axis],
                output_padding=output_padding[axis], dilation=dilation[axis],
            ))
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
    return tuple(out)


def _prepare(x, weight, bias, stride, padding, output_padding, dilation, groups, *, loops=False):
    """Validate conv_transpose2d's arguments; return the batch, weights and settings.

    Refuses, before anything is allocated, a request over the memory limit: the
    vectorised version holds a channels-last copy of the input, one stamp, the
    accumulator and the output; the loops (``loops=True``) the uncropped canvas and
    the output.
    """
    x = as_array(x, "x", ndims=(3, 4))
    weight = as_array(weight, "weight", ndims=4)
    batched = x.ndim == 4
    if not batched:
        x = x[None]
    stride, padding, output_padding, dilation, groups = _settings(
        stride, padding, output_padding, dilation, groups
    )
    C = x.shape[1]
    if weight.shape[0] != C:
        raise ValueError(
            f"weight has {weight.shape[0]} input channels in its first axis (shape "
            f"{weight.shape}) but the input has {C} channels (shape {x.shape[1:]}); a "
            "transposed convolution's weight is (C_in, C_out // groups, kh, kw)"
        )
    if C % groups:
        raise ValueError(
            f"groups must divide the {C} input channels; got groups {groups}"
        )
    out_channels = weight.shape[1] * groups
    if bias is not None:
        bias = as_array(bias, "bias", ndims=1)
        if bias.shape[0] != out_channels:
            raise ValueError(
                f"bias must have one value per output channel ({out_channels}); "
                f"got length {bias.shape[0]}"
            )
    out_hw = _out_shape(x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation)
    dtype = common_float(x, weight, bias)
    N, _, H, W = x.shape
    oh, ow = out_hw
    if loops:
        Hc, Wc = _canvas_shape((H, W), weight.shape[2:], stride, dilation, output_padding)
        need = N * out_channels * (Hc * Wc + oh * ow)
    else:
        need = N * (C + out_channels) * H * W + 2 * N * out_channels * oh * ow
    check_memory(need, dtype.itemsize,
                 f"conv_transpose2d to an output of shape {(N, out_channels, oh, ow)}")
    x = x.astype(dtype, copy=False)
    weight = weight.astype(dtype, copy=False)
    if bias is not None:
        bias = bias.astype(dtype, copy=False)
    return x, weight, bias, (stride, padding, output_padding, dilation, groups), out_hw, batched


def _canvas_shape(in_hw, kernel, stride, dilation, output_padding):
    """Size of the uncropped output: every stamp, plus output_padding at the bottom/right."""
    return tuple(
        (n - 1) * s + d * (k - 1) + 1 + op
        for n, k, s, d, op in zip(in_hw, kernel, stride, dilation, output_padding)
    )


# --------------------------------------------------------------------- the operation
def _landing(n, offset, stride, crop, out_len):
    """Where one kernel tap's stamps land along an axis, after cropping ``crop`` pixels.

    Input index ``i`` lands on output ``i*stride + offset - crop``; returns the slice of
    inputs that land inside ``[0, out_len)`` and the slice of outputs they land on, or
    None when none does.
    """
    first = max(0, -(-(crop - offset) // stride))        # ceil((crop - offset) / stride)
    last = min(n - 1, (out_len - 1 + crop - offset) // stride)
    if last < first:
        return None
    start = first * stride + offset - crop
    return slice(first, last + 1), slice(start, start + stride * (last - first) + 1, stride)


def _blocks(n, size):
    """``range(n)`` as slices of ``size``.

    Moving the channel axes across the pixel axes is a transpose; done a block at a
    time, what it reads and writes stays in the cache (two to three times as fast as
    one numpy copy of the whole transposed array, measured on the decoder case).
    """
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _forward(x, weight, bias, settings, out_hw):
    """conv_transpose2d on a checked batch, one kernel tap at a time.

    For tap ``(u, v)``, every input pixel's stamp value is ``w[:, :, u, v]^T x`` (one
    matrix product per group); it is added where that tap lands, ``(i*s + u*d - p,
    j*s + v*d - p)``, skipping what the padding crops. The work is done channels-last,
    ``(height, width, N, C)``, so each strided add moves whole ``N * C_out`` runs of
    contiguous numbers, and writes straight into the output: no uncropped canvas, one
    stamp-sized buffer.
    """
    stride, padding, _, dilation, groups = settings
    N, C, H, W = x.shape
    _, Og, kh, kw = weight.shape
    Cg = C // groups
    # Per group, pixels by channels, (G, H*W, N, Cg), and each tap's matrix, (G, kh, kw, Cg, Og).
    xs = np.empty((groups, H * W, N, Cg), dtype=x.dtype)
    x4 = x.reshape(N, groups, Cg, H * W)
    for block in _blocks(N, max(1, 32 // C)):            # about 32 channel rows at a time
        xs[:, :, block] = x4[block].transpose(1, 3, 0, 2)
    xs = xs.reshape(groups, H * W * N, Cg)
    taps = np.ascontiguousarray(weight.reshape(groups, Cg, Og, kh, kw).transpose(0, 3, 4, 1, 2))
    acc = np.empty((*out_hw, N, groups, Og), dtype=x.dtype)
    acc[...] = 0 if bias is None else bias.reshape(groups, Og)
    stamp = np.empty((groups, H * W * N, Og), dtype=x.dtype)
    stamp_hw = stamp.reshape(groups, H, W, N, Og).transpose(1, 2, 3, 0, 4)   # (H, W, N, G, Og)
    col_landings = [_landing(W, v * dilation[1], stride[1], padding[1], out_hw[1])
                    for v in range(kw)]
    for u in range(kh):
        rows = _landing(H, u * dilation[0], stride[0], padding[0], out_hw[0])
        if rows is None:
            continue
        for v, cols in enumerate(col_landings):
            if cols is None:
                continue
            np.matmul(xs, taps[:, u, v], out=stamp)
            acc[rows[1], cols[1]] += stamp_hw[rows[0], cols[0]]
    # Back to channels-first.
    acc = acc.reshape(out_hw[0] * out_hw[1], N, groups * Og)
    out = np.empty((N, groups * Og, out_hw[0] * out_hw[1]), dtype=x.dtype)
    for block in _blocks(acc.shape[0], 64):
        out[:, :, block] = acc[block].transpose(1, 2, 0)
    return out.reshape(N, groups * Og, *out_hw)


def _backward(x, weight, grad_out, settings):
    """Gradients of a loss through conv_transpose2d; ``grad_out`` is (N, C_out, oh, ow).

    The adjoint of "stamp, then crop" is "pad, then read windows": the output gradient
    is padded back to the uncropped size, every window of it is read with im2col (a
    plain convolution), and ``W`` maps the windows back to the input channels.
    """
    stride, padding, output_padding, dilation, groups = settings
    N, C, H, W = x.shape
    _, Og, kh, kw = weight.shape
    Cg = C // groups
    (ph, pw), (oph, opw) = padding, output_padding
    canvas = np.pad(grad_out, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    # The output_padding rows/columns receive no stamp: drop them so im2col finds H x W windows.
    canvas = canvas[:, :, : canvas.shape[2] - oph, : canvas.shape[3] - opw]
    cols = _im2col(canvas, (kh, kw), stride, dilation)
    cols = cols.reshape(N, groups, Og * kh * kw, H * W)
    w = weight.reshape(groups, Cg, Og * kh * kw)
    grad_x = np.matmul(w, cols).reshape(N, C, H, W)
    xs = x.reshape(N, groups, Cg, H * W)
    grad_w = np.matmul(xs, cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(weight.shape)
    grad_b = grad_out.sum(axis=(0, 2, 3))
    return grad_x, grad_w, grad_b


def conv_transpose2d(x, weight, bias=None, *, stride=1, padding=0, output_padding=0,
                     dilation=1, groups=1):
    """2-D transposed convolution, vectorised; the same numbers as PyTorch's.

    Parameters
    ----------
    x : array_like, shape (C_in, H, W) or (N, C_in, H, W)
    weight : array_like, shape (C_in, C_out // groups, kh, kw)
        Laid out as the weight of the convolution it transposes (that convolution maps
        C_out channels to C_in).
    bias : array_like, shape (C_out,), optional
    stride, dilation : int or (int, int)
        Stamps land ``stride`` pixels apart; a kernel's taps ``dilation`` pixels apart.
    padding : int or (int, int)
        Pixels cropped from each side of the stamped output.
    output_padding : int or (int, int)
        Extra pixels kept on the bottom/right; each must be smaller than the stride or
        the dilation along its axis.
    groups : int
        Splits the input channels into ``groups`` blocks, each stamping its own
        ``C_out // groups`` output channels.

    Returns
    -------
    ndarray, shape (C_out, oh, ow) or (N, C_out, oh, ow)
        ``oh = (H - 1)s - 2p + d(kh - 1) + output_padding + 1``, likewise ``ow``::

            out[n, g*Og + o, i*s + u*d - p, j*s + v*d - p] += x[n, c, i, j] * w[c, o, u, v]

        summed over every input channel ``c`` of group ``g``, input pixel ``(i, j)``
        and kernel tap ``(u, v)``. float32 when every input is float32, float64
        otherwise.

    Examples
    --------
    A 2x2 input with a 3x3 kernel at stride 2 gives 5x5; the middle row and column
    are where neighbouring stamps overlap:

    >>> x = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    >>> conv_transpose2d(x, np.ones((1, 1, 3, 3)), stride=2)
    array([[[ 1.,  1.,  3.,  2.,  2.],
            [ 1.,  1.,  3.,  2.,  2.],
            [ 4.,  4., 10.,  6.,  6.],
            [ 3.,  3.,  7.,  4.,  4.],
            [ 3.,  3.,  7.,  4.,  4.]]])
    >>> conv_transpose2d(np.ones((8, 32, 16, 16)), np.ones((32, 16, 3, 3)),
    ...                  stride=2, padding=1, output_padding=1).shape
    (8, 16, 32, 32)
    """
    x, weight, bias, settings, out_hw, batched = _prepare(
        x, weight, bias, stride, padding, output_padding, dilation, groups
    )
    out = _forward(x, weight, bias, settings, out_hw)
    return out if batched else out[0]


def conv_transpose2d_naive(x, weight, bias=None, *, stride=1, padding=0, output_padding=0,
                           dilation=1, groups=1):
    """The same as :func:`conv_transpose2d`, with loops that stamp the kernel.

    For teaching and as a reference in tests: one input value at a time adds a
    scaled copy of its kernel onto the uncropped output; then the padding is cropped.

    Examples
    --------
    >>> x = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    >>> conv_transpose2d_naive(x, np.ones((1, 1, 2, 2)))      # stamps overlap by one pixel
    array([[[ 1.,  3.,  2.],
            [ 4., 10.,  6.],
            [ 3.,  7.,  4.]]])
    """
    x, weight, bias, settings, (oh, ow), batched = _prepare(
        x, weight, bias, stride, padding, output_padding, dilation, groups, loops=True
    )
    (sh, sw), (ph, pw), output_padding, (dh, dw), groups = settings
    N, C, H, W = x.shape
    _, Og, kh, kw = weight.shape
    Cg = C // groups
    Hc, Wc = _canvas_shape((H, W), (kh, kw), (sh, sw), (dh, dw), output_padding)
    full = np.zeros((N, groups * Og, Hc, Wc), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            g = c // Cg
            for i in range(H):
                for j in range(W):
                    rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
                    cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
                    full[n, g * Og : (g + 1) * Og, rows, cols] += x[n, c, i, j] * weight[c]
    out = full[:, :, ph : ph + oh, pw : pw + ow].copy()
    if bias is not None:
        out += bias[:, None, None]
    return out if batched else out[0]


# ------------------------------------------------------------------------------ layer
class ConvTranspose2d(Layer):
    """Transposed convolution layer: learns to enlarge a feature map (a decoder's step).

    Weights ``(in_channels, out_channels // groups, kh, kw)``, as in PyTorch, and bias
    ``(out_channels,)`` are ``None`` until initialised. ``forward`` is
    :func:`conv_transpose2d`; ``backward`` returns the input gradient, which is a plain
    convolution of ``grad_out`` with the same weights, and stores ``grads["weight"]``
    and ``grads["bias"]``.

    Examples
    --------
    >>> up = ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
    >>> up.output_shape((32, 16, 16)), up.num_params
    ((16, 32, 32), 4624)
    >>> up.initialize(np.random.default_rng(0))
    >>> out = up.forward(np.ones((2, 32, 16, 16), np.float32))
    >>> out.shape, up.backward(np.ones_like(out)).shape
    ((2, 16, 32, 32), (2, 32, 16, 16))
    >>> up.grads["bias"]                                  # 2 samples x 32 x 32 positions
    array([2048., 2048., 2048., 2048., 2048., 2048., 2048., 2048., 2048., 2048., 2048.,
           2048., 2048., 2048., 2048., 2048.], dtype=float32)
    """

    param_names = ("weight", "bias")
    sample_ndim = 3

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0,
                 output_padding=0, dilation=1, groups=1, bias=True):
        self.in_channels = positive_int(in_channels, "in_channels")
        self.out_channels = positive_int(out_channels, "out_channels")
        self.kernel_size = int_pair(kernel_size, "kernel_size")
        (self.stride, self.padding, self.output_padding, self.dilation,
         self.groups) = _settings(stride, padding, output_padding, dilation, groups)
        for name, count in (("in_channels", self.in_channels), ("out_channels", self.out_channels)):
            if count % self.groups:
                raise ValueError(f"groups must divide {name} ({count}); got groups {self.groups}")
        self.use_bias = boolean(bias, "bias")
        self.weight = None
        self.bias = None

    def _options(self):
        return (self.stride, self.padding, self.output_padding, self.dilation, self.groups)

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if len(shape) != 3:
            raise ValueError(f"expects an input of shape (channels, height, width); got {shape}")
        if shape[0] != self.in_channels:
            raise ValueError(
                f"expects {self.in_channels} input channels; got {shape[0]} (input shape {shape})"
            )
        hw = _out_shape(shape[1:], self.kernel_size, self.stride, self.padding,
                        self.output_padding, self.dilation)
        return (self.out_channels, *hw)

    def param_shapes(self):
        shapes = {"weight": (self.in_channels, self.out_channels // self.groups, *self.kernel_size)}
        if self.use_bias:
            shapes["bias"] = (self.out_channels,)
        return shapes

    @property
    def num_params(self):
        return sum(int(np.prod(s)) for s in self.param_shapes().values())

    def initialize(self, rng):
        # He initialisation over the weights that reach one output pixel on average:
        # (in_channels / groups) * kh * kw taps, of which one in stride^2 land on it.
        kh, kw = self.kernel_size
        fan_in = (self.in_channels // self.groups) * kh * kw / (self.stride[0] * self.stride[1])
        shape = self.param_shapes()["weight"]
        self.weight = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        self.bias = np.zeros(self.out_channels, np.float32) if self.use_bias else None

    def forward(self, x):
        """Stamp a batch ``(N, in_channels, H, W)`` (or one sample ``(in_channels, H, W)``)."""
        x, batched = _image_batch(x)
        self._check_initialized()
        self.output_shape(x.shape[1:])
        x, weight, bias, settings, out_hw, _ = _prepare(x, self.weight, self.bias,
                                                        *self._options())
        out = _forward(x, weight, bias, settings, out_hw)
        self._cache = (x, weight, settings, out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """``dL/dx`` for the last forward's input; stores ``grads["weight"]``, ``grads["bias"]``."""
        x, weight, settings, out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        g = g.astype(common_float(g, weight), copy=False)
        grad_x, grad_w, grad_b = _backward(x, weight, g, settings)
        self._grads = {"weight": grad_w}
        if self.use_bias:
            self._grads["bias"] = grad_b
        return grad_x if batched else grad_x[0]

    def __repr__(self):
        def one(pair):
            return pair[0] if pair[0] == pair[1] else pair

        extra = ""
        for name, value, default in (
            ("stride", self.stride, (1, 1)), ("padding", self.padding, (0, 0)),
            ("output_padding", self.output_padding, (0, 0)), ("dilation", self.dilation, (1, 1)),
        ):
            if value != default:
                extra += f", {name}={one(value)}"
        if self.groups != 1:
            extra += f", groups={self.groups}"
        if not self.use_bias:
            extra += ", bias=False"
        return (f"ConvTranspose2d({self.in_channels}, {self.out_channels}, "
                f"kernel_size={one(self.kernel_size)}{extra})")


__all__ = ["ConvTranspose2d", "conv_transpose2d", "conv_transpose2d_naive"]
