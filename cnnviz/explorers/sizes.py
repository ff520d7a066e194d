"""Notebook 04: padding, stride, dilation and the size of a convolution's output.

One explorer: sliders for input size, kernel size, padding, stride and dilation draw
the padded input as a grid with every window's start marked, one window's taps
highlighted and the cells no window reads in purple; beside it the output grid, a
heat map of how many windows read each input pixel, and the output-size formula
with the numbers substituted. State, caption and explanations: :mod:`cnnviz.lessons.sizes`;
maths: :mod:`cnnviz.shapes`.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from ..errors import DoesNotFit
from ..lessons.sizes import PADDING_MODES, caption, explain, idle_controls, output_size_state
from ..shapes import UnevenPadding, conv_output_size, padding_for
from . import catalog, draw
from ._base import Explorer

#: figure size in inches (at draw.DPI)
FIGURE = (10, 4.5)
#: colour map of the coverage counts: 0 (never read) is white, and every count from 1 up
#: is a blue at least as dark as Blues at 0.3, so "read once" never looks like "never read"
COVERAGE_CMAP = "cnnviz_coverage"


def _coverage_colour_map():
    """White for the lowest 1% of the scale, then Blues from 0.3 to 1: with ``vmin=0`` and
    ``vmax`` at most 49 (7x7 taps), a count of 1 is 1/49 of the way up, past the white."""
    blues = draw.colour_table("Blues")[np.round(np.linspace(0.3, 1.0, 253) * 255).astype(int)] / 255
    white = np.ones((3, 3))
    return ListedColormap(np.vstack([white, blues]), name=COVERAGE_CMAP)


if COVERAGE_CMAP not in colormaps:
    colormaps.register(_coverage_colour_map())

#: cell colours of the grid diagram, by role, from the palette (RGB 0-255)
CELL = dict(
    input=(draw.PENDING,) * 3,
    padding=(255, 255, 255),
    tap=draw.rgb(draw.HIGHLIGHT),                  # a tap of the chosen window, on the input
    tap_padding=draw.rgb(draw.HIGHLIGHT_LIGHT),    # ... on padding
    unread=draw.rgb(draw.ACCENT),                  # input no window reads
    unread_padding=draw.rgb(draw.ACCENT_LIGHT),    # padding no window reads
)
_LINES = (draw.BORDER / 255,) * 3


# ------------------------------------------------------------------------ the picture
def _cells(ax):
    """A picture of square cells, one pixel each, and the lines between them, on ``ax``."""
    picture = ax.imshow(np.zeros((1, 1, 3), dtype=np.uint8), interpolation="nearest")
    lines = LineCollection([], colors=[_LINES], linewidths=0.6)
    ax.add_collection(lines)
    return picture, lines


def _show_cells(cells, rgb):
    """Show ``rgb`` (m, m, 3) as m x m cells with cell (i, j) at x = j, y = i."""
    picture, lines = cells
    m = rgb.shape[0]
    picture.set_data(rgb)
    picture.set_extent(draw.matrix_extent(rgb.shape))
    picture.axes.set_xlim(-0.5, m - 0.5)
    picture.axes.set_ylim(m - 0.5, -0.5)
    edges = np.arange(m + 1) - 0.5
    lines.set_segments([((-0.5, e), (m - 0.5, e)) for e in edges]
                       + [((e, -0.5), (e, m - 0.5)) for e in edges])
    lines.set_linewidth(0.6 if m <= 24 else 0.3)


def grid_rgb(state):
    """The padded input as an RGB image, one pixel per cell, coloured by role."""
    L, p, n = state.padded, state.padding, state.size
    inside = np.zeros((L, L), dtype=bool)
    inside[p:p + n, p:p + n] = True
    read = state.padded_coverage > 0
    rgb = np.empty((L, L, 3), dtype=np.uint8)
    rgb[:] = CELL["padding"]
    rgb[inside] = CELL["input"]
    rgb[~read & inside] = CELL["unread"]
    rgb[~read & ~inside] = CELL["unread_padding"]
    rows, cols = state.taps
    tap = np.zeros((L, L), dtype=bool)
    tap[np.ix_(rows, cols)] = True
    rgb[tap & inside] = CELL["tap"]
    rgb[tap & ~inside] = CELL["tap_padding"]
    return rgb


def _formula_text(state):
    lines = state.explanation.split("\n")
    wrapped = [w for line in lines for w in textwrap.wrap(line, 66, subsequent_indent=" ")]
    if state.dilation == 1:
        wrapped.append(f"(d = 1, so this is floor((n + 2p - k) / s) + 1 = "
                       f"floor({state.padded - state.kernel_size} / {state.stride}) + 1)")
    for name, why in idle_controls(state).items():
        wrapped += textwrap.wrap(f"{name}: {why}.", 66, subsequent_indent=" ")
    return "\n".join(wrapped)


def _heading(state):
    mode = "" if state.padding_mode == "custom" else f" ({state.padding_mode})"
    dil = f", dilation {state.dilation}" if state.dilation > 1 else ""
    return (f"{state.size}x{state.size} input, {state.kernel_size}x{state.kernel_size} kernel, "
            f"padding {state.padding}{mode}, stride {state.stride}{dil}"
            f"   \u2192   {state.out}x{state.out} output")


#: The legend under the grid, one tuple of entries per row.
_LEGEND = (
    (("square", CELL["input"], "input"), ("square", CELL["padding"], "zero padding"),
     ("dot", (0, 0, 0), "window start")),
    (("square", CELL["tap"], "a tap of the chosen window on the input"),
     ("square", CELL["tap_padding"], "on padding")),
    (("square", CELL["unread"], "input never read"),
     ("square", CELL["unread_padding"], "padding never read")),
)


def _paint_words(layer, axes, state, scale):
    """The heading, the panel titles, the legend and the formula, as one paint function.

    Offsets are pixels at draw.DPI, times ``scale`` (2 for the stored picture)."""
    ax_grid, ax_out, ax_cov = axes
    i, j = state.window_cell
    n, p, L = state.size, state.padding, state.padded
    titles = [
        (ax_grid, f"padded input: {L}x{L} = {n} + 2*{p}" if p else f"input: {n}x{n}, no padding"),
        (ax_out, f"output: {state.out}x{state.out}, cell ({i}, {j})"),
        (ax_cov, "windows reading each input pixel"),
    ]
    formula = _formula_text(state)
    black = (0, 0, 0, 255)
    grey = (draw.BORDER,) * 3 + (255,)

    px = lambda value: value * scale  # noqa: E731  (pixels at draw.DPI -> this figure's)
    def paint(pen):
        pen.text(layer.xy(0.5, 0.95), _heading(state), font=layer.font(12), fill=black,
                 anchor="mm")
        for ax, text in titles:
            box = ax.get_position()
            x, y = layer.xy((box.x0 + box.x1) / 2, box.y1)
            pen.text((x, y - px(5)), text, font=layer.font(10.5), fill=black, anchor="md")
        # The legend: three rows under the grid.
        box = ax_grid.get_position()
        left, top = layer.xy((box.x0 + box.x1) / 2 - box.height * layer.height / layer.width / 2,
                             box.y0)
        font = layer.font(9)
        for row, entries in enumerate(_LEGEND):
            x, y = left, top + px(6 + 16 * row)
            for kind, colour, label in entries:
                if kind == "square":
                    pen.rectangle((x, y, x + px(11), y + px(11)), fill=(*colour, 255),
                                  outline=grey, width=max(1, round(scale)))
                else:
                    pen.ellipse((x + px(2), y + px(2), x + px(9), y + px(9)), fill=(*colour, 255))
                pen.text((x + px(16), y + px(6)), label, font=font, fill=black, anchor="lm")
                x += px(16) + font.getlength(label) + px(18)
        x, y = layer.xy(0.475, 0.40)
        pen.multiline_text((x, y), formula, font=layer.font(9, "DejaVu Sans Mono"), fill=black,
                           spacing=px(3))

    return paint


def plot_output_size(state, fig=None, artists=None):
    """Left: the padded input with every window start and one window's taps.
    Right: the output grid, the coverage heat map and the formula."""
    if artists is None:
        fig = fig or draw.new_figure(*FIGURE)
        ax_grid = fig.add_axes([0.01, 0.19, 0.42, 0.67])
        ax_out = fig.add_axes([0.47, 0.46, 0.22, 0.40])
        ax_cov = fig.add_axes([0.74, 0.46, 0.24, 0.40])
        for ax in (ax_grid, ax_out, ax_cov):
            draw.bare(ax)
        grid = _cells(ax_grid)
        border = Rectangle((0, 0), 1, 1, fill=False, ec="black", lw=1.6)
        ax_grid.add_patch(border)
        window = Rectangle((0, 0), 1, 1, fill=False, ec="black", lw=2.2)
        ax_grid.add_patch(window)
        (dots,) = ax_grid.plot([], [], "o", color="black", ms=3, ls="")
        cov = draw.show_matrix(ax_cov, state.coverage, cmap=COVERAGE_CMAP, vmin=0)
        words = draw.TextLayer(fig)
        artists = dict(grid=grid, border=border, window=window, dots=dots, out=_cells(ax_out),
                       cov=cov, words=words, axes=(ax_grid, ax_out, ax_cov))

    L, n, p, out = state.padded, state.size, state.padding, state.out
    scale = draw.scale(fig)

    # The padded input: cells coloured by role, grid lines, the input's border.
    _show_cells(artists["grid"], grid_rgb(state))
    artists["border"].set_bounds(p - 0.5, p - 0.5, n, n)
    i, j = state.window_cell
    s = state.stride
    artists["window"].set_bounds(j * s - 0.5, i * s - 0.5, state.span, state.span)
    xs, ys = np.meshgrid(state.starts, state.starts)
    artists["dots"].set_data(xs.ravel(), ys.ravel())
    artists["dots"].set_markersize(float(np.clip(90 / L, 1.5, 5)))

    # The output grid with the chosen window's cell.
    out_rgb = np.empty((out, out, 3), dtype=np.uint8)
    out_rgb[:] = CELL["input"]
    out_rgb[i, j] = CELL["tap"]
    _show_cells(artists["out"], out_rgb)

    coverage = state.coverage
    key = (coverage.shape, coverage.tobytes())
    if artists.get("coverage_key") != key:   # moving the window leaves the heat map as it is
        draw.update_matrix(artists["cov"], coverage, cmap=COVERAGE_CMAP, vmin=0,
                           vmax=max(1, int(coverage.max())), fmt="{:.0f}", numbers=n <= 16,
                           cell=round(max(8, 168 // n) * scale))
        artists["coverage_key"] = key
    artists["words"].paint(_paint_words(artists["words"], artists["axes"], state, scale))
    return fig, artists


# ------------------------------------------------------------------------ the widget
def constrain(values):
    """The limits of the explorer's controls, from their values alone.

    A named padding mode sets the ``p`` slider to its padding and disables it (pick
    "custom" to move it); the slider reaches at least 6 and ``d(k - 1)``, and never
    drops below a custom padding in use; the window slider runs over the output's
    cells (0 when no window fits).

    >>> values = dict(size=7, kernel_size=5, stride=2, dilation=1, mode="same", padding=0,
    ...               window=0)
    >>> limits = constrain(values)
    >>> limits["padding"], limits["window"]
    ({'max': 6, 'disabled': True, 'value': 2}, {'max': 15})
    """
    k, d, mode = values["kernel_size"], values["dilation"], values["mode"]
    custom = mode == "custom"
    padding = {"max": max(6, d * (k - 1), values["padding"] if custom else 0),
               "disabled": not custom}
    out = 0
    if mode in PADDING_MODES:  # not None, which an emptied dropdown holds
        try:
            pad = values["padding"] if custom else padding_for(mode, k, dilation=d)
            if not custom:
                padding["value"] = pad
            out = conv_output_size(values["size"], k, stride=values["stride"], padding=pad,
                                   dilation=d)
        except (UnevenPadding, DoesNotFit):  # the state explains these on the figure
            pass
    return {"padding": padding, "window": {"max": max(0, out * out - 1)}}


@catalog.factory
def size_explorer(size=7, kernel_size=3, *, padding="valid", stride=1, dilation=1, window=0):
    """Sliders for input size, kernel size, padding, stride and dilation; the grid shows
    every window, the formula the output size.

    ``padding`` is "valid", "same", "full" or a number (the "custom" choice, which
    frees the ``p`` slider; a named choice sets it).
    """
    import ipywidgets as widgets

    mode = padding if isinstance(padding, str) else "custom"
    p = 0 if isinstance(padding, str) else padding
    style = {"description_width": "70px"}
    layout = widgets.Layout(width="260px")

    def slider(value, lo, hi, description):
        return widgets.IntSlider(value, lo, hi, description=description, style=style,
                                 layout=layout, continuous_update=True)

    controls = dict(
        size=slider(size, 1, 12, "input n"),
        kernel_size=slider(kernel_size, 1, 7, "kernel k"),
        stride=slider(stride, 1, 4, "stride s"),
        dilation=slider(dilation, 1, 2, "dilation d"),
        mode=widgets.Dropdown(options=PADDING_MODES, value=mode, description="padding",
                              style=style, layout=layout),
        padding=slider(p, 0, max(6, p), "p"),
        window=slider(window, 0, max(0, window), "window"),
    )

    def compute(size, kernel_size, mode, padding, stride, dilation, window):
        return output_size_state(size, kernel_size, padding=mode if mode != "custom" else padding,
                                 stride=stride, dilation=dilation, window=window)

    return Explorer(compute, plot_output_size, controls, draw.new_figure(*FIGURE),
                    caption=caption, constrain=constrain, explain=explain,
                    layout=[["size", "kernel_size", "stride", "dilation"],
                            ["mode", "padding", "window"]])


# The explorers as notebook 04 builds them, in its order.
_NOTEBOOK = [
    ("output size", (7, 3), {}),
    ("output size at stride 2", (8, 3), {"stride": 2}),
    ("output size with same padding", (6, 3), {"padding": "same"}),
    ("output size with dilation 2", (7, 3), {"dilation": 2}),
]
for _title, _args, _kwargs in _NOTEBOOK:
    catalog.register("04", _title, size_explorer, lambda a=_args, k=_kwargs: (a, dict(k)))
# Section 6 opens on a kernel larger than the input, to explain why no window fits.
catalog.register("04", "no window fits", size_explorer, lambda: ((5, 7), {"padding": 0}),
                 opens_on_explanation=True)

__all__ = ["COVERAGE_CMAP", "CELL", "FIGURE", "constrain", "grid_rgb",
           "plot_output_size", "size_explorer"]
