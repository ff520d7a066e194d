"""Training a network in plain numpy: minibatches, a loss, an optimiser, progress.

One training step is four lines: forward a minibatch, measure the loss, backward
its gradient, let the optimiser (:mod:`cnnviz.optim`) nudge every weight against
its gradient. :func:`train` repeats it over shuffled minibatches for a few epochs;
:func:`predict` and :func:`evaluate` judge the result, :func:`weights_digest` names
it, :func:`calibrate_temperature` tunes its confidence.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np

from ._validate import _show, as_array, nonnegative_int, one_of, positive_int
from .layers import Sequential, Softmax
from .losses import CrossEntropyLoss
from .optim import make_optimizer

OPTIMIZERS = ("adam", "sgd")


def _progress(progress, total, desc):
    """A tqdm bar of ``total`` steps, or None when ``progress`` is False."""
    if progress is False or progress is None:
        return None
    from tqdm.auto import tqdm   # imported here: ``import cnnviz`` stays light

    stream = sys.stderr if progress is True else progress
    # position=0: a bar held open elsewhere (the training panel's) must not push this one down
    return tqdm(total=total, desc=desc, file=stream, leave=True, mininterval=0.2, position=0)


def _check_data(images, labels):
    images = as_array(images, "images")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices; got dtype {labels.dtype}")
    if labels.shape != (images.shape[0],):
        raise ValueError(
            f"labels must have shape ({images.shape[0]},), one per image; got {labels.shape}"
        )
    return images, labels


def _logit_part(model):
    """The layers that produce logits: all but a final Softmax, which the loss fuses."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz Sequential; got {_show(model)}")
    if model.layers and isinstance(model.layers[-1], Softmax):
        return Sequential(model.layers[:-1])
    return model


def _trainable(trainable, params):
    """The names in ``trainable``, checked against the model's weights ``params``."""
    if isinstance(trainable, str) or not hasattr(trainable, "__iter__") or not all(
        isinstance(t, str) for t in trainable
    ):
        raise TypeError(
            f"trainable must be a collection of weight names such as {list(params)[-2:]}; "
            f"got {_show(trainable)}"
        )
    names = list(dict.fromkeys(trainable))
    unknown = [name for name in names if name not in params]
    if unknown or not names:
        raise ValueError(
            f"trainable must name weights of the model, some of {list(params)}; "
            f"got {_show(trainable)}"
        )
    return names


def train(model, images, labels, *, epochs=1, batch_size=32, optimizer="adam", lr=None, seed=0,
          label_smoothing=0.0, trainable=None, callback=None, progress=False):
    """Train ``model`` in place by minibatch gradient descent on cross-entropy.

    A final :class:`~cnnviz.layers.Softmax` layer is skipped while training: the loss
    takes the logits before it and applies a numerically stable log-softmax itself
    (the gradient is the same; see :class:`~cnnviz.losses.CrossEntropyLoss`).

    Parameters
    ----------
    model : Sequential
        Initialised (see :meth:`~cnnviz.layers.Sequential.initialize`).
    images : array_like, shape (N, ...)
    labels : array_like of int, shape (N,)
    epochs : int
        Passes over the data, each in a fresh random order.
    batch_size : int
    optimizer : {"adam", "sgd"}
        :class:`Adam`, or :class:`SGD` with momentum 0.9.
    lr : float, optional
        Learning rate; 0.003 for Adam and 0.05 for SGD by default.
    seed : int
        Seeds the shuffling: the same seed, data and starting weights give the
        same trained weights.
    label_smoothing : float
        Aim at ``(1 - eps) onehot(y) + eps / K`` instead of ``onehot(y)`` (see
        :class:`~cnnviz.losses.CrossEntropyLoss`); 0 (default) trains on the plain labels.
    trainable : collection of str, optional
        Names of the weights to train, keyed like ``model.parameters()``
        (``"Dense-8.weight"``); every other weight stays frozen, exactly as it was.
        All of them by default. Freezing the convolutions of a trained network and
        training a new dense head is transfer learning.
    callback : callable, optional
        Called after every step as ``callback(step, epoch, loss)``; a notebook can
        use it to draw a live loss curve.
    progress : bool or text stream
        Draw a progress bar per epoch with ``tqdm.auto``: a widget in a notebook, a
        line of text on ``sys.stderr`` in a terminal (or on the stream given).

    Returns
    -------
    dict
        ``"loss"``: the loss of every step; ``"epoch_loss"``: the mean per epoch.

    Examples
    --------
    >>> from cnnviz.layers import Dense
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((64, 2))
    >>> y = (x[:, 0] > x[:, 1]).astype(int)           # which coordinate is larger
    >>> net = Sequential([Dense(2, 2), Softmax()]).initialize(seed=0)
    >>> history = train(net, x, y, epochs=20, batch_size=16, lr=0.05)
    >>> history["epoch_loss"][-1] < history["epoch_loss"][0] / 4
    True
    >>> evaluate(net, x, y)
    1.0
    >>> first = Sequential([Dense(2, 2), Dense(2, 2), Softmax()]).initialize(seed=0)
    >>> frozen = first.parameters()["Dense-1.weight"].copy()
    >>> _ = train(first, x, y, epochs=2, trainable=["Dense-2.weight", "Dense-2.bias"])
    >>> np.array_equal(first.parameters()["Dense-1.weight"], frozen)
    True
    """
    body = _logit_part(model)
    images, labels = _check_data(images, labels)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    one_of(optimizer, "optimizer", OPTIMIZERS)
    seed = nonnegative_int(seed, "seed")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, such as a function; got {_show(callback)}")
    params = model.parameters()
    if not params or any(
        getattr(layer, name) is None for layer in model.layers for name in layer.param_shapes()
    ):
        raise ValueError("model has no weights yet: call model.initialize(seed) before train")
    if trainable is not None:
        names = _trainable(trainable, params)
        params = {name: params[name] for name in names}
    opt = make_optimizer(optimizer, params, lr=lr, momentum=0.9)
    loss_fn = CrossEntropyLoss(label_smoothing=label_smoothing)
    rng = np.random.default_rng(seed)
    n = images.shape[0]
    steps_per_epoch = -(-n // batch_size)
    history = {"loss": [], "epoch_loss": []}
    for epoch in range(epochs):
        order = rng.permutation(n)
        bar = _progress(progress, steps_per_epoch, f"epoch {epoch + 1}/{epochs}")
        losses = []
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            loss = loss_fn.forward(body.forward(images[batch]), labels[batch])
            body.backward(loss_fn.backward())
            grads = body.grads
            opt.step({name: grads[name] for name in params})
            losses.append(loss)
            if callback is not None:
                callback(len(history["loss"]) + len(losses) - 1, epoch, loss)
            if bar is not None:
                bar.set_postfix_str(f"loss {np.mean(losses[-20:]):.4f}", refresh=False)
                bar.update()
        if bar is not None:
            bar.close()
        history["loss"] += losses
        history["epoch_loss"].append(float(np.mean(losses)))
    return history


def predict(model, images, *, batch_size=256):
    """The most probable class of every image, in batches.

    Parameters
    ----------
    model : Sequential
    images : array_like, shape (N, ...)
    batch_size : int

    Returns
    -------
    ndarray of int64, shape (N,)

    Examples
    --------
    >>> from cnnviz.layers import Dense
    >>> net = Sequential([Dense(2, 2)]).load_parameters(
    ...     {"Dense-1.weight": [[1.0, 0.0], [0.0, 1.0]], "Dense-1.bias": [0.0, 0.0]})
    >>> predict(net, [[3.0, 1.0], [0.0, 2.0]])
    array([0, 1])
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz Sequential; got {_show(model)}")
    images = as_array(images, "images")
    batch_size = positive_int(batch_size, "batch_size")
    out = [
        np.argmax(model.forward(images[i : i + batch_size]), axis=-1)
        for i in range(0, images.shape[0], batch_size)
    ]
    return np.concatenate(out).astype(np.int64)


def evaluate(model, images, labels, *, batch_size=256):
    """Accuracy: the fraction of images whose predicted class is the label.

    Examples
    --------
    >>> from cnnviz.layers import Dense
    >>> net = Sequential([Dense(2, 2)]).load_parameters(
    ...     {"Dense-1.weight": [[1.0, 0.0], [0.0, 1.0]], "Dense-1.bias": [0.0, 0.0]})
    >>> evaluate(net, [[3.0, 1.0], [0.0, 2.0], [5.0, 4.0], [1.0, 0.0]], [0, 1, 1, 0])
    0.75
    """
    images, labels = _check_data(images, labels)
    return float(np.mean(predict(model, images, batch_size=batch_size) == labels))


def weights_digest(params):
    """SHA-256 of the weight arrays (names, dtypes, shapes, bytes) in order.

    Two trainings gave the same weights exactly when their digests agree.

    Examples
    --------
    >>> zeros = {"w": np.zeros(2, np.float32)}
    >>> len(weights_digest(zeros))                     # 64 hexadecimal digits
    64
    >>> weights_digest(zeros) == weights_digest({"w": np.zeros(2, np.float32)})
    True
    >>> weights_digest(zeros) == weights_digest({"w": np.zeros(2, np.float64)})
    False
    """
    h = hashlib.sha256()
    for name, value in params.items():
        value = np.ascontiguousarray(value)
        h.update(f"{name}:{value.dtype.str}:{value.shape};".encode())
        h.update(value.tobytes())
    return h.hexdigest()


def calibrate_temperature(model, images, labels):
    """Fit a temperature on ``images`` and fold it into ``model``'s last Dense layer.

    Finds ``T`` with :func:`cnnviz.calibration.fit_temperature` on the logits of
    ``images`` (the layers before a final Softmax), then divides the last
    :class:`~cnnviz.layers.Dense` layer's weight and bias by ``T``, in place. Every
    logit is divided by ``T``, so every prediction stays the same and only the
    confidence changes; the architecture is unchanged.

    Returns
    -------
    float
        The temperature folded in.

    Examples
    --------
    >>> from cnnviz.layers import Dense
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((400, 2))
    >>> y = (x[:, 0] + 0.5 * rng.standard_normal(400) > 0).astype(int)   # noisy labels
    >>> net = Sequential([Dense(2, 2), Softmax()]).load_parameters(
    ...     {"Dense-1.weight": [[20.0, 0.0], [-20.0, 0.0]], "Dense-1.bias": [0.0, 0.0]})
    >>> t = calibrate_temperature(net, x, y)      # far too sure: T > 1 flattens it
    >>> bool(t > 5), bool(np.isclose(net.layers[0].weight[0, 0], 20.0 / t))
    (True, True)
    """
    from .calibration import fit_temperature
    from .layers import Dense

    body = _logit_part(model)
    images, labels = _check_data(images, labels)
    dense = [layer for layer in body.layers if isinstance(layer, Dense)]
    if not dense or body.layers[-1] is not dense[-1]:
        raise ValueError("calibrate_temperature needs a model whose logits come from a final Dense layer")
    logits = np.concatenate([body.forward(images[i : i + 256]) for i in range(0, images.shape[0], 256)])
    temperature = fit_temperature(logits, labels)
    last = dense[-1]
    last.weight = (last.weight / temperature).astype(last.weight.dtype)
    last.bias = (last.bias / temperature).astype(last.bias.dtype)
    return temperature


__all__ = ["OPTIMIZERS", "calibrate_temperature", "evaluate", "predict", "train", "weights_digest"]
