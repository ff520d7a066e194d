"""Notebook 06's state: pooling a feature map, shifting it by a pixel, and who wins.

* :func:`pool_state` max- or average-pools a feature map and zooms in on one window;
  the output size along each side is :func:`cnnviz.shapes.explain_pool_output_size`.
* :func:`shift_state` moves a map's content by 0-3 pixels, max-pools both versions
  and counts how many values stay exactly the same.
* :func:`winners_state` records which pixel wins each max-pooling window (what
  :func:`cnnviz.max_pool2d` returns with ``return_indices=True``) and how often.

A window larger than the map fits nowhere: the three raise
:class:`cnnviz.errors.DoesNotFit` with the map's shape as the field ``map_shape``
besides the side that is too short (``size``, ``axis``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import filters
from .._validate import as_array, boolean, nonnegative_int, one_of, positive_int
from ..convolution import correlate2d
from ..errors import DoesNotFit
from ..images import load_sample
from ..pooling import avg_pool2d, max_pool2d
from ..shapes import explain_pool_output_size, pool_output_size

#: the two kinds of pooling the explorer offers
MODES = ("max", "average")
#: largest shift of the shift demo, in pixels
MAX_SHIFT = 3


def demo_feature_map(size=(72, 108)):
    """The feature map the notebook pools: ReLU of Sobel x on the grey cat photo.

    Bright where the photo gets brighter from left to right, zero elsewhere: what one
    convolution filter followed by a ReLU might produce.

    Returns
    -------
    ndarray, shape ``size``

    Examples
    --------
    >>> fmap = demo_feature_map((36, 54))
    >>> fmap.shape, bool(fmap.min() == 0)
    ((36, 54), True)
    """
    grey = load_sample("chelsea", grey=True, size=size)
    edges = correlate2d(grey, filters.SOBEL_X, padding=1, pad_mode="replicate")
    return np.maximum(edges, 0)


def demo_matrix(size=6, seed=6):
    """A ``size x size`` matrix of distinct whole numbers from 1 to 99 (seeded), so no ties.

    >>> m = demo_matrix()
    >>> m.shape, len(np.unique(m))
    ((6, 6), 36)
    """
    rng = np.random.default_rng(seed)
    return (rng.permutation(99)[:size * size] + 1).reshape(size, size).astype(float)


def check_window_fits(shape, kernel_size):
    """Raise :class:`~cnnviz.errors.DoesNotFit` when a square window is larger than the map.

    >>> try:
    ...     check_window_fits((4, 6), 5)
    ... except DoesNotFit as err:
    ...     print(err.map_shape, err.axis, err.shortfall)
    ...     print(err)
    (4, 6) rows 1
    A 5x5 window is larger than the 4x6 map, so it fits nowhere: choose a window of at most 4x4.
    """
    H, W = shape
    if kernel_size > min(H, W):
        m = min(H, W)
        raise DoesNotFit(
            f"A {kernel_size}x{kernel_size} window is larger than the {H}x{W} map, so it fits "
            f"nowhere: choose a window of at most {m}x{m}.",
            size=m, kernel_size=kernel_size, padding=0, axis="rows" if H <= W else "columns",
            map_shape=(H, W))


# --------------------------------------------------------------- pooling a feature map
@dataclass
class PoolState:
    fmap: np.ndarray           # (H, W) the input map
    mode: str                  # "max" or "average"
    kernel_size: int
    stride: int
    ceil_mode: bool
    pooled: np.ndarray         # (oh, ow)
    out_row: int               # the output cell shown in the zoom
    out_col: int
    window: np.ndarray         # (k, k) its input values, NaN where the window leaves the map
    winner: tuple | None       # (row, col) of the winner inside the window; None for average
    rows_text: str             # the size formula along each side
    cols_text: str

    @property
    def top_left(self):
        """Input position of the zoomed window's top-left pixel."""
        return self.out_row * self.stride, self.out_col * self.stride

    @property
    def value(self):
        """The pooled value of the zoomed window."""
        return float(self.pooled[self.out_row, self.out_col])

    @property
    def ceil_adds_nothing(self):
        """Ceil mode is on but gives the floor mode's size on both sides."""
        floor = tuple(pool_output_size(n, self.kernel_size, stride=self.stride)
                      for n in self.fmap.shape)
        return self.ceil_mode and self.pooled.shape == floor


def pool_state(fmap, *, mode="max", kernel_size=2, stride=2, ceil_mode=False, row=0, col=0):
    """Pool ``fmap`` and pick the window that covers input pixel ``(row, col)``.

    The window is the one whose top-left corner is the last one at or before
    ``(row, col)``; when the stride is larger than the window, the pixel may lie
    in a gap between windows, and the nearest window before it is shown.

    Parameters
    ----------
    fmap : ndarray, shape (H, W)
    mode : {"max", "average"}
    kernel_size, stride : int
    ceil_mode : bool
    row, col : int
        An input pixel; the zoom shows a window near it.

    Raises
    ------
    DoesNotFit
        When the window is larger than the map (field ``map_shape``).

    Examples
    --------
    >>> x = np.array([[2., 8, 1, 0], [5, 3, 4, 6], [0, 1, 7, 2], [9, 4, 3, 5]])
    >>> s = pool_state(x, row=3, col=0)
    >>> s.pooled
    array([[8., 6.],
           [9., 7.]])
    >>> (s.out_row, s.out_col), s.winner, s.value
    ((1, 0), (1, 0), 9.0)
    """
    fmap = as_array(fmap, "fmap", ndims=2)
    one_of(mode, "mode", MODES)
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(stride, "stride")
    ceil_mode = bool(boolean(ceil_mode, "ceil_mode"))
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    H, W = fmap.shape
    check_window_fits((H, W), k)
    rows_text = explain_pool_output_size(H, k, stride=s, ceil_mode=ceil_mode)
    cols_text = explain_pool_output_size(W, k, stride=s, ceil_mode=ceil_mode)
    pool = max_pool2d if mode == "max" else avg_pool2d
    pooled = pool(fmap[None], k, stride=s, ceil_mode=ceil_mode)[0]
    oh, ow = pooled.shape
    i, j = min(min(row, H - 1) // s, oh - 1), min(min(col, W - 1) // s, ow - 1)
    window = np.full((k, k), np.nan)
    inside = fmap[i * s:i * s + k, j * s:j * s + k]
    window[:inside.shape[0], :inside.shape[1]] = inside
    winner = None
    if mode == "max":
        # the first largest value in reading order, the one max_pool2d reports
        winner = tuple(int(v) for v in np.unravel_index(np.nanargmax(window), window.shape))
    return PoolState(fmap, mode, k, s, ceil_mode, pooled, i, j, window, winner,
                     rows_text, cols_text)


# ------------------------------------------------------------------- shift by a pixel
@dataclass
class ShiftState:
    original: np.ndarray       # (H, W - MAX_SHIFT) the map
    shifted: np.ndarray        # the same map with its content moved `shift` pixels right
    pooled: np.ndarray         # max-pooled original
    pooled_shifted: np.ndarray
    shift: int
    kernel_size: int

    @staticmethod
    def agreement(a, b):
        """(same, active): where the values are equal, and where either is non-zero."""
        active = (a != 0) | (b != 0)
        return (a == b) & active, active

    @staticmethod
    def fraction_same(a, b):
        """Share of the active cells (non-zero in either map) whose value did not change."""
        same, active = ShiftState.agreement(a, b)
        return float(same.sum() / active.sum()) if active.any() else 1.0

    @property
    def same_before(self):
        """Fraction of the map's active pixels that keep their exact value."""
        return self.fraction_same(self.original, self.shifted)

    @property
    def same_after(self):
        """Fraction of the pooled map's active cells that keep their exact value."""
        return self.fraction_same(self.pooled, self.pooled_shifted)


def shift_state(fmap, *, shift, kernel_size=2):
    """Move the content of ``fmap`` ``shift`` pixels to the right and max-pool both versions.

    Both versions are crops of ``fmap`` of width ``W - 3``: the original starts at
    column 3, the shifted one ``shift`` columns earlier, so the shifted map is made of
    real pixels (no wrap-around, no zeros coming in) and
    ``shifted[:, c] == original[:, c - shift]``. Pooling uses stride = window.

    Examples
    --------
    >>> x = np.zeros((4, 8)); x[1, 5] = 1.0           # one bright pixel
    >>> s = shift_state(x, shift=1)
    >>> s.same_before, s.same_after                   # it moved, but stayed in its window
    (0.0, 1.0)
    """
    fmap = as_array(fmap, "fmap", ndims=2)
    shift = nonnegative_int(shift, "shift")
    k = positive_int(kernel_size, "kernel_size")
    if shift > MAX_SHIFT:
        raise ValueError(f"shift must be between 0 and {MAX_SHIFT} pixels; got {shift}")
    H, W = fmap.shape
    if W <= MAX_SHIFT:
        raise ValueError(f"the map must be wider than {MAX_SHIFT} pixels to shift it; "
                         f"got width {W}")
    original = fmap[:, MAX_SHIFT:]
    shifted = fmap[:, MAX_SHIFT - shift:W - shift]
    check_window_fits(original.shape, k)
    pooled, pooled_shifted = max_pool2d(np.stack([original, shifted]), k)
    return ShiftState(original, shifted, pooled, pooled_shifted, shift, k)


# ------------------------------------------------------------------ who won each window
@dataclass
class WinnerState:
    x: np.ndarray              # (h, w) the input matrix
    kernel_size: int
    stride: int
    pooled: np.ndarray         # (oh, ow)
    indices: np.ndarray        # (oh, ow) flat index row * w + col of each winner
    wins: np.ndarray           # (h, w) how many windows each pixel won
    window: int                # the chosen output cell, counted row by row

    @property
    def cell(self):
        """(row, col) of the chosen output cell."""
        return divmod(self.window, self.pooled.shape[1])

    @property
    def winner(self):
        """(row, col) in the input of the chosen window's winner."""
        i, j = self.cell
        return divmod(int(self.indices[i, j]), self.x.shape[1])


def winners_state(x, *, kernel_size=2, stride=2, window=0):
    """Max-pool ``x`` and record which pixel won each window, and how often each pixel won.

    ``window`` (counted row by row) picks one output cell to highlight; it is clipped
    to the last one.

    Examples
    --------
    >>> x = np.array([[2., 8, 1, 0], [5, 3, 4, 6], [0, 1, 7, 2], [9, 4, 3, 5]])
    >>> s = winners_state(x)
    >>> s.indices
    array([[ 1,  7],
           [12, 10]])
    >>> int(winners_state(x, stride=1).wins.max())   # 7 wins four overlapping windows
    4
    """
    x = as_array(x, "x", ndims=2)
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(stride, "stride")
    window = nonnegative_int(window, "window")
    check_window_fits(x.shape, k)
    pooled, indices = max_pool2d(x[None], k, stride=s, return_indices=True)
    pooled, indices = pooled[0], indices[0]
    wins = np.bincount(indices.ravel(), minlength=x.size).reshape(x.shape)
    return WinnerState(x, k, s, pooled, indices, wins, min(window, pooled.size - 1))


__all__ = ["MAX_SHIFT", "MODES", "PoolState", "ShiftState", "WinnerState", "check_window_fits",
           "demo_feature_map", "demo_matrix", "pool_state", "shift_state", "winners_state"]
