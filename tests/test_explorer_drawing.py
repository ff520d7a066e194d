"""Notebook 10's drawing explorer (cnnviz.explorers.drawing), driven headlessly: the
network's probabilities follow the strokes on the pad."""

import numpy as np
import pytest

from cnnviz.explorers.drawing import drawing_explorer, drawing_state
from cnnviz.lessons import training as lesson
from cnnviz.lessons.drawing import shape_strokes, strokes_to_image

pytest.importorskip("ipycanvas", reason="ipycanvas is not installed")


def test_drawing_probabilities_follow_the_strokes():
    """Probabilities are the network's on the pad's image; a new stroke changes them."""
    net = lesson.shapes_cnn()
    ex = drawing_explorer(net)
    image = strokes_to_image(shape_strokes("circle"))
    np.testing.assert_allclose(ex.state["probs"], net.forward(image), rtol=1e-6)
    before, png = ex.state["probs"].copy(), ex.png
    ex.pad._down(20, 140)
    ex.pad._move(260, 140)
    ex.pad._up(260, 140)                                  # a line across the circle
    assert not np.allclose(ex.state["probs"], before) and ex.png != png
    assert ex.last_error is None


def test_an_empty_pad_asks_for_a_drawing():
    """Clear leaves nothing to read: a sentence, not an error; drawing brings the bars back."""
    ex = drawing_explorer(lesson.shapes_cnn())
    ex.pad.clear()
    assert ex.state is None and "Nothing drawn yet" in ex.message and ex.last_error is None
    ex.pad.draw(shape_strokes("cross"))
    assert ex.state is not None
    assert ex.state["names"][int(np.argmax(ex.state["probs"]))] == "cross"


def test_drawing_state_takes_logits_or_probabilities():
    """A network ending in Softmax and one ending in logits give the same probabilities."""
    from cnnviz.layers import Sequential
    net = lesson.shapes_cnn()
    image = strokes_to_image(shape_strokes("square"))
    with_softmax = drawing_state(net, image)["probs"]
    logits_only = drawing_state(Sequential(net.layers[:-1]), image)["probs"]
    np.testing.assert_allclose(with_softmax, logits_only, rtol=1e-5, atol=1e-7)
    assert with_softmax.sum() == pytest.approx(1.0)
