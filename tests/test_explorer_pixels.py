"""Notebook 01's explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

from cnnviz.explorers import channel_explorer, pixel_zoom
from cnnviz.explorers.pixels import pixel_patch, split_channel
from cnnviz.images import load_sample
from explorer_support import sweep

GREY = load_sample("chelsea", grayscale=True)
RGB = load_sample("chelsea")


def test_pixel_patch_matches_slicing():
    """The patch holds the 0-255 values of exactly the selected pixels."""
    state = pixel_patch(GREY, row=100, col=150, size=5)
    assert np.array_equal(state.patch, np.round(GREY[100:105, 150:155] * 255).astype(int))


def test_pixel_patch_off_the_image_is_explained():
    """A patch running off the image raises a ValueError that says how to fix it."""
    with pytest.raises(ValueError, match=r"runs off the 300x451 image: keep row <= 290"):
        pixel_patch(GREY, row=295, col=0, size=10)


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
