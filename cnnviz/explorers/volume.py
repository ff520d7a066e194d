"""Notebook 05: convolution over a volume of channels, one filter at a time.

:func:`partial_sums_explorer`, on a colour photo of shape ``(3, H, W)``, draws the
state of :mod:`cnnviz.lessons.volume`: one 3x3x3 filter, picked from a dropdown.
Each of its three slices slides over its own colour plane and gives a partial map;
the three partial maps plus the bias add up to the filter's one output map.

The figure is one :class:`~cnnviz.explorers.draw.Picture`: photos and maps are
painted in the photo's own pixels (the "layout"), scaled to the screen by repeating
pixels, and the words, weights and colour bars are drawn on top by Pillow (the
:class:`_Screen`, which :mod:`cnnviz.explorers.filter_stack` draws with too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from ..lessons.volume import CHANNELS, COLOUR_FILTERS, FILTER_NOTES, check_rgb, partial_sums
from . import catalog, draw
from ._base import Explorer

#: the partial-sums figure, in inches at draw.DPI
FIG_PARTIAL = (10, 4.5)
#: signed values (weights, partial sums, outputs): not red and blue, which in a notebook
#: about colour channels would read as the red and blue planes
SIGNED = draw.DIVERGING_NEUTRAL
#: the window and the marked output pixel: black with a white halo, a colour no map uses
MARK = (0, 0, 0)
HALO = (255, 255, 255)


class _Screen:
    """A ``width x height`` layout (photo pixels) scaled to fit a picture of ``size``
    screen pixels, centred; :meth:`px` maps a layout point to the screen."""

    def __init__(self, width, height, size, s):
        self.width, self.height, self.size, self.s = width, height, size, s
        zoom = min(size[0] / width, size[1] / height)
        self.pw, self.ph = int(width * zoom), int(height * zoom)
        self.left, self.top = (size[0] - self.pw) // 2, (size[1] - self.ph) // 2

    def px(self, x, y):
        """Screen pixel of layout point ``(x, y)`` (pixel centres at whole numbers)."""
        return (self.left + (x + 0.5) * self.pw / self.width,
                self.top + (y + 0.5) * self.ph / self.height)

    def picture(self, layout):
        """The layout scaled to the screen (nearest neighbour) on a white picture."""
        canvas = PILImage.new("RGB", tuple(self.size), (255, 255, 255))
        scaled = PILImage.fromarray(layout).resize((self.pw, self.ph), PILImage.Resampling.NEAREST)
        canvas.paste(scaled, (self.left, self.top))
        return canvas

    def text(self, picture, x, y, text, *, anchor="md", pixels=draw.TEXT_PX, mono=False):
        """Write ``text`` at layout point ``(x, y)``; ``anchor`` as in Pillow."""
        face = draw.font(round(pixels * self.s), "DejaVu Sans Mono" if mono else "DejaVu Sans")
        pen = ImageDraw.Draw(picture)
        px, py = self.px(x, y)
        for i, line in enumerate(text.split("\n")):
            pen.text((px, py + i * round(draw.LINE_PX * self.s)), line, font=face,
                     fill=(0, 0, 0), anchor=anchor)

    def paste(self, picture, rgb, x, y):
        """Paste an RGB array with its centre at layout point ``(x, y)``."""
        h, w = rgb.shape[:2]
        px, py = self.px(x, y)
        picture.paste(PILImage.fromarray(rgb), (round(px - w / 2), round(py - h / 2)))

    def bar(self, picture, lo, hi, x, y, h, labels=None):
        """A vertical colour bar beside a map whose top is at layout ``(x, y)``, ``h`` tall."""
        px, top = self.px(x - 0.5, y - 0.5)
        bottom = self.px(x, y + h - 0.5)[1]
        pad = round(6 * self.s)
        size = (round(60 * self.s), round(bottom - top) + 2 * pad)
        rgb = draw.colour_bar_rgb(float(lo), float(hi), size, orientation="vertical",
                                  cmap=SIGNED, labels=labels, scale=self.s)
        picture.paste(PILImage.fromarray(rgb), (round(px), round(top) - pad))

    def window(self, picture, x, y, w, h):
        """Outline the layout cells ``x..x+w-1, y..y+h-1``; returns the screen box."""
        (x0, y0), (x1, y1) = self.px(x - 0.5, y - 0.5), self.px(x + w - 0.5, y + h - 0.5)
        box = [round(x0), round(y0), round(x1), round(y1)]
        pen = ImageDraw.Draw(picture)
        pen.rectangle([box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1], outline=HALO,
                      width=max(1, round(4 * self.s)))
        pen.rectangle(box, outline=MARK, width=max(1, round(2 * self.s)))
        return tuple(box)

    def ring(self, picture, x, y):
        """A circle round layout pixel ``(x, y)``; returns its screen centre."""
        cx, cy = self.px(x, y)
        r = 6 * self.s
        ImageDraw.Draw(picture).ellipse([cx - r, cy - r, cx + r, cy + r], outline=MARK,
                                        width=max(1, round(2 * self.s)))
        return round(cx), round(cy)


def _full_picture(fig):
    return draw.Picture(fig, [0.0, 0.0, 1.0, 1.0])


def _pixels(rgb):
    return np.rint(np.clip(rgb, 0, 1) * 255).astype(np.uint8)


# ------------------------------------------------------------------ partial sums: drawing
@dataclass
class _PartialSumsLayout:
    """Where the panels of :func:`plot_partial_sums` sit, in pixels of the photo."""
    H: int
    W: int

    def __post_init__(self):
        self.gap = round(0.2 * self.W)              # between panels (room for + and =)
        self.band = round(0.19 * self.H)            # a line of title above each row
        self.kernel = round(0.75 * self.H)          # side of a 3x3 slice
        self.y_planes = self.band
        self.y_kernels = self.y_planes + self.H + self.band
        self.y_maps = self.y_kernels + self.kernel + self.band
        self.width = 4 * self.W + 3 * self.gap + round(0.35 * self.W)   # + a colour bar
        self.height = self.y_maps + self.H + round(0.06 * self.H)       # + the bar's label

    def x(self, c):
        """Left edge of column ``c`` (red, green, blue, then photo / bias / output)."""
        return c * (self.W + self.gap)


def _planes_layout(rgb, L):
    """The white layout picture with the three colour planes in grey and the photo."""
    picture = np.full((L.height, L.width, 3), 255, np.uint8)
    pixels = _pixels(rgb)
    rows = slice(L.y_planes, L.y_planes + L.H)
    for c in range(3):
        picture[rows, L.x(c):L.x(c) + L.W] = pixels[c][..., None]
    picture[rows, L.x(3):L.x(3) + L.W] = np.moveaxis(pixels, 0, -1)
    return picture


def _draw_partial_sums(state, size, s, planes, marks):
    _, H, W = state.rgb.shape
    L = _PartialSumsLayout(H, W)
    oh, ow = state.output.shape
    screen = _Screen(L.width, L.height, size, s)

    # The partial maps and their sum, each one pixel in from the plane above it: output
    # pixel (i, j) belongs to the window centred on input pixel (i + 1, j + 1).
    layout = planes.copy()
    lo, hi = draw.symmetric_limits(np.concatenate([state.partials.ravel(), state.output.ravel()]))
    for c, part in enumerate([*state.partials, state.output]):
        layout[L.y_maps + 1:L.y_maps + 1 + oh, L.x(c) + 1:L.x(c) + 1 + ow] = draw.colours_of(
            part, cmap=SIGNED, vmin=lo, vmax=hi)
    picture = screen.picture(layout)
    screen.bar(picture, lo, hi, 4 * W + 3 * L.gap + 0.06 * W, L.y_maps + 1, oh)

    # The filter: its three slices and the bias, on one scale.
    lo, hi = draw.symmetric_limits(np.append(state.weight, state.bias))
    cell = round(L.kernel * screen.pw / screen.width / 3)
    y = L.y_kernels + L.kernel / 2
    for c, values in enumerate([*state.weight, [[state.bias]]]):
        weights = draw.matrix_rgb(np.asarray(values), cmap=SIGNED, vmin=lo, vmax=hi,
                                  fmt="{:.2f}", cell=cell)
        screen.paste(picture, weights, L.x(c) + W / 2, y)
    screen.bar(picture, lo, hi, L.x(3) + 0.75 * W, L.y_kernels, L.kernel)

    values = [*state.at_pixel, state.output[state.row, state.col]]
    for c in range(4):
        if c < 3:
            colour = CHANNELS[c]
            tops = (f"x[{c}]: {colour} plane", f"weights on {colour}: w[{c}]",
                    f"{colour} part: {values[c]:+.3f}")
        else:
            tops = (f"x: shape {state.rgb.shape}", "bias b", f"sum + bias: {values[c]:+.3f}")
        for top, y in zip(tops, (L.y_planes, L.y_kernels, L.y_maps)):
            screen.text(picture, L.x(c) + W / 2, y - 3, top)
    for c, sign in enumerate("++="):
        screen.text(picture, L.x(c) + W + L.gap / 2, L.y_maps + H / 2, sign, pixels=24,
                    anchor="mm")

    # The 3x3 window on every plane (its top-left pixel is (row, col)) and, on every map,
    # a ring round the output pixel, at its centre (row + 1, col + 1).
    marks["windows"] = [screen.window(picture, L.x(c) + state.col, L.y_planes + state.row, 3, 3)
                        for c in range(4)]
    marks["rings"] = [screen.ring(picture, L.x(c) + state.col + 1, L.y_maps + state.row + 1)
                      for c in range(4)]
    return np.asarray(picture)


def plot_partial_sums(state, fig=None, artists=None):
    """Top: the three colour planes and the photo. Middle: the filter's three slices and
    its bias, with numbers. Bottom: each slice's partial map, and their sum plus the bias.

    The partial maps and the output share one diverging scale, centred on zero, so a
    colour means the same number in all four. Each map is drawn one pixel in from the
    planes above it: output pixel ``(i, j)`` belongs to the window centred on input
    pixel ``(i + 1, j + 1)``.
    """
    if artists is None:
        fig = fig or draw.new_figure(*FIG_PARTIAL)
        _, H, W = state.rgb.shape
        artists = dict(picture=_full_picture(fig), marks={},
                       planes=_planes_layout(state.rgb, _PartialSumsLayout(H, W)))
    s = draw.scale(fig)
    key = (id(state.rgb), state.name, state.bias, state.row, state.col)
    artists["picture"].show(key, lambda size: _draw_partial_sums(
        state, size, s, artists["planes"], artists["marks"]))
    return fig, artists


def _partial_caption(state):
    r, g, b = state.at_pixel
    return (f"<b>{state.name}</b>: {FILTER_NOTES[state.name]}<br>At the circled pixel "
            f"(row {state.row}, column {state.col}): red {r:+.3f} + green {g:+.3f} + blue "
            f"{b:+.3f} + bias {state.bias:+.2f} = <b>{state.output[state.row, state.col]:+.3f}"
            f"</b>. Its 3x3 window is outlined in black on every plane.")


@catalog.factory
def partial_sums_explorer(rgb, *, name="redness", bias=0.0, row=None, col=None):
    """A dropdown of colour filters, a bias slider and a pixel to spell out.

    Parameters
    ----------
    rgb : ndarray, shape (3, H, W)
        A colour image in [0, 1], channels first; about 100 x 150 pixels keeps the
        sliders smooth (``load_sample(size=(96, 144))``).
    name : str
        The filter of :data:`cnnviz.lessons.volume.COLOUR_FILTERS` shown first.
    bias : float
    row, col : int, optional
        The output pixel spelled out first (by default the sample cat's nose).
    """
    import ipywidgets as widgets

    rgb = check_rgb(rgb)
    oh, ow = rgb.shape[1] - 2, rgb.shape[2] - 2
    row = min(oh - 1, round(0.79 * oh)) if row is None else row   # the sample cat's nose
    col = min(ow - 1, round(0.58 * ow)) if col is None else col
    controls = dict(
        name=widgets.Dropdown(options=list(COLOUR_FILTERS), value=name, description="filter"),
        bias=widgets.FloatSlider(bias, min=-1.0, max=1.0, step=0.05, description="bias b"),
        row=widgets.IntSlider(row, 0, oh - 1, description="row"),
        col=widgets.IntSlider(col, 0, ow - 1, description="column"),
    )
    return Explorer(
        lambda name, bias, row, col: partial_sums(rgb, name=name, bias=bias, row=row, col=col),
        plot_partial_sums, controls, draw.new_figure(*FIG_PARTIAL), caption=_partial_caption,
        layout=[["name", "bias"], ["row", "col"]],
    )


def _sample():
    """Notebook 05's photo: the sample cat at 96 x 144 pixels."""
    from ..images import load_sample

    return load_sample("chelsea", size=(96, 144))


catalog.register("05", "partial sums of one filter", partial_sums_explorer,
                 lambda: ((_sample(),), {}))


__all__ = ["FIG_PARTIAL", "SIGNED", "partial_sums_explorer", "plot_partial_sums"]
