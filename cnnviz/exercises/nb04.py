"""Exercises of notebook 04: padding, stride, dilation and output size."""

from __future__ import annotations

import numbers

from ..checks import CheckError, check_function, check_number, function_tried
from ..shapes import conv_output_size, same_padding


#: The cases the value exercises ask about; the notebook states them in words.
OUTPUT_SIZE_CASE = {"size": 64, "kernel_size": 5, "stride": 2, "padding": 1}
KEEP_SIZE_CASE = {"size": 32, "kernel_size": 7, "dilation": 5}
UNREAD_CASE = {"size": 12, "kernel_size": 3}


def _expected_output_size():
    c = OUTPUT_SIZE_CASE
    return conv_output_size(c["size"], c["kernel_size"], stride=c["stride"], padding=c["padding"])


def _smallest_unread_stride():
    size, k = UNREAD_CASE["size"], UNREAD_CASE["kernel_size"]
    return next(s for s in range(2, size + 1) if _unread_rows(size, k, s))


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
#: (``unread_stride`` accepts every stride that leaves a pixel unread; this is the smallest.)
ANSWERS = {
    "output_size": _expected_output_size,
    "keep_size_padding": lambda: same_padding(KEEP_SIZE_CASE["kernel_size"],
                                              dilation=KEEP_SIZE_CASE["dilation"]),
    "unread_stride": lambda: _smallest_unread_stride(),
}
#: Exercises where the learner writes a function.
CODE_EXERCISES = ("output_size_function",)


def output_size(answer):
    """The output size of a 5x5 kernel with stride 2 and padding 1 on a 64x64 input.

    >>> output_size(31)
    Correct: the output size for n=64, k=5, s=2, p=1 is 31.
    """
    c = OUTPUT_SIZE_CASE
    check_number(answer, _expected_output_size(),
                 what=f"the output size for n={c['size']}, k={c['kernel_size']}, s={c['stride']}, "
                      f"p={c['padding']}")


def keep_size_padding(answer):
    """The padding that keeps a 32x32 input at 32x32 through a 7x7 kernel with dilation 5
    at stride 1 ("same" padding, ``d(k - 1) / 2``).

    >>> keep_size_padding(15)
    Correct: the padding that keeps 32x32 at 32x32 through a 7x7 kernel with dilation 5 is 15.
    >>> keep_size_padding(3)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the padding that keeps 32x32 at 32x32 through a 7x7 kernel with dilation 5
      expected: 15
      got:      3
    """
    c = KEEP_SIZE_CASE
    n, k, d = c["size"], c["kernel_size"], c["dilation"]
    check_number(answer, ANSWERS["keep_size_padding"](),
                 what=f"the padding that keeps {n}x{n} at {n}x{n} through a {k}x{k} kernel "
                      f"with dilation {d}")


def _unread_rows(size, kernel_size, stride, padding=0):
    """Input rows (0-based) that no window reads, along one side."""
    out = conv_output_size(size, kernel_size, stride=stride, padding=padding)
    read = {i * stride + u - padding for i in range(out) for u in range(kernel_size)}
    return [r for r in range(size) if r not in read]


def unread_stride(answer):
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
    size, kernel_size = UNREAD_CASE["size"], UNREAD_CASE["kernel_size"]
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
