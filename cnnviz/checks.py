"""Self-checks for the notebooks' exercises.

Each check compares a learner's answer with what cnnviz computes and says what
was expected and what came back. A wrong answer raises :class:`CheckError` (an
``AssertionError``), so it cannot be missed; an exercise not tried yet (the
answer is still ``...``) only prints a reminder, so a notebook still runs top to
bottom before the learner has started.
"""

from __future__ import annotations

import numpy as np


class CheckError(AssertionError):
    """A learner's answer differs from the expected one.

    >>> issubclass(CheckError, AssertionError)     # so a wrong answer cannot pass silently
    True
    """


def not_tried(answer, what):
    """True, after a reminder, while ``answer`` is still ``...``.

    >>> not_tried(..., "the output size")
    Not tried yet: replace ... with the output size, then run this cell again.
    True
    >>> not_tried(5, "the output size")
    False
    """
    if answer is ...:
        print(f"Not tried yet: replace ... with {what}, then run this cell again.")
        return True
    return False


_RETURNS_NONE = ("Not tried yet: your function returns None. Write its body (and `return` "
                 "the result), then run this cell again.")


def function_tried(func, *example_args):
    """Has the learner written ``func`` yet? False, after a reminder, while it is
    ``...`` or a body that still returns None for ``example_args``.

    An exception counts as tried: the check that follows shows it with its input.

    >>> function_tried(lambda x: None, 1)
    Not tried yet: your function returns None. Write its body (and `return` the result), then run this cell again.
    False
    >>> function_tried(lambda x: x + 1, 1)
    True
    """
    if not_tried(func, "your function"):
        return False
    if callable(func):
        try:
            result = func(*example_args)
        except Exception:  # reported, with its input, by the check that follows
            return True
        if result is None:
            print(_RETURNS_NONE)
            return False
    return True


def _fail(title, expected, got, inputs=None):
    lines = [f"Not quite: {title}"]
    if inputs:
        lines.append(f"  input:    {inputs}")
    lines += [f"  expected: {expected}", f"  got:      {got}"]
    raise CheckError("\n".join(lines))


def check_number(answer, expected, *, what, tolerance=0.0):
    """Compare a number with the expected one; ``what`` says what it is.

    >>> check_number(5, 5, what="the output size")
    Correct: the output size is 5.
    >>> check_number(4, 5, what="the output size")
    Traceback (most recent call last):
    ...
    cnnviz.checks.CheckError: Not quite: the output size
      expected: 5
      got:      4
    """
    if not_tried(answer, what):
        return
    try:
        ok = abs(float(answer) - float(expected)) <= tolerance
    except (TypeError, ValueError):
        _fail(what, expected, repr(answer))
    if not ok:
        _fail(what, expected, answer)
    print(f"Correct: {what} is {expected:,}." if isinstance(expected, (int, np.integer))
          else f"Correct: {what} is {expected}.")


def check_array(answer, expected, *, what, inputs=None, rtol=1e-6, atol=1e-9):
    """Compare an array with the expected one: shape first, then values.

    >>> check_array([[19, 25], [37, 43]], np.array([[19, 25], [37, 43]]), what="the feature map")
    Correct: the feature map matches, shape (2, 2).
    """
    if not_tried(answer, what):
        return
    expected = np.asarray(expected)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{what} should be an array of numbers", expected.tolist(), repr(answer), inputs)
    if got.shape != expected.shape:
        _fail(f"{what} has the wrong shape", f"shape {expected.shape}", f"shape {got.shape}", inputs)
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        bad = np.argwhere(~np.isclose(got, expected, rtol=rtol, atol=atol))
        first = tuple(int(i) for i in bad[0])
        _fail(
            f"{what}: {len(bad)} value(s) differ, the first at index {first}",
            np.round(expected, 6).tolist() if expected.size <= 36 else f"{expected[first]:g} at {first}",
            np.round(got, 6).tolist() if got.size <= 36 else f"{got[first]:g} at {first}",
            inputs,
        )
    print(f"Correct: {what} matches, shape {expected.shape}.")


def check_function(func, reference, cases, *, what):
    """Call a learner's ``func`` and ``reference`` on each case (a tuple of arguments).

    >>> check_function(lambda a, b: a + b, np.add, [(1, 2), (np.ones(2), np.ones(2))], what="add")
    Correct: add agrees with cnnviz on 2 cases.
    """
    if not_tried(func, "your function"):
        return
    if not callable(func):
        _fail(f"{what} should be a function", "a function", repr(func))
    for args in cases:
        expected = np.asarray(reference(*args))
        try:
            got = func(*args)
        except Exception as err:  # the learner's code failed: show how
            _fail(f"{what} raised {type(err).__name__}: {err}", expected.tolist(), "an error",
                  _short(args))
        if got is None:
            _fail(f"{what} returned None (did you forget `return`?)", expected.tolist(), None,
                  _short(args))
        got = np.asarray(got, dtype=float)
        if got.shape != expected.shape:
            _fail(f"{what} returned the wrong shape", f"shape {expected.shape}",
                  f"shape {got.shape}", _short(args))
        if not np.allclose(got, expected):
            bad = np.argwhere(~np.isclose(got, expected))
            first = tuple(int(i) for i in bad[0])
            small = expected.size <= 36
            _fail(f"{what} differs from cnnviz in {len(bad)} value(s), the first at index {first}",
                  np.round(expected, 6).tolist() if small else f"{expected[first]:g} at {first}",
                  np.round(got, 6).tolist() if small else f"{got[first]:g} at {first}",
                  _short(args))
    print(f"Correct: {what} agrees with cnnviz on {len(cases)} cases.")


def _short(args):
    parts = []
    for a in args:
        a = np.asarray(a)
        parts.append(str(a.tolist()) if a.size <= 16 else f"array of shape {a.shape}")
    return ", ".join(parts)

