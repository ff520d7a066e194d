"""Notebook 12, sections 2 to 4: which pixels a decision rests on, four explorers.

- :func:`occlusion_explorer`: cover a square, see the class probability drop;
- :func:`grad_cam_explorer`: Grad-CAM at any map layer, for any class, over the picture;
- :func:`explain_explorer`: the prediction and its three maps for a picture;
- :func:`draw_and_explain`: the same, for a picture drawn on a pad.

What each filter wants is :mod:`cnnviz.explorers.maximisation`, the sanity check
:mod:`cnnviz.explorers.sanity`. State: :mod:`cnnviz.lessons.interpretation`; maths:
:mod:`cnnviz.interpret`; the pictures are rows of cards (:mod:`cnnviz.explorers.cards`).
"""

from __future__ import annotations

import numpy as np

from ..datasets import CLASS_NAMES, draw_shape
from ..lessons.interpretation import (
    PatchTooLarge, class_names_of, explain_state, grad_cam_state, map_layers, named_pictures,
    network_or_default, occlusion_state, predicted_class,
)
from . import catalog, draw
from ._base import Explorer
from .cards import cards_figure, grey, heat, overlay, probability, show_cards

#: figure sizes in inches (at draw.DPI)
OCCLUSION_FIGURE = (10, 3.6)
GRAD_CAM_FIGURE = (10, 3.6)
EXPLAIN_FIGURE = (10, 3.4)


def _targets(class_names):
    return [(name, k) for k, name in enumerate(class_names)]


def shape_samples():
    """The pictures the notebook's explorers open on: one clean drawing of each class,
    and two of them off-centre and turned."""
    samples = {name: draw_shape(name) for name in CLASS_NAMES}
    samples["small square, top left"] = draw_shape("square", center=(9, 9), radius=5, angle=20)
    samples["cross, bottom right"] = draw_shape("cross", center=(19, 18), radius=7, angle=10)
    return samples


# ------------------------------------------------------------------------ occlusion
def plot_occlusion(state, fig=None, artists=None):
    """The picture with the square that costs most, the map of drops per square, and the
    drops spread over the picture."""
    fig, artists = cards_figure(fig, artists, 3, OCCLUSION_FIGURE)
    name = state.class_names[state.target]
    lo, hi = draw.symmetric_limits(state.drop, minimum=0.01)
    drop_rgb = draw.colours_of(state.drop, cmap=draw.DIVERGING, vmin=lo, vmax=hi)
    per_pixel = np.clip(np.nan_to_num(state.per_pixel), 0, None)
    r, c = state.worst
    p = state.patch
    heading = (f"p({name}) = {probability(state.probabilities[state.target])} on the picture; "
               f"covering the orange {p}x{p} square drops it by "
               f"{probability(state.largest_drop)}, the most of any square")
    oh, ow = state.drop.shape
    show_cards(artists, fig, heading, [
        ("the costliest square", grey(state.image), {"outline": (r, c, p, p)}),
        (f"drop in p({name}), {oh}x{ow}", drop_rgb,
         {"bar": (lo, hi), "cmap": draw.DIVERGING}),
        ("mean drop per pixel",
         overlay(state.image, heat(per_pixel), 0.7), {}),
    ])
    return fig, artists


def _occlusion_caption(state):
    name = state.class_names[state.target]
    s = state.stride
    grid = state.drop.shape
    return (f"<b>{grid[0] * grid[1]} covered copies</b> of the picture ({grid[0]} x {grid[1]} "
            f"squares of {state.patch}x{state.patch}, {s} pixel{'s' if s > 1 else ''} apart) went "
            f"through the network. Red: covering the square lowers p({name}); blue: it raises it.")


def _explain_patch(err):
    if isinstance(err, PatchTooLarge):
        return f"A {err.patch}x{err.patch} square does not fit a picture {err.size} pixels wide."
    return str(err)


@catalog.factory
def occlusion_explorer(samples, model=None, *, patch=7, stride=1, picture=None, target=None):
    """Patch size and stride sliders over the occlusion map of a picture, for any class.

    ``samples``: a picture ``(C, H, W)`` or a dict of named pictures. ``model``: any
    :class:`cnnviz.Sequential` classifier (the shipped shapes network by default).
    """
    import ipywidgets as widgets

    net, samples = network_or_default(model), named_pictures(samples)
    first = next(iter(samples.values()))
    size = min(first.shape[1:])
    picture = picture or next(iter(samples))
    names = class_names_of(net, first)
    target = predicted_class(net, samples[picture]) if target is None else target
    controls = dict(
        picture=widgets.Dropdown(options=list(samples), value=picture, description="picture"),
        target=widgets.Dropdown(options=_targets(names), value=target, description="class"),
        patch=widgets.IntSlider(patch, 1, min(14, size), description="patch"),
        stride=widgets.IntSlider(stride, 1, min(7, size), description="stride"),
    )

    def constrain(values):
        return {"stride": {"max": max(1, min(7, values["patch"]))}}

    def compute(picture, target, patch, stride):
        return occlusion_state(net, samples[picture], target, patch=patch, stride=stride)

    return Explorer(compute, plot_occlusion, controls, draw.new_figure(*OCCLUSION_FIGURE),
                    caption=_occlusion_caption, constrain=constrain, explain=_explain_patch,
                    layout=[["picture", "target"], ["patch", "stride"]])


# ------------------------------------------------------------------------- Grad-CAM
def plot_grad_cam(state, fig=None, artists=None):
    """The picture, Grad-CAM at the layer's resolution, the map over the picture, and the
    channel weights alpha_k."""
    fig, artists = cards_figure(fig, artists, 4, GRAD_CAM_FIGURE)
    name = state.class_names[state.target]
    h, w = state.cam.shape
    top = float(state.cam.max())
    if state.all_zero:
        heading = (f"Grad-CAM for {name} at {state.layer_name} is zero everywhere: at no position "
                   "do the channels that raise the score outweigh those that lower it",
                   f"p({name}) = {probability(state.probabilities[state.target])}")
    else:
        heading = (f"Grad-CAM for {name} at {state.layer_name}: where the channels that raise "
                   f"the {name} score are active",
                   f"p({name}) = {probability(state.probabilities[state.target])}; the map's "
                   f"largest value is {draw.number(top)}")
    alpha = state.alpha
    lo, hi = draw.symmetric_limits(alpha)
    per_row = 8
    rows = -(-len(alpha) // per_row)
    padded = np.full(rows * per_row, np.nan)
    padded[:len(alpha)] = alpha
    strip = draw.colours_of(padded.reshape(rows, per_row), cmap=draw.DIVERGING, vmin=lo, vmax=hi)
    strip[np.isnan(padded.reshape(rows, per_row))] = 255
    show_cards(artists, fig, heading, [
        ("the picture", grey(state.image), {}),
        (f"Grad-CAM, {h}x{w}", heat(state.cam), {"bar": (0.0, max(top, 1e-12))}),
        (f"on the picture ({state.opacity:.1f})",
         overlay(state.image, heat(state.upsampled), state.opacity), {}),
        (f"alpha_k, {len(alpha)} channels", strip,
         {"bar": (lo, hi), "cmap": draw.DIVERGING}),
    ])
    return fig, artists


def _grad_cam_caption(state):
    ups = state.image.shape[0] // state.cam.shape[0]
    helping = int(np.count_nonzero(state.alpha > 0))
    return (f"<b>{helping} of {len(state.alpha)} channels</b> of {state.layer_name} have a "
            "positive alpha_k (red): the map is ReLU(sum_k alpha_k A_k). Each cell of the map "
            f"covers {ups}x{ups} pixels of the picture.")


@catalog.factory
def grad_cam_explorer(samples, model=None, *, layer="ReLU-5", opacity=0.6, picture=None,
                      target=None):
    """Layer, target class and opacity controls over Grad-CAM of a picture."""
    import ipywidgets as widgets

    net, samples = network_or_default(model), named_pictures(samples)
    first = next(iter(samples.values()))
    picture = picture or next(iter(samples))
    names = class_names_of(net, first)
    target = predicted_class(net, samples[picture]) if target is None else target
    layers = [name for _, name in map_layers(net, first.shape)]
    controls = dict(
        picture=widgets.Dropdown(options=list(samples), value=picture, description="picture"),
        target=widgets.Dropdown(options=_targets(names), value=target, description="class"),
        layer=widgets.Dropdown(options=layers, value=layer, description="layer"),
        opacity=widgets.FloatSlider(opacity, min=0.0, max=1.0, step=0.1, description="opacity"),
    )

    def compute(picture, target, layer, opacity):
        return grad_cam_state(net, samples[picture], target, layer=layer, opacity=opacity)

    return Explorer(compute, plot_grad_cam, controls, draw.new_figure(*GRAD_CAM_FIGURE),
                    caption=_grad_cam_caption,
                    layout=[["picture", "target"], ["layer", "opacity"]])


# ----------------------------------------------------------------- draw and explain
def plot_explain(state, fig=None, artists=None):
    """The picture with the prediction, and saliency, Grad-CAM and occlusion for it."""
    fig, artists = cards_figure(fig, artists, 4, EXPLAIN_FIGURE)
    name = state.class_names[state.prediction]
    probs = ", ".join(f"{n} {probability(p)}"
                      for n, p in zip(state.class_names, state.probabilities))
    if state.blank:
        heading = ("The picture is empty: draw a shape", probs)
    else:
        heading = (f"The network says {name} "
                   f"(p = {probability(state.probabilities[state.prediction])});"
                   f" the maps explain that class", probs)
    show_cards(artists, fig, heading, [
        ("your picture", grey(state.image), {}),
        ("saliency |d score / d pixel|", overlay(state.image, heat(state.saliency), 0.8), {}),
        (f"Grad-CAM at {state.cam_layer}", overlay(state.image, heat(state.cam), 0.6), {}),
        (f"occlusion, {state.patch}x{state.patch} squares",
         overlay(state.image, heat(np.clip(state.occlusion, 0, None)), 0.6), {}),
    ])
    return fig, artists


def _explain_caption(state):
    return ("<b>Three answers to one question</b>: which pixels made the network say "
            f"{state.class_names[state.prediction]}? Bright: more. Saliency is one backward pass, "
            "Grad-CAM one backward pass read at a coarse layer, occlusion one forward pass per "
            "covered square.")


@catalog.factory
def explain_explorer(samples, model=None, *, layer="ReLU-5", patch=7, picture=None):
    """The prediction for a picture and its saliency, Grad-CAM and occlusion maps."""
    import ipywidgets as widgets

    net, samples = network_or_default(model), named_pictures(samples)
    first = next(iter(samples.values()))
    picture = picture or next(iter(samples))
    layers = [name for _, name in map_layers(net, first.shape)]
    controls = dict(
        picture=widgets.Dropdown(options=list(samples), value=picture, description="picture"),
        layer=widgets.Dropdown(options=layers, value=layer, description="Grad-CAM at"),
        patch=widgets.IntSlider(patch, 1, min(14, min(first.shape[1:])), description="patch"),
    )

    def compute(picture, layer, patch):
        return explain_state(net, samples[picture], layer=layer, patch=patch)

    return Explorer(compute, plot_explain, controls, draw.new_figure(*EXPLAIN_FIGURE),
                    caption=_explain_caption, explain=_explain_patch,
                    layout=[["picture", "layer", "patch"]])


@catalog.factory
def draw_and_explain(model=None, *, start="triangle", layer="ReLU-5", patch=7):
    """A drawing pad beside the prediction and its saliency, Grad-CAM and occlusion maps,
    redrawn after every stroke (and after Clear).

    ``start``: the shape drawn on the pad when it opens (one of the four classes), or
    None for an empty pad.
    """
    import ipywidgets as widgets

    from ..lessons.drawing import shape_strokes
    from .canvas import DrawingPad

    net = network_or_default(model)
    pad = DrawingPad()
    layers = [name for _, name in map_layers(net, (1, pad.size, pad.size))]
    controls = dict(
        layer=widgets.Dropdown(options=layers, value=layer, description="Grad-CAM at"),
        patch=widgets.IntSlider(patch, 1, 14, description="patch"),
    )

    def compute(layer, patch):
        return explain_state(net, pad.image(), layer=layer, patch=patch)

    explorer = Explorer(compute, plot_explain, controls, draw.new_figure(*EXPLAIN_FIGURE),
                        caption=_explain_caption, explain=_explain_patch,
                        layout=[[pad.widget], ["layer", "patch"]])
    explorer.pad = pad
    if start is not None:
        with explorer.hold(redraw=False):
            pad.draw(shape_strokes(start))
    # The pad is not a control (it has no value): each finished stroke, and Clear,
    # asks the explorer for a new picture.
    pad.observe(lambda _: explorer.update())
    explorer.update()
    return explorer


catalog.register("12", "occlusion", occlusion_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "grad-cam", grad_cam_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "explain", explain_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "draw and explain", draw_and_explain)

__all__ = [
    "EXPLAIN_FIGURE", "GRAD_CAM_FIGURE", "OCCLUSION_FIGURE", "draw_and_explain",
    "explain_explorer", "grad_cam_explorer", "occlusion_explorer", "plot_explain",
    "plot_grad_cam", "plot_occlusion", "shape_samples",
]
