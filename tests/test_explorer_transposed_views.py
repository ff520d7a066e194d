"""Notebook 14's transposed-convolution and matrix explorers and the state behind them."""

import numpy as np
import pytest

import cnnviz
from cnnviz.explorers import catalog
from cnnviz.explorers.transposed_views import (
    constrain_matrix, constrain_transposed, matrix_explorer, transposed_explorer,
)
from cnnviz.lessons.beyond import (
    CroppedAway, NoSuchCell, explain_setting, matrix_state, transposed_state,
)
from explorer_support import (
    assert_every_control_changes_the_picture, assert_random_settings_never_break,
)


# ------------------------------------------------------------------ independent references
def stamps_by_loops(x, kernel, stride, padding):
    """A transposed convolution written from its definition: out[i*s + u - p, j*s + v - p]
    += x[i, j] * kernel[u, v], index by index."""
    n, k = x.shape[0], kernel.shape[0]
    size = (n - 1) * stride + k - 2 * padding
    out = np.zeros((size, size))
    for i in range(n):
        for j in range(n):
            for u in range(k):
                for v in range(k):
                    r, c = i * stride + u - padding, j * stride + v - padding
                    if 0 <= r < size and 0 <= c < size:
                        out[r, c] += x[i, j] * kernel[u, v]
    return out


def matrix_by_probing(n, kernel, stride, padding):
    """Column q of M is conv2d of the one-hot input q: build M without the formula."""
    cols = []
    for q in range(n * n):
        e = np.zeros((1, n, n))
        e.flat[q] = 1.0
        cols.append(cnnviz.conv2d(e, kernel[None, None], stride=stride, padding=padding).ravel())
    return np.stack(cols, axis=1)



# ---------------------------------------------------------------- transposed state
@pytest.mark.parametrize("seed", range(6))
def test_transposed_state_matches_the_definition_and_every_partial_sum(seed):
    """The finished canvas, cropped, is the transposed convolution; each partial canvas is
    the sum of the first `step` stamps."""
    rng = np.random.default_rng(seed)
    n, k, s = (int(v) for v in rng.integers(1, 5, 3))
    p = int(rng.integers(0, ((n - 1) * s + k - 1) // 2 + 1))
    st = transposed_state(n, k, stride=s, padding=p)
    np.testing.assert_allclose(st.output, stamps_by_loops(st.x, st.kernel, s, p))
    assert st.output.shape == (st.out_size,) * 2
    full = st.canvas[p:len(st.canvas) - p, p:len(st.canvas) - p]
    np.testing.assert_allclose(full, st.output)
    step = int(rng.integers(0, n * n + 1))
    part = transposed_state(n, k, stride=s, padding=p, step=step)
    mask = np.zeros_like(st.x)
    mask.flat[:step] = 1
    np.testing.assert_allclose(part.canvas, stamps_by_loops(st.x * mask, st.kernel, s, 0))
    if step:
        assert part.current == divmod(step - 1, n)
        assert part.stamp.sum() == pytest.approx(st.x.flat[step - 1] * k * k)


@pytest.mark.parametrize("k, s", [(3, 2), (4, 2), (5, 2), (3, 3), (6, 3), (5, 3), (2, 1)])
def test_checkerboard_exactly_when_the_kernel_is_not_a_multiple_of_the_stride(k, s):
    """Inside the output, stamp counts are uneven iff k % s != 0; resize-then-convolve is
    uniform (k * k) inside."""
    st = transposed_state(6, k, stride=s)
    assert st.uneven == (k % s != 0)
    assert (len(st.interior_counts) > 1) == (k % s != 0)
    if k % s == 0:
        assert st.interior_counts == [(k // s) ** 2]
    res = st.resize_coverage
    inner = res[k:-k, k:-k]
    assert inner.size and np.all(inner == k * k)


def test_transposed_state_refuses_impossible_settings_with_fields():
    """Padding that crops the whole canvas and a step past the last stamp are SettingErrors."""
    with pytest.raises(CroppedAway, match="padding 3 crops away the whole 5x5") as err:
        transposed_state(2, 3, stride=2, padding=3)
    assert err.value.uncropped == 5
    with pytest.raises(NoSuchCell, match="step must be at most 4; got 5"):
        transposed_state(2, 3, step=5)


# ---------------------------------------------------------------- matrix state
@pytest.mark.parametrize("seed", range(5))
def test_matrix_state_rows_and_columns_are_those_of_the_probed_matrix(seed):
    """M equals the matrix found by convolving one-hot inputs; row and column are its slices."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    k = int(rng.integers(1, min(n, 4) + 1))
    s, p = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    st = matrix_state(n, k, stride=s, padding=p)
    M = matrix_by_probing(n, st.kernel, s, p)
    np.testing.assert_array_equal(st.M, M)
    o, q = int(rng.integers(0, M.shape[0])), int(rng.integers(0, n * n))
    st = matrix_state(n, k, stride=s, padding=p, output=o, pixel=q)
    np.testing.assert_array_equal(st.row.ravel(), M[o])
    np.testing.assert_array_equal(st.column.ravel(), M[:, q])
    assert st.transpose_matches


def test_matrix_state_names_a_missing_output():
    with pytest.raises(NoSuchCell, match="output must be at most 3; got 4"):
        matrix_state(4, 3, output=4)


def test_explorers_explain_impossible_settings_from_the_fields():
    """The learner's sentences are built from the errors' fields."""
    with pytest.raises(CroppedAway) as err:
        transposed_state(2, 3, stride=2, padding=3)
    assert explain_setting(err.value) == ("Padding 3 would crop 6 pixels from a 5-pixel canvas: "
                                          "nothing would be left.")
    with pytest.raises(NoSuchCell) as err:
        matrix_state(4, 3, output=4)
    assert explain_setting(err.value) == "There is no output 4: there are 4, from 0."


# ---------------------------------------------------------------- explorers
FACTORIES = {
    "transposed": lambda: transposed_explorer(2, 3, stride=2, step=1),
    "matrix": lambda: matrix_explorer(4, 3, pixel=5),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_every_control_changes_the_state_or_picture_and_never_breaks(name):
    """Each control swept over its range: no bug recorded, and some value changes the picture."""
    assert_every_control_changes_the_picture(FACTORIES[name]())


@pytest.mark.parametrize("name", FACTORIES)
def test_random_combinations_never_break(name):
    """Seeded random settings of all controls at once: a picture or an explanation, no bug."""
    assert_random_settings_never_break(FACTORIES[name]())


def test_transposed_explorer_state_follows_the_sliders():
    ex = transposed_explorer(2, 3, stride=2, step=1)
    ex.set(size=3, kernel_size=4, stride=2, step=9)
    assert ex.state.out_size == cnnviz.conv_transpose_output_size(3, 4, stride=2)
    np.testing.assert_allclose(ex.state.canvas, ex.state.output)
    assert "3x3 input, 4x4 kernel, stride 2" in ex.text.value


def test_constraints_keep_the_sliders_on_real_cells():
    assert constrain_transposed(dict(size=3, kernel_size=2, stride=3, padding=0, step=0)) == {
        "padding": {"max": 3}, "step": {"max": 9}}
    assert constrain_matrix(dict(size=5, kernel_size=2, stride=2, padding=1, output=0,
                                 pixel=0))["output"] == {"max": 8}
    assert constrain_matrix(dict(size=2, kernel_size=4, stride=1, padding=0, output=0,
                                 pixel=0))["kernel_size"] == {"max": 2}


def test_matrix_explorer_keeps_the_kernel_inside_the_input():
    """Shrinking the input pulls the kernel slider down with it: a picture, not a message."""
    ex = matrix_explorer(4, 3)
    ex.set(size=2)
    assert ex.message is None and ex.state.kernel.shape == (2, 2)
    assert ex.state.M.shape == (1, 4)


def test_catalog_lists_the_transposed_and_matrix_explorers():
    keys = {e.key for e in catalog.entries() if e.notebook == "14"}
    assert {"14-transposed-convolution", "14-checkerboard",
            "14-convolution-as-a-matrix"} <= keys


# ---------------------------------------------------------------- against PyTorch
@pytest.mark.parametrize("seed", range(4))
def test_lesson_states_agree_with_pytorch(seed):
    """The transposed output and the matrix match PyTorch's functions on the same settings."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    n, k, s = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 4))
    p = int(rng.integers(0, ((n - 1) * s + k - 1) // 2 + 1))
    st = transposed_state(n, k, stride=s, padding=p)
    ref = F.conv_transpose2d(torch.tensor(st.x)[None, None], torch.tensor(st.kernel)[None, None],
                             stride=s, padding=p)[0, 0].numpy()
    np.testing.assert_allclose(st.output, ref)

    m = matrix_state(4, 3, stride=int(rng.integers(1, 3)), padding=int(rng.integers(0, 2)))
    x = rng.standard_normal((4, 4))
    ref = F.conv2d(torch.tensor(x)[None, None], torch.tensor(m.kernel)[None, None],
                   stride=m.stride, padding=m.padding).numpy().ravel()
    np.testing.assert_allclose(m.M @ x.ravel(), ref)
