"""Notebook 12: what the network looks at, five explorers.

- :func:`occlusion_explorer`: cover a square, see the class probability drop;
- :func:`grad_cam_explorer`: Grad-CAM at any map layer, for any class, over the picture;
- :func:`explain_explorer`: the prediction and its three maps for a picture;
- :func:`filter_explorer`: the input each channel (or class) wants, beside the data set's
  images that excite it most;
- :func:`sanity_explorer`: the maps of the trained network next to those of a network
  whose weights are random from the top down, and a plain edge detector.

State: :mod:`cnnviz.lessons.interpretation`; maths: :mod:`cnnviz.interpret`. Every
picture is composed from :mod:`cnnviz.explorers.draw` pieces and shown in
:class:`~cnnviz.explorers.draw.Picture` boxes, one row of cards under a heading.
"""

from __future__ import annotations

import numpy as np

from ..datasets import CLASS_NAMES, draw_shape, make_shapes
from ..lessons.interpretation import (
    PatchTooLarge, explain_state, filter_activations, filter_state, grad_cam_state, map_layers, occlusion_state,
    preferred_inputs, sanity_state, weighted_layers,
)
from . import catalog, draw
from ._base import Explorer

#: figure sizes in inches (at draw.DPI)
OCCLUSION_FIGURE = (10, 3.6)
GRAD_CAM_FIGURE = (10, 3.6)
EXPLAIN_FIGURE = (10, 3.4)
FILTER_FIGURE = (10, 3.4)
SANITY_FIGURE = (10.5, 2.9)
#: colour map of the heat maps (saliency, Grad-CAM, occlusion per pixel): dark is nothing
HEAT = "inferno"
#: the layers and the class scores whose wanted inputs the filter explorer offers
FILTER_LAYERS = ("ReLU-2", "ReLU-5", "score")
#: steps of gradient ascent per wanted input (a few hundred milliseconds each)
FILTER_STEPS = 150
_HEADING = 0.16    # height of the heading, as a fraction of the figure


# ------------------------------------------------------------------------ the cards
def _grey(image):
    return draw.colours_of(image, cmap=draw.GREY, vmin=0.0, vmax=1.0)


def _heat(values, vmax=None):
    values = np.nan_to_num(np.asarray(values, dtype=float))
    top = float(values.max()) if vmax is None else vmax
    return draw.colours_of(values, cmap=HEAT, vmin=0.0, vmax=top if top > 0 else 1.0)


def _overlay(image, heat_rgb, opacity):
    mixed = (1 - opacity) * _grey(image).astype(float) + opacity * heat_rgb.astype(float)
    return np.round(mixed).astype(np.uint8)


def _card(size, scale, title, picture, *, outline=None, bar=None, cmap=HEAT):
    """One card of ``size`` pixels: a title (str or tuple of lines), ``picture`` (RGB,
    enlarged by a whole factor to fit, centred) with an optional orange ``outline =
    (row, col, height, width)`` in picture pixels, and an optional colour bar
    ``bar = (lo, hi)`` under it."""
    width, height = size
    lines = (title,) if isinstance(title, str) else tuple(title)
    line_px = round(draw.LINE_PX * scale)
    title_px = line_px * len(lines) + 2
    bar_px = round(draw.BAR_PX * scale) if bar is not None else 0
    card = np.full((height, width, 3), 255, np.uint8)
    card[:title_px] = draw.text_rgb(lines, (width, title_px), align="center",
                                    pixels=round(draw.TEXT_PX * scale), line_px=line_px)
    ph, pw = picture.shape[:2]
    # The whole enlargement factor is chosen at draw.DPI and then scaled, so the stored
    # picture (twice the density) is the live one, sharper, not a larger picture.
    title_1x = draw.LINE_PX * len(lines) + 2
    free_h = round(height / scale) - title_1x - (draw.BAR_PX if bar is not None else 0) - 4
    free_w = round(width / scale) - 6
    factor = max(1, round(max(1, min(free_h // ph, free_w // pw)) * scale))
    big = np.repeat(np.repeat(picture, factor, axis=0), factor, axis=1)
    if outline is not None:
        big = big.copy()
        r, c, h, w = (v * factor for v in outline)
        t = max(1, round(2 * scale))
        colour = draw.rgb(draw.HIGHLIGHT)
        r1, c1 = min(r + h, big.shape[0]), min(c + w, big.shape[1])
        big[r:min(r + t, r1), c:c1] = colour
        big[max(r1 - t, r):r1, c:c1] = colour
        big[r:r1, c:min(c + t, c1)] = colour
        big[r:r1, max(c1 - t, c):c1] = colour
    top, left = title_px + 1, (width - big.shape[1]) // 2
    card[top:top + big.shape[0], left:left + big.shape[1]] = big
    # a thin grey frame, so a white picture still shows where it ends
    edge = max(1, round(scale))
    frame = draw.rgb(draw.NEUTRAL)
    r0, r1 = max(0, top - edge), min(height, top + big.shape[0] + edge)
    c0, c1 = max(0, left - edge), min(width, left + big.shape[1] + edge)
    card[r0:top, c0:c1] = frame
    card[top + big.shape[0]:r1, c0:c1] = frame
    card[r0:r1, c0:left] = frame
    card[r0:r1, left + big.shape[1]:c1] = frame
    if bar is not None:
        card[height - bar_px:] = draw.colour_bar_rgb(float(bar[0]), float(bar[1]), width,
                                                     cmap=cmap, scale=scale)
    return card


def _cards_figure(fig, artists, count, figsize):
    """The figure's boxes on the first call: a heading across the top, ``count`` cards."""
    if artists is not None:
        return fig, artists
    fig = fig or draw.new_figure(*figsize)
    heading = draw.Picture(fig, [0.0, 1 - _HEADING, 1.0, _HEADING])
    width = 1.0 / count
    cards = [draw.Picture(fig, [k * width, 0.0, width, 1 - _HEADING]) for k in range(count)]
    return fig, {"heading": heading, "cards": cards}


def _show(artists, fig, heading, cards):
    """Draw the heading (lines) and the cards (each ``(title, picture, options)``)."""
    scale = draw.scale(fig)
    lines = (heading,) if isinstance(heading, str) else tuple(heading)
    artists["heading"].show(("h", lines, scale), lambda size: draw.text_rgb(
        lines, size, align="center", pixels=round(draw.TEXT_PX * scale),
        line_px=round(draw.LINE_PX * scale)))
    for box, (title, picture, options) in zip(artists["cards"], cards):
        key = (title, picture.shape, picture.tobytes(), repr(sorted(options.items())), scale)
        box.show(key, lambda size, t=title, p=picture, o=options: _card(size, scale, t, p, **o))


def _p(value):
    """A probability as the figures print it: two decimals, never "-0.00"."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _targets(class_names):
    return [(name, k) for k, name in enumerate(class_names)]


def _samples(samples):
    if isinstance(samples, dict):
        return dict(samples)
    return {"picture": np.asarray(samples)}


def _model(model):
    if model is None:
        from ..pretrained import shapes_cnn

        return shapes_cnn()
    return model


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
    fig, artists = _cards_figure(fig, artists, 3, OCCLUSION_FIGURE)
    name = state.class_names[state.target]
    lo, hi = draw.symmetric_limits(state.drop, minimum=0.01)
    drop_rgb = draw.colours_of(state.drop, cmap=draw.DIVERGING, vmin=lo, vmax=hi)
    per_pixel = np.clip(np.nan_to_num(state.per_pixel), 0, None)
    r, c = state.worst
    p = state.patch
    heading = (f"p({name}) = {_p(state.probabilities[state.target])} on the picture; covering "
               f"the orange {p}x{p} square drops it by {_p(state.largest_drop)}, the most of any "
               f"square")
    oh, ow = state.drop.shape
    _show(artists, fig, heading, [
        ("the costliest square", _grey(state.image), {"outline": (r, c, p, p)}),
        (f"drop in p({name}), {oh}x{ow}", drop_rgb,
         {"bar": (lo, hi), "cmap": draw.DIVERGING}),
        ("mean drop per pixel",
         _overlay(state.image, _heat(per_pixel), 0.7), {}),
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

    net, samples = _model(model), _samples(samples)
    first = next(iter(samples.values()))
    size = min(first.shape[1:])
    picture = picture or next(iter(samples))
    names = _class_names_of(net, first)
    target = _default_target(net, samples[picture]) if target is None else target
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


def _class_names_of(net, image):
    count = net.output_shapes(np.shape(image))[-1][0]
    return CLASS_NAMES if count == len(CLASS_NAMES) else tuple(f"class {k}" for k in range(count))


def _default_target(net, image):
    return int(np.argmax(net.forward(np.asarray(image)[None])[0]))


# ------------------------------------------------------------------------- Grad-CAM
def plot_grad_cam(state, fig=None, artists=None):
    """The picture, Grad-CAM at the layer's resolution, the map over the picture, and the
    channel weights alpha_k."""
    fig, artists = _cards_figure(fig, artists, 4, GRAD_CAM_FIGURE)
    name = state.class_names[state.target]
    h, w = state.cam.shape
    top = float(state.cam.max())
    if state.all_zero:
        heading = (f"Grad-CAM for {name} at {state.layer_name} is zero everywhere: at no position "
                   "do the channels that raise the score outweigh those that lower it",
                   f"p({name}) = {_p(state.probabilities[state.target])}")
    else:
        heading = (f"Grad-CAM for {name} at {state.layer_name}: where the channels that raise "
                   f"the {name} score are active",
                   f"p({name}) = {_p(state.probabilities[state.target])}; the map's largest "
                   f"value is {draw.number(top)}")
    alpha = state.alpha
    lo, hi = draw.symmetric_limits(alpha)
    per_row = 8
    rows = -(-len(alpha) // per_row)
    padded = np.full(rows * per_row, np.nan)
    padded[:len(alpha)] = alpha
    strip = draw.colours_of(padded.reshape(rows, per_row), cmap=draw.DIVERGING, vmin=lo, vmax=hi)
    strip[np.isnan(padded.reshape(rows, per_row))] = 255
    _show(artists, fig, heading, [
        ("the picture", _grey(state.image), {}),
        (f"Grad-CAM, {h}x{w}", _heat(state.cam), {"bar": (0.0, max(top, 1e-12))}),
        (f"on the picture ({state.opacity:.1f})",
         _overlay(state.image, _heat(state.upsampled), state.opacity), {}),
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

    net, samples = _model(model), _samples(samples)
    first = next(iter(samples.values()))
    picture = picture or next(iter(samples))
    names = _class_names_of(net, first)
    target = _default_target(net, samples[picture]) if target is None else target
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
    fig, artists = _cards_figure(fig, artists, 4, EXPLAIN_FIGURE)
    name = state.class_names[state.prediction]
    probs = ", ".join(f"{n} {_p(p)}" for n, p in zip(state.class_names, state.probabilities))
    if state.blank:
        heading = ("The picture is empty: draw a shape", probs)
    else:
        heading = (f"The network says {name} (p = {_p(state.probabilities[state.prediction])});"
                   f" the maps explain that class", probs)
    _show(artists, fig, heading, [
        ("your picture", _grey(state.image), {}),
        ("saliency |d score / d pixel|", _overlay(state.image, _heat(state.saliency), 0.8), {}),
        (f"Grad-CAM at {state.cam_layer}", _overlay(state.image, _heat(state.cam), 0.6), {}),
        (f"occlusion, {state.patch}x{state.patch} squares",
         _overlay(state.image, _heat(np.clip(state.occlusion, 0, None)), 0.6), {}),
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

    net, samples = _model(model), _samples(samples)
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

    net = _model(model)
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


# ------------------------------------------------------------ what each filter wants
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
    fig, artists = _cards_figure(fig, artists, 3, FILTER_FIGURE)
    pref = state.preferred
    wanted = _grey(pref)   # activation maximisation keeps pixels in [0, 1]
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
        strip[:, k * (28 + gap):k * (28 + gap) + 28] = _grey(img)
    values = "  ".join(_p(float(v)) for v in state.example_values)
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
    _show(artists, fig, heading, [
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

    net = _model(model)
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


# ------------------------------------------------------------------ sanity checks
def plot_sanity(state, fig=None, artists=None):
    """Picture, edge detector, and saliency and Grad-CAM of the trained and the
    randomised network."""
    fig, artists = _cards_figure(fig, artists, 6, SANITY_FIGURE)
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
    _show(artists, fig, heading, [
        ("the picture", _grey(state.image), {}),
        ("Sobel edges", _heat(state.edges), {}),
        (("saliency", "trained"), _heat(state.saliency[0]), {}),
        (("saliency", "randomised"), _heat(state.saliency[1]), {}),
        ((f"Grad-CAM {state.cam_layer}", "trained"), _heat(state.cam[0]), {}),
        ((f"Grad-CAM {state.cam_layer}", "randomised"), _heat(state.cam[1]), {}),
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

    net, samples = _model(model), _samples(samples)
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
        target = _default_target(net, image)
        return sanity_state(net, image, target, top=top, layer=layer, seed=seed)

    return Explorer(compute, plot_sanity, controls, draw.new_figure(*SANITY_FIGURE),
                    caption=_sanity_caption, layout=[["picture", "top", "layer"]])


# ------------------------------------------------------------------------ catalog
def training_images():
    """The images the filter explorer searches for the most exciting ones: 200 drawn like
    the shipped network's training set (seed 12)."""
    return make_shapes(200, seed=12).images


catalog.register("12", "occlusion", occlusion_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "grad-cam", grad_cam_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "explain", explain_explorer, lambda: ((shape_samples(),), {}))
catalog.register("12", "draw and explain", draw_and_explain)
catalog.register("12", "filters", filter_explorer, lambda: ((training_images(),), {}))
catalog.register("12", "sanity checks", sanity_explorer, lambda: ((shape_samples(),), {"top": 1}))

__all__ = [
    "EXPLAIN_FIGURE", "FILTER_FIGURE", "FILTER_LAYERS", "FILTER_STEPS", "GRAD_CAM_FIGURE",
    "HEAT", "OCCLUSION_FIGURE", "SANITY_FIGURE", "draw_and_explain", "explain_explorer",
    "filter_explorer",
    "grad_cam_explorer", "occlusion_explorer", "plot_explain", "plot_filter", "plot_grad_cam",
    "plot_occlusion", "plot_sanity", "sanity_explorer", "shape_samples", "training_images",
    "wanted_inputs",
]
