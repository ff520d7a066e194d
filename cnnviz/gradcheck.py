"""Gradient checking: the slope of a function measured by nudging its input.

Backpropagation computes a gradient from formulas; finite differences measure it
from the function alone. For a scalar function ``f`` of an array ``x`` and a
small step ``eps``, the central difference along entry ``i`` is::

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

where ``e_i`` is 1 at entry ``i`` and 0 elsewhere. Its error shrinks like
``eps**2`` (truncation) until rounding in ``f`` takes over, which grows like
``1 / eps``: too large a step misses the curvature, too small a step measures
round-off. Two evaluations per entry make it slow, so it is for checking small
cases, never for training.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._validate import _show, as_array


def _scalar(value, where):
    """``f``'s value as a Python float; it must be a single real number."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"f must return a single number; got {value!r} {where}")
    if isinstance(value, numbers.Real):
        return float(value)
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"f must return a single number; got {_show(value)} {where}")
    if arr.size != 1:
        raise ValueError(
            f"f must return a single number, such as a loss or out.sum(); got an array of "
            f"shape {arr.shape} {where}"
        )
    return float(arr.reshape(()))


def numerical_gradient(f, x, *, eps=1e-6):
    """Central differences of a scalar function ``f`` at ``x``, entry by entry.

    Parameters
    ----------
    f : callable
        ``f(x) -> number``: a float, a numpy scalar or an array of one element.
        It is called ``2 * x.size`` times with an array of ``x``'s shape in which
        one entry is moved by ``eps``; it must not keep or modify that array.
    x : array_like
        Where to measure the gradient. float32 stays float32 (so ``f`` sees the
        rounding of float32, as a float32 network would); integers become
        float64. For an accurate check use float64.
    eps : float
        The step, > 0.

    Returns
    -------
    ndarray of float64, the shape of ``x``
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry ``i``, where
        ``2 h`` is the difference actually made between the two inputs (``2 eps``
        up to the rounding of ``x +- eps`` in ``x``'s dtype).

    Raises
    ------
    TypeError
        If ``f`` is not callable or returns something other than a number.
    ValueError
        If ``eps`` is not a positive finite number, ``f`` returns an array of more
        than one element, or ``x +- eps`` rounds back to ``x`` (``eps`` too small
        for the dtype).

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> numerical_gradient(lambda v: np.sum(v ** 2), x)        # d/dx sum(x^2) = 2x
    array([2., 4., 6.])
    >>> g = numerical_gradient(lambda v: np.sum(v ** 3), x, eps=1e-3)
    >>> np.round(g - 3 * x ** 2, 9)                  # central differences of x^3 are off by eps^2
    array([1.e-06, 1.e-06, 1.e-06])
    """
    if not callable(f):
        raise TypeError(
            f"f must be callable, a function of one array returning a number; got {_show(f)}"
        )
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real) or not (
        0 < eps < math.inf
    ):
        raise ValueError(f"eps must be a positive finite number; got {_show(eps)}")
    eps = float(eps)
    point = as_array(x, "x").copy()
    grad = np.empty(point.shape, dtype=np.float64)
    flat, grad_flat = point.reshape(-1), grad.reshape(-1)   # views: moving flat[i] moves point
    for i in range(flat.size):
        old = flat[i]
        up, down = flat.dtype.type(old + eps), flat.dtype.type(old - eps)
        step = float(up) - float(down)
        if step == 0:
            where = ", ".join(str(int(k)) for k in np.unravel_index(i, point.shape))
            raise ValueError(
                f"eps {eps:g} is too small for x's dtype {point.dtype}: at x[{where}] = "
                f"{float(old)!r}, x + eps and x - eps round to the same number; use a larger eps"
            )
        flat[i] = up
        f_up = _scalar(f(point), "(at x + eps)")
        flat[i] = down
        f_down = _scalar(f(point), "(at x - eps)")
        flat[i] = old
        grad_flat[i] = (f_up - f_down) / step
    return grad


__all__ = ["numerical_gradient"]
