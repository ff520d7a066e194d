"""A synthetic data set the package draws itself: circles, squares, triangles, crosses.

Nothing is downloaded. Each image is one grey outline shape on a dark background,
drawn with Pillow's ``ImageDraw`` at four times the final resolution and shrunk,
so edges are smooth (anti-aliased). Size, position, rotation, stroke width and
brightness are random, and Gaussian noise is added, so a network has to learn the
shape rather than a few fixed pixels. Everything comes from one seed: the same
seed gives the same images on every machine.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from ._validate import _show, check_memory, nonnegative_int, one_of, positive_int

#: The classes, in label order: label ``k`` is ``CLASS_NAMES[k]``.
CLASS_NAMES = ("circle", "square", "triangle", "cross")

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


def _render(label, size, cx, cy, radius, angle, width):
    """One anti-aliased shape as uint8 (size, size); geometry in output pixels."""
    s = _SUPERSAMPLE
    canvas = Image.new("L", (size * s, size * s), 0)
    draw = ImageDraw.Draw(canvas)
    cx, cy, r = cx * s, cy * s, radius * s
    stroke = max(1, round(width * s))
    name = CLASS_NAMES[label]
    if name == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=stroke)
    elif name == "cross":
        for a in (angle, angle + np.pi / 2):
            dx, dy = r * np.cos(a), r * np.sin(a)
            draw.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=255, width=stroke)
    else:
        corners = 4 if name == "square" else 3
        a = angle + 2 * np.pi * np.arange(corners) / corners
        points = list(zip(cx + r * np.cos(a), cy + r * np.sin(a)))
        draw.polygon(points, outline=255, width=stroke)
    return np.asarray(canvas.reduce(s))


def draw_shape(name, *, size=28, center=None, radius=None, angle=0.0, width=2.0):
    """Draw one clean shape (no noise), for looking at or feeding to a network.

    Parameters
    ----------
    name : {"circle", "square", "triangle", "cross"}
    size : int
        The image is ``size x size`` pixels (at least 16).
    center : (x, y), optional
        In pixels from the top-left corner; the middle of the image by default.
    radius : float, optional
        Distance from the centre to the corners (square, triangle), the rim
        (circle) or the arm tips (cross); ``0.3 * size`` by default.
    angle : float
        Rotation in degrees, from -360 to 360. Image rows grow downwards, so a
        positive angle turns the shape clockwise on screen. At 0 a corner of the
        square or triangle, and an arm of the cross, points right.
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
    one_of(name, "name", CLASS_NAMES)
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
    label = CLASS_NAMES.index(name)
    image = _render(label, size, cx, cy, radius, np.deg2rad(angle), width)
    return (image.astype(np.float32) / 255)[None]


def make_shapes(n, *, seed=0, size=28, noise=0.1):
    """Generate ``n`` labelled images of circles, squares, triangles and crosses.

    Every image gets a random radius (0.22 to 0.42 of the image size), position (the
    whole shape stays inside), rotation, stroke width (1.2 to 2.8 pixels at 28 px,
    in proportion otherwise) and brightness (0.6 to 1), then Gaussian noise of
    standard deviation ``noise``; values are clipped to [0, 1]. The classes are
    balanced (they differ by at most one image) and shuffled.

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

    Returns
    -------
    ShapesData
        ``images``: float32 ``(n, 1, size, size)`` in [0, 1]; ``labels``: int64
        ``(n,)``, indices into ``class_names`` (:data:`CLASS_NAMES`).

    Examples
    --------
    >>> images, labels, class_names = make_shapes(8, seed=0)
    >>> images.shape, images.dtype, labels.dtype
    ((8, 1, 28, 28), dtype('float32'), dtype('int64'))
    >>> class_names
    ('circle', 'square', 'triangle', 'cross')
    >>> np.bincount(labels)
    array([2, 2, 2, 2])
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

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(CLASS_NAMES)).astype(np.int64)
    scale = size / 28
    radius = rng.uniform(0.22, 0.42, n) * size
    width = rng.uniform(1.2, 2.8, n) * scale
    angle = rng.uniform(0, 2 * np.pi, n)
    brightness = rng.uniform(0.6, 1.0, n).astype(np.float32)
    # Centre so that radius plus half the stroke (and a pixel) stays inside.
    reach = radius + width / 2 + 1
    cx = reach + rng.uniform(0, 1, n) * (size - 2 * reach)
    cy = reach + rng.uniform(0, 1, n) * (size - 2 * reach)

    images = np.empty((n, 1, size, size), dtype=np.float32)
    for i in range(n):
        images[i, 0] = _render(labels[i], size, cx[i], cy[i], radius[i], angle[i], width[i])
    images *= brightness[:, None, None, None] / 255
    if noise:
        images += noise * rng.standard_normal(images.shape, dtype=np.float32)
        np.clip(images, 0.0, 1.0, out=images)
    return ShapesData(images, labels, CLASS_NAMES)


__all__ = ["CLASS_NAMES", "ShapesData", "draw_shape", "make_shapes"]
