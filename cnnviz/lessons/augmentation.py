"""Notebook 11: data augmentation and transfer learning.

The state of the two explorers (one picture through every augmentation; sixteen
random draws within the same ranges) and the experiments the notebook measures:
a network trained on upright, centred, same-sized shapes with and without
augmentation, and a network reused for shapes it has never seen.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .. import augment
from .._validate import _show, as_array, nonnegative_int, one_of, positive_int
from ..datasets import NEW_CLASS_NAMES, draw_shape, make_shapes
from ..layers import Dense, Sequential, Softmax
from ..training import evaluate, train

#: the pictures the explorers offer
PICTURES = ("cat", "shape")
#: how many random draws the grid shows
DRAWS = 16
#: the training set of the augmentation experiment: one size, upright, centred
CANONICAL = dict(scale=(0.3, 0.3), angle=(0, 0), position=(0.5, 0.5))


def sample_pictures():
    """The explorers' pictures, grey ``(H, W)`` in [0, 1]: the cat at half size, a triangle.

    >>> {name: p.shape for name, p in sample_pictures().items()}
    {'cat': (150, 225), 'shape': (28, 28)}
    """
    from PIL import Image

    from ..images import load_sample

    cat = load_sample("chelsea", grey=True)
    small = Image.fromarray(cat.astype(np.float32), mode="F").resize(
        (cat.shape[1] // 2, cat.shape[0] // 2), Image.BILINEAR)
    return {"cat": np.clip(np.asarray(small, dtype=np.float64), 0, 1),
            "shape": draw_shape("triangle", angle=-90)[0].astype(np.float64)}


def _picture(pictures, picture):
    if not isinstance(pictures, dict) or not pictures:
        raise TypeError(f"pictures must be a dict of names to grey images; got {_show(pictures)}")
    one_of(picture, "picture", tuple(pictures))
    return as_array(pictures[picture], "pictures[picture]", ndims=2)


# ---------------------------------------------------------------------- one picture
@dataclass
class AugmentState:
    picture: str
    original: np.ndarray       # (H, W)
    augmented: np.ndarray      # (H, W)
    rotation: float            # degrees, counter-clockwise
    zoom: float
    dx: float                  # pixels right
    dy: float                  # pixels down
    flip: bool
    brightness: float
    noise: float

    @property
    def steps(self):
        """The operations that change the picture, in the order they are applied."""
        steps = ["flip"] if self.flip else []
        steps += [f"rotate {self.rotation:g} deg"] if self.rotation else []
        steps += [f"zoom x{self.zoom:g}"] if self.zoom != 1 else []
        steps += [f"shift ({self.dx:g}, {self.dy:g}) px"] if self.dx or self.dy else []
        steps += [f"brightness x{self.brightness:g}"] if self.brightness != 1 else []
        steps += [f"noise std {self.noise:g}"] if self.noise else []
        return steps


def augment_picture(pictures, *, picture="cat", rotation=0.0, zoom=1.0, shift_x=0, shift_y=0,
                    flip=False, brightness=1.0, noise=0.0, seed=0):
    """One picture through each augmentation of :mod:`cnnviz.augment`, in turn.

    ``flip`` (left-right), then ``rotate``, ``zoom`` and ``shift`` (``shift_x`` and
    ``shift_y`` in percent of the width and height, so one setting means the same on
    a small shape and on a large photo), then ``brightness`` and ``add_noise``.

    Examples
    --------
    >>> pictures = {"dot": np.pad(np.ones((2, 2)), 3)}
    >>> s = augment_picture(pictures, picture="dot", shift_x=25)
    >>> s.dx, np.argwhere(s.augmented[3] == 1).ravel().tolist()     # 25% of 8 pixels
    (2.0, [5, 6])
    """
    image = _picture(pictures, picture)
    H, W = image.shape
    dx, dy = W * float(shift_x) / 100, H * float(shift_y) / 100
    out = augment.flip(image) if flip else image
    out = augment.rotate(out, rotation)
    out = augment.zoom(out, zoom)
    out = augment.shift(out, dx, dy)
    out = augment.brightness(out, brightness)
    out = augment.add_noise(out, noise, seed=seed)
    return AugmentState(picture, image, out, float(rotation), float(zoom), dx, dy, bool(flip),
                        float(brightness), float(noise))


# ----------------------------------------------------------------------- many draws
@dataclass
class DrawsState:
    picture: str
    original: np.ndarray       # (H, W)
    draws: np.ndarray          # (16, H, W)
    params: augment.AugmentParams
    rotation: float
    zoom: tuple
    shift: float               # pixels
    flip: bool
    seed: int


def random_draws(pictures, *, picture="cat", rotation=0, zoom=1.0, shift=0, flip=False, seed=0,
                 count=DRAWS):
    """``count`` random augmentations of one picture, each drawn within the same ranges.

    Angles within ``[-rotation, rotation]``, zoom within ``[1 / zoom, zoom]``, shifts
    within ``shift`` percent of the width either way (:func:`cnnviz.augment.random_augment`).

    Examples
    --------
    >>> s = random_draws({"flat": np.full((8, 8), 0.5)}, picture="flat", rotation=30, seed=1)
    >>> s.draws.shape, bool(np.all(np.abs(s.params.degrees) <= 30))
    ((16, 8, 8), True)
    """
    image = _picture(pictures, picture)
    zoom = float(zoom)
    if not zoom >= 1:
        raise ValueError(
            f"zoom must be at least 1 (the range is 1/zoom to zoom); got {_show(zoom)}")
    count = positive_int(count, "count")
    seed = nonnegative_int(seed, "seed")
    pixels = image.shape[1] * float(shift) / 100
    ranges = dict(rotation=rotation, zoom=(1 / zoom, zoom), shift=pixels, flip=flip, seed=seed)
    draws = augment.random_augment(np.repeat(image[None], count, axis=0), **ranges)
    return DrawsState(picture, image, draws, augment.draw_params(count, **ranges), float(rotation),
                      (1 / zoom, zoom), pixels, bool(flip), seed)


# ---------------------------------------------------------------------- experiments
def canonical_shapes(n, *, seed=0):
    """``n`` shapes all drawn the same size, upright and centred (:data:`CANONICAL`)."""
    return make_shapes(n, seed=seed, **CANONICAL)


def train_augmented(model, images, labels, *, epochs, seed=0, **ranges):
    """Train ``model`` for ``epochs`` passes, each pass over freshly augmented ``images``.

    ``ranges`` go to :func:`cnnviz.augment.random_augment` (none: the images as they
    are); pass ``e`` draws with seed ``seed + e``, so no two passes see the same
    pictures. Returns the model, trained in place.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> x, y, _ = canonical_shapes(16, seed=0)
    >>> net = train_augmented(shapes_cnn(False).initialize(seed=0), x, y, epochs=2, shift=3)
    >>> net.parameters()["Dense-8.weight"].shape
    (4, 784)
    """
    epochs = positive_int(epochs, "epochs")
    seed = nonnegative_int(seed, "seed")
    passes = [augment.random_augment(images, seed=seed + e, **ranges) if ranges else images
              for e in range(epochs)]
    train(model, np.concatenate(passes), np.tile(labels, epochs), epochs=1, seed=seed)
    return model


def new_head(model, num_classes, *, seed=0):
    """``model`` with its last dense layer (and softmax) replaced by a fresh one for
    ``num_classes`` classes; the other layers are the same objects, weights shared.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> shipped = shapes_cnn()
    >>> net = new_head(shipped, 3)
    >>> net.layers[-2], net.layers[0] is shipped.layers[0]
    (Dense(784, 3), True)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz Sequential; got {_show(model)}")
    num_classes = positive_int(num_classes, "num_classes")
    dense = [i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]
    last = dense[-1] if dense else None
    if last is None:
        raise ValueError(f"model must have a Dense layer to replace; got {model.layers!r}")
    head = Dense(model.layers[last].in_features, num_classes)
    head.initialize(np.random.default_rng(seed))
    return Sequential(model.layers[:last] + [head, Softmax()])


def head_names(model):
    """The weight names of the last dense layer: what transfer learning trains.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> head_names(shapes_cnn())
    ['Dense-8.weight', 'Dense-8.bias']
    """
    last = max(i for i, layer in enumerate(model.layers) if isinstance(layer, Dense))
    prefix = f"{model.layer_names()[last]}."
    return [name for name in model.parameters() if name.startswith(prefix)]


TRANSFER_MODES = ("from scratch", "frozen conv + new head", "fine-tune all")


def transfer_run(mode, pretrained, train_set, *, steps=300, batch_size=8, seed=0):
    """Train one network on ``train_set`` (images, labels, class names) by ``mode``.

    - ``"from scratch"``: the architecture of ``pretrained`` with fresh weights;
    - ``"frozen conv + new head"``: ``pretrained``'s layers kept as they are, only a
      new dense head trained (``train(..., trainable=head_names(net))``);
    - ``"fine-tune all"``: the new head on ``pretrained``'s layers, everything trained
      with a learning rate three times smaller than the default (0.001).

    About ``steps`` minibatch steps whatever the size of the training set (at least
    one epoch). ``pretrained`` itself is never changed.
    """
    one_of(mode, "mode", TRANSFER_MODES)
    images, labels, names = train_set
    epochs = max(1, steps * batch_size // len(images))
    net = new_head(_copy(pretrained), len(names), seed=seed)
    options = dict(epochs=epochs, batch_size=batch_size, seed=seed)
    if mode == "from scratch":
        net.initialize(seed=seed)
    elif mode == "frozen conv + new head":
        options["trainable"] = head_names(net)
    else:
        options["lr"] = 0.001
    train(net, images, labels, **options)
    return net


def _copy(model):
    """An independent copy of a network (same layers, copied weights)."""
    return copy.deepcopy(model)


def transfer_experiment(pretrained, *, per_class=(5, 10, 20, 50), held_out=400, seed=0,
                        classes=NEW_CLASS_NAMES):
    """Held-out accuracy of each of :data:`TRANSFER_MODES` against examples per class.

    Returns ``{mode: [accuracy per entry of per_class]}``; the training sets are
    drawn with seeds ``seed + 1 + k`` and the held-out set with ``seed``.
    """
    test = make_shapes(held_out, seed=seed, classes=classes)
    results = {mode: [] for mode in TRANSFER_MODES}
    for k in per_class:
        train_set = make_shapes(k * len(classes), seed=seed + 1 + k, classes=classes)
        for mode in TRANSFER_MODES:
            net = transfer_run(mode, pretrained, train_set, seed=seed)
            results[mode].append(evaluate(net, test.images, test.labels))
    return results


__all__ = [
    "AugmentState", "CANONICAL", "DRAWS", "DrawsState", "PICTURES", "TRANSFER_MODES",
    "augment_picture", "canonical_shapes", "head_names", "new_head",
    "random_draws", "sample_pictures", "train_augmented", "transfer_experiment", "transfer_run",
]
