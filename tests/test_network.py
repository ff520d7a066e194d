"""Forward and backward passes of the layers, the loss and Sequential.

Every gradient is checked against central differences in float64, and against
PyTorch's autograd where PyTorch is installed.
"""

import numpy as np
import pytest

from cnnviz.convolution import (
    col2im, conv2d, conv2d_backward, conv2d_backward_naive, im2col, resolve_padding,
)
from cnnviz.layers import (
    AvgPool2d, Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax,
)
from cnnviz.losses import CrossEntropyLoss, cross_entropy, log_softmax, softmax
from cnnviz.pooling import avg_pool2d, max_pool2d


# ------------------------------------------------------------------------------ helpers
def rel_error(a, b):
    """Relative error of two arrays, ||a - b|| / (||a|| + ||b||)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else np.linalg.norm(a - b) / denom


def numerical_grad(f, x, eps=1e-6):
    """Central differences of the scalar function ``f()`` with respect to array ``x``, in place."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def float64_layer(layer, rng):
    """Initialise ``layer`` and turn its weights into float64 for gradient checks."""
    layer.initialize(rng)
    for name, value in layer.parameters().items():
        setattr(layer, name, rng.standard_normal(value.shape))
    return layer


def check_layer_gradients(layer, x, rng, tol=1e-6):
    """dL/dx and every dL/dparam of ``L = sum(forward(x) * r)`` against central differences."""
    out = layer.forward(x)
    r = rng.standard_normal(out.shape)
    grad_x = layer.backward(r)
    grads = dict(layer.grads)

    def loss():
        return float(np.sum(layer.forward(x) * r))

    assert grad_x.shape == x.shape
    assert rel_error(grad_x, numerical_grad(loss, x)) < tol
    assert set(grads) == set(layer.parameters())
    for name, value in layer.parameters().items():
        assert grads[name].shape == value.shape
        assert rel_error(grads[name], numerical_grad(loss, value)) < tol, name


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed; skipping the autograd comparison")


# ------------------------------------------------------------------------- convolution
CONV_CASES = [
    # (H, W, kernel, stride, padding, dilation)
    (5, 6, 3, 1, 0, 1),
    (7, 6, 3, 2, 1, 1),
    (6, 7, (2, 3), (2, 1), (1, 2), 1),
    (7, 7, 3, 1, "same", 2),
    (6, 5, 4, 1, "same", 1),
    (7, 8, 3, 3, "valid", 1),
    (8, 7, (3, 2), 2, ((1, 0), (2, 1)), (2, 1)),
]


@pytest.mark.parametrize("H, W, k, s, p, d", CONV_CASES)
def test_conv2d_layer_gradients_match_central_differences(H, W, k, s, p, d):
    """Conv2d's dx, dW and db agree with central differences for strides, paddings, dilations."""
    rng = np.random.default_rng(H * 100 + W)
    layer = float64_layer(Conv2d(2, 3, k, stride=s, padding=p, dilation=d), rng)
    check_layer_gradients(layer, rng.standard_normal((2, 2, H, W)), rng)


def test_conv2d_layer_without_bias_has_no_bias_gradient():
    """A bias-free Conv2d reports only a weight gradient, and it is still right."""
    rng = np.random.default_rng(1)
    layer = float64_layer(Conv2d(1, 2, 3, bias=False), rng)
    check_layer_gradients(layer, rng.standard_normal((1, 1, 5, 5)), rng)
    assert set(layer.grads) == {"weight"}


@pytest.mark.parametrize("H, W, k, s, p, d", CONV_CASES)
def test_conv2d_backward_matches_the_loop_version(H, W, k, s, p, d):
    """The vectorised conv2d_backward equals the loops of conv2d_backward_naive."""
    rng = np.random.default_rng(7)
    kh, kw = (k, k) if isinstance(k, int) else k
    x, w = rng.standard_normal((2, 3, H, W)), rng.standard_normal((4, 3, kh, kw))
    g = rng.standard_normal(conv2d(x, w, stride=s, padding=p, dilation=d).shape)
    fast = conv2d_backward(x, w, g, stride=s, padding=p, dilation=d)
    slow = conv2d_backward_naive(x, w, g, stride=s, padding=p, dilation=d)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("H, W, k, s, p, d", CONV_CASES)
def test_conv2d_layer_matches_torch_autograd(H, W, k, s, p, d):
    """Conv2d forward and all three gradients equal PyTorch's, asymmetric "same" padding included."""
    torch = torch_or_skip()
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    layer = float64_layer(Conv2d(3, 4, k, stride=s, padding=p, dilation=d), rng)
    x = rng.standard_normal((2, 3, H, W))
    out = layer.forward(x)
    g = rng.standard_normal(out.shape)
    grad_x = layer.backward(g)
    (t, b), (left, right) = resolve_padding(p, layer.kernel_size, stride=layer.stride,
                                            dilation=layer.dilation)
    X = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.weight, requires_grad=True)
    B = torch.tensor(layer.bias, requires_grad=True)
    ref = F.conv2d(F.pad(X, (left, right, t, b)), Wt, B, stride=layer.stride, dilation=layer.dilation)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_x, X.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["weight"], Wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], B.grad.numpy(), atol=1e-12)


GROUPED_CASES = [
    # (C_in, C_out, groups, H, W, kernel, stride, padding, dilation)
    (4, 6, 2, 6, 7, 3, 1, 1, 1),
    (6, 6, 3, 7, 6, (2, 3), (2, 1), (1, 2), 1),
    (3, 3, 3, 8, 7, 3, 2, "valid", 2),          # depthwise
    (4, 8, 4, 6, 6, 3, 1, "same", 1),           # depthwise with a multiplier of 2
    (6, 4, 2, 7, 8, (3, 2), 2, ((1, 0), (2, 1)), (2, 1)),
]


@pytest.mark.parametrize("cin, cout, groups, H, W, k, s, p, d", GROUPED_CASES)
def test_grouped_conv2d_layer_gradients_match_central_differences(cin, cout, groups, H, W, k, s, p, d):
    """A grouped Conv2d's dx, dW and db agree with central differences in float64."""
    rng = np.random.default_rng(cin * 10 + groups)
    layer = float64_layer(Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=groups), rng)
    assert layer.weight.shape[1] == cin // groups
    check_layer_gradients(layer, rng.standard_normal((2, cin, H, W)), rng)


@pytest.mark.parametrize("cin, cout, groups, H, W, k, s, p, d", GROUPED_CASES)
def test_grouped_conv2d_backward_matches_the_loop_version(cin, cout, groups, H, W, k, s, p, d):
    """conv2d_backward(groups=) equals the loops of conv2d_backward_naive(groups=) and the layer."""
    rng = np.random.default_rng(11)
    kh, kw = (k, k) if isinstance(k, int) else k
    x, w = rng.standard_normal((2, cin, H, W)), rng.standard_normal((cout, cin // groups, kh, kw))
    opts = dict(stride=s, padding=p, dilation=d, groups=groups)
    g = rng.standard_normal(conv2d(x, w, **opts).shape)
    fast = conv2d_backward(x, w, g, **opts)
    slow = conv2d_backward_naive(x, w, g, **opts)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    layer = Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=groups, bias=False)
    layer.weight = w
    layer.forward(x)
    np.testing.assert_allclose(layer.backward(g), fast[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["weight"], fast[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cin, cout, groups, H, W, k, s, p, d", GROUPED_CASES)
def test_grouped_conv2d_layer_matches_torch_autograd(cin, cout, groups, H, W, k, s, p, d):
    """A grouped Conv2d's output and its three gradients equal PyTorch's with the same groups."""
    torch = torch_or_skip()
    F = torch.nn.functional
    rng = np.random.default_rng(13)
    layer = float64_layer(Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=groups), rng)
    x = rng.standard_normal((2, cin, H, W))
    out = layer.forward(x)
    g = rng.standard_normal(out.shape)
    grad_x = layer.backward(g)
    (t, b), (left, right) = resolve_padding(p, layer.kernel_size, stride=layer.stride,
                                            dilation=layer.dilation)
    X = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.weight, requires_grad=True)
    B = torch.tensor(layer.bias, requires_grad=True)
    ref = F.conv2d(F.pad(X, (left, right, t, b)), Wt, B, stride=layer.stride,
                   dilation=layer.dilation, groups=groups)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_x, X.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["weight"], Wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], B.grad.numpy(), atol=1e-12)


def test_conv2d_input_gradient_is_a_full_convolution_with_the_rotated_kernel():
    """At stride 1, dX = full convolution of dZ with the 180-degree-rotated kernel (channels swapped)."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    g = rng.standard_normal(conv2d(x, w).shape)
    grad_x = conv2d_backward(x, w, g)[0]
    rotated = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    np.testing.assert_allclose(grad_x, conv2d(g, rotated, padding="full"), atol=1e-12)


def test_conv2d_weight_gradient_is_a_correlation_of_input_with_output_gradient():
    """dW[o, c] = correlation of input channel c with dZ[o], summed over the batch."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    g = rng.standard_normal(conv2d(x, w).shape)
    grad_w = conv2d_backward(x, w, g)[1]
    # Treat the batch as channels: input channels c see each sample's dZ as a filter.
    expected = conv2d(x.transpose(1, 0, 2, 3), g.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    np.testing.assert_allclose(grad_w, expected, atol=1e-12)


def test_conv2d_backward_accepts_a_single_sample():
    """An unbatched (C, H, W) input gives an unbatched input gradient."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    g = rng.standard_normal((3, 3, 3))
    gx, gw, gb = conv2d_backward(x, w, g)
    bx, bw, bb = conv2d_backward(x[None], w, g[None])
    assert gx.shape == (2, 5, 5)
    np.testing.assert_allclose(gx, bx[0])
    np.testing.assert_allclose(gw, bw)


@pytest.mark.parametrize("stride, dilation", [((1, 1), (1, 1)), ((2, 1), (1, 2)), ((3, 2), (2, 1))])
def test_col2im_is_the_adjoint_of_im2col(stride, dilation):
    """<im2col(x), c> == <x, col2im(c)>, the property that makes it the backward of im2col."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 9, 8))
    cols = im2col(x, (3, 2), stride=stride, dilation=dilation)
    c = rng.standard_normal(cols.shape)
    folded = col2im(c, x.shape, (3, 2), stride=stride, dilation=dilation)
    assert folded.shape == x.shape
    np.testing.assert_allclose(np.sum(cols * c), np.sum(x * folded))


def test_col2im_counts_window_coverage():
    """Folding columns of ones counts how many windows cover each pixel."""
    covered = col2im(np.ones((1, 9, 4)), (1, 1, 4, 4), (3, 3))
    np.testing.assert_array_equal(covered[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


def test_col2im_rejects_columns_of_the_wrong_shape():
    """col2im names the expected column shape."""
    with pytest.raises(ValueError, match=r"cols must have shape \(1, 9, 4\) .*; got \(1, 9, 5\)"):
        col2im(np.ones((1, 9, 5)), (1, 1, 4, 4), (3, 3))


def test_conv2d_backward_rejects_a_gradient_of_the_wrong_shape():
    """conv2d_backward names the output shape grad_out must have."""
    with pytest.raises(ValueError, match=r"grad_out must have the shape of the convolution's output \(1, 2, 3, 3\); got \(1, 2, 4, 4\)"):
        conv2d_backward(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), np.ones((1, 2, 4, 4)))


# ----------------------------------------------------------------------------- pooling
POOL_CASES = [
    # (H, W, kernel, stride, padding, ceil_mode)
    (4, 6, 2, None, 0, False),
    (5, 5, 3, 2, 1, False),      # overlapping windows: a pixel can win twice
    (7, 6, 3, 1, 0, False),      # heavy overlap
    (5, 7, (2, 3), (2, 2), (1, 1), True),
    (6, 5, 2, None, 0, True),
]


@pytest.mark.parametrize("H, W, k, s, p, ceil", POOL_CASES)
def test_max_pool_gradient_matches_central_differences(H, W, k, s, p, ceil):
    """MaxPool2d routes gradients through the winners, overlaps and ceil mode included."""
    rng = np.random.default_rng(H * 10 + W)
    layer = MaxPool2d(k, stride=s, padding=p, ceil_mode=ceil)
    check_layer_gradients(layer, rng.standard_normal((2, 3, H, W)), rng)


@pytest.mark.parametrize("include_pad", [True, False])
@pytest.mark.parametrize("H, W, k, s, p, ceil", POOL_CASES)
def test_avg_pool_gradient_matches_central_differences(H, W, k, s, p, ceil, include_pad):
    """AvgPool2d shares each gradient over its window with the window's own divisor."""
    rng = np.random.default_rng(H * 10 + W)
    layer = AvgPool2d(k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=include_pad)
    check_layer_gradients(layer, rng.standard_normal((2, 2, H, W)), rng)


def test_max_pool_overlapping_winner_collects_every_gradient():
    """A pixel that wins three overlapping windows receives the sum of their gradients."""
    x = np.zeros((1, 1, 3, 5))
    x[0, 0, 1, 2] = 9.0                       # the peak sits in all three 3x3 windows (stride 1)
    layer = MaxPool2d(3, stride=1)
    out = layer.forward(x)
    assert out.shape == (1, 1, 1, 3)
    grad = layer.backward(np.array([[[[1.0, 10.0, 100.0]]]]))
    expected = np.zeros((1, 1, 3, 5))
    expected[0, 0, 1, 2] = 111.0
    np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("H, W, k, s, p, ceil", POOL_CASES)
def test_pool_layers_match_torch_autograd(H, W, k, s, p, ceil):
    """Max and average pooling gradients equal PyTorch's."""
    torch = torch_or_skip()
    F = torch.nn.functional
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, H, W))
    for layer, ref_fn in [
        (MaxPool2d(k, stride=s, padding=p, ceil_mode=ceil), F.max_pool2d),
        (AvgPool2d(k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=False),
         lambda *a, **kw: F.avg_pool2d(*a, count_include_pad=False, **kw)),
    ]:
        out = layer.forward(x)
        g = rng.standard_normal(out.shape)
        grad = layer.backward(g)
        X = torch.tensor(x, requires_grad=True)
        ref = ref_fn(X, layer.kernel_size, stride=layer.stride, padding=layer.padding, ceil_mode=ceil)
        ref.backward(torch.tensor(g))
        np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(grad, X.grad.numpy(), atol=1e-12)


def test_pool_layer_forward_equals_the_pooling_functions():
    """The layers compute exactly what max_pool2d and avg_pool2d compute."""
    x = np.random.default_rng(12).standard_normal((2, 3, 7, 7))
    np.testing.assert_array_equal(MaxPool2d(3, stride=2).forward(x), max_pool2d(x, 3, stride=2))
    np.testing.assert_array_equal(AvgPool2d(2).forward(x), avg_pool2d(x, 2))


# --------------------------------------------------------- ReLU, Flatten, Dense, Softmax
@pytest.mark.parametrize("make, shape", [
    (ReLU, (2, 3, 4, 4)),
    (Flatten, (2, 3, 2, 2)),
    (Softmax, (3, 5)),
    (lambda: Dense(6, 4), (3, 6)),
    (lambda: Dense(5, 2, bias=False), (4, 5)),
])
def test_simple_layer_gradients_match_central_differences(make, shape):
    """ReLU, Flatten, Softmax and Dense gradients agree with central differences."""
    rng = np.random.default_rng(len(shape) * 7 + shape[-1])
    layer = float64_layer(make(), rng)
    check_layer_gradients(layer, rng.standard_normal(shape), rng)


def test_simple_layers_match_torch_autograd():
    """Dense, ReLU and Softmax gradients equal PyTorch's."""
    torch = torch_or_skip()
    rng = np.random.default_rng(13)
    x = rng.standard_normal((4, 6))
    dense = float64_layer(Dense(6, 3), rng)
    relu, soft = ReLU(), Softmax()
    out = soft.forward(relu.forward(dense.forward(x)))
    g = rng.standard_normal(out.shape)
    grad_x = dense.backward(relu.backward(soft.backward(g)))
    X = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(dense.weight, requires_grad=True)
    B = torch.tensor(dense.bias, requires_grad=True)
    ref = torch.softmax(torch.relu(X @ Wt.T + B), dim=-1)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_x, X.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dense.grads["weight"], Wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dense.grads["bias"], B.grad.numpy(), atol=1e-12)


def test_relu_passes_gradient_only_where_the_input_was_positive():
    """ReLU's gradient is the output gradient masked by x > 0 (0 at exactly 0)."""
    relu = ReLU()
    relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(relu.backward(np.array([[5.0, 5.0, 5.0]])), [[0.0, 0.0, 5.0]])


def test_layers_accept_a_single_sample():
    """Conv2d, pooling and Dense take one sample without the batch axis and answer in kind."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal((2, 6, 6))
    for layer in (float64_layer(Conv2d(2, 3, 3), rng), MaxPool2d(2), AvgPool2d(2)):
        single = layer.forward(x)
        grad = layer.backward(np.ones_like(single))
        batch = layer.forward(x[None])
        np.testing.assert_allclose(single, batch[0])
        np.testing.assert_allclose(grad, layer.backward(np.ones_like(batch))[0])
    dense = float64_layer(Dense(4, 2), rng)
    v = rng.standard_normal(4)
    np.testing.assert_allclose(dense.forward(v), dense.forward(v[None])[0])


def test_float32_stays_float32():
    """float32 inputs and weights give float32 outputs and gradients (training speed)."""
    net = Sequential([Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Dense(8, 3),
                      Softmax()]).initialize(seed=0)
    out = net.forward(np.ones((2, 1, 4, 4), np.float32))
    grad = net.backward(np.ones_like(out))
    assert out.dtype == grad.dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.grads.values())


# ------------------------------------------------------------------------------- losses
def test_cross_entropy_gradient_matches_central_differences():
    """CrossEntropyLoss.backward equals the numerical gradient of the mean loss."""
    rng = np.random.default_rng(15)
    z, y = rng.standard_normal((5, 4)) * 3, np.array([0, 3, 1, 1, 2])
    loss_fn = CrossEntropyLoss()
    loss_fn.forward(z, y)
    assert rel_error(loss_fn.backward(), numerical_grad(lambda: cross_entropy(z, y), z)) < 1e-6


def test_cross_entropy_matches_torch():
    """Loss and logit gradient equal torch.nn.functional.cross_entropy."""
    torch = torch_or_skip()
    rng = np.random.default_rng(16)
    z, y = rng.standard_normal((6, 4)) * 5, rng.integers(0, 4, 6)
    loss_fn = CrossEntropyLoss()
    loss = loss_fn.forward(z, y)
    Z = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(Z, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), abs=1e-12)
    np.testing.assert_allclose(loss_fn.backward(), Z.grad.numpy(), atol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    """Logits of 1e4 neither overflow nor produce NaN; the gradient stays (p - onehot) / N."""
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]])
    loss_fn = CrossEntropyLoss()
    assert loss_fn.forward(z, [0, 0]) == pytest.approx(1e4 / 2)
    np.testing.assert_allclose(loss_fn.backward(), [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]])
    assert np.all(np.isfinite(log_softmax(z)))


def test_softmax_layer_with_probability_loss_equals_the_logit_loss():
    """Softmax + CrossEntropyLoss(from_probabilities=True) gives the logit path's loss and gradient."""
    rng = np.random.default_rng(17)
    z, y = rng.standard_normal((5, 3)) * 2, rng.integers(0, 3, 5)
    fused = CrossEntropyLoss()
    loss = fused.forward(z, y)
    layer, probs = Softmax(), CrossEntropyLoss(from_probabilities=True)
    assert probs.forward(layer.forward(z), y) == pytest.approx(loss, abs=1e-12)
    np.testing.assert_allclose(layer.backward(probs.backward()), fused.backward(), atol=1e-12)
    np.testing.assert_allclose(fused.backward(), (softmax(z) - np.eye(3)[y]) / 5, atol=1e-12)


def test_cross_entropy_of_a_single_sample():
    """A (K,) score vector with an int label works and gives a (K,) gradient."""
    loss_fn = CrossEntropyLoss()
    assert loss_fn.forward(np.zeros(4), 2) == pytest.approx(np.log(4))
    np.testing.assert_allclose(loss_fn.backward(), [0.25, 0.25, -0.75, 0.25])


@pytest.mark.parametrize("labels, error, message", [
    ([0, 4], ValueError, r"labels must be class indices from 0 to 3; got 4"),
    ([0, -1], ValueError, r"labels must be class indices from 0 to 3; got -1"),
    ([0.0, 1.0], TypeError, r"labels must be integer class indices; got .* of dtype float64"),
    ([0, 1, 2], ValueError, r"labels must have shape \(2,\), one per sample; got \(3,\)"),
])
def test_cross_entropy_rejects_bad_labels(labels, error, message):
    """Bad labels name the parameter, the value and the valid range."""
    with pytest.raises(error, match=message):
        cross_entropy(np.zeros((2, 4)), labels)


def test_probability_loss_rejects_logits():
    """from_probabilities=True refuses scores outside [0, 1] and says to pass logits instead."""
    with pytest.raises(ValueError, match=r"probabilities must lie between 0 and 1 \(pass logits"):
        CrossEntropyLoss(from_probabilities=True).forward([[2.0, -1.0]], [0])


@pytest.mark.parametrize("eps", [0.02, 0.1, 0.5])
def test_label_smoothing_matches_torch(eps):
    """Loss and gradient with label smoothing equal torch's cross_entropy(label_smoothing=eps)."""
    torch = torch_or_skip()
    rng = np.random.default_rng(18)
    z, y = rng.standard_normal((7, 4)) * 4, rng.integers(0, 4, 7)
    loss_fn = CrossEntropyLoss(label_smoothing=eps)
    loss = loss_fn.forward(z, y)
    Z = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(Z, torch.tensor(y), label_smoothing=eps)
    ref.backward()
    assert loss == pytest.approx(ref.item(), abs=1e-12)
    np.testing.assert_allclose(loss_fn.backward(), Z.grad.numpy(), atol=1e-12)


def test_label_smoothing_equals_cross_entropy_with_soft_targets():
    """The smoothed loss is -mean sum_k t_k log p_k with t = (1 - eps) onehot + eps / K, by loops."""
    rng = np.random.default_rng(19)
    eps, z, y = 0.1, rng.standard_normal((5, 3)) * 3, rng.integers(0, 3, 5)
    expected = 0.0
    for n in range(5):
        logp = z[n] - np.log(np.sum(np.exp(z[n])))
        for k in range(3):
            target = (1 - eps) * (k == y[n]) + eps / 3
            expected -= target * logp[k] / 5
    loss_fn = CrossEntropyLoss(label_smoothing=eps)
    assert loss_fn.forward(z, y) == pytest.approx(expected, abs=1e-12)
    assert rel_error(loss_fn.backward(),
                     numerical_grad(lambda: CrossEntropyLoss(label_smoothing=eps).forward(z, y), z)) < 1e-6


@pytest.mark.parametrize("kwargs, message", [
    ({"label_smoothing": 1.0}, r"label_smoothing must be a number from 0 up to \(not including\) 1; got 1.0"),
    ({"label_smoothing": -0.1}, r"label_smoothing must be a number from 0 up to \(not including\) 1; got -0.1"),
    ({"label_smoothing": 0.1, "from_probabilities": True}, r"label_smoothing works on logits"),
])
def test_label_smoothing_rejects_bad_settings(kwargs, message):
    """A smoothing outside [0, 1), or on probabilities, is refused with the value."""
    with pytest.raises(ValueError, match=message):
        CrossEntropyLoss(**kwargs)


def test_loss_backward_before_forward_is_explained():
    """Calling backward first says to call forward."""
    with pytest.raises(ValueError, match=r"call forward\(scores, labels\) first"):
        CrossEntropyLoss().backward()


# ---------------------------------------------------------------------------- Sequential
def tiny_cnn():
    return Sequential([
        Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2),
        Conv2d(2, 3, 3, stride=2, padding="valid"), ReLU(), AvgPool2d(1),
        Flatten(), Dense(3 * 1 * 1, 3),
    ])


def test_whole_network_gradients_match_central_differences():
    """Backprop through conv, ReLU, both pools, flatten, dense and the loss agrees with differences."""
    rng = np.random.default_rng(18)
    net = tiny_cnn().initialize(seed=1)
    for name, value in net.parameters().items():
        value = rng.standard_normal(value.shape)
        net.load_parameters({**net.parameters(), name: value})
    x, y = rng.standard_normal((3, 1, 6, 6)), np.array([0, 2, 1])
    loss_fn = CrossEntropyLoss()
    loss_fn.forward(net.forward(x), y)
    grad_x = net.backward(loss_fn.backward())
    grads = net.grads
    params = net.parameters()

    def loss():
        return cross_entropy(net.forward(x), y)

    assert rel_error(grad_x, numerical_grad(loss, x)) < 1e-6
    assert list(grads) == list(params)
    for name, value in params.items():
        assert rel_error(grads[name], numerical_grad(loss, value)) < 1e-6, name


def test_forward_return_all_lists_every_layer_output():
    """return_all=True gives one output per layer, with the shapes of summary()."""
    net = tiny_cnn().initialize(seed=0)
    outs = net.forward(np.zeros((4, 1, 6, 6)), return_all=True)
    assert len(outs) == len(net)
    assert [o.shape[1:] for o in outs] == net.output_shapes((1, 6, 6))
    np.testing.assert_array_equal(outs[-1], net.forward(np.zeros((4, 1, 6, 6))))


def test_sequential_accepts_a_single_sample():
    """An unbatched (C, H, W) image goes through, and so does its gradient."""
    net = tiny_cnn().initialize(seed=0)
    x = np.random.default_rng(19).standard_normal((1, 6, 6))
    out = net.forward(x)
    assert out.shape == (3,)
    grad = net.backward(np.ones(3))
    assert grad.shape == (1, 6, 6)
    np.testing.assert_allclose(out, net.forward(x[None])[0])
    np.testing.assert_allclose(grad, net.backward(np.ones((1, 3)))[0])


def test_load_parameters_round_trips_and_copies():
    """load_parameters(parameters()) reproduces the outputs and does not share arrays."""
    a, b = tiny_cnn().initialize(seed=0), tiny_cnn().initialize(seed=1)
    x = np.random.default_rng(20).standard_normal((2, 1, 6, 6))
    b.load_parameters(a.parameters())
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    a.parameters()["Conv2d-1.weight"][...] = 0.0
    assert np.any(b.parameters()["Conv2d-1.weight"] != 0.0)


def test_load_parameters_rejects_the_wrong_architecture():
    """Missing, unexpected or misshapen arrays are named."""
    net = Sequential([Dense(2, 1)])
    with pytest.raises(ValueError, match=r"missing \['Dense-1.bias'\], unexpected \['Dense-2.bias'\]"):
        net.load_parameters({"Dense-1.weight": np.zeros((1, 2)), "Dense-2.bias": np.zeros(1)})
    with pytest.raises(ValueError, match=r"params\['Dense-1.weight'\] must have shape \(1, 2\); got \(2, 1\)"):
        net.load_parameters({"Dense-1.weight": np.zeros((2, 1)), "Dense-1.bias": np.zeros(1)})
    with pytest.raises(TypeError, match=r"params must be a mapping of names to arrays; got \[1, 2\]"):
        net.load_parameters([1, 2])


def test_forward_without_weights_tells_the_learner_to_initialize():
    """An uninitialised network or layer names the layer and the call that fixes it."""
    with pytest.raises(ValueError, match=r"layer 1, Conv2d\(1, 2, kernel_size=3, padding=1\), has no weights yet: call initialize\(seed\)"):
        tiny_cnn().forward(np.zeros((1, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"Dense\(3, 2\) has no weights yet: call its initialize\(rng\)"):
        Dense(3, 2).forward(np.zeros((1, 3)))


def test_backward_before_forward_is_explained():
    """backward without a forward pass says to call forward first."""
    with pytest.raises(ValueError, match=r"ReLU\(\): backward needs the values of a forward pass; call forward\(x\) first"):
        ReLU().backward(np.zeros(3))
    with pytest.raises(ValueError, match=r"call forward\(x\) first"):
        tiny_cnn().initialize(seed=0).backward(np.zeros((1, 3)))


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    """grad_out must match the last output; the message names both shapes and the layer."""
    net = tiny_cnn().initialize(seed=0)
    net.forward(np.zeros((2, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"layer 8, Dense\(3, 3\): grad_out must have the shape of the layer's last output \(2, 3\); got \(2, 4\)"):
        net.backward(np.zeros((2, 4)))


def test_forward_rejects_mismatched_inputs():
    """Wrong channel counts and unflattened inputs get the summary's explanations."""
    net = tiny_cnn().initialize(seed=0)
    with pytest.raises(ValueError, match=r"layer 1, Conv2d\(.*\): expects 1 input channels; got 3"):
        net.forward(np.zeros((2, 3, 6, 6)))
    with pytest.raises(ValueError, match=r"expects 3 input features; got 4 .*add a Flatten layer"):
        Sequential([Dense(3, 2)]).initialize(0).forward(np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"expects 3 input features; got 5 \(input shape \(2, 4, 5\); add a Flatten"):
        Sequential([Dense(3, 2)]).initialize(0).forward(np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"x must be a batch with a first axis N"):
        Flatten().forward(np.zeros(5))
    with pytest.raises(TypeError, match=r"return_all must be True or False; got 'yes'"):
        net.forward(np.zeros((1, 1, 6, 6)), return_all="yes")
