"""Exercises of notebook 13: famous architectures and receptive fields."""

from __future__ import annotations

from ..checks import check_number
from ..layers import BatchNorm2d, Conv2d, MaxPool2d, ReLU, Residual, Sequential
from ..receptive import receptive_field

#: Exercise 1: conv 3x3 stride 2 -> conv 5x5 -> 2x2 max pool -> conv 3x3 dilation 2.
FIELD_STACK = (
    ("conv", 3, 2, 1),
    ("conv", 5, 1, 1),
    ("pool", 2, 2, 1),
    ("conv", 3, 1, 2),
)
#: Exercise 2: a ResNet basic block on this many channels (identity shortcut).
BLOCK_CHANNELS = 48
#: Exercise 3: Conv2d(48, 96, 3, stride=2, padding=1) on a 48 x 40 x 40 input.
MULTIPLY_ADDS_CASE = {"in_channels": 48, "out_channels": 96, "kernel_size": 3, "stride": 2,
                      "padding": 1, "input_shape": (48, 40, 40)}


def field_stack() -> Sequential:
    """The stack of exercise 1 as cnnviz layers (one channel, no padding)."""
    layers = []
    for kind, k, s, d in FIELD_STACK:
        layers.append(Conv2d(1, 1, k, stride=s, dilation=d) if kind == "conv"
                      else MaxPool2d(k, stride=s))
    return Sequential(layers)


def basic_block(channels=BLOCK_CHANNELS) -> Residual:
    """ResNet's basic block: 3x3 conv, BatchNorm, ReLU, 3x3 conv, BatchNorm (no biases)."""
    return Residual([Conv2d(channels, channels, 3, padding=1, bias=False), BatchNorm2d(channels),
                     ReLU(), Conv2d(channels, channels, 3, padding=1, bias=False),
                     BatchNorm2d(channels)])


def _conv_case():
    case = dict(MULTIPLY_ADDS_CASE)
    shape = case.pop("input_shape")
    return Conv2d(case.pop("in_channels"), case.pop("out_channels"), case.pop("kernel_size"),
                  **case), shape


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "stack_field": lambda: receptive_field(field_stack(), (1, 64, 64))[-1].size[0],
    "block_params": lambda: basic_block().num_params,
    "conv_multiply_adds": lambda: _conv_case()[0].multiply_adds(_conv_case()[1]),
}
#: Exercises where the learner writes a function (none in this notebook).
CODE_EXERCISES = ()


def stack_field(answer):
    """The receptive field (one side, in input pixels) of the last layer of :data:`FIELD_STACK`.

    >>> stack_field(ANSWERS["stack_field"]())
    Correct: the receptive field of the last convolution is 29.
    >>> stack_field(11)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the receptive field of the last convolution
      expected: 29
      got:      11
    """
    check_number(answer, ANSWERS["stack_field"](), what="the receptive field of the last "
                 "convolution")


def block_params(answer):
    """The parameters of a ResNet basic block on :data:`BLOCK_CHANNELS` channels.

    >>> block_params(ANSWERS["block_params"]() - 192)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of a basic block on 48 channels
      expected: 41664
      got:      41472
    """
    expected = ANSWERS["block_params"]()
    check_number(answer, expected,
                 what=f"the parameters of a basic block on {BLOCK_CHANNELS} channels")


def conv_multiply_adds(answer):
    """The multiply-adds of :data:`MULTIPLY_ADDS_CASE`'s convolution on one input.

    >>> conv_multiply_adds(ANSWERS["conv_multiply_adds"]())
    Correct: the multiply-adds of Conv2d(48, 96, kernel_size=3, stride=2, padding=1) on (48, 40, 40) is 16,588,800.
    """
    conv, shape = _conv_case()
    check_number(answer, ANSWERS["conv_multiply_adds"](),
                 what=f"the multiply-adds of {conv!r} on {shape}")
