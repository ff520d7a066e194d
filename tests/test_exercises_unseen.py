"""Exercises make the learner compute: no answer is on screen before the solutions.

Each ``cnnviz.exercises.nbNN`` module declares ``ANSWERS`` (check name -> a function giving
the expected value, computed by cnnviz from the case the notebook asks about) and
``CODE_EXERCISES`` (checks of a function the learner writes). This test reads the stored
notebook, as a reader sees it, and fails when an expected value is printed or written
anywhere above the cell that opens the Solutions block.
"""

import importlib
import numbers
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = "<details><summary>Solutions"


def module_of(path):
    return importlib.import_module(f"cnnviz.exercises.nb{path.name[:2]}")


def renderings(value):
    """The ways a value could be written in prose or printed, for the search."""
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim else value.item()
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (list, tuple))
                                                          for v in value):
        # a matrix or a volume: as a nested list and as numpy prints it
        arr = np.asarray(value)
        if np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            arr = arr.astype(int)
        return [str(arr.tolist()), np.array2string(arr)]
    if isinstance(value, (tuple, list)) and all(isinstance(v, numbers.Integral) for v in value):
        items = [str(int(v)) for v in value]
        forms = ["(" + ", ".join(items) + ")", "[" + ", ".join(items) + "]"]
        for sep in ("x", " x ", "×", " × "):
            forms.append(sep.join(items))
        return forms
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        v = int(value)
        return [str(v), f"{v:,}"] if abs(v) >= 10 else []
    if isinstance(value, numbers.Real):
        v = float(value)
        forms = [f"{v:.{d}f}" for d in range(1, 5)]
        if v.is_integer() and abs(v) >= 10:
            forms += [str(int(v)), f"{int(v):,}"]
        return forms
    raise TypeError(f"no renderings for an answer of type {type(value).__name__}: {value!r}")


def found_in(text, form):
    """``form`` stands in ``text`` as a whole token, not inside a longer number or word."""
    pattern = r"(?<![\w.])" + re.escape(form) + r"(?![\w]|\.\d)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def visible_before_solutions(path):
    """Markdown and printed output of every cell above the one that opens the solutions."""
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        if SOLUTIONS in cell.source:
            break
        if cell.cell_type == "markdown":
            texts.append(cell.source)
            continue
        for out in cell.get("outputs", []):
            if "text" in out:
                texts.append(out["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in out.get("data", {}):
                    texts.append(out["data"][mime])
    return "\n".join(texts)


def exercise_calls(path):
    """Names of the checks the notebook's Exercises section calls: ``nbNN.name(``."""
    nb = nbformat.read(path, as_version=4)
    module = f"nb{path.name[:2]}"
    names, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## Exercises"):
            inside = True
        elif cell.cell_type == "markdown" and cell.source.startswith("## ") and inside:
            break
        elif inside and cell.cell_type == "code":
            names += re.findall(rf"\b{module}\.(\w+)\(", cell.source)
    return names


def test_renderings_and_search():
    """The search finds an answer written as people write it, and not inside other numbers."""
    assert "4 x 6" in renderings((4, 6)) and "(4, 6)" in renderings((4, 6))
    assert renderings(3) == [] and "1,234" in renderings(1234)
    assert found_in("the output is (4, 6).", "(4, 6)")
    assert found_in("it has 2,892,993 parameters", "2,892,993")
    assert not found_in("it has 12,345 parameters", "2,345")
    assert not found_in("0.1425 is close", "142")
    assert found_in("mean 142.10 here", "142.10")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_is_declared(path):
    """Every check the Exercises section calls is a value exercise or a code exercise."""
    module = module_of(path)
    declared = set(module.ANSWERS) | set(module.CODE_EXERCISES)
    calls = exercise_calls(path)
    assert calls, f"{path.name} calls no self-check in its Exercises section"
    assert set(calls) <= declared, f"undeclared exercises in {path.name}: {set(calls) - declared}"
    assert not set(module.ANSWERS) & set(module.CODE_EXERCISES)
    assert set(calls) == declared, f"declared but not asked in {path.name}: {declared - set(calls)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_answers_are_not_on_screen_before_the_solutions(path):
    """No expected value is printed or written above the solutions block."""
    module = module_of(path)
    text = visible_before_solutions(path)
    shown = {name: form for name, expected in module.ANSWERS.items()
             for form in renderings(expected()) if found_in(text, form)}
    assert shown == {}, f"{path.name}: answers already on screen (exercise: as written): {shown}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_at_least_two_exercises_make_the_learner_compute(path):
    """Two or more exercises per notebook: code to write, or a value nowhere on screen."""
    module = module_of(path)
    assert len(module.ANSWERS) + len(module.CODE_EXERCISES) >= 2
