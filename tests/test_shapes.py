"""Tests for cnnviz.shapes: output sizes, the explained formula and "same" padding."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cnnviz


def count_conv_windows(n, k, s, p, d):
    """Count the window positions by walking them: start 0, s, 2s, ... while the window fits."""
    padded, span = n + 2 * p, d * (k - 1) + 1
    return sum(1 for start in range(0, padded, s) if start + span <= padded)


def count_pool_windows(n, k, s, p, ceil_mode):
    """Walk the pooling windows from the left padding. Whole windows always count; in
    ceil mode a window may also hang past the padded input by less than a stride (so it
    still reaches pixels no earlier window reached) if it starts inside the input or
    its left padding."""
    count, start, end = 0, -p, n + p
    while start + k <= end or (ceil_mode and start + k - end < s and start < n):
        count += 1
        start += s
    return count


SIZES, PADDINGS, DILATIONS = (1, 2, 5, 7, 8, 13), (0, 1, 2), (1, 2, 3)
CONV_GRID = [
    (n, k, s, p, d)
    for n, k, s, p, d in itertools.product(SIZES, [1, 2, 3, 5], [1, 2, 3], PADDINGS, DILATIONS)
    if n + 2 * p >= d * (k - 1) + 1
]


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("s", [1, 2, 3])
def test_conv_output_size_counts_every_window(k, s):
    """conv_output_size equals the number of window positions counted one by one."""
    checked = 0
    for n, p, d in itertools.product(SIZES, PADDINGS, DILATIONS):
        if n + 2 * p >= d * (k - 1) + 1:
            got = cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d)
            assert got == count_conv_windows(n, k, s, p, d), (n, k, s, p, d)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("n,k,s,p,d", CONV_GRID[::17])
def test_conv_output_size_matches_torch_and_conv2d(n, k, s, p, d):
    """conv_output_size is the size torch.nn.functional.conv2d and cnnviz.conv2d produce."""
    torch = pytest.importorskip("torch")
    out = torch.nn.functional.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k),
                                     stride=s, padding=p, dilation=d)
    expected = cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d)
    assert out.shape[-1] == expected
    assert cnnviz.conv2d(np.zeros((1, n, n)), np.zeros((1, 1, k, k)), stride=s, padding=p,
                         dilation=d).shape[-1] == expected


@pytest.mark.parametrize("args,kwargs,expected", [
    ((7, 3), {}, 5),
    ((7, 3), {"stride": 2}, 3),
    ((6, 3), {}, 4),
    ((6, 3), {"padding": 1}, 6),
    ((227, 11), {"stride": 4}, 55),
    ((224, 11), {"stride": 4, "padding": 2}, 55),
    ((10, 3), {"padding": 2}, 12),            # full padding: n + k - 1
    ((9, 3), {"dilation": 2}, 5),
])
def test_conv_output_size_known_values(args, kwargs, expected):
    """The curriculum's worked sizes (7->5, stride 2 ->3, same, full, AlexNet's 55)."""
    assert cnnviz.conv_output_size(*args, **kwargs) == expected


POOL_GRID = [
    (n, k, s, p, c)
    for n, k, s, p, c in itertools.product([1, 2, 4, 5, 7, 10], [1, 2, 3, 4], [1, 2, 3],
                                           [0, 1, 2], [False, True])
    if p <= k // 2 and count_pool_windows(n, k, s, p, c) >= 1
]


@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_output_size_counts_every_window(k, ceil_mode):
    """pool_output_size equals the number of pooling windows walked one by one."""
    cases = [(n, s, p) for n, kk, s, p, c in POOL_GRID if kk == k and c == ceil_mode]
    assert len(cases) >= 10
    for n, s, p in cases:
        got = cnnviz.pool_output_size(n, k, stride=s, padding=p, ceil_mode=ceil_mode)
        assert got == count_pool_windows(n, k, s, p, ceil_mode), (n, k, s, p)


@pytest.mark.parametrize("n,k,s,p,ceil_mode", POOL_GRID[::6])
def test_pool_output_size_matches_torch(n, k, s, p, ceil_mode):
    """pool_output_size is the size torch.nn.functional.max_pool2d produces."""
    torch = pytest.importorskip("torch")
    out = torch.nn.functional.max_pool2d(torch.zeros(1, n, n), k, stride=s, padding=p,
                                         ceil_mode=ceil_mode)
    assert out.shape[-1] == cnnviz.pool_output_size(n, k, stride=s, padding=p,
                                                    ceil_mode=ceil_mode)


def test_pool_output_size_known_values():
    """Stride defaults to the kernel; 126 -> 42 with 3x3 pools; ceil mode rounds up."""
    assert cnnviz.pool_output_size(4, 2) == 2
    assert cnnviz.pool_output_size(126, 3) == 42
    assert cnnviz.pool_output_size(40, 3) == 13
    assert cnnviz.pool_output_size(5, 2) == 2
    assert cnnviz.pool_output_size(5, 2, ceil_mode=True) == 3
    assert cnnviz.pool_output_size(55, 3, stride=2) == 27


def test_explain_output_size_shows_the_substituted_formula():
    """The explanation substitutes every number, shows the floor step and the unvisited rows."""
    text = cnnviz.explain_output_size(8, 3, stride=2)
    assert text.splitlines() == [
        "out = floor((n + 2p - d(k-1) - 1) / s) + 1",
        "    = floor((8 + 2*0 - 1*(3-1) - 1) / 2) + 1",
        "    = floor(5 / 2) + 1",
        "    = floor(2.5) + 1",
        "    = 2 + 1",
        "    = 3",
        "(5 is not a multiple of 2: the last 1 row/column of the padded input is never visited)",
    ]


def test_explain_output_size_skips_the_floor_step_when_exact():
    """When s divides evenly there is no fractional floor step and no unvisited-rows note."""
    text = cnnviz.explain_output_size(7, 3, stride=2, padding=1, dilation=1)
    assert "floor((7 + 2*1 - 1*(3-1) - 1) / 2) + 1" in text
    assert "floor(6 / 2) + 1" in text
    assert "never visited" not in text
    assert not any(line.strip().startswith("= floor(3") for line in text.splitlines())
    assert text.splitlines()[-1] == "    = 4"


@pytest.mark.parametrize("n,k,s,p,d", CONV_GRID[::9])
def test_explain_output_size_ends_with_conv_output_size(n, k, s, p, d):
    """The explanation's result line is conv_output_size, and it names n, k, s, p and d."""
    text = cnnviz.explain_output_size(n, k, stride=s, padding=p, dilation=d)
    result = [line for line in text.splitlines() if line.startswith("    = ")][-1]
    assert int(result.removeprefix("    = ")) == cnnviz.conv_output_size(
        n, k, stride=s, padding=p, dilation=d)
    assert f"floor(({n} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1" in text
    leftover = (n + 2 * p - d * (k - 1) - 1) % s
    assert ("never visited" in text) == (leftover != 0)


@pytest.mark.parametrize("k,expected", [(1, 0), (3, 1), (5, 2), (7, 3), (2, (0, 1)), (4, (1, 2))])
def test_same_padding_values(k, expected):
    """Odd kernels pad (k-1)/2 on each side; even kernels give (before, after) with after larger."""
    assert cnnviz.same_padding(k) == expected


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_same_padding_keeps_the_size(k, d):
    """Padding by same_padding keeps any input size at stride 1, also with dilation."""
    pad = cnnviz.same_padding(k, dilation=d)
    before, after = (pad, pad) if isinstance(pad, int) else pad
    assert 0 <= after - before <= 1
    for n in (1, 6, 11):
        assert n + before + after - d * (k - 1) == n
        padding = ((before, after), (before, after))
        out = cnnviz.conv2d(np.ones((1, n, n)), np.ones((1, 1, k, k)), padding=padding, dilation=d)
        assert out.shape == (1, n, n)


# ------------------------------------------------------------------ transposed convolution
def count_stamped_pixels(n, k, s, p, op, d):
    """Walk the stamps: the last one ends at (n-1)s + d(k-1); add output_padding, crop 2p."""
    last = max(i * s + u * d for i in range(n) for u in range(k))
    return last + 1 + op - 2 * p


TRANSPOSE_GRID = [
    (n, k, s, p, op, d)
    for n, k, s, p, op, d in itertools.product((1, 2, 5, 8), (1, 2, 3, 5), (1, 2, 3), PADDINGS,
                                              (0, 1, 2), DILATIONS)
    if (op < s or op < d) and count_stamped_pixels(n, k, s, p, op, d) >= 1
]


@pytest.mark.parametrize("n,k,s,p,op,d", TRANSPOSE_GRID[::5])
def test_conv_transpose_output_size_counts_the_stamped_pixels(n, k, s, p, op, d):
    """The formula equals the width of the stamped canvas, cropped and output-padded."""
    assert cnnviz.conv_transpose_output_size(
        n, k, stride=s, padding=p, output_padding=op, dilation=d
    ) == count_stamped_pixels(n, k, s, p, op, d)


@pytest.mark.parametrize("n,k,s,p,op,d", TRANSPOSE_GRID[::23])
def test_conv_transpose_output_size_matches_torch(n, k, s, p, op, d):
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    out = torch.nn.functional.conv_transpose2d(
        torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p,
        output_padding=op, dilation=d,
    )
    assert out.shape[-1] == cnnviz.conv_transpose_output_size(
        n, k, stride=s, padding=p, output_padding=op, dilation=d
    )


@pytest.mark.parametrize("n,k,s,p,d", CONV_GRID[::11])
def test_conv_transpose_output_size_undoes_conv_output_size(n, k, s, p, d):
    """A convolution maps n to m; the transposed one maps m back to n, with output_padding
    the rows the strided convolution never visited."""
    m = cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d)
    leftover = (n + 2 * p - d * (k - 1) - 1) % s
    assert cnnviz.conv_transpose_output_size(
        m, k, stride=s, padding=p, output_padding=leftover, dilation=d
    ) == n


@pytest.mark.parametrize("n,k,s,p,op,d", TRANSPOSE_GRID[::13])
def test_explain_conv_transpose_output_size_ends_with_the_size(n, k, s, p, op, d):
    text = cnnviz.explain_conv_transpose_output_size(
        n, k, stride=s, padding=p, output_padding=op, dilation=d
    )
    lines = text.splitlines()
    assert lines[1] == f"    = ({n} - 1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1"
    assert lines[-1] == f"    = {count_stamped_pixels(n, k, s, p, op, d)}"


@pytest.mark.parametrize("func", [cnnviz.conv_transpose_output_size,
                                  cnnviz.explain_conv_transpose_output_size])
@pytest.mark.parametrize("kwargs,error,match", [
    (dict(stride=2, output_padding=2),
     ValueError, r"output_padding must be smaller than stride or dilation; got output_padding 2 "
                 r"with stride 2 and dilation 1"),
    (dict(padding=3), ValueError, r"padding 3 crops away the whole output: \(n - 1\)s \+ d\(k - "
                                  r"1\) \+ output_padding \+ 1 = 5, and 2\*padding = 6 leaves -1; "
                                  r"use padding <= 2"),
    (dict(output_padding=-1), ValueError, r"output_padding must be a non-negative integer; got -1"),
    (dict(stride=0), ValueError, r"stride must be a positive integer; got 0"),
    (dict(padding=1.0), TypeError, r"padding must be a non-negative integer; got 1.0"),
])
def test_conv_transpose_output_size_refusals(func, kwargs, error, match):
    with pytest.raises(error, match=match):
        func(3, 3, **kwargs)
# --------------------------------------------------------------- padding_for and window coverage
def coverage_by_loop(n, k, s, p, d):
    """Count, window by window and tap by tap, how often each cell of the padded input is read."""
    counts = np.zeros((n + 2 * p, n + 2 * p), dtype=int)
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    for i in range(out):
        for j in range(out):
            for u in range(k):
                for v in range(k):
                    counts[i * s + u * d, j * s + v * d] += 1
    return counts


def random_conv_settings(count, seed):
    """Seeded (n, k, s, p, d) at which at least one window fits."""
    rng = np.random.default_rng(seed)
    settings = []
    while len(settings) < count:
        n, k, s, p, d = (int(v) for v in (rng.integers(1, 13), rng.integers(1, 8),
                                          rng.integers(1, 5), rng.integers(0, 5),
                                          rng.integers(1, 4)))
        if n + 2 * p >= d * (k - 1) + 1:
            settings.append((n, k, s, p, d))
    return settings


COVERAGE_CASES = [(7, 3, 1, 0, 1), (8, 3, 2, 0, 1), (6, 3, 2, 1, 1), (10, 2, 4, 0, 1),
                  (9, 3, 1, 2, 2), (12, 7, 3, 4, 2), (1, 1, 1, 0, 1)] + random_conv_settings(12, 4)


@pytest.mark.parametrize("n,k,s,p,d", COVERAGE_CASES)
def test_window_coverage_matches_a_loop(n, k, s, p, d):
    """window_coverage equals counting tap by tap, on the input and (padded=True) on the padding too."""
    from cnnviz.shapes import window_coverage

    expected = coverage_by_loop(n, k, s, p, d)
    padded = window_coverage(n, k, stride=s, padding=p, dilation=d, padded=True)
    assert np.array_equal(padded, expected)
    assert np.array_equal(window_coverage(n, k, stride=s, padding=p, dilation=d),
                          expected[p:p + n, p:p + n])
    # Every window reads k*k cells, so the padded counts add up to out^2 * k^2.
    out = cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d)
    assert padded.sum() == out ** 2 * k * k


@pytest.mark.parametrize("n,k,s,p,d", COVERAGE_CASES[:6] + random_conv_settings(6, 11))
def test_window_coverage_is_the_gradient_of_a_convolution_of_ones(n, k, s, p, d):
    """How often a pixel is read is d(sum of a conv with a kernel of ones)/dx, by torch's autograd."""
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for the coverage")
    from cnnviz.shapes import window_coverage

    x = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    weight = torch.ones(1, 1, k, k, dtype=torch.float64)
    torch.nn.functional.conv2d(x, weight, stride=s, padding=p, dilation=d).sum().backward()
    expected = x.grad[0, 0].numpy().astype(int)
    assert np.array_equal(window_coverage(n, k, stride=s, padding=p, dilation=d), expected)


def test_window_coverage_refuses_what_does_not_fit():
    """No window, no coverage: the same DoesNotFit (with its numbers) as conv_output_size."""
    from cnnviz.errors import DoesNotFit
    from cnnviz.shapes import window_coverage

    with pytest.raises(DoesNotFit, match="kernel_size 7 does not fit") as info:
        window_coverage(5, 7, padding=0)
    assert (info.value.size, info.value.kernel_size, info.value.shortfall) == (5, 7, 2)
    with pytest.raises(TypeError, match="padded must be True or False; got 1"):
        window_coverage(5, 3, padded=1)
    with pytest.raises(ValueError, match="stride must be a positive integer; got 0"):
        window_coverage(5, 3, stride=0)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 7])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_padding_for_matches_resolve_padding(k, d):
    """valid, same and full give the per-side padding resolve_padding gives, when it is even."""
    from cnnviz.convolution import resolve_padding
    from cnnviz.shapes import UnevenPadding, padding_for

    for mode in ("valid", "same", "full"):
        (before, after), _ = resolve_padding(mode, (k, k), dilation=(d, d))
        if before == after:
            assert padding_for(mode, k, dilation=d) == before
        else:
            with pytest.raises(UnevenPadding):
                padding_for(mode, k, dilation=d)
    n = 9
    assert cnnviz.conv_output_size(n, k, padding=padding_for("full", k, dilation=d),
                                   dilation=d) == n + d * (k - 1)


def test_uneven_same_padding_is_a_setting_error_with_its_numbers():
    """'same' for a 4x4 kernel: 3 pixels cannot be split equally; the error carries the split."""
    from cnnviz.errors import SettingError
    from cnnviz.shapes import UnevenPadding, padding_for

    with pytest.raises(UnevenPadding, match=r"'same' padding for a 4x4 kernel needs 3 extra pixels "
                       r"per row, an odd number.*PyTorch puts 1 before and 2 after") as info:
        padding_for("same", 4)
    err = info.value
    assert isinstance(err, SettingError)
    assert (err.total, err.before, err.after) == (3, 1, 2) == (3, *cnnviz.same_padding(4))
    assert padding_for("same", 4, dilation=2) == 3      # 2 * 3 = 6 splits evenly
    import pickle
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is UnevenPadding and again.fields == err.fields and str(again) == str(err)
    with pytest.raises(ValueError, match="padding must be one of 'valid', 'same', 'full'; got 'half'"):
        padding_for("half", 3)
