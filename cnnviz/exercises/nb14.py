"""Exercises of notebook 14: transposed convolution, the matrix, dilated causal stacks."""

from __future__ import annotations

import numpy as np

from ..checks import check_array, check_number
from ..lessons.beyond import causal_stack_state
from ..matrices import conv2d_matrix
from ..shapes import conv_transpose_output_size

#: Exercise 1: a transposed convolution of a 7-pixel side, kernel 4, stride 3, padding 1,
#: output_padding 2.
TRANSPOSED_CASE = {"size": 7, "kernel_size": 4, "stride": 3, "padding": 1, "output_padding": 2}
#: Exercise 2: the kernel whose matrix the learner builds for a 3x3 input.
MATRIX_KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]])
MATRIX_INPUT_SHAPE = (1, 3, 3)
#: Exercise 3: a causal stack with kernel 3 and these dilations.
STACK_KERNEL = 3
STACK_DILATIONS = (1, 2, 4)


def _transposed_size():
    case = dict(TRANSPOSED_CASE)
    return conv_transpose_output_size(case.pop("size"), case.pop("kernel_size"), **case)


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "transposed_size": _transposed_size,
    "matrix_by_hand": lambda: conv2d_matrix(MATRIX_INPUT_SHAPE, MATRIX_KERNEL[None, None]),
    "stack_field": lambda: causal_stack_state(STACK_DILATIONS, STACK_KERNEL).field,
}
#: Exercises where the learner writes a function (none in this notebook).
CODE_EXERCISES = ()


def transposed_size(answer):
    """The output side of the transposed convolution of :data:`TRANSPOSED_CASE`.

    >>> transposed_size(ANSWERS["transposed_size"]())
    Correct: the output side of conv_transpose2d with size 7, kernel 4, stride 3, padding 1, output_padding 2 is 22.
    >>> transposed_size(21)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output side of conv_transpose2d with size 7, kernel 4, stride 3, padding 1, output_padding 2
      expected: 22
      got:      21
    """
    c = TRANSPOSED_CASE
    check_number(answer, ANSWERS["transposed_size"](),
                 what=f"the output side of conv_transpose2d with size {c['size']}, kernel "
                      f"{c['kernel_size']}, stride {c['stride']}, padding {c['padding']}, "
                      f"output_padding {c['output_padding']}")


def matrix_by_hand(answer):
    """The matrix of a 2x2 correlation with :data:`MATRIX_KERNEL` on a 3x3 input.

    >>> matrix_by_hand(ANSWERS["matrix_by_hand"]())
    Correct: the matrix of the 2x2 kernel on a 3x3 input matches, shape (4, 9).
    >>> matrix_by_hand(np.zeros((9, 4)))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the matrix of the 2x2 kernel on a 3x3 input has the wrong shape
      input:    kernel [[1.0, 2.0], [3.0, 4.0]]
      expected: shape (4, 9)
      got:      shape (9, 4)
    """
    check_array(answer, ANSWERS["matrix_by_hand"](),
                what="the matrix of the 2x2 kernel on a 3x3 input",
                inputs=f"kernel {MATRIX_KERNEL.tolist()}")


def stack_field(answer):
    """The receptive field of causal layers with kernel :data:`STACK_KERNEL` and
    :data:`STACK_DILATIONS`.

    >>> stack_field(ANSWERS["stack_field"]())
    Correct: the receptive field of the causal stack (k = 3, dilations 1, 2, 4) is 15.
    """
    check_number(answer, ANSWERS["stack_field"](),
                 what=f"the receptive field of the causal stack (k = {STACK_KERNEL}, dilations "
                      f"{', '.join(map(str, STACK_DILATIONS))})")
