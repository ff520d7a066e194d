"""The synthetic shapes data set: format, determinism, and that each class looks like its name."""

import time

import numpy as np
import pytest

from cnnviz.datasets import CLASS_NAMES, ShapesData, draw_shape, make_shapes


def test_format_of_images_and_labels():
    """Images are float32 (N, 1, 28, 28) in [0, 1]; labels int64 indices into the class names."""
    data = make_shapes(40, seed=3)
    assert isinstance(data, ShapesData)
    assert data.images.shape == (40, 1, 28, 28) and data.images.dtype == np.float32
    assert data.labels.shape == (40,) and data.labels.dtype == np.int64
    assert data.images.min() >= 0.0 and data.images.max() <= 1.0
    assert data.class_names == CLASS_NAMES == ("circle", "square", "triangle", "cross")
    assert set(data.labels.tolist()) == {0, 1, 2, 3}


def test_same_seed_same_data_other_seed_other_data():
    """Generation is deterministic by seed, and the seed matters."""
    a, b, c = make_shapes(12, seed=5), make_shapes(12, seed=5), make_shapes(12, seed=6)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.images, c.images)


def test_classes_are_balanced_and_shuffled():
    """Class counts differ by at most one, and labels are not in a fixed cycle."""
    labels = make_shapes(103, seed=0).labels
    counts = np.bincount(labels, minlength=4)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 103
    assert not np.array_equal(labels[:8], np.arange(8) % 4)


def test_every_shape_stays_inside_the_image():
    """Without noise the one-pixel border is empty: no shape is cut off."""
    images = make_shapes(200, seed=1, noise=0)[0][:, 0]
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    assert border.max() == 0.0
    assert images.reshape(200, -1).max(axis=1).min() > 0.5     # and every image has a shape


def test_noise_is_added_and_clipped():
    """noise > 0 lights up the empty background; values stay within [0, 1]."""
    clean = make_shapes(50, seed=2, noise=0)[0]
    noisy = make_shapes(50, seed=2, noise=0.2)[0]
    background = clean == 0
    assert noisy[background].mean() > 0.05
    assert noisy.min() >= 0 and noisy.max() <= 1


def test_size_32():
    """size=32 makes 32x32 images."""
    assert make_shapes(4, seed=0, size=32).images.shape == (4, 1, 32, 32)


def test_generation_is_fast():
    """A thousand images take well under a few seconds (Pillow draws, numpy adds noise)."""
    start = time.perf_counter()
    make_shapes(1000, seed=0)
    assert time.perf_counter() - start < 5.0


def test_cross_at_angle_zero_is_a_plus_sign():
    """The cross's arms lie along the middle row and column; the corners stay dark."""
    img = draw_shape("cross", size=28, width=2)[0]
    assert img[13:15, 6:22].min() > 0.5 and img[6:22, 13:15].min() > 0.5
    assert img[:10, :10].max() == 0 and img[18:, 18:].max() == 0


def test_square_at_45_degrees_stands_upright():
    """At 45 degrees the square's sides are vertical: bright columns left and right, empty middle."""
    img = draw_shape("square", size=28, radius=9, angle=45, width=2)[0]
    half = 9 / np.sqrt(2)
    left, right = int(round(14 - half)), int(round(14 + half)) - 1
    assert img[11:17, left].min() > 0.5 and img[11:17, right].min() > 0.5
    assert img[11:17, 12:16].max() == 0


def test_only_the_circle_is_unchanged_by_rotation():
    """Rotating changes a square, a triangle and a cross, but not a circle."""
    for name in CLASS_NAMES:
        change = np.abs(draw_shape(name, angle=0) - draw_shape(name, angle=37)).mean()
        if name == "circle":
            assert change == 0
        else:
            assert change > 0.02, name


def test_triangle_pointing_up_has_its_base_at_the_bottom():
    """At -90 degrees the triangle points up: its longest row of ink (the base) is near the bottom."""
    img = draw_shape("triangle", size=28, radius=10, angle=-90)[0]
    ink_per_row = img.sum(axis=1)
    assert 17 <= np.argmax(ink_per_row) <= 20               # the base: y = 14 + radius / 2
    assert ink_per_row[4:8].max() < ink_per_row.max() / 4   # the apex: a point


def test_shapes_are_told_apart_by_their_ink():
    """Same size and place, different classes give different images (no two classes draw alike)."""
    images = [draw_shape(name, angle=10) for name in CLASS_NAMES]
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(images[i] - images[j]).mean() > 0.02


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n": 0}, ValueError, r"n must be a positive integer; got 0"),
    ({"n": 2.5}, TypeError, r"n must be a positive integer; got 2.5"),
    ({"n": 4, "seed": -1}, ValueError, r"seed must be a non-negative integer; got -1"),
    ({"n": 4, "size": 8}, ValueError, r"size must be at least 16 pixels; got 8"),
    ({"n": 4, "noise": 2}, ValueError, r"noise must be between 0 and 1; got 2.0"),
    ({"n": 4, "noise": "lots"}, TypeError, r"noise must be a number; got 'lots'"),
])
def test_make_shapes_rejects_bad_arguments(kwargs, error, message):
    """Bad arguments name the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        make_shapes(**kwargs)


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("hexagon",), {}, ValueError, r"name must be one of 'circle', 'square', 'triangle', 'cross'; got 'hexagon'"),
    (("circle",), {"center": 5}, TypeError, r"center must be a pair \(x, y\) of pixel coordinates; got 5"),
    (("circle",), {"radius": 0}, ValueError, r"radius must be between 1 and 28; got 0.0"),
    (("circle",), {"width": 100}, ValueError, r"width must be between 0.25 and 14.0; got 100.0"),
])
def test_draw_shape_rejects_bad_arguments(args, kwargs, error, message):
    """draw_shape names what is wrong and what is valid."""
    with pytest.raises(error, match=message):
        draw_shape(*args, **kwargs)
