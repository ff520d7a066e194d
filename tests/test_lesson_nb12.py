"""Notebook 12's claims, checked against what cnnviz computes (the prose states them; the
notebook's cells print the numbers and nbval compares them), and its exercises' checks."""

import inspect

import numpy as np
import pytest

from cnnviz.checks import CheckError
from cnnviz.datasets import CLASS_NAMES, draw_shape, make_shapes
from cnnviz.exercises import nb12
from cnnviz.explorers.maximisation import FILTER_LAYERS, training_images, wanted_inputs
from cnnviz.interpret import grad_cam, occlusion, saliency
from cnnviz.lessons.interpretation import map_layers, sanity_state
from cnnviz.pretrained import shapes_cnn


@pytest.fixture(scope="module")
def net():
    return shapes_cnn()


@pytest.fixture(scope="module")
def test_set():
    return make_shapes(40, seed=3)


# ---------------------------------------------------------------------- section 1
def test_one_first_layer_channel_is_dead(net):
    """'One of them is black on every typical picture: that channel is dead.'"""
    maps = net.forward(make_shapes(100, seed=7).images, return_all=True)[1]
    dead = [k for k in range(8) if not maps[:, k].any()]
    assert dead == [1]


# ---------------------------------------------------------------------- section 2
def test_patch_7_stride_1_is_484_positions(net):
    """'at patch 7 and stride 1 that is 22 x 22 = 484 forward passes'"""
    assert occlusion(net, draw_shape("square"), 1, patch=7).shape == (22, 22)


def test_what_the_occlusion_explorer_shows(net):
    """'Patch 1: single pixels hardly matter ... Grow the patch until the map lights up';
    'Stride 7 with patch 7: 16 squares'; 'the square as a triangle: the map is almost
    empty'; 'The cross: covering any square hardly changes its probability'."""
    from cnnviz.explorers.interpretation import shape_samples

    samples = shape_samples()
    for name in ("circle", "square", "triangle", "cross"):
        image = samples[name]
        k = CLASS_NAMES.index(name)
        assert occlusion(net, image, k, patch=1).max() < 0.05
        if name != "cross":
            assert occlusion(net, image, k, patch=7).max() > 0.5
    assert occlusion(net, samples["cross"], 3, patch=7).max() < 0.1
    assert occlusion(net, samples["square"], 1, patch=7, stride=7).size == 16
    assert np.abs(occlusion(net, samples["square"], 2, patch=7)).max() < 0.05


# ---------------------------------------------------------------------- section 3
def test_grad_cam_resolutions(net):
    """'14 x 14 at ReLU-5'; 'the map gets coarser, 28 x 28, 14 x 14, then 7 x 7'."""
    image = draw_shape("cross")
    sizes = [grad_cam(net, image, 3, layer=i).shape[0] for i, _ in map_layers(net, (1, 28, 28))]
    assert sizes == [28, 28, 14, 14, 14, 7]
    assert grad_cam(net, image, 3, layer="ReLU-5").shape == (14, 14)


def test_grad_cam_is_zero_for_circles_at_the_last_pool_and_for_crosses_early(net, test_set):
    """'At the last pooling layer the circle's own map can be zero everywhere (and, in the
    table below, the first layers' maps for many crosses).'"""
    def zeros(layer, k):
        return [grad_cam(net, img, k, layer=layer).max() <= 0
                for img, label in zip(test_set.images, test_set.labels) if label == k]
    assert np.mean(zeros("MaxPool2d-6", 0)) >= 0.5
    assert np.mean(zeros("ReLU-2", 3)) >= 0.5
    assert not any(any(zeros("ReLU-5", k)) for k in range(4))


# ---------------------------------------------------------------------- section 4
def test_training_shapes_size():
    """'the network was trained on shapes whose radius is a fifth to two fifths of the
    picture's side' (make_shapes' default scale, which cnnviz.train uses)."""
    low, high = inspect.signature(make_shapes).parameters["scale"].default
    assert 0.2 <= low < high <= 0.4 + 0.05 and low < 0.25


def test_blank_and_small_pictures(net):
    """'On a blank picture the network splits its vote between triangle and cross, and the
    small circle is no circle to it.'"""
    probs = net.forward(np.zeros((1, 1, 28, 28)))[0]
    top_two = {CLASS_NAMES[k] for k in np.argsort(probs)[-2:]}
    assert top_two == {"triangle", "cross"} and probs[2] + probs[3] > 0.9
    small = draw_shape("circle", center=(20, 8), radius=4)
    assert int(net.forward(small[None]).argmax()) != 0


# ---------------------------------------------------------------------- section 5
def test_filter_explorer_inputs():
    """'the training-like pictures (200, drawn like the training set)'; conv1, conv2 and the
    class scores are offered."""
    assert len(training_images()) == 200
    assert FILTER_LAYERS == ("ReLU-2", "ReLU-5", "score")


def test_the_dead_channel_wants_nothing(net):
    """'Channel 1 is the dead one: with no gradient to climb, the penalty fades its picture
    to black.'"""
    wanted = wanted_inputs(net)["ReLU-2"][:, 0]
    assert wanted[1].max() < 0.01
    assert all(wanted[k].max() > 0.5 for k in range(8) if k != 1)


def test_class_pictures_are_read_as_their_class(net):
    """The printed lines: each wanted class picture is classified as that class."""
    for k, stack in enumerate(wanted_inputs(net)["score"]):
        assert int(net.forward(stack[None]).argmax()) == k


# ---------------------------------------------------------------------- section 6
def test_sanity_checks_table(net, test_set):
    """'Grad-CAM at ReLU-5 loses its resemblance to itself as soon as the dense layer is
    random ... Saliency changes more slowly: with the dense layer random, and with the
    second convolution random too, it keeps a good part of its ordering ... Only when the
    first convolution is random as well does it fall apart ... the edge detector already
    shares part of saliency's ordering.'"""
    from cnnviz.filters import sobel_magnitude
    from cnnviz.lessons.interpretation import rank_correlation

    pictures = test_set.images[:12]
    targets = [int(net.forward(img[None]).argmax()) for img in pictures]
    mean = {}
    for top in range(4):
        states = [sanity_state(net, img, t, top=top) for img, t in zip(pictures, targets)]
        mean[top] = {m: np.mean([s.similarity[m] for s in states])
                     for m in ("saliency", "Grad-CAM")}
    assert mean[0] == {"saliency": 1.0, "Grad-CAM": 1.0}
    assert mean[1]["Grad-CAM"] < 0.2 and mean[2]["Grad-CAM"] < 0.2
    for top in (1, 2):
        assert mean[top]["saliency"] > 0.3 and mean[top]["saliency"] > mean[top]["Grad-CAM"] + 0.2
    assert mean[3]["saliency"] < 0.5 * mean[2]["saliency"]
    edges = [rank_correlation(np.abs(saliency(net, img, t)).max(axis=0), sobel_magnitude(img[0]))
             for img, t in zip(pictures, targets)]
    assert np.mean(edges) > 0.2


# ---------------------------------------------------------------------- exercises
def test_exercise_answers_pass_and_near_misses_fail(capsys):
    """Each declared answer passes its check; a nearby wrong one raises with expected/got."""
    for name, expected in nb12.ANSWERS.items():
        getattr(nb12, name)(expected())
        assert capsys.readouterr().out.startswith("Correct"), name
    with pytest.raises(CheckError, match="expected: -0.25"):
        nb12.alpha_by_hand(-0.5)
    with pytest.raises(CheckError, match=r"1 value\(s\) differ"):
        nb12.cam_by_hand([[2, 0], [1.5, 1]])
    with pytest.raises(CheckError, match=r"expected: \(1, 0\)\n  got:      \(0, 1\)"):
        nb12.worst_square((0, 1))
    with pytest.raises(CheckError, match="expected: \\(1, 0\\)"):
        nb12.worst_square("corner")


def test_untried_exercises_only_remind(capsys):
    """`...` prints a reminder, for value and code exercises alike."""
    nb12.alpha_by_hand(...)
    nb12.cam_by_hand(...)
    nb12.worst_square(...)
    nb12.saliency_by_backward(...)
    assert capsys.readouterr().out.count("Not tried yet") == 4


def test_the_tiny_layer_answers_are_grad_cams(net):
    """The tiny network's Grad-CAM is alpha-weighted A through a ReLU, alpha the mean of G."""
    alpha = nb12.TINY_GRADIENT.mean(axis=(1, 2))
    assert nb12.ANSWERS["alpha_by_hand"]() == pytest.approx(alpha[1])
    expected = np.maximum(np.tensordot(alpha, nb12.TINY_ACTIVATIONS, axes=1), 0)
    np.testing.assert_allclose(nb12.ANSWERS["cam_by_hand"](), expected)


def test_worst_square_is_a_2x2_map_and_the_square_sits_in_it(net):
    """Exercise 3: 'a 2 x 2 occlusion map'; the drawn square lies inside the expected
    quadrant, so reading the centre is enough."""
    image = nb12.occluded_image()[0]
    drop = occlusion(net, nb12.occluded_image(), int(net.forward(nb12.occluded_image()[None])
                                                      .argmax()), patch=14, stride=14)
    assert drop.shape == (2, 2)
    row, col = nb12.ANSWERS["worst_square"]()
    ink = image > 0.05
    inside = ink[14 * row:14 * row + 14, 14 * col:14 * col + 14].sum()
    assert inside >= 0.9 * ink.sum()


def test_saliency_check_rejects_a_wrong_function():
    """A gradient of the probability (through the softmax) is not the saliency of the score."""
    def through_softmax(model, image, target):
        outputs = model.forward(image[None], return_all=True)
        grad = np.zeros_like(outputs[-1])
        grad[0, target] = 1
        for layer in reversed(model.layers):
            grad = layer.backward(grad)
        return grad[0]

    with pytest.raises(CheckError, match="your saliency differs from cnnviz"):
        nb12.saliency_by_backward(through_softmax)
