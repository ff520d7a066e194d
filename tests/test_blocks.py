"""Forward and backward of the architecture layers: BatchNorm2d, Residual,
GlobalAvgPool2d and ReLU6, and training/evaluation mode.

Each is checked against loops that mirror its formula, against central
differences in float64, and against PyTorch where it is installed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnnviz.layers import (
    BatchNorm2d, Conv2d, Dense, Flatten, GlobalAvgPool2d, MaxPool2d, ReLU, ReLU6, Residual,
    Sequential,
)
from test_network import check_layer_gradients, float64_layer, numerical_grad, rel_error, torch_or_skip


# ------------------------------------------------------------------------- BatchNorm2d
def batchnorm_loops(x, gamma, beta, eps):
    """Training-mode batch norm one value at a time; also each channel's mean and biased variance."""
    N, C, H, W = x.shape
    out, means, variances = np.empty_like(x), [], []
    for c in range(C):
        values = [x[n, c, i, j] for n in range(N) for i in range(H) for j in range(W)]
        mean = sum(values) / len(values)
        var = sum((v - mean) ** 2 for v in values) / len(values)
        for n in range(N):
            for i in range(H):
                for j in range(W):
                    out[n, c, i, j] = gamma[c] * (x[n, c, i, j] - mean) / math.sqrt(var + eps) + beta[c]
        means.append(mean)
        variances.append(var)
    return out, np.array(means), np.array(variances)


def batchnorm_backward_loops(x, gamma, g, eps):
    """dL/dx of training-mode batch norm from its Jacobian, entry by entry:
    d xhat_q / d x_p = (delta_pq - 1/m - xhat_p xhat_q / m) / sqrt(var + eps)."""
    N, C, H, W = x.shape
    grad = np.zeros_like(x)
    for c in range(C):
        idx = [(n, c, i, j) for n in range(N) for i in range(H) for j in range(W)]
        m = len(idx)
        mean = sum(x[p] for p in idx) / m
        var = sum((x[p] - mean) ** 2 for p in idx) / m
        inv = 1 / math.sqrt(var + eps)
        xhat = {p: (x[p] - mean) * inv for p in idx}
        for p in idx:
            grad[p] = sum(g[q] * gamma[c] * inv * ((p == q) - 1 / m - xhat[p] * xhat[q] / m)
                          for q in idx)
    return grad


def random_bn(C, rng):
    bn = float64_layer(BatchNorm2d(C), rng)
    bn.running_mean, bn.running_var = rng.standard_normal(C), rng.uniform(0.5, 2.0, C)
    return bn


@pytest.mark.parametrize("shape", [(4, 3, 5, 6), (1, 2, 3, 3), (7, 1, 1, 2)])
def test_batchnorm_training_forward_matches_loops(shape):
    """Training mode: batch mean and biased variance per channel, then weight * xhat + bias."""
    rng = np.random.default_rng(sum(shape))
    bn = random_bn(shape[1], rng)
    x = rng.standard_normal(shape) * 3 + 1
    expected, _, _ = batchnorm_loops(x, bn.weight, bn.bias, bn.eps)
    np.testing.assert_allclose(bn.forward(x), expected, rtol=1e-12, atol=1e-12)


def test_batchnorm_running_statistics_follow_the_momentum_rule_with_the_unbiased_variance():
    """Two training steps update running = (1 - m) running + m batch (variance times m/(m-1));
    evaluation mode then normalises with those running values."""
    rng = np.random.default_rng(2)
    bn = BatchNorm2d(3, momentum=0.3)
    bn.initialize(rng)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(2):
        x = rng.standard_normal((2, 3, 4, 5)) * 2 + 5
        bn.forward(x)
        _, batch_mean, batch_var = batchnorm_loops(x, np.ones(3), np.zeros(3), bn.eps)
        count = 2 * 4 * 5
        mean = 0.7 * mean + 0.3 * batch_mean
        var = 0.7 * var + 0.3 * batch_var * count / (count - 1)
        np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12)
        np.testing.assert_allclose(bn.running_var, var, rtol=1e-12)
    x = rng.standard_normal((3, 3, 2, 2))
    out = bn.eval().forward(x)
    np.testing.assert_allclose(out, (x - mean[:, None, None]) / np.sqrt(var[:, None, None] + bn.eps),
                               rtol=1e-6)
    before = bn.running_mean.copy()
    bn.forward(x)
    np.testing.assert_array_equal(bn.running_mean, before)       # evaluation does not update
    # one sample gives the same output alone as in its batch
    np.testing.assert_allclose(bn.forward(x[1]), out[1], rtol=1e-12)


@pytest.mark.parametrize("shape", [(3, 2, 3, 2), (2, 3, 2, 2), (5, 1, 1, 1)])
def test_batchnorm_training_backward_matches_the_jacobian_loops(shape):
    """Training-mode dx equals the sum over the Jacobian's entries, written out as loops."""
    rng = np.random.default_rng(len(shape) + shape[0])
    bn = random_bn(shape[1], rng)
    x, g = rng.standard_normal(shape), rng.standard_normal(shape)
    bn.forward(x)
    np.testing.assert_allclose(bn.backward(g), batchnorm_backward_loops(x, bn.weight, g, bn.eps),
                               rtol=1e-9, atol=1e-12)
    xhat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(
        x.var(axis=(0, 2, 3), keepdims=True) + bn.eps)
    np.testing.assert_allclose(bn.grads["weight"], (g * xhat).sum(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(bn.grads["bias"], g.sum(axis=(0, 2, 3)), rtol=1e-12)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients_match_central_differences(training):
    """dx, dweight and dbias agree with central differences in both modes."""
    rng = np.random.default_rng(21)
    bn = random_bn(3, rng).train(training)
    check_layer_gradients(bn, rng.standard_normal((2, 3, 4, 3)) * 2, rng)


@pytest.mark.parametrize("shape", [(4, 3, 5, 6), (2, 5, 1, 3)])
def test_batchnorm_matches_torch_in_both_modes(shape):
    """Training then evaluation: outputs, all gradients and running statistics equal PyTorch's."""
    torch = torch_or_skip()
    rng = np.random.default_rng(31)
    C = shape[1]
    bn = random_bn(C, rng)
    bn.momentum = 0.2
    ref = torch.nn.BatchNorm2d(C, momentum=0.2).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(bn.weight))
        ref.bias.copy_(torch.tensor(bn.bias))
        ref.running_mean.copy_(torch.tensor(bn.running_mean))
        ref.running_var.copy_(torch.tensor(bn.running_var))
    for training in (True, False):
        bn.train(training)
        ref.train(training)
        ref.zero_grad()
        x, g = rng.standard_normal(shape) * 2 + 1, rng.standard_normal(shape)
        X = torch.tensor(x, requires_grad=True)
        out_ref = ref(X)
        out_ref.backward(torch.tensor(g))
        np.testing.assert_allclose(bn.forward(x), out_ref.detach().numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(bn.backward(g), X.grad.numpy(), rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(bn.grads["weight"], ref.weight.grad.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(bn.grads["bias"], ref.bias.grad.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(bn.running_mean, ref.running_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-12)


def test_batchnorm_float32_stays_float32():
    """float32 input and weights give float32 outputs and gradients."""
    bn = BatchNorm2d(2)
    bn.initialize(np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((3, 2, 4, 4)).astype(np.float32)
    out = bn.forward(x)
    assert out.dtype == np.float32 and bn.backward(np.ones_like(out)).dtype == np.float32
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-6)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1, atol=1e-4)


def test_batchnorm_counts_and_shapes():
    """2 * C parameters, no multiply-adds counted, the shape unchanged."""
    bn = BatchNorm2d(64)
    assert bn.num_params == 128 and bn.multiply_adds((64, 8, 8)) == 0
    assert bn.output_shape((64, 8, 8)) == (64, 8, 8)
    assert bn.param_shapes() == {"weight": (64,), "bias": (64,)}
    assert bn.weight is None                      # nothing allocated until initialise


@pytest.mark.parametrize("make, message", [
    (lambda: BatchNorm2d(0), r"num_features must be a positive integer; got 0"),
    (lambda: BatchNorm2d(3, eps=0), r"eps must be a positive number; got 0"),
    (lambda: BatchNorm2d(3, momentum=1.5), r"momentum must be between 0 and 1; got 1.5"),
    (lambda: BatchNorm2d(3).output_shape((4, 8, 8)),
     r"expects 3 channels; got 4 \(input shape \(4, 8, 8\)\)"),
    (lambda: BatchNorm2d(3).output_shape((3, 8)),
     r"expects an input of shape \(channels, height, width\); got \(3, 8\)"),
    (lambda: BatchNorm2d(3).forward(np.ones((1, 3, 4, 4))), r"has no weights yet"),
])
def test_batchnorm_rejects_bad_settings(make, message):
    """Bad settings name the parameter, the value and what is valid."""
    with pytest.raises(ValueError, match=message):
        make()


def test_batchnorm_training_needs_more_than_one_value_per_channel():
    """Training on a single 1x1 sample cannot estimate a variance: explained, eval() suggested."""
    bn = BatchNorm2d(2)
    bn.initialize(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"more than one value per channel .* got input shape "
                                         r"\(1, 2, 1, 1\) .*call eval\(\)"):
        bn.forward(np.ones((1, 2, 1, 1)))
    assert bn.eval().forward(np.ones((1, 2, 1, 1))).shape == (1, 2, 1, 1)


# -------------------------------------------------------------- ReLU6 and global pooling
def test_relu6_forward_and_backward_match_loops_and_central_differences():
    """min(max(0, x), 6) and its gradient (1 strictly between 0 and 6), value by value."""
    rng = np.random.default_rng(4)
    x = rng.uniform(-4, 10, (3, 2, 4, 4))
    layer = ReLU6()
    out = layer.forward(x)
    grad = layer.backward(np.full(x.shape, 2.0))
    for value, o, gr in zip(x.ravel(), out.ravel(), grad.ravel()):
        assert o == (0.0 if value < 0 else 6.0 if value > 6 else value)
        assert gr == (2.0 if 0 < value < 6 else 0.0)
    check_layer_gradients(layer, x, rng)


def test_global_avg_pool_matches_loops_and_central_differences():
    """Each channel's mean over H x W; the gradient shares g / (H W) evenly."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4, 5))
    out = GlobalAvgPool2d().forward(x)
    for n in range(2):
        for c in range(3):
            assert out[n, c] == pytest.approx(sum(x[n, c].ravel()) / 20, abs=1e-12)
    check_layer_gradients(GlobalAvgPool2d(), x, rng)
    assert GlobalAvgPool2d().forward(x[0]).shape == (3,)


def test_relu6_and_global_pool_match_torch():
    """ReLU6 and global average pooling (AdaptiveAvgPool2d(1) + flatten) equal PyTorch's."""
    torch = torch_or_skip()
    rng = np.random.default_rng(6)
    x = rng.uniform(-3, 9, (2, 3, 5, 4))
    for layer, ref in [(ReLU6(), torch.nn.ReLU6()),
                       (GlobalAvgPool2d(), torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1),
                                                               torch.nn.Flatten()))]:
        out = layer.forward(x)
        g = rng.standard_normal(out.shape)
        X = torch.tensor(x, requires_grad=True)
        y = ref(X)
        y.backward(torch.tensor(g))
        np.testing.assert_allclose(out, y.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(layer.backward(g), X.grad.numpy(), atol=1e-12)


# -------------------------------------------------------------------------- residual
def basic_block(cin, cout, stride):
    shortcut = None if stride == 1 and cin == cout else [
        Conv2d(cin, cout, 1, stride=stride, bias=False), BatchNorm2d(cout)]
    # no bias before a training-mode BatchNorm: its gradient is exactly 0 there
    return Residual([Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), BatchNorm2d(cout), ReLU(),
                     Conv2d(cout, cout, 3, padding=1)], shortcut=shortcut)


def float64_net(net, rng):
    """Every weight of ``net`` random float64, for gradient checks."""
    net.initialize(0)
    for value in net.parameters().values():
        value[...] = rng.standard_normal(value.shape)
    net.load_parameters({k: v.astype(np.float64) for k, v in net.parameters().items()})
    return net


@pytest.mark.parametrize("cin, cout, stride", [(2, 2, 1), (2, 3, 2), (3, 2, 1)])
def test_residual_forward_is_block_plus_shortcut(cin, cout, stride):
    """out = block(x) + shortcut(x), computed by running the two paths' layers by hand."""
    rng = np.random.default_rng(cin * 10 + cout)
    res = basic_block(cin, cout, stride)
    float64_net(Sequential([res]), rng)
    x = rng.standard_normal((2, cin, 6, 5))
    main = x
    for layer in res.block:
        main = layer.forward(main)
    side = x
    for layer in res.shortcut or []:
        side = layer.forward(side)
    np.testing.assert_allclose(res.forward(x), main + side, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cin, cout, stride", [(2, 2, 1), (2, 3, 2)])
def test_residual_gradients_match_central_differences(cin, cout, stride):
    """dx and every weight gradient, BatchNorm in training mode inside, against central differences."""
    rng = np.random.default_rng(cin + cout + stride)
    res = basic_block(cin, cout, stride)
    float64_net(Sequential([res]), rng)
    check_layer_gradients(res, rng.standard_normal((2, cin, 5, 4)), rng)
    assert set(res.grads) == set(res.parameters()) and any(k.startswith("block.") for k in res.grads)


def test_residual_network_matches_torch_autograd():
    """A Sequential with an identity and a projection residual block: output, dx, every gradient."""
    torch = torch_or_skip()
    nn = torch.nn
    rng = np.random.default_rng(8)
    net = Sequential([basic_block(2, 2, 1), ReLU(), basic_block(2, 3, 2), GlobalAvgPool2d(),
                      Dense(3, 2)])
    float64_net(net, rng)

    class TorchResidual(nn.Module):
        def __init__(self, block, shortcut):
            super().__init__()
            self.block, self.shortcut = block, shortcut

        def forward(self, x):
            return self.block(x) + (x if self.shortcut is None else self.shortcut(x))

    def twin(layer):
        if isinstance(layer, Residual):
            return TorchResidual(nn.Sequential(*map(twin, layer.block)),
                                 None if layer.shortcut is None else nn.Sequential(*map(twin, layer.shortcut)))
        if isinstance(layer, Conv2d):
            m = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                          padding=layer._pads()[0][0], bias=layer.use_bias).double()
        elif isinstance(layer, BatchNorm2d):
            m = nn.BatchNorm2d(layer.num_features).double()
        elif isinstance(layer, Dense):
            m = nn.Linear(layer.in_features, layer.out_features).double()
        elif isinstance(layer, GlobalAvgPool2d):
            return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        else:
            return nn.ReLU()
        with torch.no_grad():
            for name, value in layer.parameters().items():
                getattr(m, name).copy_(torch.tensor(value))
        m.cnnviz = layer
        return m

    ref = nn.Sequential(*map(twin, net))
    x = rng.standard_normal((3, 2, 6, 6))
    out = net.forward(x)
    g = rng.standard_normal(out.shape)
    grad = net.backward(g)
    X = torch.tensor(x, requires_grad=True)
    y = ref(X)
    y.backward(torch.tensor(g))
    np.testing.assert_allclose(out, y.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad, X.grad.numpy(), rtol=1e-9, atol=1e-10)
    checked = 0
    for module in ref.modules():
        if hasattr(module, "cnnviz"):
            for name, value in module.cnnviz.grads.items():
                np.testing.assert_allclose(value, getattr(module, name).grad.numpy(),
                                           rtol=1e-9, atol=1e-10)
                checked += 1
    assert checked == len(net.grads) == len(net.parameters())


def test_residual_weights_are_named_by_path_and_load_back():
    """parameters() names inner weights by path; load_parameters puts them back in place."""
    net = Sequential([Conv2d(1, 2, 3), basic_block(2, 3, 2)]).initialize(3)
    params = net.parameters()
    assert "Residual-2.block.Conv2d-1.weight" in params
    assert "Residual-2.shortcut.BatchNorm2d-2.bias" in params
    assert params["Residual-2.block.Conv2d-1.weight"] is net[1].block[0].weight
    twin = Sequential([Conv2d(1, 2, 3), basic_block(2, 3, 2)])
    twin.load_parameters({k: v + 1 for k, v in params.items()})
    np.testing.assert_array_equal(twin[1].shortcut[0].weight, net[1].shortcut[0].weight + 1)
    assert sum(v.size for v in params.values()) == net.num_params


def test_residual_counts_sum_both_paths():
    """Parameters and multiply-adds are those of every inner layer; activations add the sum."""
    res = basic_block(4, 8, 2)
    shape = (4, 10, 10)
    inner = [Conv2d(4, 8, 3, stride=2, padding=1, bias=False), BatchNorm2d(8), ReLU(), Conv2d(8, 8, 3, padding=1),
             Conv2d(4, 8, 1, stride=2, bias=False), BatchNorm2d(8)]
    assert res.num_params == sum(layer.num_params for layer in inner)
    assert res.output_shape(shape) == (8, 5, 5)
    assert res.multiply_adds(shape) == 8 * 25 * (4 * 9 + 8 * 9 + 4)
    assert res.activation_size(shape) == 7 * 8 * 25


def test_residual_rejects_paths_of_different_shapes():
    """A block that changes the shape without a matching shortcut is explained."""
    with pytest.raises(ValueError, match=r"the block's output \(3, 4, 4\) and the input \(the identity "
                                         r"shortcut\) \(2, 8, 8\) must have the same shape"):
        Residual([Conv2d(2, 3, 3, stride=2, padding=1)]).output_shape((2, 8, 8))
    with pytest.raises(ValueError, match=r"layer 2, Residual.*block: layer 1, Conv2d\(2, 3, "
                                         r"kernel_size=3\): expects 2 input channels; got 4"):
        Sequential([Conv2d(1, 4, 1), Residual([Conv2d(2, 3, 3)])]).output_shapes((1, 8, 8))
    with pytest.raises(TypeError, match=r"block must be a list of layers or a Sequential; got 3"):
        Residual(3)


# ------------------------------------------------------------------------ train / eval
def test_train_and_eval_switch_every_layer_inside_blocks_too():
    """Layers start in training mode; Sequential.eval() and .train() reach inner layers."""
    net = Sequential([Conv2d(1, 2, 3), BatchNorm2d(2), basic_block(2, 2, 1), ReLU()])
    inner = [net[0], net[1], net[3], *net[2].block]
    assert all(layer.training for layer in inner)
    assert net.eval() is net
    assert not any(layer.training for layer in inner)
    net.train()
    assert all(layer.training for layer in inner)
    with pytest.raises(TypeError, match=r"mode must be True or False; got 1"):
        net.train(1)


def test_eval_mode_batchnorm_network_gives_each_sample_its_own_answer():
    """In evaluation mode a sample's output does not depend on the rest of its batch."""
    rng = np.random.default_rng(9)
    net = Sequential([Conv2d(1, 2, 3), BatchNorm2d(2), ReLU(), MaxPool2d(2), Flatten(), Dense(8, 2)])
    net.initialize(1)
    x = rng.standard_normal((4, 1, 6, 6))
    net.forward(x)                            # one training step updates the running statistics
    together = net.eval().forward(x)
    alone = np.stack([net.forward(x[i]) for i in range(4)])
    np.testing.assert_allclose(together, alone, rtol=1e-5)
    assert not np.allclose(net.train().forward(x[:2])[0], net.forward(x[:3])[0])


def test_whole_residual_network_gradient_matches_central_differences_at_the_input():
    """dL/dx through conv, BatchNorm (training), residual blocks, global pooling and dense."""
    rng = np.random.default_rng(10)
    net = Sequential([Conv2d(1, 2, 3, padding=1), BatchNorm2d(2), ReLU6(), basic_block(2, 2, 1),
                      basic_block(2, 3, 2), GlobalAvgPool2d(), Dense(3, 2)])
    float64_net(net, rng)
    x = rng.standard_normal((2, 1, 5, 5)) + 2
    r = rng.standard_normal((2, 2))
    net.forward(x)
    grad = net.backward(r)
    assert rel_error(grad, numerical_grad(lambda: float(np.sum(net.forward(x) * r)), x)) < 1e-6
