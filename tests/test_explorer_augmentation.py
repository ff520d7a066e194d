"""Notebook 11's explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

from cnnviz import augment
from cnnviz.explorers import catalog
from cnnviz.explorers.augmentation import GRID, augmentation_explorer, draws_explorer
from cnnviz.lessons.augmentation import DRAWS, augment_picture, random_draws, sample_pictures
from explorer_support import sweep

PICTURES = sample_pictures()


def test_pictures_are_grey_and_in_range():
    """The cat at half size and a 28x28 triangle, grey values in [0, 1]."""
    assert PICTURES["cat"].shape == (150, 225) and PICTURES["shape"].shape == (28, 28)
    for picture in PICTURES.values():
        assert picture.min() >= 0 and picture.max() <= 1 and picture.std() > 0.1


def test_augment_picture_is_the_augmentations_in_turn():
    """The state's picture is flip, rotate, zoom, shift, brightness and noise applied in that order,
    the shift in percent of the picture's size."""
    cat = PICTURES["cat"]
    state = augment_picture(PICTURES, picture="cat", rotation=20, zoom=1.3, shift_x=10, shift_y=-20,
                            flip=True, brightness=1.2, noise=0.1, seed=3)
    expected = augment.shift(augment.zoom(augment.rotate(cat[:, ::-1], 20), 1.3), 22.5, -30)
    expected = augment.add_noise(augment.brightness(expected, 1.2), 0.1, seed=3)
    np.testing.assert_allclose(state.augmented, expected, atol=1e-12)
    assert (state.dx, state.dy) == (22.5, -30.0)
    assert state.steps == ["flip", "rotate 20 deg", "zoom x1.3", "shift (22.5, -30) px",
                           "brightness x1.2", "noise std 0.1"]


def test_neutral_settings_leave_the_picture_alone():
    """Every control at its neutral value returns the picture itself and names no step."""
    state = augment_picture(PICTURES, picture="shape")
    assert np.array_equal(state.augmented, PICTURES["shape"]) and state.steps == []


def test_random_draws_are_random_augment_of_copies():
    """The grid is random_augment of sixteen copies with zoom in [1/zoom, zoom] and the shift in
    percent of the width; the reported draws are draw_params with the same ranges."""
    shape = PICTURES["shape"]
    state = random_draws(PICTURES, picture="shape", rotation=45, zoom=1.5, shift=25, flip=True, seed=4)
    ranges = dict(rotation=45, zoom=(1 / 1.5, 1.5), shift=7.0, flip=True, seed=4)
    np.testing.assert_array_equal(state.draws, augment.random_augment(np.repeat(shape[None], DRAWS, 0),
                                                                      **ranges))
    params = augment.draw_params(DRAWS, **ranges)
    for got, expected in zip(state.params, params):
        np.testing.assert_array_equal(got, expected)
    assert np.all(np.abs(params.degrees) <= 45) and np.all(np.abs(params.dx) <= 7)
    # each draw is its own rotation of the picture (no flip, zoom or shift in this case)
    plain = random_draws(PICTURES, picture="shape", rotation=90, seed=1)
    for draw, degrees in zip(plain.draws, plain.params.degrees):
        np.testing.assert_allclose(draw, augment.rotate(shape, degrees), atol=1e-12)


def test_random_draws_rejects_a_zoom_below_one():
    """The zoom range is 1/zoom to zoom, so zoom must be at least 1; the message says so."""
    with pytest.raises(ValueError, match=r"zoom must be at least 1 \(the range is 1/zoom to zoom\); got 0.5"):
        random_draws(PICTURES, zoom=0.5)
    with pytest.raises(ValueError, match=r"picture must be one of 'cat', 'shape'; got 'dog'"):
        random_draws(PICTURES, picture="dog")


@pytest.mark.parametrize("factory", [augmentation_explorer, draws_explorer])
def test_every_control_swept_without_error(factory):
    """Every value of every control gives a picture, never an exception, and moves the state."""
    ex = factory(PICTURES)
    for name, control in ex.controls.items():
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert ex.state is not None and ex.message is None


@pytest.mark.parametrize("factory", [augmentation_explorer, draws_explorer])
def test_random_combinations_keep_working(factory):
    """Seeded random combinations of all controls: no error, and state and picture follow."""
    rng = np.random.default_rng(11)
    ex = factory(PICTURES)
    for _ in range(12):
        values = {name: rng.choice(sweep(control)) for name, control in ex.controls.items()}
        values = {k: v.item() if hasattr(v, "item") else v for k, v in values.items()}
        before = ex.png
        ex.set(**values)
        assert ex.last_error is None, (values, ex.last_error)
        assert ex.state.picture == values["picture"]
        assert ex.state.original.shape == PICTURES[values["picture"]].shape
        assert ex.png != before or values == ex.values


def test_augmentation_explorer_follows_its_sliders():
    """Turning the slider turns the picture: the state and the shown image are rotate's output."""
    ex = augmentation_explorer(PICTURES, picture="shape")
    assert ex.state.steps == ["rotate 20 deg", "zoom x1.2", "shift (2.8, 0) px"]
    ex.set(zoom=1.0, shift_x=0)
    before = ex.png
    ex.controls["rotation"].value = 90
    np.testing.assert_array_equal(ex.state.augmented, np.rot90(PICTURES["shape"]))
    np.testing.assert_array_equal(ex.artists["augmented"].get_array(), ex.state.augmented)
    assert ex.png != before
    assert ex.artists["title"].get_text() == "rotate 90 deg"
    ex.controls["picture"].value = "cat"
    assert ex.artists["augmented"].get_array().shape == (150, 225)
    assert ex.artists["augmented"].axes.get_xlim() == (-0.5, 224.5)


def test_draws_explorer_shows_sixteen_draws_of_the_picture():
    """Sixteen cells, each showing its draw; a new seed gives new draws and a new picture."""
    ex = draws_explorer(PICTURES)
    assert len(ex.artists["draws"]) == DRAWS == GRID[0] * GRID[1]
    for artist, draw in zip(ex.artists["draws"], ex.state.draws):
        np.testing.assert_array_equal(artist.get_array(), draw)
    before, first = ex.png, ex.state.draws.copy()
    ex.controls["seed"].value = 5
    assert not np.array_equal(ex.state.draws, first) and ex.png != before


def test_captions_follow_the_state():
    """The captions quote the state's own numbers."""
    ex = augmentation_explorer(PICTURES, rotation=0, zoom=1, shift_x=0)
    assert "neutral" in ex.caption(ex.state)
    ex.set(zoom=1.5, noise=0.2)
    assert "2 augmentations</b>: zoom x1.5, noise std 0.2" in ex.caption(ex.state)
    ex = draws_explorer(PICTURES)
    ex.set(rotation=60, zoom=2.0, shift=10)
    text = ex.caption(ex.state)
    assert "&plusmn;60&deg;" in text and "from 0.50 to 2.00" in text and "up to 2.8 pixels" in text


def test_catalog_has_both_explorers_of_notebook_11():
    """The notebook's two explorers are catalogued with the recipes it uses."""
    titles = {e.title for e in catalog.entries() if e.notebook == "11"}
    assert titles == {"augmentation", "random draws"}
