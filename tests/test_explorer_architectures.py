"""Notebook 13's state (cnnviz.lessons.architectures), its architecture gallery
(cnnviz.explorers.architectures) and its catalog entries; the receptive field explorer's
own tests are in test_explorer_receptive_fields.py."""

import io

import numpy as np
import pytest
from PIL import Image

import cnnviz
from cnnviz import models
from cnnviz.errors import SettingError
from cnnviz.explorers import catalog
from cnnviz.explorers.architectures import architecture_gallery
from cnnviz.explorers.receptive_fields import IMAGE_SIZE, MAX_DEPTH
from cnnviz.lessons.architectures import (
    ARCHITECTURES, StackLayer, architecture_row, architecture_table, build_stack, deep_stack,
    effective_field, gallery_state, gradient_through_depth, mass_width, random_conv_stack,
    receptive_state, share_inside, stack_map_sizes, stack_state, unit_input_gradient,
)
from explorer_support import sweep

IMAGE = np.random.default_rng(0).random((IMAGE_SIZE, IMAGE_SIZE))


def pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.png)).convert("RGB"))


# ------------------------------------------------------------------ independent references
def field_by_loops(specs):
    """Field and jump of a conv/pool stack, by tracking the set of input rows each layer sees.

    Unit u of a layer with kernel k, stride s, dilation d (padding p) reads positions
    u*s - p + t*d of its input, t = 0..k-1; the union of what those positions see is the
    field. Works with index sets, not with the recurrence.
    """
    def rows(layer_index, unit):
        if layer_index < 0:
            return {unit}
        k, s, d, p = specs[layer_index]
        seen = set()
        for t in range(k):
            seen |= rows(layer_index - 1, unit * s - p + t * d)
        return seen

    seen = rows(len(specs) - 1, 3)
    jump_seen = rows(len(specs) - 1, 4)
    return max(seen) - min(seen) + 1, min(jump_seen) - min(seen), min(seen) - 3 * 0


def layer_specs(model):
    out = []
    for layer in model:
        if isinstance(layer, cnnviz.Conv2d):
            out.append((layer.kernel_size[0], layer.stride[0], layer.dilation[0],
                        layer._pads()[0][0]))
        else:
            out.append((layer.kernel_size[0], layer.stride[0], 1, layer.padding[0]))
    return out


def random_specs(rng):
    depth = int(rng.integers(1, MAX_DEPTH + 1))
    return [StackLayer(int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 3)),
                       int(rng.integers(1, 4)), bool(rng.integers(0, 2))) for _ in range(depth)]


# ----------------------------------------------------------------------- the stack state
@pytest.mark.parametrize("seed", range(12))
def test_stack_fields_match_index_sets(seed):
    """Random stacks: every layer's field and jump equal those found by following index sets."""
    rng = np.random.default_rng(seed)
    specs = random_specs(rng)
    model = build_stack(specs)
    state = receptive_state(model, np.zeros((128, 128)))
    all_specs = layer_specs(model)
    for i, row in enumerate(state.fields):
        size, jump, _ = field_by_loops(all_specs[:i + 1])
        assert row.size == (size, size) and row.jump == (jump, jump)
    assert [s.size for s in state.steps] == [row.size[0] for row in state.fields]


@pytest.mark.parametrize("seed", range(6))
def test_window_is_the_footprint_of_the_input_gradient(seed):
    """With positive weights, d(unit)/d(input) is nonzero exactly on the window cut to the image."""
    rng = np.random.default_rng(100 + seed)
    specs = random_specs(rng)
    model = build_stack(specs).initialize(seed)
    for layer in model:
        if isinstance(layer, cnnviz.Conv2d):
            layer.weight = np.abs(layer.weight) + 0.1
    try:
        sizes = stack_map_sizes(32, depth=len(specs), **{
            f"{key}{i + 1}": getattr(s, name) for i, s in enumerate(specs)
            for key, name in (("k", "kernel"), ("s", "stride"), ("d", "dilation"),
                              ("pool", "pool"))})
    except SettingError:
        sizes = None
    if sizes is None:
        pytest.skip("this random stack does not fit 32x32")
    layer = int(rng.integers(1, len(model) + 1))
    n = sizes[layer - 1]
    row, col = int(rng.integers(0, n)), int(rng.integers(0, n))
    state = receptive_state(model, np.ones((32, 32)), layer=layer, row=row, col=col)
    grad = unit_input_gradient(model, np.ones((1, 1, 32, 32)), layer, row=row, col=col)[0, 0]
    nonzero = np.argwhere(grad != 0)
    (top, bottom), (left, right) = state.clipped
    # Max pooling on a constant input routes each window's gradient to one winner, so the
    # footprint can be smaller; without pools it is the whole window.
    if not any(s.pool for s in specs[:layer]):
        assert nonzero.min(axis=0).tolist() == [top, left]
        assert nonzero.max(axis=0).tolist() == [bottom - 1, right - 1]
    else:
        assert nonzero.min(axis=0).tolist() >= [top, left]
        assert nonzero.max(axis=0).tolist() <= [bottom - 1, right - 1]


def test_vgg_counts_in_the_state():
    """Three 3x3 layers: 27 C^2 weights against 49 C^2 for one 7x7, C = 64."""
    state = receptive_state(build_stack([(3,), (3,), (3,)]), IMAGE)
    assert state.stack_weights == 27 * 64 ** 2 and state.single_weights == 49 * 64 ** 2
    assert state.size == 7 and state.jump == 1


def test_default_unit_is_the_centre_and_window_follows_the_jump():
    """The unit defaults to the map's centre; moving one unit right moves the window by the jump."""
    state = stack_state(IMAGE, depth=2, k1=3, s1=2, k2=3)
    assert state.map_size == 32 and state.unit == (16, 16)
    right = stack_state(IMAGE, depth=2, k1=3, s1=2, k2=3, row=16, col=17)
    assert right.window[1][0] - state.window[1][0] == state.jump == 2
    assert right.window[0] == state.window[0]


def test_a_stack_that_runs_out_of_rows_is_explained():
    """Three stride-2 layers, each pooled, on 16 pixels: the third pool has nothing to pool."""
    kwargs = {f"{k}{i}": v for i in (1, 2, 3) for k, v in (("s", 2), ("pool", True))}
    with pytest.raises(SettingError, match="Layer 6, a 2x2 pool, has nothing left to pool") as info:
        stack_state(np.zeros((16, 16)), depth=3, **kwargs)
    assert info.value.size == 1 and info.value.layer == 6
    assert stack_map_sizes(16, depth=3, **kwargs) is None
    assert stack_map_sizes(IMAGE_SIZE, depth=3, **kwargs) == [32, 16, 8, 4, 2, 1]


@pytest.mark.parametrize("call, error, message", [
    (lambda: build_stack([(4,)]), ValueError, "kernel must be odd.*got 4"),
    (lambda: build_stack((3, 1)), TypeError, "layers\\[0\\] must be a StackLayer"),
    (lambda: build_stack([(3, 0)]), ValueError, "stride must be a positive integer; got 0"),
    (lambda: receptive_state(build_stack([(3,)]), np.zeros((4, 5))), ValueError,
     "image must be square; got shape \\(4, 5\\)"),
    (lambda: receptive_state(build_stack([(3,)]), IMAGE, layer=2), ValueError,
     "layer must be between 1 and 1; got 2"),
    (lambda: receptive_state(build_stack([(3,)]), IMAGE, row=64), ValueError,
     "row must be below the map's size 64; got 64"),
    (lambda: receptive_state([1], IMAGE), TypeError, "model must be a cnnviz.Sequential"),
])
def test_bad_input_is_named(call, error, message):
    """Bad settings name the parameter, the value and what is valid."""
    with pytest.raises(error, match=message):
        call()


# -------------------------------------------------------------- effective receptive field
def test_unit_input_gradient_matches_central_differences():
    """d(one unit)/d(input) of a random conv/ReLU/pool stack, against finite differences."""
    rng = np.random.default_rng(3)
    net = cnnviz.Sequential([cnnviz.Conv2d(2, 3, 3, padding=1), cnnviz.ReLU(),
                             cnnviz.AvgPool2d(2), cnnviz.Conv2d(3, 2, 3)]).initialize(1)
    for layer in net:
        for name, value in layer.parameters().items():
            setattr(layer, name, value.astype(np.float64))
    x = rng.standard_normal((1, 2, 10, 10))
    grad = unit_input_gradient(net, x, 4, row=1, col=2, channel=1)
    eps, numeric = 1e-6, np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (net.forward(up)[0, 1, 1, 2] - net.forward(down)[0, 1, 1, 2]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, atol=1e-7)


def test_effective_field_sums_to_one_and_lies_in_the_field():
    """The normalised mean |gradient| sums to 1 and is zero outside the theoretical window."""
    net = random_conv_stack(4, channels=3, seed=2)
    x = np.random.default_rng(0).standard_normal((3, 3, 20, 20))
    erf = effective_field(net, x, 8)
    window = cnnviz.receptive_field(net, (3, 20, 20))[-1].window(10, 10)
    (top, bottom), (left, right) = window
    assert np.isclose(erf.sum(), 1.0)
    outside = erf.copy()
    outside[top:bottom, left:right] = 0
    assert not outside.any() and erf[(top + bottom) // 2, (left + right) // 2] > 0


def test_mass_width_against_brute_force():
    """The smallest centred square holding a share, found by trying every side."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        h = int(rng.integers(5, 15))
        w = rng.random((h, h)) ** 4
        top, left = int(rng.integers(0, 3)), int(rng.integers(0, 3))
        size = int(rng.integers(2, h - 2))
        window = ((top, top + size), (left, left + size))
        share = float(rng.uniform(0.1, 1.0))
        sides = [t for t in range(2 - size % 2, 2 * h + 1, 2)
                 if share_inside(w, window, t) >= share * (1 - 1e-12)]
        assert mass_width(w, share, window=window) == sides[0]


def test_share_inside_counts_the_centred_square():
    """A uniform map: a centred square of side t holds t^2 / size^2 when it lies inside."""
    w = np.ones((10, 10))
    assert share_inside(w, ((1, 9), (1, 9)), 4) == 16 / 100
    with pytest.raises(ValueError, match="side must have the parity of the window's side 8; got 3"):
        share_inside(w, ((1, 9), (1, 9)), 3)


def test_deeper_random_stacks_use_a_smaller_part_of_their_field():
    """Luo et al.: the 90% square grows more slowly than the theoretical field."""
    x = np.random.default_rng(1).standard_normal((4, 4, 48, 48))
    ratios = []
    for depth in (5, 20):
        net = random_conv_stack(depth, channels=4, seed=3)
        row = cnnviz.receptive_field(net, (4, 48, 48))[-1]
        erf = effective_field(net, x, 2 * depth)
        ratios.append(mass_width(erf, 0.9, window=row.window(24, 24)) / row.size[0])
    assert ratios[1] < ratios[0] < 1


# ----------------------------------------------------------------- residual experiment
def forward_all(layers, x):
    for layer in layers:
        x = layer.forward(x)
    return x


@pytest.mark.parametrize("residual", [False, True])
def test_gradient_through_depth_matches_central_differences(residual):
    """Each returned size is the RMS of dL/d(input of that layer), L = sum(out * g), with the
    gradients found by central differences through the same layers."""
    depth = 3
    norms = gradient_through_depth(depth, residual=residual, channels=2, size=4, batch=1)
    layers, x, g = deep_stack(depth, residual=residual, channels=2, size=4, batch=1)
    inputs = [x]
    for layer in layers[:-1]:
        inputs.append(layer.forward(inputs[-1]))
    eps = 1e-6
    for l, x_l in enumerate(inputs):
        numeric = np.zeros_like(x_l)
        for idx in np.ndindex(x_l.shape):
            up, down = x_l.copy(), x_l.copy()
            up[idx] += eps
            down[idx] -= eps
            numeric[idx] = ((forward_all(layers[l:], up) * g).sum()
                            - (forward_all(layers[l:], down) * g).sum()) / (2 * eps)
        assert np.isclose(norms[l], np.sqrt(np.mean(numeric ** 2)), rtol=1e-5)
    assert np.isclose(norms[-1], np.sqrt(np.mean(g ** 2)))


def test_plain_and_residual_stacks_share_weights_input_and_output_gradient():
    """Same seed: the two stacks' convolutions, x and g are identical; only the skips differ."""
    plain, x1, g1 = deep_stack(4)
    res, x2, g2 = deep_stack(4, residual=True)
    assert np.array_equal(x1, x2) and np.array_equal(g1, g2)
    for a, b in zip(plain, res):
        assert np.array_equal(a[0].weight, b.block[0].weight)


def test_residual_stack_keeps_the_gradient_that_a_plain_one_loses():
    """20 layers at LeCun's scale: the plain stack's first layer gets < 1% of the output's
    gradient; the residual stack's at least all of it."""
    plain = gradient_through_depth(20)
    residual = gradient_through_depth(20, residual=True)
    assert plain[0] / plain[-1] < 0.01
    assert residual[0] / residual[-1] >= 1


# -------------------------------------------------------------------------- the gallery
def test_gallery_rows_match_the_models():
    """Each row's counts are the summary's; depth and field as published or derived."""
    rows = {r.name: r for r in architecture_table()}
    for name, make, shape, top1, _ in ARCHITECTURES:
        summary = make().summary(shape)
        row = rows[name]
        assert (row.params, row.multiply_adds, row.activations) == (
            summary.total_params, summary.total_multiply_adds, summary.total_activations)
        assert row.top1 == top1
    assert {n: r.depth for n, r in rows.items()} == {
        "LeNet-5": 5, "AlexNet": 8, "VGG16": 16, "ResNet-18": 18, "MobileNetV2": 53}
    assert rows["VGG16"].field == 196 and rows["ResNet-18"].field == 435


def test_last_conv_field_matches_field_by_index_sets_for_alexnet():
    """AlexNet's last convolution: the recurrence against index sets over its five convs/pools."""
    net = models.alexnet()
    specs = layer_specs([layer for layer in net.layers[:11]
                         if isinstance(layer, (cnnviz.Conv2d, cnnviz.MaxPool2d))])
    assert architecture_row("AlexNet", net, (3, 224, 224)).field == field_by_loops(specs)[0]


def test_gallery_state_checks_its_settings():
    """An unknown metric or network is named with the valid choices."""
    rows = architecture_table()
    with pytest.raises(ValueError, match="metric must be one of 'params', 'multiply_adds', "
                                         "'activations'; got 'flops'"):
        gallery_state(rows, metric="flops")
    with pytest.raises(ValueError, match="highlight must be one of"):
        gallery_state(rows, highlight="GoogLeNet")
    with pytest.raises(TypeError, match="models\\['mine'\\] must be \\(model, input_shape\\)"):
        architecture_table({"mine": models.lenet5()})


# ------------------------------------------------------------------------- the explorers
def test_gallery_sweeps_and_highlights():
    """Every metric and network: the state follows, the picture changes, no error."""
    ex = architecture_gallery()
    seen = set()
    for metric in sweep(ex.controls["metric"]):
        for name in sweep(ex.controls["highlight"]):
            ex.set(metric=metric, highlight=name)
            assert ex.last_error is None and ex.state.metric == metric
            assert ex.state.chosen.name == name and f"<b>{name}</b>" in ex.text.value
            seen.add(pixels(ex).tobytes())
    assert len(seen) == 3 * 5


def test_gallery_takes_a_learners_network():
    """Any Sequential joins the table; one without a top-1 score is left off the chart."""
    mine = cnnviz.Sequential([cnnviz.Conv2d(1, 4, 3), cnnviz.ReLU(), cnnviz.Flatten(),
                              cnnviz.Dense(4 * 26 * 26, 10)])
    ex = architecture_gallery({"mine": (mine, (1, 28, 28)), "LeNet-5": (models.lenet5(),
                                                                         (1, 32, 32), 99.0)},
                              highlight="mine")
    assert ex.last_error is None and ex.state.chosen.params == mine.num_params
    assert "no ImageNet score" in ex.text.value


def test_notebook_builds_its_explorers_from_the_catalogs_inputs():
    """Each explorer stored in notebook 13 carries the fingerprint of a catalog entry."""
    import nbformat
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / \
        "13_architectures_and_receptive_fields.ipynb"
    stored = [out["metadata"][catalog.METADATA_KEY]
              for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
              for out in cell.outputs if catalog.METADATA_KEY in out.get("metadata", {})]
    expected = [e.origin() for e in catalog.entries() if e.notebook == "13"]
    assert stored == expected


def test_catalog_lists_both_explorers_of_notebook_13():
    """The catalog builds the two explorers with the notebook's inputs."""
    keys = [e.key for e in catalog.entries() if e.notebook == "13"]
    assert keys == ["13-receptive-field", "13-receptive-field-of-a-network",
                    "13-architecture-gallery"]
    args, _ = catalog.get("13-receptive-field").recipe()
    assert args[0].shape == (IMAGE_SIZE, IMAGE_SIZE) and 0 <= args[0].min() <= args[0].max() <= 1


@pytest.mark.parametrize("key", ["13-receptive-field", "13-receptive-field-of-a-network",
                                 "13-architecture-gallery"])
def test_stored_picture_is_twice_the_figure_with_the_caption_under_it(key):
    """The stored view: the figure at STORED_SCALE times the density, then a strip of words."""
    from cnnviz.explorers._base import STORED_SCALE

    ex = catalog.get(key).build()
    stored = np.asarray(Image.open(io.BytesIO(ex.static_png())).convert("RGB"))
    figure = pixels(ex)
    assert stored.shape[1] == STORED_SCALE * figure.shape[1]
    strip = stored[STORED_SCALE * figure.shape[0]:]
    assert strip.shape[0] > 20 and (strip < 128).any(), "the caption strip has no words"
