"""Tests for cnnviz.matrices: conv2d_matrix, the convolution written as a matrix.

References: conv2d and its loops (M @ x), conv2d_backward and conv_transpose2d
(M.T @ g), and PyTorch's conv2d applied to every basis image (the Jacobian) where
PyTorch is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.errors import DoesNotFit

import cnnviz
from cnnviz.matrices import conv2d_matrix


def matrix_cases(seed, count):
    """Seeded random shapes, strides, dilations and padding spellings that fit."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        kind = str(rng.choice(["int", "pair", "pairs", "valid", "same", "full"]))
        padding = {
            "int": int(rng.integers(0, 3)),
            "pair": (int(rng.integers(0, 3)), int(rng.integers(0, 3))),
            "pairs": tuple((int(rng.integers(0, 3)), int(rng.integers(0, 3))) for _ in "hw"),
        }.get(kind, kind)
        if padding == "same":
            stride = (1, 1)
        pads = cnnviz.convolution.resolve_padding(padding, (kh, kw), stride=stride,
                                                  dilation=dilation)
        hw = tuple(int(rng.integers(max(1, d * (k - 1) + 1 - sum(p)), 8))
                   for k, d, p in zip((kh, kw), dilation, pads))
        C, O = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        cases.append(dict(input_shape=(C, *hw), w_shape=(O, C, kh, kw),
                          options=dict(stride=stride, padding=padding, dilation=dilation),
                          seed=int(rng.integers(2**31))))
    return cases


def case_id(case):
    o = case["options"]
    return (f"x{'x'.join(map(str, case['input_shape']))}-w{'x'.join(map(str, case['w_shape']))}"
            f"-s{o['stride']}-p{o['padding']}-d{o['dilation']}").replace(" ", "")


CASES = matrix_cases(seed=4, count=30)


def arrays(case):
    rng = np.random.default_rng(case["seed"])
    return rng.standard_normal(case["input_shape"]), rng.standard_normal(case["w_shape"])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matrix_times_input_is_the_convolution(case):
    """M @ x.ravel() equals conv2d and the loops of conv2d_naive, raveled."""
    x, w = arrays(case)
    M = conv2d_matrix(x.shape, w, **case["options"])
    out = cnnviz.conv2d(x, w, **case["options"])
    assert M.shape == (out.size, x.size)
    np.testing.assert_allclose(M @ x.ravel(), out.ravel(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(M @ x.ravel(), cnnviz.conv2d_naive(x, w, **case["options"]).ravel(),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_transpose_times_output_gradient_is_the_input_gradient(case):
    """M.T @ g.ravel() equals conv2d_backward's gradient with respect to x."""
    x, w = arrays(case)
    M = conv2d_matrix(x.shape, w, **case["options"])
    g = np.random.default_rng(case["seed"] + 1).standard_normal(M.shape[0])
    out_shape = cnnviz.conv2d(x, w, **case["options"]).shape
    grad_x = cnnviz.conv2d_backward(x, w, g.reshape(out_shape), **case["options"])[0]
    np.testing.assert_allclose(M.T @ g, grad_x.ravel(), rtol=1e-12, atol=1e-12)


def test_transpose_is_the_transposed_convolution():
    """The curriculum's pair: M is 4x16 for a 4x4 input and 3x3 kernel; M.T (16x4) maps a
    2x2 map to 4x4, exactly as conv_transpose2d does."""
    rng = np.random.default_rng(14)
    w = rng.standard_normal((1, 1, 3, 3))
    M = conv2d_matrix((1, 4, 4), w)
    assert M.shape == (4, 16) and M.T.shape == (16, 4)
    g = rng.standard_normal((1, 2, 2))
    np.testing.assert_allclose(M.T @ g.ravel(), cnnviz.conv_transpose2d(g, w).ravel())
    # With stride 2 and padding 1 as well (output_padding 1 restores the 4th row/column).
    M = conv2d_matrix((1, 4, 4), w, stride=2, padding=1)
    np.testing.assert_allclose(
        M.T @ g.ravel(),
        cnnviz.conv_transpose2d(g, w, stride=2, padding=1, output_padding=1).ravel(),
    )


def test_rows_hold_the_kernel_taps_and_shift_with_the_window():
    """Each row of the 4x16 matrix holds the 9 taps and 7 zeros; the row of output (0, 1)
    is the row of (0, 0) moved one column right, and (1, 0) is it moved one image row."""
    w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    M = conv2d_matrix((1, 4, 4), w)
    assert [np.count_nonzero(row) for row in M] == [9, 9, 9, 9]
    np.testing.assert_array_equal(M[0].reshape(4, 4)[:3, :3], w[0, 0])
    np.testing.assert_array_equal(M[1], np.roll(M[0], 1))
    np.testing.assert_array_equal(M[2], np.roll(M[0], 4))
    np.testing.assert_array_equal(M[3], np.roll(M[0], 5))


@pytest.mark.parametrize("case", CASES[::3], ids=case_id)
def test_matrix_is_torch_conv2d_jacobian(case):
    """Column k of M is PyTorch's conv2d of the k-th basis image (one pixel set to 1)."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    import torch.nn.functional as F

    x, w = arrays(case)
    o = case["options"]
    (t, b), (left, right) = cnnviz.convolution.resolve_padding(
        o["padding"], w.shape[2:], stride=o["stride"], dilation=o["dilation"])
    basis = torch.eye(x.size, dtype=torch.float64).reshape(x.size, *x.shape)
    out = F.conv2d(F.pad(basis, (left, right, t, b)), torch.from_numpy(w), stride=o["stride"],
                   dilation=o["dilation"])
    np.testing.assert_allclose(conv2d_matrix(x.shape, w, **o), out.reshape(x.size, -1).T.numpy(),
                               rtol=1e-12, atol=1e-12)


def test_dtype_follows_the_weight():
    assert conv2d_matrix((1, 3, 3), np.ones((1, 1, 2, 2), np.float32)).dtype == np.float32
    assert conv2d_matrix((1, 3, 3), np.ones((1, 1, 2, 2), np.int64)).dtype == np.float64


def test_refuses_a_matrix_over_the_memory_limit_naming_its_size():
    """A 224x224 RGB image with 64 3x3 filters would be a 3,154,176 x 150,528 matrix."""
    with pytest.raises(ValueError, match=r"conv2d_matrix for input_shape \(3, 224, 224\) and weight "
                                         r"\(64, 3, 3, 3\) \(3,154,176 x 150,528 entries\) would "
                                         r"need 3.5 TiB of memory; the limit is 1.0 GiB"):
        conv2d_matrix((3, 224, 224), np.ones((64, 3, 3, 3)))


def test_memory_limit_is_read_when_called(monkeypatch):
    """Lowering cnnviz._validate.MEMORY_LIMIT refuses a matrix that fitted before."""
    assert conv2d_matrix((1, 8, 8), np.ones((1, 1, 3, 3))).nbytes == 36 * 64 * 8
    monkeypatch.setattr(cnnviz._validate, "MEMORY_LIMIT", 36 * 64 * 8 - 1)
    with pytest.raises(ValueError, match=r"\(36 x 64 entries\) would need 18.0 KiB of memory; "
                                         r"the limit is 18.0 KiB"):
        conv2d_matrix((1, 8, 8), np.ones((1, 1, 3, 3)))


@pytest.mark.parametrize("args,kwargs,error,match", [
    (((4, 4), np.ones((1, 1, 3, 3))), {}, ValueError, r"input_shape must be \(C, H, W\); got \(4, 4\)"),
    (((1, 0, 4), np.ones((1, 1, 3, 3))), {}, ValueError, r"input_shape must be a positive integer; got 0"),
    (((2, 4, 4), np.ones((1, 1, 3, 3))), {}, ValueError,
     r"weight has depth 1 \(shape \(1, 1, 3, 3\)\) but input_shape has 2 channels"),
    (((1, 4, 4), np.ones((3, 3))), {}, ValueError, r"weight must be 4-D; got 2-D"),
    (((1, 2, 4), np.ones((1, 1, 3, 3))), {}, DoesNotFit,
     r"height: kernel_size 3 does not fit the input: size 2 \+ 2\*padding 0 = 2 < 3"),
    (((1, 4, 4), np.ones((1, 1, 3, 3))), dict(stride=0), ValueError,
     r"stride must be a positive integer; got 0"),
    (((1, 4, 4), np.ones((1, 1, 3, 3))), dict(padding="same", stride=2), ValueError,
     r"padding='same' needs stride 1"),
])
def test_bad_input_is_refused_with_the_reason(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        conv2d_matrix(*args, **kwargs)
