"""Exercises of notebook 05: convolution over volume."""

from __future__ import annotations

import numbers

import numpy as np

from ..checks import CheckError, check_array, check_function, check_number, function_tried
from ..convolution import conv2d
from ..params import conv2d_params
from ..shapes import conv_output_size

#: the cases of exercises 1 and 2, stated in words in the notebook
OUTPUT_SHAPE_CASE = dict(in_shape=(3, 64, 64), filters=10, kernel_size=5)
LAYER_PARAMS_CASE = dict(in_channels=32, out_channels=64, kernel_size=3)


def _expected_shape(in_shape, filters, kernel_size):
    _, height, width = in_shape
    return (filters, conv_output_size(height, kernel_size), conv_output_size(width, kernel_size))


#: Exercises whose answer is a value: check-function name -> the expected value.
ANSWERS = {
    "output_shape": lambda: _expected_shape(**OUTPUT_SHAPE_CASE),
    "layer_params": lambda: conv2d_params(**LAYER_PARAMS_CASE),
    "swap_red_blue": lambda: np.eye(3)[::-1].reshape(3, 3, 1, 1),
}
#: Exercises where the learner writes a function, checked against cnnviz on cases.
CODE_EXERCISES = ("one_filter_conv",)


def output_shape(answer, in_shape=OUTPUT_SHAPE_CASE["in_shape"], filters=OUTPUT_SHAPE_CASE["filters"],
                 kernel_size=OUTPUT_SHAPE_CASE["kernel_size"]):
    """The ``(C_out, H', W')`` shape of a convolution layer's output (stride 1, no padding).

    >>> output_shape((10, 60, 60))
    Correct: the output shape of 10 filters of 5x5 on a (3, 64, 64) input is (10, 60, 60).
    >>> output_shape((3, 60, 60))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output shape of 10 filters of 5x5 on a (3, 64, 64) input
      input:    (3, 64, 64), 10 filters of shape (3, 5, 5)
      expected: (10, 60, 60)
      got:      (3, 60, 60) (the output has one channel per filter, not per input channel)
    """
    what = (f"the output shape of {filters} filters of {kernel_size}x{kernel_size} on a "
            f"{tuple(in_shape)} input")
    if answer is ...:
        print("Not tried yet: replace ... with a tuple (channels, height, width), then run "
              "this cell again.")
        return
    channels, height, width = in_shape
    expected = _expected_shape(in_shape, filters, kernel_size)
    setting = f"{tuple(in_shape)}, {filters} filters of shape ({channels}, {kernel_size}, {kernel_size})"
    ok_type = isinstance(answer, (tuple, list, np.ndarray)) and len(answer) == 3 and all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer)
    if not ok_type:
        raise CheckError(f"Not quite: {what}\n  input:    {setting}\n"
                         f"  expected: a tuple of three whole numbers, {expected}\n"
                         f"  got:      {answer!r}")
    got = tuple(int(n) for n in answer)
    if got != expected:
        hint = ""
        if got[0] != expected[0]:
            hint = " (the output has one channel per filter, not per input channel)"
        elif got[1:] != expected[1:]:
            hint = f" (each side is n - k + 1 = {height} - {kernel_size} + 1)"
        raise CheckError(f"Not quite: {what}\n  input:    {setting}\n"
                         f"  expected: {expected}\n  got:      {got}{hint}")
    print(f"Correct: {what} is {expected}.")


def layer_params(answer, in_channels=LAYER_PARAMS_CASE["in_channels"],
                 out_channels=LAYER_PARAMS_CASE["out_channels"], kernel_size=LAYER_PARAMS_CASE["kernel_size"]):
    """Learnable parameters (weights and biases) of a convolution layer.

    >>> layer_params(18496)
    Correct: the parameters of 64 filters of 3x3 on 32 channels is 18,496.
    """
    check_number(answer, conv2d_params(in_channels, out_channels, kernel_size),
                 what=f"the parameters of {out_channels} filters of {kernel_size}x{kernel_size} "
                      f"on {in_channels} channels")


def _one_filter_reference(x, w, b):
    return conv2d(x, w[None], np.array([b]))[0]


def one_filter_conv(func):
    """A learner's ``func(x, w, b)``: one filter ``w`` of shape ``(C, kh, kw)`` and a bias
    ``b`` on an input ``x`` of shape ``(C, H, W)``, giving one map, as :func:`cnnviz.conv2d`.

    >>> from cnnviz import correlate2d
    >>> one_filter_conv(lambda x, w, b: sum(correlate2d(x[c], w[c]) for c in range(len(x))) + b)
    Correct: your one-filter convolution agrees with cnnviz on 3 cases.
    >>> one_filter_conv(lambda x, w, b: None)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    """
    rng = np.random.default_rng(5)
    cases = [
        (rng.integers(-3, 4, (3, 6, 6)).astype(float), rng.integers(-2, 3, (3, 3, 3)).astype(float), 1.0),
        (rng.integers(0, 5, (1, 4, 5)).astype(float), rng.integers(-1, 2, (1, 2, 2)).astype(float), 0.0),
        (rng.random((4, 7, 5)), rng.random((4, 3, 2)), -0.5),
    ]
    if not function_tried(func, *cases[0]):
        return
    check_function(func, _one_filter_reference, cases, what="your one-filter convolution")


def swap_red_blue(answer):
    """A ``(3, 3, 1, 1)`` weight: the 1x1 convolution that swaps the red and blue channels.

    >>> swap_red_blue(np.eye(3)[::-1].reshape(3, 3, 1, 1))
    Correct: the 1x1 weight that swaps red and blue matches, shape (3, 3, 1, 1).
    """
    expected = np.eye(3)[::-1].reshape(3, 3, 1, 1)
    check_array(answer, expected, what="the 1x1 weight that swaps red and blue",
                inputs="weight[out, in, 0, 0] = how much of input channel `in` goes to output `out`")
