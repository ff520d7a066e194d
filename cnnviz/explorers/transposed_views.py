"""Notebook 14, sections 1 and 2: the transposed convolution and the convolution matrix.

Two explorers, their state in :mod:`cnnviz.lessons.beyond`:

- :func:`transposed_explorer`: a transposed convolution stamp by stamp, its output-size
  formula, and the stamp counts that make checkerboard artifacts beside resize-then-convolve;
- :func:`matrix_explorer`: the matrix of a convolution with one output's row and one
  pixel's column highlighted, each laid out as a picture; its transpose is the
  transposed convolution.
"""

from __future__ import annotations

import numpy as np

from ..lessons import number
from ..lessons.beyond import explain_setting, matrix_state, transposed_state
from . import catalog, draw
from ._base import Explorer
from .boxes import common_cell, place, rectangle, slider, words

#: figure sizes in inches (at draw.DPI)
TRANSPOSED_FIGURE = (10, 4.6)
MATRIX_FIGURE = (10, 3.0)


# ------------------------------------------------------------ 1. transposed convolution
def plot_transposed(state, fig=None, artists=None):
    """Top: the input (current value outlined), the kernel, the canvas so far (the current
    stamp outlined, the crop dashed). Bottom: stamps per pixel, beside resize-then-convolve."""
    if artists is None:
        fig = fig or draw.new_figure(*TRANSPOSED_FIGURE)
        artists = dict(
            x=draw.Panel(fig, [0.01, 0.50, 0.15, 0.48]),
            k=draw.Panel(fig, [0.17, 0.50, 0.13, 0.48]),
            canvas=draw.Panel(fig, [0.31, 0.02, 0.32, 0.96]),
            cov=draw.Panel(fig, [0.01, 0.02, 0.15, 0.47]),
            resize=draw.Panel(fig, [0.16, 0.02, 0.15, 0.47]),
            text=draw.Picture(fig, [0.64, 0.02, 0.36, 0.96]),
        )
        artists["crop"] = rectangle(artists["canvas"].ax, colour="black", lw=1.6, ls="--")
    scale = draw.scale(fig)
    n, k, s, p = state.size, state.kernel_size, state.stride, state.padding
    canvas = state.canvas
    cell = common_cell([(artists["x"], (n, n)), (artists["k"], (k, k)),
                  (artists["canvas"], canvas.shape)])
    top = max(float(state.output.max()), 1.0)
    mask = np.ones((n, n), dtype=bool)
    mask.flat[state.step:] = False
    artists["x"].show(state.x, cell, title=("input", f"{n}x{n}"), cmap="Blues", vmin=0, vmax=4,
                      mask=mask, fmt="{:.0f}")
    if state.current is not None:
        artists["x"].outline(*state.current, 1, 1)
    else:
        artists["x"].box.set_visible(False)
    artists["k"].show(state.kernel, cell, title=("kernel", f"{k}x{k}, ones"), cmap="Blues",
                      vmin=0, vmax=4, fmt="{:.0f}")
    title = (f"sum of {state.step} of {n * n} stamps", f"canvas {len(canvas)}x{len(canvas)}"
             + (f", dashed: output {state.out_size}x{state.out_size}" if p else ""))
    artists["canvas"].show(canvas, cell, title=title, cmap="Blues", vmin=0, vmax=top,
                           fmt="{:.0f}")
    if state.current is not None:
        i, j = state.current
        artists["canvas"].outline(i * s, j * s, k, k)
    else:
        artists["canvas"].box.set_visible(False)
    if p:
        place(artists["crop"], p, p, state.out_size, state.out_size)
    else:
        artists["crop"].set_visible(False)
    cov, res = state.coverage, state.resize_coverage
    small = common_cell([(artists["cov"], cov.shape), (artists["resize"], res.shape)], most=22)
    vmax = max(float(cov.max()), float(res.max()), 1.0)
    artists["cov"].show(cov, small, title=("stamps per pixel", "(constant input)"),
                        cmap="Oranges", vmin=0, vmax=vmax, fmt="{:.0f}")
    artists["resize"].show(res, small, title=("resize x%d, then" % s, f"{k}x{k} conv"),
                           cmap="Oranges", vmin=0, vmax=vmax, fmt="{:.0f}")
    counts = state.interior_counts
    lines = ["Output size:"] + state.explanation.split("\n") + [""]
    if counts:
        lines.append(f"Inside the output, a pixel gets {' or '.join(map(str, counts))} stamps")
        lines.append(f"(k = {k}, s = {s}: " + ("a multiple, even)" if not state.uneven
                                               else "not a multiple: a checkerboard)"))
    else:
        lines.append("The output is too small to have an inside:")
        lines.append("every pixel is near a border.")
    lines.append("Resizing first gives every inside pixel")
    lines.append(f"the same {k * k} taps.")
    words(artists["text"], lines, scale)
    return fig, artists


def _caption_transposed(state):
    n, k, s = state.size, state.kernel_size, state.stride
    if state.current is None:
        now = "No value stamped yet: move <b>step</b>."
    else:
        i, j = state.current
        now = (f"Stamp {state.step}: input ({i}, {j}) = {number(state.x[i, j])} times the kernel, "
               f"added at row {i * s}, column {j * s} of the canvas (orange).")
    return (f"<b>{n}x{n} input, {k}x{k} kernel, stride {s} \u2192 {state.out_size}x"
            f"{state.out_size} output.</b> {now} Where stamps overlap, they add.")


def constrain_transposed(values):
    """Padding crops at most what leaves one pixel; step runs over the input's values.

    >>> constrain_transposed(dict(size=2, kernel_size=3, stride=2, padding=0, step=4))
    {'padding': {'max': 2}, 'step': {'max': 4}}
    """
    n, k, s = values["size"], values["kernel_size"], values["stride"]
    return {"padding": {"max": ((n - 1) * s + k - 1) // 2}, "step": {"max": n * n}}


@catalog.factory
def transposed_explorer(size=2, kernel_size=3, *, stride=2, padding=0, step=1):
    """Step through a transposed convolution; sliders for size, kernel, stride, padding."""
    controls = dict(size=slider(size, 1, 5, "input n"),
                    kernel_size=slider(kernel_size, 1, 5, "kernel k"),
                    stride=slider(stride, 1, 3, "stride s"),
                    padding=slider(padding, 0, 4, "padding p"),
                    step=slider(step, 0, size * size, "step"))
    return Explorer(lambda **v: transposed_state(**v), plot_transposed, controls,
                    draw.new_figure(*TRANSPOSED_FIGURE), caption=_caption_transposed,
                    layout=[["size", "kernel_size", "stride"], ["padding", "step"]],
                    constrain=constrain_transposed, explain=explain_setting)


catalog.register("14", "transposed convolution", transposed_explorer,
                 lambda: ((2, 3), {"stride": 2, "step": 1}))
catalog.register("14", "checkerboard", transposed_explorer,
                 lambda: ((5, 3), {"stride": 2, "step": 25}))


# --------------------------------------------------------------- 2. as a matrix
def plot_matrix(state, fig=None, artists=None):
    """Left: the input with the weights one output's row puts on it. Middle: M, the row and
    the column outlined. Right: the output with the weights one pixel's column carries."""
    if artists is None:
        fig = fig or draw.new_figure(*MATRIX_FIGURE)
        artists = dict(row=draw.Panel(fig, [0.01, 0.02, 0.17, 0.96]),
                       M=draw.Panel(fig, [0.19, 0.02, 0.62, 0.96]),
                       column=draw.Panel(fig, [0.82, 0.02, 0.17, 0.96]))
        artists["col_box"] = rectangle(artists["M"].ax, colour=draw.ACCENT)
    n, out = state.size, state.out
    M = state.M
    big = max(float(M.max()), 1.0)
    cell = common_cell([(artists["M"], M.shape)], most=28)
    numbers = cell >= 12
    artists["M"].show(M, cell, title=(f"M: {M.shape[0]}x{M.shape[1]}",
                                      "one row per output, one column per input pixel"),
                      cmap="Blues", vmin=0, vmax=big, fmt="{:.0f}" if numbers else "")
    artists["M"].outline(state.output, 0, 1, M.shape[1])
    place(artists["col_box"], 0, state.pixel, M.shape[0], 1)
    side = common_cell([(artists["row"], (n, n)), (artists["column"], (out, out))], most=30)
    i, j = state.output_cell
    artists["row"].show(state.row, side, title=(f"row {state.output}, as",
                                                f"input of ({i}, {j})"),
                        cmap="Blues", vmin=0, vmax=big, fmt="{:.0f}")
    r, c = state.pixel_cell
    artists["row"].outline(r, c, 1, 1)
    artists["row"].box.set_edgecolor(draw.ACCENT)
    artists["column"].show(state.column, side, title=(f"column {state.pixel}, as",
                                                      f"outputs of ({r}, {c})"),
                           cmap="Purples", vmin=0, vmax=big, fmt="{:.0f}")
    artists["column"].outline(i, j, 1, 1)
    return fig, artists


def _caption_matrix(state):
    n, k, out = state.size, state.kernel.shape[0], state.out
    rows, cols = state.M.shape
    reads = int((state.row != 0).sum())
    readers = int((state.column != 0).sum())
    i, j = state.output_cell
    r, c = state.pixel_cell
    return (f"<b>A {n}x{n} input and a {k}x{k} kernel: M is {rows}x{cols}</b>, "
            f"{int((state.M != 0).sum())} of its {rows * cols} entries non-zero. "
            f"Output ({i}, {j}) (orange row) reads {reads} pixels; pixel ({r}, {c}) "
            f"(purple column) is read by {readers} output{'s' if readers != 1 else ''}. "
            f"M transposed ({cols}x{rows}) maps a {out}x{out} gradient back to {n}x{n}: "
            f"it is the transposed convolution"
            f" ({'checked' if state.transpose_matches else 'MISMATCH'}).")


def constrain_matrix(values):
    """The kernel fits the padded input; the output and pixel sliders run over the cells
    that exist.

    >>> constrain_matrix(dict(size=4, kernel_size=3, stride=1, padding=0, output=0, pixel=0))
    {'kernel_size': {'max': 4}, 'output': {'max': 3}, 'pixel': {'max': 15}}
    """
    n, s, p = values["size"], values["stride"], values["padding"]
    k = min(values["kernel_size"], n + 2 * p)
    out = (n + 2 * p - k) // s + 1
    return {"kernel_size": {"max": min(4, n + 2 * p)}, "output": {"max": out * out - 1},
            "pixel": {"max": n * n - 1}}


@catalog.factory
def matrix_explorer(size=4, kernel_size=3, *, stride=1, padding=0, output=0, pixel=0):
    """The matrix of a convolution, with an output's row and a pixel's column."""
    controls = dict(size=slider(size, 2, 6, "input n"),
                    kernel_size=slider(kernel_size, 1, 4, "kernel k"),
                    stride=slider(stride, 1, 2, "stride s"),
                    padding=slider(padding, 0, 1, "padding p"),
                    output=slider(output, 0, 3, "output"),
                    pixel=slider(pixel, 0, size * size - 1, "input pixel"))
    return Explorer(lambda **v: matrix_state(**v), plot_matrix, controls,
                    draw.new_figure(*MATRIX_FIGURE), caption=_caption_matrix,
                    layout=[["size", "kernel_size", "stride", "padding"], ["output", "pixel"]],
                    constrain=constrain_matrix, explain=explain_setting)


catalog.register("14", "convolution as a matrix", matrix_explorer,
                 lambda: ((4, 3), {"output": 0, "pixel": 5}))

__all__ = [
    "MATRIX_FIGURE", "TRANSPOSED_FIGURE", "constrain_matrix", "constrain_transposed",
    "matrix_explorer", "plot_matrix", "plot_transposed", "transposed_explorer",
]
