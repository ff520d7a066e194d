"""Notebook 02's claims, checked against what cnnviz computes (the numbers are not pinned
in the notebook's cells; nbval compares the printed outputs)."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.exercises import nb02
from cnnviz.lessons.stepper import EXAMPLES, FIVE_BY_FIVE, WORKED_INPUT, WORKED_KERNEL
from cnnviz.filters import KERNELS, SOBEL_X, VERTICAL_EDGE


def test_worked_example():
    """The worked example: 0×0 + 1×1 + 3×2 + 4×3 = 19, and the output [[19, 25], [37, 43]]."""
    x, k = np.arange(9).reshape(3, 3), np.array([[0, 1], [2, 3]])
    assert np.array_equal(WORKED_INPUT, x) and np.array_equal(WORKED_KERNEL, k)
    assert (x[:2, :2] * k).sum() == 19
    assert np.array_equal(cnnviz.correlate2d(x, k), [[19, 25], [37, 43]])
    assert np.array_equal(cnnviz.convolve2d(x, k), [[5, 11], [23, 29]])


def test_output_shapes():
    """'A 5x5 input and a 3x3 kernel therefore give a 3x3 feature map'; 4x7 with 2x3 gives 3x5."""
    assert cnnviz.correlate2d(FIVE_BY_FIVE, VERTICAL_EDGE).shape == (3, 3)
    assert (cnnviz.conv_output_size(4, 2), cnnviz.conv_output_size(7, 3)) == (3, 5)


def test_five_by_five_edge_response():
    """'strongly negative (about -20)' at the jump; 'small (between -3 and -1)' before it."""
    fmap = cnnviz.correlate2d(FIVE_BY_FIVE, VERTICAL_EDGE)
    assert np.all((fmap[:, 1:] >= -21) & (fmap[:, 1:] <= -18))
    assert np.all((fmap[:, 0] >= -3) & (fmap[:, 0] <= -1))


def test_step_edge_example_is_zero_or_minus_three():
    """'the output is 0 wherever the window sees a flat region and -3 wherever it straddles the step'."""
    image, kernel = EXAMPLES["6x6 step edge, vertical edge kernel"]
    out = cnnviz.correlate2d(image, kernel)
    assert set(np.unique(out)) == {0.0, -3.0}
    assert np.array_equal(np.flatnonzero(out[0] == -3), [1, 2])


def test_full_convolution_commutes_and_valid_does_not():
    """'with the full output ... convolving a with b gives the same result as b with a'."""
    rng = np.random.default_rng(0)
    for _ in range(5):
        a = rng.normal(size=tuple(rng.integers(2, 6, size=2)))
        b = rng.normal(size=tuple(rng.integers(2, 6, size=2)))
        ab = cnnviz.convolve2d(a, b, padding=(b.shape[0] - 1, b.shape[1] - 1))
        ba = cnnviz.convolve2d(b, a, padding=(a.shape[0] - 1, a.shape[1] - 1))
        assert np.allclose(ab, ba)
    with pytest.raises(ValueError):     # valid output: the bigger one cannot slide over the smaller
        cnnviz.convolve2d(np.ones((2, 2)), np.ones((3, 3)))


def test_which_kernels_agree_under_the_flip():
    """'Kernels that look the same after a 180° turn (identity, box blur, Gaussian blur, sharpen,
    Laplacian) give identical outputs. Edge kernels ... change sign.'"""
    same = {n for n, k in KERNELS.items() if np.allclose(np.rot90(k, 2), k)}
    negated = {n for n, k in KERNELS.items() if np.allclose(np.rot90(k, 2), -k)}
    assert same == {"Identity", "Box blur", "Gaussian blur", "Sharpen", "Laplacian"}
    assert negated == {"Vertical edge", "Horizontal edge", "Sobel x", "Sobel y",
                       "Prewitt x", "Prewitt y"}


def test_symmetric_is_not_enough():
    """'[[1, 2], [2, 5]] equals its transpose, yet turned by 180° it becomes [[5, 2], [2, 1]]'."""
    k = np.array([[1, 2], [2, 5]])
    assert np.array_equal(k, k.T)
    assert np.array_equal(np.rot90(k, 2), [[5, 2], [2, 1]])
    x = np.random.default_rng(1).normal(size=(4, 4))
    assert not np.allclose(cnnviz.correlate2d(x, k), cnnviz.convolve2d(x, k))


def test_answers_are_computed_from_the_stated_cases():
    """ANSWERS: Sobel x on FIVE_BY_FIVE at (1, 1) is 30 (as the solution works out); (6, 9) with (3, 4) is (4, 6)."""
    window = FIVE_BY_FIVE[1:4, 1:4]
    assert nb02.ANSWERS["output_value"]() == int(np.sum(window * SOBEL_X)) == 30
    assert nb02.ANSWERS["output_shape"]() == (4, 6)
    assert set(nb02.ANSWERS) | set(nb02.CODE_EXERCISES) == {
        "output_value", "output_shape", "cross_correlation", "true_convolution"}


def test_value_checks_refuse_near_misses(capsys):
    """A sign error or an off-by-one shape is refused; the right answers pass."""
    with pytest.raises(CheckError, match="expected: 30"):
        nb02.output_value(-30)
    with pytest.raises(CheckError, match=r"expected: \(4, 6\)"):
        nb02.output_shape((3, 5))
    nb02.output_value(30.0)
    nb02.output_shape([4, 6])
    assert capsys.readouterr().out.count("Correct") == 2


def test_code_checks_refuse_the_other_operation():
    """Correlation passed as convolution (and the reverse) is refused."""
    with pytest.raises(CheckError):
        nb02.true_convolution(cnnviz.correlate2d)
    with pytest.raises(CheckError):
        nb02.cross_correlation(cnnviz.convolve2d)


def test_shift_and_emboss_under_the_flip():
    """'The shift kernel moves the picture the other way, and emboss lights it from the opposite side'."""
    from cnnviz.filters import EMBOSS, IDENTITY, SHIFT
    x = np.random.default_rng(2).normal(size=(6, 6))
    right = cnnviz.correlate2d(x, SHIFT, padding="same")
    left = cnnviz.convolve2d(x, SHIFT, padding="same")
    assert np.allclose(right[:, 1:], x[:, :-1]) and np.allclose(left[:, :-1], x[:, 1:])
    relief = EMBOSS - IDENTITY                     # the diagonal derivative under the photo
    assert np.allclose(np.rot90(relief, 2), -relief)
