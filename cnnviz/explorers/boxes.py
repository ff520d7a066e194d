"""The pieces explorers built from :class:`draw.Panel` and :class:`draw.Picture` boxes share.

- :func:`slider` and :func:`dropdown`: controls of one width, their labels aligned;
- :func:`words`: lines of text, wrapped, in a :class:`draw.Picture` box;
- :func:`rectangle` and :func:`place`: an outline on an axis, hidden until placed;
- :func:`common_cell`: one cell size at which several matrices fit their panels.
"""

from __future__ import annotations

from matplotlib.patches import Rectangle

from . import draw


def slider(value, lo, hi, description, **kwargs):
    """An ``IntSlider`` from ``lo`` to ``hi``, 270 pixels wide, its label 90."""
    import ipywidgets as widgets

    return widgets.IntSlider(value, lo, hi, description=description, continuous_update=True,
                             style={"description_width": "90px"},
                             layout=widgets.Layout(width="270px"), **kwargs)


def dropdown(options, value, description):
    """A ``Dropdown`` of the same width and label width as :func:`slider`."""
    import ipywidgets as widgets

    return widgets.Dropdown(options=options, value=value, description=description,
                            style={"description_width": "90px"},
                            layout=widgets.Layout(width="270px"))


def words(picture, lines, scale):
    """Show lines of text in a :class:`draw.Picture` (redrawn only when they change)."""
    pixels = round(draw.TEXT_PX * scale)
    lines = tuple(lines)

    def paint(size):
        wrapped = tuple(part for line in lines
                        for part in (draw.wrap(line, size[0] - 4, indent="    ", pixels=pixels)
                                     if line else [""]))
        return draw.text_rgb(wrapped, size, pixels=pixels, line_px=round(draw.LINE_PX * scale))

    picture.show(lines, paint)


def rectangle(ax, colour=draw.HIGHLIGHT, lw=3, ls="-"):
    """An outline on ``ax``, hidden until :func:`place` puts it somewhere."""
    box = Rectangle((0, 0), 1, 1, fill=False, ec=colour, lw=lw, ls=ls, visible=False, zorder=4)
    ax.add_patch(box)
    return box


def place(box, row, col, h, w):
    """Show ``box`` around ``h x w`` cells from cell ``(row, col)`` (cell centres at integers)."""
    box.set_bounds(col - 0.5, row - 0.5, w, h)
    box.set_visible(True)


def common_cell(panels_and_shapes, most=30):
    """One cell size (pixels) at which every (panel, shape) fits, at most ``most``."""
    return max(4, int(min([most * panels_and_shapes[0][0].scale]
                          + [panel.fits(shape) for panel, shape in panels_and_shapes])))


__all__ = ["common_cell", "dropdown", "place", "rectangle", "slider", "words"]
