"""Self-checks: a right answer passes, a wrong one fails loudly, an untried one only reminds."""

import numpy as np
import pytest

from cnnviz.checks import CheckError, check_array, check_function, check_number
from cnnviz.exercises import nb01


def test_untried_answer_prints_a_reminder(capsys):
    """`...` is not an error: the notebook must run before the learner starts."""
    check_number(..., 5, what="the size")
    check_array(..., np.zeros(2), what="the map")
    check_function(..., np.add, [(1, 2)], what="add")
    assert capsys.readouterr().out.count("Not tried yet") == 3


def test_wrong_number_names_expected_and_got():
    """A wrong number raises CheckError quoting both values."""
    with pytest.raises(CheckError, match=r"expected: 12,288|expected: 12288") as info:
        nb01.count_inputs(12000)
    assert "got:      12000" in str(info.value)


def test_wrong_shape_is_reported_before_values():
    """An array of the wrong shape is reported as a shape problem."""
    with pytest.raises(CheckError, match=r"wrong shape.*\n.*\n  expected: shape \(2, 2\)\n  got:      shape \(3,\)"):
        check_array([1, 2, 3], np.zeros((2, 2)), what="the map", inputs="x")


def test_wrong_values_point_at_the_first_difference():
    """Differing values name how many differ and where the first one is."""
    with pytest.raises(CheckError, match=r"1 value\(s\) differ, the first at index \(1, 0\)"):
        check_array([[19, 25], [36, 43]], [[19, 25], [37, 43]], what="the map")


def test_function_check_shows_the_failing_input():
    """check_function reports the input on which the learner's function disagrees."""
    with pytest.raises(CheckError, match=r"input:    \[1, 2\], \[3, 4\]") as info:
        check_function(lambda a, b: np.subtract(a, b), np.add, [([1, 2], [3, 4])], what="add")
    assert "differs from cnnviz in 2 value(s)" in str(info.value)


def test_function_returning_none_is_explained():
    """A function without `return` gets a hint, not a numpy error."""
    with pytest.raises(CheckError, match="returned None"):
        check_function(lambda a: None, np.negative, [(1,)], what="negate")


def test_function_that_raises_is_reported():
    """An exception in the learner's code is shown by type and message."""
    with pytest.raises(CheckError, match="raised ZeroDivisionError"):
        check_function(lambda a: 1 / 0, np.negative, [(1,)], what="negate")


def test_right_answers_pass(capsys):
    """Correct answers print a confirmation."""
    nb01.count_inputs(64 * 64 * 3)
    nb01.channels_first(lambda a: a.transpose(2, 0, 1))
    assert capsys.readouterr().out.count("Correct") == 2
