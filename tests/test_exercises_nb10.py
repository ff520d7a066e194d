"""Notebook 10's self-checks: right answers pass, wrong ones fail showing what was expected."""

import numpy as np
import pytest

from cnnviz.checks import CheckError
from cnnviz.exercises import nb10
from cnnviz.lessons.training import dense_twin


def test_mlp_params_is_the_layer_count(capsys):
    """The expected count is what summary() counts for the 784-10-4 MLP; one off fails."""
    right = dense_twin(nb10.MLP_HIDDEN).summary((1, 28, 28)).total_params
    assert nb10.ANSWERS["mlp_params"]() == right
    nb10.mlp_params(right)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(CheckError, match=rf"expected: {right}\n  got:      {right - 4}"):
        nb10.mlp_params(right - 4)


def test_learning_rate_accepts_exactly_the_rates_that_reach_the_target(capsys):
    """A rate passes when 8 steps of gradient descent on 2 (w - 3)^2 end below 0.05."""
    for lr in np.linspace(0.01, 0.6, 60):
        w = 0.0
        for _ in range(8):
            w -= lr * 4 * (w - 3)
        reaches = 2 * (w - 3) ** 2 < 0.05
        if reaches:
            nb10.learning_rate(lr)
        else:
            with pytest.raises(CheckError, match=r"expected: a loss below 0.05"):
                nb10.learning_rate(lr)
    assert nb10.descend(nb10.ANSWERS["learning_rate"]())[-1] < 0.05
    with pytest.raises(CheckError, match=r"the learning rate must be a number; got 'fast'"):
        nb10.learning_rate("fast")
    with pytest.raises(CheckError, match=r"beyond any number \(it diverged\)"):
        nb10.learning_rate(1e200)


def test_momentum_step_against_sgd(capsys):
    """The formula passes; the PyTorch-style velocity (v = mu v + g) and a missing return fail."""
    nb10.momentum_step(lambda w, v, g, lr, mu: (w + mu * v - lr * g, mu * v - lr * g))
    assert "agrees with cnnviz.optim.SGD on 4 cases" in capsys.readouterr().out
    with pytest.raises(CheckError, match=r"your momentum step's new [wv]"):
        nb10.momentum_step(lambda w, v, g, lr, mu: (w - lr * (mu * v + g), mu * v + g))
    nb10.momentum_step(lambda w, v, g, lr, mu: None)
    assert "Not tried yet" in capsys.readouterr().out
    with pytest.raises(CheckError, match=r"your momentum step failed"):
        nb10.momentum_step(lambda w, v, g, lr, mu: 1 / 0)


def test_not_tried_yet_prints_a_reminder(capsys):
    """answer = ... prints what to do instead of failing."""
    nb10.mlp_params(...)
    nb10.learning_rate(...)
    nb10.momentum_step(...)
    assert capsys.readouterr().out.count("Not tried yet") == 3
