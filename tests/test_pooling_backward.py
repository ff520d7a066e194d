"""Tests for max_pool2d_backward and avg_pool2d_backward.

References: plain loops written here from PyTorch's CPU kernels (each output's
gradient sent back one window at a time), cnnviz.numerical_gradient (always), and
PyTorch's autograd where installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz.layers import AvgPool2d, MaxPool2d


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch is not installed; skipping the comparison with its autograd")


# ------------------------------------------------------------------ plain-loop reference
def out_size(n, k, s, p, ceil_mode):
    """PyTorch's pooling_output_shape, written out."""
    room = n + 2 * p - k
    out = (-(-room // s) if ceil_mode else room // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside
        out -= 1
    return out


def windows(H, W, kernel, stride, padding, ceil_mode):
    """Every window as (i, j, rows, cols, padded area): its pixels clipped to the input."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    for i in range(out_size(H, kh, sh, ph, ceil_mode)):
        for j in range(out_size(W, kw, sw, pw, ceil_mode)):
            h0, w0 = i * sh - ph, j * sw - pw
            h1, w1 = min(h0 + kh, H + ph), min(w0 + kw, W + pw)
            area = (h1 - h0) * (w1 - w0)        # cut at the far edge of the padding
            yield i, j, range(max(h0, 0), min(h1, H)), range(max(w0, 0), min(w1, W)), area


def loop_max_backward(x, g, kernel, stride, padding, ceil_mode):
    """Each output's gradient added onto its window's winner: the first maximum in
    row-major order, a NaN beating everything (the last NaN of several)."""
    *lead, H, W = x.shape
    planes, gplanes = x.reshape(-1, H, W), g.reshape(-1, *g.shape[-2:])
    grad = np.zeros(planes.shape)
    for c, plane in enumerate(planes):
        for i, j, rows, cols, _ in windows(H, W, kernel, stride, padding, ceil_mode):
            best, where = -np.inf, (rows[0], cols[0])
            for r in rows:
                for q in cols:
                    if plane[r, q] > best or np.isnan(plane[r, q]):
                        best, where = plane[r, q], (r, q)
            grad[c][where] += gplanes[c, i, j]
    return grad.reshape(x.shape)


def loop_avg_backward(x, g, kernel, stride, padding, ceil_mode, count_include_pad):
    """Each output's gradient divided by its window's divisor and added onto every pixel."""
    *lead, H, W = x.shape
    gplanes = g.reshape(-1, *g.shape[-2:])
    grad = np.zeros((gplanes.shape[0], H, W))
    for c in range(gplanes.shape[0]):
        for i, j, rows, cols, area in windows(H, W, kernel, stride, padding, ceil_mode):
            divisor = area if count_include_pad else len(rows) * len(cols)
            for r in rows:
                for q in cols:
                    grad[c, r, q] += gplanes[c, i, j] / divisor
    return grad.reshape(x.shape)


# ---------------------------------------------------------------------- random cases
def pool_cases(seed, count):
    """Seeded settings PyTorch accepts: kernels 1-4, default or given strides 1-3, padding
    up to k // 2, ceil mode on or off, (C, H, W) or (N, C, H, W) inputs of 1-10 pixels."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kernel = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride = None if rng.integers(0, 4) == 0 else (int(rng.integers(1, 4)),
                                                         int(rng.integers(1, 4)))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        ceil_mode = bool(rng.integers(0, 2))
        H, W = (int(v) for v in rng.integers(1, 11, size=2))
        s = kernel if stride is None else stride
        if min(out_size(H, kernel[0], s[0], padding[0], ceil_mode),
               out_size(W, kernel[1], s[1], padding[1], ceil_mode)) < 1:
            continue  # no window fits: refused, tested below
        lead = (int(rng.integers(1, 3)), int(rng.integers(1, 4)))
        shape = (*lead, H, W) if rng.integers(0, 2) else (lead[1], H, W)
        cases.append(dict(shape=shape, kernel=kernel, stride=stride, padding=padding,
                          ceil_mode=ceil_mode, seed=int(rng.integers(2**31))))
    return cases


CASES = pool_cases(seed=111, count=40)


def case_id(case):
    return (f"x{'x'.join(map(str, case['shape']))}-k{case['kernel']}-s{case['stride']}"
            f"-p{case['padding']}{'-ceil' if case['ceil_mode'] else ''}").replace(" ", "")


def options(case):
    return dict(stride=case["stride"], padding=case["padding"], ceil_mode=case["ceil_mode"])


def strides(case):
    return case["kernel"] if case["stride"] is None else case["stride"]


def inputs(case):
    """x with distinct values at least 0.1 apart (no ties, so a nudge of eps never changes
    a window's winner) and a random output gradient g."""
    rng = np.random.default_rng(case["seed"])
    size = int(np.prod(case["shape"]))
    x = (rng.permutation(size) * 0.1 - size * 0.05).reshape(case["shape"])
    out = cnnviz.max_pool2d(x, case["kernel"], **options(case))
    return x, rng.standard_normal(out.shape)


# -------------------------------------------------------------------------- max pooling
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_max_pool2d_backward_matches_loops(case):
    """max_pool2d_backward equals the loops that send each gradient to its winner."""
    x, g = inputs(case)
    got = cnnviz.max_pool2d_backward(x, g, case["kernel"], **options(case))
    expected = loop_max_backward(x, g, case["kernel"], strides(case), case["padding"],
                                 case["ceil_mode"])
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_max_pool2d_backward_matches_central_differences(case):
    """max_pool2d_backward is the gradient of L = sum(max_pool2d(x) * g), measured numerically."""
    x, g = inputs(case)
    got = cnnviz.max_pool2d_backward(x, g, case["kernel"], **options(case))
    measured = cnnviz.numerical_gradient(
        lambda v: np.sum(cnnviz.max_pool2d(v, case["kernel"], **options(case)) * g), x)
    np.testing.assert_allclose(got, measured, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_max_pool2d_backward_matches_torch_autograd(case):
    """max_pool2d_backward equals PyTorch's autograd through F.max_pool2d."""
    torch = torch_or_skip()
    x, g = inputs(case)
    X = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(X, case["kernel"], **options(case)).backward(torch.tensor(g))
    got = cnnviz.max_pool2d_backward(x, g, case["kernel"], **options(case))
    np.testing.assert_allclose(got, X.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (3, 2, 1), (2, 1, 0)])
def test_max_pool2d_backward_ties_go_where_max_pool2d_points(kernel, stride, padding):
    """With many equal values, each gradient lands on the winner max_pool2d's indices name
    (the first maximum in row-major order), as in the loops and in PyTorch."""
    rng = np.random.default_rng(112 + kernel * 10 + stride)
    x = rng.integers(0, 3, size=(2, 3, 9, 8)).astype(np.float64)
    g = rng.standard_normal(cnnviz.max_pool2d(x, kernel, stride=stride, padding=padding).shape)
    got = cnnviz.max_pool2d_backward(x, g, kernel, stride=stride, padding=padding)
    _, idx = cnnviz.max_pool2d(x, kernel, stride=stride, padding=padding, return_indices=True)
    routed = np.zeros((6, 72))
    for plane in range(6):
        np.add.at(routed[plane], idx.reshape(6, -1)[plane], g.reshape(6, -1)[plane])
    np.testing.assert_allclose(got, routed.reshape(x.shape), rtol=1e-12, atol=1e-12)
    loops = loop_max_backward(x, g, (kernel, kernel), (stride, stride), (padding, padding), False)
    np.testing.assert_allclose(got, loops, rtol=1e-12, atol=1e-12)
    try:
        import torch
    except ImportError:
        return
    X = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(X, kernel, stride=stride, padding=padding).backward(
        torch.tensor(g))
    np.testing.assert_allclose(got, X.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_max_pool2d_backward_ties_pick_the_first_pixel():
    """A window of equal values gives its whole gradient to its top-left pixel."""
    grad = cnnviz.max_pool2d_backward(np.ones((1, 2, 4)), [[[5.0, 7.0]]], 2)
    np.testing.assert_array_equal(grad, [[[5, 0, 7, 0], [0, 0, 0, 0]]])


def test_max_pool2d_backward_nan_and_minus_inf_windows():
    """A NaN window sends its gradient to its (last) NaN; a window of -inf beside the -inf
    padding sends it to its first input pixel, never to the padding."""
    x = np.zeros((1, 4, 4))
    x[0, 0, 0] = x[0, 0, 1] = np.nan          # two NaNs in the first window: the last wins
    x[0, 2:, 2:] = -np.inf                    # a window of -inf only
    g = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    grad = cnnviz.max_pool2d_backward(x, g, 2)
    expected = np.zeros((1, 4, 4))
    expected[0, 0, 1], expected[0, 0, 2], expected[0, 2, 0], expected[0, 2, 2] = 1, 2, 3, 4
    np.testing.assert_array_equal(grad, expected)
    np.testing.assert_array_equal(grad, loop_max_backward(x, g, (2, 2), (2, 2), (0, 0), False))
    grad = cnnviz.max_pool2d_backward(np.full((1, 3, 3), -np.inf), np.ones((1, 2, 2)), 2,
                                      padding=1)
    np.testing.assert_array_equal(grad, [[[1, 1, 0], [1, 1, 0], [0, 0, 0]]])
    np.testing.assert_array_equal(grad, loop_max_backward(
        np.full((1, 3, 3), -np.inf), np.ones((1, 2, 2)), (2, 2), (2, 2), (1, 1), False))


def test_max_pool2d_backward_overlapping_winner_collects_the_sum():
    """A pixel that wins every overlapping window receives the sum of their gradients."""
    x = np.zeros((1, 4, 4))
    x[0, 2, 2] = 9.0
    grad = cnnviz.max_pool2d_backward(x, [[[1.0, 2.0], [3.0, 4.0]]], 3, stride=1)
    expected = np.zeros((1, 4, 4))
    expected[0, 2, 2] = 10.0
    np.testing.assert_array_equal(grad, expected)


# ---------------------------------------------------------------------- average pooling
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_avg_pool2d_backward_matches_loops(case, count_include_pad):
    """avg_pool2d_backward equals the loops that share g / divisor over each window."""
    x, g = inputs(case)
    got = cnnviz.avg_pool2d_backward(x, g, case["kernel"], count_include_pad=count_include_pad,
                                     **options(case))
    expected = loop_avg_backward(x, g, case["kernel"], strides(case), case["padding"],
                                 case["ceil_mode"], count_include_pad)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_avg_pool2d_backward_matches_central_differences(case, count_include_pad):
    """avg_pool2d_backward is the gradient of L = sum(avg_pool2d(x) * g), measured numerically."""
    x, g = inputs(case)
    kw = dict(count_include_pad=count_include_pad, **options(case))
    got = cnnviz.avg_pool2d_backward(x, g, case["kernel"], **kw)
    measured = cnnviz.numerical_gradient(
        lambda v: np.sum(cnnviz.avg_pool2d(v, case["kernel"], **kw) * g), x)
    np.testing.assert_allclose(got, measured, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_avg_pool2d_backward_matches_torch_autograd(case, count_include_pad):
    """avg_pool2d_backward equals PyTorch's autograd through F.avg_pool2d."""
    torch = torch_or_skip()
    x, g = inputs(case)
    X = torch.tensor(x, requires_grad=True)
    torch.nn.functional.avg_pool2d(X, case["kernel"], count_include_pad=count_include_pad,
                                   **options(case)).backward(torch.tensor(g))
    got = cnnviz.avg_pool2d_backward(x, g, case["kernel"], count_include_pad=count_include_pad,
                                     **options(case))
    np.testing.assert_allclose(got, X.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_avg_pool2d_backward_worked_example():
    """2x2 windows of a 4x4 map: each pixel gets a quarter of its window's gradient; with
    padding 1 and count_include_pad=False a corner window counts its one real pixel."""
    g = np.array([[[4.0, 8.0], [12.0, 16.0]]])
    np.testing.assert_array_equal(cnnviz.avg_pool2d_backward(np.zeros((1, 4, 4)), g, 2)[0],
                                  [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    grad = cnnviz.avg_pool2d_backward(np.zeros((1, 2, 2)), np.ones((1, 2, 2)), 2, padding=1,
                                      count_include_pad=False)
    np.testing.assert_array_equal(grad, np.ones((1, 2, 2)))
    grad = cnnviz.avg_pool2d_backward(np.zeros((1, 2, 2)), np.ones((1, 2, 2)), 2, padding=1)
    np.testing.assert_array_equal(grad, np.full((1, 2, 2), 0.25))


# ------------------------------------------------------------------ dtypes and layers
@pytest.mark.parametrize("backward", [cnnviz.max_pool2d_backward, cnnviz.avg_pool2d_backward])
def test_pool_backward_dtypes(backward):
    """float32 in, float32 out; float64 anywhere (or integers) gives float64; one sample
    without the batch axis gives the batch's answer for it."""
    rng = np.random.default_rng(113)
    x = rng.standard_normal((2, 3, 6, 6))
    g = rng.standard_normal((2, 3, 3, 3))
    assert backward(x.astype(np.float32), g.astype(np.float32), 2).dtype == np.float32
    assert backward(x.astype(np.float32), g, 2).dtype == np.float64
    assert backward(x, g.astype(np.float32), 2).dtype == np.float64
    ints = backward(rng.integers(0, 9, size=(3, 6, 6)), np.ones((3, 3, 3), dtype=int), 2)
    assert ints.dtype == np.float64
    batch = backward(x, g, 2)
    np.testing.assert_array_equal(backward(x[1], g[1], 2), batch[1])
    np.testing.assert_allclose(backward(x.astype(np.float32), g.astype(np.float32), 2), batch,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", CASES[:20], ids=case_id)
def test_pool_layers_backward_equal_the_functions(case):
    """MaxPool2d.backward and AvgPool2d.backward give exactly what the functions give."""
    x, g = inputs(case)
    x4 = x if x.ndim == 4 else x[None]
    g4 = g if g.ndim == 4 else g[None]
    layer = MaxPool2d(case["kernel"], **options(case))
    layer.forward(x4)
    np.testing.assert_array_equal(layer.backward(g4), cnnviz.max_pool2d_backward(
        x4, g4, case["kernel"], **options(case)))
    for include in (True, False):
        layer = AvgPool2d(case["kernel"], count_include_pad=include, **options(case))
        layer.forward(x4)
        np.testing.assert_array_equal(layer.backward(g4), cnnviz.avg_pool2d_backward(
            x4, g4, case["kernel"], count_include_pad=include, **options(case)))


def test_max_pool_layer_float32_backward_is_the_float64_one_rounded():
    """In float32 (as in training) the layer routes the same winners: non-overlapping windows
    give exactly the float64 gradient rounded to float32."""
    rng = np.random.default_rng(114)
    x = np.maximum(rng.standard_normal((4, 8, 28, 28)), 0).astype(np.float32)  # ReLU ties
    g = rng.standard_normal((4, 8, 14, 14)).astype(np.float32)
    layer = MaxPool2d(2)
    layer.forward(x)
    got = layer.backward(g)
    assert got.dtype == np.float32
    expected = loop_max_backward(x[:1].astype(np.float64), g[:1].astype(np.float64), (2, 2),
                                 (2, 2), (0, 0), False)
    np.testing.assert_array_equal(got[:1], expected.astype(np.float32))
    np.testing.assert_array_equal(
        got, cnnviz.max_pool2d_backward(x.astype(np.float64), g, 2).astype(np.float32))


# ----------------------------------------------------------------------------- refusals
def setting_grid(seed, count):
    """Seeded settings, many of them ones PyTorch refuses (padding over k // 2, no window
    fits the input)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield dict(H=int(rng.integers(1, 7)), W=int(rng.integers(1, 7)),
                   kernel=int(rng.integers(1, 6)), stride=int(rng.integers(1, 4)),
                   padding=int(rng.integers(0, 4)), ceil_mode=bool(rng.integers(0, 2)))


def test_backward_accepts_exactly_what_torch_accepts():
    """Over random settings, both backward functions work where PyTorch's pooling works and
    raise ValueError where PyTorch refuses."""
    torch = torch_or_skip()
    F = torch.nn.functional
    refused = 0
    for s in setting_grid(115, 300):
        x = np.random.default_rng(0).standard_normal((2, s["H"], s["W"]))
        kw = dict(stride=s["stride"], padding=s["padding"], ceil_mode=s["ceil_mode"])
        X = torch.tensor(x, requires_grad=True)
        try:
            out = F.max_pool2d(X, s["kernel"], **kw)
        except RuntimeError:
            refused += 1
            for backward in (cnnviz.max_pool2d_backward, cnnviz.avg_pool2d_backward):
                with pytest.raises(ValueError) as refusal:
                    backward(x, np.ones((2, 1, 1)), s["kernel"], **kw)
                assert "grad_out" not in str(refusal.value)   # the setting, not the shape
            continue
        g = np.random.default_rng(1).standard_normal(tuple(out.shape))
        out.backward(torch.tensor(g))
        np.testing.assert_allclose(cnnviz.max_pool2d_backward(x, g, s["kernel"], **kw),
                                   X.grad.numpy(), rtol=1e-12, atol=1e-12)
        X.grad = None
        F.avg_pool2d(X, s["kernel"], **kw).backward(torch.tensor(g))
        np.testing.assert_allclose(cnnviz.avg_pool2d_backward(x, g, s["kernel"], **kw),
                                   X.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert 50 < refused < 250  # the grid holds both kinds of settings


BACKWARDS = {"max_pool2d_backward": cnnviz.max_pool2d_backward,
             "avg_pool2d_backward": cnnviz.avg_pool2d_backward}


@pytest.mark.parametrize("name", BACKWARDS)
def test_backward_refuses_a_grad_out_of_the_wrong_shape(name):
    """grad_out must have the pooling output's shape; the message names both shapes."""
    backward = BACKWARDS[name]
    forward = name.replace("_backward", "")
    x = np.ones((2, 3, 6, 6))
    with pytest.raises(ValueError, match=(
            rf"grad_out must have the shape of {forward}'s output \(2, 3, 3, 3\) for x of shape "
            r"\(2, 3, 6, 6\); got \(2, 3, 3, 4\)")):
        backward(x, np.ones((2, 3, 3, 4)), 2)
    with pytest.raises(ValueError, match=r"output \(3, 2, 2\) for x of shape \(3, 6, 6\); "
                                         r"got \(1, 3, 2, 2\)"):
        backward(x[0], np.ones((1, 3, 2, 2)), 3)


@pytest.mark.parametrize("name", BACKWARDS)
def test_backward_refuses_bad_settings_with_their_names(name):
    """Bad kernel sizes, strides, padding and flags are refused naming the parameter."""
    backward = BACKWARDS[name]
    x, g = np.ones((1, 6, 6)), np.ones((1, 3, 3))
    with pytest.raises(ValueError, match=r"kernel_size must be a positive integer; got 0"):
        backward(x, g, 0)
    with pytest.raises(ValueError, match=r"stride must be a positive integer; got 0"):
        backward(x, g, 2, stride=0)
    with pytest.raises(TypeError, match=r"stride must be a positive integer; got 1.5"):
        backward(x, g, 2, stride=1.5)
    with pytest.raises(ValueError, match=r"padding must be a non-negative integer; got -1"):
        backward(x, g, 2, padding=-1)
    with pytest.raises(ValueError, match=r"padding must be at most half of kernel_size "
                                         r"\(2 // 2 = 1\); got 2"):
        backward(x, g, 2, padding=2)
    with pytest.raises(ValueError, match=r"kernel_size 7 does not fit the input.*"
                                         r"\(input height x width 6x6\)"):
        backward(x, g, 7)
    with pytest.raises(TypeError, match=r"ceil_mode must be True or False; got 1"):
        backward(x, g, 2, ceil_mode=1)
    with pytest.raises(ValueError, match=r"x must be 3-D or 4-D; got 2-D with shape \(6, 6\)"):
        backward(x[0], g[0], 2)
    with pytest.raises(TypeError, match=r"grad_out must be a numeric array; got 'abc'"):
        backward(x, "abc", 2)


def test_avg_pool2d_backward_refuses_a_non_boolean_count_include_pad():
    """count_include_pad must be True or False, not a truthy stand-in."""
    with pytest.raises(TypeError, match=r"count_include_pad must be True or False; got 'yes'"):
        cnnviz.avg_pool2d_backward(np.ones((1, 4, 4)), np.ones((1, 2, 2)), 2,
                                   count_include_pad="yes")


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode", [
    (2, 2, 0, False), (2, 3, 1, True), (3, 3, 1, False), ((1, 2), (2, 2), 0, True)])
def test_max_pool2d_backward_without_overlap_is_exactly_adding_onto_zeros(kernel, stride,
                                                                          padding, ceil_mode):
    """Windows that do not overlap have distinct winners: the gradient equals, bit for bit,
    each one added onto zeros at its winner (a -0.0 gradient lands as 0.0), layer included."""
    rng = np.random.default_rng(51)
    x = np.maximum(rng.standard_normal((3, 2, 9, 10)), 0).astype(np.float32)   # ties at 0
    opts = dict(stride=stride, padding=padding, ceil_mode=ceil_mode)
    g = rng.standard_normal(cnnviz.max_pool2d(x, kernel, **opts).shape).astype(np.float32)
    g.flat[::5] = -0.0
    got = cnnviz.max_pool2d_backward(x, g, kernel, **opts)
    _, idx = cnnviz.max_pool2d(x, kernel, return_indices=True, **opts)
    expected = np.zeros(x.shape, np.float32).reshape(3, 2, -1)
    for n in range(3):
        for c in range(2):
            for i, v in zip(idx[n, c].ravel(), g[n, c].ravel()):
                expected[n, c, i] += v
    expected = expected.reshape(x.shape)
    assert got.dtype == np.float32
    assert np.array_equal(got.view(np.int32), expected.view(np.int32))      # the same bits
    assert not (np.signbit(got) & (got == 0)).any()
    layer = MaxPool2d(kernel, **opts)
    layer.forward(x)
    assert np.array_equal(layer.backward(g).view(np.int32), expected.view(np.int32))
