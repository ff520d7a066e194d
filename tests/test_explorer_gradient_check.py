"""Notebook 09's gradient check: its state (cnnviz.lessons.backprop.gradient_check) and
its explorer (cnnviz.explorers.gradient_check), driven as a learner would."""

import io

import numpy as np
import pytest
from PIL import Image

from cnnviz.explorers import draw
from cnnviz.explorers.gradient_check import PLOT_AXES, gradient_check_explorer
from cnnviz.lessons import backprop as lesson
from cnnviz.lessons.backprop import gradient_check
from explorer_support import assert_random_settings_never_break, sweep


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed; skipping the "
                                               "autograd comparison")


# ------------------------------------------------------------------------------- the state
@pytest.mark.parametrize("target", lesson.CHECK_TARGETS)
def test_gradient_check_is_u_shaped(target):
    """float64: the error falls to below 1e-7 and rises again for tiny steps; float32's best
    step is larger and its best error larger."""
    s = gradient_check(target=target)
    e64, e32 = np.asarray(s.errors["float64"]), np.asarray(s.errors["float32"])
    b64, b32 = s.best("float64"), s.best("float32")
    assert s.error("float64", b64) < 1e-7
    assert e64[0] > 100 * s.error("float64", b64) and e64[-1] > 100 * s.error("float64", b64)
    assert b32 > b64
    assert s.error("float32", b32) > s.error("float64", b64)
    assert -6 <= b64 <= -3 and -3 <= b32 <= -1
    assert np.isnan(e32[-1]) and not np.isnan(e64).any()


def test_gradient_check_analytic_gradient_matches_torch():
    """The analytic gradient of the check's network equals PyTorch's autograd."""
    torch = torch_or_skip()
    F = torch.nn.functional
    net = lesson.check_network(0)
    x = np.random.default_rng(1).normal(size=(1, 1, 8, 8))
    p = {k: torch.tensor(np.asarray(v, np.float64), requires_grad=True)
         for k, v in net.parameters().items()}
    X = torch.tensor(x, requires_grad=True)
    h = F.max_pool2d(F.relu(F.conv2d(X, p["Conv2d-1.weight"], p["Conv2d-1.bias"])), 2)
    logits = h.reshape(1, -1) @ p["Dense-5.weight"].T + p["Dense-5.bias"]
    F.cross_entropy(logits, torch.tensor([0])).backward()
    for target, ref in (("conv weights", p["Conv2d-1.weight"].grad), ("input", X.grad)):
        assert np.allclose(gradient_check(target=target).analytic, ref.numpy(), rtol=1e-6,
                           atol=1e-12)


def test_gradient_check_refusals():
    """Unknown targets and steps off the grid are refused by name."""
    with pytest.raises(ValueError, match="target must be one of"):
        gradient_check(target="bias")
    with pytest.raises(ValueError, match="eps_exponent must be one of"):
        gradient_check(eps_exponent=3)


# ---------------------------------------------------------------------------- the explorer
def test_every_control_changes_the_figure_without_a_bug():
    """Every value of every control gives a picture; last_error stays None; the state and the
    PNG change when a control moves."""
    ex = gradient_check_explorer()
    for name, control in ex.controls.items():
        start = control.value
        seen_png, seen_state = set(), set()
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert ex.state is not None, (name, value, ex.message)
            seen_png.add(ex.png)
            seen_state.add(repr(ex.state)[:2000])
        if len(sweep(control)) > 1:
            assert len(seen_png) > 1 and len(seen_state) > 1, name
        control.value = start


def test_random_combinations():
    """Seeded random settings of all controls together never reach last_error."""
    assert_random_settings_never_break(gradient_check_explorer())


def test_stored_picture_has_twice_the_pixels():
    """The stored picture is drawn at twice the density, with the caption under it."""
    ex = gradient_check_explorer()
    live = Image.open(io.BytesIO(ex.png))
    stored = Image.open(io.BytesIO(ex.static_png()))
    assert stored.width == 2 * live.width and stored.height > 2 * live.height
    assert ex.last_error is None


def test_check_plot_marks_the_chosen_step():
    """The purple line sits at the slider's step; the drawn curves change with the target
    only (they are drawn once per target), the line and the numbers with the step."""
    ex = gradient_check_explorer()
    ex.controls["eps_exponent"].value = -8
    assert ex.artists["chosen"].get_xdata()[0] == pytest.approx(1e-8)
    curves = ex.artists["plot"].image.get_array().copy()
    ex.controls["eps_exponent"].value = -3
    assert np.array_equal(ex.artists["plot"].image.get_array(), curves)
    assert ex.artists["chosen"].get_xdata()[0] == pytest.approx(1e-3)
    ex.controls["target"].value = "input"
    assert not np.array_equal(ex.artists["plot"].image.get_array(), curves)
    assert draw.scale(ex.fig) == 1


def test_check_plot_overlay_lies_on_the_drawn_axes():
    """The moving line's axes and the drawn plot's axes cover the same pixels: the line at
    eps = 1 falls on the last point of the curves, in the stored picture too."""
    for dpi in (draw.DPI, 2 * draw.DPI):
        ex = gradient_check_explorer(eps_exponent=0)
        fig = draw.new_figure(*ex.fig.get_size_inches(), dpi=dpi)
        fig, artists = ex.plot(ex.state, fig, None)
        rgb = draw.figure_rgb(fig).astype(int)
        purple = np.abs(rgb - draw.rgb(draw.ACCENT)).sum(-1) < 40
        cols = np.flatnonzero(purple.any(axis=0))
        x0, _, w, _ = PLOT_AXES
        width = fig.get_size_inches()[0] * dpi
        # eps = 1 is a factor 3 inside the right end of a log axis from 1e-12 / 3 to 3
        span = np.log10(3) - np.log10(1e-12 / 3)
        expected = (x0 + w * (1 - np.log10(3) / span)) * width
        assert abs(cols.mean() - expected) < 2 * dpi / draw.DPI
        # the drawn curves' last point (eps = 1, a dot 4 points wide) sits under the line
        orange = np.abs(rgb - draw.rgb(draw.HIGHLIGHT)).sum(-1) < 40
        right = np.flatnonzero(orange[:, :int(0.66 * width)].any(axis=0)).max()
        assert abs(right - 2 * dpi / 72 - cols.mean()) < 2 * dpi / draw.DPI
