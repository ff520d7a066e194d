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


def _copy_notebook(tmp_path, monkeypatch):
    """One notebook and its source in a scratch tree, with nbtools pointed at it."""
    import shutil

    sources, notebooks = tmp_path / "tools" / "notebooks", tmp_path / "notebooks"
    sources.mkdir(parents=True)
    notebooks.mkdir()
    path = NOTEBOOKS[0]
    shutil.copy(path, notebooks / path.name)
    shutil.copy(nbtools.source_path(path), sources / nbtools.source_path(path).name)
    for name, value in [("ROOT", tmp_path), ("SOURCES", sources), ("NOTEBOOKS", notebooks),
                        ("README", tmp_path / "README.md")]:
        monkeypatch.setattr(nbtools, name, value)
    return notebooks / path.name, sources / nbtools.source_path(path).name


def test_sources_hold_every_input(tmp_path, monkeypatch):
    """A source says exactly what its notebook says, outputs aside (navigation and tags too)."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nbtools.inputs(nb.cells) == nbtools.inputs(nbtools.read_source(nbtools.source_path(path)))


def test_an_edited_notebook_is_never_overwritten(tmp_path, monkeypatch):
    """A notebook saved after its source is refused by build, and keep moves the edit into the source."""
    import os

    notebook, source = _copy_notebook(tmp_path, monkeypatch)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[2].source += "\n\nA sentence a teacher added in JupyterLab."
    nbformat.write(nb, notebook)
    stamp = source.stat().st_mtime
    os.utime(notebook, (stamp + 10, stamp + 10))
    with pytest.raises(nbtools.EditedNotebook, match=notebook.name):
        nbtools.build()
    assert "a teacher added" in notebook.read_text()          # left alone
    assert "a teacher added" not in source.read_text()
    assert nbtools.keep([notebook]) == [source]
    assert "# A sentence a teacher added in JupyterLab." in source.read_text()
    assert nbtools.build() == []                              # now they agree


def test_an_edited_source_is_built(tmp_path, monkeypatch):
    """A source saved after its notebook is built into it (its outputs dropped)."""
    import os

    notebook, source = _copy_notebook(tmp_path, monkeypatch)
    source.write_text(source.read_text().replace("# ## What you will learn", "# ## What you learn"))
    stamp = notebook.stat().st_mtime
    os.utime(source, (stamp + 10, stamp + 10))
    assert nbtools.build() == [notebook]
    assert "## What you learn" in notebook.read_text()


def test_jupytext_pairs_each_notebook_with_its_source():
    """jupytext.toml pairs notebooks/NN.ipynb with tools/notebooks/NN.py in the sources' format."""
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

    config_file = find_jupytext_configuration_file(str(ROOT / "notebooks"))
    assert config_file is not None and Path(config_file).parent == ROOT
    config = load_jupytext_configuration_file(config_file)
    formats = config.default_formats(str(NOTEBOOKS[0]))
    assert "tools/notebooks///py:percent" in formats and nbtools.FORMAT == "py:percent"
