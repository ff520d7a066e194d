"""Tests for cnnviz.numerical_gradient: central differences of a scalar function.

References: gradients known in closed form, a plain loop over the entries written
here, the exact error of central differences on a cubic, and PyTorch's autograd
where installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz import numerical_gradient


def loop_central_differences(f, x, eps):
    """(f(x + eps) - f(x - eps)) / (2 eps), one entry at a time, on fresh copies."""
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad


SHAPES = [(5,), (3, 4), (2, 3, 2), (1, 2, 3, 2)]

# f, its gradient in closed form
FUNCTIONS = {
    "sum of squares": (lambda x: np.sum(x ** 2), lambda x: 2 * x),
    "sum of sin times exp": (lambda x: np.sum(np.sin(x) * np.exp(x / 3)),
                             lambda x: np.exp(x / 3) * (np.cos(x) + np.sin(x) / 3)),
    "log-sum-exp": (lambda x: np.log(np.sum(np.exp(x))),
                    lambda x: np.exp(x) / np.sum(np.exp(x))),
    "product of the first entry with the rest": (
        lambda x: x.flat[0] * np.sum(x),
        lambda x: x.flat[0] + (np.arange(x.size) == 0).reshape(x.shape) * np.sum(x)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_matches_the_gradient_in_closed_form(name, shape):
    """The numerical gradient of smooth functions equals their derivative to ~1e-8."""
    f, grad_f = FUNCTIONS[name]
    x = np.random.default_rng(len(shape) * 10 + len(name)).standard_normal(shape)
    got = numerical_gradient(f, x)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, grad_f(x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_matches_a_plain_loop(shape):
    """Equal to central differences computed entry by entry on copies of x."""
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape)
    weights = rng.standard_normal(shape)

    def f(v):
        return float(np.sum(weights * np.tanh(v)) + np.sum(v) ** 2)

    for eps in (1e-3, 1e-5):
        np.testing.assert_allclose(numerical_gradient(f, x, eps=eps),
                                   loop_central_differences(f, x, eps), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("eps", [1e-1, 1e-2, 1e-3])
def test_error_on_a_cubic_is_exactly_eps_squared(eps):
    """For f = sum(x^3) central differences give 3x^2 + eps^2: second order, centred."""
    x = np.random.default_rng(3).standard_normal((4, 3))
    got = numerical_gradient(lambda v: np.sum(v ** 3), x, eps=eps)
    np.testing.assert_allclose(got - 3 * x ** 2, np.full(x.shape, eps ** 2), rtol=1e-5, atol=1e-9)


def test_matches_torch_autograd_through_a_small_network():
    """A conv -> ReLU -> max pool -> dense loss: numerical gradient equals PyTorch's autograd."""
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed; skipping the comparison with its autograd")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 1, 6, 6))
    w = rng.standard_normal((2, 1, 3, 3))
    dense = rng.standard_normal((3, 8))

    def loss(v):
        hidden = np.maximum(cnnviz.conv2d(v, w, padding=1), 0)
        return float(np.sum(np.tanh(dense @ cnnviz.max_pool2d(hidden, 3).reshape(-1))))

    X = torch.tensor(x, requires_grad=True)
    hidden = torch.relu(torch.nn.functional.conv2d(X, torch.tensor(w), padding=1))
    pooled = torch.nn.functional.max_pool2d(hidden, 3).reshape(-1)
    torch.sum(torch.tanh(torch.tensor(dense) @ pooled)).backward()
    np.testing.assert_allclose(numerical_gradient(loss, x), X.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_x_is_left_unchanged_and_f_sees_its_shape_and_dtype():
    """f is called 2 * x.size times with arrays of x's shape and dtype; x is not modified."""
    for dtype in (np.float64, np.float32):
        x = np.random.default_rng(5).standard_normal((2, 3)).astype(dtype)
        before = x.copy()
        seen = []

        def f(v):
            seen.append((v.shape, v.dtype))
            return float(np.sum(v))

        got = numerical_gradient(f, x, eps=1e-2)
        np.testing.assert_array_equal(x, before)
        assert seen == [((2, 3), np.dtype(dtype))] * 12
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, np.ones((2, 3)), rtol=1e-5)


def test_integers_are_measured_in_float64():
    """An integer x is nudged as float64, so small steps are possible."""
    got = numerical_gradient(lambda v: float(v @ v), [1, 2, 3])
    np.testing.assert_allclose(got, [2.0, 4.0, 6.0], rtol=1e-8)


def test_float32_divides_by_the_step_actually_taken():
    """In float32, x + eps is rounded; dividing by the real difference keeps a linear
    function's slope exact where dividing by 2 eps would be off by several percent."""
    x = np.array([1000.0, -3.0], dtype=np.float32)
    got = numerical_gradient(lambda v: float(np.float64(v[0]) * 5 + np.float64(v[1])), x,
                             eps=1e-4)
    np.testing.assert_allclose(got, [5.0, 1.0], rtol=1e-12)


def test_f_may_return_a_numpy_scalar_or_a_one_element_array():
    """np.sum's scalar, a 0-d array and a (1,) array all count as a number."""
    x = np.array([1.0, 2.0])
    for f in (lambda v: np.sum(v), lambda v: np.array(np.sum(v)),
              lambda v: np.sum(v, keepdims=True)):
        np.testing.assert_allclose(numerical_gradient(f, x), [1.0, 1.0], rtol=1e-8)


def test_non_finite_values_give_nan_or_inf_without_a_warning():
    """f infinite on both sides gives NaN, on one side inf; no warning is raised (warnings
    are errors in this suite)."""
    np.testing.assert_array_equal(numerical_gradient(lambda v: np.inf, np.ones(2)),
                                  [np.nan, np.nan])
    got = numerical_gradient(lambda v: np.inf if v[0] > 1 else 0.0, np.array([1.0]))
    assert got[0] == np.inf


# ----------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("f", [None, 3.0, "sum", np.ones(3)], ids=repr)
def test_f_must_be_callable(f):
    """A value that is not a function is a TypeError naming f."""
    with pytest.raises(TypeError, match=r"f must be callable, a function of one array "
                                        r"returning a number; got "):
        numerical_gradient(f, np.ones(3))


def test_f_must_return_one_number():
    """An array of several values is a ValueError with its shape; text or None a TypeError."""
    with pytest.raises(ValueError, match=r"f must return a single number, such as a loss or "
                                         r"out.sum\(\); got an array of shape \(3,\) "
                                         r"\(at x \+ eps\)"):
        numerical_gradient(lambda v: v * 2, np.ones(3))
    with pytest.raises(TypeError, match=r"f must return a single number; got 'loss'"):
        numerical_gradient(lambda v: "loss", np.ones(3))
    with pytest.raises(TypeError, match=r"f must return a single number; got None"):
        numerical_gradient(lambda v: None, np.ones(3))
    with pytest.raises(TypeError, match=r"f must return a single number; got True"):
        numerical_gradient(lambda v: True, np.ones(3))


@pytest.mark.parametrize("eps", [0, -1e-3, np.inf, np.nan, True, "1e-6", None], ids=repr)
def test_eps_must_be_a_positive_finite_number(eps):
    """eps of 0, negative, infinite, NaN, a bool or not a number is refused."""
    with pytest.raises(ValueError, match=r"eps must be a positive finite number; got "):
        numerical_gradient(lambda v: float(np.sum(v)), np.ones(2), eps=eps)


def test_eps_too_small_for_float32_is_explained():
    """A step that rounds away in float32 names the entry, its value and the dtype."""
    x = np.array([[0.0, 1.0]], dtype=np.float32)
    with pytest.raises(ValueError, match=r"eps 1e-09 is too small for x's dtype float32: at "
                                         r"x\[0, 1\] = 1.0, x \+ eps and x - eps round to the "
                                         r"same number; use a larger eps"):
        numerical_gradient(lambda v: float(np.sum(v)), x, eps=1e-9)


@pytest.mark.parametrize("x, error, message", [
    (None, TypeError, r"x must be a numeric array; got None"),
    ("abc", TypeError, r"x must be a numeric array; got 'abc'"),
    ([], ValueError, r"x must not be empty; got shape \(0,\)"),
])
def test_x_must_be_a_non_empty_numeric_array(x, error, message):
    """x goes through the package's usual array check."""
    with pytest.raises(error, match=message):
        numerical_gradient(lambda v: 0.0, x)
