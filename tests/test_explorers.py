"""Properties every explorer shares, checked on each one the notebooks show."""

import importlib

import pytest

MODULES = ["pixels", "stepper", "gallery", "sizes", "volume", "pooling", "parameters", "forward"]
EXPLORERS = [
    pytest.param(factory, id=f"{notebook}-{title}")
    for name in MODULES
    for notebook, title, factory in importlib.import_module(f"cnnviz.explorers.{name}").BENCHMARK
]


@pytest.mark.parametrize("factory", EXPLORERS)
def test_empty_dropdown_is_explained_not_raised(factory):
    """A dropdown left with nothing selected gives a sentence on the figure, never an exception."""
    ex = factory()
    dropdowns = [c for c in ex.controls.values() if type(c).__name__ == "Dropdown"]
    for dropdown in dropdowns:
        before = dropdown.index
        dropdown.index = None
        assert ex.message and "Nothing is selected" in ex.message
        assert ex.last_error is None
        dropdown.index = before
        assert ex.message is None and ex.last_error is None


@pytest.mark.parametrize("factory", EXPLORERS)
def test_opens_with_a_picture(factory):
    """Every explorer opens on a picture (not an explanation) and shows a PNG."""
    ex = factory()
    assert ex.message is None and ex.last_error is None
    assert ex.png.startswith(b"\x89PNG")
