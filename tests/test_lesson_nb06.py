"""Notebook 06's numbers and claims, checked against what cnnviz computes."""

import numpy as np
import pytest

import cnnviz
from cnnviz.lessons.pool_views import shift_state
from cnnviz.images import load_sample

X = np.array([[2, 8, 1, 0], [5, 3, 4, 6], [0, 1, 7, 2], [9, 4, 3, 5]])


def feature_map():
    """ReLU(Sobel x) of the grey cat at 72x108, as section 2 makes it."""
    grey = load_sample("chelsea", grey=True, size=(72, 108))
    edges = cnnviz.correlate2d(grey, cnnviz.filters.SOBEL_X, padding=1, pad_mode="replicate")
    return np.maximum(edges, 0)


FMAP = feature_map()


def fraction_same(a, b):
    counted = (a != 0) | (b != 0)
    return ((a == b) & counted).sum() / counted.sum()


def test_the_4x4_example_pools_to_the_quoted_values():
    """'its maximum is 8 and its mean is 18 / 4 = 4.5'; the whole pooled matrices."""
    assert cnnviz.max_pool2d(X[None], 2)[0].tolist() == [[8, 6], [9, 7]]
    assert cnnviz.avg_pool2d(X[None], 2)[0].tolist() == [[4.5, 2.75], [3.5, 4.25]]


def test_pooling_keeps_the_channels():
    """16 maps of 32x32 become 16 maps of 16x16."""
    volume = np.random.default_rng(0).random((16, 32, 32))
    assert cnnviz.max_pool2d(volume, 2).shape == (16, 16, 16)


def test_about_half_of_the_feature_map_is_zero():
    """'exactly zero wherever the response was negative: about half of the pixels'; pooled to 36x54."""
    assert 0.4 < np.mean(FMAP == 0) < 0.6
    assert cnnviz.max_pool2d(FMAP[None], 2)[0].shape == (36, 54)


@pytest.mark.parametrize("n, k, s, out", [(4, 2, 2, 2), (72, 2, 2, 36), (108, 5, 5, 21), (126, 3, 3, 42)])
def test_output_sizes_of_section_3(n, k, s, out):
    """The printed sizes, with the stride defaulting to the window."""
    assert cnnviz.pool_output_size(n, k, stride=s) == out
    assert cnnviz.pool_output_size(n, k) == out


def test_21_windows_of_5_leave_3_columns():
    """'21 windows of 5 pixels cover 105 of the 108 columns, and the last 3 columns are ignored.'"""
    assert cnnviz.pool_output_size(108, 5) * 5 == 105


def test_ceil_mode_adds_the_last_window_but_never_an_empty_one():
    """A row of five: floor [3, 4], ceil [3, 4, 5]; 72 rows, k 2, s 8: 9 windows either way."""
    row = np.array([[[3., 1, 4, 1, 5]]])
    assert cnnviz.max_pool2d(row, (1, 2))[0, 0].tolist() == [3, 4]
    assert cnnviz.max_pool2d(row, (1, 2), ceil_mode=True)[0, 0].tolist() == [3, 4, 5]
    assert cnnviz.pool_output_size(72, 2, stride=8, ceil_mode=True) == 9
    assert cnnviz.pool_output_size(72, 2, stride=8) == 9


def test_ceil_mode_changes_nothing_at_the_explorers_first_settings():
    """'With ... a window and stride of 2, ceil mode changes nothing: 72 - 2 and 108 - 2 divide by 2.'"""
    for n in (72, 108):
        assert cnnviz.pool_output_size(n, 2, ceil_mode=True) == cnnviz.pool_output_size(n, 2)


def test_pooling_has_no_parameters():
    """'MaxPool2d(2).num_params == 0, against 36,928 for a Conv2d(64, 64, 3).'"""
    assert cnnviz.Conv2d(64, 64, 3).num_params == 64 * 64 * 3 * 3 + 64 == 36_928
    assert cnnviz.MaxPool2d(2).num_params == 0 and cnnviz.AvgPool2d(2).num_params == 0


def test_a_one_pixel_shift_keeps_about_one_pooled_value_in_five():
    """'not a single non-zero value stays put ... After pooling, about one value in five survives.'"""
    original, shifted = FMAP[:, 3:], FMAP[:, 2:-1]
    assert fraction_same(original, shifted) == 0
    after = fraction_same(cnnviz.max_pool2d(original[None], 2)[0], cnnviz.max_pool2d(shifted[None], 2)[0])
    assert 0.15 < after < 0.25


def test_a_4x4_window_keeps_about_two_in_five():
    """'A larger window keeps more values (about two in five for 4x4).'"""
    assert 0.33 < shift_state(FMAP, shift=1, kernel_size=4).same_after < 0.47


def test_the_winner_leaves_with_the_column_about_half_the_time():
    """'with a 2x2 window and a one-pixel shift, the winner sits in the leaving column about half the time.'"""
    original = FMAP[:, 3:]
    _, idx = cnnviz.max_pool2d(original[None], 2, return_indices=True)
    pooled = cnnviz.max_pool2d(original[None], 2)[0]
    cols = idx[0] % original.shape[1]
    active = pooled > 0
    in_right_column = (cols % 2 == 1)[active]
    assert 0.35 < in_right_column.mean() < 0.65


def test_a_two_pixel_shift_moves_the_pooled_map_by_one_cell():
    """'set the shift to 2 ...: almost nothing stays in place' but the map moved by exactly one cell."""
    original, two = FMAP[:, 3:], FMAP[:, 1:-2]
    p0, p2 = (cnnviz.max_pool2d(m[None], 2)[0] for m in (original, two))
    assert fraction_same(p0, p2) < 0.05
    assert np.array_equal(p2[:, 1:], p0[:, :-1])


def test_winner_indices_and_gradient_of_the_4x4_example():
    """Winners at [[1, 7], [12, 10]]; a gradient of 1 from each output lands on those 4 pixels only."""
    _, indices = cnnviz.max_pool2d(X[None], 2, return_indices=True)
    assert indices[0].tolist() == [[1, 7], [12, 10]]
    layer = cnnviz.MaxPool2d(2)
    layer.forward(X[None].astype(float))
    grad = layer.backward(np.ones((1, 2, 2)))[0]
    assert grad.sum() == 4 and np.all(grad.ravel()[indices[0].ravel()] == 1)


def test_a_4x4_window_with_stride_4_gives_18_by_27():
    """'Set the window to 4 and the stride to 4: 18x27 values.'"""
    assert cnnviz.max_pool2d(FMAP[None], 4)[0].shape == (18, 27)
