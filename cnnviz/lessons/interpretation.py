"""Notebook 12: what the network looks at, as states the explorers draw (numpy only).

The methods themselves are :mod:`cnnviz.interpret` (saliency, Grad-CAM, occlusion,
activation maximisation). This module gathers what one picture of each explorer
needs: the map at the layer's own resolution and blown up onto the image, the
network's prediction, the patch that hurts most, the images of a data set that
excite a channel most, and the maps of a network whose weights were replaced by
random ones from the top down (the sanity check of Adebayo et al., 2018).
"""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass

import numpy as np

from .._validate import _show, as_array, nonnegative_int, positive_int
from ..datasets import CLASS_NAMES
from ..errors import SettingError
from ..filters import sobel_magnitude
from ..interpret import (
    _evaluating, _layer_index, _n_score, _score_gradient, activation_maximization, grad_cam,
    occlusion, saliency,
)
from ..layers import Conv2d, Dense, Sequential
from ..losses import softmax


class PatchTooLarge(SettingError):
    """The occluding square is larger than the image. Fields: ``patch``, ``size``."""

    def __init__(self, *, patch, size):
        super().__init__(f"patch must be at most {size} (the image's smaller side); got {patch}",
                         patch=patch, size=size)

    def __reduce__(self):
        return (_rebuild_patch, (self.fields["patch"], self.fields["size"]))


def _rebuild_patch(patch, size):
    return PatchTooLarge(patch=patch, size=size)


# ------------------------------------------------------------------------- helpers
def map_layers(model, input_shape):
    """The layers whose output is a ``(K, h, w)`` volume before the scores: ``(index, name)``.

    These are the layers Grad-CAM can look at (convolutions, activations, pools).

    >>> from cnnviz.pretrained import shapes_cnn
    >>> [name for _, name in map_layers(shapes_cnn(), (1, 28, 28))]
    ['Conv2d-1', 'ReLU-2', 'MaxPool2d-3', 'Conv2d-4', 'ReLU-5', 'MaxPool2d-6']
    """
    shapes = model.output_shapes(tuple(input_shape))
    names = model.layer_names()
    return [(i, names[i]) for i in range(_n_score(model)) if len(shapes[i]) == 3]


def upsample(values, shape):
    """Blow a coarse ``(h, w)`` map up to ``shape = (H, W)`` by repeating each cell
    (nearest neighbour): cell ``(i, j)`` covers the rows ``floor(r * h / H) == i``.

    Grad-CAM's map has its layer's resolution; repeating cells (rather than smoothing
    them) shows how coarse it really is.

    >>> upsample(np.array([[1, 2], [3, 4]]), (4, 4))
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    """
    values = np.asarray(values)
    H, W = shape
    rows = np.arange(H) * values.shape[0] // H
    cols = np.arange(W) * values.shape[1] // W
    return values[np.ix_(rows, cols)]


def per_pixel_drop(drop, shape, *, patch, stride):
    """Spread an occlusion map over the image: each pixel gets the mean drop of all the
    squares that cover it (NaN where no square does).

    ``drop[i, j]`` belongs to the ``patch x patch`` square at ``(i * stride, j * stride)``.

    >>> per_pixel_drop(np.array([[1.0, 3.0]]), (2, 3), patch=2, stride=1)
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    drop = np.asarray(drop, dtype=float)
    H, W = shape
    oh, ow = drop.shape
    # 2-D difference arrays: +v at a square's corner, -v past its right and bottom edges.
    total = np.zeros((H + 1, W + 1))
    count = np.zeros((H + 1, W + 1))
    top = (np.arange(oh) * stride)[:, None].repeat(ow, 1).ravel()
    left = (np.arange(ow) * stride)[None, :].repeat(oh, 0).ravel()
    for arr, v in ((total, drop.ravel()), (count, np.ones(oh * ow))):
        np.add.at(arr, (top, left), v)
        np.add.at(arr, (top + patch, left), -v)
        np.add.at(arr, (top, left + patch), -v)
        np.add.at(arr, (top + patch, left + patch), v)
    total = total.cumsum(0).cumsum(1)[:H, :W]
    count = np.rint(count.cumsum(0).cumsum(1)[:H, :W])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)


def rank_correlation(a, b):
    """Spearman's rank correlation of two maps (flattened): Pearson's r of their ranks,
    ties sharing their mean rank. 1: the same order of pixels; 0: unrelated.

    Adebayo et al. (2018) compare a method's map on the trained network with its map on
    a randomised one this way: a high value means the map hardly depends on the weights.

    >>> rank_correlation([1, 2, 3, 4], [10, 20, 30, 40])
    1.0
    >>> rank_correlation([1, 2, 3, 4], [4, 3, 2, 1])
    -1.0
    """
    ra, rb = _ranks(np.ravel(a)), _ranks(np.ravel(b))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float(np.round((ra * rb).sum() / denom, 12)) if denom > 0 else 0.0


def _ranks(values):
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    # ties: every member of a group of equal values gets the group's mean rank
    uniq, inverse = np.unique(values, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks)
    counts = np.bincount(inverse)
    return (sums / counts)[inverse]


def _forward(model, x, **kwargs):
    """The model's forward pass in evaluation mode (as the methods of cnnviz.interpret run)."""
    with _evaluating(model):
        return model.forward(x, **kwargs)


def _probabilities(model, image):
    out = _forward(model, np.asarray(image)[None])[0]
    return out if _n_score(model) < len(model.layers) else softmax(out[None])[0]


def _class_names(model, count):
    return CLASS_NAMES if count == len(CLASS_NAMES) else tuple(f"class {k}" for k in range(count))


# ------------------------------------------------------------------ the explorers' inputs
def network_or_default(model):
    """``model``, or the shipped shapes network (:func:`cnnviz.pretrained.shapes_cnn`)
    when it is None."""
    if model is None:
        from ..pretrained import shapes_cnn

        return shapes_cnn()
    return model


def named_pictures(samples):
    """``samples`` as a dict of named pictures: a dict is copied, one picture ``(C, H, W)``
    is named "picture".

    >>> list(named_pictures(np.zeros((1, 28, 28))))
    ['picture']
    """
    if isinstance(samples, dict):
        return dict(samples)
    return {"picture": np.asarray(samples)}


def class_names_of(model, image):
    """The names of ``model``'s classes for an input shaped like ``image``: the four
    shapes when it has four scores, "class k" otherwise."""
    return _class_names(model, model.output_shapes(np.shape(image))[-1][0])


def predicted_class(model, image):
    """The class ``model`` gives ``image`` ``(C, H, W)``: its largest output."""
    return int(np.argmax(model.forward(np.asarray(image)[None])[0]))


# ------------------------------------------------------------------------ occlusion
@dataclass
class OcclusionState:
    image: np.ndarray          # (H, W) the picture (first channel)
    target: int
    class_names: tuple
    probabilities: np.ndarray  # (classes,) on the uncovered image
    patch: int
    stride: int
    drop: np.ndarray           # (oh, ow) probability drop per square
    per_pixel: np.ndarray      # (H, W) mean drop of the squares covering each pixel (NaN: none)

    @property
    def worst(self):
        """``(row, col)`` of the square (top-left pixel) whose cover costs most."""
        i, j = np.unravel_index(int(np.argmax(self.drop)), self.drop.shape)
        return int(i) * self.stride, int(j) * self.stride

    @property
    def largest_drop(self):
        return float(self.drop.max())


def occlusion_state(model, image, target, *, patch=7, stride=1, fill=0.0):
    """Occlusion of ``image`` for class ``target``, with what the explorer draws.

    Raises :class:`PatchTooLarge` when ``patch`` exceeds the image's smaller side.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import draw_shape
    >>> state = occlusion_state(shapes_cnn(), draw_shape("square"), 1, patch=7, stride=3)
    >>> state.drop.shape, state.per_pixel.shape
    ((8, 8), (28, 28))
    """
    image = as_array(image, "image", ndims=3)
    patch = positive_int(patch, "patch")
    stride = positive_int(stride, "stride")
    size = min(image.shape[1:])
    if patch > size:
        raise PatchTooLarge(patch=patch, size=size)
    drop = occlusion(model, image, target, patch=patch, stride=stride, fill=fill)
    probs = _probabilities(model, image)
    return OcclusionState(image[0], int(target), _class_names(model, len(probs)), probs, patch,
                          stride, drop, per_pixel_drop(drop, image.shape[1:], patch=patch,
                                                       stride=stride))


# ------------------------------------------------------------------------- Grad-CAM
@dataclass
class GradCamState:
    image: np.ndarray          # (H, W)
    target: int
    class_names: tuple
    probabilities: np.ndarray
    layer: int                 # 0-based index into model.layers
    layer_name: str
    cam: np.ndarray            # (h, w) at the layer's resolution, >= 0
    alpha: np.ndarray          # (K,) the channel weights
    opacity: float

    @property
    def upsampled(self):
        return upsample(self.cam, self.image.shape)

    @property
    def all_zero(self):
        """True when no place has positive evidence: every weighted sum is <= 0."""
        return not bool(self.cam.max() > 0)


def channel_weights(model, image, target, *, layer):
    """Grad-CAM's ``alpha_k``: the mean over positions of d(score)/dA_k at ``layer``.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import draw_shape
    >>> channel_weights(shapes_cnn(), draw_shape("cross"), 3, layer="ReLU-5").shape
    (16,)
    """
    index = _layer_index(model, layer)
    image = as_array(image, "image", ndims=3)
    with _evaluating(model):
        _, grad = _score_gradient(model, image, int(target), index)
    return grad[0].mean(axis=(1, 2))


def grad_cam_state(model, image, target, *, layer, opacity=0.5):
    """Grad-CAM of ``image`` for class ``target`` at ``layer``, with what the explorer draws.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import draw_shape
    >>> state = grad_cam_state(shapes_cnn(), draw_shape("circle"), 0, layer="ReLU-5")
    >>> state.cam.shape, state.upsampled.shape, state.layer_name
    ((14, 14), (28, 28), 'ReLU-5')
    """
    image = as_array(image, "image", ndims=3)
    cam = grad_cam(model, image, target, layer=layer)
    index = _layer_index(model, layer)
    probs = _probabilities(model, image)
    return GradCamState(image[0], int(target), _class_names(model, len(probs)), probs, index,
                        model.layer_names()[index], cam,
                        channel_weights(model, image, target, layer=index), float(opacity))


# --------------------------------------------------------------- draw and explain
@dataclass
class ExplainState:
    image: np.ndarray          # (H, W)
    class_names: tuple
    probabilities: np.ndarray
    prediction: int
    saliency: np.ndarray       # (H, W) |gradient| of the predicted class, max over channels
    cam: np.ndarray            # (H, W) Grad-CAM of the predicted class, upsampled
    cam_layer: str
    occlusion: np.ndarray      # (H, W) mean probability drop of the covering squares
    patch: int

    @property
    def blank(self):
        return not bool(np.any(self.image > 0))


def explain_state(model, image, *, layer="ReLU-5", patch=7, stride=1):
    """The prediction for ``image`` and three maps of why: saliency, Grad-CAM at ``layer``
    and occlusion, all for the predicted class and all at the image's size.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import draw_shape
    >>> state = explain_state(shapes_cnn(), draw_shape("triangle"))
    >>> state.class_names[state.prediction], state.saliency.shape, state.occlusion.shape
    ('triangle', (28, 28), (28, 28))
    """
    image = as_array(image, "image", ndims=3)
    probs = _probabilities(model, image)
    k = int(np.argmax(probs))
    sal = np.abs(saliency(model, image, k)).max(axis=0)
    cam = upsample(grad_cam(model, image, k, layer=layer), image.shape[1:])
    drop = occlusion(model, image, k, patch=patch, stride=stride)
    occ = np.nan_to_num(per_pixel_drop(drop, image.shape[1:], patch=patch, stride=stride))
    name = model.layer_names()[_layer_index(model, layer)]
    return ExplainState(image[0], _class_names(model, len(probs)), probs, k, sal, cam, name, occ,
                        patch)


# ------------------------------------------------------------ what each filter wants
def top_images(model, images, *, layer, channel, count=4):
    """The images of a set that excite one channel most: their indices and the channel's
    mean activation on each, largest first.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import make_shapes
    >>> idx, act = top_images(shapes_cnn(), make_shapes(20).images, layer="ReLU-5", channel=0)
    >>> idx.shape, bool(act[0] >= act[-1])
    ((4,), True)
    """
    index = _layer_index(model, layer)
    acts = channel_activations(model, images, layer=index)[:, channel]
    order = np.argsort(-acts, kind="stable")[:count]
    return order, acts[order]


def channel_activations(model, images, *, layer):
    """Mean activation of every channel of ``layer`` on every image: ``(N, K)``."""
    index = _layer_index(model, layer)
    out = _forward(model, np.asarray(images), return_all=True)[index]
    return out.reshape(out.shape[0], out.shape[1], -1).mean(axis=2)


@dataclass
class FilterState:
    layer: str                 # a layer name, or "score"
    channel: int
    preferred: np.ndarray      # (H, W) the input activation maximisation found
    kernel: np.ndarray | None  # (3, 3) the first convolution's kernel for a conv1 channel
    examples: np.ndarray       # (count, H, W) the data set's images that excite it most
    example_values: np.ndarray # (count,) their mean activations (or probabilities)
    label: str                 # "channel 3 of ReLU-2" or "class circle"

    @property
    def dead(self):
        """No image of the data set makes this channel fire at all."""
        return not bool(self.example_values.max() > 0)


def preferred_inputs(model, layers, *, steps=150, seed=0, input_shape=(1, 28, 28)):
    """Activation maximisation for every channel of each layer in ``layers`` (names, or
    ``"score"`` for the classes): ``{layer: (K, C, H, W)}``.

    This is the slow part of the filter explorer (a few hundred milliseconds per
    channel), so it is computed once and handed to the explorer.
    """
    found = {}
    shapes = model.output_shapes(tuple(input_shape))
    for layer in layers:
        index = _n_score(model) - 1 if layer == "score" else _layer_index(model, layer)
        count = shapes[index][0]
        found[layer] = np.stack([activation_maximization(model, layer, k, steps=steps, seed=seed,
                                                         input_shape=input_shape)
                                 for k in range(count)])
    return found


def filter_activations(model, images, layers):
    """Per layer of ``layers`` (names, or ``"score"``), what ranks ``images`` for each channel:
    the mean activation of every channel ``(N, K)``, or for ``"score"`` the probabilities
    ``(N, classes)``. Computed once, so that a slider only sorts."""
    found = {}
    for layer in layers:
        if layer == "score":
            probs = _forward(model, np.asarray(images))
            found[layer] = softmax(probs) if _n_score(model) == len(model.layers) else probs
        else:
            found[layer] = channel_activations(model, images, layer=layer)
    return found


def filter_state(model, preferred, images, *, layer, channel, count=4, activations=None):
    """What one channel (or class) wants: the input gradient ascent found, and the images
    of ``images`` that excite it most (for a class: that it gives the highest probability).

    ``preferred`` is :func:`preferred_inputs`'s result; ``activations``, optionally,
    :func:`filter_activations`'s (computed here when not given).
    """
    if layer not in preferred:
        raise ValueError(f"layer must be one of {sorted(preferred)}; got {_show(layer)}")
    stack = preferred[layer]
    channel = nonnegative_int(channel, "channel")
    if channel >= len(stack):
        raise SettingError(f"channel must be below {len(stack)}; got {channel}",
                           channel=channel, count=len(stack))
    images = np.asarray(images)
    kernel = None
    table = (activations or {}).get(layer)
    if table is None:
        table = filter_activations(model, images, [layer])[layer]
    values = table[:, channel]
    order = np.argsort(-values, kind="stable")[:count]
    values = values[order]
    if layer == "score":
        label = f"class {_class_names(model, table.shape[1])[channel]}"
    else:
        index = _layer_index(model, layer)
        convs = [i for i, lay in enumerate(model.layers[: index + 1]) if isinstance(lay, Conv2d)]
        if len(convs) == 1 and model.layers[convs[0]].weight.shape[1] == 1:
            kernel = model.layers[convs[0]].weight[channel, 0]
        label = f"channel {channel} of {model.layer_names()[_layer_index(model, layer)]}"
    return FilterState(layer, channel, stack[channel, 0], kernel, images[order, 0], values, label)


# ------------------------------------------------------------------ sanity checks
def weighted_layers(model):
    """Indices of the layers with weights (convolutions and dense layers), top first."""
    return [i for i in reversed(range(len(model.layers)))
            if isinstance(model.layers[i], (Conv2d, Dense))]


def randomized(model, top, *, seed=0):
    """A copy of ``model`` whose ``top`` highest weighted layers have random weights:
    each weight and bias redrawn from a normal distribution with the standard
    deviation of the trained ones (the cascading randomisation of Adebayo et al.).

    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> rnd = randomized(net, 1)
    >>> bool((rnd.layers[7].weight != net.layers[7].weight).all())
    True
    >>> bool((rnd.layers[3].weight == net.layers[3].weight).all())
    True
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz.Sequential; got {_show(model)}")
    layers = weighted_layers(model)
    if isinstance(top, (bool, np.bool_)) or not isinstance(top, numbers.Integral) \
            or not 0 <= top <= len(layers):
        raise ValueError(f"top must be an integer from 0 to {len(layers)} (the weighted "
                         f"layers); got {_show(top)}")
    rng = np.random.default_rng(seed)
    clone = copy.deepcopy(model)
    for i in layers[:top]:
        layer = clone.layers[i]
        for name in layer.param_shapes():
            trained = getattr(layer, name)
            spread = float(trained.std()) or 0.1
            fresh = spread * rng.standard_normal(trained.shape)
            setattr(layer, name, fresh.astype(trained.dtype))
    return clone


@dataclass
class SanityState:
    image: np.ndarray          # (H, W)
    target: int
    class_names: tuple
    randomized: tuple          # names of the layers with random weights, top first
    edges: np.ndarray          # (H, W) Sobel magnitude: a plain edge detector
    saliency: np.ndarray       # (2, H, W) |gradient|, trained and randomised network
    cam: np.ndarray            # (2, H, W) Grad-CAM at cam_layer, upsampled, trained and randomised
    cam_layer: str
    similarity: dict           # method -> rank correlation of trained and randomised maps
    prediction: int            # the randomised network's prediction


def sanity_state(model, image, target, *, top=0, layer="ReLU-5", seed=0):
    """Saliency and Grad-CAM of the trained ``model`` and of the copy whose ``top`` highest
    weighted layers are random, with a plain edge detector for comparison.

    >>> from cnnviz.pretrained import shapes_cnn
    >>> from cnnviz.datasets import draw_shape
    >>> state = sanity_state(shapes_cnn(), draw_shape("square"), 1, top=0)
    >>> state.similarity                          # nothing randomised: the same maps
    {'saliency': 1.0, 'Grad-CAM': 1.0}
    """
    image = as_array(image, "image", ndims=3)
    rnd = randomized(model, top, seed=seed)
    sal = np.stack([np.abs(saliency(net, image, target)).max(axis=0) for net in (model, rnd)])
    cam = np.stack([upsample(grad_cam(net, image, target, layer=layer), image.shape[1:])
                    for net in (model, rnd)])
    names = model.layer_names()
    probs = _probabilities(rnd, image)
    return SanityState(image[0], int(target), _class_names(model, len(probs)),
                       tuple(names[i] for i in weighted_layers(model)[:top]),
                       sobel_magnitude(image[0]), sal, cam, names[_layer_index(model, layer)],
                       {"saliency": rank_correlation(*sal), "Grad-CAM": rank_correlation(*cam)},
                       int(np.argmax(probs)))


__all__ = [
    "ExplainState", "FilterState", "GradCamState", "OcclusionState", "PatchTooLarge",
    "SanityState", "channel_activations", "channel_weights", "class_names_of", "explain_state",
    "filter_activations", "filter_state", "grad_cam_state", "map_layers", "named_pictures",
    "network_or_default", "occlusion_state", "per_pixel_drop", "predicted_class",
    "preferred_inputs", "randomized", "rank_correlation", "sanity_state", "top_images",
    "upsample", "weighted_layers",
]
