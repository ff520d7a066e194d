"""Exercises of notebook 03: filters, what a kernel can do."""

from __future__ import annotations

import numpy as np

from ..checks import check_array, check_number, function_tried
from ..convolution import correlate2d
from ..filters import VERTICAL_EDGE, median_filter, shift, sobel_magnitude
from ..images import shapes, step_edge


def _step_response(low=0.1, high=0.9):
    response = correlate2d(step_edge((6, 8), low=low, high=high), VERTICAL_EDGE)
    return round(float(response.min()), 6)


def _whole(value):
    """A grey level that is a whole number, as an int (0 rather than 0.0)."""
    return int(value) if value.is_integer() else value


def _line():
    line = np.zeros((7, 7))
    line[:, 3] = 1.0
    return line


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "shift_down": lambda: shift(1, 0).astype(int).tolist(),
    "step_response": _step_response,
    "median_of_line": lambda: _whole(float(median_filter(_line(), 3)[3, 3])),
}
#: Exercises where the learner writes a function, checked against cnnviz on several images.
CODE_EXERCISES = ("sobel_by_hand",)


def shift_down(answer):
    """A 3x3 kernel that moves an image one pixel down under ``correlate2d``.

    >>> shift_down([[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    Correct: the kernel that moves the image one pixel down matches, shape (3, 3).
    """
    check_array(answer, shift(1, 0), what="the kernel that moves the image one pixel down")


def step_response(answer, *, low=0.1, high=0.9):
    """The most negative value of VERTICAL_EDGE on a step from ``low`` to ``high`` (no padding).

    >>> step_response(-2.4)
    Correct: the strongest response to the step is -2.4.
    """
    check_number(answer, _step_response(low, high), tolerance=1e-5,
                 what="the strongest response to the step")


def median_of_line(answer):
    """What a 3x3 median filter leaves at the centre of a one-pixel-wide white line.

    >>> median_of_line(0)
    Correct: the median filter's value on the line is 0.
    """
    check_number(answer, ANSWERS["median_of_line"](), what="the median filter's value on the line")


def sobel_by_hand(func):
    """``func(image)`` returns the Sobel magnitude with replicate padding, like cnnviz.

    >>> import cnnviz
    >>> from cnnviz.filters import SOBEL_X, SOBEL_Y
    >>> def edge_strength(image):
    ...     gx = cnnviz.correlate2d(image, SOBEL_X, padding="same", pad_mode="replicate")
    ...     gy = cnnviz.correlate2d(image, SOBEL_Y, padding="same", pad_mode="replicate")
    ...     return np.sqrt(gx**2 + gy**2)
    >>> sobel_by_hand(edge_strength)
    Correct: your edge strength agrees with cnnviz on 3 images.
    >>> sobel_by_hand(lambda image: image)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: your edge strength: 64 value(s) differ, the first at index (0, 0)
      input:    step_edge(8)
      expected: 0 at (0, 0)
      got:      0.2 at (0, 0)
    """
    # float64 inputs: cnnviz computes a float32 image in float32, with rounding of ~1e-7.
    cases = {"step_edge(8)": step_edge(8).astype(float),
             "shapes(16)": shapes(16).astype(float),
             "a random 6x7 image": np.random.default_rng(3).random((6, 7))}
    if not function_tried(func, next(iter(cases.values())).copy()):
        return
    for label, image in cases.items():
        got = func(image.copy())
        expected = sobel_magnitude(image)
        if np.shape(got) != expected.shape or not np.allclose(got, expected):
            check_array(got, expected, what="your edge strength", inputs=label)
    print(f"Correct: your edge strength agrees with cnnviz on {len(cases)} images.")
