"""Notebook 08: one image through the whole trained network, layer by layer.

One explorer, :func:`forward_explorer`. A layer slider steps through the layers of
any :class:`cnnviz.layers.Sequential` (the trained :func:`cnnviz.pretrained.shapes_cnn`,
or a learner's own); the figure shows the input, the chosen layer's output (up to 16
feature maps in a grid, a vector as a strip, the class scores as bars), its shape and
parameter count, and the class probabilities, which stay in view whatever the layer.
A sample slider picks an image from a fixed seeded set; an upload button lets a
learner try a picture of their own. The state, the caption, the learner's sentences
for a refused file and where each box, bar and word of the figure goes live in
:mod:`cnnviz.lessons.forward`; this module colours and draws them. The stored
picture can be the filmstrip of :mod:`cnnviz.explorers.filmstrip`.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_array
from ..datasets import CLASS_NAMES
from ..errors import SettingError
from ..layers import Conv2d, Dense, Flatten, Softmax
from ..lessons.forward import (
    CBAR_BOX, GRID_BOX, INPUT_BOX, MAX_MAPS, SCORE_BOX, TEMPERATURES, NoPicture, PictureRefused,
    box_corners, box_extent, caption_forward_pass, demo_samples, forward_pass, grid_cells,
    probability_bars, read_picture, refusal, score_bars, uploaded_file,
)
from . import catalog, draw
from ._base import Explorer

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
#: the words' height in pixels
WORDS_PX = 14
#: score bars take the ends of the diverging map: red above zero, blue below
POSITIVE, NEGATIVE = (tuple(c / 255 for c in draw.colour_table(draw.DIVERGING)[k]) for k in (230, 25))


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
        return canvas.imshow(np.zeros((2, 2, 4), np.uint8), extent=box_extent(box),
                             interpolation="none", aspect="auto")

    a = {"canvas": canvas, "input": picture(INPUT_BOX)}
    # Sixteen cells, created once; a layer with fewer maps hides the rest.
    a["maps"] = [picture(box) for box in grid_cells(MAX_MAPS)]
    frame = tuple(c / 255 for c in (draw.BORDER,) * 3)
    a["frames"] = canvas.add_collection(PolyCollection(
        [box_corners(INPUT_BOX)], facecolors="none", edgecolors=[frame], linewidths=0.8))
    a["strip"] = picture(GRID_BOX)              # a vector: one row per channel
    a["cbar"] = picture(CBAR_BOX)               # from the highest value down to the lowest
    a["scores"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    x, y, w, h = SCORE_BOX
    a["zero"] = canvas.plot([x, x + w], [y + h / 2] * 2, color="black", lw=0.8)[0]
    a["probs"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    a["words"] = draw.TextLayer(fig)
    a["words_key"] = None
    a["scale"] = None
    return a


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
    x, y, w, h = INPUT_BOX
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
    words += [(GRID_BOX[0], 20, line1, "ls", True), (GRID_BOX[0], 40, line2, "ls", False)]
    cmap, vmin, vmax = a["scale"] = colour_scale(state)

    # Feature maps: as many cells as maps (up to 16), the rest hidden.
    shown = min(out.shape[0], MAX_MAPS) if is_maps else 0
    cells = grid_cells(shown) if shown else []
    colours = paint(out[:shown], cmap, vmin, vmax) if shown else None
    for k, im in enumerate(a["maps"]):
        im.set_visible(k < shown)
        if k < shown:
            im.set_data(colours[k])
            im.set_extent(box_extent(cells[k]))
    a["frames"].set_verts([box_corners(INPUT_BOX)] + [box_corners(box) for box in cells])

    a["strip"].set_visible(is_strip)
    if is_strip:
        rows = out.reshape(channels, -1)
        a["strip"].set_data(paint(rows, cmap, vmin, vmax))
        # One row per channel, at most 12 pixels tall; the strip keeps the box's width.
        x0, y0, w, h = GRID_BOX
        tall = min(h, 12 * rows.shape[0])
        a["strip"].set_extent(box_extent((x0, y0 + (h - tall) / 2, w, tall)))

    a["cbar"].set_visible(is_maps or is_strip)
    if is_maps or is_strip:
        a["cbar"].set_data(paint(np.linspace(1, 0, 128)[:, None], cmap, 0, 1))
        x, y, w, h = CBAR_BOX
        words += [(x + w + 4, y + 6, f"{vmax:.2g}", "lm", False),
                  (x + w + 4, y + h - 6, f"{vmin:.2g}", "lm", False)]
        if vmin < 0:
            words.append((x + w + 4, y + h / 2, "0", "lm", False))

    boxes, colours = [], []
    if is_bars:
        boxes, bar_words = score_bars(state)
        words += bar_words
        best = int(np.argmax(state.output))
        colours = [(draw.HIGHLIGHT if k == best else draw.NEUTRAL) if state.kind is Softmax
                   else POSITIVE if v >= 0 else NEGATIVE for k, v in enumerate(state.output)]
    a["scores"].set_verts(boxes)
    a["scores"].set_facecolor(colours or "none")
    a["zero"].set_visible(is_bars and state.kind is not Softmax)

    # The probabilities, always in view: a light track from 0 to 1 behind each bar.
    tracks, bars, prob_words = probability_bars(state)
    words += prob_words
    best = int(np.argmax(state.probabilities))
    a["probs"].set_verts(tracks + bars)
    track = tuple(c / 255 for c in (draw.PENDING,) * 3)
    a["probs"].set_facecolor([track] * len(bars) + [draw.HIGHLIGHT if k == best else draw.NEUTRAL
                                                    for k in range(len(bars))])

    key = tuple(words)
    if key != a["words_key"]:                 # the words change less often than the maps
        _write(a["words"], words, draw.scale(fig))
        a["words_key"] = key
    return fig, artists


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
        Samples whose every layer the stored picture shows
        (:func:`cnnviz.explorers.filmstrip.filmstrip_figure`,
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
    if filmstrip is not None:
        from .filmstrip import check_layout, store_filmstrip  # it draws with this module's paint

        check_layout(net)
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
        store_filmstrip(explorer, net, images, filmstrip, labels=labels, class_names=class_names)

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
    "FIG_SIZE", "colour_scale", "explain_forward", "forward_explorer", "paint",
    "plot_forward_pass",
]
