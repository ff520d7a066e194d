"""Notebook 13: the architecture gallery.

:func:`architecture_gallery`: LeNet-5 to MobileNetV2 (or any networks) in one
table, and ImageNet top-1 against parameters, multiply-adds or activations.

The state lives in :mod:`cnnviz.lessons.architectures`; the receptive field
explorer of the same notebook is :mod:`cnnviz.explorers.receptive_fields`.
"""

from __future__ import annotations

import numpy as np

from ..lessons.architectures import METRICS, architecture_table, gallery_state
from . import catalog, draw
from ._base import Explorer, TextLayer, bare, new_figure

#: figure size in inches at draw.DPI
GALLERY_FIG_SIZE = (10, 4.2)

_MONO = "DejaVu Sans Mono"
_BLACK = (20, 20, 20)


def _short(n) -> str:
    """61,100,840 -> '61.1 M'; 300,774,272 -> '301 M'; 1,814,073,344 -> '1.81 G'."""
    for factor, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return str(n)


_COLUMNS = ("network", "params", "mult-adds", "activ.", "depth", "field", "top-1")


def _table_rows(state):
    rows = [_COLUMNS]
    for row in state.rows:
        rows.append((row.name, _short(row.params), _short(row.multiply_adds),
                     _short(row.activations), str(row.depth), str(row.field),
                     "-" if row.top1 is None else f"{row.top1:.1f}%"))
    return rows


def _decades(lo, hi):
    return [10.0 ** e for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)]


def _gallery_painter(words, ax, state, points):
    heading = dict(METRICS)[state.metric]
    rows = _table_rows(state)
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in
                       enumerate(zip(r, widths))) for r in rows]
    chosen = state.chosen
    others = [r for r in state.rows if r.name != chosen.name]
    compare = []
    if others:
        big = max(others, key=lambda r: getattr(r, state.metric))
        ratio = state.ratio(big.name)
        compare.append(f"{chosen.name}: {_short(getattr(chosen, state.metric))} {heading}, "
                       f"{ratio:.3g} times {big.name}'s")
    compare.append(f"depth {chosen.depth}; the last convolution ({chosen.field_layer or 'none'}) "
                   f"sees {chosen.field}x{chosen.field} pixels")
    fig_to_px = words.xy

    def paint(d):
        title = words.font(10, "DejaVu Sans:bold")
        small = words.font(8)
        mono = words.font(8.5, _MONO)
        mono_bold = words.font(8.5, "DejaVu Sans Mono:bold")
        box = ax.get_position()
        d.text(fig_to_px(box.x0 + box.width / 2, box.y1 + 0.02),
               f"ImageNet top-1 against {heading}", font=title, fill=_BLACK, anchor="md")
        to_fig = ax.transData + ax.figure.transFigure.inverted()
        x_lo, x_hi = ax.get_xlim()
        for tick in _decades(x_lo, x_hi):
            if x_lo <= tick <= x_hi:
                fx, _ = to_fig.transform((tick, ax.get_ylim()[0]))
                d.text(fig_to_px(fx, box.y0 - 0.015), _short(int(tick)), font=small,
                       fill=_BLACK, anchor="mt")
        y_lo, y_hi = ax.get_ylim()
        for tick in range(int(np.ceil(y_lo / 5) * 5), int(y_hi) + 1, 5):
            _, fy = to_fig.transform((x_lo, tick))
            d.text(fig_to_px(box.x0 - 0.008, fy), f"{tick}%", font=small, fill=_BLACK,
                   anchor="rm")
        for name, (px, py) in points.items():
            fx, fy = to_fig.transform((px, py))
            colour = draw.rgb(draw.HIGHLIGHT) if name == chosen.name else _BLACK
            d.text(fig_to_px(fx + 0.014, fy + 0.02), name, font=small, fill=colour,
                   anchor="lb")
        x, y = fig_to_px(0.5, 0.9)
        step = round(15 * words.px_per_pt * 72 / draw.DPI)
        for k, line in enumerate(lines):
            is_chosen = k > 0 and state.rows[k - 1].name == chosen.name
            d.text((x, y + k * step), line, font=mono_bold if is_chosen or k == 0 else mono,
                   fill=draw.rgb(draw.HIGHLIGHT) if is_chosen else _BLACK, anchor="la")
        y += (len(lines) + 1) * step
        for k, line in enumerate(compare):
            d.text((x, y + k * step), line, font=words.font(9), fill=_BLACK, anchor="la")
        d.text((x, y + (len(compare) + 0.5) * step),
               "counts per 224x224 image (LeNet-5: 32x32); top-1 with torchvision's weights",
               font=small, fill=(90, 90, 90), anchor="la")

    return paint


def plot_gallery(state, fig=None, artists=None):
    """Left: ImageNet top-1 against the chosen metric (log scale). Right: the table."""
    if artists is None:
        fig = fig or new_figure(*GALLERY_FIG_SIZE)
        ax = bare(fig.add_axes([0.07, 0.14, 0.38, 0.72]))
        ax.set_xscale("log")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.minorticks_off()
        (others,) = ax.plot([], [], "o", color=draw.NEUTRAL, ms=7, ls="")
        (chosen,) = ax.plot([], [], "o", color=draw.HIGHLIGHT, ms=10, ls="")
        grid = [ax.axvline(1, color="#e0e0e0", lw=0.8, zorder=0) for _ in range(12)]
        hgrid = [ax.axhline(0, color="#e0e0e0", lw=0.8, zorder=0) for _ in range(12)]
        words = TextLayer(fig)
        artists = dict(ax=ax, others=others, chosen=chosen, grid=grid, hgrid=hgrid, words=words)
    ax = artists["ax"]
    scored = [r for r in state.rows if r.top1 is not None]
    values = [getattr(r, state.metric) for r in scored] or [1]
    lo, hi = min(values) / 2.5, max(values) * 2.5
    tops = [r.top1 for r in scored] or [50.0]
    y_lo, y_hi = np.floor(min(tops) / 5) * 5 - 2.5, np.ceil(max(tops) / 5) * 5 + 2.5
    ax.set_xlim(lo, hi)
    ax.set_ylim(y_lo, y_hi)
    points = {r.name: (getattr(r, state.metric), r.top1) for r in scored}
    rest = [p for name, p in points.items() if name != state.highlight]
    artists["others"].set_data([p[0] for p in rest], [p[1] for p in rest])
    mine = points.get(state.highlight)
    artists["chosen"].set_data([mine[0]] if mine else [], [mine[1]] if mine else [])
    ticks = [t for t in _decades(lo, hi) if lo <= t <= hi]
    for line, tick in zip(artists["grid"], ticks + [None] * len(artists["grid"])):
        line.set_visible(tick is not None)
        if tick is not None:
            line.set_xdata([tick, tick])
    yticks = list(range(int(np.ceil(y_lo / 5) * 5), int(y_hi) + 1, 5))
    for line, tick in zip(artists["hgrid"], yticks + [None] * len(artists["hgrid"])):
        line.set_visible(tick is not None)
        if tick is not None:
            line.set_ydata([tick, tick])
    artists["words"].paint(_gallery_painter(artists["words"], ax, state, points))
    return fig, artists


def caption_gallery(state):
    chosen = state.chosen
    heading = dict(METRICS)[state.metric]
    parts = [f"<b>{chosen.name}</b>: {chosen.params:,} parameters, {chosen.multiply_adds:,} "
             f"multiply-adds and {chosen.activations:,} activations per image, "
             f"{chosen.depth} layers with weights."]
    if chosen.top1 is None:
        parts.append("It has no ImageNet score, so it is not on the chart.")
    else:
        parts.append(f"ImageNet top-1 {chosen.top1:.1f}% (the chart's x axis: {heading}, "
                     "log scale).")
    return " ".join(parts)


@catalog.factory
def architecture_gallery(models=None, *, metric="params", highlight="ResNet-18"):
    """Famous networks side by side, and top-1 accuracy against parameters or multiply-adds.

    Parameters
    ----------
    models : mapping, optional
        ``name -> (model, input_shape)`` or ``(model, input_shape, top1)``, any
        :class:`cnnviz.Sequential`; LeNet-5, AlexNet, VGG16, ResNet-18 and MobileNetV2
        by default (see :data:`cnnviz.lessons.architectures.ARCHITECTURES`).
    metric : {"params", "multiply_adds", "activations"}
    highlight : str
        The network shown in orange.
    """
    import ipywidgets as widgets

    rows = architecture_table(models)
    names = [row.name for row in rows]
    if highlight not in names:
        highlight = names[-1]
    controls = dict(
        metric=widgets.Dropdown(options=[(label, key) for key, label in METRICS], value=metric,
                                description="x axis", layout=widgets.Layout(width="230px")),
        highlight=widgets.Dropdown(options=names, value=highlight, description="network",
                                   layout=widgets.Layout(width="230px")),
    )
    return Explorer(lambda **v: gallery_state(rows, **v), plot_gallery, controls,
                    new_figure(*GALLERY_FIG_SIZE), caption=caption_gallery,
                    layout=[["metric", "highlight"]])


catalog.register("13", "architecture gallery", architecture_gallery)


__all__ = ["GALLERY_FIG_SIZE", "architecture_gallery", "caption_gallery", "plot_gallery"]
