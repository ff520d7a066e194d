"""Counting learnable parameters.

A dense layer connects every input to every output: ``in * out`` weights plus
one bias per output. A convolutional layer shares one small filter across all
positions: ``out_channels * (in_channels * kh * kw)`` weights plus one bias per
filter, however large the image.
"""

from __future__ import annotations

from ._validate import boolean, channel_groups, int_pair, positive_int


def _check_bias(bias):
    return int(boolean(bias, "bias"))


def conv2d_params(in_channels, out_channels, kernel_size, *, bias=True, groups=1) -> int:
    """Learnable parameters of a 2-D convolution layer.

    ``out_channels * (in_channels / groups * kh * kw + bias)``: with ``groups``,
    each filter spans only the ``in_channels / groups`` channels of its group.

    Examples
    --------
    >>> conv2d_params(3, 6, 5)          # six 5x5x3 filters, each with a bias
    456
    >>> conv2d_params(3, 96, 11)        # AlexNet's first layer
    34944
    >>> conv2d_params(3, 8, (3, 5), bias=False)
    360
    >>> conv2d_params(32, 32, 3, groups=32) + conv2d_params(32, 64, 1)   # depthwise-separable
    2432
    """
    in_channels = positive_int(in_channels, "in_channels")
    out_channels = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    groups = channel_groups(groups, in_channels, out_channels)
    return out_channels * (in_channels // groups * kh * kw + _check_bias(bias))


def dense_params(in_features, out_features, *, bias=True) -> int:
    """Learnable parameters of a dense (fully connected) layer.

    ``out_features * (in_features + bias)``

    Examples
    --------
    >>> dense_params(256 * 256 * 3, 1000)
    196609000
    >>> dense_params(32 * 32 * 3, 28 * 28 * 6, bias=False)
    14450688
    """
    in_features = positive_int(in_features, "in_features")
    out_features = positive_int(out_features, "out_features")
    return out_features * (in_features + _check_bias(bias))


def locally_connected_params(in_channels, out_channels, kernel_size, output_size, *, bias=True):
    """Parameters of a locally connected layer: a convolution without weight sharing.

    Every output position has its own ``out_channels`` filters of shape
    ``(in_channels, k, k)`` and its own biases, so the count is the convolution's
    times the number of positions: ``oh * ow * out_channels * (in_channels * k * k + bias)``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    output_size : int or (int, int)
        The output's height and width ``(oh, ow)``.

    Examples
    --------
    >>> locally_connected_params(3, 96, 11, 55)        # AlexNet's first layer, unshared
    105705600
    >>> locally_connected_params(3, 6, 5, (28, 28), bias=False)
    352800
    """
    oh, ow = int_pair(output_size, "output_size")
    positions = oh * ow
    return positions * conv2d_params(in_channels, out_channels, kernel_size, bias=bias)
