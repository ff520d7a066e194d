"""The self-checks of notebook 11: right answers pass, known slips get their hint, the rest fail loudly."""

import numpy as np
import pytest

from cnnviz.checks import CheckError
from cnnviz.exercises import nb11


def slicing_shift(image, dx, dy):
    out = np.zeros_like(image)
    H, W = image.shape
    out[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
        image[max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
    return out


def loop_shift(image, dx, dy):
    """The definition, pixel by pixel: out[y, x] = image[y - dy, x - dx] where that is inside."""
    H, W = image.shape
    out = np.zeros_like(image)
    for y in range(H):
        for x in range(W):
            if 0 <= y - dy < H and 0 <= x - dx < W:
                out[y, x] = image[y - dy, x - dx]
    return out


def test_shift_check_accepts_slicing_and_loops(capsys):
    """A slicing solution and the pixel loop both pass on every case."""
    nb11.my_shift(slicing_shift)
    nb11.my_shift(loop_shift)
    assert capsys.readouterr().out.count("Correct: your shift agrees with cnnviz on 6 cases.") == 2


@pytest.mark.parametrize("wrong", [
    lambda image, dx, dy: np.roll(image, (dy, dx), axis=(0, 1)),      # wraps around
    lambda image, dx, dy: loop_shift(image, dy, dx),                   # axes swapped
    lambda image, dx, dy: loop_shift(image, -dx, -dy),                 # the wrong way
])
def test_shift_check_rejects_wrong_shifts(wrong):
    """Wrapping, swapping the axes or moving the wrong way fails, showing input and values."""
    with pytest.raises(CheckError, match=r"your shift differs from cnnviz .*\n  input: "):
        nb11.my_shift(wrong)


def test_shift_check_waits_for_an_attempt(capsys):
    """An empty body (returning None) gets a reminder, not a failure."""
    nb11.my_shift(lambda image, dx, dy: None)
    assert "Not tried yet" in capsys.readouterr().out


def test_augmentation_needed():
    """Only rotation covers a test set that turns same-sized, centred shapes; each wrong
    choice gets a hint of its own."""
    assert nb11.AUGMENTATIONS[nb11.ANSWERS["augmentation_needed"]() - 1] == "rotation"
    nb11.augmentation_needed(1)
    for wrong, hint in [(2, "same size"), (3, "in the middle"), (4, "mirrored shape is still upright")]:
        with pytest.raises(CheckError, match=hint):
            nb11.augmentation_needed(wrong)
    with pytest.raises(CheckError, match=r"expected: 1\n  got:      7"):
        nb11.augmentation_needed(7)


def test_trainable_params_against_hand_count():
    """VGG16's five pools take 96 to 3: 512 x 3 x 3 features, times 5 weights each, plus 5 biases."""
    assert nb11.ANSWERS["trainable_params"]() == 512 * 3 * 3 * 5 + 5
    nb11.trainable_params(512 * 3 * 3 * 5 + 5)
    with pytest.raises(CheckError, match="every output also has a bias"):
        nb11.trainable_params(512 * 3 * 3 * 5)
    with pytest.raises(CheckError, match=r"expected: 23045\n  got:      14714880"):
        nb11.trainable_params(14_714_880)


def test_value_checks_wait_for_an_attempt(capsys):
    """`answer = ...` prints one reminder per check."""
    nb11.augmentation_needed(...)
    nb11.trainable_params(...)
    out = capsys.readouterr().out
    assert out.count("Not tried yet") == 2
