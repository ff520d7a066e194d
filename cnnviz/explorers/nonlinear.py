"""Notebook 03: what no single kernel can do, and what happens at a photo's border.

Three explorers on a grey photo; their state lives in :mod:`cnnviz.lessons.gallery`,
their drawing helpers are :mod:`cnnviz.explorers.gallery`'s:

* :func:`median_vs_blur`: salt-and-pepper noise, a box blur and a median filter;
* :func:`bilateral_vs_gaussian`: edge-preserving smoothing against a Gaussian blur;
* :func:`border_modes`: the four ways to invent the pixels outside an image.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array
from ..convolution import PAD_MODES
from ..lessons import gallery as lesson
from ..lessons.gallery import bilateral_state, border_state, median_state
from . import catalog
from ._base import Explorer
from .draw import DIVERGING, GREY, HIGHLIGHT, bare, new_figure
from .gallery import _colour_bar, _grey_panel, _odd_slider, _photo, _show_bar, _title

#: the figure's size in inches at draw.DPI
FIG_ROW = (10, 2.9)

# ------------------------------------------------------------------- median vs box blur
def plot_median(state, fig=None, artists=None):
    """Noisy photo, box blur and median filter, each titled with its error."""
    if artists is None:
        fig = fig or new_figure(*FIG_ROW)
        axes = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.03, wspace=0.04)
        arts = [_grey_panel(ax, img) for ax, img in
                zip(axes, (state.noisy, state.blurred, state.median))]
        artists = dict(images=[a for a, _ in arts], titles=[t for _, t in arts])
    s = state.size
    names = (f"noisy: {state.amount:.0%} of pixels hit",
             f"box blur {s}x{s}", f"median {s}x{s}")
    for art, title, image, name in zip(artists["images"], artists["titles"],
                                       (state.noisy, state.blurred, state.median), names):
        art.set_data(image)
        title.set_text(f"{name}\naverage error {state.error(image):.1f} of 255")
    return fig, artists


@catalog.factory
def median_vs_blur(image, *, amount=0.1, size=3):
    """Sliders for the amount of salt-and-pepper noise and the window size."""
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    controls = dict(
        amount=widgets.FloatSlider(amount, min=0.0, max=0.5, step=0.01, description="noise"),
        size=_odd_slider(size, 3, 7, "window"),
    )

    def caption(state):
        return ("The error is the average distance from the clean photo. The box blur spreads "
                "every black or white dot over its neighbours; the median keeps a clean pixel of "
                "the window as long as fewer than half of its pixels are salt (white) and fewer "
                "than half are pepper (black).")

    return Explorer(
        lambda amount, size: median_state(image, amount=amount, size=size),
        plot_median, controls, new_figure(*FIG_ROW), caption=caption,
        layout=[["amount", "size"]],
    )


catalog.register("03", "median vs blur", median_vs_blur, lambda: ((_photo(),), {}))


# ------------------------------------------------------------ bilateral vs Gaussian blur
def plot_bilateral(state, fig=None, artists=None):
    """Input with the probe's window, Gaussian blur, bilateral filter, and the probe's weights."""
    if artists is None:
        fig = fig or new_figure(*FIG_ROW)
        axes = fig.subplots(1, 4, gridspec_kw=dict(width_ratios=[3, 3, 3, 2]))
        fig.subplots_adjust(left=0.01, right=0.935, top=0.84, bottom=0.04, wspace=0.06)
        _, in_title = _grey_panel(axes[0], state.image, "input")
        box = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=1.5)
        axes[0].add_patch(box)
        gauss, g_title = _grey_panel(axes[1], state.gaussian)
        bil, b_title = _grey_panel(axes[2], state.bilateral)
        weights = axes[3].imshow(state.weights, cmap=GREY, vmin=0, interpolation="nearest")
        bare(axes[3])
        w_title = _title(axes[3], "bilateral weights\nin the orange window")
        artists = dict(box=box, gauss=gauss, g_title=g_title, bil=bil, b_title=b_title,
                       weights=weights, w_bar=_colour_bar(axes[3]), w_title=w_title,
                       in_title=in_title)
    s, r = state.size, state.size // 2
    artists["box"].set_bounds(state.probe[1] - r - 0.5, state.probe[0] - r - 0.5, s, s)
    artists["in_title"].set_text(f"input, {s}x{s} window in orange")
    artists["gauss"].set_data(state.gaussian)
    artists["g_title"].set_text(f"Gaussian blur, sigma {state.sigma_space:g}")
    artists["bil"].set_data(state.bilateral)
    artists["b_title"].set_text(f"bilateral, range sigma {state.sigma_range:g}")
    w = artists["weights"]
    w.set_data(state.weights)
    w.set_extent((-0.5, s - 0.5, s - 0.5, -0.5))
    w.set_clim(0, float(state.weights.max()))
    _show_bar(artists["w_bar"], GREY, 0, float(state.weights.max()))
    w.axes.set_xlim(-0.5, s - 0.5)
    w.axes.set_ylim(s - 0.5, -0.5)
    return fig, artists


def _explain_bilateral(err):
    if isinstance(err, lesson.WindowTooLarge):
        return (f"A space σ of {err.sigma_space:g} needs a {err.size}x{err.size} window, too "
                f"large to mirror into this {err.height}x{err.width} image: choose a smaller "
                "space σ.")
    if isinstance(err, lesson.ProbeOutside):
        return (f"The probe pixel {err.probe} lies outside the {err.height}x{err.width} image: "
                "pick a pixel inside it.")
    return str(err)


@catalog.factory
def bilateral_vs_gaussian(image, *, sigma_space=1.5, sigma_range=0.1, probe=None):
    """Sliders for the spatial and the brightness (range) sigma of a bilateral filter.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1], ideally with a little noise to smooth away.
    probe : (int, int), optional
        The pixel whose weights are drawn; pick one next to an edge.
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    controls = dict(
        sigma_space=widgets.FloatSlider(sigma_space, min=0.5, max=2.5, step=0.25,
                                        description="space σ"),
        sigma_range=widgets.FloatSlider(sigma_range, min=0.02, max=0.5, step=0.01,
                                        description="range σ"),
    )

    def caption(state):
        return ("A neighbour's weight falls with its distance (space σ) <i>and</i> with its "
                "difference in brightness from the centre pixel (range σ). Across an edge the "
                "brightness jumps, so those neighbours get almost no weight (dark in the "
                "window on the right) and the edge stays sharp. A large range σ lets every "
                "neighbour count, and the filter turns into the Gaussian blur.")

    return Explorer(
        lambda sigma_space, sigma_range: bilateral_state(
            image, sigma_space=sigma_space, sigma_range=sigma_range, probe=probe),
        plot_bilateral, controls, new_figure(*FIG_ROW), caption=caption,
        layout=[["sigma_space", "sigma_range"]], explain=_explain_bilateral,
    )


def _noisy_eye():
    from ..images import load_sample

    eye = load_sample("chelsea", grey=True)[50:170, 100:280]
    rng = np.random.default_rng(0)
    return np.clip(eye + rng.normal(0, 0.05, eye.shape), 0, 1).astype(np.float32)


catalog.register("03", "bilateral vs Gaussian", bilateral_vs_gaussian,
                 lambda: ((_noisy_eye(),), {"probe": (82, 46)}))


# ------------------------------------------------------------------------ border modes
def plot_border(state, fig=None, artists=None, *, max_pad=7, error_limit=0.3):
    """The padded piece (real pixels outlined), its blur, the true blur and the difference."""
    c = state.result.shape[0]
    if artists is None:
        fig = fig or new_figure(*FIG_ROW)
        axes = fig.subplots(1, 4, gridspec_kw=dict(width_ratios=[1 + 2 * max_pad / c, 1, 1, 1]))
        fig.subplots_adjust(left=0.01, right=0.935, top=0.84, bottom=0.04, wspace=0.08)
        padded, p_title = _grey_panel(axes[0], state.padded)
        axes[0].add_patch(Rectangle((-0.5, -0.5), c, c, fill=False, ec=HIGHLIGHT, lw=1.5))
        axes[0].set_xlim(-max_pad - 0.5, c + max_pad - 0.5)
        axes[0].set_ylim(c + max_pad - 0.5, -max_pad - 0.5)
        result, r_title = _grey_panel(axes[1], state.result)
        truth, t_title = _grey_panel(axes[2], state.truth, "blur with the real neighbours")
        error = axes[3].imshow(state.error, cmap=DIVERGING, vmin=-error_limit,
                               vmax=error_limit, interpolation="nearest")
        bare(axes[3])
        e_bar = _colour_bar(axes[3])
        _show_bar(e_bar, DIVERGING, -error_limit, error_limit)
        artists = dict(padded=padded, p_title=p_title, result=result, r_title=r_title,
                       truth=truth, t_title=t_title, error=error, e_bar=e_bar,
                       e_title=_title(axes[3]))
    p = state.pad
    artists["padded"].set_data(state.padded)
    artists["padded"].set_extent((-p - 0.5, c + p - 0.5, c + p - 0.5, -p - 0.5))
    artists["p_title"].set_text(f"{state.mode}: {p} invented pixels")
    artists["result"].set_data(state.result)
    artists["r_title"].set_text(f"{state.size}x{state.size} blur, {state.mode}")
    artists["truth"].set_data(state.truth)
    artists["error"].set_data(state.error)
    artists["e_title"].set_text(f"difference (largest {np.abs(state.error).max():.2f})")
    return fig, artists


def _explain_border(err):
    if isinstance(err, lesson.NoRealNeighbours):
        return (f"A {err.size}x{err.size} blur needs {err.pad} real pixels around the "
                f"{err.crop}x{err.crop} piece to compare with, and the {err.height}x{err.width} "
                "photo does not have them there: choose a smaller blur size.")
    if isinstance(err, lesson.BorderTooWide):
        return (f"{err.mode.capitalize()} padding copies pixels of the piece itself, so it "
                f"cannot invent {err.pad} pixels for a {err.crop}-pixel piece: choose a smaller "
                "blur size or another border.")
    return str(err)


@catalog.factory
def border_modes(image, *, row=None, col=None, crop=48, mode="zeros", size=7):
    """Buttons for the border mode and a slider for the blur size, on a piece of a photo.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1], at least ``crop + 14`` pixels on each side.
    row, col : int, optional
        Top-left corner of the piece (default: the middle of the photo).
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    H, W = image.shape
    row = (H - crop) // 2 if row is None else row
    col = (W - crop) // 2 if col is None else col
    controls = dict(
        mode=widgets.ToggleButtons(options=list(PAD_MODES), value=mode, description="border"),
        size=_odd_slider(size, 3, 15, "blur size"),
    )

    def caption(state):
        return (f"Only the {state.pad} outer rows and columns of the blur use invented pixels; "
                f"inside them the difference is exactly 0. Average error along that frame: "
                f"<b>{state.frame_error:.1f}</b> grey levels of 255.")

    return Explorer(
        lambda mode, size: border_state(image, mode=mode, size=size, row=row, col=col, crop=crop),
        plot_border, controls, new_figure(*FIG_ROW), caption=caption,
        layout=[["mode"], ["size"]], explain=_explain_border,
    )


catalog.register("03", "border modes", border_modes,
                 lambda: ((_photo(),), {"row": 40, "col": 62}))


__all__ = [
    "FIG_ROW", "bilateral_vs_gaussian", "border_modes", "median_vs_blur", "plot_bilateral",
    "plot_border", "plot_median",
]
