"""Notebook 12, section 6: the sanity check of the maps (Adebayo et al., 2018).

:func:`sanity_explorer` draws saliency and Grad-CAM of the trained network next to
those of a network whose weighted layers are random from the top down, beside a
plain edge detector. State: :func:`cnnviz.lessons.interpretation.sanity_state`; the
pictures are cards (:mod:`cnnviz.explorers.cards`).
"""

from __future__ import annotations

from ..lessons.interpretation import (
    map_layers, named_pictures, network_or_default, predicted_class, sanity_state,
    weighted_layers,
)
from . import catalog, draw
from ._base import Explorer
from .cards import cards_figure, grey, heat, show_cards
from .interpretation import shape_samples

#: figure size in inches (at draw.DPI)
SANITY_FIGURE = (10.5, 2.9)


def plot_sanity(state, fig=None, artists=None):
    """Picture, edge detector, and saliency and Grad-CAM of the trained and the
    randomised network."""
    fig, artists = cards_figure(fig, artists, 6, SANITY_FIGURE)
    if state.randomized:
        first = (f"random weights in {', '.join(state.randomized)}; it now says "
                 f"{state.class_names[state.prediction]}")
    else:
        first = "no layer randomised yet: both columns show the trained network"
    sim = state.similarity
    heading = (first, f"rank correlation, trained vs random: saliency {sim['saliency']:.2f}, "
                      f"Grad-CAM {sim['Grad-CAM']:.2f} (1 = the same map)")
    top = float(state.saliency.max())
    ctop = float(state.cam.max())
    show_cards(artists, fig, heading, [
        ("the picture", grey(state.image), {}),
        ("Sobel edges", heat(state.edges), {}),
        (("saliency", "trained"), heat(state.saliency[0]), {}),
        (("saliency", "randomised"), heat(state.saliency[1]), {}),
        ((f"Grad-CAM {state.cam_layer}", "trained"), heat(state.cam[0]), {}),
        ((f"Grad-CAM {state.cam_layer}", "randomised"), heat(state.cam[1]), {}),
    ])
    artists["scale"] = (top, ctop)
    return fig, artists


def _sanity_caption(state):
    return ("<b>A map that hardly changes when the weights are random explains the picture, not "
            "the network.</b> Each map is scaled to its own maximum; compare the shapes of the "
            "bright regions with the edge detector's.")


@catalog.factory
def sanity_explorer(samples, model=None, *, top=0, layer="ReLU-5", picture=None, seed=0):
    """Randomise the weighted layers from the top (slider) and compare the maps."""
    import ipywidgets as widgets

    net, samples = network_or_default(model), named_pictures(samples)
    first = next(iter(samples.values()))
    picture = picture or next(iter(samples))
    layers = [name for _, name in map_layers(net, first.shape)]
    controls = dict(
        picture=widgets.Dropdown(options=list(samples), value=picture, description="picture"),
        top=widgets.IntSlider(top, 0, len(weighted_layers(net)), description="random layers"),
        layer=widgets.Dropdown(options=layers, value=layer, description="Grad-CAM at"),
    )

    def compute(picture, top, layer):
        image = samples[picture]
        target = predicted_class(net, image)
        return sanity_state(net, image, target, top=top, layer=layer, seed=seed)

    return Explorer(compute, plot_sanity, controls, draw.new_figure(*SANITY_FIGURE),
                    caption=_sanity_caption, layout=[["picture", "top", "layer"]])


catalog.register("12", "sanity checks", sanity_explorer, lambda: ((shape_samples(),), {"top": 1}))

__all__ = ["SANITY_FIGURE", "plot_sanity", "sanity_explorer"]
