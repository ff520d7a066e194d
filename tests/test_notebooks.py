"""The committed notebooks are current: built from their sources, navigated, executed."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbtools  # noqa: E402

NOTEBOOKS = nbtools.notebook_files()


def test_there_are_notebooks():
    """At least the first notebook exists (guards against a wrong path finding none)."""
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("01_")


def test_nothing_is_stale():
    """Sources, navigation cells, execution and the README's contents all agree."""
    assert nbtools.stale() == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_frame(path):
    """Each notebook has the frame: title, navigation, what you will learn, summary, exercises, reading."""
    nb = nbformat.read(path, as_version=4)
    text = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert text[0].startswith(f"# {path.name[:2]} ")
    assert "[Contents](../README.md#notebooks)" in text[1]
    heads = [line for t in text for line in t.splitlines() if line.startswith("## ")]
    for needed in ("## What you will learn", "## Summary", "## Exercises", "## Further reading"):
        assert needed in heads, f"{path.name} lacks {needed!r}"
    assert heads.index("## Summary") < heads.index("## Exercises") < heads.index("## Further reading")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_ignore_output(path):
    """nbval compares every output except live widgets; those cells still run."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        has_widget = any(nbtools.is_widget_output(o) for o in cell.outputs)
        tagged = nbtools.IGNORE_TAG in cell.metadata.get("tags", [])
        assert has_widget == tagged, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_outputs_are_stored_as_pictures(path):
    """A stored widget output has a PNG to show and no live view that would need its kernel."""
    nb = nbformat.read(path, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    widgets = [o for o in outputs if nbtools.is_widget_output(o)]
    assert widgets, "every notebook has at least one explorer"
    for out in outputs:
        assert nbtools.WIDGET_MIME not in out.get("data", {})
    for out in widgets:
        assert "image/png" in out["data"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_stored(path):
    """No stored output is an error or a traceback."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", cell.source[:60]
            assert "Traceback" not in out.get("text", "")


def test_navigation_would_change_nothing():
    """The navigation step, run now, would leave every file as it is (checked without writing)."""
    assert nbtools.navigate(write=False) == []
