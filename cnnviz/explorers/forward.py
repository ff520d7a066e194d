"""Notebook 08: one image through the whole trained network, layer by layer.

One explorer, :func:`forward_explorer`. A layer slider steps through the layers of
any :class:`cnnviz.layers.Sequential` (the trained :func:`cnnviz.pretrained.shapes_cnn`,
or a learner's own); the figure shows the input, the chosen layer's output (up to 16
feature maps in a grid, a vector as a strip, the class scores as bars), its shape and
parameter count, and the class probabilities, which stay in view whatever the layer.
A sample slider picks an image from a fixed seeded set; an upload button lets a
learner try a picture of their own. The state and the learner's sentences for a
refused file live in :mod:`cnnviz.lessons.forward`.
"""

from __future__ import annotations

import html
import io
import math

import numpy as np
from PIL import Image as PILImage

from .._validate import as_array
from ..datasets import CLASS_NAMES
from ..errors import SettingError
from ..layers import Conv2d, Dense, Flatten, Softmax
from ..lessons.forward import (  # noqa: F401  (read_picture, percent: the notebook's names)
    TEMPERATURES, NoPicture, PictureRefused, demo_samples, forward_pass, percent, read_picture,
    refusal, uploaded_file,
)
from . import catalog, draw
from ._base import STORED_SCALE, Explorer

#: most feature maps the grid shows at once
MAX_MAPS = 16
#: the layers, in order, of a network the stored filmstrip can lay out
FILMSTRIP_LAYOUT = ("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
                    "Dense", "Softmax")
#: the figure, in inches at draw.DPI (880 x 368 pixels)
FIG_SIZE = (11, 4.6)

# Drawing costs, measured in this matplotlib: a text artist about 0.2 ms per character,
# an axes a few milliseconds, an image about 0.5 ms plus 0.1 microsecond per screen
# pixel. So the figure is ONE frameless axes whose units are pixels at draw.DPI (y
# pointing down, the same units in the twice-dense stored picture); the input, the
# sixteen map cells, the strip and the colour bar are images on it, coloured with
# draw.colours_of; the bars are two polygon collections; and every word is written
# by Pillow on one draw.TextLayer.
_W, _H = round(FIG_SIZE[0] * draw.DPI), round(FIG_SIZE[1] * draw.DPI)
#: boxes in pixels: (left, top, width, height)
_INPUT_BOX = (14, 106, 176, 176)
_GRID_BOX = (225, 54, 318, 300)
_CBAR_BOX = (556, 74, 12, 260)
_SCORE_BOX = (250, 80, 290, 220)         # the bars of the class scores and probabilities
_PROB_BOX = (690, 130, 130, 120)         # the probabilities, always in view
#: the words' height in pixels
WORDS_PX = 14
#: score bars take the ends of the diverging map: red above zero, blue below
POSITIVE, NEGATIVE = (tuple(c / 255 for c in draw.colour_table(draw.DIVERGING)[k]) for k in (230, 25))


def _extent(box):
    """``imshow`` extent of a box (left, top, width, height) on the canvas."""
    x, y, w, h = box
    return (x, x + w, y + h, y)


def _corners(box):
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def grid_cells(n, box=_GRID_BOX, gap=6):
    """Boxes ``(left, top, width, height)`` of ``n`` square cells in a near-square grid
    centred in ``box``.

    >>> [tuple(round(v) for v in b) for b in grid_cells(2, (0, 0, 100, 50), gap=0)]
    [(0, 0, 50, 50), (50, 0, 50, 50)]
    >>> len(grid_cells(8)), len(grid_cells(16))          # 3x3 with one empty, 4x4
    (8, 16)
    """
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    x0, y0, w, h = box
    cell = min((w - gap * (cols - 1)) / cols, (h - gap * (rows - 1)) / rows)
    left = x0 + (w - cols * cell - gap * (cols - 1)) / 2
    top = y0 + (h - rows * cell - gap * (rows - 1)) / 2
    return [(left + c * (cell + gap), top + r * (cell + gap), cell, cell)
            for r in range(rows) for c in range(cols)][:n]


def colour_scale(state):
    """``(cmap, vmin, vmax)`` of the picked output: a diverging map centred on zero for
    signed values (conv and dense outputs), grey from 0 for the rest (after ReLU).

    All maps of a layer share the scale, so their brightness can be compared.
    """
    out = state.output
    if state.kind in (Conv2d, Dense) or float(out.min()) < 0:
        return draw.DIVERGING, *draw.symmetric_limits(out)
    return draw.GREY, 0.0, max(float(out.max()), 1e-12)


def paint(values, cmap, vmin, vmax):
    """Opaque RGBA bytes ``values.shape + (4,)`` of values on a colour map
    (:func:`cnnviz.explorers.draw.colours_of`), as matplotlib draws them fastest.

    >>> paint(np.array([[0.0, 1.0]]), draw.GREY, 0, 1)[..., :3].tolist()
    [[[0, 0, 0], [255, 255, 255]]]
    """
    rgb = draw.colours_of(values, cmap=cmap, vmin=vmin, vmax=vmax)
    return np.concatenate([rgb, np.full(rgb.shape[:-1] + (1,), 255, np.uint8)], axis=-1)


def _build(fig):
    from matplotlib.collections import PolyCollection

    canvas = fig.add_axes([0, 0, 1, 1])
    canvas.set_axis_off()
    canvas.set_xlim(0, _W)
    canvas.set_ylim(_H, 0)

    def picture(box):
        return canvas.imshow(np.zeros((2, 2, 4), np.uint8), extent=_extent(box),
                             interpolation="none", aspect="auto")

    a = {"canvas": canvas, "input": picture(_INPUT_BOX)}
    # Sixteen cells, created once; a layer with fewer maps hides the rest.
    a["maps"] = [picture(box) for box in grid_cells(MAX_MAPS)]
    frame = tuple(c / 255 for c in (draw.BORDER,) * 3)
    a["frames"] = canvas.add_collection(PolyCollection(
        [_corners(_INPUT_BOX)], facecolors="none", edgecolors=[frame], linewidths=0.8))
    a["strip"] = picture(_GRID_BOX)              # a vector: one row per channel
    a["cbar"] = picture(_CBAR_BOX)               # from the highest value down to the lowest
    a["scores"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    x, y, w, h = _SCORE_BOX
    a["zero"] = canvas.plot([x, x + w], [y + h / 2] * 2, color="black", lw=0.8)[0]
    a["probs"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    a["words"] = draw.TextLayer(fig)
    a["words_key"] = None
    a["scale"] = None
    return a


def _score_bars(state, words):
    """Polygons and colours of the class scores or the probabilities; their words."""
    values = np.asarray(state.output, dtype=float)
    x0, y0, w, h = _SCORE_BOX
    slot = w / len(values)
    probabilities = state.kind is Softmax
    if probabilities:
        base, scale = y0 + h, h               # 0 at the bottom, 1 at the top
    else:
        base, scale = y0 + h / 2, h / 2 / max(float(np.abs(values).max()), 1e-12)
        words.append((x0 - 4, base, "0", "rm", False))
    best = int(np.argmax(values))
    boxes, colours = [], []
    for k, v in enumerate(values):
        left = x0 + (k + 0.2) * slot
        top = base - max(v, 0) * scale
        boxes.append(_corners((left, top, 0.6 * slot, abs(v) * scale)))
        centre = left + 0.3 * slot
        if probabilities:
            colours.append(draw.HIGHLIGHT if k == best else draw.NEUTRAL)
            words.append((centre, top - 4, percent(v), "ms", k == best))
        else:
            colours.append(POSITIVE if v >= 0 else NEGATIVE)
            words.append((centre, top - 4, f"{v:+.1f}", "ms", False) if v >= 0 else
                         (centre, top + abs(v) * scale + 4, f"{v:+.1f}", "ma", False))
        words.append((centre, y0 + h + 24, str(state.class_names[k]), "ma", k == best))
    return boxes, colours


def _write(layer, words, scale):
    """Paint ``words`` ((x, y, text, anchor, bold), in pixels at draw.DPI) on the TextLayer."""
    regular = draw.font(round(WORDS_PX * scale))
    bold = draw.font(round(WORDS_PX * scale), "DejaVu Sans:bold")

    def painter(pen):
        for x, y, text, anchor, strong in words:
            pen.text((x * scale, y * scale), text, fill=(0, 0, 0, 255),
                     font=bold if strong else regular, anchor=anchor)

    layer.paint(painter)


def plot_forward_pass(state, fig=None, artists=None):
    """Input on the left, the picked layer's output in the middle, probabilities on the right.

    ``artists["scale"]`` holds the ``(cmap, vmin, vmax)`` the maps are coloured with.
    """
    if artists is None:
        fig = fig or draw.new_figure(*FIG_SIZE)
        artists = _build(fig)
    a = artists
    words = []

    a["input"].set_data(paint(state.image, draw.GREY, 0, 1))
    where = state.source
    if state.label is not None:
        where += f": a {state.class_names[state.label]}"
    x, y, w, h = _INPUT_BOX
    lines = [where] + (["inverted: it was bright"] if state.inverted else [])
    for k, line in enumerate(reversed(lines)):
        words.append((x + w / 2, y - 8 - 18 * k, line, "ms", False))

    out = state.output
    before = state.outputs[state.layer - 2] if state.layer > 1 else None
    is_maps = out.ndim == 3
    is_bars = state.per_class
    is_strip = out.ndim == 1 and not is_bars
    channels = (before.shape[0] if state.kind is Flatten and before is not None
                and before.ndim == 3 else 1)
    line2 = f"output {state.shape}, {state.params:,} parameters"
    if is_strip and channels > 1:
        line2 += f"; one row per channel ({channels} x {out.size // channels})"
    elif is_maps and out.shape[0] > MAX_MAPS:
        line2 += f"; the first {MAX_MAPS} maps"
    line1 = f"layer {state.layer} of {state.number_of_layers}: {state.description}"
    words += [(_GRID_BOX[0], 20, line1, "ls", True), (_GRID_BOX[0], 40, line2, "ls", False)]
    cmap, vmin, vmax = a["scale"] = colour_scale(state)

    # Feature maps: as many cells as maps (up to 16), the rest hidden.
    shown = min(out.shape[0], MAX_MAPS) if is_maps else 0
    cells = grid_cells(shown) if shown else []
    colours = paint(out[:shown], cmap, vmin, vmax) if shown else None
    for k, im in enumerate(a["maps"]):
        im.set_visible(k < shown)
        if k < shown:
            im.set_data(colours[k])
            im.set_extent(_extent(cells[k]))
    a["frames"].set_verts([_corners(_INPUT_BOX)] + [_corners(box) for box in cells])

    a["strip"].set_visible(is_strip)
    if is_strip:
        rows = out.reshape(channels, -1)
        a["strip"].set_data(paint(rows, cmap, vmin, vmax))
        # One row per channel, at most 12 pixels tall; the strip keeps the box's width.
        x0, y0, w, h = _GRID_BOX
        tall = min(h, 12 * rows.shape[0])
        a["strip"].set_extent(_extent((x0, y0 + (h - tall) / 2, w, tall)))

    a["cbar"].set_visible(is_maps or is_strip)
    if is_maps or is_strip:
        a["cbar"].set_data(paint(np.linspace(1, 0, 128)[:, None], cmap, 0, 1))
        x, y, w, h = _CBAR_BOX
        words += [(x + w + 4, y + 6, f"{vmax:.2g}", "lm", False),
                  (x + w + 4, y + h - 6, f"{vmin:.2g}", "lm", False)]
        if vmin < 0:
            words.append((x + w + 4, y + h / 2, "0", "lm", False))

    boxes, colours = _score_bars(state, words) if is_bars else ([], [])
    a["scores"].set_verts(boxes)
    a["scores"].set_facecolor(colours or "none")
    a["zero"].set_visible(is_bars and state.kind is not Softmax)

    # The probabilities, always in view: a light track from 0 to 1 behind each bar.
    p = np.asarray(state.probabilities, dtype=float)
    best = int(np.argmax(p))
    x, y, w, h = _PROB_BOX
    slot = h / len(p)
    tracks, bars = [], []
    for k, v in enumerate(p):
        top = y + (k + 0.2) * slot
        tracks.append(_corners((x, top, w, 0.6 * slot)))
        bars.append(_corners((x, top, v * w, 0.6 * slot)))
        words.append((x - 6, top + 0.3 * slot, str(state.class_names[k]), "rm", k == best))
        words.append((x + w + 4, top + 0.3 * slot, percent(v, 0), "lm", False))
    a["probs"].set_verts(tracks + bars)
    track = tuple(c / 255 for c in (draw.PENDING,) * 3)
    a["probs"].set_facecolor([track] * len(p) + [draw.HIGHLIGHT if k == best else draw.NEUTRAL
                                                 for k in range(len(p))])
    sure = f"{percent(p[best])} sure"
    if state.temperature != 1.0:
        sure += f" at T = {state.temperature:g}"
    words += [(x + w / 2, y - 32, f"prediction: {state.prediction}", "ms", True),
              (x + w / 2, y - 12, sure, "ms", False)]

    key = tuple(words)
    if key != a["words_key"]:                 # the words change less often than the maps
        _write(a["words"], words, draw.scale(fig))
        a["words_key"] = key
    return fig, artists


# ---------------------------------------------------------------------- the caption
def caption_forward_pass(state):
    """The HTML under the figure: the layer in words, its numbers, the prediction."""
    out = state.output
    parts = [
        (f"<b>Layer {state.layer} of {state.number_of_layers}, {html.escape(state.name)}</b>: "
         f"{html.escape(state.note)}"),
        (f"Output shape <b>{state.shape}</b> = {out.size:,} numbers; "
         f"<b>{state.params:,} parameters</b> ({html.escape(state.params_note)})."),
    ]
    if out.ndim == 3 and out.shape[0] > MAX_MAPS:
        parts.append(f"The first {MAX_MAPS} of {out.shape[0]} maps are shown.")
    elif out.ndim == 3:
        parts.append("Maps are numbered left to right, top to bottom, starting at 0; "
                     "all share one colour scale.")
    names = [html.escape(str(n)) for n in state.class_names]  # a learner's names: text, not markup
    if state.per_class and state.kind is not Softmax:
        scores = ", ".join(f"{n} {v:+.2f}" for n, v in zip(names, out))
        parts.append(f"Scores: {scores}.")
    probs = ", ".join(f"{n} {percent(v)}" for n, v in zip(names, state.probabilities))
    verdict = f"<b>Prediction: {html.escape(str(state.prediction))}</b> ({probs})"
    if state.temperature != 1.0:
        verdict += (f" at temperature {state.temperature:g}: softmax of the scores divided by "
                    f"{state.temperature:g}, " + ("flatter" if state.temperature > 1 else "sharper")
                    + " than the network's own, with the same winner")
    if state.label is not None:
        truth = state.class_names[state.label]
        verdict += (f"; the true class is {html.escape(str(truth))}: "
                    + ("right." if truth == state.prediction else "<b>wrong</b>."))
    else:
        verdict += "."
    parts.append(verdict)
    if not state.has_softmax:
        parts.append("This network ends in its scores, without a Softmax: the probabilities "
                     "shown are a softmax of its last layer's output.")
    if state.inverted:
        parts.append("Your picture was mostly bright, so it was inverted (1 - value): the "
                     "network learnt light outlines on a dark background.")
    elif state.invert:
        parts.append("Bright pictures are inverted before the pass; this one is already "
                     "mostly dark, so it goes in as it is.")
    else:
        parts.append("Inverting is off: every picture goes in as it is, even a bright one.")
    return "<br>".join(parts)
# ---------------------------------------------------------------- the stored filmstrip
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


# ------------------------------------------------------------------------ the widget
def explain_forward(err):
    """The learner's sentence for a setting that cannot work, from the error's fields."""
    if isinstance(err, PictureRefused):
        return refusal(err.cause, err.name)
    return str(err)


@catalog.factory
def forward_explorer(net, images, labels=None, *, class_names=CLASS_NAMES, sample=0, layer=1,
                     filmstrip=None):
    """Step an image through ``net`` layer by layer; pick a sample or upload a picture.

    Parameters
    ----------
    net : Sequential
        A network with weights taking ``(1, H, W)`` grey images and giving one score (or
        probability) per class: :func:`cnnviz.pretrained.shapes_cnn`, or a learner's own.
    images : ndarray, shape (N, 1, H, W)
        The samples the slider picks from (for example :func:`demo_samples`).
    labels : ndarray, shape (N,), optional
        Their true classes, shown next to the prediction.
    class_names : sequence of str
        One name per class score.
    sample, layer : int
        Where the sliders start.
    filmstrip : sequence of int, optional
        Samples whose every layer the stored picture shows (:func:`filmstrip_figure`,
        which takes the nine-layer layout of the shapes network), for readers without
        a kernel; by default the stored picture is the live figure.

    Returns
    -------
    Explorer
        Its ``upload`` attribute is the ``FileUpload`` button (outside ``controls``,
        since it has no range to sweep; placed by the layout). An uploaded file is
        decoded once; a file that is refused becomes a sentence on the figure.
    """
    import ipywidgets as widgets

    images = as_array(images, "images", ndims=4)
    if images.shape[1] != 1 or not len(images):
        raise ValueError(f"images must have shape (N, 1, H, W) with N >= 1; got {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"labels must have one entry per image ({len(images)}); got {len(labels)}")
    if filmstrip is not None and [type(layer).__name__ for layer in net] != list(FILMSTRIP_LAYOUT):
        raise ValueError("filmstrip needs a network laid out as the shapes network "
                         f"({', '.join(FILMSTRIP_LAYOUT)}); got {net!r}")
    names = net.layer_names()
    style = {"description_width": "initial"}
    controls = dict(
        layer=widgets.SelectionSlider(
            options=[(f"{i} {n.split('-')[0]}", i) for i, n in enumerate(names, 1)],
            value=layer, description="layer", style=style,
            layout=widgets.Layout(width="360px")),
        sample=widgets.IntSlider(sample, 0, len(images) - 1, description="sample", style=style),
        source=widgets.ToggleButtons(options=[("a sample", "sample"), ("your picture", "upload")],
                                     value="sample", description="input", style=style),
        invert=widgets.Checkbox(True, description="invert bright pictures", indent=False),
        temperature=widgets.FloatLogSlider(
            1.0, base=2, min=np.log2(TEMPERATURES[0]), max=np.log2(TEMPERATURES[1]), step=0.25,
            description="softmax temperature", readout_format=".2f", style=style,
            layout=widgets.Layout(width="360px")),
    )
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload")
    picture = {"image": None, "error": None}          # the last upload, decoded once

    def compute(layer, sample, source, invert, temperature):
        if source == "upload":
            if picture["error"] is not None:
                raise picture["error"]
            if picture["image"] is None:
                raise NoPicture()
            return forward_pass(net, picture["image"], layer=layer, invert=invert,
                                temperature=temperature, source="your picture",
                                class_names=class_names)
        return forward_pass(net, images[sample], layer=layer, invert=invert,
                            temperature=temperature, source=f"sample {sample}",
                            label=None if labels is None else labels[sample],
                            class_names=class_names)

    def constrain(values):
        return {"sample": {"disabled": values["source"] == "upload"}}

    explorer = Explorer(compute, plot_forward_pass, controls, draw.new_figure(*FIG_SIZE),
                        caption=caption_forward_pass, explain=explain_forward,
                        constrain=constrain,
                        layout=[["layer", "sample"], ["source", upload, "invert"],
                                ["temperature"]])
    explorer.upload = upload
    if filmstrip is not None:
        strip = tuple(filmstrip)

        def stored_filmstrip():
            png = filmstrip_png(net, images, strip, labels=labels, class_names=class_names,
                                scale=explorer.stored_scale)
            width, height = PILImage.open(io.BytesIO(png)).size
            explorer._stored_size = (round(width / explorer.stored_scale),
                                     round(height / explorer.stored_scale))
            return png

        explorer.static_png = stored_filmstrip

    def on_upload(change):
        found = uploaded_file(change["new"])
        if found is None:
            return
        name, content = found
        try:
            picture["image"], picture["error"] = read_picture(content, name=name), None
        except SettingError as err:           # PictureRefused: explained on the figure
            picture["image"], picture["error"] = None, err
        with explorer.hold():                 # switch to the picture and redraw once
            controls["source"].value = "upload"

    upload.observe(on_upload, names="value")
    return explorer


catalog.register("08", "a full forward pass", forward_explorer, lambda: (
    (_shapes_cnn(), *demo_samples()[:2]), {"sample": 3, "filmstrip": (3, 6)}))


def _shapes_cnn():
    from ..pretrained import shapes_cnn

    return shapes_cnn()


__all__ = [
    "FIG_SIZE", "MAX_MAPS", "caption_forward_pass", "colour_scale", "explain_forward",
    "filmstrip_figure", "filmstrip_png", "forward_explorer", "grid_cells", "paint",
    "plot_forward_pass",
]
