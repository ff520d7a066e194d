"""Notebook 05's numbers and claims, checked against what cnnviz computes.

The notebook prints these values (nbval compares them); the tests say what must
hold for the prose around them to be true.
"""

import numpy as np
import pytest

import cnnviz
from cnnviz.lessons.volume import COLOUR_FILTERS, partial_sums
from cnnviz.images import load_sample

RGB = load_sample("chelsea", size=(96, 144))


def small_case():
    """The 6x6x3 example of section 3, made as the notebook makes it."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, size=(3, 6, 6)).astype(float)
    w = rng.integers(-1, 2, size=(2, 3, 3, 3)).astype(float)
    return x, w, np.array([1.0, -2.0])


def test_valid_output_of_the_photo_is_94_by_142():
    """'The output is 94x142: ... 96 - 3 + 1 = 94 ... 144 - 3 + 1 = 142.'"""
    out = cnnviz.conv2d(RGB, COLOUR_FILTERS["redness"][None], np.array([0.1]))
    assert out.shape == (1, 94, 142)


def test_small_example_gives_two_integer_maps_of_4x4():
    """'Each filter gives one 4x4 map ... (2, 4, 4)'; integers in, integers out."""
    x, w, b = small_case()
    y = cnnviz.conv2d(x, w, b)
    assert y.shape == (2, 4, 4)
    assert np.array_equal(y, np.round(y))
    assert set(np.unique(x)) <= {0, 1, 2, 3} and set(np.unique(w)) <= {-1, 0, 1}


def test_eight_filters_make_an_eight_channel_volume_with_224_parameters():
    """'All eight filters at once': output (8, 94, 142) and 8 x (27 + 1) = 224 numbers."""
    w8 = np.stack(list(COLOUR_FILTERS.values()))
    maps = cnnviz.conv2d(RGB, w8, np.zeros(len(w8)))
    assert maps.shape == (8, 94, 142)
    assert cnnviz.conv2d_params(3, 8, 3) == w8.size + len(w8) == 224
    second = cnnviz.conv2d(maps, np.ones((4, 8, 3, 3)) / 72)
    assert second.shape == (4, 92, 140)


@pytest.mark.parametrize("c_out, k, side, params", [(16, 3, 30, 448), (6, 5, 28, 456)])
def test_shapes_of_the_cifar_layers(c_out, k, side, params):
    """'16 filters of 3x3 give (16, 30, 30)' (not 29) and '6 filters of 5x5 give 28x28 maps'."""
    out = cnnviz.conv2d(np.zeros((3, 32, 32)), np.zeros((c_out, 3, k, k)))
    assert out.shape == (c_out, side, side)
    assert cnnviz.conv2d_params(3, c_out, k) == params


def test_redness_parts_have_the_signs_the_prose_describes():
    """'redness: the red part is positive almost everywhere ..., the green and blue parts are negative.'"""
    state = partial_sums(RGB, name="redness")
    red, green, blue = state.partials
    assert np.mean(red > 0) > 0.95
    assert np.mean(green < 0) > 0.95 and np.mean(blue < 0) > 0.95


def test_red_green_edge_parts_are_nearly_mirror_images():
    """'red-green edge: the red and green parts are nearly mirror images.'"""
    red, green, _ = partial_sums(RGB, name="red-green edge").partials
    assert np.corrcoef(red.ravel(), -green.ravel())[0, 1] > 0.8


def test_blue_only_leaves_two_white_maps_and_gives_the_blue_plane():
    """'blue only: two partial maps are plain white, and the output is the blue plane.'"""
    state = partial_sums(RGB, name="blue only")
    assert not state.partials[0].any() and not state.partials[1].any()
    np.testing.assert_allclose(state.output, RGB[2, 1:-1, 1:-1], atol=1e-6)


def test_bias_moves_only_the_sum_by_the_same_amount():
    """'Move the bias: only the sum changes, by the same amount everywhere.'"""
    a = partial_sums(RGB, name="redness", bias=0.0)
    b = partial_sums(RGB, name="redness", bias=0.3)
    np.testing.assert_array_equal(a.partials, b.partials)
    np.testing.assert_allclose(b.output - a.output, 0.3, atol=1e-6)
