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
Layer        Output shape  Params  Mult-adds  Activations
---------------------------------------------------------
Conv2d-1     (6, 28, 28)      156    117,600        4,704
ReLU-2       (6, 28, 28)        0          0        4,704
MaxPool2d-3  (6, 14, 14)        0          0        1,176
Flatten-4    (1176,)            0          0        1,176
Dense-5      (10,)         11,770     11,760           10
---------------------------------------------------------
Total params: 11,926
Total multiply-adds: 129,360
Total activations: 11,770
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ._validate import (
    _show, as_array, boolean, channel_groups, common_float, int_pair, nonnegative_int,
    positive_int, real_number,
)
from .convolution import _grouped_backward, _grouped_forward, _prepare, resolve_padding
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

    #: training mode (the default, as in PyTorch) or evaluation mode; see :meth:`train`
    training: bool = True

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

    def multiply_adds(self, input_shape) -> int:
        """Multiply-adds of one forward pass over one sample of ``input_shape``.

        Counted for the products with learned weights (convolution and dense layers);
        0 for layers that only compare, add or rescale values.

        >>> Conv2d(3, 16, 3).multiply_adds((3, 32, 32))     # 16 x 30 x 30 outputs, 27 each
        388800
        >>> ReLU().multiply_adds((16, 30, 30)), ReLU().activation_size((16, 30, 30))
        (0, 14400)
        """
        return 0

    def activation_size(self, input_shape) -> int:
        """How many values the layer outputs for one sample: the memory its output needs."""
        return int(np.prod(self.output_shape(input_shape)))

    def train(self, mode=True):
        """Switch to training mode (or evaluation mode with ``mode=False``); returns self.

        Only layers that behave differently while training care, such as
        :class:`BatchNorm2d`; every layer starts in training mode, as in PyTorch.
        """
        self.training = boolean(mode, "mode")
        return self

    def eval(self):
        """Switch to evaluation mode: the same as ``train(False)``; returns self."""
        return self.train(False)

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

    ``stride``, ``padding``, ``dilation`` and ``groups`` accept what
    :func:`cnnviz.conv2d` accepts, "same" and "valid" included. Weights
    ``(out_channels, in_channels // groups, kh, kw)`` and bias ``(out_channels,)``
    are ``None`` until initialised.

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
    >>> Conv2d(32, 32, 3, groups=32).num_params          # depthwise: one 3x3 filter per channel
    320
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
                 dilation=1, groups=1, bias=True):
        self.in_channels = positive_int(in_channels, "in_channels")
        self.out_channels = positive_int(out_channels, "out_channels")
        self.groups = channel_groups(groups, self.in_channels, self.out_channels)
        self.kernel_size = int_pair(kernel_size, "kernel_size")
        self.stride = int_pair(stride, "stride")
        self.dilation = int_pair(dilation, "dilation")
        self.use_bias = boolean(bias, "bias")
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
        return conv2d_params(self.in_channels, self.out_channels, self.kernel_size,
                             bias=self.use_bias, groups=self.groups)

    def multiply_adds(self, input_shape):
        """``out_channels * oh * ow * (in_channels / groups) * kh * kw``."""
        _, oh, ow = self.output_shape(input_shape)
        kh, kw = self.kernel_size
        return self.out_channels * oh * ow * (self.in_channels // self.groups) * kh * kw

    def param_shapes(self):
        shapes = {"weight": (self.out_channels, self.in_channels // self.groups, *self.kernel_size)}
        if self.use_bias:
            shapes["bias"] = (self.out_channels,)
        return shapes

    def forward(self, x):
        """Convolve a batch ``(N, in_channels, H, W)`` (or one sample ``(in_channels, H, W)``)."""
        x, batched = _image_batch(x)
        self._check_initialized()
        self.output_shape(x.shape[1:])  # clear messages for a wrong channel count or size
        xp, weight, bias, stride, dilation, _ = _prepare(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )
        out, cols = _grouped_forward(xp, weight, bias, stride, dilation, self.groups)
        self._cache = (cols, weight, xp.shape, out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """``dL/dx`` for the last forward's input; stores ``grads["weight"]``, ``grads["bias"]``."""
        cols, weight, padded_shape, out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        g = g.astype(common_float(g, weight), copy=False)
        grad_x, grad_w, grad_b = _grouped_backward(
            cols, weight, g, padded_shape, self._pads(), self.stride, self.dilation, self.groups
        )
        self._grads = {"weight": grad_w}
        if self.use_bias:
            self._grads["bias"] = grad_b
        return grad_x if batched else grad_x[0]

    def initialize(self, rng):
        fan_in = self.in_channels // self.groups * self.kernel_size[0] * self.kernel_size[1]
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
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
        if self.groups != 1:
            extra += f", groups={self.groups}"
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
        self.ceil_mode = boolean(ceil_mode, "ceil_mode")
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
        self.count_include_pad = boolean(count_include_pad, "count_include_pad")

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
        self.use_bias = boolean(bias, "bias")
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

    def multiply_adds(self, input_shape):
        """``in_features * out_features``: one product per weight."""
        self.output_shape(input_shape)
        return self.in_features * self.out_features

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


# ------------------------------------------------------------------ architecture layers
# Batch normalisation, residual blocks, global pooling and ReLU6: the pieces that
# ResNet and MobileNetV2 (cnnviz.models) add to the plain conv-pool-dense stack.
class BatchNorm2d(Layer):
    """Batch normalisation over the channels of an image batch (Ioffe and Szegedy, 2015).

    Each channel ``c`` is standardised and then scaled and shifted by two learned
    numbers::

        out[n, c, i, j] = weight[c] * (x[n, c, i, j] - mean[c]) / sqrt(var[c] + eps) + bias[c]

    In training mode (the default) ``mean`` and ``var`` are the batch's, over the
    ``N * H * W`` values of the channel, the variance biased (divided by ``N * H * W``);
    every forward also updates the running statistics,
    ``running = (1 - momentum) * running + momentum * batch``, with the unbiased
    variance, as PyTorch does. In evaluation mode (:meth:`eval`) the running
    statistics are used instead, so a sample's output no longer depends on its batch.
    ``2 * num_features`` parameters (``weight`` starts at 1, ``bias`` at 0); the
    running statistics are not learned, so they are not among :meth:`parameters`.

    ``backward`` in training mode includes the path through the batch statistics:
    with ``xhat`` the standardised input, ``m = N * H * W`` and ``gh = g * weight``,
    ``dx = (gh - mean(gh) - xhat * mean(gh * xhat)) / sqrt(var + eps)``, the means
    over the channel's ``m`` values; in evaluation mode ``dx = gh / sqrt(var + eps)``.

    Examples
    --------
    >>> bn = BatchNorm2d(1)
    >>> bn.num_params
    2
    >>> bn.initialize(np.random.default_rng(0))
    >>> bn.forward(np.array([[[[1.0, 3.0]]], [[[5.0, 7.0]]]]))[:, 0, 0]     # mean 4, variance 5
    array([[-1.3416, -0.4472],
           [ 0.4472,  1.3416]])
    >>> bn.running_mean, bn.running_var.round(4)                            # unbiased: 20 / 3
    (array([0.4]), array([1.5667]))
    >>> bn.eval().forward(np.array([[[[0.4]]]]))[0, 0, 0]                   # running statistics
    array([0.])
    """

    param_names = ("weight", "bias")
    sample_ndim = 3

    def __init__(self, num_features, *, eps=1e-5, momentum=0.1):
        self.num_features = positive_int(num_features, "num_features")
        self.eps = real_number(eps, "eps")
        if not self.eps > 0:
            raise ValueError(f"eps must be a positive number; got {eps!r}")
        self.momentum = real_number(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise ValueError(f"momentum must be between 0 and 1; got {momentum!r}")
        self.weight = None
        self.bias = None
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if len(shape) != 3:
            raise ValueError(f"expects an input of shape (channels, height, width); got {shape}")
        if shape[0] != self.num_features:
            raise ValueError(
                f"expects {self.num_features} channels; got {shape[0]} (input shape {shape})"
            )
        return shape

    @property
    def num_params(self):
        return 2 * self.num_features

    def param_shapes(self):
        return {"weight": (self.num_features,), "bias": (self.num_features,)}

    def initialize(self, rng):
        self.weight = np.ones(self.num_features, np.float32)
        self.bias = np.zeros(self.num_features, np.float32)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def forward(self, x):
        """Normalise a batch ``(N, C, H, W)`` (or one sample ``(C, H, W)``) channel by channel."""
        x, batched = _image_batch(x)
        self._check_initialized()
        self.output_shape(x.shape[1:])
        dtype = common_float(x, self.weight, self.bias)
        x = x.astype(dtype, copy=False)
        axes = (0, 2, 3)
        if self.training:
            count = x.shape[0] * x.shape[2] * x.shape[3]
            if count < 2:
                raise ValueError(
                    f"training mode needs more than one value per channel to estimate a "
                    f"variance; got input shape {x.shape} (use a larger batch, or call eval())"
                )
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean.astype(dtype), self.running_var.astype(dtype)
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(dtype)
        xhat = (x - mean[:, None, None]) * inv_std[:, None, None]
        weight, bias = self.weight.astype(dtype), self.bias.astype(dtype)
        out = weight[:, None, None] * xhat + bias[:, None, None]
        self._cache = (xhat, inv_std, self.training, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """``dL/dx``; stores ``grads["weight"] = sum(g * xhat)`` and ``grads["bias"] = sum(g)``."""
        xhat, inv_std, training, batched = self._cached()
        g = _grad_like(grad_out, xhat.shape if batched else xhat.shape[1:])
        g = (g if batched else g[None]).astype(xhat.dtype, copy=False)
        axes = (0, 2, 3)
        self._grads = {"weight": (g * xhat).sum(axis=axes), "bias": g.sum(axis=axes)}
        gh = g * self.weight.astype(xhat.dtype)[:, None, None]
        if training:
            gh = (gh - gh.mean(axis=axes, keepdims=True)
                  - xhat * (gh * xhat).mean(axis=axes, keepdims=True))
        grad = gh * inv_std[:, None, None]
        return grad if batched else grad[0]

    def __repr__(self):
        extra = "" if self.eps == 1e-5 else f", eps={self.eps!r}"
        extra += "" if self.momentum == 0.1 else f", momentum={self.momentum!r}"
        return f"BatchNorm2d({self.num_features}{extra})"


class ReLU6(Layer):
    """``min(max(0, x), 6)``, element by element: MobileNet's activation.

    The cap keeps activations in a range that low-precision arithmetic represents
    well. The gradient passes where ``0 < x < 6`` and is 0 elsewhere.

    >>> relu6 = ReLU6()
    >>> relu6.forward(np.array([-1.0, 3.0, 8.0]))
    array([0., 3., 6.])
    >>> relu6.backward(np.ones(3))
    array([0., 1., 0.])
    """

    def output_shape(self, input_shape):
        return _check_shape(input_shape)

    def forward(self, x):
        """``min(max(0, x), 6)`` for an array of any shape."""
        x = as_array(x, "x")
        self._cache = (x > 0) & (x < 6)
        return np.clip(x, 0, 6)

    def backward(self, grad_out):
        """``grad_out`` where ``0 < x < 6`` in the last input, 0 elsewhere."""
        inside = self._cached()
        g = _grad_like(grad_out, inside.shape)
        self._grads = {}
        return g * inside


class GlobalAvgPool2d(Layer):
    """The mean of each channel over all positions: ``(C, H, W)`` becomes ``(C,)``.

    ResNet and MobileNet end with it instead of flattening, so the dense layer
    after it has ``C`` inputs whatever the image size (PyTorch spells it
    ``AdaptiveAvgPool2d(1)`` followed by ``flatten``). ``backward`` shares each
    channel's gradient equally: ``g / (H * W)`` at every position.

    >>> GlobalAvgPool2d().output_shape((512, 7, 7))
    (512,)
    >>> pool = GlobalAvgPool2d()
    >>> pool.forward(np.array([[[[1.0, 2.0], [3.0, 6.0]]]]))
    array([[3.]])
    >>> pool.backward(np.array([[4.0]]))
    array([[[[1., 1.],
             [1., 1.]]]])
    """

    sample_ndim = 3

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        if len(shape) != 3:
            raise ValueError(f"expects an input of shape (channels, height, width); got {shape}")
        return shape[:1]

    def forward(self, x):
        """``(N, C, H, W)`` to ``(N, C)`` (or ``(C, H, W)`` to ``(C,)``)."""
        x, batched = _image_batch(x)
        self._cache = (x.shape, batched)
        out = x.mean(axis=(2, 3))
        return out if batched else out[0]

    def backward(self, grad_out):
        """The gradient of each channel's mean, spread evenly over its positions."""
        in_shape, batched = self._cached()
        g = _grad_like(grad_out, in_shape[:2] if batched else in_shape[1:2])
        g = g if batched else g[None]
        H, W = in_shape[2:]
        grad = np.broadcast_to(g[:, :, None, None] / (H * W), in_shape).copy()
        self._grads = {}
        return grad if batched else grad[0]


def _as_stack(layers, name):
    """A Sequential from a Sequential, a list of layers or one layer."""
    if isinstance(layers, Sequential):
        return layers
    if isinstance(layers, Layer):
        return Sequential([layers])
    if isinstance(layers, (list, tuple)):
        return Sequential(list(layers))
    raise TypeError(f"{name} must be a list of layers or a Sequential; got {_show(layers)}")


def _stack_shapes(stack, input_shape):
    """(layer, its input shape) for every layer of a Sequential, and the final shape."""
    pairs, shape = [], tuple(input_shape)
    for layer, out in zip(stack.layers, stack.output_shapes(shape)):
        pairs.append((layer, shape))
        shape = out
    return pairs, shape


class Residual(Layer):
    """A residual connection (He et al., 2016): ``out = block(x) + shortcut(x)``.

    ``block`` is the path of layers the connection skips; ``shortcut`` is the
    identity by default, or a small stack when the block changes the shape, such
    as ``[Conv2d(c_in, c_out, 1, stride=2, bias=False), BatchNorm2d(c_out)]``. Both
    paths must give the same shape. ResNet puts a :class:`ReLU` after the sum:
    it is the next layer, not part of this one.

    The gradient reaches the input along both paths and adds:
    ``dx = block.backward(g) + shortcut.backward(g)`` (``+ g`` for the identity),
    which is why the early layers of a deep residual network still learn.

    Weights are named by path, ``"block.Conv2d-1.weight"`` or
    ``"shortcut.BatchNorm2d-2.bias"``, so a :class:`Sequential` holding the block
    lists them as ``"Residual-3.block.Conv2d-1.weight"``. In a summary the
    block is one row: its parameters and multiply-adds are those of every layer
    inside, and its activations the outputs of every layer inside plus the sum.

    Examples
    --------
    >>> block = Residual([Conv2d(8, 8, 3, padding=1), ReLU(), Conv2d(8, 8, 3, padding=1)])
    >>> block.output_shape((8, 16, 16)), block.num_params
    ((8, 16, 16), 1168)
    >>> down = Residual([Conv2d(8, 16, 3, stride=2, padding=1)],
    ...                 shortcut=[Conv2d(8, 16, 1, stride=2, bias=False), BatchNorm2d(16)])
    >>> down.output_shape((8, 16, 16))
    (16, 8, 8)
    >>> zero = Residual([Conv2d(1, 1, 1, bias=False)])
    >>> zero.initialize(np.random.default_rng(0)); zero.block[0].weight[...] = 0
    >>> zero.forward(np.ones((1, 1, 2, 2)))[0, 0]        # a block that outputs 0 is the identity
    array([[1., 1.],
           [1., 1.]])
    """

    sample_ndim = 3

    def __init__(self, block, *, shortcut=None):
        self.block = _as_stack(block, "block")
        self.shortcut = None if shortcut is None else _as_stack(shortcut, "shortcut")

    def _paths(self):
        return [("block", self.block)] + ([] if self.shortcut is None else [("shortcut", self.shortcut)])

    def _locate(self, path):
        """The inner layer and attribute of a dotted weight name such as ``block.Conv2d-1.weight``."""
        part, _, rest = path.partition(".")
        stack = self.__dict__.get(part)
        layer_name, _, key = rest.partition(".")
        if isinstance(stack, Sequential) and key:
            for name, layer in zip(stack.layer_names(), stack.layers):
                if name == layer_name:
                    return layer, key
        raise AttributeError(f"{type(self).__name__} has no weight {path!r}")

    def __getattr__(self, name):
        # Only reached when ordinary lookup fails: dotted names address inner weights.
        if "." not in name:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        layer, key = self._locate(name)
        return getattr(layer, key)

    def __setattr__(self, name, value):
        if "." in name:
            layer, key = self._locate(name)
            setattr(layer, key, value)
        else:
            super().__setattr__(name, value)

    def _branch_shapes(self, shape):
        out = {}
        for name, stack in self._paths():
            try:
                shapes = stack.output_shapes(shape)
            except ValueError as err:
                raise ValueError(f"{name}: {err}") from None
            out[name] = shapes[-1] if shapes else shape
        return out["block"], out.get("shortcut", shape)

    def output_shape(self, input_shape):
        shape = _check_shape(input_shape)
        main, side = self._branch_shapes(shape)
        if main != side:
            kind = "shortcut" if self.shortcut is not None else "input (the identity shortcut)"
            raise ValueError(
                f"the block's output {main} and the {kind} {side} must have the same shape to be "
                f"added (input shape {shape}); give a shortcut that matches, such as a 1x1 Conv2d "
                "with the block's stride and a BatchNorm2d"
            )
        return main

    @property
    def num_params(self):
        return sum(stack.num_params for _, stack in self._paths())

    def param_shapes(self):
        return {
            f"{path}.{name}.{key}": shape
            for path, stack in self._paths()
            for name, layer in zip(stack.layer_names(), stack.layers)
            for key, shape in layer.param_shapes().items()
        }

    def parameters(self):
        return {f"{path}.{key}": value for path, stack in self._paths()
                for key, value in stack.parameters().items()}

    @property
    def grads(self):
        return {f"{path}.{key}": value for path, stack in self._paths()
                for key, value in stack.grads.items()}

    def multiply_adds(self, input_shape):
        self.output_shape(input_shape)
        return sum(layer.multiply_adds(shape) for _, stack in self._paths()
                   for layer, shape in _stack_shapes(stack, input_shape)[0])

    def activation_size(self, input_shape):
        inner = sum(layer.activation_size(shape) for _, stack in self._paths()
                    for layer, shape in _stack_shapes(stack, input_shape)[0])
        return inner + int(np.prod(self.output_shape(input_shape)))

    def initialize(self, rng):
        for _, stack in self._paths():
            for layer in stack:
                layer.initialize(rng)

    def train(self, mode=True):
        super().train(mode)
        for _, stack in self._paths():
            stack.train(mode)
        return self

    def forward(self, x):
        """``block(x) + shortcut(x)`` for a batch ``(N, C, H, W)`` (or one sample)."""
        x, batched = _image_batch(x)
        self.output_shape(x.shape[1:])
        outs = []
        for name, stack in self._paths():
            try:
                outs.append(stack.forward(x))
            except ValueError as err:
                raise ValueError(f"{name}: {err}") from None
        out = outs[0] + (x if self.shortcut is None else outs[1])
        self._cache = (out.shape, batched)
        return out if batched else out[0]

    def backward(self, grad_out):
        """Both paths' input gradients, added: ``block.backward(g) + shortcut.backward(g)``."""
        out_shape, batched = self._cached()
        g = _grad_like(grad_out, out_shape if batched else out_shape[1:])
        g = g if batched else g[None]
        grad = self.block.backward(g)
        grad = grad + (g if self.shortcut is None else self.shortcut.backward(g))
        return grad if batched else grad[0]

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.block)
        extra = "" if self.shortcut is None else (
            ", shortcut=[" + ", ".join(repr(layer) for layer in self.shortcut) + "]")
        return f"Residual([{inner}]{extra})"


@dataclass(frozen=True)
class SummaryRow:
    """One line of a model summary.

    ``multiply_adds`` and ``activations`` are per sample: the products with learned
    weights in one forward pass (:meth:`Layer.multiply_adds`) and the number of
    values the layer outputs (:meth:`Layer.activation_size`).

    >>> Sequential([Conv2d(1, 6, 5)]).summary((1, 32, 32)).rows[0]
    SummaryRow(name='Conv2d-1', output_shape=(6, 28, 28), params=156, multiply_adds=117600, activations=4704)
    """

    name: str
    output_shape: tuple
    params: int
    multiply_adds: int
    activations: int


class Summary:
    """A layer-by-layer table: output shape, parameters, multiply-adds and activations.

    Prints as text (``print(summary)``) and shows as an HTML table in a notebook.
    Multiply-adds and activations are per sample; the total of activations is the
    number of values a forward pass keeps for the backward pass (the input not
    counted), a measure of its memory.

    >>> summary = Sequential([Flatten(), Dense(4, 2)]).summary((1, 2, 2))
    >>> summary.total_params, [row.output_shape for row in summary.rows]
    (10, [(4,), (2,)])
    >>> summary.total_multiply_adds, summary.total_activations
    (8, 6)
    >>> "<table>" in summary._repr_html_()
    True
    """

    HEADER = ("Layer", "Output shape", "Params", "Mult-adds", "Activations")

    def __init__(self, input_shape, rows):
        self.input_shape = tuple(input_shape)
        self.rows = list(rows)
        self.total_params = sum(r.params for r in self.rows)
        self.total_multiply_adds = sum(r.multiply_adds for r in self.rows)
        self.total_activations = sum(r.activations for r in self.rows)

    def _cells(self):
        return [(r.name, str(r.output_shape), f"{r.params:,}", f"{r.multiply_adds:,}",
                 f"{r.activations:,}") for r in self.rows]

    def _totals(self):
        return [("Total params", self.total_params),
                ("Total multiply-adds", self.total_multiply_adds),
                ("Total activations", self.total_activations)]

    def __str__(self):
        header, cells = self.HEADER, self._cells()
        # Column widths; the header alone sets them for a network without layers.
        widths = [max([len(header[i])] + [len(c[i]) for c in cells]) for i in range(len(header))]
        line = "-" * (sum(widths) + 2 * (len(widths) - 1))

        def fmt(row):
            return "  ".join(f"{v:<{w}}" if i < 2 else f"{v:>{w}}"
                             for i, (v, w) in enumerate(zip(row, widths)))

        out = [fmt(header), line, *(fmt(c) for c in cells), line]
        out += [f"{label}: {value:,}" for label, value in self._totals()]
        return "\n".join(out)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        right = "<td style='text-align:right'>"
        head = "".join(f"<th>{h}</th>" for h in self.HEADER)
        body = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td>"
            + "".join(f"{right}{n}</td>" for n in numbers) + "</tr>"
            for a, b, *numbers in self._cells()
        )
        blank = "<td></td>" * (len(self.HEADER) - 2)
        foot = "".join(
            f"<tr><th colspan='{len(self.HEADER) - 1}' style='text-align:left'>{label}</th>"
            f"<th style='text-align:right'>{value:,}</th></tr>"
            for label, value in self._totals()
        )
        return (
            f"<table><thead><tr>{head}</tr></thead>"
            f"<tbody><tr><td><i>input</i></td><td>{self.input_shape}</td>{blank}</tr>{body}</tbody>"
            f"<tfoot>{foot}</tfoot></table>"
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
        """Every layer's output shape, parameters, multiply-adds and activations (per sample).

        ``input_shape`` has no batch axis. Nothing is allocated: the counts follow
        from the shapes alone.
        """
        shapes = self.output_shapes(input_shape)
        inputs = [_check_shape(input_shape)] + shapes[:-1]
        rows = [
            SummaryRow(name, shape, layer.num_params, layer.multiply_adds(shape_in),
                       layer.activation_size(shape_in))
            for name, shape, shape_in, layer in zip(self.layer_names(), shapes, inputs, self.layers)
        ]
        return Summary(_check_shape(input_shape), rows)

    def train(self, mode=True):
        """Put every layer in training mode (``mode=False``: evaluation mode); returns self.

        Examples
        --------
        >>> net = Sequential([Conv2d(1, 2, 3), BatchNorm2d(2), ReLU()])
        >>> [layer.training for layer in net.eval()]
        [False, False, False]
        >>> [layer.training for layer in net.train()]
        [True, True, True]
        """
        mode = boolean(mode, "mode")
        for layer in self.layers:
            layer.train(mode)
        return self

    def eval(self):
        """Put every layer in evaluation mode: the same as ``train(False)``; returns self."""
        return self.train(False)

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
        return_all = boolean(return_all, "return_all")
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
    "AvgPool2d", "BatchNorm2d", "Conv2d", "Dense", "Flatten", "GlobalAvgPool2d", "Layer",
    "Linear", "MaxPool2d", "ReLU", "ReLU6", "Residual", "Sequential", "Softmax", "Summary",
    "SummaryRow",
]
