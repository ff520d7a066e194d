"""Notebook 07's numbers and claims, checked against what cnnviz computes."""

import pytest

import cnnviz
from cnnviz.lessons.parameters import MODEL_NOTES, layer_counts, model_share
from cnnviz.models import alexnet, example_classifier, lenet5, vgg16


def test_six_5x5x3_filters_have_456_parameters_whatever_the_image():
    """'six 5x5x3 filters are 456, whatever the image size'; 32 -> 28, 1000 -> 996."""
    conv = cnnviz.Conv2d(3, 6, 5)
    assert 5 * 5 * 3 == 75 and conv.num_params == cnnviz.conv2d_params(3, 6, 5) == 456
    assert conv.output_shape((3, 32, 32)) == (6, 28, 28)
    assert conv.output_shape((3, 1000, 1000)) == (6, 996, 996)


def test_the_dense_layer_with_the_same_output():
    """'3,072 x 4,704 = 14,450,688 weights' (not 4,074 outputs), 14,455,392 with biases, 31,690 times more."""
    n_in, n_out = 32 * 32 * 3, 28 * 28 * 6
    assert (n_in, n_out) == (3_072, 4_704)
    assert cnnviz.dense_params(n_in, n_out, bias=False) == 14_450_688
    assert cnnviz.dense_params(n_in, n_out) == 14_455_392
    assert 14_450_688 // 456 == 31_690


def test_local_connectivity_on_the_16x16x20_volume():
    """'a neuron sees 3 x 3 x 20 = 180 numbers, where a dense neuron would see all 5,120.'"""
    c = layer_counts(16, 20, filters=8, kernel_size=3, padding=1)
    assert c.fan_in == 180 and c.inputs == 5_120


def test_alexnet_first_layer_with_and_without_sharing():
    """55x55x96 = 290,400 neurons of 363 weights: 105,705,600 unshared, 34,944 shared, 3,025 times fewer."""
    c = layer_counts(227, 3, 96, 11, stride=4)
    assert cnnviz.conv_output_size(227, 11, stride=4) == 55
    assert c.local_params == 290_400 * 364 == 105_705_600
    assert c.conv_params == 96 * 363 + 96 == 34_944
    assert c.local_params // c.conv_params == 55 * 55 == 3_025


def test_alexnet_dense_layer_needs_about_180_gb():
    """'at almost 45 billion weights, would need about 180 GB of memory.'"""
    weights = layer_counts(227, 3, 96, 11, stride=4).dense_weights
    assert weights == 227 * 227 * 3 * 290_400 == 44_892_064_800
    assert round(weights * 4 / 1e9) == 180


@pytest.mark.parametrize("size, padding, out", [(227, 0, 55), (224, 0, 54), (224, 2, 55)])
def test_why_227(size, padding, out):
    """227 gives 55 windows exactly; 224 gives 54; torchvision's 224 with padding 2 gives 55 again."""
    assert cnnviz.conv_output_size(size, 11, stride=4, padding=padding) == out


def test_lenet5_rows_and_the_share_of_its_first_dense_layer():
    """LeNet-5: 156, 2,416, 48,120, 10,164, 850 = 61,706; 'more than three quarters' in Dense-8."""
    summary = lenet5().summary((1, 32, 32))
    learned = [row.params for row in summary.rows if row.params > 0]
    assert learned == [156, 2_416, 48_120, 10_164, 850]
    assert summary.total_params == 61_706
    assert 48_120 / 61_706 > 0.75


def test_example_classifier_rows_and_total():
    """The curriculum's rows: 14,336 ... 513, total 2,892,993; its one output is a Dense score (no sigmoid)."""
    net = example_classifier()
    summary = net.summary((3, 128, 128))
    learned = [row.params for row in summary.rows if row.params > 0]
    assert learned == [14_336, 1_179_904, 295_040, 73_792, 147_712, 131_584, 525_312, 524_800, 513]
    assert summary.total_params == 2_892_993
    assert type(net[len(net) - 1]).__name__ == "Dense" and summary.rows[-1].output_shape == (1,)


def test_heaviest_row_of_the_example_classifier_is_a_convolution():
    """'The heaviest layer here is a convolution: Conv2d-4.'"""
    rows = example_classifier().summary((3, 128, 128)).rows
    assert max(rows, key=lambda r: r.params).name == "Conv2d-4"


def test_dense_shares_of_the_four_networks():
    """'In LeNet-5, AlexNet and VGG the dense layers at the end hold most of the parameters'; not in the example classifier."""
    share = {n: 100 * model_share(n).dense_total / model_share(n).total
             for n in ("LeNet-5", "AlexNet", "VGG16", "example classifier")}
    assert {n: round(v, 1) for n, v in share.items()} == {
        "LeNet-5": 95.8, "AlexNet": 96.0, "VGG16": 89.4, "example classifier": 46.0}


def test_vgg16_first_dense_layer_is_three_quarters():
    """'that one layer has 102,764,544 parameters, three quarters'; 14,714,688 without the top."""
    vgg = model_share("VGG16")
    assert vgg.total == 138_357_544
    assert vgg.rows[-3].params == 7 * 7 * 512 * 4096 + 4096 == 102_764_544
    assert round(100 * vgg.rows[-3].params / vgg.total) == 74
    assert vgg.conv_total == vgg16(include_top=False).num_params == 14_714_688


def test_alexnet_shown_is_torchvisions_64_filter_layout_and_is_labelled():
    """The AlexNet of model_share has 64 first filters, not the paper's 96, and its note says so."""
    net = alexnet()
    assert net[0].out_channels == 64 and net.num_params == 61_100_840
    assert "64" in MODEL_NOTES["AlexNet"] and "96" in MODEL_NOTES["AlexNet"]


def test_first_convolution_is_cheap_but_its_output_is_the_biggest_volume():
    """'The first convolution is cheap ... even though its output is by far the biggest volume.'"""
    import numpy as np

    rows = example_classifier().summary((3, 128, 128)).rows
    convs = [r for r in rows if r.name.startswith("Conv2d")]
    sizes = [int(np.prod(r.output_shape)) for r in convs]
    assert sizes[0] > 10 * max(sizes[1:])
    assert convs[0].params < convs[1].params and convs[0].params < convs[2].params
