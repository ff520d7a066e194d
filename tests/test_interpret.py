"""Saliency, Grad-CAM, occlusion and activation maximisation (cnnviz.interpret).

Each method is checked against a computation that does not use the network's
backward pass: central differences in float64 of the forward pass, the loop
that defines occlusion, and PyTorch's autograd where PyTorch is installed.
"""

import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import interpret
from cnnviz.datasets import CLASS_NAMES, draw_shape
from cnnviz.interpret import activation_maximization, grad_cam, occlusion, saliency
from cnnviz.layers import AvgPool2d, Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax
from cnnviz.losses import softmax
from cnnviz.pretrained import shapes_cnn


# ------------------------------------------------------------------------------ helpers
def rel_error(a, b):
    """Relative error of two arrays, ||a - b|| / (||a|| + ||b||)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else np.linalg.norm(a - b) / denom


def central_differences(f, x, eps=1e-6):
    """d f / d x of the scalar function ``f(x)`` by central differences (x is not changed)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


# Small networks in float64, with and without a final Softmax, over the layer kinds
# and settings the methods must see through: (input shape, layers, Grad-CAM layers).
# Every layer with a (channels, height, width) output is listed.
ARCHITECTURES = {
    "conv-max-conv-softmax": ((1, 10, 10), lambda: [
        Conv2d(1, 3, 3, padding=1), ReLU(), MaxPool2d(2),
        Conv2d(3, 4, 3), ReLU(), Flatten(), Dense(4 * 3 * 3, 3), Softmax(),
    ], (0, 1, 2, 3)),
    "strided-avg-logits": ((2, 9, 8), lambda: [
        Conv2d(2, 4, 3, stride=2, padding=1), ReLU(), AvgPool2d(2, stride=1),
        Flatten(), Dense(4 * 4 * 3, 5),
    ], (0, 1, 2)),
    "overlapping-pools-dilation": ((3, 12, 11), lambda: [
        Conv2d(3, 4, 5, padding=2), ReLU(), MaxPool2d(3, stride=2, padding=1),
        Conv2d(4, 5, 3, padding=2, dilation=2), ReLU(), MaxPool2d(2, ceil_mode=True),
        Flatten(), Dense(5 * 3 * 3, 4), Softmax(),
    ], (0, 1, 2, 3, 4, 5)),
    "flatten-first-mlp": ((2, 6, 5), lambda: [
        Flatten(), Dense(2 * 6 * 5, 8), ReLU(), Dense(8, 3), Softmax(),
    ], ()),
}


def random_net(name, seed):
    """The named architecture with random float64 weights; returns (net, input shape).

    Weights have standard deviation 1 / sqrt(fan-in) and biases 0.2, so that
    activations neither die nor blow up and the softmax is not saturated.
    """
    shape, make, _ = ARCHITECTURES[name]
    net = Sequential(make()).initialize(seed)
    rng = np.random.default_rng(seed)
    net.load_parameters({
        k: rng.standard_normal(v.shape) * (0.2 if v.ndim == 1 else 1 / np.sqrt(np.prod(v.shape[1:])))
        for k, v in net.parameters().items()
    })
    return net, shape


def score_net(net):
    """The layers up to the class scores, as their own network (a final Softmax left out)."""
    return Sequential(net.layers[:-1]) if isinstance(net.layers[-1], Softmax) else net


def logit(net, x, target):
    """The target's class score for one image, by the forward pass alone."""
    return float(score_net(net).forward(x[None])[0, target])


def float64_shapes_cnn():
    """The shipped network with its trained weights in float64 (for tight comparisons)."""
    net = shapes_cnn()
    return net.load_parameters({k: v.astype(np.float64) for k, v in net.parameters().items()})


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed; skipping the autograd comparison")


def torch_modules(net, torch):
    """The same network in torch.nn, same weights, as a list of modules up to the class scores."""
    nn = torch.nn
    modules = []
    for layer in score_net(net).layers:
        if isinstance(layer, Conv2d):
            m = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                          padding=layer.padding, dilation=layer.dilation, bias=layer.use_bias,
                          dtype=torch.float64)
        elif isinstance(layer, Dense):
            m = nn.Linear(layer.in_features, layer.out_features, bias=layer.use_bias, dtype=torch.float64)
        elif isinstance(layer, MaxPool2d):
            m = nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding, ceil_mode=layer.ceil_mode)
        elif isinstance(layer, AvgPool2d):
            m = nn.AvgPool2d(layer.kernel_size, layer.stride, layer.padding, ceil_mode=layer.ceil_mode,
                             count_include_pad=layer.count_include_pad)
        elif isinstance(layer, ReLU):
            m = nn.ReLU()
        elif isinstance(layer, Flatten):
            m = nn.Flatten()
        else:  # pragma: no cover - the test networks hold only the layers above
            raise AssertionError(f"no torch counterpart for {layer!r}")
        with torch.no_grad():
            for key, value in layer.parameters().items():
                getattr(m, key).copy_(torch.from_numpy(np.asarray(value, np.float64)))
        modules.append(m)
    return modules


def torch_run(modules, x, torch, keep=None):
    """Run ``x`` through the modules; also return the output of module ``keep`` (grad retained)."""
    kept = None
    for i, m in enumerate(modules):
        x = m(x)
        if i == keep:
            x.retain_grad()
            kept = x
    return x, kept


CASES = [(name, seed) for name in ARCHITECTURES for seed in (0, 1)]
SPATIAL_CASES = [(name, seed) for name, seed in CASES if ARCHITECTURES[name][2]]


# ------------------------------------------------------------------------------ saliency
@pytest.mark.parametrize("name, seed", CASES)
def test_saliency_matches_central_differences_of_the_class_score(name, seed):
    """saliency is d(logit)/d(image), checked pixel by pixel against central differences."""
    net, shape = random_net(name, seed)
    rng = np.random.default_rng(100 + seed)
    image = rng.standard_normal(shape)
    classes = net.output_shapes(shape)[-1][0]
    for target in rng.choice(classes, size=2, replace=False):
        grad = saliency(net, image, int(target))
        assert grad.shape == image.shape
        expected = central_differences(lambda x: logit(net, x, target), image)
        assert rel_error(grad, expected) < 1e-6


def test_saliency_uses_the_logit_not_the_probability():
    """With a final Softmax the map equals that of the network without it (the logit's gradient)."""
    net = float64_shapes_cnn()
    image = draw_shape("square").astype(np.float64)
    with_softmax = saliency(net, image, 2)
    without = saliency(Sequential(net.layers[:-1]), image, 2)
    np.testing.assert_allclose(with_softmax, without, rtol=1e-12, atol=1e-12)
    # The probability's gradient is another picture: for a confidently wrong class it all but vanishes.
    net.forward(image)
    of_probability = net.backward(np.eye(4)[2])
    assert np.abs(of_probability).max() < 1e-3 * np.abs(with_softmax).max()


@pytest.mark.parametrize("name, seed", CASES)
def test_saliency_matches_torch_autograd(name, seed):
    """The same network in PyTorch gives the same input gradient of the class score."""
    torch = torch_or_skip()
    net, shape = random_net(name, seed)
    image = np.random.default_rng(200 + seed).standard_normal(shape)
    xt = torch.from_numpy(image[None].copy()).requires_grad_(True)
    scores, _ = torch_run(torch_modules(net, torch), xt, torch)
    scores[0, 1].backward()
    np.testing.assert_allclose(saliency(net, image, 1), xt.grad[0].numpy(), rtol=1e-10, atol=1e-12)


def test_saliency_of_the_shipped_network_matches_torch():
    """On the trained network and a drawn shape, float32 in, float32 out, equal to torch."""
    torch = torch_or_skip()
    net = shapes_cnn()
    image = draw_shape("triangle", angle=20)
    grad = saliency(net, image, CLASS_NAMES.index("triangle"))
    assert grad.dtype == np.float32
    xt = torch.from_numpy(image[None].astype(np.float64)).requires_grad_(True)
    scores, _ = torch_run(torch_modules(net, torch), xt, torch)
    scores[0, 2].backward()
    np.testing.assert_allclose(grad, xt.grad[0].numpy(), rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------ Grad-CAM
def grad_cam_by_hand(net, image, target, index, gradients):
    """Grad-CAM from the layer's activations A and d(score)/dA, by a loop over channels.

    ``gradients="differences"``: central differences of the forward pass from that
    layer on; ``"backward"``: the network's backward pass from the score to A.
    """
    acts = net.forward(image[None], return_all=True)[index][0]
    tail = Sequential(score_net(net).layers[index + 1 :])
    if gradients == "differences":
        grads = central_differences(lambda a: float(tail.forward(a[None])[0, target]), acts)
    else:
        scores = tail.forward(acts[None])
        grads = tail.backward(np.eye(scores.shape[1])[[target]])[0]
    alpha = [grads[k].mean() for k in range(len(acts))]
    cam = sum(alpha[k] * acts[k] for k in range(len(acts)))
    return np.maximum(cam, 0)


def differentiable_at(net, index):
    """Central differences are valid at layer ``index``'s output unless ties lie ahead.

    A ReLU's zeros tie inside the max-pooling window after it: nudging one of them
    up makes it the winner, so a difference quotient sees half a gradient where
    backprop (like PyTorch) gives the whole of it to the first zero.
    """
    return not (isinstance(net.layers[index], ReLU) and isinstance(net.layers[index + 1], MaxPool2d))


@pytest.mark.parametrize("name, seed", SPATIAL_CASES)
@pytest.mark.parametrize("gradients", ["differences", "backward"])
def test_grad_cam_matches_a_direct_computation(name, seed, gradients):
    """ReLU(sum_k alpha_k A_k), alpha_k the mean gradient over positions, at every spatial layer."""
    net, shape = random_net(name, seed)
    image = np.random.default_rng(300 + seed).standard_normal(shape)
    shapes = net.output_shapes(shape)
    nonzero = 0
    for index in ARCHITECTURES[name][2]:
        if gradients == "differences" and not differentiable_at(net, index):
            continue
        for target in (0, 2):
            cam = grad_cam(net, image, target, layer=index)
            expected = grad_cam_by_hand(net, image, target, index, gradients)
            assert cam.shape == shapes[index][1:]
            np.testing.assert_allclose(cam, expected, rtol=1e-6, atol=1e-9)
            nonzero += bool(cam.max() > 0)
    assert nonzero > 0  # the comparison is not only between maps of zeros


def test_grad_cam_takes_a_summary_name_or_an_index():
    """layer="ReLU-5" is model.layers[4], as in the summary, which counts from 1."""
    net = shapes_cnn()
    image = draw_shape("cross")
    for index, name in enumerate(net.layer_names()[:6]):
        np.testing.assert_array_equal(grad_cam(net, image, 3, layer=name),
                                      grad_cam(net, image, 3, layer=index))
    assert grad_cam(net, image, 3, layer="ReLU-5").shape == (14, 14)
    assert grad_cam(net, image, 3, layer="Conv2d-1").shape == (28, 28)


def test_grad_cam_before_the_dense_layer_uses_its_mean_weights():
    """Straight before Flatten + Dense, alpha_k is the mean of the target's weights on channel k."""
    net = float64_shapes_cnn()
    image = draw_shape("cross", angle=10).astype(np.float64)
    acts = net.forward(image, return_all=True)[5]                 # MaxPool2d-6, (16, 7, 7)
    weights = net.layers[7].weight.reshape(4, *acts.shape)
    for target in range(4):
        alpha = weights[target].mean(axis=(1, 2))
        expected = np.maximum(np.tensordot(alpha, acts, axes=1), 0)
        np.testing.assert_allclose(grad_cam(net, image, target, layer=5), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, seed", SPATIAL_CASES)
def test_grad_cam_matches_torch_autograd(name, seed):
    """Activations and their gradients from PyTorch give the same map."""
    torch = torch_or_skip()
    net, shape = random_net(name, seed)
    image = np.random.default_rng(400 + seed).standard_normal(shape)
    modules = torch_modules(net, torch)
    for index in ARCHITECTURES[name][2]:
        scores, acts = torch_run(modules, torch.from_numpy(image[None].copy()), torch, keep=index)
        scores[0, 1].backward()
        alpha = acts.grad[0].mean(dim=(1, 2))
        expected = torch.relu((alpha[:, None, None] * acts[0]).sum(dim=0)).detach().numpy()
        np.testing.assert_allclose(grad_cam(net, image, 1, layer=index), expected, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- occlusion
def occlusion_loop(net, image, target, patch, stride, fill):
    """The definition: cover one square at a time and record the drop in probability."""
    H, W = image.shape[1:]
    out_h, out_w = (H - patch) // stride + 1, (W - patch) // stride + 1

    def prob(x):
        return softmax(score_net(net).forward(x[None]))[0, target]

    base = prob(image)
    drop = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            covered = image.copy()
            covered[:, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
            drop[i, j] = base - prob(covered)
    return drop


@pytest.mark.parametrize("name, seed", CASES)
@pytest.mark.parametrize("patch, stride, fill", [(1, 1, 0.0), (3, 2, 0.5), (4, 3, -1.0), (5, 1, 0.0)])
def test_occlusion_matches_the_loop_that_defines_it(name, seed, patch, stride, fill):
    """Every map value is the probability drop when that one square is covered."""
    net, shape = random_net(name, seed)
    image = np.random.default_rng(500 + seed).standard_normal(shape)
    drop = occlusion(net, image, 1, patch=patch, stride=stride, fill=fill)
    expected = occlusion_loop(net, image, 1, patch, stride, fill)
    assert drop.shape == ((shape[1] - patch) // stride + 1, (shape[2] - patch) // stride + 1)
    np.testing.assert_allclose(drop, expected, rtol=1e-9, atol=1e-12)
    assert np.abs(expected).max() > 1e-6  # covering changes something, so the test can fail


def test_occlusion_of_the_shipped_network_matches_the_loop():
    """On the trained network, patch 7 stride 2, float32: the loop's map up to float32 rounding."""
    net = shapes_cnn()
    image = draw_shape("square", angle=15)
    drop = occlusion(net, image, 1, patch=7, stride=2)
    assert drop.dtype == np.float32
    expected = occlusion_loop(float64_shapes_cnn(), image.astype(np.float64), 1, 7, 2, 0.0)
    np.testing.assert_allclose(drop, expected, atol=1e-4)
    assert expected.max() > 0.1  # some square matters to this network


def test_occlusion_with_a_whole_image_patch_is_one_value():
    """A patch the size of the image covers everything: one value, p(image) - p(all fill)."""
    net, shape = random_net("conv-max-conv-softmax", 3)
    image = np.random.default_rng(6).standard_normal(shape)
    drop = occlusion(net, image, 0, patch=10, fill=0.25)
    p = net.forward(np.stack([image, np.full(shape, 0.25)]))[:, 0]
    np.testing.assert_allclose(drop, [[p[0] - p[1]]], rtol=1e-12)


def test_occlusion_sends_the_copies_in_bounded_chunks(monkeypatch):
    """With a small chunk budget no batch exceeds it, the last chunk is ragged, and the map is unchanged."""
    net, shape = random_net("overlapping-pools-dilation", 0)
    image = np.random.default_rng(7).standard_normal(shape)
    full = occlusion(net, image, 2, patch=3)                      # 10 x 9 = 90 positions
    first, sizes = net.layers[0], []
    original = first.forward

    def spy(x):
        sizes.append(len(x))
        return original(x)

    monkeypatch.setattr(first, "forward", spy)
    chunks = {}
    for budget in (800_000, 1_600_000):
        monkeypatch.setattr(interpret, "OCCLUSION_CHUNK_BYTES", budget)
        sizes.clear()
        np.testing.assert_allclose(occlusion(net, image, 2, patch=3), full, rtol=1e-12)
        assert sizes[0] == 1                                       # the uncovered image
        chunks[budget] = sizes[1:]
    small, large = chunks[800_000], chunks[1_600_000]
    assert sum(small) == sum(large) == 90
    assert 2 < len(small) and len(set(small[:-1])) == 1 and small[-1] < small[0]   # ragged last
    assert large[0] >= 2 * small[0]                                # twice the budget, twice the chunk


def test_occlusion_refuses_an_image_too_large_for_memory(monkeypatch):
    """The memory check runs before any copy is made, and says what was asked."""
    import cnnviz._validate

    net, image = shapes_cnn(), draw_shape("circle")   # made before the limit is lowered
    monkeypatch.setattr(cnnviz._validate, "MEMORY_LIMIT", 10_000)
    with pytest.raises(ValueError, match=r"occluding one \(1, 28, 28\) image would need .* the limit is"):
        occlusion(net, image, 0, patch=7)


def test_occlusion_leaves_the_image_alone():
    """The caller's image is not modified by covering its copies."""
    net = shapes_cnn()
    image = draw_shape("circle")
    before = image.copy()
    occlusion(net, image, 0, patch=5, stride=3, fill=1.0)
    np.testing.assert_array_equal(image, before)


# --------------------------------------------------------------- activation maximisation
def objective(net, x, index, channel):
    """Mean of one channel of layer ``index``'s output for one input, by the forward pass."""
    return float(net.forward(x[None], return_all=True)[index][0, channel].mean())


@pytest.mark.parametrize("layer, index, channel", [
    ("ReLU-2", 1, 0), ("MaxPool2d-3", 2, 5), ("Conv2d-4", 3, 0), ("ReLU-5", 4, 9), (5, 5, 15),
    ("score", 7, 0), ("score", 7, 1), ("score", 7, 2), ("score", 7, 3),
])
def test_activation_maximization_raises_its_objective(layer, index, channel):
    """The result excites the channel far more than the starting noise, within [0, 1]."""
    net = shapes_cnn()
    start = activation_maximization(net, layer, channel, steps=0)
    x = activation_maximization(net, layer, channel, steps=60)
    assert x.shape == (1, 28, 28) and x.min() >= 0 and x.max() <= 1
    before, after = objective(net, start, index, channel), objective(net, x, index, channel)
    assert after > before + 0.25 * abs(before) + 0.25


def test_activation_maximization_of_a_class_is_classified_as_that_class():
    """The input made for each class score is predicted as that class."""
    net = shapes_cnn()
    made = np.stack([activation_maximization(net, "score", k, steps=100) for k in range(4)])
    assert list(net.forward(made).argmax(axis=1)) == [0, 1, 2, 3]


def test_activation_maximization_score_is_the_logit_layer():
    """layer="score" maximises the logits: the same as naming the Dense layer before the Softmax."""
    net = shapes_cnn()
    np.testing.assert_array_equal(activation_maximization(net, "score", 2, steps=5),
                                  activation_maximization(net, "Dense-8", 2, steps=5))


@pytest.mark.parametrize("name, seed", CASES)
@pytest.mark.parametrize("value_range", [(0.0, 1.0), (-2.0, 2.0), None])
def test_activation_maximization_step_follows_its_formula(name, seed, value_range):
    """One step is clip(x0 + lr * (g / rms(g) - penalty * x0)), g by central differences."""
    net, shape = random_net(name, seed)
    index = {"conv-max-conv-softmax": 4, "strided-avg-logits": 2, "overlapping-pools-dilation": 3,
             "flatten-first-mlp": 2}[name]
    options = dict(input_shape=shape, lr=0.3, penalty=0.7, value_range=value_range, seed=seed)
    x0 = activation_maximization(net, index, 0, steps=0, **options)      # the start, any channel
    # The channel most active at the start, so that its gradient is not zero.
    channel = int(np.argmax([objective(net, x0, index, c) for c in range(net.output_shapes(shape)[index][0])]))
    x1 = activation_maximization(net, index, channel, steps=1, **options)
    g = central_differences(lambda x: objective(net, x, index, channel), x0)
    assert np.abs(g).max() > 0
    expected = x0 + 0.3 * (g / np.sqrt(np.mean(g**2)) - 0.7 * x0)
    if value_range is not None:
        expected = np.clip(expected, *value_range)
    np.testing.assert_allclose(x1, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("value_range", [(0.0, 1.0), (-2.0, 2.0)])
def test_activation_maximization_starts_from_noise_over_the_range(value_range):
    """steps=0 gives the start: uniform noise filling the value range."""
    x = activation_maximization(shapes_cnn(), "ReLU-2", 0, steps=0, value_range=value_range, seed=4)
    low, high = value_range
    assert x.min() >= low and x.max() <= high
    assert abs(x.mean() - (low + high) / 2) < 0.1 * (high - low)
    assert x.std() > 0.25 * (high - low)


def test_activation_maximization_is_deterministic_by_seed():
    """The same seed gives the same input, bit for bit; another seed another input."""
    net = shapes_cnn()
    a = activation_maximization(net, "ReLU-5", 4, steps=20, seed=3)
    b = activation_maximization(net, "ReLU-5", 4, steps=20, seed=3)
    c = activation_maximization(net, "ReLU-5", 4, steps=20, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_activation_maximization_matches_torch_gradient_ascent():
    """Twenty steps with PyTorch's autograd gradient give the same input."""
    torch = torch_or_skip()
    net, shape = random_net("conv-max-conv-softmax", 5)
    modules = torch_modules(net, torch)
    x = activation_maximization(net, 4, 1, input_shape=shape, steps=0, seed=5, value_range=None)
    channel = int(np.argmax(net.forward(x[None], return_all=True)[4][0].mean(axis=(1, 2))))
    for _ in range(20):
        xt = torch.from_numpy(x[None].copy()).requires_grad_(True)
        _, acts = torch_run(modules, xt, torch, keep=4)
        acts[0, channel].mean().backward()
        g = xt.grad[0].numpy()
        x = x + 0.05 * (g / np.sqrt(np.mean(g**2)) - 1.0 * x)
    ours = activation_maximization(net, 4, channel, input_shape=shape, steps=20, seed=5, value_range=None)
    np.testing.assert_allclose(ours, x, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- bad input
NET = shapes_cnn()
IMAGE = draw_shape("circle")


@pytest.mark.parametrize("call, error, message", [
    (lambda: saliency("net", IMAGE, 0), TypeError, r"model must be a cnnviz.Sequential; got 'net'"),
    (lambda: saliency(NET.layers, IMAGE, 0), TypeError, r"model must be a cnnviz.Sequential; got \[Conv2d"),
    (lambda: saliency(shapes_cnn(pretrained=False), IMAGE, 0), ValueError,
     r"layer 1, Conv2d\(1, 8, kernel_size=3, padding=1\), has no weights yet"),
    (lambda: saliency(NET, IMAGE[0], 0), ValueError,
     r"image must be one image of shape \(channels, height, width\), such as \(1, 28, 28\); got shape \(28, 28\)"),
    (lambda: saliency(NET, IMAGE[None], 0), ValueError, r"image must be one image .* got shape \(1, 1, 28, 28\)"),
    (lambda: saliency(NET, np.zeros((3, 28, 28)), 0), ValueError,
     r"image of shape \(3, 28, 28\) does not fit the model: layer 1, .* expects 1 input channels; got 3"),
    (lambda: saliency(NET, np.zeros((1, 20, 20)), 0), ValueError,
     r"image of shape \(1, 20, 20\) does not fit the model: layer 8, Dense\(784, 4\)"),
    (lambda: saliency(NET, "image", 0), TypeError, r"image must be a numeric array; got 'image'"),
    (lambda: saliency(NET, IMAGE, 4), ValueError, r"target must be a class index from 0 to 3; got 4"),
    (lambda: saliency(NET, IMAGE, -1), ValueError, r"target must be a class index from 0 to 3; got -1"),
    (lambda: saliency(NET, IMAGE, 1.0), TypeError, r"target must be a class index, an integer from 0 to 3; got 1.0"),
    (lambda: saliency(NET, IMAGE, True), TypeError, r"target must be a class index, .* got True"),
    (lambda: saliency(Sequential([Conv2d(1, 2, 3)]).initialize(0), IMAGE, 0), ValueError,
     r"the model must end with a vector of class scores .* gives shape \(2, 26, 26\)"),
    (lambda: saliency(Sequential([]), IMAGE, 0), ValueError, r"the model must end with a vector"),
    (lambda: grad_cam(NET, IMAGE, 0, layer=9), ValueError,
     r"layer must be a 0-based index from 0 to 8 or a layer name from the summary "
     r"\('Conv2d-1', 'ReLU-2', .*'Softmax-9'\); got 9"),
    (lambda: grad_cam(NET, IMAGE, 0, layer=-1), ValueError, r"layer must be a 0-based index from 0 to 8 .* got -1"),
    (lambda: grad_cam(NET, IMAGE, 0, layer="ReLU-4"), ValueError, r"layer must be .* got 'ReLU-4'"),
    (lambda: grad_cam(NET, IMAGE, 0, layer=4.0), TypeError, r"layer must be a 0-based index .* got 4.0"),
    (lambda: grad_cam(NET, IMAGE, 0, layer=None), TypeError, r"layer must be a 0-based index .* got None"),
    (lambda: grad_cam(NET, IMAGE, 0, layer=8), ValueError,
     r"layer must come before the class scores \(index 0 to 7\); got 8, the final Softmax"),
    (lambda: grad_cam(NET, IMAGE, 0, layer="Flatten-7"), ValueError,
     r"layer must give a \(channels, height, width\) volume for Grad-CAM; Flatten-7 \(index 6\) gives shape \(784,\)"),
    (lambda: grad_cam(NET, IMAGE, 0, layer="Dense-8"), ValueError, r"Dense-8 \(index 7\) gives shape \(4,\)"),
    (lambda: grad_cam(NET, IMAGE, 7, layer=0), ValueError, r"target must be a class index from 0 to 3; got 7"),
    (lambda: occlusion(NET, IMAGE, 0, patch=0), ValueError, r"patch must be a positive integer; got 0"),
    (lambda: occlusion(NET, IMAGE, 0, patch=2.5), TypeError, r"patch must be a positive integer; got 2.5"),
    (lambda: occlusion(NET, IMAGE, 0, patch=29), ValueError,
     r"patch must be at most the image's smaller side \(28 x 28 image: up to 28\); got 29"),
    (lambda: occlusion(NET, IMAGE, 0, patch=7, stride=0), ValueError, r"stride must be a positive integer; got 0"),
    (lambda: occlusion(NET, IMAGE, 0, patch=7, fill="black"), TypeError, r"fill must be a number; got 'black'"),
    (lambda: occlusion(NET, IMAGE, 5, patch=7), ValueError, r"target must be a class index from 0 to 3; got 5"),
    (lambda: occlusion(NET, IMAGE, 0), TypeError, r"missing 1 required keyword-only argument: 'patch'"),
    (lambda: activation_maximization(NET, "ReLU-2", 8), ValueError,
     r"channel must be from 0 to 7 \(ReLU-2 has 8 channels\); got 8"),
    (lambda: activation_maximization(NET, "ReLU-2", 1.5), TypeError, r"channel must be an integer from 0 to 7; got 1.5"),
    (lambda: activation_maximization(NET, "score", 4), ValueError, r"channel must be a class index from 0 to 3; got 4"),
    (lambda: activation_maximization(NET, "scores", 0), ValueError, r"layer must be .* got 'scores'"),
    (lambda: activation_maximization(NET, 12, 0), ValueError, r"layer must be a 0-based index from 0 to 8 .* got 12"),
    (lambda: activation_maximization(NET, 0, 0, steps=-1), ValueError, r"steps must be a non-negative integer; got -1"),
    (lambda: activation_maximization(NET, 0, 0, lr=0), ValueError, r"lr must be a positive number; got 0.0"),
    (lambda: activation_maximization(NET, 0, 0, lr="big"), TypeError, r"lr must be a number; got 'big'"),
    (lambda: activation_maximization(NET, 0, 0, penalty=-0.1), ValueError, r"penalty must be a number >= 0; got -0.1"),
    (lambda: activation_maximization(NET, 0, 0, value_range=(1, 0)), ValueError,
     r"value_range must be a pair \(low, high\) with low < high; got \(1.0, 0.0\)"),
    (lambda: activation_maximization(NET, 0, 0, value_range=1.0), TypeError,
     r"value_range must be a pair \(low, high\) or None; got 1.0"),
    (lambda: activation_maximization(NET, 0, 0, input_shape=(3, 28, 28)), ValueError,
     r"input_shape of shape \(3, 28, 28\) does not fit the model: layer 1"),
    (lambda: activation_maximization(NET, 0, 0, input_shape=28), TypeError,
     r"input_shape must be a tuple of positive integers such as \(1, 28, 28\); got 28"),
    (lambda: activation_maximization(NET, 0, 0, input_shape=(1, 0, 28)), ValueError,
     r"input_shape must be a positive integer; got 0"),
    (lambda: activation_maximization(NET, 0, 0, seed=1.5), TypeError, r"seed must be an integer; got 1.5"),
    (lambda: activation_maximization("net", 0, 0), TypeError, r"model must be a cnnviz.Sequential"),
])
def test_bad_input_is_explained(call, error, message):
    """Each mistake raises the right error, naming the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        call()


def test_importing_interpret_loads_no_plotting_library():
    """cnnviz.interpret is numpy-only: neither matplotlib nor ipywidgets gets imported."""
    code = ("import sys, cnnviz.interpret; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert cnnviz.interpret is interpret


# ------------------------------------------------------------- networks in training mode
def batchnorm_net(seed=0):
    """A small network with a BatchNorm2d that has seen some data (running statistics set),
    left in training mode, the mode every layer starts in."""
    from cnnviz.layers import BatchNorm2d

    net = Sequential([Conv2d(1, 3, 3, padding=1), BatchNorm2d(3), ReLU(), Flatten(),
                      Dense(3 * 8 * 8, 3), Softmax()]).initialize(seed)
    net.forward(np.random.default_rng(seed).random((16, 1, 8, 8)))   # running statistics
    return net


@pytest.mark.parametrize("seed", range(3))
def test_methods_run_a_training_mode_network_in_evaluation_mode(seed, monkeypatch):
    """A BatchNorm2d in training mode would normalise each covered copy with the statistics
    of whatever shared its chunk: the methods use evaluation mode, so occlusion no longer
    depends on the chunk size, the running statistics stay as they were, and every layer
    gets its own mode back."""
    net = batchnorm_net(seed)
    bn = net.layers[1]
    stats = (bn.running_mean.copy(), bn.running_var.copy())
    image = np.random.default_rng(10 + seed).random((1, 8, 8))

    reference = batchnorm_net(seed).eval()
    whole = occlusion(net, image, 1, patch=3)
    monkeypatch.setattr(interpret, "OCCLUSION_CHUNK_BYTES", 1)    # one covered copy per chunk
    np.testing.assert_allclose(occlusion(net, image, 1, patch=3), whole, atol=1e-12)
    np.testing.assert_allclose(whole, occlusion(reference, image, 1, patch=3), atol=1e-12)
    np.testing.assert_allclose(saliency(net, image, 2), saliency(reference, image, 2), atol=1e-12)
    np.testing.assert_allclose(grad_cam(net, image, 0, layer=2),
                               grad_cam(reference, image, 0, layer=2), atol=1e-12)
    activation_maximization(net, "ReLU-3", 0, input_shape=(1, 8, 8), steps=3)
    np.testing.assert_array_equal(bn.running_mean, stats[0])
    np.testing.assert_array_equal(bn.running_var, stats[1])
    assert all(layer.training for layer in net.layers)
