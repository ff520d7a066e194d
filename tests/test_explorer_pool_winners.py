"""Notebook 06's winners explorer: which pixel wins each window of a max pooling."""

import numpy as np
import pytest

import cnnviz
from cnnviz.explorers.pool_winners import winners_explorer, winners_limits
from cnnviz.lessons.pool_views import demo_matrix, winners_state
from explorer_support import sweep

SMALL = np.array([[2., 8, 1, 0], [5, 3, 4, 6], [0, 1, 7, 2], [9, 4, 3, 5]])


@pytest.mark.parametrize("k,s", [(2, 2), (2, 1), (3, 1), (3, 2), (3, 3), (4, 1)])
def test_winner_indices_point_at_the_pooled_values(k, s):
    """x.flat[indices] is the pooled map, and the win counts add up to the number of windows."""
    x = demo_matrix()
    state = winners_state(x, kernel_size=k, stride=s)
    assert np.array_equal(x.ravel()[state.indices], state.pooled)
    assert state.wins.sum() == state.pooled.size
    assert np.array_equal(state.pooled, cnnviz.max_pool2d(x[None], k, stride=s)[0])


def test_overlapping_windows_share_a_winner():
    """With stride 1 the 7 of the 4x4 example wins all four windows around it."""
    state = winners_state(SMALL, stride=1)
    assert state.wins[2, 2] == 4
    assert np.array_equal(winners_state(SMALL).indices, [[1, 7], [12, 10]])


def test_window_slider_follows_kernel_and_stride():
    """The window slider's range is the number of windows, and the blue box moves with it."""
    ex = winners_explorer(demo_matrix())
    assert ex.controls["window"].max == 8                 # 3x3 windows of 2x2 on 6x6
    ex.controls["stride"].value = 1
    assert ex.controls["window"].max == 24
    ex.controls["window"].value = 7
    assert ex.state.cell == (1, 2)
    assert ex.artists["boxes"][0].get_x() == pytest.approx(1.5)
    assert ex.artists["boxes"][0].get_y() == pytest.approx(0.5)
    wr, wc = ex.state.winner
    assert f"row {wr}, column {wc}" in ex.text.value
    ex.controls["kernel_size"].value = 4                  # 3x3 windows: the value is clipped
    assert ex.controls["window"].max == 8 and ex.state.window == ex.controls["window"].value
    assert ex.last_error is None


def test_window_slider_changes_only_the_outlines():
    """Picking another window moves the outlines; the matrices are not redrawn."""
    ex = winners_explorer(demo_matrix())
    pictures = [im.get_array() for im in ex.artists["images"]]
    png = ex.png
    ex.controls["window"].value = 4
    assert all(a is im.get_array() for a, im in zip(pictures, ex.artists["images"]))
    assert ex.png != png
    ex.controls["stride"].value = 1
    assert ex.artists["images"][1].get_array() is not pictures[1]


def test_winners_sweep_every_control_without_error():
    """Every window size, stride and window gives a picture."""
    ex = winners_explorer(demo_matrix())
    for k in sweep(ex.controls["kernel_size"]):
        for s in sweep(ex.controls["stride"]):
            ex.set(kernel_size=k, stride=s, window=ex.controls["window"].max)
            assert ex.last_error is None and ex.state is not None
            assert ex.controls["window"].max == ex.state.pooled.size - 1
            # the other windows through compute and plot, without encoding a PNG each time
            for w in sweep(ex.controls["window"]):
                state = ex.compute(**dict(ex.values(), window=w))
                ex.fig, ex.artists = ex.plot(state, ex.fig, ex.artists)
                assert state.window == w


def test_winner_index_panel_is_one_colour():
    """The indices are positions, not amounts: every index cell has the same background colour."""
    ex = winners_explorer(demo_matrix())
    picture = ex.artists["images"][2].get_array()
    cell = picture.shape[0] // ex.state.indices.shape[0]
    corners = picture[2::cell, 2::cell, :3].reshape(-1, 3)
    assert len(np.unique(corners, axis=0)) == 1


def test_the_window_limit_is_a_pure_function_of_the_values():
    """The window slider's limit comes from the values alone, and is 0 when the window does
    not fit (the figure explains it instead)."""
    assert winners_limits(dict(kernel_size=3, stride=3, window=5), (6, 6)) == \
        {"window": {"max": 3}}
    assert winners_limits(dict(kernel_size=2, stride=1, window=0), (1, 6)) == \
        {"window": {"max": 0}}
