"""The state behind notebook 12's explorers, against loops and libraries that define it."""

import numpy as np
import pytest

from cnnviz import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from cnnviz.datasets import draw_shape, make_shapes
from cnnviz.errors import SettingError
from cnnviz.filters import sobel_magnitude
from cnnviz.interpret import grad_cam, occlusion, saliency
from cnnviz.lessons.interpretation import (
    PatchTooLarge, channel_activations, channel_weights, class_names_of, explain_state,
    filter_activations, filter_state, grad_cam_state, map_layers, named_pictures,
    network_or_default, occlusion_state, per_pixel_drop, predicted_class, preferred_inputs,
    randomized, rank_correlation, sanity_state, top_images, upsample, weighted_layers,
)
from cnnviz.pretrained import shapes_cnn


@pytest.fixture(scope="module")
def net():
    return shapes_cnn()


def small_net(seed):
    model = Sequential([Conv2d(2, 3, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                        Dense(3 * 5 * 5, 3)])
    model.initialize(seed)
    return model


def per_pixel_by_loop(drop, shape, patch, stride):
    """Each pixel: the mean drop of the squares that cover it, square by square."""
    total, count = np.zeros(shape), np.zeros(shape)
    for i in range(drop.shape[0]):
        for j in range(drop.shape[1]):
            total[i * stride:i * stride + patch, j * stride:j * stride + patch] += drop[i, j]
            count[i * stride:i * stride + patch, j * stride:j * stride + patch] += 1
    out = np.full(shape, np.nan)
    out[count > 0] = total[count > 0] / count[count > 0]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_per_pixel_drop_matches_the_loop(seed):
    """Spreading an occlusion map over the pixels agrees with adding square by square."""
    rng = np.random.default_rng(seed)
    H, W = (int(v) for v in rng.integers(5, 20, 2))
    patch = int(rng.integers(1, min(H, W) + 1))
    stride = int(rng.integers(1, patch + 3))
    oh, ow = (H - patch) // stride + 1, (W - patch) // stride + 1
    drop = rng.standard_normal((oh, ow))
    got = per_pixel_drop(drop, (H, W), patch=patch, stride=stride)
    np.testing.assert_allclose(got, per_pixel_by_loop(drop, (H, W), patch, stride), atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_upsample_repeats_cells(seed):
    """Nearest-neighbour blow-up: pixel (r, c) takes cell (r * h // H, c * w // W)."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(1, 8, 2))
    H, W = h * int(rng.integers(1, 5)), w * int(rng.integers(1, 5))
    values = rng.standard_normal((h, w))
    got = upsample(values, (H, W))
    for r in range(H):
        for c in range(W):
            assert got[r, c] == values[r * h // H, c * w // W]
    assert np.array_equal(got, np.kron(values, np.ones((H // h, W // w))))


@pytest.mark.parametrize("seed", range(5))
def test_rank_correlation_is_spearmans(seed):
    """Against scipy.stats.spearmanr, ties included."""
    stats = pytest.importorskip("scipy.stats", reason="SciPy is the reference for Spearman's rho")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 6, 40).astype(float)        # many ties
    b = a + rng.standard_normal(40) * seed
    assert rank_correlation(a, b) == pytest.approx(stats.spearmanr(a, b)[0], abs=1e-10)
    assert rank_correlation(a, np.zeros(40)) == 0.0


def test_occlusion_state_worst_square_is_the_maps_argmax(net):
    """The outlined square is where occlusion's map is largest, at its stride."""
    image = draw_shape("triangle", angle=30)
    state = occlusion_state(net, image, 2, patch=5, stride=3)
    drop = occlusion(net, image, 2, patch=5, stride=3)
    np.testing.assert_array_equal(state.drop, drop)
    i, j = np.unravel_index(np.argmax(drop), drop.shape)
    assert state.worst == (3 * i, 3 * j)
    assert state.largest_drop == pytest.approx(drop.max())
    np.testing.assert_allclose(state.probabilities.sum(), 1, rtol=1e-5)


def test_occlusion_state_refuses_a_patch_larger_than_the_picture(net):
    """A square larger than the picture is explained (a SettingError with the numbers)."""
    with pytest.raises(PatchTooLarge, match="patch must be at most 28") as info:
        occlusion_state(net, draw_shape("circle"), 0, patch=29)
    assert isinstance(info.value, SettingError) and info.value.size == 28


@pytest.mark.parametrize("layer", ["Conv2d-1", "ReLU-2", "MaxPool2d-3", 3, "ReLU-5", 5])
def test_channel_weights_are_the_mean_gradient_at_the_layer(net, layer):
    """alpha_k by central differences on the layer output: the score as a function of A."""
    image = draw_shape("cross", angle=10).astype(np.float64)
    index = net.layer_names().index(layer) if isinstance(layer, str) else layer
    outputs = net.forward(image[None], return_all=True)
    A = outputs[index].astype(np.float64)
    rest = net.layers[index + 1:-1]

    def score(a):
        for lay in rest:
            a = lay.forward(a)
        return float(a[0, 3])

    rng = np.random.default_rng(0)
    k = int(rng.integers(A.shape[1]))
    eps = 1e-4
    # d(score)/dA_k summed over positions = derivative along the all-ones direction of channel k
    step = np.zeros_like(A)
    step[0, k] = eps
    numeric = (score(A + step) - score(A - step)) / (2 * eps) / (A.shape[2] * A.shape[3])
    got = channel_weights(net, image, 3, layer=layer)
    assert got[k] == pytest.approx(numeric, rel=1e-3, abs=1e-6)
    state = grad_cam_state(net, image, 3, layer=layer)
    np.testing.assert_allclose(state.cam, np.maximum(np.tensordot(got, A[0], axes=1), 0),
                               atol=1e-5)
    assert state.upsampled.shape == (28, 28)


def test_map_layers_are_the_volumes_before_the_scores():
    """Grad-CAM's layers: every layer whose output has channels, height and width."""
    model = small_net(0)
    assert [name for _, name in map_layers(model, (2, 10, 10))] == ["Conv2d-1", "ReLU-2",
                                                                    "MaxPool2d-3"]


@pytest.mark.parametrize("seed", range(3))
def test_explain_state_on_a_learners_network(seed):
    """Any Sequential works: the maps are the methods' maps for the predicted class."""
    model = small_net(seed)
    image = np.random.default_rng(seed).random((2, 10, 10))
    state = explain_state(model, image, layer="ReLU-2", patch=3)
    k = int(np.argmax(model.forward(image[None])[0]))
    assert state.prediction == k
    np.testing.assert_allclose(state.saliency, np.abs(saliency(model, image, k)).max(axis=0))
    np.testing.assert_allclose(state.cam, grad_cam(model, image, k, layer=1))
    drop = occlusion(model, image, k, patch=3)
    np.testing.assert_allclose(state.occlusion, per_pixel_by_loop(drop, (10, 10), 3, 1))
    assert state.class_names == ("class 0", "class 1", "class 2")


def test_top_images_are_the_largest_mean_activations(net):
    """The most exciting images, by sorting every image's mean activation by hand."""
    images = make_shapes(30, seed=5).images
    outputs = net.forward(images, return_all=True)[4]          # ReLU-5
    for channel in (0, 7, 15):
        means = [outputs[n, channel].mean() for n in range(30)]
        idx, act = top_images(net, images, layer="ReLU-5", channel=channel, count=3)
        assert list(idx) == sorted(range(30), key=lambda n: -means[n])[:3]
        np.testing.assert_allclose(act, np.sort(means)[::-1][:3], rtol=1e-6)
    assert channel_activations(net, images, layer="ReLU-5").shape == (30, 16)


def test_filter_state_shows_the_kernel_of_a_first_layer_channel_and_finds_the_dead_one(net):
    """conv1 channels come with their 3x3 kernel; channel 1 of ReLU-2 never fires."""
    images = make_shapes(40, seed=12).images
    preferred = preferred_inputs(net, ["ReLU-2", "score"], steps=5)
    assert preferred["ReLU-2"].shape == (8, 1, 28, 28)
    assert preferred["score"].shape == (4, 1, 28, 28)
    state = filter_state(net, preferred, images, layer="ReLU-2", channel=1)
    np.testing.assert_array_equal(state.kernel, net.layers[0].weight[1, 0])
    assert state.dead
    live = filter_state(net, preferred, images, layer="ReLU-2", channel=0)
    assert not live.dead
    cls = filter_state(net, preferred, images, layer="score", channel=2)
    probs = net.forward(images)[:, 2]
    np.testing.assert_allclose(cls.example_values, np.sort(probs)[::-1][:4])
    assert cls.kernel is None and cls.label == "class triangle"
    tables = filter_activations(net, images, ["ReLU-2", "score"])
    for layer, channel in [("ReLU-2", 0), ("ReLU-2", 5), ("score", 2)]:
        fast = filter_state(net, preferred, images, layer=layer, channel=channel,
                            activations=tables)
        slow = filter_state(net, preferred, images, layer=layer, channel=channel)
        np.testing.assert_array_equal(fast.examples, slow.examples)
        np.testing.assert_allclose(fast.example_values, slow.example_values)
    with pytest.raises(SettingError, match="channel must be below 4; got 4"):
        filter_state(net, preferred, images, layer="score", channel=4)
    with pytest.raises(ValueError, match="layer must be one of"):
        filter_state(net, preferred, images, layer="ReLU-5", channel=0)


def test_randomized_replaces_the_top_layers_only(net):
    """Cascading randomisation: the top `top` weighted layers are new, the rest untouched,
    the spread of each new weight array that of the trained one, the original intact."""
    before = {k: v.copy() for k, v in net.parameters().items()}
    assert weighted_layers(net) == [7, 3, 0]
    for top in range(4):
        rnd = randomized(net, top, seed=1)
        changed = {i for i in weighted_layers(net)
                   if not np.array_equal(rnd.layers[i].weight, net.layers[i].weight)}
        assert changed == set(weighted_layers(net)[:top])
        for i in changed:
            trained, new = net.layers[i].weight, rnd.layers[i].weight
            assert new.std() == pytest.approx(trained.std(), rel=0.35)
    for k, v in net.parameters().items():
        np.testing.assert_array_equal(v, before[k])
    with pytest.raises(ValueError, match="top must be an integer from 0 to 3"):
        randomized(net, 4)
    with pytest.raises(TypeError, match="model must be a cnnviz.Sequential"):
        randomized([Conv2d(1, 1, 3)], 1)


def test_sanity_state_compares_trained_and_random_maps(net):
    """The maps are saliency and Grad-CAM of the two networks, and their rank correlation."""
    image = draw_shape("square", angle=10)
    state = sanity_state(net, image, 1, top=2, seed=3)
    rnd = randomized(net, 2, seed=3)
    np.testing.assert_allclose(state.saliency[1], np.abs(saliency(rnd, image, 1)).max(axis=0))
    np.testing.assert_allclose(state.cam[0], upsample(grad_cam(net, image, 1, layer=4), (28, 28)))
    assert state.similarity["saliency"] == pytest.approx(rank_correlation(*state.saliency))
    assert state.randomized == ("Dense-8", "Conv2d-4")
    np.testing.assert_allclose(state.edges, sobel_magnitude(image[0]))


@pytest.mark.parametrize("seed", range(3))
def test_the_explorers_inputs_follow_the_network(seed):
    """A learner's network keeps its own class count and prediction; None is the shipped
    network; one picture becomes a dict of one."""
    model = small_net(seed)
    image = np.random.default_rng(seed).random((2, 10, 10))
    assert network_or_default(model) is model
    assert len(network_or_default(None).layers) == len(shapes_cnn().layers)
    assert class_names_of(model, image) == ("class 0", "class 1", "class 2")
    assert class_names_of(shapes_cnn(), np.zeros((1, 28, 28)))[0] == "circle"
    scores = model.forward(image[None])[0]
    assert predicted_class(model, image) == int(np.argmax(scores))
    samples = {"a": image}
    copy = named_pictures(samples)
    assert copy == samples and copy is not samples
    np.testing.assert_array_equal(named_pictures(image)["picture"], image)

