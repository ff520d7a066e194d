"""Notebook 06: which input pixel wins each window of a max pooling, and how often.

:func:`winners_explorer`: window and stride sliders on a small matrix, and a slider
picking one window; beside the input with its winners framed, the pooled values,
each winner's flat index (what :func:`cnnviz.max_pool2d` returns with
``return_indices=True``) and how many windows each pixel wins. State:
:func:`cnnviz.lessons.pool_views.winners_state`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array
from ..errors import DoesNotFit
from ..lessons.pool_views import demo_matrix, winners_state
from ..shapes import pool_output_size
from . import catalog, draw
from ._base import Explorer
from .pool_views import explain

#: the figure size in inches (at draw.DPI)
WINNERS_FIGURE = (10, 3.2)


def _framed(rgb, frame, cell, scale):
    """A copy of a :func:`draw.matrix_rgb` picture, framing the cells in ``frame`` in orange."""
    rgb = rgb.copy()
    t = max(round(2 * scale), cell // 12)
    for i, j in np.argwhere(frame):
        block = rgb[i * cell:(i + 1) * cell, j * cell:(j + 1) * cell]
        block[:t] = block[-t:] = draw.rgb(draw.HIGHLIGHT)
        block[:, :t] = block[:, -t:] = draw.rgb(draw.HIGHLIGHT)
    return rgb


def _show(art, shape):
    """Fit the axes of a picture of a matrix of ``shape`` to it, cell (i, j) at x = j, y = i."""
    h, w = shape
    art.set_extent(draw.matrix_extent(shape))
    art.axes.set_xlim(-0.5, w - 0.5)
    art.axes.set_ylim(h - 0.5, -0.5)


def plot_winners(state, fig=None, artists=None):
    """The input with its winners framed, the pooled values, the winners' indices, win counts."""
    x = state.x
    lo, hi = float(x.min()), float(x.max())
    if artists is None:
        fig = fig or draw.new_figure(*WINNERS_FIGURE)
        axes = fig.subplots(1, 4)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.1)
        # Pictures drawn at the axes' own size need no resampling: nearest is crisp and cheap.
        box = axes[0].get_window_extent()
        images = [ax.imshow(np.zeros((1, 1, 3), np.uint8), interpolation="nearest")
                  for ax in axes]
        boxes = [ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=draw.BLUE, lw=3))
                 for ax in axes[:3]]
        for ax, title in zip(axes, ["input, winners framed", "max-pooled", "winner indices",
                                    "windows won"]):
            draw.bare(ax)
            ax.set_title(title, fontsize=10)
        artists = dict(images=images, boxes=boxes, drawn=None, input=None,
                       pixels=int(min(box.width, box.height)))
    k, s = state.kernel_size, state.stride
    px, scale = artists["pixels"], draw.scale(fig)
    smallest = round(12 * scale)
    key = (k, s, x.shape, x.tobytes())
    if artists["input"] is None or artists["input"][0] != key[2:]:
        cell = max(smallest, px // max(x.shape))
        artists["input"] = (key[2:], cell, draw.matrix_rgb(x, cmap=draw.GREY, vmin=lo, vmax=hi,
                                                           fmt="{:.0f}", cell=cell))
    if artists["drawn"] != key:
        # The four pictures depend on the window and stride only, not on the chosen window.
        inputs, pooled, indices, wins = artists["images"]
        _, cell, base = artists["input"]
        inputs.set_data(_framed(base, state.wins > 0, cell, scale))
        _show(inputs, x.shape)
        cell = max(smallest, px // max(state.pooled.shape))
        draw.update_matrix(pooled, state.pooled, cmap=draw.GREY, vmin=lo, vmax=hi, fmt="{:.0f}",
                           cell=cell)
        # One colour for every index: an index is a position, not an amount, so a
        # shade by its value would mean nothing. (vmin = vmax below every index puts
        # all cells at the light end of Blues_r.)
        draw.update_matrix(indices, state.indices, cmap="Blues_r", vmin=-1, vmax=-1,
                           fmt="{:.0f}", cell=cell)
        draw.update_matrix(wins, state.wins, cmap="Oranges", vmin=0,
                           vmax=max(4, int(state.wins.max())), fmt="{:.0f}",
                           cell=max(smallest, px // max(x.shape)))
        artists["drawn"] = key
    i, j = state.cell
    box_in, box_out, box_idx = artists["boxes"]
    box_in.set_bounds(j * s - 0.5, i * s - 0.5, k, k)
    box_out.set_bounds(j - 0.5, i - 0.5, 1, 1)
    box_idx.set_bounds(j - 0.5, i - 0.5, 1, 1)
    return fig, artists


def _winners_caption(state):
    i, j = state.cell
    wr, wc = state.winner
    w = state.x.shape[1]
    index = int(state.indices[i, j])
    most = int(state.wins.max())
    return (f"Blue: window {state.window} and its output. Its winner is "
            f"{state.x[wr, wc]:g} at row {wr}, column {wc}, so its index is "
            f"{wr} * {w} + {wc} = {index}.<br>"
            f"{state.pooled.size} windows, {int((state.wins > 0).sum())} different winners, "
            f"{int((state.wins == 0).sum())} of the {state.x.size} pixels win nothing"
            + (f"; the busiest pixel wins {most} windows." if most > 1 else ".")
            + " In backpropagation only the winners receive a gradient.")


def winners_limits(values, shape):
    """The window slider runs over the output's cells, counted row by row (0 when the
    window does not fit a matrix of ``shape``).

    >>> winners_limits(dict(kernel_size=2, stride=1, window=0), (6, 6))
    {'window': {'max': 24}}
    """
    try:
        oh, ow = (pool_output_size(n, values["kernel_size"], stride=values["stride"])
                  for n in shape)
    except DoesNotFit:
        return {"window": {"max": 0}}
    return {"window": {"max": oh * ow - 1}}


@catalog.factory
def winners_explorer(x, *, kernel_size=2, stride=2, window=0):
    """Window and stride sliders on a small matrix; a third slider picks one window."""
    import ipywidgets as widgets

    x = as_array(x, "x", ndims=2)
    controls = dict(
        kernel_size=widgets.IntSlider(kernel_size, 2, max(2, min(4, *x.shape)),
                                      description="window k"),
        stride=widgets.IntSlider(stride, 1, 3, description="stride s"),
        window=widgets.IntSlider(window, 0, max(0, window), description="window"),
    )
    return Explorer(
        lambda kernel_size, stride, window: winners_state(
            x, kernel_size=kernel_size, stride=stride, window=window),
        plot_winners, controls, draw.new_figure(*WINNERS_FIGURE), caption=_winners_caption,
        explain=explain, constrain=lambda values: winners_limits(values, x.shape),
        layout=[["kernel_size", "stride", "window"]],
    )


# Notebook 06 builds it last, after the two of cnnviz.explorers.pool_views.
catalog.register("06", "pooling winners", winners_explorer, lambda: ((demo_matrix(),), {}))

__all__ = ["WINNERS_FIGURE", "plot_winners", "winners_explorer", "winners_limits"]
