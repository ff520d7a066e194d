"""Notebook 02: convolution one step at a time.

Two explorers:

* :func:`convolution_stepper` slides a small kernel over a small input; a slider
  (or its Play button) picks the step, and the figure shows the window on the
  input, the kernel, the element-wise products, their sum written out, and the
  output filling in cell by cell. A toggle rotates the kernel by 180 degrees,
  turning cross-correlation (what deep learning calls convolution) into true
  convolution.
* :func:`flip_explorer` puts the two operations side by side for a named kernel,
  so that one sees when the flip matters (edge and shift kernels) and when it does
  not (symmetric kernels).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Rectangle
from PIL import Image as PILImage
from PIL import ImageDraw

from .._validate import as_array, positive_int
from ..convolution import convolve2d, correlate2d
from ..filters import BOX_BLUR, KERNELS, VERTICAL_EDGE
from ..images import step_edge
from ._base import (
    DIVERGING, GREY, Explorer, font, bare, matrix_rgb, new_figure, symmetric_limits,
)

#: outline of the window and of the output cell being computed (colour-blind safe orange)
HIGHLIGHT = "#e66100"
#: colour of output cells not computed yet
PENDING = 222


def _read_only(values, dtype=np.float64):
    arr = np.array(values, dtype=dtype)
    arr.setflags(write=False)
    return arr


#: The worked example: ``correlate2d(WORKED_INPUT, WORKED_KERNEL)`` is ``[[19, 25], [37, 43]]``.
WORKED_INPUT = _read_only(np.arange(9).reshape(3, 3), int)
WORKED_KERNEL = _read_only([[0, 1], [2, 3]], int)

FIVE_BY_FIVE = _read_only([
    [1, 2, 0, 7, 8],
    [0, 1, 3, 8, 9],
    [2, 0, 1, 9, 7],
    [1, 3, 2, 8, 8],
    [0, 2, 1, 7, 9],
], int)
"""A small 5x5 input: darker on the left, brighter on the right, with a little texture."""

EXAMPLES = MappingProxyType({
    "worked example: 3x3 input, 2x2 kernel": (WORKED_INPUT, WORKED_KERNEL),
    "5x5 input, vertical edge kernel": (FIVE_BY_FIVE, VERTICAL_EDGE),
    "5x5 input, box blur kernel": (FIVE_BY_FIVE, BOX_BLUR),
    "6x6 step edge, vertical edge kernel": (
        _read_only(step_edge((6, 6), low=0.0, high=1.0)), VERTICAL_EDGE),
})
"""Name -> (input, kernel): the choices of :func:`convolution_stepper`'s dropdown."""

OPERATIONS = (("cross-correlation", False), ("convolution (flip kernel)", True))


# ----------------------------------------------------------------------- small helpers
def _num(value):
    """A number as the figure prints it: 19, -3, 0.111."""
    text = f"{value:.3g}"
    return "0" if text == "-0" else text


def written_sum(window, kernel):
    """The dot product of a window and a kernel, written out term by term.

    Negative factors get brackets so the signs stay readable.

    Examples
    --------
    >>> written_sum(np.array([[0, 1], [3, 4]]), np.array([[0, 1], [2, 3]]))
    '0×0 + 1×1 + 3×2 + 4×3 = 19'
    >>> written_sum(np.array([[2, 5]]), np.array([[1, -1]]))
    '2×1 + 5×(-1) = -3'
    """
    def factor(v):
        text = _num(v)
        return f"({text})" if text.startswith("-") else text

    window = np.asarray(window, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    terms = " + ".join(f"{factor(a)}×{factor(b)}" for a, b in zip(window.flat, kernel.flat))
    return f"{terms} = {_num(float(np.sum(window * kernel)))}"


# ------------------------------------------------------------------- drawing helpers
# Every panel (title, annotated matrix, colour bar) is ONE picture made with Pillow:
# matplotlib lays out each text artist on every draw (about a millisecond per short
# label), while pasting a finished picture costs the same whatever it shows.
TEXT_PX = 13               # text size in pixels (about 10 points at 80 dpi)
LINE_PX = 19               # height of one line of a title above a matrix
BAR_PX = 32                # height of the colour bar strip below a matrix
BORDER = 150               # grey level of the lines between cells


@functools.lru_cache(maxsize=256)
def _text_width(text, size=TEXT_PX):
    return int(np.ceil(font(size).getlength(text)))


def _matrix_picture(values, cell, *, cmap, vmin, vmax, mask=None):
    """:func:`matrix_rgb` with thin cell borders, and pending cells (mask False) in grey."""
    values = np.asarray(values, dtype=float) + 0.0  # adding 0.0 turns -0.0 (printed "-0") into 0.0
    img = matrix_rgb(values, cmap=cmap, vmin=vmin, vmax=vmax, fmt="{:.3g}", cell=cell,
                     mask=mask).copy()
    if mask is not None:
        img[np.repeat(np.repeat(~mask, cell, axis=0), cell, axis=1)] = PENDING
    img[::cell, :] = BORDER
    img[:, ::cell] = BORDER
    img[-1, :] = BORDER
    img[:, -1] = BORDER
    return img


@functools.lru_cache(maxsize=32)
def _bar_picture(lo, hi, width):
    """A horizontal colour bar from ``lo`` to ``hi`` with three labels, ``BAR_PX`` high."""
    labels = ((0.0, _num(lo)), (0.5, "0"), (1.0, _num(hi)))
    margin = max(_text_width(text, 11) for _, text in labels) // 2 + 2
    img = PILImage.new("RGB", (width, BAR_PX), "white")
    draw = ImageDraw.Draw(img)
    ramp = colormaps[DIVERGING](np.linspace(0, 1, width - 2 * margin), bytes=True)[:, :3]
    img.paste(PILImage.fromarray(np.repeat(ramp[None], 9, axis=0)), (margin, 6))
    draw.rectangle([margin, 6, width - margin - 1, 14], outline=(120, 120, 120))
    for frac, text in labels:
        x = margin + frac * (width - 2 * margin - 1)
        draw.line([x, 15, x, 17], fill=(0, 0, 0))
        draw.text((x, 18), text, fill=(0, 0, 0), font=font(11), anchor="mt")
    return np.asarray(img)


@functools.lru_cache(maxsize=32)
def _vertical_bar_picture(lo, hi, size):
    """A vertical colour bar, ``size = (width, height)`` pixels, labelled at both ends and 0."""
    width, height = size
    img = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    ramp = colormaps[DIVERGING](np.linspace(1, 0, height - 12), bytes=True)[:, :3]
    img.paste(PILImage.fromarray(np.repeat(ramp[:, None], 11, axis=1)), (0, 6))
    draw.rectangle([0, 6, 10, height - 7], outline=(120, 120, 120))
    for frac, text in ((0.0, _num(lo)), (0.5, "0"), (1.0, _num(hi))):
        y = 6 + (1 - frac) * (height - 13)
        draw.line([11, y, 13, y], fill=(0, 0, 0))
        draw.text((15, y), text, fill=(0, 0, 0), font=font(11), anchor="lm")
    return np.asarray(img)


def _wrap(text, width, *, sep=" + ", indent="    "):
    """Break ``text`` at ``sep`` into lines at most ``width`` pixels wide."""
    parts = text.split(sep)
    lines, line = [], parts[0]
    for part in parts[1:]:
        longer = line + sep + part
        if _text_width(longer) <= width:
            line = longer
        else:
            lines.append(line + sep.rstrip())
            line = indent + part
    return lines + [line]


@functools.lru_cache(maxsize=64)
def _text_picture(lines, size, *, align="left"):
    """Lines of text on white, ``size = (width, height)`` pixels, vertically centred."""
    width, height = size
    img = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    step = LINE_PX
    y = height / 2 - step * (len(lines) - 1) / 2
    x, anchor = (2, "lm") if align == "left" else (width / 2, "mm")
    for line in lines:
        draw.text((x, y), line, fill=(0, 0, 0), font=font(TEXT_PX), anchor=anchor)
        y += step
    return np.asarray(img)


class _Panel:
    """A fixed box on the figure showing a title, a matrix and optionally a colour bar.

    All three are one picture. The axes' data coordinates put matrix cell
    ``(i, j)`` at ``x = j, y = i`` (so a :class:`Rectangle` can outline cells),
    with ``cell`` screen pixels per cell: panels drawn with the same ``cell`` show
    a kernel exactly as large as the window it covers on the input.
    """

    def __init__(self, fig, rect, *, bar=False, title_lines=2):
        self.title_px = LINE_PX * title_lines + 2
        self.ax = fig.add_axes(rect)
        bare(self.ax).set_axis_off()  # no ticks, no frame: the picture is everything
        fig_w, fig_h = fig.get_size_inches() * fig.dpi
        self.width_px, self.height_px = rect[2] * fig_w, rect[3] * fig_h
        self.bar = bar
        self.image = self.ax.imshow(np.full((2, 2, 4), 255, np.uint8), interpolation="none")
        self.ax.set_autoscale_on(False)  # the limits are set by hand, only when they change
        self.key = self.limits = None
        self.box = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=3, visible=False)
        self.ax.add_patch(self.box)

    def fits(self, shape):
        """The largest cell size (pixels) at which a matrix of ``shape`` fits this box."""
        free = self.height_px - self.title_px - (BAR_PX if self.bar else 0) - 2
        return min(free / shape[0], (self.width_px - 2) / shape[1])

    def show(self, values, cell, *, title, cmap, vmin, vmax, mask=None, bar_limits=None):
        """Draw ``values`` under ``title`` (a string, or a tuple of two lines)."""
        h, w = values.shape
        lines = (title,) if isinstance(title, str) else tuple(title)
        key = (values.tobytes(), values.shape, cell, cmap, float(vmin), float(vmax),
               None if mask is None else mask.tobytes())
        if (key, lines, bar_limits) == self.key:  # nothing changed (the kernel, between steps)
            return
        if self.key is None or key != self.key[0]:  # the numbers changed: redraw them
            self.matrix = _matrix_picture(values, cell, cmap=cmap, vmin=vmin, vmax=vmax,
                                          mask=mask)
        self.key = (key, lines, bar_limits)
        widest = max(_text_width(line) for line in lines) + 4
        width = max(w * cell, min(widest, int(self.width_px)), 120 if self.bar else 0)
        height = self.title_px + h * cell + (BAR_PX if self.bar else 0)
        # RGBA, because matplotlib draws an opaque RGBA picture about twice as fast as RGB.
        picture = np.full((height, width, 4), 255, np.uint8)
        left = (width - w * cell) // 2
        picture[self.title_px:self.title_px + h * cell, left:left + w * cell, :3] = self.matrix
        picture[:self.title_px, :, :3] = _text_picture(lines, (width, self.title_px),
                                                       align="center")
        if self.bar:
            picture[self.title_px + h * cell:, :, :3] = _bar_picture(*bar_limits, width)
        x0, y0 = -0.5 - left / cell, -0.5 - self.title_px / cell
        self.image.set_data(picture)
        self.image.set_extent((x0, x0 + width / cell, y0 + height / cell, y0))
        # The picture hangs from the top of the box, centred left to right.
        half_w = self.width_px / cell / 2
        limits = ((x0 + width / cell / 2 - half_w, x0 + width / cell / 2 + half_w),
                  (y0 + self.height_px / cell, y0))
        if limits != self.limits:  # setting limits is slow: only when the layout changes
            self.ax.set_xlim(*limits[0])
            self.ax.set_ylim(*limits[1])
            self.limits = limits

    def outline(self, row, col, h, w):
        self.box.set_bounds(col - 0.5, row - 0.5, w, h)
        self.box.set_visible(True)


class _Picture:
    """A fixed box that shows a picture pixel for pixel (text lines, a colour bar)."""

    def __init__(self, fig, rect):
        self.ax = fig.add_axes(rect)
        bare(self.ax).set_axis_off()  # no ticks, no frame: the picture is everything
        fig_w, fig_h = fig.get_size_inches() * fig.dpi
        self.size = (max(1, round(rect[2] * fig_w)), max(1, round(rect[3] * fig_h)))
        self.image = self.ax.imshow(np.full((2, 2, 4), 255, np.uint8), interpolation="none",
                                    aspect="auto")
        self.key = None

    def show(self, key, draw):
        """Show ``draw(size)`` unless ``key`` equals what is shown already."""
        if key != self.key:
            rgb = draw(self.size)
            # RGBA, because matplotlib draws an opaque RGBA picture about twice as fast as RGB.
            self.image.set_data(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]))
            self.key = key


# ------------------------------------------------------------------------ the stepper
@dataclass
class StepState:
    image: np.ndarray          # (H, W) the input
    kernel: np.ndarray         # (kh, kw) the kernel as given
    flip: bool                 # True: true convolution (kernel rotated 180 degrees)
    step: int                  # 1 .. n_steps, in reading order
    row: int                   # output row being computed (0-based)
    col: int                   # output column being computed (0-based)
    used_kernel: np.ndarray    # the kernel that slides: ``kernel`` or rotated 180 degrees
    window: np.ndarray         # (kh, kw) the input under the kernel
    products: np.ndarray       # window * used_kernel, element by element
    total: float               # the sum of the products: output[row, col]
    output: np.ndarray         # (oh, ow) the whole result, from cnnviz
    done: np.ndarray           # (oh, ow) bool: cells computed by steps 1 .. step

    @property
    def n_steps(self):
        return self.output.size

    @property
    def sum_text(self):
        """The sum of this step, written out: ``'0×0 + 1×1 + 3×2 + 4×3 = 19'``."""
        return written_sum(self.window, self.used_kernel)


def convolution_step(image, kernel, *, step, flip=False):
    """One step of sliding ``kernel`` over ``image``: the window, the products, their sum.

    Step ``k`` (counted from 1, in reading order: along the first row, then the
    next) computes output cell ``(row, col) = divmod(k - 1, ow)``::

        output[row, col] = sum_{u, v} image[row + u, col + v] * kernel[u, v]

    With ``flip=True`` the kernel is rotated by 180 degrees first, which is true
    convolution (:func:`cnnviz.convolve2d`) instead of cross-correlation
    (:func:`cnnviz.correlate2d`, what deep learning calls convolution).

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
        At most as large as ``image`` in each direction (no padding here).
    step : int
        From 1 to ``(H - kh + 1) * (W - kw + 1)``, the number of output cells.
    flip : bool

    Returns
    -------
    StepState

    Raises
    ------
    ValueError
        In plain words, when the kernel does not fit the image or the step does not exist.

    Examples
    --------
    >>> x = np.arange(9).reshape(3, 3)
    >>> s = convolution_step(x, [[0, 1], [2, 3]], step=1)
    >>> s.sum_text
    '0×0 + 1×1 + 3×2 + 4×3 = 19'
    >>> convolution_step(x, [[0, 1], [2, 3]], step=4).total
    43.0
    >>> convolution_step(x, [[0, 1], [2, 3]], step=1, flip=True).sum_text
    '0×3 + 1×2 + 3×1 + 4×0 = 5'
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    step = positive_int(step, "step")
    (H, W), (kh, kw) = image.shape, kernel.shape
    if kh > H or kw > W:
        raise ValueError(
            f"A {kh}x{kw} kernel does not fit inside a {H}x{W} input, so there is no "
            f"position to put it. Without padding the kernel can be at most {H}x{W}."
        )
    used = kernel[::-1, ::-1] if flip else kernel
    output = convolve2d(image, kernel) if flip else correlate2d(image, kernel)
    oh, ow = output.shape
    if step > oh * ow:
        raise ValueError(
            f"There is no step {step}: a {kh}x{kw} kernel fits a {H}x{W} input in "
            f"{oh}x{ow} = {oh * ow} positions, so the steps go from 1 to {oh * ow}."
        )
    row, col = divmod(step - 1, ow)
    window = image[row:row + kh, col:col + kw]
    products = window * used + 0.0  # adding 0.0 turns 0 x (-1) = -0.0 into 0.0, printed "0"
    done = (np.arange(oh * ow) < step).reshape(oh, ow)
    return StepState(image, kernel, bool(flip), step, row, col, used, window, products,
                     float(products.sum()), output, done)


def plot_convolution_step(state, fig=None, artists=None):
    """Input with the window | kernel | products | output so far; the sum written out below."""
    if artists is None:
        fig = fig or new_figure(9.6, 4.5)
        artists = dict(
            image=_Panel(fig, [0.01, 0.17, 0.30, 0.80]),
            kernel=_Panel(fig, [0.335, 0.17, 0.20, 0.80], bar=True),
            products=_Panel(fig, [0.56, 0.17, 0.20, 0.80], bar=True),
            output=_Panel(fig, [0.785, 0.17, 0.205, 0.80], bar=True),
            text=_Picture(fig, [0.01, 0.01, 0.98, 0.15]),
        )
    panels = [artists[k] for k in ("image", "kernel", "products", "output")]
    shapes = [state.image.shape, state.used_kernel.shape, state.products.shape,
              state.output.shape]
    cell = max(8, min(48, int(min(p.fits(s) for p, s in zip(panels, shapes)))))
    kh, kw = state.used_kernel.shape
    (H, W), (oh, ow) = state.image.shape, state.output.shape
    k_lim = symmetric_limits(state.kernel)
    p_lim = symmetric_limits(np.abs(state.image).max() * np.abs(state.kernel).max())
    o_lim = symmetric_limits(state.output)

    def span(first, size, name):
        return f"{name} {first}" if size == 1 else f"{name}s {first}-{first + size - 1}"

    window = f"window: {span(state.row, kh, 'row')}, {span(state.col, kw, 'column')}"
    artists["image"].show(state.image, cell, title=(f"input ({H}x{W})", window), cmap=GREY,
                          vmin=state.image.min(), vmax=state.image.max())
    artists["image"].outline(state.row, state.col, kh, kw)
    artists["kernel"].show(state.used_kernel, cell, cmap=DIVERGING, vmin=k_lim[0],
                           vmax=k_lim[1], bar_limits=k_lim,
                           title=("kernel", "rotated 180°" if state.flip else "as given"))
    artists["products"].show(state.products, cell, cmap=DIVERGING, vmin=p_lim[0],
                             vmax=p_lim[1], bar_limits=p_lim,
                             title=("window × kernel", f"sum = {_num(state.total)}"))
    artists["output"].show(state.output, cell, cmap=DIVERGING, vmin=o_lim[0], vmax=o_lim[1],
                           mask=state.done, bar_limits=o_lim,
                           title=(f"output ({oh}x{ow})", f"step {state.step} of {state.n_steps}"))
    artists["output"].outline(state.row, state.col, 1, 1)
    line = f"output[{state.row}, {state.col}] = {state.sum_text}"
    artists["text"].show(line, lambda size: _text_picture(tuple(_wrap(line, size[0] - 8)), size))
    return fig, artists


def convolution_stepper(examples=None, *, example=None, flip=False, interval=900):
    """Step a kernel over an input: a dropdown of examples, a flip toggle, a step slider and Play.

    Parameters
    ----------
    examples : dict, optional
        Name -> ``(image, kernel)``; :data:`EXAMPLES` by default. Keep them small
        (up to about 8x8), so every number fits in its cell.
    example : str, optional
        The example shown first (the first one by default).
    flip : bool
        Start with true convolution instead of cross-correlation.
    interval : int
        Milliseconds between steps when Play runs.

    The returned :class:`Explorer` has an extra attribute ``play``, the
    ``ipywidgets.Play`` that drives the step slider.
    """
    import ipywidgets as widgets

    examples = dict(EXAMPLES if examples is None else examples)
    if not examples:
        raise ValueError("examples must name at least one (image, kernel) pair")
    names = list(examples)
    example = names[0] if example is None else example
    if example not in examples:
        raise ValueError(f"example must be one of {names}; got {example!r}")

    def n_steps(name):
        (H, W), (kh, kw) = (np.shape(a) for a in examples[name])
        return max(1, max(0, H - kh + 1) * max(0, W - kw + 1))

    controls = dict(
        example=widgets.Dropdown(options=names, value=example, description="example",
                                 layout=widgets.Layout(width="360px")),
        flip=widgets.ToggleButtons(options=OPERATIONS, value=bool(flip), description="operation",
                                   style=dict(button_width="190px")),
        step=widgets.IntSlider(1, 1, n_steps(example), description="step",
                               continuous_update=True),
    )
    play = widgets.Play(value=1, min=1, max=n_steps(example), interval=interval,
                        description="play the steps")
    widgets.link((play, "value"), (controls["step"], "value"))

    def keep_inside(change):
        # Each example has its own number of steps; slider and Play stop at the last one.
        if change["new"] not in examples:  # nothing selected: the figure says so
            return
        last = n_steps(change["new"])
        for widget in (controls["step"], play):
            widget.max = last

    controls["example"].observe(keep_inside, names="value")

    def caption(state):
        oh, ow = state.output.shape
        if state.flip:
            how = ("<b>True convolution</b>: the kernel is rotated by 180° before it slides "
                   "(<code>cnnviz.convolve2d</code>).")
        else:
            how = ("<b>Cross-correlation</b>: the kernel slides as it is "
                   "(<code>cnnviz.correlate2d</code>); deep learning calls this convolution.")
        return (f"{how} Step {state.step} of {state.n_steps}: the window's top-left corner is at "
                f"row {state.row}, column {state.col} of the input, and the sum of the "
                f"{state.products.size} products fills output[{state.row}, {state.col}]. "
                f"The output has {oh}x{ow} cells because the kernel fits in {oh} rows "
                f"and {ow} columns of positions.")

    def compute(example, flip, step):
        image, kernel = examples[example]
        return convolution_step(image, kernel, step=step, flip=flip)

    explorer = Explorer(compute, plot_convolution_step, controls, new_figure(9.6, 4.5),
                        caption=caption, columns=2)
    # The Play button sits next to the slider it drives.
    rows = list(explorer.widget.children)
    rows[1] = widgets.HBox([play, controls["step"]])
    explorer.widget.children = tuple(rows)
    explorer.play = play
    return explorer


# ---------------------------------------------------------------- flip side by side
@dataclass
class FlipState:
    image: np.ndarray          # (H, W)
    name: str
    kernel: np.ndarray         # (kh, kw)
    flipped: np.ndarray        # kernel rotated 180 degrees
    correlated: np.ndarray     # correlate2d(image, kernel)
    convolved: np.ndarray      # convolve2d(image, kernel)
    relation: str              # "same", "negated" or "different"

    @property
    def verdict(self):
        """One sentence on how the two outputs relate, and why."""
        return {
            "same": "The kernel looks the same after a 180° turn, so both operations "
                    "give the same output.",
            "negated": "A 180° turn gives minus the kernel, so convolution gives the "
                       "correlation's output with every sign swapped.",
            "different": "A 180° turn gives a different kernel, so the two outputs differ "
                         "(a shift goes the other way, an emboss is lit from the other side).",
        }[self.relation]


def flip_comparison(image, kernel, *, name="kernel"):
    """Cross-correlation and true convolution of ``image`` with ``kernel``, and how they relate.

    ``relation`` is "same" when the kernel equals its 180-degree rotation,
    "negated" when the rotation is minus the kernel, "different" otherwise.

    Examples
    --------
    >>> from cnnviz.filters import BOX_BLUR, VERTICAL_EDGE, SHIFT
    >>> img = np.arange(16).reshape(4, 4)
    >>> [flip_comparison(img, k).relation for k in (BOX_BLUR, VERTICAL_EDGE, SHIFT)]
    ['same', 'negated', 'different']
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    (H, W), (kh, kw) = image.shape, kernel.shape
    if kh > H or kw > W:
        raise ValueError(
            f"The {name} kernel is {kh}x{kw}, larger than the {H}x{W} input, so it fits "
            "nowhere. Try a larger input or a smaller kernel."
        )
    flipped = kernel[::-1, ::-1]
    if np.allclose(flipped, kernel):
        relation = "same"
    elif np.allclose(flipped, -kernel):
        relation = "negated"
    else:
        relation = "different"
    return FlipState(image, name, kernel, flipped, correlate2d(image, kernel),
                     convolve2d(image, kernel), relation)


def plot_flip_comparison(state, fig=None, artists=None):
    """Input on the left; the kernel and the correlation above, the rotated kernel and the
    convolution below; one colour bar for both kernels, one for both outputs; a sentence on
    top says how the two outputs relate."""
    if artists is None:
        fig = fig or new_figure(9.6, 4.5)
        artists = dict(
            image=_Panel(fig, [0.01, 0.02, 0.30, 0.85], title_lines=1),
            kernel=_Panel(fig, [0.34, 0.45, 0.19, 0.42], title_lines=1),
            flipped=_Panel(fig, [0.34, 0.02, 0.19, 0.42], title_lines=1),
            correlated=_Panel(fig, [0.59, 0.45, 0.27, 0.42], title_lines=1),
            convolved=_Panel(fig, [0.59, 0.02, 0.27, 0.42], title_lines=1),
            kernel_bar=_Picture(fig, [0.535, 0.08, 0.05, 0.72]),
            output_bar=_Picture(fig, [0.875, 0.08, 0.06, 0.72]),
            text=_Picture(fig, [0.01, 0.88, 0.98, 0.115]),
        )
    shown = dict(image=state.image, kernel=state.kernel, flipped=state.flipped,
                 correlated=state.correlated, convolved=state.convolved)
    cell = max(8, min(40, int(min(artists[k].fits(v.shape) for k, v in shown.items()))))
    k_lim = symmetric_limits(state.kernel)
    o_lim = symmetric_limits(np.concatenate([state.correlated.ravel(), state.convolved.ravel()]))
    titles = dict(image=f"input ({state.image.shape[0]}x{state.image.shape[1]})",
                  kernel=f"kernel: {state.name}", flipped="rotated 180°",
                  correlated="correlate2d(input, kernel)",
                  convolved="convolve2d(input, kernel)")
    for name, values in shown.items():
        lo, hi = ((state.image.min(), state.image.max()) if name == "image" else
                  k_lim if name in ("kernel", "flipped") else o_lim)
        artists[name].show(values, cell, title=titles[name], vmin=lo, vmax=hi,
                           cmap=GREY if name == "image" else DIVERGING)
    artists["kernel_bar"].show(k_lim, lambda size: _vertical_bar_picture(*k_lim, tuple(size)))
    artists["output_bar"].show(o_lim, lambda size: _vertical_bar_picture(*o_lim, tuple(size)))
    artists["text"].show(state.verdict, lambda size: _text_picture(
        tuple(_wrap(state.verdict, size[0] - 8, sep=" ", indent="")), size))
    return fig, artists


def flip_explorer(image, kernels=None, *, kernel=None):
    """A dropdown of named kernels; each is applied with and without the 180° flip.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A small input (up to about 8x8) so every number fits in its cell.
    kernels : dict, optional
        Name -> kernel; by default the 3x3 kernels of :data:`cnnviz.filters.KERNELS`.
    kernel : str, optional
        The kernel shown first.
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    if kernels is None:
        kernels = {name: k for name, k in KERNELS.items() if k.shape == (3, 3)}
    kernels = dict(kernels)
    names = list(kernels)
    kernel = names[0] if kernel is None else kernel
    if kernel not in kernels:
        raise ValueError(f"kernel must be one of {names}; got {kernel!r}")
    controls = dict(kernel=widgets.Dropdown(options=names, value=kernel, description="kernel"))

    def caption(state):
        same = np.allclose(state.correlated, state.convolved)
        return (f"<b>{html.escape(state.name)}</b>: {state.verdict} "
                + ("Here the two outputs are equal." if same else
                   "Here the two outputs differ."))

    return Explorer(
        lambda kernel: flip_comparison(image, kernels[kernel], name=kernel),
        plot_flip_comparison, controls, new_figure(9.6, 4.5), caption=caption,
    )


__all__ = [
    "EXAMPLES", "FIVE_BY_FIVE", "WORKED_INPUT", "WORKED_KERNEL", "FlipState", "StepState",
    "convolution_step", "convolution_stepper", "flip_comparison", "flip_explorer",
    "plot_convolution_step", "plot_flip_comparison", "written_sum",
]


def _corner_image():
    corner = np.zeros((6, 6))
    corner[2:, 3:] = 1
    return corner


# The explorers as notebook 02 shows them (benchmarks/bench_explorers.py).
BENCHMARK = [
    ("02", "convolution stepper", lambda: convolution_stepper()),
    ("02", "cross-correlation vs convolution", lambda: flip_explorer(_corner_image(), kernel="Vertical edge")),
]
