"""How far to trust a classifier's probabilities: calibration error and temperature.

A classifier is *calibrated* when, of all the images it labels with 80%
confidence, about 80% are right. The expected calibration error (ECE) measures
the gap: sort the predictions into ``B`` equal-width bins by their confidence
(the largest probability), and average over the bins how far each bin's accuracy
lies from its mean confidence, weighted by the share of predictions in the bin::

    ECE = sum_b (n_b / N) * |accuracy_b - confidence_b|

Dividing the logits by a temperature ``T`` before the softmax keeps every
prediction (the largest logit stays the largest) but changes the confidence:
``T > 1`` flattens the probabilities, ``T < 1`` sharpens them.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import _show, as_array, positive_int
from .losses import _check_labels, log_softmax


def _check_probabilities(probabilities):
    p = as_array(probabilities, "probabilities", ndims=(2,))
    if p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(
            f"probabilities must have shape (N, K) with N >= 1 samples and K >= 2 classes; got {p.shape}"
        )
    if np.any(p < 0) or np.any(p > 1) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError(
            "probabilities must be rows of numbers from 0 to 1 that sum to 1 (the softmax "
            f"of the logits); got values from {p.min():.3g} to {p.max():.3g}, row sums from "
            f"{p.sum(axis=1).min():.3g} to {p.sum(axis=1).max():.3g}"
        )
    return p


def calibration_bins(probabilities, labels, *, n_bins=15):
    """Per confidence bin: how many predictions, their accuracy, their mean confidence.

    Bin ``b`` (from 0) holds the predictions whose confidence ``c`` satisfies
    ``b / B < c <= (b + 1) / B``; a confidence of exactly 0 goes to bin 0.

    Parameters
    ----------
    probabilities : array_like, shape (N, K)
        One row of class probabilities per sample.
    labels : array_like of int, shape (N,)
    n_bins : int
        ``B``, the number of equal-width bins between 0 and 1.

    Returns
    -------
    counts : ndarray of int64, shape (B,)
    accuracy : ndarray, shape (B,)
        The fraction right in each bin (0 where a bin is empty).
    confidence : ndarray, shape (B,)
        The mean confidence in each bin (0 where a bin is empty).

    Examples
    --------
    >>> p = [[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55]]
    >>> counts, acc, conf = calibration_bins(p, [0, 1, 1, 1], n_bins=2)
    >>> counts, acc, conf.round(3)
    (array([0, 4]), array([0.  , 0.75]), array([0.   , 0.688]))
    """
    p = _check_probabilities(probabilities)
    y = _check_labels(labels, *p.shape)
    n_bins = positive_int(n_bins, "n_bins")
    confidence = p.max(axis=1)
    right = (p.argmax(axis=1) == y).astype(float)
    # ceil(c * B) - 1 puts c in (b/B, (b+1)/B] into bin b
    index = np.clip(np.ceil(confidence * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    safe = np.maximum(counts, 1)
    accuracy = np.bincount(index, weights=right, minlength=n_bins) / safe
    mean_conf = np.bincount(index, weights=confidence, minlength=n_bins) / safe
    return counts, accuracy, mean_conf


def expected_calibration_error(probabilities, labels, *, n_bins=15):
    """The expected calibration error (ECE) of a classifier's probabilities.

    ``ECE = sum_b (n_b / N) |accuracy_b - confidence_b|`` over ``n_bins``
    equal-width confidence bins (see :func:`calibration_bins`). 0 means that in
    every bin the confidence matches the fraction right; an always-right
    classifier that is always 100% sure scores 0, one that is right 90% of the
    time while 100% sure scores 0.1.

    Parameters
    ----------
    probabilities : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    n_bins : int
        15 is the usual choice (Guo et al., 2017, "On calibration of modern
        neural networks").

    Returns
    -------
    float, from 0 to 1

    Examples
    --------
    >>> p = [[1.0, 0.0]] * 10                     # always sure of class 0
    >>> expected_calibration_error(p, [0] * 9 + [1])
    0.1000
    >>> expected_calibration_error([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55]],
    ...                            [0, 1, 1, 1], n_bins=2)           # |0.75 - 0.6875|
    0.0625
    """
    counts, accuracy, confidence = calibration_bins(probabilities, labels, n_bins=n_bins)
    return float(np.sum(counts / counts.sum() * np.abs(accuracy - confidence)))


def _mean_nll(logits, labels, temperature):
    logp = log_softmax(logits / temperature)
    return float(-logp[np.arange(labels.size), labels].mean())


def fit_temperature(logits, labels, *, low=0.05, high=20.0, steps=60):
    """The temperature ``T`` that makes ``softmax(logits / T)`` most likely for ``labels``.

    Minimises the mean cross-entropy over ``T`` by golden-section search on
    ``log T`` between ``low`` and ``high`` (the loss has one minimum in ``T``:
    it is convex in ``1 / T``). Fit it on images the network was not trained on,
    and judge it on yet others.

    Parameters
    ----------
    logits : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    low, high : float
        The search interval, ``0 < low < high``.
    steps : int
        Golden-section steps; each shrinks the interval (in ``log T``) by 0.618.

    Returns
    -------
    float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal((2000, 3))
    >>> y = np.array([rng.choice(3, p=np.exp(r) / np.exp(r).sum()) for r in z])
    >>> round(fit_temperature(3 * z, y), 1)       # logits 3x too large: T near 3
    3.0
    """
    z = as_array(logits, "logits", ndims=(2,))
    y = _check_labels(labels, *z.shape)
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(f"{name} must be a positive number; got {_show(value)}")
    if not low < high:
        raise ValueError(f"low must be less than high; got low={low} and high={high}")
    steps = positive_int(steps, "steps")
    a, b = np.log(low), np.log(high)
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = _mean_nll(z, y, np.exp(c)), _mean_nll(z, y, np.exp(d))
    for _ in range(steps):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = _mean_nll(z, y, np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = _mean_nll(z, y, np.exp(d))
    return float(np.exp((a + b) / 2))


__all__ = ["calibration_bins", "expected_calibration_error", "fit_temperature"]
