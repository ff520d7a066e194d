"""Exercises of notebook 07: parameters, dense against convolutional."""

from __future__ import annotations

from ..checks import CheckError, check_number
from ..models import example_classifier
from ..params import conv2d_params, dense_params
from ..shapes import conv_output_size

#: the cases of the exercises, stated in words in the notebook
CONV_CASE = dict(in_channels=3, filters=10, kernel_size=3)
DENSE_CASE = dict(size=32, in_channels=3, filters=10, kernel_size=3)
FAN_IN_CASE = dict(kernel_size=5, channels=96)
#: exercise 4: the example classifier's Conv2d-7 with 5x5 filters (padding 2 keeps "same")
WIDER_CASE = dict(layer="Conv2d-7", kernel_size=5)


def _wider_expected(layer=WIDER_CASE["layer"], kernel_size=WIDER_CASE["kernel_size"]):
    net = example_classifier()
    conv = net[net.layer_names().index(layer)]
    return conv2d_params(conv.in_channels, conv.out_channels, kernel_size)


def _dense_expected(size, in_channels, filters, kernel_size):
    out = conv_output_size(size, kernel_size)
    return dense_params(size * size * in_channels, out * out * filters)


#: Exercises whose answer is a value: check-function name -> the expected value.
ANSWERS = {
    "conv_params": lambda: conv2d_params(CONV_CASE["in_channels"], CONV_CASE["filters"],
                                         CONV_CASE["kernel_size"]),
    "dense_equivalent": lambda: _dense_expected(**DENSE_CASE),
    "fan_in": lambda: conv2d_params(FAN_IN_CASE["channels"], 1, FAN_IN_CASE["kernel_size"], bias=False),
    "wider_kernel": lambda: _wider_expected(),
}
#: Exercises where the learner writes code: none in this notebook.
CODE_EXERCISES = ()


def _hint(answer, wrong, expected, what, hint):
    """Raise a :class:`CheckError` with ``hint`` when ``answer`` equals the known slip ``wrong``."""
    if answer is ... or wrong == expected:
        return
    try:
        slipped = float(answer) == float(wrong)
    except (TypeError, ValueError):
        return
    if slipped:
        raise CheckError(f"Not quite: {what}: {hint}\n  expected: {expected}\n  got:      {answer}")


def conv_params(answer, in_channels=CONV_CASE["in_channels"], filters=CONV_CASE["filters"],
                kernel_size=CONV_CASE["kernel_size"]):
    """Parameters (weights and biases) of a convolution layer.

    >>> conv_params(280)
    Correct: the parameters of 10 filters of 3x3x3, each with a bias is 280.
    >>> conv_params(270)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of 10 filters of 3x3x3, each with a bias: that counts the weights only; every filter also has one bias
      expected: 280
      got:      270
    >>> conv_params(100)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of 10 filters of 3x3x3, each with a bias: a filter runs through all 3 input channels, so it has 3x3x3 weights, not 3x3
      expected: 280
      got:      100
    """
    k = kernel_size
    what = f"the parameters of {filters} filters of {k}x{k}x{in_channels}, each with a bias"
    expected = conv2d_params(in_channels, filters, k)
    _hint(answer, conv2d_params(in_channels, filters, k, bias=False), expected, what,
          "that counts the weights only; every filter also has one bias")
    _hint(answer, conv2d_params(1, filters, k), expected, what,
          f"a filter runs through all {in_channels} input channels, so it has "
          f"{k}x{k}x{in_channels} weights, not {k}x{k}")
    check_number(answer, expected, what=what)


def dense_equivalent(answer, size=DENSE_CASE["size"], in_channels=DENSE_CASE["in_channels"],
                     filters=DENSE_CASE["filters"], kernel_size=DENSE_CASE["kernel_size"]):
    """Parameters of a dense layer with the same input and output as a valid, stride-1
    convolution: every flattened input to every output, plus one bias per output.

    >>> dense_equivalent(27_657_000)
    Correct: the parameters of a dense layer from 32x32x3 to 30x30x10 is 27,657,000.
    >>> dense_equivalent(27_648_000)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of a dense layer from 32x32x3 to 30x30x10: that counts the weights only; add one bias per output (9,000 of them)
      expected: 27657000
      got:      27648000
    """
    out = conv_output_size(size, kernel_size)
    inputs = size * size * in_channels
    outputs = out * out * filters
    what = (f"the parameters of a dense layer from {size}x{size}x{in_channels} to "
            f"{out}x{out}x{filters}")
    expected = _dense_expected(size, in_channels, filters, kernel_size)
    _hint(answer, dense_params(inputs, outputs, bias=False), expected, what,
          f"that counts the weights only; add one bias per output ({outputs:,} of them)")
    check_number(answer, expected, what=what)


def fan_in(answer, kernel_size=FAN_IN_CASE["kernel_size"], channels=FAN_IN_CASE["channels"]):
    """How many inputs one neuron of a convolution layer sees: ``k * k * C_in``.

    >>> fan_in(2400)
    Correct: the inputs one neuron sees through a 5x5 window on 96 channels is 2,400.
    >>> fan_in(25)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the inputs one neuron sees through a 5x5 window on 96 channels: the window runs through every channel: multiply by 96
      expected: 2400
      got:      25
    """
    k = kernel_size
    what = f"the inputs one neuron sees through a {k}x{k} window on {channels} channels"
    expected = conv2d_params(channels, 1, k, bias=False)
    _hint(answer, k * k, expected, what,
          f"the window runs through every channel: multiply by {channels}")
    check_number(answer, expected, what=what)


def classifier_row(answer, layer="Conv2d-4"):
    """Parameters of one row of the example classifier's summary on a (3, 128, 128) input.

    >>> classifier_row(1_179_904)
    Correct: the parameters of Conv2d-4 in the example classifier is 1,179,904.
    >>> classifier_row(1_179_648)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of Conv2d-4 in the example classifier: that counts the weights only; each of the 256 filters also has a bias
      expected: 1179904
      got:      1179648
    >>> classifier_row(..., layer="Conv2d-5")
    Traceback (most recent call last):
    ...
    ValueError: layer must be a row of the example classifier's summary, one of 'Conv2d-1', 'ReLU-2', ...; got 'Conv2d-5'
    """
    net = example_classifier()
    rows = {r.name: r for r in net.summary((3, 128, 128)).rows}
    if layer not in rows:
        names = ", ".join(repr(n) for n in list(rows)[:2])
        raise ValueError(
            f"layer must be a row of the example classifier's summary, one of {names}, ...; "
            f"got {layer!r}")
    what = f"the parameters of {layer} in the example classifier"
    expected = rows[layer].params
    module = net[list(rows).index(layer)]
    if module.param_shapes():
        weights = expected - (module.param_shapes().get("bias", (0,))[0])
        units = rows[layer].output_shape[0]
        kind = "filters" if layer.startswith("Conv") else "units"
        _hint(answer, weights, expected, what,
              f"that counts the weights only; each of the {units:,} {kind} also has a bias")
    check_number(answer, expected, what=what)


def wider_kernel(answer, layer=WIDER_CASE["layer"], kernel_size=WIDER_CASE["kernel_size"]):
    """Parameters of a row of the example classifier if its 3x3 filters were ``kernel_size``.

    >>> wider_kernel(128 * (5 * 5 * 256 + 1))
    Correct: the parameters of Conv2d-7 with 5x5 filters is 819,328.
    >>> wider_kernel(128 * (3 * 3 * 256 + 1))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the parameters of Conv2d-7 with 5x5 filters: that is the 3x3 layer of the summary; each filter now has 5 x 5 x 256 weights
      expected: 819328
      got:      295040
    """
    net = example_classifier()
    conv = net[net.layer_names().index(layer)]
    what = f"the parameters of {layer} with {kernel_size}x{kernel_size} filters"
    expected = _wider_expected(layer, kernel_size)
    _hint(answer, conv.num_params, expected, what,
          f"that is the 3x3 layer of the summary; each filter now has {kernel_size} x "
          f"{kernel_size} x {conv.in_channels} weights")
    _hint(answer, conv2d_params(conv.in_channels, conv.out_channels, kernel_size, bias=False),
          expected, what, f"that counts the weights only; each of the {conv.out_channels} filters "
          "also has a bias")
    check_number(answer, expected, what=what)
