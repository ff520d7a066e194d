"""Notebook 05: convolution over a volume of channels.

Two explorers on a colour photo of shape ``(3, H, W)``:

* :func:`partial_sums_explorer`: one 3x3x3 filter, picked from a dropdown. Each of
  its three slices slides over its own colour plane and gives a partial map; the
  three partial maps plus the bias add up to the filter's one output map.
* :func:`filter_stack_explorer`: a slider for the number of filters ``K``. Each
  filter gives one map, and the ``K`` maps stacked are the output volume
  ``(K, H', W')``.

Both use :data:`COLOUR_FILTERS`, eight hand-made 3x3x3 filters.

Examples
--------
>>> COLOUR_FILTERS["redness"][:, 1, 1] * 9         # centre weight of each slice, times 9
array([ 1. , -0.5, -0.5])
>>> float(COLOUR_FILTERS["grey blur"].sum())       # 27 weights of 1/27: an average
1.0
>>> np.stack(list(COLOUR_FILTERS.values())).shape  # all eight as one layer's weight
(8, 3, 3, 3)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Rectangle
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from .. import filters
from .._validate import as_array, nonnegative_int, one_of, positive_int
from ..convolution import conv2d, correlate2d
from ..params import conv2d_params
from ._base import Explorer, font, matrix_rgb, new_figure, symmetric_limits

CHANNELS = ("red", "green", "blue")
#: signed values (weights, partial sums, outputs): purple above zero, orange-brown below,
#: white at zero. Not red and blue: in a notebook about colour channels those would read
#: as the red and blue planes.
SIGNED = "PuOr"
#: outline of the input window: black with a white edge, a colour no map uses
MARK = "black"


# ------------------------------------------------------------------------ the filters
def _colour_filter(red, green, blue):
    """A read-only ``(3, 3, 3)`` filter from its red, green and blue slices."""
    weight = np.stack([np.asarray(s, dtype=np.float64) for s in (red, green, blue)])
    weight.setflags(write=False)
    return weight


_ZERO = np.zeros((3, 3))

COLOUR_FILTERS = MappingProxyType({
    "redness": _colour_filter(filters.BOX_BLUR, -0.5 * filters.BOX_BLUR, -0.5 * filters.BOX_BLUR),
    "greenness": _colour_filter(-0.5 * filters.BOX_BLUR, filters.BOX_BLUR, -0.5 * filters.BOX_BLUR),
    "red-green edge": _colour_filter(filters.SOBEL_X, -filters.SOBEL_X, _ZERO),
    "vertical edge": _colour_filter(*[filters.SOBEL_X / 3] * 3),
    "horizontal edge": _colour_filter(*[filters.SOBEL_Y / 3] * 3),
    "grey blur": _colour_filter(*[filters.BOX_BLUR / 3] * 3),
    "grey sharpen": _colour_filter(*[filters.SHARPEN / 3] * 3),
    "blue only": _colour_filter(_ZERO, _ZERO, filters.IDENTITY),
})
"""Name -> read-only 3x3x3 filter of shape ``(C_in, kh, kw) = (3, 3, 3)``, slices in the
order red, green, blue. Stack the first ``K`` with ``np.stack`` to get a layer's weight
``(K, 3, 3, 3)`` (see the module's examples)."""

FILTER_NOTES = MappingProxyType({
    "redness": "the red plane, blurred, minus half of the green and half of the blue: "
               "positive where the photo is more red than green and blue (the nose, the "
               "orange fur), about zero on grey and white.",
    "greenness": "the same idea for green: the eyes light up.",
    "red-green edge": "a Sobel edge on red and the opposite edge on green, nothing on blue: "
                      "it answers where the balance between red and green changes from left to "
                      "right, and ignores edges of plain brightness.",
    "vertical edge": "Sobel x on every plane, divided by 3: an edge detector on the "
                            "brightness, blind to colour.",
    "horizontal edge": "Sobel y on every plane, divided by 3: edges of brightness "
                              "that run left to right.",
    "grey blur": "27 weights of 1/27: the mean of the 3x3 window over all three colours, a "
                   "blurred grey photo.",
    "grey sharpen": "the sharpen kernel on every plane, divided by 3: a sharpened grey photo.",
    "blue only": "the identity on blue and zeros elsewhere: it copies the blue plane; "
                         "the red and green parts are exactly 0.",
})


def _check_rgb(rgb):
    rgb = as_array(rgb, "rgb", ndims=3)
    if rgb.shape[0] != 3:
        raise ValueError(f"rgb must have 3 channels first, shape (3, H, W); got shape {rgb.shape}")
    if min(rgb.shape[1:]) < 3:
        raise ValueError(f"rgb must be at least 3x3 pixels for a 3x3 filter; got shape {rgb.shape}")
    return rgb


# ------------------------------------------------------------------ one filter, three parts
@dataclass
class PartialSumsState:
    rgb: np.ndarray            # (3, H, W)
    name: str
    weight: np.ndarray         # (3, 3, 3): one 3x3 slice per input channel
    bias: float
    partials: np.ndarray       # (3, H', W'): slice c slid over plane c
    output: np.ndarray         # (H', W'): conv2d's output map, partials summed plus bias
    row: int
    col: int

    @property
    def at_pixel(self):
        """The three partial values at ``(row, col)``, in channel order."""
        return self.partials[:, self.row, self.col]


def partial_sums(rgb, *, name, bias=0.0, row=0, col=0):
    """One filter of :data:`COLOUR_FILTERS` on a colour image, channel by channel.

    ``partials[c] = correlate2d(rgb[c], weight[c])`` and
    ``output = conv2d(rgb, weight[None], [bias])[0]``, which equals
    ``partials.sum(axis=0) + bias``. ``(row, col)`` picks the output pixel whose sum
    the explorer spells out.

    Examples
    --------
    >>> rgb = np.zeros((3, 4, 5)); rgb[0] = 1.0          # a pure red image
    >>> s = partial_sums(rgb, name="redness", bias=0.25)
    >>> s.output.shape
    (2, 3)
    >>> [round(float(v), 6) for v in s.at_pixel], round(float(s.output[0, 0]), 6)
    ([1.0, 0.0, 0.0], 1.25)
    """
    rgb = _check_rgb(rgb)
    one_of(name, "name", tuple(COLOUR_FILTERS))
    bias = float(bias)
    row, col = nonnegative_int(row, "row"), nonnegative_int(col, "col")
    weight = COLOUR_FILTERS[name]
    partials = np.stack([correlate2d(rgb[c], weight[c]) for c in range(3)])
    output = conv2d(rgb, weight[None], np.array([bias]))[0]
    oh, ow = output.shape
    if row >= oh or col >= ow:
        raise ValueError(
            f"the output map is {oh}x{ow}, so the pixel must have row <= {oh - 1} and "
            f"column <= {ow - 1}; got row {row}, column {col}"
        )
    return PartialSumsState(rgb, name, weight, bias, partials, output, row, col)


# ------------------------------------------------------------------- drawing helpers
# Each explorer draws on ONE frameless axes holding ONE picture at exactly the screen's
# pixels. Photos and maps are painted into a picture in the photo's own pixels (the
# "layout"), scaled to the screen by repeating pixels, and the text, the weights and the
# colour bars are written on top with Pillow. A matplotlib text artist costs about a
# millisecond per draw and every image a resampling pass; one finished picture costs
# the same whatever it shows, which keeps a slider within the 100 ms budget.
# Markers and outlines stay matplotlib artists, placed in layout units.
TEXT_PX = 13               # text size in screen pixels (about 10 points at 80 dpi)
LINE_PX = 16               # one line of text
BLACK = (0, 0, 0)


@functools.lru_cache(maxsize=8)
def _mono(size):
    from matplotlib import font_manager

    return ImageFont.truetype(font_manager.findfont("DejaVu Sans Mono"), size)


class _Canvas:
    """A frameless axes showing ``width x height`` layout units (y pointing down), as
    large as fits in ``box`` (figure fraction) and a whole number of screen pixels."""

    def __init__(self, fig, width, height, box=(0.0, 0.0, 1.0, 1.0)):
        fw, fh = fig.bbox.width, fig.bbox.height
        bx, by, bw, bh = box
        scale = min(bw * fw / width, bh * fh / height)
        self.width, self.height = width, height
        self.pw, self.ph = int(width * scale), int(height * scale)
        left = round(bx * fw + (bw * fw - self.pw) / 2)
        bottom = round(by * fh + (bh * fh - self.ph) / 2)
        self.ax = fig.add_axes([left / fw, bottom / fh, self.pw / fw, self.ph / fh])
        self.ax.set_xlim(-0.5, width - 0.5)
        self.ax.set_ylim(height - 0.5, -0.5)
        self.ax.axis("off")
        # RGBA, because matplotlib would otherwise add the alpha channel on every draw.
        self.image = self.ax.imshow(np.full((self.ph, self.pw, 4), 255, np.uint8),
                                    extent=(-0.5, width - 0.5, height - 0.5, -0.5),
                                    interpolation="nearest", aspect="auto")

    def to_screen(self, layout):
        """Scale a ``(height, width, 3)`` uint8 layout picture to the screen (nearest
        neighbour), as a Pillow RGBA image to write on."""
        picture = PILImage.fromarray(layout).resize((self.pw, self.ph), PILImage.Resampling.NEAREST)
        return picture.convert("RGBA")

    def px(self, x, y):
        """Screen pixel of layout point ``(x, y)``."""
        return (x + 0.5) * self.pw / self.width, (y + 0.5) * self.ph / self.height

    def text(self, picture, x, y, text, *, anchor="md", size=TEXT_PX, mono=False):
        """Write ``text`` at layout point ``(x, y)``; ``anchor`` as in Pillow ("md": the
        middle of the first line's baseline sits on the point)."""
        face = _mono(size) if mono else font(size)
        draw = ImageDraw.Draw(picture)
        px, py = self.px(x, y)
        for i, line in enumerate(text.split("\n")):
            draw.text((px, py + i * LINE_PX), line, font=face, fill=BLACK, anchor=anchor)

    def paste(self, picture, rgb, x, y):
        """Paste an RGB array with its centre at layout point ``(x, y)``."""
        h, w = rgb.shape[:2]
        px, py = self.px(x, y)
        picture.paste(PILImage.fromarray(rgb), (round(px - w / 2), round(py - h / 2)))

    def show(self, picture):
        self.image.set_data(np.asarray(picture))


@functools.lru_cache(maxsize=64)
def _colour_bar(lo, hi, height, labels=None):
    """A vertical colour bar of the diverging map, ``height`` pixels tall, ticked at both
    ends and at zero, as a Pillow RGBA image (transparent around the labels)."""
    labels = labels or (f"{hi:.2g}", "0", f"{lo:.2g}")
    bar = PILImage.new("RGBA", (60, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(bar)
    ramp = colormaps[SIGNED](np.linspace(1, 0, height - 12), bytes=True)
    bar.paste(PILImage.fromarray(np.repeat(ramp[:, None], 10, axis=1)), (0, 6))
    draw.rectangle([0, 6, 9, height - 7], outline=(110, 110, 110, 255))
    for frac, label in zip((0.0, 0.5, 1.0), labels):
        y = 6 + frac * (height - 13)
        draw.line([10, y, 13, y], fill=(0, 0, 0, 255))
        draw.text((15, y), label, font=font(11), fill=(0, 0, 0, 255), anchor="lm")
    return bar


def _paste_bar(canvas, picture, lo, hi, x, y, h, labels=None):
    """Paste :func:`_colour_bar` beside a map whose top is at layout point ``(x, y)`` and
    that is ``h`` layout units tall."""
    px, py = canvas.px(x, y)
    _, bottom = canvas.px(x, y + h)
    bar = _colour_bar(float(lo), float(hi), round(bottom - py) + 12, labels)
    picture.paste(bar, (round(px), round(py) - 6), bar)


@functools.lru_cache(maxsize=1)
def _diverging_lut():
    return colormaps[SIGNED](np.linspace(0, 1, 256), bytes=True)[:, :3]


def _signed_rgb(values, lo, hi):
    """Colour ``values`` on the diverging map from ``lo`` to ``hi`` (uint8 RGB)."""
    scaled = (np.asarray(values, dtype=float) - lo) * (255 / ((hi - lo) or 1.0))
    return _diverging_lut()[np.clip(np.rint(scaled), 0, 255).astype(np.intp)]


def _weight_picture(values, lo, hi, cell):
    # + 0.0 turns -0.0 (from negating a zero weight) into 0.0, so no "-0.00" is printed.
    return matrix_rgb(np.asarray(values) + 0.0, cmap=SIGNED, vmin=lo, vmax=hi,
                      fmt="{:.2f}", cell=cell)


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


def _planes_picture(rgb, L):
    """The white layout picture with the three colour planes in grey and the photo."""
    picture = np.full((L.height, L.width, 3), 255, np.uint8)
    pixels = np.rint(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    rows = slice(L.y_planes, L.y_planes + L.H)
    for c in range(3):
        picture[rows, L.x(c):L.x(c) + L.W] = pixels[c][..., None]
    picture[rows, L.x(3):L.x(3) + L.W] = np.moveaxis(pixels, 0, -1)
    return picture


def plot_partial_sums(state, fig=None, artists=None):
    """Top: the three colour planes and the photo. Middle: the filter's three slices and
    its bias, with numbers. Bottom: each slice's partial map, and their sum plus the bias.

    The partial maps and the output share one diverging scale, centred on zero, so a
    colour means the same number in all four. Each map is drawn one pixel in from the
    planes above it: output pixel ``(i, j)`` belongs to the window centred on input
    pixel ``(i + 1, j + 1)``.
    """
    _, H, W = state.rgb.shape
    L = _PartialSumsLayout(H, W)
    oh, ow = state.output.shape
    if artists is None:
        fig = fig or new_figure(10, 4.5)
        canvas = _Canvas(fig, L.width, L.height)
        from matplotlib import patheffects

        halo = [patheffects.withStroke(linewidth=4, foreground="white")]
        windows = [Rectangle((0, 0), 3, 3, fill=False, ec=MARK, lw=1.6, path_effects=halo)
                   for _ in range(4)]
        for window in windows:
            canvas.ax.add_patch(window)
        marker, = canvas.ax.plot([], [], ls="none", marker="o", ms=10, mfc="none", mec="black",
                                 mew=1.5)
        artists = dict(canvas=canvas, windows=windows, marker=marker,
                       planes=_planes_picture(state.rgb, L))
    canvas = artists["canvas"]

    # The partial maps and their sum, each one pixel in from the plane above it.
    layout = artists["planes"].copy()
    lo, hi = symmetric_limits(np.concatenate([state.partials.ravel(), state.output.ravel()]))
    for c, part in enumerate([*state.partials, state.output]):
        layout[L.y_maps + 1:L.y_maps + 1 + oh, L.x(c) + 1:L.x(c) + 1 + ow] = _signed_rgb(part, lo, hi)
    picture = canvas.to_screen(layout)
    _paste_bar(canvas, picture, lo, hi, 4 * W + 3 * L.gap + 0.06 * W, L.y_maps + 1, oh)

    # The filter: its three slices and the bias, on one scale.
    lo, hi = symmetric_limits(np.append(state.weight, state.bias))
    cell = round(L.kernel * canvas.pw / canvas.width / 3)
    y = L.y_kernels + L.kernel / 2
    for c in range(3):
        canvas.paste(picture, _weight_picture(state.weight[c], lo, hi, cell), L.x(c) + W / 2, y)
    canvas.paste(picture, _weight_picture([[state.bias]], lo, hi, cell), L.x(3) + W / 2, y)
    _paste_bar(canvas, picture, lo, hi, L.x(3) + 0.75 * W, L.y_kernels, L.kernel)

    values = [*state.at_pixel, state.output[state.row, state.col]]
    for c in range(4):
        middle = L.x(c) + W / 2
        if c < 3:
            colour = CHANNELS[c]
            tops = (f"x[{c}]: {colour} plane", f"weights on {colour}: w[{c}]",
                    f"{colour} part: {values[c]:+.3f}")
        else:
            tops = (f"x: shape {state.rgb.shape}", "bias b", f"sum + bias: {values[c]:+.3f}")
        for top, y in zip(tops, (L.y_planes, L.y_kernels, L.y_maps)):
            canvas.text(picture, middle, y - 3, top)
    for c, sign in enumerate("++="):
        canvas.text(picture, L.x(c) + W + L.gap / 2, L.y_maps + H / 2, sign, size=24,
                    anchor="mm")
    canvas.show(picture)

    # Output pixel (row, col) sits at (col + 1, row + 1) of its panel: the centre of the
    # 3x3 input window whose top-left pixel is (row, col).
    artists["marker"].set_data([L.x(c) + state.col + 1 for c in range(4)],
                               [L.y_maps + state.row + 1] * 4)
    for c, window in enumerate(artists["windows"]):
        window.set_xy((L.x(c) + state.col - 0.5, L.y_planes + state.row - 0.5))
    return fig, artists


def partial_sums_explorer(rgb, *, name="redness", bias=0.0, row=None, col=None):
    """A dropdown of colour filters, a bias slider and a pixel to spell out.

    Parameters
    ----------
    rgb : ndarray, shape (3, H, W)
        A colour image in [0, 1], channels first; about 100 x 150 pixels keeps the
        sliders smooth (``load_sample(size=(96, 144))``).
    """
    import ipywidgets as widgets

    rgb = _check_rgb(rgb)
    oh, ow = rgb.shape[1] - 2, rgb.shape[2] - 2
    row = min(oh - 1, round(0.79 * oh)) if row is None else row   # the sample cat's nose
    col = min(ow - 1, round(0.58 * ow)) if col is None else col
    controls = dict(
        name=widgets.Dropdown(options=list(COLOUR_FILTERS), value=name, description="filter"),
        bias=widgets.FloatSlider(bias, min=-1.0, max=1.0, step=0.05, description="bias b"),
        row=widgets.IntSlider(row, 0, oh - 1, description="row"),
        col=widgets.IntSlider(col, 0, ow - 1, description="column"),
    )

    def caption(state):
        r, g, b = state.at_pixel
        return (f"<b>{state.name}</b>: {FILTER_NOTES[state.name]}<br>At the circled pixel "
                f"(row {state.row}, column {state.col}): red {r:+.3f} + green {g:+.3f} + blue "
                f"{b:+.3f} + bias {state.bias:+.2f} = <b>{state.output[state.row, state.col]:+.3f}"
                f"</b>. Its 3x3 window is outlined in orange on every plane.")

    return Explorer(
        lambda name, bias, row, col: partial_sums(rgb, name=name, bias=bias, row=row, col=col),
        plot_partial_sums, controls, new_figure(10, 4.5), caption=caption, columns=2,
    )


# ------------------------------------------------------------ K filters, one output volume
@dataclass
class FilterStackState:
    rgb: np.ndarray            # (3, H, W)
    names: list                # the K filters' names
    weight: np.ndarray         # (K, 3, 3, 3)
    bias: np.ndarray           # (K,)
    output: np.ndarray         # (K, H', W')

    @property
    def params(self):
        """Learnable numbers of the layer: weights plus biases."""
        return conv2d_params(3, len(self.names), 3)


def filter_stack(rgb, *, filters=4):
    """The first ``filters`` filters of :data:`COLOUR_FILTERS` as one convolution layer.

    Examples
    --------
    >>> s = filter_stack(np.ones((3, 6, 6)), filters=2)
    >>> s.weight.shape, s.bias.shape, s.output.shape
    ((2, 3, 3, 3), (2,), (2, 4, 4))
    """
    rgb = _check_rgb(rgb)
    k = positive_int(filters, "filters")
    if k > len(COLOUR_FILTERS):
        raise ValueError(f"there are {len(COLOUR_FILTERS)} filters to choose from; "
                         f"got filters={k}")
    names = list(COLOUR_FILTERS)[:k]
    weight = np.stack([COLOUR_FILTERS[n] for n in names])
    bias = np.zeros(k)
    return FilterStackState(rgb, names, weight, bias, conv2d(rgb, weight, bias))


def plot_filter_stack(state, fig=None, artists=None):
    """Left: the input and the shapes of weight, bias and output. Right: one slot per
    filter of the bank; the first ``K`` show their output maps, each on its own
    diverging scale (white is 0, the title gives the largest magnitude)."""
    _, H, W = state.rgb.shape
    _, oh, ow = state.output.shape
    gap, band, margin = round(0.2 * ow), round(0.42 * oh), round(0.03 * W)
    x_maps = margin + W + round(0.25 * W)
    width, height = x_maps + 4 * ow + 3 * gap + round(0.5 * ow), band + 2 * (band + oh)

    def slot(k):
        """Top-left corner of map ``k``."""
        return x_maps + (k % 4) * (ow + gap), 2 * band + (k // 4) * (band + oh)

    if artists is None:
        fig = fig or new_figure(10, 3.6)
        canvas = _Canvas(fig, width, height)
        photo = np.full((height, width, 3), 255, np.uint8)
        pixels = np.rint(np.clip(state.rgb, 0, 1) * 255).astype(np.uint8)
        photo[2 * band:2 * band + H, margin:margin + W] = np.moveaxis(pixels, 0, -1)
        artists = dict(canvas=canvas, photo=photo)
    canvas = artists["canvas"]

    K = len(state.names)
    layout = artists["photo"].copy()
    limits = [symmetric_limits(state.output[k])[1] for k in range(K)]
    for k in range(K):
        x, y = slot(k)
        layout[y:y + oh, x:x + ow] = _signed_rgb(state.output[k], -limits[k], limits[k])
    picture = canvas.to_screen(layout)
    title_height = LINE_PX * canvas.height / canvas.ph       # one line, in layout units
    for k in range(K):
        x, y = slot(k)
        canvas.text(picture, x + ow / 2, y - 3 - title_height,
                    f"out[{k}]: {state.names[k]}\nmax |value| {limits[k]:.2f}", size=11)
    x, y = slot(3)
    _paste_bar(canvas, picture, -1, 1, x + ow + 0.06 * ow, y, oh, labels=("+max", "0", "-max"))
    canvas.text(picture, margin + W / 2, 2 * band - 3, f"input x {state.rgb.shape}")
    plural = "s" if K > 1 else ""
    canvas.text(picture, (x_maps + width) / 2, band / 2,
                f"{K} filter{plural} \u2192 {K} map{plural} \u2192 one output volume "
                f"({K}, {oh}, {ow})", size=15, anchor="mm")
    canvas.text(picture, margin, 2 * band + H + 0.15 * H,
                f"weight ({K}, 3, 3, 3)\nbias   ({K},)\noutput ({K}, {oh}, {ow})\n\n"
                f"parameters\n{K} x (27 + 1) = {state.params}", mono=True, size=12, anchor="la")
    canvas.show(picture)
    return fig, artists


def filter_stack_explorer(rgb, *, filters=4):
    """A slider for the number of 3x3x3 filters; their maps stack into the output volume."""
    import ipywidgets as widgets

    rgb = _check_rgb(rgb)
    controls = dict(filters=widgets.IntSlider(filters, 1, len(COLOUR_FILTERS),
                                              description="filters K"))

    def caption(state):
        K = len(state.names)
        _, oh, ow = state.output.shape
        each = "The filter spans" if K == 1 else f"Each of the {K} filters spans"
        return (f"{each} all 3 input channels and gives one "
                f"{oh}x{ow} map; stacked, the maps are an output volume of shape "
                f"<b>({K}, {oh}, {ow})</b>, a {K}-channel image for the next layer. "
                f"The layer learns {K} x 27 weights + {K} biases = <b>{state.params}</b> "
                "numbers, whatever the size of the photo.")

    # The slider only ever asks for 8 states: remember them.
    compute = functools.lru_cache(maxsize=None)(lambda filters: filter_stack(rgb, filters=filters))
    return Explorer(compute, plot_filter_stack, controls, new_figure(10, 3.6), caption=caption)


def _sample():
    from ..images import load_sample

    return load_sample(size=(96, 144))


__all__ = [
    "COLOUR_FILTERS", "FILTER_NOTES", "FilterStackState", "PartialSumsState", "filter_stack",
    "filter_stack_explorer", "partial_sums", "partial_sums_explorer", "plot_filter_stack",
    "plot_partial_sums",
]

BENCHMARK = [
    ("05", "partial sums of one filter", lambda: partial_sums_explorer(_sample())),
    ("05", "filters stacking into a volume", lambda: filter_stack_explorer(_sample())),
]
