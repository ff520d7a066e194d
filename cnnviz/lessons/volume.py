"""Notebook 05: convolution over a volume of channels, numpy only.

The state of the two explorers of :mod:`cnnviz.explorers.volume`, and the bank of
hand-made colour filters they use:

* :func:`partial_sums`: one 3x3x3 filter of :data:`COLOUR_FILTERS` on a colour
  photo ``(3, H, W)``. Each of its three slices slides over its own colour plane
  and gives a partial map; the three partial maps plus the bias add up to the
  filter's one output map.
* :func:`filter_stack`: the first ``K`` filters as one convolution layer; the ``K``
  maps stacked are the output volume ``(K, H', W')``.

Examples
--------
>>> COLOUR_FILTERS["redness"][:, 1, 1] * 9         # centre weight of each slice, times 9
array([ 1. , -0.5, -0.5])
>>> float(COLOUR_FILTERS["grey blur"].sum())       # 27 weights of 1/27: an average
1.0
>>> np.stack(list(COLOUR_FILTERS.values())).shape  # all eight as one layer's weight
(8, 3, 3, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .. import filters as _filters
from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..convolution import conv2d, correlate2d
from ..errors import SettingError
from ..params import conv2d_params

CHANNELS = ("red", "green", "blue")


def _colour_filter(red, green, blue):
    """A read-only ``(3, 3, 3)`` filter from its red, green and blue slices."""
    weight = np.stack([np.asarray(s, dtype=np.float64) for s in (red, green, blue)])
    weight.setflags(write=False)
    return weight


_ZERO = np.zeros((3, 3))
_BOX, _SOBEL_X, _SOBEL_Y = _filters.BOX_BLUR, _filters.SOBEL_X, _filters.SOBEL_Y

COLOUR_FILTERS = MappingProxyType({
    "redness": _colour_filter(_BOX, -0.5 * _BOX, -0.5 * _BOX),
    "greenness": _colour_filter(-0.5 * _BOX, _BOX, -0.5 * _BOX),
    "red-green edge": _colour_filter(_SOBEL_X, -_SOBEL_X, _ZERO),
    "vertical edge": _colour_filter(*[_SOBEL_X / 3] * 3),
    "horizontal edge": _colour_filter(*[_SOBEL_Y / 3] * 3),
    "grey blur": _colour_filter(*[_BOX / 3] * 3),
    "grey sharpen": _colour_filter(*[_filters.SHARPEN / 3] * 3),
    "blue only": _colour_filter(_ZERO, _ZERO, _filters.IDENTITY),
})
"""Name -> read-only 3x3x3 filter of shape ``(C_in, kh, kw) = (3, 3, 3)``, slices in the
order red, green, blue. Stack the first ``K`` with ``np.stack`` to get a layer's weight
``(K, 3, 3, 3)`` (see the module's examples)."""

FILTER_NOTES = MappingProxyType({
    "redness": "the red plane, blurred, minus half of the green and half of the blue: "
               "positive where the photo is more red than green and blue (the nose, the "
               "orange fur), about zero on grey and white.",
    "greenness": "the same idea for green: the eyes light up.",
    "red-green edge": "a Sobel edge on red and the opposite edge on green, nothing on blue: "
                      "it answers where the balance between red and green changes from left to "
                      "right, and ignores edges of plain brightness.",
    "vertical edge": "Sobel x on every plane, divided by 3: an edge detector on the "
                     "brightness, blind to colour.",
    "horizontal edge": "Sobel y on every plane, divided by 3: edges of brightness "
                       "that run left to right.",
    "grey blur": "27 weights of 1/27: the mean of the 3x3 window over all three colours, a "
                 "blurred grey photo.",
    "grey sharpen": "the sharpen kernel on every plane, divided by 3: a sharpened grey photo.",
    "blue only": "the identity on blue and zeros elsewhere: it copies the blue plane; "
                 "the red and green parts are exactly 0.",
})
"""Name -> what the filter of :data:`COLOUR_FILTERS` answers, in a sentence."""


class PixelOffMap(SettingError):
    """The pixel to spell out lies outside the output map. Fields: ``row``, ``col`` and
    the map's ``rows`` and ``cols``."""

    def __init__(self, *, row, col, rows, cols):
        super().__init__(f"the output map is {rows}x{cols}, so the pixel must have row <= "
                         f"{rows - 1} and column <= {cols - 1}; got row {row}, column {col}",
                         row=row, col=col, rows=rows, cols=cols)

    def __reduce__(self):
        return (_rebuild_pixel, (self.fields,))


def _rebuild_pixel(fields):
    return PixelOffMap(**fields)


class TooManyFilters(SettingError):
    """More filters asked for than the bank holds. Fields: ``filters``, ``available``."""

    def __init__(self, *, filters, available):
        super().__init__(f"there are {available} filters to choose from; got filters={filters}",
                         filters=filters, available=available)

    def __reduce__(self):
        return (_rebuild_filters, (self.fields,))


def _rebuild_filters(fields):
    return TooManyFilters(**fields)


def check_rgb(rgb):
    """A colour photo ``(3, H, W)`` of at least 3x3 pixels, as a float array."""
    rgb = as_array(rgb, "rgb", ndims=3)
    if rgb.shape[0] != 3:
        raise ValueError(f"rgb must have 3 channels first, shape (3, H, W); got shape {rgb.shape}")
    if min(rgb.shape[1:]) < 3:
        raise ValueError(f"rgb must be at least 3x3 pixels for a 3x3 filter; got shape {rgb.shape}")
    return rgb


# ------------------------------------------------------------------ one filter, three parts
@dataclass
class PartialSumsState:
    rgb: np.ndarray            # (3, H, W)
    name: str
    weight: np.ndarray         # (3, 3, 3): one 3x3 slice per input channel
    bias: float
    partials: np.ndarray       # (3, H', W'): slice c slid over plane c
    output: np.ndarray         # (H', W'): conv2d's output map, partials summed plus bias
    row: int
    col: int

    @property
    def at_pixel(self):
        """The three partial values at ``(row, col)``, in channel order."""
        return self.partials[:, self.row, self.col]

    @property
    def note(self):
        """What the filter answers, in a sentence (:data:`FILTER_NOTES`)."""
        return FILTER_NOTES[self.name]


def partial_sums(rgb, *, name, bias=0.0, row=0, col=0):
    """One filter of :data:`COLOUR_FILTERS` on a colour image, channel by channel.

    ``partials[c] = correlate2d(rgb[c], weight[c])`` and
    ``output = conv2d(rgb, weight[None], [bias])[0]``, which equals
    ``partials.sum(axis=0) + bias``. ``(row, col)`` picks the output pixel whose sum
    the explorer spells out.

    Parameters
    ----------
    rgb : array_like, shape (3, H, W)
        A colour image, channels first, at least 3x3 pixels.
    name : str
        A key of :data:`COLOUR_FILTERS`.
    bias : float
    row, col : int
        An output pixel, ``0 <= row <= H - 3`` and ``0 <= col <= W - 3``.

    Returns
    -------
    PartialSumsState
        ``partials`` of shape ``(3, H - 2, W - 2)`` and ``output`` ``(H - 2, W - 2)``.

    Raises
    ------
    PixelOffMap
        When ``(row, col)`` is outside the output map.

    Examples
    --------
    >>> rgb = np.zeros((3, 4, 5)); rgb[0] = 1.0          # a pure red image
    >>> s = partial_sums(rgb, name="redness", bias=0.25)
    >>> s.output.shape
    (2, 3)
    >>> [round(float(v), 6) for v in s.at_pixel], round(float(s.output[0, 0]), 6)
    ([1.0, 0.0, 0.0], 1.25)
    """
    rgb = check_rgb(rgb)
    one_of(name, "name", tuple(COLOUR_FILTERS))
    bias = float(bias)
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    weight = COLOUR_FILTERS[name]
    partials = np.stack([correlate2d(rgb[c], weight[c]) for c in range(3)])
    output = conv2d(rgb, weight[None], np.array([bias]))[0]
    oh, ow = output.shape
    if row >= oh or col >= ow:
        raise PixelOffMap(row=row, col=col, rows=oh, cols=ow)
    return PartialSumsState(rgb, name, weight, bias, partials, output, row, col)


# ------------------------------------------------------------ K filters, one output volume
@dataclass
class FilterStackState:
    rgb: np.ndarray            # (3, H, W)
    names: list                # the K filters' names
    weight: np.ndarray         # (K, 3, 3, 3)
    bias: np.ndarray           # (K,)
    output: np.ndarray         # (K, H', W')

    @property
    def params(self):
        """Learnable numbers of the layer: weights plus biases, ``K * (27 + 1)``."""
        return conv2d_params(3, len(self.names), 3)


def filter_stack(rgb, *, filters=4):
    """The first ``filters`` filters of :data:`COLOUR_FILTERS` as one convolution layer.

    ``output = conv2d(rgb, weight, bias)`` with ``weight`` of shape ``(K, 3, 3, 3)``
    and zero biases ``(K,)``, so ``output`` is ``(K, H - 2, W - 2)``.

    Raises
    ------
    TooManyFilters
        When ``filters`` is larger than the bank (8).

    Examples
    --------
    >>> s = filter_stack(np.ones((3, 6, 6)), filters=2)
    >>> s.weight.shape, s.bias.shape, s.output.shape
    ((2, 3, 3, 3), (2,), (2, 4, 4))
    """
    rgb = check_rgb(rgb)
    k = positive_int(filters, "filters")
    if k > len(COLOUR_FILTERS):
        raise TooManyFilters(filters=k, available=len(COLOUR_FILTERS))
    names = list(COLOUR_FILTERS)[:k]
    weight = np.stack([COLOUR_FILTERS[n] for n in names])
    bias = np.zeros(k)
    return FilterStackState(rgb, names, weight, bias, conv2d(rgb, weight, bias))


__all__ = [
    "CHANNELS", "COLOUR_FILTERS", "FILTER_NOTES", "FilterStackState", "PartialSumsState",
    "PixelOffMap", "TooManyFilters", "check_rgb", "filter_stack", "partial_sums",
]
