"""The claims notebook 11's prose makes about numbers its code computes, asserted against cnnviz.

The experiments are run here exactly as the notebook runs them (same data, seeds and settings).
"""

import numpy as np
import pytest

from cnnviz.datasets import NEW_CLASS_NAMES, make_shapes
from cnnviz.layers import Conv2d
from cnnviz.lessons.augmentation import (
    TRANSFER_MODES, canonical_shapes, head_names, new_head, train_augmented, transfer_experiment,
)
from cnnviz.models import vgg19
from cnnviz.pretrained import shapes_cnn, training_record
from cnnviz.training import evaluate

RANGES = dict(rotation=180, zoom=(0.7, 1.4), shift=6, flip=True)
PER_CLASS = (5, 10, 20, 50)


@pytest.fixture(scope="module")
def augmentation_runs():
    train_set, held_out = canonical_shapes(800, seed=1), make_shapes(500, seed=2)

    def trained(**ranges):
        net = shapes_cnn(pretrained=False).initialize(seed=0)
        return train_augmented(net, train_set.images, train_set.labels, epochs=15, seed=0, **ranges)

    nets = {"none": trained(), "all four": trained(**RANGES)}
    nets.update({name: trained(**{name: value}) for name, value in RANGES.items()})
    held = {name: evaluate(net, held_out.images, held_out.labels) for name, net in nets.items()}
    return held, evaluate(nets["none"], train_set.images, train_set.labels)


@pytest.fixture(scope="module")
def transfer():
    return transfer_experiment(shapes_cnn(), per_class=PER_CLASS, held_out=400, seed=0)


def test_without_augmentation_it_learns_its_pictures_and_misses_most_others(augmentation_runs):
    """"The network that only ever saw centred, upright shapes gets fewer than half of the
    held-out shapes right, although it gets nearly all of its own training pictures right.\""""
    held, own = augmentation_runs
    assert own >= 0.95 and held["none"] < 0.5


def test_augmentation_gets_far_more_right(augmentation_runs):
    """"... with every picture moved, turned and rescaled at random, gets far more of the
    held-out set right" (by at least 20 points)."""
    held, _ = augmentation_runs
    assert held["all four"] > held["none"] + 0.2


def test_flipping_does_nothing_and_each_other_augmentation_helps(augmentation_runs):
    """"Flipping does nothing here ... Each of the others covers one way in which the
    held-out set differs ... the four together do much more than any one alone.\""""
    held, _ = augmentation_runs
    assert abs(held["flip"] - held["none"]) <= 0.01
    for name in ("rotation", "zoom", "shift"):
        assert held[name] > held["none"], name
    best_alone = max(held[name] for name in RANGES)
    assert held["all four"] > best_alone + 0.1


def test_frozen_is_on_top_and_every_line_climbs(transfer):
    """"Every line climbs with more examples, and the frozen network is on top at every size in
    this run." and fine-tuning "stays below the frozen line at every size.\""""
    frozen = transfer["frozen conv + new head"]
    for mode in TRANSFER_MODES:
        assert np.all(np.diff(transfer[mode]) > 0), mode
    for other in ("from scratch", "fine-tune all"):
        assert all(f > o for f, o in zip(frozen, transfer[other])), other


def test_the_shipped_network_and_its_head():
    """"The shipped network ... was trained on 20,000 pictures"; its last dense layer "turns
    the 784 features of the pooled maps into four class scores"; new_head keeps the rest."""
    assert training_record()["train_size"] == 20000
    shipped = shapes_cnn()
    assert shipped.layers[-2].in_features == 784 and shipped.layers[-2].out_features == 4
    net = new_head(shipped, len(NEW_CLASS_NAMES), seed=0)
    assert all(a is b for a, b in zip(net.layers[:-2], shipped.layers[:-2]))
    assert head_names(net) == ["Dense-8.weight", "Dense-8.bias"]


def test_vgg19_at_full_scale():
    """"VGG19's convolutions (16 layers of 3x3 filters) on a 128x128 colour picture end in a
    512x4x4 volume"; summary: "keeps its 20 million parameters frozen and a two-class head ...
    trains sixteen thousand.\""""
    base = vgg19(include_top=False)
    convs = [layer for layer in base.layers if isinstance(layer, Conv2d)]
    assert len(convs) == 16 and all(c.kernel_size == (3, 3) for c in convs)
    assert base.output_shapes((3, 128, 128))[-1] == (512, 4, 4)
    assert base.num_params == 20_024_384 and round(base.num_params, -6) == 20_000_000
    assert 512 * 4 * 4 * 2 + 2 == 16_386 and round(16_386, -3) == 16_000
