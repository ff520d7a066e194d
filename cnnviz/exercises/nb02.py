"""Exercises of notebook 02: convolution step by step."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_function, check_number, function_tried
from ..convolution import convolve2d, correlate2d
from ..filters import SOBEL_X
from ..shapes import conv_output_size

_REMINDER = "Not tried yet: replace ... with {}, then run this cell again."


def _five_by_five():
    from ..lessons.stepper import FIVE_BY_FIVE      # the notebook's 5x5 input
    return FIVE_BY_FIVE


#: Exercise 1: one output value of correlating the notebook's 5x5 input with Sobel x.
VALUE_KERNEL = SOBEL_X
VALUE_POSITION = (1, 1)
#: Exercise 2: the shapes whose output shape the learner works out.
SHAPE_CASE = {"image_shape": (6, 9), "kernel_shape": (3, 4)}


def _output_value():
    value = float(correlate2d(_five_by_five(), VALUE_KERNEL)[VALUE_POSITION])
    return int(value) if value.is_integer() else value


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "output_value": _output_value,
    "output_shape": lambda: tuple(conv_output_size(n, k) for n, k in
                                  zip(SHAPE_CASE["image_shape"], SHAPE_CASE["kernel_shape"])),
}
#: Exercises where the learner writes a function, checked against cnnviz on several cases.
CODE_EXERCISES = ("cross_correlation", "true_convolution")


def output_value(answer):
    """``correlate2d(FIVE_BY_FIVE, SOBEL_X)[1, 1]``, worked out by hand.

    >>> output_value(30)
    Correct: the value of correlate2d(FIVE_BY_FIVE, SOBEL_X)[1, 1] is 30.
    >>> output_value(-30)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the value of correlate2d(FIVE_BY_FIVE, SOBEL_X)[1, 1]
      expected: 30
      got:      -30
    """
    row, col = VALUE_POSITION
    check_number(answer, _output_value(), tolerance=1e-9,
                 what=f"the value of correlate2d(FIVE_BY_FIVE, SOBEL_X)[{row}, {col}]")


def output_shape(answer):
    """The shape ``(rows, columns)`` of the output of a 3x4 kernel sliding over a 6x9 input.

    >>> output_shape((4, 6))
    Correct: a (3, 4) kernel on a (6, 9) input gives an output of shape (4, 6).
    >>> output_shape((4, 7))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output shape of a (3, 4) kernel on a (6, 9) input
      expected: (4, 6)
      got:      (4, 7)
    """
    image_shape, kernel_shape = SHAPE_CASE["image_shape"], SHAPE_CASE["kernel_shape"]
    what = f"the output shape of a {kernel_shape} kernel on a {image_shape} input"
    if answer is ...:
        print(_REMINDER.format("a pair (rows, columns)"))
        return
    expected = ANSWERS["output_shape"]()
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        got = None
    if got != expected:
        raise CheckError("\n".join([f"Not quite: {what}", f"  expected: {expected}",
                                    f"  got:      {got if got is not None else repr(answer)}"]))
    print(f"Correct: a {kernel_shape} kernel on a {image_shape} input gives an "
          f"output of shape {expected}.")


def _cases():
    """Inputs for the loop exercises: the worked example, then non-square shapes."""
    rng = np.random.default_rng(2)
    cases = [
        (np.arange(9).reshape(3, 3), np.array([[0, 1], [2, 3]])),
        (rng.integers(0, 10, size=(5, 5)), np.array([[1, 0, -1]] * 3)),
        (rng.integers(0, 10, size=(4, 6)), rng.integers(-2, 3, size=(2, 3))),
        (rng.integers(0, 10, size=(6, 4)), rng.integers(-2, 3, size=(3, 1))),
        (rng.normal(size=(3, 7)), rng.normal(size=(3, 2))),
        (rng.integers(0, 10, size=(2, 3)), rng.integers(-2, 3, size=(2, 3))),
    ]
    return cases


def _tried(func):
    """False (after a reminder) while ``func`` is ``...`` or a body that returns None."""
    return function_tried(func, *_cases()[0])


def cross_correlation(func):
    """``func(image, kernel)`` slides the kernel over the image like ``cnnviz.correlate2d``.

    Tried on the worked example and on non-square inputs and kernels.

    >>> cross_correlation(correlate2d)
    Correct: your cross-correlation agrees with cnnviz on 6 cases.
    """
    if _tried(func):
        check_function(func, correlate2d, _cases(), what="your cross-correlation")


def true_convolution(func):
    """``func(image, kernel)`` computes true convolution, like ``cnnviz.convolve2d``.

    >>> true_convolution(lambda x, k: correlate2d(x, np.rot90(k, 2)))
    Correct: your convolution agrees with cnnviz on 6 cases.
    """
    if _tried(func):
        check_function(func, convolve2d, _cases(), what="your convolution")
