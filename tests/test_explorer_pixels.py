"""Notebook 01's explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

from cnnviz.errors import SettingError
from cnnviz.explorers import catalog, channel_explorer, pixel_zoom
from cnnviz.explorers.pixels import _explain_patch
from cnnviz.images import load_sample
from cnnviz.lessons.pixels import PatchOffImage, pixel_patch, split_channel
from explorer_support import sweep

GREY = load_sample("chelsea", grey=True)
RGB = load_sample("chelsea")


def test_pixel_patch_matches_slicing():
    """The patch holds the 0-255 values of exactly the selected pixels."""
    state = pixel_patch(GREY, row=100, col=150, size=5)
    assert np.array_equal(state.patch, np.round(GREY[100:105, 150:155] * 255).astype(int))


def test_pixel_patch_off_the_image_is_explained():
    """A patch running off the image raises a SettingError that says how to fix it, with its numbers."""
    with pytest.raises(PatchOffImage, match=r"runs off the 300x451 image: keep row <= 290") as info:
        pixel_patch(GREY, row=295, col=0, size=10)
    err = info.value
    assert isinstance(err, SettingError)
    assert (err.size, err.row, err.height, err.width, err.max_row, err.max_col) == (
        10, 295, 300, 451, 290, 441)
    # the largest corners it names do fit, one more does not
    assert pixel_patch(GREY, row=err.max_row, col=err.max_col, size=10).patch.shape == (10, 10)
    with pytest.raises(PatchOffImage):
        pixel_patch(GREY, row=0, col=err.max_col + 1, size=10)
    assert "keep the row at most 290 and the column at most 441" in _explain_patch(err)
    other = SettingError("Nothing is selected in 'channel'", control="channel")
    assert _explain_patch(other) == str(other)


def test_patch_larger_than_the_image_is_explained():
    """A patch wider than the image cannot fit anywhere; the sentence names the largest patch."""
    small = np.zeros((5, 9))
    with pytest.raises(PatchOffImage, match="a 6x6 patch does not fit a 5x9 image") as info:
        pixel_patch(small, row=0, col=0, size=6)
    assert _explain_patch(info.value).endswith("pick a patch of at most 5.")
    with pytest.raises(PatchOffImage, match="a 6x6 patch does not fit a 5x9 image"):
        split_channel(np.zeros((3, 5, 9)), channel="red")


def test_zoom_slider_changes_state_and_picture():
    """Moving the row slider moves the patch and changes the picture."""
    ex = pixel_zoom(GREY)
    before = ex.png
    ex.controls["row"].value = 10
    assert ex.state.row == 10
    assert np.array_equal(ex.state.patch, np.round(GREY[10:18, ex.state.col:ex.state.col + 8] * 255))
    assert ex.png != before
    assert ex.artists["box"].get_y() == pytest.approx(9.5)


def test_zoom_sweeps_every_control_without_error():
    """Every value of every slider gives a picture or an explanation, never an exception."""
    ex = pixel_zoom(GREY)
    for name in ("size", "row", "col"):
        control = ex.controls[name]
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None
            assert ex.state is not None or ex.message
    # The sliders keep the patch inside the image, so no setting needs an explanation.
    ex.set(size=32, row=ex.controls["row"].max, col=ex.controls["col"].max)
    assert ex.message is None and ex.state.patch.shape == (32, 32)
    assert (ex.state.row, ex.state.col) == (300 - 32, 451 - 32)


def test_bigger_patch_pulls_the_position_back_inside():
    """Growing the patch at the bottom-right corner moves it up and left before it is computed."""
    ex = pixel_zoom(GREY, size=4)
    ex.set(row=296, col=447)
    assert (ex.state.row, ex.state.col) == (296, 447)
    count = len(ex.timings)
    ex.controls["size"].value = 20
    assert len(ex.timings) == count + 1          # one redraw for the change and its limits
    assert (ex.controls["row"].max, ex.controls["col"].max) == (280, 431)
    assert (ex.state.row, ex.state.col, ex.state.size) == (280, 431, 20)
    assert ex.message is None and ex.last_error is None


def test_small_image_limits_the_patch_size():
    """On an image smaller than 32 pixels the size slider stops at its shorter side."""
    ex = pixel_zoom(np.linspace(0, 1, 10 * 14).reshape(10, 14))
    assert ex.controls["size"].max == 10
    ex.set(size=10)
    assert ex.state.patch.shape == (10, 10) and ex.controls["row"].max == 0


def test_the_catalog_builds_them_as_notebook_01_does():
    """The catalog's entries are pixel_zoom(grey) and channel_explorer(rgb), with notebook 01's photos."""
    entries = {e.key: e for e in catalog.entries()}
    assert entries["01-pixel-zoom"].origin() == pixel_zoom(GREY).origin
    assert entries["01-colour-channels"].origin() == channel_explorer(RGB).origin
    assert entries["01-pixel-zoom"].origin() != pixel_zoom(GREY, size=9).origin


def test_big_patch_hides_numbers():
    """Patches larger than 12x12 are coloured but not annotated."""
    ex = pixel_zoom(GREY)
    ex.controls["size"].value = 20
    assert not ex.state.annotated
    ex.controls["size"].value = 6
    assert ex.state.annotated


@pytest.mark.parametrize("channel,index", [("red", 0), ("green", 1), ("blue", 2)])
def test_split_channel_picks_the_plane(channel, index):
    """Each channel name selects its plane of the (3, H, W) array."""
    state = split_channel(RGB, channel=channel, row=20, col=30)
    assert np.array_equal(state.plane, RGB[index])
    assert np.array_equal(state.patch, np.round(RGB[index, 20:26, 30:36] * 255).astype(int))


def test_channel_dropdown_changes_picture():
    """Each dropdown choice shows a different plane."""
    ex = channel_explorer(RGB)
    pngs = set()
    for channel in ("red", "green", "blue"):
        ex.controls["channel"].value = channel
        assert ex.state.channel == channel and ex.last_error is None
        pngs.add(ex.png)
    assert len(pngs) == 3


def test_split_channel_rejects_channels_last():
    """An (H, W, 3) array gets an error naming the expected layout."""
    with pytest.raises(ValueError, match=r"rgb must have 3 channels first, shape \(3, H, W\); got shape \(300, 451, 3\)"):
        split_channel(np.moveaxis(RGB, 0, -1), channel="red")
    with pytest.raises(ValueError, match="channel must be one of 'red', 'green', 'blue'; got 'alpha'"):
        split_channel(RGB, channel="alpha")
