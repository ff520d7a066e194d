"""Exercises of notebook 09: backpropagation through convolution and pooling."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_function, check_number, function_tried, not_tried
from ..convolution import conv2d_backward
from ..gradcheck import numerical_gradient
from ..pooling import max_pool2d_backward

#: Exercise 3: the input, the kernel's shape and G whose dW entry the learner works out
DW_INPUT = np.array([[2, 0, 1, 3],
                     [1, 4, 0, 2],
                     [3, 1, 2, 0],
                     [0, 2, 1, 5]])
DW_GRAD = np.array([[1, 0, 2],
                    [0, 1, -1],
                    [2, 1, 0]])
DW_ENTRY = (1, 0)
#: Exercise 4: the exponents k of the steps eps = 10**k tried
EPS_EXPONENTS = tuple(range(-1, -7, -1))


def _dw_entry():
    kernel = np.zeros((1, 1, 2, 2))
    _, gw, _ = conv2d_backward(DW_INPUT[None].astype(float), kernel, DW_GRAD[None].astype(float))
    return int(round(float(gw[(0, 0) + DW_ENTRY])))


def float32_case():
    """``(f, x, exact)`` for exercise 4: a float32 function, the point, and its exact gradient.

    ``f(v) = sum(tanh(v) * v) / n`` in float32 at a seeded point of 50 values;
    ``exact`` is its derivative ``(tanh(v) + v (1 - tanh(v)^2)) / n`` in float64.
    """
    x = np.random.default_rng(9).normal(size=50).astype(np.float32)

    def f(v):
        v = np.asarray(v, dtype=np.float32)
        return np.float32(np.sum(np.tanh(v) * v, dtype=np.float32) / np.float32(v.size))

    x64 = x.astype(np.float64)
    exact = (np.tanh(x64) + x64 * (1 - np.tanh(x64) ** 2)) / x.size
    return f, x, exact


#: Exercise 4's ``(f, x, exact)``: see :func:`float32_case`
FLOAT32_CASE = float32_case()


def _relative_error(a, b):
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def float32_errors():
    """Exponent -> relative error of central differences of :func:`float32_case` at 10**k."""
    f, x, exact = FLOAT32_CASE
    return {k: _relative_error(numerical_gradient(f, x, eps=10.0 ** k), exact)
            for k in EPS_EXPONENTS}


def _best_exponent():
    errors = float32_errors()
    return min(errors, key=errors.get)


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "dw_entry": _dw_entry,
    "best_float32_eps": _best_exponent,
}
#: Exercises where the learner writes a function, checked against cnnviz on several cases.
CODE_EXERCISES = ("conv_backward", "max_pool_mask")


def dw_entry(answer):
    """``dL/dW[1, 0]`` of a 2x2 kernel on :data:`DW_INPUT`, with ``G =`` :data:`DW_GRAD`.

    >>> dw_entry(_dw_entry())
    Correct: dL/dW[1, 0] is 2.
    >>> dw_entry(3)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: dL/dW[1, 0]
      expected: 2
      got:      3
    """
    u, v = DW_ENTRY
    what = f"dL/dW[{u}, {v}]"
    check_number(answer, _dw_entry(), what=what)


def best_float32_eps(answer):
    """The exponent ``k`` (of ``eps = 10**k``) with the smallest error in float32.

    An exponent whose error is within a factor 2 of the best also counts (the
    bottom of the U is flat, and rounding differs a little between CPUs).

    >>> best_float32_eps(_best_exponent())   # doctest: +ELLIPSIS
    Correct: eps = 1e-... gives the smallest relative error (...) of the steps 1e-1 to 1e-6 ...
    """
    if not_tried(answer, "an exponent such as -4"):
        return
    errors = float32_errors()
    best = _best_exponent()
    try:
        k = int(answer)
    except (TypeError, ValueError):
        k = None
    if k is None or k != answer or k not in errors or errors[k] > 2 * errors[best]:
        tried = ", ".join(f"1e{e}: {errors[e]:.1e}" for e in EPS_EXPONENTS)
        raise CheckError("\n".join([
            "Not quite: the exponent k whose step 10**k gives the smallest error in float32",
            f"  expected: {best}", f"  got:      {answer!r}", f"  errors: {tried}"]))
    print(f"Correct: eps = 1e{k} gives the smallest relative error "
          f"({errors[k]:.1e}) of the steps 1e-1 to 1e-6 in float32.")


def _conv_cases():
    rng = np.random.default_rng(4)
    cases = [(np.arange(9.0).reshape(3, 3), np.array([[0.0, 1], [2, 3]]), np.ones((2, 2)))]
    for (h, w), (kh, kw) in [((5, 5), (3, 3)), ((4, 6), (2, 3)), ((6, 4), (3, 1)),
                             ((3, 7), (3, 2))]:
        cases.append((rng.integers(-3, 4, (h, w)).astype(float),
                      rng.integers(-2, 3, (kh, kw)).astype(float),
                      rng.integers(-2, 3, (h - kh + 1, w - kw + 1)).astype(float)))
    return cases


def _reference(x, kernel, g):
    gx, gw, _ = conv2d_backward(x[None], kernel[None, None], g[None])
    return gx[0], gw[0, 0]


def conv_backward(func):
    """``func(x, kernel, g) -> (dx, dW)``: the loops of the backward pass of ``correlate2d``
    (stride 1, no padding), checked against ``cnnviz.conv2d_backward``.

    >>> conv_backward(_reference)
    Correct: your dx agrees with cnnviz on 5 cases.
    Correct: your dW agrees with cnnviz on 5 cases.
    """
    cases = _conv_cases()
    if not function_tried(func, *cases[0]):
        return

    def part(i):
        def call(*args):
            out = func(*args)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise TypeError(f"return a pair (dx, dW); got {type(out).__name__}")
            return out[i]
        return call

    check_function(part(0), lambda *a: _reference(*a)[0], cases, what="your dx")
    check_function(part(1), lambda *a: _reference(*a)[1], cases, what="your dW")


def _mask(x, k):
    oh, ow = x.shape[0] // k, x.shape[1] // k
    # 1 at the winners, 0 elsewhere (as ints, so a failed check prints them as numbers)
    return (max_pool2d_backward(x[None], np.ones((1, oh, ow)), k)[0] > 0).astype(int)


def max_pool_mask(func):
    """``func(x, k) -> mask``: True at each k x k window's winner (stride k), ties to the
    first in reading order, as ``cnnviz.max_pool2d`` breaks them.

    >>> max_pool_mask(_mask)
    Correct: your mask agrees with cnnviz on 4 cases.
    """
    rng = np.random.default_rng(5)
    cases = [(np.array([[1, 3, 2, 2], [3, 0, 2, 1], [0, 0, 5, 4], [0, 0, 4, 5]]), 2),
             (rng.integers(0, 4, (6, 6)), 2), (rng.integers(0, 3, (6, 9)), 3),
             (rng.normal(size=(8, 4)), 4)]
    if function_tried(func, *cases[0]):
        check_function(func, _mask, cases, what="your mask")


__all__ = ["ANSWERS", "CODE_EXERCISES", "DW_ENTRY", "DW_GRAD", "DW_INPUT", "EPS_EXPONENTS",
           "FLOAT32_CASE", "best_float32_eps", "conv_backward", "dw_entry", "float32_case",
           "float32_errors", "max_pool_mask"]
