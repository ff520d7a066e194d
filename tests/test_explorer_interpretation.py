"""Notebook 12's map explorers (occlusion, Grad-CAM, explain, draw and explain), driven
headlessly as a learner would: every control swept, random combinations, the drawing pad;
the state and the picture follow."""

import numpy as np
import pytest

from cnnviz import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from cnnviz.explorers import catalog
from cnnviz.explorers.interpretation import (
    draw_and_explain, explain_explorer, grad_cam_explorer, occlusion_explorer,
)
from cnnviz.interpret import grad_cam, occlusion, saliency
from cnnviz.lessons.drawing import shape_strokes
from explorer_support import assert_every_value_draws, random_settings

ENTRIES = [e for e in catalog.entries() if e.notebook == "12"]
MAPS = [e for e in ENTRIES if e.origin()["factory"].startswith("cnnviz.explorers.interpretation:")]


def test_the_notebook_has_its_six_explorers():
    """Occlusion, Grad-CAM, draw and explain, explain, filters and sanity checks are catalogued,
    the four map explorers in this module."""
    assert sorted(e.title for e in ENTRIES) == sorted(
        ["occlusion", "grad-cam", "explain", "draw and explain", "filters", "sanity checks"])
    assert sorted(e.title for e in MAPS) == ["draw and explain", "explain", "grad-cam",
                                             "occlusion"]


@pytest.mark.parametrize("entry", MAPS, ids=lambda e: e.key)
def test_every_control_value_gives_a_picture(entry):
    """Each value of each control: no bug, no explanation, a new state, and a picture that
    changes for at least one value."""
    assert_every_value_draws(entry.build())


@pytest.mark.parametrize("entry", MAPS, ids=lambda e: e.key)
def test_random_combinations(entry):
    """Seeded random settings of all controls at once never reach a bug."""
    for ex in random_settings(entry.build(), seed=12, rounds=6):
        assert ex.last_error is None and ex.state is not None, ex.values()


def test_occlusion_explorer_shows_the_methods_map():
    """The state's map is cnnviz.occlusion at the sliders' patch and stride; stride is
    limited to the patch."""
    ex = catalog.get("12-occlusion").build()
    ex.set(picture="cross", target=3, patch=5)
    ex.set(stride=5)
    from cnnviz.explorers.interpretation import shape_samples
    from cnnviz.pretrained import shapes_cnn

    expected = occlusion(shapes_cnn(), shape_samples()["cross"], 3, patch=5, stride=5)
    np.testing.assert_allclose(ex.state.drop, expected)
    ex.set(patch=3)
    assert ex.controls["stride"].max == 3 and ex.state.stride <= 3


def test_grad_cam_explorer_on_a_learners_network():
    """A network of one's own: its map layers in the dropdown, its classes as targets."""
    model = Sequential([Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                        Dense(4 * 14 * 14, 3)])
    model.initialize(3)
    image = np.random.default_rng(0).random((1, 28, 28))
    ex = grad_cam_explorer({"noise": image}, model, layer="ReLU-2", target=2)
    assert list(ex.controls["layer"].options) == ["Conv2d-1", "ReLU-2", "MaxPool2d-3"]
    assert [v for _, v in ex.controls["target"].options] == [0, 1, 2]
    np.testing.assert_allclose(ex.state.cam, grad_cam(model, image, 2, layer=1))
    ex.set(layer="MaxPool2d-3")
    assert ex.state.cam.shape == (14, 14) and ex.last_error is None


def test_grad_cam_says_when_the_map_is_zero_everywhere():
    """A training-like circle at the last pool: the heading names the zero map instead of
    showing a blank picture without comment."""
    from cnnviz.datasets import make_shapes

    data = make_shapes(8, seed=3)
    circle = data.images[list(data.labels).index(0)]
    ex = grad_cam_explorer({"circle": circle}, layer="MaxPool2d-6", target=0)
    assert ex.state.all_zero
    heading = ex.artists["heading"].key[1][0]
    assert "zero everywhere" in heading


def test_draw_and_explain_follows_the_pad():
    """Each stroke (and Clear) redraws: the prediction and maps are those of the pad's image."""
    from cnnviz.pretrained import shapes_cnn

    net = shapes_cnn()
    ex = draw_and_explain()
    assert ex.state.class_names[ex.state.prediction] == "triangle"
    before = ex.png
    ex.pad.clear()
    assert ex.state.blank and ex.last_error is None and ex.png != before
    ex.pad.draw(shape_strokes("circle"))
    image = ex.pad.image()
    k = int(np.argmax(net.forward(image[None])[0]))
    assert ex.state.prediction == k and ex.last_error is None
    np.testing.assert_allclose(ex.state.saliency, np.abs(saliency(net, image, k)).max(axis=0))
    assert draw_and_explain(start=None).state.blank


def test_explain_and_occlusion_explorers_on_a_single_picture():
    """A bare picture instead of a dict of them works too."""
    image = np.zeros((1, 28, 28))
    image[0, 8:20, 8:20] = 1
    assert explain_explorer(image).last_error is None
    assert occlusion_explorer(image, patch=14).state.drop.shape == (15, 15)
