"""Notebook 07: how many parameters a layer learns, dense against convolutional.

Two explorers:

* :func:`parameter_calculator`: sliders for the image size, input channels,
  number of filters, kernel size, stride and padding. On the left, the input
  volume with one output neuron's receptive field (a ``k x k`` window through
  every channel); on the right, the parameters of three layers that produce the
  same output volume, as bars on a log scale: the convolution (one set of filters
  shared by every position), a locally connected layer (the same windows, but a
  filter of its own at every position) and a dense layer (every input to every
  output).
* :func:`model_share_explorer`: a dropdown of well-known networks; each layer
  that learns something is a bar showing its share of all the parameters.

The counting itself is :func:`layer_counts` and :func:`model_share`, which draw
nothing.

Examples
--------
>>> c = layer_counts(32, 3, 6, 5)                      # six 5x5x3 filters on 32x32x3
>>> c.output_shape, c.conv_params, c.dense_weights
((6, 28, 28), 456, 14450688)
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import NullLocator

from .._validate import nonnegative_int, one_of, positive_int
from ..models import alexnet, example_classifier, lenet5, vgg16, vgg19
from ..params import conv2d_params, dense_params, locally_connected_params
from ..shapes import conv_output_size
from ._base import Explorer, TextLayer, bare, new_figure

#: conv layers and their bars (colour-blind safe orange)
CONV = "#e66100"
#: locally connected layers (light orange: the same windows, without sharing)
LOCAL = "#fdb863"
#: dense layers (purple, the other end of the orange-purple scale)
DENSE = "#5e3c99"
_GREY_FACE = "#d9d9d9"
_EDGE = "#555555"
_BLACK = (0, 0, 0, 255)
_WHITE = (255, 255, 255, 255)

#: the calculator's log axis runs from 1 to this many parameters (the largest
#: setting of the sliders, a 256x256x64 input into 128 maps, stays below it)
MAX_COUNT = 1e14


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


def layer_counts(size, in_channels, filters, kernel_size, *, stride=1, padding=0):
    """Output shape and parameter counts of a square convolution layer and its rivals.

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
    ValueError
        In plain words, when the kernel does not fit the padded input.

    Examples
    --------
    >>> c = layer_counts(227, 3, 96, 11, stride=4)          # AlexNet's first layer
    >>> c.out, c.neurons, c.fan_in, c.local_params, c.conv_params
    (55, 290400, 363, 105705600, 34944)
    >>> layer_counts(224, 3, 96, 11, stride=4).skipped     # (224 - 11) / 4 is not whole
    1
    >>> layer_counts(4, 3, 6, 7)
    Traceback (most recent call last):
    ...
    ValueError: A 7x7 filter does not fit on a 4x4 image with padding 0: there is no place to put it. Make the image bigger or the filter smaller, or pad by at least 2.
    """
    size = positive_int(size, "size")
    in_channels = positive_int(in_channels, "in_channels")
    filters = positive_int(filters, "filters")
    kernel_size = positive_int(kernel_size, "kernel_size")
    stride = positive_int(stride, "stride")
    padding = nonnegative_int(padding, "padding")
    room = size + 2 * padding - kernel_size
    if room < 0:
        need = -(-(kernel_size - size) // 2)
        raise ValueError(
            f"A {kernel_size}x{kernel_size} filter does not fit on a {size}x{size} image with "
            f"padding {padding}: there is no place to put it. Make the image bigger or the "
            f"filter smaller, or pad by at least {need}."
        )
    out = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    return LayerCounts(size, in_channels, filters, kernel_size, stride, padding, out,
                       skipped=room % stride)


# ------------------------------------------------------------ the calculator's picture
_ANGLE = np.deg2rad(38)
_FACE = 0.9            # the larger of input and output fills this many units
_X_IN, _X_OUT, _Y_MID = 0.08, 1.62, 0.62


def _depth(channels):
    """How deep a volume of ``channels`` is drawn: grows with log2, labelled with the number."""
    return 0.05 + 0.25 * min(np.log2(channels) / 7, 1.0)


def _box(x, y, w, h, d):
    """Front, top and side faces of a box whose front face has its lower left at (x, y)."""
    dx, dy = d * np.cos(_ANGLE), d * np.sin(_ANGLE)
    front = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    top = [(x, y + h), (x + w, y + h), (x + w + dx, y + h + dy), (x + dx, y + h + dy)]
    side = [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)]
    return front, top, side


@dataclass(frozen=True)
class _Geometry:
    """Where the calculator's diagram puts everything, in the diagram axes' units."""

    padded: tuple      # (x, y, side) of the padded input's front face
    inp: tuple         # (x, y, w, h, d) of the input box
    field: tuple       # (x, y, w, h, d) of the receptive field box
    out: tuple         # (x, y, w, h, d) of the output box
    neuron: tuple      # (x, y, w, h, d) of the chosen neuron


def _geometry(c: LayerCounts):
    padded = c.size + 2 * c.padding
    u = _FACE / max(padded, c.out)              # units per pixel, the same on both sides
    d_in, d_out = _depth(c.in_channels), _depth(c.filters)
    top = _Y_MID + padded * u / 2
    inp = (_X_IN + c.padding * u, top - (c.padding + c.size) * u, c.size * u, c.size * u, d_in)
    # The neuron at the top right of the output's front channel, and the window it reads:
    # its top and side lie on the input's own when it reaches the corner, which shows
    # that it runs through every channel.
    k, last = c.kernel_size * u, c.out - 1
    fw = max(k, 0.02)
    field = (_X_IN + last * c.stride * u + k - fw, top - fw, fw, fw, d_in)
    side = c.out * u
    out = (_X_OUT, _Y_MID - side / 2, side, side, d_out)
    nw = max(u, 0.025)
    neuron = (_X_OUT + side - nw, _Y_MID + side / 2 - nw, nw, nw, max(d_out / c.filters, 0.02))
    return _Geometry((_X_IN, top - padded * u, padded * u), inp, field, out, neuron)


def _count_words(n):
    """A short reading of a big count: 14,455,392 -> "14.5 million"."""
    for limit, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= limit:
            return f"{n / limit:.3g} {word}"
    return f"{n:,}"


_TICKS = ((1, "1"), (1e3, "1 thousand"), (1e6, "1 million"), (1e9, "1 billion"),
          (1e12, "1 trillion"))
_ROWS = (
    ("conv_params", CONV, "convolution: one set of filters, shared"),
    ("local_params", LOCAL, "locally connected: own filters at every position"),
    ("dense_params", DENSE, "dense: every input to every output"),
)


def _pixel(layer, ax, x, y):
    """Data coordinates of ``ax`` to the text layer's pixels (from the top left)."""
    px, py = ax.transData.transform((x, y))
    return px, layer.height - py


def _paint_calculator(layer, ax_vol, ax_bars, c: LayerCounts, geo: _Geometry):
    k, C, K = c.kernel_size, c.in_channels, c.filters
    plural = "s" if K > 1 else ""
    heading = (f"{c.input_shape}  \u2192  {K} filter{plural} of {k}\u00d7{k}\u00d7{C}, stride "
               f"{c.stride}, padding {c.padding}  \u2192  {c.output_shape}")
    below = _pixel(layer, ax_vol, 0, min(geo.padded[1], geo.out[1]))[1] + 8
    in_x = _pixel(layer, ax_vol, _X_IN, 0)[0]
    out_x = _pixel(layer, ax_vol, _X_OUT, 0)[0]
    bars_left, _ = _pixel(layer, ax_bars, 1, 0)
    bars_top = _pixel(layer, ax_bars, 1, -0.5)[1]
    bars_bottom = _pixel(layer, ax_bars, 1, len(_ROWS) - 0.5)[1]

    def paint(draw):
        draw.text(layer.xy(0.01, 0.96), heading, font=layer.font(11.5), fill=_BLACK, anchor="lm")
        small, tiny = layer.font(9.5), layer.font(8.5)
        first = f"input {c.size}\u00d7{c.size}\u00d7{C} = {c.inputs:,} numbers"
        second = f"one neuron sees {k}\u00d7{k}\u00d7{C} = {c.fan_in:,} of them"
        draw.text((in_x, below), first, font=small, fill=_BLACK, anchor="la")
        draw.text((in_x, below + 16), second, font=small, fill=(0xb3, 0x4b, 0x00, 255),
                  anchor="la")
        # The output's words start under its box, or after the input's when those are long.
        x = max(out_x, in_x + max(small.getlength(first), small.getlength(second)) + 14)
        draw.text((x, below), f"output {c.out}\u00d7{c.out}\u00d7{K}", font=small,
                  fill=_BLACK, anchor="la")
        draw.text((x, below + 16), f"= {c.neurons:,} neurons", font=small, fill=_BLACK,
                  anchor="la")
        draw.text((bars_left, bars_top - 24), "parameters to learn (log scale)",
                  font=layer.font(10.5), fill=_BLACK, anchor="ls")
        for i, (attr, colour, label) in enumerate(_ROWS):
            value = getattr(c, attr)
            top = _pixel(layer, ax_bars, 1, i - 0.36)[1]
            draw.text((bars_left, top - 3), label, font=tiny, fill=_BLACK, anchor="ld")
            end, mid = _pixel(layer, ax_bars, max(value, 1), i)
            text = f"{value:,}"
            if value >= 1e10:            # long bar: the number goes inside its end
                fill = _WHITE if colour != LOCAL else _BLACK
                draw.text((end - 5, mid), text, font=small, fill=fill, anchor="rm")
            else:
                draw.text((end + 5, mid), text, font=small, fill=_BLACK, anchor="lm")
        for value, label in _TICKS:
            tx, _ = _pixel(layer, ax_bars, value, 0)
            draw.text((tx, bars_bottom + 5), label, font=tiny, fill=_BLACK, anchor="ma")

    return paint


def plot_layer_counts(state, fig=None, artists=None):
    """Left: input and output volumes with one neuron's receptive field. Right: the
    parameters of the convolution, a locally connected layer and a dense layer."""
    if artists is None:
        fig = fig or new_figure(10, 4.2)
        width, height = fig.get_size_inches() * fig.dpi
        # The diagram's axes has the shape of its limits, so one unit is as long both ways.
        xlim, ylim = (0.0, 2.85), (-0.05, 1.45)
        w_px = 430
        h_px = w_px * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
        ax_vol = fig.add_axes([8 / width, 52 / height, w_px / width, h_px / height])
        ax_vol.set_xlim(*xlim)
        ax_vol.set_ylim(*ylim)
        ax_vol.axis("off")
        padded = Rectangle((0, 0), 1, 1, fill=False, ec="#8c8c8c", lw=1, ls=(0, (3, 2)))
        ax_vol.add_patch(padded)
        faces = {}
        for name, colour, alpha in (("inp", _GREY_FACE, 1.0), ("field", CONV, 0.85),
                                    ("out", _GREY_FACE, 1.0), ("neuron", CONV, 1.0)):
            faces[name] = [Polygon(np.zeros((4, 2)), closed=True, fc=colour, ec=_EDGE, lw=0.8,
                                   alpha=alpha) for _ in range(3)]
            for face, shade in zip(faces[name], (0, 0.12, 0.25)):
                face.set_facecolor(_shade(colour, shade))
                ax_vol.add_patch(face)
        rays = LineCollection([], colors=CONV, linewidths=0.9, linestyles=(0, (4, 2)))
        ax_vol.add_collection(rays)

        ax_bars = fig.add_axes([0.555, 0.16, 0.42, 0.64])
        ax_bars.set_xscale("log")
        ax_bars.set_xlim(1, MAX_COUNT)
        ax_bars.set_ylim(len(_ROWS) - 0.5, -0.5)
        bare(ax_bars)
        ax_bars.set_xticks([t for t, _ in _TICKS])   # grid lines; the text layer labels them
        ax_bars.xaxis.set_minor_locator(NullLocator())  # not eight more per decade
        ax_bars.grid(axis="x", color="#e0e0e0", lw=0.8)
        ax_bars.set_axisbelow(True)
        ax_bars.tick_params(axis="x", labelbottom=False, length=3)
        for spine in ("top", "right"):
            ax_bars.spines[spine].set_visible(False)
        bars = ax_bars.barh(range(len(_ROWS)), [1] * len(_ROWS), height=0.42, left=1,
                            color=[colour for _, colour, _ in _ROWS], ec=_EDGE, lw=0.6)
        words = TextLayer(fig)
        artists = dict(ax_vol=ax_vol, ax_bars=ax_bars, padded=padded, faces=faces, rays=rays,
                       bars=list(bars), words=words)

    geo = _geometry(state)
    x, y, side = geo.padded
    artists["padded"].set_bounds(x, y, side, side)
    artists["padded"].set_visible(state.padding > 0)
    for name in ("inp", "field", "out", "neuron"):
        for face, corners in zip(artists["faces"][name], _box(*getattr(geo, name))):
            face.set_xy(corners)
    fx, fy, fw, fh, _ = geo.field
    nx, ny, nw, nh, _ = geo.neuron
    target = (nx, ny + nh / 2)
    artists["rays"].set_segments([[(fx + fw, fy + fh), target], [(fx + fw, fy), target]])
    for bar, (attr, _, _) in zip(artists["bars"], _ROWS):
        bar.set_width(getattr(state, attr) - 1)      # bars start at 1 on the log axis
    artists["words"].paint(_paint_calculator(artists["words"], artists["ax_vol"],
                                             artists["ax_bars"], state, geo))
    return fig, artists


def _shade(colour, amount):
    """``colour`` darkened by ``amount`` (0-1), for the top and side of a box."""
    return tuple(v * (1 - amount) for v in to_rgb(colour))


def _times(big, small):
    ratio = big / small
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"


def _calculator_caption(c: LayerCounts):
    k, C, K = c.kernel_size, c.in_channels, c.filters
    positions = c.out * c.out
    lines = [
        f"<b>Convolution</b>: {K} filter{'s' if K > 1 else ''} &times; ({k}&times;{k}&times;{C} "
        f"= {c.fan_in:,} weights + 1 bias) = <b>{c.conv_params:,}</b> parameters. The image "
        "size does not appear: the same filters slide over every position.",
        f"<b>Locally connected</b>: the same windows, but a separate set of filters at each of the "
        f"{c.out}&times;{c.out} = {positions:,} positions: {positions:,} &times; "
        f"{c.conv_params:,} = <b>{c.local_params:,}</b> ({_times(c.local_params, c.conv_params)} "
        "times the convolution).",
        f"<b>Dense</b>: all {c.inputs:,} inputs to each of the {c.neurons:,} outputs: "
        f"{c.inputs:,} &times; {c.neurons:,} = {c.dense_weights:,} weights + {c.neurons:,} biases "
        f"= <b>{c.dense_params:,}</b> ({_count_words(c.dense_params)}, "
        f"{_times(c.dense_params, c.conv_params)} times the convolution; at 4 bytes each, "
        f"{_memory(c.dense_params)}).",
    ]
    if c.skipped:
        rows = "row and column" if c.skipped == 1 else f"{c.skipped} rows and columns"
        lines.append(
            f"Note: {c.size} + 2&times;{c.padding} &minus; {k} = {c.size + 2 * c.padding - k} is "
            f"not a multiple of the stride {c.stride}, so the last {rows} of the "
            f"{'padded ' if c.padding else ''}input are never read.")
    return "<br>".join(lines)


def _memory(count):
    size = count * 4
    for limit, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if size >= limit:
            return f"{size / limit:.3g} {unit}"
    return f"{size} bytes"


def parameter_calculator(*, size=32, channels=3, filters=6, kernel_size=5, stride=1, padding=0):
    """Sliders for a convolution layer; its parameters against a locally connected and a
    dense layer with the same output, on a log scale.

    The keyword arguments are the sliders' starting values.
    """
    import ipywidgets as widgets

    style = {"description_width": "90px"}
    controls = dict(
        size=widgets.IntSlider(size, 4, 256, description="image size", style=style),
        channels=widgets.IntSlider(channels, 1, 64, description="in channels", style=style),
        filters=widgets.IntSlider(filters, 1, 128, description="filters", style=style),
        kernel_size=widgets.IntSlider(kernel_size, 1, 11, description="kernel size", style=style),
        stride=widgets.IntSlider(stride, 1, 4, description="stride", style=style),
        padding=widgets.IntSlider(padding, 0, 5, description="padding", style=style),
    )

    def compute(size, channels, filters, kernel_size, stride, padding):
        return layer_counts(size, channels, filters, kernel_size, stride=stride, padding=padding)

    return Explorer(compute, plot_layer_counts, controls, new_figure(10, 4.2),
                    caption=_calculator_caption, columns=3)


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
_SHORT_NOTES = {"AlexNet": "torchvision's layout: 64 first filters, the paper's 96"}

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


def _percent(share):
    """A share in percent with one decimal; a small one is "<0.1%" rather than a false 0.0%.

    >>> _percent(0.02), _percent(74.27)
    ('<0.1%', '74.3%')
    """
    return "<0.1%" if 0 < share < 0.05 else f"{share:.1f}%"


def _paint_share(layer, ax, m: ModelShare):
    heading = f"{m.name} on a {m.summary.input_shape} input: {m.total:,} parameters"
    note = _SHORT_NOTES.get(m.name)
    legend = (
        (CONV, f"convolution layers: {m.conv_total:,} ({100 * m.conv_total / m.total:.1f}%)"),
        (DENSE, f"dense layers: {m.dense_total:,} ({100 * m.dense_total / m.total:.1f}%)"),
    )
    bottom = _pixel(layer, ax, 0, ax.get_ylim()[0])[1]

    def paint(draw):
        draw.text(layer.xy(0.01, 0.955), heading, font=layer.font(12), fill=_BLACK, anchor="lm")
        if note:
            draw.text(layer.xy(0.985, 0.955), f"({note})", font=layer.font(9), fill=_BLACK,
                      anchor="rm")
        font = layer.font(9.5)
        x, y = layer.xy(0.01, 0.895)
        for colour, text in legend:
            rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
            draw.rectangle((x, y - 6, x + 12, y + 6), fill=(*rgb, 255))
            draw.text((x + 17, y), text, font=font, fill=_BLACK, anchor="lm")
            x += 17 + font.getlength(text) + 24
        name_x = layer.xy(0.01, 0)[0]
        shape_x = _pixel(layer, ax, 0, 0)[0] - 8
        for row, share in zip(m.rows, m.shares):
            i = m.rows.index(row)
            end, mid = _pixel(layer, ax, share, i)
            draw.text((name_x, mid), row.name, font=font, fill=_BLACK, anchor="lm")
            draw.text((shape_x, mid), str(row.output_shape), font=font, fill=_BLACK, anchor="rm")
            text = f"{row.params:,} ({_percent(share)})"
            if share > 55:           # long bar: the number goes inside its end
                draw.text((end - 5, mid), text, font=font, fill=_WHITE, anchor="rm")
            else:
                draw.text((end + 5, mid), text, font=font, fill=_BLACK, anchor="lm")
        for share in (0, 25, 50, 75, 100):
            tx, _ = _pixel(layer, ax, share, 0)
            draw.text((tx, bottom + 5), f"{share}%", font=layer.font(8.5), fill=_BLACK,
                      anchor="ma")
        draw.text((_pixel(layer, ax, 50, 0)[0], bottom + 20), "share of all parameters",
                  font=font, fill=_BLACK, anchor="ma")

    return paint


def plot_model_share(state, fig=None, artists=None):
    """One bar per layer with parameters: its share of the model's total."""
    if artists is None:
        fig = fig or new_figure(10, 5.4)
        ax = fig.add_axes([0.30, 0.1, 0.64, 0.74])
        ax.set_xlim(0, 100)
        bare(ax)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.tick_params(axis="x", labelbottom=False, length=3)
        ax.grid(axis="x", color="#e0e0e0", lw=0.8)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        bars = ax.barh(range(MAX_ROWS), [0] * MAX_ROWS, height=0.7, color=CONV)
        artists = dict(ax=ax, bars=list(bars), words=TextLayer(fig))
    ax = artists["ax"]
    n = len(state.rows)
    ax.set_ylim(max(n, 8) - 0.5, -0.5)
    for i, bar in enumerate(artists["bars"]):
        bar.set_visible(i < n)
        if i < n:
            bar.set_width(state.shares[i])
            bar.set_facecolor(CONV if state.kinds[i] == "conv" else DENSE)
    artists["words"].paint(_paint_share(artists["words"], ax, state))
    return fig, artists


def _share_caption(m: ModelShare):
    biggest = max(m.rows, key=lambda r: r.params)
    share = 100 * biggest.params / m.total
    table = m.summary._repr_html_()
    note = f" {html.escape(MODEL_NOTES[m.name])}." if m.name in MODEL_NOTES else ""
    return (
        f"{html.escape(m.name)}:{note} The biggest layer, {biggest.name}, holds {biggest.params:,} parameters: {share:.1f}% of "
        f"the {m.total:,}. Layers without parameters (ReLU, pooling, flatten) are left out of the "
        f"chart.<details><summary>Every layer of {html.escape(m.name)}</summary>{table}</details>"
    )


def model_share_explorer(model="VGG16"):
    """A dropdown of networks; bars show how their parameters are spread over the layers."""
    import ipywidgets as widgets

    labels = [(f"{name} (torchvision)" if name == "AlexNet" else name, name) for name in MODELS]
    controls = dict(model=widgets.Dropdown(options=labels, value=model, description="model"))
    return Explorer(lambda model: model_share(model), plot_model_share, controls, new_figure(10, 5.4),
                    caption=_share_caption)


__all__ = ["CONV", "DENSE", "LOCAL", "LayerCounts", "MAX_ROWS", "MODELS", "ModelShare",
           "layer_counts", "model_share", "model_share_explorer",
           "parameter_calculator", "plot_layer_counts", "plot_model_share"]

BENCHMARK = [
    ("07", "parameter calculator", lambda: parameter_calculator()),
    ("07", "where the parameters are", lambda: model_share_explorer()),
]
