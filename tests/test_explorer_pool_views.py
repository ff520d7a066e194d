"""Notebook 06's explorers, driven headlessly as a learner would drive them, and their
state (:mod:`cnnviz.lessons.pool_views`) checked against cnnviz's pooling."""

import math
from fractions import Fraction

import numpy as np
import pytest

import cnnviz
from cnnviz.errors import DoesNotFit, SettingError
from cnnviz.explorers import catalog, draw
from cnnviz.explorers.pool_views import (
    agreement_rgb, pooling_explorer, pooling_limits, shift_explorer,
)
from cnnviz.lessons.pool_views import (
    MAX_SHIFT, ShiftState, check_window_fits, demo_feature_map, demo_matrix, pool_state,
    shift_state, winners_state,
)
from cnnviz.shapes import explain_pool_output_size
from explorer_support import sweep

FMAP = demo_feature_map()
SMALL = np.array([[2., 8, 1, 0], [5, 3, 4, 6], [0, 1, 7, 2], [9, 4, 3, 5]])


def test_demo_feature_map_is_a_relu_edge_map():
    """The demo map is the ReLU of Sobel x on the 72x108 grey cat: non-negative, half zeros."""
    grey = cnnviz.images.load_sample("chelsea", grey=True, size=(72, 108))
    edges = cnnviz.correlate2d(grey, cnnviz.filters.SOBEL_X, padding=1, pad_mode="replicate")
    assert FMAP.shape == (72, 108)
    assert np.array_equal(FMAP, np.maximum(edges, 0))
    assert 0.3 < (FMAP == 0).mean() < 0.7


# ------------------------------------------------------------------------ pool_state
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("k,s,ceil", [(2, 2, False), (3, 2, False), (5, 3, True), (2, 8, True),
                                      (7, 7, False), (4, 1, False)])
def test_pool_state_matches_library(mode, k, s, ceil):
    """The pooled map is cnnviz's max_pool2d/avg_pool2d, with pool_output_size's shape."""
    state = pool_state(FMAP, mode=mode, kernel_size=k, stride=s, ceil_mode=ceil)
    pool = cnnviz.max_pool2d if mode == "max" else cnnviz.avg_pool2d
    expected = pool(FMAP[None], k, stride=s, ceil_mode=ceil)[0]
    assert np.array_equal(state.pooled, expected)
    assert state.pooled.shape == (cnnviz.pool_output_size(72, k, stride=s, ceil_mode=ceil),
                                  cnnviz.pool_output_size(108, k, stride=s, ceil_mode=ceil))


@pytest.mark.parametrize("k,s,ceil,row,col", [
    (2, 2, False, 27, 40), (3, 2, False, 0, 0), (5, 3, True, 71, 107), (4, 4, True, 70, 105),
    (2, 5, False, 13, 13),
])
def test_zoomed_window_explains_its_pooled_value(k, s, ceil, row, col):
    """The zoom holds the window's pixels; its max (at the winner) or mean is the pooled value."""
    for mode in ("max", "average"):
        state = pool_state(FMAP, mode=mode, kernel_size=k, stride=s, ceil_mode=ceil,
                           row=row, col=col)
        r0, c0 = state.top_left
        inside = FMAP[r0:r0 + k, c0:c0 + k]
        assert np.array_equal(state.window[:inside.shape[0], :inside.shape[1]], inside)
        assert np.isnan(state.window).sum() == k * k - inside.size
        if mode == "max":
            wr, wc = state.winner
            assert state.window[wr, wc] == state.value == inside.max()
            _, idx = cnnviz.max_pool2d(FMAP[None], k, stride=s, ceil_mode=ceil,
                                       return_indices=True)
            assert idx[0, state.out_row, state.out_col] == (r0 + wr) * 108 + (c0 + wc)
        else:
            assert state.winner is None
            assert state.value == pytest.approx(inside.mean())


def test_zoom_picks_the_window_over_the_chosen_pixel():
    """With stride = window, pixel (row, col) lies in window (row // s, col // s)."""
    state = pool_state(SMALL, row=3, col=0)
    assert (state.out_row, state.out_col) == (1, 0) and state.value == 9
    state = pool_state(FMAP, kernel_size=3, stride=3, row=40, col=50)
    assert (state.out_row, state.out_col) == (13, 16)
    r0, c0 = state.top_left
    assert r0 <= 40 < r0 + 3 and c0 <= 50 < c0 + 3


@pytest.mark.parametrize("n,k,s,ceil", [(72, 2, 2, False), (108, 5, 5, False), (5, 2, 2, True),
                                        (72, 2, 8, True), (108, 3, 8, True), (7, 3, 1, False)])
def test_explained_pool_size_ends_with_the_library_size(n, k, s, ceil):
    """The worked-out formula ends with cnnviz.pool_output_size's answer."""
    line = explain_pool_output_size(n, k, stride=s, ceil_mode=ceil)
    assert line.startswith("ceil((" if ceil else "floor((")
    assert line.endswith(f" {cnnviz.pool_output_size(n, k, stride=s, ceil_mode=ceil)}")


def test_explained_pool_size_names_the_dropped_ceil_window():
    """In ceil mode, a window that would start past the edge is named and removed."""
    line = explain_pool_output_size(72, 2, stride=8, ceil_mode=True)
    assert "ceil((72 - 2) / 8) + 1 = 10" in line
    assert "window 10 would start at 72, outside the input: 9" in line


def _windows_by_loop(n, k, s, p, ceil):
    """Window starts (padded coordinates) counted one by one: a full window must fit the
    padded input; in ceil mode a partial one may hang over its end, if it starts inside
    the input or its left padding."""
    count, start = 0, 0
    while start + k <= n + 2 * p or (ceil and start < n + p and start < n + 2 * p - k + s):
        count, start = count + 1, start + s
    return count


def test_explained_pool_size_against_window_counting():
    """Over seeded random settings (padding too): the raw formula is the floor or ceiling of
    the exact fraction, the final size is the number of windows counted by a loop (and
    pool_output_size's), and a window is reported dropped exactly when the two differ."""
    rng = np.random.default_rng(606)
    dropped = refused = 0
    for _ in range(400):
        n, k, s = int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(1, 12))
        p, ceil = int(rng.integers(0, k // 2 + 1)), bool(rng.integers(2))
        out = _windows_by_loop(n, k, s, p, ceil)
        if out == 0:
            with pytest.raises(DoesNotFit):
                explain_pool_output_size(n, k, stride=s, padding=p, ceil_mode=ceil)
            refused += 1
            continue
        line = explain_pool_output_size(n, k, stride=s, padding=p, ceil_mode=ceil)
        exact = Fraction(n + 2 * p - k, s)
        raw = (math.ceil(exact) if ceil else math.floor(exact)) + 1
        assert out == cnnviz.pool_output_size(n, k, stride=s, padding=p, ceil_mode=ceil)
        padded = f"{n} + 2*{p} - {k}" if p else f"{n} - {k}"
        assert line.startswith(f"{'ceil' if ceil else 'floor'}(({padded}) / {s}) + 1 = {raw}")
        assert line.endswith(f" {out}")
        if raw != out:
            dropped += 1
            assert raw == out + 1
            assert f", but window {raw} would start at {(raw - 1) * s - p}, outside" in line
            assert (raw - 1) * s - p >= n             # it really starts past the last pixel
        else:
            assert "but" not in line
    assert dropped > 5 and refused > 5                # the random settings reach both rules


def test_explained_pool_size_refuses_what_pool_output_size_refuses():
    """The same validation as pool_output_size: the stride defaults to the window."""
    assert explain_pool_output_size(9, 3) == "floor((9 - 3) / 3) + 1 = 3"
    with pytest.raises(SettingError, match="padding must be at most half of kernel_size"):
        explain_pool_output_size(9, 3, padding=2)
    with pytest.raises(ValueError, match="stride must be a positive integer; got 0"):
        explain_pool_output_size(9, 3, stride=0)


def test_window_larger_than_the_map_is_explained():
    """A window bigger than the map raises DoesNotFit, a plain sentence saying what would
    fit, with the numbers as fields; in all three states."""
    with pytest.raises(DoesNotFit, match=r"A 5x5 window is larger than the 4x6 map, so it fits "
                                         r"nowhere: choose a window of at most 4x4\.") as info:
        pool_state(np.ones((4, 6)), kernel_size=5)
    err = info.value
    assert (err.map_shape, err.size, err.kernel_size, err.padding, err.axis) == \
        ((4, 6), 4, 5, 0, "rows")
    with pytest.raises(DoesNotFit, match="larger than the 4x1 map") as info:
        winners_state(np.ones((4, 1)), kernel_size=2)
    assert info.value.axis == "columns" and info.value.shortfall == 1
    with pytest.raises(DoesNotFit, match="larger than the 2x5 map"):
        shift_state(np.ones((2, 8)), shift=1, kernel_size=3)
    check_window_fits((4, 6), 4)                  # a window as large as the map fits
    with pytest.raises(ValueError, match="mode must be one of 'max', 'average'; got 'min'"):
        pool_state(SMALL, mode="min")


# ------------------------------------------------------------------ pooling explorer
def test_pooling_explorer_starts_on_the_strongest_response():
    """By default the zoom shows the window holding the map's largest value."""
    ex = pooling_explorer(FMAP)
    assert ex.last_error is None and ex.message is None
    assert ex.state.value == FMAP.max()
    assert ex.state.pooled.shape == (36, 54)


def test_kernel_slider_changes_state_picture_and_titles():
    """A bigger window gives a smaller pooled map, a new picture and new titles."""
    ex = pooling_explorer(FMAP)
    before = ex.png
    ex.set(kernel_size=4, stride=4)
    assert ex.state.pooled.shape == (18, 27)
    assert ex.png != before
    assert ex.artists["titles"][1].get_text() == "max pooled: 18 x 27"
    assert ex.artists["zoom"].get_array().shape[0] == 4 * max(24, 224 // 4)
    assert ex.artists["pooled"].get_array().shape == (18, 27)
    assert "floor((72 - 4) / 4) + 1 = 18" in ex.text.value


def test_mode_toggle_switches_to_the_mean():
    """Average pooling is never brighter than max pooling, and the winner outline hides."""
    ex = pooling_explorer(FMAP)
    pooled_max, png = ex.state.pooled, ex.png
    ex.controls["mode"].value = "average"
    assert np.all(ex.state.pooled <= pooled_max + 1e-12)
    assert ex.state.pooled.mean() < pooled_max.mean()
    assert not ex.artists["best"].get_visible()
    assert ex.artists["titles"][2].get_text().startswith("one window: mean")
    assert ex.png != png


def test_ceil_mode_adds_a_partial_window():
    """Ceil mode adds a last row/column of windows that hang over the edge."""
    ex = pooling_explorer(FMAP, kernel_size=5, stride=5, row=71, col=107)
    assert ex.state.pooled.shape == (14, 21)
    ex.controls["ceil_mode"].value = True
    assert ex.state.pooled.shape == (15, 22)
    ex.set(row=ex.controls["row"].max, col=ex.controls["col"].max)      # the last window
    assert np.isnan(ex.state.window).any()
    assert ex.artists["titles"][2].get_text().startswith("the 6 pixels inside the map")
    assert "ceil((72 - 5) / 5) + 1 = 15" in ex.text.value


def test_pooling_sweeps_every_control_without_error():
    """Every value of every control gives a picture or an explanation, never an exception."""
    ex = pooling_explorer(FMAP)
    for name in ("mode", "ceil_mode", "kernel_size", "stride", "row", "col"):
        control = ex.controls[name]
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None
            assert ex.state is not None or ex.message
    # Every pairing of the size controls, through the explorer's own compute and plot
    # (without encoding a PNG each time): each one is a valid setting on this map.
    for ceil in (False, True):
        for k in sweep(ex.controls["kernel_size"]):
            for s in sweep(ex.controls["stride"]):
                values = dict(ex.values(), ceil_mode=ceil, kernel_size=k, stride=s)
                state = ex.compute(**values)
                ex.fig, ex.artists = ex.plot(state, ex.fig, ex.artists)
                assert state.pooled.shape == ex.artists["pooled"].get_array().shape


def test_small_map_explains_an_oversized_window():
    """On a map smaller than the window, the figure shows the explanation instead."""
    ex = pooling_explorer(np.arange(30.0).reshape(5, 6))
    ex.controls["kernel_size"].value = 7
    assert ex.state is None and ex.last_error is None
    assert "larger than the 5x6 map" in ex.message
    ex.controls["kernel_size"].value = 3
    assert ex.state is not None and ex.message is None


# ------------------------------------------------------------------------ shift demo
@pytest.mark.parametrize("shift", range(MAX_SHIFT + 1))
def test_shifted_map_is_real_pixels_moved_right(shift):
    """The shifted crop equals the original moved right by `shift` columns: no wrap, no zeros."""
    state = shift_state(FMAP, shift=shift)
    assert state.original.shape == state.shifted.shape == (72, 108 - MAX_SHIFT)
    width = state.original.shape[1]
    assert np.array_equal(state.shifted[:, shift:], state.original[:, :width - shift])
    assert np.array_equal(state.pooled, cnnviz.max_pool2d(state.original[None], 2)[0])


def test_fraction_same_ignores_cells_zero_in_both():
    """Cells that are zero in both maps are not counted; equal non-zero cells are."""
    a = np.array([[0., 0, 1, 2]])
    b = np.array([[0., 3, 1, 5]])
    assert ShiftState.fraction_same(a, b) == pytest.approx(1 / 3)
    rgb = agreement_rgb(a, b)
    zero, changed, same = (draw.PENDING,) * 3, draw.rgb(draw.HIGHLIGHT), draw.rgb(draw.BLUE)
    assert [tuple(c) for c in rgb[0]] == [zero, changed, same, changed]


def test_pooling_keeps_part_of_the_map_after_a_one_pixel_shift():
    """After a 1-pixel shift no non-zero pixel keeps its value, but some pooled cells do."""
    for k in (2, 3, 4):
        state = shift_state(FMAP, shift=1, kernel_size=k)
        assert state.same_before == 0.0
        assert 0.1 < state.same_after < 0.6
    assert shift_state(FMAP, shift=1, kernel_size=4).same_after > \
        shift_state(FMAP, shift=1, kernel_size=2).same_after


def test_shift_by_a_whole_window_moves_the_pooled_map():
    """Shifting by exactly the window moves the pooled map by one cell (equivariance)."""
    for k in (2, 3):
        state = shift_state(FMAP, shift=k, kernel_size=k)
        assert np.array_equal(state.pooled_shifted[:, 1:], state.pooled[:, :-1])


def test_shift_state_refuses_a_big_shift():
    """Shifts beyond the margin are refused with the valid range."""
    with pytest.raises(ValueError, match="shift must be between 0 and 3 pixels; got 4"):
        shift_state(FMAP, shift=4)


def test_shift_slider_changes_picture_and_titles():
    """Moving the shift slider updates the fractions in the titles and the picture."""
    ex = shift_explorer(FMAP, shift=0)
    assert ex.state.same_before == ex.state.same_after == 1.0
    assert ex.artists["titles"][1][2].get_text() == "same (blue): 100%"
    png = ex.png
    ex.controls["shift"].value = 1
    assert ex.artists["titles"][0][1].get_text() == "shifted 1 px right"
    assert ex.artists["titles"][0][2].get_text() == "same (blue): 0%"
    assert ex.artists["titles"][1][2].get_text() == f"same (blue): {ex.state.same_after:.0%}"
    assert ex.png != png
    assert "same value" in ex.text.value


def test_shift_sweeps_every_control_without_error():
    """Every shift and window size gives a picture."""
    ex = shift_explorer(FMAP)
    for shift in sweep(ex.controls["shift"]):
        for k in sweep(ex.controls["kernel_size"]):
            ex.set(shift=shift, kernel_size=k)
            assert ex.last_error is None and ex.state is not None
            assert ex.state.shift == shift and ex.state.kernel_size == k


def test_catalog_lists_every_explorer():
    """The catalog builds the three explorers of notebook 06 without error, from the
    feature map and matrix the notebook uses."""
    entries = [e for e in catalog.entries() if e.notebook == "06"]
    assert [e.title for e in entries] == ["pooling", "shift by a pixel", "pooling winners"]
    for entry in entries:
        ex = entry.build()
        assert ex.last_error is None and ex.state is not None and ex.png
    (fmap,), _ = entries[0].recipe()
    assert np.array_equal(fmap, FMAP)
    assert np.array_equal(entries[2].recipe()[0][0], demo_matrix())


def test_every_step_of_the_zoom_sliders_moves_the_window():
    """The zoom sliders step by the stride up to the last window: each step shows another window."""
    ex = pooling_explorer(FMAP)
    for k, st, ceil in [(2, 2, False), (3, 2, False), (5, 5, False), (5, 5, True), (2, 8, True)]:
        ex.set(kernel_size=k, stride=st, ceil_mode=ceil)
        oh, ow = ex.state.pooled.shape
        for name, n in (("row", oh), ("col", ow)):
            control = ex.controls[name]
            assert control.step == st and control.max == (n - 1) * st
            assert control.value % st == 0
        seen = []
        for value in range(0, ex.controls["row"].max + 1, st):
            ex.controls["row"].value = value
            seen.append(ex.state.out_row)
        assert seen == list(range(oh)), (k, st, ceil)


def test_default_zoom_snaps_to_the_window_of_the_largest_value():
    """The zoom starts on the window holding the map's largest value, at that window's top-left pixel."""
    ex = pooling_explorer(FMAP)
    r, c = np.unravel_index(np.argmax(FMAP), FMAP.shape)
    assert (ex.controls["row"].value, ex.controls["col"].value) == (r // 2 * 2, c // 2 * 2)
    assert ex.state.value == FMAP.max()


def test_ceil_mode_that_adds_nothing_says_so_on_the_figure():
    """When (n - k) / s is whole on both sides, ticking ceil mode changes no size, and the title says why."""
    ex = pooling_explorer(FMAP)                      # 72 x 108, k = s = 2: both whole
    ex.controls["ceil_mode"].value = True
    assert "ceil mode adds nothing here" in ex.artists["titles"][1].get_text()
    ex.set(kernel_size=5, stride=5)                  # 67 / 5 is not whole
    assert "adds nothing" not in ex.artists["titles"][1].get_text()


def test_a_bug_in_the_state_is_recorded_not_explained(monkeypatch):
    """Only a SettingError becomes the learner's sentence: a plain ValueError (a bug, such as
    a broadcasting mistake) from the state reaches last_error, which the sweeps check."""
    import cnnviz.explorers.pool_views as views

    ex = pooling_explorer(FMAP)

    def broken(*args, **kwargs):
        return np.ones((2, 3)) + np.ones((4,))      # operands could not be broadcast

    monkeypatch.setattr(views, "pool_state", broken)
    ex.controls["kernel_size"].value = 3
    assert isinstance(ex.last_error, ValueError) and not isinstance(ex.last_error, SettingError)
    assert ex.state is None and "Something went wrong" in ex.message


def test_constraints_are_pure_functions_of_the_values():
    """The limits come from the values alone: the same values give the same limits, and a
    window that does not fit limits nothing (the figure explains it instead)."""
    values = dict(kernel_size=5, stride=5, ceil_mode=True, row=71, col=107)
    assert pooling_limits(values, (72, 108)) == pooling_limits(dict(values), (72, 108))
    assert pooling_limits(values, (72, 108))["row"] == {"max": 70, "step": 5, "value": 70}
    assert pooling_limits(dict(values, kernel_size=7, ceil_mode=False), (5, 6)) == {}
