"""Tests for cnnviz.filters: named kernels, Sobel, median and bilateral filters.

References are scipy.ndimage and plain per-pixel loops written here.
"""

import math

import numpy as np
import pytest
from scipy import ndimage

from cnnviz import filters
from cnnviz.convolution import convolve2d, correlate2d
from cnnviz.filters import (
    BOX_BLUR,
    EMBOSS,
    HORIZONTAL_EDGE,
    IDENTITY,
    KERNELS,
    LAPLACIAN,
    PREWITT_X,
    PREWITT_Y,
    SHARPEN,
    SHIFT,
    SOBEL_X,
    SOBEL_Y,
    VERTICAL_EDGE,
    bilateral_filter,
    box_blur,
    gaussian,
    median_filter,
    shift,
    sobel_gradients,
    sobel_magnitude,
)

# cnnviz pad_mode -> the scipy.ndimage mode that fills the border the same way.
SCIPY_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
# cnnviz pad_mode -> numpy.pad mode, for the loop references.
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}

NAMED = {
    "IDENTITY": IDENTITY,
    "BOX_BLUR": BOX_BLUR,
    "SHARPEN": SHARPEN,
    "SHIFT": SHIFT,
    "VERTICAL_EDGE": VERTICAL_EDGE,
    "HORIZONTAL_EDGE": HORIZONTAL_EDGE,
    "SOBEL_X": SOBEL_X,
    "SOBEL_Y": SOBEL_Y,
    "PREWITT_X": PREWITT_X,
    "PREWITT_Y": PREWITT_Y,
    "LAPLACIAN": LAPLACIAN,
    "EMBOSS": EMBOSS,
}


def random_image(shape, seed, dtype=np.float64):
    return np.random.default_rng(seed).random(shape).astype(dtype)


def step(height=12, width=12, low=0.2, high=0.8):
    image = np.full((height, width), high)
    image[:, : width // 2] = low
    return image


# ------------------------------------------------------------------------ named kernels
@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_kernel_is_read_only_float64_3x3(name):
    """Every named kernel is a 3x3 float64 array that refuses to be written to."""
    kernel = NAMED[name]
    assert kernel.shape == (3, 3)
    assert kernel.dtype == np.float64
    assert not kernel.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        kernel[1, 1] = 42.0


def test_kernels_have_their_textbook_entries():
    """Sobel, Prewitt, edge and Laplacian kernels hold the textbook numbers and orientation."""
    np.testing.assert_array_equal(SOBEL_X, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(SOBEL_Y, SOBEL_X.T)
    np.testing.assert_array_equal(PREWITT_X, [[-1, 0, 1]] * 3)
    np.testing.assert_array_equal(PREWITT_Y, PREWITT_X.T)
    np.testing.assert_array_equal(VERTICAL_EDGE, [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(HORIZONTAL_EDGE, VERTICAL_EDGE.T)
    np.testing.assert_array_equal(LAPLACIAN, [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(BOX_BLUR * 9, np.ones((3, 3)))


@pytest.mark.parametrize(
    "kernel, flat_response",
    [
        (IDENTITY, 1.0), (BOX_BLUR, 1.0), (SHARPEN, 1.0), (SHIFT, 1.0), (EMBOSS, 1.0),
        (gaussian(5, 1.3), 1.0), (box_blur(5), 1.0), (VERTICAL_EDGE, 0.0),
        (HORIZONTAL_EDGE, 0.0), (SOBEL_X, 0.0), (SOBEL_Y, 0.0), (PREWITT_X, 0.0),
        (PREWITT_Y, 0.0), (LAPLACIAN, 0.0),
    ],
)
def test_flat_image_keeps_brightness_or_goes_to_zero(kernel, flat_response):
    """Blur-like kernels keep a flat image's brightness; edge kernels answer it with zero."""
    flat = np.full((9, 10), 0.7)
    out = correlate2d(flat, kernel, padding="same", pad_mode="replicate")
    np.testing.assert_allclose(out, 0.7 * flat_response, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_identity_leaves_image_unchanged(seed):
    """Correlating with IDENTITY returns the image itself."""
    image = random_image((7, 9), seed)
    np.testing.assert_array_equal(correlate2d(image, IDENTITY, padding="same"), image)


def test_shift_moves_right_under_correlation_and_left_under_convolution():
    """SHIFT moves the picture one pixel right with correlate2d, left with convolve2d."""
    image = random_image((5, 6), 3)
    right = correlate2d(image, SHIFT, padding="same")
    left = convolve2d(image, SHIFT, padding="same")
    np.testing.assert_array_equal(right[:, 1:], image[:, :-1])
    np.testing.assert_array_equal(left[:, :-1], image[:, 1:])
    np.testing.assert_array_equal(SHIFT, shift(0, 1))


@pytest.mark.parametrize("dy, dx", [(0, 1), (1, 0), (-2, 1), (3, -3), (0, 0)])
def test_shift_factory_matches_np_roll(dy, dx):
    """shift(dy, dx) with circular padding moves the image like np.roll by (dy, dx)."""
    image = random_image((8, 9), 4)
    out = correlate2d(image, shift(dy, dx), padding="same", pad_mode="circular")
    np.testing.assert_array_equal(out, np.roll(image, (dy, dx), axis=(0, 1)))


def test_vertical_edge_responds_only_at_the_step():
    """VERTICAL_EDGE on a dark-left/bright-right step is negative at the step, zero elsewhere."""
    image = step(10, 12)
    out = correlate2d(image, VERTICAL_EDGE, padding="same", pad_mode="replicate")
    at_step = np.zeros(12, dtype=bool)
    at_step[[5, 6]] = True  # the last dark and the first bright column
    np.testing.assert_allclose(out[:, at_step], -3 * 0.6)
    np.testing.assert_allclose(out[:, ~at_step], 0.0, atol=1e-12)
    horizontal = correlate2d(image, HORIZONTAL_EDGE, padding="same", pad_mode="replicate")
    np.testing.assert_allclose(horizontal, 0.0, atol=1e-12)


@pytest.mark.parametrize("pad_mode", sorted(SCIPY_MODE))
def test_laplacian_matches_scipy_laplace(pad_mode):
    """LAPLACIAN with each border mode equals scipy.ndimage.laplace with the matching mode."""
    image = random_image((11, 8), 5)
    ours = correlate2d(image, LAPLACIAN, padding="same", pad_mode=pad_mode)
    np.testing.assert_allclose(ours, ndimage.laplace(image, mode=SCIPY_MODE[pad_mode]), atol=1e-12)


@pytest.mark.parametrize("size", [1, 3, 5, 7])
def test_box_blur_matches_scipy_uniform_filter(size):
    """box_blur(size) correlated with reflect padding equals scipy's uniform_filter."""
    image = random_image((12, 10), size)
    ours = correlate2d(image, box_blur(size), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(ours, ndimage.uniform_filter(image, size, mode="mirror"), atol=1e-12)


@pytest.mark.parametrize("size, sigma", [(3, 0.5), (5, 1.0), (7, 1.5), (9, 3.0)])
def test_gaussian_matches_scipy_gaussian_filter(size, sigma):
    """gaussian(size, sigma) blurs like scipy's gaussian_filter with radius size // 2."""
    image = random_image((15, 13), size)
    ours = correlate2d(image, gaussian(size, sigma), padding="same", pad_mode="reflect")
    theirs = ndimage.gaussian_filter(image, sigma, mode="mirror", radius=size // 2)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_gaussian_is_normalised_symmetric_and_peaked():
    """gaussian() sums to 1, is symmetric under flips and transposes, and peaks at the centre."""
    kernel = gaussian(7, 1.2)
    assert math.isclose(kernel.sum(), 1.0, rel_tol=1e-12)
    np.testing.assert_allclose(kernel, kernel.T)
    np.testing.assert_allclose(kernel, kernel[::-1, ::-1])
    assert np.unravel_index(kernel.argmax(), kernel.shape) == (3, 3)
    assert kernel.flags.writeable  # factories hand out fresh, editable arrays


def test_kernels_mapping_covers_the_gallery():
    """KERNELS names every gallery entry, in order, and cannot be changed."""
    assert list(KERNELS) == [
        "Identity", "Box blur", "Gaussian blur", "Sharpen", "Shift right", "Vertical edge",
        "Horizontal edge", "Sobel x", "Sobel y", "Prewitt x", "Prewitt y", "Laplacian",
        "Emboss",
    ]
    assert KERNELS["Sobel x"] is SOBEL_X
    np.testing.assert_allclose(KERNELS["Gaussian blur"], gaussian(5, 1.0))
    assert all(not k.flags.writeable for k in KERNELS.values())
    with pytest.raises(TypeError):
        KERNELS["Mine"] = IDENTITY


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: box_blur(4), ValueError, r"size must be a positive odd integer.*got 4"),
        (lambda: box_blur(0), ValueError, r"size must be a positive integer; got 0"),
        (lambda: box_blur(2.5), TypeError, r"size must be a positive integer; got 2.5"),
        (lambda: gaussian(3, 0), ValueError, r"sigma must be a positive number; got 0"),
        (lambda: gaussian(3, -1.5), ValueError, r"sigma must be a positive number; got -1.5"),
        (lambda: gaussian(3, float("nan")), ValueError, r"sigma must be a positive number; got nan"),
        (lambda: gaussian(3, "1"), TypeError, r"sigma must be a positive number; got '1'"),
        (lambda: gaussian(3, True), TypeError, r"sigma must be a positive number; got True"),
        (lambda: shift(0.5, 0), TypeError, r"dy must be an integer; got 0.5"),
        (lambda: shift(0, "1"), TypeError, r"dx must be an integer; got '1'"),
    ],
)
def test_factories_reject_bad_arguments(call, error, message):
    """Kernel factories name the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        call()


# -------------------------------------------------------------------------------- Sobel
@pytest.mark.parametrize("pad_mode", sorted(SCIPY_MODE))
@pytest.mark.parametrize("shape, seed", [((8, 8), 0), ((13, 7), 1), ((3, 20), 2)])
def test_sobel_gradients_match_scipy(pad_mode, shape, seed):
    """gx and gy equal scipy.ndimage.sobel along columns and rows with the same border."""
    image = random_image(shape, seed)
    gx, gy = sobel_gradients(image, pad_mode=pad_mode)
    mode = SCIPY_MODE[pad_mode]
    np.testing.assert_allclose(gx, ndimage.sobel(image, axis=1, mode=mode), atol=1e-12)
    np.testing.assert_allclose(gy, ndimage.sobel(image, axis=0, mode=mode), atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sobel_magnitude_matches_scipy(seed):
    """sobel_magnitude is sqrt(gx**2 + gy**2) of scipy's Sobel derivatives (replicate border)."""
    image = random_image((10, 14), seed)
    sx = ndimage.sobel(image, axis=1, mode="nearest")
    sy = ndimage.sobel(image, axis=0, mode="nearest")
    np.testing.assert_allclose(sobel_magnitude(image), np.sqrt(sx**2 + sy**2), atol=1e-12)


def test_sobel_border_mode_decides_whether_the_frame_lights_up():
    """A flat image has no edges with replicate padding but a bright frame with zero padding."""
    flat = np.full((6, 7), 0.5)
    np.testing.assert_array_equal(sobel_magnitude(flat), 0.0)
    framed = sobel_magnitude(flat, pad_mode="zeros")
    assert framed[0].min() > 0 and framed[:, -1].min() > 0
    np.testing.assert_array_equal(framed[2:-2, 2:-2], 0.0)


def test_sobel_keeps_float32_and_shape():
    """Sobel outputs have the input's shape and stay float32 for float32 input."""
    image = random_image((9, 5), 7, np.float32)
    gx, gy = sobel_gradients(image)
    assert gx.shape == gy.shape == (9, 5)
    assert gx.dtype == gy.dtype == sobel_magnitude(image).dtype == np.float32


# ------------------------------------------------------------------------------- median
@pytest.mark.parametrize("pad_mode", sorted(SCIPY_MODE))
@pytest.mark.parametrize("size", [1, 3, 5, 7])
@pytest.mark.parametrize("shape", [(9, 9), (8, 13), (16, 11)])
def test_median_filter_matches_scipy(pad_mode, size, shape):
    """median_filter equals scipy.ndimage.median_filter with the matching border mode."""
    image = random_image(shape, size * 100 + shape[1])
    expected = ndimage.median_filter(image, size=size, mode=SCIPY_MODE[pad_mode])
    np.testing.assert_array_equal(median_filter(image, size, pad_mode=pad_mode), expected)


def test_median_filter_handles_ties_and_integers():
    """Integer images with many repeated values give scipy's median, as float64."""
    image = np.random.default_rng(8).integers(0, 4, size=(12, 12))
    out = median_filter(image, 5)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, ndimage.median_filter(image, size=5, mode="mirror"))


def test_median_filter_keeps_float32():
    """A float32 image gives a float32 result of the same shape."""
    image = random_image((7, 6), 9, np.float32)
    out = median_filter(image, 3)
    assert out.dtype == np.float32 and out.shape == (7, 6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_median_removes_salt_and_pepper_better_than_box_blur(seed):
    """On sparse impulse noise the median restores the image far better than a 3x3 mean."""
    rng = np.random.default_rng(seed)
    clean = step(32, 32)
    noisy = clean.copy()
    hit = rng.random(clean.shape) < 0.05
    noisy[hit] = rng.integers(0, 2, size=hit.sum())
    median_error = np.abs(median_filter(noisy, 3) - clean).mean()
    box_error = np.abs(
        correlate2d(noisy, BOX_BLUR, padding="same", pad_mode="reflect") - clean
    ).mean()
    assert median_error < 0.01
    assert box_error > 3 * median_error


# ---------------------------------------------------------------------------- bilateral
def bilateral_loop(image, size, sigma_space, sigma_range, pad_mode):
    """The bilateral formula, one pixel and one neighbour at a time."""
    r = size // 2
    padded = np.pad(image, r, mode=NUMPY_MODE[pad_mode])
    out = np.zeros(image.shape)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            centre = float(image[i, j])
            total = weights = 0.0
            for di in range(-r, r + 1):
                for dj in range(-r, r + 1):
                    value = float(padded[i + r + di, j + r + dj])
                    w = math.exp(-(di * di + dj * dj) / (2 * sigma_space**2)) * math.exp(
                        -((value - centre) ** 2) / (2 * sigma_range**2)
                    )
                    total += w * value
                    weights += w
            out[i, j] = total / weights
    return out


@pytest.mark.parametrize("pad_mode", sorted(SCIPY_MODE))
@pytest.mark.parametrize(
    "size, sigma_space, sigma_range", [(1, 1.0, 0.1), (3, 1.0, 0.1), (5, 2.0, 0.3), (5, 0.7, 5.0)]
)
def test_bilateral_matches_loop_reference(pad_mode, size, sigma_space, sigma_range):
    """The vectorised bilateral filter equals the per-pixel loop on random images."""
    image = random_image((9, 8), size + int(10 * sigma_range))
    expected = bilateral_loop(image, size, sigma_space, sigma_range, pad_mode)
    ours = bilateral_filter(image, size, sigma_space, sigma_range, pad_mode=pad_mode)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)


def test_bilateral_float32_close_to_float64():
    """A float32 image stays float32 and agrees with the float64 result to float32 precision."""
    image = random_image((16, 16), 11)
    out32 = bilateral_filter(image.astype(np.float32), 5, 1.5, 0.2)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, bilateral_filter(image, 5, 1.5, 0.2), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("pad_mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("sigma_space, sigma_range", [(0.5, 0.01), (2.0, 0.05), (3.0, 10.0)])
def test_bilateral_keeps_flat_image_flat(pad_mode, sigma_space, sigma_range):
    """A flat image stays flat whatever the sigmas, when the border repeats the image."""
    flat = np.full((10, 12), 0.4)
    out = bilateral_filter(flat, 5, sigma_space, sigma_range, pad_mode=pad_mode)
    np.testing.assert_allclose(out, 0.4, rtol=1e-12)


def test_bilateral_keeps_step_sharp_where_gaussian_blurs_it():
    """With a small range sigma the step edge survives; a Gaussian of the same width smears it."""
    image = step(16, 16)
    kept = bilateral_filter(image, 5, 2.0, 0.1)
    blurred = correlate2d(image, gaussian(5, 2.0), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(kept, image, atol=1e-6)
    assert np.abs(blurred - image)[:, 7:9].min() > 0.1


def test_bilateral_with_huge_range_sigma_is_a_gaussian_blur():
    """When brightness differences do not matter, the weights are the Gaussian kernel's."""
    image = random_image((12, 10), 12)
    out = bilateral_filter(image, 5, 1.2, 1e6)
    expected = correlate2d(image, gaussian(5, 1.2), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"size": 4}, ValueError, r"size must be a positive odd integer.*got 4"),
        ({"sigma_space": 0}, ValueError, r"sigma_space must be a positive number; got 0"),
        ({"sigma_range": -0.1}, ValueError, r"sigma_range must be a positive number; got -0.1"),
        ({"sigma_range": "wide"}, TypeError, r"sigma_range must be a positive number; got 'wide'"),
        ({"pad_mode": "mirror"}, ValueError, r"pad_mode must be one of 'zeros', .*got 'mirror'"),
    ],
)
def test_bilateral_rejects_bad_arguments(kwargs, error, message):
    """bilateral_filter names the bad parameter, its value and what is valid."""
    arguments = {"size": 3, "sigma_space": 1.0, "sigma_range": 0.1, **kwargs}
    with pytest.raises(error, match=message):
        bilateral_filter(np.zeros((5, 5)), **arguments)


# ------------------------------------------------------------------- shared validation
IMAGE_FILTERS = {
    "sobel_gradients": lambda image, **kw: sobel_gradients(image, **kw),
    "sobel_magnitude": lambda image, **kw: sobel_magnitude(image, **kw),
    "median_filter": lambda image, **kw: median_filter(image, 3, **kw),
    "bilateral_filter": lambda image, **kw: bilateral_filter(image, 3, 1.0, 0.1, **kw),
}


@pytest.mark.parametrize("name", sorted(IMAGE_FILTERS))
def test_filters_reject_non_2d_and_non_numeric_images(name):
    """Each image filter wants a 2-D numeric image and says so."""
    run = IMAGE_FILTERS[name]
    with pytest.raises(ValueError, match=r"image must be 2-D; got 3-D with shape \(3, 4, 4\)"):
        run(np.zeros((3, 4, 4)))
    with pytest.raises(TypeError, match=r"image must be a numeric array; got dtype <U1"):
        run([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match=r"pad_mode must be one of .*got 'mirror'"):
        run(np.zeros((4, 4)), pad_mode="mirror")


@pytest.mark.parametrize("name", ["median_filter", "bilateral_filter"])
def test_window_filters_reject_even_size(name):
    """Median and bilateral filters need a centred window: an even size is refused."""
    function = getattr(filters, name)
    extra = (1.0, 0.1) if name == "bilateral_filter" else ()
    with pytest.raises(ValueError, match=r"size must be a positive odd integer.*got 2"):
        function(np.zeros((5, 5)), 2, *extra)


@pytest.mark.parametrize("pad_mode, size", [("reflect", 7), ("circular", 9)])
def test_too_large_window_names_size_and_image_shape(pad_mode, size):
    """A window too big for the border mode is refused with the size and the image shape."""
    with pytest.raises(ValueError, match=rf"size {size} pads the image by .*\(3, 8\)"):
        median_filter(np.zeros((3, 8)), size, pad_mode=pad_mode)
    # The same window works when the border is simply repeated.
    assert median_filter(np.zeros((3, 8)), size, pad_mode="replicate").shape == (3, 8)


def test_sobel_on_a_single_row_needs_a_repeating_border():
    """Reflect padding cannot pad a one-row image; the message says why, replicate works."""
    with pytest.raises(ValueError, match=r"Sobel's 3x3 kernels pad the image by 1 .*\(1, 6\)"):
        sobel_gradients(np.zeros((1, 6)), pad_mode="reflect")
    assert sobel_magnitude(np.zeros((1, 6))).shape == (1, 6)
