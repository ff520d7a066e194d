"""A synthetic data set the package draws itself: circles, squares, triangles, crosses.

Nothing is downloaded. Each image is one grey outline shape on a dark background,
drawn with Pillow's ``ImageDraw`` at four times the final resolution and shrunk,
so edges are smooth (anti-aliased). Size, position, rotation, stroke width and
brightness are random, and Gaussian noise is added, so a network has to learn the
shape rather than a few fixed pixels. Everything comes from one seed: the same
seed gives the same images on every machine.

Four more shapes (stars, hexagons, arrows, hearts) are drawn the same way but are
not in the default data set: they are classes the shipped network has never seen,
for transfer learning.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from ._validate import _show, check_memory, nonnegative_int, one_of, positive_int

#: The classes, in label order: label ``k`` is ``CLASS_NAMES[k]``.
CLASS_NAMES = ("circle", "square", "triangle", "cross")

#: Shapes the shipped network was never trained on, for transfer learning.
NEW_CLASS_NAMES = ("star", "hexagon", "arrow", "heart")

#: Every shape :func:`draw_shape` and :func:`make_shapes` can draw.
SHAPE_NAMES = CLASS_NAMES + NEW_CLASS_NAMES

_SUPERSAMPLE = 4  # draw at 4x and average 4x4 blocks: smooth edges


class ShapesData(NamedTuple):
    """Images, labels and class names; unpacks as ``images, labels, class_names``.

    >>> images, labels, names = make_shapes(8, seed=0)
    >>> images.shape, labels.dtype, names
    ((8, 1, 28, 28), dtype('int64'), ('circle', 'square', 'triangle', 'cross'))
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple


def _number(value, name, low, high=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_show(value)}")
    value = float(value)
    if not np.isfinite(value) or value < low or (high is not None and value > high):
        valid = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {valid}; got {value}")
    return value


_STAR_INNER = 0.45  # a star's inner corners, as a fraction of its radius


def _heart_outline(points=48):
    """The heart curve, centred on its bounding box, farthest point at distance 1, tip down."""
    t = np.linspace(0, 2 * np.pi, points, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    x, y = x - (x.max() + x.min()) / 2, y - (y.max() + y.min()) / 2
    reach = np.hypot(x, y).max()
    return x / reach, y / reach


_HEART = _heart_outline()


def _range(value, name, rule, valid):
    """A pair ``(low, high)`` of finite numbers for which ``valid(low, high)`` holds."""
    message = f"{name} must be a pair (low, high) with {rule}; got {_show(value)}"
    if not isinstance(value, (tuple, list)) or len(value) != 2 or any(
        isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) for v in value
    ):
        raise TypeError(message)
    low, high = float(value[0]), float(value[1])
    if not (np.isfinite(low) and np.isfinite(high) and valid(low, high)):
        raise ValueError(message)
    return low, high


def _classes(classes):
    """A tuple of distinct names from :data:`SHAPE_NAMES`."""
    if isinstance(classes, str) or not isinstance(classes, (tuple, list)) or not classes:
        raise TypeError(f"classes must be a non-empty tuple of shape names; got {_show(classes)}")
    for name in classes:
        one_of(name, "classes", SHAPE_NAMES)
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must name each shape at most once; got {_show(classes)}")
    return tuple(classes)


def _render(name, size, cx, cy, radius, angle, width):
    """One anti-aliased shape as uint8 (size, size); geometry in output pixels."""
    s = _SUPERSAMPLE
    canvas = Image.new("L", (size * s, size * s), 0)
    draw = ImageDraw.Draw(canvas)
    cx, cy, r = cx * s, cy * s, radius * s
    stroke = max(1, round(width * s))
    if name == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=stroke)
    elif name == "cross":
        for a in (angle, angle + np.pi / 2):
            dx, dy = r * np.cos(a), r * np.sin(a)
            draw.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=255, width=stroke)
    elif name == "arrow":
        # A shaft through the centre, tip at distance r along the angle, two barbs.
        u = np.array([np.cos(angle), np.sin(angle)])
        tip = (cx + r * u[0], cy + r * u[1])
        draw.line((cx - r * u[0], cy - r * u[1], *tip), fill=255, width=stroke)
        barbs = [angle + np.pi + side * np.deg2rad(40) for side in (-1, 1)]
        ends = [(tip[0] + 0.6 * r * np.cos(b), tip[1] + 0.6 * r * np.sin(b)) for b in barbs]
        draw.line([ends[0], tip, ends[1]], fill=255, width=stroke, joint="curve")
    else:
        if name == "heart":
            x, y = r * _HEART[0], r * _HEART[1]
            cos, sin = np.cos(angle), np.sin(angle)
            x, y = cx + cos * x - sin * y, cy + sin * x + cos * y
        else:
            corners = {"square": 4, "triangle": 3, "hexagon": 6, "star": 10}[name]
            a = angle + 2 * np.pi * np.arange(corners) / corners
            reach = r * np.where(np.arange(corners) % 2, _STAR_INNER, 1.0) if name == "star" else r
            x, y = cx + reach * np.cos(a), cy + reach * np.sin(a)
        draw.polygon(list(zip(x, y)), outline=255, width=stroke)
    return np.asarray(canvas.reduce(s))


def draw_shape(name, *, size=28, center=None, radius=None, angle=0.0, width=2.0):
    """Draw one clean shape (no noise), for looking at or feeding to a network.

    Parameters
    ----------
    name : {"circle", "square", "triangle", "cross", "star", "hexagon", "arrow", "heart"}
        The first four are the classes of the default data set (:data:`CLASS_NAMES`);
        the others (:data:`NEW_CLASS_NAMES`) are for transfer learning.
    size : int
        The image is ``size x size`` pixels (at least 16).
    center : (x, y), optional
        In pixels from the top-left corner; the middle of the image by default.
    radius : float, optional
        Distance from the centre to the corners (square, triangle, hexagon), the
        outer points (star), the rim (circle), the arm tips (cross), the tip and
        tail (arrow), or the farthest point of the outline (heart); ``0.3 * size``
        by default.
    angle : float
        Rotation in degrees, from -360 to 360. Image rows grow downwards, so a
        positive angle turns the shape clockwise on screen. At 0 a corner of the
        square, triangle or hexagon, a point of the star, an arm of the cross and
        the arrow's tip point right, and the heart stands upright (tip down).
    width : float
        Stroke width in pixels.

    Returns
    -------
    ndarray of float32, shape (1, size, size)
        Values in [0, 1], channels first like a network input.

    Examples
    --------
    >>> img = draw_shape("cross", size=16, width=2)
    >>> img.shape, img.dtype
    ((1, 16, 16), dtype('float32'))
    >>> print((img[0] > 0.5).astype(int))
    [[0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 1 1 1 1 1 1 1 1 1 1 0 0 0]
     [0 0 0 1 1 1 1 1 1 1 1 1 1 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
     [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]]
    """
    one_of(name, "name", SHAPE_NAMES)
    size = positive_int(size, "size")
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels; got {size}")
    # the supersampled 8-bit canvas, and the float32 picture
    check_memory((size * _SUPERSAMPLE) ** 2 + 8 * size * size, 1, f"draw_shape(size={size})")
    if center is None:
        center = (size / 2, size / 2)
    if not isinstance(center, (tuple, list)) or len(center) != 2:
        raise TypeError(f"center must be a pair (x, y) of pixel coordinates; got {_show(center)}")
    cx, cy = (_number(c, "center", 0, size) for c in center)
    radius = 0.3 * size if radius is None else _number(radius, "radius", 1, size)
    angle = _number(angle, "angle", -360, 360)
    width = _number(width, "width", 0.25, size / 2)
    image = _render(name, size, cx, cy, radius, np.deg2rad(angle), width)
    return (image.astype(np.float32) / 255)[None]


def make_shapes(n, *, seed=0, size=28, noise=0.1, classes=CLASS_NAMES,
                scale=(0.22, 0.42), angle=(0, 360), position=(0, 1)):
    """Generate ``n`` labelled images of circles, squares, triangles and crosses (or ``classes``).

    Every image gets a random radius (0.22 to 0.42 of the image size), position (the
    whole shape stays inside), rotation, stroke width (1.2 to 2.8 pixels at 28 px,
    in proportion otherwise) and brightness (0.6 to 1), then Gaussian noise of
    standard deviation ``noise``; values are clipped to [0, 1]. The classes are
    balanced (they differ by at most one image) and shuffled.

    ``scale``, ``angle`` and ``position`` narrow the radius, rotation and place to a
    range: ``scale=(0.3, 0.3), angle=(0, 0), position=(0.5, 0.5)`` draws every shape
    the same size, upright and centred. The random numbers are drawn the same way
    whatever the ranges, so the same seed gives the same classes, strokes,
    brightness and noise, and the default ranges give the data set the shipped
    network was trained on.

    Parameters
    ----------
    n : int
        Number of images.
    seed : int
        Everything random follows from it: equal seeds give equal data sets.
    size : int
        Height and width in pixels (at least 16; 28 by default, like MNIST).
    noise : float
        Standard deviation of the added noise, from 0 to 1.
    classes : sequence of str
        The shapes to draw, in label order: names from :data:`SHAPE_NAMES`, each at
        most once. :data:`CLASS_NAMES` by default; :data:`NEW_CLASS_NAMES` gives
        classes the shipped network has never seen.
    scale : (float, float)
        Radius as a fraction of ``size``, uniform in ``[low, high]``, with
        ``0 < low <= high <= 0.5``.
    angle : (float, float)
        Rotation in degrees (as in :func:`draw_shape`), uniform in ``[low, high]``
        within ``[-360, 360]``.
    position : (float, float)
        Where the centre lies, in x and in y alike, uniform in ``[low, high]``
        within ``[0, 1]``: 0 puts the shape against the left (top) edge, 1 against
        the right (bottom) edge, 0.5 in the middle; it always stays inside.

    Returns
    -------
    ShapesData
        ``images``: float32 ``(n, 1, size, size)`` in [0, 1]; ``labels``: int64
        ``(n,)``, indices into ``class_names`` (``tuple(classes)``).

    Examples
    --------
    >>> images, labels, class_names = make_shapes(8, seed=0)
    >>> images.shape, images.dtype, labels.dtype
    ((8, 1, 28, 28), dtype('float32'), dtype('int64'))
    >>> class_names
    ('circle', 'square', 'triangle', 'cross')
    >>> np.bincount(labels)
    array([2, 2, 2, 2])
    >>> new = make_shapes(6, classes=NEW_CLASS_NAMES[:3], angle=(0, 0), position=(0.5, 0.5))
    >>> new.class_names, np.bincount(new.labels)
    (('star', 'hexagon', 'arrow'), array([2, 2, 2]))
    """
    n = positive_int(n, "n")
    seed = nonnegative_int(seed, "seed")
    size = positive_int(size, "size")
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels; got {size}")
    # the float32 images, their noise and its scaled copy, and one supersampled canvas
    check_memory(12 * n * size * size + (size * _SUPERSAMPLE) ** 2, 1,
                 f"make_shapes({n:,}, size={size})")
    noise = _number(noise, "noise", 0, 1)
    classes = _classes(classes)
    scale = _range(scale, "scale", "0 < low <= high <= 0.5", lambda a, b: 0 < a <= b <= 0.5)
    angle = _range(angle, "angle", "-360 <= low <= high <= 360", lambda a, b: -360 <= a <= b <= 360)
    position = _range(position, "position", "0 <= low <= high <= 1", lambda a, b: 0 <= a <= b <= 1)

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(classes)).astype(np.int64)
    radius = rng.uniform(*scale, n) * size
    width = rng.uniform(1.2, 2.8, n) * (size / 28)
    theta = rng.uniform(*np.deg2rad(angle), n)
    brightness = rng.uniform(0.6, 1.0, n).astype(np.float32)
    # Centre so that radius plus half the stroke (and a pixel) stays inside.
    reach = radius + width / 2 + 1
    cx = reach + rng.uniform(*position, n) * (size - 2 * reach)
    cy = reach + rng.uniform(*position, n) * (size - 2 * reach)

    images = np.empty((n, 1, size, size), dtype=np.float32)
    for i in range(n):
        images[i, 0] = _render(classes[labels[i]], size, cx[i], cy[i], radius[i], theta[i], width[i])
    images *= brightness[:, None, None, None] / 255
    if noise:
        images += noise * rng.standard_normal(images.shape, dtype=np.float32)
        np.clip(images, 0.0, 1.0, out=images)
    return ShapesData(images, labels, classes)


__all__ = ["CLASS_NAMES", "NEW_CLASS_NAMES", "SHAPE_NAMES", "ShapesData", "draw_shape", "make_shapes"]
