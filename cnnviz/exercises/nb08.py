"""Exercises of notebook 08: a full CNN forward pass."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, not_tried, check_number
from ..datasets import CLASS_NAMES
from ..pretrained import INPUT_SHAPE, shapes_cnn


def _fail(what, expected, got, hint=""):
    lines = [f"Not quite: {what}" + (f" ({hint})" if hint else ""),
             f"  expected: {expected}", f"  got:      {got}"]
    raise CheckError("\n".join(lines))


def shape_after(answer, layer=6):
    """The output shape of layer ``layer`` (1-based) of the shapes network, for one image.

    >>> shape_after((16, 7, 7))
    Correct: the output of layer 6, MaxPool2d-6, has shape (16, 7, 7).
    >>> shape_after((1, 16, 7, 7))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the shape after layer 6, MaxPool2d-6 (leave out the batch axis: shapes here are for one image)
      expected: (16, 7, 7)
      got:      (1, 16, 7, 7)
    """
    net = shapes_cnn(pretrained=False)          # shapes need no weights
    name = net.layer_names()[layer - 1]
    expected = net.output_shapes(INPUT_SHAPE)[layer - 1]
    what = f"the shape after layer {layer}, {name}"
    if not_tried(answer, "a tuple such as (8, 28, 28)"):
        return
    try:
        got = tuple(int(v) for v in np.atleast_1d(answer))
    except (TypeError, ValueError):
        _fail(what, expected, repr(answer), "give the shape as a tuple of whole numbers")
    if got != expected:
        hint = ""
        if got == (1, *expected):
            hint = "leave out the batch axis: shapes here are for one image"
        elif len(got) == 3 and len(expected) == 3 and got[0] == expected[0]:
            hint = "right number of channels; check what padding and pooling do to the size"
        _fail(what, expected, got, hint)
    print(f"Correct: the output of layer {layer}, {name}, has shape {expected}.")


def first_conv_params(answer):
    """The number of parameters (weights and biases) of the network's first conv layer.

    >>> first_conv_params(80)
    Correct: the number of parameters of Conv2d(1, 8, kernel_size=3, padding=1) is 80.
    >>> first_conv_params(72)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the weights are right; each of the 8 filters also has a bias
      expected: 80
      got:      72
    """
    conv = shapes_cnn(pretrained=False)[0]
    weights = conv.out_channels * conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
    if answer is not ... and isinstance(answer, (int, np.integer)) and answer == weights:
        _fail(f"the weights are right; each of the {conv.out_channels} filters also has a bias",
              conv.num_params, answer)
    check_number(answer, conv.num_params, what=f"the number of parameters of {conv!r}")


def top_class(answer, image):
    """The class the trained network gives the highest probability for ``image``.

    ``answer`` is a class name ("circle", "square", "triangle" or "cross") or its index.

    >>> from cnnviz.datasets import draw_shape
    >>> top_class("triangle", draw_shape("triangle"))
    Correct: the network's most probable class is 'triangle' (index 2), with probability 0.999.
    >>> top_class("circle", draw_shape("triangle"))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the most probable class (compute probs = net.forward(image) and look for the largest)
      expected: 'triangle'
      got:      'circle'
    """
    probs = shapes_cnn().forward(np.asarray(image, dtype=np.float32).reshape(INPUT_SHAPE))
    best = int(np.argmax(probs))
    expected = CLASS_NAMES[best]
    if not_tried(answer, "a class name such as 'circle'"):
        return
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        ok = int(answer) == best
    else:
        ok = isinstance(answer, str) and answer.strip().lower() == expected
    if not ok:
        _fail("the most probable class", repr(expected), repr(answer),
              "compute probs = net.forward(image) and look for the largest")
    print(f"Correct: the network's most probable class is {expected!r} (index {best}), "
          f"with probability {probs[best]:.3f}.")
