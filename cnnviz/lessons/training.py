"""Training a CNN step by step, as a state a panel can start, pause and reset (numpy only).

:class:`Trainer` owns one training run: the network, its optimiser, the shuffled
minibatch order and the history (the loss of every step, the held-out accuracy
now and then). ``trainer.run(steps)`` takes steps; ``trainer.reset()`` puts the
network back to its seeded starting weights, so the same seed and settings give
the same run. :func:`training_state` snapshots what the training panel draws.

The experiments of notebook 10 live here too, each a function returning numbers:
:func:`dense_twin` (an MLP with at least as many weights as the CNN),
:func:`corner_shapes` (the translation test), :func:`confusion_matrix`,
:func:`mistakes`, :func:`loss_curves` (optimisers or learning rates from one start).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .._validate import _show, nonnegative_int, one_of, positive_int
from ..datasets import CLASS_NAMES, make_shapes
from ..errors import SettingError
from ..layers import Conv2d, Dense, Flatten, ReLU, Sequential, Softmax
from ..losses import CrossEntropyLoss
from ..optim import SGD, Adam
from ..pretrained import shapes_cnn
from ..training import predict

#: the optimisers a learner can pick, by name: (optimiser class, momentum)
OPTIMISERS = ("SGD", "SGD + momentum", "Adam")
#: learning rates the panel offers (a log scale)
LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: batch sizes the panel offers
BATCH_SIZES = (8, 16, 32, 64, 128)
#: a loss above this (or not finite) means the run has diverged: it stops
DIVERGED_LOSS = 20.0
#: seeds of the notebook's data: training, held-out (the shipped network's choice)
TRAIN_SEED, HELD_OUT_SEED = 0, 1


class Diverged(SettingError):
    """The loss ran off (too large a learning rate): training stopped."""


def make_optimiser(name, params, *, lr):
    """The optimiser ``name`` (one of :data:`OPTIMISERS`) over ``params``.

    Examples
    --------
    >>> type(make_optimiser("SGD + momentum", {"w": np.zeros(2)}, lr=0.1)).__name__
    'SGD'
    """
    one_of(name, "optimiser", OPTIMISERS)
    if name == "Adam":
        return Adam(params, lr=lr)
    return SGD(params, lr=lr, momentum=0.9 if name == "SGD + momentum" else 0.0)


def data(train_size=2000, held_out_size=500, *, seed=TRAIN_SEED):
    """Training and held-out images of :func:`make_shapes`: ``(x, y, x_test, y_test)``."""
    x, y, _ = make_shapes(positive_int(train_size, "train_size"), seed=seed)
    xt, yt, _ = make_shapes(positive_int(held_out_size, "held_out_size"), seed=seed + HELD_OUT_SEED)
    return x, y, xt, yt


class Trainer:
    """One training run of ``model`` on ``(images, labels)``, a step at a time.

    Parameters
    ----------
    model : Sequential or None
        An architecture (its weights are set by ``initialize(seed)`` on every
        reset); the shapes CNN by default.
    images, labels : ndarray
        Training data, ``(N, 1, 28, 28)`` and ``(N,)``.
    test_images, test_labels : ndarray
        Held-out data, judged by :meth:`accuracy`.
    optimiser : str
        One of :data:`OPTIMISERS`; ``lr`` and ``batch_size`` as usual.
    seed : int
        Fixes the starting weights and the minibatch order.

    The settings may change between steps (``trainer.lr = 0.01``); the optimiser is
    rebuilt when its name changes, keeping the weights. A lock makes a step and a
    reset atomic, so a panel may call :meth:`reset` from another thread.

    Examples
    --------
    >>> x, y, xt, yt = data(64, 32)
    >>> t = Trainer(None, x, y, xt, yt, optimiser="Adam", lr=0.003, batch_size=16, seed=0)
    >>> _ = t.run(8); t.step, t.epoch, len(t.losses)
    (8, 2, 8)
    >>> first = t.losses[:]
    >>> t.reset(); _ = t.run(8); t.losses == first      # the same seed: the same run
    True
    """

    def __init__(self, model, images, labels, test_images, test_labels, *, optimiser="Adam",
                 lr=0.003, batch_size=32, seed=0):
        self.model = shapes_cnn(pretrained=False) if model is None else model
        if not isinstance(self.model, Sequential):
            raise TypeError(f"model must be a cnnviz Sequential; got {_show(model)}")
        self.body = (Sequential(self.model.layers[:-1])
                     if isinstance(self.model.layers[-1], Softmax) else self.model)
        self.images, self.labels = images, np.asarray(labels)
        self.test_images, self.test_labels = test_images, np.asarray(test_labels)
        self.optimiser = one_of(optimiser, "optimiser", OPTIMISERS)
        self.lr = float(lr)
        self.batch_size = positive_int(batch_size, "batch_size")
        self.seed = nonnegative_int(seed, "seed")
        self.lock = threading.RLock()
        self.loss_fn = CrossEntropyLoss()
        self.reset()

    def reset(self):
        """Back to the seeded starting weights, step 0, an empty history."""
        with self.lock:
            self.model.initialize(self.seed)
            self.rng = np.random.default_rng(self.seed)
            self.order, self.cursor = np.zeros(0, dtype=np.int64), 0
            self.step = self.epoch = 0
            self.losses = []
            self.accuracies = []             # (step, held-out accuracy)
            self.diverged = None
            self._opt = None

    def _optimiser(self):
        key = (self.optimiser, self.lr)
        if self._opt is None or self._opt_key[0] != self.optimiser:
            self._opt = make_optimiser(self.optimiser, self.model.parameters(), lr=self.lr)
        self._opt.lr = self.lr                 # a new rate applies from the next step
        self._opt_key = key
        return self._opt

    def _batch(self):
        if self.cursor >= len(self.order):
            self.order, self.cursor = self.rng.permutation(len(self.images)), 0
            self.epoch += 1
        batch = self.order[self.cursor:self.cursor + self.batch_size]
        self.cursor += self.batch_size
        return batch

    def run(self, steps=1):
        """Take up to ``steps`` minibatch steps; stop early if the loss runs off.

        Returns the number of steps taken.
        """
        steps = nonnegative_int(steps, "steps")
        for i in range(steps):
            with self.lock:
                if self.diverged:
                    return i
                opt = self._optimiser()
                batch = self._batch()
                with np.errstate(all="ignore"):
                    loss = float(self.loss_fn.forward(self.body.forward(self.images[batch]),
                                                      self.labels[batch]))
                    if not np.isfinite(loss) or loss > DIVERGED_LOSS:
                        self.diverged = self.step
                        return i
                    self.body.backward(self.loss_fn.backward())
                    opt.step(self.body.grads)
                self.losses.append(loss)
                self.step += 1
        return steps

    def accuracy(self, *, record=True):
        """Held-out accuracy now (and, with ``record``, added to the history)."""
        with self.lock:
            with np.errstate(all="ignore"):
                acc = float(np.mean(predict(self.model, self.test_images, batch_size=100)
                                    == self.test_labels))
            if record and (not self.accuracies or self.accuracies[-1][0] != self.step):
                self.accuracies.append((self.step, acc))
        return acc

    @property
    def steps_per_epoch(self):
        return -(-len(self.images) // self.batch_size)

    def __repr__(self):
        return (f"Trainer({len(self.images)} images, {self.optimiser}, lr {self.lr:g}, "
                f"batch {self.batch_size}, seed {self.seed})")


def smoothed(losses, window=20):
    """Running mean of the last ``window`` losses (fewer at the start).

    Examples
    --------
    >>> smoothed([4.0, 2.0, 0.0], window=2).tolist()
    [4.0, 3.0, 1.0]
    """
    losses = np.asarray(losses, dtype=float)
    if not len(losses):
        return losses
    c = np.concatenate([[0.0], np.cumsum(losses)])
    idx = np.arange(1, len(losses) + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


@dataclass
class TrainingState:
    """What the training panel draws, at one moment of a run."""

    step: int
    epoch: int
    steps_per_epoch: int
    losses: np.ndarray
    smooth: np.ndarray
    accuracies: list
    kernels: np.ndarray            # the first conv layer's weights, (C, kh, kw); C = 0 without one
    maps: np.ndarray               # that layer + ReLU on the probe image, (C, 28, 28)
    probe: np.ndarray              # the probe image, (28, 28)
    optimiser: str
    lr: float
    batch_size: int
    diverged: int | None


def training_state(trainer, probe):
    """Snapshot of ``trainer`` for the panel: history, conv1's kernels and their maps on
    ``probe`` (one (1, 28, 28) image), after ReLU."""
    with trainer.lock:
        conv = next((layer for layer in trainer.model.layers if isinstance(layer, Conv2d)
                     and layer.weight is not None and layer.weight.shape[1] == probe.shape[0]), None)
        if conv is None:            # a dense network: no kernels to show
            kernels, maps = np.zeros((0, 3, 3)), np.zeros((0,) + probe.shape[1:])
        else:
            kernels = conv.weight[:, 0].copy()
            with np.errstate(all="ignore"):
                maps = np.maximum(conv.forward(probe[None]), 0)[0]
        losses = np.array(trainer.losses)
        return TrainingState(trainer.step, trainer.epoch, trainer.steps_per_epoch, losses,
                             smoothed(losses), list(trainer.accuracies), kernels, maps,
                             probe[0], trainer.optimiser, trainer.lr, trainer.batch_size,
                             trainer.diverged)


# ------------------------------------------------------------------------- experiments
def dense_twin(hidden=6, *, inputs=784, classes=len(CLASS_NAMES)):
    """An MLP for 28x28 images: Flatten, Dense(784, hidden), ReLU, Dense(hidden, 4), Softmax.

    Its weights number ``784 h + h + 4 h + 4``: with ``hidden=6``, 4,738, more than
    the CNN's 4,388.

    Examples
    --------
    >>> dense_twin(6).summary((1, 28, 28)).total_params
    4738
    """
    hidden = positive_int(hidden, "hidden")
    return Sequential([Flatten(), Dense(inputs, hidden), ReLU(), Dense(hidden, classes),
                       Softmax()])


def corner_shapes(n, *, seed=5):
    """Shapes pushed toward the corners: every centre at position 0-0.1 or 0.9-1 in x and y.

    Half the images come from ``position=(0, 0.1)`` (top left), half from
    ``position=(0.9, 1)`` (bottom right); a CNN trained on shapes anywhere has seen
    few like them. Returns ``(images, labels)``.
    """
    n = positive_int(n, "n")
    a = make_shapes(n - n // 2, seed=seed, position=(0.0, 0.1))
    b = make_shapes(n // 2, seed=seed + 100, position=(0.9, 1.0))
    return (np.concatenate([a.images, b.images]), np.concatenate([a.labels, b.labels]))


def confusion_matrix(predicted, labels, classes=len(CLASS_NAMES)):
    """``counts[i, j]``: images of true class ``i`` predicted as ``j``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], classes=3).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    """
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def mistakes(model, images, labels, *, limit=8):
    """The held-out images ``model`` gets wrong: ``(indices, probabilities)``, at most ``limit``,
    most confident mistakes first."""
    probs = np.concatenate([model.forward(images[i:i + 256]) for i in range(0, len(images), 256)])
    wrong = np.flatnonzero(probs.argmax(axis=1) != labels)
    wrong = wrong[np.argsort(-probs[wrong].max(axis=1), kind="stable")][:limit]
    return wrong, probs[wrong]


def loss_curves(settings, images, labels, *, steps=150, batch_size=32, seed=0, model=None):
    """Loss of every step for each ``(optimiser, lr)`` in ``settings``, all from one start.

    Each run starts from ``initialize(seed)`` and sees the same minibatches. A run
    that diverges stops; its curve is shorter and ``diverged`` records the step.
    Returns ``{(optimiser, lr): {"losses": list, "diverged": step or None}}``.
    """
    out = {}
    for optimiser, lr in settings:
        trainer = Trainer(model, images, labels, images[:1], labels[:1], optimiser=optimiser,
                          lr=lr, batch_size=batch_size, seed=seed)
        trainer.run(steps)
        out[(optimiser, lr)] = {"losses": list(trainer.losses), "diverged": trainer.diverged}
    return out


def fit(model, images, labels, *, epochs, batch_size=32, optimiser="Adam", lr=0.003, seed=0):
    """Train ``model`` (re-initialised with ``seed``) for ``epochs`` passes; return the trainer."""
    trainer = Trainer(model, images, labels, images[:1], labels[:1], optimiser=optimiser, lr=lr,
                      batch_size=batch_size, seed=seed)
    trainer.run(epochs * trainer.steps_per_epoch)
    return trainer


__all__ = [
    "BATCH_SIZES", "DIVERGED_LOSS", "Diverged", "LEARNING_RATES", "OPTIMISERS", "Trainer",
    "TrainingState", "confusion_matrix", "corner_shapes", "data", "dense_twin", "fit",
    "loss_curves", "make_optimiser", "mistakes", "smoothed", "training_state",
]
