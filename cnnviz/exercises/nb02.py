"""Exercises of notebook 02: convolution step by step."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_function, check_number, function_tried
from ..convolution import convolve2d, correlate2d
from ..shapes import conv_output_size

_REMINDER = "Not tried yet: replace ... with {}, then run this cell again."


def output_value(answer, image, kernel, row, col):
    """One output value of ``correlate2d(image, kernel)``, worked out by hand.

    >>> output_value(25, np.arange(9).reshape(3, 3), [[0, 1], [2, 3]], 0, 1)
    Correct: the value of output[0, 1] is 25.
    """
    expected = float(correlate2d(image, kernel)[row, col])
    if expected.is_integer():
        expected = int(expected)
    check_number(answer, expected, what=f"the value of output[{row}, {col}]",
                 tolerance=1e-9)


def output_shape(answer, image_shape, kernel_shape):
    """The shape ``(rows, columns)`` of the output of sliding a kernel over an image.

    >>> output_shape((4, 6), (6, 9), (3, 4))
    Correct: a (3, 4) kernel on a (6, 9) input gives an output of shape (4, 6).
    >>> output_shape((4, 7), (6, 9), (3, 4))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output shape of a (3, 4) kernel on a (6, 9) input
      expected: (4, 6)
      got:      (4, 7)
    """
    what = f"the output shape of a {tuple(kernel_shape)} kernel on a {tuple(image_shape)} input"
    if answer is ...:
        print(_REMINDER.format("a pair (rows, columns)"))
        return
    expected = tuple(conv_output_size(n, k) for n, k in zip(image_shape, kernel_shape))
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        got = None
    if got != expected:
        raise CheckError("\n".join([f"Not quite: {what}", f"  expected: {expected}",
                                    f"  got:      {got if got is not None else repr(answer)}"]))
    print(f"Correct: a {tuple(kernel_shape)} kernel on a {tuple(image_shape)} input gives an "
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
