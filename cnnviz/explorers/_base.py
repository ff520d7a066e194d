"""The machinery every explorer shares: a figure that updates in place, and widgets.

An explorer has three layers, each testable alone:

1. ``compute(**settings) -> state``: pure numpy, no drawing. Raises ``ValueError``
   with a plain-language sentence when a setting combination is impossible.
2. ``plot_*(state, fig=None, artists=None) -> (fig, artists)``: draws ``state`` on a
   matplotlib figure. Called with ``artists=None`` it builds the axes; called
   again with the artists it returned, it only updates them (``set_data``,
   ``set_text``), which is what keeps a slider smooth.
3. :class:`Explorer`: wires ipywidgets controls to the two, and shows the figure
   as a PNG in an ``ipywidgets.Image``.

The figure is a plain :class:`matplotlib.figure.Figure` on the Agg canvas, never
a pyplot figure, so nothing piles up in the notebook and no backend is needed.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import textwrap
import time

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

DPI = 80
#: colour map for intensities (photos, feature maps after ReLU)
GREY = "gray"
#: diverging colour map for signed values (kernels, edge responses), centred on zero
DIVERGING = "RdBu_r"


def new_figure(width, height, *, dpi=DPI) -> Figure:
    """A figure of ``width x height`` inches on the Agg canvas (no pyplot, no backend)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def render_png(fig, *, compress_level=1) -> bytes:
    """Draw ``fig`` and encode it as PNG.

    Level 1 (the default) is fast enough for a slider; level 9 makes a file about
    half the size, for pictures stored in a notebook.
    """
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    buf = io.BytesIO()
    PILImage.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def bare(ax):
    """Hide an axes' ticks and labels: cheaper to draw, and pixels need no ruler."""
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def symmetric_limits(values, minimum=1e-12):
    """``(-m, m)`` with ``m`` the largest magnitude, so a diverging map centres on zero."""
    m = float(np.max(np.abs(values))) if np.size(values) else 1.0
    m = max(m, minimum)
    return -m, m


@functools.lru_cache(maxsize=16)
def font(pixels, family="DejaVu Sans"):
    """A Pillow font of ``pixels`` height, from the fonts matplotlib ships (cached)."""
    from matplotlib import font_manager

    return ImageFont.truetype(font_manager.findfont(family), pixels)


class TextLayer(Artist):
    """Words drawn by Pillow and stamped onto the figure's canvas pixel for pixel.

    Matplotlib rasterises text one glyph at a time, about a millisecond per label
    here, so a figure with dozens of labels cannot redraw at slider speed; Pillow
    draws the same words in well under a millisecond. The layer lives in an axes of
    its own, so an Explorer hides it together with the plots when it shows an
    explanation instead.
    """

    def __init__(self, fig):
        super().__init__()
        self.width, self.height = (fig.get_size_inches() * fig.dpi).round().astype(int)
        self.px_per_pt = fig.dpi / 72
        ax = fig.add_axes([0, 0, 1, 1], zorder=5)
        ax.axis("off")
        ax.add_artist(self)
        self.rgba = np.zeros((self.height, self.width, 4), dtype=np.uint8)

    def font(self, points, family="DejaVu Sans"):
        """The Pillow font for a size in points at this figure's dpi."""
        return font(round(points * self.px_per_pt), family)

    def xy(self, fx, fy):
        """Figure fractions (from the bottom left) to pixels (from the top left)."""
        return fx * self.width, (1 - fy) * self.height

    def paint(self, painter):
        """``painter(ImageDraw)`` draws the words; they replace the previous ones."""
        canvas = PILImage.new("RGBA", (int(self.width), int(self.height)), (255, 255, 255, 0))
        painter(ImageDraw.Draw(canvas))
        # Agg takes the rows bottom first.
        self.rgba = np.ascontiguousarray(np.asarray(canvas)[::-1])
        self.stale = True

    def draw(self, renderer):
        if not self.get_visible():
            return
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self.rgba)
        gc.restore()


@functools.lru_cache(maxsize=32)
def colour_table(cmap):
    """The 256 RGB colours (uint8, read-only) of a matplotlib colour map, looked up once."""
    from matplotlib import colormaps

    table = colormaps[cmap](np.linspace(0, 1, 256), bytes=True)[:, :3]
    table.setflags(write=False)
    return table


def matrix_rgb(values, *, cmap=GREY, vmin=None, vmax=None, fmt="{:g}", cell=28,
               numbers=True, mask=None):
    """Colour a matrix and print each value in its cell, as one RGB image.

    One ``imshow`` of this image costs a few milliseconds, where one matplotlib
    text artist per cell costs about one millisecond each. Show it with
    ``extent=matrix_extent(values.shape)`` so that cell ``(i, j)`` sits at
    ``x = j, y = i``, like a plain ``imshow`` of the matrix.

    Parameters
    ----------
    values : ndarray, shape (h, w)
    cmap, vmin, vmax : colour map and its limits (default: the values' range)
    fmt : str
        Format of each number.
    cell : int
        Pixels per cell in the image.
    numbers : bool
        Print the values (switch off for large matrices).
    mask : ndarray of bool, optional
        Cells to leave blank (white, no number) where False.
    """
    values = np.asarray(values, dtype=float)
    h, w = values.shape
    lo = np.nanmin(values) if vmin is None else vmin
    hi = np.nanmax(values) if vmax is None else vmax
    scaled = (values - lo) / ((hi - lo) or 1.0)
    colours = colour_table(cmap)[np.round(np.clip(np.nan_to_num(scaled), 0, 1) * 255).astype(np.intp)]
    if mask is not None:
        colours[~mask] = 255
    img = np.repeat(np.repeat(colours, cell, axis=0), cell, axis=1)
    if not numbers:
        return img
    pil = PILImage.fromarray(img)
    draw = ImageDraw.Draw(pil)
    texts = [[fmt.format(v) for v in row] for row in values]
    longest = max(len(t) for row in texts for t in row)
    size = max(6, min(int(cell * 0.42), int(cell * 1.6 / max(longest, 1))))
    pil_font = font(size)
    # Luminance of each cell decides black or white text.
    lum = colours @ np.array([0.299, 0.587, 0.114])
    for i in range(h):
        for j in range(w):
            if mask is not None and not mask[i, j]:
                continue
            colour = (255, 255, 255) if lum[i, j] < 128 else (0, 0, 0)
            draw.text(((j + 0.5) * cell, (i + 0.5) * cell), texts[i][j], fill=colour,
                      font=pil_font, anchor="mm")
    return np.asarray(pil)


def matrix_extent(shape):
    """The ``imshow`` extent that puts cell ``(i, j)`` of a matrix at ``x = j, y = i``."""
    h, w = shape[:2]
    return (-0.5, w - 0.5, h - 0.5, -0.5)


def show_matrix(ax, values, **kwargs):
    """``imshow`` a :func:`matrix_rgb` picture of ``values``; returns the image artist."""
    art = ax.imshow(matrix_rgb(values, **kwargs), extent=matrix_extent(values.shape),
                    interpolation="antialiased")
    return art


def update_matrix(art, values, **kwargs):
    """Replace the picture drawn by :func:`show_matrix` (the shape may change)."""
    art.set_data(matrix_rgb(values, **kwargs))
    art.set_extent(matrix_extent(np.shape(values)))
    ax = art.axes
    h, w = np.shape(values)
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)


def control_values(control, points=8):
    """Values to try on a control: about ``points`` across a slider's range, both ends
    included; every option of a dropdown or toggle; both states of a checkbox.

    Used by the tests (every control swept) and the explorer benchmark.
    """
    if hasattr(control, "options"):
        return [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
    if isinstance(control.value, bool):
        return [False, True]
    values = np.linspace(control.min, control.max, points)
    if isinstance(control.value, (int, np.integer)):
        values = np.unique(np.round(values).astype(int))
    return [v.item() for v in values]


class Explorer:
    """Controls, a state function and a plot function, wired together.

    Parameters
    ----------
    compute : callable
        ``compute(**values) -> state``, where ``values`` maps control names to values.
    plot : callable
        ``plot(state, fig=None, artists=None) -> (fig, artists)``.
    controls : dict
        Control name -> ipywidgets control (a ValueWidget).
    fig : Figure
        The figure ``plot`` draws on.
    caption : callable, optional
        ``caption(state) -> str`` (HTML) shown under the figure.

    Attributes
    ----------
    state : object
        The latest state, or ``None`` when the setting was impossible.
    message : str or None
        The explanation shown instead of a picture, if any.
    last_error : BaseException or None
        An unexpected error (a bug, never a learner's setting); tests assert it stays None.
    timings : list of float
        Seconds spent per update (compute + draw + PNG), for the benchmark.
    """

    def __init__(self, compute, plot, controls, fig, *, caption=None, columns=None):
        import ipywidgets as widgets

        self.compute = compute
        self.plot = plot
        self.controls = dict(controls)
        self.fig = fig
        self.caption = caption
        self.artists = None
        self.state = None
        self.message = None
        self.last_error = None
        self._held = False
        self._hidden_axes = []
        self.timings = []
        self.png = b""
        self._message_text = fig.text(
            0.5, 0.5, "", ha="center", va="center", fontsize=12, wrap=True,
            bbox=dict(boxstyle="round,pad=0.8", fc="#fff8e1", ec="#b26a00"), zorder=10,
        )
        self._message_text.set_visible(False)
        # Shown at the figure's own pixel size (a stretched PNG looks blurred), but
        # never wider than the notebook.
        width = int(round(fig.get_figwidth() * fig.dpi))
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        self.text = widgets.HTML()
        boxes = list(self.controls.values())
        if columns:
            rows = [widgets.HBox(boxes[i:i + columns]) for i in range(0, len(boxes), columns)]
        else:
            rows = [widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap"))]
        self.widget = widgets.VBox([*rows, self.image, self.text])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- the update cycle -------------------------------------------------------
    def values(self):
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change):
        if not self._held:
            self.update()

    @contextlib.contextmanager
    def hold(self, *, redraw=True):
        """Change several controls inside ``with explorer.hold():`` and redraw once at the end.

        A control's own observer that adjusts other controls (a kernel slider moving
        a padding slider's limit, say) uses ``hold(redraw=False)``: the change that
        started it redraws anyway, once, when the observers are done.
        """
        if self._held:  # nested: the outermost hold decides
            yield self
            return
        self._held = True
        try:
            yield self
        finally:
            self._held = False
            if redraw:
                self.update()

    def update(self):
        """Recompute the state from the controls and redraw the figure in place."""
        start = time.perf_counter()
        try:
            values = self.values()
            empty = [name for name, value in values.items() if value is None]
            if empty:  # a dropdown can be left with no option selected
                raise ValueError(f"Nothing is selected in '{empty[0]}': pick one of its options.")
            self.state = self.compute(**values)
            self.message = None
        except ValueError as err:  # an impossible setting, explained in words
            self.state, self.message = None, str(err)
        except Exception as err:  # a bug: still no traceback in front of a learner
            self.state, self.message = None, f"Something went wrong: {err}"
            self.last_error = err
        if self.state is not None:
            self._show_message(None)  # before plotting: a plot may hide axes of its own
            try:
                self.fig, self.artists = self.plot(self.state, self.fig, self.artists)
            except Exception as err:
                self.state, self.message = None, f"Something went wrong while drawing: {err}"
                self.last_error = err
        if self.message is not None:
            self._show_message(self.message)
        self.png = render_png(self.fig)
        self.image.value = self.png
        if self.caption is not None:
            self.text.value = self.caption(self.state) if self.state is not None else ""
        self.timings.append(time.perf_counter() - start)

    def _show_message(self, message):
        """Hide the visible axes behind an explanation, or bring back exactly those axes."""
        if message is None:
            for ax in self._hidden_axes:
                ax.set_visible(True)
            self._hidden_axes = []
            self._message_text.set_visible(False)
            return
        if not self._hidden_axes:
            self._hidden_axes = [ax for ax in self.fig.axes if ax.get_visible()]
        for ax in self._hidden_axes:
            ax.set_visible(False)
        self._message_text.set_text("\n".join(textwrap.wrap(message, 60)))
        self._message_text.set_visible(True)

    # -- for tests and the notebook ----------------------------------------------
    def set(self, **values):
        """Set several controls at once (each change triggers one update)."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; controls are {sorted(self.controls)}")
            self.controls[name].value = value
        return self

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # A static picture for viewers without a kernel (GitHub, nbviewer).
        data["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        data["text/plain"] = f"<{type(self).__name__}: {', '.join(self.controls)}>"
        return bundle

    def static_png(self) -> bytes:
        """The picture a saved notebook stores for readers without a kernel: the figure.

        An explorer whose figure alone does not stand for it replaces this per
        instance with a zero-argument callable returning PNG bytes (the forward
        explorer stores a filmstrip of every layer)."""
        return render_png(self.fig, compress_level=9)
