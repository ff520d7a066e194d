"""Notebook 06: pooling summarises each window of a feature map with one number.

Two explorers, drawing the state of :mod:`cnnviz.lessons.pool_views`:

* :func:`pooling_explorer`: max or average pooling of a feature map, with window
  size, stride and ceil mode; the output size worked out
  (:func:`cnnviz.shapes.explain_pool_output_size`), and a zoom on one window.
* :func:`shift_explorer`: shift the input by 0-3 pixels, max-pool both versions,
  and count how many values stay exactly the same before and after pooling.

The notebook's third explorer, which pixel wins each window, is
:mod:`cnnviz.explorers.pool_winners`; it shares :func:`explain`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array
from ..errors import DoesNotFit
from ..lessons.pool_views import (
    MAX_SHIFT, MODES, ShiftState, demo_feature_map, pool_state, shift_state,
)
from ..shapes import pool_output_size
from . import catalog, draw
from ._base import Explorer

#: figure sizes in inches (at draw.DPI)
POOL_FIGURE = (10, 3.3)
SHIFT_FIGURE = (9.5, 4.2)
#: colours of the agreement maps: same value, changed value, zero in both (not counted)
SAME_RGB = draw.rgb(draw.BLUE)
CHANGED_RGB = draw.rgb(draw.HIGHLIGHT)
ZERO_RGB = (draw.PENDING,) * 3


def explain(err):
    """The learner's sentence for a window larger than the map."""
    if isinstance(err, DoesNotFit) and "map_shape" in err.fields:
        (H, W), k = err.map_shape, err.kernel_size
        m = min(H, W)
        return (f"A {k}x{k} window is larger than the {H}x{W} map, so it fits nowhere: "
                f"choose a window of at most {m}x{m}.")
    return str(err)


# --------------------------------------------------------------- pooling a feature map
def _zoom_style(state, vmax, scale):
    """How the zoomed window is drawn: grey like the maps, blank where it leaves the map."""
    return dict(cmap=draw.GREY, vmin=0, vmax=vmax, fmt="{:.2f}",
                cell=round(max(24, 224 // state.kernel_size) * scale),
                mask=~np.isnan(state.window))


def plot_pooling(state, fig=None, artists=None):
    """The input map, the pooled map (same shades), and the numbers of one window."""
    vmax = float(state.fmap.max()) or 1.0
    if artists is None:
        fig = fig or draw.new_figure(*POOL_FIGURE)
        axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1.5, 1.5, 1]))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.06)
        ax_in, ax_out, ax_zoom = axes
        fmap = ax_in.imshow(state.fmap, cmap=draw.GREY, vmin=0, vmax=vmax,
                            interpolation="nearest")
        pooled = ax_out.imshow(state.pooled, cmap=draw.GREY, vmin=0, vmax=vmax,
                               interpolation="nearest")
        box_in = ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=draw.HIGHLIGHT, lw=2))
        box_out = ax_out.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=draw.HIGHLIGHT, lw=2))
        zoom = draw.show_matrix(ax_zoom, state.window, **_zoom_style(state, vmax, draw.scale(fig)))
        best = ax_zoom.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=draw.HIGHLIGHT, lw=3))
        for ax in axes:
            draw.bare(ax)
        titles = [ax.set_title("", fontsize=11) for ax in axes]
        artists = dict(fmap=fmap, pooled=pooled, box_in=box_in, box_out=box_out,
                       zoom=zoom, best=best, titles=titles)
    H, W = state.fmap.shape
    oh, ow = state.pooled.shape
    k = state.kernel_size
    r0, c0 = state.top_left
    artists["fmap"].set_data(state.fmap)
    pooled = artists["pooled"]
    pooled.set_data(state.pooled)
    pooled.set_extent(draw.matrix_extent(state.pooled.shape))
    pooled.axes.set_xlim(-0.5, ow - 0.5)
    pooled.axes.set_ylim(oh - 0.5, -0.5)
    artists["box_in"].set_bounds(c0 - 0.5, r0 - 0.5, k, k)
    artists["box_out"].set_bounds(state.out_col - 0.5, state.out_row - 0.5, 1, 1)
    draw.update_matrix(artists["zoom"], state.window, **_zoom_style(state, vmax, draw.scale(fig)))
    t_in, t_out, t_zoom = artists["titles"]
    t_in.set_text(f"feature map: {H} x {W}")
    out_title = f"{state.mode} pooled: {oh} x {ow}"
    if state.ceil_adds_nothing:
        out_title += "\n(ceil mode adds nothing here: (n - k) / s is whole)"
    t_out.set_text(out_title)
    inside = int((~np.isnan(state.window)).sum())
    # a partial window's title takes two lines: one would not fit over the zoom
    which = "one window: " if inside == k * k else f"the {inside} pixels inside the map:\n"
    if state.winner is None:
        artists["best"].set_visible(False)
        t_zoom.set_text(f"{which}mean {state.value:.2f}")
    else:
        wr, wc = state.winner
        artists["best"].set_bounds(wc - 0.5, wr - 0.5, 1, 1)
        artists["best"].set_visible(True)
        t_zoom.set_text(f"{which}max {state.value:.2f}")
    return fig, artists


def _pool_caption(state):
    H, W = state.fmap.shape
    oh, ow = state.pooled.shape
    k, s = state.kernel_size, state.stride
    if s < k:
        overlap = f"Stride {s} &lt; window {k}: neighbouring windows overlap."
    elif s > k:
        overlap = f"Stride {s} &gt; window {k}: the pixels between windows are never looked at."
    else:
        overlap = "Stride = window: the windows tile the map without overlapping."
    kept = ("the largest value of each window" if state.mode == "max"
            else "the mean of each window")
    formula = "out = ceil((n - k) / s) + 1" if state.ceil_mode else "out = floor((n - k) / s) + 1"
    return (f"<b>{H}x{W} = {H * W:,} values &rarr; {oh}x{ow} = {oh * ow:,}</b> "
            f"({H * W / (oh * ow):.1f} times fewer), keeping {kept}. {overlap} "
            "The orange square on the left is the window zoomed in on the right."
            # a block of monospaced lines: <br> and <div> also break the stored picture's lines
            "<div style='margin:4px 0;font-family:monospace;white-space:pre'>"
            f"{formula}<br>rows:    {state.rows_text}<br>columns: {state.cols_text}</div>")


def pooling_limits(values, shape):
    """The zoom sliders' limits for a map of ``shape``, from the controls' values alone.

    They step from window to window: each value is a window's top-left pixel, a
    multiple of the stride up to the last window (a pixel slider would offer
    positions inside one window, where a step changes nothing). A zoom value is
    moved to the start of the window it lies in. Nothing is limited when the window
    does not fit: the figure explains that.

    >>> values = dict(kernel_size=3, stride=2, ceil_mode=False, row=27, col=200)
    >>> pooling_limits(values, (72, 108))
    {'row': {'max': 68, 'step': 2, 'value': 26}, 'col': {'max': 104, 'step': 2, 'value': 104}}
    """
    k, s, ceil = values["kernel_size"], values["stride"], values["ceil_mode"]
    try:
        sizes = [pool_output_size(n, k, stride=s, ceil_mode=ceil) for n in shape]
    except DoesNotFit:
        return {}
    return {name: {"max": (n - 1) * s, "step": s, "value": min(values[name] // s, n - 1) * s}
            for name, n in zip(("row", "col"), sizes)}


@catalog.factory
def pooling_explorer(fmap, *, mode="max", kernel_size=2, stride=2, ceil_mode=False,
                     row=None, col=None):
    """Sliders for the window size and stride, a max/average toggle and ceil mode.

    Parameters
    ----------
    fmap : ndarray, shape (H, W)
        A feature map (for example :func:`cnnviz.lessons.pool_views.demo_feature_map`).
    row, col : int, optional
        The input pixel whose window is zoomed; default: the largest value of ``fmap``.
    """
    import ipywidgets as widgets

    fmap = as_array(fmap, "fmap", ndims=2)
    H, W = fmap.shape
    best = np.unravel_index(np.argmax(fmap), fmap.shape)
    row = int(best[0]) if row is None else row
    col = int(best[1]) if col is None else col
    controls = dict(
        mode=widgets.ToggleButtons(options=MODES, value=mode, description="pooling",
                                   style=dict(button_width="90px")),
        ceil_mode=widgets.Checkbox(value=ceil_mode, description="ceil mode"),
        kernel_size=widgets.IntSlider(kernel_size, 2, 8, description="window k"),
        stride=widgets.IntSlider(stride, 1, 8, description="stride s"),
        row=widgets.IntSlider(row, 0, max(H - 1, row), description="zoom row"),
        col=widgets.IntSlider(col, 0, max(W - 1, col), description="zoom column",
                              style=dict(description_width="initial")),
    )

    def compute(mode, ceil_mode, kernel_size, stride, row, col):
        return pool_state(fmap, mode=mode, kernel_size=kernel_size, stride=stride,
                          ceil_mode=ceil_mode, row=row, col=col)

    return Explorer(compute, plot_pooling, controls, draw.new_figure(*POOL_FIGURE),
                    caption=_pool_caption, explain=explain,
                    constrain=lambda values: pooling_limits(values, (H, W)),
                    layout=[["mode", "ceil_mode"], ["kernel_size", "stride"], ["row", "col"]])


# ------------------------------------------------------------------- shift by a pixel
def agreement_rgb(a, b):
    """An RGB picture: blue where ``a == b``, orange where they differ, grey where both are 0."""
    same, active = ShiftState.agreement(a, b)
    rgb = np.empty((*a.shape, 3), dtype=np.uint8)
    rgb[:] = ZERO_RGB
    rgb[active] = CHANGED_RGB
    rgb[same] = SAME_RGB
    return rgb


def plot_shift(state, fig=None, artists=None):
    """Top: the map, the shifted map, where they agree. Bottom: the same after max pooling."""
    vmax = max(float(state.original.max()), float(state.shifted.max())) or 1.0
    rows = [(state.original, state.shifted), (state.pooled, state.pooled_shifted)]
    if artists is None:
        fig = fig or draw.new_figure(*SHIFT_FIGURE)
        axes = fig.subplots(2, 3)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.01, wspace=0.05,
                            hspace=0.15)
        images = []
        for ax_row, (a, b) in zip(axes, rows):
            images.append([
                ax_row[0].imshow(a, cmap=draw.GREY, vmin=0, vmax=vmax, interpolation="nearest"),
                ax_row[1].imshow(b, cmap=draw.GREY, vmin=0, vmax=vmax, interpolation="nearest"),
                ax_row[2].imshow(agreement_rgb(a, b), interpolation="nearest"),
            ])
        for ax in axes.flat:
            draw.bare(ax)
        # Few, short titles: every character matplotlib draws costs time on each update.
        titles = [[ax.set_title("", fontsize=10) for ax in ax_row] for ax_row in axes]
        artists = dict(images=images, titles=titles)
    for (a, b), ims in zip(rows, artists["images"]):
        ims[0].set_data(a)
        ims[1].set_data(b)
        ims[2].set_data(agreement_rgb(a, b))
    k, s = state.kernel_size, state.shift
    (t0, t1, t2), (b0, b1, b2) = artists["titles"]
    t0.set_text("feature map")
    t1.set_text(f"shifted {s} px right")
    t2.set_text(f"same (blue): {state.same_before:.0%}")
    b0.set_text(f"max-pooled {k}x{k}")
    b1.set_text("shifted, max-pooled")
    b2.set_text(f"same (blue): {state.same_after:.0%}")
    return fig, artists


def _swatch(rgb, label):
    colour = "#{:02x}{:02x}{:02x}".format(*rgb)
    return (f"<span style='display:inline-block;width:0.9em;height:0.9em;background:{colour};"
            f"border:1px solid #888;vertical-align:middle'></span> {label}")


def _shift_caption(state):
    k, s = state.kernel_size, state.shift
    # the colours named in words too: the stored picture's caption has no swatches
    key = (f"Right: {_swatch(SAME_RGB, 'same value (blue),')} "
           f"{_swatch(CHANGED_RGB, 'changed (orange),')} "
           f"{_swatch(ZERO_RGB, 'zero in both, not counted (grey)')}.<br>")
    if s == 0:
        return key + "No shift: everything stays the same. Move the <i>shift</i> slider."
    note = ""
    if s % k == 0:
        note = (f" A shift of exactly {s // k} window{'s' if s // k > 1 else ''} only moves the "
                f"pooled map by {s // k} cell{'s' if s // k > 1 else ''}: its values move rather "
                "than stay.")
    return key + (
        f"After a shift of {s} pixel{'s' if s > 1 else ''}, <b>{state.same_before:.0%}</b> of "
        f"the map's non-zero values are unchanged, and <b>{state.same_after:.0%}</b> of the "
        f"{k}x{k} max-pooled values: a pooled value survives when its winner stays inside "
        f"the same window and no bigger value moves in.{note}")


@catalog.factory
def shift_explorer(fmap, *, shift=1, kernel_size=2):
    """A shift slider (0-3 pixels) and a window-size slider for the max pooling."""
    import ipywidgets as widgets

    fmap = as_array(fmap, "fmap", ndims=2)
    controls = dict(
        shift=widgets.IntSlider(shift, 0, MAX_SHIFT, description="shift"),
        kernel_size=widgets.IntSlider(kernel_size, 2, 4, description="window k"),
    )
    return Explorer(
        lambda shift, kernel_size: shift_state(fmap, shift=shift, kernel_size=kernel_size),
        plot_shift, controls, draw.new_figure(*SHIFT_FIGURE), caption=_shift_caption,
        explain=explain, layout=[["shift", "kernel_size"]],
    )


# The explorers as notebook 06 builds them, in its order (the winners follow in
# cnnviz.explorers.pool_winners).
catalog.register("06", "pooling", pooling_explorer, lambda: ((demo_feature_map(),), {}))
catalog.register("06", "shift by a pixel", shift_explorer, lambda: ((demo_feature_map(),), {}))

__all__ = ["POOL_FIGURE", "SHIFT_FIGURE", "agreement_rgb", "explain", "plot_pooling",
           "plot_shift", "pooling_explorer", "pooling_limits", "shift_explorer"]
