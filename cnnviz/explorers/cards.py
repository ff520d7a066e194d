"""A heading over a row of picture cards: how notebook 12's explorers draw.

Each card is one picture in a :class:`draw.Picture` box: a title, a picture enlarged
by a whole factor in a thin frame (optionally with an orange square on it), and
optionally a colour bar. :func:`cards_figure` lays out the boxes once,
:func:`show_cards` fills them; :func:`grey`, :func:`heat` and :func:`overlay` colour
the pictures, :func:`probability` prints the numbers of the headings.
"""

from __future__ import annotations

import numpy as np

from . import draw

#: colour map of the heat maps (saliency, Grad-CAM, occlusion per pixel): dark is nothing
HEAT = "inferno"
#: height of the heading, as a fraction of the figure
HEADING = 0.16


def grey(image):
    """``image`` (H, W) in [0, 1] as grey RGB."""
    return draw.colours_of(image, cmap=draw.GREY, vmin=0.0, vmax=1.0)


def heat(values, vmax=None):
    """``values`` as RGB in :data:`HEAT`, from 0 to ``vmax`` (their largest by default)."""
    values = np.nan_to_num(np.asarray(values, dtype=float))
    top = float(values.max()) if vmax is None else vmax
    return draw.colours_of(values, cmap=HEAT, vmin=0.0, vmax=top if top > 0 else 1.0)


def overlay(image, heat_rgb, opacity):
    """``heat_rgb`` over the grey ``image``, mixed at ``opacity``."""
    mixed = (1 - opacity) * grey(image).astype(float) + opacity * heat_rgb.astype(float)
    return np.round(mixed).astype(np.uint8)


def card(size, scale, title, picture, *, outline=None, bar=None, cmap=HEAT):
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


def cards_figure(fig, artists, count, figsize):
    """The figure's boxes on the first call: a heading across the top, ``count`` cards."""
    if artists is not None:
        return fig, artists
    fig = fig or draw.new_figure(*figsize)
    heading = draw.Picture(fig, [0.0, 1 - HEADING, 1.0, HEADING])
    width = 1.0 / count
    cards = [draw.Picture(fig, [k * width, 0.0, width, 1 - HEADING]) for k in range(count)]
    return fig, {"heading": heading, "cards": cards}


def show_cards(artists, fig, heading, cards):
    """Draw the heading (lines) and the cards (each ``(title, picture, options)``)."""
    scale = draw.scale(fig)
    lines = (heading,) if isinstance(heading, str) else tuple(heading)
    artists["heading"].show(("h", lines, scale), lambda size: draw.text_rgb(
        lines, size, align="center", pixels=round(draw.TEXT_PX * scale),
        line_px=round(draw.LINE_PX * scale)))
    for box, (title, picture, options) in zip(artists["cards"], cards):
        key = (title, picture.shape, picture.tobytes(), repr(sorted(options.items())), scale)
        box.show(key, lambda size, t=title, p=picture, o=options: card(size, scale, t, p, **o))


def probability(value):
    """A probability as the figures print it: two decimals, never "-0.00"."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


__all__ = ["HEADING", "HEAT", "card", "cards_figure", "grey", "heat", "overlay", "probability",
           "show_cards"]
