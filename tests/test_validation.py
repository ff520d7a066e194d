"""Bad input is refused with ValueError or TypeError, never an assert, IndexError or a
silent wrong answer; the message names the parameter, the value and what is valid.

The first half sweeps each shared argument (stride, dilation, kernel_size, padding,
...) across every public function that takes it; the second lists the checks
particular to one function.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import cnnviz
from cnnviz import models
from cnnviz.layers import AvgPool2d, Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from memory_support import peak_and_estimate

X = np.ones((3, 8, 8))                 # a (C, H, W) input
W = np.ones((4, 3, 3, 3))              # four 3x3 filters over 3 channels
IMAGE, KERNEL = np.ones((8, 8)), np.ones((3, 3))

# Functions whose argument may be an int or a pair (height, width) ...
PAIR_FUNCTIONS = {
    "conv2d": lambda **kw: cnnviz.conv2d(X, W, **kw),
    "conv2d_naive": lambda **kw: cnnviz.conv2d_naive(X, W, **kw),
    "correlate2d": lambda **kw: cnnviz.correlate2d(IMAGE, KERNEL, **kw),
    "convolve2d": lambda **kw: cnnviz.convolve2d(IMAGE, KERNEL, **kw),
    "max_pool2d": lambda **kw: cnnviz.max_pool2d(X, **{"kernel_size": 2, **kw}),
    "avg_pool2d": lambda **kw: cnnviz.avg_pool2d(X, **{"kernel_size": 2, **kw}),
    "pad2d": lambda **kw: cnnviz.pad2d(X, **{"padding": 1, **kw}),
    "Conv2d": lambda **kw: Conv2d(3, 4, **{"kernel_size": 3, **kw}),
    "MaxPool2d": lambda **kw: MaxPool2d(**{"kernel_size": 2, **kw}),
    "AvgPool2d": lambda **kw: AvgPool2d(**{"kernel_size": 2, **kw}),
    "conv2d_params": lambda **kw: cnnviz.conv2d_params(3, 4, **{"kernel_size": 3, **kw}),
    "correlate2d-fft": lambda **kw: cnnviz.correlate2d(IMAGE, KERNEL, method="fft", **kw),
    "conv_transpose2d": lambda **kw: cnnviz.conv_transpose2d(X, np.ones((3, 2, 3, 3)), **kw),
    "conv_transpose2d_naive": lambda **kw: cnnviz.conv_transpose2d_naive(
        X, np.ones((3, 2, 3, 3)), **kw),
    "ConvTranspose2d": lambda **kw: cnnviz.ConvTranspose2d(3, 2, **{"kernel_size": 3, **kw}),
    "conv2d_matrix": lambda **kw: cnnviz.conv2d_matrix(X.shape, W, **kw),
}
# ... and those that take one dimension at a time.
SCALAR_FUNCTIONS = {
    "conv_output_size": lambda **kw: cnnviz.conv_output_size(**{"size": 8, "kernel_size": 3, **kw}),
    "pool_output_size": lambda **kw: cnnviz.pool_output_size(**{"size": 8, "kernel_size": 2, **kw}),
    "explain_output_size": lambda **kw: cnnviz.explain_output_size(
        **{"size": 8, "kernel_size": 3, **kw}),
    "same_padding": lambda **kw: cnnviz.same_padding(**{"kernel_size": 3, **kw}),
    "conv_transpose_output_size": lambda **kw: cnnviz.conv_transpose_output_size(
        **{"size": 8, "kernel_size": 3, **kw}),
    "explain_conv_transpose_output_size": lambda **kw: cnnviz.explain_conv_transpose_output_size(
        **{"size": 8, "kernel_size": 3, **kw}),
    "conv1d": lambda **kw: cnnviz.conv1d(np.ones((3, 8)), np.ones((4, 3, 3)), **kw),
}
NEW_2D = ["correlate2d-fft", "conv_transpose2d", "conv_transpose2d_naive", "ConvTranspose2d",
          "conv2d_matrix"]
NEW_SIZES = ["conv_transpose_output_size", "explain_conv_transpose_output_size"]
TAKES = {
    "stride": ["conv2d", "conv2d_naive", "correlate2d", "convolve2d", "max_pool2d", "avg_pool2d",
               "Conv2d", "MaxPool2d", "AvgPool2d",
               "conv_output_size", "pool_output_size", "explain_output_size",
               *NEW_2D, *NEW_SIZES, "conv1d"],
    "dilation": ["conv2d", "conv2d_naive", "correlate2d", "convolve2d", "Conv2d",
                 "conv_output_size", "explain_output_size", "same_padding",
                 *NEW_2D, *NEW_SIZES, "conv1d"],
    "kernel_size": ["max_pool2d", "avg_pool2d", "Conv2d", "MaxPool2d", "AvgPool2d",
                    "conv2d_params", "conv_output_size", "pool_output_size",
                    "explain_output_size", "same_padding", "ConvTranspose2d", *NEW_SIZES],
    "padding": ["conv2d", "conv2d_naive", "correlate2d", "convolve2d", "max_pool2d",
                "avg_pool2d", "pad2d", "Conv2d", "MaxPool2d", "AvgPool2d",
                "conv_output_size", "pool_output_size", "explain_output_size",
                *NEW_2D, *NEW_SIZES],
}


def call(name, **kwargs):
    return {**PAIR_FUNCTIONS, **SCALAR_FUNCTIONS}[name](**kwargs)


def sweep(param, values, scalar_wording):
    """(function, value, error, message start, value as shown) for every function taking ``param``.

    A pair function shows the offending element of a pair; a function of one
    dimension refuses the whole tuple as not an integer.
    """
    cases = []
    for name in TAKES[param]:
        for value, error, wording in values:
            shown = value
            if isinstance(value, tuple) and name in SCALAR_FUNCTIONS:
                error, wording = TypeError, scalar_wording
            elif isinstance(value, tuple) and len(value) == 2:
                shown = next(v for v in value if not (isinstance(v, int) and v > 0))
            cases.append(pytest.param(name, value, error, f"{param} {wording}", shown,
                                      id=f"{name}-{value!r}"))
    return cases


def expect(message_start, value):
    return rf"{message_start}; got {re.escape(repr(value))}"


POSITIVE = [
    (0, ValueError, "must be a positive integer"),
    (-2, ValueError, "must be a positive integer"),
    (1.5, TypeError, "must be a positive integer"),
    ("2", TypeError, "must be a positive integer"),
    (True, TypeError, "must be a positive integer"),
    ((1, 0), ValueError, "must be a positive integer"),
    ((1, 2, 3), ValueError, r"must be an integer or a pair \(height, width\)"),
]
NON_NEGATIVE = [
    (-1, ValueError, "must be a non-negative integer"),
    (1.5, TypeError, "must be a non-negative integer"),
    ((1, -1), ValueError, "must be a non-negative integer"),
]
SWEEP_FIELDS = "name,value,error,message,shown"


@pytest.mark.parametrize(SWEEP_FIELDS, sweep("stride", POSITIVE, "must be a positive integer"))
def test_bad_stride(name, value, error, message, shown):
    """A zero, negative, non-integer or malformed stride is refused, naming stride and the value."""
    with pytest.raises(error, match=expect(message, shown)):
        call(name, stride=value)


@pytest.mark.parametrize(SWEEP_FIELDS, sweep("dilation", POSITIVE, "must be a positive integer"))
def test_bad_dilation(name, value, error, message, shown):
    """A zero, negative, non-integer or malformed dilation is refused, naming it and the value."""
    with pytest.raises(error, match=expect(message, shown)):
        call(name, dilation=value)


@pytest.mark.parametrize(SWEEP_FIELDS,
                         sweep("kernel_size", POSITIVE, "must be a positive integer"))
def test_bad_kernel_size(name, value, error, message, shown):
    """A zero, negative, non-integer or malformed kernel size is refused, with the value."""
    with pytest.raises(error, match=expect(message, shown)):
        call(name, kernel_size=value)


@pytest.mark.parametrize(SWEEP_FIELDS,
                         sweep("padding", NON_NEGATIVE, "must be a non-negative integer"))
def test_bad_padding_number(name, value, error, message, shown):
    """A negative or non-integer padding is refused, naming padding and the value."""
    with pytest.raises(error, match=expect(message, shown)):
        call(name, padding=value)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_naive", "correlate2d", "convolve2d", "Conv2d"])
@pytest.mark.parametrize("word", ["SAME", "zero", "half"])
def test_unknown_padding_word(name, word):
    """An unknown padding word lists the valid ones."""
    with pytest.raises(ValueError, match=expect("padding must be one of 'valid', 'same', 'full'",
                                                word)):
        call(name, padding=word)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_naive", "correlate2d", "convolve2d", "Conv2d"])
@pytest.mark.parametrize("stride", [2, (1, 2)])
def test_same_padding_needs_stride_one(name, stride):
    """padding="same" with a stride above 1 is refused and the stride is shown."""
    shown_stride = (stride, stride) if isinstance(stride, int) else stride
    with pytest.raises(ValueError, match=re.escape(
            f"padding='same' needs stride 1; got stride {shown_stride}")):
        call(name, padding="same", stride=stride)


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d", "MaxPool2d", "AvgPool2d"])
@pytest.mark.parametrize("kernel_size,padding,half", [(2, 2, 1), (3, 2, 1), ((4, 3), (1, 2), 1)])
def test_pool_padding_over_half_the_kernel(name, kernel_size, padding, half):
    """Pooling padding over half the kernel is refused, showing kernel // 2 and the padding."""
    with pytest.raises(ValueError, match=r"padding must be at most half of kernel_size "
                                         rf"\(\d // 2 = {half}\); got 2"):
        call(name, kernel_size=kernel_size, padding=padding)


def test_pool_output_size_padding_over_half_the_kernel():
    """pool_output_size refuses padding over half the kernel, like the pooling functions."""
    with pytest.raises(ValueError, match=r"at most half of kernel_size \(3 // 2 = 1\); got 2"):
        cnnviz.pool_output_size(8, 3, padding=2)


@pytest.mark.parametrize("mode_param,name", [("pad_mode", "correlate2d"),
                                             ("pad_mode", "convolve2d"), ("mode", "pad2d")])
@pytest.mark.parametrize("mode", ["constant", "mirror", "Zeros", 0])
def test_unknown_pad_mode(mode_param, name, mode):
    """An unknown pad mode lists the four valid ones."""
    with pytest.raises(ValueError, match=expect(
            f"{mode_param} must be one of 'zeros', 'reflect', 'replicate', 'circular'", mode)):
        call(name, **{mode_param: mode, "padding": 1})


# ------------------------------------------------------------------------------- arrays
ARRAY_ARGUMENTS = [  # (function, parameter, call with that argument replaced)
    ("conv2d", "x", lambda a: cnnviz.conv2d(a, W)),
    ("conv2d", "weight", lambda a: cnnviz.conv2d(X, a)),
    ("conv2d_naive", "x", lambda a: cnnviz.conv2d_naive(a, W)),
    ("conv2d_naive", "weight", lambda a: cnnviz.conv2d_naive(X, a)),
    ("correlate2d", "image", lambda a: cnnviz.correlate2d(a, KERNEL)),
    ("correlate2d", "kernel", lambda a: cnnviz.correlate2d(IMAGE, a)),
    ("convolve2d", "image", lambda a: cnnviz.convolve2d(a, KERNEL)),
    ("convolve2d", "kernel", lambda a: cnnviz.convolve2d(IMAGE, a)),
    ("pad2d", "x", lambda a: cnnviz.pad2d(a, 1)),
    ("max_pool2d", "x", lambda a: cnnviz.max_pool2d(a, 2)),
    ("avg_pool2d", "x", lambda a: cnnviz.avg_pool2d(a, 2)),
    ("rotate", "image", lambda a: cnnviz.augment.rotate(a, 10)),
    ("shift", "image", lambda a: cnnviz.augment.shift(a, 1, 1)),
    ("zoom", "image", lambda a: cnnviz.augment.zoom(a, 2)),
    ("flip", "image", lambda a: cnnviz.augment.flip(a)),
    ("brightness", "image", lambda a: cnnviz.augment.brightness(a, 0.5)),
    ("add_noise", "image", lambda a: cnnviz.augment.add_noise(a, 0.1)),
    ("random_augment", "images", lambda a: cnnviz.augment.random_augment(a, shift=1)),
]
ARRAY_IDS = [f"{fn}-{param}" for fn, param, _ in ARRAY_ARGUMENTS]


@pytest.mark.parametrize("fn,param,run", ARRAY_ARGUMENTS, ids=ARRAY_IDS)
@pytest.mark.parametrize("value,shown_as", [
    (None, "None"), ("abc", "'abc'"), (b"ab", "b'ab'"),
])
def test_none_or_string_instead_of_an_array(fn, param, run, value, shown_as):
    """None or a string where an array belongs is a TypeError naming the parameter and the value."""
    with pytest.raises(TypeError, match=rf"{param} must be a numeric array; got {shown_as}"):
        run(value)


@pytest.mark.parametrize("fn,param,run", ARRAY_ARGUMENTS, ids=ARRAY_IDS)
@pytest.mark.parametrize("dtype", ["U1", "O", "complex128"])
def test_non_numeric_arrays(fn, param, run, dtype):
    """Arrays of text, objects or complex numbers are refused, naming the parameter and dtype."""
    shape = {"weight": (1, 3, 2, 2), "kernel": (2, 2), "image": (4, 4)}.get(param, (3, 4, 4))
    value = np.zeros(shape, dtype=dtype) if dtype != "U1" else np.full(shape, "a")
    with pytest.raises(TypeError, match=rf"{param} must be a numeric array; got dtype "
                                        rf"{re.escape(str(value.dtype))}"):
        run(value)


@pytest.mark.parametrize("fn,param,run", ARRAY_ARGUMENTS, ids=ARRAY_IDS)
def test_ragged_nested_lists(fn, param, run):
    """A ragged nested list is a TypeError naming the parameter, not numpy's own error."""
    with pytest.raises(TypeError, match=rf"{param} must be a numeric array; got \[\["):
        run([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("fn,param,run", ARRAY_ARGUMENTS, ids=ARRAY_IDS)
def test_empty_arrays(fn, param, run):
    """An array with a zero-length axis is refused, with its shape."""
    shape = {"weight": (1, 3, 0, 2), "kernel": (0, 2), "image": (0, 4)}.get(param, (3, 0, 4))
    with pytest.raises(ValueError, match=rf"{param} must not be empty; got shape "
                                         rf"{re.escape(str(shape))}"):
        run(np.zeros(shape))


@pytest.mark.parametrize("fn,param,run,shape,want", [
    ("conv2d", "x", lambda a: cnnviz.conv2d(a, W), (8, 8), "3-D or 4-D"),
    ("conv2d", "x", lambda a: cnnviz.conv2d(a, W), (1, 1, 3, 8, 8), "3-D or 4-D"),
    ("conv2d", "weight", lambda a: cnnviz.conv2d(X, a), (3, 3, 3), "4-D"),
    ("conv2d_naive", "weight", lambda a: cnnviz.conv2d_naive(X, a), (4, 1, 3, 3, 3), "4-D"),
    ("conv2d", "bias", lambda a: cnnviz.conv2d(X, W, a), (4, 1), "1-D"),
    ("correlate2d", "image", lambda a: cnnviz.correlate2d(a, KERNEL), (1, 8, 8), "2-D"),
    ("correlate2d", "kernel", lambda a: cnnviz.correlate2d(IMAGE, a), (1, 3, 3), "2-D"),
    ("convolve2d", "kernel", lambda a: cnnviz.convolve2d(IMAGE, a), (9,), "2-D"),
    ("pad2d", "x", lambda a: cnnviz.pad2d(a, 1), (8,), "2-D or 3-D or 4-D"),
    ("max_pool2d", "x", lambda a: cnnviz.max_pool2d(a, 2), (8, 8), "3-D or 4-D"),
    ("avg_pool2d", "x", lambda a: cnnviz.avg_pool2d(a, 2), (1, 1, 1, 8, 8), "3-D or 4-D"),
])
def test_wrong_number_of_dimensions(fn, param, run, shape, want):
    """An array with the wrong number of axes is refused, saying what is expected and the shape."""
    with pytest.raises(ValueError, match=rf"{param} must be {want}; got {len(shape)}-D with shape "
                                         rf"{re.escape(str(shape))}"):
        run(np.ones(shape))


@pytest.mark.parametrize("conv", [cnnviz.conv2d, cnnviz.conv2d_naive])
def test_kernel_depth_must_match_the_channels(conv):
    """A filter whose depth differs from the input's channels: both numbers in the message."""
    with pytest.raises(ValueError, match=r"weight has depth 2 .* the input has 3 channels"):
        conv(X, np.ones((4, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"weight has depth 3 .* the input has 1 channels"):
        conv(np.ones((5, 1, 8, 8)), W)


@pytest.mark.parametrize("conv", [cnnviz.conv2d, cnnviz.conv2d_naive])
@pytest.mark.parametrize("length", [2, 5])
def test_bias_of_the_wrong_length(conv, length):
    """A bias that is not one value per filter is refused with both lengths."""
    with pytest.raises(ValueError, match=rf"bias must have one value per output channel \(4\); "
                                         rf"got length {length}"):
        conv(X, W, np.ones(length))


@pytest.mark.parametrize("conv", [cnnviz.conv2d, cnnviz.conv2d_naive])
@pytest.mark.parametrize("bias,error,wording", [
    ("abc", TypeError, "bias must be a numeric array; got 'abc'"),
    ([[1.0] * 4], ValueError, "bias must be 1-D; got 2-D with shape (1, 4)"),
    (np.array(["a"] * 4), TypeError, "bias must be a numeric array; got dtype <U1"),
])
def test_bias_that_is_not_a_vector_of_numbers(conv, bias, error, wording):
    """A bias that is text or not 1-D is refused, naming bias and what it got."""
    with pytest.raises(error, match=re.escape(wording)):
        conv(X, W, bias)


@pytest.mark.parametrize("run,axis", [
    (lambda: cnnviz.conv2d(np.ones((1, 3, 8)), np.ones((1, 1, 5, 5))), "height"),
    (lambda: cnnviz.conv2d_naive(np.ones((1, 8, 3)), np.ones((1, 1, 5, 5))), "width"),
    (lambda: cnnviz.correlate2d(np.ones((3, 8)), np.ones((5, 5))), "height"),
    (lambda: cnnviz.convolve2d(np.ones((8, 3)), np.ones((5, 5))), "width"),
])
def test_kernel_larger_than_the_input(run, axis):
    """A kernel larger than the padded input: the axis, both sizes and the padding needed."""
    with pytest.raises(ValueError, match=rf"{axis}: kernel_size 5 does not fit the input: size 3 "
                                         r"\+ 2\*padding 0 = 3 < 5; use padding >= 1"):
        run()


def test_dilated_kernel_larger_than_the_input():
    """A dilated kernel that does not fit names the dilation and the pixels it spans."""
    with pytest.raises(ValueError, match=r"kernel_size 3 with dilation 3 \(it spans 7 pixels\)"):
        cnnviz.conv2d(np.ones((1, 5, 9)), np.ones((1, 1, 3, 3)), dilation=3)
    with pytest.raises(ValueError, match=r"kernel_size 3 with dilation 3 \(it spans 7 pixels\)"):
        cnnviz.conv_output_size(5, 3, dilation=3)


def test_kernel_larger_than_asymmetrically_padded_input_reports_the_real_padding():
    """With padding (2, 0) the message adds the padding actually used: 2 + 2 + 0 = 4 < 5."""
    with pytest.raises(ValueError, match=r"height: .*\b4 < 5"):
        cnnviz.conv2d(np.ones((1, 2, 8)), np.ones((1, 1, 5, 5)), padding=((2, 0), (2, 2)))


@pytest.mark.parametrize("name", ["conv_output_size", "explain_output_size", "pool_output_size"])
def test_output_size_when_no_window_fits(name):
    """The size functions explain why no window fits and how much padding would."""
    with pytest.raises(ValueError, match=r"kernel_size 7 does not fit the input: size 3 \+ "
                                         r"2\*padding 1 = 5 < 7; use padding >= 2"):
        call(name, size=3, kernel_size=7, padding=1)


@pytest.mark.parametrize("pool", [cnnviz.max_pool2d, cnnviz.avg_pool2d])
def test_pool_window_larger_than_the_input(pool):
    """A pooling window larger than the input names the kernel, sizes and the input's H x W."""
    with pytest.raises(ValueError, match=r"kernel_size 5 does not fit the input: size 3 .*"
                                         r"\(input height x width 3x9\)"):
        pool(np.ones((2, 3, 9)), 5)


@pytest.mark.parametrize("name", ["conv_output_size", "pool_output_size", "explain_output_size"])
@pytest.mark.parametrize("size,error", [(0, ValueError), (-4, ValueError), (8.0, TypeError)])
def test_bad_size(name, size, error):
    """The input size of the size functions must be a positive integer."""
    with pytest.raises(error, match=expect("size must be a positive integer", size)):
        call(name, size=size)


# --------------------------------------------------------------- options that are flags
FLAGS = {  # id: (call with the flag set to v, the flag's name)
    "max_pool2d-ceil_mode": (lambda v: cnnviz.max_pool2d(X, 2, ceil_mode=v), "ceil_mode"),
    "avg_pool2d-ceil_mode": (lambda v: cnnviz.avg_pool2d(X, 2, ceil_mode=v), "ceil_mode"),
    "pool_output_size-ceil_mode": (lambda v: cnnviz.pool_output_size(5, 2, ceil_mode=v),
                                   "ceil_mode"),
    "max_pool2d-return_indices": (lambda v: cnnviz.max_pool2d(X, 2, return_indices=v),
                                  "return_indices"),
    "avg_pool2d-count_include_pad": (lambda v: cnnviz.avg_pool2d(X, 2, count_include_pad=v),
                                     "count_include_pad"),
    "MaxPool2d-ceil_mode": (lambda v: MaxPool2d(2, ceil_mode=v), "ceil_mode"),
    "AvgPool2d-count_include_pad": (lambda v: AvgPool2d(2, count_include_pad=v),
                                    "count_include_pad"),
    "Conv2d-bias": (lambda v: Conv2d(3, 4, 3, bias=v), "bias"),
    "Dense-bias": (lambda v: Dense(3, 4, bias=v), "bias"),
    "conv2d_params-bias": (lambda v: cnnviz.conv2d_params(3, 4, 3, bias=v), "bias"),
    "dense_params-bias": (lambda v: cnnviz.dense_params(3, 4, bias=v), "bias"),
}


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("value", ["no", "False", 1])
def test_flags_must_be_true_or_false(flag, value):
    """A flag given as a string or a number is refused (the string "False" is truthy)."""
    run, param = FLAGS[flag]
    with pytest.raises(TypeError, match=expect(f"{param} must be True or False", value)):
        run(value)


# ----------------------------------------------------------------------- pad2d specifics
@pytest.mark.parametrize("mode,padding,limit", [
    ("reflect", 3, r"reflect padding must be smaller than the input size \(3, 5\)"),
    ("reflect", (0, 5), r"reflect padding must be smaller than the input size \(3, 5\)"),
    ("circular", 4, r"circular padding must be at most the input size \(3, 5\)"),
])
def test_pad2d_padding_too_large_for_the_mode(mode, padding, limit):
    """reflect needs padding < size, circular padding <= size; the message shows both."""
    with pytest.raises(ValueError, match=limit + r"; got padding \(\(\d, \d\), \(\d, \d\)\)"):
        cnnviz.pad2d(np.ones((3, 5)), padding, mode=mode)


def test_correlate2d_pad_mode_too_large_for_the_image():
    """correlate2d with reflect padding as large as the image explains the reflect limit."""
    with pytest.raises(ValueError, match=r"reflect padding must be smaller than the input size"):
        cnnviz.correlate2d(np.ones((3, 3)), np.ones((5, 5)), padding="full", pad_mode="reflect")


@pytest.mark.parametrize("value", [None, "a", [1.0, 2.0]])
def test_pad2d_fill_value_must_be_a_number(value):
    """pad2d's constant ``value`` must be one number: None, text or a list are refused."""
    with pytest.raises((TypeError, ValueError), match=rf"value .*; got {re.escape(repr(value))}"):
        cnnviz.pad2d(np.ones((1, 3, 3)), 1, value=value)


@pytest.mark.parametrize("name", ["conv2d", "correlate2d", "pad2d"])
@pytest.mark.parametrize("padding", [((1, 2), (3,)), ((1, 2, 3), (1, 1)), ((1, 2), (3, 4), (5, 6))])
def test_malformed_per_side_padding(name, padding):
    """A malformed ((top, bottom), (left, right)) padding names padding and shows the value."""
    with pytest.raises(ValueError, match=rf"padding must be .*; got {re.escape(repr(padding))}"):
        call(name, padding=padding)


# ---------------------------------------------------------------------- layers, networks
@pytest.mark.parametrize("run,param,value", [
    (lambda: Conv2d(0, 4, 3), "in_channels", 0),
    (lambda: Conv2d(3, -1, 3), "out_channels", -1),
    (lambda: Dense(2.5, 4), "in_features", 2.5),
    (lambda: Dense(3, 0), "out_features", 0),
    (lambda: cnnviz.conv2d_params(3, 0, 3), "out_channels", 0),
    (lambda: cnnviz.dense_params(0, 3), "in_features", 0),
])
def test_layer_sizes_must_be_positive_integers(run, param, value):
    """Channel and feature counts must be positive integers; the message names which."""
    error = TypeError if isinstance(value, float) else ValueError
    with pytest.raises(error, match=expect(f"{param} must be a positive integer", value)):
        run()


def test_sequential_needs_a_list_of_layers():
    """Sequential refuses a single layer or a list holding something other than layers."""
    with pytest.raises(TypeError, match=r"layers must be a list of layers; got Conv2d"):
        Sequential(Conv2d(3, 4, 3))
    with pytest.raises(TypeError, match=r"layers\[1\] must be a cnnviz layer; got 'relu'"):
        Sequential([Conv2d(3, 4, 3), "relu"])


@pytest.mark.parametrize("shape,error,wording", [
    ((3, 0, 8), ValueError, "input_shape must be a positive integer; got 0"),
    ("3x32x32", TypeError, "input_shape must be a tuple of positive integers"),
    (None, TypeError, "input_shape must be a tuple of positive integers"),
])
def test_summary_input_shape(shape, error, wording):
    """A summary's input shape must be a tuple of positive integers."""
    with pytest.raises(error, match=re.escape(wording)):
        cnnviz.layers.Sequential([ReLU()]).summary(shape)


@pytest.mark.parametrize("layers,input_shape,message", [
    ([Conv2d(3, 8, 3)], (1, 32, 32),
     r"layer 1, Conv2d\(3, 8, kernel_size=3\): expects 3 input channels; got 1 "
     r"\(input shape \(1, 32, 32\)\)"),
    ([Conv2d(3, 4, 3), ReLU(), Flatten(), Dense(10, 2)], (3, 8, 8),
     r"layer 4, Dense\(10, 2\): expects an input of shape \(10,\); got \(144,\)"),
    ([Conv2d(3, 4, 3), Dense(144, 2)], (3, 8, 8),
     r"layer 2, Dense\(144, 2\): expects an input of shape \(144,\); got \(4, 6, 6\) "
     r"\(add a Flatten layer before it\)"),
    ([Conv2d(3, 4, 5)], (3, 2, 8),
     r"layer 1, Conv2d\(3, 4, kernel_size=5\): a 5-pixel kernel .* does not fit the input "
     r"height 2 .*\(input shape \(3, 2, 8\)\)"),
    ([Conv2d(3, 4, 3), MaxPool2d(3), MaxPool2d(3)], (3, 8, 8),
     r"layer 3, MaxPool2d\(kernel_size=3\): kernel_size 3 does not fit the input: size 2 .*"
     r"\(input shape \(4, 2, 2\)\)"),
    ([Flatten(), Conv2d(3, 4, 3)], (3, 8, 8),
     r"layer 2, Conv2d\(3, 4, kernel_size=3\): expects an input of shape \(channels, height, "
     r"width\); got \(192,\)"),
])
def test_network_that_does_not_fit_its_input(layers, input_shape, message):
    """A layer that does not fit its input: the message names the layer and both shapes."""
    with pytest.raises(ValueError, match=message):
        Sequential(layers).summary(input_shape)


def test_example_classifier_on_the_wrong_image_size():
    """The curriculum classifier on a 64x64 image stops at the first Dense with both shapes."""
    net = models.example_classifier()
    with pytest.raises(ValueError, match=r"layer 13, Dense\(576, 256\): expects an input of "
                                         r"shape \(576,\); got \(64,\)"):
        net.summary((3, 64, 64))


# ------------------------------------------------------------------------------ groups
X4, W4, G4 = np.ones((4, 5, 5)), np.ones((6, 2, 3, 3)), np.ones((6, 3, 3))
GROUPED = {
    "conv2d": lambda g, w=W4: cnnviz.conv2d(X4, w, groups=g),
    "conv2d_naive": lambda g, w=W4: cnnviz.conv2d_naive(X4, w, groups=g),
    "conv2d_backward": lambda g, w=W4: cnnviz.conv2d_backward(X4, w, G4, groups=g),
    "conv2d_backward_naive": lambda g, w=W4: cnnviz.convolution.conv2d_backward_naive(
        X4, w, G4, groups=g),
    "Conv2d": lambda g, w=W4: Conv2d(4, 6, 3, groups=g),
    "conv2d_params": lambda g, w=W4: cnnviz.conv2d_params(4, 6, 3, groups=g),
}


@pytest.mark.parametrize("name", GROUPED)
@pytest.mark.parametrize("groups", [0, -2, 4, 5])
def test_groups_that_do_not_divide_both_channel_counts_are_refused(name, groups):
    """groups of 0, negative, or not dividing 4 input and 6 output channels: both counts named."""
    message = (r"groups must be a positive integer that divides both in_channels \(4\) and "
               rf"out_channels \(6\); got {groups}$")
    with pytest.raises(ValueError, match=message):
        GROUPED[name](groups)


@pytest.mark.parametrize("name", GROUPED)
@pytest.mark.parametrize("groups", [1.5, True, "2", None])
def test_groups_must_be_an_integer(name, groups):
    """A float, bool, string or None for groups is a TypeError naming groups."""
    with pytest.raises(TypeError, match=r"groups must be a positive integer; got "):
        GROUPED[name](groups)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_naive", "conv2d_backward",
                                  "conv2d_backward_naive"])
def test_grouped_weight_of_the_wrong_depth_is_explained(name):
    """With groups=2 over 4 channels each filter spans 2: a weight of depth 4 is refused."""
    with pytest.raises(ValueError, match=r"weight has depth 4 .* 4 channels in groups=2: each "
                                         r"filter must span in_channels // groups = 2 channels"):
        GROUPED[name](2, np.ones((6, 4, 3, 3)))
# ------------------------------------------------------- requests too large for memory
def _requests():
    from cnnviz import datasets, filters, images, pooling
    from cnnviz.convolution import col2im, conv2d_backward, conv2d_backward_naive, im2col
    from cnnviz.shapes import window_coverage

    x, w = np.ones((1, 8, 8)), np.ones((1, 1, 3, 3))
    small_png = b"\x89PNG\r\n\x1a\n"  # never opened: the size is refused first
    return {
        "gaussian(30001)": (lambda: filters.gaussian(30001, 1.0), r"gaussian\(30001\)"),
        "box_blur(30001)": (lambda: filters.box_blur(30001), r"box_blur\(30001\) would need 6\.7 GiB"),
        "median_filter size 101": (lambda: filters.median_filter(np.zeros((256, 256)), 101),
                                   r"median_filter with size 101 on a 256x256 image would need 10\.0 GiB"),
        "conv2d padding 20000": (lambda: cnnviz.conv2d(x, w, padding=20000),
                                 r"conv2d of a 1x8x8 input with a 3x3 kernel and padding 20000"),
        "conv2d padding 10**6": (lambda: cnnviz.conv2d(x, w, padding=10**6), r"TiB of memory"),
        "conv2d_naive": (lambda: cnnviz.conv2d_naive(x, w, padding=20000), r"conv2d_naive of a"),
        "conv2d_backward": (lambda: conv2d_backward(x, w, np.ones((1, 40006, 1)), padding=20000),
                            r"conv2d_backward of a"),
        "conv2d_backward_naive": (lambda: conv2d_backward_naive(x, w, np.ones((1, 1, 1)),
                                                                padding=20000),
                                  r"conv2d_backward_naive of a"),
        "correlate2d": (lambda: cnnviz.correlate2d(np.ones((8, 8)), np.ones((3, 3)), padding=20000,
                                                   pad_mode="replicate"), r"correlate2d of a 8x8"),
        "convolve2d": (lambda: cnnviz.convolve2d([[1.0]], [[1.0]], padding=(20000, 20000)),
                       r"correlate2d of a 1x1 input"),
        "pad2d": (lambda: cnnviz.pad2d(np.ones((8, 8)), 20000), r"pad2d of a 8x8 input with padding 20000"),
        "im2col": (lambda: im2col(np.ones((1, 1, 1000, 1000)), (100, 100)), r"im2col of a"),
        "col2im": (lambda: col2im(np.ones((1, 1, 1)), (1, 1, 10**6, 10**6), (1, 1), stride=10**6),
                   r"col2im onto input_shape \(1, 1, 1000000, 1000000\)"),
        "avg_pool2d": (lambda: pooling.avg_pool2d(np.ones((1, 4, 4)), 40001, padding=20000),
                       r"avg_pool2d of a 1x4x4 input with kernel_size \(40001, 40001\)"),
        # 36 million windows: their winners' taps, masks and indices pass the limit
        "max_pool2d indices": (lambda: pooling.max_pool2d(np.broadcast_to(1.0, (1, 6000, 6000)), 2,
                                                          stride=1, return_indices=True),
                               r"max_pool2d of a 1x6000x6000"),
        "max_pool2d_backward": (lambda: pooling.max_pool2d_backward(
            np.broadcast_to(1.0, (1, 6000, 6000)), np.broadcast_to(1.0, (1, 5999, 5999)), 2,
            stride=1), r"max_pool2d_backward of a 1x6000x6000"),
        "avg_pool2d_backward": (lambda: pooling.avg_pool2d_backward(
            np.broadcast_to(1.0, (1, 9000, 9000)), np.broadcast_to(1.0, (1, 4500, 4500)), 2),
            r"avg_pool2d_backward of a 1x9000x9000"),
        "checkerboard": (lambda: images.checkerboard(10**5), r"checkerboard\(size=100000\)"),
        "step_edge": (lambda: images.step_edge(10**5), r"step_edge\(size=100000\)"),
        "shapes": (lambda: images.shapes(10**5), r"shapes\(100000\)"),
        "make_shapes(10**9)": (lambda: datasets.make_shapes(10**9),
                               r"make_shapes\(1,000,000,000, size=28\) would need 8\.6 TiB"),
        "make_shapes size 20000": (lambda: datasets.make_shapes(1, size=20000), r"make_shapes\(1, size=20000\)"),
        "draw_shape": (lambda: datasets.draw_shape("circle", size=20000), r"draw_shape\(size=20000\)"),
        "window_coverage": (lambda: window_coverage(10**5, 3), r"window_coverage\(100000, 3"),
        "load_image size": (lambda: images.load_image(small_png, size=(40000, 40000)),
                            r"size=\(40000, 40000\)"),
        "load_sample size": (lambda: images.load_sample(size=30000), r"size=\(30000, 30000\)"),
    }


REQUESTS = _requests()


@pytest.mark.parametrize("name", list(REQUESTS))
def test_request_too_large_for_memory_is_refused_before_allocating(name):
    """A request that would need more than MEMORY_LIMIT raises ValueError naming the size it
    needs and the limit, having allocated almost nothing (no MemoryError, no killed kernel)."""
    import tracemalloc

    run, message = REQUESTS[name]
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=message) as caught:
            run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert re.search(r"would need [\d.]+ [GT]iB of memory; the limit is 1\.0 GiB "
                     r"\(cnnviz\._validate\.MEMORY_LIMIT\)", str(caught.value))
    assert peak < 50 * 2**20, f"{name} allocated {peak / 2**20:.0f} MiB before refusing"


def _measured():
    from cnnviz import datasets, filters, images
    from cnnviz.convolution import conv2d_backward

    # The inputs exist before the measurement starts: only the call's own memory counts.
    batch, weight, grad = np.ones((2, 3, 40, 40)), np.ones((8, 3, 5, 5)), np.ones((2, 8, 42, 42))
    photo, maps, small = np.ones((300, 300)), np.ones((4, 300, 300)), np.ones((4, 100, 100))
    return {
        "conv2d": lambda: cnnviz.conv2d(batch, weight, padding=3),
        "conv2d_backward": lambda: conv2d_backward(batch, weight, grad, padding=3),
        "correlate2d": lambda: cnnviz.correlate2d(photo, np.ones((9, 9)), padding=4,
                                                  pad_mode="reflect"),
        "avg_pool2d": lambda: cnnviz.avg_pool2d(maps, 3, stride=1, padding=1),
        "max_pool2d": lambda: cnnviz.max_pool2d(small, 3, stride=1, return_indices=True),
        "median_filter": lambda: filters.median_filter(photo[:200, :200], 7),
        "make_shapes": lambda: datasets.make_shapes(200, size=64),
        "checkerboard": lambda: images.checkerboard(1000),
        "shapes": lambda: images.shapes(1000),
    }


MEASURED = _measured()


@pytest.mark.parametrize("name", list(MEASURED))
def test_memory_estimate_covers_what_is_really_allocated(name, monkeypatch):
    """The estimate is honest: a limit just below it refuses the request, and the request,
    run under no limit, never allocates more than the estimate (nor a small fraction of it)."""
    from cnnviz import _validate

    run = MEASURED[name]
    peak, estimate = peak_and_estimate(run, monkeypatch, "convolution", "pooling", "filters",
                                       "datasets", "images")
    assert estimate >= 0.9 * peak, f"{name}: estimated {estimate:,} bytes, used {peak:,}"
    assert estimate <= 8 * peak, f"{name}: estimated {estimate:,} bytes, used only {peak:,}"
    monkeypatch.setattr(_validate, "MEMORY_LIMIT", estimate - 1)
    with pytest.raises(ValueError, match="would need"):
        run()


@pytest.mark.parametrize("run, param", [
    (lambda: cnnviz.filters.gaussian(3, 1e300), "sigma"),
    (lambda: cnnviz.filters.gaussian(3, 1e-300), "sigma"),
    (lambda: cnnviz.filters.bilateral_filter(np.ones((8, 8)), 3, 1.0, 1e-300), "sigma_range"),
    (lambda: cnnviz.filters.bilateral_filter(np.ones((8, 8)), 3, 1e300, 0.1), "sigma_space"),
    (lambda: cnnviz.filters.bilateral_filter(np.ones((8, 8)), 3, 1e-300, 0.1), "sigma_space"),
])
def test_sigma_that_would_overflow_is_refused(run, param):
    """A sigma whose square overflows or rounds to zero is a ValueError naming it and the
    range, not an OverflowError, a ZeroDivisionError or a NaN kernel."""
    with pytest.raises(ValueError, match=rf"^{param} must be a number from 1e-15 to 1e\+15; got "):
        run()


def test_sigma_at_the_ends_of_its_range_still_computes():
    """At the limits the formulas still hold: a tiny sigma gives the identity, a huge one the
    box; a tiny sigma_range leaves every pixel alone, a huge one is a plain Gaussian blur."""
    from cnnviz.filters import BOX_BLUR, IDENTITY, bilateral_filter, gaussian

    np.testing.assert_allclose(gaussian(3, 1e-15), IDENTITY)
    np.testing.assert_allclose(gaussian(3, 1e15), BOX_BLUR)
    image = np.random.default_rng(31).random((12, 10))
    np.testing.assert_allclose(bilateral_filter(image, 5, 1.5, 1e-15), image)
    blurred = cnnviz.correlate2d(image, gaussian(5, 1.5), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(bilateral_filter(image, 5, 1.5, 1e15), blurred, atol=1e-12)


@pytest.mark.parametrize("fn,param,run", ARRAY_ARGUMENTS, ids=ARRAY_IDS)
def test_deeply_nested_list_is_described_without_recursing(fn, param, run):
    """A list nested 100,000 deep is refused with the parameter's name; describing it in
    the message cannot raise RecursionError."""
    deep = [1.0]
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(TypeError, match=rf"{param} must be a numeric array; got \[\[\[\["):
        run(deep)


# ------------------------------------------------------------- one checker for each idea
@pytest.mark.parametrize("build", [
    lambda b: cnnviz.MaxPool2d(2, ceil_mode=b),
    lambda b: cnnviz.AvgPool2d(2, count_include_pad=b),
    lambda b: cnnviz.Conv2d(1, 1, 3, bias=b),
    lambda b: cnnviz.Dense(2, 2, bias=b),
    lambda b: cnnviz.conv2d_params(1, 1, 3, bias=b),
    lambda b: cnnviz.max_pool2d(np.ones((1, 4, 4)), 2, ceil_mode=b),
    lambda b: cnnviz.load_image(np.zeros((4, 4, 3), np.uint8).tobytes() and _png(), grey=b),
], ids=["MaxPool2d", "AvgPool2d", "Conv2d", "Dense", "conv2d_params", "max_pool2d", "load_image"])
def test_numpy_booleans_are_booleans_everywhere(build):
    """True and numpy's True are the same flag in every function and layer; 1 and "yes" are not."""
    build(True)
    build(np.True_)
    for wrong in (1, "yes", None):
        with pytest.raises(TypeError, match=r"must be True or False; got "):
            build(wrong)


def _png():
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="png")
    return buffer.getvalue()


def test_public_im2col_validates():
    """im2col refuses a kernel larger than its input (it returned an empty array) and bad
    arguments, naming them."""
    from cnnviz import im2col
    from cnnviz.errors import DoesNotFit

    with pytest.raises(DoesNotFit, match=r"kernel_size 3 does not fit the input"):
        im2col(np.ones((1, 1, 2, 2)), (3, 3))
    with pytest.raises(ValueError, match=r"x must be 4-D; got 2-D"):
        im2col(np.ones((2, 2)), (1, 1))
    with pytest.raises(ValueError, match=r"stride must be a positive integer; got 0"):
        im2col(np.ones((1, 1, 4, 4)), (2, 2), stride=0)
    assert im2col(np.ones((1, 1, 4, 4)), 2, stride=2).shape == (1, 4, 4)
