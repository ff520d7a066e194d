"""The experiments of notebook 11 (cnnviz.lessons.augmentation) against plain uses of cnnviz."""

import numpy as np
import pytest

from cnnviz import augment
from cnnviz.datasets import NEW_CLASS_NAMES, make_shapes
from cnnviz.layers import Dense, ReLU, Sequential
from cnnviz.lessons.augmentation import (
    TRANSFER_MODES, canonical_shapes, head_names, new_head, train_augmented, transfer_run,
)
from cnnviz.pretrained import shapes_cnn
from cnnviz.training import train


def test_canonical_shapes_are_one_size_upright_and_centred():
    """Every canonical shape of a class is the same picture up to stroke, brightness and noise:
    its bright pixels' centre is the picture's centre."""
    images, _, _ = canonical_shapes(40, seed=0)
    ys, xs = np.mgrid[:28, :28]
    weights = images[:, 0] * (images[:, 0] > 0.4)
    cy = (weights * ys).sum((1, 2)) / weights.sum((1, 2))
    cx = (weights * xs).sum((1, 2)) / weights.sum((1, 2))
    assert np.all(np.abs(cy - 13.5) < 1.5) and np.all(np.abs(cx - 13.5) < 1.5)


def test_train_augmented_is_train_on_the_augmented_passes():
    """train_augmented equals train on the concatenation of random_augment with seeds
    seed, seed + 1, ... (and on plain copies without ranges)."""
    x, y, _ = canonical_shapes(24, seed=2)
    ranges = dict(rotation=40, shift=3)
    got = train_augmented(shapes_cnn(False).initialize(seed=1), x, y, epochs=3, seed=5, **ranges)
    ref = shapes_cnn(False).initialize(seed=1)
    passes = np.concatenate([augment.random_augment(x, seed=5 + e, **ranges) for e in range(3)])
    train(ref, passes, np.tile(y, 3), epochs=1, seed=5)
    for name, w in ref.parameters().items():
        np.testing.assert_array_equal(got.parameters()[name], w)
    plain = train_augmented(shapes_cnn(False).initialize(seed=1), x, y, epochs=2, seed=0)
    ref = shapes_cnn(False).initialize(seed=1)
    train(ref, np.concatenate([x, x]), np.tile(y, 2), epochs=1, seed=0)
    np.testing.assert_array_equal(plain.parameters()["Dense-8.weight"], ref.parameters()["Dense-8.weight"])


def test_transfer_runs_train_what_they_say_and_leave_the_shipped_network_alone():
    """Frozen: the conv weights are the shipped ones, the head moved; fine-tune and scratch move
    the convs; the network passed in never changes."""
    shipped = shapes_cnn()
    before = {name: w.copy() for name, w in shipped.parameters().items()}
    data = make_shapes(20, seed=3, classes=NEW_CLASS_NAMES)
    nets = {mode: transfer_run(mode, shipped, data, steps=20) for mode in TRANSFER_MODES}
    for name, w in shipped.parameters().items():
        np.testing.assert_array_equal(w, before[name])
    frozen = nets["frozen conv + new head"].parameters()
    for name in ("Conv2d-1.weight", "Conv2d-1.bias", "Conv2d-4.weight", "Conv2d-4.bias"):
        np.testing.assert_array_equal(frozen[name], before[name])
        for mode in ("from scratch", "fine-tune all"):
            assert not np.array_equal(nets[mode].parameters()[name], before[name]), (mode, name)
    fresh = new_head(shapes_cnn(), 4, seed=0).parameters()["Dense-8.weight"]
    assert not np.array_equal(frozen["Dense-8.weight"], fresh)
    assert frozen["Dense-8.weight"].shape == (4, 784)


def test_new_head_and_its_names():
    """The head replaces the last dense layer with a fresh one; a model without one is refused."""
    net = Sequential([Dense(3, 5), ReLU(), Dense(5, 2)]).initialize(seed=0)
    swapped = new_head(net, 7, seed=1)
    assert swapped.layers[0] is net.layers[0] and repr(swapped.layers[2]) == "Dense(5, 7)"
    assert head_names(swapped) == ["Dense-3.weight", "Dense-3.bias"]
    with pytest.raises(ValueError, match=r"model must have a Dense layer to replace"):
        new_head(Sequential([ReLU()]), 2)
    with pytest.raises(TypeError, match=r"model must be a cnnviz Sequential; got \[\]"):
        new_head([], 2)
    with pytest.raises(ValueError, match=r"mode must be one of 'from scratch'"):
        transfer_run("freeze", net, make_shapes(4, seed=0))
