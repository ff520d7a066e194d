"""Optimisers: how a training step turns gradients into new weights.

:class:`SGD` (with optional momentum) and :class:`Adam` update a dict of weight
arrays in place, given gradients keyed the same way (``net.parameters()`` and
``net.grads`` of a :class:`~cnnviz.layers.Sequential`).
"""

from __future__ import annotations

import numpy as np

from ._validate import _show, one_of

#: Learning rates :func:`cnnviz.training.train` uses when none is given.
DEFAULT_LR = {"adam": 0.003, "sgd": 0.05}


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

    For every weight ``w`` with gradient ``g``: ``v = momentum * v - lr * g``, then
    ``w += v``. The velocity ``v`` remembers the recent steps, so a gradient that keeps
    its sign speeds the weight up. With a constant ``lr`` this is PyTorch's
    ``v = momentum * v + g; w -= lr * v`` with the velocity scaled by ``-lr``.
    ``momentum=0`` is plain gradient descent, ``w -= lr * g``. The arrays in
    ``params`` are updated in place.

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
    >>> opt.step({"w": np.array([1.0, 1.0])}); w           # velocity -0.15 now
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
            v -= self.lr * grads[name]
            p += v


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


def make_optimizer(name, params, *, lr=None, momentum=0.9):
    """The optimiser called ``name`` ("adam" or "sgd") over ``params``.

    ``lr`` defaults to :data:`DEFAULT_LR`; ``momentum`` applies to SGD only.

    Examples
    --------
    >>> type(make_optimizer("sgd", {"w": np.zeros(2)}, momentum=0)).__name__
    'SGD'
    """
    one_of(name, "optimizer", tuple(DEFAULT_LR))
    lr = DEFAULT_LR[name] if lr is None else lr
    if name == "adam":
        return Adam(params, lr=lr)
    return SGD(params, lr=lr, momentum=momentum)


__all__ = ["Adam", "DEFAULT_LR", "SGD", "make_optimizer"]
