"""Notebook 01: an image is a matrix of numbers.

The state of the two explorers: a patch of a grey photo as its 0-255 values, and
one colour plane of a ``(3, H, W)`` photo with a small patch of its values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..errors import SettingError

#: largest patch whose values are printed in the cells
MAX_ANNOTATED = 12
#: the planes of a colour photo, in the order of its first axis
CHANNELS = ("red", "green", "blue")
#: side of the patch of values the channel explorer prints
CHANNEL_PATCH = 6


class PatchOffImage(SettingError):
    """A square patch that does not lie inside the image.

    Fields: ``size`` (the patch's side), ``row``, ``col`` (its top-left pixel),
    ``height``, ``width`` (the image's), and ``max_row``, ``max_col``, the largest
    top-left corner that keeps it inside (negative when no position does).
    """

    def __init__(self, *, size, row, col, height, width):
        max_row, max_col = height - size, width - size
        if size > min(height, width):
            message = f"a {size}x{size} patch does not fit a {height}x{width} image"
        else:
            message = (f"a {size}x{size} patch at row {row}, column {col} runs off the "
                       f"{height}x{width} image: keep row <= {max_row} and column <= {max_col}")
        super().__init__(message, size=size, row=row, col=col, height=height, width=width,
                         max_row=max_row, max_col=max_col)

    def __reduce__(self):
        f = self.fields
        return (_rebuild_patch, (f["size"], f["row"], f["col"], f["height"], f["width"]))


def _rebuild_patch(size, row, col, height, width):
    return PatchOffImage(size=size, row=row, col=col, height=height, width=width)


@dataclass
class PatchState:
    image: np.ndarray          # (H, W) in [0, 1]
    row: int
    col: int
    size: int
    patch: np.ndarray          # (size, size) values 0-255

    @property
    def annotated(self):
        """Whether the patch is small enough to print its numbers (at most 12x12)."""
        return self.size <= MAX_ANNOTATED


def pixel_patch(image, *, row, col, size):
    """The ``size x size`` patch whose top-left pixel is ``(row, col)``, as 0-255 values.

    ``patch = round(255 * image[row:row + size, col:col + size])``.

    Parameters
    ----------
    image : ndarray, shape (H, W)
        A grey image in [0, 1].
    row, col : int
        The patch's top-left pixel.
    size : int
        The patch's side.

    Raises
    ------
    PatchOffImage
        (a :class:`~cnnviz.errors.SettingError`) when the patch leaves the image.

    Examples
    --------
    >>> img = np.arange(16).reshape(4, 4) / 255
    >>> pixel_patch(img, row=1, col=2, size=2).patch
    array([[ 6,  7],
           [10, 11]])
    """
    image = as_array(image, "image", ndims=2)
    row = nonnegative_int(row, "row")
    col = nonnegative_int(col, "col")
    size = positive_int(size, "size")
    H, W = image.shape
    if size > min(H, W) or row + size > H or col + size > W:
        raise PatchOffImage(size=size, row=row, col=col, height=H, width=W)
    patch = np.round(image[row:row + size, col:col + size] * 255).astype(int)
    return PatchState(image, row, col, size, patch)


@dataclass
class ChannelState:
    rgb: np.ndarray            # (3, H, W)
    channel: str
    plane: np.ndarray          # (H, W) in [0, 1]
    row: int
    col: int
    patch: np.ndarray          # 6x6 values 0-255 of the plane


def split_channel(rgb, *, channel, row=0, col=0, patch_size=CHANNEL_PATCH):
    """One colour plane of a ``(3, H, W)`` image, and a small patch of its values.

    ``plane = rgb[CHANNELS.index(channel)]``; the patch's top-left pixel is
    ``(row, col)``, moved up or left as far as needed to stay inside the image.

    Examples
    --------
    >>> rgb = np.zeros((3, 8, 8)); rgb[0] = 1.0
    >>> split_channel(rgb, channel="red").patch[0]
    array([255, 255, 255, 255, 255, 255])
    >>> int(split_channel(rgb, channel="blue").patch.max())
    0
    """
    rgb = as_array(rgb, "rgb", ndims=3)
    if rgb.shape[0] != 3:
        raise ValueError(f"rgb must have 3 channels first, shape (3, H, W); got shape {rgb.shape}")
    one_of(channel, "channel", CHANNELS)
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    patch_size = positive_int(patch_size, "patch_size")
    plane = rgb[CHANNELS.index(channel)]
    H, W = plane.shape
    if patch_size > min(H, W):
        raise PatchOffImage(size=patch_size, row=row, col=col, height=H, width=W)
    row, col = min(row, H - patch_size), min(col, W - patch_size)
    patch = np.round(plane[row:row + patch_size, col:col + patch_size] * 255).astype(int)
    return ChannelState(rgb, channel, plane, row, col, patch)


__all__ = ["CHANNELS", "CHANNEL_PATCH", "ChannelState", "MAX_ANNOTATED", "PatchOffImage",
           "PatchState", "pixel_patch", "split_channel"]
