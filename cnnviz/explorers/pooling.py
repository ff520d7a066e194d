"""Notebook 06: pooling summarises each window of a feature map with one number.

Three explorers:

* :func:`pooling_explorer`: max or average pooling of a feature map, with window
  size, stride and ceil mode; the output size worked out, and a zoom on one window.
* :func:`shift_explorer`: shift the input by 0-3 pixels, max-pool both versions,
  and count how many values stay exactly the same before and after pooling.
* :func:`winners_explorer`: which input pixel wins each window (what
  :func:`cnnviz.max_pool2d` returns with ``return_indices=True``) and how often.
"""

from __future__ import annotations

import contextlib

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from .. import filters
from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..convolution import correlate2d
from ..images import load_sample
from ..pooling import avg_pool2d, max_pool2d
from ..shapes import pool_output_size
from ._base import (
    GREY, Explorer, bare, matrix_extent, matrix_rgb, new_figure, show_matrix, update_matrix,
)

MODES = ("max", "average")
#: outlines of the chosen window (Okabe-Ito orange and blue: safe for colour-blind readers)
ORANGE = "#e66100"
BLUE = "#0072b2"
#: largest shift of the shift demo, in pixels
MAX_SHIFT = 3
#: colours of the agreement maps: same value, changed value, zero in both (not counted)
SAME_RGB = (0, 114, 178)
CHANGED_RGB = (230, 159, 0)
ZERO_RGB = (232, 232, 232)


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
    grey = load_sample("chelsea", grayscale=True, size=size)
    edges = correlate2d(grey, filters.SOBEL_X, padding=1, pad_mode="replicate")
    return np.maximum(edges, 0)


def _fits(shape, kernel_size):
    """Raise a plain-language ValueError when a square window is larger than the map."""
    H, W = shape
    if kernel_size > min(H, W):
        raise ValueError(
            f"A {kernel_size}x{kernel_size} window is larger than the {H}x{W} map, so it fits "
            f"nowhere: choose a window of at most {min(H, W)}x{min(H, W)}."
        )


# --------------------------------------------------------------------- the size formula
def size_line(n, kernel_size, stride, *, ceil_mode=False):
    """The pooling output size along one side, worked out with the numbers substituted.

    The size itself comes from :func:`cnnviz.pool_output_size`; in ceil mode the line
    also says when the rule "a last window must start inside the input" removes one.

    Examples
    --------
    >>> size_line(72, 2, 2)
    'floor((72 - 2) / 2) + 1 = 36'
    >>> size_line(5, 2, 2, ceil_mode=True)
    'ceil((5 - 2) / 2) + 1 = 3'
    >>> size_line(72, 2, 8, ceil_mode=True)
    'ceil((72 - 2) / 8) + 1 = 10, but window 10 would start at 72, outside the input: 9'
    """
    out = pool_output_size(n, kernel_size, stride=stride, ceil_mode=ceil_mode)
    room = n - kernel_size
    rounding = "ceil" if ceil_mode else "floor"
    raw = (-(-room // stride) if ceil_mode else room // stride) + 1
    text = f"{rounding}(({n} - {kernel_size}) / {stride}) + 1 = {raw}"
    if raw != out:
        text += f", but window {raw} would start at {(raw - 1) * stride}, outside the input: {out}"
    return text


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
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    H, W = fmap.shape
    _fits((H, W), k)
    rows_text = size_line(H, k, s, ceil_mode=bool(ceil_mode))
    cols_text = size_line(W, k, s, ceil_mode=bool(ceil_mode))
    pool = max_pool2d if mode == "max" else avg_pool2d
    pooled = pool(fmap[None], k, stride=s, ceil_mode=bool(ceil_mode))[0]
    oh, ow = pooled.shape
    i, j = min(min(row, H - 1) // s, oh - 1), min(min(col, W - 1) // s, ow - 1)
    window = np.full((k, k), np.nan)
    inside = fmap[i * s:i * s + k, j * s:j * s + k]
    window[:inside.shape[0], :inside.shape[1]] = inside
    winner = None
    if mode == "max":
        # the first largest value in reading order, the one max_pool2d reports
        winner = tuple(int(v) for v in np.unravel_index(np.nanargmax(window), window.shape))
    return PoolState(fmap, mode, k, s, bool(ceil_mode), pooled, i, j, window, winner,
                     rows_text, cols_text)


def _zoom_style(state, vmax):
    """How the zoomed window is drawn: grey like the maps, blank where it leaves the map."""
    return dict(cmap=GREY, vmin=0, vmax=vmax, fmt="{:.2f}", cell=max(24, 224 // state.kernel_size),
                mask=~np.isnan(state.window))


def plot_pooling(state, fig=None, artists=None):
    """The input map, the pooled map (same shades), and the numbers of one window."""
    vmax = float(state.fmap.max()) or 1.0
    if artists is None:
        fig = fig or new_figure(10, 3.3)
        axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1.5, 1.5, 1]))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.06)
        ax_in, ax_out, ax_zoom = axes
        fmap = ax_in.imshow(state.fmap, cmap=GREY, vmin=0, vmax=vmax, interpolation="nearest")
        pooled = ax_out.imshow(state.pooled, cmap=GREY, vmin=0, vmax=vmax,
                               interpolation="nearest")
        box_in = ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=2))
        box_out = ax_out.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=2))
        zoom = show_matrix(ax_zoom, state.window, **_zoom_style(state, vmax))
        best = ax_zoom.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, lw=3))
        for ax in axes:
            bare(ax)
        titles = [ax.set_title("", fontsize=11) for ax in axes]
        artists = dict(fmap=fmap, pooled=pooled, box_in=box_in, box_out=box_out,
                       zoom=zoom, best=best, titles=titles)
    H, W = state.fmap.shape
    oh, ow = state.pooled.shape
    k = state.kernel_size
    r0, c0 = state.top_left
    artists["fmap"].set_data(state.fmap)
    pooled = artists["pooled"]
    pooled.set_data(state.pooled)
    pooled.set_extent(matrix_extent(state.pooled.shape))
    pooled.axes.set_xlim(-0.5, ow - 0.5)
    pooled.axes.set_ylim(oh - 0.5, -0.5)
    artists["box_in"].set_bounds(c0 - 0.5, r0 - 0.5, k, k)
    artists["box_out"].set_bounds(state.out_col - 0.5, state.out_row - 0.5, 1, 1)
    update_matrix(artists["zoom"], state.window, **_zoom_style(state, vmax))
    t_in, t_out, t_zoom = artists["titles"]
    t_in.set_text(f"feature map: {H} x {W}")
    out_title = f"{state.mode} pooled: {oh} x {ow}"
    if state.ceil_mode and pool_output_size(H, k, stride=state.stride) == oh \
            and pool_output_size(W, k, stride=state.stride) == ow:
        out_title += "\n(ceil mode adds nothing here: (n - k) / s is whole)"
    t_out.set_text(out_title)
    inside = int((~np.isnan(state.window)).sum())
    which = "one window" if inside == k * k else f"the {inside} pixels inside the map"
    if state.winner is None:
        artists["best"].set_visible(False)
        t_zoom.set_text(f"{which}: mean {state.value:.2f}")
    else:
        wr, wc = state.winner
        artists["best"].set_bounds(wc - 0.5, wr - 0.5, 1, 1)
        artists["best"].set_visible(True)
        t_zoom.set_text(f"{which}: max {state.value:.2f}")
    return fig, artists


def _pool_caption(state):
    H, W = state.fmap.shape
    oh, ow = state.pooled.shape
    k, s = state.kernel_size, state.stride
    if s < k:
        overlap = f"Stride {s} &lt; window {k}: neighbouring windows overlap."
    elif s > k:
        overlap = f"Stride {s} &gt; window {k}: the pixels between windows are never looked at."
    else:
        overlap = "Stride = window: the windows tile the map without overlapping."
    kept = ("the largest value of each window" if state.mode == "max"
            else "the mean of each window")
    formula = "out = ceil((n - k) / s) + 1" if state.ceil_mode else "out = floor((n - k) / s) + 1"
    return (f"<b>{H}x{W} = {H * W:,} values &rarr; {oh}x{ow} = {oh * ow:,}</b> "
            f"({H * W / (oh * ow):.1f} times fewer), keeping {kept}. {overlap} "
            "The orange square on the left is the window zoomed in on the right."
            f"<pre style='margin:4px 0'>{formula}\n"
            f"rows:    {state.rows_text}\ncolumns: {state.cols_text}</pre>")


def pooling_explorer(fmap, *, mode="max", kernel_size=2, stride=2, ceil_mode=False,
                     row=None, col=None):
    """Sliders for the window size and stride, a max/average toggle and ceil mode.

    Parameters
    ----------
    fmap : ndarray, shape (H, W)
        A feature map (for example :func:`demo_feature_map`).
    row, col : int, optional
        The input pixel whose window is zoomed; default: the largest value of ``fmap``.
    """
    import ipywidgets as widgets

    fmap = as_array(fmap, "fmap", ndims=2)
    H, W = fmap.shape
    best = np.unravel_index(np.argmax(fmap), fmap.shape)
    row = int(best[0]) if row is None else row
    col = int(best[1]) if col is None else col
    controls = dict(
        mode=widgets.ToggleButtons(options=MODES, value=mode, description="pooling",
                                   style=dict(button_width="90px")),
        ceil_mode=widgets.Checkbox(value=ceil_mode, description="ceil mode"),
        kernel_size=widgets.IntSlider(kernel_size, 2, 8, description="window k"),
        stride=widgets.IntSlider(stride, 1, 8, description="stride s"),
        row=widgets.IntSlider(row, 0, H - 1, description="zoom row"),
        col=widgets.IntSlider(col, 0, W - 1, description="zoom column",
                              style=dict(description_width="initial")),
    )
    explorer = []

    def fit_zoom(change=None):
        """The zoom sliders step from window to window: by the stride, up to the last window.

        A pixel slider would offer positions inside one window, where a step changes
        nothing; so each value is a window's top-left pixel. Registered before the
        Explorer's own observers, so the redraw sees the fitted values.
        """
        k, st, ceil = (controls[n].value for n in ("kernel_size", "stride", "ceil_mode"))
        try:
            sizes = [pool_output_size(n, k, stride=st, ceil_mode=ceil) for n in (H, W)]
        except ValueError:
            return                  # the window does not fit: the figure explains it
        hold = explorer[0].hold(redraw=False) if explorer else contextlib.nullcontext()
        with hold:
            for name, n in zip(("row", "col"), sizes):
                control, last = controls[name], (n - 1) * st
                start = min(control.value // st, n - 1) * st
                if last > control.max:
                    control.max = last
                control.step = st
                control.value = start
                control.max = last

    for name in ("kernel_size", "stride", "ceil_mode"):
        controls[name].observe(fit_zoom, names="value")
    fit_zoom()

    def compute(mode, ceil_mode, kernel_size, stride, row, col):
        return pool_state(fmap, mode=mode, kernel_size=kernel_size, stride=stride,
                          ceil_mode=ceil_mode, row=row, col=col)

    explorer.append(Explorer(compute, plot_pooling, controls, new_figure(10, 3.3),
                             caption=_pool_caption, columns=2))
    return explorer[0]


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
    _fits(original.shape, k)
    pooled, pooled_shifted = max_pool2d(np.stack([original, shifted]), k)
    return ShiftState(original, shifted, pooled, pooled_shifted, shift, k)


def agreement_rgb(a, b):
    """An RGB picture: blue where ``a == b``, orange where they differ, grey where both are 0."""
    same, active = ShiftState.agreement(a, b)
    rgb = np.empty((*a.shape, 3), dtype=np.uint8)
    rgb[:] = ZERO_RGB
    rgb[active] = CHANGED_RGB
    rgb[same] = SAME_RGB
    return rgb


def plot_shift(state, fig=None, artists=None):
    """Top: the map, the shifted map, where they agree. Bottom: the same after max pooling."""
    vmax = max(float(state.original.max()), float(state.shifted.max())) or 1.0
    rows = [(state.original, state.shifted), (state.pooled, state.pooled_shifted)]
    if artists is None:
        fig = fig or new_figure(9.5, 4.2)
        axes = fig.subplots(2, 3)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.01, wspace=0.05,
                            hspace=0.15)
        images = []
        for ax_row, (a, b) in zip(axes, rows):
            images.append([
                ax_row[0].imshow(a, cmap=GREY, vmin=0, vmax=vmax, interpolation="nearest"),
                ax_row[1].imshow(b, cmap=GREY, vmin=0, vmax=vmax, interpolation="nearest"),
                ax_row[2].imshow(agreement_rgb(a, b), interpolation="nearest"),
            ])
        for ax in axes.flat:
            bare(ax)
        # Few, short titles: every character matplotlib draws costs time on each update.
        titles = [[ax.set_title("", fontsize=10) for ax in ax_row] for ax_row in axes]
        artists = dict(images=images, titles=titles)
    for (a, b), ims in zip(rows, artists["images"]):
        ims[0].set_data(a)
        ims[1].set_data(b)
        ims[2].set_data(agreement_rgb(a, b))
    k, s = state.kernel_size, state.shift
    (t0, t1, t2), (b0, b1, b2) = artists["titles"]
    t0.set_text("feature map")
    t1.set_text(f"shifted {s} px right")
    t2.set_text(f"same (blue): {state.same_before:.0%}")
    b0.set_text(f"max-pooled {k}x{k}")
    b1.set_text("shifted, max-pooled")
    b2.set_text(f"same (blue): {state.same_after:.0%}")
    return fig, artists


def _swatch(rgb, label):
    colour = "#{:02x}{:02x}{:02x}".format(*rgb)
    return (f"<span style='display:inline-block;width:0.9em;height:0.9em;background:{colour};"
            f"border:1px solid #888;vertical-align:middle'></span> {label}")


def _shift_caption(state):
    k, s = state.kernel_size, state.shift
    key = (f"Right: {_swatch(SAME_RGB, 'same value')} &nbsp; {_swatch(CHANGED_RGB, 'changed')} "
           f"&nbsp; {_swatch(ZERO_RGB, 'zero in both (not counted)')}.<br>")
    if s == 0:
        return key + "No shift: everything stays the same. Move the <i>shift</i> slider."
    note = ""
    if s % k == 0:
        note = (f" A shift of exactly {s // k} window{'s' if s // k > 1 else ''} only moves the "
                f"pooled map by {s // k} cell{'s' if s // k > 1 else ''}: its values move rather "
                "than stay.")
    return key + (
        f"After a shift of {s} pixel{'s' if s > 1 else ''}, <b>{state.same_before:.0%}</b> of "
        f"the map's non-zero values are unchanged, and <b>{state.same_after:.0%}</b> of the "
        f"{k}x{k} max-pooled values: a pooled value survives when its winner stays inside "
        f"the same window and no bigger value moves in.{note}")


def shift_explorer(fmap, *, shift=1, kernel_size=2):
    """A shift slider (0-3 pixels) and a window-size slider for the max pooling."""
    import ipywidgets as widgets

    fmap = as_array(fmap, "fmap", ndims=2)
    controls = dict(
        shift=widgets.IntSlider(shift, 0, MAX_SHIFT, description="shift"),
        kernel_size=widgets.IntSlider(kernel_size, 2, 4, description="window k"),
    )
    return Explorer(
        lambda shift, kernel_size: shift_state(fmap, shift=shift, kernel_size=kernel_size),
        plot_shift, controls, new_figure(9.5, 4.2), caption=_shift_caption,
    )


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
    _fits(x.shape, k)
    pooled, indices = max_pool2d(x[None], k, stride=s, return_indices=True)
    pooled, indices = pooled[0], indices[0]
    wins = np.bincount(indices.ravel(), minlength=x.size).reshape(x.shape)
    return WinnerState(x, k, s, pooled, indices, wins, min(window, pooled.size - 1))


def _framed(rgb, frame, cell):
    """A copy of a :func:`matrix_rgb` picture, with orange frames around the cells in ``frame``."""
    rgb = rgb.copy()
    colour = tuple(int(ORANGE[i:i + 2], 16) for i in (1, 3, 5))
    t = max(2, cell // 12)
    for i, j in np.argwhere(frame):
        block = rgb[i * cell:(i + 1) * cell, j * cell:(j + 1) * cell]
        block[:t] = block[-t:] = colour
        block[:, :t] = block[:, -t:] = colour
    return rgb


def plot_winners(state, fig=None, artists=None):
    """The input with its winners framed, the pooled values, the winners' indices, win counts."""
    x = state.x
    lo, hi = float(x.min()), float(x.max())
    if artists is None:
        fig = fig or new_figure(10, 3.2)
        axes = fig.subplots(1, 4)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.1)
        # Pictures drawn at the axes' own size need no resampling: nearest is crisp and cheap.
        box = axes[0].get_window_extent()
        images = [ax.imshow(np.zeros((1, 1, 3), np.uint8), interpolation="nearest")
                  for ax in axes]
        boxes = [ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=BLUE, lw=3))
                 for ax in axes[:3]]
        for ax, title in zip(axes, ["input, winners framed", "max-pooled", "winner indices",
                                    "windows won"]):
            bare(ax)
            ax.set_title(title, fontsize=10)
        artists = dict(images=images, boxes=boxes, drawn=None, input=None,
                       pixels=int(min(box.width, box.height)))
    k, s = state.kernel_size, state.stride
    px = artists["pixels"]
    key = (k, s, x.shape, x.tobytes())
    if artists["input"] is None or artists["input"][0] != key[2:]:
        cell = max(12, px // max(x.shape))
        artists["input"] = (key[2:], cell, matrix_rgb(x, cmap=GREY, vmin=lo, vmax=hi,
                                                      fmt="{:.0f}", cell=cell))
    if artists["drawn"] != key:
        # The four pictures depend on the window and stride only, not on the chosen window.
        inputs, pooled, indices, wins = artists["images"]
        _, cell, base = artists["input"]
        inputs.set_data(_framed(base, state.wins > 0, cell))
        _extent(inputs, x.shape)
        cell = max(12, px // max(state.pooled.shape))
        update_matrix(pooled, state.pooled, cmap=GREY, vmin=lo, vmax=hi, fmt="{:.0f}",
                      cell=cell)
        # One colour for every index: an index is a position, not an amount, so a
        # shade by its value would mean nothing. (vmin = vmax below every index puts
        # all cells at the light end of Blues_r.)
        update_matrix(indices, state.indices, cmap="Blues_r", vmin=-1, vmax=-1,
                      fmt="{:.0f}", cell=cell)
        update_matrix(wins, state.wins, cmap="Oranges", vmin=0,
                      vmax=max(4, int(state.wins.max())), fmt="{:.0f}",
                      cell=max(12, px // max(x.shape)))
        artists["drawn"] = key
    i, j = state.cell
    box_in, box_out, box_idx = artists["boxes"]
    box_in.set_bounds(j * s - 0.5, i * s - 0.5, k, k)
    box_out.set_bounds(j - 0.5, i - 0.5, 1, 1)
    box_idx.set_bounds(j - 0.5, i - 0.5, 1, 1)
    return fig, artists


def _extent(art, shape):
    h, w = shape
    art.set_extent(matrix_extent(shape))
    art.axes.set_xlim(-0.5, w - 0.5)
    art.axes.set_ylim(h - 0.5, -0.5)


def _winners_caption(state):
    i, j = state.cell
    wr, wc = state.winner
    w = state.x.shape[1]
    index = int(state.indices[i, j])
    most = int(state.wins.max())
    return (f"Blue: window {state.window} and its output. Its winner is "
            f"{state.x[wr, wc]:g} at row {wr}, column {wc}, so its index is "
            f"{wr} * {w} + {wc} = {index}.<br>"
            f"{state.pooled.size} windows, {int((state.wins > 0).sum())} different winners, "
            f"{int((state.wins == 0).sum())} of the {state.x.size} pixels win nothing"
            + (f"; the busiest pixel wins {most} windows." if most > 1 else ".")
            + " In backpropagation only the winners receive a gradient.")


def winners_explorer(x, *, kernel_size=2, stride=2, window=0):
    """Window and stride sliders on a small matrix; a third slider picks one window."""
    import ipywidgets as widgets

    x = as_array(x, "x", ndims=2)
    controls = dict(
        kernel_size=widgets.IntSlider(kernel_size, 2, max(2, min(4, *x.shape)),
                                      description="window k"),
        stride=widgets.IntSlider(stride, 1, 3, description="stride s"),
        window=widgets.IntSlider(window, 0, 0, description="window"),
    )

    def windows():
        try:
            n = [pool_output_size(side, controls["kernel_size"].value,
                                  stride=controls["stride"].value) for side in x.shape]
        except ValueError:
            return 0
        return n[0] * n[1]

    def fit_window_slider(change):
        # registered before the Explorer's own observer, so the range is right first
        controls["window"].max = max(0, windows() - 1)

    for name in ("kernel_size", "stride"):
        controls[name].observe(fit_window_slider, names="value")
    controls["window"].max = max(0, windows() - 1)
    controls["window"].value = min(window, controls["window"].max)

    return Explorer(
        lambda kernel_size, stride, window: winners_state(
            x, kernel_size=kernel_size, stride=stride, window=window),
        plot_winners, controls, new_figure(10, 3.2), caption=_winners_caption,
    )


def demo_matrix(size=6, seed=6):
    """A ``size x size`` matrix of distinct whole numbers from 1 to 99 (seeded), so no ties.

    >>> m = demo_matrix()
    >>> m.shape, len(np.unique(m))
    ((6, 6), 36)
    """
    rng = np.random.default_rng(seed)
    return (rng.permutation(99)[:size * size] + 1).reshape(size, size).astype(float)


__all__ = ["MODES", "PoolState", "ShiftState", "WinnerState", "agreement_rgb",
           "demo_feature_map", "demo_matrix", "plot_pooling", "plot_shift", "plot_winners",
           "pool_state", "pooling_explorer", "shift_explorer", "shift_state", "size_line",
           "winners_explorer", "winners_state"]

BENCHMARK = [
    ("06", "pooling", lambda: pooling_explorer(demo_feature_map())),
    ("06", "shift by a pixel", lambda: shift_explorer(demo_feature_map())),
    ("06", "pooling winners", lambda: winners_explorer(demo_matrix())),
]
