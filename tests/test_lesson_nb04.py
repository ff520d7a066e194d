"""Notebook 04's claims, checked against what cnnviz computes (the numbers are not pinned
in the notebook's cells; nbval compares the printed outputs)."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.exercises import nb04
from cnnviz.lessons.sizes import output_size_state
from cnnviz.shapes import effective_kernel_size, window_coverage


def read_rows(n, k, s=1, p=0, d=1):
    """Input rows some window reads, from the coverage map."""
    return np.flatnonzero(window_coverage(n, k, stride=s, padding=p, dilation=d).any(axis=1))


@pytest.mark.parametrize("n, k, s, p, d, out", [
    (7, 3, 1, 0, 1, 5), (7, 3, 2, 0, 1, 3), (8, 3, 2, 0, 1, 3), (6, 3, 1, 0, 1, 4),
    (6, 3, 1, 1, 1, 6), (6, 3, 1, 2, 1, 8), (7, 3, 1, 0, 2, 3), (5, 7, 1, 1, 1, 1),
    (227, 11, 4, 0, 1, 55), (224, 11, 4, 0, 1, 54), (224, 11, 4, 2, 1, 55),
    (224, 3, 1, 1, 1, 224), (224, 7, 2, 3, 1, 112),
])
def test_sizes_the_notebook_quotes(n, k, s, p, d, out):
    """Each output size the prose states, from the formula and from an actual convolution."""
    assert cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d) == out
    if n <= 8:
        x, w = np.ones((n, n)), np.ones((k, k))
        assert cnnviz.correlate2d(x, w, stride=s, padding=p, dilation=d).shape == (out, out)


def test_ten_layers_leave_twelve():
    """'Stack ten 3x3 layers on a 32x32 image and 12x12 is left'."""
    size = 32
    for _ in range(10):
        size = cnnviz.conv_output_size(size, 3)
    assert size == 12


def test_named_paddings():
    """'same' is (k - 1) / 2 for odd k (1, 2, 3 for 3, 5, 7); 'full' p = k - 1 grows to n + k - 1;
    an even kernel's extra pixel goes after."""
    assert [cnnviz.same_padding(k) for k in (1, 3, 5, 7)] == [0, 1, 2, 3]
    assert cnnviz.same_padding(4) == (1, 2)
    for n, k in [(6, 3), (9, 5), (4, 7)]:
        assert cnnviz.conv_output_size(n, k, padding=k - 1) == n + k - 1
    assert effective_kernel_size(3, dilation=2) == 5


def test_leftover_and_skipped_rows():
    """8x8 at stride 2 leaves the last row unread; stride 3 too; stride 4 (> k) skips a row between."""
    assert read_rows(8, 3, s=2).tolist() == list(range(7))
    assert 7 not in read_rows(8, 3, s=3)
    assert read_rows(8, 3, s=4).tolist() == [0, 1, 2, 4, 5, 6]


def test_dilated_stride_skips_rows_between_taps():
    """'a stride of 4 with a 2x2 kernel and dilation 2: whole rows fall between the taps of every window'."""
    state = output_size_state(7, 2, stride=4, dilation=2)
    tapped = {int(r) for i in range(state.out) for r in i * 4 + np.arange(2) * 2}
    assert read_rows(7, 2, s=4, d=2).tolist() == sorted(tapped) == [0, 2, 4, 6]


def test_full_padding_corner_window_holds_one_pixel():
    """'with full padding, the corner windows contain just one input pixel and eight zeros'."""
    x = cnnviz.pad2d(np.ones((6, 6)), 2)
    assert x[:3, :3].sum() == 1


def test_corner_counts():
    """'from 1 in 9 without padding, to 4 in 9 with same padding, to 9 in 9 with full padding'."""
    assert [window_coverage(6, 3, padding=p)[0, 0] for p in (0, 1, 2)] == [1, 4, 9]
    assert {int(window_coverage(6, 3, padding=p)[3, 3]) for p in (0, 1, 2)} == {9}
    assert np.all(window_coverage(6, 3, padding=2) == 9)


def test_alexnet_coverage():
    """'the last pixel row and column of every image are never read' at 224; with padding 2 every one is."""
    coverage = window_coverage(224, 11, stride=4)
    assert not coverage[-1].any() and not coverage[:, -1].any() and coverage[:-1, :-1].all()
    assert window_coverage(224, 11, stride=4, padding=2).min() > 0


def test_answers_are_computed_values():
    """ANSWERS: 31 for n=64, k=5, s=2, p=1; 15 = 5 x 6 / 2 for a 7x7 kernel with dilation 5; stride 2."""
    assert nb04.ANSWERS["output_size"]() == (64 + 2 - 5) // 2 + 1 == 31
    assert nb04.ANSWERS["keep_size_padding"]() == 15
    p = nb04.ANSWERS["keep_size_padding"]()
    assert cnnviz.conv_output_size(32, 7, padding=p, dilation=5) == 32
    assert nb04.ANSWERS["unread_stride"]() == 2
    assert set(nb04.ANSWERS) | set(nb04.CODE_EXERCISES) == {
        "output_size", "keep_size_padding", "unread_stride", "output_size_function"}


def test_checks_refuse_near_misses(capsys):
    """The undilated padding, an off-by-one size and a stride that reads everything are refused."""
    with pytest.raises(CheckError, match="expected: 15"):
        nb04.keep_size_padding(3)
    with pytest.raises(CheckError, match="expected: 31"):
        nb04.output_size(32)
    with pytest.raises(CheckError, match="every input pixel is read"):
        nb04.unread_stride(3)
    with pytest.raises(CheckError):
        nb04.output_size_function(lambda n, k, s, p: (n + p - k) // s + 1)
    nb04.unread_stride(4)
    assert "row/columns 3, 7, 11." in capsys.readouterr().out
