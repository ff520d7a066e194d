"""Notebook 07: how many parameters a layer learns, and where a network keeps them.

The state of the two explorers of :mod:`cnnviz.explorers.parameters`, numpy only:

* :func:`layer_counts`: the output of a square convolution layer and its parameters,
  against a locally connected layer (the same windows, a filter of its own at every
  position) and a dense layer (every input to every output) with the same output.
* :func:`model_share`: the layers of a well-known network that learn something,
  and their share of all its parameters.

The formulas are :mod:`cnnviz.params`; the output size is
:func:`cnnviz.shapes.conv_output_size`.

Examples
--------
>>> c = layer_counts(32, 3, 6, 5)                      # six 5x5x3 filters on 32x32x3
>>> c.output_shape, c.conv_params, c.dense_weights
((6, 28, 28), 456, 14450688)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

from .._validate import nonnegative_int, one_of, positive_int
from ..errors import DoesNotFit
from ..models import alexnet, example_classifier, lenet5, vgg16, vgg19
from ..params import conv2d_params, dense_params, locally_connected_params
from ..shapes import conv_output_size


# ------------------------------------------------------------------------ one layer
@dataclass(frozen=True)
class LayerCounts:
    """What a convolution layer on a square input produces and learns, and what two
    layers without its tricks would need for the same output volume."""

    size: int                  # input height = width
    in_channels: int           # C_in
    filters: int               # K, the output channels
    kernel_size: int           # k
    stride: int
    padding: int
    out: int                   # output height = width
    skipped: int               # input rows (and columns) the last window never reaches

    @property
    def input_shape(self):
        """``(C_in, H, W)``."""
        return (self.in_channels, self.size, self.size)

    @property
    def output_shape(self):
        """``(K, oh, ow)``."""
        return (self.filters, self.out, self.out)

    @property
    def inputs(self):
        """Numbers in the input volume: what a dense layer takes once it is flattened."""
        return self.in_channels * self.size * self.size

    @property
    def neurons(self):
        """Numbers in the output volume: one neuron each."""
        return self.filters * self.out * self.out

    @property
    def fan_in(self):
        """Inputs one output neuron sees: a ``k x k`` window through all ``C_in`` channels."""
        return self.kernel_size * self.kernel_size * self.in_channels

    @property
    def conv_weights(self):
        """The convolution's weights without its biases: ``K * k * k * C_in``."""
        return conv2d_params(self.in_channels, self.filters, self.kernel_size, bias=False)

    @property
    def conv_params(self):
        """Shared filters: ``K * (k * k * C_in + 1)``, whatever the image size."""
        return conv2d_params(self.in_channels, self.filters, self.kernel_size)

    @property
    def local_params(self):
        """No sharing: a filter and a bias per neuron, ``neurons * (fan_in + 1)``."""
        return locally_connected_params(self.in_channels, self.filters, self.kernel_size, self.out)

    @property
    def dense_weights(self):
        """Every input to every output: ``inputs * neurons``."""
        return dense_params(self.inputs, self.neurons, bias=False)

    @property
    def dense_params(self):
        """Dense weights plus one bias per output neuron."""
        return dense_params(self.inputs, self.neurons)


def padding_to_fit(size, kernel_size):
    """The least padding per side that lets a ``kernel_size`` window fit a ``size`` input:
    ``ceil((k - n) / 2)``, or 0 when it fits already.

    >>> padding_to_fit(4, 11), padding_to_fit(4, 7), padding_to_fit(32, 5)
    (4, 2, 0)
    """
    return max(0, -(-(kernel_size - size) // 2))


def layer_counts(size, in_channels, filters, kernel_size, *, stride=1, padding=0):
    """Output shape and parameter counts of a square convolution layer and its rivals.

    ``out = floor((n + 2p - k) / s) + 1``; the convolution learns ``K (k k C_in + 1)``,
    the locally connected layer ``out^2 K (k k C_in + 1)``, the dense layer
    ``C_in n^2 * K out^2 + K out^2``.

    Parameters
    ----------
    size : int
        Height and width of the input.
    in_channels, filters, kernel_size : int
        ``C_in``, the number of filters ``K`` and the kernel size ``k``.
    stride, padding : int

    Returns
    -------
    LayerCounts

    Raises
    ------
    DoesNotFit
        When the kernel does not fit the padded input (fields as
        :class:`cnnviz.errors.DoesNotFit`, ``padding`` the total of both sides, and
        ``need``, the least padding per side that would make it fit).

    Examples
    --------
    >>> c = layer_counts(227, 3, 96, 11, stride=4)          # AlexNet's first layer
    >>> c.out, c.neurons, c.fan_in, c.local_params, c.conv_params
    (55, 290400, 363, 105705600, 34944)
    >>> layer_counts(224, 3, 96, 11, stride=4).skipped     # (224 - 11) / 4 is not whole
    1
    >>> layer_counts(4, 3, 6, 7)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnnviz.errors.DoesNotFit: A 7x7 filter does not fit on a 4x4 image with padding 0: ... pad by at least 2.
    """
    size = positive_int(size, "size")
    in_channels = positive_int(in_channels, "in_channels")
    filters = positive_int(filters, "filters")
    kernel_size = positive_int(kernel_size, "kernel_size")
    stride = positive_int(stride, "stride")
    padding = nonnegative_int(padding, "padding")
    room = size + 2 * padding - kernel_size
    if room < 0:
        need = padding_to_fit(size, kernel_size)
        raise DoesNotFit(
            f"A {kernel_size}x{kernel_size} filter does not fit on a {size}x{size} image with "
            f"padding {padding}: there is no place to put it. Make the image bigger or the "
            f"filter smaller, or pad by at least {need}.",
            size=size, kernel_size=kernel_size, padding=2 * padding, need=need,
        )
    out = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    return LayerCounts(size, in_channels, filters, kernel_size, stride, padding, out,
                       skipped=room % stride)


# ------------------------------------------------------------- where a model's parameters are
MODELS = MappingProxyType({
    "LeNet-5": (lenet5, (1, 32, 32)),
    "AlexNet": (alexnet, (3, 224, 224)),
    "VGG16": (vgg16, (3, 224, 224)),
    "VGG16 without the dense top": (functools.partial(vgg16, include_top=False), (3, 224, 224)),
    "VGG19": (vgg19, (3, 224, 224)),
    "example classifier": (example_classifier, (3, 128, 128)),
})
"""Name -> (function that builds the model, input shape). Summaries only: no weights."""

#: what a reader must know to compare a model with its paper, shown with its name
MODEL_NOTES = MappingProxyType({
    "AlexNet": "torchvision's layout: 64 filters in the first layer, where the 2012 paper has 96",
})

#: most layers with parameters in any of :data:`MODELS` (VGG19: 16 conv + 3 dense)
MAX_ROWS = 19


@dataclass(frozen=True)
class ModelShare:
    """The layers of a model that learn something, and their share of all parameters."""

    name: str
    summary: object            # cnnviz.layers.Summary, every layer
    rows: tuple                # SummaryRow of the layers with parameters, in order
    kinds: tuple               # "conv" or "dense", one per row

    @property
    def total(self):
        return self.summary.total_params

    @property
    def conv_total(self):
        return sum(r.params for r, kind in zip(self.rows, self.kinds) if kind == "conv")

    @property
    def dense_total(self):
        return sum(r.params for r, kind in zip(self.rows, self.kinds) if kind == "dense")

    @property
    def shares(self):
        """Each row's percentage of all parameters."""
        return tuple(100 * r.params / self.total for r in self.rows)


@functools.lru_cache(maxsize=None)
def model_share(name):
    """Summarise one of :data:`MODELS` and keep the layers with parameters.

    Examples
    --------
    >>> m = model_share("LeNet-5")
    >>> m.total, m.conv_total, m.dense_total
    (61706, 2572, 59134)
    >>> [r.name for r in m.rows]
    ['Conv2d-1', 'Conv2d-4', 'Dense-8', 'Dense-10', 'Dense-12']
    """
    one_of(name, "model", tuple(MODELS))
    build, input_shape = MODELS[name]
    summary = build().summary(input_shape)
    rows = tuple(r for r in summary.rows if r.params > 0)
    kinds = tuple("conv" if r.name.startswith("Conv") else "dense" for r in rows)
    return ModelShare(name, summary, rows, kinds)


# ------------------------------------------------------------------ counts in words
def count_in_words(n):
    """A short reading of a big count.

    >>> count_in_words(14_455_392), count_in_words(2.5e12), count_in_words(456)
    ('14.5 million', '2.5 trillion', '456')
    """
    for limit, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= limit:
            return f"{n / limit:.3g} {word}"
    return f"{n:,}"


def times_as_many(big, small):
    """``big / small`` as the lesson says it: whole above 10, two digits below.

    >>> times_as_many(14_455_392, 456), times_as_many(3, 2)
    ('31,700', '1.5')
    """
    ratio = big / small
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"


def float32_bytes(count):
    """The memory of ``count`` parameters at 4 bytes each (32-bit floats), in words.

    >>> float32_bytes(14_455_392), float32_bytes(100)
    ('57.8 MB', '400 bytes')
    """
    size = count * 4
    for limit, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if size >= limit:
            return f"{size / limit:.3g} {unit}"
    return f"{size} bytes"


def percent(share):
    """A share in percent with one decimal; a small one is "<0.1%" rather than a false 0.0%.

    >>> percent(0.02), percent(74.27), percent(0)
    ('<0.1%', '74.3%', '0.0%')
    """
    return "<0.1%" if 0 < share < 0.05 else f"{share:.1f}%"


__all__ = ["LayerCounts", "MAX_ROWS", "MODELS", "MODEL_NOTES", "ModelShare", "count_in_words",
           "float32_bytes", "layer_counts", "model_share", "padding_to_fit", "percent",
           "times_as_many"]
