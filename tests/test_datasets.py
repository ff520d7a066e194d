"""The synthetic shapes data set: format, determinism, and that each class looks like its name."""

import hashlib
import time

import numpy as np
import pytest

from cnnviz.datasets import CLASS_NAMES, NEW_CLASS_NAMES, SHAPE_NAMES, ShapesData, draw_shape, make_shapes


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
    """Rotating changes every shape but the circle."""
    for name in SHAPE_NAMES:
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
    images = [draw_shape(name, angle=10) for name in SHAPE_NAMES]
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert np.abs(images[i] - images[j]).mean() > 0.02, (SHAPE_NAMES[i], SHAPE_NAMES[j])


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
    (("pentagon",), {}, ValueError,
     r"name must be one of 'circle', 'square', 'triangle', 'cross', 'star', 'hexagon', 'arrow', 'heart'; "
     r"got 'pentagon'"),
    (("circle",), {"center": 5}, TypeError, r"center must be a pair \(x, y\) of pixel coordinates; got 5"),
    (("circle",), {"radius": 0}, ValueError, r"radius must be between 1 and 28; got 0.0"),
    (("circle",), {"width": 100}, ValueError, r"width must be between 0.25 and 14.0; got 100.0"),
])
def test_draw_shape_rejects_bad_arguments(args, kwargs, error, message):
    """draw_shape names what is wrong and what is valid."""
    with pytest.raises(error, match=message):
        draw_shape(*args, **kwargs)


# ------------------------------------------------------- held ranges and the new classes
#: sha256 of make_shapes(64, seed=0) images + labels, computed before the ranges and
#: the new classes were added: the shipped weights were trained on this data.
DEFAULT_SHA256 = "f25ceb97c934bea27a61fd2061e5dc9485637ae8311c13127ffcb77804cf3ccd"


def digest(data):
    return hashlib.sha256(data.images.tobytes() + data.labels.tobytes()).hexdigest()


def test_default_data_is_unchanged_bit_for_bit():
    """The defaults, given or not, reproduce the data the shipped network was trained on."""
    assert digest(make_shapes(64, seed=0)) == DEFAULT_SHA256
    spelled_out = make_shapes(64, seed=0, classes=CLASS_NAMES, scale=(0.22, 0.42), angle=(0, 360),
                              position=(0, 1))
    assert digest(spelled_out) == DEFAULT_SHA256


def ink_box(image, level=0.3):
    """(top, left, bottom, right) of the pixels brighter than ``level``."""
    rows, cols = np.nonzero(image > level)
    return np.array([rows.min(), cols.min(), rows.max(), cols.max()])


def boxes_by_class(data):
    return {
        k: np.array([ink_box(im[0]) for im in data.images[data.labels == k]])
        for k in range(len(data.class_names))
    }


def test_held_ranges_give_every_shape_of_a_class_the_same_place_size_and_turn():
    """Held scale, angle and position: a class's ink boxes agree within a pixel; free ranges spread them."""
    held = make_shapes(80, seed=4, noise=0, classes=SHAPE_NAMES, scale=(0.3, 0.3), angle=(20, 20),
                       position=(0.5, 0.5))
    free = make_shapes(80, seed=4, noise=0, classes=SHAPE_NAMES)
    for name, boxes, loose in zip(SHAPE_NAMES, boxes_by_class(held).values(), boxes_by_class(free).values()):
        assert np.ptp(boxes, axis=0).max() <= 2, name         # only the stroke width differs
        assert np.ptp(loose, axis=0).max() >= 5, name


def test_held_shapes_are_the_drawn_shape_at_that_setting():
    """With scale, angle and position held, each image looks most like draw_shape of its own label."""
    classes = ("heart", "arrow", "circle", "hexagon", "cross", "star", "triangle", "square")
    data = make_shapes(64, seed=5, noise=0, classes=classes, scale=(0.35, 0.35), angle=(-30, -30),
                       position=(0.5, 0.5))
    assert data.class_names == classes
    templates = np.array([draw_shape(name, radius=0.35 * 28, angle=-30)[0].ravel() for name in classes])
    templates -= templates.mean(axis=1, keepdims=True)
    templates /= np.linalg.norm(templates, axis=1, keepdims=True)
    flat = data.images[:, 0].reshape(64, -1)
    flat = (flat - flat.mean(axis=1, keepdims=True)) / np.linalg.norm(flat, axis=1, keepdims=True)
    correlation = flat @ templates.T
    np.testing.assert_array_equal(np.argmax(correlation, axis=1), data.labels)
    assert correlation[np.arange(64), data.labels].min() > 0.7     # the stroke width still varies


def test_position_range_moves_the_shapes_to_the_edges():
    """position (0, 0) puts circles a pixel from the top left, (1, 1) from the bottom right."""
    for position in ((0, 0), (1, 1)):
        images = make_shapes(20, seed=6, noise=0, classes=("circle",), scale=(0.2, 0.35),
                             position=position).images
        boxes = np.array([ink_box(im[0], level=0.05) for im in images])
        if position == (0, 0):
            assert np.all((boxes[:, :2] >= 1) & (boxes[:, :2] <= 2))
        else:
            assert np.all((boxes[:, 2:] >= 25) & (boxes[:, 2:] <= 26))


@pytest.mark.parametrize("position", [(0, 0), (1, 1), (0, 1)])
def test_every_shape_stays_inside_at_any_position(position):
    """Whatever the position range, no shape of any class is cut off by the edge."""
    images = make_shapes(80, seed=6, noise=0, classes=SHAPE_NAMES, position=position).images[:, 0]
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    assert border.max() == 0.0


def test_scale_range_sets_the_size():
    """The held scale sets the radius: a circle's ink box grows by twice the change in radius."""
    kw = dict(seed=7, noise=0, classes=("circle",), position=(0.5, 0.5))   # same seed, same strokes
    small, large = make_shapes(8, scale=(0.15, 0.15), **kw), make_shapes(8, scale=(0.3, 0.3), **kw)
    extent = lambda data: np.array([ink_box(im[0])[2] - ink_box(im[0])[0] for im in data.images])
    np.testing.assert_allclose(extent(large) - extent(small), 2 * (0.3 - 0.15) * 28, atol=2)


def test_narrowing_a_range_keeps_the_other_draws():
    """The same seed with other ranges gives the same labels and the same background noise."""
    a = make_shapes(30, seed=8)
    b = make_shapes(30, seed=8, scale=(0.25, 0.25), angle=(0, 0), position=(0.5, 0.5))
    np.testing.assert_array_equal(a.labels, b.labels)
    clean_a = make_shapes(30, seed=8, noise=0).images
    clean_b = make_shapes(30, seed=8, noise=0, scale=(0.25, 0.25), angle=(0, 0), position=(0.5, 0.5)).images
    background = (clean_a == 0) & (clean_b == 0)
    assert background.mean() > 0.5
    np.testing.assert_array_equal(a.images[background], b.images[background])


def test_new_classes_for_transfer():
    """classes selects which shapes are drawn, in label order; the new ones stay inside the image."""
    data = make_shapes(202, seed=9, noise=0, classes=NEW_CLASS_NAMES)
    assert data.class_names == ("star", "hexagon", "arrow", "heart")
    assert np.ptp(np.bincount(data.labels, minlength=4)) <= 1 and set(data.labels.tolist()) == {0, 1, 2, 3}
    images = data.images[:, 0]
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    assert border.max() == 0.0 and images.reshape(202, -1).max(axis=1).min() > 0.5
    two = make_shapes(10, seed=9, classes=["heart", "circle"])
    assert two.class_names == ("heart", "circle") and set(two.labels.tolist()) == {0, 1}


def test_star_and_hexagon_have_their_symmetry():
    """A star looks the same turned by 72 degrees (not 36); a hexagon by 60 (not 30)."""
    for name, turn in (("star", 72), ("hexagon", 60)):
        base = draw_shape(name, size=56, angle=10)
        same = draw_shape(name, size=56, angle=10 + turn)
        other = draw_shape(name, size=56, angle=10 + turn / 2)
        assert np.abs(base - same).mean() < 0.2 * np.abs(base - other).mean(), name


def test_arrow_points_along_its_angle_and_the_heart_stands_on_its_tip():
    """At angle 0 the arrow's barbs are on the right; the heart is wide at the top, a point at the bottom."""
    arrow = draw_shape("arrow", size=28, angle=0, radius=10)[0]
    height_per_column = (arrow > 0.3).sum(axis=0)
    assert np.argmax(height_per_column) > 14 and height_per_column[:12].max() <= 3
    heart = draw_shape("heart", size=28, angle=0, radius=10)[0] > 0.3
    rows = np.nonzero(heart.any(axis=1))[0]
    width = lambda r: np.ptp(np.nonzero(heart[r])[0])
    assert width(rows[0] + 3) > 3 * width(rows[-1])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"classes": "star"}, TypeError, r"classes must be a non-empty tuple of shape names; got 'star'"),
    ({"classes": ()}, TypeError, r"classes must be a non-empty tuple of shape names; got \(\)"),
    ({"classes": ("star", "pentagon")}, ValueError,
     r"classes must be one of 'circle', .*'heart'; got 'pentagon'"),
    ({"classes": ("star", "star")}, ValueError,
     r"classes must name each shape at most once; got \('star', 'star'\)"),
    ({"scale": (0, 0.3)}, ValueError,
     r"scale must be a pair \(low, high\) with 0 < low <= high <= 0.5; got \(0, 0.3\)"),
    ({"scale": (0.3, 0.6)}, ValueError, r"scale must be a pair .*; got \(0.3, 0.6\)"),
    ({"scale": 0.3}, TypeError, r"scale must be a pair \(low, high\) with .*; got 0.3"),
    ({"angle": (10, 0)}, ValueError,
     r"angle must be a pair \(low, high\) with -360 <= low <= high <= 360; got \(10, 0\)"),
    ({"angle": (0, 720)}, ValueError, r"angle must be a pair .*; got \(0, 720\)"),
    ({"angle": (0, float("nan"))}, ValueError, r"angle must be a pair .*; got \(0, nan\)"),
    ({"angle": ("0", 90)}, TypeError, r"angle must be a pair .*; got \('0', 90\)"),
    ({"position": (0.5, 1.5)}, ValueError,
     r"position must be a pair \(low, high\) with 0 <= low <= high <= 1; got \(0.5, 1.5\)"),
    ({"position": (0.2, 0.4, 0.6)}, TypeError, r"position must be a pair .*; got \(0.2, 0.4, 0.6\)"),
])
def test_make_shapes_rejects_bad_ranges_and_classes(kwargs, error, message):
    """Bad classes and ranges name the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        make_shapes(4, **kwargs)
