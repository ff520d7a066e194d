"""Notebook 14's 1-D, grouped and FFT explorers and the state behind them."""

import numpy as np
import pytest

import cnnviz
from cnnviz.errors import SettingError
from cnnviz.explorers import catalog
from cnnviz.explorers.beyond import (
    constrain_groups, constrain_sequence, fft_explorer, groups_explorer, sequence_explorer,
)
from cnnviz.lessons.beyond import (
    NoSuchCell, TimingTable, causal_stack_output, causal_stack_state, fft_state, groups_state,
    make_signal, sequence_state, time_correlation,
)
from explorer_support import (
    assert_every_control_changes_the_picture, assert_random_settings_never_break,
)


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
    "sequence": lambda: sequence_explorer("moving average", 5, padding="causal"),
    "groups": lambda: groups_explorer(8, 8, groups=2),
    "fft": lambda: fft_explorer(24, (3, 7, 11), repeats=1),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_every_control_changes_the_state_or_picture_and_never_breaks(name):
    """Each control swept over its range: no bug recorded, and some value changes the picture."""
    assert_every_control_changes_the_picture(FACTORIES[name]())


@pytest.mark.parametrize("name", FACTORIES)
def test_random_combinations_never_break(name):
    """Seeded random settings of all controls at once: a picture or an explanation, no bug."""
    assert_random_settings_never_break(FACTORIES[name]())


def test_constraints_keep_the_sliders_on_real_cells():
    assert constrain_sequence(dict(kernel="identity", kernel_size=3, padding="same", time=0,
                                   layers=1, stack_kernel=2)) == {"time": {"max": 119}}
    assert constrain_groups(dict(in_channels=6, out_channels=9, groups=1)) == {
        "groups": {"options": (1, 3)}}


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


def test_catalog_lists_the_1_d_grouped_and_fft_explorers():
    keys = {e.key for e in catalog.entries() if e.notebook == "14"}
    assert {"14-1-D-and-causal-convolution", "14-grouped-convolution",
            "14-direct-against-FFT"} <= keys


# ---------------------------------------------------------------- against PyTorch
@pytest.mark.parametrize("seed", range(4))
def test_lesson_states_agree_with_pytorch(seed):
    """The 1-D output and the grouped weight layout match PyTorch's on the same settings."""
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
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
