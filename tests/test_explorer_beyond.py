"""Notebook 14's explorers (transposed, matrix, sequence, groups, FFT) and the state behind them."""

import io

import numpy as np
import pytest
from PIL import Image

import cnnviz
from cnnviz.errors import SettingError
from cnnviz.explorers import catalog
from cnnviz.explorers.beyond import (
    constrain_groups, constrain_matrix, constrain_sequence, constrain_transposed, fft_explorer,
    groups_explorer, matrix_explorer, sequence_explorer, transposed_explorer,
)
from cnnviz.lessons.beyond import (
    CroppedAway, NoSuchCell, TimingTable, causal_stack_output, causal_stack_state, fft_state,
    groups_state, make_signal, matrix_state, sequence_state, time_correlation, transposed_state,
)
from explorer_support import sweep


def pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.png)).convert("RGB"))


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


def depends_on(f, length, t):
    """Indices j with d f(x)[t] / d x[j] != 0, found by perturbing each sample."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal(length)
    base = f(x)[t]
    hits = []
    for j in range(length):
        y = x.copy()
        y[j] += 1.0
        if not np.isclose(f(y)[t], base):
            hits.append(j)
    return hits


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


# ---------------------------------------------------------------- sequence state
@pytest.mark.parametrize("padding", ["same", "causal", "valid"])
@pytest.mark.parametrize("kernel", ["moving average", "derivative", "identity"])
def test_sequence_taps_are_the_samples_the_output_depends_on(kernel, padding):
    """The taps listed for output t are those whose change moves output t (by perturbation)."""
    k = 4
    for t in (0, 7, 20):
        st = sequence_state(kernel, k, padding=padding, time=t, signal=make_signal(30))
        nonzero = st.taps[st.kernel != 0]
        inside = sorted(int(j) for j in nonzero if 0 <= j < 30)
        def f(x, st=st):
            return cnnviz.conv1d(x[None], st.kernel[None, None], padding=padding)[0]

        assert depends_on(f, 30, t) == inside
        if padding == "causal":
            assert st.future_taps == 0


def test_causal_stack_field_matches_an_impulse_probe():
    """The samples a causal stack reads are the ones whose change moves its last output; the
    field is their span (a stack with gaps, dilations 1 and 3, skips some)."""
    rng = np.random.default_rng(2)
    for dilations, k in [((1, 2, 4, 8), 2), ((1, 2, 4), 3), ((1, 3), 2), ((2,), 4)]:
        st = causal_stack_state(dilations, k)
        weights = [rng.random(k) + 0.5 for _ in dilations]
        L = st.field + 5
        hits = depends_on(lambda x: causal_stack_output(x, weights, dilations), L, L - 1)
        assert [h - (L - 1) for h in hits] == st.reads[0].tolist()
        assert hits[-1] - hits[0] + 1 == st.field == 1 + sum((k - 1) * d for d in dilations)
        if dilations == (1, 2, 4, 8):  # doubling dilations with k = 2 leave no gaps
            assert len(hits) == st.field


# ---------------------------------------------------------------- groups state
@pytest.mark.parametrize("c_in, c_out, g", [(8, 8, 1), (8, 8, 2), (8, 8, 8), (6, 12, 3),
                                            (4, 2, 2)])
def test_group_connections_are_what_conv2d_reads(c_in, c_out, g):
    """Output o reads input channel c exactly when perturbing channel c moves output o."""
    st = groups_state(c_in, c_out, groups=g)
    assert st.weight.shape == (c_out, c_in // g, 3, 3)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((c_in, 5, 5))
    base = cnnviz.conv2d(x, st.weight + 0.5, groups=g)
    found = np.zeros((c_out, c_in), dtype=bool)
    for c in range(c_in):
        y = x.copy()
        y[c] += 1.0
        found[:, c] = np.abs(cnnviz.conv2d(y, st.weight + 0.5, groups=g) - base).sum((1, 2)) > 1e-9
    np.testing.assert_array_equal(st.connections, found)
    assert st.params == st.weight.size
    assert st.dense_params == c_out * c_in * 9


def test_groups_state_refuses_groups_that_do_not_divide():
    with pytest.raises(SettingError, match="groups 3 must divide in_channels 8"):
        groups_state(8, 8, groups=3)


# ---------------------------------------------------------------- timing state
def test_crossover_is_the_start_of_the_last_run_of_fft_wins():
    """The crossover is where the FFT starts winning for good; None when it loses last."""
    def t(d, f):
        return TimingTable(8, (3, 5, 7, 9), np.array(d), np.array(f), np.zeros(4))

    assert t([1, 1, 1, 1], [2, 0.5, 2, 0.5]).crossover == 9
    assert t([1, 3, 4, 5], [2, 2, 2, 2]).crossover == 5
    assert t([3, 3, 4, 5], [2, 2, 2, 2]).crossover == 3
    assert t([1, 3, 4, 1], [2, 2, 2, 2]).crossover is None


def test_time_correlation_measures_both_and_they_agree():
    table = time_correlation(20, (3, 9), repeats=1)
    assert np.all(table.direct > 0) and np.all(table.fft > 0)
    assert table.difference.max() < 1e-10
    with pytest.raises(ValueError, match="kernel_sizes must be between 1 and image_size 20"):
        time_correlation(20, (25,))
    with pytest.raises(NoSuchCell, match="kernel_size must be one of"):
        fft_state(table, 4)


# ---------------------------------------------------------------- explorers
FACTORIES = {
    "transposed": lambda: transposed_explorer(2, 3, stride=2, step=1),
    "matrix": lambda: matrix_explorer(4, 3, pixel=5),
    "sequence": lambda: sequence_explorer("moving average", 5, padding="causal"),
    "groups": lambda: groups_explorer(8, 8, groups=2),
    "fft": lambda: fft_explorer(24, (3, 7, 11), repeats=1),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_every_control_changes_the_state_or_picture_and_never_breaks(name):
    """Each control swept over its range: no bug recorded, and some value changes the picture."""
    ex = FACTORIES[name]()
    assert ex.last_error is None and ex.message is None
    for cname, control in ex.controls.items():
        start_value, start = control.value, pixels(ex)
        changed = False
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (cname, value, ex.last_error)
            if ex.message is None and not np.array_equal(pixels(ex), start):
                changed = True
        control.value = start_value
        assert changed or ex.controls[cname].disabled, cname


@pytest.mark.parametrize("name", FACTORIES)
def test_random_combinations_never_break(name):
    """Seeded random settings of all controls at once: a picture or an explanation, no bug."""
    rng = np.random.default_rng(7)
    ex = FACTORIES[name]()
    for _ in range(25):
        with ex.hold():
            for control in ex.controls.values():
                values = sweep(control)
                control.value = values[int(rng.integers(len(values)))]
        assert ex.last_error is None
        assert ex.state is not None or ex.message


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
    assert constrain_sequence(dict(kernel="identity", kernel_size=3, padding="same", time=0,
                                   layers=1, stack_kernel=2)) == {"time": {"max": 119}}
    assert constrain_groups(dict(in_channels=6, out_channels=9, groups=1)) == {
        "groups": {"options": (1, 3)}}


def test_matrix_explorer_keeps_the_kernel_inside_the_input():
    """Shrinking the input pulls the kernel slider down with it: a picture, not a message."""
    ex = matrix_explorer(4, 3)
    ex.set(size=2)
    assert ex.message is None and ex.state.kernel.shape == (2, 2)
    assert ex.state.M.shape == (1, 4)


def test_groups_explorer_offers_only_dividing_groups():
    ex = groups_explorer(8, 8, groups=2)
    ex.set(in_channels=6)
    assert tuple(ex.controls["groups"].options) == (1, 2)
    assert ex.state.weight.shape == (8, 6 // ex.state.groups, 3, 3)
    assert ex.last_error is None


def test_sequence_explorer_stack_follows_layers():
    ex = sequence_explorer()
    ex.set(layers=3, stack_kernel=3)
    assert ex.state[1].field == 1 + 2 * (1 + 2 + 4)


def test_catalog_lists_notebook_14s_explorers():
    keys = {e.key for e in catalog.entries() if e.notebook == "14"}
    assert {"14-transposed-convolution", "14-convolution-as-a-matrix",
            "14-1-D-and-causal-convolution", "14-grouped-convolution",
            "14-direct-against-FFT"} <= keys


# ---------------------------------------------------------------- against PyTorch
@pytest.mark.parametrize("seed", range(4))
def test_lesson_states_agree_with_pytorch(seed):
    """The transposed output, the matrix, the 1-D output and the grouped weight layout
    match PyTorch's functions on the same settings."""
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

    kern = ("moving average", "derivative", "identity")[seed % 3]
    q = sequence_state(kern, 5, padding="causal", time=10)
    xt = torch.tensor(q.signal)[None, None]
    ref = F.conv1d(F.pad(xt, (4, 0)), torch.tensor(q.kernel)[None, None])[0, 0].numpy()
    np.testing.assert_allclose(q.output, ref)

    g = groups_state(8, 4, groups=(1, 2, 4)[seed % 3])
    conv = torch.nn.Conv2d(8, 4, 3, groups=g.groups, bias=False)
    assert tuple(conv.weight.shape) == g.weight.shape
    xg = rng.standard_normal((1, 8, 5, 5))
    ref = F.conv2d(torch.tensor(xg), torch.tensor(g.weight), groups=g.groups).numpy()
    np.testing.assert_allclose(cnnviz.conv2d(xg, g.weight, groups=g.groups), ref, atol=1e-12)
