"""Augmentation: rotate, shift, zoom, flip, brightness, noise and random batches, against
np.rot90, slicing, np.roll, Pillow and scipy.ndimage."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from cnnviz.augment import (
    FILL_MODES, add_noise, brightness, draw_params, flip, random_augment, rotate, shift, zoom,
)

ndimage = pytest.importorskip("scipy.ndimage", reason="scipy.ndimage is the reference for warps")

# Our fill names -> scipy.ndimage's modes that mean the same thing at order 1.
SCIPY_MODE = {"edge": "nearest", "reflect": "reflect", "wrap": "grid-wrap"}


def random_image(rng, shape, dtype=np.float64, border=0):
    """Uniform values in [0, 1]; the outer ``border`` pixels are 0."""
    image = rng.random(shape).astype(dtype)
    if border:
        image[..., :border, :] = image[..., -border:, :] = 0
        image[..., :, :border] = image[..., :, -border:] = 0
    return image


def scipy_warp(image, degrees=0.0, factor=1.0, dx=0.0, dy=0.0, fill=0.0):
    """The same warp by scipy.ndimage.affine_transform, channel by channel, in (row, col).

    Output (row, col) = q reads the input at c + R(-theta) (q - c - t) / s, the maths of
    the module notes written out again here.
    """
    H, W = image.shape[-2:]
    t = np.deg2rad(degrees)
    # (x, y) inverse R(-theta) = [[cos, -sin], [sin, cos]]; in (row, col) = (y, x) order:
    M = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]]) / factor
    c = np.array([(H - 1) / 2, (W - 1) / 2])
    offset = c - M @ (c + np.array([dy, dx]))
    mode, cval = (SCIPY_MODE[fill], 0.0) if isinstance(fill, str) else ("grid-constant", fill)
    planes = image.reshape(-1, H, W).astype(np.float64)
    out = [ndimage.affine_transform(p, M, offset, order=1, mode=mode, cval=cval) for p in planes]
    return np.array(out).reshape(image.shape)


def pillow_rotate(image, degrees, fill=0.0):
    """Pillow's rotate (bilinear) on each channel as a 32-bit float image."""
    planes = image.reshape(-1, *image.shape[-2:]).astype(np.float32)
    out = [
        np.asarray(Image.fromarray(p).rotate(degrees, Image.Resampling.BILINEAR, fillcolor=fill))
        for p in planes
    ]
    return np.array(out).reshape(image.shape)


# --------------------------------------------------------------------------------- rotate
@pytest.mark.parametrize("shape", [(5, 5), (8, 8), (3, 7, 7), (2, 6, 6)])
@pytest.mark.parametrize("quarter", [-3, -1, 0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rotate_by_multiples_of_90_is_rot90_exactly(shape, quarter, dtype):
    """rotate(img, 90 k) equals np.rot90(img, k) on the spatial axes, bit for bit."""
    image = random_image(np.random.default_rng(quarter + 10), shape, dtype)
    out = rotate(image, 90 * quarter, fill=0.5)
    assert out.dtype == dtype and out.shape == shape
    np.testing.assert_array_equal(out, np.rot90(image, quarter, axes=(-2, -1)))


@pytest.mark.parametrize("seed", range(8))
def test_rotate_matches_pillow_at_other_angles(seed):
    """Away from multiples of 90, rotate agrees with Pillow's bilinear Image.rotate."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 4)), int(rng.integers(9, 30)), int(rng.integers(9, 30)))
    degrees = float(rng.uniform(-360, 360))
    # A black frame: Pillow clamps to the edge pixel half a pixel out, we blend with
    # the fill; on a black frame with fill 0 both read 0 there.
    image = random_image(rng, shape, np.float32, border=1)
    np.testing.assert_allclose(rotate(image, degrees), pillow_rotate(image, degrees), atol=2e-5)


@pytest.mark.parametrize("seed", range(4))
def test_rotate_matches_pillow_inside_with_a_fill(seed):
    """With a grey fill, every pixel whose source lies a pixel inside the picture agrees with Pillow."""
    rng = np.random.default_rng(100 + seed)
    H, W = int(rng.integers(12, 30)), int(rng.integers(12, 30))
    degrees = float(rng.uniform(1, 89)) + 90 * int(rng.integers(0, 4))
    image = random_image(rng, (H, W), np.float32)
    ours, theirs = rotate(image, degrees, fill=0.3), pillow_rotate(image, degrees, fill=0.3)
    # Where each output pixel reads from, by the rotation about the centre.
    t = np.deg2rad(degrees)
    y, x = np.mgrid[0:H, 0:W] - np.array([(H - 1) / 2, (W - 1) / 2])[:, None, None]
    xs, ys = np.cos(t) * x - np.sin(t) * y + (W - 1) / 2, np.sin(t) * x + np.cos(t) * y + (H - 1) / 2
    inside = (xs >= 1) & (xs <= W - 2) & (ys >= 1) & (ys <= H - 2)
    outside = (xs < -1) | (xs > W) | (ys < -1) | (ys > H)
    assert inside.sum() > H * W / 4 and outside.any()
    np.testing.assert_allclose(ours[inside], theirs[inside], atol=2e-5)
    np.testing.assert_allclose(ours[outside], 0.3, atol=1e-6)       # all fill, like Pillow
    np.testing.assert_allclose(theirs[outside], 0.3, atol=1e-6)


@pytest.mark.parametrize("fill", [0.0, 0.7, *FILL_MODES])
@pytest.mark.parametrize("seed", range(3))
def test_rotate_matches_scipy_affine_transform_for_every_fill(fill, seed):
    """rotate is scipy.ndimage.affine_transform (order 1) with the matching boundary mode."""
    rng = np.random.default_rng(200 + seed)
    shape = (2, int(rng.integers(5, 20)), int(rng.integers(5, 20)))
    degrees = float(rng.uniform(-180, 180))
    image = random_image(rng, shape)
    expected = scipy_warp(image, degrees, fill=fill)
    np.testing.assert_allclose(rotate(image, degrees, fill=fill), expected, atol=1e-12)


def test_positive_angles_turn_counter_clockwise():
    """A dot right of the centre moves up and left along the circle at +30 degrees."""
    image = np.zeros((41, 41))
    image[20, 30] = 1.0                                  # 10 px right of the centre (20, 20)
    out = rotate(image, 30)
    row, col = np.unravel_index(np.argmax(out), out.shape)
    assert (row, col) == (round(20 - 10 * np.sin(np.pi / 6)), round(20 + 10 * np.cos(np.pi / 6)))


def test_rotate_keeps_the_canvas_and_brings_in_the_fill():
    """At 45 degrees the corners of the output come from outside: they are the fill value."""
    out = rotate(np.ones((3, 16, 16), dtype=np.float32), 45, fill=0.25)
    assert out.shape == (3, 16, 16) and out.dtype == np.float32
    assert np.all(out[:, 0, 0] == np.float32(0.25)) and np.all(out[:, 8, 8] == 1)


# ---------------------------------------------------------------------------------- shift
def sliced_shift(image, dx, dy, fill):
    """Whole-pixel shift by slicing: out[y, x] = image[y - dy, x - dx], fill elsewhere."""
    H, W = image.shape[-2:]
    out = np.full_like(image, fill)
    ys, xs = slice(max(dy, 0), min(H, H + dy)), slice(max(dx, 0), min(W, W + dx))
    yi, xi = slice(max(-dy, 0), min(H, H - dy)), slice(max(-dx, 0), min(W, W - dx))
    if ys.start < ys.stop and xs.start < xs.stop:
        out[..., ys, xs] = image[..., yi, xi]
    return out


@pytest.mark.parametrize("seed", range(12))
def test_whole_pixel_shift_is_exact(seed):
    """Integer dx, dy (even past the edge) copy pixels exactly, as slicing does."""
    rng = np.random.default_rng(300 + seed)
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 15)), int(rng.integers(1, 15)))
    image = random_image(rng, shape, np.float32)
    dx, dy = (int(v) for v in rng.integers(-16, 17, 2))
    out = shift(image, dx, dy, fill=0.4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, sliced_shift(image, dx, dy, np.float32(0.4)))


@pytest.mark.parametrize("seed", range(6))
def test_whole_pixel_shift_with_wrap_is_roll_and_with_edge_repeats_the_edge(seed):
    """fill="wrap" is np.roll; fill="edge" is the shifted picture of an edge-padded image."""
    rng = np.random.default_rng(400 + seed)
    image = random_image(rng, (2, 9, 13))
    dx, dy = (int(v) for v in rng.integers(-20, 21, 2))
    np.testing.assert_array_equal(shift(image, dx, dy, fill="wrap"), np.roll(image, (dy, dx), axis=(-2, -1)))
    pad = 21
    padded = np.pad(image, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    expected = padded[:, pad - dy : pad - dy + 9, pad - dx : pad - dx + 13]
    np.testing.assert_array_equal(shift(image, dx, dy, fill="edge"), expected)


@pytest.mark.parametrize("fill", [0.0, 0.6, *FILL_MODES])
def test_fractional_shift_matches_scipy(fill):
    """A fractional shift is scipy.ndimage.shift (order 1) with the matching mode."""
    rng = np.random.default_rng(500)
    for _ in range(4):
        image = random_image(rng, (int(rng.integers(4, 12)), int(rng.integers(4, 12))))
        dx, dy = rng.uniform(-5, 5, 2)
        mode, cval = (SCIPY_MODE[fill], 0.0) if isinstance(fill, str) else ("grid-constant", fill)
        expected = ndimage.shift(image, (dy, dx), order=1, mode=mode, cval=cval)
        np.testing.assert_allclose(shift(image, dx, dy, fill=fill), expected, atol=1e-12)


def test_half_pixel_shift_averages_neighbours():
    """Half a pixel right: every value is the mean of itself and its left neighbour."""
    row = np.array([[0.0, 2.0, 4.0, 8.0]])
    np.testing.assert_allclose(shift(row, 0.5, 0), [[0.0, 1.0, 3.0, 6.0]])


# ----------------------------------------------------------------------------------- zoom
@pytest.mark.parametrize("fill", [0.0, 0.9, *FILL_MODES])
@pytest.mark.parametrize("shape, dtype", [
    ((7, 10), np.float64), ((3, 8, 5), np.float32), ((1, 1), np.float64),
])
def test_zoom_by_one_is_the_identity(fill, shape, dtype):
    """zoom(img, 1) returns the image unchanged, whatever the fill."""
    image = random_image(np.random.default_rng(1), shape, dtype)
    out = zoom(image, 1, fill=fill)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, image)


@pytest.mark.parametrize("fill", [0.0, 0.2, *FILL_MODES])
@pytest.mark.parametrize("seed", range(3))
def test_zoom_matches_scipy_affine_transform(fill, seed):
    """zoom about the centre is affine_transform with matrix 1/factor (order 1)."""
    rng = np.random.default_rng(600 + seed)
    image = random_image(rng, (2, int(rng.integers(5, 20)), int(rng.integers(5, 20))))
    factor = float(np.exp(rng.uniform(-1, 1)))
    expected = scipy_warp(image, factor=factor, fill=fill)
    np.testing.assert_allclose(zoom(image, factor, fill=fill), expected, atol=1e-12)


@pytest.mark.parametrize("H, W", [(8, 8), (10, 6), (16, 20)])
def test_zoom_by_two_is_the_middle_of_scipy_zoom(H, W):
    """zoom(img, 2) is the central H x W of scipy.ndimage.zoom(img, 2) on the pixel grid."""
    image = random_image(np.random.default_rng(H * W), (H, W))
    big = ndimage.zoom(image, 2, order=1, grid_mode=True, mode="grid-constant")
    np.testing.assert_allclose(zoom(image, 2), big[H // 2 : H // 2 + H, W // 2 : W // 2 + W], atol=1e-12)


def test_zoom_above_one_enlarges_and_below_one_shrinks():
    """A centred disc's area grows by about factor squared."""
    y, x = np.mgrid[0:64, 0:64] - 31.5
    disc = (np.hypot(x, y) < 10).astype(float)
    area = disc.sum()
    assert zoom(disc, 2).sum() == pytest.approx(4 * area, rel=0.05)
    assert zoom(disc, 0.5).sum() == pytest.approx(area / 4, rel=0.05)


# ------------------------------------------------------------------ flip, brightness, noise
@pytest.mark.parametrize("shape", [(4, 7), (3, 5, 6)])
def test_flip_is_np_flip_and_a_copy(shape):
    """horizontal=True mirrors the last axis, False the second last; the input is untouched."""
    image = random_image(np.random.default_rng(7), shape)
    before = image.copy()
    left_right, top_bottom = flip(image), flip(image, horizontal=False)
    np.testing.assert_array_equal(left_right, np.flip(image, -1))
    np.testing.assert_array_equal(top_bottom, np.flip(image, -2))
    left_right[...] = -1
    np.testing.assert_array_equal(image, before)


@pytest.mark.parametrize("factor", [0, 0.5, 1, 1.7])
def test_brightness_scales_and_clips(factor):
    """brightness(img, f) is clip(f * img, 0, 1), same dtype; f = 1 changes nothing."""
    image = random_image(np.random.default_rng(8), (3, 6, 6), np.float32)
    out = brightness(image, factor)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.clip(factor * image, 0, 1), rtol=1e-6)
    if factor == 1:
        np.testing.assert_array_equal(out, image)


def test_add_noise_is_seeded_gaussian_and_clipped():
    """Same seed, same noise; the noise on mid-grey has the asked standard deviation; values in [0, 1]."""
    grey = np.full((200, 200), 0.5, dtype=np.float32)
    a, b, c = add_noise(grey, 0.1, seed=3), add_noise(grey, 0.1, seed=3), add_noise(grey, 0.1, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and a.dtype == np.float32
    assert np.std(a - grey) == pytest.approx(0.1, rel=0.03) and abs(np.mean(a - grey)) < 0.002
    loud = add_noise(grey, 2.0)
    assert loud.min() == 0 and loud.max() == 1
    np.testing.assert_array_equal(add_noise(grey, 0), grey)


# ------------------------------------------------------------------------- random batches
def test_random_augment_is_deterministic_by_seed():
    """Equal seeds give equal batches; another seed gives another batch."""
    images = random_image(np.random.default_rng(9), (6, 1, 12, 12))
    kw = dict(rotation=20, zoom=(0.8, 1.2), shift=2, flip=True, brightness=(0.7, 1.1), noise=0.05)
    a, b = random_augment(images, seed=1, **kw), random_augment(images, seed=1, **kw)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, random_augment(images, seed=2, **kw))


def test_each_image_gets_its_own_draw_independent_of_the_batch():
    """Draws differ between images; image k's draw is the same in a batch of 3 or of 40."""
    p = draw_params(40, rotation=30, zoom=(0.5, 2), shift=3, flip=True, brightness=(0.5, 1), seed=5)
    for field in ("degrees", "factor", "dx", "dy", "brightness"):
        values = getattr(p, field)
        assert len(np.unique(values)) == 40, field
    assert 10 < p.flipped.sum() < 30                            # about half are mirrored
    short = draw_params(3, rotation=30, zoom=(0.5, 2), shift=3, flip=True, brightness=(0.5, 1), seed=5)
    for field in p._fields:
        np.testing.assert_array_equal(getattr(short, field), getattr(p, field)[:3])
    images = random_image(np.random.default_rng(10), (40, 2, 9, 9))
    kw = dict(rotation=30, shift=3, noise=0.1, seed=5)
    np.testing.assert_array_equal(random_augment(images[:3], **kw), random_augment(images, **kw)[:3])


def test_draws_stay_in_their_ranges_and_one_range_does_not_move_the_others():
    """Every draw lies in its range; widening the rotation leaves the shifts and zooms as they were."""
    p = draw_params(500, rotation=15, zoom=(0.9, 1.3), shift=2.5, brightness=(0.6, 1.0), seed=0)
    for values, low, high in [(p.degrees, -15, 15), (p.factor, 0.9, 1.3), (p.dx, -2.5, 2.5),
                              (p.dy, -2.5, 2.5), (p.brightness, 0.6, 1.0)]:
        assert np.all((values >= low) & (values <= high))
        spread = 0.02 * (high - low)                         # and they fill the whole range
        assert values.min() < low + spread and values.max() > high - spread
        assert np.mean(values) == pytest.approx((low + high) / 2, abs=0.05 * (high - low))
    assert not p.flipped.any()
    wider = draw_params(500, rotation=90, zoom=(0.9, 1.3), shift=2.5, brightness=(0.6, 1.0), seed=0)
    np.testing.assert_array_equal(wider.dx, p.dx)
    np.testing.assert_array_equal(wider.factor, p.factor)
    np.testing.assert_allclose(wider.degrees, 6 * p.degrees)


@pytest.mark.parametrize("fill", [0.0, *FILL_MODES])
def test_random_augment_is_one_warp_per_image_with_the_drawn_settings(fill):
    """Each image is mirrored if drawn so, then warped once by its drawn rotation, zoom and shift (scipy)."""
    images = random_image(np.random.default_rng(11), (12, 2, 10, 14))
    kw = dict(rotation=40, zoom=(0.7, 1.4), shift=3, flip=True, seed=7)
    out = random_augment(images, fill=fill, **kw)
    p = draw_params(len(images), **kw)
    assert p.flipped.any() and not p.flipped.all()
    for k, image in enumerate(images):
        source = image[..., ::-1] if p.flipped[k] else image
        expected = scipy_warp(source, p.degrees[k], p.factor[k], p.dx[k], p.dy[k], fill=fill)
        np.testing.assert_allclose(out[k], expected, atol=1e-12)


def test_random_augment_brightness_and_noise():
    """Brightness multiplies each image by its own drawn factor; noise adds seeded noise; both clip."""
    images = random_image(np.random.default_rng(12), (8, 10, 10), np.float32) * 0.5
    p = draw_params(8, brightness=(0.2, 1.8), seed=3)
    out = random_augment(images, brightness=(0.2, 1.8), seed=3)
    assert out.shape == images.shape and out.dtype == np.float32
    np.testing.assert_allclose(out, np.clip(images * p.brightness[:, None, None], 0, 1), rtol=1e-6)
    noisy = random_augment(images, noise=0.2, seed=3)
    assert 0.15 < np.std(noisy - images) < 0.2 and noisy.min() >= 0 and noisy.max() <= 1


def test_random_augment_with_default_settings_returns_the_batch():
    """No ranges, no change: the defaults are the identity (and keep float32)."""
    images = random_image(np.random.default_rng(13), (5, 3, 7, 9), np.float32)
    out = random_augment(images)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, images)


@pytest.mark.parametrize("block", [1, 5, 30, 2**18])
def test_work_split_into_blocks_gives_the_same_result(monkeypatch, block):
    """Batches in groups of images and a large picture in bands of pixels give what one pass gives."""
    import cnnviz.augment as augment

    images = random_image(np.random.default_rng(14), (7, 2, 4, 6))
    kw = dict(rotation=50, zoom=(0.6, 1.5), shift=2, seed=4, fill="reflect")
    whole, picture = random_augment(images, **kw), rotate(images[0], 33, fill=0.3)
    monkeypatch.setattr(augment, "_BLOCK", block)
    np.testing.assert_array_equal(random_augment(images, **kw), whole)
    np.testing.assert_array_equal(rotate(images[0], 33, fill=0.3), picture)
    np.testing.assert_allclose(picture, scipy_warp(images[0], 33, fill=0.3), atol=1e-12)


@pytest.mark.parametrize("fill", [0.5, *FILL_MODES])
def test_extreme_settings_give_a_picture_not_a_warning(fill):
    """Zooms of 1e-308 or 1e308, shifts of 1e300 and angles of 1e300 degrees give finite pictures."""
    image = random_image(np.random.default_rng(15), (2, 6, 8))
    for out in (
        zoom(image, 1e-308, fill=fill), zoom(image, 5e-324, fill=fill), zoom(image, 1e308, fill=fill),
        shift(image, 1e300, -1e300, fill=fill),
        rotate(image, 1e300, fill=fill), rotate(image, -1e300, fill=fill),
        random_augment(image, zoom=(1e-300, 1e300), shift=1e300, rotation=180, fill=fill),
    ):
        assert out.shape == image.shape and np.isfinite(out).all()
    if fill == 0.5:                         # shrunk to nothing: only the fill is left
        np.testing.assert_array_equal(zoom(image, 1e-308, fill=fill), 0.5)


def test_integer_images_come_back_as_float64():
    """Integer input is converted to float64, like the rest of cnnviz."""
    assert rotate(np.eye(4, dtype=int), 90).dtype == np.float64
    assert random_augment(np.ones((2, 4, 4), dtype=np.uint8), shift=1).dtype == np.float64


def test_importing_augment_loads_no_plotting():
    """cnnviz.augment is numpy-only: matplotlib and ipywidgets stay unloaded."""
    code = "import sys, cnnviz.augment; print(any(m in sys.modules for m in ('matplotlib', 'ipywidgets')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ------------------------------------------------------------------------------ bad input
IMAGE = np.zeros((4, 4))


@pytest.mark.parametrize("call, error, message", [
    (lambda: rotate(IMAGE, np.nan), ValueError, r"degrees must be a finite number; got nan"),
    (lambda: rotate(IMAGE, np.inf), ValueError, r"degrees must be a finite number; got inf"),
    (lambda: rotate(IMAGE, "90"), TypeError, r"degrees must be a number; got '90'"),
    (lambda: rotate(IMAGE, True), TypeError, r"degrees must be a number; got True"),
    (lambda: rotate(IMAGE, 10, fill="mean"), ValueError,
     r"fill must be a number or one of 'edge', 'reflect', 'wrap'; got 'mean'"),
    (lambda: rotate(IMAGE, 10, fill=None), TypeError,
     r"fill must be a number or one of 'edge', 'reflect', 'wrap'; got None"),
    (lambda: rotate(IMAGE, 10, fill=np.nan), ValueError, r"fill must be a finite number; got nan"),
    (lambda: rotate(np.zeros((1, 2, 4, 4)), 10), ValueError, r"image must be 2-D or 3-D; got 4-D"),
    (lambda: rotate(np.zeros(5), 10), ValueError, r"image must be 2-D or 3-D; got 1-D"),
    (lambda: rotate("cat.png", 10), TypeError, r"image must be a numeric array; got 'cat.png'"),
    (lambda: rotate(np.zeros((30, 45, 3)), 10), ValueError,
     r"image looks like colour stored channels-last, shape \(30, 45, 3\); cnnviz images are channels-first, "
     r"\(C, H, W\): use np.moveaxis\(image, -1, -3\)"),
    (lambda: flip(np.zeros((30, 45, 4))), ValueError, r"image looks like colour stored channels-last"),
    (lambda: random_augment(np.zeros((5, 28, 28, 3))), ValueError,
     r"images looks like colour stored channels-last"),
    (lambda: shift(IMAGE, np.nan, 0), ValueError, r"dx must be a finite number; got nan"),
    (lambda: shift(IMAGE, 0, -np.inf), ValueError, r"dy must be a finite number; got -inf"),
    (lambda: shift(IMAGE, 1, 1, fill="nearest"), ValueError, r"fill must be a number or one of"),
    (lambda: zoom(IMAGE, 0), ValueError, r"factor must be a positive number; got 0.0"),
    (lambda: zoom(IMAGE, -2), ValueError, r"factor must be a positive number; got -2.0"),
    (lambda: zoom(IMAGE, np.inf), ValueError, r"factor must be a finite number; got inf"),
    (lambda: zoom(IMAGE, (1, 2)), TypeError, r"factor must be a number; got \(1, 2\)"),
    (lambda: flip(IMAGE, horizontal="yes"), TypeError, r"horizontal must be True or False; got 'yes'"),
    (lambda: flip(np.zeros((2, 2, 2, 2))), ValueError, r"image must be 2-D or 3-D; got 4-D"),
    (lambda: brightness(IMAGE, -0.5), ValueError, r"factor must be at least 0; got -0.5"),
    (lambda: brightness(IMAGE, np.nan), ValueError, r"factor must be a finite number; got nan"),
    (lambda: add_noise(IMAGE, -1), ValueError, r"std must be at least 0; got -1.0"),
    (lambda: add_noise(IMAGE, 0.1, seed=-1), ValueError, r"seed must be a non-negative integer; got -1"),
    (lambda: random_augment(IMAGE), ValueError, r"images must be 3-D or 4-D; got 2-D"),
    (lambda: random_augment(np.zeros((2, 4, 4)), rotation=200), ValueError,
     r"rotation must be between 0 and 180 degrees; got 200.0"),
    (lambda: random_augment(np.zeros((2, 4, 4)), rotation=-5), ValueError,
     r"rotation must be between 0 and 180 degrees; got -5.0"),
    (lambda: random_augment(np.zeros((2, 4, 4)), rotation=np.nan), ValueError,
     r"rotation must be a finite number; got nan"),
    (lambda: random_augment(np.zeros((2, 4, 4)), zoom=1.2), TypeError,
     r"zoom must be a pair \(low, high\) of positive numbers with low <= high; got 1.2"),
    (lambda: random_augment(np.zeros((2, 4, 4)), zoom=(0, 1)), ValueError,
     r"zoom must be a pair \(low, high\) of positive numbers with low <= high; got \(0, 1\)"),
    (lambda: random_augment(np.zeros((2, 4, 4)), zoom=(1.5, 1)), ValueError,
     r"zoom must be a pair .*got \(1.5, 1\)"),
    (lambda: random_augment(np.zeros((2, 4, 4)), zoom=(1, np.inf)), ValueError,
     r"zoom must be a pair .*got \(1, inf\)"),
    (lambda: random_augment(np.zeros((2, 4, 4)), shift=-1), ValueError,
     r"shift must be at least 0; got -1.0"),
    (lambda: random_augment(np.zeros((2, 4, 4)), flip=1), TypeError, r"flip must be True or False; got 1"),
    (lambda: random_augment(np.zeros((2, 4, 4)), brightness=(-1, 1)), ValueError,
     r"brightness must be a pair \(low, high\) of non-negative numbers with low <= high; got \(-1, 1\)"),
    (lambda: random_augment(np.zeros((2, 4, 4)), noise=-0.1), ValueError,
     r"noise must be at least 0; got -0.1"),
    (lambda: random_augment(np.zeros((2, 4, 4)), seed=1.5), TypeError,
     r"seed must be a non-negative integer; got 1.5"),
    (lambda: random_augment(np.zeros((2, 4, 4)), fill="black"), ValueError,
     r"fill must be a number or one of"),
    (lambda: draw_params(-1), ValueError, r"n must be a non-negative integer; got -1"),
])
def test_bad_input_names_the_parameter_and_the_value(call, error, message):
    """Each mistake gets a ValueError or TypeError naming the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        call()
