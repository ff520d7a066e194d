"""The exercises of notebooks 05-08: declared answers pass, wrong ones fail loudly, calls are declared."""

import importlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError

NOTEBOOKS = {
    "05": "05_convolution_over_volume", "06": "06_pooling",
    "07": "07_parameters_dense_vs_conv", "08": "08_full_forward_pass",
}
ROOT = Path(__file__).resolve().parent.parent


def module(nn):
    return importlib.import_module(f"cnnviz.exercises.nb{nn}")


def called_checks(nn):
    """Names of the nbNN.<check>(...) calls in the notebook's code cells."""
    nb = json.loads((ROOT / "notebooks" / f"{NOTEBOOKS[nn]}.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return set(re.findall(rf"\bnb{nn}\.(\w+)\(", code))


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_every_called_check_is_declared_exactly_once(nn):
    """Each check the notebook calls is in ANSWERS or in CODE_EXERCISES, not both, and nothing else is declared."""
    mod = module(nn)
    answers, code = set(mod.ANSWERS), set(mod.CODE_EXERCISES)
    assert not answers & code
    assert called_checks(nn) == answers | code


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_declared_answers_pass_their_checks(nn, capsys):
    """The value ANSWERS computes is accepted by the check the notebook calls."""
    mod = module(nn)
    for name, expected in mod.ANSWERS.items():
        getattr(mod, name)(expected())
        assert capsys.readouterr().out.startswith("Correct"), name


def nudged(value):
    """A wrong answer next to the right one: one more in the first number."""
    if isinstance(value, (int, np.integer)):
        return int(value) + 1
    array = np.array(value, dtype=float)
    array.flat[0] += 1
    if isinstance(value, tuple):
        return tuple(int(v) for v in array)
    return array.tolist() if isinstance(value, list) else array


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_wrong_answers_raise_with_expected_and_got(nn):
    """An answer off by one fails with a CheckError that shows what was expected and what came back."""
    mod = module(nn)
    for name, expected in mod.ANSWERS.items():
        with pytest.raises(CheckError) as info:
            getattr(mod, name)(nudged(expected()))
        assert "expected:" in str(info.value) and "got:" in str(info.value), name


@pytest.mark.parametrize("nn", NOTEBOOKS)
def test_untried_exercises_only_print_a_reminder(nn, capsys):
    """With the answer still ..., every check prints 'Not tried yet' and raises nothing."""
    mod = module(nn)
    for name in list(mod.ANSWERS) + list(mod.CODE_EXERCISES):
        getattr(mod, name)(...)
        assert "Not tried yet" in capsys.readouterr().out, name


def test_code_exercises_accept_a_right_function_and_reject_a_wrong_one(capsys):
    """The one-filter convolution and the tempered softmax: the reference passes, an off-by-a-little one fails."""
    from cnnviz.exercises import nb05, nb08

    nb05.one_filter_conv(lambda x, w, b: sum(cnnviz.correlate2d(x[c], w[c]) for c in range(len(x))) + b)
    nb08.tempered_softmax(lambda z, t: cnnviz.softmax(np.asarray(z) / t))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(CheckError, match="differs from cnnviz"):
        nb05.one_filter_conv(lambda x, w, b: sum(cnnviz.correlate2d(x[c], w[c]) for c in range(len(x))))
    with pytest.raises(CheckError, match="differs from cnnviz"):
        nb08.tempered_softmax(lambda z, t: cnnviz.softmax(np.asarray(z) * t))


def test_exact_integer_answers_are_accepted_as_floats(capsys):
    """An exact answer is never refused for its type: 1296.0 counts as 1,296."""
    from cnnviz.exercises import nb08

    nb08.flatten_length(1296.0)
    assert capsys.readouterr().out.startswith("Correct")
