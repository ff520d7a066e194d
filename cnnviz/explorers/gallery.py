"""Notebook 03: what a kernel can do, and what no single kernel can.

Six explorers on a grey photo, each in three layers (state, plot, widgets):

* :func:`kernel_gallery`: a dropdown of the named kernels in :data:`cnnviz.filters.KERNELS`;
* :func:`custom_kernel`: nine number boxes, a 3x3 kernel of your own;
* :func:`sobel_edges`: Sobel gradients, their magnitude and a threshold;
* :func:`median_vs_blur`: salt-and-pepper noise, a box blur and a median filter;
* :func:`bilateral_vs_gaussian`: edge-preserving smoothing against a Gaussian blur;
* :func:`border_modes`: the four ways to invent the pixels outside an image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..convolution import PAD_MODES, correlate2d, pad2d
from ..filters import (
    IDENTITY, KERNELS, bilateral_filter, box_blur, gaussian, median_filter, sobel_gradients,
)
from ..images import add_salt_and_pepper
from ._base import (
    DIVERGING, GREY, Explorer, bare, new_figure, show_matrix, symmetric_limits, update_matrix,
)

#: largest kernel whose numbers are printed in its cells
MAX_ANNOTATED = 7
#: sequential colour map for non-negative weights (colour-blind safe)
WEIGHTS = "viridis"
#: orange used for outlines and markers, visible on grey and on viridis
MARK = "#e66100"

DESCRIPTIONS = {
    "Identity": "a single 1 in the centre copies each pixel: nothing changes.",
    "Box blur": "every output pixel is the plain average of its 3x3 neighbourhood.",
    "Gaussian blur": "a weighted average: near neighbours count more than far ones, "
                     "so the blur is smoother than a box.",
    "Sharpen": "the pixel plus (four times itself minus its four neighbours): wherever "
               "a pixel differs from its surroundings the difference grows, so edges look "
               "crisper.",
    "Shift right": "output pixel (i, j) copies input pixel (i, j - 1): the picture moves "
                   "one pixel right. Too small to see here; the notebook checks it with numbers.",
    "Vertical edge": "left column minus right column: zero where the photo is flat, "
                     "large where brightness changes from left to right.",
    "Horizontal edge": "top row minus bottom row: responds where brightness changes from "
                       "top to bottom.",
    "Sobel x": "right minus left, with the middle row counted twice: a smoothed "
               "horizontal derivative (positive where it gets brighter to the right).",
    "Sobel y": "bottom minus top, the middle column counted twice: positive where it "
               "gets brighter downwards.",
    "Prewitt x": "right column minus left column, all rows counted once.",
    "Prewitt y": "bottom row minus top row, all columns counted once.",
    "Laplacian": "the four neighbours minus four times the centre: zero on flat regions "
                 "and on steady slopes, strong at fine detail.",
    "Emboss": "a diagonal derivative added to the photo: edges look lit from one side, "
              "like a relief.",
}


# ------------------------------------------------------------------------ drawing helpers
def _title(ax, text=""):
    """A title at a fixed height: matplotlib then skips placing it around the colour bars."""
    return ax.set_title(text, fontsize=10, y=1.0)


def _colorbar(ax, cmap, lo, hi):
    """A light colour bar to the right of ``ax``: a gradient strip with a few labelled ticks.

    Cheaper to redraw than :meth:`Figure.colorbar`, which lays itself out again on every
    change of limits. Update it with :func:`_set_colorbar`.
    """
    cax = ax.inset_axes([1.03, 0.0, 0.05, 1.0])
    strip = cax.imshow(np.linspace(0, 1, 256)[:, None], cmap=cmap, aspect="auto",
                       origin="lower", interpolation="nearest")
    cax.set_xticks([])
    cax.yaxis.tick_right()
    cax.tick_params(labelsize=8, length=2, pad=1)
    _set_colorbar(strip, lo, hi)
    return strip


def _set_colorbar(strip, lo, hi, cmap=None):
    """Give a :func:`_colorbar` new limits (and colour map); it labels both ends and zero."""
    if cmap is not None and strip.get_cmap().name != cmap:
        strip.set_cmap(cmap)
    hi = hi if hi > lo else lo + 1e-12
    strip.set_extent((0, 1, lo, hi))
    cax = strip.axes
    cax.set_ylim(lo, hi)
    ticks = [lo, 0.0, hi] if lo < 0 < hi else [lo, hi]
    cax.set_yticks(ticks, labels=[f"{t:.2g}" for t in ticks])


def _is_blur(kernel):
    """A large non-negative kernel that is an outer product (box, Gaussian): separable."""
    return (min(kernel.shape) >= 5 and bool(np.all(kernel >= 0)) and kernel.sum() > 0
            and np.linalg.matrix_rank(kernel) == 1)


def _separable(image, kernel, pad_mode="reflect"):
    """``correlate2d(image, kernel, padding="same")`` for a kernel ``outer(col, row)``,
    done as a pass along rows and a pass along columns: the same numbers, k times less work.

    Only for the blur kernels built as outer products (box, Gaussian).
    """
    row = kernel.sum(axis=0) / kernel.sum() ** 0.5
    col = kernel.sum(axis=1) / kernel.sum() ** 0.5
    along_rows = correlate2d(image, row[None, :], padding="same", pad_mode=pad_mode)
    return correlate2d(along_rows, col[:, None], padding="same", pad_mode=pad_mode)


def _kernel_style(kernel):
    """Keyword arguments for :func:`show_matrix` that draw a kernel on the diverging map."""
    lo, hi = symmetric_limits(kernel)
    k = max(kernel.shape)
    fmt = "{:.3g}"
    if max(len(fmt.format(v)) for v in kernel.ravel()) > 5:
        fmt = "{:.2f}"
    return dict(cmap=DIVERGING, vmin=lo, vmax=hi, fmt=fmt, numbers=k <= MAX_ANNOTATED,
                cell=max(12, 168 // k))


def _grey_panel(ax, image, title=""):
    art = ax.imshow(image, cmap=GREY, vmin=0, vmax=1, interpolation="nearest")
    bare(ax)
    return art, _title(ax, title)


def _odd_int(value, name):
    value = positive_int(value, name)
    if value % 2 == 0:
        raise ValueError(f"{name} must be odd, so the window has a centre pixel; got {value}")
    return value


def _odd_slider(value, low, high, description):
    """A slider over the odd sizes ``low, low + 2, ..., high`` only.

    A SelectionSlider, not an IntSlider with step 2: an IntSlider's readout accepts any
    typed number, so it would offer even sizes and then refuse them.
    """
    import ipywidgets as widgets

    value = _odd_int(value, "size")
    sizes = list(range(low, high + 1, 2))
    if value not in sizes:
        raise ValueError(f"size must be an odd number from {low} to {high}; got {value}")
    return widgets.SelectionSlider(options=sizes, value=value, description=description)


def _number(value, name, *, low=None):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if low is not None and value <= low:
        raise ValueError(f"{name} must be larger than {low:g}; got {value:g}")
    return value


# ----------------------------------------------------------------- one kernel, one photo
@dataclass
class KernelState:
    image: np.ndarray          # (H, W) in [0, 1]
    name: str
    kernel: np.ndarray         # (k, k)
    result: np.ndarray         # (H, W): correlate2d(image, kernel, padding="same")
    pad_mode: str

    @property
    def total(self):
        """The sum of the kernel's numbers: how much a flat region is scaled."""
        return float(self.kernel.sum())

    @property
    def signed(self):
        """True when the kernel's numbers add up to zero (or less): the result measures
        change, is positive and negative, and is drawn on the diverging map."""
        return self.total <= 1e-9 * max(1.0, float(np.abs(self.kernel).max()))

    @property
    def limit(self):
        """Colour limit of a signed result: ``±limit`` covers 99.5% of the pixels.

        The largest values are often a handful of pixels (the glint in an eye); scaling
        to them would leave everything else near white.
        """
        return max(float(np.percentile(np.abs(self.result), 99.5)), 1e-12)

    @property
    def clipped(self):
        """Fraction of result pixels outside [0, 1] (drawn as black or white in grey)."""
        return float(np.mean((self.result < 0) | (self.result > 1)))


def apply_kernel(image, kernel, *, name="your kernel", pad_mode="reflect"):
    """Correlate a grey image with a kernel, keeping the image's size.

    The border is filled with ``pad_mode`` (reflect by default, so that the frame of
    the photo does not look like an edge).

    Parameters
    ----------
    image : ndarray, shape (H, W)
    kernel : ndarray, shape (k, k), k odd
    name : str
        What to call the kernel in titles.
    pad_mode : {"zeros", "reflect", "replicate", "circular"}

    Examples
    --------
    >>> state = apply_kernel(np.eye(4), [[0, 0, 0], [0, 2, 0], [0, 0, 0]])
    >>> state.result
    array([[2., 0., 0., 0.],
           [0., 2., 0., 0.],
           [0., 0., 2., 0.],
           [0., 0., 0., 2.]])
    >>> state.total, state.signed
    (2.0, False)
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    one_of(pad_mode, "pad_mode", PAD_MODES)
    if not np.all(np.isfinite(kernel)):
        raise ValueError("every number in the kernel must be finite (no inf or nan)")
    kh, kw = kernel.shape
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(
            f"a {kh}x{kw} kernel has no centre pixel: use odd sizes (3x3, 5x5, ...) so the "
            "output can keep the image's size"
        )
    if _is_blur(kernel):
        result = _separable(image, kernel, pad_mode)
    else:
        result = correlate2d(image, kernel, padding="same", pad_mode=pad_mode)
    return KernelState(image, name, np.array(kernel), result, pad_mode)


def gallery_state(image, *, name, size=5, sigma=1.0, pad_mode="reflect"):
    """Apply the named kernel of :data:`cnnviz.filters.KERNELS` to ``image``.

    ``size`` and ``sigma`` are used only for "Gaussian blur", which is then
    ``cnnviz.filters.gaussian(size, sigma)``.

    Examples
    --------
    >>> img = np.arange(25.0).reshape(5, 5) / 25
    >>> bool(np.allclose(gallery_state(img, name="Identity").result, img))
    True
    >>> gallery_state(img, name="Gaussian blur", size=3, sigma=0.5).kernel.shape
    (3, 3)
    """
    one_of(name, "name", tuple(KERNELS))
    if name == "Gaussian blur":
        size = _odd_int(size, "size")
        sigma = _number(sigma, "sigma", low=0)
        kernel = gaussian(size, sigma)
        label = f"Gaussian {size}x{size}, sigma {sigma:g}"
    else:
        kernel = KERNELS[name]
        label = name
    return apply_kernel(image, kernel, name=label, pad_mode=pad_mode)


def plot_kernel_result(state, fig=None, artists=None):
    """Photo, kernel (numbers on a diverging map) and result, side by side.

    A result whose kernel sums to zero is signed and drawn on the diverging map,
    centred on zero; any other result is drawn in grey from 0 to 1 (values outside
    are clipped, like a screen would).
    """
    if artists is None:
        fig = fig or new_figure(10, 3.1)
        ax_img, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[3, 2, 3]))
        fig.subplots_adjust(left=0.01, right=0.935, top=0.84, bottom=0.03, wspace=0.32)
        _grey_panel(ax_img, state.image, "the photo")
        kernel = show_matrix(ax_k, state.kernel, **_kernel_style(state.kernel))
        bare(ax_k)
        k_bar = _colorbar(ax_k, DIVERGING, -1, 1)
        k_title = _title(ax_k)
        out, out_title = _grey_panel(ax_out, state.result)
        out_bar = _colorbar(ax_out, GREY, 0, 1)
        artists = dict(kernel=kernel, k_bar=k_bar, k_title=k_title, out=out, out_bar=out_bar,
                       out_title=out_title)
    style = _kernel_style(state.kernel)
    update_matrix(artists["kernel"], state.kernel, **style)
    _set_colorbar(artists["k_bar"], style["vmin"], style["vmax"])
    k = state.kernel.shape[0]
    artists["k_title"].set_text(
        f"{state.name} (sum {state.total:.3g})" if k <= MAX_ANNOTATED
        else f"{state.name}\n(numbers shown up to {MAX_ANNOTATED}x{MAX_ANNOTATED})")
    out = artists["out"]
    out.set_data(state.result)
    if state.signed:
        lo, hi = -state.limit, state.limit
        out.set_cmap(DIVERGING)
        out.set_clim(lo, hi)
        _set_colorbar(artists["out_bar"], lo, hi, DIVERGING)
        artists["out_title"].set_text("result: signed, 0 is white")
    else:
        out.set_cmap(GREY)
        out.set_clim(0, 1)
        _set_colorbar(artists["out_bar"], 0, 1, GREY)
        artists["out_title"].set_text("result (grey, clipped to 0-1)")
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

    def only_for_gaussian(change):
        # The sliders shape the Gaussian only; greyed out for every other kernel.
        for key in ("size", "sigma"):
            controls[key].disabled = change["new"] != "Gaussian blur"

    controls["name"].observe(only_for_gaussian, names="value")
    only_for_gaussian({"new": name})

    def caption(state):
        return _kernel_caption(state, DESCRIPTIONS[controls["name"].value])

    return Explorer(
        lambda name, size, sigma: gallery_state(image, name=name, size=size, sigma=sigma),
        plot_kernel_result, controls, new_figure(10, 3.1), caption=caption,
    )


#: names of the nine number boxes of :func:`custom_kernel`, row by row
CELLS = tuple(f"k{i}{j}" for i in range(3) for j in range(3))


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
        key: widgets.BoundedFloatText(
            value=float(value), min=-50.0, max=50.0, step=0.5,
            layout=widgets.Layout(width="90px"),
        )
        for key, value in zip(CELLS, start.ravel())
    }

    def compute(**cells):
        numbers = np.array([cells[key] for key in CELLS], dtype=float).reshape(3, 3)
        return apply_kernel(image, numbers, name="your kernel")

    return Explorer(compute, plot_kernel_result, controls, new_figure(10, 3.1),
                    caption=_kernel_caption, columns=3)


# ------------------------------------------------------------------------- Sobel edges
@dataclass
class SobelState:
    gx: np.ndarray             # (H, W): brighter to the right is positive
    gy: np.ndarray             # (H, W): brighter downwards is positive
    magnitude: np.ndarray      # sqrt(gx**2 + gy**2)
    threshold: float
    edges: np.ndarray          # magnitude > threshold, bool

    @property
    def fraction(self):
        return float(self.edges.mean())


def sobel_state(image, *, threshold):
    """Sobel gradients of ``image``, their magnitude, and the pixels above ``threshold``.

    Examples
    --------
    >>> step = np.zeros((4, 6)); step[:, 3:] = 1
    >>> sobel_state(step, threshold=1.0).edges.sum(axis=0)
    array([0, 0, 4, 4, 0, 0])
    """
    threshold = _number(threshold, "threshold")
    if threshold < 0:
        raise ValueError(f"threshold must be 0 or more (a magnitude is never negative); "
                         f"got {threshold:g}")
    gx, gy = sobel_gradients(image)
    magnitude = np.hypot(gx, gy)
    return SobelState(gx, gy, magnitude, threshold, magnitude > threshold)


def plot_sobel(state, fig=None, artists=None):
    """Gx and Gy on the diverging map, the magnitude in grey, and the thresholded edges."""
    if artists is None:
        fig = fig or new_figure(10, 2.5)
        # Spacer columns leave room for the colour bars after Gy and after the magnitude.
        grid = fig.add_gridspec(1, 6, width_ratios=[1, 1, 0.2, 1, 0.2, 1], left=0.01,
                                right=0.99, top=0.86, bottom=0.04, wspace=0.05)
        axes = [fig.add_subplot(grid[0, i]) for i in (0, 1, 3, 5)]
        lo, hi = symmetric_limits(np.concatenate([state.gx.ravel(), state.gy.ravel()]))
        gx = axes[0].imshow(state.gx, cmap=DIVERGING, vmin=lo, vmax=hi, interpolation="nearest")
        gy = axes[1].imshow(state.gy, cmap=DIVERGING, vmin=lo, vmax=hi, interpolation="nearest")
        _title(axes[0], "Gx: Sobel x")
        _title(axes[1], "Gy: Sobel y")
        _colorbar(axes[1], DIVERGING, lo, hi)
        top = max(float(state.magnitude.max()), 1e-12)
        mag = axes[2].imshow(state.magnitude, cmap=GREY, vmin=0, vmax=top,
                             interpolation="nearest")
        _title(axes[2], "magnitude sqrt(Gx² + Gy²)")
        line = _colorbar(axes[2], GREY, 0, top).axes.axhline(state.threshold, color=MARK, lw=2)
        edges = axes[3].imshow(state.edges, cmap=GREY, vmin=0, vmax=1, interpolation="nearest")
        edge_title = _title(axes[3])
        for ax in axes:
            bare(ax)
        artists = dict(gx=gx, gy=gy, mag=mag, line=line, edges=edges, edge_title=edge_title)
    artists["gx"].set_data(state.gx)
    artists["gy"].set_data(state.gy)
    artists["mag"].set_data(state.magnitude)
    artists["line"].set_ydata([state.threshold, state.threshold])
    artists["edges"].set_data(state.edges)
    artists["edge_title"].set_text(f"magnitude > {state.threshold:.2f}: {state.fraction:.1%}")
    return fig, artists


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
                    controls, new_figure(10, 2.5), caption=caption)


# ------------------------------------------------------------------- median vs box blur
@dataclass
class MedianState:
    clean: np.ndarray
    noisy: np.ndarray
    blurred: np.ndarray        # box blur of the noisy image
    median: np.ndarray         # median filter of the noisy image
    amount: float
    size: int

    def error(self, image):
        """Mean absolute difference from the clean photo, in grey levels 0-255."""
        return float(np.mean(np.abs(image - self.clean)) * 255)


def median_state(image, *, amount, size, seed=0):
    """Salt-and-pepper noise on ``image``, then a ``size x size`` box blur and median filter.

    Examples
    --------
    >>> state = median_state(np.full((9, 9), 0.5), amount=0.05, size=3)
    >>> state.error(state.median) < state.error(state.blurred)
    True
    """
    amount = _number(amount, "amount")
    if not 0 <= amount <= 1:
        raise ValueError(f"the noise amount is a fraction of the pixels, between 0 and 1; "
                         f"got {amount:g}")
    size = _odd_int(size, "size")
    image = as_array(image, "image", ndims=2)
    noisy = add_salt_and_pepper(image, amount, seed=seed)
    blurred = _separable(noisy, box_blur(size))
    median = median_filter(noisy, size)
    return MedianState(image, noisy, blurred, median, amount, size)


def plot_median(state, fig=None, artists=None):
    """Noisy photo, box blur and median filter, each titled with its error."""
    if artists is None:
        fig = fig or new_figure(10, 2.9)
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
        plot_median, controls, new_figure(10, 2.9), caption=caption,
    )


# ------------------------------------------------------------ bilateral vs Gaussian blur
@dataclass
class BilateralState:
    image: np.ndarray
    gaussian: np.ndarray       # Gaussian blur, same size and sigma_space
    bilateral: np.ndarray
    size: int
    sigma_space: float
    sigma_range: float
    probe: tuple               # (row, col) whose weights are shown
    weights: np.ndarray        # (size, size) bilateral weights around the probe, sum 1


def window_for(sigma_space):
    """The odd window size that covers two spatial sigmas on each side of the centre.

    >>> window_for(1.0), window_for(1.25)
    (5, 7)
    """
    return 2 * math.ceil(2 * sigma_space) + 1


def bilateral_weights(image, probe, size, sigma_space, sigma_range, *, pad_mode="reflect"):
    """The normalised weights the bilateral filter gives the window around ``probe``.

    ``out[probe] == (weights * window).sum()``, where ``window`` is the padded
    image's ``size x size`` patch centred on ``probe``.

    Examples
    --------
    >>> step = np.array([[0.0, 0.0, 1.0, 1.0]] * 3)
    >>> bilateral_weights(step, (1, 1), 3, 1.0, 0.1).round(3)  # column 2 is across the step
    array([[0.103, 0.171, 0.   ],
           [0.171, 0.281, 0.   ],
           [0.103, 0.171, 0.   ]])
    """
    image = as_array(image, "image", ndims=2)
    r = size // 2
    row, col = probe
    padded = pad2d(image, r, mode=pad_mode)
    window = padded[row:row + size, col:col + size]
    t = np.arange(size) - r
    spatial = np.exp(-(t[:, None] ** 2 + t[None, :] ** 2) / (2 * sigma_space**2))
    brightness = np.exp(-((window - image[row, col]) ** 2) / (2 * sigma_range**2))
    weights = spatial * brightness
    return weights / weights.sum()


def bilateral_state(image, *, sigma_space, sigma_range, probe=None):
    """Bilateral filter and Gaussian blur of ``image`` with the same spatial sigma.

    The window is :func:`window_for` ``(sigma_space)`` pixels wide for both.

    Examples
    --------
    >>> step = np.zeros((8, 8)); step[:, 4:] = 1
    >>> state = bilateral_state(step, sigma_space=1.0, sigma_range=0.1)
    >>> bool(np.allclose(state.bilateral, step)), bool(np.allclose(state.gaussian, step))
    (True, False)
    """
    image = as_array(image, "image", ndims=2)
    sigma_space = _number(sigma_space, "sigma_space", low=0)
    sigma_range = _number(sigma_range, "sigma_range", low=0)
    H, W = image.shape
    probe = (H // 2, W // 2) if probe is None else tuple(probe)
    row, col = nonnegative_int(probe[0], "probe row"), nonnegative_int(probe[1], "probe column")
    if row >= H or col >= W:
        raise ValueError(f"the probe pixel {probe} lies outside the {H}x{W} image")
    size = window_for(sigma_space)
    if size // 2 >= min(H, W):
        raise ValueError(f"a spatial sigma of {sigma_space:g} needs a {size}x{size} window, "
                         f"too large for a {H}x{W} image: choose a smaller sigma")
    blurred = _separable(image, gaussian(size, sigma_space))
    smoothed = bilateral_filter(image, size, sigma_space, sigma_range)
    weights = bilateral_weights(image, (row, col), size, sigma_space, sigma_range)
    return BilateralState(image, blurred, smoothed, size, sigma_space, sigma_range,
                          (row, col), weights)


def plot_bilateral(state, fig=None, artists=None):
    """Input with the probe's window, Gaussian blur, bilateral filter, and the probe's weights."""
    if artists is None:
        fig = fig or new_figure(10, 2.9)
        axes = fig.subplots(1, 4, gridspec_kw=dict(width_ratios=[3, 3, 3, 2]))
        fig.subplots_adjust(left=0.01, right=0.95, top=0.84, bottom=0.04, wspace=0.06)
        _, in_title = _grey_panel(axes[0], state.image, "input")
        box = Rectangle((0, 0), 1, 1, fill=False, ec=MARK, lw=1.5)
        axes[0].add_patch(box)
        gauss, g_title = _grey_panel(axes[1], state.gaussian)
        bil, b_title = _grey_panel(axes[2], state.bilateral)
        weights = axes[3].imshow(state.weights, cmap=WEIGHTS, vmin=0, interpolation="nearest")
        bare(axes[3])
        w_bar = _colorbar(axes[3], WEIGHTS, 0, 1)
        w_title = _title(axes[3])
        artists = dict(box=box, gauss=gauss, g_title=g_title, bil=bil, b_title=b_title,
                       weights=weights, w_bar=w_bar, w_title=w_title, in_title=in_title)
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
    _set_colorbar(artists["w_bar"], 0, float(state.weights.max()))
    w.axes.set_xlim(-0.5, s - 0.5)
    w.axes.set_ylim(s - 0.5, -0.5)
    artists["w_title"].set_text("bilateral weights\nin the orange window")
    return fig, artists


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
        plot_bilateral, controls, new_figure(10, 2.9), caption=caption,
    )


# ------------------------------------------------------------------------ border modes
@dataclass
class BorderState:
    padded: np.ndarray         # the crop with its invented border, (c + 2p, c + 2p)
    result: np.ndarray         # box blur of the crop with this border, (c, c)
    truth: np.ndarray          # the same blur computed with the real surrounding pixels
    mode: str
    size: int

    @property
    def pad(self):
        return self.size // 2

    @property
    def error(self):
        return self.result - self.truth


def border_state(image, *, mode, size, row, col, crop=48):
    """Box-blur a ``crop x crop`` piece of ``image``, inventing its border with ``mode``.

    The piece is cut at ``(row, col)`` from a larger photo, so the true values outside
    it are known: ``truth`` is the blur that uses them, and ``error`` shows what the
    invented border got wrong.

    Examples
    --------
    >>> img = np.ones((20, 20))
    >>> state = border_state(img, mode="zeros", size=3, row=5, col=5, crop=6)
    >>> state.result[0, :3].round(3)  # a corner sees 4 real pixels of 9, an edge 6
    array([0.444, 0.667, 0.667])
    >>> float(abs(border_state(img, mode="replicate", size=3, row=5, col=5, crop=6).error).max())
    0.0
    """
    image = as_array(image, "image", ndims=2)
    one_of(mode, "mode", PAD_MODES)
    size = _odd_int(size, "size")
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    crop = positive_int(crop, "crop")
    p = size // 2
    H, W = image.shape
    if row < p or col < p or row + crop + p > H or col + crop + p > W:
        raise ValueError(
            f"a {size}x{size} blur of the {crop}x{crop} piece at ({row}, {col}) needs {p} real "
            f"pixels around it to compare with, and the {H}x{W} photo does not have them there"
        )
    if mode == "reflect" and p >= crop:
        raise ValueError(f"reflect padding mirrors the piece, so it cannot add {p} pixels to a "
                         f"{crop}-pixel piece")
    if mode == "circular" and p > crop:
        raise ValueError(f"circular padding wraps the piece around, so it cannot add {p} "
                         f"pixels to a {crop}-pixel piece")
    piece = image[row:row + crop, col:col + crop]
    kernel = box_blur(size)
    padded = pad2d(piece, p, mode=mode)
    result = correlate2d(padded, kernel)
    truth = correlate2d(image[row - p:row + crop + p, col - p:col + crop + p], kernel)
    return BorderState(padded, result, truth, mode, size)


def plot_border(state, fig=None, artists=None, *, max_pad=7, error_limit=0.3):
    """The padded piece (real pixels outlined), its blur, the true blur and the difference."""
    c = state.result.shape[0]
    if artists is None:
        fig = fig or new_figure(10, 2.9)
        axes = fig.subplots(1, 4, gridspec_kw=dict(width_ratios=[1 + 2 * max_pad / c, 1, 1, 1]))
        fig.subplots_adjust(left=0.01, right=0.95, top=0.84, bottom=0.04, wspace=0.08)
        padded, p_title = _grey_panel(axes[0], state.padded)
        axes[0].add_patch(Rectangle((-0.5, -0.5), c, c, fill=False, ec=MARK, lw=1.5))
        axes[0].set_xlim(-max_pad - 0.5, c + max_pad - 0.5)
        axes[0].set_ylim(c + max_pad - 0.5, -max_pad - 0.5)
        result, r_title = _grey_panel(axes[1], state.result)
        truth, t_title = _grey_panel(axes[2], state.truth)
        error = axes[3].imshow(state.error, cmap=DIVERGING, vmin=-error_limit,
                               vmax=error_limit, interpolation="nearest")
        bare(axes[3])
        _colorbar(axes[3], DIVERGING, -error_limit, error_limit)
        e_title = _title(axes[3])
        artists = dict(padded=padded, p_title=p_title, result=result, r_title=r_title,
                       truth=truth, t_title=t_title, error=error, e_title=e_title)
    p = state.pad
    artists["padded"].set_data(state.padded)
    artists["padded"].set_extent((-p - 0.5, c + p - 0.5, c + p - 0.5, -p - 0.5))
    artists["p_title"].set_text(f"{state.mode}: {p} invented pixels")
    artists["result"].set_data(state.result)
    artists["r_title"].set_text(f"{state.size}x{state.size} blur, {state.mode}")
    artists["truth"].set_data(state.truth)
    artists["t_title"].set_text("blur with the real neighbours")
    artists["error"].set_data(state.error)
    artists["e_title"].set_text(f"difference (largest {np.abs(state.error).max():.2f})")
    return fig, artists


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
    fig = new_figure(10, 2.9)

    def caption(state):
        border = np.ones(state.result.shape, bool)
        p = state.pad
        border[p:-p, p:-p] = False
        mean = np.abs(state.error[border]).mean() * 255
        return (f"Only the {p} outer rows and columns of the blur use invented pixels; inside "
                f"them the difference is exactly 0. Average error along that frame: "
                f"<b>{mean:.1f}</b> grey levels of 255.")

    return Explorer(
        lambda mode, size: border_state(image, mode=mode, size=size, row=row, col=col, crop=crop),
        plot_border, controls, fig, caption=caption,
    )


__all__ = [
    "BilateralState", "BorderState", "KernelState", "MedianState", "SobelState",
    "apply_kernel", "bilateral_state", "bilateral_vs_gaussian", "bilateral_weights",
    "border_modes", "border_state", "custom_kernel", "gallery_state", "kernel_gallery",
    "median_state", "median_vs_blur", "plot_bilateral", "plot_border", "plot_kernel_result",
    "plot_median", "plot_sobel", "sobel_edges", "sobel_state", "window_for",
]


def _benchmark_photo():
    from ..images import load_sample

    return load_sample("chelsea", grayscale=True, size=(150, 225))


def _benchmark_eye():
    from ..images import load_sample

    eye = load_sample("chelsea", grayscale=True)[50:170, 100:280]
    rng = np.random.default_rng(0)
    return np.clip(eye + rng.normal(0, 0.05, eye.shape), 0, 1).astype(np.float32)


# The explorers at the sizes notebook 03 shows them (benchmarks/bench_explorers.py).
BENCHMARK = [
    ("03", "kernel gallery", lambda: kernel_gallery(_benchmark_photo())),
    ("03", "custom kernel", lambda: custom_kernel(_benchmark_photo())),
    ("03", "Sobel edges", lambda: sobel_edges(_benchmark_photo())),
    ("03", "median vs blur", lambda: median_vs_blur(_benchmark_photo())),
    ("03", "bilateral vs Gaussian", lambda: bilateral_vs_gaussian(_benchmark_eye(), probe=(82, 46))),
    ("03", "border modes", lambda: border_modes(_benchmark_photo(), row=40, col=62)),
]
