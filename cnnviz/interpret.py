"""What the network looks at: saliency, Grad-CAM, occlusion, activation maximisation.

Every function takes a :class:`~cnnviz.layers.Sequential` and uses its own
forward and backward passes, so a learner's network works wherever the shipped
:func:`cnnviz.pretrained.shapes_cnn` does. A network may end with a
:class:`~cnnviz.layers.Softmax`; the *class score* is then the logit before it
(the score the softmax turns into a probability), as in Simonyan et al. (2013).

``image`` is one image ``(C, H, W)``, ``target`` a class index, and ``layer``
either a 0-based index into ``model.layers`` or a name from the summary, such
as ``"ReLU-5"`` (those names count from 1: ``"ReLU-5"`` is ``model.layers[4]``).

The functions run the model, so they overwrite what its layers remembered of
the last forward pass. They run it in evaluation mode (a
:class:`~cnnviz.layers.BatchNorm2d` uses its running statistics, which stay as
they were) and give every layer its own mode back afterwards: in training mode a
map would depend on which other images shared the batch.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from ._validate import _show, as_array, check_memory, nonnegative_int, positive_int, real_number
from .layers import Conv2d, MaxPool2d, Sequential, Softmax
from .losses import softmax
from .pooling import max_pool2d
from .pretrained import INPUT_SHAPE

#: How much memory one chunk of occluded copies may use on its way through the model.
#: Chunks this small stay in the CPU's caches: on the shipped network, 4-8 MiB ran
#: faster than 32-64 MiB, and much faster than one copy at a time.
OCCLUSION_CHUNK_BYTES = 8 * 2**20


# ------------------------------------------------------------------------------ checks
def _check_model(model):
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz.Sequential; got {_show(model)}")
    for i, layer in enumerate(model.layers, 1):
        if any(getattr(layer, name) is None for name in layer.param_shapes()):
            raise ValueError(
                f"layer {i}, {layer!r}, has no weights yet: call initialize(seed) on the "
                "network (or load trained weights) first"
            )
    return model


def _n_score(model):
    """How many layers lead to the class scores: all but a final Softmax."""
    layers = model.layers
    return len(layers) - 1 if layers and isinstance(layers[-1], Softmax) else len(layers)


def _shapes(model, input_shape, what):
    """Every layer's output shape for one input, or a ValueError saying why it does not fit."""
    try:
        return model.output_shapes(input_shape)
    except ValueError as err:
        raise ValueError(f"{what} of shape {tuple(input_shape)} does not fit the model: {err}") from None


def _num_classes(model, shapes, input_shape):
    n = _n_score(model)
    out = shapes[n - 1] if n else tuple(input_shape)
    if len(out) != 1:
        raise ValueError(
            "the model must end with a vector of class scores (optionally followed by a "
            f"Softmax); for an input of shape {tuple(input_shape)} it gives shape {out}"
        )
    return out[0]


def _check_image(model, image):
    image = as_array(image, "image")
    if image.ndim != 3:
        raise ValueError(
            f"image must be one image of shape (channels, height, width), such as {INPUT_SHAPE}; "
            f"got shape {image.shape}"
        )
    return image, _shapes(model, image.shape, "image")


def _check_target(target, num_classes, name="target"):
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, numbers.Integral):
        raise TypeError(f"{name} must be a class index, an integer from 0 to {num_classes - 1}; "
                        f"got {_show(target)}")
    if not 0 <= target < num_classes:
        raise ValueError(f"{name} must be a class index from 0 to {num_classes - 1}; got {int(target)}")
    return int(target)


def _layer_index(model, layer):
    """``layer`` as a 0-based index into ``model.layers``, from an index or a summary name."""
    names = model.layer_names()
    if not names:
        raise ValueError("the model has no layers, so there is no layer to look at")
    valid = (f"a 0-based index from 0 to {len(names) - 1} or a layer name from the summary "
             f"({', '.join(repr(n) for n in names)})")
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"layer must be {valid}; got {layer!r}")
        return names.index(layer)
    if isinstance(layer, (bool, np.bool_)) or not isinstance(layer, numbers.Integral):
        raise TypeError(f"layer must be {valid}; got {_show(layer)}")
    if not 0 <= layer < len(names):
        raise ValueError(f"layer must be {valid}; got {int(layer)}")
    return int(layer)


# ----------------------------------------------------------------------- passes
@contextlib.contextmanager
def _evaluating(model):
    """Evaluation mode while a method runs, then every layer's own mode back."""
    modes = [layer.training for layer in model.layers]
    model.eval()
    try:
        yield model
    finally:
        for layer, mode in zip(model.layers, modes):
            layer.train(mode)


def _forward(model, x):
    """Every layer's output for a batch ``x`` (the batch axis kept)."""
    return model.forward(x, return_all=True)


def _predict(model, x):
    """The class scores for a batch ``x``, when no backward pass will follow.

    Max pooling layers skip finding each window's winner: only their backward
    needs it, and it costs many times the pooling itself.
    """
    for layer in model.layers[: _n_score(model)]:
        if type(layer) is MaxPool2d:
            x = max_pool2d(x, layer.kernel_size, stride=layer.stride, padding=layer.padding,
                           ceil_mode=layer.ceil_mode)
        else:
            x = layer.forward(x)
    return x


def _backward(layers, grad):
    """Backpropagate ``grad``, the gradient at the last layer's output, to the first one's input.

    The layers must hold the values of a forward pass (:func:`_forward`).
    """
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return grad


def _score_gradient(model, image, target, index):
    """Every layer's output for ``image`` and d(score of ``target``)/d(output of layer ``index``).

    ``index = -1`` gives the gradient with respect to the image itself.
    """
    n = _n_score(model)
    outputs = _forward(model, image[None])
    grad = np.zeros_like(outputs[n - 1])
    grad[0, target] = 1
    return outputs, _backward(model.layers[index + 1 : n], grad)


# --------------------------------------------------------------------- the methods
def saliency(model, image, target):
    """The gradient of a class score with respect to the input pixels.

    ``S = d(score_target) / d(image)`` (Simonyan, Vedaldi & Zisserman, 2013),
    where the score is the logit before a final Softmax. Pixels with a large
    ``|S|`` are those whose small change moves the score most. To show the map
    as a picture, take ``np.abs(S).max(axis=0)``.

    Parameters
    ----------
    model : Sequential
        A network whose output (before an optional final Softmax) is a vector of
        class scores.
    image : array_like, shape (C, H, W)
    target : int
        The class whose score is differentiated, from 0 to ``num_classes - 1``.

    Returns
    -------
    ndarray, shape (C, H, W)
        The gradient, one value per input pixel and channel.

    Examples
    --------
    >>> from cnnviz.datasets import draw_shape
    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> grad = saliency(net, draw_shape("square"), 1)
    >>> grad.shape
    (1, 28, 28)
    >>> bool(np.abs(grad).max() > 0)
    True
    """
    model = _check_model(model)
    image, shapes = _check_image(model, image)
    target = _check_target(target, _num_classes(model, shapes, image.shape))
    with _evaluating(model):
        _, grad = _score_gradient(model, image, target, -1)
    return grad[0]


def grad_cam(model, image, target, *, layer):
    """Grad-CAM: where, at one layer, the evidence for a class lies.

    With ``A`` the output of ``model.layers[layer]`` (``K`` channels of
    ``h x w``) and ``score`` the target's logit (Selvaraju et al., 2017)::

        alpha_k = mean over (i, j) of d(score) / dA_k[i, j]
        map     = ReLU(sum_k alpha_k * A_k)

    ``alpha_k`` says how much channel ``k`` as a whole pushes the score up; the
    map keeps the places where the channels that help are active. It has the
    layer's resolution; upsampling it onto the image is for display.

    Parameters
    ----------
    model : Sequential
    image : array_like, shape (C, H, W)
    target : int
        A class index, from 0 to ``num_classes - 1``.
    layer : int or str
        A 0-based index into ``model.layers``, or a summary name such as
        ``"ReLU-5"``. Its output must be a ``(K, h, w)`` volume (a convolution,
        activation or pooling layer before the scores).

    Returns
    -------
    ndarray, shape (h, w)
        Non-negative.

    Examples
    --------
    >>> from cnnviz.datasets import draw_shape
    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> cam = grad_cam(net, draw_shape("triangle"), 2, layer="ReLU-5")
    >>> cam.shape, bool(cam.min() >= 0)
    ((14, 14), True)
    >>> grad_cam(net, draw_shape("triangle"), 2, layer=5).shape      # MaxPool2d-6
    (7, 7)
    """
    model = _check_model(model)
    image, shapes = _check_image(model, image)
    target = _check_target(target, _num_classes(model, shapes, image.shape))
    index = _layer_index(model, layer)
    name = model.layer_names()[index]
    if index >= _n_score(model):
        raise ValueError(
            f"layer must come before the class scores (index 0 to {_n_score(model) - 1}); "
            f"got {layer!r}, the final Softmax"
        )
    if len(shapes[index]) != 3:
        raise ValueError(
            f"layer must give a (channels, height, width) volume for Grad-CAM; {name} "
            f"(index {index}) gives shape {shapes[index]}"
        )
    with _evaluating(model):
        outputs, grad = _score_gradient(model, image, target, index)
    acts, grad = outputs[index][0], grad[0]
    alpha = grad.mean(axis=(1, 2))
    return np.maximum(np.tensordot(alpha, acts, axes=1), 0)


def occlusion(model, image, target, *, patch, stride=1, fill=0.0):
    """How much the target's probability drops when a square of the image is covered.

    For every position ``(i, j)`` the ``patch x patch`` square whose top-left
    corner is at ``(i * stride, j * stride)`` is set to ``fill`` in every
    channel, and (Zeiler & Fergus, 2014)::

        map[i, j] = p_target(image) - p_target(image with that square covered)

    where ``p = softmax(class scores)`` (the model's own output when it ends
    with a Softmax). A large positive value marks a region the network needs;
    a negative one, a region that was speaking against the target.

    The covered copies go through the model in chunks of at most
    :data:`OCCLUSION_CHUNK_BYTES`, so memory stays bounded for any image.

    Parameters
    ----------
    model : Sequential
    image : array_like, shape (C, H, W)
    target : int
        A class index, from 0 to ``num_classes - 1``.
    patch : int
        Side of the square, from 1 to ``min(H, W)``.
    stride : int
        Step between neighbouring squares.
    fill : float
        The value that covers the square (0, black, by default).

    Returns
    -------
    ndarray, shape ((H - patch) // stride + 1, (W - patch) // stride + 1)

    Examples
    --------
    >>> from cnnviz.datasets import draw_shape
    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> drop = occlusion(net, draw_shape("circle"), 0, patch=7)
    >>> drop.shape, bool(drop.max() > 0.5)         # covering some 7 x 7 squares costs a lot
    ((22, 22), True)
    >>> occlusion(net, draw_shape("circle"), 0, patch=7, stride=3).shape
    (8, 8)
    """
    model = _check_model(model)
    image, shapes = _check_image(model, image)
    target = _check_target(target, _num_classes(model, shapes, image.shape))
    H, W = image.shape[1:]
    patch = positive_int(patch, "patch")
    if patch > min(H, W):
        raise ValueError(
            f"patch must be at most the image's smaller side ({H} x {W} image: up to "
            f"{min(H, W)}); got {patch}"
        )
    stride = positive_int(stride, "stride")
    fill = real_number(fill, "fill")
    oh, ow = (H - patch) // stride + 1, (W - patch) // stride + 1

    # Elements one image needs on its way through: every layer's output, and
    # the im2col columns of every convolution.
    per_image = image.size + sum(int(np.prod(s)) for s in shapes)
    in_shape = image.shape
    for layer, out in zip(model.layers, shapes):
        if isinstance(layer, Conv2d):
            per_image += in_shape[0] * layer.kernel_size[0] * layer.kernel_size[1] * out[1] * out[2]
        in_shape = out
    dtype = np.result_type(image, *model.parameters().values())   # what the layers compute in
    check_memory(per_image, dtype.itemsize, f"occluding one {image.shape} image")
    chunk = max(1, min(oh * ow, OCCLUSION_CHUNK_BYTES // (per_image * dtype.itemsize)))

    # rows[i, y]: image row y lies in the squares of position row i; cols likewise.
    top, left = np.arange(oh)[:, None] * stride, np.arange(ow)[:, None] * stride
    rows = (np.arange(H) >= top) & (np.arange(H) < top + patch)
    cols = (np.arange(W) >= left) & (np.arange(W) < left + patch)
    drop = np.empty(oh * ow, dtype=dtype)
    with _evaluating(model):
        base = softmax(_predict(model, image[None]))[0, target]
        for start in range(0, oh * ow, chunk):
            pos = np.arange(start, min(start + chunk, oh * ow))
            covered = rows[pos // ow][:, :, None] & cols[pos % ow][:, None, :]
            batch = np.where(covered[:, None], np.asarray(fill, image.dtype), image[None])
            drop[start : start + len(pos)] = base - softmax(_predict(model, batch))[:, target]
    return drop.reshape(oh, ow)


def activation_maximization(model, layer, channel, *, input_shape=INPUT_SHAPE, steps=200,
                            lr=0.05, penalty=1.0, value_range=(0.0, 1.0), seed=0):
    """An input that excites one channel, or one class score, as much as it can.

    The objective ``f(x)`` is the mean over positions of channel ``channel`` of
    ``model.layers[layer]``'s output (the feature itself when that output is a
    vector), or, with ``layer="score"``, the logit of class ``channel`` (before
    a final Softmax). Starting from noise drawn with ``seed``, each step is
    gradient ascent with a norm penalty::

        g = df/dx(x_t) / rms(df/dx(x_t))          # rescaled to root-mean-square 1
        x_{t+1} = clip(x_t + lr * (g - penalty * x_t), *value_range)

    that is, a step up ``f`` (whose gradient is rescaled, so that ``lr`` is in
    pixel units at every layer) and down the penalty ``penalty / 2 * ||x||^2``,
    which keeps pixels that do not help near 0. Clipping keeps the input in the
    range of values the network was trained on. Without the penalty and the
    clipping, the ascent finds ever brighter noise rather than a pattern.

    Parameters
    ----------
    model : Sequential
    layer : int or str
        A 0-based index into ``model.layers``, a summary name such as
        ``"ReLU-2"``, or ``"score"`` for the class scores.
    channel : int
        The channel (or feature) of that layer's output, or the class with
        ``layer="score"``.
    input_shape : tuple of int
        The shape of the input to make, ``(C, H, W)``; that of the shipped
        shapes network by default.
    steps : int
        Number of ascent steps (0 returns the starting noise).
    lr : float
        Step size, positive.
    penalty : float
        Weight of the norm penalty, 0 or more.
    value_range : (float, float) or None
        The lowest and highest pixel value allowed; the start is uniform noise
        over that range. None: no clipping, and the start is Gaussian noise of
        standard deviation 0.1 around 0.
    seed : int
        Seed of the starting noise; the same seed gives the same input.

    Returns
    -------
    ndarray of float64, shape ``input_shape``

    Examples
    --------
    >>> from cnnviz.pretrained import shapes_cnn
    >>> net = shapes_cnn()
    >>> def mean_activation(x):                      # the objective for channel 5 of ReLU-5
    ...     return net.forward(x, return_all=True)[4][5].mean()
    >>> start = activation_maximization(net, "ReLU-5", 5, steps=0)
    >>> x = activation_maximization(net, "ReLU-5", 5, steps=50)
    >>> x.shape, bool(mean_activation(x) > mean_activation(start) + 1)
    ((1, 28, 28), True)
    >>> circle = activation_maximization(net, "score", 0)      # what makes a circle?
    >>> int(net.forward(circle).argmax())
    0
    """
    model = _check_model(model)
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"input_shape must be a tuple of positive integers such as {INPUT_SHAPE}; "
                        f"got {_show(input_shape)}")
    input_shape = tuple(positive_int(s, "input_shape") for s in input_shape)
    shapes = _shapes(model, input_shape, "input_shape")
    if isinstance(layer, str) and layer == "score":
        index = _n_score(model) - 1
        channel = _check_target(channel, _num_classes(model, shapes, input_shape), "channel")
    else:
        index = _layer_index(model, layer)
        count = shapes[index][0]
        if isinstance(channel, (bool, np.bool_)) or not isinstance(channel, numbers.Integral):
            raise TypeError(f"channel must be an integer from 0 to {count - 1}; got {_show(channel)}")
        if not 0 <= channel < count:
            raise ValueError(
                f"channel must be from 0 to {count - 1} ({model.layer_names()[index]} has "
                f"{count} channels); got {int(channel)}"
            )
        channel = int(channel)
    steps = nonnegative_int(steps, "steps")
    lr = real_number(lr, "lr")
    if not lr > 0:
        raise ValueError(f"lr must be a positive number; got {lr}")
    penalty = real_number(penalty, "penalty")
    if not penalty >= 0:
        raise ValueError(f"penalty must be a number >= 0; got {penalty}")
    if value_range is not None:
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise TypeError(f"value_range must be a pair (low, high) or None; got {_show(value_range)}")
        low, high = (real_number(v, "value_range") for v in value_range)
        if not low < high:
            raise ValueError(f"value_range must be a pair (low, high) with low < high; got {(low, high)}")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer; got {_show(seed)}")

    rng = np.random.default_rng(seed)
    shape = (1, *input_shape)
    if value_range is None:
        x = 0.1 * rng.standard_normal(shape)
    else:
        x = low + (high - low) * rng.random(shape)
    # df / d(layer output): 1 / (number of positions) on the chosen channel, 0 elsewhere.
    out_shape = shapes[index]
    grad_out = np.zeros((1, *out_shape))
    grad_out[0, channel] = 1 / int(np.prod(out_shape[1:]))
    with _evaluating(model):
        for _ in range(steps):
            _forward(model, x)
            grad = _backward(model.layers[: index + 1], grad_out)
            rms = np.sqrt(np.mean(np.square(grad)))
            x = x + lr * ((grad / rms if rms > 0 else grad) - penalty * x)
            if value_range is not None:
                x = np.clip(x, low, high)
    return x[0]


__all__ = ["OCCLUSION_CHUNK_BYTES", "activation_maximization", "grad_cam", "occlusion", "saliency"]
