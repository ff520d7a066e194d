"""Notebook 03's claims, checked against what cnnviz computes (the numbers are not pinned
in the notebook's cells; nbval compares the printed outputs)."""

import numpy as np
import pytest

import cnnviz
from cnnviz import filters
from cnnviz.checks import CheckError
from cnnviz.exercises import nb03
from cnnviz.lessons.gallery import apply_kernel, border_state, gallery_state
from cnnviz.images import add_salt_and_pepper, load_sample, step_edge

PHOTO = load_sample("chelsea", grey=True, size=(150, 225))
NAMED = ["Box blur", "Sharpen", "Emboss", "Sobel x", "Laplacian"]


def median_error(amount, size):
    noisy = add_salt_and_pepper(PHOTO, amount, seed=0)
    return np.abs(filters.median_filter(noisy, size) - PHOTO).mean() * 255


def test_kernel_sums():
    """'sum 1 (blurs, sharpen, identity, emboss) ... sum 0 (edge detectors, Laplacian)'."""
    sums = {name: round(float(k.sum()), 6) for name, k in filters.KERNELS.items()}
    assert {n for n, v in sums.items() if v == 1} == {
        "Identity", "Box blur", "Gaussian blur", "Sharpen", "Shift right", "Emboss"}
    assert {n for n, v in sums.items() if v == 0} == set(filters.KERNELS) - {
        n for n, v in sums.items() if v == 1}


@pytest.mark.parametrize("name", NAMED)
def test_flat_patch_becomes_value_times_sum(name):
    """'On a flat patch ... the weighted sum is simply v times the sum of the kernel's numbers'."""
    v = np.random.default_rng(len(name)).random()
    out = cnnviz.correlate2d(np.full((5, 5), v), filters.KERNELS[name])
    assert np.allclose(out, v * filters.KERNELS[name].sum())


def test_shift_right_moves_columns_and_gallery_mirrors():
    """Zero padding makes the first column black; the gallery's mirroring copies its right neighbour."""
    shifted = cnnviz.correlate2d(PHOTO, filters.KERNELS["Shift right"], padding="same")
    assert np.array_equal(shifted[:, 1:], PHOTO[:, :-1]) and not shifted[:, 0].any()
    mirrored = gallery_state(PHOTO, name="Shift right").result
    assert np.allclose(mirrored[:, 0], PHOTO[:, 1])


def test_sharpen_leaves_the_range():
    """'Sharpen ... can push pixels below 0 or above 1'."""
    result = apply_kernel(PHOTO, filters.KERNELS["Sharpen"]).result
    assert result.min() < 0 and result.max() > 1


def test_centre_two_clips_about_four_in_ten():
    """'Put a 2 in the centre ... every pixel brighter than 0.5 clips to white (about four pixels in ten)'."""
    kernel = np.zeros((3, 3))
    kernel[1, 1] = 2
    state = apply_kernel(PHOTO, kernel)
    assert state.clipped == pytest.approx(np.mean(PHOTO > 0.5))
    assert 0.35 <= state.clipped <= 0.45


def test_step_response():
    """'the response is 3 x (0.2 - 0.8) = -1.8' on the two columns at the step, +1.8 the other way."""
    step = step_edge((6, 10))
    response = cnnviz.correlate2d(step, filters.VERTICAL_EDGE, padding="same", pad_mode="replicate")
    assert np.flatnonzero(np.abs(response).max(axis=0) > 1e-6).tolist() == [4, 5]
    assert np.allclose(response[:, 4:6], -1.8) and np.allclose(response[:, [0, 1, 2, 3, 6, 7, 8, 9]], 0)
    back = cnnviz.correlate2d(step[:, ::-1], filters.VERTICAL_EDGE, padding="same", pad_mode="replicate")
    assert np.allclose(back.max(), 1.8)


def test_sobel_is_built_from_pieces():
    """'SOBEL_X differentiates along each row and smooths down the columns; SOBEL_Y does the opposite'."""
    assert np.array_equal(filters.SOBEL_X, np.outer([1, 2, 1], [-1, 0, 1]))
    assert np.array_equal(filters.SOBEL_Y, filters.SOBEL_X.T)


def test_median_beats_blur_at_ten_percent():
    """The summary's 'average error 3.6 of 255 against 11.6 for a box blur at 10% noise'."""
    noisy = add_salt_and_pepper(PHOTO, 0.1, seed=0)
    blur = cnnviz.correlate2d(noisy, filters.box_blur(3), padding="same", pad_mode="reflect")
    blur_error = np.abs(blur - PHOTO).mean() * 255
    assert (round(median_error(0.1, 3), 1), round(blur_error, 1)) == (3.6, 11.6)
    assert median_error(0.1, 3) < blur_error / 2


def test_median_fails_only_on_a_majority_of_salt_or_pepper():
    """'where more than half of a window is salt the median is white ... more than half pepper, black'."""
    clean = np.full(9, 0.4)
    five_salt = clean.copy()
    five_salt[:5] = 1.0
    four_each = clean.copy()
    four_each[:4], four_each[4:8] = 1.0, 0.0
    five_pepper = clean.copy()
    five_pepper[:5] = 0.0
    assert np.median(five_salt) == 1.0 and np.median(five_pepper) == 0.0
    assert np.median(four_each) == 0.4          # eight of nine are noise, still clean


def test_more_noise_hurts_the_median_and_a_bigger_window_helps():
    """'Push the noise towards 50% and the 3x3 median gets worse ... A bigger window makes such windows rarer'."""
    assert median_error(0.5, 3) > 3 * median_error(0.1, 3)
    assert median_error(0.5, 5) < median_error(0.5, 3) / 2
    assert median_error(0.1, 5) > median_error(0.1, 3)      # ... but erases detail


def test_median_and_bilateral_are_not_linear():
    """'The median and bilateral filters are not linear', while any kernel is."""
    rng = np.random.default_rng(4)
    a, b = rng.random((12, 12)), rng.random((12, 12))
    kernel = rng.normal(size=(3, 3))
    assert np.allclose(cnnviz.correlate2d(a + b, kernel),
                       cnnviz.correlate2d(a, kernel) + cnnviz.correlate2d(b, kernel))
    for f in (lambda x: filters.median_filter(x, 3), lambda x: filters.bilateral_filter(x, 5, 1.0, 0.1)):
        assert not np.allclose(f(a + b), f(a) + f(b), atol=1e-3)


def test_bilateral_with_huge_range_sigma_is_the_gaussian():
    """'with an enormous range sigma, the bilateral filter and the Gaussian blur agree'."""
    image = np.random.default_rng(5).random((20, 24)).astype(np.float32)
    gaussian = cnnviz.correlate2d(image, filters.gaussian(5, 1.0), padding="same", pad_mode="reflect")
    assert np.allclose(filters.bilateral_filter(image, 5, 1.0, 1000.0), gaussian, atol=1e-5)


def test_border_modes_ranking():
    """'Zeros is by far the worst ... replicate comes closest on this piece, while reflect and
    circular are about equally far off.'"""
    worst = {mode: np.abs(border_state(PHOTO, mode=mode, size=7, row=40, col=62).error).max()
             for mode in cnnviz.convolution.PAD_MODES}
    others = [worst[m] for m in ("reflect", "replicate", "circular")]
    assert worst["zeros"] > 2 * max(others)
    assert worst["replicate"] == min(others)
    assert abs(worst["reflect"] - worst["circular"]) < 0.1 * worst["reflect"]
    assert worst["replicate"] < 0.6 * worst["reflect"]


def test_border_state_matches_the_notebook_cell():
    """The explorer's error is the notebook's: blur of the piece minus blur with real neighbours."""
    piece, blur = PHOTO[40:88, 62:110], filters.box_blur(7)
    truth = cnnviz.correlate2d(PHOTO[37:91, 59:113], blur)
    result = cnnviz.correlate2d(piece, blur, padding="same", pad_mode="zeros")
    state = border_state(PHOTO, mode="zeros", size=7, row=40, col=62)
    assert np.allclose(np.abs(state.error).max(), np.abs(result - truth).max())


def test_answers_are_computed_values():
    """ANSWERS: the shift-down kernel, -2.4 for the step (3 x 0.1 - 3 x 0.9), 0 on the line."""
    assert nb03.ANSWERS["shift_down"]() == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert nb03.ANSWERS["step_response"]() == pytest.approx(3 * 0.1 - 3 * 0.9)
    assert nb03.ANSWERS["median_of_line"]() == 0
    assert set(nb03.ANSWERS) | set(nb03.CODE_EXERCISES) == {
        "shift_down", "step_response", "median_of_line", "sobel_by_hand"}


def test_checks_refuse_wrong_answers():
    """The right kernel turned the wrong way, a positive response, and 1/3 on the line are refused."""
    with pytest.raises(CheckError):
        nb03.shift_down(filters.shift(-1, 0))
    with pytest.raises(CheckError, match="expected: -2.4"):
        nb03.step_response(2.4)
    with pytest.raises(CheckError):
        nb03.median_of_line(1 / 3)
    with pytest.raises(CheckError):
        nb03.sobel_by_hand(lambda image: filters.sobel_magnitude(image) * 2)


def test_large_sigma_in_small_window_looks_like_a_box():
    """'A large sigma in a small window is cut off at the window's edge and starts to look like a box'."""
    narrow, wide = filters.gaussian(3, 0.5), filters.gaussian(3, 4.0)
    assert wide.min() / wide.max() > 0.9 > narrow.min() / narrow.max()
    assert np.allclose(wide, filters.box_blur(3), atol=0.01)


def test_band_of_wrong_pixels_grows_with_the_kernel():
    """'the band of wrong pixels grows with the kernel': only the outer d(k - 1)/2 rows and columns differ."""
    for mode in ("zeros", "reflect", "replicate", "circular"):
        for size in (3, 7, 11):
            error = np.abs(border_state(PHOTO, mode=mode, size=size, row=40, col=62).error)
            p = size // 2
            assert np.allclose(error[p:-p, p:-p], 0, atol=1e-6)
            assert error[:p].max() > 1e-3


@pytest.mark.parametrize("name", ["Vertical edge", "Horizontal edge", "Sobel x", "Sobel y",
                                  "Prewitt x", "Prewitt y", "Laplacian"])
def test_a_few_pixels_respond_far_more_strongly(name):
    """'A few pixels respond far more strongly than the rest (half as strongly again, or more),
    so the colours stop short of them'."""
    state = gallery_state(PHOTO, name=name)
    strength = np.abs(state.result)
    assert strength.max() >= 1.5 * state.limit
    assert np.mean(strength > state.limit) <= 0.006
