"""Data augmentation: new training pictures from old ones, each keeping its label.

Images are channels-first like the rest of cnnviz, ``(H, W)`` or ``(C, H, W)``, and
come back with the same shape and dtype (float32 stays float32; anything else
becomes float64).

Rotation, zoom and shift are one operation underneath: every output pixel asks
where it came from in the input and reads that point by bilinear interpolation.
With pixel centres at whole coordinates ``(x, y)`` (column, row) and the image
centre at ``c = ((W - 1) / 2, (H - 1) / 2)``, a rotation by ``theta`` and a zoom by
``s`` followed by a shift ``t = (dx, dy)`` send input point ``p`` to::

    q = c + s * R(theta) @ (p - c) + t,   R(theta) = [[ cos, sin],
                                                     [-sin, cos]]

(``R`` turns counter-clockwise on screen, where rows grow downwards), so output
pixel ``q`` reads the input at ``p = c + R(-theta) @ (q - c - t) / s``. Where that
point lies outside the picture, ``fill`` decides what comes in: a constant, the
nearest edge pixel (``"edge"``), the picture mirrored at its border
(``"reflect"``) or repeated (``"wrap"``).

Whole-pixel shifts, multiples of 90 degrees (on a square picture) and a zoom of 1
land exactly on pixel centres, so they move pixels without blurring them.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from ._validate import _show, as_array, boolean, nonnegative_int

#: The named ways to fill what comes in from outside the picture; a number is a constant.
FILL_MODES = ("edge", "reflect", "wrap")

_FAR = 2.0**40  # sample positions are clipped to +-this before rounding to integers
_BLOCK = 2**18  # output pixels resampled at a time (the scratch arrays are a few times this)


# ------------------------------------------------------------------------------ checks
def _finite(value, name, *, low=None, above=None):
    """A finite real number (not a bool), optionally ``>= low`` or ``> above``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_show(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be at least {low}; got {value}")
    if above is not None and value <= above:
        raise ValueError(f"{name} must be a positive number; got {value}")
    return value


def _range(value, name, *, positive):
    """A pair ``(low, high)`` of finite numbers, ``0 < low`` (or ``0 <= low``) ``<= high``."""
    kind = "positive" if positive else "non-negative"
    message = f"{name} must be a pair (low, high) of {kind} numbers with low <= high; got {_show(value)}"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(message)
    if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) for v in value):
        raise TypeError(message)
    low, high = float(value[0]), float(value[1])
    if not (np.isfinite(low) and np.isfinite(high)) or low > high or low < 0 or (positive and low == 0):
        raise ValueError(message)
    return low, high


def _fill(fill):
    """A finite number (constant fill) or one of :data:`FILL_MODES`."""
    if isinstance(fill, str):
        if fill not in FILL_MODES:
            options = ", ".join(repr(m) for m in FILL_MODES)
            raise ValueError(f"fill must be a number or one of {options}; got {fill!r}")
        return fill
    if isinstance(fill, (bool, np.bool_)) or not isinstance(fill, numbers.Real):
        options = ", ".join(repr(m) for m in FILL_MODES)
        raise TypeError(f"fill must be a number or one of {options}; got {_show(fill)}")
    value = float(fill)
    if not np.isfinite(value):
        raise ValueError(f"fill must be a finite number; got {value}")
    return value


def _image(image, name="image", ndims=(2, 3)):
    """A numeric array of ``ndims`` dimensions that is not a colour image stored channels-last."""
    image = as_array(image, name, ndims=ndims)
    # (H, W, 3) or (H, W, 4) with a real height and width, not (C, H, W) with W = 3 or 4.
    if image.ndim == max(ndims) and image.shape[-1] in (3, 4) and min(image.shape[-3:-1]) > 4:
        raise ValueError(
            f"{name} looks like colour stored channels-last, shape {image.shape}; cnnviz images "
            f"are channels-first, (C, H, W): use np.moveaxis({name}, -1, -3)"
        )
    return image


# ------------------------------------------------------------------------------- warping
def _cos_sin(degrees):
    """cos and sin of angles in degrees (an array), exact for multiples of 90."""
    theta = np.deg2rad(degrees)
    cos, sin = np.cos(theta), np.sin(theta)
    quarter = degrees % 90 == 0
    k = (degrees[quarter] % 360 // 90).astype(np.intp)
    cos[quarter], sin[quarter] = np.array([1.0, 0.0, -1.0, 0.0])[k], np.array([0.0, 1.0, 0.0, -1.0])[k]
    return cos, sin


def _inverse(shape, degrees, factor, dx, dy):
    """Per image, ``A`` (N, 2, 2) and ``b`` (N, 2) with input point ``p = A @ q + b`` in (x, y).

    ``degrees``, ``factor``, ``dx``, ``dy`` are arrays of shape (N,).
    """
    H, W = shape
    c = np.array([(W - 1) / 2, (H - 1) / 2])
    cos, sin = _cos_sin(np.asarray(degrees, dtype=np.float64))
    t = c + np.stack([dx, dy], -1)                       # R(-theta) / s applied to q - c - t
    with np.errstate(over="ignore", invalid="ignore"):   # a zoom of 1e-308 reads from infinity
        A = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], 1)
        A = A / np.asarray(factor)[:, None, None]
        return A, c - np.einsum("nij,nj->ni", A, t)


def _neighbours(index, n, fill):
    """Map integer sample positions to rows/columns of the (padded, for constants) picture."""
    if fill == "edge":
        return np.clip(index, 0, n - 1)
    if fill == "reflect":                       # ... c b a | a b c ... c | c b a ...
        index = np.mod(index, 2 * n)
        return np.where(index >= n, 2 * n - 1 - index, index)
    if fill == "wrap":
        return np.mod(index, n)
    return np.clip(index, -1, n) + 1  # constant: one pixel of fill on each side


def _warp(images, A, b, fill):
    """Resample ``images`` (N, C, H, W) so output pixel ``q`` of image ``k`` reads ``A[k] @ q + b[k]``.

    Bilinear interpolation between the four pixels around each point, in the
    images' dtype; ``fill`` is a float (constant) or one of :data:`FILL_MODES`.
    Works through at most :data:`_BLOCK` output pixels at a time, so the scratch
    arrays stay small however large the batch or the picture.
    """
    N, C, H, W = images.shape
    if isinstance(fill, float):
        images = np.pad(images, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=fill)
    flat = images.reshape(N, C, -1)
    out = np.empty((N, C, H * W), dtype=images.dtype)
    per_block = max(1, _BLOCK // (H * W))                 # whole images at a time ...
    band = min(H * W, _BLOCK)                             # ... or bands of one large image
    for k in range(0, N, per_block):
        for start in range(0, H * W, band):
            n, q = slice(k, k + per_block), np.arange(start, min(start + band, H * W))
            out[n, :, q[0] : q[-1] + 1] = _bilinear(flat[n], A[n], b[n], q // W, q % W, (H, W), fill)
    return out.reshape(N, C, H, W)


def _bilinear(flat, A, b, y, x, shape, fill):
    """Values of ``flat`` (n, C, pixels) at ``A @ (x, y) + b`` for output pixels ``(x, y)``.

    Returns (n, C, len(x)).
    """
    (H, W), Wp = shape, shape[1] + 2 * isinstance(fill, float)
    # Source points, (n, len(x)) each; far outside (even infinitely) is as good as a little outside.
    with np.errstate(over="ignore", invalid="ignore"):
        xs = A[:, 0, 0, None] * x + A[:, 0, 1, None] * y + b[:, 0, None]
        ys = A[:, 1, 0, None] * x + A[:, 1, 1, None] * y + b[:, 1, None]
    xs, ys = (np.clip(np.nan_to_num(v, nan=_FAR), -_FAR, _FAR) for v in (xs, ys))
    x0, y0 = np.floor(xs), np.floor(ys)
    fx, fy = (xs - x0).astype(flat.dtype), (ys - y0).astype(flat.dtype)
    x0, y0 = x0.astype(np.intp), y0.astype(np.intp)
    cols = [_neighbours(x0 + 1, W, fill), _neighbours(x0, W, fill)]
    rows = [_neighbours(y0 + 1, H, fill) * Wp, _neighbours(y0, H, fill) * Wp]
    out = np.zeros((len(flat), flat.shape[1], len(x)), dtype=flat.dtype)
    for row, wy in zip(rows, (fy, 1 - fy)):
        for col, wx in zip(cols, (fx, 1 - fx)):
            out += (wy * wx)[:, None, :] * np.take_along_axis(flat, (row + col)[:, None, :], axis=-1)
    return out


def _transform(image, degrees=0.0, factor=1.0, dx=0.0, dy=0.0, fill=0.0):
    """One image (H, W) or (C, H, W) through :func:`_warp`; same shape and dtype out."""
    stack = image.reshape(1, -1, *image.shape[-2:])
    A, b = _inverse(image.shape[-2:], [degrees], [factor], [dx], [dy])
    return _warp(stack, A, b, fill).reshape(image.shape)


# ----------------------------------------------------------------------- one at a time
def rotate(image, degrees, *, fill=0.0):
    """Rotate about the centre, counter-clockwise for positive ``degrees``.

    The canvas keeps its shape (corners that leave it are lost; ``fill`` comes in),
    and the angle follows Pillow's ``Image.rotate``. On a square image,
    ``rotate(image, 90)`` is ``np.rot90`` on the last two axes, exactly.

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
    degrees : float
        Angle, counter-clockwise on screen.
    fill : float or {"edge", "reflect", "wrap"}
        What comes in from outside the picture: a constant (0, black, by default),
        the nearest edge pixel, the picture mirrored at its border, or repeated.

    Returns
    -------
    ndarray, shape like ``image``
        Output pixel ``q`` is the bilinear interpolation of the input at
        ``c + R(-degrees) @ (q - c)``, ``c`` the centre (see the module notes).

    Examples
    --------
    >>> image = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> rotate(image, 90)            # the right column becomes the top row
    array([[2., 4.],
           [1., 3.]])
    >>> np.array_equal(rotate(image, 90), np.rot90(image))
    True
    """
    image = _image(image)
    degrees = _finite(degrees, "degrees")
    return _transform(image, degrees=degrees, fill=_fill(fill))


def shift(image, dx, dy, *, fill=0.0):
    """Move the content right by ``dx`` and down by ``dy`` pixels.

    Whole-pixel shifts copy pixels exactly; a fractional shift interpolates
    bilinearly between neighbours.

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
    dx, dy : float
        Pixels to the right and down; negative values move left and up.
    fill : float or {"edge", "reflect", "wrap"}
        What comes in at the uncovered edge (see :func:`rotate`). ``"wrap"`` makes a
        whole-pixel shift equal to ``np.roll``.

    Returns
    -------
    ndarray, shape like ``image``
        ``out[..., y, x] = image[..., y - dy, x - dx]`` where that lies inside.

    Examples
    --------
    >>> shift(np.arange(1.0, 5.0)[None], 1, 0)
    array([[0., 1., 2., 3.]])
    >>> shift(np.arange(1.0, 5.0)[None], -1, 0, fill="edge")
    array([[2., 3., 4., 4.]])
    """
    image = _image(image)
    dx, dy = _finite(dx, "dx"), _finite(dy, "dy")
    return _transform(image, dx=dx, dy=dy, fill=_fill(fill))


def zoom(image, factor, *, fill=0.0):
    """Enlarge (``factor > 1``) or shrink (``factor < 1``) about the centre, same canvas.

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
    factor : float
        Scale, greater than 0. ``zoom(image, 1)`` returns the image unchanged; at 2 the
        middle half of the picture fills the canvas; below 1 ``fill`` comes in around it.
    fill : float or {"edge", "reflect", "wrap"}
        What comes in from outside the picture (see :func:`rotate`).

    Returns
    -------
    ndarray, shape like ``image``
        Output pixel ``q`` reads the input at ``c + (q - c) / factor``.

    Examples
    --------
    >>> zoom(np.array([[0.0, 4.0, 8.0]]), 2)      # x = 0, 1, 2 read x = 0.5, 1, 1.5
    array([[2., 4., 6.]])
    """
    image = _image(image)
    factor = _finite(factor, "factor", above=0)
    return _transform(image, factor=factor, fill=_fill(fill))


def flip(image, *, horizontal=True):
    """Mirror left-right (``horizontal=True``) or top-bottom (``horizontal=False``).

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
    horizontal : bool

    Returns
    -------
    ndarray, shape like ``image``
        ``image[..., :, ::-1]`` or ``image[..., ::-1, :]``, as a new array.

    Examples
    --------
    >>> flip(np.array([[1.0, 2.0, 3.0]]))
    array([[3., 2., 1.]])
    """
    image = _image(image)
    axis = -1 if boolean(horizontal, "horizontal") else -2
    return np.flip(image, axis=axis).copy()


def brightness(image, factor):
    """Scale every value by ``factor`` and clip to [0, 1] (the range of cnnviz images).

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
        Values in [0, 1].
    factor : float
        At least 0: 0 gives black, 1 the image itself, above 1 brighter (the
        brightest parts saturate at 1).

    Returns
    -------
    ndarray, shape like ``image``
        ``clip(factor * image, 0, 1)``.

    Examples
    --------
    >>> brightness(np.array([[0.2, 0.5, 0.8]]), 1.5)
    array([[0.3 , 0.75, 1.  ]])
    """
    image = _image(image)
    factor = _finite(factor, "factor", low=0)
    return np.clip(image * image.dtype.type(factor), 0, 1)


def add_noise(image, std, *, seed=0):
    """Add Gaussian noise of standard deviation ``std`` and clip to [0, 1].

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
        Values in [0, 1].
    std : float
        Standard deviation of the noise, at least 0 (0 returns the image).
    seed : int
        Seed for ``numpy.random.default_rng``: the same seed gives the same noise.

    Returns
    -------
    ndarray, shape like ``image``
        ``clip(image + std * z, 0, 1)``, ``z`` standard normal, one draw per value.

    Examples
    --------
    >>> noisy = add_noise(np.full((100, 100), 0.5), 0.1, seed=0)
    >>> round(float(noisy.std()), 2), noisy.shape
    (0.1, (100, 100))
    """
    image = _image(image)
    std = _finite(std, "std", low=0)
    rng = np.random.default_rng(nonnegative_int(seed, "seed"))
    noise = rng.standard_normal(image.shape, dtype=image.dtype)
    return np.clip(image + image.dtype.type(std) * noise, 0, 1)


# ------------------------------------------------------------------------------ batches
class AugmentParams(NamedTuple):
    """The draws of :func:`random_augment`, one entry per image (arrays of shape (N,))."""

    degrees: np.ndarray      #: rotation, counter-clockwise
    factor: np.ndarray       #: zoom
    dx: np.ndarray           #: shift right, pixels
    dy: np.ndarray           #: shift down, pixels
    flipped: np.ndarray      #: mirrored left-right first (bool)
    brightness: np.ndarray   #: brightness factor


def _generators(seed):
    """Two generators from one seed: one for the settings, one for the noise.

    Each fills its arrays image after image, so image ``k``'s draws depend on
    ``seed`` and ``k`` only, never on how many images follow.
    """
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)]


def _settings(rotation, zoom, shift, flip, brightness, seed):
    rotation = _finite(rotation, "rotation")
    if not 0 <= rotation <= 180:
        raise ValueError(f"rotation must be between 0 and 180 degrees; got {rotation}")
    return (
        rotation,
        _range(zoom, "zoom", positive=True),
        _finite(shift, "shift", low=0),
        boolean(flip, "flip"),
        _range(brightness, "brightness", positive=False),
        nonnegative_int(seed, "seed"),
    )


def _draw(n, rng, rotation, zoom, shift, flip, brightness):
    """Six uniform numbers per image, always all six, so one range never moves the others."""
    u = rng.random((n, 6))
    return AugmentParams(
        degrees=rotation * (2 * u[:, 0] - 1),
        factor=zoom[0] + (zoom[1] - zoom[0]) * u[:, 1],
        dx=shift * (2 * u[:, 2] - 1),
        dy=shift * (2 * u[:, 3] - 1),
        flipped=flip & (u[:, 4] < 0.5),
        brightness=brightness[0] + (brightness[1] - brightness[0]) * u[:, 5],
    )


def draw_params(n, *, rotation=0, zoom=(1, 1), shift=0, flip=False, brightness=(1, 1), seed=0):
    """The random settings :func:`random_augment` gives each of ``n`` images.

    Takes the same ranges and seed as :func:`random_augment` (see there), so a picture
    of augmented images can say how each was made.

    Returns
    -------
    AugmentParams
        Arrays of shape ``(n,)``: ``degrees``, ``factor``, ``dx``, ``dy``, ``flipped``,
        ``brightness``.

    Examples
    --------
    >>> p = draw_params(3, rotation=30, seed=0)
    >>> p.degrees.shape, bool(np.all(np.abs(p.degrees) <= 30)), p.factor.tolist()
    ((3,), True, [1.0, 1.0, 1.0])
    """
    n = nonnegative_int(n, "n")
    *ranges, seed = _settings(rotation, zoom, shift, flip, brightness, seed)
    return _draw(n, _generators(seed)[0], *ranges)


def random_augment(images, *, rotation=0, zoom=(1, 1), shift=0, flip=False,
                   brightness=(1, 1), noise=0, seed=0, fill=0.0):
    """Augment a batch: every image gets its own random draw within the given ranges.

    Each image is mirrored left-right (with probability 1/2 when ``flip``), then
    rotated, zoomed and shifted in one resampling (one blur, not three), then
    scaled in brightness and given noise; those two steps, when used, clip to
    [0, 1]. Image ``k``'s draw depends only on ``seed`` and ``k``: the same seed
    gives the same batch, and the first images of a longer batch are augmented as
    a shorter batch would be.

    Parameters
    ----------
    images : array_like, shape (N, H, W) or (N, C, H, W)
    rotation : float
        Angles are uniform in ``[-rotation, rotation]`` degrees (0 to 180).
    zoom : (float, float)
        Zoom factors are uniform in ``[low, high]``, both positive.
    shift : float
        ``dx`` and ``dy`` are each uniform in ``[-shift, shift]`` pixels.
    flip : bool
        Mirror left-right half of the images, chosen at random.
    brightness : (float, float)
        Brightness factors are uniform in ``[low, high]``, both at least 0.
    noise : float
        Standard deviation of added Gaussian noise (0: none).
    seed : int
        Everything random follows from it.
    fill : float or {"edge", "reflect", "wrap"}
        What comes in from outside the picture (see :func:`rotate`).

    Returns
    -------
    ndarray, shape like ``images``
        The draws themselves come from :func:`draw_params` with the same settings.

    Examples
    --------
    >>> batch = np.zeros((4, 1, 8, 8)); batch[:, :, 3:5, 3:5] = 1
    >>> out = random_augment(batch, shift=2, seed=0)
    >>> out.shape, bool(np.array_equal(out, random_augment(batch, shift=2, seed=0)))
    ((4, 1, 8, 8), True)
    >>> bool(np.array_equal(out[0], out[1]))     # each image its own shift
    False
    """
    images = _image(images, "images", ndims=(3, 4))
    *ranges, seed = _settings(rotation, zoom, shift, flip, brightness, seed)
    noise = _finite(noise, "noise", low=0)
    fill = _fill(fill)
    settings, noise_rng = _generators(seed)
    p = _draw(len(images), settings, *ranges)

    stack = images.reshape(len(images), -1, *images.shape[-2:])
    stack = np.where(p.flipped[:, None, None, None], stack[..., ::-1], stack)
    A, b = _inverse(stack.shape[-2:], p.degrees, p.factor, p.dx, p.dy)
    out = _warp(stack, A, b, fill)
    if ranges[4] != (1.0, 1.0):
        out = np.clip(out * p.brightness.astype(out.dtype)[:, None, None, None], 0, 1)
    if noise:
        z = noise_rng.standard_normal(out.shape, dtype=out.dtype)
        out = np.clip(out + out.dtype.type(noise) * z, 0, 1)
    return out.reshape(images.shape)


__all__ = [
    "FILL_MODES", "AugmentParams", "add_noise", "brightness", "draw_params", "flip",
    "random_augment", "rotate", "shift", "zoom",
]
