"""Notebook 07's model-share explorer: where a network keeps its parameters."""

import numpy as np
import pytest

from cnnviz.explorers.model_share import model_share_explorer
from cnnviz.explorers.parameters import CONV, DENSE
from cnnviz.lessons.parameters import MAX_ROWS, MODELS, model_share
from explorer_support import sweep


# ------------------------------------------------------------------------ model summaries
@pytest.mark.parametrize("name,total", [
    ("LeNet-5", 61_706), ("AlexNet", 61_100_840), ("VGG16", 138_357_544),
    ("VGG16 without the dense top", 14_714_688), ("VGG19", 143_667_240),
    ("example classifier", 2_892_993),
])
def test_model_share_totals(name, total):
    """Every model's total matches the published count, and conv + dense add up to it."""
    m = model_share(name)
    assert m.total == total == m.conv_total + m.dense_total
    assert sum(m.shares) == pytest.approx(100)
    assert len(m.rows) <= MAX_ROWS
    assert all(r.params > 0 for r in m.rows)


def test_dense_layers_hold_most_of_vgg16():
    """VGG16's dense layers hold 123,642,856 of 138,357,544 parameters; its first one alone 74%."""
    m = model_share("VGG16")
    assert m.dense_total == 138_357_544 - 14_714_688 == 123_642_856
    assert m.rows[-3].params == 25_088 * 4_096 + 4_096
    assert m.shares[-3] == pytest.approx(74.27, abs=0.01)


def test_unknown_model_is_named():
    """A model not in the list gets an error listing the ones that are."""
    with pytest.raises(ValueError, match="model must be one of 'LeNet-5', 'AlexNet'"):
        model_share("ResNet-50")


# ------------------------------------------------------------------------ where the parameters are
def test_model_dropdown_changes_bars_and_picture():
    """Each model shows one visible bar per layer with parameters, coloured conv or dense."""
    ex = model_share_explorer()
    pngs = set()
    for name in MODELS:
        ex.controls["model"].value = name
        assert ex.last_error is None and ex.state.name == name
        bars = ex.artists["bars"]
        visible = [b for b in bars if b.get_visible()]
        assert len(visible) == len(ex.state.rows)
        assert [b.get_width() for b in visible] == pytest.approx(list(ex.state.shares))
        colours = ["conv" if np.allclose(b.get_facecolor()[:3], _rgb(CONV)) else
                   "dense" if np.allclose(b.get_facecolor()[:3], _rgb(DENSE)) else "other"
                   for b in visible]
        assert colours == list(ex.state.kinds)
        assert f"{ex.state.total:,}" in ex.text.value
        pngs.add(ex.png)
    assert len(pngs) == len(MODELS)


def _rgb(colour):
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def test_model_dropdown_sweep():
    """Every option of the dropdown gives a picture."""
    ex = model_share_explorer("LeNet-5")
    for value in sweep(ex.controls["model"]):
        ex.controls["model"].value = value
        assert ex.last_error is None and ex.state is not None


def test_alexnet_is_labelled_as_torchvisions_layout():
    """The dropdown, the figure's heading note and the caption say this AlexNet is torchvision's 64-filter one."""
    ex = model_share_explorer("AlexNet")
    labels = dict((value, label) for label, value in ex.controls["model"].options)
    assert labels["AlexNet"] == "AlexNet (torchvision)"
    assert "64 filters in the first layer, where the 2012 paper has 96" in ex.text.value
    ex.controls["model"].value = "VGG16"
    assert "torchvision" not in ex.text.value
