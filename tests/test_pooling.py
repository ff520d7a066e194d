"""Tests for cnnviz.pooling: max_pool2d and avg_pool2d with PyTorch's semantics.

References: plain loops written here from PyTorch's CPU kernels (so the tests mean
something without torch), and torch.nn.functional where installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz


# ------------------------------------------------------------------ plain-loop reference
def reference_out_size(n, k, s, p, ceil_mode):
    """PyTorch's pooling_output_shape, written out."""
    room = n + 2 * p - k
    out = (-(-room // s) if ceil_mode else room // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside
        out -= 1
    return out


def reference_pool(x, kernel, stride, padding, ceil_mode, kind, count_include_pad=True):
    """Max (value, first-winner flat index) or average pooling, one window at a time.

    Window ``(i, j)`` starts at ``i*s - p``; the part past the right padding is cut
    off; the average divides by the window clipped to the padded input
    (``count_include_pad``) or to the input itself.
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    *lead, H, W = x.shape
    oh = reference_out_size(H, kh, sh, ph, ceil_mode)
    ow = reference_out_size(W, kw, sw, pw, ceil_mode)
    planes = x.reshape(-1, H, W)
    values = np.zeros((planes.shape[0], oh, ow))
    indices = np.zeros((planes.shape[0], oh, ow), dtype=np.int64)
    for c, plane in enumerate(planes):
        for i in range(oh):
            for j in range(ow):
                h0, w0 = i * sh - ph, j * sw - pw
                h1, w1 = min(h0 + kh, H + ph), min(w0 + kw, W + pw)
                padded_area = (h1 - h0) * (w1 - w0)
                h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, H), min(w1, W)
                if kind == "avg":
                    total = sum(plane[r, q] for r in range(h0, h1) for q in range(w0, w1))
                    area = padded_area if count_include_pad else (h1 - h0) * (w1 - w0)
                    values[c, i, j] = total / area
                    continue
                best, where = -np.inf, h0 * W + w0
                for r in range(h0, h1):
                    for q in range(w0, w1):
                        if plane[r, q] > best:
                            best, where = plane[r, q], r * W + q
                values[c, i, j], indices[c, i, j] = best, where
    shape = (*lead, oh, ow)
    return values.reshape(shape), indices.reshape(shape)


# ---------------------------------------------------------------------- random cases
def pool_cases(seed, count):
    """Seeded pooling settings: kernels, strides (default or given), padding <= k // 2, ceil."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kernel = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride = None if rng.integers(0, 3) == 0 else (int(rng.integers(1, 4)),
                                                         int(rng.integers(1, 4)))
        padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        ceil_mode = bool(rng.integers(0, 2))
        H, W = (int(v) for v in rng.integers(1, 11, size=2))
        s = kernel if stride is None else stride
        if min(reference_out_size(H, kernel[0], s[0], padding[0], ceil_mode),
               reference_out_size(W, kernel[1], s[1], padding[1], ceil_mode)) < 1:
            continue  # no window fits: tested in test_validation
        lead = (int(rng.integers(1, 3)), int(rng.integers(1, 4)))
        shape = (*lead, H, W) if rng.integers(0, 2) else (lead[1], H, W)
        cases.append(dict(shape=shape, kernel=kernel, stride=stride, padding=padding,
                          ceil_mode=ceil_mode, seed=int(rng.integers(2**31))))
    return cases


POOL_CASES = pool_cases(seed=31, count=30)


def case_id(case):
    return (f"x{'x'.join(map(str, case['shape']))}-k{case['kernel']}-s{case['stride']}"
            f"-p{case['padding']}{'-ceil' if case['ceil_mode'] else ''}").replace(" ", "")


def kwargs(case):
    return dict(stride=case["stride"], padding=case["padding"], ceil_mode=case["ceil_mode"])


def case_input(case):
    return np.random.default_rng(case["seed"]).standard_normal(case["shape"])


def stride_of(case):
    return case["kernel"] if case["stride"] is None else case["stride"]


# -------------------------------------------------------------------------- max pooling
@pytest.mark.parametrize("case", POOL_CASES, ids=case_id)
def test_max_pool2d_matches_loop_reference(case):
    """max_pool2d values and per-channel flat indices equal the plain-loop reference."""
    x = case_input(case)
    out, idx = cnnviz.max_pool2d(x, case["kernel"], return_indices=True, **kwargs(case))
    ref_out, ref_idx = reference_pool(x, case["kernel"], stride_of(case), case["padding"],
                                      case["ceil_mode"], "max")
    assert out.shape == ref_out.shape and idx.shape == ref_idx.shape
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(idx, ref_idx)
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(cnnviz.max_pool2d(x, case["kernel"], **kwargs(case)), out)


@pytest.mark.parametrize("case", POOL_CASES, ids=case_id)
def test_max_pool2d_matches_torch(case):
    """max_pool2d values and indices equal torch.nn.functional.max_pool2d."""
    torch = pytest.importorskip("torch")
    x = case_input(case)
    out, idx = cnnviz.max_pool2d(x, case["kernel"], return_indices=True, **kwargs(case))
    ref_out, ref_idx = torch.nn.functional.max_pool2d(
        torch.from_numpy(x), case["kernel"], stride=case["stride"], padding=case["padding"],
        ceil_mode=case["ceil_mode"], return_indices=True)
    np.testing.assert_array_equal(out, ref_out.numpy())
    np.testing.assert_array_equal(idx, ref_idx.numpy())


def test_max_pool2d_ties_pick_the_first_winner_like_torch():
    """On ties the index is the first maximum in row-major order, as in PyTorch."""
    rng = np.random.default_rng(32)
    x = rng.integers(0, 3, size=(2, 3, 7, 8)).astype(np.float64)  # many ties
    out, idx = cnnviz.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    ref_out, ref_idx = reference_pool(x, (3, 3), (2, 2), (1, 1), False, "max")
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(idx, ref_idx)


@pytest.mark.parametrize("case", POOL_CASES[:15], ids=case_id)
def test_max_pool2d_indices_point_at_the_values(case):
    """Gathering each channel's flattened input at the returned indices gives the output."""
    x = case_input(case)
    out, idx = cnnviz.max_pool2d(x, case["kernel"], return_indices=True, **kwargs(case))
    H, W = x.shape[-2:]
    assert idx.min() >= 0 and idx.max() < H * W
    flat = x.reshape(*x.shape[:-2], H * W)
    gathered = np.take_along_axis(flat, idx.reshape(*idx.shape[:-2], -1), axis=-1)
    np.testing.assert_array_equal(gathered.reshape(out.shape), out)


def test_max_pool2d_indices_stay_inside_the_input_when_values_are_minus_inf():
    """Windows of -inf inputs beside the -inf padding point at an input pixel, as in torch."""
    x = np.full((1, 3, 3), -np.inf)
    out, idx = cnnviz.max_pool2d(x, 2, padding=1, return_indices=True)
    assert np.all(out == -np.inf)
    # PyTorch returns the first input pixel of each window: [[0, 1], [3, 4]].
    np.testing.assert_array_equal(idx, [[[0, 1], [3, 4]]])


def test_max_pool2d_worked_example():
    """2x2 pooling of a 4x4 map keeps each quadrant's maximum and its flat position."""
    x = np.array([[[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]]])
    out, idx = cnnviz.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(out, [[[6, 5], [7, 9]]])
    np.testing.assert_array_equal(idx, [[[5, 6], [8, 10]]])


def test_max_pool2d_nan_wins_like_torch():
    """A NaN in a window makes that output NaN and its index points at the NaN."""
    x = np.arange(16.0).reshape(1, 4, 4)
    x[0, 2, 1] = np.nan
    out, idx = cnnviz.max_pool2d(x, 2, return_indices=True)
    assert np.isnan(out[0, 1, 0]) and idx[0, 1, 0] == 9
    assert np.isfinite(np.delete(out.ravel(), 2)).all()


# ---------------------------------------------------------------------- average pooling
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", POOL_CASES, ids=case_id)
def test_avg_pool2d_matches_loop_reference(case, count_include_pad):
    """avg_pool2d equals the plain-loop reference, including ceil mode's clipped divisor."""
    x = case_input(case)
    got = cnnviz.avg_pool2d(x, case["kernel"], count_include_pad=count_include_pad,
                            **kwargs(case))
    expected, _ = reference_pool(x, case["kernel"], stride_of(case), case["padding"],
                                 case["ceil_mode"], "avg", count_include_pad)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", POOL_CASES, ids=case_id)
def test_avg_pool2d_matches_torch(case, count_include_pad):
    """avg_pool2d equals torch.nn.functional.avg_pool2d."""
    torch = pytest.importorskip("torch")
    x = case_input(case)
    expected = torch.nn.functional.avg_pool2d(
        torch.from_numpy(x), case["kernel"], stride=case["stride"], padding=case["padding"],
        ceil_mode=case["ceil_mode"], count_include_pad=count_include_pad).numpy()
    got = cnnviz.avg_pool2d(x, case["kernel"], count_include_pad=count_include_pad,
                            **kwargs(case))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_avg_pool2d_padding_counts_only_when_asked():
    """With padding, border means shrink when zeros count and stay exact when they do not."""
    x = np.full((1, 4, 4), 8.0)
    np.testing.assert_array_equal(cnnviz.avg_pool2d(x, 2, padding=1, count_include_pad=False),
                                  np.full((1, 3, 3), 8.0))
    with_pad = cnnviz.avg_pool2d(x, 2, padding=1)
    np.testing.assert_array_equal(with_pad[0], [[2, 4, 2], [4, 8, 4], [2, 4, 2]])


# ------------------------------------------------------------------ shapes and dtypes
def test_ceil_mode_adds_a_partial_window_but_never_one_starting_in_the_padding():
    """5 wide, kernel 2: 2 windows, 3 in ceil mode; with padding 1 the extra window is dropped."""
    x = np.arange(25.0).reshape(1, 5, 5)
    assert cnnviz.max_pool2d(x, 2).shape == (1, 2, 2)
    assert cnnviz.max_pool2d(x, 2, ceil_mode=True).shape == (1, 3, 3)
    np.testing.assert_array_equal(cnnviz.max_pool2d(x, 2, ceil_mode=True)[0, 2], [21, 23, 24])
    # (5 + 2 - 2) / 2 rounds up to 3 -> 4 windows, but the 4th would start in the padding.
    assert cnnviz.max_pool2d(x, 2, padding=1, ceil_mode=True).shape == (1, 3, 3)


def test_stride_defaults_to_the_kernel_size():
    """Without a stride the windows do not overlap: stride = kernel_size."""
    x = np.random.default_rng(33).standard_normal((2, 9, 12))
    for pool in (cnnviz.max_pool2d, cnnviz.avg_pool2d):
        np.testing.assert_array_equal(pool(x, (3, 2)), pool(x, (3, 2), stride=(3, 2)))
        assert pool(x, (3, 2)).shape == (2, 3, 6)


@pytest.mark.parametrize("pool", [cnnviz.max_pool2d, cnnviz.avg_pool2d])
def test_pooling_dtypes(pool):
    """float32 stays float32; integers are pooled in float64; batches pool item by item."""
    rng = np.random.default_rng(34)
    x = rng.standard_normal((3, 2, 6, 6))
    assert pool(x.astype(np.float32), 2).dtype == np.float32
    ints = rng.integers(0, 256, size=(2, 6, 6)).astype(np.uint8)
    got = pool(ints, 3)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, pool(ints.astype(np.float64), 3))
    batch = pool(x, 2, padding=1)
    for item, out in zip(x, batch):
        np.testing.assert_array_equal(pool(item, 2, padding=1), out)
