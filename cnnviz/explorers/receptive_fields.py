"""Notebook 13: the receptive field explorer.

:func:`receptive_field_explorer`: a stack of up to three convolutions (kernel,
stride, dilation, and a 2x2 max pool after each, if wanted), or the layers of a
network; pick a layer and a unit, and its receptive field is drawn on the input
picture (its neighbour's dashed, one jump away), beside that layer's map and the
recurrence's numbers.

The state lives in :mod:`cnnviz.lessons.architectures`; the architecture gallery of
the same notebook is :mod:`cnnviz.explorers.architectures`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..datasets import draw_shape
from ..errors import NothingSelected
from ..images import load_sample
from ..lessons.architectures import (
    COMPARE_CHANNELS, KERNEL_SIZES, map_sizes, receptive_state, stack_map_sizes, stack_state,
)
from ..pretrained import shapes_cnn
from . import catalog, draw
from ._base import Explorer, TextLayer, bare, new_figure

#: figure size in inches at draw.DPI
RECEPTIVE_FIG_SIZE = (10, 4.3)
#: side of the input picture of the receptive field explorer, in pixels
IMAGE_SIZE = 64
#: how many layers the explorer's stack can have
MAX_DEPTH = 3
#: input pixels of padding shown around a picture of IMAGE_SIZE (in proportion for others)
MARGIN = 10

_MONO = "DejaVu Sans Mono"
_BLACK = (20, 20, 20)


def _grouped(n) -> str:
    return f"{n:,}"


def _map_rgb(n, unit, neighbour):
    """The chosen layer's n x n map as cells: the unit orange, its neighbour light purple."""
    cells = np.full((n, n, 3), 225, np.uint8)
    cells[(np.add.outer(np.arange(n), np.arange(n)) % 2).astype(bool)] = 205   # a checkerboard
    if neighbour is not None:
        cells[neighbour] = draw.rgb(draw.ACCENT_LIGHT)
    cells[unit] = draw.rgb(draw.HIGHLIGHT)
    return cells


def _table_lines(state):
    rows = [("layer", "k", "s", "d", "field r = r' + (k-1)\u00b7d\u00b7j'", "jump j"),
            ("input", "", "", "", "1", "1")]
    for step in state.steps:
        if step.kernel is None:         # a residual block: the union of its two paths
            rows.append((step.name, "", "", "", f"{step.size_before} -> {step.size} (block)",
                         str(step.jump)))
            continue
        rows.append((step.name, str(step.kernel), str(step.stride), str(step.dilation),
                     f"{step.size_before} + {step.kernel - 1}\u00b7{step.dilation}\u00b7"
                     f"{step.jump_before} = {step.size}", str(step.jump)))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]


def _receptive_painter(words, axes, state):
    (top, bottom), (left, right) = state.window
    (ctop, cbottom), (cleft, cright) = state.clipped
    size = state.size
    lines = _table_lines(state)
    name = state.field.name
    n = state.map_size
    inside = (ctop, cbottom, cleft, cright) == (top, bottom, left, right)
    sees = (f"unit {state.unit} of {name} sees rows {top}..{bottom - 1}, "
            f"columns {left}..{right - 1}")
    where = ("all on the image" if inside else
             f"on the image: {cbottom - ctop}x{cright - cleft}, the rest padding")
    comparison = [
        f"one {size}x{size} convolution, the same field: {size}\u00b2\u00b7C\u00b2 = "
        f"{_grouped(state.single_weights)} weights",
        f"the stack's convolutions: {_grouped(state.stack_weights)} weights "
        f"(C = {COMPARE_CHANNELS} channels, no biases)",
    ]

    def paint(d):
        px = words.px_per_pt * 72 / draw.DPI        # figure pixels per pixel at draw.DPI
        title = words.font(10, "DejaVu Sans:bold")
        regular = words.font(9)
        mono = words.font(8.5, _MONO)
        ax_in, ax_map = axes
        side = state.image.shape[0]
        for ax, text in ((ax_in, f"input {side}x{side} (grey frame: padding)"),
                         (ax_map, f"{name}: {n}x{n}")):
            box = ax.get_position()
            d.text(words.xy(box.x0 + box.width / 2, box.y1 + 0.015), text, font=title,
                   fill=_BLACK, anchor="md")
        x, y = words.xy(0.52, 0.93)
        d.text((x, y), f"field {size}x{size}, jump {state.jump}", font=title,
               fill=draw.rgb(draw.HIGHLIGHT), anchor="la")
        d.multiline_text((x, y + 24 * px), "\n".join(lines), font=mono,
                         fill=_BLACK, spacing=round(3 * words.px_per_pt))
        x2, y2 = words.xy(0.52, 0.27)
        d.text((x2, y2), sees, font=regular, fill=_BLACK, anchor="la")
        d.text((x2, y2 + 17 * px), where, font=regular, fill=_BLACK,
               anchor="la")
        for k, line in enumerate(comparison):
            d.text((x2, y2 + (40 + 16 * k) * px), line, font=regular,
                   fill=_BLACK, anchor="la")

    return paint


def plot_receptive_field(state, fig=None, artists=None):
    """Left: the input picture with the unit's receptive field (orange) and its right-hand
    neighbour's (purple, dashed). Middle: the layer's map with the unit. Right: the numbers."""
    if artists is None:
        fig = fig or new_figure(*RECEPTIVE_FIG_SIZE)
        ax_in = bare(fig.add_axes([0.01, 0.04, 0.31, 0.84]))
        ax_map = bare(fig.add_axes([0.35, 0.30, 0.13, 0.30]))
        ax_in.set_facecolor("#d9d9d9")
        side = state.image.shape[0]
        picture = ax_in.imshow(state.image, cmap=draw.GREY, vmin=0, vmax=1,
                               interpolation="nearest",
                               extent=(-0.5, side - 0.5, side - 0.5, -0.5))
        neighbour = Rectangle((0, 0), 1, 1, fill=False, ec=draw.ACCENT, lw=1.6, ls="--")
        field = Rectangle((0, 0), 1, 1, fill=False, ec=draw.HIGHLIGHT, lw=2.2)
        shade = Rectangle((0, 0), 1, 1, fill=True, fc=draw.HIGHLIGHT, alpha=0.12, lw=0)
        for patch in (shade, neighbour, field):
            ax_in.add_patch(patch)
        cells = ax_map.imshow(np.zeros((1, 1, 3), np.uint8), interpolation="nearest")
        words = TextLayer(fig)
        artists = dict(picture=picture, field=field, neighbour=neighbour, shade=shade,
                       cells=cells, words=words, axes=(ax_in, ax_map), image_key=None,
                       limits=None)
    key = state.image.tobytes()
    if artists["image_key"] != key:
        artists["picture"].set_data(state.image)
        artists["image_key"] = key
    (top, bottom), (left, right) = state.window
    # The picture with a frame of padding around it, wide enough for both fields.
    side = state.image.shape[0]
    margin = max(3, round(side * MARGIN / IMAGE_SIZE))
    reach = max(margin, -top, -left, bottom - side, right + state.jump - side)
    if artists["limits"] != reach:       # setting limits is slow: only when they change
        ax_in = artists["axes"][0]
        ax_in.set_xlim(-reach - 0.5, side + reach - 0.5)
        ax_in.set_ylim(side + reach - 0.5, -reach - 0.5)
        artists["limits"] = reach
    for patch in (artists["field"], artists["shade"]):
        patch.set_bounds(left - 0.5, top - 0.5, right - left, bottom - top)
    n = state.map_size
    i, j = state.unit
    has_neighbour = j + 1 < n
    artists["neighbour"].set_visible(has_neighbour)
    if has_neighbour:
        (ntop, nbottom), (nleft, nright) = state.field.window(i, j + 1)
        artists["neighbour"].set_bounds(nleft - 0.5, ntop - 0.5, nright - nleft, nbottom - ntop)
    cells = artists["cells"]
    cells.set_data(_map_rgb(n, (i, j), (i, j + 1) if has_neighbour else None))
    cells.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
    ax_map = artists["axes"][1]
    if ax_map.get_xlim() != (-0.5, n - 0.5):
        ax_map.set_xlim(-0.5, n - 0.5)
        ax_map.set_ylim(n - 0.5, -0.5)
    artists["words"].paint(_receptive_painter(artists["words"], artists["axes"], state))
    return fig, artists


def caption_receptive_field(state):
    (top, bottom), (left, right) = state.window
    ratio = state.single_weights / state.stack_weights
    return (f"<b>Unit {state.unit} of {state.field.name} sees {state.size}x{state.size} input "
            f"pixels</b> (rows {top} to {bottom - 1}, columns {left} to {right - 1}); its "
            f"neighbour's field starts {state.jump} pixel{'s' if state.jump != 1 else ''} "
            f"further right (the jump). One convolution as wide as the field would need "
            f"{ratio:.2f} times the weights of the stack's convolutions."
            + _later_layers(state))


def _later_layers(state):
    """What the layers after the chosen unit's do, so a change to them is answered."""
    rows = list(state.fields)
    later = rows[state.layer:]
    if not later:
        return ""
    last = rows[-1]
    many = len(later) != 1
    return (f" {'The ' + str(len(later)) + ' layers' if many else 'The layer'} after it "
            f"({', '.join(r.name for r in later)}) {'do' if many else 'does'} not change this "
            f"unit's field; a unit of {last.name} sees {last.size[0]}x{last.size[1]}, its "
            f"neighbour's field {last.jump[1]} pixel{'s' if last.jump[1] != 1 else ''} further.")


def _stack_controls(layers):
    import ipywidgets as widgets

    style = {"description_width": "62px"}
    short = widgets.Layout(width="150px")
    controls = {}
    for i in range(1, MAX_DEPTH + 1):
        k, s, d, pool = layers[i - 1] if i <= len(layers) else (3, 1, 1, False)
        controls[f"k{i}"] = widgets.Dropdown(options=KERNEL_SIZES, value=k,
                                             description=f"{i}: kernel", style=style,
                                             layout=short)
        controls[f"s{i}"] = widgets.Dropdown(options=(1, 2), value=s, description="stride",
                                             style=style, layout=short)
        controls[f"d{i}"] = widgets.Dropdown(options=(1, 2, 3), value=d, description="dilation",
                                             style=style, layout=short)
        controls[f"pool{i}"] = widgets.Checkbox(value=pool, description="then 2x2 pool",
                                                indent=False, layout=widgets.Layout(width="140px"))
    return controls


@catalog.factory
def receptive_field_explorer(image, *, model=None, depth=3,
                             layers=((3, 1, 1, True), (3, 1, 1, False), (3, 1, 1, False)),
                             layer=None):
    """Build a stack of convolutions, or bring a network, and see what one unit sees of ``image``.

    Parameters
    ----------
    image : ndarray (H, W), H == W
        A grey picture, values in [0, 1]; :data:`IMAGE_SIZE` for the stack.
    model : Sequential, optional
        A network of your own (square kernels, strides and paddings; it may end with
        layers that give vectors, which cannot be picked). Without it, the controls
        build a stack of up to :data:`MAX_DEPTH` convolutions.
    depth : int
        How many of the :data:`MAX_DEPTH` convolutions the stack starts with.
    layers : sequence of (kernel, stride, dilation, pool)
        The starting settings of each convolution.
    layer : int, optional
        The layer whose unit is shown first (1-based, pools count); the last one with a
        map by default.
    """
    import ipywidgets as widgets

    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise ValueError(f"image must be a square grey picture (H, W); got shape {image.shape}")
    if model is None and image.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"image must have shape ({IMAGE_SIZE}, {IMAGE_SIZE}); got {image.shape}")
    style = {"description_width": "62px"}
    wide = widgets.Layout(width="220px")
    if model is None:
        controls = dict(depth=widgets.IntSlider(depth, 1, MAX_DEPTH, description="layers",
                                                style=style, layout=wide))
        controls.update(_stack_controls(list(layers)))
        sizes = stack_map_sizes(IMAGE_SIZE, **_stack_settings(
            {n: c.value for n, c in controls.items()}))
    else:
        sizes = map_sizes(model, image.shape[0])
        controls = {}
    maps = [i for i, n in enumerate(sizes, 1) if n is not None]
    layer = maps[-1] if layer is None else layer
    last = sizes[layer - 1]
    if model is None:
        controls["layer"] = widgets.IntSlider(layer, 1, len(sizes), description="unit of layer",
                                              style={"description_width": "80px"},
                                              layout=widgets.Layout(width="240px"))
    else:
        names = model.layer_names()
        controls["layer"] = widgets.Dropdown(options=[(names[i - 1], i) for i in maps],
                                             value=layer, description="unit of layer",
                                             style={"description_width": "80px"},
                                             layout=widgets.Layout(width="240px"))
    controls["row"] = widgets.IntSlider(last // 2, 0, last - 1, description="row", style=style,
                                        layout=wide)
    controls["col"] = widgets.IntSlider(last // 2, 0, last - 1, description="column",
                                        style=style, layout=wide)

    def constrain(values):
        limits = {}
        if model is None:
            for i in range(1, MAX_DEPTH + 1):
                for key in ("k", "s", "d", "pool"):
                    limits[f"{key}{i}"] = {"disabled": i > values["depth"]}
            settings = _stack_settings(values)
            current = None if settings is None else stack_map_sizes(IMAGE_SIZE, **settings)
            if current is None:       # a dropdown holds nothing, or the stack does not fit
                return limits
            limits["layer"] = {"max": len(current)}
            chosen = min(values["layer"], len(current))
        else:
            current, chosen = sizes, values["layer"]
            if chosen is None:
                return limits
        limits["row"] = {"max": current[chosen - 1] - 1}
        limits["col"] = {"max": current[chosen - 1] - 1}
        return limits

    def compute(**values):
        if model is not None:
            if values["layer"] is None:
                raise NothingSelected("layer")
            return receptive_state(model, image, layer=values["layer"], row=values["row"],
                                   col=values["col"])
        return stack_state(image, layer=values["layer"], row=values["row"], col=values["col"],
                           **_stack_settings(values))

    layout = [["depth", "layer", "row", "col"]] + [
        [f"k{i}", f"s{i}", f"d{i}", f"pool{i}"] for i in range(1, MAX_DEPTH + 1)]
    if model is not None:
        layout = [["layer", "row", "col"]]
    return Explorer(compute, plot_receptive_field, controls, new_figure(*RECEPTIVE_FIG_SIZE),
                    caption=caption_receptive_field, layout=layout, constrain=constrain)


def _stack_settings(values):
    """The stack's settings from the controls' values (only the layers in use), or None
    while a dropdown holds nothing."""
    depth = values["depth"]
    settings = {"depth": depth}
    for i in range(1, depth + 1):
        for key in ("k", "s", "d", "pool"):
            value = values[f"{key}{i}"]
            if value is None:
                return None
            settings[f"{key}{i}"] = value
    return settings


def _receptive_recipe():
    return (load_sample("chelsea", grey=True, size=(IMAGE_SIZE, IMAGE_SIZE)),), {}


def _network_recipe():
    """The trained shapes network of notebook 08 on one of its triangles."""
    return (draw_shape("triangle")[0],), {"model": shapes_cnn()}


catalog.register("13", "receptive field", receptive_field_explorer, _receptive_recipe)
catalog.register("13", "receptive field of a network", receptive_field_explorer,
                 _network_recipe)


__all__ = ["IMAGE_SIZE", "MAX_DEPTH", "RECEPTIVE_FIG_SIZE", "caption_receptive_field",
           "plot_receptive_field", "receptive_field_explorer"]
