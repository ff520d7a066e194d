"""Notebook 12's sanity-check explorer, driven headlessly: every control swept, random
combinations; the maps of the randomised network follow the slider."""

import numpy as np
import pytest

from cnnviz.explorers import catalog
from cnnviz.explorers.sanity import sanity_explorer
from explorer_support import assert_every_value_draws, random_settings

ENTRY = catalog.get("12-sanity-checks")


def test_every_control_value_gives_a_picture():
    """Each value of each control: no bug, no explanation, a new state, and a picture that
    changes for at least one value."""
    assert_every_value_draws(ENTRY.build())


def test_random_combinations():
    """Seeded random settings of all controls at once never reach a bug."""
    for ex in random_settings(ENTRY.build(), seed=12, rounds=6):
        assert ex.last_error is None and ex.state is not None, ex.values()


def test_sanity_explorer_on_a_single_picture():
    """A bare picture instead of a dict of them works too; the top layers are randomised."""
    image = np.zeros((1, 28, 28))
    image[0, 8:20, 8:20] = 1
    ex = sanity_explorer(image, top=3)
    assert ex.last_error is None and ex.state.randomized == ("Dense-8", "Conv2d-4", "Conv2d-1")


def test_figures_keep_their_size():
    """Moving controls updates the boxes in place: the picture's size never changes."""
    ex = ENTRY.build()
    size = ex.fig.get_size_inches().tolist()
    artists = ex.artists
    ex.set(top=2)
    assert ex.fig.get_size_inches().tolist() == size and ex.artists is artists
