"""The shared explorer machinery: layout, constraints, explained vs broken, stored pictures."""

import io

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ipywidgets")
import ipywidgets as widgets  # noqa: E402

from cnnviz.errors import DoesNotFit, SettingError  # noqa: E402
from cnnviz.explorers import catalog, draw  # noqa: E402
from cnnviz.explorers._base import Explorer, control_values  # noqa: E402


def plot_bars(state, fig=None, artists=None):
    """A toy plot: one matrix Panel, updated in place."""
    if artists is None:
        fig = fig or draw.new_figure(4, 2)
        artists = {"panel": draw.Panel(fig, [0.05, 0.05, 0.9, 0.9], bar=True)}
    lim = draw.symmetric_limits(state)
    cell = round(12 * draw.scale(fig))
    artists["panel"].show(state, cell, title=f"{state.shape[0]}x{state.shape[1]}",
                          cmap=draw.DIVERGING, vmin=lim[0], vmax=lim[1], bar_limits=lim)
    return fig, artists


def toy(compute=None, **kwargs):
    """Two sliders, size and kernel; the kernel may not exceed the size."""
    def default(size, kernel):
        if kernel > size:
            raise DoesNotFit(size=size, kernel_size=kernel, padding=0)
        return np.arange(size * kernel, dtype=float).reshape(size, kernel) - size

    controls = dict(size=widgets.IntSlider(5, 1, 9), kernel=widgets.IntSlider(3, 1, 9))
    kwargs.setdefault("caption", lambda s: f"<b>{s.shape[0]}</b> rows")
    return Explorer(compute or default, plot_bars, controls, draw.new_figure(4, 2), **kwargs)


def test_setting_error_is_explained_not_recorded():
    """An impossible setting becomes a sentence on the figure; nothing counts as a bug."""
    ex = toy()
    ex.set(kernel=7)
    assert ex.state is None and "No window fits" in ex.message
    assert ex.last_error is None
    ex.set(kernel=2)
    assert ex.message is None and ex.state.shape == (5, 2)


def test_injected_bug_is_recorded_not_explained():
    """A broadcasting mistake (a plain ValueError) reaches last_error, so a sweep fails on it."""
    def buggy(size, kernel):
        return np.ones(size) + np.ones(kernel)     # shapes (5,) and (3,) do not broadcast

    ex = toy(buggy)
    assert isinstance(ex.last_error, ValueError) and "broadcast" in str(ex.last_error)
    assert ex.message.startswith("Something went wrong")
    assert not isinstance(ex.last_error, SettingError)


def test_a_failing_plot_or_caption_is_recorded():
    """Drawing and captions run inside the error handling: a failure is recorded, not raised."""
    ex = toy(caption=None)
    ex.caption = lambda state: 1 / 0
    ex.set(size=6)
    assert isinstance(ex.last_error, ZeroDivisionError) and ex.png.startswith(b"\x89PNG")


def test_explain_builds_the_sentence_from_fields():
    """An explain hook words the error for its own controls."""
    ex = toy(explain=lambda err: f"kernel {err.kernel_size} > size {err.size} by {err.shortfall}")
    ex.set(size=2, kernel=5)
    assert ex.message == "kernel 5 > size 2 by 3"


def test_constrain_sets_limits_disabled_and_values_before_compute():
    """constrain's limits apply before the state is computed, settling chained limits."""
    seen = []

    def compute(size, kernel):
        seen.append((size, kernel))
        return np.zeros((size, kernel))

    def constrain(values):
        return {"kernel": {"max": values["size"], "disabled": values["size"] == 1}}

    ex = toy(compute, constrain=constrain)
    ex.set(kernel=5)
    ex.set(size=3)                    # kernel 5 no longer fits: clipped to 3 before compute
    assert ex.controls["kernel"].max == 3 and ex.controls["kernel"].value == 3
    assert all(k <= s for s, k in seen) and ex.last_error is None
    ex.set(size=1)
    assert ex.controls["kernel"].disabled and ex.controls["kernel"].value == 1


def test_constrain_can_force_a_value():
    """A value constrain asks for (a padding following its mode) is set, once per change."""
    controls = dict(mode=widgets.Dropdown(options=["valid", "same"], value="valid"),
                    padding=widgets.IntSlider(0, 0, 5))

    def constrain(values):
        forced = {"valid": 0, "same": 1}[values["mode"]]
        return {"padding": {"value": forced, "disabled": True}}

    ex = Explorer(lambda mode, padding: np.full((2, 2), padding, float), plot_bars, controls,
                  draw.new_figure(4, 2), constrain=constrain)
    ex.set(mode="same")
    assert ex.controls["padding"].value == 1 and ex.state[0, 0] == 1


def test_layout_places_every_control_once():
    """The layout rows hold the controls in order; a missing control is refused."""
    ex = toy(layout=[["kernel"], ["size"]])
    rows = ex.widget.children[:2]
    assert [row.children[0] for row in rows] == [ex.controls["kernel"], ex.controls["size"]]
    with pytest.raises(ValueError, match="layout must name every control once"):
        toy(layout=[["kernel"]])


def test_layout_places_a_companion_widget_as_given():
    """A widget that is not a control (a Play button) sits in its row but is not a control."""
    play = widgets.Play(value=1, min=1, max=9)
    ex = toy(layout=[["size"], [play, "kernel"]])
    assert ex.widget.children[1].children == (play, ex.controls["kernel"])
    assert sorted(ex.controls) == ["kernel", "size"]
    with pytest.raises(ValueError, match="layout must name every control once"):
        toy(layout=[[play, "kernel"]])


@pytest.mark.parametrize("dpi_scale", [1, 2])
def test_panel_outline_keeps_its_share_of_a_cell_at_any_density(dpi_scale):
    """The outline is 3 points at any dpi: the stored picture shows it as thick as the live one."""
    fig = draw.new_figure(2, 2, dpi=draw.DPI * dpi_scale)
    panel = draw.Panel(fig, [0, 0, 1, 1], title_lines=1)
    cell = round(20 * draw.scale(fig))
    panel.show(np.zeros((3, 3)), cell, title="t", cmap=draw.GREY, vmin=0, vmax=1)
    panel.outline(0, 0, 1, 1)
    orange = np.abs(draw.figure_rgb(fig).astype(int) - draw.rgb(draw.HIGHLIGHT)).sum(-1) < 60
    line_px = orange.any(axis=0).sum() - cell          # the box is one cell plus one line wide
    assert abs(line_px - 3 * fig.dpi / 72) <= 1.5

def test_stored_picture_is_twice_as_dense_with_its_caption():
    """The stored PNG has twice the pixels, the caption under it, and says its 1x size."""
    ex = toy()
    data, metadata = ex._repr_mimebundle_()
    import base64
    stored = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    live = Image.open(io.BytesIO(ex.png))
    assert stored.width == 2 * live.width and stored.height > 2 * live.height
    assert metadata["image/png"] == {"width": live.width, "height": round(stored.height / 2)}


def test_control_values_follow_the_step():
    """A sweep offers only the values a slider can take (odd sizes for step 2)."""
    values = control_values(widgets.IntSlider(3, 1, 15, step=2))
    assert values[0] == 1 and values[-1] == 15 and all(v % 2 == 1 for v in values)


def test_factory_stamps_the_inputs_it_was_built_from():
    """A catalogued factory records its name and a fingerprint of its bound arguments."""
    @catalog.factory
    def make(image, *, size=5):
        return toy()

    a, b, c = make(np.ones(3)), make(np.ones(3), size=5), make(np.ones(4))
    assert a.origin == b.origin and a.origin != c.origin
    assert a.origin["factory"].endswith("make")


def test_fingerprint_distinguishes_networks_by_weights():
    """Two networks of one architecture with other weights have other fingerprints."""
    from cnnviz.pretrained import shapes_cnn

    one = shapes_cnn(pretrained=False).initialize(seed=0)
    two = shapes_cnn(pretrained=False).initialize(seed=1)
    assert catalog.fingerprint(one) != catalog.fingerprint(two)
    assert catalog.fingerprint(one) == catalog.fingerprint(shapes_cnn(pretrained=False).initialize(seed=0))


def test_caption_tables_keep_their_columns_apart():
    """A caption's table is drawn row by row, its cells separated, not run together."""
    from cnnviz.explorers.draw import _CaptionParser

    parser = _CaptionParser()
    parser.feed("<details><summary>Every layer</summary><table><tr><th>Layer</th><th>Params</th>"
                "</tr><tr><td>Conv2d-1</td><td>80</td></tr></table></details>")
    lines = ["".join(text for text, _ in line).split() for line in parser.lines if line]
    assert lines == [["Every", "layer"], ["Layer", "|", "Params", "|"], ["Conv2d-1", "|", "80", "|"]]
def test_an_explorer_with_a_picture_of_its_own_is_stored_at_that_picture_size():
    """A replaced static_png (notebook 08's filmstrip) is stored and sized by its own pixels."""
    import base64

    ex = toy()
    picture = draw.png_bytes(np.full((30, 50, 3), 200, np.uint8))
    ex.static_png = lambda: picture
    data, metadata = ex._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]) == picture
    assert metadata["image/png"] == {"width": 50, "height": 30}
