"""Exercises of notebook 06: pooling."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_array, check_number
from ..layers import MaxPool2d
from ..pooling import avg_pool2d, max_pool2d
from ..shapes import pool_output_size

#: the matrix of exercises 2 and 4, printed in the notebook
MATRIX = np.array([[1, 9, 2, 4],
                   [3, 5, 8, 0],
                   [7, 2, 6, 1],
                   [4, 0, 3, 5]])
#: the cases, stated in words in the notebook
POOLED_SIZE_CASE = dict(size=28, kernel_size=3, stride=2)
BY_HAND_CASE = dict(kernel_size=2, stride=1)
POOL_PARAMS_CASE = dict(kernel_size=3, stride=2, channels=64)
#: exercise 3: the max pooling after ResNet's first convolution
PADDED_CASE = dict(in_shape=(64, 112, 112), kernel_size=3, stride=2, padding=1)


def _padded_shape(in_shape=PADDED_CASE["in_shape"], kernel_size=PADDED_CASE["kernel_size"],
                  stride=PADDED_CASE["stride"], padding=PADDED_CASE["padding"]):
    c, h, w = in_shape
    return (c, *(pool_output_size(n, kernel_size, stride=stride, padding=padding) for n in (h, w)))

WINNERS_CASE = dict(kernel_size=2, stride=2)

#: Exercises whose answer is a value: check-function name -> the expected value.
ANSWERS = {
    "pooled_size": lambda: pool_output_size(POOLED_SIZE_CASE["size"], POOLED_SIZE_CASE["kernel_size"],
                                            stride=POOLED_SIZE_CASE["stride"]),
    "max_pool_by_hand": lambda: max_pool2d(MATRIX[None].astype(float), BY_HAND_CASE["kernel_size"],
                                           stride=BY_HAND_CASE["stride"])[0].astype(int).tolist(),
    "padded_pool_shape": lambda: _padded_shape(),
    "winner_indices": lambda: max_pool2d(MATRIX[None].astype(float), WINNERS_CASE["kernel_size"],
                                         stride=WINNERS_CASE["stride"],
                                         return_indices=True)[1][0].tolist(),
}
#: Exercises where the learner writes code: none in this notebook.
CODE_EXERCISES = ()


def pooled_size(answer, size=POOLED_SIZE_CASE["size"], kernel_size=POOLED_SIZE_CASE["kernel_size"],
                stride=POOLED_SIZE_CASE["stride"]):
    """The output size (one side) of square max pooling, rounding down.

    >>> pooled_size(13)
    Correct: the pooled size for n=28, k=3, s=2 is 13.
    >>> pooled_size(14)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the pooled size for n=28, k=3, s=2
      expected: 13
      got:      14
    """
    check_number(answer, pool_output_size(size, kernel_size, stride=stride),
                 what=f"the pooled size for n={size}, k={kernel_size}, s={stride}")


def _matrix(x):
    return np.asarray(x, dtype=float)


def max_pool_by_hand(answer, x=MATRIX, kernel_size=BY_HAND_CASE["kernel_size"],
                     stride=BY_HAND_CASE["stride"]):
    """A learner's max pooling of the 2-D matrix ``x`` (:data:`MATRIX`), worked out by hand.

    >>> x = [[1, 9, 2, 4], [3, 5, 8, 0], [7, 2, 6, 1], [4, 0, 3, 5]]
    >>> max_pool_by_hand([[9, 9, 8], [7, 8, 8], [7, 6, 6]], x)
    Correct: your max-pooled matrix (2x2 window, stride 1) matches, shape (3, 3).
    >>> max_pool_by_hand([[4.5, 6, 3.5], [4.25, 5.25, 3.75], [3.25, 2.75, 3.75]], x)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: these are the means of the windows: that is average pooling; max pooling keeps the largest value of each window
      expected: [[9.0, 9.0, 8.0], [7.0, 8.0, 8.0], [7.0, 6.0, 6.0]]
      got:      [[4.5, 6.0, 3.5], [4.25, 5.25, 3.75], [3.25, 2.75, 3.75]]
    """
    x = _matrix(x)
    what = f"your max-pooled matrix ({kernel_size}x{kernel_size} window, stride {stride})"
    expected = max_pool2d(x[None], kernel_size, stride=stride)[0]
    if answer is not ...:
        means = avg_pool2d(x[None], kernel_size, stride=stride)[0]
        try:
            got = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            got = None
        if got is not None and got.shape == means.shape and np.allclose(got, means) \
                and not np.allclose(got, expected):
            raise CheckError(
                "Not quite: these are the means of the windows: that is average pooling; max "
                "pooling keeps the largest value of each window\n"
                f"  expected: {expected.tolist()}\n  got:      {got.tolist()}")
    check_array(answer, expected, what=what, inputs=f"{x.astype(int).tolist()}")


def pool_params(answer, kernel_size=POOL_PARAMS_CASE["kernel_size"], stride=POOL_PARAMS_CASE["stride"],
                channels=POOL_PARAMS_CASE["channels"]):
    """The number of parameters a max-pooling layer learns.

    >>> pool_params(0)
    Correct: the number of parameters of MaxPool2d(3, stride=2) on 64 channels is 0.
    """
    layer = MaxPool2d(kernel_size, stride=stride)
    check_number(answer, layer.num_params,
                 what=f"the number of parameters of MaxPool2d({kernel_size}, stride={stride}) on "
                      f"{channels} channels")


def winner_indices(answer, x=MATRIX, kernel_size=WINNERS_CASE["kernel_size"],
                   stride=WINNERS_CASE["stride"]):
    """The flat indices ``row * W + col`` of the winners, as ``return_indices`` gives them.

    >>> x = [[1, 9, 2, 4], [3, 5, 8, 0], [7, 2, 6, 1], [4, 0, 3, 5]]
    >>> winner_indices([[1, 6], [8, 10]], x)
    Correct: the array of winner indices (2x2 window, stride 2) matches, shape (2, 2).
    >>> winner_indices(..., x)
    Not tried yet: replace ... with the array of winner indices (2x2 window, stride 2), then run this cell again.
    """
    x = _matrix(x)
    _, indices = max_pool2d(x[None], kernel_size, stride=stride, return_indices=True)
    check_array(answer, indices[0],
                what=f"the array of winner indices ({kernel_size}x{kernel_size} window, "
                     f"stride {stride})",
                inputs=f"{x.astype(int).tolist()}")


def padded_pool_shape(answer):
    """The output shape of ResNet's first max pooling: 3x3 window, stride 2, padding 1.

    >>> padded_pool_shape((64, 56, 56))
    Correct: the output shape of MaxPool2d(3, stride=2, padding=1) on (64, 112, 112) is (64, 56, 56).
    >>> padded_pool_shape((64, 55, 55))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output shape of MaxPool2d(3, stride=2, padding=1) on (64, 112, 112): the padding adds 1 pixel on each side: floor((112 + 2 - 3) / 2) + 1
      expected: (64, 56, 56)
      got:      (64, 55, 55)
    """
    case = PADDED_CASE
    what = (f"the output shape of MaxPool2d({case['kernel_size']}, stride={case['stride']}, "
            f"padding={case['padding']}) on {case['in_shape']}")
    if answer is ...:
        print("Not tried yet: replace ... with a tuple (channels, height, width), then run this cell again.")
        return
    expected = _padded_shape()
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        raise CheckError(f"Not quite: {what}\n  expected: a tuple such as (1, 2, 3)\n  got:      {answer!r}") from None
    if got != expected:
        c, h, _ = case["in_shape"]
        k, st, p = case["kernel_size"], case["stride"], case["padding"]
        if got[0] != c:
            hint = "pooling keeps the number of channels"
        else:
            hint = f"the padding adds {p} pixel on each side: floor(({h} + {2 * p} - {k}) / {st}) + 1"
        raise CheckError(f"Not quite: {what}: {hint}\n  expected: {expected}\n  got:      {got}")
    print(f"Correct: {what} is {expected}.")
