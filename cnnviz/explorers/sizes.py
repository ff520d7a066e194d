"""Notebook 04: padding, stride, dilation and the size of a convolution's output.

One explorer: sliders for the input size, kernel size, padding, stride and
dilation draw the padded input as a grid with every window's starting cell
marked, one window's taps highlighted, and the cells no window ever reads in
purple; beside it the output grid, a heat map of how many windows read each
input pixel, and the output-size formula with the numbers substituted.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .._validate import check_memory, nonnegative_int, positive_int
from ..convolution import im2col, resolve_padding
from ..shapes import conv_output_size, effective_kernel_size, explain_output_size, same_padding
from ._base import Explorer, TextLayer, bare, new_figure, show_matrix, update_matrix

#: the padding choices of the dropdown; "custom" takes the number from the slider
PADDING_MODES = ("valid", "same", "full", "custom")
#: colour map of the coverage counts: 0 (never read) is white, and every count from 1 up
#: is a blue at least as dark as ``_COVERAGE_LIGHTEST``, so "read once" never looks like
#: "never read"
COVERAGE_CMAP = "cnnviz_coverage"
_COVERAGE_LIGHTEST = 0.3


def _coverage_colour_map():
    """White for the lowest 1% of the scale, then Blues from 0.3 to 1.

    With ``vmin=0`` and ``vmax`` at most 49 (a 7x7 kernel read at every offset), a count
    of 1 is at least 1/49 of the way up, past the white entries.
    """
    blues = colormaps["Blues"](np.linspace(_COVERAGE_LIGHTEST, 1.0, 253))
    white = np.ones((3, 4))
    return ListedColormap(np.vstack([white, blues]), name=COVERAGE_CMAP)


if COVERAGE_CMAP not in colormaps:
    colormaps.register(_coverage_colour_map())

# Cell colours of the grid diagram (colour-blind safe: orange and purple highlights).
_INPUT = (0xbd, 0xbd, 0xbd)
_PADDING = (0xff, 0xff, 0xff)
_TAP_INPUT = (0xe6, 0x61, 0x00)
_TAP_PADDING = (0xfd, 0xb8, 0x63)
_UNREAD_INPUT = (0x5e, 0x3c, 0x99)
_UNREAD_PADDING = (0xcb, 0xc3, 0xe3)
_OUTPUT = (0xe8, 0xe8, 0xe8)
_LINES = "#808080"


# ------------------------------------------------------------------------ the math
def padding_for(mode, kernel_size, *, dilation=1):
    """The padding on each side that a named mode asks for.

    "valid" adds nothing; "same" adds ``d(k - 1) / 2`` (from :func:`cnnviz.same_padding`),
    which keeps the size at stride 1; "full" adds ``d(k - 1)``, so that even a window
    holding a single input pixel in its corner is computed.

    Raises ``ValueError`` for "same" when ``d(k - 1)`` is odd: it cannot be split
    equally between the two sides.

    Examples
    --------
    >>> [padding_for(m, 3) for m in ("valid", "same", "full")]
    [0, 1, 2]
    >>> padding_for("same", 3, dilation=2)
    2
    """
    kernel_size = positive_int(kernel_size, "kernel_size")
    dilation = positive_int(dilation, "dilation")
    if mode == "valid":
        return 0
    if mode == "full":
        (before, _), _ = resolve_padding("full", (kernel_size, kernel_size),
                                         dilation=(dilation, dilation))
        return before
    if mode == "same":
        pad = same_padding(kernel_size, dilation=dilation)
        if isinstance(pad, tuple):
            total = sum(pad)
            kernel = f"a {kernel_size}x{kernel_size} kernel"
            if dilation > 1:
                kernel += f" with dilation {dilation}"
            raise ValueError(
                f"'same' padding for {kernel} needs {total} extra pixels per row, an odd "
                f"number: it cannot be split equally between the two sides (PyTorch puts "
                f"{pad[0]} before and {pad[1]} after). This diagram pads every side "
                "equally: pick an odd kernel size, or 'custom' padding."
            )
        return pad
    raise ValueError(f"padding must be a number or one of {', '.join(map(repr, PADDING_MODES[:3]))}; "
                     f"got {mode!r}")


def _padded_coverage(padded, kernel_size, stride, dilation):
    """How many windows read each cell of a ``padded x padded`` grid.

    ``im2col`` lists, for every window, the cells it multiplies by the kernel; give
    each cell its own number and count how often each number appears.
    """
    index = np.arange(padded * padded, dtype=np.float64).reshape(1, 1, padded, padded)
    cols = im2col(index, (kernel_size, kernel_size), stride=(stride, stride),
                  dilation=(dilation, dilation))
    counts = np.bincount(cols.astype(np.int64).ravel(), minlength=padded * padded)
    return counts.reshape(padded, padded)


def window_coverage(size, kernel_size, *, stride=1, padding=0, dilation=1):
    """How many windows read each pixel of a ``size x size`` input.

    This is also how many output values each input pixel takes part in.

    Parameters
    ----------
    size, kernel_size : int
        Input size ``n`` and kernel size ``k`` (both square).
    stride, padding, dilation : int

    Returns
    -------
    ndarray of int, shape (size, size)

    Examples
    --------
    >>> window_coverage(4, 3)                  # valid: the corners are read once
    array([[1, 2, 2, 1],
           [2, 4, 4, 2],
           [2, 4, 4, 2],
           [1, 2, 2, 1]])
    >>> window_coverage(4, 3, padding=1)[0]    # same: every corner is read 4 times
    array([4, 6, 6, 4])
    >>> window_coverage(5, 2, stride=3)[:, 0]  # stride 3 skips a row between windows
    array([1, 1, 0, 1, 1])
    """
    n, k, s = positive_int(size, "size"), positive_int(kernel_size, "kernel_size"), \
        positive_int(stride, "stride")
    p, d = nonnegative_int(padding, "padding"), positive_int(dilation, "dilation")
    out = conv_output_size(n, k, stride=s, padding=p, dilation=d)   # raises when no window fits
    # the padded index picture, its windows unfolded (float64) and their int64 copy
    check_memory((n + 2 * p) ** 2 + 2 * k * k * out * out, 8,
                 f"window_coverage({n}, {k}, stride={s}, padding={p}, dilation={d})")
    return _padded_coverage(n + 2 * p, k, s, d)[p:p + n, p:p + n]


@dataclass
class SizeState:
    size: int                  # input size n (square input)
    kernel_size: int           # k
    padding: int               # p on every side
    stride: int                # s
    dilation: int              # d
    padding_mode: str          # "valid", "same", "full" or "custom"
    out: int                   # output size per side
    window: int                # the highlighted window, counted row by row
    explanation: str           # the formula with the numbers substituted
    padded_coverage: np.ndarray  # (n + 2p, n + 2p) windows reading each padded cell

    @property
    def span(self):
        """Pixels one window spans per side: ``d(k - 1) + 1``."""
        return effective_kernel_size(self.kernel_size, dilation=self.dilation)

    @property
    def padded(self):
        return self.size + 2 * self.padding

    @property
    def coverage(self):
        """Windows reading each input pixel, shape ``(n, n)``."""
        p, n = self.padding, self.size
        return self.padded_coverage[p:p + n, p:p + n]

    @property
    def starts(self):
        """Where the windows start along one side, in padded coordinates."""
        return np.arange(self.out) * self.stride

    @property
    def window_cell(self):
        """The output cell ``(row, column)`` of the highlighted window."""
        return divmod(self.window, self.out)

    @property
    def taps(self):
        """Padded coordinates (rows, columns) the highlighted window reads, per side."""
        i, j = self.window_cell
        offsets = np.arange(self.kernel_size) * self.dilation
        return i * self.stride + offsets, j * self.stride + offsets

    @property
    def read(self):
        """Along one side: which padded rows (and columns) some window reads."""
        return self.padded_coverage.any(axis=1)

    @property
    def leftover(self):
        """Rows left after the last full step: ``(n + 2p - d(k-1) - 1) mod s``."""
        return (self.padded - self.span) % self.stride

    @property
    def unread_input(self):
        """How many rows (and as many columns) of the input itself no window reads."""
        return int(np.count_nonzero(~self.read[self.padding:self.padding + self.size]))


def output_size_state(size, kernel_size, *, padding=0, stride=1, dilation=1, window=0):
    """Every window position of a square convolution, and the output size it gives.

    Parameters
    ----------
    size, kernel_size : int
        Input size ``n`` and kernel size ``k``.
    padding : int or {"valid", "same", "full"}
        Zeros added on each side, or a named choice (see :func:`padding_for`).
    stride, dilation : int
    window : int
        Which window to highlight, counted row by row from 0.

    Raises ``ValueError`` with an explanation when no window fits the padded input.

    Examples
    --------
    >>> state = output_size_state(7, 3, stride=2)
    >>> state.out, state.starts.tolist()
    (3, [0, 2, 4])
    >>> state = output_size_state(8, 3, stride=2, window=5)
    >>> state.window_cell, state.leftover, state.unread_input
    ((1, 2), 1, 1)
    >>> output_size_state(6, 3, padding="same").out
    6
    """
    n = positive_int(size, "size")
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(stride, "stride")
    d = positive_int(dilation, "dilation")
    if isinstance(padding, str):
        mode, p = padding, padding_for(padding, k, dilation=d)
    else:
        mode, p = "custom", nonnegative_int(padding, "padding")
    window = nonnegative_int(window, "window")
    span = effective_kernel_size(k, dilation=d)
    if n + 2 * p < span:
        kernel = f"a {k}x{k} kernel" + (f" with dilation {d}" if d > 1 else "")
        needs = f"spans {span} pixels" if d > 1 else f"needs {span} pixels"
        raise ValueError(
            f"No window fits: {kernel} {needs} across, but the {n}x{n} input with padding "
            f"{p} is only {n} + 2*{p} = {n + 2 * p} wide. Use padding >= {-(-(span - n) // 2)}"
            f"{', less dilation' if d > 1 else ''} or a smaller kernel. (Stride {s} "
            "cannot help: it only spaces out the windows, and not even one fits.)"
        )
    out = conv_output_size(n, k, stride=s, padding=p, dilation=d)
    if window >= out * out:
        raise ValueError(f"window must be at most {out * out - 1} (a {out}x{out} output has "
                         f"{out * out} windows); got {window}")
    explanation = explain_output_size(n, k, stride=s, padding=p, dilation=d)
    coverage = _padded_coverage(n + 2 * p, k, s, d)
    return SizeState(n, k, p, s, d, mode, out, window, explanation, coverage)


# ------------------------------------------------------------------------ the picture
def _grid_lines(cells):
    """Segments of the lines between the cells of a ``cells x cells`` grid."""
    edges = np.arange(cells + 1) - 0.5
    lo, hi = -0.5, cells - 0.5
    horizontal = [((lo, e), (hi, e)) for e in edges]
    vertical = [((e, lo), (e, hi)) for e in edges]
    return horizontal + vertical


def grid_rgb(state):
    """The padded input as an RGB image, one pixel per cell, coloured by role."""
    L, p, n = state.padded, state.padding, state.size
    inside = np.zeros((L, L), dtype=bool)
    inside[p:p + n, p:p + n] = True
    read = state.padded_coverage > 0
    rgb = np.empty((L, L, 3), dtype=np.uint8)
    rgb[:] = _PADDING
    rgb[inside] = _INPUT
    rgb[~read & inside] = _UNREAD_INPUT
    rgb[~read & ~inside] = _UNREAD_PADDING
    rows, cols = state.taps
    tap = np.zeros((L, L), dtype=bool)
    tap[np.ix_(rows, cols)] = True
    rgb[tap & inside] = _TAP_INPUT
    rgb[tap & ~inside] = _TAP_PADDING
    return rgb


def idle_controls(state):
    """Controls that cannot change anything at this setting, each with the reason.

    A learner who moves one of these and sees nothing happen reads why on the figure.

    >>> idle_controls(output_size_state(7, 1))
    {'dilation': 'a 1x1 kernel has no gaps to spread, so dilation changes nothing'}
    >>> sorted(idle_controls(output_size_state(5, 5)))
    ['stride', 'window']
    >>> sorted(idle_controls(output_size_state(5, 3, stride=3)))    # a stride of 1 gives 3 windows
    ['window']
    """
    notes = {}
    if state.kernel_size == 1:
        notes["dilation"] = "a 1x1 kernel has no gaps to spread, so dilation changes nothing"
    if state.padded == state.span:
        notes["stride"] = ("one window fills the padded input, so there is no next position "
                           "for the stride to step to")
    if state.out == 1:
        notes["window"] = "there is only one window to choose"
    return notes


def _formula_text(state):
    lines = state.explanation.split("\n")
    wrapped = [w for line in lines for w in textwrap.wrap(line, 66, subsequent_indent=" ")]
    if state.dilation == 1:
        wrapped.append(f"(d = 1, so this is floor((n + 2p - k) / s) + 1 = "
                       f"floor({state.padded - state.kernel_size} / {state.stride}) + 1)")
    for name, why in idle_controls(state).items():
        wrapped += textwrap.wrap(f"{name}: {why}.", 66, subsequent_indent=" ")
    return "\n".join(wrapped)


def _heading(state):
    mode = "" if state.padding_mode == "custom" else f" ({state.padding_mode})"
    dil = f", dilation {state.dilation}" if state.dilation > 1 else ""
    return (f"{state.size}x{state.size} input, {state.kernel_size}x{state.kernel_size} kernel, "
            f"padding {state.padding}{mode}, stride {state.stride}{dil}"
            f"   \u2192   {state.out}x{state.out} output")


#: The legend under the grid, one tuple of entries per row.
_LEGEND = (
    (("square", _INPUT, "input"), ("square", _PADDING, "zero padding"),
     ("dot", (0, 0, 0), "window start")),
    (("square", _TAP_INPUT, "a tap of the chosen window on the input"),
     ("square", _TAP_PADDING, "on padding")),
    (("square", _UNREAD_INPUT, "input never read"), ("square", _UNREAD_PADDING, "padding never read")),
)


def _paint_words(layer, axes, state):
    """The heading, the panel titles, the legend and the formula, as one paint function."""
    ax_grid, ax_out, ax_cov = axes
    i, j = state.window_cell
    n, p, L = state.size, state.padding, state.padded
    titles = [
        (ax_grid, f"padded input: {L}x{L} = {n} + 2*{p}" if p else f"input: {n}x{n}, no padding"),
        (ax_out, f"output: {state.out}x{state.out}, cell ({i}, {j})"),
        (ax_cov, "windows reading each input pixel"),
    ]
    formula = _formula_text(state)
    black = (0, 0, 0, 255)

    def paint(draw):
        draw.text(layer.xy(0.5, 0.95), _heading(state), font=layer.font(12), fill=black,
                  anchor="mm")
        for ax, text in titles:
            box = ax.get_position()
            x, y = layer.xy((box.x0 + box.x1) / 2, box.y1)
            draw.text((x, y - 5), text, font=layer.font(10.5), fill=black, anchor="md")
        # The legend: three rows under the grid.
        box = ax_grid.get_position()
        left, top = layer.xy((box.x0 + box.x1) / 2 - box.height * layer.height / layer.width / 2,
                             box.y0)
        font = layer.font(9)
        for row, entries in enumerate(_LEGEND):
            x, y = left, top + 6 + 16 * row
            for kind, colour, label in entries:
                if kind == "square":
                    draw.rectangle((x, y, x + 11, y + 11), fill=(*colour, 255),
                                   outline=(128, 128, 128, 255))
                else:
                    draw.ellipse((x + 2, y + 2, x + 9, y + 9), fill=(*colour, 255))
                draw.text((x + 16, y + 6), label, font=font, fill=black, anchor="lm")
                x += 16 + font.getlength(label) + 18
        x, y = layer.xy(0.475, 0.40)
        draw.multiline_text((x, y), formula, font=layer.font(9, "DejaVu Sans Mono"), fill=black,
                            spacing=3)

    return paint


def plot_output_size(state, fig=None, artists=None):
    """Left: the padded input with every window start and one window's taps.
    Right: the output grid, the coverage heat map and the formula."""
    if artists is None:
        fig = fig or new_figure(10, 4.5)
        ax_grid = fig.add_axes([0.01, 0.19, 0.42, 0.67])
        ax_out = fig.add_axes([0.47, 0.46, 0.22, 0.40])
        ax_cov = fig.add_axes([0.74, 0.46, 0.24, 0.40])
        for ax in (ax_grid, ax_out, ax_cov):
            bare(ax)
        grid = ax_grid.imshow(grid_rgb(state), interpolation="nearest")
        lines = LineCollection([], colors=_LINES, linewidths=0.6)
        ax_grid.add_collection(lines)
        border = Rectangle((0, 0), 1, 1, fill=False, ec="#222222", lw=1.6)
        ax_grid.add_patch(border)
        window = Rectangle((0, 0), 1, 1, fill=False, ec="black", lw=2.2)
        ax_grid.add_patch(window)
        (dots,) = ax_grid.plot([], [], "o", color="black", ms=3, ls="")
        out_img = ax_out.imshow(np.zeros((1, 1, 3), dtype=np.uint8), interpolation="nearest")
        out_lines = LineCollection([], colors=_LINES, linewidths=0.6)
        ax_out.add_collection(out_lines)
        cov = show_matrix(ax_cov, state.coverage, cmap=COVERAGE_CMAP, vmin=0)
        words = TextLayer(fig)
        artists = dict(grid=grid, lines=lines, border=border, window=window, dots=dots,
                       out_img=out_img, out_lines=out_lines, cov=cov, words=words,
                       axes=(ax_grid, ax_out, ax_cov))

    L, n, p, out = state.padded, state.size, state.padding, state.out

    # The padded input: cells coloured by role, grid lines, the input's border.
    ax_grid = artists["grid"].axes
    artists["grid"].set_data(grid_rgb(state))
    artists["grid"].set_extent((-0.5, L - 0.5, L - 0.5, -0.5))
    ax_grid.set_xlim(-0.5, L - 0.5)
    ax_grid.set_ylim(L - 0.5, -0.5)
    artists["lines"].set_segments(_grid_lines(L))
    artists["lines"].set_linewidth(0.6 if L <= 24 else 0.3)
    artists["border"].set_bounds(p - 0.5, p - 0.5, n, n)
    i, j = state.window_cell
    s = state.stride
    artists["window"].set_bounds(j * s - 0.5, i * s - 0.5, state.span, state.span)
    xs, ys = np.meshgrid(state.starts, state.starts)
    artists["dots"].set_data(xs.ravel(), ys.ravel())
    artists["dots"].set_markersize(float(np.clip(90 / L, 1.5, 5)))

    # The output grid with the chosen window's cell.
    out_rgb = np.empty((out, out, 3), dtype=np.uint8)
    out_rgb[:] = _OUTPUT
    out_rgb[i, j] = _TAP_INPUT
    artists["out_img"].set_data(out_rgb)
    artists["out_img"].set_extent((-0.5, out - 0.5, out - 0.5, -0.5))
    ax_out = artists["out_img"].axes
    ax_out.set_xlim(-0.5, out - 0.5)
    ax_out.set_ylim(out - 0.5, -0.5)
    artists["out_lines"].set_segments(_grid_lines(out))
    artists["out_lines"].set_linewidth(0.6 if out <= 24 else 0.3)

    coverage = state.coverage
    key = (coverage.shape, coverage.tobytes())
    if artists.get("coverage_key") != key:   # moving the window leaves the heat map as it is
        update_matrix(artists["cov"], coverage, cmap=COVERAGE_CMAP, vmin=0,
                      vmax=max(1, int(coverage.max())), fmt="{:.0f}", numbers=n <= 16,
                      cell=max(8, 168 // n))
        artists["coverage_key"] = key
    artists["words"].paint(_paint_words(artists["words"], artists["axes"], state))
    return fig, artists


# ------------------------------------------------------------------------ the widget
def _padding_max(kernel_size, dilation):
    return max(6, dilation * (kernel_size - 1))


def _plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "s")


def _caption(state):
    i, j = state.window_cell
    k, n, out = state.kernel_size, state.size, state.out
    taps = k * k
    parts = [
        f"<b>{_plural(out, 'window position')} per row \u00d7 {out} per column = "
        f"{_plural(out * out, 'output value')}.</b> Each dot is the top-left cell of one window; "
        f"the orange {'cell is the pixel' if taps == 1 else f'cells are the {taps} pixels'} "
        f"that window {state.window} (output cell ({i}, {j})) multiplies by the kernel."
    ]
    if state.dilation > 1:
        parts.append(f"Dilation {state.dilation} spreads the {k}x{k} taps over "
                     f"{state.span}x{state.span} pixels (the black outline).")
    if state.unread_input:
        rows = state.unread_input
        parts.append(f"<b>{rows} of the {n} input rows (and as many columns) "
                     f"{'is' if rows == 1 else 'are'} never read</b> (purple): "
                     "those pixels cannot affect the output.")
    elif not state.read.all():
        parts.append("Only padding is left unread (light purple): every input pixel still counts.")
    if state.padding_mode == "same" and state.stride > 1:
        parts.append(f"'Same' padding keeps the size only at stride 1; with stride {state.stride} "
                     f"the output is ceil({n} / {state.stride}) = {out}.")
    return " ".join(parts)


def size_explorer(size=7, kernel_size=3, *, padding="valid", stride=1, dilation=1, window=0):
    """Sliders for input size, kernel size, padding, stride and dilation; the grid shows
    every window, the formula the output size.

    ``padding`` is "valid", "same", "full" or a number (the "custom" choice).
    """
    import ipywidgets as widgets

    mode = padding if isinstance(padding, str) else "custom"
    p = padding
    if mode != "custom":
        try:
            p = padding_for(mode, kernel_size, dilation=dilation)
        except ValueError:  # an even kernel with "same": the figure explains it
            p = 0
    style = {"description_width": "70px"}
    layout = widgets.Layout(width="260px")

    def slider(value, lo, hi, description):
        return widgets.IntSlider(value, lo, hi, description=description, style=style,
                                 layout=layout, continuous_update=True)

    controls = dict(
        size=slider(size, 1, 12, "input n"),
        kernel_size=slider(kernel_size, 1, 7, "kernel k"),
        stride=slider(stride, 1, 4, "stride s"),
        dilation=slider(dilation, 1, 2, "dilation d"),
        mode=widgets.Dropdown(options=PADDING_MODES, value=mode, description="padding",
                              style=style, layout=layout),
        padding=slider(p, 0, _padding_max(kernel_size, dilation), "p"),
        window=slider(window, 0, 0, "window"),
    )
    c = controls
    explorer = None
    busy = False

    def named_padding():
        """The mode's padding for the current kernel, or None (custom, or not possible)."""
        if c["mode"].value == "custom":
            return None
        try:
            return padding_for(c["mode"].value, c["kernel_size"].value, dilation=c["dilation"].value)
        except ValueError:
            return None

    def window_max():
        pad = named_padding() if c["mode"].value != "custom" else c["padding"].value
        try:
            out = conv_output_size(c["size"].value, c["kernel_size"].value, stride=c["stride"].value,
                                   padding=pad if pad is not None else 0,
                                   dilation=c["dilation"].value)
        except ValueError:
            return 0
        return out * out - 1

    def sync(change):
        # Runs before the explorer redraws: keeps padding, mode and window consistent.
        nonlocal busy
        if busy or explorer is None:
            return
        busy = True
        try:
            with explorer.hold(redraw=False):
                owner = change["owner"]
                if owner is c["padding"]:
                    if c["mode"].value != "custom" and c["padding"].value != named_padding():
                        c["mode"].value = "custom"
                else:
                    c["padding"].max = max(_padding_max(c["kernel_size"].value, c["dilation"].value),
                                           c["padding"].value if c["mode"].value == "custom" else 0)
                    pad = named_padding()
                    if pad is not None:
                        c["padding"].value = pad
                c["window"].max = window_max()
        finally:
            busy = False

    for name, control in controls.items():
        if name != "window":
            control.observe(sync, names="value")
    c["window"].max = window_max()
    c["window"].value = min(window, c["window"].max)

    def compute(size, kernel_size, mode, padding, stride, dilation, window):
        return output_size_state(size, kernel_size, padding=mode if mode != "custom" else padding,
                                 stride=stride, dilation=dilation, window=window)

    explorer = Explorer(compute, plot_output_size, controls, new_figure(10, 4.5),
                        caption=_caption, columns=4)
    return explorer


__all__ = ["PADDING_MODES", "SizeState", "idle_controls", "output_size_state", "padding_for",
           "plot_output_size", "size_explorer", "window_coverage", "grid_rgb"]

# The explorer at the default settings notebook 04 opens with (benchmarks/bench_explorers.py).
BENCHMARK = [("04", "output size", lambda: size_explorer(7, 3))]
