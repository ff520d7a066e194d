"""Notebook 01's claims, checked against what cnnviz computes (the numbers are not pinned
in the notebook's cells; nbval compares the printed outputs)."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.exercises import nb01
from cnnviz.lessons.pixels import MAX_ANNOTATED, pixel_patch, split_channel
from cnnviz.images import load_sample


@pytest.fixture(scope="module")
def grey():
    return load_sample("chelsea", grey=True)


@pytest.fixture(scope="module")
def rgb():
    return load_sample("chelsea")


def test_no_pure_white_or_black(grey):
    """'this photo has no pure white or pure black': its 0-255 values stay inside 1..254."""
    values = np.round(grey * 255)
    assert values.min() >= 1 and values.max() <= 254
    assert np.round(grey.max() * 255) == 194


def test_grey_is_the_luma_mix_and_not_whole_numbers(grey, rgb):
    """'each grey value was made ... as 0.299 R + 0.587 G + 0.114 B', so grey * 255 is not whole."""
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    assert np.allclose(grey, luma, atol=1e-6)
    scaled = grey.astype(np.float64) * 255
    assert np.mean(np.abs(scaled - np.round(scaled)) > 1e-3) > 0.5


def test_eye_patch_is_brightest_in_red(grey, rgb):
    """'inside the left eye, red is the brightest of the three planes ... Red and green both stand far above blue'."""
    H, W = grey.shape
    means = [split_channel(rgb, channel=c, row=H // 3, col=W // 3).patch.mean()
             for c in ("red", "green", "blue")]
    assert means[0] > means[1] > means[2]
    assert means[1] - means[2] > means[0] - means[1]


def test_numbers_fit_up_to_twelve(grey):
    """'Make the patch bigger than 12x12 and the numbers no longer fit'."""
    assert MAX_ANNOTATED == 12
    assert pixel_patch(grey, row=0, col=0, size=12).annotated
    assert not pixel_patch(grey, row=0, col=0, size=13).annotated


def test_dense_layer_counts():
    """The summary's 196,608 inputs, 196,609,000 parameters and 2,500,000 weights."""
    inputs = 256 * 256 * 3
    assert inputs == 196_608
    assert cnnviz.dense_params(inputs, 1000) == 196_609_000 == inputs * 1000 + 1000
    assert cnnviz.dense_params(50 * 50, 1000, bias=False) == 2_500_000


def test_answers_are_the_computed_values(grey):
    """ANSWERS compute each exercise's value from the case the notebook states."""
    assert nb01.ANSWERS["count_inputs"]() == 12_288
    assert nb01.ANSWERS["pixel_value"]() == int(np.round(grey[120, 300] * 255))
    assert nb01.ANSWERS["dense_weights"]() == 28 * 28 * 100 + 100
    assert set(nb01.ANSWERS) | set(nb01.CODE_EXERCISES) == {
        "count_inputs", "pixel_value", "dense_weights", "channels_first"}


def test_pixel_value_accepts_rounded_and_exact(grey, capsys):
    """Exercise 2 accepts the rounded value and the exact one, and refuses a value 1 off."""
    exact = float(grey[120, 300] * 255)
    nb01.pixel_value(round(exact))
    nb01.pixel_value(exact)
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(CheckError, match=r"expected: 142 \(exactly 142\.099\)\n  got:      141"):
        nb01.pixel_value(round(exact) - 1)
    with pytest.raises(CheckError, match="got:      'a lot'"):
        nb01.pixel_value("a lot")


def test_wrong_answers_are_refused():
    """Each value exercise refuses a near miss, and the code exercise a wrong layout."""
    with pytest.raises(CheckError, match="expected: 78,500|expected: 78500"):
        nb01.dense_weights(28 * 28 * 100)
    with pytest.raises(CheckError):
        nb01.channels_first(lambda a: a.reshape(3, a.shape[0], a.shape[1]))
