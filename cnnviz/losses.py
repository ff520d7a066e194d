"""From class scores to probabilities, and how wrong they are: softmax and cross-entropy.

A classifier ends with one score (a *logit*) per class. Softmax turns the scores
``z`` of one sample into probabilities::

    p_k = exp(z_k) / sum_j exp(z_j)

and cross-entropy measures how little probability went to the true class ``y``::

    L = -log p_y = -z_y + log sum_j exp(z_j)

averaged over the batch. Its gradient with respect to the logits is remarkably
simple: ``(p - onehot(y)) / N``. Subtracting the largest score before
exponentiating changes nothing mathematically but keeps ``exp`` from overflowing.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import _show, as_array


def log_softmax(logits):
    """Logarithm of :func:`softmax`, computed stably, along the last axis.

    ``log p_k = z_k - m - log sum_j exp(z_j - m)`` with ``m = max_j z_j``, so no
    exponential ever exceeds 1.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (..., K)

    Examples
    --------
    >>> log_softmax([1000.0, 1000.0])          # exp(1000) would overflow
    array([-0.69314718, -0.69314718])
    """
    z = as_array(logits, "logits")
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """Probabilities from scores along the last axis: ``exp(z_k) / sum_j exp(z_j)``.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (..., K)
        Non-negative, summing to 1 along the last axis.

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0])
    array([0.09003057, 0.24472847, 0.66524096])
    >>> softmax([[0.0, 0.0], [0.0, 1000.0]])
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    z = as_array(logits, "logits")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _check_labels(labels, n, k):
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"labels must be integer class indices; got {_show(labels)} of dtype {arr.dtype}"
        )
    if arr.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per sample; got {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= k):
        bad = arr[(arr < 0) | (arr >= k)][0]
        raise ValueError(f"labels must be class indices from 0 to {k - 1}; got {int(bad)}")
    return arr.astype(np.int64, copy=False)


def _as_batch(scores, name):
    z = as_array(scores, name, ndims=(1, 2))
    return z[None] if z.ndim == 1 else z


def _labels_for(labels, batched):
    if not batched and isinstance(labels, numbers.Integral) and not isinstance(labels, bool):
        return np.array([labels])
    return labels


def cross_entropy(logits, labels):
    """Mean cross-entropy of integer labels under the softmax of ``logits``.

    ``L = mean_n (-log softmax(z_n)[y_n])``, via :func:`log_softmax`.

    Parameters
    ----------
    logits : array_like, shape (N, K) or (K,)
        Raw scores, before any softmax.
    labels : array_like of int, shape (N,), or an int for a single sample
        The true class of every sample, from 0 to K - 1.

    Returns
    -------
    float

    Examples
    --------
    >>> cross_entropy([[2.0, 0.0], [0.0, 0.0]], [0, 1])      # (0.127 + 0.693) / 2
    0.4100
    >>> cross_entropy([0.0, 0.0, 0.0, 0.0], 3)               # a uniform guess: log 4
    1.3863
    """
    return CrossEntropyLoss().forward(logits, labels)


class CrossEntropyLoss:
    """Cross-entropy with a forward and a backward pass, like the layers.

    ``forward(scores, labels)`` returns the mean loss; ``backward()`` returns its
    gradient with respect to ``scores``.

    Parameters
    ----------
    from_probabilities : bool
        False (default): the scores are logits, and the loss uses a stable
        log-softmax; the gradient is ``(softmax(z) - onehot(y)) / N``.
        True: the scores are already probabilities, the output of a
        :class:`~cnnviz.layers.Softmax` layer; the loss is ``-mean log p_y`` and the
        gradient ``-1 / (N p_y)`` at the true class, which the Softmax layer's
        backward turns into the same ``(p - onehot(y)) / N``. Probabilities are
        clipped at the smallest positive float, so a confident mistake gives a large
        but finite loss.
    label_smoothing : float, from 0 up to 1
        Spread this much of the target over all ``K`` classes:
        ``t = (1 - eps) onehot(y) + eps / K`` and ``L = -mean_n sum_k t_k log p_k``, so
        the gradient is ``(softmax(z) - t) / N``. A network trained this way never
        needs infinite logit gaps to reach its target, so its probabilities stay
        below 1 (PyTorch's ``label_smoothing``). Logits only.

    Examples
    --------
    >>> loss_fn = CrossEntropyLoss()
    >>> loss_fn.forward([[2.0, 0.0], [0.0, 0.0]], [0, 1])
    0.4100
    >>> loss_fn.backward()                  # (softmax - onehot) / N
    array([[-0.05960146,  0.05960146],
           [ 0.25      , -0.25      ]])
    >>> CrossEntropyLoss(label_smoothing=0.2).forward([[2.0, 0.0]], [0])   # target (0.9, 0.1)
    0.3269
    """

    def __init__(self, *, from_probabilities=False, label_smoothing=0.0):
        if not isinstance(from_probabilities, bool):
            raise TypeError(f"from_probabilities must be True or False; got {from_probabilities!r}")
        if (isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real)
                or not 0 <= label_smoothing < 1):
            raise ValueError(
                f"label_smoothing must be a number from 0 up to (not including) 1; got {_show(label_smoothing)}"
            )
        if from_probabilities and label_smoothing:
            raise ValueError("label_smoothing works on logits: use it with from_probabilities=False")
        self.from_probabilities = from_probabilities
        self.label_smoothing = float(label_smoothing)
        self._cache = None

    def forward(self, scores, labels):
        """Mean loss over the batch (a Python float); remembers what backward needs.

        Parameters
        ----------
        scores : array_like, shape (N, K) or (K,)
            Logits, or probabilities when ``from_probabilities``.
        labels : array_like of int, shape (N,), or an int for a single sample

        Returns
        -------
        float

        Examples
        --------
        >>> CrossEntropyLoss(from_probabilities=True).forward([[0.5, 0.5]], [1])
        0.6931
        """
        name = "probabilities" if self.from_probabilities else "logits"
        z = _as_batch(scores, name)
        batched = np.ndim(scores) == 2
        y = _check_labels(_labels_for(labels, batched), *z.shape)
        rows = np.arange(z.shape[0])
        if self.from_probabilities:
            if np.any(z < 0) or np.any(z > 1):
                raise ValueError(
                    "probabilities must lie between 0 and 1 (pass logits with "
                    "from_probabilities=False); got values from "
                    f"{z.min():.3g} to {z.max():.3g}"
                )
            p_true = np.maximum(z[rows, y], np.finfo(z.dtype).tiny)
            loss = -np.log(p_true).mean()
            self._cache = (z, y, p_true, batched)
        else:
            logp = log_softmax(z)
            loss = -logp[rows, y].mean()
            if self.label_smoothing:
                eps = self.label_smoothing
                loss = (1 - eps) * loss - eps * logp.mean(axis=1).mean()
            self._cache = (logp, y, None, batched)
        return float(loss)

    def backward(self):
        """Gradient of the last forward's loss with respect to its scores.

        Returns
        -------
        ndarray, the shape of the scores

        Examples
        --------
        >>> loss_fn = CrossEntropyLoss()
        >>> _ = loss_fn.forward([0.0, 0.0], 0)
        >>> loss_fn.backward()
        array([-0.5,  0.5])
        """
        if self._cache is None:
            raise ValueError("backward needs the values of a forward pass: call forward(scores, labels) first")
        z, y, p_true, batched = self._cache
        n = z.shape[0]
        rows = np.arange(n)
        if self.from_probabilities:
            grad = np.zeros_like(z)
            grad[rows, y] = -1.0 / (n * p_true)
        else:
            grad = np.exp(z)             # z holds log-probabilities here
            eps = self.label_smoothing
            if eps:
                grad -= eps / z.shape[1]
            grad[rows, y] -= 1.0 - eps
            grad /= n
        return grad if batched else grad[0]

    def __repr__(self):
        if self.from_probabilities:
            return "CrossEntropyLoss(from_probabilities=True)"
        if self.label_smoothing:
            return f"CrossEntropyLoss(label_smoothing={self.label_smoothing:g})"
        return "CrossEntropyLoss()"


__all__ = ["CrossEntropyLoss", "cross_entropy", "log_softmax", "softmax"]
