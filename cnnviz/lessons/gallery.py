"""Notebook 03's state: what a kernel does to a photo, and two filters no kernel can do.

Each function turns an explorer's settings into a dataclass of arrays, with numpy
and the core's filters only (:mod:`cnnviz.filters`, :func:`cnnviz.correlate2d`):

* :func:`gallery_state` and :func:`apply_kernel`: a named or typed-in kernel on a photo;
* :func:`sobel_state`: Sobel gradients, their magnitude and a threshold;
* :func:`median_state`: salt-and-pepper noise, a box blur and a median filter;
* :func:`bilateral_state`: edge-preserving smoothing against a Gaussian blur;
* :func:`border_state`: the four ways to invent the pixels outside an image.

A setting that cannot work raises a :class:`~cnnviz.errors.SettingError` subclass
carrying the numbers; the explorers word the learner's sentence from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..convolution import PAD_MODES, correlate2d, pad2d
from ..errors import SettingError
from ..filters import (
    KERNELS, bilateral_filter, bilateral_weights, box_blur, correlate_separable, gaussian,
    median_filter, sobel_gradients,
)
from ..images import add_salt_and_pepper

#: what each named kernel does, in a sentence (the gallery's caption)
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


# ------------------------------------------------------------------ settings that fail
class NoCentre(SettingError):
    """A kernel with an even side has no centre pixel: field ``shape``."""

    def __init__(self, shape):
        kh, kw = shape
        super().__init__(f"a {kh}x{kw} kernel has no centre pixel: use odd sizes (3x3, 5x5, "
                         "...) so the output can keep the image's size", shape=tuple(shape))

    def __reduce__(self):
        return (NoCentre, (self.fields["shape"],))


class NotFinite(SettingError):
    """A kernel holds inf or nan: field ``count``, how many such numbers."""

    def __init__(self, count):
        super().__init__("every number in the kernel must be finite (no inf or nan)",
                         count=int(count))

    def __reduce__(self):
        return (NotFinite, (self.fields["count"],))


class OutOfRange(SettingError):
    """A number outside the range it means something in: fields ``name``, ``value``,
    ``low``, ``high`` (None when unbounded) and ``reason``."""

    def __init__(self, name, value, low, high, reason):
        if high is None:
            text = f"{name} must be {low:g} or more ({reason}); got {value:g}"
        else:
            text = f"{reason}, between {low:g} and {high:g}; got {value:g}"
        super().__init__(text, name=name, value=value, low=low, high=high, reason=reason)

    def __reduce__(self):
        f = self.fields
        return (OutOfRange, (f["name"], f["value"], f["low"], f["high"], f["reason"]))


class ProbeOutside(SettingError):
    """The probe pixel is not in the image: fields ``probe``, ``height``, ``width``."""

    def __init__(self, probe, height, width):
        super().__init__(f"the probe pixel {tuple(probe)} lies outside the {height}x{width} "
                         "image", probe=tuple(probe), height=height, width=width)

    def __reduce__(self):
        f = self.fields
        return (ProbeOutside, (f["probe"], f["height"], f["width"]))


class WindowTooLarge(SettingError):
    """The bilateral window cannot be mirrored into the image: fields ``sigma_space``,
    ``size`` (the window), ``height``, ``width``."""

    def __init__(self, sigma_space, size, height, width):
        super().__init__(f"a spatial sigma of {sigma_space:g} needs a {size}x{size} window, "
                         f"too large for a {height}x{width} image: choose a smaller sigma",
                         sigma_space=sigma_space, size=size, height=height, width=width)

    def __reduce__(self):
        f = self.fields
        return (WindowTooLarge, (f["sigma_space"], f["size"], f["height"], f["width"]))


class NoRealNeighbours(SettingError):
    """The piece lies too close to the photo's edge to know its true blur: fields
    ``size``, ``pad`` (= size // 2), ``crop``, ``row``, ``col``, ``height``, ``width``."""

    def __init__(self, size, crop, row, col, height, width):
        pad = size // 2
        super().__init__(
            f"a {size}x{size} blur of the {crop}x{crop} piece at ({row}, {col}) needs {pad} "
            f"real pixels around it to compare with, and the {height}x{width} photo does not "
            "have them there",
            size=size, pad=pad, crop=crop, row=row, col=col, height=height, width=width)

    def __reduce__(self):
        f = self.fields
        return (NoRealNeighbours, (f["size"], f["crop"], f["row"], f["col"], f["height"],
                                   f["width"]))


class BorderTooWide(SettingError):
    """Reflect or circular padding cannot invent ``pad`` pixels from a ``crop``-pixel
    piece: fields ``mode``, ``pad``, ``crop``."""

    def __init__(self, mode, pad, crop):
        how = {"reflect": "mirrors the piece", "circular": "wraps the piece around"}[mode]
        super().__init__(f"{mode} padding {how}, so it cannot add {pad} pixels to a "
                         f"{crop}-pixel piece", mode=mode, pad=pad, crop=crop)

    def __reduce__(self):
        f = self.fields
        return (BorderTooWide, (f["mode"], f["pad"], f["crop"]))


# ------------------------------------------------------------------------ argument checks
def odd_size(value, name="size"):
    """A positive odd integer (a window with a centre pixel), or ValueError/TypeError.

    >>> odd_size(5)
    5
    >>> odd_size(4)
    Traceback (most recent call last):
    ...
    ValueError: size must be odd, so the window has a centre pixel; got 4
    """
    value = positive_int(value, name)
    if value % 2 == 0:
        raise ValueError(f"{name} must be odd, so the window has a centre pixel; got {value}")
    return value


def _number(value, name, *, low=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if low is not None and value <= low:
        raise ValueError(f"{name} must be larger than {low:g}; got {value:g}")
    return value


# ------------------------------------------------------------------ one kernel, one photo
def _is_blur(kernel):
    """A large non-negative kernel that is an outer product (box, Gaussian): separable."""
    return (min(kernel.shape) >= 5 and bool(np.all(kernel >= 0)) and kernel.sum() > 0
            and np.linalg.matrix_rank(kernel) == 1)


def _blur(image, kernel, pad_mode="reflect"):
    """``correlate2d(image, kernel, padding="same")`` for a blur kernel ``outer(col, row)``
    with non-negative entries, through :func:`cnnviz.filters.correlate_separable`.

    For such a kernel ``k = outer(c, r)`` the column sums are ``r * sum(c)`` and the row
    sums ``c * sum(r)``, so dividing both by ``sqrt(sum(k))`` gives back two factors whose
    outer product is ``k``.
    """
    root = kernel.sum() ** 0.5
    return correlate_separable(image, kernel.sum(axis=1) / root, kernel.sum(axis=0) / root,
                               pad_mode=pad_mode)


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

    ``result = correlate2d(image, kernel, padding="same", pad_mode=pad_mode)``; the
    border is filled with ``pad_mode`` (reflect by default, so that the frame of the
    photo does not look like an edge). Large blur kernels go through their two 1-D
    factors (:func:`cnnviz.filters.correlate_separable`): the same numbers, faster.

    Parameters
    ----------
    image : ndarray, shape (H, W)
    kernel : ndarray, shape (kh, kw), both odd
    name : str
        What to call the kernel in titles.
    pad_mode : {"zeros", "reflect", "replicate", "circular"}

    Raises
    ------
    NoCentre
        An even side: the kernel has no centre pixel.
    NotFinite
        inf or nan among the kernel's numbers.

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
        raise NotFinite(np.count_nonzero(~np.isfinite(kernel)))
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise NoCentre(kernel.shape)
    if _is_blur(kernel):
        result = _blur(image, kernel, pad_mode)
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
        size = odd_size(size, "size")
        sigma = _number(sigma, "sigma", low=0)
        kernel = gaussian(size, sigma)
        label = f"Gaussian {size}x{size}, sigma {sigma:g}"
    else:
        kernel = KERNELS[name]
        label = name
    return apply_kernel(image, kernel, name=label, pad_mode=pad_mode)


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

    ``gx, gy = cnnviz.filters.sobel_gradients(image)``, ``magnitude = sqrt(gx² + gy²)``
    and ``edges = magnitude > threshold``.

    Examples
    --------
    >>> step = np.zeros((4, 6)); step[:, 3:] = 1
    >>> sobel_state(step, threshold=1.0).edges.sum(axis=0)
    array([0, 0, 4, 4, 0, 0])
    """
    threshold = _number(threshold, "threshold")
    if threshold < 0:
        raise OutOfRange("threshold", threshold, 0, None, "a magnitude is never negative")
    gx, gy = sobel_gradients(image)
    magnitude = np.hypot(gx, gy)
    return SobelState(gx, gy, magnitude, threshold, magnitude > threshold)


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

    ``noisy = add_salt_and_pepper(image, amount, seed=seed)``; the blur is
    ``correlate2d(noisy, box_blur(size), padding="same", pad_mode="reflect")`` and the
    median ``cnnviz.filters.median_filter(noisy, size)``.

    Examples
    --------
    >>> state = median_state(np.full((9, 9), 0.5), amount=0.05, size=3)
    >>> state.error(state.median) < state.error(state.blurred)
    True
    """
    amount = _number(amount, "amount")
    if not 0 <= amount <= 1:
        raise OutOfRange("amount", amount, 0, 1,
                         "the noise amount is a fraction of the pixels")
    size = odd_size(size, "size")
    image = as_array(image, "image", ndims=2)
    noisy = add_salt_and_pepper(image, amount, seed=seed)
    blurred = _blur(noisy, box_blur(size))
    median = median_filter(noisy, size)
    return MedianState(image, noisy, blurred, median, amount, size)


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

    ``2 * ceil(2 * sigma_space) + 1``:

    >>> window_for(1.0), window_for(1.25)
    (5, 7)
    """
    return 2 * math.ceil(2 * sigma_space) + 1


def bilateral_state(image, *, sigma_space, sigma_range, probe=None):
    """Bilateral filter and Gaussian blur of ``image`` with the same spatial sigma.

    The window is :func:`window_for` ``(sigma_space)`` pixels wide for both; ``weights``
    are :func:`cnnviz.filters.bilateral_weights` around ``probe`` (default: the centre).

    Raises
    ------
    ProbeOutside
        The probe is not a pixel of the image.
    WindowTooLarge
        The window's half-width reaches across the whole image.

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
        raise ProbeOutside(probe, H, W)
    size = window_for(sigma_space)
    if size // 2 >= min(H, W):
        raise WindowTooLarge(sigma_space, size, H, W)
    blurred = _blur(image, gaussian(size, sigma_space))
    smoothed = bilateral_filter(image, size, sigma_space, sigma_range)
    weights = bilateral_weights(image, (row, col), size, sigma_space, sigma_range)
    return BilateralState(image, blurred, smoothed, size, sigma_space, sigma_range,
                          (row, col), weights)


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

    @property
    def frame_error(self):
        """Mean absolute error on the ``pad`` outer rows and columns, in grey levels 0-255."""
        border = np.ones(self.result.shape, bool)
        p = self.pad
        border[p:-p, p:-p] = False
        return float(np.abs(self.error[border]).mean() * 255)


def border_state(image, *, mode, size, row, col, crop=48):
    """Box-blur a ``crop x crop`` piece of ``image``, inventing its border with ``mode``.

    The piece is cut at ``(row, col)`` from a larger photo, so the true values outside
    it are known: ``truth`` is the blur that uses them, and ``error`` shows what the
    invented border got wrong.

    Raises
    ------
    NoRealNeighbours
        The photo lacks ``size // 2`` real pixels around the piece.
    BorderTooWide
        Reflect (``size // 2 >= crop``) or circular (``size // 2 > crop``) padding
        cannot invent that many pixels from the piece.

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
    size = odd_size(size, "size")
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    crop = positive_int(crop, "crop")
    p = size // 2
    H, W = image.shape
    if row < p or col < p or row + crop + p > H or col + crop + p > W:
        raise NoRealNeighbours(size, crop, row, col, H, W)
    if (mode == "reflect" and p >= crop) or (mode == "circular" and p > crop):
        raise BorderTooWide(mode, p, crop)
    piece = image[row:row + crop, col:col + crop]
    kernel = box_blur(size)
    padded = pad2d(piece, p, mode=mode)
    result = correlate2d(padded, kernel)
    truth = correlate2d(image[row - p:row + crop + p, col - p:col + crop + p], kernel)
    return BorderState(padded, result, truth, mode, size)


__all__ = [
    "BilateralState", "BorderState", "BorderTooWide", "DESCRIPTIONS", "KernelState",
    "MedianState", "NoCentre", "NoRealNeighbours", "NotFinite", "OutOfRange", "ProbeOutside",
    "SobelState", "WindowTooLarge", "apply_kernel", "bilateral_state", "border_state",
    "gallery_state", "median_state", "odd_size", "sobel_state", "window_for",
]
