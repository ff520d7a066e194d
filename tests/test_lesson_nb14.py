"""Notebook 14's claims, checked against what cnnviz computes (the prose states them; the
notebook's cells print the numbers and nbval compares them), and its exercises' checks."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.exercises import nb14
from cnnviz.lessons.beyond import causal_stack_state, transposed_state


# ---------------------------------------------------------------------- section 1
def test_two_by_two_input_three_by_three_kernel_stride_two_gives_five_by_five():
    """'a 2x2 input and a 3x3 kernel at stride 2' (the curriculum's 5x5)."""
    out = cnnviz.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2)
    assert out.shape == (1, 1, 5, 5)
    assert cnnviz.conv_transpose_output_size(2, 3, stride=2) == 5


def test_stride_two_convolution_sends_five_by_five_to_two_by_two():
    """'A convolution with stride 2 sends a 5x5 input to a 2x2 output'."""
    assert cnnviz.conv2d(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), stride=2).shape == (1, 2, 2)


@pytest.mark.parametrize("k", [3, 5])
def test_three_kernel_stride_two_gives_one_two_or_four_stamps(k):
    """'some pixels get one stamp, some two, some four' (k = 3); with k not a multiple of
    the stride, counts always differ inside."""
    counts = transposed_state(6, k, stride=2).interior_counts
    assert len(counts) > 1
    if k == 3:
        assert counts == [1, 2, 4]


def test_four_kernel_stride_two_gives_the_same_count_everywhere_inside():
    """'When the kernel size is a multiple of the stride (4 at stride 2), every pixel inside
    the output gets the same number of stamps.'"""
    assert transposed_state(6, 4, stride=2).interior_counts == [4]


def test_resize_then_convolve_sums_the_same_taps_inside():
    """'every pixel inside is then the sum of the same k * k taps'."""
    for k, s in [(3, 2), (4, 3), (5, 2)]:
        res = transposed_state(6, k, stride=s).resize_coverage
        assert np.all(res[k:-k, k:-k] == k * k)


# ---------------------------------------------------------------------- section 2
def test_matrix_of_four_by_four_and_three_by_three_is_four_by_sixteen():
    """'a 3x3 kernel gives a 2x2 output, 4 numbers; the convolution is a 4x16 matrix'."""
    assert cnnviz.conv2d_matrix((1, 4, 4), np.ones((1, 1, 3, 3))).shape == (4, 16)


def test_the_matrix_for_a_photo_would_need_hundreds_of_billions_of_entries():
    """'a 224x224 RGB image and 64 filters of 3x3 would need hundreds of billions of entries'
    ('same' padding: every pixel an output)."""
    entries = (64 * 224 * 224) * (3 * 224 * 224)
    assert 1e11 <= entries < 1e12
    with pytest.raises(ValueError, match="conv2d_matrix for input_shape"):
        cnnviz.conv2d_matrix((3, 224, 224), np.ones((64, 3, 3, 3)), padding="same")


# ---------------------------------------------------------------------- section 3
def test_same_average_of_nine_sees_four_samples_ahead():
    """'a 9-tap average at time t already knows four samples of the future'."""
    x = np.zeros(30)
    x[14] = 1.0
    out = cnnviz.conv1d(x[None], np.ones((1, 1, 9)) / 9, padding="same")[0]
    assert np.flatnonzero(out).min() == 14 - 4


def test_ten_doubling_layers_see_over_a_thousand_samples():
    """'four layers see 1 + 1 + 2 + 4 + 8 samples, and ten layers over a thousand'."""
    assert causal_stack_state((1, 2, 4, 8), 2).field == 1 + 1 + 2 + 4 + 8
    assert causal_stack_state(tuple(2 ** i for i in range(10)), 2).field > 1000


# ---------------------------------------------------------------------- section 4
def test_groups_divide_the_weights():
    """'the weight is (C_out, C_in / g, k, k), g times fewer weights'."""
    for g in (1, 2, 4, 8):
        layer = cnnviz.Conv2d(8, 8, 3, groups=g, bias=False)
        assert layer.param_shapes()["weight"] == (8, 8 // g, 3, 3)
        assert layer.num_params * g == 8 * 8 * 9


# ---------------------------------------------------------------------- exercises
def test_exercise_answers_are_computed_by_independent_means():
    """The expected values agree with the formula, a probed matrix and the recurrence."""
    c = nb14.TRANSPOSED_CASE
    assert nb14.ANSWERS["transposed_size"]() == ((c["size"] - 1) * c["stride"] - 2 * c["padding"]
                                                 + (c["kernel_size"] - 1) + c["output_padding"]
                                                 + 1)
    M = nb14.ANSWERS["matrix_by_hand"]()
    cols = []
    for q in range(9):
        e = np.zeros((1, 3, 3))
        e.flat[q] = 1.0
        cols.append(cnnviz.conv2d(e, nb14.MATRIX_KERNEL[None, None]).ravel())
    np.testing.assert_array_equal(M, np.stack(cols, axis=1))
    assert nb14.ANSWERS["stack_field"]() == 1 + 2 * (1 + 2 + 4)


@pytest.mark.parametrize("name", ["transposed_size", "matrix_by_hand", "stack_field"])
def test_exercise_checks_accept_the_answer_and_reject_a_near_miss(name, capsys):
    check = getattr(nb14, name)
    expected = nb14.ANSWERS[name]()
    check(expected)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(CheckError, match="expected"):
        check(expected + 1)
    check(...)
    assert "Not tried yet" in capsys.readouterr().out


def test_matrix_check_rejects_the_transpose():
    with pytest.raises(CheckError, match="has the wrong shape"):
        nb14.matrix_by_hand(nb14.ANSWERS["matrix_by_hand"]().T)
