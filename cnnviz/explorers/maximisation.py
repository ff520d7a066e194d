"""Notebook 12, section 5: what each filter wants (activation maximisation).

:func:`filter_explorer` shows, for each channel of a layer (or each class score), the
input gradient ascent finds for it beside the data set's images that excite it most.
:func:`wanted_inputs` computes those inputs once per network. State:
:mod:`cnnviz.lessons.interpretation`; the pictures are cards (:mod:`cnnviz.explorers.cards`).
"""

from __future__ import annotations

import numpy as np

from ..datasets import make_shapes
from ..lessons.interpretation import (
    filter_activations, filter_state, network_or_default, preferred_inputs,
)
from . import catalog, draw
from ._base import Explorer
from .cards import HEAT, cards_figure, grey, probability, show_cards

#: figure size in inches (at draw.DPI)
FILTER_FIGURE = (10, 3.4)
#: the layers and the class scores whose wanted inputs the filter explorer offers
FILTER_LAYERS = ("ReLU-2", "ReLU-5", "score")
#: steps of gradient ascent per wanted input (a few hundred milliseconds each)
FILTER_STEPS = 150

#: wanted inputs already computed, by (the network's fingerprint, layers, steps)
_WANTED = {}


def wanted_inputs(model, layers=FILTER_LAYERS, *, steps=FILTER_STEPS):
    """Activation maximisation for every channel of ``layers``, computed once per network
    (by its weights) and kept: :func:`cnnviz.lessons.interpretation.preferred_inputs`."""
    key = (catalog.fingerprint(model), tuple(layers), steps)
    if key not in _WANTED:
        if len(_WANTED) >= 4:                      # a few networks at most, in one session
            _WANTED.pop(next(iter(_WANTED)))
        _WANTED[key] = preferred_inputs(model, list(layers), steps=steps)
    return _WANTED[key]


def plot_filter(state, fig=None, artists=None):
    """The wanted input, the kernel (first layer), and the images that excite it most."""
    fig, artists = cards_figure(fig, artists, 3, FILTER_FIGURE)
    pref = state.preferred
    wanted = grey(pref)   # activation maximisation keeps pixels in [0, 1]
    score = state.layer == "score"
    what = "probability" if score else "mean activation"
    if state.dead:
        heading = (f"{state.label}: dead, it is zero on every image of the data set",
                   "so gradient ascent has nothing to climb, and the penalty fades its picture "
                   "to black")
    else:
        heading = (f"What {state.label} wants: the input gradient ascent found (left)",
                   f"and the data set's images that excite it most, with their {what}")
    count = len(state.examples)
    gap = 2
    strip = np.full((28, count * (28 + gap) - gap, 3), 255, np.uint8)
    for k, img in enumerate(state.examples):
        strip[:, k * (28 + gap):k * (28 + gap) + 28] = grey(img)
    values = "  ".join(probability(float(v)) for v in state.example_values)
    if state.kernel is not None:
        klo, khi = draw.symmetric_limits(state.kernel)
        middle = ("its 3x3 kernel", draw.matrix_rgb(state.kernel, cmap=draw.DIVERGING, vmin=klo,
                                                    vmax=khi, fmt="{:.2f}", cell=36),
                  {"bar": (klo, khi), "cmap": draw.DIVERGING})
    else:
        act = state.example_values
        middle = (f"{what} of the top {count}", draw.colours_of(
            np.asarray(act)[None], cmap=HEAT, vmin=0, vmax=max(float(np.max(act)), 1e-12)),
            {"bar": (0.0, max(float(np.max(act)), 1e-12))})
    show_cards(artists, fig, heading, [
        (f"wanted input, {FILTER_STEPS} steps", wanted, {}),
        middle,
        (("the most exciting images", values), strip, {}),
    ])
    return fig, artists


def _filter_caption(state):
    return (f"<b>{state.label}</b>. The wanted input starts as noise and climbs the gradient of "
            "the channel's mean activation (or the class score), with a penalty on bright pixels"
            " that do not help.")


@catalog.factory
def filter_explorer(images, model=None, *, layer="ReLU-2", channel=0):
    """Layer and channel controls over what each channel (or class) wants."""
    import ipywidgets as widgets

    net = network_or_default(model)
    images = np.asarray(images)
    wanted = wanted_inputs(net)
    activations = filter_activations(net, images, list(wanted))
    counts = {name: len(stack) for name, stack in wanted.items()}
    labels = {"ReLU-2": "conv1 (ReLU-2)", "ReLU-5": "conv2 (ReLU-5)", "score": "class scores"}
    controls = dict(
        layer=widgets.Dropdown(options=[(labels.get(n, n), n) for n in wanted], value=layer,
                               description="layer"),
        channel=widgets.IntSlider(channel, 0, counts[layer] - 1, description="channel"),
    )

    def constrain(values):
        if values["layer"] is None:
            return {}
        return {"channel": {"max": counts[values["layer"]] - 1}}

    def compute(layer, channel):
        return filter_state(net, wanted, images, layer=layer, channel=channel,
                            activations=activations)

    return Explorer(compute, plot_filter, controls, draw.new_figure(*FILTER_FIGURE),
                    caption=_filter_caption, constrain=constrain,
                    layout=[["layer", "channel"]])


def training_images():
    """The images the filter explorer searches for the most exciting ones: 200 drawn like
    the shipped network's training set (seed 12)."""
    return make_shapes(200, seed=12).images


catalog.register("12", "filters", filter_explorer, lambda: ((training_images(),), {}))

__all__ = ["FILTER_FIGURE", "FILTER_LAYERS", "FILTER_STEPS", "filter_explorer", "plot_filter",
           "training_images", "wanted_inputs"]
