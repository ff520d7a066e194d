"""The one drawing toolkit of the explorers: palette, figures, text, matrices, colour bars.

Matplotlib lays out every text artist on every draw, about a millisecond per short
label here, so a figure with dozens of numbers cannot redraw at slider speed.
Everything with words or numbers in it is therefore drawn by Pillow into one
picture, and matplotlib only pastes pictures:

- :func:`matrix_rgb` colours a matrix and prints each value in its cell;
- :func:`colour_bar_rgb` draws a labelled colour bar, across or upright;
- :func:`text_rgb` sets lines of text in a box; :func:`caption_rgb` wraps a caption;
- :class:`Panel` is a fixed box on the figure holding a title, a matrix and
  optionally a colour bar, as one picture, with cell ``(i, j)`` at ``x = j, y = i``;
- :class:`Picture` is a fixed box showing any picture pixel for pixel;
- :class:`TextLayer` stamps words anywhere on the figure.

Sizes are given in pixels at :data:`DPI`; a figure made at another dpi (the stored
picture of a notebook is drawn at twice the density) scales them with
:func:`scale`. Colours come from the palette below, so one idea has one colour in
every notebook.
"""

from __future__ import annotations

import functools
import io
from html.parser import HTMLParser

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from ..lessons import number  # noqa: F401  (one formatter for lessons and figures)

# ---------------------------------------------------------------------------- palette
DPI = 80
#: colour map for intensities (photos, feature maps after ReLU)
GREY = "gray"
#: diverging colour map for signed values (kernels, edge responses), centred on zero
DIVERGING = "RdBu_r"
#: diverging map without red and blue, for signed values in a notebook about colour
DIVERGING_NEUTRAL = "PuOr_r"
#: what the learner is pointing at: the window, the current cell, a winner (orange)
HIGHLIGHT = "#e66100"
#: a lighter orange: the same idea, on padding or as a second tier
HIGHLIGHT_LIGHT = "#fdb863"
#: the contrasting accent: what is never read, a dense layer (purple)
ACCENT = "#5e3c99"
#: a lighter purple
ACCENT_LIGHT = "#cbc3e3"
#: a third colour where two are not enough (blue, colour-blind safe)
BLUE = "#0072b2"
#: neutral grey for what is not highlighted
NEUTRAL = "#9a9a9a"
#: grey level of cells not computed yet
PENDING = 222
#: grey level of the lines between matrix cells
BORDER = 150
#: text size in pixels (about 10 points at 80 dpi), line height, colour-bar strip height
TEXT_PX = 13
LINE_PX = 19
BAR_PX = 32


def rgb(colour) -> tuple[int, int, int]:
    """A ``"#rrggbb"`` colour (or an RGB triple) as three ints 0-255.

    >>> rgb(HIGHLIGHT)
    (230, 97, 0)
    """
    if isinstance(colour, str):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(int(c) for c in colour)


# ---------------------------------------------------------------------------- figures
def new_figure(width, height, *, dpi=DPI) -> Figure:
    """A figure of ``width x height`` inches on the Agg canvas (no pyplot, no backend)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def scale(fig) -> float:
    """How many of this figure's pixels make one pixel at :data:`DPI` (2.0 for a stored view)."""
    return fig.dpi / DPI


def figure_rgb(fig) -> np.ndarray:
    """Draw ``fig`` and return its pixels, RGB uint8 ``(height, width, 3)``."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


def png_bytes(picture, *, compress_level=1) -> bytes:
    """An RGB picture as PNG. Level 1 is fast enough for a slider; 9 is for storing."""
    buf = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(picture)).save(buf, format="png",
                                                           compress_level=compress_level)
    return buf.getvalue()


def render_png(fig, *, compress_level=1) -> bytes:
    """Draw ``fig`` and encode it as PNG."""
    return png_bytes(figure_rgb(fig), compress_level=compress_level)


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


# ------------------------------------------------------------------------------- text
@functools.lru_cache(maxsize=32)
def font(pixels, family="DejaVu Sans"):
    """A Pillow font of ``pixels`` height, from the fonts matplotlib ships (cached)."""
    from matplotlib import font_manager

    return ImageFont.truetype(font_manager.findfont(family), max(1, int(pixels)))


@functools.lru_cache(maxsize=512)
def text_width(text, pixels=TEXT_PX) -> int:
    """Width in pixels of ``text`` set at ``pixels`` height."""
    return int(np.ceil(font(pixels).getlength(text)))


def wrap(text, width, *, sep=" ", indent="", pixels=TEXT_PX):
    """Break ``text`` at ``sep`` into lines at most ``width`` pixels wide.

    A sum written out breaks at ``sep=" + "``, with the following lines indented.
    """
    parts = text.split(sep)
    lines, line = [], parts[0]
    for part in parts[1:]:
        longer = line + sep + part
        if text_width(longer, pixels) <= width:
            line = longer
        else:
            lines.append(line + sep.rstrip())
            line = indent + part
    return lines + [line]


@functools.lru_cache(maxsize=64)
def text_rgb(lines, size, *, align="left", pixels=TEXT_PX, line_px=LINE_PX):
    """Lines of text (a tuple of str) on white in a box ``size = (width, height)``,
    vertically centred; RGB uint8."""
    width, height = size
    img = PILImage.new("RGB", (int(width), int(height)), "white")
    draw = ImageDraw.Draw(img)
    y = height / 2 - line_px * (len(lines) - 1) / 2
    x, anchor = (2, "lm") if align == "left" else (width / 2, "mm")
    for line in lines:
        draw.text((x, y), line, fill=(0, 0, 0), font=font(pixels), anchor=anchor)
        y += line_px
    return np.asarray(img)


class _CaptionParser(HTMLParser):
    """Split a caption's HTML into lines of ``(text, bold)`` runs (b/strong, br, p, li)."""

    BREAKS = {"br", "p", "li", "div", "tr", "table", "summary"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [[]]
        self.bold = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("b", "strong"):
            self.bold += 1
        elif tag in self.BREAKS and self.lines[-1]:
            self.lines.append([])
        if tag == "li":
            self.lines[-1].append(("\u2022 ", False))

    def handle_endtag(self, tag):
        if tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("td", "th"):            # table cells read as columns: "a | b | c"
            self.lines[-1].append((" | ", False))
        elif tag in ("p", "div", "li", "tr", "summary", "table") and self.lines[-1]:
            self.lines.append([])

    def handle_data(self, data):
        self.lines[-1].append((data, self.bold > 0))


def caption_rgb(caption_html, width, *, pixels=TEXT_PX, margin=8):
    """A caption's HTML as an RGB picture ``width`` pixels wide, wrapped to fit.

    Used for the stored picture of an explorer, so that a reader without a kernel
    (GitHub, nbviewer) sees the sentence the live explorer shows under its figure.
    Bold (``<b>``) stays bold; other markup is dropped, entities are decoded.
    """
    parser = _CaptionParser()
    parser.feed(caption_html or "")
    parser.close()
    regular, bold = font(pixels), font(pixels, "DejaVu Sans:bold")
    rows, usable = [], width - 2 * margin
    space = regular.getlength(" ")
    for runs in parser.lines:
        # A word is a list of (piece, font): "<b>Sobel x</b>:" keeps its colon attached.
        words, joined = [], False
        for text, b in runs:
            face = bold if b else regular
            for k, piece in enumerate(text.split()):
                if k == 0 and joined and not text[0].isspace():
                    words[-1].append((piece, face))
                else:
                    words.append([(piece, face)])
            joined = bool(text) and not text[-1].isspace()
        if not words:
            continue
        row, x = [], 0.0
        for word in words:
            w = sum(face.getlength(piece) for piece, face in word)
            if row and x + w > usable:
                rows.append(row)
                row, x = [], 0.0
            for piece, face in word:
                row.append((x, piece, face))
                x += face.getlength(piece)
            x += space
        rows.append(row)
    line = round(pixels * 1.35)
    height = 2 * margin + line * len(rows) if rows else 0
    picture = PILImage.new("RGB", (int(width), int(height)), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    for i, row in enumerate(rows):
        for x, word, face in row:
            draw.text((margin + x, margin + i * line), word, fill=(30, 30, 30), font=face)
    return np.asarray(picture)


def text_box(text, size, fig, **options):
    """``text`` wrapped to the width of a box of ``size`` pixels and set in it (RGB), at the
    text size of ``fig``'s density; ``options`` go to :func:`wrap` (``sep``, ``indent``)."""
    s = scale(fig)
    pixels, line_px = round(TEXT_PX * s), round(LINE_PX * s)
    lines = wrap(text, size[0] - round(8 * s), pixels=pixels, **options)
    return text_rgb(tuple(lines), tuple(size), pixels=pixels, line_px=line_px)


class TextLayer(Artist):
    """Words drawn by Pillow and stamped onto the figure's canvas pixel for pixel.

    The layer lives in an axes of its own, so an Explorer hides it together with the
    plots when it shows an explanation instead. A painter uses :meth:`xy` and
    :meth:`font`, which follow the figure's dpi.
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


# --------------------------------------------------------------------------- matrices
@functools.lru_cache(maxsize=32)
def colour_table(cmap):
    """The 256 RGB colours (uint8, read-only) of a matplotlib colour map, looked up once."""
    from matplotlib import colormaps

    table = colormaps[cmap](np.linspace(0, 1, 256), bytes=True)[:, :3]
    table.setflags(write=False)
    return table


def colours_of(values, *, cmap=GREY, vmin=None, vmax=None):
    """RGB uint8 colours ``values.shape + (3,)`` of values on a colour map (NaN -> low end)."""
    values = np.asarray(values, dtype=float)
    lo = np.nanmin(values) if vmin is None else vmin
    hi = np.nanmax(values) if vmax is None else vmax
    scaled = (values - lo) / ((hi - lo) or 1.0)
    return colour_table(cmap)[np.round(np.clip(np.nan_to_num(scaled), 0, 1) * 255).astype(np.intp)]


def matrix_rgb(values, *, cmap=GREY, vmin=None, vmax=None, fmt="{:g}", cell=28,
               numbers=True, mask=None, pending=None, borders=False):
    """Colour a matrix and print each value in its cell, as one RGB image.

    Show it with ``extent=matrix_extent(values.shape)`` so that cell ``(i, j)``
    sits at ``x = j, y = i``, like a plain ``imshow`` of the matrix.

    Parameters
    ----------
    values : ndarray, shape (h, w)
    cmap, vmin, vmax : colour map and its limits (default: the values' range)
    fmt : str
        Format of each number; a signed zero prints as ``0``.
    cell : int
        Pixels per cell in the image.
    numbers : bool
        Print the values (switch off for large matrices).
    mask : ndarray of bool, optional
        Cells to leave blank (white, or grey ``pending``, with no number) where False.
    pending : int, optional
        Grey level of the blank cells (default white).
    borders : bool
        Thin grey lines between cells.
    """
    values = np.asarray(values, dtype=float) + 0.0  # turns -0.0 (printed "-0") into 0.0
    h, w = values.shape
    colours = colours_of(values, cmap=cmap, vmin=vmin, vmax=vmax)
    if mask is not None:
        colours[~mask] = 255 if pending is None else pending
    img = np.repeat(np.repeat(colours, cell, axis=0), cell, axis=1)
    if numbers:
        pil = PILImage.fromarray(img)
        draw = ImageDraw.Draw(pil)
        # A value that rounds to zero prints without a sign: "-0.00" becomes "0.00".
        texts = [[_unsigned_zero(fmt.format(v)) for v in row] for row in values]
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
        img = np.asarray(pil)
    if borders:
        img = img.copy()
        img[::cell, :] = BORDER
        img[:, ::cell] = BORDER
        img[-1, :] = BORDER
        img[:, -1] = BORDER
    return img


def _unsigned_zero(text):
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def matrix_extent(shape):
    """The ``imshow`` extent that puts cell ``(i, j)`` of a matrix at ``x = j, y = i``."""
    h, w = shape[:2]
    return (-0.5, w - 0.5, h - 0.5, -0.5)


def show_matrix(ax, values, **kwargs):
    """``imshow`` a :func:`matrix_rgb` picture of ``values``; returns the image artist."""
    return ax.imshow(matrix_rgb(values, **kwargs), extent=matrix_extent(values.shape),
                     interpolation="antialiased")


def update_matrix(art, values, **kwargs):
    """Replace the picture drawn by :func:`show_matrix` (the shape may change)."""
    art.set_data(matrix_rgb(values, **kwargs))
    art.set_extent(matrix_extent(np.shape(values)))
    ax = art.axes
    h, w = np.shape(values)
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)


# ------------------------------------------------------------------------- colour bars
@functools.lru_cache(maxsize=64)
def colour_bar_rgb(lo, hi, length, *, orientation="horizontal", cmap=DIVERGING, labels=None,
                   scale=1.0):
    """A labelled colour bar from ``lo`` to ``hi``, RGB uint8.

    ``orientation="horizontal"``: ``length`` pixels wide, :data:`BAR_PX` (times
    ``scale``) high, labels under it. ``"vertical"``: ``length = (width, height)``
    pixels, low at the bottom, labels to the right. ``labels`` are ``(fraction,
    text)`` pairs; the default labels the two ends, and the middle with "0" when the
    bar is centred on zero. ``scale`` is :func:`scale` of the figure it goes on.
    """
    if labels is None:
        labels = [(0.0, number(lo)), (1.0, number(hi))]
        if lo < 0 < hi and np.isclose(-lo, hi):
            labels.insert(1, (0.5, "0"))
        labels = tuple(labels)
    px = lambda n: max(1, round(n * scale))  # noqa: E731
    pixels = px(11)
    if orientation == "horizontal":
        width, height = int(length), px(BAR_PX)
        margin = max(text_width(text, pixels) for _, text in labels) // 2 + px(2)
        img = PILImage.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(img)
        ramp = colour_table(cmap)[np.round(np.linspace(0, 255, max(1, width - 2 * margin))).astype(int)]
        img.paste(PILImage.fromarray(np.repeat(ramp[None], px(9), axis=0)), (margin, px(6)))
        draw.rectangle([margin, px(6), width - margin - 1, px(6) + px(9) - 1], outline=(120, 120, 120))
        for frac, text in labels:
            x = margin + frac * (width - 2 * margin - 1)
            draw.line([x, px(15), x, px(17)], fill=(0, 0, 0), width=px(1))
            draw.text((x, px(18)), text, fill=(0, 0, 0), font=font(pixels), anchor="mt")
        return np.asarray(img)
    if orientation != "vertical":
        raise ValueError(f"orientation must be 'horizontal' or 'vertical'; got {orientation!r}")
    width, height = (int(v) for v in length)
    img = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    ramp = colour_table(cmap)[np.round(np.linspace(255, 0, max(1, height - px(12)))).astype(int)]
    img.paste(PILImage.fromarray(np.repeat(ramp[:, None], px(11), axis=1)), (0, px(6)))
    draw.rectangle([0, px(6), px(11) - 1, height - px(7)], outline=(120, 120, 120))
    for frac, text in labels:
        y = px(6) + (1 - frac) * (height - px(13))
        draw.line([px(11), y, px(13), y], fill=(0, 0, 0), width=px(1))
        draw.text((px(15), y), text, fill=(0, 0, 0), font=font(pixels), anchor="lm")
    return np.asarray(img)


# ------------------------------------------------------------------------------ boxes
def _rgba(picture):
    """RGB -> opaque RGBA: matplotlib draws an opaque RGBA picture about twice as fast."""
    return np.dstack([picture, np.full(picture.shape[:2], 255, np.uint8)])


def panel_cell(fig, panels, shapes, largest):
    """Pixels per matrix cell: the largest at which every shape fits its :class:`Panel`,
    from 8 to ``largest`` pixels at :data:`DPI`, times ``fig``'s scale (so a stored picture
    is the live one, drawn sharper)."""
    s = scale(fig)
    fits = int(min(panel.fits(shape) for panel, shape in zip(panels, shapes)) / s)
    return round(s * max(8, min(largest, fits)))


class Picture:
    """A fixed box on the figure (``rect`` in figure fractions) showing a picture pixel
    for pixel: text lines, a colour bar, anything drawn by Pillow."""

    def __init__(self, fig, rect):
        self.ax = fig.add_axes(rect)
        bare(self.ax).set_axis_off()  # no ticks, no frame: the picture is everything
        fig_w, fig_h = fig.get_size_inches() * fig.dpi
        self.size = (max(1, round(rect[2] * fig_w)), max(1, round(rect[3] * fig_h)))
        self.image = self.ax.imshow(np.full((2, 2, 4), 255, np.uint8), interpolation="none",
                                    aspect="auto")
        self.key = None

    def show(self, key, draw):
        """Show ``draw(size) -> RGB`` unless ``key`` equals what is shown already."""
        if key != self.key:
            self.image.set_data(_rgba(draw(self.size)))
            self.key = key


class Panel:
    """A fixed box on the figure showing a title, a matrix and optionally a colour bar.

    All three are one picture. The axes' data coordinates put matrix cell
    ``(i, j)`` at ``x = j, y = i`` (so a :class:`~matplotlib.patches.Rectangle` can
    outline cells), with ``cell`` screen pixels per cell: panels drawn with the same
    ``cell`` show a kernel exactly as large as the window it covers on the input.
    """

    def __init__(self, fig, rect, *, bar=False, title_lines=2):
        self.scale = scale(fig)
        self.line_px = round(LINE_PX * self.scale)
        self.text_px = round(TEXT_PX * self.scale)
        self.bar_px = round(BAR_PX * self.scale)
        self.title_px = self.line_px * title_lines + 2
        self.ax = fig.add_axes(rect)
        bare(self.ax).set_axis_off()
        fig_w, fig_h = fig.get_size_inches() * fig.dpi
        self.width_px, self.height_px = rect[2] * fig_w, rect[3] * fig_h
        self.bar = bar
        self.image = self.ax.imshow(np.full((2, 2, 4), 255, np.uint8), interpolation="none")
        self.ax.set_autoscale_on(False)  # the limits are set by hand, only when they change
        self.key = self.limits = None
        # 3 points: a line width in points already follows the figure's dpi
        self.box = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=3, visible=False)
        self.ax.add_patch(self.box)

    def fits(self, shape):
        """The largest cell size (pixels) at which a matrix of ``shape`` fits this box."""
        free = self.height_px - self.title_px - (self.bar_px if self.bar else 0) - 2
        return min(free / shape[0], (self.width_px - 2) / shape[1])

    def show(self, values, cell, *, title, cmap, vmin, vmax, mask=None, bar_limits=None,
             fmt="{:.3g}"):
        """Draw ``values`` under ``title`` (a string, or a tuple of two lines)."""
        h, w = values.shape
        lines = (title,) if isinstance(title, str) else tuple(title)
        key = (values.tobytes(), values.shape, cell, cmap, float(vmin), float(vmax),
               None if mask is None else mask.tobytes(), fmt)
        if (key, lines, bar_limits) == self.key:  # nothing changed (the kernel, between steps)
            return
        if self.key is None or key != self.key[0]:  # the numbers changed: redraw them
            self.matrix = matrix_rgb(values, cmap=cmap, vmin=vmin, vmax=vmax, fmt=fmt,
                                     cell=cell, mask=mask, pending=PENDING, borders=True)
        self.key = (key, lines, bar_limits)
        widest = max(text_width(line, self.text_px) for line in lines) + 4
        width = max(w * cell, min(widest, int(self.width_px)),
                    round(120 * self.scale) if self.bar else 0)
        height = self.title_px + h * cell + (self.bar_px if self.bar else 0)
        picture = np.full((height, width, 4), 255, np.uint8)
        left = (width - w * cell) // 2
        picture[self.title_px:self.title_px + h * cell, left:left + w * cell, :3] = self.matrix
        picture[:self.title_px, :, :3] = text_rgb(lines, (width, self.title_px), align="center",
                                                  pixels=self.text_px, line_px=self.line_px)
        if self.bar:
            picture[self.title_px + h * cell:, :, :3] = colour_bar_rgb(
                *bar_limits, width, scale=self.scale)
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


__all__ = [
    "ACCENT", "ACCENT_LIGHT", "BAR_PX", "BLUE", "BORDER", "DIVERGING", "DIVERGING_NEUTRAL",
    "DPI", "GREY", "HIGHLIGHT", "HIGHLIGHT_LIGHT", "LINE_PX", "NEUTRAL", "PENDING", "Panel",
    "Picture", "TEXT_PX", "TextLayer", "bare", "panel_cell", "text_box",
    "caption_rgb", "colour_bar_rgb", "colour_table",
    "colours_of", "figure_rgb", "font", "matrix_extent", "matrix_rgb", "new_figure", "number",
    "png_bytes", "render_png", "rgb", "scale", "show_matrix", "symmetric_limits", "text_rgb",
    "text_width", "update_matrix", "wrap",
]
