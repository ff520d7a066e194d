"""Exercises of notebook 01: pixels as matrices."""

from __future__ import annotations

import numpy as np

from ..checks import check_array, check_number, function_tried
from ..params import dense_params


def count_inputs(answer, shape=(64, 64, 3)):
    """How many numbers describe an image of ``shape``?

    >>> count_inputs(64 * 64 * 3)
    Correct: the number of values in a (64, 64, 3) image is 12,288.
    """
    check_number(answer, int(np.prod(shape)), what=f"the number of values in a {tuple(shape)} image")


def pixel_value(answer, image, row, col):
    """The brightness (0-255) of ``image[row, col]`` for a grey image in [0, 1].

    >>> pixel_value(128, np.full((4, 4), 0.5), 1, 2)
    Correct: the value at row 1, column 2 is 128.
    """
    expected = int(np.round(np.asarray(image)[row, col] * 255))
    check_number(answer, expected, what=f"the value at row {row}, column {col}")


def dense_weights(answer, height=28, width=28, units=100):
    """Parameters (weights and biases) of a dense layer from a flattened grey image.

    >>> dense_weights(78500)
    Correct: the parameters of a dense layer from 28x28 pixels to 100 units is 78,500.
    """
    expected = dense_params(height * width, units)
    check_number(answer, expected,
                 what=f"the parameters of a dense layer from {height}x{width} pixels to {units} units")


def channels_first(func):
    """``func`` turns an ``(H, W, 3)`` array into ``(3, H, W)``.

    >>> channels_first(lambda a: np.moveaxis(a, -1, 0))
    Correct: your (H, W, 3) -> (3, H, W) conversion matches, shape (3, 2, 5).
    """
    hwc = np.arange(2 * 5 * 3).reshape(2, 5, 3)
    if not function_tried(func, hwc):
        return
    result = func(hwc)
    check_array(result, np.moveaxis(hwc, -1, 0), what="your (H, W, 3) -> (3, H, W) conversion",
                inputs="np.arange(30).reshape(2, 5, 3)")
