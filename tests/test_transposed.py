"""Tests for cnnviz.transposed: conv_transpose2d, its stamping loops and ConvTranspose2d.

References: the stamping loops (always), the identity with conv2d_backward's input
gradient (always), central differences for the layer's gradients (always), and
``torch.nn.functional.conv_transpose2d`` with autograd where PyTorch is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz.transposed import ConvTranspose2d, conv_transpose2d, conv_transpose2d_naive
from memory_support import peak_and_estimate


def transpose_cases(seed, count):
    """Seeded random settings that PyTorch accepts: groups, strides, paddings, dilations,
    output paddings (each below the stride or the dilation) and unequal height/width."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        groups = int(rng.integers(1, 4))
        cin, cout = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        sh, sw = (int(v) for v in rng.integers(1, 4, size=2))
        dh, dw = (int(v) for v in rng.integers(1, 3, size=2))
        oph, opw = int(rng.integers(0, max(sh, dh))), int(rng.integers(0, max(sw, dw)))
        ph, pw = (int(v) for v in rng.integers(0, 3, size=2))
        H, W = (int(v) for v in rng.integers(1, 7, size=2))
        if ((H - 1) * sh + dh * (kh - 1) + oph + 1 - 2 * ph < 1
                or (W - 1) * sw + dw * (kw - 1) + opw + 1 - 2 * pw < 1):
            continue  # padding would crop everything: tested among the refusals
        batched = bool(rng.integers(0, 2))
        N = int(rng.integers(1, 3))
        cases.append(dict(
            x_shape=(N, cin, H, W) if batched else (cin, H, W),
            w_shape=(cin, cout // groups, kh, kw), with_bias=bool(rng.integers(0, 2)),
            options=dict(stride=(sh, sw) if sh != sw else sh, padding=(ph, pw),
                         output_padding=(oph, opw), dilation=(dh, dw) if dh != dw else dh,
                         groups=groups),
            seed=int(rng.integers(2**31)),
        ))
    return cases


def case_id(case):
    o = case["options"]
    return (f"x{'x'.join(map(str, case['x_shape']))}-w{'x'.join(map(str, case['w_shape']))}"
            f"-s{o['stride']}-p{o['padding']}-op{o['output_padding']}-d{o['dilation']}"
            f"-g{o['groups']}").replace(" ", "")


def case_arrays(case, dtype=np.float64):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x_shape"]).astype(dtype)
    w = rng.standard_normal(case["w_shape"]).astype(dtype)
    cout = case["w_shape"][1] * case["options"]["groups"]
    b = rng.standard_normal(cout).astype(dtype) if case["with_bias"] else None
    return x, w, b


CASES = transpose_cases(seed=1614, count=40)


def torch_transpose(x, w, b, options):
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    xt = torch.from_numpy(x if x.ndim == 4 else x[None])
    bt = None if b is None else torch.from_numpy(b)
    out = F.conv_transpose2d(xt, torch.from_numpy(w), bt, **options).numpy()
    return out if x.ndim == 4 else out[0]


# --------------------------------------------------------------------- the operation
def test_a_single_value_stamps_the_scaled_kernel_at_stride_spacing():
    """x = 3 at (1, 2), zero elsewhere: the output is 3 * kernel with its corner at (s, 2s)."""
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((1, 1, 3, 2))
    x = np.zeros((1, 3, 4))
    x[0, 1, 2] = 3.0
    out = conv_transpose2d(x, kernel, stride=(2, 3))
    expected = np.zeros((1, (3 - 1) * 2 + 3, (4 - 1) * 3 + 2))
    expected[0, 2:5, 6:8] = 3.0 * kernel[0, 0]
    np.testing.assert_allclose(out, expected)


def test_curriculum_sizes_2x2_input_3x3_kernel_stride_2_gives_5x5():
    """The notebook's example: 2x2 -> 5x5, and every overlap of neighbouring stamps adds."""
    out = conv_transpose2d(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2)
    assert out.shape == (1, 5, 5)
    # Row/column 2 is covered by two stamps, its centre pixel by all four.
    assert out[0, 2, 2] == 4 and out[0, 0, 2] == 2 and out[0, 2, 0] == 2 and out[0, 0, 0] == 1


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_conv_transpose2d_equals_the_stamping_loops(case):
    """The vectorised fold and the loops that stamp one input value at a time agree."""
    x, w, b = case_arrays(case)
    got = conv_transpose2d(x, w, b, **case["options"])
    np.testing.assert_allclose(got, conv_transpose2d_naive(x, w, b, **case["options"]),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_conv_transpose2d_matches_torch(case):
    """Same numbers and shape as F.conv_transpose2d for every setting drawn (float64)."""
    x, w, b = case_arrays(case)
    expected = torch_transpose(x, w, b, case["options"])
    got = conv_transpose2d(x, w, b, **case["options"])
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(conv_transpose2d_naive(x, w, b, **case["options"]), expected,
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CASES[:10], ids=case_id)
def test_float32_stays_float32_and_matches_torch_float32(case):
    """float32 in, float32 out, within float32 rounding of PyTorch's float32 result."""
    x, w, b = case_arrays(case, np.float32)
    got = conv_transpose2d(x, w, b, **case["options"])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, torch_transpose(x, w, b, case["options"]),
                               rtol=1e-4, atol=1e-4)


def conv_pairs(seed, count):
    """(x shape, weight shape, stride, padding, dilation) of plain convolutions, groups 1."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        k = tuple(int(v) for v in rng.integers(1, 5, size=2))
        s = tuple(int(v) for v in rng.integers(1, 4, size=2))
        d = tuple(int(v) for v in rng.integers(1, 3, size=2))
        p = tuple(int(v) for v in rng.integers(0, 3, size=2))
        hw = tuple(int(rng.integers(max(1, di * (ki - 1) + 1 - 2 * pi), 12))
                   for ki, di, pi in zip(k, d, p))
        N, C, O = (int(v) for v in rng.integers(1, 4, size=3))
        out.append(((N, C, *hw), (O, C, *k), s, p, d))
    return out


@pytest.mark.parametrize("x_shape,w_shape,stride,padding,dilation", conv_pairs(7, 25))
def test_conv_transpose2d_is_conv2d_backward_input_gradient(x_shape, w_shape, stride, padding,
                                                            dilation):
    """conv_transpose2d(g, w) == conv2d_backward(x, w, g)[0], with output_padding restoring
    the rows a strided convolution never reached."""
    rng = np.random.default_rng(sum(x_shape))
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out = cnnviz.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    g = rng.standard_normal(out.shape)
    grad_x = cnnviz.conv2d_backward(x, w, g, stride=stride, padding=padding, dilation=dilation)[0]
    leftover = tuple(
        (n + 2 * p - d * (k - 1) - 1) % s
        for n, k, s, p, d in zip(x_shape[2:], w_shape[2:], stride, padding, dilation)
    )
    got = conv_transpose2d(g, w, stride=stride, padding=padding, dilation=dilation,
                           output_padding=leftover)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, grad_x, rtol=1e-10, atol=1e-10)


def test_groups_keep_channel_blocks_apart():
    """With groups=2, the first half of the input channels only reaches the first half
    of the outputs: it equals two separate transposed convolutions, stacked."""
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 4, 3, 3)), rng.standard_normal((4, 3, 2, 2))
    got = conv_transpose2d(x, w, stride=2, groups=2)
    halves = [conv_transpose2d(x[:, 2 * g : 2 * g + 2], w[2 * g : 2 * g + 2], stride=2)
              for g in (0, 1)]
    np.testing.assert_allclose(got, np.concatenate(halves, axis=1))


def test_bias_shifts_every_output_pixel_even_the_output_padding():
    """Bias reaches all output pixels, including output_padding rows that no stamp reaches."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((1, 2, 2)), rng.standard_normal((1, 2, 3, 3))
    plain = conv_transpose2d(x, w, stride=2, output_padding=1)
    shifted = conv_transpose2d(x, w, np.array([1.5, -2.0]), stride=2, output_padding=1)
    np.testing.assert_allclose(shifted - plain, np.array([1.5, -2.0])[:, None, None]
                               * np.ones(plain.shape))
    assert np.all(plain[:, -1, :] == 0) and np.all(plain[:, :, -1] == 0)


def test_integer_input_computes_in_float64():
    """uint8 pixels do not wrap around when their stamps add up past 255."""
    x = np.array([[[0, 100], [200, 250]]], dtype=np.uint8)
    out = conv_transpose2d(x, np.ones((1, 1, 2, 2), dtype=np.int64))
    assert out.dtype == np.float64 and out[0, 1, 1] == 550.0


# ----------------------------------------------------------------------- refusals
def refused_cases(seed, count):
    """Random settings around the edges: PyTorch refuses some; cnnviz must refuse the same."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        s, d = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        yield (int(rng.integers(1, 4)), int(rng.integers(1, 4)), s, int(rng.integers(0, 4)),
               int(rng.integers(0, 3)), d)


def test_refuses_exactly_what_torch_refuses():
    """Over random edge settings (output_padding up to 2, padding up to 3), cnnviz raises
    ValueError exactly where F.conv_transpose2d raises, and agrees everywhere else."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    refused = accepted = 0
    for n, k, s, p, op, d in refused_cases(16, 150):
        x, w = np.ones((1, 1, n, n)), np.ones((1, 1, k, k))
        options = dict(stride=s, padding=p, output_padding=op, dilation=d)
        try:
            expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), **options)
        except RuntimeError:
            with pytest.raises(ValueError):
                conv_transpose2d(x, w, **options)
            refused += 1
            continue
        np.testing.assert_allclose(conv_transpose2d(x, w, **options), expected.numpy())
        accepted += 1
    assert refused > 10 and accepted > 10  # both sides of the boundary were visited


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(stride=1, output_padding=1),
     ValueError, r"output_padding must be smaller than stride or dilation; got output_padding 1 "
                 r"with stride 1 and dilation 1 \(height\)"),
    (dict(stride=2, output_padding=(0, 2)),
     ValueError, r"output_padding must be smaller than stride or dilation; got output_padding 2 "
                 r"with stride 2 and dilation 1 \(width\)"),
    (dict(padding=3), ValueError, r"height: padding 3 crops away the whole output: .* = 5, and "
                                  r"2\*padding = 6 leaves -1; use padding <= 2"),
    (dict(padding="same"), ValueError, r"padding must be a non-negative integer or a pair "
                                       r"\(height, width\) for a transposed convolution; got 'same'"),
    (dict(padding=-1), ValueError, r"padding must be a non-negative integer; got -1"),
    (dict(stride=0), ValueError, r"stride must be a positive integer; got 0"),
    (dict(groups=0), ValueError, r"groups must be a positive integer; got 0"),
    (dict(groups=4), ValueError, r"groups must divide the 2 input channels; got groups 4"),
    (dict(dilation=1.5), TypeError, r"dilation must be a positive integer; got 1.5"),
])
def test_bad_options_are_refused_with_the_reason(kwargs, error, match):
    x, w = np.ones((2, 3, 3)), np.ones((2, 1, 3, 3))
    with pytest.raises(error, match=match):
        conv_transpose2d(x, w, **kwargs)
    with pytest.raises(error, match=match):
        conv_transpose2d_naive(x, w, **kwargs)


def test_bad_arrays_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"weight has 3 input channels in its first axis .* but "
                                         r"the input has 2 channels"):
        conv_transpose2d(np.ones((2, 3, 3)), np.ones((3, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"bias must have one value per output channel \(4\); "
                                         r"got length 2"):
        conv_transpose2d(np.ones((2, 3, 3)), np.ones((2, 2, 3, 3)), np.ones(2), groups=2)
    with pytest.raises(ValueError, match=r"x must be 3-D or 4-D; got 2-D"):
        conv_transpose2d(np.ones((3, 3)), np.ones((1, 1, 3, 3)))
    with pytest.raises(TypeError, match=r"weight must be a numeric array"):
        conv_transpose2d(np.ones((1, 3, 3)), "kernel")


# -------------------------------------------------------------------------- the layer
def layer_for(case):
    x, w, b = case_arrays(case)
    o = case["options"]
    layer = ConvTranspose2d(w.shape[0], w.shape[1] * o["groups"], w.shape[2:], bias=b is not None,
                            **o)
    layer.weight, layer.bias = w, b
    return layer, x


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_layer_forward_and_output_shape_match_the_function(case):
    layer, x = layer_for(case)
    out = layer.forward(x)
    np.testing.assert_allclose(out, conv_transpose2d(x, layer.weight, layer.bias,
                                                     **case["options"]))
    sample = x.shape[-3:]
    assert layer.output_shape(sample) == out.shape[-3:]


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_layer_backward_matches_torch_autograd(case):
    """grad_x, grads["weight"] and grads["bias"] equal PyTorch's for L = sum(g * out)."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    layer, x = layer_for(case)
    out = layer.forward(x)
    g = np.random.default_rng(case["seed"] + 1).standard_normal(out.shape)
    grad_x = layer.backward(g)

    xt = torch.tensor(x if x.ndim == 4 else x[None], requires_grad=True)
    wt = torch.tensor(layer.weight, requires_grad=True)
    bt = None if layer.bias is None else torch.tensor(layer.bias, requires_grad=True)
    outt = F.conv_transpose2d(xt, wt, bt, **case["options"])
    (outt * torch.from_numpy(g if g.ndim == 4 else g[None])).sum().backward()
    np.testing.assert_allclose(grad_x, xt.grad.numpy().reshape(x.shape), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(layer.grads["weight"], wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    if bt is not None:
        np.testing.assert_allclose(layer.grads["bias"], bt.grad.numpy(), rtol=1e-10, atol=1e-10)
    else:
        assert "bias" not in layer.grads


@pytest.mark.parametrize("case", CASES[1:12:2], ids=case_id)
def test_layer_backward_matches_central_differences(case):
    """Each gradient against (L(a + e) - L(a - e)) / 2e on a few random entries; L is linear
    in x and in w, so the difference is exact up to rounding."""
    layer, x = layer_for(case)
    out = layer.forward(x)
    rng = np.random.default_rng(case["seed"] + 2)
    g = rng.standard_normal(out.shape)
    grad_x = layer.backward(g)
    w = layer.weight

    def loss(x_, w_):
        return np.sum(g * conv_transpose2d(x_, w_, layer.bias, **case["options"]))

    eps = 1e-3
    for _ in range(4):
        i = tuple(int(rng.integers(n)) for n in x.shape)
        e = np.zeros_like(x)
        e[i] = eps
        numeric = (loss(x + e, w) - loss(x - e, w)) / (2 * eps)
        assert numeric == pytest.approx(grad_x[i], rel=1e-7, abs=1e-9)
        i = tuple(int(rng.integers(n)) for n in w.shape)
        e = np.zeros_like(w)
        e[i] = eps
        numeric = (loss(x, w + e) - loss(x, w - e)) / (2 * eps)
        assert numeric == pytest.approx(layer.grads["weight"][i], rel=1e-7, abs=1e-9)


def test_layer_input_gradient_is_a_plain_convolution():
    """Backward of a transposed convolution is conv2d of grad_out with the same weights."""
    rng = np.random.default_rng(5)
    layer = ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)
    layer.initialize(rng)
    out = layer.forward(rng.standard_normal((2, 3, 5, 5)))
    g = rng.standard_normal(out.shape)
    np.testing.assert_allclose(layer.backward(g),
                               cnnviz.conv2d(g, layer.weight, stride=2, padding=1), rtol=1e-5)


def test_layer_counts_parameters_like_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    for args, kwargs in [((32, 16, 3), dict(stride=2)), ((6, 4, (3, 2)), dict(groups=2)),
                         ((4, 8, 5), dict(bias=False, groups=4))]:
        ours = ConvTranspose2d(*args, **kwargs)
        theirs = torch.nn.ConvTranspose2d(*args, **kwargs)
        assert ours.num_params == sum(p.numel() for p in theirs.parameters())
        assert ours.param_shapes()["weight"] == tuple(theirs.weight.shape)


def test_layer_initialize_is_seeded_float32_and_fills_every_parameter():
    a, b = ConvTranspose2d(4, 6, 3, stride=2, groups=2), ConvTranspose2d(4, 6, 3, stride=2, groups=2)
    a.initialize(np.random.default_rng(1))
    b.initialize(np.random.default_rng(1))
    np.testing.assert_array_equal(a.weight, b.weight)
    assert a.weight.shape == (4, 3, 3, 3) and a.weight.dtype == np.float32
    np.testing.assert_array_equal(a.bias, np.zeros(6, np.float32))
    assert 0.5 < a.weight.std() / np.sqrt(2 / (2 * 9 / 4)) < 1.5  # He scale of 4.5 taps per pixel


def test_layer_in_a_sequential_summary_and_forward():
    net = cnnviz.Sequential([ConvTranspose2d(8, 4, 4, stride=2, padding=1), cnnviz.ReLU()])
    assert net.output_shapes((8, 7, 7))[-1] == (4, 14, 14)
    assert "ConvTranspose2d-1" in str(net.summary((8, 7, 7)))
    net.initialize(0)
    assert net.forward(np.ones((2, 8, 7, 7), np.float32)).shape == (2, 4, 14, 14)


@pytest.mark.parametrize("layer", [
    ConvTranspose2d(3, 4, 3),
    ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0), dilation=2,
                    groups=2, bias=False),
])
def test_layer_repr_rebuilds_the_layer(layer):
    rebuilt = eval(repr(layer), {"ConvTranspose2d": ConvTranspose2d})
    assert repr(rebuilt) == repr(layer)
    assert rebuilt.param_shapes() == layer.param_shapes()


def test_layer_refusals_name_the_problem():
    with pytest.raises(ValueError, match=r"groups must divide out_channels \(3\); got groups 2"):
        ConvTranspose2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match=r"output_padding must be smaller than stride or dilation"):
        ConvTranspose2d(4, 3, 3, output_padding=1)
    layer = ConvTranspose2d(2, 3, 3)
    with pytest.raises(ValueError, match=r"has no weights yet"):
        layer.forward(np.ones((2, 4, 4)))
    layer.initialize(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"backward needs the values of a forward pass"):
        layer.backward(np.ones((3, 6, 6)))
    with pytest.raises(ValueError, match=r"expects 2 input channels; got 5"):
        layer.forward(np.ones((5, 4, 4)))
    layer.forward(np.ones((2, 4, 4)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of the layer's last "
                                         r"output \(3, 6, 6\); got \(3, 5, 5\)"):
        layer.backward(np.ones((3, 5, 5)))


# ---------------------------------------------------------------------------- memory


@pytest.mark.parametrize("func", [conv_transpose2d, conv_transpose2d_naive])
def test_an_output_too_large_for_memory_is_refused_before_allocating(func):
    """stride 10**6 on a 2x2 input asks for a 1,000,003 x 1,000,003 output: refused, with
    the shape and the size, having allocated next to nothing."""
    import tracemalloc

    x, w = np.ones((1, 2, 2)), np.ones((1, 1, 3, 3))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"conv_transpose2d to an output of shape \(1, 1, "
                                             r"1000003, 1000003\) would need [\d.]+ TiB of "
                                             r"memory; the limit is 1.0 GiB"):
            func(x, w, stride=10**6)
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("run", [
    lambda x=np.ones((8, 32, 16, 16)), w=np.ones((32, 16, 3, 3)): conv_transpose2d(
        x, w, stride=2, padding=1, output_padding=1),
    lambda x=np.ones((2, 6, 9, 7)), w=np.ones((6, 2, 3, 2)): conv_transpose2d(
        x, w, np.ones(6), stride=(3, 1), padding=(4, 0), dilation=2, groups=3),
    lambda x=np.ones((1, 4, 6, 6)), w=np.ones((4, 3, 3, 3)): conv_transpose2d_naive(
        x, w, stride=3, padding=2),
], ids=["decoder", "groups", "loops"])
def test_memory_estimate_covers_what_is_really_allocated(run, monkeypatch):
    """The estimate is honest: at least 0.9x the traced peak, at most 4x it; a limit just
    below the estimate refuses the same request."""
    peak, estimate = peak_and_estimate(run, monkeypatch, "transposed")
    assert 0.9 * peak <= estimate <= 4 * peak, (estimate, peak)
    monkeypatch.setattr(cnnviz._validate, "MEMORY_LIMIT", estimate - 1)
    with pytest.raises(ValueError, match="would need"):
        run()
