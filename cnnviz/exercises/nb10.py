"""Exercises of notebook 10: training a CNN."""

from __future__ import annotations

import numpy as np

from ..checks import CheckError, check_number, function_tried, not_tried
from ..optim import SGD
from ..params import dense_params

#: Exercise 2: the hidden width of the MLP whose weights the learner counts.
MLP_HIDDEN = 10
#: Exercise 3: loss 2 (w - 3)^2 from w = 0, plain gradient descent, the steps and the target.
LR_CASE = {"curvature": 2.0, "target_w": 3.0, "start": 0.0, "steps": 8, "loss": 0.05}


def _mlp_params():
    return dense_params(784, MLP_HIDDEN) + dense_params(MLP_HIDDEN, 4)


def descend(lr, *, steps=None):
    """The losses of gradient descent on ``c (w - w*)^2`` from the case's start.

    Returns the loss after each step (``LR_CASE``'s settings); a learning rate that makes
    ``w`` run off gives losses that grow.
    """
    c, target, w = LR_CASE["curvature"], LR_CASE["target_w"], np.float64(LR_CASE["start"])
    losses = []
    for _ in range(LR_CASE["steps"] if steps is None else steps):
        w = w - lr * 2 * c * (w - target)
        with np.errstate(all="ignore"):      # a rate far too large overflows to inf
            losses.append(float(c * (w - target) ** 2))
    return losses


#: Exercises whose answer is a value: check name -> the expected value, computed by cnnviz.
ANSWERS = {
    "mlp_params": _mlp_params,
    # one right answer: the step that lands on w* at once; a range of others pass too
    "learning_rate": lambda: 1 / (4 * LR_CASE["curvature"]),
}
#: Exercises where the learner writes a function, checked against cnnviz on several cases.
CODE_EXERCISES = ("momentum_step",)


def mlp_params(answer):
    """Weights and biases of Flatten -> Dense(784, 10) -> ReLU -> Dense(10, 4).

    >>> mlp_params(7894)
    Correct: the number of parameters of the 784-10-4 MLP is 7,894.
    """
    check_number(answer, _mlp_params(),
                 what=f"the number of parameters of the 784-{MLP_HIDDEN}-4 MLP")


def learning_rate(answer):
    """A learning rate that takes ``2 (w - 3)^2`` below 0.05 in 8 steps from ``w = 0``.

    >>> learning_rate(0.2)
    Correct: with learning rate 0.2 the loss is 1.2e-10 after 8 steps (target: below 0.05).
    >>> learning_rate(0.01)
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: learning rate 0.01 leaves the loss at 9.4 after 8 steps
      expected: a loss below 0.05
      got:      9.4
    """
    if not_tried(answer, "a learning rate"):
        return
    try:
        lr = float(answer)
    except (TypeError, ValueError):
        raise CheckError(f"Not quite: the learning rate must be a number; got {answer!r}") from None
    with np.errstate(all="ignore"):
        final = descend(lr)[-1]
    steps, target = LR_CASE["steps"], LR_CASE["loss"]
    if not np.isfinite(final) or final >= target:
        shown = f"{final:.2g}" if np.isfinite(final) else "beyond any number (it diverged)"
        raise CheckError("\n".join([
            f"Not quite: learning rate {lr:g} leaves the loss at {shown} after {steps} steps",
            f"  expected: a loss below {target:g}", f"  got:      {shown}"]))
    print(f"Correct: with learning rate {lr:g} the loss is {final:.2g} after {steps} steps "
          f"(target: below {target:g}).")


def _momentum_cases():
    rng = np.random.default_rng(10)
    cases = [(np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, 0.5]), 0.1, 0.9)]
    for shape in [(3,), (2, 3), (4, 1, 2)]:
        cases.append((rng.standard_normal(shape), rng.standard_normal(shape),
                      rng.standard_normal(shape), float(rng.uniform(0.01, 0.5)),
                      float(rng.uniform(0, 0.95))))
    return cases


def _reference_step(w, v, g, lr, mu):
    w, v = np.array(w, dtype=float), np.array(v, dtype=float)
    opt = SGD({"w": w}, lr=lr, momentum=mu)
    opt.velocity["w"][...] = v
    opt.step({"w": np.asarray(g, dtype=float)})
    return w, opt.velocity["w"]


def momentum_step(func):
    """``func(w, v, g, lr, mu) -> (new_w, new_v)``: one SGD step with momentum.

    ``v = mu v - lr g`` then ``w = w + v``; checked against :class:`cnnviz.optim.SGD`.

    >>> momentum_step(lambda w, v, g, lr, mu: (w + (mu * v - lr * g), mu * v - lr * g))
    Correct: your momentum step agrees with cnnviz.optim.SGD on 4 cases.
    """
    cases = _momentum_cases()
    if not function_tried(func, *(np.copy(a) if isinstance(a, np.ndarray) else a
                                   for a in cases[0])):
        return
    for w, v, g, lr, mu in cases:
        want_w, want_v = _reference_step(w, v, g, lr, mu)
        inputs = f"w={np.round(w, 3).tolist()}, v={np.round(v, 3).tolist()}, " \
                 f"g={np.round(g, 3).tolist()}, lr={lr:.3g}, mu={mu:.3g}"
        try:
            got = func(w.copy(), v.copy(), g.copy(), lr, mu)
            got_w, got_v = (np.asarray(a, dtype=float) for a in got)
        except CheckError:
            raise
        except Exception as err:
            raise CheckError(f"Not quite: your momentum step failed\n  input:    {inputs}\n"
                             f"  error:    {type(err).__name__}: {err}") from None
        for name, want, have in (("w", want_w, got_w), ("v", want_v, got_v)):
            if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9, atol=1e-12):
                raise CheckError("\n".join([
                    f"Not quite: your momentum step's new {name}", f"  input:    {inputs}",
                    f"  expected: {np.round(want, 6).tolist()}",
                    f"  got:      {np.round(have, 6).tolist()}"]))
    print(f"Correct: your momentum step agrees with cnnviz.optim.SGD on {len(cases)} cases.")


__all__ = ["ANSWERS", "CODE_EXERCISES", "LR_CASE", "MLP_HIDDEN", "descend", "learning_rate",
           "mlp_params", "momentum_step"]
