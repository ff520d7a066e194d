"""Notebook 08's stored filmstrip: every layer's output for a few images, in one picture.

A reader without a running kernel sees the forward explorer's stored picture only;
with ``forward_explorer(..., filmstrip=samples)`` that picture is this filmstrip
instead of one layer of the live figure: one band per sample, the input, each of the
nine layers of the shapes network (:func:`cnnviz.pretrained.shapes_cnn`) and the
class probabilities. :func:`filmstrip_figure` draws it, :func:`filmstrip_png` renders
it at the stored density, :func:`store_filmstrip` makes it an explorer's stored picture.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image as PILImage

from ..datasets import CLASS_NAMES
from ..lessons.forward import forward_pass, percent
from . import draw
from ._base import STORED_SCALE
from .forward import FIG_SIZE, NEGATIVE, POSITIVE, paint

#: the layers, in order, of a network the stored filmstrip can lay out
FILMSTRIP_LAYOUT = ("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
                    "Dense", "Softmax")


def _mosaic(maps, cols, gap=2):
    """Tile ``(n, h, w, 4)`` RGBA pictures into rows of ``cols``, white between them."""
    n, h, w, _ = maps.shape
    rows = -(-n // cols)
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 4), 255, np.uint8)
    for k in range(n):
        r, c = divmod(k, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = maps[k]
    return out


def _kernel_beside_map(kernels, maps, vmax_map, gap=2):
    """Each 3x3 kernel (scaled up, on its own diverging scale) to the left of its map."""
    n, h, w = maps.shape
    kh, kw = kernels.shape[-2:]
    zoom = max(1, h // (3 * kh))
    painted_k = paint(np.kron(kernels.reshape(n, kh, kw), np.ones((zoom, zoom))), draw.DIVERGING,
                      *draw.symmetric_limits(kernels))
    painted_m = paint(maps, draw.DIVERGING, -vmax_map, vmax_map)
    pair = np.full((n, h, kw * zoom + gap + w, 4), 255, np.uint8)
    top = (h - kh * zoom) // 2
    pair[:, top:top + kh * zoom, :kw * zoom] = painted_k
    pair[:, :, kw * zoom + gap:] = painted_m
    return pair


def filmstrip_figure(net, images, samples, *, labels=None, class_names=CLASS_NAMES, dpi=draw.DPI):
    """Every layer's output for a few images, one band per image: a static summary.

    Each band shows the input; layer 1's maps, each with the 3x3 kernel that made it
    on its left; every further layer's maps (all of them), the flattened vector, the
    scores and the probabilities, titled with the layer's name and output shape.
    Conv outputs share one diverging scale per layer (red positive, blue negative);
    after a ReLU, grey from black at 0.

    Parameters
    ----------
    net : Sequential
        The shapes network (or one with the same nine-layer layout).
    images : ndarray, shape (N, 1, 28, 28)
    samples : sequence of int
        Which images, one band each.
    labels : ndarray, optional
        True classes, for the band titles.

    dpi : float
        The figure's pixel density (the stored picture is drawn at twice :data:`draw.DPI`).

    Returns
    -------
    Figure
    """
    from matplotlib.gridspec import GridSpecFromSubplotSpec

    kinds = [type(layer).__name__ for layer in net]
    if kinds != list(FILMSTRIP_LAYOUT):
        raise ValueError(f"the filmstrip takes a network laid out as the shapes network "
                         f"({', '.join(FILMSTRIP_LAYOUT)}); got {', '.join(kinds)}")
    samples = [int(k) for k in samples]
    height = 3.8 * len(samples)
    fig = draw.new_figure(FIG_SIZE[0], height, dpi=dpi)
    pixel = 1 / (height * draw.DPI)           # one pixel at draw.DPI, in figure fractions
    outer = fig.add_gridspec(len(samples), 1, hspace=0.42, left=0.012, right=0.99,
                             top=1 - 44 * pixel, bottom=0.03)
    names = net.layer_names()
    for band, k in enumerate(samples):
        state = forward_pass(net, images[k], layer=len(net), source=f"sample {k}",
                             label=None if labels is None else labels[k], class_names=class_names)
        rows = GridSpecFromSubplotSpec(2, 1, subplot_spec=outer[band], hspace=0.5)
        top = GridSpecFromSubplotSpec(1, 4, subplot_spec=rows[0], wspace=0.12,
                                      width_ratios=[1, 3.0, 2.1, 2.1])
        bottom = GridSpecFromSubplotSpec(1, 6, subplot_spec=rows[1], wspace=0.22,
                                         width_ratios=[1.4, 1.4, 1.4, 1.3, 1.2, 1.2])
        truth = "" if state.label is None else f"a {class_names[state.label]}, "
        p = state.probabilities
        fig.text(0.012, outer[band].get_position(fig).y1 + 20 * pixel,
                 f"sample {k}: {truth}predicted {state.prediction} ({percent(p.max())} sure)",
                 fontsize=11, fontweight="bold", va="bottom")
        axes = [fig.add_subplot(top[0, c]) for c in range(4)] + [fig.add_subplot(bottom[0, c])
                                                                 for c in range(6)]
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        axes[0].imshow(paint(state.image, draw.GREY, 0, 1), interpolation="nearest")
        axes[0].set_title("input (1, 28, 28)", fontsize=8)
        outs = state.outputs
        limit = draw.symmetric_limits(outs[0])[1]
        pairs = _kernel_beside_map(net[0].weight[:, 0], outs[0], limit)
        axes[1].imshow(_mosaic(pairs, 4), interpolation="nearest")
        axes[1].set_title(f"1 {names[0]} {tuple(outs[0].shape)}: each 3x3 kernel, then its map",
                          fontsize=8)
        for ax, i in zip(axes[2:7], (1, 2, 3, 4, 5)):
            out = outs[i]
            if i == 3:
                cmap, lo, hi = draw.DIVERGING, *draw.symmetric_limits(out)
            else:
                cmap, lo, hi = draw.GREY, 0.0, max(float(out.max()), 1e-12)
            ax.imshow(_mosaic(paint(out, cmap, lo, hi), 4), interpolation="nearest")
            ax.set_title(f"{i + 1} {names[i]} {tuple(out.shape)}", fontsize=8)
        flat, before = outs[6], outs[5]
        axes[7].imshow(paint(flat.reshape(before.shape[0], -1), draw.GREY, 0,
                             max(float(flat.max()), 1e-12)), interpolation="nearest", aspect="auto")
        axes[7].set_title(f"7 {names[6]} {tuple(flat.shape)}", fontsize=8)
        best = int(np.argmax(p))
        for ax, i in ((axes[8], 7), (axes[9], 8)):
            v = np.asarray(outs[i], dtype=float)
            if i == 7:
                colours = [POSITIVE if x >= 0 else NEGATIVE for x in v]
                ax.axhline(0, color="black", lw=0.6)
                title = f"8 {names[7]}: scores"
            else:
                colours = [draw.HIGHLIGHT if c == best else draw.NEUTRAL for c in range(len(v))]
                ax.set_ylim(0, 1.3)
                title = f"9 {names[8]}: probabilities"
                for c, x in enumerate(v):
                    ax.text(c, x + 0.05, percent(x, 0), ha="center", fontsize=7)
            ax.bar(range(len(v)), v, color=colours)
            ax.set_xticks(range(len(v)), [n[:3] for n in class_names], fontsize=7)
            ax.set_title(title, fontsize=8)
    return fig


def filmstrip_png(net, images, samples, *, scale=STORED_SCALE, **kwargs):
    """:func:`filmstrip_figure` at ``scale`` times :data:`draw.DPI` as PNG bytes, for an
    explorer's stored picture."""
    fig = filmstrip_figure(net, images, samples, dpi=draw.DPI * scale, **kwargs)
    return draw.render_png(fig, compress_level=9)


def check_layout(net):
    """Refuse, by name, a network the filmstrip cannot lay out (not :data:`FILMSTRIP_LAYOUT`)."""
    if [type(layer).__name__ for layer in net] != list(FILMSTRIP_LAYOUT):
        raise ValueError("filmstrip needs a network laid out as the shapes network "
                         f"({', '.join(FILMSTRIP_LAYOUT)}); got {net!r}")


def store_filmstrip(explorer, net, images, samples, *, labels=None, class_names=CLASS_NAMES):
    """Make the filmstrip of ``samples`` the stored picture of ``explorer`` (an
    :class:`~cnnviz.explorers.Explorer`), drawn at its stored scale and shown at 1x."""
    strip = tuple(samples)

    def stored_filmstrip():
        png = filmstrip_png(net, images, strip, labels=labels, class_names=class_names,
                            scale=explorer.stored_scale)
        width, height = PILImage.open(io.BytesIO(png)).size
        explorer._stored_size = (round(width / explorer.stored_scale),
                                 round(height / explorer.stored_scale))
        return png

    explorer.static_png = stored_filmstrip


__all__ = ["FILMSTRIP_LAYOUT", "check_layout", "filmstrip_figure", "filmstrip_png",
           "store_filmstrip"]
