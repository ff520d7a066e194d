"""Hand-made image filters: named kernels, edge detectors and two non-linear filters.

A *linear* filter is one kernel slid over the image with :func:`~cnnviz.correlate2d`;
the named 3x3 kernels below (blur, sharpen, shift, edges) are all of this kind. Every
kernel here is meant for :func:`~cnnviz.correlate2d`, the sliding dot product that deep
learning calls convolution; :func:`~cnnviz.convolve2d` flips the kernel first, which
reverses the direction of :data:`SHIFT` and the sign of the edge kernels.

Two filters cannot be written as any single kernel, because what they do depends on the
pixel values in the window, not only on their positions:

* :func:`median_filter` replaces each pixel by the median of its window, which removes
  salt-and-pepper noise without smearing edges;
* :func:`bilateral_filter` averages each window with weights that fall off both with
  distance and with difference in brightness, so it smooths flat regions and stops at
  edges.

The constants are read-only arrays, so a notebook cannot change a shared kernel by
accident; copy one (``SHARPEN.copy()``) to edit it.
"""

from __future__ import annotations

import math
import numbers
from types import MappingProxyType

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_array, check_memory, finite_real, odd_int, one_of, positive_int
from .convolution import PAD_MODES, correlate2d, pad2d


def _read_only(kernel) -> np.ndarray:
    """A float64 copy of ``kernel`` that cannot be written to."""
    kernel = np.array(kernel, dtype=np.float64)
    kernel.setflags(write=False)
    return kernel


# --------------------------------------------------------------------- separable parts
DERIVATIVE = _read_only([-1, 0, 1])
"""Central difference ``[-1, 0, 1]``: right neighbour minus left neighbour."""

SMOOTHING = _read_only([1, 2, 1])
"""Binomial smoothing ``[1, 2, 1]``, a tiny Gaussian (not normalised)."""

AVERAGING = _read_only([1, 1, 1])
"""Plain sum ``[1, 1, 1]``, the smoothing part of Prewitt's kernels."""

# ----------------------------------------------------------------------- named kernels
IDENTITY = _read_only([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
"""Leaves the image unchanged::

    0  0  0
    0  1  0
    0  0  0
"""

BOX_BLUR = _read_only(np.ones((3, 3)) / 9)
"""Mean of the 3x3 neighbourhood::

          1  1  1
    1/9 * 1  1  1
          1  1  1
"""

SHARPEN = _read_only([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
"""Identity plus a negative Laplacian: boosts each pixel against its neighbours::

     0 -1  0
    -1  5 -1
     0 -1  0
"""

SHIFT = _read_only([[0, 0, 0], [1, 0, 0], [0, 0, 0]])
"""Moves the image one pixel to the RIGHT under :func:`~cnnviz.correlate2d`::

    0  0  0
    1  0  0
    0  0  0

Output pixel ``(i, j)`` copies input pixel ``(i, j - 1)``, its left neighbour, so the
picture moves away from the side where the 1 sits. Under :func:`~cnnviz.convolve2d`
(kernel flipped) it moves one pixel to the left.
"""

VERTICAL_EDGE = _read_only([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
"""Responds to a left-right step, i.e. to a vertical edge::

    1  0 -1
    1  0 -1
    1  0 -1

The output is (sum of the left column) minus (sum of the right column): negative where
the image gets brighter to the right, positive where it gets darker, zero on flat
regions. It is :data:`PREWITT_X` with the opposite sign.
"""

HORIZONTAL_EDGE = _read_only([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
"""Responds to a top-bottom step, i.e. to a horizontal edge::

     1  1  1
     0  0  0
    -1 -1 -1

Top row minus bottom row: negative where the image gets brighter downwards.
"""

SOBEL_X = _read_only(np.outer(SMOOTHING, DERIVATIVE))
"""Sobel's horizontal gradient, ``outer([1, 2, 1], [-1, 0, 1])``::

    -1  0  1
    -2  0  2
    -1  0  1

Differentiates along x (columns) and smooths along y (rows). Positive where the image
gets brighter to the right.
"""

SOBEL_Y = _read_only(np.outer(DERIVATIVE, SMOOTHING))
"""Sobel's vertical gradient, ``outer([-1, 0, 1], [1, 2, 1])``::

    -1 -2 -1
     0  0  0
     1  2  1

Positive where the image gets brighter downwards (row index grows down).
"""

PREWITT_X = _read_only(np.outer(AVERAGING, DERIVATIVE))
"""Prewitt's horizontal gradient, ``outer([1, 1, 1], [-1, 0, 1])``::

    -1  0  1
    -1  0  1
    -1  0  1
"""

PREWITT_Y = _read_only(np.outer(DERIVATIVE, AVERAGING))
"""Prewitt's vertical gradient, ``outer([-1, 0, 1], [1, 1, 1])``::

    -1 -1 -1
     0  0  0
     1  1  1
"""

LAPLACIAN = _read_only([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
"""Discrete Laplacian (sum of second differences along x and y)::

    0  1  0
    1 -4  1
    0  1  0

Zero on flat regions and on constant slopes; large at fine detail and on both sides of
an edge. Its entries sum to 0.
"""

EMBOSS = _read_only([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
"""A diagonal derivative plus the identity, so edges look lit from the bottom right::

    -2 -1  0
    -1  1  1
     0  1  2

Its entries sum to 1, so flat regions keep their brightness.
"""


# ---------------------------------------------------------------------- argument checks
def _odd_size(size, name="size") -> int:
    return odd_int(size, name)


#: The range of a standard deviation (``sigma``, ``sigma_space``, ``sigma_range``): wide
#: enough for any picture, narrow enough that ``1 / (2 sigma**2)`` is a finite float32.
SIGMA_LIMITS = (1e-15, 1e15)


def _positive_number(value, name) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number; got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    low, high = SIGMA_LIMITS
    return finite_real(value, name, low=low, high=high)


def _padded_for_window(image, size, pad_mode, subject=None):
    """Pad ``image`` by ``size // 2`` on every side, refusing borders the image cannot fill.

    ``subject`` starts the error message; by default it names ``size``.
    """
    radius = size // 2
    H, W = image.shape
    if subject is None:
        subject = f"size {size} pads the image by size // 2 = {radius}"
    limit = {"reflect": ("smaller than", radius >= min(H, W)),
             "circular": ("at most", radius > min(H, W))}
    if pad_mode in limit and limit[pad_mode][1]:
        raise ValueError(
            f"{subject} on every side; with pad_mode={pad_mode!r} that must be "
            f"{limit[pad_mode][0]} the image height and width {(H, W)}; "
            "use pad_mode='replicate' (or a smaller size)"
        )
    return pad2d(image, radius, mode=pad_mode)


# ---------------------------------------------------------------------------- factories
def box_blur(size):
    """A ``size x size`` kernel that takes the mean of the window.

    Parameters
    ----------
    size : int
        Positive and odd, so the window is centred on a pixel.

    Returns
    -------
    ndarray, shape (size, size)
        Every entry ``1 / size**2``.

    Examples
    --------
    >>> box_blur(3) * 9
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]])
    """
    size = _odd_size(size)
    check_memory(size * size, 8, f"box_blur({size})")
    return np.full((size, size), 1.0 / size**2)


def gaussian(size, sigma):
    """A ``size x size`` Gaussian blur kernel whose entries sum to 1.

    Parameters
    ----------
    size : int
        Positive and odd. About ``6 * sigma`` (rounded up to odd) covers the bell curve.
    sigma : float
        Standard deviation in pixels, positive, within :data:`SIGMA_LIMITS`.

    Returns
    -------
    ndarray, shape (size, size)
        ``k[u, v] = g(u - c) * g(v - c)`` with ``g(t) = exp(-t**2 / (2 sigma**2))``,
        ``c = size // 2``, divided by the sum of all entries. It is separable: the outer
        product of a 1-D Gaussian with itself.

    Examples
    --------
    >>> k = gaussian(5, 1.0)
    >>> k.shape, float(k.sum())
    ((5, 5), 1.0)
    >>> bool(k[2, 2] == k.max())
    True
    """
    size = _odd_size(size)
    sigma = _positive_number(sigma, "sigma")
    check_memory(2 * size * size, 8, f"gaussian({size})")  # the kernel, and it normalised
    t = np.arange(size) - size // 2
    g = np.exp(-(t**2) / (2 * sigma**2))
    kernel = np.outer(g, g)
    return kernel / kernel.sum()


def shift(dy, dx):
    """A kernel that moves the image ``dy`` pixels down and ``dx`` pixels right.

    Under :func:`~cnnviz.correlate2d` (with padding ``"same"``) the output is
    ``out[i, j] = image[i - dy, j - dx]``. Negative values move up or left.

    Parameters
    ----------
    dy, dx : int
        Pixels to move down and right.

    Returns
    -------
    ndarray, shape (2m + 1, 2m + 1) with ``m = max(|dy|, |dx|)``
        All zeros but a single 1 at ``(m - dy, m - dx)``: on the opposite side of the
        centre from where the picture moves.

    Examples
    --------
    >>> shift(0, 1)
    array([[0., 0., 0.],
           [1., 0., 0.],
           [0., 0., 0.]])
    >>> from cnnviz import correlate2d
    >>> correlate2d([[1, 2, 3]], shift(0, 1), padding="same")
    array([[0., 1., 2.]])
    """
    for value, name in ((dy, "dy"), (dx, "dx")):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer; got {value!r}")
    dy, dx = int(dy), int(dx)
    m = max(abs(dy), abs(dx))
    kernel = np.zeros((2 * m + 1, 2 * m + 1))
    kernel[m - dy, m - dx] = 1.0
    return kernel


KERNELS = MappingProxyType(
    {
        "Identity": IDENTITY,
        "Box blur": BOX_BLUR,
        "Gaussian blur": _read_only(gaussian(5, 1.0)),
        "Sharpen": SHARPEN,
        "Shift right": SHIFT,
        "Vertical edge": VERTICAL_EDGE,
        "Horizontal edge": HORIZONTAL_EDGE,
        "Sobel x": SOBEL_X,
        "Sobel y": SOBEL_Y,
        "Prewitt x": PREWITT_X,
        "Prewitt y": PREWITT_Y,
        "Laplacian": LAPLACIAN,
        "Emboss": EMBOSS,
    }
)
"""Display name -> kernel, in gallery order (a read-only mapping of read-only arrays).

"Gaussian blur" is ``gaussian(5, 1.0)``; every other kernel is 3x3.
"""


# ------------------------------------------------------------------------------- Sobel
def sobel_gradients(image, *, pad_mode="replicate"):
    """Horizontal and vertical brightness gradients with Sobel's kernels.

    Parameters
    ----------
    image : array_like, shape (H, W)
    pad_mode : {"replicate", "reflect", "zeros", "circular"}
        How the one-pixel border is filled. "replicate" (the default) keeps a flat
        image flat at its edges; "zeros" makes a bright image look as if it had an edge
        all around.

    Returns
    -------
    gx, gy : ndarray, shape (H, W)
        ``gx = correlate2d(image, SOBEL_X)`` (positive where the image gets brighter to
        the right) and ``gy = correlate2d(image, SOBEL_Y)`` (brighter downwards).

    Examples
    --------
    >>> step = [[0, 0, 1, 1]] * 3
    >>> gx, gy = sobel_gradients(step)
    >>> gx
    array([[0., 4., 4., 0.],
           [0., 4., 4., 0.],
           [0., 4., 4., 0.]])
    >>> float(abs(gy).max())
    0.0
    """
    image = as_array(image, "image", ndims=2)
    one_of(pad_mode, "pad_mode", PAD_MODES)
    padded = _padded_for_window(image, 3, pad_mode, "Sobel's 3x3 kernels pad the image by 1")
    gx = correlate2d(padded, SOBEL_X.astype(image.dtype))
    gy = correlate2d(padded, SOBEL_Y.astype(image.dtype))
    return gx, gy


def sobel_magnitude(image, *, pad_mode="replicate"):
    """Edge strength ``sqrt(gx**2 + gy**2)`` from :func:`sobel_gradients`.

    Parameters
    ----------
    image : array_like, shape (H, W)
    pad_mode : {"replicate", "reflect", "zeros", "circular"}

    Returns
    -------
    ndarray, shape (H, W)
        Non-negative; zero on flat regions, largest across sharp edges whatever their
        direction.

    Examples
    --------
    >>> sobel_magnitude([[0, 0, 1, 1]] * 3)
    array([[0., 4., 4., 0.],
           [0., 4., 4., 0.],
           [0., 4., 4., 0.]])
    """
    gx, gy = sobel_gradients(image, pad_mode=pad_mode)
    return np.hypot(gx, gy)


# ------------------------------------------------------------------- non-linear filters
def median_filter(image, size, *, pad_mode="reflect"):
    """Replace every pixel by the median of the ``size x size`` window around it.

    ``out[i, j] = median(x_pad[i : i + size, j : j + size])``, with ``x_pad`` the image
    padded by ``size // 2`` on every side. A single outlier in a window cannot move the
    median, so isolated noise pixels vanish, while a straight edge stays where it is.

    Parameters
    ----------
    image : array_like, shape (H, W)
    size : int
        Positive and odd.
    pad_mode : {"reflect", "replicate", "zeros", "circular"}
        How the border is filled (see :func:`~cnnviz.pad2d`).

    Returns
    -------
    ndarray, shape (H, W)
        float32 for a float32 image, float64 otherwise.

    Examples
    --------
    >>> noisy = np.full((5, 5), 0.5)
    >>> noisy[2, 2] = 1.0
    >>> float(median_filter(noisy, 3).max())
    0.5
    >>> median_filter([[0, 0, 9, 0, 0]] * 3, 3)
    array([[0., 0., 0., 0., 0.],
           [0., 0., 0., 0., 0.],
           [0., 0., 0., 0., 0.]])
    """
    image = as_array(image, "image", ndims=2)
    size = _odd_size(size)
    one_of(pad_mode, "pad_mode", PAD_MODES)
    H, W = image.shape
    # The windows are copied, and partitioned into a second copy: size * size numbers per
    # pixel each, beside the padded image.
    check_memory(2 * H * W * size * size + (H + size) * (W + size), image.itemsize,
                 f"median_filter with size {size} on a {H}x{W} image")
    padded = _padded_for_window(image, size, pad_mode)
    # One row of size*size values per pixel (a copy); partitioning around the middle
    # index finds the median without sorting the whole window.
    windows = sliding_window_view(padded, (size, size)).reshape(H, W, size * size)
    middle = size * size // 2
    return np.partition(windows, middle, axis=-1)[..., middle]


def bilateral_filter(image, size, sigma_space, sigma_range, *, pad_mode="reflect"):
    """Edge-preserving smoothing: a blur whose weights also depend on brightness.

    For each pixel ``p`` and each pixel ``q`` of the ``size x size`` window around it::

        w(p, q) = exp(-|p - q|**2 / (2 sigma_space**2))
                * exp(-(x[p] - x[q])**2 / (2 sigma_range**2))
        out[p]  = sum_q w(p, q) x[q] / sum_q w(p, q)

    Neighbours across an edge differ a lot in brightness, get almost no weight, and so
    do not blur the edge. With a huge ``sigma_range`` it becomes a Gaussian blur.

    Parameters
    ----------
    image : array_like, shape (H, W)
    size : int
        Window size, positive and odd; about ``2 * sigma_space + 1`` or more.
    sigma_space : float
        Spatial standard deviation in pixels, positive.
    sigma_range : float
        Brightness standard deviation, in the units of the image (e.g. 0.1 for an
        image in [0, 1]), positive. Both within :data:`SIGMA_LIMITS`.
    pad_mode : {"reflect", "replicate", "zeros", "circular"}
        How the border is filled (see :func:`~cnnviz.pad2d`).

    Returns
    -------
    ndarray, shape (H, W)
        float32 for a float32 image, float64 otherwise.

    Examples
    --------
    >>> step = np.array([[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]] * 4)
    >>> bilateral_filter(step, 3, 1.0, 0.1).round(6)
    array([[0., 0., 0., 1., 1., 1.],
           [0., 0., 0., 1., 1., 1.],
           [0., 0., 0., 1., 1., 1.],
           [0., 0., 0., 1., 1., 1.]])
    """
    image = as_array(image, "image", ndims=2)
    size = _odd_size(size)
    sigma_space = _positive_number(sigma_space, "sigma_space")
    sigma_range = _positive_number(sigma_range, "sigma_range")
    one_of(pad_mode, "pad_mode", PAD_MODES)
    H, W = image.shape
    # The padded image and four arrays of the image's size.
    check_memory((H + size) * (W + size) + 4 * H * W, image.itemsize,
                 f"bilateral_filter with size {size} on a {H}x{W} image")
    padded = _padded_for_window(image, size, pad_mode)
    radius = size // 2
    range_scale = image.dtype.type(-1.0 / (2 * sigma_range**2))
    numerator = np.zeros_like(image)
    denominator = np.zeros_like(image)
    weight = np.empty_like(image)
    # Loop over the size*size offsets; each step handles every pixel at once.
    for u in range(size):
        for v in range(size):
            neighbour = padded[u : u + H, v : v + W]
            spatial = math.exp(-((u - radius) ** 2 + (v - radius) ** 2) / (2 * sigma_space**2))
            np.subtract(neighbour, image, out=weight)
            np.square(weight, out=weight)
            np.multiply(weight, range_scale, out=weight)
            np.exp(weight, out=weight)
            weight *= image.dtype.type(spatial)
            denominator += weight
            weight *= neighbour
            numerator += weight
    # The centre offset contributes weight 1, so the denominator is never below 1.
    return numerator / denominator


# -------------------------------------------------------------------- separable kernels
def _odd_vector(values, name) -> np.ndarray:
    vector = as_array(values, name, ndims=1)
    if vector.shape[0] % 2 == 0:
        raise ValueError(f"{name} must have an odd length, so the window has a centre pixel; "
                         f"got length {vector.shape[0]}")
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"every number in {name} must be finite (no inf or nan)")
    return vector


def correlate_separable(image, column, row, *, pad_mode="reflect"):
    """Correlate with the kernel ``outer(column, row)`` in two 1-D passes, keeping the size.

    ``correlate2d(image, np.outer(column, row), padding="same", pad_mode=pad_mode)``,
    computed as a pass of ``row`` along every row and then a pass of ``column`` down
    every column::

        tmp[i, j] = sum_v row[v] x_pad[i, j + v]
        out[i, j] = sum_u column[u] tmp_pad[i + u, j]

    A ``k x k`` kernel costs ``k * k`` multiplications per pixel, its two parts
    ``2 * k``. Box blurs and Gaussians (:func:`box_blur`, :func:`gaussian`) are such
    outer products; so are Sobel's and Prewitt's kernels.

    Parameters
    ----------
    image : array_like, shape (H, W)
    column : array_like, shape (kh,)
        The kernel's factor along the rows (down), odd length.
    row : array_like, shape (kw,)
        The kernel's factor along the columns (across), odd length.
    pad_mode : {"reflect", "replicate", "zeros", "circular"}
        How the border is filled (see :func:`~cnnviz.pad2d`).

    Returns
    -------
    ndarray, shape (H, W)

    Examples
    --------
    >>> g = np.array([1.0, 2.0, 1.0]) / 4
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> from cnnviz import correlate2d
    >>> direct = correlate2d(image, np.outer(g, g), padding="same", pad_mode="reflect")
    >>> bool(np.allclose(correlate_separable(image, g, g), direct))
    True
    """
    image = as_array(image, "image", ndims=2)
    column = _odd_vector(column, "column")
    row = _odd_vector(row, "row")
    one_of(pad_mode, "pad_mode", PAD_MODES)
    along_rows = correlate2d(image, row[None, :], padding="same", pad_mode=pad_mode)
    return correlate2d(along_rows, column[:, None], padding="same", pad_mode=pad_mode)


# ----------------------------------------------------------------- one bilateral window
def bilateral_weights(image, probe, size, sigma_space, sigma_range, *, pad_mode="reflect"):
    """The normalised weights :func:`bilateral_filter` gives the window around one pixel.

    For the pixel ``p = probe`` and each pixel ``q`` of its ``size x size`` window::

        w(p, q) = exp(-|p - q|**2 / (2 sigma_space**2))
                * exp(-(x[p] - x[q])**2 / (2 sigma_range**2)) / sum_q w(p, q)

    so that ``bilateral_filter(image, size, ...)[probe] == (weights * window).sum()``,
    where ``window`` is the ``size x size`` patch of the padded image centred on
    ``probe``. The spatial factor is :func:`gaussian` ``(size, sigma_space)`` (its
    normalisation cancels); the border is padded as the filter pads it.

    Parameters
    ----------
    image : array_like, shape (H, W)
    probe : (int, int)
        Row and column of the pixel, inside the image.
    size, sigma_space, sigma_range, pad_mode
        As for :func:`bilateral_filter`.

    Returns
    -------
    ndarray, shape (size, size)
        Non-negative weights that sum to 1; the centre is at ``(size // 2, size // 2)``.

    Examples
    --------
    >>> step = np.array([[0.0, 0.0, 1.0, 1.0]] * 3)
    >>> bilateral_weights(step, (1, 1), 3, 1.0, 0.1).round(3)  # column 2 is across the step
    array([[0.103, 0.171, 0.   ],
           [0.171, 0.281, 0.   ],
           [0.103, 0.171, 0.   ]])
    """
    from ._validate import int_pair, nonnegative_int

    image = as_array(image, "image", ndims=2)
    size = _odd_size(size)
    sigma_range = _positive_number(sigma_range, "sigma_range")
    spatial = gaussian(size, sigma_space)
    one_of(pad_mode, "pad_mode", PAD_MODES)
    H, W = image.shape
    if not isinstance(probe, (tuple, list)):
        raise TypeError(f"probe must be a pair (row, column); got {probe!r}")
    row, col = int_pair(probe, "probe", check=nonnegative_int)
    if row >= H or col >= W:
        raise ValueError(f"probe must be a pixel of the {H}x{W} image; got {(row, col)}")
    padded = _padded_for_window(image, size, pad_mode)
    window = padded[row:row + size, col:col + size]
    brightness = np.exp(-((window - image[row, col]) ** 2) / (2 * sigma_range**2))
    weights = spatial * brightness
    return weights / weights.sum()


__all__ = [
    "AVERAGING",
    "BOX_BLUR",
    "DERIVATIVE",
    "EMBOSS",
    "HORIZONTAL_EDGE",
    "IDENTITY",
    "KERNELS",
    "LAPLACIAN",
    "PREWITT_X",
    "PREWITT_Y",
    "SHARPEN",
    "SHIFT",
    "SIGMA_LIMITS",
    "SMOOTHING",
    "SOBEL_X",
    "SOBEL_Y",
    "VERTICAL_EDGE",
    "bilateral_filter",
    "bilateral_weights",
    "box_blur",
    "correlate_separable",
    "gaussian",
    "median_filter",
    "shift",
    "sobel_gradients",
    "sobel_magnitude",
]
