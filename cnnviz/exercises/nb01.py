"""Exercises of notebook 01: pixels as matrices."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_array, check_number, function_tried, not_tried
from ..params import dense_params

#: The cases the exercises ask about; the notebook states them in words.
IMAGE_SHAPE = (64, 64, 3)
PIXEL = (120, 300)
DENSE = {"height": 28, "width": 28, "units": 100}


def _grey_cat():
    from ..images import load_sample     # Pillow is only needed when the exercise runs
    return load_sample("chelsea", grey=True)


def _pixel_exact():
    return float(_grey_cat()[PIXEL] * 255)


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "count_inputs": lambda: int(np.prod(IMAGE_SHAPE)),
    "pixel_value": lambda: int(np.round(_pixel_exact())),
    "dense_weights": lambda: dense_params(DENSE["height"] * DENSE["width"], DENSE["units"]),
}
#: Exercises where the learner writes a function.
CODE_EXERCISES = ("channels_first",)


def count_inputs(answer):
    """How many numbers describe a 64x64 colour image, shape ``(64, 64, 3)``?

    >>> count_inputs(64 * 64 * 3)
    Correct: the number of values in a (64, 64, 3) image is 12,288.
    """
    check_number(answer, ANSWERS["count_inputs"](),
                 what=f"the number of values in a {IMAGE_SHAPE} image")


def pixel_value(answer):
    """The brightness on the 0-255 scale of the grey cat at row 120, column 300.

    The exact value, ``grey[120, 300] * 255``, is not a whole number (grey mixes
    0.299 R + 0.587 G + 0.114 B), so the answer may be rounded: anything within 0.5
    of the exact value is accepted.

    >>> pixel_value(142)
    Correct: the value at row 120, column 300 (0-255, rounded) is 142.
    >>> pixel_value(142.099)
    Correct: the value at row 120, column 300 (0-255, rounded) is 142.
    >>> pixel_value(143)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the value at row 120, column 300 (0-255, rounded)
      expected: 142 (exactly 142.099)
      got:      143
    """
    row, col = PIXEL
    what = f"the value at row {row}, column {col} (0-255, rounded)"
    if not_tried(answer, what):
        return
    exact, rounded = _pixel_exact(), ANSWERS["pixel_value"]()
    try:
        ok = abs(float(answer) - exact) <= 0.5
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise CheckError(f"Not quite: {what}\n  expected: {rounded} (exactly {exact:.3f})\n"
                         f"  got:      {answer!r}")
    print(f"Correct: {what} is {rounded}.")


def dense_weights(answer):
    """Parameters (weights and biases) of a dense layer from a flattened 28x28 grey image
    to 100 units.

    >>> dense_weights(78500)
    Correct: the parameters of a dense layer from 28x28 pixels to 100 units is 78,500.
    """
    check_number(answer, ANSWERS["dense_weights"](),
                 what=f"the parameters of a dense layer from {DENSE['height']}x{DENSE['width']} "
                      f"pixels to {DENSE['units']} units")


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
