"""Notebook 12's filter explorer (activation maximisation), driven headlessly: every
control swept, random combinations; the wanted inputs are computed once per network."""

from cnnviz.explorers import catalog
from cnnviz.explorers.maximisation import FILTER_LAYERS, wanted_inputs
from cnnviz.pretrained import shapes_cnn
from explorer_support import assert_every_value_draws, random_settings

ENTRY = catalog.get("12-filters")


def test_every_control_value_gives_a_picture():
    """Each value of each control: no bug, no explanation, a new state, and a picture that
    changes for at least one value."""
    assert_every_value_draws(ENTRY.build())


def test_random_combinations():
    """Seeded random settings of all controls at once never reach a bug; the channel slider
    stays inside the layer."""
    for ex in random_settings(ENTRY.build(), seed=12, rounds=6):
        assert ex.last_error is None and ex.state is not None, ex.values()
        assert ex.controls["channel"].max == len(wanted_inputs(shapes_cnn())[ex.state.layer]) - 1


def test_wanted_inputs_are_computed_once_per_network():
    """The same weights give the very same stacks (kept, not recomputed), one per layer."""
    net = shapes_cnn()
    first = wanted_inputs(net)
    assert list(first) == list(FILTER_LAYERS)
    assert wanted_inputs(shapes_cnn()) is first
