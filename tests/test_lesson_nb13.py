"""Notebook 13's claims, checked against what cnnviz computes (the prose states them; the
notebook's cells print the numbers and nbval compares them), and its exercises' checks."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import cnnviz
from cnnviz import models
from cnnviz.checks import CheckError
from cnnviz.datasets import make_shapes
from cnnviz.exercises import nb13
from cnnviz.lessons.architectures import (
    architecture_table, build_stack, effective_field, gradient_through_depth, mass_width,
    random_conv_stack, share_inside,
)
from cnnviz.pretrained import shapes_cnn

NOTEBOOK = (Path(__file__).resolve().parent.parent / "notebooks"
            / "13_architectures_and_receptive_fields.ipynb")


def rows():
    return {row.name: row for row in architecture_table()}


# ---------------------------------------------------------------------- section 1
def test_stacked_3x3_see_as_much_as_one_5x5_and_7x7():
    """'Two stacked 3x3 convolutions see as much as one 5x5, and three see as much as one 7x7.'"""
    for n, k in [(2, 5), (3, 7)]:
        stack = cnnviz.receptive_field([cnnviz.Conv2d(1, 1, 3)] * n, (1, 16, 16))[-1]
        single = cnnviz.receptive_field([cnnviz.Conv2d(1, 1, k)], (1, 16, 16))[-1]
        assert stack.size == single.size == (k, k)


def test_stride_one_keeps_the_size_in_the_explorers_stack():
    """'each convolution is padded so that stride 1 keeps the size', dilation included."""
    for k in (1, 3, 5, 7):
        for d in (1, 2, 3):
            net = build_stack([(k, 1, d)])
            assert net.summary((1, 64, 64)).rows[0].output_shape == (1, 64, 64)


# ---------------------------------------------------------------------- section 2
def test_deeper_stacks_use_an_ever_smaller_part_of_their_field():
    """'The theoretical field grows by 2 per layer; the square that holds most of the dependence
    grows much more slowly, so it becomes an ever smaller part of the field' (the notebook's
    stacks and inputs)."""
    inputs = np.random.default_rng(1).standard_normal((8, 4, 48, 48))
    fields, ratios = [], []
    for depth in [2, 5, 10, 20]:
        net = random_conv_stack(depth, channels=4, seed=0)
        row = cnnviz.receptive_field(net, (4, 48, 48))[-1]
        erf = effective_field(net, inputs, 2 * depth)
        fields.append(row.size[0])
        ratios.append(mass_width(erf, 0.9, window=row.window(24, 24)) / row.size[0])
    assert fields == [2 * d + 1 for d in [2, 5, 10, 20]]
    assert all(a > b for a, b in zip(ratios[1:], ratios[2:])) and ratios[0] >= ratios[1]
    assert ratios[-1] < 0.6


def test_trained_network_blob_fills_most_of_its_small_field_but_favours_the_middle():
    """'It is only two convolutions deep, so its blob is not much smaller than the square, but
    the middle still counts more than the edge' (the middle quarter holds more than a quarter)."""
    net = shapes_cnn()
    images = make_shapes(64, seed=0)[0]
    row = cnnviz.receptive_field(net, (1, 28, 28))[4]
    window = row.window(7, 7)
    erf = effective_field(net, images, "ReLU-5", row=7, col=7)
    assert row.name == "ReLU-5" and row.size == (8, 8)
    assert mass_width(erf, 0.9, window=window) >= row.size[0] - 2
    assert share_inside(erf, window, 4) > 0.25


# ---------------------------------------------------------------------- section 3
def test_accuracy_rose_and_costs_fell_after_vgg16():
    """'From AlexNet to MobileNetV2, ImageNet accuracy rose, and after VGG16 the parameters and
    multiply-adds fell.'"""
    r = rows()
    assert r["MobileNetV2"].top1 > r["AlexNet"].top1
    for key in ("params", "multiply_adds"):
        later = [getattr(r[name], key) for name in ("VGG16", "ResNet-18", "MobileNetV2")]
        assert later == sorted(later, reverse=True)


def test_summaries_cost_no_memory():
    """'Their summaries cost no memory': no weight array exists after a summary."""
    net = models.vgg16()
    net.summary((3, 224, 224))
    assert net.parameters() == {}


def test_the_chart_reading():
    """'VGG16 beat AlexNet ... more than twice the parameters and about twenty times the
    multiply-adds. ResNet-18 got nearly as far with a twelfth of VGG16's parameters, and
    MobileNetV2 went further still with fewer parameters and multiply-adds than any of them
    except LeNet.'"""
    r = rows()
    vgg, alex, res, mobile = r["VGG16"], r["AlexNet"], r["ResNet-18"], r["MobileNetV2"]
    assert vgg.top1 > alex.top1
    assert 2 < vgg.params / alex.params < 3
    assert 18 < vgg.multiply_adds / alex.multiply_adds < 25
    assert 11 < vgg.params / res.params < 13 and vgg.top1 - res.top1 < 2
    assert mobile.top1 > vgg.top1
    for other in (alex, vgg, res):
        assert mobile.params < other.params and mobile.multiply_adds < other.multiply_adds


def test_most_parameters_of_alexnet_and_vgg16_are_dense():
    """'Most of AlexNet's and VGG16's parameters sit in their dense layers at the top; the later
    networks average each map down to one number instead, so their dense layer is small.'"""
    for make in (models.alexnet, models.vgg16):
        net = make()
        dense = sum(layer.num_params for layer in net if isinstance(layer, cnnviz.Dense))
        assert dense / net.num_params > 0.5
    for make in (models.resnet18, models.mobilenet_v2):
        net = make()
        assert any(isinstance(layer, cnnviz.GlobalAvgPool2d) for layer in net)
        dense = sum(layer.num_params for layer in net if isinstance(layer, cnnviz.Dense))
        assert dense / net.num_params < 0.4


def test_published_numbers_in_the_gallery():
    """The counts and accuracies the curriculum quotes (torchvision's layouts and weights)."""
    r = rows()
    assert {n: row.params for n, row in r.items()} == {
        "LeNet-5": 61_706, "AlexNet": 61_100_840, "VGG16": 138_357_544,
        "ResNet-18": 11_689_512, "MobileNetV2": 3_504_872}
    assert {n: row.top1 for n, row in r.items()} == {
        "LeNet-5": None, "AlexNet": 56.5, "VGG16": 71.6, "ResNet-18": 69.8, "MobileNetV2": 71.9}


# ---------------------------------------------------------------------- section 4
def test_plain_stack_halves_the_variance_per_layer_and_residual_never_shrinks():
    """'In the plain stack each layer passes back about half of what it gets, in variance ...
    here the gradient never shrinks on its way down' (the residual stack)."""
    plain = gradient_through_depth(20)
    residual = gradient_through_depth(20, residual=True)
    per_layer = np.exp(np.mean(np.log((plain[:-1] / plain[1:]) ** 2)))
    assert 0.35 < per_layer < 0.65
    assert np.all(residual[:-1] >= residual[1:])


def test_he_initialisation_keeps_the_plain_stacks_gradient_at_the_start():
    """'He initialisation, cnnviz's default, fixes the plain stack's start too.'"""
    plain = gradient_through_depth(20, weight_scale=np.sqrt(2))
    assert 0.1 < plain[0] / plain[-1] < 10


def test_separable_is_about_an_eighth_of_the_cost():
    """'About an eighth of the cost' (parameters and multiply-adds, 32 -> 64 channels at 56x56)."""
    standard = cnnviz.Conv2d(32, 64, 3, padding=1)
    depthwise = cnnviz.Conv2d(32, 32, 3, padding=1, groups=32)
    pointwise = cnnviz.Conv2d(32, 64, 1)
    shape = (32, 56, 56)
    assert standard.num_params == 18_496 and depthwise.num_params == 320
    assert pointwise.num_params == 2_112
    for cost in (lambda c: c.num_params, lambda c: c.multiply_adds(shape)):
        ratio = (cost(depthwise) + cost(pointwise)) / cost(standard)
        assert 1 / 9 < ratio < 1 / 7


def test_mobilenet_v2_widens_six_times_and_normalises_after_every_convolution():
    """'a 1x1 convolution widens the channels six times' and 'ResNet and MobileNetV2 put one
    [BatchNorm2d] after every convolution'."""
    def convs_followed_by_batchnorm(layers):
        layers = list(layers)
        for i, layer in enumerate(layers):
            if isinstance(layer, cnnviz.Residual):
                convs_followed_by_batchnorm(layer.block)
                if layer.shortcut is not None:
                    convs_followed_by_batchnorm(layer.shortcut)
            elif isinstance(layer, cnnviz.Conv2d):
                assert isinstance(layers[i + 1], cnnviz.BatchNorm2d), layer

    convs_followed_by_batchnorm(models.resnet18())
    convs_followed_by_batchnorm(models.mobilenet_v2())
    blocks = [layer for layer in models.mobilenet_v2() if isinstance(layer, cnnviz.Residual)]
    assert blocks
    for block in blocks:
        expand = block.block[0]
        assert expand.kernel_size == (1, 1) and expand.out_channels == 6 * expand.in_channels


# ---------------------------------------------------------------------- the exercises
def test_exercise_answers_follow_from_their_definitions():
    """The expected answers, worked out independently of the checks' own code."""
    r, j = 1, 1
    for _, k, s, d in nb13.FIELD_STACK:
        r, j = r + (k - 1) * d * j, j * s
    assert nb13.ANSWERS["stack_field"]() == r
    c = nb13.BLOCK_CHANNELS
    assert nb13.ANSWERS["block_params"]() == 2 * (c * c * 9) + 2 * (2 * c)
    case = nb13.MULTIPLY_ADDS_CASE
    cin, h, _ = case["input_shape"]
    out = (h + 2 * case["padding"] - case["kernel_size"]) // case["stride"] + 1
    assert nb13.ANSWERS["conv_multiply_adds"]() == (
        case["out_channels"] * out * out * cin * case["kernel_size"] ** 2)


@pytest.mark.parametrize("name", sorted(nb13.ANSWERS))
def test_each_check_accepts_the_answer_and_rejects_another(name, capsys):
    """Right: 'Correct'. Wrong by one: CheckError with expected and got. Untried: a reminder."""
    check = getattr(nb13, name)
    expected = nb13.ANSWERS[name]()
    check(expected)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(CheckError, match=rf"expected: {expected}\n  got:      {expected + 1}"):
        check(expected + 1)
    check(...)
    assert "Not tried yet" in capsys.readouterr().out


def test_exercise_module_declares_its_exercises():
    """Three value exercises, each with its check; no code exercises."""
    assert set(nb13.ANSWERS) == {"stack_field", "block_params", "conv_multiply_adds"}
    assert nb13.CODE_EXERCISES == ()
    assert all(callable(getattr(nb13, name)) for name in nb13.ANSWERS)


def _spellings(value):
    return {str(value), f"{value:,}"}


def test_no_answer_appears_above_the_solutions():
    """No markdown or output above the Solutions cell shows an exercise's answer."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<summary>Solutions</summary>" in cell.source:
            break
        if cell.cell_type == "markdown":
            text.append(cell.source)
        for out in cell.get("outputs", []):
            text.append(out.get("text", ""))
            text.extend(v for k, v in out.get("data", {}).items() if k.startswith("text/"))
    else:
        pytest.fail("the notebook has no Solutions cell")
    text = "\n".join(text)
    for name, answer in nb13.ANSWERS.items():
        for spelling in _spellings(answer()):
            # a whole token: "25" counts inside "25,088" too, as a reader would see it
            pattern = rf"(?<![\w.]){re.escape(spelling)}(?![\w]|\.\d)"
            assert not re.search(pattern, text), f"{name}'s answer {spelling} shows above"
