"""Tests for cnnviz.receptive: the receptive field of every layer of a network.

The recurrence's numbers are checked against the curriculum, and every field
against the footprint of an input gradient: for a network whose weights are all
positive, the input pixels where d(unit)/d(input) is not zero span exactly the
unit's receptive field (cut to the image).
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz import models
from cnnviz.layers import (
    AvgPool2d, BatchNorm2d, Conv2d, Flatten, GlobalAvgPool2d, Layer, MaxPool2d, ReLU, ReLU6,
    Residual, Sequential,
)
from cnnviz.receptive import receptive_field


def sizes(stack, input_shape=(1, 64, 64)):
    return [row.size for row in receptive_field(stack, input_shape)]


# ------------------------------------------------------------------ the curriculum's numbers
def test_stacked_3x3_convolutions_see_5_then_7():
    """Two stacked 3x3 convolutions see 5x5, three 7x7, like one 5x5 and one 7x7."""
    assert sizes([Conv2d(1, 1, 3)] * 3) == [(3, 3), (5, 5), (7, 7)]
    assert sizes([Conv2d(1, 1, 5)]) == [(5, 5)] and sizes([Conv2d(1, 1, 7)]) == [(7, 7)]


def test_a_stride_2_pool_doubles_what_later_kernels_add():
    """conv3 -> pool2 (stride 2) -> conv3: 3, 4, then 4 + 2 * 2 = 8, with jumps 1, 2, 2."""
    rows = receptive_field([Conv2d(1, 1, 3), MaxPool2d(2), Conv2d(1, 1, 3)], (1, 32, 32))
    assert [r.size for r in rows] == [(3, 3), (4, 4), (8, 8)]
    assert [r.jump for r in rows] == [(1, 1), (2, 2), (2, 2)]


def test_dilation_padding_and_rectangular_kernels():
    """A 3x3 kernel with dilation 2 adds 4; padding moves the start, per axis."""
    rows = receptive_field([Conv2d(1, 1, (3, 5), padding=(1, 2)),
                            Conv2d(1, 1, 3, dilation=(2, 1), stride=(1, 2), padding=(2, 1))],
                           (1, 20, 20))
    assert rows[0].size == (3, 5) and rows[0].start == (-1, -2)
    assert rows[1].size == (7, 7) and rows[1].jump == (1, 2) and rows[1].start == (-3, -3)
    same = receptive_field([Conv2d(1, 1, 4, padding="same")], (1, 9, 9))[0]   # pads 1 then 2
    assert same.size == (4, 4) and same.start == (-1, -1)


def test_position_wise_layers_pass_the_field_through():
    """ReLU, ReLU6 and BatchNorm2d change nothing; global pooling sees the whole map."""
    rows = receptive_field([Conv2d(1, 2, 3), ReLU(), BatchNorm2d(2), ReLU6(), GlobalAvgPool2d()],
                           (1, 10, 12))
    assert [r.size for r in rows[:4]] == [(3, 3)] * 4
    assert rows[-1].size == (10, 12) and rows[-1].output_shape == (2,)


def test_resnet18_last_block_sees_435_pixels():
    """ResNet-18's last residual block: the often quoted 435-pixel field, jump 32."""
    rows = receptive_field(models.resnet18(), (3, 224, 224))
    last = [r for r in rows if r.name.startswith("Residual")][-1]
    assert last.size == (435, 435) and last.jump == (32, 32)
    assert rows[0].name == "Conv2d-1" and rows[0].size == (7, 7) and rows[0].start == (-3, -3)


def test_vgg16_fields_grow_as_the_recurrence_says():
    """VGG16: 3, 5, pool 6, 10, 14, ..., 196 for the last conv and 212 after the last pool."""
    rows = receptive_field(models.vgg16(include_top=False), (3, 224, 224))
    convs = [r.size[0] for r in rows if r.name.startswith("Conv2d")]
    assert convs[:4] == [3, 5, 10, 14]
    assert convs[-1] == 196 and rows[-1].size == (212, 212) and rows[-1].jump == (32, 32)


# ------------------------------------------------------------------- gradient footprints
def random_stack(rng, channels=2):
    """A random stack of convolutions, average pools, residual blocks and position-wise layers."""
    layers = []
    for _ in range(int(rng.integers(2, 6))):
        kind = rng.choice(["conv", "conv", "pool", "residual", "pointwise"])
        if kind == "conv":
            k, s, d = int(rng.integers(1, 5)), int(rng.integers(1, 3)), int(rng.integers(1, 3))
            padding = "same" if s == 1 and rng.random() < 0.3 else int(rng.integers(0, k))
            layers.append(Conv2d(channels, channels, k, stride=s, dilation=d, padding=padding))
        elif kind == "pool":
            k = int(rng.integers(2, 4))
            layers.append(AvgPool2d(k, stride=int(rng.integers(1, k + 1)),
                                    padding=int(rng.integers(0, k // 2 + 1))))
        elif kind == "residual":
            s = int(rng.integers(1, 3))
            shortcut = None if s == 1 else [Conv2d(channels, channels, 1, stride=s), BatchNorm2d(channels)]
            layers.append(Residual([Conv2d(channels, channels, 3, stride=s, padding=1), ReLU(),
                                    Conv2d(channels, channels, 3, padding=1)], shortcut=shortcut))
        else:
            # (not ReLU6: positive weights push values past 6, where its gradient is 0)
            layers.append([ReLU(), BatchNorm2d(channels)][int(rng.integers(0, 2))])
    return layers


def positive_network(layers, rng):
    """Every weight and bias positive, BatchNorm in evaluation mode with positive statistics,
    so every path from an input pixel to a unit carries a positive gradient."""
    net = Sequential(layers).initialize(0).eval()
    for value in net.parameters().values():
        value[...] = rng.uniform(0.5, 1.5, value.shape)

    def stats(layer):
        if isinstance(layer, Residual):
            for inner in [*layer.block, *(layer.shortcut or [])]:
                stats(inner)
        elif isinstance(layer, BatchNorm2d):
            layer.running_mean = np.zeros(layer.num_features)
            layer.running_var = rng.uniform(0.5, 2.0, layer.num_features)

    for layer in net:
        stats(layer)
    return net


def footprint(net, upto, x, unit):
    """Rows [top, bottom) and columns [left, right) where d(unit of layer ``upto``)/dx != 0."""
    head = Sequential(net.layers[: upto + 1])
    out = head.forward(x)
    grad_out = np.zeros_like(out)
    grad_out[(0, 0, *unit)] = 1.0
    touched = np.abs(head.backward(grad_out)[0]).sum(axis=0) > 0
    rows, cols = np.nonzero(touched.any(axis=1))[0], np.nonzero(touched.any(axis=0))[0]
    return (rows[0], rows[-1] + 1), (cols[0], cols[-1] + 1)


def inside(row, i, j):
    """Whether unit (i, j)'s whole field lies on the image (no padding in it)."""
    (top, bottom), (left, right) = row.window(i, j)
    return top >= 0 and left >= 0 and bottom <= row.input_size[0] and right <= row.input_size[1]


def test_field_equals_the_footprint_of_an_input_gradient():
    """For random stacks and random units of random layers, the nonzero region of
    d(unit)/d(input) is exactly the field from the recurrence when that field lies on the
    image. Near the border it lies within the field cut to the image: paths through an
    intermediate layer's padding carry nothing, so it can be smaller."""
    exact = 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        size = (int(rng.integers(16, 33)), int(rng.integers(16, 33)))
        layers = random_stack(rng)
        try:
            rows = receptive_field(layers, (2, *size))
        except ValueError:                   # this stack shrinks the image to nothing
            continue
        net = positive_network(layers, rng)
        x = rng.uniform(0.5, 1.5, (1, 2, *size))
        for upto in sorted({int(rng.integers(0, len(layers))), len(layers) - 1}):
            row = rows[upto]
            units = [(i, j) for i in range(row.output_shape[1]) for j in range(row.output_shape[2])]
            interior = [u for u in units if inside(row, *u)]
            if interior:
                unit = interior[int(rng.integers(0, len(interior)))]
                assert footprint(net, upto, x, unit) == row.window(*unit), (seed, row, unit)
                exact += 1
            unit = units[int(rng.integers(0, len(units)))]
            (t, b), (le, r) = footprint(net, upto, x, unit)
            (ct, cb), (cl, cr) = row.window(*unit, clip=True)
            assert ct <= t < b <= cb and cl <= le < r <= cr, (seed, row, unit)
    assert exact >= 40                       # the exact comparison really ran, many times


def test_global_pool_field_is_the_footprint_of_its_gradient():
    """A channel mean after two convolutions depends on the whole image, as its row says."""
    rng = np.random.default_rng(3)
    layers = [Conv2d(1, 1, 3, stride=2), Conv2d(1, 1, 3), GlobalAvgPool2d()]
    net = positive_network(layers, rng)
    rows = receptive_field(layers, (1, 15, 13))
    x = rng.uniform(0.5, 1.5, (1, 1, 15, 13))
    out = net.forward(x)
    touched = np.abs(net.backward(np.ones_like(out))[0, 0]) > 0
    rows_hit, cols_hit = np.nonzero(touched.any(axis=1))[0], np.nonzero(touched.any(axis=0))[0]
    assert ((rows_hit[0], rows_hit[-1] + 1), (cols_hit[0], cols_hit[-1] + 1)) == \
        rows[-1].window(0, 0, clip=True) == ((0, 15), (0, 13))


def test_residual_field_is_the_union_of_both_paths():
    """A 3x3 stride-2 block beside a 1x1 stride-2 shortcut sees the block's 3x3; an identity
    shortcut beside a block that reaches only one side widens the field to include its input."""
    block = Residual([Conv2d(1, 1, 3, stride=2, padding=1)],
                     shortcut=[Conv2d(1, 1, 1, stride=2)])
    row = receptive_field([block], (1, 9, 9))[0]
    assert row.size == (3, 3) and row.start == (-1, -1) and row.jump == (2, 2)
    lopsided = Residual([Conv2d(1, 1, (1, 3), padding=((0, 0), (0, 2)))])     # looks right only
    row = receptive_field([lopsided], (1, 5, 5))[0]
    assert row.size == (1, 3) and row.start == (0, 0)
    shifted = Residual([Conv2d(1, 1, (1, 3), padding=((0, 0), (2, 0)))])      # looks left only
    row = receptive_field([shifted], (1, 5, 5))[0]
    assert row.size == (1, 3) and row.start == (0, -2)
    wide_shortcut = Residual([Conv2d(1, 1, 1, stride=2)],
                             shortcut=[Conv2d(1, 1, 3, stride=2, padding=1)])
    row = receptive_field([wide_shortcut], (1, 9, 9))[0]
    assert row.size == (3, 3) and row.start == (-1, -1)


def test_residual_union_of_a_left_and_a_right_looking_path_is_the_gradient_footprint():
    """Block sees columns c-2..c, shortcut c..c+2: the unit sees c-2..c+2, 5 wide, as its
    input gradient shows."""
    layer = Residual([Conv2d(1, 1, (1, 3), padding=((0, 0), (2, 0)))],
                     shortcut=[Conv2d(1, 1, (1, 3), padding=((0, 0), (0, 2)))])
    row = receptive_field([layer], (1, 7, 9))[0]
    assert row.size == (1, 5) and row.start == (0, -2)
    rng = np.random.default_rng(7)
    net = positive_network([layer], rng)
    assert footprint(net, 0, rng.uniform(0.5, 1.5, (1, 1, 7, 9)), (3, 4)) == \
        row.window(3, 4) == ((3, 4), (2, 7))


# ------------------------------------------------------------------------- the table
def test_receptive_field_prints_a_table_and_is_exported():
    """Top-level cnnviz.receptive_field; the rows print as an aligned table, one line each."""
    rows = cnnviz.receptive_field(Sequential([Conv2d(1, 1, 3), MaxPool2d(2)]), (1, 8, 8))
    assert str(rows).splitlines() == [
        "Layer        Output shape  Field  Jump  Start",
        "---------------------------------------------",
        "Conv2d-1     (1, 6, 6)     3x3    1x1   (0, 0)",
        "MaxPool2d-2  (1, 3, 3)     4x4    2x2   (0, 0)",
    ]
    assert len(rows) == 2 and rows[1].window(2, 0) == ((4, 8), (0, 4))


# ------------------------------------------------------------------------- bad input
class Shift(Layer):
    """A made-up layer that crops one pixel: receptive_field cannot know what it does."""

    def output_shape(self, input_shape):
        c, h, w = input_shape
        return (c, h - 1, w - 1)


@pytest.mark.parametrize("args, error, message", [
    (([Conv2d(1, 1, 3), Shift()], (1, 8, 8)), ValueError,
     r"layer 2, Shift\(\): receptive_field does not know how Shift\(\) maps input positions"),
    ((Conv2d(1, 1, 3), (8, 8)), ValueError, r"input_shape must be \(channels, height, width\); got \(8, 8\)"),
    (("conv", (1, 8, 8)), TypeError, r"model must be a Sequential or a list of layers; got 'conv'"),
    (([Conv2d(1, 1, 9)], (1, 8, 8)), ValueError, r"layer 1, Conv2d.*does not fit the input height 8"),
    (([Conv2d(3, 1, 3)], (1, 8, 8)), ValueError, r"expects 3 input channels; got 1"),
])
def test_receptive_field_rejects_bad_input(args, error, message):
    """Unknown layers, a shape without channels, a non-network and a kernel too large are explained."""
    with pytest.raises(error, match=message):
        receptive_field(*args)


def test_flatten_and_dense_see_everything():
    """After Flatten every unit sees the union of the last map's fields."""
    rows = receptive_field([Conv2d(1, 1, 3), Flatten(), cnnviz.Dense(36, 2)], (1, 8, 8))
    assert rows[1].size == rows[2].size == (8, 8)
