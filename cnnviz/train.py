"""The recipe of the shipped shapes CNN, and the command that trains it.

The training loop itself is :func:`cnnviz.training.train`, the optimisers are in
:mod:`cnnviz.optim`. Run as a command to train the small CNN of :func:`cnnviz.pretrained.shapes_cnn`
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
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._validate import nonnegative_int, one_of, positive_int
from .optim import DEFAULT_LR
from .training import OPTIMIZERS, calibrate_temperature, train, weights_digest

# ------------------------------------------------------------------------------ command
DEFAULT_OUT = Path("shapes_cnn.npz")
"""Where the command writes the weights: in the working folder, never into the package."""

PACKAGE_WEIGHTS = Path(__file__).parent / "data" / "shapes_cnn.npz"
"""The shipped weights (:data:`cnnviz.pretrained.WEIGHTS_PATH`); replaced only with --overwrite."""


#: Label smoothing of the shipped network: targets 0.985 / 0.005, so no logit needs to run off.
LABEL_SMOOTHING = 0.02


def train_shapes_cnn(*, seed=0, epochs=3, train_size=20000, batch_size=32, held_out_size=1000,
                     optimizer="adam", lr=None, label_smoothing=LABEL_SMOOTHING,
                     calibration_size=1000, progress=False):
    """Train the shapes CNN from scratch; return the model and a record of the run.

    The training images come from ``make_shapes(train_size, seed=seed)``. Training
    aims at label-smoothed targets (``label_smoothing``), then a temperature is fitted
    on ``make_shapes(calibration_size, seed=seed + 2)`` and folded into the last Dense
    layer (:func:`calibrate_temperature`; ``calibration_size=0`` skips it).
    ``optimizer`` and ``lr`` are those of :func:`cnnviz.training.train`. The
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
    lr = DEFAULT_LR[one_of(optimizer, "optimizer", OPTIMIZERS)] if lr is None else lr
    history = train(model, images, labels, epochs=epochs, batch_size=batch_size, seed=seed,
                    optimizer=optimizer, lr=lr,
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
        "optimizer": f"{optimizer}, lr {lr:g}" + (", momentum 0.9" if optimizer == "sgd" else ""),
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
    >>> from cnnviz.layers import Dense, Sequential
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


__all__ = ["LABEL_SMOOTHING", "main", "save_weights", "train_shapes_cnn"]


if __name__ == "__main__":
    sys.exit(main())
