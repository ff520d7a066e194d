"""Notebooks promise nothing that does not exist: every notebook they name has a file.

A reader who is told "notebook 11 does this" and finds no notebook 11 stops trusting the
rest. So a notebook names other notebooks by number, and each number must have a file;
vague forward promises ("a later notebook", "the training notebook") are refused outright,
because no test could tell what they promise.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBERS = {p.name[:2] for p in NOTEBOOKS}

#: "notebook 04", "notebooks 02 to 05", "notebooks 02 and 03", "notebooks 02-04"
NUMBERED = re.compile(r"\bnotebooks?\s+(\d{1,2})(?:\s*(?:to|and|-|–|through)\s*(\d{1,2}))?",
                      re.IGNORECASE)
#: forward promises that name no number
VAGUE = re.compile(
    r"\b(?:a|an|the)\s+(?:later|future|coming|upcoming|subsequent|following)\s+notebooks?\b"
    r"|\blater\s+notebooks\b"
    r"|\bthe\s+(?:training|backprop(?:agation)?|next\s+few)\s+notebooks?\b"
    r"|\bin\s+a\s+later\s+(?:one|lesson|section of the series)\b",
    re.IGNORECASE,
)


def _texts(path):
    """(cell index, text) for every cell's source, markdown and code alike."""
    nb = nbformat.read(path, as_version=4)
    return [(i, cell.source) for i, cell in enumerate(nb.cells)]


def named_notebooks(text):
    """Every notebook number a text names, ranges expanded: "notebooks 02 to 04" -> 02, 03, 04."""
    found = []
    for match in NUMBERED.finditer(text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        found.extend(f"{n:02d}" for n in range(first, max(first, last) + 1))
    return found


def test_named_notebooks_reads_ranges():
    """The reader of references finds single numbers and expands ranges (checks the checker)."""
    assert named_notebooks("as in notebook 04, and notebooks 02 to 05") == \
        ["04", "02", "03", "04", "05"]
    assert named_notebooks("Notebooks 09 and 10 train it") == ["09", "10"]
    assert named_notebooks("no reference here, 2 notebooks") == []


def test_vague_promises_are_recognised():
    """The phrases the issue found are caught; a back reference by number is not."""
    for text in ["a later notebook works through it", "the training notebook comes back to that",
                 "A future notebook shows", "later notebooks train it"]:
        assert VAGUE.search(text), text
    for text in ["as notebook 04 showed", "the next cell", "later in this notebook"]:
        assert not VAGUE.search(text), text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_named_notebook_exists(path):
    """Each notebook number a cell names has a file in notebooks/."""
    missing = [(i, n) for i, text in _texts(path) for n in named_notebooks(text)
               if n not in NUMBERS]
    assert missing == [], f"{path.name} names notebooks that do not exist (cell, number): {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_vague_forward_promise(path):
    """No cell promises "a later notebook": name the notebook by its number instead."""
    found = [(i, m.group(0)) for i, text in _texts(path) for m in VAGUE.finditer(text)]
    assert found == [], f"{path.name} promises what no test can check (cell, words): {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_next_notebook_exists(path):
    """"The next notebook" is only said where a next notebook exists."""
    number = int(path.name[:2])
    says_next = any(re.search(r"\bnext notebook\b", text, re.IGNORECASE)
                    for _, text in _texts(path))
    if says_next:
        assert f"{number + 1:02d}" in NUMBERS, f"{path.name} speaks of a next notebook"
