"""Notebook 01: an image is a matrix of numbers.

Two explorers: a zoom that prints the values of a patch of a grey photo, and a
channel selector that splits a colour photo into its red, green and blue planes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array, nonnegative_int, one_of, positive_int
from ._base import (
    GREY, Explorer, bare, new_figure, show_matrix, update_matrix,
)

#: largest patch whose values are printed in the cells
MAX_ANNOTATED = 12
CHANNELS = ("red", "green", "blue")


# ------------------------------------------------------------------------ pixel zoom
@dataclass
class PatchState:
    image: np.ndarray          # (H, W) in [0, 1]
    row: int
    col: int
    size: int
    patch: np.ndarray          # (size, size) values 0-255

    @property
    def annotated(self):
        return self.size <= MAX_ANNOTATED


def pixel_patch(image, *, row, col, size):
    """The ``size x size`` patch whose top-left pixel is ``(row, col)``, as 0-255 values.

    Raises ``ValueError`` with an explanation when the patch leaves the image.

    Examples
    --------
    >>> img = np.arange(16).reshape(4, 4) / 255
    >>> pixel_patch(img, row=1, col=2, size=2).patch
    array([[ 6,  7],
           [10, 11]])
    """
    image = as_array(image, "image", ndims=2)
    row = nonnegative_int(row, "row")
    col = nonnegative_int(col, "col")
    size = positive_int(size, "size")
    H, W = image.shape
    if size > min(H, W):
        raise ValueError(f"a {size}x{size} patch does not fit a {H}x{W} image")
    if row + size > H or col + size > W:
        raise ValueError(
            f"a {size}x{size} patch at row {row}, column {col} runs off the {H}x{W} image: "
            f"keep row <= {H - size} and column <= {W - size}"
        )
    patch = np.round(image[row:row + size, col:col + size] * 255).astype(int)
    return PatchState(image, row, col, size, patch)


def plot_pixel_patch(state, fig=None, artists=None):
    """Left: the photo with the patch outlined. Right: the patch's numbers on a grey heat map."""
    if artists is None:
        fig = fig or new_figure(9, 4.2)
        ax_img, ax_patch = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1, 1]))
        fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.03, wspace=0.08)
        photo = ax_img.imshow(state.image, cmap=GREY, vmin=0, vmax=1)
        box = Rectangle((0, 0), 1, 1, fill=False, ec="#e66100", lw=2)
        ax_img.add_patch(box)
        ax_img.set_title("the photo", fontsize=11)
        heat = show_matrix(ax_patch, state.patch, vmin=0, vmax=255, fmt="{:.0f}")
        title = ax_patch.set_title("", fontsize=11)
        for ax in (ax_img, ax_patch):
            bare(ax)
        artists = dict(photo=photo, box=box, heat=heat, title=title)
    s = state.size
    artists["box"].set_bounds(state.col - 0.5, state.row - 0.5, s, s)
    update_matrix(artists["heat"], state.patch, vmin=0, vmax=255, fmt="{:.0f}",
                  numbers=state.annotated, cell=max(8, 336 // s))
    artists["title"].set_text(
        f"rows {state.row}-{state.row + s - 1}, columns {state.col}-{state.col + s - 1}"
        + ("" if state.annotated else f" (numbers shown up to {MAX_ANNOTATED}x{MAX_ANNOTATED})")
    )
    return fig, artists


def pixel_zoom(image, *, row=None, col=None, size=8):
    """Sliders for the position and size of a patch; its pixel values appear on the right.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1] (for example ``cnnviz.images.load_sample(grayscale=True)``).
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    H, W = image.shape
    row = H // 3 if row is None else row
    col = W // 3 if col is None else col
    controls = dict(
        row=widgets.IntSlider(row, 0, H - 1, description="row"),
        col=widgets.IntSlider(col, 0, W - 1, description="column"),
        size=widgets.IntSlider(size, 2, 32, description="patch size"),
    )
    fig = new_figure(9, 4.2)

    def keep_inside(change):
        # A bigger patch leaves less room: the position sliders stop where it still fits.
        controls["row"].max = H - change["new"]
        controls["col"].max = W - change["new"]

    controls["size"].observe(keep_inside, names="value")
    keep_inside({"new": size})

    def caption(state):
        return (f"<b>{state.size}x{state.size} = {state.size ** 2} numbers</b>, each the brightness "
                f"of one pixel from 0 (black) to 255 (white). Mean {state.patch.mean():.1f}.")

    return Explorer(
        lambda row, col, size: pixel_patch(image, row=row, col=col, size=size),
        plot_pixel_patch, controls, fig, caption=caption,
    )


# --------------------------------------------------------------------- colour channels
@dataclass
class ChannelState:
    rgb: np.ndarray            # (3, H, W)
    channel: str
    plane: np.ndarray          # (H, W) in [0, 1]
    row: int
    col: int
    patch: np.ndarray          # 6x6 values 0-255 of the plane


def split_channel(rgb, *, channel, row=0, col=0, patch_size=6):
    """One colour plane of a ``(3, H, W)`` image, and a small patch of its values.

    Examples
    --------
    >>> rgb = np.zeros((3, 8, 8)); rgb[0] = 1.0
    >>> split_channel(rgb, channel="red").patch[0]
    array([255, 255, 255, 255, 255, 255])
    >>> int(split_channel(rgb, channel="blue").patch.max())
    0
    """
    rgb = as_array(rgb, "rgb", ndims=3)
    if rgb.shape[0] != 3:
        raise ValueError(f"rgb must have 3 channels first, shape (3, H, W); got shape {rgb.shape}")
    one_of(channel, "channel", CHANNELS)
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    plane = rgb[CHANNELS.index(channel)]
    H, W = plane.shape
    row, col = min(row, H - patch_size), min(col, W - patch_size)
    patch = np.round(plane[row:row + patch_size, col:col + patch_size] * 255).astype(int)
    return ChannelState(rgb, channel, plane, row, col, patch)




def plot_channels(state, fig=None, artists=None):
    """The colour photo, the selected plane as grey intensities, and a patch of its numbers."""
    if artists is None:
        fig = fig or new_figure(10, 3.6)
        axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.88, bottom=0.03, wspace=0.06)
        axes[0].imshow(np.moveaxis(state.rgb, 0, -1))
        axes[0].set_title("colour: (3, H, W)", fontsize=11)
        plane = axes[1].imshow(state.plane, cmap=GREY, vmin=0, vmax=1)
        box = Rectangle((0, 0), 1, 1, fill=False, ec="#e66100", lw=2)
        axes[1].add_patch(box)
        axes[0].add_patch(Rectangle((0, 0), 1, 1, fill=False, ec="#e66100", lw=2))
        title = axes[1].set_title("", fontsize=11)
        heat = show_matrix(axes[2], state.patch, vmin=0, vmax=255, fmt="{:.0f}")
        ptitle = axes[2].set_title("", fontsize=11)
        for ax in axes:
            bare(ax)
        artists = dict(plane=plane, box=box, box0=axes[0].patches[0], title=title,
                       heat=heat, ptitle=ptitle)
    p = state.patch.shape[0]
    artists["plane"].set_data(state.plane)
    for key in ("box", "box0"):
        artists[key].set_bounds(state.col - 0.5, state.row - 0.5, p, p)
    artists["title"].set_text(f"rgb[{CHANNELS.index(state.channel)}]: the {state.channel} plane")
    update_matrix(artists["heat"], state.patch, vmin=0, vmax=255, fmt="{:.0f}", cell=40)
    artists["ptitle"].set_text(f"{state.channel} values")
    return fig, artists


def channel_explorer(rgb, *, row=None, col=None):
    """A dropdown picks the red, green or blue plane of a ``(3, H, W)`` photo."""
    import ipywidgets as widgets

    rgb = as_array(rgb, "rgb", ndims=3)
    H, W = rgb.shape[1:]
    controls = dict(
        channel=widgets.Dropdown(options=CHANNELS, value="red", description="channel"),
        row=widgets.IntSlider(H // 3 if row is None else row, 0, H - 6, description="row"),
        col=widgets.IntSlider(W // 3 if col is None else col, 0, W - 6, description="column"),
    )

    def caption(state):
        return (f"The {state.channel} plane is one {state.plane.shape[0]}x{state.plane.shape[1]} "
                "matrix; bright means much of that colour. Three such matrices make the photo.")

    return Explorer(
        lambda channel, row, col: split_channel(rgb, channel=channel, row=row, col=col),
        plot_channels, controls, new_figure(10, 3.6), caption=caption,
    )


__all__ = ["pixel_patch", "plot_pixel_patch", "pixel_zoom", "split_channel", "plot_channels",
           "channel_explorer", "PatchState", "ChannelState"]


def _benchmark_image(grayscale):
    from ..images import load_sample

    return load_sample("chelsea", grayscale=grayscale)


# The explorers as notebook 01 shows them (benchmarks/bench_explorers.py).
BENCHMARK = [
    ("01", "pixel zoom", lambda: pixel_zoom(_benchmark_image(True))),
    ("01", "colour channels", lambda: channel_explorer(_benchmark_image(False))),
]
