"""Exercises of notebook 12: what the network looks at."""

from __future__ import annotations

import numpy as np

from ..checks import _fail, check_array, check_function, check_number, function_tried, not_tried
from ..datasets import draw_shape
from ..interpret import grad_cam, occlusion, saliency
from ..layers import Dense, Flatten, ReLU, Sequential
from ..lessons.interpretation import channel_weights

#: Exercise 1: the activations A of a tiny layer (2 channels of 2 x 2) ...
TINY_ACTIVATIONS = np.array([[[2, 0], [1, 1]],
                             [[0, 3], [2, 0]]], dtype=float)
#: ... and the gradient d(score)/dA of the class score with respect to them.
TINY_GRADIENT = np.array([[[2, -1], [1, 2]],
                          [[-3, 1], [-1, 2]]], dtype=float)
#: Exercise 2: a square drawn with its centre at (x, y) = OCCLUDED_CENTER, radius 6.5,
#: covered by 14 x 14 squares 14 pixels apart (a 2 x 2 map).
OCCLUDED_CENTER = (7, 21)
OCCLUDED_PATCH = 14


def tiny_network() -> Sequential:
    """A network whose class score is ``sum(TINY_GRADIENT * A)`` for the layer output A
    (a ReLU of a non-negative input, so ``A`` is the input itself): Grad-CAM at layer 0
    of :data:`TINY_ACTIVATIONS` is exercise 1's map."""
    dense = Dense(TINY_GRADIENT.size, 1)
    dense.weight = TINY_GRADIENT.reshape(1, -1).copy()
    dense.bias = np.zeros(1)
    return Sequential([ReLU(), Flatten(), dense])


def occluded_image():
    """Exercise 2's picture: a square of radius 6.5 centred at :data:`OCCLUDED_CENTER`."""
    return draw_shape("square", center=OCCLUDED_CENTER, radius=6.5)


def _alpha(k):
    return float(channel_weights(tiny_network(), TINY_ACTIVATIONS, 0, layer=0)[k])


def _worst_square(model):
    image = occluded_image()
    target = int(np.argmax(model.forward(image[None])[0]))
    drop = occlusion(model, image, target, patch=OCCLUDED_PATCH, stride=OCCLUDED_PATCH)
    i, j = np.unravel_index(int(np.argmax(drop)), drop.shape)
    return (int(i), int(j))


def _shipped():
    from ..pretrained import shapes_cnn

    return shapes_cnn()


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "alpha_by_hand": lambda: _alpha(1),
    "cam_by_hand": lambda: grad_cam(tiny_network(), TINY_ACTIVATIONS, 0, layer=0).tolist(),
    "worst_square": lambda: _worst_square(_shipped()),
}
#: Exercises where the learner writes a function.
CODE_EXERCISES = ("saliency_by_backward",)


def alpha_by_hand(answer):
    """Grad-CAM's weight alpha_1 of channel 1 for :data:`TINY_GRADIENT`.

    >>> alpha_by_hand(ANSWERS["alpha_by_hand"]())
    Correct: alpha_1, the mean of channel 1's gradient is -0.25.
    >>> alpha_by_hand(0.25)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: alpha_1, the mean of channel 1's gradient
      expected: -0.25
      got:      0.25
    """
    check_number(answer, ANSWERS["alpha_by_hand"](), tolerance=1e-9,
                 what="alpha_1, the mean of channel 1's gradient")


def cam_by_hand(answer):
    """The Grad-CAM map ReLU(alpha_0 A_0 + alpha_1 A_1) of the tiny layer, 2 x 2.

    >>> cam_by_hand(ANSWERS["cam_by_hand"]())
    Correct: the Grad-CAM map of the tiny layer matches, shape (2, 2).
    """
    check_array(answer, np.asarray(ANSWERS["cam_by_hand"]()), what="the Grad-CAM map of the tiny "
                "layer", inputs=f"A = {TINY_ACTIVATIONS.astype(int).tolist()}, d score / dA = "
                f"{TINY_GRADIENT.astype(int).tolist()}")


def worst_square(answer):
    """``(row, col)`` of the 14 x 14 square whose cover lowers the predicted class most.

    >>> worst_square((0, 0))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the square (row, col) whose cover hurts most
      expected: (1, 0)
      got:      (0, 0)
    """
    what = "the square (row, col) whose cover hurts most"
    if not_tried(answer, what):
        return
    expected = ANSWERS["worst_square"]()
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        _fail(what, expected, repr(answer))
    if got != expected:
        _fail(what, expected, got)
    print(f"Correct: {what} is {expected}.")


def saliency_by_backward(func):
    """A learner's ``func(model, image, target)``: d(score of target)/d(image), from the
    model's own forward (``return_all=True``) and the layers' ``backward``.

    >>> def mine(model, image, target):
    ...     outputs = model.forward(image[None], return_all=True)
    ...     grad = np.zeros_like(outputs[-2])
    ...     grad[0, target] = 1
    ...     for layer in reversed(model.layers[:-1]):
    ...         grad = layer.backward(grad)
    ...     return grad[0]
    >>> saliency_by_backward(mine)
    Correct: your saliency agrees with cnnviz on 4 cases.
    >>> saliency_by_backward(lambda model, image, target: None)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    """
    net = _shipped()
    cases = [(draw_shape("circle"), 0), (draw_shape("square", angle=20), 1),
             (draw_shape("triangle"), 3), (draw_shape("cross", angle=30), 2)]
    if not function_tried(func, net, *cases[0]):
        return
    check_function(lambda image, target: func(net, image, target),
                   lambda image, target: saliency(net, image, target), cases,
                   what="your saliency")
