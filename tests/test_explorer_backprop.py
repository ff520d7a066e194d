"""Notebook 09's backward-pass explorers and their state (cnnviz.lessons.backprop), driven as
a learner would; the gradient check's are in test_explorer_gradient_check.py."""

import numpy as np
import pytest

import cnnviz
from cnnviz.errors import DoesNotFit
from cnnviz.explorers import catalog
from cnnviz.explorers.backprop import (
    gradient_stepper, pool_backward_explorer, stride_backward_explorer,
)
from cnnviz.explorers.gradient_check import gradient_check_explorer
from cnnviz.lessons import backprop as lesson
from cnnviz.lessons.backprop import (
    EXAMPLES, NoSuchEntry, gradient_step, pool_backward, pool_winners, strided_backward,
)
from explorer_support import assert_random_settings_never_break, sweep

NAMES = list(EXAMPLES)


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed; skipping the "
                                               "autograd comparison")


def loops_backward(x, w, g, stride=1, padding=0):
    """dx, dW of a single-channel correlation, by the chain rule one product at a time."""
    xp = np.pad(x, padding)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    kh, kw = w.shape
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            for u in range(kh):
                for v in range(kw):
                    r, c = i * stride + u, j * stride + v
                    dw[u, v] += xp[r, c] * g[i, j]
                    dxp[r, c] += w[u, v] * g[i, j]
    return dxp[padding:padding + x.shape[0], padding:padding + x.shape[1]], dw


# ------------------------------------------------------------------- gradient stepper
def test_worked_example_gradients():
    """L = sum of the outputs: dW = [[8, 12], [20, 24]], dx = [[0, 1, 1], [2, 6, 4], [2, 5, 3]],
    db = 4."""
    s = gradient_step(lesson.WORKED_INPUT, lesson.WORKED_KERNEL, target="dW", entry=1)
    assert np.array_equal(s.grad_w, [[8, 12], [20, 24]])
    assert np.array_equal(s.grad_x, [[0, 1, 1], [2, 6, 4], [2, 5, 3]])
    assert s.grad_b == 4


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("target,view", [("dW", "taps"), ("dx", "taps"),
                                         ("dx", "full convolution")])
def test_every_entry_is_the_sum_of_its_products(name, target, view):
    """Each entry's products sum to the loops' gradient there; the written sum ends in it."""
    x, w, g = (np.asarray(a, float) for a in EXAMPLES[name])
    dx, dw = loops_backward(x, w, g)
    reference = dw if target == "dW" else dx
    for entry in range(1, reference.size + 1):
        s = gradient_step(x, w, g, target=target, entry=entry, view=view)
        assert (s.row, s.col) == divmod(entry - 1, reference.shape[1])
        assert s.total == reference[s.row, s.col]
        assert np.isclose(s.products[s.used].sum(), s.total)
        assert np.isclose(sum(a * b for a, b in s.pairs), s.total)
        assert s.sum_text.endswith(f"= {cnnviz.lessons.number(s.total)}") or not s.pairs


@pytest.mark.parametrize("name", NAMES)
def test_the_two_views_of_dx_use_the_same_products(name):
    """Taps and full convolution give the same multiset of non-zero products for every pixel."""
    x, w, g = EXAMPLES[name]
    for entry in range(1, np.size(x) + 1):
        taps = gradient_step(x, w, g, target="dx", entry=entry, view="taps")
        full = gradient_step(x, w, g, target="dx", entry=entry, view="full convolution")
        assert sorted(a * b for a, b in taps.pairs) == sorted(a * b for a, b in full.pairs)
        assert np.isclose(full.products.sum(), taps.total)      # padding adds only zeros


def test_random_cases_match_loops():
    """Seeded random shapes: every entry of both gradients equals the loops."""
    rng = np.random.default_rng(0)
    for _ in range(10):
        h, w_ = rng.integers(2, 6, size=2)
        kh, kw = rng.integers(1, h + 1), rng.integers(1, w_ + 1)
        x = rng.integers(-3, 4, (h, w_))
        k = rng.integers(-2, 3, (kh, kw))
        g = rng.integers(-2, 3, (h - kh + 1, w_ - kw + 1))
        dx, dw = loops_backward(x.astype(float), k.astype(float), g.astype(float))
        s = gradient_step(x, k, g, target="dW", entry=1)
        assert np.array_equal(s.grad_w, dw) and np.array_equal(s.grad_x, dx)


def test_stepper_refusals():
    """A kernel larger than the input does not fit; an entry past the last is explained."""
    with pytest.raises(DoesNotFit):
        gradient_step(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(NoSuchEntry, match="There is no entry 5: dW has 4 entries"):
        gradient_step(lesson.WORKED_INPUT, lesson.WORKED_KERNEL, target="dW", entry=5)
    with pytest.raises(ValueError, match=r"grad_out must have the shape of the output \(2, 2\)"):
        gradient_step(lesson.WORKED_INPUT, lesson.WORKED_KERNEL, np.ones((3, 3)))
    with pytest.raises(ValueError, match="target must be one of"):
        gradient_step(lesson.WORKED_INPUT, lesson.WORKED_KERNEL, target="db")


# ------------------------------------------------------------- stride and padding
@pytest.mark.parametrize("size", [5, 6, 7, 8])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, 2])
def test_spread_out_gradient_is_the_backward_pass(size, stride, padding):
    """G spread with s - 1 zeros, fully convolved and cropped, is dL/dx of conv2d_backward and
    of the loops."""
    s = strided_backward(size, stride=stride, padding=padding)
    gx, _, _ = cnnviz.conv2d_backward(np.zeros((1, size, size)), s.kernel[None, None],
                                      s.grad_out[None], stride=stride, padding=padding)
    assert np.array_equal(s.grad_x, gx[0])
    dx, _ = loops_backward(np.zeros((size, size)), s.kernel, s.grad_out, stride, padding)
    assert np.array_equal(s.grad_x, dx)
    n = s.grad_out.shape[0]
    assert s.inserted.sum() == n * n
    assert s.zeros_inserted == ((n - 1) * stride + 1) ** 2 - n * n
    assert np.array_equal(s.spread[s.inserted].reshape(n, n), s.grad_out)
    assert not s.spread[~s.inserted].any()
    if s.unread:
        assert not s.grad_padded[-s.unread:].any() and not s.grad_padded[:, -s.unread:].any()


def test_strided_backward_matches_torch():
    """dL/dx of a strided, padded convolution equals PyTorch's autograd."""
    torch = torch_or_skip()
    for stride, padding in [(2, 1), (3, 2), (2, 0)]:
        s = strided_backward(7, stride=stride, padding=padding)
        X = torch.zeros((1, 1, 7, 7), dtype=torch.float64, requires_grad=True)
        out = torch.nn.functional.conv2d(X, torch.tensor(s.kernel[None, None]), stride=stride,
                                         padding=padding)
        out.backward(torch.tensor(s.grad_out[None, None]))
        assert np.allclose(X.grad.numpy()[0, 0], s.grad_x)


def test_strided_backward_refuses_a_kernel_that_does_not_fit():
    """A 3x3 kernel on a 1x1 input without padding fits nowhere."""
    with pytest.raises(DoesNotFit):
        strided_backward(1, stride=1, padding=0)


# ----------------------------------------------------------------- pooling backwards
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("k,s", [(2, 2), (3, 1), (2, 1), (3, 2), (4, 4), (2, 3)])
def test_pool_backward_shares_add_up(mode, k, s):
    """The windows' shares add up to dL/dx; each share is g on the winner, or g / k² each."""
    x = lesson.POOL_INPUT.astype(float)
    first = pool_backward(mode=mode, kernel_size=k, stride=s, window=1)
    total = np.zeros_like(x)
    for w in range(1, first.n_windows + 1):
        st = pool_backward(mode=mode, kernel_size=k, stride=s, window=w)
        r0, c0 = st.row * s, st.col * s
        g = st.grad_out[st.row, st.col]
        inside = np.zeros(x.shape, bool)
        inside[r0:r0 + k, c0:c0 + k] = True
        assert not st.share[~inside].any()
        if mode == "max":
            window = x[r0:r0 + k, c0:c0 + k]
            r, c = divmod(int(np.argmax(window)), k)    # the first maximum in reading order
            assert st.share[r0 + r, c0 + c] == g and np.count_nonzero(st.share) == 1
        else:
            assert np.allclose(st.share[inside], g / k / k)
        total += st.share
    assert np.allclose(total, first.grad_x)


def test_pool_backward_matches_torch():
    """The total gradient equals PyTorch's autograd through max and average pooling."""
    torch = torch_or_skip()
    F = torch.nn.functional
    for mode, k, s in [("max", 2, 2), ("max", 3, 1), ("average", 3, 2), ("average", 2, 1)]:
        st = pool_backward(mode=mode, kernel_size=k, stride=s)
        X = torch.tensor(st.x[None, None], requires_grad=True)
        out = (F.max_pool2d if mode == "max" else F.avg_pool2d)(X, k, stride=s)
        out.backward(torch.tensor(st.grad_out[None, None]))
        assert np.allclose(X.grad.numpy()[0, 0], st.grad_x)


def test_pool_winners_break_ties_like_max_pool2d():
    """The mask marks the pixel return_indices names, the first maximum on ties."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.integers(0, 3, (6, 6))
        _, idx = cnnviz.max_pool2d(x[None].astype(float), 2, return_indices=True)
        expected = np.zeros(36, bool)
        expected[idx.ravel()] = True
        assert np.array_equal(pool_winners(x, 2).ravel(), expected)


# --------------------------------------------------------------------------- explorers
FACTORIES = [gradient_stepper, stride_backward_explorer, pool_backward_explorer]


def test_catalog_lists_the_four_explorers():
    """Notebook 09 registers four explorers in the catalog, built from these factories and,
    last, the gradient check's."""
    entries = [e for e in catalog.entries() if e.notebook == "09"]
    assert [getattr(e.factory, "__wrapped__", e.factory) for e in entries] == \
           [getattr(f, "__wrapped__", f) for f in FACTORIES + [gradient_check_explorer]]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_every_control_changes_the_figure_without_a_bug(factory):
    """Every value of every control gives a picture; last_error stays None; the state and the
    PNG change when a control moves."""
    ex = factory()
    if "target" in ex.controls and "view" in ex.controls:
        ex.controls["target"].value = "dx"          # the view toggle matters for dx only
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


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_random_combinations(factory):
    """Seeded random settings of all controls together never reach last_error."""
    assert_random_settings_never_break(factory())


def test_stepper_entry_slider_follows_the_target():
    """The entry slider ends at the size of dW or of dx; the view toggle is off for dW."""
    ex = gradient_stepper()
    assert ex.controls["entry"].max == 4 and ex.controls["view"].disabled
    ex.controls["target"].value = "dx"
    assert ex.controls["entry"].max == 9 and not ex.controls["view"].disabled
    ex.controls["entry"].value = 9
    ex.controls["target"].value = "dW"
    assert ex.controls["entry"].value == 4 and ex.state.total == 24


def test_pool_window_slider_counts_the_windows():
    """The window slider ends at the number of windows of the chosen size and stride."""
    ex = pool_backward_explorer()
    assert ex.controls["window"].max == 9
    ex.set(kernel_size=3, stride=1)
    assert ex.controls["window"].max == 16


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_stored_picture_has_twice_the_pixels(factory):
    """The stored picture is drawn at twice the density, with the caption under it."""
    import io

    from PIL import Image

    ex = factory()
    live = Image.open(io.BytesIO(ex.png))
    stored = Image.open(io.BytesIO(ex.static_png()))
    assert stored.width == 2 * live.width and stored.height > 2 * live.height
    assert ex.last_error is None
