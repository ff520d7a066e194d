"""Notebook 07: how many parameters a layer learns, dense against convolutional.

:func:`parameter_calculator`: sliders for the image size, input channels, number of
filters, kernel size, stride and padding. On the left, the input volume with one
output neuron's receptive field (a ``k x k`` window through every channel); on the
right, the parameters of three layers that produce the same output volume, as bars on
a log scale: the convolution (one set of filters shared by every position), a locally
connected layer (the same windows, but a filter of its own at every position) and a
dense layer (every input to every output). Its colours (:data:`CONV`, :data:`LOCAL`,
:data:`DENSE`) are the notebook's, shared with :mod:`cnnviz.explorers.model_share`.

The counting itself is :func:`cnnviz.lessons.parameters.layer_counts`, which draws
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import NullLocator

from ..errors import DoesNotFit
from ..lessons.parameters import (
    LayerCounts, count_in_words, float32_bytes, layer_counts, times_as_many,
)
from . import catalog, draw
from ._base import Explorer

#: the calculator's figure, in inches at draw.DPI
FIG_CALCULATOR = (10, 4.2)
#: conv layers and their bars: what the lesson points at
CONV = draw.HIGHLIGHT
#: locally connected layers (light orange: the same windows, without sharing)
LOCAL = draw.HIGHLIGHT_LIGHT
#: dense layers (purple, the other end of the orange-purple scale)
DENSE = draw.ACCENT
_FACE = "#%02x%02x%02x" % ((draw.PENDING,) * 3)     # the volumes' faces, and grid lines
_EDGE = "#%02x%02x%02x" % ((draw.BORDER - 60,) * 3)
_BLACK = (0, 0, 0, 255)
_WHITE = (255, 255, 255, 255)

#: the calculator's log axis runs from 1 to this many parameters (the largest
#: setting of the sliders, a 256x256x64 input into 128 maps, stays below it)
MAX_COUNT = 1e14


# ------------------------------------------------------------ the calculator's picture
_ANGLE = np.deg2rad(38)
_SIDE = 0.9            # the larger of input and output fills this many units
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
    u = _SIDE / max(padded, c.out)              # units per pixel, the same on both sides
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
    s = layer.px_per_pt * 72 / draw.DPI          # pixel offsets follow the figure's dpi
    k, C, K = c.kernel_size, c.in_channels, c.filters
    plural = "s" if K > 1 else ""
    heading = (f"{c.input_shape}  \u2192  {K} filter{plural} of {k}\u00d7{k}\u00d7{C}, stride "
               f"{c.stride}, padding {c.padding}  \u2192  {c.output_shape}")
    below = _pixel(layer, ax_vol, 0, min(geo.padded[1], geo.out[1]))[1] + 8 * s
    in_x = _pixel(layer, ax_vol, _X_IN, 0)[0]
    out_x = _pixel(layer, ax_vol, _X_OUT, 0)[0]
    bars_left, _ = _pixel(layer, ax_bars, 1, 0)
    bars_top = _pixel(layer, ax_bars, 1, -0.5)[1]
    bars_bottom = _pixel(layer, ax_bars, 1, len(_ROWS) - 0.5)[1]

    def paint(pen):
        pen.text(layer.xy(0.01, 0.96), heading, font=layer.font(11.5), fill=_BLACK, anchor="lm")
        small, tiny = layer.font(9.5), layer.font(8.5)
        first = f"input {c.size}\u00d7{c.size}\u00d7{C} = {c.inputs:,} numbers"
        second = f"one neuron sees {k}\u00d7{k}\u00d7{C} = {c.fan_in:,} of them"
        pen.text((in_x, below), first, font=small, fill=_BLACK, anchor="la")
        pen.text((in_x, below + 16 * s), second, font=small, fill=(*draw.rgb(CONV), 255),
                  anchor="la")
        # The output's words start under its box, or after the input's when those are long.
        x = max(out_x, in_x + max(small.getlength(first), small.getlength(second)) + 14 * s)
        pen.text((x, below), f"output {c.out}\u00d7{c.out}\u00d7{K}", font=small,
                  fill=_BLACK, anchor="la")
        pen.text((x, below + 16 * s), f"= {c.neurons:,} neurons", font=small, fill=_BLACK,
                  anchor="la")
        pen.text((bars_left, bars_top - 24 * s), "parameters to learn (log scale)",
                  font=layer.font(10.5), fill=_BLACK, anchor="ls")
        for i, (attr, colour, label) in enumerate(_ROWS):
            value = getattr(c, attr)
            top = _pixel(layer, ax_bars, 1, i - 0.36)[1]
            pen.text((bars_left, top - 3 * s), label, font=tiny, fill=_BLACK, anchor="ld")
            end, mid = _pixel(layer, ax_bars, max(value, 1), i)
            text = f"{value:,}"
            if value >= 1e10:            # long bar: the number goes inside its end
                fill = _WHITE if colour != LOCAL else _BLACK
                pen.text((end - 5 * s, mid), text, font=small, fill=fill, anchor="rm")
            else:
                pen.text((end + 5 * s, mid), text, font=small, fill=_BLACK, anchor="lm")
        for value, label in _TICKS:
            tx, _ = _pixel(layer, ax_bars, value, 0)
            pen.text((tx, bars_bottom + 5 * s), label, font=tiny, fill=_BLACK, anchor="ma")

    return paint


def plot_layer_counts(state, fig=None, artists=None):
    """Left: input and output volumes with one neuron's receptive field. Right: the
    parameters of the convolution, a locally connected layer and a dense layer."""
    if artists is None:
        fig = fig or draw.new_figure(*FIG_CALCULATOR)
        width, height = fig.get_size_inches() * fig.dpi
        s = draw.scale(fig)
        # The diagram's axes has the shape of its limits, so one unit is as long both ways.
        xlim, ylim = (0.0, 2.85), (-0.05, 1.45)
        w_px = 430 * s
        h_px = w_px * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
        ax_vol = fig.add_axes([8 * s / width, 52 * s / height, w_px / width, h_px / height])
        ax_vol.set_xlim(*xlim)
        ax_vol.set_ylim(*ylim)
        ax_vol.axis("off")
        padded = Rectangle((0, 0), 1, 1, fill=False, ec=draw.NEUTRAL, lw=1, ls=(0, (3, 2)))
        ax_vol.add_patch(padded)
        faces = {}
        for name, colour, alpha in (("inp", _FACE, 1.0), ("field", CONV, 0.85),
                                    ("out", _FACE, 1.0), ("neuron", CONV, 1.0)):
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
        draw.bare(ax_bars)
        ax_bars.set_xticks([t for t, _ in _TICKS])   # grid lines; the text layer labels them
        ax_bars.xaxis.set_minor_locator(NullLocator())  # not eight more per decade
        ax_bars.grid(axis="x", color=_FACE, lw=0.8)
        ax_bars.set_axisbelow(True)
        ax_bars.tick_params(axis="x", labelbottom=False, length=3)
        for spine in ("top", "right"):
            ax_bars.spines[spine].set_visible(False)
        bars = ax_bars.barh(range(len(_ROWS)), [1] * len(_ROWS), height=0.42, left=1,
                            color=[colour for _, colour, _ in _ROWS], ec=_EDGE, lw=0.6)
        words = draw.TextLayer(fig)
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


def _calculator_caption(c: LayerCounts):
    k, C, K = c.kernel_size, c.in_channels, c.filters
    positions = c.out * c.out
    lines = [
        f"<b>Convolution</b>: {K} filter{'s' if K > 1 else ''} &times; ({k}&times;{k}&times;{C} "
        f"= {c.fan_in:,} weights + 1 bias) = <b>{c.conv_params:,}</b> parameters. The image "
        "size does not appear: the same filters slide over every position.",
        f"<b>Locally connected</b>: the same windows, but a separate set of filters at each of the "
        f"{c.out}&times;{c.out} = {positions:,} positions: {positions:,} &times; "
        f"{c.conv_params:,} = <b>{c.local_params:,}</b> "
        f"({times_as_many(c.local_params, c.conv_params)} times the convolution).",
        f"<b>Dense</b>: all {c.inputs:,} inputs to each of the {c.neurons:,} outputs: "
        f"{c.inputs:,} &times; {c.neurons:,} = {c.dense_weights:,} weights + {c.neurons:,} biases "
        f"= <b>{c.dense_params:,}</b> ({count_in_words(c.dense_params)}, "
        f"{times_as_many(c.dense_params, c.conv_params)} times the convolution; at 4 bytes each, "
        f"{float32_bytes(c.dense_params)}).",
    ]
    if c.skipped:
        rows = "row and column" if c.skipped == 1 else f"{c.skipped} rows and columns"
        lines.append(
            f"Note: {c.size} + 2&times;{c.padding} &minus; {k} = {c.size + 2 * c.padding - k} is "
            f"not a multiple of the stride {c.stride}, so the last {rows} of the "
            f"{'padded ' if c.padding else ''}input are never read.")
    return "<br>".join(lines)


def explain(err):
    """The learner's sentence for a filter that does not fit the padded image."""
    if isinstance(err, DoesNotFit):
        n, k, p = err.size, err.kernel_size, err.padding // 2   # DoesNotFit counts both sides
        return (f"A {k}x{k} filter does not fit on a {n}x{n} image with padding {p}: there is "
                "no place to put it. Make the image bigger or the filter smaller, or pad by at "
                f"least {err.need}.")
    return str(err)


@catalog.factory
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

    return Explorer(compute, plot_layer_counts, controls, draw.new_figure(*FIG_CALCULATOR),
                    caption=_calculator_caption, explain=explain,
                    layout=[["size", "channels", "filters"], ["kernel_size", "stride", "padding"]])


catalog.register("07", "parameter calculator", parameter_calculator)


__all__ = ["CONV", "DENSE", "FIG_CALCULATOR", "LOCAL", "MAX_COUNT", "explain",
           "parameter_calculator", "plot_layer_counts"]
