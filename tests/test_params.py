"""Tests for cnnviz.params: parameter counts of convolution and dense layers."""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz


@pytest.mark.parametrize("args,kwargs,expected", [
    ((3, 6, 5), {}, 456),                  # six 5x5x3 filters plus 6 biases
    ((3, 96, 11), {}, 34_944),             # AlexNet (paper) conv1
    ((3, 64, 3), {}, 1_792),               # VGG conv1_1
    ((3, 8, (3, 5)), {"bias": False}, 360),
    ((512, 256, 3), {}, 1_179_904),
    ((1, 1, 1), {}, 2),
])
def test_conv2d_params_known_values(args, kwargs, expected):
    """conv2d_params reproduces hand-computed counts, with and without bias."""
    assert cnnviz.conv2d_params(*args, **kwargs) == expected


@pytest.mark.parametrize("args,kwargs,expected", [
    ((256 * 256 * 3, 1000), {}, 196_609_000),   # the curriculum's flattened photo
    ((50 * 50, 1000), {"bias": False}, 2_500_000),
    ((576, 256), {}, 147_712),
    ((512, 1), {}, 513),
    ((25088, 4096), {}, 102_764_544),           # VGG fc6
])
def test_dense_params_known_values(args, kwargs, expected):
    """dense_params reproduces hand-computed counts, with and without bias."""
    assert cnnviz.dense_params(*args, **kwargs) == expected


def test_conv2d_params_counts_weights_of_the_right_shape():
    """Random sweep: the count is the size of a (C_out, C_in, kh, kw) weight plus C_out biases."""
    rng = np.random.default_rng(41)
    for _ in range(50):
        cin, cout, kh, kw = (int(v) for v in rng.integers(1, 20, size=4))
        weights = np.empty((cout, cin, kh, kw)).size
        assert cnnviz.conv2d_params(cin, cout, (kh, kw)) == weights + cout
        assert cnnviz.conv2d_params(cin, cout, (kh, kw), bias=False) == weights
        if kh == kw:
            assert cnnviz.conv2d_params(cin, cout, kh) == weights + cout


@pytest.mark.parametrize("seed", range(5))
def test_counts_match_torch_layers(seed):
    """conv2d_params / dense_params equal the parameter count of torch.nn.Conv2d / Linear."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    cin, cout, kh, kw, fin, fout = (int(v) for v in rng.integers(1, 40, size=6))
    bias = bool(seed % 2)
    conv = torch.nn.Conv2d(cin, cout, (kh, kw), bias=bias)
    dense = torch.nn.Linear(fin, fout, bias=bias)
    assert cnnviz.conv2d_params(cin, cout, (kh, kw), bias=bias) == sum(
        p.numel() for p in conv.parameters())
    assert cnnviz.dense_params(fin, fout, bias=bias) == sum(p.numel() for p in dense.parameters())


def test_convolution_shares_weights_dense_does_not():
    """A conv layer's count is the same for any image size; a dense layer's grows with it."""
    counts = {
        size: cnnviz.Sequential([cnnviz.Conv2d(3, 16, 3)]).summary((3, size, size)).total_params
        for size in (8, 32, 128)
    }
    assert set(counts.values()) == {cnnviz.conv2d_params(3, 16, 3)} == {448}
    dense = [cnnviz.dense_params(size * size * 3, 16) for size in (8, 32, 128)]
    assert dense == [16 * (size * size * 3 + 1) for size in (8, 32, 128)]
    assert dense[0] < dense[1] < dense[2]


@pytest.mark.parametrize("args,kwargs,expected", [
    ((32, 64, 3), {}, 18_496),                   # the curriculum's standard 3x3 convolution ...
    ((32, 32, 3), {"groups": 32}, 320),          # ... its depthwise part ...
    ((32, 64, 1), {}, 2_112),                    # ... and its pointwise part: 2,432 together
    ((4, 6, 3), {"groups": 2}, 6 * (2 * 9 + 1)),
    ((960, 960, 3), {"groups": 960, "bias": False}, 8_640),   # MobileNetV2's last depthwise
])
def test_conv2d_params_with_groups(args, kwargs, expected):
    """groups divide the weights per filter by groups; biases stay one per output channel."""
    assert cnnviz.conv2d_params(*args, **kwargs) == expected


def test_grouped_conv2d_params_count_the_weight_conv2d_accepts():
    """Random sweep: the count is the size of the (C_out, C_in // groups, kh, kw) weight conv2d takes."""
    rng = np.random.default_rng(15)
    for _ in range(40):
        groups, kh, kw = (int(v) for v in rng.integers(1, 5, size=3))
        cin, cout = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
        weight = np.ones((cout, cin // groups, kh, kw))
        out = cnnviz.conv2d(np.ones((cin, kh + 1, kw + 1)), weight, groups=groups)
        assert out.shape == (cout, 2, 2)
        assert cnnviz.conv2d_params(cin, cout, (kh, kw), groups=groups) == weight.size + cout
        assert cnnviz.conv2d_params(cin, cout, (kh, kw), groups=groups, bias=False) == weight.size
