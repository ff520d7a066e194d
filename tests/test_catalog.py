"""The catalog, the notebooks and the tests agree on every explorer and its inputs.

A saved notebook keeps, beside each explorer's stored picture, the factory that built
it and a fingerprint of its arguments (``cnnviz.explorers.catalog.METADATA_KEY``).
The tests sweep the catalog's entries and the benchmark times them, so an explorer
that a notebook builds from other inputs would go untested: this fails on it.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from cnnviz.explorers import catalog

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_FLAG = "cnnviz_widget"


def stored_origins(path):
    """(cell index, origin or None) for every stored explorer picture of a notebook."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {})
            if meta.get(WIDGET_FLAG):
                found.append((i, meta.get(catalog.METADATA_KEY)))
    return found


ENTRIES = catalog.entries()
ORIGINS = {(e.notebook, e.origin()["factory"], e.origin()["inputs"]): e for e in ENTRIES}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_explorer_a_notebook_shows_is_in_the_catalog(path):
    """Each explorer the notebook built came from a catalogued factory, with inputs the
    catalog makes for that notebook."""
    stored = stored_origins(path)
    assert stored, f"{path.name} shows no explorer"
    for cell, origin in stored:
        assert origin is not None, f"{path.name}, cell {cell}: built by an uncatalogued factory"
        key = (path.name[:2], origin["factory"], origin["inputs"])
        assert key in ORIGINS, (f"{path.name}, cell {cell}: {origin['factory']} built from "
                                "inputs no catalog entry makes; register its recipe")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_every_catalog_entry_is_shown_by_its_notebook(entry):
    """No entry is a stale copy: its notebook builds an explorer from exactly its inputs."""
    paths = [p for p in NOTEBOOKS if p.name.startswith(entry.notebook + "_")]
    assert paths, f"no notebook {entry.notebook} for {entry.key}"
    shown = {(o["factory"], o["inputs"]) for _, o in stored_origins(paths[0]) if o}
    origin = entry.origin()
    assert (origin["factory"], origin["inputs"]) in shown


def test_keys_are_unique():
    """Two entries never share a key (the tests' ids, the benchmark's rows)."""
    keys = [e.key for e in ENTRIES]
    assert len(keys) == len(set(keys))


def test_fingerprint_tells_inputs_apart():
    """The fingerprint changes with any input a notebook could pass (checks the checker)."""
    base = catalog.call_fingerprint(lambda image, *, size=3: None, (np.ones((4, 4)),), {})
    same = catalog.call_fingerprint(lambda image, *, size=3: None, (np.ones((4, 4)),), {"size": 3})
    other_size = catalog.call_fingerprint(lambda image, *, size=3: None, (np.ones((4, 4)),),
                                          {"size": 5})
    other_pixel = np.ones((4, 4))
    other_pixel[2, 1] = 0.5
    other_image = catalog.call_fingerprint(lambda image, *, size=3: None, (other_pixel,), {})
    assert base == same and len({base, other_size, other_image}) == 3
