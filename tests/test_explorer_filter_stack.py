"""Notebook 05's filter-stack explorer: K filters give an output volume of K maps."""

import numpy as np
import pytest

import cnnviz
from cnnviz.explorers.filter_stack import filter_stack_explorer
from cnnviz.images import load_sample
from cnnviz.lessons.volume import TooManyFilters, filter_stack, partial_sums
from explorer_support import sweep

RGB = load_sample(size=(96, 144))


@pytest.mark.parametrize("k", [1, 2, 5, 8])
def test_filter_stack_is_one_conv_layer(k):
    """K filters give weight (K, 3, 3, 3), bias (K,) and output (K, 94, 142), as conv2d does."""
    state = filter_stack(RGB, filters=k)
    assert state.weight.shape == (k, 3, 3, 3) and state.bias.shape == (k,)
    assert state.output.shape == (k, 94, 142)
    np.testing.assert_allclose(state.output, cnnviz.conv2d(RGB, state.weight, state.bias),
                               atol=1e-6)
    assert state.params == k * (3 * 3 * 3 + 1)
    # Map k of the stack is the map filter k gives alone.
    last = partial_sums(RGB, name=state.names[-1])
    np.testing.assert_allclose(state.output[-1], last.output, atol=1e-6)


def test_filter_stack_rejects_impossible_counts():
    """Zero filters, or more than the bank holds, get a plain-language error; the second is a
    SettingError carrying the numbers."""
    with pytest.raises(ValueError, match="filters must be a positive integer; got 0"):
        filter_stack(RGB, filters=0)
    with pytest.raises(TooManyFilters, match="there are 8 filters to choose from; got filters=9"
                       ) as info:
        filter_stack(RGB, filters=9)
    assert info.value.fields == dict(filters=9, available=8)


def test_filter_slider_grows_the_volume():
    """Moving K changes the output shape, the caption and the picture."""
    ex = filter_stack_explorer(RGB)
    pngs = {ex.png}
    for k in (1, 6, 8):
        ex.controls["filters"].value = k
        assert ex.state.output.shape == (k, 94, 142) and ex.last_error is None
        assert f"<b>({k}, 94, 142)</b>" in ex.text.value
        assert f"<b>{28 * k}</b>" in ex.text.value
        pngs.add(ex.png)
    assert len(pngs) == 4


def test_unused_slots_stay_blank():
    """With K = 1 only the first slot shows a map; the other slots are white, even after K = 8."""
    ex = filter_stack_explorer(RGB, filters=1)
    one = np.asarray(ex.artists["picture"].image.get_array())
    ex.controls["filters"].value = 8
    eight = np.asarray(ex.artists["picture"].image.get_array())
    changed = np.any(one != eight, axis=-1)
    # The extra seven maps (and their titles) fill in; where K = 1 showed the map, nothing moves.
    assert changed.mean() > 0.3
    white = np.all(one[..., :3] == 255, axis=-1)
    assert white[changed].mean() > 0.9
    # Back to K = 1: the seven maps are cleared again, not left over from before.
    ex.controls["filters"].value = 1
    assert np.array_equal(ex.artists["picture"].image.get_array(), one)


def test_filter_stack_sweeps_without_error():
    """Every value of the K slider gives a picture, never an exception."""
    ex = filter_stack_explorer(RGB)
    for value in sweep(ex.controls["filters"]):
        ex.controls["filters"].value = value
        assert ex.last_error is None and ex.state is not None
        assert len(ex.state.names) == value


def test_filter_stack_agrees_with_torch():
    """The stack of K filters is what torch's conv2d gives with the same weights."""
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    state = filter_stack(RGB, filters=8)
    as_tensor = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64).copy())  # noqa: E731
    expected = torch.nn.functional.conv2d(as_tensor(RGB[None]), as_tensor(state.weight),
                                          as_tensor(state.bias))[0].numpy()
    np.testing.assert_allclose(state.output, expected, atol=1e-6)
