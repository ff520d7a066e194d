"""Notebook 07: where a well-known network keeps its parameters.

:func:`model_share_explorer`: a dropdown of well-known networks; each layer that
learns something is a bar showing its share of all the parameters, coloured as
the calculator of :mod:`cnnviz.explorers.parameters` colours convolution and dense
layers. The counting itself is :func:`cnnviz.lessons.parameters.model_share`,
which draws nothing.
"""

from __future__ import annotations

import html

from ..lessons.parameters import MAX_ROWS, MODEL_NOTES, MODELS, model_share, percent
from . import catalog, draw
from ._base import Explorer
from .parameters import _BLACK, _FACE, _WHITE, CONV, DENSE, _pixel

#: the model-share figure, in inches at draw.DPI
FIG_SHARE = (10, 5.4)
#: the note beside the heading, for a network drawn as torchvision builds it
_SHORT_NOTES = {"AlexNet": "torchvision's layout: 64 first filters, the paper's 96"}


def _paint_share(layer, ax, m):
    s = layer.px_per_pt * 72 / draw.DPI          # pixel offsets follow the figure's dpi
    heading = f"{m.name} on a {m.summary.input_shape} input: {m.total:,} parameters"
    note = _SHORT_NOTES.get(m.name)
    legend = (
        (CONV, f"convolution layers: {m.conv_total:,} ({100 * m.conv_total / m.total:.1f}%)"),
        (DENSE, f"dense layers: {m.dense_total:,} ({100 * m.dense_total / m.total:.1f}%)"),
    )
    bottom = _pixel(layer, ax, 0, ax.get_ylim()[0])[1]

    def paint(pen):
        pen.text(layer.xy(0.01, 0.955), heading, font=layer.font(12), fill=_BLACK, anchor="lm")
        if note:
            pen.text(layer.xy(0.985, 0.955), f"({note})", font=layer.font(9), fill=_BLACK,
                      anchor="rm")
        font = layer.font(9.5)
        x, y = layer.xy(0.01, 0.895)
        for colour, text in legend:
            pen.rectangle((x, y - 6 * s, x + 12 * s, y + 6 * s), fill=(*draw.rgb(colour), 255))
            pen.text((x + 17 * s, y), text, font=font, fill=_BLACK, anchor="lm")
            x += 17 * s + font.getlength(text) + 24 * s
        name_x = layer.xy(0.01, 0)[0]
        shape_x = _pixel(layer, ax, 0, 0)[0] - 8 * s
        for row, share in zip(m.rows, m.shares):
            i = m.rows.index(row)
            end, mid = _pixel(layer, ax, share, i)
            pen.text((name_x, mid), row.name, font=font, fill=_BLACK, anchor="lm")
            pen.text((shape_x, mid), str(row.output_shape), font=font, fill=_BLACK, anchor="rm")
            text = f"{row.params:,} ({percent(share)})"
            if share > 55:           # long bar: the number goes inside its end
                pen.text((end - 5 * s, mid), text, font=font, fill=_WHITE, anchor="rm")
            else:
                pen.text((end + 5 * s, mid), text, font=font, fill=_BLACK, anchor="lm")
        for share in (0, 25, 50, 75, 100):
            tx, _ = _pixel(layer, ax, share, 0)
            pen.text((tx, bottom + 5 * s), f"{share}%", font=layer.font(8.5), fill=_BLACK,
                      anchor="ma")
        pen.text((_pixel(layer, ax, 50, 0)[0], bottom + 20 * s), "share of all parameters",
                  font=font, fill=_BLACK, anchor="ma")

    return paint


def plot_model_share(state, fig=None, artists=None):
    """One bar per layer with parameters: its share of the model's total."""
    if artists is None:
        fig = fig or draw.new_figure(*FIG_SHARE)
        ax = fig.add_axes([0.30, 0.1, 0.64, 0.74])
        ax.set_xlim(0, 100)
        draw.bare(ax)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.tick_params(axis="x", labelbottom=False, length=3)
        ax.grid(axis="x", color=_FACE, lw=0.8)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        bars = ax.barh(range(MAX_ROWS), [0] * MAX_ROWS, height=0.7, color=CONV)
        artists = dict(ax=ax, bars=list(bars), words=draw.TextLayer(fig))
    ax = artists["ax"]
    n = len(state.rows)
    ax.set_ylim(max(n, 8) - 0.5, -0.5)
    for i, bar in enumerate(artists["bars"]):
        bar.set_visible(i < n)
        if i < n:
            bar.set_width(state.shares[i])
            bar.set_facecolor(CONV if state.kinds[i] == "conv" else DENSE)
    artists["words"].paint(_paint_share(artists["words"], ax, state))
    return fig, artists


def _share_caption(m):
    biggest = max(m.rows, key=lambda r: r.params)
    share = 100 * biggest.params / m.total
    table = m.summary._repr_html_()
    note = f" {html.escape(MODEL_NOTES[m.name])}." if m.name in MODEL_NOTES else ""
    return (
        f"{html.escape(m.name)}:{note} The biggest layer, {biggest.name}, holds "
        f"{biggest.params:,} parameters: {share:.1f}% of the {m.total:,}. Layers without "
        "parameters (ReLU, pooling, flatten) are left out of the "
        f"chart.<details><summary>Every layer of {html.escape(m.name)}</summary>{table}</details>"
    )


@catalog.factory
def model_share_explorer(model="VGG16"):
    """A dropdown of networks; bars show how their parameters are spread over the layers.

    Parameters
    ----------
    model : str
        The network shown first, a key of :data:`cnnviz.lessons.parameters.MODELS`.
    """
    import ipywidgets as widgets

    labels = [(f"{name} (torchvision)" if name == "AlexNet" else name, name) for name in MODELS]
    controls = dict(model=widgets.Dropdown(options=labels, value=model, description="model"))
    return Explorer(lambda model: model_share(model), plot_model_share, controls,
                    draw.new_figure(*FIG_SHARE), caption=_share_caption)


catalog.register("07", "where the parameters are", model_share_explorer,
                 lambda: (("VGG16",), {}))


__all__ = ["FIG_SHARE", "model_share_explorer", "plot_model_share"]
