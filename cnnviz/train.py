"""Training a network in plain numpy: minibatches, an optimiser, a progress bar.

One training step is four lines: forward a minibatch, measure the loss, backward
its gradient, let the optimiser nudge every weight against its gradient.
:func:`train` repeats it over shuffled minibatches for a few epochs.

Run as a command to train the small CNN of :func:`cnnviz.pretrained.shapes_cnn`
on :func:`cnnviz.datasets.make_shapes` images and ship its weights::

    python -m cnnviz.train --seed 0 --epochs 3 --train-size 20000

It writes ``shapes_cnn.npz`` in the working folder and, next to it, a JSON record of
how the weights were made (seed, data, architecture, held-out accuracy, time,
versions). It never replaces a file unless asked: to update the shipped weights,

    python -m cnnviz.train --out cnnviz/data/shapes_cnn.npz --overwrite
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._validate import _show, as_array, nonnegative_int, one_of, positive_int
from .layers import Sequential, Softmax
from .losses import CrossEntropyLoss

OPTIMIZERS = ("adam", "sgd")


# --------------------------------------------------------------------------- optimisers
def _check_lr(lr):
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or not lr > 0:
        raise ValueError(f"lr must be a positive number; got {_show(lr)}")
    return float(lr)


def _check_params(params):
    if not isinstance(params, dict) or not params:
        raise TypeError(
            f"params must be a non-empty dict of weight arrays, such as net.parameters(); got {_show(params)}"
        )
    return params


def _check_grads(params, grads):
    if not hasattr(grads, "keys") or set(grads.keys()) != set(params):
        raise ValueError(
            f"grads must have the keys of params {sorted(params)}; got "
            f"{sorted(grads.keys()) if hasattr(grads, 'keys') else _show(grads)} "
            "(run a backward pass before step)"
        )


class SGD:
    """Stochastic gradient descent with momentum.

    For every weight ``w`` with gradient ``g``: ``v = momentum * v + g``, then
    ``w -= lr * v`` (PyTorch's formulation). ``momentum=0`` is plain gradient
    descent. The arrays in ``params`` are updated in place.

    Parameters
    ----------
    params : dict of ndarray
        The weights to train, usually ``net.parameters()``.
    lr : float
    momentum : float, from 0 to less than 1

    Examples
    --------
    >>> w = np.array([1.0, -2.0])
    >>> opt = SGD({"w": w}, lr=0.1, momentum=0.5)
    >>> opt.step({"w": np.array([1.0, 1.0])}); w
    array([ 0.9, -2.1])
    >>> opt.step({"w": np.array([1.0, 1.0])}); w           # velocity 1.5 now
    array([ 0.75, -2.25])
    """

    def __init__(self, params, *, lr=0.01, momentum=0.9):
        self.params = _check_params(params)
        self.lr = _check_lr(lr)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number from 0 up to (not including) 1; got {_show(momentum)}")
        self.momentum = float(momentum)
        self.velocity = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads):
        """Update every weight in place from ``grads`` (keyed like ``params``)."""
        _check_grads(self.params, grads)
        for name, p in self.params.items():
            v = self.velocity[name]
            v *= self.momentum
            v += grads[name]
            p -= self.lr * v


class Adam:
    """Adam: gradient steps scaled per weight by running gradient statistics.

    ``m`` and ``v`` are running averages of ``g`` and ``g**2``; after bias
    correction (they start at 0), each weight moves by
    ``lr * m_hat / (sqrt(v_hat) + eps)``: about ``lr`` per step whatever the scale
    of its gradient. The arrays in ``params`` are updated in place.

    Parameters
    ----------
    params : dict of ndarray
        The weights to train, usually ``net.parameters()``.
    lr : float
    betas : (float, float)
        Decay rates of ``m`` and ``v``, each from 0 up to 1.
    eps : float
        Keeps the division finite.

    Examples
    --------
    >>> w = np.array([1.0, -2.0])
    >>> opt = Adam({"w": w}, lr=0.1)
    >>> opt.step({"w": np.array([0.5, -30.0])}); w        # the first step is lr * sign(g)
    array([ 0.9, -1.9])
    """

    def __init__(self, params, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = _check_params(params)
        self.lr = _check_lr(lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2 or not all(
            isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1 for b in betas
        ):
            raise ValueError(f"betas must be a pair of numbers from 0 up to (not including) 1; got {_show(betas)}")
        self.betas = (float(betas[0]), float(betas[1]))
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
            raise ValueError(f"eps must be a positive number; got {_show(eps)}")
        self.eps = float(eps)
        self.t = 0
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads):
        """Update every weight in place from ``grads`` (keyed like ``params``)."""
        _check_grads(self.params, grads)
        self.t += 1
        b1, b2 = self.betas
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat = m / (1 - b1**self.t)       # undo the pull towards the zero start
            v_hat = v / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


# ------------------------------------------------------------------------- progress bar
def progress_bar(done, total, *, width=30, text=""):
    """One line of text showing how far along ``done`` of ``total`` steps are.

    Examples
    --------
    >>> progress_bar(3, 12, width=12, text="loss 0.52")
    '[###.........]   3/12  25% loss 0.52'
    """
    total = positive_int(total, "total")
    done = nonnegative_int(done, "done")
    width = positive_int(width, "width")
    filled = width * min(done, total) // total
    digits = len(str(total))
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done:>{digits + 2}}/{total} {100 * done // total:>3}%"
    return f"{line} {text}" if text else line


class ProgressBar:
    """A progress bar redrawn in place on one line of a terminal or notebook.

    Parameters
    ----------
    total : int
        Number of steps.
    file : text stream
        Where to draw; ``sys.stderr`` by default.
    width : int
        Characters inside the brackets.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(4, file=out, width=8)
    >>> for _ in range(4):
    ...     bar.update(text="working")
    >>> bar.close()
    >>> out.getvalue().split("\\r")[-1]
    '[########]   4/4 100% working\\n'
    """

    def __init__(self, total, *, file=None, width=30):
        self.total = positive_int(total, "total")
        self.width = positive_int(width, "width")
        self.file = sys.stderr if file is None else file
        self.done = 0

    def update(self, steps=1, *, text=""):
        """Advance by ``steps`` and redraw, with ``text`` after the bar."""
        self.done = min(self.total, self.done + nonnegative_int(steps, "steps"))
        self.file.write("\r" + progress_bar(self.done, self.total, width=self.width, text=text))
        self.file.flush()

    def close(self):
        """End the line."""
        self.file.write("\n")
        self.file.flush()


# ----------------------------------------------------------------------------- training
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
        Draw a :class:`ProgressBar` per epoch (on ``sys.stderr`` for True).

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
    if optimizer == "adam":
        opt = Adam(params, lr=0.003 if lr is None else lr)
    else:
        opt = SGD(params, lr=0.05 if lr is None else lr, momentum=0.9)
    loss_fn = CrossEntropyLoss(label_smoothing=label_smoothing)
    rng = np.random.default_rng(seed)
    n = images.shape[0]
    steps_per_epoch = -(-n // batch_size)
    history = {"loss": [], "epoch_loss": []}
    stream = sys.stderr if progress is True else (progress or None)
    for epoch in range(epochs):
        order = rng.permutation(n)
        bar = ProgressBar(steps_per_epoch, file=stream) if stream else None
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
            if bar:
                bar.update(text=f"epoch {epoch + 1}/{epochs} loss {np.mean(losses[-20:]):.4f}")
        if bar:
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


# ------------------------------------------------------------------------------ command
DEFAULT_OUT = Path("shapes_cnn.npz")
"""Where the command writes the weights: in the working folder, never into the package."""

PACKAGE_WEIGHTS = Path(__file__).parent / "data" / "shapes_cnn.npz"
"""The shipped weights (:data:`cnnviz.pretrained.WEIGHTS_PATH`); replaced only with --overwrite."""


#: Label smoothing of the shipped network: targets 0.985 / 0.005, so no logit needs to run off.
LABEL_SMOOTHING = 0.02


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


def train_shapes_cnn(*, seed=0, epochs=3, train_size=20000, batch_size=32, held_out_size=1000,
                     label_smoothing=LABEL_SMOOTHING, calibration_size=1000, progress=False):
    """Train the shapes CNN from scratch; return the model and a record of the run.

    The training images come from ``make_shapes(train_size, seed=seed)``. Training
    aims at label-smoothed targets (``label_smoothing``), then a temperature is fitted
    on ``make_shapes(calibration_size, seed=seed + 2)`` and folded into the last Dense
    layer (:func:`calibrate_temperature`; ``calibration_size=0`` skips it). The
    held-out images, ``make_shapes(held_out_size, seed=seed + 1)``, are used only to
    judge the result: accuracy and the expected calibration error in 15 bins
    (:func:`cnnviz.calibration.expected_calibration_error`), before and after the
    temperature. Weights start from ``initialize(seed)`` and the minibatch order
    follows ``seed`` too, so a seed fixes the result on a given machine. Another
    OpenBLAS kernel (``OPENBLAS_CORETYPE``) sums in another order and ends with
    other weights of the same quality (Prescott instead of the default: another
    digest, the same 99.0% held-out accuracy, ECE 0.007 instead of 0.009).

    Returns
    -------
    model : Sequential
    record : dict
        Everything needed to repeat or judge the run (JSON-serialisable), built from
        the arguments used.

    Examples
    --------
    >>> model, record = train_shapes_cnn(seed=0, epochs=1, train_size=64, held_out_size=16,
    ...                                  calibration_size=32)
    >>> record["train_size"], record["held_out"]["size"], len(record["epoch_loss"])
    (64, 16, 1)
    >>> record["calibration"]["fit_on"]
    'make_shapes(32, seed=2)'
    """
    from . import __version__
    from .calibration import expected_calibration_error
    from .datasets import CLASS_NAMES, make_shapes
    from .pretrained import INPUT_SHAPE, shapes_cnn

    seed = nonnegative_int(seed, "seed")
    train_size = positive_int(train_size, "train_size")
    held_out_size = positive_int(held_out_size, "held_out_size")
    calibration_size = nonnegative_int(calibration_size, "calibration_size")
    begin = time.perf_counter()
    model = shapes_cnn(pretrained=False).initialize(seed)
    images, labels, _ = make_shapes(train_size, seed=seed, size=INPUT_SHAPE[-1])
    start = time.perf_counter()
    history = train(model, images, labels, epochs=epochs, batch_size=batch_size, seed=seed,
                    label_smoothing=label_smoothing, progress=progress)
    seconds = time.perf_counter() - start
    test_images, test_labels, _ = make_shapes(held_out_size, seed=seed + 1, size=INPUT_SHAPE[-1])

    def judge():
        probs = np.concatenate([model.forward(test_images[i : i + 256])
                                for i in range(0, held_out_size, 256)])
        return (float(np.mean(probs.argmax(axis=1) == test_labels)),
                round(expected_calibration_error(probs, test_labels, n_bins=15), 5))

    accuracy, ece_before = judge()
    if calibration_size:
        cal_images, cal_labels, _ = make_shapes(calibration_size, seed=seed + 2, size=INPUT_SHAPE[-1])
        temperature = calibrate_temperature(model, cal_images, cal_labels)
        calibration = {
            "method": "temperature scaling: T fitted to minimise cross-entropy on the calibration "
                      "images, then Dense-8's weight and bias divided by T",
            "fit_on": f"make_shapes({calibration_size}, seed={seed + 2})",
            "temperature": round(temperature, 5),
        }
        accuracy, ece = judge()
    else:
        calibration = {"method": "none"}
        ece = ece_before
    summary = model.summary(INPUT_SHAPE)
    loss = "cross-entropy on the logits before the final Softmax"
    if label_smoothing:
        loss += f", label smoothing {label_smoothing:g} (targets {1 - label_smoothing + label_smoothing / len(CLASS_NAMES):g} " \
                f"for the true class, {label_smoothing / len(CLASS_NAMES):g} for each other)"
    record = {
        "description": "Weights of cnnviz.pretrained.shapes_cnn(), made by python -m cnnviz.train",
        "class_names": list(CLASS_NAMES),
        "input_shape": list(INPUT_SHAPE),
        "architecture": [
            {"layer": row.name, "repr": repr(layer), "output_shape": list(row.output_shape),
             "params": row.params}
            for row, layer in zip(summary.rows, model.layers)
        ],
        "total_params": summary.total_params,
        "seed": seed,
        "train_size": train_size,
        "train_data": f"make_shapes({train_size}, seed={seed})",
        "epochs": epochs,
        "batch_size": batch_size,
        "optimizer": "adam, lr 0.003",
        "loss": loss,
        "label_smoothing": label_smoothing,
        "epoch_loss": [round(v, 5) for v in history["epoch_loss"]],
        "calibration": calibration,
        "held_out": {"size": held_out_size, "seed": seed + 1, "accuracy": accuracy,
                     "ece_15_bins": ece, "ece_15_bins_before_calibration": ece_before},
        "train_seconds": round(seconds, 1),
        "total_seconds": round(time.perf_counter() - begin, 1),
        "train_seconds_note": "wall-clock time of the training loop and of the whole run "
                              "(data, training, calibration, evaluation) on the machine that made the weights",
        "weights_sha256": weights_digest(model.parameters()),
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cnnviz_version": __version__,
    }
    return model, record


def save_weights(model, record, out):
    """Write ``model``'s weights (float32 .npz) and ``record`` (.json next to it).

    Parameters
    ----------
    model : Sequential
        Initialised or trained.
    record : dict
        JSON-serialisable notes on how the weights were made.
    out : str or Path
        The weights file, ending in ``.npz``; the record goes to the same name with
        ``.json``. Missing folders are created; existing files are replaced.

    Returns
    -------
    (Path, Path)
        The two files written.

    Notes
    -----
    Each file is written to a temporary file in the same folder and then moved onto its
    name with ``os.replace``, so an interrupted run leaves either the old file or the new
    one, never half of one. Weights and record are two files, so a run stopped between
    the two moves leaves new weights beside the old record; :func:`~cnnviz.pretrained.shapes_cnn`
    notices, because the record's ``weights_sha256`` no longer matches.

    Examples
    --------
    >>> import tempfile
    >>> from cnnviz.layers import Dense
    >>> net = Sequential([Dense(3, 2)]).initialize(seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     weights, meta = save_weights(net, {"seed": 0}, Path(folder) / "tiny.npz")
    ...     with np.load(weights) as saved:
    ...         print(weights.name, meta.name, sorted(saved))
    tiny.npz tiny.json ['Dense-1.bias', 'Dense-1.weight']
    """
    out = Path(out)
    if out.suffix != ".npz":
        raise ValueError(f"out must be a path ending in .npz; got {str(out)!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    weights = {k: v.astype(np.float32) for k, v in model.parameters().items()}
    text = json.dumps(record, indent=2) + "\n"  # fails here, before any file is touched
    meta = out.with_suffix(".json")
    _write_atomically(out, lambda handle: np.savez_compressed(handle, **weights))
    _write_atomically(meta, lambda handle: handle.write(text.encode()))
    return out, meta


def _write_atomically(path, write):
    """``write(handle)`` into a temporary file beside ``path``, then move it onto ``path``."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:  # an interrupt too: leave no temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _inside(path, folder):
    """Whether ``path`` is ``folder`` or lies somewhere below it."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def main(argv=None):
    """The command line: ``python -m cnnviz.train [--seed S] [--epochs E] [--train-size N] [--out PATH] [--overwrite]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cnnviz.train",
        description="Train the small shapes CNN in numpy and save its weights with a JSON record.",
    )
    parser.add_argument("--seed", type=int, default=0, help="seeds data, weights and order (default 0)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training data (default 3)")
    parser.add_argument("--train-size", type=int, default=20000, help="training images (default 20000)")
    parser.add_argument("--batch-size", type=int, default=32, help="images per step (default 32)")
    parser.add_argument("--held-out-size", type=int, default=1000,
                        help="fresh images (another seed) to measure accuracy on (default 1000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"weights file to write; its record goes beside it with .json "
                             f"(default {DEFAULT_OUT} in the working folder)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing files, and allow writing into the package "
                             "(the shipped weights)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer; got {args.seed}")
    for name in ("epochs", "train_size", "batch_size", "held_out_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer; got {getattr(args, name)}")
    if args.out.suffix != ".npz":
        parser.error(f"--out must be a path ending in .npz; got {str(args.out)!r}")
    if not args.overwrite:  # checked before training, not a minute later
        if _inside(args.out, PACKAGE_WEIGHTS.parent.parent):
            parser.error(f"--out {str(args.out)!r} is inside the cnnviz package, whose shipped "
                         "weights it would replace; pass --overwrite to do that")
        for path in (args.out, args.out.with_suffix(".json")):
            if path.exists():
                parser.error(f"{str(path)!r} exists already; pass --overwrite to replace it, "
                             "or choose another --out")
    model, record = train_shapes_cnn(seed=args.seed, epochs=args.epochs, train_size=args.train_size,
                                     batch_size=args.batch_size, held_out_size=args.held_out_size,
                                     progress=not args.quiet)
    weights, meta = save_weights(model, record, args.out)
    print(f"held-out accuracy {record['held_out']['accuracy']:.1%} on {record['held_out']['size']} "
          f"images; trained in {record['train_seconds']} s")
    print(f"wrote {weights} ({weights.stat().st_size / 1024:.1f} KB) and {meta}")
    return 0


__all__ = [
    "Adam", "LABEL_SMOOTHING", "OPTIMIZERS", "calibrate_temperature", "ProgressBar", "SGD", "evaluate", "main", "predict", "progress_bar",
    "save_weights", "train", "train_shapes_cnn", "weights_digest",
]


if __name__ == "__main__":
    sys.exit(main())
