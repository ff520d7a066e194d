"""Notebook 03's median, bilateral and border explorers (cnnviz.explorers.nonlinear), driven
headlessly as a learner would drive them."""

import numpy as np
import pytest

import cnnviz
from cnnviz import filters
from cnnviz.explorers.nonlinear import bilateral_vs_gaussian, border_modes, median_vs_blur
from cnnviz.filters import bilateral_weights
from cnnviz.lessons.gallery import bilateral_state, border_state, median_state, window_for
from cnnviz.images import add_salt_and_pepper, load_sample, step_edge
from explorer_support import drive, sweep

PHOTO = load_sample(grey=True, size=(150, 225))
EYE = load_sample(grey=True)[50:170, 100:280]
NOISY_EYE = np.clip(EYE + np.random.default_rng(0).normal(0, 0.05, EYE.shape), 0, 1)
PROBE = (82, 46)


# ------------------------------------------------------------------- median vs box blur
def test_median_state_matches_the_library():
    """Noise, box blur and median are the library's, with the fixed seed."""
    state = median_state(PHOTO, amount=0.1, size=5)
    noisy = add_salt_and_pepper(PHOTO, 0.1, seed=0)
    np.testing.assert_array_equal(state.noisy, noisy)
    np.testing.assert_array_equal(state.median, filters.median_filter(noisy, 5))
    blurred = cnnviz.correlate2d(noisy, filters.box_blur(5), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(state.blurred, blurred, atol=1e-6)


@pytest.mark.parametrize("amount", [0.05, 0.1, 0.2])
def test_median_beats_blur_on_salt_and_pepper(amount):
    """On salt-and-pepper noise the median is much closer to the clean photo than a blur."""
    state = median_state(PHOTO, amount=amount, size=3)
    assert state.error(state.median) < 0.5 * state.error(state.blurred)


def test_noise_slider_changes_picture():
    """More noise hits more pixels and changes the picture and the titles."""
    ex = median_vs_blur(PHOTO)
    before = ex.png
    ex.controls["amount"].value = 0.3
    hit = np.mean(ex.state.noisy != PHOTO)
    assert hit == pytest.approx(0.3, abs=0.02)
    assert ex.png != before
    assert "30% of pixels" in ex.artists["titles"][0].get_text()
    ex.controls["size"].value = 5
    assert "median 5x5" in ex.artists["titles"][2].get_text()


def test_median_sweeps_every_control():
    """Every noise amount and window size gives a picture."""
    ex = median_vs_blur(PHOTO)
    drive(ex, "amount")
    drive(ex, "size")


# ---------------------------------------------------------------- bilateral vs Gaussian
def test_bilateral_state_matches_the_library():
    """The bilateral result is filters.bilateral_filter; the Gaussian uses the same window."""
    state = bilateral_state(NOISY_EYE, sigma_space=1.5, sigma_range=0.1, probe=PROBE)
    assert state.size == window_for(1.5) == 7
    np.testing.assert_allclose(state.bilateral,
                               filters.bilateral_filter(NOISY_EYE, 7, 1.5, 0.1), atol=1e-7)
    gauss = cnnviz.correlate2d(NOISY_EYE, filters.gaussian(7, 1.5), padding="same",
                               pad_mode="reflect")
    np.testing.assert_allclose(state.gaussian, gauss, atol=1e-6)


def test_bilateral_weights_reproduce_the_filter():
    """The drawn weights, applied to the probe's window, give the filter's output there."""
    state = bilateral_state(NOISY_EYE, sigma_space=2.0, sigma_range=0.1, probe=PROBE)
    r = state.size // 2
    window = cnnviz.pad2d(NOISY_EYE, r, mode="reflect")[PROBE[0]:PROBE[0] + state.size,
                                                        PROBE[1]:PROBE[1] + state.size]
    assert state.weights.sum() == pytest.approx(1.0)
    assert (state.weights * window).sum() == pytest.approx(state.bilateral[PROBE], abs=1e-6)


def test_bilateral_keeps_a_step_the_gaussian_blurs():
    """On a clean step the bilateral filter leaves the edge alone; the Gaussian smears it."""
    step = step_edge((16, 16), low=0.0, high=1.0)
    weights = bilateral_weights(step, (8, 7), 5, 1.0, 0.1)
    assert weights[:, 3:].max() < 1e-10  # the bright side gets no weight
    state = bilateral_state(step, sigma_space=1.0, sigma_range=0.1)
    np.testing.assert_allclose(state.bilateral, step, atol=1e-6)
    assert np.abs(state.gaussian - step).max() > 0.2


def test_range_sigma_slider_changes_picture():
    """A huge range sigma turns the bilateral filter into the Gaussian blur."""
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=PROBE)
    before = ex.png
    ex.controls["sigma_range"].value = 0.5
    assert ex.png != before
    gap_wide = np.abs(ex.state.bilateral - ex.state.gaussian).mean()
    ex.controls["sigma_range"].value = 0.05
    gap_narrow = np.abs(ex.state.bilateral - ex.state.gaussian).mean()
    assert gap_wide < gap_narrow / 3
    ex.controls["sigma_space"].value = 2.5
    assert ex.artists["weights"].get_array().shape == (11, 11)
    assert ex.artists["box"].get_width() == 11


def test_bilateral_sweeps_every_control():
    """Every spatial and range sigma gives a picture."""
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=PROBE)
    drive(ex, "sigma_space")
    drive(ex, "sigma_range")


def test_bilateral_explains_a_probe_outside():
    """A probe outside the image is refused in words."""
    with pytest.raises(ValueError, match=r"the probe pixel \(500, 0\) lies outside the 120x180 image"):
        bilateral_state(NOISY_EYE, sigma_space=1.0, sigma_range=0.1, probe=(500, 0))
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=(500, 0))
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("The probe pixel (500, 0) lies outside the 120x180 image: "
                          "pick a pixel inside it.")


# ------------------------------------------------------------------------- border modes
@pytest.mark.parametrize("mode", cnnviz.convolution.PAD_MODES)
def test_border_state_matches_padding_same(mode):
    """The blurred piece is correlate2d with padding 'same' in that mode; the inside is exact."""
    state = border_state(PHOTO, mode=mode, size=7, row=40, col=62)
    piece = PHOTO[40:88, 62:110]
    expected = cnnviz.correlate2d(piece, filters.box_blur(7), padding="same", pad_mode=mode)
    np.testing.assert_allclose(state.result, expected, atol=1e-6)
    np.testing.assert_array_equal(state.padded, cnnviz.pad2d(piece, 3, mode=mode))
    assert np.abs(state.error[3:-3, 3:-3]).max() < 1e-6


def test_zero_padding_makes_the_worst_border():
    """Zeros darken the frame of a photo far more than reflect or replicate do."""
    errors = {m: np.abs(border_state(PHOTO, mode=m, size=9, row=40, col=62).error).mean()
              for m in cnnviz.convolution.PAD_MODES}
    assert errors["zeros"] > 3 * max(errors["reflect"], errors["replicate"])


def test_border_buttons_change_picture():
    """Each border mode draws a different padded piece; the size sets the invented band."""
    ex = border_modes(PHOTO, row=40, col=62)
    pngs = set()
    for mode in sweep(ex.controls["mode"]):
        ex.controls["mode"].value = mode
        assert mode in ex.artists["p_title"].get_text()
        pngs.add(ex.png)
    assert len(pngs) == 4
    ex.controls["size"].value = 15
    assert ex.artists["padded"].get_extent()[0] == pytest.approx(-7.5)
    assert "7 outer rows" in ex.text.value


def test_border_sweeps_every_control():
    """Every mode with every size gives a picture."""
    ex = border_modes(PHOTO)
    for mode in sweep(ex.controls["mode"]):
        ex.controls["mode"].value = mode
        drive(ex, "size")


def test_border_piece_needs_real_neighbours():
    """A piece at the photo's edge cannot be compared with the truth: explained in words."""
    with pytest.raises(ValueError, match="needs 3 real pixels around it"):
        border_state(PHOTO, mode="zeros", size=7, row=0, col=0)


# ------------------------------------------------------------------------- explanations
def test_border_explains_a_blur_with_no_real_neighbours():
    """On a photo with too little room around the piece, a large blur is explained, not a bug."""
    ex = border_modes(PHOTO[:60, :60])           # the piece at (6, 6): 6 real pixels around it
    ex.controls["size"].value = 13
    assert ex.state is not None and ex.message is None
    ex.controls["size"].value = 15
    assert ex.state is None and ex.last_error is None
    assert ex.message.startswith("A 15x15 blur needs 7 real pixels around the 48x48 piece")
    assert "choose a smaller blur size" in ex.message
    ex.controls["size"].value = 7
    assert ex.state is not None and ex.message is None


def test_bilateral_explains_a_window_larger_than_the_image():
    """A space sigma whose window cannot be mirrored into a tiny image is explained in words."""
    tiny = NOISY_EYE[:5, :5]
    ex = bilateral_vs_gaussian(tiny)
    assert ex.state is not None
    ex.controls["sigma_space"].value = 2.5
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("A space σ of 2.5 needs a 11x11 window, too large to mirror into this "
                          "5x5 image: choose a smaller space σ.")


def test_a_bug_in_the_state_is_recorded_not_explained(monkeypatch):
    """A plain ValueError from the state (a broadcasting bug, say) reaches last_error."""
    from cnnviz.lessons import gallery as lesson_module

    ex = median_vs_blur(PHOTO)

    def broken(*args, **kwargs):
        return np.ones(3) + np.ones(4)

    monkeypatch.setattr(lesson_module, "median_filter", broken)
    ex.controls["size"].value = 5
    assert isinstance(ex.last_error, ValueError) and "Something went wrong" in ex.message
