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

from .._validate import _show, as_array, boolean, positive_int
from ..errors import SettingError
from ..datasets import CLASS_NAMES, make_shapes
from ..images import (UPLOAD_MAX_PIXELS, CompressionBombError, DamagedImageError,
                      ImageError, NonFiniteImageError, NotAnImageError, TooManyPixelsError,
                      UnsupportedFormatError, load_image)
from ..layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Softmax
from ..losses import softmax
from ._base import DIVERGING, GREY, Explorer, font, new_figure, render_png, symmetric_limits

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
#: the temperature slider's range: softmax(scores / T)
TEMPERATURES = (0.25, 4.0)


def percent(p, digits=1):
    """A probability as a percentage that never rounds to a certainty it is not.

    A softmax is never exactly 0 or 1 (every exponential is positive); a float that
    shows 1.0 has only run out of digits. So 1.0 prints as "> 99.9%" and 0.0 as
    "< 0.1%", like every value that rounds to them.

    >>> percent(0.98765), percent(0.99996), percent(1.0), percent(0.00001), percent(0.0)
    ('98.8%', '> 99.9%', '> 99.9%', '< 0.1%', '< 0.1%')
    >>> percent(0.996, digits=0), percent(0.5, digits=0)
    ('> 99%', '50%')
    """
    p = min(max(float(p), 0.0), 1.0)
    text = f"{p:.{digits}%}"
    step = 10.0 ** -digits
    if float(text[:-1]) >= 100.0:
        return f"> {100 - step:.{digits}f}%"
    if float(text[:-1]) <= 0.0:
        return f"< {step:.{digits}f}%"
    return text


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
    temperature: float = 1.0   # the final softmax took scores / temperature

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


def forward_pass(net, image, *, layer, invert=True, temperature=1.0, source="the image",
                 label=None, class_names=CLASS_NAMES):
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
    temperature : float
        A final Softmax computes ``softmax(scores / temperature)``: above 1 the
        probabilities flatten, below 1 they sharpen; the prediction never changes.
        1 is the network as trained.
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
    >>> hot = forward_pass(net, white, layer=9, temperature=4.0)     # flatter, same winner
    >>> hot.prediction == s.prediction, bool(hot.probabilities.max() < s.probabilities.max())
    (True, True)
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
    if (isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating))
            or not temperature > 0 or not np.isfinite(temperature)):
        raise ValueError(f"temperature must be a positive number; got {_show(temperature)}")
    temperature = float(temperature)
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
    if temperature != 1.0 and isinstance(net[len(net) - 1], Softmax) and len(outputs) > 1:
        outputs[-1] = softmax(outputs[-2] / temperature).astype(outputs[-2].dtype)
    picked = net[layer - 1]
    before = outputs[layer - 2].shape if layer > 1 else image[None].shape
    return ForwardState(
        image=image, outputs=outputs, layer=layer, name=net.layer_names()[layer - 1],
        description=repr(picked), params=picked.num_params, params_note=_params_note(picked),
        note=_layer_note(picked, before, outputs[layer - 1].shape),
        kind=type(picked), class_names=tuple(class_names), source=source,
        label=None if label is None else int(label), inverted=inverted, invert=invert,
        temperature=temperature,
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
            words[f"score_{k}"].append((centre, top - 4, percent(v), "ms", k == best))
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
        words["prob_values"].append((x + w + 4, top + 0.3 * slot, percent(v, 0), "lm", False))
    a["probs"].set_verts(tracks + bars)
    a["probs"].set_facecolor([TRACK] * len(p) + [WIN if k == best else OTHER
                                                  for k in range(len(p))])
    sure = f"{percent(p[best])} sure"
    if state.temperature != 1.0:
        sure += f" at T = {state.temperature:g}"
    words["prob_title"] += [(x + w / 2, y - 32, f"prediction: {state.prediction}", "ms", True),
                            (x + w / 2, y - 12, sure, "ms", False)]

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
    painted_k = paint(np.kron(kernels.reshape(n, kh, kw), np.ones((zoom, zoom))), DIVERGING,
                      *symmetric_limits(kernels))
    painted_m = paint(maps, DIVERGING, -vmax_map, vmax_map)
    pair = np.full((n, h, kw * zoom + gap + w, 4), 255, np.uint8)
    top = (h - kh * zoom) // 2
    pair[:, top:top + kh * zoom, :kw * zoom] = painted_k
    pair[:, :, kw * zoom + gap:] = painted_m
    return pair


def filmstrip_figure(net, images, samples, *, labels=None, class_names=CLASS_NAMES):
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

    Returns
    -------
    Figure
    """
    from matplotlib.gridspec import GridSpecFromSubplotSpec

    samples = [int(k) for k in samples]
    height = 3.8 * len(samples)
    fig = new_figure(11, height)
    pixel = 1 / (height * fig.dpi)            # one screen pixel, in figure fractions
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
        axes[0].imshow(paint(state.image, GREY, 0, 1), interpolation="nearest")
        axes[0].set_title("input (1, 28, 28)", fontsize=8)
        outs = state.outputs
        limit = symmetric_limits(outs[0])[1]
        pairs = _kernel_beside_map(net[0].weight[:, 0], outs[0], limit)
        axes[1].imshow(_mosaic(pairs, 4), interpolation="nearest")
        axes[1].set_title(f"1 {names[0]} {tuple(outs[0].shape)}: each 3x3 kernel, then its map",
                          fontsize=8)
        for ax, i in zip(axes[2:7], (1, 2, 3, 4, 5)):
            out = outs[i]
            if i == 3:
                cmap, lo, hi = DIVERGING, *symmetric_limits(out)
            else:
                cmap, lo, hi = GREY, 0.0, max(float(out.max()), 1e-12)
            ax.imshow(_mosaic(paint(out, cmap, lo, hi), 4), interpolation="nearest")
            ax.set_title(f"{i + 1} {names[i]} {tuple(out.shape)}", fontsize=8)
        flat, before = outs[6], outs[5]
        axes[7].imshow(paint(flat.reshape(before.shape[0], -1), GREY, 0,
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
                colours = [WIN if c == best else OTHER for c in range(len(v))]
                ax.set_ylim(0, 1.3)
                title = f"9 {names[8]}: probabilities"
                for c, x in enumerate(v):
                    ax.text(c, x + 0.05, percent(x, 0), ha="center", fontsize=7)
            ax.bar(range(len(v)), v, color=colours)
            ax.set_xticks(range(len(v)), [n[:3] for n in class_names], fontsize=7)
            ax.set_title(title, fontsize=8)
    return fig


def filmstrip_png(net, images, samples, **kwargs):
    """:func:`filmstrip_figure` as PNG bytes, for an explorer's stored picture."""
    return render_png(filmstrip_figure(net, images, samples, **kwargs), compress_level=9)


# ------------------------------------------------------------------------ the widget
def forward_explorer(net, images, labels=None, *, class_names=CLASS_NAMES, sample=0, layer=1,
                     filmstrip=None):
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
    filmstrip : sequence of int, optional
        Samples whose every layer the stored picture shows
        (:func:`filmstrip_figure`), for readers without a kernel; by default the
        stored picture is the live figure.

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
        temperature=widgets.FloatLogSlider(
            1.0, base=2, min=np.log2(TEMPERATURES[0]), max=np.log2(TEMPERATURES[1]), step=0.25,
            description="softmax temperature", readout_format=".2f", style=style,
            layout=widgets.Layout(width="360px")),
    )
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload")
    picture = {"image": None, "error": None}          # the last upload, decoded once

    def compute(layer, sample, source, invert, temperature):
        if source == "upload":
            if picture["error"]:
                raise SettingError(picture["error"])
            if picture["image"] is None:
                raise SettingError("No picture yet: click 'upload' and choose an image file. "
                                 "Or pick 'a sample' to go back to the shapes.")
            return forward_pass(net, picture["image"], layer=layer, invert=invert,
                                temperature=temperature, source="your picture",
                                class_names=class_names)
        return forward_pass(net, images[sample], layer=layer, invert=invert,
                            temperature=temperature, source=f"sample {sample}",
                            label=None if labels is None else labels[sample],
                            class_names=class_names)

    explorer = Explorer(compute, plot_forward_pass, controls, new_figure(*FIG_SIZE),
                        caption=caption_forward_pass)
    if filmstrip is not None:
        explorer.static_png = functools.partial(
            filmstrip_png, net, images, tuple(filmstrip), labels=labels, class_names=class_names)

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
        widgets.HBox([c["temperature"]]),
        explorer.image, explorer.text,
    )
    return explorer


def _default():
    from ..pretrained import shapes_cnn

    images, labels, _ = demo_samples()
    return forward_explorer(shapes_cnn(), images, labels)


__all__ = [
    "ForwardState", "caption_forward_pass", "colour_scale", "demo_samples", "filmstrip_figure",
    "filmstrip_png", "forward_explorer", "forward_pass", "grid_cells", "paint", "percent",
    "plot_forward_pass", "read_picture", "uploaded_file",
]

BENCHMARK = [
    ("08", "a full forward pass", _default),
]
