"""Properties every explorer shares, checked on each one the notebooks show (the catalog)."""


import pytest

from cnnviz.errors import SettingError
from cnnviz.explorers import catalog

EXPLORERS = [pytest.param(entry.build, id=entry.key) for entry in catalog.entries()]


@pytest.mark.parametrize("factory", EXPLORERS)
def test_empty_dropdown_is_explained_not_raised(factory):
    """A dropdown left with nothing selected gives a sentence on the figure, never an
    exception; choosing again brings back what was shown."""
    ex = factory()
    opening = ex.message
    dropdowns = [c for c in ex.controls.values() if type(c).__name__ == "Dropdown"]
    for dropdown in dropdowns:
        before = dropdown.index
        dropdown.index = None
        assert ex.message and "Nothing is selected" in ex.message
        assert ex.last_error is None
        dropdown.index = before
        assert ex.message == opening and ex.last_error is None


@pytest.mark.parametrize("entry", catalog.entries(), ids=lambda e: e.key)
def test_opens_as_the_notebook_shows_it(entry):
    """Every explorer opens on a picture, or (when its notebook cell is about an impossible
    setting) on its explanation; never on a bug, and always with a PNG."""
    ex = entry.build()
    assert ex.last_error is None
    if entry.opens_on_explanation:
        assert ex.state is None and ex.message
    else:
        assert ex.message is None and ex.state is not None
    assert ex.png.startswith(b"\x89PNG")


@pytest.mark.parametrize("factory", EXPLORERS)
def test_stored_picture_is_the_figure_at_twice_the_density_with_its_caption(factory):
    """The PNG stored for readers without a kernel is the figure drawn again at the stored
    density (the same picture, sharper) and, under it, the caption."""
    import io

    import numpy as np
    from PIL import Image

    ex = factory()
    stored_png = ex.static_png()
    assert ex.last_error is None
    stored = Image.open(io.BytesIO(stored_png)).convert("RGB")
    live = Image.open(io.BytesIO(ex.png)).convert("RGB")
    if "static_png" in vars(ex):          # an explorer that stores a picture of its own
        return
    scale = ex.stored_scale if ex.state is not None else 1
    assert abs(stored.width - scale * live.width) <= 1
    figure_height = round(scale * live.height)
    top = stored.crop((0, 0, stored.width, figure_height)).resize(live.size, Image.BILINEAR)
    difference = np.abs(np.asarray(top, float) - np.asarray(live, float)).mean()
    assert difference < 12, f"the stored figure differs from the live one by {difference:.1f}"
    if ex.caption is None or not ex.text.value:
        assert abs(stored.height - figure_height) <= 1
    else:
        strip = np.asarray(stored)[figure_height:]
        assert strip.shape[0] > 20 and (strip < 128).any(), "the caption strip has no words"


def test_caption_picture_reads_markup():
    """Bold runs, entities and line breaks are understood; no tag is drawn as text."""
    import numpy as np

    from cnnviz.explorers._base import _CaptionParser, caption_rgb

    parser = _CaptionParser()
    parser.feed("<b>Sobel x</b>: a &lt;b&gt; tag<br>second line")
    assert parser.lines == [[("Sobel x", True), (": a <b> tag", False)], [("second line", False)]]
    one = caption_rgb("one line", 400)
    two = caption_rgb("one line<br>and another", 400)
    assert two.shape[0] > one.shape[0] and one.shape[1] == 400
    long = caption_rgb("word " * 200, 400)
    assert long.shape[0] > 5 * one.shape[0]          # wrapped to the width, not cut off
    assert caption_rgb("", 400).shape[0] == 0
    assert (one < 128).any() and np.all(one[:, -8:] == 255)   # words inside the margins
def tiny_explorer(compute, *, plot=None, caption=None):
    """An Explorer with one slider, for the machinery itself."""
    import ipywidgets as widgets

    from cnnviz.explorers._base import Explorer, new_figure

    def default_plot(state, fig=None, artists=None):
        if artists is None:
            artists = fig.add_axes([0.1, 0.1, 0.8, 0.8])
        return fig, artists

    controls = {"n": widgets.IntSlider(1, 0, 3)}
    return Explorer(compute, plot or default_plot, controls, new_figure(4, 2), caption=caption)


def test_message_with_dollar_signs_is_drawn_as_text():
    """A message quoting 'price_$5_$6.png' is plain text, not mathtext that fails to parse:
    a long one (wrapped) too, and every later update still draws."""
    def compute(n):
        if n:
            raise SettingError("'price_$5_$6.png' is not a picture that Pillow can read. " * n)
        return n

    ex = tiny_explorer(compute)
    for n in (1, 2, 3, 0):
        ex.controls["n"].value = n
        assert ex.last_error is None and ex.png.startswith(b"\x89PNG")
    assert ex.message is None


def test_a_failing_caption_or_drawing_is_recorded_not_raised():
    """A caption or a drawing that raises is a bug: it reaches last_error, the figure says
    something went wrong, and the update itself never raises."""
    def caption(state):
        if state == 2:
            raise RuntimeError("caption broke")
        return f"n = {state}"

    def plot(state, fig=None, artists=None):
        if artists is None:
            artists = fig.text(0.5, 0.5, "")
        artists.set_text(r"$\frac{$" if state == 3 else f"{state}")  # mathtext that cannot parse
        return fig, artists

    ex = tiny_explorer(lambda n: n, plot=plot, caption=caption)
    ex.controls["n"].value = 2
    assert isinstance(ex.last_error, RuntimeError) and ex.text.value == ""
    assert ex.message == "Something went wrong while drawing: caption broke"
    ex.last_error = None
    ex.controls["n"].value = 3
    assert isinstance(ex.last_error, ValueError) and ex.message.startswith("Something went wrong")
    assert ex.png.startswith(b"\x89PNG")
    ex.last_error = None
    ex.controls["n"].value = 1
    assert ex.last_error is None and ex.message is None and ex.text.value == "n = 1"
