"""Notebook 08's state: one image through a whole network, layer by layer. Numpy and Pillow only.

* :func:`forward_pass` runs one grey image through any :class:`cnnviz.layers.Sequential`
  (the trained :func:`cnnviz.pretrained.shapes_cnn`, or a learner's own) and picks out
  one layer's output, with its shape, its parameter count and what it does in words;
  the class probabilities come along, at a chosen softmax temperature.
* :func:`read_picture` decodes an uploaded file into the 28x28 grey image the network
  takes (:func:`cnnviz.images.load_image`, with the upload limit), and
  :func:`refusal` words the learner's sentence for a file that is refused, from the
  type and fields of the :class:`cnnviz.images.ImageError`.
* :func:`caption_forward_pass` writes the explorer's caption, and :func:`grid_cells`,
  :func:`score_bars` and :func:`probability_bars` lay out its figure in pixels: where
  each feature map, bar and word goes (the explorer only colours and draws them).

Settings that cannot work raise :class:`cnnviz.errors.SettingError` subclasses with
their numbers as fields: :class:`NoSuchLayer`, :class:`NotGrey`,
:class:`NetworkRefusesImage`, :class:`NoPicture` and :class:`PictureRefused`.

>>> from cnnviz.pretrained import shapes_cnn
>>> from cnnviz.datasets import draw_shape
>>> state = forward_pass(shapes_cnn(), draw_shape("cross"), layer=3)
>>> state.name, state.shape, state.params
('MaxPool2d-3', (8, 14, 14), 0)
>>> state.prediction
'cross'
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from .._validate import _show, as_array, boolean, positive_int
from ..datasets import CLASS_NAMES, make_shapes
from ..errors import SettingError
from ..images import (UPLOAD_MAX_PIXELS, CompressionBombError, DamagedImageError, ImageError,
                      NonFiniteImageError, NotAnImageError, TooManyPixelsError,
                      UnsupportedFormatError, load_image)
from ..layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Softmax
from ..losses import softmax

#: most feature maps the explorer's grid shows at once
MAX_MAPS = 16
#: seed of the explorer's sample images: neither the training set (seed 0) nor the
#: recorded held-out set (seed 1)
SAMPLE_SEED = 8
#: images in the explorer's sample set
SAMPLE_COUNT = 64
#: a picture whose mean brightness is above this is inverted (if asked): the network
#: was trained on light outlines on a dark background
INVERT_ABOVE = 0.5
#: the temperature slider's range: softmax(scores / T)
TEMPERATURES = (0.25, 4.0)

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
#: a Dense layer before the last one does not score classes
HIDDEN_DENSE_NOTE = ("Every output number is a weighted sum of all the input numbers plus a "
                     "bias: a hidden layer, before the class scores.")


# ------------------------------------------------------------------------- the errors
class NoSuchLayer(SettingError):
    """A layer number past the network's end: fields ``layer`` and ``layers`` (how many)."""

    def __init__(self, *, layer, layers):
        super().__init__(f"this network has {layers} layers: pick a layer from 1 to {layers}; "
                         f"got {layer}", layer=layer, layers=layers)


class NotGrey(SettingError):
    """An image with more than one channel: field ``shape``."""

    def __init__(self, *, shape):
        super().__init__(f"the network takes a grey image with one channel; got shape {shape}",
                         shape=shape)


class NetworkRefusesImage(SettingError):
    """The network cannot take an image of this size: fields ``shape`` and ``reason``
    (the network's own sentence, naming the layer)."""

    def __init__(self, *, shape, reason):
        super().__init__(f"the network cannot take this image: {reason}", shape=shape,
                         reason=reason)


class NoPicture(SettingError):
    """'Your picture' is chosen, but nothing has been uploaded yet."""

    def __init__(self):
        super().__init__("No picture yet: click 'upload' and choose an image file. "
                         "Or pick 'a sample' to go back to the shapes.")

    def __reduce__(self):
        return (NoPicture, ())


class PictureRefused(SettingError):
    """An uploaded file that cannot be used: fields ``name`` (the file's name) and
    ``cause``, the :class:`cnnviz.images.ImageError` (None for an empty file).
    The message is :func:`refusal` of the two."""

    def __init__(self, message=None, *, name, cause):
        super().__init__(refusal(cause, name) if message is None else message, name=name,
                         cause=cause)


def refusal(cause, name):
    """The learner's sentence for an upload called ``name`` refused with ``cause``
    (an :class:`~cnnviz.images.ImageError`, or None for an empty file), by its type.

    >>> from cnnviz.images import TooManyPixelsError
    >>> refusal(TooManyPixelsError("...", source="x", pixels=90_000_000, limit=12_500_000), "big.png")
    "'big.png' is too large to load safely: it has 90,000,000 pixels, and at most 12,500,000 are accepted. Choose a smaller picture."
    >>> refusal(None, "empty.png")
    "'empty.png' is empty. Upload an image file, such as a PNG or a JPEG."
    """
    if cause is None:
        return f"{name!r} is empty. Upload an image file, such as a PNG or a JPEG."
    if isinstance(cause, NotAnImageError):
        return (f"{name!r} is not a picture that Pillow can read. Upload an image file "
                "instead, such as a PNG or a JPEG.")
    if isinstance(cause, UnsupportedFormatError):
        return (f"{name!r} is in the {cause.format} format, which is not accepted here. Save it "
                "as a PNG or a JPEG (GIF, BMP, TIFF and WebP work too) and upload that.")
    if isinstance(cause, TooManyPixelsError):
        count = "too many pixels" if cause.pixels is None else f"{cause.pixels:,} pixels"
        return (f"{name!r} is too large to load safely: it has {count}, and at most "
                f"{cause.limit:,} are accepted. Choose a smaller picture.")
    if isinstance(cause, CompressionBombError):
        return (f"{name!r} holds compressed data that unpacks to far more than a picture "
                "needs, as files made to exhaust memory do, so it was not loaded. Try "
                "saving the picture again as a PNG.")
    if isinstance(cause, DamagedImageError):
        return (f"{name!r} looks like a picture but could not be decoded: the file may be "
                "damaged or cut short. Try saving it again as a PNG.")
    if isinstance(cause, NonFiniteImageError):
        return (f"{name!r} has {cause.count:,} pixels that are not numbers (NaN or "
                "infinity). Save it again as an ordinary 8-bit PNG.")
    return f"{name!r} could not be used: {cause}"  # a refusal with no sentence of its own yet


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


# -------------------------------------------------------------------------- the state
@dataclass
class ForwardState:
    """One image's pass through a network, with one layer picked out."""

    image: np.ndarray          # (H, W): what the network saw (after inverting, if done)
    outputs: list              # every layer's output for this image, no batch axis
    probabilities: np.ndarray  # one per class: the final Softmax, or a softmax of the last scores
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
    temperature: float = 1.0   # the probabilities are softmax(scores / temperature)
    scores_layer: int = 0      # the layer whose outputs are the class scores (1-based)
    has_softmax: bool = True   # the network ends in a Softmax of its own

    @property
    def output(self):
        """The picked layer's output."""
        return self.outputs[self.layer - 1]

    @property
    def shape(self):
        """Its shape, as the summary table prints it."""
        return tuple(int(s) for s in self.output.shape)

    @property
    def prediction(self):
        """The class with the highest probability."""
        return self.class_names[int(np.argmax(self.probabilities))]

    @property
    def number_of_layers(self):
        return len(self.outputs)

    @property
    def per_class(self):
        """The picked output has one number per class (the scores, or the probabilities)."""
        return self.layer >= self.scores_layer and self.output.ndim == 1 \
            and self.output.size == len(self.class_names)


def _layer_note(layer, input_shape, output_shape, hidden):
    """What a layer does, in words, for the caption."""
    if isinstance(layer, Dense) and hidden:
        return HIDDEN_DENSE_NOTE
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
        n = layer.in_channels // getattr(layer, "groups", 1) * kh * kw
        bias = f" + {layer.out_channels} biases" if layer.use_bias else ""
        return (f"{layer.out_channels} filters x ({layer.in_channels // getattr(layer, 'groups', 1)}"
                f" x {kh} x {kw} = {n} weights){bias}")
    if isinstance(layer, Dense):
        bias = f" + {layer.out_features} biases" if layer.use_bias else ""
        return f"{layer.out_features} x {layer.in_features} weights{bias}"
    if layer.num_params:
        return f"{layer.num_params:,} numbers learnt in training"
    return "nothing to learn"


def _scores_layer(net, outputs):
    """The 1-based layer whose outputs are the class scores: the last Dense layer, or
    the last layer with one number per class that a Softmax (if any) follows."""
    last = len(outputs)
    if isinstance(net[last - 1], Softmax) and last > 1:
        last -= 1
    for i in range(last, 0, -1):
        if isinstance(net[i - 1], Dense):
            return i
    return last


def forward_pass(net, image, *, layer, invert=True, temperature=1.0, source="the image",
                 label=None, class_names=CLASS_NAMES):
    """Run one grey image through ``net`` and pick out one layer's output.

    Parameters
    ----------
    net : Sequential
        A network with weights whose input is one grey channel, such as
        :func:`cnnviz.pretrained.shapes_cnn` or a learner's own; its last output has
        one number per class.
    image : array_like, shape (H, W) or (1, H, W)
        Values in [0, 1].
    layer : int
        Which layer to show, from 1 to ``len(net)``.
    invert : bool
        Use ``1 - image`` when the image's mean is above 0.5 (mostly bright): the
        network was trained on light outlines on a dark background.
    temperature : float
        The probabilities are ``softmax(scores / temperature)``: above 1 they
        flatten, below 1 they sharpen; the prediction never changes. 1 is the
        network as trained. A network without a final Softmax gets one here, so
        that every network shows probabilities.
    source, label, class_names
        Where the image came from and its true class (an index, or None), for the
        figure and the caption.

    Returns
    -------
    ForwardState

    Raises
    ------
    NoSuchLayer, NotGrey, NetworkRefusesImage
        :class:`~cnnviz.errors.SettingError` subclasses, when the layer or the image does not fit.

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
    cnnviz.lessons.forward.NoSuchLayer: this network has 9 layers: pick a layer from 1 to 9; got 10
    """
    image = as_array(image, "image", ndims=(2, 3))
    if image.ndim == 3:
        if image.shape[0] != 1:
            raise NotGrey(shape=image.shape)
        image = image[0]
    invert = boolean(invert, "invert")
    if (isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating))
            or not temperature > 0 or not np.isfinite(temperature)):
        raise ValueError(f"temperature must be a positive number; got {_show(temperature)}")
    temperature = float(temperature)
    layer = positive_int(layer, "layer")
    if layer > len(net):
        raise NoSuchLayer(layer=layer, layers=len(net))
    inverted = bool(invert and image.mean() > INVERT_ABOVE)
    if inverted:
        image = 1.0 - image
    try:
        outputs = net.forward(image[None], return_all=True)
    except ValueError as err:
        raise NetworkRefusesImage(shape=image.shape, reason=str(err)) from None
    has_softmax = isinstance(net[len(net) - 1], Softmax) and len(outputs) > 1
    scores = outputs[-2] if has_softmax else outputs[-1]
    if scores.ndim != 1 or scores.size != len(class_names):
        raise ValueError(f"class_names must have one name per class score of the network "
                         f"({int(np.prod(scores.shape))}); got {len(class_names)} names")
    if has_softmax and temperature == 1.0:
        probabilities = outputs[-1]
    else:
        probabilities = softmax(scores / temperature).astype(scores.dtype)
    if has_softmax:
        outputs[-1] = probabilities
    picked = net[layer - 1]
    before = outputs[layer - 2].shape if layer > 1 else image[None].shape
    scores_layer = _scores_layer(net, outputs)
    return ForwardState(
        image=image, outputs=outputs, probabilities=probabilities, layer=layer,
        name=net.layer_names()[layer - 1], description=repr(picked), params=picked.num_params,
        params_note=_params_note(picked),
        note=_layer_note(picked, before, outputs[layer - 1].shape, layer < scores_layer),
        kind=type(picked), class_names=tuple(class_names), source=source,
        label=None if label is None else int(label), inverted=inverted, invert=invert,
        temperature=temperature, scores_layer=scores_layer, has_softmax=has_softmax,
    )


# ---------------------------------------------------------------------- pictures in
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
    :data:`~cnnviz.images.UPLOAD_MAX_PIXELS`). A file that is refused raises
    :class:`PictureRefused`, whose sentence (:func:`refusal`) is chosen by the type
    of the :class:`cnnviz.images.ImageError` and says the cause.

    >>> read_picture(b"hello", name="notes.txt")
    Traceback (most recent call last):
    ...
    cnnviz.lessons.forward.PictureRefused: 'notes.txt' is not a picture that Pillow can read. Upload an image file instead, such as a PNG or a JPEG.
    """
    if not content:
        raise PictureRefused(name=name, cause=None)
    try:
        return load_image(bytes(content), grey=True, size=size, max_pixels=UPLOAD_MAX_PIXELS)
    except ImageError as err:
        raise PictureRefused(name=name, cause=err) from None


def demo_samples(n=SAMPLE_COUNT, seed=SAMPLE_SEED):
    """The explorer's fixed sample set: ``make_shapes(n, seed=seed)``."""
    return make_shapes(n, seed=seed)



# ------------------------------------------- the explorer's figure, laid out in pixels
# The forward explorer's figure (:mod:`cnnviz.explorers.forward`) is one canvas in
# pixels at draw.DPI, y pointing down. Where each box, cell, bar and word goes is
# plain arithmetic, kept here; the explorer colours and draws it.

#: boxes in pixels: (left, top, width, height)
INPUT_BOX = (14, 106, 176, 176)
GRID_BOX = (225, 54, 318, 300)
CBAR_BOX = (556, 74, 12, 260)
SCORE_BOX = (250, 80, 290, 220)          # the bars of the class scores and probabilities
PROB_BOX = (690, 130, 130, 120)          # the probabilities, always in view


def box_extent(box):
    """``imshow`` extent of a box (left, top, width, height) on the canvas."""
    x, y, w, h = box
    return (x, x + w, y + h, y)


def box_corners(box):
    """The four corners of a box (left, top, width, height), clockwise from the top left."""
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def grid_cells(n, box=GRID_BOX, gap=6):
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


def score_bars(state):
    """Corners of the picked layer's class-score (or probability) bars in :data:`SCORE_BOX`,
    and their words ``(x, y, text, anchor, bold)``: each bar's value and class name.

    Scores grow up and down from a zero line in the middle; probabilities up from the
    bottom, the highest one's words in bold.
    """
    values = np.asarray(state.output, dtype=float)
    x0, y0, w, h = SCORE_BOX
    slot = w / len(values)
    probabilities = state.kind is Softmax
    words = []
    if probabilities:
        base, scale = y0 + h, h               # 0 at the bottom, 1 at the top
    else:
        base, scale = y0 + h / 2, h / 2 / max(float(np.abs(values).max()), 1e-12)
        words.append((x0 - 4, base, "0", "rm", False))
    best = int(np.argmax(values))
    boxes = []
    for k, v in enumerate(values):
        left = x0 + (k + 0.2) * slot
        top = base - max(v, 0) * scale
        boxes.append(box_corners((left, top, 0.6 * slot, abs(v) * scale)))
        centre = left + 0.3 * slot
        if probabilities:
            words.append((centre, top - 4, percent(v), "ms", k == best))
        else:
            words.append((centre, top - 4, f"{v:+.1f}", "ms", False) if v >= 0 else
                         (centre, top + abs(v) * scale + 4, f"{v:+.1f}", "ma", False))
        words.append((centre, y0 + h + 24, str(state.class_names[k]), "ma", k == best))
    return boxes, words


def probability_bars(state):
    """The probabilities panel in :data:`PROB_BOX`: corners of a track from 0 to 1 per class,
    of the bars in front of them, and the words (class names, percentages, the prediction)."""
    p = np.asarray(state.probabilities, dtype=float)
    best = int(np.argmax(p))
    x, y, w, h = PROB_BOX
    slot = h / len(p)
    tracks, bars, words = [], [], []
    for k, v in enumerate(p):
        top = y + (k + 0.2) * slot
        tracks.append(box_corners((x, top, w, 0.6 * slot)))
        bars.append(box_corners((x, top, v * w, 0.6 * slot)))
        words.append((x - 6, top + 0.3 * slot, str(state.class_names[k]), "rm", k == best))
        words.append((x + w + 4, top + 0.3 * slot, percent(v, 0), "lm", False))
    sure = f"{percent(p[best])} sure"
    if state.temperature != 1.0:
        sure += f" at T = {state.temperature:g}"
    words += [(x + w / 2, y - 32, f"prediction: {state.prediction}", "ms", True),
              (x + w / 2, y - 12, sure, "ms", False)]
    return tracks, bars, words


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


__all__ = [
    "CBAR_BOX", "GRID_BOX", "HIDDEN_DENSE_NOTE", "INPUT_BOX", "INVERT_ABOVE", "LAYER_NOTES",
    "MAX_MAPS", "PROB_BOX", "SAMPLE_COUNT", "SAMPLE_SEED", "SCORE_BOX", "TEMPERATURES",
    "ForwardState", "NetworkRefusesImage", "NoPicture", "NoSuchLayer", "NotGrey",
    "PictureRefused", "box_corners", "box_extent", "caption_forward_pass", "demo_samples",
    "forward_pass", "grid_cells", "percent", "probability_bars", "read_picture", "refusal",
    "score_bars", "uploaded_file",
]
