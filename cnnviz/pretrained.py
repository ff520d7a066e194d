"""A small CNN with trained weights shipped in the package: no download, no PyTorch.

It tells apart the four shapes of :func:`cnnviz.datasets.make_shapes` in 28x28
grey images, with the classic layout::

    conv 3x3 (8) -> ReLU -> max pool 2 -> conv 3x3 (16) -> ReLU -> max pool 2
    -> flatten -> dense (4) -> softmax

The weights (``data/shapes_cnn.npz``, under 20 KB) were made by
``python -m cnnviz.train``; ``data/shapes_cnn.json`` records how, and with which
held-out accuracy (:func:`training_record`).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from ._validate import boolean
from .datasets import CLASS_NAMES
from .layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax

#: The input the network expects: one grey channel, 28 x 28 pixels, values in [0, 1].
INPUT_SHAPE = (1, 28, 28)

WEIGHTS_PATH = Path(__file__).parent / "data" / "shapes_cnn.npz"
RECORD_PATH = WEIGHTS_PATH.with_suffix(".json")


def shapes_cnn(pretrained=True) -> Sequential:
    """The shapes classifier: with its shipped trained weights, or untrained.

    Parameters
    ----------
    pretrained : bool
        Load the weights in ``cnnviz/data/shapes_cnn.npz``, after checking them against
        the ``weights_sha256`` of their record ``shapes_cnn.json``. With False the
        weights are ``None`` until you call ``.initialize(seed)`` (to train it yourself).

    Raises
    ------
    FileNotFoundError
        The weights file is missing.
    ValueError
        The weights file or its record is damaged (unreadable, cut short, or the
        weights' digest differs from the recorded one); the message names the file.

    Returns
    -------
    Sequential
        Input ``(N, 1, 28, 28)`` (or one ``(1, 28, 28)`` image), output ``(N, 4)``
        probabilities for :data:`CLASS_NAMES`.

    Examples
    --------
    >>> net = shapes_cnn()
    >>> print(net.summary(INPUT_SHAPE))
    Layer        Output shape  Params  Mult-adds  Activations
    ---------------------------------------------------------
    Conv2d-1     (8, 28, 28)       80     56,448        6,272
    ReLU-2       (8, 28, 28)        0          0        6,272
    MaxPool2d-3  (8, 14, 14)        0          0        1,568
    Conv2d-4     (16, 14, 14)   1,168    225,792        3,136
    ReLU-5       (16, 14, 14)       0          0        3,136
    MaxPool2d-6  (16, 7, 7)         0          0          784
    Flatten-7    (784,)             0          0          784
    Dense-8      (4,)           3,140      3,136            4
    Softmax-9    (4,)               0          0            4
    ---------------------------------------------------------
    Total params: 4,388
    Total multiply-adds: 285,376
    Total activations: 21,960
    >>> from cnnviz.datasets import draw_shape
    >>> probs = net.forward(draw_shape("triangle"))
    >>> CLASS_NAMES[int(np.argmax(probs))]
    'triangle'
    """
    pretrained = boolean(pretrained, "pretrained")
    net = Sequential([
        Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2),
        Conv2d(8, 16, 3, padding=1), ReLU(), MaxPool2d(2),
        Flatten(),
        Dense(16 * 7 * 7, len(CLASS_NAMES)),
        Softmax(),
    ])
    if pretrained:
        if not WEIGHTS_PATH.exists():
            raise FileNotFoundError(
                f"the trained weights {WEIGHTS_PATH} are missing; make them with "
                "python -m cnnviz.train"
            )
        net.load_parameters(_checked_weights())
    return net


def _checked_weights() -> dict:
    """The shipped arrays, once their digest matches the record's ``weights_sha256``."""
    from .training import weights_digest

    again = (" Restore both files (git checkout cnnviz/data) or make them again with "
             "python -m cnnviz.train --out cnnviz/data/shapes_cnn.npz --overwrite.")
    try:
        # Opened here, so the file is closed even when numpy cannot read it.
        with open(WEIGHTS_PATH, "rb") as handle, np.load(handle) as saved:
            weights = dict(saved)
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        raise ValueError(f"the weights file {WEIGHTS_PATH} is damaged: it cannot be read "
                         f"({err})." + again) from None
    try:
        expected = json.loads(RECORD_PATH.read_text())["weights_sha256"]
    except FileNotFoundError:
        raise ValueError(f"the record {RECORD_PATH} of the weights is missing, so they cannot "
                         "be checked." + again) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"the record {RECORD_PATH} of the weights is damaged: no readable "
                         f"weights_sha256 ({type(err).__name__}: {err})." + again) from None
    found = weights_digest(weights)
    if found != expected:
        raise ValueError(
            f"the weights file {WEIGHTS_PATH} is damaged or does not belong to its record "
            f"{RECORD_PATH}: its weights_sha256 is {found[:12]}..., the record says "
            f"{str(expected)[:12]}...." + again
        )
    return weights


def training_record() -> dict:
    """How the shipped weights were made: seed, data, epochs, held-out accuracy, versions.

    Examples
    --------
    >>> record = training_record()
    >>> record["class_names"] == list(CLASS_NAMES)
    True
    >>> record["held_out"]["accuracy"] >= 0.95
    True
    """
    return json.loads(RECORD_PATH.read_text())


__all__ = ["CLASS_NAMES", "INPUT_SHAPE", "RECORD_PATH", "WEIGHTS_PATH", "shapes_cnn", "training_record"]
