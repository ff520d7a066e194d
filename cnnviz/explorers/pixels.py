"""Notebook 01: an image is a matrix of numbers.

Two explorers: a zoom that prints the values of a patch of a grey photo, and a
channel selector that splits a colour photo into its red, green and blue planes.
The state (the patch, the plane) is :mod:`cnnviz.lessons.pixels`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array
from ..lessons.pixels import (
    CHANNEL_PATCH, CHANNELS, MAX_ANNOTATED, PatchOffImage, pixel_patch, split_channel,
)
from . import catalog, draw
from ._base import Explorer

#: figure sizes in inches (at draw.DPI)
ZOOM_FIGURE = (9, 4.2)
CHANNELS_FIGURE = (10, 3.6)
#: the largest patch the zoom offers
MAX_PATCH = 32


def _outline(ax):
    """The orange square that marks the patch on a photo."""
    box = Rectangle((0, 0), 1, 1, fill=False, ec=draw.HIGHLIGHT, lw=2)
    ax.add_patch(box)
    return box


# ------------------------------------------------------------------------ pixel zoom
def plot_pixel_patch(state, fig=None, artists=None):
    """Left: the photo with the patch outlined. Right: the patch's numbers on a grey heat map."""
    if artists is None:
        fig = fig or draw.new_figure(*ZOOM_FIGURE)
        ax_img, ax_patch = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1, 1]))
        fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.03, wspace=0.08)
        photo = ax_img.imshow(state.image, cmap=draw.GREY, vmin=0, vmax=1)
        ax_img.set_title("the photo", fontsize=11)
        heat = draw.show_matrix(ax_patch, state.patch, vmin=0, vmax=255, fmt="{:.0f}")
        title = ax_patch.set_title("", fontsize=11)
        for ax in (ax_img, ax_patch):
            draw.bare(ax)
        artists = dict(photo=photo, box=_outline(ax_img), heat=heat, title=title)
    s = state.size
    artists["box"].set_bounds(state.col - 0.5, state.row - 0.5, s, s)
    # About 336 pixels across the patch at 1x, twice as many in the stored picture.
    cell = round(max(8, 336 // s) * draw.scale(fig))
    draw.update_matrix(artists["heat"], state.patch, vmin=0, vmax=255, fmt="{:.0f}",
                       numbers=state.annotated, cell=cell)
    artists["title"].set_text(
        f"rows {state.row}-{state.row + s - 1}, columns {state.col}-{state.col + s - 1}"
        + ("" if state.annotated else f" (numbers shown up to {MAX_ANNOTATED}x{MAX_ANNOTATED})")
    )
    return fig, artists


def _zoom_caption(state):
    return (f"<b>{state.size}x{state.size} = {state.size ** 2} numbers</b>, each the brightness "
            f"of one pixel from 0 (black) to 255 (white). Mean {state.patch.mean():.1f}.")


def _explain_patch(err):
    """The learner's sentence for a patch that leaves the image (PatchOffImage); any other
    setting error (an empty dropdown) speaks for itself."""
    if not isinstance(err, PatchOffImage):
        return str(err)
    if err.max_row < 0 or err.max_col < 0:
        return (f"A {err.size}x{err.size} patch is larger than the {err.height}x{err.width} photo: "
                f"pick a patch of at most {min(err.height, err.width)}.")
    return (f"A {err.size}x{err.size} patch at row {err.row}, column {err.col} runs off the "
            f"{err.height}x{err.width} photo: keep the row at most {err.max_row} and the "
            f"column at most {err.max_col}.")


@catalog.factory
def pixel_zoom(image, *, row=None, col=None, size=8):
    """Sliders for the position and size of a patch; its pixel values appear on the right.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1] (for example ``cnnviz.images.load_sample(grey=True)``).
    row, col : int, optional
        The patch's top-left pixel (default: a third of the way down and across).
    size : int
        The patch's side, from 2 to 32 (and at most the image's shorter side).
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    H, W = image.shape
    row = H // 3 if row is None else row
    col = W // 3 if col is None else col
    largest = min(MAX_PATCH, H, W)
    controls = dict(
        row=widgets.IntSlider(row, 0, H - 1, description="row"),
        col=widgets.IntSlider(col, 0, W - 1, description="column"),
        size=widgets.IntSlider(size, min(2, largest), largest, description="patch size"),
    )

    def constrain(values):
        # A bigger patch leaves less room: the position sliders stop where it still fits.
        return {"row": {"max": H - values["size"]}, "col": {"max": W - values["size"]}}

    return Explorer(
        lambda row, col, size: pixel_patch(image, row=row, col=col, size=size),
        plot_pixel_patch, controls, draw.new_figure(*ZOOM_FIGURE), caption=_zoom_caption,
        constrain=constrain, explain=_explain_patch,
    )


# --------------------------------------------------------------------- colour channels
def plot_channels(state, fig=None, artists=None):
    """The colour photo, the selected plane as grey intensities, and a patch of its numbers."""
    if artists is None:
        fig = fig or draw.new_figure(*CHANNELS_FIGURE)
        axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.88, bottom=0.03, wspace=0.06)
        axes[0].imshow(np.moveaxis(state.rgb, 0, -1))
        axes[0].set_title("colour: (3, H, W)", fontsize=11)
        plane = axes[1].imshow(state.plane, cmap=draw.GREY, vmin=0, vmax=1)
        title = axes[1].set_title("", fontsize=11)
        heat = draw.show_matrix(axes[2], state.patch, vmin=0, vmax=255, fmt="{:.0f}")
        ptitle = axes[2].set_title("", fontsize=11)
        for ax in axes:
            draw.bare(ax)
        artists = dict(plane=plane, boxes=(_outline(axes[0]), _outline(axes[1])), title=title,
                       heat=heat, ptitle=ptitle)
    p = state.patch.shape[0]
    artists["plane"].set_data(state.plane)
    for box in artists["boxes"]:
        box.set_bounds(state.col - 0.5, state.row - 0.5, p, p)
    artists["title"].set_text(f"rgb[{CHANNELS.index(state.channel)}]: the {state.channel} plane")
    draw.update_matrix(artists["heat"], state.patch, vmin=0, vmax=255, fmt="{:.0f}",
                       cell=round(40 * draw.scale(fig)))
    artists["ptitle"].set_text(f"{state.channel} values")
    return fig, artists


def _channel_caption(state):
    return (f"The {state.channel} plane is one {state.plane.shape[0]}x{state.plane.shape[1]} "
            "matrix; bright means much of that colour. Three such matrices make the photo.")


@catalog.factory
def channel_explorer(rgb, *, row=None, col=None):
    """A dropdown picks the red, green or blue plane of a ``(3, H, W)`` photo; sliders move
    the 6x6 patch whose values are printed."""
    import ipywidgets as widgets

    rgb = as_array(rgb, "rgb", ndims=3)
    H, W = rgb.shape[1:]
    controls = dict(
        channel=widgets.Dropdown(options=CHANNELS, value="red", description="channel"),
        row=widgets.IntSlider(H // 3 if row is None else row, 0, H - CHANNEL_PATCH,
                              description="row"),
        col=widgets.IntSlider(W // 3 if col is None else col, 0, W - CHANNEL_PATCH,
                              description="column"),
    )
    return Explorer(
        lambda channel, row, col: split_channel(rgb, channel=channel, row=row, col=col),
        plot_channels, controls, draw.new_figure(*CHANNELS_FIGURE), caption=_channel_caption,
        explain=_explain_patch,
    )


def _photo(grey):
    from ..images import load_sample

    return load_sample("chelsea", grey=grey)


# The explorers as notebook 01 builds them: pixel_zoom(grey), channel_explorer(rgb).
catalog.register("01", "pixel zoom", pixel_zoom, lambda: ((_photo(True),), {}))
catalog.register("01", "colour channels", channel_explorer, lambda: ((_photo(False),), {}))

__all__ = ["CHANNELS_FIGURE", "ZOOM_FIGURE", "channel_explorer", "pixel_zoom", "plot_channels",
           "plot_pixel_patch"]
