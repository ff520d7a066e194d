"""Notebook 09's claims, checked against what cnnviz computes, and its exercise checks."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.datasets import make_shapes
from cnnviz.exercises import nb09
from cnnviz.lessons.backprop import (
    POOL_INPUT, WORKED_INPUT, WORKED_KERNEL, gradient_check, layer_gradients, pool_backward,
    strided_backward,
)
from cnnviz.pretrained import shapes_cnn


# ------------------------------------------------------------------------- section 1
def test_tap_and_pixel_sums():
    """'dW[0, 0] ... the four windows, which hold 0, 1, 3 and 4'; 'the centre pixel lies in all
    four windows, once under each tap ...; the corner pixels lie in one window each'."""
    x, w = WORKED_INPUT.astype(float), WORKED_KERNEL.astype(float)
    gx, gw, _ = cnnviz.conv2d_backward(x[None], w[None, None], np.ones((1, 2, 2)))
    assert sorted(x[i, j] for i in (0, 1) for j in (0, 1)) == [0, 1, 3, 4]
    assert gw[0, 0, 0, 0] == 0 + 1 + 3 + 4
    assert gx[0, 1, 1] == w.sum()
    assert [gx[0, r, c] for r, c in [(0, 0), (0, 2), (2, 0), (2, 2)]] == \
           [w[0, 0], w[0, 1], w[1, 0], w[1, 1]]


# ------------------------------------------------------------------------- section 3
def test_stride_inserts_zeros_and_some_settings_leave_rows_unread():
    """'at stride 1 nothing is inserted, at 3 two zeros go between neighbours'; 'Some settings
    leave the last rows and columns of the padded input unread by any window'."""
    one, three = strided_backward(7, stride=1), strided_backward(7, stride=3)
    assert one.zeros_inserted == 0
    assert np.array_equal(np.argwhere(three.inserted[2])[:2].ravel(), [2, 5])
    unread = [strided_backward(7, stride=s, padding=p).unread for s in (1, 2, 3)
              for p in (0, 1, 2)]
    assert any(unread) and not all(unread)


# ------------------------------------------------------------------------- section 4
def test_pooling_claims():
    """'the 5 at (2, 2) wins all four windows'; window 4 'holds two 7s ... the one in row 2';
    average pooling with overlap: the middle collects more shares than the border."""
    m = np.array([[1., 3, 2, 2], [3, 0, 2, 1], [0, 0, 5, 4], [0, 0, 4, 5]])
    g = np.array([[10., 20], [30, 40]])
    out = cnnviz.max_pool2d_backward(m[None], g[None], 3, stride=1)[0]
    assert out[2, 2] == g.sum() and np.count_nonzero(out) == 1
    s = pool_backward(mode="max", kernel_size=2, stride=2, window=4)
    window = POOL_INPUT[2:4, 0:2]
    assert (window == 7).sum() == 2
    assert s.share[2, 0] == s.grad_out[1, 0] and s.share[3, 1] == 0
    avg = pool_backward(mode="average", kernel_size=3, stride=1)
    assert avg.winners[2:4, 2:4].min() > avg.winners[0, 0]


def test_pooling_has_no_weights():
    """'Neither has weights to learn.'"""
    assert cnnviz.MaxPool2d(2).num_params == 0 and cnnviz.AvgPool2d(2).num_params == 0


# ------------------------------------------------------------------------- section 5
def test_precision_and_the_best_steps():
    """'near the cube root of the dtype's precision (about 1e-16 for float64, 6e-8 for
    float32)'; 'the best step is larger in float32 than in float64'; 'In float32 ... even the
    best step leaves a relative error far above float64's pass mark'."""
    assert np.finfo(np.float64).eps / 2 == pytest.approx(1.1e-16, rel=0.01)
    assert np.finfo(np.float32).eps / 2 == pytest.approx(6e-8, rel=0.01)
    for target in ("conv weights", "input"):
        s = gradient_check(target=target)
        assert s.best("float32") > s.best("float64")
        assert s.error("float32", s.best("float32")) > 10 * 1e-7


# ------------------------------------------------------------------------- section 6
def test_network_backwards():
    """'passes gradient to one pixel in four'; 'the convolution's output keeps fewer still';
    'the shipped network has such a dead channel, and the list above names it'."""
    net = shapes_cnn()
    images, labels = make_shapes(64, seed=8)[:2]
    p = net.forward(images)[np.arange(64), labels]
    k = int(np.argmin(p))
    names, outputs, grads = layer_gradients(net, images[k], labels[k])
    frac = {n: np.mean(g != 0) for n, g in zip(names, grads)}
    assert frac["ReLU-2"] == pytest.approx(0.25) and frac["ReLU-5"] == pytest.approx(0.25)
    assert frac["Conv2d-1"] < frac["ReLU-2"] and frac["Conv2d-4"] < frac["ReLU-5"]
    dead = [c for c in range(8) if not net.grads["Conv2d-1.weight"][c].any()]
    assert dead and all(not outputs[1][c].any() for c in dead)


def test_layer_gradients_match_numerical_differences():
    """The gradient handed to the first layer's output is the slope of the loss (float64 net)."""
    net = cnnviz.Sequential([cnnviz.Conv2d(1, 2, 3), cnnviz.ReLU(), cnnviz.Flatten(),
                             cnnviz.Dense(2 * 4 * 4, 3), cnnviz.Softmax()]).initialize(seed=0)
    for name, value in net.parameters().items():
        layer = net.layers[int(name.split("-")[1].split(".")[0]) - 1]
        setattr(layer, name.split(".")[1], np.asarray(value, np.float64))
    image = np.random.default_rng(0).normal(size=(1, 6, 6))
    names, outputs, grads = layer_gradients(net, image, 2)

    def loss(z):                               # from the first layer's output on
        h = z[None]
        for layer in net.layers[1:]:
            h = layer.forward(h)
        return -np.log(h[0, 2])

    assert np.allclose(grads[0], cnnviz.numerical_gradient(loss, outputs[0].astype(np.float64)),
                       rtol=1e-3, atol=1e-6)


# ------------------------------------------------------------------------- exercises
def good_conv_backward(x, kernel, g):
    dx, dw = np.zeros_like(x, dtype=float), np.zeros_like(kernel, dtype=float)
    kh, kw = kernel.shape
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            dw += x[i:i + kh, j:j + kw] * g[i, j]
            dx[i:i + kh, j:j + kw] += kernel * g[i, j]
    return dx, dw


def good_mask(x, k):
    mask = np.zeros(x.shape, bool)
    for i in range(x.shape[0] // k):
        for j in range(x.shape[1] // k):
            r, c = divmod(int(np.argmax(x[i * k:(i + 1) * k, j * k:(j + 1) * k])), k)
            mask[i * k + r, j * k + c] = True
    return mask


def test_code_exercises_accept_a_right_answer(capsys):
    """Correct loops and a correct mask pass their checks."""
    nb09.conv_backward(good_conv_backward)
    nb09.max_pool_mask(good_mask)
    assert capsys.readouterr().out.count("Correct") == 3


def test_code_exercises_catch_plausible_bugs():
    """A dx with the kernel not flipped, a dW with x and g swapped, a mask taking the last of
    tied maxima: each fails, showing its input."""
    def flipped(x, kernel, g):
        dx, dw = good_conv_backward(x, kernel, g)
        return good_conv_backward(x, kernel[::-1, ::-1], g)[0], dw

    def last_tie(x, k):
        return good_mask(x[::-1, ::-1], k)[::-1, ::-1]

    with pytest.raises(CheckError, match="your dx differs"):
        nb09.conv_backward(flipped)
    with pytest.raises(CheckError, match="your dW"):
        nb09.conv_backward(lambda x, k, g: (good_conv_backward(x, k, g)[0], k))
    with pytest.raises(CheckError, match="your mask differs"):
        nb09.max_pool_mask(last_tie)
    with pytest.raises(CheckError, match="pair"):
        nb09.conv_backward(lambda x, k, g: good_conv_backward(x, k, g)[0])


def test_value_exercises(capsys):
    """The dW entry and the float32 step: right answers pass, wrong ones fail with the
    expected value; the entry equals the loops' sum."""
    x, g = nb09.DW_INPUT, nb09.DW_GRAD
    by_hand = sum(x[i + 1, j] * g[i, j] for i in range(3) for j in range(3))
    assert nb09.ANSWERS["dw_entry"]() == by_hand
    nb09.dw_entry(by_hand)
    with pytest.raises(CheckError, match=f"expected: {by_hand}"):
        nb09.dw_entry(by_hand + 1)
    errors = nb09.float32_errors()
    best = min(errors, key=errors.get)
    assert nb09.ANSWERS["best_float32_eps"]() == best
    nb09.best_float32_eps(best)
    with pytest.raises(CheckError, match=f"expected: {best}"):
        nb09.best_float32_eps(-6)
    with pytest.raises(CheckError):
        nb09.best_float32_eps(0.01)                  # the step itself, not its exponent
    nb09.best_float32_eps(...)
    assert "Not tried yet" in capsys.readouterr().out


def test_float32_case_gradient_is_exact():
    """The exact gradient of exercise 4 agrees with float64 central differences."""
    f, x, exact = nb09.float32_case()

    def f64(v):
        return float(np.sum(np.tanh(v) * v) / v.size)

    assert x.dtype == np.float32
    assert np.allclose(cnnviz.numerical_gradient(f64, x.astype(np.float64)), exact, rtol=1e-7)
