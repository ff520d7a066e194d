"""Notebook 08: one image through the whole trained network, layer by layer.

One explorer, :func:`forward_explorer`. A layer slider steps through the nine
layers of :func:`cnnviz.pretrained.shapes_cnn`; the figure shows the input, the
chosen layer's output (up to 16 feature maps in a grid, the flattened vector as
a strip, the scores as bars), its shape and parameter count, and the class
probabilities, which stay in view whatever the layer. A sample slider picks an
image from a fixed seeded set; a file-upload button lets a learner try a picture
of their own, decoded and shrunk to 28x28 by :func:`cnnviz.images.load_image`.

The state function :func:`forward_pass` is plain numpy and works without widgets:

>>> from cnnviz.pretrained import shapes_cnn
>>> from cnnviz.datasets import draw_shape
>>> state = forward_pass(shapes_cnn(), draw_shape("cross"), layer=3)
>>> state.name, state.shape, state.params
('MaxPool2d-3', (8, 14, 14), 0)
>>> state.prediction
'cross'
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from .._validate import as_array, boolean, positive_int
from ..datasets import CLASS_NAMES, make_shapes
from ..images import (UPLOAD_MAX_PIXELS, CompressionBombError, DamagedImageError,
                      ImageError, NonFiniteImageError, NotAnImageError, TooManyPixelsError,
                      UnsupportedFormatError, load_image)
from ..layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Softmax
from ._base import DIVERGING, GREY, Explorer, font, new_figure, symmetric_limits

#: seed of the explorer's sample images: neither the training set (seed 0) nor the
#: recorded held-out set (seed 1)
SAMPLE_SEED = 8
#: images in the explorer's sample set
SAMPLE_COUNT = 64
#: most feature maps the grid shows at once
MAX_MAPS = 16
#: a picture whose mean brightness is above this is inverted (if asked): the network
#: was trained on light outlines on a dark background
INVERT_ABOVE = 0.5

#: colours safe for colour-blind readers (Okabe-Ito): the winning class, the others
WIN = "#e66100"
OTHER = "#9a9a9a"
#: score bars take the ends of the diverging map: red above zero, blue below
POSITIVE = "#c0392b"
NEGATIVE = "#2166ac"

#: what each kind of layer does, for the caption
LAYER_NOTES = {
    Conv2d: "Each filter slides over all input channels and gives one map. The values are "
            "signed: red where a filter found its pattern, blue where it found the opposite.",
    ReLU: "Negative values become 0; positive ones pass unchanged. Nothing to learn.",
    MaxPool2d: "Each {k} window keeps its largest value, channel by channel: the maps shrink, "
               "their number stays. Nothing to learn.",
    Flatten: "The maps are laid end to end as one vector, channel by channel, row by row. "
             "Shown here with one row per channel; nothing changes but the shape.",
    Dense: "Every class has one weight per input number; its score is the weighted sum plus "
           "a bias. These raw scores are called logits.",
    Softmax: "The scores become probabilities: exponentiate, then divide by the sum, so they "
             "are positive and add up to 1.",
}


# ----------------------------------------------------------------------- the state
@dataclass
class ForwardState:
    """One image's pass through a network, with one layer picked out."""

    image: np.ndarray          # (H, W): what the network saw (after inverting, if done)
    outputs: list              # every layer's output for this image, no batch axis
    layer: int                 # the picked layer, 1-based like the summary's names
    name: str                  # "Conv2d-4", as in Sequential.summary
    description: str           # the layer's repr, "Conv2d(8, 16, kernel_size=3, padding=1)"
    params: int                # its parameter count
    params_note: str           # how that count comes about
    note: str                  # what the layer does, in words
    kind: type                 # the layer's class
    class_names: tuple
    source: str                # "sample 12" or "your picture"
    label: int | None          # the true class, when known
    inverted: bool             # the picture was inverted before the pass
    invert: bool = True        # bright pictures were to be inverted (the checkbox)

    @property
    def output(self):
        """The picked layer's output."""
        return self.outputs[self.layer - 1]

    @property
    def shape(self):
        """Its shape, as the summary table prints it."""
        return tuple(int(s) for s in self.output.shape)

    @property
    def probabilities(self):
        """The last layer's output: one probability per class."""
        return self.outputs[-1]

    @property
    def prediction(self):
        """The class with the highest probability."""
        return self.class_names[int(np.argmax(self.probabilities))]

    @property
    def number_of_layers(self):
        return len(self.outputs)


def _layer_note(layer, input_shape, output_shape):
    """What a layer does, in words, for the caption."""
    note = LAYER_NOTES.get(type(layer), "")
    if isinstance(layer, MaxPool2d):
        note = note.format(k="x".join(str(k) for k in layer.kernel_size))
        if len(input_shape) == 3:
            note += (f" Here {input_shape[1]}x{input_shape[2]} becomes "
                     f"{output_shape[1]}x{output_shape[2]}.")
    return note


def _params_note(layer):
    """How a layer's parameter count comes about, in words."""
    if isinstance(layer, Conv2d):
        kh, kw = layer.kernel_size
        n = layer.in_channels * kh * kw
        bias = f" + {layer.out_channels} biases" if layer.use_bias else ""
        return (f"{layer.out_channels} filters x ({layer.in_channels} x {kh} x {kw} = {n} "
                f"weights){bias}")
    if isinstance(layer, Dense):
        bias = f" + {layer.out_features} biases" if layer.use_bias else ""
        return f"{layer.out_features} x {layer.in_features} weights{bias}"
    return "nothing to learn"


def forward_pass(net, image, *, layer, invert=True, source="the image", label=None,
                 class_names=CLASS_NAMES):
    """Run one grey image through ``net`` and pick out one layer's output.

    Parameters
    ----------
    net : Sequential
        A network with weights whose input is one grey channel, such as
        :func:`cnnviz.pretrained.shapes_cnn`.
    image : array_like, shape (H, W) or (1, H, W)
        Values in [0, 1].
    layer : int
        Which layer to show, from 1 to ``len(net)``.
    invert : bool
        Use ``1 - image`` when the image's mean is above 0.5 (mostly bright): the
        network was trained on light outlines on a dark background.
    source, label, class_names
        Where the image came from and its true class (an index, or None), for the
        figure and the caption.

    Returns
    -------
    ForwardState

    Raises
    ------
    ValueError
        With a plain-language sentence when the layer or the image does not fit.

    Examples
    --------
    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> white = np.ones((28, 28))                         # all white: inverted to black
    >>> s = forward_pass(net, white, layer=8)
    >>> s.inverted, float(s.image.max())
    (True, 0.0)
    >>> s.params, s.params_note
    (3140, '4 x 784 weights + 4 biases')
    >>> round(float(s.probabilities.sum()), 6)
    1.0
    >>> forward_pass(net, white, layer=10)
    Traceback (most recent call last):
    ...
    ValueError: this network has 9 layers: pick a layer from 1 to 9; got 10
    """
    image = as_array(image, "image", ndims=(2, 3))
    if image.ndim == 3:
        if image.shape[0] != 1:
            raise ValueError(
                f"the network takes a grey image with one channel; got shape {image.shape}"
            )
        image = image[0]
    invert = boolean(invert, "invert")
    layer = positive_int(layer, "layer")
    if layer > len(net):
        raise ValueError(
            f"this network has {len(net)} layers: pick a layer from 1 to {len(net)}; got {layer}"
        )
    inverted = bool(invert and image.mean() > INVERT_ABOVE)
    if inverted:
        image = 1.0 - image
    try:
        outputs = net.forward(image[None], return_all=True)
    except ValueError as err:
        raise ValueError(f"the network cannot take this image: {err}") from None
    picked = net[layer - 1]
    before = outputs[layer - 2].shape if layer > 1 else image[None].shape
    return ForwardState(
        image=image, outputs=outputs, layer=layer, name=net.layer_names()[layer - 1],
        description=repr(picked), params=picked.num_params, params_note=_params_note(picked),
        note=_layer_note(picked, before, outputs[layer - 1].shape),
        kind=type(picked), class_names=tuple(class_names), source=source,
        label=None if label is None else int(label), inverted=inverted, invert=invert,
    )


# --------------------------------------------------------------------- pictures in
def uploaded_file(value):
    """The name and bytes of the last file in a ``FileUpload``'s value, or None.

    ipywidgets 8 gives a tuple of dicts with ``name``, ``type``, ``size``,
    ``content`` (a memoryview) and ``last_modified``.

    >>> uploaded_file(())
    >>> uploaded_file(({"name": "a.png", "content": memoryview(b"abc")},))
    ('a.png', b'abc')
    """
    if not value:
        return None
    entry = value[-1]
    return str(entry.get("name") or "your file"), bytes(entry.get("content") or b"")


def read_picture(content, *, name="your file", size=28):
    """Decode an uploaded file into the ``(size, size)`` grey image the network takes.

    Colour becomes grey and the picture is squeezed to ``size x size`` (Lanczos,
    by :func:`cnnviz.images.load_image`, with the upload limit
    :data:`~cnnviz.images.UPLOAD_MAX_PIXELS`). A file that is refused raises a
    ``ValueError`` whose sentence is chosen by the type of the refusal
    (:class:`cnnviz.images.ImageError` and its subclasses) and says the cause.

    >>> read_picture(b"hello", name="notes.txt")
    Traceback (most recent call last):
    ...
    ValueError: 'notes.txt' is not a picture that Pillow can read. Upload an image file instead, such as a PNG or a JPEG.
    """
    if not content:
        raise ValueError(f"{name!r} is empty. Upload an image file, such as a PNG or a JPEG.")
    try:
        return load_image(bytes(content), grayscale=True, size=size, max_pixels=UPLOAD_MAX_PIXELS)
    except NotAnImageError:
        message = (f"{name!r} is not a picture that Pillow can read. Upload an image file "
                   "instead, such as a PNG or a JPEG.")
    except UnsupportedFormatError as err:
        message = (f"{name!r} is in the {err.format} format, which is not accepted here. Save it as a "
                   "PNG or a JPEG (GIF, BMP, TIFF and WebP work too) and upload that.")
    except TooManyPixelsError as err:
        count = "too many pixels" if err.pixels is None else f"{err.pixels:,} pixels"
        message = (f"{name!r} is too large to load safely: it has {count}, and at most "
                   f"{err.limit:,} are accepted. Choose a smaller picture.")
    except CompressionBombError:
        message = (f"{name!r} holds compressed data that unpacks to far more than a picture "
                   "needs, as files made to exhaust memory do, so it was not loaded. Try "
                   "saving the picture again as a PNG.")
    except DamagedImageError:
        message = (f"{name!r} looks like a picture but could not be decoded: the file may be "
                   "damaged or cut short. Try saving it again as a PNG.")
    except NonFiniteImageError as err:
        message = (f"{name!r} has {err.count:,} pixels that are not numbers (NaN or "
                   "infinity). Save it again as an ordinary 8-bit PNG.")
    except ImageError as err:  # a refusal of a kind this explorer has no sentence for yet
        message = f"{name!r} could not be used: {err}"
    raise ValueError(message)


def demo_samples(n=SAMPLE_COUNT, seed=SAMPLE_SEED):
    """The explorer's fixed sample set: ``make_shapes(n, seed=seed)``."""
    return make_shapes(n, seed=seed)


# ---------------------------------------------------------------------- the figure
# Drawing costs, measured in this matplotlib: a text artist about 0.2 ms per character,
# an axes a few milliseconds, an image about 0.5 ms plus 0.1 microsecond per screen
# pixel, twice that when matplotlib has to colour it through a colour map. So the
# figure is ONE frameless axes whose units are screen pixels (y pointing down); the
# input, the sixteen map cells, the flattened strip and the colour bar are images on
# it, coloured here with numpy (RGBA bytes); the bars are two polygon collections; and
# every word or number is written by Pillow into a small transparent image cut to fit
# the text.
FIG_SIZE = (11, 4.6)                     # inches: 880 x 368 pixels at 80 dpi
_W, _H = round(FIG_SIZE[0] * 80), round(FIG_SIZE[1] * 80)
#: boxes in screen pixels: (left, top, width, height)
_INPUT_BOX = (14, 106, 176, 176)
_GRID_BOX = (225, 54, 318, 300)
_CBAR_BOX = (556, 74, 12, 260)
_SCORE_BOX = (250, 80, 290, 220)         # the bars of Dense and Softmax
_PROB_BOX = (690, 130, 130, 120)         # the probabilities, always in view
TEXT_PX = 14
FRAME = "#8c8c8c"
TRACK = "#ececec"
INK = (0, 0, 0, 255)
#: groups of words, each drawn as one small image
_TEXT_GROUPS = ("title", "input", "cbar", "score_names", "score_0", "score_1", "score_2",
                "score_3", "score_zero", "prob_title", "prob_names", "prob_values")


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
        return DIVERGING, *symmetric_limits(out)
    return GREY, 0.0, max(float(out.max()), 1e-12)


@functools.lru_cache(maxsize=4)
def _colormap(name):
    from matplotlib import colormaps

    return colormaps[name]


def paint(values, cmap, vmin, vmax):
    """Colour ``values`` through a colour map as RGBA bytes, ``(..., 4)`` uint8.

    >>> paint(np.array([[0.0, 1.0]]), GREY, 0, 1)[..., :3].tolist()
    [[[0, 0, 0], [255, 255, 255]]]
    """
    scaled = (np.asarray(values, dtype=float) - vmin) / ((vmax - vmin) or 1.0)
    return _colormap(cmap)(np.clip(scaled, 0, 1), bytes=True)


@functools.lru_cache(maxsize=256)
def _text_image(words):
    """Words ``((x, y, text, anchor, bold), ...)`` in screen pixels, written by Pillow.

    Returns an RGBA picture just large enough for them and its ``imshow`` extent.
    ``anchor`` is Pillow's: "ls" is left and baseline, "mm" middle and middle.
    """
    placed = []
    for x, y, text, anchor, bold in words:
        face = font(TEXT_PX, "DejaVu Sans:bold" if bold else "DejaVu Sans")
        left, top, right, bottom = face.getbbox(text, anchor=anchor)
        placed.append((x, y, text, anchor, face, (x + left, y + top, x + right, y + bottom)))
    x0 = math.floor(min(p[5][0] for p in placed)) - 1
    y0 = math.floor(min(p[5][1] for p in placed)) - 1
    x1 = math.ceil(max(p[5][2] for p in placed)) + 1
    y1 = math.ceil(max(p[5][3] for p in placed)) + 1
    picture = PILImage.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    for x, y, text, anchor, face, _ in placed:
        draw.text((x - x0, y - y0), text, fill=INK, font=face, anchor=anchor)
    return np.asarray(picture), (x0, x1, y1, y0)


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
    a["frames"] = canvas.add_collection(PolyCollection(
        [_corners(_INPUT_BOX)], facecolors="none", edgecolors=FRAME, linewidths=0.8))
    a["strip"] = picture(_GRID_BOX)              # Flatten: one row per channel
    a["cbar"] = picture(_CBAR_BOX)               # from the highest value down to the lowest
    a["scores"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    x, y, w, h = _SCORE_BOX
    a["zero"] = canvas.plot([x, x + w], [y + h / 2] * 2, color="black", lw=0.8)[0]
    a["probs"] = canvas.add_collection(PolyCollection([], edgecolors="none"))
    a["words"] = {name: picture((0, 0, 1, 1)) for name in _TEXT_GROUPS}
    for art in a["words"].values():
        art.set_zorder(5)
    a["scale"] = None
    return a


def _score_bars(state, words):
    """Polygons and colours of the Dense scores or the Softmax probabilities; their words."""
    values = np.asarray(state.output, dtype=float)
    x0, y0, w, h = _SCORE_BOX
    slot = w / len(values)
    probabilities = state.kind is Softmax
    if probabilities:
        base, scale = y0 + h, h               # 0 at the bottom, 1 at the top
    else:
        base, scale = y0 + h / 2, h / 2 / max(float(np.abs(values).max()), 1e-12)
        words["score_zero"].append((x0 - 4, base, "0", "rm", False))
    best = int(np.argmax(values))
    boxes, colours = [], []
    for k, v in enumerate(values[:4]):
        left = x0 + (k + 0.2) * slot
        top = base - max(v, 0) * scale
        boxes.append(_corners((left, top, 0.6 * slot, abs(v) * scale)))
        centre = left + 0.3 * slot
        if probabilities:
            colours.append(WIN if k == best else OTHER)
            words[f"score_{k}"].append((centre, top - 4, f"{v:.1%}", "ms", k == best))
        else:
            colours.append(POSITIVE if v >= 0 else NEGATIVE)
            words[f"score_{k}"].append(
                (centre, top - 4, f"{v:+.1f}", "ms", False) if v >= 0 else
                (centre, top + abs(v) * scale + 4, f"{v:+.1f}", "ma", False))
        words["score_names"].append((centre, y0 + h + 24, state.class_names[k], "ma", k == best))
    return boxes, colours


def plot_forward_pass(state, fig=None, artists=None):
    """Input on the left, the picked layer's output in the middle, probabilities on the right.

    ``artists["scale"]`` holds the ``(cmap, vmin, vmax)`` the maps are coloured with.
    """
    if artists is None:
        fig = fig or new_figure(*FIG_SIZE)
        artists = _build(fig)
    a = artists
    words = {name: [] for name in _TEXT_GROUPS}

    a["input"].set_data(paint(state.image, GREY, 0, 1))
    where = state.source
    if state.label is not None:
        where += f": a {state.class_names[state.label]}"
    x, y, w, h = _INPUT_BOX
    lines = [where] + (["inverted: it was bright"] if state.inverted else [])
    for k, line in enumerate(reversed(lines)):
        words["input"].append((x + w / 2, y - 8 - 18 * k, line, "ms", False))

    out = state.output
    before = state.outputs[state.layer - 2] if state.layer > 1 else None
    is_maps = out.ndim == 3
    is_strip = out.ndim == 1 and state.kind is Flatten and before is not None and before.ndim == 3
    is_bars = out.ndim == 1 and not is_strip
    line2 = f"output {state.shape}, {state.params:,} parameters"
    if is_strip:
        line2 += f"; one row per channel ({before.shape[0]} x {out.size // before.shape[0]})"
    elif is_maps and out.shape[0] > MAX_MAPS:
        line2 += f"; the first {MAX_MAPS} maps"
    line1 = f"layer {state.layer} of {state.number_of_layers}: {state.description}"
    words["title"] += [(_GRID_BOX[0], 20, line1, "ls", True),
                       (_GRID_BOX[0], 40, line2, "ls", False)]
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
        rows = out.reshape(before.shape[0], -1)
        a["strip"].set_data(paint(rows, cmap, vmin, vmax))
        # One row per channel, at most 12 pixels tall; the strip keeps the box's width.
        x0, y0, w, h = _GRID_BOX
        tall = min(h, 12 * rows.shape[0])
        a["strip"].set_extent(_extent((x0, y0 + (h - tall) / 2, w, tall)))

    a["cbar"].set_visible(is_maps or is_strip)
    if is_maps or is_strip:
        a["cbar"].set_data(paint(np.linspace(1, 0, 128)[:, None], cmap, 0, 1))
        x, y, w, h = _CBAR_BOX
        words["cbar"] += [(x + w + 4, y + 6, f"{vmax:.2g}", "lm", False),
                          (x + w + 4, y + h - 6, f"{vmin:.2g}", "lm", False)]
        if vmin < 0:
            words["cbar"].append((x + w + 4, y + h / 2, "0", "lm", False))

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
        words["prob_names"].append((x - 6, top + 0.3 * slot, state.class_names[k], "rm",
                                    k == best))
        words["prob_values"].append((x + w + 4, top + 0.3 * slot, f"{v:.0%}", "lm", False))
    a["probs"].set_verts(tracks + bars)
    a["probs"].set_facecolor([TRACK] * len(p) + [WIN if k == best else OTHER
                                                  for k in range(len(p))])
    words["prob_title"] += [(x + w / 2, y - 32, f"prediction: {state.prediction}", "ms", True),
                            (x + w / 2, y - 12, f"{p[best]:.1%} sure", "ms", False)]

    for name, art in a["words"].items():
        art.set_visible(bool(words[name]))
        if words[name]:
            picture, extent = _text_image(tuple(words[name]))
            art.set_data(picture)
            art.set_extent(extent)
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
    if state.kind is Dense:
        scores = ", ".join(f"{n} {v:+.2f}" for n, v in zip(names, out))
        parts.append(f"Scores: {scores}.")
    probs = ", ".join(f"{n} {v:.1%}" for n, v in zip(names, state.probabilities))
    verdict = f"<b>Prediction: {html.escape(str(state.prediction))}</b> ({probs})"
    if state.label is not None:
        truth = state.class_names[state.label]
        verdict += (f"; the true class is {html.escape(str(truth))}: "
                    + ("right." if truth == state.prediction else "<b>wrong</b>."))
    else:
        verdict += "."
    parts.append(verdict)
    if state.inverted:
        parts.append("Your picture was mostly bright, so it was inverted (1 - value): the "
                     "network learnt light outlines on a dark background.")
    elif state.invert:
        parts.append("Bright pictures are inverted before the pass; this one is already "
                     "mostly dark, so it goes in as it is.")
    else:
        parts.append("Inverting is off: every picture goes in as it is, even a bright one.")
    return "<br>".join(parts)


# ------------------------------------------------------------------------ the widget
def forward_explorer(net, images, labels=None, *, class_names=CLASS_NAMES, sample=0, layer=1):
    """Step an image through ``net`` layer by layer; pick a sample or upload a picture.

    Parameters
    ----------
    net : Sequential
        A trained network taking ``(1, 28, 28)`` grey images, such as
        :func:`cnnviz.pretrained.shapes_cnn`.
    images : ndarray, shape (N, 1, 28, 28)
        The samples the slider picks from (for example :func:`demo_samples`).
    labels : ndarray, shape (N,), optional
        Their true classes, shown next to the prediction.
    sample, layer : int
        Where the sliders start.

    Returns
    -------
    Explorer
        Its ``upload`` attribute is the ``FileUpload`` button (outside ``controls``,
        since it has no range to sweep). An uploaded file is decoded once; a file
        that is not a picture becomes a message on the figure.
    """
    import ipywidgets as widgets

    images = as_array(images, "images", ndims=4)
    if images.shape[1] != 1 or not len(images):
        raise ValueError(f"images must have shape (N, 1, H, W) with N >= 1; got {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"labels must have one entry per image ({len(images)}); got {len(labels)}")
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
    )
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload")
    picture = {"image": None, "error": None}          # the last upload, decoded once

    def compute(layer, sample, source, invert):
        if source == "upload":
            if picture["error"]:
                raise ValueError(picture["error"])
            if picture["image"] is None:
                raise ValueError("No picture yet: click 'upload' and choose an image file. "
                                 "Or pick 'a sample' to go back to the shapes.")
            return forward_pass(net, picture["image"], layer=layer, invert=invert,
                                source="your picture", class_names=class_names)
        return forward_pass(net, images[sample], layer=layer, invert=invert,
                            source=f"sample {sample}",
                            label=None if labels is None else labels[sample],
                            class_names=class_names)

    explorer = Explorer(compute, plot_forward_pass, controls, new_figure(*FIG_SIZE),
                        caption=caption_forward_pass)

    def on_upload(change):
        found = uploaded_file(change["new"])
        if found is None:
            return
        name, content = found
        try:
            picture["image"], picture["error"] = read_picture(content, name=name), None
        except ValueError as err:
            picture["image"], picture["error"] = None, str(err)
        with explorer.hold():            # switch to the picture and redraw once
            controls["source"].value = "upload"

    def sample_slider_only_for_samples(change):
        controls["sample"].disabled = change["new"] == "upload"

    upload.observe(on_upload, names="value")
    controls["source"].observe(sample_slider_only_for_samples, names="value")
    explorer.upload = upload
    c = controls
    explorer.widget.children = (
        widgets.HBox([c["layer"], c["sample"]]),
        widgets.HBox([c["source"], upload, c["invert"]]),
        explorer.image, explorer.text,
    )
    return explorer


def _default():
    from ..pretrained import shapes_cnn

    images, labels, _ = demo_samples()
    return forward_explorer(shapes_cnn(), images, labels)


__all__ = [
    "ForwardState", "caption_forward_pass", "colour_scale", "demo_samples", "forward_explorer",
    "forward_pass", "grid_cells", "paint", "plot_forward_pass", "read_picture", "uploaded_file",
]

BENCHMARK = [
    ("08", "a full forward pass", _default),
]
