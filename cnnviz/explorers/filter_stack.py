"""Notebook 05: ``K`` filters over a colour photo give an output volume of ``K`` maps.

:func:`filter_stack_explorer`: a slider for the number of 3x3x3 filters ``K``, from
:data:`cnnviz.lessons.volume.COLOUR_FILTERS`. Each filter gives one map, and the
``K`` maps stacked are the output volume ``(K, H', W')``; beside the photo, the
shapes of weight, bias and output and the count of parameters. State:
:func:`cnnviz.lessons.volume.filter_stack`; drawn like the partial sums of
:mod:`cnnviz.explorers.volume`, on the same screen.
"""

from __future__ import annotations

import functools

import numpy as np

from ..lessons.volume import COLOUR_FILTERS, check_rgb, filter_stack
from . import catalog, draw
from ._base import Explorer
from .volume import SIGNED, _full_picture, _pixels, _sample, _Screen

#: the filter-stack figure, in inches at draw.DPI
FIG_STACK = (10, 3.6)


def _stack_layout(state):
    _, H, W = state.rgb.shape
    _, oh, ow = state.output.shape
    gap, band, margin = round(0.2 * ow), round(0.42 * oh), round(0.03 * W)
    x_maps = margin + W + round(0.25 * W)
    width, height = x_maps + 4 * ow + 3 * gap + round(0.5 * ow), band + 2 * (band + oh)

    def slot(k):
        """Top-left corner of map ``k``."""
        return x_maps + (k % 4) * (ow + gap), 2 * band + (k // 4) * (band + oh)

    return dict(gap=gap, band=band, margin=margin, x_maps=x_maps, width=width, height=height,
                slot=slot)


def _draw_filter_stack(state, size, s, photo):
    _, H, W = state.rgb.shape
    _, oh, ow = state.output.shape
    g = _stack_layout(state)
    slot, band, margin = g["slot"], g["band"], g["margin"]
    screen = _Screen(g["width"], g["height"], size, s)
    K = len(state.names)
    layout = photo.copy()
    limits = [draw.symmetric_limits(state.output[k])[1] for k in range(K)]
    for k in range(K):
        x, y = slot(k)
        layout[y:y + oh, x:x + ow] = draw.colours_of(state.output[k], cmap=SIGNED,
                                                     vmin=-limits[k], vmax=limits[k])
    picture = screen.picture(layout)
    title_height = draw.LINE_PX * s * screen.height / screen.ph   # one line, in layout units
    for k in range(K):
        x, y = slot(k)
        screen.text(picture, x + ow / 2, y - 3 - title_height,
                    f"out[{k}]: {state.names[k]}\nmax |value| {limits[k]:.2f}", pixels=11)
    x, y = slot(3)
    screen.bar(picture, -1, 1, x + ow + 0.06 * ow, y, oh,
               labels=((0.0, "-max"), (0.5, "0"), (1.0, "+max")))
    screen.text(picture, margin + W / 2, 2 * band - 3, f"input x {state.rgb.shape}")
    plural = "s" if K > 1 else ""
    screen.text(picture, (g["x_maps"] + g["width"]) / 2, band / 2,
                f"{K} filter{plural} \u2192 {K} map{plural} \u2192 one output volume "
                f"({K}, {oh}, {ow})", pixels=15, anchor="mm")
    screen.text(picture, margin, 2 * band + H + 0.15 * H,
                f"weight ({K}, 3, 3, 3)\nbias   ({K},)\noutput ({K}, {oh}, {ow})\n\n"
                f"parameters\n{K} x (27 + 1) = {state.params}", mono=True, pixels=12, anchor="la")
    return np.asarray(picture)


def plot_filter_stack(state, fig=None, artists=None):
    """Left: the input and the shapes of weight, bias and output. Right: one slot per
    filter of the bank; the first ``K`` show their output maps, each on its own
    diverging scale (white is 0, the title gives the largest magnitude)."""
    if artists is None:
        fig = fig or draw.new_figure(*FIG_STACK)
        _, H, W = state.rgb.shape
        g = _stack_layout(state)
        photo = np.full((g["height"], g["width"], 3), 255, np.uint8)
        top, left = 2 * g["band"], g["margin"]
        photo[top:top + H, left:left + W] = np.moveaxis(_pixels(state.rgb), 0, -1)
        artists = dict(picture=_full_picture(fig), photo=photo)
    s = draw.scale(fig)
    key = (id(state.rgb), tuple(state.names))
    artists["picture"].show(key, lambda size: _draw_filter_stack(state, size, s,
                                                                 artists["photo"]))
    return fig, artists


def _stack_caption(state):
    K = len(state.names)
    _, oh, ow = state.output.shape
    each = "The filter spans" if K == 1 else f"Each of the {K} filters spans"
    return (f"{each} all 3 input channels and gives one "
            f"{oh}x{ow} map; stacked, the maps are an output volume of shape "
            f"<b>({K}, {oh}, {ow})</b>, a {K}-channel image for the next layer. "
            f"The layer learns {K} x 27 weights + {K} biases = <b>{state.params}</b> "
            "numbers, whatever the size of the photo.")


@catalog.factory
def filter_stack_explorer(rgb, *, filters=4):
    """A slider for the number of 3x3x3 filters; their maps stack into the output volume.

    Parameters
    ----------
    rgb : ndarray, shape (3, H, W)
        A colour image in [0, 1], channels first.
    filters : int
        The number of filters ``K`` shown first, 1 to 8.
    """
    import ipywidgets as widgets

    rgb = check_rgb(rgb)
    controls = dict(filters=widgets.IntSlider(filters, 1, len(COLOUR_FILTERS),
                                              description="filters K"))
    # The slider only ever asks for 8 states: remember them.
    compute = functools.lru_cache(maxsize=None)(lambda filters: filter_stack(rgb, filters=filters))
    return Explorer(compute, plot_filter_stack, controls, draw.new_figure(*FIG_STACK),
                    caption=_stack_caption)


catalog.register("05", "filters stacking into a volume", filter_stack_explorer,
                 lambda: ((_sample(),), {}))


__all__ = ["FIG_STACK", "filter_stack_explorer", "plot_filter_stack"]
