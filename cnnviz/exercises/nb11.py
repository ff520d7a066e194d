"""Exercises of notebook 11: data augmentation and transfer learning."""

from __future__ import annotations

import numpy as np

from .. import augment
from ..checks import CheckError, check_function, check_number, function_tried, not_tried
from ..models import vgg16

#: the augmentations of exercise 2, numbered as the notebook lists them
AUGMENTATIONS = ("rotation", "zoom", "shift", "flip")
#: exercise 2: trained on upright, centred, same-sized shapes; tested on shapes of the
#: same size in the same place, each turned by an angle anywhere from 0 to 360 degrees
TEST_SET = dict(scale=(0.3, 0.3), angle=(0, 360), position=(0.5, 0.5))
#: exercise 3: VGG16 without its dense top, frozen, on 3x96x96 pictures, a new dense head
HEAD_CASE = dict(input_shape=(3, 96, 96), num_classes=5)


def _needed(test_set=TEST_SET):
    """The number (from 1) of the one augmentation whose range the test set widens."""
    from ..lessons.augmentation import CANONICAL

    widened = [key for key in ("angle", "scale", "position") if test_set[key] != CANONICAL[key]]
    (key,) = widened
    return 1 + {"angle": 0, "scale": 1, "position": 2}[key]


def _head_params(input_shape=HEAD_CASE["input_shape"], num_classes=HEAD_CASE["num_classes"]):
    features = int(np.prod(vgg16(include_top=False).output_shapes(input_shape)[-1]))
    return features * num_classes + num_classes


#: Exercises whose answer is a value: check-function name -> the expected value.
ANSWERS = {
    "augmentation_needed": _needed,
    "trainable_params": _head_params,
}
#: Exercises where the learner writes a function.
CODE_EXERCISES = ("my_shift",)


def _cases():
    rng = np.random.default_rng(11)
    image = rng.random((3, 4)).round(1)
    return [(image, dx, dy) for dx, dy in ((1, 0), (0, 2), (-2, 1), (3, -2), (0, 0), (-3, 0))]


def my_shift(func):
    """``func(image, dx, dy)`` moves a grey image right by ``dx`` and down by ``dy`` whole
    pixels, zeros coming in, like :func:`cnnviz.augment.shift`.

    >>> def slicing(image, dx, dy):
    ...     out = np.zeros_like(image)
    ...     H, W = image.shape
    ...     out[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
    ...         image[max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
    ...     return out
    >>> my_shift(lambda image, dx, dy: None)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    >>> my_shift(slicing)
    Correct: your shift agrees with cnnviz on 6 cases.
    >>> my_shift(lambda image, dx, dy: np.roll(image, (dy, dx), axis=(0, 1)))
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: your shift differs from cnnviz in 2 value(s), the first at index (1, 0)
      input:    [[0.1, 0.5, 0.6, 0.0], [0.1, 0.9, 0.1, 0.1], [0.9, 0.6, 0.4, 0.5]], 1, 0
      expected: [[0.0, 0.1, 0.5, 0.6], [0.0, 0.1, 0.9, 0.1], [0.0, 0.9, 0.6, 0.4]]
      got:      [[0.0, 0.1, 0.5, 0.6], [0.1, 0.1, 0.9, 0.1], [0.5, 0.9, 0.6, 0.4]]
    """
    if function_tried(func, *_cases()[0]):
        check_function(func, lambda image, dx, dy: augment.shift(image, dx, dy), _cases(),
                       what="your shift")


def augmentation_needed(answer, test_set=TEST_SET):
    """The number (1 to 4) of the augmentation in :data:`AUGMENTATIONS` that the test set needs.

    >>> augmentation_needed(1)
    Correct: the augmentation that covers the test set is 1.
    >>> augmentation_needed(4)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the augmentation that covers the test set: a mirrored shape is still upright: the test set turns its shapes
      expected: 1
      got:      4
    """
    what = "the augmentation that covers the test set"
    if not_tried(answer, "the number of the augmentation"):
        return
    expected = _needed(test_set)
    hints = {1: "the test set turns its shapes", 2: "the test set draws every shape the same size",
             3: "the test set puts every shape in the middle",
             4: "a mirrored shape is still upright: the test set turns its shapes"}
    if answer in hints and answer != expected:
        raise CheckError(f"Not quite: {what}: {hints[answer]}\n  expected: {expected}\n"
                         f"  got:      {answer}")
    check_number(answer, expected, what=what)


def trainable_params(answer, input_shape=HEAD_CASE["input_shape"],
                     num_classes=HEAD_CASE["num_classes"]):
    """Trainable parameters of frozen VGG16 (no top) with a new dense head.

    >>> trainable_params(23045)
    Correct: the trainable parameters of a 5-class head on frozen VGG16 (3x96x96 input) is 23,045.
    >>> trainable_params(23040)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the trainable parameters of a 5-class head on frozen VGG16 (3x96x96 input): every output also has a bias
      expected: 23045
      got:      23040
    """
    expected = _head_params(input_shape, num_classes)
    what = (f"the trainable parameters of a {num_classes}-class head on frozen VGG16 "
            f"({'x'.join(map(str, input_shape))} input)")
    if not_tried(answer, "the number of trainable parameters"):
        return
    if answer == expected - num_classes:
        raise CheckError(f"Not quite: {what}: every output also has a bias\n"
                         f"  expected: {expected}\n  got:      {answer}")
    check_number(answer, expected, what=what)


__all__ = ["ANSWERS", "AUGMENTATIONS", "CODE_EXERCISES", "HEAD_CASE", "TEST_SET",
           "augmentation_needed", "my_shift", "trainable_params"]
