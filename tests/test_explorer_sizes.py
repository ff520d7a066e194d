"""Notebook 04's explorer (padding, stride, dilation), driven headlessly as a learner would."""

import re

import numpy as np
import pytest

import cnnviz
from cnnviz.errors import DoesNotFit, SettingError
from cnnviz.explorers import catalog
from cnnviz.explorers.draw import matrix_rgb
from cnnviz.explorers.sizes import (
    _LEGEND, CELL, COVERAGE_CMAP, _formula_text, constrain, grid_rgb, size_explorer,
)
from cnnviz.lessons.sizes import NoSuchWindow, explain, idle_controls, output_size_state
from cnnviz.shapes import UnevenPadding, padding_for, window_coverage
from explorer_support import sweep

_INPUT, _PADDING, _TAP_INPUT, _TAP_PADDING, _UNREAD_INPUT, _UNREAD_PADDING = (
    CELL[role] for role in ("input", "padding", "tap", "tap_padding", "unread", "unread_padding"))


def coverage_by_loop(n, k, s, p, d):
    """Count, window by window and tap by tap, how often each input pixel is read."""
    counts = np.zeros((n + 2 * p, n + 2 * p), dtype=int)
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    for i in range(out):
        for j in range(out):
            for u in range(k):
                for v in range(k):
                    counts[i * s + u * d, j * s + v * d] += 1
    return counts[p:p + n, p:p + n]


def random_settings(count, seed=4):
    rng = np.random.default_rng(seed)
    settings = []
    while len(settings) < count:
        n, k, s, p, d = (int(v) for v in (rng.integers(1, 13), rng.integers(1, 8),
                                          rng.integers(1, 5), rng.integers(0, 5),
                                          rng.integers(1, 4)))
        if n + 2 * p >= d * (k - 1) + 1:
            settings.append((n, k, s, p, d))
    return settings


# ------------------------------------------------------------------------- the state
@pytest.mark.parametrize("n,k,s,p,d,out", [
    (7, 3, 1, 0, 1, 5), (7, 3, 2, 0, 1, 3), (6, 3, 1, 0, 1, 4), (6, 3, 1, 1, 1, 6),
    (6, 3, 1, 2, 1, 8), (7, 3, 1, 0, 2, 3), (8, 3, 2, 0, 1, 3), (12, 7, 4, 3, 2, 2),
])
def test_output_size_matches_library_and_convolution(n, k, s, p, d, out):
    """The state's output size is cnnviz's, and the shape correlate2d really produces."""
    state = output_size_state(n, k, padding=p, stride=s, dilation=d)
    assert state.out == out == cnnviz.conv_output_size(n, k, stride=s, padding=p, dilation=d)
    result = cnnviz.correlate2d(np.ones((n, n)), np.ones((k, k)), stride=s, padding=p, dilation=d)
    assert result.shape == (out, out)
    assert state.explanation == cnnviz.explain_output_size(n, k, stride=s, padding=p, dilation=d)
    substituted = state.explanation.split("\n")[1]
    assert substituted == f"    = floor(({n} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1"
    assert substituted in _formula_text(state).split("\n")


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_named_paddings_for_odd_kernels(k):
    """valid keeps n-k+1, same keeps n, full gives n+k-1 (stride 1), matching resolve_padding."""
    n = 9
    sizes = {mode: output_size_state(n, k, padding=mode).out for mode in ("valid", "same", "full")}
    assert sizes == {"valid": n - k + 1, "same": n, "full": n + k - 1}
    assert padding_for("same", k) == (k - 1) // 2 == cnnviz.same_padding(k)
    assert padding_for("full", k) == k - 1


def test_named_paddings_with_dilation():
    """Dilation widens the kernel, so same and full padding grow with it."""
    assert padding_for("same", 3, dilation=2) == 2
    assert padding_for("full", 3, dilation=2) == 4
    assert output_size_state(7, 3, padding="same", dilation=2).out == 7


def test_same_padding_for_an_even_kernel_is_explained():
    """An even kernel cannot be padded equally on both sides; the sentence says what to do."""
    with pytest.raises(UnevenPadding, match=r"'same' padding for a 4x4 kernel needs 3 extra "
                       r"pixels per row, an odd number.*PyTorch puts 1 before and 2 after") as info:
        output_size_state(8, 4, padding="same")
    assert (info.value.before, info.value.after) == (1, 2)
    assert re.search(r"'same' padding for a 4x4 kernel needs 3 extra pixels per row, an odd "
                     r"number.*PyTorch puts 1 before and 2 after.*odd kernel", explain(info.value))
    # With dilation 2 the total 2*(4-1) = 6 splits evenly.
    assert output_size_state(8, 4, padding="same", dilation=2).out == 8


@pytest.mark.parametrize("n,k,p,d", [(5, 7, 0, 1), (2, 3, 0, 1), (5, 3, 0, 3), (1, 4, 1, 1)])
def test_no_window_fits_is_explained(n, k, p, d):
    """When the kernel is wider than the padded input, the sentence says so and how to fix it."""
    with pytest.raises(DoesNotFit) as info:
        output_size_state(n, k, padding=p, dilation=d)
    span = d * (k - 1) + 1
    assert (info.value.size, info.value.padding, info.value.span) == (n, 2 * p, span)
    needed = -(-(span - n) // 2)
    sentence = explain(info.value)
    assert sentence.startswith("No window fits") and f"Use padding >= {needed}" in sentence
    assert f"is only {n} + 2*{p} = {n + 2 * p} wide" in sentence
    assert output_size_state(n, k, padding=needed, dilation=d).out >= 1
    with pytest.raises(DoesNotFit):
        output_size_state(n, k, padding=needed - 1, dilation=d)


def test_no_fit_agrees_with_library_everywhere():
    """The state refuses exactly the settings cnnviz.conv_output_size refuses."""
    for n in range(1, 8):
        for k in range(1, 8):
            for p in range(3):
                for d in (1, 2):
                    try:
                        cnnviz.conv_output_size(n, k, padding=p, dilation=d)
                        fits = True
                    except ValueError:
                        fits = False
                    if fits:
                        assert output_size_state(n, k, padding=p, dilation=d).out >= 1
                    else:
                        with pytest.raises(DoesNotFit):
                            output_size_state(n, k, padding=p, dilation=d)


def test_window_index_out_of_range_is_explained():
    """Asking for window 25 of a 5x5 output names the largest valid index."""
    with pytest.raises(NoSuchWindow, match=r"window must be at most 24 \(a 5x5 output has 25 windows\)") as info:
        output_size_state(7, 3, window=25)
    assert isinstance(info.value, SettingError)
    assert (info.value.window, info.value.out, info.value.windows) == (25, 5, 25)
    assert "numbered 0 to 24" in explain(info.value)
    assert output_size_state(7, 3, window=24).window_cell == (4, 4)


def test_starts_and_taps_of_a_window():
    """Window 5 of a 3x3 output sits at cell (1, 2) and reads rows i*s + u*d, columns j*s + v*d."""
    state = output_size_state(9, 3, stride=2, dilation=2, window=5)
    assert state.out == 3 and state.span == 5
    assert state.starts.tolist() == [0, 2, 4]
    assert state.window_cell == (1, 2)
    rows, cols = state.taps
    assert rows.tolist() == [2, 4, 6] and cols.tolist() == [4, 6, 8]


@pytest.mark.parametrize("n,k,s,p,d", [(7, 3, 1, 0, 1), (8, 3, 2, 0, 1), (6, 3, 2, 1, 1),
                                       (10, 2, 4, 0, 1), (9, 3, 1, 2, 2), (12, 7, 3, 4, 2)]
                         + random_settings(12))
def test_coverage_matches_a_loop(n, k, s, p, d):
    """window_coverage (im2col counting) equals counting tap by tap in a loop."""
    expected = coverage_by_loop(n, k, s, p, d)
    assert np.array_equal(window_coverage(n, k, stride=s, padding=p, dilation=d), expected)
    state = output_size_state(n, k, stride=s, padding=p, dilation=d)
    assert np.array_equal(state.coverage, expected)
    # Every window reads k*k cells, so the padded counts add up to out^2 * k^2.
    assert state.padded_coverage.sum() == state.out ** 2 * k * k


def test_padding_raises_the_corner_count():
    """Corner / centre reads: 1/9 without padding, 4/9 with same padding, 9/9 with full."""
    corners = {}
    for mode in ("valid", "same", "full"):
        cov = output_size_state(6, 3, padding=mode).coverage
        assert cov[3, 3] == 9
        corners[mode] = cov[0, 0]
    assert corners == {"valid": 1, "same": 4, "full": 9}


def test_leftover_rows_are_never_read():
    """8x8, k=3, s=2: (8-3) mod 2 = 1, so the last input row and column are never read."""
    state = output_size_state(8, 3, stride=2)
    assert state.leftover == 1 and state.unread_input == 1
    assert state.read.tolist() == [True] * 7 + [False]
    assert (state.coverage[-1] == 0).all() and (state.coverage[:, -1] == 0).all()
    rgb = grid_rgb(state)
    assert tuple(rgb[7, 3]) == _UNREAD_INPUT and tuple(rgb[3, 7]) == _UNREAD_INPUT
    assert tuple(rgb[6, 6]) == _INPUT


def test_only_padding_left_over():
    """6x6, k=3, p=1, s=2: the unread column is padding, so every input pixel still counts."""
    state = output_size_state(6, 3, padding=1, stride=2)
    assert state.leftover == 1 and state.unread_input == 0
    assert not state.read[-1] and state.read[:-1].all()
    assert tuple(grid_rgb(state)[7, 7]) == _UNREAD_PADDING


def test_stride_longer_than_kernel_skips_inner_rows():
    """A stride longer than the kernel leaves gaps between windows, not only at the end."""
    state = output_size_state(10, 2, stride=4)
    assert state.leftover == 0
    assert np.flatnonzero(~state.read).tolist() == [2, 3, 6, 7]
    assert state.unread_input == 4


def test_grid_colours_padding_input_and_taps():
    """Padding is white, input grey, and the chosen window's taps orange."""
    state = output_size_state(6, 3, padding="same", window=0)
    rgb = grid_rgb(state)
    assert rgb.shape == (8, 8, 3)
    assert tuple(rgb[7, 7]) == _PADDING and tuple(rgb[4, 4]) == _INPUT
    assert tuple(rgb[1, 1]) == _TAP_INPUT and tuple(rgb[0, 0]) != _PADDING


# ---------------------------------------------------------------------- the explorer
def test_window_slider_moves_the_highlight():
    """Moving the window slider moves the outline to the window's start and changes the picture."""
    ex = size_explorer(7, 3, stride=2)
    assert ex.controls["window"].max == 8
    before = ex.png
    ex.controls["window"].value = 5
    assert ex.state.window_cell == (1, 2)
    assert ex.artists["window"].get_xy() == pytest.approx((3.5, 1.5))
    assert ex.png != before


def test_each_change_redraws_once():
    """Controls that adjust each other (mode, padding, window) still cost one redraw per change."""
    ex = size_explorer(7, 3)
    for name, value in [("mode", "same"), ("kernel_size", 5), ("padding", 1), ("size", 9),
                        ("window", 3), ("stride", 2)]:
        count = len(ex.timings)
        ex.controls[name].value = value
        assert len(ex.timings) == count + 1, name


def test_padding_dropdown_drives_the_slider():
    """valid / same / full set the padding slider and lock it; custom frees it at the same value."""
    ex = size_explorer(7, 3)
    for mode, p, out in [("same", 1, 7), ("full", 2, 9), ("valid", 0, 5)]:
        ex.controls["mode"].value = mode
        assert ex.controls["padding"].value == p and ex.controls["padding"].disabled
        assert (ex.state.padding, ex.state.out, ex.state.padding_mode) == (p, out, mode)
    ex.controls["padding"].value = 3             # a locked slider follows its mode
    assert ex.controls["padding"].value == 0 and ex.state.padding == 0
    ex.controls["mode"].value = "full"
    ex.controls["mode"].value = "custom"
    assert not ex.controls["padding"].disabled and ex.state.padding == 2
    ex.controls["padding"].value = 3
    assert ex.controls["mode"].value == "custom"
    assert (ex.state.padding, ex.state.out, ex.state.padding_mode) == (3, 11, "custom")


def test_kernel_change_keeps_named_padding():
    """In 'same' mode a bigger kernel gets more padding, so the size stays the same."""
    ex = size_explorer(8, 3, padding="same")
    ex.controls["kernel_size"].value = 7
    assert ex.controls["padding"].value == 3 and ex.controls["mode"].value == "same"
    assert ex.state.out == 8
    ex.controls["dilation"].value = 2
    assert ex.controls["padding"].value == 6 and ex.state.out == 8
    assert ex.controls["padding"].max >= 6


def test_window_slider_follows_the_output_size():
    """The window slider's range is always the number of output cells."""
    ex = size_explorer(7, 3)
    ex.controls["window"].value = 24
    ex.controls["stride"].value = 2
    assert ex.controls["window"].max == 8 and ex.controls["window"].value == 8
    assert ex.state.window == 8 and ex.message is None


def test_no_fit_shows_an_explanation_then_recovers():
    """A 7x7 kernel on a 5x5 input shows why on the figure; padding 1 brings the picture back."""
    ex = size_explorer(5, 3, padding=0)
    picture = ex.png
    ex.controls["kernel_size"].value = 7
    assert ex.state is None and ex.last_error is None
    assert "No window fits" in ex.message and "Use padding >= 1" in ex.message
    assert ex.png != picture
    ex.controls["padding"].value = 1
    assert ex.message is None and ex.state.out == 1


def test_even_kernel_same_padding_shows_an_explanation():
    """'same' with a 4x4 kernel explains itself on the figure instead of failing."""
    ex = size_explorer(8, 3, padding="same")
    ex.controls["kernel_size"].value = 4
    assert ex.state is None and "cannot be split equally" in ex.message
    ex.controls["kernel_size"].value = 5
    assert ex.message is None and ex.state.out == 8


@pytest.mark.parametrize("mode", ["valid", "same"])
def test_sweeps_every_control_without_error(mode):
    """Every value of every control gives a picture or an explanation, never an exception."""
    ex = size_explorer(7, 3, padding=mode)
    for name, control in ex.controls.items():
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value)
            assert ex.state is not None or ex.message, (name, value)
            if ex.state is not None:
                assert ex.controls["window"].max == ex.state.out ** 2 - 1


# ------------------------------------------------------------------ legend, colours, notes
def test_legend_names_every_colour_the_grid_uses():
    """Each cell colour grid_rgb can paint (light orange and light purple included) is in the legend."""
    legend = {colour for row in _LEGEND for kind, colour, _ in row if kind == "square"}
    used = set()
    for n, k, s, p, d in random_settings(40, seed=9):
        rgb = grid_rgb(output_size_state(n, k, stride=s, padding=p, dilation=d))
        used |= {tuple(int(v) for v in c) for c in np.unique(rgb.reshape(-1, 3), axis=0)}
    assert used == legend == {_INPUT, _PADDING, _TAP_INPUT, _TAP_PADDING, _UNREAD_INPUT,
                              _UNREAD_PADDING}


@pytest.mark.parametrize("vmax", [1, 2, 4, 9, 25, 49])
def test_read_once_is_clearly_not_never_read(vmax):
    """On the coverage map 0 is white and a count of 1 is a visibly darker colour at every scale."""
    colours = matrix_rgb(np.array([[0.0, 1.0, vmax]]), cmap=COVERAGE_CMAP, vmin=0, vmax=vmax,
                         cell=1, numbers=False).reshape(-1, 3).astype(float)
    luminance = colours @ [0.299, 0.587, 0.114]
    assert np.array_equal(colours[0], [255, 255, 255])
    assert luminance[0] - luminance[1] > 40
    assert luminance[2] <= luminance[1]


def test_idle_controls_say_why_on_the_figure():
    """A control whose step can change nothing is named, with the reason, in the figure's text."""
    assert idle_controls(output_size_state(7, 3)) == {}
    state = output_size_state(5, 7, padding=1)             # one 7x7 window fills 7x7
    assert set(idle_controls(state)) == {"stride", "window"}
    assert "there is no next position for the stride" in " ".join(_formula_text(state).split())
    assert "stride" not in idle_controls(output_size_state(2, 2, stride=3, padding=1))
    state = output_size_state(6, 1, dilation=2)
    assert "dilation changes nothing" in " ".join(_formula_text(state).split())
    for s in (1, 2, 3, 4):                                   # and it is true: nothing changes
        assert output_size_state(5, 7, padding=1, stride=s).out == 1
    assert np.array_equal(grid_rgb(output_size_state(6, 1, dilation=1)), grid_rgb(state))


# ------------------------------------------------------------------- linked controls, catalog
def reference_limits(values):
    """What the controls should allow, worked out from the state function itself."""
    mode, custom = values["mode"], values["mode"] == "custom"
    try:
        named = padding_for(mode, values["kernel_size"], dilation=values["dilation"])
    except (UnevenPadding, ValueError):
        named = None
    padding = values["padding"] if custom else named
    try:
        state = output_size_state(values["size"], values["kernel_size"], stride=values["stride"],
                                  padding=padding, dilation=values["dilation"])
        windows = state.out ** 2
    except (SettingError, TypeError):
        windows = 1
    return named, windows - 1


@pytest.mark.parametrize("seed", range(4))
def test_constrain_agrees_with_the_state(seed):
    """constrain's padding and window limits are those of padding_for and output_size_state."""
    rng = np.random.default_rng(seed)
    for _ in range(60):
        values = dict(size=int(rng.integers(1, 13)), kernel_size=int(rng.integers(1, 8)),
                      stride=int(rng.integers(1, 5)), dilation=int(rng.integers(1, 3)),
                      mode=str(rng.choice(["valid", "same", "full", "custom"])),
                      padding=int(rng.integers(0, 13)), window=int(rng.integers(0, 50)))
        limits = constrain(dict(values))
        named, window_max = reference_limits(values)
        assert limits["window"] == {"max": window_max}, values
        pad = limits["padding"]
        assert pad["disabled"] == (values["mode"] != "custom")
        assert pad.get("value") == named
        assert pad["max"] >= max(6, values["dilation"] * (values["kernel_size"] - 1))
        if values["mode"] == "custom":
            assert pad["max"] >= values["padding"]      # a custom padding is never clipped


def test_constrain_with_nothing_selected():
    """A dropdown left empty locks the padding and leaves one window; the explorer explains the rest."""
    limits = constrain(dict(size=7, kernel_size=3, stride=1, dilation=1, mode=None, padding=2,
                            window=0))
    assert limits == {"padding": {"max": 6, "disabled": True}, "window": {"max": 0}}


def test_a_bug_in_the_state_is_recorded_not_explained(monkeypatch):
    """A broadcasting mistake in the state function reaches last_error, so the sweeps fail on it."""
    import cnnviz.explorers.sizes as sizes

    real = sizes.output_size_state

    def buggy(size, kernel_size, **kwargs):
        state = real(size, kernel_size, **kwargs)
        if kwargs.get("stride", 1) > 1:
            state.padded_coverage = state.padded_coverage + np.ones(state.padded + 1)
        return state

    monkeypatch.setattr(sizes, "output_size_state", buggy)
    ex = size_explorer(7, 3)
    assert ex.last_error is None
    for value in sweep(ex.controls["stride"]):
        ex.controls["stride"].value = value
    assert isinstance(ex.last_error, ValueError) and not isinstance(ex.last_error, SettingError)
    assert "broadcast" in str(ex.last_error) and ex.message.startswith("Something went wrong")


NOTEBOOK_04_CALLS = [((7, 3), {}), ((8, 3), {"stride": 2}), ((6, 3), {"padding": "same"}),
                     ((7, 3), {"dilation": 2}), ((5, 7), {"padding": 0})]


def test_the_catalog_builds_them_as_notebook_04_does():
    """Every explorer of notebook 04 is in the catalog with its inputs (the last one opens
    on its explanation, marked so)."""
    origins = [e.origin() for e in catalog.entries() if e.notebook == "04"]
    assert origins == [size_explorer(*args, **kwargs).origin for args, kwargs in NOTEBOOK_04_CALLS]
    assert size_explorer(7, 3, padding=0).origin not in origins   # custom 0 is another input
    assert [e.opens_on_explanation for e in catalog.entries() if e.notebook == "04"] == \
        [False, False, False, False, True]


def test_layout_is_two_rows():
    """Sizes and steps on the first row, padding and window on the second."""
    ex = size_explorer(7, 3)
    rows = ex.widget.children[:2]
    assert [[c.description for c in row.children] for row in rows] == [
        ["input n", "kernel k", "stride s", "dilation d"], ["padding", "p", "window"]]


def test_stored_picture_draws_the_legend_at_its_density():
    """At twice the dpi the legend's squares cover four times the pixels, as everything else does."""
    from cnnviz.explorers.draw import DPI, new_figure
    from cnnviz.explorers.sizes import FIGURE, plot_output_size

    state = output_size_state(7, 3)
    areas = []
    for dpi in (DPI, 2 * DPI):
        _, artists = plot_output_size(state, new_figure(*FIGURE, dpi=dpi))
        words = artists["words"].rgba            # the heading, titles, legend and formula
        areas.append(np.all(words[..., :3] == _TAP_INPUT, axis=-1).sum())
    assert areas[0] > 50 and 3.5 < areas[1] / areas[0] < 4.5


def test_every_control_of_the_no_fit_explorer_changes_its_sentence():
    """On notebook 04's "no window fits" explorer, moving the stride or the padding mode
    changes what the figure says (a learner sees each move answered)."""
    ex = size_explorer(5, 7, padding=0)
    first = ex.message
    assert ex.state is None and "No window fits" in first and "stride of 1" in first
    ex.controls["stride"].value = 2
    assert ex.message != first and "stride of 2" in ex.message
    ex.controls["stride"].value = 1
    ex.controls["mode"].value = "valid"
    assert ex.message != first and "'valid' padding" in ex.message
    assert ex.last_error is None
