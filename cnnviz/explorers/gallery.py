"""Notebook 03: what a kernel can do, and what no single kernel can.

Six explorers on a grey photo; their state lives in :mod:`cnnviz.lessons.gallery`:

* :func:`kernel_gallery`: a dropdown of the named kernels in :data:`cnnviz.filters.KERNELS`;
* :func:`custom_kernel`: nine number boxes, a 3x3 kernel of your own;
* :func:`sobel_edges`: Sobel gradients, their magnitude and a threshold;
* :func:`median_vs_blur`: salt-and-pepper noise, a box blur and a median filter;
* :func:`bilateral_vs_gaussian`: edge-preserving smoothing against a Gaussian blur;
* :func:`border_modes`: the four ways to invent the pixels outside an image.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array
from ..convolution import PAD_MODES
from ..filters import IDENTITY, KERNELS
from ..lessons import gallery as lesson
from ..lessons.gallery import (
    DESCRIPTIONS, apply_kernel, bilateral_state, border_state, gallery_state, median_state,
    odd_size, sobel_state,
)
from . import catalog, draw
from ._base import Explorer
from .draw import DIVERGING, GREY, HIGHLIGHT, Picture, bare, new_figure, symmetric_limits

#: figure sizes in inches at draw.DPI: the kernel figure, the Sobel figure, the others
FIG_KERNEL = (10, 3.1)
FIG_SOBEL = (10, 2.5)
FIG_ROW = (10, 2.9)
#: largest kernel whose numbers are printed in its cells
MAX_ANNOTATED = 7
#: width of an upright colour bar and its labels, and its gap from the plot (pixels at DPI)
BAR_WIDTH, BAR_GAP = 48, 4


# ------------------------------------------------------------------------ drawing helpers
def _title(ax, text=""):
    """A title at a fixed height: matplotlib then skips placing it."""
    return ax.set_title(text, fontsize=10, y=1.0)


def _grey_panel(ax, image, title=""):
    art = ax.imshow(image, cmap=GREY, vmin=0, vmax=1, interpolation="nearest")
    bare(ax)
    return art, _title(ax, title)


def _colour_bar(ax):
    """An upright colour bar right of ``ax`` (a :class:`draw.Picture`); fill it with
    :func:`_show_bar`. Placed once: the axes' box is square and never moves."""
    fig = ax.figure
    ax.apply_aspect()
    box = ax.get_position()
    fig_w = fig.get_figwidth() * fig.dpi
    s = draw.scale(fig)
    return Picture(fig, [box.x1 + BAR_GAP * s / fig_w, box.y0, BAR_WIDTH * s / fig_w,
                         box.height])


def _show_bar(bar, cmap, lo, hi, mark=None):
    """Show a ``cmap`` bar from ``lo`` to ``hi`` on ``bar``, with an orange line at ``mark``."""
    lo, hi = float(lo), float(hi) if hi > lo else float(lo) + 1e-12
    s = bar.size[0] / BAR_WIDTH
    # Both ends and zero, to two digits: short enough for the narrow upright bar.
    ticks = [lo, 0.0, hi] if lo < 0 < hi else [lo, hi]
    labels = tuple(((t - lo) / (hi - lo), draw.number(float(f"{t:.2g}"))) for t in ticks)

    def picture(size):
        img = draw.colour_bar_rgb(lo, hi, size, orientation="vertical", cmap=cmap,
                                  labels=labels, scale=s)
        if mark is None:
            return img
        img = img.copy()
        px = lambda n: max(1, round(n * s))  # noqa: E731  (as colour_bar_rgb places its labels)
        y = round(px(6) + (1 - (mark - lo) / (hi - lo)) * (size[1] - px(13)))
        img[max(0, y - px(1)):y + px(1) + 1, :px(15)] = draw.rgb(HIGHLIGHT)
        return img

    bar.show((cmap, lo, hi, mark), picture)


def _kernel_style(kernel, fig):
    """Keyword arguments for :func:`draw.show_matrix` that draw a kernel on the diverging map."""
    lo, hi = symmetric_limits(kernel)
    k = max(kernel.shape)
    fmt = "{:.3g}"
    if max(len(fmt.format(v)) for v in kernel.ravel()) > 5:
        fmt = "{:.2f}"
    return dict(cmap=DIVERGING, vmin=lo, vmax=hi, fmt=fmt, numbers=k <= MAX_ANNOTATED,
                cell=round(max(12, 168 // k) * draw.scale(fig)))


def _odd_slider(value, low, high, description):
    """A slider over the odd sizes ``low, low + 2, ..., high`` only.

    A SelectionSlider, not an IntSlider with step 2: an IntSlider's readout accepts any
    typed number, so it would offer even sizes and then refuse them.
    """
    import ipywidgets as widgets

    value = odd_size(value, "size")
    sizes = list(range(low, high + 1, 2))
    if value not in sizes:
        raise ValueError(f"size must be an odd number from {low} to {high}; got {value}")
    return widgets.SelectionSlider(options=sizes, value=value, description=description)


def _photo():
    from ..images import load_sample

    return load_sample("chelsea", grey=True, size=(150, 225))


# ----------------------------------------------------------------- one kernel, one photo
def plot_kernel_result(state, fig=None, artists=None):
    """Photo, kernel (numbers on a diverging map) and result, side by side.

    A result whose kernel sums to zero is signed and drawn on the diverging map,
    centred on zero; any other result is drawn in grey from 0 to 1 (values outside
    are clipped, like a screen would).
    """
    if artists is None:
        fig = fig or new_figure(*FIG_KERNEL)
        ax_img, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[3, 2, 3]))
        fig.subplots_adjust(left=0.01, right=0.935, top=0.84, bottom=0.03, wspace=0.32)
        _grey_panel(ax_img, state.image, "the photo")
        kernel = draw.show_matrix(ax_k, state.kernel, **_kernel_style(state.kernel, fig))
        bare(ax_k)
        out, out_title = _grey_panel(ax_out, state.result)
        artists = dict(kernel=kernel, k_bar=_colour_bar(ax_k), k_title=_title(ax_k), out=out,
                       out_bar=_colour_bar(ax_out), out_title=out_title)
    style = _kernel_style(state.kernel, fig)
    draw.update_matrix(artists["kernel"], state.kernel, **style)
    _show_bar(artists["k_bar"], DIVERGING, style["vmin"], style["vmax"])
    k = state.kernel.shape[0]
    artists["k_title"].set_text(
        f"{state.name} (sum {state.total:.3g})" if k <= MAX_ANNOTATED
        else f"{state.name}\n(numbers shown up to {MAX_ANNOTATED}x{MAX_ANNOTATED})")
    out = artists["out"]
    out.set_data(state.result)
    if state.signed:
        cmap, lo, hi = DIVERGING, -state.limit, state.limit
        artists["out_title"].set_text("result: signed, 0 is white")
    else:
        cmap, lo, hi = GREY, 0, 1
        artists["out_title"].set_text("result (grey, clipped to 0-1)")
    out.set_cmap(cmap)
    out.set_clim(lo, hi)
    _show_bar(artists["out_bar"], cmap, lo, hi)
    return fig, artists


def _kernel_caption(state, description=""):
    text = f"<b>{state.name}</b>: {description} " if description else ""
    text += f"The kernel's numbers add up to {state.total:.3g}"
    if state.signed:
        if state.total < 0:
            text += (f", so a flat region comes out {state.total:.3g} times as bright: "
                     "negative values, drawn on the red-blue map.")
        else:
            text += (", so a flat region gives 0: the result measures change and has a sign "
                     "(red positive, blue negative).")
        text += (f" The colours stop at ±{state.limit:.2g}, so the strongest 0.5% of the "
                 f"pixels (up to {np.abs(state.result).max():.2g}) look the same.")
        return text
    if abs(state.total - 1) < 1e-9:
        text += ", so a flat region keeps its brightness."
    else:
        text += f", so a flat region comes out {state.total:.3g} times as bright."
    if state.clipped > 0.0005:
        text += f" {state.clipped:.1%} of the pixels leave the range 0-1 and are clipped."
    return text


@catalog.factory
def kernel_gallery(image, *, name="Box blur", size=5, sigma=1.0):
    """A dropdown of named kernels applied to a grey photo; size and sigma shape the Gaussian.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1]; about 150 x 225 pixels keeps the sliders smooth.
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    controls = dict(
        name=widgets.Dropdown(options=list(KERNELS), value=name, description="kernel"),
        size=_odd_slider(size, 3, 15, "size"),
        sigma=widgets.FloatSlider(sigma, min=0.3, max=4.0, step=0.1, description="sigma"),
    )

    def constrain(values):  # the sliders shape the Gaussian only
        return {key: {"disabled": values["name"] != "Gaussian blur"} for key in ("size", "sigma")}

    def caption(state):
        return _kernel_caption(state, DESCRIPTIONS[controls["name"].value])

    return Explorer(
        lambda name, size, sigma: gallery_state(image, name=name, size=size, sigma=sigma),
        plot_kernel_result, controls, new_figure(*FIG_KERNEL), caption=caption,
        layout=[["name", "size", "sigma"]], constrain=constrain,
    )


catalog.register("03", "kernel gallery", kernel_gallery, lambda: ((_photo(),), {}))

#: names of the nine number boxes of :func:`custom_kernel`, row by row
CELLS = tuple(f"k{i}{j}" for i in range(3) for j in range(3))


@catalog.factory
def custom_kernel(image, *, kernel=IDENTITY):
    """Nine number boxes hold a 3x3 kernel; the photo is filtered with it as you type.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1].
    kernel : array_like, shape (3, 3)
        The starting numbers (the identity by default).
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    start = as_array(kernel, "kernel", ndims=2)
    if start.shape != (3, 3):
        raise ValueError(f"kernel must be 3x3 to fill the nine boxes; got shape {start.shape}")
    controls = {
        key: widgets.BoundedFloatText(value=float(value), min=-50.0, max=50.0, step=0.5,
                                      layout=widgets.Layout(width="90px"))
        for key, value in zip(CELLS, start.ravel())
    }

    def compute(**cells):
        numbers = np.array([cells[key] for key in CELLS], dtype=float).reshape(3, 3)
        return apply_kernel(image, numbers, name="your kernel")

    return Explorer(compute, plot_kernel_result, controls, new_figure(*FIG_KERNEL),
                    caption=_kernel_caption,
                    layout=[list(CELLS[i:i + 3]) for i in (0, 3, 6)])


catalog.register("03", "custom kernel", custom_kernel, lambda: ((_photo(),), {}))


# ------------------------------------------------------------------------- Sobel edges
def plot_sobel(state, fig=None, artists=None):
    """Gx and Gy on the diverging map, the magnitude in grey, and the thresholded edges."""
    if artists is None:
        fig = fig or new_figure(*FIG_SOBEL)
        # Spacer columns leave room for the colour bars after Gy and after the magnitude.
        grid = fig.add_gridspec(1, 6, width_ratios=[1, 1, 0.3, 1, 0.3, 1], left=0.01,
                                right=0.99, top=0.86, bottom=0.04, wspace=0.05)
        axes = [fig.add_subplot(grid[0, i]) for i in (0, 1, 3, 5)]
        lo, hi = symmetric_limits(np.concatenate([state.gx.ravel(), state.gy.ravel()]))
        gx = axes[0].imshow(state.gx, cmap=DIVERGING, vmin=lo, vmax=hi, interpolation="nearest")
        gy = axes[1].imshow(state.gy, cmap=DIVERGING, vmin=lo, vmax=hi, interpolation="nearest")
        _title(axes[0], "Gx: Sobel x")
        _title(axes[1], "Gy: Sobel y")
        top = max(float(state.magnitude.max()), 1e-12)
        mag = axes[2].imshow(state.magnitude, cmap=GREY, vmin=0, vmax=top,
                             interpolation="nearest")
        _title(axes[2], "magnitude sqrt(Gx² + Gy²)")
        edges = axes[3].imshow(state.edges, cmap=GREY, vmin=0, vmax=1, interpolation="nearest")
        edge_title = _title(axes[3])
        for ax in axes:
            bare(ax)
        g_bar = _colour_bar(axes[1])
        _show_bar(g_bar, DIVERGING, lo, hi)
        artists = dict(gx=gx, gy=gy, mag=mag, g_bar=g_bar, mag_bar=_colour_bar(axes[2]),
                       top=top, edges=edges, edge_title=edge_title)
    artists["gx"].set_data(state.gx)
    artists["gy"].set_data(state.gy)
    artists["mag"].set_data(state.magnitude)
    _show_bar(artists["mag_bar"], GREY, 0, artists["top"], mark=state.threshold)
    artists["edges"].set_data(state.edges)
    artists["edge_title"].set_text(f"magnitude > {state.threshold:.2f}: {state.fraction:.1%}")
    return fig, artists


@catalog.factory
def sobel_edges(image, *, threshold=0.5):
    """A threshold slider on the Sobel magnitude of a grey image."""
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    top = float(np.ceil(sobel_state(image, threshold=0).magnitude.max() * 10) / 10)
    controls = dict(threshold=widgets.FloatSlider(
        min(threshold, top), min=0.0, max=top, step=0.05, description="threshold"))

    def caption(state):
        return (f"White pixels have an edge strength above {state.threshold:.2f} (the orange "
                f"line on the colour bar): {state.edges.sum():,} of {state.edges.size:,} pixels. "
                "Too low and fur texture counts as edges; too high and only the strongest "
                "outlines survive.")

    return Explorer(lambda threshold: sobel_state(image, threshold=threshold), plot_sobel,
                    controls, new_figure(*FIG_SOBEL), caption=caption,
                    layout=[["threshold"]])


catalog.register("03", "Sobel edges", sobel_edges, lambda: ((_photo(),), {}))


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
    "CELLS", "FIG_KERNEL", "FIG_ROW", "FIG_SOBEL", "bilateral_vs_gaussian", "border_modes",
    "custom_kernel", "kernel_gallery", "median_vs_blur", "plot_bilateral", "plot_border",
    "plot_kernel_result", "plot_median", "plot_sobel", "sobel_edges",
]
