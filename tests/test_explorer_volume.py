"""Notebook 05's explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

import cnnviz
from cnnviz.errors import SettingError
from cnnviz.explorers import catalog, draw, volume
from cnnviz.explorers.volume import partial_sums_explorer
from cnnviz.images import load_sample
from cnnviz.lessons.volume import (
    COLOUR_FILTERS, PixelOffMap, TooManyFilters, filter_stack, partial_sums,
)
from explorer_support import sweep

RGB = load_sample(size=(96, 144))


@pytest.mark.parametrize("name", list(COLOUR_FILTERS))
def test_partial_sums_add_up_to_conv2d(name):
    """The three per-channel maps plus the bias are conv2d's output map, for every filter."""
    state = partial_sums(RGB, name=name, bias=-0.35, row=10, col=20)
    weight = COLOUR_FILTERS[name]
    expected = cnnviz.conv2d(RGB, weight[None], np.array([-0.35]))[0]
    np.testing.assert_allclose(state.output, expected, atol=1e-6)
    np.testing.assert_allclose(state.partials.sum(axis=0) - 0.35, expected, atol=1e-6)


def test_each_partial_is_one_slice_on_one_plane():
    """Partial map c is slice c of the filter slid over colour plane c alone."""
    state = partial_sums(RGB, name="red-green edge")
    weight = COLOUR_FILTERS["red-green edge"]
    for c in range(3):
        np.testing.assert_allclose(state.partials[c], cnnviz.correlate2d(RGB[c], weight[c]),
                                   atol=1e-6)
    assert state.partials.shape == (3, 94, 142)


def test_at_pixel_is_the_sum_spelled_out():
    """The values at the chosen pixel are the partials there, and they add up to the output."""
    state = partial_sums(RGB, name="redness", bias=0.2, row=75, col=82)
    assert state.at_pixel.tolist() == state.partials[:, 75, 82].tolist()
    assert state.at_pixel.sum() + 0.2 == pytest.approx(state.output[75, 82], abs=1e-6)
    # The nose is red: the red part is positive, green and blue pull it down.
    red, green, blue = state.at_pixel
    assert red > 0 > green and blue < 0


def test_blue_only_has_zero_red_and_green_parts():
    """A filter whose red and green slices are zero gives exactly zero partial maps there."""
    state = partial_sums(RGB, name="blue only")
    assert not state.partials[:2].any()
    np.testing.assert_allclose(state.output, RGB[2, 1:-1, 1:-1], atol=1e-6)


def test_partial_sums_pixel_off_the_map_is_explained():
    """A pixel outside the output map raises a SettingError naming the map's size, with its
    numbers as fields."""
    with pytest.raises(PixelOffMap, match=r"the output map is 94x142, so the pixel must have "
                                          r"row <= 93 and column <= 141; got row 94, column 0"
                       ) as info:
        partial_sums(RGB, name="redness", row=94, col=0)
    assert isinstance(info.value, SettingError)
    assert info.value.fields == dict(row=94, col=0, rows=94, cols=142)
    with pytest.raises(PixelOffMap, match="got row 0, column 142"):
        partial_sums(RGB, name="redness", row=0, col=142)
    with pytest.raises(ValueError, match="name must be one of 'redness'"):
        partial_sums(RGB, name="purple")


def test_channels_last_photo_is_rejected():
    """An (H, W, 3) photo gets an error naming the expected layout."""
    hwc = np.moveaxis(RGB, 0, -1)
    with pytest.raises(ValueError, match=r"rgb must have 3 channels first, shape \(3, H, W\); "
                                         r"got shape \(96, 144, 3\)"):
        partial_sums(hwc, name="redness")
    with pytest.raises(ValueError, match="rgb must have 3 channels first"):
        filter_stack(hwc, filters=2)


def test_filter_dropdown_changes_state_and_picture():
    """Each filter of the dropdown gives its own state and its own picture."""
    ex = partial_sums_explorer(RGB)
    pngs = set()
    for name in COLOUR_FILTERS:
        ex.controls["name"].value = name
        assert ex.state.name == name and ex.last_error is None
        np.testing.assert_array_equal(ex.state.weight, COLOUR_FILTERS[name])
        pngs.add(ex.png)
    assert len(pngs) == len(COLOUR_FILTERS)


def test_bias_slider_shifts_the_output_only():
    """Moving the bias adds it to every output value; the partial maps stay the same."""
    ex = partial_sums_explorer(RGB)
    partials, output, before = ex.state.partials, ex.state.output, ex.png
    ex.controls["bias"].value = 0.5
    np.testing.assert_array_equal(ex.state.partials, partials)
    np.testing.assert_allclose(ex.state.output, output + 0.5, atol=1e-6)
    assert ex.png != before


def _figure(ex):
    return draw.figure_rgb(ex.fig)


def test_pixel_sliders_move_marker_and_window():
    """The row and column sliders move the rings on the maps and the window on the planes."""
    ex = partial_sums_explorer(RGB)
    before = ex.png
    ex.set(row=5, col=7)
    assert (ex.state.row, ex.state.col) == (5, 7)
    marks = ex.artists["marks"]
    # One ring per map, on one line, the maps one photo width plus a gap (29 pixels) apart.
    (x0, y0), *_ = rings = marks["rings"]
    layout, size = volume._PartialSumsLayout(96, 144), ex.artists["picture"].size
    assert layout.gap == 29
    width = int(layout.width * min(size[0] / layout.width, size[1] / layout.height))
    zoom, margin = width / layout.width, (size[0] - width) // 2     # the layout is centred
    assert len({y for _, y in rings}) == 1
    assert np.diff([x for x, _ in rings]) == pytest.approx([(144 + 29) * zoom] * 3, abs=1)
    # Each window is 3 photo pixels square, its top-left at (row, col) of its plane, and the
    # ring sits one pixel in from it: at the window's centre.
    windows = marks["windows"]
    for (left, top, right, bottom), (x, y) in zip(windows, rings):
        assert right - left == pytest.approx(3 * zoom, abs=1)
        assert bottom - top == pytest.approx(3 * zoom, abs=1)
        assert x == pytest.approx((left + right) / 2, abs=1)
    assert windows[0][0] == pytest.approx(margin + 7 * zoom, abs=1)
    # The outline and the ring are drawn in black on the figure.
    picture = _figure(ex)
    left, top, _, _ = windows[0]
    assert picture[top, left + 2].tolist() == list(volume.MARK)
    assert picture[y0, x0 - round(6 * draw.scale(ex.fig))].tolist() == list(volume.MARK)
    ex.set(row=6)
    assert ex.artists["marks"]["rings"][0][1] > y0
    assert ex.png != before
    assert "row 6, column 7" in ex.text.value


def test_partial_sums_sweeps_every_control_without_error():
    """Every value of every control gives a picture or an explanation, never an exception."""
    ex = partial_sums_explorer(RGB)
    for name in ("name", "bias", "row", "col"):
        control = ex.controls[name]
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None
            assert ex.state is not None or ex.message
    # The sliders stop at the last output pixel, so no setting needs an explanation.
    ex.set(row=ex.controls["row"].max, col=ex.controls["col"].max)
    assert ex.message is None and (ex.state.row, ex.state.col) == (93, 141)


def test_colour_filters_are_read_only_and_3x3x3():
    """Every filter of the bank spans the 3 colour channels and cannot be edited by accident."""
    for name, weight in COLOUR_FILTERS.items():
        assert weight.shape == (3, 3, 3), name
        with pytest.raises(ValueError, match="read-only"):
            weight[0, 0, 0] = 1.0


def test_lesson_errors_keep_their_fields_through_pickling():
    """The explained errors survive a trip through pickle (multiprocessing, pytest-xdist)."""
    import pickle

    for err in (PixelOffMap(row=3, col=4, rows=2, cols=2), TooManyFilters(filters=9, available=8)):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and again.fields == err.fields and str(again) == str(err)


def test_partial_sums_match_a_loop_over_channels_and_windows():
    """Each partial value is the plain sum of 9 products of one plane's window with one slice."""
    rng = np.random.default_rng(5)
    for _ in range(3):
        h, w = rng.integers(3, 8, size=2)
        rgb = rng.random((3, h, w))
        name = rng.choice(list(COLOUR_FILTERS))
        bias = float(rng.normal())
        state = partial_sums(rgb, name=name, bias=bias)
        weight = COLOUR_FILTERS[name]
        for c in range(3):
            for i in range(h - 2):
                for j in range(w - 2):
                    expected = sum(rgb[c, i + a, j + b] * weight[c, a, b]
                                   for a in range(3) for b in range(3))
                    assert state.partials[c, i, j] == pytest.approx(expected, abs=1e-12)
        np.testing.assert_allclose(state.output, state.partials.sum(axis=0) + bias, atol=1e-12)


def test_the_catalog_builds_them_as_notebook_05_does():
    """Both explorers of notebook 05 are catalogued, on the notebook's 96 x 144 photo."""
    entries = {e.title: e for e in catalog.entries() if e.notebook == "05"}
    assert sorted(entries) == ["filters stacking into a volume", "partial sums of one filter"]
    for entry in entries.values():
        args, kwargs = entry.recipe()
        assert kwargs == {} and args[0].shape == (3, 96, 144)
        np.testing.assert_array_equal(args[0], RGB)
        ex = entry.build()
        assert ex.last_error is None and ex.state is not None and ex.png
    assert not hasattr(volume, "BENCHMARK")


def test_stored_picture_is_the_live_one_at_twice_the_density():
    """The stored picture has twice the pixels of the live figure, and the same layout: the
    ring of the marked pixel lands at twice its live position."""
    ex = partial_sums_explorer(RGB)
    live = ex.artists["marks"]["rings"][0]
    fig = draw.new_figure(*volume.FIG_PARTIAL, dpi=2 * draw.DPI)
    fig, artists = volume.plot_partial_sums(ex.state, fig, None)
    stored = artists["marks"]["rings"][0]
    assert draw.figure_rgb(fig).shape[:2] == tuple(2 * n for n in _figure(ex).shape[:2])
    assert stored == pytest.approx([2 * v for v in live], abs=2)
