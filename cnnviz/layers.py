"""Layers that describe a network: their shapes, their parameters, their weights.

Each layer knows how an input shape (without the batch axis, channels first)
becomes its output shape and how many parameters it learns. Layers with weights
hold them as numpy arrays once initialised (:meth:`Sequential.initialize`);
until then a summary costs no memory, so even VGG16's 138 million parameters
can be counted instantly.

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

from ._validate import _show, int_pair, nonnegative_int, positive_int
from .convolution import resolve_padding
from .params import conv2d_params, dense_params
from .shapes import conv_output_size, pool_output_size


def _check_shape(shape, name="input_shape"):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{name} must be a tuple of positive integers such as (3, 32, 32); got {_show(shape)}")
    return tuple(positive_int(s, name) for s in shape)


class Layer:
    """Base class: a layer maps an input shape to an output shape."""

    #: names of the weight arrays this layer learns (empty for parameter-free layers)
    param_names: tuple[str, ...] = ()

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

    def __repr__(self):
        return f"{type(self).__name__}()"


class Conv2d(Layer):
    """2-D convolution layer: ``out_channels`` filters of shape ``(in_channels, kh, kw)``.

    ``stride``, ``padding`` and ``dilation`` accept what :func:`cnnviz.conv2d`
    accepts, "same" and "valid" included. Weights ``(out_channels, in_channels,
    kh, kw)`` and bias ``(out_channels,)`` are ``None`` until initialised.

    Examples
    --------
    >>> Conv2d(3, 16, 3, padding="same").output_shape((3, 32, 32))
    (16, 32, 32)
    >>> Conv2d(3, 16, 3).num_params
    448
    """

    param_names = ("weight", "bias")

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

    >>> MaxPool2d(3).output_shape((512, 126, 126))
    (512, 42, 42)
    """


class AvgPool2d(_Pool2d):
    """Average pooling: keeps the mean of each window; learns nothing.

    >>> AvgPool2d(2, stride=1).output_shape((3, 4, 4))
    (3, 3, 3)
    """

    def __init__(self, kernel_size, *, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)
        if not isinstance(count_include_pad, bool):
            raise TypeError(f"count_include_pad must be True or False; got {count_include_pad!r}")
        self.count_include_pad = count_include_pad


class ReLU(Layer):
    """max(0, x), element by element; the shape does not change.

    >>> ReLU().output_shape((8, 5, 5))
    (8, 5, 5)
    """

    def output_shape(self, input_shape):
        return _check_shape(input_shape)


class Flatten(Layer):
    """Lays a ``(C, H, W)`` volume out as one vector of ``C*H*W`` features.

    >>> Flatten().output_shape((64, 3, 3))
    (576,)
    """

    def output_shape(self, input_shape):
        return (int(np.prod(_check_shape(input_shape))),)


class Dense(Layer):
    """Fully connected layer: every input feature to every output feature.

    Weight ``(out_features, in_features)`` and bias ``(out_features,)``, as in
    PyTorch's ``Linear``.

    >>> Dense(576, 256).num_params
    147712
    """

    param_names = ("weight", "bias")

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

    >>> Softmax().output_shape((4,))
    (4,)
    """

    def output_shape(self, input_shape):
        return _check_shape(input_shape)


@dataclass(frozen=True)
class SummaryRow:
    """One line of a model summary."""

    name: str
    output_shape: tuple
    params: int


class Summary:
    """A layer-by-layer table: output shape and parameter count of every layer.

    Prints as text (``print(summary)``) and shows as an HTML table in a notebook.
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
        w0 = max(len(header[0]), *(len(c[0]) for c in cells))
        w1 = max(len(header[1]), *(len(c[1]) for c in cells))
        w2 = max(len(header[2]), *(len(c[2]) for c in cells))
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


__all__ = [
    "AvgPool2d", "Conv2d", "Dense", "Flatten", "Layer", "Linear", "MaxPool2d", "ReLU",
    "Sequential", "Softmax", "Summary", "SummaryRow",
]
