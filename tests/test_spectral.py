"""Tests for cnnviz.spectral and the method="fft" of correlate2d and convolve2d.

References: ``scipy.signal.correlate2d``/``convolve2d`` on numpy-padded images (always),
the direct method (always) and ``torch.nn.functional.conv2d`` where PyTorch is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.errors import DoesNotFit
import scipy.signal

import cnnviz
from cnnviz.spectral import _fast_length, fft_correlate2d
from memory_support import peak_and_estimate

NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
PAD_MODES = list(NUMPY_MODE)


def dilate(kernel, dilation):
    dh, dw = dilation
    out = np.zeros(((kernel.shape[0] - 1) * dh + 1, (kernel.shape[1] - 1) * dw + 1))
    out[::dh, ::dw] = kernel
    return out


def image_cases(seed, count):
    """Seeded 2-D settings: odd, even and prime sizes; every spelling of padding that
    fits every pad mode (reflect needs padding < size); strides and dilations."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 8, size=2))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        kind = str(rng.choice(["pair", "pairs", "valid", "same", "full"]))
        stride = (1, 1) if kind == "same" else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        padding = {"pair": (int(rng.integers(0, 4)), int(rng.integers(0, 4))),
                   "pairs": tuple((int(rng.integers(0, 4)), int(rng.integers(0, 4)))
                                  for _ in "hw")}.get(kind, kind)
        pads = cnnviz.convolution.resolve_padding(padding, (kh, kw), stride=stride,
                                                  dilation=dilation)
        spans = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
        shape = tuple(int(rng.integers(max(max(p) + 1, span - sum(p), 1), span + 12))
                      for span, p in zip(spans, pads))
        cases.append(dict(shape=shape, kshape=(kh, kw), options=dict(
            stride=stride, padding=padding, dilation=dilation), pads=pads,
            seed=int(rng.integers(2**31))))
    return cases


CASES = image_cases(seed=1406, count=16)


def case_id(case):
    o = case["options"]
    return (f"{case['shape'][0]}x{case['shape'][1]}-k{case['kshape'][0]}x{case['kshape'][1]}"
            f"-s{o['stride']}-p{o['padding']}-d{o['dilation']}").replace(" ", "")


def arrays(case):
    rng = np.random.default_rng(case["seed"])
    return rng.standard_normal(case["shape"]), rng.standard_normal(case["kshape"])


# ---------------------------------------------------------------------- fft_correlate2d
@pytest.mark.parametrize("shape,kshape", [((1, 1), (1, 1)), ((7, 5), (7, 5)), ((13, 17), (1, 1)),
                                          ((31, 29), (9, 4)), ((64, 48), (15, 15)),
                                          ((101, 37), (30, 2))])
def test_fft_correlate2d_matches_scipy_valid(shape, kshape):
    """Prime and awkward sizes, kernels as large as the image: scipy's 'valid' numbers."""
    rng = np.random.default_rng(sum(shape) + sum(kshape))
    image, kernel = rng.standard_normal(shape), rng.standard_normal(kshape)
    got = fft_correlate2d(image, kernel)
    expected = scipy.signal.correlate2d(image, kernel, mode="valid")
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_fft_sizes_are_the_smallest_5_smooth_lengths():
    """_fast_length(n) is the least 2^a 3^b 5^c >= n (checked by walking up from n)."""
    def smooth(m):
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        return m == 1

    for n in range(1, 300):
        m = n
        while not smooth(m):
            m += 1
        assert _fast_length(n) == m


# ------------------------------------------------------------- correlate2d(method="fft")
@pytest.mark.parametrize("pad_mode", PAD_MODES)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_fft_correlate2d_equals_direct_and_scipy(case, pad_mode):
    """method="fft" gives the direct numbers for every pad mode, padding, stride, dilation."""
    image, kernel = arrays(case)
    fft = cnnviz.correlate2d(image, kernel, pad_mode=pad_mode, method="fft", **case["options"])
    direct = cnnviz.correlate2d(image, kernel, pad_mode=pad_mode, **case["options"])
    assert fft.shape == direct.shape
    np.testing.assert_allclose(fft, direct, rtol=1e-10, atol=1e-10)
    s = case["options"]["stride"]
    padded = np.pad(image, case["pads"], mode=NUMPY_MODE[pad_mode])
    expected = scipy.signal.correlate2d(padded, dilate(kernel, case["options"]["dilation"]),
                                        mode="valid")[:: s[0], :: s[1]]
    np.testing.assert_allclose(fft, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("pad_mode", PAD_MODES)
@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_fft_convolve2d_equals_direct_and_scipy(case, pad_mode):
    image, kernel = arrays(case)
    fft = cnnviz.convolve2d(image, kernel, pad_mode=pad_mode, method="fft", **case["options"])
    np.testing.assert_allclose(
        fft, cnnviz.convolve2d(image, kernel, pad_mode=pad_mode, **case["options"]),
        rtol=1e-10, atol=1e-10)
    s = case["options"]["stride"]
    padded = np.pad(image, case["pads"], mode=NUMPY_MODE[pad_mode])
    expected = scipy.signal.convolve2d(padded, dilate(kernel, case["options"]["dilation"]),
                                       mode="valid")[:: s[0], :: s[1]]
    np.testing.assert_allclose(fft, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CASES[::3], ids=case_id)
def test_fft_correlate2d_matches_torch(case):
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    image, kernel = arrays(case)
    (t, b), (left, right) = case["pads"]
    xt = F.pad(torch.from_numpy(image)[None, None], (left, right, t, b))
    expected = F.conv2d(xt, torch.from_numpy(kernel)[None, None],
                        stride=case["options"]["stride"], dilation=case["options"]["dilation"])
    np.testing.assert_allclose(cnnviz.correlate2d(image, kernel, method="fft", **case["options"]),
                               expected[0, 0].numpy(), rtol=1e-10, atol=1e-10)


def test_float32_stays_float32_within_float32_rounding():
    rng = np.random.default_rng(2)
    image = rng.standard_normal((40, 33)).astype(np.float32)
    kernel = rng.standard_normal((9, 9)).astype(np.float32)
    fft = cnnviz.correlate2d(image, kernel, padding="same", method="fft")
    assert fft.dtype == np.float32
    exact = cnnviz.correlate2d(image.astype(float), kernel.astype(float), padding="same")
    np.testing.assert_allclose(fft, exact, rtol=0, atol=1e-5 * np.abs(exact).max())


def test_integer_image_gives_the_integers_up_to_rounding():
    """Integers go through float64 FFTs: within 1e-9 of the exact integer results."""
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(30, 30), dtype=np.uint8)
    kernel = rng.integers(-3, 4, size=(5, 5))
    fft = cnnviz.correlate2d(image, kernel, method="fft")
    assert fft.dtype == np.float64
    np.testing.assert_allclose(fft, cnnviz.correlate2d(image, kernel), rtol=0, atol=1e-9)


def test_bad_method_and_misfits_are_refused_like_direct():
    with pytest.raises(ValueError, match=r"method must be one of 'direct', 'fft'; got 'FFT'"):
        cnnviz.correlate2d(np.ones((4, 4)), np.ones((2, 2)), method="FFT")
    with pytest.raises(ValueError, match=r"method must be one of 'direct', 'fft'; got 'fast'"):
        cnnviz.convolve2d(np.ones((4, 4)), np.ones((2, 2)), method="fast")
    for method in ("direct", "fft"):
        # the same explained type as the direct path, so an explorer says why (DoesNotFit)
        with pytest.raises(DoesNotFit, match=r"width: kernel_size 5 does not fit the input: "
                                             r"size 4 \+ 2\*padding 0 = 4 < 5; use padding >= 1"):
            cnnviz.correlate2d(np.ones((6, 4)), np.ones((3, 5)), method=method)
    with pytest.raises(ValueError, match=r"height: kernel_size 3 does not fit the input: "
                                         r"size 2 \+ 2\*padding 0 = 2 < 3"):
        fft_correlate2d(np.ones((2, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"image must be 2-D; got 3-D"):
        fft_correlate2d(np.ones((1, 2, 5)), np.ones((1, 1)))


def test_padding_too_large_for_memory_is_refused_before_allocating():
    """Padding 10**5 around an 8x8 image asks for TiBs: refused, having allocated next to
    nothing (the message names the padded size)."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"would need [\d.]+ TiB of memory; the limit is "
                                             r"1.0 GiB"):
            cnnviz.correlate2d(np.ones((8, 8)), np.ones((3, 3)), padding=10**5, method="fft")
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()


def test_fft_memory_refusal_names_the_request(monkeypatch):
    monkeypatch.setattr(cnnviz._validate, "MEMORY_LIMIT", 2**20)
    with pytest.raises(ValueError, match=r"fft_correlate2d of an image of shape \(256, 256\) "
                                         r"would need 3.0 MiB of memory; the limit is 1.0 MiB"):
        fft_correlate2d(np.ones((256, 256)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"correlate2d\(method='fft'\) of an image of shape "
                                         r"\(250, 250\) padded to \(256, 256\) would need 3.5 MiB"):
        cnnviz.correlate2d(np.ones((250, 250)), np.ones((7, 7)), padding=3, method="fft")


@pytest.mark.parametrize("run", [
    lambda im=np.ones((300, 257)), k=np.ones((31, 31)): cnnviz.correlate2d(
        im, k, padding="same", method="fft"),
    lambda im=np.ones((200, 211)), k=np.ones((9, 9)): cnnviz.correlate2d(
        im, k, padding=4, pad_mode="reflect", stride=2, method="fft"),
    lambda im=np.ones((256, 256)), k=np.ones((15, 15)): fft_correlate2d(im, k),
], ids=["same", "reflect", "valid"])
def test_memory_estimate_covers_what_is_really_allocated(run, monkeypatch):
    """At least 0.9x the traced peak and at most 4x it; a limit just below refuses."""
    from cnnviz import _validate

    peak, estimate = peak_and_estimate(run, monkeypatch, "spectral")
    assert 0.9 * peak <= estimate <= 4 * peak, (estimate, peak)
    monkeypatch.setattr(_validate, "MEMORY_LIMIT", estimate - 1)
    with pytest.raises(ValueError, match="would need"):
        run()
