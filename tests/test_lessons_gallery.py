"""Notebook 03's state (cnnviz.lessons.gallery) and the core maths it moved into
cnnviz.filters (correlate_separable, bilateral_weights), against scipy and plain loops."""

import pickle

import numpy as np
import pytest
from scipy import ndimage

import cnnviz
from cnnviz import filters
from cnnviz.errors import SettingError
from cnnviz.filters import bilateral_weights, correlate_separable
from cnnviz.lessons import gallery as lesson

# cnnviz pad_mode -> the scipy.ndimage mode that fills the border the same way.
SCIPY_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
# cnnviz pad_mode -> numpy.pad mode, for the loop references.
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
MODES = cnnviz.convolution.PAD_MODES


def settings(seed):
    """A seeded random image shape, kernel factor lengths and border mode."""
    rng = np.random.default_rng(seed)
    H, W = rng.integers(6, 20, size=2)
    kh, kw = 2 * rng.integers(0, 3, size=2) + 1        # 1, 3 or 5
    return rng, (int(H), int(W)), int(kh), int(kw), MODES[seed % 4]


# -------------------------------------------------------------- filters.correlate_separable
@pytest.mark.parametrize("seed", range(8))
def test_correlate_separable_is_the_outer_product_kernel(seed):
    """Two 1-D passes equal correlate2d with outer(column, row) and scipy's correlate."""
    rng, shape, kh, kw, mode = settings(seed)
    image = rng.random(shape)
    column, row = rng.normal(size=kh), rng.normal(size=kw)
    kernel = np.outer(column, row)
    got = correlate_separable(image, column, row, pad_mode=mode)
    np.testing.assert_allclose(got, cnnviz.correlate2d(image, kernel, padding="same",
                                                       pad_mode=mode), atol=1e-12)
    np.testing.assert_allclose(got, ndimage.correlate(image, kernel, mode=SCIPY_MODE[mode]),
                               atol=1e-12)


def test_correlate_separable_factors_are_not_swapped():
    """``column`` runs down the rows and ``row`` across: a vertical derivative stays vertical."""
    image = np.add.outer(np.arange(5.0) ** 2, np.zeros(7))       # changes down only
    down = correlate_separable(image, filters.DERIVATIVE, [1.0], pad_mode="replicate")
    across = correlate_separable(image, [1.0], filters.DERIVATIVE, pad_mode="replicate")
    assert np.abs(down[1:-1]).min() > 0 and not np.any(across)


@pytest.mark.parametrize("column, row, match", [
    ([1.0, 1.0], [1.0], "column must have an odd length, so the window has a centre pixel; "
                        "got length 2"),
    ([1.0], [1.0, np.nan, 1.0], r"every number in row must be finite \(no inf or nan\)"),
    ([[1.0]], [1.0], "column must be 1-D; got 2-D"),
])
def test_correlate_separable_refuses_bad_factors(column, row, match):
    """Even, non-finite or 2-D factors are refused, naming the factor."""
    with pytest.raises(ValueError, match=match):
        correlate_separable(np.ones((4, 4)), column, row)


# ---------------------------------------------------------------- filters.bilateral_weights
def bilateral_weights_loop(image, probe, size, sigma_space, sigma_range, mode):
    """The weights of one window, pixel by pixel, from the formula."""
    r = size // 2
    padded = np.pad(image, r, mode=NUMPY_MODE[mode])
    i, j = probe
    weights = np.zeros((size, size))
    for u in range(size):
        for v in range(size):
            distance = (u - r) ** 2 + (v - r) ** 2
            difference = padded[i + u, j + v] - image[i, j]
            weights[u, v] = (np.exp(-distance / (2 * sigma_space**2))
                             * np.exp(-difference**2 / (2 * sigma_range**2)))
    return weights / weights.sum()


@pytest.mark.parametrize("seed", range(6))
def test_bilateral_weights_follow_the_formula_and_the_filter(seed):
    """The weights follow the formula, sum to 1 and give bilateral_filter's output at each pixel."""
    rng, shape, _, _, mode = settings(seed)
    image = rng.random(shape)
    size = int(rng.choice([3, 5]))
    sigma_space, sigma_range = rng.uniform(0.5, 2.0), rng.uniform(0.05, 0.5)
    out = filters.bilateral_filter(image, size, sigma_space, sigma_range, pad_mode=mode)
    padded = cnnviz.pad2d(image, size // 2, mode=mode)
    for i in range(shape[0]):
        for j in range(shape[1]):
            w = bilateral_weights(image, (i, j), size, sigma_space, sigma_range, pad_mode=mode)
            assert w.sum() == pytest.approx(1.0)
            assert (w * padded[i:i + size, j:j + size]).sum() == pytest.approx(out[i, j], abs=1e-12)
    probe = (int(rng.integers(shape[0])), int(rng.integers(shape[1])))
    np.testing.assert_allclose(
        bilateral_weights(image, probe, size, sigma_space, sigma_range, pad_mode=mode),
        bilateral_weights_loop(image, probe, size, sigma_space, sigma_range, mode), atol=1e-12)


@pytest.mark.parametrize("probe, error, match", [
    ((4, 0), ValueError, r"probe must be a pixel of the 4x6 image; got \(4, 0\)"),
    ((0, -1), ValueError, "probe must be a non-negative integer; got -1"),
    (3, TypeError, "probe must be a pair"),
    ((1, 2, 3), ValueError, "probe must be an integer or a pair"),
])
def test_bilateral_weights_refuse_a_probe_outside(probe, error, match):
    """A probe that is not a pixel of the image is refused, naming the probe and the image."""
    with pytest.raises(error, match=match):
        bilateral_weights(np.ones((4, 6)), probe, 3, 1.0, 0.1)


def test_bilateral_weights_pad_as_the_filter_does():
    """The filter's own border rule applies: reflect cannot mirror a window wider than the image."""
    with pytest.raises(ValueError, match="pad_mode='reflect'"):
        bilateral_weights(np.ones((2, 6)), (0, 0), 5, 1.0, 0.1)


# ----------------------------------------------------------------------- lesson state
@pytest.mark.parametrize("seed", range(4))
def test_blur_kernels_take_the_separable_path_with_the_same_numbers(seed):
    """Large box and Gaussian kernels give correlate2d's numbers through the 1-D passes."""
    rng, shape, _, _, mode = settings(seed)
    image = rng.random((shape[0] + 10, shape[1] + 10))
    size = int(rng.choice([5, 7, 9]))
    for kernel in (filters.box_blur(size), filters.gaussian(size, rng.uniform(0.5, 3))):
        assert lesson._is_blur(kernel)
        state = lesson.apply_kernel(image, kernel, pad_mode=mode)
        np.testing.assert_allclose(state.result, ndimage.correlate(image, kernel,
                                                                   mode=SCIPY_MODE[mode]),
                                   atol=1e-12)
    assert not lesson._is_blur(filters.SOBEL_X) and not lesson._is_blur(filters.BOX_BLUR)


def test_separable_path_is_used(monkeypatch):
    """A 5x5 Gaussian goes through filters.correlate_separable, a 3x3 kernel does not."""
    calls = []
    real = lesson.correlate_separable
    monkeypatch.setattr(lesson, "correlate_separable",
                        lambda *a, **k: calls.append(a[1].shape) or real(*a, **k))
    lesson.gallery_state(np.ones((8, 8)), name="Gaussian blur", size=5, sigma=1.0)
    lesson.gallery_state(np.ones((8, 8)), name="Sharpen")
    assert calls == [(5,)]


@pytest.mark.parametrize("call, cls, fields", [
    (lambda: lesson.apply_kernel(np.ones((5, 5)), np.ones((2, 3))), lesson.NoCentre,
     {"shape": (2, 3)}),
    (lambda: lesson.apply_kernel(np.ones((5, 5)), [[np.inf, 0, np.nan]]), lesson.NotFinite,
     {"count": 2}),
    (lambda: lesson.sobel_state(np.ones((5, 5)), threshold=-0.5), lesson.OutOfRange,
     {"name": "threshold", "value": -0.5, "low": 0, "high": None}),
    (lambda: lesson.median_state(np.ones((5, 5)), amount=1.5, size=3), lesson.OutOfRange,
     {"name": "amount", "value": 1.5, "low": 0, "high": 1}),
    (lambda: lesson.bilateral_state(np.ones((5, 5)), sigma_space=1, sigma_range=0.1,
                                    probe=(2, 9)), lesson.ProbeOutside,
     {"probe": (2, 9), "height": 5, "width": 5}),
    (lambda: lesson.bilateral_state(np.ones((4, 9)), sigma_space=2.5, sigma_range=0.1),
     lesson.WindowTooLarge, {"sigma_space": 2.5, "size": 11, "height": 4, "width": 9}),
    (lambda: lesson.border_state(np.ones((30, 30)), mode="zeros", size=7, row=2, col=5, crop=10),
     lesson.NoRealNeighbours, {"size": 7, "pad": 3, "crop": 10, "row": 2, "col": 5}),
    (lambda: lesson.border_state(np.ones((30, 30)), mode="reflect", size=7, row=5, col=5,
                                 crop=3), lesson.BorderTooWide,
     {"mode": "reflect", "pad": 3, "crop": 3}),
    (lambda: lesson.border_state(np.ones((30, 30)), mode="circular", size=9, row=5, col=5,
                                 crop=3), lesson.BorderTooWide,
     {"mode": "circular", "pad": 4, "crop": 3}),
])
def test_impossible_settings_raise_setting_errors_with_their_numbers(call, cls, fields):
    """Each explained setting is a SettingError subclass whose fields hold the numbers,
    and survives pickling with them."""
    with pytest.raises(cls) as info:
        call()
    err = info.value
    assert isinstance(err, SettingError)
    for key, value in fields.items():
        assert getattr(err, key) == value, key
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls and again.fields == err.fields and str(again) == str(err)


def test_edge_cases_of_the_border_limits_are_allowed():
    """Circular padding may wrap exactly the piece's width; reflect needs one pixel more."""
    image = np.random.default_rng(0).random((30, 30))
    lesson.border_state(image, mode="circular", size=7, row=5, col=5, crop=3)
    lesson.border_state(image, mode="reflect", size=7, row=5, col=5, crop=4)
    with pytest.raises(lesson.NoRealNeighbours):
        lesson.border_state(image, mode="zeros", size=7, row=3, col=3, crop=25)
    lesson.border_state(image, mode="zeros", size=7, row=3, col=3, crop=24)


def test_arguments_that_no_control_makes_stay_plain_errors():
    """An even size or a non-number is a caller's mistake, not an explained setting."""
    with pytest.raises(ValueError, match="size must be odd") as info:
        lesson.gallery_state(np.ones((5, 5)), name="Gaussian blur", size=4)
    assert not isinstance(info.value, SettingError)
    with pytest.raises(TypeError, match="threshold must be a number; got True"):
        lesson.sobel_state(np.ones((5, 5)), threshold=True)


def test_frame_error_is_the_mean_error_on_the_invented_band():
    """frame_error averages |error| over the pad outer rows and columns only, in grey levels."""
    image = np.random.default_rng(1).random((40, 40))
    state = lesson.border_state(image, mode="zeros", size=5, row=8, col=8, crop=20)
    band = [state.error[i, j] for i in range(20) for j in range(20)
            if min(i, j, 19 - i, 19 - j) < 2]
    assert state.frame_error == pytest.approx(np.mean(np.abs(band)) * 255)
    assert np.all(state.error[2:-2, 2:-2] == 0)
