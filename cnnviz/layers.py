"""Layers that describe a network: their shapes, their parameters, their weights.

Each layer knows how an input shape (without the batch axis, channels first)
becomes its output shape and how many parameters it learns. Layers with weights
hold them as numpy arrays once initialised (:meth:`Sequential.initialize`);
until then a summary costs no memory, so even VGG16's 138 million parameters
can be counted instantly.

Once initialised, every layer also computes: ``forward(x)`` takes a batch
(``(N, C, H, W)`` for images, ``(N, F)`` for feature vectors; a single sample
without the batch axis works too) and remembers what its gradient will need;
``backward(grad_out)`` takes the gradient of the loss with respect to the
layer's output, stores the gradients of its weights in ``layer.grads`` and
returns the gradient with respect to its input. Chained backwards through a
:class:`Sequential`, that is backpropagation.

>>> net = Sequential([Conv2d(1, 6, 5), ReLU(), MaxPool2d(2), Flatten(), Dense(6 * 14 * 14, 10)])
>>> print(net.summary((1, 32, 32)))
Layer        Output shape  Params
---------------------------------
Conv2d-1     (6, 28, 28)      156
ReLU-2       (6, 28, 28)        0
MaxPool2d-3  (6, 14, 14)        0
Flatten-4    (1176,)            0
Dense-5      (10,)         11,770
---------------------------------
Total params: 11,926
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ._validate import _show, as_array, common_float, int_pair, nonnegative_int, positive_int
from .convolution import _conv2d_backward_cols, _conv2d_forward_cols, _prepare, resolve_padding
from .losses import softmax
from .params import conv2d_params, dense_params
from .pooling import (
    _route_to_winners, _spread_over_windows, _window_counts, avg_pool2d, max_pool2d,
)
from .shapes import conv_output_size, pool_output_size


def _check_shape(shape, name="input_shape"):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{name} must be a tuple of positive integers such as (3, 32, 32); got {_show(shape)}")
    return tuple(positive_int(s, name) for s in shape)


def _grad_like(grad_out, shape):
    """Check that ``grad_out`` has the shape of the output it is the gradient of."""
    g = as_array(grad_out, "grad_out")
    if g.shape != tuple(shape):
        raise ValueError(
            f"grad_out must have the shape of the layer's last output {tuple(shape)}; got {g.shape}"
        )
    return g


class Layer:
    """Base class: a layer maps an input shape to an output shape.

    >>> isinstance(ReLU(), Layer), ReLU().num_params
    (True, 0)
    """

    #: names of the weight arrays this layer learns (empty for parameter-free layers)
    param_names: tuple[str, ...] = ()

    #: number of axes of one sample's input (3 for ``(C, H, W)``); None when any works
    sample_ndim: int | None = None

    def output_shape(self, input_shape):
        """Shape of the output for an input of ``input_shape`` (no batch axis)."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    @property
    def num_params(self) -> int:
        """Number of learnable parameters."""
        return 0

    def parameters(self) -> dict:
        """The weight arrays, by name (empty until initialised or for layers without weights)."""
        return {n: getattr(self, n) for n in self.param_names if getattr(self, n) is not None}

    def initialize(self, rng) -> None:
        """Draw fresh weights from ``rng`` (a ``numpy.random.Generator``)."""

    def param_shapes(self) -> dict:
        """The shape of every weight array this layer learns, by name (known before initialising)."""
        return {}

    def forward(self, x):
        """Output for a batch ``x``; remembers what :meth:`backward` will need."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def backward(self, grad_out):
        """Gradient with respect to the last forward's input, given ``dL/d(output)``."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    @property
    def grads(self) -> dict:
        """Gradients of the loss with respect to the weights, by name, from the last backward."""
        return getattr(self, "_grads", {})

    def _cached(self):
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise ValueError(
                f"{self!r}: backward needs the values of a forward pass; call forward(x) first"
            )
        return cache

    def _check_initialized(self):
        if any(getattr(self, name) is None for name in self.param_shapes()):
            raise ValueError(
                f"{self!r} has no weights yet: call its initialize(rng) (or initialize(seed) on "
                "the Sequential that holds it) before forward"
            )

    def __repr__(self):
        return f"{type(self).__name__}()"


def _image_batch(x):
    """Accept (C, H, W) or (N, C, H, W); return the batch and whether it was one."""
    x = as_array(x, "x", ndims=(3, 4))
    return (x, True) if x.ndim == 4 else (x[None], False)


class Conv2d(Layer):
    """2-D convolution layer: ``out_channels`` filters of shape ``(in_channels, kh, kw)``.

    ``stride``, ``padding`` and ``dilation`` accept what :func:`cnnviz.conv2d`
    accepts, "same" and "valid" included. Weights ``(out_channels, in_channels,
    kh, kw)`` and bias ``(out_channels,)`` are ``None`` until initialised.

    ``forward`` maps ``(N, in_channels, H, W)`` to ``(N, out_channels, oh, ow)``
    with :func:`cnnviz.conv2d`'s im2col and one matrix product, and keeps the
    columns; ``backward`` reuses them for the weight gradient and folds the input
    gradient back with :func:`cnnviz.convolution.col2im` (see
    :func:`cnnviz.convolution.conv2d_backward`).

    Examples
    --------
    >>> Conv2d(3, 16, 3, padding="same").output_shape((3, 32, 32))
    (16, 32, 32)
    >>> Conv2d(3, 16, 3).num_params
    448
    >>> conv = Conv2d(1, 2, 3, padding=1)
    >>> conv.initialize(np.random.default_rng(0))
    >>> out = conv.forward(np.ones((5, 1, 4, 4)))
    >>> out.shape
    (5, 2, 4, 4)
    >>> conv.backward(np.ones_like(out)).shape
    (5, 1, 4, 4)
    >>> conv.grads["weight"].shape, conv.grads["bias"]       # bias: 5 samples x 16 positions
    ((2, 1, 3, 3), array([80., 80.]))
    """

    param_names = ("weight", "bias")
    sample_ndim = 3

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0,
                 dilation=1, bias=True):
        self.in_channels = positive_int(in_channels, "in_channels")
        self.out_channels = positive_int(out_channels, "out_channels")
        self.kernel_size = int_pair(kernel_size, "kernel_size")
        self.stride = int_pair(stride, "stride")
        self.dilation = int_pair(dilation, "dilation")
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False; got {bias!r}")
        self.use_bias = bias
        # Checks the padding now (an unknown word, "same" with stride > 1, negatives).
        resolve_padding(padding, self.kernel_size, stride=self.stride, dilation=self.dilation)
        self.padding = padding
        self.weight = None
        self.bias = None

    def _pads(self):
        return resolve_padding(self.padding, self.kernel_size, stride=self.stride,
                               dilation=self.dilation)

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if len(shape) != 3:
            raise ValueError(f"expects an input of shape (channels, height, width); got {shape}")
        if shape[0] != self.in_channels:
            raise ValueError(
                f"expects {self.in_channels} input channels; got {shape[0]} (input shape {shape})"
            )
        out = [self.out_channels]
        for axis, name in ((0, "height"), (1, "width")):
            lo, hi = self._pads()[axis]
            k, d = self.kernel_size[axis], self.dilation[axis]
            padded = shape[1 + axis] + lo + hi
            if padded < d * (k - 1) + 1:
                raise ValueError(
                    f"a {k}-pixel kernel (dilation {d}) does not fit the input {name} "
                    f"{shape[1 + axis]} with padding {lo}+{hi} (input shape {shape})"
                )
            out.append(conv_output_size(padded, k, stride=self.stride[axis], dilation=d))
        return tuple(out)

    @property
    def num_params(self):
        return conv2d_params(self.in_channels, self.out_channels, self.kernel_size, bias=self.use_bias)

    def param_shapes(self):
        shapes = {"weight": (self.out_channels, self.in_channels, *self.kernel_size)}
        if self.use_bias:
            shapes["bias"] = (self.out_channels,)
        return shapes

    def forward(self, x):
        """Convolve a batch ``(N, in_channels, H, W)`` (or one sample ``(in_channels, H, W)``)."""
        x, batched = _image_batch(x)
        self._check_initialized()
        self.output_shape(x.shape[1:])  # clear messages for a wrong channel count or size
        xp, weight, bias, stride, dilation, _ = _prepare(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation
        )
        out, cols = _conv2d_forward_cols(xp, weight, bias, stride, dilation)
        self._cache = (cols, weight, xp.shape, out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """``dL/dx`` for the last forward's input; stores ``grads["weight"]``, ``grads["bias"]``."""
        cols, weight, padded_shape, out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        g = g.astype(common_float(g, weight), copy=False)
        grad_x, grad_w, grad_b = _conv2d_backward_cols(
            cols, weight, g, padded_shape, self._pads(), self.stride, self.dilation
        )
        self._grads = {"weight": grad_w}
        if self.use_bias:
            self._grads["bias"] = grad_b
        return grad_x if batched else grad_x[0]

    def initialize(self, rng):
        fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        # He initialisation: keeps the variance of activations steady through ReLUs.
        self.weight = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        self.bias = np.zeros(self.out_channels, np.float32) if self.use_bias else None

    def __repr__(self):
        extra = ""
        if self.stride != (1, 1):
            extra += f", stride={self.stride[0] if self.stride[0] == self.stride[1] else self.stride}"
        if self.padding not in (0, "valid"):
            extra += f", padding={self.padding!r}"
        if self.dilation != (1, 1):
            extra += f", dilation={self.dilation[0] if self.dilation[0] == self.dilation[1] else self.dilation}"
        if not self.use_bias:
            extra += ", bias=False"
        k = self.kernel_size[0] if self.kernel_size[0] == self.kernel_size[1] else self.kernel_size
        return f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={k}{extra})"


class _Pool2d(Layer):
    sample_ndim = 3

    def _options(self):
        return dict(stride=self.stride, padding=self.padding, ceil_mode=self.ceil_mode)

    def __init__(self, kernel_size, *, stride=None, padding=0, ceil_mode=False):
        self.kernel_size = int_pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else int_pair(stride, "stride")
        self.padding = int_pair(padding, "padding", check=nonnegative_int)
        if not isinstance(ceil_mode, bool):
            raise TypeError(f"ceil_mode must be True or False; got {ceil_mode!r}")
        self.ceil_mode = ceil_mode
        for k, p in zip(self.kernel_size, self.padding):
            if p > k // 2:
                raise ValueError(f"padding must be at most half of kernel_size ({k} // 2 = {k // 2}); got {p}")

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if len(shape) != 3:
            raise ValueError(f"expects an input of shape (channels, height, width); got {shape}")
        out = [shape[0]]
        for axis in (0, 1):
            try:
                out.append(pool_output_size(
                    shape[1 + axis], self.kernel_size[axis], stride=self.stride[axis],
                    padding=self.padding[axis], ceil_mode=self.ceil_mode,
                ))
            except ValueError as err:
                raise ValueError(f"{err} (input shape {shape})") from None
        return tuple(out)

    def __repr__(self):
        k = self.kernel_size[0] if self.kernel_size[0] == self.kernel_size[1] else self.kernel_size
        extra = "" if self.stride == self.kernel_size else f", stride={self.stride[0] if self.stride[0] == self.stride[1] else self.stride}"
        if self.padding != (0, 0):
            extra += f", padding={self.padding[0] if self.padding[0] == self.padding[1] else self.padding}"
        if self.ceil_mode:
            extra += ", ceil_mode=True"
        return f"{type(self).__name__}(kernel_size={k}{extra})"


class MaxPool2d(_Pool2d):
    """Max pooling: keeps the largest value of each window; learns nothing.

    Only the winner of a window influenced the output, so ``backward`` routes each
    output's gradient to the input pixel that won (the first one on ties) and
    gives every other pixel nothing. When windows overlap, a pixel that wins
    several of them collects the sum.

    >>> MaxPool2d(3).output_shape((512, 126, 126))
    (512, 42, 42)
    >>> pool = MaxPool2d(2)
    >>> x = np.array([[[1.0, 3.0], [4.0, 2.0]]])          # one channel, 2x2
    >>> pool.forward(x)
    array([[[4.]]])
    >>> pool.backward(np.array([[[10.0]]]))
    array([[[ 0.,  0.],
            [10.,  0.]]])
    """

    def forward(self, x):
        """Pool a batch ``(N, C, H, W)`` (or one sample ``(C, H, W)``); remember the winners."""
        x, batched = _image_batch(x)
        self.output_shape(x.shape[1:])
        out, winners = max_pool2d(x, self.kernel_size, return_indices=True, **self._options())
        self._cache = (winners, x.shape, out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """Gradient of the last input: each output's gradient added onto its winner.

        The same routing as :func:`cnnviz.max_pool2d_backward`, from the winners
        the forward pass found.
        """
        winners, in_shape, out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        grad = _route_to_winners(winners, g, in_shape, g.dtype)
        self._grads = {}
        return grad if batched else grad[0]


class AvgPool2d(_Pool2d):
    """Average pooling: keeps the mean of each window; learns nothing.

    Every pixel of a window counts ``1 / count`` towards its mean, so ``backward``
    shares each output's gradient equally over its window (``count`` is the
    window's divisor; see ``count_include_pad``) and adds where windows overlap.

    >>> AvgPool2d(2, stride=1).output_shape((3, 4, 4))
    (3, 3, 3)
    >>> pool = AvgPool2d(2)
    >>> pool.forward(np.array([[[1.0, 3.0], [4.0, 2.0]]]))
    array([[[2.5]]])
    >>> pool.backward(np.array([[[10.0]]]))
    array([[[2.5, 2.5],
            [2.5, 2.5]]])
    """

    def __init__(self, kernel_size, *, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)
        if not isinstance(count_include_pad, bool):
            raise TypeError(f"count_include_pad must be True or False; got {count_include_pad!r}")
        self.count_include_pad = count_include_pad

    def forward(self, x):
        """Pool a batch ``(N, C, H, W)`` (or one sample ``(C, H, W)``)."""
        x, batched = _image_batch(x)
        self.output_shape(x.shape[1:])
        out = avg_pool2d(x, self.kernel_size, count_include_pad=self.count_include_pad,
                         **self._options())
        self._cache = (x.shape, out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """Gradient of the last input: each output's gradient shared over its window.

        The same computation as :func:`cnnviz.avg_pool2d_backward`.
        """
        in_shape, out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        settings = (self.kernel_size, self.stride, self.padding, out_shape[2:])
        counts = _window_counts(in_shape[2:], *settings, self.count_include_pad)
        grad = _spread_over_windows(g / counts.astype(g.dtype), in_shape, *settings)
        self._grads = {}
        return grad if batched else grad[0]


class ReLU(Layer):
    """max(0, x), element by element; the shape does not change.

    >>> ReLU().output_shape((8, 5, 5))
    (8, 5, 5)
    >>> relu = ReLU()
    >>> relu.forward(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    >>> relu.backward(np.array([1.0, 1.0, 1.0]))      # passes where the input was positive
    array([0., 0., 1.])
    """

    def output_shape(self, input_shape):
        return _check_shape(input_shape)

    def forward(self, x):
        """``max(0, x)`` for an array of any shape."""
        x = as_array(x, "x")
        self._cache = x > 0
        return np.maximum(x, 0)

    def backward(self, grad_out):
        """``grad_out`` where the last input was positive, 0 elsewhere."""
        positive = self._cached()
        g = _grad_like(grad_out, positive.shape)
        self._grads = {}
        return g * positive


class Flatten(Layer):
    """Lays a ``(C, H, W)`` volume out as one vector of ``C*H*W`` features.

    ``forward`` expects a batch and keeps its first axis: ``(N, C, H, W)`` becomes
    ``(N, C*H*W)``, in C order (channel, then row, then column); ``backward``
    reshapes the gradient back.

    >>> Flatten().output_shape((64, 3, 3))
    (576,)
    >>> Flatten().forward(np.zeros((2, 64, 3, 3))).shape
    (2, 576)
    """

    def output_shape(self, input_shape):
        return (int(np.prod(_check_shape(input_shape))),)

    def forward(self, x):
        """``(N, ...)`` to ``(N, prod(...))``."""
        x = as_array(x, "x")
        if x.ndim < 2:
            raise ValueError(
                f"x must be a batch with a first axis N, such as (N, C, H, W); got shape {x.shape}"
            )
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out):
        """The gradient reshaped to the last input's shape."""
        in_shape = self._cached()
        g = _grad_like(grad_out, (in_shape[0], int(np.prod(in_shape[1:]))))
        self._grads = {}
        return g.reshape(in_shape)


class Dense(Layer):
    """Fully connected layer: every input feature to every output feature.

    Weight ``(out_features, in_features)`` and bias ``(out_features,)``, as in
    PyTorch's ``Linear``.

    ``forward``: ``y = x W^T + b`` for ``x`` of shape ``(N, in_features)``.
    ``backward``: ``dW = g^T x``, ``db = sum_n g``, ``dx = g W``.

    >>> Dense(576, 256).num_params
    147712
    >>> dense = Dense(3, 2)
    >>> dense.weight, dense.bias = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]), np.zeros(2)
    >>> dense.forward(np.array([[1.0, 2.0, 3.0]]))
    array([[-2.,  4.]])
    >>> dense.backward(np.array([[1.0, 0.0]]))
    array([[ 1.,  0., -1.]])
    >>> dense.grads["weight"]
    array([[1., 2., 3.],
           [0., 0., 0.]])
    """

    param_names = ("weight", "bias")
    sample_ndim = 1

    def __init__(self, in_features, out_features, *, bias=True):
        self.in_features = positive_int(in_features, "in_features")
        self.out_features = positive_int(out_features, "out_features")
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False; got {bias!r}")
        self.use_bias = bias
        self.weight = None
        self.bias = None

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if shape != (self.in_features,):
            hint = " (add a Flatten layer before it)" if len(shape) > 1 else ""
            raise ValueError(f"expects an input of shape ({self.in_features},); got {shape}{hint}")
        return (self.out_features,)

    @property
    def num_params(self):
        return dense_params(self.in_features, self.out_features, bias=self.use_bias)

    def param_shapes(self):
        shapes = {"weight": (self.out_features, self.in_features)}
        if self.use_bias:
            shapes["bias"] = (self.out_features,)
        return shapes

    def forward(self, x):
        """``x W^T + b`` for ``x`` of shape ``(N, in_features)`` or ``(in_features,)``."""
        x = as_array(x, "x")
        self._check_initialized()
        if x.ndim > 2 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"expects {self.in_features} input features; got {x.shape[-1]} (input shape "
                f"{x.shape}; add a Flatten layer before it if this is an image batch)"
            )
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        self._cache = x
        return out

    def backward(self, grad_out):
        """``dL/dx = g W``; stores ``grads["weight"] = g^T x`` and ``grads["bias"] = sum_n g``."""
        x = self._cached()
        g = _grad_like(grad_out, x.shape[:-1] + (self.out_features,))
        g2, x2 = np.atleast_2d(g), np.atleast_2d(x)
        self._grads = {"weight": g2.T @ x2}
        if self.use_bias:
            self._grads["bias"] = g2.sum(axis=0)
        return g @ self.weight

    def initialize(self, rng):
        scale = np.sqrt(2.0 / self.in_features)
        self.weight = (rng.standard_normal((self.out_features, self.in_features)) * scale).astype(np.float32)
        self.bias = np.zeros(self.out_features, np.float32) if self.use_bias else None

    def __repr__(self):
        extra = "" if self.use_bias else ", bias=False"
        return f"Dense({self.in_features}, {self.out_features}{extra})"


Linear = Dense


class Softmax(Layer):
    """Turns scores into probabilities that sum to 1; the shape does not change.

    ``forward`` applies :func:`cnnviz.losses.softmax` along the last axis. Since
    ``dp_k/dz_j = p_k (delta_kj - p_j)``, ``backward`` returns
    ``p * (g - sum_k g_k p_k)``. For training, pair a final Softmax with
    ``CrossEntropyLoss(from_probabilities=True)``, or leave it out and give the
    logits to ``CrossEntropyLoss()``; both give the gradient ``(p - onehot(y)) / N``
    at the logits.

    >>> Softmax().output_shape((4,))
    (4,)
    >>> layer = Softmax()
    >>> layer.forward(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    >>> layer.backward(np.array([[1.0, 1.0]]))       # probabilities always sum to 1
    array([[0., 0.]])
    """

    def output_shape(self, input_shape):
        return _check_shape(input_shape)

    def forward(self, x):
        """Probabilities along the last axis of ``x`` (``(N, K)`` or ``(K,)``)."""
        p = softmax(x)
        self._cache = p
        return p

    def backward(self, grad_out):
        """The gradient at the scores: ``p * (g - sum(g * p))`` along the last axis."""
        p = self._cached()
        g = _grad_like(grad_out, p.shape)
        self._grads = {}
        return p * (g - (g * p).sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class SummaryRow:
    """One line of a model summary.

    >>> Sequential([Conv2d(1, 6, 5)]).summary((1, 32, 32)).rows[0]
    SummaryRow(name='Conv2d-1', output_shape=(6, 28, 28), params=156)
    """

    name: str
    output_shape: tuple
    params: int


class Summary:
    """A layer-by-layer table: output shape and parameter count of every layer.

    Prints as text (``print(summary)``) and shows as an HTML table in a notebook.

    >>> summary = Sequential([Flatten(), Dense(4, 2)]).summary((1, 2, 2))
    >>> summary.total_params, [row.output_shape for row in summary.rows]
    (10, [(4,), (2,)])
    >>> "<table>" in summary._repr_html_()
    True
    """

    def __init__(self, input_shape, rows):
        self.input_shape = tuple(input_shape)
        self.rows = list(rows)
        self.total_params = sum(r.params for r in self.rows)

    def _cells(self):
        return [(r.name, str(r.output_shape), f"{r.params:,}") for r in self.rows]

    def __str__(self):
        header = ("Layer", "Output shape", "Params")
        cells = self._cells()
        # Column widths; the header alone sets them for a network without layers.
        w0, w1, w2 = (max([len(header[i])] + [len(c[i]) for c in cells]) for i in range(3))
        line = "-" * (w0 + w1 + w2 + 4)
        out = [f"{header[0]:<{w0}}  {header[1]:<{w1}}  {header[2]:>{w2}}", line]
        out += [f"{a:<{w0}}  {b:<{w1}}  {c:>{w2}}" for a, b, c in cells]
        out += [line, f"Total params: {self.total_params:,}"]
        return "\n".join(out)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        body = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td>"
            f"<td style='text-align:right'>{c}</td></tr>"
            for a, b, c in self._cells()
        )
        return (
            "<table><thead><tr><th>Layer</th><th>Output shape</th><th>Params</th></tr></thead>"
            f"<tbody><tr><td><i>input</i></td><td>{self.input_shape}</td><td></td></tr>{body}</tbody>"
            f"<tfoot><tr><th colspan='2' style='text-align:left'>Total params</th>"
            f"<th style='text-align:right'>{self.total_params:,}</th></tr></tfoot></table>"
        )


class Sequential:
    """Layers applied one after another.

    Examples
    --------
    >>> net = Sequential([Conv2d(3, 8, 3), ReLU(), Flatten(), Dense(8 * 30 * 30, 2)])
    >>> net.summary((3, 32, 32)).total_params
    14626
    >>> net.summary((1, 32, 32))
    Traceback (most recent call last):
    ...
    ValueError: layer 1, Conv2d(3, 8, kernel_size=3): expects 3 input channels; got 1 (input shape (1, 32, 32))
    """

    def __init__(self, layers):
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of layers; got {_show(layers)}")
        for i, layer in enumerate(layers, 1):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i - 1}] must be a cnnviz layer; got {_show(layer)}")
        self.layers = list(layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        inner = "".join(f"\n    {layer!r}," for layer in self.layers)
        return f"Sequential([{inner}\n])"

    def layer_names(self):
        """Names used in summaries: the class name and the 1-based position."""
        return [f"{type(layer).__name__}-{i}" for i, layer in enumerate(self.layers, 1)]

    def output_shapes(self, input_shape):
        """Every layer's output shape for an input of ``input_shape`` (no batch axis)."""
        shape = _check_shape(input_shape)
        shapes = []
        for i, layer in enumerate(self.layers, 1):
            try:
                shape = layer.output_shape(shape)
            except ValueError as err:
                raise ValueError(f"layer {i}, {layer!r}: {err}") from None
            shapes.append(shape)
        return shapes

    def summary(self, input_shape) -> Summary:
        """Output shape and parameter count of every layer, for ``input_shape`` without batch."""
        shapes = self.output_shapes(input_shape)
        rows = [
            SummaryRow(name, shape, layer.num_params)
            for name, shape, layer in zip(self.layer_names(), shapes, self.layers)
        ]
        return Summary(_check_shape(input_shape), rows)

    @property
    def num_params(self) -> int:
        return sum(layer.num_params for layer in self.layers)

    def initialize(self, seed=0):
        """Give every layer fresh weights, reproducibly from ``seed``; returns self."""
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            layer.initialize(rng)
        return self

    def forward(self, x, *, return_all=False):
        """Run ``x`` through every layer in turn.

        Parameters
        ----------
        x : array_like
            A batch, ``(N, C, H, W)`` for a network that starts with a convolution
            or pooling layer, ``(N, F)`` for one that starts with a Dense layer; or one
            sample without the batch axis (then the outputs have none either).
        return_all : bool
            Return the list of every layer's output instead of the last one.

        Returns
        -------
        ndarray, or list of ndarray (one per layer) with ``return_all``

        Examples
        --------
        >>> net = Sequential([Conv2d(1, 4, 3), ReLU(), MaxPool2d(2), Flatten(), Dense(4 * 3 * 3, 2)])
        >>> net.initialize(seed=0).forward(np.zeros((10, 1, 8, 8))).shape
        (10, 2)
        >>> [out.shape for out in net.forward(np.zeros((1, 8, 8)), return_all=True)]
        [(4, 6, 6), (4, 6, 6), (4, 3, 3), (36,), (2,)]
        """
        if not isinstance(return_all, bool):
            raise TypeError(f"return_all must be True or False; got {return_all!r}")
        for i, layer in enumerate(self.layers, 1):
            if any(getattr(layer, name) is None for name in layer.param_shapes()):
                raise ValueError(
                    f"layer {i}, {layer!r}, has no weights yet: call initialize(seed) on the "
                    "network (or load trained weights) before forward"
                )
        x = as_array(x, "x")
        first = next((layer.sample_ndim for layer in self.layers if layer.sample_ndim), None)
        unbatched = first is not None and x.ndim == first
        if unbatched:
            x = x[None]
        outputs = []               # a network without layers is the identity: it returns x
        for i, layer in enumerate(self.layers, 1):
            try:
                x = layer.forward(x)
            except ValueError as err:
                raise ValueError(f"layer {i}, {layer!r}: {err}") from None
            outputs.append(x[0] if unbatched else x)
        self._unbatched = unbatched
        if return_all:
            return outputs
        return x[0] if unbatched else x

    def backward(self, grad_out):
        """Backpropagate ``dL/d(output)`` through every layer, last to first.

        Each layer stores its weight gradients (see :attr:`grads`) and hands the
        gradient with respect to its input to the layer before it.

        Parameters
        ----------
        grad_out : array_like, the shape of the last forward's output

        Returns
        -------
        ndarray, the shape of the last forward's input
            ``dL/dx``, the raw material of saliency maps.

        Examples
        --------
        >>> net = Sequential([Dense(3, 2), ReLU(), Dense(2, 1)]).initialize(seed=0)
        >>> out = net.forward(np.ones((4, 3)))
        >>> net.backward(np.ones_like(out)).shape
        (4, 3)
        >>> list(net.grads)
        ['Dense-1.weight', 'Dense-1.bias', 'Dense-3.weight', 'Dense-3.bias']
        """
        if not hasattr(self, "_unbatched"):
            raise ValueError("backward needs the values of a forward pass; call forward(x) first")
        g = as_array(grad_out, "grad_out")
        if self._unbatched:
            g = g[None]
        for i, layer in reversed(list(enumerate(self.layers, 1))):
            try:
                g = layer.backward(g)
            except ValueError as err:
                raise ValueError(f"layer {i}, {layer!r}: {err}") from None
        return g[0] if self._unbatched else g

    def parameters(self) -> dict:
        """Every weight array, by ``"<layer name>.<weight name>"`` (the arrays themselves).

        An optimiser updates them in place; ``np.savez(path, **net.parameters())``
        saves them.

        Examples
        --------
        >>> net = Sequential([Conv2d(1, 2, 3), Flatten(), Dense(2, 3)]).initialize(seed=0)
        >>> {name: w.shape for name, w in net.parameters().items()}
        {'Conv2d-1.weight': (2, 1, 3, 3), 'Conv2d-1.bias': (2,), 'Dense-3.weight': (3, 2), 'Dense-3.bias': (3,)}
        """
        return {
            f"{name}.{key}": value
            for name, layer in zip(self.layer_names(), self.layers)
            for key, value in layer.parameters().items()
        }

    @property
    def grads(self) -> dict:
        """The gradients from the last backward, keyed like :meth:`parameters`."""
        return {
            f"{name}.{key}": value
            for name, layer in zip(self.layer_names(), self.layers)
            for key, value in layer.grads.items()
        }

    def load_parameters(self, params):
        """Set every weight array from a mapping keyed like :meth:`parameters`; returns self.

        The arrays are copied. Every expected key must be present with the right
        shape, and no other key may be, so weights cannot silently land in the
        wrong architecture.

        Examples
        --------
        >>> net = Sequential([Dense(2, 1)])
        >>> net.load_parameters({"Dense-1.weight": [[1.0, 2.0]], "Dense-1.bias": [0.5]})
        Sequential([
            Dense(2, 1),
        ])
        >>> net.forward(np.array([[1.0, 1.0]]))
        array([[3.5]])
        """
        if not hasattr(params, "keys"):
            raise TypeError(f"params must be a mapping of names to arrays; got {_show(params)}")
        expected = {
            f"{name}.{key}": (layer, key, shape)
            for name, layer in zip(self.layer_names(), self.layers)
            for key, shape in layer.param_shapes().items()
        }
        unknown = sorted(set(params.keys()) - set(expected))
        missing = [k for k in expected if k not in params]
        if unknown or missing:
            raise ValueError(
                f"params must have exactly the keys {list(expected)}; "
                f"missing {missing}, unexpected {unknown}"
            )
        arrays = {}
        for key, (_, _, shape) in expected.items():
            value = as_array(params[key], f"params[{key!r}]")
            if value.shape != shape:
                raise ValueError(f"params[{key!r}] must have shape {shape}; got {value.shape}")
            arrays[key] = value.copy()
        for key, (layer, name, _) in expected.items():
            setattr(layer, name, arrays[key])
        return self


__all__ = [
    "AvgPool2d", "Conv2d", "Dense", "Flatten", "Layer", "Linear", "MaxPool2d", "ReLU",
    "Sequential", "Softmax", "Summary", "SummaryRow",
]
