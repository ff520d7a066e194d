"""Tests for cnnviz.sequence: conv1d and conv1d_naive, causal padding included.

References: the loops (always), ``scipy.signal.lfilter`` for causal filtering (always:
an FIR filter is causal by definition), and ``torch.nn.functional.conv1d`` (with
``F.pad`` for the spellings PyTorch lacks) where PyTorch is installed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal

import cnnviz
from cnnviz.sequence import conv1d, conv1d_naive
from memory_support import peak_and_estimate


def explicit_pads(padding, k, dilation):
    """(left, right) from the definitions: "same" puts the odd zero right, "causal" all left."""
    span = dilation * (k - 1)
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span, 0
    if padding == "same":
        return span // 2, span - span // 2
    if isinstance(padding, int):
        return padding, padding
    return tuple(padding)


def seq_cases(seed, count):
    """Seeded random conv1d settings: groups, strides, dilations, every padding spelling."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        groups = int(rng.integers(1, 4))
        C, O = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        k, d = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        kind = str(rng.choice(["int", "pair", "valid", "same", "causal"]))
        padding = {"int": int(rng.integers(0, 4)),
                   "pair": (int(rng.integers(0, 4)), int(rng.integers(0, 4)))}.get(kind, kind)
        stride = 1 if padding == "same" else int(rng.integers(1, 4))
        left, right = explicit_pads(padding, k, d)
        L = int(rng.integers(max(1, d * (k - 1) + 1 - left - right), d * (k - 1) + 12))
        batched = bool(rng.integers(0, 2))
        cases.append(dict(
            x_shape=(int(rng.integers(1, 4)), C, L) if batched else (C, L),
            w_shape=(O, C // groups, k), with_bias=bool(rng.integers(0, 2)),
            options=dict(stride=stride, padding=padding, dilation=d, groups=groups),
            seed=int(rng.integers(2**31)),
        ))
    return cases


def case_id(case):
    o = case["options"]
    return (f"x{'x'.join(map(str, case['x_shape']))}-w{'x'.join(map(str, case['w_shape']))}"
            f"-s{o['stride']}-p{o['padding']}-d{o['dilation']}-g{o['groups']}").replace(" ", "")


def case_arrays(case, dtype=np.float64):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["x_shape"]).astype(dtype)
    w = rng.standard_normal(case["w_shape"]).astype(dtype)
    b = rng.standard_normal(case["w_shape"][0]).astype(dtype) if case["with_bias"] else None
    return x, w, b


CASES = seq_cases(seed=141, count=50)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_conv1d_equals_the_loops(case):
    x, w, b = case_arrays(case)
    np.testing.assert_allclose(conv1d(x, w, b, **case["options"]),
                               conv1d_naive(x, w, b, **case["options"]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_conv1d_matches_torch(case):
    """Equal to F.conv1d: directly for int/"valid"/"same", through F.pad for pairs and causal."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    x, w, b = case_arrays(case)
    o = dict(case["options"])
    xt = torch.from_numpy(x if x.ndim == 3 else x[None])
    if not isinstance(o["padding"], (int, str)) or o["padding"] == "causal":
        xt = F.pad(xt, explicit_pads(o.pop("padding"), w.shape[2], o["dilation"]))
    with warnings.catch_warnings():  # torch warns that even "same" kernels need a padded copy
        warnings.simplefilter("ignore", UserWarning)
        expected = F.conv1d(xt, torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                            **o).numpy()
    got = conv1d(x, w, b, **case["options"])
    np.testing.assert_allclose(got, expected if x.ndim == 3 else expected[0],
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("case", CASES[:10], ids=case_id)
def test_float32_stays_float32(case):
    x, w, b = case_arrays(case, np.float32)
    got = conv1d(x, w, b, **case["options"])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, conv1d(x.astype(float), w.astype(float),
                                           None if b is None else b.astype(float),
                                           **case["options"]), rtol=1e-4, atol=1e-4)


def dilate(kernel, d):
    out = np.zeros(d * (len(kernel) - 1) + 1)
    out[::d] = kernel
    return out


@pytest.mark.parametrize("k,d", [(1, 1), (2, 1), (3, 1), (2, 4), (5, 2)])
def test_causal_conv1d_is_a_causal_fir_filter(k, d):
    """Causal padding equals scipy.signal.lfilter with the (dilated) kernel reversed:
    y[t] = sum_m b[m] x[t - m], the textbook causal filter. Length L is kept."""
    rng = np.random.default_rng(k * 10 + d)
    x, w = rng.standard_normal(40), rng.standard_normal(k)
    expected = scipy.signal.lfilter(dilate(w, d)[::-1], [1.0], x)
    got = conv1d(x[None], w[None, None], padding="causal", dilation=d)[0]
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_causal_output_never_depends_on_the_future():
    """Changing x[t + 1:] leaves out[:t + 1] as it was; changing x[t] changes out[t]."""
    rng = np.random.default_rng(8)
    x, w = rng.standard_normal((2, 30)), rng.standard_normal((3, 2, 4))
    out = conv1d(x, w, padding="causal", dilation=2)
    for t in (0, 7, 29):
        later = x.copy()
        later[:, t + 1 :] = rng.standard_normal(later[:, t + 1 :].shape)
        np.testing.assert_array_equal(conv1d(later, w, padding="causal", dilation=2)[:, : t + 1],
                                      out[:, : t + 1])
        now = x.copy()
        now[:, t] += 1.0
        assert not np.allclose(conv1d(now, w, padding="causal", dilation=2)[:, t], out[:, t])


def test_dilated_causal_stack_sees_16_samples():
    """k = 2 with dilations 1, 2, 4, 8: the last output depends on exactly the last 16
    inputs (receptive field 1 + (1 + 2 + 4 + 8) = 16, WaveNet's stack)."""
    L = 40
    w = np.ones((1, 1, 2))

    def stack(x):
        for d in (1, 2, 4, 8):
            x = conv1d(x, w, padding="causal", dilation=d)
        return x

    seen = [j for j in range(L) if stack(np.eye(L)[j][None])[0, -1] != 0]
    assert seen == list(range(L - 16, L))


def test_same_padding_keeps_the_length_and_puts_the_odd_zero_right():
    x = np.arange(1.0, 6.0)[None]
    out = conv1d(x, [[[1.0, 0.0]]], padding="same")           # picks x[t]: zero goes right
    np.testing.assert_array_equal(out, x)
    out = conv1d(x, [[[0.0, 1.0]]], padding="same")           # picks x[t + 1]
    np.testing.assert_array_equal(out, [[2.0, 3.0, 4.0, 5.0, 0.0]])


def test_groups_keep_channel_blocks_apart():
    """groups=2 equals two separate convolutions on the two halves, stacked."""
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((2, 4, 12)), rng.standard_normal((6, 2, 3))
    got = conv1d(x, w, groups=2, stride=2)
    halves = [conv1d(x[:, 2 * g : 2 * g + 2], w[3 * g : 3 * g + 3], stride=2) for g in (0, 1)]
    np.testing.assert_allclose(got, np.concatenate(halves, axis=1))


def test_conv1d_is_conv2d_on_a_one_row_image():
    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((3, 20)), rng.standard_normal((4, 3, 5))
    np.testing.assert_allclose(
        conv1d(x, w, stride=2, padding=3, dilation=2),
        cnnviz.conv2d(x[:, None], w[:, :, None], stride=2, padding=(0, 3), dilation=2)[:, 0],
    )


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(padding="same", stride=2), ValueError,
     r"padding='same' needs stride 1; got stride 2 \(give the padding as a number, or use 'causal'\)"),
    (dict(padding="full"), ValueError,
     r"padding must be one of 'valid', 'same', 'causal'; got 'full'"),
    (dict(padding=(1, 2, 3)), ValueError, r"padding must be an int, a pair \(left, right\)"),
    (dict(padding=-2), ValueError, r"padding must be a non-negative integer; got -2"),
    (dict(stride=0), ValueError, r"stride must be a positive integer; got 0"),
    (dict(dilation=True), TypeError, r"dilation must be a positive integer; got True"),
    (dict(groups=3), ValueError, r"groups must divide the 4 input channels; got groups 3"),
    (dict(dilation=3), ValueError, r"length: kernel_size 3 with dilation 3 \(it spans 7 pixels\) "
                                   r"does not fit the input: size 6 \+ 2\*padding 0 = 6 < 7"),
])
def test_bad_options_are_refused_with_the_reason(kwargs, error, match):
    x, w = np.ones((4, 6)), np.ones((2, 4, 3))
    with pytest.raises(error, match=match):
        conv1d(x, w, **kwargs)
    with pytest.raises(error, match=match):
        conv1d_naive(x, w, **kwargs)


def test_bad_arrays_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"groups must divide the 3 output channels "
                                         r"\(weight.shape\[0\]\); got groups 2"):
        conv1d(np.ones((4, 6)), np.ones((3, 2, 3)), groups=2)
    with pytest.raises(ValueError, match=r"weight has depth 4 .* but the input has 4 channels in 2 "
                                         r"groups: each filter must span C // groups = 2 channels"):
        conv1d(np.ones((4, 6)), np.ones((2, 4, 3)), groups=2)
    with pytest.raises(ValueError, match=r"bias must have one value per output channel \(2\); "
                                         r"got length 3"):
        conv1d(np.ones((4, 6)), np.ones((2, 4, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"x must be 2-D or 3-D; got 4-D"):
        conv1d(np.ones((1, 1, 4, 6)), np.ones((2, 1, 3)))


def test_padding_too_large_for_memory_is_refused_before_allocating():
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"conv1d of \(1, 2, 8\) with padding \(1000000000, "
                                             r"1000000000\) would need [\d.]+ GiB of memory; the "
                                             r"limit is 1.0 GiB"):
            conv1d(np.ones((2, 8)), np.ones((3, 2, 3)), padding=10**9)
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("run", [
    lambda x=np.ones((8, 16, 5000)), w=np.ones((16, 16, 5)): conv1d(x, w, padding="causal",
                                                                    dilation=4),
    lambda x=np.ones((2, 6, 700)), w=np.ones((4, 3, 3)): conv1d(x, w, stride=3, groups=2),
    lambda x=np.ones((1, 2, 300)), w=np.ones((3, 2, 5)): conv1d_naive(x, w, padding=(40, 3)),
], ids=["causal", "groups", "loops"])
def test_memory_estimate_covers_what_is_really_allocated(run, monkeypatch):
    """At least 0.9x the traced peak and at most 4x it; a limit just below refuses."""
    from cnnviz import _validate

    peak, estimate = peak_and_estimate(run, monkeypatch, "sequence")
    assert 0.9 * peak <= estimate <= 4 * peak, (estimate, peak)
    monkeypatch.setattr(_validate, "MEMORY_LIMIT", estimate - 1)
    with pytest.raises(ValueError, match="would need"):
        run()
