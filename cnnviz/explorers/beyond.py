"""Notebook 14, sections 3 to 5: the same convolution in three other forms.

Three explorers, their state in :mod:`cnnviz.lessons.beyond` (the transposed
convolution and the convolution matrix are :mod:`cnnviz.explorers.transposed_views`):

- :func:`sequence_explorer`: a 1-D convolution of a signal (same, causal or valid padding)
  and the samples a stack of dilated causal convolutions reads;
- :func:`groups_explorer`: the weight tensor and channel connections of a grouped convolution;
- :func:`fft_explorer`: direct against FFT correlation, timed on this machine.
"""

from __future__ import annotations

import numpy as np

from ..lessons.beyond import (
    KERNELS_1D, PADDINGS_1D, causal_stack_state, explain_setting, fft_state, groups_state,
    sequence_state, time_correlation,
)
from . import catalog, draw
from ._base import Explorer
from .boxes import common_cell, dropdown, slider, words

#: figure sizes in inches (at draw.DPI)
SEQUENCE_FIGURE = (10, 4.8)
GROUPS_FIGURE = (10, 3.4)
FFT_FIGURE = (10, 3.6)


# ------------------------------------------------------------ 3. 1-D and causal
def plot_sequence(pair, fig=None, artists=None):
    """Top: the signal, the output, the taps of one output. Bottom: a dilated causal stack,
    the samples each layer reads for the newest output."""
    seq, stack = pair
    if artists is None:
        fig = fig or draw.new_figure(*SEQUENCE_FIGURE)
        ax = fig.add_axes([0.05, 0.50, 0.93, 0.38])
        ax.set_xlim(-1, seq.signal.size)
        ax.set_ylim(-2.3, 2.3)
        ax.tick_params(labelsize=8)
        (signal,) = ax.plot(seq.signal, color=draw.NEUTRAL, lw=1)
        (output,) = ax.plot([], [], color=draw.HIGHLIGHT, lw=1.6)
        (taps,) = ax.plot([], [], "o", color=draw.ACCENT, ms=4)
        (point,) = ax.plot([], [], "o", color=draw.HIGHLIGHT, ms=7, mec="black")
        span = ax.axvspan(0, 1, color=draw.ACCENT_LIGHT, alpha=0.5, lw=0)
        ax2 = fig.add_axes([0.05, 0.03, 0.60, 0.40])
        draw.bare(ax2)
        (grey,) = ax2.plot([], [], "o", color=(0.85, 0.85, 0.85), ms=4, ls="")
        (read,) = ax2.plot([], [], "o", color=draw.HIGHLIGHT, ms=5, ls="")
        from matplotlib.collections import LineCollection
        links = LineCollection([], colors=[draw.HIGHLIGHT_LIGHT], linewidths=1)
        ax2.add_collection(links)
        artists = dict(ax=ax, signal=signal, output=output, taps=taps, point=point, span=span,
                       ax2=ax2, grey=grey, read=read, links=links,
                       title=draw.Picture(fig, [0.05, 0.89, 0.93, 0.11]),
                       text=draw.Picture(fig, [0.67, 0.03, 0.33, 0.40]))
    scale = draw.scale(fig)
    k = seq.kernel.size
    t_out = np.arange(seq.output.size) + ((k - 1) // 2 if seq.padding == "valid" else 0)
    artists["output"].set_data(t_out, seq.output)
    inside = (seq.taps >= 0) & (seq.taps < seq.signal.size)
    artists["taps"].set_data(seq.taps[inside], seq.signal[seq.taps[inside]])
    artists["point"].set_data([seq.centre], [seq.output[seq.time]])
    artists["span"].set_x(seq.taps.min() - 0.5)
    artists["span"].set_width(k)
    words(artists["title"], (
        f"grey: signal; orange: conv1d with a {k}-tap {seq.kernel_name} kernel, padding "
        f"'{seq.padding}'; purple: the {k} samples output {seq.time} reads "
        f"({seq.future_taps} after it)",), scale)
    # The stack: layer l at height l, positions -field+1 .. 0.
    L = len(stack.dilations)
    width = max(stack.field, 16)
    xs, ys = np.meshgrid(np.arange(-width + 1, 1), np.arange(L + 1))
    artists["grey"].set_data(xs.ravel(), ys.ravel())
    rx = np.concatenate(stack.reads)
    ry = np.concatenate([np.full(len(r), l) for l, r in enumerate(stack.reads)])
    artists["read"].set_data(rx, ry)
    segments = []
    for l, d in enumerate(stack.dilations):
        for t in stack.reads[l + 1]:
            segments += [((t, l + 1), (t - d * u, l)) for u in range(stack.kernel_size)]
    artists["links"].set_segments(segments)
    ax2 = artists["ax2"]
    ax2.set_xlim(-width + 0.3, 0.7)
    ax2.set_ylim(-0.5, L + 0.5)
    lines = [f"Causal stack, k = {stack.kernel_size}:",
             "dilations " + ", ".join(map(str, stack.dilations)) + " (bottom row: signal)",
             "field = 1 + " + " + ".join(f"{stack.kernel_size - 1}*{d}" for d in stack.dilations),
             f"      = {stack.field} samples",
             f"{len(stack.reads[0])} orange samples on the bottom row;",
             "none from the future (right of 0)."]
    words(artists["text"], lines, scale)
    return fig, artists


def _caption_sequence(pair):
    seq, stack = pair
    k = seq.kernel.size
    pad = {"same": f"'same' pads {(k - 1) // 2} zeros left and {k - 1 - (k - 1) // 2} right",
           "causal": f"'causal' pads {k - 1} zeros on the left only, so output t reads "
                     "samples t and before",
           "valid": "'valid' pads nothing: the output is shorter"}[seq.padding]
    return (f"<b>{pad}.</b> Output {seq.time} reads samples {int(seq.taps.min())} to "
            f"{int(seq.taps.max())}. The stack of {len(stack.dilations)} causal layers sees "
            f"{stack.field} samples of the past with {len(stack.dilations) * stack.kernel_size}"
            " weights.")


def constrain_sequence(values):
    """The time slider runs over the output.

    >>> constrain_sequence(dict(kernel="identity", kernel_size=5, padding="valid", time=0,
    ...                         layers=4, stack_kernel=2))
    {'time': {'max': 115}}
    """
    n = 120 - (values["kernel_size"] - 1 if values["padding"] == "valid" else 0)
    return {"time": {"max": n - 1}}


@catalog.factory
def sequence_explorer(kernel="moving average", kernel_size=5, *, padding="same", time=60,
                      layers=4, stack_kernel=2):
    """A 1-D convolution of a noisy signal, and a dilated causal stack."""
    controls = dict(kernel=dropdown(tuple(KERNELS_1D), kernel, "kernel"),
                    kernel_size=slider(kernel_size, 1, 15, "kernel size"),
                    padding=dropdown(PADDINGS_1D, padding, "padding"),
                    time=slider(time, 0, 119, "output t"),
                    layers=slider(layers, 1, 5, "stack layers"),
                    stack_kernel=slider(stack_kernel, 2, 3, "stack k"))

    def compute(kernel, kernel_size, padding, time, layers, stack_kernel):
        return (sequence_state(kernel, kernel_size, padding=padding, time=time),
                causal_stack_state(tuple(2 ** i for i in range(layers)), stack_kernel))

    return Explorer(compute, plot_sequence, controls, draw.new_figure(*SEQUENCE_FIGURE),
                    caption=_caption_sequence,
                    layout=[["kernel", "kernel_size", "padding"],
                            ["time", "layers", "stack_kernel"]],
                    constrain=constrain_sequence, explain=explain_setting)


catalog.register("14", "1-D and causal convolution", sequence_explorer,
                 lambda: (("moving average", 5), {"padding": "causal", "time": 60}))


# --------------------------------------------------------------- 4. grouped
def plot_groups(state, fig=None, artists=None):
    """Left: which input channel each output channel reads, by group. Right: the weight
    tensor, one row of ``C_in / groups`` kernels per output channel."""
    if artists is None:
        fig = fig or draw.new_figure(*GROUPS_FIGURE)
        artists = dict(conn=draw.Panel(fig, [0.01, 0.02, 0.28, 0.96]),
                       weight=draw.Panel(fig, [0.30, 0.02, 0.44, 0.96], bar=True),
                       text=draw.Picture(fig, [0.75, 0.02, 0.25, 0.96]))
    scale = draw.scale(fig)
    g, c_in, c_out = state.groups, state.in_channels, state.out_channels
    group = np.arange(c_out)[:, None] // (c_out // g) + 1.0
    conn = np.where(state.connections, group, 0.0)
    cell = common_cell([(artists["conn"], conn.shape)], most=24)
    artists["conn"].show(conn, cell, title=("output channel (rows) reads", "input channel"),
                         cmap="tab20", vmin=0, vmax=20, fmt="",
                         mask=state.connections)
    artists["conn"].box.set_visible(False)
    w = state.weight
    k = w.shape[2]
    mosaic = np.full((c_out * (k + 1) - 1, w.shape[1] * (k + 1) - 1), np.nan)
    for o in range(c_out):
        for c in range(w.shape[1]):
            mosaic[o * (k + 1):o * (k + 1) + k, c * (k + 1):c * (k + 1) + k] = w[o, c]
    lim = draw.symmetric_limits(w)[1]
    wcell = common_cell([(artists["weight"], mosaic.shape)], most=14)
    artists["weight"].show(np.nan_to_num(mosaic), wcell,
                           title=(f"weight {tuple(w.shape)}", "(C_out, C_in / groups, k, k)"),
                           cmap=draw.DIVERGING, vmin=-lim, vmax=lim, fmt="",
                           mask=~np.isnan(mosaic), bar_limits=(-lim, lim))
    lines = [f"{c_in} in, {c_out} out, groups {g}",
             f"each group: {c_in // g} in -> {c_out // g} out",
             f"weights: {state.params:,}", f"without groups: {state.dense_params:,}",
             f"that is 1/{g} of them" if g > 1 else "(a plain convolution)"]
    if state.depthwise:
        lines.append("depthwise: one kernel per channel")
    words(artists["text"], lines, scale)
    return fig, artists


def _caption_groups(state):
    g = state.groups
    return (f"<b>groups = {g}</b> splits the {state.in_channels} input and "
            f"{state.out_channels} output channels into {g} group{'s' if g > 1 else ''}: an "
            f"output channel reads the {state.in_channels // g} input channels of its own group "
            f"only, so the weight has shape {tuple(state.weight.shape)}."
            + (" With as many groups as channels the convolution is depthwise." if
               state.depthwise else ""))


def _divisors(a, b):
    return tuple(d for d in range(1, min(a, b) + 1) if a % d == 0 and b % d == 0)


def constrain_groups(values):
    """Groups offered: the common divisors of the channel counts.

    >>> constrain_groups(dict(in_channels=8, out_channels=12, groups=4))
    {'groups': {'options': (1, 2, 4)}}
    """
    return {"groups": {"options": _divisors(values["in_channels"], values["out_channels"])}}


@catalog.factory
def groups_explorer(in_channels=8, out_channels=8, *, groups=2):
    """Channels in and out and groups; the weight tensor drawn."""
    controls = dict(in_channels=slider(in_channels, 1, 12, "channels in"),
                    out_channels=slider(out_channels, 1, 12, "channels out"),
                    groups=dropdown(_divisors(in_channels, out_channels), groups, "groups"))
    return Explorer(lambda **v: groups_state(v["in_channels"], v["out_channels"],
                                             groups=v["groups"]),
                    plot_groups, controls, draw.new_figure(*GROUPS_FIGURE),
                    caption=_caption_groups,
                    layout=[["in_channels", "out_channels", "groups"]],
                    constrain=constrain_groups, explain=explain_setting)


catalog.register("14", "grouped convolution", groups_explorer,
                 lambda: ((8, 8), {"groups": 2}))


# ------------------------------------------------------------------ 5. by FFT
#: where the chart's axes sit on the FFT figure (figure fractions)
_CHART = [0.08, 0.14, 0.55, 0.80]


def _timing_chart(table, fig):
    """The static part of the chart (axes, ticks, both curves, the crossover), drawn once
    on a figure of the same size and dpi: tick labels cost a millisecond each per redraw."""
    chart = draw.new_figure(*fig.get_size_inches(), dpi=fig.dpi)
    ax = chart.add_axes(_CHART)
    ax.set_yscale("log")
    ax.tick_params(labelsize=8)
    ks = np.array(table.kernel_sizes)
    ax.plot(ks, table.direct * 1e3, "o-", color=draw.ACCENT, label="direct")
    ax.plot(ks, table.fft * 1e3, "s-", color=draw.BLUE, label="FFT")
    ax.set_xlabel("kernel size k (k x k)", fontsize=9)
    ax.set_ylabel("milliseconds (best of repeats)", fontsize=9)
    ax.legend(fontsize=9, loc="upper left")
    if table.crossover is not None:
        ax.axvline(table.crossover, color=draw.NEUTRAL, ls="--", lw=1)
    return draw.figure_rgb(chart), ax.get_xlim(), ax.get_ylim()


def plot_fft(state, fig=None, artists=None):
    """Seconds per correlation against kernel size, direct and FFT, the crossover marked."""
    table = state.table
    if artists is None:
        fig = fig or draw.new_figure(*FFT_FIGURE)
        background = draw.Picture(fig, [0, 0, 1, 1])
        picture, xlim, ylim = _timing_chart(table, fig)
        background.show("chart", lambda size: picture[:size[1], :size[0]])
        # A bare overlay with the chart's limits carries the one moving artist, the marker.
        ax = fig.add_axes(_CHART)
        ax.set_yscale("log")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_axis_off()
        ax.patch.set_alpha(0)
        (mark,) = ax.plot([], [], "o", ms=12, mfc="none", mec=draw.HIGHLIGHT, mew=2.5)
        artists = dict(ax=ax, mark=mark, text=draw.Picture(fig, [0.66, 0.05, 0.34, 0.90]))
    i, k = state.index, state.kernel_size
    artists["mark"].set_data([k, k], [table.direct[i] * 1e3, table.fft[i] * 1e3])
    n = table.image_size
    cross = ("never, up to the largest kernel" if table.crossover is None
             else f"from k = {table.crossover} on (dashed)")
    lines = [f"{n}x{n} image, {k}x{k} kernel:",
             f"direct {table.direct[i] * 1e3:.3f} ms", f"FFT    {table.fft[i] * 1e3:.3f} ms",
             f"direct / FFT = {state.ratio:.2f}",
             f"largest difference {table.difference[i]:.1e}", "",
             "FFT faster on this machine:", cross]
    words(artists["text"], lines, draw.scale(fig))
    return fig, artists


def _caption_fft(state):
    return (f"<b>Measured now, on this machine</b>: the direct sum grows with k x k, the FFT "
            f"barely moves. At k = {state.kernel_size} the two results differ by at most "
            f"{state.table.difference[state.index]:.1e}.")


@catalog.factory
def fft_explorer(image_size=64, kernel_sizes=tuple(range(3, 32, 4)), *, repeats=5):
    """Time ``correlate2d`` direct and by FFT once, then pick a kernel size to read."""
    import ipywidgets as widgets

    table = time_correlation(image_size, kernel_sizes, repeats=repeats)
    controls = dict(kernel_size=widgets.SelectionSlider(
        options=table.kernel_sizes, value=table.kernel_sizes[0], description="kernel size",
        style={"description_width": "90px"}, layout=widgets.Layout(width="360px")))
    return Explorer(lambda kernel_size: fft_state(table, kernel_size), plot_fft, controls,
                    draw.new_figure(*FFT_FIGURE), caption=_caption_fft, explain=explain_setting)


catalog.register("14", "direct against FFT", fft_explorer,
                 lambda: ((64, tuple(range(3, 32, 4))), {"repeats": 5}))

__all__ = [
    "FFT_FIGURE", "GROUPS_FIGURE", "SEQUENCE_FIGURE", "constrain_groups", "constrain_sequence",
    "fft_explorer", "groups_explorer", "plot_fft", "plot_groups", "plot_sequence",
    "sequence_explorer",
]
