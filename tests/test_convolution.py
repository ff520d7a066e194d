"""Tests for cnnviz.convolution: conv2d, conv2d_naive, correlate2d, convolve2d, pad2d.

Every operation is compared with an independent reference over seeded random
shapes, strides, paddings and dilations: a per-channel sum of
``scipy.signal.correlate2d`` on an input padded with ``numpy.pad`` (always
available), and ``torch.nn.functional`` where PyTorch is installed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal

import cnnviz

NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
TORCH_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
              "circular": "circular"}


# ------------------------------------------------------------------ independent reference
def explicit_pads(padding, kernel_shape, dilation):
    """((top, bottom), (left, right)) for any padding spelling, from the issue's definitions."""
    spans = [d * (k - 1) for k, d in zip(kernel_shape, dilation)]
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "full":
        return (spans[0], spans[0]), (spans[1], spans[1])
    if padding == "same":  # the odd pixel goes bottom/right, as in PyTorch
        return tuple((t // 2, t - t // 2) for t in spans)
    if isinstance(padding, int):
        return (padding, padding), (padding, padding)
    if isinstance(padding[0], int):
        return (padding[0], padding[0]), (padding[1], padding[1])
    return tuple(tuple(p) for p in padding)


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def dilate(kernel, dilation):
    """Spread a 2-D kernel's taps ``dilation`` pixels apart, zeros in between."""
    dh, dw = dilation
    kh, kw = kernel.shape
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1), dtype=kernel.dtype)
    out[::dh, ::dw] = kernel
    return out


def reference_conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1):
    """Deep-learning convolution built from scipy.signal.correlate2d, one channel pair at a time."""
    x, weight = np.asarray(x, float), np.asarray(weight, float)
    batched = x.ndim == 4
    if not batched:
        x = x[None]
    stride, dilation = pair(stride), pair(dilation)
    pads = explicit_pads(padding, weight.shape[2:], dilation)
    xp = np.pad(x, [(0, 0), (0, 0), *pads])
    out = []
    for item in xp:
        maps = []
        for o, filt in enumerate(weight):
            acc = sum(
                scipy.signal.correlate2d(item[c], dilate(filt[c], dilation), mode="valid")
                for c in range(x.shape[1])
            )
            acc = acc[:: stride[0], :: stride[1]]
            maps.append(acc + (0.0 if bias is None else bias[o]))
        out.append(maps)
    out = np.array(out)
    return out if batched else out[0]


# ---------------------------------------------------------------------- random cases
def conv_cases(seed, count):
    """Seeded random conv2d settings: shapes, strides, paddings (every spelling), dilations."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
        dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        kind = rng.choice(["int", "pair", "pairs", "valid", "same", "full"])
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        if kind == "int":
            padding = int(rng.integers(0, 4))
        elif kind == "pair":
            padding = (int(rng.integers(0, 4)), int(rng.integers(0, 4)))
        elif kind == "pairs":
            padding = tuple((int(rng.integers(0, 4)), int(rng.integers(0, 4))) for _ in "hw")
        else:
            padding = str(kind)
        if padding == "same":
            stride = (1, 1)
        (t, b), (left, right) = explicit_pads(padding, (kh, kw), dilation)
        span_h, span_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
        H = int(rng.integers(max(1, span_h - t - b), span_h + 9))
        W = int(rng.integers(max(1, span_w - left - right), span_w + 9))
        N, C, O = (int(v) for v in rng.integers(1, 4, size=3))
        batched = bool(rng.integers(0, 2))
        x_shape = (N, C, H, W) if batched else (C, H, W)
        cases.append(dict(
            x_shape=x_shape, w_shape=(O, C, kh, kw), with_bias=bool(rng.integers(0, 2)),
            stride=stride if stride[0] != stride[1] else stride[0],
            padding=padding,
            dilation=dilation if dilation[0] != dilation[1] else dilation[0],
            seed=int(rng.integers(2**31)),
        ))
    return cases


def case_id(case):
    return (f"x{'x'.join(map(str, case['x_shape']))}-w{'x'.join(map(str, case['w_shape']))}"
            f"-s{case['stride']}-p{case['padding']}-d{case['dilation']}").replace(" ", "")


def case_arrays(case, dtype=np.float64):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x_shape"]).astype(dtype)
    w = rng.standard_normal(case["w_shape"]).astype(dtype)
    b = rng.standard_normal(case["w_shape"][0]).astype(dtype) if case["with_bias"] else None
    return x, w, b


def settings(case):
    return dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])


CONV_CASES = conv_cases(seed=2024, count=40)


# ----------------------------------------------------------------------------- conv2d
def test_worked_example_from_the_curriculum():
    """The 3x3 input and 2x2 kernel of notebook 02 give [[19, 25], [37, 43]]."""
    image = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    kernel = [[0, 1], [2, 3]]
    expected = np.array([[19.0, 25.0], [37.0, 43.0]])
    np.testing.assert_array_equal(cnnviz.correlate2d(image, kernel), expected)
    np.testing.assert_array_equal(cnnviz.conv2d([image], [[kernel]])[0], expected)
    np.testing.assert_array_equal(cnnviz.conv2d_naive([image], [[kernel]])[0], expected)


@pytest.mark.parametrize("case", CONV_CASES, ids=case_id)
def test_conv2d_matches_scipy_reference(case):
    """conv2d equals per-channel scipy.signal.correlate2d sums for random settings."""
    x, w, b = case_arrays(case)
    expected = reference_conv2d(x, w, b, **settings(case))
    got = cnnviz.conv2d(x, w, b, **settings(case))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CONV_CASES[:20], ids=case_id)
def test_conv2d_naive_matches_scipy_reference_and_conv2d(case):
    """conv2d_naive equals the scipy reference and the vectorised conv2d."""
    x, w, b = case_arrays(case)
    got = cnnviz.conv2d_naive(x, w, b, **settings(case))
    np.testing.assert_allclose(got, reference_conv2d(x, w, b, **settings(case)),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got, cnnviz.conv2d(x, w, b, **settings(case)),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CONV_CASES, ids=case_id)
def test_conv2d_matches_torch(case):
    """conv2d equals torch.nn.functional.conv2d (torch's own "same"; explicit pads otherwise)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, w, b = case_arrays(case)
    stride, dilation, padding = pair(case["stride"]), pair(case["dilation"]), case["padding"]
    xt = torch.from_numpy(x if x.ndim == 4 else x[None])
    if padding in ("same", "valid"):
        torch_padding = padding
    else:  # torch has no "full" or asymmetric padding: pad the input ourselves
        (t, bot), (left, right) = explicit_pads(padding, w.shape[2:], dilation)
        xt = F.pad(xt, (left, right, t, bot))
        torch_padding = 0
    with warnings.catch_warnings():  # torch warns that even "same" kernels copy the input
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        expected = F.conv2d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                            stride=stride, padding=torch_padding, dilation=dilation).numpy()
    if x.ndim == 3:
        expected = expected[0]
    np.testing.assert_allclose(cnnviz.conv2d(x, w, b, **settings(case)), expected,
                               rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("case", CONV_CASES[:12], ids=case_id)
def test_conv2d_float32_matches_torch_float32(case):
    """float32 in gives float32 out, equal to torch's float32 result up to rounding."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, w, b = case_arrays(case, np.float32)
    got = cnnviz.conv2d(x, w, b, **settings(case))
    assert got.dtype == np.float32
    pads = explicit_pads(case["padding"], w.shape[2:], pair(case["dilation"]))
    xt = F.pad(torch.from_numpy(x if x.ndim == 4 else x[None]),
               (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
    expected = F.conv2d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                        stride=pair(case["stride"]), dilation=pair(case["dilation"])).numpy()
    np.testing.assert_allclose(got, expected if x.ndim == 4 else expected[0],
                               rtol=1e-4, atol=1e-4)


def test_batch_items_are_independent():
    """Each item of a batch gives what it gives alone; (C, H, W) input gives (C_out, oh, ow)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 9, 8))
    w = rng.standard_normal((5, 3, 3, 2))
    b = rng.standard_normal(5)
    batch = cnnviz.conv2d(x, w, b, stride=2, padding=1)
    assert batch.shape == (4, 5, 5, 5)
    for item, out in zip(x, batch):
        single = cnnviz.conv2d(item, w, b, stride=2, padding=1)
        assert single.shape == (5, 5, 5)
        np.testing.assert_allclose(single, out, rtol=1e-12)


def test_bias_shifts_each_output_channel_by_its_value():
    """Adding a bias adds bias[o] to every value of output channel o and nothing else."""
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 8, 8)), rng.standard_normal((3, 2, 3, 3))
    bias = np.array([1.5, -2.0, 10.0])
    for conv in (cnnviz.conv2d, cnnviz.conv2d_naive):
        diff = conv(x, w, bias, padding=1) - conv(x, w, padding=1)
        np.testing.assert_allclose(diff, np.broadcast_to(bias[:, None, None], diff.shape))


@pytest.mark.parametrize("conv", [cnnviz.conv2d, cnnviz.conv2d_naive])
def test_dtypes_float32_stays_float32_and_integers_compute_in_float64(conv):
    """float32 inputs give float32; integer or float64 inputs give float64."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 6))
    w = rng.standard_normal((3, 2, 3, 3))
    assert conv(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32
    assert conv(x, w).dtype == np.float64
    assert conv(x.astype(np.float32), w).dtype == np.float64
    ints = rng.integers(0, 256, size=(2, 6, 6)).astype(np.uint8)
    assert conv(ints, w.astype(np.float32)).dtype == np.float64
    np.testing.assert_allclose(conv(ints, w), reference_conv2d(ints, w), rtol=1e-12)


def test_uint8_image_does_not_overflow():
    """255 * 255 summed over a 3x3 uint8 window is 585,225, not a wrapped-around byte."""
    image = np.full((3, 3), 255, dtype=np.uint8)
    assert cnnviz.correlate2d(image, image)[0, 0] == 9 * 255 * 255
    assert cnnviz.conv2d(image[None], image[None, None])[0, 0, 0] == 9 * 255 * 255


def test_float32_result_is_close_to_float64_result():
    """The float32 path differs from the float64 one only by rounding."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 3, 20, 20)), rng.standard_normal((4, 3, 5, 5))
    got = cnnviz.conv2d(x.astype(np.float32), w.astype(np.float32), stride=2, padding=2)
    np.testing.assert_allclose(got, cnnviz.conv2d(x, w, stride=2, padding=2),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("dilation", [1, 2, 3])
def test_same_padding_keeps_the_size(k, dilation):
    """padding="same" keeps height and width at stride 1 for odd and even kernels."""
    rng = np.random.default_rng(k * 10 + dilation)
    x = rng.standard_normal((2, 11, 9))
    out = cnnviz.conv2d(x, rng.standard_normal((3, 2, k, k)), padding="same", dilation=dilation)
    assert out.shape == (3, 11, 9)


SAME_KERNELS = [(2, 2), (3, 3), (4, 5), (2, 3)]
SAME_DILATIONS = [1, 2, (1, 3)]


@pytest.mark.parametrize("kshape", SAME_KERNELS)
@pytest.mark.parametrize("dilation", SAME_DILATIONS)
def test_same_padding_matches_the_reference(kshape, dilation):
    """padding="same" equals the scipy reference padded (d(k-1)//2, rest) per axis."""
    rng = np.random.default_rng(sum(kshape))
    x, w = rng.standard_normal((2, 3, 10, 9)), rng.standard_normal((4, 3, *kshape))
    np.testing.assert_allclose(cnnviz.conv2d(x, w, padding="same", dilation=dilation),
                               reference_conv2d(x, w, padding="same", dilation=dilation),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kshape", SAME_KERNELS)
@pytest.mark.parametrize("dilation", SAME_DILATIONS)
def test_same_padding_matches_torch_same(kshape, dilation):
    """padding="same" equals torch's padding="same", even kernels included."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(kshape))
    x, w = rng.standard_normal((2, 3, 10, 9)), rng.standard_normal((4, 3, *kshape))
    with warnings.catch_warnings():  # torch warns that even "same" kernels copy the input
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        expected = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                                              padding="same", dilation=dilation).numpy()
    np.testing.assert_allclose(cnnviz.conv2d(x, w, padding="same", dilation=dilation), expected,
                               rtol=1e-10, atol=1e-10)


def test_same_padding_puts_the_extra_pixel_bottom_right():
    """For an even kernel "same" pads 0 on top/left and 1 on bottom/right, like PyTorch."""
    image = np.zeros((4, 4))
    image[0, 0] = 1.0
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = cnnviz.correlate2d(image, kernel, padding="same")
    # With no top/left padding the first window starts on the impulse: it meets kernel[0, 0].
    assert out[0, 0] == 1.0
    np.testing.assert_array_equal(out, cnnviz.correlate2d(image, kernel, padding=((0, 1), (0, 1))))


@pytest.mark.parametrize("shape,kshape", [((5, 7), (3, 3)), ((6, 4), (2, 5)), ((3, 3), (4, 4))])
def test_full_padding_matches_scipy_full(shape, kshape):
    """padding="full" equals scipy.signal's mode="full" for correlation and convolution."""
    rng = np.random.default_rng(5)
    image, kernel = rng.standard_normal(shape), rng.standard_normal(kshape)
    got = cnnviz.correlate2d(image, kernel, padding="full")
    assert got.shape == (shape[0] + kshape[0] - 1, shape[1] + kshape[1] - 1)
    np.testing.assert_allclose(got, scipy.signal.correlate2d(image, kernel, mode="full"))
    np.testing.assert_allclose(cnnviz.convolve2d(image, kernel, padding="full"),
                               scipy.signal.convolve2d(image, kernel, mode="full"))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_same_padding_matches_scipy_same_for_odd_kernels(k):
    """padding="same" equals scipy.signal.correlate2d(mode="same") for an odd kernel."""
    rng = np.random.default_rng(k)
    image, kernel = rng.standard_normal((7, 9)), rng.standard_normal((k, k))
    np.testing.assert_allclose(cnnviz.correlate2d(image, kernel, padding="same"),
                               scipy.signal.correlate2d(image, kernel, mode="same"))


# ------------------------------------------------------------- correlate2d / convolve2d
def image_cases(seed, count):
    """Seeded 2-D settings small enough for every pad mode (reflect needs pad < size)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = (int(rng.integers(0, 4)), int(rng.integers(0, 4)))
        span_h, span_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
        H = int(rng.integers(max(padding[0] + 1, span_h - 2 * padding[0]), span_h + 8))
        W = int(rng.integers(max(padding[1] + 1, span_w - 2 * padding[1]), span_w + 8))
        cases.append(dict(shape=(H, W), kshape=(kh, kw), stride=stride, padding=padding,
                          dilation=dilation, seed=int(rng.integers(2**31))))
    return cases


IMAGE_CASES = image_cases(seed=7, count=10)


def image_id(case):
    return (f"{case['shape'][0]}x{case['shape'][1]}-k{case['kshape'][0]}x{case['kshape'][1]}"
            f"-s{case['stride']}-p{case['padding']}-d{case['dilation']}").replace(" ", "")


def scipy_padded(image, padding, mode):
    ph, pw = padding
    return np.pad(image, [(ph, ph), (pw, pw)], mode=NUMPY_MODE[mode])


@pytest.mark.parametrize("pad_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", IMAGE_CASES, ids=image_id)
def test_correlate2d_matches_scipy(case, pad_mode):
    """correlate2d equals scipy.signal.correlate2d on the numpy-padded image, strided."""
    rng = np.random.default_rng(case["seed"])
    image, kernel = rng.standard_normal(case["shape"]), rng.standard_normal(case["kshape"])
    s = case["stride"]
    expected = scipy.signal.correlate2d(scipy_padded(image, case["padding"], pad_mode),
                                        dilate(kernel, case["dilation"]), mode="valid")
    got = cnnviz.correlate2d(image, kernel, stride=s, padding=case["padding"],
                             dilation=case["dilation"], pad_mode=pad_mode)
    np.testing.assert_allclose(got, expected[:: s[0], :: s[1]], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("pad_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", IMAGE_CASES, ids=image_id)
def test_convolve2d_matches_scipy_convolve2d(case, pad_mode):
    """convolve2d equals scipy.signal.convolve2d(padded, kernel, mode="valid"), strided."""
    rng = np.random.default_rng(case["seed"])
    image, kernel = rng.standard_normal(case["shape"]), rng.standard_normal(case["kshape"])
    s = case["stride"]
    expected = scipy.signal.convolve2d(scipy_padded(image, case["padding"], pad_mode),
                                       dilate(kernel, case["dilation"]), mode="valid")
    got = cnnviz.convolve2d(image, kernel, stride=s, padding=case["padding"],
                            dilation=case["dilation"], pad_mode=pad_mode)
    np.testing.assert_allclose(got, expected[:: s[0], :: s[1]], rtol=1e-10, atol=1e-10)


def test_convolve2d_flips_the_kernel():
    """A symmetric kernel gives the same result both ways; an edge kernel flips sign."""
    rng = np.random.default_rng(8)
    image = rng.standard_normal((6, 7))
    symmetric = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    np.testing.assert_allclose(cnnviz.convolve2d(image, symmetric),
                               cnnviz.correlate2d(image, symmetric))
    edge = np.array([[1.0, 0.0, -1.0]])
    np.testing.assert_allclose(cnnviz.convolve2d(image, edge), -cnnviz.correlate2d(image, edge))
    assert not np.allclose(cnnviz.correlate2d(image, edge), 0.0)


def test_correlate2d_equals_single_channel_conv2d():
    """correlate2d(image, kernel) is conv2d on one channel with one filter."""
    rng = np.random.default_rng(9)
    image, kernel = rng.standard_normal((9, 10)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(
        cnnviz.correlate2d(image, kernel, stride=2, padding=(1, 2), dilation=(2, 1)),
        cnnviz.conv2d(image[None], kernel[None, None], stride=2, padding=(1, 2),
                      dilation=(2, 1))[0],
    )


@pytest.mark.parametrize("seed", range(6))
def test_im2col_matches_a_loop_over_windows(seed):
    """Column i * ow + j holds window (i, j) in (channel, kernel row, kernel column) order,
    over random kernels, strides and dilations; the columns are new memory, never a view of
    x (a 1x1 kernel at stride 1 included)."""
    rng = np.random.default_rng(400 + seed)
    kh, kw, sh, sw, dh, dw = (int(v) for v in rng.integers(1, 4, size=6))
    if seed == 0:
        kh = kw = sh = sw = dh = dw = 1
    N, C = (int(v) for v in rng.integers(1, 4, size=2))
    H, W = dh * (kh - 1) + int(rng.integers(1, 7)), dw * (kw - 1) + int(rng.integers(1, 7))
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    cols = cnnviz.im2col(x, (kh, kw), stride=(sh, sw), dilation=(dh, dw))
    oh, ow = (H - dh * (kh - 1) - 1) // sh + 1, (W - dw * (kw - 1) - 1) // sw + 1
    assert cols.shape == (N, C * kh * kw, oh * ow) and cols.dtype == np.float32
    for n in range(N):
        for i in range(oh):
            for j in range(ow):
                window = x[n, :, i * sh : i * sh + dh * (kh - 1) + 1 : dh,
                           j * sw : j * sw + dw * (kw - 1) + 1 : dw]
                np.testing.assert_array_equal(cols[n, :, i * ow + j], window.ravel())
    assert cols.flags["C_CONTIGUOUS"] and not np.shares_memory(cols, x)


# ------------------------------------------------------------------------------ pad2d
def pad_cases(seed, count):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        ndim = int(rng.integers(2, 5))
        H, W = (int(v) for v in rng.integers(2, 7, size=2))
        shape = tuple(int(v) for v in rng.integers(1, 3, size=ndim - 2)) + (H, W)
        # numpy-style widths within the limits every mode accepts (reflect: < size)
        widths = ((int(rng.integers(0, H)), int(rng.integers(0, H))),
                  (int(rng.integers(0, W)), int(rng.integers(0, W))))
        cases.append(dict(shape=shape, widths=widths, seed=int(rng.integers(2**31))))
    return cases


PAD_CASES = pad_cases(seed=11, count=8)


def pad_id(case):
    return f"{'x'.join(map(str, case['shape']))}-{case['widths']}".replace(" ", "")


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", PAD_CASES, ids=pad_id)
def test_pad2d_matches_numpy_pad(case, mode):
    """pad2d pads only the last two axes, exactly like numpy.pad's equivalent mode."""
    x = np.random.default_rng(case["seed"]).standard_normal(case["shape"])
    widths = [(0, 0)] * (x.ndim - 2) + list(case["widths"])
    np.testing.assert_array_equal(cnnviz.pad2d(x, case["widths"], mode=mode),
                                  np.pad(x, widths, mode=NUMPY_MODE[mode]))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", PAD_CASES, ids=pad_id)
def test_pad2d_matches_torch_pad(case, mode):
    """pad2d equals torch.nn.functional.pad in the same mode."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(case["seed"]).standard_normal(case["shape"])
    xt = torch.from_numpy(x if x.ndim > 2 else x[None])
    (t, b), (left, right) = case["widths"]
    expected = torch.nn.functional.pad(xt, (left, right, t, b), mode=TORCH_MODE[mode]).numpy()
    np.testing.assert_array_equal(cnnviz.pad2d(x, case["widths"], mode=mode),
                                  expected if x.ndim > 2 else expected[0])


def test_pad2d_int_and_pair_spellings():
    """An int pads every side; a pair (ph, pw) pads top/bottom by ph and left/right by pw."""
    x = np.arange(6.0).reshape(2, 3)
    assert cnnviz.pad2d(x, 1).shape == (4, 5)
    np.testing.assert_array_equal(cnnviz.pad2d(x, (1, 2)), np.pad(x, [(1, 1), (2, 2)]))
    np.testing.assert_array_equal(cnnviz.pad2d(x, ((0, 2), (1, 0))), np.pad(x, [(0, 2), (1, 0)]))


def test_pad2d_constant_value_and_dtype():
    """mode="zeros" fills with ``value``; float32 stays float32 and the input is untouched."""
    x = np.ones((1, 2, 2), dtype=np.float32)
    out = cnnviz.pad2d(x, 1, value=-3.5)
    assert out.dtype == np.float32
    assert out[0, 0, 0] == -3.5 and out[0, 1, 1] == 1.0
    assert (out == -3.5).sum() == 16 - 4
    np.testing.assert_array_equal(x, np.ones((1, 2, 2)))


# ------------------------------------------------------------------- grouped convolution
def grouped_cases(seed, count):
    """Random conv2d cases with ``groups`` 1 to 4, the channel counts multiples of it."""
    rng = np.random.default_rng(seed)
    cases = []
    for case in conv_cases(seed, count):
        groups = int(rng.integers(1, 5))
        O, C, kh, kw = case["w_shape"]
        x_shape = list(case["x_shape"])
        x_shape[-3] = C * groups
        cases.append({**case, "x_shape": tuple(x_shape), "w_shape": (O * groups, C, kh, kw),
                      "groups": groups})
    return cases


def grouped_id(case):
    return f"{case_id(case)}-g{case['groups']}"


def reference_grouped(x, w, b, *, groups, **kw):
    """Grouped convolution as independent ungrouped scipy convolutions, one per group."""
    per_in, per_out = w.shape[1], w.shape[0] // groups
    parts = [
        reference_conv2d(x[..., g * per_in : (g + 1) * per_in, :, :],
                         w[g * per_out : (g + 1) * per_out],
                         None if b is None else b[g * per_out : (g + 1) * per_out], **kw)
        for g in range(groups)
    ]
    return np.concatenate(parts, axis=-3)


GROUPED_CASES = grouped_cases(seed=15, count=30)


@pytest.mark.parametrize("case", GROUPED_CASES, ids=grouped_id)
def test_grouped_conv2d_matches_a_scipy_reference_per_group(case):
    """conv2d and conv2d_naive with groups equal one scipy convolution per channel group."""
    x, w, b = case_arrays(case)
    expected = reference_grouped(x, w, b, groups=case["groups"], **settings(case))
    for conv in (cnnviz.conv2d, cnnviz.conv2d_naive):
        got = conv(x, w, b, groups=case["groups"], **settings(case))
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", GROUPED_CASES, ids=grouped_id)
def test_grouped_conv2d_matches_torch(case):
    """conv2d(groups=g) equals torch.nn.functional.conv2d(groups=g)."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; skipping the comparison")
    F = torch.nn.functional
    x, w, b = case_arrays(case)
    (t, bot), (left, right) = explicit_pads(case["padding"], w.shape[2:], pair(case["dilation"]))
    xt = F.pad(torch.from_numpy(x if x.ndim == 4 else x[None]), (left, right, t, bot))
    expected = F.conv2d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                        stride=pair(case["stride"]), dilation=pair(case["dilation"]),
                        groups=case["groups"]).numpy()
    got = cnnviz.conv2d(x, w, b, groups=case["groups"], **settings(case))
    np.testing.assert_allclose(got, expected if x.ndim == 4 else expected[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("groups", [2, 3, 6])
def test_grouped_conv2d_equals_ungrouped_with_a_block_diagonal_weight(groups):
    """A grouped filter bank is an ordinary one whose weights outside the group are zero."""
    rng = np.random.default_rng(groups)
    C, O = 6, 12
    x, w = rng.standard_normal((2, C, 7, 6)), rng.standard_normal((O, C // groups, 3, 3))
    full = np.zeros((O, C, 3, 3))
    for o in range(O):
        g = o // (O // groups)
        full[o, g * (C // groups) : (g + 1) * (C // groups)] = w[o]
    np.testing.assert_allclose(cnnviz.conv2d(x, w, groups=groups, padding=1),
                               cnnviz.conv2d(x, full, padding=1), rtol=1e-12, atol=1e-12)


def test_depthwise_conv2d_filters_each_channel_alone():
    """groups == C: output channel c is channel c correlated with filter c, nothing else."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((4, 9, 8)), rng.standard_normal((4, 1, 3, 3))
    out = cnnviz.conv2d(x, w, groups=4, stride=2)
    for c in range(4):
        np.testing.assert_allclose(
            out[c], scipy.signal.correlate2d(x[c], w[c, 0], mode="valid")[::2, ::2], atol=1e-12)


def test_grouped_conv2d_keeps_float32():
    """float32 input and weights give a float32 grouped result."""
    x, w = np.ones((4, 5, 5), np.float32), np.ones((6, 2, 3, 3), np.float32)
    out = cnnviz.conv2d(x, w, groups=2)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full((6, 3, 3), 18.0, np.float32))
