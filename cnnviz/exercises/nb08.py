"""Exercises of notebook 08: a full CNN forward pass."""

from __future__ import annotations

import numpy as np

from ..checks import _fail, check_function, function_tried, not_tried
from ..layers import Sequential
from ..losses import softmax
from ..pretrained import shapes_cnn

#: the case of exercises 1 and 2: the same layers on bigger grey images
BIG_INPUT = (1, 36, 36)


def _flatten_length(input_shape=BIG_INPUT):
    net = shapes_cnn(pretrained=False)          # shapes need no weights
    upto_flatten = Sequential(net.layers[:7])
    return int(upto_flatten.output_shapes(input_shape)[-1][0])


def _dense_params(input_shape=BIG_INPUT):
    dense = shapes_cnn(pretrained=False)[7]
    return (_flatten_length(input_shape) + 1) * dense.out_features


#: Exercises whose answer is a value: check-function name -> the expected value.
ANSWERS = {
    "flatten_length": lambda: _flatten_length(),
    "dense_params": lambda: _dense_params(),
}
#: Exercises where the learner writes a function, checked against cnnviz on cases.
CODE_EXERCISES = ("tempered_softmax",)


def _check_int(answer, expected, *, what, inputs):
    if not_tried(answer, "a whole number"):
        return
    try:
        ok = float(answer) == expected
    except (TypeError, ValueError):
        ok = False
    if not ok:
        _fail(what, expected, answer, inputs)
    print(f"Correct: {what} is {expected:,}.")


def flatten_length(answer):
    """How many numbers Flatten-7 passes on when the network's layers get a 36x36 image.

    >>> flatten_length(16 * 9 * 9)
    Correct: the length of Flatten-7's output for a (1, 36, 36) input is 1,296.
    >>> flatten_length(16 * 7 * 7)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the length of Flatten-7's output for a (1, 36, 36) input
      input:    16 channels; padding=1 keeps each conv's size, each 2x2 pool halves it: 36 -> 18 -> 9
      expected: 1296
      got:      784
    """
    _check_int(answer, _flatten_length(), what=f"the length of Flatten-7's output for a {BIG_INPUT} input",
               inputs="16 channels; padding=1 keeps each conv's size, each 2x2 pool halves it: "
                      "36 -> 18 -> 9")


def dense_params(answer):
    """Parameters of the Dense layer that would follow Flatten-7 on 36x36 images (4 classes).

    >>> dense_params(4 * 1296 + 4)
    Correct: the parameters of Dense(1296, 4) is 5,188.
    """
    n = _flatten_length()
    _check_int(answer, _dense_params(), what=f"the parameters of Dense({n}, 4)",
               inputs=f"{n} inputs, 4 classes: one weight per input and class, one bias per class")


def _tempered(scores, t):
    return softmax(np.asarray(scores, dtype=float) / t)


def tempered_softmax(func):
    """A learner's ``func(scores, t)``: the probabilities ``softmax(scores / t)``.

    >>> tempered_softmax(lambda z, t: np.exp(np.asarray(z) / t) / np.exp(np.asarray(z) / t).sum())
    Correct: your softmax with a temperature agrees with cnnviz on 4 cases.
    >>> tempered_softmax(lambda z, t: None)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    """
    cases = [
        (np.array([2.0, 1.0, 0.0, -1.0]), 1.0),
        (np.array([2.0, 1.0, 0.0, -1.0]), 4.0),
        (np.array([3.0, -2.0, 0.5, 0.5]), 0.25),
        (np.array([0.0, 0.0, 0.0, 0.0]), 2.0),
    ]
    if not function_tried(func, *cases[0]):
        return
    check_function(func, _tempered, cases, what="your softmax with a temperature")
