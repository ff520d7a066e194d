"""The drawing pad: strokes rasterised to a 28x28 image (numpy), and the pad's own logic."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnnviz.datasets import make_shapes
from cnnviz.lessons.drawing import (
    CANVAS_SIZE, PEN_WIDTH, check_strokes, ink_coverage, shape_strokes, strokes_to_image,
)


def _loop_coverage(strokes, canvas_size, size, pen_width, supersample):
    """The definition, one sample point and one segment at a time."""
    out = np.zeros((size, size))
    step = canvas_size / (size * supersample)
    r = pen_width / 2
    for row in range(size):
        for col in range(size):
            hits = 0
            for i in range(supersample):
                for j in range(supersample):
                    px = (col * supersample + j + 0.5) * step
                    py = (row * supersample + i + 0.5) * step
                    best = np.inf
                    for stroke in strokes:
                        pts = stroke if len(stroke) > 1 else [stroke[0], stroke[0]]
                        for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:]):
                            dx, dy = bx - ax, by - ay
                            l2 = dx * dx + dy * dy
                            t = 0.0 if l2 == 0 else min(1.0, max(0.0, ((px - ax) * dx + (py - ay) * dy) / l2))
                            best = min(best, np.hypot(px - ax - t * dx, py - ay - t * dy))
                    hits += best <= r
            out[row, col] = hits / supersample**2
    return out


def test_coverage_matches_the_loop_definition_on_random_strokes():
    """Vectorised coverage equals the point-by-point definition on seeded random strokes."""
    rng = np.random.default_rng(0)
    for _ in range(4):
        strokes = [rng.uniform(0, 60, size=(int(rng.integers(1, 5)), 2))
                   for _ in range(int(rng.integers(1, 4)))]
        width = float(rng.uniform(3, 15))
        ours = ink_coverage(strokes, canvas_size=60, size=6, pen_width=width, supersample=3)
        np.testing.assert_allclose(ours, _loop_coverage(strokes, 60, 6, width, 3))


def test_coverage_agrees_with_pillow_drawing_the_same_strokes():
    """Pillow draws the strokes (round ends) on the 280x280 canvas; its 10x10 block means agree."""
    for name in ("circle", "square", "triangle", "cross"):
        strokes = shape_strokes(name)
        canvas = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE), 0)
        pen = ImageDraw.Draw(canvas)
        r = PEN_WIDTH / 2
        for points in strokes:
            pts = [tuple(p) for p in points]
            pen.line(pts, fill=255, width=PEN_WIDTH)
            for x, y in pts:
                pen.ellipse([x - r, y - r, x + r, y + r], fill=255)
        ref = np.asarray(canvas, float).reshape(28, 10, 28, 10).mean(axis=(1, 3)) / 255
        ours = strokes_to_image(strokes)[0]
        assert np.abs(ours - ref).mean() < 0.03, name
        assert np.abs(ours - ref).max() < 0.35, name


def test_image_is_like_make_shapes():
    """Shape, dtype, range and polarity of make_shapes: ink bright, paper 0; nothing drawn is 0."""
    image = strokes_to_image(shape_strokes("circle"))
    shapes = make_shapes(4, seed=0).images
    assert image.shape == shapes.shape[1:] and image.dtype == shapes.dtype
    assert image.min() == 0.0 and image.max() == 1.0
    assert image[0, 0, 0] == 0.0 and image[0, 14, 14] == 0.0    # corner and centre are paper
    assert not strokes_to_image([]).any()


def test_dot_is_a_disc_of_the_pen_width():
    """A one-point stroke inks a disc: its area in image pixels is pi r^2 / 100."""
    cover = ink_coverage([[(140.0, 140.0)]], supersample=10)
    assert cover.sum() == pytest.approx(np.pi * (PEN_WIDTH / 2) ** 2 / 100, rel=0.05)


def test_line_width_follows_the_pen():
    """A horizontal line covers pen_width / 10 image rows."""
    for width in (10, 20, 30):
        cover = ink_coverage([[(20, 140), (260, 140)]], pen_width=width)
        assert cover[:, 14].sum() == pytest.approx(width / 10)


def test_bad_strokes_are_named():
    """Non-lists, empty strokes, wrong shapes and NaNs are refused with the stroke's index."""
    with pytest.raises(TypeError, match=r"strokes must be a list of strokes"):
        check_strokes("abc")
    with pytest.raises(ValueError, match=r"strokes\[1\] must be a non-empty list of \(x, y\) points; got shape \(0,\)"):
        check_strokes([[(0, 0)], []])
    with pytest.raises(ValueError, match=r"strokes\[0\] must hold finite coordinates"):
        check_strokes([[(0, np.nan)]])
    with pytest.raises(ValueError, match=r"pen_width must be a positive number of canvas pixels; got 0"):
        ink_coverage([[(0, 0)]], pen_width=0)
    with pytest.raises(ValueError, match=r"name must be one of 'circle', 'square', 'triangle', 'cross'; got 'star'"):
        shape_strokes("star")


# ---------------------------------------------------------------------------- the pad
def test_pad_records_a_stroke_and_tells_observers_on_mouse_up():
    """Mouse down, moves, up: one stroke of the points passed, observers called once, at the end."""
    pytest.importorskip("ipycanvas", reason="ipycanvas is not installed")
    from cnnviz.explorers.canvas import DrawingPad

    pad = DrawingPad()
    seen = []
    pad.observe(lambda p: seen.append(p.image().copy()))
    pad._down(40, 40)
    pad._move(40.2, 40.2)                       # under a pixel: not a new point
    pad._move(240, 40)
    assert seen == [] and pad.strokes == []
    pad._up(240, 240)
    assert len(seen) == 1 and len(pad.strokes) == 1
    np.testing.assert_array_equal(pad.strokes[0], [(40, 40), (240, 40), (240, 240)])
    np.testing.assert_array_equal(seen[0], strokes_to_image(pad.strokes))
    pad._move(10, 10)                           # moving with the button up draws nothing
    pad._up()
    assert len(pad.strokes) == 1 and len(seen) == 1


def test_pad_clear_and_draw_from_code():
    """draw() adds strokes as if drawn; Clear empties the image; both tell the observers."""
    pytest.importorskip("ipycanvas", reason="ipycanvas is not installed")
    from cnnviz.explorers.canvas import DrawingPad

    pad = DrawingPad()
    calls = []
    pad.observe(lambda p: calls.append(len(p.strokes)))
    pad.draw(shape_strokes("cross"))
    np.testing.assert_array_equal(pad.image(), strokes_to_image(shape_strokes("cross")))
    assert pad.preview_rgb().shape == (28, 28, 3)
    pad.clear_button.click()
    assert calls == [2, 0] and not pad.image().any()
    with pytest.raises(TypeError, match=r"callback must be callable"):
        pad.observe(3)
