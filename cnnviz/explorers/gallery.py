"""Notebook 03: what a kernel can do, one kernel at a time.

Three explorers on a grey photo, and the drawing helpers notebook 03's figures share
(:mod:`cnnviz.explorers.nonlinear` draws with them too); their state lives in
:mod:`cnnviz.lessons.gallery`:

* :func:`kernel_gallery`: a dropdown of the named kernels in :data:`cnnviz.filters.KERNELS`;
* :func:`custom_kernel`: nine number boxes, a 3x3 kernel of your own;
* :func:`sobel_edges`: Sobel gradients, their magnitude and a threshold.

What no single kernel can do (median, bilateral, the borders) is in
:mod:`cnnviz.explorers.nonlinear`.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_array
from ..filters import IDENTITY, KERNELS
from ..lessons.gallery import DESCRIPTIONS, apply_kernel, gallery_state, odd_size, sobel_state
from . import catalog, draw
from ._base import Explorer
from .draw import DIVERGING, GREY, HIGHLIGHT, Picture, bare, new_figure, symmetric_limits

#: figure sizes in inches at draw.DPI: the kernel figure, the Sobel figure
FIG_KERNEL = (10, 3.1)
FIG_SOBEL = (10, 2.5)
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


__all__ = [
    "CELLS", "FIG_KERNEL", "FIG_SOBEL", "custom_kernel", "kernel_gallery", "plot_kernel_result",
    "plot_sobel", "sobel_edges",
]
