"""Notebook 13's receptive field explorer (cnnviz.explorers.receptive_fields), on its stack
and on a learner's own network, driven as a learner would."""

import io

import numpy as np
import pytest
from PIL import Image

import cnnviz
from cnnviz import models
from cnnviz.explorers.receptive_fields import IMAGE_SIZE, MAX_DEPTH, receptive_field_explorer
from cnnviz.lessons.architectures import receptive_state, stack_map_sizes
from explorer_support import sweep

IMAGE = np.random.default_rng(0).random((IMAGE_SIZE, IMAGE_SIZE))


def pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.png)).convert("RGB"))


# ---------------------------------------------------------------------- the stack explorer
def test_receptive_explorer_sweeps_every_control_without_error():
    """Every value of every control: a picture or an explanation, never a bug."""
    ex = receptive_field_explorer(IMAGE)
    for name, control in ex.controls.items():
        start = control.value
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert (ex.state is None) == (ex.message is not None)
        control.value = start
    assert ex.last_error is None


def test_receptive_explorer_random_combinations_match_the_state():
    """Random settings: the state is stack_state's for the same values; the sliders stop at
    the map's edge."""
    ex = receptive_field_explorer(IMAGE)
    rng = np.random.default_rng(7)
    for _ in range(25):
        with ex.hold():
            for name, control in ex.controls.items():
                if name in ("layer", "row", "col"):
                    continue
                options = sweep(control)
                control.value = options[int(rng.integers(len(options)))]
            ex.apply_constraints()
            for name in ("layer", "row", "col"):
                c = ex.controls[name]
                c.value = int(rng.integers(c.min, c.max + 1))
        assert ex.last_error is None
        values = ex.values()
        depth = values["depth"]
        for i in range(1, MAX_DEPTH + 1):
            assert ex.controls[f"k{i}"].disabled == (i > depth)
        if ex.state is None:
            assert stack_map_sizes(IMAGE_SIZE, **{k: v for k, v in values.items()
                                                  if k not in ("layer", "row", "col")}) is None
            continue
        state = ex.state
        assert ex.controls["layer"].max == len(state.model)
        assert ex.controls["row"].max == state.map_size - 1 == ex.controls["col"].max
        assert state.unit == (values["row"], values["col"]) and state.layer == values["layer"]
        expected = cnnviz.receptive_field(state.model, (1, IMAGE_SIZE, IMAGE_SIZE))
        assert state.field.size == expected[values["layer"] - 1].size


def test_receptive_explorer_figure_follows_the_settings():
    """Changing the kernel changes the state and the picture; the caption states the field."""
    ex = receptive_field_explorer(IMAGE)
    before, size = pixels(ex), ex.state.size
    assert f"sees {size}x{size} input pixels" in ex.text.value
    ex.controls["k3"].value = 7
    assert ex.state.size == size + 4 * ex.state.steps[-2].jump
    assert not np.array_equal(before, pixels(ex))
    ex.controls["depth"].value = 1
    assert ex.controls["k2"].disabled and ex.controls["layer"].max == 2
    assert ex.state.layer <= 2


def test_receptive_explorer_shrinks_to_one_unit_at_most():
    """Every stride and pool on: the 64-pixel picture still leaves a 1x1 map, whose unit
    sees the whole picture and more."""
    ex = receptive_field_explorer(IMAGE)
    with ex.hold():
        for i in (1, 2, 3):
            ex.controls[f"s{i}"].value = 2
            ex.controls[f"pool{i}"].value = True
    assert ex.controls["layer"].max == 6
    ex.controls["layer"].value = 6
    assert ex.message is None and ex.last_error is None
    assert ex.state.map_size == 1 and ex.controls["row"].max == 0
    (top, bottom), (left, right) = ex.state.window
    assert top <= 0 and bottom >= IMAGE_SIZE and left <= 0 and right >= IMAGE_SIZE


# ------------------------------------------------------------- a learner's own network
@pytest.mark.parametrize("make, shape", [
    (lambda: cnnviz.pretrained.shapes_cnn(), 28),
    (models.resnet18, 224),
    (models.mobilenet_v2, 224),
])
def test_network_mode_sweeps_every_layer_with_a_map(make, shape):
    """With model=, the layer dropdown lists exactly the layers that give maps; every layer,
    and corner units, give the field receptive_field computes."""
    model = make()
    ex = receptive_field_explorer(np.zeros((shape, shape)), model=model)
    assert set(ex.controls) == {"layer", "row", "col"}
    shapes = model.output_shapes((_channels(model), shape, shape))
    offered = [value for _, value in ex.controls["layer"].options]
    assert offered == [i for i, s in enumerate(shapes, 1) if len(s) == 3]
    fields = cnnviz.receptive_field(model, (_channels(model), shape, shape))
    for layer in offered:
        ex.controls["layer"].value = layer
        n = shapes[layer - 1][1]
        assert ex.controls["row"].max == n - 1
        for row, col in [(0, 0), (n - 1, n - 1)]:
            ex.set(row=row, col=col)
            assert ex.last_error is None and ex.state.layer == layer
            assert ex.state.field.size == fields[layer - 1].size
            assert ex.state.window == fields[layer - 1].window(row, col)


def _channels(model):
    first = model[0]
    return first.block[0].in_channels if isinstance(first, cnnviz.Residual) else first.in_channels


def test_network_mode_recurrence_shows_residual_blocks_as_one_step():
    """ResNet-18: each residual block is one step from the field before it to the union after it."""
    state = receptive_state(models.resnet18(), np.zeros((224, 224)), layer=19)
    blocks = [step for step in state.steps if step.kernel is None]
    assert [step.name for step in blocks] == [f"Residual-{i}" for i in range(5, 20, 2)]
    assert blocks[-1].size == 435
    assert all(a.size == b.size_before for a, b in zip(state.steps, state.steps[1:]))


@pytest.mark.parametrize("kwargs, message", [
    (dict(image=np.zeros((32, 32))), r"image must have shape \(64, 64\); got \(32, 32\)"),
    (dict(image=np.zeros((3, 64, 64))), r"image must be a square grey picture \(H, W\); got "
                                        r"shape \(3, 64, 64\)"),
    (dict(image=np.zeros((8, 8)), model=models.lenet5()),
     r"The 8x8 picture does not fit the network: layer 4, Conv2d\(6, 16"),
])
def test_factory_names_a_picture_that_does_not_fit(kwargs, message):
    """A picture of the wrong shape for the stack, or too small for the network, is named."""
    with pytest.raises(ValueError, match=message):
        receptive_field_explorer(**kwargs)


def test_network_mode_rejects_a_layer_without_a_map():
    """Asking for a unit of the dense layer is explained, naming the layer."""
    with pytest.raises(ValueError, match="layer 8, Dense-8, gives a vector"):
        receptive_state(cnnviz.pretrained.shapes_cnn(), np.zeros((28, 28)), layer=8)


def test_changing_a_layer_after_the_chosen_unit_is_answered():
    """A layer deeper than the chosen unit cannot change its field; the caption says so and
    names what that layer's units see, so every control move changes what is shown."""
    from cnnviz.explorers.receptive_fields import receptive_field_explorer
    from cnnviz.images import load_sample

    ex = receptive_field_explorer(load_sample("chelsea", grey=True, size=(64, 64)))
    before = ex.text.value
    ex.controls["pool3"].value = True            # adds a layer after the chosen unit's
    assert ex.last_error is None and ex.text.value != before
    assert "The layer after it (MaxPool2d-5) does not change" in ex.text.value
    ex.controls["layer"].value = 2
    text = ex.text.value
    ex.controls["k3"].value = 5
    assert ex.text.value != text and "layers after it" in ex.text.value
    text = ex.text.value
    ex.controls["s3"].value = 2                  # the last layer's stride: only its jump moves
    assert ex.text.value != text
