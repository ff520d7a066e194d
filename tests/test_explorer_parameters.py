"""Notebook 07's counting functions and explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

import cnnviz
from cnnviz.checks import CheckError
from cnnviz.exercises import nb07
from cnnviz.errors import DoesNotFit
from cnnviz.explorers import catalog, draw, parameters
from cnnviz.explorers.parameters import MAX_COUNT, parameter_calculator
from cnnviz.lessons.parameters import layer_counts, padding_to_fit
from cnnviz.params import locally_connected_params
from explorer_support import sweep


# ------------------------------------------------------------------------ the counting
def test_worked_example_32x32x3_six_5x5_filters():
    """32x32x3 with six 5x5 filters: 28x28x6 = 4,704 outputs, 456 conv parameters, 14,450,688 dense weights."""
    c = layer_counts(32, 3, 6, 5)
    assert c.output_shape == (6, 28, 28) and c.neurons == 4_704
    assert c.conv_params == 6 * (75 + 1) == 456
    assert c.dense_weights == 3_072 * 4_704 == 14_450_688
    assert c.dense_params == 14_450_688 + 4_704


def test_alexnet_first_layer_with_and_without_sharing():
    """227x227x3 with 96 11x11 filters at stride 4: 290,400 neurons; 105,705,600 unshared, 34,944 shared."""
    c = layer_counts(227, 3, 96, 11, stride=4)
    assert c.output_shape == (96, 55, 55) and c.neurons == 290_400
    assert c.fan_in == 363 and c.skipped == 0
    assert c.local_params == 290_400 * 364 == 105_705_600
    assert c.conv_params == 96 * 363 + 96 == 34_944


@pytest.mark.parametrize("size,padding,out,skipped", [(227, 0, 55, 0), (224, 0, 54, 1), (224, 2, 55, 1)])
def test_alexnet_input_sizes(size, padding, out, skipped):
    """227 fits stride 4 exactly; 224 leaves a row unread and gives 54, or 55 with padding 2."""
    c = layer_counts(size, 3, 96, 11, stride=4, padding=padding)
    assert c.out == out == cnnviz.conv_output_size(size, 11, stride=4, padding=padding)
    assert c.skipped == skipped


def test_fan_in_of_3x3_filters_on_16x16x20():
    """A neuron of a 3x3 convolution on a 16x16x20 volume sees 3*3*20 = 180 inputs."""
    assert layer_counts(16, 20, 8, 3).fan_in == 180


@pytest.mark.parametrize("size,channels,filters,k,stride,padding", [
    (8, 1, 1, 3, 1, 0), (10, 3, 4, 3, 2, 1), (9, 2, 5, 4, 3, 2), (7, 4, 2, 1, 1, 0),
])
def test_locally_connected_counts_one_weight_per_window_entry(size, channels, filters, k, stride, padding):
    """Unshared parameters = every entry of every im2col window, once per filter, plus a bias per neuron."""
    c = layer_counts(size, channels, filters, k, stride=stride, padding=padding)
    x = np.zeros((1, channels, size + 2 * padding, size + 2 * padding))
    cols = cnnviz.im2col(x, (k, k), stride=(stride, stride))
    entries = cols.size                       # (C*k*k) values for each of the oh*ow windows
    assert c.local_params == filters * entries + c.neurons
    assert c.local_params == locally_connected_params(channels, filters, k, (c.out, c.out))


@pytest.mark.parametrize("size", [8, 32, 227])
def test_conv_count_ignores_the_image_size(size):
    """The convolution's count stays at K*(k*k*C+1) at any size; the other two grow with it."""
    small, big = layer_counts(size, 3, 6, 5), layer_counts(2 * size, 3, 6, 5)
    assert small.conv_params == big.conv_params == 456
    assert big.local_params > small.local_params and big.dense_params > small.dense_params


def test_counts_agree_with_torch():
    """Conv2d and Linear in PyTorch learn as many numbers as the calculator says."""
    torch = pytest.importorskip("torch")
    c = layer_counts(12, 3, 4, 5, stride=2, padding=1)
    conv = torch.nn.Conv2d(3, 4, 5, stride=2, padding=1)
    assert sum(p.numel() for p in conv.parameters()) == c.conv_params
    assert tuple(conv(torch.zeros(1, 3, 12, 12)).shape[1:]) == c.output_shape
    dense = torch.nn.Linear(c.inputs, c.neurons)
    assert sum(p.numel() for p in dense.parameters()) == c.dense_params


def test_a_kernel_larger_than_the_padded_image_is_explained():
    """A filter that does not fit gets a sentence saying how much padding would make it fit."""
    with pytest.raises(DoesNotFit, match=r"A 11x11 filter does not fit on a 4x4 image with padding 1: .* "
                                         r"or pad by at least 4\.") as info:
        layer_counts(4, 3, 6, 11, padding=1)
    # The numbers travel as fields (padding counts both sides, as in cnnviz.shapes).
    err = info.value
    assert (err.size, err.kernel_size, err.padding, err.need, err.shortfall) == (4, 11, 2, 4, 5)
    # The explorer's sentence, worded from the fields, is the state's own sentence.
    assert parameters.explain(err) == str(err)
    with pytest.raises(ValueError, match="stride must be a positive integer; got 0"):
        layer_counts(32, 3, 6, 5, stride=0)


def test_slider_extremes_stay_inside_the_log_axis():
    """The largest dense layer the sliders allow still fits below MAX_COUNT."""
    c = layer_counts(256, 64, 128, 1, padding=5)
    assert c.dense_params < MAX_COUNT


# ------------------------------------------------------------------------ the calculator
def test_calculator_sliders_change_state_and_picture():
    """The filter slider changes the counts, the bars and the picture; the image size leaves the conv bar alone."""
    ex = parameter_calculator()
    conv_bar, local_bar, dense_bar = ex.artists["bars"]
    assert conv_bar.get_width() + 1 == 456 and dense_bar.get_width() + 1 == 14_455_392
    before = ex.png
    ex.controls["filters"].value = 12
    assert ex.state.conv_params == 912 and conv_bar.get_width() + 1 == 912
    assert ex.png != before
    dense_before = dense_bar.get_width()
    ex.controls["size"].value = 64
    assert conv_bar.get_width() + 1 == 912
    assert dense_bar.get_width() > dense_before
    assert "<b>912</b>" in ex.text.value


def test_calculator_receptive_field_grows_with_the_kernel():
    """A bigger kernel draws a bigger receptive field in the diagram."""
    ex = parameter_calculator()
    width = np.ptp(ex.artists["faces"]["field"][0].get_xy()[:, 0])
    ex.controls["kernel_size"].value = 9
    assert np.ptp(ex.artists["faces"]["field"][0].get_xy()[:, 0]) > width
    assert ex.state.fan_in == 9 * 9 * 3


def test_calculator_explains_a_filter_that_does_not_fit():
    """An impossible setting shows a sentence instead of the picture, and the next good one brings it back."""
    ex = parameter_calculator(size=4, kernel_size=3)
    ex.controls["kernel_size"].value = 11
    assert ex.state is None and "does not fit" in ex.message and ex.last_error is None
    assert not any(ax.get_visible() for ax in ex.fig.axes)
    ex.controls["padding"].value = 4
    assert ex.message is None and ex.state.out == 4 + 2 * 4 - 11 + 1 == 2


def test_calculator_mentions_unread_rows():
    """When the stride does not divide the room, the caption says which rows are never read."""
    ex = parameter_calculator(size=224, filters=96, kernel_size=11, stride=4)
    assert ex.state.out == 54 and "never read" in ex.text.value
    ex.controls["size"].value = 227
    assert ex.state.out == 55 and "never read" not in ex.text.value


def test_calculator_sweeps_every_control_without_error():
    """Every value of every slider, from two starting points, gives a picture or an explanation."""
    for start in (dict(), dict(size=4, kernel_size=11, padding=5, stride=4)):
        ex = parameter_calculator(**start)
        for name, control in ex.controls.items():
            for value in sweep(control):
                control.value = value
                assert ex.last_error is None, (name, value)
                assert ex.state is not None or ex.message


# ------------------------------------------------------------------------ exercises
def test_exercise_checks_accept_the_right_answers():
    """Each self-check confirms the answer cnnviz computes."""
    nb07.conv_params(cnnviz.conv2d_params(3, 10, 3))
    nb07.dense_equivalent(cnnviz.dense_params(32 * 32 * 3, 30 * 30 * 10))
    nb07.fan_in(5 * 5 * 96)
    nb07.classifier_row(1_179_904)
    nb07.classifier_row(147_712, layer="Dense-13")


@pytest.mark.parametrize("check,answer", [
    (nb07.conv_params, 281), (nb07.dense_equivalent, 14_450_688), (nb07.fan_in, 2_401),
    (nb07.classifier_row, 14_336),
])
def test_exercise_checks_reject_wrong_answers(check, answer):
    """A wrong answer raises a CheckError showing what was expected."""
    with pytest.raises(CheckError, match="expected"):
        check(answer)


def test_exercise_not_tried_only_reminds(capsys):
    """An answer left as ... prints a reminder and raises nothing."""
    nb07.classifier_row(...)
    assert "Not tried yet" in capsys.readouterr().out


def test_the_catalog_builds_them_as_notebook_07_does():
    """Both explorers of notebook 07 are catalogued with the notebook's inputs: the calculator
    on its defaults, the model share on VGG16."""
    entries = {e.title: e for e in catalog.entries() if e.notebook == "07"}
    assert sorted(entries) == ["parameter calculator", "where the parameters are"]
    assert entries["parameter calculator"].recipe() == ((), {})
    assert entries["where the parameters are"].recipe() == (("VGG16",), {})
    for entry in entries.values():
        ex = entry.build()
        assert ex.last_error is None and ex.state is not None and ex.png
    assert not hasattr(parameters, "BENCHMARK")


@pytest.mark.parametrize("seed", range(3))
def test_the_fit_padding_is_the_least_that_fits(seed):
    """padding_to_fit gives the least padding per side at which conv_output_size finds a window."""
    rng = np.random.default_rng(seed)
    for size, k in rng.integers(1, 16, size=(20, 2)):
        need = padding_to_fit(int(size), int(k))
        assert cnnviz.conv_output_size(int(size), int(k), padding=need) >= 1
        if need:
            with pytest.raises(DoesNotFit):
                cnnviz.conv_output_size(int(size), int(k), padding=need - 1)
            with pytest.raises(DoesNotFit, match=f"pad by at least {need}"):
                layer_counts(int(size), 1, 1, int(k), padding=need - 1)


def test_stored_picture_follows_the_density():
    """The stored calculator is the live one at twice the pixels: the diagram's axes keep their
    place as a fraction of the figure."""
    ex = parameter_calculator()
    fig = draw.new_figure(*parameters.FIG_CALCULATOR, dpi=2 * draw.DPI)
    fig, artists = parameters.plot_layer_counts(ex.state, fig, None)
    live, stored = ex.artists["ax_vol"].get_position(), artists["ax_vol"].get_position()
    assert np.allclose(live.bounds, stored.bounds, atol=1e-3)
