"""A drawing as the network sees it: mouse strokes rasterised to a 28x28 image.

The drawing pad (:class:`cnnviz.explorers.canvas.DrawingPad`) records each stroke
as the mouse positions it passed through, in the pixels of its canvas. This module
turns those strokes into an image like :func:`cnnviz.datasets.make_shapes` makes:
float32, shape ``(1, size, size)``, values in [0, 1], a bright line on a dark
background. numpy only, so it is tested without a browser.
"""

from __future__ import annotations

import numpy as np

from .._validate import _show, positive_int

#: Side of the drawing pad's canvas, in screen pixels.
CANVAS_SIZE = 280

#: Width of the pen on the canvas, in screen pixels: 2 pixels of the 28x28 image,
#: like the strokes of make_shapes (1.2 to 2.8 pixels).
PEN_WIDTH = 20

#: Sub-pixels per image pixel along each axis when measuring how much ink covers it.
SUPERSAMPLE = 4


def check_strokes(strokes, name="strokes"):
    """``strokes`` as a list of float arrays of shape (k, 2): (x, y) points per stroke.

    Examples
    --------
    >>> [s.shape for s in check_strokes([[(0, 0), (10, 5)], [(3, 3)]])]
    [(2, 2), (1, 2)]
    """
    if isinstance(strokes, (str, bytes)) or not hasattr(strokes, "__iter__"):
        raise TypeError(f"{name} must be a list of strokes, each a list of (x, y) points; "
                        f"got {_show(strokes)}")
    out = []
    for i, stroke in enumerate(strokes):
        points = np.asarray(stroke, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(f"{name}[{i}] must be a non-empty list of (x, y) points; "
                             f"got shape {points.shape}")
        if not np.all(np.isfinite(points)):
            raise ValueError(f"{name}[{i}] must hold finite coordinates; got {_show(stroke)}")
        out.append(points)
    return out


def _segments(strokes):
    """Every stroke as segments ``(a, b)``; a single point is a segment of length 0."""
    starts, ends = [], []
    for points in strokes:
        if len(points) == 1:
            starts.append(points)
            ends.append(points)
        else:
            starts.append(points[:-1])
            ends.append(points[1:])
    if not starts:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return np.concatenate(starts), np.concatenate(ends)


def ink_coverage(strokes, *, canvas_size=CANVAS_SIZE, size=28, pen_width=PEN_WIDTH,
                 supersample=SUPERSAMPLE):
    """Fraction of each image pixel the pen covered, shape ``(size, size)``.

    The pen is a disc of diameter ``pen_width`` dragged along each stroke: a point
    of the canvas is inked when its distance to the nearest segment is at most
    ``pen_width / 2``. Each image pixel is ``canvas_size / size`` canvas pixels
    wide; it is sampled at ``supersample x supersample`` points spread evenly inside
    it, and its value is the fraction of them inked.

    Parameters
    ----------
    strokes : list of array_like, each of shape (k, 2)
        (x, y) points in canvas pixels, x to the right, y down (as the mouse reports
        them); a stroke of one point is a dot.
    canvas_size : int
    size : int
        Side of the image.
    pen_width : float
    supersample : int

    Returns
    -------
    ndarray of float64, shape (size, size), values in [0, 1]

    Examples
    --------
    >>> cover = ink_coverage([[(140, 20), (140, 260)]])     # a vertical line, 2 pixels wide
    >>> cover.shape, float(cover.max()), int((cover > 0.5).sum(axis=1)[14])
    ((28, 28), 1.0, 2)
    """
    strokes = check_strokes(strokes)
    canvas_size = positive_int(canvas_size, "canvas_size")
    size = positive_int(size, "size")
    supersample = positive_int(supersample, "supersample")
    if isinstance(pen_width, bool) or not isinstance(pen_width, (int, float)) or not pen_width > 0:
        raise ValueError(f"pen_width must be a positive number of canvas pixels; got {_show(pen_width)}")
    a, b = _segments(strokes)
    n = size * supersample
    if len(a) == 0:
        return np.zeros((size, size))
    centres = (np.arange(n) + 0.5) * (canvas_size / n)
    ys, xs = np.meshgrid(centres, centres, indexing="ij")
    p = np.stack([xs.ravel(), ys.ravel()], axis=1)                  # (n*n, 2)
    radius2 = (pen_width / 2) ** 2
    inked = np.zeros(len(p), dtype=bool)
    for lo in range(0, len(a), 256):                                # memory stays ~n*n*256
        sa, sb = a[lo : lo + 256], b[lo : lo + 256]
        d = sb - sa                                                 # (s, 2)
        length2 = np.einsum("sk,sk->s", d, d)
        rel = p[:, None, :] - sa[None, :, :]                        # (m, s, 2)
        t = np.einsum("msk,sk->ms", rel, d) / np.where(length2 > 0, length2, 1.0)
        t = np.clip(t, 0.0, 1.0)
        nearest = rel - t[:, :, None] * d[None, :, :]
        inked |= (np.einsum("msk,msk->ms", nearest, nearest) <= radius2).any(axis=1)
    return inked.reshape(size, supersample, size, supersample).mean(axis=(1, 3))


def strokes_to_image(strokes, *, canvas_size=CANVAS_SIZE, size=28, pen_width=PEN_WIDTH):
    """The drawing as a network input: float32 ``(1, size, size)`` in [0, 1].

    It is :func:`ink_coverage` as one channel, the polarity of
    :func:`cnnviz.datasets.make_shapes` (ink bright, paper 0). No drawing gives
    zeros.

    Examples
    --------
    >>> image = strokes_to_image([[(40, 40), (240, 40), (240, 240), (40, 240), (40, 40)]])
    >>> image.shape, image.dtype, float(image[0, 14, 14]), float(image[0, 4, 14])
    ((1, 28, 28), dtype('float32'), 0.0, 1.0)
    """
    cover = ink_coverage(strokes, canvas_size=canvas_size, size=size, pen_width=pen_width)
    return cover.astype(np.float32)[None]


def shape_strokes(name, *, centre=(140, 140), radius=90, points=48):
    """Strokes that draw a circle, square, triangle or cross, as a learner might.

    Used to show the pad with a drawing on it before anyone draws, and by tests.

    Examples
    --------
    >>> [len(s) for s in shape_strokes("cross")]
    [2, 2]
    """
    cx, cy = centre
    if name == "circle":
        angle = np.linspace(0, 2 * np.pi, points + 1)
        return [np.stack([cx + radius * np.cos(angle), cy + radius * np.sin(angle)], axis=1)]
    if name == "square":
        r = radius / np.sqrt(2) * 1.1
        corners = [(-r, -r), (r, -r), (r, r), (-r, r), (-r, -r)]
        return [np.array([(cx + x, cy + y) for x, y in corners])]
    if name == "triangle":
        angle = np.deg2rad([-90, 30, 150, -90])
        return [np.stack([cx + radius * np.cos(angle), cy + radius * np.sin(angle)], axis=1)]
    if name == "cross":
        r = radius
        return [np.array([(cx - r, cy), (cx + r, cy)]), np.array([(cx, cy - r), (cx, cy + r)])]
    raise ValueError(f"name must be one of 'circle', 'square', 'triangle', 'cross'; got {_show(name)}")


__all__ = ["CANVAS_SIZE", "PEN_WIDTH", "check_strokes", "ink_coverage", "shape_strokes",
           "strokes_to_image"]
