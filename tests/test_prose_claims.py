"""Sentences that the notebooks' own outputs contradicted stay gone.

A careful read found each of these claims false against the numbers the notebook
prints (the reason is given beside it). The lesson tests (``tests/test_lesson_nbNN.py``)
assert what the prose now says against cnnviz; this file keeps the old, wrong wording
from coming back.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

#: (notebook, wrong claim as a regular expression, why it is wrong)
CONTRADICTED = [
    ("01", r"numbers near 255", "the largest grey value printed is 0.761, i.e. 194"),
    ("01", r"brings the familiar integers back",
     "grey is 0.299 R + 0.587 G + 0.114 B: scaled to 0-255 it is not whole"),
    ("01", r"eyes stand out in the green plane", "the iris is brighter in red (R 144, G 118, B 62)"),
    ("02", r"for a symmetric kernel the two agree",
     "[[1, 2], [2, 5]] is symmetric and changes under the flip"),
    ("02", r"convolving a with b gives the same as b with a(?! .*full)",
     "the swap holds for the full output only"),
    ("03", r"most of the photo clips to white", "with a centre 2, about 42% of the pixels clip"),
    ("03", r"median fails when more than half of (a|the|some) windows? (is|are) noise",
     "it fails when more than half is salt, or more than half is pepper"),
    ("03", r"no kernel can do what they do, because they depend on the pixel values",
     "a kernel's output depends on the pixel values too: these filters are not linear"),
    ("07", r"the probability of (\"|')?yes", "the example classifier's output is a logit"),
    ("08", r"most of the mistakes are small or faint", "of five shown, two are large and clear"),
    ("08", r"100\.0% sure", "a calibrated network is rarely that sure"),
]


def markdown(number):
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    return " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("number, claim, why", CONTRADICTED,
                         ids=[f"{n}-{c[:30]}" for n, c, _ in CONTRADICTED])
def test_contradicted_claim_is_not_made(number, claim, why):
    """The notebook does not make a claim that its own outputs contradict."""
    found = re.search(claim, markdown(number), flags=re.IGNORECASE)
    assert found is None, f"notebook {number} says {found.group(0)!r}, but {why}"


def test_the_check_finds_a_claim_when_it_is_made():
    """The search reads across line breaks and case (checks the checker)."""
    text = " ".join("Bright fur gives\nNumbers near 255.".split())
    assert re.search(CONTRADICTED[0][1], text, flags=re.IGNORECASE)
