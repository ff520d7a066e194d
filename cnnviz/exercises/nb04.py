"""Exercises of notebook 04: padding, stride, dilation and output size."""

from __future__ import annotations

import numbers

from ..checks import CheckError, check_function, check_number, function_tried
from ..shapes import conv_output_size, same_padding


def output_size(answer, size=64, kernel_size=5, stride=2, padding=1):
    """The output size of a square convolution.

    >>> output_size(31)
    Correct: the output size for n=64, k=5, s=2, p=1 is 31.
    """
    expected = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    check_number(answer, expected,
                 what=f"the output size for n={size}, k={kernel_size}, s={stride}, p={padding}")


def keep_size_padding(answer, kernel_size=7):
    """The padding that keeps the size at stride 1 ("same" padding).

    >>> keep_size_padding(3)
    Correct: the padding that keeps the size with a 7x7 kernel is 3.
    """
    check_number(answer, same_padding(kernel_size),
                 what=f"the padding that keeps the size with a {kernel_size}x{kernel_size} kernel")


def _unread_rows(size, kernel_size, stride, padding=0):
    """Input rows (0-based) that no window reads, along one side."""
    out = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    read = {i * stride + u - padding for i in range(out) for u in range(kernel_size)}
    return [r for r in range(size) if r not in read]


def unread_stride(answer, size=12, kernel_size=3):
    """A stride greater than 1 that leaves some input pixels unread (no padding).

    >>> unread_stride(2)
    Correct: with stride 2 no window reads input row/column 11.
    >>> unread_stride(3)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: with stride 3 every input pixel is read
      input:    12x12 input, 3x3 kernel, no padding
      expected: a stride whose windows skip some row or column
      got:      3 (12 - 3 = 9 is a multiple of 3, and each step of 3 is not longer than the kernel)
    """
    if answer is ...:
        print("Not tried yet: replace ... with a stride, then run this cell again.")
        return
    setting = f"{size}x{size} input, {kernel_size}x{kernel_size} kernel, no padding"
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral) or answer < 2:
        raise CheckError(
            f"Not quite: the stride should be a whole number greater than 1\n"
            f"  input:    {setting}\n  expected: a stride of 2 or more\n  got:      {answer!r}")
    unread = _unread_rows(size, kernel_size, int(answer))
    if not unread:
        room = size - kernel_size
        raise CheckError(
            f"Not quite: with stride {answer} every input pixel is read\n"
            f"  input:    {setting}\n"
            f"  expected: a stride whose windows skip some row or column\n"
            f"  got:      {answer} ({size} - {kernel_size} = {room} is a multiple of {answer}, and "
            f"each step of {answer} is not longer than the kernel)")
    rows = ", ".join(map(str, unread))
    print(f"Correct: with stride {answer} no window reads input row/column{'s' * (len(unread) > 1)} "
          f"{rows}.")


def output_size_function(func):
    """A learner's ``func(n, k, s, p)`` agrees with :func:`cnnviz.conv_output_size`.

    >>> output_size_function(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
    Correct: your output_size agrees with cnnviz on 6 cases.
    >>> output_size_function(lambda n, k, s, p: None)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    """
    cases = [(7, 3, 1, 0), (7, 3, 2, 0), (6, 3, 1, 1), (8, 3, 2, 0), (227, 11, 4, 0),
             (224, 7, 2, 3)]
    if not function_tried(func, *cases[0]):
        return
    check_function(func, lambda n, k, s, p: conv_output_size(n, k, stride=s, padding=p), cases,
                   what="your output_size")
